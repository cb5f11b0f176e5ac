# shellcheck shell=bash
# start_hostile SCENARIO: one hostile_server.py (see its docstring) on a free
# loopback port -> HOSTILE_PORT, HOSTILE_LOG (every command it received).
start_hostile() {
	local scenario=${1:?start_hostile SCENARIO} dir
	dir=$(mktemp -d "${SERVERDIR:?}/hostile.XXXX") || return 1
	HOSTILE_LOG=$dir/commands.log
	_servers_setsid
	"${_SETSID[@]}" "$SERVER_PYTHON" "$_SERVERS_LIB_DIR/hostile_server.py" \
		--scenario "$scenario" --port-file "$dir/port" --log "$HOSTILE_LOG" \
		</dev/null >"$dir/out" 2>&1 3>&- 4>&- &
	local pid=$! deadline=$((SECONDS + SERVER_START_TIMEOUT))
	_servers_track "$pid" "hostile-$scenario"
	until [[ -s $dir/port ]]; do
		((SECONDS < deadline)) && _servers_pid_alive "$pid" ||
			{ cat "$dir/out" >&2; return 1; }
		sleep 0.05
	done
	HOSTILE_PORT=$(<"$dir/port")
}
