#!/bin/bash
# SPDX-License-Identifier: MIT
# sd edit: the editor gets a copy; valid changes are committed with events,
# invalid ones are refused and the user's text is kept.
. "$(dirname "$0")/lib.sh"

# Editors are small scripts; the file to edit is their last argument.
mkeditor() {
	{
		echo '#!/bin/sh'
		echo 'for f; do :; done'
		echo "echo \"\$@\" >>'$tmp/editor.log'"
		cat
	} >"$tmp/$1"
	chmod +x "$tmp/$1"
}
mkeditor ed-title <<'EOF'
sed -i -e 's/^title: .*/title: Edited title/' -e 's/^It jams\.$/It jams on every page./' "$f"
EOF
mkeditor ed-desc <<'EOF'
sed -i 's/^It jams on every page\.$/It jams on every page.\n\nSecond paragraph./' "$f"
EOF
mkeditor ed-noop <<'EOF'
:
EOF
mkeditor ed-bad <<'EOF'
sed -i -e 's/^status: .*/status: bogus/' -e 's/^It jams on every page\.$/My precious typing./' "$f"
EOF
mkeditor ed-fail <<'EOF'
sed -i 's/^title: .*/title: Should not stick/' "$f"
exit 1
EOF
mkeditor ed-empty <<'EOF'
: >"$f"
EOF
mkeditor ed-id <<'EOF'
sed -i 's/^id: .*/id: 0000000000zz/' "$f"
EOF
mkeditor ed-unknown <<'EOF'
awk 'NR > 1 && /^---$/ && !done { print "x-note: hello   # kept as written"; done = 1 } { print }' "$f" >"$f.new" && mv "$f.new" "$f"
EOF
mkeditor ed-fields <<'EOF'
sed -i -e 's/^status: .*/status: open/' -e 's/^assignee: .*/assignee: bob@example.com/' \
	-e 's/^tags: .*/tags: [printer, urgent]/' "$f"
EOF
mkeditor ed-args <<'EOF'
printf '%s\n' "$@" >'ARGS'
EOF
sed -i "s|'ARGS'|'$tmp/args'|" "$tmp/ed-args"

r=$(store edit)
id=$(new_ticket "$r" "Printer jams" -m "It jams.")
f=$r/$(tpath "$id")
s=$(short_id "$r" "$id")

# --- a valid edit ---
before=$(commit_count "$r")
EDITOR=$tmp/ed-title SD_NOW=2026-11-23T09:10:00Z expect_exit "edit: valid change" 0 sd -C "$r" edit "$id"
expect_one_new_commit "edit" "$r" "$before"
expect_last_commit "edit" "$r" "sd: edit $s \"Edited title\"" "$(tpath "$id")"
expect_clean "edit" "$r"
expect_match "edit: title changed in the file" "$f" '^title: Edited title$'
expect_exit "edit: show --json" 0 sd -C "$r" show "$id" --json
expect_json "edit: description changed" "$OUT" 'd["description"]' "It jams on every page."
expect_json "edit: title event recorded" "$OUT" \
	'[[e["from"], e["to"], e["at"], e["author"]] for e in d["timeline"] if e["kind"] == "event" and e["field"] == "title"]' \
	'[["Printer jams", "Edited title", "2026-11-23T09:10:00Z", "Tess Tester <tess@example.com>"]]'
expect_json "edit: updated is SD_NOW" "$OUT" 'd["updated"]' 2026-11-23T09:10:00Z
expect_lacks "edit: the editor got a copy, not the ticket file" "$tmp/editor.log" "$f"
fsck_ok "edit" "$r"

# --- body-only change: committed, no field events ---
before=$(commit_count "$r")
EDITOR=$tmp/ed-desc SD_NOW=2026-11-23T09:20:00Z expect_exit "edit: description only" 0 sd -C "$r" edit "$id"
expect_one_new_commit "edit description" "$r" "$before"
expect_exit "edit description: show --json" 0 sd -C "$r" show "$id" --json
expect_json "edit description: new text" "$OUT" 'd["description"]' "$(printf 'It jams on every page.\n\nSecond paragraph.')"
expect_json "edit description: no new field event" "$OUT" \
	'[e["field"] for e in d["timeline"] if e["kind"] == "event" and e["at"] == "2026-11-23T09:20:00Z"]' '[]'

# --- several fields: one event each ---
before=$(commit_count "$r")
EDITOR=$tmp/ed-fields SD_NOW=2026-11-23T09:25:00Z expect_exit "edit: several fields" 0 sd -C "$r" edit "$id"
expect_one_new_commit "edit fields" "$r" "$before"
expect_exit "edit fields: show --json" 0 sd -C "$r" show "$id" --json
expect_json "edit fields: values" "$OUT" '[d["status"], d["assignee"], d["tags"]]' '["open", "bob@example.com", ["printer", "urgent"]]'
expect_json "edit fields: events" "$OUT" \
	'sorted([e["field"], e["from"], e["to"]] for e in d["timeline"] if e["kind"] == "event" and e["at"].startswith("2026-11-23T09:25:00") and e["field"] != "tags")' \
	'[["assignee", "", "bob@example.com"], ["status", "new", "open"]]'
expect_json "edit fields: a tags event" "$OUT" \
	'len([e for e in d["timeline"] if e["kind"] == "event" and e["at"].startswith("2026-11-23T09:25:00") and e["field"] == "tags"])' 1
fsck_ok "edit fields" "$r"

