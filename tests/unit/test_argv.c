#include "check.h"
#include "cli/argv.h"
#include "util/error.h"
#include "util/xmalloc.h"

#include <stdlib.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define MAXW 6

static const struct {
	const char *in;
	int rc;
	const char *err;           /* for rc < 0 */
	int argc;
	const char *argv[MAXW];
} cases[] = {
	{ "", 0, NULL, 0, { NULL } },
	{ "   \t  ", 0, NULL, 0, { NULL } },
	{ "ls", 0, NULL, 1, { "ls" } },
	{ "  get  a.txt\tb.txt  ", 0, NULL, 3, { "get", "a.txt", "b.txt" } },
	{ "put 'my file.txt'", 0, NULL, 2, { "put", "my file.txt" } },
	{ "put \"my file.txt\"", 0, NULL, 2, { "put", "my file.txt" } },
	{ "put my\\ file.txt", 0, NULL, 2, { "put", "my file.txt" } },
	{ "a'b c'd", 0, NULL, 1, { "ab cd" } },
	{ "a\"b c\"d'e'", 0, NULL, 1, { "ab cde" } },
	{ "'' x \"\"", 0, NULL, 3, { "", "x", "" } },
	{ "x ''", 0, NULL, 2, { "x", "" } },
	/* single quotes keep everything */
	{ "'a\\b\"c'", 0, NULL, 1, { "a\\b\"c" } },
	/* double quotes: \" and \\ only */
	{ "\"a\\\"b\\\\c\\d\\'\"", 0, NULL, 1, { "a\"b\\c\\d\\'" } },
	/* outside quotes: backslash makes anything literal */
	{ "\\'\\\"\\\\\\a", 0, NULL, 1, { "'\"\\a" } },
	{ "a\\\tb", 0, NULL, 1, { "a\tb" } },
	{ "caf\xc3\xa9 \xe6\x97\xa5", 0, NULL, 2, { "caf\xc3\xa9", "\xe6\x97\xa5" } },
	{ "#not-a-comment $HOME *", 0, NULL, 3, { "#not-a-comment", "$HOME", "*" } },
	/* errors */
	{ "put 'abc", FTPS_ERR_ARG, "unterminated quote", 0, { NULL } },
	{ "put \"abc", FTPS_ERR_ARG, "unterminated quote", 0, { NULL } },
	{ "put \"abc\\\"", FTPS_ERR_ARG, "unterminated quote", 0, { NULL } },
	{ "'", FTPS_ERR_ARG, "unterminated quote", 0, { NULL } },
	{ "put abc\\", FTPS_ERR_ARG, "trailing backslash", 0, { NULL } },
};

static void test_split(void)
{
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		int argc = -1;
		char **argv = (char **)1;
		const char *err = NULL;
		int rc = argv_split(cases[i].in, &argc, &argv, &err);

		CHECK_INT(rc, cases[i].rc);
		if (rc < 0) {
			CHECK_STR(err, cases[i].err);
			CHECK(argv == NULL);
			CHECK_INT(argc, 0);
			continue;
		}
		CHECK_INT(argc, cases[i].argc);
		CHECK(argv != NULL);
		for (int k = 0; argv && k < argc && k < MAXW; k++)
			CHECK_STR(argv[k], cases[i].argv[k]);
		if (argv)
			CHECK(argv[argc] == NULL);
		argv_free(argv);
	}
	argv_free(NULL);
}

static void test_too_many(void)
{
	size_t n = ARGV_MAX_WORDS + 1;
	char *line = xmalloc(2 * n + 1);
	int argc;
	char **argv;
	const char *err;

	for (size_t i = 0; i < n; i++) {
		line[2 * i] = 'x';
		line[2 * i + 1] = ' ';
	}
	line[2 * n] = '\0';
	CHECK_INT(argv_split(line, &argc, &argv, &err), FTPS_ERR_TOOLONG);
	CHECK(argv == NULL);
	line[2 * (n - 1)] = '\0'; /* exactly ARGV_MAX_WORDS */
	CHECK_INT(argv_split(line, &argc, &argv, &err), 0);
	CHECK_INT(argc, ARGV_MAX_WORDS);
	argv_free(argv);
	free(line);
}

static const struct {
	const char *in, *out;
} quotes[] = {
	{ "plain.txt", "plain.txt" },
	{ "dir/sub-dir_2/a,b=c:d@e%f+g~h^", "dir/sub-dir_2/a,b=c:d@e%f+g~h^" },
	{ "caf\xc3\xa9", "caf\xc3\xa9" },
	{ "my file", "my\\ file" },
	{ "", "''" },
	{ "it's", "it\\'s" },
	{ "a\"b", "a\\\"b" },
	{ "a\\b", "a\\\\b" },
	{ "*?[]", "\\*\\?\\[\\]" },
};

/* Strings that must survive argv_split(argv_quote(s)). */
static const char *const tricky[] = {
	"", " ", "  ", "\t", "a b", " lead", "trail ", "'", "''", "\"", "\"\"",
	"\\", "\\\\", "a\\", "'a b'", "\"a b\"", "it's \"quoted\"", "$x `y` ;&|<>",
	"#hash", "~", "-", "--", "new\nline", "cr\r", "esc\x1b[31m",
	"\xe6\x97\xa5 \xe6\x9c\xac", "\xff\xfe", ("a\x7f" "b"), "a'\"\\ \t b",
};

static void test_quote(void)
{
	for (size_t i = 0; i < ARRAY_LEN(quotes); i++) {
		char *q = argv_quote(quotes[i].in);
		CHECK_STR(q, quotes[i].out);
		free(q);
	}
	for (size_t i = 0; i < ARRAY_LEN(tricky); i++) {
		char *q = argv_quote(tricky[i]);
		int argc = 0;
		char **argv = NULL;
		const char *err = NULL;

		CHECK_INT(argv_split(q, &argc, &argv, &err), 0);
		CHECK_INT(argc, 1);
		if (argc == 1)
			CHECK_STR(argv[0], tricky[i]);
		argv_free(argv);
		free(q);
	}
}

int main(int argc, char **argv)
{
	(void)argc;
	test_split();
	test_too_many();
	test_quote();
	return check_summary(argv[0]);
}
