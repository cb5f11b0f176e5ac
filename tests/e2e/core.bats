#!/usr/bin/env bats
# The core: connecting in every mode, byte-exact transfers, batch rules, exit
# codes, credentials, and never talking in clear text.

load ../lib/common
load ../lib/hostile

setup_file() { setup_servers_file; }
teardown_file() { teardown_servers_file; }

setup() {
	test_setup || return 1
}

vs_url() { echo "ftpes://127.0.0.1:$VSFTPD_PORT"; }
vs_implicit_url() { echo "ftps://127.0.0.1:$VSFTPD_IMPLICIT_PORT"; }
py_url() { echo "ftpes://alice@127.0.0.1:$PYFTPD_PORT"; }
py_implicit_url() { echo "ftps://alice@127.0.0.1:$PYFTPD_IMPLICIT_PORT"; }

# round_trip URL ROOT: put then get files of 0 B, 1 B, 1 MiB and 64 MiB;
# the server's copy and the downloaded copy must equal the original.
round_trip() {
	local url=$1 root=$2 tag=$3 size
	local script=""
	for size in 0 1 1048576 67108864; do
		random_file "src-$size" "$size"
		script+="put src-$size $tag-$size"$'\n'
		script+="get $tag-$size back-$size"$'\n'
	done
	FTPS_PASSWORD=s3cret run ftps_batch "$script" "$url"
	assert_success
	for size in 0 1 1048576 67108864; do
		cmp "src-$size" "$root/$tag-$size"
		cmp "src-$size" "back-$size"
		assert_file_not_exists "back-$size.part"
	done
}

@test "vsftpd explicit: 0 B, 1 B, 1 MiB, 64 MiB round trips are byte-exact" {
	round_trip "$(vs_url)" "$VSFTPD_ROOT" vsx
}

@test "vsftpd implicit: 0 B, 1 B, 1 MiB, 64 MiB round trips are byte-exact" {
	round_trip "$(vs_implicit_url)" "$VSFTPD_ROOT" vsi
}

@test "pyftpdlib explicit: 0 B, 1 B, 1 MiB, 64 MiB round trips are byte-exact" {
	round_trip "$(py_url)" "$PYFTPD_ROOT" pyx
}

@test "pyftpdlib implicit: 0 B, 1 B, 1 MiB, 64 MiB round trips are byte-exact" {
	round_trip "$(py_implicit_url)" "$PYFTPD_ROOT" pyi
}

@test "port 990 and --implicit choose implicit TLS; --explicit overrides ftps://" {
	run ftps_batch "pwd" --implicit "127.0.0.1:$VSFTPD_IMPLICIT_PORT"
	assert_success
	assert_output --partial "Remote working directory: $VSFTPD_ROOT"
	run ftps_batch "pwd" --explicit "ftps://127.0.0.1:$VSFTPD_PORT"
	assert_success
	assert_output --partial "Remote working directory: $VSFTPD_ROOT"
}

@test "30 transfers on one vsftpd connection all resume the TLS session" {
	random_file f 4096
	local script="put f r0"$'\n' i
	for ((i = 1; i < 30; i++)); do script+="get r0 g$i"$'\n'; done
	script+="status"
	run ftps_batch "$script" "$(vs_url)"
	assert_success
	assert_output --partial "Data channels: 30 opened, 30 resumed the control session"
	for ((i = 1; i < 30; i++)); do cmp f "g$i"; done
}

@test "20 uploads of 1 MiB to pyftpdlib (TLS 1.3 tickets on data) are all complete" {
	local script="" i
	for ((i = 0; i < 20; i++)); do
		random_file "u$i" 1048576
		script+="put u$i up$i"$'\n'
	done
	FTPS_PASSWORD=s3cret run ftps_batch "$script" "$(py_url)"
	assert_success
	for ((i = 0; i < 20; i++)); do cmp "u$i" "$PYFTPD_ROOT/up$i"; done
}