# --- no change: no commit ---
before=$(commit_count "$r")
cp "$f" "$tmp/before.md"
EDITOR=$tmp/ed-noop SD_NOW=2026-11-23T09:30:00Z expect_exit "edit: no change" 0 sd -C "$r" edit "$id"
expect_commit_count "edit without change: no commit" "$r" "$before"
expect_file_eq "edit without change: file untouched" "$tmp/before.md" "$f"
expect_clean "edit without change" "$r"

# --- an invalid edit is refused, the text kept ---
head=$(head_of "$r")
st=$(gstatus "$r")
EDITOR=$tmp/ed-bad SD_NOW=2026-11-23T09:40:00Z expect_exit "edit: invalid result" 2 sd -C "$r" edit "$id"
expect_sd_error "edit invalid: sd: message"
expect_match "edit invalid: file:line: message for the status line" "$ERR" ':5: .*bogus'
expect_unchanged "edit invalid" "$r" "$head" "$st"
expect_file_eq "edit invalid: ticket untouched" "$tmp/before.md" "$f"
kept=
for p in $(grep -oE "/[^[:space:]:\"'\`]+" "$ERR" | sort -u); do
	if [ -f "$p" ] && grep -q '^status: bogus$' "$p" && grep -q '^My precious typing\.$' "$p"; then
		kept=$p
	fi
done
expect_eq "edit invalid: prints the path of a file keeping the user's text" "yes" "$([ -n "$kept" ] && echo yes || echo "no such path in stderr")"

for ed in ed-empty ed-id; do
	EDITOR=$tmp/$ed SD_NOW=2026-11-23T09:41:00Z expect_exit "edit: invalid result ($ed)" 2 sd -C "$r" edit "$id"
	expect_sd_error "edit invalid ($ed): message"
	expect_unchanged "edit invalid ($ed)" "$r" "$head" "$st"
	expect_file_eq "edit invalid ($ed): ticket untouched" "$tmp/before.md" "$f"
done

# --- the editor fails: nothing changes ---
EDITOR=$tmp/ed-fail SD_NOW=2026-11-23T09:45:00Z expect_exit "edit: editor exits 1" "2|128" sd -C "$r" edit "$id"
expect_sd_error "edit: editor failed: message"
expect_unchanged "edit: editor failed" "$r" "$head" "$st"
expect_file_eq "edit: editor failed: ticket untouched" "$tmp/before.md" "$f"

# --- the editor command is split on whitespace, never run by a shell ---
: >"$tmp/args"
EDITOR="$tmp/ed-args --wait  -n" SD_NOW=2026-11-23T09:50:00Z expect_exit "edit: editor with arguments" 0 sd -C "$r" edit "$id"
expect_eq "edit: editor arguments split on whitespace" "--wait
-n" "$(head -n 2 "$tmp/args")"
expect_eq "edit: editor gets the file as its last argument" "3" "$(wc -l <"$tmp/args" | tr -d ' ')"
EDITOR="$tmp/ed-noop;touch $tmp/pwned" SD_NOW=2026-11-23T09:51:00Z expect_exit "edit: shell syntax in EDITOR is not run" "2|128" sd -C "$r" edit "$id"
expect_missing "edit: no shell ran the EDITOR string" "$tmp/pwned"
EDITOR="$tmp/ed-noop \$(touch $tmp/pwned2)" SD_NOW=2026-11-23T09:52:00Z run sd -C "$r" edit "$id"
expect_missing "edit: no command substitution in EDITOR" "$tmp/pwned2"
expect_unchanged "edit: odd EDITOR values" "$r" "$head" "$st"

# --- VISUAL wins over EDITOR ---
VISUAL=$tmp/ed-unknown EDITOR=$tmp/ed-fail SD_NOW=2026-11-23T09:55:00Z expect_exit "edit: VISUAL preferred to EDITOR" 0 sd -C "$r" edit "$id"
# ... and an unknown key written by the user is kept byte for byte.
expect_contains "edit: unknown key kept byte for byte" "$f" "x-note: hello   # kept as written"
expect_clean "edit unknown key" "$r"
SD_NOW=2026-11-23T09:56:00Z sd -C "$r" comment "$id" -m "after the unknown key" >/dev/null 2>&1
expect_contains "edit: unknown key survives the next change" "$f" "x-note: hello   # kept as written"
expect_eq "edit: unknown key after the known keys" "x-note: hello   # kept as written" \
	"$(front_matter "$f" | sed -n '$!p' | tail -n 1)"
fsck_ok "edit: end" "$r"

# --- a file broken by hand is opened as it is, so that it can be fixed ---
sed -i 's/^status: .*/status: borked/' "$f"
commit_all "$r" "break the status by hand"
printf '#!/bin/sh\nsed -i "s/^status: borked$/status: pending/" "$1"\n' >"$tmp/ed-fix"
chmod +x "$tmp/ed-fix"
before=$(commit_count "$r")
EDITOR=$tmp/ed-fix SD_NOW=2026-11-23T09:57:00Z expect_exit "edit: fixes a broken file" 0 sd -C "$r" edit "$id"
expect_err_has "edit broken: says what is wrong" ":5: invalid status 'borked'"
expect_match "edit broken: the fix is saved" "$f" '^status: pending$'
expect_one_new_commit "edit broken" "$r" "$before"
fsck_ok "edit: broken file fixed" "$r"

# --- errors ---
expect_exit "edit: unknown id" 2 sd -C "$r" edit zzzzzzzzzzzz
expect_sd_error "edit: unknown id: message"
expect_exit "edit: no id" 2 sd -C "$r" edit
expect_sd_error "edit: no id: message"

finish
