#!/bin/bash
# SPDX-License-Identifier: MIT
# sd new: the ticket file it writes, its options, defaults and commit.
. "$(dirname "$0")/lib.sh"

# --- defaults ---
r=$(store defaults)
before=$(commit_count "$r")
expect_exit "new: minimal" 0 sd -C "$r" new "Printer jams"
id=$(cat "$OUT")
expect_match "new: prints the full id alone" "$OUT" "^$ID_RE{12}\$"
expect_eq "new: exactly one line on stdout" 1 "$(wc -l <"$OUT" | tr -d ' ')"
expect_eq "new: nothing on stderr" "" "$(cat "$ERR")"
f=$r/$(tpath "$id")
expect_exists "new: file at tickets/XX/ID.md" "$f"
front_matter "$f" >"$tmp/fm.actual"
cat >"$tmp/fm.expect" <<EOF
---
id: $id
title: Printer jams
type: incident
status: new
priority: P3
impact: medium
urgency: medium
tier: L1
queue: desk
assignee: ""
requester: tess@example.com
category: ""
tags: []
asset: ""
channel: cli
created: 2026-11-23T09:00:00Z
updated: 2026-11-23T09:00:00Z
---
EOF
expect_file_eq "new: default front matter" "$tmp/fm.expect" "$tmp/fm.actual"
expect_one_new_commit "new" "$r" "$before"
expect_last_commit "new" "$r" "sd: new ${id:0:4} \"Printer jams\"" "$(tpath "$id")"
expect_clean "new" "$r"
expect_exists "new: tickets/.gitkeep still there" "$r/tickets/.gitkeep"
fsck_ok "new" "$r"

# --- every option ---
r=$(store options)
before=$(commit_count "$r")
SD_NOW=2026-11-24T10:30:00Z expect_exit "new: all options" 0 sd -C "$r" new "Printer on floor 3 jams" \
	-m "The printer on floor 3 jams on every second page." \
	--type request --impact high --urgency low --category hardware \
	--queue front-desk --assignee bob@example.com --requester alice@example.com \
	--tag printer --tag floor-3 --asset PRN-042 --tier L2 --key mail-42
id=$(cat "$OUT")
f=$r/$(tpath "$id")
front_matter "$f" >"$tmp/fm.actual"
cat >"$tmp/fm.expect" <<EOF
---
id: $id
title: Printer on floor 3 jams
type: request
status: new
priority: P3
impact: high
urgency: low
tier: L2
queue: front-desk
assignee: bob@example.com
requester: alice@example.com
category: hardware
tags: [printer, floor-3]
asset: PRN-042
key: mail-42
channel: cli
created: 2026-11-24T10:30:00Z
updated: 2026-11-24T10:30:00Z
---
EOF
expect_file_eq "new: front matter with every option" "$tmp/fm.expect" "$tmp/fm.actual"
expect_eq "new: description follows the front matter after a blank line" \
	"---

The printer on floor 3 jams on every second page." \
	"$(sed -n '20,22p' "$f")"
expect_eq "new: timeline marker present once" 1 "$(grep -c '^<!-- sd:timeline -->$' "$f")"
expect_one_new_commit "new with options" "$r" "$before"
expect_last_commit "new with options" "$r" "sd: new ${id:0:4} \"Printer on floor 3 jams\"" "$(tpath "$id")"
expect_eq "new: commit date is SD_NOW" "$(epoch 2026-11-24T10:30:00Z) $(epoch 2026-11-24T10:30:00Z)" \
	"$(git -C "$r" log -1 --format='%at %ct')"
expect_clean "new with options" "$r"
fsck_ok "new with options" "$r"

# --- explicit priority wins over the matrix; tier decides the queue ---
r=$(store prio)
id=$(new_ticket "$r" "Explicit priority" --impact high --urgency high --priority P5)
expect_match "new: --priority overrides the matrix" "$r/$(tpath "$id")" '^priority: P5$'
id=$(new_ticket "$r" "Second line" --tier L2)
expect_match "new: --tier L2 gives queue second-line" "$r/$(tpath "$id")" '^queue: second-line$'
expect_match "new: --tier L2 stored" "$r/$(tpath "$id")" '^tier: L2$'
id=$(new_ticket "$r" "Experts" --tier L3)
expect_match "new: --tier L3 gives queue experts" "$r/$(tpath "$id")" '^queue: experts$'
id=$(new_ticket "$r" "Self service" --tier L0)
expect_match "new: --tier L0 has no queue" "$r/$(tpath "$id")" '^queue: ""$'
id=$(new_ticket "$r" "Queue wins" --tier L3 --queue special)
expect_match "new: --queue wins over the tier's queue" "$r/$(tpath "$id")" '^queue: special$'
for t in incident request problem change; do
	id=$(new_ticket "$r" "Type $t" --type "$t")
	expect_match "new: --type $t" "$r/$(tpath "$id")" "^type: $t\$"
done
fsck_ok "new: options" "$r"

# --- the priority matrix ---
r=$(store matrix)
for row in "high high P1" "high medium P2" "high low P3" \
	"medium high P2" "medium medium P3" "medium low P4" \
	"low high P3" "low medium P4" "low low P5"; do
	set -- $row
	id=$(new_ticket "$r" "Impact $1 urgency $2" --impact "$1" --urgency "$2")
	expect_match "new: matrix impact=$1 urgency=$2 -> $3" "$r/$(tpath "$id")" "^priority: $3\$"
