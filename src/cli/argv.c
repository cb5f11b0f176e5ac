#include "argv.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/xmalloc.h"

#include <stdlib.h>
#include <string.h>

struct words {
	char **v;
	int n, cap;
};

static void words_push(struct words *w, char *s)
{
	if (w->n + 1 >= w->cap) {
		w->cap = w->cap ? w->cap * 2 : 8;
		w->v = xrealloc(w->v, (size_t)w->cap * sizeof(char *));
	}
	w->v[w->n++] = s;
	w->v[w->n] = NULL;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Read one word starting at *pp (not blank, not end) into b. */
static int read_word(const char **pp, struct buf *b, const char **err)
{
	const char *p = *pp;

	while (*p && !is_blank(*p)) {
		char c = *p++;

		if (c == '\\') {
			if (!*p) {
				*err = "trailing backslash";
				return FTPS_ERR_ARG;
			}
			buf_append(b, p++, 1);
		} else if (c == '\'') {
			const char *q = strchr(p, '\'');
			if (!q) {
				*err = "unterminated quote";
				return FTPS_ERR_ARG;
			}
			buf_append(b, p, (size_t)(q - p));
			p = q + 1;
		} else if (c == '"') {
			while (*p && *p != '"') {
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				buf_append(b, p++, 1);
			}
			if (!*p) {
				*err = "unterminated quote";
				return FTPS_ERR_ARG;
			}
			p++;
		} else {
			buf_append(b, &c, 1);
		}
	}
	*pp = p;
	return 0;
}

int argv_split(const char *line, int *argc, char ***argv, const char **err)
{
	struct words w = { 0 };
	const char *p = line;

	*argc = 0;
	*argv = NULL;
	/* A blank line still gets an array: { NULL }. */
	w.cap = 8;
	w.v = xmalloc((size_t)w.cap * sizeof(char *));
	w.v[0] = NULL;
	for (;;) {
		struct buf b = { 0 };
		int rc;

		while (is_blank(*p))
			p++;
		if (!*p)
			break;
		if (w.n == ARGV_MAX_WORDS) {
			*err = "too many words";
			argv_free(w.v);
			return FTPS_ERR_TOOLONG;
		}
		rc = read_word(&p, &b, err);
		if (rc < 0) {
			buf_free(&b);
			argv_free(w.v);
			return rc;
		}
		words_push(&w, buf_steal(&b));
	}
	*argc = w.n;
	*argv = w.v;
	return 0;
}

void argv_free(char **argv)
{
	if (!argv)
		return;
	for (char **p = argv; *p; p++)
		free(*p);
	free(argv);
}

/* Characters that need no quoting. Bytes >= 0x80 (UTF-8) are kept as they
 * are so that completions of non-ASCII names stay readable. */
static int is_safe(unsigned char c)
{
	return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("-_./:@%+=,~^", c));
}

char *argv_quote(const char *word)
{
	struct buf b = { 0 };

	if (!*word)
		return xstrdup("''");
	for (const char *p = word; *p; p++) {
		if (!is_safe((unsigned char)*p))
			buf_append(&b, "\\", 1);
		buf_append(&b, p, 1);
	}
	return buf_steal(&b);
}
