#include "cli/commands.h"
#include "cli/app.h"
#include "cli/conn.h"
#include "cli/msg.h"
#include "cli/complete.h"
#include "ftp/session.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/xmalloc.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#define R ARG_REMOTE
#define L ARG_LOCAL
#define CONN CMD_CONN
#define CHG (CMD_CONN | CMD_CHANGES_REMOTE)
#define READ (CMD_CONN | CMD_REPEATABLE)

static const struct long_opt transfer_longs[] = {
	{ "recursive", 'r' }, { "continue", 'c' }, { "parallel", 'P' },
	{ "verify", 'V' }, { NULL, 0 }
};
static const struct long_opt recursive_longs[] = { { "recursive", 'r' }, { NULL, 0 } };
static const struct long_opt parents_longs[] = { { "parents", 'p' }, { NULL, 0 } };
static const struct long_opt mirror_longs[] = {
	{ "reverse", 'R' }, { "delete", 'e' }, { "dry-run", 'D' },
	{ "only-newer", 'n' }, { "only-missing", 'M' }, { "parallel", 'P' },
	{ "exclude", 'x' }, { "include", 'i' }, { "no-dotfiles", 'N' },
	{ "continue", 'c' }, { "verbose", 'v' }, { "max-delete", 'm' },
	{ "checksum", 'C' }, { NULL, 0 }
};
static const struct long_opt ls_longs[] = {
	{ "all", 'a' }, { "reverse", 'r' }, { NULL, 0 }
};

