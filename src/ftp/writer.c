#include "ftp/writer.h"
#include "ftp/session.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

struct writer {
	struct ftp_sink *sink;
	pthread_t tid;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	char *spare;    /* free for the caller */
	char *pending;  /* being written, or waiting to be */
	size_t len;
	int busy, stop, err;
};

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!w->busy && !w->stop)
			pthread_cond_wait(&w->cond, &w->lock);
		if (!w->busy)
			break;
		char *p = w->pending;
		size_t n = w->len;
		pthread_mutex_unlock(&w->lock);
		int rc = w->sink->write(w->sink->ctx, p, n);
		int e = errno;
		pthread_mutex_lock(&w->lock);
		if (rc < 0 && !w->err)
			w->err = e ? e : EIO;
		w->spare = p;
		w->busy = 0;
		pthread_cond_broadcast(&w->cond);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

struct writer *writer_new(struct ftp_sink *sink, size_t size)
{
	struct writer *w = xcalloc(1, sizeof(*w));
	w->sink = sink;
	w->spare = xmalloc_pages(size);
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	if (pthread_create(&w->tid, NULL, writer_main, w) != 0) {
		pthread_mutex_destroy(&w->lock);
		pthread_cond_destroy(&w->cond);
		free(w->spare);
		free(w);
		return NULL;
	}
	return w;
}

/* Wait until nothing is in flight; the lock is held. */
static void wait_idle(struct writer *w)
{
	while (w->busy)
		pthread_cond_wait(&w->cond, &w->lock);
}

int writer_put(struct writer *w, char **buf, size_t len)
{
	pthread_mutex_lock(&w->lock);
	wait_idle(w);
	int err = w->err;
	if (!err) {
		char *next = w->spare;
		w->pending = *buf;
		w->len = len;
		w->spare = NULL;
		w->busy = 1;
		pthread_cond_broadcast(&w->cond);
		*buf = next;
	}
	pthread_mutex_unlock(&w->lock);
	errno = err;
	return err ? -1 : 0;
}

int writer_finish(struct writer *w)
{
	pthread_mutex_lock(&w->lock);
	wait_idle(w);
	w->stop = 1;
	pthread_cond_broadcast(&w->cond);
	int err = w->err;
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->tid, NULL);
	errno = err;
	return err ? -1 : 0;
}

void writer_free(struct writer *w)
{
	if (!w)
		return;
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->cond);
	free(w->spare);
	free(w);
}
