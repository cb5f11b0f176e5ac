#include "tls/tls.h"
#include "url.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

struct tls_config {
	gnutls_certificate_credentials_t cred;
	gnutls_priority_t prio;
	int have_cert;
	/* The system's CAs, parsed by a thread of their own from the start:
	 * it takes tens of milliseconds (more than a loopback login), which
	 * then overlap with connecting, the greeting and the handshake. */
	/* The same priority without TLS 1.3, for data channels of a server
	 * that gives no TLS 1.3 tickets (see tls_can_prefer_tls12); NULL when
	 * the user's priority leaves no TLS 1.2. */
	gnutls_priority_t prio12;
	pthread_t sys_thread;
	pthread_mutex_t sys_lock;
	int sys_started, sys_joined;
	gnutls_x509_trust_list_t sys_list;
};

/* Bytes read from the socket but not yet handed to GnuTLS. */
#define READ_AHEAD (64 * 1024)

struct tls_conn {
	gnutls_session_t s;
	struct tls_config *cfg;
	int have_cert;
	int fd;
	unsigned char *rbuf;
	size_t rpos, rlen;
	int timeout_ms;
	int watch_fd;    /* during tls_handshake_watch, else -1 */
	int watch_hit;   /* watch_fd became readable: unwind with EAGAIN */
	char desc[128];
};

static long long now_ms(void)
{
	return (long long)clock_ms();
}

static void *load_system_trust(void *arg)
{
	struct tls_config *c = arg;
	gnutls_x509_trust_list_add_system_trust(c->sys_list, 0, 0);
	return NULL;
}

/* The system's CAs, loaded (or waited for) once. */
static gnutls_x509_trust_list_t system_trust(struct tls_config *c)
{
	pthread_mutex_lock(&c->sys_lock);
	if (!c->sys_started && !c->sys_list &&
	    gnutls_x509_trust_list_init(&c->sys_list, 0) == 0)
		gnutls_x509_trust_list_add_system_trust(c->sys_list, 0, 0);
	if (c->sys_started && !c->sys_joined) {
		pthread_join(c->sys_thread, NULL);
		c->sys_joined = 1;
	}
	pthread_mutex_unlock(&c->sys_lock);
	return c->sys_list;
}

static void make_prio12(struct tls_config *c, const char *base)
{
	char *s = xasprintf("%s:-VERS-TLS1.3", base);
	const unsigned *list = NULL;
	int found = 0;
	if (gnutls_priority_init2(&c->prio12, s, NULL, 0) < 0) {
		c->prio12 = NULL;
	} else {
		int n = gnutls_priority_protocol_list(c->prio12, &list);
		for (int i = 0; i < n; i++)
			found |= list[i] == GNUTLS_TLS1_2;
		if (!found) {
			gnutls_priority_deinit(c->prio12);
			c->prio12 = NULL;
		}
	}
	free(s);
}

/* With a --cafile the system store is parsed only if a chain needs it
 * (see tls_verify_chain): it costs 3.6 MB of memory. Without one, it is
 * needed unless the key is pinned: parse it meanwhile. */
static void start_system_trust(struct tls_config *c)
{
	if (gnutls_x509_trust_list_init(&c->sys_list, 0) < 0)
		return;
	c->sys_started = pthread_create(&c->sys_thread, NULL,
					load_system_trust, c) == 0;
	if (!c->sys_started) {
		gnutls_x509_trust_list_deinit(c->sys_list, 1);
		c->sys_list = NULL;
	}
}

static int load_client_cert(struct tls_config *c, const struct tls_config_opts *o,
			    char **why)
{
	size_t n = strlen(o->certfile);
	int rc, p12 = n > 4 && (!strcasecmp(o->certfile + n - 4, ".p12") ||
				!strcasecmp(o->certfile + n - 4, ".pfx"));
	if (p12)
		rc = gnutls_certificate_set_x509_simple_pkcs12_file(
			c->cred, o->certfile, GNUTLS_X509_FMT_DER,
			o->key_pass ? o->key_pass : "");
	else
		rc = gnutls_certificate_set_x509_key_file2(
			c->cred, o->certfile, o->keyfile ? o->keyfile : o->certfile,
			GNUTLS_X509_FMT_PEM, o->key_pass, 0);
	if (rc < 0) {
		*why = xasprintf("%s: cannot load client certificate (%s)",
				 o->certfile, gnutls_strerror(rc));
		return -1;
	}
	c->have_cert = 1;
	return 0;
}

