/* Make untrusted (server-supplied) text safe to print on a terminal. */
#ifndef FTPS_SANITIZE_H
#define FTPS_SANITIZE_H

#include <stddef.h>

/* Returns a newly allocated NUL-terminated copy of the len bytes at s where
 * every control character (C0 except none, DEL, C1 as UTF-8 U+0080..U+009F),
 * every byte that is not part of valid UTF-8, and backslash are replaced by
 * visible escapes: "\e" for ESC, "\t", "\r", "\n", "\\" and "\xHH" otherwise.
 * Valid printable UTF-8 (e.g. "é", "日本") passes through unchanged.
 * Embedded NUL bytes are escaped as "\x00". Caller frees. Never NULL. */
char *sanitize(const char *s, size_t len);

/* Same as sanitize(s, strlen(s)). */
char *sanitize_str(const char *s);

#endif
