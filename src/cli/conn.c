/* The connection's lifecycle: where it goes (targets), who logs in
 * (credentials: URL, FTPS_PASSWORD, ~/.netrc, the prompt), how the engine
 * reaches the person (hooks), and connecting, reconnecting, extra
 * connections for parallel transfers. */
#include "cli/app.h"
#include "cli/conn.h"
#include "cli/msg.h"
#include "cli/tlsconf.h"
#include "cli/cert_ui.h"
#include "cli/host_settings.h"
#include "cli/prompt.h"
#include "ftp/ops.h"
#include "ftp/session.h"
#include "netrc.h"
#include "trust/store.h"
#include "tls/tls.h"
#include "util/error.h"
#include "util/sanitize.h"
#include "util/xmalloc.h"

#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void target_clear(struct target *t)
{
	free(t->host);
	free(t->user);
	free_secret(t->password);
	free_secret(t->proxy); /* may hold a proxy password */
	memset(t, 0, sizeof(*t));
}

void trust_state_clear(struct trust_state *t)
{
	free(t->host);
	free(t->how);
	free(t->cert_text);
	memset(t, 0, sizeof(*t));
}

char *app_known_servers_path(struct app *a)
{
	if (a->opt.known_servers)
		return xstrdup(a->opt.known_servers);
	char *p = known_default_path();
	if (!p)
		app_error("neither XDG_CONFIG_HOME nor HOME is set: no known_servers "
			  "file (use --known-servers FILE)");
	return p;
}

int app_set_target(struct app *a, const char *where, const char **path)
{
	struct ftps_url u;
	const char *err = NULL;
	static char *last_path;

	if (url_parse(where, &u, &err) < 0) {
		char *shown = url_redact(where, "****");
		app_error("%s: %s", shown, err ? err : "invalid address");
		free(shown);
		return FTPS_ERR_USAGE;
	}
	target_clear(&a->target);
	/* The command line, then the URL, then the host's block in the
	 * settings file (matched on the name as typed), then defaults. */
	struct host_target ht;
	host_settings_apply(a, u.host, &ht);
	a->target.host = xstrdup(ht.hostname ? ht.hostname : u.host);
	enum tls_mode mode = a->opt.mode != TLS_MODE_DEFAULT ? a->opt.mode
			   : u.mode != TLS_MODE_DEFAULT ? u.mode : ht.mode;
	uint16_t port = a->opt.port ? a->opt.port : u.port ? u.port : ht.port;
	if (mode == TLS_MODE_DEFAULT)
		mode = port == 990 ? TLS_MODE_IMPLICIT : TLS_MODE_EXPLICIT;
	a->target.implicit = mode == TLS_MODE_IMPLICIT;
	a->target.port = port ? port : (a->target.implicit ? 990 : 21);
	if (a->opt.user)
		a->target.user = xstrdup(a->opt.user);
	else if (u.user)
		a->target.user = xstrdup(u.user);
	else if (ht.user)
		a->target.user = xstrdup(ht.user);
	if (!a->target.proxy && ht.proxy) /* a --proxy given wins */
		a->target.proxy = xstrdup(ht.proxy);
	if (u.password)
		a->target.password = xstrdup(u.password);
	free(last_path);
	last_path = u.path ? xstrdup(u.path) : NULL;
	if (path)
		*path = last_path;
	url_clear(&u);
	return 0;
}

/* --- hooks: how the engine reaches the person --- */

static void hook_trace(void *ctx, char dir, const char *line, size_t len)
{
	struct app *a = ctx;
	if (!a->opt.verbose)
		return;
	char *safe = sanitize(line, len);
	fflush(stdout);
	fprintf(stderr, "%s %s\n", dir == '>' ? "-->" : "<--", safe);
	free(safe);
}

static int hook_cancelled(void *ctx)
{
	(void)ctx;
	return ftps_interrupted != 0;
}

static char *netrc_path(struct app *a)
{
	if (a->opt.netrc_file)
		return xstrdup(a->opt.netrc_file);
	return getenv("HOME") ? xasprintf("%s/.netrc", getenv("HOME")) : NULL;
}

