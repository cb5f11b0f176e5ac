/* The progress line. Everything drawn goes through fit(): a line one
 * column short of the terminal's width at most, so that it never wraps
 * (a wrapped line turns every redraw into a new line on the screen). */
#include "cli/progress.h"
#include "cli/msg.h"
#include "util/sanitize.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define FILE_REDRAW_S 0.1
#define BATCH_REDRAW_S 0.2
#define NAME_COLUMN 32   /* where the numbers start on a wide terminal */
#define LINE_MAX 512

/* The terminal's shape changed: set by the signal handler, which does
 * nothing else; the next draw asks for the new width and redraws. */
static volatile sig_atomic_t resized = 1;
static int width = 80;
/* One line on the screen, whoever draws it: the aggregate line of several
 * workers, and messages that must not land in the middle of it. */
static pthread_mutex_t screen = PTHREAD_MUTEX_INITIALIZER;
static int on_screen; /* a progress line without its newline is showing */

static void on_winch(int sig)
{
	(void)sig;
	resized = 1;
}

static void watch_resize(void)
{
	static int installed;
	if (installed++)
		return;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_winch;
	sa.sa_flags = SA_RESTART; /* a resize must not interrupt a transfer */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGWINCH, &sa, NULL);
}

static int term_width(void)
{
	if (resized) {
		resized = 0;
		struct winsize ws;
		if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
			width = ws.ws_col;
	}
	return width;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Columns of sanitized text: one per UTF-8 character. */
static int cols(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Bytes of s that fill at most n columns, never cutting a character. */
static size_t fit_bytes(const char *s, int n)
{
	size_t i = 0;
	for (int c = 0; s[i]; c++) {
		if (c == n)
			break;
		i++;
		while (((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
	}
	return i;
}

/* prefix, name, stats into out within w columns: the first of the stats
 * variants (widest first) that leaves the name a few columns; the name
 * padded to NAME_COLUMN when there is room for that. */
static void fit(char *out, int w, const char *prefix, const char *name,
		const char *const *stats, int nstats)
{
	int want = cols(name) < 6 ? cols(name) : 6;
	int i = 0, room = 0;
	for (; i < nstats; i++) {
		room = w - cols(prefix) - cols(stats[i]) - (*name ? 1 : 0);
		if (room >= want)
			break;
	}
	if (i == nstats)
		i = nstats - 1;
	if (room < 0)
		room = 0;
	size_t nb = fit_bytes(name, room);
	int pad = *name && i == 0 && room >= NAME_COLUMN ? NAME_COLUMN - cols(name) : 0;
	char line[LINE_MAX];
	snprintf(line, sizeof(line), "%s%.*s%*s%s%s", prefix, (int)nb, name,
		 pad > 0 ? pad : 0, "", *name ? " " : "", stats[i]);
	snprintf(out, LINE_MAX, "%.*s", (int)fit_bytes(line, w), line);
}

static void show(const char *line)
{
	printf("\r%s\033[K", line);
	fflush(stdout);
	on_screen = 1;
}

static void format_eta(char *buf, size_t size, double seconds)
{
	long s = (long)seconds;
	if (s >= 3600)
		snprintf(buf, size, " ETA %ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(buf, size, " ETA %ld:%02ld", s / 60, s % 60);
}

/* One file's line: "[2/3] name  42%  1.0 MiB  512.0 KiB/s ETA 0:02". The
 * rate and the ETA count only what this run moved. */
static void draw_file(struct progress *p, int final)
{
	double t = now_s(), dt = t - p->start;
	double rate = dt > 0 ? (double)(p->done - p->base) / dt : 0;
	char done[32], speed[32], eta[32] = "", count[32] = "", pct[8] = "";
	human_bytes_binary(p->done, done, sizeof(done));
	human_bytes_binary((int64_t)rate, speed, sizeof(speed));
	if (p->total > 0)
		snprintf(pct, sizeof(pct), "%3d%%", (int)(100 * p->done / p->total));
	else if (final)
		snprintf(pct, sizeof(pct), "100%%");
	if (!final && p->total > 0 && rate > 0)
		format_eta(eta, sizeof(eta), (double)(p->total - p->done) / rate);
	else if (final)
		snprintf(eta, sizeof(eta), " in %.1f s", dt);
	if (p->files > 1)
		snprintf(count, sizeof(count), "[%u/%u] ", p->file_no, p->files);
	const char *trim = pct + strspn(pct, " ");
	char v[4][96];
	snprintf(v[0], sizeof(v[0]), "%4s %10s %10s/s%s", pct, done, speed, eta);
	snprintf(v[1], sizeof(v[1]), "%s %s %s/s%s", trim, done, speed, eta);
	snprintf(v[2], sizeof(v[2]), "%s %s %s/s", trim, done, speed);
	snprintf(v[3], sizeof(v[3]), "%s %s", trim, done);
	const char *const variants[] = { v[0], v[1], v[2], v[3] };
	char line[LINE_MAX];
	fit(line, term_width() - 1, count, p->name, variants, 4);
	pthread_mutex_lock(&screen);
	show(line);
	pthread_mutex_unlock(&screen);
	p->last_draw = t;
}

/* The whole batch (-P): "[3/10 files] 12.0 MiB of 40.0 MiB 5.1 MiB/s
 * ETA 0:05". Called with p->lock held. */
static void draw_batch(struct progress *p)
{
	double t = now_s(), dt = t - p->batch_start;
	double rate = dt > 0 ? (double)p->batch_moved / dt : 0;
	int sized = p->files_started == p->files && !p->sizes_unknown;
	char done[32], total[32], speed[32], eta[32] = "", count[48];
	human_bytes_binary(p->batch_done, done, sizeof(done));
	human_bytes_binary(p->batch_total, total, sizeof(total));
	human_bytes_binary((int64_t)rate, speed, sizeof(speed));
	if (sized && rate > 0 && p->batch_total >= p->batch_done)
		format_eta(eta, sizeof(eta), (double)(p->batch_total - p->batch_done) / rate);
	snprintf(count, sizeof(count), "[%u/%u files] ", p->files_ended, p->files);
	char v[4][128];
	snprintf(v[0], sizeof(v[0]), "%s%s%s %s/s%s", done, sized ? " of " : "",
		 sized ? total : "", speed, eta);
	snprintf(v[1], sizeof(v[1]), "%s %s/s%s", done, speed, eta);
	snprintf(v[2], sizeof(v[2]), "%s %s/s", done, speed);
	snprintf(v[3], sizeof(v[3]), "%s", done);
	const char *const variants[] = { v[0], v[1], v[2], v[3] };
	char line[LINE_MAX];
	fit(line, term_width() - 1, count, "", variants, 4);
	pthread_mutex_lock(&screen);
	show(line);
	pthread_mutex_unlock(&screen);
	p->last_draw = t;
}

static void batch_init(struct progress *p, int enabled, unsigned files)
{
	memset(p, 0, sizeof(*p));
	p->enabled = enabled;
	p->files = files;
	p->total = p->batch_total = -1;
	p->batch_start = now_s();
	if (enabled)
		watch_resize();
}

void progress_batch(struct progress *p, int enabled, unsigned files)
{
	batch_init(p, enabled, files);
}

void progress_batch_shared(struct progress *p, int enabled, unsigned files)
{
	batch_init(p, enabled, files);
	p->aggregate = 1;
	p->batch_total = 0;
	pthread_mutex_init(&p->lock, NULL);
}

void progress_child(struct progress *c, struct progress *parent)
{
	memset(c, 0, sizeof(*c));
	c->parent = parent;
	c->total = -1;
}

void progress_batch_end(struct progress *p)
{
	if (p->aggregate)
		pthread_mutex_destroy(&p->lock);
	progress_hold();
	progress_release();
}

int64_t progress_moved(struct progress *p)
{
	return p->batch_moved;
}

void progress_set_file(struct progress *p, unsigned no)
{
	if (p)
		p->file_no = no;
}

/* A worker's file began: its size and resumed bytes join the batch. */
static void child_start(struct progress *c)
{
	struct progress *p = c->parent;
	pthread_mutex_lock(&p->lock);
	p->files_started++;
	p->batch_done += c->base;
	if (c->total >= 0)
		p->batch_total += c->total;
	else
		p->sizes_unknown++;
	c->counted_total = c->total;
	pthread_mutex_unlock(&p->lock);
}

void progress_start(struct progress *p, const char *name, int64_t total,
		    int64_t base)
{
	char *safe = sanitize_str(name);
	snprintf(p->name, sizeof(p->name), "%s", safe);
	free(safe);
	p->total = total;
	p->base = p->done = base;
	p->start = now_s();
	p->last_draw = 0;
	p->started = 1;
	if (p->parent)
		child_start(p);
}

static void child_update(struct progress *c, int64_t done)
{
	struct progress *p = c->parent;
	pthread_mutex_lock(&p->lock);
	p->batch_done += done - c->done;
	if (done > c->done)
		p->batch_moved += done - c->done;
	c->done = done;
	double t = now_s();
	if (p->enabled && (resized || t - p->last_draw >= BATCH_REDRAW_S))
		draw_batch(p);
	pthread_mutex_unlock(&p->lock);
}

void progress_update(struct progress *p, int64_t done)
{
	if (p->parent) {
		child_update(p, done);
		return;
	}
	if (done > p->done)
		p->batch_moved += done - p->done;
	p->done = done;
	if (p->enabled && (resized || now_s() - p->last_draw >= FILE_REDRAW_S))
		draw_file(p, 0);
}

/* A worker's file ended: a failed attempt takes back its position and size
 * (a retry starts it again); the bytes it moved stay moved. */
static void child_end(struct progress *c, int ok)
{
	struct progress *p = c->parent;
	pthread_mutex_lock(&p->lock);
	if (ok) {
		p->files_ended++;
	} else {
		p->batch_done -= c->done;
		if (c->counted_total >= 0)
			p->batch_total -= c->counted_total;
		else
			p->sizes_unknown--;
	}
	if (p->enabled && ok)
		draw_batch(p);
	pthread_mutex_unlock(&p->lock);
	c->done = 0;
}

void progress_end(struct progress *p, int ok)
{
	int started = p->started;
	p->started = 0;
	if (p->parent) {
		if (started)
			child_end(p, ok);
		return;
	}
	if (!p->enabled)
		return;
	if (ok && started) {
		draw_file(p, 1);
		pthread_mutex_lock(&screen);
		putchar('\n');
		fflush(stdout);
		on_screen = 0;
		pthread_mutex_unlock(&screen);
	} else {
		progress_hold();
		progress_release();
	}
}

void progress_hold(void)
{
	pthread_mutex_lock(&screen);
	if (on_screen) {
		printf("\r\033[K");
		fflush(stdout);
		on_screen = 0;
	}
}

void progress_release(void)
{
	pthread_mutex_unlock(&screen);
}
