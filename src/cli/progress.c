#include "cli/progress.h"
#include "cli/msg.h"
#include "util/sanitize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_batch(struct progress *p, int enabled, unsigned files,
		    int64_t total)
{
	memset(p, 0, sizeof(*p));
	p->enabled = enabled;
	p->files = files;
	p->batch_total = total;
}

void progress_start(struct progress *p, const char *name, int64_t total)
{
	char *safe = sanitize_str(name);
	snprintf(p->name, sizeof(p->name), "%s", safe);
	free(safe);
	p->total = total;
	p->done = 0;
	p->file_no++;
	p->start = now_s();
	p->last_draw = 0;
}

static void draw(struct progress *p, int final)
{
	double t = now_s(), dt = t - p->start;
	double rate = dt > 0 ? (double)p->done / dt : 0;
	char done[32], speed[32], eta[32] = "";
	human_bytes_binary(p->done, done, sizeof(done));
	human_bytes_binary((int64_t)rate, speed, sizeof(speed));
	int pct = p->total > 0 ? (int)(100 * p->done / p->total) : final ? 100 : -1;
	if (!final && p->total > 0 && rate > 0) {
		long s = (long)((double)(p->total - p->done) / rate);
		snprintf(eta, sizeof(eta), " ETA %ld:%02ld", s / 60, s % 60);
	} else if (final) {
		snprintf(eta, sizeof(eta), " in %.1f s", dt);
	}
	char count[32] = "";
	if (p->files > 1)
		snprintf(count, sizeof(count), "[%u/%u] ", p->file_no, p->files);
	char pcts[16] = "   ";
	if (pct >= 0)
		snprintf(pcts, sizeof(pcts), "%3d", pct);
	printf("\r%s%-32.32s %s%% %10s %10s/s%s\033[K", count, p->name, pcts,
	       done, speed, eta);
	fflush(stdout);
	p->last_draw = t;
}

void progress_update(struct progress *p, int64_t done)
{
	p->done = done;
	if (!p->enabled)
		return;
	double t = now_s();
	if (t - p->last_draw >= 0.1)
		draw(p, 0);
}

void progress_end(struct progress *p, int ok)
{
	p->batch_done += p->done;
	if (!p->enabled)
		return;
	if (ok)
		draw(p, 1);
	else
		printf("\r\033[K");
	if (ok)
		putchar('\n');
	fflush(stdout);
}
