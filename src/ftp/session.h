/* The FTPS protocol engine: one control connection, its data channels and
 * transfers. It never prints and never prompts: everything a person must see
 * or decide goes through struct ftp_hooks. */
#ifndef FTPS_SESSION_H
#define FTPS_SESSION_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "proto/parse.h"

struct tls_config;
struct cert_report;
struct net_proxy;

enum trust_answer { TRUST_REJECT = 0, TRUST_ACCEPT = 1 };

struct ftp_hooks {
	void *ctx;
	/* A protocol line sent ('>') or received ('<'), raw server text
	 * included (the receiver sanitises); PASS arrives masked. */
	void (*trace)(void *ctx, char dir, const char *line, size_t len);
	/* Asked after every control handshake, trusted or not: the policy
	 * (pins, prompts) lives above the engine. */
	enum trust_answer (*check_cert)(void *ctx, const char *host,
					uint16_t port,
					const struct cert_report *r);
	/* The server wants a password for user: a newly allocated secret
	 * (the engine wipes and frees it), or NULL to give up. */
	char *(*password)(void *ctx, const char *user);
	/* Optional: the password for user if it is known without asking
	 * anybody (URL, environment, .netrc), else NULL; newly allocated, the
	 * engine wipes it. Lets USER, PASS and what follows login go out in
	 * one round trip. */
	char *(*known_password)(void *ctx, const char *user);
	/* Bytes moved so far in the current transfer (total -1 if unknown). */
	void (*progress)(void *ctx, int64_t done, int64_t total);
	/* Non-zero once the user asked to stop (Ctrl-C). */
	int (*cancelled)(void *ctx);
};

struct ftp_connect_opts {
	const char *host;
	uint16_t port;
	int implicit;           /* TLS from the first byte */
	int timeout_ms;
	struct tls_config *tls; /* borrowed; must outlive the session */
	/* borrowed, NULL for none: control and data connections go through
	 * it, and active mode is refused */
	const struct net_proxy *proxy;
};

struct ftp_session;

struct ftp_session *ftp_session_new(const struct ftp_hooks *hooks);
void ftp_session_free(struct ftp_session *s); /* closes; accepts NULL */

/* Connect, secure the control channel (AUTH TLS or implicit), verify the
 * certificate through hooks->check_cert. No credentials are sent. */
int ftp_connect(struct ftp_session *s, const struct ftp_connect_opts *o);
/* USER (and PASS via hooks->password when asked), then PBSZ 0, PROT P, FEAT,
 * OPTS UTF8 ON, TYPE I. */
int ftp_login(struct ftp_session *s, const char *user);
/* QUIT (politely, errors ignored) and close everything. */
void ftp_disconnect(struct ftp_session *s);
int ftp_is_connected(const struct ftp_session *s);

/* Human-readable reason for the last failure (raw server text may be in it:
 * sanitise before printing). Never NULL. */
const char *ftp_error(const struct ftp_session *s);
/* The last complete reply's code and text. */
int ftp_last_code(const struct ftp_session *s);
const char *ftp_last_text(const struct ftp_session *s);

/* Send one command and read its final reply. Returns the reply code
 * (100..599) or a negative ftps_err on a transport failure. */
