# shellcheck shell=bash
# Driving ftps on a real terminal (tmux), for prompts and line editing.
#
#   tty_start CMD [ARGS...]   run CMD in a detached 200x50 tmux session on a
#                             private socket; its exit status lands in
#                             $TTY_STATUS_FILE when it ends
#   tty_wait TEXT [SECS]      wait (default 15 s) until the screen shows TEXT
#   tty_type TEXT             type TEXT (literally) and press Enter
#   tty_keys KEY...           send tmux key names (C-c, C-d, Tab, ...)
#   tty_screen                print the visible screen
#   tty_wait_exit [SECS]      wait for CMD to end; prints its exit status
#   tty_stop                  kill the tmux server

tty_start() {
	TTY_SOCK=$BATS_TEST_TMPDIR/tmux.sock
	TTY_STATUS_FILE=$BATS_TEST_TMPDIR/tty.status
	rm -f "$TTY_STATUS_FILE"
	local script=$BATS_TEST_TMPDIR/tty-cmd.sh q
	{
		echo "cd $(printf '%q' "$PWD")"
		printf '%q ' "$@"
		echo
		echo "echo \$? >$(printf '%q' "$TTY_STATUS_FILE")"
		# keep the pane so the final screen can still be read
		echo "sleep 600"
	} >"$script"
	tmux -S "$TTY_SOCK" -f /dev/null new-session -d -x 200 -y 50 "bash $script"
}

tty_screen() {
	tmux -S "$TTY_SOCK" capture-pane -p -J -S -200
}

tty_wait() {
	local text=$1 secs=${2:-15} i
	for ((i = 0; i < secs * 20; i++)); do
		tty_screen | grep -qF -- "$text" && return 0
		sleep 0.05
	done
	echo "tty_wait: '$text' did not appear within $secs s; screen:" >&2
	tty_screen >&2
	return 1
}

tty_type() {
	tmux -S "$TTY_SOCK" send-keys -l -- "$1"
	tmux -S "$TTY_SOCK" send-keys Enter
}

tty_keys() {
	tmux -S "$TTY_SOCK" send-keys "$@"
}

tty_wait_exit() {
	local secs=${1:-15} i
	for ((i = 0; i < secs * 20; i++)); do
		if [[ -s $TTY_STATUS_FILE ]]; then
			cat "$TTY_STATUS_FILE"
			return 0
		fi
		sleep 0.05
	done
	echo "tty_wait_exit: still running after $secs s; screen:" >&2
	tty_screen >&2
	return 1
}

tty_stop() {
	[[ -n ${TTY_SOCK:-} ]] && tmux -S "$TTY_SOCK" kill-server 2>/dev/null
	return 0
}
