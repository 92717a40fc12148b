#!/bin/bash
# SPDX-License-Identifier: MIT
# sd show: the human view and the JSON schema.
. "$(dirname "$0")/lib.sh"

r=$(store show)
id=$(new_ticket "$r" "Printer on floor 3 jams" -m "The printer jams on every second page." \
	--category hardware --assignee bob@example.com --requester alice@example.com \
	--tag printer --tag floor-3 --asset PRN-042)
SD_NOW=2026-11-23T09:05:00Z sd -C "$r" comment "$id" -m "Have you tried turning it off and on?" >/dev/null 2>&1
SD_NOW=2026-11-23T09:06:00Z sd -C "$r" comment "$id" --internal -m "Toner supplier is slow again." >/dev/null 2>&1
SD_NOW=2026-11-23T09:10:00Z sd -C "$r" status "$id" open -m "picked up" >/dev/null 2>&1
short=$(short_id "$r" "$id")

# --- text ---
SD_NOW=2026-11-23T10:00:00Z expect_exit "show: text" 0 sd -C "$r" show "$id"
expect_eq "show: nothing on stderr" "" "$(cat "$ERR")"
for want in "$id" "Printer on floor 3 jams" "open" "P3" "L1" "incident" "bob@example.com" \
	"alice@example.com" "hardware" "printer" "floor-3" "PRN-042" "desk" \
	"The printer jams on every second page." "Have you tried turning it off and on?" \
	"Toner supplier is slow again." "Tess Tester" "picked up"; do
	expect_out_has "show: shows '$want'" "$want"
done
_ICASE=1 expect_out_has "show: marks the internal comment" "internal"
expect_no_esc "show: no colour off a terminal" "$OUT"
# Timeline oldest first.
l1=$(grep -n "Have you tried" "$OUT" | head -n 1 | cut -d: -f1)
l2=$(grep -n "Toner supplier" "$OUT" | head -n 1 | cut -d: -f1)
l3=$(grep -n "picked up" "$OUT" | head -n 1 | cut -d: -f1)
expect_eq "show: timeline oldest first" "yes" "$([ -n "$l1" ] && [ -n "$l2" ] && [ -n "$l3" ] && [ "$l1" -lt "$l2" ] && [ "$l2" -lt "$l3" ] && echo yes || echo "lines: $l1 $l2 $l3")"
# The description comes before the timeline.
ld=$(grep -n "The printer jams" "$OUT" | head -n 1 | cut -d: -f1)
expect_eq "show: description before timeline" "yes" "$([ -n "$ld" ] && [ -n "$l1" ] && [ "$ld" -lt "$l1" ] && echo yes || echo "lines: $ld $l1")"
# No raw markers leak into the human view.
expect_lacks "show: no raw comment markers" "$OUT" "<!-- sd:"

# By short id, any prefix, upper case: same output.
cp "$OUT" "$tmp/show.full"
SD_NOW=2026-11-23T10:00:00Z expect_exit "show: by short id" 0 sd -C "$r" show "$short"
expect_file_eq "show: short id gives the same output" "$tmp/show.full" "$OUT"
upper=$(echo "${id:0:7}" | tr a-z A-Z)
SD_NOW=2026-11-23T10:00:00Z expect_exit "show: upper-case prefix" 0 sd -C "$r" show "$upper"
expect_file_eq "show: upper-case prefix gives the same output" "$tmp/show.full" "$OUT"
# Showing changes nothing.
expect_clean "show" "$r"

# --- JSON ---
expect_exit "show --json" 0 sd -C "$r" show "$id" --json
expect_eq "show --json: nothing on stderr" "" "$(cat "$ERR")"
cp "$OUT" "$tmp/show.json"
j=$tmp/show.json
expect_json "json: keys in documented order" "$j" 'list(d.keys())' \
	'["schema_version", "id", "title", "type", "status", "priority", "impact", "urgency", "tier", "queue", "assignee", "requester", "category", "tags", "asset", "key", "vendor", "vendor_ref", "channel", "problem", "incidents", "known_error", "cc", "created", "updated", "description", "timeline", "extra"]'
expect_json "json: schema_version" "$j" 'd["schema_version"]' 1
expect_json "json: front matter values" "$j" \
	'[d[k] for k in ("id","title","type","status","priority","impact","urgency","tier","queue","assignee","requester","category","tags","asset","key","created","updated")]' \
	"[\"$id\", \"Printer on floor 3 jams\", \"incident\", \"open\", \"P3\", \"medium\", \"medium\", \"L1\", \"desk\", \"bob@example.com\", \"alice@example.com\", \"hardware\", [\"printer\", \"floor-3\"], \"PRN-042\", \"\", \"2026-11-23T09:00:00Z\", \"2026-11-23T09:10:00Z\"]"
