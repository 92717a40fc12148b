#!/bin/bash
# SPDX-License-Identifier: MIT
# Hostile ticket files, as a hand edit or a hostile clone delivers them:
# YAML bombs, deep nesting, tags, duplicate keys, a 100 MB file, NUL bytes,
# invalid UTF-8, CRLF, a byte-order mark, unclosed front matter, files that
# are valid but large enough to make a quadratic reader hang, and terminal
# escapes (OSC 52, window titles, CR) in titles, authors and commits.
#
# sd-ticket(5) makes every one of these files an error except the last
# kind, so the contract checked here is: the file is refused everywhere
# with "PATH:LINE: message" and exit 2 (check: exit 1), quickly and in
# bounded memory, nothing is changed, and the other tickets of the store
# are still listed.  Valid files with hostile text are read, and whatever
# sd prints for people (also on a terminal, also into the pager) or
# writes into git is inert; --json gives back the exact bytes.
#
# t70 already checks that sd check reports anchors, aliases, tags,
# duplicate keys, CRLF, a BOM, NUL and invalid UTF-8 with their lines, and
# t76/t45 check inert output for descriptions and comments; this file
# checks what the other commands do with such files, and the rest.  The
# section numbers are those of the hardening issue's list of cases.
. "$(dirname "$0")/lib.sh"

# Every sd run here is bounded in time, and (except under AddressSanitizer,
# which reserves terabytes of address space for its shadow memory) this
# whole file runs in 1 GB of address space: a YAML bomb that expanded, or
# a reader that kept several copies of a 100 MB file, fails instead of
# taking the machine down.  (The JSON checker, started by lib.sh, is not
# limited.)
RUN=(timeout 20 "$SD")
if LC_ALL=C grep -qa __asan_init "$SD" 2>/dev/null; then
	ASAN=1
else
	ASAN=0
	ulimit -v 1048576
fi

# The hostile ticket's id and path; $r is the store of the section.
H=dead0beef001
HP=$(tpath $H)

# git_fsck_ok NAME DIR: the repository is sound (sd check is expected to
# complain while a hostile file is in the store, so fsck_ok cannot be used).
git_fsck_ok() {
	git -C "$2" fsck --strict --no-progress >"$tmp/.fsck" 2>&1
	local rc=$?
	if [ $rc -ne 0 ] || grep -qiE '^(error|warning|fatal)' "$tmp/.fsck"; then
		fail "$1: git fsck" "exit $rc" "$(_show_file output "$tmp/.fsck")"
	else
		ok "$1: git fsck"
	fi
}

# write_hostile TITLE-LINE [EXTRA [BODY]]: $HF becomes lib.sh's ticket_text
# (front matter on lines 1-18, description on line 20) with line 3 replaced
# by TITLE-LINE, EXTRA lines inserted before the closing '---' (so from
# line 18 on) and BODY as the description.  Arguments are written as given.
write_hostile() {
	mkdir -p "$(dirname "$HF")"
	ticket_text "$H" "Replaced" new "${3:-Hand-written ticket.}" >"$tmp/base"
	{
		sed -n '1,2p' "$tmp/base"
		printf '%s\n' "$1"
		sed -n '4,17p' "$tmp/base"
		[ -n "${2:-}" ] && printf '%s\n' "$2"
		sed -n '18,$p' "$tmp/base"
	} >"$HF"
}

