/* Remote directory commands: cd, pwd, ls. */
#include "cli/app.h"
#include "cli/commands.h"
#include "ftp/session.h"
#include "proto/listing.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LISTING_MAX (64u * 1024 * 1024)
#define LISTING_MAX_ENTRIES 1000000

/* A failed engine call: print its reason under the command's name. */
static int report(struct app *a, const char *cmd, int rc)
{
	char *prefix = xasprintf("ftps: %s: ", cmd);
	print_untrusted(stderr, prefix, ftp_error(a->ftp));
	free(prefix);
	return rc;
}

int cmd_cd(struct app *a, int argc, char **argv)
{
	(void)argc;
	int rc = ftp_cwd(a->ftp, argv[1]);
	return rc < 0 ? report(a, "cd", rc) : 0;
}

int cmd_pwd(struct app *a, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	char *path = NULL;
	int rc = ftp_pwd(a->ftp, &path);
	if (rc < 0)
		return report(a, "pwd", rc);
	print_untrusted(stdout, "Remote working directory: ", path);
	free(path);
	return 0;
}

static int sink_buf(void *ctx, const void *p, size_t n)
{
	buf_append(ctx, p, n);
	return 0;
}

static int digits(int64_t v)
{
	int d = 1;
	while (v >= 10) {
		v /= 10;
		d++;
	}
	return d;
}

/* Parse every line; show parsed entries uniformly and anything the parsers
 * do not understand as it came (made safe), so nothing is silently lost. */
static void print_listing(const char *data, size_t len, int mlsd)
{
	int64_t now = (int64_t)time(NULL);
	struct ftp_entry *v = NULL;
	char **raw = NULL;
	size_t n = 0;
	int width = 1;

	for (const char *p = data, *end = data + len; p < end && n < LISTING_MAX_ENTRIES;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = xstrndup(p, l > 0 && p[l - 1] == '\r' ? l - 1 : l);
		p += l + (nl ? 1 : 0);
		struct ftp_entry e;
		int rc = mlsd ? parse_mlsd_line(line, &e)
			      : parse_list_line(line, now, &e);
		if (rc < 0) {
			if (*line && strncmp(line, "total ", 6)) {
				v = xrealloc(v, (n + 1) * sizeof(*v));
				raw = xrealloc(raw, (n + 1) * sizeof(*raw));
				memset(&v[n], 0, sizeof(v[n]));
				raw[n++] = line;
			} else {
				free(line);
			}
			continue;
		}
		free(line);
		if (!strcmp(e.name, ".") || !strcmp(e.name, "..")) {
			ftp_entry_clear(&e);
			continue;
		}
		v = xrealloc(v, (n + 1) * sizeof(*v));
		raw = xrealloc(raw, (n + 1) * sizeof(*raw));
		v[n] = e;
		raw[n++] = NULL;
		if (e.size >= 0 && digits(e.size) > width)
			width = digits(e.size);
	}
	for (size_t i = 0; i < n; i++) {
		if (raw[i]) {
			print_untrusted(stdout, "", raw[i]);
			free(raw[i]);
			continue;
		}
		char *s = format_entry_long(&v[i], now, width);
		puts(s);
		free(s);
		ftp_entry_clear(&v[i]);
	}
	free(v);
	free(raw);
}

int cmd_ls(struct app *a, int argc, char **argv)
{
	struct buf out = { 0 };
	struct ftp_sink sink = { sink_buf, &out };
	int mlsd = 0;
	int rc = ftp_list(a->ftp, argc > 1 ? argv[1] : NULL, &mlsd, &sink,
			  LISTING_MAX);
	if (rc < 0) {
		buf_free(&out);
		return report(a, "ls", rc);
	}
	print_listing(out.data ? out.data : "", out.len, mlsd);
	buf_free(&out);
	return 0;
}
