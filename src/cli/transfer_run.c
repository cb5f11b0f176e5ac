/* Running a planned transfer: sequential or over several connections. The
 * per-file rules (.part, resume, sizes, times) are in xfer.c. */
#include "cli/transfer_run.h"
#include "cli/app.h"
#include "cli/conn.h"
#include "cli/msg.h"
#include "cli/progress.h"
#include "cli/xfer.h"
#include "ftp/ops.h"
#include "ftp/session.h"
#include "util/error.h"
#include "util/xmalloc.h"

/* The longest wait between two retries. */
#define RETRY_DELAY_MAX_MS 60000

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct runner {
	struct app *a;
	struct jobs *jobs;
	const struct run_opts *o;
	pthread_mutex_t lock;
	size_t next;
	int workers;                 /* connections at work (-P) */
	int first_error, failures;
	int received;                /* files that arrived whole */
	struct progress *progress;   /* the batch's bytes and line */
};

/* One file's state across attempts. */
struct attempt {
	int n;                  /* retries made so far */
	int64_t size, mtime;    /* the remote file as the first attempt saw it */
	int64_t done;           /* bytes in place after the last attempt */
	int engine_failed;
};

static int try_once(struct runner *r, struct ftp_session *s, struct job *jb,
		    struct progress *p, struct attempt *t)
{
	struct xfer_opts o = {
		/* An upload planned by mirror replaces a stale file: it never
		 * appends to it, except to what this very run sent. */
		.resume = (r->o->resume && !(jb->mirror && r->jobs->upload)) || t->n > 0,
		.out_of_date = jb->mirror, .size = t->size,
		.mtime = t->mtime, .part_taken = jb->part_taken, .retry = t->n > 0,
		.seen_size = &t->size, .seen_mtime = &t->mtime,
		.quiet_failure = 1, .engine_failed = &t->engine_failed,
		.done_bytes = &t->done, .verify = r->o->verify,
	};
	t->engine_failed = 0;
	return r->jobs->upload ? upload_file(r->a, s, jb->src, jb->dst, &o, p)
			       : download_file(r->a, s, jb->src, jb->dst, &o, p);
}

/* The wait before retry k (1-based): retry-delay, doubled each time, at
 * most a minute. */
static long retry_wait_ms(const struct app *a, int k)
{
	long ms = (long)a->settings.retry_delay * 1000;
	for (int i = 1; i < k && ms < RETRY_DELAY_MAX_MS; i++)
		ms *= 2;
	return ms > RETRY_DELAY_MAX_MS ? RETRY_DELAY_MAX_MS : ms;
}

/* Ctrl-C ends the wait, and the transfer. */
static int backoff(struct app *a, int k)
{
	long ms = retry_wait_ms(a, k);
	for (long waited = 0; waited < ms; waited += 100) {
		if (ftps_interrupted)
			return FTPS_ERR_INTERRUPTED;
		usleep(100 * 1000);
	}
	return ftps_interrupted ? FTPS_ERR_INTERRUPTED : 0;
}

/* "ftps: get big.iso: <why> at 52.4 MB; retrying in 2 s (2 of 5)", then
 * the wait and, unless the control connection survived, a new one; a
 * failed reconnection is one more retry. 0 once ready, else the failure
 * to report. */
static int recover(struct runner *r, struct ftp_session *s, const char *what,
		   struct attempt *t, int rc)
{
	struct app *a = r->a;
	while (t->n < a->settings.retries) {
		t->n++;
		char at[48] = "";
		if (t->done > 0) {
			human_bytes(t->done, at + 4, sizeof(at) - 4);
			memcpy(at, " at ", 4);
		}
		char *msg = xasprintf("%s: %s%s; retrying in %ld s (%d of %d)", what,
				      ftp_error(s), at, retry_wait_ms(a, t->n) / 1000,
				      t->n, a->settings.retries);
		progress_hold(); /* not on another worker's progress line */
		fflush(stdout);
		print_untrusted(stderr, "ftps: ", msg);
		progress_release();
		free(msg);
		if (backoff(a, t->n) < 0)
			return FTPS_ERR_INTERRUPTED;
		/* Only the data channel broke: the control connection goes on
		 * (as lftp does); a server or proxy that refuses new logins
		 * for a while does not stop the transfer. */
		if (ftp_is_connected(s) && ftp_check_idle(s) == 0)
			return 0;
		rc = app_reconnect(a, s, a->remote_cwd);
		if (rc == 0)
			return 0;
	}
	return rc;
}

