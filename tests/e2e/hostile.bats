#!/usr/bin/env bats
# A hostile server (tests/lib/hostile_server.py, real TLS) against the real
# binary: malformed replies, data channels aimed elsewhere, truncation,
# stalls, resets, key updates and bad certificates. Each case asserts the
# exit code, the message and what happened to the files.

load ../lib/common
load ../lib/hostile

setup_file() { hostile_setup_file; }
teardown_file() { stop_servers; }

setup() {
	test_setup || return 1
	HOSTILE_PID=
}

teardown() {
	if [[ -n ${HOSTILE_PID:-} ]]; then stop_server "$HOSTILE_PID"; fi
}

url() { echo "ftpes://127.0.0.1:$HOSTILE_PORT"; }
# one attempt: these cases test how a single failure is handled and
# reported; recovery by retries is tested in resilience.bats
ftps_batch_once() { ftps_batch "$1" --retries 0 "${@:2}"; }

# Bytes a terminal would act on: ESC, BEL, NUL, raw C1 CSI (0x9b).
count_control_bytes() {
	LC_ALL=C tr -cd '\000\007\033\233' <"$1" | wc -c
}

# ftps_rss SCRIPT ARGS...: ftps_batch with the peak RSS (KiB) of ftps in
# $BATS_TEST_TMPDIR/rss (or, without /usr/bin/time, under a 256 MiB ulimit -v)
ftps_rss() {
	local script=$1
	shift
	if [[ -x /usr/bin/time ]]; then
		printf '%s\n' "$script" | timeout -k 5 "$FTPS_TIMEOUT" /usr/bin/time -f %M \
			-o "$BATS_TEST_TMPDIR/rss" "$FTPS" -b - --cafile "$CERTDIR/ca.pem" "$@"
	else
		echo 0 >"$BATS_TEST_TMPDIR/rss"
		(ulimit -v 262144 && ftps_batch "$script" "$@")
	fi
}

assert_rss_below_mib() {
	local kib
	kib=$(tail -n 1 "$BATS_TEST_TMPDIR/rss")
	[[ $kib =~ ^[0-9]+$ ]] || fail "no RSS measurement: $kib"
	((kib < $1 * 1024)) || fail "peak RSS ${kib} KiB, more than $1 MiB"
}

# --- 1. TLS mode mismatches ----------------------------------------------

@test "implicit TLS against a plain-text server: handshake error with a hint (exit 4), nothing sent" {
	start_hostile auth-refused-500
	FTPS_PASSWORD=s3cret run ftps_batch "pwd" --timeout 5 "ftps://alice@127.0.0.1:$HOSTILE_PORT"
	assert_failure 4
	assert_output --partial "TLS handshake with 127.0.0.1 failed"
	assert_output --partial "try --explicit or ftpes://"
	run grep -aE '^(USER|PASS|CWD|LIST|RETR)' "$HOSTILE_LOG"
	assert_failure

	# a server that never answers the ClientHello: the timeout, same hint
	start_hostile silent
	SECONDS=0
	run ftps_batch "pwd" --timeout 2 "ftps://127.0.0.1:$HOSTILE_PORT"
	assert_failure 3
	assert_output --partial "timed out"
	assert_output --partial "try --explicit or ftpes://"
	assert [ "$SECONDS" -lt 10 ]
}

# --- 2. passive replies naming another host ---------------------------------

@test "a 227 naming 127.0.0.2: data connections go to the control peer 127.0.0.1" {
	start_hostile normal --no-epsv --pasv-addr 127.0.0.2
	echo "some content" >"$HOSTILE_ROOT/file"
	run ftps_batch $'ls\nget file' "$(url)"
	assert_success
	assert_line file
	assert_equal "$(cat file)" "some content"
	run grep -c '^PASV$' "$HOSTILE_LOG"
	assert_output 2
	run grep -c '^DATA to=127\.0\.0\.1:' "$HOSTILE_EVENTS"
	assert_output 2
	run grep '127\.0\.0\.2' "$HOSTILE_EVENTS"
	assert_failure
}

