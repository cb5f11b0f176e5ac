# shellcheck shell=bash source-path=SCRIPTDIR
# ProFTPD (Debian packages proftpd-core + proftpd-mod-crypto) as a loopback
# FTPS test server with mod_digest (HASH, XSHA256/XSHA1/XSHA512/XMD5/XCRC/MD5).
#
# Functions:
#   start_proftpd DIR CERTDIR [CONFIG-LINE...]
#       proftpd, explicit TLS only (AUTH TLS), TLS required on the control and
#       the data channels, data channels must resume the control channel's
#       TLS session (mod_tls default; pass "TLSOptions NoSessionReuseRequired"
#       to allow fresh sessions), on 127.0.0.1 only.  Extra CONFIG-LINEs are
#       appended to the server configuration (e.g. "DigestDefaultAlgorithm
#       sha256", "DigestAlgorithms sha1 sha256").
#         control port           -> PROFTPD_PORT
#         writable root          -> PROFTPD_ROOT
#         passive port range     -> PROFTPD_PASV_LO/HI
#         fixed user             -> PROFTPD_USER=alice PROFTPD_PASS=s3cret
#                                   (AuthUserFile, the launching user's uid/gid,
#                                   home PROFTPD_ROOT, no chroot: PWD shows the
#                                   absolute path of PROFTPD_ROOT)
#         anonymous              -> PROFTPD_ANON=1 when usable (root only:
#                                   anonymous logins chroot to PROFTPD_ROOT,
#                                   PWD "/", user "anonymous" or "ftp", any
#                                   password, acting as the launching user)
#         pid                    -> PROFTPD_PID
#         logs in PROFTPD_LOGDIR -> PROFTPD_LOG (stderr: system log; with -n
#                                   proftpd logs there, not to SystemLog),
#                                   PROFTPD_CMDLOG (every command and reply
#                                   code, passwords hidden), PROFTPD_TLSLOG,
#                                   PROFTPD_XFERLOG; PROFTPD_CONF
#       Needs servers.bash (sourced here when not yet loaded): the server is
#       started with setsid, recorded with _servers_track, so that
#       stop_servers / stop_server PROFTPD_PID stop it.  Do not call it inside
#       $(...).
#
# mod_digest defaults: HASH algorithm SHA-1 (FEAT "HASH CRC32;MD5;SHA-1*;
# SHA-256;SHA-512;"), changed per session with OPTS HASH SHA-256.  HASH ignores
# RANG and REST (always the whole file).  Replies (multi-line):
#   HASH f      213-Computing SHA-256 digest
#               [ Computing...]                  (on large files)
#               213 SHA-256 0-SIZE <lowercase hex> f
#   XSHA256 f [START END]
#               250-Computing SHA256 digest
#               250 <UPPERCASE hex>
#   MD5 f       251-Computing MD5 digest
#               251 f <UPPERCASE hex>
#
# Installing: proftpd-core and vsftpd both "Conflicts: ftp-server" in Debian,
# so "apt-get install proftpd-core" REMOVES vsftpd (and reinstalling vsftpd
# removes proftpd).  To keep vsftpd, unpack the two packages instead:
#   apt-get download proftpd-core proftpd-mod-crypto
#   dpkg-deb -x proftpd-core_*.deb PREFIX; dpkg-deb -x proftpd-mod-crypto_*.deb PREFIX
# with their libraries installed (libhiredis0.14 libmemcached11
# libmemcachedutil2 libpcre2-posix3 libsodium23; libssl3 libacl1 libcap2 ...
# are already there), and set PROFTPD_PREFIX=PREFIX.
#
# Binary: $PROFTPD_BIN, else proftpd on PATH or /usr/sbin/proftpd, else
# $PROFTPD_PREFIX/usr/sbin/proftpd; modules: $PROFTPD_MODULE_PATH, else
# ../lib/proftpd next to the binary's directory.

# _proftpd_find: sets _PROFTPD_BIN and _PROFTPD_MODS
_proftpd_find() {
	local b=${PROFTPD_BIN:-}
	if [[ -z $b ]]; then
		b=$(PATH=$PATH:/usr/sbin:/sbin command -v proftpd 2>/dev/null) || b=
		if [[ -z $b && -n ${PROFTPD_PREFIX:-} ]]; then
			b=$PROFTPD_PREFIX/usr/sbin/proftpd
		fi
	fi
	if [[ -z $b || ! -x $b ]]; then
		echo "start_proftpd: no proftpd binary (PROFTPD_BIN, PATH, PROFTPD_PREFIX)" >&2
		return 1
	fi
	_PROFTPD_BIN=$b
	_PROFTPD_MODS=${PROFTPD_MODULE_PATH:-$(cd "$(dirname "$b")/../lib/proftpd" 2>/dev/null && pwd)}
	if [[ ! -e $_PROFTPD_MODS/mod_tls.so || ! -e $_PROFTPD_MODS/mod_digest.so ]]; then
		echo "start_proftpd: no mod_tls.so/mod_digest.so in '$_PROFTPD_MODS'" \
			"(package proftpd-mod-crypto; PROFTPD_MODULE_PATH)" >&2
		return 1
	fi
}

if ! declare -F _servers_track >/dev/null; then
	# shellcheck source=servers.bash
	source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/servers.bash"
fi

