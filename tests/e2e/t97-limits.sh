#!/bin/bash
# SPDX-License-Identifier: MIT
# One size limit on every write (8 MiB a ticket file): a comment, a merge
# or an import that would pass it is refused with the ticket, its size and
# the limit named, and nothing is written. A ticket already past it (pulled,
# edited by hand) is still listed, shown, checked and exported, with a
# warning; one sd cannot read at all makes list and sla --check fail.
. "$(dirname "$0")/lib.sh"

export GIT_AUTHOR_NAME=Git GIT_AUTHOR_EMAIL=git@example.com
export GIT_COMMITTER_NAME=Git GIT_COMMITTER_EMAIL=git@example.com
limit=8388608

# A comment of 1 MiB, the most one comment may hold: a pasted log.
yes 'Dec  7 11:15:12 host kernel: usb 1-1: device descriptor read/64, error -71' |
	head -c 1048576 >"$tmp/big.txt"

# Eight such comments: the eighth would take the file past the limit.
r=$(store origin)
id=$(new_ticket "$r" "Logs pasted in")
git clone -q --bare "$r" "$tmp/remote.git"
git clone -q "$tmp/remote.git" "$tmp/a"
git clone -q "$tmp/remote.git" "$tmp/b"
git clone -q "$tmp/remote.git" "$tmp/c"
for i in 1 2 3 4 5 6 7; do
	SD_NOW=2026-11-23T10:0$i:00Z sd -C "$tmp/a" comment "$id" -F "$tmp/big.txt" >/dev/null 2>"$tmp/c.err" ||
		fail "comment $i of 1 MiB" "$(cat "$tmp/c.err")"
done
f=$tmp/a/$(tpath "$id")
cp "$f" "$tmp/seven.md"
before=$(head_of "$tmp/a")
expect_exit "eighth 1 MiB comment: refused" 2 sd -C "$tmp/a" comment "$id" -F "$tmp/big.txt"
expect_err_has "refused: names the ticket" "ticket $id would be"
expect_err_has "refused: names the limit" "more than the limit of $limit"
expect_match "refused: names the size" "$ERR" "would be [0-9]{7} bytes"
expect_eq "refused: no commit" "$before" "$(head_of "$tmp/a")"
expect_file_eq "refused: the file is unchanged" "$tmp/seven.md" "$f"
expect_eq "refused: work tree clean" "" "$(gstatus "$tmp/a")"
expect_exit "refused: the ticket still shows" 0 sd -C "$tmp/a" show "$id"
git -C "$tmp/a" push -q 2>/dev/null || fail "push a"

# Two sides each under the limit whose merge is over it: a conflict for
# the user, never a file over the limit.
for i in 1 2; do
	SD_NOW=2026-11-23T11:0$i:00Z sd -C "$tmp/b" comment "$id" -F "$tmp/big.txt" >/dev/null 2>"$tmp/c.err" ||
		fail "comment $i in b" "$(cat "$tmp/c.err")"
done
sd -C "$tmp/b" list >/dev/null 2>&1 # registers the merge driver
git -C "$tmp/b" pull -q --no-rebase --no-edit >"$OUT" 2>"$ERR"
RC=$?
expect_eq "merge over the limit: git pull stops" 1 "$RC"
expect_contains "merge over the limit: the driver says why" "$ERR" "more than the limit of $limit"
expect_match "merge over the limit: left as a conflict" <(gstatus "$tmp/b") "^UU $(tpath "$id")"
size=$(stat -c %s "$tmp/b/$(tpath "$id")")
[ "$size" -le $limit ] && ok "merge over the limit: nothing over the limit written" ||
	fail "merge over the limit: nothing over the limit written" "size $size"
# The same through sd sync, which merges tickets itself.
cp "$tmp/b/$(tpath "$id")" "$tmp/c/$(tpath "$id")"
git -C "$tmp/c" commit -qam "two big comments, as in b"
expect_exit "sync over the limit: a conflict" 2 sd -C "$tmp/c" sync
expect_err_has "sync over the limit: names the ticket" "$(tpath "$id")"
expect_match "sync over the limit: left as a conflict" <(gstatus "$tmp/c") "^UU $(tpath "$id")"
size=$(stat -c %s "$tmp/c/$(tpath "$id")")
[ "$size" -le $limit ] && ok "sync over the limit: nothing over the limit written" ||
	fail "sync over the limit: nothing over the limit written" "size $size"

