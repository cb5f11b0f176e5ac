/* What of a typed line may be shown again (batch echo) or kept (history
 * file): never a password. */
#ifndef FTPS_HISTORY_H
#define FTPS_HISTORY_H

struct app;

/* A copy of line safe to show and keep. The rule is applied to the line as
 * it runs, after alias expansion: URL passwords in `open` become "****";
 * the password of `user` and whatever follows a raw PASS, ACCT or SITE
 * PASS/PSWD (quote, site) is dropped; `alias NAME COMMAND...` is judged by
 * its COMMAND. A line without a secret comes back exactly as typed. Newly
 * allocated. */
char *history_scrub(struct app *a, const char *line);

/* $XDG_STATE_HOME/ftps/history, else ~/.local/state/ftps/history; NULL
 * without HOME. Newly allocated. */
char *history_default_path(void);

#endif
