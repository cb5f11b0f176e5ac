/* Active mode data connections (EPRT/PORT, RFC 2428): we listen on the
 * control connection's local address and the server connects to us. Only a
 * connection from the control peer's address is accepted. */
#include "ftp/active.h"
#include "ftp/session_int.h"
#include "util/error.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int listen_local(struct ftp_session *s, struct net_addr *bound)
{
	struct net_addr local;
	if (net_local_addr(s->fd, &local) < 0)
		return ftp_fail(s, FTPS_ERR_CONNECT, "cannot find the local address");
	if (local.ss.ss_family == AF_INET)
		((struct sockaddr_in *)&local.ss)->sin_port = 0;
	else
		((struct sockaddr_in6 *)&local.ss)->sin6_port = 0;
	int fd = socket(local.ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&local.ss, local.len) < 0 ||
	    listen(fd, 1) < 0 || net_local_addr(fd, bound) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return ftp_fail(s, FTPS_ERR_CONNECT, "cannot listen for the data "
				"connection: %s", strerror(e));
	}
	return fd;
}

int ftp_active_listen(struct ftp_session *s)
{
	struct net_addr a;
	if (s->proxy)
		return ftp_fail(s, FTPS_ERR_USAGE, "active mode cannot work through "
				"a proxy (the server would connect to the proxy's "
				"network, not to us); use passive mode");
	int fd = listen_local(s, &a);
	if (fd < 0)
		return fd;
	char host[64];
	net_addr_to_string(&a, host, sizeof(host));
	int v6 = a.ss.ss_family == AF_INET6;
	unsigned port = ntohs(v6 ? ((struct sockaddr_in6 *)&a.ss)->sin6_port
				 : ((struct sockaddr_in *)&a.ss)->sin_port);
	int rc = ftp_command(s, "EPRT |%d|%s|%u|", v6 ? 2 : 1, host, port);
	if (rc >= 500 && !v6) {
		/* An old server without EPRT: PORT h1,h2,h3,h4,p1,p2. */
		for (char *p = host; *p; p++)
			if (*p == '.')
				*p = ',';
		rc = ftp_command(s, "PORT %s,%u,%u", host, port >> 8, port & 255);
	}
	if (rc < 0 || rc / 100 != 2) {
		close(fd);
		return rc < 0 && rc != FTPS_ERR_REFUSED
			       ? rc
			       : ftp_fail(s, FTPS_ERR_REFUSED, "active mode refused: %s",
					  ftp_reply_msg(s));
	}
	return fd;
}

static int same_host(const struct net_addr *a, const struct net_addr *b)
{
	if (a->ss.ss_family != b->ss.ss_family)
		return 0;
	if (a->ss.ss_family == AF_INET)
		return ((const struct sockaddr_in *)&a->ss)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)&b->ss)->sin_addr.s_addr;
	return !memcmp(&((const struct sockaddr_in6 *)&a->ss)->sin6_addr,
		       &((const struct sockaddr_in6 *)&b->ss)->sin6_addr, 16);
}

int ftp_active_accept(struct ftp_session *s, int listen_fd, int watch)
{
	time_t deadline = time(NULL) + (s->timeout_ms + 999) / 1000;
	for (;;) {
		int left = (int)(deadline - time(NULL)) * 1000;
		if (left <= 0)
			return ftp_fail(s, FTPS_ERR_TIMEOUT, "the server did not open "
					"the data connection within %d s",
					s->timeout_ms / 1000);
		struct pollfd p[2] = { { .fd = listen_fd, .events = POLLIN },
				       { .fd = s->fd, .events = POLLIN } };
		int rc = poll(p, watch ? 2 : 1, left);
		if (rc < 0 && errno == EINTR && ftp_is_cancelled(s))
			return ftp_fail(s, FTPS_ERR_INTERRUPTED, "interrupted");
		if (rc <= 0)
			continue;
		if (watch && !(p[0].revents & POLLIN))
			return FTP_ACTIVE_CONTROL; /* a reply came first */
		struct net_addr from;
		from.len = sizeof(from.ss);
		int fd = accept4(listen_fd, (struct sockaddr *)&from.ss, &from.len,
				 SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		if (!same_host(&from, &s->peer)) {
			close(fd); /* somebody else knocking: not our server */
			continue;
		}
		net_tune(fd, s->timeout_ms);
		return fd;
	}
}
