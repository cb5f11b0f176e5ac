#include "cli/xfer.h"
#include "cli/app.h"
#include "cli/msg.h"
#include "cli/progress.h"
#include "cli/remote_list.h"
#include "ftp/ops.h"
#include "ftp/session.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/digest.h"
#include "util/sanitize.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <pthread.h>
#include <time.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct fd_ctx {
	int fd;
	struct progress *p;
	int64_t base;       /* bytes already there before this transfer */
	int64_t moved;
	const char *name;   /* for the progress bar */
	int64_t limit;      /* set limit-rate: bytes/s, 0 for none */
	int broken_pipe;    /* a write found the reader gone (EPIPE) */
};

/* --- set limit-rate: one token bucket for the whole process ---
 * The engine knows nothing of it: the sink and source callbacks below
 * take their bytes from the bucket, in slices of a twentieth of a second,
 * so the data flows evenly rather than in bursts. All -P workers share
 * the bucket: N connections together keep to the limit. */
#define RATE_SLICES_PER_S 20
#define RATE_BURST_S 0.1      /* what an idle bucket may save up */
#define RATE_NAP_NS 50000000L /* longest sleep between two Ctrl-C checks */

static struct {
	pthread_mutex_t lock;
	int64_t rate;      /* the limit the tokens were counted for */
	double tokens;     /* bytes that may go now; negative: owed */
	double last;       /* when tokens were last added */
} bucket = { PTHREAD_MUTEX_INITIALIZER, 0, 0, 0 };

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t rate_slice(int64_t rate)
{
	int64_t n = rate / RATE_SLICES_PER_S;
	return n < 512 ? 512 : n > 256 * 1024 ? 256 * 1024 : (size_t)n;
}

/* Sleep for seconds, in naps short enough for Ctrl-C to end it at once. */
static void rate_sleep(double seconds)
{
	while (seconds > 1e-6 && !ftps_interrupted) {
		long ns = seconds * 1e9 < RATE_NAP_NS ? (long)(seconds * 1e9) : RATE_NAP_NS;
		struct timespec ts = { 0, ns };
		nanosleep(&ts, NULL);
		seconds -= (double)ns / 1e9;
	}
}

/* Take n bytes from the bucket and wait until they are paid for. Each
 * caller reserves its bytes under the lock and sleeps outside it, so
 * concurrent workers queue up behind each other's debts. */
static void rate_take(int64_t rate, size_t n)
{
	pthread_mutex_lock(&bucket.lock);
	double t = now_s(), burst = (double)rate * RATE_BURST_S;
	if (bucket.rate != rate) {
		bucket.rate = rate;
		bucket.tokens = burst;
	} else {
		bucket.tokens += (t - bucket.last) * (double)rate;
		if (bucket.tokens > burst)
			bucket.tokens = burst;
	}
	bucket.last = t;
	bucket.tokens -= (double)n;
	double wait = bucket.tokens < 0 ? -bucket.tokens / (double)rate : 0;
	pthread_mutex_unlock(&bucket.lock);
	rate_sleep(wait);
}

static void on_progress(struct fd_ctx *c, size_t n)
{
	c->moved += (int64_t)n;
	if (c->p)
		progress_update(c->p, c->base + c->moved);
}

static int write_all(struct fd_ctx *c, const char *p, size_t left)
{
	while (left > 0) {
		ssize_t w = write(c->fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			c->broken_pipe = errno == EPIPE;
			return -1;
		}
		p += w;
		left -= (size_t)w;
	}
	return 0;
}

static int write_fd(void *ctx, const void *buf, size_t n)
{
	struct fd_ctx *c = ctx;
	const char *p = buf;
	while (n > 0) {
		size_t k = n;
		/* After Ctrl-C the rest goes at once: the engine stops next. */
		if (c->limit && !ftps_interrupted) {
			if (k > rate_slice(c->limit))
				k = rate_slice(c->limit);
			rate_take(c->limit, k);
		}
		if (write_all(c, p, k) < 0)
			return -1;
		on_progress(c, k);
		p += k;
		n -= k;
	}
	return 0;
}

