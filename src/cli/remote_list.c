#include "cli/remote_list.h"
#include "cli/app.h"
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

void rlist_clear(struct rlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].path);
		free(l->v[i].name);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

char *path_join(const char *dir, const char *name)
{
	if (!dir || !*dir || !strcmp(dir, "."))
		return xstrdup(name);
	size_t n = strlen(dir);
	return xasprintf("%s%s%s", dir, dir[n - 1] == '/' ? "" : "/", name);
}

const char *path_base(const char *path)
{
	size_t len = strlen(path);
	while (len > 1 && path[len - 1] == '/')
		len--;
	const char *slash = memrchr(path, '/', len);
	return slash ? slash + 1 : path;
}

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
		/* LIST times have minutes at best: MDTM (asked with the
		 * transfer, no extra round trip) gives the seconds. */
		if (!mlsd)
			out->v[out->n - 1].mtime = -1;
	}
	ftp_entries_free(v, n);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct rentry *)a)->name, ((const struct rentry *)b)->name);
}

int remote_glob(struct ftp_session *s, const char *pattern, struct rlist *out)
{
	memset(out, 0, sizeof(*out));
	if (!has_glob(pattern)) {
		out->v = xcalloc(1, sizeof(*out->v));
		out->v[0] = (struct rentry){ xstrdup(pattern), xstrdup(path_base(pattern)),
					     -1, -1, -1, 0 };
		out->n = 1;
		return 0;
	}
	const char *base = path_base(pattern);
	char *dir = xstrndup(pattern, (size_t)(base - pattern));
	if (has_glob(dir)) {
		app_error("%s: wildcards only in the last path component", pattern);
		free(dir);
		return FTPS_ERR_USAGE;
	}
	struct rlist all;
	int rc = remote_list(s, dir, &all);
	if (rc < 0) {
		free(dir);
		return rc;
	}
	for (size_t i = 0; i < all.n; i++) {
		if (fnmatch(base, all.v[i].name, FNM_PERIOD) != 0 ||
		    rentry_refused(&all.v[i]))
			continue;
		out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
		out->v[out->n++] = all.v[i];
		all.v[i].path = all.v[i].name = NULL;
	}
	rlist_clear(&all);
	free(dir);
	if (out->n == 0) {
		char *safe = sanitize_str(pattern);
		app_error("%s: no match", safe);
		free(safe);
		return FTPS_ERR_ARG;
	}
	qsort(out->v, out->n, sizeof(*out->v), by_name);
	return 0;
}