# refused NAME LINE [WORD]: the file at $HF, committed by plain git as a
# clone would deliver it, is refused by every command: show, show --json,
# log and the mutations exit 2 with an "sd: PATH:LINE: ..." message (that
# mentions WORD); list and list --json skip it with a message, still
# list the good ticket and exit 1; check exits 1 naming PATH:LINE.  The file's bytes,
# HEAD and the work tree stay as they were.
refused() {
	local name=$1 line=$2 word=${3:-} head st c at
	at="$HP:$line:"
	case $line in *[!0-9]*) at="$HP:LINE:" ;; esac
	commit_all "$r" "by hand: $name"
	cp "$HF" "$tmp/before"
	head=$(head_of "$r")
	st=$(gstatus "$r")
	for c in show "show --json" log; do
		# shellcheck disable=SC2086  # $c is one of the words above
		expect_exit "$name: $c refuses it" 2 "${RUN[@]}" -C "$r" $c "$H"
		expect_sd_error "$name: $c: an sd: message, nothing on stdout"
		expect_match "$name: $c: names $at" "$ERR" "$HP:($line): "
	done
	if [ -n "$word" ]; then
		_ICASE=1 expect_err_has "$name: the message says what is wrong ($word)" "$word"
	fi
	expect_no_esc "$name: the message is inert" "$ERR"
	expect_exit "$name: list still works" 1 "${RUN[@]}" -C "$r" list
	expect_out_has "$name: list: the good ticket is still listed" "Printer on floor 3 jams"
	expect_lacks "$name: list: the hostile ticket is not listed" "$OUT" "${H:0:4}"
	expect_match "$name: list: says which file it skipped" "$ERR" "$HP:($line): "
	expect_exit "$name: list --json still works" 1 "${RUN[@]}" -C "$r" list --json
	expect_json "$name: list --json: valid JSON with the good ticket only" "$OUT" \
		'[t["id"] for t in d]' "[\"$good\"]"
	expect_exit "$name: check reports it" 1 "${RUN[@]}" -C "$r" check
	cat "$OUT" "$ERR" >"$tmp/check.all"
	expect_match "$name: check: reported as $at" "$tmp/check.all" "(^|[ /])$HP:$line: ."
	expect_lacks "$name: check: the good ticket is fine" "$tmp/check.all" "$good"
	SD_NOW=2026-11-23T10:00:00Z expect_exit "$name: comment refused" 2 \
		"${RUN[@]}" -C "$r" comment "$H" -m "Typed with care."
	expect_match "$name: comment: names $at" "$ERR" "$HP:($line): "
	SD_NOW=2026-11-23T10:01:00Z expect_exit "$name: status refused" 2 \
		"${RUN[@]}" -C "$r" status "$H" open
	expect_match "$name: status: names $at" "$ERR" "$HP:($line): "
	expect_file_eq "$name: the file's bytes are unchanged" "$tmp/before" "$HF"
	expect_unchanged "$name" "$r" "$head" "$st"
	git_fsck_ok "$name" "$r"
}

r=$(store hostile)
HF=$r/$HP
good=$(new_ticket "$r" "Printer on floor 3 jams" -m "It jams.")
SD_NOW=2026-11-23T09:05:00Z sd -C "$r" comment "$good" -m "Cleaned the rollers." >/dev/null 2>&1

# --- 1. YAML alias bombs ("billion laughs") ---
# Nine levels of nine aliases each would be 9^9 (387 million) strings if a
# loader expanded them; sd refuses the first anchor instead.
bomb='&a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'
levels=
prev=a
for l in b c d e f g h i; do
	levels+="  $l: &$l [*$prev, *$prev, *$prev, *$prev, *$prev, *$prev, *$prev, *$prev, *$prev]"$'\n'
	prev=$l
done
write_hostile "title: $bomb" "x-lol:"$'\n'"${levels%$'\n'}"
refused "alias bomb in the title" 3 anchor
write_hostile "title: Billion laughs" "x-lol:"$'\n'"  a: $bomb"$'\n'"${levels%$'\n'}"
refused "alias bomb in an unknown key" 19 anchor
# The aliases in a known key (line 14), the anchor further down.
write_hostile "title: Billion laughs" "x-lol: $bomb"
sed -i "s/^tags: \[\]\$/tags: [*a, *a, *a, *a, *a, *a, *a, *a, *a]/" "$HF"
refused "aliases in tags" 14 alias
# Merge keys are aliases too.
write_hostile "title: Merge" "x-base: {a: 1}"$'\n'"x-merged:"$'\n'"  <<: *base"
refused "merge key alias" 20 alias

