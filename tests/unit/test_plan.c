/* The transfer planner without a server: get against a fake remote tree
 * and a fake local file system, put against a real temporary directory
 * and a fake server. Each case is a command line and the jobs, calls and
 * messages it must give, in order. */
#include "check.h"
#include "cli/args.h"
#include "cli/argv.h"
#include "cli/transfer_plan.h"
#include "proto/listing.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define D (-2) /* size of a directory in the fake tree */

/* --- the fake server: one tree, listed a directory at a time --- */

static const struct {
	const char *path;
	int64_t size, mtime; /* size D: a directory */
} tree[] = {
	{ "big", D, -1 },
	{ "big/1", 1, 1 }, { "big/2", 1, 1 }, { "big/3", 1, 1 },
	{ "big/4", 1, 1 }, { "big/5", 1, 1 },
	{ "evil", D, -1 },
	{ "evil/bad\\name", 1, 1 },
	{ "evil/ok", 3, 30 },
	{ "pub", D, -1 },
	{ "pub/a.txt", 10, 100 },
	{ "pub/b.txt", 20, 200 },
	{ "pub/sub", D, -1 },
	{ "pub/sub/c.bin", 30, 300 },
	{ "pub/x", 1, 11 },
	{ "pub/x.part", 2, 22 },
	{ "readme", 5, 50 },
};

/* Everything the planner asked for and said, one line each. */
static struct buf trail;

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void note(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	buf_append(&trail, s, strlen(s));
	buf_append(&trail, "\n", 1);
	free(s);
}

static void entry_add(struct rlist *l, int t)
{
	const char *slash = strrchr(tree[t].path, '/');
	const char *name = slash ? slash + 1 : tree[t].path;
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = (struct rentry){
		xstrdup(tree[t].path), xstrdup(name), tree[t].size == D,
		tree[t].size == D ? -1 : tree[t].size, tree[t].mtime,
		!entry_name_is_safe(name), 0, tree[t].mtime, 0,
	};
}

static int fake_rlist(void *ctx, const char *dir, struct rlist *out)
{
	(void)ctx;
	size_t n = strlen(dir);
	for (size_t t = 0; t < ARRAY_LEN(tree); t++)
		if (!strncmp(tree[t].path, dir, n) && tree[t].path[n] == '/' &&
		    !strchr(tree[t].path + n + 1, '/'))
			entry_add(out, (int)t);
	return 0;
}

/* Like remote_glob: a plain word gives itself, type unknown. */
static int fake_rglob(void *ctx, const struct word *w, struct rlist *out)
{
	(void)ctx;
	if (!w->wild) {
		out->v = xcalloc(1, sizeof(*out->v));
		out->v[0] = (struct rentry){ xstrdup(w->text), NULL, -1, -1, -1, 0, 0, -1, -1 };
		const char *slash = strrchr(w->text, '/');
		out->v[0].name = xstrdup(slash ? slash + 1 : w->text);
		out->n = 1;
		return 0;
	}
	for (size_t t = 0; t < ARRAY_LEN(tree); t++)
		if (!fnmatch(w->pattern, tree[t].path, FNM_PATHNAME | FNM_PERIOD))
			entry_add(out, (int)t);
	if (out->n)
		return 0;
	note("%s: no match", w->text);
	return FTPS_ERR_ARG;
}

static int fake_ris_dir(void *ctx, const char *path)
{
	(void)ctx;
	note("ris_dir %s", path);
	for (size_t t = 0; t < ARRAY_LEN(tree); t++)
		if (!strcmp(tree[t].path, path))
			return tree[t].size == D;
	return 0;
}

/* "fail/...": the connection drops. */
static int fake_rmkdir(void *ctx, const char *path)
{
	(void)ctx;
	note("rmkdir %s", path);
	return strncmp(path, "fail", 4) ? 0 : FTPS_ERR_CONNECT;
}

/* --- the fake local file system of the get cases --- */

#define LOCAL_MAX 32
static struct { char path[64]; mode_t mode; } local[LOCAL_MAX];
static size_t nlocal;

static void local_set(const char *path, mode_t mode)
{
	if (nlocal == LOCAL_MAX)
		abort();
	snprintf(local[nlocal].path, sizeof(local[nlocal].path), "%s", path);
	local[nlocal++].mode = mode;
}