struct tls_config *tls_config_new(const struct tls_config_opts *o, char **why)
{
	struct tls_config *c = xcalloc(1, sizeof(*c));
	const char *errpos = NULL;
	int rc;

	*why = NULL;
	if (gnutls_certificate_allocate_credentials(&c->cred) < 0) {
		*why = xstrdup("cannot allocate TLS credentials");
		goto fail;
	}
	pthread_mutex_init(&c->sys_lock, NULL);
	if (!o->cafile)
		start_system_trust(c);
	if (o->cafile) {
		rc = gnutls_certificate_set_x509_trust_file(c->cred, o->cafile,
							    GNUTLS_X509_FMT_PEM);
		if (rc <= 0) {
			*why = xasprintf("%s: no usable CA certificate (%s)",
					 o->cafile, rc < 0 ? gnutls_strerror(rc)
							   : "file holds none");
			goto fail;
		}
	}
	if (o->certfile && load_client_cert(c, o, why) < 0)
		goto fail;
	rc = gnutls_priority_init2(&c->prio,
				   o->priority ? o->priority : TLS_DEFAULT_PRIORITY,
				   &errpos, 0);
	if (rc < 0) {
		*why = xasprintf("bad TLS priority string near \"%s\" (%s)",
				 errpos ? errpos : "", gnutls_strerror(rc));
		c->prio = NULL;
		goto fail;
	}
	make_prio12(c, o->priority ? o->priority : TLS_DEFAULT_PRIORITY);
	return c;
fail:
	tls_config_free(c);
	return NULL;
}

void tls_config_free(struct tls_config *c)
{
	if (!c)
		return;
	if (c->prio)
		gnutls_priority_deinit(c->prio);
	if (c->prio12)
		gnutls_priority_deinit(c->prio12);
	if (c->cred)
		gnutls_certificate_free_credentials(c->cred);
	if (c->sys_started && !c->sys_joined)
		pthread_join(c->sys_thread, NULL);
	if (c->sys_list)
		gnutls_x509_trust_list_deinit(c->sys_list, 1);
	pthread_mutex_destroy(&c->sys_lock);
	free(c);
}

/* GnuTLS reads each record as a 5-byte header and then its body, with a
 * poll() before each read: four system calls per 16 KiB record. One large
 * recv() into a buffer serves many records; poll() only runs when the
 * buffer is empty. A bulk download makes a tenth of the system calls. */
static ssize_t pull(gnutls_transport_ptr_t p, void *data, size_t len)
{
	struct tls_conn *c = p;
	if (c->watch_hit && c->rpos == c->rlen) {
		errno = EAGAIN;
		return -1;
	}
	if (c->rpos == c->rlen) {
		ssize_t n = recv(c->fd, c->rbuf, READ_AHEAD, 0);
		if (n <= 0)
			return n;
		c->rpos = 0;
		c->rlen = (size_t)n;
	}
	size_t n = c->rlen - c->rpos < len ? c->rlen - c->rpos : len;
	memcpy(data, c->rbuf + c->rpos, n);
	c->rpos += n;
	return (ssize_t)n;
}

