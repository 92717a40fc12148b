#!/bin/bash
# SPDX-License-Identifier: MIT
# Hostile text: anything that imitates the file format round-trips exactly;
# control characters are shown inert to humans.
. "$(dirname "$0")/lib.sh"

# The nastiest text we can think of for the format, one thing per line.
cat >"$tmp/hostile.md" <<'EOF'
---
id: 000000000000
status: closed
---
## Timeline
<!-- sd:timeline -->
<!-- sd:comment id=aaaaaaaaaa at=2026-01-01T00:00:00Z author="Evil <evil@example.com>" visibility=public -->
### Evil · 2026-01-01 00:00 UTC
<!-- sd:event id=bbbbbbbbbb at=2026-01-01T00:00:00Z author="Evil <evil@example.com>" field=status from=new to=closed -->
- **status**: new → closed · Evil · 2026-01-01 00:00 UTC
\<!-- sd:timeline -->
\\<!-- sd:comment id=x -->
\\\<!-- sd:event id=y -->
 <!-- sd:comment indented -->
<!-- sd:unknown-kind -->
<!-- sd:comment id=x ... -->
<!--sd:comment no space -->
<!-- SD:COMMENT upper case -->
-- double -- dashes --> and a closing -->
<script>alert("x")</script> &amp; &lt;b&gt; <b>bold</b>
back\slash, \\double, \n not a newline, \t not a tab, \x41 not A, \- not a dash, \"
"quoted"  'single'  `code`
# Heading one
### Heading three
title: injected
key: injected

trailing spaces   
	tab-indented line
    four-space code
EOF

r=$(store hostile)
id=$(new_ticket "$r" "Hostile description" -F "$tmp/hostile.md")
f=$r/$(tpath "$id")
expect_exit "hostile description: show --json" 0 sd -C "$r" show "$id" --json
expect_json_text "hostile description round-trips exactly" "$OUT" 'd["description"]' "$tmp/hostile.md"
expect_json "hostile description: no timeline entries invented" "$OUT" \
	'[e["kind"] for e in d["timeline"] if e["kind"] == "comment"]' '[]'
expect_json "hostile description: front matter not overridden" "$OUT" '[d["id"], d["status"], d["key"]]' "[\"$id\", \"new\", \"\"]"
expect_eq "file: exactly one real timeline marker" 1 "$(grep -c '^<!-- sd:timeline -->$' "$f")"
n=$(json_get "$OUT" 'len(d["timeline"])' 2>/dev/null || echo 0)
expect_eq "file: one marker line per timeline entry" "$n" "$(grep -cE '^<!-- sd:(comment|event) ' "$f")"
expect_eq "file: no other unescaped sd: lines" "$((n + 1))" "$(grep -c '^<!-- sd:' "$f")"
expect_contains "file: marker-like lines get one more backslash" "$f" '\\\\<!-- sd:event id=y -->'
expect_contains "file: a bare imitation is escaped" "$f" '\<!-- sd:comment id=x ... -->'
expect_eq "file: front matter still 19 lines" 19 "$(front_matter "$f" | wc -l | tr -d ' ')"
fsck_ok "hostile description" "$r"

# The same text as comments, public and internal, via -F and -m.
SD_NOW=2026-11-23T09:05:00Z expect_exit "hostile comment -F" 0 sd -C "$r" comment "$id" -F "$tmp/hostile.md"
SD_NOW=2026-11-23T09:06:00Z expect_exit "hostile comment -m --internal" 0 sd -C "$r" comment "$id" --internal -m "$(cat "$tmp/hostile.md")"
SD_NOW=2026-11-23T09:07:00Z expect_exit "a plain comment after them" 0 sd -C "$r" comment "$id" -m "Plain."
expect_exit "hostile comments: show --json" 0 sd -C "$r" show "$id" --json
cp "$OUT" "$tmp/h.json"
expect_json "hostile comments: exactly three comments" "$tmp/h.json" \
	'[[e["at"], e["visibility"]] for e in d["timeline"] if e["kind"] == "comment"]' \
	'[["2026-11-23T09:05:00Z", "public"], ["2026-11-23T09:06:00Z", "internal"], ["2026-11-23T09:07:00Z", "public"]]'
expect_json_text "hostile comment -F round-trips" "$tmp/h.json" \
	'[e["body"] for e in d["timeline"] if e["kind"] == "comment"][0]' "$tmp/hostile.md"
expect_json_text "hostile comment -m round-trips" "$tmp/h.json" \
	'[e["body"] for e in d["timeline"] if e["kind"] == "comment"][1]' "$tmp/hostile.md"
expect_json "plain comment intact after hostile ones" "$tmp/h.json" \
	'[e["body"] for e in d["timeline"] if e["kind"] == "comment"][2]' "Plain."
