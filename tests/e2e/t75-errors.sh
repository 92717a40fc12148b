#!/bin/bash
# SPDX-License-Identifier: MIT
# Bad input: exit 2, an "sd: " message on stderr naming what was wrong,
# nothing on stdout, and the repository unchanged (same HEAD, same status).
. "$(dirname "$0")/lib.sh"

# bad NAME NEEDLE CMD...: run CMD in store $r and check all of the above;
# NEEDLE (if not empty) must appear in the message.
bad() {
	local name=$1 needle=$2 head st
	shift 2
	head=$(head_of "$r")
	st=$(gstatus "$r")
	expect_exit "$name: exit 2" 2 "$@"
	expect_sd_error "$name: sd: message, no stdout"
	if [ -n "$needle" ]; then
		expect_err_has "$name: message names '$needle'" "$needle"
	fi
	expect_unchanged "$name" "$r" "$head" "$st"
}

r=$(store errors)
id=$(new_ticket "$r" "Printer jams" -m "It jams.")
ticket=$r/$(tpath "$id")
cp "$ticket" "$tmp/ticket.orig"

# --- commands and options ---
bad "unknown command" frobnicate sd -C "$r" frobnicate
bad "unknown command (near miss)" lsit sd -C "$r" lsit
expect_err_has "unknown command (near miss): suggests the command" "did you mean 'list'?"
bad "unknown option" --bogus sd -C "$r" list --bogus
bad "unknown short option" -Q sd -C "$r" list -Q
bad "unknown global option" --bogus sd --bogus list
bad "global option after the command is unknown there" --no-such sd -C "$r" show "$id" --no-such
bad "bad --color value" sometimes sd --color=sometimes -C "$r" list
bad "-C without a directory" "-C" sd -C
bad "no command" "" sd -C "$r"
bad "extra argument to show" extra sd -C "$r" show "$id" extra
bad "extra argument to list" extra sd -C "$r" list extra

# --- missing arguments ---
bad "show without id" "" sd -C "$r" show
bad "comment without id" "" sd -C "$r" comment
bad "comment -m without value" "-m" sd -C "$r" comment "$id" -m
bad "comment without text off a terminal" "" sd -C "$r" comment "$id"
bad "new -m without value" "-m" sd -C "$r" new "Title" -m
bad "new --priority without value" "--priority" sd -C "$r" new "Title" --priority
bad "new -F without value" "-F" sd -C "$r" new "Title" -F
bad "new -F missing file" "no-such-file" sd -C "$r" new "Title" -F "$tmp/no-such-file"
bad "assign without user" "" sd -C "$r" assign "$id"
bad "assign with user and --none" "" sd -C "$r" assign "$id" bob@example.com --none
bad "assign --me and --none" "" sd -C "$r" assign "$id" --me --none
bad "status without status" "" sd -C "$r" status "$id"
bad "resolve without -m" "" sd -C "$r" resolve "$id"
bad "reopen without -m" "" sd -C "$r" reopen "$id"
bad "set without KEY=VALUE" "" sd -C "$r" set "$id"
bad "list --status without value" "--status" sd -C "$r" list --status
bad "search without text" "" sd -C "$r" search
bad "-m and -F together" "" sd -C "$r" comment "$id" -m "text" -F "$tmp/ticket.orig"

# --- invalid values, named in the message ---
bad "invalid status" bogus sd -C "$r" status "$id" bogus
bad "status in wrong case" Open sd -C "$r" status "$id" Open
bad "invalid priority" P9 sd -C "$r" new "Title" --priority P9
bad "invalid priority (lower case)" p1 sd -C "$r" new "Title" --priority p1
bad "invalid tier" L7 sd -C "$r" new "Title" --tier L7
bad "invalid impact" huge sd -C "$r" new "Title" --impact huge
bad "invalid urgency" asap sd -C "$r" new "Title" --urgency asap
bad "invalid type" bug sd -C "$r" new "Title" --type bug
bad "set invalid priority" P0 sd -C "$r" set "$id" priority=P0
bad "set unknown key" colour sd -C "$r" set "$id" colour=red
bad "set id" id sd -C "$r" set "$id" id=000000000000
bad "set created" created sd -C "$r" set "$id" created=2026-01-01T00:00:00Z
bad "set updated" updated sd -C "$r" set "$id" updated=2026-01-01T00:00:00Z
bad "set without =" colour sd -C "$r" set "$id" colour
bad "list --priority invalid" P6 sd -C "$r" list --priority P6
bad "list --sort invalid" sideways sd -C "$r" list --sort sideways
bad "bad SD_NOW" yesterday env SD_NOW=yesterday "$SD" -C "$r" comment "$id" -m "text"
bad "bad SD_AUTHOR" "SD_AUTHOR" env "SD_AUTHOR=no email here" "$SD" -C "$r" comment "$id" -m "text"