static int pull_timeout(gnutls_transport_ptr_t p, unsigned int ms)
{
	struct tls_conn *c = p;
	if (c->rpos < c->rlen)
		return 1;
	struct pollfd pfd[2] = { { .fd = c->fd, .events = POLLIN },
				 { .fd = c->watch_fd, .events = POLLIN } };
	int rc = poll(pfd, c->watch_fd >= 0 ? 2 : 1,
		      ms == GNUTLS_INDEFINITE_TIMEOUT ? -1 : (int)ms);
	if (rc > 0 && c->watch_fd >= 0 && (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) &&
	    !(pfd[0].revents & POLLIN)) {
		/* Not our bytes: say "readable" so that GnuTLS calls pull(),
		 * which answers EAGAIN and the handshake returns to the
		 * caller, resumable. */
		c->watch_hit = 1;
		return 1;
	}
	return rc;
}

static ssize_t vec_push(gnutls_transport_ptr_t p, const giovec_t *iov, int iovcnt)
{
	struct tls_conn *c = p;
	struct msghdr m = { .msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)iovcnt };
	return sendmsg(c->fd, &m, MSG_NOSIGNAL);
}

static ssize_t push(gnutls_transport_ptr_t p, const void *data, size_t len)
{
	struct tls_conn *c = p;
	return send(c->fd, data, len, MSG_NOSIGNAL);
}

struct tls_ticket {
	gnutls_datum_t d;
};

struct tls_ticket *tls_ticket_take(const struct tls_conn *c)
{
	/* Under TLS 1.3 only a ticket resumes, and without one GnuTLS would
	 * wait up to 50 ms for it and then hand back a dummy. */
	if (gnutls_protocol_get_version(c->s) == GNUTLS_TLS1_3 &&
	    !(gnutls_session_get_flags(c->s) & GNUTLS_SFLAGS_SESSION_TICKET))
		return NULL;
	struct tls_ticket *t = xcalloc(1, sizeof(*t));
	if (gnutls_session_get_data2(c->s, &t->d) < 0) {
		free(t);
		return NULL;
	}
	return t;
}

void tls_ticket_free(struct tls_ticket *t)
{
	if (!t)
		return;
	gnutls_free(t->d.data);
	free(t);
}

int tls_can_prefer_tls12(const struct tls_conn *c)
{
	return c->cfg->prio12 && gnutls_protocol_get_version(c->s) == GNUTLS_TLS1_3;
}

struct tls_conn *tls_conn_new(struct tls_config *cfg, int fd,
			      const char *server_name, int timeout_ms,
			      const struct tls_ticket *resume, int tls12)
{
	struct tls_conn *c = xcalloc(1, sizeof(*c));
	c->fd = fd;
	c->cfg = cfg;
	c->have_cert = cfg->have_cert;
	c->timeout_ms = timeout_ms;
	c->watch_fd = -1;
	/* Tickets stay enabled: TLS 1.3 resumption needs them. */
	if (gnutls_init(&c->s, GNUTLS_CLIENT) < 0) {
		free(c);
		return NULL;
	}

	gnutls_priority_set(c->s, tls12 && cfg->prio12 ? cfg->prio12 : cfg->prio);
	gnutls_credentials_set(c->s, GNUTLS_CRD_CERTIFICATE, cfg->cred);
	if (server_name && !host_is_ip_literal(server_name))
		gnutls_server_name_set(c->s, GNUTLS_NAME_DNS, server_name,
				       strlen(server_name));
	c->rbuf = xmalloc(READ_AHEAD);
	gnutls_transport_set_ptr(c->s, c);
	gnutls_transport_set_pull_function(c->s, pull);
	gnutls_transport_set_pull_timeout_function(c->s, pull_timeout);
	gnutls_transport_set_push_function(c->s, push);
	gnutls_transport_set_vec_push_function(c->s, vec_push);
	gnutls_handshake_set_timeout(c->s, (unsigned)timeout_ms);
	gnutls_record_set_timeout(c->s, (unsigned)timeout_ms);
	if (resume)
		gnutls_session_set_data(c->s, resume->d.data, resume->d.size);
	return c;
}

void tls_conn_free(struct tls_conn *c)
{
	if (!c)
		return;
	gnutls_deinit(c->s);
	free(c->rbuf);
	free(c);
}

