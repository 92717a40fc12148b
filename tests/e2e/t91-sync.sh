#!/bin/bash
# SPDX-License-Identifier: MIT
# sd sync / pull / push: git for the network, tickets merged by meaning,
# the same result as plain git pull, clones converge whatever the order,
# offline and conflicts change nothing.
. "$(dirname "$0")/lib.sh"

export GIT_AUTHOR_NAME=Git GIT_AUTHOR_EMAIL=git@example.com
export GIT_COMMITTER_NAME=Git GIT_COMMITTER_EMAIL=git@example.com

r=$(store origin)
id=$(new_ticket "$r" "Printer jams")
git clone -q --bare "$r" "$tmp/remote.git"
for c in a b c; do git clone -q "$tmp/remote.git" "$tmp/$c"; done
at() { SD_NOW=$1 sd -C "$tmp/$2" "${@:3}" >/dev/null 2>"$tmp/at.err" || fail "sd ${*:3} in $2" "$(cat "$tmp/at.err")"; }
t=$(tpath "$id")

at 2026-11-23T10:00:00Z a comment "$id" -m "Comment from A."
at 2026-11-23T10:05:00Z a status "$id" open
at 2026-11-23T10:01:00Z b comment "$id" -m "Comment from B."
at 2026-11-23T10:08:00Z b status "$id" pending
at 2026-11-23T10:02:00Z c comment "$id" -m "Comment from C."
at 2026-11-23T10:03:00Z c assign "$id" carol@example.com
new_in_c=$(SD_NOW=2026-11-23T10:04:00Z new_ticket "$tmp/c" "Created in C")

expect_exit "sync a (first)" 0 sd -C "$tmp/a" sync
expect_out "sync a: summary" "received 0 tickets, sent 1, merged 0"

# b: the same divergence merged with sd pull and with plain git pull.
cp -a "$tmp/b" "$tmp/b-git"
expect_exit "pull b" 0 sd -C "$tmp/b" pull
expect_out "pull b: summary" "received 1 ticket, merged 1"
git -C "$tmp/b-git" pull -q --no-rebase --no-edit >/dev/null 2>&1 || fail "git pull in b-git" ""
expect_file_eq "sd pull and git pull merge a ticket alike" "$tmp/b-git/$t" "$tmp/b/$t"
expect_exit "push b" 0 sd -C "$tmp/b" push
expect_out "push b: summary" "sent 1 ticket"

expect_exit "sync c" 0 sd -C "$tmp/c" sync
# Received counts what the others changed, not c's own new ticket, which
# the remote lacks; sent counts that ticket and the merged one.
expect_out "sync c: summary" "received 1 ticket, sent 2, merged 1"
expect_exit "sync a again" 0 sd -C "$tmp/a" sync
expect_exit "sync b again" 0 sd -C "$tmp/b" sync
for c in a b c; do
	expect_eq "clone $c: clean" "" "$(git -C "$tmp/$c" status --porcelain)"
done
expect_file_eq "a and b identical" "$tmp/a/$t" "$tmp/b/$t"
expect_file_eq "a and c identical" "$tmp/a/$t" "$tmp/c/$t"
expect_exists "c's new ticket reached a" "$tmp/a/$(tpath "$new_in_c")"
for text in "Comment from A." "Comment from B." "Comment from C."; do
	expect_eq "exactly once: $text" 1 "$(grep -c "^$text\$" "$tmp/a/$t")"
done
expect_match "status: the later change wins" "$tmp/a/$t" '^status: pending$'
expect_match "assignee from c" "$tmp/a/$t" '^assignee: carol@example.com$'
expect_match "git log holds both histories" <(git -C "$tmp/a" log --format=%s) '^sd: merge'
expect_exit "nothing left to sync" 0 sd -C "$tmp/a" sync
expect_out "nothing left: summary" "received 0 tickets, sent 0, merged 0"
fsck_ok "synced a" "$tmp/a"
fsck_ok "synced c" "$tmp/c"

# A path works as the remote, as does a file:// URL.
at 2026-11-23T11:00:00Z a comment "$id" -m "By path."
expect_exit "sync to a path" 0 sd -C "$tmp/a" sync "$tmp/remote.git"
expect_exit "sync from a file:// URL" 0 sd -C "$tmp/b" sync "file://$tmp/remote.git"
expect_contains "the comment came by URL" "$tmp/b/$t" "By path."

# Offline: a one-line message, nothing changed, local work goes on.
git -C "$tmp/a" remote add gone "$tmp/no-such-remote"
h=$(head_of "$tmp/a")
st=$(gstatus "$tmp/a")
expect_exit "offline: fails" 128 sd -C "$tmp/a" sync gone
expect_sd_error "offline: sd: message"
expect_eq "offline: one line" 1 "$(wc -l <"$ERR")"
expect_unchanged "offline" "$tmp/a" "$h" "$st"
expect_exit "offline: local work goes on" 0 sd -C "$tmp/a" comment "$id" -m "Still working."
expect_exit "unknown remote name" 2 sd -C "$tmp/a" sync nosuchremote
expect_sd_error "unknown remote: message"