# --- titles ---
bad "empty title" "" sd -C "$r" new ""
bad "set empty title" "" sd -C "$r" set "$id" title=
bad "newline in title" "" sd -C "$r" new "$(printf 'two\nlines')"
bad "ESC in title" "" sd -C "$r" new "$(printf 'red \033[31m title')"
bad "BEL in title" "" sd -C "$r" new "$(printf 'bell \a title')"
bad "DEL in title" "" sd -C "$r" new "$(printf 'del \177 title')"
bad "CR in title" "" sd -C "$r" new "$(printf 'cr \r title')"
bad "C1 control in title" "" sd -C "$r" new "$(printf 'csi \302\233 title')"
bad "bidi override in title" "" sd -C "$r" new "$(printf 'evil \342\200\256 title')"
bad "set title with newline" "" sd -C "$r" set "$id" "title=$(printf 'a\nb')"
bad "invalid UTF-8 in title" "" sd -C "$r" new "$(printf 'caf\351')"

# --- ids ---
bad "id with /" "" sd -C "$r" show "ab/cd"
bad "id with .." "" sd -C "$r" show "../../etc/passwd"
bad "id that is .." "" sd -C "$r" show ".."
bad "id with ../ and a real id" "" sd -C "$r" show "../${id:0:2}/$id"
bad "id with characters outside the alphabet" "" sd -C "$r" show "${id:0:4}u"
bad "id with !" "" sd -C "$r" comment "${id:0:4}!" -m "text"
bad "id with a space" "" sd -C "$r" show "${id:0:4} "
bad "empty id" "" sd -C "$r" show ""
bad "unknown id" zzzzzzzzzzzz sd -C "$r" show zzzzzzzzzzzz
bad "id too long" "" sd -C "$r" show "${id}0"
# Two tickets sharing a prefix: the prefix is ambiguous and both are listed.
put_ticket "$r" a1b2c3d4e5f6 "First of a pair"
put_ticket "$r" a1b2c3d4e5f7 "Second of a pair"
bad "ambiguous prefix" "" sd -C "$r" show a1b2
expect_err_has "ambiguous prefix: lists the first candidate" "a1b2c3d4e5f6"
expect_err_has "ambiguous prefix: lists the second candidate" "a1b2c3d4e5f7"
_ICASE=1 expect_err_has "ambiguous prefix: says ambiguous" "ambiguous"
bad "ambiguous prefix for a mutation" a1b2c3d4e5f sd -C "$r" comment a1b2c3d4e5f -m "which one?"

# --- text given with -m / -F ---
bad "empty -m" "" sd -C "$r" comment "$id" -m ""
bad "whitespace-only -m" "" sd -C "$r" comment "$id" -m "  
 "
