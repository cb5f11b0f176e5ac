#include "cli/repl.h"
#include "cli/app.h"
#include "cli/argv.h"
#include "cli/commands.h"
#include "cli/lineedit.h"
#include "util/error.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_BYTES (64 * 1024)

/* One line with OpenSSH sftp's batch rules: '#' comments and blank lines are
 * skipped, a leading '-' ignores a failure, a leading '@' suppresses the
 * echo. Returns 0, or the failure that must end a batch run. */
static int run_line(struct app *a, char *line)
{
	int ignore_error = 0, quiet = !a->batch;
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
		printf("ftps> %s\n", line);
		fflush(stdout);
	}
	if (*line == '!') {
		int src = run_shell(line + 1);
		ftps_interrupted = 0;
		return ignore_error ? 0 : src;
	}
	int argc = 0;
	char **argv = NULL;
	const char *err = NULL;
	int rc = argv_split(line, &argc, &argv, &err);
	if (rc < 0)
		app_error("%s", err ? err : "line too long");
	else if (argc > 0)
		rc = command_run(a, argc, argv);
	argv_free(argv);
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
			if (!in && *line)
				lineedit_add_history(line);
			rc = run_line(a, line);
		}
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
