#!/bin/bash
# SPDX-License-Identifier: MIT
# Load test: N processes each make M mutations (new, comment, status) on
# the same store at once. Every one reports success and lands, in exactly
# N x M commits; nothing is lost or duplicated; git fsck and sd check are
# clean and the work tree and index match HEAD. A small load in make
# check; `make stress` runs 8 x 200 (SD_STRESS_PROCS, SD_STRESS_OPS).
#
# Comments go to three shared tickets, so writers contend for the same
# files; status changes go to each process's own ticket and always change
# it, so every mutation is a commit.
. "$(dirname "$0")/lib.sh"

procs=${SD_STRESS_PROCS:-3}
ops=${SD_STRESS_OPS:-9}

r=$(store desk)
shared=()
for i in 1 2 3; do shared+=("$(new_ticket "$r" "Shared ticket $i" -m "Shared $i.")"); done
before=$(commit_count "$r")

# worker P: M mutations; every success is logged as "KIND TEXT [ID]" in
# $tmp/ok.P, every failure with sd's message in $tmp/fail.P.
worker() {
	local p=$1 j own text status=new rc
	local okf=$tmp/ok.$p failf=$tmp/fail.$p
	local RANDOM=$((p * 7919))
	: >"$okf"
	: >"$failf"
	for j in $(seq 1 "$ops"); do
		text="load p$p op$j"
		if [ "$j" = 1 ] || [ $((j % 3)) = 0 ]; then
			id=$("$SD" -C "$r" new "$text" -m "Opened by $text." 2>"$tmp/err.$p")
			rc=$?
			[ $rc = 0 ] && echo "new $text $id" >>"$okf"
			[ "$j" = 1 ] && own=$id
		elif [ $((j % 3)) = 1 ]; then
			"$SD" -C "$r" comment "${shared[RANDOM % 3]}" -m "$text" 2>"$tmp/err.$p"
			rc=$?
			[ $rc = 0 ] && echo "comment $text" >>"$okf"
		else
			[ "$status" = open ] && status=pending || status=open
			"$SD" -C "$r" status "$own" "$status" -m "$text" 2>"$tmp/err.$p"
			rc=$?
			[ $rc = 0 ] && echo "status $text" >>"$okf"
		fi
		[ $rc = 0 ] || echo "$text: exit $rc: $(head -c 200 "$tmp/err.$p")" >>"$failf"
	done
}

t0=$(date +%s)
pids=()
for p in $(seq 1 "$procs"); do
	worker "$p" &
	pids+=($!)
done
wait "${pids[@]}"
secs=$(($(date +%s) - t0))

total=$((procs * ops))
cat "$tmp"/ok.* >"$tmp/ok"
cat "$tmp"/fail.* >"$tmp/fail"
echo "# $procs processes x $ops mutations: $(wc -l <"$tmp/ok") succeeded, $(wc -l <"$tmp/fail") failed, in ${secs}s"
expect_eq "all $total mutations report success" "" "$(head -n 20 "$tmp/fail")"
expect_commit_count "one commit per mutation" "$r" $((before + total))
expect_eq "commit subjects: one per mutation, no other" "$total" \
	"$(git -C "$r" log --format=%s "HEAD~$total..HEAD" 2>/dev/null | grep -cE '^sd: (new|comment|status) ')"

git -C "$r" archive --prefix=head/ HEAD tickets | tar -x -C "$tmp"
cat "$tmp"/head/tickets/*/*.md >"$tmp/all"
lost=0
: >"$tmp/lost"
while read -r kind t1 t2 t3 id; do
	text="$t1 $t2 $t3"
	case $kind in
	new) [ -f "$tmp/head/$(tpath "$id")" ] && [ "$(grep -cxF "title: $text" "$tmp/all")" = 1 ] ;;
	comment) [ "$(grep -cxF -- "$text" "$tmp/all")" = 1 ] ;;
	status) [ "$(grep -cF -- "reason=\"$text\" -->" "$tmp/all")" = 1 ] ;;
	esac || { lost=$((lost + 1)); echo "$kind $text $id" >>"$tmp/lost"; }
done <"$tmp/ok"
if [ $lost = 0 ]; then
	ok "every mutation in HEAD exactly once ($(wc -l <"$tmp/ok"))"
else
	fail "every mutation in HEAD exactly once ($(wc -l <"$tmp/ok"))" "$lost lost or doubled:" \
		"$(head -n 20 "$tmp/lost")"
fi
expect_eq "tickets: 3 shared plus every new one" $((3 + $(grep -c '^new ' "$tmp/ok"))) \
	"$(all_ids "$r" | wc -l)"
expect_clean "after the load" "$r"
expect_eq "the index matches HEAD" "" "$(git -C "$r" diff --cached --name-only HEAD)"
expect_missing "no lock left" "$r/.git/sd.lock"
fsck_ok "after the load" "$r"
finish
