/* Parsing what the user types to say where to connect. Pure: no I/O. */
#ifndef FTPS_URL_H
#define FTPS_URL_H

#include <stddef.h>
#include <stdint.h>

enum tls_mode { TLS_MODE_DEFAULT = 0, TLS_MODE_EXPLICIT, TLS_MODE_IMPLICIT };

struct ftps_url {
	char *user;      /* NULL if not given; percent-decoded */
	char *password;  /* NULL if not given; percent-decoded */
	char *host;      /* without brackets for IPv6 literals */
	uint16_t port;   /* 0 if not given */
	char *path;      /* NULL if none; percent-decoded as a whole, without
	                  * the leading '/' of the URL, so relative to the login
	                  * directory as in curl ("ftpes://h/pub" -> "pub");
	                  * "%2F" or a second '/' first makes it absolute
	                  * ("ftpes://h/%2Fetc/x" and "ftpes://h//etc/x" ->
	                  * "/etc/x") */
	enum tls_mode mode; /* from the scheme: ftpes:// and ftp:// -> EXPLICIT,
	                     * ftps:// -> IMPLICIT, no scheme -> DEFAULT */
};

/* Accepts "ftpes://[user[:pass]@]host[:port][/path]", "ftps://...",
 * "ftp://...", and a bare "host", "host:port", "user@host", "[::1]",
 * "[::1]:2121". Scheme case-insensitive. Host: DNS name, IPv4 literal, or
 * bracketed IPv6 literal; an unbracketed IPv6 literal with more than one ':'
 * is accepted as a host without port. Port 1..65535. Percent-escapes in
 * user, password and path. Rejects empty host, control characters, unknown
 * schemes (e.g. "http://") with FTPS_ERR_ARG and *err set to a static
 * message. */
int url_parse(const char *s, struct ftps_url *u, const char **err);
void url_clear(struct ftps_url *u); /* frees, zeroes; password bytes wiped */

/* Where the password of an address as typed is ("ftpes://u:PASS@h/p"):
 * its length, and its offset in *start; 0 when there is none. Works on
 * text that url_parse() rejects too, so that error messages can hide it. */
size_t url_password_span(const char *s, size_t *start);
/* A copy of s fit to print or keep: the password replaced by mask, or
 * removed with its ':' when mask is NULL. Newly allocated. */
char *url_redact(const char *s, const char *mask);

/* Non-zero if host is an IPv4 or IPv6 literal (no SNI, IP SAN matching). */
int host_is_ip_literal(const char *host);

#endif
