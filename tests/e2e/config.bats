#!/usr/bin/env bats
# The per-host settings file (issue 14): ~/.config/ftps/config with Host
# blocks as in ssh_config. A short name stands for a long command line;
# the command line wins over the file, the file over defaults; a bad file
# stops the run with one "FILE:LINE:" line and status 2. Checked through
# the protocol trace (USER, EPSV/EPRT, AUTH TLS), exit codes and bytes.

load ../lib/common
load ../lib/tty

setup_file() {
	setup_servers_file || return 1
	export SERVER_PIN
	SERVER_PIN=$(certs_pin "$CERTDIR/server.pem")
}
teardown_file() { teardown_servers_file; }
teardown() { tty_stop; }

setup() {
	test_setup || return 1
	CONF=$XDG_CONFIG_HOME/ftps/config
	mkdir -p "$XDG_CONFIG_HOME/ftps"
	T=t$BATS_TEST_NUMBER
	mkdir -p "$PYFTPD_ROOT/$T" "$VSFTPD_ROOT/$T"
	CLOSED=$(free_port)
}

# conf TEXT: the settings file, private as it should be
conf() {
	printf '%s\n' "$1" >"$CONF"
	chmod 600 "$CONF"
}

# ftps_b SCRIPT ARGS...: batch run without --cafile (the file gives it)
ftps_b() {
	printf '%s\n' "$1" | timeout -k 5 "$FTPS_TIMEOUT" "$FTPS" --norc -b - "${@:2}"
}

count() { grep -c -- "$1" <<<"$output" || true; }

@test "a Host block stands for the whole command line (host, port, user, CA file)" {
	conf "Host nas
    HostName 127.0.0.1
    Port $PYFTPD_PORT
    User alice
    CAFile $CERTDIR/ca.pem"
	echo hi >"$PYFTPD_ROOT/$T/f"
	export FTPS_PASSWORD=s3cret
	run ftps_b "get $T/f" -v nas
	assert_success
	assert_line "--> USER alice"
	assert_equal "$(cat f)" hi
	# the same name at the prompt: open nas
	run ftps_b $'open nas\npwd'
	assert_success
	assert_line "Remote working directory: /"
	# and as a one-shot URL
	rm f
	run timeout 30 "$FTPS" --norc "ftpes://nas/$T/f" </dev/null
	assert_success
	assert_equal "$(cat f)" hi
}

@test "the command line wins over the file, the URL's user too" {
	conf "Host nas
    HostName 127.0.0.1
    Port $CLOSED
    User mallory
    CAFile $CERTDIR/ca.pem"
	export FTPS_PASSWORD=s3cret
	run ftps_b pwd -v -P "$PYFTPD_PORT" -u alice nas
	assert_success
	assert_line "--> USER alice"
	run ftps_b pwd -v "ftpes://alice@nas:$PYFTPD_PORT"
	assert_success
	assert_line "--> USER alice"
	# without the overrides the file's values are used: the closed port
	run ftps_b pwd nas
	assert_failure 3
	assert_output "ftps: cannot connect to 127.0.0.1 port $CLOSED: Connection refused"
}

@test "patterns: *, ?, !negation, several per line; the first value obtained wins" {
	conf "Host *.test !bad.test
    Port $VSFTPD_PORT
Host ftp?.test
    Port $CLOSED
    Passive no
Host *
    HostName 127.0.0.1
    Port $CLOSED
    CAFile $CERTDIR/ca.pem"
	run ftps_b pwd -v good.test
	assert_success
	assert_line "--> USER anonymous"
	# Port from the first block; the later one still fills its gaps
	run ftps_b 'ls' -v ftp1.test
	assert_success
	assert_equal "$(count '^--> EPRT ')" 1
	assert_equal "$(count '^--> EPSV')" 0
	run ftps_b pwd bad.test
	assert_failure 3
	assert_output "ftps: cannot connect to 127.0.0.1 port $CLOSED: Connection refused"
}

