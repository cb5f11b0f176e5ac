/* The per-host settings file: parsing and lookup (see hostconfig.h). */
#include "cli/hostconfig.h"
#include "util/xmalloc.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum kind { K_HOST, K_WORD, K_PATH, K_NUMBER, K_CHOICE, K_PIN };

/* One table for names, value checks and typed access. */
static const struct {
	const char *name;
	enum kind kind;
	long min, max;          /* K_NUMBER */
	const char *choices[4]; /* K_CHOICE, NULL-terminated */
} keys[HC_N_KEYS] = {
	[HC_HOSTNAME] = { "HostName", K_HOST, 0, 0, { NULL } },
	[HC_PORT] = { "Port", K_NUMBER, 1, 65535, { NULL } },
	[HC_USER] = { "User", K_WORD, 0, 0, { NULL } },
	[HC_MODE] = { "Mode", K_CHOICE, 0, 0, { "explicit", "implicit", NULL } },
	[HC_CAFILE] = { "CAFile", K_PATH, 0, 0, { NULL } },
	[HC_CERT] = { "Cert", K_PATH, 0, 0, { NULL } },
	[HC_KEY] = { "Key", K_PATH, 0, 0, { NULL } },
	[HC_PRIORITY] = { "Priority", K_WORD, 0, 0, { NULL } },
	[HC_TRUST] = { "Trust", K_CHOICE, 0, 0, { "ask", "accept-new", "strict", NULL } },
	[HC_TRUST_FP] = { "TrustFingerprint", K_PIN, 0, 0, { NULL } },
	[HC_KNOWN] = { "KnownServers", K_PATH, 0, 0, { NULL } },
	[HC_PASSIVE] = { "Passive", K_CHOICE, 0, 0, { "no", "yes", NULL } },
	[HC_PROXY] = { "Proxy", K_WORD, 0, 0, { NULL } },
	[HC_LIMIT_RATE] = { "LimitRate", K_WORD, 0, 0, { NULL } },
	[HC_RETRIES] = { "Retries", K_NUMBER, 0, 1000, { NULL } },
	[HC_TIMEOUT] = { "Timeout", K_NUMBER, 1, 86400, { NULL } },
	[HC_NETRC] = { "NetrcFile", K_PATH, 0, 0, { NULL } },
};

const char *hc_key_name(enum hc_key k)
{
	return (unsigned)k < HC_N_KEYS ? keys[k].name : "?";
}

int hc_key_is_path(enum hc_key k)
{
	return (unsigned)k < HC_N_KEYS && keys[k].kind == K_PATH;
}

static int fail(struct hc_error *err, unsigned line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	err->line = line;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static int blank(char c)
{
	return c == ' ' || c == '\t';
}

static long number(const char *s, long min, long max)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || !isdigit((unsigned char)*s) || v < min || v > max)
		return -1;
	return v;
}

static int choice(enum hc_key k, const char *s)
{
	for (int i = 0; keys[k].choices[i]; i++)
		if (!strcasecmp(keys[k].choices[i], s))
			return i;
	return -1;
}

static int valid_host(const char *s)
{
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (!(isalnum(c) || strchr("-._:", c) || c >= 0x80))
			return 0;
	}
	return 1;
}

/* The value's check for its key's kind: 0, or -1 with *err set. */
static int check_value(enum hc_key k, const char *v, unsigned line,
		       struct hc_error *err)
{
	const char *name = keys[k].name;
	switch (keys[k].kind) {
	case K_HOST:
		if (!valid_host(v))
			return fail(err, line, "%s: invalid host name \"%.80s\"", name, v);
		return 0;
	case K_PATH:
		if (v[0] == '~' && v[1] && v[1] != '/')
			return fail(err, line, "%s: only a leading ~/ is expanded, not "
				    "\"%.80s\"", name, v);
		return 0;
	case K_NUMBER:
		if (number(v, keys[k].min, keys[k].max) < 0)
			return fail(err, line, "%s: expected a number from %ld to %ld, "
				    "not \"%.80s\"", name, keys[k].min, keys[k].max, v);
		return 0;
	case K_CHOICE:
		if (choice(k, v) < 0)
			return fail(err, line, "%s: expected %s or %s%s%s, not \"%.80s\"",
				    name, keys[k].choices[0], keys[k].choices[1],
				    keys[k].choices[2] ? " or " : "",
				    keys[k].choices[2] ? keys[k].choices[2] : "", v);
		return 0;
	case K_PIN:
		if (strncasecmp(v, "SHA256:", 7) || !v[7])
			return fail(err, line, "%s: expected SHA256:..., not \"%.80s\"",
				    name, v);
		return 0;
	case K_WORD:
		return 0;
	}
	return 0;
}

