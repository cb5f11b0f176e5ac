#!/usr/bin/env bats
# The interactive prompt: completion of commands and of local and remote
# names, the history file, the start-up file and aliases.

load ../lib/common
load ../lib/tty

setup_file() { setup_servers_file; }
teardown_file() { teardown_servers_file; }

setup() {
	test_setup || return 1
	VS=$VSFTPD_ROOT/t$BATS_TEST_NUMBER
	mkdir -p "$VS"
}
teardown() { tty_stop; }

# An interactive ftps on the vsftpd test directory, at its prompt.
start_ftps() {
	tty_start env HOME="$HOME" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" \
		XDG_STATE_HOME="$XDG_STATE_HOME" FTPS_PASSWORD="${FTPS_PASSWORD:-}" \
		"$FTPS" --cafile "$CERTDIR/ca.pem" "$@"
	tty_wait "ftps> "
}

# The text of the last prompt line on the screen.
prompt_line() {
	tty_screen | grep '^ftps> ' | tail -n1 | sed 's/[[:space:]]*$//'
}

@test "TAB completes command names, then settings and command arguments" {
	start_ftps "ftpes://127.0.0.1:$VSFTPD_PORT/t$BATS_TEST_NUMBER"
	tty_keys "sta" Tab
	tty_wait "ftps> status "
	tty_keys C-u "set prog" Tab
	tty_wait "ftps> set progress "
	tty_keys C-u "help mkd" Tab
	tty_wait "ftps> help mkdir "
}

@test "TAB completes remote files, directories (with /), and names with spaces" {
	mkdir -p "$VS/subdir/inner"
	echo x >"$VS/only-one-file.dat"
	echo y >"$VS/with space.txt"
	start_ftps "ftpes://127.0.0.1:$VSFTPD_PORT/t$BATS_TEST_NUMBER"
	tty_keys "get only" Tab
	tty_wait "ftps> get only-one-file.dat "
	tty_keys C-u "cd sub" Tab
	tty_wait "ftps> cd subdir/"
	tty_keys "in" Tab
	tty_wait "ftps> cd subdir/inner/"
	tty_keys C-u "get with" Tab
	tty_wait 'ftps> get with\ space.txt '
	tty_keys Enter
	tty_wait "ftps> " 
	for _ in $(seq 100); do [[ -f "with space.txt" ]] && break; sleep 0.05; done
	cmp "$VS/with space.txt" "with space.txt"
	# a glob is not expanded by TAB
	tty_keys C-u "get *.dat" Tab
	sleep 0.3
	assert_equal "$(prompt_line)" "ftps> get *.dat"
}

@test "TAB completes local paths for local arguments" {
	mkdir -p "locdir/deeper"
	touch "locdir/local-file.txt"
	start_ftps "ftpes://127.0.0.1:$VSFTPD_PORT/t$BATS_TEST_NUMBER"
	tty_keys "put locd" Tab
	tty_wait "ftps> put locdir/"
	tty_keys "loc" Tab
	tty_wait "ftps> put locdir/local-file.txt "
	tty_keys C-u "lcd locdir/dee" Tab
	tty_wait "ftps> lcd locdir/deeper/"
}

@test "TAB: put's target completes remote names, get's target local ones; options do not count" {
	mkdir -p "$VS/remote-dir"
	touch local-only.txt
	mkdir local-target
	start_ftps "ftpes://127.0.0.1:$VSFTPD_PORT/t$BATS_TEST_NUMBER"
	tty_keys "put local-only.txt remote-d" Tab
	tty_wait "ftps> put local-only.txt remote-dir/"
	tty_keys C-u "get -P 2 remote-d" Tab
	tty_wait "ftps> get -P 2 remote-dir/"
	tty_keys C-u "get x local-t" Tab
	tty_wait "ftps> get x local-target/"
}

@test "TAB after open offers ~/.netrc machines, never macro names or bodies" {
	cat >"$HOME/.netrc" <<-'EOF'
		machine netrc-host.example login bob password pw
		macdef init
		machine macro-body-host
		cd /x

		machine other-netrc.example login carol
	EOF
	chmod 600 "$HOME/.netrc"
	start_ftps --norc
	tty_keys "open " Tab Tab
	tty_wait "netrc-host.example"
	tty_wait "other-netrc.example"
	run tty_screen
	refute_output --partial "macro-body-host"
	refute_output --partial "init"
}

