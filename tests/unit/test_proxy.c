#include "check.h"
#include "net/proxy.h"

#include <stdlib.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *in;
	enum net_proxy_kind kind;
	const char *host;
	unsigned port;
	const char *user, *password;
	const char *described;
} good[] = {
	{ "socks5://127.0.0.1:1081", NET_PROXY_SOCKS5, "127.0.0.1", 1081, NULL,
	  NULL, "socks5://127.0.0.1:1081" },
	{ "socks5h://proxy.example", NET_PROXY_SOCKS5H, "proxy.example", 1080,
	  NULL, NULL, "socks5h://proxy.example:1080" },
	{ "SOCKS5H://Proxy:9050/", NET_PROXY_SOCKS5H, "Proxy", 9050, NULL, NULL,
	  "socks5h://Proxy:9050" },
	{ "http://proxy:3128", NET_PROXY_HTTP, "proxy", 3128, NULL, NULL,
	  "http://proxy:3128" },
	{ "HTTP://proxy", NET_PROXY_HTTP, "proxy", 1080, NULL, NULL,
	  "http://proxy:1080" },
	/* no scheme: HTTP, as curl does */
	{ "proxy.example:8080", NET_PROXY_HTTP, "proxy.example", 8080, NULL,
	  NULL, "http://proxy.example:8080" },
	{ "http://al%40ice:p%3Ass%2Fw@h:8", NET_PROXY_HTTP, "h", 8, "al@ice",
	  "p:ss/w", "http://al@ice:****@h:8" },
	{ "socks5://bob@h", NET_PROXY_SOCKS5, "h", 1080, "bob", NULL,
	  "socks5://bob@h:1080" },
	{ "socks5://bob:@h", NET_PROXY_SOCKS5, "h", 1080, "bob", "",
	  "socks5://bob:****@h:1080" },
	{ "socks5h://u:p@[::1]:1080", NET_PROXY_SOCKS5H, "::1", 1080, "u", "p",
	  "socks5h://u:****@[::1]:1080" },
	{ "socks5h://u:a@b@h", NET_PROXY_SOCKS5H, "h", 1080, "u", "a@b",
	  "socks5h://u:****@h:1080" },
};

static const char *const bad[] = {
	"", "socks5://", "socks4://h", "socks://h", "https://h", "ftp://h",
	"socks5://h:0", "socks5://h:65536", "socks5://h:x", "http://h/path",
	"http://u:p%0d%0aX:@h", "http://h\r\nX", "socks5://@h", "socks5://[::1",
	"http://u:p%zz@h", "socks5://ho st",
};

static void test_parse(void)
{
	for (size_t i = 0; i < ARRAY_LEN(good); i++) {
		struct net_proxy p;
		const char *why = NULL;
		CHECK_INT(net_proxy_parse(good[i].in, &p, &why), 0);
		CHECK_INT(p.kind, good[i].kind);
		CHECK_STR(p.host, good[i].host);
		CHECK_INT(p.port, good[i].port);
		CHECK_STR(p.user, good[i].user);
		CHECK_STR(p.password, good[i].password);
		if (p.host) {
			char *d = net_proxy_describe(&p);
			CHECK_STR(d, good[i].described);
			free(d);
		}
		net_proxy_clear(&p);
		CHECK(p.host == NULL && p.password == NULL);
	}
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		struct net_proxy p;
		const char *why = NULL;
		int rc = net_proxy_parse(bad[i], &p, &why);
		if (rc == 0)
			fprintf(stderr, "accepted: %s\n", bad[i]);
		CHECK_INT(rc, -1);
		CHECK(why != NULL);
		CHECK(p.host == NULL && p.user == NULL && p.password == NULL);
	}
}

/* RFC 1929 caps user and password at 255 bytes. */
static void test_long_credentials(void)
{
	char url[600];
	struct net_proxy p;
	const char *why = NULL;
	snprintf(url, sizeof(url), "socks5://u:%0255d@h", 7);
	CHECK_INT(net_proxy_parse(url, &p, &why), 0);
	net_proxy_clear(&p);
	snprintf(url, sizeof(url), "socks5://u:%0256d@h", 7);
	CHECK_INT(net_proxy_parse(url, &p, &why), -1);
	CHECK_STR(why, "proxy user name or password longer than 255 bytes");
}

static const struct {
	const char *list, *host;
	int match;
} noproxy[] = {
	{ "*", "anything.example", 1 },
	{ "a.example, *", "b.example", 1 },
	{ "example.com", "example.com", 1 },
	{ "example.com", "ftp.example.com", 1 },
	{ ".example.com", "ftp.example.com", 1 },
	{ ".example.com", "example.com", 1 },
	{ "example.com", "notexample.com", 0 },
	{ "example.com", "example.com.evil", 0 },
	{ "EXAMPLE.com", "Ftp.Example.COM.", 1 },
	{ "example.com.", "example.com", 1 },
	{ "a.example,b.example", "b.example", 1 },
	{ "a.example b.example", "b.example", 1 },
	{ " a.example , ,b.example ", "c.example", 0 },
	{ "localhost,127.0.0.1", "127.0.0.1", 1 },
	{ "127.0.0.1", "127.0.0.2", 0 },
	{ "10.0.0.0/8", "10.20.30.40", 1 },
	{ "10.0.0.0/8", "11.0.0.1", 0 },
	{ "192.168.1.0/23", "192.168.0.7", 1 },
	{ "192.168.1.0/24", "192.168.0.7", 0 },
	{ "10.0.0.0/8", "ten.example", 0 },
	{ "::1", "::1", 1 },
	{ "[::1]", "[::1]", 1 },
	{ "0:0::1", "::1", 1 },
	{ "fd00::/8", "fd12::34", 1 },
	{ "fd00::/8", "fe80::1", 0 },
	{ "10.0.0.0/33", "10.0.0.1", 0 },
	{ "127.0.0.1", "localhost", 0 },
	{ "", "host", 0 },
	{ ",,", "host", 0 },
	{ "*.example.com", "a.example.com", 0 }, /* only a lone '*' */
};

static void test_noproxy(void)
{
	for (size_t i = 0; i < ARRAY_LEN(noproxy); i++) {
		int m = net_noproxy_match(noproxy[i].list, noproxy[i].host);
		if (m != noproxy[i].match)
			fprintf(stderr, "noproxy %zu: \"%s\" vs %s\n", i,
				noproxy[i].list, noproxy[i].host);
		CHECK_INT(m, noproxy[i].match);
	}
	CHECK_INT(net_noproxy_match(NULL, "h"), 0);
}

int main(int argc, char **argv)
{
	(void)argc;
	test_parse();
	test_long_credentials();
	test_noproxy();
	return check_summary(argv[0]);
}
