/* The trust policy: a certificate is accepted when its key is pinned in
 * known_servers, when it verifies against a CA (and no other key is pinned),
 * or when the person says so; a changed pinned key is refused loudly. */
#include "cli/cert_ui.h"
#include "cli/app.h"
#include "cli/prompt.h"
#include "trust/store.h"
#include "trust/verify.h"
#include "util/sanitize.h"
#include "util/xmalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
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
	fprintf(f, "Server:       %s port %u\n", h, port);
	free(h);
	if (!r->reasons)
		fputs("Verification: OK (chain and name checked against the trust store)\n", f);
	else {
		fputs("Verification: FAILED\n", f);
		for (unsigned bit = 1; bit <= CERT_NO_CERT; bit <<= 1)
			if (r->reasons & bit)
				fprintf(f, "  - %s\n", cert_reason_text(bit));
	}
	print_untrusted(f, "Subject:      ", r->subject ? r->subject : "");
	if (r->self_signed)
		fputs("Issuer:       (self-signed)\n", f);
	else
		print_untrusted(f, "Issuer:       ", r->issuer ? r->issuer : "");
	for (size_t i = 0; i < r->nsans; i++)
		print_untrusted(f, i ? "              " : "Names:        ", r->sans[i]);
	fputs("Valid from:   ", f);
	print_time(f, r->not_before);
	fputs(r->reasons & CERT_NOT_YET_VALID ? "  NOT YET VALID\n" : "\n", f);
	fputs("Valid until:  ", f);
	print_time(f, r->not_after);
	fputs(r->reasons & CERT_EXPIRED ? "  EXPIRED\n" : "\n", f);
	fprintf(f, "Key:          %s\n", r->key_desc);
	fprintf(f, "Key SHA256:   %s\n", r->pin);
	fprintf(f, "Cert SHA256:  %s\n", r->cert_sha256);
	fprintf(f, "TLS:          %s %s\n", r->tls_version, r->cipher);
}

static char *cert_text(const char *host, uint16_t port, const struct cert_report *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return xstrdup("");
	cert_print(f, host, port, r);
	fclose(f);
	return text;
}

static enum trust_answer accept(struct app *a, const char *how)
{
	free(a->trust.how);
	a->trust.how = xstrdup(how);
	return TRUST_ACCEPT;
}

static enum trust_answer refuse(struct app *a)
{
	a->trust.explained = 1;
	return TRUST_REJECT;
}

static void changed_key_alarm(const char *path, const struct known_entry *e,
			      const char *host, uint16_t port,
			      const struct cert_report *r)
{
	char *hp = host_port(host, port);
	char *safe = sanitize_str(hp);
	fflush(stdout);
	fprintf(stderr,
		"@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
		"@    WARNING: SERVER CERTIFICATE KEY HAS CHANGED!         @\n"
		"@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
		"IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!\n"
		"Someone could be eavesdropping on you right now (man-in-the-middle attack)!\n"
		"It is also possible that the server's key has just been changed.\n"
		"The key pinned for %s is\n"
		"    %s\n"
		"The server now presents\n"
		"    %s\n"
		"The pinned key is on line %zu of %s.\n"
		"If you are sure the new key is right, remove the old one with:\n"
		"    ftps trust remove %s\n"
		"ftps: certificate key of %s has changed; connection refused\n",
		safe, e->pin, r->pin, e->line, path, safe, safe);
	free(safe);
	free(hp);
}

static int store(struct app *a, const char *path, const char *host,
		 uint16_t port, const struct cert_report *r)
{
	char *err = NULL;
	int rc = known_add(path, host, port, r->pin, r->subject, &err);
	if (rc < 0) {
		print_untrusted(stderr, "ftps: ", err);
		free(err);
		return -1;
	}
	(void)a;
	char *hp = host_port(host, port);
	char *msg = rc == KNOWN_NOT_STORED
		? xasprintf("%s (%s) accepted for this run; %s stores nothing", hp,
			    r->pin, path)
		: xasprintf("%s (%s) added to %s", hp, r->pin, path);
	print_untrusted(stderr, "ftps: ", msg);
	free(msg);
	free(hp);
	return 0;
}

static int answer_is_pin(const char *answer, const char *pin)
{
	return !strcmp(answer, pin) || !strcmp(answer, pin + strlen("SHA256:"));
}

