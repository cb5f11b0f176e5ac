#!/usr/bin/env bats
# Proxies (issue 14): --proxy, --noproxy, ALL_PROXY and NO_PROXY through
# real proxies started here, microsocks (SOCKS5) and tinyproxy (HTTP
# CONNECT), to vsftpd. Every case checks the bytes, the exit status, the
# exact message, and the proxy's own log to prove the traffic went through
# it (each log line names the destination as the client sent it).

load ../lib/common
load ../lib/proxies

PROXY_PASS=pr0xy-Pw

setup_file() {
	setup_servers_file || return 1
	local pasv
	pasv=$(seq_ports "$VSFTPD_PASV_LO" "$VSFTPD_PASV_HI")
	start_microsocks open || return 1
	export SOCKS_PORT=$MICROSOCKS_PORT SOCKS_LOG=$MICROSOCKS_LOG
	start_microsocks auth alice "$PROXY_PASS" || return 1
	export SOCKS_AUTH_PORT=$MICROSOCKS_PORT SOCKS_AUTH_LOG=$MICROSOCKS_LOG
	# shellcheck disable=SC2086  # one word per allowed port
	start_tinyproxy open "$VSFTPD_PORT" $pasv || return 1
	export HTTP_PORT=$TINYPROXY_PORT HTTP_LOG=$TINYPROXY_LOG
	# shellcheck disable=SC2086
	start_tinyproxy auth "$VSFTPD_PORT" $pasv -- alice "$PROXY_PASS" || return 1
	export HTTP_AUTH_PORT=$TINYPROXY_PORT HTTP_AUTH_LOG=$TINYPROXY_LOG
}
teardown_file() { teardown_servers_file; }

setup() {
	test_setup || return 1
	unset ALL_PROXY all_proxy NO_PROXY no_proxy
	SILENT_PID=
}
teardown() {
	if [[ -n $SILENT_PID ]]; then stop_server "$SILENT_PID"; fi
}

# mark LOG: remember how long LOG is; since LOG: the lines added after it
mark() { MARK=$(wc -l <"$1"); }
since() { tail -n +"$((MARK + 1))" "$1"; }

# the ports of "connected to HOST:PORT" (microsocks) or "CONNECT HOST:PORT"
# (tinyproxy) lines added since mark, for HOST
ports_since() {
	since "$1" | sed -nE "s/.*(connected to|CONNECT) $2:([0-9]+)( HTTP.*)?$/\2/p"
}

# assert_via PORTS N: the control port once, then N data connections, each
# to a port of vsftpd's passive range
assert_via() {
	local ports=$1 n=$2 p
	assert_equal "$(grep -cx "$VSFTPD_PORT" <<<"$ports")" 1
	assert_equal "$(grep -vcx "$VSFTPD_PORT" <<<"$ports")" "$n"
	while read -r p; do
		((p >= VSFTPD_PASV_LO && p <= VSFTPD_PASV_HI))
	done < <(grep -vx "$VSFTPD_PORT" <<<"$ports")
}

get_put_ls() {
	random_file "$VSFTPD_ROOT/$1-down" 300000
	random_file "$1-up" 200000
	run ftps_batch $'get '"$1"$'-down\nput '"$1"$'-up\nls' "${@:2}"
	assert_success
	cmp "$VSFTPD_ROOT/$1-down" "$1-down"
	cmp "$1-up" "$VSFTPD_ROOT/$1-up"
	assert_line "$1-down"
	assert_line "$1-up"
}

@test "socks5h: get, put and ls through microsocks, which resolves the name" {
	mark "$SOCKS_LOG"
	get_put_ls s5h --proxy "socks5h://127.0.0.1:$SOCKS_PORT" "ftpes://localhost:$VSFTPD_PORT"
	assert_via "$(ports_since "$SOCKS_LOG" localhost)" 3
	run since "$SOCKS_LOG"
	refute_output --partial "connected to 127.0.0.1"
}

