/* ftps: an interactive FTPS client. Parses the command line, opens the
 * first connection and hands over to the command loop. */
#include "cli/app.h"
#include "cli/conn.h"
#include "cli/msg.h"
#include "cli/argv.h"
#include "cli/commands.h"
#include "cli/history.h"
#include "cli/host_settings.h"
#include "cli/oneshot.h"
#include "cli/rc.h"
#include "cli/lineedit.h"
#include "cli/repl.h"
#include "ftp/session.h"
#include "tls/tls.h"
#include "url.h"
#include "util/error.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <getopt.h>
#include <gnutls/gnutls.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <unistd.h>

#ifndef FTPS_VERSION
#define FTPS_VERSION "0.0"
#endif

enum { OPT_CAFILE = 256, OPT_IMPLICIT, OPT_EXPLICIT, OPT_TIMEOUT, OPT_NETRC,
       OPT_PRIORITY, OPT_CERT, OPT_KEY, OPT_VERSION, OPT_TRUST,
       OPT_TRUST_FP, OPT_KNOWN, OPT_NORC, OPT_RETRIES, OPT_LIMIT_RATE,
       OPT_PROXY, OPT_NOPROXY };

enum { OPT_COMPLETE_HOSTS = 512 };

static const struct option long_opts[] = {
	{ "batch", required_argument, NULL, 'b' },
	{ "user", required_argument, NULL, 'u' },
	{ "port", required_argument, NULL, 'P' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "cafile", required_argument, NULL, OPT_CAFILE },
	{ "implicit", no_argument, NULL, OPT_IMPLICIT },
	{ "explicit", no_argument, NULL, OPT_EXPLICIT },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "netrc-file", required_argument, NULL, OPT_NETRC },
	{ "priority", required_argument, NULL, OPT_PRIORITY },
	{ "cert", required_argument, NULL, OPT_CERT },
	{ "key", required_argument, NULL, OPT_KEY },
	{ "trust", required_argument, NULL, OPT_TRUST },
	{ "trust-fingerprint", required_argument, NULL, OPT_TRUST_FP },
	{ "known-servers", required_argument, NULL, OPT_KNOWN },
	{ "norc", no_argument, NULL, OPT_NORC },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "limit-rate", required_argument, NULL, OPT_LIMIT_RATE },
	{ "proxy", required_argument, NULL, OPT_PROXY },
	{ "noproxy", required_argument, NULL, OPT_NOPROXY },
	{ "config", required_argument, NULL, 'F' },
	{ "output", required_argument, NULL, 'o' },
	{ "upload-file", required_argument, NULL, 'T' },
	/* Not in --help: for the shell completions, which leave the parsing
	 * of the settings file to this program. */
	{ "complete-hosts", no_argument, NULL, OPT_COMPLETE_HOSTS },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *f)
{
	fputs("usage: ftps [options] [open] [URL|HOST]\n"
	      "       ftps [options] [-o LOCAL] ftpes://[user@]host[:port]/dir/file\n"
	      "       ftps [options] -T FILE ftpes://[user@]host[:port]/[dir/][name]\n"
	      "       ftps [options] trust list | add HOST[:PORT] SHA256:... | remove HOST[:PORT]\n"
	      "\n"
	      "  URL: ftpes://[user@]host[:port][/dir]  explicit FTPS (AUTH TLS, port 21)\n"
	      "       ftps://[user@]host[:port][/dir]   implicit FTPS (port 990)\n"
	      "\n"
	      "  A URL naming a file downloads it into the current directory and exits.\n"
	      "  HOST may be a Host name of ~/.config/ftps/config (see ftps(1)).\n"
	      "\n"
	      "  -o, --output LOCAL   save the file the URL names as LOCAL (- for stdout)\n"
	      "  -T, --upload-file F  upload F to the URL (ending in /: keep F's name)\n"
	      "  -F, --config FILE    per-host settings (default ~/.config/ftps/config;\n"
	      "                       /dev/null: none)\n"
	      "  -b, --batch FILE     run commands from FILE (- for stdin); never prompt,\n"
	      "                       stop at the first failure\n"
	      "  -u, --user USER      log in as USER (default: ~/.netrc, else anonymous)\n"
	      "  -P, --port PORT      connect to PORT\n"
	      "      --implicit       TLS from the first byte (default on port 990)\n"
	      "      --explicit       AUTH TLS on a plain connection (default)\n"
	      "      --cafile FILE    also trust the CA certificates in FILE (PEM)\n"
	      "      --cert FILE      client certificate (PEM, or PKCS#12 .p12)\n"
	      "      --key FILE       client key (PEM)\n"
	      "      --priority STR   GnuTLS priority string (default: TLS 1.2 and 1.3)\n"
	      "      --trust POLICY   ask, accept-new or strict, for certificates that no CA\n"
	      "                       vouches for (default: ask on a terminal, else strict)\n"
	      "      --trust-fingerprint SHA256:...\n"
	      "                       trust exactly this key for this run\n"
	      "      --known-servers FILE\n"
	      "                       trusted keys (default ~/.config/known_servers)\n"
	      "      --timeout SECS   connect and read timeout (default 30)\n"
	      "      --retries N      retry a transfer N times after a lost connection,\n"
	      "                       a timeout or a 4xx reply (default 5; 0: never)\n"
	      "      --limit-rate RATE\n"
	      "                       bytes per second for all transfers together,\n"
	      "                       with a k, M or G suffix (1k = 1024; 0: no limit)\n"
	      "      --proxy URL      connect through a proxy: socks5h://, socks5:// or\n"
	      "                       http:// (CONNECT), [user[:password]@]host[:port]\n"
	      "                       (default port 1080; default: $ALL_PROXY; '' for none)\n"
	      "      --noproxy LIST   hosts and domains to reach directly (comma-separated,\n"
	      "                       * for all; default: $NO_PROXY)\n"
	      "      --netrc-file F   read credentials from F instead of ~/.netrc\n"
	      "      --norc           do not read ~/.config/ftps/ftpsrc\n"
	      "  -v, --verbose        trace the protocol on stderr (passwords hidden)\n"
	      "      --version        print the version\n"
	      "  -h, --help           this help\n"
	      "\n"
	      "The password comes from FTPS_PASSWORD, ~/.netrc, or a prompt.\n"
	      "Type \"help\" at the ftps> prompt for commands; see ftps(1).\n",
	      f);
}

