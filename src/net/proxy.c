/* Proxies: placeholder until the SOCKS5 and HTTP CONNECT clients land. */
#include "net/proxy.h"
#include "net/net.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

int net_proxy_parse(const char *url, struct net_proxy *out, const char **why)
{
	(void)url;
	memset(out, 0, sizeof(*out));
	*why = "proxies are not supported yet";
	return -1;
}

void net_proxy_clear(struct net_proxy *p)
{
	free(p->host);
	free(p->user);
	free(p->password);
	memset(p, 0, sizeof(*p));
}

int net_dial(const struct net_proxy *p, const char *host, uint16_t port,
	     int timeout_ms, const char **why)
{
	if (p) {
		*why = "proxies are not supported yet";
		return FTPS_ERR_CONNECT;
	}
	return net_connect_host(host, port, timeout_ms, why);
}