expect_json "json: description" "$j" 'd["description"]' "The printer jams on every second page."
expect_json "json: no null anywhere" "$j" \
	'(lambda f: f(f, d))(lambda f, v: any(f(f, x) for x in (v.values() if isinstance(v, dict) else v)) if isinstance(v, (dict, list)) else v is None)' \
	false
expect_json "json: comments" "$j" \
	'[(e["kind"], e["author"], e["at"], e["visibility"], e["body"]) for e in d["timeline"] if e["kind"] == "comment"]' \
	'[["comment", "Tess Tester <tess@example.com>", "2026-11-23T09:05:00Z", "public", "Have you tried turning it off and on?"], ["comment", "Tess Tester <tess@example.com>", "2026-11-23T09:06:00Z", "internal", "Toner supplier is slow again."]]'
expect_json "json: comment keys" "$j" \
	'sorted(set(tuple(sorted(e.keys())) for e in d["timeline"] if e["kind"] == "comment"))' \
	'[["at", "author", "body", "id", "kind", "visibility"]]'
expect_json "json: status event" "$j" \
	'[(e["author"], e["at"], e["from"], e["to"], e["reason"]) for e in d["timeline"] if e["kind"] == "event" and e["field"] == "status"]' \
	'[["Tess Tester <tess@example.com>", "2026-11-23T09:10:00Z", "new", "open", "picked up"]]'
expect_json "json: event keys" "$j" \
	'sorted(set(tuple(sorted(e.keys())) for e in d["timeline"] if e["kind"] == "event"))' \
	'[["at", "author", "field", "from", "id", "kind", "reason", "to"]]'
expect_json "json: entry ids are 10 base32 characters, unique" "$j" \
	'all(len(e["id"]) == 10 and all(c in "0123456789abcdefghjkmnpqrstvwxyz" for c in e["id"]) for e in d["timeline"]) and len(set(e["id"] for e in d["timeline"])) == len(d["timeline"])' \
	true
expect_json "json: timeline oldest first" "$j" \
	'[e["at"] for e in d["timeline"]] == sorted(e["at"] for e in d["timeline"])' true
tf=$r/$(tpath "$id")
expect_json "json: entry ids match the markers in the file" "$j" \
	"sorted(e['id'] for e in d['timeline']) == sorted(__import__('re').findall(r'^<!-- sd:(?:comment|event) id=(\w+) ', open('$tf').read(), __import__('re').M))" \
	true

# Empty values are "" and [] in JSON; key "" when unset.
id2=$(new_ticket "$r" "Bare ticket")
expect_exit "show --json: bare ticket" 0 sd -C "$r" show "$id2" --json
expect_json "json: empty values" "$OUT" \
	'[d["assignee"], d["category"], d["asset"], d["key"], d["tags"], d["description"], d["queue"]]' \
	'["", "", "", "", [], "", "desk"]'
expect_json "json: no comments on a new ticket" "$OUT" \
	'[e for e in d["timeline"] if e["kind"] == "comment"]' '[]'
expect_json "json: event without reason has reason \"\"" "$OUT" \
	'all(isinstance(e.get("reason"), str) for e in d["timeline"] if e["kind"] == "event")' true

# Control characters are escaped properly in JSON (and round-trip).
SD_NOW=2026-11-23T09:20:00Z sd -C "$r" comment "$id2" -m "$(printf 'tab\there, bell\a, esc\033[1m, quote " and backslash \\')" >/dev/null 2>&1
expect_exit "show --json: control characters" 0 sd -C "$r" show "$id2" --json
expect_no_esc "json: no raw ESC byte" "$OUT"
expect_json "json: control characters round-trip" "$OUT" \
	'[e["body"] for e in d["timeline"] if e["kind"] == "comment"] == ["tab\there, bell\x07, esc\x1b[1m, quote \" and backslash \\"]' true

# --- errors ---
expect_exit "show: unknown id" 2 sd -C "$r" show zzzzzzzzzzzz
expect_sd_error "show: unknown id: message"
expect_err_has "show: unknown id: names it" "zzzzzzzzzzzz"
expect_exit "show: no id" 2 sd -C "$r" show
expect_sd_error "show: no id: message"
fsck_ok "show" "$r"

finish
