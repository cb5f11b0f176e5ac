#include "sanitize.h"
#include "buf.h"
#include "xmalloc.h"

#include <stdint.h>
#include <string.h>

/* Length of the well-formed UTF-8 sequence at s (at most n bytes available)
 * and its code point, or 0 if the bytes there are not valid UTF-8. Rejects
 * overlong forms, surrogates and values above U+10FFFF, so that nothing a
 * terminal could decode differently slips through. */
size_t sanitize_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
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

/* Non-zero if the n bytes at s (fewer than a whole sequence) are the start
 * of a well-formed UTF-8 sequence that more bytes could complete. */
static int utf8_incomplete(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned char lo = 0x80, hi = 0xbf;

	if (n == 0 || s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	len = s[0] <= 0xdf ? 2 : s[0] <= 0xef ? 3 : 4;
	if (n >= len)
		return 0;
	/* The second byte's range excludes overlongs, surrogates and
	 * values above U+10FFFF. */
	switch (s[0]) {
	case 0xe0: lo = 0xa0; break;
	case 0xed: hi = 0x9f; break;
	case 0xf0: lo = 0x90; break;
	case 0xf4: hi = 0x8f; break;
	}
	if (n >= 2 && (s[1] < lo || s[1] > hi))
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return 1;
}

int sanitize_codepoint_is_control(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f);
}

int sanitize_codepoint_is_unsafe(uint32_t cp)
{
	/* Sorted, inclusive ranges of General_Category Cf (Unicode 15.1). */
	static const struct { uint32_t lo, hi; } cf[] = {
		{ 0x00ad, 0x00ad },     /* soft hyphen */
		{ 0x0600, 0x0605 },     /* Arabic number signs */
		{ 0x061c, 0x061c },     /* Arabic letter mark (bidi) */
		{ 0x06dd, 0x06dd },
		{ 0x070f, 0x070f },
		{ 0x0890, 0x0891 },
		{ 0x08e2, 0x08e2 },
		{ 0x180e, 0x180e },     /* Mongolian vowel separator */
		{ 0x200b, 0x200f },     /* ZWSP, ZWNJ, ZWJ, LRM, RLM */
		{ 0x202a, 0x202e },     /* LRE, RLE, PDF, LRO, RLO */
		{ 0x2060, 0x2064 },     /* word joiner, invisible operators */
		{ 0x2066, 0x206f },     /* LRI, RLI, FSI, PDI; deprecated */
		{ 0xfeff, 0xfeff },     /* BOM / ZWNBSP */
		{ 0xfff9, 0xfffb },     /* interlinear annotation */
		{ 0x110bd, 0x110bd },
		{ 0x110cd, 0x110cd },
		{ 0x13430, 0x1343f },   /* Egyptian hieroglyph format controls */
		{ 0x1bca0, 0x1bca3 },   /* shorthand format controls */
		{ 0x1d173, 0x1d17a },   /* musical beam and slur controls */
		{ 0xe0001, 0xe0001 },   /* language tag */
		{ 0xe0020, 0xe007f },   /* tag characters */
	};

	if (sanitize_codepoint_is_control(cp))
		return 1;
	if (cp < 0xad)
		return 0;
	for (size_t i = 0; i < sizeof(cf) / sizeof(cf[0]); i++) {
		if (cp < cf[i].lo)
			return 0;
		if (cp <= cf[i].hi)
			return 1;
	}
	return 0;
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

/* Appends the sanitised form of the one code point (or invalid byte) at u
 * and returns how many of the n bytes it took. Returns 0 only if !final and
 * the bytes are an incomplete sequence that more input could complete. */
static size_t sanitize_one(struct buf *b, const unsigned char *u, size_t n,
			   int flags, int final)
{
	uint32_t cp;
	size_t len = sanitize_utf8_decode(u, n, &cp);

	if (len == 0) {
		if (!final && utf8_incomplete(u, n))
			return 0;
		/* Invalid: escape one byte and resynchronise. */
		escape_byte(b, u[0]);
		return 1;
	}
	int unsafe = sanitize_codepoint_is_unsafe(cp);

	if ((flags & SANITIZE_KEEP_LINES) && (cp == '\n' || cp == '\t' || cp == '\\')) {
		buf_append(b, u, 1);
	} else if (cp == '\\' || (unsafe && cp <= 0x9f)) {
		/* C0, DEL, backslash; C1 controls byte by byte: "\xc2\x9b". */
		for (size_t k = 0; k < len; k++)
			escape_byte(b, u[k]);
	} else if (unsafe) {
		if (cp <= 0xffff)
			buf_printf(b, "\\u%04x", (unsigned)cp);
		else
			buf_printf(b, "\\U%08x", (unsigned)cp);
	} else {
		buf_append(b, u, len);
	}
	return len;
}

char *sanitize(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	struct buf b = { 0 };

	for (size_t i = 0; i < len;)
		i += sanitize_one(&b, u + i, len - i, 0, 1);
	return buf_steal(&b);
}

char *sanitize_str(const char *s)
{
	return sanitize(s, strlen(s));
}

void sanitize_stream(struct sanitize_stream *st, const void *p, size_t len,
		     int flags, struct buf *out)
{
	const unsigned char *u = p;
	size_t i = 0;

	/* First finish the sequence held back from the previous chunk. */
	while (st->npend > 0) {
		unsigned char tmp[8];
		size_t take = len < 4 ? len : 4;
		size_t n = st->npend, used;

		memcpy(tmp, st->pend, n);
		memcpy(tmp + n, u, take);
		used = sanitize_one(out, tmp, n + take, flags, 0);
		if (used == 0) {
			/* Still incomplete: the whole chunk was short. */
			memcpy(st->pend + n, u, take);
			st->npend = n + take;
			return;
		}
		if (used <= n) {
			/* A held byte turned out invalid: drop it, retry. */
			memmove(st->pend, st->pend + used, n - used);
			st->npend = n - used;
		} else {
			i = used - n;
			st->npend = 0;
		}
	}
	while (i < len) {
		size_t used = sanitize_one(out, u + i, len - i, flags, 0);

		if (used == 0) {
			memcpy(st->pend, u + i, len - i);
			st->npend = len - i;
			return;
		}
		i += used;
	}
}

void sanitize_stream_end(struct sanitize_stream *st, int flags,
			 struct buf *out)
{
	for (size_t i = 0; i < st->npend;)
		i += sanitize_one(out, st->pend + i, st->npend - i, flags, 1);
	st->npend = 0;
}
