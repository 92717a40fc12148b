#!/bin/bash
# SPDX-License-Identifier: MIT
# sd check: every problem in a hand-broken file is reported as path:line.
. "$(dirname "$0")/lib.sh"

# A hand-written ticket has this layout (see put_ticket in lib.sh):
#   1 ---            7 impact       13 category     19 (blank)
#   2 id             8 urgency      14 tags         20 description
#   3 title          9 tier         15 asset        21 (blank)
#   4 type          10 queue        16 created      22 <!-- sd:timeline -->
#   5 status        11 assignee     17 updated      23 ## Timeline
#   6 priority      12 requester    18 ---
ID=c0ffee000001
P=$(tpath $ID)

r=$(store check)
put_ticket "$r" $ID "Coffee machine leaks"
F=$r/$P
good=$(new_ticket "$r" "A good ticket" -m "Fine.")
SD_NOW=2026-11-23T09:05:00Z sd -C "$r" comment "$good" -m "Also fine." >/dev/null 2>&1

expect_exit "check: clean store" 0 sd -C "$r" check
expect_eq "check: clean store prints nothing" "" "$(cat "$OUT" "$ERR")"

# replace_line N PRINTF-FORMAT: replace line N of $F (format may hold \r, \0...).
replace_line() {
	{ head -n $(($1 - 1)) "$F"; printf "$2\n"; tail -n +$(($1 + 1)) "$F"; } >"$F.new" && mv "$F.new" "$F"
}
insert_after() {
	{ head -n "$1" "$F"; printf "$2\n"; tail -n +$(($1 + 1)) "$F"; } >"$F.new" && mv "$F.new" "$F"
}
append() { printf "$1\n" >>"$F"; }
restore() { git -C "$r" checkout -q -- "$P"; }

# broken NAME LINE-RE [WORD]: sd check reports "$P:LINE: ..." (mentioning
# WORD if given), exits 1, changes nothing; then the file is restored and
# the store checks clean again.
broken() {
	local name=$1 line=$2 word=${3:-} st
	st=$(gstatus "$r")
	expect_exit "check: $name: exit 1" 1 sd -C "$r" check
	cat "$OUT" "$ERR" >"$tmp/check.all"
	expect_match "check: $name: reported as $P:$line:" "$tmp/check.all" "(^|[ /])$P:($line): ."
	if [ -n "$word" ]; then
		_ICASE=1 expect_contains "check: $name: message mentions '$word'" "$tmp/check.all" "$word"
	fi
	expect_eq "check: $name: every line is path:line: message" "" \
		"$(grep -vE '^(sd: )?[^:]+:[0-9]+: .' "$tmp/check.all")"
	expect_lacks "check: $name: the good ticket is not reported" "$tmp/check.all" "$good"
	expect_eq "check: $name: nothing changed" "$st" "$(gstatus "$r")"
	restore
	expect_exit "check: $name: clean after restoring" 0 sd -C "$r" check
}

# --- front matter values ---
replace_line 5 'status: bogus'; broken "invalid status" 5 bogus
replace_line 6 'priority: P9'; broken "invalid priority" 6 P9
replace_line 7 'impact: huge'; broken "invalid impact" 7 huge
replace_line 8 'urgency: whenever'; broken "invalid urgency" 8 whenever
replace_line 9 'tier: L9'; broken "invalid tier" 9 L9
replace_line 4 'type: bug'; broken "invalid type" 4 bug
replace_line 16 'created: yesterday'; broken "invalid created" 16 yesterday
replace_line 17 'updated: 2026-11-23T10:00:00+01:00'; broken "updated not in UTC" 17
replace_line 16 'created: 2026-13-45T09:00:00Z'; broken "impossible date" 16
replace_line 2 'id: c0ffee00000i'; broken "invalid id" 2
replace_line 3 'title: ""'; broken "empty title" 3 title
replace_line 14 'tags: [a, [b, c]]'; broken "nested tags" 14

# --- YAML structure ---
insert_after 5 'status: open'; broken "duplicate key" 6 status
replace_line 13 'category: &cat hardware'; broken "anchor" 13
replace_line 15 'asset: *cat'; broken "alias" 15
replace_line 3 'title: !!str Coffee'; broken "explicit tag" 3
replace_line 5 'status: [new'; broken "unterminated flow sequence" '5|6|18'
sed -i '5d' "$F"; broken "missing status" '[0-9]+' status
sed -i '18d' "$F"; broken "front matter not closed" '[0-9]+'
sed -i '1d' "$F"; broken "no front matter" 1
{ printf -- '---\n{id: %s, title: Coffee}\n---\n\nText.\n' $ID; } >"$F"; broken "flow-style top-level mapping" 2

# --- encoding ---
replace_line 20 'Hand-written ticket.\r'; broken "CR at end of line (CRLF)" 20
replace_line 1 '\357\273\277---'; broken "byte-order mark" 1
replace_line 20 'Hand-written \377\376 ticket.'; broken "invalid UTF-8" 20
replace_line 20 'Hand-written\0ticket.'; broken "NUL byte" 20
replace_line 3 'title: Coffee \300\257 machine'; broken "overlong UTF-8 in title" 3
replace_line 3 'title: evil \033[31m red'; broken "raw ESC in title" 3
replace_line 3 'title: "evil \\x07 bell"'; broken "escaped BEL in a quoted title" 3
replace_line 11 'assignee: "two\\nlines"'; broken "newline in a quoted assignee" 11

