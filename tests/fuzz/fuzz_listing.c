/* Directory listings, as LIST and as MLSD: every entry parse_listing returns
 * is formatted for "ls -l" and judged by entry_name_is_safe, as the client
 * does with whatever a server sends. */
#include "fuzz.h"
#include "proto/listing.h"

/* A fixed "now" (2026-11-22 03:22 UTC) so that replays are reproducible. */
#define FUZZ_NOW 1795317720LL
#define MAX_ENTRIES 64

static void check_entry(const struct ftp_entry *e)
{
	FUZZ_ASSERT(e->name != NULL);
	FUZZ_ASSERT(e->perms[10] == '\0');
	FUZZ_ASSERT(e->size >= -1 && e->mtime >= -1);
	FUZZ_ASSERT(!e->mtime_has_time || e->mtime >= 0);

	char *s = format_entry_long(e, FUZZ_NOW, 8);
	/* Server text reaches the terminal only through the sanitiser. */
	FUZZ_ASSERT(!fuzz_has_ctl(s, strlen(s)));
	free(s);

	if (entry_name_is_safe(e->name)) {
		FUZZ_ASSERT(!strchr(e->name, '/') && !strchr(e->name, '\\'));
		FUZZ_ASSERT(strcmp(e->name, ".") != 0 && strcmp(e->name, "..") != 0);
		for (const char *c = e->name; *c; c++)
			FUZZ_ASSERT((unsigned char)*c >= 0x20 && *c != 0x7f);
	}
}

static void run(const uint8_t *data, size_t size, int mlsd)
{
	struct ftp_entry *v;
	size_t n;
	int rc = parse_listing((const char *)data, size, mlsd, FUZZ_NOW,
			       MAX_ENTRIES, &v, &n);

	if (rc < 0) {
		FUZZ_ASSERT(v == NULL && n == 0);
		return;
	}
	FUZZ_ASSERT(n <= MAX_ENTRIES);
	for (size_t i = 0; i < n; i++)
		check_entry(&v[i]);
	ftp_entries_free(v, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	run(data, size, 0);
	run(data, size, 1);
	return 0;
}
