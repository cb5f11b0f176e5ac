/* A sink written from a thread of its own, one buffer in flight: the disk
 * (page cache copies, a slow device) and the network (receiving,
 * decrypting) overlap instead of taking turns. Engine-internal. */
#ifndef FTPS_WRITER_H
#define FTPS_WRITER_H

#include <stddef.h>

struct ftp_sink;
struct writer;

/* A writer for sink with one spare buffer of size bytes; NULL if no
 * thread could be started (then write directly). */
struct writer *writer_new(struct ftp_sink *sink, size_t size);
/* Hand *buf (len bytes) to the writer and get its other buffer in *buf,
 * once the write before has finished. 0, or -1 with errno from a failed
 * earlier write (then *buf is unchanged). */
int writer_put(struct writer *w, char **buf, size_t len);
/* Wait for the last write. 0, or -1 with errno of a failed one. */
int writer_finish(struct writer *w);
void writer_free(struct writer *w); /* after writer_finish; NULL ok */

#endif
