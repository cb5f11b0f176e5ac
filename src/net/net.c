#include "net/net.h"
#include "util/error.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void net_set_timeouts(int fd, int timeout_ms)
{
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

void net_tune(int fd, int timeout_ms)
{
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	net_set_timeouts(fd, timeout_ms);
}

/* Non-blocking connect bounded by poll(), then back to blocking: every later
 * read goes through a timeout of its own. */
static int connect_one(const struct sockaddr *sa, socklen_t len, int timeout_ms,
		       const char **why)
{
	int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*why = strerror(errno);
		return FTPS_ERR_CONNECT;
	}
	int flags = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	int rc = connect(fd, sa, len);
	if (rc < 0 && errno != EINPROGRESS) {
		*why = strerror(errno);
		close(fd);
		return FTPS_ERR_CONNECT;
	}
	if (rc < 0) {
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		do
			rc = poll(&p, 1, timeout_ms);
		while (rc < 0 && errno == EINTR);
		if (rc == 0) {
			*why = "connection timed out";
			close(fd);
			return FTPS_ERR_TIMEOUT;
		}
		int err = 0;
		socklen_t elen = sizeof(err);
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
		if (rc < 0 || err) {
			*why = strerror(rc < 0 ? errno : err);
			close(fd);
			return FTPS_ERR_CONNECT;
		}
	}
	fcntl(fd, F_SETFL, flags);
	net_tune(fd, timeout_ms);
	return fd;
}

int net_connect_host(const char *host, uint16_t port, int timeout_ms,
		     const char **why)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV };
	struct addrinfo *res;
	char service[8];
	snprintf(service, sizeof(service), "%u", port);
	int rc = getaddrinfo(host, service, &hints, &res);
	if (rc == EAI_ADDRFAMILY || rc == EAI_NONAME) {
		/* AI_ADDRCONFIG hides ::1 on hosts with only loopback v6. */
		hints.ai_flags &= ~AI_ADDRCONFIG;
		rc = getaddrinfo(host, service, &hints, &res);
	}
	if (rc != 0) {
		*why = gai_strerror(rc);
		return FTPS_ERR_CONNECT;
	}
	int fd = FTPS_ERR_CONNECT;
	*why = "no address";
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		fd = connect_one(ai->ai_addr, ai->ai_addrlen, timeout_ms, why);
		if (fd >= 0)
			break;
	}
	freeaddrinfo(res);
	return fd;
}

int net_connect_addr(const struct net_addr *addr, uint16_t port,
		     int timeout_ms, const char **why)
{
	struct net_addr a = *addr;
	if (a.ss.ss_family == AF_INET)
		((struct sockaddr_in *)&a.ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)&a.ss)->sin6_port = htons(port);
	return connect_one((struct sockaddr *)&a.ss, a.len, timeout_ms, why);
}

int net_peer_addr(int fd, struct net_addr *out)
{
	out->len = sizeof(out->ss);
	return getpeername(fd, (struct sockaddr *)&out->ss, &out->len) < 0
		       ? FTPS_ERR_CONNECT : 0;
}

int net_local_addr(int fd, struct net_addr *out)
{
	out->len = sizeof(out->ss);
	return getsockname(fd, (struct sockaddr *)&out->ss, &out->len) < 0
		       ? FTPS_ERR_CONNECT : 0;
}

void net_addr_to_string(const struct net_addr *a, char *buf, size_t size)
{
	const void *src = a->ss.ss_family == AF_INET
		? (const void *)&((const struct sockaddr_in *)&a->ss)->sin_addr
		: (const void *)&((const struct sockaddr_in6 *)&a->ss)->sin6_addr;
	if (!inet_ntop(a->ss.ss_family, src, buf, size))
		snprintf(buf, size, "?");
}
