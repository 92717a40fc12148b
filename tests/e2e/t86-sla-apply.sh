#!/bin/bash
# SPDX-License-Identifier: MIT
# sd sla --apply: record breaches and risks as timeline events, escalate,
# bump the priority, notify; one commit per run; idempotent.
#
# Default config: standard policy (office calendar Europe/Ljubljana,
# first response 4h, next response 8h, resolution 2d4h), critical policy
# (P1, 24x7, 30m / 4h), at_risk 75%, on_breach escalate next-tier.
# 2026-11-23 is a Monday; 09:00Z is 10:00 local.
. "$(dirname "$0")/lib.sh"

J=$tmp/state.json
ME="Tess Tester <tess@example.com>"
ALICE="Alice Example <alice@example.com>"
cfg() { echo "$r/.sd/config.yaml"; }

# act TIME ARGS...: sd -C $r ARGS at TIME; it must succeed.
act() {
	local at=$1
	shift
	if ! SD_NOW=$at sd -C "$r" "$@" >"$tmp/act.out" 2>"$tmp/act.err" </dev/null; then
		fail "sd $* (at $at)" "$(_show_file stderr "$tmp/act.err")"
	fi
}
state() { sd -C "$r" show "$1" --json >"$J" 2>"$tmp/state.err"; }
# events FIELD: [from, to, reason, at, author] of all the field's events.
events() {
	echo '[[e["from"], e["to"], e["reason"], e["at"], e["author"]] for e in d["timeline"] if e["kind"] == "event" and e["field"] == "'"$1"'"]'
}

# apply NAME AT: sd sla --apply at AT must succeed.
apply() {
	SD_NOW=$2 expect_exit "$1: --apply" 0 sd -C "$r" sla --apply
}
# apply_again NAME AT: a second run changes nothing.
apply_again() {
	local h s
	h=$(head_of "$r")
	s=$(gstatus "$r")
	SD_NOW=$2 expect_exit "$1: --apply again" 0 sd -C "$r" sla --apply
	expect_unchanged "$1: --apply again" "$r" "$h" "$s"
}

# --- at-risk, then breach: events, escalation, one commit, idempotent ---
r=$(store apply)
id=$(new_ticket "$r" "Printer jams" --requester alice@example.com)
f=$r/$(tpath "$id")
before=$(commit_count "$r")
apply "nothing to do" 2026-11-23T10:00:00Z
expect_commit_count "nothing to do: no commit" "$r" "$before"
expect_clean "nothing to do" "$r"

# First response at-risk at 3h (14:00 local = 13:00Z).
apply "at-risk" 2026-11-23T13:00:00Z
expect_one_new_commit "at-risk" "$r" "$before"
expect_match "at-risk: commit subject" <(git -C "$r" log -1 --format=%s) '^sd: sla apply'
expect_eq "at-risk: commit touches the ticket" "$(tpath "$id")" \
	"$(git -C "$r" show --name-only --format= HEAD | sed '/^$/d')"
expect_err_has "at-risk: says what it did" "sd: acted on SLA breaches and risks of 1 ticket"
expect_clean "at-risk" "$r"
state "$id"
expect_json "at-risk: one sla event" "$J" \
	"[e[:2] + e[3:] for e in $(events sla)]" \
	"[[\"first_response\", \"at-risk\", \"2026-11-23T13:00:00Z\", \"$ME\"]]"
expect_json "at-risk: reason names policy, clock, target and due" "$J" \
	"[bool(re.match(r'policy standard: first_response target 4h .*due 2026-11-23T14:00:00Z\$', e[2])) for e in $(events sla)]" \
	'[true]'
expect_json "at-risk: no escalation" "$J" '[d["tier"], d["queue"], d["priority"]]' '["L1", "desk", "P3"]'
apply_again "at-risk" 2026-11-23T13:00:00Z
apply_again "at-risk, later" 2026-11-23T13:30:00Z

# Breach: 14:00:01Z.
before=$(commit_count "$r")
apply "breach" 2026-11-23T15:00:00Z
expect_one_new_commit "breach" "$r" "$before"
expect_match "breach: commit subject" <(git -C "$r" log -1 --format=%s) '^sd: sla apply'
expect_eq "breach: commit touches the ticket" "$(tpath "$id")" \
	"$(git -C "$r" show --name-only --format= HEAD | sed '/^$/d')"
expect_err_has "breach: says what it did" "sd: acted on SLA breaches and risks of 1 ticket"
expect_clean "breach" "$r"
state "$id"
expect_json "breach: second sla event" "$J" "$(events sla)[1:]" \
	"[[\"first_response\", \"breached\", \"policy standard: first_response target 4h passed, due 2026-11-23T14:00:00Z\", \"2026-11-23T15:00:00Z\", \"$ME\"]]"
