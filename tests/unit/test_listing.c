#include "check.h"
#include "proto/listing.h"
#include "util/error.h"

#include <stdlib.h>
#include <time.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define NOW         1796040000LL /* 2026-11-30 12:00:00 UTC */
#define NOV22_0322  1795317720LL /* 2026-11-22 03:22 UTC */
#define NOV22_1522  1795360920LL
#define JAN01_2020  1577836800LL

struct want {
	int rc;
	enum entry_type type;
	const char *name;
	const char *target;
	int64_t size;
	int64_t mtime;
	int has_time;
	const char *perms;
	const char *owner, *group;
	unsigned nlink;
};

static const struct {
	const char *in;
	struct want w;
} list[] = {
	/* vsftpd */
	{ "-rw-r--r--    1 1000     1000         1048576 Nov 22 03:22 file name with spaces",
	  { 0, ENTRY_FILE, "file name with spaces", NULL, 1048576, NOV22_0322, 1,
	    "-rw-r--r--", "1000", "1000", 1 } },
	{ "drwxr-xr-x    2 1000     1000            4096 Jan 01  2020 old dir",
	  { 0, ENTRY_DIR, "old dir", NULL, 4096, JAN01_2020, 0,
	    "drwxr-xr-x", "1000", "1000", 2 } },
	{ "lrwxrwxrwx    1 0        0               7 Nov 22 03:22 link -> target dir",
	  { 0, ENTRY_LINK, "link", "target dir", 7, NOV22_0322, 1,
	    "lrwxrwxrwx", "0", "0", 1 } },
	/* pyftpdlib */
	{ "-rw-r--r--   1 alice    alice        4096 Nov 22 03:22 x",
	  { 0, ENTRY_FILE, "x", NULL, 4096, NOV22_0322, 1,
	    "-rw-r--r--", "alice", "alice", 1 } },
	{ "drwxrwxr-x   3 alice    alice        4096 Nov  2  2025 d",
	  { 0, ENTRY_DIR, "d", NULL, 4096, 1762041600LL, 0,
	    "drwxrwxr-x", "alice", "alice", 3 } },
	/* no group column; owner called like a month; ACL mark; odd spacing */
	{ "-rw-r--r--  1 ftp  123 Nov 22 03:22 nogroup",
	  { 0, ENTRY_FILE, "nogroup", NULL, 123, NOV22_0322, 1,
	    "-rw-r--r--", "ftp", NULL, 1 } },
	{ "-rw-r--r-- 1 may may 5 nov 22 15:22 m",
	  { 0, ENTRY_FILE, "m", NULL, 5, NOV22_1522, 1,
	    "-rw-r--r--", "may", "may", 1 } },
	{ "-rw-r--r--+ 1 u g 5 Nov 22 03:22 acl",
	  { 0, ENTRY_FILE, "acl", NULL, 5, NOV22_0322, 1,
	    "-rw-r--r--", "u", "g", 1 } },
	{ "-rw-r--r-- 1 u g 5 Nov 22 03:22  leading space",
	  { 0, ENTRY_FILE, " leading space", NULL, 5, NOV22_0322, 1,
	    "-rw-r--r--", "u", "g", 1 } },
	{ "-rw-r--r-- 1 u g 5 Nov 22 03:22 ../../etc/passwd",
	  { 0, ENTRY_FILE, "../../etc/passwd", NULL, 5, NOV22_0322, 1,
	    "-rw-r--r--", "u", "g", 1 } },
	{ "-rwsr-xr-T 1 u g 9223372036854775807 Nov 22 3:22 big",
	  { 0, ENTRY_FILE, "big", NULL, INT64_MAX, NOV22_0322, 1,
	    "-rwsr-xr-T", "u", "g", 1 } },
	{ "prw-r--r-- 1 u g 0 Nov 22 03:22 fifo",
	  { 0, ENTRY_UNKNOWN, "fifo", NULL, 0, NOV22_0322, 1,
	    "prw-r--r--", "u", "g", 1 } },
	/* DOS / IIS */
	{ "11-22-26  03:22AM       <DIR>          sub dir",
	  { 0, ENTRY_DIR, "sub dir", NULL, -1, NOV22_0322, 1, "", NULL, NULL, 0 } },
	{ "11-22-26  03:22PM              1234 a.txt",
	  { 0, ENTRY_FILE, "a.txt", NULL, 1234, NOV22_1522, 1, "", NULL, NULL, 0 } },
	{ "12-01-1999  12:00AM  5 midnight",
	  { 0, ENTRY_FILE, "midnight", NULL, 5, 944006400LL, 1, "", NULL, NULL, 0 } },
	{ "11-22-2026  12:30PM  <dir> noon",
	  { 0, ENTRY_DIR, "noon", NULL, -1, 1795350600LL, 1, "", NULL, NULL, 0 } },
	{ "11-22-26  15:22  7 h24",
	  { 0, ENTRY_FILE, "h24", NULL, 7, NOV22_1522, 1, "", NULL, NULL, 0 } },
	/* Before 1970: the entry stays (it used to be dropped, so mget
	 * skipped the file), its time is unknown (fuzz_listing found it). */
	{ "-rw-r--r-- 1 u g 5 Dec 31  1969 old",
	  { 0, ENTRY_FILE, "old", NULL, 5, -1, 0, "-rw-r--r--", "u", "g", 1 } },
	{ "-rw-r--r-- 1 u g 5 Jan  1  0226 ancient",
	  { 0, ENTRY_FILE, "ancient", NULL, 5, -1, 0, "-rw-r--r--", "u", "g", 1 } },
	{ "-rw-r--r-- 1 u g 5 Jan  1  1970 epoch",
	  { 0, ENTRY_FILE, "epoch", NULL, 5, 0, 0, "-rw-r--r--", "u", "g", 1 } },
	{ "12-31-1969  11:59PM  5 dos-old",
	  { 0, ENTRY_FILE, "dos-old", NULL, 5, -1, 0, "", NULL, NULL, 0 } },
	/* not entries */
	{ "total 8", { .rc = FTPS_ERR_PROTO } },
	{ "", { .rc = FTPS_ERR_PROTO } },
	{ "garbage line here with words ok", { .rc = FTPS_ERR_PROTO } },
	{ "drwxr-xr-x 2 u g 4096 Nov 22 03:22", { .rc = FTPS_ERR_PROTO } },
	{ "drwxr-xr-x 2 u g 4096 Nov 22 03:22 ", { .rc = FTPS_ERR_PROTO } },
	{ "-rw-r--r-- 1 u g 5 Foo 22 03:22 x", { .rc = FTPS_ERR_PROTO } },
	{ "-rw-r--r-- 1 u g 5 Nov 32 03:22 x", { .rc = FTPS_ERR_PROTO } },
	{ "-rw-r--r-- 1 u g 5 Nov 22 25:22 x", { .rc = FTPS_ERR_PROTO } },
	{ "-rw-r--r-- 1 u g 5 Feb 30 2020 x", { .rc = FTPS_ERR_PROTO } },
	{ "-rw-r--r-- 1 u g 99999999999999999999 Nov 22 03:22 x", { .rc = FTPS_ERR_PROTO } },
	{ "-rw-r--r-- 1 u g -5 Nov 22 03:22 x", { .rc = FTPS_ERR_PROTO } },
	{ "xrw-r--r-- 1 u g 5 Nov 22 03:22 x", { .rc = FTPS_ERR_PROTO } },
	{ "-rw-r--r-! 1 u g 5 Nov 22 03:22 x", { .rc = FTPS_ERR_PROTO } },
	{ "13-22-26  03:22AM  5 x", { .rc = FTPS_ERR_PROTO } },
	{ "11-22-26  13:22PM  5 x", { .rc = FTPS_ERR_PROTO } },
	{ "11-22-26  03:22AM  five x", { .rc = FTPS_ERR_PROTO } },
	{ "11-22-26  03:22AM  5", { .rc = FTPS_ERR_PROTO } },
}, mlsd[] = {
	/* pyftpdlib */
	{ "type=file;size=5;modify=20261122032200;perm=r; a b",
	  { 0, ENTRY_FILE, "a b", NULL, 5, NOV22_0322, 1, "-r--------", NULL, NULL, 0 } },
	{ "type=file;size=5;perm=radfw; rw",
	  { 0, ENTRY_FILE, "rw", NULL, 5, -1, 0, "-rw-------", NULL, NULL, 0 } },
	{ "type=dir;perm=flcdmpe; d",
	  { 0, ENTRY_DIR, "d", NULL, -1, -1, 0, "drwx------", NULL, NULL, 0 } },
	{ "type=file;size=10;modify=20261122032200.5;perm=radfwMT;"
	  "unix.mode=0644;unix.uid=1000;unix.gid=1001;unique=803g2; x",
	  { 0, ENTRY_FILE, "x", NULL, 10, NOV22_0322, 1, "-rw-r--r--",
	    "1000", "1001", 0 } },
	{ "type=dir;modify=20261122032200;UNIX.mode=0755;UNIX.owner=alice;"
	  "UNIX.group=staff;UNIX.uid=1000; sub dir",
	  { 0, ENTRY_DIR, "sub dir", NULL, -1, NOV22_0322, 1, "drwxr-xr-x",
	    "alice", "staff", 0 } },
	{ "Type=FILE;Size=3;UNIX.mode=4755; CASE",
	  { 0, ENTRY_FILE, "CASE", NULL, 3, -1, 0, "-rwsr-xr-x", NULL, NULL, 0 } },
	{ "type=dir;unix.mode=1777; tmp",
	  { 0, ENTRY_DIR, "tmp", NULL, -1, -1, 0, "drwxrwxrwt", NULL, NULL, 0 } },
	{ "type=cdir;modify=20261122032200; /home/alice",
	  { 0, ENTRY_DIR, ".", NULL, -1, NOV22_0322, 1, "", NULL, NULL, 0 } },
	{ "type=pdir;modify=20261122032200; /home",
	  { 0, ENTRY_DIR, "..", NULL, -1, NOV22_0322, 1, "", NULL, NULL, 0 } },
	{ "type=OS.unix=slink:/etc/target;size=0; l",
	  { 0, ENTRY_LINK, "l", "/etc/target", 0, -1, 0, "", NULL, NULL, 0 } },
	{ "type=OS.unix=symlink; l2",
	  { 0, ENTRY_LINK, "l2", NULL, -1, -1, 0, "", NULL, NULL, 0 } },
	{ "type=file; a;b=c d",
	  { 0, ENTRY_FILE, "a;b=c d", NULL, -1, -1, 0, "", NULL, NULL, 0 } },
	{ "type=file;size=abc;modify=bad;unix.mode=999;junk; x",
	  { 0, ENTRY_FILE, "x", NULL, -1, -1, 0, "", NULL, NULL, 0 } },
	{ " nofacts",
	  { 0, ENTRY_UNKNOWN, "nofacts", NULL, -1, -1, 0, "", NULL, NULL, 0 } },
	/* before 1970: unknown, never a negative time other than -1 */
	{ "type=file;modify=02261122032200; old",
	  { 0, ENTRY_FILE, "old", NULL, -1, -1, 0, "", NULL, NULL, 0 } },
	{ "type=file;modify=19691231235958; old2",
	  { 0, ENTRY_FILE, "old2", NULL, -1, -1, 0, "", NULL, NULL, 0 } },
	{ "type=file;size=5;", { .rc = FTPS_ERR_PROTO } },
	{ "type=file;size=5; ", { .rc = FTPS_ERR_PROTO } },
	{ "", { .rc = FTPS_ERR_PROTO } },
};

