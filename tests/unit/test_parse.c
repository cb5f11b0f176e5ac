#include "check.h"
#include "proto/parse.h"
#include "util/error.h"

#include <stdlib.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *in;
	int rc;
	unsigned port;
} pasv[] = {
	{ "Entering Passive Mode (127,0,0,1,4,1)", 0, 1025 },
	{ "Entering Passive Mode (127,0,0,1,4,1).", 0, 1025 },
	{ "entering passive mode (127,0,0,1,4,1)", 0, 1025 },
	{ "Entering Passive Mode 10,1,2,3,200,10", 0, 200 * 256 + 10 },
	{ "Entering Passive Mode (192,168,1,1,255,255)", 0, 65535 },
	{ "=127,0,0,1,0,21", 0, 21 },
	{ "Entering Passive Mode (127,0,0,1,0,1)", 0, 1 },
	/* other digits before the six numbers */
	{ "Entering Passive Mode v2 (127,0,0,1,4,1)", 0, 1025 },
	{ "Entering Passive Mode (127,0,0,1,256,1)", FTPS_ERR_PROTO, 0 },
	{ "Entering Passive Mode (127,0,0,1,4,1000)", FTPS_ERR_PROTO, 0 },
	{ "Entering Passive Mode (127,0,0,1,0,0)", FTPS_ERR_PROTO, 0 },
	{ "Entering Passive Mode (127,0,0,1,4)", FTPS_ERR_PROTO, 0 },
	{ "Entering Passive Mode (127,0,0,1,4,)", FTPS_ERR_PROTO, 0 },
	{ "Entering Passive Mode (a,b,c,d,e,f)", FTPS_ERR_PROTO, 0 },
	{ "Entering Passive Mode (-1,0,0,1,4,1)", 0, 1025 }, /* "1,0,0,1,4,1" */
	{ "Entering Passive Mode", FTPS_ERR_PROTO, 0 },
	{ "", FTPS_ERR_PROTO, 0 },
}, epsv[] = {
	{ "Entering Extended Passive Mode (|||6446|)", 0, 6446 },
	{ "Entering Extended Passive Mode (|||6446|).", 0, 6446 },
	{ "Entering extended passive mode (!!!1!)", 0, 1 },
	{ "EPSV ok (###65535#)", 0, 65535 },
	{ "x (y) (|||21|)", 0, 21 },
	{ "Entering Extended Passive Mode (|||0|)", FTPS_ERR_PROTO, 0 },
	{ "Entering Extended Passive Mode (|||65536|)", FTPS_ERR_PROTO, 0 },
	{ "Entering Extended Passive Mode (|||123456|)", FTPS_ERR_PROTO, 0 },
	{ "Entering Extended Passive Mode (|||6446)", FTPS_ERR_PROTO, 0 },
	{ "Entering Extended Passive Mode (||6446|)", FTPS_ERR_PROTO, 0 },
	{ "Entering Extended Passive Mode (|!|6446|)", FTPS_ERR_PROTO, 0 },
	{ "Entering Extended Passive Mode (|||6446!)", FTPS_ERR_PROTO, 0 },
	{ "Entering Extended Passive Mode (|||)", FTPS_ERR_PROTO, 0 },
	{ "Entering Extended Passive Mode ( 6446 )", FTPS_ERR_PROTO, 0 },
	{ "Entering Extended Passive Mode (111211)", FTPS_ERR_PROTO, 0 },
	{ "Entering Extended Passive Mode |||6446|", FTPS_ERR_PROTO, 0 },
	{ "(", FTPS_ERR_PROTO, 0 },
};

static void test_pasv(void)
{
	for (size_t i = 0; i < ARRAY_LEN(pasv); i++) {
		uint16_t port = 0;
		CHECK_INT(parse_227(pasv[i].in, &port), pasv[i].rc);
		if (pasv[i].rc == 0)
			CHECK_INT(port, pasv[i].port);
	}
	for (size_t i = 0; i < ARRAY_LEN(epsv); i++) {
		uint16_t port = 0;
		CHECK_INT(parse_229(epsv[i].in, &port), epsv[i].rc);
		if (epsv[i].rc == 0)
			CHECK_INT(port, epsv[i].port);
	}
}

