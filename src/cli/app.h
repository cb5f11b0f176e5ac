/* State of one ftps run, shared by the command handlers and the REPL. */
#ifndef FTPS_APP_H
#define FTPS_APP_H

#include <stdint.h>
#include <stdio.h>

#include "url.h"

struct ftp_session;
struct tls_config;

/* What the command line asked for; fixed for the whole run. */
struct options {
	const char *batch_file;   /* -b */
	const char *user;         /* -u */
	uint16_t port;            /* -P, 0 = default */
	enum tls_mode mode;       /* --implicit / --explicit */
	const char *cafile;
	const char *certfile, *keyfile;
	const char *priority;
	const char *netrc_file;
	int timeout_s;
	int verbose;
};

/* Where the current (or last) connection goes. */
struct target {
	char *host;
	uint16_t port;
	int implicit;
	char *user;
	char *password;  /* from the URL or `user`, wiped on free; or NULL */
};

struct app {
	struct options opt;
	struct tls_config *tls;
	struct ftp_session *ftp;
	struct target target;
	int batch;          /* -b: never prompt, stop at the first failure */
	int interactive;    /* stdin is a terminal and not batch */
	int quit;           /* set by quit/exit/bye */
};

/* Print "ftps: " + message to stderr. */
void app_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print untrusted text (from the server) made safe, plus a newline. */
void print_untrusted(FILE *f, const char *prefix, const char *text);

/* Exit status for a negative ftps_err (0 for 0). */
int exit_code_for(int err);

/* Connect and log in to a.target, making the TLS config if needed; prints
 * its own errors. 0 or a negative ftps_err. */
int app_connect(struct app *a);
void app_disconnect(struct app *a);
/* Set the target from what `open` or the command line gave. */
int app_set_target(struct app *a, const char *where, const char **path);
void target_clear(struct target *t);

#endif
