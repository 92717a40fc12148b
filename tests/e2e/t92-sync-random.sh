#!/bin/bash
# SPDX-License-Identifier: MIT
# Randomized: N clones make random changes offline and sync in random
# orders (sd sync or plain git pull/push); at the end every clone has the
# same tickets and no comment is lost. A fixed seed in make check;
# `make stress` runs more rounds with other seeds (SD_STRESS_SEED,
# SD_STRESS_ROUNDS).
. "$(dirname "$0")/lib.sh"

export GIT_AUTHOR_NAME=Git GIT_AUTHOR_EMAIL=git@example.com
export GIT_COMMITTER_NAME=Git GIT_COMMITTER_EMAIL=git@example.com
RANDOM=${SD_STRESS_SEED:-4242}
rounds=${SD_STRESS_ROUNDS:-6}
clones=3

r=$(store origin)
for i in 1 2 3; do new_ticket "$r" "Seed ticket $i" >/dev/null; done
git clone -q --bare "$r" "$tmp/remote.git"
for c in $(seq 1 $clones); do git clone -q "$tmp/remote.git" "$tmp/c$c"; sd -C "$tmp/c$c" list >/dev/null; done
: >"$tmp/comments"
minute=0
statuses=(open pending on-hold resolved open)
for round in $(seq 1 "$rounds"); do
	for c in $(seq 1 $clones); do
		ids=($(all_ids "$tmp/c$c"))
		for op in 1 2 3; do
			minute=$((minute + 1))
			now=$(printf '2026-11-23T%02d:%02d:00Z' $((8 + minute / 60)) $((minute % 60)))
			id=${ids[RANDOM % ${#ids[@]}]}
			case $((RANDOM % 5)) in
			0 | 1)
				text="r$round c$c op$op comment $RANDOM"
				SD_NOW=$now sd -C "$tmp/c$c" comment "$id" -m "$text" >/dev/null 2>&1 &&
					echo "$text" >>"$tmp/comments" ;;
			2) SD_NOW=$now sd -C "$tmp/c$c" status "$id" "${statuses[RANDOM % 5]}" -m "r$round" >/dev/null 2>&1 ;;
			3) SD_NOW=$now sd -C "$tmp/c$c" assign "$id" "agent$((RANDOM % 3))@example.com" >/dev/null 2>&1 ;;
			4) SD_NOW=$now sd -C "$tmp/c$c" new "Ticket r$round c$c" >/dev/null 2>&1 ;;
			esac
		done
	done
	# Sync a random subset in a random order, half with sd, half with git.
	for c in $(seq 1 $clones | shuf --random-source=<(yes $round)); do
		[ $((RANDOM % 3)) = 0 ] && continue
		if [ $((RANDOM % 2)) = 0 ]; then
			sd -C "$tmp/c$c" sync >/dev/null 2>"$tmp/err" || fail "round $round: sd sync in c$c" "$(cat "$tmp/err")"
		else
			{ git -C "$tmp/c$c" pull -q --no-rebase --no-edit && git -C "$tmp/c$c" push -q; } >"$tmp/err" 2>&1 ||
				fail "round $round: git pull/push in c$c" "$(cat "$tmp/err")"
		fi
	done
done
# Everyone syncs twice more, in order.
for pass in 1 2; do
	for c in $(seq 1 $clones); do
		sd -C "$tmp/c$c" sync >/dev/null 2>"$tmp/err" || fail "final sync c$c" "$(cat "$tmp/err")"
	done
done
for c in $(seq 2 $clones); do
	expect_eq "c1 and c$c have the same tickets" "" \
		"$(diff -r "$tmp/c1/tickets" "$tmp/c$c/tickets")"
done
missing=0
while IFS= read -r text; do
	n=$(grep -rxF -- "$text" "$tmp/c1/tickets" | wc -l)
	[ "$n" = 1 ] || { missing=$((missing + 1)); echo "$text: $n times" >>"$tmp/lost"; }
done <"$tmp/comments"
expect_eq "every comment exactly once ($(wc -l <"$tmp/comments") comments)" 0 "$missing"
for c in $(seq 1 $clones); do
	expect_eq "c$c clean" "" "$(git -C "$tmp/c$c" status --porcelain)"
	fsck_ok "c$c" "$tmp/c$c"
done
finish
