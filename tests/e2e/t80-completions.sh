#!/bin/bash
# SPDX-License-Identifier: MIT
# Shell completions (completions/sd.bash, _sd, sd.fish) driven for real
# against the sd binary's hidden `sd __complete` command.
. "$(dirname "$0")/lib.sh"

COMPDIR=$SRCROOT/completions

# `sd` on PATH is the binary under test, as the completions run the word
# the user typed.
mkdir -p "$tmp/bin"
ln -s "$SD" "$tmp/bin/sd"
export PATH=$tmp/bin:$PATH

# A store with two tickets: one plain, one whose title and queue hold
# spaces and shell syntax that must never be run.
r=$(store comp)
id1=$(new_ticket "$r" "Printer on floor 3 jams" --tag printer)
id2=$(new_ticket "$r" 'VPN $(touch PWNED) `touch PWNED2` "q" it'\''s; drops' \
	--queue "second line" --assignee 'bob@example.com')
s1=$(short_id "$r" "$id1")
s2=$(short_id "$r" "$id2")
outside=$tmp/outside
mkdir -p "$outside"

# --- what the completions rely on ---------------------------------------

run sd -C "$r" __complete commands
expect_eq "__complete commands: exit 0" 0 "$RC"
expect_match "__complete commands: name<TAB>summary" "$OUT" "^show	."
expect_lacks "__complete commands: itself hidden" "$OUT" "__complete"
run sd -C "$r" __complete options new
expect_match "__complete options new: --type with its argument name" "$OUT" \
	"^--type	[A-Z][A-Z0-9_]*:"
run sd -C "$r" __complete ids
expect_match "__complete ids: shortid<TAB>title" "$OUT" "^$s1	Printer on floor 3 jams\$"
expect_eq "__complete ids outside a store: exit 0" 0 "$(cd "$outside" && sd __complete ids >/dev/null 2>&1; echo $?)"
expect_eq "__complete ids outside a store: nothing" "" "$(cd "$outside" && sd __complete ids 2>/dev/null)"
run sd -C "$r" __complete values type
expect_contains "__complete values type" "$OUT" "incident"

# --- bash ----------------------------------------------------------------

# The driver sources sd.bash in a clean bash, sets COMP_LINE/COMP_POINT and
# COMP_WORDS as bash would (the words after the line; the last one is the
# word being completed) and prints COMPREPLY, one entry per line.
cat >"$tmp/drive.bash" <<'EOF'
. "$1" || exit 99
COMP_LINE=$2
COMP_POINT=${#COMP_LINE}
shift 2
COMP_WORDS=("$@")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMPREPLY=()
compopt() { :; }    # only valid while bash itself is completing
_sd
printf '%s\n' "${COMPREPLY[@]}"
EOF

# comp DIR LINE WORD...: COMPREPLY for LINE typed in DIR, in $tmp/.comp.
comp() {
	local d=$1
	shift
	(cd "$d" && bash --norc --noprofile "$tmp/drive.bash" "$COMPDIR/sd.bash" "$@") \
		>"$tmp/.comp" 2>"$tmp/.comp.err"
}

# has NAME WANT...: each WANT is an entry of the last COMPREPLY.
has() {
	local name=$1 w missing=
	shift
	for w in "$@"; do
		grep -qxF -e "$w" "$tmp/.comp" || missing="$missing [$w]"
	done
	if [ -z "$missing" ] && [ ! -s "$tmp/.comp.err" ]; then
		ok "$name"
	else
		fail "$name" "missing:${missing:- none}" "$(_show_file COMPREPLY "$tmp/.comp")" \
			"$(_show_file stderr "$tmp/.comp.err")"
	fi
}

# is NAME WANT...: the last COMPREPLY is exactly the WANTs (in any order).
is() {
	local name=$1
	shift
	expect_eq "$name" "$(printf '%s\n' "$@" | sed '/^$/d' | sort)" "$(sort "$tmp/.comp")"
}

comp "$r" "sd " sd ""
has "bash: sd <TAB>: commands" new show list comment status set help
expect_lacks "bash: sd <TAB>: not __complete" "$tmp/.comp" "__complete"
comp "$r" "sd sh" sd sh
is "bash: sd sh<TAB>" show
comp "$r" "sd -" sd -
has "bash: sd -<TAB>: global options" -C --no-pager --color= --version --help
comp "$r" "sd --color=" sd --color =
is "bash: sd --color=<TAB>" auto always never
comp "$r" "sd --color=al" sd --color = al
is "bash: sd --color=al<TAB>" always

comp "$r" "sd new --ty" sd new --ty
is "bash: sd new --ty<TAB>" --type
comp "$r" "sd new --type " sd new --type ""
has "bash: sd new --type <TAB>" incident request problem change
comp "$r" "sd new --type=pr" sd new --type = pr
is "bash: sd new --type=pr<TAB>" problem
comp "$r" "sd show x --co" sd show x --co
is "bash: sd show ID --co<TAB>: a global option after the command" --color=
comp "$r" "sd show x --color=al" sd show x --color = al
is "bash: sd show ID --color=al<TAB>" always
comp "$r" "sd list --no-p" sd list --no-p
is "bash: sd list --no-p<TAB>" --no-pager
comp "$r" "sd new -m x --priority " sd new -m x --priority ""
has "bash: sd new ... --priority <TAB>" P1 P5
comp "$r" "sd show x --date " sd show x --date ""
has "bash: sd show ID --date <TAB>" local utc iso relative

comp "$r" "sd show " sd show ""
is "bash: sd show <TAB>: the short ids" "$s1" "$s2"
comp "$r" "sd show $s1" sd show "$s1"
is "bash: sd show ID<TAB>" "$s1"
comp "$r" "sd log " sd log ""
has "bash: sd log <TAB>" "$s1" "$s2"
comp "$r" "sd mail s" sd mail s
is "bash: sd mail s<TAB>: the send subcommand" send
comp "$r" "sd mail send --d" sd mail send --d
is "bash: sd mail send --d<TAB>" --dry-run
comp "$outside" "sd -C $r show " sd -C "$r" show ""
is "bash: sd -C DIR show <TAB>: ids of that store" "$s1" "$s2"
comp "$outside" "sd show " sd show ""
is "bash: sd show <TAB> outside a store: nothing" ""
comp "$r" "sd show $s1 " sd show "$s1" ""
has "bash: sd show ID <TAB>: options" --json

comp "$r" "sd status $s1 " sd status "$s1" ""
has "bash: sd status ID <TAB>" new open pending on-hold resolved closed cancelled
comp "$r" "sd set $s1 st" sd set "$s1" st
is "bash: sd set ID st<TAB>" status=
comp "$r" "sd set $s1 status=" sd set "$s1" status =
has "bash: sd set ID status=<TAB>" open closed
comp "$r" "sd set $s1 status=re" sd set "$s1" status = re
is "bash: sd set ID status=re<TAB>" resolved
comp "$r" "sd help " sd help ""
has "bash: sd help <TAB>" new show list help

comp "$r" "sd list --queue " sd list --queue ""
has "bash: sd list --queue <TAB>: quoted values" 'second\ line'
comp "$r" "sd list --queue sec" sd list --queue sec
is "bash: sd list --queue sec<TAB>" 'second\ line'
comp "$r" "sd list --assignee bob@" sd list --assignee bob @
is "bash: sd list --assignee bob@<TAB>" "@example.com"
comp "$r" "sd list --sort -cr" sd list --sort -cr
is "bash: sd list --sort -cr<TAB>" -created
comp "$r" "sd list --st" sd list --st
is "bash: sd list --st<TAB>" --status

# import reads a FILE; import and export take a --format.
mkdir -p "$outside/imports"
: >"$outside/import-me.csv"
comp "$outside" "sd import imp" sd import imp
is "bash: sd import FILE<TAB>: file names" imports import-me.csv
comp "$r" "sd export --format " sd export --format ""
is "bash: sd export --format <TAB>" jsonl csv
comp "$r" "sd import --format=c" sd import --format = c
is "bash: sd import --format=c<TAB>" csv
comp "$outside" "sd attach x imp" sd attach x imp
is "bash: sd attach ID FILE<TAB>: file names" imports import-me.csv
comp "$r" "sd attach x --na" sd attach x --na
is "bash: sd attach ID --na<TAB>" --name
comp "$outside" "sd export -o imp" sd export -o imp
is "bash: sd export -o FILE<TAB>: file names" imports import-me.csv

# Problem management: subcommands, and ids where a ticket is named.
comp "$r" "sd problem " sd problem ""
is "bash: sd problem <TAB>: subcommands" new suggest known-error
comp "$r" "sd problem known-error " sd problem known-error ""
is "bash: sd problem known-error <TAB>: ids" "$s1" "$s2"
comp "$r" "sd problem new T --from " sd problem new T --from ""
is "bash: sd problem new T --from <TAB>: ids" "$s1" "$s2"
comp "$r" "sd problem new T --from $s1 " sd problem new T --from "$s1" ""
is "bash: sd problem new T --from ID <TAB>: more ids" "$s1" "$s2"
comp "$r" "sd link " sd link ""
is "bash: sd link <TAB>: ids" "$s1" "$s2"
comp "$r" "sd unlink $s1 " sd unlink "$s1" ""
is "bash: sd unlink ID <TAB>: more ids" "$s1" "$s2"
comp "$r" "sd list --problem " sd list --problem ""
is "bash: sd list --problem <TAB>: ids" "$s1" "$s2"

expect_missing "bash: ticket text never run" "$r/PWNED"
expect_missing "bash: ticket text never run (backquotes)" "$r/PWNED2"

# --- zsh and fish, when installed ----------------------------------------

if command -v zsh >/dev/null 2>&1; then
	if zsh -n "$COMPDIR/_sd" 2>"$tmp/.zsh.err"; then
		ok "zsh: _sd parses"
	else
		fail "zsh: _sd parses" "$(cat "$tmp/.zsh.err")"
	fi
	if zsh -f -c 'zmodload zsh/zpty' 2>/dev/null; then
		# Drive zsh's completion system in a pseudo-terminal: an interactive
		# zsh -f with compinit and $COMPDIR in $fpath; compadd is wrapped to
		# print the matches it is given (after its own prefix matching); the
		# shell exits when the completion is done.
		cat >"$tmp/zinit.zsh" <<'EOF'
PROMPT=
autoload -Uz compinit
compinit -u -d "$SDT_ZDUMP"
bindkey '^I' complete-word
_sdt_mark() { print -r -- "@@MARK@@" }
compprefuncs=(_sdt_mark)
comppostfuncs=(_sdt_mark exit)
compadd() {
  if [[ " ${@[1,(i)(-|--)]} " == *\ -[OAD]\ * ]]; then
    builtin compadd "$@"
    return
  fi
  local -a __hits
  builtin compadd -O __hits "$@"
  local __h
  for __h in "$__hits[@]"; do print -r -- "@@HIT@@$__h"; done
  builtin compadd "$@"
}
print -r -- "@@READY@@"
EOF
		cat >"$tmp/capture.zsh" <<'EOF'
# zsh -f capture.zsh FPATHDIR INIT DIR LINE: the matches for LINE<TAB> in DIR
zmodload zsh/zpty || exit 3
zpty z zsh -f -i
zpty -w z "cd ${(q)3} && fpath=(${(q)1} \$fpath) && source ${(q)2}"
local out= chunk
while zpty -r z chunk; do
  out+=$chunk
  [[ $out == *@@READY@@* ]] && break
done
zpty -w -n z "$4"$'\t'
while zpty -r z chunk; do out+=$chunk; done
print -rl -- ${${(M)${(f)out//$'\r'/}:#@@HIT@@*}#@@HIT@@}
EOF
		zlimit=()
		command -v timeout >/dev/null 2>&1 && zlimit=(timeout 30)
		# zcomp DIR LINE: zsh's matches for LINE, in $tmp/.comp.
		zcomp() {
			SDT_ZDUMP=$tmp/zcompdump "${zlimit[@]}" zsh -f "$tmp/capture.zsh" "$COMPDIR" "$tmp/zinit.zsh" "$1" "$2" \
				</dev/null >"$tmp/.comp" 2>"$tmp/.comp.err"
		}
		zcomp "$r" "sd "
		has "zsh: sd <TAB>: commands" new show list help
		zcomp "$r" "sd -"
		has "zsh: sd -<TAB>: global options" -C --no-pager --color=
		zcomp "$r" "sd new --ty"
		is "zsh: sd new --ty<TAB>" --type
		zcomp "$r" "sd new --type "
		is "zsh: sd new --type <TAB>" incident request problem change
		zcomp "$r" "sd show "
		is "zsh: sd show <TAB>: the short ids" "$s1" "$s2"
		zcomp "$outside" "sd -C $r show "
		is "zsh: sd -C DIR show <TAB>" "$s1" "$s2"
		zcomp "$outside" "sd show "
		is "zsh: sd show <TAB> outside a store: nothing" ""
		zcomp "$r" "sd status $s1 "
		has "zsh: sd status ID <TAB>" open resolved
		zcomp "$r" "sd set $s1 status=re"
		is "zsh: sd set ID status=re<TAB>" resolved
		zcomp "$r" "sd list --queue "
		has "zsh: sd list --queue <TAB>" "second line"
		zcomp "$r" "sd help "
		has "zsh: sd help <TAB>" new show
		zcomp "$r" "sd export --format "
		is "zsh: sd export --format <TAB>" jsonl csv
		zcomp "$outside" "sd import import-"
		is "zsh: sd import FILE<TAB>: file names" import-me.csv
		zcomp "$outside" "sd attach x import-"
		is "zsh: sd attach ID FILE<TAB>: file names" import-me.csv
		expect_missing "zsh: ticket text never run" "$r/PWNED"
	else
		skip "zsh: completion" "zsh/zpty module not available"
	fi
else
	skip "zsh: _sd parses" "zsh not installed"
fi

if command -v fish >/dev/null 2>&1; then
	if fish --no-config -n "$COMPDIR/sd.fish" 2>"$tmp/.fish.err"; then
		ok "fish: sd.fish parses"
	else
		fail "fish: sd.fish parses" "$(cat "$tmp/.fish.err")"
	fi
	# fcomp DIR LINE: fish's completions of LINE (candidates only).
	fcomp() {
		(cd "$1" && fish --no-config -c 'source $argv[1]; complete -C $argv[2]' \
			"$COMPDIR/sd.fish" "$2") 2>"$tmp/.comp.err" | cut -f1 >"$tmp/.comp"
	}
	fcomp "$r" "sd "
	has "fish: sd <TAB>: commands" new show list help
	fcomp "$r" "sd new --ty"
	has "fish: sd new --ty<TAB>" --type
	fcomp "$r" "sd new --type "
	has "fish: sd new --type <TAB>" incident change
	fcomp "$r" "sd show "
	is "fish: sd show <TAB>: the short ids" "$s1" "$s2"
	fcomp "$outside" "sd -C $r show "
	is "fish: sd -C DIR show <TAB>" "$s1" "$s2"
	fcomp "$r" "sd set $s1 status=re"
	is "fish: sd set ID status=re<TAB>" status=resolved
	fcomp "$r" "sd list --queue "
	has "fish: sd list --queue <TAB>" "second line"
	fcomp "$r" "sd export --format "
	is "fish: sd export --format <TAB>" jsonl csv
	fcomp "$outside" "sd import import-"
	is "fish: sd import FILE<TAB>: file names" import-me.csv
	fcomp "$outside" "sd attach x import-"
	is "fish: sd attach ID FILE<TAB>: file names" import-me.csv
	expect_missing "fish: ticket text never run" "$r/PWNED"
else
	skip "fish: sd.fish parses" "fish not installed"
fi

finish
