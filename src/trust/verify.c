#include "trust/verify.h"
#include "tls/tls.h"
#include "util/base64.h"
#include "util/error.h"
#include "util/xmalloc.h"

#include <arpa/inet.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *cert_reason_text(enum cert_reason r)
{
	switch (r) {
	case CERT_UNKNOWN_ISSUER: return "issuer is not a trusted CA (unknown issuer)";
	case CERT_SELF_SIGNED: return "certificate is self-signed";
	case CERT_NAME_MISMATCH: return "certificate is not valid for the host name";
	case CERT_EXPIRED: return "certificate has expired";
	case CERT_NOT_YET_VALID: return "certificate is not yet valid";
	case CERT_WEAK_SIGNATURE: return "certificate uses an insecure signature algorithm";
	case CERT_REVOKED: return "certificate has been revoked";
	case CERT_SIGNER_NOT_CA: return "certificate's signer is not a CA";
	case CERT_INVALID: return "certificate chain is invalid";
	case CERT_NO_CERT: return "server sent no certificate";
	}
	return "unknown reason";
}

static char *get_dn(gnutls_x509_crt_t crt, int issuer)
{
	gnutls_datum_t d = { NULL, 0 };
	int rc = issuer ? gnutls_x509_crt_get_issuer_dn3(crt, &d, 0)
			: gnutls_x509_crt_get_dn3(crt, &d, 0);
	if (rc < 0)
		return xstrdup("(unreadable)");
	char *s = xstrndup((const char *)d.data, d.size);
	gnutls_free(d.data);
	return s;
}

