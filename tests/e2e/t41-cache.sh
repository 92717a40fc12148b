#!/bin/bash
# SPDX-License-Identifier: MIT
# The summary cache (.git/sd/cache) is never the source of truth: list,
# search and sla print exactly what they print without it, whatever
# happened to the files or to the cache since it was written.
. "$(dirname "$0")/lib.sh"

export SD_NOW=2026-11-23T10:00:00Z
r=$(store cache)
a=$(new_ticket "$r" "Printer jams on floor 3" -m "Paper feed broken." --priority P3)
b=$(new_ticket "$r" "VPN drops every hour" -m "Since the update." --priority P2)
c=$(new_ticket "$r" "Mailbox full" -m "Quota reached." --priority P4)
sd -C "$r" comment "$a" -m "Toner is low as well." >/dev/null 2>&1
sd -C "$r" resolve "$c" -m "Quota raised." >/dev/null 2>&1
cache="$r/.git/sd/cache"
texts="$r/.git/sd/texts" # what search looks in

# What each command prints with no cache at all: the reference.
views=("list --all --json" "search toner" "search 'paper feed'" "sla --json"
	"list --format '%(short):%(title):%(priority)'")
reference() {
	local v
	for v in "${views[@]}"; do
		rm -rf "$cache" "$texts"
		eval "sd -C \"\$r\" $v" 2>&1
		echo "== $?"
	done
}
current() {
	local v
	for v in "${views[@]}"; do
		eval "sd -C \"\$r\" $v" 2>&1
		echo "== $?"
	done
}
# The reference is worked out again only when the tickets changed.
want=""
tickets_changed() { want=""; }
same_as_without_cache() {
	local got
	[ -n "$want" ] || want=$(reference)
	sd -C "$r" list >/dev/null 2>&1 # writes the caches when it can
	sd -C "$r" search printer >/dev/null 2>&1
	got=$(current)
	expect_eq "$1" "$want" "$got"
}

# Files changed in the last two seconds are never cached (a second change
# in the same clock tick could keep their stat data), so wait once.
sleep 2.2
sd -C "$r" list >/dev/null 2>&1
expect_exists "cache written by list" "$cache"
same_as_without_cache "warm cache"

# A hand edit that keeps the size and even restores the mtime is seen:
# the ctime still moves.
f="$r/$(tpath "$a")"
old_mtime=$(stat -c %Y "$f")
sed -i 's/^priority: P3$/priority: P1/' "$f"
touch -d "@$old_mtime" "$f"
tickets_changed
expect_exit "hand edit: list" 0 sd -C "$r" list --format '%(priority) %(title)'
expect_out_has "hand edit: new priority seen" "P1 Printer jams on floor 3"
same_as_without_cache "after a same-size hand edit"

# Damage of every kind: output unchanged, cache rebuilt.
printf 'garbage' >"$cache"
same_as_without_cache "garbage cache"
expect_eq "garbage cache replaced" "sd-cache" "$(head -c 8 "$cache")"
sd -C "$r" list >/dev/null 2>&1
size=$(stat -c %s "$cache")
printf '\377\377\377\377' | dd of="$cache" bs=1 seek=$((size / 2)) conv=notrunc status=none
same_as_without_cache "a flipped word in the middle"
truncate -s $((size - 9)) "$cache"
same_as_without_cache "truncated cache"
: >"$cache"
same_as_without_cache "empty cache"
rm -f "$cache" && mkdir "$cache"
same_as_without_cache "cache path is a directory"
rmdir "$cache"
ln -s /etc/passwd "$cache"
same_as_without_cache "cache path is a symlink"
expect_eq "symlinked cache: target untouched" "root" "$(head -c 4 /etc/passwd)"
rm -f "$cache"

# The same for the texts search reads.
sd -C "$r" search toner >/dev/null 2>&1
expect_exists "texts cache written by search" "$texts"
expect_eq "texts cache: its own kind" "sd-texts" "$(head -c 8 "$texts")"
size=$(stat -c %s "$texts")
printf '\377\377\377\377' | dd of="$texts" bs=1 seek=$((size / 2)) conv=notrunc status=none
same_as_without_cache "texts cache: a flipped word in the middle"
truncate -s $((size - 5)) "$texts"
same_as_without_cache "texts cache: truncated"
cp "$cache" "$texts"
same_as_without_cache "texts cache holding the summary cache"
sleep 2.2
sd -C "$r" search toner >/dev/null 2>&1
# A same-size edit of a comment, seen by search at once.
sed -i 's/Toner is low as well\./Toner is OUT as well./' "$r/$(tpath "$a")"
tickets_changed
expect_exit "texts cache: edited comment found" 0 sd -C "$r" search 'toner is out' --format '%(title)'
expect_out "texts cache: edited comment's ticket" "Printer jams on floor 3"
expect_exit "texts cache: old text gone" 1 sd -C "$r" search 'toner is low'
same_as_without_cache "texts cache after an edit"
git -C "$r" checkout -q HEAD -- "$(tpath "$a")"
tickets_changed