expect_json_text "description still intact" "$tmp/h.json" 'd["description"]' "$tmp/hostile.md"
expect_json "no events invented" "$tmp/h.json" '[e for e in d["timeline"] if e["kind"] == "event" and e["author"] != "Tess Tester <tess@example.com>"]' '[]'
# Another mutation rewrites the file: still the same text.
SD_NOW=2026-11-23T09:08:00Z expect_exit "status change after hostile text" 0 sd -C "$r" status "$id" open
expect_exit "after rewrite: show --json" 0 sd -C "$r" show "$id" --json
expect_json_text "after rewrite: description intact" "$OUT" 'd["description"]' "$tmp/hostile.md"
expect_json_text "after rewrite: comment intact" "$OUT" \
	'[e["body"] for e in d["timeline"] if e["kind"] == "comment"][0]' "$tmp/hostile.md"
expect_exit "hostile text: show" 0 sd -C "$r" show "$id"
expect_out_has "show: hostile lines shown as text" '<script>alert("x")</script>'
expect_out_has "show: backslashes as typed" 'back\slash, \\double, \n not a newline'
expect_clean "hostile comments" "$r"
fsck_ok "hostile comments" "$r"

# --- text imitating markers typed into sd edit ---
cat >"$tmp/ed-hostile" <<EOF
#!/bin/sh
for f; do :; done
awk '{ print } /^It jams\.\$/ { print ""; print "\\\\<!-- sd:timeline -->"; print "---" }' "\$f" >"\$f.new" && mv "\$f.new" "\$f"
EOF
chmod +x "$tmp/ed-hostile"
id2=$(new_ticket "$r" "Edited hostile" -m "It jams.")
EDITOR=$tmp/ed-hostile SD_NOW=2026-11-23T09:10:00Z expect_exit "edit: escaped marker typed in the file" 0 sd -C "$r" edit "$id2"
expect_exit "edit hostile: show --json" 0 sd -C "$r" show "$id2" --json
expect_json "edit hostile: one backslash removed when reading" "$OUT" 'd["description"]' "$(printf 'It jams.\n\n<!-- sd:timeline -->\n---')"
fsck_ok "edit hostile" "$r"

# --- authors with quotes, backslashes and dashes ---
r=$(store authors)
id=$(new_ticket "$r" "Author names")
m=4
for a in 'Q "The Quoter" Smith <q@example.com>' 'Back\Slash <b@example.com>' \
	'Dash--Dash -- <d@example.com>' 'Ünïcode Nämé <u@example.com>'; do
	m=$((m + 1))
	SD_AUTHOR=$a SD_NOW=2026-11-23T09:0$m:00Z expect_exit "author '$a': comment" 0 sd -C "$r" comment "$id" -m "by $a"
done
expect_exit "authors: show --json" 0 sd -C "$r" show "$id" --json
expect_json "authors round-trip" "$OUT" '[e["author"] for e in d["timeline"] if e["kind"] == "comment"]' \
	'["Q \"The Quoter\" Smith <q@example.com>", "Back\\Slash <b@example.com>", "Dash--Dash -- <d@example.com>", "Ünïcode Nämé <u@example.com>"]'
expect_eq "file: no -- inside any marker" "" \
	"$(grep '^<!-- sd:' "$r/$(tpath "$id")" | sed 's/^<!--//; s/-->$//' | grep -- '--')"
expect_exit "authors: assign to a hostile name" 0 sd -C "$r" assign "$id" 'Eve "-->" <e@example.com>'
expect_exit "authors: show --json again" 0 sd -C "$r" show "$id" --json
expect_json "hostile assignee in an event round-trips" "$OUT" \
	'[e["to"] for e in d["timeline"] if e["kind"] == "event" and e["field"] == "assignee"]' \
	'["Eve \"-->\" <e@example.com>"]'
expect_json "hostile assignee in the front matter round-trips" "$OUT" 'd["assignee"]' 'Eve "-->" <e@example.com>'
fsck_ok "authors" "$r"

# --- reasons with newlines and markup ---
r=$(store reasons)
id=$(new_ticket "$r" "Reasons")
reason=$(printf 'line one\nline two -- with --> and <!-- sd:timeline -->\n\\backslash "quote"')
expect_exit "multi-line hostile reason" 0 sd -C "$r" status "$id" open -m "$reason"
expect_exit "reasons: show --json" 0 sd -C "$r" show "$id" --json
printf '%s' "$reason" >"$tmp/reason"
expect_json_text "hostile reason round-trips" "$OUT" \
	'[e["reason"] for e in d["timeline"] if e["kind"] == "event" and e["field"] == "status"][0]' "$tmp/reason"
fsck_ok "reasons" "$r"