static int map_err(int rc, const char **why)
{
	int e = errno; /* callers zero it before the GnuTLS call */
	if (why)
		*why = gnutls_strerror(rc);
	/* A reset or broken pipe underneath: say so, not "Error in the push
	 * function" (GnuTLS reports ECONNRESET as premature termination). */
	if ((rc == GNUTLS_E_PUSH_ERROR || rc == GNUTLS_E_PULL_ERROR ||
	     rc == GNUTLS_E_PREMATURE_TERMINATION) && e && e != EAGAIN) {
		if (why)
			*why = strerror(e);
		if (rc != GNUTLS_E_PREMATURE_TERMINATION)
			return FTPS_ERR_CONNECT;
	}
	switch (rc) {
	case GNUTLS_E_TIMEDOUT:
		return FTPS_ERR_TIMEOUT;
	case GNUTLS_E_AGAIN: /* SO_SNDTIMEO / SO_RCVTIMEO expired */
		if (why)
			*why = "timed out";
		return FTPS_ERR_TIMEOUT;
	case GNUTLS_E_INTERRUPTED:
		return FTPS_ERR_INTERRUPTED;
	case GNUTLS_E_PREMATURE_TERMINATION:
		return FTPS_ERR_TRUNCATED;
	default:
		return FTPS_ERR_TLS;
	}
}

/* GNUTLS_E_AGAIN means "call again": after a TLS 1.3 ticket or key update
 * was processed, or when a socket timeout (SO_SNDTIMEO) expired. Retry, but
 * only until the connection's timeout, counted from the start of the call
 * (or the last progress), has passed: a stalled peer costs one timeout. */
static long long deadline_from_now(const struct tls_conn *c)
{
	return now_ms() + c->timeout_ms;
}

static int again(long long deadline)
{
	return now_ms() < deadline;
}

int tls_handshake(struct tls_conn *c, const char **why)
{
	int rc;
	long long deadline = deadline_from_now(c);
	do {
		errno = 0;
		rc = gnutls_handshake(c->s);
	} while (rc < 0 && !gnutls_error_is_fatal(rc) && rc != GNUTLS_E_INTERRUPTED &&
	       (rc != GNUTLS_E_AGAIN || (!c->watch_hit && again(deadline))));
	return rc < 0 ? map_err(rc, why) : 0;
}

int tls_handshake_watch(struct tls_conn *c, int watch_fd, const char **why)
{
	c->watch_fd = watch_fd;
	c->watch_hit = 0;
	int rc = tls_handshake(c, why);
	int hit = c->watch_hit;
	c->watch_fd = -1;
	c->watch_hit = 0;
	return rc == FTPS_ERR_TIMEOUT && hit ? TLS_WATCHED : rc;
}

ssize_t tls_read(struct tls_conn *c, void *buf, size_t n, const char **why)
{
	return tls_read_until(c, buf, n, deadline_from_now(c), why);
}

ssize_t tls_read_until(struct tls_conn *c, void *buf, size_t n,
		       int64_t deadline, const char **why)
{
	for (;;) {
		long long left = deadline - now_ms();
		if (left <= 0) {
			if (why)
				*why = "timed out";
			return FTPS_ERR_TIMEOUT;
		}
		gnutls_record_set_timeout(c->s, (unsigned)left);
		errno = 0;
		ssize_t rc = gnutls_record_recv(c->s, buf, n);
		gnutls_record_set_timeout(c->s, (unsigned)c->timeout_ms);
		if (rc >= 0)
			return rc;
		/* Rehandshake requests, tickets and key updates are handled
		 * inside GnuTLS; these codes only ask us to retry. */
		if (rc == GNUTLS_E_REHANDSHAKE || rc == GNUTLS_E_WARNING_ALERT_RECEIVED ||
		    rc == GNUTLS_E_GOT_APPLICATION_DATA ||
		    (rc == GNUTLS_E_AGAIN && again(deadline)))
			continue;
		return map_err((int)rc, why);
	}
}

