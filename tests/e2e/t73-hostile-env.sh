#!/bin/bash
# SPDX-License-Identifier: MIT
# Hostile surroundings: ticket paths that are symlinks or not ids, file
# names that differ only in case, a symlinked tickets/ directory, a
# read-only or full file system, git's lock files, damaged caches, odd
# repositories (no commits, detached HEAD, shallow clone), and shell
# syntax in commands and fields.
#
# Whatever sd refuses, it refuses with a message saying what is wrong:
# exit 2 when the store or the input is at fault, 128 when the system is
# (a full disk or a read-only file system, as sd(1) says). A refused
# command changes nothing: the tickets' bytes, the index and HEAD stay
# as they were, git fsck and sd check stay clean, and nothing outside
# the store is read as a ticket or written. The cases that need a mount
# namespace (unshare -rm) are skipped, visibly, where there is none.
. "$(dirname "$0")/lib.sh"

# state DIR: what a refused command must leave as it was: every path
# under tickets/ with its type and link target, the files' contents, the
# index entries and HEAD. (git status may rewrite the index's stat data,
# so the entries are compared, not the index file.)
state() {
	(
		cd "$1" || exit
		find tickets \( -type f -o -type l -o -type d \) -printf '%y %p %l\n' | sort
		find tickets -type f -print0 | sort -z | xargs -0 -r sha1sum
	) 2>&1
	git -C "$1" ls-files --stage 2>&1
	head_of "$1"
}
expect_state() { expect_eq "$1: tickets, index and HEAD unchanged" "$3" "$(state "$2")"; }

# tree_sum DIR: the names, types and contents of everything under DIR
# (outside the store): it must never change.
tree_sum() {
	(cd "$1" && find . -printf '%y %p %l\n' | sort && find . -type f -print0 | sort -z | xargs -0 -r sha1sum) 2>&1
}

# An editor that changes the description, and one that changes nothing.
cat >"$tmp/ed-append" <<'EOF'
#!/bin/sh
for f; do :; done
sed -i 's/^Written outside sd\.$/Edited./; s/^It jams\.$/It jams. Edited./' "$f"
EOF
printf '#!/bin/sh\nexit 0\n' >"$tmp/ed-noop"
chmod +x "$tmp/ed-append" "$tmp/ed-noop"

# Mount namespaces: unshare -rm gives a private mount table without
# privileges; unshare -rpf also a pid namespace, whose first process is 1.
HAVE_NS=0
mkdir -p "$tmp/nscheck"
if unshare -rm sh -c 'mount -t tmpfs -o size=64k tmpfs "$1" && mount --bind "$1" "$1" &&
	mount -o remount,ro,bind "$1"' _ "$tmp/nscheck" >/dev/null 2>&1; then
	HAVE_NS=1
fi
HAVE_PIDNS=0
[ "$(unshare -rpf sh -c 'echo $$' 2>/dev/null)" = 1 ] && HAVE_PIDNS=1

# ro_run DIR CMD...: run CMD with DIR bind-mounted read-only over itself
# in a private mount namespace (root could write through chmod).
ro_run() {
	local d=$1
	shift
	unshare -rm sh -c 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" || exit 97
		shift; exec "$@"' _ "$d" "$@"
}

# The cache store is made first: caches are written only for files older
# than two seconds, and the rest of the file gives it that time.
cache_r=$(store cache)
cache_a=$(new_ticket "$cache_r" "Printer jams on floor 3" -m "Paper feed broken." --priority P3)
new_ticket "$cache_r" "VPN drops every hour" -m "Since the update." --priority P2 >/dev/null
cache_c=$(new_ticket "$cache_r" "Mailbox full" -m "Quota reached." --priority P4)
sd -C "$cache_r" comment "$cache_a" -m "Toner is low as well." >/dev/null 2>&1
sd -C "$cache_r" resolve "$cache_c" -m "Quota raised." >/dev/null 2>&1
cache_t0=$SECONDS

# --- 1. ticket files that are symlinks ---------------------------------

# A valid ticket outside the store, and /etc/passwd: if sd followed a link
# to either, it would show or edit it as a ticket.
r=$(store links)
id=$(new_ticket "$r" "Printer jams" -m "It jams.")
mkdir -p "$tmp/outside"
ticket_text zzzzzzzzzzzz "Outside secret" new "Written outside sd." >"$tmp/outside/zzzzzzzzzzzz.md"
mkdir -p "$r/tickets/zz" "$r/tickets/yy" "$r/tickets/xx"
ln -s "$tmp/outside/zzzzzzzzzzzz.md" "$r/tickets/zz/zzzzzzzzzzzz.md"
ln -s /etc/passwd "$r/tickets/xx/xxxxxxxxxxxx.md"
# ... and a link to another ticket of the store, under an id of its own.
ln -s "../${id:0:2}/$id.md" "$r/tickets/yy/yyyyyyyyyyyy.md"
commit_all "$r" "symlinks arrive with a pull"
outside_before=$(tree_sum "$tmp/outside")
passwd_before=$(sha1sum /etc/passwd)
before=$(state "$r")
for l in zzzzzzzzzzzz xxxxxxxxxxxx yyyyyyyyyyyy; do
	p=tickets/${l:0:2}/$l.md
	expect_exit "symlinked $p: show" 2 sd -C "$r" show "$l"
	expect_sd_error "symlinked $p: show: message"
	expect_err_has "symlinked $p: show: names the file" "$p"
	_ICASE=1 expect_err_has "symlinked $p: show: says it is a symlink" "symlink"
	expect_exit "symlinked $p: show --json" 2 sd -C "$r" show "$l" --json
	expect_exit "symlinked $p: log" 2 sd -C "$r" log "$l"
	expect_exit "symlinked $p: comment" 2 sd -C "$r" comment "$l" -m "Through the link."
	expect_sd_error "symlinked $p: comment: message"
	expect_exit "symlinked $p: status" 2 sd -C "$r" status "$l" open
	EDITOR=$tmp/ed-append expect_exit "symlinked $p: edit" 2 sd -C "$r" edit "$l"