static int find_key(const char *s, size_t n)
{
	for (int k = 0; k < HC_N_KEYS; k++)
		if (strlen(keys[k].name) == n && !strncasecmp(keys[k].name, s, n))
			return k;
	return -1;
}

/* The value part of a line: a double-quoted string (blanks kept), or the
 * text to the end with trailing blanks cut. Newly allocated in *out. */
static int take_value(const char *s, unsigned line, char **out,
		      struct hc_error *err)
{
	size_t n = strlen(s);
	while (n && blank(s[n - 1]))
		n--;
	if (n && s[0] == '"') {
		const char *q = memchr(s + 1, '"', n - 1);
		if (!q)
			return fail(err, line, "missing closing quote");
		if ((size_t)(q - s) != n - 1)
			return fail(err, line, "text after the closing quote");
		*out = xstrndup(s + 1, (size_t)(q - s - 1));
		return 0;
	}
	*out = xstrndup(s, n);
	return 0;
}

static void add_patterns(struct hc_block *b, const char *s)
{
	while (*s) {
		s += strspn(s, " \t");
		size_t n = strcspn(s, " \t");
		if (!n)
			break;
		b->patterns = xrealloc(b->patterns, (b->npatterns + 1) * sizeof(char *));
		b->patterns[b->npatterns++] = xstrndup(s, n);
		s += n;
	}
}

static int host_line(struct hostconfig *c, const char *value, unsigned line,
		     struct hc_error *err)
{
	struct hc_block b = { .line = line };
	add_patterns(&b, value);
	for (size_t i = 0; i < b.npatterns; i++)
		if (!strcmp(b.patterns[i], "!")) {
			for (size_t j = 0; j < b.npatterns; j++)
				free(b.patterns[j]);
			free(b.patterns);
			return fail(err, line, "Host: \"!\" needs a pattern after it");
		}
	if (!b.npatterns)
		return fail(err, line, "Host: expected at least one pattern");
	c->v = xrealloc(c->v, (c->n + 1) * sizeof(*c->v));
	c->v[c->n++] = b;
	return 0;
}

/* "Key value" once the key is known to be one of ours. */
static int key_line(struct hostconfig *c, int k, const char *value,
		    unsigned line, struct hc_error *err)
{
	if (!c->n)
		return fail(err, line, "%s before any Host line", keys[k].name);
	char *v = NULL;
	if (take_value(value, line, &v, err) < 0)
		return -1;
	int rc = 0;
	if (!*v)
		rc = fail(err, line, "%s: missing value", keys[k].name);
	else if (value[0] != '"' && strpbrk(v, " \t"))
		rc = fail(err, line, "%s: expected one value (quote it if it has "
			  "blanks)", keys[k].name);
	else
		rc = check_value((enum hc_key)k, v, line, err);
	if (rc < 0) {
		free(v);
		return -1;
	}
	struct hc_block *b = &c->v[c->n - 1];
	b->v = xrealloc(b->v, (b->n + 1) * sizeof(*b->v));
	b->v[b->n++] = (struct hc_entry){ (enum hc_key)k, v, line };
	return 0;
}

/* One line without its newline. */
static int parse_line(struct hostconfig *c, const char *s, unsigned line,
		      struct hc_error *err)
{
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\t')
			return fail(err, line, "control character in line");
	s += strspn(s, " \t");
	if (!*s || *s == '#')
		return 0;
	size_t kn = strcspn(s, " \t=");
	const char *value = s + kn;
	value += strspn(value, " \t");
	if (*value == '=')
		value += 1 + strspn(value + 1, " \t");
	if (kn == 4 && !strncasecmp(s, "Host", 4))
		return host_line(c, value, line, err);
	int k = find_key(s, kn);
	if (k < 0)
		return fail(err, line, "unknown key \"%.*s\"", (int)(kn > 60 ? 60 : kn), s);
	return key_line(c, k, value, line, err);
}

