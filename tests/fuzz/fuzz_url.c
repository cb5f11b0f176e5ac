/* URL parsing: on success the parts must be usable as they are (a host,
 * no control character that could end an FTP command line), on failure the
 * structure is empty and there is a message. */
#include "fuzz.h"
#include "url.h"

static void check_part(const char *s, int may_be_null)
{
	if (!s) {
		FUZZ_ASSERT(may_be_null);
		return;
	}
	for (const char *c = s; *c; c++)
		FUZZ_ASSERT((unsigned char)*c >= 0x20 && *c != 0x7f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	struct ftps_url u;
	const char *err = NULL;

	if (url_parse(s, &u, &err) == 0) {
		check_part(u.host, 0);
		FUZZ_ASSERT(u.host[0] != '\0');
		FUZZ_ASSERT(!strchr(u.host, '[') && !strchr(u.host, '/'));
		check_part(u.user, 1);
		check_part(u.password, 1);
		check_part(u.path, 1);
		FUZZ_ASSERT(u.password == NULL || u.user != NULL);
		(void)host_is_ip_literal(u.host);
		url_clear(&u);
		FUZZ_ASSERT(u.host == NULL);
	} else {
		FUZZ_ASSERT(err != NULL);
		FUZZ_ASSERT(!u.host && !u.user && !u.password && !u.path);
	}
	free(s);
	return 0;
}