@test "the remote listing cache is refreshed after put" {
	echo 1 >"$VS/alpha1"
	echo 2 >fresh-upload
	start_ftps "ftpes://127.0.0.1:$VSFTPD_PORT/t$BATS_TEST_NUMBER"
	tty_keys "get al" Tab
	tty_wait "ftps> get alpha1 "
	tty_keys C-u "get fre" Tab
	sleep 0.3
	assert_equal "$(prompt_line)" "ftps> get fre"
	tty_keys C-u "put fresh-upload" Enter
	tty_wait "fresh-upload "
	tty_keys "get fre" Tab
	tty_wait "ftps> get fresh-upload "
}

@test "the history file is private and never holds a password" {
	FTPS_PASSWORD= start_ftps
	tty_type "open ftpes://alice:s3cret@127.0.0.1:$PYFTPD_PORT"
	tty_wait "ftps> "
	tty_type "user alice s3cret"
	tty_type "quote PASS s3cret"
	tty_type "pwd"
	tty_wait "Remote working directory: /"
	tty_type quit
	run tty_wait_exit
	assert_output 0
	local h=$XDG_STATE_HOME/ftps/history
	assert_file_exists "$h"
	assert_equal "$(stat -c %a "$h")" 600
	run cat "$h"
	refute_output --partial "s3cret"
	assert_line "open ftpes://alice@127.0.0.1:$PYFTPD_PORT"
	assert_line "user alice"
	assert_line "pwd"
}

@test "set history off keeps no history file" {
	start_ftps
	tty_type "set history off"
	tty_type "lpwd"
	tty_type quit
	run tty_wait_exit
	assert_output 0
	assert_file_not_exists "$XDG_STATE_HOME/ftps/history"
}

@test "ftpsrc runs at start (settings, aliases); errors name file and line; --norc skips it" {
	mkdir -p "$XDG_CONFIG_HOME/ftps"
	printf '# my settings\nset progress off\nalias here lpwd\nbogus-command\nalias ll ls -l\n' \
		>"$XDG_CONFIG_HOME/ftps/ftpsrc"
	echo 123 >"$VS/f"
	run ftps_batch $'set\nhere\nll' "ftpes://127.0.0.1:$VSFTPD_PORT/t$BATS_TEST_NUMBER"
	assert_success
	assert_output --partial "ftps: $XDG_CONFIG_HOME/ftps/ftpsrc:4: bogus-command: unknown command"
	assert_line --regexp '^progress +off '
	assert_line "Local working directory: $WORK"
	assert_line --regexp '^-rw-r--r-- .* 4 .* f$'
	run ftps_batch $'set' --norc
	assert_success
	assert_line --regexp '^progress +on '
	run ftps_batch 'alias'
	assert_line "alias here lpwd"
	assert_line "alias ll ls -l"
	run ftps_batch 'alias ls pwd'
	assert_failure 1
	assert_output --partial "alias: ls is a command"
}

@test "every command in help is in the man page, with help CMD's usage" {
	run "$FTPS" -b - --norc <<<"help"
	assert_success
	local man names
	man=$(MANWIDTH=200 man -l "$BATS_TEST_DIRNAME/../../man/ftps.1" 2>/dev/null)
	names=$(sed -n 's/^  \([a-z]\+\).*/\1/p' <<<"$output" | sort -u)
	[[ $(wc -w <<<"$names") -ge 30 ]]
	for c in $names; do
		grep -qE "^ +$c( |,|$)" <<<"$man" || { echo "not in the man page: $c"; return 1; }
		# the usage line of "help CMD" (from the command table) is the
		# man page's, word for word
		local usage
		usage=$("$FTPS" -b - --norc <<<"help $c" | sed -n 's/^usage: //p')
		[[ -n $usage ]] || { echo "help $c: no usage line"; return 1; }
		grep -qF -- "$usage" <<<"$man" || { echo "man page lacks: $usage"; return 1; }
	done
	grep -qF '!COMMAND' <<<"$man"
}

@test "Ctrl-C at the prompt clears the line; Ctrl-D quits" {
	start_ftps --norc
	tty_keys "lpwd and some half-typed text"
	tty_wait "ftps> lpwd and some half-typed text"
	tty_keys C-c
	tty_wait "ftps> "
	sleep 0.2
	assert_equal "$(prompt_line)" "ftps>"
	tty_type "lpwd"
	tty_wait "Local working directory: $WORK"
	tty_keys C-d
	run tty_wait_exit
	assert_output 0
}
