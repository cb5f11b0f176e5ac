#!/usr/bin/env bats
# Local-side hardening against real servers: planted .part files (symlinks,
# hard links, FIFOs), NAME and NAME.part both on the server, known_servers and
# ~/.netrc that are special files, symlinks or too open, 255-byte names, a
# local symlink where a remote directory goes, and bidi controls in names.
# Every case asserts the exit code, the message and the bytes on disk.
#
# Never aim ftps at a real system file as a write target: the "null" devices
# here are private copies made with mknod.

load ../lib/common

setup_file() {
	setup_servers_file || return 1
	certs_make_selfsigned "$CERTDIR" || return 1
	start_pyftpd_cert "$CERTDIR/selfsigned-combined.pem" || return 1
	export SS_PORT=$PYFTPD_ALT_PORT
	export SS_PIN
	SS_PIN=$(certs_pin "$CERTDIR/selfsigned.pem")
}
teardown_file() { teardown_servers_file; }

setup() {
	test_setup || return 1
	# each test gets its own remote directories
	VS=$VSFTPD_ROOT/t$BATS_TEST_NUMBER
	PY=$PYFTPD_ROOT/t$BATS_TEST_NUMBER
	mkdir -p "$VS" "$PY"
	OUTSIDE_TEXT="outside: must never be written by ftps"
}

vs() { ftps_batch "$1" "ftpes://127.0.0.1:$VSFTPD_PORT/t$BATS_TEST_NUMBER" "${@:2}"; }
py() {
	FTPS_PASSWORD=s3cret ftps_batch "$1" \
		"ftpes://alice@127.0.0.1:$PYFTPD_PORT/t$BATS_TEST_NUMBER" "${@:2}"
}
# ftps against the self-signed pyftpdlib, without --cafile
ss_batch() {
	printf '%s\n' "$1" | FTPS_PASSWORD=s3cret timeout -k 5 "$FTPS_TIMEOUT" \
		"$FTPS" -b - "${@:2}" "ftpes://alice@127.0.0.1:$SS_PORT"
}

# ---------------------------------------------------------------------------
# 1. Planted partial files

# small/f1.bin (100 KB) on vsftpd, an empty local dl/, and a file "outside"
# (mode 0600, known text) that a planted dl/f1.bin.part will point at.
plant_setup() {
	mkdir -p "$VS/small" dl
	random_file "$VS/small/f1.bin" 102400
	printf '%s\n' "$OUTSIDE_TEXT" >"$WORK/outside"
	chmod 0600 "$WORK/outside"
	cp "$WORK/outside" "$BATS_TEST_TMPDIR/outside.orig"
}

assert_outside_intact() {
	cmp "$BATS_TEST_TMPDIR/outside.orig" "$WORK/outside"
	assert_equal "$(stat -c %a "$WORK/outside")" 600
	assert [ -f "$WORK/outside" ] && assert [ ! -L "$WORK/outside" ]
}

assert_f1_ok() {
	assert [ -f dl/f1.bin ]
	assert [ ! -L dl/f1.bin ]
	assert [ ! dl/f1.bin -ef "$WORK/outside" ]
	cmp "$VS/small/f1.bin" dl/f1.bin
}

@test "get: a planted .part symlink to an outside file is not followed" {
	plant_setup
	ln -s "$WORK/outside" dl/f1.bin.part
	run vs "get small/f1.bin dl/"
	assert_success
	assert_f1_ok
	assert_outside_intact
}

@test "get -c: a planted .part symlink is not resumed from, nor written through" {
	plant_setup
	ln -s "$WORK/outside" dl/f1.bin.part
	run vs "get -c small/f1.bin dl/"
	assert_success
	assert_output --partial "not resuming"
	assert_f1_ok
	assert_outside_intact
}

@test "get and get -c: a planted .part hard link to an outside file leaves it intact" {
	plant_setup
	ln "$WORK/outside" dl/f1.bin.part
	run vs "get small/f1.bin dl/"
	assert_success
	assert_f1_ok
	assert_outside_intact

	rm -f dl/f1.bin dl/f1.bin.part
	ln "$WORK/outside" dl/f1.bin.part
	run vs "get -c small/f1.bin dl/"
	assert_success
	assert_f1_ok
	assert_outside_intact
}

# A FIFO as .part: opening it for writing would block forever without a
# reader. ftps gets --timeout 5 and must finish well within 15 s.
@test "get: a planted .part FIFO does not hang the download" {
	plant_setup
	mkfifo dl/f1.bin.part
	local t0=$SECONDS
	FTPS_TIMEOUT=14 run vs "get small/f1.bin dl/" --timeout 5
	local took=$((SECONDS - t0))
	assert_success
	assert [ "$took" -lt 15 ]
	assert_f1_ok
}