static void check_entry(const struct ftp_entry *e, const struct want *w)
{
	CHECK_INT(e->type, w->type);
	CHECK_STR(e->name, w->name);
	CHECK_STR(e->link_target, w->target);
	CHECK_INT(e->size, w->size);
	CHECK_INT(e->mtime, w->mtime);
	CHECK_INT(e->mtime_has_time, w->has_time);
	CHECK_STR(e->perms, w->perms);
	CHECK_STR(e->owner, w->owner);
	CHECK_STR(e->group, w->group);
	CHECK_INT(e->nlink, w->nlink);
}

static void test_lines(void)
{
	for (size_t i = 0; i < ARRAY_LEN(list); i++) {
		struct ftp_entry e;
		int rc = parse_list_line(list[i].in, NOW, &e);
		CHECK_INT(rc, list[i].w.rc);
		if (rc == 0 && list[i].w.rc == 0)
			check_entry(&e, &list[i].w);
		if (rc != 0)
			CHECK(e.name == NULL);
		ftp_entry_clear(&e);
	}
	for (size_t i = 0; i < ARRAY_LEN(mlsd); i++) {
		struct ftp_entry e;
		int rc = parse_mlsd_line(mlsd[i].in, &e);
		CHECK_INT(rc, mlsd[i].w.rc);
		if (rc == 0 && mlsd[i].w.rc == 0)
			check_entry(&e, &mlsd[i].w);
		ftp_entry_clear(&e);
	}
	ftp_entry_clear(NULL);
}

