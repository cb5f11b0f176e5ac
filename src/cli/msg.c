/* Messages to the person and exit statuses: the one place that prints
 * "ftps: ..." and makes server text safe for a terminal. */
#include "cli/msg.h"
#include "util/error.h"
#include "util/sanitize.h"
#include "util/xmalloc.h"

#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *error_where;

void app_error_context(const char *where)
{
	error_where = where;
}

/* Every message is made safe as a whole: names from the server reach
 * messages in many places, and none of them may paint the terminal. */
void app_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	char *safe = sanitize_str(msg);
	fflush(stdout);
	fprintf(stderr, "ftps: %s%s\n", error_where ? error_where : "", safe);
	free(safe);
	free(msg);
}

void print_untrusted(FILE *f, const char *prefix, const char *text)
{
	char *both = xasprintf("%s%s", prefix, text);
	char *safe = sanitize_str(both);
	fprintf(f, "%s\n", safe);
	free(safe);
	free(both);
}

int exit_code_for(int err)
{
	switch (err) {
	case 0:
		return 0;
	case FTPS_ERR_CONNECT:
	case FTPS_ERR_TIMEOUT:
		return 3;
	case FTPS_ERR_TLS:
		return 4;
	case FTPS_ERR_CERT:
		return 5;
	case FTPS_ERR_LOGIN:
		return 6;
	default:
		return 1;
	}
}

char *host_port(const char *host, uint16_t port)
{
	return strchr(host, ':') ? xasprintf("[%s]:%u", host, port)
				 : xasprintf("%s:%u", host, port);
}


static void format_size(int64_t n, double step, const char *const *unit,
			char *buf, size_t size)
{
	double v = (double)n;
	int u = 0;
	while (v >= step && u < 4) {
		v /= step;
		u++;
	}
	snprintf(buf, size, u ? "%.1f %s" : "%.0f %s", v, unit[u]);
}

void human_bytes(int64_t n, char *buf, size_t size)
{
	static const char *const unit[] = { "bytes", "kB", "MB", "GB", "TB" };
	format_size(n, 1000, unit, buf, size);
}

void human_bytes_binary(int64_t n, char *buf, size_t size)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	format_size(n, 1024, unit, buf, size);
}
