/* mirror: keep a local and a remote tree in sync, in either direction.
 * mirror_plan.c decides (from one listing per directory); this file
 * carries the plan out: directories first, then the transfers (through
 * transfer_run.c, so retries and -P apply), and removals last, only after
 * everything else succeeded. */
#include "cli/app.h"
#include "cli/commands.h"
#include "cli/mirror_plan.h"
#include "cli/msg.h"
#include "cli/remote_io.h"
#include "cli/remote_list.h"
#include "cli/transfer_run.h"
#include "cli/xfer.h"
#include "ftp/ops.h"
#include "ftp/session.h"
#include "proto/parse.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/sanitize.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DELETE_DEFAULT 100

struct mirror_run {
	struct app *a;
	struct mirror_opts o;
	int dry_run, verbose, parallel, resume, max_delete;
	const char *src, *dst;
	char *dst_owned;
	size_t counts[MIRROR_REMOVE_DIR + 1];
	int failed;
};

static const char *const step_word[] = {
	[MIRROR_MKDIR] = "mkdir", [MIRROR_NEW] = "new", [MIRROR_UPDATE] = "updated",
	[MIRROR_REMOVE] = "removed", [MIRROR_REMOVE_DIR] = "removed",
};

static void say_step(enum mirror_action act, const char *rel)
{
	char *safe = sanitize_str(rel);
	printf("%s %s\n", step_word[act], safe);
	free(safe);
}

/* Operands and options into r; 0 or FTPS_ERR_USAGE after a message. */
static int parse(struct mirror_run *r, const struct cmd_args *args)
{
	struct mirror_opts *o = &r->o;
	o->reverse = args_has(args, 'R');
	o->delete = args_has(args, 'e');
	o->only_newer = args_has(args, 'n');
	o->only_missing = args_has(args, 'M');
	o->no_dotfiles = args_has(args, 'N');
	o->exclude = args_values(args, 'x', &o->n_exclude);
	o->include = args_values(args, 'i', &o->n_include);
	r->dry_run = args_has(args, 'D');
	r->verbose = args_has(args, 'v');
	r->resume = args_has(args, 'c');
	for (int i = 0; i < o->n_exclude; i++)
		if (!*o->exclude[i]) {
			app_error("mirror: --exclude needs a pattern");
			return FTPS_ERR_USAGE;
		}
	for (int i = 0; i < o->n_include; i++)
		if (!*o->include[i]) {
			app_error("mirror: --include needs a pattern");
			return FTPS_ERR_USAGE;
		}
	const char *p = args_value(args, 'P'), *m = args_value(args, 'm');
	char *end = NULL;
	r->parallel = p ? (int)strtol(p, &end, 10) : 1;
	if (p && (!*p || *end || r->parallel < 1 || r->parallel > RUN_MAX_PARALLEL)) {
		app_error("mirror: -P takes a number from 1 to %d", RUN_MAX_PARALLEL);
		return FTPS_ERR_USAGE;
	}
	r->max_delete = m ? (int)strtol(m, &end, 10) : MAX_DELETE_DEFAULT;
	if (m && (!*m || *end || r->max_delete < 0)) {
		app_error("mirror: --max-delete takes a number");
		return FTPS_ERR_USAGE;
	}
	r->src = args_text(args, 0);
	if (args->argc > 1) {
		r->dst = args_text(args, 1);
		return 0;
	}
	/* The default target is the source's last name; one that would be
	 * the current directory or its parent ("src/.", "a/../", "./") is
	 * refused: with -e it would be emptied. */
	size_t n = strlen(r->src);
	while (n > 0 && r->src[n - 1] == '/')
		n--;
	const char *slash = memrchr(r->src, '/', n);
	const char *base = slash ? slash + 1 : r->src;
	size_t bl = n - (size_t)(base - r->src);
	r->dst_owned = xstrndup(base, bl);
	r->dst = r->dst_owned;
	if (!bl || !strcmp(r->dst, ".") || !strcmp(r->dst, "..")) {
		app_error("mirror: %s: give a TARGET", r->src);
		return FTPS_ERR_USAGE;
	}
	return 0;
}

