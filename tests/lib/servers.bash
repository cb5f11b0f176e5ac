# shellcheck shell=bash
# FTPS test servers for the ftps end-to-end tests (vsftpd and pyftpdlib).
#
# Functions:
#   free_port                      print a free 127.0.0.1 TCP port (kernel-chosen)
#   free_port_range N              print "LO HI": N consecutive free ports
#   start_vsftpd DIR CERTDIR       vsftpd, anonymous, writable, TLS required:
#                                    explicit (AUTH TLS)  -> VSFTPD_PORT
#                                    implicit TLS         -> VSFTPD_IMPLICIT_PORT
#                                    explicit on ::1      -> VSFTPD_IPV6_PORT
#                                                            (empty if no ::1)
#                                    anon root            -> VSFTPD_ROOT
#                                    passive port ranges  -> VSFTPD_PASV_LO/HI (explicit),
#                                      VSFTPD_IMPLICIT_PASV_LO/HI (implicit)
#   start_pyftpdlib DIR CERTDIR    pyftpdlib TLS_FTPHandler, user alice/s3cret
#                                  (perm elradfmwMT), anonymous read-only:
#                                    explicit (AUTH TLS)  -> PYFTPD_PORT
#                                    implicit TLS         -> PYFTPD_IMPLICIT_PORT
#                                    home / root          -> PYFTPD_ROOT
#                                    passive port ranges  -> PYFTPD_PASV_LO/HI (explicit),
#                                      PYFTPD_IMPLICIT_PASV_LO/HI (implicit)
#                                    PYFTPD_USER=alice PYFTPD_PASS=s3cret
#   start_pyftpd_cert PEM [PORT] [--implicit]
#                                  one more pyftpdlib with another certificate
#                                    -> PYFTPD_ALT_PORT, PYFTPD_ALT_PID,
#                                       PYFTPD_ALT_PASV_LO/HI
#   stop_server PID                stop one server (its process group)
#   stop_servers                   kill everything started above (their process groups)
#   wait_port HOST PORT PID LOG... wait (<= SERVER_START_TIMEOUT s, default 10)
#                                  until HOST:PORT accepts; fail with the logs if not
#
# CERTDIR must hold server.pem, server-key.pem, server-combined.pem (see certs.bash).
# Every server is started with setsid (its own process group), stdout/stderr to
# log files in DIR, fd 3 closed (bats), and its pid recorded in $SERVERS_PIDFILE
# (default DIR/../servers.pids, exported) so that stop_servers works from
# teardown_file.  vsftpd runs with run_as_launching_user=YES both as root and as
# an ordinary user: no chroot, the anonymous user acts with the launching
# user's rights, PWD shows the absolute path of VSFTPD_ROOT.

SERVER_PYTHON=${SERVER_PYTHON:-/usr/bin/python3}
SERVER_START_TIMEOUT=${SERVER_START_TIMEOUT:-10}
VSFTPD_BIN=${VSFTPD_BIN:-$(command -v vsftpd || echo /usr/sbin/vsftpd)}
_SERVERS_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

