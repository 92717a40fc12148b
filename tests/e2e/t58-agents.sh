#!/bin/bash
# SPDX-License-Identifier: MIT
# sd agents: the team with open load per queue, shift and absence; agent
# emails in completion; and two clones that route 50 tickets each while
# offline and then sync into a fair state.
. "$(dirname "$0")/lib.sh"

export GIT_AUTHOR_NAME=Git GIT_AUTHOR_EMAIL=git@example.com
export GIT_COMMITTER_NAME=Git GIT_COMMITTER_EMAIL=git@example.com
J=$tmp/agents.json

r=$(store team)
expect_exit "agents: none yet" 0 sd -C "$r" agents
expect_err "agents: none yet, says where they go" \
	"sd: no agents in .sd/config.yaml; see sd-config(5) for the agents section"
cat >>"$r/.sd/config.yaml" <<'EOF2'
agents:
  - {name: Ana Novak, email: ana@example.com, queues: [desk, network], calendar: office, capacity: 2}
  - {name: Bor Kos, email: bor@example.com, queues: [desk], away: [2026-11-20..2026-11-25]}
  - {name: Čedomir Šuštar, email: cedo@example.com, queues: [desk]}
queues:
  desk: {assign: round-robin}
EOF2
commit_all "$r" "team"
new_ticket "$r" "one" >/dev/null
new_ticket "$r" "two" >/dev/null
new_ticket "$r" "three" >/dev/null
net=$(new_ticket "$r" "four" --queue network --assignee ana@example.com)
sd -C "$r" resolve "$net" -m done >/dev/null

expect_exit "agents" 0 sd -C "$r" agents
expect_out "agents: load per queue, capacity, shift, away" \
"EMAIL             NAME            OPEN  SHIFT  AWAY              QUEUES
ana@example.com   Ana Novak       2/2   on     -                 desk 2, network 0
bor@example.com   Bor Kos         0     on     until 2026-11-25  desk 0
cedo@example.com  Čedomir Šuštar  1     on     -                 desk 1"
SD_NOW=2026-11-28T10:00:00Z expect_exit "agents on Saturday" 0 sd -C "$r" agents --json
cp "$OUT" "$J"
expect_json "agents --json: Ana off shift on Saturday, full" "$J" \
	"[d[0]['on_shift'], d[0]['open'], d[0]['capacity'], d[0]['queues'], d[0]['calendar']]" \
	'[false, 2, 2, {"desk": 2, "network": 0}, "office"]'
expect_json "agents --json: Bor back from away" "$J" "[d[1]['away'], d[1]['on_shift'], d[1]['capacity']]" \
	'[null, true, null]'
expect_exit "agents --json today" 0 sd -C "$r" agents --json
cp "$OUT" "$J"
expect_json "agents --json: Bor away" "$J" "d[1]['away']" '{"from": "2026-11-20", "to": "2026-11-25"}'

expect_exit "complete values assignee" 0 sd -C "$r" __complete values assignee
expect_out "completion offers the agents' emails" "ana@example.com
bor@example.com
cedo@example.com"

# --- two clones route offline, then sync ---
o=$(store origin)
cat >>"$o/.sd/config.yaml" <<'EOF2'
agents:
  - {email: ana@example.com, queues: [desk]}
  - {email: bor@example.com, queues: [desk]}
queues:
  desk: {assign: least-loaded}
EOF2
commit_all "$o" "team"
git clone -q --bare "$o" "$tmp/remote.git"
git clone -q "$tmp/remote.git" "$tmp/a"
git clone -q "$tmp/remote.git" "$tmp/b"
for i in $(seq 1 50); do printf '{"title": "Request %d"}\n' "$i"; done >"$tmp/in.jsonl"
# A record that names its assignee keeps it; one already closed is not routed.
printf '{"title": "Given", "assignee": "zoe@example.com"}\n{"title": "Old", "status": "closed"}\n' >>"$tmp/in.jsonl"
SD_NOW=2026-11-23T10:00:00Z expect_exit "clone a routes 50 offline" 0 sd -C "$tmp/a" import --route "$tmp/in.jsonl"
SD_NOW=2026-11-23T10:07:00Z expect_exit "clone b routes 50 offline" 0 sd -C "$tmp/b" import --route "$tmp/in.jsonl"
loads() { sd -C "$1" agents --json >"$J" && json_get "$J" "[a['open'] for a in d]"; }
expect_eq "clone a alone: even" "[25, 25]" "$(loads "$tmp/a")"
expect_exit "sync a" 0 sd -C "$tmp/a" sync
expect_exit "sync b" 0 sd -C "$tmp/b" sync
expect_exit "sync a again" 0 sd -C "$tmp/a" sync
expect_eq "after sync: loads differ by at most one (a)" "[50, 50]" "$(loads "$tmp/a")"
expect_eq "after sync: the same in b" "[50, 50]" "$(loads "$tmp/b")"
id=$(new_ticket "$tmp/b" "one more")
expect_eq "the next ticket goes to the first by e-mail on a tie" "ana@example.com" \
	"$(sd -C "$tmp/b" show "$id" --json >"$J" && json_get "$J" "d['assignee']")"
