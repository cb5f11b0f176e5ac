#include "cli/mirror_plan.h"
#include "proto/listing.h"
#include "util/error.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* One entry of a tree, by its path relative to the root. */
struct node {
	char *rel;
	char type;      /* 'f' file, 'd' directory, 'l' symbolic link */
	int64_t size, mtime;
	int prec;       /* seconds the time may be off (listing precision) */
};

struct tree {
	struct node *v;
	size_t n;
	size_t seen;    /* entries listed, against max_entries */
	int remote_side;/* the source is remote: the target is local */
};

/* A walk of one side. */
struct side {
	const struct plan_io *io;
	const struct mirror_opts *o;
	int remote;
	int source;     /* the source side reports what it skips */
	size_t *incomplete; /* what cannot be mirrored, counted */
};

static void report(const struct side *s, const char *fmt, const char *rel)
{
	char *msg = xasprintf(fmt, rel);
	s->io->report(s->io->ctx, msg);
	free(msg);
}

static void tree_add(struct tree *t, char *rel, char type, int64_t size,
		     int64_t mtime, int prec)
{
	t->v = xrealloc(t->v, (t->n + 1) * sizeof(*t->v));
	t->v[t->n++] = (struct node){ rel, type, size, mtime, prec };
}

static void tree_clear(struct tree *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].rel);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static int matches_any(char *const *pats, int n, const char *rel)
{
	const char *base = strrchr(rel, '/');
	base = base ? base + 1 : rel;
	for (int i = 0; i < n; i++)
		if (!fnmatch(pats[i], rel, 0) || !fnmatch(pats[i], base, 0))
			return 1;
	return 0;
}

/* Left out of the mirror on both sides: neither copied nor removed. */
static int excluded(const struct mirror_opts *o, const char *rel, int is_dir)
{
	const char *base = strrchr(rel, '/');
	base = base ? base + 1 : rel;
	if (o->no_dotfiles && base[0] == '.')
		return 1;
	if (matches_any(o->exclude, o->n_exclude, rel))
		return 1;
	return !is_dir && o->n_include && !matches_any(o->include, o->n_include, rel);
}

static int walk(const struct side *s, const char *root, const char *rel,
		struct tree *t, int depth);

/* One remote directory's entries. */
static int walk_remote(const struct side *s, const char *root, const char *rel,
		       struct tree *t, int depth)
{
	struct rlist l = { 0 };
	char *dir = path_join(root, rel);
	int rc = s->io->rlist(s->io->ctx, dir, &l);
	free(dir);
	t->seen += l.n;
	for (size_t i = 0; rc == 0 && i < l.n; i++) {
		const struct rentry *e = &l.v[i];
		char *r = path_join(rel, e->name);
		if (e->unsafe) {
			report(s, "mirror: skipping an unsafe name from the server in %s", *rel ? rel : ".");
			++*s->incomplete;
		} else if (excluded(s->o, r, e->is_dir == 1)) {
			/* not ours to copy or remove */
		} else if (e->is_link) {
			if (s->source)
				report(s, "mirror: skipping %s: a symbolic link on the server", r);
			tree_add(t, r, 'l', -1, -1, -1), r = NULL;
		} else if (e->is_dir == 1) {
			tree_add(t, xstrdup(r), 'd', -1, -1, -1);
			rc = walk(s, root, r, t, depth + 1);
		} else {
			tree_add(t, r, 'f', e->size, e->list_mtime, e->mtime_prec), r = NULL;
		}
		free(r);
	}
	rlist_clear(&l);
	return rc;
}

/* One local directory's entries; links are never followed. */
static int walk_local(const struct side *s, const char *root, const char *rel,
		      struct tree *t, int depth)
{
	char **names = NULL;
	char *dir = path_join(root, rel);
	int n = s->io->lscan(s->io->ctx, dir, &names);
	int rc = 0;
	if (n < 0) {
		report(s, "mirror: %s: cannot read the directory", dir);
		rc = FTPS_ERR_LOCAL;
	}
	t->seen += n > 0 ? (size_t)n : 0;
	for (int i = 0; i < n; i++) {
		char *r = NULL, *path = NULL;
		struct stat st;
		if (rc == 0 && strcmp(names[i], ".") && strcmp(names[i], "..")) {
			r = path_join(rel, names[i]);
			path = path_join(dir, names[i]);
			if (s->io->lstat(s->io->ctx, path, &st, 0) < 0 ||
			    excluded(s->o, r, S_ISDIR(st.st_mode))) {
				/* gone meanwhile, or left out */
			} else if (S_ISDIR(st.st_mode)) {
				tree_add(t, xstrdup(r), 'd', -1, -1, -1);
				rc = walk(s, root, r, t, depth + 1);
			} else if (S_ISREG(st.st_mode)) {
				tree_add(t, r, 'f', st.st_size, st.st_mtime, 0), r = NULL;
			} else {
				if (s->source)
					report(s, "mirror: skipping %s: not a regular "
					       "file or directory (links are not followed)", r);
				tree_add(t, r, 'l', -1, -1, -1), r = NULL;
			}
		}
		free(r);
		free(path);
		free(names[i]);
	}
	free(names);
	free(dir);
	return rc;
}

