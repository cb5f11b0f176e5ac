# shellcheck shell=bash
# Real proxies for the ftps end-to-end tests: microsocks (SOCKS5) and
# tinyproxy (HTTP CONNECT). Load after common.bash (uses free_port,
# wait_port, _servers_setsid, _servers_track, stop_server).
#
#   start_microsocks NAME [USER PASS]
#       microsocks on 127.0.0.1, with username/password auth when given.
#       Sets MICROSOCKS_PORT, MICROSOCKS_PID, MICROSOCKS_LOG (its stderr:
#       one "client[N] IP: connected to HOST:PORT" line per connection,
#       HOST as the client sent it: a name for socks5h, an IP for socks5).
#   start_tinyproxy NAME PORT... [-- USER PASS]
#       tinyproxy on 127.0.0.1 allowing CONNECT to the given PORTs only,
#       with Basic auth when USER PASS follow "--".
#       Sets TINYPROXY_PORT, TINYPROXY_PID, TINYPROXY_LOG (LogLevel Connect:
#       one "Request (file descriptor N): CONNECT HOST:PORT" line each).
#   proxy_count LOG PATTERN   how many lines of LOG match PATTERN (grep -E)
#   seq_ports LO HI           the ports LO..HI, one word each
#
# Both run in their own process group, tracked in $SERVERS_PIDFILE so that
# stop_servers (teardown_file) ends them; stop_server PID ends one early.

MICROSOCKS_BIN=${MICROSOCKS_BIN:-$(command -v microsocks || echo /usr/bin/microsocks)}
TINYPROXY_BIN=${TINYPROXY_BIN:-$(command -v tinyproxy || echo /usr/bin/tinyproxy)}

start_microsocks() {
	local name=${1:?start_microsocks NAME [USER PASS]} user=${2:-} pass=${3:-}
	local dir=$SERVERDIR/proxies port
	mkdir -p "$dir" || return 1
	local -a auth=()
	[[ -n $user ]] && auth=(-u "$user" -P "$pass")
	port=$(free_port) || return 1
	MICROSOCKS_LOG=$dir/microsocks-$name.log
	_servers_setsid
	"${_SETSID[@]}" "$MICROSOCKS_BIN" -i 127.0.0.1 -p "$port" "${auth[@]}" \
		</dev/null >"$MICROSOCKS_LOG" 2>&1 3>&- 4>&- &
	MICROSOCKS_PID=$!
	_servers_track "$MICROSOCKS_PID" "microsocks-$name"
	export MICROSOCKS_PORT=$port MICROSOCKS_PID MICROSOCKS_LOG
	wait_port 127.0.0.1 "$port" "$MICROSOCKS_PID" "$MICROSOCKS_LOG"
}

start_tinyproxy() {
	local name=${1:?start_tinyproxy NAME PORT... [-- USER PASS]}
	shift
	local dir=$SERVERDIR/proxies port conf
	mkdir -p "$dir" || return 1
	port=$(free_port) || return 1
	conf=$dir/tinyproxy-$name.conf
	TINYPROXY_LOG=$dir/tinyproxy-$name.log
	{
		echo "Port $port"
		echo "Listen 127.0.0.1"
		echo "Allow 127.0.0.1"
		echo "Timeout 60"
		echo "MaxClients 50"
		echo "LogFile \"$TINYPROXY_LOG\""
		echo "LogLevel Connect"
		while (($#)) && [[ $1 != -- ]]; do
			echo "ConnectPort $1"
			shift
		done
		if [[ ${1:-} == -- ]]; then echo "BasicAuth $2 $3"; fi
	} >"$conf"
	: >"$TINYPROXY_LOG"
	_servers_setsid
	"${_SETSID[@]}" "$TINYPROXY_BIN" -d -c "$conf" \
		</dev/null >"$dir/tinyproxy-$name.out" 2>&1 3>&- 4>&- &
	TINYPROXY_PID=$!
	_servers_track "$TINYPROXY_PID" "tinyproxy-$name"
	export TINYPROXY_PORT=$port TINYPROXY_PID TINYPROXY_LOG
	wait_port 127.0.0.1 "$port" "$TINYPROXY_PID" "$TINYPROXY_LOG" \
		"$dir/tinyproxy-$name.out" "$conf"
}

proxy_count() {
	grep -cE "$2" "$1" || true
}

seq_ports() {
	seq "$1" "$2" | tr '\n' ' '
}

#   start_glued_proxy
#       a minimal HTTP CONNECT proxy (Python) that sends its "200" header and
#       the server's first bytes in one segment, and pads the header with
#       many header lines: a client must stop reading exactly at the
#       header's end. Sets GLUED_PORT, GLUED_PID, GLUED_LOG (one line per
#       CONNECT: "CONNECT HOST:PORT glued N" with N server bytes sent along).
start_glued_proxy() {
	local dir=$SERVERDIR/proxies port
	mkdir -p "$dir" || return 1
	port=$(free_port) || return 1
	GLUED_LOG=$dir/glued.log
	: >"$GLUED_LOG"
	_servers_setsid
	"${_SETSID[@]}" "$SERVER_PYTHON" - "$port" "$GLUED_LOG" \
		</dev/null >"$dir/glued.out" 2>&1 3>&- 4>&- <<-'PY' &
		import select, socket, sys, threading
		port, log = int(sys.argv[1]), sys.argv[2]
		def pipe(a, b):
		    try:
		        while True:
		            d = a.recv(65536)
		            if not d:
		                break
		            b.sendall(d)
		    except OSError:
		        pass
		    for s in (a, b):
		        try:
		            s.shutdown(socket.SHUT_WR)
		        except OSError:
		            pass
		def serve(c):
		    req = b""
		    while b"\r\n\r\n" not in req:
		        d = c.recv(1)
		        if not d:
		            return c.close()
		        req += d
		    target = req.split(b" ")[1].decode()
		    host, p = target.rsplit(":", 1)
		    up = socket.create_connection((host, int(p)), timeout=10)
		    up.settimeout(None)
		    first = b""
		    if select.select([up], [], [], 1.0)[0]:
		        first = up.recv(65536)
		    head = b"HTTP/1.1 200 Connection established\r\n"
		    head += b"".join(b"X-Pad-%d: %s\r\n" % (i, b"p" * 60) for i in range(40))
		    c.sendall(head + b"\r\n" + first)
		    with open(log, "a") as f:
		        f.write("CONNECT %s glued %d\n" % (target, len(first)))
		    threading.Thread(target=pipe, args=(up, c), daemon=True).start()
		    pipe(c, up)
		s = socket.socket()
		s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
		s.bind(("127.0.0.1", port))
		s.listen(16)
		while True:
		    c, _ = s.accept()
		    threading.Thread(target=serve, args=(c,), daemon=True).start()
	PY
	GLUED_PID=$!
	_servers_track "$GLUED_PID" glued-proxy
	export GLUED_PORT=$port GLUED_PID GLUED_LOG
	wait_port 127.0.0.1 "$port" "$GLUED_PID" "$dir/glued.out"
}
