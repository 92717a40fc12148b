#!/bin/bash
# SPDX-License-Identifier: MIT
# Help, version, and agreement between the option tables, --help and the
# manual pages.
. "$(dirname "$0")/lib.sh"

DOC=$SRCROOT/doc
mkdir "$tmp/nostore"
cd "$tmp/nostore" || exit 128

# A pager must never run when stdout is not a terminal.
printf '#!/bin/sh\ntouch "%s"\ncat\n' "$tmp/pager-ran" >"$tmp/pager"
chmod +x "$tmp/pager"
export PAGER=$tmp/pager SD_PAGER=$tmp/pager

# --- the command list ---
expect_exit "__complete commands" 0 sd __complete commands
cp "$OUT" "$tmp/commands"
expect_eq "__complete commands: the documented commands" \
	"agents assign attach check close comment edit escalate export help import inbox init kb link list log mail merge-file new problem pull push reopen report resolve route search serve set show site sla status sync trust unlink" \
	"$(cut -f1 "$tmp/commands" | sort | tr '\n' ' ' | sed 's/ $//')"
expect_eq "__complete commands: every line is NAME<TAB>description" "" \
	"$(grep -vP '^[a-z][a-z-]*\t\S' "$tmp/commands")"
commands=$(cut -f1 "$tmp/commands")

expect_exit "help" 0 sd help
cp "$OUT" "$tmp/help"
expect_eq "help: nothing on stderr" "" "$(cat "$ERR")"
expect_no_esc "help: no colour off a terminal" "$tmp/help"
for c in $commands; do
	expect_match "help lists $c" "$tmp/help" "(^|[^a-z-])$c([^a-z-]|\$)"
done
expect_lacks "help does not list the hidden __complete" "$tmp/help" "__complete"
expect_exit "--help" 0 sd --help
expect_file_eq "--help is sd help" "$tmp/help" "$OUT"
expect_exit "-h" 0 sd -h
expect_file_eq "-h is sd help" "$tmp/help" "$OUT"

expect_exit "--version" 0 sd --version
expect_match "--version: sd version X.Y.Z" "$OUT" '^sd version [0-9]+\.[0-9]+\.[0-9]+( \(git [^ ()]+\))?$'
expect_eq "--version: one line" 1 "$(wc -l <"$OUT" | tr -d ' ')"
# A build from a git work tree names its commit; a tarball's names the
# one make dist recorded, and a build without either names none.
if [ "$(git -C "$SRCROOT" rev-parse --show-toplevel 2>/dev/null)" = "$SRCROOT" ]; then
	head=$(git -C "$SRCROOT" rev-parse --short=12 HEAD)
	expect_match "--version: names the commit" "$OUT" "\\(git ([^ ]*-g)?$head(-dirty)?\\)\$"
elif [ -f "$SRCROOT/GIT-COMMIT" ]; then
	expect_match "--version: names the tarball's commit" "$OUT" "\\(git $(cat "$SRCROOT/GIT-COMMIT")\\)\$"
fi

expect_exit "help for an unknown command" 2 sd help frobnicate
expect_sd_error "help frobnicate: message"
expect_err_has "help frobnicate: names it" frobnicate

# --- per command ---
expect_exists "doc/sd.1.md exists" "$DOC/sd.1.md"
for c in $commands; do
	expect_contains "doc/sd.1.md mentions $c" "$DOC/sd.1.md" "$c"
	expect_exit "help $c" 0 sd help "$c"
	cp "$OUT" "$tmp/help.$c"
	expect_contains "help $c: shows its usage" "$tmp/help.$c" "sd $c"
	expect_exit "$c --help" 0 sd "$c" --help
	cp "$OUT" "$tmp/dashhelp.$c"
	expect_contains "$c --help: shows its usage" "$tmp/dashhelp.$c" "sd $c"
	expect_eq "$c --help: nothing on stderr" "" "$(cat "$ERR")"
	# Laid out as git's parse-options: every "--" in column 7, every
	# description in column 30 (or on the next line, at column 30, when
	# the option is too wide), so long-only options line up with the rest.
	expect_eq "$c --help: options and descriptions in their columns" "" \
		"$(awk '/^options:/ { on = 1; next } on && /^$/ { on = 0 }
			on && wrap { if ($0 !~ /^ {29}[^ ]/) print "bad continuation: " $0; wrap = 0; next }
			on {
				if (substr($0, 1, 6) !~ /^(  -[a-zA-Z], |      )$/ || substr($0, 7, 2) != "--") print "option not in column 7: " $0
				else if (length($0) <= 28 || substr($0, 29, 1) != " ") wrap = 1
				else if (substr($0, 30, 1) == " ") print "description not in column 30: " $0
			}' "$tmp/dashhelp.$c")"
	expect_exit "$c -h" 0 sd "$c" -h
	expect_file_eq "$c -h is $c --help" "$tmp/dashhelp.$c" "$OUT"
	man=$DOC/sd-$c.1.md
	expect_exists "doc/sd-$c.1.md exists" "$man"
	expect_exit "__complete options $c" 0 sd __complete options "$c"
	cp "$OUT" "$tmp/options.$c"
	expect_eq "__complete options $c: every line is OPTION<TAB>description" "" \
		"$(grep -vP '^-[-a-zA-Z0-9=]+\t\S' "$tmp/options.$c")"
	for o in $(cut -f1 "$tmp/options.$c" | sed 's/=$//'); do
		expect_contains "$c $o: in doc/sd-$c.1.md" "$man" "$o"
		expect_contains "$c $o: in $c --help" "$tmp/dashhelp.$c" "$o"
	done
done
expect_missing "no pager ran off a terminal" "$tmp/pager-ran"

# Options every command that takes text has, per the design.
for c in comment new; do
	for o in -m -F; do
		expect_contains "__complete options $c lists $o" "$tmp/options.$c" "$o"
	done
done
for o in --status --type --priority --tier --queue --assignee --mine --requester --tag --category --asset --key --all --sort --json --format; do
	expect_contains "__complete options list lists $o" "$tmp/options.list" "$o"
done
for o in --type --impact --urgency --priority --category --queue --assignee --requester --tag --asset --tier --key; do
	expect_contains "__complete options new lists $o" "$tmp/options.new" "$o"
done
expect_contains "__complete options comment lists --internal" "$tmp/options.comment" "--internal"
expect_contains "__complete options assign lists --me" "$tmp/options.assign" "--me"
expect_contains "__complete options assign lists --none" "$tmp/options.assign" "--none"
expect_contains "__complete options show lists --json" "$tmp/options.show" "--json"

# Help needs no store and no identity.
expect_exit "help with no identity" 0 env -u SD_AUTHOR HOME=/nonexistent "$SD" help list
expect_contains "help with no identity: usage" "$OUT" "sd list"

finish