static int walk(const struct side *s, const char *root, const char *rel,
		struct tree *t, int depth)
{
	if (depth > PLAN_MAX_DEPTH) {
		report(s, "mirror: %s: deeper than 64 levels", rel);
		return FTPS_ERR_TOOLONG;
	}
	if (t->seen > (size_t)s->o->max_entries) {
		report(s, "mirror: %s: stopped: more entries than max-entries", rel);
		return FTPS_ERR_TOOLONG;
	}
	return s->remote ? walk_remote(s, root, rel, t, depth)
			 : walk_local(s, root, rel, t, depth);
}

static int by_rel(const void *x, const void *y)
{
	return strcmp(((const struct node *)x)->rel, ((const struct node *)y)->rel);
}

static const struct node *find(const struct tree *t, const char *rel)
{
	struct node key = { (char *)rel, 0, 0, 0, 0 };
	return t->n ? bsearch(&key, t->v, t->n, sizeof(*t->v), by_rel) : NULL;
}

/* rsync's quick check: same size and the same time, within what the
 * listing can tell; where the target cannot take our times, a newer
 * target of the same size is up to date too. */
static int up_to_date(const struct node *src, const struct node *dst,
		      const struct mirror_opts *o)
{
	if (src->size < 0 || dst->size < 0 || src->size != dst->size)
		return 0;
	if (src->mtime < 0 || dst->mtime < 0)
		return 1; /* no times to compare: the size decides */
	int64_t tol = (src->prec > dst->prec ? src->prec : dst->prec);
	int64_t d = dst->mtime - src->mtime;
	if (d <= tol && d >= -tol)
		return 1;
	return !o->can_set_times && d > 0;
}

/* The quick check, or with --checksum the contents of same-size files. */
static int same(const struct node *s, const struct node *d,
		const struct mirror_opts *o, const char *src, const char *dst)
{
	if (!o->same_content)
		return up_to_date(s, d, o);
	if (s->size < 0 || s->size != d->size)
		return 0;
	char *sp = path_join(src, s->rel), *dp = path_join(dst, d->rel);
	int rc = o->same_content(o->content_ctx, sp, dp);
	free(sp);
	free(dp);
	return rc == 1;
}

static int source_newer(const struct node *src, const struct node *dst)
{
	int64_t tol = (src->prec > dst->prec ? src->prec : dst->prec);
	return src->mtime >= 0 && dst->mtime >= 0 && src->mtime > dst->mtime + tol;
}

static void add_step(struct mirror_plan *p, enum mirror_action act, const char *rel)
{
	p->v = xrealloc(p->v, (p->n + 1) * sizeof(*p->v));
	p->v[p->n++] = (struct mirror_step){ act, xstrdup(rel) };
}

static void add_job(struct mirror_plan *p, const char *src, const char *dst,
		    const struct node *n, int reverse)
{
	struct jobs *j = &p->jobs;
	j->v = xrealloc(j->v, (j->n + 1) * sizeof(*j->v));
	/* An imprecise listing time is not what the file gets: MDTM asks
	 * the exact one with the transfer. */
	int64_t mtime = !reverse && n->prec == 0 ? n->mtime : -1;
	j->v[j->n++] = (struct job){ path_join(src, n->rel), path_join(dst, n->rel), n->size,
				     mtime, 0, 0, 1 };
	if (n->size > 0)
		p->bytes += n->size;
}

/* Is rel inside one of the directories left alone? */
static int under(char **dirs, size_t n, const char *rel)
{
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(dirs[i]);
		if (!strncmp(rel, dirs[i], l) && rel[l] == '/')
			return 1;
	}
	return 0;
}

/* A target entry of another type where the source has a file or a
 * directory (a file, a link, a directory): it is reported and left
 * alone, with everything the source has below it; the run fails and
 * removes nothing. Never followed, never replaced. */
static int conflict(const struct node *s, const struct node *d,
		    const struct plan_io *io, struct mirror_plan *p)
{
	if (!d || (s->type == 'd' ? d->type == 'd' : d->type == 'f'))
		return 0;
	char *msg = xasprintf("mirror: %s: the target has a %s where the source has "
			      "a %s; left alone", s->rel,
			      d->type == 'd' ? "directory" : d->type == 'l'
			      ? "symbolic link or special file" : "file",
			      s->type == 'd' ? "directory" : "file");
	io->report(io->ctx, msg);
	free(msg);
	p->incomplete++;
	return 1;
}

