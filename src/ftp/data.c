/* Data channels: EPSV/PASV, a TLS session resumed from the control channel,
 * the transfer loops, and the close sequences that keep files whole. */
#include "ftp/active.h"
#include "ftp/session_int.h"
#include "tls/tls.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define XFER_BUF (256 * 1024)
/* Downloads reach the sink in writes of about 32 KiB: few enough system
 * calls, and the decrypted bytes are still in the CPU's cache when the
 * kernel copies them into the page cache. With writes of 240 KiB a 1 GiB
 * get into ext4 took a median 1.19 s of wall and 1.00 s of CPU time, with
 * 32 KiB 0.88 s and 0.71 s (10 alternating runs each). */
#define SINK_CHUNK (32 * 1024)

struct data_conn {
	int fd;
	struct tls_conn *tls;
};

static void data_close(struct data_conn *d)
{
	tls_conn_free(d->tls);
	d->tls = NULL;
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}

/* The passive port: on the control connection's peer address, or through
 * the proxy to the control connection's host name. */
static int dial_data(struct ftp_session *s, uint16_t port, const char **why)
{
	if (s->proxy)
		return net_dial(s->proxy, s->host, port, s->timeout_ms, why);
	return net_connect_addr(&s->peer, port, s->timeout_ms, why);
}

/* Ask for a passive port and connect to it: always on the control
 * connection's peer address, whatever a 227 names (NAT, or a hostile server
 * aiming us at another host). */
static int open_passive(struct ftp_session *s, struct data_conn *d)
{
	uint16_t port = 0;
	int rc = -1;

	if (!s->no_epsv) {
		rc = ftp_command(s, "EPSV");
		if (rc < 0 && rc != FTPS_ERR_REFUSED)
			return rc;
		if (rc == 229 && parse_229(ftp_last_text(s), &port) == 0) {
			rc = 0;
			s->epsv_ok = 1;
		}
		else if (rc >= 500)
			s->no_epsv = 1;
		else if (rc == 229)
			return ftp_fail(s, FTPS_ERR_PROTO, "malformed EPSV reply: %s",
					ftp_reply_msg(s));
	}
	if (rc != 0) {
		rc = ftp_command(s, "PASV");
		if (rc < 0 && rc != FTPS_ERR_REFUSED)
			return rc;
		if (rc != 227)
			return ftp_fail(s, FTPS_ERR_REFUSED,
					"passive mode refused: %s", ftp_reply_msg(s));
		if (parse_227(ftp_last_text(s), &port) < 0)
			return ftp_fail(s, FTPS_ERR_PROTO, "malformed PASV reply: %s",
					ftp_reply_msg(s));
	}
	const char *why = NULL;
	d->fd = dial_data(s, port, &why);
	if (d->fd < 0)
		return ftp_fail(s, d->fd, "data connection to port %u failed: %s",
				port, why);
	return 0;
}

/* A reply on the control connection while the data channel is being set
 * up: a preliminary one (150) lets the setup go on, anything else means the
 * server will not serve this data connection. */
static int early_reply(struct ftp_session *s, int *prelim)
{
	int rc = ftp_read_reply(s);
	if (rc < 0)
		return rc;
	if (rc / 100 == 1) {
		*prelim = 1;
		return 0;
	}
	return ftp_fail(s, FTPS_ERR_REFUSED, "%s", ftp_reply_msg(s));
}

static int control_buffered(struct ftp_session *s)
{
	return s->rbuf.len > 0 || (s->tls && tls_buffered(s->tls));
}

/* What a data channel resumes: the control session, through its ticket.
 * A server that gives no TLS 1.3 tickets cannot be resumed that way, and
 * a full handshake per file costs more than the file; where the priority
 * allows TLS 1.2, its data channels then run TLS 1.2, the first one in a
 * full handshake (showing the control connection's certificate, checked
 * below) and each next one resuming the one before by session ID. The
 * ticket returned is the caller's to free unless *tls12 is set. */
static struct tls_ticket *data_resumption(struct ftp_session *s, int *tls12)
{
	if (!s->data_tls12) {
		struct tls_ticket *t = tls_ticket_take(s->tls);
		if (t || !tls_can_prefer_tls12(s->tls)) {
			*tls12 = 0;
			return t;
		}
		s->data_tls12 = 1;
	}
	*tls12 = 1;
	return s->data_ticket;
}

/* Handshake right after connecting, resuming the control session, without
 * waiting for the server's 1xx: some servers send it only after our
 * handshake, and RFC 4217 lets us start at once. Meanwhile the control
 * connection is watched, for a server that answers the command with an
 * error (550, 425) and never serves the connection. A data channel that did
 * not resume must at least show the same certificate, or a third party
 * could have answered on the data port. */