# A ticket already over the limit, as a pull may bring (written by hand
# here): read, with a warning, never silently skipped.
s=$(store big)
bid=0123456789ab
mkdir -p "$s/tickets/01"
{
	ticket_text "$bid" "Pulled and too big"
	for i in 1 2 3 4 5 6 7 8 9; do
		printf '\n<!-- sd:comment id=k3j9x2m1q%s at=2026-11-23T10:0%s:00Z author="Tess <tess@example.com>" visibility=public -->\n### Tess · 2026-11-23 10:0%s UTC\n\n' "$i" "$i" "$i"
		cat "$tmp/big.txt"
		echo
	done
} >"$s/$(tpath "$bid")"
commit_all "$s" "pulled"
expect_exit "oversize: listed" 0 sd -C "$s" list --json
expect_out_has "oversize: in the list" "\"id\":\"$bid\""
expect_err_has "oversize: list warns" "$(tpath "$bid") is "
expect_err_has "oversize: the warning names the limit" "more than the limit of $limit"
expect_exit "oversize: shown" 0 sd -C "$s" show "$bid"
expect_err_has "oversize: show warns" "more than the limit of $limit"
expect_exit "oversize: sd check fails" 1 sd -C "$s" check
expect_out_has "oversize: sd check says which and why" "$(tpath "$bid") is "
expect_exit "oversize: exported" 0 sd -C "$s" export --format jsonl --output "$tmp/export.jsonl"
expect_contains "oversize: in the export" "$tmp/export.jsonl" "\"id\":\"$bid\""
expect_err_has "oversize: export warns" "more than the limit of $limit"
before=$(head_of "$s")
expect_exit "oversize: a change is refused" 2 sd -C "$s" set "$bid" priority=P1
expect_err_has "oversize: the refusal names the ticket" "ticket $bid would be"
expect_eq "oversize: no commit" "$before" "$(head_of "$s")"
expect_eq "oversize: work tree clean" "" "$(gstatus "$s")"
i=$(store import)
expect_exit "oversize: import refused" 2 sd -C "$i" import "$tmp/export.jsonl"
expect_err_has "import refused: names the ticket" "ticket $bid would be"
expect_eq "import refused: nothing imported" "" "$(ls "$i/tickets" | grep -v gitkeep)"

# A ticket sd cannot read at all fails list and sla --check.
cid=$(new_ticket "$s" "Still readable")
uid=0123456789cd
mkdir -p "$s/tickets/01"
printf -- '---\nid: [\n' >"$s/$(tpath "$uid")"
expect_exit "unreadable: list fails" 1 sd -C "$s" list
expect_err_has "unreadable: list says which" "$(tpath "$uid")"
expect_out_has "unreadable: the others still listed" "Still readable"
expect_exit "unreadable: sla --check fails" 1 sd -C "$s" sla --check
expect_err_has "unreadable: sla says which" "$(tpath "$uid")"
expect_exit "unreadable: search fails" 1 sd -C "$s" search "Past"
truncate -s 40M "$s/$(tpath "$uid")"
expect_exit "over the read limit: list fails" 1 sd -C "$s" list
expect_err_has "over the read limit: says so" "more than the read limit of 33554432"
rm -f "$s/$(tpath "$uid")"

# A byte-order mark before a front-matter key: refused with its line,
# since sd could not write the ticket back in a form it reads.
printf -- '---\n\xef\xbb\xbfid: %s\ntitle: x\n---\n' "$uid" >"$s/$(tpath "$uid")"
expect_exit "BOM before a key: sd check" 1 sd -C "$s" check
expect_out_has "BOM before a key: names the line" "$(tpath "$uid"):2: line starts with a byte-order mark"
rm -f "$s/$(tpath "$uid")"
: "$cid"

finish