static ssize_t read_fd(void *ctx, void *buf, size_t n)
{
	struct fd_ctx *c = ctx;
	if (c->limit && n > rate_slice(c->limit))
		n = rate_slice(c->limit);
	for (;;) {
		ssize_t r = read(c->fd, buf, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r > 0 && c->limit && !ftps_interrupted)
			rate_take(c->limit, (size_t)r);
		if (r > 0)
			on_progress(c, (size_t)r);
		return r;
	}
}

/* An engine failure, printed once with the file it concerns. */
int xfer_report(struct ftp_session *s, const char *cmd, const char *name, int rc)
{
	char *prefix = xasprintf("ftps: %s: %s: ", cmd, name);
	/* Another worker's progress line may be showing: not on that line. */
	progress_hold();
	fflush(stdout);
	print_untrusted(stderr, prefix, ftp_error(s));
	progress_release();
	free(prefix);
	return rc;
}

/* A failure of the server or the network: reported here, or left to a
 * caller that may retry (quiet_failure). */
static int engine_failure(const struct xfer_opts *o, struct ftp_session *s,
			  const char *cmd, const char *name, int rc)
{
	if (o->engine_failed)
		*o->engine_failed = 1;
	return o->quiet_failure ? rc : xfer_report(s, cmd, name, rc);
}

static int local_fail(const char *cmd, const char *name, int err)
{
	app_error("%s: %s: %s", cmd, name, strerror(err));
	return FTPS_ERR_LOCAL;
}

/* The size before the transfer only matters for resuming: from the
 * listing when we have it, else SIZE (where the engine can ask it);
 * otherwise SIZE and MDTM travel with the transfer itself (struct
 * ftp_facts). */
static int64_t size_for_resume(struct ftp_session *s, const char *remote,
			       const struct xfer_opts *o)
{
	int64_t size = o->size;
	if (size < 0 && ftp_size(s, remote, &size) < 0)
		size = -1;
	return size;
}

static void on_begin(void *ctx, int64_t total)
{
	struct fd_ctx *c = ctx;
	if (c->p)
		progress_start(c->p, c->name, total, c->base);
}

char *partial_name(const char *local)
{
	const char *base = path_base(local);
	size_t dirlen = (size_t)(base - local), n = strlen(base);
	if (n + strlen(".part") <= NAME_MAX)
		return xasprintf("%s.part", local);
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)base; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	size_t keep = NAME_MAX - strlen("~0123456789abcdef.part");
	while (keep > 0 && ((unsigned char)base[keep] & 0xc0) == 0x80)
		keep--; /* do not cut a UTF-8 sequence in two */
	return xasprintf("%.*s%.*s~%016llx.part", (int)dirlen, local, (int)keep,
			 base, (unsigned long long)h);
}

/* The file a download writes until it is complete. */
struct partial {
	char *path;
	int fd;
	int64_t offset;  /* bytes already there (resume) */
	int temporary;   /* a private name: removed on failure */
};

/* An existing partial file we may continue: a regular file of ours with no
 * other name, opened without following a link or blocking on a FIFO. -1
 * (after a warning when something else sits there) otherwise. */
