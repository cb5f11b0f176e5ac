#include "util/digest.h"
#include "util/error.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <gnutls/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define CHUNK (256 * 1024)

/* CRC-32 as XCRC gives it (IEEE 802.3, the one of zlib and cksum -o 3). */
static uint32_t crc32_update(uint32_t crc, const unsigned char *p, size_t n)
{
	crc = ~crc;
	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

static void to_hex(const unsigned char *d, size_t n, char *hex)
{
	for (size_t i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

int file_digest(const char *path, enum ftp_hash_algo algo, char *hex)
{
	gnutls_digest_algorithm_t g = algo == FTP_HASH_SHA256 ? GNUTLS_DIG_SHA256
		: algo == FTP_HASH_SHA1 ? GNUTLS_DIG_SHA1 : GNUTLS_DIG_MD5;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return FTPS_ERR_LOCAL;
	gnutls_hash_hd_t h = NULL;
	if (algo != FTP_HASH_CRC32 && gnutls_hash_init(&h, g) < 0) {
		close(fd);
		errno = EINVAL;
		return FTPS_ERR_LOCAL;
	}
	unsigned char *buf = xmalloc_pages(CHUNK);
	uint32_t crc = 0;
	ssize_t n;
	while ((n = read(fd, buf, CHUNK)) > 0) {
		if (h)
			gnutls_hash(h, buf, (size_t)n);
		else
			crc = crc32_update(crc, buf, (size_t)n);
	}
	int e = errno;
	close(fd);
	free(buf);
	unsigned char out[64];
	if (h)
		gnutls_hash_deinit(h, out);
	if (n < 0) {
		errno = e;
		return FTPS_ERR_LOCAL;
	}
	if (h)
		to_hex(out, gnutls_hash_get_len(g), hex);
	else
		snprintf(hex, 9, "%08x", crc);
	return 0;
}
