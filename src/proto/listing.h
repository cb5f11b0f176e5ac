/* Directory listing parsers: Unix and DOS style LIST lines, MLSD facts.
 * Pure: no I/O. */
#ifndef FTPS_LISTING_H
#define FTPS_LISTING_H

#include <stdint.h>
#include <stddef.h>

enum entry_type { ENTRY_UNKNOWN, ENTRY_FILE, ENTRY_DIR, ENTRY_LINK };

struct ftp_entry {
	char *name;          /* as sent by the server (may be unsafe!) */
	char *link_target;   /* for Unix "a -> b" symlinks, else NULL */
	enum entry_type type;
	int64_t size;        /* -1 if unknown */
	int64_t mtime;       /* seconds since epoch UTC, -1 if unknown (dates
	                      * before 1970 count as unknown) */
	int mtime_has_time;  /* 0 if only a date was known ("Jan 1 2020") */
	char perms[11];      /* "drwxr-xr-x" or "" if unknown */
	char *owner, *group; /* may be NULL */
	unsigned nlink;      /* 0 if unknown */
};

void ftp_entry_clear(struct ftp_entry *e); /* frees strings, zeroes */

/* Parse one LIST line (no line terminator). Recognises Unix "ls -l" lines
 * (with or without the group column, with "Mon DD HH:MM" — year inferred
 * from now_epoch: the most recent such date not more than ~6 months in the
 * future — or "Mon DD YYYY") and DOS/IIS lines ("MM-DD-YY HH:MMAM <DIR> name"
 * or size). Names may contain spaces (everything after the date field).
 * Returns 0 and fills *e, or FTPS_ERR_PROTO for lines that are not entries
 * (e.g. "total 12"). */
int parse_list_line(const char *line, int64_t now_epoch, struct ftp_entry *e);

/* Parse one MLSD line "fact=value;fact=value; name" (RFC 3659 7): type
 * (file, dir, cdir, pdir, OS.unix=symlink...), size, modify
 * (YYYYMMDDHHMMSS[.sss]), UNIX.mode (octal, to fill perms), unix.owner/
 * unix.group or UNIX.uid/UNIX.gid. Fact names are case-insensitive. The name
 * is everything after the first space. Returns 0, FTPS_ERR_PROTO otherwise.
 * Entries of type cdir/pdir are returned with type ENTRY_DIR and names "." /
 * ".." as the server gave them; callers skip them. */
int parse_mlsd_line(const char *line, struct ftp_entry *e);

/* Split a whole listing buffer into lines ("\r\n" or "\n") and parse each with
 * the parser above (mlsd nonzero: MLSD). Unparseable lines are skipped.
 * Bounded: at most max_entries entries (FTPS_ERR_TOOLONG beyond).
 * *out is a newly allocated array of *n entries (free with
 * ftp_entries_free). */
int parse_listing(const char *buf, size_t len, int mlsd, int64_t now_epoch,
		  size_t max_entries, struct ftp_entry **out, size_t *n);
void ftp_entries_free(struct ftp_entry *v, size_t n);

/* Format an entry like "ls -l": perms (or "-rw-r--r--"-style synthesised
 * from type when unknown: "d---------"/"----------"), nlink, owner, group,
 * size right-aligned in width size_w, date "Mon DD HH:MM" if within six
 * months of now else "Mon DD  YYYY" (local time), then the name (SANITIZED
 * via sanitize()), and " -> target" for links. Newly allocated, no newline. */
char *format_entry_long(const struct ftp_entry *e, int64_t now_epoch, int size_w);

/* Non-zero if name is safe to use as a single local file name: not empty, not
 * "." or "..", no '/', no '\\', no control characters (bytes < 0x20, 0x7f). */
int entry_name_is_safe(const char *name);

#endif
