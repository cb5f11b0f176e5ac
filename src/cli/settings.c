#include "cli/settings.h"
#include "cli/app.h"
#include "cli/msg.h"
#include "util/error.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char *name;
	size_t offset;
	int on;         /* the default: a switch's state, or a number */
	const char *help;
	int min, max;   /* a number within [min, max]; both 0: a switch */
} table[] = {
	{ "clobber", offsetof(struct settings, clobber), 1,
	  "get may replace a local file (always atomically)", 0, 0 },
	{ "history", offsetof(struct settings, history), 1,
	  "keep the command history in a file", 0, 0 },
	{ "keepalive", offsetof(struct settings, keepalive), 60,
	  "idle seconds at the prompt before a NOOP (0: never)", 0, 86400 },
	{ "max-entries", offsetof(struct settings, max_entries), 100000,
	  "most entries a recursive get or rm may list",
	  1, 100000000 },
	{ "passive", offsetof(struct settings, passive), 1,
	  "passive data connections (off: active, EPRT/PORT)", 0, 0 },
	{ "preserve", offsetof(struct settings, preserve), 1,
	  "keep modification times (MDTM on get, MFMT on put)", 0, 0 },
	{ "progress", offsetof(struct settings, progress), 1,
	  "show a progress bar on a terminal", 0, 0 },
	{ "reconnect", offsetof(struct settings, reconnect), 1,
	  "the next command reconnects after a lost connection", 0, 0 },
	{ "retries", offsetof(struct settings, retries), 5,
	  "new tries after a lost link, a timeout or a 4xx (0: none)", 0, 1000 },
	{ "retry-delay", offsetof(struct settings, retry_delay), 1,
	  "seconds before the first retry, then doubled (60 at most)", 0, 3600 },
};
#define N_SETTINGS (sizeof(table) / sizeof(table[0]))

static int *field(struct settings *s, size_t i)
{
	return (int *)((char *)s + table[i].offset);
}

void settings_defaults(struct settings *s)
{
	for (size_t i = 0; i < N_SETTINGS; i++)
		*field(s, i) = table[i].on;
}

static int parse_bool(const char *v)
{
	if (!strcasecmp(v, "on") || !strcasecmp(v, "yes") || !strcmp(v, "1") ||
	    !strcasecmp(v, "true"))
		return 1;
	if (!strcasecmp(v, "off") || !strcasecmp(v, "no") || !strcmp(v, "0") ||
	    !strcasecmp(v, "false"))
		return 0;
	return -1;
}

static int parse_number(const char *v, int min, int max)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < min || n > max)
		return -1;
	return (int)n;
}

int settings_set(struct settings *s, const char *name, const char *value)
{
	for (size_t i = 0; i < N_SETTINGS; i++) {
		if (strcmp(table[i].name, name))
			continue;
		int v = table[i].max ? parse_number(value, table[i].min, table[i].max)
				     : parse_bool(value);
		if (v < 0 && table[i].max) {
			app_error("set %s: expected a number from %d to %d, not \"%s\"",
				  name, table[i].min, table[i].max, value);
			return FTPS_ERR_USAGE;
		}
		if (v < 0) {
			app_error("set %s: expected on or off, not \"%s\"", name, value);
			return FTPS_ERR_USAGE;
		}
		*field(s, i) = v;
		return 0;
	}
	app_error("set: %s: unknown setting (\"set\" lists them)", name);
	return FTPS_ERR_USAGE;
}

void settings_print(const struct settings *s)
{
	for (size_t i = 0; i < N_SETTINGS; i++) {
		int v = *field((struct settings *)s, i);
		char value[16];
		snprintf(value, sizeof(value), "%d", v);
		printf("%-11s %-9s %s\n", table[i].name,
		       table[i].max ? value : v ? "on" : "off", table[i].help);
	}
}

const char *settings_name(unsigned i)
{
	return i < N_SETTINGS ? table[i].name : NULL;
}
