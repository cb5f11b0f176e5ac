# shellcheck shell=bash
# Test certificates for the ftps end-to-end tests, made with GnuTLS certtool.
#
#   certs_generate DIR
#       Makes (once; later calls reuse what exists) in DIR:
#         ca.pem ca-key.pem                    test CA "ftps test CA"
#         server.pem server-key.pem            RSA 2048 leaf signed by the CA,
#                                              CN/DNS localhost, IP 127.0.0.1 and ::1
#         server-combined.pem                  cert + key (pyftpdlib certfile)
#       Safe to call concurrently (flock on DIR/.lock).
#
#   certs_make NAME DIR [options]    -> DIR/NAME.pem, NAME-key.pem, NAME-combined.pem
#       --self-signed         self-signed leaf (default: signed by DIR/ca.pem)
#       --cn CN               subject CN (default localhost)
#       --dns NAME            DNS SAN, repeatable (default: localhost)
#       --ip ADDR             IP SAN, repeatable (default: 127.0.0.1 and ::1)
#       --key FILE            reuse this key instead of generating a new one
#       --expired             valid 2020-01-01 .. 2020-12-31 only
#       --not-yet-valid       valid from 2090-01-01
#       --client              a TLS client certificate (default: server)
#       Reuses existing output files (cached per DIR).
#
#   Convenience wrappers (all in DIR, all for localhost/127.0.0.1/::1 unless said):
#       certs_make_selfsigned DIR    -> selfsigned.pem      new key, self-signed
#       certs_make_selfsigned2 DIR   -> selfsigned2.pem     another key, self-signed, same name
#       certs_make_otherkey DIR      -> otherkey.pem        new key, CA-signed, same name
#       certs_make_expired DIR       -> expired.pem         CA-signed, expired in 2020
#       certs_make_wrongname DIR     -> wrongname.pem       CA-signed, only for other.example
#
#   certs_fingerprint FILE  -> sha256 fingerprint of a certificate (hex, lowercase, no colons)

CERTTOOL=${CERTTOOL:-certtool}

_certs_die() {
	echo "certs.bash: $*" >&2
	return 1
}

_certs_run() {
	# certtool is chatty on stderr; keep its output only when it fails
	local out
	if ! out=$("$CERTTOOL" "$@" 2>&1); then
		echo "certtool $* failed:" >&2
		echo "$out" >&2
		return 1
	fi
}

_certs_genkey() {
	_certs_run --generate-privkey --key-type rsa --bits 2048 --no-text --outfile "$1"
}

# certs_generate DIR
certs_generate() {
	local dir=${1:?certs_generate DIR}
	mkdir -p "$dir" || return 1
	(
		flock -w 60 9 || _certs_die "timeout waiting for lock on $dir" || exit 1
		_certs_generate_locked "$dir"
	) 9>"$dir/.lock"
}

_certs_generate_locked() {
	local dir=$1
	if [[ ! -s $dir/ca.pem || ! -s $dir/ca-key.pem ]]; then
		cat >"$dir/ca.tmpl" <<-'EOF'
			cn = "ftps test CA"
			organization = "ftps tests"
			serial = 1
			activation_date = "2019-01-01 00:00:00"
			expiration_date = "2099-12-31 23:59:59"
			ca
			cert_signing_key
			crl_signing_key
		EOF
		_certs_genkey "$dir/ca-key.pem" || return 1
		_certs_run --generate-self-signed --load-privkey "$dir/ca-key.pem" \
			--template "$dir/ca.tmpl" --outfile "$dir/ca.pem.tmp" || return 1
		mv "$dir/ca.pem.tmp" "$dir/ca.pem"
	fi
	_certs_make_locked server "$dir" || return 1
}

# certs_make NAME DIR [options]
certs_make() {
	local name=${1:?certs_make NAME DIR} dir=${2:?certs_make NAME DIR}
	shift 2
	mkdir -p "$dir" || return 1
	(
		flock -w 60 9 || _certs_die "timeout waiting for lock on $dir" || exit 1
		_certs_make_locked "$name" "$dir" "$@"
	) 9>"$dir/.lock"
}

