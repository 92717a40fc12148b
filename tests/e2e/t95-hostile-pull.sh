#!/bin/bash
# SPDX-License-Identifier: MIT
# A pull brings somebody else's trees. Trees git itself refuses to make
# ("invalid path"), written with hash-object --literally, must not make
# sd write outside the work tree or into .git: sd pull and sd sync refuse
# them with exit 2, naming the commit and the path, and change nothing.
# Also the merge driver (only ticket paths) and sd import (only ids).
. "$(dirname "$0")/lib.sh"

export GIT_AUTHOR_NAME=Mallory GIT_AUTHOR_EMAIL=m@example.com
export GIT_COMMITTER_NAME=Mallory GIT_COMMITTER_EMAIL=m@example.com

r=$(store origin)
id=$(new_ticket "$r" "Printer jams")
shard=${id:0:2}
R=$tmp/remote.git
git clone -q --bare "$r" "$R"
base=$(git -C "$R" rev-parse HEAD)

# --- building trees as an attacker would ------------------------------

# blob TEXT: a blob in the remote, its id.
blob() { printf '%s' "$1" | git -C "$R" hash-object -w --stdin; }

# tree 'MODE|NAME|ID'...: a tree of exactly these entries (in git's order,
# so that only the names are hostile), written without git's checks.
tree() {
	local e mode name oid
	for e in "$@"; do
		IFS='|' read -r mode name oid <<<"$e"
		if [ "$mode" = 40000 ]; then
			printf '%s/|%s\n' "$name" "$e"
		else
			printf '%s|%s\n' "$name" "$e"
		fi
	done | LC_ALL=C sort -t '|' -k1,1 | while IFS='|' read -r _ mode name oid; do
		printf '%s %s\0' "$mode" "$name"
		printf "$(printf '%s' "$oid" | sed 's/../\\x&/g')"
	done | git -C "$R" hash-object -t tree --literally -w --stdin
}

# entries TREE-ISH: the entries of a tree of the remote, for tree().
entries() {
	git -C "$R" ls-tree "$1" | while IFS=$'\t' read -r info name; do
		set -- $info
		echo "${1#0}|$name|$3"
	done
}

# hostile_commit PARENT ROOT-TREE: a commit on top of PARENT.
hostile_commit() { git -C "$R" commit-tree -p "$1" -m "tickets, honestly" "$2"; }

# with_tickets PARENT 'MODE|NAME|ID'...: PARENT's tree with these entries
# added to tickets/; with_shard: added to the ticket's shard directory.
with_tickets() {
	local p=$1
	shift
	local t
	t=$(tree $(entries "$p:tickets") "$@")
	tree $(entries "$p" | grep -v '|tickets|') "40000|tickets|$t"
}
with_shard() {
	local p=$1
	shift
	local s t
	s=$(tree $(entries "$p:tickets/$shard") "$@")
	t=$(tree $(entries "$p:tickets" | grep -v "|$shard|") "40000|$shard|$s")
	tree $(entries "$p" | grep -v '|tickets|') "40000|tickets|$t"
}

# --- the victim ---------------------------------------------------------

V=$tmp/victim
git clone -q "$R" "$V"
sd -C "$V" list >/dev/null 2>&1 # registers the merge driver in .git/config
cp "$V/.git/config" "$tmp/config.before"
cp "$V/.git/index" "$tmp/index.before"
vhead=$(head_of "$V")
vstatus=$(gstatus "$V")

# refused NAME TIP CULPRIT PATH: with the remote's main at TIP, sd pull and
# sd sync both refuse, naming CULPRIT and PATH, and nothing changes.
refused() {
	local name=$1 tip=$2 culprit=$3 path=$4 cmd
	git -C "$R" update-ref refs/heads/main "$tip"
	for cmd in pull sync; do
		expect_exit "$name: sd $cmd refuses" 2 sd -C "$V" $cmd
		expect_sd_error "$name: sd $cmd: an sd: message"
		expect_err_has "$name: sd $cmd names the commit" "commit $culprit "
		expect_err_has "$name: sd $cmd names the path" "the path '$path'"
		expect_err_has "$name: sd $cmd says nothing changed" "nothing was changed"
		expect_eq "$name: sd $cmd: one line" 1 "$(wc -l <"$ERR")"
	done
	expect_unchanged "$name" "$V" "$vhead" "$vstatus"
	expect_file_eq "$name: .git/config unchanged" "$tmp/config.before" "$V/.git/config"
	expect_file_eq "$name: index unchanged" "$tmp/index.before" "$V/.git/index"
	expect_missing "$name: nothing written outside" "$tmp/OUTSIDE.txt"
	expect_missing "$name: no file beside tickets/" "$V/OUTSIDE.txt"
}