@test "socks5: the name is resolved here and the proxy gets an address" {
	mark "$SOCKS_LOG"
	get_put_ls s5 --proxy "SOCKS5://127.0.0.1:$SOCKS_PORT/" "ftpes://localhost:$VSFTPD_PORT"
	assert_via "$(ports_since "$SOCKS_LOG" 127.0.0.1)" 3
	run since "$SOCKS_LOG"
	refute_output --partial "connected to localhost"
}

@test "http: get, put and ls through tinyproxy's CONNECT" {
	mark "$HTTP_LOG"
	get_put_ls h --proxy "http://127.0.0.1:$HTTP_PORT" "ftpes://localhost:$VSFTPD_PORT"
	assert_via "$(ports_since "$HTTP_LOG" localhost)" 3
}

@test "http: a reply whose header arrives glued to the server's first bytes loses none of them" {
	start_glued_proxy
	random_file "$VSFTPD_ROOT/g-down" 100000
	run ftps_batch $'get g-down\nls' --proxy "http://127.0.0.1:$GLUED_PORT" \
		"ftpes://localhost:$VSFTPD_PORT"
	assert_success
	cmp "$VSFTPD_ROOT/g-down" g-down
	# the server's greeting came in the header's segment (on the data
	# connections the client speaks first: TLS)
	assert_equal "$(grep -c "^CONNECT localhost:$VSFTPD_PORT glued [1-9]" "$GLUED_LOG")" 1
	assert_equal "$(grep -c "^CONNECT localhost:" "$GLUED_LOG")" 3
	stop_server "$GLUED_PID"
}

@test "parallel transfers open their extra connections through the proxy too" {
	local f
	for f in p1 p2 p3; do random_file "$VSFTPD_ROOT/$f" 100000; done
	mark "$HTTP_LOG"
	run ftps_batch 'get -P 3 p1 p2 p3' --proxy "http://127.0.0.1:$HTTP_PORT" \
		"ftpes://localhost:$VSFTPD_PORT"
	assert_success
	for f in p1 p2 p3; do cmp "$VSFTPD_ROOT/$f" "$f"; done
	local ports
	ports=$(ports_since "$HTTP_LOG" localhost)
	assert_equal "$(grep -cx "$VSFTPD_PORT" <<<"$ports")" 3
	assert_equal "$(grep -vcx "$VSFTPD_PORT" <<<"$ports")" 3
}

@test "SOCKS5 username and password: right ones connect, wrong or missing ones fail in one line" {
	echo auth >"$VSFTPD_ROOT/sa"
	mark "$SOCKS_AUTH_LOG"
	run ftps_batch 'get sa' --proxy "socks5h://alice:$PROXY_PASS@127.0.0.1:$SOCKS_AUTH_PORT" \
		"ftpes://localhost:$VSFTPD_PORT"
	assert_success
	cmp "$VSFTPD_ROOT/sa" sa
	assert_via "$(ports_since "$SOCKS_AUTH_LOG" localhost)" 1

	run ftps_batch 'get sa' --proxy "socks5h://alice:wr0ng-Pw@127.0.0.1:$SOCKS_AUTH_PORT" \
		"ftpes://localhost:$VSFTPD_PORT"
	assert_failure 3
	assert_output "ftps: cannot connect to localhost port $VSFTPD_PORT: proxy 127.0.0.1:$SOCKS_AUTH_PORT refused the user name or password"

	run ftps_batch 'get sa' --proxy "socks5h://127.0.0.1:$SOCKS_AUTH_PORT" \
		"ftpes://localhost:$VSFTPD_PORT"
	assert_failure 3
	assert_output "ftps: cannot connect to localhost port $VSFTPD_PORT: proxy 127.0.0.1:$SOCKS_AUTH_PORT wants a user name and password (socks5h://USER:PASSWORD@...)"
}

