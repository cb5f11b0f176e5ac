#!/usr/bin/env bats
# Everyday comfort: --limit-rate / set limit-rate, the progress line
# (terminal width, resumed transfers, numbering, the -P aggregate line,
# Ctrl-C), the summary after several files, and small fixes (cat into a
# closed pipe, get of a directory, Ctrl-C while connecting, the trust
# advice with --known-servers, the certificate's SHA-256 line).

load ../lib/common
load ../lib/tty

setup_file() { setup_servers_file; }
teardown_file() { teardown_servers_file; }

setup() {
	test_setup || return 1
	VS=$VSFTPD_ROOT/d$BATS_TEST_NUMBER
	mkdir -p "$VS"
	URL="ftpes://127.0.0.1:$VSFTPD_PORT/d$BATS_TEST_NUMBER"
}
teardown() {
	tty_stop
	[[ -n ${SILENT_PID:-} ]] && kill "$SILENT_PID" 2>/dev/null
	return 0
}

vs() { ftps_batch "$1" "${@:2}" "$URL"; }

# Seconds (with decimals) that running "$@" took; its output in $output.
timed() {
	local t0 t1
	t0=$(date +%s.%N)
	run "$@"
	t1=$(date +%s.%N)
	ELAPSED=$(echo "$t1 - $t0" | bc)
}

# between X LO HI: LO <= X <= HI (decimals allowed)
between() {
	if [[ $(echo "$1 >= $2 && $1 <= $3" | bc) != 1 ]]; then
		echo "$1 is not within [$2, $3]" >&2
		return 1
	fi
}

# An interactive ftps on this test's vsftpd directory, at its prompt.
start_ftps() {
	tty_start env HOME="$HOME" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" \
		XDG_STATE_HOME="$XDG_STATE_HOME" "$FTPS" --cafile "$CERTDIR/ca.pem" \
		--norc "$@"
}

tty_width() {
	tmux -S "$TTY_SOCK" resize-window -x "$1" -y 30
}

# The screen without joining wrapped lines: what the person sees.
raw_screen() {
	tmux -S "$TTY_SOCK" capture-pane -p -S -200
}

# --- rate limit ---

@test "--limit-rate 512k: a 2 MiB get takes about 4 s and arrives whole; set limit-rate 0 lifts it" {
	random_file "$VS/two" $((2 * 1024 * 1024))
	timed vs "get two" --limit-rate 512k
	assert_success
	cmp "$VS/two" two
	between "$ELAPSED" 3.5 5.5
	rm two
	timed vs $'set limit-rate 0\nget two' --limit-rate 512k
	assert_success
	cmp "$VS/two" two
	between "$ELAPSED" 0 2.5
}

@test "set limit-rate takes k/M/G suffixes, prints the rate back, refuses nonsense" {
	run vs $'set limit-rate 1.5M\nset'
	assert_success
	assert_line --regexp '^limit-rate +1\.5 MiB/s +bytes/s for all transfers'
	run vs $'set limit-rate 512k\nset'
	assert_line --regexp '^limit-rate +512 KiB/s '
	run vs $'set limit-rate 0\nset'
	assert_line --regexp '^limit-rate +unlimited '
	run vs "set limit-rate fast"
	assert_failure 1
	assert_output --partial 'ftps: set limit-rate: expected bytes per second with an optional k, M or G suffix (0: no limit), not "fast"'
	run "$FTPS" --limit-rate 10q
	assert_failure 2
	assert_output "ftps: invalid --limit-rate: 10q (bytes per second, k, M or G suffix)"
}

