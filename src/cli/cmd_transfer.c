/* File transfers: get and put. Downloads land in NAME.part and replace NAME
 * only once the server confirmed the whole file. */
#include "cli/app.h"
#include "cli/commands.h"
#include "ftp/session.h"
#include "proto/listing.h"
#include "util/error.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *last_component(const char *path)
{
	size_t len = strlen(path);
	while (len > 1 && path[len - 1] == '/')
		len--;
	const char *slash = memrchr(path, '/', len);
	return slash ? slash + 1 : path;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void summary(struct app *a, const char *name, int64_t bytes, double t0)
{
	if (!a->interactive)
		return;
	double dt = now_s() - t0;
	char *shown = xstrdup(name);
	print_untrusted(stdout, "", shown);
	printf("  %lld bytes in %.2f s (%.1f MB/s)\n", (long long)bytes, dt,
	       dt > 0 ? (double)bytes / dt / 1e6 : 0.0);
	free(shown);
}

static int write_fd(void *ctx, const void *buf, size_t n)
{
	int fd = *(int *)ctx;
	const char *p = buf;
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static ssize_t read_fd(void *ctx, void *buf, size_t n)
{
	int fd = *(int *)ctx;
	for (;;) {
		ssize_t r = read(fd, buf, n);
		if (r < 0 && errno == EINTR)
			continue;
		return r;
	}
}

/* Where a download goes: LOCAL, LOCAL/NAME if LOCAL is a directory, or NAME
 * in the current directory. */
static char *download_target(const char *remote, const char *local)
{
	const char *base = last_component(remote);
	struct stat st;
	if (local && !(stat(local, &st) == 0 && S_ISDIR(st.st_mode)))
		return xstrdup(local);
	if (!entry_name_is_safe(base))
		return NULL;
	return local ? xasprintf("%s/%s", local, base) : xstrdup(base);
}

static mode_t file_mode(void)
{
	mode_t mask = umask(0);
	umask(mask);
	return 0666 & ~mask;
}

int cmd_get(struct app *a, int argc, char **argv)
{
	const char *remote = argv[1];
	char *local = download_target(remote, argc > 2 ? argv[2] : NULL);
	if (!local) {
		app_error("get: %s: cannot derive a local file name; give one",
			  remote);
		return FTPS_ERR_USAGE;
	}
	char *part = xasprintf("%s.part", local);
	/* 0600 while incomplete: a half file is nobody else's business. */
	int fd = open(part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		app_error("get: %s: %s", part, strerror(errno));
		free(part);
		free(local);
		return FTPS_ERR_LOCAL;
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	struct ftp_sink sink = { write_fd, &fd };
	int64_t moved = 0;
	double t0 = now_s();
	int rc = ftp_retrieve(a->ftp, remote, 0, -1, &sink, &moved);
	if (rc == 0 && fchmod(fd, file_mode()) < 0)
		rc = FTPS_ERR_LOCAL;
	if (close(fd) < 0 && rc == 0)
		rc = FTPS_ERR_LOCAL;
	if (rc == 0 && rename(part, local) < 0)
		rc = FTPS_ERR_LOCAL;
	if (rc == FTPS_ERR_LOCAL) {
		app_error("get: %s: %s", local, strerror(errno));
	} else if (rc < 0) {
		char *prefix = xasprintf("ftps: get: %s: ", remote);
		print_untrusted(stderr, prefix, ftp_error(a->ftp));
		free(prefix);
	}
	if (rc < 0 && moved == 0)
		unlink(part); /* nothing worth resuming */
	if (rc == 0)
		summary(a, local, moved, t0);
	free(part);
	free(local);
	return rc;
}

int cmd_put(struct app *a, int argc, char **argv)
{
	const char *local = argv[1];
	const char *remote = argc > 2 ? argv[2] : last_component(local);
	int fd = open(local, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		app_error("put: %s: %s", local, strerror(errno));
		if (fd >= 0)
			close(fd);
		return FTPS_ERR_LOCAL;
	}
	if (!S_ISREG(st.st_mode)) {
		app_error("put: %s: not a regular file", local);
		close(fd);
		return FTPS_ERR_LOCAL;
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	struct ftp_source src = { read_fd, &fd };
	int64_t moved = 0;
	double t0 = now_s();
	int rc = ftp_store(a->ftp, remote, 0, st.st_size, &src, &moved);
	close(fd);
	if (rc < 0) {
		char *prefix = xasprintf("ftps: put: %s: ", local);
		print_untrusted(stderr, prefix, ftp_error(a->ftp));
		free(prefix);
		return rc;
	}
	if (moved != st.st_size) {
		app_error("put: %s changed size while being sent (%lld of %lld bytes)",
			  local, (long long)moved, (long long)st.st_size);
		return FTPS_ERR_LOCAL;
	}
	summary(a, remote, moved, t0);
	return 0;
}
