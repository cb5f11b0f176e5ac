# shellcheck shell=bash source-path=SCRIPTDIR
# Common setup for the ftps end-to-end bats tests.
#
# In a .bats file:
#     load ../lib/common
#     setup_file()    { setup_servers_file; }
#     teardown_file() { teardown_servers_file; }
#
# Provides (besides bats-support, bats-assert, bats-file, certs.bash, servers.bash):
#   FTPS             binary under test: $FTPS_BIN, default $BATS_TEST_DIRNAME/../../build/ftps
#   CERTDIR          per-run certificate dir (ca.pem, server*.pem, ...), shared by
#                    all files of one bats run, generated once (flock)
#   SERVERDIR        per-file dir with the servers' roots, configs and logs
#   FTPS_TIMEOUT     seconds before a client call is killed (default 60)
#   setup_servers_file     certs_generate + start_vsftpd + start_pyftpdlib
#                          (+ a watchdog that kills the servers if bats dies)
#   teardown_servers_file  stop_servers
#   ftps_batch SCRIPT [ARGS...]
#       runs: timeout $FTPS_TIMEOUT $FTPS -b - --cafile $CERTDIR/ca.pem ARGS...
#       with SCRIPT on stdin.  Use with bats `run`.
#   random_file PATH SIZE_BYTES      PATH filled with SIZE bytes from /dev/urandom

_COMMON_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

_common_load_bats_lib() {
	local name=$1 d
	for d in ${BATS_LIB_PATH//:/ } /usr/lib/bats /usr/local/lib/bats \
		/usr/lib/node_modules /usr/local/lib/node_modules; do
		if [[ -f $d/$name/load.bash ]]; then
			# shellcheck disable=SC1090
			source "$d/$name/load.bash"
			return 0
		fi
	done
	echo "common.bash: cannot find $name (looked in BATS_LIB_PATH and /usr/lib/bats)" >&2
	return 1
}

_common_load_bats_lib bats-support
_common_load_bats_lib bats-assert
_common_load_bats_lib bats-file

# shellcheck source=certs.bash
source "$_COMMON_LIB_DIR/certs.bash"
# shellcheck source=servers.bash
source "$_COMMON_LIB_DIR/servers.bash"

FTPS=${FTPS_BIN:-$BATS_TEST_DIRNAME/../../build/ftps}
FTPS_TIMEOUT=${FTPS_TIMEOUT:-60}
export CERTDIR=${CERTDIR:-${BATS_RUN_TMPDIR:?}/certs}
export SERVERDIR=${SERVERDIR:-${BATS_FILE_TMPDIR:?}/servers}

setup_servers_file() {
	mkdir -p "$SERVERDIR" || return 1
	export SERVERS_PIDFILE=$SERVERDIR/servers.pids
	: >"$SERVERS_PIDFILE"
	certs_generate "$CERTDIR" || return 1
	_common_start_watchdog || return 1
	if ! start_vsftpd "$SERVERDIR" "$CERTDIR" || ! start_pyftpdlib "$SERVERDIR" "$CERTDIR"; then
		stop_servers
		return 1
	fi
}

teardown_servers_file() {
	stop_servers
}

# If the bats process that ran setup_file disappears without running
# teardown_file (SIGKILL, ...), kill the servers listed in the pid file.
_common_start_watchdog() {
	local parent=$BASHPID
	_servers_setsid
	# shellcheck disable=SC2016  # expanded by the inner bash
	"${_SETSID[@]}" bash -c '
		parent=$1 f=$2
		while kill -0 "$parent" 2>/dev/null && [[ -e $f ]]; do sleep 1; done
		[[ -e $f ]] || exit 0
		while read -r pid name; do
			[[ $name == watchdog ]] && continue
			kill -KILL -- "-$pid" 2>/dev/null || true
		done <"$f"' _ "$parent" "$SERVERS_PIDFILE" </dev/null >/dev/null 2>&1 3>&- 4>&- &
	_servers_track "$!" watchdog
}

# ftps_batch SCRIPT [ARGS...]
ftps_batch() {
	local script=$1
	shift
	printf '%s\n' "$script" |
		timeout -k 5 "$FTPS_TIMEOUT" "$FTPS" -b - --cafile "$CERTDIR/ca.pem" "$@"
}

# random_file PATH SIZE
random_file() {
	head -c "${2:?random_file PATH SIZE}" /dev/urandom >"${1:?random_file PATH SIZE}"
}

# wait_nonempty FILE [SECS]: wait (default 10 s) until FILE has bytes
wait_nonempty() {
	local i
	for ((i = 0; i < ${2:-10} * 20; i++)); do
		[[ -s $1 ]] && return 0
		sleep 0.05
	done
	echo "wait_nonempty: $1 still empty after ${2:-10} s" >&2
	return 1
}

# re TEXT: TEXT with regular-expression characters escaped (pins hold + and /)
re() {
	printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'
}

# test_setup: for each test, a fresh work directory (the current directory)
# and its own HOME and XDG directories, so no test sees another's files;
# no password in the environment unless the test sets one.
test_setup() {
	WORK=$BATS_TEST_TMPDIR/work
	mkdir -p "$WORK" && cd "$WORK" || return 1
	export HOME=$BATS_TEST_TMPDIR/home XDG_CONFIG_HOME=$BATS_TEST_TMPDIR/config
	export XDG_STATE_HOME=$BATS_TEST_TMPDIR/state
	mkdir -p "$HOME"
	unset FTPS_PASSWORD
}