/* Sources against targets: what to make, what to copy. */
static void compare(const struct tree *st, const struct tree *dt,
		    const struct mirror_opts *o, const struct plan_io *io,
		    const char *src, const char *dst, struct mirror_plan *p)
{
	char **skip = NULL;
	size_t nskip = 0;
	for (size_t i = 0; i < st->n; i++) {
		const struct node *s = &st->v[i];
		const struct node *d = find(dt, s->rel);
		if (s->type == 'l' || under(skip, nskip, s->rel))
			continue;
		if (conflict(s, d, io, p)) {
			skip = xrealloc(skip, (nskip + 1) * sizeof(*skip));
			skip[nskip++] = s->rel;
			continue;
		}
		if (s->type == 'd') {
			if (!d)
				add_step(p, MIRROR_MKDIR, s->rel);
			continue;
		}
		if (d && (o->only_missing || same(s, d, o, src, dst) ||
			  (o->only_newer && !source_newer(s, d)))) {
			p->unchanged++;
			continue;
		}
		add_step(p, d ? MIRROR_UPDATE : MIRROR_NEW, s->rel);
		add_job(p, src, dst, s, o->reverse);
	}
	free(skip);
}

/* Our own leftovers in a local target: a download's NAME.part (kept for
 * -c) and private .ftps-XXXXXX names are not the target's files. */
static int ours(const struct tree *st, const char *rel)
{
	const char *base = strrchr(rel, '/');
	base = base ? base + 1 : rel;
	if (!strncmp(base, ".ftps-", 6))
		return 1;
	size_t n = strlen(rel);
	if (n <= 5 || strcmp(rel + n - 5, ".part"))
		return 0;
	char *whole = xstrndup(rel, n - 5);
	const struct node *s = find(st, whole);
	free(whole);
	return s && s->type == 'f';
}

/* Targets the source lacks, children before their directories. */
static void removals(const struct tree *st, const struct tree *dt,
		     struct mirror_plan *p)
{
	for (size_t i = dt->n; i-- > 0;) {
		const struct node *d = &dt->v[i];
		const struct node *s = find(st, d->rel);
		if (s && (s->type == d->type || (s->type != 'd' && d->type != 'd')))
			continue;
		if (st->remote_side && ours(st, d->rel))
			continue;
		add_step(p, d->type == 'd' ? MIRROR_REMOVE_DIR : MIRROR_REMOVE, d->rel);
	}
}

/* The source root must be a directory: a file (or a name some server
 * lists as an empty directory) must not look like an empty tree that -e
 * would mirror by removing everything. */
static int source_is_dir(const struct plan_io *io, const struct mirror_opts *o,
			 const char *src)
{
	struct stat sb;
	int dir = o->reverse ? io->lstat(io->ctx, src, &sb, 1) == 0 && S_ISDIR(sb.st_mode)
			     : io->ris_dir(io->ctx, src);
	if (!dir) {
		char *msg = xasprintf("mirror: %s: not a directory", src);
		io->report(io->ctx, msg);
		free(msg);
	}
	return dir;
}

int mirror_plan(const struct plan_io *io, const struct mirror_opts *o,
		const char *src, const char *dst, struct mirror_plan *out)
{
	memset(out, 0, sizeof(*out));
	out->jobs.upload = o->reverse;
	struct side ss = { io, o, !o->reverse, 1, &out->incomplete };
	struct side ds = { io, o, o->reverse, 0, &out->incomplete };
	struct tree st = { 0 }, dt = { 0 };
	st.remote_side = !o->reverse;
	int rc = source_is_dir(io, o, src) ? walk(&ss, src, "", &st, 0) : FTPS_ERR_ARG;
	struct stat sb;
	if (rc == 0) {
		out->target_missing = o->reverse ? !io->ris_dir(io->ctx, dst)
						 : io->lstat(io->ctx, dst, &sb, 1) < 0;
		if (!out->target_missing)
			rc = walk(&ds, dst, "", &dt, 0);
	}
	if (rc == 0) {
		if (st.n)
			qsort(st.v, st.n, sizeof(*st.v), by_rel);
		if (dt.n)
			qsort(dt.v, dt.n, sizeof(*dt.v), by_rel);
		compare(&st, &dt, o, io, src, dst, out);
		if (o->delete)
			removals(&st, &dt, out);
	}
	tree_clear(&st);
	tree_clear(&dt);
	if (rc < 0)
		mirror_plan_clear(out);
	return rc;
}

void mirror_plan_clear(struct mirror_plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i].rel);
	free(p->v);
	jobs_clear(&p->jobs);
	memset(p, 0, sizeof(*p));
}
