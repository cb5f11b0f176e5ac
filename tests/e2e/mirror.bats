#!/usr/bin/env bats
# mirror: a remote tree into a local one, or (-R) a local tree into a remote
# one, on both servers. Every case checks the trees with diff -r, counts the
# transfers in the protocol trace (ftps -v: "--> RETR", "--> STOR") and reads
# the action lines and the "mirror: " summary. The safety rules (no deletion
# after a failure, --max-delete, empty patterns) are checked by what is still
# on disk afterwards.

load ../lib/common
load ../lib/faultproxy

setup_file() {
	setup_servers_file || return 1
	export SERVER_PIN BIG=$BATS_FILE_TMPDIR/big2m
	SERVER_PIN=$(certs_pin "$CERTDIR/server.pem")
	random_file "$BIG" $((2 * 1024 * 1024))
}
teardown_file() { teardown_servers_file; }

setup() {
	test_setup || return 1
	export FTPS_PASSWORD=s3cret
	VS=$VSFTPD_ROOT/t$BATS_TEST_NUMBER
	PY=$PYFTPD_ROOT/t$BATS_TEST_NUMBER
	mkdir -p "$VS" "$PY"
}
teardown() { stop_faultproxy; }

# vs|py SCRIPT [FTPS OPTIONS...]: a batch on the test's own server directory
vs() { ftps_batch "$1" "${@:2}" "ftpes://127.0.0.1:$VSFTPD_PORT/t$BATS_TEST_NUMBER"; }
py() { ftps_batch "$1" "${@:2}" "ftpes://alice@127.0.0.1:$PYFTPD_PORT/t$BATS_TEST_NUMBER"; }
# both CHECK: CHECK vs $VS, then CHECK py $PY, each in its own local
# directory (plain statements, not an && list: errexit must stay on inside)
both() {
	local fn=$1
	mkdir -p "$WORK/vs" "$WORK/py"
	cd "$WORK/vs" || return 1
	"$fn" vs "$VS"
	cd "$WORK/py" || return 1
	"$fn" py "$PY"
}

# how many times the trace of the last run sent CMD
count() { grep -c -- "--> $1 " <<<"$output" || true; }
# how many lines of the last run's output match ERE
lines_matching() { grep -cE -- "$1" <<<"$output" || true; }
# the files under DIR, relative, sorted
files() { (cd "$1" && find . -type f | sed 's|^\./||' | LC_ALL=C sort); }
# everything about a tree: types, modes, sizes, times, names, contents
snap() {
	(
		cd "$1" || exit 1
		find . -printf '%y %m %s %T@ %p -> %l\n' | LC_ALL=C sort
		find . -type f -exec sha256sum {} + | LC_ALL=C sort
	)
}

CAFE=$'caf\xc3\xa9 menu.txt'

# 3 levels, an empty directory, spaces, UTF-8, dot-files, one 2 MB file: 8 files
make_tree() {
	local r=$1
	mkdir -p "$r/a/b/c" "$r/empty" "$r/with space" "$r/.dir"
	echo top >"$r/top.txt"
	echo menu >"$r/$CAFE"
	echo spaced >"$r/with space/a b.txt"
	echo mid >"$r/a/mid.txt"
	echo deep >"$r/a/b/c/deep.txt"
	echo hidden >"$r/.hidden"
	echo x >"$r/.dir/x"
	cp "$BIG" "$r/big.bin"
}

# the three changes of step 2, on the source tree ROOT
change_tree() {
	local r=$1
	printf 'top, changed and longer\n' >"$r/top.txt"
	rm "$r/a/mid.txt"
	echo added >"$r/a/b/added.txt"
}

summary_re() { echo "^mirror: $1 new, $2 updated, $3 removed, $4 unchanged, .*, 0 failed\$"; }

