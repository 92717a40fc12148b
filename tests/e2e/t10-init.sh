#!/bin/bash
# SPDX-License-Identifier: MIT
# sd init: creating a store, re-running it, and commands outside a store.
. "$(dirname "$0")/lib.sh"

# --- init a new directory ---
r=$tmp/fresh
expect_exit "init: new directory" 0 sd init "$r"
expect_exists "init: created a git repository" "$r/.git"
expect_exists "init: wrote .sd/config.yaml" "$r/.sd/config.yaml"
expect_exists "init: wrote tickets/.gitkeep" "$r/tickets/.gitkeep"
expect_contains "init: wrote the auto-reply template" "$r/.sd/templates/auto-reply.md" "{{short_id}}"
expect_contains "init: and its Russian translation" "$r/.sd/templates/auto-reply.ru.md" "заявку {{short_id}}"
expect_contains "init: and its Slovenian one" "$r/.sd/templates/auto-reply.sl.md" "zahtevek {{short_id}}"
expect_commit_count "init" "$r" 1
expect_last_commit "init" "$r" "sd: init" ".gitattributes
.sd/config.yaml
.sd/templates/auto-reply.md
.sd/templates/auto-reply.ru.md
.sd/templates/auto-reply.sl.md
tickets/.gitkeep"
expect_eq "init: branch is main (from init.defaultBranch)" "main" \
	"$(git -C "$r" symbolic-ref --short HEAD 2>&1)"
expect_eq "init: commit author is SD_AUTHOR" "Tess Tester <tess@example.com>" \
	"$(git -C "$r" log -1 --format='%an <%ae>')"
expect_eq "init: commit dates are SD_NOW" "$(epoch 2026-11-23T09:00:00Z) $(epoch 2026-11-23T09:00:00Z)" \
	"$(git -C "$r" log -1 --format='%at %ct')"
expect_clean "init" "$r"
fsck_ok "init" "$r"

# The configuration holds the documented defaults, with comments.
cfg=$r/.sd/config.yaml
expect_match "config: starts with a comment" <(head -n 1 "$cfg") '^# '
# Compare the meaningful content, ignoring comments and spacing.
sed 's/#.*//; s/[[:space:]]\+$//; /^$/d' "$cfg" | tr -s ' ' >"$tmp/cfg.actual"
cat >"$tmp/cfg.expect" <<'EOF'
priority_matrix:
 high: {high: P1, medium: P2, low: P3}
 medium: {high: P2, medium: P3, low: P4}
 low: {high: P3, medium: P4, low: P5}
tiers:
 L0: {name: Self-service}
 L1: {name: Service desk, queue: desk}
 L2: {name: Technical support, queue: second-line}
 L3: {name: Experts, queue: experts}
 L4: {name: External vendor}
defaults:
 type: incident
 tier: L1
calendars:
 office:
 timezone: Europe/Ljubljana
 hours:
 mon: ["08:00-12:00", "13:00-17:00"]
 tue: ["08:00-12:00", "13:00-17:00"]
 wed: ["08:00-12:00", "13:00-17:00"]
 thu: ["08:00-12:00", "13:00-17:00"]
 fri: ["08:00-12:00", "13:00-15:00"]
 holidays: [2026-12-25, 01-01]
sla:
 at_risk: 75%
 pause: [pending]
 policies:
 - name: critical
 match: {priority: [P1]}
 calendar: 24x7
 first_response: 30m
 resolution: 4h
 - name: standard
 match: {}
 calendar: office
 first_response: 4h
 next_response: 8h
 resolution: 2d4h
 on_breach:
 escalate: next-tier
 bump_priority: false
 notify: []
 on_risk:
 notify: []
problems:
 similarity: 0.25
mail:
 addresses: []
 name: ""
 tag: sd
 reopen_days: 14
 thread_window: off
 max_message_bytes: 10MB
 max_file_bytes: 10MB
 keep_original: true
 auto_reply: on
 auto_reply_limit: 3
 auto_reply_template: .sd/templates/auto-reply.md
 notify:
 new_ticket: [queue]
 assigned: [assignee]
 requester_reply: [assignee]
 sla_at_risk: [assignee, queue]
 sla_breach: [assignee, queue]
EOF
expect_file_eq "config: documented defaults" "$tmp/cfg.expect" "$tmp/cfg.actual"
expect_eq "config: has comments explaining it" "yes" \
	"$([ "$(grep -c '#' "$cfg")" -ge 3 ] && echo yes || echo "only $(grep -c '#' "$cfg") comment(s)")"

