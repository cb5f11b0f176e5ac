#include "cli/lineedit.h"
#include "cli/app.h"
#include "cli/argv.h"
#include "cli/complete.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <readline/history.h>
#include <readline/readline.h>

#define HISTORY_MAX 2000

static struct app *app;

/* readline calls this when a signal interrupted its read: Ctrl-C at the
 * prompt throws the half-typed line away, as in a shell. */
static int on_signal(void)
{
	if (ftps_interrupted) {
		ftps_interrupted = 0;
		rl_replace_line("", 0);
		rl_crlf();
		rl_on_new_line();
		rl_redisplay();
	}
	return 0;
}

/* --- idle work (keepalive) --- */

static int (*idle_fn)(void *);
static void *idle_ctx;

/* readline calls this about ten times a second while it waits for a key. */
static int on_idle(void)
{
	/* With an event hook readline polls, and a Ctrl-C between two polls
	 * does not reach rl_signal_event_hook: handle it here too. */
	on_signal();
	if (idle_fn && idle_fn(idle_ctx))
		rl_forced_update_display(); /* it printed: draw the line again */
	return 0;
}

void lineedit_set_idle(int (*fn)(void *ctx), void *ctx)
{
	idle_fn = fn;
	idle_ctx = ctx;
	rl_event_hook = fn ? on_idle : NULL;
}

/* --- completion --- */

static char **candidates;
static size_t n_candidates, next_candidate;

static char *generate(const char *text, int state)
{
	(void)text;
	if (state == 0)
		next_candidate = 0;
	if (next_candidate >= n_candidates)
		return NULL;
	char *c = candidates[next_candidate];
	candidates[next_candidate++] = NULL; /* readline frees it */
	return c;
}

static char **attempt(const char *text, int start, int end)
{
	(void)end;
	char *before = xstrndup(rl_line_buffer, (size_t)start);
	/* The opening quote is not part of text; neither is it a word. */
	size_t bl = strlen(before);
	if (bl && (before[bl - 1] == '"' || before[bl - 1] == '\''))
		before[bl - 1] = '\0';
	char **m = NULL;
	size_t n = 0;
	enum complete_kind k = complete_word(app, before, text, &m, &n);
	free(before);
	rl_attempted_completion_over = 1;
	if (k == COMPLETE_LOCAL) {
		rl_filename_completion_desired = 1;
		return rl_completion_matches(text, rl_filename_completion_function);
	}
	if (k == COMPLETE_NONE)
		return NULL;
	complete_free(candidates, n_candidates);
	candidates = m;
	n_candidates = n;
	/* Names are quoted like file names; a directory keeps the cursor
	 * right after its '/'. */
	rl_filename_completion_desired = 1;
	if (n == 1 && m[0][strlen(m[0]) - 1] == '/')
		rl_completion_suppress_append = 1;
	char **res = rl_completion_matches(text, generate);
	complete_free(candidates, n_candidates);
	candidates = NULL;
	n_candidates = 0;
	return res;
}

/* Quote a completed name so that the line splits back to the same word:
 * inside double quotes escape " and \, inside single quotes nothing can be
 * escaped, elsewhere backslashes. */
static char *quote(char *text, int match_type, char *qcp)
{
	(void)match_type;
	if (qcp && *qcp == '"') {
		char *out = xmalloc(strlen(text) * 2 + 1), *o = out;
		for (const char *p = text; *p; p++) {
			if (*p == '"' || *p == '\\')
				*o++ = '\\';
			*o++ = *p;
		}
		*o = '\0';
		return out;
	}
	if (qcp && *qcp == '\'')
		return xstrdup(text);
	return argv_quote(text);
}

static char *dequote(char *text, int quote_char)
{
	char *out = xmalloc(strlen(text) + 1), *o = out;
	for (const char *p = text; *p; p++) {
		if (*p == '\\' && p[1] && quote_char != '\'' &&
		    (quote_char != '"' || p[1] == '"' || p[1] == '\\'))
			p++;
		*o++ = *p;
	}
	*o = '\0';
	return out;
}

static int is_quoted(char *text, int index)
{
	int n = 0;
	while (index - n - 1 >= 0 && text[index - n - 1] == '\\')
		n++;
	return n % 2 == 1;
}

void lineedit_init(struct app *a)
{
	app = a;
	rl_readline_name = "ftps";
	/* Our own SIGINT handler sets a flag; readline must not longjmp or
	 * re-raise. */
	rl_catch_signals = 0;
	rl_signal_event_hook = on_signal;
	rl_attempted_completion_function = attempt;
	rl_completer_word_break_characters = " \t";
	rl_completer_quote_characters = "\"'";
	rl_filename_quote_characters = " \t\n\"'\\$`*?[]{}()<>|&;#!~";
	rl_filename_quoting_function = quote;
	rl_filename_dequoting_function = dequote;
	rl_char_is_quoted_p = is_quoted;
}

char *lineedit_read(const char *prompt)
{
	return readline(prompt);
}

void lineedit_add_history(const char *line)
{
	add_history(line);
}

void lineedit_history_load(const char *path)
{
	read_history(path);
}

static void make_parent(const char *path)
{
	char *dir = xstrdup(path);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(dir, 0700);
		*p = '/';
	}
	free(dir);
}

void lineedit_history_save(const char *path)
{
	make_parent(path);
	/* Created private: a history holds host names and paths. */
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0) {
		fchmod(fd, 0600);
		close(fd);
	}
	if (write_history(path) == 0)
		history_truncate_file(path, HISTORY_MAX);
}

const char *lineedit_library_version(void)
{
	return rl_library_version;
}
