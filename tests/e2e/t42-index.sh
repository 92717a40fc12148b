#!/bin/bash
# SPDX-License-Identifier: MIT
# sd edits git's index itself instead of through libgit2 (see
# include/sd/index.h). Whatever the index looks like, after a change git
# must agree with it: the work tree is clean, what the user staged stays
# staged, the cache tree gives HEAD's tree, and the checksum is valid.
. "$(dirname "$0")/lib.sh"

export SD_NOW=2026-11-23T10:00:00Z

# check NAME STORE: git's view after sd changed tickets.
check() {
	local n=$1 r=$2
	expect_eq "$n: git status" "$3" "$(git -C "$r" status --porcelain=v1 --untracked-files=no)"
	# write-tree uses the cache tree where it is valid: a stale one would
	# give another tree than the commit's.
	expect_eq "$n: index tree is HEAD's tree" "$(git -C "$r" rev-parse 'HEAD^{tree}')" \
		"$(git -C "$r" write-tree 2>&1)"
	expect_exit "$n: index readable by git" 0 git -C "$r" ls-files --stage
	fsck_ok "$n" "$r"
}

# A plain store, then one with a cache tree git wrote.
r=$(store plain)
a=$(new_ticket "$r" "First" -m one)
new_ticket "$r" "Second" -m two >/dev/null
sd -C "$r" comment "$a" -m "more" >/dev/null 2>&1
check "plain" "$r" ""
git -C "$r" read-tree HEAD # gives the index a full cache tree
for i in 1 2 3; do new_ticket "$r" "More $i" >/dev/null; done
sd -C "$r" status "$a" open >/dev/null 2>&1
# sd keeps git's cache tree (invalidating the changed directories), it
# does not drop it: the extension is still in the index. (Looked at before
# check, whose git write-tree would write a new one.)
expect_eq "cache tree kept by sd's edits" 1 "$(grep -c -a TREE "$r/.git/index")"
check "after read-tree" "$r" ""

# What the user staged stays staged, and is not committed by sd.
echo "notes" >"$r/NOTES"
git -C "$r" add NOTES
sd -C "$r" comment "$a" -m "while something is staged" >/dev/null 2>&1
expect_eq "staged file: not in sd's commit" "" "$(git -C "$r" show --name-only --format= HEAD | grep NOTES)"
expect_eq "staged file: still staged" "A  NOTES" "$(git -C "$r" status --porcelain=v1 --untracked-files=no)"
git -C "$r" commit -qm notes
check "after the user's commit" "$r" ""

# Index features the editor leaves to libgit2, or drops for git to rebuild.
for setup in "update-index --untracked-cache" "update-index --index-version 4" \
	"update-index --index-version 3" \
	"config core.fsmonitor false"; do
	r=$(store "idx-${setup//[^a-z0-9]/-}")
	a=$(new_ticket "$r" "Ticket" -m body)
	eval "git -C \"\$r\" $setup" >/dev/null 2>&1
	git -C "$r" status >/dev/null 2>&1 # lets git write its extensions
	sd -C "$r" comment "$a" -m "after: $setup" >/dev/null 2>&1
	new_ticket "$r" "Another" >/dev/null
	expect_exit "$setup: show" 0 sd -C "$r" show "$a"
	expect_out_has "$setup: comment saved" "after: $setup"
	check "$setup" "$r" ""
done

# A conflicted ticket in the index is left to libgit2, which resolves it.
r=$(store conflict)
a=$(new_ticket "$r" "Conflict" -m body)
p=$(tpath "$a")
blob=$(git -C "$r" rev-parse "HEAD:$p")
printf '100644 %s 1\t%s\n100644 %s 2\t%s\n100644 %s 3\t%s\n' "$blob" "$p" "$blob" "$p" "$blob" "$p" |
	git -C "$r" update-index --index-info