const struct command commands[] = {
	/* session */
	{ "open", NULL, "", NULL, "[URL|HOST]",
	  "connect and log in (ftpes://, ftps://, host[:port][/dir]); without an "
	  "argument, reconnect to the last host",
	  0, 1, CMD_CHANGES_REMOTE | CMD_SECRET_URL, LOCAL_NONE, { ARG_HOST }, cmd_open },
	{ "close", NULL, "", NULL, "", "close the connection",
	  0, 0, CMD_CHANGES_REMOTE, LOCAL_NONE, { 0 }, cmd_close },
	{ "user", NULL, NULL, NULL, "USER [PASSWORD]", "log in again as another user",
	  1, 2, CMD_CHANGES_REMOTE | CMD_SECRET_PASSWORD, LOCAL_NONE, { ARG_WORD },
	  cmd_user },
	{ "status", NULL, "", NULL, "",
	  "show the connection, TLS, certificate trust and features",
	  0, 0, 0, LOCAL_NONE, { 0 }, cmd_status },
	{ "passive", NULL, "", NULL, "[on|off]",
	  "passive (default) or active data connections",
	  0, 1, 0, LOCAL_NONE, { ARG_WORD }, cmd_passive },
	{ "ascii", NULL, "", NULL, "", "transfer in ASCII mode (TYPE A)",
	  0, 0, CONN, LOCAL_NONE, { 0 }, cmd_ascii },
	{ "binary", NULL, "", NULL, "", "transfer in binary mode (TYPE I, the default)",
	  0, 0, CONN, LOCAL_NONE, { 0 }, cmd_binary },
	{ "set", NULL, "", NULL, "[NAME VALUE]",
	  "show the settings, or change one (on/off, a number, or a rate: 512k)",
	  0, 2, 0, LOCAL_NONE, { ARG_SETTING, ARG_WORD }, cmd_set },
	{ "trust", NULL, "", NULL,
	  "list | add HOST[:PORT] SHA256:... | remove HOST[:PORT]",
	  "manage trusted server keys (known_servers)",
	  1, 3, 0, LOCAL_NONE, { ARG_WORD, ARG_HOST, ARG_WORD }, cmd_trust },
	/* remote */
	{ "ls", NULL, "alrSt", ls_longs, "[-alrSt] [PATH|GLOB]",
	  "list remote files sorted by name: -l long form, -a with dot-files, "
	  "-t by time, -S by size, -r reversed",
	  0, 1, READ, LOCAL_NONE, { R }, cmd_ls },
	{ "dir", NULL, "alrSt", ls_longs, "[-arSt] [PATH|GLOB]",
	  "list remote files in long form (ls -l)",
	  0, 1, READ, LOCAL_NONE, { R }, cmd_dir },
	{ "nlist", NULL, "", NULL, "[PATH]", "list remote names as the server gives them (NLST)",
	  0, 1, READ, LOCAL_NONE, { R }, cmd_nlist },
	{ "cd", NULL, "", NULL, "DIR|-", "change the remote directory (-: the previous one)",
	  1, 1, READ, LOCAL_NONE, { R }, cmd_cd },
	{ "cdup", NULL, "", NULL, "", "go to the parent remote directory",
	  0, 0, READ, LOCAL_NONE, { 0 }, cmd_cdup },
	{ "pwd", NULL, "", NULL, "", "print the remote directory",
	  0, 0, READ, LOCAL_NONE, { 0 }, cmd_pwd },
	{ "mkdir", NULL, "p", parents_longs, "[-p] DIR...",
	  "make remote directories (-p: with parents, no error if they exist)",
	  1, -1, CHG, LOCAL_NONE, { R }, cmd_mkdir },
	{ "rmdir", NULL, "", NULL, "DIR...", "remove empty remote directories",
	  1, -1, CHG, LOCAL_NONE, { R }, cmd_rmdir },
	{ "rm", "delete", "r", recursive_longs, "[-r] PATH|GLOB...",
	  "remove remote files (-r: directories too)",
	  1, -1, CHG, LOCAL_NONE, { R }, cmd_rm },
	{ "rename", "mv", "", NULL, "FROM TO", "rename or move a remote file",
	  2, 2, CHG, LOCAL_NONE, { R, R }, cmd_rename },
	{ "chmod", NULL, "", NULL, "MODE PATH|GLOB...",
	  "change permissions (SITE CHMOD, octal MODE)",
	  2, -1, CHG, LOCAL_NONE, { ARG_WORD, R }, cmd_chmod },
	{ "size", NULL, "", NULL, "PATH...", "show remote file sizes (SIZE)",
	  1, -1, READ, LOCAL_NONE, { R }, cmd_size },
	{ "mtime", NULL, "", NULL, "PATH...", "show modification times in local time (MDTM)",
	  1, -1, READ, LOCAL_NONE, { R }, cmd_mtime },
	{ "cat", NULL, "", NULL, "PATH...", "print remote files on standard output",
	  1, -1, CONN, LOCAL_NONE, { R }, cmd_cat },
	{ "quote", NULL, NULL, NULL, "COMMAND...", "send a raw command and show the reply",
	  1, -1, CHG | CMD_SECRET_RAW, LOCAL_NONE, { ARG_WORD }, cmd_quote },
	{ "site", NULL, NULL, NULL, "COMMAND...", "send SITE COMMAND and show the reply",
	  1, -1, CHG | CMD_SECRET_RAW, LOCAL_NONE, { ARG_WORD }, cmd_site },
	/* transfers */
	{ "get", "mget", "rcP:@V", transfer_longs,
	  "[-rc] [-P N] [--verify] REMOTE... [LOCAL]",
	  "download files, globs, directories (-r); -c resumes, -P N in parallel, "
	  "--verify compares the server's content hash",
	  1, -1, CONN, LOCAL_LAST, { R, L }, cmd_get },
	{ "put", "mput", "rcP:@V", transfer_longs,
	  "[-rc] [-P N] [--verify] LOCAL... [REMOTE]",
	  "upload files, globs, directories (-r); -c resumes, -P N in parallel, "
	  "--verify compares the server's content hash",
	  1, -1, CHG, LOCAL_BUT_LAST, { L, R }, cmd_put },
	{ "reget", NULL, "rP:@V", transfer_longs, "[-r] [-P N] [--verify] REMOTE... [LOCAL]",
	  "resume downloads (get -c)", 1, -1, CONN, LOCAL_LAST, { R, L }, cmd_reget },
	{ "reput", NULL, "rP:@V", transfer_longs, "[-r] [-P N] [--verify] LOCAL... [REMOTE]",
	  "resume uploads (put -c)", 1, -1, CHG, LOCAL_BUT_LAST, { L, R }, cmd_reput },
	{ "mirror", NULL, "ReP:x:i:cnv@DMNm:C", mirror_longs,
	  "[-Recnv] [-P N] [-x GLOB]... [-i GLOB]... [--dry-run] [--only-missing] "
	  "[--no-dotfiles] [--max-delete N] [--checksum] SOURCE [TARGET]",
	  "make TARGET like SOURCE, copying only what changed: a remote tree into a "
	  "local one, or with -R a local tree into a remote one; -e removes what "
	  "SOURCE lacks, -n copies only newer files, -x/-i exclude or include "
	  "names, --dry-run shows what would happen",
	  1, 2, CHG, LOCAL_MIRROR, { R, L }, cmd_mirror },
	/* local */
	{ "lcd", NULL, "", NULL, "[DIR|-]",
	  "change the local directory (default: home; -: the previous one)",
	  0, 1, 0, LOCAL_ALL, { L }, cmd_lcd },
	{ "lpwd", NULL, "", NULL, "", "print the local directory",
	  0, 0, 0, LOCAL_NONE, { 0 }, cmd_lpwd },
	{ "lls", NULL, NULL, NULL, "[LS-OPTIONS] [PATH...]", "list a local directory (ls -l)",
	  0, -1, 0, LOCAL_ALL, { L }, cmd_lls },
	{ "lmkdir", NULL, "", NULL, "DIR...", "make local directories",
	  1, -1, 0, LOCAL_ALL, { L }, cmd_lmkdir },
	{ "alias", NULL, NULL, NULL, "[NAME COMMAND...]",
	  "show aliases, or make NAME stand for COMMAND",
	  0, -1, CMD_ALIAS, LOCAL_NONE, { ARG_WORD, ARG_COMMAND, ARG_WORD }, cmd_alias },
	{ "help", "?", "", NULL, "[COMMAND]", "show commands, or one command's usage",
	  0, 1, 0, LOCAL_NONE, { ARG_COMMAND }, cmd_help },
	{ "quit", "exit bye", "", NULL, "", "close the connection and leave",
	  0, 0, 0, LOCAL_NONE, { 0 }, cmd_quit },
};
const unsigned n_commands = sizeof(commands) / sizeof(commands[0]);

