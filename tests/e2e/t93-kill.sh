#!/bin/bash
# SPDX-License-Identifier: MIT
# Kill test: mutations (new, comment, status, assign, import of three
# tickets and of 80, which is written as one pack, edit, and sd pull of a
# change from another clone) are killed with SIGKILL at random points. After every kill git fsck and sd
# check are clean and HEAD names a complete commit; at the end every
# mutation that reported success is in HEAD. A fixed seed and a few kills
# in make check; `make stress` lands more (SD_STRESS_SEED,
# SD_STRESS_KILLS).
#
# What a kill may leave is counted and printed as "# ..." lines rather
# than hidden: a stale .git/sd.lock (the next sd breaks it); a stale
# .git/index.lock or ref lock such as .git/refs/heads/main.lock (git
# leaves these too when killed and tells the user to remove them; this
# test removes them the same way); a work tree or index that differs from
# HEAD for a mutation that never reported success (sd journals its
# commits, and the next sd to take the lock brings the index up to HEAD);
# and a temporary TICKET.md.sd-tmp-PID beside a ticket, which the next sd
# to scan the store removes. Files written for a commit that was never
# made are put back by the next sd to take the lock (sd journals their
# old and new content first), so nothing of a killed mutation lands later.
. "$(dirname "$0")/lib.sh"

RANDOM=${SD_STRESS_SEED:-9393}
want_kills=${SD_STRESS_KILLS:-8}

r=$(store desk)
for i in 1 2 3; do new_ticket "$r" "Seed ticket $i" -m "Seed $i." >/dev/null; done
# Another clone, which gets a comment before every pull from it.
git clone -q "$r" "$tmp/up"
git -C "$r" remote add up "$tmp/up"

# The editor adds its marker ($KILL_MARK) as a paragraph of the description.
cat >"$tmp/editor" <<'EOF'
#!/bin/sh
for f; do :; done
awk -v m="$KILL_MARK" '/^<!-- sd:timeline -->$/ && !done { print m; print ""; done = 1 } { print }' "$f" >"$f.new" &&
	mv "$f.new" "$f"
EOF
chmod +x "$tmp/editor"

ok_log=$tmp/succeeded # KIND MARKER [ID] of every mutation that exited 0
: >"$ok_log"
statuses=(open pending on-hold resolved open)

# start K: start one random mutation in the background; sets $pid, $kind,
# $mark. The binary is started directly (not through the sd function), so
# $! is sd itself.
start() {
	local k=$1 id
	# Tickets in HEAD: a file a killed `new` left in the work tree is not
	# a ticket, and the next sd removes it.
	local ids=($(git -C "$r" ls-tree -r --name-only HEAD tickets | sed -n 's|^tickets/../\(.*\)\.md$|\1|p'))
	id=${ids[RANDOM % ${#ids[@]}]}
	mark="kill-$k-$RANDOM"
	case $((RANDOM % 8)) in
	0)
		kind=new
		"$SD" -C "$r" new "$mark" -m "Opened by $mark." >"$tmp/run.out" 2>"$tmp/run.err" &
		;;
	1)
		kind=comment
		"$SD" -C "$r" comment "$id" -m "$mark" >"$tmp/run.out" 2>"$tmp/run.err" &
		;;
	2)
		kind=status
		"$SD" -C "$r" status "$id" "${statuses[RANDOM % 5]}" -m "$mark" >"$tmp/run.out" 2>"$tmp/run.err" &
		;;
	3)
		kind=assign
		"$SD" -C "$r" assign "$id" "$mark@example.com" >"$tmp/run.out" 2>"$tmp/run.err" &
		;;
	4)
		kind=import
		printf '{"title":"%s a","description":"First of %s."}\n{"title":"%s b"}\n{"title":"%s c","type":"request"}\n' \
			"$mark" "$mark" "$mark" "$mark" >"$tmp/import.jsonl"
		"$SD" -C "$r" import "$tmp/import.jsonl" >"$tmp/run.out" 2>"$tmp/run.err" &
		;;
	5)
		kind=edit
		KILL_MARK=$mark EDITOR=$tmp/editor "$SD" -C "$r" edit "$id" >"$tmp/run.out" 2>"$tmp/run.err" &
		;;
	6)
		kind=bigimport # 64 tickets or more go into one pack
		for i in $(seq 80); do
			printf '{"title":"%s %d","description":"Number %d of %s."}\n' "$mark" "$i" "$i" "$mark"
		done >"$tmp/import.jsonl"
		"$SD" -C "$r" import "$tmp/import.jsonl" >"$tmp/run.out" 2>"$tmp/run.err" &
		;;
	7)
		kind=pull
		local up_ids=($(all_ids "$tmp/up"))
		"$SD" -C "$tmp/up" comment "${up_ids[RANDOM % ${#up_ids[@]}]}" -m "$mark" >/dev/null 2>&1 ||
			echo "the comment in the other clone failed" >>"$tmp/problems"
		# In a session of its own, so that the kill reaches the git
		# fetch sd runs as well.
		setsid "$SD" -C "$r" pull up >"$tmp/run.out" 2>"$tmp/run.err" &
		;;
	esac
	pid=$!
}

