/* Remote commands without file transfers: directories, listings, deletion,
 * renaming, permissions, sizes, times and raw commands. */
#include "cli/app.h"
#include "cli/conn.h"
#include "cli/msg.h"
#include "cli/commands.h"
#include "cli/remote_list.h"
#include "ftp/ops.h"
#include "ftp/session.h"
#include "proto/listing.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/sanitize.h"
#include "util/xmalloc.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define LISTING_MAX (64u * 1024 * 1024)
#define LISTING_MAX_ENTRIES 1000000
#define RM_MAX_DEPTH 64

/* A failed engine call: print its reason under the command's name. */
static int report(struct app *a, const char *cmd, const char *what, int rc)
{
	char *prefix = what ? xasprintf("ftps: %s: %s: ", cmd, what)
			    : xasprintf("ftps: %s: ", cmd);
	print_untrusted(stderr, prefix, ftp_error(a->ftp));
	free(prefix);
	return rc;
}

/* cd -: back to the directory the last cd left, as in a shell. */
int cmd_cd(struct app *a, const struct cmd_args *args)
{
	const char *dir = args_text(args, 0);
	if (!strcmp(dir, "-")) {
		if (!a->prev_remote_dir) {
			app_error("cd -: no previous remote directory");
			return FTPS_ERR_USAGE;
		}
		dir = a->prev_remote_dir;
	}
	char *target = xstrdup(dir);
	int rc = app_cd(a, target);
	if (rc < 0)
		report(a, "cd", target, rc);
	free(target);
	return rc;
}

int cmd_cdup(struct app *a, const struct cmd_args *args)
{
	(void)args;
	int rc = app_cd(a, NULL);
	return rc < 0 ? report(a, "cdup", NULL, rc) : 0;
}

int cmd_pwd(struct app *a, const struct cmd_args *args)
{
	(void)args;
	char *path = NULL;
	int rc = ftp_pwd(a->ftp, &path);
	if (rc < 0)
		return report(a, "pwd", NULL, rc);
	print_untrusted(stdout, "Remote working directory: ", path);
	free(path);
	return 0;
}

/* --- ls, dir, nlist --- */

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

struct listing {
	struct ftp_entry *v;
	char **raw;      /* lines no parser understood, shown as they came */
	size_t n;
};

static void listing_free(struct listing *l)
{
	for (size_t i = 0; i < l->n; i++) {
		ftp_entry_clear(&l->v[i]);
		free(l->raw[i]);
	}
	free(l->v);
	free(l->raw);
}

/* What ls shows and how it orders it; options applied here, on the parsed
 * listing, so that every server gives the same answer. */
struct ls_opts {
	int longform, all, by_time, by_size, reverse;
	const char *pattern; /* keep only names matching it (a glob) */
	const char *prefix;  /* shown before each name ("dir/") */
	const char *named;   /* a path typed in full: its own entry shows even
	                      * when it starts with a dot (ls .hidden) */
};

static int keep_entry(const struct ftp_entry *e, const struct ls_opts *o)
{
	if (!strcmp(e->name, ".") || !strcmp(e->name, ".."))
		return 0;
	if (o->pattern)
		return fnmatch(o->pattern, e->name, FNM_PERIOD) == 0;
	if (o->named && (!strcmp(e->name, o->named) ||
			 !strcmp(path_base(e->name), path_base(o->named))))
		return 1;
	return o->all || e->name[0] != '.';
}

static void parse_all(const char *data, size_t len, int mlsd, int64_t now,
		      const struct ls_opts *o, struct listing *out)
{
	memset(out, 0, sizeof(*out));
	for (const char *p = data, *end = data + len;
	     p < end && out->n < LISTING_MAX_ENTRIES;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = xstrndup(p, l > 0 && p[l - 1] == '\r' ? l - 1 : l);
		p += l + (nl ? 1 : 0);
		struct ftp_entry e;
		int rc = mlsd ? parse_mlsd_line(line, &e) : parse_list_line(line, now, &e);
		int keep_raw = rc < 0 && *line && strncmp(line, "total ", 6) && !o->pattern;
		if (rc == 0 && !keep_entry(&e, o)) {
			ftp_entry_clear(&e);
			rc = -1;
		}
		if (rc < 0 && !keep_raw) {
			free(line);
			continue;
		}
		out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
		out->raw = xrealloc(out->raw, (out->n + 1) * sizeof(*out->raw));
		if (rc < 0)
			memset(&out->v[out->n], 0, sizeof(e));
		else
			out->v[out->n] = e;
		out->raw[out->n++] = rc < 0 ? line : (free(line), NULL);
	}
}

