/* TLS configuration for the run: credentials (CA file, client
 * certificate and key, its passphrase) and the priority string, made once
 * and shared by every connection. */
#include "cli/tlsconf.h"
#include "cli/app.h"
#include "cli/msg.h"
#include "cli/prompt.h"
#include "tls/tls.h"
#include "util/error.h"
#include "util/xmalloc.h"

#include <stdlib.h>

/* Credentials and priority, made once per run. An encrypted client key
 * without FTPS_KEY_PASSPHRASE gets one passphrase prompt on a terminal. */
int app_tls_config(struct app *a)
{
	char *why = NULL;
	const char *env = a->opt.env_key_pass;
	struct tls_config_opts o = {
		.cafile = a->opt.cafile,
		.priority = a->opt.priority,
		.certfile = a->opt.certfile,
		.keyfile = a->opt.keyfile,
		.key_pass = env,
	};
	a->tls = tls_config_new(&o, &why);
	if (!a->tls && a->opt.certfile && !env && a->interactive) {
		char *q = xasprintf("Passphrase for %s: ",
				    a->opt.keyfile ? a->opt.keyfile : a->opt.certfile);
		char *pass = prompt_secret(q);
		free(q);
		if (pass) {
			free(why);
			why = NULL;
			o.key_pass = pass;
			a->tls = tls_config_new(&o, &why);
			free_secret(pass);
		}
	}
	if (!a->tls) {
		app_error("%s", why);
		free(why);
		return FTPS_ERR_USAGE;
	}
	return 0;
}

