#include "cli/settings.h"
#include "cli/app.h"
#include "cli/msg.h"
#include "util/error.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The largest rate accepted: a terabyte a second is no limit at all. */
#define RATE_MAX ((int64_t)1 << 40)

/* A rate (int64_t field) is marked by min == -1. */
#define RATE -1

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
	{ "limit-rate", offsetof(struct settings, limit_rate), 0,
	  "bytes/s for all transfers together, k/M/G suffix (0: no limit)",
	  RATE, 0 },
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

static int64_t *rate_field(struct settings *s, size_t i)
{
	return (int64_t *)((char *)s + table[i].offset);
}

void settings_defaults(struct settings *s)
{
	for (size_t i = 0; i < N_SETTINGS; i++) {
		if (table[i].min == RATE)
			*rate_field(s, i) = table[i].on;
		else
			*field(s, i) = table[i].on;
	}
}

/* "512k", "1.5M", "2G", "300": bytes per second, suffixes in powers of
 * 1024 as curl's --limit-rate. -1 when malformed or too large. */
int64_t settings_parse_rate(const char *v)
{
	char *end;
	errno = 0;
	double n = strtod(v, &end);
	if (errno || end == v || n < 0 || !(v[0] >= '0' && v[0] <= '9'))
		return -1;
	const char *units = "kmg";
	const char *u = *end ? strchr(units, tolower((unsigned char)*end)) : NULL;
	if (*end && (!u || end[1]))
		return -1;
	for (const char *k = units; u && k <= u; k++)
		n *= 1024;
	if (n > (double)RATE_MAX)
		return -1;
	return (int64_t)(n + 0.5);
}

void settings_format_rate(int64_t rate, char *buf, size_t size)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	if (rate <= 0) {
		snprintf(buf, size, "unlimited");
		return;
	}
	double v = (double)rate;
	int u = 0;
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (v == (double)(int64_t)v)
		snprintf(buf, size, "%.0f %s/s", v, unit[u]);
	else
		snprintf(buf, size, "%.1f %s/s", v, unit[u]);
}

static int set_rate(struct settings *s, size_t i, const char *value)
{
	int64_t v = settings_parse_rate(value);
	if (v < 0) {
		app_error("set %s: expected bytes per second with an optional k, "
			  "M or G suffix (0: no limit), not \"%s\"", table[i].name,
			  value);
		return FTPS_ERR_USAGE;
	}
	*rate_field(s, i) = v;
	return 0;
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
		if (table[i].min == RATE)
			return set_rate(s, i, value);
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
		char value[32];
		if (table[i].min == RATE) {
			settings_format_rate(*rate_field((struct settings *)s, i),
					     value, sizeof(value));
			printf("%-11s %-9s %s\n", table[i].name, value, table[i].help);
			continue;
		}
		int v = *field((struct settings *)s, i);
		snprintf(value, sizeof(value), "%d", v);
		printf("%-11s %-9s %s\n", table[i].name,
		       table[i].max ? value : v ? "on" : "off", table[i].help);
	}
}

const char *settings_name(unsigned i)
{
	return i < N_SETTINGS ? table[i].name : NULL;
}