done
expect_exit "symlinks: list (the others listed, exit 1)" 1 sd -C "$r" list --all --format '%(id) %(title)'
expect_out "symlinks: list shows only the real ticket" "$id Printer jams"
expect_err_has "symlinks: list says which file it skipped" "tickets/zz/zzzzzzzzzzzz.md"
expect_lacks "symlinks: list shows nothing of /etc/passwd" "$ERR" "root:"
expect_exit "symlinks: search finds nothing outside" 1 sd -C "$r" search "Outside secret"
expect_out_empty "symlinks: search prints nothing"
expect_exit "symlinks: check" 1 sd -C "$r" check
for l in zz/zzzzzzzzzzzz yy/yyyyyyyyyyyy xx/xxxxxxxxxxxx; do
	expect_out_has "symlinks: check names tickets/$l.md" "tickets/$l.md"
done
expect_state "symlinks" "$r" "$before"
expect_eq "symlinks: the file outside is untouched" "$outside_before" "$(tree_sum "$tmp/outside")"
expect_eq "symlinks: /etc/passwd is untouched" "$passwd_before" "$(sha1sum /etc/passwd)"
# The real ticket behind a link is still an ordinary ticket.
expect_exit "symlinks: the linked-to ticket takes a comment" 0 sd -C "$r" comment "$id" -m "Direct."
expect_last_commit "symlinks: the comment" "$r" "sd: comment ${id:0:4} \"Printer jams\"" "$(tpath "$id")"
expect_eq "symlinks: the link is still a link to it" "../${id:0:2}/$id.md" "$(readlink "$r/tickets/yy/yyyyyyyyyyyy.md")"

# A shard directory that is a symlink to a directory outside the store
# holding a valid ticket: reading it would show a file that is not in
# the store, writing it would change a file outside the repository.
# Committed first (git keeps the link, so no commit can put a file below
# it), then only in the work tree (made by hand or by another tool).
r=$(store shardlink)
id=$(new_ticket "$r" "Printer jams" -m "It jams.")
mkdir -p "$tmp/outshard"
ticket_text wwwwwwwwwwww "Outside shard" new "Written outside sd." >"$tmp/outshard/wwwwwwwwwwww.md"
ln -s "$tmp/outshard" "$r/tickets/ww"
commit_all "$r" "a symlinked shard arrives with a pull"
outside_before=$(tree_sum "$tmp/outshard")
for how in committed untracked; do
	if [ $how = untracked ]; then
		git -C "$r" rm -q --cached tickets/ww && git -C "$r" commit -q -m "untrack the link"
	fi
	before=$(state "$r")
	expect_exit "symlinked shard ($how): show refuses" 2 sd -C "$r" show wwww
	expect_lacks "symlinked shard ($how): show prints nothing of the file outside" "$OUT" "Outside shard"
	expect_exit "symlinked shard ($how): comment refuses" 2 sd -C "$r" comment wwwwwwwwwwww -m "Through the link."
	expect_sd_error "symlinked shard ($how): comment: message"
	expect_err_has "symlinked shard ($how): comment: names the shard" "tickets/ww"
	expect_eq "symlinked shard ($how): the directory outside is untouched" "$outside_before" "$(tree_sum "$tmp/outshard")"
	expect_state "symlinked shard ($how)" "$r" "$before"
	expect_exit "symlinked shard ($how): list" 0 sd -C "$r" list --all --format '%(title)'
	expect_lacks "symlinked shard ($how): list shows nothing from outside" "$OUT" "Outside shard"
	expect_exit "symlinked shard ($how): check" 1 sd -C "$r" check
	expect_out_has "symlinked shard ($how): check names it" "tickets/ww"
done

# sd writes a ticket through a temporary file beside it, named after its
# pid. A symlink under that name (a pull can bring one) must not redirect
# the write: in a pid namespace sd is pid 1, so the name is known.
if [ $HAVE_PIDNS = 1 ]; then
	r=$(store tmplink)
	id=$(new_ticket "$r" "Printer jams" -m "It jams.")
	echo "precious" >"$tmp/precious"
	for pid in 1 2 3; do
		ln -s "$tmp/precious" "$r/$(tpath "$id").sd-tmp-$pid"
	done
	# The link is removed, not written through, and the comment lands.
	expect_exit "planted temporary symlink: comment" 0 unshare -rpf "$SD" -C "$r" comment "$id" -m "Planted."
	expect_eq "planted temporary symlink: the file it points to is untouched" "precious" "$(cat "$tmp/precious")"
	expect_eq "planted temporary symlink: the ticket is still a regular file" "yes" \
		"$([ -f "$r/$(tpath "$id")" ] && [ ! -L "$r/$(tpath "$id")" ] && echo yes || ls -l "$r/$(tpath "$id")")"
	expect_exit "planted temporary symlink: show" 0 sd -C "$r" show "$id"
	expect_out_has "planted temporary symlink: the comment is in the ticket" "Planted."
else
	skip "planted temporary symlink" "unshare -rpf (user and pid namespaces) not available"
fi

# --- 2. ids and file names with .., / and backslashes --------------------

r=$(store names)
id=$(new_ticket "$r" "Printer jams" -m "It jams.")
printf '{"id":"../../../../%s/IMPORTED","title":"Imported"}\n' "$tmp" >"$tmp/hostile.jsonl"
before=$(state "$r")
outside=$(find "$tmp" -mindepth 1 -maxdepth 1 ! -name '.*' | sort)
for bad in 'a/../b' "../${id:0:2}/$id" '..\..\x' "${id:0:2}\\$id" "$id/" "./$id" "$id/../$id" '%2e%2e%2f'; do
	expect_exit "id '$bad': comment" 2 sd -C "$r" comment "$bad" -m "text"
	expect_sd_error "id '$bad': comment: message"
	expect_err_has "id '$bad': comment: says it is not an id" "is not a ticket id"
