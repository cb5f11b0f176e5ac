#!/usr/bin/env bats
# Hardening against servers and men in the middle (tests/lib/hostile_server.py,
# real TLS) and keeping passwords out of every text ftps writes: replies
# injected before the TLS handshake, endless preliminary replies, replies
# dripped a byte a second, endlessly branching trees, and passwords in URLs,
# aliases, raw commands, the -v trace and the history file.

load ../lib/common
load ../lib/hostile
load ../lib/tty

setup_file() { hostile_setup_file; }
teardown_file() { stop_servers; }

setup() {
	test_setup || return 1
	HOSTILE_PID=
}

teardown() {
	tty_stop
	if [[ -n ${HOSTILE_PID:-} ]]; then stop_server "$HOSTILE_PID"; fi
}

url() { echo "ftpes://127.0.0.1:$HOSTILE_PORT"; }

# wait_for_log_line LINE: wait (up to 15 s) until the server received LINE
wait_for_log_line() {
	local i
	for ((i = 0; i < 300; i++)); do
		grep -qxF -- "$1" "$HOSTILE_LOG" && return 0
		sleep 0.05
	done
	echo "the server never received: $1" >&2
	return 1
}

# --- 1. STARTTLS injection ---------------------------------------------------

@test "replies injected behind the 234 before the TLS handshake: exit 4, no USER or PASS sent" {
	start_hostile auth-inject
	FTPS_PASSWORD=x run ftps_batch "pwd" --timeout 5 "ftpes://alice@127.0.0.1:$HOSTILE_PORT"
	assert_failure 4
	assert_output --partial "before the TLS handshake"
	refute_output --partial "Remote working directory"
	run grep -aE '^(USER|PASS)' "$HOSTILE_LOG"
	assert_failure
	run cat "$HOSTILE_LOG"
	assert_line "AUTH TLS"
}

# --- 2. replies that never end ------------------------------------------------

@test "endless 150 replies to PWD: a clear error about preliminary replies, no hang" {
	start_hostile endless-1xx
	SECONDS=0
	run ftps_batch "pwd" --timeout 5 "$(url)"
	local took=$SECONDS
	assert_failure
	assert_output --partial "preliminary replies"
	refute_output --partial "Remote working directory"
	assert [ "$took" -lt 12 ]
	run grep -c '^PWD$' "$HOSTILE_LOG"
	assert_output 1
}

@test "a reply dripped one byte a second: exit 3 after --timeout in total, not per byte" {
	start_hostile drip-reply
	SECONDS=0
	run ftps_batch "pwd" --timeout 5 "$(url)"
	local took=$SECONDS
	assert_failure 3
	assert_output --partial "did not answer within 5 s"
	refute_output --partial "Remote working directory"
	assert [ "$took" -lt 12 ]
	run grep -c '^PWD$' "$HOSTILE_LOG"
	assert_output 1
}

# --- 3. passwords never in text -------------------------------------------------

@test "a password in a URL with a bad port (command line): exit 2, not printed" {
	run timeout 10 "$FTPS" -b /dev/null 'ftpes://alice:Hunter2pw@ftp.example.org:0'
	assert_failure 2
	assert_output --partial "invalid port"
	refute_output --partial "Hunter2pw"
}

@test "a password in a URL with a bad port (batch open): fails, not printed, not even echoed" {
	printf 'open ftpes://alice:Hunter2pw@127.0.0.1:0\n' >script
	run timeout 10 "$FTPS" -b script --norc
	assert_failure
	assert_output --partial "invalid port"
	refute_output --partial "Hunter2pw"
}

@test "a password given to an alias of user is not echoed in batch mode" {
	start_hostile normal
	run ftps_batch $'alias lg user ftpuser\nlg secret123\npwd' "$(url)"
	assert_success
	assert_line --regexp '^ftps> lg'
	assert_output --partial "Remote working directory: /"
	refute_output --partial "secret123"
	# it did reach the server
	run cat "$HOSTILE_LOG"
	assert_line "USER ftpuser"
	assert_line "PASS secret123"
}

@test "-v hides ACCT, SITE PASS and quoted PASS arguments, echo lines included" {
	start_hostile normal
	run ftps_batch $'-quote ACCT topsecret1\n-site PASS topsecret2\n-quote "PASS topsecret3"\npwd' \
		-v "$(url)"
	assert_success
	assert_output --partial "ACCT ****"
	assert_output --partial "Remote working directory: /"
	refute_output --partial "topsecret1"
	refute_output --partial "topsecret2"
	refute_output --partial "topsecret3"
	# the commands themselves were sent as typed
	run cat "$HOSTILE_LOG"
	assert_line "ACCT topsecret1"
	assert_line "SITE PASS topsecret2"
	assert_line "PASS topsecret3"
}

@test "the history file keeps alias and quoted PASS commands without their passwords" {
	start_hostile normal
	tty_start env HOME="$HOME" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" \
		XDG_STATE_HOME="$XDG_STATE_HOME" FTPS_PASSWORD= \
		"$FTPS" --cafile "$CERTDIR/ca.pem" "$(url)"
	tty_wait "ftps> "
	tty_type "alias lg user ftpuser"
	tty_type "lg secret456"
	wait_for_log_line "PASS secret456"
	tty_type 'quote "PASS secret789"'
	tty_wait "230 Logged in"
	tty_type quit
	run tty_wait_exit
	assert_output 0
	run grep -c '^PASS secret' "$HOSTILE_LOG"
	assert_output 2
	local h=$XDG_STATE_HOME/ftps/history
	assert_file_exists "$h"
	run cat "$h"
	refute_output --partial "secret456"
	refute_output --partial "secret789"
	assert_line --regexp '^lg( |$)'
	assert_output --partial "quote PASS"
}

# --- 4. trees without end ----------------------------------------------------------

@test "get -r of an endlessly branching tree stops at max-entries before writing any file" {
	start_hostile listing-branching
	SECONDS=0
	run ftps_batch $'set max-entries 50\nget -r top' --timeout 10 "$(url)"
	local took=$SECONDS
	assert_failure
	assert_line "ftps> get -r top" # the setting exists
	# an error naming the limit, not only the echo of the set command
	run grep -v '^ftps> ' <<<"$output"
	assert_output --partial "max-entries"
	assert [ "$took" -lt 30 ]
	# directories may have been made; no file (not even a .part)
	run find . -path './top/*' -type f
	assert_output ""
}
