#!/bin/bash
# SPDX-License-Identifier: MIT
# Mutations: comment, assign, status, resolve, close, reopen, set.
. "$(dirname "$0")/lib.sh"

# mutate NAME VERB TITLE AT CMD...: run an sd mutation at time AT and check
# that it made exactly one commit "sd: VERB SHORT "TITLE"" touching only the
# ticket file $f, leaving the work tree clean; then load the ticket's JSON
# into $J.
J=$tmp/state.json
mutate() {
	local name=$1 verb=$2 title=$3 at=$4 before
	shift 4
	before=$(commit_count "$r")
	SD_NOW=$at expect_exit "$name" 0 "$@"
	expect_one_new_commit "$name" "$r" "$before"
	expect_last_commit "$name" "$r" "sd: $verb $(short_id "$r" "$id") \"$title\"" "$(tpath "$id")"
	expect_clean "$name" "$r"
	expect_eq "$name: commit date is SD_NOW" "$(epoch "$at")" "$(git -C "$r" log -1 --format=%at)"
	state
	# To the second: a command that records several events dates them
	# 1 ms apart, and updated is the last.
	expect_json "$name: updated is SD_NOW" "$J" 'd["updated"].split(".")[0].rstrip("Z") + "Z"' "$at"
}
state() { sd -C "$r" show "$id" --json >"$J" 2>"$tmp/state.err"; }
# last_event FIELD: [from, to, reason, at, author] of the field's last event.
last_event() {
	echo '[[e["from"], e["to"], e["reason"], e["at"], e["author"]] for e in d["timeline"] if e["kind"] == "event" and e["field"] == "'"$1"'"][-1:]'
}
ME="Tess Tester <tess@example.com>"

# --- comments ---
r=$(store comment)
id=$(new_ticket "$r" "Printer jams" -m "It jams.")
f=$r/$(tpath "$id")
mutate "comment -m" comment "Printer jams" 2026-11-23T09:05:00Z sd -C "$r" comment "$id" -m "Have you tried turning it off and on?"
expect_json "comment -m: public comment" "$J" \
	'[[e["body"], e["visibility"], e["author"], e["at"]] for e in d["timeline"] if e["kind"] == "comment"]' \
	'[["Have you tried turning it off and on?", "public", "Tess Tester <tess@example.com>", "2026-11-23T09:05:00Z"]]'
expect_json "comment -m: created unchanged" "$J" 'd["created"]' 2026-11-23T09:00:00Z
expect_json "comment -m: status unchanged" "$J" 'd["status"]' new
expect_match "comment: marker line in the file" "$f" \
	"^<!-- sd:comment id=$ID_RE{10} at=2026-11-23T09:05:00Z author=\"Tess Tester <tess@example.com>\" visibility=public -->\$"
expect_eq "comment: heading and body follow the marker" \
	"### Tess Tester · 2026-11-23 09:05 UTC

Have you tried turning it off and on?" \
	"$(grep -A3 '^<!-- sd:comment ' "$f" | sed -n '2,4p')"
expect_eq "comment: description kept" "It jams." "$(sed -n '21p' "$f")"

mutate "comment --internal" comment "Printer jams" 2026-11-23T09:06:00Z sd -C "$r" comment "$id" --internal -m "Supplier is slow."
expect_json "comment --internal: visibility internal" "$J" \
	'[[e["body"], e["visibility"]] for e in d["timeline"] if e["kind"] == "comment"][-1]' \
	'["Supplier is slow.", "internal"]'
expect_match "comment --internal: marker says internal" "$f" 'visibility=internal -->$'

printf 'Line one\n\n- a list\n- of things\n\n```\ncode\n```\n' >"$tmp/c.md"
mutate "comment -F FILE" comment "Printer jams" 2026-11-23T09:07:00Z sd -C "$r" comment "$id" -F "$tmp/c.md"
expect_json_text "comment -F FILE: body round-trips" "$J" \
	'[e["body"] for e in d["timeline"] if e["kind"] == "comment"][-1]' "$tmp/c.md"