expect_json "breach: escalated one tier" "$J" "$(events tier)" \
	"[[\"L1\", \"L2\", \"SLA breach: first_response (policy standard)\", \"2026-11-23T15:00:00.001Z\", \"$ME\"]]"
expect_json "breach: queue of the new tier" "$J" "$(events queue)" \
	"[[\"desk\", \"second-line\", \"SLA breach: first_response (policy standard)\", \"2026-11-23T15:00:00.002Z\", \"$ME\"]]"
expect_json "breach: fields" "$J" '[d["tier"], d["queue"], d["priority"]]' '["L2", "second-line", "P3"]'
expect_match "breach: tier in the front matter" <(front_matter "$f") '^tier: L2$'
expect_match "breach: queue in the front matter" <(front_matter "$f") '^queue: second-line$'
expect_match "breach: sla event marker in the file" "$f" \
	'^<!-- sd:event id=[0-9a-z]{10} at=2026-11-23T15:00:00Z author="Tess Tester <tess@example.com>" field=sla from=first_response to=breached reason="policy standard: first_response target 4h passed, due 2026-11-23T14:00:00Z" -->$'
apply_again "breach" 2026-11-23T15:00:00Z
apply_again "breach, next day" 2026-11-24T09:00:00Z
state "$id"
expect_json "breach: still one tier event" "$J" "len($(events tier))" 1
# The clocks are unchanged by escalation.
expect_exit "breach: clocks after escalation" 0 sd -C "$r" sla --at 2026-11-23T15:00:00Z --json
expect_json "breach: first response still counted from creation" "$OUT" \
	'[[t["first_response"][k] for k in ("state", "elapsed")] for t in d]' '[["breached", 18000]]'
fsck_ok "apply" "$r"

# --- several tickets: one commit for the run ---
r=$(store several)
a=$(new_ticket "$r" "Alpha")
b=$(new_ticket "$r" "Beta")
c=$(SD_NOW=2026-11-23T14:30:00Z new_ticket "$r" "Gamma")
before=$(commit_count "$r")
apply "two tickets" 2026-11-23T15:00:00Z
expect_one_new_commit "two tickets" "$r" "$before"
expect_match "two tickets: commit subject" <(git -C "$r" log -1 --format=%s) '^sd: sla apply, 2 tickets'
expect_eq "two tickets: commit touches both" "$(printf '%s\n' "$(tpath "$a")" "$(tpath "$b")" | sort)" \
	"$(git -C "$r" show --name-only --format= HEAD | sed '/^$/d' | sort)"
expect_err_has "two tickets: says what it did" "sd: acted on SLA breaches and risks of 2 tickets"
expect_clean "two tickets" "$r"
for t in "$a" "$b"; do
	state "$t"
	expect_json "two tickets: $t escalated" "$J" '[d["tier"], d["queue"]]' '["L2", "second-line"]'
done
state "$c"
expect_json "two tickets: the running one untouched" "$J" \
	'[d["tier"], d["queue"], [e for e in d["timeline"] if e["kind"] == "event"]]' '["L1", "desk", []]'
apply_again "two tickets" 2026-11-23T15:00:00Z
fsck_ok "several" "$r"

# --- next response cycles are acted on each ---
r=$(store next)
id=$(SD_AUTHOR=$ALICE new_ticket "$r" "Cannot print" --requester alice@example.com)
act 2026-11-23T09:30:00Z comment "$id" -m "Which printer?"
SD_AUTHOR=$ALICE act 2026-11-23T10:00:00Z comment "$id" -m "Floor 2."
# Cycle from Mon 11:00 local, due Tue 11:00 local (10:00Z).
apply "next breach" 2026-11-24T10:30:00Z
state "$id"
expect_json "next breach: sla events" "$J" "[e[:2] for e in $(events sla)]" \
	'[["next_response@2026-11-23T10:00:00Z", "breached"]]'
expect_json "next breach: escalated" "$J" "[e[:3] for e in $(events tier)]" \
	'[["L1", "L2", "SLA breach: next_response (policy standard)"]]'
act 2026-11-24T11:00:00Z comment "$id" -m "Try again."
SD_AUTHOR=$ALICE act 2026-11-24T12:00:00Z comment "$id" -m "Still broken."
# Second cycle from Tue 13:00 local: due Wed 12:00 local (11:00Z).
apply "second cycle" 2026-11-25T13:00:00Z
apply_again "second cycle" 2026-11-25T13:00:00Z
state "$id"
expect_json "second cycle: its own sla event" "$J" "[e[:2] for e in $(events sla)]" \
	'[["next_response@2026-11-23T10:00:00Z", "breached"], ["next_response@2026-11-24T12:00:00Z", "breached"]]'
