/* trust list | add HOST[:PORT] SHA256:... | remove HOST[:PORT]: managing
 * known_servers without connecting, from the shell or the prompt. */
#include "cli/app.h"
#include "cli/conn.h"
#include "cli/msg.h"
#include "cli/commands.h"
#include "trust/store.h"
#include "url.h"
#include "util/error.h"
#include "util/sanitize.h"
#include "util/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* HOST, HOST:PORT or [V6]:PORT; port 0 when not given. */
static int parse_host_port(const char *arg, char **host, uint16_t *port)
{
	struct ftps_url u;
	const char *err = NULL;
	int rc = url_parse(arg, &u, &err);
	if (rc == 0 && (u.user || u.path || u.mode != TLS_MODE_DEFAULT)) {
		url_clear(&u);
		rc = FTPS_ERR_ARG;
	}
	if (rc < 0) {
		app_error("trust: %s: expected HOST or HOST:PORT", arg);
		return FTPS_ERR_USAGE;
	}
	*host = xstrdup(u.host);
	*port = u.port;
	url_clear(&u);
	return 0;
}

static int trust_list(const char *path)
{
	struct known_list l;
	char *err = NULL;
	if (known_load(path, &l, &err) < 0) {
		print_untrusted(stderr, "ftps: ", err);
		free(err);
		return FTPS_ERR_LOCAL;
	}
	if (l.n == 0)
		printf("No known servers in %s.\n", path);
	for (size_t i = 0; i < l.n; i++) {
		char *hp = host_port(l.v[i].host, l.v[i].port);
		char *line = xasprintf("%-28s %s  %s%s%s", hp, l.v[i].pin, l.v[i].date,
				       l.v[i].comment ? "  " : "",
				       l.v[i].comment ? l.v[i].comment : "");
		print_untrusted(stdout, "", line);
		free(line);
		free(hp);
	}
	known_list_clear(&l);
	return 0;
}

static int trust_add(const char *path, const char *where, const char *pin)
{
	char *host = NULL, *err = NULL;
	uint16_t port = 0;
	int rc = parse_host_port(where, &host, &port);
	if (rc < 0)
		return rc;
	if (!pin_is_valid(pin)) {
		app_error("trust add: %s: expected SHA256: followed by 43 base64 characters",
			  pin);
		free(host);
		return FTPS_ERR_USAGE;
	}
	rc = known_add(path, host, port ? port : 21, pin, NULL, &err);
	if (rc < 0) {
		print_untrusted(stderr, "ftps: ", err);
		free(err);
	} else {
		char *hp = host_port(host, port ? port : 21);
		char *msg = rc == KNOWN_NOT_STORED
			? xasprintf("%s: %s stores nothing", hp, path)
			: xasprintf("Added %s", hp);
		print_untrusted(stdout, "", msg);
		free(msg);
		free(hp);
		rc = 0;
	}
	free(host);
	return rc;
}

static int trust_remove(const char *path, const char *where)
{
	char *host = NULL, *err = NULL;
	uint16_t port = 0;
	size_t removed = 0;
	int rc = parse_host_port(where, &host, &port);
	if (rc < 0)
		return rc;
	rc = known_remove(path, host, port, &removed, &err);
	if (rc < 0) {
		print_untrusted(stderr, "ftps: ", err);
		free(err);
	} else if (removed == 0) {
		app_error("trust remove: %s: not in %s", where, path);
		rc = FTPS_ERR_ARG;
	} else {
		printf("Removed %zu entr%s from %s.\n", removed,
		       removed == 1 ? "y" : "ies", path);
	}
	free(host);
	return rc;
}

int cmd_trust(struct app *a, const struct cmd_args *args)
{
	const char *sub = args->argc > 0 ? args_text(args, 0) : "";
	int nargs = args->argc - 1;
	int ok = (!strcmp(sub, "list") && nargs == 0) ||
		 (!strcmp(sub, "add") && nargs == 2) ||
		 (!strcmp(sub, "remove") && nargs == 1);
	if (!ok) {
		app_error("usage: trust list | trust add HOST[:PORT] SHA256:... | "
			  "trust remove HOST[:PORT]");
		return FTPS_ERR_USAGE;
	}
	char *path = app_known_servers_path(a);
	if (!path)
		return FTPS_ERR_LOCAL;
	int rc;
	if (!strcmp(sub, "list"))
		rc = trust_list(path);
	else if (!strcmp(sub, "add"))
		rc = trust_add(path, args_text(args, 1), args_text(args, 2));
	else
		rc = trust_remove(path, args_text(args, 1));
	free(path);
	return rc;
}
