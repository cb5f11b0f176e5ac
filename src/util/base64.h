#ifndef FTPS_BASE64_H
#define FTPS_BASE64_H

#include <stddef.h>

/* Standard base64 without '=' padding (the OpenSSH fingerprint style) into
 * out, which must hold 4*((n+2)/3)+1 bytes. */
void base64_encode_nopad(const unsigned char *in, size_t n, char *out);

#endif