@test "get -c: a planted .part FIFO is not resumed from and does not hang" {
	plant_setup
	mkfifo dl/f1.bin.part
	local t0=$SECONDS
	FTPS_TIMEOUT=14 run vs "get -c small/f1.bin dl/" --timeout 5
	local took=$((SECONDS - t0))
	assert_success
	assert_output --partial "not resuming"
	assert [ "$took" -lt 15 ]
	assert_f1_ok
}

# ---------------------------------------------------------------------------
# 2. NAME and NAME.part both on the server

# coll_make DIR: DIR/coll with x1..x6 and x1.part..x6.part, all different
# random contents of 20..200 KB.
coll_make() {
	local d=$1/coll i
	mkdir -p "$d"
	for i in 1 2 3 4 5 6; do
		random_file "$d/x$i" $(((RANDOM % 180 + 20) * 1024 + RANDOM % 1000))
		random_file "$d/x$i.part" $(((RANDOM % 180 + 20) * 1024 + RANDOM % 1000))
	done
}

# coll_check SERVERDIR LOCALDIR: identical trees, nothing else beside them
coll_check() {
	run diff -r "$1/coll" "$2/coll"
	assert_success
	assert_output ""
	run find "$2" -name '*.part.part'
	assert_output ""
	run ls -A "$2"
	assert_output "coll"
	run ls -A "$2/coll"
	assert_output "$(printf '%s\n' x1 x1.part x2 x2.part x3 x3.part x4 x4.part x5 x5.part x6 x6.part)"
}

coll_get_r() {
	local server=$1 srvroot=$2
	coll_make "$srvroot"
	run "$server" "get -r coll"
	assert_success
	coll_check "$srvroot" "$WORK"
}

coll_get_r_parallel() {
	local server=$1 srvroot=$2
	coll_make "$srvroot"
	mkdir fresh
	cd fresh || return 1
	run "$server" "get -r -P 4 coll"
	assert_success
	coll_check "$srvroot" "$WORK/fresh"
}

coll_get_rc_after_complete() {
	local server=$1 srvroot=$2
	coll_make "$srvroot"
	run "$server" "get -r coll"
	assert_success
	coll_check "$srvroot" "$WORK"
	run "$server" "get -r -c coll" -v
	assert_success
	refute_output --partial "RETR"
	coll_check "$srvroot" "$WORK"
}

# After a correct get -r: local x3 cut to half, x5 deleted. get -r -c must
# fetch exactly those two (x3.part, the copy of the remote x3.part, is a
# complete file of other content and must not be taken for x3's partial).
coll_get_rc_repair() {
	local server=$1 srvroot=$2
	coll_make "$srvroot"
	run "$server" "get -r coll"
	assert_success
	truncate -s $(($(stat -c %s coll/x3) / 2)) coll/x3
	rm coll/x5
	run "$server" "get -r -c coll" -v
	assert_success
	local trace=$output
	coll_check "$srvroot" "$WORK"
	run grep -- '--> RETR' <<<"$trace"
	assert_equal "${#lines[@]}" 2
	assert_line --regexp 'RETR .*x3$'
	assert_line --regexp 'RETR .*x5$'
}

@test "vsftpd: get -r of a tree holding NAME and NAME.part copies both exactly" {
	coll_get_r vs "$VS"
}

@test "pyftpdlib: get -r of a tree holding NAME and NAME.part copies both exactly" {
	coll_get_r py "$PY"
}

@test "vsftpd: get -r -P 4 of a tree holding NAME and NAME.part copies both exactly" {
	coll_get_r_parallel vs "$VS"
}

@test "pyftpdlib: get -r -P 4 of a tree holding NAME and NAME.part copies both exactly" {
	coll_get_r_parallel py "$PY"
}

@test "vsftpd: get -r -c after a complete get -r transfers nothing and changes nothing" {
	coll_get_rc_after_complete vs "$VS"
}

@test "pyftpdlib: get -r -c after a complete get -r transfers nothing and changes nothing" {
	coll_get_rc_after_complete py "$PY"
}

@test "vsftpd: get -r -c repairs a cut NAME and a missing NAME beside NAME.part" {
	coll_get_rc_repair vs "$VS"
}

@test "pyftpdlib: get -r -c repairs a cut NAME and a missing NAME beside NAME.part" {
	coll_get_rc_repair py "$PY"
}

# ---------------------------------------------------------------------------
# 3. known_servers

@test "known_servers on a character device: accept-new stores nothing, device kept" {
	mknod "$BATS_TEST_TMPDIR/null" c 1 3
	run ss_batch "pwd" --known-servers "$BATS_TEST_TMPDIR/null" --trust accept-new
	assert_success
	assert_output --partial "stores nothing"
	assert [ -c "$BATS_TEST_TMPDIR/null" ]
	assert_equal "$(stat -c %t:%T "$BATS_TEST_TMPDIR/null")" 1:3
}