# The attack: tickets/../../OUTSIDE.txt, which a fast-forward wrote
# beside the repository.
out=$(tree "100644|OUTSIDE.txt|$(blob pwned)")
up=$(tree "40000|..|$out")
c=$(hostile_commit "$base" "$(with_tickets "$base" "40000|..|$up")")
refused "tickets/../../OUTSIDE.txt" "$c" "$c" "tickets/.."

# The same in two steps aimed at .git/config: first a copy of it as it
# is (so the write changes nothing and passes), then the copy with a
# core.fsmonitor command that the next git status would run.
cfg=$(tree "100644|config|$(blob "$(cat "$V/.git/config")
")")
step1=$(hostile_commit "$base" "$(with_tickets "$base" "40000|..|$(tree "40000|.git|$cfg")")")
evil_cfg=$(tree "100644|config|$(blob "$(cat "$V/.git/config")
[core]
	fsmonitor = touch $tmp/PWNED
")")
step2=$(hostile_commit "$step1" "$(with_tickets "$base" "40000|..|$(tree "40000|.git|$evil_cfg")")")
refused ".git/config, step 1" "$step1" "$step1" "tickets/.."
refused ".git/config, step 2" "$step2" "$step1" "tickets/.."
git -C "$V" status >/dev/null 2>&1
expect_missing ".git/config: no command ran" "$tmp/PWNED"

# Entries git refuses by name, inside tickets/.
c=$(hostile_commit "$base" "$(with_tickets "$base" "40000|.git|$cfg")")
refused "tickets/.git" "$c" "$c" "tickets/.git"
c=$(hostile_commit "$base" "$(with_tickets "$base" "40000|.GIT|$evil_cfg")")
refused "tickets/.GIT" "$c" "$c" "tickets/.GIT"
c=$(hostile_commit "$base" "$(with_tickets "$base" "40000|..\\|$out")")
refused "tickets/..\\" "$c" "$c" "tickets/..\\"
c=$(hostile_commit "$base" "$(with_shard "$base" "40000|..|$up")")
refused "tickets/XX/../../x" "$c" "$c" "tickets/$shard/.."

# A symlink, a submodule and a directory where a ticket file belongs.
fake=${shard}zzzzzzzzzz
c=$(hostile_commit "$base" "$(with_shard "$base" "120000|$fake.md|$(blob ../../.git/config)")")
refused "a symlink in tickets/" "$c" "$c" "tickets/$shard/$fake.md"
expect_err_has "a symlink: says so" "a symlink under tickets/"
c=$(hostile_commit "$base" "$(with_shard "$base" "160000|$fake.md|$base")")
refused "a submodule in tickets/" "$c" "$c" "tickets/$shard/$fake.md"
expect_err_has "a submodule: says so" "a submodule under tickets/"
c=$(hostile_commit "$base" "$(with_shard "$base" "40000|$fake.md|$out")")
refused "a directory for a ticket file" "$c" "$c" "tickets/$shard/$fake.md"
# tickets itself as a symlink to .git.
c=$(hostile_commit "$base" "$(tree $(entries "$base" | grep -v '|tickets|') "120000|tickets|$(blob .git)")")
refused "tickets as a symlink" "$c" "$c" "tickets"

# A name that would draw on the terminal is shown inert.
c=$(hostile_commit "$base" "$(with_tickets "$base" "100644|$(printf 'a\033[2J\rsd: all fine')|$(blob x)")")
git -C "$R" update-ref refs/heads/main "$c"
expect_exit "a name with escapes: refused" 2 sd -C "$V" pull
expect_no_esc "a name with escapes: inert" "$ERR"
expect_err_has "a name with escapes: shown escaped" "'tickets/a\\x1b[2J\\x0dsd: all fine'"
expect_unchanged "a name with escapes" "$V" "$vhead" "$vstatus"

