#include "cli/repl.h"
#include "cli/app.h"
#include "cli/msg.h"
#include "cli/argv.h"
#include "cli/commands.h"
#include "cli/history.h"
#include "cli/lineedit.h"
#include "ftp/session.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/xmalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_BYTES (64 * 1024)

/* The typed words with a leading alias replaced by the words it stands
 * for (once: aliases do not nest). The typed words keep their quoting: an
 * alias does not turn a wildcard into a literal or back. */
static int splice_alias(struct app *a, int *n, struct word **w)
{
	const char *exp = *n > 0 ? app_alias_command(a, (*w)[0].text) : NULL;
	if (!exp)
		return 0;
	const char *err = NULL;
	struct word *aw = NULL;
	int an = 0;
	int rc = argv_split_words(exp, &an, &aw, &err);
	if (rc < 0 || an == 0) {
		app_error("%s", err ? err : "empty alias");
		words_free(aw, an);
		return rc < 0 ? rc : FTPS_ERR_USAGE;
	}
	aw = xrealloc(aw, (size_t)(an + *n - 1) * sizeof(*aw));
	for (int i = 1; i < *n; i++)
		aw[an + i - 1] = (*w)[i];
	free((*w)[0].text);
	free((*w)[0].pattern);
	free(*w);
	*w = aw;
	*n = an + *n - 1;
	return 0;
}

static int run_words(struct app *a, const char *line)
{
	const char *err = NULL;
	struct word *w = NULL;
	int n = 0;
	int rc = argv_split_words(line, &n, &w, &err);
	if (rc < 0) {
		app_error("%s", err ? err : "line too long");
		return rc;
	}
	rc = splice_alias(a, &n, &w);
	if (rc < 0) {
		words_free(w, n);
		return rc;
	}
	if (n > 0)
		rc = command_run(a, n, w);
	free(w);
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
		rc = run_words(a, line);
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

/* At the prompt: a NOOP after `set keepalive` seconds of quiet, so that
 * servers with an idle timeout keep the session. A failure only closes
 * the connection; the next command reconnects. */
static int keepalive(void *ctx)
{
	struct app *a = ctx;
	if (!a->settings.keepalive || !a->ftp || !ftp_is_connected(a->ftp) ||
	    clock_ms() - a->last_activity < a->settings.keepalive * 1000LL)
		return 0;
	a->last_activity = clock_ms();
	fflush(stdout);
	ftp_noop(a->ftp);
	return a->opt.verbose;
}

int repl_run(struct app *a, FILE *in)
{
	int status = 0;
	a->last_activity = clock_ms();
	if (!in)
		lineedit_set_idle(keepalive, a);
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
		a->last_activity = clock_ms();
		if (rc < 0 && a->batch) {
			status = exit_code_for(rc);
			break;
		}
	}
	if (!in && !a->quit)
		putchar('\n');
	return status;
}