done
for verb in "status open" "set priority=P1" "assign bob" "log" "edit"; do
	eval "set -- $verb"
	EDITOR=$tmp/ed-append expect_exit "id '../../etc/passwd': $1" 2 sd -C "$r" "$1" ../../etc/passwd "${@:2}"
	expect_sd_error "id '../../etc/passwd': $1: message"
done
expect_exit "import: a path as id" 2 sd -C "$r" import "$tmp/hostile.jsonl"
expect_err_has "import: names the bad id" "invalid id"
expect_missing "import: nothing written where the id points" "$tmp/IMPORTED.md"
expect_state "hostile ids" "$r" "$before"
expect_eq "hostile ids: nothing new beside the store" "$outside" "$(find "$tmp" -mindepth 1 -maxdepth 1 ! -name '.*' | sort)"
# Files whose names hold .. and backslashes, left by another tool: not
# tickets, named by check, ignored by everything else.
ticket_text "$id" "Stray copy" new "Written outside sd." >"$r/tickets/${id:0:2}/..\\x.md"
mkdir -p "$r/tickets/..\\${id:0:2}"
ticket_text "$id" "Stray copy" new "Written outside sd." >"$r/tickets/..\\${id:0:2}/$id.md"
ticket_text "$id" "Stray copy" new "Written outside sd." >"$r/tickets/${id:0:2}/${id}..md"
commit_all "$r" "stray files"
before=$(state "$r")
expect_exit "stray names: list" 0 sd -C "$r" list --all --format '%(title)'
expect_out "stray names: list shows the ticket once" "Printer jams"
expect_exit "stray names: check" 1 sd -C "$r" check
expect_out_has "stray names: check names ..\\x.md" "tickets/${id:0:2}/..\\x.md"
expect_out_has "stray names: check names the ..\\ directory" "tickets/..\\${id:0:2}"
expect_out_has "stray names: check names ${id}..md" "tickets/${id:0:2}/${id}..md"
strays() { sha1sum "$r/tickets/${id:0:2}/..\\x.md" "$r/tickets/..\\${id:0:2}/$id.md" "$r/tickets/${id:0:2}/${id}..md" 2>&1; }
strays_before=$(strays)
expect_exit "stray names: comment on the real ticket" 0 sd -C "$r" comment "$id" -m "Still fine."
expect_last_commit "stray names: comment" "$r" "sd: comment ${id:0:4} \"Printer jams\"" "$(tpath "$id")"
expect_eq "stray names: the stray files are untouched" "$strays_before" "$(strays)"

# --- 3. file names that differ only in case -----------------------------

# On a case-sensitive file system two files can hold one id. Only the
# lower-case one is the ticket (ids are lower case; a prefix may be given
# in either case); check names the other.
r=$(store case)
id=ab12cd34ef56
put_ticket "$r" "$id" "Printer jams"
ID=${id^^}
sed 's/^title: .*/title: Upper twin/' "$r/$(tpath "$id")" >"$r/tickets/${id:0:2}/$ID.md"
mkdir -p "$r/tickets/${ID:0:2}"
sed 's/^title: .*/title: Upper directory twin/' "$r/$(tpath "$id")" >"$r/tickets/${ID:0:2}/$id.md"
commit_all "$r" "case twins from a case-insensitive clone"
twins() { sha1sum "$r/tickets/${id:0:2}/$ID.md" "$r/tickets/${ID:0:2}/$id.md"; }
twins_before=$(twins)
expect_exit "case twins: list" 0 sd -C "$r" list --all --format '%(id) %(title)'
expect_out "case twins: list shows the ticket once" "$id Printer jams"
expect_exit "case twins: show by upper-case id" 0 sd -C "$r" show "$ID" --json
expect_json "case twins: show reads the lower-case file" "$OUT" 'd["title"]' "Printer jams"
expect_exit "case twins: check" 1 sd -C "$r" check
expect_out_has "case twins: check names the upper-case file" "tickets/${id:0:2}/$ID.md"
expect_out_has "case twins: check names the upper-case directory" "tickets/${ID:0:2}"
expect_exit "case twins: comment by upper-case id" 0 sd -C "$r" comment "$ID" -m "Which file?"
expect_last_commit "case twins: comment" "$r" "sd: comment ${id:0:4} \"Printer jams\"" "$(tpath "$id")"
expect_eq "case twins: the twins are untouched" "$twins_before" "$(twins)"
expect_clean "case twins" "$r"

# --- 4. tickets/ itself a symlink -----------------------------------------

# To a directory outside the repository (say, a shared drive): sd must not
# write there, nor show what is there as the store's tickets unwarned.
r=$(store tlink)
id=$(new_ticket "$r" "Printer jams" -m "It jams.")
mv "$r/tickets" "$tmp/shared-tickets"
ln -s "$tmp/shared-tickets" "$r/tickets"
before=$(state "$r")
outside_before=$(tree_sum "$tmp/shared-tickets")
expect_exit "tickets/ links outside: check" 1 sd -C "$r" check
expect_out_has "tickets/ links outside: check names tickets" "tickets"
run sd -C "$r" list --all
expect_eq "tickets/ links outside: list refuses or warns" "yes" \
	"$({ [ "$RC" = 2 ] || grep -q 'tickets' "$ERR"; } && echo yes || echo "exit $RC, stderr: $(cat "$ERR")")"
expect_exit "tickets/ links outside: new refuses" 2 sd -C "$r" new "Written outside?" -m "x"
expect_sd_error "tickets/ links outside: new: message"
expect_exit "tickets/ links outside: comment refuses" 2 sd -C "$r" comment "$id" -m "Written outside?"
expect_eq "tickets/ links outside: nothing written outside" "$outside_before" "$(tree_sum "$tmp/shared-tickets")"
expect_state "tickets/ links outside" "$r" "$before"