@test "Mode implicit, Passive no (scoped to its host), Retries, LimitRate; command-line --retries wins" {
	conf "Host imp
    HostName 127.0.0.1
    Port $VSFTPD_IMPLICIT_PORT
    Mode implicit
    Passive no
    Retries 0
    LimitRate 100k
    CAFile $CERTDIR/ca.pem
Host exp
    HostName 127.0.0.1
    Port $VSFTPD_PORT
    CAFile $CERTDIR/ca.pem"
	echo data >"$VSFTPD_ROOT/$T/f"
	run ftps_b $'get '"$T"$'/f\nset' -v imp
	assert_success
	refute_line "--> AUTH TLS"
	assert_equal "$(count '^--> EPRT \|^--> PORT ')" 1
	assert_equal "$(count '^--> EPSV')" 0
	assert_line --regexp '^retries +0 '
	assert_line --regexp '^limit-rate +100 KiB/s '
	assert_line --regexp '^passive +off '
	cmp "$VSFTPD_ROOT/$T/f" f
	run ftps_b 'set' --retries 3 --limit-rate 1M imp
	assert_success
	assert_line --regexp '^retries +3 '
	assert_line --regexp '^limit-rate +1 MiB/s '
	# the next host gets the settings from before
	run ftps_b $'open exp\nset' imp
	assert_success
	assert_line --regexp '^passive +on '
	assert_line --regexp '^retries +5 '
	assert_line --regexp '^limit-rate +unlimited '
}

@test "trust keys: no CA file is refused (5); TrustFingerprint, or KnownServers with accept-new" {
	conf "Host bare
    HostName 127.0.0.1
    Port $VSFTPD_PORT
Host pinned
    HostName 127.0.0.1
    Port $VSFTPD_PORT
    TrustFingerprint $SERVER_PIN
Host learn
    HostName 127.0.0.1
    Port $VSFTPD_PORT
    Trust accept-new
    KnownServers ~/pins"
	run ftps_b pwd bare
	assert_failure 5
	run ftps_b pwd pinned
	assert_success
	run ftps_b pwd learn
	assert_success
	run grep -c "^127.0.0.1 $VSFTPD_PORT $SERVER_PIN " "$HOME/pins"
	assert_output 1
	# --trust strict on the command line wins over the file's accept-new
	run ftps_b pwd --trust strict --known-servers "$HOME/other" learn
	assert_failure 5
	assert [ ! -e "$HOME/other" ]
}

@test "NetrcFile (with ~/) gives the password" {
	conf "Host nas
    HostName 127.0.0.1
    Port $PYFTPD_PORT
    CAFile $CERTDIR/ca.pem
    NetrcFile ~/my-netrc"
	printf 'machine 127.0.0.1 login alice password s3cret\n' >"$HOME/my-netrc"
	chmod 600 "$HOME/my-netrc"
	run ftps_b pwd -v nas
	assert_success
	assert_line "--> USER alice"
}

@test "bad files: one line with FILE:LINE, status 2, nothing connects" {
	conf "Port 21"
	run ftps_b pwd -v nas
	assert_failure 2
	assert_output "ftps: $CONF:1: Port before any Host line"
	conf $'# comment\nHost nas\n  Port 99999'
	run ftps_b pwd nas
	assert_failure 2
	assert_output "ftps: $CONF:3: Port: expected a number from 1 to 65535, not \"99999\""
	conf $'Host nas\n  Colour blue'
	run ftps_b pwd nas
	assert_failure 2
	assert_output "ftps: $CONF:2: unknown key \"Colour\""
	conf $'Host nas\n  Trust sometimes'
	run ftps_b pwd nas
	assert_failure 2
	assert_output "ftps: $CONF:2: Trust: expected ask or accept-new or strict, not \"sometimes\""
	conf $'Host nas\n\n  LimitRate fast'
	run ftps_b pwd nas
	assert_failure 2
	assert_output "ftps: $CONF:3: set limit-rate: expected bytes per second with an optional k, M or G suffix (0: no limit), not \"fast\""
	conf $'Host nas\n  Proxy gopher://x'
	run ftps_b pwd nas
	assert_failure 2
	assert_output "ftps: $CONF:2: Proxy: unsupported proxy scheme (use socks5://, socks5h:// or http://)"
}

