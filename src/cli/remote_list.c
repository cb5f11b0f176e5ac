#include "cli/remote_list.h"
#include "cli/app.h"
#include "cli/msg.h"
#include "ftp/session.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/sanitize.h"
#include "util/xmalloc.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LISTING_MAX (64u * 1024 * 1024)
#define LISTING_MAX_ENTRIES 1000000

static int sink_buf(void *ctx, const void *p, size_t n)
{
	buf_append(ctx, p, n);
	return 0;
}

static void add(struct rlist *l, const char *dir, const struct ftp_entry *e)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	struct rentry *r = &l->v[l->n++];
	r->name = xstrdup(e->name);
	r->path = path_join(dir, e->name);
	r->is_dir = e->type == ENTRY_DIR ? 1 : e->type == ENTRY_UNKNOWN ? -1 : 0;
	r->size = e->size;
	r->mtime = e->mtime;
	r->unsafe = !entry_name_is_safe(e->name);
	r->is_link = e->type == ENTRY_LINK;
	r->list_mtime = e->mtime;
	r->mtime_prec = -1;
}

int rentry_refused(const struct rentry *e)
{
	if (!e->unsafe)
		return 0;
	app_error("warning: skipping unsafe name from the server: %s", e->name);
	return 1;
}

int remote_list(struct ftp_session *s, const char *dir, struct rlist *out)
{
	struct buf raw = { 0 };
	struct ftp_sink sink = { sink_buf, &raw, NULL };
	int mlsd = 0;
	memset(out, 0, sizeof(*out));
	int rc = ftp_list(s, dir && *dir ? dir : NULL, &mlsd, &sink, LISTING_MAX);
	if (rc < 0) {
		buf_free(&raw);
		return rc;
	}
	struct ftp_entry *v = NULL;
	size_t n = 0;
	rc = parse_listing(raw.data ? raw.data : "", raw.len, mlsd,
			   (int64_t)time(NULL), LISTING_MAX_ENTRIES, &v, &n);
	buf_free(&raw);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		const char *name = v[i].name;
		if (!strcmp(name, ".") || !strcmp(name, ".."))
			continue;
		add(out, dir, &v[i]);
		struct rentry *r = &out->v[out->n - 1];
		if (r->list_mtime >= 0)
			r->mtime_prec = mlsd ? 0 : v[i].mtime_has_time ? 60 : 86400;
		/* LIST times have minutes at best: MDTM (asked with the
		 * transfer, no extra round trip) gives the seconds. */
		if (!mlsd)
			r->mtime = -1;
	}
	ftp_entries_free(v, n);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct rentry *)a)->path, ((const struct rentry *)b)->path);
}

static void rlist_add(struct rlist *l, char *path, const struct rentry *like)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	struct rentry *r = &l->v[l->n++];
	*r = like ? *like : (struct rentry){ NULL, NULL, -1, -1, -1, 0, 0, -1, -1 };
	r->path = path;
	r->name = xstrdup(path_base(path));
}

/* One component of a pattern against every directory found so far:
 * entries of each listing whose name matches (fnmatch, no leading dot
 * unless the pattern has one); directories only when more components
 * follow. */
static int glob_step(struct ftp_session *s, const struct rlist *dirs,
		     const char *comp, int last, struct rlist *out)
{
	for (size_t d = 0; d < dirs->n; d++) {
		struct rlist all;
		int rc = remote_list(s, dirs->v[d].path, &all);
		if (rc < 0 && dirs->n == 1)
			return rc;
		for (size_t i = 0; rc == 0 && i < all.n; i++) {
			const struct rentry *e = &all.v[i];
			if (fnmatch(comp, e->name, FNM_PERIOD) != 0 ||
			    (!last && e->is_dir == 0) || rentry_refused(e))
				continue;
			rlist_add(out, xstrdup(e->path), e);
		}
		rlist_clear(&all);
	}
	return 0;
}

/* Expand a pattern component by component through listings:
 * "logs/2026-* /app-?.log" lists logs, then each matching directory. */
static int glob_walk(struct ftp_session *s, const char *pattern, struct rlist *out)
{
	struct rlist cur = { 0 };
	const char *p = pattern;
	rlist_add(&cur, xstrdup(*p == '/' ? "/" : ""), NULL);
	p += strspn(p, "/");
	int rc = 0;
	while (*p && rc == 0) {
		size_t n = strcspn(p, "/");
		int last = p[n + strspn(p + n, "/")] == '\0';
		struct rlist next = { 0 };
		if (pattern_is_wild(p, n)) {
			char *comp = xstrndup(p, n);
			rc = glob_step(s, &cur, comp, last, &next);
			free(comp);
		} else {
			char *lit = pattern_unescape(p, n);
			for (size_t d = 0; d < cur.n; d++)
				rlist_add(&next, path_join(cur.v[d].path, lit), NULL);
			free(lit);
		}
		rlist_clear(&cur);
		cur = next;
		p += n + strspn(p + n, "/");
	}
	*out = cur;
	return rc;
}

int remote_glob(struct ftp_session *s, const struct word *w, struct rlist *out)
{
	memset(out, 0, sizeof(*out));
	if (!w->wild) {
		rlist_add(out, xstrdup(w->text), NULL);
		return 0;
	}
	int rc = glob_walk(s, w->pattern, out);
	if (rc < 0) {
		rlist_clear(out);
		return rc;
	}
	if (out->n == 0) {
		char *safe = sanitize_str(w->text);
		app_error("%s: no match", safe);
		free(safe);
		return FTPS_ERR_ARG;
	}
	qsort(out->v, out->n, sizeof(*out->v), by_name);
	return 0;
}
