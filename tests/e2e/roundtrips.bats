#!/usr/bin/env bats
# Round trips (issue 13): what goes out together, checked in the protocol
# trace against real servers, and that the shortcuts never cost a byte:
# every file compared, every RETR counted. The benchmark (tests/bench/run
# --rtt) has the figures; one test here times vsftpd through the delay
# proxy at 100 ms, with bounds the code before each shortcut misses.

load ../lib/common
load ../lib/faultproxy
load ../lib/tty

setup_file() {
	setup_servers_file || return 1
	# server.pem names 127.0.0.1, not the delay proxy's 127.0.0.2: pin it
	export SERVER_PIN
	SERVER_PIN=$(certs_pin "$CERTDIR/server.pem")
}
teardown_file() { teardown_servers_file; }

setup() {
	test_setup || return 1
	export FTPS_PASSWORD=s3cret
}
teardown() {
	stop_faultproxy
	[[ -z ${TTY_SOCK:-} ]] || tty_stop
}

vs_url() { echo "ftpes://127.0.0.1:$VSFTPD_PORT"; }
py_url() { echo "ftpes://alice@127.0.0.1:$PYFTPD_PORT"; }

# line_of REGEX: the index of the first output line matching REGEX (-1)
line_of() {
	local i
	for i in "${!lines[@]}"; do
		if [[ ${lines[$i]} =~ $1 ]]; then
			echo "$i"
			return
		fi
	done
	echo -1
}

# three small files in DIR
three_files() {
	mkdir -p "$1/rt"
	random_file "$1/rt/f1" 3000
	random_file "$1/rt/f2" 5000
	random_file "$1/rt/f3" 7000
}

check_next_file_sent_ahead() {
	local root=$1 url=$2
	three_files "$root"
	run ftps_batch "get rt/f1 rt/f2 rt/f3" -v "$url"
	assert_success
	for f in f1 f2 f3; do cmp "$f" "$root/rt/$f"; done
	# f2's commands go out after f1's data and before f1's final reply
	local retr2 final1
	retr2=$(line_of '^--> RETR rt/f2$')
	final1=$(line_of '^<-- 226 ')
	((retr2 >= 0 && final1 >= 0)) || fail "no RETR rt/f2 or no 226 in the trace"
	((retr2 < final1)) || fail "RETR rt/f2 (line $retr2) only after the first 226 (line $final1)"
	# and nothing is fetched twice
	run grep -c '^--> RETR ' <<<"$output"
	assert_output 3
}

@test "get of several files: the next file's commands go out before the previous final reply (vsftpd)" {
	check_next_file_sent_ahead "$VSFTPD_ROOT" "$(vs_url)"
}

@test "get of several files: the next file's commands go out before the previous final reply (pyftpdlib)" {
	check_next_file_sent_ahead "$PYFTPD_ROOT" "$(py_url)"
}

@test "a file sent ahead but refused (550) is reported; the files around it arrive" {
	three_files "$VSFTPD_ROOT"
	rm "$VSFTPD_ROOT/rt/f2"
	run ftps_batch "get rt/f1 rt/f2 rt/f3" -v "$(vs_url)"
	assert_failure 1
	assert_output --partial "ftps: get: rt/f2: 550 Failed to open file."
	cmp f1 "$VSFTPD_ROOT/rt/f1"
	cmp f3 "$VSFTPD_ROOT/rt/f3"
	[[ ! -e f2 ]]
}

# A download sent ahead that is not taken up: f2 appears here (set clobber
# off) while f1 arrives, after its commands went out. Small ones are read
# to the end and dropped, large ones aborted with ABOR; the replies stay in
# step, the local file untouched.
check_queued_not_taken() {
	local root=$1 url=$2 size=$3
	three_files "$root"
	random_file "$root/rt/f1" 2000000
	random_file "$root/rt/f2" "$size"
	rm -f f1 f2 f3
	(sleep 0.7; echo keep >f2) &
	run ftps_batch $'set clobber off\nget rt/f1 rt/f2 rt/f3' -v --limit-rate 1M "$url"
	wait
	assert_failure 1
	assert_output --partial "ftps: get: f2: exists (set clobber on to replace it)"
	[[ $(cat f2) == keep ]]
	cmp f1 "$root/rt/f1"
	cmp f3 "$root/rt/f3"
	assert_line "--> RETR rt/f2"
	if ((size > 1048576)); then
		assert_output --partial "--> ABOR"
	else
		refute_output --partial "--> ABOR"
	fi
	# in step: f3's SIZE is answered with f3's size
	assert_line --index $(($(line_of '^--> RETR rt/f3$') + 1)) "<-- 213 7000"
}

