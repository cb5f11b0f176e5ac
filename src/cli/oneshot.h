/* What the URL on the command line asks for once connected: a directory
 * to start in (the prompt or -b commands run there), or one transfer and
 * exit, as curl does: "ftps ftpes://host/dir/file" downloads file, -o
 * names the local copy ("-": standard output), -T uploads. The transfers
 * are the get, cat and put commands, with all their rules. */
#ifndef FTPS_ONESHOT_H
#define FTPS_ONESHOT_H

struct app;

/* Before connecting: -o and -T need a URL (where, as typed; NULL when
 * none), exclude each other and -b, and -o needs a path naming a file.
 * 0, or exit status 2 with one line printed. */
int oneshot_check(struct app *a, const char *where);

/* After the first connection, with the URL's decoded path (or NULL).
 * Without -o/-T, a path whose CWD the server refuses with 5xx is taken
 * for a file and downloaded, unless it ends in '/' or -b is given (then
 * the refusal is reported as before). Returns an exit status; sets
 * a->quit when a transfer ran, so that no prompt follows. */
int oneshot_start(struct app *a, const char *path);

#endif
