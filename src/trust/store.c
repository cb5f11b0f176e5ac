#include "trust/store.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/xdg.h"
#include "util/xmalloc.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define KNOWN_MAX_BYTES (4u * 1024 * 1024)
#define FIELD_MAX 1024

int pin_is_valid(const char *s)
{
	if (strncmp(s, "SHA256:", 7))
		return 0;
	size_t n = 0;
	for (s += 7; *s; s++, n++)
		if (!isalnum((unsigned char)*s) && *s != '+' && *s != '/')
			return 0;
	return n == 43;
}

/* Split off the next space-separated field; NULL at the end or at '#'. */
static char *next_field(char **p)
{
	char *s = *p + strspn(*p, " \t");
	if (*s == '\0' || *s == '#')
		return NULL;
	char *end = s + strcspn(s, " \t");
	if (*end)
		*end++ = '\0';
	*p = end;
	return s;
}

static int parse_line(char *line, struct known_entry *e, const char **why)
{
	char *p = line;
	char *host = next_field(&p), *port = next_field(&p);
	char *pin = next_field(&p), *date = next_field(&p);
	if (!host || !port || !pin) {
		*why = "expected HOST PORT SHA256:PIN DATE";
		return -1;
	}
	char *end;
	long v = strtol(port, &end, 10);
	if (*end || v < 1 || v > 65535) {
		*why = "invalid port";
		return -1;
	}
	if (!pin_is_valid(pin)) {
		*why = "invalid key pin (expected SHA256: and 43 base64 characters)";
		return -1;
	}
	if (date && next_field(&p)) {
		*why = "unexpected text after the date (comments start with #)";
		return -1;
	}
	if (date && strlen(date) >= sizeof(e->date)) {
		*why = "invalid date";
		return -1;
	}
	if (strlen(host) > 255) {
		*why = "host name too long";
		return -1;
	}
	e->host = xstrdup(host);
	e->port = (uint16_t)v;
	snprintf(e->pin, sizeof(e->pin), "%s", pin);
	snprintf(e->date, sizeof(e->date), "%s", date ? date : "");
	p += strspn(p, " \t");
	if (*p == '#') {
		p += 1 + strspn(p + 1, " \t");
		e->comment = xstrdup(p);
	}
	return 0;
}

int known_parse(const char *text, size_t len, struct known_list *out,
		size_t *bad_line, const char **why)
{
	memset(out, 0, sizeof(*out));
	size_t lineno = 0;
	for (const char *p = text, *end = text + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		lineno++;
		if (memchr(p, '\0', l)) {
			/* Not a text file we wrote. */
			*bad_line = lineno;
			*why = "binary data";
			known_list_clear(out);
			return FTPS_ERR_PROTO;
		}
		char *line = xstrndup(p, l);
		p += l + (nl ? 1 : 0);
		line[strcspn(line, "\r")] = '\0';
		char *s = line + strspn(line, " \t");
		if (*s == '\0' || *s == '#' || *s == '@') {
			free(line);
			continue;
		}
		struct known_entry e = { .line = lineno };
		int rc = parse_line(s, &e, why);
		free(line);
		if (rc < 0) {
			*bad_line = lineno;
			known_list_clear(out);
			return FTPS_ERR_PROTO;
		}
		out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
		out->v[out->n++] = e;
	}
	return 0;
}

void known_list_clear(struct known_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].host);
		free(l->v[i].comment);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

const struct known_entry *known_find(const struct known_list *l,
				     const char *host, uint16_t port)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].port == port && !strcasecmp(l->v[i].host, host))
			return &l->v[i];
	return NULL;
}

enum known_status known_check(const struct known_list *l, const char *host,
			      uint16_t port, const char *pin,
			      const struct known_entry **match)
{
	const struct known_entry *e = known_find(l, host, port);
	if (match)
		*match = e;
	if (!e)
		return KNOWN_NEW;
	return strcmp(e->pin, pin) ? KNOWN_CHANGED : KNOWN_OK;
}

char *known_default_path(void)
{
	return xdg_path("XDG_CONFIG_HOME", ".config", "known_servers");
}

/* Whole file into b; a missing file is empty, and so is a character device
 * (/dev/null: "remember nothing"). A file that others may write is refused,
 * as OpenSSH's StrictModes does: anyone who can add a line can make us trust
 * a key. */