@test "the limit is shared by -P connections: 2 MiB over two connections at 512k take about 4 s, not 2" {
	# four files: each connection has work of its own from the start
	local f
	for f in sh1 sh2 sh3 sh4; do random_file "$VS/$f" $((512 * 1024)); done
	timed vs "get -P 2 sh1 sh2 sh3 sh4 ." --limit-rate 512k
	assert_success
	for f in sh1 sh2 sh3 sh4; do cmp "$VS/$f" "$f"; done
	between "$ELAPSED" 3.5 6
	# two server processes (connections) sent them
	local pids
	pids=$(grep -E '"RETR sh[1-4]"' "$SERVERDIR"/vsftpd/explicit.log |
		sed 's/.*\[pid \([0-9]*\)\].*/\1/' | sort -u | wc -l)
	assert_equal "$pids" 2
}

@test "put, cat and mirror keep to the limit too" {
	random_file up $((1024 * 1024))
	timed vs "put up" --limit-rate 512k
	assert_success
	cmp up "$VS/up"
	between "$ELAPSED" 1.6 3.5
	random_file "$VS/c" $((512 * 1024))
	timed vs "cat c" --limit-rate 256k
	assert_success
	between "$ELAPSED" 1.6 3.5
	mkdir m
	timed vs "mirror . m" --limit-rate 1M
	assert_success
	cmp "$VS/c" m/c
	cmp up m/up
	# 1.5 MiB at 1 MiB/s
	between "$ELAPSED" 1.2 3
}

# --- progress ---