done
id=$(new_ticket "$r" "Only impact" --impact high)
expect_match "new: impact high, default urgency medium -> P2" "$r/$(tpath "$id")" '^priority: P2$'
id=$(new_ticket "$r" "Only urgency" --urgency low)
expect_match "new: urgency low, default impact medium -> P4" "$r/$(tpath "$id")" '^priority: P4$'
fsck_ok "new: matrix" "$r"

# A priority matrix changed in the config is honoured.
r=$(store custommatrix)
sed -i 's/^\([[:space:]]*medium:[[:space:]]*{[[:space:]]*high:[[:space:]]*P2,[[:space:]]*medium:[[:space:]]*\)P3/\1P1/' "$r/.sd/config.yaml"
commit_all "$r" "tune the matrix"
id=$(new_ticket "$r" "Uses the configured matrix")
expect_match "new: configured matrix medium x medium -> P1" "$r/$(tpath "$id")" '^priority: P1$'
sed -i 's/^\([[:space:]]\{1,\}tier:[[:space:]]*\)L1/\1L2/' "$r/.sd/config.yaml"
commit_all "$r" "default tier L2"
id=$(new_ticket "$r" "Uses the configured default tier")
expect_match "new: configured default tier" "$r/$(tpath "$id")" '^tier: L2$'
fsck_ok "new: configured defaults" "$r"

# --- description from -F FILE and -F - ---
r=$(store desc)
cat >"$tmp/desc.md" <<'EOF'
# Steps

1. Print a *document* with `lpr`.
2. Watch it jam.

    indented code block

| a | b |
|---|---|
EOF
id=$(new_ticket "$r" "From a file" -F "$tmp/desc.md")
expect_exit "show --json (-F FILE)" 0 sd -C "$r" show "$id" --json
expect_json_text "new -F FILE: description round-trips" "$OUT" 'd["description"]' "$tmp/desc.md"
STDIN=$tmp/desc.md expect_exit "new -F -" 0 sd -C "$r" new "From stdin" -F -
id2=$(cat "$OUT")
expect_exit "show --json (-F -)" 0 sd -C "$r" show "$id2" --json
expect_json_text "new -F -: description round-trips" "$OUT" 'd["description"]' "$tmp/desc.md"
id3=$(new_ticket "$r" "No description")
expect_exit "show --json (no description)" 0 sd -C "$r" show "$id3" --json
expect_json "new without text: empty description" "$OUT" 'd["description"]' ""
fsck_ok "new: descriptions" "$r"

# --- titles that mean something to YAML round-trip ---
r=$(store titles)
i=0
while IFS= read -r title; do
	i=$((i + 1))
	id=$(new_ticket "$r" "$title")
	expect_exit "title $i: show --json" 0 sd -C "$r" show "$id" --json
	expect_json "title $i round-trips: $title" "$OUT" 'd["title"]' "$title"
done <<'EOF'
Printer: jams
"quoted" title
it's broken
#hashtag first
- dash first
yes
null
~
123
0x1F
[bracket
{brace
@at sign
*star
&ampersand
!bang
%percent
`backtick
trailing colon:
a # not a comment
> greater
| pipe
?question
,comma
Ünïcödé — ✓ 日本語
back\slash
---
EOF
fsck_ok "new: YAML-special titles" "$r"

# --- author and requester ---
r=$(store author)
id=$(new_ticket "$r" "Requester default")
expect_match "new: requester defaults to SD_AUTHOR's email" "$r/$(tpath "$id")" '^requester: tess@example.com$'
id=$(env -u SD_AUTHOR timeout 30 "$SD" -C "$r" new "No SD_AUTHOR" </dev/null 2>"$tmp/err")
expect_match "new without SD_AUTHOR: requester from git config" "$r/$(tpath "$id")" '^requester: home@example.com$'
expect_eq "new without SD_AUTHOR: commit author from git config" "Home User <home@example.com>" \
	"$(git -C "$r" log -1 --format='%an <%ae>')"
fsck_ok "new: author" "$r"

# --- no title off a terminal is a usage error ---
r=$(store notitle)
before=$(commit_count "$r")
expect_exit "new without a title off a terminal" 2 sd -C "$r" new
expect_sd_error "new without a title off a terminal: message"
expect_commit_count "new without a title: no commit" "$r" "$before"

# --- no title on a terminal runs the editor on a template ---
if command -v script >/dev/null 2>&1; then
	cat >"$tmp/ed-new" <<'EOF'
#!/bin/sh
for f; do :; done
printf 'Title from the editor\n\nDescription from the editor.\n' >"$f"
EOF
	chmod +x "$tmp/ed-new"
	before=$(commit_count "$r")
	EDITOR=$tmp/ed-new expect_exit "new on a terminal without a title: editor" 0 \
		script -qec "$SD -C $r new" /dev/null
	expect_one_new_commit "new via editor" "$r" "$before"
	id=$(all_ids "$r" | head -n 1)
	expect_match "new via editor: title from the first line" "$r/$(tpath "$id")" '^title: Title from the editor$'
	expect_contains "new via editor: description" "$r/$(tpath "$id")" "Description from the editor."
	expect_exit "new via editor: show --json" 0 sd -C "$r" show "$id" --json
	expect_json "new via editor: description is the rest" "$OUT" 'd["description"]' "Description from the editor."
	fsck_ok "new via editor" "$r"
else
	skip "new via editor" "script(1) not available"
fi

finish
