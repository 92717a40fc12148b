#!/bin/bash
# SPDX-License-Identifier: MIT
# sd inbox: each section holds exactly the tickets the matching sd list
# filters show (--mine --sla breached/at-risk; --mine --waiting; --queue Q
# --assignee '' for my queues; --requester ME that changed since I looked),
# with counts; --json; and sd alone on a terminal in a store is the inbox.
. "$(dirname "$0")/lib.sh"

r=$(store inbox)
cat >>"$r/.sd/config.yaml" <<'EOF2'
agents:
  - {name: Tess Tester, email: tess@example.com, queues: [desk, second-line]}
  - {name: Ana Novak, email: ana@example.com, queues: [experts]}
EOF2
git -C "$r" commit -qam team
me=tess@example.com
export SD_NOW=2026-12-01T08:00:00Z
breached=$(new_ticket "$r" "Strežnik ne dela" --priority P1 --assignee $me)
waiting=$(new_ticket "$r" "Принтер застревает" --assignee $me --requester bob@example.com)
SD_AUTHOR="Bob <bob@example.com>" sd -C "$r" comment "$waiting" -m "Še vedno ne dela." >/dev/null 2>&1
answered=$(new_ticket "$r" "Answered already" --assignee $me --requester eva@example.com)
SD_AUTHOR="Eva <eva@example.com>" sd -C "$r" comment "$answered" -m "Pomoč?" >/dev/null 2>&1
sd -C "$r" comment "$answered" -m "Done that." >/dev/null 2>&1
queued=$(new_ticket "$r" "打印机卡纸" --queue desk)
queued2=$(new_ticket "$r" "Network down" --queue second-line)
other=$(new_ticket "$r" "Not my queue" --queue experts)
mine=$(new_ticket "$r" "My own laptop" --queue experts --assignee ana@example.com)
quiet=$(new_ticket "$r" "My own mouse" --queue experts --assignee ana@example.com)
SD_NOW=2026-12-01T09:00:00Z sd -C "$r" comment "$mine" -m "Looking into it." >/dev/null 2>&1
done_=$(new_ticket "$r" "Done one" --assignee $me --priority P1)
sd -C "$r" resolve "$done_" -m fixed >/dev/null 2>&1
export SD_NOW=2026-12-01T12:00:00Z

# ids FILE: the ids of a JSON array, sorted.
ids() { python3 -c 'import json,sys; print("\n".join(sorted(t["id"] for t in json.load(open(sys.argv[1])))))' "$1"; }
# section NAME: the ids of an inbox section, sorted.
section() { python3 -c 'import json,sys; print("\n".join(sorted(t["id"] for t in json.load(open(sys.argv[1]))[sys.argv[2]]["tickets"])))' "$tmp/inbox.json" "$1"; }
count() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]]["count"])' "$tmp/inbox.json" "$1"; }

expect_exit "inbox --json" 0 sd -C "$r" inbox --json --limit 0
cp "$OUT" "$tmp/inbox.json"

sd -C "$r" list --mine --sla breached --json >"$tmp/a.json"
sd -C "$r" list --mine --sla at-risk --json >"$tmp/b.json"
expect_eq "sla section: sd list --mine --sla breached + at-risk" \
	"$( (ids "$tmp/a.json"; ids "$tmp/b.json") | sort -u)" "$(section sla)"
expect_contains "sla section: the breached P1" "$tmp/inbox.json" "Strežnik ne dela"
sd -C "$r" list --mine --waiting --json >"$tmp/w.json"
expect_eq "waiting section: sd list --mine --waiting" "$(ids "$tmp/w.json")" "$(section waiting)"
expect_eq "waiting section: the ticket whose requester spoke last, not the answered one" \
	"$(sd -C "$r" show --json "$waiting" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')" \
	"$(section waiting)"
sd -C "$r" list --queue desk --assignee '' --json >"$tmp/q1.json"
sd -C "$r" list --queue second-line --assignee '' --json >"$tmp/q2.json"
expect_eq "queue section: sd list --queue Q --assignee '' for each of my queues" \
	"$( (ids "$tmp/q1.json"; ids "$tmp/q2.json") | sort -u)" "$(section queue)"
expect_eq "queue section: two tickets" 2 "$(count queue)"
sd -C "$r" list --requester $me --json >"$tmp/c.json"
expect_eq "changed section: sd list --requester ME, those updated since created" \
	"$(python3 -c 'import json,sys; print("\n".join(sorted(t["id"] for t in json.load(open(sys.argv[1])) if t["updated"] != t["created"])))' "$tmp/c.json")" \
	"$(section changed)"
expect_contains "changed section: the ticket with a new comment" "$tmp/inbox.json" "My own laptop"
expect_lacks "changed section: not the ticket nobody touched" "$tmp/inbox.json" "My own mouse"

# Looking at it (sd show) takes it off; the record is not committed.
sd -C "$r" show "$mine" >/dev/null 2>&1
expect_exit "inbox after sd show" 0 sd -C "$r" inbox --json
cp "$OUT" "$tmp/inbox.json"
expect_lacks "changed: gone once looked at" "$tmp/inbox.json" "My own laptop"
expect_exists "the record of looks" "$r/.git/sd/seen"
expect_eq "the record is not in the work tree" "" "$(git -C "$r" status --porcelain)"

# For people: headings with counts, the first rows, the rest counted.
expect_exit "inbox" 0 sd -C "$r" inbox --limit 1
expect_out_has "heading with count" "Unassigned in your queues (2): desk, second-line"
expect_out_has "the rest counted" "… 1 more (--limit 0 shows all)"
expect_out_has "waiting heading" "Waiting for your answer (1)"
expect_exit "--limit bad" 2 sd -C "$r" inbox --limit lots
expect_err_has "--limit bad: says what to give" "invalid --limit 'lots'"

if command -v script >/dev/null 2>&1; then
	run script -qec "$SD --no-pager -C $r" /dev/null
	expect_eq "sd alone on a terminal in a store: exit 0" 0 "$RC"
	expect_out_has "sd alone on a terminal: the inbox" "Waiting for your answer (1)"
fi
expect_exit "sd alone off a terminal: usage" 2 sd -C "$r"
fsck_ok "inbox" "$r"
finish
