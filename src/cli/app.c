/* Connecting the REPL to the engine: targets, credentials, hooks. */
#include "cli/app.h"
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

#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

volatile sig_atomic_t ftps_interrupted;
static const char *error_where;

void app_error_context(const char *where)
{
	error_where = where;
}

/* Every message is made safe as a whole: names from the server reach
 * messages in many places, and none of them may paint the terminal. */
void app_error(const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;
	va_start(ap, fmt);
	int n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	char *safe = sanitize_str(msg);
	fflush(stdout);
	fprintf(stderr, "ftps: %s%s\n", error_where ? error_where : "", safe);
	free(safe);
	free(msg);
}

void print_untrusted(FILE *f, const char *prefix, const char *text)
{
	char *both = xasprintf("%s%s", prefix, text);
	char *safe = sanitize_str(both);
	fprintf(f, "%s\n", safe);
	free(safe);
	free(both);
}

int exit_code_for(int err)
{
	switch (err) {
	case 0:
		return 0;
	case FTPS_ERR_CONNECT:
	case FTPS_ERR_TIMEOUT:
		return 3;
	case FTPS_ERR_TLS:
		return 4;
	case FTPS_ERR_CERT:
		return 5;
	case FTPS_ERR_LOGIN:
		return 6;
	default:
		return 1;
	}
}

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

char *host_port(const char *host, uint16_t port)
{
	return strchr(host, ':') ? xasprintf("[%s]:%u", host, port)
				 : xasprintf("%s:%u", host, port);
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
static char *hook_password(void *ctx, const char *user)
{
	struct app *a = ctx;
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
	return cert_decide(ctx, host, port, r);
}

/* Credentials and priority, made once per run. An encrypted client key
 * without FTPS_KEY_PASSPHRASE gets one passphrase prompt on a terminal. */
static int make_tls_config(struct app *a)
{
	char *why = NULL;
	const char *env = a->opt.env_key_pass;
	struct tls_config_opts o = {
		.cafile = a->opt.cafile,
		.priority = a->opt.priority,
		.certfile = a->opt.certfile,
		.keyfile = a->opt.keyfile,
		.key_pass = env,
	};
	a->tls = tls_config_new(&o, &why);
	if (!a->tls && a->opt.certfile && !env && a->interactive) {
		char *q = xasprintf("Passphrase for %s: ",
				    a->opt.keyfile ? a->opt.keyfile : a->opt.certfile);
		char *pass = prompt_secret(q);
		free(q);
		if (pass) {
			free(why);
			why = NULL;
			o.key_pass = pass;
			a->tls = tls_config_new(&o, &why);
			free_secret(pass);
		}
	}
	if (!a->tls) {
		app_error("%s", why);
		free(why);
		return FTPS_ERR_USAGE;
	}
	return 0;
}

size_t app_netrc_machines(struct app *a, char ***out)
{
	*out = NULL;
	char *path = netrc_path(a);
	FILE *f = path ? fopen(path, "r") : NULL;
	free(path);
	if (!f)
		return 0;
	size_t n = 0;
	char word[256], prev[256] = "";
	while (n < 1000 && fscanf(f, "%255s", word) == 1) {
		if (!strcmp(prev, "machine")) {
			*out = xrealloc(*out, (n + 1) * sizeof(**out));
			(*out)[n++] = xstrdup(word);
		}
		memcpy(prev, word, sizeof(prev));
	}
	fclose(f);
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

/* Connect and log in s to the current target; errors printed. */
static int connect_session(struct app *a, struct ftp_session *s)
{
	if (!a->tls) {
		int rc = make_tls_config(a);
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
		char *user = pick_user(a);
		rc = ftp_login(s, user);
		free(user);
	}
	if (rc < 0) {
		/* A refused certificate was already explained at length. */
		if (!(rc == FTPS_ERR_CERT && a->trust.explained))
			print_untrusted(stderr, "ftps: ", ftp_error(s));
		ftp_disconnect(s);
		return rc;
	}
	ftp_set_passive(s, a->settings.passive);
	return 0;
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
	int rc = path ? ftp_cwd(a->ftp, path) : ftp_cdup(a->ftp);
	if (rc < 0)
		return rc;
	char *abs = NULL;
	if (ftp_pwd(a->ftp, &abs) == 0) {
		free(a->remote_cwd);
		a->remote_cwd = abs;
	}
	return 0;
}

void app_disconnect(struct app *a)
{
	a->want_connected = 0;
	if (a->ftp)
		ftp_disconnect(a->ftp);
}