free_port() {
	"$SERVER_PYTHON" -c '
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# free_port_range N -> "LO HI"
free_port_range() {
	"$SERVER_PYTHON" - "${1:-16}" <<-'EOF'
		import random, socket, sys
		n = int(sys.argv[1])
		# Below the kernel's ephemeral range (32768 and up by default): a
		# client connection that just ended leaves its port in TIME_WAIT,
		# which blocks a later bind even with SO_REUSEADDR, and a full test
		# run leaves thousands of them there.
		for attempt in range(500):
		    base = random.randrange(20000, 32768 - n)
		    held = []
		    try:
		        for p in range(base, base + n):
		            t = socket.socket()
		            held.append(t)
		            # the servers listen with SO_REUSEADDR: a port whose
		            # earlier connection sits in TIME_WAIT is free for them
		            t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
		            t.bind(("127.0.0.1", p))
		    except OSError:
		        continue
		    finally:
		        for t in held:
		            t.close()
		    print(base, base + n - 1)
		    sys.exit(0)
		sys.exit("no free port range of %d" % n)
	EOF
}

_servers_have_ipv6() {
	"$SERVER_PYTHON" -c '
import socket
s = socket.socket(socket.AF_INET6)
s.bind(("::1", 0))' 2>/dev/null
}

_servers_dump_logs() {
	local f
	for f in "$@"; do
		[[ -e $f ]] || continue
		echo "----- $f -----" >&2
		tail -n 50 "$f" >&2
	done
}

# wait_port HOST PORT PID LOG...
wait_port() {
	local host=$1 port=$2 pid=$3
	shift 3
	local deadline=$((SECONDS + SERVER_START_TIMEOUT)) hostarg=$host
	while :; do
		if (exec 9<>"/dev/tcp/$hostarg/$port") 2>/dev/null; then
			return 0
		fi
		if ! _servers_pid_alive "$pid"; then
			echo "server (pid $pid) for $host:$port died during start-up" >&2
			_servers_dump_logs "$@"
			return 1
		fi
		if ((SECONDS >= deadline)); then
			echo "timeout: $host:$port not accepting after ${SERVER_START_TIMEOUT}s (pid $pid)" >&2
			_servers_dump_logs "$@"
			return 1
		fi
		sleep 0.05
	done
}

# setsid gives each server its own process group (kill -- -PID) and keeps $!
# equal to the server's pid, because a non-job-control background child is
# not a group leader and setsid then execs without forking.  With job control
# (set -m) the shell already makes a new group and setsid would fork.
_servers_setsid() {
	if [[ $- == *m* ]]; then _SETSID=(); else _SETSID=(setsid); fi
}

_servers_track() {
	: "${SERVERS_PIDFILE:?}"
	echo "$1 $2" >>"$SERVERS_PIDFILE"
}

_servers_pidfile_init() {
	local dir=$1
	if [[ -z ${SERVERS_PIDFILE:-} ]]; then
		export SERVERS_PIDFILE=$dir/servers.pids
	fi
	touch "$SERVERS_PIDFILE"
}

# _vsftpd_conf NAME DIR CERTDIR ROOT PORT PASVLO PASVHI [extra lines...]
_vsftpd_conf() {
	local name=$1 dir=$2 certdir=$3 root=$4 port=$5 lo=$6 hi=$7
	shift 7
	local conf=$dir/$name.conf
	cat >"$conf" <<-EOF
		listen_port=$port
		background=NO
		run_as_launching_user=YES
		seccomp_sandbox=NO
		anonymous_enable=YES
		local_enable=NO
		no_anon_password=YES
		anon_root=$root
		write_enable=YES
		anon_upload_enable=YES
		anon_mkdir_write_enable=YES
		anon_other_write_enable=YES
		anon_world_readable_only=NO
		anon_umask=022
		ssl_enable=YES
		allow_anon_ssl=YES
		force_anon_logins_ssl=YES
		force_anon_data_ssl=YES
		require_ssl_reuse=YES
		strict_ssl_read_eof=YES
		ssl_ciphers=HIGH
		rsa_cert_file=$certdir/server.pem
		rsa_private_key_file=$certdir/server-key.pem
		pasv_enable=YES
		pasv_min_port=$lo
		pasv_max_port=$hi
		dirmessage_enable=NO
		xferlog_enable=YES
		xferlog_file=$dir/$name-xfer.log
		vsftpd_log_file=$dir/$name.log
		dual_log_enable=YES
		log_ftp_protocol=YES
		idle_session_timeout=120
		data_connection_timeout=60
	EOF
	local l
	for l in "$@"; do echo "$l" >>"$conf"; done
	echo "$conf"
}

# _vsftpd_launch NAME DIR CONF HOST PORT -> sets _VSFTPD_PID
_vsftpd_launch() {
	local name=$1 dir=$2 conf=$3 host=$4 port=$5
	local oops=$dir/$name.oops out=$dir/$name.out
	: >"$oops"
	_servers_setsid
	# vsftpd reports start-up errors ("500 OOPS: ...") on fd 0: make fd 0 a log file
	"${_SETSID[@]}" "$VSFTPD_BIN" "$conf" 0<>"$oops" >"$out" 2>&1 3>&- 4>&- &
	_VSFTPD_PID=$!
	_servers_track "$_VSFTPD_PID" "vsftpd-$name"
	wait_port "$host" "$port" "$_VSFTPD_PID" "$oops" "$out" "$dir/$name.log" "$conf"
}

# start_vsftpd DIR CERTDIR
start_vsftpd() {
	local dir=${1:?start_vsftpd DIR CERTDIR} certdir=${2:?start_vsftpd DIR CERTDIR}
	local vdir=$dir/vsftpd
	mkdir -p "$vdir" "$vdir/root" || return 1
	_servers_pidfile_init "$dir"
	[[ -s $certdir/server.pem && -s $certdir/server-key.pem ]] ||
		{ echo "start_vsftpd: no server.pem/server-key.pem in $certdir" >&2; return 1; }
	local port lo hi conf
	export VSFTPD_ROOT=$vdir/root

	port=$(free_port) && read -r lo hi < <(free_port_range 16) || return 1
	conf=$(_vsftpd_conf explicit "$vdir" "$certdir" "$VSFTPD_ROOT" "$port" "$lo" "$hi" \
		listen=YES listen_ipv6=NO listen_address=127.0.0.1) || return 1
	_vsftpd_launch explicit "$vdir" "$conf" 127.0.0.1 "$port" || return 1
	export VSFTPD_PORT=$port VSFTPD_PASV_LO=$lo VSFTPD_PASV_HI=$hi

	port=$(free_port) && read -r lo hi < <(free_port_range 16) || return 1
	conf=$(_vsftpd_conf implicit "$vdir" "$certdir" "$VSFTPD_ROOT" "$port" "$lo" "$hi" \
		listen=YES listen_ipv6=NO listen_address=127.0.0.1 implicit_ssl=YES) || return 1
	_vsftpd_launch implicit "$vdir" "$conf" 127.0.0.1 "$port" || return 1
	export VSFTPD_IMPLICIT_PORT=$port VSFTPD_IMPLICIT_PASV_LO=$lo VSFTPD_IMPLICIT_PASV_HI=$hi

	export VSFTPD_IPV6_PORT=
	if _servers_have_ipv6; then
		port=$(free_port) && read -r lo hi < <(free_port_range 16) || return 1
		conf=$(_vsftpd_conf ipv6 "$vdir" "$certdir" "$VSFTPD_ROOT" "$port" "$lo" "$hi" \
			listen=NO listen_ipv6=YES listen_address6=::1) || return 1
		_vsftpd_launch ipv6 "$vdir" "$conf" ::1 "$port" || return 1
		VSFTPD_IPV6_PORT=$port
	fi
	export VSFTPD_LOGDIR=$vdir
}

# _pyftpd_launch NAME DIR CERTFILE ROOT PORT [extra args]
#   PORT 0 = kernel-chosen; sets _PYFTPD_PORT, _PYFTPD_PID and
#   _PYFTPD_PASV_LO/_PYFTPD_PASV_HI (its passive range) (no subshell:
#   call it directly so that the server is a child of this shell)
_pyftpd_launch() {
	local name=$1 dir=$2 certfile=$3 root=$4 port=$5
	shift 5
	local portfile=$dir/$name.port log=$dir/$name.log out=$dir/$name.out lo hi pid
	[[ -s $certfile ]] || { echo "pyftpdlib: no certificate file $certfile" >&2; return 1; }
	rm -f "$portfile"
	read -r lo hi < <(free_port_range 16) || return 1
	_servers_setsid
	# shellcheck disable=SC2086  # PYFTPD_EXTRA_ARGS is a word list on purpose
	"${_SETSID[@]}" "$SERVER_PYTHON" "$_SERVERS_LIB_DIR/pyftpd_server.py" \
		--root "$root" --certfile "$certfile" --port "$port" \
		--port-file "$portfile" --passive-ports "$lo-$hi" --anonymous \
		--user "$PYFTPD_USER" --password "$PYFTPD_PASS" \
		--log "$log" ${PYFTPD_EXTRA_ARGS:-} "$@" </dev/null >"$out" 2>&1 3>&- 4>&- &
	pid=$!
	_servers_track "$pid" "pyftpd-$name"
	local deadline=$((SECONDS + SERVER_START_TIMEOUT))
	until [[ -s $portfile ]]; do
		if ! _servers_pid_alive "$pid" || ((SECONDS >= deadline)); then
			echo "pyftpdlib ($name, pid $pid) did not start" >&2
			_servers_dump_logs "$out" "$log"
			return 1
		fi
		sleep 0.05
	done
	_PYFTPD_PORT=$(<"$portfile")
	_PYFTPD_PID=$pid
	_PYFTPD_PASV_LO=$lo
	_PYFTPD_PASV_HI=$hi
	wait_port 127.0.0.1 "$_PYFTPD_PORT" "$pid" "$out" "$log"
}

# start_pyftpdlib DIR CERTDIR
start_pyftpdlib() {
	local dir=${1:?start_pyftpdlib DIR CERTDIR} certdir=${2:?start_pyftpdlib DIR CERTDIR}
	local pdir=$dir/pyftpd
	mkdir -p "$pdir" "$pdir/root" || return 1
	_servers_pidfile_init "$dir"
	export PYFTPD_ROOT=$pdir/root PYFTPD_USER=alice PYFTPD_PASS=s3cret
	export PYFTPD_LOGDIR=$pdir
	_pyftpd_launch explicit "$pdir" "$certdir/server-combined.pem" "$PYFTPD_ROOT" 0 || return 1
	export PYFTPD_PORT=$_PYFTPD_PORT PYFTPD_PASV_LO=$_PYFTPD_PASV_LO PYFTPD_PASV_HI=$_PYFTPD_PASV_HI
	_pyftpd_launch implicit "$pdir" "$certdir/server-combined.pem" "$PYFTPD_ROOT" 0 --implicit || return 1
	export PYFTPD_IMPLICIT_PORT=$_PYFTPD_PORT
	export PYFTPD_IMPLICIT_PASV_LO=$_PYFTPD_PASV_LO PYFTPD_IMPLICIT_PASV_HI=$_PYFTPD_PASV_HI
}

# start_pyftpd_cert COMBINED_PEM [PORT] [--implicit]
#   One more pyftpdlib (same users, same PYFTPD_ROOT) presenting another
#   certificate, e.g. "$CERTDIR/selfsigned-combined.pem".  PORT (default 0 =
#   free port) lets a test restart a server with a changed certificate on the
#   same port.  Sets PYFTPD_ALT_PORT and PYFTPD_ALT_PID; stop it with
#   stop_server PYFTPD_ALT_PID (stop_servers also stops it).  Needs
#   start_pyftpdlib first.  Do not call it inside $(...).
start_pyftpd_cert() {
	local certfile=${1:?start_pyftpd_cert COMBINED_PEM [PORT] [--implicit]} port=0
	shift
	if [[ ${1:-} =~ ^[0-9]+$ ]]; then
		port=$1
		shift
	fi
	: "${PYFTPD_LOGDIR:?start_pyftpdlib first}"
	_PYFTPD_ALT_SEQ=$((${_PYFTPD_ALT_SEQ:-0} + 1))
	_pyftpd_launch "alt$_PYFTPD_ALT_SEQ-$BASHPID" "$PYFTPD_LOGDIR" "$certfile" "$PYFTPD_ROOT" "$port" "$@" ||
		return 1
	export PYFTPD_ALT_PORT=$_PYFTPD_PORT
	export PYFTPD_ALT_PID=$_PYFTPD_PID
	export PYFTPD_ALT_PASV_LO=$_PYFTPD_PASV_LO PYFTPD_ALT_PASV_HI=$_PYFTPD_PASV_HI
}

# stop_server PID: stop one server started by this library (its process group)
stop_server() {
	local pid=${1:?stop_server PID} i
	kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 60; i++)); do
		_servers_group_alive "$pid" || break
		sleep 0.05
	done
	kill -KILL -- "-$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	return 0
}