@test "HTTP Basic authentication: right ones connect (escaped in the URL), wrong or missing ones fail in one line" {
	echo auth >"$VSFTPD_ROOT/ha"
	mark "$HTTP_AUTH_LOG"
	# "pr0xy-Pw" with its letters percent-escaped: decoded before use
	run ftps_batch 'get ha' --proxy "http://%61lice:pr0xy%2DPw@127.0.0.1:$HTTP_AUTH_PORT" \
		"ftpes://localhost:$VSFTPD_PORT"
	assert_success
	cmp "$VSFTPD_ROOT/ha" ha
	assert_via "$(ports_since "$HTTP_AUTH_LOG" localhost)" 1

	run ftps_batch 'get ha' --proxy "http://alice:wr0ng-Pw@127.0.0.1:$HTTP_AUTH_PORT" \
		"ftpes://localhost:$VSFTPD_PORT"
	assert_failure 3
	assert_output "ftps: cannot connect to localhost port $VSFTPD_PORT: proxy 127.0.0.1:$HTTP_AUTH_PORT refused the user name or password: HTTP/1.0 401 Unauthorized"

	run ftps_batch 'get ha' --proxy "http://127.0.0.1:$HTTP_AUTH_PORT" \
		"ftpes://localhost:$VSFTPD_PORT"
	assert_failure 3
	assert_output "ftps: cannot connect to localhost port $VSFTPD_PORT: proxy 127.0.0.1:$HTTP_AUTH_PORT wants a user name and password: HTTP/1.0 407 Proxy Authentication Required"
}

@test "a dead proxy: exit 3 at once, one line naming the proxy but not its password" {
	local dead
	dead=$(free_port)
	local t0=$SECONDS
	run ftps_batch 'ls' --proxy "socks5h://alice:$PROXY_PASS@127.0.0.1:$dead" \
		"ftpes://localhost:$VSFTPD_PORT"
	assert_failure 3
	assert_output "ftps: cannot connect to localhost port $VSFTPD_PORT: cannot reach proxy 127.0.0.1:$dead (Connection refused)"
	((SECONDS - t0 <= 3))
	run ftps_batch 'ls' --proxy "http://127.0.0.1:$dead" "ftpes://localhost:$VSFTPD_PORT"
	assert_failure 3
	assert_output "ftps: cannot connect to localhost port $VSFTPD_PORT: cannot reach proxy 127.0.0.1:$dead (Connection refused)"
}

@test "a proxy that accepts and never answers: exit 3 within --timeout" {
	local port
	port=$(free_port)
	_servers_setsid
	"${_SETSID[@]}" "$SERVER_PYTHON" -c '
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(8)
held = []
while True:
    held.append(s.accept())' "$port" </dev/null >/dev/null 2>&1 3>&- &
	SILENT_PID=$!
	_servers_track "$SILENT_PID" silent-proxy
	wait_port 127.0.0.1 "$port" "$SILENT_PID"
	local kind t0
	for kind in socks5h http; do
		t0=$SECONDS
		run ftps_batch 'ls' --timeout 2 --proxy "$kind://127.0.0.1:$port" \
			"ftpes://localhost:$VSFTPD_PORT"
		assert_failure 3
		assert_output "ftps: cannot connect to localhost port $VSFTPD_PORT: proxy 127.0.0.1:$port did not answer in time"
		((SECONDS - t0 <= 5))
	done
}

@test "the proxy refuses the destination: its SOCKS5 reply or HTTP status, exit 3" {
	local closed
	closed=$(free_port)
	run ftps_batch 'ls' --proxy "socks5h://127.0.0.1:$SOCKS_PORT" "ftpes://localhost:$closed"
	assert_failure 3
	assert_output "ftps: cannot connect to localhost port $closed: proxy 127.0.0.1:$SOCKS_PORT cannot reach localhost port $closed: connection refused (SOCKS5 reply 5)"
	# tinyproxy allows CONNECT to vsftpd's ports only (ConnectPort)
	run ftps_batch 'ls' --proxy "http://127.0.0.1:$HTTP_PORT" "ftpes://localhost:$PYFTPD_PORT"
	assert_failure 3
	assert_output "ftps: cannot connect to localhost port $PYFTPD_PORT: proxy 127.0.0.1:$HTTP_PORT refused to connect to localhost port $PYFTPD_PORT: HTTP/1.1 403 Access violation"
}

