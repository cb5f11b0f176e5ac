/* The sanitiser: whatever the bytes, the result has no control character
 * (C0, DEL, C1), is valid UTF-8, and is the input itself when the input was
 * printable UTF-8 without backslashes. */
#include "fuzz.h"
#include "util/sanitize.h"

/* Length of a valid UTF-8 sequence at s, 0 if invalid (an independent
 * decoder from the one under test). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t c;

	if (s[0] < 0x80)
		return 1;
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
	return len;
}

static int valid_utf8(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		size_t l = utf8_len(u + i, n - i);
		if (l == 0)
			return 0;
		i += l;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	char *out = sanitize(in, size);
	size_t n = strlen(out);

	FUZZ_ASSERT(!fuzz_has_ctl(out, n));
	FUZZ_ASSERT(valid_utf8(out, n));
	/* Every input byte becomes at most "\xHH". */
	FUZZ_ASSERT(n >= size && n <= 4 * size);
	if (valid_utf8(in, size) && !fuzz_has_ctl(in, size) &&
	    !memchr(in, '\\', size))
		FUZZ_ASSERT(n == size && memcmp(out, in, size) == 0);
	free(out);

	char *s = fuzz_cstr(data, size);
	out = sanitize_str(s);
	FUZZ_ASSERT(!fuzz_has_ctl(out, strlen(out)));
	free(out);
	free(s);
	return 0;
}