static int read_file(const char *path, struct buf *b, char **err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		*err = xasprintf("%s: %s", path, strerror(errno));
		return FTPS_ERR_LOCAL;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		int chr = fstat(fd, &st) == 0 && S_ISCHR(st.st_mode);
		close(fd);
		if (chr)
			return 0;
		*err = xasprintf("%s: not a regular file", path);
		return FTPS_ERR_LOCAL;
	}
	if (st.st_mode & 022) {
		close(fd);
		*err = xasprintf("%s: group- or world-writable; refusing to trust "
				 "it (chmod go-w %s)", path, path);
		return FTPS_ERR_LOCAL;
	}
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		close(fd);
		*err = xasprintf("%s: owned by another user; refusing to trust it",
				 path);
		return FTPS_ERR_LOCAL;
	}
	char chunk[8192];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
		buf_append(b, chunk, (size_t)n);
		if (b->len > KNOWN_MAX_BYTES) {
			close(fd);
			*err = xasprintf("%s: larger than %u bytes", path, KNOWN_MAX_BYTES);
			return FTPS_ERR_TOOLONG;
		}
	}
	int e = errno;
	close(fd);
	if (n < 0) {
		*err = xasprintf("%s: %s", path, strerror(e));
		return FTPS_ERR_LOCAL;
	}
	return 0;
}

