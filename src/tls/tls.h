/* The only wrapper around GnuTLS sessions: handshakes with timeouts, session
 * resumption for data channels, and the close sequences FTPS needs. */
#ifndef FTPS_TLS_H
#define FTPS_TLS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct tls_config; /* credentials + priority, shared by all connections */
struct tls_conn;   /* one TLS session on one socket */

struct tls_config_opts {
	const char *cafile;    /* extra trust anchors (PEM), or NULL */
	const char *priority;  /* GnuTLS priority string, or NULL for default */
	const char *certfile;  /* client certificate (PEM or PKCS#12), or NULL */
	const char *keyfile;   /* its key (PEM) when certfile is PEM */
	const char *key_pass;  /* passphrase for an encrypted key, or NULL */
};

/* Default: TLS 1.2 and 1.3 only; AES-128-GCM first because bulk transfers
 * spend their CPU time in the cipher (with AES-NI it is the cheapest AEAD). */
#define TLS_DEFAULT_PRIORITY "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:" \
	"-CIPHER-ALL:+AES-128-GCM:+AES-256-GCM:+CHACHA20-POLY1305:" \
	"+AES-128-CCM:+AES-256-CCM:+AES-128-CBC:+AES-256-CBC"

/* NULL on failure with *why set (newly allocated message). */
struct tls_config *tls_config_new(const struct tls_config_opts *o, char **why);
void tls_config_free(struct tls_config *c);

/* What resumes a session elsewhere: a TLS 1.3 ticket or TLS 1.2 session
 * data. NULL when c has nothing to offer (TLS 1.3 and no ticket received):
 * never waits for one. */
struct tls_ticket;
struct tls_ticket *tls_ticket_take(const struct tls_conn *c);
void tls_ticket_free(struct tls_ticket *t);
/* c runs TLS 1.3 and the configuration also allows TLS 1.2: a server that
 * gives no TLS 1.3 tickets may still resume TLS 1.2 sessions by ID. */
int tls_can_prefer_tls12(const struct tls_conn *c);

/* Start a client session on fd (which it does not own). server_name: the
 * name the user typed; sent as SNI unless it is an IP literal. resume: what
 * to resume (data channels), or NULL. tls12: offer TLS 1.2 only (within
 * the configured priority). */
struct tls_conn *tls_conn_new(struct tls_config *cfg, int fd,
			      const char *server_name, int timeout_ms,
			      const struct tls_ticket *resume, int tls12);
void tls_conn_free(struct tls_conn *c); /* does not close fd */

/* 0, or FTPS_ERR_TLS/FTPS_ERR_TIMEOUT/FTPS_ERR_INTERRUPTED with *why set
 * (static GnuTLS text). */
int tls_handshake(struct tls_conn *c, const char **why);

/* > 0 bytes read; 0 on a clean close_notify; FTPS_ERR_TRUNCATED when the peer
 * closed without close_notify; FTPS_ERR_TIMEOUT, FTPS_ERR_INTERRUPTED,
 * FTPS_ERR_TLS otherwise (*why set when not NULL). */
/* The same, but when watch_fd (the control connection) becomes readable
 * before the handshake is done, return TLS_WATCHED: the caller reads what
 * arrived there and calls again to go on where it stopped. */
#define TLS_WATCHED 1
int tls_handshake_watch(struct tls_conn *c, int watch_fd, const char **why);

ssize_t tls_read(struct tls_conn *c, void *buf, size_t n, const char **why);
/* The same, but giving up at deadline (clock_ms() milliseconds) however
 * the bytes trickle in: FTPS_ERR_TIMEOUT. */
ssize_t tls_read_until(struct tls_conn *c, void *buf, size_t n,
		       int64_t deadline, const char **why);
/* Sends everything or fails: 0 or a negative ftps_err. */
int tls_write_all(struct tls_conn *c, const void *buf, size_t n,
		  const char **why);

/* Upload ending: close_notify, TCP half-close, then read until the peer
 * closes (consuming its TLS 1.3 tickets, so the kernel does not answer them
 * with a reset that would truncate the file on the server). */
int tls_finish_upload(struct tls_conn *c, int fd, const char **why);
/* Polite close: close_notify without waiting for the answer. */
void tls_bye(struct tls_conn *c);

int tls_is_resumed(const struct tls_conn *c);
/* Non-zero when bytes already read from the socket wait to be decrypted
 * or returned (poll() on the socket would not show them). */
int tls_buffered(const struct tls_conn *c);
/* Non-zero if the server asked for a client certificate and we had none. */
int tls_sent_no_requested_cert(const struct tls_conn *c);
/* Non-zero if both peers presented the same leaf certificate. */
int tls_same_peer_cert(const struct tls_conn *a, const struct tls_conn *b);
/* "TLS1.3 AES-256-GCM" style description, static storage inside c. */
const char *tls_description(struct tls_conn *c);
/* TLS 1.3, where either side may close its writing half alone. */
int tls_is_tls13(const struct tls_conn *c);
const char *tls_version_name(const struct tls_conn *c);
const char *tls_cipher_name(const struct tls_conn *c);

/* Peer certificate chain as DER blobs (leaf first); NULL if none. */
struct tls_der { const unsigned char *data; unsigned size; };
const struct tls_der *tls_peer_chain(const struct tls_conn *c, unsigned *n);

/* GnuTLS-level verification of the chain against the configured trust
 * anchors, without hostname: the raw gnutls status bits (0 = trusted). */
int tls_verify_chain(const struct tls_conn *c, unsigned *status);

#endif
