/* Carrying out the trust policy (trust/policy.h): gather the facts, look the
 * key up in known_servers (trust/store.h), then accept, print the alarm,
 * prompt, store or explain, as the policy's action says. The decision itself
 * is trust_decide()'s; this file only prints and prompts. */
#include "cli/cert_ui.h"
#include "cli/app.h"
#include "cli/conn.h"
#include "cli/msg.h"
#include "cli/prompt.h"
#include "trust/policy.h"
#include "trust/store.h"
#include "trust/verify.h"
#include "util/buf.h"
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

/* The certificate's SHA-256 as 64 hex digits, without the colons: one
 * word that fits an 80-column line and copies whole (with colons it
 * would take 95 columns). */
static void print_cert_sha256(FILE *f, const char *fp)
{
	fputs("Cert SHA256:  ", f);
	for (; *fp; fp++)
		if (*fp != ':')
			fputc(*fp, f);
	fputc('\n', f);
}

/* "ftps" and, when the user named one, "--known-servers FILE" (quoted
 * for a POSIX shell): advice to copy must edit the file that was read.
 * Newly allocated. */
static char *ftps_command(const struct app *a)
{
	const char *path = a->opt.known_servers;
	if (!path)
		return xstrdup("ftps");
	struct buf b = { 0 };
	buf_append_str(&b, "ftps --known-servers ");
	if (*path && strspn(path, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			    "0123456789_./:@%+=,-") == strlen(path)) {
		buf_append_str(&b, path);
	} else {
		buf_append_str(&b, "'");
		for (const char *p = path; *p; p++)
			if (*p == '\'')
				buf_append_str(&b, "'\\''");
			else
				buf_append(&b, p, 1);
		buf_append_str(&b, "'");
	}
	char *s = sanitize_str(b.data);
	buf_free(&b);
	return s;
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
	print_cert_sha256(f, r->cert_sha256);
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

/* One decision in progress: what carrying out the policy's action needs. */
struct decision {
	struct app *a;
	const char *host;
	uint16_t port;
	const struct cert_report *r;
	char *path;                      /* known_servers, once looked up */
	char *err;                       /* why it would not load, or NULL */
	struct known_list known;
	const struct known_entry *match; /* the line for host:port, or NULL */
};

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

static void changed_key_alarm(const struct decision *d)
{
	char *hp = host_port(d->host, d->port);
	char *safe = sanitize_str(hp);
	char *cmd = ftps_command(d->a);
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
		"    %s trust remove %s\n"
		"ftps: certificate key of %s has changed; connection refused\n",
		safe, d->match->pin, d->r->pin, d->match->line, d->path, cmd, safe,
		safe);
	free(cmd);
	free(safe);
	free(hp);
}

static int store(const struct decision *d)
{
	char *err = NULL;
	int rc = known_add(d->path, d->host, d->port, d->r->pin, d->r->subject,
			   &err);
	if (rc < 0) {
		print_untrusted(stderr, "ftps: ", err);
		free(err);
		return -1;
	}
	char *hp = host_port(d->host, d->port);
	char *msg = rc == KNOWN_NOT_STORED
		? xasprintf("%s (%s) accepted for this run; %s stores nothing", hp,
			    d->r->pin, d->path)
		: xasprintf("%s (%s) added to %s", hp, d->r->pin, d->path);
	print_untrusted(stderr, "ftps: ", msg);
	free(msg);
	free(hp);
	return 0;
}

static int answer_is_pin(const char *answer, const char *pin)
{
	return !strcmp(answer, pin) || !strcmp(answer, pin + strlen("SHA256:"));
}

static enum trust_answer ask(const struct decision *d)
{
	struct app *a = d->a;
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
		int yes = !strcasecmp(ans, "yes") || answer_is_pin(ans, d->r->pin);
		int once = !strcasecmp(ans, "once");
		free(ans);
		if (yes)
			return store(d) == 0
				       ? accept(a, "pinned (added to known_servers now)")
				       : refuse(a);
		if (once)
			return accept(a, "once (for this session, not stored)");
		fputs("Please type yes, no, once, or the key's SHA256 fingerprint.\n",
		      stderr);
	}
}

