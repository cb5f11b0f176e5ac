/* Planning get and put: operands to jobs. Everything outside goes through
 * struct plan_io; see transfer_plan.h. */
#include "cli/transfer_plan.h"
#include "proto/listing.h"
#include "util/error.h"
#include "util/xmalloc.h"

#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* --- small helpers --- */

static void strv_free(char **v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void say(const struct plan_io *io, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(const struct plan_io *io, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	io->report(io->ctx, msg);
	free(msg);
}

static void jobs_add(struct jobs *j, char *src, char *dst, int64_t size,
		     int64_t mtime)
{
	j->v = xrealloc(j->v, (j->n + 1) * sizeof(*j->v));
	j->v[j->n++] = (struct job){ src, dst, size, mtime, 0, 0, 0 };
}

void jobs_clear(struct jobs *j)
{
	for (size_t i = 0; i < j->n; i++) {
		free(j->v[i].src);
		free(j->v[i].dst);
	}
	free(j->v);
	j->v = NULL;
	j->n = 0;
}

static int is_local_dir(const struct plan_io *io, const char *p)
{
	struct stat st;
	return io->lstat(io->ctx, p, &st, 1) == 0 && S_ISDIR(st.st_mode);
}

/* --- building download jobs --- */

/* One recursive walk: where jobs go, and how much it may list. */
struct walk {
	const struct plan_io *io;
	const struct plan_opts *o;
	struct jobs *jobs;
	size_t seen;
};

/* A directory named by the server must be ours to fill: a symbolic link
 * planted where it goes would steer the download outside the target. */
static int make_local_dir(const struct plan_io *io, const char *ldir, int follow)
{
	struct stat st;
	if (!follow && io->lstat(io->ctx, ldir, &st, 0) == 0 && S_ISLNK(st.st_mode)) {
		say(io, "get: %s: is a symbolic link; not following it", ldir);
		return FTPS_ERR_LOCAL;
	}
	if (io->lmkdir(io->ctx, ldir) < 0 &&
	    !(errno == EEXIST && is_local_dir(io, ldir))) {
		say(io, "get: %s: %s", ldir, strerror(errno));
		return FTPS_ERR_LOCAL;
	}
	return 0;
}

/* A hostile server must not steer a write outside the target directory:
 * an entry whose name fails entry_name_is_safe is skipped, with a word. */
static int refused(const struct plan_io *io, const struct rentry *e)
{
	if (!e->unsafe)
		return 0;
	say(io, "warning: skipping unsafe name from the server: %s", e->name);
	return 1;
}

static int walk_get(struct walk *w, const char *rdir, const char *ldir,
		    int depth, int follow)
{
	const struct plan_io *io = w->io;
	if (depth > PLAN_MAX_DEPTH) {
		say(io, "get: %s: deeper than %d levels; stopping there", rdir,
		    PLAN_MAX_DEPTH);
		return FTPS_ERR_TOOLONG;
	}
	int rc = make_local_dir(io, ldir, follow);
	if (rc < 0)
		return rc;
	struct rlist l = { 0 };
	rc = io->rlist(io->ctx, rdir, &l);
	if (rc < 0) {
		rlist_clear(&l);
		return rc;
	}
	w->seen += l.n;
	if (w->seen > (size_t)w->o->max_entries) {
		say(io, "get: stopped after listing %zu entries (set max-entries "
		    "to raise the limit)", w->seen);
		rc = FTPS_ERR_TOOLONG;
	}
	for (size_t i = 0; i < l.n && rc == 0; i++) {
		const struct rentry *e = &l.v[i];
		if (refused(io, e))
			continue;
		char *local = path_join(ldir, e->name);
		if (e->is_dir == 1) {
			rc = walk_get(w, e->path, local, depth + 1, 0);
			free(local);
		} else {
			jobs_add(w->jobs, xstrdup(e->path), local, e->size, e->mtime);
		}
	}
	rlist_clear(&l);
	return rc;
}

static int by_string(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* A server directory may hold both "x" and "x.part": then x's partial name
 * is a file this very transfer writes, and x must use a private temporary
 * name (and must never resume from x.part, which is the other file). */
static int mark_taken_partials(const struct plan_io *io, struct jobs *j)
{
	if (j->upload || j->n < 2)
		return 0;
	char **dst = xcalloc(j->n, sizeof(*dst));
	for (size_t i = 0; i < j->n; i++)
		dst[i] = j->v[i].dst;
	qsort(dst, j->n, sizeof(*dst), by_string);
	/* Two remote files for one local name (get d* /sub/f.txt): the
	 * second would silently replace the first. */
	for (size_t i = 1; i < j->n; i++)
		if (!strcmp(dst[i], dst[i - 1])) {
			say(io, "get: several remote files would be saved as %s; "
			    "nothing transferred", dst[i]);
			free(dst);
			return FTPS_ERR_USAGE;
		}
	for (size_t i = 0; i < j->n; i++) {
		char *part = io->partial_name(j->v[i].dst);
		j->v[i].part_taken = bsearch(&part, dst, j->n, sizeof(*dst),
					     by_string) != NULL;
		free(part);
	}
	free(dst);
	return 0;
}

/* Where get's operands go: into an existing local directory named last,
 * or, for one plain remote name and a second operand, to that local name.
 * Returns how many operands are sources. */
static int get_target(const struct plan_io *io, int argc, const struct word *argv,
		      const char **target_dir, const char **rename_to)
{
	*target_dir = *rename_to = NULL;
	if (argc >= 2 && is_local_dir(io, argv[argc - 1].text)) {
		*target_dir = argv[argc - 1].text;
		return argc - 1;
	}
	if (argc == 2 && !argv[0].wild) {
		*rename_to = argv[1].text;
		return 1;
	}
	return argc;
}

/* One entry of an expanded operand: a job, or a walk of a directory. */
static int get_entry(struct walk *w, const struct word *op, const struct rentry *e,
		     const char *target_dir, const char *rename_to)
{
	const struct plan_io *io = w->io;
	if (!rename_to && !entry_name_is_safe(e->name)) {
		say(io, "get: %s: cannot make a local name from it; give one", op->text);
		return FTPS_ERR_USAGE;
	}
	int dir = e->is_dir;
	if (!w->o->recursive && dir == 1) {
		say(io, "get: %s: is a directory (use get -r)", e->path);
		return 0;
	}
	if (w->o->recursive && dir < 0)
		dir = io->ris_dir(io->ctx, e->path);
	char *local = rename_to ? xstrdup(rename_to) : path_join(target_dir, e->name);
	if (!(w->o->recursive && dir == 1)) {
		jobs_add(w->jobs, xstrdup(e->path), local, e->size, e->mtime);
		return 0;
	}
	/* Each directory named on the command line is a walk of its own, with
	 * its own listing cap. A local name the user gave may be a link they
	 * meant: follow that one. */
	w->seen = 0;
	int rc = walk_get(w, e->path, local, 0, rename_to != NULL);
	free(local);
	return rc;
}

int plan_get(const struct plan_io *io, const struct plan_opts *o, int argc,
	     const struct word *argv, struct jobs *out)
{
	const char *target_dir, *rename_to;
	int n = get_target(io, argc, argv, &target_dir, &rename_to);
	struct walk w = { io, o, out, 0 };
	out->upload = 0;
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		struct rlist l = { 0 };
		rc = io->rglob(io->ctx, &argv[i], &l);
		for (size_t k = 0; rc == 0 && k < l.n; k++)
			rc = get_entry(&w, &argv[i], &l.v[k], target_dir, rename_to);
		rlist_clear(&l);
	}
	if (rc == 0)
		rc = mark_taken_partials(io, out);
	if (rc < 0)
		jobs_clear(out);
	return rc;
}

/* --- building upload jobs --- */

static int walk_put(const struct plan_io *io, const char *ldir, const char *rdir,
		    struct jobs *j, int depth)
{
	if (depth > PLAN_MAX_DEPTH) {
		say(io, "put: %s: deeper than %d levels; stopping there", ldir,
		    PLAN_MAX_DEPTH);
		return FTPS_ERR_TOOLONG;
	}
	int rc = io->rmkdir(io->ctx, rdir);
	if (rc < 0)
		return rc;
	char **names = NULL;
	int n = io->lscan(io->ctx, ldir, &names);
	if (n < 0) {
		say(io, "put: %s: %s", ldir, strerror(errno));
		return FTPS_ERR_LOCAL;
	}
	for (int i = 0; i < n && rc == 0; i++) {
		const char *name = names[i];
		if (!strcmp(name, ".") || !strcmp(name, ".."))
			continue;
		char *local = path_join(ldir, name);
		char *remote = path_join(rdir, name);
		if (is_local_dir(io, local)) {
			rc = walk_put(io, local, remote, j, depth + 1);
			free(local);
			free(remote);
		} else {
			jobs_add(j, local, remote, -1, -1);
		}
	}
	strv_free(names, n);
	return rc;
}

/* One local path of an expanded operand: a job, or a walk of a directory. */
static int put_path(const struct plan_io *io, const struct plan_opts *o,
		    const char *local, char *remote, struct jobs *j)
{
	if (!is_local_dir(io, local)) {
		jobs_add(j, xstrdup(local), remote, -1, -1);
		return 0;
	}
	int rc = FTPS_ERR_USAGE;
	if (o->recursive)
		rc = walk_put(io, local, remote, j, 0);
	else
		say(io, "put: %s: is a directory (use put -r)", local);
	free(remote);
	return rc;
}

int plan_put(const struct plan_io *io, const struct plan_opts *o, int argc,
	     const struct word *argv, struct jobs *out)
{
	/* A remote directory cannot be asked about cheaply: a trailing slash
	 * on the last operand says "into this directory". */
	const char *target_dir = NULL, *rename_to = NULL;
	int n = argc;
	size_t last = n ? strlen(argv[n - 1].text) : 0;
	if (n >= 2 && last && argv[n - 1].text[last - 1] == '/') {
		target_dir = argv[--n].text;
	} else if (n == 2 && !argv[0].wild) {
		rename_to = argv[1].text;
		n = 1;
	}
	out->upload = 1;
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		char **paths = NULL;
		int np = io->lglob(io->ctx, &argv[i], &paths);
		if (np < 0) {
			say(io, "put: %s: no match", argv[i].text);
			rc = FTPS_ERR_ARG;
			break;
		}
		for (int k = 0; k < np && rc == 0; k++) {
			const char *local = paths[k];
			char *remote = rename_to ? xstrdup(rename_to)
						 : path_join(target_dir, path_base(local));
			rc = put_path(io, o, local, remote, out);
		}
		strv_free(paths, np);
	}
	if (rc < 0)
		jobs_clear(out);
	return rc;
}

/* --- the real local file system --- */

static int fs_lstat(void *ctx, const char *path, struct stat *st, int follow)
{
	(void)ctx;
	return follow ? stat(path, st) : lstat(path, st);
}

static int fs_mkdir(void *ctx, const char *path)
{
	(void)ctx;
	return mkdir(path, 0777);
}

static int fs_scan(void *ctx, const char *dir, char ***names)
{
	(void)ctx;
	struct dirent **d = NULL;
	int n = scandir(dir, &d, NULL, alphasort);
	if (n < 0)
		return -1;
	*names = xcalloc((size_t)n + 1, sizeof(**names));
	for (int i = 0; i < n; i++) {
		(*names)[i] = xstrdup(d[i]->d_name);
		free(d[i]);
	}
	free(d);
	return n;
}

static int fs_glob(void *ctx, const struct word *w, char ***paths)
{
	(void)ctx;
	/* A word without unquoted wildcards names itself: globbing its text
	 * would expand the quoted ones ('a*' must not send a1 and a2). */
	if (!w->wild) {
		*paths = xcalloc(2, sizeof(**paths));
		(*paths)[0] = xstrdup(w->text);
		return 1;
	}
	/* The pattern form: quoted wildcards arrive escaped. */
	glob_t g;
	if (glob(w->pattern, 0, NULL, &g) != 0)
		return -1;
	*paths = xcalloc(g.gl_pathc + 1, sizeof(**paths));
	for (size_t i = 0; i < g.gl_pathc; i++)
		(*paths)[i] = xstrdup(g.gl_pathv[i]);
	int n = (int)g.gl_pathc;
	globfree(&g);
	return n;
}

void plan_io_local(struct plan_io *io)
{
	io->lstat = fs_lstat;
	io->lmkdir = fs_mkdir;
	io->lscan = fs_scan;
	io->lglob = fs_glob;
}
