/* State of one ftps run, shared by the command handlers and the REPL. */
#ifndef FTPS_APP_H
#define FTPS_APP_H

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>
#include <stdio.h>

#include "cli/rc.h"
#include "cli/settings.h"
#include "trust/policy.h"
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
	int norc;                 /* --norc: skip the start-up file */
	int retries;              /* --retries, -1 when not given */
	/* Taken out of the environment at start, so that no child (!command,
	 * lls) inherits them; wiped at exit. */
	char *env_password;       /* FTPS_PASSWORD */
	char *env_key_pass;       /* FTPS_KEY_PASSPHRASE */
	enum trust_setting trust; /* --trust */
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

/* Set by Ctrl-C (SIGINT); transfer loops and prompts poll it. */
extern volatile sig_atomic_t ftps_interrupted;

struct app {
	struct options opt;
	struct tls_config *tls;
	struct ftp_session *ftp;
	struct target target;
	struct trust_state trust;
	struct settings settings;
	int want_connected; /* connected by the user, not closed by them */
	char *remote_cwd;   /* after cd: where a reconnect goes back to */
	char *prev_remote_dir; /* for cd - */
	char *prev_local_dir;  /* for lcd - */
	struct aliases aliases;
	mode_t file_mode;   /* 0666 less the umask: finished downloads */
	int batch;          /* -b: never prompt, stop at the first failure */
	int interactive;    /* stdin is a terminal and not batch */
	int quit;           /* set by quit/exit/bye */
	int64_t last_activity; /* clock_ms() of the last command (keepalive) */
};

/* The command line an alias stands for, or NULL. */
const char *app_alias_command(struct app *a, const char *name);
#endif