int tls_write_all(struct tls_conn *c, const void *buf, size_t n,
		  const char **why)
{
	/* Not corked: GnuTLS would copy the plaintext once more and still
	 * send record by record. Each call encrypts and sends one record;
	 * the socket's send timeout bounds a stalled peer. */
	const char *p = buf;
	long long deadline = deadline_from_now(c);
	while (n > 0) {
		errno = 0;
		ssize_t rc = gnutls_record_send(c->s, p, n);
		/* A send cut short (a reset arriving while the socket buffer
		 * was being filled) leaves the rest of the record in GnuTLS,
		 * which says GNUTLS_E_AGAIN without errno EAGAIN: the same call
		 * again flushes it, or reports the reset. Only EAGAIN itself is
		 * the send timeout expiring. */
		if (rc == GNUTLS_E_AGAIN && errno != EAGAIN && errno != EWOULDBLOCK &&
		    again(deadline))
			continue;
		if (rc < 0)
			return map_err((int)rc, why);
		p += rc;
		n -= (size_t)rc;
		deadline = deadline_from_now(c);
	}
	return 0;
}

/* How long a server gets to answer our close_notify before we also
 * half-close TCP, for servers that wait for end of stream instead. */
#define HALF_CLOSE_GRACE_MS 200

int tls_finish_upload(struct tls_conn *c, int fd, const char **why)
{
	int rc;
	do
		rc = gnutls_bye(c->s, GNUTLS_SHUT_WR);
	while (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED);
	if (rc < 0)
		return map_err(rc, why);
	/* Drain: the server's tickets, its close_notify, then EOF. Errors here
	 * do not matter; the final control reply decides. Closing with a
	 * ticket unread would make the kernel answer with an RST and throw
	 * away the end of the upload still queued on the server's side.
	 * The TCP half-close waits: vsftpd answers a FIN that arrives with
	 * the close_notify 40 ms late, which on small files costs more than
	 * the transfer; servers that answer close_notify never need it.
	 * (Measured again with the half-close right after the close_notify:
	 * 500 uploads of 4 KiB on loopback took 1.1-1.8 s instead of 0.5 s,
	 * because closing before the server's FIN arrived left that FIN
	 * unacknowledged for a 200 ms retransmission, which vsftpd's lingering
	 * close waits out; waiting for the FIN cured it. But the round trip it
	 * saved behind tests/lib/faultproxy.py is the proxy's, which is
	 * vsftpd's TCP peer there: on a real network vsftpd's close waits for
	 * our kernel's acknowledgement of its FIN either way, so it stays
	 * out.) */
	char sink[4096];
	long long deadline = deadline_from_now(c);
	int half_closed = 0;
	for (int i = 0; i < 1024 && again(deadline); i++) {
		if (c->rpos == c->rlen) {
			long long left = deadline - now_ms();
			int wait = half_closed || left < HALF_CLOSE_GRACE_MS
					   ? (int)left : HALF_CLOSE_GRACE_MS;
			struct pollfd pfd = { .fd = fd, .events = POLLIN };
			int p = poll(&pfd, 1, wait > 0 ? wait : 0);
			if (p < 0 && errno == EINTR)
				continue;
			if (p == 0 && !half_closed) {
				shutdown(fd, SHUT_WR);
				half_closed = 1;
				continue;
			}
			if (p <= 0)
				break;
		}
		ssize_t n = gnutls_record_recv(c->s, sink, sizeof(sink));
		if (n > 0 || n == GNUTLS_E_GOT_APPLICATION_DATA ||
		    n == GNUTLS_E_WARNING_ALERT_RECEIVED ||
		    n == GNUTLS_E_REHANDSHAKE || n == GNUTLS_E_AGAIN ||
		    n == GNUTLS_E_INTERRUPTED)
			continue;
		break;
	}
	return 0;
}

void tls_bye(struct tls_conn *c)
{
	if (c)
		gnutls_bye(c->s, GNUTLS_SHUT_WR);
}

int tls_buffered(const struct tls_conn *c)
{
	return c->rpos < c->rlen || gnutls_record_check_pending(c->s) > 0;
}