# A read-only .git/sd: no cache, same output, no error.
sd -C "$r" list >/dev/null 2>&1
if [ "$(id -u)" != 0 ]; then
	chmod a-w "$r/.git/sd"
	rm -f "$cache" 2>/dev/null
	same_as_without_cache "read-only cache directory"
	chmod u+w "$r/.git/sd"
fi

# Changes made by git are seen at once: a checkout of an older version,
# a deleted file, a new one from elsewhere.
sleep 2.2
sd -C "$r" list >/dev/null 2>&1
# HEAD~2: before the comment on a (the last commit resolved c).
git -C "$r" checkout -q HEAD~2 -- "$(tpath "$a")"
tickets_changed
expect_exit "git checkout: list" 0 sd -C "$r" show "$a" --json
expect_lacks "git checkout: the comment of the later commit is gone" "$OUT" "Toner is low"
same_as_without_cache "after git checkout of one file"
git -C "$r" checkout -q HEAD -- "$(tpath "$a")"
rm -f "$r/$(tpath "$b")"
tickets_changed
expect_exit "deleted file: list" 0 sd -C "$r" list --all --format '%(title)'
expect_lacks "deleted file: gone from list" "$OUT" "VPN drops"
same_as_without_cache "after deleting a file"
git -C "$r" checkout -q HEAD -- "$(tpath "$b")"
tickets_changed

# Search reads text through the cache's spans; a title written with YAML
# escapes by hand is not where the spans would say, and is still found.
# c has not changed since the first wait: it is in both caches.
sd -C "$r" list >/dev/null 2>&1
sed -i 's/^title: Mailbox full$/title: "Mailbox \\u0066ull"/' "$r/$(tpath "$c")"
tickets_changed
expect_exit "escaped title: search" 0 sd -C "$r" search 'mailbox full' --format '%(title)'
expect_out "escaped title: found" "Mailbox full"
sleep 2.2
sd -C "$r" list >/dev/null 2>&1
expect_exit "escaped title, cached: search" 0 sd -C "$r" search 'box ful' --format '%(title)'
expect_out "escaped title, cached: found" "Mailbox full"
same_as_without_cache "escaped title"

# A broken file is reported every time, cached or not, and hides nothing.
sd -C "$r" list >/dev/null 2>&1
printf -- '---\nid: [\n' >"$r/$(tpath "$b")"
expect_exit "broken file: list" 1 sd -C "$r" list --all --format '%(title)'
expect_err_has "broken file: reported" "skipping"
expect_out_has "broken file: the others listed" "Printer jams"
expect_exit "broken file again: list" 1 sd -C "$r" list --all --format '%(title)'
expect_err_has "broken file again: reported" "skipping"
git -C "$r" checkout -q HEAD -- "$(tpath "$b")"

# Readers racing a writer never see a half-written cache: every one of
# them prints a whole list.
want=$(sd -C "$r" list --all --format '%(id)' | sort)
pids=()
for i in 1 2 3 4 5 6; do
	(for k in 1 2 3; do sd -C "$r" list --all --format '%(id)' | sort >"$tmp/reader.$i.$k"; done) &
	pids+=($!)
	(rm -f "$cache"; sd -C "$r" list >/dev/null 2>&1) &
	pids+=($!)
done
wait "${pids[@]}"
bad=0
for f in "$tmp"/reader.*; do
	[ "$(cat "$f")" = "$want" ] || bad=$((bad + 1))
done
expect_eq "concurrent readers and writers: every list whole" 0 "$bad"
expect_eq "no temporary cache files left" "" "$(ls "$r/.git/sd" | grep -Ev '^(cache|texts)$' | grep -E 'cache|texts' || true)"

# The cache is private: never committed, never shown as untracked.
git -C "$r" checkout -q HEAD -- tickets
expect_clean "cache not in git status" "$r"
fsck_ok "cache" "$r"
finish
