/* The per-host settings file (~/.config/ftps/config), in the manner of
 * ssh_config: "Host PATTERN..." lines open blocks of "Key value" lines;
 * for a host, the first value obtained for each key wins, so specific
 * blocks go first and "Host *" last.
 *
 * Pure (layer 1): text in, blocks out, no I/O and no printing; errors
 * come back with their line number. The file reading, permission checks
 * and applying the values to a run live in host_settings.c. */
#ifndef FTPS_HOSTCONFIG_H
#define FTPS_HOSTCONFIG_H

#include <stddef.h>

/* The keys, in the order of the table in hostconfig.c. */
enum hc_key {
	HC_HOSTNAME, HC_PORT, HC_USER, HC_MODE, HC_CAFILE, HC_CERT, HC_KEY,
	HC_PRIORITY, HC_TRUST, HC_TRUST_FP, HC_KNOWN, HC_PASSIVE, HC_PROXY,
	HC_LIMIT_RATE, HC_RETRIES, HC_TIMEOUT, HC_NETRC,
	HC_N_KEYS
};

struct hc_entry {
	enum hc_key key;
	char *value;     /* unquoted; a path still has its "~/" */
	unsigned line;
};

struct hc_block {
	char **patterns; /* as written, "!" included */
	size_t npatterns;
	struct hc_entry *v;
	size_t n;
	unsigned line;   /* of the Host line */
};

struct hostconfig {
	struct hc_block *v;
	size_t n;
};

struct hc_error {
	unsigned line;
	char msg[200];
};

/* Limits that keep a hostile or broken file from costing much. */
#define HOSTCONFIG_MAX_BYTES (1024 * 1024)
#define HOSTCONFIG_MAX_LINE 4096

/* Parse the whole text. Comments start with '#' at the start of a line
 * (after blanks); "Key value" or "Key=value"; keys case-insensitive; a
 * value may be double-quoted to hold blanks. Values are checked here
 * (numbers, ports, choices, "~/" only at the start of paths); Proxy and
 * LimitRate only for being one word, their syntax belongs to others.
 * 0 and *out filled (free with hostconfig_clear), or -1 with *err set and
 * *out empty. out must be zeroed or cleared. */
int hostconfig_parse(const char *text, size_t len, struct hostconfig *out,
		     struct hc_error *err);
void hostconfig_clear(struct hostconfig *c);

/* ssh_config's rule for one Host line: some pattern matches host and no
 * "!pattern" does. '*' and '?' are wildcards; case-insensitive. */
int hostconfig_line_matches(char *const *patterns, size_t n, const char *host);
/* One pattern (without "!") against host. */
int hostconfig_pattern_match(const char *pattern, const char *host);

/* What the file says about host: for each key the first value from the
 * blocks that match, NULL where none does. Pointers into c. */
struct hc_values {
	const char *v[HC_N_KEYS];
	unsigned line[HC_N_KEYS];
};
void hostconfig_lookup(const struct hostconfig *c, const char *host,
		       struct hc_values *out);

/* Numbers (Port, Retries, Timeout): the value, or -1 when not set. */
long hc_number(const struct hc_values *v, enum hc_key k);
/* Choices: the index in the key's list, -1 when not set.
 * Mode: 0 explicit, 1 implicit. Trust: 0 ask, 1 accept-new, 2 strict.
 * Passive: 0 no, 1 yes. */
int hc_choice(const struct hc_values *v, enum hc_key k);
/* The key's name as the table spells it ("HostName"). */
const char *hc_key_name(enum hc_key k);
/* Non-zero for keys whose value is a local path ("~/" expanded). */
int hc_key_is_path(enum hc_key k);

/* A path value with a leading "~/" (or a lone "~") put under home.
 * Newly allocated; NULL when it needs home and home is NULL. */
char *hostconfig_path(const char *value, const char *home);

/* The patterns that name one host literally (no '*', '?', '!' or other
 * characters a host name cannot have), in file order, each once
 * (case-insensitive): for completing "ftps HOST". *out newly allocated,
 * each name too; returns the count. */
size_t hostconfig_names(const struct hostconfig *c, char ***out);

#endif
