/* What a planner (transfer_plan.c, mirror_plan.c) sees of the server:
 * the struct plan_io callbacks on a real session, with the server's
 * reasons printed under the command's name. */
#include "cli/remote_io.h"
#include "cli/msg.h"
#include "cli/xfer.h"
#include "ftp/ops.h"
#include "ftp/session.h"
#include "util/error.h"
#include "util/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>

static void report_server(struct remote_io *c)
{
	char *prefix = xasprintf("ftps: %s: ", c->cmd);
	print_untrusted(stderr, prefix, ftp_error(c->s));
	free(prefix);
}



static int real_rlist(void *ctx, const char *dir, struct rlist *out)
{
	struct remote_io *c = ctx;
	int rc = remote_list(c->s, dir, out);
	if (rc < 0)
		report_server(c);
	return rc;
}

static int real_rglob(void *ctx, const struct word *w, struct rlist *out)
{
	struct remote_io *c = ctx;
	int rc = remote_glob(c->s, w, out);
	/* remote_glob explains a missing match itself. */
	if (rc < 0 && rc != FTPS_ERR_ARG && rc != FTPS_ERR_USAGE)
		report_server(c);
	return rc;
}

/* Asked by changing into it and back: no listing says what a bare name
 * is. */
static int real_ris_dir(void *ctx, const char *path)
{
	struct remote_io *c = ctx;
	if (ftp_cwd(c->s, path) < 0)
		return 0;
	ftp_cwd(c->s, c->home);
	return 1;
}

static int real_rmkdir(void *ctx, const char *path)
{
	struct remote_io *c = ctx;
	/* Failing because it exists is fine; a real problem shows on STOR. */
	ftp_mkdir(c->s, path);
	if (!ftp_is_connected(c->s)) {
		report_server(c);
		return FTPS_ERR_CONNECT;
	}
	return 0;
}

static void real_report(void *ctx, const char *msg)
{
	(void)ctx;
	app_error("%s", msg);
}

void remote_io_init(struct remote_io *r, struct plan_io *io,
		    struct ftp_session *s, const char *cmd)
{
	*r = (struct remote_io){ s, NULL, cmd };
	*io = (struct plan_io){ .ctx = r, .rlist = real_rlist, .rglob = real_rglob,
				.ris_dir = real_ris_dir, .rmkdir = real_rmkdir,
				.partial_name = partial_name, .report = real_report };
	plan_io_local(io);
}

int remote_io_know_home(struct remote_io *r)
{
	if (ftp_pwd(r->s, &r->home) < 0) {
		report_server(r);
		return FTPS_ERR_REFUSED;
	}
	return 0;
}

void remote_io_clear(struct remote_io *r)
{
	free(r->home);
	r->home = NULL;
}
