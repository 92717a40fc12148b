#!/bin/bash
# SPDX-License-Identifier: MIT
# sd sla: the service-level clocks (first response, next response,
# resolution), their states, business hours, pauses, --json, --check and
# the filters.
#
# The default config: the office calendar is Europe/Ljubljana (UTC+1 in
# November and December), mon-thu 08:00-12:00 and 13:00-17:00, fri
# 08:00-12:00 and 13:00-15:00, holidays 2026-12-25 and 01-01.  Policy
# critical (P1, 24x7): first response 30m, resolution 4h.  Policy standard
# (everything else, office): first response 4h, next response 8h,
# resolution 2d4h = 52 business hours.  at_risk 75%, pause [pending].
# 2026-11-23 is a Monday; 09:00Z is 10:00 local.  Every expected value
# below was worked out by hand from these hours.
. "$(dirname "$0")/lib.sh"

ALICE="Alice Example <alice@example.com>"
S=$tmp/sla.json

# act TIME ARGS...: sd -C $r ARGS at TIME; it must succeed.
act() {
	local at=$1
	shift
	if ! SD_NOW=$at sd -C "$r" "$@" >"$tmp/act.out" 2>"$tmp/act.err" </dev/null; then
		fail "sd $* (at $at)" "$(_show_file stderr "$tmp/act.err")"
	fi
}

# sla NAME AT ARGS...: sd sla --at AT --json ARGS, kept in $S.
sla() {
	local name=$1 at=$2
	shift 2
	expect_exit "$name: sla --json" 0 sd -C "$r" sla --at "$at" --json "$@"
	cp "$OUT" "$S"
}

# ck NAME ID CLOCK STATE TARGET ELAPSED REMAINING DUE: one clock of one
# ticket in $S, exact to the second (DUE is an instant or null).
ck() {
	local due=$8
	[ "$due" = null ] || due="\"$due\""
	expect_json "$1: $2 $3" "$S" \
		"[[c[k] for k in ('state', 'target', 'elapsed', 'remaining', 'due')] for t in d if t['id'] == '$2' for c in [t['$3']]]" \
		"[[\"$4\", $5, $6, $7, $due]]"
}

# inactive NAME ID: next_response with no cycle yet.
inactive() {
	expect_json "$1: next_response inactive" "$S" \
		"[[t['next_response'][k] for k in ('state', 'elapsed', 'due')] for t in d if t['id'] == '$2']" \
		'[["met", 0, null]]'
}

# ids: the ids in $S in order.
ids_expr='[t["id"] for t in d]'

# --- first response and resolution on the office calendar ---
r=$(store clocks)
id=$(new_ticket "$r" "Printer jams" --requester alice@example.com)
sid=$(short_id "$r" "$id")
sla "one hour in" 2026-11-23T10:00:00Z
expect_json "one hour in: one ticket, id and short id, policy" "$S" \
	'[[t["id"], t["short_id"], t["policy"]] for t in d]' "[[\"$id\", \"$sid\", \"standard\"]]"
ck "one hour in" "$id" first_response running 14400 3600 10800 2026-11-23T14:00:00Z
ck "one hour in" "$id" resolution running 187200 3600 183600 2026-12-01T16:00:00Z
inactive "one hour in" "$id"
expect_exit "one hour in: human output" 0 sd -C "$r" sla --at 2026-11-23T10:00:00Z
expect_match "one hour in: human line (short id, policy, states, due, left, title)" "$OUT" \
	"^$sid +standard +first:running +next:- +resolution:running +2026-11-23 14:00 UTC +3h +Printer jams\$"
expect_eq "one hour in: one line" 1 "$(wc -l <"$OUT")"
TZ=Europe/Ljubljana expect_exit "human output in the user's time zone" 0 sd -C "$r" sla --at 2026-11-23T10:00:00Z
expect_match "human output: due in local time" "$OUT" "^$sid +standard .* 2026-11-23 15:00 CET +3h +Printer jams\$"