# To a directory inside, committed as a link: git keeps tickets/ as a
# symlink, so a commit of tickets/XX/ID.md cannot be made; the message
# must say that tickets/ is the trouble.
r=$(store tlink-in)
id=$(new_ticket "$r" "Printer jams" -m "It jams.")
mkdir -p "$r/data"
git -C "$r" mv tickets data/tickets
ln -s data/tickets "$r/tickets"
commit_all "$r" "tickets moved, a link left behind"
before=$(state "$r")
expect_exit "tickets/ links inside: comment refuses" 2 sd -C "$r" comment "$id" -m "Where to?"
expect_sd_error "tickets/ links inside: comment: message"
expect_err_has "tickets/ links inside: the message names tickets/" "tickets"
expect_exit "tickets/ links inside: new refuses" 2 sd -C "$r" new "Where to?" -m "x"
expect_state "tickets/ links inside" "$r" "$before"
expect_exit "tickets/ links inside: git fsck" 0 git -C "$r" fsck --strict --no-dangling

# --- 5. a read-only store ---------------------------------------------------

if [ $HAVE_NS = 1 ]; then
	r=$(store readonly)
	id=$(new_ticket "$r" "Printer jams" -m "It jams.")
	SD_NOW=2026-11-23T09:05:00Z sd -C "$r" comment "$id" -m "Have you tried turning it off and on?" >/dev/null
	printf '{"title":"Imported"}\n' >"$tmp/one.jsonl"
	before=$(state "$r")
	for m in "comment $id -m Lost" "new Title -m text" "status $id open" "assign $id bob" \
		"set $id priority=P1" "resolve $id -m done" "edit $id" "import $tmp/one.jsonl"; do
		eval "set -- $m"
		EDITOR=$tmp/ed-append expect_exit "read-only store: $1 fails" 128 ro_run "$r" "$SD" -C "$r" "$@"
		expect_sd_error "read-only store: $1: message"
		_ICASE=1 expect_err_has "read-only store: $1: says the file system is read-only" "read-only file system"
	done
	expect_state "read-only store" "$r" "$before"
	# Reads work and print what they print on a writable store.
	for v in "list --all" "show $id" "show $id --json" "search jams" "log $id" "sla --json" "check"; do
		eval "set -- $v"
		want=$(sd -C "$r" "$@" 2>&1; echo "== $?")
		got=$(ro_run "$r" "$SD" -C "$r" "$@" 2>&1; echo "== $?")
		expect_eq "read-only store: $1 ${2:-} as usual" "$want" "$got"
	done
	# Only the work tree read-only: the objects written are never used.
	expect_exit "read-only tickets/: comment fails" 128 ro_run "$r/tickets" "$SD" -C "$r" comment "$id" -m "Lost?"
	_ICASE=1 expect_err_has "read-only tickets/: says so" "read-only file system"
	expect_exit "read-only tickets/: new fails" 128 ro_run "$r/tickets" "$SD" -C "$r" new "Title" -m "text"
	expect_state "read-only tickets/" "$r" "$before"
	# Only the refs read-only: no lock file exists, so the message must not
	# send the user to remove one.
	expect_exit "read-only refs: comment fails" 128 ro_run "$r/.git/refs" "$SD" -C "$r" comment "$id" -m "Lost?"
	_ICASE=1 expect_err_has "read-only refs: says so" "read-only file system"
	expect_lacks "read-only refs: does not ask to remove a lock file that is not there" "$ERR" "remove that lock file"
	expect_state "read-only refs" "$r" "$before"
	expect_exit "read-only store: writable again, comment works" 0 sd -C "$r" comment "$id" -m "Back."
	fsck_ok "read-only store" "$r"
else
	skip "read-only store" "unshare -rm (user and mount namespaces) not available"
fi

# --- 6. a full disk ---------------------------------------------------------

# One namespace per command kind: a 1 MiB tmpfs, and for each KB in the
# list a fresh store on it with a 3 KB ticket, the disk filled up to KB
# kilobytes, then the command. At some levels a ticket, object, ref or
# index write runs out of space halfway. Each level prints "KB RC" and
# whatever went wrong; stderr of each run is kept in $tmp/full-out.
cat >"$tmp/full.sh" <<'EOF'
SD=$1 D=$2 O=$3 verb=$4
shift 4
mount -t tmpfs -o size=1m tmpfs "$D" || exit 97
pad=$(head -c 3000 /dev/zero | tr '\0' y)
for kb in "$@"; do
	rm -rf "$D/s" "$D/fill"
	"$SD" init "$D/s" >/dev/null 2>&1
	id=$("$SD" -C "$D/s" new "Full disk" -m "It fills up." 2>/dev/null)
	"$SD" -C "$D/s" comment "$id" -m "$pad" >/dev/null 2>&1
	f=$D/s/tickets/${id:0:2}/$id.md
	cp "$f" "$O/before.md"
	head=$(git -C "$D/s" rev-parse HEAD)
	st=$(git -C "$D/s" status --porcelain --untracked-files=all)
	n=$(find "$D/s/tickets" -type f | wc -l)
	dd if=/dev/zero of="$D/fill" bs=4k 2>/dev/null
	truncate -s -$((kb * 1024)) "$D/fill"
	case $verb in
	comment) "$SD" -C "$D/s" comment "$id" -m "Written with $kb KB free. $pad" ;;
	new) "$SD" -C "$D/s" new "Written with $kb KB free" -m "$pad" ;;
	status) "$SD" -C "$D/s" status "$id" open -m "Written with $kb KB free." ;;
	esac >"$O/$verb-$kb.out" 2>"$O/$verb-$kb.err"
	rc=$?
	rm -f "$D/fill"
	bad=""
	now=$(git -C "$D/s" rev-parse HEAD)
	if [ $rc = 0 ]; then
		[ "$(git -C "$D/s" rev-list --count "$head..HEAD")" = 1 ] || bad="$bad; succeeded without exactly one commit"
		git -C "$D/s" grep -q "Written with $kb KB free" HEAD -- tickets || bad="$bad; succeeded, text not in HEAD"
	elif [ "$now" != "$head" ]; then
		grep -q committed "$O/$verb-$kb.err" || bad="$bad; exit $rc, HEAD moved, not said"
	else
		[ $rc = 128 ] || bad="$bad; exit $rc"
		grep -q 'No space left on device' "$O/$verb-$kb.err" || bad="$bad; message does not say the disk is full"
		grep -q 'committed' "$O/$verb-$kb.err" && bad="$bad; says committed, HEAD did not move"
		cmp -s "$O/before.md" "$f" || bad="$bad; ticket file changed"
		[ "$(find "$D/s/tickets" -type f | wc -l)" = "$n" ] || bad="$bad; ticket files added or removed"
		[ "$(git -C "$D/s" status --porcelain --untracked-files=all)" = "$st" ] || bad="$bad; git status changed"
	fi
	left=$(cd "$D/s" && find . -name '*.sd-tmp-*' -o -name '*.lock' -o -name 'tmp_obj*' | tr '\n' ' ')
	[ -z "$left" ] || bad="$bad; left behind: $left"
	git -C "$D/s" fsck --strict --no-dangling >/dev/null 2>&1 || bad="$bad; git fsck fails"
	out=$("$SD" -C "$D/s" check 2>&1) && [ -z "$out" ] || bad="$bad; sd check: $out"
	"$SD" -C "$D/s" comment "$id" -m "After." >/dev/null 2>&1 || bad="$bad; the next comment fails"
	[ -z "$(git -C "$D/s" status --porcelain --untracked-files=all)" ] || bad="$bad; not clean after the next comment"
	echo "$kb $rc$bad"
