/* Certificate verification: what is wrong with a peer's certificate, and
 * what to show a person deciding whether to trust it. Never prompts. */
#ifndef FTPS_VERIFY_H
#define FTPS_VERIFY_H

#include <stddef.h>
#include <stdint.h>

struct tls_conn;

enum cert_reason {
	CERT_UNKNOWN_ISSUER = 1 << 0,
	CERT_SELF_SIGNED = 1 << 1,
	CERT_NAME_MISMATCH = 1 << 2,
	CERT_EXPIRED = 1 << 3,
	CERT_NOT_YET_VALID = 1 << 4,
	CERT_WEAK_SIGNATURE = 1 << 5,
	CERT_REVOKED = 1 << 6,
	CERT_SIGNER_NOT_CA = 1 << 7,
	CERT_INVALID = 1 << 8,    /* any other chain failure */
	CERT_NO_CERT = 1 << 9,
};

#define PIN_MAX 64 /* "SHA256:" + 43 base64 characters + NUL */

struct cert_report {
	unsigned reasons;     /* 0: verified against a trust anchor */
	char *subject;        /* RFC 4514 DN, raw (sanitise to print) */
	char *issuer;
	int self_signed;
	char **sans;          /* "DNS:name", "IP:addr" */
	size_t nsans;
	int64_t not_before, not_after;
	char key_desc[64];    /* "RSA 2048 bits" */
	char pin[PIN_MAX];    /* SHA256:base64 of the SubjectPublicKeyInfo */
	char cert_sha256[100];/* SHA256 of the whole certificate, hex pairs */
	char tls_version[32];
	char cipher[64];
	unsigned chain_len;
};

/* Fills r for the peer of c as reached under the name host (hostname
 * check; IP literals match IP SANs) at time now. 0, or FTPS_ERR_CERT when
 * there is no certificate to judge (r->reasons has CERT_NO_CERT). */
int verify_peer(const struct tls_conn *c, const char *host, int64_t now,
		struct cert_report *r);
void cert_report_clear(struct cert_report *r);

/* One line per reason, e.g. "the certificate has expired". */
const char *cert_reason_text(enum cert_reason r);

#endif
