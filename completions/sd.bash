# SPDX-License-Identifier: MIT
# bash completion for sd(1), the git-backed help desk.         -*- shell-script -*-
#
# Install: copy to the bash-completion completions directory as `sd`
# (e.g. /usr/share/bash-completion/completions/sd), or source it from ~/.bashrc.
#
# Every candidate comes from the hidden command `sd __complete`, so commands
# and options are described only in sd's own option tables:
#   sd __complete commands        name<TAB>summary
#   sd __complete options CMD     option<TAB>description ("ARG: ..." when it takes ARG)
#   sd __complete ids             shortid<TAB>title
#   sd __complete values FIELD    one value per line
# A `-C DIR` given before the command is passed on, so ids and values come
# from that store.  Ticket text is never evaluated: candidates are compared
# with [[ == ]] prefix tests, never given to eval or `compgen -W`.

# _sd_dequote WORD: remove shell quoting from WORD (as typed) without
# evaluating anything; a leading ~ or ~/ becomes $HOME.  Result in REPLY.
_sd_dequote()
{
    local in=$1 out= q= c i n=${#1}
    for ((i = 0; i < n; i++)); do
        c=${in:i:1}
        if [[ $q == "'" ]]; then
            if [[ $c == "'" ]]; then q=; else out+=$c; fi
        elif [[ $q == '"' ]]; then
            if [[ $c == '"' ]]; then
                q=
            elif [[ $c == '\' ]] && ((i + 1 < n)) && [[ ${in:i+1:1} == [\$\`\"\\] ]]; then
                out+=${in:i+1:1}
                ((i++))
            else
                out+=$c
            fi
        else
            case $c in
            "'" | '"') q=$c ;;
            '\')
                if ((i + 1 < n)); then
                    out+=${in:i+1:1}
                    ((i++))
                fi
                ;;
            *) out+=$c ;;
            esac
        fi
    done
    if [[ $in == '~' || $in == '~/'* ]]; then
        out=$HOME${out#\~}
    fi
    REPLY=$out
}

# _sd_words: set words/cword/cur (locals of _sd) from COMP_WORDS, joining
# the pieces bash splits at `=`, `:` and `@` (COMP_WORDBREAKS) back into one
# word, so `status=op` or `--color=al` is seen as one word.  Words after the
# cursor are dropped; cur is the current word up to the cursor, as typed.
_sd_words()
{
    words=() cword=0 cur=
    if [[ -z ${COMP_LINE-} ]]; then
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
        cur=${COMP_WORDS[COMP_CWORD]-}
        return
    fi
    local line=$COMP_LINE point=${COMP_POINT:-${#COMP_LINE}}
    local i w part lead rest n glue off=0 k
    for ((i = 0; i <= COMP_CWORD && i < ${#COMP_WORDS[@]}; i++)); do
        w=${COMP_WORDS[i]}
        rest=${line:off}
        lead=${rest%%[![:space:]]*}
        glue=1
        [[ -n $lead || $i -eq 0 ]] && glue=0
        ((off += ${#lead}))
        if [[ ${line:off:${#w}} != "$w" ]]; then
            # COMP_LINE does not match COMP_WORDS: use the words as they are
            words=("${COMP_WORDS[@]:0:COMP_CWORD+1}")
            cword=$COMP_CWORD
            cur=${COMP_WORDS[COMP_CWORD]-}
            return
        fi
        part=$w
        if ((i == COMP_CWORD)); then
            k=$((point - off))
            ((k >= 0 && k < ${#w})) && part=${w:0:k}
        fi
        n=${#words[@]}
        if ((glue && n > 0)) && [[ $w == [=:@]* || ${words[n-1]} == *[=:@] ]]; then
            words[n-1]+=$part
        else
            words+=("$part")
        fi
        ((off += ${#w}))
    done
    cword=$((${#words[@]} - 1))
    cur=${words[cword]}
}

# _sd_call ARGS...: run `sd [-C DIR] __complete ARGS...`, stderr discarded.
_sd_call()
{
    "$sd_cmd" "${sd_globals[@]}" __complete "$@" 2>/dev/null
}

# _sd_add PREFIX ITEM...: add the ITEMs that complete the current word,
# where the current word is PREFIX (as typed, e.g. `status=` or `--queue=`)
# followed by the value being typed.  Each ITEM is a plain (unquoted) value;
# it is shell-quoted for the command line, and the part of the word that
# readline keeps (up to the last `=` or `:`, or before the last `@`, when
# they are in COMP_WORDBREAKS) is cut off, as readline replaces only the rest.
_sd_add()
{
    local prefix=$1 item e full
    shift
    local vraw=${cur:${#prefix}} v q= strip= ch t
    if [[ $vraw == [\'\"]* ]]; then
        q=${vraw:0:1}
    fi
    _sd_dequote "$vraw"
    v=$REPLY
    if [[ -z $q ]]; then
        for ch in = : @; do
            [[ ${COMP_WORDBREAKS-} == *"$ch"* && $cur == *"$ch"* ]] || continue
            t=${cur%"${cur##*"$ch"}"}
            # readline leaves `@` (like `$`) in the text it replaces
            [[ $ch == @ ]] && t=${t%@}
            ((${#t} > ${#strip})) && strip=$t
        done
    fi
    for item; do
        [[ -n $item && $item == "$v"* ]] || continue
        if [[ -n $q ]]; then
            # inside an open quote readline replaces the text after the quote
            COMPREPLY+=("$item")
        else
            printf -v e '%q' "$item"
            full=$prefix$e
            if [[ -n $strip && $full == "$strip"* ]]; then
                full=${full:${#strip}}
            fi
            COMPREPLY+=("$full")
        fi
    done
}

# _sd_add_lines PREFIX CMD...: like _sd_add with the lines printed by
# `sd __complete CMD...`; text after a tab (a description) is dropped.
_sd_add_lines()
{
    local prefix=$1 line
    shift
    local -a items=()
    while IFS= read -r line; do
        items+=("${line%%$'\t'*}")
    done < <(_sd_call "$@")
    ((${#items[@]})) && _sd_add "$prefix" "${items[@]}"
}

_sd_files()  # _sd_files PREFIX [-d]: file (or, with -d, directory) names
{
    local prefix=$1 v line
    _sd_dequote "${cur:${#prefix}}"
    v=$REPLY
    type compopt &>/dev/null && compopt -o filenames 2>/dev/null
    while IFS= read -r line; do
        COMPREPLY+=("$line")
    done < <(compgen "${2:--f}" -- "$v")
}

# _sd_arg NAME PREFIX: complete the value of an argument named NAME (as in
# the `NAME: ...` of an option description); PREFIX is what precedes the
# value in the current word.
_sd_arg()
{
    local name=$1 prefix=$2 field
    case $name in
    FILE) _sd_files "$prefix" -f ;;
    SLUG) _sd_add_lines "$prefix" slugs ;;
    ID) _sd_add_lines "$prefix" ids ;;
    DIR) _sd_files "$prefix" -d ;;
    USER) _sd_add_lines "$prefix" values assignee ;;
    SORT)
        # a leading - reverses the order
        [[ ${cur:${#prefix}} == -* ]] && prefix+=-
        _sd_add_lines "$prefix" values sort
        ;;
    ID | PID)
        # ids are lowercase; a typed prefix may not be
        local ocur=$cur
        cur=$(tr '[:upper:]' '[:lower:]' <<<"$cur")
        _sd_add_lines "$prefix" ids
        cur=$ocur
        ;;
    COLOR)
        _sd_add_lines "$prefix" values color
        ((${#COMPREPLY[@]})) || _sd_add "$prefix" auto always never
        ;;
    STATUS | TYPE | PRIORITY | IMPACT | URGENCY | TIER | QUEUE | ASSIGNEE | \
        REQUESTER | CATEGORY | TAG | VISIBILITY | FORMAT | COMMAND | MODE | AUDIENCE | FIELD)
        field=$(tr '[:upper:]' '[:lower:]' <<<"$name")
        _sd_add_lines "$prefix" values "$field"
        ;;
    esac
}

# _sd_set_arg: complete KEY=VALUE words of `sd set`.
_sd_set_arg()
{
    if [[ $cur != *=* ]]; then
        _sd_add "" title= type= status= priority= impact= urgency= tier= \
            queue= assignee= requester= category= tags= tags+= tags-= asset= key=
        return
    fi
    local key=${cur%%=*} prefix=${cur%%=*}=
    case $key in
    type | status | priority | impact | urgency | tier | queue | assignee | requester | category)
        _sd_add_lines "$prefix" values "$key"
        ;;
    tags | tags+ | tags-)
        # a comma-separated list: complete its last element
        local v=${cur#*=}
        [[ $v == *,* ]] && prefix+=${v%,*},
        _sd_add_lines "$prefix" values tag
        ;;
    esac
}

_sd()
{
    local words cword cur REPLY
    local -a sd_globals=()
    local sd_cmd
    COMPREPLY=()
    _sd_words

    _sd_dequote "${words[0]}"
    sd_cmd=${REPLY:-sd}

    # global options, up to the command
    local i=1 w cmd= cmdi=0
    while ((i < cword)); do
        w=${words[i]}
        case $w in
        -C)
            if ((i + 1 < cword)); then
                _sd_dequote "${words[i+1]}"
                sd_globals+=(-C "$REPLY")
                ((i += 2))
                continue
            fi
            ;;
        -C?*)
            _sd_dequote "${w#-C}"
            sd_globals+=(-C "$REPLY")
            ;;
        -*) ;;
        *)
            cmd=$w
            cmdi=$i
            break
            ;;
        esac
        ((i++))
    done

    if [[ -z $cmd ]]; then
        if [[ ${words[cword-1]} == -C ]] && ((cword > 1)); then
            _sd_files "" -d
        elif [[ $cur == --color=* ]]; then
            _sd_arg COLOR --color=
        elif [[ $cur == -* ]]; then
            _sd_add "" -C --no-pager --progress --quiet --color= --version --help -h
        else
            _sd_add_lines "" commands
        fi
        _sd_finish
        return 0
    fi

    _sd_dequote "$cmd"
    cmd=$REPLY
    if [[ $cmd == help ]]; then
        ((cword == cmdi + 1)) && _sd_add_lines "" commands
        _sd_finish
        return 0
    fi

    # the command's options: names and the names of their arguments
    local -a opts=() optargs=()
    local line o d
    while IFS= read -r line; do
        o=${line%%$'\t'*}
        d=
        [[ $line == *$'\t'* ]] && d=${line#*$'\t'}
        [[ -n $o ]] || continue
        opts+=("$o")
        if [[ $d =~ ^([A-Z][A-Z0-9_]*)(\.\.\.)?: ]]; then
            optargs+=("${BASH_REMATCH[1]}")
        else
            optargs+=("")
        fi
    done < <(_sd_call options "$cmd")
    # global options that may also follow the command
    opts+=(--no-pager --progress --quiet --color=)
    optargs+=("" "" "" "")

    # walk the command's arguments before the cursor
    local npos=0 argname= dashdash=0 j pos0=
    for ((i = cmdi + 1; i < cword; i++)); do
        w=${words[i]}
        if ((dashdash)) || [[ $w != -?* ]]; then
            ((npos)) || pos0=$w
            ((npos++))
            continue
        fi
        if [[ $w == -- ]]; then
            dashdash=1
            continue
        fi
        [[ $w == *=* ]] && continue
        for ((j = 0; j < ${#opts[@]}; j++)); do
            if [[ ${opts[j]} == "$w" && -n ${optargs[j]} ]]; then
                if ((i + 1 == cword)); then
                    argname=${optargs[j]}
                else
                    ((i++))
                fi
                break
            fi
        done
    done

    if [[ -n $argname ]]; then
        _sd_arg "$argname" ""
        _sd_finish
        return 0
    fi

    if ((!dashdash)) && [[ $cur == --color=* ]]; then
        _sd_arg COLOR --color=
        _sd_finish
        return 0
    fi

    if ((!dashdash)) && [[ $cur == --*=* ]]; then
        o=${cur%%=*}
        for ((j = 0; j < ${#opts[@]}; j++)); do
            if [[ ${opts[j]} == "$o" && -n ${optargs[j]} ]]; then
                _sd_arg "${optargs[j]}" "$o="
                break
            fi
        done
        _sd_finish
        return 0
    fi

    if ((!dashdash)) && [[ $cur == -* ]]; then
        ((${#opts[@]})) && _sd_add "" "${opts[@]}"
        _sd_finish
        return 0
    fi

    # positional arguments; `expect` is set when one is wanted here
    local expect=
    case $cmd in
    show | attach | comment | assign | status | resolve | close | reopen | set | edit | log | route)
        if ((npos == 0)); then
            expect=ID
            # ids are lowercase; a typed prefix may not be
            local ocur=$cur
            cur=$(tr '[:upper:]' '[:lower:]' <<<"$cur")
            _sd_add_lines "" ids
            cur=$ocur
        elif [[ $cmd == status ]] && ((npos == 1)); then
            expect=STATUS
            _sd_arg STATUS ""
        elif [[ $cmd == assign ]] && ((npos == 1)); then
            expect=USER
            _sd_arg USER ""
        elif [[ $cmd == set ]]; then
            expect=KEY=VALUE
            _sd_set_arg
        elif [[ $cmd == attach ]]; then
            expect=FILE
            _sd_files "" -f
        fi
        ;;
    link | unlink)
        expect=ID
        _sd_arg ID ""
        ;;
    problem)
        if ((npos == 0)); then
            expect=SUBCOMMAND
            _sd_add "" new suggest known-error
        elif [[ ${words[cmdi + 1]} == known-error ]] && ((npos == 1)); then
            expect=PID
            _sd_arg PID ""
        elif [[ ${words[cmdi + 1]} == new ]] && ((npos == 1)); then
            expect=TITLE
        elif [[ ${words[cmdi + 1]} == new ]]; then
            expect=ID
            _sd_arg ID ""
        fi
        ;;
    init) ((npos == 0)) && expect=DIR && _sd_files "" -d ;;
    import) ((npos == 0)) && expect=FILE && _sd_files "" -f ;;
    new) ((npos == 0)) && expect=TITLE ;;
    search) ((npos == 0)) && expect=TEXT ;;
    mail) ((npos == 0)) && _sd_add "" send ;;
    kb)
        # sd kb SUBCOMMAND, then a slug or a ticket id
        if ((npos == 0)); then
            expect=SUBCOMMAND
            _sd_add_lines "" kb-commands
        elif ((npos == 1)); then
            case $pos0 in
            edit | show | publish | unpublish) expect=SLUG && _sd_add_lines "" slugs ;;
            from) expect=ID && _sd_add_lines "" ids ;;
            new | search | suggest) expect=TEXT ;;
            esac
        fi
        ;;
    esac

    # no positional argument wanted here: offer the options
    if [[ -z $expect && -z $cur ]] && ((${#opts[@]})); then
        _sd_add "" "${opts[@]}"
    fi
    _sd_finish
    return 0
}

# _sd_finish: no space after a candidate that ends in `=` or `,`, as a value follows.
_sd_finish()
{
    local c
    ((${#COMPREPLY[@]})) || return 0
    for c in "${COMPREPLY[@]}"; do
        [[ $c == *[=,] ]] || return 0
    done
    type compopt &>/dev/null && compopt -o nospace 2>/dev/null
    return 0
}

complete -F _sd sd