static const struct {
	const char *in;
	const char *path;  /* NULL: FTPS_ERR_PROTO */
} pwd[] = {
	{ "\"/home/alice\" is the current directory", "/home/alice" },
	{ "\"/\"", "/" },
	{ "\"/dir with \"\"quotes\"\"\" is cwd", "/dir with \"quotes\"" },
	{ "\"\"\"\" created", "\"" },
	{ "MKD ok: \"/a b\" created", "/a b" },
	{ "\"/unterminated", NULL },
	{ "/no/quotes is current", NULL },
	{ "\"\" is empty", NULL },
	{ "", NULL },
};

static void test_pwd(void)
{
	for (size_t i = 0; i < ARRAY_LEN(pwd); i++) {
		char *path = NULL;
		int rc = parse_257(pwd[i].in, &path);
		CHECK_INT(rc, pwd[i].path ? 0 : FTPS_ERR_PROTO);
		CHECK_STR(path, pwd[i].path);
		free(path);
	}
}

static const struct {
	const char *in;
	int rc;
	int64_t v;
} sizes[] = {
	{ "1234", 0, 1234 },
	{ "0", 0, 0 },
	{ "  42", 0, 42 },
	{ "42 ", 0, 42 },
	{ "9223372036854775807", 0, INT64_MAX },
	{ "5368709120", 0, 5368709120LL },
	{ "9223372036854775808", FTPS_ERR_PROTO, 0 },
	{ "99999999999999999999999", FTPS_ERR_PROTO, 0 },
	{ "-1", FTPS_ERR_PROTO, 0 },
	{ "+1", FTPS_ERR_PROTO, 0 },
	{ "12abc", FTPS_ERR_PROTO, 0 },
	{ "12 34", FTPS_ERR_PROTO, 0 },
	{ "0x10", FTPS_ERR_PROTO, 0 },
	{ "File not found", FTPS_ERR_PROTO, 0 },
	{ "", FTPS_ERR_PROTO, 0 },
}, mdtm[] = {
	{ "19700101000000", 0, 0 },
	{ "20261122032200", 0, 1795317720 },
	{ "20261122032200.123", 0, 1795317720 },
	{ " 20000229120000", 0, 951825600 },
	{ "20380119031408", 0, 2147483648LL },
	{ "21000101000000", 0, 4102444800LL },
	{ "19691231235959", 0, -1 },
	{ "2026112203220", FTPS_ERR_PROTO, 0 },
	{ "20261122032200.", FTPS_ERR_PROTO, 0 },
	{ "20261122032200Z", FTPS_ERR_PROTO, 0 },
	{ "20261322032200", FTPS_ERR_PROTO, 0 },
	{ "20260230000000", FTPS_ERR_PROTO, 0 },
	{ "21000229000000", FTPS_ERR_PROTO, 0 },
	{ "20261122246000", FTPS_ERR_PROTO, 0 },
	{ "191001011200", FTPS_ERR_PROTO, 0 },
	{ "", FTPS_ERR_PROTO, 0 },
};

static const struct {
	const char *in;
	int rc;
	int64_t v;
} opened[] = {
	{ "Opening BINARY mode data connection for f (4096 bytes).", 0, 4096 },
	{ "Opening BINARY mode data connection for f (0 bytes).", 0, 0 },
	{ "Opening BINARY mode data connection for f (4096 bytes)", 0, 4096 },
	{ "Opening ASCII mode data connection for a (1 bytes) (77 bytes).", 0, 77 },
	{ "Opening data connection for x (9223372036854775807 bytes).", 0,
	  INT64_MAX },
	{ "Opening data connection for x (9223372036854775808 bytes).",
	  FTPS_ERR_PROTO, 0 },
	{ "File status okay. About to open data connection.", FTPS_ERR_PROTO, 0 },
	{ "Opening data connection for (12 bytes) now", FTPS_ERR_PROTO, 0 },
	{ "Opening data connection for x ( bytes).", FTPS_ERR_PROTO, 0 },
	{ "Opening data connection for x (-5 bytes).", FTPS_ERR_PROTO, 0 },
	{ "Opening data connection for x 12 bytes).", FTPS_ERR_PROTO, 0 },
	{ "(5 bytes)", 0, 5 },
	{ " bytes)", FTPS_ERR_PROTO, 0 },
	{ "", FTPS_ERR_PROTO, 0 },
};