new_ticket "$tmp/b" "and another" >/dev/null
expect_eq "and the one after evens it out" "[51, 51]" "$(loads "$tmp/b")"
sd -C "$tmp/a" list --all --format '%(id) %(title)' >"$tmp/ids"
sd -C "$tmp/a" show "$(grep -m1 ' Request ' "$tmp/ids" | cut -d' ' -f1)" --json >"$J"
expect_json "imported tickets say so" "$J" "d['channel']" "import"
sd -C "$tmp/a" show "$(grep -m1 ' Given$' "$tmp/ids" | cut -d' ' -f1)" --json >"$J"
expect_json "import --route: a given assignee stays" "$J" "[d['assignee'], d['channel']]" '["zoe@example.com", "import"]'
sd -C "$tmp/a" show "$(grep -m1 ' Old$' "$tmp/ids" | cut -d' ' -f1)" --json >"$J"
expect_json "import --route: a closed ticket is not routed" "$J" "[d['assignee'], d['channel']]" '["", ""]' 
fsck_ok "clone a" "$tmp/a"

# --- three agents: the same choices on both sides add up unevenly (17,
# 17, 16 each: 34, 34, 32), so the sync that merges moves what routing
# assigned until the loads differ by at most one, the same in both clones ---
o3=$(store origin3)
cat >>"$o3/.sd/config.yaml" <<'EOF2'
agents:
  - {email: ana@example.com, queues: [desk]}
  - {email: bor@example.com, queues: [desk]}
  - {email: cedo@example.com, queues: [desk]}
queues:
  desk: {assign: round-robin}
EOF2
commit_all "$o3" "team"
git clone -q --bare "$o3" "$tmp/remote3.git"
git clone -q "$tmp/remote3.git" "$tmp/a3"
git clone -q "$tmp/remote3.git" "$tmp/b3"
head -50 "$tmp/in.jsonl" >"$tmp/in50.jsonl"
SD_NOW=2026-11-23T10:00:00Z expect_exit "3 agents: clone a routes 50 offline" 0 sd -C "$tmp/a3" import --route "$tmp/in50.jsonl"
SD_NOW=2026-11-23T10:07:00Z expect_exit "3 agents: clone b routes 50 offline" 0 sd -C "$tmp/b3" import --route "$tmp/in50.jsonl"
expect_eq "3 agents: clone b alone" "[17, 17, 16]" "$(loads "$tmp/b3")"
# Routing stamped all of b's at one time, so the next to move is ana's
# with the smallest id; a comment there makes it hers, and the next goes.
sd -C "$tmp/b3" list --assignee ana@example.com --sort id --format '%(id)' >"$tmp/ana3"
touched=$(sed -n 1p "$tmp/ana3")
next=$(sed -n 2p "$tmp/ana3")
expect_exit "3 agents: b comments on one of ana's" 0 sd -C "$tmp/b3" comment "$touched" -m "on it"
expect_exit "3 agents: sync a" 0 sd -C "$tmp/a3" sync
# A copy of b that pulls the same state rebalances it alone, at its own time.
cp -a "$tmp/b3" "$tmp/b3x"
expect_exit "3 agents: the copy of b pulls and rebalances" 0 sd -C "$tmp/b3x" pull
expect_out "3 agents: pull says what it moved" "received 50 tickets, merged 0
rebalanced 1 ticket among the agents of their queues"
expect_exit "3 agents: sync b merges and rebalances" 0 sd -C "$tmp/b3" sync
expect_out "3 agents: sync b says what it moved" "received 50 tickets, sent 50, merged 0
rebalanced 1 ticket among the agents of their queues"
expect_exit "3 agents: the copy syncs the same move" 0 sd -C "$tmp/b3x" sync
expect_exit "3 agents: show the moved one in the copy" 0 sd -C "$tmp/b3x" show "$next"
expect_eq "3 agents: two clones' same move is one record" 1 "$(grep -c 'rebalanced after sync' "$OUT")"
expect_exit "3 agents: sync a again" 0 sd -C "$tmp/a3" sync
expect_eq "3 agents: loads differ by at most one (a)" "[33, 34, 33]" "$(loads "$tmp/a3")"
expect_eq "3 agents: the same in b" "[33, 34, 33]" "$(loads "$tmp/b3")"
sd -C "$tmp/a3" list --all --sort id --format '%(id) %(assignee)' >"$tmp/a3.list"
sd -C "$tmp/b3" list --all --sort id --format '%(id) %(assignee)' >"$tmp/b3.list"
expect_eq "3 agents: both clones agree on every assignee" "$(cat "$tmp/a3.list")" "$(cat "$tmp/b3.list")"
expect_eq "3 agents: the touched ticket stays with ana" "$touched ana@example.com" "$(grep "^$touched " "$tmp/a3.list")"
expect_exit "3 agents: show the moved one" 0 sd -C "$tmp/a3" show "$next"
expect_out_has "3 agents: moved to cedo, and why" "ana@example.com → cedo@example.com"
expect_out_has "3 agents: the reason" "routing: rebalanced after sync"
fsck_ok "3 agents: clone b" "$tmp/b3"

finish
