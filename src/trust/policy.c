/* The trust policy: a pure function of the facts (see policy.h). */
#include "trust/policy.h"

int trust_needs_store(const struct trust_facts *f)
{
	return !f->reconnect && !f->fingerprint_given;
}

/* An unknown key without a CA's word: the --trust setting decides. */
static enum trust_action unknown_key(const struct trust_facts *f)
{
	enum trust_setting s = f->setting;
	if (s == TRUST_SETTING_DEFAULT)
		s = f->interactive ? TRUST_SETTING_ASK : TRUST_SETTING_STRICT;
	if (s == TRUST_SETTING_ASK && f->interactive)
		return POLICY_ASK;
	if (s == TRUST_SETTING_ACCEPT_NEW)
		return POLICY_STORE_AND_ACCEPT;
	return POLICY_REFUSE_STRICT; /* strict, or ask with nobody to ask */
}

enum trust_action trust_decide(const struct trust_facts *f)
{
	if (f->reconnect)
		return POLICY_ACCEPT_SAME_AS_BEFORE;
	if (f->fingerprint_given)
		return f->fingerprint_matches ? POLICY_ACCEPT_FINGERPRINT
					      : POLICY_REFUSE_FINGERPRINT_MISMATCH;
	if (f->store_unreadable)
		return POLICY_REFUSE_STORE_UNREADABLE;
	switch (f->known) {
	case KNOWN_OK:
		return POLICY_ACCEPT_PINNED;
	case KNOWN_CHANGED:
		return POLICY_REFUSE_CHANGED; /* a pin outranks any CA */
	case KNOWN_NEW:
		break;
	}
	if (f->ca_verified)
		return POLICY_ACCEPT_CA;
	return unknown_key(f);
}

const char *trust_action_name(enum trust_action act)
{
	static const char *const names[] = {
		[POLICY_ACCEPT_SAME_AS_BEFORE] = "ACCEPT_SAME_AS_BEFORE",
		[POLICY_ACCEPT_FINGERPRINT] = "ACCEPT_FINGERPRINT",
		[POLICY_REFUSE_FINGERPRINT_MISMATCH] = "REFUSE_FINGERPRINT_MISMATCH",
		[POLICY_REFUSE_STORE_UNREADABLE] = "REFUSE_STORE_UNREADABLE",
		[POLICY_ACCEPT_PINNED] = "ACCEPT_PINNED",
		[POLICY_REFUSE_CHANGED] = "REFUSE_CHANGED",
		[POLICY_ACCEPT_CA] = "ACCEPT_CA",
		[POLICY_ASK] = "ASK",
		[POLICY_STORE_AND_ACCEPT] = "STORE_AND_ACCEPT",
		[POLICY_REFUSE_STRICT] = "REFUSE_STRICT",
	};
	if ((unsigned)act < sizeof(names) / sizeof(names[0]) && names[act])
		return names[act];
	return "?";
}
