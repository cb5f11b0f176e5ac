#!/usr/bin/env bats
# Certificate trust: the prompt, known_servers, the changed-key alarm, the
# policies for scripts, trust management and client certificates.

load ../lib/common
load ../lib/tty

setup_file() {
	setup_servers_file
	certs_make_selfsigned "$CERTDIR"
	certs_make_selfsigned2 "$CERTDIR"
	certs_make renewed "$CERTDIR" --self-signed --key "$CERTDIR/selfsigned-key.pem"
	certs_make_expired "$CERTDIR"
	certs_make_wrongname "$CERTDIR"
	certs_make client "$CERTDIR" --client --cn "ftps test client"
	start_pyftpd_cert "$CERTDIR/selfsigned-combined.pem"
	export SS_PORT=$PYFTPD_ALT_PORT
	export SS_PIN
	SS_PIN=$(certs_pin "$CERTDIR/selfsigned.pem")
}
teardown_file() { teardown_servers_file; }

setup() {
	test_setup || return 1
	export FTPS_PASSWORD=s3cret
	KNOWN=$XDG_CONFIG_HOME/known_servers
}
teardown() { tty_stop; }

# ftps on a terminal against the self-signed server, up to the question.
start_prompted() {
	tty_start env HOME="$HOME" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" FTPS_PASSWORD=s3cret \
		"$FTPS" "$@" "ftpes://alice@127.0.0.1:${PORT:-$SS_PORT}"
	tty_wait "Trust this certificate? (yes/no/once/[fingerprint])"
}

plain_batch() {
	printf '%s\n' "$1" | timeout -k 5 "$FTPS_TIMEOUT" "$FTPS" -b - "${@:2}"
}

@test "the prompt shows the certificate; yes stores one 0600 line and connects" {
	start_prompted
	run tty_screen
	assert_output --partial "Server:       127.0.0.1 port $SS_PORT"
	assert_output --partial "  - certificate is self-signed"
	assert_output --partial "Subject:      CN=localhost,O=ftps tests"
	assert_output --partial "Issuer:       (self-signed)"
	assert_output --partial "Names:        DNS:localhost"
	assert_output --partial "IP:127.0.0.1"
	assert_output --partial "Valid until:  2099-12-31 23:59:59 UTC"
	assert_output --partial "Key:          RSA 2048 bits"
	assert_output --partial "Key SHA256:   $SS_PIN"
	assert_output --regexp "Cert SHA256:  [0-9A-F]{64}"
	assert_output --partial "TLS:          TLS1.3"
	tty_type yes
	tty_wait "ftps> "
	tty_type pwd
	tty_wait "Remote working directory: /"
	tty_type quit
	run tty_wait_exit
	assert_output 0
	run cat "$KNOWN"
	assert_output --regexp "^127\.0\.0\.1 $SS_PORT $(re "$SS_PIN") [0-9]{4}-[0-9]{2}-[0-9]{2} # CN=localhost,O=ftps tests$"
	assert_equal "$(stat -c %a "$KNOWN")" 600
	assert_equal "$(stat -c %a "$XDG_CONFIG_HOME")" 700
}

@test "a second connection to a pinned server does not ask, even in batch mode" {
	start_prompted
	tty_type yes
	tty_wait "ftps> "
	tty_type quit
	run tty_wait_exit
	assert_output 0
	run plain_batch "status" "ftpes://alice@127.0.0.1:$SS_PORT"
	assert_success
	assert_output --partial "Trusted:       pinned (known_servers line 1)"
}

@test "once connects and stores nothing" {
	start_prompted
	tty_type once
	tty_wait "ftps> "
	tty_type status
	tty_wait "Trusted:       once"
	tty_type quit
	run tty_wait_exit
	assert_output 0
	assert_file_not_exists "$KNOWN"
}

@test "typing the key's fingerprint trusts and stores it" {
	start_prompted
	tty_type "$SS_PIN"
	tty_wait "ftps> "
	tty_type quit
	run tty_wait_exit
	assert_output 0
	run cat "$KNOWN"
	assert_output --partial "127.0.0.1 $SS_PORT $SS_PIN "
}

