#include "cli/complete.h"
#include "cli/app.h"
#include "cli/conn.h"
#include "cli/host_settings.h"
#include "cli/argv.h"
#include "cli/commands.h"
#include "cli/remote_list.h"
#include "cli/settings.h"
#include "ftp/session.h"
#include "trust/store.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#include <stdlib.h>
#include <string.h>

#define CACHE_SLOTS 16

/* Remote listings by directory as typed ("" for the current one). */
static struct cached {
	char *dir;
	struct rlist list;
} cache[CACHE_SLOTS];
static unsigned cache_next;

void complete_invalidate(void)
{
	for (unsigned i = 0; i < CACHE_SLOTS; i++) {
		free(cache[i].dir);
		rlist_clear(&cache[i].list);
		cache[i].dir = NULL;
	}
}

static const struct rlist *listing(struct app *a, const char *dir)
{
	for (unsigned i = 0; i < CACHE_SLOTS; i++)
		if (cache[i].dir && !strcmp(cache[i].dir, dir))
			return &cache[i].list;
	if (!a->ftp || !ftp_is_connected(a->ftp))
		return NULL;
	struct rlist l;
	/* Bounded by the session's timeout like any other command. */
	if (remote_list(a->ftp, *dir ? dir : NULL, &l) < 0)
		return NULL;
	struct cached *c = &cache[cache_next++ % CACHE_SLOTS];
	free(c->dir);
	rlist_clear(&c->list);
	c->dir = xstrdup(dir);
	c->list = l;
	return &c->list;
}

struct out {
	char **v;
	size_t n;
};

static void offer(struct out *o, char *s)
{
	o->v = xrealloc(o->v, (o->n + 1) * sizeof(*o->v));
	o->v[o->n++] = s;
}

static void remote_candidates(struct app *a, const char *word, struct out *o)
{
	const char *slash = strrchr(word, '/');
	char *dir = slash ? xstrndup(word, (size_t)(slash - word + 1)) : xstrdup("");
	const char *base = slash ? slash + 1 : word;
	const struct rlist *l = listing(a, dir);
	for (size_t i = 0; l && i < l->n; i++) {
		const char *name = l->v[i].name;
		if (l->v[i].unsafe || strncmp(name, base, strlen(base)) || (name[0] == '.' && base[0] != '.'))
			continue;
		offer(o, xasprintf("%s%s%s", dir, name, l->v[i].is_dir == 1 ? "/" : ""));
	}
	free(dir);
}

static void command_candidates(struct app *a, const char *word, struct out *o)
{
	size_t len = strlen(word);
	for (unsigned i = 0; i < n_commands; i++) {
		if (!strncmp(commands[i].name, word, len))
			offer(o, xstrdup(commands[i].name));
		const char *al = commands[i].aliases;
		while (al && *al) {
			size_t n = strcspn(al, " ");
			if (n >= len && !strncmp(al, word, len))
				offer(o, xstrndup(al, n));
			al += n + strspn(al + n, " ");
		}
	}
	for (size_t i = 0; i < a->aliases.n; i++)
		if (!strncmp(a->aliases.v[i].name, word, len))
			offer(o, xstrdup(a->aliases.v[i].name));
}

/* The names that start with word; takes names and each name. */
static void offer_names(struct out *o, const char *word, char **names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!strncmp(names[i], word, strlen(word)))
			offer(o, names[i]);
		else
			free(names[i]);
	}
	free(names);
}

/* Hosts for open: known_servers, ~/.netrc machines, and the Host names
 * of the per-host settings file. */
static void host_candidates(struct app *a, const char *word, struct out *o)
{
	size_t len = strlen(word);
	char *path = app_known_servers_path(a);
	struct known_list l = { 0 };
	char *err = NULL;
	if (path && known_load(path, &l, &err) == 0)
		for (size_t i = 0; i < l.n; i++)
			if (!strncmp(l.v[i].host, word, len))
				offer(o, xstrdup(l.v[i].host));
	known_list_clear(&l);
	free(err);
	free(path);
	char **names = NULL;
	size_t n = app_netrc_machines(a, &names);
	offer_names(o, word, names, n);
	n = host_settings_names(a, &names);
	offer_names(o, word, names, n);
}

static int by_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Sorted, without duplicates (a host in both files, an alias twice). */
static void uniq(struct out *o)
{
	if (o->n < 2)
		return;
	qsort(o->v, o->n, sizeof(*o->v), by_str);
	size_t k = 1;
	for (size_t i = 1; i < o->n; i++) {
		if (!strcmp(o->v[i], o->v[k - 1]))
			free(o->v[i]);
		else
			o->v[k++] = o->v[i];
	}
	o->n = k;
}

/* Which operand of which command is being typed: the words before it are
 * parsed with the command's own options, so "get -P 4 " is at operand 0. */
static enum arg_kind kind_at(struct app *a, const char *before, int *first)
{
	int n = 0;
	struct word *w = NULL;
	const char *err = NULL;
	*first = 0;
	if (argv_split_words(before, &n, &w, &err) < 0)
		return ARG_NONE;
	if (n == 0) {
		*first = 1;
		free(w);
		return ARG_NONE;
	}
	char *amb = NULL;
	const char *word0 = app_alias_command(a, w[0].text);
	char *name = xstrndup(word0 ? word0 : w[0].text,
			      strcspn(word0 ? word0 : w[0].text, " "));
	const struct command *c = command_find(name, &amb);
	free(name);
	free(amb);
	struct cmd_args args;
	char *perr = NULL;
	int rc = c ? args_parse(c->opts, c->longs, n, w, &args, &perr) : -1;
	if (!c)
		words_free(w, n);
	else
		free(w);
	enum arg_kind kind = c && rc == 0 ? command_arg_kind(c, args.argc) : ARG_NONE;
	if (c)
		args_free(&args);
	free(perr);
	return kind;
}

enum complete_kind complete_word(struct app *a, const char *before,
				 const char *word, char ***matches, size_t *n)
{
	struct out o = { 0 };
	int first = 0;
	enum arg_kind kind = kind_at(a, before, &first);
	*matches = NULL;
	*n = 0;
	if (first)
		command_candidates(a, word, &o);
	else if (kind == ARG_LOCAL)
		return COMPLETE_LOCAL;
	else if (kind == ARG_REMOTE)
		remote_candidates(a, word, &o);
	else if (kind == ARG_COMMAND)
		command_candidates(a, word, &o);
	else if (kind == ARG_HOST)
		host_candidates(a, word, &o);
	else if (kind == ARG_SETTING)
		for (unsigned i = 0; settings_name(i); i++)
			if (!strncmp(settings_name(i), word, strlen(word)))
				offer(&o, xstrdup(settings_name(i)));
	uniq(&o);
	*matches = o.v;
	*n = o.n;
	return o.n ? COMPLETE_LIST : COMPLETE_NONE;
}

void complete_free(char **matches, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(matches[i]);
	free(matches);
}
