#include "check.h"
#include "url.h"
#include "util/error.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *in;
	const char *user, *password, *host;
	unsigned port;
	const char *path;
	enum tls_mode mode;
} good[] = {
	{ "ftpes://u:p%40x@host:2121/dir", "u", "p@x", "host", 2121, "dir",
	  TLS_MODE_EXPLICIT },
	{ "ftps://[::1]:990", NULL, NULL, "::1", 990, NULL, TLS_MODE_IMPLICIT },
	{ "ftp://host", NULL, NULL, "host", 0, NULL, TLS_MODE_EXPLICIT },
	{ "FTPES://Host.Example.COM/", NULL, NULL, "Host.Example.COM", 0, NULL,
	  TLS_MODE_EXPLICIT },
	{ "ftpes://h//abs/path", NULL, NULL, "h", 0, "/abs/path",
	  TLS_MODE_EXPLICIT },
	{ "ftpes://h/pub/my%20dir", NULL, NULL, "h", 0, "pub/my dir",
	  TLS_MODE_EXPLICIT },
	/* curl's rule: %2F at the start makes the path absolute, elsewhere
	 * it is an ordinary '/' (one-shot transfers name files this way) */
	{ "ftpes://h/%2Fetc/x", NULL, NULL, "h", 0, "/etc/x", TLS_MODE_EXPLICIT },
	{ "ftpes://h/%2fetc/x", NULL, NULL, "h", 0, "/etc/x", TLS_MODE_EXPLICIT },
	{ "ftpes://h/dir/a%2Fb", NULL, NULL, "h", 0, "dir/a/b", TLS_MODE_EXPLICIT },
	{ "ftpes://h/dir/file.iso", NULL, NULL, "h", 0, "dir/file.iso",
	  TLS_MODE_EXPLICIT },
	{ "ftpes://u:@h", "u", "", "h", 0, NULL, TLS_MODE_EXPLICIT },
	{ "ftpes://me@example.com@h", "me@example.com", NULL, "h", 0, NULL,
	  TLS_MODE_EXPLICIT },
	{ "ftpes://u:p:q@h", "u", "p:q", "h", 0, NULL, TLS_MODE_EXPLICIT },
	{ "ftpes://%C3%A9l%C3%A8ve@h", "\xc3\xa9l\xc3\xa8ve", NULL, "h", 0,
	  NULL, TLS_MODE_EXPLICIT },
	{ "ftps://127.0.0.1:65535", NULL, NULL, "127.0.0.1", 65535, NULL,
	  TLS_MODE_IMPLICIT },
	{ "host", NULL, NULL, "host", 0, NULL, TLS_MODE_DEFAULT },
	{ "host:21", NULL, NULL, "host", 21, NULL, TLS_MODE_DEFAULT },
	{ "user@host", "user", NULL, "host", 0, NULL, TLS_MODE_DEFAULT },
	{ "[::1]", NULL, NULL, "::1", 0, NULL, TLS_MODE_DEFAULT },
	{ "[::1]:2121", NULL, NULL, "::1", 2121, NULL, TLS_MODE_DEFAULT },
	{ "::1", NULL, NULL, "::1", 0, NULL, TLS_MODE_DEFAULT },
	{ "fe80::1:2", NULL, NULL, "fe80::1:2", 0, NULL, TLS_MODE_DEFAULT },
	{ "my_host-1.example", NULL, NULL, "my_host-1.example", 0, NULL,
	  TLS_MODE_DEFAULT },
};

static const char *const bad[] = {
	"http://x", "sftp://x", "ftpes://", "ftpes://h:0", "ftpes://h:70000",
	"ftpes://h:", "ftpes://h:21x", "host:abc", "host:-1", "", ":21",
	"@host", "u@", "ftpes://u@", "ftpes://h\r\nQUIT", "ho\x1bst", "host\x7f",
	"ftpes://u%0d%0aDELE%20x@h", "ftpes://u:p%0a@h", "ftpes://h/a%00b",
	"ftpes://h/%0d%0a", "ftpes://u:p%4@h", "ftpes://u:p%zz@h", "ftpes://u%@h",
	"[::1", "[::1]x", "[::g]", "[127.0.0.1]", "1::2::3", "ho st",
	"ftpes://h@st!/", "ftpes://[::1]:0",
};

static void test_good(void)
{
	for (size_t i = 0; i < ARRAY_LEN(good); i++) {
		struct ftps_url u;
		const char *err = NULL;
		int rc = url_parse(good[i].in, &u, &err);

		CHECK_INT(rc, 0);
		if (rc) {
			fprintf(stderr, "  %s: %s\n", good[i].in, err);
			continue;
		}
		CHECK_STR(u.user, good[i].user);
		CHECK_STR(u.password, good[i].password);
		CHECK_STR(u.host, good[i].host);
		CHECK_INT(u.port, good[i].port);
		CHECK_STR(u.path, good[i].path);
		CHECK_INT(u.mode, good[i].mode);
		url_clear(&u);
		CHECK(u.host == NULL);
	}
	url_clear(NULL);
}

static void test_bad(void)
{
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		struct ftps_url u;
		const char *err = NULL;
		int rc = url_parse(bad[i], &u, &err);

		CHECK_INT(rc, FTPS_ERR_ARG);
		CHECK(err != NULL && *err);
		CHECK(u.host == NULL && u.user == NULL && u.password == NULL &&
		      u.path == NULL);
		if (rc == 0)
			fprintf(stderr, "  accepted: \"%s\"\n", bad[i]);
		url_clear(&u);
	}
}

static const struct {
	const char *host;
	int ip;
} literals[] = {
	{ "127.0.0.1", 1 }, { "::1", 1 }, { "2001:db8::1", 1 },
	{ "::ffff:10.0.0.1", 1 }, { "localhost", 0 }, { "127.1", 0 },
	{ "1.2.3.4.example", 0 }, { "", 0 }, { "[::1]", 0 },
};

int main(int argc, char **argv)
{
	(void)argc;
	test_good();
	test_bad();
	for (size_t i = 0; i < ARRAY_LEN(literals); i++)
		CHECK_INT(host_is_ip_literal(literals[i].host), literals[i].ip);
	return check_summary(argv[0]);
}
