/* The REPL tokenizer. Two round trips must hold for every input:
 * quoting any string and splitting it gives back exactly that string as one
 * word (completion inserts quoted names), and re-quoting the words of a line
 * that splits gives back the same words. */
#include "fuzz.h"
#include "cli/argv.h"
#include "util/buf.h"

/* Split a line that must split; returns argc. */
static int must_split(const char *line, char ***argv)
{
	int argc;
	const char *err = NULL;
	int rc = argv_split(line, &argc, argv, &err);

	if (rc != 0)
		fprintf(stderr, "argv_split(\"%s\") failed: %s\n", line,
			err ? err : "?");
	FUZZ_ASSERT(rc == 0);
	return argc;
}

static void quote_one(const char *s)
{
	char *q = argv_quote(s), **v;
	int argc = must_split(q, &v);

	FUZZ_ASSERT(argc == 1);
	FUZZ_ASSERT(strcmp(v[0], s) == 0);
	argv_free(v);
	free(q);
}

static void requote(int argc, char **argv)
{
	struct buf line = { 0 };
	char **v;

	for (int i = 0; i < argc; i++) {
		char *q = argv_quote(argv[i]);
		if (i)
			buf_append(&line, " ", 1);
		buf_append_str(&line, q);
		free(q);
	}
	char *s = buf_steal(&line);
	int n = must_split(s, &v);
	FUZZ_ASSERT(n == argc);
	for (int i = 0; i < argc; i++)
		FUZZ_ASSERT(strcmp(v[i], argv[i]) == 0);
	argv_free(v);
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = fuzz_cstr(data, size), **argv = NULL;
	int argc = -1;
	const char *err = NULL;

	quote_one(line);
	if (argv_split(line, &argc, &argv, &err) == 0) {
		FUZZ_ASSERT(argc >= 0 && argc <= ARGV_MAX_WORDS);
		FUZZ_ASSERT(argv != NULL && argv[argc] == NULL);
		requote(argc, argv);
		argv_free(argv);
	} else {
		FUZZ_ASSERT(argv == NULL && argc == 0 && err != NULL);
	}
	free(line);
	return 0;
}
