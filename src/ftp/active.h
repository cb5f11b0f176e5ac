#ifndef FTPS_ACTIVE_H
#define FTPS_ACTIVE_H

struct ftp_session;

/* Listen and announce with EPRT (PORT as a fallback): the listening socket,
 * or a negative ftps_err. */
int ftp_active_listen(struct ftp_session *s);
/* Wait (bounded by the timeout) for the server's connection from the
 * control peer's address: the data socket, or a negative ftps_err; when watch
 * is set and the control connection becomes readable first (the server
 * answered the command instead of connecting), FTP_ACTIVE_CONTROL. */
#define FTP_ACTIVE_CONTROL (-1000)
int ftp_active_accept(struct ftp_session *s, int listen_fd, int watch);

#endif
