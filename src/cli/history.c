#include "cli/history.h"
#include "cli/app.h"
#include "cli/argv.h"
#include "cli/commands.h"
#include "proto/parse.h"
#include "url.h"
#include "util/buf.h"
#include "util/xdg.h"
#include "util/xmalloc.h"

#include <stdlib.h>
#include <string.h>

/* How many words of a command line (argv[0] a command name) may be kept;
 * URL passwords are replaced in place. argc when nothing is secret. */
static int keep_words(int argc, char **argv, int depth, int *changed)
{
	char *amb = NULL;
	const struct command *c = command_find(argv[0], &amb);
	free(amb);
	if (!c)
		return argc;
	if (c->flags & CMD_SECRET_URL)
		for (int i = 1; i < argc; i++) {
			char *shown = url_redact(argv[i], NULL);
			*changed |= strcmp(shown, argv[i]) != 0;
			wipe(argv[i], strlen(argv[i]));
			free(argv[i]);
			argv[i] = shown;
		}
	if (c->flags & CMD_SECRET_PASSWORD)
		return argc > 2 ? 2 : argc;
	if ((c->flags & CMD_ALIAS) && argc > 2 && depth == 0)
		return 2 + keep_words(argc - 2, argv + 2, depth + 1, changed);
	if (c->flags & CMD_SECRET_RAW) {
		/* The words as the server gets them: "quote 'PASS x'" too. */
		struct buf line = { 0 };
		if (!strcmp(c->name, "site"))
			buf_append_str(&line, "SITE");
		int keep = argc;
		for (int i = 1; i < argc && keep == argc; i++) {
			buf_printf(&line, "%s%s", line.len ? " " : "", argv[i]);
			size_t start = line.len - strlen(argv[i]);
			size_t off = ftp_secret_offset(line.data);
			if (!off || off >= line.len)
				continue;
			if (off <= start) {
				keep = i; /* the whole word is secret */
			} else {
				/* "PASS x" typed as one word: keep "PASS". */
				wipe(argv[i] + (off - start), line.len - off);
				argv[i][off - start] = '\0';
				keep = i + 1;
				*changed = 1;
			}
		}
		wipe(line.data, line.len);
		buf_free(&line);
		return keep;
	}
	return argc;
}

/* The typed words with an alias in front replaced by what it stands for. */
static int expand_alias(struct app *a, int *argc, char ***argv, int *extra)
{
	const char *exp = a ? app_alias_command(a, (*argv)[0]) : NULL;
	*extra = 0;
	if (!exp)
		return 0;
	int n = 0;
	char **words = NULL;
	const char *err = NULL;
	if (argv_split(exp, &n, &words, &err) < 0 || n == 0) {
		argv_free(words);
		return -1;
	}
	char **all = xcalloc((size_t)(n + *argc), sizeof(*all));
	for (int i = 0; i < n; i++)
		all[i] = words[i];
	for (int i = 1; i < *argc; i++)
		all[n + i - 1] = (*argv)[i];
	free(words);
	free((*argv)[0]);
	free(*argv);
	*extra = n - 1;
	*argc += n - 1;
	*argv = all;
	return 0;
}

char *history_scrub(struct app *a, const char *line)
{
	int argc = 0, extra = 0;
	char **argv = NULL;
	const char *err = NULL;
	const char *p = line + strspn(line, " \t-@");
	if (*p == '!' || argv_split(p, &argc, &argv, &err) < 0 || argc == 0 ||
	    expand_alias(a, &argc, &argv, &extra) < 0) {
		argv_free(argv);
		/* Shell lines and lines we cannot parse cannot hold our
		 * command syntax; keep them as typed. */
		return xstrdup(line);
	}
	/* Judge the line as it runs; show it as typed: the alias name, then
	 * the typed words that survive. */
	int changed = 0;
	int keep = keep_words(argc, argv, 0, &changed);
	if (keep >= argc && !changed) {
		for (int i = 0; i < argc; i++)
			wipe(argv[i], strlen(argv[i]));
		argv_free(argv);
		return xstrdup(line);
	}
	struct buf b = { 0 };
	buf_append_str(&b, extra ? p : argv[0]);
	if (extra)
		b.len = strcspn(p, " \t"), b.data[b.len] = '\0';
	int from = extra ? extra + 1 : 1;
	for (int i = from; i < keep; i++) {
		char *q = argv_quote(argv[i]);
		buf_printf(&b, " %s", q);
		free(q);
	}
	for (int i = 0; i < argc; i++)
		wipe(argv[i], strlen(argv[i]));
	argv_free(argv);
	return buf_steal(&b);
}

char *history_default_path(void)
{
	return xdg_path("XDG_STATE_HOME", ".local/state", "ftps/history");
}