@test "batch mode echoes commands, skips comments, @ hides the echo" {
	run ftps_batch $'# a comment\n\npwd\n@lpwd\n  cd /' "$(vs_url)"
	assert_success
	assert_line --index 0 "ftps> pwd"
	assert_line --index 1 "Remote working directory: $VSFTPD_ROOT"
	assert_line --index 2 "Local working directory: $WORK"
	assert_line --index 3 "ftps> cd /"
	refute_output --partial "comment"
	refute_output --partial "ftps> lpwd"
}

@test "batch mode stops at the first failure with exit 1; '-' ignores a failure" {
	run ftps_batch $'get no-such-file\npwd' "$(vs_url)"
	assert_failure 1
	assert_line --index 0 "ftps> get no-such-file"
	refute_output --partial "ftps> pwd"
	assert_output --partial "ftps: get: no-such-file: 550"
	assert_file_not_exists no-such-file
	assert_file_not_exists no-such-file.part

	run ftps_batch $'-get no-such-file\npwd' "$(vs_url)"
	assert_success
	assert_output --partial "ftps> pwd"
}

@test "a failed download leaves the existing local file untouched" {
	echo "precious" >keep
	run ftps_batch "get no-such-file keep" "$(vs_url)"
	assert_failure 1
	assert_equal "$(cat keep)" "precious"
}

@test "unknown and ambiguous commands get one clear line; unique prefixes work" {
	run ftps_batch "frobnicate" "$(vs_url)"
	assert_failure 1
	assert_output --partial 'ftps: frobnicate: unknown command (try "help")'
	run ftps_batch "l" "$(vs_url)"
	assert_failure 1
	assert_output --partial "ftps: l: ambiguous command, could be: ls, lcd, lpwd, lls, lmkdir"
	run ftps_batch "pw" "$(vs_url)"
	assert_success
	assert_output --partial "Remote working directory: $VSFTPD_ROOT"
	run ftps_batch "get" "$(vs_url)"
	assert_failure 1
	assert_output --partial "ftps: usage: get [-rc] [-P N] [--verify] REMOTE... [LOCAL]"
	run ftps_batch "get -x f" "$(vs_url)"
	assert_failure 1
	assert_output --partial "ftps: get: unknown option -x; usage: get [-rc] [-P N] [--verify] REMOTE... [LOCAL]"
}

@test "help lists every command; help CMD shows its usage" {
	run ftps_batch $'help\nhelp get'
	assert_success
	for c in open close user cd pwd ls get put lcd lpwd lls status help quit; do
		assert_output --regexp "  $c "
	done
	assert_output --partial $'usage: get [-rc] [-P N] [--verify] REMOTE... [LOCAL]\n    download files, globs, directories (-r); -c resumes, -P N in parallel,\n    --verify compares the server\'s content hash\n    also: mget'
	# wrapped at 80 columns, between words
	run bash -c 'printf "help\n" | "$1" -b - --norc | awk "length > 80"' _ "$FTPS"
	assert_output ""
}

@test "ls lists remote files like ls -l on both servers (LIST and MLSD)" {
	random_file listed 1234
	run ftps_batch $'put listed listed-vs\nls -l' "$(vs_url)"
	assert_success
	assert_line --regexp '^-rw-r--r-- +1 +[^ ]+ +[^ ]+ +1234 [A-Z][a-z][a-z] [ 0-9][0-9] [0-9][0-9]:[0-9][0-9] listed-vs$'
	FTPS_PASSWORD=s3cret run ftps_batch $'put listed "listed py"\ndir' "$(py_url)"
	assert_success
	assert_line --regexp '^-rw------- +- +- +- +1234 [A-Z][a-z][a-z] [ 0-9][0-9] [0-9][0-9]:[0-9][0-9] listed py$'
}

@test "cd, pwd, lcd and get into a local directory" {
	mkdir -p "$VSFTPD_ROOT/sub" ldir
	echo hello >"$VSFTPD_ROOT/sub/hello.txt"
	run ftps_batch $'cd sub\npwd\nlcd ldir\nget hello.txt\nlpwd' "$(vs_url)"
	assert_success
	assert_output --partial "Remote working directory: $VSFTPD_ROOT/sub"
	assert_output --partial "Local working directory: $WORK/ldir"
	assert_equal "$(cat ldir/hello.txt)" hello
}

