/* The command language: which characters of a word were quoted (wildcards
 * and "~" are literal when quoted), and options parsed once from a
 * getopt-style template. Tables of inputs and expected results. */
#include "check.h"
#include "cli/args.h"
#include "cli/argv.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *in;
	const char *text, *pattern;
	int wild, tilde;
} words[] = {
	{ "lit*.txt", "lit*.txt", "lit*.txt", 1, 0 },
	{ "'lit*.txt'", "lit*.txt", "lit\\*.txt", 0, 0 },
	{ "\"lit*.txt\"", "lit*.txt", "lit\\*.txt", 0, 0 },
	{ "lit\\*.txt", "lit*.txt", "lit\\*.txt", 0, 0 },
	{ "a'*'b*", "a*b*", "a\\*b*", 1, 0 },
	{ "f?", "f?", "f?", 1, 0 },
	{ "f\\?", "f?", "f\\?", 0, 0 },
	{ "[ab]x", "[ab]x", "[ab]x", 1, 0 },
	{ "'[ab]x'", "[ab]x", "\\[ab]x", 0, 0 },
	{ "'a\\b'", "a\\b", "a\\\\b", 0, 0 },
	{ "\\\\*", "\\*", "\\\\*", 1, 0 },
	{ "logs/2026-*/app-?.log", "logs/2026-*/app-?.log", "logs/2026-*/app-?.log", 1, 0 },
	{ "~", "~", "~", 0, 1 },
	{ "~/x", "~/x", "~/x", 0, 1 },
	{ "'~'/x", "~/x", "~/x", 0, 0 },
	{ "\\~/x", "~/x", "~/x", 0, 0 },
	{ "a~", "a~", "a~", 0, 0 },
	{ "plain", "plain", "plain", 0, 0 },
	{ "''", "", "", 0, 0 },
};

static void test_words(void)
{
	for (size_t i = 0; i < ARRAY_LEN(words); i++) {
		struct word *w = NULL;
		int n = 0;
		const char *err = NULL;
		CHECK_INT(argv_split_words(words[i].in, &n, &w, &err), 0);
		CHECK_INT(n, 1);
		if (n != 1) {
			words_free(w, n);
			continue;
		}
		CHECK_STR(w[0].text, words[i].text);
		CHECK_STR(w[0].pattern, words[i].pattern);
		CHECK_INT(w[0].wild, words[i].wild);
		CHECK_INT(w[0].tilde, words[i].tilde);
		/* argv_quote_word gives back the same word */
		char *q = argv_quote_word(&w[0]);
		struct word *w2 = NULL;
		int n2 = 0;
		CHECK_INT(argv_split_words(q, &n2, &w2, &err), 0);
		if (n2 == 1) {
			CHECK_STR(w2[0].text, w[0].text);
			CHECK_STR(w2[0].pattern, w[0].pattern);
			CHECK_INT(w2[0].wild, w[0].wild);
			CHECK_INT(w2[0].tilde, w[0].tilde);
		} else {
			CHECK(0);
		}
		free(q);
		words_free(w2, n2);
		words_free(w, n);
	}
}

static const struct long_opt longs[] = {
	{ "recursive", 'r' }, { "continue", 'c' }, { "parallel", 'P' },
	{ "dry-run", 'D' }, { "exclude", 'x' }, { NULL, 0 }
};

