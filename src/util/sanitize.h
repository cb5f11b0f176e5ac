/* Make untrusted (server-supplied) text safe to print on a terminal. */
#ifndef FTPS_SANITIZE_H
#define FTPS_SANITIZE_H

#include <stddef.h>
#include <stdint.h>

struct buf;

/* Non-zero if the code point cp must not reach a terminal raw, because it is
 * either acted on or invisible, so that a server-supplied name could display
 * as something else ("evil\u202egpj.exe" shows as "evilexe.jpg"; "a\u200bb"
 * looks like "ab"). This is the single place that decides; sanitize() and
 * sanitize_stream() escape exactly these code points (and backslash).
 *   - C0 controls U+0000..U+001F, DEL U+007F, C1 controls U+0080..U+009F:
 *     the terminal acts on them (ESC sequences, CSI, CR overwriting a line).
 *   - Every code point of General_Category Cf (format) in Unicode 15.1:
 *     bidirectional controls (U+061C, U+200E, U+200F, U+202A..U+202E,
 *     U+2066..U+2069), zero-width and joiner characters (U+200B..U+200D,
 *     U+2060..U+2064, U+FEFF), the deprecated format characters
 *     U+206A..U+206F, soft hyphen U+00AD, U+180E, interlinear annotation
 *     U+FFF9..U+FFFB, tag characters U+E0001 and U+E0020..U+E007F, and the
 *     script-specific ones (U+0600..U+0605, U+06DD, U+070F, U+0890, U+0891,
 *     U+08E2, U+110BD, U+110CD, U+13430..U+1343F, U+1BCA0..U+1BCA3,
 *     U+1D173..U+1D17A). Unassigned neighbours such as U+2065 and
 *     separators such as U+2028/U+2029 are not Cf and pass.
 * Variation selectors (U+FE00..U+FE0F) are not Cf and pass, so emoji keep
 * their presentation; ZWJ (U+200D) is Cf, so emoji ZWJ sequences show their
 * joiners escaped. */
int sanitize_codepoint_is_unsafe(uint32_t cp);
/* The controls among them (C0, DEL, C1): what must never be part of a
 * local file name either. */
int sanitize_codepoint_is_control(uint32_t cp);
/* Length of the well-formed UTF-8 sequence at s (n bytes available) and its
 * code point; 0 when the bytes there are not valid UTF-8 (overlong forms,
 * surrogates and values above U+10FFFF included). */
size_t sanitize_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* Returns a newly allocated NUL-terminated copy of the len bytes at s in
 * which every unsafe code point (sanitize_codepoint_is_unsafe()), every byte
 * that is not part of well-formed UTF-8, and backslash are replaced by
 * visible ASCII escapes:
 *   "\e" ESC, "\t", "\r", "\n", "\\" backslash,
 *   "\xHH" any other C0 control, DEL, an invalid byte, and each byte of the
 *          UTF-8 form of a C1 control (U+009B is "\xc2\x9b"),
 *   "\uXXXX" any other unsafe code point up to U+FFFF, exactly 4 lowercase
 *          hex digits (U+202E is "\u202e"),
 *   "\UXXXXXXXX" an unsafe code point above U+FFFF, exactly 8 lowercase hex
 *          digits (U+E0001 is "\U000e0001").
 * H and X are lowercase hex digits. Valid, safe UTF-8 (e.g. "é", "日本")
 * passes through unchanged. Embedded NUL bytes are escaped as "\x00". The
 * result is valid UTF-8 with no unsafe code point. Caller frees. Never
 * NULL. */
char *sanitize(const char *s, size_t len);

/* Same as sanitize(s, strlen(s)). */
char *sanitize_str(const char *s);

/* Incremental form for a byte stream of any length (e.g. "cat" of a remote
 * file to a terminal), fed in chunks of any size: a UTF-8 sequence split
 * between two chunks is held back and decoded whole. Zero-initialise the
 * state; call sanitize_stream() for each chunk, then sanitize_stream_end()
 * once (it escapes a held incomplete sequence byte by byte). Both append
 * to out. The escapes are those of sanitize(); with SANITIZE_KEEP_LINES,
 * '\n', '\t' and '\\' pass raw so that text keeps its lines, indentation and
 * backslashes (the output is for reading, not for decoding back; '\r' is
 * still escaped: it could overwrite a line). */
#define SANITIZE_KEEP_LINES 1
struct sanitize_stream {
	unsigned char pend[4];  /* incomplete UTF-8 sequence from last chunk */
	size_t npend;
};
void sanitize_stream(struct sanitize_stream *st, const void *p, size_t len,
		     int flags, struct buf *out);
void sanitize_stream_end(struct sanitize_stream *st, int flags,
			 struct buf *out);

#endif