@test "at 40 columns the progress line never wraps, and follows a resize" {
	local name=a-file-with-a-rather-long-name-to-fit.bin
	random_file "$VS/$name" $((1536 * 1024))
	start_ftps --limit-rate 512k "$URL"
	tty_width 40
	tty_wait "ftps> "
	tty_type "get $name"
	sleep 1.5
	# joined rows (-J): a line that wrapped shows up longer than 40
	run tty_screen
	local line n=0
	while IFS= read -r line; do
		[[ $line == "ftps> "* ]] && continue # what the test typed
		if ((${#line} > 40)); then
			echo "too long (${#line}): $line" >&2
			return 1
		fi
		[[ $line == a-file-with* ]] && n=$((n + 1))
	done <<<"$output"
	# one progress line, redrawn in place
	assert_equal "$n" 1
	assert_output --regexp $'\na-file-with[^ ]* +[0-9]+% [0-9.]+ [KM]iB [0-9.]+ [KM]?i?B/s( ETA 0:0[0-9])?$'
	# narrower while it runs: the final line is drawn for 30 columns
	tty_width 30
	tty_wait "100%" 15
	tty_wait "ftps> " 5
	local last
	last=$(raw_screen | grep '100%' | tail -n1)
	[[ $last == a-file-with*' 100% 1.5 MiB'* ]] || { echo "last: $last" >&2; return 1; }
	((${#last} <= 29)) || { echo "last line too long: $last" >&2; return 1; }
	cmp "$VS/$name" "$name"
}

@test "reget: the rate counts only the bytes of this run, the bar shows the whole file" {
	random_file "$VS/half" $((4 * 1024 * 1024))
	head -c $((3 * 1024 * 1024)) "$VS/half" >half.part
	touch -d '+1 hour' half.part
	start_ftps --limit-rate 512k "$URL"
	tty_wait "ftps> "
	tty_type "reget half"
	tty_wait "100%" 20
	run tty_screen
	# 1 MiB at 512 KiB/s: the rate is near 512 KiB/s, not 4 MiB in 2 s
	assert_output --regexp 'half +100% +4\.0 MiB +(4[0-9][0-9]|5[0-9][0-9])\.[0-9] KiB/s in [0-9.]+ s'
	cmp "$VS/half" half
}

@test "get a missing b: numbered by attempt, the error on its own line, an honest summary" {
	echo a >"$VS/a"
	echo b >"$VS/b"
	start_ftps "$URL"
	tty_wait "ftps> "
	tty_type "get a missing b"
	tty_wait "files received" 20
	run tty_screen
	assert_line --regexp '^\[1/3\] a +100% '
	assert_line "ftps: get: missing: 550 Failed to open file."
	assert_line --regexp '^\[3/3\] b +100% '
	assert_line --regexp '^2 files received \([0-9.]+ B in [0-9.]+ s over 1 connection\), 1 failed$'
	refute_output --partial "with failures"
	# the same over two connections
	rm a b
	tty_type "get -P 2 a missing b"
	tty_wait "over 2 connections" 20
	run tty_screen
	assert_line --regexp '^2 files received \([0-9.]+ B in [0-9.]+ s over 2 connections\), 1 failed$'
	assert_equal "$(grep -c '^ftps: get: missing: 550 Failed to open file.$' <<<"$output")" 2
	cmp "$VS/a" a
	cmp "$VS/b" b
}

@test "-P shows one aggregate line on a terminal, none in batch output" {
	random_file "$VS/p1" $((1024 * 1024))
	random_file "$VS/p2" $((1024 * 1024))
	start_ftps --limit-rate 512k "$URL"
	tty_wait "ftps> "
	tty_type "get -P 2 p1 p2 ."
	tty_wait "files] " 10
	run tty_screen
	assert_output --regexp '\[[0-2]/2 files\] [0-9.]+ [KM]?i?B( of 2\.0 MiB)? [0-9.]+ [KM]?i?B/s'
	tty_wait "2 files received" 20
	run tty_screen
	# cleared before the summary
	refute_output --regexp 'files\] .*2 files received'
	cmp "$VS/p1" p1
	rm p1 p2
	run vs "get -P 2 p1 p2 ."
	assert_success
	refute_output --partial "files]"
	refute_output --partial $'\r'
	cmp "$VS/p2" p2
}

@test "Ctrl-C during a transfer: the message starts on its own line" {
	random_file "$VS/slow" $((4 * 1024 * 1024))
	start_ftps --limit-rate 256k "$URL"
	tty_wait "ftps> "
	tty_type "get slow"
	tty_wait "ETA" 10
	tty_keys C-c
	tty_wait "interrupted" 10
	run tty_screen
	assert_line "ftps: get: slow: interrupted"
	tty_type "pwd"
	tty_wait "Remote working directory: $VS"
	assert_file_not_exists slow
}

@test "-P N with Ctrl-C: the messages are not glued to the aggregate line" {
	local f
	for f in s1 s2 s3 s4; do random_file "$VS/$f" $((1024 * 1024)); done
	start_ftps --limit-rate 256k "$URL"
	tty_wait "ftps> "
	tty_type "get -P 2 s1 s2 s3 s4 ."
	tty_wait "files] " 10
	sleep 1.5
	tty_keys C-c
	tty_wait "0 files received" 15
	run tty_screen
	# every message at the start of its line, none after the progress line
	assert_line "ftps: get: s1: interrupted"
	assert_equal "$(grep -c 'files\].*ftps:' <<<"$output")" 0
	assert_equal "$(grep -c '.ftps: get:' <<<"$output")" 0
	assert_line --regexp '^0 files received \(.* over 2 connections\), [12] failed, [23] not tried$'
}

# --- certificates and trust ---

@test "the certificate fits 80 columns; the trust advice names --known-servers, quoted" {
	local ks="$WORK/my known servers"
	run timeout 30 "$FTPS" --trust strict --known-servers "$ks" --norc -b /dev/null \
		"ftpes://127.0.0.1:$VSFTPD_PORT"
	assert_failure 5
	# the certificate as shown (the lines before the first message)
	local line
	while IFS= read -r line; do
		[[ $line == ftps:* ]] && break
		((${#line} <= 80)) || { echo "too long: $line" >&2; return 1; }
	done <<<"$output"
	assert_output --regexp $'Cert SHA256:  [0-9A-F]{64}\n'
	local advice
	advice=$(grep '^    ftps .*trust add' <<<"$output")
	assert_equal "${advice%% trust add*}" "    ftps --known-servers '$ks'"
	# the advice, as copied, trusts the key in that file
	mkdir bin
	ln -s "$FTPS" bin/ftps
	PATH=$WORK/bin:$PATH eval "$advice"
	run timeout 30 "$FTPS" --trust strict --known-servers "$ks" --norc -b - \
		"ftpes://127.0.0.1:$VSFTPD_PORT" <<<"pwd"
	assert_success
}

# --- small fixes ---

@test "cat into a closed pipe ends quietly with status 0 and the session goes on" {
	random_file "$VS/big" $((8 * 1024 * 1024))
	echo small >"$VS/small"
	run bash -c "printf 'cat big\nget small\n' | timeout 60 '$FTPS' -b - --cafile '$CERTDIR/ca.pem' '$URL' 2>err | head -c 1000 >/dev/null; echo \${PIPESTATUS[1]}"
	assert_output 0
	run cat err
	refute_output --partial "Broken pipe"
	refute_output --partial "ftps:"
	cmp "$VS/small" small
	# not a batch: commands from a pipe
	run bash -c "printf 'cat big\n' | timeout 60 '$FTPS' --cafile '$CERTDIR/ca.pem' '$URL' 2>&1 | head -c 10 >/dev/null; echo \${PIPESTATUS[1]}"
	assert_output 0
}

@test "get DIR without -r says to use -r; a missing file keeps the server's reason" {
	mkdir "$VS/dira"
	run vs "get dira"
	assert_failure 1
	assert_equal "$(grep ftps: <<<"$output")" "ftps: get: dira: is a directory (use get -r)"
	assert_file_not_exists dira
	assert_file_not_exists dira.part
	run vs "get nosuch"
	assert_failure 1
	assert_line "ftps: get: nosuch: 550 Failed to open file."
	mkdir "$PYFTPD_ROOT/pdir$BATS_TEST_NUMBER"
	export FTPS_PASSWORD=s3cret
	run ftps_batch "get pdir$BATS_TEST_NUMBER" -u alice "ftpes://127.0.0.1:$PYFTPD_PORT"
	unset FTPS_PASSWORD
	assert_failure 1
	assert_output --partial "ftps: get: pdir$BATS_TEST_NUMBER: is a directory (use get -r)"
	# the session stays in its directory: the next command works there
	echo x >"$VS/after"
	run vs $'-get dira\nget after\npwd'
	assert_success
	assert_output --partial "Remote working directory: $VS"
	cmp "$VS/after" after
}

# A TCP port that accepts connections but never says a word.
start_silent() {
	SILENT_PORT=$(free_port)
	"$SERVER_PYTHON" -c '
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(5)
time.sleep(120)' "$SILENT_PORT" 3>&- &
	SILENT_PID=$!
	local i
	for ((i = 0; i < 100; i++)); do
		(exec 9<>"/dev/tcp/127.0.0.1/$SILENT_PORT") 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

@test "Ctrl-C at the password prompt or while connecting exits 130 quietly" {
	start_ftps "ftpes://alice@127.0.0.1:$PYFTPD_PORT"
	tty_wait "Password for alice@127.0.0.1: "
	tty_keys C-c
	run tty_wait_exit
	assert_output 130
	run tty_screen
	refute_output --partial "FTPS_PASSWORD"
	refute_output --partial "ftps:"
	tty_stop
	start_silent
	start_ftps "ftpes://127.0.0.1:$SILENT_PORT"
	sleep 1
	tty_keys C-c
	run tty_wait_exit 5
	assert_output 130
	run tty_screen
	refute_output --partial "ftps:"
}

@test "Ctrl-C during open at the prompt returns to the prompt" {
	start_silent
	start_ftps
	tty_wait "ftps> "
	tty_type "open ftpes://127.0.0.1:$SILENT_PORT"
	sleep 1
	tty_keys C-c
	tty_type "lpwd"
	tty_wait "Local working directory: $WORK" 10
	tty_type "quit"
	run tty_wait_exit
	assert_output 0
}
