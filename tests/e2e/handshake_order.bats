#!/usr/bin/env bats
# Data-channel TLS ordering and servers without TLS 1.3 tickets (issue 13).
#
# 1. handshake-before-150 (tests/lib/hostile_server.py): the server accepts
#    the passive data connection and waits for the client's TLS handshake
#    before it sends 150 (some Node.js servers do); after 5 s without one it
#    answers "425 No connection established".  A client that waits for 150
#    before it starts TLS fails there after 5 s; RFC 4217 lets the client
#    start TLS as soon as the data connection is up.  Each case asserts
#    success, the bytes, and a bound on time well under those 5 s.
# 2. ticketless (tests/lib/ticketless_server.py): a correct TLS 1.3 server
#    with num_tickets = 0, so no data channel can resume: every one is a full
#    handshake, and must still show the control connection's certificate.

load ../lib/common
load ../lib/hostile

setup_file() { hostile_setup_file; }
teardown_file() { stop_servers; }

setup() {
	test_setup || return 1
	HOSTILE_PID='' TICKETLESS_PID=''
}

teardown() {
	if [[ -n ${HOSTILE_PID:-} ]]; then stop_server "$HOSTILE_PID"; fi
	if [[ -n ${TICKETLESS_PID:-} ]]; then stop_server "$TICKETLESS_PID"; fi
}

# well under the server's 5 s: a client that waits for 150 cannot make it
LIMIT_MS=4000

# timed_batch SCRIPT ARGS...: ftps_batch (one attempt), the wall time in
# milliseconds in $ELAPSED_MS
timed_batch() {
	local t0 t1
	t0=$(date +%s%N)
	ftps_batch "$1" --retries 0 "${@:2}"
	local rc=$?
	t1=$(date +%s%N)
	ELAPSED_MS=$(((t1 - t0) / 1000000))
	return $rc
}

assert_fast() {
	((ELAPSED_MS < LIMIT_MS)) ||
		fail "took ${ELAPSED_MS} ms (limit ${LIMIT_MS} ms; the server gives up after 5000)"
}

# the server never gave up on a data connection
assert_no_425() {
	run grep -c NOHANDSHAKE "$HOSTILE_EVENTS"
	assert_output 0
}

hostile_url() {
	if [[ ${1:-} == implicit ]]; then echo "ftps://127.0.0.1:$HOSTILE_PORT"; else echo "ftpes://127.0.0.1:$HOSTILE_PORT"; fi
}

# --- 1. a server that waits for the handshake before 150 --------------------

@test "handshake-before-150, explicit: ls (LIST) succeeds in < 4 s" {
	start_hostile handshake-before-150
	random_file "$HOSTILE_ROOT/listed-file" 1234
	run timed_batch "ls" "$(hostile_url)"
	assert_success
	assert_output --partial listed-file
	assert_fast
	assert_no_425
}

@test "handshake-before-150, implicit: ls (MLSD) succeeds in < 4 s" {
	start_hostile handshake-before-150 --implicit --mlsd
	random_file "$HOSTILE_ROOT/listed-file" 1234
	run timed_batch "ls" "$(hostile_url implicit)"
	assert_success
	assert_output --partial listed-file
	assert_fast
	assert_no_425
	run grep -c '^MLSD' "$HOSTILE_LOG"
	assert_output 1
}

@test "handshake-before-150, explicit: get succeeds in < 4 s, same bytes" {
	start_hostile handshake-before-150
	random_file "$HOSTILE_ROOT/file" 300000
	run timed_batch "get file" "$(hostile_url)"
	assert_success
	assert_fast
	cmp file "$HOSTILE_ROOT/file"
	assert_no_425
}

@test "handshake-before-150, implicit: get succeeds in < 4 s, same bytes" {
	start_hostile handshake-before-150 --implicit
	random_file "$HOSTILE_ROOT/file" 300000
	run timed_batch "get file" "$(hostile_url implicit)"
	assert_success
	assert_fast
	cmp file "$HOSTILE_ROOT/file"
	assert_no_425
}

