/* One-shot transfers from the command line (see oneshot.h). */
#include "cli/oneshot.h"
#include "cli/app.h"
#include "cli/argv.h"
#include "cli/commands.h"
#include "cli/conn.h"
#include "cli/msg.h"
#include "ftp/session.h"
#include "url.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int ends_with_slash(const char *path)
{
	size_t n = path ? strlen(path) : 0;
	return n && path[n - 1] == '/';
}

int oneshot_check(struct app *a, const char *where)
{
	const char *out = a->opt.output, *up = a->opt.upload;
	if (!out && !up)
		return 0;
	const char *opt = out ? "-o" : "-T";
	if (out && up)
		app_error("-o and -T cannot be used together");
	else if (!where)
		app_error("%s needs a URL: ftps %s FILE ftpes://HOST/PATH", opt, opt);
	else if (a->opt.batch_file)
		app_error("%s cannot be used with -b", opt);
	if ((out && up) || !where || a->opt.batch_file)
		return 2;
	if (!out)
		return 0;
	struct ftps_url u;
	const char *err = NULL;
	if (url_parse(where, &u, &err) < 0)
		return 0; /* app_set_target says what is wrong with it */
	int file = u.path && *u.path && !ends_with_slash(u.path);
	url_clear(&u);
	if (file)
		return 0;
	app_error("-o needs a URL that names a file (ftpes://HOST/DIR/FILE)");
	return 2;
}

/* Run one command made of literal words (no globbing, "--" before the
 * operands so that a name starting with '-' stays a name), then quit. */
static int run_once(struct app *a, const char *cmd, const char *x, const char *y)
{
	const char *text[] = { cmd, "--", x, y };
	int n = y ? 4 : 3;
	struct word w[4];
	for (int i = 0; i < n; i++)
		w[i] = word_literal(text[i]);
	int rc = command_run(a, n, w);
	a->quit = 1;
	return exit_code_for(rc);
}

/* cd into the URL's directory as before one-shot transfers existed;
 * the refusal reported with the server's words. */
static int report_cd(struct app *a, int rc)
{
	print_untrusted(stderr, "ftps: cd: ", ftp_error(a->ftp));
	return exit_code_for(rc);
}

int oneshot_start(struct app *a, const char *path)
{
	if (a->opt.upload) /* a trailing '/' makes put keep the base name */
		return run_once(a, "put", a->opt.upload, path && *path ? path : NULL);
	if (!path || !*path)
		return 0;
	if (a->opt.output)
		return strcmp(a->opt.output, "-") ? run_once(a, "get", path, a->opt.output)
						  : run_once(a, "cat", path, NULL);
	int rc = app_cd_again(a, path);
	if (rc == 0)
		return 0;
	/* The server's own answer decides: a permanent refusal of CWD on a
	 * live connection means "not a directory" (or missing, which get
	 * then reports). A lost connection or a 4xx is no such answer. */
	if (a->opt.batch_file || ends_with_slash(path) || !ftp_is_connected(a->ftp) ||
	    ftp_last_code(a->ftp) / 100 != 5)
		return report_cd(a, rc);
	return run_once(a, "get", path, NULL);
}
