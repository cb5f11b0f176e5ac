#!/usr/bin/env bats
# Validates the end-to-end harness itself (tests/lib: certificates, vsftpd,
# pyftpdlib) with real FTPS clients used only as test peers: curl (OpenSSL)
# and lftp (GnuTLS).  Every client call is bounded by `timeout`.
#
# curl 7.88 quirk: it closes an upload's data connection without reading the
# TLS 1.3 session ticket that both servers send there, so the kernel sends RST
# and the server loses the tail of the file: vsftpd answers 426, pyftpdlib
# answers 226 with a truncated file (the "upload truncation trap" that ftps
# must avoid).  Every curl upload here therefore uses --tls-max 1.2.

load ../lib/common

setup_file() {
	setup_servers_file
}

teardown_file() {
	teardown_servers_file
}

setup() {
	PAYLOAD=$BATS_TEST_TMPDIR/payload.bin
	random_file "$PAYLOAD" 1048576
}

# curl_ftps ARGS...: curl verifying against the test CA, bounded
curl_ftps() {
	timeout -k 5 60 curl -sS --max-time 50 --cacert "$CERTDIR/ca.pem" "$@"
}

# lftp_vsftpd COMMANDS: lftp (GnuTLS) against the explicit vsftpd, bounded
lftp_vsftpd() {
	timeout -k 5 60 lftp -c "
		set cmd:fail-exit yes
		set net:max-retries 1
		set net:timeout 20
		set ssl:ca-file $CERTDIR/ca.pem
		set ftp:ssl-force yes
		set ftp:ssl-allow-anonymous yes
		set ftp:ssl-protect-data yes
		set ftp:ssl-protect-list yes
		set xfer:clobber yes
		open ftp://127.0.0.1:$VSFTPD_PORT
		$1"
}

# tls_version HOST PORT explicit|implicit [PRIORITY]: prints e.g. "TLS1.3"
tls_version() {
	local host=$1 port=$2 mode=$3 prio=${4:-NORMAL} starttls=()
	[[ $mode == explicit ]] && starttls=(--starttls-proto=ftp)
	echo QUIT | timeout -k 5 20 gnutls-cli --x509cafile "$CERTDIR/ca.pem" \
		--priority "$prio" "${starttls[@]}" -p "$port" "$host" 2>&1 |
		sed -n 's/^- Description: (\(TLS1\.[0-9]\)-.*/\1/p'
}

# ---------------------------------------------------------------- certificates

@test "certs: CA, server key/cert and combined PEM exist" {
	local f
	for f in ca.pem ca-key.pem server.pem server-key.pem server-combined.pem; do
		assert_file_exist "$CERTDIR/$f"
		assert_file_not_empty "$CERTDIR/$f"
	done
	run grep -c -- '-----BEGIN' "$CERTDIR/server-combined.pem"
	assert_success
	assert_output 2
}

@test "certs: server certificate has the expected SANs and chains to the CA" {
	run certtool -i --infile "$CERTDIR/server.pem"
	assert_success
	assert_output --partial 'DNSname: localhost'
	assert_output --partial 'IPAddress: 127.0.0.1'
	assert_output --partial 'IPAddress: ::1'
	assert_output --partial 'Subject: CN=localhost'
	assert_output --partial 'Issuer: CN=ftps test CA'
	assert_output --partial 'Subject Public Key Algorithm: RSA'
	run certtool --verify --load-ca-certificate "$CERTDIR/ca.pem" --infile "$CERTDIR/server.pem"
	assert_success
	assert_output --partial 'Chain verification output: Verified.'
}

