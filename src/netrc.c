#include "netrc.h"
#include "util/error.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define NETRC_MAX (1024 * 1024)

struct lexer {
	const char *s;
	size_t len, pos;
};

struct entry {
	int active;
	int is_default;
	int host_match;
	char *login;
	char *password;
};

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void skip_line(struct lexer *lx)
{
	while (lx->pos < lx->len && lx->s[lx->pos] != '\n')
		lx->pos++;
	if (lx->pos < lx->len)
		lx->pos++;
}

/* After "macdef NAME": the rest of that line, then lines up to and
 * including the first empty one. */
static void skip_macro(struct lexer *lx)
{
	skip_line(lx);
	while (lx->pos < lx->len) {
		size_t start = lx->pos;
		skip_line(lx);
		size_t n = lx->pos - start;
		const char *l = lx->s + start;
		if (n == 0 || (n == 1 && l[0] == '\n') ||
		    (n == 2 && l[0] == '\r' && l[1] == '\n'))
			break;
	}
}

/* Next token, newly allocated, or NULL at the end. keyword: a token in a
 * keyword position, where '#' starts a comment (a password may start with
 * '#', so values are never comments). */
static char *next_token(struct lexer *lx, int keyword)
{
	for (;;) {
		while (lx->pos < lx->len && is_space(lx->s[lx->pos]))
			lx->pos++;
		if (lx->pos >= lx->len)
			return NULL;
		if (!keyword || lx->s[lx->pos] != '#')
			break;
		skip_line(lx);
	}

	const char *p = lx->s + lx->pos, *end = lx->s + lx->len;
	/* Decoding never makes a token longer than its source. */
	char *tok = xmalloc((size_t)(end - p) + 1), *o = tok;

	if (*p == '"') {
		for (p++; p < end && *p != '"'; p++) {
			if (*p == '\\' && p + 1 < end)
				p++;
			*o++ = *p;
		}
		if (p < end)
			p++; /* closing quote */
	} else {
		for (; p < end && !is_space(*p); p++)
			*o++ = *p;
	}
	*o = '\0';
	lx->pos = (size_t)(p - lx->s);
	return tok;
}

static void entry_free(struct entry *e)
{
	free(e->login);
	free_secret(e->password);
	memset(e, 0, sizeof(*e));
}

static int entry_matches(const struct entry *e, const char *user)
{
	return e->active && (!user || !e->login || strcmp(e->login, user) == 0);
}

/* Store a value token for the current entry (or drop it). */
static void set_value(struct entry *cur, const char *key, char *val)
{
	if (cur->active && strcmp(key, "login") == 0) {
		free(cur->login);
		cur->login = val;
	} else if (cur->active && strcmp(key, "password") == 0) {
		free_secret(cur->password);
		cur->password = val;
	} else {
		free_secret(val); /* "account", or a value outside any entry */
	}
}

/* Close the current entry: 1 if it is the host's (search over), else keep it
 * as the fallback if it is the first usable "default". */
static int finish(struct entry *cur, struct entry *def, const char *user)
{
	if (entry_matches(cur, user)) {
		if (cur->host_match)
			return 1;
		if (cur->is_default && !def->active) {
			*def = *cur;
			memset(cur, 0, sizeof(*cur));
			return 0;
		}
	}
	entry_free(cur);
	return 0;
}

static void new_entry(struct lexer *lx, const char *kw, const char *host,
		      struct entry *cur)
{
	cur->active = 1;
	if (strcmp(kw, "default") == 0) {
		cur->is_default = 1;
		return;
	}
	char *name = next_token(lx, 0);
	cur->host_match = name && strcasecmp(name, host) == 0;
	free(name);
}

