/* Remote directory listings as data: listing, globbing and walking, with
 * every server-supplied name checked before it can become a local path. */
#ifndef FTPS_REMOTE_LIST_H
#define FTPS_REMOTE_LIST_H

#include <stddef.h>
#include <stdint.h>

#include "cli/argv.h"
#include "proto/listing.h"

struct ftp_session;

struct rentry {
	char *path;     /* remote path to use in commands ("dir/name") */
	char *name;     /* the last component, checked with entry_name_is_safe */
	int is_dir;     /* 1 dir, 0 file (or link), -1 unknown */
	int64_t size;   /* -1 unknown */
	int64_t mtime;  /* -1 unknown */
	int unsafe;     /* the name fails entry_name_is_safe: never use it */
	int is_link;    /* a symbolic link on the server */
	int64_t list_mtime; /* the listing's own time, even when imprecise */
	int mtime_prec; /* its precision in seconds: 0 (MLSD), 60 (LIST with
	                 * a time), 86400 (LIST with a date only); -1 unknown */
};

struct rlist {
	struct rentry *v;
	size_t n;
};

void rlist_clear(struct rlist *l);

/* Non-zero if s holds glob characters (* ? [). */
int has_glob(const char *s);

/* Entries of directory dir (NULL or "" for the current one), without "."
 * and "..". Unsafe names are kept but marked: see rentry_refused. 0 or a
 * negative ftps_err (ftp_error() says why). */
int remote_list(struct ftp_session *s, const char *dir, struct rlist *out);

/* Non-zero, after a warning, for an entry whose name must not be used: a
 * hostile server must not steer a write outside the target directory. */
int rentry_refused(const struct rentry *e);

/* Expand a typed word: its unquoted wildcards are matched (fnmatch, no
 * leading dot unless the pattern has one) component by component against
 * directory listings ("logs/2026-* /app-?.log" without the space); quoted
 * ones are literal. A word without wildcards gives itself, type unknown.
 * Sorted by path. No match is FTPS_ERR_ARG with a message printed. */
int remote_glob(struct ftp_session *s, const struct word *w, struct rlist *out);

/* In the pattern form of a word (struct word): the literal text of its
 * first len bytes, and whether they hold an unquoted wildcard. */
char *pattern_unescape(const char *pattern, size_t len);
int pattern_is_wild(const char *pattern, size_t len);

/* Join a directory and a name ("" or NULL dir: just the name). */
char *path_join(const char *dir, const char *name);
const char *path_base(const char *path);

#endif
