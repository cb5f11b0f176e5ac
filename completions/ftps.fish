# fish completion for ftps(1): options, option values (--trust policies,
# files for --cafile, --cert, --key, --batch, --netrc-file and
# --known-servers), the subcommands "open" and "trust list|add|remove",
# ftpes:// and ftps:// URL prefixes, and host names from known_servers,
# ~/.netrc and the Host lines of ~/.config/ftps/config (through
# "ftps --complete-hosts").

# The words before the cursor that are not options or option values, and
# (as --known-servers=FILE / --netrc-file=FILE lines) those two files.
function __ftps_scan
    set -l words (commandline -opc)
    set -e words[1]
    set -l pending
    set -l endopts
    for w in $words
        if test -n "$pending"
            switch $pending
                case --known-servers --netrc-file --config
                    echo "$pending=$w"
            end
            set pending
        else if test -n "$endopts"; or test "$w" = -; or not string match -q -- '-*' $w
            echo "pos=$w"
        else if test "$w" = --
            set endopts 1
        else if string match -q -- '--*=*' $w
            string match -q -r -- '^--(known-servers|netrc-file|config)=' $w; and echo $w
        else if string match -q -- '--*' $w
            if contains -- $w --batch --user --port --cafile --timeout --retries --limit-rate --proxy --noproxy --netrc-file \
                    --priority --cert --key --trust --trust-fingerprint --known-servers \
                    --config --output --upload-file
                set pending $w
            end
        else if test "$w" = -F
            set pending --config
        else
            # A cluster of short options: -v, -vb FILE, -bFILE.
            set -l m (string match -r -- '^-[vh]*[buPFoT](.*)$' $w)
            if test -n "$m[1]"; and test -z "$m[2]"
                set pending -x
            end
        end
    end
end

# The positional words so far.
function __ftps_pos
    __ftps_scan | string replace -f -r '^pos=' ''
end

function __ftps_pos_is
    set -l pos (__ftps_pos)
    test (count $pos) -eq (count $argv); or return 1
    for i in (seq (count $argv))
        test "$argv[$i]" = '*'; or test "$argv[$i]" = "$pos[$i]"; or return 1
    end
end

function __ftps_expand
    set -l p $argv[1]
    if test "$p" = '~'
        set p $HOME
    else if string match -q -- '~/*' $p
        set p $HOME/(string sub -s 3 -- $p)
    end
    echo $p
end

# Host names, from known_servers then the netrc file; with "ports", HOST:PORT
# from known_servers only. IPv6 addresses are bracketed ([::1], [::1]:990).
function __ftps_hosts
    set -l scan (__ftps_scan)
    set -l known (string replace -f -r '^--known-servers=' '' -- $scan)[-1]
    set -l netrc (string replace -f -r '^--netrc-file=' '' -- $scan)[-1]
    if test -n "$known"
        set known (__ftps_expand $known)
    else if string match -q -- '/*' "$XDG_CONFIG_HOME"
        set known $XDG_CONFIG_HOME/known_servers
    else
        set known $HOME/.config/known_servers
    end
    if test -f "$known" -a -r "$known"
        while read -l line
            set -l f (string split -n ' ' -- (string replace -a \t ' ' -- $line))
            test (count $f) -gt 0; or continue
            string match -q -r '^[#@]' -- $f[1]; and continue
            set -l h $f[1]
            string match -q '*:*' -- $h; and set h "[$h]"
            if test "$argv[1]" = ports
                string match -q -r '^[0-9]+$' -- "$f[2]"; and echo "$h:$f[2]"
            else
                echo $h
            end
        end <$known
    end
    test "$argv[1]" = ports; and return

    # Host names of the settings file: ftps parses it itself.
    set -l config (string replace -f -r '^--config=' '' -- $scan)[-1]
    if command -q ftps
        if test -n "$config"
            ftps --config (__ftps_expand $config) --complete-hosts 2>/dev/null </dev/null
        else
            ftps --complete-hosts 2>/dev/null </dev/null
        end
    end

    if test -n "$netrc"
        set netrc (__ftps_expand $netrc)
    else
        set netrc $HOME/.netrc
    end
    test -f "$netrc" -a -r "$netrc"; or return
    set -l want
    set -l macdef
    while read -l line
        if test -n "$macdef"
            # A macdef body ends at the first empty line.
            string match -q -r '^\s*$' -- $line; and set macdef
            continue
        end
        set -l toks (string split -n ' ' -- (string replace -a \t ' ' -- $line))
        set -l skip
        for t in $toks
            if test -n "$skip"
                set skip
            else if test -n "$want"
                set want
                string match -q '*:*' -- $t; and set t "[$t]"
                echo $t
            else if test "$t" = machine
                set want 1
            else if test "$t" = macdef
                set macdef 1
                break
            else if contains -- $t login password account
                set skip 1
            end
        end
    end <$netrc