# --- 2. deep nesting ---
# 100,000 unclosed '[' or '{': libyaml must not recurse or allocate its
# way through them, and sd stops at the first level it does not need.
open_sq=$(head -c 100000 /dev/zero | tr '\0' '[')
open_map=$(head -c 100000 /dev/zero | tr '\0' '{')
write_hostile "title: $open_sq"
refused "100,000 '[' in the title" 3 "single value"
write_hostile "title: $open_map"
refused "100,000 '{' in the title" 3 "single value"
write_hostile "title: Deep" "x-deep: $open_sq"
refused "100,000 '[' in an unknown key" 18 "nested"
write_hostile "title: Deep" "x-deep: $(yes '{a: ' | head -n 100000 | tr -d '\n')"
refused "100,000 '{a: ' in an unknown key" 18 "nested"
write_hostile "title: Deep" "x-deep: $open_sq$(head -c 100000 /dev/zero | tr '\0' ']')"
refused "100,000 balanced [] in an unknown key" 18 "nested"
# Deep block mappings and sequences: one more space of indentation per
# level, 1,500 levels (about 1 MB).
deep_map=$(awk 'BEGIN { s = ""; for (i = 0; i < 1500; i++) { s = s " "; printf "%sk%d:\n", s, i } printf "%s v\n", s }')
write_hostile "title: Deep" "x-deep:"$'\n'"$deep_map"
refused "1,500 nested block mappings in an unknown key" '[0-9]+' "nested"
deep_seq=$(awk 'BEGIN { s = ""; for (i = 0; i < 1500; i++) { s = s " "; printf "%s-\n", s } printf "%s v\n", s }')
write_hostile "title: Deep" "x-deep:"$'\n'"$deep_seq"
refused "1,500 nested block sequences in an unknown key" '[0-9]+' "nested"
write_hostile "title: Deep"
sed -i '3s/.*/title:/' "$HF"
{ head -n 3 "$HF"; printf '%s\n' "$deep_map"; tail -n +4 "$HF"; } >"$HF.new" && mv "$HF.new" "$HF"
refused "1,500 nested block mappings in the title" '[0-9]+'

# Moderate nesting in a key sd does not know is legitimate data of another
# tool: accepted, and kept byte for byte by a mutation.
nested="x-tool: $(head -c 20 /dev/zero | tr '\0' '[')1$(head -c 20 /dev/zero | tr '\0' ']')"
write_hostile "title: Nested tool data" "$nested"$'\n'"x-map:"$'\n'"  a:"$'\n'"    b:"$'\n'"      c: [1, {d: [2]}]"
commit_all "$r" "by hand: nested tool data"
expect_exit "20 levels of nesting in an unknown key: show" 0 sd -C "$r" show "$H"
SD_NOW=2026-11-23T10:00:00Z expect_exit "20 levels of nesting: comment" 0 sd -C "$r" comment "$H" -m "still fine"
expect_eq "20 levels of nesting: kept byte for byte" "$nested
x-map:
  a:
    b:
      c: [1, {d: [2]}]
---" "$(front_matter "$HF" | tail -n 6)"

# --- 3. YAML tags ---
write_hostile 'title: !!binary aGVsbG8gd29ybGQ='
refused "!!binary on the title" 3 tag
write_hostile 'title: !custom Hello'
refused "a local !tag on the title" 3 tag
write_hostile "title: Tags" 'x-evil: !!python/object/apply:os.system ["id"]'
refused "!!python/object in an unknown key" 18 tag
write_hostile 'title: !<tag:yaml.org,2002:str> Verbatim'
refused "a verbatim tag on the title" 3 tag
write_hostile '!!str title: Tagged key'
refused "a tag on a key" 3 tag
write_hostile "title: Tags"
sed -i 's/^tags: \[\]$/tags: !!set [a, b]/' "$HF"
refused "!!set on the tags" 14 tag
sed -i 's/^tags: .*/tags: [a, !custom b]/' "$HF"
refused "a tag on one tag" 14 tag

# --- 4. duplicate keys ---
# Whichever value a reader kept, the file means two things; no value wins.
write_hostile "title: First"$'\n'"title: Second"
refused "title twice" 4 title
write_hostile "title: Status twice" "status: closed"
refused "status twice, far apart, with different values" 18 status
write_hostile "title: First"$'\n'"\"title\": Quoted twin"
refused "title twice, once quoted" 4 title
write_hostile "title: Unknown twice" "x-a: 1"$'\n'"x-a: 2"
refused "an unknown key twice" 19 x-a

# --- 6. NUL bytes ---
write_hostile "title: Null byte"
sed -i '3s/Null byte/Null\x00byte/' "$HF"
refused "NUL in the front matter" 3 NUL
write_hostile "title: Null in the body" "" "Before the NUL"
sed -i '20s/Before the NUL/Before\x00the NUL/' "$HF"
refused "NUL in the body" 20 NUL

