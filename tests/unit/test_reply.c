#include "check.h"
#include "proto/reply.h"
#include "util/error.h"
#include "util/xmalloc.h"

#include <stdlib.h>

#define MAXR 4

struct expect {
	int code;
	const char *text;
	size_t nlines;
};

static const struct {
	const char *in;
	size_t len;                 /* 0: strlen(in) */
	int err;                    /* expected error, or 0 */
	int n;                      /* complete replies expected */
	struct expect r[MAXR];
} cases[] = {
	{ "220 Welcome\r\n", 0, 0, 1, { { 220, "Welcome", 1 } } },
	{ "220 bare LF\n", 0, 0, 1, { { 220, "bare LF", 1 } } },
	{ "200 \r\n", 0, 0, 1, { { 200, "", 1 } } },
	{ "230-Line one\r\n230-Line two\r\n230 Done\r\n", 0, 0, 1,
	  { { 230, "Line one\nLine two\nDone", 3 } } },
	{ "211-Features:\r\n MLSD\r\n SIZE\r\n REST STREAM\r\n UTF8\r\n211 End\r\n",
	  0, 0, 1,
	  { { 211, "Features:\n MLSD\n SIZE\n REST STREAM\n UTF8\nEnd", 6 } } },
	/* lines in between may be anything, even another code or "220-" */
	{ "220-Hi\r\nfree text\r\n221 not the end\r\n220-still not\r\n220 end\r\n",
	  0, 0, 1,
	  { { 220, "Hi\nfree text\n221 not the end\nstill not\nend", 5 } } },
	{ "211-a\r\n\r\n211 b\n", 0, 0, 1, { { 211, "a\n\nb", 3 } } },
	/* mixed endings, CR inside a line is kept */
	{ "200-x\n200 y\r\n", 0, 0, 1, { { 200, "x\ny", 2 } } },
	{ "200 a\rb\r\n", 0, 0, 1, { { 200, "a\rb", 1 } } },
	/* several replies back to back */
	{ "331 Password required\r\n230 Logged in\r\n", 0, 0, 2,
	  { { 331, "Password required", 1 }, { 230, "Logged in", 1 } } },
	{ "150 Opening\r\n226-Transfer\r\n226 complete\r\n221 Bye\n", 0, 0, 3,
	  { { 150, "Opening", 1 }, { 226, "Transfer\ncomplete", 2 },
	    { 221, "Bye", 1 } } },
	/* incomplete input: no reply yet, no error */
	{ "220 no newline yet", 0, 0, 0, { { 0 } } },
	{ "220-first\r\n220 la", 0, 0, 0, { { 0 } } },
	/* bad first lines */
	{ "hello\r\n", 0, FTPS_ERR_PROTO, 0, { { 0 } } },
	{ "22 x\r\n", 0, FTPS_ERR_PROTO, 0, { { 0 } } },
	{ "220x\r\n", 0, FTPS_ERR_PROTO, 0, { { 0 } } },
	{ "220\r\n", 0, FTPS_ERR_PROTO, 0, { { 0 } } },
	{ "\r\n", 0, FTPS_ERR_PROTO, 0, { { 0 } } },
	{ "999 x\r\n", 0, FTPS_ERR_PROTO, 0, { { 0 } } },
	{ "099 x\r\n", 0, FTPS_ERR_PROTO, 0, { { 0 } } },
	{ "600 x\r\n", 0, FTPS_ERR_PROTO, 0, { { 0 } } },
	{ " 220 x\r\n", 0, FTPS_ERR_PROTO, 0, { { 0 } } },
	/* good reply, then garbage */
	{ "200 ok\r\nSSH-2.0\r\n", 0, FTPS_ERR_PROTO, 1, { { 200, "ok", 1 } } },
};

/* Feed in at most chunk bytes at a time, like a socket that delivers data
 * in pieces; unconsumed bytes are offered again with the next piece. Returns
 * the number of complete replies, or the error (after *n replies). */
static int run(const char *in, size_t len, size_t chunk, struct ftp_reply *out,
	       int *n)
{
	struct reply_parser *p = reply_parser_new();
	size_t cons = 0, arrived = 0;
	int rc = 0;

	*n = 0;
	while (cons < len) {
		if (arrived == cons)
			arrived = arrived + chunk > len ? len : arrived + chunk;
		long r = reply_parser_feed(p, in + cons, arrived - cons);
		if (r < 0) {
			rc = (int)r;
			break;
		}
		cons += (size_t)r;
		if (reply_parser_done(p)) {
			if (*n < MAXR)
				reply_parser_take(p, &out[(*n)++]);
			else
				reply_parser_reset(p);
		} else if (cons != arrived) {
			rc = -100; /* must consume everything when not done */
			break;
		} else if (arrived == len) {
			break;
		}
	}
	reply_parser_free(p);
	return rc;
}

static void table(void)
{
	static const size_t chunks[] = { 1, 2, 3, 5, 64, 1 << 20 };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);
		for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
			struct ftp_reply r[MAXR] = { { 0 } };
			int n;
			int rc = run(cases[i].in, len, chunks[c], r, &n);

			CHECK_INT(rc, cases[i].err);
			CHECK_INT(n, cases[i].n);
			for (int k = 0; k < n && k < cases[i].n; k++) {
				CHECK_INT(r[k].code, cases[i].r[k].code);
				CHECK_STR(r[k].text, cases[i].r[k].text);
				CHECK_INT(r[k].text_len, strlen(cases[i].r[k].text));
				CHECK_INT(r[k].nlines, cases[i].r[k].nlines);
			}
			for (int k = 0; k < n; k++)
				ftp_reply_clear(&r[k]);
		}
	}
}

