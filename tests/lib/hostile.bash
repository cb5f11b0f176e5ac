# shellcheck shell=bash
# shellcheck disable=SC2034  # HOSTILE_* are set for the tests that call this
# The scripted hostile FTP(S) server (hostile_server.py, see its docstring).
#
#   start_hostile SCENARIO [SERVER OPTIONS...]
#       one hostile_server.py on a free loopback port, TLS with
#       $HOSTILE_CERT (default $CERTDIR/server-combined.pem) ->
#         HOSTILE_PORT     its control port
#         HOSTILE_LOG      every command line it received, nothing else
#         HOSTILE_EVENTS   data connections (where they arrived), TLS
#                          resumption, key updates, bytes moved
#         HOSTILE_ROOT     files for RETR and LIST; uploads land here
#         HOSTILE_PID      stop_server "$HOSTILE_PID" stops it early
#       The server runs in its own process group, is recorded in
#       $SERVERS_PIDFILE (stop_servers kills it) and exits by itself after
#       --lifetime seconds (default 300) whatever happens.
#   start_ticketless [SERVER OPTIONS...]
#       one ticketless_server.py (a correct, threaded FTPS server that sends
#       no TLS 1.3 session tickets; TLS 1.2 resumes by session ID) on a free
#       loopback port, TLS with $HOSTILE_CERT (default
#       $CERTDIR/server-combined.pem); options as in its docstring
#       (--implicit, --tls12, --data-cert PEM, --passive-ports LO-HI) ->
#         TICKETLESS_PORT    its control port
#         TICKETLESS_ROOT    the served tree; uploads land here
#         TICKETLESS_EVENTS  "TLS data resumed=0|1 version=..." per data channel
#         TICKETLESS_LOG     every command line received (PASS as ****)
#         TICKETLESS_PID     stop_server "$TICKETLESS_PID" stops it early
#   hostile_setup_file            what a file using only hostile servers needs
#                                 in setup_file: certificates, pid file, watchdog
#   hostile_make_chain DIR N      DIR/chainN-combined.pem: a leaf for localhost /
#                                 127.0.0.1 under N-1 intermediate CAs under a
#                                 self-signed root (DIR/chainN-root.pem); the
#                                 file holds the leaf and all N-1 intermediates
#   hostile_make_bigsubject DIR   DIR/bigsubject-combined.pem: self-signed (so
#                                 that ftps shows it), for localhost / 127.0.0.1,
#                                 subject of ~10 KB with escape sequences in it

start_hostile() {
	local scenario=${1:?start_hostile SCENARIO [OPTIONS]} dir
	shift
	dir=$(mktemp -d "${SERVERDIR:?}/hostile.XXXX") || return 1
	HOSTILE_LOG=$dir/commands.log
	HOSTILE_EVENTS=$dir/events.log
	HOSTILE_ROOT=$dir/root
	mkdir -p "$HOSTILE_ROOT" || return 1
	local -a cert=()
	if [[ -n ${HOSTILE_CERT:-} || -s ${CERTDIR:-}/server-combined.pem ]]; then
		cert=(--cert "${HOSTILE_CERT:-$CERTDIR/server-combined.pem}")
	fi
	_servers_setsid
	"${_SETSID[@]}" "$SERVER_PYTHON" "$_SERVERS_LIB_DIR/hostile_server.py" \
		--scenario "$scenario" --port-file "$dir/port" --log "$HOSTILE_LOG" \
		--events "$HOSTILE_EVENTS" --root "$HOSTILE_ROOT" "${cert[@]}" "$@" \
		</dev/null >"$dir/out" 2>&1 3>&- 4>&- &
	HOSTILE_PID=$!
	_servers_track "$HOSTILE_PID" "hostile-$scenario"
	_hostile_wait_port "$dir" "$HOSTILE_PID" || return 1
	HOSTILE_PORT=$(<"$dir/port")
}

# _hostile_wait_port DIR PID: until the server writes DIR/port (its output
# shown if it dies or takes longer than SERVER_START_TIMEOUT)
_hostile_wait_port() {
	local deadline=$((SECONDS + SERVER_START_TIMEOUT))
	until [[ -s $1/port ]]; do
		if ((SECONDS >= deadline)) || ! _servers_pid_alive "$2"; then
			cat "$1/out" >&2
			return 1
		fi
		sleep 0.05
	done
}

