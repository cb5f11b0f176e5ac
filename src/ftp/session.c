/* The control channel: connection, TLS, login, simple commands. */
#include "ftp/session_int.h"
#include "tls/tls.h"
#include "trust/verify.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CMD_MAX 4096 /* longest command line we send */
/* 1xx replies accepted before a command's final reply: servers send one
 * (150) or two; an endless stream is an attack on our patience. */
#define PRELIMINARY_MAX 32

struct ftp_session *ftp_session_new(const struct ftp_hooks *hooks)
{
	struct ftp_session *s = xcalloc(1, sizeof(*s));
	if (hooks)
		s->hooks = *hooks;
	s->fd = -1;
	s->parser = reply_parser_new();
	return s;
}

void ftp_session_free(struct ftp_session *s)
{
	if (!s)
		return;
	ftp_disconnect(s);
	ftp_queue_clear(s);
	reply_parser_free(s->parser);
	buf_free(&s->rbuf);
	ftp_reply_clear(&s->last);
	free(s->host);
	free(s);
}

int ftp_fail(struct ftp_session *s, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->err, sizeof(s->err), fmt, ap);
	va_end(ap);
	return code;
}

const char *ftp_error(const struct ftp_session *s)
{
	return s->err[0] ? s->err : "unknown error";
}

int ftp_last_code(const struct ftp_session *s) { return s->last.code; }

const char *ftp_last_text(const struct ftp_session *s)
{
	return s->last.text ? s->last.text : "";
}

const char *ftp_reply_msg(struct ftp_session *s)
{
	snprintf(s->msg, sizeof(s->msg), "%d %s", s->last.code, ftp_last_text(s));
	return s->msg;
}

unsigned ftp_features(const struct ftp_session *s) { return s->features; }

int ftp_is_connected(const struct ftp_session *s) { return s->fd >= 0; }

int ftp_is_cancelled(struct ftp_session *s)
{
	return s->hooks.cancelled && s->hooks.cancelled(s->hooks.ctx);
}

void ftp_drop(struct ftp_session *s)
{
	if (s->tls) {
		tls_conn_free(s->tls);
		s->tls = NULL;
	}
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	buf_reset(&s->rbuf);
	reply_parser_reset(s->parser);
	tls_ticket_free(s->data_ticket);
	s->data_ticket = NULL;
	s->data_tls12 = 0;
	ftp_queue_clear(s);
}

void ftp_check_hangup(struct ftp_session *s, int wait_ms)
{
	if (s->fd < 0 || s->rbuf.len > 0)
		return;
	struct pollfd p = { .fd = s->fd, .events = POLLIN };
	int n;
	do
		n = poll(&p, 1, wait_ms);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return;
	char c;
	ssize_t r = recv(s->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
	if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
		       errno != EINTR))
		ftp_drop(s);
}

static void trace(struct ftp_session *s, char dir, const char *line, size_t len)
{
	if (s->hooks.trace)
		s->hooks.trace(s->hooks.ctx, dir, line, len);
}

/* Under TLS 1.3 a server that demands a client certificate accepts the
 * handshake and then hangs up: say why, or the error makes no sense. */
static const char *lost_hint(struct ftp_session *s)
{
	if (s->tls && s->replies_since_tls == 0 && tls_sent_no_requested_cert(s->tls))
		return "; the server asked for a client certificate and none was "
		       "given (--cert)";
	return "";
}

/* Raw control channel I/O: plain TCP before AUTH TLS, TLS after. Reads
 * give up at deadline however slowly the bytes trickle in. */
static ssize_t ctrl_read(struct ftp_session *s, char *buf, size_t n,
			 int64_t deadline, const char **why)
{
	if (s->tls)
		return tls_read_until(s->tls, buf, n, deadline, why);
	for (;;) {
		int64_t left = deadline - clock_ms();
		struct pollfd p = { .fd = s->fd, .events = POLLIN };
		int ready = left > 0 ? poll(&p, 1, (int)left) : 0;
		if (ready == 0) {
			*why = "timed out";
			return FTPS_ERR_TIMEOUT;
		}
		ssize_t r = ready > 0 ? recv(s->fd, buf, n, 0) : -1;
		if (r >= 0)
			return r;
		if (errno == EINTR && !ftp_is_cancelled(s))
			continue;
		*why = strerror(errno);
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			*why = "timed out";
			return FTPS_ERR_TIMEOUT;
		}
		return errno == EINTR ? FTPS_ERR_INTERRUPTED : FTPS_ERR_CONNECT;
	}
}

