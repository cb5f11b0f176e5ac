/* The command table: one entry per REPL command drives dispatch, option
 * parsing, arity checks, "~" expansion, usage lines, `help`, completion and
 * history scrubbing (tmux's cmd_entry). Handlers never parse options. */
#ifndef FTPS_COMMANDS_H
#define FTPS_COMMANDS_H

#include "cli/args.h"

struct app;

/* What an operand is, for completion. */
enum arg_kind { ARG_NONE = 0, ARG_REMOTE, ARG_LOCAL, ARG_COMMAND, ARG_HOST,
		ARG_SETTING, ARG_WORD };

/* Which operands name local paths ("~" expands there, as in a shell). */
enum local_ops { LOCAL_NONE = 0, LOCAL_ALL, LOCAL_LAST /* get: the target */,
		 LOCAL_BUT_LAST /* put: all but the remote target */,
		 LOCAL_MIRROR /* the target, or with -R the source */ };

enum cmd_flags {
	CMD_CONN = 1 << 0,           /* needs a connection */
	CMD_CHANGES_REMOTE = 1 << 1, /* may change the remote tree (completion
	                              * cache) */
	CMD_SECRET_PASSWORD = 1 << 2,/* operands after the first are a password
	                              * (user NAME PASSWORD) */
	CMD_SECRET_RAW = 1 << 3,     /* a raw server command that may be PASS,
	                              * ACCT, SITE PSWD (quote, site) */
	CMD_SECRET_URL = 1 << 4,     /* operands are addresses that may hold a
	                              * password (open) */
	CMD_ALIAS = 1 << 5,          /* operands after the first are a command
	                              * line of their own (alias) */
	CMD_REPEATABLE = 1 << 6,     /* changes nothing on the server: when the
	                              * connection turns out dead as it runs,
	                              * reconnect and run it again */
};

struct command {
	const char *name;
	const char *aliases;   /* space-separated, or NULL */
	const char *opts;      /* getopt template ("rcP:"); NULL: no options,
	                        * every word is an operand */
	const struct long_opt *longs; /* long names, or NULL */
	const char *usage;     /* "[-rc] [-P N] REMOTE... [LOCAL]": the one
	                        * spelling, in usage: lines and help */
	const char *help;      /* one sentence */
	int min_args, max_args;/* operands; max -1: unbounded */
	unsigned flags;        /* enum cmd_flags */
	enum local_ops local;
	enum arg_kind args[3]; /* per operand position; the last repeats */
	int (*run)(struct app *a, const struct cmd_args *args);
};

/* Handlers return 0 or a negative ftps_err after printing their own
 * message. */
extern const struct command commands[];
extern const unsigned n_commands;

/* Exact name or alias, else a unique prefix. NULL with *ambiguous set to a
 * newly allocated "could be: a, b" list when several match. */
const struct command *command_find(const char *word, char **ambiguous);

/* Run one line's words (words[0] the command); takes ownership of the
 * words' strings (not of the array). Prints errors. 0 or a negative
 * ftps_err. */
int command_run(struct app *a, int n, struct word *words);
/* "usage: NAME USAGE" on stderr. FTPS_ERR_USAGE. */
int command_usage(const struct command *c);
/* The operand kind for completion at operand position pos. */
enum arg_kind command_arg_kind(const struct command *c, int pos);

/* Handlers, one family per file. */
int cmd_open(struct app *a, const struct cmd_args *args);
int cmd_close(struct app *a, const struct cmd_args *args);
int cmd_user(struct app *a, const struct cmd_args *args);
int cmd_quit(struct app *a, const struct cmd_args *args);
int cmd_help(struct app *a, const struct cmd_args *args);
int cmd_status(struct app *a, const struct cmd_args *args);
int cmd_cd(struct app *a, const struct cmd_args *args);
int cmd_pwd(struct app *a, const struct cmd_args *args);
int cmd_ls(struct app *a, const struct cmd_args *args);
int cmd_dir(struct app *a, const struct cmd_args *args);
int cmd_nlist(struct app *a, const struct cmd_args *args);
int cmd_get(struct app *a, const struct cmd_args *args);
int cmd_put(struct app *a, const struct cmd_args *args);
int cmd_lcd(struct app *a, const struct cmd_args *args);
int cmd_lpwd(struct app *a, const struct cmd_args *args);
int cmd_lls(struct app *a, const struct cmd_args *args);
int cmd_trust(struct app *a, const struct cmd_args *args);
int cmd_cdup(struct app *a, const struct cmd_args *args);
int cmd_mkdir(struct app *a, const struct cmd_args *args);
int cmd_rmdir(struct app *a, const struct cmd_args *args);
int cmd_rm(struct app *a, const struct cmd_args *args);
int cmd_rename(struct app *a, const struct cmd_args *args);
int cmd_chmod(struct app *a, const struct cmd_args *args);
int cmd_size(struct app *a, const struct cmd_args *args);
int cmd_mtime(struct app *a, const struct cmd_args *args);
int cmd_cat(struct app *a, const struct cmd_args *args);
int cmd_mirror(struct app *a, const struct cmd_args *args);
int cmd_quote(struct app *a, const struct cmd_args *args);
int cmd_site(struct app *a, const struct cmd_args *args);
int cmd_reget(struct app *a, const struct cmd_args *args);
int cmd_reput(struct app *a, const struct cmd_args *args);
int cmd_lmkdir(struct app *a, const struct cmd_args *args);
int cmd_passive(struct app *a, const struct cmd_args *args);
int cmd_ascii(struct app *a, const struct cmd_args *args);
int cmd_binary(struct app *a, const struct cmd_args *args);
int cmd_set(struct app *a, const struct cmd_args *args);
int cmd_alias(struct app *a, const struct cmd_args *args);
/* "!command" lines (not in the table: the line is not split into words). */
int run_shell(const char *command);

#endif