static int word_in_list(const char *word, size_t len, const char *list,
			int prefix)
{
	while (list && *list) {
		size_t n = strcspn(list, " ");
		if (prefix ? n >= len && !strncmp(list, word, len)
			   : n == len && !strncmp(list, word, len))
			return 1;
		list += n;
		list += strspn(list, " ");
	}
	return 0;
}

const struct command *command_find(const char *word, char **ambiguous)
{
	size_t len = strlen(word);
	const struct command *found = NULL;
	struct buf names = { 0 };
	unsigned matches = 0;

	*ambiguous = NULL;
	if (len == 0)
		return NULL;
	for (unsigned i = 0; i < n_commands; i++)
		if (!strcmp(commands[i].name, word) ||
		    word_in_list(word, len, commands[i].aliases, 0))
			return &commands[i];
	for (unsigned i = 0; i < n_commands; i++) {
		const struct command *c = &commands[i];
		if (strncmp(c->name, word, len) &&
		    !word_in_list(word, len, c->aliases, 1))
			continue;
		found = c;
		buf_printf(&names, "%s%s", matches++ ? ", " : "", c->name);
	}
	if (matches > 1) {
		*ambiguous = buf_steal(&names);
		return NULL;
	}
	buf_free(&names);
	return found;
}

int command_usage(const struct command *c)
{
	app_error("usage: %s%s%s", c->name, *c->usage ? " " : "", c->usage);
	return FTPS_ERR_USAGE;
}

