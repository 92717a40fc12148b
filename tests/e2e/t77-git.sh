#!/bin/bash
# SPDX-License-Identifier: MIT
# Git integration: one commit per mutation touching only the ticket file,
# the user's own changes untouched, authors and dates, finding the store.
. "$(dirname "$0")/lib.sh"

# --- every mutation is one commit touching only the ticket file ---
r=$(store onecommit)
id=$(new_ticket "$r" "Printer jams")
s=$(short_id "$r" "$id")
p=$(tpath "$id")
printf '#!/bin/sh\nfor f; do :; done\nsed -i "s/^title: .*/title: Printer jams/; s/^status: .*/status: pending/" "$f"\n' >"$tmp/ed"
chmod +x "$tmp/ed"
n=0
while IFS='|' read -r verb args; do
	n=$((n + 1))
	eval "set -- $args"
	before=$(commit_count "$r")
	EDITOR=$tmp/ed SD_NOW=$(printf '2026-11-23T10:%02d:00Z' $n) expect_exit "$verb $args" 0 sd -C "$r" "$verb" "$id" "$@"
	expect_one_new_commit "$verb" "$r" "$before"
	expect_last_commit "$verb" "$r" "sd: $verb $s \"Printer jams\"" "$p"
	expect_eq "$verb: only the ticket in the commit's diff" "M	$p" "$(git -C "$r" diff --name-status HEAD~1 HEAD)"
	expect_eq "$verb: author" "Tess Tester <tess@example.com>" "$(git -C "$r" log -1 --format='%an <%ae>')"
	expect_eq "$verb: author and committer dates are SD_NOW" \
		"$(epoch "$(printf '2026-11-23T10:%02d:00Z' $n)") $(epoch "$(printf '2026-11-23T10:%02d:00Z' $n)")" \
		"$(git -C "$r" log -1 --format='%at %ct')"
	expect_clean "$verb" "$r"
	expect_eq "$verb: index matches HEAD" "" "$(git -C "$r" diff --cached --name-only)"
done <<'EOF'
comment|-m 'A comment'
comment|--internal -m 'Internal'
assign|bob@example.com
assign|--me
assign|--none -m 'unassigned'
status|open
status|pending -m 'waiting for the user'
resolve|-m 'Fixed.'
reopen|-m 'Not fixed.'
close|
reopen|-m 'Once more.'
set|priority=P1 tags=a,b
set|tags+=c
edit|
EOF
expect_eq "commit history: every subject starts with sd:" "" "$(git -C "$r" log --format=%s | grep -v '^sd: ')"
fsck_ok "one commit per mutation" "$r"

