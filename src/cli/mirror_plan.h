/* Planning a mirror: both trees listed first (one listing per directory,
 * nothing per file), compared by rsync's quick check (size and time), and
 * turned into steps before anything changes. Like transfer_plan.c it sees
 * the server and the disk only through struct plan_io. */
#ifndef FTPS_MIRROR_PLAN_H
#define FTPS_MIRROR_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "cli/transfer_plan.h"

struct mirror_opts {
	int reverse;          /* -R: local SOURCE to remote TARGET */
	int delete;           /* -e: remove what the source lacks */
	int only_newer;       /* -n */
	int only_missing;     /* --only-missing */
	int no_dotfiles;      /* --no-dotfiles */
	char *const *exclude; /* -x GLOB..., matched on the path and the name */
	int n_exclude;
	char *const *include; /* -i GLOB...: files must match one */
	int n_include;
	/* The target keeps the times we give it (futimens; MFMT on the
	 * server). Where it cannot, a target file of the same size that is
	 * newer than its source is up to date. */
	int can_set_times;
	int max_entries;      /* set max-entries, for each tree */
	/* --checksum: for files of the same size, compare contents (the
	 * server's hash and ours) instead of times: 1 same, 0 not. */
	int (*same_content)(void *ctx, const char *src, const char *dst);
	void *content_ctx;
};

enum mirror_action { MIRROR_MKDIR, MIRROR_NEW, MIRROR_UPDATE, MIRROR_REMOVE,
		     MIRROR_REMOVE_DIR };

struct mirror_step {
	enum mirror_action act;
	char *rel;            /* relative to the tree roots */
};

struct mirror_plan {
	struct mirror_step *v; /* mkdirs (parents first), transfers, then
	                        * removals (children first) */
	size_t n;
	struct jobs jobs;      /* the transfers, for transfer_run.c */
	size_t unchanged;      /* files already up to date */
	int64_t bytes;         /* to transfer (sizes known from listings) */
	int target_missing;    /* the target root itself must be made */
	size_t incomplete;     /* entries that cannot be mirrored (unsafe names,
	                        * a file where a directory goes, links in the
	                        * target): reported, they fail the run and
	                        * stop every removal */
};

/* The plan for copying src into dst (remote into local, or local into
 * remote with reverse). 0, or a negative ftps_err with the reason
 * reported: a listing that fails stops the plan, so that nothing is
 * removed on the strength of an incomplete view. */
int mirror_plan(const struct plan_io *io, const struct mirror_opts *o,
		const char *src, const char *dst, struct mirror_plan *out);
void mirror_plan_clear(struct mirror_plan *p);

#endif