check_mirror_get() {
	local srv=$1 root=$2
	make_tree "$root/src"
	run "$srv" "mirror --verbose src" -v
	assert_success
	diff -r "$root/src" src
	assert [ -d src/empty ]
	assert_equal "$(count RETR)" 8
	assert_line --regexp "$(summary_re 8 0 0 0)"
	assert_line "new $CAFE"
	assert_line "new with space/a b.txt"
	assert_line "new a/b/c/deep.txt"
	assert_line "new .dir/x"
	assert_line "new .hidden"
	assert_line "mkdir empty"
	# right after: nothing to do
	run "$srv" "mirror src" -v
	assert_success
	assert_equal "$(count RETR)" 0
	assert_line --regexp "$(summary_re 0 0 0 8)"
	diff -r "$root/src" src
	# one changed, one deleted, one added on the server
	change_tree "$root/src"
	run "$srv" "mirror -e src" -v
	assert_success
	assert_equal "$(count RETR)" 2
	assert_equal "$(lines_matching '--> RETR .*top\.txt$')" 1
	assert_equal "$(lines_matching '--> RETR .*added\.txt$')" 1
	assert_equal "$(lines_matching '^removed ')" 1
	assert_line "removed a/mid.txt"
	# without --verbose only removals are listed
	refute_line --regexp '^(new|updated|mkdir) '
	assert_line --regexp "$(summary_re 1 1 1 6)"
	diff -r "$root/src" src
}

@test "mirror: a tree with empty dirs, spaces, UTF-8, dot-files and 2 MB; again: nothing sent; then a sync with -e (both servers)" {
	both check_mirror_get
}

check_mirror_put() {
	local srv=$1 root=$2
	make_tree up
	run "$srv" "mirror -R --verbose up dst" -v
	assert_success
	diff -r up "$root/dst"
	assert [ -d "$root/dst/empty" ]
	assert_equal "$(count STOR)" 8
	assert_line --regexp "$(summary_re 8 0 0 0)"
	assert_line "new $CAFE"
	assert_line "new .dir/x"
	assert_line "mkdir empty"
	# right after: nothing to do (on vsftpd the server's times are the upload
	# times, newer than ours, and cannot be set)
	run "$srv" "mirror -R up dst" -v
	assert_success
	assert_equal "$(count STOR)" 0
	assert_equal "$(count APPE)" 0
	assert_line --regexp "$(summary_re 0 0 0 8)"
	# one changed, one deleted, one added here
	change_tree up
	run "$srv" "mirror --reverse -e up dst" -v
	assert_success
	assert_equal "$(count STOR)" 2
	assert_equal "$(lines_matching '--> STOR .*top\.txt$')" 1
	assert_equal "$(lines_matching '--> STOR .*added\.txt$')" 1
	assert_equal "$(lines_matching '^removed ')" 1
	assert_line "removed a/mid.txt"
	refute_line --regexp '^(new|updated|mkdir) '
	assert_line --regexp "$(summary_re 1 1 1 6)"
	diff -r up "$root/dst"
	# and again nothing
	run "$srv" "mirror -R -e up dst" -v
	assert_success
	assert_equal "$(count STOR)" 0
	assert_line --regexp "$(summary_re 0 0 0 8)"
}

@test "mirror -R: the same three steps upwards; the second run sends no STOR, even on vsftpd without MFMT (both servers)" {
	both check_mirror_put
}

@test "default targets: SOURCE's base name in the local directory, or with -R in the remote one" {
	mkdir -p "$VS/deep/tree/leaf" loc/up/sub
	echo x >"$VS/deep/tree/leaf/f"
	run vs "mirror deep/tree"
	assert_success
	diff -r "$VS/deep/tree" tree
	echo y >loc/up/sub/g
	run vs "mirror -R loc/up"
	assert_success
	diff -r loc/up "$VS/up"
}