#define MAXOPS 4
static const struct {
	const char *tmpl, *line;
	int rc;
	const char *err;
	const char *flags;      /* letters expected present */
	char vletter;           /* a letter with a value to check */
	const char *value;
	int argc;
	const char *ops[MAXOPS];
} opts[] = {
	{ "rcP:", "get a b", 0, NULL, "", 0, NULL, 2, { "a", "b" } },
	{ "rcP:", "get -rc a", 0, NULL, "rc", 0, NULL, 1, { "a" } },
	{ "rcP:", "get -r -c a", 0, NULL, "rc", 0, NULL, 1, { "a" } },
	{ "rcP:", "get a -r b -c", 0, NULL, "rc", 0, NULL, 2, { "a", "b" } },
	{ "rcP:", "get -P4 a", 0, NULL, "P", 'P', "4", 1, { "a" } },
	{ "rcP:", "get -P 4 a", 0, NULL, "P", 'P', "4", 1, { "a" } },
	{ "rcP:", "get -rP 4 a", 0, NULL, "rP", 'P', "4", 1, { "a" } },
	{ "rcP:", "get --parallel=3 a", 0, NULL, "P", 'P', "3", 1, { "a" } },
	{ "rcP:", "get --parallel 3 a", 0, NULL, "P", 'P', "3", 1, { "a" } },
	{ "rcP:", "get --recursive --continue a", 0, NULL, "rc", 0, NULL, 1, { "a" } },
	{ "rcP:", "get -- -r -c", 0, NULL, "", 0, NULL, 2, { "-r", "-c" } },
	{ "rcP:", "get - x", 0, NULL, "", 0, NULL, 2, { "-", "x" } },
	{ "rcP:", "get -x a", FTPS_ERR_USAGE, "unknown option -x", "", 0, NULL, 0, { NULL } },
	{ "rcP:", "get -rx a", FTPS_ERR_USAGE, "unknown option -x", "", 0, NULL, 0, { NULL } },
	{ "rcP:", "get --newer a", FTPS_ERR_USAGE, "unknown option --newer", "", 0, NULL, 0, { NULL } },
	{ "rcP:", "get a -P", FTPS_ERR_USAGE, "option -P needs a value", "", 0, NULL, 0, { NULL } },
	{ "rcP:", "get --parallel", FTPS_ERR_USAGE, "option --parallel needs a value", "", 0, NULL, 0, { NULL } },
	{ "rcP:", "get --recursive=yes a", FTPS_ERR_USAGE, "option --recursive takes no value", "", 0, NULL, 0, { NULL } },
	{ "alrSt", "ls -la", 0, NULL, "la", 0, NULL, 0, { NULL } },
	{ "alrSt", "ls dir -ltr", 0, NULL, "ltr", 0, NULL, 1, { "dir" } },
	{ "alrSt", "ls -tS -r -a d", 0, NULL, "tSra", 0, NULL, 1, { "d" } },
	{ "", "cd -", 0, NULL, "", 0, NULL, 1, { "-" } },
	{ "", "cd -x", FTPS_ERR_USAGE, "unknown option -x", "", 0, NULL, 0, { NULL } },
	/* long-only letters (after '@'): the long name works, the letter not */
	{ "x:@D", "mirror --dry-run a", 0, NULL, "D", 0, NULL, 1, { "a" } },
	{ "x:@D", "mirror -D a", FTPS_ERR_USAGE, "unknown option -D", "", 0, NULL, 0, { NULL } },
	{ "x:@D", "mirror -x '*.log' --exclude=tmp a", 0, NULL, "x", 'x', "tmp", 1, { "a" } },
	/* no template: every word is an operand */
	{ NULL, "quote -x PASS --y", 0, NULL, "", 0, NULL, 3, { "-x", "PASS", "--y" } },
	{ NULL, "user bob -secret", 0, NULL, "", 0, NULL, 2, { "bob", "-secret" } },
};

static void test_options(void)
{
	for (size_t i = 0; i < ARRAY_LEN(opts); i++) {
		struct word *w = NULL;
		int n = 0;
		const char *err = NULL;
		CHECK_INT(argv_split_words(opts[i].line, &n, &w, &err), 0);
		struct cmd_args a;
		char *perr = NULL;
		int rc = args_parse(opts[i].tmpl, longs, n, w, &a, &perr);
		free(w);
		CHECK_INT(rc, opts[i].rc);
		if (rc < 0) {
			CHECK_STR(perr, opts[i].err);
		} else {
			CHECK_INT(a.argc, opts[i].argc);
			for (int k = 0; k < a.argc && k < MAXOPS; k++)
				CHECK_STR(args_text(&a, k), opts[i].ops[k]);
			for (const char *f = opts[i].flags; *f; f++)
				CHECK(args_has(&a, *f));
			int present = 0;
			for (int c = 0; c < ARGS_LETTERS; c++)
				present += a.opt[c] != NULL;
			CHECK_INT(present, (int)strlen(opts[i].flags));
			if (opts[i].vletter)
				CHECK_STR(args_value(&a, opts[i].vletter), opts[i].value);
		}
		free(perr);
		args_free(&a);
	}
}

/* Repeated options keep every value, in order. */
static void test_repeated(void)
{
	struct word *w = NULL;
	int n = 0;
	const char *err = NULL;
	CHECK_INT(argv_split_words("mirror -x a -x 'b c' --exclude=d s", &n, &w, &err), 0);
	struct cmd_args a;
	char *perr = NULL;
	CHECK_INT(args_parse("x:", longs, n, w, &a, &perr), 0);
	free(w);
	int k = 0;
	char *const *v = args_values(&a, 'x', &k);
	CHECK_INT(k, 3);
	if (k == 3) {
		CHECK_STR(v[0], "a");
		CHECK_STR(v[1], "b c");
		CHECK_STR(v[2], "d");
	}
	CHECK_STR(args_value(&a, 'x'), "d");
	args_free(&a);
}

int main(int argc, char **argv)
{
	(void)argc;
	test_words();
	test_repeated();
	test_options();
	return check_summary(argv[0]);
}