static int parse_number(const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int parse_trust(const char *v, enum trust_setting *out)
{
	if (!strcmp(v, "ask"))
		*out = TRUST_SETTING_ASK;
	else if (!strcmp(v, "accept-new"))
		*out = TRUST_SETTING_ACCEPT_NEW;
	else if (!strcmp(v, "strict"))
		*out = TRUST_SETTING_STRICT;
	else {
		app_error("--trust: expected ask, accept-new or strict");
		return -1;
	}
	return 0;
}

/* The libraries as loaded at run time, not as compiled against: what a bug
 * report needs. */
static void print_version(void)
{
	printf("ftps %s\n", FTPS_VERSION);
	printf("GnuTLS %s, readline %s\n", gnutls_check_version(NULL),
	       lineedit_library_version());
}

/* --proxy: checked now (a usage error), kept as a copy, and its password
 * overwritten in argv, as for FTP addresses, so that ps does not show it. */
static int take_proxy(struct app *a, char *arg)
{
	struct net_proxy p;
	const char *why = NULL;
	if (*arg && net_proxy_parse(arg, &p, &why) < 0) {
		app_error("--proxy: %s", why);
		return -1;
	}
	if (*arg)
		net_proxy_clear(&p);
	a->opt.proxy = xstrdup(arg); /* for the whole run */
	size_t start = 0, n = url_password_span(arg, &start);
	memset(arg + start, 'x', n);
	return 0;
}

/* The options whose values are checked here: 0 when c was one of them and
 * its value is good, 2 (reported) when bad, 1 when c is another option. */
static int parse_checked_option(struct app *a, int c)
{
	long n;
	switch (c) {
	case 'P':
		if (parse_number(optarg, 1, 65535, &n) < 0) {
			app_error("invalid port: %s", optarg);
			return 2;
		}
		a->opt.port = (uint16_t)n;
		return 0;
	case OPT_TIMEOUT:
		if (parse_number(optarg, 1, 86400, &n) < 0) {
			app_error("invalid timeout: %s", optarg);
			return 2;
		}
		a->opt.timeout_s = (int)n;
		return 0;
	case OPT_RETRIES:
		if (parse_number(optarg, 0, 1000, &n) < 0) {
			app_error("invalid --retries: %s (0 to 1000)", optarg);
			return 2;
		}
		a->opt.retries = (int)n;
		return 0;
	case OPT_LIMIT_RATE:
		/* Checked now, applied after the start-up file. */
		if (settings_parse_rate(optarg) < 0) {
			app_error("invalid --limit-rate: %s (bytes per second, "
				  "k, M or G suffix)", optarg);
			return 2;
		}
		a->opt.limit_rate = optarg;
		return 0;
	case OPT_TRUST:
		return parse_trust(optarg, &a->opt.trust) < 0 ? 2 : 0;
	case OPT_PROXY:
		return take_proxy(a, optarg) < 0 ? 2 : 0;
	}
	return 1;
}

/* 0 to go on, else an exit status (already reported). */
static int parse_options(struct app *a, int argc, char **argv)
{
	int c, rc;
	a->opt.timeout_s = 0; /* not given: the settings file's, else 30 */
	a->opt.retries = -1;
	while ((c = getopt_long(argc, argv, "b:u:P:vhF:o:T:", long_opts, NULL)) != -1) {
		if ((rc = parse_checked_option(a, c)) != 1) {
			if (rc)
				return rc;
			continue;
		}
		switch (c) {
		case 'b': a->opt.batch_file = optarg; break;
		case 'u': a->opt.user = optarg; break;
		case 'v': a->opt.verbose = 1; break;
		case 'h': usage(stdout); return -1;
		case OPT_VERSION:
			print_version();
			return -1;
		case OPT_CAFILE: a->opt.cafile = optarg; break;
		case OPT_IMPLICIT: a->opt.mode = TLS_MODE_IMPLICIT; break;
		case OPT_EXPLICIT: a->opt.mode = TLS_MODE_EXPLICIT; break;
		case OPT_NETRC: a->opt.netrc_file = optarg; break;
		case OPT_PRIORITY: a->opt.priority = optarg; break;
		case OPT_CERT: a->opt.certfile = optarg; break;
		case OPT_KEY: a->opt.keyfile = optarg; break;
		case OPT_TRUST_FP: a->opt.trust_fingerprint = optarg; break;
		case OPT_KNOWN: a->opt.known_servers = optarg; break;
		case OPT_NORC: a->opt.norc = 1; break;
		case OPT_NOPROXY: a->opt.noproxy = optarg; break;
		case 'F': a->opt.config_file = optarg; break;
		case 'o': a->opt.output = optarg; break;
		case 'T': a->opt.upload = optarg; break;
		case OPT_COMPLETE_HOSTS: a->opt.complete_hosts = 1; break;
		default: /* getopt printed "unrecognized option" */
			fputs("Try 'ftps --help' for more information.\n", stderr);
			return 2;
		}
	}
	return 0;
}

/* Secrets leave the environment at once (children of !command must not
 * inherit them), and the process keeps no core file and refuses ptrace
 * by other processes of the same user. (ASan's leak checker needs to
 * ptrace itself, so sanitizer builds stay dumpable.) */
static void protect_secrets(struct app *a)
{
	const char *p = getenv("FTPS_PASSWORD");
	if (p) {
		a->opt.env_password = xstrdup(p);
		unsetenv("FTPS_PASSWORD");
	}
	p = getenv("FTPS_KEY_PASSPHRASE");
	if (p) {
		a->opt.env_key_pass = xstrdup(p);
		unsetenv("FTPS_KEY_PASSPHRASE");
	}
	struct rlimit none = { 0, 0 };
	setrlimit(RLIMIT_CORE, &none);
#if !defined(__SANITIZE_ADDRESS__) && !defined(FTPS_DUMPABLE)
	prctl(PR_SET_DUMPABLE, 0);
#endif
}

/* A password typed in a URL on our own command line: overwrite it in argv
 * so that ps shows "ftpes://alice:xxxxx@host" from now on. */
static void hide_url_password(char *arg)
{
	size_t start = 0, n = url_password_span(arg, &start);
	memset(arg + start, 'x', n);
}

volatile sig_atomic_t ftps_interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	ftps_interrupted = 1;
}

