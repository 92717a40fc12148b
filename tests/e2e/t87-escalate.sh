#!/bin/bash
# SPDX-License-Identifier: MIT
# sd escalate: support tiers L0-L4, de-escalation, vendors, and the errors.
# Tiers in the default config: L1 queue desk, L2 second-line, L3 experts,
# L4 external vendor (no queue).
. "$(dirname "$0")/lib.sh"

J=$tmp/state.json
ME="Tess Tester <tess@example.com>"
state() { sd -C "$r" show "$id" --json >"$J" 2>"$tmp/state.err"; }
# events FIELD: [from, to, reason, at, author] of all the field's events.
events() {
	echo '[[e["from"], e["to"], e["reason"], e["at"], e["author"]] for e in d["timeline"] if e["kind"] == "event" and e["field"] == "'"$1"'"]'
}
last_event() { echo "$(events "$1")[-1:]"; }

# mutate NAME VERB AT CMD...: one commit "sd: VERB SHORT "TITLE"" touching
# only the ticket, clean tree; then the ticket's JSON in $J.
mutate() {
	local name=$1 verb=$2 at=$3 before
	shift 3
	before=$(commit_count "$r")
	SD_NOW=$at expect_exit "$name" 0 "$@"
	expect_one_new_commit "$name" "$r" "$before"
	expect_last_commit "$name" "$r" "sd: $verb $(short_id "$r" "$id") \"$title\"" "$(tpath "$id")"
	expect_clean "$name" "$r"
	state
}

# refuse NAME CMD...: exit 2, an "sd: " message, nothing changed.
refuse() {
	local name=$1 h s
	shift
	h=$(head_of "$r")
	s=$(gstatus "$r")
	SD_NOW=2026-11-23T12:00:00Z expect_exit "$name: exit 2" 2 "$@"
	expect_sd_error "$name: message"
	expect_unchanged "$name" "$r" "$h" "$s"
}

# --- up the tiers and back down ---
r=$(store tiers)
title="Database slow"
id=$(new_ticket "$r" "$title")
f=$r/$(tpath "$id")
state
expect_json "new ticket: L1, desk, no vendor" "$J" '[d["tier"], d["queue"], d["vendor"], d["vendor_ref"]]' '["L1", "desk", "", ""]'
expect_eq "new ticket: no vendor lines in the front matter" 0 "$(front_matter "$f" | grep -c '^vendor')"

mutate "escalate to the next tier" escalate 2026-11-23T10:00:00Z sd -C "$r" escalate "$id" -m "needs a DBA"
expect_json "escalate: L2, second-line" "$J" '[d["tier"], d["queue"]]' '["L2", "second-line"]'
expect_json "escalate: tier event" "$J" "$(events tier)" \
	"[[\"L1\", \"L2\", \"escalated: needs a DBA\", \"2026-11-23T10:00:00Z\", \"$ME\"]]"
expect_json "escalate: queue event" "$J" "$(events queue)" \
	"[[\"desk\", \"second-line\", \"escalated: needs a DBA\", \"2026-11-23T10:00:00.001Z\", \"$ME\"]]"
expect_match "escalate: tier in the front matter" <(front_matter "$f") '^tier: L2$'
expect_match "escalate: queue in the front matter" <(front_matter "$f") '^queue: second-line$'

mutate "escalate --to L3" escalate 2026-11-23T10:10:00Z sd -C "$r" escalate "$id" --to L3 -m "index corruption"
expect_json "--to L3: L3, experts" "$J" '[d["tier"], d["queue"]]' '["L3", "experts"]'
expect_json "--to L3: events" "$J" "[$(last_event tier), $(last_event queue)]" \
	"[[[\"L2\", \"L3\", \"escalated: index corruption\", \"2026-11-23T10:10:00Z\", \"$ME\"]], [[\"second-line\", \"experts\", \"escalated: index corruption\", \"2026-11-23T10:10:00.001Z\", \"$ME\"]]]"

mutate "de-escalate --to L1" de-escalate 2026-11-23T10:20:00Z sd -C "$r" escalate "$id" --to L1 -m "just a full disk"
expect_json "--to L1: L1, desk" "$J" '[d["tier"], d["queue"]]' '["L1", "desk"]'
expect_json "--to L1: recorded as a de-escalation" "$J" "[$(last_event tier), $(last_event queue)]" \
	"[[[\"L3\", \"L1\", \"de-escalated: just a full disk\", \"2026-11-23T10:20:00Z\", \"$ME\"]], [[\"experts\", \"desk\", \"de-escalated: just a full disk\", \"2026-11-23T10:20:00.001Z\", \"$ME\"]]]"
fsck_ok "tiers" "$r"

# --- L4 and vendors ---
r=$(store vendor)
title="SAN controller failed"
id=$(new_ticket "$r" "$title" --tier L3)
f=$r/$(tpath "$id")
refuse "L3 -> L4 without --vendor" sd -C "$r" escalate "$id" -m "hardware"
refuse "--to L4 without --vendor" sd -C "$r" escalate "$id" --to L4 -m "hardware"
refuse "--vendor-ref alone is not a vendor" sd -C "$r" escalate "$id" --to L4 --vendor-ref X-1 -m "hardware"
refuse "--vendor when not going to L4" sd -C "$r" escalate "$id" --to L2 --vendor Acme -m "hardware"
mutate "escalate to L4 with a vendor" escalate 2026-11-23T10:00:00Z \
	sd -C "$r" escalate "$id" -m "hardware fault" --vendor "Acme Storage" --vendor-ref ACME-4711