# The lunch break 12:00-13:00 local (11:00Z-12:00Z) does not count.
sla "lunch" 2026-11-23T11:30:00Z
ck "lunch" "$id" first_response running 14400 7200 7200 2026-11-23T14:00:00Z
sla "after lunch" 2026-11-23T12:00:00Z
ck "after lunch" "$id" first_response running 14400 7200 7200 2026-11-23T14:00:00Z
# at-risk at 75% of 4h = 3h: 10-12 and 13-14 local.
sla "a second before at-risk" 2026-11-23T12:59:59Z
ck "a second before at-risk" "$id" first_response running 14400 10799 3601 2026-11-23T14:00:00Z
sla "at-risk" 2026-11-23T13:00:00Z
ck "at-risk" "$id" first_response at-risk 14400 10800 3600 2026-11-23T14:00:00Z
expect_exit "at-risk: --check passes" 0 sd -C "$r" sla --at 2026-11-23T13:00:00Z --check
sla "at the target" 2026-11-23T14:00:00Z
ck "at the target" "$id" first_response at-risk 14400 14400 0 2026-11-23T14:00:00Z
sla "a second late" 2026-11-23T14:00:01Z
ck "a second late" "$id" first_response breached 14400 14401 -1 2026-11-23T14:00:00Z
expect_exit "breached: --check fails" 1 sd -C "$r" sla --at 2026-11-23T14:00:01Z --check
sla "an hour late" 2026-11-23T15:00:00Z
ck "an hour late" "$id" first_response breached 14400 18000 -3600 2026-11-23T14:00:00Z
expect_exit "an hour late: human output" 0 sd -C "$r" sla --at 2026-11-23T15:00:00Z
expect_match "an hour late: human line" "$OUT" \
	"^$sid +standard +first:breached +next:- +resolution:running +2026-11-23 14:00 UTC +-1h +Printer jams\$"
# After 17:00 local nothing counts.
sla "evening" 2026-11-23T20:00:00Z
ck "evening" "$id" first_response breached 14400 21600 -7200 2026-11-23T14:00:00Z
ck "evening" "$id" resolution running 187200 21600 165600 2026-12-01T16:00:00Z
# Resolution: 52 business hours; at-risk at 39h (Mon 30 Nov 11:00 local).
sla "resolution running" 2026-11-30T09:59:59Z
ck "resolution running" "$id" resolution running 187200 140399 46801 2026-12-01T16:00:00Z
sla "resolution at-risk" 2026-11-30T10:00:00Z
ck "resolution at-risk" "$id" resolution at-risk 187200 140400 46800 2026-12-01T16:00:00Z
# Due Tue 1 Dec 17:00 local; the night does not count, so it breaches at
# the next opening, Wed 2 Dec 08:00 local.
sla "resolution at closing time" 2026-12-01T20:00:00Z
ck "resolution at closing time" "$id" resolution at-risk 187200 187200 0 2026-12-01T16:00:00Z
sla "resolution breached" 2026-12-02T07:00:01Z
ck "resolution breached" "$id" resolution breached 187200 187201 -1 2026-12-01T16:00:00Z
sla "resolution an hour late" 2026-12-02T08:00:00Z
ck "resolution an hour late" "$id" resolution breached 187200 190800 -3600 2026-12-01T16:00:00Z
fsck_ok "clocks" "$r"

# --- weekends and holidays ---
r=$(store weekend)
# Opened Friday 16:00 local, after Friday's 15:00 closing: the clock starts
# Monday 08:00 local.
fri_late=$(SD_NOW=2026-11-27T15:00:00Z new_ticket "$r" "Friday late")
# Opened Friday 14:00 local: one hour on Friday, three on Monday.
fri=$(SD_NOW=2026-11-27T13:00:00Z new_ticket "$r" "Friday afternoon")
sla "weekend" 2026-11-28T12:00:00Z
ck "weekend: opened after hours" "$fri_late" first_response running 14400 0 14400 2026-11-30T11:00:00Z
ck "weekend: opened after hours" "$fri_late" resolution running 187200 0 187200 2026-12-08T14:00:00Z
ck "weekend: opened in hours" "$fri" first_response running 14400 3600 10800 2026-11-30T10:00:00Z
sla "monday" 2026-11-30T10:00:00Z
ck "monday: opened after hours" "$fri_late" first_response at-risk 14400 10800 3600 2026-11-30T11:00:00Z
ck "monday: opened in hours" "$fri" first_response at-risk 14400 14400 0 2026-11-30T10:00:00Z
# Thursday 24 Dec 15:00 local: two hours on Thursday, Friday 25 Dec is a
# holiday, then the weekend; 01-01 is a holiday every year (2027-01-01 is
# a Friday).
xmas=$(SD_NOW=2026-12-24T14:00:00Z new_ticket "$r" "Christmas eve")
sla "holiday" 2026-12-25T10:00:00Z "$xmas"
ck "holiday" "$xmas" first_response running 14400 7200 7200 2026-12-28T09:00:00Z
ck "holiday" "$xmas" resolution running 187200 7200 180000 2027-01-06T09:00:00Z
# Across the clock change: Friday 26 Mar 2027 14:00 CET (13:00Z), one hour
# on Friday, then Monday 29 Mar 08:00-11:00 CEST (06:00-09:00Z).
spring=$(SD_NOW=2027-03-26T13:00:00Z new_ticket "$r" "Spring forward")
sla "spring forward" 2027-03-29T07:00:00Z "$spring"
ck "spring forward" "$spring" first_response running 14400 7200 7200 2027-03-29T09:00:00Z
# Friday 29 Oct 2027 15:00 CEST (13:00Z) is closing time; Monday 1 Nov
# 08:00-12:00 CET is 07:00-11:00Z.
fall=$(SD_NOW=2027-10-29T13:00:00Z new_ticket "$r" "Fall back")
sla "fall back" 2027-11-01T08:00:00Z "$fall"
ck "fall back" "$fall" first_response running 14400 3600 10800 2027-11-01T11:00:00Z
fsck_ok "weekend" "$r"

