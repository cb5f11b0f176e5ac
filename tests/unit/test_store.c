/* known_servers: the pure parser, lookup and classifier, the pure trust
 * policy, and the file operations (atomic rewrite, symbolic link, character
 * device, permissions) in a temporary directory. */
#include "check.h"
#include "trust/policy.h"
#include "trust/store.h"
#include "util/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define B43 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define PIN_A "SHA256:" B43
#define PIN_B "SHA256:abcdefghijklmnopqrstuvwxyz0123456789+/ABCDE"
#define PIN_C "SHA256:" "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ"

static void test_pin_is_valid(void)
{
	static const struct {
		const char *s;
		int ok;
	} cases[] = {
		{ PIN_A, 1 },
		{ PIN_B, 1 },
		{ "sha256:" B43, 0 },
		{ B43, 0 },
		{ "SHA256:" B43 "A", 0 },
		{ "SHA256:" "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 0 },
		{ "SHA256:" "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", 0 },
		{ "SHA256:" "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA-", 0 },
		{ "SHA256:", 0 },
		{ "", 0 },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		CHECK_INT(!!pin_is_valid(cases[i].s), cases[i].ok);
}

/* Good files: every entry, in order. */
static const char good[] =
	"# known_servers\n"
	"\n"
	"   \t\n"
	"ftp.example.com 21 " PIN_A " 2024-01-02 # CN=ftp.example.com\n"
	"  Files.Example.COM\t990\t" PIN_B "\t2024-03-04\r\n"
	"@cert-authority * SHA256:whatever\n"
	"  @revoked anything goes here\n"
	"\t# indented comment\n"
	"::1 2121 " PIN_C "\n"
	"nodate.example 65535 " PIN_A " #   trailing comment  \n"
	"last.example 1 " PIN_B " 2025-12-31";

static const struct {
	const char *host;
	uint16_t port;
	const char *pin, *date, *comment;
	size_t line;
} good_entries[] = {
	{ "ftp.example.com", 21, PIN_A, "2024-01-02", "CN=ftp.example.com", 4 },
	{ "Files.Example.COM", 990, PIN_B, "2024-03-04", NULL, 5 },
	{ "::1", 2121, PIN_C, "", NULL, 9 },
	{ "nodate.example", 65535, PIN_A, "", "trailing comment  ", 10 },
	{ "last.example", 1, PIN_B, "2025-12-31", NULL, 11 },
};

static void test_parse_good(void)
{
	struct known_list l;
	size_t bad = 0;
	const char *why = NULL;
	CHECK_INT(known_parse(good, sizeof(good) - 1, &l, &bad, &why), 0);
	CHECK_INT(l.n, ARRAY_LEN(good_entries));
	for (size_t i = 0; i < l.n && i < ARRAY_LEN(good_entries); i++) {
		CHECK_STR(l.v[i].host, good_entries[i].host);
		CHECK_INT(l.v[i].port, good_entries[i].port);
		CHECK_STR(l.v[i].pin, good_entries[i].pin);
		CHECK_STR(l.v[i].date, good_entries[i].date);
		CHECK_STR(l.v[i].comment, good_entries[i].comment);
		CHECK_INT(l.v[i].line, good_entries[i].line);
	}
	known_list_clear(&l);
	CHECK_INT(l.n, 0);
	CHECK(l.v == NULL);

	static const char *const empty[] = { "", "\n", "# only\n# comments",
					     "@reserved\n", "\r\n  \n" };
	for (size_t i = 0; i < ARRAY_LEN(empty); i++) {
		CHECK_INT(known_parse(empty[i], strlen(empty[i]), &l, &bad, &why), 0);
		CHECK_INT(l.n, 0);
		known_list_clear(&l);
	}
}

static char long_host_line[400];
static char ok_host_line[400];

/* Malformed files: the first bad line and why. */
static const struct {
	const char *text;
	size_t line;
	const char *why;
} bad_cases[] = {
	{ "host\n", 1, "expected HOST PORT SHA256:PIN DATE" },
	{ "host 21\n", 1, "expected HOST PORT SHA256:PIN DATE" },
	{ "# ok\nhost 21 # " PIN_A "\n", 2, "expected HOST PORT SHA256:PIN DATE" },
	{ "h 0 " PIN_A "\n", 1, "invalid port" },
	{ "h 65536 " PIN_A "\n", 1, "invalid port" },
	{ "h -1 " PIN_A "\n", 1, "invalid port" },
	{ "h 21x " PIN_A "\n", 1, "invalid port" },
	{ "h ftp " PIN_A "\n", 1, "invalid port" },
	{ "\n\nh 21 " B43 "\n", 3,
	  "invalid key pin (expected SHA256: and 43 base64 characters)" },
	{ "h 21 SHA256:short\n", 1,
	  "invalid key pin (expected SHA256: and 43 base64 characters)" },
	{ "h 21 " PIN_A " 2024-01-01 extra\n", 1,
	  "unexpected text after the date (comments start with #)" },
	{ "h 21 " PIN_A " 2024-01-01-and-much-more\n", 1, "invalid date" },
	{ "ok 21 " PIN_A "\nh 21 " PIN_A "\n\0\n", 3, "binary data" },
	/* the first error wins, even with good lines after it */
	{ "ok 21 " PIN_A "\nbad\nok2 21 " PIN_B "\n", 2,
	  "expected HOST PORT SHA256:PIN DATE" },
	{ long_host_line, 2, "host name too long" },
};

static void test_parse_bad(void)
{
	/* 255 characters is the longest host name, 256 too long. */
	char h[300];
	memset(h, 'h', 256);
	h[256] = '\0';
	snprintf(long_host_line, sizeof(long_host_line), "# x\n%s 21 %s\n", h,
		 PIN_A);
	h[255] = '\0';
	snprintf(ok_host_line, sizeof(ok_host_line), "%s 21 %s\n", h, PIN_A);

	for (size_t i = 0; i < ARRAY_LEN(bad_cases); i++) {
		struct known_list l;
		size_t bad = 0;
		const char *why = NULL;
		const char *t = bad_cases[i].text;
		/* binary data: parse past the embedded NUL */
		size_t len = strlen(t);
		if (!strcmp(bad_cases[i].why, "binary data"))
			len += 2;
		CHECK_INT(known_parse(t, len, &l, &bad, &why), FTPS_ERR_PROTO);
		CHECK_INT(bad, bad_cases[i].line);
		CHECK_STR(why, bad_cases[i].why);
		CHECK_INT(l.n, 0);
		CHECK(l.v == NULL);
	}

	struct known_list l;
	size_t bad = 0;
	const char *why = NULL;
	CHECK_INT(known_parse(ok_host_line, strlen(ok_host_line), &l, &bad, &why), 0);
	CHECK_INT(l.n, 1);
	known_list_clear(&l);
}

static const char lookup_text[] =
	"ftp.example.com 21 " PIN_A "\n"
	"FTP.example.com 990 " PIN_B "\n"
	"ftp.example.com 21 " PIN_C " # a later duplicate never counts\n"
	"::1 21 " PIN_C "\n";

static const struct {
	const char *host;
	uint16_t port;
	const char *pin;
	size_t line;              /* 0: no entry */
	enum known_status status;
} lookups[] = {
	{ "ftp.example.com", 21, PIN_A, 1, KNOWN_OK },
	{ "FTP.EXAMPLE.COM", 21, PIN_A, 1, KNOWN_OK },
	{ "ftp.example.com", 990, PIN_B, 2, KNOWN_OK },
	{ "Ftp.Example.Com", 990, PIN_A, 2, KNOWN_CHANGED },
	{ "ftp.example.com", 21, PIN_C, 1, KNOWN_CHANGED },
	{ "ftp.example.com", 2121, PIN_A, 0, KNOWN_NEW },
	{ "ftp.example.org", 21, PIN_A, 0, KNOWN_NEW },
	{ "ftp.example.co", 21, PIN_A, 0, KNOWN_NEW },
	{ "::1", 21, PIN_C, 4, KNOWN_OK },
	{ "::1", 990, PIN_C, 0, KNOWN_NEW },
	{ "", 21, PIN_A, 0, KNOWN_NEW },
};

static void test_find_and_check(void)
{
	struct known_list l;
	size_t bad = 0;
	const char *why = NULL;
	CHECK_INT(known_parse(lookup_text, sizeof(lookup_text) - 1, &l, &bad, &why), 0);
	for (size_t i = 0; i < ARRAY_LEN(lookups); i++) {
		const struct known_entry *e = known_find(&l, lookups[i].host,
							 lookups[i].port);
		CHECK_INT(e ? e->line : 0, lookups[i].line);
		const struct known_entry *m = (const struct known_entry *)1;
		CHECK_INT(known_check(&l, lookups[i].host, lookups[i].port,
				      lookups[i].pin, &m), lookups[i].status);
		CHECK(m == e);
		CHECK_INT(known_check(&l, lookups[i].host, lookups[i].port,
				      lookups[i].pin, NULL), lookups[i].status);
	}
	known_list_clear(&l);

	struct known_list none = { 0 };
	const struct known_entry *m = (const struct known_entry *)1;
	CHECK(known_find(&none, "h", 21) == NULL);
	CHECK_INT(known_check(&none, "h", 21, PIN_A, &m), KNOWN_NEW);
	CHECK(m == NULL);
}

/* The policy, one row per case that matters. Columns: reconnect,
 * fingerprint given, fingerprint matches, store unreadable, known status,
 * CA-verified, setting, interactive; the action. */
#define DEF TRUST_SETTING_DEFAULT
#define ASKS TRUST_SETTING_ASK
#define NEWOK TRUST_SETTING_ACCEPT_NEW
#define STRICT TRUST_SETTING_STRICT

static const struct {
	struct trust_facts f;
	enum trust_action act;
	int needs_store;
} policy[] = {
	/* known_servers decides first; a CA does not outrank a pin */
	{ { 0, 0, 0, 0, KNOWN_OK, 0, DEF, 0 }, POLICY_ACCEPT_PINNED, 1 },
	{ { 0, 0, 0, 0, KNOWN_OK, 1, STRICT, 1 }, POLICY_ACCEPT_PINNED, 1 },
	{ { 0, 0, 0, 0, KNOWN_OK, 0, STRICT, 0 }, POLICY_ACCEPT_PINNED, 1 },
	{ { 0, 0, 0, 0, KNOWN_CHANGED, 0, DEF, 1 }, POLICY_REFUSE_CHANGED, 1 },
	{ { 0, 0, 0, 0, KNOWN_CHANGED, 1, DEF, 1 }, POLICY_REFUSE_CHANGED, 1 },
	{ { 0, 0, 0, 0, KNOWN_CHANGED, 1, NEWOK, 0 }, POLICY_REFUSE_CHANGED, 1 },
	{ { 0, 0, 0, 0, KNOWN_CHANGED, 0, ASKS, 1 }, POLICY_REFUSE_CHANGED, 1 },
	/* an unknown key a CA vouches for: accepted, whatever the setting */
	{ { 0, 0, 0, 0, KNOWN_NEW, 1, DEF, 0 }, POLICY_ACCEPT_CA, 1 },
	{ { 0, 0, 0, 0, KNOWN_NEW, 1, DEF, 1 }, POLICY_ACCEPT_CA, 1 },
	{ { 0, 0, 0, 0, KNOWN_NEW, 1, STRICT, 0 }, POLICY_ACCEPT_CA, 1 },
	{ { 0, 0, 0, 0, KNOWN_NEW, 1, NEWOK, 0 }, POLICY_ACCEPT_CA, 1 },
	{ { 0, 0, 0, 0, KNOWN_NEW, 1, ASKS, 1 }, POLICY_ACCEPT_CA, 1 },
	/* an unknown key nobody vouches for: the setting */
	{ { 0, 0, 0, 0, KNOWN_NEW, 0, DEF, 1 }, POLICY_ASK, 1 },
	{ { 0, 0, 0, 0, KNOWN_NEW, 0, DEF, 0 }, POLICY_REFUSE_STRICT, 1 },
	{ { 0, 0, 0, 0, KNOWN_NEW, 0, ASKS, 1 }, POLICY_ASK, 1 },
	{ { 0, 0, 0, 0, KNOWN_NEW, 0, ASKS, 0 }, POLICY_REFUSE_STRICT, 1 },
	{ { 0, 0, 0, 0, KNOWN_NEW, 0, STRICT, 1 }, POLICY_REFUSE_STRICT, 1 },
	{ { 0, 0, 0, 0, KNOWN_NEW, 0, STRICT, 0 }, POLICY_REFUSE_STRICT, 1 },
	{ { 0, 0, 0, 0, KNOWN_NEW, 0, NEWOK, 1 }, POLICY_STORE_AND_ACCEPT, 1 },
	{ { 0, 0, 0, 0, KNOWN_NEW, 0, NEWOK, 0 }, POLICY_STORE_AND_ACCEPT, 1 },
	/* an unreadable known_servers trusts nothing, not even a CA */
	{ { 0, 0, 0, 1, KNOWN_NEW, 1, DEF, 1 }, POLICY_REFUSE_STORE_UNREADABLE, 1 },
	{ { 0, 0, 0, 1, KNOWN_NEW, 0, NEWOK, 0 }, POLICY_REFUSE_STORE_UNREADABLE, 1 },
	/* --trust-fingerprint alone decides, without reading the store */
	{ { 0, 1, 1, 0, KNOWN_NEW, 0, STRICT, 0 }, POLICY_ACCEPT_FINGERPRINT, 0 },
	{ { 0, 1, 1, 0, KNOWN_CHANGED, 0, DEF, 0 }, POLICY_ACCEPT_FINGERPRINT, 0 },
	{ { 0, 1, 1, 1, KNOWN_NEW, 0, DEF, 0 }, POLICY_ACCEPT_FINGERPRINT, 0 },
	{ { 0, 1, 0, 0, KNOWN_NEW, 1, DEF, 1 }, POLICY_REFUSE_FINGERPRINT_MISMATCH, 0 },
	{ { 0, 1, 0, 0, KNOWN_OK, 1, NEWOK, 1 }, POLICY_REFUSE_FINGERPRINT_MISMATCH, 0 },
	{ { 0, 1, 0, 0, KNOWN_NEW, 0, ASKS, 1 }, POLICY_REFUSE_FINGERPRINT_MISMATCH, 0 },
	/* a reconnect to the key accepted before: never asks twice */
	{ { 1, 0, 0, 0, KNOWN_NEW, 0, DEF, 1 }, POLICY_ACCEPT_SAME_AS_BEFORE, 0 },
	{ { 1, 0, 0, 0, KNOWN_NEW, 0, STRICT, 0 }, POLICY_ACCEPT_SAME_AS_BEFORE, 0 },
	{ { 1, 1, 0, 0, KNOWN_NEW, 0, DEF, 0 }, POLICY_ACCEPT_SAME_AS_BEFORE, 0 },
	{ { 1, 0, 0, 1, KNOWN_CHANGED, 0, DEF, 0 }, POLICY_ACCEPT_SAME_AS_BEFORE, 0 },
};

static void test_policy(void)
{
	for (size_t i = 0; i < ARRAY_LEN(policy); i++) {
		enum trust_action act = trust_decide(&policy[i].f);
		if (act != policy[i].act)
			fprintf(stderr, "policy row %zu: %s, expected %s\n", i,
				trust_action_name(act),
				trust_action_name(policy[i].act));
		CHECK_INT(act, policy[i].act);
		CHECK_INT(!!trust_needs_store(&policy[i].f), policy[i].needs_store);
	}
	CHECK_STR(trust_action_name(POLICY_REFUSE_CHANGED), "REFUSE_CHANGED");
	CHECK_STR(trust_action_name(POLICY_REFUSE_STRICT), "REFUSE_STRICT");
	CHECK_STR(trust_action_name((enum trust_action)99), "?");
}

/* ---- files ---- */

static int starts_with(const char *s, const char *prefix)
{
	return s && !strncmp(s, prefix, strlen(prefix));
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	static char buf[65536];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void spit(const char *path, const char *text, mode_t mode)
{
	unlink(path);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK_INT(write(fd, text, strlen(text)), (long long)strlen(text));
	fchmod(fd, mode);
	close(fd);
}

static char *join(const char *dir, const char *name)
{
	static char paths[8][512];
	static int next;
	char *p = paths[next++ % 8];
	snprintf(p, 512, "%s/%s", dir, name);
	return p;
}

/* Only name and name.lock in dir: no temporary file left behind. */
static void check_no_leftovers(const char *dir, const char *name)
{
	char lock[256];
	snprintf(lock, sizeof(lock), "%s.lock", name);
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "ls -A '%s' | grep -v -x -e '%s' -e '%s' "
		 "-e target -e link -e dev -e loose -e sub >/dev/null", dir, name, lock);
	CHECK(system(cmd) != 0);
}

static const char kept[] =
	"# my servers\n"
	"a.example 21 " PIN_A " 2020-01-01 # CN=a\n"
	"@reserved line, kept\n"
	"  # indented comment\n"
	"B.example 990 " PIN_B "\n"
	"b.example 21 " PIN_B " 2020-01-02\n"
	"c.example 21 " PIN_C "\n"
	"\n"
	"d.example 21 " PIN_C; /* no final newline */

static void test_add_remove(const char *dir)
{
	char *path = join(dir, "known");
	char *err = NULL;
	spit(path, kept, 0600);

	/* Adding a new host appends one line and keeps every other byte. */
	CHECK_INT(known_add(path, "new.example", 2121, PIN_A, "CN=new\x1b[31m", &err), 0);
	CHECK_STR(err, NULL);
	char *now = slurp(path);
	CHECK(now && !strncmp(now, kept, sizeof(kept) - 1));
	const char *added = now ? now + sizeof(kept) - 1 : "";
	CHECK(starts_with(added, "\nnew.example 2121 " PIN_A " 20"));
	CHECK(strstr(added, " # CN=new?[31m\n") != NULL);
	struct stat st;
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0600);
	check_no_leftovers(dir, "known");

	/* Replacing a host drops its old line (that port only). */
	CHECK_INT(known_add(path, "A.EXAMPLE", 21, PIN_B, NULL, &err), 0);
	now = slurp(path);
	CHECK(now && strstr(now, "a.example 21") == NULL);
	CHECK(now && strstr(now, "# my servers\n@reserved line, kept\n"
			    "  # indented comment\nB.example 990 ") == now);
	CHECK(now && strstr(now, "\nA.EXAMPLE 21 " PIN_B " 20") != NULL);

	struct known_list l;
	CHECK_INT(known_load(path, &l, &err), 0);
	const struct known_entry *m;
	CHECK_INT(known_check(&l, "a.example", 21, PIN_B, &m), KNOWN_OK);
	CHECK_INT(known_check(&l, "new.example", 2121, PIN_A, &m), KNOWN_OK);
	CHECK_INT(known_check(&l, "b.example", 990, PIN_B, &m), KNOWN_OK);
	known_list_clear(&l);

	/* Removing one port keeps the host's other ports. */
	size_t removed = 99;
	CHECK_INT(known_remove(path, "b.example", 21, &removed, &err), 0);
	CHECK_INT(removed, 1);
	now = slurp(path);
	CHECK(now && strstr(now, "B.example 990 " PIN_B "\n") != NULL);
	CHECK(now && strstr(now, "b.example 21") == NULL);
	/* Port 0: every port of the host. */
	CHECK_INT(known_add(path, "b.example", 21, PIN_C, NULL, &err), 0);
	CHECK_INT(known_remove(path, "B.Example", 0, &removed, &err), 0);
	CHECK_INT(removed, 2);
	CHECK_INT(known_remove(path, "nobody.example", 0, &removed, &err), 0);
	CHECK_INT(removed, 0);
	now = slurp(path);
	CHECK(now && strstr(now, "b.example") == NULL && strstr(now, "B.example") == NULL);
	CHECK(now && strstr(now, "# my servers\n@reserved line, kept\n"
			    "  # indented comment\nc.example 21 " PIN_C "\n\n"
			    "d.example 21 " PIN_C "\n") == now);
	check_no_leftovers(dir, "known");

	/* A line without a date, or ending in CRLF, is replaced too: an old
	 * line left behind would shadow the new one. */
	spit(path, "c.example 21 " PIN_C "\ne.example 21 " PIN_C "\r\n# end\n", 0600);
	CHECK_INT(known_add(path, "c.example", 21, PIN_A, NULL, &err), 0);
	CHECK_INT(known_add(path, "e.example", 21, PIN_B, NULL, &err), 0);
	CHECK_INT(known_load(path, &l, &err), 0);
	CHECK_INT(l.n, 2);
	CHECK_INT(known_check(&l, "c.example", 21, PIN_A, &m), KNOWN_OK);
	CHECK_INT(known_check(&l, "e.example", 21, PIN_B, &m), KNOWN_OK);
	known_list_clear(&l);
	CHECK(starts_with(slurp(path), "# end\nc.example 21 " PIN_A " 20"));

	/* Bad arguments write nothing. */
	CHECK_INT(known_add(path, "h", 21, "not-a-pin", NULL, &err), FTPS_ERR_ARG);
	free(err);
	err = NULL;
	CHECK_INT(known_add(path, "h #x", 21, PIN_A, NULL, &err), FTPS_ERR_ARG);
	free(err);
	err = NULL;

	/* A file we do not understand is never rewritten. */
	spit(path, "good 21 " PIN_A "\nbroken\n", 0600);
	CHECK_INT(known_add(path, "h", 21, PIN_A, NULL, &err), FTPS_ERR_PROTO);
	CHECK(err && strstr(err, ":2: expected HOST PORT") != NULL);
	free(err);
	err = NULL;
	CHECK_STR(slurp(path), "good 21 " PIN_A "\nbroken\n");

	/* A missing file, in a missing directory: created, 0700 and 0600. */
	char *deep = join(dir, "sub/dir/known");
	CHECK_INT(known_load(deep, &l, &err), 0);
	CHECK_INT(l.n, 0);
	CHECK_INT(known_add(deep, "h", 21, PIN_A, NULL, &err), 0);
	CHECK_INT(stat(join(dir, "sub/dir"), &st), 0);
	CHECK_INT(st.st_mode & 0777, 0700);
	CHECK_INT(stat(deep, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0600);
}

static void test_symlink(const char *dir)
{
	char *target = join(dir, "target"), *link = join(dir, "link");
	char *err = NULL;
	spit(target, "# target\nold 21 " PIN_C "\n", 0600);
	CHECK_INT(symlink("target", link), 0);
	CHECK_INT(known_add(link, "h", 21, PIN_A, NULL, &err), 0);
	CHECK_STR(err, NULL);
	struct stat st;
	CHECK_INT(lstat(link, &st), 0);
	CHECK(S_ISLNK(st.st_mode));
	char *now = slurp(target);
	CHECK(starts_with(now, "# target\nold 21 " PIN_C "\nh 21 " PIN_A " 20"));
	size_t removed = 0;
	CHECK_INT(known_remove(link, "old", 0, &removed, &err), 0);
	CHECK_INT(removed, 1);
	CHECK_INT(lstat(link, &st), 0);
	CHECK(S_ISLNK(st.st_mode));
	now = slurp(target);
	CHECK(starts_with(now, "# target\nh 21 " PIN_A " 20"));

	/* A dangling link is an error, and creates nothing. */
	char *loose = join(dir, "loose");
	CHECK_INT(symlink("nowhere", loose), 0);
	CHECK_INT(known_add(loose, "h", 21, PIN_A, NULL, &err), FTPS_ERR_LOCAL);
	CHECK(err && strstr(err, "symbolic link to nowhere") != NULL);
	free(err);
	CHECK_INT(access(join(dir, "nowhere"), F_OK), -1);
}

static void test_device(const char *dir)
{
	char *dev = join(dir, "dev");
	if (mknod(dev, S_IFCHR | 0600, makedev(1, 3)) < 0) {
		if (errno == EPERM) {
			printf("skipped: character device (mknod: EPERM)\n");
			return;
		}
		CHECK(!"mknod failed");
		return;
	}
	char *err = NULL;
	CHECK_INT(known_add(dev, "h", 21, PIN_A, NULL, &err), KNOWN_NOT_STORED);
	CHECK_STR(err, NULL);
	size_t removed = 9;
	CHECK_INT(known_remove(dev, "h", 0, &removed, &err), KNOWN_NOT_STORED);
	CHECK_INT(removed, 0);
	struct stat st;
	CHECK_INT(lstat(dev, &st), 0);
	CHECK(S_ISCHR(st.st_mode));
	struct known_list l;
	CHECK_INT(known_load(dev, &l, &err), 0);
	CHECK_INT(l.n, 0);
	unlink(dev);
}

static void test_permissions(const char *dir)
{
	char *path = join(dir, "known");
	static const struct {
		mode_t mode;
		int rc;
	} modes[] = {
		{ 0600, 0 }, { 0644, 0 }, { 0400, 0 },
		{ 0666, FTPS_ERR_LOCAL }, { 0620, FTPS_ERR_LOCAL },
		{ 0602, FTPS_ERR_LOCAL },
	};
	for (size_t i = 0; i < ARRAY_LEN(modes); i++) {
		spit(path, "h 21 " PIN_A "\n", modes[i].mode);
		struct known_list l;
		char *err = NULL;
		CHECK_INT(known_load(path, &l, &err), modes[i].rc);
		CHECK_INT(l.n, modes[i].rc ? 0 : 1);
		if (modes[i].rc)
			CHECK(err && strstr(err, "group- or world-writable") != NULL);
		else
			CHECK_STR(err, NULL);
		free(err);
		known_list_clear(&l);
	}
	/* ... and never rewritten. */
	spit(path, "h 21 " PIN_A "\n", 0666);
	char *err = NULL;
	CHECK_INT(known_add(path, "x", 21, PIN_B, NULL, &err), FTPS_ERR_LOCAL);
	free(err);
	CHECK_STR(slurp(path), "h 21 " PIN_A "\n");

	/* A directory is not a known_servers file. */
	struct known_list l;
	err = NULL;
	CHECK_INT(known_load(dir, &l, &err), FTPS_ERR_LOCAL);
	CHECK(err && strstr(err, "not a regular file") != NULL);
	free(err);
}

int main(int argc, char **argv)
{
	(void)argc;
	test_pin_is_valid();
	test_parse_good();
	test_parse_bad();
	test_find_and_check();
	test_policy();

	char dir[] = "/tmp/test_store.XXXXXX";
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_add_remove(dir);
	test_symlink(dir);
	test_device(dir);
	test_permissions(dir);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return check_summary(argv[0]);
}
