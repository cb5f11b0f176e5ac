/* The per-host settings file applied to a run (hostconfig.c parses it):
 * reading it with the permission rules of known_servers, checking the
 * values whose syntax belongs to other modules (Proxy, LimitRate), and
 * folding a host's values in below the command line's. */
#ifndef FTPS_HOST_SETTINGS_H
#define FTPS_HOST_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

#include "url.h"

struct app;

/* What the file says about where to connect. The caller ranks it below
 * the command line and the URL. Pointers valid until the next call. */
struct host_target {
	const char *hostname; /* HostName, or NULL: the name as typed */
	uint16_t port;        /* 0: not set */
	enum tls_mode mode;   /* TLS_MODE_DEFAULT: not set */
	const char *user;     /* NULL: not set */
	const char *proxy;    /* NULL: not set */
};

/* $XDG_CONFIG_HOME/ftps/config or ~/.config/ftps/config; newly allocated,
 * NULL without HOME. */
char *host_settings_default_path(void);

/* Read and check the file (--config, else the default; a missing default
 * is an empty file). Keeps a copy of a->opt as the command line gave it.
 * 0, or exit status 2 with one line printed ("ftps: FILE:LINE: ..."). */
int host_settings_load(struct app *a);

/* For the host as typed (before HostName): set a->opt's file-given
 * values where the command line gave none, scope Passive, Retries and
 * LimitRate to this host, drop a TLS configuration made for other
 * certificates, and fill *t. Values were checked at load: never fails. */
void host_settings_apply(struct app *a, const char *host, struct host_target *t);

/* The literal Host names (no wildcards, no negation), for completion.
 * *out and each name newly allocated. */
size_t host_settings_names(struct app *a, char ***out);

void host_settings_free(struct app *a);

#endif
