#include "cli/cert_ui.h"
#include "cli/app.h"
#include "trust/verify.h"
#include "util/sanitize.h"
#include "util/xmalloc.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static void print_time(FILE *f, int64_t t)
{
	if (t == -1) {
		fputs("never", f);
		return;
	}
	time_t tt = (time_t)t;
	struct tm tm;
	char buf[64];
	gmtime_r(&tt, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm);
	fputs(buf, f);
}

void cert_print(FILE *f, const char *host, uint16_t port,
		const struct cert_report *r)
{
	char *h = sanitize_str(host);
	fprintf(f, "Server:      %s port %u\n", h, port);
	free(h);
	if (r->reasons) {
		fputs("Not trusted:\n", f);
		for (unsigned bit = 1; bit <= CERT_NO_CERT; bit <<= 1)
			if (r->reasons & bit)
				fprintf(f, "  - %s\n", cert_reason_text(bit));
	}
	print_untrusted(f, "Subject:     ", r->subject ? r->subject : "");
	if (r->self_signed)
		fputs("Issuer:      (self-signed)\n", f);
	else
		print_untrusted(f, "Issuer:      ", r->issuer ? r->issuer : "");
	for (size_t i = 0; i < r->nsans; i++)
		print_untrusted(f, i ? "             " : "Names:       ", r->sans[i]);
	fputs("Valid from:  ", f);
	print_time(f, r->not_before);
	fputs(r->reasons & CERT_NOT_YET_VALID ? "  NOT YET VALID\n" : "\n", f);
	fputs("Valid until: ", f);
	print_time(f, r->not_after);
	fputs(r->reasons & CERT_EXPIRED ? "  EXPIRED\n" : "\n", f);
	fprintf(f, "Key:         %s\n", r->key_desc);
	fprintf(f, "Key pin:     %s\n", r->pin);
	fprintf(f, "Cert SHA256: %s\n", r->cert_sha256);
	fprintf(f, "TLS:         %s %s\n", r->tls_version, r->cipher);
}

enum trust_answer cert_decide(struct app *a, const char *host, uint16_t port,
			      const struct cert_report *r)
{
	(void)a;
	if (r->reasons == 0)
		return TRUST_ACCEPT;
	fflush(stdout);
	cert_print(stderr, host, port, r);
	return TRUST_REJECT;
}
