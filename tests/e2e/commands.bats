#!/usr/bin/env bats
# The full command vocabulary and safe transfers, against real servers.

load ../lib/common
load ../lib/tty

setup_file() { setup_servers_file; }
teardown_file() { teardown_servers_file; }

setup() {
	test_setup || return 1
	export FTPS_PASSWORD=s3cret
	# each test gets its own remote directories
	VS=$VSFTPD_ROOT/t$BATS_TEST_NUMBER
	PY=$PYFTPD_ROOT/t$BATS_TEST_NUMBER
	mkdir -p "$VS" "$PY"
}
teardown() { tty_stop; }

vs() { ftps_batch "$1" "ftpes://127.0.0.1:$VSFTPD_PORT/t$BATS_TEST_NUMBER" "${@:2}"; }
py() { ftps_batch "$1" "ftpes://alice@127.0.0.1:$PYFTPD_PORT/t$BATS_TEST_NUMBER" "${@:2}"; }

@test "ls: names only, -l long form, globs; dir is ls -l; nlist gives bare names" {
	echo a >"$VS/a.txt"
	echo bb >"$VS/b.txt"
	mkdir "$VS/sub"
	run vs "ls"
	assert_success
	assert_line "a.txt"
	assert_line "sub"
	run vs "ls *.txt"
	assert_success
	assert_line "a.txt"
	assert_line "b.txt"
	refute_line "sub"
	run vs "ls -l b*"
	assert_success
	assert_line --regexp '^-rw-r--r-- +1 .* 3 [A-Z][a-z]{2} [ 0-9]{2} [0-9:]{5} b\.txt$'
	run vs "dir"
	assert_line --regexp '^drwx.* sub$'
	run vs "nlist"
	assert_success
	assert_line "a.txt"
	run vs "ls *.none"
	assert_failure 1
	assert_output --partial "no match"
}

@test "cd, cdup, pwd, mkdir -p, rmdir" {
	run vs $'mkdir -p x/y/z\nmkdir -p x/y\ncd x/y/z\npwd\ncdup\npwd\nrmdir z\nls'
	assert_success
	assert_line "Remote working directory: $VS/x/y/z"
	assert_line "Remote working directory: $VS/x/y"
	assert [ ! -e "$VS/x/y/z" ]
	assert [ -d "$VS/x/y" ]
	run vs "mkdir x"
	assert_failure 1
	assert_output --partial "ftps: mkdir: x: 550"
}

@test "rm with globs, rm -r of a tree, delete alias, rename and mv" {
	touch "$VS/1.log" "$VS/2.log" "$VS/keep.txt"
	mkdir -p "$VS/tree/a/b"
	touch "$VS/tree/f" "$VS/tree/a/g" "$VS/tree/a/b/h"
	run vs $'rm *.log\ndelete keep.txt\nrm -r tree'
	assert_success
	run ls -A "$VS"
	assert_output ""
	echo data >"$VS/old"
	run vs $'rename old new\nmv new newer'
	assert_success
	assert_equal "$(cat "$VS/newer")" data
	run vs "rm nothing-here"
	assert_failure 1
}

@test "chmod (SITE CHMOD), size, mtime in local time, cat, quote and site" {
	printf '0123456789' >"$PY/ten"
	touch -d '2021-03-04 05:06:07 UTC' "$PY/ten"
	run py $'chmod 600 ten\nsize ten\nmtime ten\ncat ten'
	assert_success
	assert_equal "$(stat -c %a "$PY/ten")" 600
	assert_line "ten: 10"
	assert_line "ten: $(TZ=${TZ:-} date -d @"$(stat -c %Y "$PY/ten")" '+%Y-%m-%d %H:%M:%S %Z')"
	assert_output --partial "0123456789"
	run py $'quote NOOP\nsite HELP'
	assert_success
	assert_line --regexp '^200 '
	assert_line --regexp '^214'
	run py "quote BOGUSCMD"
	assert_failure 1
	assert_line --regexp '^500 '
	run py "chmod rw ten"
	assert_failure 1
	assert_output --partial "expected an octal mode"
}

@test "lmkdir, lcd, lpwd, lls and !command" {
	run vs $'lmkdir here\nlcd here\nlpwd\n!touch made-by-shell\nlls'
	assert_success
	assert_line "Local working directory: $WORK/here"
	assert_file_exists "$WORK/here/made-by-shell"
	assert_output --partial "made-by-shell"
	run vs '!false'
	assert_failure 1
	assert_output --partial "exited with status 1"
}

