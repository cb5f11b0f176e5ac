/* Assembling FTP replies (RFC 959 4.2) from a byte stream. Pure: no I/O. */
#ifndef FTPS_REPLY_H
#define FTPS_REPLY_H

#include <stddef.h>

#define REPLY_MAX_LINE 8192   /* longest reply line accepted, bytes */
#define REPLY_MAX_LINES 1000  /* most lines in one multi-line reply */

struct ftp_reply {
	int code;        /* 100..599 */
	char *text;      /* all lines, '\n'-joined, without CR, NUL-terminated;
	                  * embedded NULs from the server are kept as bytes
	                  * (text_len tells the length) */
	size_t text_len;
	size_t nlines;
};

struct reply_parser;  /* opaque */

struct reply_parser *reply_parser_new(void);
void reply_parser_free(struct reply_parser *p); /* accepts NULL */

/* Feed up to len bytes. Returns the number of bytes consumed (it stops right
 * after the last line of a complete reply, so the caller keeps the rest for
 * the next reply), or a negative ftps_err:
 *   FTPS_ERR_TOOLONG  a line longer than REPLY_MAX_LINE or more than
 *                     REPLY_MAX_LINES lines
 *   FTPS_ERR_PROTO    a first line that does not start with 3 digits
 *                     (100..599) followed by ' ' or '-'
 * After a complete reply, reply_parser_done() is true and
 * reply_parser_take() hands it over (and resets the parser). Lines end in
 * "\r\n" or a bare "\n". A multi-line reply "123-..." ends at a line starting
 * with "123 " (same code, space); lines in between may be anything (FEAT
 * lines start with a space). */
long reply_parser_feed(struct reply_parser *p, const char *buf, size_t len);
int reply_parser_done(const struct reply_parser *p);
/* Moves the reply into *out (caller calls ftp_reply_clear). */
void reply_parser_take(struct reply_parser *p, struct ftp_reply *out);
void reply_parser_reset(struct reply_parser *p);

void ftp_reply_clear(struct ftp_reply *r); /* frees text, zeroes */

#endif
