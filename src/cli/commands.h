/* The command table: one entry per REPL command drives dispatch, arity
 * checks, `help` and completion. */
#ifndef FTPS_COMMANDS_H
#define FTPS_COMMANDS_H

struct app;

/* What an argument is, for completion. */
enum arg_kind { ARG_NONE = 0, ARG_REMOTE, ARG_LOCAL, ARG_COMMAND, ARG_HOST,
		ARG_SETTING, ARG_WORD };

struct command {
	const char *name;
	const char *aliases;   /* space-separated, or NULL */
	const char *usage;     /* arguments part, e.g. "REMOTE [LOCAL]" */
	const char *help;      /* one line */
	int min_args, max_args;/* max -1: unbounded */
	int needs_conn;
	enum arg_kind args[3]; /* per position; the last repeats */
	int (*run)(struct app *a, int argc, char **argv);
};

/* Handlers return 0 or a negative ftps_err after printing their own
 * message. */
extern const struct command commands[];
extern const unsigned n_commands;

/* Exact name or alias, else a unique prefix. NULL with *ambiguous set to a
 * newly allocated "could be: a, b" list when several match. */
const struct command *command_find(const char *word, char **ambiguous);

/* Run one parsed line; prints errors. 0 or a negative ftps_err. */
int command_run(struct app *a, int argc, char **argv);

/* Handlers, one family per file. */
int cmd_open(struct app *a, int argc, char **argv);
int cmd_close(struct app *a, int argc, char **argv);
int cmd_user(struct app *a, int argc, char **argv);
int cmd_quit(struct app *a, int argc, char **argv);
int cmd_help(struct app *a, int argc, char **argv);
int cmd_status(struct app *a, int argc, char **argv);
int cmd_cd(struct app *a, int argc, char **argv);
int cmd_pwd(struct app *a, int argc, char **argv);
int cmd_ls(struct app *a, int argc, char **argv);
int cmd_get(struct app *a, int argc, char **argv);
int cmd_put(struct app *a, int argc, char **argv);
int cmd_lcd(struct app *a, int argc, char **argv);
int cmd_lpwd(struct app *a, int argc, char **argv);
int cmd_lls(struct app *a, int argc, char **argv);
int cmd_trust(struct app *a, int argc, char **argv);
int cmd_dir(struct app *a, int argc, char **argv);
int cmd_nlist(struct app *a, int argc, char **argv);
int cmd_cdup(struct app *a, int argc, char **argv);
int cmd_mkdir(struct app *a, int argc, char **argv);
int cmd_rmdir(struct app *a, int argc, char **argv);
int cmd_rm(struct app *a, int argc, char **argv);
int cmd_rename(struct app *a, int argc, char **argv);
int cmd_chmod(struct app *a, int argc, char **argv);
int cmd_size(struct app *a, int argc, char **argv);
int cmd_mtime(struct app *a, int argc, char **argv);
int cmd_cat(struct app *a, int argc, char **argv);
int cmd_quote(struct app *a, int argc, char **argv);
int cmd_reget(struct app *a, int argc, char **argv);
int cmd_reput(struct app *a, int argc, char **argv);
int cmd_lmkdir(struct app *a, int argc, char **argv);
int cmd_passive(struct app *a, int argc, char **argv);
int cmd_ascii(struct app *a, int argc, char **argv);
int cmd_binary(struct app *a, int argc, char **argv);
int cmd_set(struct app *a, int argc, char **argv);
int cmd_alias(struct app *a, int argc, char **argv);
/* "!command" lines (not in the table: the line is not split into words). */
int run_shell(const char *command);

#endif