/* ~/.netrc's entry for the target; a file that cannot be used is reported
 * once per run, not at every reconnection. */
static void netrc_lookup(struct app *a, const char *path, const char *user,
			 char **login, char **pass)
{
	static int reported;
	const char *why = NULL;
	if (netrc_lookup_file(path, a->target.host, user, login, pass, &why) < 0 &&
	    !reported++)
		app_error("%s: %s", path, why ? why : "cannot read");
}

/* Passwords, in order: the URL or `user` command, FTPS_PASSWORD, ~/.netrc,
 * a prompt on the terminal. Anonymous logins need none. */
/* Parallel transfers reconnect from several threads at once: the trust
 * decision and the credentials they share are read and written under one
 * lock. */
static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;

static char *password_for(struct app *a, const char *user);

static char *hook_password(void *ctx, const char *user)
{
	pthread_mutex_lock(&shared_lock);
	char *p = password_for(ctx, user);
	pthread_mutex_unlock(&shared_lock);
	return p;
}

/* The password without asking anybody: the URL or `user`, FTPS_PASSWORD,
 * ~/.netrc, or the anonymous convention. NULL if only a prompt can tell. */
static char *password_known(struct app *a, const char *user)
{
	if (a->target.password)
		return xstrdup(a->target.password);
	if (a->opt.env_password)
		return xstrdup(a->opt.env_password);
	char *login = NULL, *pass = NULL;
	char *path = netrc_path(a);
	if (path) {
		netrc_lookup(a, path, user, &login, &pass);
		free(path);
		free(login);
		if (pass)
			return pass;
	}
	if (!strcasecmp(user, "anonymous") || !strcasecmp(user, "ftp"))
		return xstrdup("anonymous@");
	return NULL;
}

static char *hook_known_password(void *ctx, const char *user)
{
	pthread_mutex_lock(&shared_lock);
	char *p = password_known(ctx, user);
	pthread_mutex_unlock(&shared_lock);
	return p;
}

static char *password_for(struct app *a, const char *user)
{
	char *known = password_known(a, user);
	if (known)
		return known;
	if (!a->interactive)
		return NULL;
	char *q = xasprintf("Password for %s@%s: ", user, a->target.host);
	char *s = prompt_secret(q);
	free(q);
	/* Kept (in memory only) so that reconnections and parallel
	 * transfers do not ask again; wiped with the target. */
	if (s)
		a->target.password = xstrdup(s);
	return s;
}

static enum trust_answer hook_check_cert(void *ctx, const char *host,
					 uint16_t port,
					 const struct cert_report *r)
{
	pthread_mutex_lock(&shared_lock);
	enum trust_answer ans = cert_decide(ctx, host, port, r);
	pthread_mutex_unlock(&shared_lock);
	return ans;
}

size_t app_netrc_machines(struct app *a, char ***out)
{
	char *path = netrc_path(a);
	size_t n = path ? netrc_machines_file(path, out) : 0;
	free(path);
	return n;
}

/* The user for a target: -u, the URL, ~/.netrc's login, else anonymous. */
static char *pick_user(struct app *a)
{
	if (a->target.user)
		return xstrdup(a->target.user);
	char *login = NULL, *pass = NULL;
	char *path = netrc_path(a);
	if (path)
		netrc_lookup(a, path, NULL, &login, &pass);
	free(path);
	free_secret(pass);
	return login ? login : xstrdup("anonymous");
}

/* --- proxies --- */

void app_proxies_free(struct app *a)
{
	while (a->proxies) {
		struct proxy_entry *e = a->proxies;
		a->proxies = e->next;
		net_proxy_clear(&e->p);
		free_secret(e->url);
		free(e);
	}
	a->proxy = NULL;
}

/* The first of the two variables that is set and not empty (curl reads
 * the lower-case one first). */
static const char *env2(const char *lower, const char *upper,
			const char **which)
{
	const char *v = getenv(lower);
	*which = lower;
	if (!v || !*v) {
		v = getenv(upper);
		*which = upper;
	}
	return v && *v ? v : NULL;
}

