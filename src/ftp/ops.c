#include "ftp/ops.h"
#include "ftp/session_int.h"
#include "util/error.h"
#include "util/xmalloc.h"

#include <stdlib.h>

#include <stdio.h>
#include <time.h>

/* Send a command and require a 2xx (or 3xx when intermediate) answer. */
static int expect(struct ftp_session *s, int rc, int want_class)
{
	if (rc < 0)
		return rc;
	if (rc / 100 != want_class)
		return ftp_fail(s, FTPS_ERR_REFUSED, "%s", ftp_reply_msg(s));
	return 0;
}

int ftp_cdup(struct ftp_session *s)
{
	return expect(s, ftp_command(s, "CDUP"), 2);
}

int ftp_mkdir(struct ftp_session *s, const char *path)
{
	return expect(s, ftp_command(s, "MKD %s", path), 2);
}

int ftp_rmdir(struct ftp_session *s, const char *path)
{
	return expect(s, ftp_command(s, "RMD %s", path), 2);
}

int ftp_delete(struct ftp_session *s, const char *path)
{
	return expect(s, ftp_command(s, "DELE %s", path), 2);
}

int ftp_rename(struct ftp_session *s, const char *from, const char *to)
{
	int rc = expect(s, ftp_command(s, "RNFR %s", from), 3);
	return rc < 0 ? rc : expect(s, ftp_command(s, "RNTO %s", to), 2);
}

int ftp_chmod(struct ftp_session *s, const char *mode, const char *path)
{
	return expect(s, ftp_command(s, "SITE CHMOD %s %s", mode, path), 2);
}

int ftp_mdtm(struct ftp_session *s, const char *path, int64_t *epoch)
{
	int rc = expect(s, ftp_command(s, "MDTM %s", path), 2);
	if (rc < 0)
		return rc;
	if (parse_213_mdtm(ftp_last_text(s), epoch) < 0)
		return ftp_fail(s, FTPS_ERR_PROTO, "unexpected MDTM reply: %s",
				ftp_reply_msg(s));
	return 0;
}

int ftp_mfmt(struct ftp_session *s, const char *path, int64_t epoch)
{
	time_t t = (time_t)epoch;
	struct tm tm;
	char stamp[32];
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d%H%M%S", &tm);
	return expect(s, ftp_command(s, "MFMT %s %s", stamp, path), 2);
}

int ftp_set_type(struct ftp_session *s, int ascii)
{
	int rc = expect(s, ftp_command(s, ascii ? "TYPE A" : "TYPE I"), 2);
	if (rc == 0)
		s->ascii = ascii;
	return rc;
}

int ftp_is_ascii(const struct ftp_session *s) { return s->ascii; }

int ftp_raw(struct ftp_session *s, const char *line)
{
	int rc = ftp_send(s, line);
	return rc < 0 ? rc : ftp_read_final(s);
}

int ftp_site(struct ftp_session *s, const char *args)
{
	char *line = xasprintf("SITE %s", args);
	int rc = ftp_raw(s, line);
	free(line);
	return rc;
}

void ftp_set_passive(struct ftp_session *s, int passive)
{
	s->active = !passive;
}

/* Per algorithm: the HASH feature bit and the X command that give it. */
static const struct {
	enum ftp_hash_algo algo;
	const char *name;
	size_t hex;
	unsigned hash_bit, x_bit;
	const char *x_cmd;
} hashes[] = {
	{ FTP_HASH_SHA256, "SHA-256", 64, FEAT_HASH_SHA256, FEAT_XSHA256, "XSHA256" },
	{ FTP_HASH_SHA1, "SHA-1", 40, FEAT_HASH_SHA1, FEAT_XSHA1, "XSHA1" },
	{ FTP_HASH_MD5, "MD5", 32, FEAT_HASH_MD5, FEAT_XMD5, "XMD5" },
	{ FTP_HASH_CRC32, "CRC32", 8, 0, FEAT_XCRC, "XCRC" },
};
#define N_HASHES (sizeof(hashes) / sizeof(hashes[0]))

enum ftp_hash_algo ftp_hash_best(const struct ftp_session *s)
{
	for (size_t i = 0; i < N_HASHES; i++)
		if (s->features & (hashes[i].hash_bit | hashes[i].x_bit))
			return hashes[i].algo;
	return FTP_HASH_NONE;
}

const char *ftp_hash_name(enum ftp_hash_algo algo)
{
	for (size_t i = 0; i < N_HASHES; i++)
		if (hashes[i].algo == algo)
			return hashes[i].name;
	return "none";
}

size_t ftp_hash_hex_len(enum ftp_hash_algo algo)
{
	for (size_t i = 0; i < N_HASHES; i++)
		if (hashes[i].algo == algo)
			return hashes[i].hex;
	return 0;
}

int ftp_hash(struct ftp_session *s, const char *path, enum ftp_hash_algo algo,
	     char *hex)
{
	size_t i = 0;
	while (i < N_HASHES && hashes[i].algo != algo)
		i++;
	if (i == N_HASHES || !(s->features & (hashes[i].hash_bit | hashes[i].x_bit)))
		return ftp_fail(s, FTPS_ERR_REFUSED, "the server offers no %s hash",
				ftp_hash_name(algo));
	int rc;
	if (s->features & hashes[i].hash_bit) {
		/* HASH uses the algorithm chosen with OPTS HASH. */
		if (s->hash_algo != (int)algo) {
			rc = expect(s, ftp_command(s, "OPTS HASH %s", hashes[i].name), 2);
			if (rc < 0)
				return rc;
			s->hash_algo = (int)algo;
		}
		rc = expect(s, ftp_command(s, "HASH %s", path), 2);
	} else {
		rc = expect(s, ftp_command(s, "%s %s", hashes[i].x_cmd, path), 2);
	}
	if (rc < 0)
		return rc;
	if (parse_hash_reply(ftp_last_text(s), hashes[i].hex, hex) < 0)
		return ftp_fail(s, FTPS_ERR_PROTO, "unexpected hash reply: %s",
				ftp_reply_msg(s));
	return 0;
}
