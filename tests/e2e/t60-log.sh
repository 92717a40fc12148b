#!/bin/bash
# SPDX-License-Identifier: MIT
# sd log: timeline entries merged with the git commits that touched the
# ticket's file, oldest first.
. "$(dirname "$0")/lib.sh"

# line_of TEXT: the first line of $OUT containing TEXT (0 if none).
line_of() { grep -nF -e "$1" "$OUT" | head -n 1 | cut -d: -f1 | grep . || echo 0; }

r=$(store log)
id=$(new_ticket "$r" "Printer jams" -m "It jams.")
other=$(SD_NOW=2026-11-23T09:01:00Z new_ticket "$r" "Other ticket")
SD_NOW=2026-11-23T09:05:00Z sd -C "$r" comment "$id" -m "First comment here." >/dev/null 2>&1
SD_NOW=2026-11-23T09:06:00Z sd -C "$r" comment "$other" -m "Comment on the other ticket." >/dev/null 2>&1
SD_NOW=2026-11-23T09:10:00Z sd -C "$r" status "$id" open -m "picked up by Tess" >/dev/null 2>&1
# A commit made by hand with git, touching the ticket file.
sed -i 's/^It jams\.$/It jams badly./' "$r/$(tpath "$id")"
git -C "$r" add -A
GIT_AUTHOR_DATE=2026-11-23T09:15:00Z GIT_COMMITTER_DATE=2026-11-23T09:15:00Z \
	git -C "$r" commit -q -m "Fix the description by hand"
# A hand commit touching only another file is not part of the ticket's log.
echo notes >"$r/NOTES"
git -C "$r" add NOTES
GIT_AUTHOR_DATE=2026-11-23T09:16:00Z GIT_COMMITTER_DATE=2026-11-23T09:16:00Z \
	git -C "$r" commit -q -m "Unrelated notes commit"
SD_NOW=2026-11-23T09:20:00Z sd -C "$r" assign "$id" bob@example.com -m "hardware person" >/dev/null 2>&1
SD_NOW=2026-11-23T09:25:00Z sd -C "$r" comment "$id" --internal -m "Internal remark." >/dev/null 2>&1

SD_NOW=2026-11-23T10:00:00Z expect_exit "log" 0 sd -C "$r" log "$id"
expect_eq "log: nothing on stderr" "" "$(cat "$ERR")"
expect_no_esc "log: no colour off a terminal" "$OUT"
for want in "First comment here." "picked up by Tess" "Fix the description by hand" "bob@example.com" \
	"hardware person" "Internal remark." "Tess Tester"; do
	expect_out_has "log: shows '$want'" "$want"
done
expect_lacks "log: not the other ticket's comment" "$OUT" "Comment on the other ticket."
expect_lacks "log: not commits that did not touch the file" "$OUT" "Unrelated notes commit"
l1=$(line_of "First comment here.")
l2=$(line_of "picked up by Tess")
l3=$(line_of "Fix the description by hand")
l4=$(line_of "hardware person")
l5=$(line_of "Internal remark.")
expect_eq "log: oldest first" "yes" \
	"$([ "$l1" -gt 0 ] && [ "$l1" -lt "$l2" ] && [ "$l2" -lt "$l3" ] && [ "$l3" -lt "$l4" ] && [ "$l4" -lt "$l5" ] && echo yes || echo "lines $l1 $l2 $l3 $l4 $l5")"
# The ticket's creation is the first thing in its history.
expect_eq "log: creation (2026-11-23 09:00) comes first" "yes" \
	"$(l0=$(grep -n '2026-11-23.09:00' "$OUT" | head -n 1 | cut -d: -f1); [ -n "$l0" ] && [ "$l0" -lt "$l1" ] && echo yes || echo "09:00 at line '${l0}', first comment at $l1")"
# By prefix and from a subdirectory: the same output.
cp "$OUT" "$tmp/log.full"
SD_NOW=2026-11-23T10:00:00Z expect_exit "log: by short id from a subdirectory" 0 \
	bash -c 'cd "$1/tickets" && "$2" log "$3"' _ "$r" "$SD" "$(short_id "$r" "$id")"
expect_file_eq "log: same output by short id" "$tmp/log.full" "$OUT"
expect_clean "log" "$r"

# The other ticket's log has its own things only.
expect_exit "log: other ticket" 0 sd -C "$r" log "$other"
expect_out_has "log other: its comment" "Comment on the other ticket."
expect_lacks "log other: not the first ticket's comment" "$OUT" "First comment here."
expect_lacks "log other: not the first ticket's hand commit" "$OUT" "Fix the description by hand"

# --json: the same history for programs.
expect_exit "log --json" 0 sd -C "$r" log "$id" --json
if [ $HAVE_PYTHON = 1 ]; then
	cp "$OUT" "$tmp/log.json"
	expect_json "log --json: kinds in order" "$tmp/log.json" \
		'" ".join(sorted(set(e["kind"] for e in d)))' "comment commit event"
	expect_json "log --json: every item versioned" "$tmp/log.json" "sorted(set(e['schema_version'] for e in d))" "[1]"
	expect_json "log --json: first comment" "$tmp/log.json" \
		'[e["body"] for e in d if e["kind"] == "comment"][0]' "First comment here."
	expect_json "log --json: commits have full ids" "$tmp/log.json" \
		'all(len(e["commit"]) == 40 for e in d if e["kind"] == "commit")' "true"
	expect_json "log --json: oldest first" "$tmp/log.json" '[e["at"] for e in d] == sorted(e["at"] for e in d)' "true"
fi
expect_exit "log: unknown id" 2 sd -C "$r" log zzzzzzzzzzzz
expect_sd_error "log: unknown id: message"
expect_exit "log: no id" 2 sd -C "$r" log
expect_sd_error "log: no id: message"
fsck_ok "log" "$r"

finish
