#include "check.h"
#include "util/error.h"
#include "util/sanitize.h"

#include <stdlib.h>

static const struct {
	const char *in;
	size_t len;      /* 0: strlen(in) */
	const char *out;
} cases[] = {
	{ "plain text", 0, "plain text" },
	{ "", 0, "" },
	{ "\x1b[31mred\x1b[0m", 0, "\\e[31mred\\e[0m" },
	{ "a\rb", 0, "a\\rb" },
	{ "a\nb\tc", 0, "a\\nb\\tc" },
	{ "back\\slash", 0, "back\\\\slash" },
	{ "bell\a", 0, "bell\\x07" },
	{ "del\x7f", 0, "del\\x7f" },
	{ "nul\0x", 5, "nul\\x00x" },
	/* valid UTF-8 passes */
	{ "caf\xc3\xa9", 0, "caf\xc3\xa9" },
	{ "\xe6\x97\xa5\xe6\x9c\xac", 0, "\xe6\x97\xa5\xe6\x9c\xac" },
	{ "\xf0\x9f\x98\x80", 0, "\xf0\x9f\x98\x80" },
	{ "\xc2\xa0nbsp", 0, "\xc2\xa0nbsp" },
	/* C1 controls as UTF-8: CSI U+009B, NEL U+0085, U+0080, U+009F */
	{ "\xc2\x9b" "31m", 0, "\\xc2\\x9b31m" },
	{ "\xc2\x85", 0, "\\xc2\\x85" },
	{ "\xc2\x80\xc2\x9f", 0, "\\xc2\\x80\\xc2\\x9f" },
	/* invalid UTF-8 */
	{ "\x9b" "31m", 0, "\\x9b31m" },          /* raw 8-bit CSI */
	{ "\xff\xfe", 0, "\\xff\\xfe" },
	{ "\xc3", 0, "\\xc3" },                   /* truncated */
	{ "\xc3x", 0, "\\xc3x" },
	{ "\xe6\x97", 0, "\\xe6\\x97" },
	{ "\xc0\xaf", 0, "\\xc0\\xaf" },          /* overlong '/' */
	{ "\xe0\x80\xaf", 0, "\\xe0\\x80\\xaf" }, /* overlong */
	{ "\xed\xa0\x80", 0, "\\xed\\xa0\\x80" }, /* surrogate */
	{ "\xf4\x90\x80\x80", 0, "\\xf4\\x90\\x80\\x80" }, /* > U+10FFFF */
	{ "ok\xc3\xa9\xff" "end", 0, "ok\xc3\xa9\\xffend" },
};

int main(int argc, char **argv)
{
	(void)argc;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);
		char *s = sanitize(cases[i].in, len);
		CHECK_STR(s, cases[i].out);
		free(s);
	}
	char *s = sanitize_str("x\x1by");
	CHECK_STR(s, "x\\ey");
	free(s);

	/* ftps_strerror: every code has its own text. */
	CHECK_STR(ftps_strerror(FTPS_ERR_TIMEOUT), "timed out");
	CHECK_STR(ftps_strerror(FTPS_ERR_CERT), "certificate not trusted");
	CHECK_STR(ftps_strerror(FTPS_ERR_TOOLONG), "input too long");
	CHECK_STR(ftps_strerror(-999), "unknown error");
	for (int e = FTPS_ERR_USAGE; e <= FTPS_ERR_NOMEM; e++)
		CHECK(strcmp(ftps_strerror(e), "unknown error") != 0);
	return check_summary(argv[0]);
}
