#include "cli/history.h"
#include "cli/argv.h"
#include "cli/commands.h"
#include "util/buf.h"
#include "util/xdg.h"
#include "util/xmalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* "ftpes://user:secret@host" -> "ftpes://user@host". */
static void drop_url_password(char *w)
{
	char *scheme = strstr(w, "://");
	char *start = scheme ? scheme + 3 : w;
	char *at = strrchr(start, '@');
	if (!at)
		return;
	char *colon = memchr(start, ':', (size_t)(at - start));
	if (colon)
		memmove(colon, at, strlen(at) + 1);
}

char *history_scrub(const char *line)
{
	int argc = 0;
	char **argv = NULL;
	const char *err = NULL;
	const char *p = line + strspn(line, " \t-@");
	if (*p == '!' || argv_split(p, &argc, &argv, &err) < 0 || argc == 0) {
		argv_free(argv);
		/* Shell lines and lines we cannot parse cannot hold our
		 * command syntax; keep them as typed. */
		return xstrdup(line);
	}
	char *amb = NULL;
	const struct command *c = command_find(argv[0], &amb);
	free(amb);
	int keep = argc;
	if (c && !strcmp(c->name, "open"))
		for (int i = 1; i < argc; i++)
			drop_url_password(argv[i]);
	if (c && !strcmp(c->name, "user") && argc > 2)
		keep = 2;
	if (c && (!strcmp(c->name, "quote") || !strcmp(c->name, "site")))
		for (int i = 1; i < argc; i++)
			if (!strcasecmp(argv[i], "PASS") || !strcasecmp(argv[i], "ACCT"))
				keep = i + 1;
	struct buf b = { 0 };
	for (int i = 0; i < keep; i++) {
		char *q = i ? argv_quote(argv[i]) : xstrdup(argv[i]);
		buf_printf(&b, "%s%s", i ? " " : "", q);
		free(q);
	}
	argv_free(argv);
	return buf_steal(&b);
}

char *history_default_path(void)
{
	return xdg_path("XDG_STATE_HOME", ".local/state", "ftps/history");
}