# The same id created in two clones (all but impossible with random ids):
# both tickets are kept, one renamed, the same way on every clone.
sd -C "$tmp/a" sync >/dev/null 2>&1
sd -C "$tmp/b" sync >/dev/null 2>&1
dup=c0ffee000009
put_ticket "$tmp/a" "$dup" "Twin made in A"
put_ticket "$tmp/b" "$dup" "Twin made in B"
sed -i 's/^created: .*/created: 2026-11-23T09:30:00Z/' "$tmp/b/$(tpath "$dup")"
git -C "$tmp/b" commit -q -a -m "twin b created later" >/dev/null
expect_exit "same id: sync a" 0 sd -C "$tmp/a" sync
expect_exit "same id: sync b" 0 sd -C "$tmp/b" sync
expect_exit "same id: sync a again" 0 sd -C "$tmp/a" sync
expect_eq "same id: a and b hold the same tickets" "" "$(diff -r "$tmp/a/tickets" "$tmp/b/tickets")"
expect_eq "same id: both titles kept" "Twin made in A|Twin made in B" \
	"$(grep -rh '^title: Twin' "$tmp/a/tickets" | sed 's/^title: //' | sort | tr '\n' '|' | sed 's/|$//')"
expect_eq "same id: the rename is noted" 1 \
	"$(grep -rl "field=id from=$dup" "$tmp/a/tickets" | wc -l)"
fsck_ok "same id" "$tmp/a"

# A conflict outside the tickets stops with the file named; nothing changes.
sd -C "$tmp/a" sync >/dev/null 2>&1
sd -C "$tmp/b" sync >/dev/null 2>&1
echo "from a" >"$tmp/a/NOTES.txt"
git -C "$tmp/a" add NOTES.txt && git -C "$tmp/a" commit -q -m "notes a"
expect_exit "push a's notes" 0 sd -C "$tmp/a" push
echo "from b" >"$tmp/b/NOTES.txt"
git -C "$tmp/b" add NOTES.txt && git -C "$tmp/b" commit -q -m "notes b"
at 2026-11-23T11:30:00Z a comment "$id" -m "A, beside the notes."
sd -C "$tmp/a" push >/dev/null 2>&1
at 2026-11-23T11:31:00Z b comment "$id" -m "B, beside the notes."
h=$(head_of "$tmp/b")
expect_exit "non-ticket conflict" 2 sd -C "$tmp/b" sync
expect_err_has "non-ticket conflict: names the file" "NOTES.txt"
expect_eq "non-ticket conflict: nothing committed" "$h" "$(head_of "$tmp/b")"
expect_exists "non-ticket conflict: left merging, as git merge leaves it" "$tmp/b/.git/MERGE_HEAD"
expect_contains "non-ticket conflict: markers in the other file" "$tmp/b/NOTES.txt" "<<<<<<<"
expect_lacks "non-ticket conflict: none in the ticket" "$tmp/b/$t" "<<<<<<<"
expect_contains "non-ticket conflict: the ticket is merged (A)" "$tmp/b/$t" "A, beside the notes."
expect_contains "non-ticket conflict: the ticket is merged (B)" "$tmp/b/$t" "B, beside the notes."
expect_eq "non-ticket conflict: only the other file unmerged (added on both sides)" "AA NOTES.txt" \
	"$(git -C "$tmp/b" status --porcelain | grep -E '^(UU|AA) ')"
echo "from both" >"$tmp/b/NOTES.txt"
git -C "$tmp/b" add NOTES.txt
git -C "$tmp/b" commit -q --no-edit
expect_exit "after resolving: sync" 0 sd -C "$tmp/b" sync
expect_exit "and in a" 0 sd -C "$tmp/a" sync
expect_file_eq "after resolving: a and b agree" "$tmp/a/$t" "$tmp/b/$t"
fsck_ok "resolved" "$tmp/b"

# A local change the merge would overwrite stops it too.
git -C "$tmp/b" reset -q --hard HEAD~1
at 2026-11-23T12:00:00Z a comment "$id" -m "Later from A."
sd -C "$tmp/a" sync >/dev/null 2>&1
at 2026-11-23T12:01:00Z b comment "$id" -m "Later from B."
echo "hand edit" >>"$tmp/b/$t"
h=$(head_of "$tmp/b")
expect_exit "local change in the way" 2 sd -C "$tmp/b" sync
expect_sd_error "local change: message"
expect_eq "local change: HEAD unchanged" "$h" "$(head_of "$tmp/b")"
expect_contains "local change: the hand edit is still there" "$tmp/b/$t" "hand edit"
finish