# --- 7. invalid UTF-8 ---
write_hostile "title: Caf"$'\xe9'" au lait"
refused "Latin-1 in the title" 3 UTF-8
write_hostile "title: Body" "" "Bad "$'\xff\xfe'" bytes"
refused "invalid bytes in the body" 20 UTF-8
write_hostile "title: Surrogate "$'\xed\xa0\x80'" half"
refused "a UTF-16 surrogate in the title" 3 UTF-8
write_hostile "title: Truncated"
printf '\342\202' >>"$HF"
refused "a truncated sequence at the end of the file" 24 UTF-8

# --- 8. CRLF and mixed line endings ---
# sd-ticket(5): CRLF line endings are an error with a fix, not silently
# rewritten (a mutation would otherwise turn every line into a diff).
write_hostile "title: CRLF"
sed -i 's/$/\r/' "$HF"
refused "CRLF everywhere" 1 CRLF
write_hostile "title: Mixed"
sed -i '2~2s/$/\r/' "$HF"
refused "LF and CRLF mixed" 2 CRLF
write_hostile "title: One CR" "" "One line ends in CR"
sed -i '20s/$/\r/' "$HF"
refused "a single CRLF line in the body" 20 CRLF
write_hostile "title: Old Mac"
tr '\n' '\r' <"$HF" >"$HF.new" && mv "$HF.new" "$HF"
refused "CR-only line endings" 1

# --- 9. a byte-order mark ---
write_hostile "title: BOM"
{ printf '\357\273\277'; cat "$HF"; } >"$HF.new" && mv "$HF.new" "$HF"
refused "UTF-8 BOM at the start" 1 "byte-order mark"
# libyaml skips a BOM at the start of any line: the key behind it must
# not silently become a different key.
write_hostile $'\xef\xbb\xbf'"title: BOM before a key"
refused "BOM at the start of a front-matter line" 3

# --- 10. front matter never closed ---
write_hostile "title: Unclosed"
sed -i '18d' "$HF"
refused "front matter never closed" 1 "never closed"
write_hostile "title: Unclosed at the end"
head -n 17 "$HF" >"$HF.new" && mv "$HF.new" "$HF"
refused "front matter running to the end of the file" 1 "never closed"
printf -- '---\nid: %s\ntitle: No newline' "$H" >"$HF"
refused "front matter without a final newline" 1 "never closed"
printf -- '---\n' >"$HF"
refused "only an opening ---" 1 "never closed"
: >"$HF"
refused "an empty file" 1 "---"

git -C "$r" rm -q "$HP" && git -C "$r" commit -q -m "remove the hostile ticket"
fsck_ok "hostile files" "$r"

# --- 5. a 100 MB ticket ---
# Far over the 8 MiB limit: refused from its size, without reading it all.
r=$(store sizes)
HF=$r/$HP
good=$(new_ticket "$r" "Printer on floor 3 jams" -m "It jams.")
write_hostile "title: One hundred megabytes" "" "Start of a long text."
line99=$(head -c 99 /dev/zero | tr '\0' x)
start=$(date +%s)
yes "$line99" | head -c 100000000 >>"$HF"
expect_eq "100 MB file written" 1 "$(($(wc -c <"$HF") > 100000000))"
refused "100 MB ticket" 1 "limit"
# A guard against reading it all (or a bomb), not a speed test.
expect_eq "100 MB ticket: refused without stalling" yes \
	"$([ $(($(date +%s) - start)) -lt 60 ] && echo yes || echo "no, $(($(date +%s) - start)) s")"
if [ $ASAN = 1 ]; then
	skip "100 MB ticket: within 1 GB of address space" "sanitizer build"
fi
git -C "$r" rm -q "$HP" && git -C "$r" commit -q -m "remove the 100 MB ticket"
rm -f "$tmp/before"

