#!/bin/bash
# SPDX-License-Identifier: MIT
# The SLA part of .sd/config.yaml: calendars, durations, policies.  A bad
# value is reported as ".sd/config.yaml:LINE: message" (LINE the line of
# the offending value), exit 2 from sd sla, and listed by sd check (exit 1).
. "$(dirname "$0")/lib.sh"

r=$(store config)
cfg=$r/.sd/config.yaml
id=$(new_ticket "$r" "Printer jams")
expect_exit "default config: sd sla" 0 sd -C "$r" sla --at 2026-11-23T10:00:00Z
expect_exit "default config: sd check" 0 sd -C "$r" check

# bad NAME SED-SCRIPT LINE-PATTERN: edit a pristine config with SED-SCRIPT;
# the error must name the line matching LINE-PATTERN (grep) in the edited
# file.
bad() {
	local name=$1 n
	git -C "$r" checkout -q -- .sd/config.yaml
	sed -i "$2" "$cfg"
	n=$(grep -n -e "$3" "$cfg" | head -n 1 | cut -d: -f1)
	if [ -z "$n" ]; then
		fail "$name: the edit" "no line matches $3 after: sed $2"
		return
	fi
	expect_exit "$name: sd sla exits 2" 2 sd -C "$r" sla --at 2026-11-23T10:00:00Z
	expect_sd_error "$name: sd sla message"
	expect_match "$name: sd sla names .sd/config.yaml:$n" "$ERR" "^sd: \.sd/config\.yaml:$n: ."
	expect_exit "$name: sd check exits 1" 1 sd -C "$r" check
	cat "$OUT" "$ERR" >"$tmp/check.all"
	expect_match "$name: sd check lists .sd/config.yaml:$n" "$tmp/check.all" "(^|[ /])\.sd/config\.yaml:$n: ."
}

bad "unknown calendar in a policy" 's/^\(      calendar:\) office/\1 offfice/' 'calendar: offfice'
bad "bad duration" 's/^\(      first_response:\) 4h/\1 4 hours/' 'first_response: 4 hours'
bad "quoted bad duration" 's/^\(      resolution:\) 2d4h/\1 "4 hours"/' 'resolution: "4 hours"'
bad "units out of order" 's/^\(      first_response:\) 4h/\1 30m1h/' 'first_response: 30m1h'
bad "a unit twice" 's/^\(      next_response:\) 8h/\1 4h4h/' 'next_response: 4h4h'
bad "unknown time zone" 's|Europe/Ljubljana|Mars/Olympus|' 'Mars/Olympus'
bad "overlapping hours" 's/^\(      tue: \["08:00-12:00", \)"13:00-17:00"/\1"11:00-17:00"/' '11:00-17:00'
bad "a window ending before it starts" 's/"13:00-15:00"/"15:00-13:00"/' '15:00-13:00'
bad "a window past 24:00" 's/"13:00-15:00"/"13:00-25:00"/' '13:00-25:00'
bad "bad holiday" 's/2026-12-25/2026-02-30/' '2026-02-30'
bad "bad yearly holiday" 's/01-01\]/13-01]/' '13-01\]'
bad "at_risk over 100%" 's/^\(  at_risk:\) 75%/\1 150%/' 'at_risk: 150%'
bad "at_risk 0%" 's/^\(  at_risk:\) 75%/\1 0%/' 'at_risk: 0%'
bad "unknown pause status" 's/^\(  pause:\) \[pending\]/\1 [pending, snoozing]/' 'snoozing'
bad "unknown on_breach escalate" 's/^\(    escalate:\) next-tier/\1 sideways/' 'escalate: sideways'
bad "redefining 24x7" '/^    holidays:/a\  24x7:\n    timezone: UTC\n    hours:\n      mon: ["00:00-24:00"]' '^  24x7:'
bad "unknown key in a policy" '/^      resolution: 4h/a\      resolution_time: 8h' 'resolution_time: 8h'
git -C "$r" checkout -q -- .sd/config.yaml

# Every command refuses a bad config, not only sd sla.
sed -i 's/^\(      calendar:\) office/\1 offfice/' "$cfg"
n=$(grep -n 'calendar: offfice' "$cfg" | cut -d: -f1)
expect_exit "bad config: sd list exits 2" 2 sd -C "$r" list
expect_match "bad config: sd list names the line" "$ERR" "^sd: \.sd/config\.yaml:$n: ."
git -C "$r" checkout -q -- .sd/config.yaml
fsck_ok "config" "$r"

# --- good configs: 24:00, consecutive all-day windows, other durations ---
r=$(store good)
cfg=$r/.sd/config.yaml
sed -i '/^      fri: /a\      sat: ["00:00-24:00"]\n      sun: ["00:00-24:00"]' "$cfg"
sed -i 's/^\(      first_response:\) 4h/\1 1h30m/; s/^\(      next_response:\) 8h/\1 90s/' "$cfg"
commit_all "$r" "weekend support"
expect_exit "all-day windows and 1h30m: sd check" 0 sd -C "$r" check
expect_out_empty "all-day windows: sd check quiet"
# Saturday 23:30 local to Sunday 00:30 local: no gap at midnight.
id=$(SD_NOW=2026-11-28T22:30:00Z new_ticket "$r" "Weekend call")
expect_exit "all-day windows: sd sla" 0 sd -C "$r" sla --at 2026-11-28T23:30:00Z --json
expect_json "all-day windows: an hour across midnight, 1h30m target" "$OUT" \
	'[[t["first_response"][k] for k in ("state", "target", "elapsed", "remaining", "due")] for t in d]' \
	'[["running", 5400, 3600, 1800, "2026-11-29T00:00:00Z"]]'
expect_json "90s target" "$OUT" '[t["next_response"]["target"] for t in d]' '[90]'
# Sunday 24:00 to Monday 08:00 local is closed.
expect_exit "all-day windows: Monday morning" 0 sd -C "$r" sla --at 2026-11-30T07:30:00Z --json
expect_json "all-day windows: Sunday counted, Monday night not" "$OUT" \
	'[[t["resolution"][k] for k in ("elapsed", "remaining")] for t in d]' '[[90000, 97200]]'
fsck_ok "good" "$r"

finish
