#include "cli/lineedit.h"

#include <stdio.h>
#include <stdlib.h>
#include <readline/history.h>
#include <readline/readline.h>

/* readline calls this when a signal interrupted its read: Ctrl-C at the
 * prompt throws the half-typed line away, as in a shell. */
static int on_signal(void)
{
	if (ftps_interrupted) {
		ftps_interrupted = 0;
		rl_replace_line("", 0);
		rl_crlf();
		rl_on_new_line();
		rl_redisplay();
	}
	return 0;
}

void lineedit_init(void)
{
	rl_readline_name = "ftps";
	/* Our own SIGINT handler sets a flag; readline must not longjmp or
	 * re-raise. */
	rl_catch_signals = 0;
	rl_signal_event_hook = on_signal;
	/* Completion arrives with the completion issue; until then TAB must
	 * not offer local files for remote arguments. */
	rl_bind_key('\t', rl_insert);
}

char *lineedit_read(const char *prompt)
{
	return readline(prompt);
}

void lineedit_add_history(const char *line)
{
	add_history(line);
}