/* "Mon DD HH:MM" carries no year. */
static const struct {
	int64_t now;
	const char *date;
	int64_t want;
} years[] = {
	{ 1767571200LL, "Dec 20 10:00", 1766224800LL }, /* now 2026-01-05: 2025 */
	{ 1767571200LL, "Jan 06 10:00", 1767693600LL }, /* slightly ahead: 2026 */
	{ 1767571200LL, "Jul 10 10:00", 1752141600LL }, /* 186 days ahead: 2025 */
	{ 1798588800LL, "Jan 02 08:00", 1798876800LL }, /* now 2026-12-30: 2027 */
	{ 1798588800LL, "Jul 01 10:00", 1782900000LL }, /* 2026, not 2027 */
	{ 1798588800LL, "Jun 30 10:00", 1782813600LL }, /* 2026 */
};

static void test_years(void)
{
	for (size_t i = 0; i < ARRAY_LEN(years); i++) {
		char line[128];
		struct ftp_entry e;
		snprintf(line, sizeof(line), "-rw-r--r-- 1 u g 1 %s f",
			 years[i].date);
		CHECK_INT(parse_list_line(line, years[i].now, &e), 0);
		CHECK_INT(e.mtime, years[i].want);
		ftp_entry_clear(&e);
	}
}

static void test_listing(void)
{
	static const char buf[] =
		"total 8\r\n"
		"-rw-r--r--    1 1000     1000               5 Nov 22 03:22 a\r\n"
		"\r\n"
		"garbage\r\n"
		"-rw-r--r--    1 1000     1000               5 Nov 22 03:22 nul\0x\r\n"
		"drwxr-xr-x    2 1000     1000            4096 Nov 22 03:22 b\n"
		"-rw-r--r--    1 1000     1000               7 Nov 22 03:22 c";
	struct ftp_entry *v;
	size_t n;

	CHECK_INT(parse_listing(buf, sizeof(buf) - 1, 0, NOW, 100, &v, &n), 0);
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_STR(v[0].name, "a");
		CHECK_STR(v[1].name, "b");
		CHECK_INT(v[1].type, ENTRY_DIR);
		CHECK_STR(v[2].name, "c");
		CHECK_INT(v[2].size, 7);
	}
	ftp_entries_free(v, n);

	CHECK_INT(parse_listing(buf, sizeof(buf) - 1, 0, NOW, 3, &v, &n), 0);
	ftp_entries_free(v, n);
	CHECK_INT(parse_listing(buf, sizeof(buf) - 1, 0, NOW, 2, &v, &n),
		  FTPS_ERR_TOOLONG);
	CHECK(v == NULL);
	CHECK_INT(n, 0);

	static const char ml[] =
		"type=cdir;modify=20261122032200; .\r\n"
		"type=file;size=5;modify=20261122032200; a b\r\n"
		"broken\r\n";
	CHECK_INT(parse_listing(ml, sizeof(ml) - 1, 1, NOW, 10, &v, &n), 0);
	CHECK_INT(n, 2);
	if (n == 2)
		CHECK_STR(v[1].name, "a b");
	ftp_entries_free(v, n);

	CHECK_INT(parse_listing("", 0, 0, NOW, 10, &v, &n), 0);
	CHECK_INT(n, 0);
	ftp_entries_free(v, n);
	ftp_entries_free(NULL, 0);
}