# --- 24x7: a P1 ticket counts every second, across midnight ---
r=$(store p1)
p1=$(SD_NOW=2026-11-28T22:00:00Z new_ticket "$r" "Everything is down" --priority P1)
sla "24x7 running" 2026-11-28T22:20:00Z
expect_json "24x7: policy critical, no next response" "$S" \
	"[[t['policy'], t['next_response']] for t in d]" '[["critical", null]]'
ck "24x7 running" "$p1" first_response running 1800 1200 600 2026-11-28T22:30:00Z
ck "24x7 running" "$p1" resolution running 14400 1200 13200 2026-11-29T02:00:00Z
sla "24x7 at-risk" 2026-11-28T22:22:30Z
ck "24x7 at-risk" "$p1" first_response at-risk 1800 1350 450 2026-11-28T22:30:00Z
sla "24x7 past midnight" 2026-11-29T01:00:00Z
ck "24x7 past midnight" "$p1" first_response breached 1800 10800 -9000 2026-11-28T22:30:00Z
ck "24x7 past midnight" "$p1" resolution at-risk 14400 10800 3600 2026-11-29T02:00:00Z
sla "24x7 breached" 2026-11-29T02:00:01Z
ck "24x7 breached" "$p1" resolution breached 14400 14401 -1 2026-11-29T02:00:00Z
expect_exit "24x7: human output" 0 sd -C "$r" sla --at 2026-11-29T01:00:00Z
expect_match "24x7: human line" "$OUT" \
	"^$(short_id "$r" "$p1") +critical +first:breached +next:- +resolution:at-risk +.*Everything is down\$"
fsck_ok "24x7" "$r"

# --- pause while pending, then resume ---
r=$(store pause)
id=$(new_ticket "$r" "Need the serial number" --requester alice@example.com)
act 2026-11-23T09:50:00Z comment "$id" -m "What is the serial number?"
act 2026-11-23T10:00:00Z status "$id" pending
# Pending from Mon 11:00 local to Tue 10:00 local.
act 2026-11-24T09:00:00Z status "$id" open
sla "paused" 2026-11-23T15:00:00Z
ck "paused" "$id" resolution paused 187200 3600 183600 null
ck "paused" "$id" first_response met 14400 3000 11400 2026-11-23T14:00:00Z
expect_exit "paused: human output" 0 sd -C "$r" sla --at 2026-11-23T15:00:00Z
expect_match "paused: human line" "$OUT" "^$(short_id "$r" "$id") +standard +first:met +next:- +resolution:paused "
sla "paused overnight" 2026-11-24T08:00:00Z
ck "paused overnight" "$id" resolution paused 187200 3600 183600 null
expect_exit "paused: --sla paused" 0 sd -C "$r" sla --at 2026-11-24T08:00:00Z --sla paused --json
expect_json "paused: --sla paused finds it" "$OUT" "$ids_expr" "[\"$id\"]"
# Resumed: 1h before the pause and 30m after it; the 7 business hours
# spent pending move the due time from Tue 1 Dec 17:00 to Wed 2 Dec 16:00
# local.
sla "resumed" 2026-11-24T09:30:00Z
ck "resumed" "$id" resolution running 187200 5400 181800 2026-12-02T15:00:00Z
# First response is never paused.
id2=$(new_ticket "$r" "No answer yet" --requester alice@example.com)
act 2026-11-23T09:30:00Z status "$id2" pending
sla "pending without a reply" 2026-11-23T12:00:00Z "$id2"
ck "pending without a reply" "$id2" first_response running 14400 7200 7200 2026-11-23T14:00:00Z
ck "pending without a reply" "$id2" resolution paused 187200 1800 185400 null
fsck_ok "pause" "$r"

