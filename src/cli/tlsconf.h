/* The run's TLS configuration (a->tls), made on the first connection. */
#ifndef FTPS_TLSCONF_H
#define FTPS_TLSCONF_H

struct app;

/* Credentials and priority from the options; an encrypted client key
 * without FTPS_KEY_PASSPHRASE gets one passphrase prompt on a terminal.
 * 0, or FTPS_ERR_USAGE with the reason printed. */
int app_tls_config(struct app *a);

#endif
