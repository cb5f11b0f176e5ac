#include "parse.h"
#include "util/error.h"
#include "util/xmalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Parse 1..maxdig decimal digits at *s, advancing it. -1 if none or too many
 * (a longer run of digits is a different number, not a truncated one). */
static long take_number(const char **s, int maxdig)
{
	long v = 0;
	int n = 0;

	while (is_digit(**s)) {
		if (++n > maxdig)
			return -1;
		v = v * 10 + (**s - '0');
		(*s)++;
	}
	return n ? v : -1;
}

/* Six comma-separated numbers 0..255 starting exactly at s. */
static int six_numbers(const char *s, long v[6])
{
	for (int i = 0; i < 6; i++) {
		if (i > 0 && *s++ != ',')
			return -1;
		v[i] = take_number(&s, 3);
		if (v[i] < 0 || v[i] > 255)
			return -1;
	}
	return 0;
}

int parse_227(const char *text, uint16_t *port)
{
	/* Formats vary ("(h,h,h,h,p,p)", "=h,h,...", trailing dot), so scan
	 * for the first run of digits that starts six valid numbers. */
	for (const char *s = text; *s; s++) {
		long v[6];

		if (!is_digit(*s) || (s > text && is_digit(s[-1])))
			continue;
		if (six_numbers(s, v) < 0)
			continue;
		long p = v[4] * 256 + v[5];
		if (p == 0)
			return FTPS_ERR_PROTO;
		*port = (uint16_t)p;
		return 0;
	}
	return FTPS_ERR_PROTO;
}

/* "(dddPORTd" after the '(' at s. */
static int epsv_at(const char *s, uint16_t *port)
{
	char d = s[1];

	if (d < 33 || d > 126 || is_digit(d))
		return -1;
	if (s[2] != d || s[3] != d)
		return -1;
	s += 4;
	long p = take_number(&s, 5);
	if (p < 1 || p > 65535 || *s != d)
		return -1;
	*port = (uint16_t)p;
	return 0;
}

int parse_229(const char *text, uint16_t *port)
{
	for (const char *s = strchr(text, '('); s; s = strchr(s + 1, '(')) {
		if (epsv_at(s, port) == 0)
			return 0;
	}
	return FTPS_ERR_PROTO;
}

int parse_257(const char *text, char **path)
{
	const char *s = strchr(text, '"');
	char *out, *o;

	if (!s)
		return FTPS_ERR_PROTO;
	s++;
	out = o = xmalloc(strlen(s) + 1);
	for (;;) {
		if (*s == '\0') {
			free(out);
			return FTPS_ERR_PROTO; /* no closing quote */
		}
		if (*s == '"') {
			if (s[1] != '"')
				break;
			s++; /* "" is one literal quote */
		}
		*o++ = *s++;
	}
	*o = '\0';
	if (o == out) {
		free(out);
		return FTPS_ERR_PROTO;
	}
	*path = out;
	return 0;
}

/* Nothing but whitespace left. */
static int only_space(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	return *s == '\0';
}

int parse_150_size(const char *text, int64_t *size)
{
	static const char tail[] = " bytes)";
	size_t n = strlen(text);
	while (n > 0 && (text[n - 1] == '.' || text[n - 1] == ' ' ||
			 text[n - 1] == '\r' || text[n - 1] == '\n'))
		n--;
	if (n < sizeof(tail) || memcmp(text + n - (sizeof(tail) - 1), tail,
				       sizeof(tail) - 1))
		return FTPS_ERR_PROTO;
	size_t end = n - (sizeof(tail) - 1), start = end;
	while (start > 0 && is_digit(text[start - 1]))
		start--;
	if (start == end || start == 0 || text[start - 1] != '(' ||
	    end - start > 19)
		return FTPS_ERR_PROTO;
	int64_t v = 0;
	for (size_t i = start; i < end; i++) {
		int d = text[i] - '0';
		if (v > (INT64_MAX - d) / 10)
			return FTPS_ERR_PROTO;
		v = v * 10 + d;
	}
	*size = v;
	return 0;
}

int parse_213_size(const char *text, int64_t *size)
{
	const char *s = text;
	int64_t v = 0;

	while (*s == ' ')
		s++;
	if (!is_digit(*s))
		return FTPS_ERR_PROTO;
	for (; is_digit(*s); s++) {
		int d = *s - '0';
		if (v > (INT64_MAX - d) / 10)
			return FTPS_ERR_PROTO;
		v = v * 10 + d;
	}
	if (!only_space(s))
		return FTPS_ERR_PROTO;
	*size = v;
	return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil); avoids timegm() and the TZ environment. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

int parse_213_mdtm(const char *text, int64_t *epoch)
{
	const char *s = text;

	while (*s == ' ')
		s++;
	for (int i = 0; i < 14; i++)
		if (!is_digit(s[i]))
			return FTPS_ERR_PROTO;
	int y = digits(s, 4), mo = digits(s + 4, 2), d = digits(s + 6, 2);
	int h = digits(s + 8, 2), mi = digits(s + 10, 2), sec = digits(s + 12, 2);
	s += 14;
	if (*s == '.') { /* fraction of a second: ignored */
		s++;
		if (!is_digit(*s))
			return FTPS_ERR_PROTO;
		while (is_digit(*s))
			s++;
	}
	if (!only_space(s))
		return FTPS_ERR_PROTO;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
	    h > 23 || mi > 59 || sec > 60)
		return FTPS_ERR_PROTO;
	*epoch = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	return 0;
}

