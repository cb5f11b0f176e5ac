#include "cli/prompt.h"
#include "util/xmalloc.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* Read one line from the terminal, at most size-1 bytes kept. */
static char *read_tty_line(FILE *tty)
{
	char buf[1024];
	if (!fgets(buf, sizeof(buf), tty)) {
		wipe(buf, sizeof(buf));
		return NULL;
	}
	buf[strcspn(buf, "\r\n")] = '\0';
	char *s = xstrdup(buf);
	wipe(buf, sizeof(buf));
	return s;
}

static char *ask(const char *question, int echo)
{
	FILE *tty = fopen("/dev/tty", "r+");
	if (!tty)
		return NULL;
	struct termios old, quiet;
	int fd = fileno(tty);
	int restore = 0;
	fputs(question, tty);
	fflush(tty);
	if (!echo && tcgetattr(fd, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		restore = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
	}
	char *line = read_tty_line(tty);
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	if (!line)
		fputc('\n', tty);
	fclose(tty);
	return line;
}

char *prompt_secret(const char *question) { return ask(question, 0); }

char *prompt_line(const char *question) { return ask(question, 1); }