static int ctrl_write(struct ftp_session *s, const char *buf, size_t n)
{
	const char *why = NULL;
	if (s->tls) {
		int rc = tls_write_all(s->tls, buf, n, &why);
		if (rc < 0)
			return ftp_fail(s, rc, "sending to %s: %s%s", s->host, why,
					lost_hint(s));
		return 0;
	}
	while (n > 0) {
		ssize_t w = send(s->fd, buf, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return ftp_fail(s, FTPS_ERR_CONNECT, "sending to %s: %s",
					s->host, strerror(errno));
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The trace shows a secret's verb, never the secret (PASS, ACCT, ...). */
static void trace_command(struct ftp_session *s, const char *line, size_t len)
{
	size_t shown = ftp_secret_offset(line);
	if (!shown) {
		trace(s, '>', line, len);
		return;
	}
	char *masked = xasprintf("%.*s ****", (int)shown, line);
	trace(s, '>', masked, strlen(masked));
	free(masked);
}

int ftp_send(struct ftp_session *s, const char *line)
{
	if (s->fd < 0)
		return ftp_fail(s, FTPS_ERR_NOTCONN, "not connected");
	int qrc = s->queued ? ftp_settle_queue(s) : 0;
	if (qrc < 0)
		return qrc;
	size_t len = strlen(line);
	/* A CR or LF inside would let a file name smuggle a second command. */
	if (len > CMD_MAX || strpbrk(line, "\r\n"))
		return ftp_fail(s, FTPS_ERR_ARG,
				"command contains a line break or is too long");
	trace_command(s, line, len);
	char *full = xasprintf("%s\r\n", line);
	int rc = ctrl_write(s, full, len + 2);
	wipe(full, len + 2);
	free(full);
	if (rc < 0)
		ftp_drop(s);
	return rc;
}

/* The parser keeps the text without the codes; put them back so the trace
 * shows what the server sent. */
int ftp_send_lines(struct ftp_session *s, const char *const *lines, int n)
{
	if (s->fd < 0)
		return ftp_fail(s, FTPS_ERR_NOTCONN, "not connected");
	int qrc = s->queued ? ftp_settle_queue(s) : 0;
	if (qrc < 0)
		return qrc;
	struct buf all = { 0 };
	for (int i = 0; i < n; i++) {
		if (strlen(lines[i]) > CMD_MAX || strpbrk(lines[i], "\r\n")) {
			buf_free(&all);
			return ftp_fail(s, FTPS_ERR_ARG,
					"command contains a line break or is too long");
		}
		trace_command(s, lines[i], strlen(lines[i]));
		buf_printf(&all, "%s\r\n", lines[i]);
	}
	int rc = ctrl_write(s, all.data, all.len);
	wipe(all.data, all.len);
	buf_free(&all);
	if (rc < 0)
		ftp_drop(s);
	return rc;
}

static void trace_reply(struct ftp_session *s)
{
	if (!s->hooks.trace)
		return;
	const char *p = s->last.text, *end = p + s->last.text_len;
	size_t i = 0;
	do {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct buf line = { 0 };
		if (i == 0 || i + 1 == s->last.nlines)
			buf_printf(&line, "%d%c", s->last.code,
				   i + 1 == s->last.nlines ? ' ' : '-');
		buf_append(&line, p, len);
		trace(s, '<', line.data, line.len);
		buf_free(&line);
		p += len + (nl ? 1 : 0);
		i++;
	} while (p < end);
}

/* The connection failed while reading a reply: close it and say why. */
static int reply_lost(struct ftp_session *s, ssize_t n, const char *why)
{
	int code = n == 0 || n == FTPS_ERR_TRUNCATED ? FTPS_ERR_CONNECT : (int)n;
	const char *hint = lost_hint(s);
	ftp_drop(s);
	if (code == FTPS_ERR_TIMEOUT)
		return ftp_fail(s, code, "%s did not answer within %d s", s->host,
				s->timeout_ms / 1000);
	if (code == FTPS_ERR_INTERRUPTED)
		return ftp_fail(s, code, "interrupted");
	return ftp_fail(s, code, "connection to %s lost (%s)%s", s->host,
			n == 0 || n == FTPS_ERR_TRUNCATED ? "closed by the server" : why,
			hint);
}

/* One complete reply, all of it before deadline: a server that sends a
 * byte now and then cannot hold us longer than the timeout. */
static int read_reply_until(struct ftp_session *s, int64_t deadline)
{
	if (s->fd < 0)
		return ftp_fail(s, FTPS_ERR_NOTCONN, "not connected");
	ftp_reply_clear(&s->last);
	for (;;) {
		if (s->rbuf.len > 0) {
			long used = reply_parser_feed(s->parser, s->rbuf.data,
						      s->rbuf.len);
			if (used < 0) {
				ftp_drop(s);
				return ftp_fail(s, FTPS_ERR_PROTO,
						"%s sent a malformed reply (%s)",
						s->host, ftps_strerror((int)used));
			}
			buf_consume(&s->rbuf, (size_t)used);
			if (reply_parser_done(s->parser)) {
				reply_parser_take(s->parser, &s->last);
				s->replies_since_tls++;
				trace_reply(s);
				/* The late answer to a refused transfer (see
				 * drain_stray in data.c): the first reply after
				 * it is never a 226 of its own, since a transfer
				 * answers 1xx or 229 first. */
				if (s->stray_226) {
					s->stray_226 = 0;
					if (s->last.code == 226) {
						ftp_reply_clear(&s->last);
						continue;
					}
				}
				/* 421: the server is closing the connection
				 * (RFC 959); the next command must reconnect,
				 * not fail on a dead socket. */
				if (s->last.code == 421)
					ftp_drop(s);
				return s->last.code;
			}
		}
		char chunk[16384];
		const char *why = "connection closed";
		ssize_t n = ctrl_read(s, chunk, sizeof(chunk), deadline, &why);
		if (n <= 0)
			return reply_lost(s, n, why);
		buf_append(&s->rbuf, chunk, (size_t)n);
	}
}

int ftp_read_reply(struct ftp_session *s)
{
	return read_reply_until(s, clock_ms() + s->timeout_ms);
}

int ftp_read_final(struct ftp_session *s)
{
	int64_t deadline = clock_ms() + s->timeout_ms;
	for (int i = 0;; i++) {
		int rc = read_reply_until(s, deadline);
		if (rc < 100 || rc >= 200)
			return rc;
		if (i == PRELIMINARY_MAX) {
			ftp_drop(s);
			return ftp_fail(s, FTPS_ERR_PROTO, "%s sent more than %d "
					"preliminary replies (1xx) to one command",
					s->host, PRELIMINARY_MAX);
		}
	}
}

int ftp_command(struct ftp_session *s, const char *fmt, ...)
{
	char line[CMD_MAX + 1];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		return ftp_fail(s, FTPS_ERR_TOOLONG, "command too long");
	int rc = ftp_send(s, line);
	wipe(line, sizeof(line));
	if (rc < 0)
		return rc;
	rc = ftp_read_final(s);
	if (rc >= 400)
		ftp_fail(s, FTPS_ERR_REFUSED, "%s", ftp_reply_msg(s));
	return rc;
}

/* Handshake on the control socket and let the policy above judge the
 * certificate before anything else is said. */
static int secure_control(struct ftp_session *s)
{
	const char *why = NULL;
	/* Bytes already read in plain text cannot come from the TLS session
	 * that has not started yet: a man in the middle appended them after
	 * 234 to be taken for protected replies (curl CVE-2021-22947). */
	if (s->rbuf.len > 0)
		return ftp_fail(s, FTPS_ERR_TLS, "%s sent %zu bytes after \"234\" "
				"before the TLS handshake (a man in the middle?); "
				"connection closed", s->host, s->rbuf.len);
	reply_parser_reset(s->parser);
	s->tls = tls_conn_new(s->tls_cfg, s->fd, s->host, s->timeout_ms, NULL, 0);
	s->replies_since_tls = 0;
	if (!s->tls)
		return ftp_fail(s, FTPS_ERR_TLS, "cannot start TLS");
	int rc = tls_handshake(s->tls, &why);
	if (rc < 0) {
		const char *hint = "";
		if (rc == FTPS_ERR_TIMEOUT)
			why = "timed out";
		if (!s->implicit && rc != FTPS_ERR_TIMEOUT)
			hint = "";
		else if (s->implicit)
			hint = " (if the server uses explicit FTPS, try --explicit or ftpes://)";
		return ftp_fail(s, rc == FTPS_ERR_TIMEOUT ? rc : FTPS_ERR_TLS,
				"TLS handshake with %s failed: %s%s", s->host,
				why, hint);
	}
	struct cert_report r;
	if (verify_peer(s->tls, s->host, (int64_t)time(NULL), &r) < 0) {
		cert_report_clear(&r);
		return ftp_fail(s, FTPS_ERR_CERT, "%s sent no usable certificate",
				s->host);
	}
	enum trust_answer a = TRUST_REJECT;
	if (s->hooks.check_cert)
		a = s->hooks.check_cert(s->hooks.ctx, s->host, s->port, &r);
	else if (r.reasons == 0)
		a = TRUST_ACCEPT;
	cert_report_clear(&r);
	if (a != TRUST_ACCEPT)
		return ftp_fail(s, FTPS_ERR_CERT,
				"certificate of %s not trusted", s->host);
	return 0;
}

static int expect_greeting(struct ftp_session *s)
{
	int rc = ftp_read_final(s); /* "120 ready in 5 minutes" may come first */
	if (rc < 0 && rc != FTPS_ERR_TIMEOUT && !s->implicit &&
	    rc != FTPS_ERR_INTERRUPTED) {
		/* A TLS server answering our plain AUTH TLS with an alert. */
		char keep[sizeof(s->err)];
		snprintf(keep, sizeof(keep), "%s", s->err);
		return ftp_fail(s, rc, "%s; no greeting from %s:%u (if the server "
				"uses implicit FTPS, try --implicit or ftps://)",
				keep, s->host, s->port);
	}
	if (rc == FTPS_ERR_TIMEOUT && !s->implicit)
		return ftp_fail(s, rc,
				"no greeting from %s:%u within %d s (if the "
				"server uses implicit FTPS, try --implicit or "
				"ftps://)", s->host, s->port, s->timeout_ms / 1000);
	if (rc < 0)
		return rc;
	/* vsftpd's implicit port answers our plain AUTH TLS with "500 OOPS:
	 * ... SSL routines::wrong version number" instead of a greeting. */
	int tls_hint = !s->implicit && (strcasestr(ftp_last_text(s), "SSL") ||
					strcasestr(ftp_last_text(s), "TLS"));
	if (rc != 220)
		return ftp_fail(s, FTPS_ERR_CONNECT, "%s refused the connection: %s%s",
				s->host, ftp_reply_msg(s), tls_hint
				? " (if the server uses implicit FTPS, try --implicit "
				  "or ftps://)" : "");
	/* IIS is known to lose pipelined commands (lftp turns pipelining
	 * off on this greeting too). */
	s->no_pipelining = strstr(ftp_last_text(s), "Microsoft FTP Service") != NULL;
	/* vsftpd (its default greeting) reads the control connection only
	 * between transfers, and waits for our close_notify before its final
	 * reply: a download's close_notify and the next file's questions can
	 * go out as soon as the data channel is up (see data.c, queue_ahead).
	 * A server that only claims to be vsftpd and reads commands during a
	 * transfer answers them out of step, which the transfer's final reply
	 * shows; the session then stops queueing ahead on that server
	 * (ahead_failed). */
	s->reads_between_transfers = strstr(ftp_last_text(s), "(vsFTPd ") != NULL;
	return 0;
}

/* What a new connection starts from: the target, and nothing learnt from
 * the last one (features, EPSV, LIST -a), except, for the same server,
 * that it answered out of step (ahead_failed). */
static void connect_reset(struct ftp_session *s, const struct ftp_connect_opts *o)
{
	ftp_disconnect(s);
	if (!s->host || strcmp(s->host, o->host) || s->port != o->port)
		s->ahead_failed = 0; /* another server */
	free(s->host);
	s->host = xstrdup(o->host);
	s->port = o->port;
	s->implicit = o->implicit;
	s->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 30000;
	s->tls_cfg = o->tls;
	s->proxy = o->proxy;
	s->features = 0;
	s->ascii = 0;
	s->no_epsv = 0;
	s->epsv_ok = 0;
	s->no_list_a = 0;
	s->hash_algo = 0;
	s->data_channels = s->data_resumed = 0;
	s->err[0] = '\0';
}

int ftp_connect(struct ftp_session *s, const struct ftp_connect_opts *o)
{
	const char *why = NULL;
	connect_reset(s, o);
	int fd = net_dial(s->proxy, s->host, s->port, s->timeout_ms, &why);
	if (fd < 0)
		return ftp_fail(s, fd, "cannot connect to %s port %u: %s",
				s->host, s->port, why);
	s->fd = fd;
	net_peer_addr(fd, &s->peer);

	int rc;
	if (s->implicit) {
		rc = secure_control(s);
		if (rc == 0)
			rc = expect_greeting(s);
	} else {
		/* AUTH TLS goes out with the connection instead of after the
		 * greeting: the server reads it once it has greeted us, and
		 * the round trip of waiting is saved on every connection. */
		rc = ftp_send(s, "AUTH TLS");
		if (rc == 0)
			rc = expect_greeting(s);
		if (rc == 0) {
			rc = ftp_read_final(s);
			if (rc >= 0 && rc != 234)
				rc = ftp_fail(s, FTPS_ERR_TLS,
					      "%s refused AUTH TLS (%s); nothing "
					      "was sent in clear text",
					      s->host, ftp_reply_msg(s));
			else if (rc == 234)
				rc = secure_control(s);
		}
	}
	if (rc < 0) {
		char keep[sizeof(s->err)];
		memcpy(keep, s->err, sizeof(keep));
		ftp_drop(s);
		memcpy(s->err, keep, sizeof(keep));
		return rc;
	}
	return 0;
}

static int login_user(struct ftp_session *s, const char *user)
{
	int rc = ftp_command(s, "USER %s", user);
	if (rc < 0 && rc != FTPS_ERR_REFUSED)
		return rc;
	if (rc == 230)
		return 0;
	if (rc == 331 || rc == 332) {
		char *pass = s->hooks.password
				     ? s->hooks.password(s->hooks.ctx, user) : NULL;
		if (!pass)
			return ftp_fail(s, FTPS_ERR_LOGIN,
					"no password for %s (set FTPS_PASSWORD "
					"or use ~/.netrc)", user);
		rc = ftp_command(s, "PASS %s", pass);
		free_secret(pass);
		if (rc == 230 || rc == 202)
			return 0;
		if (rc < 0 && rc != FTPS_ERR_REFUSED)
			return rc;
	}
	return ftp_fail(s, FTPS_ERR_LOGIN, "login as %s refused: %s", user,
			ftp_reply_msg(s));
}

/* What the session needs after login, asked in one round trip: PBSZ and
 * PROT (data channels must be private too: refusing PROT P is fatal), FEAT,
 * UTF-8 names (some servers list UTF8 and still refuse it, others do not
 * list it and take it: either way harmless), binary mode. One at a time for
 * servers known to mishandle pipelined commands. */
static const char *const after_login[] = {
	"PBSZ 0", "PROT P", "FEAT", "OPTS UTF8 ON", "TYPE I",
};
enum { AL_PBSZ, AL_PROT, AL_FEAT, AL_UTF8, AL_TYPE, AL_N };

static int after_login_replies(struct ftp_session *s, int *code, int pipelined)
{
	char prot[sizeof(s->msg)] = "";
	for (int i = 0; i < AL_N; i++) {
		int rc = pipelined ? ftp_read_reply(s) : ftp_command(s, "%s", after_login[i]);
		if (rc < 0 && rc != FTPS_ERR_REFUSED)
			return rc;
		code[i] = ftp_last_code(s);
		if (i == AL_FEAT && code[i] == 211)
			s->features = parse_feat(ftp_last_text(s));
		if ((i == AL_PBSZ || i == AL_PROT) && code[i] / 100 != 2 && !prot[0])
			snprintf(prot, sizeof(prot), "%s", ftp_reply_msg(s));
		if (i == AL_TYPE && code[i] / 100 != 2)
			return ftp_fail(s, FTPS_ERR_PROTO, "TYPE I refused: %s",
					ftp_reply_msg(s));
	}
	if (prot[0])
		return ftp_fail(s, FTPS_ERR_TLS, "%s refused to protect data "
				"channels: %s", s->host, prot);
	return 0;
}

/* USER and PASS in one write, when the password is known beforehand: one
 * round trip for both. A server that needs no password answers PASS with
 * 503 or 230, which is ignored. The after-login commands wait for the
 * answer: pyftpdlib delays a 530 by seconds and meanwhile answers what
 * follows, out of order. */
static int login_pipelined(struct ftp_session *s, const char *user, char *pass)
{
	char *u = xasprintf("USER %s", user), *p = xasprintf("PASS %s", pass);
	const char *lines[2] = { u, p };
	int rc = ftp_send_lines(s, lines, 2);
	free(u);
	free_secret(p);
	free_secret(pass);
	if (rc < 0)
		return rc;
	int user_code = ftp_read_reply(s);
	if (user_code < 0)
		return user_code;
	char refused[sizeof(s->msg)] = "";
	if (user_code != 230 && user_code != 331 && user_code != 332)
		snprintf(refused, sizeof(refused), "%s", ftp_reply_msg(s));
	rc = ftp_read_reply(s);
	if (rc < 0)
		return rc;
	if (!refused[0] && user_code != 230 && rc != 230 && rc != 202)
		snprintf(refused, sizeof(refused), "%s", ftp_reply_msg(s));
	if (!refused[0])
		return 0;
	return ftp_fail(s, FTPS_ERR_LOGIN, "login as %s refused: %s", user, refused);
}

int ftp_login(struct ftp_session *s, const char *user)
{
	int pipelined = !s->no_pipelining, rc;
	char *pass = pipelined && s->hooks.known_password
		? s->hooks.known_password(s->hooks.ctx, user) : NULL;
	rc = pass ? login_pipelined(s, user, pass) : login_user(s, user);
	if (rc == 0 && pipelined)
		rc = ftp_send_lines(s, after_login, AL_N);
	if (rc < 0)
		return rc;
	int code[AL_N];
	rc = after_login_replies(s, code, pipelined);
	if (rc < 0)
		return rc;
	/* EPSV in FEAT: the first transfer may already send EPSV and its
	 * command together (data.c falls back if EPSV fails after all). */
	if ((s->features & FEAT_EPSV) && !s->no_pipelining)
		s->epsv_ok = 1;
	s->err[0] = '\0';
	return 0;
}

void ftp_disconnect(struct ftp_session *s)
{
	if (s->fd < 0)
		return;
	/* QUIT and close_notify, without waiting for "221": every reply
	 * that mattered has been read, and waiting would only add a round
	 * trip to the end of every run. A download queued ahead is simply
	 * left: the server sees QUIT and the end of the connection. */
	ftp_queue_clear(s);
	ftp_send(s, "QUIT");
	if (s->tls)
		tls_bye(s->tls);
	ftp_drop(s);
}

int ftp_pwd(struct ftp_session *s, char **path)
{
	int rc = ftp_command(s, "PWD");
	if (rc < 0)
		return rc;
	if (rc != 257 || parse_257(ftp_last_text(s), path) < 0)
		return ftp_fail(s, FTPS_ERR_PROTO, "unexpected PWD reply: %s",
				ftp_reply_msg(s));
	return 0;
}

int ftp_cwd(struct ftp_session *s, const char *path)
{
	int rc = ftp_command(s, "CWD %s", path);
	if (rc < 0)
		return rc;
	return rc / 100 == 2 ? 0 : ftp_fail(s, FTPS_ERR_REFUSED, "%s",
					     ftp_reply_msg(s));
}

int ftp_size_usable(const struct ftp_session *s)
{
	/* Some servers refuse SIZE in ASCII mode, and there it would count
	 * bytes that the line-ending conversion changes anyway. */
	return !s->ascii && (s->features & FEAT_SIZE);
}

int ftp_size(struct ftp_session *s, const char *path, int64_t *size)
{
	if (!ftp_size_usable(s))
		return ftp_fail(s, FTPS_ERR_REFUSED, "%s", s->ascii
				? "no sizes in ASCII mode (binary first)"
				: "the server does not answer SIZE");
	int rc = ftp_command(s, "SIZE %s", path);
	if (rc < 0)
		return rc;
	if (rc != 213 || parse_213_size(ftp_last_text(s), size) < 0)
		return ftp_fail(s, FTPS_ERR_REFUSED, "%s", ftp_reply_msg(s));
	return 0;
}

int ftp_noop(struct ftp_session *s)
{
	int rc = ftp_command(s, "NOOP");
	return rc < 0 ? rc : 0;
}

void ftp_abandon(struct ftp_session *s)
{
	ftp_drop(s);
}

/* Something arrived while no command was running: a 421, a TLS alert and
 * EOF (vsftpd's idle_session_timeout), or only a TLS 1.3 ticket. */
int ftp_check_idle(struct ftp_session *s)
{
	if (s->fd < 0)
		return ftp_fail(s, FTPS_ERR_NOTCONN, "not connected");
	int qrc = s->queued ? ftp_settle_queue(s) : 0;
	if (qrc < 0)
		return qrc;
	struct pollfd p = { .fd = s->fd, .events = POLLIN };
	if (s->rbuf.len == 0 && !(s->tls && tls_buffered(s->tls)) &&
	    poll(&p, 1, 0) <= 0)
		return 0;
	char chunk[4096];
	const char *why = NULL;
	ssize_t n = ctrl_read(s, chunk, sizeof(chunk), clock_ms() + 100, &why);
	if (n == FTPS_ERR_TIMEOUT)
		return 0; /* a ticket or key update: consumed, still alive */
	if (n > 0) {
		buf_append(&s->rbuf, chunk, (size_t)n);
		long used = reply_parser_feed(s->parser, s->rbuf.data, s->rbuf.len);
		if (used > 0 && reply_parser_done(s->parser)) {
			buf_consume(&s->rbuf, (size_t)used);
			reply_parser_take(s->parser, &s->last);
			trace_reply(s);
			if (s->last.code != 421)
				return 0; /* unsolicited, but harmless */
		} else {
			return 0;
		}
	}
	char reply[256] = "";
	if (n > 0)
		snprintf(reply, sizeof(reply), " (%s)", ftp_reply_msg(s));
	ftp_drop(s);
	return ftp_fail(s, FTPS_ERR_CONNECT, "%s closed the connection while it "
			"was idle%s", s->host, reply);
}

int ftp_failure_is_transient(const struct ftp_session *s, int rc)
{
	switch (rc) {
	case FTPS_ERR_CONNECT:
	case FTPS_ERR_TIMEOUT:
	case FTPS_ERR_TRUNCATED:
	case FTPS_ERR_TLS:
	case FTPS_ERR_PROTO:
		return 1;
	case FTPS_ERR_REFUSED:
		/* 4xx is transient by definition (RFC 959); 522 is vsftpd's
		 * "session reuse required" for a data channel that could not
		 * resume (an expired ticket): a new control connection brings
		 * a fresh one. */
		return (s->last.code >= 400 && s->last.code < 500) ||
		       s->last.code == 522;
	default:
		return 0;
	}
}

void ftp_get_status(struct ftp_session *s, struct ftp_status *st)
{
	memset(st, 0, sizeof(*st));
	st->host = s->host;
	st->port = s->port;
	st->implicit = s->implicit;
	st->tls = s->tls ? tls_description(s->tls) : NULL;
	st->data_channels = s->data_channels;
	st->data_resumed = s->data_resumed;
	st->data_tls12 = s->data_tls12;
	st->features = s->features;
}