@test "no, an empty answer and EOF refuse with exit 5 and store nothing" {
	local answer
	for answer in no "" EOF; do
		start_prompted
		if [[ $answer == EOF ]]; then tty_keys C-d; else tty_type "$answer"; fi
		run tty_wait_exit
		assert_output 5
		run tty_screen
		assert_output --partial "ftps: certificate not trusted; connection refused"
		assert_file_not_exists "$KNOWN"
		tty_stop
	done
}

@test "any other answer asks again" {
	start_prompted
	tty_type maybe
	tty_wait "Please type yes, no, once, or the key's SHA256 fingerprint."
	tty_type no
	run tty_wait_exit
	assert_output 5
}

@test "batch mode with an unknown certificate: exit 5 and the exact trust command" {
	run plain_batch "pwd" "ftpes://alice@127.0.0.1:$SS_PORT"
	assert_failure 5
	assert_output --partial "127.0.0.1:$SS_PORT is not in known_servers and its certificate is not trusted"
	assert_output --partial "    ftps trust add 127.0.0.1:$SS_PORT $SS_PIN"
	refute_output --partial "ftps> pwd"
	assert_file_not_exists "$KNOWN"
	# ... and that command works
	run "$FTPS" trust add "127.0.0.1:$SS_PORT" "$SS_PIN"
	assert_success
	run plain_batch "pwd" "ftpes://alice@127.0.0.1:$SS_PORT"
	assert_success
}

@test "--trust accept-new stores unknown keys; strict refuses even on a terminal" {
	run plain_batch "pwd" --trust accept-new "ftpes://alice@127.0.0.1:$SS_PORT"
	assert_success
	assert_output --partial "127.0.0.1:$SS_PORT ($SS_PIN) added to $KNOWN"
	assert_equal "$(grep -c "$SS_PIN" "$KNOWN")" 1
	rm "$KNOWN"
	tty_start env HOME="$HOME" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" FTPS_PASSWORD=s3cret \
		"$FTPS" --trust strict "ftpes://alice@127.0.0.1:$SS_PORT"
	run tty_wait_exit
	assert_output 5
	run tty_screen
	refute_output --partial "Trust this certificate?"
	assert_file_not_exists "$KNOWN"
}

@test "--trust-fingerprint trusts exactly that key; a mismatch is exit 5" {
	run plain_batch "pwd" --trust-fingerprint "$SS_PIN" "ftpes://alice@127.0.0.1:$SS_PORT"
	assert_success
	assert_file_not_exists "$KNOWN"
	run plain_batch "pwd" --trust-fingerprint "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" \
		"ftpes://alice@127.0.0.1:$SS_PORT"
	assert_failure 5
	assert_output --partial "does not match --trust-fingerprint"
}

@test "a changed key on the same port: warning, exit 5, file unchanged; same key renewed passes" {
	start_pyftpd_cert "$CERTDIR/selfsigned-combined.pem"
	local port=$PYFTPD_ALT_PORT pid=$PYFTPD_ALT_PID
	run "$FTPS" trust add "127.0.0.1:$port" "$SS_PIN"
	assert_success
	cp "$KNOWN" before
	stop_server "$pid"
	start_pyftpd_cert "$CERTDIR/selfsigned2-combined.pem" "$port"
	local new_pin
	new_pin=$(certs_pin "$CERTDIR/selfsigned2.pem")
	run plain_batch "pwd" --trust accept-new "ftpes://alice@127.0.0.1:$port"
	assert_failure 5
	assert_output --partial "@    WARNING: SERVER CERTIFICATE KEY HAS CHANGED!         @"
	assert_output --partial $'The key pinned for 127.0.0.1:'"$port"$' is\n    '"$SS_PIN"
	assert_output --partial $'The server now presents\n    '"$new_pin"
	assert_output --partial "The pinned key is on line 1 of $KNOWN."
	assert_output --partial "    ftps trust remove 127.0.0.1:$port"
	cmp before "$KNOWN"
	# Interactive: the same alarm, and no question.
	tty_start env HOME="$HOME" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" FTPS_PASSWORD=s3cret \
		"$FTPS" "ftpes://alice@127.0.0.1:$port"
	run tty_wait_exit
	assert_output 5
	run tty_screen
	assert_output --partial "SERVER CERTIFICATE KEY HAS CHANGED"
	refute_output --partial "Trust this certificate?"
	cmp before "$KNOWN"
	# A renewed certificate with the pinned key still passes.
	stop_server "$PYFTPD_ALT_PID"
	start_pyftpd_cert "$CERTDIR/renewed-combined.pem" "$port"
	run plain_batch "pwd" "ftpes://alice@127.0.0.1:$port"
	assert_success
	stop_server "$PYFTPD_ALT_PID"
}