expect_exit "conflicted entry: comment" 0 sd -C "$r" comment "$a" -m "resolved by sd"
expect_eq "conflicted entry: one stage-0 entry now" "0" \
	"$(git -C "$r" ls-files --stage -- "$p" | awk '{print $3}' | sort -u | tr -d '\n')"
check "conflicted entry" "$r" ""

# A held index.lock: the commit is made, so sd succeeds (a script that
# retried would comment twice) and warns, saying what to do; nothing is
# left half-written, and the next sd brings the index up to HEAD.
r=$(store locked)
a=$(new_ticket "$r" "Locked" -m body)
: >"$r/.git/index.lock"
expect_exit "index.lock held: comment" 0 sd -C "$r" comment "$a" -m "with the index locked"
expect_err_has "index.lock held: a warning" "sd: warning: committed, but the index was not updated"
expect_err_has "index.lock held: names the lock" "index.lock"
expect_exists "index.lock held: the journal stays for the next sd" "$r/.git/sd/commit-journal"
rm -f "$r/.git/index.lock"
expect_exit "index.lock released: git can read the index" 0 git -C "$r" ls-files --stage
expect_exit "index.lock released: the next change" 0 sd -C "$r" comment "$a" -m "after the lock"
expect_missing "index.lock released: journal done" "$r/.git/sd/commit-journal"
expect_clean "index.lock released: index up to HEAD" "$r"
# A commit of many tickets is written as one pack of its own (pack.h):
# git must read it as if git had written it, and the tree must be the one
# git would build, whether the shards are new or already hold tickets.
r=$(store packed)
gen_records() { # COUNT FIRST
	local i
	for ((i = $2; i < $2 + $1; i++)); do
		printf '{"title":"Imported %d","description":"Text %d","tags":["t%d"]}\n' "$i" "$i" $((i % 3))
	done
}
new_ticket "$r" "Before the import" >/dev/null
gen_records 150 0 >"$tmp/first.jsonl"
expect_exit "packed: import 150" 0 sd -C "$r" import "$tmp/first.jsonl"
expect_eq "packed: one pack file" 1 "$(ls "$r/.git/objects/pack/"*.idx 2>/dev/null | wc -l)"
expect_exit "packed: git verify-pack" 0 git -C "$r" verify-pack "$(ls "$r/.git/objects/pack/"*.idx)"
expect_exit "packed: git fsck --strict" 0 git -C "$r" fsck --strict --no-dangling
check "packed import" "$r" ""
expect_eq "packed: 151 tickets in the commit" 151 \
	"$(git -C "$r" ls-tree -r --name-only HEAD -- tickets | grep -c '\.md$')"
expect_eq "packed: branch moved, reflog says so" "commit: sd: import 150 tickets" \
	"$(git -C "$r" reflog -1 --format=%gs)"
gen_records 200 150 >"$tmp/second.jsonl"
expect_exit "packed: a second import into existing shards" 0 sd -C "$r" import "$tmp/second.jsonl"
check "second packed import" "$r" ""
expect_eq "packed: 351 tickets" 351 "$(git -C "$r" ls-tree -r --name-only HEAD -- tickets | grep -c '\.md$')"
# git's own tree of the work tree is the tree sd made.
expect_eq "packed: git add -A changes nothing" "" \
	"$(git -C "$r" add -A && git -C "$r" status --porcelain --untracked-files=no)"