start_ticketless() {
	local dir
	dir=$(mktemp -d "${SERVERDIR:?}/ticketless.XXXX") || return 1
	TICKETLESS_LOG=$dir/commands.log
	TICKETLESS_EVENTS=$dir/events.log
	TICKETLESS_ROOT=$dir/root
	mkdir -p "$TICKETLESS_ROOT" || return 1
	_servers_setsid
	"${_SETSID[@]}" "$SERVER_PYTHON" "$_SERVERS_LIB_DIR/ticketless_server.py" \
		--cert "${HOSTILE_CERT:-$CERTDIR/server-combined.pem}" --port-file "$dir/port" \
		--log "$TICKETLESS_LOG" --events "$TICKETLESS_EVENTS" --root "$TICKETLESS_ROOT" \
		--lifetime 300 "$@" </dev/null >"$dir/out" 2>&1 3>&- 4>&- &
	TICKETLESS_PID=$!
	_servers_track "$TICKETLESS_PID" ticketless
	_hostile_wait_port "$dir" "$TICKETLESS_PID" || return 1
	TICKETLESS_PORT=$(<"$dir/port")
}

hostile_setup_file() {
	mkdir -p "$SERVERDIR" || return 1
	export SERVERS_PIDFILE=$SERVERDIR/servers.pids
	: >"$SERVERS_PIDFILE"
	certs_generate "$CERTDIR" || return 1
	_common_start_watchdog
}

# _hostile_cert NAME DIR TEMPLATE_LINES ISSUER(ca|self|NAME) -> DIR/NAME.pem
# One shared EC key (DIR/hostile-ec-key.pem) keeps this fast.
_hostile_cert() {
	local name=$1 dir=$2 tmpl=$3 issuer=$4 key=$2/hostile-ec-key.pem
	[[ -s $key ]] ||
		_certs_run --generate-privkey --key-type ecdsa --no-text --outfile "$key" || return 1
	printf '%s\n' "$tmpl" >"$dir/$name.tmpl"
	if [[ $issuer == self ]]; then
		_certs_run --generate-self-signed --load-privkey "$key" \
			--template "$dir/$name.tmpl" --outfile "$dir/$name.pem"
	else
		local ikey=$key
		[[ $issuer == ca ]] && ikey=$dir/ca-key.pem
		_certs_run --generate-certificate --load-privkey "$key" \
			--load-ca-certificate "$dir/$issuer.pem" --load-ca-privkey "$ikey" \
			--template "$dir/$name.tmpl" --outfile "$dir/$name.pem"
	fi
}

_hostile_validity='activation_date = "2019-01-01 00:00:00"
expiration_date = "2099-12-31 23:59:59"'

hostile_make_chain() {
	local dir=${1:?hostile_make_chain DIR N} n=${2:?hostile_make_chain DIR N}
	(
		flock -w 60 9 || exit 1
		local out=$dir/chain$n-combined.pem i prev
		[[ -s $out ]] && exit 0
		_hostile_cert "chain$n-root" "$dir" "cn = \"chain root\"
serial = 1
ca
cert_signing_key
$_hostile_validity" self || exit 1
		prev=chain$n-root
		: >"$out.certs"
		for ((i = 1; i < n; i++)); do
			_hostile_cert "chain$n-int$i" "$dir" "cn = \"chain intermediate $i\"
serial = $((i + 1))
ca
cert_signing_key
$_hostile_validity" "$prev" || exit 1
			cat "$dir/chain$n-int$i.pem" "$out.certs" >"$out.tmp" && mv "$out.tmp" "$out.certs"
			prev=chain$n-int$i
		done
		_hostile_cert "chain$n-leaf" "$dir" "cn = \"localhost\"
serial = $((n + 1))
dns_name = \"localhost\"
ip_address = \"127.0.0.1\"
tls_www_server
signing_key
$_hostile_validity" "$prev" || exit 1
		# leaf first, then the issuers from the nearest up
		cat "$dir/chain$n-leaf.pem" "$out.certs" "$dir/hostile-ec-key.pem" >"$out.tmp" &&
			mv "$out.tmp" "$out"
	) 9>"$dir/.hostile-lock"
}

hostile_make_bigsubject() {
	local dir=${1:?hostile_make_bigsubject DIR}
	(
		flock -w 60 9 || exit 1
		[[ -s $dir/bigsubject-combined.pem ]] && exit 0
		local units="" i
		for ((i = 0; i < 40; i++)); do
			units+="unit = \"$(printf 'u%03d-%0240d' "$i" 0)\""$'\n'
		done
		_hostile_cert bigsubject "$dir" "cn = \"localhost\"
organization = \"evil $(printf '\033')[31mred$(printf '\033')[0m corp\"
${units}serial = 77
dns_name = \"localhost\"
ip_address = \"127.0.0.1\"
tls_www_server
signing_key
$_hostile_validity" self || exit 1
		cat "$dir/bigsubject.pem" "$dir/hostile-ec-key.pem" >"$dir/bigsubject-combined.pem"
	) 9>"$dir/.hostile-lock"
}
