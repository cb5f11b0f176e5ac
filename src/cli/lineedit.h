/* Line editing on a terminal. The only file that includes readline. */
#ifndef FTPS_LINEEDIT_H
#define FTPS_LINEEDIT_H

#include <signal.h>

extern volatile sig_atomic_t ftps_interrupted;

void lineedit_init(void);
/* A line without newline, newly allocated; NULL at EOF (Ctrl-D). Ctrl-C
 * clears the line being typed and asks again. */
char *lineedit_read(const char *prompt);
void lineedit_add_history(const char *line);

#endif
