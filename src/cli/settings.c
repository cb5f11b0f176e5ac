#include "cli/settings.h"
#include "cli/app.h"
#include "util/error.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char *name;
	size_t offset;
	int on;
	const char *help;
} table[] = {
	{ "clobber", offsetof(struct settings, clobber), 1,
	  "get may replace an existing local file (always atomically)" },
	{ "history", offsetof(struct settings, history), 1,
	  "keep the command history in a file" },
	{ "passive", offsetof(struct settings, passive), 1,
	  "passive data connections (off: active, EPRT/PORT)" },
	{ "preserve", offsetof(struct settings, preserve), 1,
	  "keep modification times on get (MDTM) and put (MFMT)" },
	{ "progress", offsetof(struct settings, progress), 1,
	  "show a progress bar on a terminal" },
	{ "reconnect", offsetof(struct settings, reconnect), 1,
	  "reconnect on the next command after a lost connection" },
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

int settings_set(struct settings *s, const char *name, const char *value)
{
	for (size_t i = 0; i < N_SETTINGS; i++) {
		if (strcmp(table[i].name, name))
			continue;
		int v = parse_bool(value);
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
	for (size_t i = 0; i < N_SETTINGS; i++)
		printf("%-10s %-4s %s\n", table[i].name,
		       *field((struct settings *)s, i) ? "on" : "off", table[i].help);
}

const char *settings_name(unsigned i)
{
	return i < N_SETTINGS ? table[i].name : NULL;
}
