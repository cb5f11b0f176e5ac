#!/usr/bin/env bats
# One whole session under valgrind: connect to vsftpd (explicit TLS, resumed
# data channels), put, get, ls -l (listing parser and formatter), quit.
# Memcheck errors and definite leaks make valgrind exit 1. Run by
# scripts/check-sanitizers with FTPS_BIN pointing at a build without ASan
# (valgrind cannot run ASan binaries).

load ../lib/common

setup_file() { setup_servers_file; }
teardown_file() { teardown_servers_file; }

setup() {
	test_setup || return 1
}

@test "put, get and ls -l against vsftpd: no memory errors, no definite leaks" {
	random_file src 262144
	VGLOG=$BATS_TEST_TMPDIR/valgrind.log
	# Valgrind slows TLS down a lot: give the client more time than usual.
	run bash -c 'printf "%s\n" "put src up" "get up back" "ls -l" "quit" |
		timeout -k 5 300 valgrind --quiet --leak-check=full \
			--errors-for-leak-kinds=definite --error-exitcode=1 \
			--log-file="$1" "$2" -b - --cafile "$3" "$4"' _ \
		"$VGLOG" "$FTPS" "$CERTDIR/ca.pem" "ftpes://127.0.0.1:$VSFTPD_PORT"
	if [ "$status" -ne 0 ]; then
		cat "$VGLOG"
	fi
	assert_success
	cmp src "$VSFTPD_ROOT/up"
	cmp src back
	assert_output --regexp "262144 .* up"
	# --quiet: the log has only errors; an empty log is the proof.
	[ ! -s "$VGLOG" ] || { cat "$VGLOG"; false; }
}
