/* get/put and friends: argument rules, globs, recursion and parallel
 * transfers. The per-file rules (.part, resume, sizes, times) are in
 * xfer.c. */
#include "cli/app.h"
#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/remote_list.h"
#include "cli/xfer.h"
#include "ftp/ops.h"
#include "ftp/session.h"
#include "util/error.h"
#include "util/sanitize.h"
#include "util/xmalloc.h"

#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_DEPTH 64
#define MAX_PARALLEL 16

struct xfer_flags {
	int recursive, resume, parallel;
};

struct job {
	char *src, *dst;
	int64_t size, mtime;
	int part_taken; /* see struct xfer_opts */
};

struct jobs {
	struct job *v;
	size_t n;
	int upload;
};

static void jobs_add(struct jobs *j, char *src, char *dst, int64_t size,
		     int64_t mtime)
{
	j->v = xrealloc(j->v, (j->n + 1) * sizeof(*j->v));
	j->v[j->n++] = (struct job){ src, dst, size, mtime, 0 };
}

static void jobs_clear(struct jobs *j)
{
	for (size_t i = 0; i < j->n; i++) {
		free(j->v[i].src);
		free(j->v[i].dst);
	}
	free(j->v);
	memset(j, 0, sizeof(*j));
}

/* Leading options: -r, -c, -P N (also -P4, -rc), "--" ends them. Returns the
 * index of the first operand, or -1 after printing usage. */
static int parse_flags(const char *cmd, int argc, char **argv, struct xfer_flags *f)
{
	int i = 1;
	f->parallel = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--"))
			return i + 1;
		for (const char *p = argv[i] + 1; *p; p++) {
			if (*p == 'r')
				f->recursive = 1;
			else if (*p == 'c')
				f->resume = 1;
			else if (*p == 'P') {
				const char *v = p[1] ? p + 1 : i + 1 < argc ? argv[++i] : "";
				char *end;
				long n = strtol(v, &end, 10);
				if (!*v || *end || n < 1 || n > MAX_PARALLEL) {
					app_error("%s: -P takes a number from 1 to %d",
						  cmd, MAX_PARALLEL);
					return -1;
				}
				f->parallel = (int)n;
				break;
			} else {
				app_error("%s: unknown option -%c", cmd, *p);
				return -1;
			}
		}
	}
	return i;
}

static int is_local_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* --- building download jobs --- */

/* One recursive walk: where jobs go, and how much it may list. */
struct walk {
	struct app *a;
	struct jobs *jobs;
	size_t seen;
};

/* A directory named by the server must be ours to fill: a symbolic link
 * planted where it goes would steer the download outside the target. */
static int make_local_dir(const char *ldir, int follow)
{
	struct stat st;
	if (!follow && lstat(ldir, &st) == 0 && S_ISLNK(st.st_mode)) {
		app_error("get: %s: is a symbolic link; not following it", ldir);
		return FTPS_ERR_LOCAL;
	}
	if (mkdir(ldir, 0777) < 0 && !(errno == EEXIST && is_local_dir(ldir))) {
		app_error("get: %s: %s", ldir, strerror(errno));
		return FTPS_ERR_LOCAL;
	}
	return 0;
}