# Kill points are drawn from 0..max_ms. The range starts from how long
# a few unkilled mutations take here and then follows the runs: it shrinks
# when a mutation finished first and grows when it was killed, so kills
# land in every phase of a command on any machine or build (a sanitizer
# build is several times slower). This only steers the test; nothing is
# asserted about time.
t0=$(date +%s%N)
for k in 1 2 3; do
	start "calibrate$k"
	wait "$pid"
done
max_ms=$((($(date +%s%N) - t0) / 3000000))
[ "$max_ms" -lt 30 ] && max_ms=30
min_seen=$max_ms max_seen=$max_ms

kills=0 rounds=0 finished=0 failed_runs=0
tmp_kept=0 stale_sd_lock=0 stale_index_lock=0 stale_ref_lock=0 tree_ahead=0 index_behind=0
fsck_bad=0 check_bad=0 head_bad=0 tmp_left=0
: >"$tmp/problems"
: >"$tmp/index-notes"
: >"$tmp/tmp-notes"
: >"$tmp/lock-notes"
: >"$tmp/st.before"
while [ $kills -lt "$want_kills" ] && [ $rounds -lt $((want_kills * 10)) ]; do
	rounds=$((rounds + 1))
	start "$rounds"
	delay=$((RANDOM % (max_ms + 1)))
	sleep "$((delay / 1000)).$(printf '%03d' $((delay % 1000)))"
	if [ "$kind" = pull ]; then kill -9 -- "-$pid" 2>/dev/null; else kill -9 "$pid" 2>/dev/null; fi
	wait "$pid" 2>/dev/null
	rc=$?
	if [ $rc = 137 ]; then
		max_ms=$((max_ms * 9 / 8 + 1))
		[ $max_ms -gt 2000 ] && max_ms=2000
	else
		max_ms=$((max_ms * 7 / 8))
		[ $max_ms -lt 30 ] && max_ms=30
	fi
	[ $max_ms -lt $min_seen ] && min_seen=$max_ms
	[ $max_ms -gt $max_seen ] && max_seen=$max_ms
	case $rc in
	0)
		finished=$((finished + 1))
		case $kind in
		new) echo "new $mark $(head -n 1 "$tmp/run.out")" >>"$ok_log" ;;
		status) grep -q 'nothing changed' "$tmp/run.err" || echo "status $mark" >>"$ok_log" ;;
		*) echo "$kind $mark" >>"$ok_log" ;;
		esac
		continue
		;;
	137) kills=$((kills + 1)) ;;
	*)
		# Not killed, yet failed: what a user would see is the message.
		failed_runs=$((failed_runs + 1))
		echo "round $rounds: $kind exited $rc: $(head -c 300 "$tmp/run.err")" >>"$tmp/problems"
		;;
	esac

	# What the kill left behind.
	where="round $rounds ($kind killed after ${delay} ms)"
	[ -e "$r/.git/sd.lock" ] && stale_sd_lock=$((stale_sd_lock + 1))
	if [ -e "$r/.git/index.lock" ]; then
		stale_index_lock=$((stale_index_lock + 1))
		rm -f "$r/.git/index.lock"
	fi
	# A kill while a ref moves leaves its lock (refs/heads/main.lock, as
	# git would); until it is removed every commit fails.
	while IFS= read -r f; do
		stale_ref_lock=$((stale_ref_lock + 1))
		echo "$where: left ${f#"$r"/}" >>"$tmp/lock-notes"
		rm -f "$f"
	done < <(find "$r/.git/refs" "$r/.git/HEAD.lock" "$r/.git/packed-refs.lock" -name '*.lock' 2>/dev/null)
	if ! git -C "$r" fsck --strict --no-progress >"$tmp/fsck" 2>&1 ||
		grep -qiE '^(error|warning|fatal)' "$tmp/fsck"; then
		fsck_bad=$((fsck_bad + 1))
		echo "$where: git fsck: $(head -c 300 "$tmp/fsck")" >>"$tmp/problems"
	fi
	if ! git -C "$r" cat-file -e 'HEAD^{tree}' 2>/dev/null; then
		head_bad=$((head_bad + 1))
		echo "$where: HEAD does not name a complete commit" >>"$tmp/problems"
	fi
	# A kill between writing a ticket's temporary file and renaming it
	# leaves TICKET.md.sd-tmp-PID beside the ticket; the next sd that
	# scans the store (sd check here) removes it, as its writer is gone.
	tmp_left=$((tmp_left + $(find "$r/tickets" -name '*.sd-tmp-*' | wc -l)))
	if ! "$SD" -C "$r" check >"$tmp/check" 2>&1 </dev/null || [ -s "$tmp/check" ]; then
		check_bad=$((check_bad + 1))
		echo "$where: sd check: $(head -c 300 "$tmp/check")" >>"$tmp/problems"
	fi
	while IFS= read -r f; do
		tmp_kept=$((tmp_kept + 1))
		echo "$where: sd check left ${f#"$r"/}" >>"$tmp/tmp-notes"
		rm -f "$f"
	done < <(find "$r/tickets" -name '*.sd-tmp-*')
	# Column X of git status compares the index with HEAD, Y the work
	# tree with the index. Both are compared with the previous kill's
	# state, so each new difference is counted once.
	git -C "$r" status --porcelain --untracked-files=all -- tickets >"$tmp/st"
	sort "$tmp/st" >"$tmp/st.now"
	while IFS= read -r line; do
		case ${line:0:1} in
		' ' | '?') tree_ahead=$((tree_ahead + 1)) ;;
		*)
			index_behind=$((index_behind + 1))
			echo "$where: the index is behind HEAD: $line" >>"$tmp/index-notes"
			;;
		esac
	done < <(comm -13 "$tmp/st.before" "$tmp/st.now")
	mv "$tmp/st.now" "$tmp/st.before"