STDIN=$tmp/c.md mutate "comment -F -" comment "Printer jams" 2026-11-23T09:08:00Z sd -C "$r" comment "$id" -F -
expect_json_text "comment -F -: body round-trips" "$J" \
	'[e["body"] for e in d["timeline"] if e["kind"] == "comment"][-1]' "$tmp/c.md"
expect_json "comments: four, oldest first" "$J" \
	'[e["at"] for e in d["timeline"] if e["kind"] == "comment"]' \
	'["2026-11-23T09:05:00Z", "2026-11-23T09:06:00Z", "2026-11-23T09:07:00Z", "2026-11-23T09:08:00Z"]'
# A comment made while the clock is behind the ticket's newest entry comes
# after it, 1 ms later: one clone's entries keep the order they were made in.
before=$(commit_count "$r")
SD_NOW=2026-11-23T09:01:00Z expect_exit "comment at an earlier time" 0 sd -C "$r" comment "$id" -m "Late clock."
expect_one_new_commit "comment at an earlier time" "$r" "$before"
state
expect_json "comment at an earlier time: after the newest entry" "$J" \
	'[[e["body"], e["at"]] for e in d["timeline"] if e["kind"] == "comment"][-1]' \
	'["Late clock.", "2026-11-23T09:08:00.001Z"]'
expect_json "comment at an earlier time: updated is its time" "$J" 'd["updated"]' \
	2026-11-23T09:08:00.001Z
before=$(commit_count "$r")
expect_exit "comment without text off a terminal" 2 sd -C "$r" comment "$id"
expect_sd_error "comment without text: message"
expect_commit_count "comment without text: no commit" "$r" "$before"
expect_exit "comment with empty -m" 2 sd -C "$r" comment "$id" -m ""
expect_sd_error "comment with empty -m: message"
expect_commit_count "comment with empty -m: no commit" "$r" "$before"

# A comment through the editor when on a terminal.
if command -v script >/dev/null 2>&1; then
	printf '#!/bin/sh\nfor f; do :; done\nprintf "Written in the editor.\\n" >"$f"\n' >"$tmp/ed-comment"
	chmod +x "$tmp/ed-comment"
	EDITOR=$tmp/ed-comment mutate "comment on a terminal: editor" comment "Printer jams" 2026-11-23T09:09:00Z \
		script -qec "$SD -C $r comment $id" /dev/null
	expect_json "comment via editor: body" "$J" \
		'[e["body"] for e in d["timeline"] if e["kind"] == "comment"][-1]' "Written in the editor."
else
	skip "comment via editor" "script(1) not available"
fi
fsck_ok "comments" "$r"

# --- assign ---
r=$(store assign)
id=$(new_ticket "$r" "VPN down")
mutate "assign USER" assign "VPN down" 2026-11-23T09:05:00Z sd -C "$r" assign "$id" bob@example.com
expect_json "assign USER: assignee" "$J" 'd["assignee"]' bob@example.com
expect_json "assign USER: event" "$J" "$(last_event assignee)" \
	'[["", "bob@example.com", "", "2026-11-23T09:05:00Z", "Tess Tester <tess@example.com>"]]'
mutate "assign --me -m" assign "VPN down" 2026-11-23T09:06:00Z sd -C "$r" assign "$id" --me -m "taking it"
expect_json "assign --me: the current user's email" "$J" 'd["assignee"]' tess@example.com
expect_json "assign --me: event with reason" "$J" "$(last_event assignee)" \
	'[["bob@example.com", "tess@example.com", "taking it", "2026-11-23T09:06:00Z", "Tess Tester <tess@example.com>"]]'
