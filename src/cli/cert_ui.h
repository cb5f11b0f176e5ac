/* Showing a server certificate to a person and deciding whether to trust
 * it (the policy: CA, known_servers pins, the prompt). */
#ifndef FTPS_CERT_UI_H
#define FTPS_CERT_UI_H

#include <stdint.h>
#include <stdio.h>

#include "ftp/session.h"

struct app;
struct cert_report;

/* Everything a person needs to judge the certificate, sanitised. */
void cert_print(FILE *f, const char *host, uint16_t port,
		const struct cert_report *r);

enum trust_answer cert_decide(struct app *a, const char *host, uint16_t port,
			      const struct cert_report *r);

#endif