# --- valid, but large enough to make a quadratic reader hang ---
# Files under the size limit that are valid: many front-matter keys, many
# tags, many timeline entries; and one that is not, with a huge marker.
# One such file in a clone must not stall sd list for the whole desk.
# This is a guard against a hang, not a speed test: read in linear time,
# each takes well under a second (also under AddressSanitizer); checking
# every item against every other, as sd once did, took over 100 s for
# 760,000 keys or tags, far beyond the 30 s allowed here.  Under valgrind,
# twenty or more times slower, the section is skipped.
case $SD in
*/valgrind/*) SIZES=0 ;;
*) SIZES=1 ;;
esac
if [ $SIZES = 1 ]; then
	gen_keys() { awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "x%d: 1\n", i }'; }
	write_hostile "title: Many keys" "$(gen_keys 700000)"
	expect_exit "700,000 unknown keys (7.6 MB): list does not stall" 0 timeout 30 "$SD" -C "$r" list
	expect_out_has "700,000 unknown keys: the good ticket is listed" "Printer on floor 3 jams"
	expect_out_has "700,000 unknown keys: the ticket itself is listed" "Many keys"
	write_hostile "title: Many tags"
	awk '/^tags: \[\]$/ { printf "tags: ["; for (i = 0; i < 700000; i++) printf "%st%d", i ? ", " : "", i; print "]"; next } { print }' \
		"$HF" >"$HF.new" && mv "$HF.new" "$HF"
	expect_exit "700,000 tags (6.3 MB): list does not stall" 0 timeout 30 "$SD" -C "$r" list
	expect_out_has "700,000 tags: the good ticket is listed" "Printer on floor 3 jams"
	expect_out_has "700,000 tags: the ticket itself is listed" "Many tags"
	write_hostile "title: Many comments"
	awk 'BEGIN { a = "0123456789abcdefghjkmnpqrstvwxyz"
		for (i = 0; i < 70000; i++) {
			id = ""; n = i
			for (k = 0; k < 10; k++) { id = id substr(a, n % 32 + 1, 1); n = int(n / 32) }
			printf "\n<!-- sd:comment id=%s at=2026-11-23T09:00:00Z author=\"B <b@example.com>\" visibility=public -->\nc\n", id
		} }' >>"$HF"
	expect_exit "70,000 comments (7.9 MB): list does not stall" 0 timeout 30 "$SD" -C "$r" list
	expect_out_has "70,000 comments: the good ticket is listed" "Printer on floor 3 jams"
	expect_out_has "70,000 comments: the ticket itself is listed" "Many comments"
	# Not valid (a marker has a few known attributes), but it must be refused
	# as quickly: 300,000 distinct attribute names on one marker line.
	write_hostile "title: Many attributes"
	awk 'BEGIN { a = "abcdefghijklmnopqrstuvwxyz"
		printf "\n<!-- sd:comment id=k3j9x2m1qa at=2026-11-23T09:00:00Z author=\"B <b@example.com>\" visibility=public"
		for (i = 0; i < 300000; i++) {
			nm = ""; n = i
			for (k = 0; k < 4; k++) { nm = nm substr(a, n % 26 + 1, 1); n = int(n / 26) }
			printf " %s=1", nm
		}
		printf " -->\nc\n" }' >>"$HF"
	expect_exit "300,000 attributes on a marker (2 MB): list does not stall" 1 timeout 30 "$SD" -C "$r" list
	expect_out_has "300,000 attributes: the good ticket is listed" "Printer on floor 3 jams"
	expect_err_has "300,000 attributes: the file is skipped, and named" "$HP:"
	rm -f "$HF"
else
	skip "files with very many keys, tags, comments or attributes" "valgrind, too slow for the 30 s guard"
fi
expect_clean "sizes" "$r"
fsck_ok "sizes" "$r"

# --- 11. terminal escapes ---
# t76 covers CSI, OSC 0 and RLO in descriptions and comments and a raw ESC
# in a title, read off a terminal.  Here: OSC 52 (writes the clipboard),
# OSC 0 (window title), CR overprinting and bidi in titles, timeline
# authors and commit messages, read on a real terminal (script(1)), into
# the pager, in JSON, and in the commits sd writes.
r=$(store term)
HF=
id=$(new_ticket "$r" "Plain title" -m "It jams.")
t=$r/$(tpath "$id")
clip=$'\e]52;c;cm0gLXJmIH4K\a'
wint=$'\e]0;pwned\a'
rlo=$'\u202e'
body="clip ${clip} window ${wint} conceal "$'\e[8m'"hidden"$'\e[0m'" rlo ${rlo}gnp.exe end"
SD_NOW=2026-11-23T09:05:00Z expect_exit "OSC 52 in a comment: accepted" 0 sd -C "$r" comment "$id" -m "$body"
# A title with escapes (YAML escapes, so the file itself is clean text),
# and a timeline author with escapes, as hand edits arrive.
sed -i '3s/.*/title: "clip \\e]52;c;cm0gLXJmIH4K\\a window \\e]0;pwned\\a cr text\\rfake rlo \\u202e end\\nSigned-off-by: Mallory <mal@example.com>"/' "$t"
cat >>"$t" <<'EOF'

