/* `set NAME VALUE`: the user's switches and limits, one table for set,
 * help and completion. */
#ifndef FTPS_SETTINGS_H
#define FTPS_SETTINGS_H

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
};

void settings_defaults(struct settings *s);
/* Set by name: switches take "on"/"off", "yes"/"no", "1"/"0"; numbers a
 * decimal within the setting's range. 0, or FTPS_ERR_USAGE with a message
 * printed. */
int settings_set(struct settings *s, const char *name, const char *value);
/* Print every setting and its value. */
void settings_print(const struct settings *s);
/* Names for completion: the i-th name, NULL past the end. */
const char *settings_name(unsigned i);

#endif