# --- the user's staged, unstaged and untracked work is left alone ---
r=$(store userwork)
id=$(new_ticket "$r" "Mail is slow")
p=$(tpath "$id")
printf 'one\n' >"$r/staged.txt"
printf 'one\n' >"$r/unstaged.txt"
printf 'one\n' >"$r/both.txt"
commit_all "$r" "user files"
printf 'two (staged)\n' >"$r/staged.txt"
git -C "$r" add staged.txt
printf 'two (unstaged)\n' >"$r/unstaged.txt"
printf 'two (staged)\n' >"$r/both.txt"
git -C "$r" add both.txt
printf 'three (unstaged on top)\n' >"$r/both.txt"
printf 'new and untracked\n' >"$r/untracked.txt"
printf 'new and added\n' >"$r/added.txt"
git -C "$r" add added.txt
mkdir -p "$r/tickets/zz"
printf 'user scratch\n' >"$r/tickets/zz/notes.txt"
st=$(gstatus "$r")
cached=$(git -C "$r" diff --cached)
unstaged=$(git -C "$r" diff)
before=$(commit_count "$r")
SD_NOW=2026-11-23T09:05:00Z expect_exit "with user changes: comment" 0 sd -C "$r" comment "$id" -m "Still slow."
expect_one_new_commit "with user changes" "$r" "$before"
expect_last_commit "with user changes" "$r" "sd: comment $(short_id "$r" "$id") \"Mail is slow\"" "$p"
expect_eq "with user changes: status unchanged" "$st" "$(gstatus "$r")"
expect_eq "with user changes: staged changes unchanged" "$cached" "$(git -C "$r" diff --cached)"
expect_eq "with user changes: unstaged changes unchanged" "$unstaged" "$(git -C "$r" diff)"
expect_eq "with user changes: untracked file untouched" "new and untracked" "$(cat "$r/untracked.txt")"
expect_eq "with user changes: both.txt work tree untouched" "three (unstaged on top)" "$(cat "$r/both.txt")"
expect_eq "with user changes: both.txt index untouched" "two (staged)" "$(git -C "$r" show :both.txt)"
expect_eq "with user changes: committed staged.txt is the old one" "one" "$(git -C "$r" show HEAD:staged.txt)"
expect_eq "with user changes: added.txt not committed" "" "$(git -C "$r" ls-tree --name-only HEAD added.txt)"
SD_NOW=2026-11-23T09:06:00Z expect_exit "with user changes: new ticket" 0 sd -C "$r" new "Another"
id2=$(cat "$OUT")
expect_last_commit "with user changes: new" "$r" "sd: new $(short_id "$r" "$id2") \"Another\"" "$(tpath "$id2")"
expect_eq "with user changes: status unchanged after new" "$st" "$(gstatus "$r")"
expect_eq "with user changes: staged changes unchanged after new" "$cached" "$(git -C "$r" diff --cached)"
git -C "$r" fsck --strict --no-progress >/dev/null 2>&1 && ok "with user changes: git fsck" || fail "with user changes: git fsck" "git fsck failed"

# --- a hand-edited ticket is committed with the next sd change ---
r=$(store handedit)
id=$(new_ticket "$r" "Printer jams" -m "It jams.")
p=$(tpath "$id")
sed -i 's/^It jams\.$/It jams every morning./' "$r/$p"
before=$(commit_count "$r")
SD_NOW=2026-11-23T09:05:00Z expect_exit "hand edit (unstaged) then comment" 0 sd -C "$r" comment "$id" -m "Noted."
expect_one_new_commit "hand edit then comment" "$r" "$before"
expect_eq "hand edit then comment: the hand edit is in the commit" "It jams every morning." \
	"$(git -C "$r" show HEAD:"$p" | grep -x "It jams every morning.")"
expect_eq "hand edit then comment: touches only the ticket" "$p" "$(git -C "$r" show --name-only --format= HEAD | sed '/^$/d')"
expect_clean "hand edit then comment" "$r"
expect_exit "hand edit then comment: show --json" 0 sd -C "$r" show "$id" --json
expect_json "hand edit then comment: description" "$OUT" 'd["description"]' "It jams every morning."
expect_json "hand edit then comment: comment" "$OUT" '[e["body"] for e in d["timeline"] if e["kind"] == "comment"]' '["Noted."]'
# Staged hand edit, then a status change.
sed -i 's/^It jams every morning\.$/It jams every evening./' "$r/$p"
git -C "$r" add "$p"
SD_NOW=2026-11-23T09:06:00Z expect_exit "hand edit (staged) then status" 0 sd -C "$r" status "$id" open
expect_eq "staged hand edit: in the commit" "It jams every evening." "$(git -C "$r" show HEAD:"$p" | grep -x "It jams every evening.")"
expect_clean "staged hand edit then status" "$r"
fsck_ok "hand edits" "$r"

