/* The per-host settings file's parser and lookup, from tables. */
#include "check.h"
#include "cli/hostconfig.h"
#include "util/xmalloc.h"

#include <stdlib.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Patterns: ssh_config's '*' and '?', case-insensitive. */
static const struct {
	const char *pattern, *host;
	int match;
} patterns[] = {
	{ "nas", "nas", 1 },
	{ "nas", "NAS", 1 },
	{ "nas", "nas2", 0 },
	{ "*", "anything.example", 1 },
	{ "*", "", 1 },
	{ "*.example.com", "ftp.example.com", 1 },
	{ "*.example.com", "example.com", 0 },
	{ "ftp?", "ftp1", 1 },
	{ "ftp?", "ftp", 0 },
	{ "ftp?", "ftp12", 0 },
	{ "a*b*c", "aXXbYYc", 1 },
	{ "a*b*c", "aXXbYY", 0 },
	{ "*a", "aaaa", 1 },
	{ "**", "x", 1 },
	{ "192.168.1.*", "192.168.1.20", 1 },
	{ "192.168.1.*", "192.168.10.2", 0 },
};

static void test_patterns(void)
{
	for (size_t i = 0; i < ARRAY_LEN(patterns); i++)
		CHECK_INT(hostconfig_pattern_match(patterns[i].pattern, patterns[i].host),
			  patterns[i].match);
	/* A long run of stars against a long name stays quick (no
	 * exponential backtracking). */
	char p[200], h[4001];
	for (int i = 0; i < 199; i++)
		p[i] = i % 2 ? '*' : 'a';
	p[199] = '\0';
	memset(h, 'a', 4000);
	h[4000] = '\0';
	CHECK_INT(hostconfig_pattern_match(p, h), 1);
	h[3999] = 'b';
	CHECK_INT(hostconfig_pattern_match(p, h), 0);
}

/* Host lines: any positive pattern, and no negated one. */
static const struct {
	const char *line[4];
	const char *host;
	int match;
} lines[] = {
	{ { "a", "b" }, "b", 1 },
	{ { "*.lan", "!secret.lan" }, "nas.lan", 1 },
	{ { "*.lan", "!secret.lan" }, "secret.lan", 0 },
	{ { "!secret.lan", "*.lan" }, "SECRET.LAN", 0 },
	{ { "!secret.lan" }, "other", 0 }, /* only negations: never */
	{ { "x" }, "y", 0 },
};

static void test_lines(void)
{
	for (size_t i = 0; i < ARRAY_LEN(lines); i++) {
		size_t n = 0;
		while (n < 4 && lines[i].line[n])
			n++;
		CHECK_INT(hostconfig_line_matches((char *const *)lines[i].line, n,
						  lines[i].host), lines[i].match);
	}
}

