/* The one-line progress bar shown on a terminal during transfers. */
#ifndef FTPS_PROGRESS_H
#define FTPS_PROGRESS_H

#include <stdint.h>

struct progress {
	int enabled;          /* stdout is a terminal and the user wants it */
	char name[64];        /* what is being moved, made safe */
	int64_t total;        /* bytes expected for this file, -1 unknown */
	int64_t done;
	double start, last_draw;
	/* Totals for multi-file transfers. */
	unsigned file_no, files;
	int64_t batch_done, batch_total;
};

/* Begin a group of files (files may be 1; total -1 when unknown). */
void progress_batch(struct progress *p, int enabled, unsigned files,
		    int64_t total);
void progress_start(struct progress *p, const char *name, int64_t total);
/* Redraws at most 10 times a second. */
void progress_update(struct progress *p, int64_t done);
/* Final line for the file (always on a terminal, so the user sees what
 * happened), then a newline. */
void progress_end(struct progress *p, int ok);

#endif
