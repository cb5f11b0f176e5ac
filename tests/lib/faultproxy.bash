# shellcheck shell=bash
# shellcheck disable=SC2034  # FAULTPROXY_* are set for the tests that call this
# The fault-injecting TCP proxy (faultproxy.py, see its docstring): latency,
# cuts, stalls and refused reconnects on loopback, since there is no netem.
# Needs servers.bash (common.bash loads it) and SERVERDIR.
#
#   start_faultproxy TARGET_PORT LO HI [RULES...]
#       one faultproxy.py on $FAULTPROXY_LISTEN (default 127.0.0.2): the
#       control port (the same number as TARGET_PORT, or $FAULTPROXY_PORT_REQ
#       if set, 0 = kernel-chosen) forwarded to $FAULTPROXY_TARGET (default
#       127.0.0.1):TARGET_PORT, and the passive range LO..HI forwarded port for
#       port (e.g. "$VSFTPD_PORT" "$VSFTPD_PASV_LO" "$VSFTPD_PASV_HI").  LO
#       and HI may be "-" for no passive range.  RULES are faultproxy.py
#       options: --cut KIND:DIR:BYTES[:COUNT], --stall ..., --cut-session,
#       --refuse-after-cut SECONDS|forever, --delay MS (one way, each
#       direction: an RTT of R ms is --delay R/2; tests/bench/rtt_probe.py
#       measures it).  Sets:
#         FAULTPROXY_PORT      the control port clients use
#         FAULTPROXY_HOST      the address clients use ($FAULTPROXY_LISTEN)
#         FAULTPROXY_EVENTS    the event log (OPEN/CUT/STALL/REFUSED/CLOSE ...)
#         FAULTPROXY_CONTROL   the runtime command file (use faultproxy_send)
#         FAULTPROXY_PID       stop_faultproxy / stop_server stop it early
#         FAULTPROXY_DIR       its directory (out = its stdout/stderr)
#       The proxy runs in its own process group, is recorded in
#       $SERVERS_PIDFILE (stop_servers kills it) and exits by itself after
#       $FAULTPROXY_LIFETIME seconds (default 300).  Only one proxy can hold a
#       server's passive range on one listen address: a proxy still running
#       for the same LO on the same address from an earlier call (an earlier
#       test) is stopped first.  Proxies for different servers can run at
#       once (save FAULTPROXY_* of the first before starting the second), or
#       a second one for the same server with FAULTPROXY_LISTEN=127.0.0.3.
#       Do not call it inside $(...).
#   stop_faultproxy                  stop the proxy started last (no-op if none)
#   faultproxy_send CMD              append a runtime command (cut-all, cut
#                                    ctrl|data, stall-all, refuse on|off|SECS,
#                                    delay MS, quit) and wait (<= 5 s) until
#                                    the proxy has acted on it
#   faultproxy_wait_event ERE [SECS] wait (default 10 s) until a line of the
#                                    event log matches ERE (grep -E)
#   faultproxy_usable                 127.0.0.2 (FAULTPROXY_LISTEN) can be bound

FAULTPROXY_LISTEN=${FAULTPROXY_LISTEN:-127.0.0.2}
FAULTPROXY_TARGET=${FAULTPROXY_TARGET:-127.0.0.1}
FAULTPROXY_LIFETIME=${FAULTPROXY_LIFETIME:-300}
_FAULTPROXY_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

faultproxy_usable() {
	"${SERVER_PYTHON:-/usr/bin/python3}" -c '
import socket, sys
s = socket.socket()
s.bind((sys.argv[1], 0))' "$FAULTPROXY_LISTEN" 2>/dev/null
}

