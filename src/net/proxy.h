/* Connecting through a proxy: SOCKS5 (socks5:// resolves names here,
 * socks5h:// lets the proxy resolve them) and HTTP CONNECT (http://).
 * Layer 2: no printing, no policy about which hosts bypass the proxy. */
#ifndef FTPS_PROXY_H
#define FTPS_PROXY_H

#include <stdint.h>

enum net_proxy_kind { NET_PROXY_SOCKS5, NET_PROXY_SOCKS5H, NET_PROXY_HTTP };

struct net_proxy {
	enum net_proxy_kind kind;
	char *host;
	uint16_t port;
	char *user;      /* NULL: no authentication */
	char *password;  /* wiped by net_proxy_clear */
};

/* Parse "socks5h://[user[:pass]@]host[:port]" and the like (%-escapes in
 * user and password). 0, or -1 with *why set to a static message. */
int net_proxy_parse(const char *url, struct net_proxy *out, const char **why);
void net_proxy_clear(struct net_proxy *p);

/* Connect to host:port, through p when it is not NULL, else directly.
 * The socket is tuned as net_connect_host's are. The socket, or a negative
 * ftps_err with *why set for the user. */
int net_dial(const struct net_proxy *p, const char *host, uint16_t port,
	     int timeout_ms, const char **why);

#endif
