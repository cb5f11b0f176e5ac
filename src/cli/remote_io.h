/* The planners' window on a real server (struct plan_io on a session). */
#ifndef FTPS_REMOTE_IO_H
#define FTPS_REMOTE_IO_H

#include "cli/transfer_plan.h"

struct ftp_session;

struct remote_io {
	struct ftp_session *s;
	char *home;      /* where ris_dir comes back to (remote_io_know_home) */
	const char *cmd; /* "get", "put", "mirror": prefix of messages */
};

/* io gets the real server callbacks (on s) and the real local ones. */
void remote_io_init(struct remote_io *r, struct plan_io *io,
		    struct ftp_session *s, const char *cmd);
/* Before ris_dir can be used: PWD, to come back after probing. */
int remote_io_know_home(struct remote_io *r);
void remote_io_clear(struct remote_io *r);

#endif