@test "--dry-run lists what it would do and changes nothing, down and up (-R)" {
	local s=$VS/src
	mkdir -p "$s/sub"
	echo one >"$s/one.txt"
	echo two >"$s/sub/two.txt"
	run vs "mirror src"
	assert_success
	echo 'one, but longer' >"$s/one.txt"
	echo new >"$s/sub/new.txt"
	mkdir "$s/newdir"
	echo extra >src/extra.txt
	local before
	before=$(snap src)
	run vs "mirror -e --dry-run src" -v
	assert_equal "$(count RETR)" 0
	assert_line "updated one.txt"
	assert_line "new sub/new.txt"
	assert_line "mkdir newdir"
	assert_line "removed extra.txt"
	assert_line "mirror: dry run: nothing changed"
	assert_line --regexp '^mirror: [0-9]+ new, [0-9]+ updated, [0-9]+ removed, [0-9]+ unchanged, '
	assert_equal "$(snap src)" "$before"
	# a target that does not exist is not created
	run vs "mirror --dry-run src fresh" -v
	assert_equal "$(count RETR)" 0
	assert_line "new one.txt"
	assert_line "new sub/two.txt"
	assert_line "mirror: dry run: nothing changed"
	assert [ ! -e fresh ]
	# upwards: the server's tree is untouched
	mkdir -p up/d "$VS/dst"
	echo u >up/d/u.txt
	echo old >"$VS/dst/old.txt"
	before=$(snap "$VS/dst")
	run vs "mirror -R -e --dry-run up dst" -v
	assert_equal "$(count STOR)" 0
	assert_equal "$(count DELE)" 0
	assert_equal "$(count MKD)" 0
	assert_line "new d/u.txt"
	assert_line "mkdir d"
	assert_line "removed old.txt"
	assert_line "mirror: dry run: nothing changed"
	assert_equal "$(snap "$VS/dst")" "$before"
}

@test "--exclude/-x and --include/-i keep names out or in (relative path and base name); --no-dotfiles; an empty pattern is refused" {
	local s=$VS/src
	mkdir -p "$s/sub/tmp" "$s/tmp" "$s/.d"
	echo a >"$s/a.txt"
	echo b >"$s/b.log"
	echo c >"$s/c.txt"
	echo k >"$s/keep.dat"
	echo c >"$s/sub/c.txt"
	echo d >"$s/sub/d.log"
	echo e >"$s/tmp/e.txt"
	echo f >"$s/sub/tmp/f.txt"
	echo h >"$s/.h.txt"
	echo x >"$s/.d/x.txt"
	run vs "mirror --exclude '*.log' -x tmp src out1" -v
	assert_success
	assert_equal "$(files out1)" $'.d/x.txt\n.h.txt\na.txt\nc.txt\nkeep.dat\nsub/c.txt'
	assert [ ! -e out1/tmp ]
	assert [ ! -e out1/sub/tmp ]
	refute_line --regexp -- '--> RETR .*(\.log|e\.txt|f\.txt)$'
	run vs "mirror --include '*.txt' src out2"
	assert_success
	assert_equal "$(files out2)" $'.d/x.txt\n.h.txt\na.txt\nc.txt\nsub/c.txt\nsub/tmp/f.txt\ntmp/e.txt'
	# a pattern with a slash is matched against the relative path
	run vs "mirror -x sub/c.txt src out3"
	assert_success
	assert_equal "$(files out3)" $'.d/x.txt\n.h.txt\na.txt\nb.log\nc.txt\nkeep.dat\nsub/d.log\nsub/tmp/f.txt\ntmp/e.txt'
	run vs "mirror -i '*.log' -i keep.dat src out4"
	assert_success
	assert_equal "$(files out4)" $'b.log\nkeep.dat\nsub/d.log'
	run vs "mirror --no-dotfiles src out5"
	assert_success
	assert_equal "$(files out5)" $'a.txt\nb.log\nc.txt\nkeep.dat\nsub/c.txt\nsub/d.log\nsub/tmp/f.txt\ntmp/e.txt'
	# empty patterns: refused before anything is done (with -e and a file
	# the source lacks)
	echo mine >out1/extra
	local before
	before=$(snap out1)
	run vs "mirror -e --exclude '' src out1" -v
	assert_failure
	assert_output --partial "mirror: --exclude needs a pattern"
	assert_equal "$(count RETR)" 0
	assert_equal "$(snap out1)" "$before"
	run vs "mirror -e --include '' src out1" -v
	assert_failure
	assert_output --partial "mirror: --include needs a pattern"
	assert_equal "$(count RETR)" 0
	assert_equal "$(snap out1)" "$before"
	run vs "mirror --exclude '' src out6"
	assert_failure
	assert [ ! -e out6 ]
}