@test "certs: self-signed, other-key, expired and wrong-name variants" {
	certs_make_selfsigned "$CERTDIR"
	certs_make_selfsigned2 "$CERTDIR"
	certs_make_otherkey "$CERTDIR"
	certs_make_expired "$CERTDIR"
	certs_make_wrongname "$CERTDIR"

	run certtool -i --infile "$CERTDIR/selfsigned.pem"
	assert_success
	assert_output --partial 'Issuer: CN=localhost'
	assert_output --partial 'IPAddress: 127.0.0.1'
	# a self-signed leaf does not chain to the test CA
	run certtool --verify --load-ca-certificate "$CERTDIR/ca.pem" --infile "$CERTDIR/selfsigned.pem"
	assert_failure

	# same name, different key: different fingerprint and public key
	local fp_server fp_other fp_ss fp_ss2
	fp_server=$(certs_fingerprint "$CERTDIR/server.pem")
	fp_other=$(certs_fingerprint "$CERTDIR/otherkey.pem")
	fp_ss=$(certs_fingerprint "$CERTDIR/selfsigned.pem")
	fp_ss2=$(certs_fingerprint "$CERTDIR/selfsigned2.pem")
	assert_regex "$fp_server" '^[0-9a-f]{64}$'
	[ "$fp_server" != "$fp_other" ]
	[ "$fp_ss" != "$fp_ss2" ]
	run diff <(certtool --pubkey-info --infile "$CERTDIR/server.pem" 2>/dev/null) \
		<(certtool --pubkey-info --infile "$CERTDIR/otherkey.pem" 2>/dev/null)
	assert_failure
	run certtool -i --infile "$CERTDIR/otherkey.pem"
	assert_output --partial 'Subject: CN=localhost'
	run certtool --verify --load-ca-certificate "$CERTDIR/ca.pem" --infile "$CERTDIR/otherkey.pem"
	assert_success

	run certtool --verify --load-ca-certificate "$CERTDIR/ca.pem" --infile "$CERTDIR/expired.pem"
	assert_failure
	assert_output --partial 'expired'

	run certtool -i --infile "$CERTDIR/wrongname.pem"
	assert_output --partial 'DNSname: other.example'
	refute_output --partial 'DNSname: localhost'
	refute_output --partial 'IPAddress'
}

# ---------------------------------------------------------------- ports

@test "free_port and free_port_range give bindable loopback ports" {
	run free_port
	assert_success
	assert_regex "$output" '^[0-9]+$'
	local lo hi
	read -r lo hi < <(free_port_range 8)
	[ $((hi - lo)) -eq 7 ]
	/usr/bin/python3 -c '
import socket, sys
for p in range(int(sys.argv[1]), int(sys.argv[2]) + 1):
    socket.socket().bind(("127.0.0.1", p))' "$lo" "$hi"
}

# ---------------------------------------------------------------- vsftpd

@test "vsftpd explicit: curl uploads 1 MiB and downloads it back (AUTH TLS)" {
	run curl_ftps --ssl-reqd --tls-max 1.2 -T "$PAYLOAD" "ftp://127.0.0.1:$VSFTPD_PORT/up-explicit.bin"
	assert_success
	cmp "$PAYLOAD" "$VSFTPD_ROOT/up-explicit.bin"
	run curl_ftps --ssl-reqd -o "$BATS_TEST_TMPDIR/back.bin" "ftp://127.0.0.1:$VSFTPD_PORT/up-explicit.bin"
	assert_success
	cmp "$PAYLOAD" "$BATS_TEST_TMPDIR/back.bin"
}

@test "vsftpd explicit: a file put into VSFTPD_ROOT is listed and served" {
	cp "$PAYLOAD" "$VSFTPD_ROOT/fixture.bin"
	run curl_ftps --ssl-reqd "ftp://127.0.0.1:$VSFTPD_PORT/"
	assert_success
	assert_output --partial 'fixture.bin'
	run curl_ftps --ssl-reqd -o "$BATS_TEST_TMPDIR/back.bin" "ftp://127.0.0.1:$VSFTPD_PORT/fixture.bin"
	assert_success
	cmp "$PAYLOAD" "$BATS_TEST_TMPDIR/back.bin"
}

@test "vsftpd refuses anonymous login without TLS" {
	run curl_ftps "ftp://127.0.0.1:$VSFTPD_PORT/"
	assert_failure 67
	assert_output --partial '530'
}

@test "vsftpd refuses a data connection that does not resume the TLS session" {
	run curl_ftps --ssl-reqd --no-sessionid "ftp://127.0.0.1:$VSFTPD_PORT/"
	assert_failure
	run grep -h '522 SSL connection failed: session reuse required' "$VSFTPD_LOGDIR/explicit.log"
	assert_success
}

@test "vsftpd rejects a client that does not trust the server certificate" {
	certs_make_selfsigned "$CERTDIR"
	run timeout -k 5 60 curl -sS --max-time 50 --cacert "$CERTDIR/selfsigned.pem" --ssl-reqd \
		"ftp://127.0.0.1:$VSFTPD_PORT/"
	assert_failure 60
}

@test "vsftpd implicit: curl ftps:// uploads and downloads 1 MiB" {
	run curl_ftps --tls-max 1.2 -T "$PAYLOAD" "ftps://127.0.0.1:$VSFTPD_IMPLICIT_PORT/up-implicit.bin"
	assert_success
	cmp "$PAYLOAD" "$VSFTPD_ROOT/up-implicit.bin"
	run curl_ftps -o "$BATS_TEST_TMPDIR/back.bin" "ftps://127.0.0.1:$VSFTPD_IMPLICIT_PORT/up-implicit.bin"
	assert_success
	cmp "$PAYLOAD" "$BATS_TEST_TMPDIR/back.bin"
}

