/* Connecting through a proxy: SOCKS5 (socks5:// resolves names here,
 * socks5h:// lets the proxy resolve them) and HTTP CONNECT (http://).
 * Layer 2: no printing. Which hosts bypass the proxy is the caller's
 * policy; net_noproxy_match only tells whether a host is on a list. */
#ifndef FTPS_PROXY_H
#define FTPS_PROXY_H

#include <stdint.h>

enum net_proxy_kind { NET_PROXY_SOCKS5, NET_PROXY_SOCKS5H, NET_PROXY_HTTP };

/* curl's default for every proxy scheme, HTTP included. */
#define NET_PROXY_DEFAULT_PORT 1080

struct net_proxy {
	enum net_proxy_kind kind;
	char *host;
	uint16_t port;
	char *user;      /* NULL: no authentication */
	char *password;  /* wiped by net_proxy_clear */
};

/* Parse "socks5h://[user[:pass]@]host[:port][/]" and the like (%-escapes in
 * user and password). Schemes: socks5, socks5h, http, case-insensitive; no
 * scheme means http (as in curl). 0, or -1 with *why set to a static
 * message (never quoting the URL, which may hold a password). */
int net_proxy_parse(const char *url, struct net_proxy *out, const char **why);
void net_proxy_clear(struct net_proxy *p);

/* "socks5h://alice:****@host:1080": fit for messages and `status`, the
 * password masked. Newly allocated. */
char *net_proxy_describe(const struct net_proxy *p);

/* Non-zero if host is on a NO_PROXY-style list (curl's rules): entries
 * separated by commas or spaces; "*" alone matches everything; a name
 * matches itself and its subdomains (a leading '.' is ignored); an IP
 * literal matches itself, or a CIDR block "10.0.0.0/8", "fd00::/8".
 * Case-insensitive; a trailing '.' on either side is ignored. */
int net_noproxy_match(const char *list, const char *host);

/* Connect to host:port, through p when it is not NULL, else directly.
 * The socket is tuned as net_connect_host's are. The socket, or a negative
 * ftps_err with *why set for the user (naming the proxy by host and port,
 * never by its password; valid until the next call in the same thread). */
int net_dial(const struct net_proxy *p, const char *host, uint16_t port,
	     int timeout_ms, const char **why);

#endif
