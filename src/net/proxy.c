/* Proxies: SOCKS5 (RFC 1928) with username/password authentication
 * (RFC 1929), and HTTP CONNECT (RFC 9110, 9.3.6). The handshake as a whole
 * must end within timeout_ms of reaching the proxy: a proxy that drips one
 * byte at a time cannot hold us longer than one that says nothing. */
#include "net/proxy.h"
#include "net/net.h"
#include "url.h"
#include "util/base64.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/xmalloc.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef FTPS_VERSION
#define FTPS_VERSION "0.0"
#endif

#define FIELD_MAX 255      /* RFC 1929 user and password, RFC 1928 names */
#define HTTP_HEAD_MAX 8192 /* a CONNECT reply's status line and headers */

static const struct {
	const char *scheme;
	enum net_proxy_kind kind;
} schemes[] = {
	{ "socks5", NET_PROXY_SOCKS5 },
	{ "socks5h", NET_PROXY_SOCKS5H },
	{ "http", NET_PROXY_HTTP },
};

static const char *kind_scheme(enum net_proxy_kind k)
{
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (schemes[i].kind == k)
			return schemes[i].scheme;
	return "?";
}

/* The scheme before "://" (none means http, as in curl), and where the
 * rest begins. */
static int parse_scheme(const char *url, enum net_proxy_kind *kind,
			const char **rest, const char **why)
{
	size_t n = 0;
	while (isalnum((unsigned char)url[n]) || url[n] == '+' ||
	       url[n] == '-' || url[n] == '.')
		n++;
	*kind = NET_PROXY_HTTP;
	*rest = url;
	if (n == 0 || strncmp(url + n, "://", 3) != 0)
		return 0;
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (strlen(schemes[i].scheme) == n &&
		    !strncasecmp(url, schemes[i].scheme, n)) {
			*kind = schemes[i].kind;
			*rest = url + n + 3;
			return 0;
		}
	*why = "unsupported proxy scheme (use socks5://, socks5h:// or http://)";
	return -1;
}

int net_proxy_parse(const char *url, struct net_proxy *out, const char **why)
{
	struct ftps_url u;
	const char *rest;
	memset(out, 0, sizeof(*out));
	if (parse_scheme(url, &out->kind, &rest, why) < 0)
		return -1;
	/* The part after the scheme has the shape of an FTP address: reuse
	 * its parser (percent-escapes, control characters, IPv6, ports). */
	if (url_parse(rest, &u, why) < 0)
		return -1;
	if (u.path) {
		*why = "a proxy address has no path";
	} else if ((u.user && strlen(u.user) > FIELD_MAX) ||
		   (u.password && strlen(u.password) > FIELD_MAX)) {
		*why = "proxy user name or password longer than 255 bytes";
	} else {
		out->host = u.host;
		out->port = u.port ? u.port : NET_PROXY_DEFAULT_PORT;
		out->user = u.user;
		out->password = u.password;
		u.host = u.user = u.password = NULL;
	}
	url_clear(&u);
	return out->host ? 0 : -1;
}

void net_proxy_clear(struct net_proxy *p)
{
	free(p->host);
	free(p->user);
	free_secret(p->password);
	memset(p, 0, sizeof(*p));
}

char *net_proxy_describe(const struct net_proxy *p)
{
	int v6 = strchr(p->host, ':') != NULL;
	return xasprintf("%s://%s%s%s%s%s%s:%u", kind_scheme(p->kind),
			 p->user ? p->user : "", p->password ? ":****" : "",
			 p->user ? "@" : "", v6 ? "[" : "", p->host,
			 v6 ? "]" : "", p->port);
}

/* --- NO_PROXY lists --- */

/* An IP literal with an optional "/bits" into bytes; its family, or 0. */
static int parse_ip(const char *s, size_t n, unsigned char addr[16],
		    unsigned *bits)
{
	char tmp[64];
	const char *slash = memchr(s, '/', n);
	size_t al = slash ? (size_t)(slash - s) : n;
	if (al == 0 || al >= sizeof(tmp))
		return 0;
	memcpy(tmp, s, al);
	tmp[al] = '\0';
	int fam = inet_pton(AF_INET, tmp, addr) == 1	? AF_INET
		  : inet_pton(AF_INET6, tmp, addr) == 1 ? AF_INET6
							 : 0;
	unsigned max = fam == AF_INET ? 32 : 128;
	*bits = max;
	if (fam && slash) {
		char *end;
		unsigned long b = strtoul(slash + 1, &end, 10);
		if (end != s + n || end == slash + 1 || b > max)
			return 0;
		*bits = (unsigned)b;
	}
	return fam;
}