@test "vsftpd over IPv6 (::1) downloads and uploads" {
	[ -n "$VSFTPD_IPV6_PORT" ] || skip "no ::1 on this host"
	cp "$PAYLOAD" "$VSFTPD_ROOT/v6.bin"
	run curl_ftps --ssl-reqd -o "$BATS_TEST_TMPDIR/back.bin" "ftp://[::1]:$VSFTPD_IPV6_PORT/v6.bin"
	assert_success
	cmp "$PAYLOAD" "$BATS_TEST_TMPDIR/back.bin"
	run curl_ftps --ssl-reqd --tls-max 1.2 -T "$PAYLOAD" "ftp://[::1]:$VSFTPD_IPV6_PORT/v6-up.bin"
	assert_success
	cmp "$PAYLOAD" "$VSFTPD_ROOT/v6-up.bin"
}

@test "vsftpd anonymous write access with lftp: put, mkdir, rename, delete, rmdir" {
	run lftp_vsftpd "put $PAYLOAD -o lftp.bin; mkdir dir1; mv lftp.bin dir1/renamed.bin; ls dir1"
	assert_success
	assert_output --partial 'renamed.bin'
	cmp "$PAYLOAD" "$VSFTPD_ROOT/dir1/renamed.bin"
	run lftp_vsftpd "get dir1/renamed.bin -o $BATS_TEST_TMPDIR/lget.bin"
	assert_success
	cmp "$PAYLOAD" "$BATS_TEST_TMPDIR/lget.bin"
	run lftp_vsftpd "rm dir1/renamed.bin; rmdir dir1"
	assert_success
	assert_not_exist "$VSFTPD_ROOT/dir1"
}

@test "vsftpd negotiates TLS 1.3 by default and TLS 1.2 when asked, not TLS 1.1" {
	run tls_version 127.0.0.1 "$VSFTPD_PORT" explicit
	assert_output TLS1.3
	run tls_version 127.0.0.1 "$VSFTPD_PORT" explicit NORMAL:-VERS-TLS1.3
	assert_output TLS1.2
	run tls_version 127.0.0.1 "$VSFTPD_PORT" explicit NORMAL:-VERS-ALL:+VERS-TLS1.1
	assert_output ''
	run tls_version 127.0.0.1 "$VSFTPD_IMPLICIT_PORT" implicit
	assert_output TLS1.3
}

# ---------------------------------------------------------------- pyftpdlib

@test "pyftpdlib explicit: curl as alice uploads 1 MiB and downloads it back" {
	run curl_ftps --ssl-reqd --tls-max 1.2 -T "$PAYLOAD" \
		"ftp://$PYFTPD_USER:$PYFTPD_PASS@127.0.0.1:$PYFTPD_PORT/up-alice.bin"
	assert_success
	cmp "$PAYLOAD" "$PYFTPD_ROOT/up-alice.bin"
	run curl_ftps --ssl-reqd -o "$BATS_TEST_TMPDIR/back.bin" \
		"ftp://$PYFTPD_USER:$PYFTPD_PASS@127.0.0.1:$PYFTPD_PORT/up-alice.bin"
	assert_success
	cmp "$PAYLOAD" "$BATS_TEST_TMPDIR/back.bin"
}

@test "pyftpdlib refuses a wrong password and a login without TLS" {
	run curl_ftps --ssl-reqd "ftp://alice:wrong@127.0.0.1:$PYFTPD_PORT/"
	assert_failure 67
	run curl_ftps "ftp://alice:s3cret@127.0.0.1:$PYFTPD_PORT/"
	assert_failure
	assert_output --partial '550'
}

@test "pyftpdlib anonymous is read-only" {
	cp "$PAYLOAD" "$PYFTPD_ROOT/anon.bin"
	run curl_ftps --ssl-reqd -o "$BATS_TEST_TMPDIR/back.bin" "ftp://127.0.0.1:$PYFTPD_PORT/anon.bin"
	assert_success
	cmp "$PAYLOAD" "$BATS_TEST_TMPDIR/back.bin"
	run curl_ftps --ssl-reqd --tls-max 1.2 -T "$PAYLOAD" "ftp://127.0.0.1:$PYFTPD_PORT/anon-up.bin"
	assert_failure
	assert_not_exist "$PYFTPD_ROOT/anon-up.bin"
}

@test "pyftpdlib implicit: curl ftps:// uploads and downloads 1 MiB" {
	run curl_ftps --tls-max 1.2 -T "$PAYLOAD" "ftps://alice:s3cret@127.0.0.1:$PYFTPD_IMPLICIT_PORT/up-implicit.bin"
	assert_success
	cmp "$PAYLOAD" "$PYFTPD_ROOT/up-implicit.bin"
	run curl_ftps -o "$BATS_TEST_TMPDIR/back.bin" \
		"ftps://alice:s3cret@127.0.0.1:$PYFTPD_IMPLICIT_PORT/up-implicit.bin"
	assert_success
	cmp "$PAYLOAD" "$BATS_TEST_TMPDIR/back.bin"
}

