#!/usr/bin/env bats
# Round trips (issue 13): what goes out together, checked in the protocol
# trace against real servers. The timings themselves are in tests/bench/run;
# here the order of commands and replies is asserted, and that the
# shortcuts never cost a byte: every file compared, every RETR counted.

load ../lib/common

setup_file() { setup_servers_file; }
teardown_file() { teardown_servers_file; }

setup() {
	test_setup || return 1
	export FTPS_PASSWORD=s3cret
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

# A download sent ahead that is not taken up (the local file is kept:
# clobber off): small ones are read to the end and dropped, large ones
# aborted with ABOR; the replies stay in step, the local file untouched.
check_queued_not_taken() {
	local root=$1 url=$2 size=$3
	three_files "$root"
	random_file "$root/rt/f2" "$size"
	rm -f f1 f3
	echo keep >f2
	run ftps_batch $'set clobber off\nget rt/f1 rt/f2 rt/f3' -v "$url"
	assert_failure 1
	assert_output --partial "ftps: get: f2: exists (set clobber on to replace it)"
	[[ $(cat f2) == keep ]]
	cmp f1 "$root/rt/f1"
	cmp f3 "$root/rt/f3"
	if ((size > 1048576)); then
		assert_output --partial "--> ABOR"
	else
		refute_output --partial "--> ABOR"
	fi
	# in step: f3's SIZE is answered with f3's size
	assert_line --index $(($(line_of '^--> RETR rt/f3$') + 1)) "<-- 213 7000"
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
