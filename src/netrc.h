/* ~/.netrc lookup. Pure parser plus a file reader. */
#ifndef FTPS_NETRC_H
#define FTPS_NETRC_H

#include <stddef.h>

/* Parse netrc text (tokens "machine NAME", "default", "login", "password",
 * "account", "macdef NAME" followed by lines up to a blank line, which are
 * skipped). Find the entry for host (exact, case-insensitive) or else
 * "default". If user is non-NULL, only an entry whose login equals user (or
 * with no login) matches. On a match, *login and *password are newly
 * allocated (either may be NULL if absent) and 1 is returned; 0 if no match.
 * Tokens may be double-quoted with backslash escapes. */
int netrc_lookup_text(const char *text, size_t len, const char *host,
		      const char *user, char **login, char **password);

/* Reads the file (at most 1 MiB) and calls netrc_lookup_text. Returns 1/0 as
 * above, or FTPS_ERR_LOCAL (*why: static text) if it exists but cannot be
 * read, is not a regular file, or gives a password while group or others
 * have any access to it. A missing file is 0. */
int netrc_lookup_file(const char *path, const char *host, const char *user,
		      char **login, char **password, const char **why);

/* The host names of the "machine" entries, in order (macro bodies and
 * values are never taken for hosts), at most NETRC_MACHINES_MAX; for
 * completion. *out newly allocated, each name too. The _file form reads
 * like netrc_lookup_file and gives 0 for anything it cannot read. */
#define NETRC_MACHINES_MAX 1000
size_t netrc_machines_text(const char *text, size_t len, char ***out);
size_t netrc_machines_file(const char *path, char ***out);

#endif