static void nul_bytes(void)
{
	static const char in[] = "200-a\0b\r\n200 \0\r\n";
	struct ftp_reply r[MAXR] = { { 0 } };
	int n;

	CHECK_INT(run(in, sizeof(in) - 1, 1, r, &n), 0);
	CHECK_INT(n, 1);
	CHECK_INT(r[0].code, 200);
	CHECK_MEM(r[0].text, r[0].text_len, "a\0b\n\0", 5);
	ftp_reply_clear(&r[0]);
}

/* Stops right after the reply: the caller keeps the rest. */
static void consumed_count(void)
{
	struct reply_parser *p = reply_parser_new();
	struct ftp_reply r;
	const char *in = "331 pw\r\n230 ok\r\n";

	CHECK_INT(reply_parser_feed(p, in, strlen(in)), 8);
	CHECK(reply_parser_done(p));
	/* done and not taken: consumes nothing more */
	CHECK_INT(reply_parser_feed(p, in + 8, strlen(in + 8)), 0);
	reply_parser_take(p, &r);
	CHECK_INT(r.code, 331);
	CHECK(!reply_parser_done(p));
	ftp_reply_clear(&r);
	CHECK_INT(reply_parser_feed(p, in + 8, strlen(in + 8)), 8);
	reply_parser_take(p, &r);
	CHECK_STR(r.text, "ok");
	ftp_reply_clear(&r);
	CHECK_INT(reply_parser_feed(p, "", 0), 0);
	ftp_reply_clear(NULL);
	reply_parser_free(p);
	reply_parser_free(NULL);
}

/* Errors stick until reset. */
static void sticky_error(void)
{
	struct reply_parser *p = reply_parser_new();
	struct ftp_reply r;

	CHECK_INT(reply_parser_feed(p, "xyz\r\n", 5), FTPS_ERR_PROTO);
	CHECK_INT(reply_parser_feed(p, "200 ok\r\n", 8), FTPS_ERR_PROTO);
	reply_parser_reset(p);
	CHECK_INT(reply_parser_feed(p, "200 ok\r\n", 8), 8);
	reply_parser_take(p, &r);
	CHECK_INT(r.code, 200);
	ftp_reply_clear(&r);
	reply_parser_free(p);
}

static int feed_all(const char *s, size_t len)
{
	struct reply_parser *p = reply_parser_new();
	long r = reply_parser_feed(p, s, len);
	int done = reply_parser_done(p);
	reply_parser_free(p);
	return r < 0 ? (int)r : done;
}

static void long_lines(void)
{
	size_t big = 1 << 20;
	char *s = xmalloc(big + 3);

	/* exactly REPLY_MAX_LINE bytes of line content: fine, CRLF or LF */
	memset(s, 'x', big);
	memcpy(s, "200 ", 4);
	memcpy(s + REPLY_MAX_LINE, "\r\n", 2);
	CHECK_INT(feed_all(s, REPLY_MAX_LINE + 2), 1);
	s[REPLY_MAX_LINE] = '\n';
	CHECK_INT(feed_all(s, REPLY_MAX_LINE + 1), 1);
	/* one more byte */
	memset(s + 4, 'x', big - 4);
	memcpy(s + REPLY_MAX_LINE + 1, "\r\n", 2);
	CHECK_INT(feed_all(s, REPLY_MAX_LINE + 3), FTPS_ERR_TOOLONG);
	/* a 1 MiB line, with and without its end */
	memset(s + 4, 'x', big - 4);
	CHECK_INT(feed_all(s, big), FTPS_ERR_TOOLONG);
	memcpy(s + big, "\r\n", 2);
	CHECK_INT(feed_all(s, big + 2), FTPS_ERR_TOOLONG);
	free(s);
}

static void many_lines(void)
{
	struct reply_parser *p;
	long r = 0;

	/* REPLY_MAX_LINES lines including the last one: accepted */
	p = reply_parser_new();
	reply_parser_feed(p, "211-start\r\n", 11);
	for (int i = 0; i < REPLY_MAX_LINES - 2; i++)
		r = reply_parser_feed(p, " FEAT\r\n", 7);
	CHECK_INT(r, 7);
	CHECK_INT(reply_parser_feed(p, "211 End\r\n", 9), 9);
	CHECK(reply_parser_done(p));
	reply_parser_free(p);

	/* a multi-line reply that never ends */
	p = reply_parser_new();
	reply_parser_feed(p, "211-start\r\n", 11);
	int i;
	for (i = 0; i < 10 * REPLY_MAX_LINES; i++) {
		r = reply_parser_feed(p, "211-more\r\n", 10);
		if (r < 0)
			break;
	}
	CHECK_INT(r, FTPS_ERR_TOOLONG);
	/* the first line plus i + 1 more make REPLY_MAX_LINES, none final */
	CHECK_INT(i, REPLY_MAX_LINES - 2);
	reply_parser_free(p);
}

int main(int argc, char **argv)
{
	(void)argc;
	table();
	nul_bytes();
	consumed_count();
	sticky_error();
	long_lines();
	many_lines();
	return check_summary(argv[0]);
}
