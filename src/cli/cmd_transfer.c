/* get/put and friends: the handlers, gluing the planner (transfer_plan.c:
 * operands to jobs) to the runner (transfer_run.c: jobs to transfers),
 * and the planner's window on the server. */
#include "cli/app.h"
#include "cli/commands.h"
#include "cli/msg.h"
#include "cli/remote_list.h"
#include "cli/transfer_plan.h"
#include "cli/transfer_run.h"
#include "cli/xfer.h"
#include "ftp/ops.h"
#include "ftp/session.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>

/* --- what the planner sees of the server --- */

struct remote_ctx {
	struct ftp_session *s;
	char *home; /* get -r: where to come back to after probing a directory */
};

static int real_rlist(void *ctx, const char *dir, struct rlist *out)
{
	struct remote_ctx *c = ctx;
	int rc = remote_list(c->s, dir, out);
	if (rc < 0)
		print_untrusted(stderr, "ftps: get: ", ftp_error(c->s));
	return rc;
}

static int real_rglob(void *ctx, const struct word *w, struct rlist *out)
{
	struct remote_ctx *c = ctx;
	int rc = remote_glob(c->s, w, out);
	/* remote_glob explains a missing match itself. */
	if (rc < 0 && rc != FTPS_ERR_ARG && rc != FTPS_ERR_USAGE)
		print_untrusted(stderr, "ftps: get: ", ftp_error(c->s));
	return rc;
}

/* Asked by changing into it and back: no listing says what a bare name
 * is. */
static int real_ris_dir(void *ctx, const char *path)
{
	struct remote_ctx *c = ctx;
	if (ftp_cwd(c->s, path) < 0)
		return 0;
	ftp_cwd(c->s, c->home);
	return 1;
}

static int real_rmkdir(void *ctx, const char *path)
{
	struct remote_ctx *c = ctx;
	/* Failing because it exists is fine; a real problem shows on STOR. */
	ftp_mkdir(c->s, path);
	if (!ftp_is_connected(c->s)) {
		print_untrusted(stderr, "ftps: put: ", ftp_error(c->s));
		return FTPS_ERR_CONNECT;
	}
	return 0;
}

static void real_report(void *ctx, const char *msg)
{
	(void)ctx;
	app_error("%s", msg);
}

/* --- the handlers --- */

/* -P N, checked here so that a bad value stops before anything is
 * listed. */
static int parse_parallel(const struct cmd_args *args, int upload, int *n)
{
	const char *p = args_value(args, 'P');
	*n = 1;
	if (!p)
		return 0;
	char *end;
	long v = strtol(p, &end, 10);
	if (!*p || *end || v < 1 || v > RUN_MAX_PARALLEL) {
		app_error("%s: -P takes a number from 1 to %d",
			  upload ? "put" : "get", RUN_MAX_PARALLEL);
		return FTPS_ERR_USAGE;
	}
	*n = (int)v;
	return 0;
}

static int plan(struct app *a, const struct cmd_args *args, int upload,
		struct jobs *j)
{
	struct plan_opts po = { args_has(args, 'r'), a->settings.max_entries };
	struct remote_ctx c = { a->ftp, NULL };
	struct plan_io io = { .ctx = &c, .rlist = real_rlist, .rglob = real_rglob,
			      .ris_dir = real_ris_dir, .rmkdir = real_rmkdir,
			      .partial_name = partial_name, .report = real_report };
	plan_io_local(&io);
	if (upload)
		return plan_put(&io, &po, args->argc, args->argv, j);
	/* Probing a directory moves the remote cwd: know the way back first. */
	if (po.recursive && ftp_pwd(c.s, &c.home) < 0) {
		print_untrusted(stderr, "ftps: get: ", ftp_error(c.s));
		return FTPS_ERR_REFUSED;
	}
	int rc = plan_get(&io, &po, args->argc, args->argv, j);
	free(c.home);
	return rc;
}

static int transfer(struct app *a, const struct cmd_args *args, int upload,
		    int resume)
{
	struct run_opts ro = { resume || args_has(args, 'c'), 1 };
	int rc = parse_parallel(args, upload, &ro.parallel);
	if (rc < 0)
		return rc;
	struct jobs j = { 0 };
	rc = plan(a, args, upload, &j);
	if (rc == 0 && j.n > 0)
		rc = run_jobs(a, &j, &ro);
	jobs_clear(&j);
	return rc;
}

int cmd_get(struct app *a, const struct cmd_args *args) { return transfer(a, args, 0, 0); }
int cmd_put(struct app *a, const struct cmd_args *args) { return transfer(a, args, 1, 0); }
int cmd_reget(struct app *a, const struct cmd_args *args) { return transfer(a, args, 0, 1); }
int cmd_reput(struct app *a, const struct cmd_args *args) { return transfer(a, args, 1, 1); }

int cmd_cat(struct app *a, const struct cmd_args *args)
{
	int rc = 0;
	for (int i = 0; i < args->argc && rc == 0; i++)
		rc = cat_file(a, a->ftp, args_text(args, i));
	return rc;
}
