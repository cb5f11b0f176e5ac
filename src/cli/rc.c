#include "cli/rc.h"
#include "cli/app.h"
#include "cli/msg.h"
#include "cli/commands.h"
#include "cli/history.h"
#include "cli/repl.h"
#include "cli/argv.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/xdg.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void aliases_clear(struct aliases *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].expansion);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

char *rc_default_path(void)
{
	return xdg_path("XDG_CONFIG_HOME", ".config", "ftps/ftpsrc");
}

void rc_run(struct app *a, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		if (errno != ENOENT)
			app_error("%s: %s", path, strerror(errno));
		return;
	}
	char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;
	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		char *where = xasprintf("%s:%u: ", path, lineno);
		app_error_context(where);
		repl_line(a, line, 0);
		app_error_context(NULL);
		free(where);
	}
	free(line);
	fclose(f);
}

const char *app_alias_command(struct app *a, const char *name)
{
	for (size_t i = 0; i < a->aliases.n; i++)
		if (!strcmp(a->aliases.v[i].name, name))
			return a->aliases.v[i].expansion;
	return NULL;
}

int cmd_alias(struct app *a, const struct cmd_args *args)
{
	if (args->argc == 0) {
		/* The same rule as the echo and the history: no password. */
		for (size_t i = 0; i < a->aliases.n; i++) {
			char *line = xasprintf("alias %s %s", a->aliases.v[i].name,
					       a->aliases.v[i].expansion);
			char *shown = history_scrub(a, line);
			puts(shown);
			free(shown);
			free_secret(line);
		}
		return 0;
	}
	if (args->argc == 1)
		return command_usage(command_find("alias", &(char *){ NULL }));
	const char *name = args_text(args, 0);
	/* Command names and their aliases stay what they are; prefixes may
	 * be taken by an alias. */
	char *amb = NULL;
	const struct command *c = command_find(name, &amb);
	free(amb);
	if (c && (!strcmp(c->name, name) || strlen(name) > strlen(c->name) ||
		  (c->aliases && strstr(c->aliases, name)))) {
		app_error("alias: %s is a command", name);
		return FTPS_ERR_USAGE;
	}
	/* Kept as pattern text: a quoted wildcard stays literal when the
	 * alias is used, an unquoted one stays a wildcard. */
	struct buf e = { 0 };
	for (int i = 1; i < args->argc; i++) {
		char *q = argv_quote_word(&args->argv[i]);
		buf_printf(&e, "%s%s", i > 1 ? " " : "", q);
		free(q);
	}
	for (size_t i = 0; i < a->aliases.n; i++) {
		if (!strcmp(a->aliases.v[i].name, name)) {
			free(a->aliases.v[i].expansion);
			a->aliases.v[i].expansion = buf_steal(&e);
			return 0;
		}
	}
	a->aliases.v = xrealloc(a->aliases.v, (a->aliases.n + 1) * sizeof(*a->aliases.v));
	a->aliases.v[a->aliases.n++] = (struct alias){ xstrdup(name), buf_steal(&e) };
	return 0;
}