end

# A host or a URL.
function __ftps_targets
    set -l tok (commandline -ct)
    set -l hosts (__ftps_hosts)
    set -l pre (string match -r -- '^ftpe?s://(?:[^@/]*@)?' $tok)
    if test -n "$pre"
        printf '%s\n' $pre$hosts
        return
    end
    if string match -q -- 'ftp*' $tok
        printf '%s\t%s\n' ftpes:// 'Explicit FTPS (AUTH TLS)' ftps:// 'Implicit FTPS (port 990)'
    end
    printf '%s\n' $hosts
end

complete -c ftps -f

complete -c ftps -s b -l batch -r -F -d 'Run commands from FILE (- for stdin)'
complete -c ftps -s u -l user -x -d 'Log in as USER'
complete -c ftps -s P -l port -x -d 'Connect to PORT'
complete -c ftps -s v -l verbose -d 'Trace the protocol on stderr'
complete -c ftps -s h -l help -d 'Show the help'
complete -c ftps -l version -d 'Print the version'
complete -c ftps -l cafile -r -F -d 'Also trust the CA certificates in FILE'
complete -c ftps -l implicit -d 'TLS from the first byte'
complete -c ftps -l explicit -d 'AUTH TLS on a plain connection'
complete -c ftps -l timeout -x -d 'Connect and read timeout (seconds)'
complete -c ftps -l retries -x -d 'Retries after a lost connection, a timeout or a 4xx'
complete -c ftps -l limit-rate -x -d 'Bytes per second for all transfers (k, M, G suffix)'
complete -c ftps -l proxy -x -a 'socks5h:// socks5:// http://' -d 'Connect through a proxy (empty: none)'
complete -c ftps -l noproxy -x -d 'Hosts to reach without the proxy (comma-separated, * for all)'
complete -c ftps -l netrc-file -r -F -d 'Read credentials from FILE'
complete -c ftps -l priority -x -d 'GnuTLS priority string'
complete -c ftps -l cert -r -F -d 'Client certificate (PEM or PKCS#12)'
complete -c ftps -l key -r -F -d 'Client key (PEM)'
complete -c ftps -l trust -x -a 'ask\t"Ask on a terminal" accept-new\t"Pin keys of new servers" strict\t"Refuse unknown keys"' -d 'Policy for certificates no CA vouches for'
complete -c ftps -l trust-fingerprint -x -a 'SHA256:' -d 'Trust exactly this key for this run'
complete -c ftps -l known-servers -r -F -d 'File of trusted keys'
complete -c ftps -l norc -d 'Do not read the start-up file'
complete -c ftps -s F -l config -r -F -d 'Per-host settings file (/dev/null: none)'
complete -c ftps -s o -l output -r -F -d 'Save the file the URL names as LOCAL (- for stdout)'
complete -c ftps -s T -l upload-file -r -F -d 'Upload FILE to the URL'

complete -c ftps -n '__ftps_pos_is' -a 'open' -d 'Connect to a server'
complete -c ftps -n '__ftps_pos_is' -a 'trust' -d 'Manage trusted server keys'
complete -c ftps -n '__ftps_pos_is; or __ftps_pos_is open' -a '(__ftps_targets)' -d 'Host'
complete -c ftps -n '__ftps_pos_is trust' -a 'list' -d 'List the trusted server keys'
complete -c ftps -n '__ftps_pos_is trust' -a 'add' -d 'Trust a server key'
complete -c ftps -n '__ftps_pos_is trust' -a 'remove' -d 'Forget the keys of a server'
complete -c ftps -n '__ftps_pos_is trust add' -a '(__ftps_hosts)' -d 'Host'
complete -c ftps -n '__ftps_pos_is trust remove' -a '(__ftps_hosts ports)' -d 'Known server'
complete -c ftps -n '__ftps_pos_is trust add "*"' -a 'SHA256:' -d 'Key fingerprint'
