/* XDG base directories (the spec's rule: a relative value is ignored). */
#ifndef FTPS_XDG_H
#define FTPS_XDG_H

/* $var/leaf if var holds an absolute path, else $HOME/fallback/leaf; NULL
 * without HOME. Newly allocated. Example: xdg_path("XDG_CONFIG_HOME",
 * ".config", "known_servers"). */
char *xdg_path(const char *var, const char *fallback, const char *leaf);

#endif
