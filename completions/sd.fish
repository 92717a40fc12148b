# SPDX-License-Identifier: MIT
# fish completion for sd(1), the git-backed help desk.
#
# Install: copy to a directory of $fish_complete_path as sd.fish
# (e.g. /usr/share/fish/vendor_completions.d or ~/.config/fish/completions).
#
# Every candidate comes from the hidden command `sd __complete`, so commands
# and options are described only in sd's own option tables:
#   sd __complete commands        name<TAB>summary
#   sd __complete options CMD     option<TAB>description ("ARG: ..." when it takes ARG)
#   sd __complete ids             shortid<TAB>title
#   sd __complete values FIELD    one value per line
# A `-C DIR` given before the command is passed on, so ids and values come
# from that store.  Ticket text is never evaluated: it is only printed as
# candidates for fish to show.

# __sd_expand_tilde WORD: WORD with a leading ~ or ~/ turned into $HOME.
function __sd_expand_tilde
    if test "$argv[1]" = '~'; or string match -q -- '~/*' $argv[1]
        printf '%s%s\n' $HOME (string sub -s 2 -- $argv[1])
    else
        printf '%s\n' $argv[1]
    end
end

# __sd_complete: print the candidates for the token under the cursor, one
# per line, as `candidate<TAB>description` where there is a description.
function __sd_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    set -l ntok (count $tokens)
    test $ntok -ge 1; or return
    set -l sd (__sd_expand_tilde $tokens[1])
    type -q -- $sd; or return
    # the command line of `sd __complete` for the helpers below: sd [-C DIR]
    set -g __sd_cmd $sd

    # global options, up to the command
    set -l cmd
    set -l cmdi 0
    set -l prev_is_C 0
    set -l i 2
    while test $i -le $ntok
        set -l w $tokens[$i]
        switch $w
            case -C
                if test $i -lt $ntok
                    set i (math $i + 1)
                    set -a __sd_cmd -C (__sd_expand_tilde $tokens[$i])
                else
                    set prev_is_C 1
                end
            case '-C?*'
                set -a __sd_cmd -C (__sd_expand_tilde (string sub -s 3 -- $w))
            case '-*'
            case '*'
                set cmd $w
                set cmdi $i
                break
        end
        set i (math $i + 1)
    end

    if test -z "$cmd"
        if test $prev_is_C = 1
            __fish_complete_directories $cur
        else if string match -q -- '--color=*' $cur
            __sd_prefixed --color= (__sd_values color)
        else if string match -q -- '-*' $cur
            printf '%s\t%s\n' -C 'run as if started in DIR' --no-pager 'do not page output' \
                --progress 'show progress even off a terminal' --quiet 'show no progress' \
                --color=auto 'colour on a terminal' --color=always 'always colour' \
                --color=never 'never colour' --version 'print the version' \
                --help 'show help' -h 'show help'
        else
            $__sd_cmd __complete commands 2>/dev/null
        end
        return
    end

    if test "$cmd" = help
        test $ntok -eq $cmdi; and $__sd_cmd __complete commands 2>/dev/null
        return
    end

    # the command's options and the names of their arguments
    set -l optlines ($__sd_cmd __complete options $cmd 2>/dev/null)
    set -l opts
    set -l optargs
    for line in $optlines
        set -l o (string split -m 1 \t -- $line)
        test -n "$o[1]"; or continue
        set -a opts $o[1]
        set -l a (string match -r -- '^([A-Z][A-Z0-9_]*)(?:\.\.\.)?:' "$o[2]")
        if set -q a[2]
            set -a optargs $a[2]
        else
            set -a optargs ''
        end
    end

    # walk the command's arguments before the cursor
    set -l npos 0
    set -l argname
    set -l dashdash 0
    set -l pos0
    set i (math $cmdi + 1)
    while test $i -le $ntok
        set -l w $tokens[$i]
        if test $dashdash = 1; or not string match -q -- '-?*' $w
            test $npos -eq 0; and set pos0 $w
            set npos (math $npos + 1)
        else if test "$w" = --
            set dashdash 1
        else if not string match -q -- '*=*' $w
            set -l j (contains -i -- $w $opts)
            if test -n "$j"; and test -n "$optargs[$j]"
                if test $i -eq $ntok
                    set argname $optargs[$j]
                else
                    set i (math $i + 1)
                end
            end
        end
        set i (math $i + 1)
    end

    if test -n "$argname"
        __sd_arg $argname '' $cur
        return
    end

    if test $dashdash = 0; and string match -q -- '--color=*' $cur
        __sd_prefixed --color= (__sd_values color)
        return
    end

    if test $dashdash = 0; and string match -q -- '--*=*' $cur
        set -l o (string split -m 1 = -- $cur)
        set -l j (contains -i -- $o[1] $opts)
        if test -n "$j"; and test -n "$optargs[$j]"
            __sd_arg $optargs[$j] "$o[1]=" $o[2]
        end
        return
    end

    if test $dashdash = 0; and string match -q -- '-*' $cur
        string join \n -- $optlines
        # global options that may also follow the command
        printf '%s\t%s\n' --no-pager 'do not page output' --color=auto 'colour on a terminal' \
            --color=always 'always colour' --color=never 'never colour' \
            --progress 'show progress even off a terminal' --quiet 'show no progress'
        return
    end

    # positional arguments; `expect` is set when one is wanted here
    set -l expect
    switch $cmd
        case show attach comment assign status resolve close reopen set edit log route
            if test $npos -eq 0
                set expect ID
                $__sd_cmd __complete ids 2>/dev/null
            else if test $cmd = status -a $npos -eq 1
                set expect STATUS
                __sd_arg STATUS '' $cur
            else if test $cmd = assign -a $npos -eq 1
                set expect USER
                __sd_arg USER '' $cur
            else if test $cmd = set
                set expect KEY=VALUE
                __sd_set_arg $cur
            else if test $cmd = attach
                set expect FILE
                __fish_complete_path $cur
            end
        case link unlink
            set expect ID
            $__sd_cmd __complete ids 2>/dev/null
        case problem
            set -l sub $tokens[(math $cmdi + 1)]
            if test $npos -eq 0
                set expect SUBCOMMAND
                printf '%s\t%s\n' new 'open a problem linked to incidents' \
                    suggest 'find runs of similar incidents' \
                    known-error 'record the workaround of a problem'
            else if test "$sub" = known-error -a $npos -eq 1
                set expect PID
                $__sd_cmd __complete ids 2>/dev/null
            else if test "$sub" = new -a $npos -eq 1
                set expect TITLE
            else if test "$sub" = new
                set expect ID
                $__sd_cmd __complete ids 2>/dev/null
            end
        case init
            if test $npos -eq 0
                set expect DIR
                __fish_complete_directories $cur
            end
        case import
            if test $npos -eq 0
                set expect FILE
                __fish_complete_path $cur
            end
        case new search
            test $npos -eq 0; and set expect TEXT
        case mail
            test $npos -eq 0; and printf '%s\t%s\n' send 'send the mail tickets owe'
        case kb
            # sd kb SUBCOMMAND, then a slug or a ticket id
            if test $npos -eq 0
                set expect SUBCOMMAND
                $__sd_cmd __complete kb-commands 2>/dev/null
            else if test $npos -eq 1
                switch "$pos0"
                    case edit show publish unpublish
                        set expect SLUG
                        $__sd_cmd __complete slugs 2>/dev/null
                    case from
                        set expect ID
                        $__sd_cmd __complete ids 2>/dev/null
                    case new search suggest
                        set expect TEXT
                end
            end
    end

    # no positional argument wanted here: offer the options
    if test -z "$expect"
        string join \n -- $optlines
    end
