#!/usr/bin/env bats
# Shell completion scripts in completions/: bash (driven through its
# completion function, and once through a real interactive bash), zsh and fish
# (parsed, and driven through the shells' own completion machinery).
# shellcheck disable=SC2016 # shell code for other shells, in single quotes

load /usr/lib/bats/bats-support/load
load /usr/lib/bats/bats-assert/load

BASH_COMPLETION_MAIN=/usr/share/bash-completion/bash_completion

setup() {
	COMPDIR=$(cd "$BATS_TEST_DIRNAME/../../completions" && pwd)
	export XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/config"
	export HOME="$BATS_TEST_TMPDIR/home"
	mkdir -p "$XDG_CONFIG_HOME" "$HOME"
	local fp=SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
	cat >"$XDG_CONFIG_HOME/known_servers" <<-EOF
		# ftps known servers
		files.example.org 21 $fp 2026-01-02
		::1 990 $fp 2026-01-02 # loopback
		@revoked bad.example 21 $fp 2026-01-02
		ftp.example.net 990 $fp 2026-01-03
	EOF
	cat >"$HOME/.netrc" <<-EOF
		machine backup.example.com login alice password machine
		macdef init
		machine notahost.example

		default login anonymous password x
		machine mirror.example.com
		  login bob
	EOF
	chmod 600 "$HOME/.netrc"
	mkdir -p "$BATS_TEST_TMPDIR/pem/sub"
	touch "$BATS_TEST_TMPDIR/pem/ca.pem" "$BATS_TEST_TMPDIR/pem/cert.pem" \
		"$BATS_TEST_TMPDIR/pem/other.txt"
}

