#!/bin/bash
# SPDX-License-Identifier: MIT
# Causal order: changes made faster than once a second (here all under one
# pinned SD_NOW) keep their order in the file, sd show, sd log and JSON;
# SLA clocks replay them in that order; clones that change one ticket in
# the same second and sync in different orders agree.
. "$(dirname "$0")/lib.sh"

export GIT_AUTHOR_NAME=Git GIT_AUTHOR_EMAIL=git@example.com
export GIT_COMMITTER_NAME=Git GIT_COMMITTER_EMAIL=git@example.com
export SD_NOW=2026-11-23T09:00:00Z
J=$tmp/t.json

# status_events FILE: "from>to" of each status event, in file order.
status_events() {
	sed -n 's/^<!-- sd:event .* field=status from=\([^ ]*\) to=\([^ ]*\).*/\1>\2/p' "$1" | tr '\n' ' '
}
# replayed ID: the status a replay of the timeline ends at, and the front
# matter's, as "replayed front".
replay_check() {
	sd -C "$1" show "$2" --json >"$J" 2>"$tmp/show.err"
	json_get "$J" '([e["to"] for e in d["timeline"] if e["kind"] == "event" and e["field"] == "status"] or ["new"])[-1] + " " + d["status"]'
}
# ordered FILE: the timeline's times never go back (compared as times).
in_order='(lambda t: t == sorted(t))([(s[:19], s[19:].rstrip("Z") or ".000") for s in (e["at"] for e in d["timeline"])])'

# --- the loop from the issue, in a fresh store with the default config ---
r=$(store loop)
for i in 1 2 3 4 5 6; do
	id=$(new_ticket "$r" "Scripted $i" -m "from a CI job")
	sd -C "$r" status "$id" open -m go >/dev/null 2>&1 || fail "status open $i" ""
	sd -C "$r" resolve "$id" -m fixed >/dev/null 2>&1 || fail "resolve $i" ""
done
ids=$(all_ids "$r")
n=0
for id in $ids; do
	f=$r/$(tpath "$id")
	expect_eq "loop: file history in order ($id)" "new>open open>resolved " "$(status_events "$f")"
	n=$((n + 1))
done
expect_eq "loop: six tickets" 6 "$n"
expect_match "loop: the second change is 1 ms after the first" "$f" \
	'^<!-- sd:event id=[^ ]* at=2026-11-23T09:00:00.001Z .* from=open to=resolved '
expect_match "loop: updated is the last change" <(front_matter "$f") '^updated: 2026-11-23T09:00:00.001Z$'
expect_exit "loop: sd show" 0 sd -C "$r" show "$id"
expect_eq "loop: sd show in order" "new → open|open → resolved" \
	"$(grep -o 'status: [a-z]* → [a-z]*' "$OUT" | sed 's/status: //' | paste -sd'|')"
expect_exit "loop: sd show --json" 0 sd -C "$r" show "$id" --json
cp "$OUT" "$J"
expect_json "loop: show --json in order, with milliseconds" "$J" \
	'[[e["at"], e["from"], e["to"]] for e in d["timeline"]]' \
	'[["2026-11-23T09:00:00Z", "new", "open"], ["2026-11-23T09:00:00.001Z", "open", "resolved"]]'
expect_exit "loop: sd log" 0 sd -C "$r" log "$id"
expect_eq "loop: sd log in order, commits oldest first" \
	"status: new → open|status: open → resolved|sd: new|sd: status|sd: resolve" \
	"$(grep -o 'status: [a-z]* → [a-z]*\|sd: [a-z]*' "$OUT" | paste -sd'|')"
expect_exit "loop: sd sla --json --all" 0 sd -C "$r" sla --json --all
cp "$OUT" "$J"
expect_json "loop: every resolution clock stopped, at the moment read" "$J" \
	'sorted(set(x["resolution"]["state"] for x in d)) + [len(d)]' '["met", 6]'
expect_exit "loop: sd sla --check" 0 sd -C "$r" sla --check
expect_exit "loop: sd list --all" 0 sd -C "$r" list --all
expect_eq "loop: no DUE on a resolved ticket" "- - - - - -" \
	"$(awk '{ print $7 }' "$OUT" | paste -sd' ')"

# Comments in one second: the last one added is the last in the JSON.
for c in one two three four; do
	sd -C "$r" comment "$id" -m "Comment $c" >/dev/null 2>&1 || fail "comment $c" ""
done
sd -C "$r" show "$id" --json >"$J"
expect_json "comments in one second: in the order added" "$J" \
	'[e["body"] for e in d["timeline"] if e["kind"] == "comment"]' \
	'["Comment one", "Comment two", "Comment three", "Comment four"]'