done
EOF
if [ $HAVE_NS = 1 ]; then
	mkdir -p "$tmp/full" "$tmp/full-out"
	levels="0 4 8 12 16 20 24 28 32 36 40 48 64"
	for verb in comment new status; do
		# shellcheck disable=SC2086
		unshare -rm bash "$tmp/full.sh" "$SD" "$tmp/full" "$tmp/full-out" "$verb" $levels >"$tmp/full-$verb.txt" 2>&1
		expect_eq "full disk, $verb: one line per fill level" "$(echo $levels | wc -w)" \
			"$(grep -cE '^[0-9]+ [0-9]+' "$tmp/full-$verb.txt")"
		expect_eq "full disk, $verb: refused cleanly or done at every fill level" "" \
			"$(grep -E '^[0-9]+ [0-9]+;' "$tmp/full-$verb.txt" | sed 's/^/KB free, exit: /')"
		expect_eq "full disk, $verb: the levels reach from failure to success" "yes" \
			"$(grep -qE '^[0-9]+ 128' "$tmp/full-$verb.txt" && grep -qE '^[0-9]+ 0' "$tmp/full-$verb.txt" && echo yes ||
				cat "$tmp/full-$verb.txt")"
		expect_eq "full disk, $verb: exit 128 when nothing is free" "0 128" "$(head -n 1 "$tmp/full-$verb.txt")"
		expect_match "full disk, $verb: the message says the disk is full" "$tmp/full-out/$verb-0.err" \
			'^sd: .*No space left on device'
	done
else
	skip "full disk" "unshare -rm (user and mount namespaces) not available"
fi

# --- 7. lock files ----------------------------------------------------------

# sd's own stale lock (dead pid) is t74's, a live one t75's; an index.lock
# is t42's. Here: git's lock on the branch, which git leaves when killed.
r=$(store locks)
id=$(new_ticket "$r" "Printer jams" -m "It jams.")
before=$(state "$r")
: >"$r/.git/refs/heads/main.lock"
expect_exit "branch lock held: comment fails" 128 sd -C "$r" comment "$id" -m "Held."
expect_sd_error "branch lock held: message"
expect_err_has "branch lock held: names the lock" "refs/heads/main.lock"
expect_err_has "branch lock held: says how to fix it" "remove that lock file"
expect_state "branch lock held" "$r" "$before"
rm -f "$r/.git/refs/heads/main.lock"
# A held index.lock: sd commits, says so and how to finish, and the next
# change after the lock is gone brings the index up to HEAD.
: >"$r/.git/index.lock"
# The comment lands, so sd succeeds (a retry would add it twice) and warns.
expect_exit "index.lock held: comment" 0 sd -C "$r" comment "$id" -m "Index held."
expect_err_has "index.lock held: a warning" "sd: warning: "
expect_lacks "index.lock held: no text kept for a retry" "$ERR" "was kept"
expect_err_has "index.lock held: says the change was committed" "committed"
expect_err_has "index.lock held: says to remove the lock" "remove it"
expect_eq "index.lock held: the comment is in HEAD once" 1 \
	"$(git -C "$r" show "HEAD:$(tpath "$id")" | grep -c '^Index held\.$')"
rm -f "$r/.git/index.lock"
expect_exit "index.lock released: next comment" 0 sd -C "$r" comment "$id" -m "Released."
expect_clean "index.lock released" "$r"
fsck_ok "locks" "$r"

# --- 9. odd repositories ----------------------------------------------------

# A bare git init: not a store; every command says to run sd init, and
# nothing is created.
git init -q "$tmp/plain"
for c in "list" "check" "new Title -m x"; do
	eval "set -- $c"
	expect_exit "git init only: $1" 2 sd -C "$tmp/plain" "$@"
	expect_err_has "git init only: $1: says to run sd init" "sd init"
done
expect_missing "git init only: no tickets/ made" "$tmp/plain/tickets"
expect_eq "git init only: no commit made" none "$(head_of "$tmp/plain")"