# --- what meets the first response ---
r=$(store first)
id=$(new_ticket "$r" "Screen flickers" --requester alice@example.com)
act 2026-11-23T09:10:00Z comment "$id" --internal -m "Probably the cable."
SD_AUTHOR=$ALICE act 2026-11-23T09:20:00Z comment "$id" -m "It is getting worse."
sla "internal note and requester's comment" 2026-11-23T09:30:00Z
ck "internal note and requester's comment do not meet it" "$id" first_response running 14400 1800 12600 2026-11-23T14:00:00Z
# A public comment by someone else (SD_AUTHOR is Tess) meets it.
act 2026-11-23T10:30:00Z comment "$id" -m "Please try another cable."
sla "agent's reply" 2026-11-24T12:00:00Z
ck "agent's reply meets it; elapsed stops" "$id" first_response met 14400 5400 9000 2026-11-23T14:00:00Z
expect_exit "met: human output" 0 sd -C "$r" sla --at 2026-11-24T12:00:00Z
expect_match "met: human line" "$OUT" "^$(short_id "$r" "$id") +standard +first:met "

# The requester given as "Name <email>": compared by email address.
id=$(new_ticket "$r" "Keyboard" --requester "$ALICE")
SD_AUTHOR="A. Nother Name <alice@example.com>" act 2026-11-23T09:30:00Z comment "$id" -m "Same person, other name."
sla "requester under another name" 2026-11-23T10:00:00Z "$id"
ck "requester under another name does not meet it" "$id" first_response running 14400 3600 10800 2026-11-23T14:00:00Z

# Resolving meets it (and stops the resolution clock).
id=$(new_ticket "$r" "Mouse" --requester alice@example.com)
act 2026-11-23T10:00:00Z resolve "$id" -m "New mouse."
expect_exit "resolved: not listed by default" 0 sd -C "$r" sla --at 2026-11-23T11:00:00Z --json
expect_json "resolved: not listed by default" "$OUT" "'$id' in [t['id'] for t in d]" false
sla "resolved, by id" 2026-11-24T11:00:00Z "$id"
ck "resolved" "$id" first_response met 14400 3600 10800 2026-11-23T14:00:00Z
expect_json "resolved: resolution met, elapsed stopped" "$S" \
	"[[t['resolution'][k] for k in ('state', 'elapsed', 'remaining')] for t in d]" '[["met", 3600, 183600]]'
expect_exit "resolved: listed with --all" 0 sd -C "$r" sla --at 2026-11-24T11:00:00Z --all --json
expect_json "resolved: listed with --all" "$OUT" "'$id' in [t['id'] for t in d]" true
fsck_ok "first response" "$r"

# --- reopen resumes the resolution clock; breached stays breached ---
r=$(store reopen)
id=$(new_ticket "$r" "Disk full")
act 2026-11-23T11:00:00Z resolve "$id" -m "Cleaned up."
act 2026-11-24T12:00:00Z reopen "$id" -m "Full again."
sla "resolved before reopen" 2026-11-24T09:00:00Z "$id"
expect_json "resolved before reopen: met at 2h" "$S" \
	"[[t['resolution'][k] for k in ('state', 'elapsed', 'remaining')] for t in d]" '[["met", 7200, 180000]]'
# Reopened Tue 13:00 local; two more hours by 15:00 local: 4h in all.
sla "reopened" 2026-11-24T14:00:00Z
ck "reopened: resumes where it stopped" "$id" resolution running 187200 14400 172800 2026-12-02T16:00:00Z
expect_json "reopened: first response stays met" "$S" \
	"[[t['first_response'][k] for k in ('state', 'elapsed')] for t in d]" '[["met", 7200]]'

