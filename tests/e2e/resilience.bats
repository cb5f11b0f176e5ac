#!/usr/bin/env bats
# Unattended transfers survive a bad network (issue 16): retries with
# resume through a fault-injecting proxy, keepalive and idle reconnects,
# expired TLS tickets. Real servers, real faults; every case asserts bytes,
# exit codes, the retry lines and the protocol trace.

load ../lib/common
load ../lib/hostile
load ../lib/tty
load ../lib/faultproxy

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
	export SERVER_PIN
	SERVER_PIN=$(certs_pin "$CERTDIR/server.pem")
}
teardown_file() { teardown_servers_file; }

setup() {
	test_setup || return 1
	export FTPS_PASSWORD=s3cret
	HOSTILE_PID=
}
teardown() {
	tty_stop
	stop_faultproxy
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

# --- through the fault-injecting proxy -----------------------------------

# vsftpd (or pyftpdlib) through the proxy started last; 127.0.0.2 is not
# in the test certificate, so its key is pinned
fp_url() { echo "ftpes://$FAULTPROXY_HOST:$FAULTPROXY_PORT"; }
fp_vs() { ftps_batch "$1" --trust-fingerprint "$SERVER_PIN" "${@:2}" "$(fp_url)"; }
fp_py() {
	ftps_batch "$1" --trust-fingerprint "$SERVER_PIN" "${@:2}" \
		"ftpes://alice@$FAULTPROXY_HOST:$FAULTPROXY_PORT"
}
proxy_vs() { start_faultproxy "$VSFTPD_PORT" "$VSFTPD_PASV_LO" "$VSFTPD_PASV_HI" "$@"; }
proxy_py() { start_faultproxy "$PYFTPD_PORT" "$PYFTPD_PASV_LO" "$PYFTPD_PASV_HI" "$@"; }

big_files() {
	[[ -s $VSFTPD_ROOT/big50 ]] || random_file "$VSFTPD_ROOT/big50" $((50 * 1024 * 1024))
	[[ -s $PYFTPD_ROOT/big50 ]] || cp "$VSFTPD_ROOT/big50" "$PYFTPD_ROOT/big50"
}

@test "get of a 50 MB file cut once mid-transfer: byte-exact, exit 0, one retry line (vsftpd, pyftpdlib)" {
	big_files
	proxy_vs --cut data:down:20M
	run fp_vs $'set retry-delay 0\nget big50'
	assert_success
	cmp "$VSFTPD_ROOT/big50" big50
	assert_output --regexp "ftps: get big50: .* at [0-9.]+ MB; retrying in 0 s \(1 of 5\)"
	assert_output --partial "ftps: get big50: done after 1 retry"
	assert_equal "$(grep -c '^CUT data' "$FAULTPROXY_EVENTS")" 1
	stop_faultproxy
	rm -f big50
	proxy_py --cut data:down:20M
	run fp_py $'set retry-delay 0\nget big50'
	assert_success
	cmp "$PYFTPD_ROOT/big50" big50
	assert_output --partial "done after 1 retry"
}

@test "get cut three times: byte-exact after three retries; the .part resumes with REST each time" {
	big_files
	proxy_vs --cut data:down:10M:3
	run fp_vs $'set retry-delay 0\nget big50' -v
	assert_success
	cmp "$VSFTPD_ROOT/big50" big50
	assert_output --partial "done after 3 retries"
	assert_equal "$(grep -c -- '--> REST [1-9]' <<<"$output")" 3
	assert_equal "$(grep -c '^CUT data' "$FAULTPROXY_EVENTS")" 3
}

@test "put of a 50 MB file cut once and three times: the server's file is byte-exact (vsftpd, pyftpdlib)" {
	random_file up50 $((50 * 1024 * 1024))
	proxy_vs --cut data:up:20M
	run fp_vs $'set retry-delay 0\nput up50'
	assert_success
	cmp up50 "$VSFTPD_ROOT/up50"
	assert_output --partial "done after 1 retry"
	stop_faultproxy
	proxy_py --cut data:up:10M:3
	run fp_py $'set retry-delay 0\nput up50' -v
	assert_success
	cmp up50 "$PYFTPD_ROOT/up50"
	assert_output --partial "done after 3 retries"
	assert_output --partial "--> APPE up50"
}

@test "100 small files, the first data connection cut: all 100 byte-exact, 101 RETR, none fetched twice" {
	local d=$VSFTPD_ROOT/many names=() i
	mkdir -p "$d"
	for ((i = 100; i < 200; i++)); do
		random_file "$d/f$i" 4096
		names+=("many/f$i")
	done
	proxy_vs --cut data:down:2000
	run fp_vs $'set retry-delay 0\nget '"${names[*]}" -v
	assert_success
	for ((i = 100; i < 200; i++)); do cmp "$d/f$i" "f$i"; done
	assert_equal "$(grep -c -- '--> RETR' <<<"$output")" 101
	assert_equal "$(grep -c -- '--> RETR many/f100' <<<"$output")" 2
}

@test "get -r -P 4 of a tree with cuts on several connections: diff -r clean" {
	local d=$VSFTPD_ROOT/tree i j
	for ((i = 0; i < 4; i++)); do
		mkdir -p "$d/d$i"
		for ((j = 0; j < 10; j++)); do random_file "$d/d$i/f$j" $((200 * 1024)); done
	done
	proxy_vs --cut data:down:100k:4
	run fp_vs $'set retry-delay 0\nget -r -P 4 tree'
	assert_success
	diff -r "$d" tree
	assert_equal "$(grep -c '^CUT data' "$FAULTPROXY_EVENTS")" 4
}

@test "a data connection cut while the control connection lives: the retry goes on over the same login" {
	big_files
	# new logins are refused: only a retry on the same control connection works
	proxy_vs --cut data:down:5M --refuse-after-cut forever
	run fp_vs $'set retry-delay 0\nget big50' -v
	assert_success
	cmp "$VSFTPD_ROOT/big50" big50
	assert_equal "$(grep -c -- '--> USER' <<<"$output")" 1
	assert_output --partial "done after 1 retry"
	assert_equal "$(grep -c '^REFUSED' "$FAULTPROXY_EVENTS")" 0
}

@test "retries exhausted (the link drops, every reconnect refused): exit 3 quickly, .part kept, a clear last line" {
	big_files
	proxy_vs --cut data:down:5M --cut-session --refuse-after-cut forever
	local t0=$SECONDS
	run fp_vs $'set retry-delay 0\nget big50'
	assert_failure 3
	((SECONDS - t0 < 30))
	assert_output --partial "retrying in 0 s (5 of 5)"
	assert_output --partial "ftps: get big50: gave up after 5 retries"
	[[ -s big50.part ]]
	assert [ ! -e big50 ]
	cmp -n "$(stat -c %s big50.part)" big50.part "$VSFTPD_ROOT/big50"
}

@test "a remote file that changes between the cut and the retry: the download starts over and matches the new file" {
	local f=$VSFTPD_ROOT/changing
	random_file "$f" $((20 * 1024 * 1024))
	proxy_vs --cut data:down:5M
	(
		faultproxy_wait_event '^CUT data' 30 &&
			random_file "$f.new" $((21 * 1024 * 1024)) && mv "$f.new" "$f"
	) &
	local changer=$!
	run fp_vs $'set retry-delay 2\nget changing'
	wait "$changer"
	assert_success
	cmp "$f" changing
	assert_output --partial "ftps: get: changing: changed on the server since the last attempt; starting over"
}

@test "the server killed and restarted mid-transfer: the transfer completes after it returns" {
	local dir=$SERVERDIR/restart port lo hi conf
	mkdir -p "$dir/root"
	port=$(free_port) && read -r lo hi < <(free_port_range 16)
	conf=$(_vsftpd_conf restart "$dir" "$CERTDIR" "$dir/root" "$port" "$lo" "$hi" \
		listen=YES listen_ipv6=NO listen_address=127.0.0.1)
	_vsftpd_launch restart "$dir" "$conf" 127.0.0.1 "$port"
	local first=$_VSFTPD_PID
	random_file "$dir/root/big" $((200 * 1024 * 1024))
	(
		for _ in $(seq 400); do
			[[ $(stat -c %s big.part 2>/dev/null || echo 0) -gt 20000000 ]] && break
			sleep 0.01
		done
		kill -KILL -- "-$first"
		sleep 2
		_vsftpd_launch restart "$dir" "$conf" 127.0.0.1 "$port" >/dev/null 2>&1
	) 3>&- &
	local killer=$!
	run ftps_batch $'set retry-delay 1\nget big' "ftpes://127.0.0.1:$port"
	wait "$killer"
	assert_success
	cmp "$dir/root/big" big
	assert_output --partial "retrying in 1 s (1 of 5)"
}

@test "a connection lost on the way into the URL's directory: reconnected into it, never left in the login directory" {
	faultproxy_usable || skip "127.0.0.2 cannot be bound"
	mkdir -p "$VSFTPD_ROOT/urld"
	random_file "$VSFTPD_ROOT/urld/g1" 3000
	local off hit=0
	# cuts of the server's bytes all through the login, CWD and PWD:
	# wherever one lands the session ends in urld, or fails to connect
	for ((off = 2000; off <= 4200; off += 100)); do
		rm -f g1
		start_faultproxy "$VSFTPD_PORT" "$VSFTPD_PASV_LO" "$VSFTPD_PASV_HI" --cut "ctrl:down:$off"
		run ftps_batch $'get g1\npwd' --trust-fingerprint "$SERVER_PIN" \
			"ftpes://$FAULTPROXY_HOST:$FAULTPROXY_PORT/urld"
		stop_faultproxy
		if ((status == 3)); then
			assert_file_not_exists g1
			continue
		fi
		assert_success
		cmp g1 "$VSFTPD_ROOT/urld/g1"
		assert_output --partial "Remote working directory: $VSFTPD_ROOT/urld"
		[[ $output != *"reconnecting to"* ]] || hit=$((hit + 1))
	done
	((hit > 0)) || fail "no cut fell between CWD and PWD"
}
