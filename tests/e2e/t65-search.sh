#!/bin/bash
# SPDX-License-Identifier: MIT
# sd search: case-insensitive substring over title, description and
# comments, over all statuses; list's filters and output options; exit 1
# when nothing matched.
. "$(dirname "$0")/lib.sh"

titles() { tr '\n' '|' <"$OUT" | sed 's/|$//; s/|/, /g'; }

r=$(store search)
p=$(SD_NOW=2026-11-23T09:00:00Z new_ticket "$r" "Printer jams" -m "The paper feed is broken." --tag hw)
v=$(SD_NOW=2026-11-23T09:01:00Z new_ticket "$r" "VPN down" -m "Cannot connect from home." --type problem --priority P1)
l=$(SD_NOW=2026-11-23T09:02:00Z new_ticket "$r" "Laptop request" --type request)
SD_NOW=2026-11-23T09:03:00Z sd -C "$r" comment "$p" -m "Toner is LOW as well." >/dev/null 2>&1
SD_NOW=2026-11-23T09:04:00Z sd -C "$r" comment "$l" -m "The keyboard is sticky." >/dev/null 2>&1
SD_NOW=2026-11-23T09:05:00Z sd -C "$r" resolve "$l" -m "New laptop delivered." >/dev/null 2>&1
SD_NOW=2026-11-23T09:06:00Z sd -C "$r" comment "$v" --internal -m "Firewall rule 42 suspected." >/dev/null 2>&1
export SD_NOW=2026-11-23T09:30:00Z

while IFS='|' read -r args want; do
	eval "set -- $args"
	expect_exit "search $args" 0 sd -C "$r" search "$@" --sort created --format '%(title)'
	expect_eq "search $args: finds" "$want" "$(titles)"
done <<'EOF'
printer|Printer jams
PRINTER|Printer jams
pRiNtEr JaMs|Printer jams
'paper feed'|Printer jams
'PAPER FEED IS'|Printer jams
'toner is low'|Printer jams
keyboard|Laptop request
'cannot connect'|VPN down
'firewall rule'|VPN down
o|Printer jams, VPN down, Laptop request
e --type request|Laptop request
e --status resolved|Laptop request
e --tag hw|Printer jams
EOF
# The default line is list's line, ordered by priority.
expect_exit "search: default output" 0 sd -C "$r" search o
sv=$(short_id "$r" "$v")
sp=$(short_id "$r" "$p")
sl=$(short_id "$r" "$l")
w=4
for x in "$sv" "$sp" "$sl"; do [ ${#x} -gt $w ] && w=${#x}; done
# DUE: the nearest SLA target. VPN down is P1 (24x7, first response 30m,
# due 09:31Z); Printer jams opened 10:00 local, 4 office hours with the
# lunch break, due 15:00 local (14:00Z), its only comment being the
# requester's own; the resolved laptop has nothing due.
fmt="%-${w}s  %-2s  %-8s  %-2s  %-1s  %-3s  %-5s  %s\n"
{
	printf "$fmt" "$sv" P1 new L1 - 29m 1m "VPN down"
	printf "$fmt" "$sp" P3 new L1 - 30m 4h30m "Printer jams"
	printf "$fmt" "$sl" P3 resolved L1 - 28m - "Laptop request"
} >"$tmp/search.expect"
expect_file_eq "search: list's aligned lines, priority order" "$tmp/search.expect" "$OUT"
expect_exit "search --json" 0 sd -C "$r" search keyboard --json
expect_json "search --json: array of matches" "$OUT" '[[t["id"], t["short_id"], t["status"]] for t in d]' \
	"[[\"$l\", \"$(short_id "$r" "$l")\", \"resolved\"]]"
expect_json "search --json: no description or timeline" "$OUT" 'any("description" in t or "timeline" in t for t in d)' false

# Nothing matched: exit 1, no output.
for args in zebra "keyboard --status new" "printer --type change"; do
	eval "set -- $args"
	expect_exit "search $args: nothing" 1 sd -C "$r" search "$@"
	expect_out_empty "search $args: no output"
done
# Only title, description and comment text are searched; not other fields
# and not the markup around the entries.
for needle in example.com tess "Tess Tester" sd:comment visibility PRN hw P1 incident 2026-11-23; do
	expect_exit "search '$needle': not in the searched text" 1 sd -C "$r" search "$needle"
	expect_out_empty "search '$needle': no output"
done
expect_exit "search without text" 2 sd -C "$r" search
expect_sd_error "search without text: message"
expect_clean "search" "$r"
fsck_ok "search" "$r"

finish