static int ip_entry_match(const char *e, size_t n, const char *host)
{
	unsigned char ea[16], ha[16];
	unsigned bits, hbits;
	int fam = parse_ip(e, n, ea, &bits);
	if (!fam || parse_ip(host, strlen(host), ha, &hbits) != fam)
		return 0;
	if (memcmp(ea, ha, bits / 8))
		return 0;
	unsigned rest = bits % 8;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return !rest || ((ea[bits / 8] ^ ha[bits / 8]) & mask) == 0;
}

/* One list entry (trimmed, without a leading or trailing dot) against a
 * host (without brackets or trailing dot). */
static int entry_match(const char *e, size_t n, const char *host)
{
	size_t hl = strlen(host);
	unsigned char addr[16];
	unsigned bits;
	if (n == 1 && e[0] == '*')
		return 1;
	if (memchr(e, '/', n) || parse_ip(e, n, addr, &bits))
		return ip_entry_match(e, n, host);
	if (hl == n)
		return !strncasecmp(host, e, n);
	return hl > n && host[hl - n - 1] == '.' &&
	       !strncasecmp(host + hl - n, e, n);
}

int net_noproxy_match(const char *list, const char *host)
{
	char h[256];
	if (!list || !host)
		return 0;
	size_t hl = strlen(host);
	if (hl > 1 && host[0] == '[' && host[hl - 1] == ']')
		host++, hl -= 2;
	if (hl > 1 && host[hl - 1] == '.')
		hl--;
	if (hl == 0 || hl >= sizeof(h))
		return 0;
	memcpy(h, host, hl);
	h[hl] = '\0';
	for (const char *p = list; *p;) {
		p += strspn(p, ", \t");
		size_t n = strcspn(p, ", \t");
		const char *e = p;
		p += n;
		if (n > 2 && e[0] == '[' && e[n - 1] == ']')
			e++, n -= 2;
		if (n > 1 && e[0] == '.')
			e++, n--;
		if (n > 1 && e[n - 1] == '.')
			n--;
		if (n && entry_match(e, n, h))
			return 1;
	}
	return 0;
}

/* --- the handshake's I/O, bounded by one deadline --- */

struct hs {
	const struct net_proxy *p;
	const char *host;  /* the destination */
	uint16_t port;
	int fd;
	int64_t deadline;
	char where[300];   /* the proxy as messages name it: host:port */
	char *why;         /* points into a thread's message buffer */
	int socks_reply;   /* the last SOCKS5 reply code, 0 if none */
};

static _Thread_local char why_buf[512];

__attribute__((format(printf, 3, 4)))
static int fail(struct hs *h, int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why_buf, sizeof(why_buf), fmt, ap);
	va_end(ap);
	h->why = why_buf;
	return rc;
}

static int io_fail(struct hs *h, int rc, int err)
{
	if (rc == FTPS_ERR_TIMEOUT)
		return fail(h, rc, "proxy %s did not answer in time", h->where);
	if (err == 0)
		return fail(h, rc, "proxy %s closed the connection", h->where);
	return fail(h, rc, "proxy %s: %s", h->where, strerror(err));
}

static int wait_fd(struct hs *h, short events)
{
	for (;;) {
		int64_t left = h->deadline - clock_ms();
		struct pollfd pf = { .fd = h->fd, .events = events };
		int rc = left > 0 ? poll(&pf, 1, (int)left) : 0;
		if (rc > 0)
			return 0;
		if (rc == 0)
			return io_fail(h, FTPS_ERR_TIMEOUT, 0);
		if (errno != EINTR)
			return io_fail(h, FTPS_ERR_CONNECT, errno);
	}
}