<!-- sd:comment id=k3j9x2m1qa at=2026-11-23T09:06:00Z author="\x1b]52;c;cm0gLXJmIH4K\x07Eve \x1b]0;pwned\x07 <eve@example.com>" visibility=public -->
From Eve.
EOF
commit_all "$r" "hostile title and author by hand"
# A commit made outside sd, by a hostile author, touching the ticket.
printf '\nMore text.\n' >>"$t"
git -C "$r" add -A
subject=$'subj \e]52;c;cm0gLXJmIH4K\a \e[2J x\rFAKE \u202e end'
git -C "$r" -c user.name=$'Mal\e]0;pwned\aory' -c user.email=mal@example.com \
	commit -q -m "$subject" >/dev/null
title=$'clip \e]52;c;cm0gLXJmIH4K\a window \e]0;pwned\a cr text\rfake rlo \u202e end\nSigned-off-by: Mallory <mal@example.com>'
printf '%s' "$title" >"$tmp/title"
printf '%s' "$body" >"$tmp/body"
printf '%s' "$subject" >"$tmp/subject"

# tty_inert NAME FILE: nothing but sd's own colours: once SGR sequences
# (ESC [ digits m) are removed, no ESC, BEL or CR is left, nor C1 or bidi.
tty_inert() {
	LC_ALL=C sed 's/\x1b\[[0-9;]*m//g' "$2" >"$tmp/stripped"
	if LC_ALL=C grep -q $'[\a\r]' "$tmp/stripped"; then
		fail "$1" "raw BEL or CR in output" "$(_show_file output "$2")"
	else
		expect_no_esc "$1" "$tmp/stripped"
	fi
}
# on_tty ARGS...: sd ARGS on a pseudo-terminal that does not turn LF into
# CR LF, so every CR in $OUT is sd's.  Only ids and paths reach sh -c,
# quoted with %q.
on_tty() {
	run script -qec "stty -onlcr 2>/dev/null; exec $(printf '%q ' "$SD" "$@")" /dev/null
}

if ! command -v script >/dev/null 2>&1; then
	skip "terminal escapes on a terminal" "script(1) not available"
else
	cat >"$tmp/pager" <<EOF
#!/bin/sh
cat >"$tmp/paged"
EOF
	chmod +x "$tmp/pager"
	for cmd in list show log; do
		args=("$cmd")
		[ "$cmd" = list ] || args+=("$id")
		on_tty --no-pager -C "$r" "${args[@]}"
		expect_eq "$cmd on a terminal: exit 0" 0 "$RC"
		tty_inert "$cmd on a terminal: only sd's colours" "$OUT"
		expect_out_has "$cmd on a terminal: the hostile text is shown, escaped" '\x1b]52;c;cm0gLXJmIH4K\x07'
		NO_COLOR=1 on_tty --no-pager -C "$r" "${args[@]}"
		expect_no_esc "$cmd on a terminal, NO_COLOR: no ESC at all" "$OUT"
		rm -f "$tmp/paged"
		SD_PAGER=$tmp/pager on_tty -C "$r" "${args[@]}"
		if [ -f "$tmp/paged" ]; then
			tty_inert "$cmd into the pager: only sd's colours" "$tmp/paged"
		else
			fail "$cmd on a terminal: runs the pager" "no $tmp/paged"
		fi
	done
	on_tty --no-pager -C "$r" list --wide
	expect_out_has "list on a terminal: CR shown as \\x0d" 'cr text\x0dfake'
	on_tty --no-pager -C "$r" show "$id"
	expect_out_has "show on a terminal: concealing SGR shown as text" '\x1b[8mhidden'
	on_tty --no-pager -C "$r" log "$id"
	expect_out_has "log on a terminal: hostile commit subject escaped" 'subj \x1b]52;c;'
	expect_out_has "log on a terminal: hostile commit author escaped" 'Mal\x1b]0;pwned\x07ory'
	expect_out_has "log on a terminal: hostile timeline author escaped" '\x1b]52;c;cm0gLXJmIH4K\x07Eve'
fi