static void install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint; /* no SA_RESTART: blocking reads see EINTR */
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* Every way out of main wipes the secrets taken from the environment. */
static int finish(struct app *a, int status)
{
	free_secret(a->opt.env_password);
	free_secret(a->opt.env_key_pass);
	free_secret(a->opt.proxy);
	return status;
}

/* "ftps trust ...": the same command as at the prompt, words taken
 * literally, without connecting. */
static int run_trust(struct app *a, int n, char **argv)
{
	struct word *w = xcalloc((size_t)n, sizeof(*w));
	for (int i = 0; i < n; i++)
		w[i] = word_literal(argv[i]);
	int rc = command_run(a, n, w);
	free(w);
	return rc == FTPS_ERR_USAGE ? 2 : rc < 0 ? 1 : 0;
}

/* Where commands come from: a -b file, a pipe, or the terminal (readline).
 * NULL in *in means the terminal. 0, or an exit status. */
static int open_input(struct app *a, FILE **in)
{
	*in = NULL;
	if (a->opt.batch_file) {
		a->batch = 1;
		*in = strcmp(a->opt.batch_file, "-") ? fopen(a->opt.batch_file, "r") : stdin;
		if (!*in) {
			app_error("%s: %s", a->opt.batch_file, strerror(errno));
			return 2;
		}
	} else if (!isatty(STDIN_FILENO)) {
		*in = stdin;
	} else {
		a->interactive = 1;
		lineedit_init(a);
	}
	return 0;
}

