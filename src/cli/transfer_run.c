/* Running a planned transfer: sequential or over several connections. The
 * per-file rules (.part, resume, sizes, times) are in xfer.c. */
#include "cli/transfer_run.h"
#include "cli/app.h"
#include "cli/conn.h"
#include "cli/msg.h"
#include "cli/progress.h"
#include "cli/xfer.h"
#include "ftp/session.h"
#include "util/error.h"
#include "util/xmalloc.h"

/* The longest wait between two retries. */
#define RETRY_DELAY_MAX_MS 60000

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct runner {
	struct app *a;
	struct jobs *jobs;
	const struct run_opts *o;
	pthread_mutex_t lock;
	size_t next;
	int first_error, failures;
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
		print_untrusted(stderr, "ftps: ", msg);
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
			if (retry && t.n > 0 && rc != FTPS_ERR_INTERRUPTED)
				app_error("%s: gave up after %d retr%s", what, t.n,
					  t.n == 1 ? "y" : "ies");
			break;
		}
	}
	if (rc == 0 && t.n > 0)
		app_error("%s: done after %d retr%s", what, t.n, t.n == 1 ? "y" : "ies");
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

/* Returns how many connections were used. */
static int run_parallel(struct runner *r, int n)
{
	struct worker w[RUN_MAX_PARALLEL];
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

static void run_sequential(struct runner *r, struct progress *p)
{
	struct ftp_session *s = r->a->ftp;
	for (size_t i = 0; i < r->jobs->n; i++) {
		int rc = run_one(r, s, &r->jobs->v[i], p);
		if (rc < 0) {
			r->failures++;
			if (!r->first_error)
				r->first_error = rc;
			if (fatal(rc, s))
				break;
		}
	}
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int run_jobs_counted(struct app *a, struct jobs *j, const struct run_opts *o,
		     int *failures)
{
	struct runner r = { .a = a, .jobs = j, .o = o };
	pthread_mutex_init(&r.lock, NULL);
	struct progress p;
	int show = a->interactive && a->settings.progress && isatty(STDOUT_FILENO);
	progress_batch(&p, show, (unsigned)j->n, -1);
	double t0 = now_s();
	int n = o->parallel < (int)j->n ? o->parallel : (int)j->n;
	if (n > 1)
		n = run_parallel(&r, n);
	else
		run_sequential(&r, &p);
	pthread_mutex_destroy(&r.lock);
	if (j->n > 1 && a->interactive)
		printf("%zu file%s %s in %.2f s over %d connection%s%s\n", j->n,
		       j->n == 1 ? "" : "s", j->upload ? "sent" : "received",
		       now_s() - t0, n, n == 1 ? "" : "s",
		       r.failures ? " (with failures)" : "");
	if (r.failures > 1)
		app_error("%d of %zu transfers failed", r.failures, j->n);
	*failures = r.failures;
	return r.failures ? (r.first_error ? r.first_error : FTPS_ERR_REFUSED) : 0;
}

int run_jobs(struct app *a, struct jobs *j, const struct run_opts *o)
{
	int failures = 0;
	return run_jobs_counted(a, j, o, &failures);
}