/* Files that must be refused: the line and the message. */
static const struct {
	const char *text;
	unsigned line;
	const char *msg;
} errors[] = {
	{ "Port 21\n", 1, "Port before any Host line" },
	{ "# c\n\nHost a\nFrobnicate yes\n", 4, "unknown key \"Frobnicate\"" },
	{ "Host a\nPort 0\n", 2, "Port: expected a number from 1 to 65535, not \"0\"" },
	{ "Host a\nPort 65536\n", 2, "Port: expected a number from 1 to 65535, not \"65536\"" },
	{ "Host a\nPort 21x\n", 2, "Port: expected a number from 1 to 65535, not \"21x\"" },
	{ "Host a\nPort -1\n", 2, "Port: expected a number from 1 to 65535, not \"-1\"" },
	{ "Host a\nRetries 1001\n", 2, "Retries: expected a number from 0 to 1000, not \"1001\"" },
	{ "Host a\nTimeout 0\n", 2, "Timeout: expected a number from 1 to 86400, not \"0\"" },
	{ "Host a\nMode tls\n", 2, "Mode: expected explicit or implicit, not \"tls\"" },
	{ "Host a\nTrust maybe\n", 2,
	  "Trust: expected ask or accept-new or strict, not \"maybe\"" },
	{ "Host a\nPassive on\n", 2, "Passive: expected no or yes, not \"on\"" },
	{ "Host a\nTrustFingerprint abc\n", 2,
	  "TrustFingerprint: expected SHA256:..., not \"abc\"" },
	{ "Host a\nCAFile ~bob/ca.pem\n", 2,
	  "CAFile: only a leading ~/ is expanded, not \"~bob/ca.pem\"" },
	{ "Host a\nHostName a/b\n", 2, "HostName: invalid host name \"a/b\"" },
	{ "Host a\nUser\n", 2, "User: missing value" },
	{ "Host a\nUser two words\n", 2,
	  "User: expected one value (quote it if it has blanks)" },
	{ "Host a\nUser \"open\n", 2, "missing closing quote" },
	{ "Host a\nUser \"a\" b\n", 2, "text after the closing quote" },
	{ "Host\n", 1, "Host: expected at least one pattern" },
	{ "Host a !\n", 1, "Host: \"!\" needs a pattern after it" },
	{ "Host a\nUser a\x01" "b\n", 2, "control character in line" },
	{ "Host a\r\nPort 2\r\nPort x\r\n", 3,
	  "Port: expected a number from 1 to 65535, not \"x\"" },
};

static void test_errors(void)
{
	for (size_t i = 0; i < ARRAY_LEN(errors); i++) {
		struct hostconfig c = { 0 };
		struct hc_error e = { 0 };
		CHECK_INT(hostconfig_parse(errors[i].text, strlen(errors[i].text), &c, &e), -1);
		CHECK_INT(e.line, errors[i].line);
		CHECK_STR(e.msg, errors[i].msg);
		CHECK_INT(c.n, 0);
	}
	/* A NUL inside a line, and a line over the limit. */
	static const char nul[] = "Host a\nUser x\0y\n";
	struct hostconfig c = { 0 };
	struct hc_error e = { 0 };
	CHECK_INT(hostconfig_parse(nul, sizeof(nul) - 1, &c, &e), -1);
	CHECK_INT(e.line, 2);
	char *big = xmalloc(HOSTCONFIG_MAX_LINE + 20);
	memcpy(big, "Host a\nUser ", 12);
	memset(big + 12, 'u', HOSTCONFIG_MAX_LINE);
	CHECK_INT(hostconfig_parse(big, HOSTCONFIG_MAX_LINE + 12, &c, &e), -1);
	CHECK_INT(e.line, 2);
	free(big);
}

static const char config[] =
	"# the NAS at home\n"
	"Host nas nas.lan\n"
	"    HostName 192.168.1.20\n"
	"    port 2121\n"                 /* keys are case-insensitive */
	"    User=alice\n"
	"    CAFile = ~/certs/nas.pem\n"
	"    Port 9999\n"                 /* first value wins, even in a block */
	"Host *.lan !secret.lan\n"
	"    Mode implicit\n"
	"    Passive no\n"
	"    User lanuser\n"
	"Host \"quoted\"\n"               /* patterns are words, quotes kept */
	"Host ftp?.example.com\n"
	"    Priority NORMAL:-VERS-TLS1.2\n"
	"    Trust strict\n"
	"    Proxy socks5h://127.0.0.1:1080\n"
	"Host *\n"
	"    User \"default user\"\n"
	"    Retries 2\n"
	"    Timeout 7\n"
	"    LimitRate 100k\n"
	"    KnownServers /etc/ftps/known\n"
	"    NetrcFile ~\n"
	"    TrustFingerprint SHA256:abc=\n"
	"    Cert ~/c.pem\n"
	"    Key ~/k.pem\n";