p1=$(new_ticket "$r" "Core switch down" --priority P1)
act 2026-11-23T14:00:00Z resolve "$p1" -m "Replaced the switch."
sla "resolved late" 2026-11-23T15:00:00Z "$p1"
ck "resolved late: stays breached" "$p1" resolution breached 14400 18000 -3600 2026-11-23T13:00:00Z
ck "resolved late: first response breached too" "$p1" first_response breached 1800 18000 -16200 2026-11-23T09:30:00Z
expect_exit "resolved late: --check by id" 1 sd -C "$r" sla --at 2026-11-23T15:00:00Z --check "$p1"
fsck_ok "reopen" "$r"

# --- next response: the requester's comment starts a cycle, the agent's
# public reply ends it ---
r=$(store next)
id=$(SD_AUTHOR=$ALICE new_ticket "$r" "Cannot print" --requester alice@example.com)
act 2026-11-23T09:30:00Z comment "$id" -m "Which printer?"
SD_AUTHOR=$ALICE act 2026-11-23T10:00:00Z comment "$id" -m "The one on floor 2."
act 2026-11-23T10:30:00Z comment "$id" --internal -m "Floor 2 printer is old."
SD_AUTHOR=$ALICE act 2026-11-23T11:00:00Z comment "$id" -m "Any news?"
act 2026-11-24T09:00:00Z comment "$id" -m "Fixed the driver, please try."
SD_AUTHOR=$ALICE act 2026-11-24T10:00:00Z comment "$id" -m "Still broken."
sla "no cycle yet" 2026-11-23T09:45:00Z
ck "no cycle yet" "$id" first_response met 14400 1800 12600 2026-11-23T14:00:00Z
inactive "no cycle yet" "$id"
expect_exit "no cycle yet: human" 0 sd -C "$r" sla --at 2026-11-23T09:45:00Z
expect_match "no cycle yet: next is -" "$OUT" "^$(short_id "$r" "$id") +standard +first:met +next:- "
# Cycle from Mon 11:00 local; the internal note and the second requester
# comment change nothing.  Due: 5h on Monday, 3h on Tuesday.
sla "next running" 2026-11-23T14:00:00Z
ck "next running" "$id" next_response running 28800 10800 18000 2026-11-24T10:00:00Z
expect_exit "next running: human" 0 sd -C "$r" sla --at 2026-11-23T14:00:00Z
expect_match "next running: human line" "$OUT" "^$(short_id "$r" "$id") +standard +first:met +next:running +resolution:running "
sla "next at-risk" 2026-11-24T08:00:00Z
ck "next at-risk" "$id" next_response at-risk 28800 21600 7200 2026-11-24T10:00:00Z
sla "next met" 2026-11-24T09:30:00Z
ck "next met: answered after 7h" "$id" next_response met 28800 25200 3600 2026-11-24T10:00:00Z
# Second cycle from Tue 11:00 local, due Wed 11:00 local.
sla "second cycle" 2026-11-24T13:00:00Z
ck "second cycle running" "$id" next_response running 28800 7200 21600 2026-11-25T10:00:00Z
sla "second cycle breached" 2026-11-25T10:00:01Z
ck "second cycle breached" "$id" next_response breached 28800 28801 -1 2026-11-25T10:00:00Z
expect_exit "next breached: human" 0 sd -C "$r" sla --at 2026-11-25T10:00:01Z
expect_match "next breached: human line" "$OUT" "^$(short_id "$r" "$id") +standard +first:met +next:breached +resolution:"
expect_exit "next breached: --check" 1 sd -C "$r" sla --at 2026-11-25T10:00:01Z --check
fsck_ok "next response" "$r"

# --- changing the priority re-selects the policy from creation ---
r=$(store priority)
id=$(new_ticket "$r" "Payroll is down")
sla "P3: standard" 2026-11-23T09:15:00Z
expect_json "P3: policy standard" "$S" '[t["policy"] for t in d]' '["standard"]'
ck "P3" "$id" first_response running 14400 900 13500 2026-11-23T14:00:00Z
act 2026-11-23T09:20:00Z set "$id" priority=P1
sla "P1: critical" 2026-11-23T09:25:00Z
expect_json "P1: policy critical, no next response" "$S" \
	'[[t["policy"], t["next_response"]] for t in d]' '[["critical", null]]'
