#!/usr/bin/env bats
# Content verification (issue 15): get/put --verify and mirror --checksum
# against a server that really computes hashes, ProFTPD with mod_digest
# (HASH with OPTS HASH SHA-256, and XSHA256...), and against one that lies.

load ../lib/common
load ../lib/hostile
load ../lib/proftpd

setup_file() {
	setup_servers_file || return 1
	start_proftpd "$SERVERDIR/proftpd" "$CERTDIR" || return 1
	export PROFTPD_PORT PROFTPD_ROOT PROFTPD_USER PROFTPD_PASS PROFTPD_CMDLOG
}
teardown_file() { teardown_servers_file; }

setup() {
	test_setup || return 1
	export FTPS_PASSWORD=$PROFTPD_PASS
	PF=$PROFTPD_ROOT/t$BATS_TEST_NUMBER
	mkdir -p "$PF"
	HOSTILE_PID=
}
teardown() { if [[ -n ${HOSTILE_PID:-} ]]; then stop_server "$HOSTILE_PID"; fi; }

pf() {
	ftps_batch "$1" "ftpes://$PROFTPD_USER@127.0.0.1:$PROFTPD_PORT/t$BATS_TEST_NUMBER" "${@:2}"
}

@test "proftpd: get --verify and put --verify compare SHA-256 through HASH (OPTS HASH SHA-256)" {
	random_file "$PF/down.bin" 300000
	random_file up.bin 200000
	run pf $'get --verify down.bin\nput --verify up.bin' -v
	assert_success
	cmp "$PF/down.bin" down.bin
	cmp up.bin "$PF/up.bin"
	assert_output --partial "--> OPTS HASH SHA-256"
	assert_equal "$(grep -c -- '--> HASH ' <<<"$output")" 2
	refute_output --partial "differs"
}

@test "a server whose hash does not match: get --verify fails, the old file stays, the .part is kept" {
	start_hostile hash-lies
	random_file "$HOSTILE_ROOT/f" 50000
	echo precious >f
	run ftps_batch "get --verify f" --retries 0 "ftpes://127.0.0.1:$HOSTILE_PORT"
	assert_failure 1
	assert_output --regexp "ftps: get: f: content differs \(SHA-256 [0-9a-f]{64} here, (ab){32} on the server\); kept f.part"
	assert_equal "$(cat f)" precious
	cmp f.part "$HOSTILE_ROOT/f"
	run grep -c '^XSHA256 f$' "$HOSTILE_LOG"
	assert_output 1
}

@test "--verify on a server without any hash command: one clear line, nothing transferred" {
	echo x >"$VSFTPD_ROOT/v"
	run ftps_batch "get --verify v" "ftpes://127.0.0.1:$VSFTPD_PORT"
	assert_failure 1
	assert_output --partial "ftps: get: --verify: the server offers no content hash (HASH, XSHA256, XSHA1, XMD5, XCRC)"
	assert [ ! -e v ]
}

@test "mirror --checksum sees a change that kept size and time; the quick check does not" {
	mkdir -p "$PF/src/sub"
	random_file "$PF/src/a" 4000
	random_file "$PF/src/sub/b" 5000
	run pf "mirror src" -v
	assert_success
	diff -r "$PF/src" src
	# same size, same time, other content
	cp -p "$PF/src/sub/b" "$BATS_TEST_TMPDIR/b.orig"
	random_file "$PF/src/sub/b" 5000
	touch -r "$BATS_TEST_TMPDIR/b.orig" "$PF/src/sub/b"
	run pf "mirror src" -v
	assert_success
	assert_equal "$(grep -c -- '--> RETR' <<<"$output")" 0
	run pf "mirror --checksum src" -v
	assert_success
	assert_equal "$(grep -c -- '--> RETR' <<<"$output")" 1
	assert_output --partial "--> RETR src/sub/b"
	assert_equal "$(grep -c -- '--> HASH ' <<<"$output")" 2
	diff -r "$PF/src" src
	assert_output --regexp "mirror: 0 new, 1 updated, 0 removed, 1 unchanged"
}

@test "proftpd: mirror down and up, twice: the second run transfers nothing (MLSD and MFMT)" {
	mkdir -p "$PF/tree/d" up/e
	random_file "$PF/tree/d/x" 3000
	random_file up/e/y 3000
	run pf $'mirror tree\nmirror -R up' -v
	assert_success
	diff -r "$PF/tree" tree
	diff -r up "$PF/up"
	run pf $'mirror tree\nmirror -R up' -v
	assert_success
	assert_equal "$(grep -c -- '--> RETR\|--> STOR' <<<"$output")" 0
}

@test "proftpd: a source that is a file (MLSD says 550) is refused; mirror -e does not empty the target" {
	echo notadir >"$PF/-rf"
	mkdir backup
	echo 1 >backup/f1
	run pf "mirror -e -- -rf backup"
	assert_failure
	assert_output --partial "mirror: -rf: not a directory"
	assert_equal "$(cat backup/f1)" 1
}
