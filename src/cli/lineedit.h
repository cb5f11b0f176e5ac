/* Line editing on a terminal. The only file that includes readline. */
#ifndef FTPS_LINEEDIT_H
#define FTPS_LINEEDIT_H

struct app;

/* Set up readline: completion for a's commands and remote files. */
void lineedit_init(struct app *a);
/* A line without newline, newly allocated; NULL at EOF (Ctrl-D). Ctrl-C
 * clears the line being typed and asks again. */
char *lineedit_read(const char *prompt);
void lineedit_add_history(const char *line);
/* While waiting for a key, call fn(ctx) now and then (about ten times a
 * second); it returns non-zero when it printed something. */
void lineedit_set_idle(int (*fn)(void *ctx), void *ctx);
/* Load and save the history file (created 0600, its directory 0700). */
void lineedit_history_load(const char *path);
void lineedit_history_save(const char *path);
/* The readline library's version as loaded ("8.2"), for --version. */
const char *lineedit_library_version(void);

#endif
