/* The per-host settings file applied to a run (see host_settings.h). */
#include "cli/host_settings.h"
#include "cli/app.h"
#include "cli/hostconfig.h"
#include "cli/msg.h"
#include "ftp/session.h"
#include "net/proxy.h"
#include "tls/tls.h"
#include "util/buf.h"
#include "util/xdg.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct hostcfg_state {
	struct hostconfig cfg;
	char *path;
	struct options cli;       /* a->opt as the command line left it */
	char *paths[HC_N_KEYS];   /* expanded paths that a->opt points to */
	char *tls_key;            /* what a->tls was (or will be) made from */
	struct settings before;   /* a->settings before this host's values */
	struct settings after;    /* ... and right after them */
	int scoped;               /* before/after are in use */
};

char *host_settings_default_path(void)
{
	return xdg_path("XDG_CONFIG_HOME", ".config", "ftps/config");
}

/* Why a file must not be used, or NULL. As with known_servers (the file
 * can name the keys to trust): write access for others, or another
 * owner, is refused, as OpenSSH's StrictModes does. */
static char *refusal(const char *path, const struct stat *st)
{
	if (!S_ISREG(st->st_mode))
		return xasprintf("%s: not a regular file", path);
	if (st->st_mode & 022)
		return xasprintf("%s: group- or world-writable; refusing to use it "
				 "(chmod go-w %s)", path, path);
	if (st->st_uid != geteuid() && st->st_uid != 0)
		return xasprintf("%s: owned by another user; refusing to use it", path);
	return NULL;
}

/* The whole file into b; a character device (/dev/null) is an empty
 * file. 0, 1 for a missing file, or -1 with the reason printed. */
static int read_config(const char *path, struct buf *b)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 && errno == ENOENT)
		return 1;
	struct stat st;
	char *why = NULL;
	if (fd < 0 || fstat(fd, &st) < 0)
		why = xasprintf("%s: %s", path, strerror(errno));
	else if (!S_ISCHR(st.st_mode))
		why = refusal(path, &st);
	char chunk[8192];
	ssize_t n = 0;
	while (!why && !S_ISCHR(st.st_mode) && (n = read(fd, chunk, sizeof(chunk))) > 0) {
		buf_append(b, chunk, (size_t)n);
		if (b->len > HOSTCONFIG_MAX_BYTES)
			why = xasprintf("%s: larger than 1 MiB", path);
	}
	if (!why && n < 0)
		why = xasprintf("%s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	if (!why)
		return 0;
	app_error("%s", why);
	free(why);
	return -1;
}

/* What the pure parser leaves to others: proxy URLs, the limit-rate
 * setting's syntax, and "~/" needing HOME. -1 with one line printed. */
static int check_entry(const char *path, const struct hc_entry *e)
{
	char *where = xasprintf("%s:%u: ", path, e->line);
	int rc = 0;
	app_error_context(where);
	if (hc_key_is_path(e->key) && e->value[0] == '~' && !getenv("HOME")) {
		app_error("%s: HOME is not set: cannot expand ~", hc_key_name(e->key));
		rc = -1;
	} else if (e->key == HC_PROXY) {
		struct net_proxy p;
		const char *why = NULL;
		if (net_proxy_parse(e->value, &p, &why) < 0) {
			app_error("Proxy: %s", why ? why : "invalid proxy URL");
			rc = -1;
		} else {
			net_proxy_clear(&p);
		}
	} else if (e->key == HC_LIMIT_RATE) {
		struct settings scratch;
		settings_defaults(&scratch);
		rc = settings_set(&scratch, "limit-rate", e->value) < 0 ? -1 : 0;
	}
	app_error_context(NULL);
	free(where);
	return rc;
}

static int check_all(const struct hostcfg_state *st)
{
	for (size_t i = 0; i < st->cfg.n; i++)
		for (size_t j = 0; j < st->cfg.v[i].n; j++)
			if (check_entry(st->path, &st->cfg.v[i].v[j]) < 0)
				return -1;
	return 0;
}

int host_settings_load(struct app *a)
{
	struct hostcfg_state *st = xcalloc(1, sizeof(*st));
	st->cli = a->opt;
	a->hostcfg = st;
	st->path = a->opt.config_file ? xstrdup(a->opt.config_file)
				      : host_settings_default_path();
	if (!st->path)
		return 0;
	struct buf b = { 0 };
	int rc = read_config(st->path, &b);
	if (rc == 1 && a->opt.config_file) /* asked for by name: must exist */
		app_error("%s: %s", st->path, strerror(ENOENT));
	if (rc == 1)
		rc = a->opt.config_file ? -1 : 0;
	struct hc_error err;
	if (rc == 0 && hostconfig_parse(b.data ? b.data : "", b.len, &st->cfg, &err) < 0) {
		app_error("%s:%u: %s", st->path, err.line, err.msg);
		rc = -1;
	}
	if (rc == 0)
		rc = check_all(st);
	buf_free(&b);
	return rc < 0 ? 2 : 0;
}