# --- timeline entries ---
C='<!-- sd:comment id=k3j9x2m1qa at=2026-11-23T14:05:00Z author="Bob Tech <bob@example.com>" visibility=public -->\n### Bob Tech · 2026-11-23 14:05 UTC\n\nA comment.'
append "\n$C"
expect_exit "check: a valid hand-written comment" 0 sd -C "$r" check
expect_eq "check: a valid hand-written comment: no output" "" "$(cat "$OUT" "$ERR")"
restore
append '\n<!-- sd:comment id=k3j9x2m1qa at=notatime author="Bob <bob@example.com>" visibility=public -->\n\nText.'
broken "comment with a bad time" 25 notatime
append '\n<!-- sd:comment id=k3j9x2m1qa at=2026-11-23T14:05:00Z author="Bob <bob@example.com>" visibility=secret -->\n\nText.'
broken "comment with a bad visibility" 25 secret
append '\n<!-- sd:comment id=k3j9x2m1qa at=2026-11-23T14:05:00Z author="Bob <bob@example.com> visibility=public -->\n\nText.'
broken "unterminated quoted attribute" 25
append '\n<!-- sd:comment id=k3j9x2m1qa at=2026-11-23T14:05:00Z author="Bob <bob@example.com>" visibility=public\n\nText.'
broken "marker without -->" 25
append '\n<!-- sd:comment id=k3!9x2m1qa at=2026-11-23T14:05:00Z author="Bob <bob@example.com>" visibility=public -->\n\nText.'
broken "bad entry id" 25
append '\n<!-- sd:event id=p0w8r7t6y5 at=2026-11-23T14:06:00Z author="Bob <bob@example.com>" field=status from=new to=nowhere -->'
expect_exit "check: event with an unknown status value is history, not validated" "0|1" sd -C "$r" check
restore
append '\n<!-- sd:event id=p0w8r7t6y5 at=2026-11-23T14:06:00Z author="Bob <bob@example.com>" to=open -->'
broken "event without field" 25
append "\n$C\n\n$C"
broken "duplicate entry id" '25|30' k3j9x2m1qa

# --- sizes ---
{ front_matter "$F"; echo; head -c 9437184 /dev/zero | tr '\0' a | fold -w 99; } >"$F.new" && mv "$F.new" "$F"
broken "file over 8 MiB" '[0-9]+'
{ front_matter "$F"; echo; head -c 2097152 /dev/zero | tr '\0' b | fold -w 99; echo; echo '<!-- sd:timeline -->'; } >"$F.new" && mv "$F.new" "$F"
broken "description over 1 MiB" '[0-9]+'

# --- unknown keys are fine ---
insert_after 17 'x-custom: kept  # with a comment'
expect_exit "check: unknown key is not a problem" 0 sd -C "$r" check
expect_eq "check: unknown key: no output" "" "$(cat "$OUT" "$ERR")"
restore

# --- several problems, several files ---
replace_line 5 'status: bogus'
sed -i 's/^priority: .*/priority: P0/' "$r/$(tpath "$good")"
expect_exit "check: two broken files" 1 sd -C "$r" check
cat "$OUT" "$ERR" >"$tmp/check.all"
expect_match "check: two files: first reported" "$tmp/check.all" "$P:5: "
expect_match "check: two files: second reported" "$tmp/check.all" "$(tpath "$good"):6: "
restore
git -C "$r" checkout -q -- "$(tpath "$good")"

# --- the configuration ---
cfg=$r/.sd/config.yaml
n=$(grep -n 'tier: *L1' "$cfg" | tail -n 1 | cut -d: -f1)
sed -i "${n}s/L1/L9/" "$cfg"
expect_exit "check: bad default tier in config" 1 sd -C "$r" check
cat "$OUT" "$ERR" >"$tmp/check.all"
expect_match "check: config problem as .sd/config.yaml:$n:" "$tmp/check.all" "(^|[ /])\.sd/config\.yaml:$n: ."
git -C "$r" checkout -q -- .sd/config.yaml
n=$(grep -n 'high: *{' "$cfg" | head -n 1 | cut -d: -f1)
sed -i "${n}s/P1/P7/" "$cfg"
expect_exit "check: bad priority in the matrix" 1 sd -C "$r" check
cat "$OUT" "$ERR" >"$tmp/check.all"
expect_match "check: matrix problem as .sd/config.yaml:$n:" "$tmp/check.all" "(^|[ /])\.sd/config\.yaml:$n: ."
git -C "$r" checkout -q -- .sd/config.yaml
printf 'priority_matrix: [\n' >>"$cfg"
expect_exit "check: config YAML syntax error" 1 sd -C "$r" check
cat "$OUT" "$ERR" >"$tmp/check.all"
expect_match "check: config syntax error has a line" "$tmp/check.all" "(^|[ /])\.sd/config\.yaml:[0-9]+: ."
git -C "$r" checkout -q -- .sd/config.yaml

# --- from a subdirectory: same paths ---
replace_line 5 'status: bogus'
expect_exit "check from a subdirectory" 1 bash -c 'cd "$1/tickets" && "$2" check' _ "$r" "$SD"
cat "$OUT" "$ERR" >"$tmp/check.all"
expect_match "check from a subdirectory: path:line" "$tmp/check.all" "$ID\.md:5: ."
restore

expect_clean "check" "$r"
fsck_ok "check" "$r"

finish