/* Sorting: name (byte order) by default, newest first with -t, largest
 * first with -S, reversed with -r; ties by name. Lines no parser
 * understood stay last, in the server's order. */
static const struct ls_opts *sort_opts;

static int compare_entries(const void *x, const void *y)
{
	const struct ftp_entry *a = x, *b = y;
	if (!a->name || !b->name)
		return !a->name - !b->name;
	int c = 0;
	if (sort_opts->by_time && a->mtime != b->mtime)
		c = a->mtime < b->mtime ? 1 : -1;
	else if (sort_opts->by_size && a->size != b->size)
		c = a->size < b->size ? 1 : -1;
	if (!c)
		c = strcmp(a->name, b->name);
	return sort_opts->reverse ? -c : c;
}

static void sort_listing(struct listing *l, const struct ls_opts *o)
{
	/* Raw lines travel with their (empty) entries: sort index pairs. */
	size_t parsed = 0;
	for (size_t i = 0; i < l->n; i++) {
		if (l->raw[i])
			continue;
		struct ftp_entry e = l->v[i];
		char *r = l->raw[i];
		memmove(&l->v[parsed + 1], &l->v[parsed], (i - parsed) * sizeof(*l->v));
		memmove(&l->raw[parsed + 1], &l->raw[parsed], (i - parsed) * sizeof(*l->raw));
		l->v[parsed] = e;
		l->raw[parsed++] = r;
	}
	sort_opts = o;
	if (parsed > 1)
		qsort(l->v, parsed, sizeof(*l->v), compare_entries);
}

static void add_prefix(struct listing *l, const char *prefix)
{
	for (size_t i = 0; prefix && i < l->n; i++) {
		if (l->raw[i])
			continue;
		char *full = path_join(prefix, l->v[i].name);
		free(l->v[i].name);
		l->v[i].name = full;
	}
}

static void print_long(const struct listing *l, int64_t now)
{
	int width = 1;
	for (size_t i = 0; i < l->n; i++)
		if (!l->raw[i] && l->v[i].size >= 0 && digits(l->v[i].size) > width)
			width = digits(l->v[i].size);
	for (size_t i = 0; i < l->n; i++) {
		if (l->raw[i]) {
			print_untrusted(stdout, "", l->raw[i]);
			continue;
		}
		char *s = format_entry_long(&l->v[i], now, width);
		puts(s);
		free(s);
	}
}