/* A link leads to a directory. */
static int fake_lstat(void *ctx, const char *path, struct stat *st, int follow)
{
	(void)ctx;
	for (size_t i = 0; i < nlocal; i++) {
		if (strcmp(local[i].path, path))
			continue;
		memset(st, 0, sizeof(*st));
		st->st_mode = follow && S_ISLNK(local[i].mode) ? S_IFDIR : local[i].mode;
		return 0;
	}
	errno = ENOENT;
	return -1;
}

static int fake_lmkdir(void *ctx, const char *path)
{
	struct stat st;
	note("lmkdir %s", path);
	if (fake_lstat(ctx, path, &st, 0) == 0) {
		errno = EEXIST;
		return -1;
	}
	local_set(path, S_IFDIR);
	return 0;
}

static char *fake_partial(const char *path)
{
	return xasprintf("%s.part", path);
}

static void fake_report(void *ctx, const char *msg)
{
	(void)ctx;
	note("msg %s", msg);
}

/* --- running one case --- */

/* The jobs as lines "SRC>DST SIZE MTIME", " P" when part_taken. */
static char *jobs_text(const struct jobs *j)
{
	struct buf b = { 0 };
	for (size_t i = 0; i < j->n; i++) {
		char *line = xasprintf("%s>%s %lld %lld%s\n", j->v[i].src, j->v[i].dst,
				       (long long)j->v[i].size, (long long)j->v[i].mtime,
				       j->v[i].part_taken ? " P" : "");
		buf_append(&b, line, strlen(line));
		free(line);
	}
	buf_append(&b, "", 1);
	return buf_steal(&b);
}

struct plan_case {
	const char *line;   /* "get -r pub dl" */
	int max_entries;    /* 0: 100 */
	const char *locals; /* get: local paths that exist, "d:dl l:dl/x f:y" */
	int rc;
	const char *jobs;   /* as jobs_text */
	const char *trail;  /* calls and messages, in order */
};

static void locals_load(const char *spec)
{
	nlocal = 0;
	for (const char *p = spec ? spec : ""; *p;) {
		size_t n = strcspn(p, " ");
		char *path = xstrndup(p + 2, n - 2);
		local_set(path, p[0] == 'd' ? S_IFDIR : p[0] == 'l' ? S_IFLNK : S_IFREG);
		free(path);
		p += n + strspn(p + n, " ");
	}
}

static void run_case(const struct plan_case *c, const struct plan_io *io)
{
	struct word *w = NULL;
	int n = 0;
	const char *err = NULL;
	CHECK_INT(argv_split_words(c->line, &n, &w, &err), 0);
	struct cmd_args a;
	char *perr = NULL;
	CHECK_INT(args_parse("rcP:", NULL, n, w, &a, &perr), 0);
	free(w);
	struct plan_opts o = { args_has(&a, 'r'), c->max_entries ? c->max_entries : 100 };
	struct jobs j = { 0 };
	buf_free(&trail);
	int rc = !strncmp(c->line, "put", 3) ? plan_put(io, &o, a.argc, a.argv, &j)
					     : plan_get(io, &o, a.argc, a.argv, &j);
	char *got = jobs_text(&j);
	buf_append(&trail, "", 1);
	if (rc != c->rc || strcmp(got, c->jobs) || strcmp(trail.data, c->trail))
		fprintf(stderr, "case: %s\n", c->line);
	CHECK_INT(rc, c->rc);
	CHECK_STR(got, c->jobs);
	CHECK_STR(trail.data, c->trail);
	CHECK_INT(j.upload, !strncmp(c->line, "put", 3));
	free(got);
	jobs_clear(&j);
	args_free(&a);
}