@test "open inside a batch; a URL directory is entered after login" {
	mkdir -p "$VSFTPD_ROOT/d1"
	run ftps_batch "open $(vs_url)/d1"$'\npwd'
	assert_success
	assert_output --partial "Remote working directory: $VSFTPD_ROOT/d1"
	run ftps_batch "pwd"
	assert_failure 1
	assert_output --partial 'ftps: pwd: not connected (use "open HOST")'
}

@test "wrong password: exit 6 with the server's answer" {
	FTPS_PASSWORD=wrong run ftps_batch "pwd" "$(py_url)"
	assert_failure 6
	assert_output --partial "login as alice refused: 530"
}

@test "batch mode without any password source fails clearly (exit 6)" {
	run ftps_batch "pwd" "$(py_url)"
	assert_failure 6
	assert_output --partial "no password for alice"
}

@test "password and login from ~/.netrc (and --netrc-file)" {
	printf 'machine 127.0.0.1 login alice password s3cret\n' >"$HOME/.netrc"
	run ftps_batch "pwd" "ftpes://127.0.0.1:$PYFTPD_PORT"
	assert_success
	printf 'default login alice password s3cret\n' >other-netrc
	rm "$HOME/.netrc"
	run ftps_batch "pwd" --netrc-file other-netrc "ftpes://127.0.0.1:$PYFTPD_PORT"
	assert_success
}

@test "-v traces the protocol on stderr with the password hidden" {
	FTPS_PASSWORD=s3cret run ftps_batch "pwd" -v "$(py_url)"
	assert_success
	assert_output --partial "--> AUTH TLS"
	assert_output --partial "--> PASS ****"
	assert_output --partial "--> PROT P"
	refute_output --partial "s3cret"
}

@test "an untrusted certificate stops with exit 5 before login" {
	run timeout 30 "$FTPS" -b - -v "$(vs_url)" </dev/null
	assert_failure 5
	assert_output --partial "issuer is not a trusted CA"
	assert_output --partial "127.0.0.1:$VSFTPD_PORT is not in known_servers and its certificate is not trusted"
	refute_output --partial "USER"
}

@test "a server refusing AUTH TLS (500 or 534) never sees USER or PASS" {
	local code
	for code in 500 534; do
		start_hostile "auth-refused-$code"
		FTPS_PASSWORD=s3cret run ftps_batch "pwd" "ftpes://alice@127.0.0.1:$HOSTILE_PORT"
		assert_failure 4
		assert_output --partial "refused AUTH TLS ($code"
		run cat "$HOSTILE_LOG"
		assert_output "AUTH TLS"
	done
}

@test "explicit TLS on an implicit port times out with a hint (exit 3)" {
	run ftps_batch "pwd" --timeout 2 --explicit "127.0.0.1:$VSFTPD_IMPLICIT_PORT"
	assert_failure 3
	assert_output --partial "try --implicit or ftps://"
}

@test "a silent server times out (exit 3); a closed port fails (exit 3)" {
	start_hostile silent
	SECONDS=0
	run ftps_batch "pwd" --timeout 2 "127.0.0.1:$HOSTILE_PORT"
	assert_failure 3
	assert [ "$SECONDS" -lt 10 ]
	run ftps_batch "pwd" "127.0.0.1:$(free_port)"
	assert_failure 3
	assert_output --partial "cannot connect to 127.0.0.1 port"
}

@test "usage errors exit 2; --version and --help work" {
	run "$FTPS" --no-such-option
	assert_failure 2
	run "$FTPS" -P 0 host
	assert_failure 2
	assert_output --partial "invalid port: 0"
	run "$FTPS" -b - "http://x" </dev/null
	assert_failure 2
	run "$FTPS" --version
	assert_success
	assert_line --index 0 --regexp '^ftps [0-9]+\.[0-9]+\.[0-9]+$'
	run "$FTPS" --help
	assert_success
	assert_output --partial "usage: ftps [options] [open] [URL|HOST]"
}