@test "handshake-before-150, explicit: put succeeds in < 4 s, the server stored the same bytes" {
	start_hostile handshake-before-150
	random_file up.bin 300000
	run timed_batch "put up.bin" "$(hostile_url)"
	assert_success
	assert_fast
	cmp up.bin "$HOSTILE_ROOT/up.bin"
	assert_no_425
	run grep -c 'RECEIVED 300000 clean=True' "$HOSTILE_EVENTS"
	assert_output 1
}

@test "handshake-before-150, implicit: put succeeds in < 4 s, the server stored the same bytes" {
	start_hostile handshake-before-150 --implicit
	random_file up.bin 300000
	run timed_batch "put up.bin" "$(hostile_url implicit)"
	assert_success
	assert_fast
	cmp up.bin "$HOSTILE_ROOT/up.bin"
	assert_no_425
	run grep -c 'RECEIVED 300000 clean=True' "$HOSTILE_EVENTS"
	assert_output 1
}

@test "handshake-before-150: several files in one session (get, put, ls), each in time" {
	start_hostile handshake-before-150
	random_file "$HOSTILE_ROOT/a" 5000
	random_file "$HOSTILE_ROOT/b" 70000
	random_file c 9000
	run timed_batch $'get a\nget b\nput c\nls' "$(hostile_url)"
	assert_success
	assert_fast
	cmp a "$HOSTILE_ROOT/a"
	cmp b "$HOSTILE_ROOT/b"
	cmp c "$HOSTILE_ROOT/c"
	assert_no_425
}

@test "handshake-before-150: get of a missing file is refused (550) at once, no wait for a handshake" {
	start_hostile handshake-before-150
	run timed_batch "get missing" "$(hostile_url)"
	assert_failure 1
	assert_output --partial 550
	assert_fast
	[[ ! -e missing ]]
}

# --- 2. a server without TLS 1.3 tickets --------------------------------------

# make_small DIR N: N files f1..fN of 1-4 KiB of random bytes
make_small() {
	local i
	mkdir -p "$1"
	for ((i = 1; i <= $2; i++)); do head -c $((1000 + i * 150)) /dev/urandom >"$1/f$i"; done
}

ticketless_url() { echo "ftpes://127.0.0.1:$TICKETLESS_PORT"; }

# assert_same_tree A B N: f1..fN identical in A and B
assert_same_tree() {
	local i
	for ((i = 1; i <= $3; i++)); do
		cmp "$1/f$i" "$2/f$i" || fail "f$i differs"
	done
}

# every data channel was a full TLS 1.3 handshake (nothing to resume)
assert_none_resumed() {
	run grep -c 'resumed=1' "$TICKETLESS_EVENTS"
	assert_output 0
	run grep -c 'resumed=0 version=TLSv1.3' "$TICKETLESS_EVENTS"
	((output >= $1)) || fail "only $output full TLS 1.3 data handshakes, $1 expected"
}

# assert_tls12_resumed N FULL: the data channels fell back to TLS 1.2 (no TLS
# 1.3 tickets to resume): no TLS 1.3 data channel at all, at most FULL full
# handshakes (one per connection), and at least N - FULL resumed by ID
assert_tls12_resumed() {
	run grep -c 'version=TLSv1.3' "$TICKETLESS_EVENTS"
	assert_output 0
	run grep -c 'resumed=0 version=TLSv1.2' "$TICKETLESS_EVENTS"
	((output >= 1 && output <= $2)) || fail "$output full TLS 1.2 data handshakes, 1 to $2 expected"
	run grep -c 'resumed=1 version=TLSv1.2' "$TICKETLESS_EVENTS"
	((output >= $1 - $2)) || fail "only $output data channels resumed, $(($1 - $2)) expected"
}

@test "ticketless: get of 20 files, sequential: same bytes, data channels on TLS 1.2 resumed by session ID" {
	start_ticketless
	make_small "$TICKETLESS_ROOT" 20
	run ftps_batch $'get f*\nstatus' "$(ticketless_url)"
	assert_success
	assert_same_tree . "$TICKETLESS_ROOT" 20
	# the first data channel is a full handshake, checked against the
	# control connection's certificate; each next one resumes it
	assert_output --regexp 'Data channels: 21 opened, 20 resumed \(TLS 1\.2 by session ID: the server gives no TLS 1\.3 tickets\)'
	assert_tls12_resumed 21 1
}