@test "a pinned key is enforced even when a CA vouches for a different one" {
	run "$FTPS" trust add "127.0.0.1:$VSFTPD_PORT" "$SS_PIN"
	assert_success
	run ftps_batch "pwd" "127.0.0.1:$VSFTPD_PORT"
	assert_failure 5
	assert_output --partial "SERVER CERTIFICATE KEY HAS CHANGED"
}

@test "expired and wrong-name certificates show those reasons" {
	start_pyftpd_cert "$CERTDIR/expired-combined.pem"
	run ftps_batch "pwd" "ftpes://alice@127.0.0.1:$PYFTPD_ALT_PORT"
	assert_failure 5
	assert_output --partial "  - certificate has expired"
	assert_output --regexp "Valid until:  2020-12-31 23:59:59 UTC  EXPIRED"
	stop_server "$PYFTPD_ALT_PID"
	start_pyftpd_cert "$CERTDIR/wrongname-combined.pem"
	run ftps_batch "pwd" "ftpes://alice@127.0.0.1:$PYFTPD_ALT_PORT"
	assert_failure 5
	assert_output --partial "  - certificate is not valid for the host name"
	assert_output --partial "Names:        DNS:other.example"
	refute_output --partial "certificate has expired"
	stop_server "$PYFTPD_ALT_PID"
}

@test "a CA-verified certificate is accepted without asking or storing" {
	run ftps_batch "status" "127.0.0.1:$VSFTPD_PORT"
	assert_success
	assert_output --partial "Trusted:       CA (verified against the trust store)"
	assert_file_not_exists "$KNOWN"
}

@test "a corrupt known_servers names the file and line and trusts nothing" {
	mkdir -p "$XDG_CONFIG_HOME"
	printf '# ok\n127.0.0.1 %s %s 2026-01-01\nthis is not a valid line\n' "$SS_PORT" "$SS_PIN" >"$KNOWN"
	run plain_batch "pwd" "ftpes://alice@127.0.0.1:$SS_PORT"
	assert_failure 5
	assert_output --partial "$KNOWN:3: invalid port"
	run "$FTPS" trust add "127.0.0.1:1" "$SS_PIN"
	assert_failure 1
	assert_output --partial "$KNOWN:3:"
	assert_equal "$(wc -l <"$KNOWN")" 3
}

@test "--known-servers overrides XDG; HOME/.config is the default" {
	run "$FTPS" --known-servers "$WORK/ks" trust add "h.example:2121" "$SS_PIN"
	assert_success
	assert_file_exists "$WORK/ks"
	assert_file_not_exists "$KNOWN"
	unset XDG_CONFIG_HOME
	run "$FTPS" trust add "h.example" "$SS_PIN"
	assert_success
	run cat "$HOME/.config/known_servers"
	assert_output --regexp "^h\.example 21 $(re "$SS_PIN") [0-9-]{10}$"
}

@test "trust list, add and remove keep comments and other lines verbatim" {
	mkdir -p "$XDG_CONFIG_HOME"
	printf '# my servers\n@future-marker something\nold.example 21 %s 2020-01-01 # CN=old\n' "$SS_PIN" >"$KNOWN"
	run "$FTPS" trust add "[::1]:990" "$SS_PIN"
	assert_success
	assert_output "Added [::1]:990"
	run "$FTPS" trust list
	assert_success
	assert_line --regexp "^old\.example:21 +$(re "$SS_PIN")  2020-01-01  CN=old$"
	assert_line --regexp "^\[::1\]:990 +$(re "$SS_PIN")  [0-9-]{10}$"
	run "$FTPS" trust remove old.example
	assert_success
	assert_output "Removed 1 entry from $KNOWN."
	run cat "$KNOWN"
	assert_line --index 0 "# my servers"
	assert_line --index 1 "@future-marker something"
	assert_line --index 2 --regexp "^::1 990 $(re "$SS_PIN") "
	run "$FTPS" trust remove old.example
	assert_failure 1
	run "$FTPS" trust add "h" "not-a-pin"
	assert_failure 2
	run "$FTPS" trust frob
	assert_failure 2
	# the same commands at the prompt
	run plain_batch $'trust list\ntrust remove ::1\ntrust list'
	assert_success
	assert_output --partial "No known servers in $KNOWN."
}

