/* What TAB offers at the prompt, by the kind of the argument being typed
 * (from the command table). No readline here: lineedit.c wires it in. */
#ifndef FTPS_COMPLETE_H
#define FTPS_COMPLETE_H

#include <stddef.h>

struct app;

enum complete_kind {
	COMPLETE_NONE,   /* nothing to offer */
	COMPLETE_LIST,   /* *matches holds the candidates */
	COMPLETE_LOCAL,  /* local file names: readline's own completer */
};

/* before: the line up to the word being completed; word: that word as far as
 * typed, unquoted. Candidates are whole words (remote directories end in
 * '/'); the caller frees them with complete_free. */
enum complete_kind complete_word(struct app *a, const char *before,
				 const char *word, char ***matches, size_t *n);
void complete_free(char **matches, size_t n);

/* Forget cached remote listings (after cd, put, rm, mkdir, rename...). */
void complete_invalidate(void);

#endif
