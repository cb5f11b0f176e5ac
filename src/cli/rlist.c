/* The pure helpers of remote_list.h: lists of entries, paths and the
 * pattern form of typed words. No engine here, so the planners and their
 * unit tests use the same code. */
#include "cli/remote_list.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#include <stdlib.h>
#include <string.h>

void rlist_clear(struct rlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].path);
		free(l->v[i].name);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

char *path_join(const char *dir, const char *name)
{
	if (!dir || !*dir || !strcmp(dir, "."))
		return xstrdup(name);
	size_t n = strlen(dir);
	return xasprintf("%s%s%s", dir, dir[n - 1] == '/' ? "" : "/", name);
}

const char *path_base(const char *path)
{
	size_t len = strlen(path);
	while (len > 1 && path[len - 1] == '/')
		len--;
	const char *slash = memrchr(path, '/', len);
	return slash ? slash + 1 : path;
}

char *pattern_unescape(const char *pattern, size_t len)
{
	struct buf b = { 0 };
	for (size_t i = 0; i < len; i++) {
		if (pattern[i] == '\\' && i + 1 < len)
			i++;
		buf_append(&b, pattern + i, 1);
	}
	return buf_steal(&b);
}

int pattern_is_wild(const char *pattern, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (pattern[i] == '\\')
			i++;
		else if (strchr("*?[", pattern[i]))
			return 1;
	}
	return 0;
}