static void collect_sans(gnutls_x509_crt_t crt, struct cert_report *r)
{
	/* Bounded: a hostile certificate may carry thousands. */
	for (unsigned i = 0; i < 64; i++) {
		char buf[512];
		size_t len = sizeof(buf) - 1;
		unsigned type = 0;
		int rc = gnutls_x509_crt_get_subject_alt_name2(crt, i, buf, &len,
							       &type, NULL);
		if (rc == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		if (rc < 0)
			continue;
		char *entry = NULL;
		if (type == GNUTLS_SAN_DNSNAME) {
			buf[len] = '\0';
			entry = xasprintf("DNS:%s", buf);
		} else if (type == GNUTLS_SAN_IPADDRESS && (len == 4 || len == 16)) {
			char ip[INET6_ADDRSTRLEN];
			if (!inet_ntop(len == 4 ? AF_INET : AF_INET6, buf, ip,
				       sizeof(ip)))
				continue;
			entry = xasprintf("IP:%s", ip);
		} else {
			continue;
		}
		r->sans = xrealloc(r->sans, (r->nsans + 1) * sizeof(*r->sans));
		r->sans[r->nsans++] = entry;
	}
}

static void key_and_pin(gnutls_x509_crt_t crt, struct cert_report *r)
{
	unsigned bits = 0;
	int algo = gnutls_x509_crt_get_pk_algorithm(crt, &bits);
	const char *name = gnutls_pk_algorithm_get_name(algo);
	snprintf(r->key_desc, sizeof(r->key_desc), "%s %u bits",
		 name ? name : "unknown", bits);

	gnutls_pubkey_t pub;
	gnutls_datum_t spki = { NULL, 0 };
	if (gnutls_pubkey_init(&pub) < 0)
		return;
	if (gnutls_pubkey_import_x509(pub, crt, 0) == 0 &&
	    gnutls_pubkey_export2(pub, GNUTLS_X509_FMT_DER, &spki) == 0) {
		unsigned char h[32];
		char b64[48];
		gnutls_hash_fast(GNUTLS_DIG_SHA256, spki.data, spki.size, h);
		base64_encode_nopad(h, sizeof(h), b64);
		snprintf(r->pin, sizeof(r->pin), "SHA256:%s", b64);
		gnutls_free(spki.data);
	}
	gnutls_pubkey_deinit(pub);
}

static void cert_fingerprint(const struct tls_der *der, struct cert_report *r)
{
	unsigned char h[32];
	gnutls_hash_fast(GNUTLS_DIG_SHA256, der->data, der->size, h);
	int o = 0;
	for (int i = 0; i < 32; i++)
		o += snprintf(r->cert_sha256 + o, sizeof(r->cert_sha256) - o,
			      "%s%02X", i ? ":" : "", h[i]);
}

static unsigned chain_reasons(unsigned status)
{
	unsigned r = 0;
	if (status & GNUTLS_CERT_SIGNER_NOT_FOUND)
		r |= CERT_UNKNOWN_ISSUER;
	if (status & GNUTLS_CERT_SIGNER_NOT_CA)
		r |= CERT_SIGNER_NOT_CA;
	if (status & GNUTLS_CERT_INSECURE_ALGORITHM)
		r |= CERT_WEAK_SIGNATURE;
	if (status & GNUTLS_CERT_REVOKED)
		r |= CERT_REVOKED;
	if (status & GNUTLS_CERT_EXPIRED)
		r |= CERT_EXPIRED;
	if (status & GNUTLS_CERT_NOT_ACTIVATED)
		r |= CERT_NOT_YET_VALID;
	if ((status & GNUTLS_CERT_INVALID) && !r)
		r |= CERT_INVALID;
	return r;
}

int verify_peer(const struct tls_conn *c, const char *host, int64_t now,
		struct cert_report *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->tls_version, sizeof(r->tls_version), "%s", tls_version_name(c));
	snprintf(r->cipher, sizeof(r->cipher), "%s", tls_cipher_name(c));

	unsigned n = 0;
	const struct tls_der *chain = tls_peer_chain(c, &n);
	r->chain_len = n;
	gnutls_x509_crt_t crt;
	if (!chain || n == 0 || gnutls_x509_crt_init(&crt) < 0) {
		r->reasons = CERT_NO_CERT;
		return FTPS_ERR_CERT;
	}
	gnutls_datum_t d = { (unsigned char *)chain[0].data, chain[0].size };
	if (gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_DER) < 0) {
		gnutls_x509_crt_deinit(crt);
		r->reasons = CERT_NO_CERT;
		return FTPS_ERR_CERT;
	}

	r->subject = get_dn(crt, 0);
	r->issuer = get_dn(crt, 1);
	r->self_signed = gnutls_x509_crt_check_issuer(crt, crt) != 0;
	collect_sans(crt, r);
	r->not_before = gnutls_x509_crt_get_activation_time(crt);
	r->not_after = gnutls_x509_crt_get_expiration_time(crt);
	key_and_pin(crt, r);
	cert_fingerprint(&chain[0], r);

	unsigned status = 0;
	if (tls_verify_chain(c, &status) < 0)
		status = GNUTLS_CERT_INVALID;
	r->reasons = chain_reasons(status);
	/* GnuTLS may stop at the first failure: check the leaf's own facts
	 * so every reason is shown, not just one. */
	if (r->self_signed && (r->reasons & (CERT_UNKNOWN_ISSUER | CERT_INVALID))) {
		r->reasons &= ~(CERT_UNKNOWN_ISSUER | CERT_INVALID);
		r->reasons |= CERT_SELF_SIGNED;
	}
	if (r->not_after != (int64_t)-1 && now > r->not_after)
		r->reasons |= CERT_EXPIRED;
	if (now < r->not_before)
		r->reasons |= CERT_NOT_YET_VALID;
	if (!gnutls_x509_crt_check_hostname2(crt, host, 0))
		r->reasons |= CERT_NAME_MISMATCH;
	gnutls_x509_crt_deinit(crt);
	return 0;
}

void cert_report_clear(struct cert_report *r)
{
	free(r->subject);
	free(r->issuer);
	for (size_t i = 0; i < r->nsans; i++)
		free(r->sans[i]);
	free(r->sans);
	memset(r, 0, sizeof(*r));
}
