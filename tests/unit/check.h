/* Minimal assertions for the unit tests: count checks and failures, print
 * file:line and both values on failure, keep going. main() ends with
 * "return check_summary(argv[0]);", non-zero if anything failed. */
#ifndef FTPS_CHECK_H
#define FTPS_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_count, check_failed;

#define CHECK(cond) do { \
	check_count++; \
	if (!(cond)) { \
		check_failed++; \
		fprintf(stderr, "%s:%d: CHECK(%s) failed\n", \
			__FILE__, __LINE__, #cond); \
	} \
} while (0)

#define CHECK_INT(a, b) do { \
	long long check_a_ = (long long)(a), check_b_ = (long long)(b); \
	check_count++; \
	if (check_a_ != check_b_) { \
		check_failed++; \
		fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n", \
			__FILE__, __LINE__, #a, #b, check_a_, check_b_); \
	} \
} while (0)

/* Either side may be NULL; NULL equals only NULL. */
#define CHECK_STR(a, b) do { \
	const char *check_a_ = (a), *check_b_ = (b); \
	check_count++; \
	if ((check_a_ == NULL) != (check_b_ == NULL) || \
	    (check_a_ && strcmp(check_a_, check_b_) != 0)) { \
		check_failed++; \
		fprintf(stderr, "%s:%d: %s == %s failed: \"%s\" != \"%s\"\n", \
			__FILE__, __LINE__, #a, #b, \
			check_a_ ? check_a_ : "(null)", \
			check_b_ ? check_b_ : "(null)"); \
	} \
} while (0)

/* Byte comparison, for data with embedded NULs. */
#define CHECK_MEM(a, alen, b, blen) do { \
	size_t check_al_ = (alen), check_bl_ = (blen); \
	check_count++; \
	if (check_al_ != check_bl_ || memcmp((a), (b), check_al_) != 0) { \
		check_failed++; \
		fprintf(stderr, "%s:%d: %s == %s failed (lengths %zu, %zu)\n", \
			__FILE__, __LINE__, #a, #b, check_al_, check_bl_); \
	} \
} while (0)

static inline int check_summary(const char *prog)
{
	printf("%s: %d checks, %d failed\n", prog, check_count, check_failed);
	return check_failed ? 1 : 0;
}

#endif