static char *target_path(const struct mirror_run *r, const char *rel)
{
	size_t n = strlen(r->dst);
	return *rel ? xasprintf("%s%s%s", r->dst, r->dst[n - 1] == '/' ? "" : "/", rel)
		    : xstrdup(r->dst);
}

/* A directory on the target side. */
static int make_dir(struct mirror_run *r, const char *rel)
{
	char *path = target_path(r, rel);
	int rc = 0;
	if (r->o.reverse) {
		rc = ftp_mkdir(r->a->ftp, path);
		if (rc < 0)
			print_untrusted(stderr, "ftps: mirror: mkdir: ", ftp_error(r->a->ftp));
	} else if (mkdir(path, 0777) < 0 && errno != EEXIST) {
		app_error("mirror: %s: %s", path, strerror(errno));
		rc = FTPS_ERR_LOCAL;
	}
	free(path);
	return rc;
}

static int remove_one(struct mirror_run *r, const struct mirror_step *st)
{
	char *path = target_path(r, st->rel);
	int dir = st->act == MIRROR_REMOVE_DIR, rc = 0;
	if (r->o.reverse) {
		rc = dir ? ftp_rmdir(r->a->ftp, path) : ftp_delete(r->a->ftp, path);
		if (rc < 0)
			print_untrusted(stderr, "ftps: mirror: ", ftp_error(r->a->ftp));
	} else if ((dir ? rmdir(path) : unlink(path)) < 0) {
		app_error("mirror: %s: %s", path, strerror(errno));
		rc = FTPS_ERR_LOCAL;
	}
	free(path);
	return rc;
}

static size_t count_removals(const struct mirror_plan *p)
{
	size_t n = 0;
	for (size_t i = 0; i < p->n; i++)
		n += p->v[i].act == MIRROR_REMOVE || p->v[i].act == MIRROR_REMOVE_DIR;
	return n;
}

/* Removals come last and only when everything before them worked: a
 * broken run must not turn into an empty source that wipes a backup. */
static int remove_all(struct mirror_run *r, const struct mirror_plan *p, int rc)
{
	size_t n = count_removals(p);
	if (!n)
		return rc;
	if (rc < 0 || r->failed || p->incomplete) {
		printf("mirror: not deleting anything: the run had failures\n");
		return rc < 0 ? rc : FTPS_ERR_REFUSED;
	}
	if (n > (size_t)r->max_delete) {
		printf("mirror: not deleting: %zu files would be removed, more than "
		       "--max-delete %d\n", n, r->max_delete);
		return FTPS_ERR_REFUSED;
	}
	for (size_t i = 0; i < p->n && rc == 0; i++) {
		const struct mirror_step *st = &p->v[i];
		if (st->act != MIRROR_REMOVE && st->act != MIRROR_REMOVE_DIR)
			continue;
		rc = remove_one(r, st);
		if (rc == 0) {
			say_step(st->act, st->rel);
			r->counts[st->act]++;
		}
	}
	return rc;
}

/* New and updated files are counted once they arrived: the k-th transfer
 * step is the k-th job. */
static void count_transfers(struct mirror_run *r, struct mirror_plan *p)
{
	size_t k = 0;
	r->failed = 0;
	p->bytes = 0;
	for (size_t j = 0; j < p->jobs.n; j++) {
		r->failed += p->jobs.v[j].failed != 0;
		if (!p->jobs.v[j].failed && p->jobs.v[j].size > 0)
			p->bytes += p->jobs.v[j].size;
	}
	for (size_t i = 0; i < p->n; i++) {
		enum mirror_action act = p->v[i].act;
		if (act != MIRROR_NEW && act != MIRROR_UPDATE)
			continue;
		if (k < p->jobs.n && !p->jobs.v[k].failed)
			r->counts[act]++;
		k++;
	}
}