# --- authors ---
r=$(store authors)
id=$(new_ticket "$r" "Who did it")
(
	unset SD_AUTHOR
	SD_NOW=2026-11-23T09:05:00Z expect_exit "no SD_AUTHOR: comment" 0 sd -C "$r" comment "$id" -m "from git config"
	expect_eq "no SD_AUTHOR: commit author from ~/.gitconfig" "Home User <home@example.com>" \
		"$(git -C "$r" log -1 --format='%an <%ae>')"
	expect_exit "no SD_AUTHOR: show --json" 0 sd -C "$r" show "$id" --json
	expect_json "no SD_AUTHOR: entry author from git config" "$OUT" \
		'[e["author"] for e in d["timeline"] if e["kind"] == "comment"]' '["Home User <home@example.com>"]'
	git -C "$r" config user.name "Local Person"
	git -C "$r" config user.email "local@example.com"
	SD_NOW=2026-11-23T09:06:00Z expect_exit "no SD_AUTHOR: repository config" 0 sd -C "$r" comment "$id" -m "from repo config"
	expect_eq "no SD_AUTHOR: repository config wins over global" "Local Person <local@example.com>" \
		"$(git -C "$r" log -1 --format='%an <%ae>')"
)
SD_AUTHOR="Other Agent <other@example.com>" SD_NOW=2026-11-23T09:07:00Z expect_exit "SD_AUTHOR wins over git config" 0 sd -C "$r" comment "$id" -m "x"
expect_eq "SD_AUTHOR wins over git config: commit author" "Other Agent <other@example.com>" "$(git -C "$r" log -1 --format='%an <%ae>')"
git -C "$r" config --unset user.name
git -C "$r" config --unset user.email
fsck_ok "authors" "$r"
# No identity at all is an error that says how to fix it.
r=$(store noident)
id=$(new_ticket "$r" "No identity")
head=$(head_of "$r")
mv "$HOME/.gitconfig" "$HOME/.gitconfig.off"
printf '[init]\n\tdefaultBranch = main\n' >"$HOME/.gitconfig"
expect_exit "no identity anywhere" "2|128" env -u SD_AUTHOR "$SD" -C "$r" comment "$id" -m "who am I?"
expect_sd_error "no identity anywhere: message"
_ICASE=1 expect_err_has "no identity anywhere: mentions SD_AUTHOR or user.email" "SD_AUTHOR"
expect_eq "no identity anywhere: no commit" "$head" "$(head_of "$r")"
mv "$HOME/.gitconfig.off" "$HOME/.gitconfig"

# --- finding the store: -C, subdirectories ---
r=$(store find)
id=$(new_ticket "$r" "Find me")
mkdir -p "$r/docs/deep/er"
expect_exit "from a subdirectory" 0 bash -c 'cd "$1/docs/deep/er" && "$2" list --format "%(title)"' _ "$r" "$SD"
expect_out "from a subdirectory: lists the store" "Find me"
expect_exit "from tickets/XX" 0 bash -c 'cd "$1/tickets/$2" && "$3" show "$4" --json' _ "$r" "${id:0:2}" "$SD" "$id"
expect_json "from tickets/XX: show" "$OUT" 'd["title"]' "Find me"
before=$(commit_count "$r")
expect_exit "mutation from a subdirectory" 0 bash -c 'cd "$1/docs/deep" && SD_NOW=2026-11-23T09:05:00Z "$2" comment "$3" -m "from below"' _ "$r" "$SD" "$id"
expect_one_new_commit "mutation from a subdirectory" "$r" "$before"
expect_last_commit "mutation from a subdirectory" "$r" "sd: comment $(short_id "$r" "$id") \"Find me\"" "$(tpath "$id")"
expect_exit "-C relative path" 0 bash -c 'cd "$1" && "$2" -C find list --format "%(title)"' _ "$tmp" "$SD"
expect_out "-C relative path: lists" "Find me"
expect_exit "-C a subdirectory of the store" 0 sd -C "$r/docs/deep" list --format '%(title)'
expect_out "-C a subdirectory: lists" "Find me"
(cd "$r/docs" && SD_NOW=2026-11-23T09:06:00Z sd new "Created below" >/dev/null 2>&1)
expect_eq "new from a subdirectory: file in the root's tickets/" 1 "$(ls "$r"/tickets/*/*.md | xargs grep -l '^title: Created below$' | wc -l | tr -d ' ')"
expect_missing "new from a subdirectory: no tickets/ below" "$r/docs/tickets"
fsck_ok "finding the store" "$r"