end

# __sd_values FIELD: the lines of `sd __complete values FIELD`.
function __sd_values
    set -l vals ($__sd_cmd __complete values $argv[1] 2>/dev/null)
    if test (count $vals) -eq 0 -a "$argv[1]" = color
        set vals auto always never
    end
    string join \n -- $vals
end

# __sd_prefixed PREFIX ITEM...: print each ITEM with PREFIX before it.
function __sd_prefixed
    set -l prefix $argv[1]
    for item in $argv[2..-1]
        test -n "$item"; and printf '%s%s\n' $prefix $item
    end
end

# __sd_arg NAME PREFIX VALUE: candidates for an argument named NAME;
# PREFIX (e.g. `--status=`) is put before each, VALUE is what has been
# typed of the value.
function __sd_arg
    set -l name $argv[1]
    set -l prefix $argv[2]
    set -l value $argv[3]
    switch $name
        case FILE
            __sd_prefixed $prefix (__fish_complete_path $value)
        case ID PID
            __sd_prefixed $prefix ($__sd_cmd __complete ids 2>/dev/null)
        case DIR
            __sd_prefixed $prefix (__fish_complete_directories $value)
        case USER
            __sd_prefixed $prefix (__sd_values assignee)
        case SORT
            # a leading - reverses the order
            string match -q -- '-*' $value; and set prefix "$prefix-"
            __sd_prefixed $prefix (__sd_values sort)
        case SLUG
            __sd_prefixed $prefix ($__sd_cmd __complete slugs 2>/dev/null)
        case ID
            __sd_prefixed $prefix ($__sd_cmd __complete ids 2>/dev/null)
        case STATUS TYPE PRIORITY IMPACT URGENCY TIER QUEUE ASSIGNEE REQUESTER CATEGORY TAG COLOR VISIBILITY FORMAT COMMAND MODE AUDIENCE FIELD
            __sd_prefixed $prefix (__sd_values (string lower -- $name))
    end
end

# __sd_set_arg TOKEN: the KEY=VALUE arguments of `sd set`.
function __sd_set_arg
    set -l tok $argv[1]
    if not string match -q -- '*=*' $tok
        printf '%s\n' title= type= status= priority= impact= urgency= tier= queue= \
            assignee= requester= category= tags= tags+= tags-= asset= key=
        return
    end
    set -l kv (string split -m 1 = -- $tok)
    set -l prefix "$kv[1]="
    switch $kv[1]
        case type status priority impact urgency tier queue assignee requester category
            __sd_prefixed $prefix (__sd_values $kv[1])
        case tags tags+ tags-
            # a comma-separated list: complete its last element
            if string match -q -- '*,*' $kv[2]
                set prefix $prefix(string replace -r ',[^,]*$' ',' -- $kv[2])
            end
            __sd_prefixed $prefix (__sd_values tag)
    end
end

complete -c sd -f -a '(__sd_complete)'
