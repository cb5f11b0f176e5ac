/* What of a typed line may go into the history file: never a password. */
#ifndef FTPS_HISTORY_H
#define FTPS_HISTORY_H

/* A copy of line safe to keep: URL passwords in `open` removed, the password
 * of `user` and of raw PASS commands dropped. Newly allocated. */
char *history_scrub(const char *line);

/* $XDG_STATE_HOME/ftps/history, else ~/.local/state/ftps/history; NULL
 * without HOME. Newly allocated. */
char *history_default_path(void);

#endif