# crypt(3) SHA-512 of "s3cret" (openssl passwd -6 -salt ftpstestsalt s3cret)
# shellcheck disable=SC2016  # a literal crypt string
_PROFTPD_PASS_HASH='$6$ftpstestsalt$hPjlaqLFxuNS4j0U13IQdW4iEeHX/EtksHmtUxkncLozlVZFbFL0OIdkblLU0iY3QtEQrChymz6ypLOrg1ihI0'

# _proftpd_conf DIR CERTDIR ROOT PORT LO HI USER GROUP ANON [extra lines...]
_proftpd_conf() {
	local dir=$1 certdir=$2 root=$3 port=$4 lo=$5 hi=$6 user=$7 group=$8 anon=$9
	shift 9
	local conf=$dir/proftpd.conf
	cat >"$conf" <<-EOF
		ServerType standalone
		ServerName "ftps test proftpd"
		UseIPv6 off
		DefaultAddress 127.0.0.1
		SocketBindTight on
		Port $port
		PassivePorts $lo $hi
		PidFile "$dir/proftpd.pid"
		ScoreboardFile "$dir/proftpd.scoreboard"
		DelayEngine off
		WtmpLog off
		UseReverseDNS off
		UseFtpUsers off
		User $user
		Group $group
		Umask 022
		AllowOverwrite on
		AllowStoreRestart on
		MaxInstances 64
		TimeoutIdle 120
		TimeoutNoTransfer 300
		TimeoutStalled 60
		TransferLog "$dir/xfer.log"
		LogFormat ftpscmd "%{iso8601} %a %u %m %J -> %s %S"
		ExtendedLog "$dir/cmd.log" ALL ftpscmd
		AuthPAM off
		AuthOrder mod_auth_file.c mod_auth_unix.c
		AuthUserFile "$dir/passwd"
		RootLogin on
		RequireValidShell off

		ModulePath "$_PROFTPD_MODS"
		LoadModule mod_tls.c
		LoadModule mod_digest.c

		TLSEngine on
		TLSRequired on
		TLSProtocol TLSv1.2 TLSv1.3
		TLSRSACertificateFile "$certdir/server.pem"
		TLSRSACertificateKeyFile "$certdir/server-key.pem"
		TLSVerifyClient off
		TLSRenegotiate none
		TLSLog "$dir/tls.log"

		DigestEngine on
		DigestAlgorithms all
	EOF
	if ((anon)); then
		cat >>"$conf" <<-EOF
			<Anonymous "$root">
			  User $user
			  Group $group
			  UserAlias anonymous $user
			  UserAlias ftp $user
			  AnonRequirePassword off
			  RequireValidShell off
			</Anonymous>
		EOF
	fi
	local l
	for l in "$@"; do echo "$l" >>"$conf"; done
	echo "$conf"
}

# start_proftpd DIR CERTDIR [CONFIG-LINE...]
start_proftpd() {
	local dir=${1:?start_proftpd DIR CERTDIR} certdir=${2:?start_proftpd DIR CERTDIR}
	shift 2
	_proftpd_find || return 1
	[[ -s $certdir/server.pem && -s $certdir/server-key.pem ]] ||
		{ echo "start_proftpd: no server.pem/server-key.pem in $certdir" >&2; return 1; }
	local pdir=$dir/proftpd
	mkdir -p "$pdir/root" || return 1
	_servers_pidfile_init "$dir"
	# proftpd wants absolute paths (-c) and refuses world-writable log and
	# scoreboard directories
	pdir=$(cd "$pdir" && pwd) && certdir=$(cd "$certdir" && pwd) || return 1
	chmod 755 "$pdir" || return 1

	local uid gid user group anon=0 port lo hi conf
	uid=$(id -u) gid=$(id -g) user=$(id -un) group=$(id -gn) || return 1
	((uid == 0)) && anon=1
	export PROFTPD_ROOT=$pdir/root PROFTPD_USER=alice PROFTPD_PASS=s3cret
	export PROFTPD_ANON=$anon PROFTPD_LOGDIR=$pdir
	printf 'alice:%s:%s:%s::%s:/bin/sh\n' "$_PROFTPD_PASS_HASH" "$uid" "$gid" "$PROFTPD_ROOT" \
		>"$pdir/passwd" || return 1
	chmod 600 "$pdir/passwd" || return 1

	port=$(free_port) && read -r lo hi < <(free_port_range 16) || return 1
	conf=$(_proftpd_conf "$pdir" "$certdir" "$PROFTPD_ROOT" "$port" "$lo" "$hi" \
		"$user" "$group" "$anon" "$@") || return 1
	export PROFTPD_CONF=$conf PROFTPD_LOG=$pdir/proftpd.out PROFTPD_CMDLOG=$pdir/cmd.log
	export PROFTPD_TLSLOG=$pdir/tls.log PROFTPD_XFERLOG=$pdir/xfer.log

	local pid
	_servers_setsid
	# -n: stay in the foreground (no daemon, no systemd), log to stderr
	"${_SETSID[@]}" "$_PROFTPD_BIN" -n -c "$conf" </dev/null >"$PROFTPD_LOG" 2>&1 3>&- 4>&- &
	pid=$!
	_servers_track "$pid" proftpd
	export PROFTPD_PID=$pid
	wait_port 127.0.0.1 "$port" "$pid" "$PROFTPD_LOG" "$PROFTPD_TLSLOG" "$conf" || return 1
	export PROFTPD_PORT=$port PROFTPD_PASV_LO=$lo PROFTPD_PASV_HI=$hi
}
