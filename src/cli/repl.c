#include "cli/repl.h"
#include "cli/app.h"
#include "cli/argv.h"
#include "cli/commands.h"
#include "cli/history.h"
#include "cli/lineedit.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/xmalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_BYTES (64 * 1024)

/* Split a line into words, replacing a leading alias by what it stands for
 * (once: aliases do not nest). */
static int split_expanded(struct app *a, const char *line, int *argc, char ***argv)
{
	const char *err = NULL;
	int rc = argv_split(line, argc, argv, &err);
	if (rc < 0) {
		app_error("%s", err ? err : "line too long");
		return rc;
	}
	const char *exp = *argc > 0 ? app_alias_command(a, (*argv)[0]) : NULL;
	if (!exp)
		return 0;
	struct buf b = { 0 };
	buf_append_str(&b, exp);
	for (int i = 1; i < *argc; i++) {
		char *q = argv_quote((*argv)[i]);
		buf_printf(&b, " %s", q);
		free(q);
	}
	argv_free(*argv);
	rc = argv_split(b.data, argc, argv, &err);
	buf_free(&b);
	if (rc < 0)
		app_error("%s", err ? err : "alias too long");
	return rc;
}

int repl_line(struct app *a, char *line, int echo)
{
	int ignore_error = 0, quiet = !echo;
	while (isspace((unsigned char)*line))
		line++;
	if (*line == '\0' || *line == '#')
		return 0;
	for (;; line++) {
		if (*line == '-')
			ignore_error = 1;
		else if (*line == '@')
			quiet = 1;
		else
			break;
	}
	if (!quiet) {
		/* The echo goes to logs: never with a password in it. */
		char *shown = history_scrub(a, line);
		printf("ftps> %s\n", shown);
		fflush(stdout);
		free(shown);
	}
	int rc;
	if (*line == '!') {
		rc = run_shell(line + 1);
	} else {
		int argc = 0;
		char **argv = NULL;
		rc = split_expanded(a, line, &argc, &argv);
		if (rc == 0 && argc > 0)
			rc = command_run(a, argc, argv);
		/* Words may hold a password ("user alice secret"). */
		for (int i = 0; argv && i < argc; i++)
			wipe(argv[i], strlen(argv[i]));
		argv_free(argv);
	}
	ftps_interrupted = 0;
	return ignore_error ? 0 : rc;
}

static char *read_stream_line(FILE *in, int *too_long)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, in);
	*too_long = 0;
	if (n < 0) {
		free(line);
		return NULL;
	}
	if (n > LINE_MAX_BYTES)
		*too_long = 1;
	line[strcspn(line, "\r\n")] = '\0';
	return line;
}

int repl_run(struct app *a, FILE *in)
{
	int status = 0;
	while (!a->quit) {
		int too_long = 0;
		char *line = in ? read_stream_line(in, &too_long)
				: lineedit_read("ftps> ");
		if (!line)
			break;
		int rc;
		if (too_long) {
			app_error("line longer than %d bytes", LINE_MAX_BYTES);
			rc = FTPS_ERR_TOOLONG;
		} else {
			if (!in && *line && a->settings.history) {
				char *safe = history_scrub(a, line);
				lineedit_add_history(safe);
				free(safe);
			}
			rc = repl_line(a, line, a->batch);
		}
		wipe(line, strlen(line));
		free(line);
		if (rc < 0 && a->batch) {
			status = exit_code_for(rc);
			break;
		}
	}
	if (!in && !a->quit)
		putchar('\n');
	return status;
}