static int open_for_resume(const char *path, int64_t remote_size,
			   int64_t remote_mtime, int64_t *offset)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	if (fd < 0) {
		if (errno != ENOENT)
			app_error("get: %s: %s; not resuming from it", path,
				  errno == ELOOP ? "a symbolic link" : strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1 ||
	    st.st_uid != geteuid()) {
		app_error("get: %s: not a regular file of yours; not resuming from it",
			  path);
		close(fd);
		return -1;
	}
	if (remote_size >= 0 && st.st_size > remote_size) {
		app_error("get: %s: partial file is larger than the remote one; "
			  "starting over", path);
		close(fd);
		return -1;
	}
	/* Written before the remote file last changed: part of an older
	 * version, whatever its size says. */
	if (remote_mtime >= 0 && st.st_mtime < remote_mtime) {
		app_error("get: %s: partial file is older than the remote one; "
			  "starting over", path);
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	*offset = st.st_size;
	return fd;
}

/* A new, empty partial file that nobody else can have prepared: whatever
 * sat under the name (a planted link, FIFO, another file's hard link) is
 * unlinked, never opened, and the new file is created exclusively. 0600
 * while incomplete: a half file is nobody else's business. */
static int create_partial(struct partial *p, const char *local, int private_name)
{
	if (private_name) {
		const char *base = path_base(local);
		free(p->path);
		p->path = xasprintf("%.*s.ftps-XXXXXX", (int)(base - local), local);
		p->fd = mkostemp(p->path, O_CLOEXEC);
		p->temporary = 1;
	} else {
		if (unlink(p->path) < 0 && errno != ENOENT)
			return local_fail("get", p->path, errno);
		p->fd = open(p->path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			     O_CLOEXEC, 0600);
	}
	return p->fd < 0 ? local_fail("get", p->path, errno) : 0;
}

static int partial_open(struct partial *p, const char *local,
			const struct xfer_opts *o, int64_t remote_size,
			int64_t remote_mtime)
{
	memset(p, 0, sizeof(*p));
	p->fd = -1;
	p->path = partial_name(local);
	if (o->resume && !o->part_taken)
		p->fd = open_for_resume(p->path, remote_size, remote_mtime, &p->offset);
	if (p->fd >= 0)
		return 0;
	p->offset = 0;
	return create_partial(p, local, o->part_taken);
}

/* -c on a file that is already there whole: nothing to fetch. *size gets
 * the remote size when it had to be asked (SIZE). */
static int already_complete(struct ftp_session *s, const char *remote,
			    const char *local, const struct xfer_opts *o,
			    int64_t *size)
{
	struct stat st;
	*size = o->size;
	if (!o->resume || o->out_of_date || lstat(local, &st) < 0 ||
	    !S_ISREG(st.st_mode))
		return 0;
	*size = size_for_resume(s, remote, o);
	return *size >= 0 && st.st_size == *size;
}

int require_content_hash(struct ftp_session *s, const char *what)
{
	if (ftp_hash_best(s) != FTP_HASH_NONE)
		return 0;
	app_error("%s: the server offers no content hash (HASH, XSHA256, XSHA1, "
		  "XMD5, XCRC)", what);
	return FTPS_ERR_REFUSED;
}

int xfer_same_content(struct ftp_session *s, const char *cmd, const char *remote,
		      const char *local, char *why, size_t why_size)
{
	enum ftp_hash_algo algo = ftp_hash_best(s);
	char theirs[FTP_HASH_HEX_MAX + 1], ours[FTP_HASH_HEX_MAX + 1];
	if (algo == FTP_HASH_NONE) {
		char *what = xasprintf("%s: %s", cmd, remote);
		int rc = require_content_hash(s, what);
		free(what);
		return rc;
	}
	int rc = ftp_hash(s, remote, algo, theirs);
	if (rc < 0)
		return xfer_report(s, cmd, remote, rc);
	if (file_digest(local, algo, ours) < 0)
		return local_fail(cmd, local, errno);
	snprintf(why, why_size, "%s %s here, %s on the server", ftp_hash_name(algo),
		 ours, theirs);
	return strcmp(ours, theirs) == 0;
}

/* --verify on a download: the .part against the server's hash, before
 * anything is replaced. */
static int verify_download(struct ftp_session *s, const char *remote,
			   const struct partial *p)
{
	char why[256];
	int same = xfer_same_content(s, "get", remote, p->path, why, sizeof(why));
	if (same < 0)
		return same;
	if (!same) {
		app_error("get: %s: content differs (%s); kept %s", remote, why, p->path);
		return FTPS_ERR_TRUNCATED;
	}
	return 0;
}

/* After the transfer: size check, times, mode, then the rename that makes
 * the file appear whole or not at all. */
static int finish_download(struct app *a, struct partial *p, const char *remote,
			   const char *local, const struct ftp_facts *facts,
			   int64_t have, int rc)
{
	/* A file that changed after SIZE (asked during the previous file's
	 * transfer) but before RETR: the 150's size, when it names one, is
	 * the size the transfer opened with. */
	if (rc == 0 && facts->size >= 0 && have != facts->size &&
	    !(p->offset == 0 && facts->opened == have)) {
		app_error("get: %s: got %lld bytes but the server announced %lld; "
			  "kept %s", remote, (long long)have, (long long)facts->size,
			  p->path);
		rc = FTPS_ERR_TRUNCATED;
	}
	if (rc == 0 && facts->mtime >= 0 && a->settings.preserve) {
		struct timespec ts[2] = { { (time_t)facts->mtime, 0 },
					  { (time_t)facts->mtime, 0 } };
		futimens(p->fd, ts);
	}
	if (rc == 0 && fchmod(p->fd, a->file_mode) < 0)
		rc = local_fail("get", p->path, errno);
	if (close(p->fd) < 0 && rc == 0)
		rc = local_fail("get", p->path, errno);
	if (rc == 0 && rename(p->path, local) < 0)
		rc = local_fail("get", local, errno);
	/* Nothing worth resuming, or a name no later run would look for. */
	if (rc < 0 && (have == 0 || p->temporary))
		unlink(p->path);
	return rc;
}

/* RETR refused for good a name that no listing described (get NAME):
 * when NAME is a directory, say so as put does instead of leaving the
 * server's 550. One CWD there and back decides; for anything else the
 * refusal is reported as the server worded it. rc, reported here (a 5xx
 * is never retried, so the caller has nothing more to say). */
static int retr_refused(const struct xfer_opts *o, struct ftp_session *s,
			const char *remote, int rc)
{
	char *why = xstrdup(ftp_error(s)); /* the probe overwrites it */
	char *here = NULL;
	int dir = ftp_pwd(s, &here) == 0 && ftp_cwd(s, remote) == 0;
	if (dir)
		ftp_cwd(s, here);
	free(here);
	if (o->engine_failed)
		*o->engine_failed = 0;
	progress_hold(); /* not on another worker's progress line */
	if (dir) {
		app_error("get: %s: is a directory (use get -r)", remote);
		rc = FTPS_ERR_USAGE;
	} else {
		char *prefix = xasprintf("ftps: get: %s: ", remote);
		fflush(stdout);
		print_untrusted(stderr, prefix, why);
		free(prefix);
	}
	progress_release();
	free(why);
	return rc;
}

/* A retry resumes only the same remote file: a size or time that changed
 * since the failed attempt means the partial file is of another version. */
static int changed_since(struct ftp_session *s, const char *remote,
			 const struct xfer_opts *o)
{
	int64_t size = -1, mtime = -1;
	if (!o->retry)
		return 0;
	if (o->size >= 0 && ftp_size(s, remote, &size) == 0 && size != o->size)
		return 1;
	if (o->mtime >= 0 && (ftp_features(s) & FEAT_MDTM) &&
	    ftp_mdtm(s, remote, &mtime) == 0 && mtime != o->mtime)
		return 1;
	return 0;
}

static void record_facts(const struct xfer_opts *o, const struct ftp_facts *f)
{
	if (o->seen_size && f->size >= 0)
		*o->seen_size = f->size;
	if (o->seen_mtime && f->mtime >= 0)
		*o->seen_mtime = f->mtime;
}

int download_file(struct app *a, struct ftp_session *s, const char *remote,
		  const char *local, const struct xfer_opts *o_in, struct progress *p)
{
	struct xfer_opts fresh = *o_in;
	const struct xfer_opts *o = &fresh;
	if (changed_since(s, remote, o_in)) {
		app_error("get: %s: changed on the server since the last attempt; "
			  "starting over", remote);
		fresh.resume = 0;
		fresh.size = fresh.mtime = -1;
	}
	struct stat st;
	if (!a->settings.clobber && !o->resume && lstat(local, &st) == 0) {
		app_error("get: %s: exists (set clobber on to replace it)", local);
		return FTPS_ERR_LOCAL;
	}
	struct ftp_facts facts = { .size = o->size, .mtime = o->mtime, .want_size = 1,
				   .want_mtime = a->settings.preserve, .opened = -1 };
	if (already_complete(s, remote, local, o, &facts.size))
		return 0;
	/* Resuming needs the size first: a partial file larger than the
	 * remote one (the file shrank) must start over, not REST past it. */
	if (o->resume && facts.size < 0)
		facts.size = size_for_resume(s, remote, o);
	if (!ftp_is_connected(s))
		return engine_failure(o, s, "get", remote, FTPS_ERR_CONNECT);
	struct partial part;
	int rc = partial_open(&part, local, o, facts.size, facts.mtime);
	if (rc < 0) {
		free(part.path);
		return rc;
	}
	struct fd_ctx ctx = { part.fd, p, part.offset, 0, path_base(remote),
			      a->settings.limit_rate, 0 };
	struct ftp_sink sink = { write_fd, &ctx, on_begin };
	int64_t moved = 0;
	if (!(facts.size >= 0 && part.offset == facts.size))
		rc = ftp_retrieve(s, remote, part.offset, &facts, &sink, &moved);
	if (rc == FTPS_ERR_NORESUME && ftruncate(part.fd, 0) == 0) {
		/* No REST on this server: the whole file again. */
		app_error("get: %s: the server cannot resume; starting over", remote);
		part.offset = ctx.base = 0;
		rc = ftp_retrieve(s, remote, 0, &facts, &sink, &moved);
	}
	record_facts(o, &facts);
	if (o->done_bytes)
		*o->done_bytes = part.offset + moved;
	if (rc == FTPS_ERR_REFUSED && o->size < 0 && ftp_last_code(s) / 100 == 5)
		rc = retr_refused(o, s, remote, rc);
	else if (rc < 0)
		engine_failure(o, s, "get", remote, rc);
	if (rc == 0 && o->verify)
		rc = verify_download(s, remote, &part);
	rc = finish_download(a, &part, remote, local, &facts, part.offset + moved, rc);
	if (p)
		progress_end(p, rc == 0);
	free(part.path);
	return rc;
}

/* The local file to send: a regular file, opened once (what is checked is
 * what is sent). -1 after a message. */
static int open_upload(const char *local, struct stat *st)
{
	int fd = open(local, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, st) < 0) {
		local_fail("put", local, errno);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		app_error("put: %s: not a regular file", local);
		close(fd);
		return -1;
	}
	return fd;
}