static void test_format(void)
{
	struct ftp_entry e;
	char *s;

	parse_list_line("-rw-r--r--    1 1000     1000         1048576 Nov 22 03:22 file name",
			NOW, &e);
	s = format_entry_long(&e, NOW, 8);
	CHECK_STR(s, "-rw-r--r--   1 1000     1000      1048576 Nov 22 03:22 file name");
	free(s);
	ftp_entry_clear(&e);

	parse_list_line("lrwxrwxrwx 1 u g 7 Jan 01 2020 l\x1b[31m -> t\r", NOW, &e);
	s = format_entry_long(&e, NOW, 3);
	CHECK_STR(s, "lrwxrwxrwx   1 u        g          7 Jan  1  2020 l\\e[31m -> t\\r");
	free(s);
	ftp_entry_clear(&e);

	parse_mlsd_line("type=dir;modify=20261122032200; d", &e);
	s = format_entry_long(&e, NOW, 1);
	CHECK_STR(s, "d---------   - -        -        - Nov 22 03:22 d");
	free(s);
	ftp_entry_clear(&e);

	/* more than six months away: the year instead of the time */
	parse_mlsd_line("type=file;size=1;modify=20250101120000; old", &e);
	s = format_entry_long(&e, NOW, 2);
	CHECK_STR(s, "----------   - -        -         1 Jan  1  2025 old");
	free(s);
	ftp_entry_clear(&e);

	parse_mlsd_line(" \xc3\xa9\x9b", &e);
	s = format_entry_long(&e, NOW, 0);
	CHECK_STR(s, "----------   - -        -        - -            \xc3\xa9\\x9b");
	free(s);
	ftp_entry_clear(&e);
}