int hostconfig_parse(const char *text, size_t len, struct hostconfig *out,
		     struct hc_error *err)
{
	memset(out, 0, sizeof(*out));
	unsigned line = 0;
	size_t pos = 0;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - text - pos) : len - pos;
		line++;
		if (n > HOSTCONFIG_MAX_LINE) {
			hostconfig_clear(out);
			return fail(err, line, "line longer than %d bytes", HOSTCONFIG_MAX_LINE);
		}
		char *l = xstrndup(text + pos, n);
		/* xstrndup stops at a NUL: one inside the line is refused. */
		int bad = strlen(l) != n;
		if (!bad && n && l[n - 1] == '\r')
			l[n - 1] = '\0';
		int rc = bad ? fail(err, line, "control character in line")
			     : parse_line(out, l, line, err);
		free(l);
		if (rc < 0) {
			hostconfig_clear(out);
			return -1;
		}
		pos += n + 1;
	}
	return 0;
}

void hostconfig_clear(struct hostconfig *c)
{
	for (size_t i = 0; i < c->n; i++) {
		struct hc_block *b = &c->v[i];
		for (size_t j = 0; j < b->npatterns; j++)
			free(b->patterns[j]);
		free(b->patterns);
		for (size_t j = 0; j < b->n; j++)
			free(b->v[j].value);
		free(b->v);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}

/* Iterative glob with one backtrack point: linear enough for host names,
 * no recursion for a hostile pattern to exhaust. */
int hostconfig_pattern_match(const char *p, const char *s)
{
	const char *star = NULL, *retry = NULL;
	while (*s) {
		if (*p == '*') {
			star = ++p;
			retry = s;
		} else if (*p == '?' || (*p && tolower((unsigned char)*p) ==
						tolower((unsigned char)*s))) {
			p++;
			s++;
		} else if (star) {
			p = star;
			s = ++retry;
		} else {
			return 0;
		}
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

int hostconfig_line_matches(char *const *patterns, size_t n, const char *host)
{
	int positive = 0;
	for (size_t i = 0; i < n; i++) {
		const char *p = patterns[i];
		if (p[0] == '!') {
			if (hostconfig_pattern_match(p + 1, host))
				return 0;
		} else if (hostconfig_pattern_match(p, host)) {
			positive = 1;
		}
	}
	return positive;
}

void hostconfig_lookup(const struct hostconfig *c, const char *host,
		       struct hc_values *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < c->n; i++) {
		const struct hc_block *b = &c->v[i];
		if (!hostconfig_line_matches(b->patterns, b->npatterns, host))
			continue;
		for (size_t j = 0; j < b->n; j++) {
			const struct hc_entry *e = &b->v[j];
			if (!out->v[e->key]) {
				out->v[e->key] = e->value;
				out->line[e->key] = e->line;
			}
		}
	}
}

long hc_number(const struct hc_values *v, enum hc_key k)
{
	if (keys[k].kind != K_NUMBER || !v->v[k])
		return -1;
	return number(v->v[k], keys[k].min, keys[k].max);
}

int hc_choice(const struct hc_values *v, enum hc_key k)
{
	if (keys[k].kind != K_CHOICE || !v->v[k])
		return -1;
	return choice(k, v->v[k]);
}

char *hostconfig_path(const char *value, const char *home)
{
	if (value[0] != '~' || (value[1] && value[1] != '/'))
		return xstrdup(value);
	if (!home)
		return NULL;
	return xasprintf("%s%s", home, value + 1);
}

size_t hostconfig_names(const struct hostconfig *c, char ***out)
{
	size_t n = 0;
	*out = NULL;
	for (size_t i = 0; i < c->n; i++) {
		const struct hc_block *b = &c->v[i];
		for (size_t j = 0; j < b->npatterns; j++) {
			const char *p = b->patterns[j];
			if (!valid_host(p)) /* wildcards, negations, junk */
				continue;
			size_t k = 0;
			while (k < n && strcasecmp((*out)[k], p))
				k++;
			if (k < n)
				continue;
			*out = xrealloc(*out, (n + 1) * sizeof(char *));
			(*out)[n++] = xstrdup(p);
		}
	}
	return n;
}