static const struct plan_case get_cases[] = {
	/* a plain file: its own name, a new local name, into a directory */
	{ "get readme", 0, NULL, 0, "readme>readme -1 -1\n", "" },
	{ "get readme local.txt", 0, NULL, 0, "readme>local.txt -1 -1\n", "" },
	{ "get readme dl", 0, "d:dl", 0, "readme>dl/readme -1 -1\n", "" },
	{ "get readme pub/a.txt dl", 0, "d:dl", 0,
	  "readme>dl/readme -1 -1\npub/a.txt>dl/a.txt -1 -1\n", "" },
	/* a glob: the listing's sizes and times come along */
	{ "get pub/*.txt dl", 0, "d:dl", 0,
	  "pub/a.txt>dl/a.txt 10 100\npub/b.txt>dl/b.txt 20 200\n", "" },
	{ "get pub/*.txt", 0, NULL, 0,
	  "pub/a.txt>a.txt 10 100\npub/b.txt>b.txt 20 200\n", "" },
	{ "get 'pub/*.txt'", 0, NULL, 0, "pub/*.txt>*.txt -1 -1\n", "" },
	{ "get nothing*", 0, NULL, FTPS_ERR_ARG, "", "nothing*: no match\n" },
	/* a directory without -r: said and skipped */
	{ "get pub/s*", 0, NULL, 0, "",
	  "msg get: pub/sub: is a directory (use get -r)\n" },
	/* -r over a tree: directories made before their files; x's partial
	 * name is x.part, which this transfer also writes */
	{ "get -r pub dl", 0, "d:dl", 0,
	  "pub/a.txt>dl/pub/a.txt 10 100\npub/b.txt>dl/pub/b.txt 20 200\n"
	  "pub/sub/c.bin>dl/pub/sub/c.bin 30 300\npub/x>dl/pub/x 1 11 P\n"
	  "pub/x.part>dl/pub/x.part 2 22\n",
	  "ris_dir pub\nlmkdir dl/pub\nlmkdir dl/pub/sub\n" },
	{ "get -r pub/x*", 0, NULL, 0, "pub/x>x 1 11 P\npub/x.part>x.part 2 22\n", "" },
	{ "get pub/x", 0, NULL, 0, "pub/x>x -1 -1\n", "" },
	/* -r into a directory that exists already, or a file in the way */
	{ "get -r pub/s*", 0, "d:sub", 0, "pub/sub/c.bin>sub/c.bin 30 300\n",
	  "lmkdir sub\n" },
	{ "get -r pub", 0, "f:pub", FTPS_ERR_LOCAL, "",
	  "ris_dir pub\nlmkdir pub\nmsg get: pub: File exists\n" },
	/* the listing cap: an error, and nothing is fetched */
	{ "get -r big", 3, NULL, FTPS_ERR_TOOLONG, "",
	  "ris_dir big\nlmkdir big\nmsg get: stopped after listing 5 entries "
	  "(set max-entries to raise the limit)\n" },
	{ "get -r big", 5, NULL, 0,
	  "big/1>big/1 1 1\nbig/2>big/2 1 1\nbig/3>big/3 1 1\nbig/4>big/4 1 1\n"
	  "big/5>big/5 1 1\n", "ris_dir big\nlmkdir big\n" },
	/* unsafe names: skipped in a walk, refused as a local name */
	{ "get -r evil", 0, NULL, 0, "evil/ok>evil/ok 3 30\n",
	  "ris_dir evil\nlmkdir evil\n"
	  "msg warning: skipping unsafe name from the server: bad\\name\n" },
	{ "get ..", 0, NULL, FTPS_ERR_USAGE, "",
	  "msg get: ..: cannot make a local name from it; give one\n" },
	{ "get .. up", 0, NULL, 0, "..>up -1 -1\n", "" },
	/* a symbolic link where a downloaded directory goes: not followed,
	 * and the jobs planned before it are dropped */
	{ "get -r pub dl", 0, "d:dl l:dl/pub", FTPS_ERR_LOCAL, "",
	  "ris_dir pub\nmsg get: dl/pub: is a symbolic link; not following it\n" },
	{ "get -r pub dl", 0, "d:dl d:dl/pub l:dl/pub/sub", FTPS_ERR_LOCAL, "",
	  "ris_dir pub\nlmkdir dl/pub\n"
	  "msg get: dl/pub/sub: is a symbolic link; not following it\n" },
	/* ...unless the user named it: a link to a directory is a target */
	{ "get -r pub/sub mine", 0, "l:mine", 0, "pub/sub/c.bin>mine/sub/c.bin 30 300\n",
	  "ris_dir pub/sub\nlmkdir mine/sub\n" },
};

/* The put cases run in a temporary directory holding tree/.hidden,
 * tree/a.txt, tree/sub/b.txt, tree/sub/deep/c.txt, file1.txt, file2.txt,
 * x and x.part. */