/* The proxy URL for the current target, or NULL to connect directly:
 * --proxy ("" disables proxies), the host's settings, ALL_PROXY. --noproxy
 * applies to all of them; NO_PROXY, like ALL_PROXY, only to what the
 * command line did not name. *source names the origin for messages. */
static const char *proxy_url_for(struct app *a, const char **source)
{
	const char *url, *no = a->opt.noproxy, *ignored;
	if (a->opt.proxy) {
		url = a->opt.proxy;
		*source = "--proxy";
	} else if (a->target.proxy) {
		url = a->target.proxy;
		*source = "proxy setting";
	} else {
		url = env2("all_proxy", "ALL_PROXY", source);
	}
	if (!no && !a->opt.proxy)
		no = env2("no_proxy", "NO_PROXY", &ignored);
	if (!url || !*url || net_noproxy_match(no, a->target.host))
		return NULL;
	return url;
}

/* Point a->proxy at the current target's proxy, parsing it the first time
 * it is seen. 0, or FTPS_ERR_USAGE after a message unless quiet. */
static int pick_proxy(struct app *a, int quiet)
{
	const char *source = NULL, *why = NULL;
	const char *url = proxy_url_for(a, &source);
	a->proxy = NULL;
	if (!url)
		return 0;
	for (struct proxy_entry *e = a->proxies; e; e = e->next)
		if (!strcmp(e->url, url)) {
			a->proxy = &e->p;
			return 0;
		}
	struct proxy_entry *e = xcalloc(1, sizeof(*e));
	if (net_proxy_parse(url, &e->p, &why) < 0) {
		free(e);
		if (!quiet) /* why never quotes the URL: no password shown */
			app_error("%s: %s", source, why);
		return FTPS_ERR_USAGE;
	}
	e->url = xstrdup(url);
	e->next = a->proxies;
	a->proxies = e;
	a->proxy = &e->p;
	return 0;
}

static struct ftp_session *new_session(struct app *a)
{
	struct ftp_hooks h = {
		.ctx = a,
		.trace = hook_trace,
		.check_cert = hook_check_cert,
		.password = hook_password,
		.known_password = hook_known_password,
		.cancelled = hook_cancelled,
	};
	return ftp_session_new(&h);
}

/* Connect and log in s to the current target; errors printed unless
 * quiet (a retry says why in its own line). */
static int connect_session_how(struct app *a, struct ftp_session *s, int quiet)
{
	if (!a->tls) {
		int rc = app_tls_config(a);
		if (rc < 0)
			return rc;
	}
	pthread_mutex_lock(&shared_lock);
	int rc = pick_proxy(a, quiet);
	const struct net_proxy *proxy = a->proxy;
	pthread_mutex_unlock(&shared_lock);
	if (rc < 0)
		return rc;
	if (proxy && a->opt.verbose && !quiet) {
		char *d = net_proxy_describe(proxy);
		print_untrusted(stderr, "ftps: connecting through proxy ", d);
		free(d);
	}
	struct ftp_connect_opts co = {
		.host = a->target.host,
		.port = a->target.port,
		.implicit = a->target.implicit,
		.timeout_ms = a->opt.timeout_s * 1000,
		.tls = a->tls,
		.proxy = proxy,
	};
	rc = ftp_connect(s, &co);
	if (rc == 0) {
		pthread_mutex_lock(&shared_lock);
		char *user = pick_user(a);
		pthread_mutex_unlock(&shared_lock);
		rc = ftp_login(s, user);
		free(user);
	}
	/* Ctrl-C (at the password prompt, or while waiting for the server):
	 * the person knows why it stopped; no reason, no advice. */
	if (rc < 0 && ftps_interrupted)
		rc = FTPS_ERR_INTERRUPTED;
	if (rc < 0) {
		/* A refused certificate was already explained at length. */
		if (!quiet && rc != FTPS_ERR_INTERRUPTED &&
		    !(rc == FTPS_ERR_CERT && a->trust.explained))
			print_untrusted(stderr, "ftps: ", ftp_error(s));
		ftp_abandon(s);
		return rc;
	}
	ftp_set_passive(s, a->settings.passive);
	return 0;
}

