# bash completion for ftps(1)                               -*- shell-script -*-
#
# Completes options, option values (--trust policies, files for --cafile,
# --cert, --key, --batch, --netrc-file and --known-servers), the subcommands
# "open" and "trust list|add|remove", ftpes:// and ftps:// URL prefixes, and
# host names from known_servers, ~/.netrc and the Host lines of
# ~/.config/ftps/config (through "ftps --complete-hosts"). Needs
# bash-completion (>= 2.2).
#
# Host names come from files, so they are matched by plain string comparison
# and never passed through compgen -W (which would expand $(...) in them).

# Options that take a value, as one pattern.
_ftps_argopts='@(-b|--batch|-u|--user|-P|--port|--cafile|--timeout|--retries|--limit-rate|--proxy|--noproxy|--netrc-file|--priority|--cert|--key|--trust|--trust-fingerprint|--known-servers|-F|--config|-o|--output|-T|--upload-file)'

# Remove the shell quoting of one word (quotes and backslashes only; no
# expansion is ever run on the text). A leading ~/ becomes $HOME/.
_ftps_dequote()
{
    local w=$1 out="" c q=""
    while [[ $w ]]; do
        c=${w:0:1}
        w=${w:1}
        if [[ $q == "'" ]]; then
            [[ $c == "'" ]] && q="" || out+=$c
        elif [[ $c == \\ ]]; then
            out+=${w:0:1}
            w=${w:1}
        elif [[ $q == '"' ]]; then
            [[ $c == '"' ]] && q="" || out+=$c
        elif [[ $c == "'" || $c == '"' ]]; then
            q=$c
        else
            out+=$c
        fi
    done
    if [[ $out == \~ ]]; then
        out=$HOME
    elif [[ $out == \~/* ]]; then
        out=$HOME/${out:2}
    fi
    printf '%s' "$out"
}

# The known_servers file: the --known-servers value given on the line, else
# $XDG_CONFIG_HOME/known_servers (when absolute), else ~/.config/known_servers.
_ftps_known_file()
{
    if [[ ${_ftps_known_opt-} ]]; then
        printf '%s' "$_ftps_known_opt"
    elif [[ ${XDG_CONFIG_HOME-} == /* ]]; then
        printf '%s' "$XDG_CONFIG_HOME/known_servers"
    elif [[ ${HOME-} ]]; then
        printf '%s' "$HOME/.config/known_servers"
    fi
}

# Append to COMPREPLY each of the remaining arguments that starts with $cur
# and is not there yet.
_ftps_add()
{
    local w r
    for w; do
        [[ $w == "$cur"* ]] || continue
        for r in "${COMPREPLY[@]}"; do
            [[ $r == "$w" ]] && continue 2
        done
        COMPREPLY+=("$w")
    done
}

# Print host names, one a line: from known_servers, then from the netrc file.
# With "ports" as $1, print HOST:PORT from known_servers only instead.
# IPv6 addresses are bracketed ([::1], [::1]:990).
_ftps_hosts()
{
    local file host port rest h
    file=$(_ftps_known_file)
    if [[ $file && -r $file && ! -d $file ]]; then
        while IFS=$' \t' read -r host port rest; do
            [[ $host && $host != [#@]* ]] || continue
            h=$host
            [[ $h == *:* ]] && h="[$h]"
            if [[ ${1-} == ports ]]; then
                [[ $port == +([0-9]) ]] && printf '%s\n' "$h:$port"
            else
                printf '%s\n' "$h"
            fi
        done <"$file"
    fi
    [[ ${1-} == ports ]] && return

    # Host names of the settings file: ftps parses it itself (one parser,
    # the C one); nothing when ftps is not on PATH.
    if type -P ftps >/dev/null; then
        ftps ${_ftps_config_opt:+--config "$_ftps_config_opt"} --complete-hosts \
            2>/dev/null </dev/null
    fi

    file=${_ftps_netrc_opt:-${HOME-}/.netrc}
    [[ -r $file && ! -d $file ]] || return
    local line tok want="" macdef="" i
    local -a toks
    while IFS= read -r line || [[ $line ]]; do
        if [[ $macdef ]]; then
            # A macdef body ends at the first empty line.
            [[ $line == *([[:space:]]) ]] && macdef=""
            continue
        fi
        IFS=$' \t' read -ra toks <<<"$line"
        for ((i = 0; i < ${#toks[@]}; i++)); do
            tok=${toks[i]}
            if [[ $want ]]; then
                want=""
                h=$tok
                [[ $h == *:* ]] && h="[$h]"
                printf '%s\n' "$h"
            elif [[ $tok == machine ]]; then
                want=1
            elif [[ $tok == macdef ]]; then
                macdef=1
                break
            elif [[ $tok == @(login|password|account) ]]; then
                ((i++))
            fi
        done
    done <"$file"
}

# Complete a host or a URL, for "ftps HOST" and "ftps open HOST".
_ftps_complete_target()
{
    local -a hosts
    mapfile -t hosts < <(_ftps_hosts)
    if [[ $cur == @(ftps|ftpes)://* ]]; then
        # Host names after the scheme and an optional user@.
        local pre=${cur%%://*}:// rest=${cur#*://} h
        [[ $rest == *@* ]] && pre+=${rest%@*}@
        local -a urls=()
        for h in "${hosts[@]}"; do
            urls+=("$pre$h")
        done
        _ftps_add "${urls[@]}"
        return
    fi
    if [[ $cur == ftp* ]]; then
        _ftps_add ftpes:// ftps://
    fi
    _ftps_add "${hosts[@]}"
}

_ftps()
{
    local cur prev words cword split
    _init_completion -s -n :@ || return

    local _ftps_known_opt="" _ftps_netrc_opt="" _ftps_config_opt=""
    local -a pos=()
    local i w pending="" endopts=""
    for ((i = 1; i < cword; i++)); do
        w=${words[i]}
        if [[ $pending ]]; then
            case $pending in
                --known-servers) _ftps_known_opt=$(_ftps_dequote "$w") ;;
                --netrc-file) _ftps_netrc_opt=$(_ftps_dequote "$w") ;;
                -F | --config) _ftps_config_opt=$(_ftps_dequote "$w") ;;
            esac
            pending=""
        elif [[ $endopts || $w == - || $w != -* ]]; then
            pos+=("$w")
        elif [[ $w == -- ]]; then
            endopts=1
        elif [[ $w == --*=* ]]; then
            case ${w%%=*} in
                --known-servers) _ftps_known_opt=$(_ftps_dequote "${w#*=}") ;;
                --netrc-file) _ftps_netrc_opt=$(_ftps_dequote "${w#*=}") ;;
                --config) _ftps_config_opt=$(_ftps_dequote "${w#*=}") ;;
            esac
        elif [[ $w == --* ]]; then
            # shellcheck disable=SC2053 # a pattern on purpose
            [[ $w == $_ftps_argopts ]] && pending=$w
        else
            # A cluster of short options: -v, -vb FILE, -bFILE.
            local j c
            for ((j = 1; j < ${#w}; j++)); do
                c=${w:j:1}
                if [[ $c == [buPFoT] ]]; then
                    ((j + 1 == ${#w})) && pending=-$c
                    break
                fi
            done
        fi
    done

    # The value of an option.
    local opt=""
    if [[ $split == true ]]; then
        opt=$prev
    elif [[ $pending ]]; then
        opt=$pending
    fi
    if [[ $opt ]]; then
        case $opt in
            --trust)
                _ftps_add ask accept-new strict
                ;;
            --cafile | --cert | --key | --netrc-file | --known-servers | -F | --config | \
                -o | --output | -T | --upload-file)
                _filedir
                ;;
            -b | --batch)
                _filedir
                [[ $cur == "" || $cur == - ]] && _ftps_add -
                ;;
            --trust-fingerprint)
                _ftps_add SHA256:
                ;;
            --proxy)
                _ftps_add socks5h:// socks5:// http://
                ;;
        esac
        # -u, -P, --timeout, --retries, --limit-rate, --priority, --noproxy: nothing to offer.
        _ftps_finish
        return
    fi

    if [[ ! $endopts && $cur == -* ]]; then
        _ftps_add -b --batch -u --user -P --port -v --verbose -h --help \
            --version --cafile --implicit --explicit --timeout --retries --limit-rate \
            --proxy --noproxy \
            --netrc-file --priority --cert --key --trust --trust-fingerprint \
            --known-servers --norc -F --config -o --output -T --upload-file
        _ftps_finish
        return
    fi

    case ${#pos[@]} in
        0)
            _ftps_add open trust
            _ftps_complete_target
            ;;
        1)
            case ${pos[0]} in
                open) _ftps_complete_target ;;
                trust) _ftps_add list add remove ;;
            esac
            ;;
        2)
            if [[ ${pos[0]} == trust ]]; then
                local -a hosts
                case ${pos[1]} in
                    add) mapfile -t hosts < <(_ftps_hosts) ;;
                    remove) mapfile -t hosts < <(_ftps_hosts ports) ;;
                esac
                _ftps_add "${hosts[@]}"
            fi
            ;;
        3)
            [[ ${pos[0]} == trust && ${pos[1]} == add ]] && _ftps_add SHA256:
            ;;
    esac
    _ftps_finish
}

# Readline replaces only the text after the last ':' or '@' in the word (they
# are in COMP_WORDBREAKS), so drop that much from each candidate; and put no
# space after a lone prefix such as ftps:// or SHA256:.
_ftps_finish()
{
    if ((${#COMPREPLY[@]} == 1)) && [[ ${COMPREPLY[0]} == @(*://|SHA256:) ]]; then
        compopt -o nospace 2>/dev/null
    fi
    local brk="" pre i
    [[ $COMP_WORDBREAKS == *:* ]] && brk+=:
    [[ $COMP_WORDBREAKS == *@* ]] && brk+=@
    [[ $brk && $cur == *[$brk]* ]] || return 0
    pre=${cur%"${cur##*["$brk"]}"}
    for i in "${!COMPREPLY[@]}"; do
        COMPREPLY[i]=${COMPREPLY[i]#"$pre"}
    done
}

complete -F _ftps ftps

# ex: filetype=sh
