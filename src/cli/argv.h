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

/* Quote a word so that argv_split gives it back unchanged: returned as is if
 * it has only safe characters, otherwise backslash-escaped. Newly allocated. */
char *argv_quote(const char *word);

#endif
