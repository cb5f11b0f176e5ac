#include "check.h"
#include "netrc.h"
#include "util/error.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const char netrc[] =
	"# comment line\n"
	"machine ftp.example.com login alice password secret1\n"
	"machine FILES.example.com\n"
	"\tlogin bob\n"
	"\tpassword \"pa ss\\\"word\"\n"
	"\taccount ignored\n"
	"macdef init\n"
	"machine fake.example.com login mallory password no\n"
	"cd /pub\n"
	"\n"
	"machine multi.example.com login one password p1\n"
	"machine multi.example.com login two password p2\n"
	"machine nopass.example.com login carol\n"
	"machine nologin.example.com password onlypw\n"
	"machine hash.example.com login dave password #notacomment\n"
	"default login anonymous password guest@\n";

static const struct {
	const char *host, *user;
	int rc;
	const char *login, *password;
} cases[] = {
	{ "ftp.example.com", NULL, 1, "alice", "secret1" },
	{ "FTP.Example.Com", NULL, 1, "alice", "secret1" },
	{ "files.example.com", NULL, 1, "bob", "pa ss\"word" },
	{ "files.example.com", "bob", 1, "bob", "pa ss\"word" },
	/* inside macdef: not an entry */
	{ "fake.example.com", NULL, 1, "anonymous", "guest@" },
	{ "multi.example.com", NULL, 1, "one", "p1" },
	{ "multi.example.com", "two", 1, "two", "p2" },
	{ "multi.example.com", "three", 0, NULL, NULL },
	{ "nopass.example.com", NULL, 1, "carol", NULL },
	{ "nologin.example.com", "anyone", 1, NULL, "onlypw" },
	{ "hash.example.com", NULL, 1, "dave", "#notacomment" },
	{ "other.example.com", NULL, 1, "anonymous", "guest@" },
	{ "other.example.com", "anonymous", 1, "anonymous", "guest@" },
	/* a user filter that the host's entry and default both fail */
	{ "ftp.example.com", "zed", 0, NULL, NULL },
	{ "ftp.example", NULL, 1, "anonymous", "guest@" },
};

static void test_text(void)
{
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *login = (char *)1, *password = (char *)1;
		int rc = netrc_lookup_text(netrc, sizeof(netrc) - 1, cases[i].host,
					   cases[i].user, &login, &password);
		CHECK_INT(rc, cases[i].rc);
		CHECK_STR(login, cases[i].login);
		CHECK_STR(password, cases[i].password);
		free(login);
		free(password);
	}
}

static const struct {
	const char *text, *host;
	int rc;
	const char *login, *password;
} odd[] = {
	{ "", "h", 0, NULL, NULL },
	{ "machine", "h", 0, NULL, NULL },
	{ "machine h login", "h", 1, NULL, NULL },
	{ "machine h login \"unterminated", "h", 1, "unterminated", NULL },
	/* default first, machine later: the machine wins */
	{ "default login d password dp\nmachine h login m password mp", "h", 1,
	  "m", "mp" },
	{ "login x password y\nmachine h", "h", 1, NULL, NULL },
	{ "machine h login a password b macdef m\nline\nmachine h2 login c\n",
	  "h2", 0, NULL, NULL },
	{ "macdef m\nx\n\nmachine h login a\n", "h", 1, "a", NULL },
	{ "macdef m\r\nx\r\n\r\nmachine h login a\r\n", "h", 1, "a", NULL },
	{ "machine h login \"a\\\\b\" password \"\"", "h", 1, "a\\b", "" },
	{ "machine h unknown word login u", "h", 1, "u", NULL },
};

static void test_odd(void)
{
	for (size_t i = 0; i < ARRAY_LEN(odd); i++) {
		char *login, *password;
		int rc = netrc_lookup_text(odd[i].text, strlen(odd[i].text),
					   odd[i].host, NULL, &login, &password);
		CHECK_INT(rc, odd[i].rc);
		CHECK_STR(login, odd[i].login);
		CHECK_STR(password, odd[i].password);
		free(login);
		free(password);
	}
}

static void test_file(void)
{
	char path[] = "/tmp/ftps-netrc-XXXXXX";
	char *login, *password;
	const char *why;
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK(write(fd, netrc, sizeof(netrc) - 1) == (ssize_t)sizeof(netrc) - 1);
	close(fd);
	CHECK_INT(netrc_lookup_file(path, "ftp.example.com", NULL, &login,
				    &password, &why), 1);
	CHECK_STR(login, "alice");
	CHECK_STR(password, "secret1");
	free(login);
	free(password);
	/* readable by others: refused, nothing handed out */
	CHECK(chmod(path, 0644) == 0);
	CHECK_INT(netrc_lookup_file(path, "ftp.example.com", NULL, &login,
				    &password, &why), FTPS_ERR_LOCAL);
	CHECK(login == NULL && password == NULL);
	CHECK_STR(why, "readable by others; ignoring it (chmod 600 it)");
	unlink(path);

	CHECK_INT(netrc_lookup_file(path, "h", NULL, &login, &password, &why), 0);
	CHECK(login == NULL && password == NULL);
	/* a directory exists but cannot be read as a file */
	CHECK_INT(netrc_lookup_file("/", "h", NULL, &login, &password, &why),
		  FTPS_ERR_LOCAL);
}

/* Host names for completion: machines only, never macro bodies, logins,
 * passwords or "default". */
static void test_machines(void)
{
	static const char text[] =
		"machine a.example login u password \"machine fake\"\n"
		"macdef init\nmachine inmacro\ncd /x\n\n"
		"default login anon\n"
		"machine \"b example\" account machine\n";
	char **m = NULL;
	size_t n = netrc_machines_text(text, sizeof(text) - 1, &m);
	CHECK_INT((int)n, 2);
	if (n == 2) {
		CHECK_STR(m[0], "a.example");
		CHECK_STR(m[1], "b example");
	}
	for (size_t i = 0; i < n; i++)
		free(m[i]);
	free(m);
}

int main(int argc, char **argv)
{
	test_machines();
	(void)argc;
	test_text();
	test_odd();
	test_file();
	return check_summary(argv[0]);
}
