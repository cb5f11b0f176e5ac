#!/usr/bin/env bats
# Self-test of the fault-injecting proxy (tests/lib/faultproxy.py) with
# vsftpd and the real ftps binary: it forwards byte-exact, its cuts and
# refusals reach the client as failures, and --delay adds latency.

load ../lib/common
load ../lib/faultproxy

setup_file() {
	setup_servers_file || return 1
	# server.pem names 127.0.0.1 and ::1, not 127.0.0.2: pin its key instead
	export SERVER_PIN
	SERVER_PIN=$(certs_pin "$CERTDIR/server.pem")
	random_file "$VSFTPD_ROOT/five" $((5 * 1024 * 1024))
}
teardown_file() { teardown_servers_file; }

setup() {
	test_setup || return 1
	faultproxy_usable || skip "127.0.0.2 cannot be bound"
}
teardown() { stop_faultproxy; }

# vsftpd through the proxy started last
fp_batch() {
	ftps_batch "$1" --trust-fingerprint "$SERVER_PIN" "${@:2}" \
		"ftpes://$FAULTPROXY_HOST:$FAULTPROXY_PORT"
}

proxy_vsftpd() {
	start_faultproxy "$VSFTPD_PORT" "$VSFTPD_PASV_LO" "$VSFTPD_PASV_HI" "$@"
}

@test "faultproxy: a 5 MB get through the proxy is byte-exact" {
	proxy_vsftpd
	run fp_batch "get five"
	assert_success
	cmp "$VSFTPD_ROOT/five" five
	run cat "$FAULTPROXY_EVENTS"
	assert_line --regexp "^OPEN ctrl $FAULTPROXY_PORT #[0-9]+$"
	assert_line --regexp "^OPEN data [0-9]+ #[0-9]+$"
	assert_line --regexp "^CLOSE data [0-9]+ down=[0-9]+ up=[0-9]+ #[0-9]+ normal$"
	# the data ports are vsftpd's passive range
	local port
	port=$(awk '$1 == "OPEN" && $2 == "data" { print $3; exit }' "$FAULTPROXY_EVENTS")
	((port >= VSFTPD_PASV_LO && port <= VSFTPD_PASV_HI))
}

@test "faultproxy: --cut data:down:1000000 fails the get, keeps the .part" {
	proxy_vsftpd --cut data:down:1000000
	# --retries 0: the proxy's cut is what is tested, not ftps's recovery
	run fp_batch "get five" --retries 0
	assert_failure
	assert_file_not_exists five
	assert_file_exists five.part
	(($(stat -c %s five.part) <= 1000000))
	run grep -E "^CUT data [0-9]+ after [0-9]+ bytes down #" "$FAULTPROXY_EVENTS"
	assert_success
	local n
	n=$(awk '$1 == "CUT" { print $5; exit }' "$FAULTPROXY_EVENTS")
	((n >= 1000000))
	# the rule fires once: the next get goes through
	run fp_batch "get five"
	assert_success
	cmp "$VSFTPD_ROOT/five" five
}

# seconds (float) for the greeting and five NOOPs sent one after another
# over plain FTP through the proxy: six round trips whatever ftps does
time_noops() {
	/usr/bin/python3 - "$FAULTPROXY_HOST" "$FAULTPROXY_PORT" <<'PY'
import socket, sys, time
t0 = time.monotonic()
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
f = s.makefile("rb")
assert f.readline().startswith(b"220")
for _ in range(5):
    s.sendall(b"NOOP\r\n")
    assert f.readline()[:3].isdigit()  # 200, or 530 before login
print("%.3f" % (time.monotonic() - t0))
PY
}

@test "faultproxy: --delay 20 adds 40 ms to each of six round trips" {
	proxy_vsftpd
	local plain slow
	plain=$(time_noops)
	stop_faultproxy
	proxy_vsftpd --delay 20
	slow=$(time_noops)
	echo "without delay ${plain}s, with --delay 20 ${slow}s"
	awk -v a="$plain" -v b="$slow" 'BEGIN { exit !(b - a >= 0.22 && b - a < 0.6) }'
	# and ftps works through the delay
	run fp_batch "pwd"
	assert_success
}

@test "faultproxy: --refuse-after-cut forever: the next connection fails (exit 3)" {
	proxy_vsftpd --cut data:down:100000 --refuse-after-cut forever
	run fp_batch "get five" --retries 0
	assert_failure
	run fp_batch "pwd"
	assert_failure 3
	run grep -E "^REFUSED $FAULTPROXY_PORT$" "$FAULTPROXY_EVENTS"
	assert_success
}

@test "faultproxy: runtime cut-all, refuse on/off" {
	proxy_vsftpd
	faultproxy_send "refuse on"
	run fp_batch "pwd"
	assert_failure 3
	faultproxy_send "refuse off"
	run fp_batch "pwd"
	assert_success
	# a session waiting for its next command is reset when we choose: ftps
	# notices before its next command and reconnects for it
	{
		echo pwd
		sleep 4
		echo pwd
	} | timeout -k 5 20 "$FTPS" -b - --cafile "$CERTDIR/ca.pem" \
		--trust-fingerprint "$SERVER_PIN" "ftpes://$FAULTPROXY_HOST:$FAULTPROXY_PORT" \
		>out 2>&1 &
	local pid=$!
	faultproxy_wait_event "^OPEN ctrl .* #2$"
	sleep 0.5
	faultproxy_send cut-all
	local rc=0
	wait "$pid" || rc=$?
	cat out
	((rc == 0))
	grep -q "closed the connection while it was idle" out
	grep -q "reconnecting to $FAULTPROXY_HOST:$FAULTPROXY_PORT" out
	run grep -E "^CUT ctrl $FAULTPROXY_PORT after [0-9]+ bytes down #[0-9]+ \(cut-all\)$" "$FAULTPROXY_EVENTS"
	assert_success
}

@test "faultproxy: --stall then the client's timeout; --cut-session resets the control connection" {
	proxy_vsftpd --stall data:down:1000000
	run fp_batch "get five" --timeout 2 --retries 0
	assert_failure
	assert_file_exists five.part
	faultproxy_wait_event "^CLOSE data [0-9]+ down=1000000 up=[0-9]+ #[0-9]+ stalled$" 5
	assert_equal "$(grep -c "^STALL data [0-9]* after 1000000 bytes down #" "$FAULTPROXY_EVENTS")" 1
	rm five.part
	proxy_vsftpd --cut data:down:1000000 --cut-session
	run fp_batch "get five" --retries 0
	assert_failure 3
	run grep -E "^CUT ctrl $FAULTPROXY_PORT after [0-9]+ bytes down #1 \(session\)$" "$FAULTPROXY_EVENTS"
	assert_success
}

@test "faultproxy: pyftpdlib through the proxy" {
	start_faultproxy "$PYFTPD_PORT" "$PYFTPD_PASV_LO" "$PYFTPD_PASV_HI" --delay 5
	cp "$VSFTPD_ROOT/five" "$PYFTPD_ROOT/five-py"
	run ftps_batch "get five-py" --trust-fingerprint "$SERVER_PIN" \
		"ftpes://$FAULTPROXY_HOST:$FAULTPROXY_PORT"
	assert_success
	cmp "$PYFTPD_ROOT/five-py" five-py
	run grep -E "^OPEN data [0-9]+ #" "$FAULTPROXY_EVENTS"
	assert_success
}
