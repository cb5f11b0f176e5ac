#include "cli/commands.h"
#include "cli/app.h"
#include "cli/complete.h"
#include "ftp/session.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/xmalloc.h"

#include <stdlib.h>
#include <string.h>

#define R ARG_REMOTE
#define L ARG_LOCAL

const struct command commands[] = {
	/* session */
	{ "open", NULL, "[URL|HOST]", "connect and log in (ftpes://, ftps://, host[:port])",
	  0, 1, 0, { ARG_HOST }, cmd_open },
	{ "close", NULL, "", "close the connection", 0, 0, 0, { 0 }, cmd_close },
	{ "user", NULL, "USER [PASSWORD]", "log in again as another user",
	  1, 2, 0, { ARG_WORD }, cmd_user },
	{ "status", NULL, "", "show the connection, TLS, certificate trust and features",
	  0, 0, 0, { 0 }, cmd_status },
	{ "passive", NULL, "[on|off]", "passive (default) or active data connections",
	  0, 1, 0, { ARG_WORD }, cmd_passive },
	{ "ascii", NULL, "", "transfer in ASCII mode (TYPE A)", 0, 0, 1, { 0 }, cmd_ascii },
	{ "binary", NULL, "", "transfer in binary mode (TYPE I, the default)",
	  0, 0, 1, { 0 }, cmd_binary },
	{ "set", NULL, "[NAME VALUE]", "show or change a setting (on/off, or a number)",
	  0, 2, 0, { ARG_SETTING, ARG_WORD }, cmd_set },
	{ "trust", NULL, "list | add HOST[:PORT] SHA256:... | remove HOST[:PORT]",
	  "manage trusted server keys (known_servers)", 1, 3, 0,
	  { ARG_WORD, ARG_HOST, ARG_WORD }, cmd_trust },
	/* remote */
	{ "ls", NULL, "[-l] [PATH|GLOB]", "list remote files (-l: long form)",
	  0, 2, 1, { R }, cmd_ls },
	{ "dir", NULL, "[PATH|GLOB]", "list remote files in long form (ls -l)",
	  0, 1, 1, { R }, cmd_dir },
	{ "nlist", NULL, "[PATH]", "list remote names only (NLST)", 0, 1, 1, { R }, cmd_nlist },
	{ "cd", NULL, "DIR", "change the remote directory", 1, 1, 1, { R }, cmd_cd },
	{ "cdup", NULL, "", "go to the parent remote directory", 0, 0, 1, { 0 }, cmd_cdup },
	{ "pwd", NULL, "", "print the remote directory", 0, 0, 1, { 0 }, cmd_pwd },
	{ "mkdir", NULL, "[-p] DIR...", "make remote directories (-p: with parents)",
	  1, -1, 1, { R }, cmd_mkdir },
	{ "rmdir", NULL, "DIR...", "remove empty remote directories", 1, -1, 1, { R }, cmd_rmdir },
	{ "rm", "delete", "[-r] PATH|GLOB...", "remove remote files (-r: directories too)",
	  1, -1, 1, { R }, cmd_rm },
	{ "rename", "mv", "FROM TO", "rename or move a remote file", 2, 2, 1, { R, R },
	  cmd_rename },
	{ "chmod", NULL, "MODE PATH|GLOB...", "change permissions (SITE CHMOD, octal MODE)",
	  2, -1, 1, { ARG_WORD, R }, cmd_chmod },
	{ "size", NULL, "PATH...", "show remote file sizes (SIZE)", 1, -1, 1, { R }, cmd_size },
	{ "mtime", NULL, "PATH...", "show modification times in local time (MDTM)",
	  1, -1, 1, { R }, cmd_mtime },
	{ "cat", NULL, "PATH...", "print remote files on standard output", 1, -1, 1, { R },
	  cmd_cat },
	{ "quote", NULL, "COMMAND...", "send a raw command and show the reply",
	  1, -1, 1, { ARG_WORD }, cmd_quote },
	{ "site", NULL, "COMMAND...", "send SITE COMMAND and show the reply",
	  1, -1, 1, { ARG_WORD }, cmd_quote },
	/* transfers */
	{ "get", "mget", "[-r] [-c] [-P N] REMOTE... [LOCAL]",
	  "download files, globs, directories (-r); -c resumes, -P N in parallel",
	  1, -1, 1, { R, R }, cmd_get },
	{ "put", "mput", "[-r] [-c] [-P N] LOCAL... [REMOTE]",
	  "upload files, globs, directories (-r); -c resumes, -P N in parallel",
	  1, -1, 1, { L, L }, cmd_put },
	{ "reget", NULL, "REMOTE... [LOCAL]", "resume downloads (get -c)", 1, -1, 1,
	  { R, R }, cmd_reget },
	{ "reput", NULL, "LOCAL... [REMOTE]", "resume uploads (put -c)", 1, -1, 1,
	  { L, L }, cmd_reput },
	/* local */
	{ "lcd", NULL, "[DIR]", "change the local directory", 0, 1, 0, { L }, cmd_lcd },
	{ "lpwd", NULL, "", "print the local directory", 0, 0, 0, { 0 }, cmd_lpwd },
	{ "lls", NULL, "[LS-OPTIONS] [PATH...]", "list a local directory",
	  0, -1, 0, { L }, cmd_lls },
	{ "lmkdir", NULL, "DIR...", "make local directories", 1, -1, 0, { L }, cmd_lmkdir },
	{ "alias", NULL, "[NAME COMMAND...]", "show aliases, or make NAME stand for COMMAND",
	  0, -1, 0, { ARG_WORD, ARG_COMMAND, ARG_WORD }, cmd_alias },
	{ "help", "?", "[COMMAND]", "show commands, or one command's usage",
	  0, 1, 0, { ARG_COMMAND }, cmd_help },
	{ "quit", "exit bye", "", "close the connection and leave",
	  0, 0, 0, { 0 }, cmd_quit },
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

int command_run(struct app *a, int argc, char **argv)
{
	char *ambiguous = NULL;
	const struct command *c = command_find(argv[0], &ambiguous);
	if (!c) {
		if (ambiguous)
			app_error("%s: ambiguous command, could be: %s", argv[0],
				  ambiguous);
		else
			app_error("%s: unknown command (try \"help\")", argv[0]);
		free(ambiguous);
		return FTPS_ERR_USAGE;
	}
	int nargs = argc - 1;
	if (nargs < c->min_args || (c->max_args >= 0 && nargs > c->max_args)) {
		app_error("usage: %s %s", c->name, c->usage);
		return FTPS_ERR_USAGE;
	}
	if (c->needs_conn) {
		int rc = app_ensure_connected(a);
		if (rc == FTPS_ERR_NOTCONN)
			app_error("%s: not connected (use \"open HOST\")", c->name);
		if (rc < 0)
			return rc;
	}
	int rc = c->run(a, argc, argv);
	if (command_changes_remote(c->name))
		complete_invalidate();
	return rc;
}