static int run_one(struct runner *r, struct ftp_session *s,
		   struct job *jb, struct progress *p)
{
	const char *cmd = r->jobs->upload ? "put" : "get";
	char *what = xasprintf("%s %s", cmd, jb->src);
	struct attempt t = { 0, jb->size, jb->mtime, 0, 0 };
	int rc;
	for (;;) {
		rc = try_once(r, s, jb, p, &t);
		if (rc == 0 || !t.engine_failed)
			break; /* done, or a local failure already reported */
		int retry = rc != FTPS_ERR_INTERRUPTED && ftp_failure_is_transient(s, rc);
		if (retry)
			rc = recover(r, s, what, &t, rc);
		if (!retry || rc < 0) {
			xfer_report(s, cmd, jb->src, rc);
			progress_hold();
			if (retry && t.n > 0 && rc != FTPS_ERR_INTERRUPTED)
				app_error("%s: gave up after %d retr%s", what, t.n,
					  t.n == 1 ? "y" : "ies");
			progress_release();
			break;
		}
	}
	if (rc == 0 && t.n > 0) {
		progress_hold();
		app_error("%s: done after %d retr%s", what, t.n, t.n == 1 ? "y" : "ies");
		progress_release();
	}
	jb->failed = rc < 0;
	free(what);
	return rc;
}

/* Stop early on Ctrl-C or a dead connection; other failures are counted and
 * the remaining files still go. */
static int fatal(int rc, struct ftp_session *s)
{
	return rc == FTPS_ERR_INTERRUPTED || !ftp_is_connected(s);
}

struct worker {
	struct runner *r;
	struct ftp_session *s; /* NULL until an extra worker has connected */
	const char *cwd;       /* where extra connections go, NULL: login dir */
	int ascii;
	pthread_t tid;
	struct progress prog; /* this worker's files, counted in the batch */
};

#define NO_JOB ((size_t)-1)

/* The next file nobody has taken; ahead: only while enough remain for
 * every worker to have one too (two files on -P 2 go one to each). */
static size_t claim(struct runner *r, int ahead)
{
	pthread_mutex_lock(&r->lock);
	size_t left = r->jobs->n - r->next;
	size_t i = left > 0 && !r->first_error &&
		   (!ahead || left >= (size_t)r->workers) ? r->next++ : NO_JOB;
	pthread_mutex_unlock(&r->lock);
	return i;
}

/* Tell the engine which transfer comes next on s, so that it can send its
 * commands early (ftp_hint_next). Not when resuming: a file that is
 * complete here, or continues from an offset, would not take them up; nor
 * a download that set clobber off will refuse (the local file exists),
 * which would be sent, and then thrown away or aborted, for nothing. */
static void hint_next(struct runner *r, struct ftp_session *s, size_t next)
{
	if (r->o->resume)
		return;
	const struct job *jb = next == NO_JOB ? NULL : &r->jobs->v[next];
	struct stat st;
	if (jb && !r->jobs->upload && !r->a->settings.clobber && lstat(jb->dst, &st) == 0)
		jb = NULL;
	ftp_hint_next(s, !jb ? NULL : r->jobs->upload ? jb->dst : jb->src);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct runner *r = w->r;
	progress_child(&w->prog, r->progress);
	/* Extra connections log in here, all at once and while the first
	 * connection already transfers: trust was decided for the first one,
	 * nothing is asked again. One that cannot connect leaves the work to
	 * the others. */
	if (!w->s && !(w->s = app_open_extra(r->a, w->cwd, w->ascii)))
		return NULL;
	/* Each worker claims its next file before it runs the current one,
	 * so that the engine can send that file's commands ahead. */
	size_t i = claim(r, 0);
	while (i != NO_JOB) {
		size_t next = claim(r, 1);
		hint_next(r, w->s, next);
		int rc = run_one(r, w->s, &r->jobs->v[i], &w->prog);
		pthread_mutex_lock(&r->lock);
		r->received += rc == 0;
		if (rc < 0) {
			r->failures++;
			if (fatal(rc, w->s))
				r->first_error = rc;
		}
		pthread_mutex_unlock(&r->lock);
		if (rc < 0 && fatal(rc, w->s))
			break;
		i = next != NO_JOB ? next : claim(r, 0);
	}
	ftp_hint_next(w->s, NULL); /* a stale hint must not reach a later get */
	return NULL;
}

