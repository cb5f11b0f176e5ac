/* Running a planned transfer (the sftp-client.c half): the jobs one after
 * another with a progress bar, or over up to RUN_MAX_PARALLEL connections
 * (get/put -P N), then the summary line. */
#ifndef FTPS_TRANSFER_RUN_H
#define FTPS_TRANSFER_RUN_H

#include "cli/transfer_plan.h"

struct app;

/* Most connections one transfer may use (-P). */
#define RUN_MAX_PARALLEL 16

struct run_opts {
	int resume;   /* -c / reget / reput */
	int parallel; /* connections to use, 1 to RUN_MAX_PARALLEL */
	int verify;   /* --verify: compare content hashes after each file */
};

/* Carry out every job of j on a->ftp (and, with parallel > 1, on extra
 * connections opened for the purpose and closed after). A failed file is
 * counted and the rest still go; Ctrl-C or a lost connection stops early.
 * 0, or the first failure's negative ftps_err with the reasons printed. */
int run_jobs(struct app *a, struct jobs *j, const struct run_opts *o);
/* The same, telling how many files failed for good. */
int run_jobs_counted(struct app *a, struct jobs *j, const struct run_opts *o,
		     int *failures);

#endif