@test "a connection lost mid-run (retries run out): nothing deleted, the extra local file stays, exit 3" {
	local s=$VS/src
	mkdir -p "$s/sub" src
	echo small >"$s/a.txt"
	random_file "$s/sub/big.bin" $((300 * 1024))
	echo z >"$s/z.txt"
	echo mine >src/extra.txt
	start_faultproxy "$VSFTPD_PORT" "$VSFTPD_PASV_LO" "$VSFTPD_PASV_HI" \
		--cut data:down:50000 --cut-session --refuse-after-cut forever
	run ftps_batch $'set retry-delay 0\nmirror -e src' --trust-fingerprint "$SERVER_PIN" \
		"ftpes://$FAULTPROXY_HOST:$FAULTPROXY_PORT/t$BATS_TEST_NUMBER"
	assert_failure 3
	assert_output --partial "mirror: not deleting anything: the run had failures"
	refute_line --regexp '^removed '
	assert_equal "$(cat src/extra.txt)" mine
	assert [ ! -e src/sub/big.bin ]
	assert_line --regexp '^mirror: .*, [1-9][0-9]* failed$'
	assert_equal "$(grep -c '^CUT data' "$FAULTPROXY_EVENTS")" 1
}

@test "--max-delete: more removals than allowed are refused (all kept, exit 1); within the limit they happen; the default is 100" {
	mkdir -p "$VS/src"
	echo keep >"$VS/src/keep.txt"
	run vs "mirror src"
	assert_success
	local i
	for i in 1 2 3 4 5; do echo "$i" >"src/extra$i"; done
	run vs "mirror -e --max-delete 3 src"
	assert_failure 1
	assert_output --partial "mirror: not deleting: 5 files would be removed, more than --max-delete 3"
	refute_line --regexp '^removed '
	for i in 1 2 3 4 5; do assert [ -f "src/extra$i" ]; done
	run vs "mirror -e --max-delete 5 src"
	assert_success
	assert_equal "$(lines_matching '^removed extra[1-5]$')" 5
	assert_equal "$(files src)" keep.txt
	for ((i = 0; i < 101; i++)); do : >"src/x$i"; done
	run vs "mirror -e src"
	assert_failure 1
	assert_output --partial "mirror: not deleting: 101 files would be removed, more than --max-delete 100"
	assert_equal "$(find src -type f | wc -l)" 102
}

make_40() {
	local r=$1 i j
	for ((i = 0; i < 4; i++)); do
		mkdir -p "$r/d$i"
		for ((j = 0; j < 10; j++)); do random_file "$r/d$i/f$j" $((1000 + 97 * (i * 10 + j))); done
	done
}

@test "-P 4 / --parallel 4 on 40 small files: diff -r clean, each file sent once (vsftpd down, pyftpdlib up)" {
	make_40 "$VS/src"
	run vs "mirror -P 4 src" -v
	assert_success
	diff -r "$VS/src" src
	assert_equal "$(count RETR)" 40
	assert_line --regexp "$(summary_re 40 0 0 0)"
	# in parallel means on more than one control connection
	(($(count USER) > 1))
	make_40 up
	run py "mirror -R --parallel 4 up dst" -v
	assert_success
	diff -r up "$PY/dst"
	assert_equal "$(count STOR)" 40
	assert_line --regexp "$(summary_re 40 0 0 0)"
	(($(count USER) > 1))
}

@test "a server-side symbolic link is reported and skipped, not created here (vsftpd)" {
	local s=$VS/src
	mkdir -p "$s/dir"
	echo t >"$s/target.txt"
	echo in >"$s/dir/in.txt"
	ln -s target.txt "$s/link.txt"
	ln -s dir "$s/dirlink"
	run vs "mirror src" -v
	assert_line --regexp 'link\.txt.*symbolic link|symbolic link.*link\.txt'
	assert_line --regexp 'dirlink.*symbolic link|symbolic link.*dirlink'
	assert [ ! -e src/link.txt ]
	assert [ ! -L src/link.txt ]
	assert [ ! -e src/dirlink ]
	assert [ ! -L src/dirlink ]
	cmp "$s/target.txt" src/target.txt
	cmp "$s/dir/in.txt" src/dir/in.txt
	assert_equal "$(count RETR)" 2
}

