/* The sanitiser: whatever the bytes, the result has no control character
 * (C0, DEL, C1), no code point sanitize_codepoint_is_unsafe() flags (bidi
 * controls and other invisible format characters), is valid UTF-8, and is
 * the input itself when the input was safe UTF-8 without backslashes. The
 * stream form gives the same result however the input is split. */
#include "fuzz.h"
#include "util/buf.h"
#include "util/sanitize.h"

/* Length of a valid UTF-8 sequence at s, 0 if invalid (an independent
 * decoder from the one under test). */
static size_t utf8_len(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0)
		len = 2, c = s[0] & 0x1fu;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, c = s[0] & 0x0fu;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4, c = s[0] & 0x07u;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3fu);
	}
	static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	if (c < min[len] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static int valid_utf8(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t cp;

	for (size_t i = 0; i < n;) {
		size_t l = utf8_len(u + i, n - i, &cp);
		if (l == 0)
			return 0;
		i += l;
	}
	return 1;
}

/* Non-zero if the valid UTF-8 s has a code point the predicate flags, or
 * one of the bidirectional controls named here independently of it. */
static int has_unsafe(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t cp;

	for (size_t i = 0; i < n;) {
		size_t l = utf8_len(u + i, n - i, &cp);
		if (l == 0)
			return 1;
		if (sanitize_codepoint_is_unsafe(cp) || cp == 0x061c ||
		    cp == 0x200e || cp == 0x200f ||
		    (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069))
			return 1;
		i += l;
	}
	return 0;
}

/* sanitize_stream() on data split into three chunks at points taken from
 * the data itself. */
static char *stream3(const uint8_t *data, size_t size)
{
	struct sanitize_stream st = { 0 };
	struct buf b = { 0 };
	size_t a = size ? data[0] % (size + 1) : 0;
	size_t c = size ? a + data[size - 1] % (size - a + 1) : 0;

	sanitize_stream(&st, data, a, 0, &b);
	sanitize_stream(&st, data + a, c - a, 0, &b);
	sanitize_stream(&st, data + c, size - c, 0, &b);
	sanitize_stream_end(&st, 0, &b);
	return buf_steal(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	char *out = sanitize(in, size);
	size_t n = strlen(out);

	FUZZ_ASSERT(!fuzz_has_ctl(out, n));
	FUZZ_ASSERT(valid_utf8(out, n));
	FUZZ_ASSERT(!has_unsafe(out, n));
	/* Every input byte becomes at most "\xHH"; "\u202e" and
	 * "\U000e0001" stay within 4 per byte too. */
	FUZZ_ASSERT(n >= size && n <= 4 * size);
	if (valid_utf8(in, size) && !has_unsafe(in, size) &&
	    !memchr(in, '\\', size))
		FUZZ_ASSERT(n == size && memcmp(out, in, size) == 0);

	char *st = stream3(data, size);
	FUZZ_ASSERT(strcmp(st, out) == 0);
	free(st);
	free(out);

	char *s = fuzz_cstr(data, size);
	out = sanitize_str(s);
	FUZZ_ASSERT(!fuzz_has_ctl(out, strlen(out)));
	free(out);
	free(s);
	return 0;
}
