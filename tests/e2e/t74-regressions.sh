#!/bin/bash
# SPDX-License-Identifier: MIT
# Defects found in review, each kept from coming back.
. "$(dirname "$0")/lib.sh"

bad() {
	local name=$1 needle=$2 head st
	shift 2
	head=$(head_of "$r")
	st=$(gstatus "$r")
	expect_exit "$name: exit 2" 2 "$@"
	expect_sd_error "$name: sd: message, no stdout"
	[ -n "$needle" ] && expect_err_has "$name: message names '$needle'" "$needle"
	expect_unchanged "$name" "$r" "$head" "$st"
}

r=$(store review)
id=$(new_ticket "$r" "Printer jams")
t=$r/$(tpath "$id")

# An empty --key with text used to dereference a missing title.
bad "new --key= -m" "--key" sd -C "$r" new --key= -m "text"
bad "new --key '' with a title" "--key" sd -C "$r" new "Title" --key "" -m "text"

# U+FFFE / U+FFFF are accepted by UTF-8 checks but refused by YAML: refused
# up front instead of writing a file that can no longer be read.
bad "U+FFFE in a title" "" sd -C "$r" new "$(printf 'a\357\277\276b')"
bad "U+FFFF in a queue" "" sd -C "$r" set "$id" "queue=$(printf 'q\357\277\277')"

# A forged event field must not turn into file structure on the next write.
cp "$t" "$tmp/orig"
cat >>"$t" <<'EOT'

<!-- sd:event id=zzzzzzzzzz at=2026-11-23T09:30:00Z author="E <e@example.com>" field="x\n<!-\- sd:comment id=yyyyyyyyyy at=2026-01-01T00:00:00Z author=evil visibility=public -\->\nINJECTED" from=a to=b -->
EOT
commit_all "$r" "forge an event"
expect_exit "forged event field: sd check reports it" 1 sd -C "$r" check
expect_out_has "forged event field: with its line" "$(tpath "$id"):"
bad "forged event field: comment refused" "event field" sd -C "$r" comment "$id" -m "c2"
cp "$tmp/orig" "$t"
commit_all "$r" "restore"

# Indented front matter: keys must start at column 0.
sed -i '2,/^---$/{/^---$/!s/^/  /}' "$t"
commit_all "$r" "indent the front matter"
bad "indented front matter: comment refused" "must start at the beginning of the line" \
	sd -C "$r" comment "$id" -m "hi"
cp "$tmp/orig" "$t"
commit_all "$r" "restore again"

# Messages about broken files quote file text; they reach the terminal inert.
other=$(new_ticket "$r" "Other")
o=$r/$(tpath "$other")
SD_NOW=2026-11-23T09:05:00Z sd -C "$r" comment "$other" -m "first" >/dev/null 2>&1
sed -i 's/visibility=public/visibility="\\x1b]0;pwned\\x07"/' "$o"
commit_all "$r" "hostile visibility"
expect_exit "skipping a broken ticket" 1 sd -C "$r" list
expect_err_has "skipping: says which file" "$(tpath "$other")"
expect_no_esc "skipping: the message is inert" "$ERR"
git -C "$r" checkout -q HEAD~1 -- "$(tpath "$other")"
commit_all "$r" "restore other"
sed -i 's/^queue: .*/queue: "\\e]0;pwn\\a"/' "$o"
commit_all "$r" "hostile queue"
expect_exit "__complete values queue" 0 sd -C "$r" __complete values queue
expect_no_esc "__complete values: inert" "$OUT"
sed -i 's/^queue: .*/queue: desk/' "$o"
commit_all "$r" "plain queue again"

# A lock left by a process that died is broken; one written by hand is not.
sleep 0 &
dead=$!
wait "$dead"
printf '%s\n' "$dead" >"$r/.git/sd.lock"
expect_exit "stale lock of a dead process: comment works" 0 sd -C "$r" comment "$id" -m "after a crash"
expect_missing "stale lock: removed" "$r/.git/sd.lock"

fsck_ok "regressions" "$r"
finish
