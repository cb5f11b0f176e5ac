/* The connection's lifecycle: where it goes (targets), who logs in
 * (credentials: URL, FTPS_PASSWORD, ~/.netrc, the prompt), how the engine
 * reaches the person (hooks), and connecting, reconnecting, extra
 * connections for parallel transfers. */
#include "cli/app.h"
#include "cli/conn.h"
#include "cli/msg.h"
#include "cli/tlsconf.h"
#include "cli/cert_ui.h"
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
	a->target.host = xstrdup(u.host);
	enum tls_mode mode = a->opt.mode != TLS_MODE_DEFAULT ? a->opt.mode : u.mode;
	uint16_t port = a->opt.port ? a->opt.port : u.port;
	if (mode == TLS_MODE_DEFAULT)
		mode = port == 990 ? TLS_MODE_IMPLICIT : TLS_MODE_EXPLICIT;
	a->target.implicit = mode == TLS_MODE_IMPLICIT;
	a->target.port = port ? port : (a->target.implicit ? 990 : 21);
	if (a->opt.user)
		a->target.user = xstrdup(a->opt.user);
	else if (u.user)
		a->target.user = xstrdup(u.user);
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

static char *password_for(struct app *a, const char *user)
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

static struct ftp_session *new_session(struct app *a)
{
	struct ftp_hooks h = {
		.ctx = a,
		.trace = hook_trace,
		.check_cert = hook_check_cert,
		.password = hook_password,
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
	struct ftp_connect_opts co = {
		.host = a->target.host,
		.port = a->target.port,
		.implicit = a->target.implicit,
		.timeout_ms = a->opt.timeout_s * 1000,
		.tls = a->tls,
	};
	int rc = ftp_connect(s, &co);
	if (rc == 0) {
		pthread_mutex_lock(&shared_lock);
		char *user = pick_user(a);
		pthread_mutex_unlock(&shared_lock);
		rc = ftp_login(s, user);
		free(user);
	}
	if (rc < 0) {
		/* A refused certificate was already explained at length. */
		if (!quiet && !(rc == FTPS_ERR_CERT && a->trust.explained))
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

struct ftp_session *app_open_extra(struct app *a)
{
	char *cwd = NULL;
	if (ftp_pwd(a->ftp, &cwd) < 0)
		return NULL;
	struct ftp_session *s = new_session(a);
	int rc = connect_session(a, s);
	if (rc == 0 && ftp_cwd(s, cwd) < 0) {
		print_untrusted(stderr, "ftps: ", ftp_error(s));
		rc = FTPS_ERR_REFUSED;
	}
	if (rc == 0 && ftp_is_ascii(a->ftp))
		rc = ftp_set_type(s, 1);
	free(cwd);
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
	if (!a->remote_cwd && ftp_pwd(a->ftp, &before) < 0)
		before = NULL;
	int rc = path ? ftp_cwd(a->ftp, path) : ftp_cdup(a->ftp);
	if (rc < 0) {
		free(before);
		return rc;
	}
	char *abs = NULL;
	if (ftp_pwd(a->ftp, &abs) == 0) {
		free(a->prev_remote_dir);
		a->prev_remote_dir = a->remote_cwd ? a->remote_cwd : before;
		before = NULL;
		a->remote_cwd = abs;
	}
	free(before);
	return 0;
}

void app_disconnect(struct app *a)
{
	a->want_connected = 0;
	if (a->ftp)
		ftp_disconnect(a->ftp);
}
