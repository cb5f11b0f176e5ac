/* The start-up file (ftpsrc) and user aliases. */
#ifndef FTPS_RC_H
#define FTPS_RC_H

#include <stddef.h>

struct app;

struct alias {
	char *name;
	char *expansion;   /* the command line it stands for */
};

struct aliases {
	struct alias *v;
	size_t n;
};

void aliases_clear(struct aliases *l);

/* $XDG_CONFIG_HOME/ftps/ftpsrc, else ~/.config/ftps/ftpsrc; newly
 * allocated, or NULL without HOME. */
char *rc_default_path(void);

/* Run the commands of the start-up file, if it exists. Errors name the file
 * and line; they do not stop the start. */
void rc_run(struct app *a, const char *path);

#endif
