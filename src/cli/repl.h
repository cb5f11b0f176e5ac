/* The command loop: lines from readline, a batch file or a pipe. */
#ifndef FTPS_REPL_H
#define FTPS_REPL_H

#include <stdio.h>

struct app;

/* Runs until EOF or quit. in: NULL for the terminal (readline), else a
 * stream of lines. Returns the exit status. */
int repl_run(struct app *a, FILE *in);

#endif