int known_load(const char *path, struct known_list *out, char **err)
{
	struct buf b = { 0 };
	memset(out, 0, sizeof(*out));
	int rc = read_file(path, &b, err);
	if (rc == 0) {
		size_t bad = 0;
		const char *why = NULL;
		rc = known_parse(b.data ? b.data : "", b.len, out, &bad, &why);
		if (rc < 0)
			*err = xasprintf("%s:%zu: %s", path, bad, why);
	}
	buf_free(&b);
	return rc;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/* mkdir -p with mode 0700 for what we create. */
static int make_dirs(const char *dir)
{
	struct stat st;
	if (stat(dir, &st) == 0)
		return S_ISDIR(st.st_mode) ? 0 : -1;
	char *parent = dir_of(dir);
	int rc = strcmp(parent, dir) ? make_dirs(parent) : 0;
	free(parent);
	if (rc == 0 && mkdir(dir, 0700) < 0 && errno != EEXIST)
		rc = -1;
	return rc;
}

/* Lock a sibling file so concurrent writers take turns; the rename keeps
 * readers safe without any lock. Returns the lock fd or -1. */
static int lock_store(const char *path, char **err)
{
	char *dir = dir_of(path);
	if (make_dirs(dir) < 0) {
		*err = xasprintf("%s: cannot create directory: %s", dir, strerror(errno));
		free(dir);
		return -1;
	}
	free(dir);
	char *lockpath = xasprintf("%s.lock", path);
	int fd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || flock(fd, LOCK_EX) < 0) {
		*err = xasprintf("%s: %s", lockpath, strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	free(lockpath);
	return fd;
}

static int write_atomically(const char *path, const struct buf *b, char **err)
{
	char *tmp = xasprintf("%s.XXXXXX", path);
	mode_t old = umask(077);
	int fd = mkstemp(tmp);
	umask(old);
	int rc = 0;
	if (fd < 0) {
		*err = xasprintf("%s: cannot create a temporary file: %s", path,
				 strerror(errno));
		free(tmp);
		return FTPS_ERR_LOCAL;
	}
	const char *p = b->data ? b->data : "";
	size_t left = b->len;
	while (left > 0 && rc == 0) {
		ssize_t w = write(fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			rc = -1;
		else {
			p += w;
			left -= (size_t)w;
		}
	}
	if (rc == 0 && (fchmod(fd, 0600) < 0 || fsync(fd) < 0))
		rc = -1;
	if (close(fd) < 0)
		rc = -1;
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -1;
	if (rc < 0) {
		*err = xasprintf("%s: cannot write: %s", path, strerror(errno));
		unlink(tmp);
		rc = FTPS_ERR_LOCAL;
	}
	free(tmp);
	return rc;
}

/* Copy every line of the current file except host's lines (only port's when
 * port != 0), verbatim, into out. */
static void copy_except(const struct buf *in, const char *host, uint16_t port,
			struct buf *out, size_t *removed)
{
	const char *p = in->data ? in->data : "", *end = p + in->len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		char *line = xstrndup(p, l);
		line[strcspn(line, "\r\n")] = '\0'; /* as known_parse() reads it */
		char *s = line + strspn(line, " \t");
		struct known_entry e = { 0 };
		const char *why;
		int drop = *s && *s != '#' && *s != '@' &&
			   parse_line(s, &e, &why) == 0 &&
			   !strcasecmp(e.host, host) && (port == 0 || e.port == port);
		free(e.host);
		free(e.comment);
		free(line);
		if (drop)
			(*removed)++;
		else {
			buf_append(out, p, l);
			if (!nl)
				buf_append(out, "\n", 1);
		}
		p += l;
	}
}

/* The file a rewrite replaces: path itself, or where its symbolic link
 * points (the link stays, its target is updated). NULL with *err set for
 * something that is neither missing nor a regular file; *stores_nothing
 * for a character device such as /dev/null. Newly allocated. */
static char *rewrite_target(const char *path, int *stores_nothing, char **err)
{
	struct stat st;
	*stores_nothing = 0;
	char *target = xstrdup(path);
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		char *real = realpath(path, NULL);
		if (!real) {
			*err = xasprintf("%s: a symbolic link to nowhere: %s", path,
					 strerror(errno));
			free(target);
			return NULL;
		}
		free(target);
		target = real;
	}
	if (stat(target, &st) < 0 || S_ISREG(st.st_mode))
		return target;
	if (S_ISCHR(st.st_mode))
		*stores_nothing = 1;
	else
		*err = xasprintf("%s: not a regular file; not replacing it", path);
	if (*err) {
		free(target);
		return NULL;
	}
	return target;
}

/* Lock, read, check, rewrite: the shared part of add and remove. */
static int rewrite(const char *path, const char *host, uint16_t port,
		   const char *add_line, size_t *removed, char **err)
{
	int stores_nothing = 0;
	*err = NULL;
	if (removed)
		*removed = 0;
	char *target = rewrite_target(path, &stores_nothing, err);
	if (!target)
		return FTPS_ERR_LOCAL;
	if (stores_nothing) {
		free(target);
		return KNOWN_NOT_STORED;
	}
	int lock = lock_store(target, err);
	if (lock < 0) {
		free(target);
		return FTPS_ERR_LOCAL;
	}
	struct buf cur = { 0 }, out = { 0 };
	struct known_list check;
	size_t bad = 0, dropped = 0;
	const char *why = NULL;
	int rc = read_file(target, &cur, err);
	if (rc == 0 && known_parse(cur.data ? cur.data : "", cur.len, &check,
				   &bad, &why) < 0) {
		/* Never rewrite a file we do not understand. */
		*err = xasprintf("%s:%zu: %s", path, bad, why);
		rc = FTPS_ERR_PROTO;
	} else if (rc == 0) {
		known_list_clear(&check);
		copy_except(&cur, host, port, &out, &dropped);
		if (add_line)
			buf_append_str(&out, add_line);
		rc = write_atomically(target, &out, err);
	}
	if (removed)
		*removed = dropped;
	buf_free(&cur);
	buf_free(&out);
	close(lock);
	free(target);
	return rc;
}

/* Comments must stay on one line and printable. */
static char *one_line(const char *s)
{
	char *c = xstrndup(s, FIELD_MAX);
	for (char *p = c; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return c;
}

int known_add(const char *path, const char *host, uint16_t port,
	      const char *pin, const char *subject, char **err)
{
	if (!pin_is_valid(pin)) {
		*err = xasprintf("invalid key pin: %s", pin);
		return FTPS_ERR_ARG;
	}
	if (!*host || strpbrk(host, " \t\r\n#@")) {
		*err = xstrdup("invalid host name");
		return FTPS_ERR_ARG;
	}
	char date[16];
	time_t now = time(NULL);
	struct tm tm;
	strftime(date, sizeof(date), "%Y-%m-%d", gmtime_r(&now, &tm));
	char *subj = subject ? one_line(subject) : NULL;
	char *line = xasprintf("%s %u %s %s%s%s\n", host, port, pin, date,
			       subj ? " # " : "", subj ? subj : "");
	int rc = rewrite(path, host, port, line, NULL, err);
	free(subj);
	free(line);
	return rc;
}

int known_remove(const char *path, const char *host, uint16_t port,
		 size_t *removed, char **err)
{
	return rewrite(path, host, port, NULL, removed, err);
}