# --- sd init in an existing repository with other files ---
r=$tmp/existing
git init -q "$r"
printf 'readme\n' >"$r/README"
mkdir "$r/src"
printf 'int main;\n' >"$r/src/main.c"
commit_all "$r" "project start"
printf 'readme v2\n' >"$r/README"
printf 'staged\n' >"$r/src/new.c"
git -C "$r" add src/new.c
printf 'untracked\n' >"$r/TODO"
st=$(gstatus "$r")
cached=$(git -C "$r" diff --cached)
before=$(commit_count "$r")
expect_exit "init in an existing repository" 0 sd init "$r"
expect_one_new_commit "init in an existing repository" "$r" "$before"
expect_last_commit "init in an existing repository" "$r" "sd: init" ".gitattributes
.sd/config.yaml
.sd/templates/auto-reply.md
.sd/templates/auto-reply.ru.md
.sd/templates/auto-reply.sl.md
tickets/.gitkeep"
expect_eq "init in an existing repository: user's status untouched" "$st" "$(gstatus "$r")"
expect_eq "init in an existing repository: user's index untouched" "$cached" "$(git -C "$r" diff --cached)"
expect_eq "init in an existing repository: history kept" "project start" "$(git -C "$r" log -1 --format=%s HEAD~1)"
id=$(SD_NOW=2026-11-23T09:05:00Z new_ticket "$r" "In a project")
expect_last_commit "new in a project repository" "$r" "sd: new $(short_id "$r" "$id") \"In a project\"" "$(tpath "$id")"
expect_eq "new in a project repository: user's status untouched" "$st" "$(gstatus "$r")"
git -C "$r" fsck --strict --no-progress >/dev/null 2>&1 && ok "init in an existing repository: git fsck" || fail "init in an existing repository: git fsck" "failed"
expect_exit "init in an existing repository: sd check" 0 sd -C "$r" check
# From a subdirectory of an existing repository: the store goes at the root.
r=$tmp/existing2
git init -q "$r"
mkdir -p "$r/sub"
printf 'x\n' >"$r/sub/file"
commit_all "$r" "start"
expect_exit "init from a subdirectory of a repository" 0 bash -c 'cd "$1/sub" && "$2" init' _ "$r" "$SD"
expect_exists "init from a subdirectory: config at the work tree root" "$r/.sd/config.yaml"
expect_missing "init from a subdirectory: nothing in the subdirectory" "$r/sub/.sd"

# --- concurrent mutations are serialised by the lock ---
r=$(store concurrent)
id=$(new_ticket "$r" "Busy ticket")
before=$(commit_count "$r")
pids=
for i in 1 2 3 4; do
	SD_NOW=2026-11-23T09:0$i:00Z sd -C "$r" comment "$id" -m "parallel $i" >"$tmp/par$i.out" 2>&1 &
	pids="$pids $!"
done
rcs=
for pid in $pids; do
	wait "$pid"
	rcs="$rcs $?"
done
expect_eq "concurrent comments: all succeed" " 0 0 0 0" "$rcs"
expect_commit_count "concurrent comments: four commits" "$r" "$((before + 4))"
expect_exit "concurrent comments: show --json" 0 sd -C "$r" show "$id" --json
expect_json "concurrent comments: all four kept" "$OUT" \
	'sorted(e["body"] for e in d["timeline"] if e["kind"] == "comment")' \
	'["parallel 1", "parallel 2", "parallel 3", "parallel 4"]'
expect_missing "concurrent comments: lock released" "$r/.git/sd.lock"
expect_clean "concurrent comments" "$r"
fsck_ok "concurrent comments" "$r"

finish
