/* known_servers: the keys a person decided to trust, one line per host and
 * port, in the spirit of OpenSSH's known_hosts.
 *
 *   # comment
 *   HOST PORT SHA256:BASE64PIN YYYY-MM-DD [# certificate subject]
 *
 * The pin is the SHA-256 of the certificate's public key, so a renewed
 * certificate with the same key still matches. Lines starting with '@' are
 * reserved for later use: kept and ignored. Anything else that does not parse
 * is an error naming the line: a corrupt file never trusts silently. */
#ifndef FTPS_STORE_H
#define FTPS_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "trust/verify.h"

struct known_entry {
	char *host;
	uint16_t port;
	char pin[PIN_MAX];
	char date[16];      /* YYYY-MM-DD when added, or "" */
	char *comment;      /* text after '#', or NULL */
	size_t line;        /* 1-based line number in the file */
};

struct known_list {
	struct known_entry *v;
	size_t n;
};

/* Pure parser. 0, or FTPS_ERR_PROTO with *bad_line and *why (static text)
 * set for the first malformed line. */
int known_parse(const char *text, size_t len, struct known_list *out,
		size_t *bad_line, const char **why);
void known_list_clear(struct known_list *l);
/* The entry for host (case-insensitive) and port, or NULL. */
const struct known_entry *known_find(const struct known_list *l,
				     const char *host, uint16_t port);
/* What known_servers says about a key a server presents, as OpenSSH's
 * check_key_in_hostkeys(): KNOWN_OK, its key is pinned for host:port;
 * KNOWN_NEW, nothing is pinned there; KNOWN_CHANGED, another key is (the
 * alarm). Only the first line for host:port counts, as in known_find(). */
enum known_status { KNOWN_OK, KNOWN_NEW, KNOWN_CHANGED };
/* Pure classifier: no I/O. *match (when match is not NULL) is the line for
 * host:port, or NULL for KNOWN_NEW. */
enum known_status known_check(const struct known_list *l, const char *host,
			      uint16_t port, const char *pin,
			      const struct known_entry **match);
/* Non-zero if s looks like "SHA256:" + 43 base64 characters. */
int pin_is_valid(const char *s);

/* File operations. Errors come back as a newly allocated message in *err
 * naming the file (and line). */
/* A missing file is an empty list. */
int known_load(const char *path, struct known_list *out, char **err);
/* Add or replace the line for host:port, atomically: lock, re-read, write a
 * temporary file (0600) in the same directory, fsync, rename. Creates the
 * directory (0700) when missing. subject may be NULL. A symbolic link is
 * followed and its target replaced; a character device (/dev/null) stores
 * nothing: KNOWN_NOT_STORED; any other non-regular file is an error.
 * Reading refuses a file that group or others may write, or that another
 * user owns (root excepted). */
#define KNOWN_NOT_STORED 1
int known_add(const char *path, const char *host, uint16_t port,
	      const char *pin, const char *subject, char **err);
/* Remove host's lines (only port's when port != 0). *removed counts them. */
int known_remove(const char *path, const char *host, uint16_t port,
		 size_t *removed, char **err);

/* $XDG_CONFIG_HOME/known_servers, else ~/.config/known_servers. Newly
 * allocated; NULL when neither variable is set. */
char *known_default_path(void);

#endif
