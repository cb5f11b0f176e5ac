/* Session commands: open, close, user, status, help, quit. */
#include "cli/app.h"
#include "cli/conn.h"
#include "cli/msg.h"
#include "cli/commands.h"
#include "ftp/ops.h"
#include "ftp/session.h"
#include "util/error.h"
#include "util/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* After `open host/dir`, change to dir like sftp does with host:dir. */
static int open_and_cd(struct app *a, const char *path)
{
	int rc = app_connect(a);
	if (rc == 0 && path && *path && (rc = app_cd_again(a, path)) < 0) {
		print_untrusted(stderr, "ftps: cd: ", ftp_error(a->ftp));
		if (ftp_is_connected(a->ftp))
			rc = FTPS_ERR_REFUSED;
	}
	return rc;
}

int cmd_open(struct app *a, const struct cmd_args *args)
{
	const char *path = NULL;
	if (args->argc == 0) {
		if (!a->target.host) {
			app_error("open: no host yet: give a URL or HOST");
			return FTPS_ERR_USAGE;
		}
	} else {
		int rc = app_set_target(a, args_text(args, 0), &path);
		if (rc < 0)
			return rc;
	}
	app_disconnect(a);
	free(a->remote_cwd);
	a->remote_cwd = NULL;
	return open_and_cd(a, path);
}

int cmd_close(struct app *a, const struct cmd_args *args)
{
	(void)args;
	if (!a->ftp || !ftp_is_connected(a->ftp)) {
		app_error("close: not connected");
		return FTPS_ERR_NOTCONN;
	}
	app_disconnect(a);
	return 0;
}

int cmd_user(struct app *a, const struct cmd_args *args)
{
	if (!a->target.host) {
		app_error("user: no host yet (use \"open HOST\")");
		return FTPS_ERR_NOTCONN;
	}
	free(a->target.user);
	a->target.user = xstrdup(args_text(args, 0));
	free_secret(a->target.password);
	a->target.password = args->argc > 1 ? xstrdup(args_text(args, 1)) : NULL;
	/* FTP has no portable way to log out; a new connection is clean. */
	app_disconnect(a);
	return app_connect(a);
}

int cmd_quit(struct app *a, const struct cmd_args *args)
{
	(void)args;
	a->quit = 1;
	return 0;
}

/* The terminal's width, 80 when standard output is not a terminal. */
static int term_width(void)
{
	struct winsize ws;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col >= 40)
		return ws.ws_col;
	return 80;
}

/* text from column col, wrapped at width between words (a word longer
 * than a line stays whole), continuation lines indented to indent. */
static void print_wrapped(const char *text, int col, int indent, int width)
{
	const char *p = text;
	for (int first = 1; *p; first = 0) {
		size_t n = strcspn(p, " ");
		if (!first && col + 1 + (int)n > width) {
			printf("\n%*s", indent, "");
			col = indent;
		} else if (!first) {
			putchar(' ');
			col++;
		}
		printf("%.*s", (int)n, p);
		col += (int)n;
		p += n;
		p += strspn(p, " ");
	}
	putchar('\n');
}

static void help_one(const struct command *c, int width)
{
	char *usage = xasprintf("%s%s%s", c->name, *c->usage ? " " : "", c->usage);
	printf("usage: ");
	print_wrapped(usage, 7, 11, width);
	free(usage);
	printf("    ");
	print_wrapped(c->help, 4, 4, width);
	if (c->aliases)
		printf("    also: %s\n", c->aliases);
}

#define HELP_LEFT 28

static void help_line(const char *left, const char *help, int width)
{
	if (strlen(left) > HELP_LEFT) {
		printf("  ");
		print_wrapped(left, 2, 6, width);
		printf("  %-*s ", HELP_LEFT, "");
	} else
		printf("  %-*s ", HELP_LEFT, left);
	print_wrapped(help, HELP_LEFT + 3, HELP_LEFT + 3, width);
}

