#!/bin/bash
# SPDX-License-Identifier: MIT
# sd import and sd export: round trips that reproduce every ticket file
# byte for byte, hostile text, defaults, per-record errors with line
# numbers, --skip-invalid, --dry-run, duplicate ids, stdin, one commit.
. "$(dirname "$0")/lib.sh"

# --- a store with everything a ticket can hold -------------------------

src=$(store src)
t1=$(new_ticket "$src" 'Printer "jams", floor 3: again' --impact high --urgency high \
	--category hardware --tag printer --tag floor-3 --asset PRN-042 --key mail-42 \
	-m 'First line, with "quotes", commas
<!-- sd:timeline -->
\<!-- sd:comment id=fake -->
---
	tab-indented line   
Ünïcödé ✓ 🖨  and a bidi ‮override‬ inside
and an escape '$'\033''[1mbold'$'\033''[0m in the description')
SD_NOW=2026-11-23T09:01:00Z sd -C "$src" comment "$t1" -m 'A comment, "quoted"
<!-- sd:event id=fake at=x -->

with a blank line and an escape '$'\033''[31mred'$'\033''[0m' >/dev/null
SD_NOW=2026-11-23T09:02:00Z sd -C "$src" comment "$t1" --internal -m "Internal note." >/dev/null
SD_NOW=2026-11-23T09:03:00Z sd -C "$src" status "$t1" open -m "use --force, or \"not\"" >/dev/null
SD_NOW=2026-11-23T09:04:00Z sd -C "$src" assign "$t1" bob@example.com >/dev/null
SD_NOW=2026-11-23T09:05:00Z sd -C "$src" escalate "$t1" --to L4 --vendor "ACME, Inc." \
	--vendor-ref 'CASE-1' -m "vendor's turn" >/dev/null
SD_AUTHOR='Zoë "Z" <zoe@example.com>' SD_NOW=2026-11-23T09:06:00Z \
	sd -C "$src" comment "$t1" -m "From Zoë." >/dev/null

t2=$(new_ticket "$src" "Mailbox full" --type request)
SD_NOW=2026-11-23T09:10:00Z sd -C "$src" resolve "$t2" -m "Raised the quota." >/dev/null

# Keys sd does not know, with comments and nested values, and an impact
# left empty by hand: all kept by sd and by a round trip.
t3=$(new_ticket "$src" "Hand-edited ticket")
f3=$src/$(tpath "$t3")
awk '{ print } /^updated:/ { print "x_crm_id: 4711  # from the CRM"; print "x_sites:"; print "  - Berlin"; print "  # a comment line"; print "  - \"Lyon, FR\"" }' "$f3" >"$tmp/f3" &&
	sed 's/^impact: medium$/impact: ""/' "$tmp/f3" >"$f3"
commit_all "$src" "hand edit"
fsck_ok "source store" "$src"

nsrc=$(all_ids "$src" | wc -l)
expect_eq "source store: three tickets" 3 "$nsrc"

# --- export ---------------------------------------------------------------

expect_exit "export: jsonl to stdout" 0 sd -C "$src" export
cp "$OUT" "$tmp/desk.jsonl"
expect_eq "export: nothing on stderr" "" "$(cat "$ERR")"
expect_eq "export: one line per ticket" 3 "$(wc -l <"$tmp/desk.jsonl" | tr -d ' ')"
expect_eq "export: sorted by id" "$(all_ids "$src")" \
	"$(sed -E 's/^\{"schema_version":1,"id":"([^"]+)".*/\1/' "$tmp/desk.jsonl")"
expect_no_esc "export: jsonl is inert" "$tmp/desk.jsonl"
for id in $t1 $t2 $t3; do
	sd -C "$src" show "$id" --json >"$tmp/show.json"
	expect_eq "export line of $id is sd show --json" "$(cat "$tmp/show.json")" \
		"$(grep -F "\"id\":\"$id\"" "$tmp/desk.jsonl")"
done
sd -C "$src" show "$t3" --json >"$tmp/show3.json"
expect_json "show --json: extra holds the unknown keys' lines" "$tmp/show3.json" 'd["extra"]' \
	'{"x_crm_id": "x_crm_id: 4711  # from the CRM\n", "x_sites": "x_sites:\n  - Berlin\n  # a comment line\n  - \"Lyon, FR\"\n"}'
sd -C "$src" show "$t2" --json >"$tmp/show2.json"
expect_json "show --json: extra is {} without unknown keys" "$tmp/show2.json" 'd["extra"]' '{}'

expect_exit "export -o FILE.csv" 0 sd -C "$src" export -o "$tmp/desk.csv"
expect_out_empty "export -o: nothing on stdout"
expect_eq "export -o FILE.csv: CSV header from the extension" \
	"id,title,type,status,priority,impact,urgency,tier,queue,assignee,requester,category,tags,asset,key,vendor,vendor_ref,channel,problem,incidents,known_error,cc,created,updated,description,timeline,extra" \
	"$(head -n 1 "$tmp/desk.csv")"
expect_eq "export -o: an ordinary file's mode" "$(umask 022; touch "$tmp/m"; stat -c %a "$tmp/m")" \
	"$(umask 022; sd -C "$src" export -o "$tmp/mode.jsonl" && stat -c %a "$tmp/mode.jsonl")"
expect_eq "export -o: no temporary files left" "" "$(ls "$tmp" | grep -E '\.(csv|jsonl)\.' || true)"
expect_exit "export --format csv to stdout" 0 sd -C "$src" export --format csv
expect_file_eq "export --format csv is export -o FILE.csv" "$tmp/desk.csv" "$OUT"
if [ $HAVE_PYTHON = 1 ]; then
	"$PY" -c 'import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
assert len(rows) == 4 and all(len(r) == 27 for r in rows), rows
print("ok")' "$tmp/desk.csv" >"$tmp/pycsv" 2>&1
	expect_eq "export csv: Python's csv module reads 4 rows of 27 fields" ok "$(cat "$tmp/pycsv")"
fi
expect_exit "export --status resolved" 0 sd -C "$src" export --status resolved
expect_eq "export filters like list" "$t2" "$(sed -E 's/^\{"schema_version":1,"id":"([^"]+)".*/\1/' "$OUT")"
expect_exit "export --queue nothing: empty" 0 sd -C "$src" export --queue nothing
expect_out_empty "export with no match: empty output"
expect_exit "export: --format xml" 2 sd -C "$src" export --format xml
expect_sd_error "export --format xml: message"
expect_err_has "export --format xml: names the formats" "use jsonl or csv"
expect_exit "export: a stray argument" 2 sd -C "$src" export "$t1"
expect_exit "export -o into a missing directory" 128 sd -C "$src" export -o "$tmp/no/such/dir.jsonl"
expect_sd_error "export -o missing dir: message"

# --- round trips: identical ticket files ---------------------------------

for fmt in jsonl csv; do
	d=$(store "rt-$fmt")
	before=$(commit_count "$d")
	expect_exit "import $fmt" 0 sd -C "$d" import "$tmp/desk.$fmt"
	expect_match "import $fmt: summary line" "$OUT" "^imported 3 tickets in commit [0-9a-f]{7,}\$"
	expect_eq "import $fmt: the commit named is HEAD" "$(git -C "$d" rev-parse --short HEAD)" \
		"$(sed -E 's/.* commit //' "$OUT")"
	expect_eq "import $fmt: nothing on stderr" "" "$(cat "$ERR")"
	if diff -r "$src/tickets" "$d/tickets" >"$tmp/diff" 2>&1; then
		ok "import $fmt: ticket files identical to the source (diff -r)"
	else
		fail "import $fmt: ticket files identical to the source (diff -r)" "$(head -n 40 "$tmp/diff")"
	fi
	expect_one_new_commit "import $fmt" "$d" "$before"
	expect_eq "import $fmt: commit subject" "sd: import 3 tickets" "$(git -C "$d" log -1 --format=%s)"
	expect_eq "import $fmt: commit touches the ticket files" \
		"$(cd "$src" && for id in $(all_ids "$src"); do tpath "$id"; done | sort)" \
		"$(git -C "$d" show --name-only --format= HEAD | sed '/^$/d' | sort)"
	expect_clean "import $fmt" "$d"
	fsck_ok "import $fmt" "$d"
	expect_exit "import $fmt: export again" 0 sd -C "$d" export --format "$fmt"
	expect_file_eq "import $fmt: export of the import is the export" "$tmp/desk.$fmt" "$OUT"
done

# Importing the same tickets again: every id is taken.
d=$tmp/rt-jsonl
head_before=$(head_of "$d")
status_before=$(gstatus "$d")
expect_exit "import again: ids exist" 2 sd -C "$d" import "$tmp/desk.jsonl"
expect_err_has "import again: names the id and line" "desk.jsonl:1: ticket $(head -n 1 "$tmp/desk.jsonl" | sed -E 's/^\{"schema_version":1,"id":"([^"]+)".*/\1/') already exists in the store"
expect_err_has "import again: nothing imported" "sd: nothing imported: 3 of 3 records are invalid"
expect_out_empty "import again: nothing on stdout"
expect_unchanged "import again" "$d" "$head_before" "$status_before"

# --- defaults and a minimal record ---------------------------------------

r=$(store defaults)
printf '{"title": "Printer jams"}\n' >"$tmp/min.jsonl"
expect_exit "import: a title alone" 0 sd -C "$r" import "$tmp/min.jsonl"
id=$(all_ids "$r")
front_matter "$r/$(tpath "$id")" >"$tmp/fm.actual"
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
created: 2026-11-23T09:00:00Z
updated: 2026-11-23T09:00:00Z
---
EOF
expect_file_eq "import: the front matter sd new would write" "$tmp/fm.expect" "$tmp/fm.actual"
expect_eq "import 1: singular" "sd: import 1 ticket" "$(git -C "$r" log -1 --format=%s)"
expect_match "import 1: summary" "$OUT" "^imported 1 ticket in commit "

# --- invalid records: reported with lines, nothing imported ------------

r=$(store invalid)
id=$(new_ticket "$r" "Already here")
cat >"$tmp/bad.jsonl" <<EOF
{"title": "good one", "id": "abcdefghjkmn"}
{"titel": "typo"}

{"title": "dup", "id": "abcdefghjkmn"}
{"title": "bad status", "status": "done"}
not json at all
{"title": "in store", "id": "$id"}
{"title": "good two", "timeline": [{"body": "hello"}, {"kind": "event", "field": "status", "from": "new", "to": "open"}]}
EOF
head_before=$(head_of "$r")
status_before=$(gstatus "$r")
expect_exit "import invalid: exit 2" 2 sd -C "$r" import "$tmp/bad.jsonl"
cat >"$tmp/err.expect" <<EOF
sd: $tmp/bad.jsonl:2: unknown key 'titel'; did you mean 'title'?
sd: $tmp/bad.jsonl:4: id abcdefghjkmn is also given on line 1
sd: $tmp/bad.jsonl:5: invalid status 'done': use one of new, open, pending, on-hold, resolved, closed, cancelled
sd: $tmp/bad.jsonl:6: column 1: unexpected 'n'; expected a JSON value
sd: $tmp/bad.jsonl:7: ticket $id already exists in the store
sd: nothing imported: 5 of 7 records are invalid; fix them, or import the others with --skip-invalid
EOF
expect_file_eq "import invalid: every problem as FILE:LINE: message" "$tmp/err.expect" "$ERR"
expect_out_empty "import invalid: nothing on stdout"
expect_unchanged "import invalid" "$r" "$head_before" "$status_before"
expect_eq "import invalid: no ticket written" "$id" "$(all_ids "$r")"

expect_exit "import --dry-run with invalid records" 2 sd -C "$r" import --dry-run "$tmp/bad.jsonl"
expect_file_eq "import --dry-run: the same report" "$tmp/err.expect" "$ERR"

expect_exit "import --skip-invalid --dry-run" 0 sd -C "$r" import --skip-invalid --dry-run "$tmp/bad.jsonl"
expect_out "import --skip-invalid --dry-run: what it would do" \
	"would import 2 tickets; would skip 5 invalid records"
expect_unchanged "import --dry-run" "$r" "$head_before" "$status_before"

expect_exit "import --skip-invalid" 0 sd -C "$r" import --skip-invalid "$tmp/bad.jsonl"
expect_match "import --skip-invalid: summary" "$OUT" \
	"^imported 2 tickets in commit [0-9a-f]+; skipped 5 invalid records\$"
head -n 5 "$tmp/err.expect" >"$tmp/skip.expect"
expect_file_eq "import --skip-invalid: the skipped records on stderr" "$tmp/skip.expect" "$ERR"
expect_eq "import --skip-invalid: three tickets now" 3 "$(all_ids "$r" | wc -l)"
expect_exists "import --skip-invalid: the given id kept" "$r/$(tpath abcdefghjkmn)"
expect_one_new_commit "import --skip-invalid" "$r" "$(git -C "$r" rev-list --count "$head_before")"
fsck_ok "import --skip-invalid" "$r"
g2=$(grep -l "title: good two" "$r"/tickets/*/*.md)
expect_contains "import: a comment without author is the importer's" "$g2" \
	'author="Tess Tester <tess@example.com>" visibility=public -->'
# The comment before it, also without a time, has the import time itself.
expect_contains "import: an event without at gets the import time, after the entry before it" "$g2" \
	'at=2026-11-23T09:00:00.001Z author="Tess Tester <tess@example.com>" field=status from=new to=open -->'
expect_match "import: updated is the newest entry's time" "$g2" '^updated: 2026-11-23T09:00:00.001Z$'

# All invalid: even --skip-invalid has nothing to import.
printf '{"title": ""}\n{"nope": 1}\n' >"$tmp/allbad.jsonl"
head_before=$(head_of "$r")
expect_exit "import --skip-invalid, all invalid" 2 sd -C "$r" import --skip-invalid "$tmp/allbad.jsonl"
expect_err_has "all invalid: says so" "sd: nothing imported: all 2 records are invalid"
expect_eq "all invalid: HEAD unchanged" "$head_before" "$(head_of "$r")"

# Many errors: 20 listed, then a count.
for i in $(seq 1 25); do echo '{"title": "x", "status": "bogus"}'; done >"$tmp/many.jsonl"
expect_exit "import: 25 invalid records" 2 sd -C "$r" import "$tmp/many.jsonl"
expect_eq "25 invalid: 20 listed, a count and the summary" 22 "$(wc -l <"$ERR" | tr -d ' ')"
expect_err_has "25 invalid: and 5 more" "sd: and 5 more invalid records"
expect_err_has "25 invalid: the 20th is listed" "many.jsonl:20: invalid status 'bogus'"
expect_exit "import --skip-invalid: every skipped record is listed" 2 \
	sd -C "$r" import --skip-invalid "$tmp/many.jsonl"
expect_eq "--skip-invalid: all 25 listed" 26 "$(wc -l <"$ERR" | tr -d ' ')"

# Messages are inert on a terminal and in logs.
printf '{"title": "x", "status": "\\u001b[31mred"}\n' >"$tmp/esc.jsonl"
expect_exit "import: an escape in a bad value" 2 sd -C "$r" import "$tmp/esc.jsonl"
expect_no_esc "import: error messages are inert" "$ERR"

# --- duplicate ids inside the input, in CSV ------------------------------

r=$(store dups)
printf 'id,title\nabcdefghjkmn,first\nabcdefghjkmn,second\n,third\n' >"$tmp/dups.csv"
expect_exit "import csv: duplicate id" 2 sd -C "$r" import "$tmp/dups.csv"
expect_err_has "duplicate id: names both lines" "dups.csv:3: id abcdefghjkmn is also given on line 2"

# --- standard input and formats --------------------------------------------

r=$(store stdin)
STDIN=$tmp/desk.jsonl expect_exit "import < FILE (no argument)" 0 sd -C "$r" import
expect_match "import from stdin: summary" "$OUT" "^imported 3 tickets"
r=$(store stdin-csv)
STDIN=$tmp/desk.csv expect_exit "import - --format csv" 0 sd -C "$r" import --format csv -
if diff -r "$src/tickets" "$r/tickets" >/dev/null 2>&1; then
	ok "import csv from stdin: identical files"
else
	fail "import csv from stdin: identical files"
fi
STDIN=$tmp/desk.csv expect_exit "import - without --format reads JSON Lines" 2 sd -C "$r" import -
expect_err_has "CSV read as JSON: the error names <stdin> and a line" "sd: <stdin>:1: column 1:"
cp "$tmp/desk.csv" "$tmp/desk.txt"
expect_exit "import --format csv overrides the extension" 2 sd -C "$r" import --format csv "$tmp/desk.txt"
expect_err_has "--format csv: read as CSV (ids exist)" "desk.txt:2: ticket "
expect_exit "import: --format yaml" 2 sd -C "$r" import --format yaml "$tmp/desk.jsonl"
expect_err_has "--format yaml: names the formats" "use jsonl or csv"
expect_exit "import: missing file" 2 sd -C "$r" import "$tmp/no-such.jsonl"
expect_sd_error "import missing file: message"
expect_exit "import: two files" 2 sd -C "$r" import "$tmp/desk.jsonl" "$tmp/desk.csv"

# An empty input imports nothing, and says so.
r=$(store empty)
: >"$tmp/empty.jsonl"
before=$(commit_count "$r")
expect_exit "import: an empty file" 0 sd -C "$r" import "$tmp/empty.jsonl"
expect_out "import empty: says so" "nothing to import: $tmp/empty.jsonl holds no records"
expect_commit_count "import empty: no commit" "$r" "$before"
expect_exit "export of an empty store" 0 sd -C "$r" export
expect_out_empty "export of an empty store: empty"

# A JSON array, such as sd list --json prints.
r=$(store array)
sd -C "$src" list --all --json >"$tmp/list.json"
expect_exit "import: sd list --json output" 0 sd -C "$r" import "$tmp/list.json"
expect_eq "import list --json: the same ids" "$(all_ids "$src")" "$(all_ids "$r")"
fsck_ok "import list --json" "$r"

# --- another help desk's CSV ------------------------------------------------

r=$(store helpdesk)
printf '\xef\xbb\xbfSubject,Body,Labels,Priority,Status,Assignee,Created At\r\n"Laptop, battery","Battery at 40%%.\r\nSecond ""line"".",hardware,P2,open,bob@example.com,2026-10-01T08:30:00+02:00\r\nVPN drops,,"vpn, network",,,,\r\n' >"$tmp/hd.csv"
expect_exit "import a help desk's CSV" 0 sd -C "$r" import "$tmp/hd.csv"
f=$(grep -l "Laptop, battery" "$r"/tickets/*/*.md)
expect_contains "help desk CSV: subject is the title" "$f" "title: Laptop, battery"
expect_contains "help desk CSV: a CRLF in a field is a line break" "$f" 'Second "line".'
expect_contains "help desk CSV: created converted to UTC" "$f" "created: 2026-10-01T06:30:00Z"
expect_contains "help desk CSV: updated is created" "$f" "updated: 2026-10-01T06:30:00Z"
expect_contains "help desk CSV: status" "$f" "status: open"
f=$(grep -l "VPN drops" "$r"/tickets/*/*.md)
expect_contains "help desk CSV: labels are tags" "$f" "tags: [vpn, network]"
expect_contains "help desk CSV: an empty assignee" "$f" 'assignee: ""'
fsck_ok "help desk CSV" "$r"
printf 'Subject,Colour\nx,red\n' >"$tmp/hd2.csv"
expect_exit "import CSV: unknown column" 2 sd -C "$r" import "$tmp/hd2.csv"
expect_err "unknown column: the whole file is refused" \
	"sd: $tmp/hd2.csv:1: unknown column 'Colour'; columns are named after sd's fields, see sd-import(1)"
printf 'title\n"never closed\nx\n' >"$tmp/hd3.csv"
expect_exit "import CSV: unclosed quote" 2 sd -C "$r" import --skip-invalid "$tmp/hd3.csv"
expect_err "unclosed quote: the line it opens on" \
	"sd: $tmp/hd3.csv:2: a quoted field opens here and is never closed"

# --- a few thousand generated records -------------------------------------

r=$(store many)
for i in $(seq 1 3000); do
	printf '{"title": "Generated ticket %d", "impact": "low", "tags": ["gen"], "description": "Line one.\\nLine two, with \\"quotes\\".", "timeline": [{"body": "First comment on %d"}]}\n' "$i" "$i"
done >"$tmp/many3000.jsonl"
before=$(commit_count "$r")
expect_exit "import 3000 records" 0 sd -C "$r" import "$tmp/many3000.jsonl"
expect_match "import 3000: summary" "$OUT" "^imported 3000 tickets in commit "
expect_eq "import 3000: 3000 ticket files" 3000 "$(all_ids "$r" | wc -l)"
expect_one_new_commit "import 3000" "$r" "$before"
expect_clean "import 3000" "$r"
fsck_ok "import 3000" "$r"
expect_exit "import 3000: export" 0 sd -C "$r" export -o "$tmp/many.out.jsonl"
expect_eq "import 3000: export has 3000 lines" 3000 "$(wc -l <"$tmp/many.out.jsonl" | tr -d ' ')"

# --- CSV on a terminal is shown inert ----------------------------------------

if command -v script >/dev/null 2>&1; then
	run script -qec "$SD -C $src export --format csv" /dev/null
	expect_eq "export csv on a terminal: exit 0" 0 "$RC"
	expect_no_esc "export csv on a terminal: no raw escapes" "$OUT"
	expect_contains "export csv on a terminal: escapes shown" "$OUT" '\x1b[1mbold'
	expect_contains "export csv on a terminal: bidi overrides shown" "$OUT" '\u202eoverride'
	expect_eq "export csv to a file: the exact text, both escapes included" 2 \
		"$(LC_ALL=C tr -cd '\033' <"$tmp/desk.csv" | wc -c | tr -d ' ')"
else
	skip "export on a terminal" "script(1) not available"
fi

finish