@test "a settings file others can write is refused; a missing one is fine; --config and -F" {
	conf "Host nas
    HostName 127.0.0.1
    Port $VSFTPD_PORT
    CAFile $CERTDIR/ca.pem"
	chmod 666 "$CONF"
	run ftps_b pwd nas
	assert_failure 2
	assert_output "ftps: $CONF: group- or world-writable; refusing to use it (chmod go-w $CONF)"
	chmod 620 "$CONF"
	run ftps_b pwd nas
	assert_failure 2
	chmod 600 "$CONF"
	run ftps_b pwd nas
	assert_success
	# --config FILE instead; -F /dev/null: none at all
	mv "$CONF" "$HOME/alt"
	run ftps_b pwd --config "$HOME/alt" nas
	assert_success
	run ftps_b pwd -F /dev/null --cafile "$CERTDIR/ca.pem" "127.0.0.1:$VSFTPD_PORT"
	assert_success
	run ftps_b pwd -F "$HOME/nonexistent" nas
	assert_failure 2
	assert_output "ftps: $HOME/nonexistent: No such file or directory"
	# no file at all: the name is just a name
	run ftps_b pwd --timeout 5 --cafile "$CERTDIR/ca.pem" "127.0.0.1:$VSFTPD_PORT"
	assert_success
}

@test "XDG_CONFIG_HOME is honoured, else ~/.config" {
	local body="Host nas
    HostName 127.0.0.1
    Port $VSFTPD_PORT
    CAFile $CERTDIR/ca.pem"
	unset XDG_CONFIG_HOME
	mkdir -p "$HOME/.config/ftps"
	printf '%s\n' "$body" >"$HOME/.config/ftps/config"
	chmod 600 "$HOME/.config/ftps/config"
	run ftps_b pwd nas
	assert_success
	export XDG_CONFIG_HOME=$BATS_TEST_TMPDIR/xdg
	mkdir -p "$XDG_CONFIG_HOME/ftps"
	printf 'Host nas\n    Port %s\n' "$CLOSED" >"$XDG_CONFIG_HOME/ftps/config"
	chmod 600 "$XDG_CONFIG_HOME/ftps/config"
	run ftps_b pwd nas
	assert_failure 3
	assert_output --partial "port $CLOSED"
}

@test "completion: Host names without wildcards, from ftps --complete-hosts, and in bash" {
	conf $'Host nas nas.lan *.wild !neg\n  Port 21\nHost backup ftp?\n  User x'
	run "$FTPS" --complete-hosts
	assert_success
	assert_output $'nas\nnas.lan\nbackup'
	run "$FTPS" -F /dev/null --complete-hosts
	assert_success
	assert_output ""
	# bash, with ftps on PATH as the completion expects
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	ln -s "$(readlink -f "$FTPS")" "$BATS_TEST_TMPDIR/bin/ftps"
	run env PATH="$BATS_TEST_TMPDIR/bin:$PATH" bash --norc --noprofile -c '
		source /usr/share/bash-completion/bash_completion || exit 90
		source "$1" || exit 91
		COMP_WORDS=(ftps na); COMP_CWORD=1; COMP_LINE="ftps na"; COMP_POINT=7
		_ftps ftps na ftps
		printf "%s\n" "${COMPREPLY[@]}" | sort' _ "$BATS_TEST_DIRNAME/../../completions/ftps.bash"
	assert_success
	assert_output $'nas\nnas.lan'
}

@test "the prompt's open <TAB> offers the file's Host names, never patterns" {
	conf $'Host cfg-alpha cfg-*.wild\n  Port 21\nHost cfg-beta !cfg-neg\n  User x'
	tty_start env HOME="$HOME" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" \
		XDG_STATE_HOME="$XDG_STATE_HOME" "$FTPS" --norc
	tty_wait "ftps> "
	tty_keys "open cfg-" Tab Tab
	tty_wait "cfg-alpha"
	tty_wait "cfg-beta"
	run tty_screen
	refute_output --partial "cfg-*"
	refute_output --partial "cfg-neg"
}

@test "Proxy: the host's connections go through it; --proxy '' on the command line wins" {
	conf "Host nas
    HostName 127.0.0.1
    Port $VSFTPD_PORT
    CAFile $CERTDIR/ca.pem
    Proxy socks5h://127.0.0.1:$CLOSED"
	run ftps_b pwd nas
	assert_failure 3
	assert_output "ftps: cannot connect to 127.0.0.1 port $VSFTPD_PORT: cannot reach proxy 127.0.0.1:$CLOSED (Connection refused)"
	run ftps_b pwd --proxy '' nas
	assert_success
}
