/* `set NAME VALUE`: the user's switches and limits, one table for set,
 * help and completion. */
#ifndef FTPS_SETTINGS_H
#define FTPS_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

struct settings {
	int progress;   /* progress bar on a terminal */
	int clobber;    /* get may replace existing local files */
	int preserve;   /* keep modification times (MDTM / MFMT) */
	int reconnect;  /* the next command reconnects after a lost connection */
	int passive;    /* passive data connections (else active, EPRT/PORT) */
	int history;    /* keep a command history file */
	int max_entries;/* most entries one recursive walk may list */
	int retries;    /* new attempts after a transient failure */
	int retry_delay;/* seconds before the first; doubled each time */
	int keepalive;  /* NOOP after this many idle seconds at the prompt */
	int64_t limit_rate; /* bytes/s for all transfers together, 0: none */
};

void settings_defaults(struct settings *s);
/* Set by name: switches take "on"/"off", "yes"/"no", "1"/"0"; numbers a
 * decimal within the setting's range; rates a number with an optional
 * k, M or G suffix (powers of 1024, as curl's --limit-rate). 0, or
 * FTPS_ERR_USAGE with a message printed. */
int settings_set(struct settings *s, const char *name, const char *value);
/* Print every setting and its value. */
void settings_print(const struct settings *s);
/* Names for completion: the i-th name, NULL past the end. */
const char *settings_name(unsigned i);
/* A rate as set limit-rate takes it: bytes/s, or -1 when malformed. */
int64_t settings_parse_rate(const char *value);
/* "512 KiB/s", "1.5 MiB/s", "unlimited" for 0. */
void settings_format_rate(int64_t rate, char *buf, size_t size);

#endif
