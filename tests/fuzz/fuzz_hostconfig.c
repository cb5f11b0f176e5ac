/* The per-host settings file: any text either parses, with every value
 * passing its key's check again through the typed accessors, or fails with
 * a line number inside the text and nothing left allocated. Lookups of a
 * few names exercise the pattern matcher on the file's own patterns. */
#include "fuzz.h"
#include "cli/hostconfig.h"

static void lookup(const struct hostconfig *c, const char *host)
{
	struct hc_values v;
	hostconfig_lookup(c, host, &v);
	/* A value that passed the parser is a valid number or choice. */
	if (v.v[HC_PORT])
		FUZZ_ASSERT(hc_number(&v, HC_PORT) >= 1);
	if (v.v[HC_MODE])
		FUZZ_ASSERT(hc_choice(&v, HC_MODE) >= 0);
	if (v.v[HC_TRUST])
		FUZZ_ASSERT(hc_choice(&v, HC_TRUST) >= 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const hosts[] = { "nas", "a.example.com", "", "*" };
	struct hostconfig c = { 0 };
	struct hc_error e = { 0 };
	unsigned lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (hostconfig_parse((const char *)data, size, &c, &e) < 0) {
		FUZZ_ASSERT(c.n == 0 && c.v == NULL);
		FUZZ_ASSERT(e.line >= 1 && e.line <= lines);
		FUZZ_ASSERT(memchr(e.msg, '\0', sizeof(e.msg)) != NULL);
		return 0;
	}
	for (size_t i = 0; i < 4; i++)
		lookup(&c, hosts[i]);
	char **names = NULL;
	size_t n = hostconfig_names(&c, &names);
	for (size_t i = 0; i < n; i++) {
		FUZZ_ASSERT(!strpbrk(names[i], "*?!"));
		free(names[i]);
	}
	free(names);
	hostconfig_clear(&c);
	return 0;
}