static void explain_strict(const struct decision *d)
{
	char *hp = host_port(d->host, d->port);
	char *safe = sanitize_str(hp);
	char *cmd = ftps_command(d->a);
	fflush(stdout);
	fputs(d->a->trust.cert_text, stderr);
	fprintf(stderr,
		"ftps: %s is not in known_servers and its certificate is not trusted.\n"
		"ftps: if the key SHA256 above is right, trust it with:\n"
		"    %s trust add %s %s\n",
		safe, cmd, safe, d->r->pin);
	free(cmd);
	free(safe);
	free(hp);
}

/* A new decision: forget the earlier one (kept only for a reconnect). */
static void remember(struct trust_state *t, const char *host, uint16_t port,
		     const char *pin)
{
	char *h = xstrdup(host);
	free(t->host);
	t->host = h;
	t->port = port;
	snprintf(t->pin, sizeof(t->pin), "%s", pin);
	free(t->how);
	t->how = NULL;
}

/* Load known_servers and classify the key: the facts the store gives. */
static void look_up(struct decision *d, struct trust_facts *f)
{
	d->path = app_known_servers_path(d->a); /* NULL: error printed */
	if (!d->path || known_load(d->path, &d->known, &d->err) < 0) {
		f->store_unreadable = 1;
		return;
	}
	f->known = known_check(&d->known, d->host, d->port, d->r->pin, &d->match);
}

static enum trust_answer carry_out(const struct decision *d,
				   enum trust_action act)
{
	struct app *a = d->a;
	char how[128];
	switch (act) {
	case POLICY_ACCEPT_SAME_AS_BEFORE:
		return TRUST_ACCEPT; /* a reconnect: never ask twice */
	case POLICY_ACCEPT_FINGERPRINT:
		return accept(a, "fingerprint given with --trust-fingerprint");
	case POLICY_REFUSE_FINGERPRINT_MISMATCH:
		fflush(stdout);
		fprintf(stderr, "ftps: the server's key %s does not match "
			"--trust-fingerprint; connection refused\n", d->r->pin);
		return refuse(a);
	case POLICY_REFUSE_STORE_UNREADABLE:
		if (d->err) {
			print_untrusted(stderr, "ftps: ", d->err);
			app_error("refusing to trust any certificate until the file is fixed");
		}
		return refuse(a);
	case POLICY_ACCEPT_PINNED:
		snprintf(how, sizeof(how), "pinned (known_servers line %zu)",
			 d->match->line);
		return accept(a, how);
	case POLICY_REFUSE_CHANGED:
		changed_key_alarm(d);
		return refuse(a);
	case POLICY_ACCEPT_CA:
		return accept(a, "CA (verified against the trust store)");
	case POLICY_ASK:
		return ask(d);
	case POLICY_STORE_AND_ACCEPT:
		return store(d) == 0 ? accept(a, "pinned (added by --trust accept-new)")
				     : refuse(a);
	case POLICY_REFUSE_STRICT:
		explain_strict(d);
		return refuse(a);
	}
	return refuse(a);
}

enum trust_answer cert_decide(struct app *a, const char *host, uint16_t port,
			      const struct cert_report *r)
{
	struct trust_state *t = &a->trust;
	const char *fp = a->opt.trust_fingerprint;
	struct trust_facts f = {
		.reconnect = t->how && t->host && !strcasecmp(t->host, host) &&
			     t->port == port && !strcmp(t->pin, r->pin),
		.fingerprint_given = fp != NULL,
		.fingerprint_matches = fp && answer_is_pin(fp, r->pin),
		.known = KNOWN_NEW,
		.ca_verified = r->reasons == 0,
		.setting = a->opt.trust,
		.interactive = a->interactive,
	};
	struct decision d = { .a = a, .host = host, .port = port, .r = r };
	free(t->cert_text);
	t->cert_text = cert_text(host, port, r);
	t->explained = 0;
	if (!f.reconnect)
		remember(t, host, port, r->pin);
	if (trust_needs_store(&f))
		look_up(&d, &f);
	enum trust_answer ans = carry_out(&d, trust_decide(&f));
	known_list_clear(&d.known);
	free(d.err);
	free(d.path);
	return ans;
}