@test "pyftpdlib negotiates TLS 1.3 (explicit and implicit) and TLS 1.2 when asked" {
	run tls_version 127.0.0.1 "$PYFTPD_PORT" explicit
	assert_output TLS1.3
	run tls_version 127.0.0.1 "$PYFTPD_PORT" explicit NORMAL:-VERS-TLS1.3
	assert_output TLS1.2
	run tls_version 127.0.0.1 "$PYFTPD_IMPLICIT_PORT" implicit
	assert_output TLS1.3
}

@test "pyftpdlib sends a TLS 1.3 session ticket on the data connection" {
	run curl_ftps -v --ssl-reqd -o /dev/null "ftp://alice:s3cret@127.0.0.1:$PYFTPD_PORT/"
	assert_success
	# two tickets after the control handshake, at least one more on the data channel
	local n
	n=$(grep -c 'TLSv1.3 (IN), TLS handshake, Newsession Ticket' <<<"$output")
	[ "$n" -ge 3 ]
}

@test "start_pyftpd_cert: self-signed server, then a changed key on the same port" {
	certs_make_selfsigned "$CERTDIR"
	certs_make_selfsigned2 "$CERTDIR"
	start_pyftpd_cert "$CERTDIR/selfsigned-combined.pem"
	local port=$PYFTPD_ALT_PORT
	run curl_ftps --ssl-reqd "ftp://alice:s3cret@127.0.0.1:$port/"
	assert_failure 60
	run timeout -k 5 60 curl -sS --max-time 50 --cacert "$CERTDIR/selfsigned.pem" --ssl-reqd \
		"ftp://alice:s3cret@127.0.0.1:$port/"
	assert_success
	stop_server "$PYFTPD_ALT_PID"
	run timeout 5 bash -c "exec 9<>/dev/tcp/127.0.0.1/$port"
	assert_failure

	start_pyftpd_cert "$CERTDIR/selfsigned2-combined.pem" "$port"
	[ "$PYFTPD_ALT_PORT" = "$port" ]
	run timeout -k 5 60 curl -sS --max-time 50 --cacert "$CERTDIR/selfsigned.pem" --ssl-reqd \
		"ftp://alice:s3cret@127.0.0.1:$port/"
	assert_failure 60
	run timeout -k 5 60 curl -sS --max-time 50 --cacert "$CERTDIR/selfsigned2.pem" --ssl-reqd \
		"ftp://alice:s3cret@127.0.0.1:$port/"
	assert_success
	stop_server "$PYFTPD_ALT_PID"
}

@test "start_pyftpd_cert: expired and wrong-name certificates are rejected by curl" {
	certs_make_expired "$CERTDIR"
	certs_make_wrongname "$CERTDIR"
	start_pyftpd_cert "$CERTDIR/expired-combined.pem"
	run curl_ftps --ssl-reqd "ftp://alice:s3cret@127.0.0.1:$PYFTPD_ALT_PORT/"
	assert_failure 60
	assert_output --partial 'expired'
	stop_server "$PYFTPD_ALT_PID"

	start_pyftpd_cert "$CERTDIR/wrongname-combined.pem" --implicit
	run curl_ftps "ftps://alice:s3cret@127.0.0.1:$PYFTPD_ALT_PORT/"
	assert_failure 60
	run curl_ftps --ssl-reqd "ftps://alice:s3cret@other.example:$PYFTPD_ALT_PORT/" \
		--resolve "other.example:$PYFTPD_ALT_PORT:127.0.0.1"
	assert_success
	stop_server "$PYFTPD_ALT_PID"
}

# ---------------------------------------------------------------- helpers

@test "common.bash: FTPS path and ftps_batch helper" {
	if [[ -z ${FTPS_BIN:-} ]]; then
		assert_equal "$FTPS" "$BATS_TEST_DIRNAME/../../build/ftps"
	fi
	declare -F ftps_batch
	# a stand-in binary shows exactly what ftps_batch runs
	local fake=$BATS_TEST_TMPDIR/fake-ftps
	printf '#!/bin/sh\necho "args: $*"\ncat\n' >"$fake"
	chmod +x "$fake"
	FTPS=$fake run ftps_batch $'ls\nbye' ftp://example
	assert_success
	assert_line --index 0 "args: -b - --cafile $CERTDIR/ca.pem ftp://example"
	assert_line --index 1 'ls'
	assert_line --index 2 'bye'
}
