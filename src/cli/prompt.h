/* Questions asked on the terminal (never in batch mode). */
#ifndef FTPS_PROMPT_H
#define FTPS_PROMPT_H

/* Ask on /dev/tty with echo off; newly allocated answer (free_secret it), or
 * NULL when there is no terminal or on EOF. */
char *prompt_secret(const char *question);
/* Ask on /dev/tty with echo on; newly allocated line without newline, or NULL
 * on EOF / no terminal. */
char *prompt_line(const char *question);

#endif
