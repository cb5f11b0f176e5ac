/* One file's transfer with every safety rule: downloads into NAME.part and
 * rename only after success and a size check, resume, clobber, times. */
#ifndef FTPS_XFER_H
#define FTPS_XFER_H

#include <stddef.h>
#include <stdint.h>

struct app;
struct ftp_session;
struct progress;

struct xfer_opts {
	int resume;          /* -c / reget / reput */
	int64_t size;        /* size known from a listing, else -1 */
	int64_t mtime;       /* mtime known from a listing, else -1 */
	int part_taken;      /* the .part name is a file this same transfer
	                      * writes: download through a private temporary
	                      * name, never resume from the .part */
	int retry;           /* an earlier attempt failed: resume what it left
	                      * if the remote file is still the one it saw
	                      * (size, mtime), else start over */
	int64_t *seen_size, *seen_mtime; /* where to record the remote file's
	                      * size and mtime once known (may be NULL) */
	int quiet_failure;   /* the caller reports a failure of the transfer
	                      * itself (xfer_report): it may retry */
	int *engine_failed;  /* set when the failure came from the server or
	                      * the network (quiet_failure: not yet reported) */
	int64_t *done_bytes; /* where the file stands after the attempt: bytes
	                      * in the .part, or sent in all (may be NULL) */
	int out_of_date;     /* the target is known to be stale (mirror): a
	                      * local file of the remote size is not taken as
	                      * complete */
	int verify;          /* --verify: compare the server's content hash
	                      * (HASH, XSHA256...) with ours before a download
	                      * replaces anything, after an upload */
};

/* --verify, --checksum: 0 when the server offers a content hash, else
 * FTPS_ERR_REFUSED after "WHAT: the server offers no content hash (...)". */
int require_content_hash(struct ftp_session *s, const char *what);

/* The server's hash of remote against ours of local (algorithm: the best
 * the server offers). 1 same, 0 different (*why says how), or a negative
 * ftps_err with the reason printed. */
int xfer_same_content(struct ftp_session *s, const char *cmd, const char *remote,
		      const char *local, char *why, size_t why_size);

/* "ftps: CMD: NAME: reason" for an engine failure on s; returns rc. */
int xfer_report(struct ftp_session *s, const char *cmd, const char *name, int rc);

/* Where a download of local waits until it is complete: "local.part", or,
 * when that name would be longer than NAME_MAX, the name cut short with a
 * hash of the whole name ("verylong...~0123456789abcdef.part"). Newly
 * allocated. */
char *partial_name(const char *local);

/* 0 or a negative ftps_err, with the reason already printed. */
int download_file(struct app *a, struct ftp_session *s, const char *remote,
		  const char *local, const struct xfer_opts *o, struct progress *p);
int upload_file(struct app *a, struct ftp_session *s, const char *local,
		const char *remote, const struct xfer_opts *o, struct progress *p);
/* RETR to standard output (cat). 0, a negative ftps_err with the reason
 * printed, or CAT_OUTPUT_CLOSED when standard output is a pipe that its
 * reader closed (EPIPE): the transfer was aborted, nothing printed, and
 * there is no point in sending more. */
#define CAT_OUTPUT_CLOSED 1
int cat_file(struct app *a, struct ftp_session *s, const char *remote);

#endif
