#include "reply.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/xmalloc.h"

#include <stdlib.h>
#include <string.h>

struct reply_parser {
	struct buf line;  /* the line being received, without its '\n' */
	struct buf text;  /* completed lines, '\n'-joined */
	int code;         /* 0 until the first line is complete */
	int multiline;
	size_t nlines;
	int done;
	int err;          /* sticky: once broken, the stream is unusable */
};

struct reply_parser *reply_parser_new(void)
{
	return xcalloc(1, sizeof(struct reply_parser));
}

void reply_parser_free(struct reply_parser *p)
{
	if (!p)
		return;
	buf_free(&p->line);
	buf_free(&p->text);
	free(p);
}

void reply_parser_reset(struct reply_parser *p)
{
	buf_reset(&p->line);
	buf_reset(&p->text);
	p->code = 0;
	p->multiline = 0;
	p->nlines = 0;
	p->done = 0;
	p->err = 0;
}

int reply_parser_done(const struct reply_parser *p)
{
	return p->done;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The code at the start of a line, or -1 if it does not start with three
 * digits followed by ' ' or '-' (the separator is returned in *sep). */
static int line_code(const char *s, size_t len, char *sep)
{
	if (len < 4 || !is_digit(s[0]) || !is_digit(s[1]) || !is_digit(s[2]))
		return -1;
	if (s[3] != ' ' && s[3] != '-')
		return -1;
	*sep = s[3];
	return (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
}

static void append_text(struct reply_parser *p, const char *s, size_t len)
{
	if (p->nlines > 0)
		buf_append(&p->text, "\n", 1);
	buf_append(&p->text, s, len);
	p->nlines++;
}

/* Handle one complete line (CR already stripped). The "CCC-"/"CCC " prefix
 * is dropped from lines that carry the reply's own code; other lines (FEAT's
 * " MLSD", free-form banner text) are kept whole. */
static int end_line(struct reply_parser *p, const char *s, size_t len)
{
	char sep = 0;
	int code = line_code(s, len, &sep);

	if (p->nlines == 0) {
		if (code < 100 || code > 599)
			return FTPS_ERR_PROTO;
		p->code = code;
		p->multiline = sep == '-';
		append_text(p, s + 4, len - 4);
		p->done = !p->multiline;
		return 0;
	}
	if (code == p->code) {
		append_text(p, s + 4, len - 4);
		p->done = sep == ' ';
	} else {
		append_text(p, s, len);
	}
	if (!p->done && p->nlines >= REPLY_MAX_LINES)
		return FTPS_ERR_TOOLONG;
	return 0;
}

long reply_parser_feed(struct reply_parser *p, const char *buf, size_t len)
{
	size_t used = 0;

	if (p->err)
		return p->err;
	while (used < len && !p->done) {
		const char *nl = memchr(buf + used, '\n', len - used);
		size_t chunk = nl ? (size_t)(nl - (buf + used)) : len - used;

		/* +1: the CR of a "\r\n" ending is still in the line here. */
		if (p->line.len + chunk > REPLY_MAX_LINE + 1) {
			p->err = FTPS_ERR_TOOLONG;
			return p->err;
		}
		buf_append(&p->line, buf + used, chunk);
		used += chunk;
		if (!nl)
			break;
		used++; /* the '\n' */

		size_t l = p->line.len;
		if (l > 0 && p->line.data[l - 1] == '\r')
			l--;
		int rc = l > REPLY_MAX_LINE ? FTPS_ERR_TOOLONG :
			 end_line(p, p->line.data ? p->line.data : "", l);
		buf_reset(&p->line);
		if (rc < 0) {
			p->err = rc;
			return rc;
		}
	}
	return (long)used;
}

void reply_parser_take(struct reply_parser *p, struct ftp_reply *out)
{
	out->code = p->code;
	out->text_len = p->text.len;
	out->nlines = p->nlines;
	out->text = buf_steal(&p->text);
	reply_parser_reset(p);
}

void ftp_reply_clear(struct ftp_reply *r)
{
	if (!r)
		return;
	free(r->text);
	memset(r, 0, sizeof(*r));
}
