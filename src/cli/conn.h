/* The connection's lifecycle: targets, credentials, connecting and
 * reconnecting (conn.c). */
#ifndef FTPS_CONN_H
#define FTPS_CONN_H

#include <stddef.h>
#include <stdint.h>

struct app;
struct ftp_session;
struct target;
struct trust_state;

/* Machine names in ~/.netrc (or --netrc-file), for completion. */
size_t app_netrc_machines(struct app *a, char ***out);

/* Connect and log in to a.target, making the TLS config if needed; prints
 * its own errors. 0 or a negative ftps_err. */
int app_connect(struct app *a);
void app_disconnect(struct app *a);
/* One more logged-in connection to the same target, in remote directory
 * cwd (NULL: the login directory) and mode (parallel transfers); NULL with
 * the error printed. Safe to call from several threads at once. */
struct ftp_session *app_open_extra(struct app *a, const char *cwd, int ascii);
/* Connect s again after a transient failure (retries): same target, same
 * trust decision (never asks again), then cwd (when not NULL) and the
 * transfer type. Quiet: 0 or a negative ftps_err with ftp_error(s). */
int app_reconnect(struct app *a, struct ftp_session *s, const char *cwd);
/* Before a command that needs a connection: reconnect if it was lost and
 * `set reconnect` is on. 0 when connected. */
int app_ensure_connected(struct app *a);
/* Change the remote directory (NULL: CDUP) and remember it for reconnects. */
int app_cd(struct app *a, const char *path);
/* app_cd of the first directory (a URL's, open HOST/DIR): a connection
 * lost on the way is opened once more and the cd made again. */
int app_cd_again(struct app *a, const char *path);
/* Set the target from what `open` or the command line gave. */
int app_set_target(struct app *a, const char *where, const char **path);
void target_clear(struct target *t);
void trust_state_clear(struct trust_state *t);
/* The known_servers file in use (--known-servers, XDG, ~/.config). Newly
 * allocated, or NULL with an error printed. */
char *app_known_servers_path(struct app *a);

#endif
