#!/bin/bash
# SPDX-License-Identifier: MIT
# Tickets merge by meaning under plain git: .gitattributes routes them to
# sd merge-file, which sd registers; concurrent comments, field changes
# and tags from several clones all survive, with no conflict markers, and
# clones that merged in different orders end with identical tickets.
. "$(dirname "$0")/lib.sh"

export GIT_AUTHOR_NAME=Git GIT_AUTHOR_EMAIL=git@example.com
export GIT_COMMITTER_NAME=Git GIT_COMMITTER_EMAIL=git@example.com

r=$(store origin)
expect_contains "init: .gitattributes routes tickets to sd" "$r/.gitattributes" "tickets/**/*.md merge=sd"
expect_match "init: driver registered" <(git -C "$r" config merge.sd.driver) "merge-file %O %A %B %P$"
id=$(new_ticket "$r" "Printer jams" --tag printer)
git clone -q --bare "$r" "$tmp/remote.git"
for c in a b c; do git clone -q "$tmp/remote.git" "$tmp/$c"; done
expect_eq "fresh clone: no driver before sd runs" "" "$(git -C "$tmp/a" config merge.sd.driver)"
for c in a b c; do sd -C "$tmp/$c" list >/dev/null; done
expect_match "fresh clone: first sd command registers the driver" \
	<(git -C "$tmp/a" config merge.sd.driver) "merge-file %O %A %B %P$"

# Offline work on the same ticket in three clones.
at() { SD_NOW=$1 sd -C "$tmp/$2" "${@:3}" >/dev/null 2>"$tmp/at.err" || fail "sd ${*:3} in $2" "$(cat "$tmp/at.err")"; }
at 2026-11-23T10:00:00Z a comment "$id" -m "Comment from A."
at 2026-11-23T10:05:00Z a status "$id" open
at 2026-11-23T10:06:00Z a set "$id" tags+=floor-3
at 2026-11-23T10:01:00Z b comment "$id" -m "Comment from B."
at 2026-11-23T10:07:00Z b assign "$id" bob@example.com
at 2026-11-23T10:08:00Z b status "$id" pending
at 2026-11-23T10:02:00Z c comment "$id" --internal -m "Note from C."
at 2026-11-23T10:03:00Z c set "$id" priority=P2
other=$(SD_NOW=2026-11-23T10:04:00Z new_ticket "$tmp/c" "Created in C")

# Sync in the order a, b, c with plain git, then everyone pulls again.
sync() {
	git -C "$tmp/$1" pull -q --no-rebase --no-edit >"$tmp/pull.out" 2>&1 ||
		fail "git pull in $1" "$(cat "$tmp/pull.out")"
	git -C "$tmp/$1" push -q >"$tmp/push.out" 2>&1 || fail "git push in $1" "$(cat "$tmp/push.out")"
}
sync a
sync b
sync c
sync a
sync b
t=$(tpath "$id")
for c in a b c; do
	expect_eq "clone $c: no conflict" "" "$(git -C "$tmp/$c" status --porcelain)"
	expect_lacks "clone $c: no conflict markers" "$tmp/$c/$t" "<<<<<<<"
done
expect_file_eq "clones a and b identical" "$tmp/a/$t" "$tmp/b/$t"
expect_file_eq "clones a and c identical" "$tmp/a/$t" "$tmp/c/$t"
expect_exists "the ticket created in c reached a" "$tmp/a/$(tpath "$other")"
f=$tmp/a/$t
for text in "Comment from A." "Comment from B." "Note from C."; do
	expect_eq "every comment exactly once: $text" 1 "$(grep -c "^$text\$" "$f")"
done
expect_match "status: the later change (pending at 10:08) wins" "$f" '^status: pending$'
expect_match "assignee from b" "$f" '^assignee: bob@example.com$'
expect_match "priority from c" "$f" '^priority: P2$'
expect_match "tags from a" "$f" '^tags: \[printer, floor-3\]$'
expect_contains "the losing status is recorded" "$f" 'field=status from=open to=pending reason="merge: changed on both sides; the later change is kept"'
expect_eq "the conflict is recorded once" 1 "$(grep -c 'author="sd merge' "$f")"
expect_eq "history of all three clones" 3 \
	"$(git -C "$tmp/a" log --format=%s | grep -c '^sd: comment')"
