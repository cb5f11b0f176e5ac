/* Error codes shared by every layer. Functions return 0 or one of these
 * (negative); ftps_strerror() turns them into text. */
#ifndef FTPS_ERROR_H
#define FTPS_ERROR_H

enum ftps_err {
	FTPS_OK = 0,
	FTPS_ERR_NOMEM = -1,      /* allocation failed (xmalloc aborts instead) */
	FTPS_ERR_ARG = -2,        /* bad argument or malformed input */
	FTPS_ERR_CONNECT = -3,    /* TCP connection failed or was lost */
	FTPS_ERR_TIMEOUT = -4,    /* no answer within the timeout */
	FTPS_ERR_TLS = -5,        /* TLS handshake or record layer failure */
	FTPS_ERR_CERT = -6,       /* certificate not trusted or changed */
	FTPS_ERR_LOGIN = -7,      /* server refused the login */
	FTPS_ERR_PROTO = -8,      /* the server broke the protocol */
	FTPS_ERR_REFUSED = -9,    /* the server refused a command (4xx/5xx) */
	FTPS_ERR_LOCAL = -10,     /* a local file operation failed (see errno) */
	FTPS_ERR_NOTCONN = -11,   /* no connection open */
	FTPS_ERR_TOOLONG = -12,   /* input exceeded a bound */
	FTPS_ERR_INTERRUPTED = -13, /* cancelled by the user */
	FTPS_ERR_TRUNCATED = -14, /* data ended without a clean TLS close */
	FTPS_ERR_USAGE = -15,     /* wrong command usage */
	FTPS_ERR_NORESUME = -16,  /* the server refused REST: start over */
};

const char *ftps_strerror(int err);

#endif