static void test_213(void)
{
	for (size_t i = 0; i < ARRAY_LEN(opened); i++) {
		int64_t v = -7;
		CHECK_INT(parse_150_size(opened[i].in, &v), opened[i].rc);
		CHECK_INT(v, opened[i].rc ? -7 : opened[i].v);
	}
	for (size_t i = 0; i < ARRAY_LEN(sizes); i++) {
		int64_t v = -7;
		CHECK_INT(parse_213_size(sizes[i].in, &v), sizes[i].rc);
		CHECK_INT(v, sizes[i].rc ? -7 : sizes[i].v);
	}
	for (size_t i = 0; i < ARRAY_LEN(mdtm); i++) {
		int64_t v = -7;
		CHECK_INT(parse_213_mdtm(mdtm[i].in, &v), mdtm[i].rc);
		CHECK_INT(v, mdtm[i].rc ? -7 : mdtm[i].v);
	}
}

static const struct {
	const char *in;
	unsigned bits;
} feat[] = {
	/* vsftpd 3.0.3 */
	{ "Features:\n AUTH TLS\n EPRT\n EPSV\n MDTM\n PASV\n PBSZ\n PROT\n"
	  " REST STREAM\n SIZE\n TVFS\n UTF8\nEnd",
	  FEAT_EPSV | FEAT_MDTM | FEAT_REST_STREAM | FEAT_SIZE | FEAT_TVFS |
	  FEAT_UTF8 },
	/* pyftpdlib */
	{ "Features supported:\n AUTH SSL\n AUTH TLS\n EPRT\n EPSV\n LANG en-US\n"
	  " MDTM\n MFMT\n MLST type*;perm*;size*;modify*;unique*;unix.mode;"
	  "unix.uid;unix.gid;\n PBSZ\n PROT\n REST STREAM\n SIZE\n TVFS\n UTF8\n"
	  "End FEAT.",
	  FEAT_EPSV | FEAT_MDTM | FEAT_MFMT | FEAT_MLSD | FEAT_REST_STREAM |
	  FEAT_SIZE | FEAT_TVFS | FEAT_UTF8 },
	{ "Features:\n mlsd\n size\n rest stream\nEnd",
	  FEAT_MLSD | FEAT_SIZE | FEAT_REST_STREAM },
	/* CRs left in, tabs */
	{ "Features:\r\n\tMDTM\r\n SIZE\r\nEnd", FEAT_MDTM | FEAT_SIZE },
	/* prefixed lines arrive without the space (the reply parser strips
	 * "211-"): still counted between the first and the last line */
	{ "Extensions supported\nMDTM\nSIZE\nEnd", FEAT_MDTM | FEAT_SIZE },
	{ "Features:\n REST\n REST BLOCK\n SIZES\n SIZ\n MDTMX\nEnd", 0 },
	{ "no features", 0 },
	{ "SIZE is not a feature on the first line", 0 },
	{ "", 0 },
};

static void test_feat(void)
{
	for (size_t i = 0; i < ARRAY_LEN(feat); i++)
		CHECK_INT(parse_feat(feat[i].in), feat[i].bits);
}

int main(int argc, char **argv)
{
	(void)argc;
	test_pasv();
	test_pwd();
	test_213();
	test_feat();
	return check_summary(argv[0]);
}