enum arg_kind command_arg_kind(const struct command *c, int pos)
{
	if (c->max_args >= 0 && pos >= c->max_args)
		return ARG_NONE;
	int idx = pos < 2 ? pos : 2; /* the last kind given repeats */
	while (idx > 0 && c->args[idx] == ARG_NONE)
		idx--;
	return c->args[idx];
}

/* "~" and "~/x" (and "~user/x") in a local operand, unquoted, as a shell
 * expands them; the pattern form keeps the home directory literal. */
static void expand_tilde(struct word *w)
{
	const char *rest = w->text + 1 + strcspn(w->text + 1, "/");
	char *user = xstrndup(w->text + 1, (size_t)(rest - w->text - 1));
	const char *home = NULL;
	if (!*user) {
		home = getenv("HOME");
	} else {
		struct passwd *pw = getpwnam(user);
		home = pw ? pw->pw_dir : NULL;
	}
	free(user);
	if (!home)
		return;
	struct word h = word_literal(home);
	size_t skip = (size_t)(rest - w->text);
	char *text = xasprintf("%s%s", h.text, rest);
	/* The pattern's first bytes are the "~user" typed, unescaped. */
	char *pattern = xasprintf("%s%s", h.pattern, w->pattern + skip);
	free(w->text);
	free(w->pattern);
	free(h.text);
	free(h.pattern);
	w->text = text;
	w->pattern = pattern;
	w->tilde = 0;
}

static void expand_local(const struct command *c, struct cmd_args *args)
{
	for (int i = 0; i < args->argc; i++) {
		int last = i == args->argc - 1, only = args->argc == 1;
		int local = c->local == LOCAL_ALL ||
			    (c->local == LOCAL_LAST && last && !only) ||
			    (c->local == LOCAL_BUT_LAST && (!last || only)) ||
			    (c->local == LOCAL_MIRROR && i == !args_has(args, 'R'));
		if (local && args->argv[i].tilde)
			expand_tilde(&args->argv[i]);
	}
}

/* Arity and options, from the table: the handler only runs on a line
 * that fits its usage. */
static int prepare(const struct command *c, int n, struct word *words,
		   struct cmd_args *args)
{
	char *err = NULL;
	int rc = args_parse(c->opts, c->longs, n, words, args, &err);
	if (rc < 0) {
		app_error("%s: %s; usage: %s %s", c->name, err, c->name, c->usage);
		free(err);
		return rc;
	}
	if (args->argc < c->min_args || (c->max_args >= 0 && args->argc > c->max_args))
		return command_usage(c);
	expand_local(c, args);
	return 0;
}

int command_run(struct app *a, int n, struct word *words)
{
	char *ambiguous = NULL;
	const struct command *c = command_find(words[0].text, &ambiguous);
	if (!c) {
		if (ambiguous)
			app_error("%s: ambiguous command, could be: %s", words[0].text,
				  ambiguous);
		else
			app_error("%s: unknown command (try \"help\")", words[0].text);
		free(ambiguous);
		for (int i = 0; i < n; i++) {
			free(words[i].text);
			free(words[i].pattern);
		}
		return FTPS_ERR_USAGE;
	}
	struct cmd_args args;
	int rc = prepare(c, n, words, &args);
	if (rc == 0 && (c->flags & CMD_CONN)) {
		rc = app_ensure_connected(a);
		if (rc == FTPS_ERR_NOTCONN)
			app_error("%s: not connected (use \"open HOST\")", c->name);
	}
	if (rc == 0)
		rc = c->run(a, &args);
	/* A server that died just as the command went out (the idle check
	 * saw nothing yet): a command that changes nothing runs again. */
	if (rc == FTPS_ERR_CONNECT && (c->flags & CMD_REPEATABLE) && a->ftp &&
	    !ftp_is_connected(a->ftp) && app_ensure_connected(a) == 0)
		rc = c->run(a, &args);
	if (c->flags & CMD_CHANGES_REMOTE)
		complete_invalidate();
	/* Words may hold a password ("user alice secret"). */
	for (int i = 0; i < args.argc; i++)
		wipe(args.argv[i].text, strlen(args.argv[i].text));
	args_free(&args);
	return rc;
}