static const struct plan_case put_cases[] = {
	{ "put file1.txt", 0, NULL, 0, "file1.txt>file1.txt -1 -1\n", "" },
	{ "put file1.txt up.txt", 0, NULL, 0, "file1.txt>up.txt -1 -1\n", "" },
	{ "put file1.txt up", 0, NULL, 0, "file1.txt>up -1 -1\n", "" },
	{ "put file*.txt up/", 0, NULL, 0,
	  "file1.txt>up/file1.txt -1 -1\nfile2.txt>up/file2.txt -1 -1\n", "" },
	{ "put file1.txt file2.txt up/", 0, NULL, 0,
	  "file1.txt>up/file1.txt -1 -1\nfile2.txt>up/file2.txt -1 -1\n", "" },
	{ "put 'file*.txt'", 0, NULL, 0, "file*.txt>file*.txt -1 -1\n", "" },
	{ "put nothing*", 0, NULL, FTPS_ERR_ARG, "", "msg put: nothing*: no match\n" },
	/* uploads never take the x / x.part precaution: nothing is renamed */
	{ "put x* up/", 0, NULL, 0, "x>up/x -1 -1\nx.part>up/x.part -1 -1\n", "" },
	{ "put tree", 0, NULL, FTPS_ERR_USAGE, "",
	  "msg put: tree: is a directory (use put -r)\n" },
	{ "put -r tree up/", 0, NULL, 0,
	  "tree/.hidden>up/tree/.hidden -1 -1\ntree/a.txt>up/tree/a.txt -1 -1\n"
	  "tree/sub/b.txt>up/tree/sub/b.txt -1 -1\n"
	  "tree/sub/deep/c.txt>up/tree/sub/deep/c.txt -1 -1\n",
	  "rmkdir up/tree\nrmkdir up/tree/sub\nrmkdir up/tree/sub/deep\n" },
	{ "put -r tree/sub there", 0, NULL, 0,
	  "tree/sub/b.txt>there/b.txt -1 -1\ntree/sub/deep/c.txt>there/deep/c.txt -1 -1\n",
	  "rmkdir there\nrmkdir there/deep\n" },
	{ "put -r tree fail/", 0, NULL, FTPS_ERR_CONNECT, "", "rmkdir fail/tree\n" },
};

static void make_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
}

static const char *put_files[] = { "tree/.hidden", "tree/a.txt", "tree/sub/b.txt",
	"tree/sub/deep/c.txt", "file1.txt", "file2.txt", "x", "x.part" };
static const char *put_dirs[] = { "tree/sub/deep", "tree/sub", "tree" };

static void test_put(struct plan_io *io)
{
	char tmp[] = "/tmp/test_plan.XXXXXX";
	char *old = getcwd(NULL, 0);
	CHECK(mkdtemp(tmp) != NULL);
	CHECK_INT(chdir(tmp), 0);
	for (size_t i = ARRAY_LEN(put_dirs); i-- > 0;)
		CHECK_INT(mkdir(put_dirs[i], 0700), 0);
	for (size_t i = 0; i < ARRAY_LEN(put_files); i++)
		make_file(put_files[i]);
	plan_io_local(io);
	for (size_t i = 0; i < ARRAY_LEN(put_cases); i++)
		run_case(&put_cases[i], io);
	for (size_t i = 0; i < ARRAY_LEN(put_files); i++)
		unlink(put_files[i]);
	for (size_t i = 0; i < ARRAY_LEN(put_dirs); i++)
		rmdir(put_dirs[i]);
	CHECK_INT(chdir(old), 0);
	CHECK_INT(rmdir(tmp), 0);
	free(old);
}

int main(int argc, char **argv)
{
	(void)argc;
	struct plan_io io = {
		.rlist = fake_rlist, .rglob = fake_rglob, .ris_dir = fake_ris_dir,
		.rmkdir = fake_rmkdir, .lstat = fake_lstat, .lmkdir = fake_lmkdir,
		.partial_name = fake_partial, .report = fake_report,
	}; /* get never scans or globs locally: lscan and lglob stay NULL */
	for (size_t i = 0; i < ARRAY_LEN(get_cases); i++) {
		locals_load(get_cases[i].locals);
		run_case(&get_cases[i], &io);
	}
	test_put(&io);
	buf_free(&trail);
	return check_summary(argv[0]);
}