@test "get and put take several files and globs, with spaces and UTF-8 names" {
	mkdir up
	for n in "a b.txt" "é-ü.txt" "日本.txt" "plain.dat"; do random_file "up/$n" 3000; done
	run vs $'lcd up\nput *.txt plain.dat'
	assert_success
	for n in "a b.txt" "é-ü.txt" "日本.txt" "plain.dat"; do cmp "up/$n" "$VS/$n"; done
	mkdir down
	run vs $'mget *.txt down\nget "a b.txt" renamed'
	assert_success
	for n in "a b.txt" "é-ü.txt" "日本.txt"; do cmp "up/$n" "down/$n"; done
	assert_file_not_exists down/plain.dat
	cmp "up/a b.txt" renamed
	run vs "mput up/*.dat sub/"
	assert_failure 1 # sub/ does not exist on the server
}

@test "get -r and put -r: 3 levels, empty directories, 200 files, diff -r equal" {
	local i
	mkdir -p tree/l1/l2/l3 tree/empty tree/l1/empty2
	for ((i = 0; i < 200; i++)); do
		random_file "tree/l1/l2/f$i" $((i * 37))
	done
	random_file tree/top 10
	random_file tree/l1/l2/l3/deep 100000
	run py "put -r tree"
	assert_success
	diff -r tree "$PY/tree"
	run py "get -r tree copy"
	assert_success
	diff -r tree copy
	assert [ -d copy/empty ]
	assert [ -d copy/l1/empty2 ]
	# vsftpd too (LIST instead of MLSD)
	run vs $'put -r tree\nget -r tree vcopy'
	assert_success
	diff -r tree "$VS/tree"
	diff -r tree vcopy
}

@test "get -P 4 and put -P 4 move many files over 4 connections" {
	local i script=""
	mkdir many
	for ((i = 0; i < 40; i++)); do random_file "many/m$i" 2048; done
	run py $'lcd many\nput -P 4 *'
	assert_success
	for ((i = 0; i < 40; i++)); do cmp "many/m$i" "$PY/m$i"; done
	mkdir back
	run py $'lcd back\nget -P 4 m*\nstatus'
	assert_success
	for ((i = 0; i < 40; i++)); do cmp "many/m$i" "back/m$i"; done
	run py "get -P 0 x"
	assert_failure 1
	assert_output --partial "-P takes a number from 1 to 16"
}

@test "a download killed halfway resumes byte-exact with reget and get -c" {
	random_file "$VS/big" $((24 * 1024 * 1024))
	# the client dies (SIGXFSZ) after writing 8 MiB of the .part
	run bash -c "ulimit -f 8192; exec timeout 60 '$FTPS' -b - --cafile '$CERTDIR/ca.pem' \
		ftpes://127.0.0.1:$VSFTPD_PORT/t$BATS_TEST_NUMBER <<<'get big'"
	assert_failure
	assert_file_not_exists big
	assert_equal "$(stat -c %s big.part)" $((8 * 1024 * 1024))
	run vs "reget big"
	assert_success
	cmp "$VS/big" big
	assert_file_not_exists big.part
	# again, with get -c and the server stopped mid-transfer (SIGSTOP), which
	# the client's timeout turns into a failed transfer
	rm big
	run bash -c "ulimit -f 4096; exec timeout 60 '$FTPS' -b - --cafile '$CERTDIR/ca.pem' \
		ftpes://127.0.0.1:$VSFTPD_PORT/t$BATS_TEST_NUMBER <<<'get big'"
	assert_equal "$(stat -c %s big.part)" $((4 * 1024 * 1024))
	run vs "get -c big"
	assert_success
	cmp "$VS/big" big
}

@test "an interrupted upload resumes with reput and put -c" {
	random_file src $((3 * 1024 * 1024))
	head -c $((1024 * 1024)) src >"$PY/src"
	run py $'reput src\nsize src'
	assert_success
	assert_line "src: $((3 * 1024 * 1024))"
	cmp src "$PY/src"
	head -c 12345 src >"$PY/src"
	run py "put -c src"
	assert_success
	cmp src "$PY/src"
}

@test "a failed get keeps the old file; clobber off refuses; preserve keeps times" {
	echo precious >keep
	run vs "get missing keep"
	assert_failure 1
	assert_equal "$(cat keep)" precious
	echo remote >"$VS/keep"
	touch -d '2020-05-06 07:08:09 UTC' "$VS/keep"
	run vs $'set clobber off\nget keep'
	assert_failure 1
	assert_output --partial "keep: exists (set clobber on to replace it)"
	assert_equal "$(cat keep)" precious
	run vs "get keep"
	assert_success
	assert_equal "$(cat keep)" remote
	assert_equal "$(stat -c %Y keep)" "$(stat -c %Y "$VS/keep")"
	# through a glob (LIST has minutes only: the seconds come from MDTM)
	touch -d '2020-05-06 07:08:09 UTC' "$VS/keep"
	mkdir globbed
	run vs "get ke* globbed"
	assert_success
	assert_equal "$(stat -c %Y globbed/keep)" "$(stat -c %Y "$VS/keep")"
	# put keeps the local time where the server has MFMT (pyftpdlib)
	touch -d '2019-01-02 03:04:05 UTC' keep
	run py "put keep"
	assert_success
	assert_equal "$(stat -c %Y "$PY/keep")" "$(stat -c %Y keep)"
	run py $'set preserve off\nput keep k2'
	assert_success
	refute [ "$(stat -c %Y "$PY/k2")" = "$(stat -c %Y keep)" ]
}