expect_json "L4: tier, vendor, vendor_ref" "$J" '[d["tier"], d["vendor"], d["vendor_ref"]]' '["L4", "Acme Storage", "ACME-4711"]'
expect_json "L4: tier event" "$J" "$(events tier)" \
	"[[\"L3\", \"L4\", \"escalated: hardware fault\", \"2026-11-23T10:00:00Z\", \"$ME\"]]"
expect_json "L4: vendor events" "$J" "[$(events vendor), $(events vendor_ref)]" \
	"[[[\"\", \"Acme Storage\", \"escalated: hardware fault\", \"2026-11-23T10:00:00.001Z\", \"$ME\"]], [[\"\", \"ACME-4711\", \"escalated: hardware fault\", \"2026-11-23T10:00:00.002Z\", \"$ME\"]]]"
expect_match "L4: vendor in the front matter" <(front_matter "$f") '^vendor: Acme Storage$'
expect_match "L4: vendor_ref in the front matter" <(front_matter "$f") '^vendor_ref: ACME-4711$'
refuse "past L4" sd -C "$r" escalate "$id" -m "more"
expect_err_has "past L4: says it is the last tier" "the last tier"
refuse "--to the same tier" sd -C "$r" escalate "$id" --to L4 -m "again"
expect_err_has "--to the same tier: says so" "already at"
refuse "--to an unknown tier" sd -C "$r" escalate "$id" --to L9 -m "further"
refuse "--to a tier that is not a tier" sd -C "$r" escalate "$id" --to vendor -m "further"
refuse "without -m" sd -C "$r" escalate "$id" --to L3
refuse "with an empty -m" sd -C "$r" escalate "$id" --to L3 -m ""
state
expect_json "errors: nothing changed" "$J" '[d["tier"], d["vendor"], d["vendor_ref"]]' '["L4", "Acme Storage", "ACME-4711"]'
# Back from the vendor, and up again: the vendor is already known.
mutate "de-escalate from L4" de-escalate 2026-11-23T11:00:00Z sd -C "$r" escalate "$id" --to L3 -m "vendor fixed it"
expect_json "from L4: L3, experts" "$J" '[d["tier"], d["queue"]]' '["L3", "experts"]'
mutate "back to L4, vendor known" escalate 2026-11-23T12:00:00Z sd -C "$r" escalate "$id" -m "broke again"
expect_json "back to L4: the vendor kept" "$J" '[d["tier"], d["vendor"]]' '["L4", "Acme Storage"]'
# sd set can change the vendor fields.
mutate "set vendor_ref" set 2026-11-23T12:10:00Z sd -C "$r" set "$id" vendor_ref=ACME-4712
expect_json "set vendor_ref" "$J" 'd["vendor_ref"]' ACME-4712
fsck_ok "vendor" "$r"

# --- --assignee and --queue ---
r=$(store assignee)
title="Network flaps"
id=$(new_ticket "$r" "$title")
mutate "escalate --queue --assignee" escalate 2026-11-23T10:00:00Z \
	sd -C "$r" escalate "$id" -m "for the network team" --queue network --assignee bob@example.com
expect_json "--queue --assignee: fields" "$J" '[d["tier"], d["queue"], d["assignee"]]' '["L2", "network", "bob@example.com"]'
expect_json "--queue: event" "$J" "$(events queue)" \
	"[[\"desk\", \"network\", \"escalated: for the network team\", \"2026-11-23T10:00:00.001Z\", \"$ME\"]]"
expect_json "--assignee: event" "$J" "$(events assignee)" \
	"[[\"\", \"bob@example.com\", \"escalated: for the network team\", \"2026-11-23T10:00:00.002Z\", \"$ME\"]]"
refuse "unknown ticket" sd -C "$r" escalate zzzzzzzzzzzz -m "nothing"
fsck_ok "assignee" "$r"

# --- escalation does not reset the SLA clocks ---
r=$(store clocks)
title="Slow laptop"
id=$(new_ticket "$r" "$title")
AT=2026-11-23T13:30:00Z
expect_exit "clocks before" 0 sd -C "$r" sla --at $AT --json
cp "$OUT" "$tmp/before.json"
# 10:00Z to 13:30Z is 11:00-14:30 local, lunch excluded; from 10:00 local.
expect_json "clocks before: elapsed" "$tmp/before.json" \
	'[[t["first_response"]["state"], t["first_response"]["elapsed"], t["resolution"]["elapsed"]] for t in d]' \
	'[["at-risk", 12600, 12600]]'
mutate "escalate" escalate 2026-11-23T10:00:00Z sd -C "$r" escalate "$id" -m "hardware"
mutate "escalate again" escalate 2026-11-23T11:00:00Z sd -C "$r" escalate "$id" -m "hardware, really"
mutate "de-escalate" de-escalate 2026-11-23T12:00:00Z sd -C "$r" escalate "$id" --to L2 -m "not that bad"
expect_exit "clocks after" 0 sd -C "$r" sla --at $AT --json
cp "$OUT" "$tmp/after.json"
clocks='[[t[c] for c in ("policy", "first_response", "next_response", "resolution")] for t in d]'
expect_eq "clocks: unchanged by escalation" "$(json_get "$tmp/before.json" "$clocks")" "$(json_get "$tmp/after.json" "$clocks")"
expect_json "clocks after: elapsed" "$tmp/after.json" \
	'[[t["first_response"]["state"], t["first_response"]["elapsed"], t["resolution"]["elapsed"]] for t in d]' \
	'[["at-risk", 12600, 12600]]'
fsck_ok "clocks" "$r"

finish
