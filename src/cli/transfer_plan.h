/* Planning get and put (the sftp.c half of a transfer): from the operands
 * and flags to a list of jobs, one per file, with the argument rules,
 * globs, recursion, the x / x.part collision and the listing cap. The
 * planner touches the server and the local file system only through the
 * callbacks of struct plan_io, so unit tests run it against fake listings
 * (tests/unit/test_plan.c); transfer_run.c carries the jobs out. */
#ifndef FTPS_TRANSFER_PLAN_H
#define FTPS_TRANSFER_PLAN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "cli/argv.h"
#include "cli/remote_list.h"

/* Deepest directory a recursive get or put descends into. */
#define PLAN_MAX_DEPTH 64

struct job {
	char *src, *dst;     /* get: remote, local; put: local, remote */
	int64_t size, mtime; /* from a listing, else -1 */
	int part_taken;      /* see struct xfer_opts */
	int failed;          /* set by the runner when it failed for good */
	int mirror;          /* planned by mirror: the target is out of date,
	                      * never "complete" because of its size, and an
	                      * upload never appends to it */
};

struct jobs {
	struct job *v;
	size_t n;
	int upload;
};

void jobs_clear(struct jobs *j);

/* What the planner needs of the settings: a plain struct, so tests need
 * no struct app. */
struct plan_opts {
	int recursive;   /* -r */
	int max_entries; /* set max-entries: most entries one get -r walk lists */
};

/* The world outside the planner. ctx is passed back to every callback. */
struct plan_io {
	void *ctx;
	/* The server. 0 or a negative ftps_err, the server's reason already
	 * printed. rlist: the entries of a directory (remote_list); rglob: a
	 * typed word expanded (remote_glob); both fill a struct rlist that the
	 * planner frees. ris_dir: 1 if path is a directory (asked only when a
	 * listing could not say). rmkdir: make a directory for put -r; failing
	 * because it exists is fine, only a lost connection is an error. */
	int (*rlist)(void *ctx, const char *dir, struct rlist *out);
	int (*rglob)(void *ctx, const struct word *w, struct rlist *out);
	int (*ris_dir)(void *ctx, const char *path);
	int (*rmkdir)(void *ctx, const char *path);
	/* The local file system, like the system calls: -1 with errno set.
	 * lstat: stat (follow) or lstat. lscan: the names in dir (scandir,
	 * sorted; "." and ".." may be among them), newly allocated array of
	 * newly allocated strings; their count. lglob: a typed word expanded
	 * (glob: quoted wildcards are literal, a word without wildcards gives
	 * itself), same ownership; -1 when nothing matches. */
	int (*lstat)(void *ctx, const char *path, struct stat *st, int follow);
	int (*lmkdir)(void *ctx, const char *path);
	int (*lscan)(void *ctx, const char *dir, char ***names);
	int (*lglob)(void *ctx, const struct word *w, char ***paths);
	/* Where a download waits until complete: xfer.c's partial_name. */
	char *(*partial_name)(const char *local);
	/* One message for the person, without the "ftps: " prefix. */
	void (*report)(void *ctx, const char *msg);
};

/* Fill the local members of io (lstat, lmkdir, lscan, lglob) with the
 * real file system. */
void plan_io_local(struct plan_io *io);

/* Jobs for get REMOTE... [LOCAL] or put LOCAL... [REMOTE]. out must be
 * zeroed; out->upload is set. 0, or a negative ftps_err with the message
 * reported and out left empty. A get of a directory without -r is
 * reported and skipped, not an error. */
int plan_get(const struct plan_io *io, const struct plan_opts *o, int argc,
	     const struct word *argv, struct jobs *out);
int plan_put(const struct plan_io *io, const struct plan_opts *o, int argc,
	     const struct word *argv, struct jobs *out);

#endif