/* The path value of key k, expanded and kept until the next host. */
static const char *path_value(struct hostcfg_state *st, const struct hc_values *v,
			      enum hc_key k)
{
	free(st->paths[k]);
	st->paths[k] = v->v[k] ? hostconfig_path(v->v[k], getenv("HOME")) : NULL;
	return st->paths[k];
}

/* Each run-wide option: the command line's, else the file's. */
static void overlay_options(struct app *a, struct hostcfg_state *st,
			    const struct hc_values *v)
{
	struct options *o = &a->opt;
	const struct options *c = &st->cli;
	o->cafile = c->cafile ? c->cafile : path_value(st, v, HC_CAFILE);
	/* A certificate and its key come as a pair: a --cert on the command
	 * line does not take the file's Key. */
	o->certfile = c->certfile ? c->certfile : path_value(st, v, HC_CERT);
	o->keyfile = c->certfile || c->keyfile ? c->keyfile : path_value(st, v, HC_KEY);
	o->known_servers = c->known_servers ? c->known_servers
					    : path_value(st, v, HC_KNOWN);
	o->netrc_file = c->netrc_file ? c->netrc_file : path_value(st, v, HC_NETRC);
	o->priority = c->priority ? c->priority : v->v[HC_PRIORITY];
	o->trust_fingerprint = c->trust_fingerprint ? c->trust_fingerprint
						    : v->v[HC_TRUST_FP];
	int trust = hc_choice(v, HC_TRUST); /* ask, accept-new, strict */
	o->trust = c->trust != TRUST_SETTING_DEFAULT ? c->trust
		 : trust < 0 ? TRUST_SETTING_DEFAULT
		 : (enum trust_setting)(TRUST_SETTING_ASK + trust);
	long timeout = hc_number(v, HC_TIMEOUT);
	o->timeout_s = c->timeout_s ? c->timeout_s : timeout > 0 ? (int)timeout : 30;
}

/* Passive, Retries and LimitRate hold while this host is the target: the
 * next host gets the settings from before, unless `set` changed something
 * meanwhile (then the person's values stay). */
static void scope_settings(struct app *a, struct hostcfg_state *st,
			   const struct hc_values *v)
{
	if (st->scoped && !memcmp(&a->settings, &st->after, sizeof(st->after)))
		a->settings = st->before;
	st->scoped = 0;
	int passive = hc_choice(v, HC_PASSIVE);
	long retries = st->cli.retries < 0 ? hc_number(v, HC_RETRIES) : -1;
	const char *rate = st->cli.limit_rate ? NULL : v->v[HC_LIMIT_RATE];
	if (passive < 0 && retries < 0 && !rate)
		return;
	st->before = a->settings;
	if (passive >= 0)
		a->settings.passive = passive;
	if (retries >= 0)
		a->settings.retries = (int)retries;
	if (rate) /* checked at load: cannot fail */
		settings_set(&a->settings, "limit-rate", rate);
	st->after = a->settings;
	st->scoped = 1;
}

/* Credentials are made once and shared by every connection: another
 * host's CA file or client certificate needs new ones. The connection
 * using the old ones goes first (open replaces it anyway). */
static void refresh_tls(struct app *a, struct hostcfg_state *st)
{
	const struct options *o = &a->opt;
	char *key = xasprintf("%s\n%s\n%s\n%s", o->cafile ? o->cafile : "",
			      o->certfile ? o->certfile : "",
			      o->keyfile ? o->keyfile : "",
			      o->priority ? o->priority : "");
	if (a->tls && st->tls_key && strcmp(key, st->tls_key)) {
		if (a->ftp)
			ftp_disconnect(a->ftp);
		tls_config_free(a->tls);
		a->tls = NULL;
	}
	free(st->tls_key);
	st->tls_key = key;
}

void host_settings_apply(struct app *a, const char *host, struct host_target *t)
{
	struct hostcfg_state *st = a->hostcfg;
	memset(t, 0, sizeof(*t));
	if (!st)
		return;
	struct hc_values v;
	hostconfig_lookup(&st->cfg, host, &v);
	overlay_options(a, st, &v);
	scope_settings(a, st, &v);
	refresh_tls(a, st);
	long port = hc_number(&v, HC_PORT);
	int mode = hc_choice(&v, HC_MODE); /* explicit, implicit */
	t->hostname = v.v[HC_HOSTNAME];
	t->port = port > 0 ? (uint16_t)port : 0;
	t->mode = mode < 0 ? TLS_MODE_DEFAULT
		: mode ? TLS_MODE_IMPLICIT : TLS_MODE_EXPLICIT;
	t->user = v.v[HC_USER];
	t->proxy = v.v[HC_PROXY];
}

size_t host_settings_names(struct app *a, char ***out)
{
	*out = NULL;
	return a->hostcfg ? hostconfig_names(&a->hostcfg->cfg, out) : 0;
}

void host_settings_free(struct app *a)
{
	struct hostcfg_state *st = a->hostcfg;
	if (!st)
		return;
	hostconfig_clear(&st->cfg);
	for (int k = 0; k < HC_N_KEYS; k++)
		free(st->paths[k]);
	free(st->tls_key);
	free(st->path);
	free(st);
	a->hostcfg = NULL;
}
