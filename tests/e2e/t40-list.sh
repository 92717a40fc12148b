#!/bin/bash
# SPDX-License-Identifier: MIT
# sd list: default line, alignment, ages, sorting, filters, --format, --json.
. "$(dirname "$0")/lib.sh"

titles() { tr '\n' ' ' <"$OUT" | sed 's/ $//'; }

# --- the default line ---
r=$(store line)
id=$(new_ticket "$r" "Printer jams")
s=$(short_id "$r" "$id")
SD_NOW=2026-11-23T09:12:00Z expect_exit "list: one ticket" 0 sd -C "$r" list
# Opened Monday 10:00 local: the first response (4 office hours, lunch
# 12-13) falls due at 15:00 local, 14:00Z, 4h48m after 09:12Z.
expect_out "list: SHORTID  PRIORITY  STATUS  TIER  ASSIGNEE  AGE  DUE  TITLE" "$s  P3  new  L1  -  12m  4h48m  Printer jams"
expect_eq "list: nothing on stderr" "" "$(cat "$ERR")"
expect_no_esc "list: no colour off a terminal" "$OUT"

# --- ages ---
for row in "2026-11-23T09:12:00Z 12m" "2026-11-23T14:00:00Z 5h" "2026-11-26T09:00:00Z 3d" \
	"2026-12-14T09:00:00Z 3w" "2027-03-25T09:00:00Z 4mo" "2028-01-01T09:00:00Z 1y"; do
	set -- $row
	SD_NOW=$1 expect_exit "list: age at $1" 0 sd -C "$r" list --format '%(age)'
	expect_out "list: age at $1 is $2" "$2"
done
fsck_ok "list: line" "$r"