/* Names only: in columns on a terminal, one per line otherwise. */
static void print_short(const struct listing *l)
{
	char **names = xcalloc(l->n + 1, sizeof(*names));
	size_t widest = 0, n = 0;
	for (size_t i = 0; i < l->n; i++) {
		if (l->raw[i])
			continue;
		names[n] = sanitize_str(l->v[i].name);
		if (strlen(names[n]) > widest)
			widest = strlen(names[n]);
		n++;
	}
	struct winsize ws;
	int cols = 1;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col > widest + 2)
		cols = (int)(ws.ws_col / (widest + 2));
	size_t rows = (n + (size_t)cols - 1) / (size_t)cols;
	for (size_t r = 0; r < rows; r++) {
		for (size_t c = 0; c < (size_t)cols; c++) {
			size_t i = c * rows + r;
			if (i >= n)
				continue;
			int last = c + 1 == (size_t)cols || (c + 1) * rows + r >= n;
			if (last)
				fputs(names[i], stdout);
			else
				printf("%-*s", (int)widest + 2, names[i]);
		}
		putchar('\n');
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* One directory (or file) listed, filtered, sorted and printed. */
static int list_one(struct app *a, const char *cmd, const char *path,
		    const struct ls_opts *o)
{
	struct buf out = { 0 };
	struct ftp_sink sink = { sink_buf, &out, NULL };
	int mlsd = 0;
	int rc = ftp_list(a->ftp, path, &mlsd, &sink, LISTING_MAX);
	if (rc < 0) {
		buf_free(&out);
		return report(a, cmd, path, rc);
	}
	struct listing l;
	int64_t now = (int64_t)time(NULL);
	parse_all(out.data ? out.data : "", out.len, mlsd, now, o, &l);
	buf_free(&out);
	sort_listing(&l, o);
	add_prefix(&l, o->prefix);
	if (o->longform)
		print_long(&l, now);
	else
		print_short(&l);
	size_t n = l.n;
	listing_free(&l);
	return o->pattern && n == 0 ? FTPS_ERR_ARG : 0;
}

/* A glob in the last component lists its directory and keeps the matching
 * names; wildcards in earlier components are expanded first, and each
 * matching directory is listed with its path in front of the names. */
static int list_glob(struct app *a, const char *cmd, const struct word *w,
		     struct ls_opts *o)
{
	const char *base = path_base(w->pattern);
	size_t dirlen = (size_t)(base - w->pattern);
	o->pattern = base;
	if (!pattern_is_wild(w->pattern, dirlen)) {
		char *dir = pattern_unescape(w->pattern, dirlen);
		o->prefix = *dir ? dir : NULL;
		int rc = list_one(a, cmd, *dir ? dir : NULL, o);
		free(dir);
		return rc;
	}
	char *dirpat = xstrndup(w->pattern, dirlen);
	struct word dw = { dirpat, dirpat, 1, 0 };
	struct rlist dirs;
	int rc = remote_glob(a->ftp, &dw, &dirs);
	free(dirpat);
	int found = 0;
	for (size_t i = 0; rc == 0 && i < dirs.n; i++) {
		if (dirs.v[i].is_dir == 0)
			continue;
		o->prefix = dirs.v[i].path;
		int one = list_one(a, cmd, dirs.v[i].path, o);
		found |= one == 0;
		if (one < 0 && one != FTPS_ERR_ARG)
			rc = one;
	}
	rlist_clear(&dirs);
	return rc == 0 && !found ? FTPS_ERR_ARG : rc;
}

static int list_common(struct app *a, const char *cmd, const struct cmd_args *args,
		       int longform)
{
	struct ls_opts o = {
		.longform = longform || args_has(args, 'l'),
		.all = args_has(args, 'a'), .by_time = args_has(args, 't'),
		.by_size = args_has(args, 'S'), .reverse = args_has(args, 'r'),
	};
	const struct word *w = args->argc ? &args->argv[0] : NULL;
	o.named = w && !w->wild ? w->text : NULL;
	if (!w || !w->wild)
		return list_one(a, cmd, w ? w->text : NULL, &o);
	int rc = list_glob(a, cmd, w, &o);
	if (rc == FTPS_ERR_ARG) {
		char *safe = sanitize_str(w->text);
		app_error("%s: %s: no match", cmd, safe);
		free(safe);
	}
	return rc;
}

int cmd_ls(struct app *a, const struct cmd_args *args) { return list_common(a, "ls", args, 0); }
int cmd_dir(struct app *a, const struct cmd_args *args) { return list_common(a, "dir", args, 1); }

int cmd_nlist(struct app *a, const struct cmd_args *args)
{
	struct buf out = { 0 };
	struct ftp_sink sink = { sink_buf, &out, NULL };
	const char *path = args_text(args, 0);
	int rc = ftp_nlist(a->ftp, path, &sink, LISTING_MAX);
	if (rc < 0) {
		buf_free(&out);
		return report(a, "nlist", path, rc);
	}
	const char *p = out.data ? out.data : "", *end = p + out.len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *safe = sanitize(p, l > 0 && p[l - 1] == '\r' ? l - 1 : l);
		puts(safe);
		free(safe);
		p += l + (nl ? 1 : 0);
	}
	buf_free(&out);
	return 0;
}

/* --- mkdir, rmdir, rm, rename, chmod --- */

/* mkdir -p: create each component; those that exist answer 550, so only
 * the whole path must exist at the end. */
