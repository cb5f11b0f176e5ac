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