/* After a broken upload the server may still be writing what it had
 * received when the connection died: appending before it is done would
 * interleave the two. Ask SIZE until two answers half a second apart
 * agree (a few seconds at most). 0 when there is no file. */
static int64_t settled_size(struct ftp_session *s, const char *remote)
{
	int64_t last = -1, size = -1;
	for (int i = 0; i < 10; i++) {
		if (ftp_size(s, remote, &size) < 0)
			return 0;
		if (size == last)
			return size;
		last = size;
		usleep(500 * 1000);
	}
	return size;
}

/* After the data: the file must not have changed while it was read
 * (size, or mtime to the nanosecond). */
static int check_unchanged(int fd, const char *local, const struct stat *st,
			   int64_t sent)
{
	struct stat after;
	if (fstat(fd, &after) == 0 &&
	    (sent != st->st_size || after.st_size != st->st_size ||
	     after.st_mtim.tv_sec != st->st_mtim.tv_sec ||
	     after.st_mtim.tv_nsec != st->st_mtim.tv_nsec)) {
		app_error("put: %s changed while being sent (%lld bytes sent, now "
			  "%lld bytes)", local, (long long)sent, (long long)after.st_size);
		return FTPS_ERR_LOCAL;
	}
	return 0;
}

int upload_file(struct app *a, struct ftp_session *s, const char *local,
		const char *remote, const struct xfer_opts *o, struct progress *p)
{
	struct stat st;
	int fd = open_upload(local, &st);
	if (fd < 0)
		return FTPS_ERR_LOCAL;
	int64_t offset = 0;
	if (o->retry)
		offset = settled_size(s, remote);
	else if (o->resume && ftp_size(s, remote, &offset) < 0)
		offset = 0; /* nothing there yet */
	int rc = 0;
	if (o->retry && offset > st.st_size)
		offset = 0; /* not what the failed attempt sent: start over */
	if (offset > st.st_size) {
		app_error("put: %s: the remote file is larger than the local one",
			  remote);
		rc = FTPS_ERR_ARG;
	} else if (offset > 0 && lseek(fd, offset, SEEK_SET) < 0) {
		rc = local_fail("put", local, errno);
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	struct fd_ctx ctx = { fd, p, offset, 0, path_base(local),
			      a->settings.limit_rate, 0 };
	struct ftp_source src = { read_fd, &ctx };
	int started = p && rc == 0;
	if (started)
		progress_start(p, ctx.name, st.st_size, offset);
	int64_t moved = 0;
	if (rc == 0 && (offset < st.st_size || !o->resume)) {
		rc = ftp_store(s, remote, offset > 0, st.st_size, &src, &moved);
		if (o->done_bytes)
			*o->done_bytes = offset + moved;
		if (rc < 0)
			engine_failure(o, s, "put", local, rc);
		else if (rc == 0)
			rc = check_unchanged(fd, local, &st, offset + moved);
	}
	close(fd);
	int64_t rsize = -1;
	if (rc == 0 && o->resume && ftp_size(s, remote, &rsize) == 0 &&
	    rsize != st.st_size) {
		app_error("put: %s: the server has %lld bytes, expected %lld",
			  remote, (long long)rsize, (long long)st.st_size);
		rc = FTPS_ERR_TRUNCATED;
	}
	if (rc == 0 && a->settings.preserve && (ftp_features(s) & FEAT_MFMT))
		ftp_mfmt(s, remote, (int64_t)st.st_mtime); /* best effort */
	if (rc == 0 && o->verify) {
		char why[256];
		int same = xfer_same_content(s, "put", remote, local, why, sizeof(why));
		if (same == 0)
			app_error("put: %s: content differs (%s)", remote, why);
		rc = same < 0 ? same : same ? 0 : FTPS_ERR_TRUNCATED;
	}
	if (started)
		progress_end(p, rc == 0);
	return rc;
}

/* cat on a terminal: the file's text, but nothing from the server that a
 * terminal acts on (escape sequences, C1 controls, bidi overrides) reaches
 * it raw; sanitize_stream() is the one rule, and it keeps a UTF-8 sequence
 * that a chunk boundary cuts in two whole. */
struct tty_ctx {
	struct fd_ctx fd;
	struct sanitize_stream st;
	struct buf out;
};

static int write_tty_flush(struct tty_ctx *t)
{
	int rc = t->out.len ? write_fd(&t->fd, t->out.data, t->out.len) : 0;
	buf_reset(&t->out);
	return rc;
}

static int write_tty_safe(void *ctx, const void *buf, size_t n)
{
	struct tty_ctx *t = ctx;
	sanitize_stream(&t->st, buf, n, SANITIZE_KEEP_LINES, &t->out);
	return write_tty_flush(t);
}

int cat_file(struct app *a, struct ftp_session *s, const char *remote)
{
	fflush(stdout);
	struct tty_ctx t = { { STDOUT_FILENO, NULL, 0, 0, remote,
			       a->settings.limit_rate, 0 },
			     { { 0 }, 0 }, { 0 } };
	int tty = isatty(STDOUT_FILENO);
	struct ftp_sink sink = { tty ? write_tty_safe : write_fd,
				 tty ? (void *)&t : (void *)&t.fd, NULL };
	struct ftp_facts facts = { .size = -1, .mtime = -1, .opened = -1 };
	int64_t moved = 0;
	int rc = ftp_retrieve(s, remote, 0, &facts, &sink, &moved);
	if (tty) {
		sanitize_stream_end(&t.st, SANITIZE_KEEP_LINES, &t.out);
		write_tty_flush(&t);
		buf_free(&t.out);
	}
	/* The reader went away (cat big | head): what cat(1) does where
	 * SIGPIPE is ignored, without a word; the engine sent ABOR, so the
	 * session goes on. */
	if (t.fd.broken_pipe)
		return CAT_OUTPUT_CLOSED;
	return rc < 0 ? xfer_report(s, "cat", remote, rc) : 0;
}