@test "set lists settings and rejects unknown names and values" {
	run vs $'set\nset progress off'
	assert_success
	assert_line --regexp '^clobber +on '
	assert_line --regexp '^reconnect +on '
	run vs "set nosuch on"
	assert_failure 1
	assert_output --partial "set: nosuch: unknown setting"
	run vs "set progress maybe"
	assert_failure 1
}

@test "active mode (EPRT) works for listings, downloads and uploads" {
	random_file act 100000
	run vs $'passive off\nput act\nls\nget act act.back\nstatus'
	assert_success
	assert_line "Passive mode off."
	assert_output --partial "Transfers:     binary, active mode"
	cmp act "$VS/act"
	cmp act act.back
	run py $'set passive off\nput act\nget act act.py'
	assert_success
	cmp act act.py
	run vs $'ascii\nstatus\nbinary\nstatus'
	assert_success
	assert_output --partial "Transfers:     ascii, passive mode"
	assert_output --partial "Transfers:     binary, passive mode"
}

@test "IPv6 loopback: [::1] URLs, passive and active transfers" {
	if [[ -z $VSFTPD_IPV6_PORT ]]; then
		skip "this machine has no ::1 (no IPv6 loopback)"
	fi
	random_file six 50000
	run ftps_batch $'cd t'"$BATS_TEST_NUMBER"$'\nput six\nget six six.back\npassive off\nget six six.act\nls' \
		"ftpes://[::1]:$VSFTPD_IPV6_PORT"
	assert_success
	cmp six "$VS/six"
	cmp six six.back
	cmp six six.act
}

@test "a connection lost between commands is reported once; the next command reconnects and runs" {
	local listener
	listener=$(pgrep -o -f "$SERVERDIR/vsftpd/explicit.conf")
	[[ -n $listener ]]
	# (the pause lets the reset arrive: a command sent at the very moment
	# the server dies is run again instead, see CMD_REPEATABLE)
	run vs "pwd
!pkill -KILL -P $listener; sleep 0.3
pwd
pwd
cd .
pwd"
	assert_success
	assert_output --partial "ftps: 127.0.0.1 closed the connection while it was idle"
	assert_equal "$(grep -c "closed the connection" <<<"$output")" 1
	assert_output --partial "ftps: reconnecting to 127.0.0.1:$VSFTPD_PORT"
	assert_equal "$(grep -c "Remote working directory: $VS" <<<"$output")" 4
	# set reconnect off: stays disconnected
	run vs "set reconnect off
!pkill -KILL -P $listener; sleep 0.3
-pwd
pwd"
	assert_failure 1
	assert_output --partial 'not connected (use "open HOST")'
}

@test "Ctrl-C during an interactive transfer aborts it and the prompt works" {
	truncate -s 4G "$VS/huge"
	tty_start env HOME="$HOME" "$FTPS" --cafile "$CERTDIR/ca.pem" \
		"ftpes://127.0.0.1:$VSFTPD_PORT/t$BATS_TEST_NUMBER"
	tty_wait "ftps> "
	tty_type "get huge"
	wait_nonempty huge.part
	tty_keys C-c
	tty_wait "ftps: get: huge: interrupted"
	tty_type "pwd"
	tty_wait "Remote working directory: $VS"
	tty_type "quit"
	run tty_wait_exit
	assert_output 0
	assert_file_not_exists huge
	assert [ "$(stat -c %s huge.part)" -lt $((4 * 1024 * 1024 * 1024)) ]
	rm -f huge.part "$VS/huge"
}

@test "the progress bar shows on a terminal, never in batch output" {
	random_file "$VS/p" $((16 * 1024 * 1024))
	tty_start env HOME="$HOME" "$FTPS" --cafile "$CERTDIR/ca.pem" \
		"ftpes://127.0.0.1:$VSFTPD_PORT/t$BATS_TEST_NUMBER"
	tty_wait "ftps> "
	tty_type "get p"
	tty_wait "100%"
	run tty_screen
	assert_output --regexp 'p +100% +16\.0 MiB +[0-9.]+ [KMG]?i?B/s in [0-9.]+ s'
	tty_type quit
	run vs "get p p2"
	assert_success
	refute_output --partial $'\r'
	refute_output --partial "100%"
}