fsck_ok "merged a" "$tmp/a"
fsck_ok "merged c" "$tmp/c"

# Two clones change the ticket within one second. a's status change comes
# 1 ms after its comment, so it is later than b's resolve, though "resolved"
# is the greater value that a tie by the second would have kept.
at 2026-11-23T11:00:00Z a comment "$id" -m "Fast from A."
at 2026-11-23T11:00:00Z a status "$id" open
at 2026-11-23T11:00:00Z b resolve "$id" -m "Fast from B."
sync a
sync b
sync a
expect_file_eq "same second: clones a and b identical" "$tmp/a/$t" "$tmp/b/$t"
expect_match "same second: the later change to the millisecond wins" "$f" '^status: open$'
sd -C "$tmp/a" show "$id" --json >"$tmp/fast.json"
expect_json "same second: status events in order, the last one says what is kept" "$tmp/fast.json" \
	'[[e["at"], e["from"], e["to"]] for e in d["timeline"] if e["kind"] == "event" and e["field"] == "status"][-3:]' \
	'[["2026-11-23T11:00:00Z", "pending", "resolved"], ["2026-11-23T11:00:00.001Z", "pending", "open"], ["2026-11-23T11:00:00.002Z", "resolved", "open"]]'
expect_json "same second: the timeline is in time order" "$tmp/fast.json" \
	'[e["at"] for e in d["timeline"]] == sorted((e["at"] for e in d["timeline"]), key=lambda s: s[:19] + (s[19:].rstrip("Z") or ".000"))' true

# --- sd merge-file by hand ---
m=$tmp/manual
mkdir -p "$m"
git -C "$r" show HEAD:"$t" >"$m/base.md"
cp "$m/base.md" "$m/ours.md"
printf 'not a ticket\n' >"$m/theirs.md"
cp "$m/ours.md" "$m/ours.orig"
expect_exit "merge-file: a side that does not parse" 1 sd merge-file "$m/base.md" "$m/ours.md" "$m/theirs.md" "$t"
expect_sd_error "merge-file: says why"
expect_err_has "merge-file: names the ticket" "$t"
expect_file_eq "merge-file: ours left as it was" "$m/ours.orig" "$m/ours.md"
# A side that uses one entry id twice (a hand edit) has no merge that is
# the same both ways round: refused, git keeps the conflict.
python3 - "$f" "$m/theirs.md" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
m = re.search(r"(?ms)^<!-- sd:comment .*?(?=^<!-- sd:|\Z)", text)
entry = m.group(0)
twice = text.replace(entry, entry + entry.replace("\n\n", "\n\nsecond copy, edited: ", 1), 1)
open(sys.argv[2], "w").write(twice)
PY
dup_id=$(sed -n 's/^<!-- sd:comment id=\([^ ]*\) .*/\1/p' "$m/theirs.md" | sort | uniq -d)
expect_eq "merge-file: theirs uses an entry id twice" 1 "$(printf '%s\n' "$dup_id" | grep -c .)"
expect_exit "merge-file: a side with an entry id twice" 1 sd merge-file "$m/base.md" "$m/ours.md" "$m/theirs.md" "$t"
expect_err_has "merge-file: names the entry id" "entry id '$dup_id' is used twice"
expect_file_eq "merge-file: ours left as it was, again" "$m/ours.orig" "$m/ours.md"
expect_exit "merge-file: too few arguments" 2 sd merge-file "$m/base.md" "$m/ours.md"
expect_sd_error "merge-file: usage"
cp "$m/base.md" "$m/theirs.md"
expect_exit "merge-file: nothing to merge" 0 sd merge-file "$m/base.md" "$m/ours.md" "$m/theirs.md"
expect_file_eq "merge-file: merge(x, x, x) is x" "$m/ours.orig" "$m/ours.md"
: >"$m/empty.md"
expect_exit "merge-file: added on both sides (empty base)" 0 sd merge-file "$m/empty.md" "$m/ours.md" "$m/theirs.md"
expect_file_eq "merge-file: same ticket added twice is itself" "$m/ours.orig" "$m/ours.md"
finish
