/* The command loop: lines from readline, a batch file or a pipe. */
#ifndef FTPS_REPL_H
#define FTPS_REPL_H

#include <stdio.h>

struct app;

/* Runs until EOF or quit. in: NULL for the terminal (readline), else a
 * stream of lines. Returns the exit status. */
int repl_run(struct app *a, FILE *in);

/* One line with OpenSSH sftp's batch rules: '#' comments and blank lines
 * are skipped, a leading '-' ignores a failure, a leading '@' suppresses the
 * echo (echo: print "ftps> line" first). 0, or the failure. */
int repl_line(struct app *a, char *line, int echo);

#endif
