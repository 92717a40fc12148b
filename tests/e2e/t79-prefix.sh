#!/bin/bash
# SPDX-License-Identifier: MIT
# Ticket id prefixes: output shows the shortest unique prefix (at least 4
# characters); input takes any unique prefix of at least 4 characters, in
# any case.
. "$(dirname "$0")/lib.sh"

r=$(store prefix)
put_ticket "$r" abcd00000000 "Abcd zero"
put_ticket "$r" abcd10000000 "Abcd one"
put_ticket "$r" zzzz00000000 "Zzzz"
put_ticket "$r" q0000000000a "Q zero"
put_ticket "$r" q0001111111b "Q one"
put_ticket "$r" m00000000000 "M alone"

expect_exit "list --format %(short)" 0 sd -C "$r" list --sort id --format '%(short) %(title)'
expect_out "shortest unique prefixes, at least 4 characters" "abcd0 Abcd zero
abcd1 Abcd one
m000 M alone
q0000 Q zero
q0001 Q one
zzzz Zzzz"
expect_exit "list: default lines" 0 sd -C "$r" list --sort id
expect_eq "list: first column is the short id, padded" "abcd0 |abcd1 |m000  |q0000 |q0001 |zzzz  " \
	"$(cut -c1-6 "$OUT" | tr '\n' '|' | sed 's/|$//')"
expect_exit "list --json: short_id" 0 sd -C "$r" list --json
expect_json "list --json: short_id values" "$OUT" 'sorted(t["short_id"] for t in d)' \
	'["abcd0", "abcd1", "m000", "q0000", "q0001", "zzzz"]'

# Any unique prefix, in any case, finds the ticket.
while read -r prefix title; do
	expect_exit "show $prefix" 0 sd -C "$r" show "$prefix" --json
	expect_json "show $prefix: finds '$title'" "$OUT" 'd["title"]' "$title"
done <<'EOF'
abcd0 Abcd zero
abcd00 Abcd zero
abcd00000000 Abcd zero
ABCD0 Abcd zero
AbCd1 Abcd one
abcd1000 Abcd one
zzzz Zzzz
ZZZZ Zzzz
zzzz0000 Zzzz
q0000 Q zero
Q0001111111B Q one
m000 M alone
EOF

# Ambiguous and unknown prefixes.
for prefix in abcd ABCD q000; do
	expect_exit "show $prefix: ambiguous" 2 sd -C "$r" show "$prefix"
	expect_sd_error "show $prefix: message"
	_ICASE=1 expect_err_has "show $prefix: says ambiguous" "ambiguous"
done
expect_exit "show abcd: candidates listed" 2 sd -C "$r" show abcd
expect_err_has "show abcd: lists abcd0" "abcd0"
expect_err_has "show abcd: lists abcd1" "abcd1"
expect_exit "show q000: candidates listed" 2 sd -C "$r" show q000
expect_err_has "show q000: lists q0000" "q0000"
expect_err_has "show q000: lists q0001" "q0001"
# Shorter prefixes than the documented 4 characters are refused, even
# when they match one ticket today.
for prefix in zzz m0 q a 4; do
	expect_exit "show $prefix: too short" 2 sd -C "$r" show "$prefix"
	expect_err "show $prefix: message" "sd: ticket id '$prefix' is too short: give at least 4 characters of the id (see 'sd list')"
done
for prefix in abcd2 zzzy 0000 abcd000000001; do
	expect_exit "show $prefix: no such ticket" 2 sd -C "$r" show "$prefix"
	expect_sd_error "show $prefix: message"
	expect_err_has "show $prefix: names it" "$prefix"
done

# Mutations take prefixes too, and their commits name the short id.
before=$(commit_count "$r")
SD_NOW=2026-11-23T09:05:00Z expect_exit "comment by prefix" 0 sd -C "$r" comment ABCD1 -m "by prefix"
expect_one_new_commit "comment by prefix" "$r" "$before"
expect_last_commit "comment by prefix" "$r" 'sd: comment abcd1 "Abcd one"' "tickets/ab/abcd10000000.md"
SD_NOW=2026-11-23T09:06:00Z expect_exit "status by prefix" 0 sd -C "$r" status zzzz open
expect_last_commit "status by prefix" "$r" 'sd: status zzzz "Zzzz"' "tickets/zz/zzzz00000000.md"

# A new ticket sharing a prefix lengthens the others' short ids.
put_ticket "$r" zzzz10000000 "Zzzz one"
expect_exit "list after a clash" 0 sd -C "$r" list --sort id --format '%(short)'
expect_eq "short ids grow when prefixes clash" "abcd0 abcd1 m000 q0000 q0001 zzzz0 zzzz1" "$(tr '\n' ' ' <"$OUT" | sed 's/ $//')"
expect_exit "zzzz is now ambiguous" 2 sd -C "$r" show zzzz
SD_NOW=2026-11-23T09:07:00Z expect_exit "comment zzzz0" 0 sd -C "$r" comment zzzz0 -m "now longer"
expect_last_commit "comment zzzz0" "$r" 'sd: comment zzzz0 "Zzzz"' "tickets/zz/zzzz00000000.md"

expect_clean "prefixes" "$r"
fsck_ok "prefixes" "$r"

# Random ids from sd new: 12 characters of the alphabet, short id is 4.
r=$(store random)
for i in 1 2 3 4 5 6 7 8; do
	id=$(new_ticket "$r" "Random $i")
	expect_match "random id $i: 12 lowercase Crockford base32 characters" <(echo "$id") "^$ID_RE{12}\$"
done
expect_eq "random ids: all distinct" 8 "$(all_ids "$r" | sort -u | wc -l | tr -d ' ')"
expect_exit "random: list" 0 sd -C "$r" list --format '%(id) %(short)'
expect_eq "random: short ids are the shortest unique prefixes" "" \
	"$(while read -r id short; do [ "$short" = "$(short_id "$r" "$id")" ] || echo "$id $short"; done <"$OUT")"
expect_eq "random: ids spread over tickets/XX directories by their first two characters" "" \
	"$(cd "$r/tickets" && ls */*.md | awk -F/ 'substr($2, 1, 2) != $1')"
fsck_ok "random ids" "$r"

finish
