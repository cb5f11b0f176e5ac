/* The progress line shown on a terminal during transfers: one file's bar
 * (sequential transfers), or one line for the whole batch when several
 * connections work at once (-P N). The line always fits the terminal's
 * width, redrawn when the window changes size. Bytes are counted even
 * when nothing is drawn: the runner's summary uses them. */
#ifndef FTPS_PROGRESS_H
#define FTPS_PROGRESS_H

#include <pthread.h>
#include <stdint.h>

struct progress {
	int enabled;          /* draw: stdout is a terminal and the user wants it */
	struct progress *parent; /* a -P worker's file: counted in, and drawn
	                      * by, its batch (NULL otherwise) */
	char name[64];        /* what is being moved, made safe */
	int64_t total;        /* bytes expected for this file, -1 unknown */
	int64_t base;         /* bytes there before this run (resume): not
	                       * counted in the rate or the ETA */
	int64_t done;         /* position in the file: base + bytes moved */
	int64_t counted_total;/* what this file added to its parent's total */
	int started;          /* progress_start came since the last end */
	double start, last_draw;
	unsigned file_no, files;
	/* The batch: */
	int aggregate;        /* one line for all files (-P N) */
	pthread_mutex_t lock; /* aggregate: workers report concurrently */
	unsigned files_ended, files_started, sizes_unknown;
	int64_t batch_done, batch_total, batch_moved;
	double batch_start;
};

/* Begin a group of files drawn one file at a time (files may be 1). */
void progress_batch(struct progress *p, int enabled, unsigned files);
/* Begin a group of files moved by several workers: one aggregate line
 * (files done/total, bytes, rate, ETA), redrawn at most 5 times a second.
 * Each worker reports through its own child. */
void progress_batch_shared(struct progress *p, int enabled, unsigned files);
void progress_child(struct progress *c, struct progress *parent);
/* Close the group: the aggregate line is cleared (the summary follows). */
void progress_batch_end(struct progress *p);
/* Bytes moved by this run so far (resumed bytes not included). */
int64_t progress_moved(struct progress *p);

/* The file about to be tried is number no of the batch (counting every
 * attempt, failed or not). */
void progress_set_file(struct progress *p, unsigned no);
/* The data begins: total bytes expected (-1 unknown), base of them there
 * already. */
void progress_start(struct progress *p, const char *name, int64_t total,
		    int64_t base);
/* Redraws at most 10 times a second (5 for the aggregate line). */
void progress_update(struct progress *p, int64_t done);
/* Final line for the file (on a terminal, so the user sees what happened)
 * then a newline; a failure clears the line for the message that follows. */
void progress_end(struct progress *p, int ok);

/* Around a message printed while a progress line may be showing (another
 * worker's bar): the line is cleared first and not redrawn meanwhile. */
void progress_hold(void);
void progress_release(void);

#endif