_certs_make_locked() {
	local name=$1 dir=$2
	shift 2
	local selfsigned=0 cn=localhost key="" validity=normal purpose=tls_www_server
	local -a dns=() ips=()
	while (($#)); do
		case $1 in
		--self-signed) selfsigned=1 ;;
		--cn) cn=$2; shift ;;
		--dns) dns+=("$2"); shift ;;
		--ip) ips+=("$2"); shift ;;
		--key) key=$2; shift ;;
		--expired) validity=expired ;;
		--not-yet-valid) validity=future ;;
		--client) purpose=tls_www_client ;;
		*) _certs_die "certs_make: unknown option $1"; return 1 ;;
		esac
		shift
	done
	if ((${#dns[@]} == 0 && ${#ips[@]} == 0)); then
		dns=(localhost)
		ips=(127.0.0.1 ::1)
	fi
	local crt=$dir/$name.pem pk=$dir/$name-key.pem comb=$dir/$name-combined.pem
	if [[ -s $crt && -s $pk && -s $comb ]]; then
		return 0
	fi
	if [[ -n $key ]]; then
		cp "$key" "$pk" || return 1
	else
		_certs_genkey "$pk" || return 1
	fi
	local tmpl=$dir/$name.tmpl d i
	{
		echo "cn = \"$cn\""
		echo "organization = \"ftps tests\""
		# unique serial so that two certs for one name never look identical
		echo "serial = $(od -An -N8 -tx1 /dev/urandom | tr -d ' \n' | sed 's/^/0x/')"
		for d in "${dns[@]}"; do echo "dns_name = \"$d\""; done
		for i in "${ips[@]}"; do echo "ip_address = \"$i\""; done
		case $validity in
		normal)
			echo 'activation_date = "2019-01-01 00:00:00"'
			echo 'expiration_date = "2099-12-31 23:59:59"'
			;;
		expired)
			echo 'activation_date = "2020-01-01 00:00:00"'
			echo 'expiration_date = "2020-12-31 23:59:59"'
			;;
		future)
			echo 'activation_date = "2090-01-01 00:00:00"'
			echo 'expiration_date = "2099-12-31 23:59:59"'
			;;
		esac
		echo "$purpose"
		echo "signing_key"
		echo "encryption_key"
	} >"$tmpl"
	if ((selfsigned)); then
		_certs_run --generate-self-signed --load-privkey "$pk" \
			--template "$tmpl" --outfile "$crt.tmp" || return 1
	else
		[[ -s $dir/ca.pem ]] || { _certs_die "no CA in $dir (run certs_generate first)"; return 1; }
		_certs_run --generate-certificate --load-privkey "$pk" \
			--load-ca-certificate "$dir/ca.pem" --load-ca-privkey "$dir/ca-key.pem" \
			--template "$tmpl" --outfile "$crt.tmp" || return 1
	fi
	cat "$crt.tmp" "$pk" >"$comb" || return 1
	mv "$crt.tmp" "$crt"
}

certs_make_selfsigned() { certs_make selfsigned "${1:?DIR}" --self-signed; }
certs_make_selfsigned2() { certs_make selfsigned2 "${1:?DIR}" --self-signed; }
certs_make_otherkey() { certs_make otherkey "${1:?DIR}"; }
certs_make_expired() { certs_make expired "${1:?DIR}" --expired --key "$1/server-key.pem"; }
certs_make_wrongname() {
	certs_make wrongname "${1:?DIR}" --cn other.example --dns other.example --key "$1/server-key.pem"
}

# certs_fingerprint FILE
certs_fingerprint() {
	"$CERTTOOL" --fingerprint --hash sha256 --infile "${1:?certs_fingerprint FILE}" 2>/dev/null
}

# certs_pin FILE -> "SHA256:<base64 without padding>" of the certificate's
# public key (SubjectPublicKeyInfo), computed independently of ftps.
certs_pin() {
	"$CERTTOOL" --pubkey-info --load-certificate "${1:?certs_pin FILE}" --outder 2>/dev/null |
		sha256sum | cut -d' ' -f1 |
		/usr/bin/python3 -c 'import sys, base64, binascii
print("SHA256:" + base64.b64encode(binascii.unhexlify(sys.stdin.read().strip())).decode().rstrip("="))'
}