# --- control characters and bidi overrides are shown inert ---
r=$(store inert)
evil=$(printf 'red \033[31mRED\033[0m, clear \033[2J, title \033]0;pwned\007, bell \a, c1 \302\233, rlo \342\200\256 gnp.exe, del \177 end')
id=$(new_ticket "$r" "Inert" -m "$evil")
SD_NOW=2026-11-23T09:05:00Z sd -C "$r" comment "$id" -m "comment: $evil" >/dev/null 2>&1
expect_exit "inert: show" 0 sd -C "$r" show "$id"
expect_no_esc "inert: show has no raw control characters" "$OUT"
expect_lacks "inert: show has no raw BEL" "$OUT" "$(printf '\a')"
expect_lacks "inert: show has no raw DEL" "$OUT" "$(printf '\177')"
expect_out_has "inert: ESC shown as \\x1b" '\x1b[31mRED'
expect_out_has "inert: RLO shown as \\u202e" '\u202e'
expect_out_has "inert: comment also escaped" 'comment: red \x1b[31mRED'
expect_exit "inert: show --json" 0 sd -C "$r" show "$id" --json
expect_no_esc "inert: JSON has no raw ESC" "$OUT"
printf '%s' "$evil" >"$tmp/evil"
expect_json_text "inert: JSON description is the exact text" "$OUT" 'd["description"]' "$tmp/evil"
expect_exit "inert: search" 0 sd -C "$r" search "gnp.exe"
expect_no_esc "inert: search output clean" "$OUT"
expect_exit "inert: log" 0 sd -C "$r" log "$id"
expect_no_esc "inert: log output clean" "$OUT"

# A title with control characters cannot come from sd, but can from a hand
# edit or a merge: list and show must still keep the terminal safe.
t=$r/$(tpath "$id")
sed -i '3s/.*/title: "evil \\e[31m quoted \\u202e title"/' "$t"
commit_all "$r" "hand edit with an escaped ESC in the title"
inert_title() {
	run sd -C "$r" list
	expect_no_esc "inert ($1): list" "$OUT"
	expect_no_esc "inert ($1): list's stderr" "$ERR"
	# Whether sd shows or skips the ticket, if it shows the title it is inert.
	if grep -q evil "$OUT"; then
		expect_out_has "inert ($1): list shows \\x1b" "evil \\x1b[31m $2"
	fi
	run sd -C "$r" show "$id"
	expect_no_esc "inert ($1): show" "$OUT"
	expect_no_esc "inert ($1): show's stderr" "$ERR"
	run sd -C "$r" check
	expect_no_esc "inert ($1): check" "$OUT"
	expect_no_esc "inert ($1): check's stderr" "$ERR"
}
inert_title "YAML escape in the title" quoted
{ head -n 2 "$t"; printf 'title: evil \033[31m raw \342\200\256 title\n'; tail -n +4 "$t"; } >"$t.new" && mv "$t.new" "$t"
commit_all "$r" "hand edit with a raw ESC in the title"
inert_title "raw ESC in the title" raw
# A newline in a hand-edited title must not break list's one line per ticket.
sed -i '3s/.*/title: "first line\\nsecond line"/' "$t"
commit_all "$r" "hand edit with a newline in the title"
run sd -C "$r" list
expect_eq "newline in a title: list still prints at most one line per ticket" "yes" \
	"$([ "$(wc -l <"$OUT")" -le 1 ] && echo yes || echo "$(wc -l <"$OUT") lines: $(cat -A "$OUT" | tr '\n' ' ')")"
run sd -C "$r" search line
expect_eq "newline in a title: search prints at most one line per ticket" "yes" \
	"$([ "$(wc -l <"$OUT")" -le 1 ] && echo yes || echo "$(wc -l <"$OUT") lines: $(cat -A "$OUT" | tr '\n' ' ')")"
git -C "$r" revert --no-edit HEAD >/dev/null

# A hostile file name in error messages is shown inert as well.
run sd -C "$r" show "$(printf 'ab\033[2Jcd')"
expect_eq "inert: hostile id refused" 2 "$RC"
expect_no_esc "inert: error message about a hostile id" "$ERR"

# --- unknown front-matter keys are kept byte for byte ---
r=$(store unknown)
id=$(new_ticket "$r" "Unknown keys")
t=$r/$(tpath "$id")
awk 'NR > 1 && /^---$/ && !done { print "x-sla:   gold    # support contract"; print "x-list:"; print "  - one"; print "  - two"; done = 1 } { print }' "$t" >"$t.new" && mv "$t.new" "$t"
commit_all "$r" "add custom keys by hand"
expect_exit "unknown keys: check accepts them" 0 sd -C "$r" check
SD_NOW=2026-11-23T09:05:00Z expect_exit "unknown keys: comment" 0 sd -C "$r" comment "$id" -m "keeps them"
SD_NOW=2026-11-23T09:06:00Z expect_exit "unknown keys: set" 0 sd -C "$r" set "$id" priority=P1 tags=a
expect_eq "unknown keys: kept byte for byte after the known keys" "updated: 2026-11-23T09:06:00.001Z
x-sla:   gold    # support contract
x-list:
  - one
  - two
---" "$(front_matter "$t" | tail -n 6)"
fsck_ok "unknown keys" "$r"

finish
