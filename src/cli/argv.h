/* The REPL tokenizer: splits a command line into words like a small shell.
 * Pure: no I/O. */
#ifndef FTPS_ARGV_H
#define FTPS_ARGV_H

#include <stddef.h>

#define ARGV_MAX_WORDS 4096

/* Rules: words are separated by unquoted spaces/tabs. Single quotes keep
 * everything literally up to the next single quote. Double quotes keep
 * everything except that backslash escapes '"' and '\\'. Outside quotes a
 * backslash makes the next character literal. Quotes in the middle of a word
 * join ("a'b c'd" is one word "ab cd"). "" and '' produce an empty word.
 * Unterminated quote or trailing backslash -> FTPS_ERR_ARG with *err set to a
 * static message ("unterminated quote", "trailing backslash").
 * On success *argv is a newly allocated NULL-terminated array of newly
 * allocated strings (free with argv_free), *argc the count (0 for a blank
 * line). More than ARGV_MAX_WORDS words -> FTPS_ERR_TOOLONG. */
int argv_split(const char *line, int *argc, char ***argv, const char **err);
void argv_free(char **argv);

/* One word as the tokenizer saw it: which characters were quoted matters
 * for wildcards and "~", as in a shell. */
struct word {
	char *text;     /* quotes and escapes removed: the literal word */
	char *pattern;  /* text with every quoted or escaped * ? [ and \
	                 * backslash-escaped: what fnmatch() and glob() take */
	int wild;       /* holds an unquoted * ? or [: a pattern to expand */
	int tilde;      /* starts with an unquoted ~ (home directory) */
};

/* The same rules as argv_split, keeping each word's quoting: 'a*' and a\*
 * are the literal name "a*" (wild 0, pattern "a\*"), a* is a pattern.
 * *words newly allocated (words_free); 0 words for a blank line. */
int argv_split_words(const char *line, int *n, struct word **words,
		     const char **err);
void words_free(struct word *w, int n);
/* Quote a word so that argv_split_words gives back the same word: its
 * quoted wildcards and "~" stay quoted, its unquoted ones stay bare. Newly
 * allocated. */
char *argv_quote_word(const struct word *w);

/* A word that is plain text (wild 0, no tilde), for arguments made by
 * the program rather than typed. Newly allocated strings. */
struct word word_literal(const char *text);

/* Quote a word so that argv_split gives it back unchanged: returned as is if
 * it has only safe characters, otherwise backslash-escaped. Newly allocated. */
char *argv_quote(const char *word);

#endif
