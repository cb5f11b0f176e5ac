/* get/put and friends: the handlers, gluing the planner (transfer_plan.c:
 * operands to jobs) to the runner (transfer_run.c: jobs to transfers),
 * and the planner's window on the server. */
#include "cli/app.h"
#include "cli/commands.h"
#include "cli/msg.h"
#include "cli/remote_io.h"
#include "cli/remote_list.h"
#include "cli/transfer_plan.h"
#include "cli/transfer_run.h"
#include "cli/xfer.h"
#include "ftp/ops.h"
#include "ftp/session.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>

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
	struct remote_io r;
	struct plan_io io;
	remote_io_init(&r, &io, a->ftp, upload ? "put" : "get");
	if (upload) {
		int rc = plan_put(&io, &po, args->argc, args->argv, j);
		remote_io_clear(&r);
		return rc;
	}
	/* Probing a directory moves the remote cwd: know the way back first. */
	int rc = po.recursive ? remote_io_know_home(&r) : 0;
	if (rc == 0)
		rc = plan_get(&io, &po, args->argc, args->argv, j);
	remote_io_clear(&r);
	return rc;
}

static int transfer(struct app *a, const struct cmd_args *args, int upload,
		    int resume)
{
	struct run_opts ro = { resume || args_has(args, 'c'), 1, args_has(args, 'V') };
	int rc = parse_parallel(args, upload, &ro.parallel);
	if (rc < 0)
		return rc;
	if (ro.verify && (rc = require_content_hash(a->ftp, upload ? "put: --verify"
							    : "get: --verify")) < 0)
		return rc;
	struct jobs j = { 0 };
	rc = plan(a, args, upload, &j);
	/* Only directories matched (get dir* without -r): each was said so,
	 * and a script must not go on as if the files had come. */
	if (rc == 0 && j.n == 0 && !args_has(args, 'r'))
		rc = FTPS_ERR_USAGE;
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
	/* cat big | head: the reader has all it wanted; not a failure. */
	return rc == CAT_OUTPUT_CLOSED ? 0 : rc;
}