int cmd_help(struct app *a, const struct cmd_args *args)
{
	(void)a;
	int width = term_width();
	if (args->argc > 0) {
		char *amb = NULL;
		const struct command *c = command_find(args_text(args, 0), &amb);
		if (!c) {
			app_error("help: %s: %s%s", args_text(args, 0),
				  amb ? "ambiguous, could be: " : "unknown command",
				  amb ? amb : "");
			free(amb);
			return FTPS_ERR_USAGE;
		}
		help_one(c, width);
		return 0;
	}
	for (unsigned i = 0; i < n_commands; i++) {
		char *left = xasprintf("%s %s", commands[i].name, commands[i].usage);
		help_line(left, commands[i].help, width);
		free(left);
	}
	help_line("!COMMAND", "run a local shell command (! alone: a shell)", width);
	return 0;
}

static const struct { unsigned bit; const char *name; } feature_names[] = {
	{ FEAT_MLSD, "MLSD" }, { FEAT_SIZE, "SIZE" }, { FEAT_MDTM, "MDTM" },
	{ FEAT_REST_STREAM, "REST STREAM" }, { FEAT_UTF8, "UTF8" },
	{ FEAT_EPSV, "EPSV" }, { FEAT_MFMT, "MFMT" }, { FEAT_TVFS, "TVFS" },
};

int cmd_status(struct app *a, const struct cmd_args *args)
{
	(void)args;
	if (!a->ftp || !ftp_is_connected(a->ftp)) {
		printf("Not connected.\n");
		return 0;
	}
	struct ftp_status st;
	ftp_get_status(a->ftp, &st);
	print_untrusted(stdout, "Host:          ", st.host);
	printf("Port:          %u (%s TLS)\n", st.port,
	       st.implicit ? "implicit" : "explicit");
	/* The password masked: status output gets pasted into bug reports. */
	char *proxy = a->proxy ? net_proxy_describe(a->proxy) : NULL;
	print_untrusted(stdout, "Proxy:         ", proxy ? proxy : "none");
	free(proxy);
	printf("TLS:           %s\n", st.tls ? st.tls : "none");
	if (st.data_tls12)
		printf("Data channels: %u opened, %u resumed (TLS 1.2 by session ID: "
		       "the server gives no TLS 1.3 tickets)\n",
		       st.data_channels, st.data_resumed);
	else
		printf("Data channels: %u opened, %u resumed the control session\n",
		       st.data_channels, st.data_resumed);
	printf("Trusted:       %s\n", a->trust.how ? a->trust.how : "unknown");
	printf("Transfers:     %s, %s mode\n", ftp_is_ascii(a->ftp) ? "ascii" : "binary",
	       a->settings.passive ? "passive" : "active");
	printf("Features:     ");
	for (size_t i = 0; i < sizeof(feature_names) / sizeof(feature_names[0]); i++)
		if (st.features & feature_names[i].bit)
			printf(" %s", feature_names[i].name);
	printf("\n");
	if (a->trust.cert_text) {
		printf("Certificate:\n");
		fputs(a->trust.cert_text, stdout);
	}
	return 0;
}

int cmd_passive(struct app *a, const struct cmd_args *args)
{
	if (args->argc > 0 && settings_set(&a->settings, "passive", args_text(args, 0)) < 0)
		return FTPS_ERR_USAGE;
	if (args->argc == 0)
		a->settings.passive = !a->settings.passive;
	if (a->ftp)
		ftp_set_passive(a->ftp, a->settings.passive);
	printf("Passive mode %s.\n", a->settings.passive ? "on" : "off");
	return 0;
}

static int set_type(struct app *a, int ascii)
{
	int rc = ftp_set_type(a->ftp, ascii);
	if (rc < 0)
		print_untrusted(stderr, "ftps: ", ftp_error(a->ftp));
	return rc;
}

int cmd_ascii(struct app *a, const struct cmd_args *args)
{
	(void)args;
	return set_type(a, 1);
}

int cmd_binary(struct app *a, const struct cmd_args *args)
{
	(void)args;
	return set_type(a, 0);
}

int cmd_set(struct app *a, const struct cmd_args *args)
{
	if (args->argc == 0) {
		settings_print(&a->settings);
		return 0;
	}
	if (args->argc != 2)
		return command_usage(command_find("set", &(char *){ NULL }));
	int rc = settings_set(&a->settings, args_text(args, 0), args_text(args, 1));
	if (rc == 0 && !strcmp(args_text(args, 0), "passive") && a->ftp)
		ftp_set_passive(a->ftp, a->settings.passive);
	return rc;
}