printf 'line one\r\nline two\r\n' >"$tmp/crlf.txt"
bad "CRLF in -F file" "" sd -C "$r" comment "$id" -F "$tmp/crlf.txt"
bad "CRLF in new -F" "" sd -C "$r" new "Title" -F "$tmp/crlf.txt"
printf '\357\273\277text with a BOM\n' >"$tmp/bom.txt"
bad "BOM in -F file" "" sd -C "$r" comment "$id" -F "$tmp/bom.txt"
printf 'caf\351 latin-1\n' >"$tmp/latin1.txt"
bad "invalid UTF-8 in -F file" "" sd -C "$r" comment "$id" -F "$tmp/latin1.txt"
bad "invalid UTF-8 in -m" "" sd -C "$r" comment "$id" -m "$(printf 'caf\351')"
printf 'nul\0byte\n' >"$tmp/nul.txt"
bad "NUL in -F file" "" sd -C "$r" comment "$id" -F "$tmp/nul.txt"
STDIN=$tmp/nul.txt bad "NUL on stdin (-F -)" "" sd -C "$r" comment "$id" -F -
head -c 10485760 /dev/zero | tr '\0' x | fold -w 100 >"$tmp/10mb.txt"
bad "10 MB description" "" sd -C "$r" new "Huge" -F "$tmp/10mb.txt"
bad "10 MB comment" "" sd -C "$r" comment "$id" -F "$tmp/10mb.txt"
STDIN=$tmp/10mb.txt bad "10 MB comment on stdin" "" sd -C "$r" comment "$id" -F -
head -c 1049000 /dev/zero | tr '\0' y | fold -w 100 >"$tmp/1mb.txt"
bad "comment just over 1 MiB" "" sd -C "$r" comment "$id" -F "$tmp/1mb.txt"
bad "-F a directory" "" sd -C "$r" comment "$id" -F "$tmp"

# --- a malformed ticket file: commands refuse it with path:line ---
sed -i 's/^status: .*/status: bogus/' "$ticket"
commit_all "$r" "break the ticket by hand"
for cmd in "show" "comment -m text" "status open" "assign bob" "set priority=P1" "close"; do
	eval "set -- $cmd"
	bad "malformed front matter: $cmd" "$(tpath "$id"):5:" sd -C "$r" "$1" "$id" "${@:2}"
done
bad "malformed front matter: comment" "$(tpath "$id"):5:" sd -C "$r" comment "$id" -m "Typed with care."
kept_text "malformed front matter: comment" "Typed with care."
git -C "$r" revert --no-edit HEAD >/dev/null
printf 'x\r\n' >>"$ticket"
commit_all "$r" "CRLF by hand"
bad "CRLF in a ticket file: show" "$(tpath "$id"):" sd -C "$r" show "$id"
git -C "$r" revert --no-edit HEAD >/dev/null
expect_file_eq "ticket restored" "$tmp/ticket.orig" "$ticket"

# kept_text NAME TEXT: stderr names a file that keeps TEXT, which the
# failed command could not save.
kept_text() {
	local p
	p=$(sed -n 's/.*kept in \(\/[^ ]*\).*/\1/p' "$ERR" | head -n 1)
	if [ -z "$p" ]; then
		fail "$1: says where the text was kept" "no 'kept in /PATH' in stderr" "$(_show_file stderr "$ERR")"
	elif [ ! -f "$p" ]; then
		fail "$1: says where the text was kept" "$p does not exist"
	else
		expect_eq "$1: the kept file holds the text" "$2" "$(<"$p")"
	fi
}

# --- the lock: a held .git/sd.lock makes mutations give up after a while ---
: >"$r/.git/sd.lock"
head=$(head_of "$r")
st=$(gstatus "$r")
start=$(date +%s)
expect_exit "lock held: comment fails" 128 sd -C "$r" comment "$id" -m "Text that could not be saved."
secs=$(($(date +%s) - start))
expect_sd_error "lock held: sd: message"
_ICASE=1 expect_err_has "lock held: message mentions the lock" "lock"
expect_unchanged "lock held" "$r" "$head" "$st"
expect_eq "lock held: gave up within a few seconds" "yes" "$([ $secs -le 20 ] && echo yes || echo "took ${secs}s")"
expect_exists "lock held: someone else's lock is not removed" "$r/.git/sd.lock"
kept_text "lock held" "Text that could not be saved."
rm -f "$r/.git/sd.lock"
expect_exit "lock released: comment works" 0 sd -C "$r" comment "$id" -m "Now it works."

# --- output that cannot be written is an error, not silence ---
for cmd in "list" "list --json" "show $id" "show $id --json" "log $id" "search jams" "help" "--version"; do
	eval "set -- $cmd"
	expect_exit "write error: $cmd" 128 bash -c 'exec "$@" >/dev/full' _ "$SD" -C "$r" "$@"
	expect_match "write error: $cmd: sd: message" "$ERR" '^sd: .'
done

expect_clean "errors" "$r"
fsck_ok "errors" "$r"

finish