static int walk_get(struct walk *w, const char *rdir, const char *ldir,
		    int depth, int follow)
{
	struct ftp_session *s = w->a->ftp;
	if (depth > MAX_DEPTH) {
		app_error("get: %s: deeper than %d levels; stopping there", rdir, MAX_DEPTH);
		return FTPS_ERR_TOOLONG;
	}
	int rc = make_local_dir(ldir, follow);
	if (rc < 0)
		return rc;
	struct rlist l;
	rc = remote_list(s, rdir, &l);
	if (rc < 0) {
		print_untrusted(stderr, "ftps: get: ", ftp_error(s));
		return rc;
	}
	w->seen += l.n;
	if (w->seen > (size_t)w->a->settings.max_entries) {
		app_error("get: stopped after listing %zu entries (set max-entries "
			  "to raise the limit)", w->seen);
		rc = FTPS_ERR_TOOLONG;
	}
	for (size_t i = 0; i < l.n && rc == 0; i++) {
		if (rentry_refused(&l.v[i]))
			continue;
		char *local = path_join(ldir, l.v[i].name);
		if (l.v[i].is_dir == 1) {
			rc = walk_get(w, l.v[i].path, local, depth + 1, 0);
			free(local);
		} else {
			jobs_add(w->jobs, xstrdup(l.v[i].path), local, l.v[i].size,
				 l.v[i].mtime);
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
static void mark_taken_partials(struct jobs *j)
{
	if (j->upload || j->n < 2)
		return;
	char **dst = xcalloc(j->n, sizeof(*dst));
	for (size_t i = 0; i < j->n; i++)
		dst[i] = j->v[i].dst;
	qsort(dst, j->n, sizeof(*dst), by_string);
	for (size_t i = 0; i < j->n; i++) {
		char *part = partial_name(j->v[i].dst);
		j->v[i].part_taken = bsearch(&part, dst, j->n, sizeof(*dst),
					     by_string) != NULL;
		free(part);
	}
	free(dst);
}

/* Is a remote path a directory? Asked by changing into it and back. */
static int remote_is_dir(struct ftp_session *s, const char *path, const char *home)
{
	if (ftp_cwd(s, path) < 0)
		return 0;
	ftp_cwd(s, home);
	return 1;
}

static int plan_get(struct app *a, int argc, char **argv, const struct xfer_flags *f,
		    struct jobs *j)
{
	struct ftp_session *s = a->ftp;
	const char *target_dir = NULL, *rename_to = NULL;
	int n = argc;
	if (n >= 2 && is_local_dir(argv[n - 1])) {
		target_dir = argv[--n];
	} else if (n == 2 && !has_glob(argv[0]) && !has_glob(argv[1])) {
		rename_to = argv[1];
		n = 1;
	}
	char *home = NULL;
	if (f->recursive && ftp_pwd(s, &home) < 0) {
		print_untrusted(stderr, "ftps: get: ", ftp_error(s));
		return FTPS_ERR_REFUSED;
	}
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		struct rlist l;
		rc = remote_glob(s, argv[i], &l);
		if (rc < 0 && rc != FTPS_ERR_ARG && rc != FTPS_ERR_USAGE)
			print_untrusted(stderr, "ftps: get: ", ftp_error(s));
		for (size_t k = 0; rc == 0 && k < l.n; k++) {
			struct rentry *e = &l.v[k];
			if (!rename_to && !entry_name_is_safe(e->name)) {
				app_error("get: %s: cannot make a local name from it; "
					  "give one", argv[i]);
				rc = FTPS_ERR_USAGE;
				break;
			}
			char *local = rename_to ? xstrdup(rename_to)
						: path_join(target_dir, e->name);
			int dir = e->is_dir;
			if (!f->recursive && dir == 1) {
				app_error("get: %s: is a directory (use get -r)", e->path);
				free(local);
				continue;
			}
			if (f->recursive && dir < 0)
				dir = remote_is_dir(s, e->path, home);
			if (f->recursive && dir == 1) {
				struct walk w = { a, j, 0 };
				rc = walk_get(&w, e->path, local, 0, rename_to != NULL);
				free(local);
			} else {
				jobs_add(j, xstrdup(e->path), local, e->size, e->mtime);
			}
		}
		rlist_clear(&l);
	}
	free(home);
	return rc;
}

/* --- building upload jobs --- */

static int walk_put(struct ftp_session *s, const char *ldir, const char *rdir,
		    struct jobs *j, int depth)
{
	if (depth > MAX_DEPTH) {
		app_error("put: %s: deeper than %d levels; stopping there", ldir, MAX_DEPTH);
		return FTPS_ERR_TOOLONG;
	}
	/* Failing because it exists is fine; a real problem shows on STOR. */
	ftp_mkdir(s, rdir);
	if (!ftp_is_connected(s)) {
		print_untrusted(stderr, "ftps: put: ", ftp_error(s));
		return FTPS_ERR_CONNECT;
	}
	struct dirent **names = NULL;
	int n = scandir(ldir, &names, NULL, alphasort);
	if (n < 0) {
		app_error("put: %s: %s", ldir, strerror(errno));
		return FTPS_ERR_LOCAL;
	}
	int rc = 0;
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		if (rc == 0 && strcmp(name, ".") && strcmp(name, "..")) {
			char *local = path_join(ldir, name);
			char *remote = path_join(rdir, name);
			if (is_local_dir(local)) {
				rc = walk_put(s, local, remote, j, depth + 1);
				free(local);
				free(remote);
			} else {
				jobs_add(j, local, remote, -1, -1);
			}
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

static int plan_put(struct app *a, int argc, char **argv, const struct xfer_flags *f,
		    struct jobs *j)
{
	const char *target_dir = NULL, *rename_to = NULL;
	int n = argc;
	size_t last = n ? strlen(argv[n - 1]) : 0;
	if (n >= 2 && last && argv[n - 1][last - 1] == '/') {
		target_dir = argv[--n];
	} else if (n == 2 && !has_glob(argv[0]) && !has_glob(argv[1])) {
		rename_to = argv[1];
		n = 1;
	}
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		glob_t g;
		int grc = glob(argv[i], GLOB_NOCHECK * !has_glob(argv[i]) | GLOB_TILDE,
			       NULL, &g);
		if (grc != 0) {
			app_error("put: %s: no match", argv[i]);
			rc = FTPS_ERR_ARG;
			break;
		}
		for (size_t k = 0; k < g.gl_pathc && rc == 0; k++) {
			const char *local = g.gl_pathv[k];
			const char *base = path_base(local);
			char *remote = rename_to ? xstrdup(rename_to)
						 : path_join(target_dir, base);
			if (is_local_dir(local)) {
				if (f->recursive)
					rc = walk_put(a->ftp, local, remote, j, 0);
				else {
					app_error("put: %s: is a directory (use put -r)", local);
					rc = FTPS_ERR_USAGE;
				}
				free(remote);
			} else {
				jobs_add(j, xstrdup(local), remote, -1, -1);
			}
		}
		globfree(&g);
	}
	return rc;
}

/* --- running jobs --- */

struct runner {
	struct app *a;
	struct jobs *jobs;
	const struct xfer_flags *f;
	pthread_mutex_t lock;
	size_t next;
	int first_error, failures;
	int64_t bytes;
};

static int run_one(struct runner *r, struct ftp_session *s, struct job *jb,
		   struct progress *p)
{
	struct xfer_opts o = { r->f->resume, jb->size, jb->mtime, jb->part_taken };
	return r->jobs->upload ? upload_file(r->a, s, jb->src, jb->dst, &o, p)
			       : download_file(r->a, s, jb->src, jb->dst, &o, p);
}

/* Stop early on Ctrl-C or a dead connection; other failures are counted and
 * the remaining files still go. */
static int fatal(int rc, struct ftp_session *s)
{
	return rc == FTPS_ERR_INTERRUPTED || !ftp_is_connected(s);
}

struct worker {
	struct runner *r;
	struct ftp_session *s;
	pthread_t tid;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct runner *r = w->r;
	for (;;) {
		pthread_mutex_lock(&r->lock);
		size_t i = r->next < r->jobs->n && !r->first_error ? r->next++ : (size_t)-1;
		pthread_mutex_unlock(&r->lock);
		if (i == (size_t)-1)
			break;
		int rc = run_one(r, w->s, &r->jobs->v[i], NULL);
		pthread_mutex_lock(&r->lock);
		if (rc < 0) {
			r->failures++;
			if (fatal(rc, w->s))
				r->first_error = rc;
		}
		pthread_mutex_unlock(&r->lock);
		if (rc < 0 && fatal(rc, w->s))
			break;
	}
	return NULL;
}

static int run_parallel(struct runner *r, int n)
{
	struct worker w[MAX_PARALLEL];
	int started = 0;
	w[0].s = r->a->ftp;
	/* Extra connections are opened here, one after another, before any
	 * thread starts: trust was decided once, nothing is asked again. */
	for (int i = 1; i < n; i++) {
		w[i].s = app_open_extra(r->a);
		if (!w[i].s)
			break;
		started = i;
	}
	n = started + 1;
	for (int i = 0; i < n; i++) {
		w[i].r = r;
		pthread_create(&w[i].tid, NULL, worker_main, &w[i]);
	}
	for (int i = 0; i < n; i++)
		pthread_join(w[i].tid, NULL);
	for (int i = 1; i < n; i++)
		ftp_session_free(w[i].s);
	return n;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run_jobs(struct app *a, struct jobs *j, const struct xfer_flags *f)
{
	struct runner r = { .a = a, .jobs = j, .f = f };
	pthread_mutex_init(&r.lock, NULL);
	struct progress p;
	int show = a->interactive && a->settings.progress && isatty(STDOUT_FILENO);
	progress_batch(&p, show, (unsigned)j->n, -1);
	double t0 = now_s();
	int n = f->parallel < (int)j->n ? f->parallel : (int)j->n;
	if (n > 1) {
		n = run_parallel(&r, n);
	} else {
		for (size_t i = 0; i < j->n; i++) {
			int rc = run_one(&r, a->ftp, &j->v[i], &p);
			if (rc < 0) {
				r.failures++;
				if (!r.first_error)
					r.first_error = rc;
				if (fatal(rc, a->ftp))
					break;
			}
		}
	}
	pthread_mutex_destroy(&r.lock);
	if (j->n > 1 && a->interactive)
		printf("%zu file%s %s in %.2f s over %d connection%s%s\n", j->n,
		       j->n == 1 ? "" : "s", j->upload ? "sent" : "received",
		       now_s() - t0, n, n == 1 ? "" : "s",
		       r.failures ? " (with failures)" : "");
	if (r.failures > 1)
		app_error("%d of %zu transfers failed", r.failures, j->n);
	return r.failures ? (r.first_error ? r.first_error : FTPS_ERR_REFUSED) : 0;
}

static int transfer(struct app *a, int argc, char **argv, int upload, int resume)
{
	struct xfer_flags f = { 0 };
	int first = parse_flags(argv[0], argc, argv, &f);
	if (first < 0)
		return FTPS_ERR_USAGE;
	if (first >= argc) {
		app_error("usage: %s [-r] [-c] [-P N] %s", upload ? "put" : "get",
			  upload ? "LOCAL... [REMOTE]" : "REMOTE... [LOCAL]");
		return FTPS_ERR_USAGE;
	}
	f.resume |= resume;
	struct jobs j = { .upload = upload };
	int rc = upload ? plan_put(a, argc - first, argv + first, &f, &j)
			: plan_get(a, argc - first, argv + first, &f, &j);
	mark_taken_partials(&j);
	if (rc == 0 && j.n > 0)
		rc = run_jobs(a, &j, &f);
	jobs_clear(&j);
	return rc;
}

int cmd_get(struct app *a, int argc, char **argv) { return transfer(a, argc, argv, 0, 0); }
int cmd_put(struct app *a, int argc, char **argv) { return transfer(a, argc, argv, 1, 0); }
int cmd_reget(struct app *a, int argc, char **argv) { return transfer(a, argc, argv, 0, 1); }
int cmd_reput(struct app *a, int argc, char **argv) { return transfer(a, argc, argv, 1, 1); }

int cmd_cat(struct app *a, int argc, char **argv)
{
	int rc = 0;
	for (int i = 1; i < argc && rc == 0; i++)
		rc = cat_file(a, a->ftp, argv[i]);
	return rc;
}