expect_exit "packed: sd comment after" 0 sd -C "$r" comment "$(sd -C "$r" list --format '%(id)' | head -1)" -m after
check "after packed imports" "$r" ""
expect_exit "packed: git gc repacks them" 0 git -C "$r" gc -q
fsck_ok "packed, after gc" "$r"
# A kill between the commit and the index update leaves the index behind
# HEAD (git status would show the change staged back). sd journals the
# paths it commits; the next sd to take the lock finishes the update.
r=$(store journal)
a=$(new_ticket "$r" "Journalled" -m body)
b=$(new_ticket "$r" "Other" -m body)
p=$(tpath "$a")
sed -i 's/^title: Journalled$/title: Journalled, then killed/' "$r/$p"
blob=$(git -C "$r" hash-object -w "$r/$p")
GIT_INDEX_FILE="$tmp/journal.index" git -C "$r" read-tree HEAD
GIT_INDEX_FILE="$tmp/journal.index" git -C "$r" update-index --cacheinfo "100644,$blob,$p"
tree=$(GIT_INDEX_FILE="$tmp/journal.index" git -C "$r" write-tree)
commit=$(git -C "$r" commit-tree "$tree" -p HEAD -m "sd: comment (killed before the index)")
git -C "$r" update-ref HEAD "$commit"
printf '%s %s\n' "$blob" "$p" >"$r/.git/sd/commit-journal"
expect_eq "journal: index behind HEAD before" "MM $p" "$(git -C "$r" status --porcelain=v1 --untracked-files=no)"
expect_exit "journal: the next sd change" 0 sd -C "$r" comment "$b" -m "next change"
expect_eq "journal: the index caught up" "" "$(git -C "$r" status --porcelain=v1 --untracked-files=no)"
expect_missing "journal: removed once done" "$r/.git/sd/commit-journal"
# A journal naming what HEAD does not hold (killed before the commit) is
# dropped without touching the index.
printf '%s %s\n' "0123456789012345678901234567890123456789" "$p" >"$r/.git/sd/commit-journal"
expect_exit "stale journal: sd change" 0 sd -C "$r" comment "$b" -m "another"
expect_eq "stale journal: index untouched" "" "$(git -C "$r" status --porcelain=v1 --untracked-files=no)"
expect_missing "stale journal: removed" "$r/.git/sd/commit-journal"
fsck_ok "journal" "$r"
# A kill after a command wrote its files but before it committed: the
# journal names each file's new and old blob, and the next sd to take the
# lock puts back every file that still holds what was written (the old
# content, or no file for a new ticket) and keeps any edited since.
r=$(store rollback)
a=$(new_ticket "$r" "Half commented" -m body)
b=$(new_ticket "$r" "Edited since" -m body)
c=$(new_ticket "$r" "Bystander" -m body)
pa=$(tpath "$a") pb=$(tpath "$b") pn=tickets/zz/zzzzzzzzzzzz.md
cp "$r/$pa" "$tmp/a.orig"
old_a=$(git -C "$r" rev-parse "HEAD:$pa") old_b=$(git -C "$r" rev-parse "HEAD:$pb")
printf '\nA comment whose commit was never made.\n' >>"$r/$pa"
new_a=$(git -C "$r" hash-object -w "$r/$pa")
new_b=$(printf 'what the killed command wrote\n' | git -C "$r" hash-object -w --stdin)
sed -i 's/^title: Edited since$/title: Edited since, by hand/' "$r/$pb"
cp "$r/$pb" "$tmp/b.edited"
mkdir -p "$r/tickets/zz"
ticket_text zzzzzzzzzzzz "Never committed" >"$r/$pn"
new_n=$(git -C "$r" hash-object -w "$r/$pn")
{
	printf '%s %s %s\n' "$new_a" "$old_a" "$pa"
	printf '%s %s %s\n' "$new_b" "$old_b" "$pb"
	printf '%s %s %s\n' "$new_n" 0000000000000000000000000000000000000000 "$pn"
} >"$r/.git/sd/commit-journal"
expect_exit "rollback: the next sd change" 0 sd -C "$r" comment "$c" -m "after the kill"
expect_file_eq "rollback: the half-written file is put back" "$tmp/a.orig" "$r/$pa"
expect_file_eq "rollback: a file edited since is kept" "$tmp/b.edited" "$r/$pb"
expect_missing "rollback: the new ticket's file is removed" "$r/$pn"
expect_missing "rollback: journal removed" "$r/.git/sd/commit-journal"
expect_eq "rollback: only the edit is left" " M $pb" "$(git -C "$r" status --porcelain=v1 --untracked-files=all)"
fsck_ok "rollback" "$r"
finish