@test "known_servers as a symlink: accept-new writes the target and keeps the link" {
	: >real_ks
	chmod 600 real_ks
	ln -s real_ks ks
	run ss_batch "pwd" --known-servers "$WORK/ks" --trust accept-new
	assert_success
	assert [ -L ks ]
	assert_equal "$(readlink ks)" real_ks
	assert [ -f real_ks ] && assert [ ! -L real_ks ]
	assert_equal "$(wc -l <real_ks)" 1
	run cat real_ks
	assert_output --regexp "^127\.0\.0\.1 $SS_PORT $(re "$SS_PIN") "
	assert_equal "$(stat -c %a real_ks)" 600
}

@test "a group- or world-writable known_servers is refused (exit 5)" {
	run ss_batch "pwd" --known-servers "$WORK/ks" --trust accept-new
	assert_success
	assert_output --partial "$SS_PIN"
	cp ks ks.orig
	# control: the pinned line works while the file is private
	run ss_batch "pwd" --known-servers "$WORK/ks"
	assert_success
	local mode
	for mode in 0666 0620; do
		chmod "$mode" ks
		run ss_batch "pwd" --known-servers "$WORK/ks"
		assert_failure 5
		assert_output --partial "group- or world-writable"
		cmp ks.orig ks
	done
}

# ---------------------------------------------------------------------------
# 4. ~/.netrc

@test "a ~/.netrc readable by others is refused (exit 6); mode 0600 works" {
	printf 'machine 127.0.0.1 login alice password s3cret\n' >"$HOME/.netrc"
	chmod 0644 "$HOME/.netrc"
	run ftps_batch "pwd" "ftpes://alice@127.0.0.1:$PYFTPD_PORT"
	assert_failure 6
	assert_output --partial "readable by others"
	chmod 0600 "$HOME/.netrc"
	run ftps_batch "pwd" "ftpes://alice@127.0.0.1:$PYFTPD_PORT"
	assert_success
}

# ---------------------------------------------------------------------------
# 5. Long names

@test "get of a 255-byte name needs no longer local name" {
	local name
	name=$(printf 'n%.0s' {1..251}).bin
	assert_equal "${#name}" 255
	random_file "$VS/$name" 30000
	mkdir dl
	cd dl || return 1
	run vs "get $name"
	assert_success
	cmp "$VS/$name" "$name"
	run ls -A
	assert_output "$name"
}

# ---------------------------------------------------------------------------
# 6. A local symlink where a remote directory goes

@test "get -r does not descend through a local symlink where a remote directory goes" {
	mkdir -p "$VS/tree/sub"
	echo file >"$VS/tree/sub/file.txt"
	echo top >"$VS/tree/top.txt"
	mkdir "$BATS_TEST_TMPDIR/outdir" tree
	ln -s "$BATS_TEST_TMPDIR/outdir" tree/sub
	run vs "get -r tree"
	assert_failure 1
	assert_output --partial "symbolic link"
	run ls -A "$BATS_TEST_TMPDIR/outdir"
	assert_output ""
	assert [ -L tree/sub ]
}

# ---------------------------------------------------------------------------
# 7. Bidi controls

@test "ls shows U+202E in a name as \\u202e, never as raw bytes" {
	touch "$VS/$(printf 'abc\xe2\x80\xaeevil.txt')"
	run vs "ls"
	assert_success
	assert_output --partial '\u202e'
	assert_output --partial 'evil.txt'
	run bash -c 'LC_ALL=C grep -c "$(printf "\xe2\x80\xae")" <<<"$1" || true' _ "$output"
	assert_output 0
}

@test "cat to a terminal: ESC, C1 and bidi controls from the file are escaped; lines, tabs and backslashes kept" {
	printf 'one\tx\\y\n\033[31mred\n\302\233csi\nabc\342\200\256evil\n' >"$VS/t.txt"
	printf 'cat t.txt\n' >"$BATS_TEST_TMPDIR/cmds"
	# script(1) gives ftps a terminal as standard output
	run timeout 30 script -qec "$FTPS -b $BATS_TEST_TMPDIR/cmds --cafile $CERTDIR/ca.pem \
		ftpes://127.0.0.1:$VSFTPD_PORT/t$BATS_TEST_NUMBER" /dev/null
	assert_success
	assert_output --partial 'one	x\y'
	assert_output --partial '\e[31mred'
	assert_output --partial '\xc2\x9bcsi'
	assert_output --partial 'abc\u202eevil'
	# no raw ESC, CSI or RLO reached the terminal
	run bash -c 'printf "%s" "$1" | LC_ALL=C grep -c $'"'"'\033\|\302\233\|\342\200\256'"'"'' _ "$output"
	assert_output 0
}
