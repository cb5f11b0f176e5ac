/* The reply-text parsers (227, 229, 257, 213 SIZE/MDTM, FEAT) on the same
 * text, each checked against what its result promises; MDTM and SIZE are
 * also compared with the C library's own conversions. */
#include "fuzz.h"
#include "proto/parse.h"

#include <string.h>
#include <time.h>

static void check_mdtm(const char *text)
{
	int64_t t;

	if (parse_213_mdtm(text, &t) != 0)
		return;
	/* Success means 14 digits after optional spaces: redo it with timegm. */
	const char *s = text + strspn(text, " ");
	struct tm tm = { 0 };
	char f[5] = { 0 };
	int v[6], w[6] = { 4, 2, 2, 2, 2, 2 };

	for (int i = 0; i < 6; i++) {
		memcpy(f, s, (size_t)w[i]);
		f[w[i]] = '\0';
		v[i] = atoi(f);
		s += w[i];
	}
	tm.tm_year = v[0] - 1900;
	tm.tm_mon = v[1] - 1;
	tm.tm_mday = v[2];
	tm.tm_hour = v[3];
	tm.tm_min = v[4];
	tm.tm_sec = v[5];
	FUZZ_ASSERT((int64_t)timegm(&tm) == t);
	/* timegm normalises out-of-range fields; the parser must refuse them
	 * instead (a leap second, :60, is the one exception). */
	FUZZ_ASSERT(tm.tm_mday == v[2] || v[5] == 60);
}

static void check_size(const char *text)
{
	int64_t size;

	if (parse_213_size(text, &size) != 0)
		return;
	FUZZ_ASSERT(size >= 0);
	FUZZ_ASSERT(strtoll(text, NULL, 10) == size);
}

static void check_opened(const char *text)
{
	int64_t size;

	if (parse_150_size(text, &size) != 0)
		return;
	FUZZ_ASSERT(size >= 0);
	FUZZ_ASSERT(strstr(text, " bytes)") != NULL && strchr(text, '(') != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	uint16_t port = 0;
	char *path = NULL;

	if (parse_227(text, &port) == 0)
		FUZZ_ASSERT(port != 0);
	port = 0;
	if (parse_229(text, &port) == 0)
		FUZZ_ASSERT(port != 0);
	if (parse_257(text, &path) == 0) {
		FUZZ_ASSERT(path && path[0] != '\0');
		FUZZ_ASSERT(strlen(path) < strlen(text));
		free(path);
	}
	check_size(text);
	check_opened(text);
	check_mdtm(text);
	(void)parse_feat(text);
	free(text);
	return 0;
}