@test "set clobber off: a file that is already here is not asked for at all" {
	three_files "$VSFTPD_ROOT"
	echo keep >f2
	run ftps_batch $'set clobber off\nget rt/f1 rt/f2 rt/f3' -v "$(vs_url)"
	assert_failure 1
	assert_output --partial "ftps: get: f2: exists (set clobber on to replace it)"
	[[ $(cat f2) == keep ]]
	cmp f1 "$VSFTPD_ROOT/rt/f1"
	cmp f3 "$VSFTPD_ROOT/rt/f3"
	refute_line --regexp "^--> (SIZE|MDTM|RETR) rt/f2$"
}

@test "a small download sent ahead and not taken up is read and dropped; replies stay in step (vsftpd, pyftpdlib)" {
	check_queued_not_taken "$VSFTPD_ROOT" "$(vs_url)" 4000
	check_queued_not_taken "$PYFTPD_ROOT" "$(py_url)" 4000
}

@test "a large download sent ahead and not taken up is aborted (ABOR); replies stay in step (vsftpd, pyftpdlib)" {
	check_queued_not_taken "$VSFTPD_ROOT" "$(vs_url)" 3000000
	check_queued_not_taken "$PYFTPD_ROOT" "$(py_url)" 3000000
}

@test "after login, PBSZ, PROT, FEAT, OPTS UTF8 and TYPE go out before the first of their replies" {
	run ftps_batch "pwd" -v "$(vs_url)"
	assert_success
	local pbsz reply
	reply=$(line_of '^<-- 200 PBSZ')
	for c in 'PBSZ 0' 'PROT P' 'FEAT' 'OPTS UTF8 ON' 'TYPE I'; do
		pbsz=$(line_of "^--> $c\$")
		((pbsz >= 0 && pbsz < reply)) || fail "$c (line $pbsz) not before the PBSZ reply (line $reply)"
	done
	assert_output --partial "Remote working directory: $VSFTPD_ROOT"
}

