/* known_servers: a parsed file gives entries the verifier can rely on (a
 * host, a port, a well-formed pin), each findable; a file that does not
 * parse trusts nothing and names a line. Writing the entries back in the
 * documented format ("HOST PORT PIN [DATE] [# comment]") and parsing that
 * must give the same entries. */
#include "fuzz.h"
#include "trust/store.h"
#include "util/buf.h"

#include <strings.h>

static void check_entries(const struct known_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct known_entry *e = &l->v[i];
		FUZZ_ASSERT(e->host && e->host[0]);
		FUZZ_ASSERT(!strpbrk(e->host, " \t\r\n"));
		FUZZ_ASSERT(e->port >= 1);
		FUZZ_ASSERT(pin_is_valid(e->pin));
		FUZZ_ASSERT(e->line >= 1);
		FUZZ_ASSERT(i == 0 || e->line > l->v[i - 1].line);
		/* known_find returns the first entry for host and port. */
		const struct known_entry *f = known_find(l, e->host, e->port);
		FUZZ_ASSERT(f && f <= e && f->port == e->port &&
			    strcasecmp(f->host, e->host) == 0);
	}
}

static char *serialise(const struct known_list *l)
{
	struct buf b = { 0 };

	for (size_t i = 0; i < l->n; i++) {
		const struct known_entry *e = &l->v[i];
		buf_printf(&b, "%s %u %s", e->host, (unsigned)e->port, e->pin);
		if (e->date[0])
			buf_printf(&b, " %s", e->date);
		if (e->comment)
			buf_printf(&b, " # %s", e->comment);
		buf_append(&b, "\n", 1);
	}
	return buf_steal(&b);
}

static int same_entry(const struct known_entry *a, const struct known_entry *b)
{
	return strcmp(a->host, b->host) == 0 && a->port == b->port &&
	       strcmp(a->pin, b->pin) == 0 && strcmp(a->date, b->date) == 0 &&
	       (a->comment == NULL) == (b->comment == NULL) &&
	       (!a->comment || strcmp(a->comment, b->comment) == 0);
}

static void round_trip(const struct known_list *l)
{
	char *text = serialise(l);
	struct known_list m;
	size_t bad = 0;
	const char *why = NULL;
	int rc = known_parse(text, strlen(text), &m, &bad, &why);

	if (rc != 0)
		fprintf(stderr, "re-parse failed at line %zu: %s\n", bad, why);
	FUZZ_ASSERT(rc == 0 && m.n == l->n);
	for (size_t i = 0; i < m.n; i++)
		FUZZ_ASSERT(same_entry(&m.v[i], &l->v[i]));
	known_list_clear(&m);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct known_list l;
	size_t bad = 0;
	const char *why = NULL;

	if (known_parse((const char *)data, size, &l, &bad, &why) == 0) {
		check_entries(&l);
		round_trip(&l);
		known_list_clear(&l);
	} else {
		FUZZ_ASSERT(l.n == 0 && l.v == NULL);
		FUZZ_ASSERT(bad >= 1 && why != NULL);
	}
	return 0;
}
