#!/bin/bash
# SPDX-License-Identifier: MIT
# Routing: rules in .sd/config.yaml route new tickets (words in Slovenian
# and Cyrillic, requester globs, channels), choosers assign agents on
# shift and not away, fields the creator set stay, every change is an
# event naming the rule in the creation's commit; sd route re-applies and
# explains; sd escalate uses the queue's chooser; sd check warns.
. "$(dirname "$0")/lib.sh"

J=$tmp/t.json
# Monday 2026-11-23 09:00 UTC is 10:00 in Ljubljana: the office is open.
r=$(store route)
expect_contains "init: the default config shows a commented team example" \
	"$r/.sd/config.yaml" "# routing:                             # first match wins"
cat >>"$r/.sd/config.yaml" <<'EOF2'
agents:
  - {name: Ana Novak, email: ana@example.com, queues: [desk, network], calendar: office}
  - {name: Bor Kos, email: bor@example.com, queues: [desk, network], calendar: office}
  - {name: Cene, email: cene@example.com, queues: [desk], away: [2026-11-20..2026-11-25]}
  - {name: Dora, email: dora@example.com, queues: [second-line]}
queues:
  desk: {assign: round-robin}
  network: {assign: least-loaded}
  second-line: {assign: round-robin}
routing:
  - name: printers
    match: {words: [принтер, tiskalnik, "ne dela"]}
    set: {queue: network, tier: L2, category: hardware}
  - name: finance
    match: {requester: "*@finance.example.com"}
    set: {urgency: high, tags: [finance], assign: ana@example.com}
EOF2
commit_all "$r" "team"
printers_line=$(grep -n "name: printers" "$r/.sd/config.yaml" | cut -d: -f1)
state() { sd -C "$r" show "$1" --json >"$J"; }
reason_of() { echo "[e['reason'] for e in d['timeline'] if e['kind'] == 'event' and e['field'] == '$1'][-1]"; }

# --- sd new is routed, in one commit ---
before=$(commit_count "$r")
id1=$(new_ticket "$r" "Tiskalnik v 3. nadstropju NE  DELA")
expect_one_new_commit "new, routed" "$r" "$before"
expect_last_commit "new, routed" "$r" "sd: new $(short_id "$r" "$id1") \"Tiskalnik v 3. nadstropju NE  DELA\"" "$(tpath "$id1")"
state "$id1"
expect_json "Slovenian words: queue, tier, category set" "$J" \
	"[d['queue'], d['tier'], d['category'], d['channel']]" '["network", "L2", "hardware", "cli"]'
expect_json "least-loaded: a tie goes to the first by e-mail" "$J" "d['assignee']" "ana@example.com"
expect_json "the event's reason names the rule" "$J" "$(reason_of queue)" 'routing: rule "printers"'
expect_json "the assignment names the queue's chooser" "$J" "$(reason_of assignee)" \
	'routing: queue "network", least-loaded'

id2=$(new_ticket "$r" "Принтер не печатает")
state "$id2"
expect_json "Cyrillic word, any case: routed; least-loaded picks Bor" "$J" \
	"[d['queue'], d['assignee']]" '["network", "bor@example.com"]'

id3=$(new_ticket "$r" "Tiskalniki so novi")
state "$id3"
expect_json "only whole words: 'tiskalniki' is not 'tiskalnik'; desk round-robin, Cene away" "$J" \
	"[d['queue'], d['tier'], d['assignee']]" '["desk", "L1", "ana@example.com"]'

id4=$(new_ticket "$r" "Invoice run" --requester "Boss <boss@FINANCE.example.com>")
state "$id4"
expect_json "requester glob: urgency, priority, tag and the rule's agent" "$J" \
	"[d['urgency'], d['priority'], d['tags'], d['assignee']]" \
	'["high", "P2", ["finance"], "ana@example.com"]'

id5=$(new_ticket "$r" "tiskalnik" --queue front --assignee zoe@example.com)
state "$id5"
expect_json "fields the creator set stay; the others are routed" "$J" \
	"[d['queue'], d['assignee'], d['tier']]" '["front", "zoe@example.com", "L2"]'

# Saturday: Ana and Bor are off shift, so nobody takes a network ticket.
id6=$(SD_NOW=2026-11-28T10:00:00Z new_ticket "$r" "ne dela")
state "$id6"
expect_json "nobody available: unassigned" "$J" "d['assignee']" ""
expect_json "nobody available: the reason is in the timeline" "$J" "$(reason_of routing)" \
	'routing: queue "network", least-loaded: nobody available in queue network (ana@example.com off shift, bor@example.com off shift)'

# --- sd route --explain ---
before=$(commit_count "$r")
expect_exit "explain" 0 sd -C "$r" route --explain --title "Tiskalnik ne dela"
expect_out "explain: the rule, its line, each change and who gets it" \
	"rule \"printers\" (.sd/config.yaml:$printers_line) matches
  tier: L1 -> L2
  queue: desk -> network
  category: (none) -> hardware
  assignee: (none) -> bor@example.com
  (least-loaded in queue network)