# A fresh store lists nothing and checks clean.
expect_exit "list on an empty store" 0 sd -C "$r" list
expect_out_empty "list on an empty store: no output"
expect_exit "list --json on an empty store" 0 sd -C "$r" list --json
expect_eq "list --json on an empty store: []" "[]" "$(tr -d ' \n' <"$OUT")"

# --- re-running init ---
before=$(commit_count "$r")
config_before=$(cat "$cfg")
SD_NOW=2026-11-23T10:00:00Z expect_exit "init again: exit 0" 0 sd init "$r"
_ICASE=1 expect_contains "init again: says already an sd store" <(cat "$OUT" "$ERR") "already an sd store"
expect_commit_count "init again: no commit" "$r" "$before"
expect_eq "init again: config untouched" "$config_before" "$(cat "$cfg")"
expect_clean "init again" "$r"

# With -C, and with no argument from inside the store.
expect_exit "init again via -C" 0 sd -C "$r" init
_ICASE=1 expect_contains "init again via -C: message" <(cat "$OUT" "$ERR") "already an sd store"
expect_exit "init again from a subdirectory" 0 bash -c 'cd "$1/tickets" && "$2" init' _ "$r" "$SD"
_ICASE=1 expect_contains "init again from a subdirectory: message" <(cat "$OUT" "$ERR") "already an sd store"
expect_commit_count "init again from a subdirectory: no commit" "$r" "$before"
expect_eq "init again from a subdirectory: no store created there" "no" \
	"$([ -e "$r/tickets/.sd" ] && echo yes || echo no)"

# --- init with no argument: the current directory ---
mkdir "$tmp/here"
expect_exit "init with no DIR" 0 bash -c 'cd "$1" && "$2" init' _ "$tmp/here" "$SD"
expect_exists "init with no DIR: store in cwd" "$tmp/here/.sd/config.yaml"
expect_commit_count "init with no DIR" "$tmp/here" 1
fsck_ok "init with no DIR" "$tmp/here"

# --- init a directory path with spaces, created with its parents ---
r2="$tmp/with space/and/parents"
expect_exit "init: path with spaces and missing parents" 0 sd init "$r2"
expect_exists "init: path with spaces: config" "$r2/.sd/config.yaml"
fsck_ok "init: path with spaces" "$r2"

# --- init in an existing empty directory that is already a git repository
# without commits ---
git init -q "$tmp/emptyrepo"
expect_exit "init: repository without commits" 0 sd init "$tmp/emptyrepo"
expect_commit_count "init: repository without commits" "$tmp/emptyrepo" 1
expect_last_commit "init: repository without commits" "$tmp/emptyrepo" "sd: init" ".gitattributes
.sd/config.yaml
.sd/templates/auto-reply.md
.sd/templates/auto-reply.ru.md
.sd/templates/auto-reply.sl.md
tickets/.gitkeep"
fsck_ok "init: repository without commits" "$tmp/emptyrepo"

# --- commands outside a store ---
mkdir "$tmp/nostore"
expect_exit "list outside a store fails" "2|128" bash -c 'cd "$1" && "$2" list' _ "$tmp/nostore" "$SD"
expect_sd_error "list outside a store: sd: message"
_ICASE=1 expect_err_has "list outside a store: mentions sd init" "sd init"
git init -q "$tmp/plainrepo"
expect_exit "new in a git repo that is no store fails" "2|128" sd -C "$tmp/plainrepo" new "Title"
expect_sd_error "new in a git repo that is no store: sd: message"
expect_eq "new in a git repo that is no store: nothing written" "" \
	"$(cd "$tmp/plainrepo" && git status --porcelain --untracked-files=all)"
expect_exit "-C a missing directory fails" "2|128" sd -C "$tmp/does-not-exist" list
expect_sd_error "-C a missing directory: sd: message"
expect_err_has "-C a missing directory: names it" "does-not-exist"

# Without SD_AUTHOR the git identity is used for the init commit.
(
	unset SD_AUTHOR
	sd init "$tmp/gitident" >/dev/null 2>&1
)
expect_eq "init without SD_AUTHOR: git config identity" "Home User <home@example.com>" \
	"$(git -C "$tmp/gitident" log -1 --format='%an <%ae>' 2>&1)"

finish
