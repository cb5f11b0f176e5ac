/* Shared by the fuzz targets. Each target defines LLVMFuzzerTestOneInput and
 * checks properties that must hold for every input; a broken property aborts
 * so that libFuzzer (and the replay program under meson test) reports it. */
#ifndef FTPS_FUZZ_H
#define FTPS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: property failed: %s\n", \
			__FILE__, __LINE__, #cond); \
		abort(); \
	} \
} while (0)

/* The input up to its first NUL, as a C string: the parsers that take C
 * strings never see bytes past a NUL anyway. Caller frees. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);

	return xstrndup((const char *)data, nul ? (size_t)(nul - data) : size);
}

/* Non-zero if s (n bytes) has a byte a terminal would act on. */
static inline int fuzz_has_ctl(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			return 1;
		/* C1 controls in UTF-8: 0xc2 0x80..0x9f. */
		if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9f)
			return 1;
	}
	return 0;
}

#endif
