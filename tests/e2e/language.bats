#!/usr/bin/env bats
# The command language (issue 12), on both servers: quoting decides what is
# a wildcard, options are parsed the same way for every command, "~" and
# "-" work in paths, ls sorts and filters by itself, globs work in every
# path component.

load ../lib/common

setup_file() { setup_servers_file; }
teardown_file() { teardown_servers_file; }

setup() {
	test_setup || return 1
	export FTPS_PASSWORD=s3cret
	VS=$VSFTPD_ROOT/t$BATS_TEST_NUMBER
	PY=$PYFTPD_ROOT/t$BATS_TEST_NUMBER
	mkdir -p "$VS" "$PY"
}

vs() { ftps_batch "$1" "ftpes://127.0.0.1:$VSFTPD_PORT/t$BATS_TEST_NUMBER" "${@:2}"; }
py() { ftps_batch "$1" "ftpes://alice@127.0.0.1:$PYFTPD_PORT/t$BATS_TEST_NUMBER" "${@:2}"; }
# on SERVER (vs or py), with ROOT its directory for this test; two
# statements, not "a && b": bash ignores a failure on the left of && even
# under errexit, and the first check would pass whatever happened
both() {
	local fn=$1
	"$fn" vs "$VS"
	"$fn" py "$PY"
}

lit_files() {
	echo star >"$1/lit*.txt"
	echo one >"$1/lit1.txt"
	echo two >"$1/lit2.txt"
}

check_quoted_rm() {
	local srv=$1 root=$2
	lit_files "$root"
	run "$srv" "rm 'lit*.txt'"
	assert_success
	assert [ ! -e "$root/lit*.txt" ]
	assert [ -e "$root/lit1.txt" ] && assert [ -e "$root/lit2.txt" ]
	lit_files "$root"
	run "$srv" 'rm lit\*.txt'
	assert_success
	assert [ ! -e "$root/lit*.txt" ]
	assert [ -e "$root/lit1.txt" ]
	# unquoted, it is a pattern: all three go
	lit_files "$root"
	run "$srv" 'rm lit*.txt'
	assert_success
	run ls "$root"
	assert_output ""
}

@test "rm: a quoted or escaped wildcard is literal, an unquoted one globs (both servers)" {
	both check_quoted_rm
}

check_quoted_get() {
	local srv=$1 root=$2
	lit_files "$root"
	mkdir -p "$srv-q" "$srv-e" "$srv-g"
	run "$srv" "get 'lit*.txt' $srv-q/"
	assert_success
	run ls "$srv-q"
	assert_output "lit*.txt"
	run "$srv" "get \"lit\"\\*.txt $srv-e/"
	assert_success
	run ls "$srv-e"
	assert_output "lit*.txt"
	run "$srv" "get lit[0-9].txt $srv-g/"
	assert_success
	run ls "$srv-g"
	assert_output $'lit1.txt\nlit2.txt'
}

@test "get: quoted wildcards are literal, unquoted ones glob (both servers)" {
	both check_quoted_get
}

@test "the batch echo shows the line as typed, wildcards untouched" {
	echo x >"$VS/f49a"
	run vs 'ls f49*'
	assert_success
	assert_line 'ftps> ls f49*'
	assert_line 'f49a'
}

check_ls_options() {
	local srv=$1 root=$2
	head -c 300 /dev/zero >"$root/b-big"
	head -c 10 /dev/zero >"$root/c-small"
	head -c 100 /dev/zero >"$root/a-mid"
	echo hidden >"$root/.dot"
	touch -d '2020-01-01 00:00' "$root/b-big"
	touch -d '2021-01-01 00:00' "$root/c-small"
	touch -d '2022-01-01 00:00' "$root/a-mid"
	run "$srv" "ls"
	assert_success
	assert_equal "$(grep -v '^ftps>' <<<"$output")" $'a-mid\nb-big\nc-small'
	run "$srv" "ls -r"
	assert_equal "$(grep -v '^ftps>' <<<"$output")" $'c-small\nb-big\na-mid'
	run "$srv" "ls -t"
	assert_success
	assert_equal "$(grep -v '^ftps>' <<<"$output")" $'a-mid\nc-small\nb-big'
	run "$srv" "ls -S"
	assert_equal "$(grep -v '^ftps>' <<<"$output")" $'b-big\na-mid\nc-small'
	run "$srv" "ls -a"
	assert_equal "$(grep -v '^ftps>' <<<"$output")" $'.dot\na-mid\nb-big\nc-small'
	# combined flags, and flags after the operand
	run "$srv" "ls -la ."
	assert_success
	assert_line --regexp '^-.* 300 .* b-big$'
	assert_line --regexp '^-.* \.dot$'
	run "$srv" "ls . -lSr"
	assert_success
	assert_equal "$(grep -v '^ftps>' <<<"$output" | awk '{print $NF}')" $'c-small\na-mid\nb-big'
}

@test "ls sorts by name and applies -l -a -t -S -r itself, combined or after operands (both servers)" {
	both check_ls_options
}

check_ls_missing() {
	local srv=$1
	run "$srv" "ls /no/such/dir"
	assert_failure 1
	assert_output --partial "ls: /no/such/dir:"
	run "$srv" "ls -l nosuchdir"
	assert_failure 1
}

@test "ls of a missing path is an error on every server" {
	both check_ls_missing
}