@test "QUIT is sent and the connection closed without waiting for 221" {
	run ftps_batch "pwd" -v "$(vs_url)"
	assert_success
	assert_line --index $((${#lines[@]} - 1)) "--> QUIT"
	refute_output --partial "221"
}

@test "a known password goes out with USER in one write; a wrong one still fails (exit 6, the server's 530)" {
	run ftps_batch "pwd" -v "$(py_url)"
	assert_success
	local pass user331
	pass=$(line_of '^--> PASS \*\*\*\*$')
	user331=$(line_of '^<-- 331 ')
	((pass >= 0 && pass < user331)) || fail "PASS (line $pass) not sent before the 331 (line $user331)"
	refute_output --partial "s3cret"
	FTPS_PASSWORD=wrong run ftps_batch "pwd" "$(py_url)"
	assert_failure 6
	assert_output --partial "ftps: login as alice refused: 530"
}

# vsftpd reads no command during a transfer, and waits for the client's
# close_notify before its final reply: there the close_notify and the next
# file's questions go out with the handshake (see queue_ahead in data.c).

# five small files in DIR/rt5, and the same names for upload here in up5
five_files() {
	mkdir -p "$1/rt5" up5 "$1/up5"
	local i
	for i in 1 2 3 4 5; do
		random_file "$1/rt5/f$i" 4096
		random_file "up5/u$i" 4096
	done
}

# seconds (float) that a batch of commands takes through the delay proxy
time_batch() {
	local t0 t1
	t0=$(date +%s.%N)
	ftps_batch "$1" --trust-fingerprint "$SERVER_PIN" \
		"ftpes://$FAULTPROXY_HOST:$FAULTPROXY_PORT" >/dev/null || return 1
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}

# rtt_per_file CMD1 CMD5: round trips of 100 ms per further file, from the
# times of a batch with one file (CMD1) and one with five (CMD5)
rtt_per_file() {
	local one five
	one=$(time_batch "$1") && five=$(time_batch "$2") || return 1
	echo "$1: ${one}s; five files: ${five}s" >&2
	awk -v a="$one" -v b="$five" 'BEGIN { printf "%.2f", (b - a) / 4 / 0.1 }'
}

@test "vsftpd at 100 ms RTT: each further file of a sequential get costs at most 2.75 round trips, of a put at most 3" {
	faultproxy_usable || skip "127.0.0.2 cannot be bound"
	five_files "$VSFTPD_ROOT"
	start_faultproxy "$VSFTPD_PORT" "$VSFTPD_PASV_LO" "$VSFTPD_PASV_HI" --delay 50
	local per i
	per=$(rtt_per_file "get rt5/f1" "get rt5/f1 rt5/f2 rt5/f3 rt5/f4 rt5/f5")
	echo "get: $per RTT per further file"
	for i in 1 2 3 4 5; do cmp "f$i" "$VSFTPD_ROOT/rt5/f$i"; done
	# before the close_notify went with the handshake: 3.0 here
	awk -v p="$per" 'BEGIN { exit !(p <= 2.75) }'
	per=$(rtt_per_file "put up5/u1 up5/" "put up5/u1 up5/u2 up5/u3 up5/u4 up5/u5 up5/")
	echo "put: $per RTT per further file"
	for i in 1 2 3 4 5; do cmp "up5/u$i" "$VSFTPD_ROOT/up5/u$i"; done
	# before the next EPSV went ahead: 3.4 here
	awk -v p="$per" 'BEGIN { exit !(p <= 3.0) }'
}

# put u1 u2 u3: where the second EPSV and STOR stand against the first 226
check_put_ahead() {
	local root=$1 url=$2
	five_files "$root"
	run ftps_batch "put up5/u1 up5/u2 up5/u3 up5/" -v "$url"
	assert_success
	for i in 1 2 3; do cmp "up5/u$i" "$root/up5/u$i"; done
	local epsv2 final1 stor2
	final1=$(line_of '^<-- 226 ')
	stor2=$(line_of '^--> STOR up5/u2$')
	epsv2=$(grep -n '^--> EPSV$' <<<"$output" | sed -n 2p | cut -d: -f1)
	epsv2=$((epsv2 - 1))
	((final1 >= 0 && stor2 > final1)) || fail "STOR up5/u2 (line $stor2) before the first 226 (line $final1)"
	echo "second EPSV line $epsv2, first 226 line $final1"
	if [[ $3 == ahead ]]; then
		((epsv2 < final1))
	else
		((epsv2 > final1))
	fi
}

@test "put (vsftpd): the next upload's EPSV goes out before the previous 226, its STOR only after" {
	check_put_ahead "$VSFTPD_ROOT" "$(vs_url)" ahead
}

@test "put (pyftpdlib, which reads commands during a transfer): nothing goes out before the 226" {
	check_put_ahead "$PYFTPD_ROOT" "$(py_url)" after
}

@test "vsftpd: a download cut short with the next file's questions queued: reported, the next file whole, replies in step" {
	faultproxy_usable || skip "127.0.0.2 cannot be bound"
	mkdir -p "$VSFTPD_ROOT/cut"
	random_file "$VSFTPD_ROOT/cut/big" $((4 * 1024 * 1024))
	random_file "$VSFTPD_ROOT/cut/small" 5000
	start_faultproxy "$VSFTPD_PORT" "$VSFTPD_PASV_LO" "$VSFTPD_PASV_HI" --cut data:down:1000000
	run ftps_batch $'-get cut/big cut/small .\npwd' -v --retries 0 --trust-fingerprint "$SERVER_PIN" \
		"ftpes://$FAULTPROXY_HOST:$FAULTPROXY_PORT"
	assert_success # "-get": the batch goes on
	assert_output --partial "ftps: get: cut/big: "
	# the questions about small went out before big's final reply
	(($(line_of '^--> SIZE cut/small$') < $(line_of '^<-- (426|226|451) '))) ||
		fail "SIZE cut/small not queued before big's final reply"
	assert_file_not_exists big
	cmp small "$VSFTPD_ROOT/cut/small"
	assert_output --partial "Remote working directory: $VSFTPD_ROOT"
	run grep -c '^--> RETR ' <<<"$output"
	assert_output 2
}

@test "vsftpd: Ctrl-C in the first of two downloads, the second's questions queued: no ABOR, the session stays in step" {
	mkdir -p "$VSFTPD_ROOT/cc"
	truncate -s 4G "$VSFTPD_ROOT/cc/huge"
	random_file "$VSFTPD_ROOT/cc/small" 5000
	tty_start env HOME="$HOME" "$FTPS" -v --cafile "$CERTDIR/ca.pem" "$(vs_url)"
	tty_wait "ftps> "
	tty_type "get cc/huge cc/small ."
	wait_nonempty huge.part
	tty_wait "--> SIZE cc/small"
	tty_keys C-c
	tty_wait "ftps: get: cc/huge: interrupted"
	tty_type "get cc/small"
	tty_type "pwd"
	tty_wait "Remote working directory: $VSFTPD_ROOT"
	run tty_screen
	refute_output --partial "--> ABOR"
	tty_type "quit"
	run tty_wait_exit
	assert_output 0
	cmp small "$VSFTPD_ROOT/cc/small"
	assert_file_not_exists huge
	rm -f huge.part "$VSFTPD_ROOT/cc/huge"
}

@test "a server that greets like vsftpd but reads commands during a transfer: one retry, then every file whole (get and put)" {
	# pyftpdlib with vsftpd's greeting: it takes the next file's EPSV
	# during the transfer, drops that transfer's data connection and
	# never answers the transfer
	start_pyftpd_cert "$CERTDIR/server-combined.pem" --banner "(vsFTPd 3.0.3)"
	mkdir -p "$PYFTPD_ROOT/imp" up
	local f
	for f in a b c; do
		random_file "$PYFTPD_ROOT/imp/$f" 3000000
		random_file "up/$f" 3000000
	done
	local url="ftpes://alice@127.0.0.1:$PYFTPD_ALT_PORT"
	run ftps_batch "get imp/a imp/b imp/c ." "$url"
	assert_success
	for f in a b c; do cmp "$f" "$PYFTPD_ROOT/imp/$f"; done
	assert_output --partial "done after 1 retry"
	# one retry in all: after it, the session queues nothing ahead
	assert_equal "$(grep -c 'retrying in' <<<"$output")" 1
	run ftps_batch $'mkdir imp/up\nput up/a up/b up/c imp/up/' "$url"
	assert_success
	for f in a b c; do cmp "up/$f" "$PYFTPD_ROOT/imp/up/$f"; done
	# cut at once (reset) or answered out of step (hostile.bats has that
	# case alone): caught either way, never taken for done
	assert_equal "$(grep -c 'retrying in' <<<"$output")" 1
	stop_server "$PYFTPD_ALT_PID"
}

@test "the control connection cut as the next file's commands go out: the file is retried, all arrive; with --retries 0 exit 3" {
	faultproxy_usable || skip "127.0.0.2 cannot be bound"
	mkdir -p "$VSFTPD_ROOT/cc6"
	local i sz=300000 off hit=0
	for i in 1 2 3 4 5 6; do
		random_file "$VSFTPD_ROOT/cc6/g$i" $((sz * i))
	done
	# these offsets of the client's control bytes fall on the commands
	# sent ahead during or just after a transfer; wherever a cut lands,
	# every file must arrive
	for off in 750 850 1050; do
		rm -f g*
		start_faultproxy "$VSFTPD_PORT" "$VSFTPD_PASV_LO" "$VSFTPD_PASV_HI" --cut "ctrl:up:$off"
		run ftps_batch "get g1 g2 g3 g4 g5 g6 ." --retries 2 --trust-fingerprint "$SERVER_PIN" \
			"ftpes://$FAULTPROXY_HOST:$FAULTPROXY_PORT/cc6"
		stop_faultproxy
		assert_success
		for i in 1 2 3 4 5 6; do cmp "g$i" "$VSFTPD_ROOT/cc6/g$i"; done
		refute_output --partial "not connected"
		[[ $output != *"sending to $FAULTPROXY_HOST"* ]] || hit=$((hit + 1))
	done
	((hit > 0)) || fail "no cut fell on commands sent ahead"
	rm -f g*
	start_faultproxy "$VSFTPD_PORT" "$VSFTPD_PASV_LO" "$VSFTPD_PASV_HI" --cut ctrl:up:750
	run ftps_batch "get g1 g2 g3 ." --retries 0 --trust-fingerprint "$SERVER_PIN" \
		"ftpes://$FAULTPROXY_HOST:$FAULTPROXY_PORT/cc6"
	assert_failure 3
	assert_file_not_exists g1
}

@test "vsftpd: a file that grows between its SIZE and its RETR (a slow reader: the tail of the previous file) arrives whole, as its 150 names it" {
	mkdir -p "$VSFTPD_ROOT/gr"
	random_file "$VSFTPD_ROOT/gr/a" $((8 * 1024 * 1024))
	local try hit=0 i log=$VSFTPD_LOGDIR/explicit.log
	# vsftpd answers SIZE once it has written the last of a into the
	# sockets; ftps, reading at 1M, sends RETR when it has read it all.
	# The change must fall between the two: a run where the sockets held
	# too little to leave time for it proves nothing and is run again.
	for ((try = 1; try <= 3 && !hit; try++)); do
		random_file "$VSFTPD_ROOT/gr/grow$try" 1000
		rm -f a
		(ftps_batch "get gr/a gr/grow$try ." -v --limit-rate 1M "$(vs_url)" >out 2>&1
		 echo $? >status) &
		for ((i = 0; i < 1000; i++)); do
			grep -q "\"SIZE gr/grow$try\"" "$log" && break
			sleep 0.01
		done
		head -c 2000 /dev/urandom >>"$VSFTPD_ROOT/gr/grow$try"
		grep -q "\"RETR gr/grow$try\"" "$log" || hit=$try
		wait
	done
	((hit > 0)) || fail "in three runs the change never fell between SIZE and RETR"
	run cat out
	assert_equal "$(cat status)" 0
	assert_line "<-- 213 1000"
	assert_line --partial "for gr/grow$hit (3000 bytes)"
	cmp a "$VSFTPD_ROOT/gr/a"
	cmp "grow$hit" "$VSFTPD_ROOT/gr/grow$hit"
}
