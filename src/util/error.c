#include "error.h"

/* Short lowercase phrases: callers prepend context ("put x: ") and the last
 * server reply where they have one. */
const char *ftps_strerror(int err)
{
	switch (err) {
	case FTPS_OK:                return "success";
	case FTPS_ERR_NOMEM:         return "out of memory";
	case FTPS_ERR_ARG:           return "invalid argument";
	case FTPS_ERR_CONNECT:       return "connection failed";
	case FTPS_ERR_TIMEOUT:       return "timed out";
	case FTPS_ERR_TLS:           return "TLS error";
	case FTPS_ERR_CERT:          return "certificate not trusted";
	case FTPS_ERR_LOGIN:         return "login refused";
	case FTPS_ERR_PROTO:         return "protocol error";
	case FTPS_ERR_REFUSED:       return "command refused by server";
	case FTPS_ERR_LOCAL:         return "local file error";
	case FTPS_ERR_NOTCONN:       return "not connected";
	case FTPS_ERR_TOOLONG:       return "input too long";
	case FTPS_ERR_INTERRUPTED:   return "interrupted";
	case FTPS_ERR_TRUNCATED:     return "transfer truncated";
	case FTPS_ERR_USAGE:         return "usage error";
	case FTPS_ERR_NORESUME:      return "the server cannot resume";
	}
	return "unknown error";
}