expect_json "second cycle: escalated again" "$J" "[e[:2] for e in $(events tier)]" '[["L1", "L2"], ["L2", "L3"]]'
expect_json "second cycle: queue" "$J" 'd["queue"]' experts
fsck_ok "next" "$r"

# --- bump_priority: true ---
r=$(store bump)
sed -i 's/^\(    bump_priority:\) false/\1 true/' "$(cfg)"
commit_all "$r" "bump priorities on breach"
id=$(new_ticket "$r" "Mail is slow")
state "$id"
expect_json "bump: starts at P3" "$J" 'd["priority"]' P3
apply "bump" 2026-11-23T15:00:00Z
state "$id"
expect_json "bump: P3 -> P2" "$J" '[d["priority"], [e[:2] for e in '"$(events priority)"']]' '["P2", [["P3", "P2"]]]'
expect_json "bump: escalated too" "$J" 'd["tier"]' L2
expect_match "bump: priority in the front matter" <(front_matter "$r/$(tpath "$id")") '^priority: P2$'
apply_again "bump" 2026-11-23T15:00:00Z
fsck_ok "bump" "$r"

# --- notify commands get the ticket's JSON on stdin ---
# Commands from the tracked config run once approved on the clone
# (t96-trust has the refusals).
r=$(store notify)
cat >"$tmp/notify.sh" <<'EOF'
#!/bin/sh
# notify.sh FILE: write stdin to FILE.
cat >"$1"
EOF
chmod +x "$tmp/notify.sh"
sed -i "/^  on_breach:/,/^  on_risk:/s|^    notify: \[\]|    notify: [$tmp/notify.sh, $tmp/breach.json]|" "$(cfg)"
sed -i "/^  on_risk:/,\$s|^    notify: \[\]|    notify: [$tmp/notify.sh, $tmp/risk.json]|" "$(cfg)"
commit_all "$r" "notify"
sd -C "$r" trust --approve sla.on_breach.notify >/dev/null &&
	sd -C "$r" trust --approve sla.on_risk.notify >/dev/null ||
	fail "notify: sd trust --approve"
id=$(new_ticket "$r" "Notify me")
other=$(SD_NOW=2026-11-23T12:30:00Z new_ticket "$r" "Not yet")
apply "notify: at-risk" 2026-11-23T13:00:00Z
expect_exists "notify: on_risk command ran" "$tmp/risk.json"
expect_missing "notify: on_breach command did not run" "$tmp/breach.json"
if [ -e "$tmp/risk.json" ]; then
	expect_json "notify: on_risk got the ticket's JSON" "$tmp/risk.json" '[d["id"], d["title"]]' "[\"$id\", \"Notify me\"]"
fi
rm -f "$tmp/risk.json"
apply "notify: breach" 2026-11-23T15:00:00Z
expect_exists "notify: on_breach command ran" "$tmp/breach.json"
if [ -e "$tmp/breach.json" ]; then
	expect_json "notify: on_breach got the ticket's JSON" "$tmp/breach.json" \
		'[d["id"], d["short_id"], d["title"], d["tier"]]' "[\"$id\", \"$(short_id "$r" "$id")\", \"Notify me\", \"L2\"]"
fi
state "$other"
expect_json "notify: the running ticket untouched" "$J" \
	'[d["tier"], [e for e in d["timeline"] if e["kind"] == "event"]]' '["L1", []]'
rm -f "$tmp/breach.json" "$tmp/risk.json"
apply_again "notify" 2026-11-23T15:00:00Z
expect_missing "notify: not run again" "$tmp/breach.json"
fsck_ok "notify" "$r"

