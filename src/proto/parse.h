/* Parsers for the reply texts that carry values. Pure: no I/O. */
#ifndef FTPS_PARSE_H
#define FTPS_PARSE_H

#include <stdint.h>
#include <stddef.h>

/* 227 reply text ("Entering Passive Mode (h1,h2,h3,h4,p1,p2)", with or
 * without parentheses, trailing dot, any case): scans for the six numbers,
 * each 0..255. Stores the port (p1*256+p2, must be nonzero). The address is
 * ignored on purpose (we connect to the control peer). 0 or FTPS_ERR_PROTO. */
int parse_227(const char *text, uint16_t *port);

/* 229 reply text "... (|||port|)": the delimiter is the first character
 * after '(' (any printable char 33..126), three of them, the port, one more.
 * 0 or FTPS_ERR_PROTO. */
int parse_229(const char *text, uint16_t *port);

/* 257 reply text: the path in double quotes, with "" meaning one quote
 * (RFC 959). *path newly allocated (caller frees). 0 or FTPS_ERR_PROTO. */
int parse_257(const char *text, char **path);

/* 213 reply to SIZE: decimal digits after optional spaces, up to
 * 2^63-1. 0 or FTPS_ERR_PROTO. */
int parse_213_size(const char *text, int64_t *size);

/* 150 reply to RETR as vsftpd and ProFTPD send it: "Opening BINARY mode
 * data connection for NAME (N bytes)" -> N, the size when the transfer
 * opened. The last "(N bytes)" counts, and only at the end of the text (a
 * file name may hold one too). 0 or FTPS_ERR_PROTO (none there). */
int parse_150_size(const char *text, int64_t *size);

/* 213 reply to MDTM: "YYYYMMDDHHMMSS[.sss]" UTC -> seconds since the epoch.
 * 0 or FTPS_ERR_PROTO. */
int parse_213_mdtm(const char *text, int64_t *epoch);

/* FEAT reply text: sets bits for the features it lists (one per line,
 * leading space, case-insensitive first word). */
enum ftp_feature {
	FEAT_MLSD = 1 << 0,
	FEAT_SIZE = 1 << 1,
	FEAT_MDTM = 1 << 2,
	FEAT_REST_STREAM = 1 << 3,
	FEAT_UTF8 = 1 << 4,
	FEAT_EPSV = 1 << 5,
	FEAT_MFMT = 1 << 6,
	FEAT_TVFS = 1 << 7,
	/* Content hashes: HASH (draft-bryan-ftp-hash) per algorithm it lists,
	 * and the older X commands (ProFTPD mod_digest, others). */
	FEAT_HASH_SHA256 = 1 << 8,
	FEAT_HASH_SHA1 = 1 << 9,
	FEAT_HASH_MD5 = 1 << 10,
	FEAT_XSHA256 = 1 << 11,
	FEAT_XSHA1 = 1 << 12,
	FEAT_XMD5 = 1 << 13,
	FEAT_XCRC = 1 << 14,
};
unsigned parse_feat(const char *text);

/* A hash reply (213 to HASH: "SHA-256 0-49 HEX name"; 2xx to XSHA256 and
 * friends: "HEX" or "HEX name"): the first token of hex_len hex digits,
 * lower-cased into hex (hex_len + 1 bytes). 0 or FTPS_ERR_PROTO. */
int parse_hash_reply(const char *text, size_t hex_len, char *hex);

/* Commands that carry a secret after their verb: PASS, ACCT, and the SITE
 * commands that change a password (SITE PASS, SITE PSWD), any case, leading
 * spaces allowed. Returns how many leading bytes of line may be shown (the
 * verb, e.g. 4 for "PASS x", 9 for "SITE PSWD a b"), or 0 when the line
 * holds no secret. The one rule for traces, echoes and the history file. */
size_t ftp_secret_offset(const char *line);

#endif