@test "two concurrent trust add calls keep both lines" {
	local i
	for ((i = 0; i < 20; i++)); do
		"$FTPS" trust add "host$i.example:21" "$SS_PIN" >/dev/null &
	done
	wait
	assert_equal "$(grep -c "$SS_PIN" "$KNOWN")" 20
	for ((i = 0; i < 20; i++)); do grep -q "^host$i.example 21 " "$KNOWN"; done
}

@test "client certificate: required by vsftpd, works with --cert/--key, fails cleanly without" {
	local dir=$SERVERDIR/vsftpd-cc port lo hi conf
	mkdir -p "$dir"
	port=$(free_port)
	read -r lo hi < <(free_port_range 8)
	conf=$(_vsftpd_conf cc "$dir" "$CERTDIR" "$VSFTPD_ROOT" "$port" "$lo" "$hi" \
		listen=YES listen_ipv6=NO listen_address=127.0.0.1 \
		require_cert=YES validate_cert=YES "ca_certs_file=$CERTDIR/ca.pem")
	_vsftpd_launch cc "$dir" "$conf" 127.0.0.1 "$port"
	random_file up 4096
	run ftps_batch $'put up cc-up\nget cc-up back' --cert "$CERTDIR/client.pem" \
		--key "$CERTDIR/client-key.pem" "127.0.0.1:$port"
	assert_success
	cmp up back
	run ftps_batch "pwd" "127.0.0.1:$port"
	assert_failure
	assert_output --partial "the server asked for a client certificate and none was given (--cert)"
	run ftps_batch "pwd" --cert "$WORK/missing.pem" "127.0.0.1:$port"
	assert_failure 2
	assert_output --partial "missing.pem: cannot load client certificate"

	# the same identity as PKCS#12, and as a PEM key encrypted with a
	# passphrase, both unlocked by FTPS_KEY_PASSPHRASE
	certtool --to-p12 --load-certificate "$CERTDIR/client.pem" \
		--load-privkey "$CERTDIR/client-key.pem" --p12-name client \
		--password p12pass --outder --outfile client.p12 2>/dev/null
	FTPS_KEY_PASSPHRASE=p12pass run ftps_batch "get cc-up back12" --cert client.p12 \
		"127.0.0.1:$port"
	assert_success
	cmp up back12
	FTPS_KEY_PASSPHRASE=wrong run ftps_batch "pwd" --cert client.p12 "127.0.0.1:$port"
	assert_failure 2
	assert_output --partial "client.p12: cannot load client certificate"
	certtool --to-p8 --load-privkey "$CERTDIR/client-key.pem" --password pempass \
		--outfile enc-key.pem 2>/dev/null
	grep -q "ENCRYPTED PRIVATE KEY" enc-key.pem
	FTPS_KEY_PASSPHRASE=pempass run ftps_batch "get cc-up backenc" \
		--cert "$CERTDIR/client.pem" --key enc-key.pem "127.0.0.1:$port"
	assert_success
	cmp up backenc
	# on a terminal, without FTPS_KEY_PASSPHRASE, the passphrase is asked
	tty_start env HOME="$HOME" "$FTPS" --cafile "$CERTDIR/ca.pem" \
		--cert "$CERTDIR/client.pem" --key enc-key.pem "127.0.0.1:$port"
	tty_wait "Passphrase for enc-key.pem: "
	tty_type pempass
	tty_wait "ftps> "
	tty_type "get cc-up backtty"
	tty_type quit
	run tty_wait_exit
	assert_output 0
	cmp up backtty
}
