#include "cli/args.h"
#include "util/error.h"
#include "util/xmalloc.h"

#include <stdlib.h>
#include <string.h>

/* long_only: accept letters after '@' too (they come from long names). */
static int takes_value(const char *tmpl, char c, int *known, int long_only)
{
	const char *p = c && c != ':' && c != '@' ? strchr(tmpl, c) : NULL;
	const char *at = strchr(tmpl, '@');
	if (p && at && p > at && !long_only)
		p = NULL;
	*known = p != NULL;
	return p && p[1] == ':';
}

static void set_opt(struct cmd_args *a, char c, const char *value)
{
	unsigned char i = (unsigned char)c;
	a->all[i] = xrealloc(a->all[i], (size_t)(a->count[i] + 1) * sizeof(char *));
	a->all[i][a->count[i]++] = xstrdup(value);
	a->opt[i] = a->all[i][a->count[i] - 1];
}

/* "--name", "--name=value" or "--name value" (then *used is 2). */
static int parse_long(const char *tmpl, const struct long_opt *longs,
		      const char *word, const char *next, struct cmd_args *a,
		      int *used, char **err)
{
	const char *name = word + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	*used = 1;
	for (const struct long_opt *l = longs; l && l->name; l++) {
		if (strlen(l->name) != len || strncmp(l->name, name, len))
			continue;
		int known;
		if (!takes_value(tmpl, l->letter, &known, 1)) {
			if (eq) {
				*err = xasprintf("option --%s takes no value", l->name);
				return FTPS_ERR_USAGE;
			}
			set_opt(a, l->letter, "");
			return 0;
		}
		if (!eq && !next) {
			*err = xasprintf("option --%s needs a value", l->name);
			return FTPS_ERR_USAGE;
		}
		set_opt(a, l->letter, eq ? eq + 1 : next);
		*used = eq ? 1 : 2;
		return 0;
	}
	*err = xasprintf("unknown option --%.*s", (int)len, name);
	return FTPS_ERR_USAGE;
}

/* "-abc", "-P4", "-P 4" (then *used is 2). */
static int parse_short(const char *tmpl, const char *word, const char *next,
		       struct cmd_args *a, int *used, char **err)
{
	*used = 1;
	for (const char *p = word + 1; *p; p++) {
		int known;
		int value = takes_value(tmpl, *p, &known, 0);
		if (!known || (unsigned char)*p >= ARGS_LETTERS) {
			*err = xasprintf("unknown option -%c", *p);
			return FTPS_ERR_USAGE;
		}
		if (!value) {
			set_opt(a, *p, "");
			continue;
		}
		if (!p[1] && !next) {
			*err = xasprintf("option -%c needs a value", *p);
			return FTPS_ERR_USAGE;
		}
		set_opt(a, *p, p[1] ? p + 1 : next);
		*used = p[1] ? 1 : 2;
		return 0;
	}
	return 0;
}

int args_parse(const char *tmpl, const struct long_opt *longs, int n,
	       struct word *words, struct cmd_args *out, char **err)
{
	memset(out, 0, sizeof(*out));
	*err = NULL;
	out->argv = xcalloc((size_t)(n > 0 ? n : 1), sizeof(*out->argv));
	int rc = 0, done = tmpl == NULL;
	for (int i = 1; i < n; i++) {
		const char *w = words[i].text;
		const char *next = i + 1 < n ? words[i + 1].text : NULL;
		int used = 1;
		if (done || rc < 0 || w[0] != '-' || !w[1]) {
			out->argv[out->argc++] = words[i];
			continue;
		}
		if (!strcmp(w, "--"))
			done = 1;
		else if (w[1] == '-')
			rc = parse_long(tmpl, longs, w, next, out, &used, err);
		else
			rc = parse_short(tmpl, w, next, out, &used, err);
		for (int k = 0; k < used; k++) {
			free(words[i + k].text);
			free(words[i + k].pattern);
		}
		i += used - 1;
	}
	if (n > 0) {
		free(words[0].text);
		free(words[0].pattern);
	}
	return rc;
}

void args_free(struct cmd_args *a)
{
	words_free(a->argv, a->argc);
	for (int i = 0; i < ARGS_LETTERS; i++) {
		for (int k = 0; k < a->count[i]; k++)
			free(a->all[i][k]);
		free(a->all[i]);
	}
	memset(a, 0, sizeof(*a));
}

char *const *args_values(const struct cmd_args *a, char letter, int *n)
{
	unsigned char i = (unsigned char)letter;
	*n = i < ARGS_LETTERS ? a->count[i] : 0;
	return *n ? a->all[i] : NULL;
}

int args_has(const struct cmd_args *a, char letter)
{
	return (unsigned char)letter < ARGS_LETTERS && a->opt[(unsigned char)letter];
}

const char *args_value(const struct cmd_args *a, char letter)
{
	return (unsigned char)letter < ARGS_LETTERS ? a->opt[(unsigned char)letter] : NULL;
}

const char *args_text(const struct cmd_args *a, int i)
{
	return i >= 0 && i < a->argc ? a->argv[i].text : NULL;
}