static const struct {
	const char *name;
	int safe;
} names[] = {
	{ "file.txt", 1 }, { "with space", 1 }, { ".hidden", 1 }, { "...", 1 },
	{ "caf\xc3\xa9", 1 }, { "\xe6\x97\xa5\xe6\x9c\xac", 1 }, { "-dash", 1 },
	{ "../x", 0 }, { "/etc/x", 0 }, { "a/b", 0 }, { "a\\b", 0 },
	{ ".", 0 }, { "..", 0 }, { "", 0 }, { "\x1b[31m", 0 }, { "a\nb", 0 },
	{ "a\rb", 0 }, { "tab\t", 0 }, { "del\x7f", 0 }, { "x/", 0 },
	/* C1 controls: lone 0x9b (8-bit CSI), U+009B in UTF-8; but Latin-1
	 * letters and UTF-8 with continuation bytes in 0x80..0x9f pass */
	{ "bare\x9b" "csi", 0 }, { "u\xc2\x9b" "x", 0 }, { "u\xc2\x85", 0 },
	{ "caf\xe9", 1 }, { "\xc4\x9b", 1 }, { "\xe2\x82\xac", 1 },
};

static void test_safe(void)
{
	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		CHECK_INT(entry_name_is_safe(names[i].name), names[i].safe);
	CHECK_INT(entry_name_is_safe(NULL), 0);
}

int main(int argc, char **argv)
{
	(void)argc;
	/* format_entry_long uses local time */
	setenv("TZ", "UTC", 1);
	tzset();
	test_lines();
	test_years();
	test_listing();
	test_format();
	test_safe();
	return check_summary(argv[0]);
}