mutate "assign --none" assign "VPN down" 2026-11-23T09:07:00Z sd -C "$r" assign "$id" --none -m "back to the queue"
expect_json "assign --none: no assignee" "$J" 'd["assignee"]' ""
expect_match "assign --none: written as empty string" "$r/$(tpath "$id")" '^assignee: ""$'
expect_json "assign --none: event" "$J" "$(last_event assignee)" \
	'[["tess@example.com", "", "back to the queue", "2026-11-23T09:07:00Z", "Tess Tester <tess@example.com>"]]'
mutate "assign a name with spaces" assign "VPN down" 2026-11-23T09:08:00Z sd -C "$r" assign "$id" "Bob Tech"
expect_json "assign a name: assignee" "$J" 'd["assignee"]' "Bob Tech"
(
	unset SD_AUTHOR
	mutate "assign --me without SD_AUTHOR" assign "VPN down" 2026-11-23T09:09:00Z sd -C "$r" assign "$id" --me
	expect_json "assign --me without SD_AUTHOR: git config email" "$J" 'd["assignee"]' home@example.com
	expect_eq "assign without SD_AUTHOR: commit author" "Home User <home@example.com>" \
		"$(git -C "$r" log -1 --format='%an <%ae>')"
)
fsck_ok "assign" "$r"

# --- status, resolve, close, reopen ---
r=$(store status)
id=$(new_ticket "$r" "Laptop broken")
f=$r/$(tpath "$id")
mutate "status open -m" status "Laptop broken" 2026-11-23T09:10:00Z sd -C "$r" status "$id" open -m "picked up"
expect_json "status: open" "$J" 'd["status"]' open
expect_json "status: event" "$J" "$(last_event status)" \
	'[["new", "open", "picked up", "2026-11-23T09:10:00Z", "Tess Tester <tess@example.com>"]]'
expect_match "status: event marker in the file" "$f" \
	"^<!-- sd:event id=$ID_RE{10} at=2026-11-23T09:10:00Z author=\"Tess Tester <tess@example.com>\" field=status from=new to=open reason=\"picked up\" -->\$"
expect_eq "status: event display line" "- **status**: new → open · Tess Tester · 2026-11-23 09:10 UTC — picked up" \
	"$(grep -A1 '^<!-- sd:event .*field=status from=new to=open' "$f" | sed -n 2p)"
m=10
for st in pending on-hold open; do
	m=$((m + 1))
	mutate "status $st" status "Laptop broken" 2026-11-23T09:$m:00Z sd -C "$r" status "$id" "$st"
	expect_json "status $st: field" "$J" 'd["status"]' "$st"
done
mutate "resolve -m" resolve "Laptop broken" 2026-11-23T09:20:00Z sd -C "$r" resolve "$id" -m "Replaced the keyboard."
expect_json "resolve: status resolved" "$J" 'd["status"]' resolved
expect_json "resolve: resolution is the event's reason" "$J" "$(last_event status)" \
	'[["open", "resolved", "Replaced the keyboard.", "2026-11-23T09:20:00Z", "Tess Tester <tess@example.com>"]]'
expect_exit "list hides the resolved ticket" 0 sd -C "$r" list
expect_out_empty "list hides the resolved ticket: empty"
mutate "reopen -m" reopen "Laptop broken" 2026-11-23T09:25:00Z sd -C "$r" reopen "$id" -m "It came back."
expect_json "reopen: status open" "$J" 'd["status"]' open
expect_json "reopen: event" "$J" "$(last_event status)" \
	'[["resolved", "open", "It came back.", "2026-11-23T09:25:00Z", "Tess Tester <tess@example.com>"]]'
mutate "close" close "Laptop broken" 2026-11-23T09:30:00Z sd -C "$r" close "$id"
expect_json "close: status closed" "$J" 'd["status"]' closed
expect_json "close: event without reason" "$J" "$(last_event status)" \
	'[["open", "closed", "", "2026-11-23T09:30:00Z", "Tess Tester <tess@example.com>"]]'
