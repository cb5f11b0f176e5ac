/* Options and operands of one command line, parsed once, centrally, from
 * the command table's getopt-style template (tmux's cmd_parse). Pure: no
 * I/O. */
#ifndef FTPS_ARGS_H
#define FTPS_ARGS_H

#include "cli/argv.h"

/* A long name for an option letter of the template ("--recursive" for
 * 'r'); a letter followed by ':' in the template takes a value, given as
 * "--name=VALUE" or "--name VALUE". */
struct long_opt {
	const char *name;
	char letter;
};

#define ARGS_LETTERS 128

struct cmd_args {
	int argc;             /* operands, options removed */
	struct word *argv;    /* owned */
	/* Per option letter: NULL when absent; its value (the last one given)
	 * or "" for a flag. */
	char *opt[ARGS_LETTERS];
	int count[ARGS_LETTERS];
	/* Every value given, in order, for options that may repeat
	 * (mirror -x A -x B); count[] of them. */
	char **all[ARGS_LETTERS];
};

/* Parse words[1..n-1] (words[0] is the command name) against tmpl, e.g.
 * "rcP:" (letters after an '@' have a long name only: "x:@D" makes -D an
 * unknown option while its long name works): flags may be combined ("-la"), may follow operands ("ls dir
 * -l"), a value may be attached ("-P4") or the next word ("-P 4"), "--"
 * ends the options and "-" alone is an operand. tmpl NULL: no options at
 * all, every word is an operand (quote, lls). The words are moved into
 * out (n words consumed, whatever happens). 0, or FTPS_ERR_USAGE with
 * *err a newly allocated message ("unknown option -x", "option -P needs
 * a value"). */
int args_parse(const char *tmpl, const struct long_opt *longs, int n,
	       struct word *words, struct cmd_args *out, char **err);
void args_free(struct cmd_args *a);

/* Non-zero when the option letter was given. */
int args_has(const struct cmd_args *a, char letter);
/* Its value, or NULL. */
const char *args_value(const struct cmd_args *a, char letter);
/* Every value it was given, in order (*n of them). */
char *const *args_values(const struct cmd_args *a, char letter, int *n);
/* The i-th operand's literal text. */
const char *args_text(const struct cmd_args *a, int i);

#endif
