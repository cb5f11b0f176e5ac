/* Session commands: open, close, user, status, help, quit. */
#include "cli/app.h"
#include "cli/commands.h"
#include "ftp/ops.h"
#include "ftp/session.h"
#include "util/error.h"
#include "util/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* After `open host/dir`, change to dir like sftp does with host:dir. */
static int open_and_cd(struct app *a, const char *path)
{
	int rc = app_connect(a);
	if (rc == 0 && path && *path && app_cd(a, path) < 0) {
		print_untrusted(stderr, "ftps: cd: ", ftp_error(a->ftp));
		rc = FTPS_ERR_REFUSED;
	}
	return rc;
}

int cmd_open(struct app *a, int argc, char **argv)
{
	const char *path = NULL;
	if (argc < 2) {
		if (!a->target.host) {
			app_error("usage: open URL|HOST");
			return FTPS_ERR_USAGE;
		}
	} else {
		int rc = app_set_target(a, argv[1], &path);
		if (rc < 0)
			return rc;
	}
	app_disconnect(a);
	free(a->remote_cwd);
	a->remote_cwd = NULL;
	return open_and_cd(a, path);
}

int cmd_close(struct app *a, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (!a->ftp || !ftp_is_connected(a->ftp)) {
		app_error("close: not connected");
		return FTPS_ERR_NOTCONN;
	}
	app_disconnect(a);
	return 0;
}

int cmd_user(struct app *a, int argc, char **argv)
{
	if (!a->target.host) {
		app_error("user: no host yet (use \"open HOST\")");
		return FTPS_ERR_NOTCONN;
	}
	free(a->target.user);
	a->target.user = xstrdup(argv[1]);
	free_secret(a->target.password);
	a->target.password = argc > 2 ? xstrdup(argv[2]) : NULL;
	/* FTP has no portable way to log out; a new connection is clean. */
	app_disconnect(a);
	return app_connect(a);
}

int cmd_quit(struct app *a, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	a->quit = 1;
	return 0;
}

static void help_one(const struct command *c)
{
	printf("%s%s%s\n    %s\n", c->name, *c->usage ? " " : "", c->usage, c->help);
	if (c->aliases)
		printf("    also: %s\n", c->aliases);
}

int cmd_help(struct app *a, int argc, char **argv)
{
	(void)a;
	if (argc > 1) {
		char *amb = NULL;
		const struct command *c = command_find(argv[1], &amb);
		if (!c) {
			app_error("help: %s: %s%s", argv[1],
				  amb ? "ambiguous, could be: " : "unknown command",
				  amb ? amb : "");
			free(amb);
			return FTPS_ERR_USAGE;
		}
		help_one(c);
		return 0;
	}
	for (unsigned i = 0; i < n_commands; i++) {
		char left[96];
		snprintf(left, sizeof(left), "%s %s", commands[i].name, commands[i].usage);
		if (strlen(left) > 28)
			printf("  %s\n  %-28s %s\n", left, "", commands[i].help);
		else
			printf("  %-28s %s\n", left, commands[i].help);
	}
	printf("  %-28s %s\n", "!COMMAND", "run a local shell command (! alone: a shell)");
	return 0;
}

static const struct { unsigned bit; const char *name; } feature_names[] = {
	{ FEAT_MLSD, "MLSD" }, { FEAT_SIZE, "SIZE" }, { FEAT_MDTM, "MDTM" },
	{ FEAT_REST_STREAM, "REST STREAM" }, { FEAT_UTF8, "UTF8" },
	{ FEAT_EPSV, "EPSV" }, { FEAT_MFMT, "MFMT" }, { FEAT_TVFS, "TVFS" },
};

int cmd_status(struct app *a, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (!a->ftp || !ftp_is_connected(a->ftp)) {
		printf("Not connected.\n");
		return 0;
	}
	struct ftp_status st;
	ftp_get_status(a->ftp, &st);
	print_untrusted(stdout, "Host:          ", st.host);
	printf("Port:          %u (%s TLS)\n", st.port,
	       st.implicit ? "implicit" : "explicit");
	printf("TLS:           %s\n", st.tls ? st.tls : "none");
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

int cmd_passive(struct app *a, int argc, char **argv)
{
	if (argc > 1 && settings_set(&a->settings, "passive", argv[1]) < 0)
		return FTPS_ERR_USAGE;
	if (argc == 1)
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

int cmd_ascii(struct app *a, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return set_type(a, 1);
}

int cmd_binary(struct app *a, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return set_type(a, 0);
}

int cmd_set(struct app *a, int argc, char **argv)
{
	if (argc == 1) {
		settings_print(&a->settings);
		return 0;
	}
	if (argc != 3) {
		app_error("usage: set [NAME VALUE]");
		return FTPS_ERR_USAGE;
	}
	int rc = settings_set(&a->settings, argv[1], argv[2]);
	if (rc == 0 && !strcmp(argv[1], "passive") && a->ftp)
		ftp_set_passive(a->ftp, a->settings.passive);
	return rc;
}
