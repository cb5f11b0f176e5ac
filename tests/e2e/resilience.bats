#!/usr/bin/env bats
# Unattended transfers survive a bad network (issue 16): retries with
# resume through a fault-injecting proxy, keepalive and idle reconnects,
# expired TLS tickets. Real servers, real faults; every case asserts bytes,
# exit codes, the retry lines and the protocol trace.

load ../lib/common
load ../lib/hostile
load ../lib/tty

setup_file() {
	setup_servers_file || return 1
	# a vsftpd that closes a control connection idle for 3 s
	local dir=$SERVERDIR/idle port lo hi conf
	mkdir -p "$dir/root" || return 1
	port=$(free_port) && read -r lo hi < <(free_port_range 16) || return 1
	conf=$(_vsftpd_conf idle "$dir" "$CERTDIR" "$dir/root" "$port" "$lo" "$hi" \
		listen=YES listen_ipv6=NO listen_address=127.0.0.1 \
		idle_session_timeout=3) || return 1
	sed -i 's/^idle_session_timeout=120$//' "$conf"
	_vsftpd_launch idle "$dir" "$conf" 127.0.0.1 "$port" || return 1
	export IDLE_PORT=$port IDLE_ROOT=$dir/root
}
teardown_file() { teardown_servers_file; }

setup() {
	test_setup || return 1
	export FTPS_PASSWORD=s3cret
	HOSTILE_PID=
}
teardown() {
	tty_stop
	if [[ -n ${HOSTILE_PID:-} ]]; then stop_server "$HOSTILE_PID"; fi
}

@test "a session the server closed while idle: the next command reconnects and runs (batch)" {
	echo data >"$IDLE_ROOT/f1"
	run ftps_batch $'pwd\n!sleep 5\nget f1\npwd' "ftpes://127.0.0.1:$IDLE_PORT"
	assert_success
	assert_output --partial "closed the connection while it was idle"
	assert_output --partial "ftps: reconnecting to 127.0.0.1:$IDLE_PORT"
	refute_output --partial "TLS fatal alert"
	cmp "$IDLE_ROOT/f1" f1
}

@test "keepalive: with set keepalive 1 an idle prompt keeps its session (no reconnect)" {
	echo data >"$IDLE_ROOT/f2"
	tty_start "$FTPS" --cafile "$CERTDIR/ca.pem" --norc "ftpes://127.0.0.1:$IDLE_PORT"
	tty_wait "ftps> "
	tty_type "set keepalive 1"
	sleep 6
	tty_type "get f2"
	tty_wait "ftps> get f2"
	for _ in $(seq 100); do [[ -f f2 ]] && break; sleep 0.05; done
	cmp "$IDLE_ROOT/f2" f2
	run tty_screen
	refute_output --partial "reconnecting"
	refute_output --partial "idle"
}

@test "without keepalive an idle prompt reconnects quietly on the next command" {
	echo data >"$IDLE_ROOT/f3"
	tty_start "$FTPS" --cafile "$CERTDIR/ca.pem" --norc "ftpes://127.0.0.1:$IDLE_PORT"
	tty_wait "ftps> "
	tty_type "set keepalive 0"
	sleep 5
	tty_type "get f3"
	tty_wait "reconnecting to 127.0.0.1:$IDLE_PORT"
	for _ in $(seq 100); do [[ -f f3 ]] && break; sleep 0.05; done
	cmp "$IDLE_ROOT/f3" f3
	run tty_screen
	assert_output --partial "closed the connection while it was idle"
	refute_output --partial "TLS fatal alert"
}

@test "tickets that expire: a data channel refused for want of resumption (522) reconnects and goes on" {
	start_hostile normal --ticket-lifetime 2
	echo one >"$HOSTILE_ROOT/a"
	echo two >"$HOSTILE_ROOT/b"
	run ftps_batch $'get a\n!sleep 3\nget b' -v "ftpes://127.0.0.1:$HOSTILE_PORT"
	assert_success
	assert_output --partial "522"
	assert_output --regexp "retrying in [0-9]+ s \(1 of 5\)"
	cmp "$HOSTILE_ROOT/a" a
	cmp "$HOSTILE_ROOT/b" b
}

@test "5xx is not retried: one attempt, exit 1" {
	run ftps_batch "get no-such-file" -v "ftpes://127.0.0.1:$VSFTPD_PORT"
	assert_failure 1
	assert_equal "$(grep -c -- '--> RETR' <<<"$output")" 1
	refute_output --partial "retrying"
}
