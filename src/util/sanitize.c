#include "sanitize.h"
#include "buf.h"
#include "xmalloc.h"

#include <stdint.h>
#include <string.h>

/* Length of the well-formed UTF-8 sequence at s (at most n bytes available)
 * and its code point, or 0 if the bytes there are not valid UTF-8. Rejects
 * overlong forms, surrogates and values above U+10FFFF, so that nothing a
 * terminal could decode differently slips through. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len;
	uint32_t c, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2; c = s[0] & 0x1f; min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3; c = s[0] & 0x0f; min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4; c = s[0] & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static void escape_byte(struct buf *b, unsigned char c)
{
	switch (c) {
	case 0x1b: buf_append_str(b, "\\e"); break;
	case '\t': buf_append_str(b, "\\t"); break;
	case '\r': buf_append_str(b, "\\r"); break;
	case '\n': buf_append_str(b, "\\n"); break;
	case '\\': buf_append_str(b, "\\\\"); break;
	default:   buf_printf(b, "\\x%02x", c); break;
	}
}

char *sanitize(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	struct buf b = { 0 };
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		size_t n = utf8_decode(u + i, len - i, &cp);

		if (n == 0) {
			/* Invalid: escape one byte and resynchronise. */
			escape_byte(&b, u[i]);
			i++;
		} else if (cp < 0x20 || cp == 0x7f || cp == '\\' ||
			   (cp >= 0x80 && cp <= 0x9f)) {
			/* C1 controls are escaped byte by byte: "\xc2\x9b". */
			for (size_t k = 0; k < n; k++)
				escape_byte(&b, u[i + k]);
			i += n;
		} else {
			buf_append(&b, u + i, n);
			i += n;
		}
	}
	return buf_steal(&b);
}

char *sanitize_str(const char *s)
{
	return sanitize(s, strlen(s));
}
