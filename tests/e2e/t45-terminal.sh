#!/bin/bash
# SPDX-License-Identifier: MIT
# On a terminal: the pager (SD_PAGER, PAGER, --no-pager, split on whitespace
# and never run by a shell) and colour (NO_COLOR, --color).  script(1)
# provides the terminal.
. "$(dirname "$0")/lib.sh"

if ! command -v script >/dev/null 2>&1; then
	skip "terminal tests" "script(1) not available"
	finish
fi

# tty CMD: run CMD (a string for sh) on a pseudo-terminal.
tty() { run script -qec "$1" /dev/null; }

r=$(store term)
id=$(new_ticket "$r" "Printer jams" -m "It jams.")
SD_NOW=2026-11-23T09:05:00Z sd -C "$r" comment "$id" -m "Have you tried turning it off and on?" >/dev/null 2>&1

# A pager that records its arguments, LESS and what it was given.
cat >"$tmp/pager" <<EOF
#!/bin/sh
{ echo "args: \$*"; echo "LESS=\$LESS"; cat; } >"$tmp/paged"
EOF
chmod +x "$tmp/pager"
cat >"$tmp/pager2" <<EOF
#!/bin/sh
cat >"$tmp/paged2"
EOF
chmod +x "$tmp/pager2"

for cmd in "list" "show $id" "log $id" "search jams" "help list"; do
	rm -f "$tmp/paged"
	SD_PAGER="$tmp/pager -a  b" tty "$SD -C $r $cmd"
	expect_eq "$cmd on a terminal: exit 0" 0 "$RC"
	expect_exists "$cmd on a terminal: runs SD_PAGER" "$tmp/paged"
	if [ -f "$tmp/paged" ]; then
		expect_eq "$cmd: pager command split on whitespace" "args: -a b" "$(head -n 1 "$tmp/paged")"
	fi
done
rm -f "$tmp/paged"
SD_PAGER="$tmp/pager" tty "$SD -C $r list"
expect_contains "list: the pager gets the list" "$tmp/paged" "Printer jams"
expect_lacks "list: nothing but the pager's output on the terminal" "$OUT" "Printer jams"
rm -f "$tmp/paged"
SD_PAGER="$tmp/pager" tty "$SD -C $r show $id"
expect_contains "show: the pager gets the ticket" "$tmp/paged" "Have you tried turning it off and on?"

rm -f "$tmp/paged" "$tmp/paged2"
SD_PAGER="$tmp/pager" PAGER="$tmp/pager2" tty "$SD -C $r list"
expect_exists "SD_PAGER is preferred to PAGER" "$tmp/paged"
expect_missing "PAGER not used when SD_PAGER is set" "$tmp/paged2"
rm -f "$tmp/paged" "$tmp/paged2"
PAGER="$tmp/pager2" tty "$SD -C $r list"
expect_exists "PAGER used without SD_PAGER" "$tmp/paged2"

rm -f "$tmp/paged"
SD_PAGER="$tmp/pager" tty "$SD --no-pager -C $r list"
expect_missing "--no-pager: no pager" "$tmp/paged"
expect_contains "--no-pager: output on the terminal" "$OUT" "Printer jams"
# After the command too, as git's and ripgrep's global options.
rm -f "$tmp/paged"
SD_PAGER="$tmp/pager" tty "$SD -C $r list --no-pager"
expect_missing "list --no-pager: no pager" "$tmp/paged"
expect_contains "list --no-pager: output on the terminal" "$OUT" "Printer jams"

SD_PAGER="$tmp/pager;touch $tmp/pwned" tty "$SD -C $r list"
expect_missing "SD_PAGER is not run by a shell (;)" "$tmp/pwned"
SD_PAGER="$tmp/pager \$(touch $tmp/pwned2)" tty "$SD -C $r list"
expect_missing "SD_PAGER is not run by a shell (\$())" "$tmp/pwned2"

# Mutations never page.
rm -f "$tmp/paged"
SD_PAGER="$tmp/pager" tty "SD_NOW=2026-11-23T09:10:00Z $SD -C $r comment $id -m paged?"
expect_eq "comment on a terminal: exit 0" 0 "$RC"
expect_missing "comment on a terminal: no pager" "$tmp/paged"

# Colour: never with NO_COLOR or --color=never, never into a pager-less pipe.
NO_COLOR=1 tty "$SD --no-pager -C $r show $id"
expect_no_esc "NO_COLOR on a terminal: no colour" "$OUT"
expect_contains "NO_COLOR on a terminal: still shows the ticket" "$OUT" "Printer jams"
NO_COLOR=1 tty "$SD --no-pager -C $r list"
expect_no_esc "NO_COLOR on a terminal: list without colour" "$OUT"
tty "$SD --no-pager --color=never -C $r show $id"
expect_no_esc "--color=never on a terminal: no colour" "$OUT"
tty "$SD --no-pager --color=never -C $r list"
expect_no_esc "--color=never on a terminal: list without colour" "$OUT"
NO_COLOR=1 tty "$SD --no-pager --color=always -C $r list"
expect_no_esc "NO_COLOR wins over --color=always" "$OUT"
expect_exit "--color=always off a terminal: accepted" 0 sd --color=always -C "$r" list
expect_exit "--color=never off a terminal" 0 sd --color=never -C "$r" list
expect_no_esc "--color=never off a terminal: no colour" "$OUT"
expect_exit "--color=auto off a terminal" 0 sd --color=auto -C "$r" list
expect_no_esc "--color=auto off a terminal: no colour" "$OUT"
expect_exit "show ID --color=always: after the command" 0 sd -C "$r" show "$id" --color=always
expect_contains "show ID --color=always: colour into a pipe" "$OUT" $'\e['
expect_exit "list --color: bare means always" 0 sd -C "$r" list --color
expect_contains "list --color: colour into a pipe" "$OUT" $'\e['
tty "$SD -C $r show $id --no-pager --color=never"
expect_no_esc "show ID --color=never on a terminal: no colour" "$OUT"
expect_exit "list --color=sometimes: refused" 2 sd -C "$r" list --color=sometimes
expect_err_has "list --color=sometimes: says what is allowed" "use auto, always or never"
expect_clean "terminal" "$r"
fsck_ok "terminal" "$r"

finish