# --- alignment ---
r=$(store align)
t1=$(new_ticket "$r" "Printer jams")
t2=$(SD_NOW=2026-11-23T09:01:00Z new_ticket "$r" "VPN down" --priority P1 --assignee bob@example.com --tier L2)
SD_NOW=2026-11-23T09:02:00Z sd -C "$r" status "$t2" pending >/dev/null 2>&1
t3=$(SD_NOW=2026-11-23T09:03:00Z new_ticket "$r" "Laptop request" --priority P2 --tier L3)
s1=$(short_id "$r" "$t1")
s2=$(short_id "$r" "$t2")
s3=$(short_id "$r" "$t3")
w=4
for s in "$s1" "$s2" "$s3"; do [ ${#s} -gt $w ] && w=${#s}; done
# DUE: VPN down is P1 (24x7): first response due 09:31Z, its resolution
# paused while pending; the others run on office hours from 10:03 and
# 10:00 local: 4h with the lunch break, due 14:03Z and 14:00Z.
{
	printf "%-${w}s  %-2s  %-7s  %-2s  %-15s  %-3s  %-5s  %s\n" "$s2" P1 pending L2 bob@example.com 14m 16m "VPN down"
	printf "%-${w}s  %-2s  %-7s  %-2s  %-15s  %-3s  %-5s  %s\n" "$s3" P2 new L3 - 12m 4h48m "Laptop request"
	printf "%-${w}s  %-2s  %-7s  %-2s  %-15s  %-3s  %-5s  %s\n" "$s1" P3 new L1 - 15m 4h45m "Printer jams"
} >"$tmp/align.expect"
SD_NOW=2026-11-23T09:15:00Z expect_exit "list: several tickets" 0 sd -C "$r" list
expect_file_eq "list: columns aligned, two spaces apart, priority order" "$tmp/align.expect" "$OUT"
fsck_ok "list: alignment" "$r"

# --- priority order and sorting ---
r=$(store sort)
a=$(SD_NOW=2026-11-23T09:00:00Z new_ticket "$r" "Alpha")
b=$(SD_NOW=2026-11-23T09:01:00Z new_ticket "$r" "Bravo" --priority P1)
c=$(SD_NOW=2026-11-23T09:02:00Z new_ticket "$r" "Charlie" --impact high --urgency high)
d=$(SD_NOW=2026-11-23T09:03:00Z new_ticket "$r" "Delta" --priority P5)
e=$(SD_NOW=2026-11-23T09:04:00Z new_ticket "$r" "Echo")
SD_NOW=2026-11-23T09:05:00Z sd -C "$r" resolve "$e" -m "done" >/dev/null 2>&1
SD_NOW=2026-11-23T09:10:00Z sd -C "$r" comment "$a" -m "bump" >/dev/null 2>&1
export SD_NOW=2026-11-23T09:20:00Z
expect_exit "list: default order" 0 sd -C "$r" list --format '%(title)'
expect_eq "list: P1 first, ties oldest first, resolved hidden" "Bravo Charlie Alpha Delta" "$(titles)"
expect_exit "list --all" 0 sd -C "$r" list --all --format '%(title)'
expect_eq "list --all: includes resolved" "Bravo Charlie Alpha Echo Delta" "$(titles)"
for row in "created:Alpha Bravo Charlie Delta" "-created:Delta Charlie Bravo Alpha" \
	"updated:Bravo Charlie Delta Alpha" "-updated:Alpha Delta Charlie Bravo" \
	"title:Alpha Bravo Charlie Delta" "-title:Delta Charlie Bravo Alpha" \
	"priority:Bravo Charlie Alpha Delta"; do
	key=${row%%:*}
	expect_exit "list --sort $key" 0 sd -C "$r" list --sort "$key" --format '%(title)'
	expect_eq "list --sort $key: order" "${row#*:}" "$(titles)"
done
expect_exit "list --sort id" 0 sd -C "$r" list --sort id --format '%(id)'
expect_eq "list --sort id: order" "$(printf '%s\n' "$a" "$b" "$c" "$d" | sort | tr '\n' ' ' | sed 's/ $//')" "$(titles)"
expect_exit "list --sort -id" 0 sd -C "$r" list --sort -id --format '%(id)'
expect_eq "list --sort -id: order" "$(printf '%s\n' "$a" "$b" "$c" "$d" | sort -r | tr '\n' ' ' | sed 's/ $//')" "$(titles)"
expect_exit "list --sort status" 0 sd -C "$r" list --all --sort status --format '%(status)'
expect_eq "list --sort status: groups statuses" "new new new new resolved" "$(titles)"
expect_exit "list --sort bogus" 2 sd -C "$r" list --sort bogus
expect_sd_error "list --sort bogus: message"
expect_err_has "list --sort bogus: names the key" "bogus"
export SD_NOW=2026-11-23T09:00:00Z

r=$(store sort2)
SD_NOW=2026-11-23T09:00:00Z new_ticket "$r" "One" --tier L3 --assignee carol@example.com >/dev/null
SD_NOW=2026-11-23T09:01:00Z new_ticket "$r" "Two" --tier L0 --assignee alice@example.com >/dev/null
SD_NOW=2026-11-23T09:02:00Z new_ticket "$r" "Three" --tier L2 --assignee bob@example.com >/dev/null
for row in "tier:Two Three One" "-tier:One Three Two" "assignee:Two Three One" "-assignee:One Three Two"; do
	key=${row%%:*}
	expect_exit "list --sort $key" 0 sd -C "$r" list --sort "$key" --format '%(title)'
	expect_eq "list --sort $key: order" "${row#*:}" "$(titles)"
done
fsck_ok "list: sorting" "$r"

# --- filters ---
r=$(store filters)
# mk MINUTE TITLE OPTIONS...: a ticket created at 09:MINUTE.
mk() {
	local m=$1
	shift
	SD_NOW=2026-11-23T09:$m:00Z new_ticket "$r" "$@"
}
t1=$(mk 01 "Printer jams" --type incident --category hardware --queue desk --assignee bob@example.com \
	--requester alice@example.com --tag printer --tag floor-3 --asset PRN-042)
t2=$(mk 02 "New laptop" --type request --category hardware --tier L2 --assignee tess@example.com --tag laptop)
t3=$(mk 03 "VPN down" --type problem --category network --priority P1 --tier L3 --assignee "Tess Tester" \
	--requester carol@example.com --tag vpn)
t4=$(mk 04 "Firewall change" --type change --category network --priority P4 --key chg-1)
t5=$(mk 05 "Old issue")
SD_NOW=2026-11-23T09:30:00Z sd -C "$r" status "$t5" pending >/dev/null 2>&1
t6=$(mk 06 "Done thing")
SD_NOW=2026-11-23T09:31:00Z sd -C "$r" resolve "$t6" -m "fixed" >/dev/null 2>&1
t7=$(mk 07 "Closed thing")
SD_NOW=2026-11-23T09:32:00Z sd -C "$r" close "$t7" >/dev/null 2>&1
t8=$(mk 08 "Cancelled thing")
SD_NOW=2026-11-23T09:33:00Z sd -C "$r" status "$t8" cancelled >/dev/null 2>&1
t9=$(mk 09 "On hold thing")
SD_NOW=2026-11-23T09:34:00Z sd -C "$r" status "$t9" on-hold >/dev/null 2>&1
t10=$(mk 10 "Open thing")
SD_NOW=2026-11-23T09:35:00Z sd -C "$r" status "$t10" open >/dev/null 2>&1
export SD_NOW=2026-11-23T10:00:00Z
while IFS='|' read -r args want; do
	eval "set -- $args"
	expect_exit "list $args" 0 sd -C "$r" list "$@" --sort created --format '%(title)'
	expect_eq "list $args: tickets" "$want" "$(tr '\n' '|' <"$OUT" | sed 's/|$//; s/|/, /g')"
done <<'EOF'
|Printer jams, New laptop, VPN down, Firewall change, Old issue, On hold thing, Open thing
--all|Printer jams, New laptop, VPN down, Firewall change, Old issue, Done thing, Closed thing, Cancelled thing, On hold thing, Open thing
--status new|Printer jams, New laptop, VPN down, Firewall change
--status pending --status resolved|Old issue, Done thing
--status closed|Closed thing
--status cancelled|Cancelled thing
--status on-hold|On hold thing
--status open|Open thing
--type request|New laptop
--type change|Firewall change
--priority P1|VPN down
--tier L2|New laptop
--queue second-line|New laptop
--queue desk|Printer jams, Firewall change, Old issue, On hold thing, Open thing
--assignee bob@example.com|Printer jams
--mine|New laptop, VPN down
--requester alice@example.com|Printer jams
--requester carol@example.com|VPN down
--tag printer|Printer jams
--tag floor-3|Printer jams
--tag vpn|VPN down
--category network|VPN down, Firewall change
--asset PRN-042|Printer jams
--key chg-1|Firewall change
--category hardware --type request|New laptop
--category hardware --all --status closed|
--assignee nobody@example.com|
--tag nosuchtag|
EOF
expect_exit "list: no match is not an error" 0 sd -C "$r" list --tag nosuchtag
expect_out_empty "list: no match prints nothing"
expect_exit "list --mine and --assignee conflict" 2 sd -C "$r" list --mine --assignee bob@example.com
expect_sd_error "list --mine --assignee: message"
expect_exit "list --status bogus" 2 sd -C "$r" list --status bogus
expect_sd_error "list --status bogus: message"
expect_err_has "list --status bogus: names the value" "bogus"

# --mine uses the git identity when SD_AUTHOR is unset.
expect_exit "list --mine without SD_AUTHOR" 0 env -u SD_AUTHOR "$SD" -C "$r" list --mine --format '%(title)'
expect_out_empty "list --mine as Home User: nothing assigned"

# --- --format ---
expect_exit "list --format fields" 0 sd -C "$r" list --key chg-1 \
	--format '%(short)|%(id)|%(title)|%(type)|%(status)|%(priority)|%(impact)|%(urgency)|%(tier)|%(queue)|%(assignee)|%(requester)|%(category)|%(asset)|%(key)|%(created)|%(updated)|%(age)'
expect_out "list --format: every field" \
	"$(short_id "$r" "$t4")|$t4|Firewall change|change|new|P4|medium|medium|L1|desk||tess@example.com|network||chg-1|2026-11-23T09:04:00Z|2026-11-23T09:04:00Z|56m"
expect_exit "list --format escapes" 0 sd -C "$r" list --key chg-1 --format 'a%%b%tc%nd%(priority)'
expect_out "list --format: %% %t %n" "$(printf 'a%%b\tc\ndP4')"
expect_exit "list --format: literal text only" 0 sd -C "$r" list --status new --format 'x'
expect_out "list --format: one line per ticket" "$(printf 'x\nx\nx\nx')"
expect_exit "list --format unknown field" 2 sd -C "$r" list --format '%(nosuchfield)'
expect_sd_error "list --format unknown field: message"
expect_err_has "list --format unknown field: names it" "nosuchfield"

# --- --json ---
expect_exit "list --json" 0 sd -C "$r" list --json
cp "$OUT" "$tmp/list.json"
expect_json "list --json: an array in list order" "$tmp/list.json" '[t["title"] for t in d]' \
	'["VPN down", "Printer jams", "New laptop", "Old issue", "On hold thing", "Open thing", "Firewall change"]'
expect_json "list --json: keys" "$tmp/list.json" 'sorted(set(k for t in d for k in t))' \
	'["asset", "assignee", "category", "cc", "channel", "created", "id", "impact", "incidents", "key", "known_error", "priority", "problem", "queue", "requester", "schema_version", "short_id", "status", "tags", "tier", "title", "type", "updated", "urgency", "vendor", "vendor_ref"]'
expect_json "list --json: no description or timeline" "$tmp/list.json" \
	'any("description" in t or "timeline" in t for t in d)' false
expect_json "list --json: schema_version 1" "$tmp/list.json" 'sorted(set(t["schema_version"] for t in d))' '[1]'
expect_json "list --json: values of one ticket" "$tmp/list.json" \
	'sorted([t for t in d if t["id"] == "'"$t1"'"][0].items())' \
	"[[\"asset\", \"PRN-042\"], [\"assignee\", \"bob@example.com\"], [\"category\", \"hardware\"], [\"cc\", []], [\"channel\", \"cli\"], [\"created\", \"2026-11-23T09:01:00Z\"], [\"id\", \"$t1\"], [\"impact\", \"medium\"], [\"incidents\", []], [\"key\", \"\"], [\"known_error\", \"\"], [\"priority\", \"P3\"], [\"problem\", \"\"], [\"queue\", \"desk\"], [\"requester\", \"alice@example.com\"], [\"schema_version\", 1], [\"short_id\", \"$(short_id "$r" "$t1")\"], [\"status\", \"new\"], [\"tags\", [\"printer\", \"floor-3\"]], [\"tier\", \"L1\"], [\"title\", \"Printer jams\"], [\"type\", \"incident\"], [\"updated\", \"2026-11-23T09:01:00Z\"], [\"urgency\", \"medium\"], [\"vendor\", \"\"], [\"vendor_ref\", \"\"]]"
expect_exit "list --json with a filter" 0 sd -C "$r" list --json --tag vpn
expect_json "list --json --tag vpn" "$OUT" '[t["title"] for t in d]' '["VPN down"]'
expect_exit "list --json --format conflict" 2 sd -C "$r" list --json --format '%(id)'
expect_sd_error "list --json --format: message"
expect_clean "list" "$r"
fsck_ok "list: filters" "$r"

finish