@test "ticketless, TLS 1.3 only (--priority): no fallback, every data channel a full handshake" {
	start_ticketless
	make_small "$TICKETLESS_ROOT" 20
	run ftps_batch $'get f*\nstatus' --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.3' "$(ticketless_url)"
	assert_success
	assert_same_tree . "$TICKETLESS_ROOT" 20
	# none resumed, so each one went through the comparison with the
	# control connection's certificate
	assert_output --regexp 'Data channels: 2[01] opened, 0 resumed the control session'
	assert_none_resumed 20
}

@test "ticketless: get -P 4 of 20 files: same bytes, TLS 1.2 resumed on each connection" {
	start_ticketless
	make_small "$TICKETLESS_ROOT" 20
	run ftps_batch "get -P 4 f*" "$(ticketless_url)"
	assert_success
	assert_same_tree . "$TICKETLESS_ROOT" 20
	assert_tls12_resumed 21 4
	# more than one control connection did the work
	run grep -c '^PASS\|^USER' "$TICKETLESS_LOG"
	((output >= 2)) || fail "only one login seen: $output"
}

@test "ticketless: put of 20 files, sequential: the server stored the same bytes" {
	start_ticketless
	make_small src 20
	mkdir "$TICKETLESS_ROOT/up"
	run ftps_batch $'lcd src\nput f* up/\nstatus' "$(ticketless_url)"
	assert_success
	assert_same_tree src "$TICKETLESS_ROOT/up" 20
	assert_output --regexp 'Data channels: 20 opened, 19 resumed \(TLS 1\.2'
	assert_tls12_resumed 20 1
}

@test "ticketless: put -P 4 of 20 files: the server stored the same bytes" {
	start_ticketless
	make_small src 20
	mkdir "$TICKETLESS_ROOT/up"
	run ftps_batch $'lcd src\nput -P 4 f* up/' "$(ticketless_url)"
	assert_success
	assert_same_tree src "$TICKETLESS_ROOT/up" 20
	assert_tls12_resumed 20 4
}

@test "ticketless, implicit TLS: get and put of 5 files" {
	start_ticketless --implicit
	make_small "$TICKETLESS_ROOT" 5
	make_small src 5
	mkdir "$TICKETLESS_ROOT/up"
	run ftps_batch $'get f*\nlcd src\nput f* up/' "ftps://127.0.0.1:$TICKETLESS_PORT"
	assert_success
	assert_same_tree . "$TICKETLESS_ROOT" 5
	assert_same_tree src "$TICKETLESS_ROOT/up" 5
	assert_tls12_resumed 11 1
}

# The proof that the certificate comparison happens: the same server, but its
# data channels show another certificate (CA-signed, same name, other key).
@test "ticketless with another certificate on data channels: refused, sequential and -P 4, nothing written" {
	certs_make_otherkey "$CERTDIR" >/dev/null
	start_ticketless --data-cert "$CERTDIR/otherkey-combined.pem"
	make_small "$TICKETLESS_ROOT" 4
	run ftps_batch "get f1" "$(ticketless_url)"
	assert_failure
	assert_output --partial "data channel presented a different certificate"
	[[ ! -s f1 ]]
	# names, not a glob: no listing on the first connection fails first
	run ftps_batch "get -P 4 f1 f2 f3 f4" "$(ticketless_url)"
	assert_failure
	assert_output --partial "data channel presented a different certificate"
	local f
	for f in f1 f2 f3 f4; do [[ ! -s $f ]] || fail "$f written"; done
}

@test "ticketless under TLS 1.2: data channels resume by session ID" {
	start_ticketless
	make_small "$TICKETLESS_ROOT" 5
	run ftps_batch $'get f*\nstatus' --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2' "$(ticketless_url)"
	assert_success
	assert_same_tree . "$TICKETLESS_ROOT" 5
	run grep -c 'resumed=1 version=TLSv1.2' "$TICKETLESS_EVENTS"
	((output >= 5)) || fail "only $output resumed TLS 1.2 data channels"
	run grep -c 'resumed=0' "$TICKETLESS_EVENTS"
	assert_output 0
}
