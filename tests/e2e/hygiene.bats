#!/usr/bin/env bats
# Process hygiene: secrets stay out of children, the process list, core
# files, traces and messages; files ftps writes are private.

load ../lib/common
load ../lib/tty

setup_file() { setup_servers_file; }
teardown_file() { teardown_servers_file; }

setup() {
	test_setup || return 1
}
teardown() { tty_stop; }

@test "FTPS_PASSWORD and FTPS_KEY_PASSPHRASE are not inherited by !commands" {
	FTPS_PASSWORD=zz-pass-zz FTPS_KEY_PASSPHRASE=zz-key-zz run ftps_batch '!env >child-env'
	assert_success
	assert_file_exists child-env
	grep -q "^HOME=" child-env
	run grep -e zz-pass-zz -e zz-key-zz -e FTPS_PASSWORD -e FTPS_KEY_PASSPHRASE child-env
	assert_output ""
}

@test "a password in a URL on the command line is hidden from ps; no core files" {
	tty_start env HOME="$HOME" "$FTPS" --cafile "$CERTDIR/ca.pem" \
		"ftpes://alice:s3cret@127.0.0.1:$PYFTPD_PORT"
	tty_wait "ftps> "
	local pid
	pid=$(pgrep -n -f "ftpes://alice:")
	[[ -n $pid ]]
	run tr '\0' ' ' <"/proc/$pid/cmdline"
	refute_output --partial s3cret
	assert_output --partial "ftpes://alice:xxxxxx@127.0.0.1"
	run grep "Max core file size" "/proc/$pid/limits"
	assert_output --regexp 'Max core file size +0 +0'
	tty_type quit
}

@test "the password never shows in -v traces or error messages" {
	FTPS_PASSWORD=wr0ngpass run ftps_batch "pwd" -v "ftpes://alice@127.0.0.1:$PYFTPD_PORT"
	assert_failure 6
	assert_output --partial "--> PASS ****"
	refute_output --partial wr0ngpass
	run ftps_batch $'user alice s3cret\npwd' -v "ftpes://127.0.0.1:$PYFTPD_PORT"
	assert_success
	assert_line "ftps> user alice"
	refute_output --partial s3cret
}

@test "known_servers, history and .part files are not readable by others" {
	random_file "$VSFTPD_ROOT/h-big" $((8 * 1024 * 1024))
	run bash -c "umask 022; ulimit -f 1024; exec timeout 60 '$FTPS' -b - --cafile '$CERTDIR/ca.pem' \
		ftpes://127.0.0.1:$VSFTPD_PORT <<<'get h-big'"
	assert_equal "$(stat -c %a h-big.part)" 600
	run bash -c "umask 022; '$FTPS' trust add h.example SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	assert_success
	assert_equal "$(stat -c %a "$XDG_CONFIG_HOME/known_servers")" 600
	# a finished download gets the usual mode from the umask
	run bash -c "umask 022; timeout 60 '$FTPS' -b - --cafile '$CERTDIR/ca.pem' \
		ftpes://127.0.0.1:$VSFTPD_PORT <<<'reget h-big'"
	assert_success
	assert_equal "$(stat -c %a h-big)" 644
}

@test "--version names the GnuTLS and readline libraries in use" {
	run "$FTPS" --version
	assert_success
	assert_line --index 0 --regexp '^ftps [0-9]+\.[0-9]+\.[0-9]+$'
	local gnutls rl
	gnutls=$(gnutls-cli --version | sed -n '1s/^gnutls-cli \([0-9.]*\).*/\1/p')
	rl=$(awk '$2 == "RL_VERSION_MAJOR" { ma = $3 } $2 == "RL_VERSION_MINOR" { mi = $3 }
		END { print ma "." mi }' /usr/include/readline/readline.h)
	[[ -n $gnutls && $rl == [0-9]*.[0-9]* ]]
	assert_line --index 1 "GnuTLS $gnutls, readline $rl"
	assert_equal "${#lines[@]}" 2
}

@test "man page: what is meant to be copied never breaks at a line end; mandoc reads the date" {
	local page=$BATS_TEST_DIRNAME/../../man/ftps.1 w
	for w in 50 60 72; do
		run env MANWIDTH=$w man -l "$page"
		assert_success
		assert_line --partial "SHA256:4p89wOQEVhRDFdSqqEjuU7EvKyKxceG1hDJSrCxDW6I"
		assert_line --partial "\$XDG_CONFIG_HOME/known_servers"
		assert_line --partial "accept-new"
		# no option, variable, fingerprint or path cut by a hyphenation
		refute_output --regexp '(--[a-z-]*|\$XDG_[A-Z_]*|SHA256:[^ ]*|accept|[a-z]+/[^ ]*)‐'$'\n'
	done
	run head -n1 "$page"
	assert_output --regexp '^\.TH FTPS 1 [0-9]{4}-[0-9]{2}-[0-9]{2} '
	if command -v mandoc >/dev/null; then
		run mandoc -Tlint "$page"
		refute_output --partial "date"
	fi
}

@test "meson installs the completions where each shell reads them; *_completions_dir options move them" {
	local src=$BATS_TEST_DIRNAME/../.. b=$BATS_TEST_TMPDIR/b
	installed() {
		meson introspect --installed "$1" |
			"$SERVER_PYTHON" -c 'import json, sys; print(*json.load(sys.stdin).values(), sep="\n")'
	}
	meson setup --prefix=/usr "$b" "$src" >/dev/null
	run installed "$b"
	assert_line /usr/bin/ftps
	assert_line /usr/share/man/man1/ftps.1
	assert_line /usr/share/bash-completion/completions/ftps
	assert_line /usr/share/zsh/vendor-completions/_ftps
	assert_line /usr/share/fish/vendor_completions.d/ftps.fish
	meson setup --prefix=/usr -Dbash_completions_dir=/opt/bash -Dzsh_completions_dir=share/z \
		-Dfish_completions_dir=/opt/fish "$b-2" "$src" >/dev/null
	run installed "$b-2"
	assert_line /opt/bash/ftps
	assert_line /usr/share/z/_ftps
	assert_line /opt/fish/ftps.fish
	refute_output --partial vendor
}