# A ticket made done by hand, with no status event, runs no clock.
hand=7h3e0d1t0b0y
put_ticket "$r" $hand "Closed by hand" closed
sd -C "$r" sla --json --all >"$J"
expect_json "done by hand: resolution clock stopped" "$J" \
	'[x["resolution"]["state"] for x in d if x["id"] == "'$hand'"]' '["met"]'
sd -C "$r" list --all >"$tmp/list.out"
expect_eq "done by hand: no DUE" "-" "$(awk '/Closed by hand/ { print $7 }' "$tmp/list.out")"
fsck_ok "loop" "$r"

# --- three clones change one ticket in the same second and sync ---
o=$(store origin)
id=$(new_ticket "$o" "Shared")
git clone -q --bare "$o" "$tmp/remote.git"
for c in a b c; do git clone -q "$tmp/remote.git" "$tmp/$c"; done
run_in() { sd -C "$tmp/$1" "${@:2}" >/dev/null 2>"$tmp/run.err" || fail "sd ${*:2} in $1" "$(cat "$tmp/run.err")"; }
run_in a comment "$id" -m "A first"
run_in a status "$id" open -m "A opens"
run_in a assign "$id" alice@example.com
run_in b status "$id" pending -m "B waits"
run_in b comment "$id" -m "B asks"
run_in b set "$id" priority=P2
run_in c comment "$id" -m "C looks"
run_in c comment "$id" -m "C says done"
run_in c resolve "$id" -m "C fixed it"
# Each clone merges the others in another order.
for c in b a c b a; do run_in $c sync; done
t=$(tpath "$id")
expect_file_eq "clones: a and b agree" "$tmp/a/$t" "$tmp/b/$t"
expect_file_eq "clones: a and c agree" "$tmp/a/$t" "$tmp/c/$t"
for c in a b c; do
	expect_eq "clone $c: clean" "" "$(git -C "$tmp/$c" status --porcelain)"
done
expect_eq "clones: the replayed status is the front matter's" "resolved resolved" "$(replay_check "$tmp/a" "$id")"
expect_json "clones: the timeline is in time order" "$J" "$in_order" true
# Entries of different clones at one millisecond are ordered by id.
expect_json "clones: every comment once" "$J" \
	'sorted(e["body"] for e in d["timeline"] if e["kind"] == "comment")' \
	'["A first", "B asks", "C looks", "C says done"]'
expect_json "clones: each clone's entries in the order made" "$J" \
	'[e["body"] for e in d["timeline"] if e["kind"] == "comment" and e["body"].startswith("C")]' \
	'["C looks", "C says done"]'
# b pushes first; a's open (1 ms in) beats b's pending; then c's resolve
# (2 ms in) beats open. Each record is dated after what it decides.
expect_json "clones: the later change to the millisecond wins, each loser recorded" "$J" \
	'[[e["from"], e["to"]] for e in d["timeline"] if e["kind"] == "event" and e["field"] == "status" and e["author"].startswith("sd merge")]' \
	'[["pending", "open"], ["open", "resolved"]]'
sd -C "$tmp/a" sla --json --all >"$tmp/sla.json"
expect_json "clones: the resolution clock is stopped" "$tmp/sla.json" \
	'[x["resolution"]["state"] for x in d]' '["met"]'
fsck_ok "clone a" "$tmp/a"

# --- random changes with the clock frozen ---
RANDOM=51
r=$(store random)
a=$(new_ticket "$r" "Random A")
b=$(new_ticket "$r" "Random B")
statuses=(new open pending on-hold resolved closed cancelled)
for i in $(seq 1 30); do
	if [ $((RANDOM % 2)) = 0 ]; then t=$a; else t=$b; fi
	case $((RANDOM % 5)) in
	0) sd -C "$r" comment "$t" -m "note $i" ;;
	1) sd -C "$r" resolve "$t" -m "fix $i" ;;
	2) sd -C "$r" reopen "$t" -m "again $i" ;;
	*) sd -C "$r" status "$t" "${statuses[RANDOM % 7]}" -m "step $i" ;;
	esac >/dev/null 2>&1
done
for t in $a $b; do
	got=$(replay_check "$r" "$t")
	expect_eq "random: replayed status is the front matter's ($t)" "${got#* } ${got#* }" "$got"
	expect_json "random: timeline in time order ($t)" "$J" "$in_order" true
	expect_json "random: each status change starts where the one before ended ($t)" "$J" \
		'(lambda s: [x["from"] for x in s[1:]] == [x["to"] for x in s[:-1]] and len(s) > 3)([e for e in d["timeline"] if e["kind"] == "event" and e["field"] == "status"])' true
done
expect_exit "random: sd check" 0 sd -C "$r" check
fsck_ok "random" "$r"

finish
