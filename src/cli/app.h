/* State of one ftps run, shared by the command handlers and the REPL. */
#ifndef FTPS_APP_H
#define FTPS_APP_H

#include <stdint.h>
#include <sys/types.h>
#include <stdio.h>

#include "cli/rc.h"
#include "cli/settings.h"
#include "url.h"

struct ftp_session;
struct tls_config;

enum trust_policy { TRUST_POLICY_DEFAULT = 0, TRUST_POLICY_ASK,
		    TRUST_POLICY_ACCEPT_NEW, TRUST_POLICY_STRICT };

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
	int norc;                 /* --norc: skip the start-up file */
	/* Taken out of the environment at start, so that no child (!command,
	 * lls) inherits them; wiped at exit. */
	char *env_password;       /* FTPS_PASSWORD */
	char *env_key_pass;       /* FTPS_KEY_PASSPHRASE */
	enum trust_policy trust;
	const char *trust_fingerprint; /* --trust-fingerprint SHA256:... */
	const char *known_servers;     /* --known-servers FILE */
};

/* The trust decision for the current connection, for `status` and for
 * reconnecting without asking twice. */
struct trust_state {
	char *host;
	uint16_t port;
	char pin[64];
	char *how;        /* "CA", "pinned (...)", "once", ... */
	char *cert_text;  /* the certificate as cert_print() shows it */
	int explained;    /* a refusal was already explained to the user */
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
	struct trust_state trust;
	struct settings settings;
	int want_connected; /* connected by the user, not closed by them */
	char *remote_cwd;   /* after cd: where a reconnect goes back to */
	struct aliases aliases;
	mode_t file_mode;   /* 0666 less the umask: finished downloads */
	int batch;          /* -b: never prompt, stop at the first failure */
	int interactive;    /* stdin is a terminal and not batch */
	int quit;           /* set by quit/exit/bye */
};

/* Print "ftps: " + message to stderr. */
void app_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print untrusted text (from the server) made safe, plus a newline. */
void print_untrusted(FILE *f, const char *prefix, const char *text);

/* While reading the start-up file: "FILE:LINE: " before every error. */
void app_error_context(const char *where);
/* The command line an alias stands for, or NULL. */
const char *app_alias_command(struct app *a, const char *name);
/* Machine names in ~/.netrc (or --netrc-file), for completion. */
size_t app_netrc_machines(struct app *a, char ***out);

/* Exit status for a negative ftps_err (0 for 0). */
int exit_code_for(int err);

/* Connect and log in to a.target, making the TLS config if needed; prints
 * its own errors. 0 or a negative ftps_err. */
int app_connect(struct app *a);
void app_disconnect(struct app *a);
/* One more logged-in connection to the same target, in the same remote
 * directory and mode (parallel transfers); NULL with the error printed. */
struct ftp_session *app_open_extra(struct app *a);
/* Before a command that needs a connection: reconnect if it was lost and
 * `set reconnect` is on. 0 when connected. */
int app_ensure_connected(struct app *a);
/* Change the remote directory (NULL: CDUP) and remember it for reconnects. */
int app_cd(struct app *a, const char *path);
/* Set the target from what `open` or the command line gave. */
int app_set_target(struct app *a, const char *where, const char **path);
void target_clear(struct target *t);
void trust_state_clear(struct trust_state *t);
/* The known_servers file in use (--known-servers, XDG, ~/.config). Newly
 * allocated, or NULL with an error printed. */
char *app_known_servers_path(struct app *a);
/* "host:port", or "[v6]:port". Newly allocated. */
char *host_port(const char *host, uint16_t port);

#endif
