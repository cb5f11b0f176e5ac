/* Local commands: lcd, lpwd, lls. */
#include "cli/app.h"
#include "cli/commands.h"
#include "util/error.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int cmd_lcd(struct app *a, int argc, char **argv)
{
	(void)a;
	const char *dir = argc > 1 ? argv[1] : getenv("HOME");
	if (!dir) {
		app_error("lcd: no directory given and HOME is not set");
		return FTPS_ERR_USAGE;
	}
	if (chdir(dir) < 0) {
		app_error("lcd: %s: %s", dir, strerror(errno));
		return FTPS_ERR_LOCAL;
	}
	return 0;
}

int cmd_lpwd(struct app *a, int argc, char **argv)
{
	(void)a;
	(void)argc;
	(void)argv;
	char *cwd = getcwd(NULL, 0);
	if (!cwd) {
		app_error("lpwd: %s", strerror(errno));
		return FTPS_ERR_LOCAL;
	}
	printf("Local working directory: %s\n", cwd);
	free(cwd);
	return 0;
}

/* ls(1) itself, with the user's arguments: no shell in between. */
int cmd_lls(struct app *a, int argc, char **argv)
{
	(void)a;
	char **args = xcalloc((size_t)argc + 2, sizeof(*args));
	args[0] = "ls";
	args[1] = "-l";
	for (int i = 1; i < argc; i++)
		args[i + 1] = argv[i];
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		execvp("ls", args);
		_exit(127);
	}
	free(args);
	int status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		app_error("lls: %s", strerror(errno));
		return FTPS_ERR_LOCAL;
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : FTPS_ERR_LOCAL;
}

int cmd_lmkdir(struct app *a, int argc, char **argv)
{
	(void)a;
	for (int i = 1; i < argc; i++) {
		if (mkdir(argv[i], 0777) < 0) {
			app_error("lmkdir: %s: %s", argv[i], strerror(errno));
			return FTPS_ERR_LOCAL;
		}
	}
	return 0;
}

/* "!command" runs command with /bin/sh; "!" alone starts $SHELL. The child
 * gets the terminal's default SIGINT so Ctrl-C stops it, not us. */
int run_shell(const char *command)
{
	const char *shell = getenv("SHELL");
	if (!shell || !*shell)
		shell = "/bin/sh";
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		if (*command)
			execl("/bin/sh", "sh", "-c", command, (char *)NULL);
		else
			execl(shell, shell, (char *)NULL);
		_exit(127);
	}
	int status = 0;
	if (pid < 0)
		return FTPS_ERR_LOCAL;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return FTPS_ERR_LOCAL;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	app_error("!%s: exited with status %d", command,
		  WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return FTPS_ERR_LOCAL;
}