static int secure_data(struct ftp_session *s, struct data_conn *d, int *prelim)
{
	const char *why = NULL;
	int tls12 = 0;
	struct tls_ticket *ticket = data_resumption(s, &tls12);
	d->tls = tls_conn_new(s->tls_cfg, d->fd, s->host, s->timeout_ms, ticket, tls12);
	if (!tls12)
		tls_ticket_free(ticket);
	if (!d->tls)
		return ftp_fail(s, FTPS_ERR_TLS, "cannot start TLS on data channel");
	int rc;
	for (;;) {
		if (!*prelim && control_buffered(s))
			rc = TLS_WATCHED;
		else
			rc = tls_handshake_watch(d->tls, *prelim ? -1 : s->fd, &why);
		if (rc != TLS_WATCHED)
			break;
		if ((rc = early_reply(s, prelim)) < 0)
			return rc;
	}
	if (rc < 0)
		return ftp_fail(s, rc == FTPS_ERR_TIMEOUT ? rc : FTPS_ERR_TLS,
				"TLS handshake on data channel failed: %s", why);
	s->data_channels++;
	if (tls_is_resumed(d->tls))
		s->data_resumed++;
	else if (!tls_same_peer_cert(d->tls, s->tls))
		return ftp_fail(s, FTPS_ERR_CERT,
				"data channel presented a different certificate");
	if (tls12) { /* the next data channel resumes this one */
		tls_ticket_free(s->data_ticket);
		s->data_ticket = tls_ticket_take(d->tls);
	}
	return 0;
}

/* Questions whose answers a transfer needs (SIZE, MDTM): sent in the same
 * packet as EPSV and the transfer command when pipelining, one by one
 * otherwise. */
#define PRELUDE_MAX 2
struct prelude {
	int n;
	char *cmd[PRELUDE_MAX];
	int code[PRELUDE_MAX];
	char *text[PRELUDE_MAX];
};

static void prelude_add(struct prelude *p, char *cmd)
{
	p->cmd[p->n++] = cmd;
}

static void prelude_clear(struct prelude *p)
{
	for (int i = 0; i < p->n; i++) {
		free(p->cmd[i]);
		free(p->text[i]);
	}
	memset(p, 0, sizeof(*p));
}

/* Keep one answer; a transport failure is the only error. */
static int prelude_store(struct ftp_session *s, struct prelude *p, int i, int rc)
{
	if (rc < 0 && rc != FTPS_ERR_REFUSED)
		return rc;
	p->code[i] = ftp_last_code(s);
	p->text[i] = xstrdup(ftp_last_text(s));
	return 0;
}

