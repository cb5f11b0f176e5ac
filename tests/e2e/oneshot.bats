#!/usr/bin/env bats
# One-shot transfers from the command line (issue 14): a URL naming a file
# downloads it and exits, -o names the local copy (- for standard output),
# -T uploads; a URL naming a directory still opens the session there.
# Bytes, exit codes, the one-line messages and the protocol trace (one
# RETR or STOR, never one too many) on both servers.

load ../lib/common

setup_file() { setup_servers_file; }
teardown_file() { teardown_servers_file; }

setup() {
	test_setup || return 1
	export FTPS_PASSWORD=s3cret
	T=t$BATS_TEST_NUMBER
	VS=$VSFTPD_ROOT/$T
	PY=$PYFTPD_ROOT/$T
	mkdir -p "$VS" "$PY"
	VSURL=ftpes://127.0.0.1:$VSFTPD_PORT
	PYURL=ftpes://alice@127.0.0.1:$PYFTPD_PORT
}

# one ARGS...: ftps with the test CA, stdin empty (no prompt may read it)
one() {
	timeout -k 5 "$FTPS_TIMEOUT" "$FTPS" --cafile "$CERTDIR/ca.pem" --norc "$@" </dev/null
}

count() { grep -c -- "$1" <<<"$output" || true; }

check_download() {
	local url=$1 root=$2
	random_file "$root/file.iso" 300000
	run one -v "$url/$T/file.iso"
	assert_success
	cmp "$root/file.iso" file.iso
	assert_equal "$(count '^--> RETR ')" 1
	assert_line "--> RETR $T/file.iso"
	refute_output --partial "ftps: cd:"
	run ls -A
	assert_output "file.iso"
}

@test "a URL naming a file downloads it into the current directory and exits (both servers)" {
	check_download "$VSURL" "$VS"
	rm -f file.iso
	check_download "$PYURL" "$PY"
}

@test "a URL naming a directory still opens the session there (prompt and -b)" {
	mkdir -p "$VS/sub"
	run bash -c 'echo pwd | "$@"' _ timeout 30 "$FTPS" --cafile "$CERTDIR/ca.pem" --norc "$VSURL/$T/sub"
	assert_success
	assert_output "Remote working directory: $VSFTPD_ROOT/$T/sub"
	run ftps_batch pwd "$PYURL/$T/sub/" --norc
	assert_failure 1
	assert_output "ftps: cd: 550 No such file or directory."
	mkdir -p "$PY/sub"
	run ftps_batch pwd "$PYURL/$T/sub/" --norc
	assert_success
	assert_line "Remote working directory: /$T/sub"
}

@test "-b with a URL naming a file: the commands need a directory, as before" {
	echo data >"$VS/f"
	run ftps_batch pwd "$VSURL/$T/f" --norc
	assert_failure 1
	assert_output "ftps: cd: 550 Failed to change directory."
	assert [ ! -e f ]
}

@test "a URL naming a missing file: exit 1, one line, nothing created (both servers)" {
	run one -v "$VSURL/$T/missing.iso"
	assert_failure 1
	assert_equal "$(grep -v '^<--\|^-->' <<<"$output")" "ftps: get: $T/missing.iso: 550 Failed to open file."
	run one "$PYURL/$T/missing.iso"
	assert_failure 1
	assert_output "ftps: get: $T/missing.iso: 550 No such file or directory."
	run ls -A
	assert_output ""
}

@test "a name that cannot be a local file (.., a backslash) is refused before any RETR" {
	printf 'x' >"$VS/a\\b"
	run one -v "$VSURL/$T/nothere/.."
	assert_failure 1
	assert_line "ftps: get: $T/nothere/..: cannot make a local name from it; give one"
	assert_equal "$(count '^--> RETR ')" 0
	run one -v "$VSURL/$T/a%5Cb"
	assert_failure 1
	assert_line "ftps: get: $T/a\\\\b: cannot make a local name from it; give one"
	assert_equal "$(count '^--> RETR ')" 0
	run ls -A
	assert_output ""
	# with a name of the user's choosing it comes
	run one -o safe "$VSURL/$T/a%5Cb"
	assert_success
	assert_equal "$(cat safe)" x
	run ls -A
	assert_output safe
}

