#include "check.h"
#include "util/buf.h"
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
	/* Invisible and bidirectional format characters (General_Category Cf)
	 * become "\uXXXX" / "\UXXXXXXXX", lowercase: for each range its first
	 * and last code point, and the neighbours either side, which pass. */
	{ "<" "\xc2\xac" ">", 0, "<" "\xc2\xac" ">" },  /* U+00AC passes */
	{ "<" "\xc2\xad" ">", 0, "<\\u00ad>" },  /* U+00AD */
	{ "<" "\xc2\xae" ">", 0, "<" "\xc2\xae" ">" },  /* U+00AE passes */
	{ "<" "\xd7\xbf" ">", 0, "<" "\xd7\xbf" ">" },  /* U+05FF passes */
	{ "<" "\xd8\x80" ">", 0, "<\\u0600>" },  /* U+0600 */
	{ "<" "\xd8\x85" ">", 0, "<\\u0605>" },  /* U+0605 */
	{ "<" "\xd8\x86" ">", 0, "<" "\xd8\x86" ">" },  /* U+0606 passes */
	{ "<" "\xd8\x9b" ">", 0, "<" "\xd8\x9b" ">" },  /* U+061B passes */
	{ "<" "\xd8\x9c" ">", 0, "<\\u061c>" },  /* U+061C */
	{ "<" "\xd8\x9d" ">", 0, "<" "\xd8\x9d" ">" },  /* U+061D passes */
	{ "<" "\xdb\x9c" ">", 0, "<" "\xdb\x9c" ">" },  /* U+06DC passes */
	{ "<" "\xdb\x9d" ">", 0, "<\\u06dd>" },  /* U+06DD */
	{ "<" "\xdb\x9e" ">", 0, "<" "\xdb\x9e" ">" },  /* U+06DE passes */
	{ "<" "\xdc\x8e" ">", 0, "<" "\xdc\x8e" ">" },  /* U+070E passes */
	{ "<" "\xdc\x8f" ">", 0, "<\\u070f>" },  /* U+070F */
	{ "<" "\xdc\x90" ">", 0, "<" "\xdc\x90" ">" },  /* U+0710 passes */
	{ "<" "\xe0\xa2\x8f" ">", 0, "<" "\xe0\xa2\x8f" ">" },  /* U+088F passes */
	{ "<" "\xe0\xa2\x90" ">", 0, "<\\u0890>" },  /* U+0890 */
	{ "<" "\xe0\xa2\x91" ">", 0, "<\\u0891>" },  /* U+0891 */
	{ "<" "\xe0\xa2\x92" ">", 0, "<" "\xe0\xa2\x92" ">" },  /* U+0892 passes */
	{ "<" "\xe0\xa3\xa1" ">", 0, "<" "\xe0\xa3\xa1" ">" },  /* U+08E1 passes */
	{ "<" "\xe0\xa3\xa2" ">", 0, "<\\u08e2>" },  /* U+08E2 */
	{ "<" "\xe0\xa3\xa3" ">", 0, "<" "\xe0\xa3\xa3" ">" },  /* U+08E3 passes */
	{ "<" "\xe1\xa0\x8d" ">", 0, "<" "\xe1\xa0\x8d" ">" },  /* U+180D passes */
	{ "<" "\xe1\xa0\x8e" ">", 0, "<\\u180e>" },  /* U+180E */
	{ "<" "\xe1\xa0\x8f" ">", 0, "<" "\xe1\xa0\x8f" ">" },  /* U+180F passes */
	{ "<" "\xe2\x80\x8a" ">", 0, "<" "\xe2\x80\x8a" ">" },  /* U+200A passes */
	{ "<" "\xe2\x80\x8b" ">", 0, "<\\u200b>" },  /* U+200B */
	{ "<" "\xe2\x80\x8f" ">", 0, "<\\u200f>" },  /* U+200F */
	{ "<" "\xe2\x80\x90" ">", 0, "<" "\xe2\x80\x90" ">" },  /* U+2010 passes */
	{ "<" "\xe2\x80\xa9" ">", 0, "<" "\xe2\x80\xa9" ">" },  /* U+2029 passes */
	{ "<" "\xe2\x80\xaa" ">", 0, "<\\u202a>" },  /* U+202A */
	{ "<" "\xe2\x80\xae" ">", 0, "<\\u202e>" },  /* U+202E */
	{ "<" "\xe2\x80\xaf" ">", 0, "<" "\xe2\x80\xaf" ">" },  /* U+202F passes */
	{ "<" "\xe2\x81\x9f" ">", 0, "<" "\xe2\x81\x9f" ">" },  /* U+205F passes */
	{ "<" "\xe2\x81\xa0" ">", 0, "<\\u2060>" },  /* U+2060 */
	{ "<" "\xe2\x81\xa4" ">", 0, "<\\u2064>" },  /* U+2064 */
	{ "<" "\xe2\x81\xa5" ">", 0, "<" "\xe2\x81\xa5" ">" },  /* U+2065 passes */
	{ "<" "\xe2\x81\xa6" ">", 0, "<\\u2066>" },  /* U+2066 */
	{ "<" "\xe2\x81\xaf" ">", 0, "<\\u206f>" },  /* U+206F */
	{ "<" "\xe2\x81\xb0" ">", 0, "<" "\xe2\x81\xb0" ">" },  /* U+2070 passes */
	{ "<" "\xef\xbb\xbe" ">", 0, "<" "\xef\xbb\xbe" ">" },  /* U+FEFE passes */
	{ "<" "\xef\xbb\xbf" ">", 0, "<\\ufeff>" },  /* U+FEFF */
	{ "<" "\xef\xbc\x80" ">", 0, "<" "\xef\xbc\x80" ">" },  /* U+FF00 passes */
	{ "<" "\xef\xbf\xb8" ">", 0, "<" "\xef\xbf\xb8" ">" },  /* U+FFF8 passes */
	{ "<" "\xef\xbf\xb9" ">", 0, "<\\ufff9>" },  /* U+FFF9 */
	{ "<" "\xef\xbf\xbb" ">", 0, "<\\ufffb>" },  /* U+FFFB */
	{ "<" "\xef\xbf\xbc" ">", 0, "<" "\xef\xbf\xbc" ">" },  /* U+FFFC passes */
	{ "<" "\xf0\x91\x82\xbc" ">", 0, "<" "\xf0\x91\x82\xbc" ">" },  /* U+110BC passes */
	{ "<" "\xf0\x91\x82\xbd" ">", 0, "<\\U000110bd>" },  /* U+110BD */
	{ "<" "\xf0\x91\x82\xbe" ">", 0, "<" "\xf0\x91\x82\xbe" ">" },  /* U+110BE passes */
	{ "<" "\xf0\x91\x83\x8c" ">", 0, "<" "\xf0\x91\x83\x8c" ">" },  /* U+110CC passes */
	{ "<" "\xf0\x91\x83\x8d" ">", 0, "<\\U000110cd>" },  /* U+110CD */
	{ "<" "\xf0\x91\x83\x8e" ">", 0, "<" "\xf0\x91\x83\x8e" ">" },  /* U+110CE passes */
	{ "<" "\xf0\x93\x90\xaf" ">", 0, "<" "\xf0\x93\x90\xaf" ">" },  /* U+1342F passes */
	{ "<" "\xf0\x93\x90\xb0" ">", 0, "<\\U00013430>" },  /* U+13430 */
	{ "<" "\xf0\x93\x90\xbf" ">", 0, "<\\U0001343f>" },  /* U+1343F */
	{ "<" "\xf0\x93\x91\x80" ">", 0, "<" "\xf0\x93\x91\x80" ">" },  /* U+13440 passes */
	{ "<" "\xf0\x9b\xb2\x9f" ">", 0, "<" "\xf0\x9b\xb2\x9f" ">" },  /* U+1BC9F passes */
	{ "<" "\xf0\x9b\xb2\xa0" ">", 0, "<\\U0001bca0>" },  /* U+1BCA0 */
	{ "<" "\xf0\x9b\xb2\xa3" ">", 0, "<\\U0001bca3>" },  /* U+1BCA3 */
	{ "<" "\xf0\x9b\xb2\xa4" ">", 0, "<" "\xf0\x9b\xb2\xa4" ">" },  /* U+1BCA4 passes */
	{ "<" "\xf0\x9d\x85\xb2" ">", 0, "<" "\xf0\x9d\x85\xb2" ">" },  /* U+1D172 passes */
	{ "<" "\xf0\x9d\x85\xb3" ">", 0, "<\\U0001d173>" },  /* U+1D173 */
	{ "<" "\xf0\x9d\x85\xba" ">", 0, "<\\U0001d17a>" },  /* U+1D17A */
	{ "<" "\xf0\x9d\x85\xbb" ">", 0, "<" "\xf0\x9d\x85\xbb" ">" },  /* U+1D17B passes */
	{ "<" "\xf3\xa0\x80\x80" ">", 0, "<" "\xf3\xa0\x80\x80" ">" },  /* U+E0000 passes */
	{ "<" "\xf3\xa0\x80\x81" ">", 0, "<\\U000e0001>" },  /* U+E0001 */
	{ "<" "\xf3\xa0\x80\x82" ">", 0, "<" "\xf3\xa0\x80\x82" ">" },  /* U+E0002 passes */
	{ "<" "\xf3\xa0\x80\x9f" ">", 0, "<" "\xf3\xa0\x80\x9f" ">" },  /* U+E001F passes */
	{ "<" "\xf3\xa0\x80\xa0" ">", 0, "<\\U000e0020>" },  /* U+E0020 */
	{ "<" "\xf3\xa0\x81\xbf" ">", 0, "<\\U000e007f>" },  /* U+E007F */
	{ "<" "\xf3\xa0\x82\x80" ">", 0, "<" "\xf3\xa0\x82\x80" ">" },  /* U+E0080 passes */
	/* inside the ranges, and more neighbours that must pass */
	{ "<" "\xe2\x80\x8e" ">", 0, "<\\u200e>" },    /* LRM */
	{ "<" "\xe2\x81\xa9" ">", 0, "<\\u2069>" },    /* PDI */
	{ "<" "\xe2\x81\xaa" ">", 0, "<\\u206a>" },    /* deprecated Cf */
	{ "<" "\xf3\xa0\x81\x81" ">", 0, "<\\U000e0041>" }, /* TAG A */
	{ "<" "\xe2\x80\xa8" ">", 0, "<" "\xe2\x80\xa8" ">" }, /* U+2028 */
	{ "<" "\xef\xb8\x8f" ">", 0, "<" "\xef\xb8\x8f" ">" }, /* VS16 */
	{ "<" "\xf3\xa0\x84\x80" ">", 0, "<" "\xf3\xa0\x84\x80" ">" }, /* VS17 */
	/* the classic spoof: "evil<RLO>gpj.exe" displays as "evilexe.jpg" */
	{ "evil\xe2\x80\xae" "gpj.exe", 0, "evil\\u202egpj.exe" },
	{ "\xef\xbb\xbf" "name", 0, "\\ufeffname" },   /* BOM */
	/* an escaped format character next to a backslash stays unambiguous */
	{ "\\u202e\xe2\x80\xae", 0, "\\\\u202e\\u202e" },
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

	/* The predicate itself, at the edges the table cannot reach. */
	CHECK_INT(sanitize_codepoint_is_unsafe(0x00), 1);
	CHECK_INT(sanitize_codepoint_is_unsafe(0x1f), 1);
	CHECK_INT(sanitize_codepoint_is_unsafe(0x20), 0);
	CHECK_INT(sanitize_codepoint_is_unsafe('\\'), 0);
	CHECK_INT(sanitize_codepoint_is_unsafe(0x7e), 0);
	CHECK_INT(sanitize_codepoint_is_unsafe(0x7f), 1);
	CHECK_INT(sanitize_codepoint_is_unsafe(0x9f), 1);
	CHECK_INT(sanitize_codepoint_is_unsafe(0xa0), 0);
	CHECK_INT(sanitize_codepoint_is_unsafe(0x202e), 1);
	CHECK_INT(sanitize_codepoint_is_unsafe(0xe007f), 1);
	CHECK_INT(sanitize_codepoint_is_unsafe(0xe0080), 0);
	CHECK_INT(sanitize_codepoint_is_unsafe(0x10ffff), 0);
	CHECK_INT(sanitize_codepoint_is_unsafe(0xffffffffu), 0);

	/* The stream form gives sanitize()'s result for every way of
	 * splitting the input in two or three chunks, including inside a
	 * multi-byte sequence. */
	static const char mix[] = "a\xe2\x80\xae" "b\xf3\xa0\x80\x81"
		"\xc3\xa9\xe6\x97\xa5\xc2\x9b\xf0\x9f\x98\x80\xe2\x80\xff"
		"\\\n\xf4\x90\x80\x80\xe0\x80\xaf\xed\xa0\x80\xe6\x97";
	size_t mlen = sizeof(mix) - 1;
	char *want = sanitize(mix, mlen);
	for (size_t a = 0; a <= mlen; a++) {
		for (size_t c = a; c <= mlen; c++) {
			struct sanitize_stream st = { 0 };
			struct buf b = { 0 };
			sanitize_stream(&st, mix, a, 0, &b);
			sanitize_stream(&st, mix + a, c - a, 0, &b);
			sanitize_stream(&st, mix + c, mlen - c, 0, &b);
			sanitize_stream_end(&st, 0, &b);
			char *got = buf_steal(&b);
			if (strcmp(got, want) != 0)
				fprintf(stderr, "split at %zu, %zu\n", a, c);
			CHECK_STR(got, want);
			free(got);
		}
	}
	free(want);
	/* One byte at a time; with SANITIZE_KEEP_LINES, \n and \t pass. */
	{
		static const char t[] = "l1\tx\r\n\xe2\x80\x8f\x1b[2J\n\xe2\x80";
		struct sanitize_stream st = { 0 };
		struct buf b = { 0 };
		for (size_t i = 0; i < sizeof(t) - 1; i++)
			sanitize_stream(&st, t + i, 1, SANITIZE_KEEP_LINES, &b);
		CHECK_INT(st.npend, 2);
		sanitize_stream_end(&st, SANITIZE_KEEP_LINES, &b);
		CHECK_INT(st.npend, 0);
		s = buf_steal(&b);
		CHECK_STR(s, "l1\tx\\r\n\\u200f\\e[2J\n\\xe2\\x80");
		free(s);
	}

	/* ftps_strerror: every code has its own text. */
	CHECK_STR(ftps_strerror(FTPS_ERR_TIMEOUT), "timed out");
	CHECK_STR(ftps_strerror(FTPS_ERR_CERT), "certificate not trusted");
	CHECK_STR(ftps_strerror(FTPS_ERR_TOOLONG), "input too long");
	CHECK_STR(ftps_strerror(-999), "unknown error");
	for (int e = FTPS_ERR_USAGE; e <= FTPS_ERR_NOMEM; e++)
		CHECK(strcmp(ftps_strerror(e), "unknown error") != 0);
	return check_summary(argv[0]);
}
