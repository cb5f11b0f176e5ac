#include "url.h"
#include "util/error.h"
#include "util/xmalloc.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HOST_MAX 253

static int is_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decode n bytes. Decoded control characters are refused: these
 * strings end up in USER/PASS/CWD commands, where "%0d%0a" would inject a
 * command of the server's choosing. */
static char *decode(const char *s, size_t n, const char **err)
{
	char *out = xmalloc(n + 1), *o = out;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%') {
			int hi = i + 2 < n ? hexval(s[i + 1]) : -1;
			int lo = i + 2 < n ? hexval(s[i + 2]) : -1;
			if (hi < 0 || lo < 0) {
				*err = "invalid percent-escape";
				goto fail;
			}
			c = (unsigned char)(hi * 16 + lo);
			i += 2;
		}
		if (is_ctl(c)) {
			*err = "control character in address";
			goto fail;
		}
		*o++ = (char)c;
	}
	*o = '\0';
	return out;
fail:
	wipe(out, n + 1); /* not NUL-terminated yet: no free_secret() */
	free(out);
	return NULL;
}

static int valid_ipv6(const char *s, size_t n)
{
	char tmp[64];
	unsigned char addr[16];

	if (n == 0 || n >= sizeof(tmp))
		return 0;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	return inet_pton(AF_INET6, tmp, addr) == 1;
}

static int valid_dns_host(const char *s, size_t n)
{
	if (n == 0 || n > HOST_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!(isalnum(c) || c == '-' || c == '.' || c == '_' || c >= 0x80))
			return 0;
	}
	return 1;
}

static int parse_port(const char *s, size_t n, uint16_t *port)
{
	long v = 0;

	if (n == 0 || n > 5)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v < 1 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

/* "host", "host:port", "[v6]", "[v6]:port" or an unbracketed v6 literal. */
static int parse_hostport(const char *s, size_t n, struct ftps_url *u,
			  const char **err)
{
	const char *h = s, *port = NULL;
	size_t hl = n, pl = 0;

	if (n > 0 && s[0] == '[') {
		const char *rb = memchr(s, ']', n);
		if (!rb || !valid_ipv6(s + 1, (size_t)(rb - s - 1))) {
			*err = "invalid IPv6 address";
			return FTPS_ERR_ARG;
		}
		h = s + 1;
		hl = (size_t)(rb - h);
		if (rb + 1 < s + n) {
			if (rb[1] != ':') {
				*err = "unexpected text after IPv6 address";
				return FTPS_ERR_ARG;
			}
			port = rb + 2;
			pl = (size_t)(s + n - port);
		}
	} else {
		const char *c1 = memchr(s, ':', n);
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(s + n - c1 - 1)) : NULL;
		if (c2) {
			if (!valid_ipv6(s, n)) {
				*err = "invalid IPv6 address";
				return FTPS_ERR_ARG;
			}
		} else if (c1) {
			hl = (size_t)(c1 - s);
			port = c1 + 1;
			pl = (size_t)(s + n - port);
		}
		if (!c2 && !valid_dns_host(h, hl)) {
			*err = hl ? "invalid host name" : "missing host name";
			return FTPS_ERR_ARG;
		}
	}
	if (port && parse_port(port, pl, &u->port) < 0) {
		*err = "invalid port (1-65535)";
		return FTPS_ERR_ARG;
	}
	u->host = xstrndup(h, hl);
	return 0;
}

/* Scheme before "://", if the text there looks like one. */
static int parse_scheme(const char **sp, struct ftps_url *u, const char **err)
{
	const char *s = *sp, *sep = strstr(s, "://");
	size_t n;

	if (!sep || !isalpha((unsigned char)s[0]))
		return 0;
	for (const char *p = s; p < sep; p++)
		if (!isalnum((unsigned char)*p) && !strchr("+-.", *p))
			return 0;
	n = (size_t)(sep - s);
	if ((n == 5 && strncasecmp(s, "ftpes", 5) == 0) ||
	    (n == 3 && strncasecmp(s, "ftp", 3) == 0)) {
		u->mode = TLS_MODE_EXPLICIT;
	} else if (n == 4 && strncasecmp(s, "ftps", 4) == 0) {
		u->mode = TLS_MODE_IMPLICIT;
	} else {
		*err = "unsupported scheme (use ftpes:// or ftps://)";
		return FTPS_ERR_ARG;
	}
	*sp = sep + 3;
	return 0;
}

static int parse_userinfo(const char *s, size_t n, struct ftps_url *u,
			  const char **err)
{
	const char *colon = memchr(s, ':', n);
	size_t ul = colon ? (size_t)(colon - s) : n;

	if (ul == 0) {
		*err = "empty user name";
		return FTPS_ERR_ARG;
	}
	u->user = decode(s, ul, err);
	if (!u->user)
		return FTPS_ERR_ARG;
	if (colon) {
		u->password = decode(colon + 1, (size_t)(s + n - colon - 1), err);
		if (!u->password)
			return FTPS_ERR_ARG;
	}
	return 0;
}

static int parse_all(const char *s, struct ftps_url *u, const char **err)
{
	int rc;

	for (const char *p = s; *p; p++)
		if (is_ctl((unsigned char)*p)) {
			*err = "control character in address";
			return FTPS_ERR_ARG;
		}
	if ((rc = parse_scheme(&s, u, err)) < 0)
		return rc;

	const char *end = strchr(s, '/');
	size_t alen = end ? (size_t)(end - s) : strlen(s);
	/* The last '@': users type "me@example.com@host" unescaped. */
	const char *at = memrchr(s, '@', alen);
	if (at) {
		if ((rc = parse_userinfo(s, (size_t)(at - s), u, err)) < 0)
			return rc;
		alen -= (size_t)(at + 1 - s);
		s = at + 1;
	}
	if ((rc = parse_hostport(s, alen, u, err)) < 0)
		return rc;
	if (end && end[1]) {
		u->path = decode(end + 1, strlen(end + 1), err);
		if (!u->path)
			return FTPS_ERR_ARG;
	}
	return 0;
}

int url_parse(const char *s, struct ftps_url *u, const char **err)
{
	memset(u, 0, sizeof(*u));
	int rc = parse_all(s, u, err);
	if (rc < 0)
		url_clear(u);
	return rc;
}

void url_clear(struct ftps_url *u)
{
	if (!u)
		return;
	free(u->user);
	free_secret(u->password);
	free(u->host);
	free(u->path);
	memset(u, 0, sizeof(*u));
}

int host_is_ip_literal(const char *host)
{
	unsigned char addr[16];

	return inet_pton(AF_INET, host, addr) == 1 ||
	       inet_pton(AF_INET6, host, addr) == 1;
}

size_t url_password_span(const char *s, size_t *start)
{
	const char *scheme = strstr(s, "://");
	const char *auth = scheme ? scheme + 3 : s;
	size_t alen = strcspn(auth, "/");
	const char *at = memrchr(auth, '@', alen);
	const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	if (!colon)
		return 0;
	*start = (size_t)(colon + 1 - s);
	return (size_t)(at - colon - 1);
}

char *url_redact(const char *s, const char *mask)
{
	size_t start = 0, n = url_password_span(s, &start);
	if (!n)
		return xstrdup(s);
	if (!mask) /* drop the ':' too */
		return xasprintf("%.*s%s", (int)start - 1, s, s + start + n);
	return xasprintf("%.*s%s%s", (int)start, s, mask, s + start + n);
}