@test "-o LOCAL names the copy; -o - writes to standard output" {
	random_file "$PY/data.bin" 70000
	run one -v -o copy.bin "$PYURL/$T/data.bin"
	assert_success
	cmp "$PY/data.bin" copy.bin
	assert_equal "$(count '^--> RETR ')" 1
	one -o - "$PYURL/$T/data.bin" >out.bin
	cmp "$PY/data.bin" out.bin
	run ls -A
	assert_output $'copy.bin\nout.bin'
}

@test "-o onto an existing file follows get's rules: replaced, or kept with set clobber off" {
	echo new >"$VS/f.txt"
	echo old >mine.txt
	run one -o mine.txt "$VSURL/$T/f.txt"
	assert_success
	assert_equal "$(cat mine.txt)" new
	echo old >mine.txt
	mkdir -p "$XDG_CONFIG_HOME/ftps"
	echo "set clobber off" >"$XDG_CONFIG_HOME/ftps/ftpsrc"
	run timeout 30 "$FTPS" --cafile "$CERTDIR/ca.pem" -v -o mine.txt "$VSURL/$T/f.txt" </dev/null
	assert_failure 1
	assert_line "ftps: get: mine.txt: exists (set clobber on to replace it)"
	assert_equal "$(count '^--> RETR ')" 0
	assert_equal "$(cat mine.txt)" old
}

@test "-T FILE uploads: into a directory URL (trailing /) with its base name, or as the URL's name" {
	random_file up.bin 90000
	mkdir -p "$PY/in"
	run one -v -T up.bin "$PYURL/$T/in/"
	assert_success
	cmp up.bin "$PY/in/up.bin"
	assert_equal "$(count '^--> STOR ')" 1
	assert_line "--> STOR $T/in/up.bin"
	run one -v -T up.bin "$VSURL/$T/renamed.bin"
	assert_success
	cmp up.bin "$VS/renamed.bin"
	assert_equal "$(count '^--> STOR ')" 1
	run one -T missing.bin "$VSURL/$T/"
	assert_failure 1
	assert_output --partial "missing.bin"
	assert [ ! -e "$VS/missing.bin" ]
}

@test "percent-escapes: %20 in a name, %2F at the start makes the path absolute" {
	echo spaced >"$VS/a b.txt"
	run one -v "$VSURL/$T/a%20b.txt"
	assert_success
	assert_equal "$(cat 'a b.txt')" spaced
	assert_line "--> RETR $T/a b.txt"
	echo abs >"$VS/abs.txt"
	run one -v "$VSURL/%2F${VSFTPD_ROOT#/}/$T/abs.txt"
	assert_success
	assert_line "--> RETR $VSFTPD_ROOT/$T/abs.txt"
	assert_equal "$(cat abs.txt)" abs
}

@test "-o and -T misuse: exit 2, one line, no connection" {
	run "$FTPS" -o x
	assert_failure 2
	assert_output "ftps: -o needs a URL: ftps -o FILE ftpes://HOST/PATH"
	run "$FTPS" -o x -T y "ftpes://127.0.0.1:1/f"
	assert_failure 2
	assert_output "ftps: -o and -T cannot be used together"
	run "$FTPS" -o x "ftpes://127.0.0.1:1/dir/"
	assert_failure 2
	assert_output "ftps: -o needs a URL that names a file (ftpes://HOST/DIR/FILE)"
	run "$FTPS" -b - -T y "ftpes://127.0.0.1:1/"
	assert_failure 2
	assert_output "ftps: -T cannot be used with -b"
}