# A store not committed yet (config written by hand, branch unborn): reads
# work, sync says what is wrong, and the first ticket is the first commit.
r=$tmp/unborn
git init -q "$r"
mkdir -p "$r/.sd" "$r/tickets"
cp "$tmp/links/.sd/config.yaml" "$r/.sd/"
: >"$r/tickets/.gitkeep"
expect_exit "unborn branch: list" 0 sd -C "$r" list
expect_out_empty "unborn branch: list is empty"
expect_exit "unborn branch: check" 0 sd -C "$r" check
expect_exit "unborn branch: sync" 2 sd -C "$r" sync
expect_sd_error "unborn branch: sync: message"
expect_lacks "unborn branch: sync does not call HEAD detached" "$ERR" "detached"
id=$(new_ticket "$r" "First ticket" -m "x")
expect_eq "unborn branch: new makes the first commit" 1 "$(commit_count "$r")"
expect_last_commit "unborn branch: new" "$r" "sd: new ${id:0:4} \"First ticket\"" "$(tpath "$id")"
expect_exit "unborn branch: log" 0 sd -C "$r" log "$id"
expect_out_has "unborn branch: log shows the first commit" "sd: new ${id:0:4}"

# A detached HEAD: sd commits on it as git commit does, and leaves the
# branch alone; sync, which needs a branch, says so.
r=$(store detached)
id=$(new_ticket "$r" "Printer jams" -m "It jams.")
main=$(git -C "$r" rev-parse main)
git -C "$r" checkout -q --detach HEAD
expect_exit "detached HEAD: comment" 0 sd -C "$r" comment "$id" -m "Detached."
expect_eq "detached HEAD: one commit on HEAD" "$main" "$(git -C "$r" rev-parse HEAD~1)"
expect_eq "detached HEAD: main unchanged" "$main" "$(git -C "$r" rev-parse main)"
expect_exit "detached HEAD: still detached" 1 git -C "$r" symbolic-ref -q HEAD
expect_clean "detached HEAD" "$r"
expect_exit "detached HEAD: sync" 2 sd -C "$r" sync
expect_sd_error "detached HEAD: sync: message"
expect_err_has "detached HEAD: sync says to check out a branch" "branch"
fsck_ok "detached HEAD" "$r"

# A shallow clone: reads as in a full clone; log shows what history there
# is (git log shows the commit at the graft boundary, so must sd);
# mutations and sync work.
r=$(store deep)
id=$(new_ticket "$r" "Printer jams" -m "It jams.")
for i in 1 2 3; do SD_NOW=2026-11-23T09:1$i:00Z sd -C "$r" comment "$id" -m "Comment $i." >/dev/null; done
git clone -q --bare "$r" "$tmp/deep.git"
git clone -q --depth 1 "file://$tmp/deep.git" "$tmp/shallow"
expect_exists "shallow clone: is shallow" "$tmp/shallow/.git/shallow"
s=$tmp/shallow
for v in "list --all" "show $id --json" "sla --json" "search comment"; do
	eval "set -- $v"
	expect_eq "shallow clone: $1 as in the full clone" "$(sd -C "$r" "$@" 2>&1)" "$(sd -C "$s" "$@" 2>&1)"
done
expect_exit "shallow clone: log" 0 sd -C "$s" log "$id"
expect_eq "shallow clone: log lists the commits git log lists" \
	"$(git -C "$s" log --abbrev=7 --format=%h -- "$(tpath "$id")" | sort)" \
	"$(sed -n 's/.*commit \([0-9a-f]\{7\}\) .*/\1/p' "$OUT" | sort)"
expect_exit "shallow clone: comment" 0 sd -C "$s" comment "$id" -m "From the shallow clone."
expect_exit "shallow clone: sync" 0 sd -C "$s" sync
expect_eq "shallow clone: the comment reached the remote" 1 \
	"$(git -C "$tmp/deep.git" show "HEAD:$(tpath "$id")" | grep -c '^From the shallow clone\.$')"
# The remote had not moved: a push of the new commit, no merge.
expect_eq "shallow clone: sync fast-forwards the remote" "sd: comment ${id:0:4} \"Printer jams\"" \
	"$(git -C "$tmp/deep.git" log -1 --format=%s)"
expect_exit "shallow clone: log after sync" 0 sd -C "$s" log "$id"
expect_out_has "shallow clone: log shows the new comment" "From the shallow clone."
fsck_ok "shallow clone" "$s"

# --- 10. nothing is passed to a shell -----------------------------------

# sd(1): "The editor and pager commands are split on white space into a
# program and its arguments; they are never run through a shell."
r=$(store shell)
id=$(new_ticket "$r" "Printer jams" -m "It jams.")
mkdir -p "$tmp/my bin"
cp "$tmp/ed-append" "$tmp/my bin/my editor"
before=$(state "$r")
# A path with a space is two words: the program "$tmp/my" does not exist.
EDITOR="$tmp/my bin/my editor" expect_exit "EDITOR path with a space: split" 2 sd -C "$r" edit "$id"
expect_err_has "EDITOR path with a space: names the program it tried" "'$tmp/my'"
expect_state "EDITOR path with a space" "$r" "$before"
# Quotes group words, as in sh (how to name such an editor; see the report).
EDITOR="'$tmp/my bin/my editor'" expect_exit "EDITOR path with a space, quoted" 0 sd -C "$r" edit "$id"
expect_exit "EDITOR quoted: show" 0 sd -C "$r" show "$id" --json
expect_json "EDITOR quoted: the editor ran" "$OUT" 'd["description"]' "It jams. Edited."
before=$(state "$r")
# "touch X;" is the program touch with the argument "X;", not a command list.
EDITOR="touch $tmp/pwned;" expect_exit "EDITOR 'touch X;': runs touch with X; as its argument" 0 sd -C "$r" edit "$id"
expect_exists "EDITOR 'touch X;': the argument is the word X;" "$tmp/pwned;"
expect_missing "EDITOR 'touch X;': no shell made X" "$tmp/pwned"
# Where the first word names no program ("noop|touch", "`touch") the
# editor cannot start: exit 2, saying so; elsewhere ed-noop runs with the
# rest as its arguments and changes nothing: exit 0.
n=0
for case in "2 $tmp/ed-noop|touch $tmp/pw-pipe" "0 $tmp/ed-noop && touch $tmp/pw-and" \
	"2 \`touch $tmp/pw-tick\`" "0 $tmp/ed-noop
