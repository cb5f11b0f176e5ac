#include "argv.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/xmalloc.h"

#include <stdlib.h>
#include <string.h>

/* A word being read: its text, its pattern form and its flags. */
struct word_buf {
	struct buf text, pattern;
	int wild, tilde;
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* One character of a word: into the text, and into the pattern escaped
 * when it was quoted and would otherwise mean a wildcard. */
static void put_char(struct word_buf *w, char c, int quoted)
{
	buf_append(&w->text, &c, 1);
	if (quoted && strchr("*?[\\", c))
		buf_append(&w->pattern, "\\", 1);
	buf_append(&w->pattern, &c, 1);
	if (!quoted && strchr("*?[", c))
		w->wild = 1;
}

/* Read one word starting at *pp (not blank, not end). */
static int read_word(const char **pp, struct word_buf *w, const char **err)
{
	const char *p = *pp;

	w->tilde = *p == '~';
	while (*p && !is_blank(*p)) {
		char c = *p++;

		if (c == '\\') {
			if (!*p) {
				*err = "trailing backslash";
				return FTPS_ERR_ARG;
			}
			put_char(w, *p++, 1);
		} else if (c == '\'') {
			const char *q = strchr(p, '\'');
			if (!q) {
				*err = "unterminated quote";
				return FTPS_ERR_ARG;
			}
			while (p < q)
				put_char(w, *p++, 1);
			p = q + 1;
		} else if (c == '"') {
			while (*p && *p != '"') {
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				put_char(w, *p++, 1);
			}
			if (!*p) {
				*err = "unterminated quote";
				return FTPS_ERR_ARG;
			}
			p++;
		} else {
			put_char(w, c, 0);
		}
	}
	*pp = p;
	return 0;
}

int argv_split_words(const char *line, int *n, struct word **words,
		     const char **err)
{
	const char *p = line;
	struct word *v = NULL;
	int count = 0;

	*n = 0;
	*words = NULL;
	for (;;) {
		while (is_blank(*p))
			p++;
		if (!*p)
			break;
		if (count == ARGV_MAX_WORDS) {
			*err = "too many words";
			words_free(v, count);
			return FTPS_ERR_TOOLONG;
		}
		struct word_buf w = { 0 };
		int rc = read_word(&p, &w, err);
		if (rc < 0) {
			buf_free(&w.text);
			buf_free(&w.pattern);
			words_free(v, count);
			return rc;
		}
		v = xrealloc(v, (size_t)(count + 1) * sizeof(*v));
		v[count++] = (struct word){ buf_steal(&w.text), buf_steal(&w.pattern),
					    w.wild, w.tilde };
	}
	*n = count;
	*words = v;
	return 0;
}

void words_free(struct word *w, int n)
{
	for (int i = 0; w && i < n; i++) {
		free(w[i].text);
		free(w[i].pattern);
	}
	free(w);
}

struct word word_literal(const char *text)
{
	struct word_buf w = { 0 };
	for (const char *p = text; *p; p++)
		put_char(&w, *p, 1);
	return (struct word){ buf_steal(&w.text), buf_steal(&w.pattern), 0, 0 };
}

int argv_split(const char *line, int *argc, char ***argv, const char **err)
{
	struct word *w = NULL;
	int n = 0;
	*argc = 0;
	*argv = NULL;
	int rc = argv_split_words(line, &n, &w, err);
	if (rc < 0)
		return rc;
	char **v = xmalloc((size_t)(n + 1) * sizeof(*v));
	for (int i = 0; i < n; i++) {
		v[i] = w[i].text;
		free(w[i].pattern);
	}
	v[n] = NULL;
	free(w);
	*argc = n;
	*argv = v;
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

char *argv_quote_word(const struct word *w)
{
	struct buf b = { 0 };
	if (!*w->text)
		return xstrdup("''");
	for (const char *p = w->pattern; *p; p++) {
		int quoted = *p == '\\' && p[1];
		char c = quoted ? *++p : *p;
		int bare = (!quoted && strchr("*?[", c)) ||
			   (c == '~' && p == w->pattern && w->tilde);
		if (!bare && (!is_safe((unsigned char)c) || strchr("*?[~", c)))
			buf_append(&b, "\\", 1);
		buf_append(&b, &c, 1);
	}
	return buf_steal(&b);
}