mutate "reopen a closed ticket" reopen "Laptop broken" 2026-11-23T09:35:00Z sd -C "$r" reopen "$id" -m "Not done."
mutate "close -m" close "Laptop broken" 2026-11-23T09:40:00Z sd -C "$r" close "$id" -m "Duplicate of another."
expect_json "close -m: reason" "$J" "$(last_event status)" \
	'[["open", "closed", "Duplicate of another.", "2026-11-23T09:40:00Z", "Tess Tester <tess@example.com>"]]'
mutate "status cancelled" status "Laptop broken" 2026-11-23T09:45:00Z sd -C "$r" status "$id" cancelled -m "wrong ticket"
expect_json "status history in order" "$J" \
	'[e["to"] for e in d["timeline"] if e["kind"] == "event" and e["field"] == "status"]' \
	'["open", "pending", "on-hold", "open", "resolved", "open", "closed", "open", "closed", "cancelled"]'
before=$(commit_count "$r")
expect_exit "resolve without -m" 2 sd -C "$r" resolve "$id"
expect_sd_error "resolve without -m: message"
open_id=$(new_ticket "$r" "Still new")
before=$(commit_count "$r")
expect_exit "reopen a new ticket" 2 sd -C "$r" reopen "$open_id" -m "again"
expect_sd_error "reopen a new ticket: message"
expect_err_has "reopen a new ticket: says how to move it" "is new, not resolved, closed or cancelled"
expect_exit "reopen without -m" 2 sd -C "$r" reopen "$id"
expect_sd_error "reopen without -m: message"
expect_commit_count "resolve/reopen without -m: no commit" "$r" "$before"
fsck_ok "status" "$r"

# --- set ---
r=$(store set)
id=$(new_ticket "$r" "Mail is slow")
f=$r/$(tpath "$id")
mutate "set impact=high" set "Mail is slow" 2026-11-23T09:05:00Z sd -C "$r" set "$id" impact=high
expect_json "set impact=high: priority recomputed (high x medium = P2)" "$J" '[d["impact"], d["urgency"], d["priority"]]' '["high", "medium", "P2"]'
expect_json "set impact: event" "$J" "$(last_event impact)" \
	'[["medium", "high", "", "2026-11-23T09:05:00Z", "Tess Tester <tess@example.com>"]]'
mutate "set urgency=high" set "Mail is slow" 2026-11-23T09:06:00Z sd -C "$r" set "$id" urgency=high
expect_json "set urgency=high: P1" "$J" '[d["impact"], d["urgency"], d["priority"]]' '["high", "high", "P1"]'
mutate "set impact and priority together" set "Mail is slow" 2026-11-23T09:07:00Z sd -C "$r" set "$id" impact=low priority=P2
expect_json "set impact=low priority=P2: explicit priority kept" "$J" '[d["impact"], d["urgency"], d["priority"]]' '["low", "high", "P2"]'
mutate "set urgency=low" set "Mail is slow" 2026-11-23T09:08:00Z sd -C "$r" set "$id" urgency=low
expect_json "set urgency=low: recomputed (low x low = P5)" "$J" '[d["impact"], d["urgency"], d["priority"]]' '["low", "low", "P5"]'
mutate "set priority alone" set "Mail is slow" 2026-11-23T09:09:00Z sd -C "$r" set "$id" priority=P1 -m "VIP"
expect_json "set priority=P1: kept, matrix not applied" "$J" '[d["impact"], d["urgency"], d["priority"]]' '["low", "low", "P1"]'
expect_json "set -m: reason on the event" "$J" "$(last_event priority)" \
	'[["P5", "P1", "VIP", "2026-11-23T09:09:00Z", "Tess Tester <tess@example.com>"]]'

