/* A local file's content hash, to compare with what a server computes
 * (HASH, XSHA256, XCRC...). */
#ifndef FTPS_DIGEST_H
#define FTPS_DIGEST_H

#include "ftp/ops.h"

/* The hash of the file at path (lowercase hex into hex,
 * FTP_HASH_HEX_MAX + 1 bytes). 0, or FTPS_ERR_LOCAL with errno set. */
int file_digest(const char *path, enum ftp_hash_algo algo, char *hex);

#endif
