/* Messages to the person and exit statuses. */
#ifndef FTPS_MSG_H
#define FTPS_MSG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Print "ftps: " + message to stderr, made safe as a whole (server names
 * reach messages in many places). */
void app_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print untrusted text (from the server) made safe, plus a newline. */
void print_untrusted(FILE *f, const char *prefix, const char *text);
/* While reading the start-up file: "FILE:LINE: " before every error. */
void app_error_context(const char *where);
/* Exit status for a negative ftps_err (0 for 0). */
int exit_code_for(int err);
/* "host:port", or "[v6]:port". Newly allocated. */
char *host_port(const char *host, uint16_t port);

/* "52.4 MB", "980 bytes": sizes in messages, decimal units; the binary
 * form ("1.5 MiB") for the progress bar. */
void human_bytes(int64_t n, char *buf, size_t size);
void human_bytes_binary(int64_t n, char *buf, size_t size);


#endif