# --- a failing notify command is reported, not fatal ---
r=$(store notifyfail)
printf '#!/bin/sh\ncat >/dev/null\necho "mail server down" >&2\nexit 3\n' >"$tmp/fail-notify"
chmod +x "$tmp/fail-notify"
sed -i "/^  on_breach:/,/^  on_risk:/s|^    notify: \[\]|    notify: [$tmp/fail-notify]|" "$(cfg)"
commit_all "$r" "failing notify"
sd -C "$r" trust --approve sla.on_breach.notify >/dev/null || fail "failing notify: approve"
id=$(new_ticket "$r" "Notify fails")
before=$(commit_count "$r")
apply "failing notify" 2026-11-23T15:00:00Z
expect_one_new_commit "failing notify: still committed" "$r" "$before"
expect_match "failing notify: commit subject" <(git -C "$r" log -1 --format=%s) '^sd: sla apply'
expect_match "failing notify: reported on stderr" "$ERR" '^sd: .*fail-notify'
expect_err_has "failing notify: summary still printed" "sd: acted on SLA breaches and risks of 1 ticket"
state "$id"
expect_json "failing notify: escalated" "$J" 'd["tier"]' L2
expect_clean "failing notify" "$r"
# A command that does not exist is reported the same way.
sed -i "s|$tmp/fail-notify|$tmp/no-such-notify|" "$(cfg)"
commit_all "$r" "missing notify"
sd -C "$r" trust --approve sla.on_breach.notify >/dev/null || fail "missing notify: approve"
id2=$(new_ticket "$r" "Notify missing")
before=$(commit_count "$r")
apply "missing notify" 2026-11-23T15:00:00Z
expect_one_new_commit "missing notify: still committed" "$r" "$before"
expect_match "missing notify: reported on stderr" "$ERR" '^sd: .*no-such-notify'
fsck_ok "notify fails" "$r"

# --- escalation stops at L4 ---
r=$(store last)
id=$(new_ticket "$r" "Vendor box down" --priority P1 --tier L3)
apply "L3 -> L4" 2026-11-23T09:40:00Z
state "$id"
expect_json "L3 -> L4: first response breach escalates" "$J" "[e[:3] for e in $(events tier)]" \
	'[["L3", "L4", "SLA breach: first_response (policy critical)"]]'
# Resolution breaches at 13:00Z: recorded, but there is no tier after L4.
before=$(commit_count "$r")
apply "at L4" 2026-11-23T15:00:00Z
expect_one_new_commit "at L4: the breach is recorded" "$r" "$before"
state "$id"
expect_json "at L4: sla events" "$J" "[e[:2] for e in $(events sla)]" \
	'[["first_response", "breached"], ["resolution", "breached"]]'
expect_json "at L4: no further tier event" "$J" "[[d['tier']], [e[:2] for e in $(events tier)]]" '[["L4"], [["L3", "L4"]]]'
apply_again "at L4" 2026-11-23T16:00:00Z
fsck_ok "last tier" "$r"

# --- two clones: a breach acted on in one is not acted on again in the
# other once it has pulled (the events travel with the ticket) ---
r=$(store origin)
id=$(new_ticket "$r" "Shared printer" --requester alice@example.com)
git clone -q --bare "$r" "$tmp/shared.git"
git clone -q "$tmp/shared.git" "$tmp/clone-a"
git clone -q "$tmp/shared.git" "$tmp/clone-b"
r=$tmp/clone-a
apply "clone a" 2026-11-23T15:00:00Z
git -C "$tmp/clone-a" push -q origin HEAD 2>/dev/null
r=$tmp/clone-b
git -C "$r" pull -q --ff-only 2>/dev/null
h=$(head_of "$r")
apply "clone b after pulling" 2026-11-23T15:30:00Z
expect_eq "clone b: nothing to act on again" "$h" "$(head_of "$r")"
expect_eq "clone b: one breach event in all" "1" \
	"$(grep -c 'field=sla from=first_response to=breached' "$r/$(tpath "$id")")"
fsck_ok "two clones" "$r"

# Both clones act on the same breach before syncing: after sd sync the
# record exists once (its id comes from what it records) and the tier
# moved one step.
r=$(store origin2)
id=$(new_ticket "$r" "Shared scanner" --requester alice@example.com)
git clone -q --bare "$r" "$tmp/shared2.git"
git clone -q "$tmp/shared2.git" "$tmp/d1"
git clone -q "$tmp/shared2.git" "$tmp/d2"
r=$tmp/d1
apply "d1" 2026-11-23T15:00:00Z
r=$tmp/d2
apply "d2" 2026-11-23T15:10:00Z
for c in d1 d2 d1; do
	SD_NOW=2026-11-23T15:20:00Z expect_exit "sync $c" 0 sd -C "$tmp/$c" sync
done
expect_file_eq "both clones agree" "$tmp/d1/$(tpath "$id")" "$tmp/d2/$(tpath "$id")"
expect_eq "one breach record after both acted" 1 \
	"$(grep -c 'field=sla from=first_response to=breached' "$tmp/d1/$(tpath "$id")")"
expect_match "escalated one tier" "$tmp/d1/$(tpath "$id")" '^tier: L2$'
fsck_ok "both acted" "$tmp/d1"

finish