@test "control on 127.0.0.2 and a 227 naming 127.0.0.1: data goes to 127.0.0.2" {
	certs_make ip2 "$CERTDIR" --ip 127.0.0.2
	HOSTILE_CERT=$CERTDIR/ip2-combined.pem start_hostile normal --host 127.0.0.2 \
		--no-epsv --pasv-addr 127.0.0.1
	echo "x" >"$HOSTILE_ROOT/f"
	run ftps_batch "ls" "ftpes://127.0.0.2:$HOSTILE_PORT"
	assert_success
	assert_line f
	run grep '^DATA ' "$HOSTILE_EVENTS"
	assert_output --regexp '^DATA to=127\.0\.0\.2:[0-9]+ from='
}

@test "a 229 naming another address is refused; no data connection is made" {
	start_hostile epsv-with-address --pasv-addr 127.0.0.2
	run ftps_batch "ls" "$(url)"
	assert_failure 1
	assert_output --partial "ftps: ls: malformed EPSV reply: 229"
	run grep '^DATA' "$HOSTILE_EVENTS"
	assert_failure
}

# --- 3. malformed replies -------------------------------------------------

@test "a 1 MiB reply line: protocol error, bounded memory" {
	start_hostile reply-huge-line
	run ftps_rss "pwd" "$(url)"
	assert_failure 1
	assert_output --partial "ftps: pwd: 127.0.0.1 sent a malformed reply (input too long)"
	assert_rss_below_mib 32
}

