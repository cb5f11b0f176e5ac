#include "util/xdg.h"
#include "util/xmalloc.h"

#include <stdlib.h>

char *xdg_path(const char *var, const char *fallback, const char *leaf)
{
	const char *dir = getenv(var);
	if (dir && *dir == '/')
		return xasprintf("%s/%s", dir, leaf);
	const char *home = getenv("HOME");
	return home ? xasprintf("%s/%s/%s", home, fallback, leaf) : NULL;
}