static int execute(struct mirror_run *r, struct mirror_plan *p)
{
	int rc = p->target_missing ? make_dir(r, "") : 0;
	for (size_t i = 0; i < p->n && rc == 0; i++) {
		const struct mirror_step *st = &p->v[i];
		if (st->act == MIRROR_MKDIR)
			rc = make_dir(r, st->rel);
		if (rc == 0 && st->act <= MIRROR_UPDATE && r->verbose)
			say_step(st->act, st->rel);
		if (rc == 0 && st->act == MIRROR_MKDIR)
			r->counts[st->act]++;
	}
	/* Until the runner says otherwise, a job is not done. */
	for (size_t j = 0; j < p->jobs.n; j++)
		p->jobs.v[j].failed = 1;
	if (rc == 0 && p->jobs.n > 0) {
		struct run_opts ro = { r->resume, r->parallel, 0 };
		int failures = 0;
		rc = run_jobs_counted(r->a, &p->jobs, &ro, &failures);
	}
	count_transfers(r, p);
	if (p->incomplete && !r->failed)
		r->failed = (int)p->incomplete;
	return remove_all(r, p, rc);
}

static void summary(const struct mirror_run *r, const struct mirror_plan *p,
		    double secs)
{
	char bytes[32];
	human_bytes(p->bytes, bytes, sizeof(bytes));
	printf("mirror: %zu new, %zu updated, %zu removed, %zu unchanged, %s in "
	       "%.1f s, %d failed\n", r->counts[MIRROR_NEW], r->counts[MIRROR_UPDATE],
	       r->counts[MIRROR_REMOVE] + r->counts[MIRROR_REMOVE_DIR], p->unchanged,
	       bytes, secs, r->failed);
}

static void dry_run(struct mirror_run *r, const struct mirror_plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		say_step(p->v[i].act, p->v[i].rel);
		r->counts[p->v[i].act]++;
	}
}

/* --checksum: src and dst are the remote and local paths or the other
 * way round (-R). */
static int same_content(void *ctx, const char *src, const char *dst)
{
	struct mirror_run *r = ctx;
	const char *remote = r->o.reverse ? dst : src, *local = r->o.reverse ? src : dst;
	char why[256];
	return xfer_same_content(r->a->ftp, "mirror", remote, local, why, sizeof(why));
}

int cmd_mirror(struct app *a, const struct cmd_args *args)
{
	struct mirror_run r = { .a = a };
	int rc = parse(&r, args);
	if (rc < 0) {
		free(r.dst_owned);
		return rc;
	}
	r.o.max_entries = a->settings.max_entries;
	if (args_has(args, 'C')) {
		if ((rc = require_content_hash(a->ftp, "mirror: --checksum")) < 0) {
			free(r.dst_owned);
			return rc;
		}
		r.o.same_content = same_content;
		r.o.content_ctx = &r;
	}
	r.o.can_set_times = a->settings.preserve &&
			    (!r.o.reverse || (ftp_features(a->ftp) & FEAT_MFMT));
	struct remote_io rio;
	struct plan_io io;
	remote_io_init(&rio, &io, a->ftp, "mirror");
	struct mirror_plan p;
	int64_t t0 = clock_ms();
	rc = remote_io_know_home(&rio);
	if (rc == 0)
		rc = mirror_plan(&io, &r.o, r.src, r.dst, &p);
	remote_io_clear(&rio);
	if (rc < 0) {
		app_error("mirror: nothing changed: the trees could not be listed");
		free(r.dst_owned);
		return rc;
	}
	if (r.dry_run)
		dry_run(&r, &p);
	else
		rc = execute(&r, &p);
	summary(&r, &p, (double)(clock_ms() - t0) / 1000);
	if (r.dry_run)
		printf("mirror: dry run: nothing changed\n");
	mirror_plan_clear(&p);
	free(r.dst_owned);
	return rc < 0 ? rc : r.failed ? FTPS_ERR_REFUSED : 0;
}