@test "--only-missing fetches only what the target lacks; -n fetches only what is newer on the server" {
	local s=$VS/src
	mkdir -p "$s" src
	echo 'server a' >"$s/a.txt"
	echo 'server b' >"$s/b.txt"
	echo 'local a, another size' >src/a.txt
	run vs "mirror --only-missing src" -v
	assert_equal "$(count RETR)" 1
	assert_equal "$(cat src/a.txt)" 'local a, another size'
	cmp "$s/b.txt" src/b.txt
	# -n: a.txt here is newer than the server's, b.txt older
	echo 'server b, changed' >"$s/b.txt"
	touch -d '2020-01-01 00:00' "$s/a.txt" src/b.txt
	touch -d '2022-01-01 00:00' "$s/b.txt" src/a.txt
	run vs "mirror -n src" -v
	assert_equal "$(count RETR)" 1
	assert_equal "$(lines_matching '--> RETR .*b\.txt$')" 1
	assert_equal "$(cat src/a.txt)" 'local a, another size'
	cmp "$s/b.txt" src/b.txt
}

# --- found by probing: each of these lost or misplaced files before ---------

@test "a default target that would be . or .. is refused; nothing is removed" {
	mkdir -p "$VS/src/sub" keep/child
	echo s >"$VS/src/sub/f"
	echo precious >keep/important
	cd keep/child
	for src in 'src/sub/../' 'src/./' './' 'src/sub/..'; do
		run vs "mirror -e $src"
		assert_failure 1
		assert_output --partial "give a TARGET"
	done
	assert_equal "$(cat ../important)" precious
	assert [ -d . ]
}

@test "a source that is a file, not a directory: refused, the target is not emptied" {
	echo notadir >"$VS/plain"
	mkdir backup
	echo 1 >backup/f1
	run vs "mirror -e plain backup"
	assert_failure
	assert_output --partial "mirror: plain: not a directory"
	assert_equal "$(cat backup/f1)" 1
}

@test "an unsafe server name is skipped, fails the run, and its local namesake is not removed" {
	mkdir -p "$VS/src" src
	printf 'x\n' >"$VS/src/tab"$'\t'"x"
	echo y >"$VS/src/ok"
	printf 'mine\n' >src/tab$'\t'x
	run vs "mirror -e src"
	assert_failure 1
	assert_output --partial "skipping an unsafe name"
	assert_output --partial "not deleting anything"
	assert [ -e src/tab$'\t'x ]
	cmp "$VS/src/ok" src/ok
}

@test "a symbolic link in the target where the source has a directory is left alone, never followed" {
	mkdir -p "$VS/src/sub" tgt outside
	echo a >"$VS/src/sub/a"
	echo keep >outside/keep
	ln -s "$PWD/outside" tgt/sub
	run vs "mirror -e src tgt"
	assert_failure 1
	assert_output --partial "mirror: sub: the target has a symbolic link or special file where the source has a directory; left alone"
	run ls outside
	assert_output keep
	assert [ -L tgt/sub ]
}

@test "-c never takes a stale same-size target for complete: mirror -c and mirror -R -c replace it" {
	mkdir -p "$VS/dn" up "$VS/upt"
	echo NEWDATA1 >"$VS/dn/f"
	mkdir dt
	echo OLDOLD12 >dt/f
	touch -d 2020-01-01 dt/f
	run vs "mirror -c dn dt"
	assert_success
	cmp "$VS/dn/f" dt/f
	echo NEWDATA1 >up/g
	echo oldold12 >"$VS/upt/g"
	touch -d 2020-01-01 "$VS/upt/g"
	run vs "mirror -R -c up upt"
	assert_success
	cmp up/g "$VS/upt/g"
}

@test "a .part left by an interrupted run is ours: mirror -e keeps it for -c and exits 0" {
	mkdir -p "$VS/src" src
	random_file "$VS/src/big" 100000
	head -c 40000 "$VS/src/big" >src/big.part
	run vs "mirror -e -c src"
	assert_success
	cmp "$VS/src/big" src/big
	refute_output --partial "removed big.part"
}

@test "pyftpdlib: a refused RETR after the data connection opened does not put the replies out of step" {
	echo good >"$PY/good"
	run py "-get nosuch
get good"
	assert_success
	cmp "$PY/good" good
}