/* Returns how many connections were used. */
static int run_parallel(struct runner *r, int n)
{
	struct worker w[RUN_MAX_PARALLEL];
	memset(w, 0, sizeof(w));
	/* remote_cwd is absolute, and unset only while the session is still
	 * in the login directory, where a new login lands too. */
	char *cwd = r->a->remote_cwd ? xstrdup(r->a->remote_cwd) : NULL;
	int ascii = ftp_is_ascii(r->a->ftp);
	w[0].s = r->a->ftp;
	r->workers = n;
	for (int i = 0; i < n; i++) {
		w[i].r = r;
		w[i].cwd = cwd;
		w[i].ascii = ascii;
		pthread_create(&w[i].tid, NULL, worker_main, &w[i]);
	}
	int used = 0;
	for (int i = 0; i < n; i++) {
		pthread_join(w[i].tid, NULL);
		used += w[i].s != NULL;
	}
	for (int i = 1; i < n; i++)
		ftp_session_free(w[i].s);
	free(cwd);
	return used;
}

static void run_sequential(struct runner *r, struct progress *p)
{
	struct ftp_session *s = r->a->ftp;
	for (size_t i = 0; i < r->jobs->n; i++) {
		/* Numbered by attempt: a file that fails keeps its number. */
		progress_set_file(p, (unsigned)i + 1);
		hint_next(r, s, i + 1 < r->jobs->n ? i + 1 : NO_JOB);
		int rc = run_one(r, s, &r->jobs->v[i], p);
		r->received += rc == 0;
		if (rc < 0) {
			r->failures++;
			if (!r->first_error)
				r->first_error = rc;
			if (fatal(rc, s))
				break;
		}
	}
	ftp_hint_next(s, NULL); /* a stale hint must not reach a later get */
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "2 files received (2.0 MiB in 1.52 s over 2 connections), 1 failed":
 * what really arrived, then what did not. */
static void summary(const struct runner *r, int conns, int64_t moved,
		    double seconds)
{
	size_t n = r->jobs->n;
	int untried = (int)n - r->received - r->failures;
	char bytes[32];
	human_bytes_binary(moved, bytes, sizeof(bytes));
	printf("%d file%s %s (%s in %.2f s over %d connection%s)", r->received,
	       r->received == 1 ? "" : "s", r->jobs->upload ? "sent" : "received",
	       bytes, seconds, conns, conns == 1 ? "" : "s");
	if (r->failures)
		printf(", %d failed", r->failures);
	if (untried > 0)
		printf(", %d not tried", untried);
	printf("\n");
	fflush(stdout);
}

int run_jobs_counted(struct app *a, struct jobs *j, const struct run_opts *o,
		     int *failures)
{
	struct progress p;
	struct runner r = { .a = a, .jobs = j, .o = o, .progress = &p };
	pthread_mutex_init(&r.lock, NULL);
	int show = a->interactive && a->settings.progress && isatty(STDOUT_FILENO);
	double t0 = now_s();
	int n = o->parallel < (int)j->n ? o->parallel : (int)j->n;
	if (n > 1) {
		progress_batch_shared(&p, show, (unsigned)j->n);
		n = run_parallel(&r, n);
	} else {
		progress_batch(&p, show, (unsigned)j->n);
		run_sequential(&r, &p);
	}
	progress_batch_end(&p);
	pthread_mutex_destroy(&r.lock);
	if (j->n > 1 && a->interactive)
		summary(&r, n, progress_moved(&p), now_s() - t0);
	else if (r.failures > 1)
		app_error("%d of %zu transfers failed", r.failures, j->n);
	*failures = r.failures;
	return r.failures ? (r.first_error ? r.first_error : FTPS_ERR_REFUSED) : 0;
}

int run_jobs(struct app *a, struct jobs *j, const struct run_opts *o)
{
	int failures = 0;
	return run_jobs_counted(a, j, o, &failures);
}