@test "ALL_PROXY is used; --noproxy, NO_PROXY and --proxy '' go direct; --proxy wins over ALL_PROXY" {
	echo env >"$VSFTPD_ROOT/e1"
	export ALL_PROXY="socks5h://127.0.0.1:$SOCKS_PORT"
	mark "$SOCKS_LOG"
	run ftps_batch 'get e1' "ftpes://localhost:$VSFTPD_PORT"
	assert_success
	cmp "$VSFTPD_ROOT/e1" e1
	assert_via "$(ports_since "$SOCKS_LOG" localhost)" 1

	# the lower-case variable first, as curl reads them
	all_proxy="http://127.0.0.1:$HTTP_PORT" run ftps_batch 'status' "ftpes://localhost:$VSFTPD_PORT"
	assert_success
	assert_line "Proxy:         http://127.0.0.1:$HTTP_PORT"

	local c opt host
	for c in "--noproxy=example.org,localhost localhost" "--noproxy=* localhost" \
		"--noproxy=127.0.0.0/8 127.0.0.1" "--proxy= localhost"; do
		read -r opt host <<<"$c"
		mark "$SOCKS_LOG"
		rm -f e1
		run ftps_batch $'get e1\nstatus' "$opt" "ftpes://$host:$VSFTPD_PORT"
		assert_success
		assert_line "Proxy:         none"
		cmp "$VSFTPD_ROOT/e1" e1
		assert_equal "$(since "$SOCKS_LOG" | wc -l)" 0
	done
	mark "$SOCKS_LOG"
	NO_PROXY=.localhost run ftps_batch 'status' "ftpes://localhost:$VSFTPD_PORT"
	assert_success
	assert_line "Proxy:         none"
	# NO_PROXY does not undo an explicit --proxy; --noproxy does
	NO_PROXY=localhost run ftps_batch 'status' --proxy "http://127.0.0.1:$HTTP_PORT" \
		"ftpes://localhost:$VSFTPD_PORT"
	assert_line "Proxy:         http://127.0.0.1:$HTTP_PORT"
	assert_equal "$(since "$SOCKS_LOG" | wc -l)" 0

	export ALL_PROXY="socks4://127.0.0.1:$SOCKS_PORT"
	run ftps_batch 'ls' "ftpes://localhost:$VSFTPD_PORT"
	assert_failure 2
	assert_output "ftps: ALL_PROXY: unsupported proxy scheme (use socks5://, socks5h:// or http://)"
}

@test "a host's Proxy in the settings file: used before ALL_PROXY, after --proxy; NO_PROXY skips it" {
	echo cfg >"$VSFTPD_ROOT/c1"
	printf 'Host localhost\n    Proxy socks5h://127.0.0.1:%s\n' "$SOCKS_PORT" >cfg
	chmod 600 cfg
	export ALL_PROXY="http://127.0.0.1:$HTTP_PORT"
	mark "$SOCKS_LOG"
	run ftps_batch $'get c1\nstatus' -F cfg "ftpes://localhost:$VSFTPD_PORT"
	assert_success
	assert_line "Proxy:         socks5h://127.0.0.1:$SOCKS_PORT"
	cmp "$VSFTPD_ROOT/c1" c1
	assert_via "$(ports_since "$SOCKS_LOG" localhost)" 1
	run ftps_batch 'status' -F cfg --proxy "socks5://127.0.0.1:$SOCKS_PORT" \
		"ftpes://localhost:$VSFTPD_PORT"
	assert_success
	assert_line "Proxy:         socks5://127.0.0.1:$SOCKS_PORT"
	NO_PROXY=localhost run ftps_batch 'status' -F cfg "ftpes://localhost:$VSFTPD_PORT"
	assert_success
	assert_line "Proxy:         none"
}