int ftp_command(struct ftp_session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

int ftp_pwd(struct ftp_session *s, char **path);
int ftp_cwd(struct ftp_session *s, const char *path);
/* SIZE: only where it can be trusted (the server lists it in FEAT, binary
 * mode); otherwise FTPS_ERR_REFUSED without asking. */
int ftp_size(struct ftp_session *s, const char *path, int64_t *size);
int ftp_size_usable(const struct ftp_session *s);
unsigned ftp_features(const struct ftp_session *s);

/* Where transfer data goes or comes from. */
struct ftp_sink {
	int (*write)(void *ctx, const void *buf, size_t n); /* 0 or <0 */
	void *ctx;
	/* Optional: called once before the data, with the size if known. */
	void (*begin)(void *ctx, int64_t total);
};

/* What a download knows or wants to know about the file: size and mtime
 * (-1 unknown). Those wanted and unknown are asked (SIZE, MDTM) in the same
 * round trip as the transfer itself. opened: the size the server's 150
 * named as the transfer opened ("(N bytes)", vsftpd and ProFTPD), -1 if
 * none; fresher than SIZE when SIZE was asked during the previous file. */
struct ftp_facts {
	int64_t size, mtime;
	int want_size, want_mtime;
	int64_t opened;
};
struct ftp_source {
	ssize_t (*read)(void *ctx, void *buf, size_t n); /* 0 at EOF, <0 */
	void *ctx;
};

/* Listing of path (NULL for the current directory), dot-files included:
 * MLSD when the server has it (*mlsd set to 1), else, and for a path MLSD
 * refuses (a file), "LIST -a" or, where that is refused, LIST (*mlsd 0).
 * An empty listing of a path that CWD also refuses is an error (servers
 * that list a missing path as empty). At most max_bytes. */
int ftp_list(struct ftp_session *s, const char *path, int *mlsd,
	     struct ftp_sink *sink, size_t max_bytes);
/* NLST: bare names. */
int ftp_nlist(struct ftp_session *s, const char *path, struct ftp_sink *sink,
	      size_t max_bytes);
/* Passive (default) or active data connections. */
void ftp_set_passive(struct ftp_session *s, int passive);
/* RETR path from offset (REST when > 0) into sink; facts in and out. */
int ftp_retrieve(struct ftp_session *s, const char *path, int64_t offset,
		 struct ftp_facts *facts, struct ftp_sink *sink, int64_t *moved);
/* The transfer that will follow the next ftp_retrieve (or ftp_store) on
 * s: the remote path of the same kind of transfer, or NULL. Commands for
 * path go out before the current final reply is read: one round trip less
 * per file. For a download, its SIZE, MDTM, EPSV and RETR once the current
 * data have all arrived (on a server that reads no command during a
 * transfer, all but the RETR as soon as the data channel is up); for an
 * upload, only its EPSV, and only on such a server. The following
 * ftp_retrieve of path from offset 0 (ftp_store of path, not appending)
 * takes them up; any other command first takes their replies and cancels
 * a download already started. */
void ftp_hint_next(struct ftp_session *s, const char *path);
/* STOR (or APPE when append) path from source. */
int ftp_store(struct ftp_session *s, const char *path, int append,
	      int64_t total, struct ftp_source *src, int64_t *moved);

/* Keep an idle control connection alive. 0 or a negative ftps_err. */
int ftp_noop(struct ftp_session *s);
/* Before a command after a pause: 0 when the control connection is still
 * usable; when the server closed it meanwhile (EOF, a TLS alert, 421),
 * our side is closed too and FTPS_ERR_CONNECT says so in ftp_error(). */
int ftp_check_idle(struct ftp_session *s);
/* Close without QUIT: the connection is broken or stalled. */
void ftp_abandon(struct ftp_session *s);
/* Would the same operation, on a new connection, likely succeed? A lost
 * or reset connection, a timeout, a TLS failure, a truncated transfer, a
 * 4xx reply, 522 (data channel not resumed): yes. 5xx, certificates,
 * login, local errors, Ctrl-C: no. */
int ftp_failure_is_transient(const struct ftp_session *s, int rc);

/* For `status`. Strings valid until the next call on s. */
struct ftp_status {
	const char *host;
	uint16_t port;
	int implicit;
	const char *tls;        /* "TLS1.3 AES-256-GCM" */
	unsigned data_channels; /* opened so far */
	unsigned data_resumed;  /* of which resumed the control session */
	int data_tls12;         /* no TLS 1.3 tickets: data channels on TLS 1.2,
				 * each resuming the one before */
	unsigned features;
};
void ftp_get_status(struct ftp_session *s, struct ftp_status *st);

#endif