static int mkdir_parents(struct app *a, const char *path)
{
	char *home = NULL;
	int rc = ftp_pwd(a->ftp, &home);
	if (rc < 0)
		return report(a, "mkdir", path, rc);
	char *copy = xstrdup(path);
	for (char *p = copy + (*copy == '/'); ftp_is_connected(a->ftp); p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		rc = ftp_mkdir(a->ftp, copy);
		*p = c;
		if (!c)
			break;
	}
	free(copy);
	if (rc < 0 && ftp_is_connected(a->ftp) && ftp_cwd(a->ftp, path) == 0)
		rc = ftp_cwd(a->ftp, home); /* it existed already */
	free(home);
	return rc < 0 ? report(a, "mkdir", path, rc) : 0;
}

int cmd_mkdir(struct app *a, const struct cmd_args *args)
{
	int rc = 0;
	for (int i = 0; i < args->argc && rc == 0; i++) {
		const char *dir = args_text(args, i);
		if (args_has(args, 'p'))
			rc = mkdir_parents(a, dir);
		else if ((rc = ftp_mkdir(a->ftp, dir)) < 0)
			report(a, "mkdir", dir, rc);
	}
	return rc;
}

int cmd_rmdir(struct app *a, const struct cmd_args *args)
{
	int rc = 0;
	for (int i = 0; i < args->argc && rc == 0; i++)
		if ((rc = ftp_rmdir(a->ftp, args_text(args, i))) < 0)
			report(a, "rmdir", args_text(args, i), rc);
	return rc;
}

static int rm_tree(struct app *a, const char *dir, int depth, size_t *seen)
{
	if (depth > RM_MAX_DEPTH) {
		app_error("rm: %s: deeper than %d levels", dir, RM_MAX_DEPTH);
		return FTPS_ERR_TOOLONG;
	}
	struct rlist l;
	int rc = remote_list(a->ftp, dir, &l);
	if (rc < 0)
		return report(a, "rm", dir, rc);
	*seen += l.n;
	if (*seen > (size_t)a->settings.max_entries) {
		app_error("rm: stopped after listing %zu entries (set max-entries "
			  "to raise the limit)", *seen);
		rc = FTPS_ERR_TOOLONG;
	}
	for (size_t i = 0; i < l.n && rc == 0; i++) {
		if (rentry_refused(&l.v[i]))
			continue;
		if (l.v[i].is_dir == 1)
			rc = rm_tree(a, l.v[i].path, depth + 1, seen);
		else if ((rc = ftp_delete(a->ftp, l.v[i].path)) < 0)
			report(a, "rm", l.v[i].path, rc);
	}
	rlist_clear(&l);
	if (rc == 0 && (rc = ftp_rmdir(a->ftp, dir)) < 0)
		report(a, "rm", dir, rc);
	return rc;
}

/* "rm -r ..", "rm -r .", "rm -r /": never, as GNU rm refuses. */
static int rm_refused(const char *path)
{
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	const char *slash = memrchr(path, '/', n);
	const char *base = slash ? slash + 1 : path;
	size_t bl = n - (size_t)(base - path);
	if ((bl == 1 && base[0] == '.') || (bl == 2 && !strncmp(base, "..", 2)) ||
	    (n == 1 && path[0] == '/')) {
		app_error("rm: refusing to remove '%s'", path);
		return 1;
	}
	return 0;
}

/* One matched path: a file, or with -r a directory emptied first. A
 * directory without -r is said so, and the other matches still go. */
static int rm_one(struct app *a, const struct rentry *e, int recursive)
{
	if (rm_refused(e->path))
		return FTPS_ERR_USAGE;
	if (!recursive && e->is_dir == 1) {
		app_error("rm: %s: is a directory (use rm -r)", e->path);
		return FTPS_ERR_USAGE;
	}
	int rc = ftp_delete(a->ftp, e->path);
	/* DELE refuses directories: with -r, empty them first. */
	if (rc < 0 && recursive && e->is_dir != 0 && ftp_is_connected(a->ftp))
		return rm_tree(a, e->path, 0, &(size_t){ 0 });
	return rc < 0 ? report(a, "rm", e->path, rc) : 0;
}

