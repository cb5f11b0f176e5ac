/* One-command operations on the remote side (no data channel): directories,
 * deletion, renaming, permissions, times, raw commands. Part of the engine:
 * each returns 0 or a negative ftps_err with ftp_error() set. */
#ifndef FTPS_OPS_H
#define FTPS_OPS_H

#include <stddef.h>
#include <stdint.h>

struct ftp_session;

int ftp_cdup(struct ftp_session *s);
int ftp_mkdir(struct ftp_session *s, const char *path);
int ftp_rmdir(struct ftp_session *s, const char *path);
int ftp_delete(struct ftp_session *s, const char *path);
int ftp_rename(struct ftp_session *s, const char *from, const char *to);
/* SITE CHMOD; mode as typed (octal digits). */
int ftp_chmod(struct ftp_session *s, const char *mode, const char *path);
/* MDTM: seconds since the epoch (UTC). */
int ftp_mdtm(struct ftp_session *s, const char *path, int64_t *epoch);
/* MFMT (draft-somers-ftp-mfxx): set a file's modification time. */
int ftp_mfmt(struct ftp_session *s, const char *path, int64_t epoch);
/* TYPE A (ascii non-zero) or TYPE I. */
int ftp_set_type(struct ftp_session *s, int ascii);
int ftp_is_ascii(const struct ftp_session *s);
/* A raw command line; returns the final reply code (also for 4xx/5xx) or a
 * negative ftps_err on a transport failure. The reply: ftp_last_text(). */
int ftp_raw(struct ftp_session *s, const char *line);
/* The same for "SITE args". */
int ftp_site(struct ftp_session *s, const char *args);

/* Content hashes computed by the server. */
enum ftp_hash_algo { FTP_HASH_NONE = 0, FTP_HASH_SHA256, FTP_HASH_SHA1,
		     FTP_HASH_MD5, FTP_HASH_CRC32 };
#define FTP_HASH_HEX_MAX 64
/* The strongest algorithm the server offers (HASH or the X commands),
 * FTP_HASH_NONE when it offers none. */
enum ftp_hash_algo ftp_hash_best(const struct ftp_session *s);
/* The server's hash of path with algo (from ftp_hash_best) as lowercase
 * hex into hex (FTP_HASH_HEX_MAX + 1 bytes). 0 or a negative ftps_err. */
int ftp_hash(struct ftp_session *s, const char *path, enum ftp_hash_algo algo,
	     char *hex);
/* "SHA-256", "SHA-1", "MD5", "CRC32"; hex digits of a value. */
const char *ftp_hash_name(enum ftp_hash_algo algo);
size_t ftp_hash_hex_len(enum ftp_hash_algo algo);

#endif
