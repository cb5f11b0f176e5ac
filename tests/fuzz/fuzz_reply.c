/* Reply assembly: feeding the input in one piece and in chunks of sizes
 * chosen by the input itself must give the same replies and the same error,
 * and every reply must respect the parser's bounds. The reply texts then go
 * through parse_feat, which reads them in the client. */
#include "fuzz.h"
#include "proto/parse.h"
#include "proto/reply.h"
#include "util/buf.h"

/* Everything observable about a run, serialised for comparison. */
struct outcome {
	struct buf log;
	long err;
};

static void check_reply(const struct ftp_reply *r)
{
	FUZZ_ASSERT(r->code >= 100 && r->code <= 599);
	FUZZ_ASSERT(r->nlines >= 1 && r->nlines <= REPLY_MAX_LINES);
	FUZZ_ASSERT(r->text != NULL && r->text[r->text_len] == '\0');
	FUZZ_ASSERT(r->text_len <= r->nlines * (REPLY_MAX_LINE + 1));
	(void)parse_feat(r->text);
}

static void record(struct outcome *o, struct reply_parser *p)
{
	struct ftp_reply r;

	reply_parser_take(p, &r);
	check_reply(&r);
	buf_printf(&o->log, "%d %zu %zu:", r.code, r.nlines, r.text_len);
	buf_append(&o->log, r.text, r.text_len);
	ftp_reply_clear(&r);
	FUZZ_ASSERT(!reply_parser_done(p));
}

/* Feed data[0..size) in chunks; next_chunk gives each chunk's size. */
static void run(const uint8_t *data, size_t size, struct outcome *o,
		size_t (*next_chunk)(size_t *state), size_t state)
{
	struct reply_parser *p = reply_parser_new();
	size_t pos = 0;

	o->err = 0;
	while (pos < size) {
		size_t want = next_chunk(&state), end = pos + want;
		if (end > size || want == 0)
			end = size;
		/* One chunk may hold several replies: the parser stops after
		 * each, and the rest is fed again. */
		while (pos < end) {
			long n = reply_parser_feed(p, (const char *)data + pos,
						   end - pos);
			if (n < 0) {
				o->err = n;
				reply_parser_free(p);
				return;
			}
			FUZZ_ASSERT((size_t)n <= end - pos);
			pos += (size_t)n;
			if (reply_parser_done(p))
				record(o, p);
			else
				FUZZ_ASSERT(pos == end); /* no progress = hang */
		}
	}
	reply_parser_free(p);
}

static size_t whole(size_t *state)
{
	(void)state;
	return SIZE_MAX;
}

/* A small xorshift generator seeded from the input: deterministic, so a
 * crashing input reproduces, and different for every input. */
static size_t random_chunk(size_t *state)
{
	size_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	/* Mostly tiny chunks (1-byte TCP segments), sometimes larger. */
	return (x & 7) == 0 ? (x >> 3) % 512 + 1 : (x >> 3) % 4 + 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct outcome a = { { 0 }, 0 }, b = { { 0 }, 0 };
	size_t seed = 0x9e3779b97f4a7c15u;

	for (size_t i = 0; i < size; i++)
		seed = (seed ^ data[i]) * 0x100000001b3u;
	run(data, size, &a, whole, 0);
	run(data, size, &b, random_chunk, seed | 1);
	FUZZ_ASSERT(a.err == b.err);
	FUZZ_ASSERT(a.log.len == b.log.len);
	FUZZ_ASSERT(a.log.len == 0 || memcmp(a.log.data, b.log.data, a.log.len) == 0);
	buf_free(&a.log);
	buf_free(&b.log);
	return 0;
}