queue network, tier L2, priority P3, assignee bor@example.com"
expect_commit_count "explain changes nothing" "$r" "$before"
expect_exit "explain: no rule" 0 sd -C "$r" route --explain --title "Mailbox full" --channel mail
expect_out_has "explain: no rule matches" "no rule matches"
expect_exit "explain: bad channel" 2 sd -C "$r" route --explain --channel fax
expect_sd_error "explain: bad channel" 

# --- sd route ID: the rules again ---
id7=$(new_ticket "$r" "Wifi down")
cat >>"$r/.sd/config.yaml" <<'EOF2'
  - name: wifi
    match: {words: [wifi]}
    set: {queue: network, tier: L2}
EOF2
commit_all "$r" "wifi rule"
s7=$(short_id "$r" "$id7")
before=$(commit_count "$r")
expect_exit "route --dry-run" 0 sd -C "$r" route "$id7" --dry-run
expect_out_has "route --dry-run: what would change" \
	"$s7: rule \"wifi\"; tier: L1 -> L2; queue: desk -> network; (least-loaded in queue network)"
expect_out_has "route --dry-run: says so" "dry run: nothing was changed"
expect_commit_count "route --dry-run changes nothing" "$r" "$before"
SD_NOW=2026-11-23T09:20:00Z expect_exit "route" 0 sd -C "$r" route "$id7" "$id1"
expect_out_has "route: the moved ticket" "$s7: rule \"wifi\"; tier: L1 -> L2; queue: desk -> network"
expect_out_has "route: an unchanged one" "$(short_id "$r" "$id1"): rule \"printers\"; unchanged"
expect_one_new_commit "route" "$r" "$before"
expect_last_commit "route" "$r" "sd: route $s7 \"Wifi down\"" "$(tpath "$id7")"
state "$id7"
expect_json "route: moved, and given to the new queue's chooser" "$J" \
	"[d['queue'], d['assignee'] in ('ana@example.com', 'bor@example.com'), $(reason_of queue)]" \
	'["network", true, "routing: rule \"wifi\""]'
expect_exit "route: no id" 2 sd -C "$r" route
expect_exit "route: request options are for --explain" 2 sd -C "$r" route "$id7" --title x
expect_sd_error "route: request options are for --explain"

# --- sd escalate hands over by the queue's chooser ---
# Later than the creation, so that its events sort after the ticket's first.
SD_NOW=2026-11-23T09:30:00Z expect_exit "escalate to L2" 0 sd -C "$r" escalate "$id3" -m "needs a technician"
state "$id3"
expect_json "escalate: second-line's round-robin picks Dora" "$J" \
	"[d['queue'], d['assignee'], $(reason_of assignee)]" \
	'["second-line", "dora@example.com", "escalated: needs a technician; routing: queue \"second-line\", round-robin"]'
expect_exit "escalate with --assignee" 0 sd -C "$r" escalate "$id4" -m "x" --assignee zoe@example.com
state "$id4"
expect_json "escalate: --assignee wins over the chooser" "$J" "d['assignee']" "zoe@example.com"

expect_exit "check: a routed store is clean" 0 sd -C "$r" check
fsck_ok "routed store" "$r"

# --- a store without rules; bad and doubtful configs ---
p=$(store plain)
expect_exit "route without rules" 2 sd -C "$p" route x
expect_err_has "route without rules: says why" "has no routing rules"
printf 'routing:\n  - match: {colour: red}\n' >>"$p/.sd/config.yaml"
line=$(grep -n "colour" "$p/.sd/config.yaml" | cut -d: -f1)
expect_exit "bad rule: new refuses" 2 sd -C "$p" new "x"
expect_err "bad rule: file:line" \
	"sd: .sd/config.yaml:$line: match: unknown key 'colour'; use type, category, tags, requester, words or channel"
expect_exit "bad rule: check fails" 1 sd -C "$p" check
w=$(store warn)
cat >>"$w/.sd/config.yaml" <<'EOF2'
agents:
  - email: eve@example.com
    queues: [ghost]
    calendar: night
    away: [2026-12-01..2026-12-10, 2026-12-05]
routing:
  - set: {assign: nobody@example.com}
EOF2
expect_exit "doubtful team: check passes" 0 sd -C "$w" check
expect_err_has "check warns: queue nothing mentions" "agent eve@example.com is in queue 'ghost', which no tier, queue or routing rule mentions"
expect_err_has "check warns: unknown calendar" "agent eve@example.com has an unknown calendar 'night'"
expect_err_has "check warns: overlapping away" "overlapping away ranges (2026-12-01..2026-12-10 and 2026-12-05..2026-12-05)"
expect_err_has "check warns: assign to a stranger" "rule \"rule 1\" assigns to nobody@example.com, who is not in agents"

finish