done

echo "# $kills kills in $rounds rounds (kill points drawn from 0-N ms, N between $min_seen and $max_seen);" \
	"$finished mutations finished first, $failed_runs failed unkilled"
echo "# left by a kill: stale sd.lock $stale_sd_lock, stale index.lock $stale_index_lock," \
	"stale ref locks $stale_ref_lock (git's locks removed as git advises)," \
	"ticket files not yet committed $tree_ahead, index entries behind HEAD $index_behind"
echo "# temporary ticket files left by kills: $tmp_left, all removed by the next sd"
sed 's/^/# /' "$tmp/tmp-notes" "$tmp/lock-notes" "$tmp/index-notes" | head -n 10
expect_eq "$want_kills kills landed" "$want_kills" "$kills"
expect_eq "git fsck clean after every round" 0 "$fsck_bad"
expect_eq "HEAD names a complete commit after every round" 0 "$head_bad"
expect_eq "sd check clean after every round" 0 "$check_bad"
expect_eq "temporary files of killed writers removed by the next sd" 0 "$tmp_kept"
expect_eq "no mutation failed without being killed" 0 "$failed_runs"
if [ -s "$tmp/problems" ]; then
	fail "problems seen (first 20)" "$(head -n 20 "$tmp/problems")"
fi

# Every mutation that reported success is committed, in HEAD.
git -C "$r" archive --prefix=head/ HEAD tickets | tar -x -C "$tmp"
lost=0
: >"$tmp/lost"
while read -r kind mark id; do
	case $kind in
	new)
		p=$tmp/head/$(tpath "$id")
		[ -f "$p" ] && grep -qxF "title: $mark" "$p"
		;;
	comment) [ "$(cat "$tmp"/head/tickets/*/*.md | grep -cxF -- "$mark")" = 1 ] ;;
	status) grep -rqF -e "reason=$mark -->" -e "reason=\"$mark\" -->" "$tmp/head/tickets" ;;
	assign) grep -rqF -- "to=$mark@example.com" "$tmp/head/tickets" ;;
	import)
		[ "$(cat "$tmp"/head/tickets/*/*.md | grep -cxF -e "title: $mark a" -e "title: $mark b" -e "title: $mark c")" = 3 ]
		;;
	bigimport) [ "$(cat "$tmp"/head/tickets/*/*.md | grep -c "^title: $mark [0-9]*\$")" = 80 ] ;;
	pull) [ "$(cat "$tmp"/head/tickets/*/*.md | grep -cxF -- "$mark")" = 1 ] ;;
	edit) [ "$(cat "$tmp"/head/tickets/*/*.md | grep -cxF -- "$mark")" = 1 ] ;;
	esac || { lost=$((lost + 1)); echo "$kind $mark $id" >>"$tmp/lost"; }
done <"$ok_log"
n=$(wc -l <"$ok_log")
if [ $lost = 0 ]; then
	ok "every mutation that reported success is in HEAD ($n)"
else
	fail "every mutation that reported success is in HEAD ($n)" "$lost lost:" "$(head -n 20 "$tmp/lost")"
fi

# Whatever a kill left between a commit and its index update, the next sd
# change brings the index up to HEAD: git status shows nothing staged.
SD_NOW=2026-11-23T23:00:00Z "$SD" -C "$r" new "After the kills" -m "Last." >/dev/null 2>&1
expect_eq "index caught up with HEAD after the next change" "" \
	"$(git -C "$r" status --porcelain=v1 --untracked-files=no -- tickets | grep -v '^ ' || true)"
# and the files of commits that were never made are put back: nothing of
# a killed mutation is left to be committed by a later one.
expect_eq "work tree equal to HEAD after the next change" "" \
	"$(git -C "$r" status --porcelain=v1 --untracked-files=all -- tickets)"

# HEAD itself, checked out alone, is a valid store.
git clone -q "$r" "$tmp/clone"
fsck_ok "a clone of HEAD" "$tmp/clone"
finish