ck "P1: counted from creation" "$id" first_response at-risk 1800 1500 300 2026-11-23T09:30:00Z
ck "P1: counted from creation" "$id" resolution running 14400 1500 12900 2026-11-23T13:00:00Z
expect_exit "P1: human" 0 sd -C "$r" sla --at 2026-11-23T09:25:00Z
expect_match "P1: human line" "$OUT" "^$(short_id "$r" "$id") +critical +first:at-risk +next:- +resolution:running "
fsck_ok "priority" "$r"

# --- selection: ids, filters, order, --check, sd list --sla ---
r=$(store filters)
x=$(new_ticket "$r" "X breached")
y=$(SD_NOW=2026-11-23T10:00:00Z new_ticket "$r" "Y at risk" --queue second-line)
z=$(SD_NOW=2026-11-23T13:00:00Z new_ticket "$r" "Z running")
w=$(new_ticket "$r" "W resolved")
act 2026-11-23T09:10:00Z resolve "$w" -m "Done."
AT=2026-11-23T14:30:00Z
sla "all open" $AT
expect_json "all open: breached, at-risk, running; no resolved" "$S" "$ids_expr" "[\"$x\", \"$y\", \"$z\"]"
ck "all open" "$x" first_response breached 14400 16200 -1800 2026-11-23T14:00:00Z
ck "all open" "$y" first_response at-risk 14400 12600 1800 2026-11-23T15:00:00Z
ck "all open" "$z" first_response running 14400 5400 9000 2026-11-24T08:00:00Z
expect_exit "all open: human" 0 sd -C "$r" sla --at $AT
expect_eq "all open: human order" "$(short_id "$r" "$x") $(short_id "$r" "$y") $(short_id "$r" "$z")" \
	"$(awk '{print $1}' "$OUT" | tr '\n' ' ' | sed 's/ $//')"
sla "--queue" $AT --queue second-line
expect_json "--queue second-line" "$S" "$ids_expr" "[\"$y\"]"
sla "--sla breached" $AT --sla breached
expect_json "--sla breached" "$S" "$ids_expr" "[\"$x\"]"
sla "--sla at-risk" $AT --sla at-risk
expect_json "--sla at-risk" "$S" "$ids_expr" "[\"$y\"]"
sla "ids" $AT "$z" "$x"
expect_json "ids: just those" "$S" "sorted($ids_expr)" "$(printf '["%s", "%s"]' $(printf '%s\n' "$x" "$z" | sort))"
expect_exit "--check: a breached ticket" 1 sd -C "$r" sla --at $AT --check
expect_exit "--check: only the at-risk queue" 0 sd -C "$r" sla --at $AT --check --queue second-line
expect_exit "--check: only a running ticket" 0 sd -C "$r" sla --at $AT --check "$z"
SD_NOW=$AT expect_exit "list --sla at-risk" 0 sd -C "$r" list --sla at-risk --format '%(id)'
expect_out "list --sla at-risk: Y" "$y"
SD_NOW=$AT expect_exit "list --sla breached" 0 sd -C "$r" list --sla breached --format '%(id)'
expect_out "list --sla breached: X" "$x"
fsck_ok "filters" "$r"

# --- tickets without a policy are left out ---
r=$(store nopolicy)
cfg=$r/.sd/config.yaml
a=$(grep -n '^    - name: standard' "$cfg" | cut -d: -f1)
b=$(grep -n '^      resolution: 2d4h' "$cfg" | cut -d: -f1)
sed -i "${a},${b}d" "$cfg"
commit_all "$r" "only a P1 policy"
p3=$(new_ticket "$r" "Low priority")
p1=$(new_ticket "$r" "High priority" --priority P1)
sla "no policy" 2026-11-23T20:00:00Z
expect_json "no policy: only the P1 ticket" "$S" "$ids_expr" "[\"$p1\"]"
expect_exit "no policy: human" 0 sd -C "$r" sla --at 2026-11-23T20:00:00Z
expect_eq "no policy: one line, the P1 ticket" "$(short_id "$r" "$p1")" "$(awk '{print $1}' "$OUT")"
expect_exit "no policy: by id" "0|1" sd -C "$r" sla --at 2026-11-23T20:00:00Z --json "$p3"
expect_json "no policy: by id, left out" "$OUT" 'd' '[]'
expect_exit "no policy: --check ignores it" 0 sd -C "$r" sla --at 2026-11-23T20:00:00Z --check "$p3"
fsck_ok "no policy" "$r"

finish
