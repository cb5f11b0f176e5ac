/* State of one ftps run, shared by the command handlers and the REPL. */
#ifndef FTPS_APP_H
#define FTPS_APP_H

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>
#include <stdio.h>

#include "cli/rc.h"
#include "cli/settings.h"
#include "net/proxy.h"
#include "trust/policy.h"
#include "url.h"

struct ftp_session;
struct tls_config;
struct hostcfg_state;


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
	const char *limit_rate;   /* --limit-rate, NULL when not given */
	/* Taken out of the environment at start, so that no child (!command,
	 * lls) inherits them; wiped at exit. */
	char *env_password;       /* FTPS_PASSWORD */
	char *env_key_pass;       /* FTPS_KEY_PASSPHRASE */
	enum trust_setting trust; /* --trust */
	const char *trust_fingerprint; /* --trust-fingerprint SHA256:... */
	const char *known_servers;     /* --known-servers FILE */
	char *proxy;              /* --proxy URL ("" = none), NULL if not given;
				   * a copy, wiped at exit (argv is overwritten) */
	const char *noproxy;      /* --noproxy LIST, NULL if not given */
	const char *config_file;  /* --config / -F: per-host settings file */
	const char *output;       /* -o: the one-shot download's local name */
	const char *upload;       /* -T: the one-shot upload's local file */
	int complete_hosts;       /* --complete-hosts (for shell completion) */
	/* Where the command line left a gap, the fields that the per-host
	 * settings file also has (cafile, timeout_s, trust, ...) hold the
	 * current host's value: host_settings.c keeps the command line's own
	 * copy and fills them in at each new target. */
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
	char *proxy;     /* proxy URL for this target, or NULL */
};

/* A proxy parsed from url, kept until exit (app_proxies_free): sessions
 * hold a pointer to theirs for their data connections. */
struct proxy_entry {
	struct net_proxy p;
	char *url;       /* as given; may hold a password, wiped on free */
	struct proxy_entry *next;
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
	const struct net_proxy *proxy; /* the current target's, NULL: direct */
	struct proxy_entry *proxies;   /* every proxy parsed in this run */
	struct hostcfg_state *hostcfg; /* the per-host settings file */
	mode_t file_mode;   /* 0666 less the umask: finished downloads */
	int batch;          /* -b: never prompt, stop at the first failure */
	int interactive;    /* stdin is a terminal and not batch */
	int quit;           /* set by quit/exit/bye */
	int64_t last_activity; /* clock_ms() of the last command (keepalive) */
};

/* Frees a->proxies (conn.c). */
void app_proxies_free(struct app *a);

/* The command line an alias stands for, or NULL. */
const char *app_alias_command(struct app *a, const char *name);
#endif