# bash_complete LINE: split LINE (cursor at the end) into COMP_WORDS the way
# readline does with bash-completion loaded (runs of COMP_WORDBREAKS
# characters are words of their own), call _ftps and print COMPREPLY, one
# element a line.
bash_complete() {
	run bash --norc --noprofile -c '
		source "$1" || exit 90
		source "$2" || exit 91
		line=$3
		brk=${COMP_WORDBREAKS//[$'"' \t\n'"']/}
		words=() w=""
		for ((i = 0; i < ${#line}; i++)); do
			c=${line:i:1}
			if [[ $c == [[:space:]] ]]; then
				[[ $w ]] && words+=("$w")
				w=""
				continue
			fi
			if [[ $w ]]; then
				a=0 b=0
				[[ $brk == *"$c"* ]] && a=1
				[[ $brk == *"${w: -1}"* ]] && b=1
				((a != b)) && { words+=("$w"); w=""; }
			fi
			w+=$c
		done
		words+=("$w")
		COMP_WORDS=("${words[@]}")
		COMP_CWORD=$((${#words[@]} - 1))
		COMP_LINE=$line
		COMP_POINT=${#line}
		COMPREPLY=()
		_ftps ftps "${words[COMP_CWORD]}" "${words[COMP_CWORD-1]}"
		((${#COMPREPLY[@]})) && printf "%s\n" "${COMPREPLY[@]}"
		exit 0
	' _ "$BASH_COMPLETION_MAIN" "$COMPDIR/ftps.bash" "$1"
	assert_success
}

# The same, sorted (for file names, whose order comes from readdir).
bash_complete_sorted() {
	bash_complete "$1"
	output=$(printf '%s\n' "$output" | LC_ALL=C sort)
}

# fish_complete LINE: the candidates fish offers, without descriptions.
fish_complete() {
	run fish --no-config -c 'source $argv[1]; or exit 90; complete -C$argv[2]' \
		"$COMPDIR/ftps.fish" "$1"
	assert_success
	output=$(printf '%s\n' "$output" | cut -f1 | LC_ALL=C sort)
}

# zsh_complete LINE: type LINE and TAB in an interactive zsh on a pty (zpty),
# with compinit and _ftps from completions/, and print every match the
# completion system adds, one a line, sorted.
zsh_complete() {
	cat >"$BATS_TEST_TMPDIR/zcap.zsh" <<-'EOF'
		zmodload zsh/zpty || exit 91
		zpty z zsh -f -i || exit 92
		zpty -w z "fpath=(${(q)1} \$fpath); PS1=''; RPS1=''"
		zpty -w z "autoload -U compinit; compinit -u -d ${(q)3}"
		zpty -w z 'compadd() { if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi; local -a __h; builtin compadd -A __h "$@"; local h; for h in $__h; do print -r -- "HIT:$IPREFIX$h"; done; builtin compadd "$@"; }'
		zpty -w z '_t_end() { compstate[insert]=""; compstate[list]=""; print -r -- "@@END""@@"; }; comppostfuncs=(_t_end)'
		zpty -w z "bindkey '^I' complete-word; print -r -- @@READY''@@"
		zpty -r z out '*@@READY@@*' || exit 93
		zpty -n -w z "$2"$'\t'
		zpty -r z out '*@@END@@*' || exit 94
		zpty -d z
		print -r -- "$out" | tr -d '\r' | sed -n 's/.*HIT://p' | LC_ALL=C sort -u
	EOF
	run timeout 10 zsh -f "$BATS_TEST_TMPDIR/zcap.zsh" "$COMPDIR" "$1" \
		"$BATS_FILE_TMPDIR/zcompdump"
	assert_success
}

# ---- bash -------------------------------------------------------------

@test "bash: the script parses and registers _ftps for ftps" {
	run bash --norc --noprofile -c 'source "$1" && source "$2" && complete -p ftps' \
		_ "$BASH_COMPLETION_MAIN" "$COMPDIR/ftps.bash"
	assert_success
	assert_output "complete -F _ftps ftps"
}

@test "bash: bash-completion's loader finds the script under the installed name ftps" {
	mkdir -p "$BATS_TEST_TMPDIR/data/bash-completion/completions"
	cp "$COMPDIR/ftps.bash" "$BATS_TEST_TMPDIR/data/bash-completion/completions/ftps"
	run env BASH_COMPLETION_USER_DIR="$BATS_TEST_TMPDIR/data/bash-completion" \
		bash --norc --noprofile -c 'source "$1" && __load_completion ftps && complete -p ftps' \
		_ "$BASH_COMPLETION_MAIN"
	assert_success
	assert_output "complete -F _ftps ftps"
}

@test "bash: every option after -" {
	bash_complete "ftps -"
	assert_output "$(printf '%s\n' -b --batch -u --user -P --port -v --verbose -h \
		--help --version --cafile --implicit --explicit --timeout --retries --limit-rate \
		--proxy --noproxy --netrc-file --priority --cert --key --trust --trust-fingerprint --known-servers --norc \
		-F --config -o --output -T --upload-file)"
}

@test "bash: long options by prefix" {
	bash_complete "ftps --trust"
	assert_output "$(printf '%s\n' --trust --trust-fingerprint)"
	bash_complete "ftps --k"
	assert_output "$(printf '%s\n' --key --known-servers)"
}

@test "bash: --trust values, separate and after =" {
	bash_complete "ftps --trust "
	assert_output "$(printf '%s\n' ask accept-new strict)"
	bash_complete "ftps --trust=a"
	assert_output "$(printf '%s\n' ask accept-new)"
	bash_complete "ftps -v --trust s"
	assert_output "strict"
}

@test "bash: nothing offered for values that are not files or policies" {
	bash_complete "ftps --timeout "
	assert_output ""
	bash_complete "ftps -u "
	assert_output ""
	bash_complete "ftps -vP "
	assert_output ""
}

@test "bash: subcommands, and trust's subcommands" {
	bash_complete "ftps t"
	assert_output "trust"
	bash_complete "ftps o"
	assert_output "open"
	bash_complete "ftps trust "
	assert_output "$(printf '%s\n' list add remove)"
	bash_complete "ftps -v trust r"
	assert_output "remove"
	bash_complete "ftps trust list "
	assert_output ""
}

@test "bash: hosts from known_servers (XDG_CONFIG_HOME) and ~/.netrc" {
	bash_complete "ftps "
	assert_output "$(printf '%s\n' open trust files.example.org '[::1]' ftp.example.net \
		backup.example.com mirror.example.com)"
	bash_complete "ftps open "
	assert_output "$(printf '%s\n' files.example.org '[::1]' ftp.example.net \
		backup.example.com mirror.example.com)"
	bash_complete "ftps open m"
	assert_output "mirror.example.com"
	bash_complete "ftps files.example.org "
	assert_output ""
}

@test "bash: known_servers falls back to ~/.config when XDG_CONFIG_HOME is unset" {
	mkdir -p "$HOME/.config"
	echo "home.example 21 SHA256:x 2026-01-01" >"$HOME/.config/known_servers"
	rm "$HOME/.netrc"
	unset XDG_CONFIG_HOME
	bash_complete "ftps open "
	assert_output "home.example"
}

@test "bash: --known-servers and --netrc-file on the line replace the default files" {
	echo "other.example 2121 SHA256:x 2026-01-01" >"$BATS_TEST_TMPDIR/ks"
	echo "machine n.example" >"$BATS_TEST_TMPDIR/nrc"
	bash_complete "ftps --known-servers $BATS_TEST_TMPDIR/ks --netrc-file=$BATS_TEST_TMPDIR/nrc open "
	assert_output "$(printf '%s\n' other.example n.example)"
	bash_complete "ftps --known-servers=$BATS_TEST_TMPDIR/ks trust remove "
	assert_output "other.example:2121"
}

@test "bash: URL prefixes for a word starting with ftp, hosts after the scheme" {
	bash_complete "ftps ftp"
	assert_output "$(printf '%s\n' ftpes:// ftps:// ftp.example.net)"
	bash_complete "ftps open ftpe"
	assert_output "ftpes://"
	# readline replaces only the text after the last ':' of the word.
	bash_complete "ftps ftps://bob@f"
	assert_output "$(printf '%s\n' //bob@files.example.org //bob@ftp.example.net)"
	bash_complete "ftps ftpes:"
	assert_output "//"
}

@test "bash: trust remove offers HOST:PORT, IPv6 in brackets" {
	bash_complete "ftps trust remove "
	assert_output "$(printf '%s\n' files.example.org:21 '[::1]:990' ftp.example.net:990)"
	bash_complete "ftps trust remove f"
	assert_output "$(printf '%s\n' files.example.org:21 ftp.example.net:990)"
	# After the last ':' of "[::1]:9", readline completes "9" to "990".
	bash_complete "ftps trust remove [::1]:9"
	assert_output "990"
}

@test "bash: trust add offers hosts, then SHA256:" {
	bash_complete "ftps trust add b"
	assert_output "backup.example.com"
	bash_complete "ftps trust add new.example "
	assert_output "SHA256:"
	bash_complete "ftps trust add new.example SHA256:x "
	assert_output ""
}

@test "bash: files for --cafile, --cert, --key, -b, --netrc-file, --known-servers" {
	local d=$BATS_TEST_TMPDIR/pem
	bash_complete_sorted "ftps --cafile $d/"
	assert_output "$(printf '%s\n' "$d/ca.pem" "$d/cert.pem" "$d/other.txt" "$d/sub")"
	bash_complete "ftps --cert $d/ce"
	assert_output "$d/cert.pem"
	bash_complete "ftps --key=$d/o"
	assert_output "$d/other.txt"
	bash_complete "ftps -b $d/c"
	assert_output "$(printf '%s\n' "$d/ca.pem" "$d/cert.pem")"
	bash_complete "ftps --netrc-file $d/s"
	assert_output "$d/sub"
	bash_complete "ftps --known-servers $d/ot"
	assert_output "$d/other.txt"
}

@test "bash: -b offers - (stdin) with the files" {
	cd "$BATS_TEST_TMPDIR/pem"
	bash_complete_sorted "ftps -b "
	assert_output "$(printf '%s\n' - ca.pem cert.pem other.txt sub)"
	bash_complete "ftps -vb -"
	assert_equal "$output" "-"
}

@test "bash: no options after --, and host names are never expanded" {
	bash_complete "ftps -- -"
	assert_output ""
	echo 'machine $(touch${IFS}'"$BATS_TEST_TMPDIR"'/pwned)' >"$HOME/.netrc"
	bash_complete "ftps open "
	assert_line '$(touch${IFS}'"$BATS_TEST_TMPDIR"'/pwned)'
	[ ! -e "$BATS_TEST_TMPDIR/pwned" ]
}

@test "bash: a real interactive bash inserts the completion (tmux)" {
	command -v tmux >/dev/null || skip "tmux is not installed"
	local sock=$BATS_TEST_TMPDIR/tmux.sock
	cat >"$BATS_TEST_TMPDIR/rc" <<-EOF
		PS1='$ '
		source $BASH_COMPLETION_MAIN
		source $COMPDIR/ftps.bash
		bind 'set bell-style none'
	EOF
	tmux -S "$sock" new-session -d -x 200 -y 20 \
		"env HOME='$HOME' XDG_CONFIG_HOME='$XDG_CONFIG_HOME' bash --noprofile --rcfile '$BATS_TEST_TMPDIR/rc' -i"
	local i
	for ((i = 0; i < 50; i++)); do
		tmux -S "$sock" capture-pane -p | grep -q '^\$' && break
		sleep 0.1
	done
	# The X after the TAB shows the space the completion put there (tmux
	# drops trailing spaces from the pane).
	tmux -S "$sock" send-keys 'ftps trust remove [::1]:9' Tab X
	for ((i = 0; i < 50; i++)); do
		run tmux -S "$sock" capture-pane -p
		[[ $output == *'ftps trust remove [::1]:9'*X* ]] && break
		sleep 0.1
	done
	tmux -S "$sock" kill-server
	assert_line '$ ftps trust remove [::1]:990 X'
}

# ---- zsh --------------------------------------------------------------

@test "bash, zsh, fish: --proxy offers the proxy schemes" {
	bash_complete "ftps --proxy "
	assert_output "$(printf '%s\n' socks5h:// socks5:// http://)"
	bash_complete "ftps --proxy=socks"
	assert_output "$(printf '%s\n' socks5h:// socks5://)"
	zsh_complete "ftps --proxy "
	assert_output "$(printf '%s\n' http:// socks5:// socks5h://)"
	fish_complete "ftps --proxy "
	assert_output "$(printf '%s\n' http:// socks5:// socks5h://)"
}

@test "zsh: the script parses" {
	run zsh -n "$COMPDIR/_ftps"
	assert_success
	assert_output ""
	run head -n1 "$COMPDIR/_ftps"
	assert_output "#compdef ftps"
}

@test "zsh: --trust values" {
	zsh_complete "ftps --trust "
	assert_output "$(printf '%s\n' accept-new ask strict)"
}

@test "zsh: subcommands and hosts, trust remove gives HOST:PORT" {
	zsh_complete "ftps "
	assert_output "$(printf '%s\n' '\[::1\]' backup.example.com files.example.org \
		ftp.example.net mirror.example.com open trust)"
	zsh_complete "ftps trust "
	assert_output "$(printf '%s\n' add list remove)"
	zsh_complete "ftps trust remove "
	assert_output "$(printf '%s\n' '\[::1\]:990' files.example.org:21 ftp.example.net:990)"
}

@test "zsh: options, and URL prefixes" {
	zsh_complete "ftps --n"
	assert_output "$(printf '%s\n' --netrc-file --noproxy --norc)"
	zsh_complete "ftps ftp"
	assert_output "$(printf '%s\n' ftp.example.net ftpes:// ftps://)"
}

# ---- fish -------------------------------------------------------------

@test "fish: the script parses" {
	run fish --no-config --no-execute "$COMPDIR/ftps.fish"
	assert_success
	assert_output ""
}

@test "fish: --trust values" {
	fish_complete "ftps --trust "
	assert_output "$(printf '%s\n' accept-new ask strict)"
}

@test "fish: subcommands, hosts, trust remove gives HOST:PORT" {
	fish_complete "ftps "
	assert_output "$(printf '%s\n' '[::1]' backup.example.com files.example.org \
		ftp.example.net mirror.example.com open trust)"
	fish_complete "ftps trust "
	assert_output "$(printf '%s\n' add list remove)"
	fish_complete "ftps trust remove "
	assert_output "$(printf '%s\n' '[::1]:990' files.example.org:21 ftp.example.net:990)"
	fish_complete "ftps ftps://bob@f"
	assert_output "$(printf '%s\n' ftps://bob@files.example.org ftps://bob@ftp.example.net)"
}

@test "fish: files for --cafile" {
	local d=$BATS_TEST_TMPDIR/pem
	fish_complete "ftps --cafile $d/c"
	assert_output "$(printf '%s\n' "$d/ca.pem" "$d/cert.pem")"
}