mutate "set tags=a,b" set "Mail is slow" 2026-11-23T09:10:00Z sd -C "$r" set "$id" tags=mail,slow
expect_json "set tags=: replaced" "$J" 'd["tags"]' '["mail", "slow"]'
expect_match "set tags: written as a flow list" "$f" '^tags: \[mail, slow\]$'
mutate "set tags+=" set "Mail is slow" 2026-11-23T09:11:00Z sd -C "$r" set "$id" tags+=exchange
expect_json "set tags+=: added" "$J" 'd["tags"]' '["mail", "slow", "exchange"]'
mutate "set tags-=" set "Mail is slow" 2026-11-23T09:12:00Z sd -C "$r" set "$id" tags-=mail
expect_json "set tags-=: removed" "$J" 'd["tags"]' '["slow", "exchange"]'
mutate "set tags=" set "Mail is slow" 2026-11-23T09:13:00Z sd -C "$r" set "$id" tags=
expect_json "set tags= (empty): no tags" "$J" 'd["tags"]' '[]'
expect_match "set tags= (empty): written as []" "$f" '^tags: \[\]$'

mutate "set many fields" set "Mail is slow" 2026-11-23T09:14:00Z sd -C "$r" set "$id" \
	type=problem tier=L2 queue=second-line category=network asset=SRV-1 key=k-1 \
	requester=carol@example.com assignee=dave@example.com status=pending
expect_json "set many: values" "$J" \
	'[d[k] for k in ("type", "tier", "queue", "category", "asset", "key", "requester", "assignee", "status")]' \
	'["problem", "L2", "second-line", "network", "SRV-1", "k-1", "carol@example.com", "dave@example.com", "pending"]'
expect_json "set many: one event per changed field" "$J" \
	'sorted(e["field"] for e in d["timeline"] if e["kind"] == "event" and e["at"].startswith("2026-11-23T09:14:00"))' \
	'["asset", "assignee", "category", "key", "queue", "requester", "status", "tier", "type"]'
expect_match "set key: written between asset and created" <(front_matter "$f" | grep -A1 '^asset:') '^key: k-1$'
mutate "set key= (empty)" set "Mail is slow" 2026-11-23T09:15:00Z sd -C "$r" set "$id" key=
expect_json "set key=: key empty" "$J" 'd["key"]' ""
expect_eq "set key=: no key line any more" 0 "$(front_matter "$f" | grep -c '^key:')"

mutate "set title" set "Mail is very slow" 2026-11-23T09:16:00Z sd -C "$r" set "$id" "title=Mail is very slow"
expect_json "set title: new title" "$J" 'd["title"]' "Mail is very slow"
expect_json "set title: event" "$J" "$(last_event title)" \
	'[["Mail is slow", "Mail is very slow", "", "2026-11-23T09:16:00Z", "Tess Tester <tess@example.com>"]]'
mutate "set value containing =" set "a=b" 2026-11-23T09:17:00Z sd -C "$r" set "$id" "title=a=b"
expect_json "set title=a=b: splits on the first =" "$J" 'd["title"]' "a=b"
expect_json "set: created never changes" "$J" 'd["created"]' 2026-11-23T09:00:00Z

before=$(commit_count "$r")
for bad in id=000000000000 created=2026-01-01T00:00:00Z updated=2026-01-01T00:00:00Z nosuchkey=1 "title" priority=P0 status=done tier=L5 impact=huge urgency=none type=bug; do
	expect_exit "set $bad is refused" 2 sd -C "$r" set "$id" "$bad"
	expect_sd_error "set $bad: message"
done
expect_exit "set with no KEY=VALUE" 2 sd -C "$r" set "$id"
expect_sd_error "set with no KEY=VALUE: message"
expect_exit "set: one bad pair refuses all" 2 sd -C "$r" set "$id" category=db priority=P9
state
expect_json "set: one bad pair refuses all: unchanged" "$J" 'd["category"]' network
expect_commit_count "set refused: no commits" "$r" "$before"
expect_clean "set refused" "$r"
fsck_ok "set" "$r"

finish
