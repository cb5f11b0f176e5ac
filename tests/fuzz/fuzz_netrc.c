/* ~/.netrc text: looked up for a few host/user pairs that the seeds use.
 * A match hands over newly allocated strings (ASan's leak checker and
 * double-free detection watch the ownership transfer). */
#include "fuzz.h"
#include "netrc.h"

static void lookup(const char *text, size_t len, const char *host,
		   const char *user)
{
	char *login = (char *)1, *password = (char *)1;
	int rc = netrc_lookup_text(text, len, host, user, &login, &password);

	FUZZ_ASSERT(rc == 0 || rc == 1);
	if (rc == 0) {
		FUZZ_ASSERT(login == NULL && password == NULL);
		return;
	}
	/* The entry asked for a different user: it must not match. */
	if (user && login)
		FUZZ_ASSERT(strcmp(login, user) == 0);
	free(login);
	free_secret(password);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const hosts[] = { "h", "ftp.example.com", "a" };
	static const char *const users[] = { NULL, "u", "alice" };
	const char *text = (const char *)data;

	for (size_t i = 0; i < 3; i++)
		for (size_t j = 0; j < 3; j++)
			lookup(text, size, hosts[i], users[j]);
	return 0;
}