static int connect_session(struct app *a, struct ftp_session *s)
{
	return connect_session_how(a, s, 0);
}

int app_reconnect(struct app *a, struct ftp_session *s, const char *cwd)
{
	ftp_abandon(s);
	int rc = connect_session_how(a, s, 1);
	if (rc == 0 && cwd)
		rc = ftp_cwd(s, cwd);
	if (rc == 0 && a->ftp && a->ftp != s && ftp_is_ascii(a->ftp))
		rc = ftp_set_type(s, 1);
	if (rc < 0)
		ftp_abandon(s);
	return rc;
}

int app_connect(struct app *a)
{
	if (!a->ftp)
		a->ftp = new_session(a);
	int rc = connect_session(a, a->ftp);
	a->want_connected = rc == 0;
	return rc;
}

struct ftp_session *app_open_extra(struct app *a, const char *cwd, int ascii)
{
	struct ftp_session *s = new_session(a);
	int rc = connect_session(a, s);
	if (rc == 0 && cwd && ftp_cwd(s, cwd) < 0) {
		print_untrusted(stderr, "ftps: ", ftp_error(s));
		rc = FTPS_ERR_REFUSED;
	}
	if (rc == 0 && ascii)
		rc = ftp_set_type(s, 1);
	if (rc < 0) {
		ftp_session_free(s);
		return NULL;
	}
	return s;
}

int app_ensure_connected(struct app *a)
{
	/* A server that closed the session while the prompt was idle is
	 * said so, and the command runs on a new connection. */
	if (a->ftp && ftp_is_connected(a->ftp) && ftp_check_idle(a->ftp) < 0)
		print_untrusted(stderr, "ftps: ", ftp_error(a->ftp));
	if (a->ftp && ftp_is_connected(a->ftp))
		return 0;
	if (!a->want_connected || !a->settings.reconnect || !a->target.host)
		return FTPS_ERR_NOTCONN;
	char *where = host_port(a->target.host, a->target.port);
	print_untrusted(stderr, "ftps: reconnecting to ", where);
	free(where);
	/* The remote directory is lost with the connection: go back to it. */
	char *cwd = a->remote_cwd ? xstrdup(a->remote_cwd) : NULL;
	int rc = app_connect(a);
	if (rc == 0 && cwd && ftp_cwd(a->ftp, cwd) < 0)
		print_untrusted(stderr, "ftps: cd: ", ftp_error(a->ftp));
	free(cwd);
	return rc;
}

int app_cd(struct app *a, const char *path)
{
	char *before = NULL;
	int brc = a->remote_cwd ? 0 : ftp_pwd(a->ftp, &before);
	if (brc < 0) {
		before = NULL;
		if (!ftp_is_connected(a->ftp))
			return brc; /* lost: say how, not "not connected" */
	}
	int rc = path ? ftp_cwd(a->ftp, path) : ftp_cdup(a->ftp);
	if (rc < 0) {
		free(before);
		return rc;
	}
	char *abs = NULL;
	int prc = ftp_pwd(a->ftp, &abs);
	if (prc == 0) {
		free(a->prev_remote_dir);
		a->prev_remote_dir = a->remote_cwd ? a->remote_cwd : before;
		before = NULL;
		a->remote_cwd = abs;
	}
	free(before);
	/* The connection went between CWD and PWD: the new directory is not
	 * known, and a reconnection would land in the old one. */
	return prc < 0 && !ftp_is_connected(a->ftp) ? prc : 0;
}

int app_cd_again(struct app *a, const char *path)
{
	int rc = app_cd(a, path);
	if (rc < 0 && !ftp_is_connected(a->ftp) && ftp_failure_is_transient(a->ftp, rc)) {
		print_untrusted(stderr, "ftps: ", ftp_error(a->ftp));
		char *where = host_port(a->target.host, a->target.port);
		print_untrusted(stderr, "ftps: reconnecting to ", where);
		free(where);
		if (app_connect(a) == 0)
			rc = app_cd(a, path);
	}
	return rc;
}

void app_disconnect(struct app *a)
{
	a->want_connected = 0;
	if (a->ftp)
		ftp_disconnect(a->ftp);
}