@test "a reply line or a multi-line reply that never ends: error, bounded memory, no hang" {
	local sc
	for sc in reply-endless-line reply-endless-multi; do
		start_hostile "$sc"
		SECONDS=0
		run ftps_rss "pwd" --timeout 5 "$(url)"
		assert_failure 1
		assert_output --partial "ftps: pwd: 127.0.0.1 sent a malformed reply (input too long)"
		assert_rss_below_mib 32
		assert [ "$SECONDS" -lt 5 ]
		# the client hung up long before the server's 512 MiB limit
		run grep -E '^SENT [0-9]+$' "$HOSTILE_EVENTS"
		assert_success
		(( ${output#SENT } < 64 * 1024 * 1024 ))
	done
}

@test "replies without a code or with a code out of range are protocol errors" {
	local reply
	for reply in 'hello, no code here' '999 out of range' '099 too small' \
		'2x7 "/" letters' '25 "/" two digits' '257'; do
		start_hostile normal --pwd-reply "$reply"
		run ftps_batch "pwd" "$(url)"
		assert_failure 1
		assert_output --partial "ftps: pwd: 127.0.0.1 sent a malformed reply (protocol error)"
		refute_output --partial "Remote working directory"
	done
}

@test "NUL bytes and escapes in replies are parsed and never reach the terminal" {
	start_hostile normal --greeting '220 hi\x00there \x1b[31mred' \
		--pwd-reply '257-"/nul" is\x00 the\x00 cwd\r\n\x00\x07 middle\r\n257 end'
	ftps_batch "pwd" -v "$(url)" >out 2>err
	assert_equal "$(cat out)" $'ftps> pwd\nRemote working directory: /nul'
	run grep -a -F '<-- 220 hi\x00there \e[31mred' err
	assert_success
	assert_equal "$(count_control_bytes out)" 0
	assert_equal "$(count_control_bytes err)" 0
}

@test "every byte in its own TCP segment (TLS handshake and records too): correct parse" {
	start_hostile normal --trickle 0.0002
	random_file "$HOSTILE_ROOT/data" 100000
	SECONDS=0
	run ftps_batch $'pwd\nls -l\nget data' "$(url)"
	assert_success
	assert_output --partial "Remote working directory: /"
	assert_output --regexp ' 100000 .* data'
	cmp data "$HOSTILE_ROOT/data"
	assert [ "$SECONDS" -lt 30 ]
	run cat "$HOSTILE_LOG"
	assert_line "AUTH TLS"
	assert_line "RETR data"
}

# --- 4. and 5. how a download ends -------------------------------------------

@test "data closed without close_notify halfway, then 226: failed, old file kept, .part has the bytes" {
	start_hostile retr-truncate
	random_file "$HOSTILE_ROOT/big" 1000000
	echo precious >big
	run ftps_batch_once "get big" "$(url)"
	assert_failure 1
	assert_output --partial "ftps: get: big: data connection closed without TLS close_notify after 500000 bytes: transfer incomplete"
	assert_equal "$(cat big)" precious
	assert_equal "$(stat -c %s big.part)" 500000
	cmp -n 500000 big.part "$HOSTILE_ROOT/big"
}

@test "226 before the data: the client still reads to the end" {
	start_hostile retr-early-226
	random_file "$HOSTILE_ROOT/big" 1000000
	run ftps_batch $'get big\npwd' "$(url)"
	assert_success
	cmp big "$HOSTILE_ROOT/big"
	assert_file_not_exists big.part
	assert_output --partial "Remote working directory: /"
}

@test "426 after all the data and close_notify: failed, old file untouched" {
	start_hostile retr-426-after-data
	random_file "$HOSTILE_ROOT/big" 300000
	echo precious >big
	run ftps_batch_once "get big" "$(url)"
	assert_failure 1
	assert_output --partial "ftps: get: big: 426 Connection closed; transfer aborted"
	assert_equal "$(cat big)" precious
}

# --- 6. hostile names in listings -------------------------------------------

hostile_listing_checks() {
	assert_equal "$(count_control_bytes out)" 0
	assert_equal "$(count_control_bytes err)" 0
	run cat out
	assert_line --regexp ' \.\./x$'
	assert_line --regexp ' /etc/x$'
	assert_line --regexp ' a/b$'
	assert_line --regexp ' \\e\[31mred\\e\[0m$'
	assert_line --regexp ' \\e\]0;pwned\\x07title$'
	assert_line --regexp ' c1\\xc2\\x9bcsi$'
	assert_line --regexp ' bare\\x9bcsi$'
}

@test "ls (LIST) shows '../', '/', and escapes in names made visible: no control byte reaches the terminal" {
	start_hostile listing-hostile
	# -a: "../x" starts with a dot
	ftps_batch $'ls -a\nls -la' "$(url)" >out 2>err
	hostile_listing_checks
	run cat out
	assert_line --regexp '\\e\[1mown .* owner$'
	assert_line --regexp ' link -> \\e\[2J$'
	assert_line 'garbage \e[5m line the parser cannot read'
}

@test "ls (MLSD) shows the same hostile names made visible" {
	start_hostile listing-hostile --mlsd
	ftps_batch "ls -la" "$(url)" >out 2>err
	hostile_listing_checks
	run grep -c '^MLSD' "$HOSTILE_LOG"
	assert_output 1
}

# files for the names of listing-hostile that are safe, as long as listed
hostile_tree_files() {
	local f
	for f in safe owner x b; do
		printf '%-4.4s\n' "$f" >"$HOSTILE_ROOT/$f"
	done
	printf 'link-7\n' >"$HOSTILE_ROOT/link"
}

@test "get * (mget) over hostile names: unsafe ones refused, safe ones fetched, nothing lands outside" {
	start_hostile listing-hostile
	hostile_tree_files
	printf 'c1c1\n' >"$HOSTILE_ROOT/"$'c1\xc2\x9bcsi'
	printf 'bare\n' >"$HOSTILE_ROOT/"$'bare\x9bcsi'
	mkdir in
	cd in
	run ftps_batch "mget *" "$(url)"
	# "sub" is a directory: without -r it is skipped, not fetched
	assert_success
	local n
	# ("../x" and "../up" start with a dot: "*" does not match them)
	for n in '/etc/x' 'a/b' '\e[31mred\e[0m' '\e]0;pwned\x07title' '/etc' \
		'c1\xc2\x9bcsi' 'bare\x9bcsi'; do
		assert_line "ftps: warning: skipping unsafe name from the server: $n"
	done
	assert_line "ftps: get: sub: is a directory (use get -r)"
	assert_equal "$(cat safe)" safe
	assert_equal "$(cat owner)" owne
	assert_equal "$(cat link)" link-7
	run find "$WORK" -mindepth 1 -not -path "$WORK/in" -not -path "$WORK/in/*"
	assert_output ""
	run find . -name $'*\e*' -o -name 'x' -o -name 'b' -o -name 'up'
	assert_output ""
	assert_file_not_exists /etc/x
	run grep -c '^RETR' "$HOSTILE_LOG"
	assert_output 3 # safe owner link, no other
}

@test "names with C1 controls are refused, and messages naming them carry no raw C1 bytes" {
	start_hostile listing-hostile
	hostile_tree_files
	ftps_batch "get *csi" "$(url)" >out 2>err && fail "nothing safe matches"
	run cat err
	assert_line 'ftps: warning: skipping unsafe name from the server: bare\x9bcsi'
	assert_line 'ftps: warning: skipping unsafe name from the server: c1\xc2\x9bcsi'
	assert_line 'ftps: *csi: no match'
	assert_equal "$(count_control_bytes err)" 0
	run grep -c '^RETR' "$HOSTILE_LOG"
	assert_output 0
}

@test "get -r of a hostile tree: unsafe names and directories refused at every level" {
	start_hostile listing-hostile
	hostile_tree_files
	run ftps_batch "get -r . here" "$(url)"
	assert_success
	assert_line "ftps: warning: skipping unsafe name from the server: ../up"
	assert_line "ftps: warning: skipping unsafe name from the server: /etc"
	run find here -type f
	assert_output --partial here/safe
	run bash -c 'cd here && find . -type f | LC_ALL=C sort'
	assert_output $'./link\n./owner\n./safe\n./sub/link\n./sub/owner\n./sub/safe'
	run find "$WORK" -mindepth 1 -maxdepth 1
	assert_output "$WORK/here"
	run grep -E '^(CWD|LIST|MLSD|RETR) .*(\.\.|/etc)' "$HOSTILE_LOG"
	assert_failure
}

@test "get of a name with '../' or '/' writes only the last component here" {
	start_hostile listing-hostile
	echo xdata >"$HOSTILE_ROOT/x"
	echo bdata >"$HOSTILE_ROOT/b"
	mkdir sub
	cd sub
	run ftps_batch $'get ../x\nget /etc/x x2\nget a/b' "$(url)"
	assert_success
	assert_equal "$(cat x)" xdata
	assert_equal "$(cat x2)" xdata
	assert_equal "$(cat b)" bdata
	assert_file_not_exists ../x
	assert_file_not_exists a
}

# --- 7. stalls ----------------------------------------------------------------

@test "a server that stalls mid-download (both channels): exit 3 after --timeout, .part kept" {
	start_hostile retr-stall
	random_file "$HOSTILE_ROOT/big" 1000000
	SECONDS=0
	run ftps_batch_once $'get big\npwd' --timeout 2 "$(url)"
	assert_failure 3
	assert [ "$SECONDS" -lt 10 ]
	assert_output --partial "ftps: get: big: data channel: "
	assert_output --partial "timed out"
	refute_output --partial "ftps> pwd"
	assert_file_not_exists big
	assert_equal "$(stat -c %s big.part)" 500000
	cmp big.part <(head -c 500000 "$HOSTILE_ROOT/big")
}

@test "a server that stops reading an upload: exit 3, upload reported incomplete" {
	start_hostile stor-stall
	head -c 40000000 /dev/zero >huge
	SECONDS=0
	run ftps_batch_once "put huge" --timeout 1 "$(url)"
	assert_failure 3
	assert [ "$SECONDS" -lt 10 ]
	assert_output --regexp "ftps: put: huge: upload incomplete after [0-9]+ bytes: timed out"
	# an upload small enough to sit in socket buffers: the missing reply times out
	start_hostile stor-stall
	random_file small 100000
	SECONDS=0
	run ftps_batch_once "put small" --timeout 1 "$(url)"
	assert_failure 3
	assert [ "$SECONDS" -lt 10 ]
	assert_output --partial "ftps: put: small: 127.0.0.1 did not answer within 1 s"
}

# --- 8. certificates ------------------------------------------------------------

# cert_case PEM REASON: the client refuses before USER with exit 5, shows
# the reason, and nothing it prints carries a raw control byte.
cert_case() {
	HOSTILE_CERT=$1 start_hostile normal
	ftps_batch "pwd" "$(url)" >out 2>&1 && fail "accepted $1"
	local rc=$?
	assert_equal "$rc" 5
	run cat out
	assert_output --partial "$2"
	assert_output --partial "Subject:"
	refute_output --partial "Remote working directory"
	assert_equal "$(count_control_bytes out)" 0
	run cat "$HOSTILE_LOG"
	assert_output "AUTH TLS"
}

@test "expired and wrong-name certificates: exit 5 with the reason, before login" {
	certs_make_expired "$CERTDIR"
	certs_make_wrongname "$CERTDIR"
	cert_case "$CERTDIR/expired-combined.pem" "certificate has expired"
	cert_case "$CERTDIR/wrongname-combined.pem" "not valid for the host name"
}

@test "a chain of 50 certificates: refused (exit 5), no crash" {
	hostile_make_chain "$CERTDIR" 50
	run grep -c 'BEGIN CERTIFICATE' "$CERTDIR/chain50-combined.pem"
	assert_output 50
	cert_case "$CERTDIR/chain50-combined.pem" "Issuer:       CN=chain intermediate 49"
	# even with the chain's root trusted, 50 levels are too deep to accept
	HOSTILE_CERT=$CERTDIR/chain50-combined.pem start_hostile normal
	run timeout 30 "$FTPS" -b - --cafile "$CERTDIR/chain50-root.pem" "$(url)" <<<"pwd"
	assert_failure 5
}

@test "a certificate with a 10 KB subject full of escapes: shown sanitised, exit 5" {
	hostile_make_bigsubject "$CERTDIR"
	cert_case "$CERTDIR/bigsubject-combined.pem" "certificate is self-signed"
	run grep -a '^Subject:' out
	assert_output --partial 'O=evil \e[31mred\e[0m corp'
	((${#output} > 10000))
}

# --- 9. key updates, renegotiation, 522 ------------------------------------------

@test "TLS 1.3 key updates on control and data channels mid-transfer: files complete" {
	start_hostile retr-keyupdate
	random_file "$HOSTILE_ROOT/big" 2000000
	random_file up 2000000
	run ftps_batch $'pwd\nget big\nput up up-copy\nstatus' "$(url)"
	assert_success
	assert_output --partial "TLS1.3"
	cmp big "$HOSTILE_ROOT/big"
	cmp up "$HOSTILE_ROOT/up-copy"
	run grep -c '^KEYUPDATE data$' "$HOSTILE_EVENTS"
	assert_output 2
	run grep -c '^KEYUPDATE control$' "$HOSTILE_EVENTS"
	assert_output 3
	run grep '^RECEIVED' "$HOSTILE_EVENTS"
	assert_output "RECEIVED 2000000 clean=True"
}

@test "a flood of 20 key updates: one clear TLS error (exit 4)" {
	start_hostile keyupdate-flood
	run ftps_batch "pwd" "$(url)"
	assert_failure 4
	assert_output --partial "ftps: pwd: connection to 127.0.0.1 lost (Too many handshake packets"
}

@test "a TLS 1.2 renegotiation request mid-download is declined; the file is complete" {
	start_hostile retr-renegotiate --tls12
	random_file "$HOSTILE_ROOT/big" 1000000
	run ftps_batch $'get big\nstatus' "$(url)"
	assert_success
	assert_output --partial "TLS1.2"
	cmp big "$HOSTILE_ROOT/big"
	run grep -c '^RENEGOTIATE data$' "$HOSTILE_EVENTS"
	assert_output 1
}

@test "522 session reuse required, then the server hangs up: one clear error, the next command reconnects" {
	start_hostile reuse-required-522
	run ftps_batch "ls" "$(url)"
	assert_failure 1
	assert_output --partial "(server: 522 SSL connection failed: session reuse required)"
	run grep -c '^ftps: ' <<<"$output"
	assert_output 1
	run grep '^TLS data' "$HOSTILE_EVENTS"
	assert_output --partial "resumed=0"

	: >"$HOSTILE_LOG"
	run ftps_batch $'-ls\npwd' "$(url)"
	assert_success
	assert_line --index 1 --partial "ftps: ls: "
	assert_line --index 2 "ftps> pwd"
	assert_line --index 3 --regexp '^ftps: reconnecting to 127\.0\.0\.1:[0-9]+$'
	assert_line --index 4 "Remote working directory: /"
	run grep -c '^AUTH TLS$' "$HOSTILE_LOG"
	assert_output 2
}

@test "421 closes the control connection: the next command reconnects" {
	start_hostile pwd-421
	run ftps_batch $'-pwd\npwd' "$(url)"
	assert_success
	assert_line --index 1 --partial "421 Idle timeout, closing control connection"
	assert_line --index 3 --regexp '^ftps: reconnecting to 127\.0\.0\.1:[0-9]+$'
	assert_line --index 4 "Remote working directory: /"
	refute_output --partial "lost"
}

# --- 10. uploads cut short ---------------------------------------------------------

@test "TCP reset during put: exit 1, the upload is reported incomplete (226 or 426)" {
	# more than loopback socket buffers hold: the reset comes mid-write
	head -c 40000000 /dev/zero >up
	start_hostile stor-reset
	run ftps_batch_once "put up" "$(url)"
	assert_failure 1
	assert_output --regexp "ftps: put: up: upload incomplete after [0-9]+ bytes: Connection reset by peer$"
	run grep '^RESET data' "$HOSTILE_EVENTS"
	assert_success

	start_hostile stor-reset --final-reply "426 Connection reset"
	run ftps_batch_once "put up" "$(url)"
	assert_failure 1
	assert_output --regexp "upload incomplete after [0-9]+ bytes: Connection reset by peer \(server: 426 Connection reset\)"
}

@test "a vsftpd greeting, then an upload answered with 229 while the next EPSV is queued: out of step, retried, never taken for done" {
	# on a server that greets like vsftpd the next upload's EPSV goes out
	# during the transfer; a "229" as the transfer's final reply answers
	# that EPSV, not the upload
	start_hostile normal --greeting "220 (vsFTPd 3.0.3)" \
		--final-reply "229 Entering Extended Passive Mode (|||9|)"
	random_file u1 100000
	random_file u2 100000
	random_file u3 100000
	run ftps_batch "put u1 u2 u3 ./" -v "$(url)"
	assert_success
	assert_output --partial "ftps: put u1: the transfer was answered with \"229 Entering Extended Passive Mode (|||9|)\": the server's replies are out of step"
	assert_output --partial "put u1: done after 1 retry"
	assert_equal "$(grep -c '^--> AUTH TLS' <<<"$output")" 2
	# after the retry nothing is queued ahead: u3's EPSV goes with its STOR
	local i
	i=$(grep -n '^--> STOR ./u3$' <<<"$output" | cut -d: -f1)
	assert_equal "$(sed -n "$((i - 1))p" <<<"$output")" "--> EPSV"
	for i in 1 2 3; do cmp "u$i" "$HOSTILE_ROOT/u$i"; done
}

@test "a slow server without TLS resumption still gets the whole upload (tickets drained before close)" {
	start_hostile stor-slow-reader --fresh-data-tls
	random_file up 2000000
	run ftps_batch "put up" "$(url)"
	assert_success
	run grep '^TLS data' "$HOSTILE_EVENTS"
	assert_output --partial "resumed=0"
	run grep '^RECEIVED' "$HOSTILE_EVENTS"
	assert_output "RECEIVED 2000000 clean=True"
	cmp up "$HOSTILE_ROOT/up"
}

# put_while_changing HOW: put a 16 MB file to a server that stops reading
# after the handshake, run HOW on the local file while the client waits,
# then let the upload finish; the client must say the file changed.
put_while_changing() {
	rm -f "$WORK/go"
	start_hostile stor-wait-go --go-file "$WORK/go"
	random_file moving 16000000
	ftps_batch "put moving" "$(url)" >out 2>&1 &
	local pid=$! i rc=0
	for ((i = 0; i < 200; i++)); do
		grep -q '^WAITING' "$HOSTILE_EVENTS" 2>/dev/null && break
		sleep 0.05
	done
	grep -q '^WAITING' "$HOSTILE_EVENTS"
	eval "$1"
	touch "$WORK/go"
	wait "$pid" || rc=$?
	assert_equal "$rc" 1
	run cat out
	assert_output --regexp "^ftps> put moving
ftps: put: moving changed while being sent \([0-9]+ bytes sent, now $2 bytes\)$"
}

@test "a local file that grows or is rewritten during put is reported: exit 1" {
	put_while_changing 'echo more >>moving' 16000005
	put_while_changing 'printf XXXX | dd of=moving conv=notrunc status=none' 16000000
}
