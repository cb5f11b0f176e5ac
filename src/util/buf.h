/* A growable byte buffer, always NUL-terminated for convenience. */
#ifndef FTPS_BUF_H
#define FTPS_BUF_H

#include <stddef.h>

struct buf {
	char *data;   /* NULL until the first append */
	size_t len;
	size_t cap;
};

void buf_append(struct buf *b, const void *p, size_t n);
void buf_append_str(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Remove the first n bytes. */
void buf_consume(struct buf *b, size_t n);
void buf_reset(struct buf *b);   /* length 0, keeps memory */
void buf_free(struct buf *b);    /* frees, zeroes */
/* Hand over the data (NUL-terminated, never NULL); the buffer is emptied. */
char *buf_steal(struct buf *b);

#endif