int cmd_rm(struct app *a, const struct cmd_args *args)
{
	int recursive = args_has(args, 'r'), failed = 0;
	for (int i = 0; i < args->argc && ftp_is_connected(a->ftp); i++) {
		struct rlist l;
		int rc = remote_glob(a->ftp, &args->argv[i], &l);
		if (rc < 0 && rc != FTPS_ERR_ARG && rc != FTPS_ERR_USAGE)
			report(a, "rm", args_text(args, i), rc);
		if (rc < 0 && !failed)
			failed = rc;
		for (size_t k = 0; k < l.n && ftp_is_connected(a->ftp); k++) {
			rc = rm_one(a, &l.v[k], recursive);
			if (rc < 0 && !failed)
				failed = rc;
		}
		rlist_clear(&l);
	}
	return failed ? failed : ftp_is_connected(a->ftp) ? 0 : FTPS_ERR_CONNECT;
}

int cmd_rename(struct app *a, const struct cmd_args *args)
{
	int rc = ftp_rename(a->ftp, args_text(args, 0), args_text(args, 1));
	return rc < 0 ? report(a, "rename", args_text(args, 0), rc) : 0;
}

int cmd_chmod(struct app *a, const struct cmd_args *args)
{
	const char *mode = args_text(args, 0);
	if (strspn(mode, "01234567") != strlen(mode) || strlen(mode) > 4) {
		app_error("chmod: %s: expected an octal mode such as 644", mode);
		return FTPS_ERR_USAGE;
	}
	int rc = 0;
	for (int i = 1; i < args->argc && rc == 0; i++) {
		struct rlist l;
		rc = remote_glob(a->ftp, &args->argv[i], &l);
		if (rc < 0 && rc != FTPS_ERR_ARG && rc != FTPS_ERR_USAGE)
			report(a, "chmod", args_text(args, i), rc);
		for (size_t k = 0; k < l.n && rc == 0; k++)
			if ((rc = ftp_chmod(a->ftp, mode, l.v[k].path)) < 0)
				report(a, "chmod", l.v[k].path, rc);
		rlist_clear(&l);
	}
	return rc;
}

/* --- size, mtime, quote --- */

int cmd_size(struct app *a, const struct cmd_args *args)
{
	int rc = 0;
	for (int i = 0; i < args->argc && rc == 0; i++) {
		const char *path = args_text(args, i);
		int64_t size;
		if ((rc = ftp_size(a->ftp, path, &size)) < 0) {
			report(a, "size", path, rc);
			break;
		}
		char *safe = sanitize_str(path);
		printf("%s: %lld\n", safe, (long long)size);
		free(safe);
	}
	return rc;
}

int cmd_mtime(struct app *a, const struct cmd_args *args)
{
	int rc = 0;
	for (int i = 0; i < args->argc && rc == 0; i++) {
		const char *path = args_text(args, i);
		int64_t t;
		if ((rc = ftp_mdtm(a->ftp, path, &t)) < 0) {
			report(a, "mtime", path, rc);
			break;
		}
		time_t tt = (time_t)t;
		struct tm tm;
		char when[64];
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %Z", localtime_r(&tt, &tm));
		char *safe = sanitize_str(path);
		printf("%s: %s\n", safe, when);
		free(safe);
	}
	return rc;
}

/* quote/site: the words as typed, one line to the server, its answer shown
 * made safe. A 4xx/5xx answer makes the command fail. */
static int raw_command(struct app *a, const struct cmd_args *args, int site)
{
	struct buf line = { 0 };
	for (int i = 0; i < args->argc; i++)
		buf_printf(&line, "%s%s", line.len ? " " : "", args_text(args, i));
	int rc = site ? ftp_site(a->ftp, line.data) : ftp_raw(a->ftp, line.data);
	buf_free(&line);
	if (rc < 0)
		return report(a, site ? "site" : "quote", NULL, rc);
	/* Line by line, each made safe. */
	const char *t = ftp_last_text(a->ftp);
	char code[16];
	snprintf(code, sizeof(code), "%d ", rc);
	for (int first = 1;; first = 0) {
		size_t l = strcspn(t, "\n");
		char *one = xstrndup(t, l);
		print_untrusted(stdout, first ? code : "    ", one);
		free(one);
		if (!t[l])
			break;
		t += l + 1;
	}
	return rc >= 400 ? FTPS_ERR_REFUSED : 0;
}

int cmd_quote(struct app *a, const struct cmd_args *args) { return raw_command(a, args, 0); }
int cmd_site(struct app *a, const struct cmd_args *args) { return raw_command(a, args, 1); }