@test "active mode through a proxy: one clear line, no hang; passive mode goes on" {
	echo act >"$VSFTPD_ROOT/a1"
	local t0=$SECONDS
	run ftps_batch $'set passive off\nls\nget a1' --proxy "socks5h://127.0.0.1:$SOCKS_PORT" \
		"ftpes://localhost:$VSFTPD_PORT"
	assert_failure 1
	assert_output "ftps> set passive off
ftps> ls
ftps: ls: active mode cannot work through a proxy (the server would connect to the proxy's network, not to us); use passive mode"
	((SECONDS - t0 <= 5))
	run ftps_batch $'set passive off\n-get a1\nset passive on\nget a1' \
		--proxy "http://127.0.0.1:$HTTP_PORT" "ftpes://localhost:$VSFTPD_PORT"
	assert_success
	cmp "$VSFTPD_ROOT/a1" a1
}

@test "the proxy password stays out of -v traces, status, messages and the process list" {
	echo pw >"$VSFTPD_ROOT/pw1"
	local url="socks5h://alice:$PROXY_PASS@127.0.0.1:$SOCKS_AUTH_PORT"
	run ftps_batch $'get pw1\nstatus' -v --proxy "$url" "ftpes://localhost:$VSFTPD_PORT"
	assert_success
	assert_line "ftps: connecting through proxy socks5h://alice:****@127.0.0.1:$SOCKS_AUTH_PORT"
	assert_line "Proxy:         socks5h://alice:****@127.0.0.1:$SOCKS_AUTH_PORT"
	refute_output --partial "$PROXY_PASS"
	cmp "$VSFTPD_ROOT/pw1" pw1

	# from the environment, refused by the server: still no password
	ALL_PROXY="http://alice:$PROXY_PASS@127.0.0.1:$HTTP_AUTH_PORT" run ftps_batch \
		'ls' -v "ftpes://localhost:$PYFTPD_PORT"
	assert_failure 3
	assert_line "ftps: connecting through proxy http://alice:****@127.0.0.1:$HTTP_AUTH_PORT"
	refute_output --partial "$PROXY_PASS"

	printf '!sleep 3\n' >slow
	mark "$SOCKS_AUTH_LOG"
	# no timeout(1) in front: its own argv would show the password
	"$FTPS" -b slow --cafile "$CERTDIR/ca.pem" --proxy "$url" \
		"ftpes://localhost:$VSFTPD_PORT" >/dev/null 2>&1 &
	local pid=$! cmdline=
	for _ in $(seq 100); do
		[[ -n $(since "$SOCKS_AUTH_LOG") ]] && break
		sleep 0.05
	done
	cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline")
	wait "$pid"
	[[ $cmdline == *"--proxy socks5h://alice:xxxxxxxx@127.0.0.1:$SOCKS_AUTH_PORT "* ]]
	[[ $cmdline != *"$PROXY_PASS"* ]]
}

@test "a proxy URL that cannot work is a usage error that does not repeat the password" {
	local bad
	for bad in "socks4://u:$PROXY_PASS@h" "https://u:$PROXY_PASS@h" "socks5://u:$PROXY_PASS@h/x" \
		"socks5://u:$PROXY_PASS@h:0"; do
		run "$FTPS" --proxy "$bad" "ftpes://localhost:$VSFTPD_PORT"
		assert_failure 2
		assert_equal "${#lines[@]}" 1
		assert_output --regexp '^ftps: --proxy: '
		refute_output --partial "$PROXY_PASS"
	done
	run "$FTPS" --proxy "socks5://u:$PROXY_PASS@h/x" "ftpes://localhost:$VSFTPD_PORT"
	assert_output "ftps: --proxy: a proxy address has no path"
}