@test "options: mkdir -p and rm -r accept the flag anywhere; unknown long options are named" {
	run vs $'mkdir a/b/c -p\nmkdir -p a/b/c\nrm a -r'
	assert_success
	assert [ ! -e "$VS/a" ]
	run vs "get --newer x"
	assert_failure 1
	assert_output --partial "ftps: get: unknown option --newer; usage: get [-rc] [-P N] [--verify] REMOTE... [LOCAL]"
	echo x >"$VS/f"
	run vs "get --recursive --continue f"
	assert_success
	cmp "$VS/f" f
}

@test "~ expands in local paths (lcd, get, put) and quoted ~ does not; cd - and lcd - go back" {
	mkdir -p "$HOME/in" "$HOME/out"
	echo up >"$HOME/up.txt"
	echo down >"$VS/down.txt"
	mkdir "$VS/sub"
	run vs $'lcd ~\nlpwd\nlcd ~/in\nlpwd\nlcd -\nlpwd\nget down.txt ~/out/got.txt\nput ~/up.txt\ncd sub\ncd -\npwd'
	assert_success
	assert_line "Local working directory: $HOME"
	assert_line "Local working directory: $HOME/in"
	assert_equal "$(grep -c "^Local working directory: $HOME\$" <<<"$output")" 2
	cmp "$VS/down.txt" "$HOME/out/got.txt"
	cmp "$HOME/up.txt" "$VS/up.txt"
	assert_line "Remote working directory: $VS"
	# a quoted ~ is a name like any other
	run vs "get down.txt '~'"
	assert_success
	cmp "$VS/down.txt" "$WORK/~"
}

check_deep_glob() {
	local srv=$1 root=$2
	mkdir -p "$root/logs/2026-01" "$root/logs/2026-02" "$root/logs/2025-12"
	echo a >"$root/logs/2026-01/app-1.log"
	echo b >"$root/logs/2026-02/app-2.log"
	echo c >"$root/logs/2026-02/app-10.log"
	echo d >"$root/logs/2025-12/app-3.log"
	mkdir "$srv-out"
	run "$srv" "get logs/2026-*/app-?.log $srv-out/"
	assert_success
	run ls "$srv-out"
	assert_output $'app-1.log\napp-2.log'
	run "$srv" "ls logs/*/app-1*"
	assert_success
	assert_line "logs/2026-01/app-1.log"
	run "$srv" "rm logs/2026-*/app-1?.log"
	assert_success
	assert [ ! -e "$root/logs/2026-02/app-10.log" ]
	assert [ -e "$root/logs/2026-02/app-2.log" ]
}

@test "globs work in every path component (get, ls, rm; both servers)" {
	both check_deep_glob
}

@test "an unknown command-line option: one line and a hint, exit 2" {
	run "$FTPS" --no-such-option
	assert_failure 2
	assert_equal "${#lines[@]}" 2
	assert_line --index 1 "Try 'ftps --help' for more information."
}

# --- found by probing ------------------------------------------------------

@test "rm -r refuses . and .. however they are spelled; the tree stays (pyftpdlib)" {
	mkdir -p "$PY/b/c"
	echo k >"$PY/b/keep"
	echo v >"$PY/b/c/vis"
	for p in .. . ../c/.. ./ c/..; do
		run ftps_batch "rm -r $p" "ftpes://alice@127.0.0.1:$PYFTPD_PORT/t$BATS_TEST_NUMBER/b/c"
		assert_failure 1
		assert_output --partial "rm: refusing to remove"
	done
	assert_equal "$(cat "$PY/b/keep")" k
	assert_equal "$(cat "$PY/b/c/vis")" v
}

@test "rm of a glob that matches a directory says so and still removes the files" {
	mkdir "$PY/a1"
	echo 0 >"$PY/a0"
	echo 3 >"$PY/a3"
	run py "rm a*"
	assert_failure 1
	assert_output --partial "rm: a1: is a directory (use rm -r)"
	assert [ ! -e "$PY/a0" ]
	assert [ ! -e "$PY/a3" ]
	assert [ -d "$PY/a1" ]
}

@test "get of a glob that matches only directories fails; two files for one local name are refused" {
	mkdir -p "$VS/dira/sub" "$VS/dirb/sub"
	echo A >"$VS/dira/sub/f.txt"
	echo B >"$VS/dirb/sub/f.txt"
	run vs "get dir*"
	assert_failure 1
	assert_output --partial "get: dira: is a directory (use get -r)"
	run vs "get dir*/sub/f.txt"
	assert_failure 1
	assert_output --partial "get: several remote files would be saved as f.txt; nothing transferred"
	assert [ ! -e f.txt ]
}

@test "ls of a dot-file named in full shows it (both servers)" {
	echo h >"$VS/.hidden"
	echo h >"$PY/.hidden"
	run vs "ls .hidden"
	assert_success
	assert_line ".hidden"
	run py "ls -l .hidden"
	assert_success
	assert_line --regexp ' \.hidden$'
}

@test "alias lists its definitions without their passwords" {
	run ftps_batch $'alias u user alice s3cretpw\nalias o open ftpes://alice:s3cretpw@127.0.0.1:1\nalias'
	assert_success
	assert_line "alias u user alice"
	assert_line "alias o open ftpes://alice@127.0.0.1:1"
	refute_output --partial s3cretpw
}

@test "reget of a partial file larger than the shrunk remote file starts over" {
	random_file "$VS/shrunk" 100000
	head -c 200000 /dev/zero >shrunk.part
	run vs "reget shrunk"
	assert_success
	assert_output --partial "partial file is larger than the remote one; starting over"
	cmp "$VS/shrunk" shrunk
}