int netrc_lookup_text(const char *text, size_t len, const char *host,
		      const char *user, char **login, char **password)
{
	struct lexer lx = { text, len, 0 };
	struct entry cur = { 0 }, def = { 0 };
	char *kw;
	int found = 0;

	*login = *password = NULL;
	while (!found && (kw = next_token(&lx, 1))) {
		if (!strcmp(kw, "machine") || !strcmp(kw, "default")) {
			found = finish(&cur, &def, user);
			if (!found)
				new_entry(&lx, kw, host, &cur);
		} else if (!strcmp(kw, "login") || !strcmp(kw, "password") ||
			   !strcmp(kw, "account")) {
			char *val = next_token(&lx, 0);
			if (val)
				set_value(&cur, kw, val);
		} else if (!strcmp(kw, "macdef")) {
			free(next_token(&lx, 0));
			skip_macro(&lx);
		}
		/* Unknown words are ignored, like most netrc readers do. */
		free(kw);
	}
	if (!found)
		found = finish(&cur, &def, user);
	struct entry *hit = found ? &cur : def.active ? &def : NULL;
	if (hit) {
		*login = hit->login;
		*password = hit->password;
		hit->login = hit->password = NULL;
	}
	entry_free(&cur);
	entry_free(&def);
	return hit != NULL;
}

size_t netrc_machines_text(const char *text, size_t len, char ***out)
{
	struct lexer lx = { text, len, 0 };
	size_t n = 0;
	char *kw;
	*out = NULL;
	while ((kw = next_token(&lx, 1)) && n < NETRC_MACHINES_MAX) {
		char *val = NULL;
		if (!strcmp(kw, "machine") && (val = next_token(&lx, 0))) {
			*out = xrealloc(*out, (n + 1) * sizeof(**out));
			(*out)[n++] = val;
		} else if (!strcmp(kw, "login") || !strcmp(kw, "password") ||
			   !strcmp(kw, "account")) {
			free_secret(next_token(&lx, 0));
		} else if (!strcmp(kw, "macdef")) {
			free(next_token(&lx, 0));
			skip_macro(&lx);
		}
		free(kw);
	}
	free(kw);
	return n;
}

/* Read at most NETRC_MAX bytes; *buf newly allocated. */
static int read_all(int fd, char **buf, size_t *len)
{
	char *b = xmalloc(NETRC_MAX + 1);
	size_t n = 0;

	for (;;) {
		ssize_t r = read(fd, b + n, NETRC_MAX + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			free(b);
			errno = e;
			return FTPS_ERR_LOCAL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > NETRC_MAX) {
			wipe(b, n);
			free(b);
			return FTPS_ERR_TOOLONG;
		}
	}
	*buf = b;
	*len = n;
	return 0;
}

int netrc_lookup_file(const char *path, const char *host, const char *user,
		      char **login, char **password, const char **why)
{
	char *buf;
	size_t len;
	int rc;
	struct stat st;

	*login = *password = NULL;
	*why = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		*why = strerror(errno);
		return errno == ENOENT ? 0 : FTPS_ERR_LOCAL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		*why = "not a regular file";
		return FTPS_ERR_LOCAL;
	}
	rc = read_all(fd, &buf, &len);
	int e = errno;
	close(fd);
	if (rc < 0) {
		*why = rc == FTPS_ERR_TOOLONG ? "too large" : strerror(e);
		return rc;
	}
	rc = netrc_lookup_text(buf, len, host, user, login, password);
	wipe(buf, len);
	free(buf);
	/* A password others can read is no secret: BSD ftp refuses such a
	 * file, and so do we (the login alone would be harmless). */
	if (rc == 1 && *password && (st.st_mode & 077)) {
		free(*login);
		free_secret(*password);
		*login = *password = NULL;
		*why = "readable by others; ignoring it (chmod 600 it)";
		return FTPS_ERR_LOCAL;
	}
	return rc;
}

size_t netrc_machines_file(const char *path, char ***out)
{
	char *buf;
	size_t len, n = 0;
	*out = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return 0;
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && read_all(fd, &buf, &len) == 0) {
		n = netrc_machines_text(buf, len, out);
		wipe(buf, len);
		free(buf);
	}
	close(fd);
	return n;
}
