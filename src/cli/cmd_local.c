/* Local commands: lcd, lpwd, lls. */
#include "cli/app.h"
#include "cli/msg.h"
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

/* lcd -: back to where the last lcd left, as cd - in a shell. */
int cmd_lcd(struct app *a, const struct cmd_args *args)
{
	const char *dir = args->argc > 0 ? args_text(args, 0) : getenv("HOME");
	if (dir && !strcmp(dir, "-") && !a->prev_local_dir) {
		app_error("lcd -: no previous local directory");
		return FTPS_ERR_USAGE;
	}
	if (dir && !strcmp(dir, "-"))
		dir = a->prev_local_dir;
	if (!dir) {
		app_error("lcd: no directory given and HOME is not set");
		return FTPS_ERR_USAGE;
	}
	char *here = getcwd(NULL, 0);
	if (chdir(dir) < 0) {
		app_error("lcd: %s: %s", dir, strerror(errno));
		free(here);
		return FTPS_ERR_LOCAL;
	}
	free(a->prev_local_dir);
	a->prev_local_dir = here;
	return 0;
}

int cmd_lpwd(struct app *a, const struct cmd_args *args)
{
	(void)a;
	(void)args;
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
int cmd_lls(struct app *a, const struct cmd_args *args)
{
	(void)a;
	char **v = xcalloc((size_t)args->argc + 3, sizeof(*v));
	v[0] = "ls";
	v[1] = "-l";
	for (int i = 0; i < args->argc; i++)
		v[i + 2] = args->argv[i].text;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		execvp("ls", v);
		_exit(127);
	}
	free(v);
	int status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		app_error("lls: %s", strerror(errno));
		return FTPS_ERR_LOCAL;
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : FTPS_ERR_LOCAL;
}

int cmd_lmkdir(struct app *a, const struct cmd_args *args)
{
	(void)a;
	for (int i = 0; i < args->argc; i++) {
		if (mkdir(args_text(args, i), 0777) < 0) {
			app_error("lmkdir: %s: %s", args_text(args, i), strerror(errno));
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
