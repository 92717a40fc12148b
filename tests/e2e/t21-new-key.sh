#!/bin/bash
# SPDX-License-Identifier: MIT
# sd new --key: deduplication by an external key.
. "$(dirname "$0")/lib.sh"

# --- a second new with the same key comments on the first ticket ---
r=$(store key)
id=$(new_ticket "$r" "Mail from Alice" --key mail-123 -m "First message.")
expect_match "key: written in the front matter after asset" <(front_matter "$r/$(tpath "$id")") '^key: mail-123$'
expect_eq "key: line order asset, key, created" "asset key created" \
	"$(front_matter "$r/$(tpath "$id")" | sed -n 's/^\(asset\|key\|created\):.*/\1/p' | tr '\n' ' ' | sed 's/ $//')"
before=$(commit_count "$r")
SD_NOW=2026-11-23T09:30:00Z expect_exit "key: same key again" 0 sd -C "$r" new "Re: Mail from Alice" --key mail-123 -m "Second message."
expect_out "key: prints the existing id" "$id"
expect_eq "key: no second ticket" "$id" "$(all_ids "$r")"
expect_one_new_commit "key: text added" "$r" "$before"
expect_eq "key: commit touches only the ticket" "$(tpath "$id")" \
	"$(git -C "$r" show --name-only --format= HEAD | sed '/^$/d')"
expect_match "key: commit subject names the ticket" <(git -C "$r" log -1 --format=%s) "^sd: [a-z]+ ${id:0:4} \"Mail from Alice\"\$"
expect_match "key: title unchanged" "$r/$(tpath "$id")" '^title: Mail from Alice$'
expect_exit "key: show --json" 0 sd -C "$r" show "$id" --json
expect_json "key: text became a public comment" "$OUT" \
	'[(e["kind"], e["body"], e["visibility"], e["at"]) for e in d["timeline"] if e["kind"] == "comment"]' \
	'[["comment", "Second message.", "public", "2026-11-23T09:30:00Z"]]'
expect_json "key: description unchanged" "$OUT" 'd["description"]' "First message."
expect_json "key: key in JSON" "$OUT" 'd["key"]' "mail-123"
expect_clean "key" "$r"

# Without text: the id, and no commit at all.
before=$(commit_count "$r")
SD_NOW=2026-11-23T09:40:00Z expect_exit "key: same key without text" 0 sd -C "$r" new "Again" --key mail-123
expect_out "key without text: prints the existing id" "$id"
expect_commit_count "key without text: no commit" "$r" "$before"
expect_clean "key without text" "$r"

# -F works the same way.
printf 'Third message\nfrom a file.\n' >"$tmp/third"
before=$(commit_count "$r")
SD_NOW=2026-11-23T09:50:00Z expect_exit "key: -F FILE" 0 sd -C "$r" new "Again" --key mail-123 -F "$tmp/third"
expect_out "key -F: prints the existing id" "$id"
expect_one_new_commit "key -F" "$r" "$before"
expect_exit "key -F: show --json" 0 sd -C "$r" show "$id" --json
expect_json "key -F: second public comment" "$OUT" \
	'[e["body"] for e in d["timeline"] if e["kind"] == "comment"]' \
	'["Second message.", "Third message\nfrom a file."]'

# A different key makes a new ticket.
id2=$(new_ticket "$r" "Other mail" --key mail-124)
expect_eq "key: a different key is a new ticket" "yes" "$([ "$id2" != "$id" ] && [ -f "$r/$(tpath "$id2")" ] && echo yes)"
# sd list --key finds it; an unknown key finds nothing and exits 1.
expect_exit "list --key" 0 sd -C "$r" list --key mail-123 --format '%(id)'
expect_out "list --key: the ticket" "$id"
expect_exit "list --key unknown: exit 1" 1 sd -C "$r" list --key no-such-key
expect_out_empty "list --key unknown: no output"
fsck_ok "key" "$r"

# --- resolved tickets still match; closed and cancelled ones do not ---
r=$(store keystatus)
idr=$(new_ticket "$r" "Resolved one" --key k-resolved)
SD_NOW=2026-11-23T09:10:00Z sd -C "$r" resolve "$idr" -m "fixed" >/dev/null 2>&1
expect_exit "key: resolved ticket" 0 sd -C "$r" new "Again" --key k-resolved -m "Still broken."
expect_out "key: a resolved ticket still matches" "$idr"
expect_match "key: a resolved ticket is reopened" "$r/$(tpath "$idr")" '^status: open$'
expect_contains "key: the reopening says why" "$r/$(tpath "$idr")" 'reason="reported again (key k-resolved)"'
expect_contains "key: the report is a comment" "$r/$(tpath "$idr")" 'Still broken.'
expect_eq "key: reopened in one commit" "sd: reopen $(short_id "$r" "$idr") \"Resolved one\"" \
	"$(git -C "$r" log -1 --format=%s)"

idc=$(new_ticket "$r" "Closed one" --key k-closed)
SD_NOW=2026-11-23T09:20:00Z sd -C "$r" close "$idc" >/dev/null 2>&1
before=$(commit_count "$r")
expect_exit "key: closed ticket" 0 sd -C "$r" new "Closed again" --key k-closed -m "New problem."
new=$(cat "$OUT")
expect_eq "key: a closed ticket does not match" "new" "$([ "$new" != "$idc" ] && [ -f "$r/$(tpath "$new")" ] && echo new || echo "same: $new")"
expect_one_new_commit "key after closed" "$r" "$before"
expect_match "key after closed: new ticket has the key" "$r/$(tpath "$new")" '^key: k-closed$'
expect_match "key after closed: new ticket is new" "$r/$(tpath "$new")" '^status: new$'

idx=$(new_ticket "$r" "Cancelled one" --key k-cancelled)
SD_NOW=2026-11-23T09:30:00Z sd -C "$r" status "$idx" cancelled >/dev/null 2>&1
expect_exit "key: cancelled ticket" 0 sd -C "$r" new "Cancelled again" --key k-cancelled
new=$(cat "$OUT")
expect_eq "key: a cancelled ticket does not match" "new" "$([ "$new" != "$idx" ] && [ -f "$r/$(tpath "$new")" ] && echo new || echo "same: $new")"
# Now the open one matches, not the cancelled one.
expect_exit "key: the open duplicate matches afterwards" 0 sd -C "$r" new "Third" --key k-cancelled
expect_out "key: the live ticket's id" "$new"
fsck_ok "key statuses" "$r"

# --- without --key nothing is deduplicated ---
r=$(store nokey)
a=$(new_ticket "$r" "Same title")
b=$(new_ticket "$r" "Same title")
expect_eq "no key: two tickets with the same title" 2 "$(all_ids "$r" | wc -l | tr -d ' ')"
expect_exit "no key: show --json" 0 sd -C "$r" show "$a" --json
expect_json "no key: key is empty string in JSON" "$OUT" 'd["key"]' ""
expect_lacks "no key: no key line in the file" "$r/$(tpath "$a")" "key:"
fsck_ok "no key" "$r"

finish