touch $tmp/pw-nl" "0 $tmp/ed-noop \$(touch $tmp/pw-sub)" "0 $tmp/ed-noop >$tmp/pw-redir"; do
	n=$((n + 1))
	EDITOR=${case#* } expect_exit "EDITOR with shell syntax ($n)" "${case%% *}" sd -C "$r" edit "$id"
	if [ "${case%% *}" = 2 ]; then
		expect_err_has "EDITOR with shell syntax ($n): says it cannot run it" "cannot run editor"
	fi
done
for f in pw-pipe pw-and pw-tick pw-nl pw-sub pw-redir; do
	expect_missing "EDITOR with shell syntax: no $f" "$tmp/$f"
done
expect_state "EDITOR with shell syntax" "$r" "$before"
# GIT_EDITOR is git's: sd(1) names only VISUAL and EDITOR.
printf '#!/bin/sh\ntouch %s/git-editor-ran\n' "$tmp" >"$tmp/git-editor"
chmod +x "$tmp/git-editor"
GIT_EDITOR=$tmp/git-editor EDITOR=$tmp/ed-noop expect_exit "GIT_EDITOR: not used" 0 sd -C "$r" edit "$id"
expect_missing "GIT_EDITOR: not run" "$tmp/git-editor-ran"

# The pager (SD_PAGER, PAGER) on a terminal. t45 covers ';' and '$()'.
if command -v script >/dev/null 2>&1; then
	printf '#!/bin/sh\ntouch %s/pager-ran\ncat\n' "$tmp" >"$tmp/my bin/my pager"
	chmod +x "$tmp/my bin/my pager"
	env SD_PAGER="$tmp/my bin/my pager" script -qec "$SD -C $r list" /dev/null >"$OUT" 2>&1
	expect_missing "SD_PAGER path with a space: not run as one program" "$tmp/pager-ran"
	expect_out_has "SD_PAGER that cannot run: the output is still shown" "Printer jams"
	env SD_PAGER="'$tmp/my bin/my pager'" script -qec "$SD -C $r list" /dev/null >"$OUT" 2>&1
	expect_exists "SD_PAGER path with a space, quoted: run" "$tmp/pager-ran"
	n=0
	for p in "cat|touch $tmp/pg-pipe" "cat - && touch $tmp/pg-and" "\`touch $tmp/pg-tick\`" "cat - >$tmp/pg-redir"; do
		n=$((n + 1))
		env -u SD_PAGER PAGER="$p" script -qec "$SD -C $r list" /dev/null >"$OUT" 2>&1
		expect_out_has "PAGER with shell syntax ($n): output shown" "Printer jams"
	done
	for f in pg-pipe pg-and pg-tick pg-redir; do
		expect_missing "PAGER with shell syntax: no $f" "$tmp/$f"
	done
else
	skip "pager with shell syntax" "script(1) not available"
fi

# Shell syntax in every field round-trips exactly and runs nothing.
M="\$(touch $tmp/f1) \`touch $tmp/f2\`; touch $tmp/f3 | cat && echo \"q\" 's' >$tmp/f4 <x \$HOME \${IFS} * ~ ! # % \\"
T="\$(touch\${IFS}$tmp/f5)\`id\`;|&&\"'<>*?~!#%^\\"
printf '%s\n%s\n' "$M" "second line \$(touch $tmp/f6)" >"$tmp/text"
r=$(store fields)
expect_exit "fields: new" 0 sd -C "$r" new "T $M" -F "$tmp/text" \
	--category "c $M" --queue "q $M" --assignee "a $M" --requester "r $M" --tag "$T" --asset "as $M" --key "k $M"
id=$(<"$OUT")
expect_eq "fields: commit subject holds the title as given" "sd: new ${id:0:4} \"T $M\"" "$(git -C "$r" log -1 --format=%s)"
# An author's name may hold shell syntax, but not '<' or '>' (t98).
MA=${M//[<>]/}
SD_AUTHOR="Eve $MA <eve@example.com>" expect_exit "fields: comment by an author with shell syntax" 0 sd -C "$r" comment "$id" -F "$tmp/text"
expect_exit "fields: status with a reason" 0 sd -C "$r" status "$id" open -m "why $M"
expect_exit "fields: assign" 0 sd -C "$r" assign "$id" "b $M"
expect_exit "fields: show --json" 0 sd -C "$r" show "$id" --json
cp "$OUT" "$tmp/f.json"
expect_json "fields: title" "$tmp/f.json" 'd["title"]' "T $M"
for f in category queue requester key; do
	expect_json "fields: $f" "$tmp/f.json" "d[\"$f\"]" "${f:0:1} $M"
done
expect_json "fields: asset" "$tmp/f.json" 'd["asset"]' "as $M"
expect_json "fields: assignee" "$tmp/f.json" 'd["assignee"]' "b $M"
expect_json "fields: tag" "$tmp/f.json" 'd["tags"][0]' "$T"
expect_json_text "fields: description" "$tmp/f.json" 'd["description"]' "$tmp/text"
expect_json_text "fields: comment" "$tmp/f.json" '[e["body"] for e in d["timeline"] if e["kind"] == "comment"][0]' "$tmp/text"
expect_json "fields: status reason" "$tmp/f.json" '[e["reason"] for e in d["timeline"] if e.get("field") == "status"][0]' "why $M"
expect_json "fields: comment author" "$tmp/f.json" '[e["author"] for e in d["timeline"] if e["kind"] == "comment"][0]' "Eve $MA <eve@example.com>"
for f in f1 f2 f3 f4 f5 f6; do
	expect_missing "fields: nothing ran ($f)" "$tmp/$f"
done
fsck_ok "fields" "$r"

# The merge driver is the one command git runs through sh: sd registers
# its own path quoted for sh, so a path with quotes, spaces and $(...)
# still merges and runs nothing else. (git runs it in the work tree.)
odd="$tmp/bin dir/s'd \$(touch d1);\`touch d2\`"
mkdir -p "$tmp/bin dir"
cp "$SD" "$odd"
r=$tmp/driver
expect_exit "odd binary path: init" 0 "$odd" init "$r"
id=$("$odd" -C "$r" new "Printer jams" -m "It jams." 2>/dev/null)
git -C "$r" checkout -q -b side
SD_NOW=2026-11-23T09:05:00Z "$odd" -C "$r" comment "$id" -m "On side." >/dev/null 2>&1
git -C "$r" checkout -q main
SD_NOW=2026-11-23T09:06:00Z "$odd" -C "$r" comment "$id" -m "On main." >/dev/null 2>&1
expect_exit "odd binary path: git merge runs the driver" 0 git -C "$r" merge -q --no-edit side
expect_exit "odd binary path: show" 0 "$odd" -C "$r" show "$id" --json
expect_json "odd binary path: both comments merged" "$OUT" \
	'[e["body"] for e in d["timeline"] if e["kind"] == "comment"]' '["On side.", "On main."]'
expect_missing "odd binary path: no \$() ran" "$r/d1"
expect_missing "odd binary path: no backticks ran" "$r/d2"

# --- 8. damaged caches --------------------------------------------------------

# t41 covers a garbage, flipped, truncated, empty, directory and symlinked
# summary cache and a flipped or truncated texts cache. Here: what random
# bytes, a valid header over a random body, a huge entry count, a cache of
# the other kind and an empty or symlinked texts cache do; output must be
# what it is with no cache at all.
r=$cache_r
cache=$r/.git/sd/cache
texts=$r/.git/sd/texts
views() {
	local v
	for v in "list --all --json" "search toner --format '%(id):%(title)'" "search 'paper feed'" "sla --json"; do
		eval "sd -C \"\$r\" $v" 2>&1
		echo "== $?"
	done
}
while [ $((SECONDS - cache_t0)) -lt 3 ]; do sleep 0.5; done
rm -f "$cache" "$texts"
want=$(views)
views >/dev/null
expect_eq "caches written" "sd-cache sd-texts" "$(head -c 8 "$cache" 2>&1) $(head -c 8 "$texts" 2>&1)"
cp "$cache" "$tmp/cache.good"
cp "$texts" "$tmp/texts.good"
# damage NAME FILE HOW: both caches good again, then FILE replaced by what
# the command HOW prints ($G names the good copy of FILE).
damage() {
	local good=$tmp/cache.good
	[ "$2" = "$texts" ] && good=$tmp/texts.good
	cp "$tmp/cache.good" "$cache"
	cp "$tmp/texts.good" "$texts"
	rm -f "$2"
	# shellcheck disable=SC2034 # used by the eval'd HOW
	G=$good
	eval "$3" </dev/null >"$2"
	expect_eq "damaged cache ($1): output as without cache" "$want" "$(views)"
}
size_c=$(stat -c %s "$tmp/cache.good")
size_t=$(stat -c %s "$tmp/texts.good")
for f in "$cache" "$texts"; do
	k=${f##*/}
	s=$size_c
	[ "$f" = "$texts" ] && s=$size_t
	damage "$k: empty" "$f" ":"
	damage "$k: random bytes" "$f" "head -c $s /dev/urandom"
	damage "$k: magic, then random bytes" "$f" '{ head -c 8 "$G"; head -c $((s - 8)) /dev/urandom; }'
	damage "$k: header, then random bytes" "$f" '{ head -c 64 "$G"; head -c $((s - 64)) /dev/urandom; }'
	damage "$k: the header alone" "$f" 'head -c 64 "$G"'
	damage "$k: one byte short of the header" "$f" 'head -c 63 "$G"'
	damage "$k: 4 KiB of junk appended" "$f" '{ cat "$G"; head -c 4096 /dev/urandom; }'
	# The entry count is the header's fifth field, at byte 24.
	damage "$k: entry count 2^64-1" "$f" \
		'{ head -c 24 "$G"; printf "\377\377\377\377\377\377\377\377"; tail -c +33 "$G"; }'
	damage "$k: entry count 1" "$f" \
		'{ head -c 24 "$G"; printf "\001\000\000\000\000\000\000\000"; tail -c +33 "$G"; }'
done
damage "cache: holding the texts cache" "$cache" 'cat "$tmp/texts.good"'
cp "$tmp/cache.good" "$cache"
rm -f "$texts" && mkdir "$texts"
expect_eq "texts cache a directory: output as without cache" "$want" "$(views)"
rmdir "$texts" 2>/dev/null || rm -rf "$texts"
echo "not a cache" >"$tmp/precious-texts"
ln -s "$tmp/precious-texts" "$texts"
expect_eq "texts cache a symlink: output as without cache" "$want" "$(views)"
expect_eq "texts cache a symlink: its target untouched" "not a cache" "$(cat "$tmp/precious-texts")"
rm -f "$texts"
# Both damaged at once.
head -c "$size_c" /dev/urandom >"$cache"
: >"$texts"
expect_eq "both caches damaged: output as without cache" "$want" "$(views)"
expect_eq "both caches rebuilt" "sd-cache sd-texts" "$(head -c 8 "$cache") $(head -c 8 "$texts")"
expect_clean "damaged caches" "$r"

finish
