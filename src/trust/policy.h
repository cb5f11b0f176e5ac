/* The trust policy, in the spirit of OpenSSH's check_host_key(): from what
 * is known about a server's certificate, what to do with it. Pure: no I/O,
 * no prompting, no printing; src/cli/cert_ui.c gathers the facts (loading
 * known_servers only when trust_needs_store() says so) and carries the
 * action out. In order:
 *
 *   a reconnect to the host, port and key accepted before   accept again
 *   --trust-fingerprint                                      it alone decides
 *   known_servers could not be read                          refuse
 *   the key is pinned for host:port                          accept
 *   another key is pinned there (even if a CA vouches)       the alarm
 *   a CA verified the certificate                            accept
 *   otherwise, by the setting: ask (on a terminal), accept-new (store it),
 *   strict (refuse with advice); the default is ask on a terminal and
 *   strict elsewhere. */
#ifndef FTPS_POLICY_H
#define FTPS_POLICY_H

#include "trust/store.h"

/* --trust; the same values as cli/app.h's enum trust_policy. */
enum trust_setting {
	TRUST_SETTING_DEFAULT = 0,
	TRUST_SETTING_ASK,
	TRUST_SETTING_ACCEPT_NEW,
	TRUST_SETTING_STRICT,
};

struct trust_facts {
	/* Same host (case-insensitive), port and key as a connection of this
	 * run that was accepted: a reconnect never asks twice. */
	int reconnect;
	int fingerprint_given;    /* --trust-fingerprint */
	int fingerprint_matches;  /* ... and it is the server's key */
	/* Read only when trust_needs_store(): */
	int store_unreadable;     /* no known_servers path, or it would not load */
	enum known_status known;  /* known_check() of the server's key */
	int ca_verified;          /* cert_report reasons == 0 */
	enum trust_setting setting;
	int interactive;          /* a person can answer a prompt */
};

enum trust_action {
	POLICY_ACCEPT_SAME_AS_BEFORE,     /* keep the earlier decision */
	POLICY_ACCEPT_FINGERPRINT,
	POLICY_REFUSE_FINGERPRINT_MISMATCH,
	POLICY_REFUSE_STORE_UNREADABLE,
	POLICY_ACCEPT_PINNED,
	POLICY_REFUSE_CHANGED,            /* the alarm */
	POLICY_ACCEPT_CA,
	POLICY_ASK,                       /* yes stores, once does not, no refuses */
	POLICY_STORE_AND_ACCEPT,          /* --trust accept-new */
	POLICY_REFUSE_STRICT,             /* with the `ftps trust add` advice */
};

/* Non-zero when the decision depends on known_servers (store_unreadable,
 * known): neither a reconnect nor --trust-fingerprint. */
int trust_needs_store(const struct trust_facts *f);
enum trust_action trust_decide(const struct trust_facts *f);
/* "ACCEPT_PINNED" etc., for tests and debugging. */
const char *trust_action_name(enum trust_action act);

#endif