_servers_pid_alive() {
	local st
	st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
	[[ -n $st && $st != Z* ]]
}

# _servers_group_alive PGID: a process of that group exists and is not a zombie
# (a dead server whose parent has not reaped it yet still answers kill -0)
_servers_group_alive() {
	ps -e -o pgid= -o stat= 2>/dev/null |
		awk -v g="$1" '$1 == g && $2 !~ /^Z/ { found = 1 } END { exit !found }'
}

# stop_servers: TERM each recorded process group, then KILL what is left (bounded)
stop_servers() {
	local f=${SERVERS_PIDFILE:-}
	[[ -n $f && -e $f ]] || return 0
	local pid name i alive
	local -a pids=()
	while read -r pid name; do
		[[ $pid =~ ^[0-9]+$ ]] || continue
		pids+=("$pid")
		kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
	done <"$f"
	for ((i = 0; i < 60; i++)); do
		alive=0
		for pid in "${pids[@]}"; do
			if _servers_group_alive "$pid"; then alive=1; fi
		done
		((alive)) || break
		sleep 0.05
	done
	for pid in "${pids[@]}"; do
		kill -KILL -- "-$pid" 2>/dev/null || true
	done
	# reap our own children, if they are ours (no-op otherwise)
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	: >"$f"
	return 0
}
