/* TCP connections with timeouts, IPv4 and IPv6. */
#ifndef FTPS_NET_H
#define FTPS_NET_H

#include <stdint.h>
#include <sys/socket.h>

struct net_addr {
	struct sockaddr_storage ss;
	socklen_t len;
};

/* Resolve host and connect to the first address that answers within
 * timeout_ms per attempt. Sets TCP_NODELAY (FTP is a ping-pong protocol:
 * Nagle costs a round trip per command) and send/receive timeouts.
 * Returns the socket or a negative ftps_err; *why gets a static or strerror
 * message for the user. */
int net_connect_host(const char *host, uint16_t port, int timeout_ms,
		     const char **why);

/* Connect to addr with the port replaced by port (data connections). */
int net_connect_addr(const struct net_addr *addr, uint16_t port,
		     int timeout_ms, const char **why);

int net_peer_addr(int fd, struct net_addr *out);
int net_local_addr(int fd, struct net_addr *out);
/* "127.0.0.1" or "::1" into buf. */
void net_addr_to_string(const struct net_addr *a, char *buf, size_t size);

/* Socket send/receive timeouts, so no blocking call waits forever. */
void net_set_timeouts(int fd, int timeout_ms);
/* The timeouts and TCP_NODELAY, as every connection of ours gets them. */
void net_tune(int fd, int timeout_ms);

#endif