/* The address given on the command line: connect, log in, enter its
 * directory or make the one-shot transfer it names. The exit status when
 * that fails, else 0. */
static int first_connection(struct app *a, char *where)
{
	const char *path = NULL;
	int rc = app_set_target(a, where, &path);
	hide_url_password(where);
	if (rc < 0)
		return 2;
	rc = app_connect(a);
	if (rc == 0)
		return oneshot_start(a, path);
	/* Ctrl-C while connecting or at the password prompt: the shell's
	 * convention for a program ended by SIGINT. */
	if (rc == FTPS_ERR_INTERRUPTED)
		return 130;
	/* Bad files given on the command line are usage errors. */
	return rc == FTPS_ERR_USAGE ? 2 : exit_code_for(rc);
}

/* ftps --complete-hosts: the settings file's Host names, for the shell
 * completions. */
static int print_config_hosts(struct app *a)
{
	char **names = NULL;
	size_t n = host_settings_names(a, &names);
	for (size_t i = 0; i < n; i++) {
		puts(names[i]);
		free(names[i]);
	}
	free(names);
	return 0;
}

static void app_free(struct app *a, FILE *in)
{
	aliases_clear(&a->aliases);
	ftp_session_free(a->ftp);
	tls_config_free(a->tls);
	target_clear(&a->target);
	host_settings_free(a);
	app_proxies_free(a);
	trust_state_clear(&a->trust);
	free(a->remote_cwd);
	free(a->prev_remote_dir);
	free(a->prev_local_dir);
	if (in && in != stdin)
		fclose(in);
}

int main(int argc, char **argv)
{
	struct app a;
	memset(&a, 0, sizeof(a));
	settings_defaults(&a.settings);
	protect_secrets(&a);
	mode_t mask = umask(0);
	umask(mask);
	a.file_mode = 0666 & ~mask;
	int rc = parse_options(&a, argc, argv);
	if (rc)
		return finish(&a, rc < 0 ? 0 : rc);
	int pos = optind;
	if (pos < argc && !strcmp(argv[pos], "trust"))
		return finish(&a, run_trust(&a, argc - pos, argv + pos));
	if (pos < argc && !strcmp(argv[pos], "open"))
		pos++;
	if (argc - pos > 1) {
		app_error("too many arguments; try 'ftps --help'");
		return finish(&a, 2);
	}
	int status = host_settings_load(&a);
	if (status == 0 && a.opt.complete_hosts)
		status = print_config_hosts(&a);
	if (status == 0 && !a.opt.complete_hosts)
		status = oneshot_check(&a, pos < argc ? argv[pos] : NULL);
	if (status || a.opt.complete_hosts) {
		host_settings_free(&a);
		return finish(&a, status);
	}
	FILE *in = NULL;
	status = open_input(&a, &in);
	if (status)
		return finish(&a, status);
	install_signals();
	if (!a.opt.norc) {
		char *rc_path = rc_default_path();
		if (rc_path)
			rc_run(&a, rc_path);
		free(rc_path);
	}
	if (a.opt.retries >= 0) /* the command line wins over ftpsrc */
		a.settings.retries = a.opt.retries;
	if (a.opt.limit_rate)
		settings_set(&a.settings, "limit-rate", a.opt.limit_rate);
	char *history = a.interactive && a.settings.history ? history_default_path() : NULL;
	if (history)
		lineedit_history_load(history);
	if (pos < argc)
		status = first_connection(&a, argv[pos]);
	if (status == 0)
		status = repl_run(&a, in);
	if (history && a.settings.history)
		lineedit_history_save(history);
	free(history);
	app_free(&a, in);
	return finish(&a, status);
}