# A clone with local commits: refused as well, not wedged: once the
# remote deletes the path in a later commit, sync works again.
git -C "$R" update-ref refs/heads/main "$base"
L=$tmp/local
git clone -q "$R" "$L"
expect_exit "local commits: a comment" 0 sd -C "$L" comment "$id" -m "Local work."
lhead=$(head_of "$L")
c=$(hostile_commit "$base" "$(with_tickets "$base" "40000|..|$up")")
git -C "$R" update-ref refs/heads/main "$c"
expect_exit "local commits: sd pull refuses" 2 sd -C "$L" pull
expect_err_has "local commits: names the commit" "commit $c "
expect_exit "local commits: sd sync refuses" 2 sd -C "$L" sync
expect_err_has "local commits: names the path" "the path 'tickets/..'"
expect_eq "local commits: HEAD unchanged" "$lhead" "$(head_of "$L")"
expect_clean "local commits" "$L"
expect_missing "local commits: nothing written outside" "$tmp/OUTSIDE.txt"
fixed=$(git -C "$R" commit-tree -p "$c" -m "remove the bad path" "$(git -C "$R" rev-parse "$base^{tree}")")
git -C "$R" update-ref refs/heads/main "$fixed"
expect_exit "local commits: sync after the fix" 0 sd -C "$L" sync
expect_out "local commits: sent the comment" "received 0 tickets, sent 1, merged 0"
expect_contains "local commits: the comment reached the remote" \
	<(git -C "$R" show "main:$(tpath "$id")") "Local work."
expect_exit "victim: pulls after the fix" 0 sd -C "$V" pull
expect_contains "victim: has the comment" "$V/$(tpath "$id")" "Local work."
expect_missing "after the fix: nothing written outside" "$tmp/OUTSIDE.txt"

# The merge driver merges ticket paths only, and sides of that ticket.
m=$tmp/manual
mkdir -p "$m"
t=$(tpath "$id")
git -C "$r" show HEAD:"$t" >"$m/base.md"
cp "$m/base.md" "$m/ours.md"
cp "$m/base.md" "$m/ours.orig"
sed 's/^title: .*/title: Theirs/' "$m/base.md" >"$m/theirs.md"
expect_exit "merge-file: not a ticket path" 1 \
	sd merge-file "$m/base.md" "$m/ours.md" "$m/theirs.md" "tickets/../../x.md"
expect_err_has "merge-file: says why" "not a ticket file"
expect_file_eq "merge-file: ours left as it was" "$m/ours.orig" "$m/ours.md"
other=${shard}yyyyyyyyyy
expect_exit "merge-file: a side of another ticket" 1 \
	sd merge-file "$m/base.md" "$m/ours.md" "$m/theirs.md" "$(tpath "$other")"
expect_err_has "merge-file: another ticket" "is another ticket"
expect_file_eq "merge-file: ours left as it was, again" "$m/ours.orig" "$m/ours.md"
expect_exit "merge-file: the ticket's own path merges" 0 \
	sd merge-file "$m/base.md" "$m/ours.md" "$m/theirs.md" "$t"
expect_match "merge-file: merged" "$m/ours.md" '^title: Theirs$'

# The commit journal names files a killed sd wrote, which the next one
# puts back (here: removes, as new and unchanged); only paths of sd's.
printf 'x\n' >"$tmp/keep.txt"
mkdir -p "$r/.git/sd"
printf '%s %s tickets/../../keep.txt\n' "$(git hash-object "$tmp/keep.txt")" \
	0000000000000000000000000000000000000000 >"$r/.git/sd/commit-journal"
expect_exit "journal: the next change goes on" 0 sd -C "$r" comment "$id" -m "After a journal."
expect_exists "journal: no file outside the store removed" "$tmp/keep.txt"

# sd import makes paths from ids, which must be ids.
printf '{"id":"../../../x","title":"x","requester":"a@example.com"}\n' >"$tmp/bad.jsonl"
h=$(head_of "$r")
expect_exit "import: an id that is a path" 2 sd -C "$r" import "$tmp/bad.jsonl"
expect_err_has "import: says why" "invalid id"
expect_eq "import: nothing committed" "$h" "$(head_of "$r")"
finish