int tls_is_resumed(const struct tls_conn *c)
{
	return gnutls_session_is_resumed(c->s) != 0;
}

int tls_sent_no_requested_cert(const struct tls_conn *c)
{
	return !c->have_cert && gnutls_certificate_client_get_request_status(c->s);
}

int tls_same_peer_cert(const struct tls_conn *a, const struct tls_conn *b)
{
	unsigned na = 0, nb = 0;
	const gnutls_datum_t *ca = gnutls_certificate_get_peers(a->s, &na);
	const gnutls_datum_t *cb = gnutls_certificate_get_peers(b->s, &nb);
	return ca && cb && na > 0 && nb > 0 && ca[0].size == cb[0].size &&
	       memcmp(ca[0].data, cb[0].data, ca[0].size) == 0;
}

int tls_is_tls13(const struct tls_conn *c)
{
	return gnutls_protocol_get_version(c->s) == GNUTLS_TLS1_3;
}

const char *tls_version_name(const struct tls_conn *c)
{
	const char *v = gnutls_protocol_get_name(gnutls_protocol_get_version(c->s));
	return v ? v : "unknown";
}

const char *tls_cipher_name(const struct tls_conn *c)
{
	const char *v = gnutls_cipher_get_name(gnutls_cipher_get(c->s));
	return v ? v : "unknown";
}

const char *tls_description(struct tls_conn *c)
{
	snprintf(c->desc, sizeof(c->desc), "%s %s", tls_version_name(c),
		 tls_cipher_name(c));
	return c->desc;
}

const struct tls_der *tls_peer_chain(const struct tls_conn *c, unsigned *n)
{
	/* gnutls_datum_t is {unsigned char *data; unsigned size}: same
	 * layout as struct tls_der, which keeps GnuTLS out of the header. */
	_Static_assert(sizeof(struct tls_der) == sizeof(gnutls_datum_t),
		       "tls_der mirrors gnutls_datum_t");
	*n = 0;
	const gnutls_datum_t *d = gnutls_certificate_get_peers(c->s, n);
	return (const struct tls_der *)d;
}

/* The peer's chain against the system's CAs; *status untouched when there
 * are none. */
static int verify_with_system(const struct tls_conn *c, unsigned *status)
{
	gnutls_x509_trust_list_t list = system_trust(c->cfg);
	unsigned n = 0;
	const gnutls_datum_t *der = gnutls_certificate_get_peers(c->s, &n);
	if (!list || !der || n == 0)
		return 0; /* keep SIGNER_NOT_FOUND */
	gnutls_x509_crt_t *chain = xcalloc(n, sizeof(*chain));
	unsigned got = 0;
	int rc = 0;
	for (; got < n; got++)
		if (gnutls_x509_crt_init(&chain[got]) < 0 ||
		    gnutls_x509_crt_import(chain[got], &der[got], GNUTLS_X509_FMT_DER) < 0) {
			rc = FTPS_ERR_TLS;
			got++;
			break;
		}
	if (rc == 0 && gnutls_x509_trust_list_verify_crt2(list, chain, n, NULL, 0,
							  0, status, NULL) < 0)
		rc = FTPS_ERR_TLS;
	for (unsigned i = 0; i < got; i++)
		gnutls_x509_crt_deinit(chain[i]);
	free(chain);
	return rc;
}

int tls_verify_chain(const struct tls_conn *c, unsigned *status)
{
	int rc = gnutls_certificate_verify_peers2(c->s, status);
	if (rc < 0)
		return FTPS_ERR_TLS;
	/* Not signed by a --cafile anchor: now the system's CAs. A machine
	 * without a system store still works with --cafile. */
	if (*status & GNUTLS_CERT_SIGNER_NOT_FOUND) {
		unsigned sys = *status;
		if (verify_with_system(c, &sys) < 0)
			return FTPS_ERR_TLS;
		if (sys == 0)
			*status = 0;
	}
	return 0;
}