static int send_all(struct hs *h, const void *buf, size_t n)
{
	const char *p = buf;
	while (n > 0) {
		int rc = wait_fd(h, POLLOUT);
		if (rc < 0)
			return rc;
		ssize_t w = send(h->fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (w <= 0)
			return io_fail(h, FTPS_ERR_CONNECT, errno);
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Exactly n bytes, or with MSG_PEEK whatever is there (at most n). */
static ssize_t recv_some(struct hs *h, void *buf, size_t n, int flags)
{
	for (;;) {
		int rc = wait_fd(h, POLLIN);
		if (rc < 0)
			return rc;
		ssize_t r = recv(h->fd, buf, n, flags);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			return io_fail(h, FTPS_ERR_CONNECT, r < 0 ? errno : 0);
		return r;
	}
}

/* Exactly n bytes: the proxy's reply, never a byte of what follows it. */
static int recv_all(struct hs *h, void *buf, size_t n)
{
	unsigned char *p = buf;
	while (n > 0) {
		ssize_t r = recv_some(h, p, n, 0);
		if (r < 0)
			return (int)r;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* --- SOCKS5 --- */

struct dest {
	unsigned char atyp; /* 1 IPv4, 3 domain name, 4 IPv6 */
	unsigned char addr[FIELD_MAX];
	size_t len;
};

static const char *const socks_words[] = {
	"succeeded", "general SOCKS server failure",
	"connection not allowed by ruleset", "network unreachable",
	"host unreachable", "connection refused", "TTL expired",
	"command not supported", "address type not supported",
};

static int dest_from_ip(struct dest *d, const char *host)
{
	if (inet_pton(AF_INET, host, d->addr) == 1) {
		d->atyp = 1;
		d->len = 4;
	} else if (inet_pton(AF_INET6, host, d->addr) == 1) {
		d->atyp = 4;
		d->len = 16;
	} else {
		return -1;
	}
	return 0;
}

static int socks5_auth(struct hs *h)
{
	unsigned char msg[3 + 2 * FIELD_MAX], rep[2];
	const char *pass = h->p->password ? h->p->password : "";
	size_t ul = strlen(h->p->user), pl = strlen(pass);
	msg[0] = 1; /* RFC 1929 version */
	msg[1] = (unsigned char)ul;
	memcpy(msg + 2, h->p->user, ul);
	msg[2 + ul] = (unsigned char)pl;
	memcpy(msg + 3 + ul, pass, pl);
	int rc = send_all(h, msg, 3 + ul + pl);
	wipe(msg, sizeof(msg));
	if (rc == 0)
		rc = recv_all(h, rep, 2);
	if (rc == 0 && rep[1] != 0)
		rc = fail(h, FTPS_ERR_CONNECT, "proxy %s refused the user name "
			  "or password", h->where);
	return rc;
}

/* Offer "no authentication", and username/password when we have them. */
static int socks5_greet(struct hs *h)
{
	unsigned char req[4] = { 5, 1, 0, 2 }, rep[2];
	if (h->p->user)
		req[1] = 2;
	int rc = send_all(h, req, h->p->user ? 4 : 3);
	if (rc == 0)
		rc = recv_all(h, rep, 2);
	if (rc < 0)
		return rc;
	if (rep[0] != 5)
		return fail(h, FTPS_ERR_CONNECT, "%s does not answer as a "
			    "SOCKS5 proxy", h->where);
	if (rep[1] == 0)
		return 0;
	if (rep[1] == 2 && h->p->user)
		return socks5_auth(h);
	if (!h->p->user)
		return fail(h, FTPS_ERR_CONNECT, "proxy %s wants a user name "
			    "and password (%s://USER:PASSWORD@...)", h->where,
			    kind_scheme(h->p->kind));
	return fail(h, FTPS_ERR_CONNECT, "proxy %s accepts none of our "
		    "authentication methods", h->where);
}

/* The bound address after a successful reply: read it whole, so that the
 * first byte left is the server's. */
static int socks5_skip_bound(struct hs *h, unsigned char atyp)
{
	unsigned char buf[FIELD_MAX + 2], n;
	if (atyp == 1)
		return recv_all(h, buf, 4 + 2);
	if (atyp == 4)
		return recv_all(h, buf, 16 + 2);
	if (atyp != 3)
		return fail(h, FTPS_ERR_CONNECT, "proxy %s sent a malformed "
			    "SOCKS5 reply", h->where);
	int rc = recv_all(h, &n, 1);
	return rc < 0 ? rc : recv_all(h, buf, (size_t)n + 2);
}

static int socks5_request(struct hs *h, const struct dest *d)
{
	unsigned char req[4 + 1 + FIELD_MAX + 2], rep[4];
	size_t n = 4;
	req[0] = 5, req[1] = 1, req[2] = 0, req[3] = d->atyp; /* CONNECT */
	if (d->atyp == 3)
		req[n++] = (unsigned char)d->len;
	memcpy(req + n, d->addr, d->len);
	n += d->len;
	req[n++] = (unsigned char)(h->port >> 8);
	req[n++] = (unsigned char)(h->port & 0xff);
	int rc = send_all(h, req, n);
	if (rc == 0)
		rc = recv_all(h, rep, 4);
	if (rc < 0)
		return rc;
	h->socks_reply = rep[1];
	if (rep[0] != 5)
		return fail(h, FTPS_ERR_CONNECT, "proxy %s sent a malformed "
			    "SOCKS5 reply", h->where);
	if (rep[1] != 0) {
		const char *w = rep[1] < sizeof(socks_words) / sizeof(socks_words[0])
					? socks_words[rep[1]] : "unknown error";
		return fail(h, FTPS_ERR_CONNECT, "proxy %s cannot reach %s "
			    "port %u: %s (SOCKS5 reply %u)", h->where, h->host,
			    h->port, w, rep[1]);
	}
	return socks5_skip_bound(h, rep[3]);
}

static int reach_proxy(struct hs *h, int timeout_ms)
{
	const char *w = NULL;
	h->fd = net_connect_host(h->p->host, h->p->port, timeout_ms, &w);
	if (h->fd < 0)
		return fail(h, h->fd, "cannot reach proxy %s (%s)", h->where, w);
	h->deadline = clock_ms() + timeout_ms;
	return 0;
}

/* One connection to the proxy, asking it for d. */
static int socks5_via(struct hs *h, const struct dest *d, int timeout_ms)
{
	h->socks_reply = 0;
	int rc = reach_proxy(h, timeout_ms);
	if (rc == 0)
		rc = socks5_greet(h);
	if (rc == 0)
		rc = socks5_request(h, d);
	if (rc < 0 && h->fd >= 0) {
		close(h->fd);
		h->fd = -1;
	}
	return rc;
}

/* socks5:// resolves here and tries each address, as a direct connection
 * would; socks5h:// hands the name to the proxy. */
static int socks5_dial(struct hs *h, int timeout_ms)
{
	struct dest d;
	if (dest_from_ip(&d, h->host) == 0)
		return socks5_via(h, &d, timeout_ms);
	if (h->p->kind == NET_PROXY_SOCKS5H) {
		d.atyp = 3;
		d.len = strlen(h->host);
		if (d.len > FIELD_MAX)
			return fail(h, FTPS_ERR_ARG, "host name too long for SOCKS5");
		memcpy(d.addr, h->host, d.len);
		return socks5_via(h, &d, timeout_ms);
	}
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res;
	int g = getaddrinfo(h->host, NULL, &hints, &res);
	if (g != 0)
		return fail(h, FTPS_ERR_CONNECT, "%s: %s (socks5h:// lets the "
			    "proxy resolve it)", h->host, gai_strerror(g));
	int rc = FTPS_ERR_CONNECT;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		char ip[INET6_ADDRSTRLEN];
		const void *a = ai->ai_family == AF_INET
			? (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr
			: (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
		if (!inet_ntop(ai->ai_family, a, ip, sizeof(ip)) ||
		    dest_from_ip(&d, ip) < 0)
			continue;
		rc = socks5_via(h, &d, timeout_ms);
		/* The next address only when this one was unreachable. */
		if (rc == 0 || h->socks_reply < 3 || h->socks_reply > 5)
			break;
	}
	freeaddrinfo(res);
	return rc;
}

/* --- HTTP CONNECT --- */

/* "Proxy-Authorization: Basic ...\r\n" (RFC 7617), or "" without a user. */
static char *http_auth_line(const struct net_proxy *p)
{
	if (!p->user)
		return xstrdup("");
	char *cred = xasprintf("%s:%s", p->user, p->password ? p->password : "");
	size_t n = strlen(cred);
	char *b64 = xmalloc(4 * ((n + 2) / 3) + 4);
	base64_encode_nopad((const unsigned char *)cred, n, b64);
	while (strlen(b64) % 4) /* Basic wants the padding */
		strcat(b64, "=");
	char *line = xasprintf("Proxy-Authorization: Basic %s\r\n", b64);
	free_secret(cred);
	free_secret(b64);
	return line;
}

/* Where the header ends ("\r\n\r\n", or "\n\n" from sloppy proxies) in
 * buf[0..n), searching from `from`; 0 if not yet. */
static size_t head_end(const char *buf, size_t n, size_t from)
{
	for (size_t i = from; i < n; i++) {
		if (buf[i] != '\n')
			continue;
		if (i >= 1 && buf[i - 1] == '\n')
			return i + 1;
		if (i >= 2 && buf[i - 1] == '\r' && buf[i - 2] == '\n')
			return i + 1;
	}
	return 0;
}

/* The reply header, up to its blank line and not a byte further: peek,
 * then take exactly what belongs to the header. */
static int http_read_head(struct hs *h, char *buf, size_t cap)
{
	size_t have = 0;
	while (have < cap - 1) {
		ssize_t n = recv_some(h, buf + have, cap - 1 - have, MSG_PEEK);
		if (n < 0)
			return (int)n;
		size_t end = head_end(buf, have + (size_t)n, have);
		size_t take = end ? end - have : (size_t)n;
		int rc = recv_all(h, buf + have, take);
		if (rc < 0)
			return rc;
		have += take;
		if (end) {
			buf[have] = '\0';
			return 0;
		}
	}
	return fail(h, FTPS_ERR_CONNECT, "proxy %s sent a reply header longer "
		    "than %d bytes", h->where, HTTP_HEAD_MAX);
}

/* The status line, printable ASCII only and bounded, for a message. */
static void status_line(const char *head, char *out, size_t size)
{
	size_t i = 0;
	for (; head[i] && head[i] != '\r' && head[i] != '\n' && i + 1 < size &&
	       i < 120; i++)
		out[i] = head[i] >= 0x20 && head[i] < 0x7f ? head[i] : '?';
	out[i] = '\0';
}

static int http_check_reply(struct hs *h, const char *head)
{
	char line[128];
	status_line(head, line, sizeof(line));
	const char *sp = strchr(head, ' ');
	if (strncmp(head, "HTTP/", 5) || !sp || !isdigit((unsigned char)sp[1]))
		return fail(h, FTPS_ERR_CONNECT, "%s does not answer as an HTTP "
			    "proxy: %s", h->where, line);
	int code = atoi(sp + 1);
	if (code / 100 == 2)
		return 0;
	if (code == 407 || code == 401) /* tinyproxy's BasicAuth says 401 */
		return fail(h, FTPS_ERR_CONNECT, h->p->user
			    ? "proxy %s refused the user name or password: %s"
			    : "proxy %s wants a user name and password: %s",
			    h->where, line);
	return fail(h, FTPS_ERR_CONNECT, "proxy %s refused to connect to %s "
		    "port %u: %s", h->where, h->host, h->port, line);
}

static int http_connect(struct hs *h, int timeout_ms)
{
	for (const char *c = h->host; *c; c++)
		if ((unsigned char)*c <= ' ' || *c == 0x7f)
			return fail(h, FTPS_ERR_ARG, "invalid host name");
	int rc = reach_proxy(h, timeout_ms);
	if (rc < 0)
		return rc;
	int v6 = strchr(h->host, ':') != NULL;
	char *target = xasprintf("%s%s%s:%u", v6 ? "[" : "", h->host,
				 v6 ? "]" : "", h->port);
	char *auth = http_auth_line(h->p);
	char *req = xasprintf("CONNECT %s HTTP/1.1\r\nHost: %s\r\n%s"
			      "User-Agent: ftps/" FTPS_VERSION "\r\n\r\n",
			      target, target, auth);
	rc = send_all(h, req, strlen(req));
	free_secret(req);
	free_secret(auth);
	free(target);
	char *head = xmalloc(HTTP_HEAD_MAX + 1);
	if (rc == 0)
		rc = http_read_head(h, head, HTTP_HEAD_MAX + 1);
	if (rc == 0)
		rc = http_check_reply(h, head);
	free(head);
	if (rc < 0) {
		close(h->fd);
		h->fd = -1;
	}
	return rc;
}

int net_dial(const struct net_proxy *p, const char *host, uint16_t port,
	     int timeout_ms, const char **why)
{
	if (!p)
		return net_connect_host(host, port, timeout_ms, why);
	struct hs h = { .p = p, .host = host, .port = port, .fd = -1 };
	int v6 = strchr(p->host, ':') != NULL;
	snprintf(h.where, sizeof(h.where), "%s%s%s:%u", v6 ? "[" : "",
		 p->host, v6 ? "]" : "", p->port);
	int rc = p->kind == NET_PROXY_HTTP ? http_connect(&h, timeout_ms)
					   : socks5_dial(&h, timeout_ms);
	if (rc < 0) {
		*why = h.why ? h.why : ftps_strerror(rc);
		return rc;
	}
	return h.fd;
}