/* One feature line: first word (and for REST, the second). */
/* " HASH SHA-1;SHA-256*;MD5": the algorithms it offers. */
static unsigned feat_hash(const char *s, size_t len)
{
	unsigned bits = 0;
	static const struct { const char *name; unsigned bit; } algos[] = {
		{ "SHA-256", FEAT_HASH_SHA256 }, { "SHA-1", FEAT_HASH_SHA1 },
		{ "MD5", FEAT_HASH_MD5 },
	};
	const char *end = s + len;
	while (s < end) {
		size_t n = strcspn(s, ";* \t");
		if (s + n > end)
			n = (size_t)(end - s);
		for (size_t i = 0; i < sizeof(algos) / sizeof(algos[0]); i++)
			if (n == strlen(algos[i].name) && !strncasecmp(s, algos[i].name, n))
				bits |= algos[i].bit;
		s += n;
		s += strspn(s, ";* \t");
	}
	return bits;
}

static unsigned feat_word(const char *s, size_t len)
{
	static const struct { const char *name; unsigned bit; } tab[] = {
		{ "MLSD", FEAT_MLSD }, { "MLST", FEAT_MLSD },
		{ "SIZE", FEAT_SIZE }, { "MDTM", FEAT_MDTM },
		{ "UTF8", FEAT_UTF8 }, { "EPSV", FEAT_EPSV },
		{ "MFMT", FEAT_MFMT }, { "TVFS", FEAT_TVFS },
	};
	size_t w;

	while (len && (*s == ' ' || *s == '\t'))
		s++, len--;
	for (w = 0; w < len && s[w] != ' ' && s[w] != '\t'; w++)
		;
	if (w == 4 && strncasecmp(s, "REST", 4) == 0) {
		/* "REST STREAM": only stream-mode restarts are of use. */
		const char *r = s + 4;
		size_t rl = len - 4;
		while (rl && (*r == ' ' || *r == '\t'))
			r++, rl--;
		if (rl >= 6 && strncasecmp(r, "STREAM", 6) == 0 &&
		    (rl == 6 || r[6] == ' ' || r[6] == '\t'))
			return FEAT_REST_STREAM;
		return 0;
	}
	if (w == 4 && strncasecmp(s, "HASH", 4) == 0)
		return feat_hash(s + 4, len - 4);
	static const struct { const char *name; unsigned bit; } x[] = {
		{ "XSHA256", FEAT_XSHA256 }, { "XSHA1", FEAT_XSHA1 },
		{ "XMD5", FEAT_XMD5 }, { "XCRC", FEAT_XCRC },
	};
	for (size_t i = 0; i < sizeof(x) / sizeof(x[0]); i++)
		if (w == strlen(x[i].name) && strncasecmp(s, x[i].name, w) == 0)
			return x[i].bit;
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (w == 4 && strncasecmp(s, tab[i].name, 4) == 0)
			return tab[i].bit;
	return 0;
}

int parse_hash_reply(const char *text, size_t hex_len, char *hex)
{
	const char *p = text;
	while (*p) {
		p += strspn(p, " \t\n");
		size_t n = strcspn(p, " \t\n");
		if (n == hex_len && strspn(p, "0123456789abcdefABCDEF") >= n) {
			for (size_t i = 0; i < n; i++)
				hex[i] = (char)((p[i] >= 'A' && p[i] <= 'F') ? p[i] - 'A' + 'a' : p[i]);
			hex[n] = '\0';
			return 0;
		}
		p += n;
	}
	return FTPS_ERR_PROTO;
}

unsigned parse_feat(const char *text)
{
	unsigned bits = 0;
	const char *s = text;
	size_t lineno = 0;

	/* Feature lines start with a space (RFC 2389). Lines between the first
	 * ("Features:") and the last ("End") count too, for servers that drop
	 * the space or prefix each line with "211-". */
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		int middle = lineno > 0 && nl != NULL;

		if (len && s[len - 1] == '\r')
			len--;
		if ((len && s[0] == ' ') || middle)
			bits |= feat_word(s, len);
		if (!nl)
			break;
		s = nl + 1;
		lineno++;
	}
	return bits;
}

/* A verb at p (case-insensitive) followed by a blank or the end. */
static size_t verb_at(const char *p, const char *verb)
{
	size_t n = strlen(verb);
	if (strncasecmp(p, verb, n) || (p[n] && p[n] != ' ' && p[n] != '\t'))
		return 0;
	return n;
}

size_t ftp_secret_offset(const char *line)
{
	const char *p = line + strspn(line, " \t");
	size_t n;
	if ((n = verb_at(p, "PASS")) || (n = verb_at(p, "ACCT")))
		return (size_t)(p - line) + n;
	if (!(n = verb_at(p, "SITE")))
		return 0;
	const char *q = p + n + strspn(p + n, " \t");
	size_t m;
	if ((m = verb_at(q, "PASS")) || (m = verb_at(q, "PSWD")))
		return (size_t)(q - line) + m;
	return 0;
}