static enum trust_answer ask(struct app *a, const char *path, const char *host,
			     uint16_t port, const struct cert_report *r)
{
	fflush(stdout);
	fputs("The server's certificate is not trusted:\n", stderr);
	fputs(a->trust.cert_text, stderr);
	for (;;) {
		char *ans = prompt_line("Trust this certificate? (yes/no/once/[fingerprint]) ");
		if (!ans || !*ans || !strcasecmp(ans, "no") || !strcasecmp(ans, "n")) {
			free(ans);
			app_error("certificate not trusted; connection refused");
			return refuse(a);
		}
		int yes = !strcasecmp(ans, "yes") || answer_is_pin(ans, r->pin);
		int once = !strcasecmp(ans, "once");
		free(ans);
		if (yes)
			return store(a, path, host, port, r) == 0
				       ? accept(a, "pinned (added to known_servers now)")
				       : refuse(a);
		if (once)
			return accept(a, "once (for this session, not stored)");
		fputs("Please type yes, no, once, or the key's SHA256 fingerprint.\n",
		      stderr);
	}
}

static void explain_strict(const char *host, uint16_t port, const struct cert_report *r,
			   const char *text)
{
	char *hp = host_port(host, port);
	char *safe = sanitize_str(hp);
	fflush(stdout);
	fputs(text, stderr);
	fprintf(stderr,
		"ftps: %s is not in known_servers and its certificate is not trusted.\n"
		"ftps: if the key SHA256 above is right, trust it with:\n"
		"    ftps trust add %s %s\n",
		safe, safe, r->pin);
	free(safe);
	free(hp);
}

enum trust_answer cert_decide(struct app *a, const char *host, uint16_t port,
			      const struct cert_report *r)
{
	struct trust_state *t = &a->trust;
	int same_as_before = t->host && !strcasecmp(t->host, host) &&
			     t->port == port && !strcmp(t->pin, r->pin);
	free(t->cert_text);
	t->cert_text = cert_text(host, port, r);
	t->explained = 0;
	if (same_as_before && t->how)
		return TRUST_ACCEPT; /* a reconnect: never ask twice */
	free(t->host);
	t->host = xstrdup(host);
	t->port = port;
	snprintf(t->pin, sizeof(t->pin), "%s", r->pin);
	free(t->how);
	t->how = NULL;

	if (a->opt.trust_fingerprint) {
		if (answer_is_pin(a->opt.trust_fingerprint, r->pin))
			return accept(a, "fingerprint given with --trust-fingerprint");
		fflush(stdout);
		fprintf(stderr, "ftps: the server's key %s does not match "
			"--trust-fingerprint; connection refused\n", r->pin);
		return refuse(a);
	}

	char *path = app_known_servers_path(a);
	if (!path)
		return refuse(a);
	struct known_list known;
	char *err = NULL;
	if (known_load(path, &known, &err) < 0) {
		print_untrusted(stderr, "ftps: ", err);
		app_error("refusing to trust any certificate until the file is fixed");
		free(err);
		free(path);
		return refuse(a);
	}
	enum trust_answer ans;
	const struct known_entry *e = known_find(&known, host, port);
	if (e && !strcmp(e->pin, r->pin)) {
		char how[128];
		snprintf(how, sizeof(how), "pinned (known_servers line %zu)", e->line);
		ans = accept(a, how);
	} else if (e) {
		changed_key_alarm(path, e, host, port, r);
		ans = refuse(a);
	} else if (r->reasons == 0) {
		ans = accept(a, "CA (verified against the trust store)");
	} else {
		enum trust_policy p = a->opt.trust;
		if (p == TRUST_POLICY_DEFAULT)
			p = a->interactive ? TRUST_POLICY_ASK : TRUST_POLICY_STRICT;
		if (p == TRUST_POLICY_ASK && a->interactive)
			ans = ask(a, path, host, port, r);
		else if (p == TRUST_POLICY_ACCEPT_NEW)
			ans = store(a, path, host, port, r) == 0
				      ? accept(a, "pinned (added by --trust accept-new)")
				      : refuse(a);
		else {
			explain_strict(host, port, r, t->cert_text);
			ans = refuse(a);
		}
	}
	known_list_clear(&known);
	free(path);
	return ans;
}