start_faultproxy() {
	local tport=${1:?start_faultproxy TARGET_PORT LO HI [RULES...]}
	local lo=${2:?start_faultproxy TARGET_PORT LO HI [RULES...]}
	local hi=${3:?start_faultproxy TARGET_PORT LO HI [RULES...]}
	shift 3
	if ! faultproxy_usable; then
		echo "start_faultproxy: cannot bind $FAULTPROXY_LISTEN (loopback alias)" >&2
		return 1
	fi
	: "${SERVERDIR:?}"
	mkdir -p "$SERVERDIR" || return 1
	# a proxy left on this address and range by an earlier test holds the ports
	local holder=$SERVERDIR/faultproxy-$FAULTPROXY_LISTEN-$lo.pid old
	if [[ -s $holder ]]; then
		old=$(<"$holder")
		[[ $old =~ ^[0-9]+$ ]] && stop_server "$old"
		rm -f "$holder"
	fi
	local dir
	dir=$(mktemp -d "$SERVERDIR/faultproxy.XXXX") || return 1
	FAULTPROXY_DIR=$dir
	FAULTPROXY_EVENTS=$dir/events.log
	FAULTPROXY_CONTROL=$dir/control
	FAULTPROXY_HOST=$FAULTPROXY_LISTEN
	: >"$FAULTPROXY_EVENTS"
	: >"$FAULTPROXY_CONTROL"
	local -a range=()
	if [[ $lo != - && $hi != - ]]; then range=(--range "$lo-$hi"); fi
	_servers_setsid
	"${_SETSID[@]}" "${SERVER_PYTHON:-/usr/bin/python3}" "$_FAULTPROXY_LIB_DIR/faultproxy.py" \
		--listen "$FAULTPROXY_LISTEN" --target "$FAULTPROXY_TARGET" \
		--port "${FAULTPROXY_PORT_REQ:-$tport}" --target-port "$tport" "${range[@]}" \
		--port-file "$dir/port" --events "$FAULTPROXY_EVENTS" \
		--control "$FAULTPROXY_CONTROL" --lifetime "$FAULTPROXY_LIFETIME" "$@" \
		</dev/null >"$dir/out" 2>&1 3>&- 4>&- &
	local pid=$! deadline=$((SECONDS + ${SERVER_START_TIMEOUT:-10}))
	_servers_track "$pid" faultproxy
	FAULTPROXY_PID=$pid
	_FAULTPROXY_HOLDER=$holder
	echo "$pid" >"$holder"
	until [[ -s $dir/port ]]; do
		if ((SECONDS >= deadline)) || ! _servers_pid_alive "$pid"; then
			echo "faultproxy (pid $pid) did not start:" >&2
			cat "$dir/out" >&2
			return 1
		fi
		sleep 0.02
	done
	FAULTPROXY_PORT=$(<"$dir/port")
}

stop_faultproxy() {
	[[ -n ${FAULTPROXY_PID:-} ]] || return 0
	stop_server "$FAULTPROXY_PID"
	local holder=${_FAULTPROXY_HOLDER:-}
	if [[ -s $holder && $(<"$holder") == "$FAULTPROXY_PID" ]]; then rm -f "$holder"; fi
	FAULTPROXY_PID=
}

faultproxy_send() {
	local cmd=${1:?faultproxy_send CMD} n i
	: "${FAULTPROXY_CONTROL:?start_faultproxy first}"
	n=$(($(wc -l <"$FAULTPROXY_CONTROL") + 1))
	printf '%s\n' "$cmd" >>"$FAULTPROXY_CONTROL"
	for ((i = 0; i < 250; i++)); do
		grep -q "^CONTROL $n " "$FAULTPROXY_EVENTS" && return 0
		sleep 0.02
	done
	echo "faultproxy_send: no acknowledgement of '$cmd' (line $n)" >&2
	return 1
}

faultproxy_wait_event() {
	local ere=${1:?faultproxy_wait_event ERE [SECS]} secs=${2:-10} i
	for ((i = 0; i < secs * 50; i++)); do
		grep -Eq -- "$ere" "$FAULTPROXY_EVENTS" && return 0
		sleep 0.02
	done
	echo "faultproxy_wait_event: no event matching '$ere' in $secs s:" >&2
	cat "$FAULTPROXY_EVENTS" >&2
	return 1
}