static const struct {
	const char *host;
	enum hc_key key;
	const char *value;
	unsigned line;
} lookups[] = {
	{ "nas", HC_HOSTNAME, "192.168.1.20", 3 },
	{ "NAS", HC_PORT, "2121", 4 },
	{ "nas", HC_USER, "alice", 5 },
	{ "nas", HC_CAFILE, "~/certs/nas.pem", 6 },
	{ "nas", HC_RETRIES, "2", 19 },   /* from Host *: fills the gaps */
	{ "nas", HC_MODE, NULL, 0 },      /* "nas" is not *.lan */
	{ "nas.lan", HC_MODE, "implicit", 9 },
	{ "nas.lan", HC_USER, "alice", 5 }, /* the earlier block wins */
	{ "box.lan", HC_USER, "lanuser", 11 },
	{ "secret.lan", HC_USER, "default user", 18 }, /* negated */
	{ "secret.lan", HC_PASSIVE, NULL, 0 },
	{ "ftp1.example.com", HC_PRIORITY, "NORMAL:-VERS-TLS1.2", 14 },
	{ "ftp1.example.com", HC_PROXY, "socks5h://127.0.0.1:1080", 16 },
	{ "ftp12.example.com", HC_PROXY, NULL, 0 },
	{ "other", HC_HOSTNAME, NULL, 0 },
	{ "other", HC_LIMIT_RATE, "100k", 21 },
	{ "other", HC_NETRC, "~", 23 },
	{ "\"quoted\"", HC_USER, "default user", 18 },
};

static void test_lookup(void)
{
	struct hostconfig c = { 0 };
	struct hc_error e = { 0 };
	CHECK_INT(hostconfig_parse(config, sizeof(config) - 1, &c, &e), 0);
	CHECK_INT(c.n, 5);
	for (size_t i = 0; i < ARRAY_LEN(lookups); i++) {
		struct hc_values v;
		hostconfig_lookup(&c, lookups[i].host, &v);
		CHECK_STR(v.v[lookups[i].key], lookups[i].value);
		CHECK_INT(v.line[lookups[i].key], lookups[i].line);
	}
	struct hc_values v;
	hostconfig_lookup(&c, "nas.lan", &v);
	CHECK_INT(hc_number(&v, HC_PORT), 2121);
	CHECK_INT(hc_choice(&v, HC_MODE), 1);
	CHECK_INT(hc_choice(&v, HC_PASSIVE), 0);
	CHECK_INT(hc_choice(&v, HC_TRUST), -1);
	CHECK_INT(hc_number(&v, HC_TIMEOUT), 7);
	hostconfig_lookup(&c, "ftp2.example.com", &v);
	CHECK_INT(hc_choice(&v, HC_TRUST), 2);
	CHECK_INT(hc_number(&v, HC_PORT), -1);

	char **names = NULL;
	size_t n = hostconfig_names(&c, &names);
	/* Only names that can be typed as a host: no patterns, no junk. */
	CHECK_INT(n, 2);
	CHECK_STR(n > 0 ? names[0] : NULL, "nas");
	CHECK_STR(n > 1 ? names[1] : NULL, "nas.lan");
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	hostconfig_clear(&c);
	CHECK_INT(c.n, 0);
}

static void test_paths(void)
{
	static const struct {
		const char *value, *home, *want;
	} cases[] = {
		{ "~/certs/ca.pem", "/home/a", "/home/a/certs/ca.pem" },
		{ "~", "/home/a", "/home/a" },
		{ "/etc/ca.pem", NULL, "/etc/ca.pem" },
		{ "rel/ca.pem", "/home/a", "rel/ca.pem" },
		{ "~/x", NULL, NULL },
		{ "a~/x", "/h", "a~/x" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *p = hostconfig_path(cases[i].value, cases[i].home);
		CHECK_STR(p, cases[i].want);
		free(p);
	}
	CHECK_INT(hc_key_is_path(HC_CAFILE), 1);
	CHECK_INT(hc_key_is_path(HC_NETRC), 1);
	CHECK_INT(hc_key_is_path(HC_USER), 0);
	CHECK_STR(hc_key_name(HC_TRUST_FP), "TrustFingerprint");
}

int main(int argc, char **argv)
{
	(void)argc;
	test_patterns();
	test_lines();
	test_errors();
	test_lookup();
	test_paths();
	return check_summary(argv[0]);
}
