/* Internals shared by session.c (control channel) and data.c (data
 * channels). Nothing outside src/ftp includes this. */
#ifndef FTPS_SESSION_INT_H
#define FTPS_SESSION_INT_H

#include "ftp/session.h"
#include "net/net.h"
#include "net/proxy.h"
#include "proto/reply.h"
#include "util/buf.h"

struct tls_conn;
struct tls_ticket;
struct queued;

struct ftp_session {
	struct ftp_hooks hooks;
	int fd;                    /* control socket, -1 when closed */
	struct tls_conn *tls;      /* NULL before AUTH TLS */
	struct tls_config *tls_cfg;
	char *host;
	uint16_t port;
	int implicit;
	int timeout_ms;
	struct net_addr peer;      /* data connections go here, always */
	const struct net_proxy *proxy; /* or through this, to host */

	struct reply_parser *parser;
	struct buf rbuf;           /* bytes read but not yet parsed */
	struct ftp_reply last;
	char err[1024];
	char msg[1024];            /* ftp_reply_msg() */

	unsigned features;
	unsigned replies_since_tls; /* 0: the server may be refusing us */
	int ascii;                 /* TYPE A in effect */
	int active;                /* EPRT/PORT instead of EPSV/PASV */
	int no_epsv;               /* EPSV refused once: use PASV */
	int epsv_ok;               /* EPSV worked: it may be pipelined */
	int no_pipelining;         /* a server that loses pipelined commands */
	int reads_between_transfers; /* greets as a server that reads no
				      * command during a transfer (vsftpd) */
	int ahead_failed;          /* a transfer with commands queued ahead
				    * was answered out of step: never again */
	int stray_226;             /* a "226" may still come for a refused
				    * transfer: the next reply skips it */
	int no_list_a;             /* "LIST -a" refused: plain LIST */
	int hash_algo;             /* chosen with OPTS HASH, 0 not yet */
	unsigned data_channels, data_resumed;
	/* A server without TLS 1.3 tickets: data channels run TLS 1.2 and
	 * resume the previous data channel's session (its ID). */
	int data_tls12;
	struct tls_ticket *data_ticket;
	/* The download the caller said comes next (ftp_hint_next), and once
	 * its commands went out ahead of the current final reply, those
	 * (data.c). */
	char *hint;
	struct queued *queued;
};

/* Set s->err (printf-style) and return code. */
int ftp_fail(struct ftp_session *s, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Read one complete reply into s->last. Returns its code or a negative
 * ftps_err (the connection is then closed). */
int ftp_read_reply(struct ftp_session *s);
/* Read replies until a final one (2xx-5xx), skipping at most a few 1xx,
 * all within one timeout. Its code or a negative ftps_err. */
int ftp_read_final(struct ftp_session *s);
/* Send a raw command line (without CRLF). */
int ftp_send(struct ftp_session *s, const char *line);
/* Send several command lines in one write (pipelining). */
int ftp_send_lines(struct ftp_session *s, const char *const *lines, int n);
/* Close the control connection without QUIT (after a fatal error). */
void ftp_drop(struct ftp_session *s);
int ftp_is_cancelled(struct ftp_session *s);
/* After an error reply: if the server hangs up within wait_ms (vsftpd does
 * after "522 ... session reuse required"), close our side too, so that the
 * next command reconnects instead of failing a second time. */
void ftp_check_hangup(struct ftp_session *s, int wait_ms);
/* Commands sent ahead for a download that is not the one now asked for:
 * take that download's replies and cancel it, so that replies and commands
 * stay in step. 0 or a negative ftps_err (data.c). */
int ftp_settle_queue(struct ftp_session *s);
/* Forget the queue and the hint (the connection is gone). */
void ftp_queue_clear(struct ftp_session *s);
/* "CODE text" of the last reply, for messages. */
const char *ftp_reply_msg(struct ftp_session *s);

#endif