static int prelude_ask(struct ftp_session *s, struct prelude *p)
{
	for (int i = 0; p && i < p->n; i++) {
		int rc = prelude_store(s, p, i, ftp_command(s, "%s", p->cmd[i]));
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* A download whose commands went out ahead (ftp_hint_next). */
struct queued {
	char *cmd;           /* "RETR path" */
	struct prelude pre;  /* its SIZE and MDTM, sent before it */
	int cmd_sent;        /* or only those and EPSV (queue_ahead) */
};

static void queued_free(struct queued *q)
{
	if (!q)
		return;
	free(q->cmd);
	prelude_clear(&q->pre);
	free(q);
}

/* Once EPSV has worked on this connection, send it and the transfer
 * command in one packet: the server answers EPSV, then waits for our data
 * connection before it answers the command. One round trip less per
 * transfer, which is most of the cost of small files. If EPSV fails after
 * all, the command's own (error) reply is read too, so that the two stay
 * in step, and the caller falls back to one command at a time. Without
 * cmd, only the questions and EPSV go (a download queued during the
 * previous one's transfer: see queue_ahead). */
static int pipelined_send(struct ftp_session *s, const char *cmd,
			  const struct prelude *pre)
{
	const char *lines[PRELUDE_MAX + 2];
	int n = 0;
	for (int i = 0; pre && i < pre->n; i++)
		lines[n++] = pre->cmd[i];
	lines[n++] = "EPSV";
	if (cmd)
		lines[n++] = cmd;
	return ftp_send_lines(s, lines, n);
}

/* How much of a transfer's commands went out before data_start. */
enum { AHEAD_NONE, AHEAD_ALL, AHEAD_BUT_CMD };

/* The replies to what pipelined_send sent, up to the data connection.
 * unsent: the transfer command, when only the questions and EPSV went out
 * ahead; it goes now, just before the connection, so that the server
 * reads it as our handshake reaches it. */
static int pipelined_read(struct ftp_session *s, struct data_conn *d,
			  struct prelude *pre, int *fallback, const char *unsent)
{
	uint16_t port = 0;
	int rc;
	*fallback = 0;
	for (int i = 0; pre && i < pre->n; i++) {
		rc = prelude_store(s, pre, i, ftp_read_reply(s));
		if (rc < 0)
			return rc;
	}
	rc = ftp_read_reply(s);
	if (rc < 0)
		return rc;
	if (rc != 229 || parse_229(ftp_last_text(s), &port) < 0) {
		if (rc == 229) {
			/* A lie, not a refusal, and the server may now wait
			 * for a connection we will not make: end the session
			 * rather than wait for the command's reply. */
			char keep[sizeof(s->err)];
			ftp_fail(s, FTPS_ERR_PROTO, "malformed EPSV reply: %s",
				 ftp_reply_msg(s));
			memcpy(keep, s->err, sizeof(keep));
			ftp_drop(s);
			memcpy(s->err, keep, sizeof(keep));
			return FTPS_ERR_PROTO;
		}
		s->epsv_ok = 0;
		rc = unsent ? 0 : ftp_read_reply(s); /* the command's: 425, 503 */
		if (rc < 0)
			return rc;
		*fallback = 1;
		return 0;
	}
	if (unsent && (rc = ftp_send(s, unsent)) < 0)
		return rc;
	const char *why = NULL;
	d->fd = dial_data(s, port, &why);
	if (d->fd < 0) {
		char keep[sizeof(s->err)];
		snprintf(keep, sizeof(keep), "data connection to port %u failed: %s",
			 port, why);
		ftp_read_reply(s); /* the server gives up on us: 425 */
		return ftp_fail(s, d->fd, "%s", keep);
	}
	return 0;
}

static int pipelined_passive(struct ftp_session *s, struct data_conn *d,
			     const char *cmd, struct prelude *pre, int *fallback)
{
	int rc = pipelined_send(s, cmd, pre);
	return rc < 0 ? rc : pipelined_read(s, d, pre, fallback, NULL);
}

/* A transfer command refused while our data connection was already open
 * (pipelined EPSV): pyftpdlib then answers the closing of that connection
 * with one more reply ("226 Transfer complete"). Left unread, it would be
 * taken for the answer to the next command, and every reply after it
 * would be one step behind. Read it if it comes, within a moment; if it
 * comes later, the next reply read skips it (it comes before the answer
 * to our next command: pyftpdlib closes the old data channel first). */
static void drain_stray(struct ftp_session *s)
{
	char keep[sizeof(s->err)];
	memcpy(keep, s->err, sizeof(keep));
	struct ftp_reply last = s->last;
	memset(&s->last, 0, sizeof(s->last));
	struct pollfd p = { .fd = s->fd, .events = POLLIN };
	if (s->fd >= 0 && (s->rbuf.len > 0 || (s->tls && tls_buffered(s->tls)) ||
			   poll(&p, 1, 200) > 0))
		ftp_check_idle(s); /* reads and traces it; a hang-up drops */
	else
		s->stray_226 = 1; /* late (a loaded server): see ftp_read_reply */
	ftp_reply_clear(&s->last);
	s->last = last;
	memcpy(s->err, keep, sizeof(keep));
}

/* Active mode: wait for the server's connection, reading the control
 * connection too, where a refusal or the 1xx may come first. */
static int accept_data(struct ftp_session *s, struct data_conn *d,
		       int listen_fd, int *prelim)
{
	for (;;) {
		int rc = !*prelim && control_buffered(s)
			? FTP_ACTIVE_CONTROL : ftp_active_accept(s, listen_fd, !*prelim);
		if (rc == FTP_ACTIVE_CONTROL && (rc = early_reply(s, prelim)) == 0)
			continue;
		if (rc < 0)
			return rc;
		d->fd = rc;
		return 0;
	}
}

/* The handshake came before the server's 1xx: it may have answered TLS
 * before it even read the command, which it can still refuse. A download
 * goes on at its first bytes (or the 1xx), an upload only at the 1xx, so
 * that a refusal is seen instead of waiting for data that never come or
 * sending data nobody reads. */
static int await_go(struct ftp_session *s, struct data_conn *d, int upload,
		    int *prelim)
{
	int64_t deadline = clock_ms() + s->timeout_ms;
	while (!*prelim) {
		if (!upload && tls_buffered(d->tls))
			return 0;
		struct pollfd p[2] = { { .fd = s->fd, .events = POLLIN },
				       { .fd = d->fd, .events = POLLIN } };
		int left = (int)(deadline - clock_ms());
		int n = control_buffered(s) ? 1 : poll(p, upload ? 1 : 2, left > 0 ? left : 0);
		if (n < 0 && errno == EINTR && !ftp_is_cancelled(s))
			continue;
		if (n < 0)
			return ftp_fail(s, FTPS_ERR_INTERRUPTED, "interrupted");
		if (n == 0)
			return ftp_fail(s, FTPS_ERR_TIMEOUT, "no answer to the transfer "
					"command within %d s", s->timeout_ms / 1000);
		if (control_buffered(s) || p[0].revents) {
			int rc = early_reply(s, prelim);
			if (rc < 0)
				return rc;
		} else if (p[1].revents) {
			return 0;
		}
	}
	return 0;
}

/* Open a data channel for cmd, whose commands may have been sent ahead
 * already (sent_ahead, AHEAD_*: see ftp_hint_next). */
static int data_start(struct ftp_session *s, struct data_conn *d,
		      const char *cmd, struct prelude *pre, int sent_ahead,
		      int upload)
{
	int listen_fd = -1, fallback = 1, rc = 0, prelim = 0;
	d->fd = -1;
	d->tls = NULL;
	if (sent_ahead != AHEAD_NONE)
		rc = pipelined_read(s, d, pre, &fallback,
				    sent_ahead == AHEAD_BUT_CMD ? cmd : NULL);
	else if (!s->active && s->epsv_ok && !s->no_epsv && !s->no_pipelining)
		rc = pipelined_passive(s, d, cmd, pre, &fallback);
	else
		rc = prelude_ask(s, pre);
	if (rc < 0)
		goto fail;
	if (fallback) {
		rc = s->active ? (listen_fd = ftp_active_listen(s)) : open_passive(s, d);
		if (rc < 0)
			return rc;
		rc = ftp_send(s, cmd);
		if (rc < 0)
			goto fail;
	}
	if (listen_fd >= 0) {
		rc = accept_data(s, d, listen_fd, &prelim);
		close(listen_fd);
		listen_fd = -1;
		if (rc < 0)
			goto fail;
	}
	rc = secure_data(s, d, &prelim);
	if (rc == 0 && !prelim)
		rc = await_go(s, d, upload, &prelim);
	if (rc == FTPS_ERR_REFUSED && d->fd >= 0 && ftp_is_connected(s)) {
		data_close(d);
		drain_stray(s);
	}
	if (rc < 0)
		goto fail;
	return 0;
fail:
	if (listen_fd >= 0)
		close(listen_fd);
	data_close(d);
	return rc;
}

/* The final reply decides, whatever the data channel looked like. */
static int data_finish(struct ftp_session *s, int xfer_rc)
{
	/* The next file's commands, sent ahead, found the control connection
	 * gone (s->err says how): the final reply will never come, so this
	 * transfer is not known to be whole, and the connection is lost, which
	 * a retry can mend, rather than "not connected". */
	if (!ftp_is_connected(s))
		return xfer_rc < 0 ? xfer_rc : FTPS_ERR_CONNECT;
	char why[sizeof(s->err)];
	if (xfer_rc < 0)
		memcpy(why, s->err, sizeof(why));
	int rc = ftp_read_final(s);
	if (xfer_rc < 0) {
		/* One message with both sides: what went wrong here and what
		 * the server said about it (vsftpd's "522 ... session reuse
		 * required" explains an empty data channel). */
		if (rc < 0) {
			char lost[sizeof(s->err)];
			memcpy(lost, s->err, sizeof(lost));
			return ftp_fail(s, rc, "%s; then %s", why, lost);
		}
		if (rc >= 400) {
			ftp_fail(s, xfer_rc, "%s (server: %s)", why,
				 ftp_reply_msg(s));
			ftp_check_hangup(s, 250);
			return xfer_rc;
		}
		memcpy(s->err, why, sizeof(why));
		return xfer_rc;
	}
	if (rc < 0)
		return rc;
	if (rc / 100 != 2)
		return ftp_fail(s, FTPS_ERR_REFUSED, "%s", ftp_reply_msg(s));
	return 0;
}

/* After ABOR, two final replies: the transfer's (426 cut, or 226 if it
 * had finished) and ABOR's own (226 or 225), with 1xx before. Reading
 * only the first left vsftpd's "225 No transfer to ABOR" after a finished
 * transfer's 226 to be taken for the next command's answer. 225 only ever
 * answers ABOR; a lone 226 may be either, so the second is waited for
 * briefly; 5xx: ABOR not understood. */
static void read_abort_replies(struct ftp_session *s)
{
	int finals = 0;
	for (int i = 0; i < 5 && finals < 2; i++) {
		if (finals == 1 && ftp_last_code(s) == 226 && !control_buffered(s)) {
			struct pollfd p = { .fd = s->fd, .events = POLLIN };
			if (s->fd < 0 || poll(&p, 1, 1000) <= 0)
				return;
		}
		int rc = ftp_read_reply(s);
		if (rc < 0 || rc == 225 || rc >= 500)
			return;
		finals += rc >= 200;
	}
}

/* Ctrl-C or a local failure mid-transfer: close the data channel, then ABOR
 * and read whatever the server says (426 then 226, 226 alone, 225...), each
 * read bounded by the timeout. A server that stays confused is dropped. */
static int data_abort(struct ftp_session *s, struct data_conn *d, int why_rc)
{
	char keep[sizeof(s->err)];
	memcpy(keep, s->err, sizeof(keep));
	data_close(d);
	if (s->queued && !s->queued->cmd_sent) {
		/* The next file's questions are queued behind this transfer
		 * (queue_ahead), on a server that reads nothing until it ends:
		 * an ABOR would wait behind them. Our closed connection ends
		 * the transfer (426, or 226 if all was sent); then the queued
		 * answers are read. */
		if (ftp_read_final(s) >= 0)
			ftp_settle_queue(s);
	} else if (ftp_send(s, "ABOR") == 0) {
		read_abort_replies(s);
	}
	memcpy(s->err, keep, sizeof(keep));
	return why_rc;
}

static void progress(struct ftp_session *s, int64_t done, int64_t total)
{
	if (s->hooks.progress)
		s->hooks.progress(s->hooks.ctx, done, total);
}

static int receive_with(struct ftp_session *s, const char *cmd, struct prelude *pre,
			int sent_ahead, struct ftp_facts *facts, int64_t total,
			struct ftp_sink *sink, size_t max_bytes, int64_t *moved);

static int receive(struct ftp_session *s, const char *cmd, int64_t total,
		   struct ftp_sink *sink, size_t max_bytes, int64_t *moved)
{
	return receive_with(s, cmd, NULL, 0, NULL, total, sink, max_bytes, moved);
}

/* Answers to SIZE and MDTM, where asked and given. */
static void read_facts(struct prelude *pre, struct ftp_facts *f)
{
	for (int i = 0; i < pre->n; i++) {
		if (pre->code[i] != 213 || !pre->text[i])
			continue;
		if (!strncmp(pre->cmd[i], "SIZE", 4))
			parse_213_size(pre->text[i], &f->size);
		else
			parse_213_mdtm(pre->text[i], &f->mtime);
	}
}

/* A data channel's read failure as the user should read it. */
static int read_failure(struct ftp_session *s, ssize_t n, const char *why,
			int64_t done)
{
	if (n == FTPS_ERR_TRUNCATED)
		return ftp_fail(s, FTPS_ERR_TRUNCATED, "data connection closed "
				"without TLS close_notify after %lld bytes: transfer "
				"incomplete", (long long)done);
	if (n == FTPS_ERR_INTERRUPTED)
		return ftp_fail(s, FTPS_ERR_INTERRUPTED, "interrupted");
	return ftp_fail(s, (int)n, "data channel: %s", why);
}

/* Read the data channel to its end into the sink, in large writes. 0, or
 * the reason it stopped (with s->err set). */
static int read_all(struct ftp_session *s, struct data_conn *d,
		    struct ftp_sink *sink, size_t max_bytes, int64_t total,
		    int64_t *done)
{
	char *buf = xmalloc_pages(XFER_BUF);
	size_t fill = 0;
	int xrc = 0;
	for (;;) {
		if (ftp_is_cancelled(s)) {
			xrc = ftp_fail(s, FTPS_ERR_INTERRUPTED, "interrupted");
			break;
		}
		const char *why = NULL;
		ssize_t n = tls_read(d->tls, buf + fill, XFER_BUF - fill, &why);
		if (n <= 0) {
			xrc = n == 0 ? 0 : read_failure(s, n, why, *done);
			break;
		}
		fill += (size_t)n;
		*done += n;
		if (max_bytes && (uint64_t)*done > max_bytes) {
			xrc = ftp_fail(s, FTPS_ERR_TOOLONG,
				       "listing larger than %zu bytes", max_bytes);
			break;
		}
		/* Batch records into writes of SINK_CHUNK. */
		if (fill >= SINK_CHUNK) {
			if (sink->write(sink->ctx, buf, fill) < 0) {
				xrc = ftp_fail(s, FTPS_ERR_LOCAL, "writing: %s",
					       strerror(errno));
				break;
			}
			fill = 0;
			progress(s, *done, total);
		}
	}
	/* What arrived before a failure is good data (TLS authenticated it):
	 * it goes to the sink too, so that a kept .part holds all of it. */
	if (fill > 0 && xrc != FTPS_ERR_LOCAL && xrc != FTPS_ERR_TOOLONG &&
	    sink->write(sink->ctx, buf, fill) < 0 && xrc == 0)
		xrc = ftp_fail(s, FTPS_ERR_LOCAL, "writing: %s", strerror(errno));
	free(buf);
	return xrc;
}

void ftp_queue_clear(struct ftp_session *s)
{
	queued_free(s->queued);
	s->queued = NULL;
	free(s->hint);
	s->hint = NULL;
}

void ftp_hint_next(struct ftp_session *s, const char *path)
{
	free(s->hint);
	s->hint = path ? xstrdup(path) : NULL;
}

/* The current download's data have all arrived: send the hinted next
 * one's commands now, before reading the current final reply. The server
 * reads them once it has finished this transfer, so they cost no round
 * trip of their own. Only where pipelining is known to work, and only for
 * downloads: the server has sent everything, so nothing it does on
 * reading them can cut the current transfer short. Everything the next
 * file could want is asked (SIZE where usable, MDTM where the current one
 * wanted it). With with_cmd 0, the RETR stays here until the next file is
 * really asked for (queue_ahead); so does the STOR of an upload (cur NULL),
 * whose EPSV alone goes ahead. */
static void queue_next(struct ftp_session *s, const struct ftp_facts *cur,
		       int with_cmd)
{
	char *path = s->hint;
	s->hint = NULL;
	if (!path || s->queued || s->active || !s->epsv_ok || s->no_epsv ||
	    s->no_pipelining) {
		free(path);
		return;
	}
	struct queued *q = xcalloc(1, sizeof(*q));
	if (cur && ftp_size_usable(s) && cur->want_size)
		prelude_add(&q->pre, xasprintf("SIZE %s", path));
	if (cur && (s->features & FEAT_MDTM) && cur->want_mtime)
		prelude_add(&q->pre, xasprintf("MDTM %s", path));
	q->cmd = xasprintf("%s %s", cur ? "RETR" : "STOR", path);
	q->cmd_sent = with_cmd;
	free(path);
	if (pipelined_send(s, with_cmd ? q->cmd : NULL, &q->pre) < 0) {
		queued_free(q); /* the connection is gone: the final reply says so */
		return;
	}
	s->queued = q;
}

/* A server that reads no command during a transfer, as its greeting says,
 * and has not answered out of step (ahead_failed). */
static int may_queue_ahead(const struct ftp_session *s)
{
	return s->reads_between_transfers && !s->ahead_failed;
}

/* On a server that reads no command during a transfer (vsftpd), over TLS
 * 1.3, as soon as a download's data channel is up: our close_notify, and
 * the next file's SIZE, MDTM and EPSV. The server finds our close_notify
 * waiting when it has sent the file, so its final reply no longer waits a
 * round trip for it, and reads the questions right after: their answers
 * come with that reply, and the next data connection starts at once. Its
 * RETR waits until this file's data have all arrived (queue_cmd), so that
 * no transfer starts behind one that is aborted (an aborted transfer
 * reads these answers instead of sending ABOR: see data_abort). Only
 * when the size is known, so that any cut-short transfer is still caught
 * by its length. Returns whether the close_notify went. */
static int queue_ahead(struct ftp_session *s, struct data_conn *d,
		       const struct ftp_facts *cur)
{
	if (!may_queue_ahead(s) || !cur || cur->size < 0 ||
	    !tls_is_tls13(d->tls))
		return 0;
	tls_bye(d->tls);
	queue_next(s, cur, 0);
	return 1;
}

/* The same server, during an upload: the next upload's EPSV. Its answer
 * comes with this one's final reply; the STOR follows with the next data
 * connection, never ahead (a STOR nobody feeds would empty a file).
 * Returns whether it went. */
static int queue_ahead_upload(struct ftp_session *s)
{
	if (may_queue_ahead(s))
		queue_next(s, NULL, 0);
	else
		ftp_hint_next(s, NULL);
	return s->queued != NULL;
}

/* A transfer with commands queued ahead was answered out of step: the
 * server only looks like vsftpd and took them during the transfer
 * (pyftpdlib closes a transfer's data connection on EPSV, and never
 * answers that transfer). The connection is dropped, so that the next
 * command starts afresh, and this session never queues ahead on this
 * server again. */
static void ahead_failed(struct ftp_session *s)
{
	s->ahead_failed = 1;
	ftp_drop(s);
}

/* The final reply of a transfer with commands queued ahead: it must end
 * the transfer (226, 250) or refuse it (4xx, 5xx). Any other (213, 229)
 * answers a queued command: the server took it during the transfer and
 * never answered the transfer, whose data may be cut short (an upload
 * too, which nothing else would see). */
static int finish_ahead(struct ftp_session *s, int rc, int ahead)
{
	int code = ftp_last_code(s);
	if (!ahead || !ftp_is_connected(s) || code == 226 || code == 250 ||
	    code >= 400)
		return rc;
	rc = ftp_fail(s, FTPS_ERR_PROTO, "the transfer was answered with "
		      "\"%s\": the server's replies are out of step",
		      ftp_reply_msg(s));
	ahead_failed(s);
	return rc;
}

/* The data have all arrived: the queued download's RETR goes too, to be
 * read by the server once it has sent this transfer's final reply. */
static void queue_cmd(struct ftp_session *s)
{
	struct queued *q = s->queued;
	if (!q || q->cmd_sent)
		return;
	s->queued = NULL; /* ftp_send would settle it first */
	if (ftp_send(s, q->cmd) < 0) {
		queued_free(q); /* the connection is gone */
		return;
	}
	q->cmd_sent = 1;
	s->queued = q;
}

static int discard(void *ctx, const void *buf, size_t n)
{
	(void)ctx, (void)buf, (void)n;
	return 0;
}

/* A queued download nobody wants after all (the next command is another
 * one): its replies are taken and the transfer ended, a small file by
 * reading it to the end, a large one with ABOR. */
#define CANCEL_READ_MAX (1 << 20)
int ftp_settle_queue(struct ftp_session *s)
{
	struct queued *q = s->queued;
	struct data_conn d = { -1, NULL };
	int fallback = 0, prelim = 0;
	s->queued = NULL;
	if (!q->cmd_sent) { /* only questions and EPSV: read their answers */
		int rc = 0;
		for (int i = 0; i <= q->pre.n && rc >= 0; i++)
			rc = ftp_read_reply(s);
		queued_free(q);
		return rc < 0 ? rc : 0;
	}
	int rc = pipelined_read(s, &d, &q->pre, &fallback, NULL);
	struct ftp_facts f = { .size = -1, .mtime = -1, .want_size = 1, .opened = -1 };
	read_facts(&q->pre, &f);
	queued_free(q);
	if (rc < 0 || fallback)
		return rc < 0 ? rc : 0;
	rc = secure_data(s, &d, &prelim);
	if (rc == 0 && !prelim)
		rc = await_go(s, &d, 0, &prelim);
	if (rc < 0) {
		int refused = rc == FTPS_ERR_REFUSED && ftp_is_connected(s);
		data_close(&d);
		if (refused) /* RETR refused (550): nothing to cancel */
			drain_stray(s);
		return refused ? 0 : rc;
	}
	if (f.size < 0 || f.size > CANCEL_READ_MAX)
		return data_abort(s, &d, 0);
	struct ftp_sink null = { discard, NULL, NULL };
	int64_t done = 0;
	int xrc = read_all(s, &d, &null, 0, f.size, &done);
	if (xrc == 0)
		tls_bye(d.tls);
	data_close(&d);
	rc = data_finish(s, xrc);
	return rc < 0 && rc != FTPS_ERR_REFUSED && rc != FTPS_ERR_TRUNCATED ? rc : 0;
}

static int receive_with(struct ftp_session *s, const char *cmd, struct prelude *pre,
			int sent_ahead, struct ftp_facts *facts, int64_t total,
			struct ftp_sink *sink, size_t max_bytes, int64_t *moved)
{
	struct data_conn d;
	int rc = data_start(s, &d, cmd, pre, sent_ahead, 0);
	if (pre && facts)
		read_facts(pre, facts);
	if (rc < 0)
		return rc;
	if (facts && ftp_last_code(s) / 100 == 1)
		parse_150_size(ftp_last_text(s), &facts->opened);
	if (facts && facts->size >= 0)
		total = facts->size;
	if (sink->begin)
		sink->begin(sink->ctx, total);
	int said_bye = queue_ahead(s, &d, facts);
	int64_t done = 0;
	int xrc = read_all(s, &d, sink, max_bytes, total, &done);
	*moved = done;
	if (xrc == FTPS_ERR_INTERRUPTED || xrc == FTPS_ERR_LOCAL ||
	    xrc == FTPS_ERR_TOOLONG)
		return data_abort(s, &d, xrc);
	progress(s, done, total);
	if (xrc == 0 && !said_bye)
		tls_bye(d.tls);
	data_close(&d);
	if (xrc == 0 && facts)
		said_bye ? queue_cmd(s) : queue_next(s, facts, 1);
	if (xrc == FTPS_ERR_TIMEOUT) {
		ftp_drop(s);
		return xrc;
	}
	return finish_ahead(s, data_finish(s, xrc), said_bye);
}

int ftp_nlist(struct ftp_session *s, const char *path, struct ftp_sink *sink,
	      size_t max_bytes)
{
	int64_t moved = 0;
	char *cmd = path && *path ? xasprintf("NLST %s", path) : xstrdup("NLST");
	int rc = receive(s, cmd, -1, sink, max_bytes, &moved);
	free(cmd);
	return rc;
}

/* One listing command; the sink learns nothing of failed attempts because
 * the data channel never opens for them. */
static int list_with(struct ftp_session *s, const char *verb, const char *path,
		     struct ftp_sink *sink, size_t max_bytes, int64_t *got)
{
	/* "LIST -x" is taken for options by most servers: "./-x" is not. */
	const char *dot = path && path[0] == '-' ? "./" : "";
	char *cmd = path && *path ? xasprintf("%s %s%s", verb, dot, path) : xstrdup(verb);
	int rc = receive(s, cmd, -1, sink, max_bytes, got);
	free(cmd);
	return rc;
}

/* vsftpd lists a missing directory as empty with 226: an empty listing of
 * a named path is checked with CWD (and CWD back), so that a missing path
 * is an error on every server. */
static int check_empty_listing(struct ftp_session *s, const char *path)
{
	char *home = NULL;
	int rc = ftp_pwd(s, &home);
	if (rc < 0)
		return rc;
	rc = ftp_command(s, "CWD %s", path);
	if (rc >= 0 && rc / 100 == 2)
		rc = ftp_cwd(s, home) < 0 ? FTPS_ERR_REFUSED : 0;
	else if (rc >= 0)
		rc = ftp_fail(s, FTPS_ERR_REFUSED, "no such file or directory "
			      "(the listing is empty and %s)", ftp_reply_msg(s));
	free(home);
	return rc;
}

int ftp_list(struct ftp_session *s, const char *path, int *mlsd,
	     struct ftp_sink *sink, size_t max_bytes)
{
	int64_t got = 0;
	int rc;
	*mlsd = (s->features & FEAT_MLSD) != 0;
	if (*mlsd) {
		rc = list_with(s, "MLSD", path, sink, max_bytes, &got);
		/* MLSD takes directories only: a file is listed with LIST. */
		if (rc != FTPS_ERR_REFUSED || !path || !*path || !ftp_is_connected(s))
			return rc;
		*mlsd = 0;
	}
	/* "-a": dot-files too, which plain LIST leaves out on most servers. */
	if (!s->no_list_a) {
		rc = list_with(s, "LIST -a", path, sink, max_bytes, &got);
		if (rc != FTPS_ERR_REFUSED || ftp_last_code(s) < 500 ||
		    !ftp_is_connected(s))
			goto listed;
		s->no_list_a = 1;
	}
	rc = list_with(s, "LIST", path, sink, max_bytes, &got);
listed:
	if (rc == 0 && got == 0 && path && *path)
		rc = check_empty_listing(s, path);
	return rc;
}

int ftp_retrieve(struct ftp_session *s, const char *path, int64_t offset,
		 struct ftp_facts *facts, struct ftp_sink *sink, int64_t *moved)
{
	struct prelude pre = { 0 };
	*moved = 0;
	if (facts->size < 0 && facts->want_size && ftp_size_usable(s))
		prelude_add(&pre, xasprintf("SIZE %s", path));
	if (facts->mtime < 0 && facts->want_mtime && (s->features & FEAT_MDTM))
		prelude_add(&pre, xasprintf("MDTM %s", path));
	if (offset > 0) {
		int rc = ftp_command(s, "REST %lld", (long long)offset);
		if (rc < 0 && rc != FTPS_ERR_REFUSED)
			return rc;
		if (rc != 350)
			return ftp_fail(s, FTPS_ERR_NORESUME, "cannot resume: %s",
					ftp_reply_msg(s));
	}
	char *cmd = xasprintf("RETR %s", path);
	int ahead = AHEAD_NONE;
	if (s->queued && offset == 0 && !strcmp(s->queued->cmd, cmd)) {
		/* Sent ahead: its SIZE/MDTM answers are this call's. */
		prelude_clear(&pre);
		pre = s->queued->pre;
		memset(&s->queued->pre, 0, sizeof(pre));
		ahead = s->queued->cmd_sent ? AHEAD_ALL : AHEAD_BUT_CMD;
		queued_free(s->queued);
		s->queued = NULL;
	}
	int rc = receive_with(s, cmd, &pre, ahead, facts, facts->size, sink, 0, moved);
	prelude_clear(&pre);
	free(cmd);
	return rc;
}

/* An upload's bytes, from src to the data channel until src ends. 0, or
 * why it stopped (s->err set); *done counts what was sent. */
static int send_all(struct ftp_session *s, struct data_conn *d,
		    struct ftp_source *src, int64_t total, int64_t *done)
{
	char *buf = xmalloc_pages(XFER_BUF);
	int xrc = 0;
	for (;;) {
		if (ftp_is_cancelled(s)) {
			xrc = ftp_fail(s, FTPS_ERR_INTERRUPTED, "interrupted");
			break;
		}
		ssize_t n = src->read(src->ctx, buf, XFER_BUF);
		if (n == 0)
			break;
		if (n < 0) {
			xrc = ftp_fail(s, FTPS_ERR_LOCAL, "reading: %s",
				       strerror(errno));
			break;
		}
		const char *why = NULL;
		int wrc = tls_write_all(d->tls, buf, (size_t)n, &why);
		if (wrc < 0) {
			xrc = ftp_fail(s, wrc, "upload incomplete after %lld "
				       "bytes: %s", (long long)*done, why);
			break;
		}
		*done += n;
		progress(s, *done, total);
	}
	free(buf);
	return xrc;
}

int ftp_store(struct ftp_session *s, const char *path, int append,
	      int64_t total, struct ftp_source *src, int64_t *moved)
{
	struct data_conn d;
	*moved = 0;
	char *cmd = xasprintf("%s %s", append ? "APPE" : "STOR", path);
	int ahead = AHEAD_NONE;
	if (s->queued && !append && !strcmp(s->queued->cmd, cmd)) {
		ahead = AHEAD_BUT_CMD; /* its EPSV went with the last upload */
		queued_free(s->queued);
		s->queued = NULL;
	}
	int rc = data_start(s, &d, cmd, NULL, ahead, 1);
	free(cmd);
	if (rc < 0)
		return rc;
	int queued_next = queue_ahead_upload(s);
	int64_t done = 0;
	int xrc = send_all(s, &d, src, total, &done);
	*moved = done;
	if (xrc == FTPS_ERR_INTERRUPTED || xrc == FTPS_ERR_LOCAL)
		return data_abort(s, &d, xrc);
	if (xrc == 0) {
		const char *why = NULL;
		int frc = tls_finish_upload(d.tls, d.fd, &why);
		if (frc < 0)
			xrc = ftp_fail(s, frc, "upload incomplete: %s", why);
	}
	data_close(&d);
	if (xrc == FTPS_ERR_TIMEOUT) {
		/* As for downloads: a server that stopped reading will not
		 * answer either; do not wait a second timeout for it. */
		ftp_drop(s);
		return xrc;
	}
	rc = finish_ahead(s, data_finish(s, xrc), queued_next);
	if (rc == FTPS_ERR_REFUSED)
		ftp_fail(s, rc, "upload failed: %s", ftp_reply_msg(s));
	return rc;
}