# Off a terminal the same text is just as inert.
for cmd in list show log search check; do
	case $cmd in
	show | log) run sd -C "$r" "$cmd" "$id" ;;
	search) run sd -C "$r" search clip ;;
	*) run sd -C "$r" "$cmd" ;;
	esac
	expect_no_esc "$cmd: no raw ESC" "$OUT"
	expect_lacks "$cmd: no raw BEL" "$OUT" $'\a'
	expect_lacks "$cmd: no raw CR" "$OUT" $'\r'
	expect_no_esc "$cmd: stderr inert" "$ERR"
done

# JSON carries the exact bytes, escaped as JSON requires.
expect_exit "terminal escapes: show --json" 0 sd -C "$r" show "$id" --json
expect_no_esc "show --json: no raw ESC" "$OUT"
expect_lacks "show --json: no raw BEL" "$OUT" $'\a'
expect_lacks "show --json: no raw CR" "$OUT" $'\r'
expect_json_text "show --json: the title's exact bytes" "$OUT" 'd["title"]' "$tmp/title"
expect_json_text "show --json: the comment's exact bytes" "$OUT" \
	'[e["body"] for e in d["timeline"] if e["kind"] == "comment"][0]' "$tmp/body"
printf '%s' $'\e]52;c;cm0gLXJmIH4K\aEve \e]0;pwned\a <eve@example.com>' >"$tmp/author"
expect_json_text "show --json: the timeline author's exact bytes" "$OUT" \
	'[e["author"] for e in d["timeline"] if e["id"] == "k3j9x2m1qa"][0]' "$tmp/author"
expect_exit "terminal escapes: list --json" 0 sd -C "$r" list --json
expect_no_esc "list --json: no raw ESC" "$OUT"
expect_json_text "list --json: the title's exact bytes" "$OUT" \
	"[t[\"title\"] for t in d if t[\"id\"] == \"$id\"][0]" "$tmp/title"
expect_exit "terminal escapes: log --json" 0 sd -C "$r" log "$id" --json
expect_no_esc "log --json: no raw ESC" "$OUT"
expect_lacks "log --json: no raw CR" "$OUT" $'\r'
expect_json_text "log --json: the hostile commit's exact subject" "$OUT" \
	'[e["summary"] for e in d if e["kind"] == "commit" and e["summary"].startswith("subj")][0]' "$tmp/subject"
printf '%s' $'Mal\e]0;pwned\aory <mal@example.com>' >"$tmp/mal"
expect_json_text "log --json: the hostile commit's exact author" "$OUT" \
	'[e["author"] for e in d if e["kind"] == "commit" and e["summary"].startswith("subj")][0]' "$tmp/mal"

# A mutation of a ticket whose title holds escapes (sd check calls the
# title invalid, sd show shows it inert): sd may refuse it, or make it,
# but then the commit it writes must not carry the raw bytes into git,
# where git log, forges and mail show them to other people's terminals.
cp "$t" "$tmp/before"
head=$(head_of "$r")
st=$(gstatus "$r")
SD_NOW=2026-11-23T10:00:00Z run sd -C "$r" comment "$id" -m "A reply."
case $RC in
0)
	ok "comment on a ticket with escapes in its title: made"
	git -C "$r" log -1 --format=%B >"$tmp/msg"
	expect_no_esc "sd's commit message has no raw ESC" "$tmp/msg"
	expect_lacks "sd's commit message has no raw BEL" "$tmp/msg" $'\a'
	expect_lacks "sd's commit message has no raw CR" "$tmp/msg" $'\r'
	# A newline in the title must not add lines (such as a forged
	# Signed-off-by: trailer) to the message.
	expect_eq "sd's commit message is one line" 1 "$(grep -c . "$tmp/msg")"
	expect_exit "after the comment: show --json" 0 sd -C "$r" show "$id" --json
	expect_json_text "after the comment: the title's exact bytes are kept" "$OUT" 'd["title"]' "$tmp/title"
	;;
2)
	ok "comment on a ticket with escapes in its title: refused"
	expect_no_esc "refused comment: message inert" "$ERR"
	expect_file_eq "refused comment: file unchanged" "$tmp/before" "$t"
	expect_unchanged "refused comment" "$r" "$head" "$st"
	;;
*)
	fail "comment on a ticket with escapes in its title: exit 0 or 2" "exit $RC" \
		"$(_show_file stderr "$ERR")"
	;;
esac
git_fsck_ok "terminal escapes" "$r"
expect_clean "terminal escapes" "$r"

finish
