#!/bin/bash
# SPDX-License-Identifier: MIT
# sd report: a small desk whose figures were worked out by hand, then a
# generated desk (pauses, reopenings, escalations, the end of daylight
# saving time on 2026-10-25 and a holiday in the office calendar) whose
# every figure is recomputed from sd export by report_check.py, written
# from doc/sd-report.1.md in Python; the formats and the errors.
#
# The default config: office is Europe/Ljubljana, mon-thu 08:00-12:00 and
# 13:00-17:00; standard policy first response 4h, resolution 52 business
# hours; critical (P1, 24x7) first response 30m, resolution 4h.
. "$(dirname "$0")/lib.sh"

CHECK=$E2E_DIR/report_check.py

act() {
	local at=$1
	shift
	if ! SD_NOW=$at sd -C "$r" "$@" >"$tmp/act.out" 2>"$tmp/act.err" </dev/null; then
		fail "sd $* (at $at)" "$(_show_file stderr "$tmp/act.err")"
	fi
}

# --- a week worked out by hand ---
# Monday 2026-11-23: a printer ticket answered after 2 h and resolved on
# Tuesday at 09:00Z: 25 h wall, 9 business hours (Monday 09:00-17:00 local
# less lunch is 7 h, Tuesday 08:00-10:00 local 2 h). A P1 escalated to L2
# and never answered: both its 24x7 clocks breach within the week.
r=$(store hand)
a=$(SD_NOW=2026-11-23T08:00:00Z new_ticket "$r" "Tiskalnik ne tiska — čšž" \
	--requester alice@example.com --category tiskalniki --queue desk)
b=$(SD_NOW=2026-11-23T08:00:00Z new_ticket "$r" "Сервер недоступен" --priority P1 \
	--requester alice@example.com --queue desk --assignee bob@example.com)
act 2026-11-23T10:00:00Z comment "$a" -m "Pogledam."
act 2026-11-24T09:00:00Z resolve "$a" -m "Zamenjan toner."
act 2026-11-23T08:10:00Z escalate "$b" -m "needs L2"
expect_exit "hand: report --json" 0 sd -C "$r" report --since 2026-11-23 --until 2026-11-30 \
	--at 2026-12-01T00:00:00Z --json
cp "$OUT" "$tmp/hand.json"
expect_json "hand: volumes" "$tmp/hand.json" \
	'[d["total"][k] for k in ("opened", "resolved", "reopened", "cancelled", "backlog")]' \
	'[2, 1, 0, 0, 1]'
expect_json "hand: backlog age 3-7d" "$tmp/hand.json" 'd["total"]["backlog_age"]["3-7d"]' 1
expect_json "hand: first response, business and wall" "$tmp/hand.json" \
	'[d["total"]["first_response"][k]["median"] for k in ("business", "wall")]' '[7200, 7200]'
expect_json "hand: resolution, business and wall" "$tmp/hand.json" \
	'[d["total"]["resolution"][k]["p90"] for k in ("business", "wall")]' '[32400, 90000]'
expect_json "hand: SLA first response and resolution, one met of two" "$tmp/hand.json" \
	'[[d["total"]["sla"][c][k] for k in ("decided", "met")] for c in ("first_response", "resolution")]' \
	'[[2, 1], [2, 1]]'
expect_json "hand: the P1's clocks breached" "$tmp/hand.json" \
	'[d["total"]["sla"][c]["by_priority"]["P1"]["met"] for c in ("first_response", "resolution")]' \
	'[0, 0]'
expect_json "hand: first-contact resolution" "$tmp/hand.json" \
	'd["total"]["first_contact_resolution"]' '{"count": 1, "rate": 1.0}'
expect_json "hand: escalation from L1" "$tmp/hand.json" 'd["total"]["escalation"]["L1"]' \
	'{"at_tier": 2, "escalated": 1, "rate": 0.5, "deescalated": 0}'
expect_json "hand: workload" "$tmp/hand.json" 'd["workload"]' \
	'[{"agent": "bob@example.com", "open": 1, "resolved": 0, "median_resolution": null}]'
expect_json "hand: no article, no deflection, no problem" "$tmp/hand.json" \
	'[d["self_service"], d["total"]["resolved_with_kb"], d["recurring"]["problems"]]' \
	'[{"deflections": 0, "articles": []}, {"count": 0, "rate": 0.0}, []]'
expect_exit "hand: report as text" 0 sd -C "$r" report --since 2026-11-23 --until 2026-11-30
expect_match "hand: text volumes" "$OUT" '^\(all\) +2 +1 +0 +0 +1 +0 +0 +1 +0 +0$'
expect_match "hand: text resolution times" "$OUT" '^\(all\) +resolution +business +1 +9h +9h +9h$'
expect_match "hand: text SLA" "$OUT" '^\(all\) +first_response +50% 1/2 +0% 0/1 +- +100% 1/1 +- +- +-$'
expect_match "hand: text recurring, Slovenian" "$OUT" '^category +tiskalniki +1$'
expect_exit "hand: by queue" 0 sd -C "$r" report --since 2026-11-23 --until 2026-11-30 --by queue
expect_match "hand: the first queue's row" "$OUT" '^desk +1 +1 +0 +0 +0 '
# Escalated to L2, the P1 is in L2's queue at the end of the week.
expect_match "hand: the second queue's row" "$OUT" '^second-line +1 +0 +0 +0 +1 '

# --- a generated desk, checked figure by figure ---
if [ $HAVE_PYTHON = 0 ] || ! python3 -c 'import yaml, zoneinfo' 2>/dev/null; then
	skip "generated desk" "python3 with yaml and zoneinfo not available"
else
	r=$(store gen)
	sed -i 's/holidays: \[2026-12-25, 01-01\]/holidays: [2026-12-25, 01-01, 2026-10-28]/' \
		"$r/.sd/config.yaml"
	git -C "$r" commit -qam "a holiday in the period"
	python3 "$CHECK" gen 7 150 >"$tmp/gen.jsonl"
	export SD_NOW=2026-12-20T00:00:00Z
	expect_exit "gen: import" 0 sd -C "$r" import "$tmp/gen.jsonl"
	# Portal deflections as sd serve records them: two in the period
	# (one of category vpn), one after it, one before.
	mkdir -p "$r/deflections/2026-09" "$r/deflections/2026-10" "$r/deflections/2026-11"
	printf '# sd\nat: 2026-10-20T10:00:00.123Z\narticle: vpn-ne-dela\nchannel: web\ncategory: vpn\n' \
		>"$r/deflections/2026-10/aaaaaaaaaaaa.yaml"
	printf 'at: 2026-11-02T10:00:00Z\narticle: vpn-ne-dela\nchannel: web\n' \
		>"$r/deflections/2026-11/bbbbbbbbbbbb.yaml"
	printf 'at: 2026-11-20T10:00:00Z\narticle: reset-gesla\nchannel: web\n' \
		>"$r/deflections/2026-11/cccccccccccc.yaml"
	printf 'at: 2026-09-20T10:00:00Z\narticle: reset-gesla\nchannel: web\n' \
		>"$r/deflections/2026-09/dddddddddddd.yaml"
	git -C "$r" add deflections && git -C "$r" commit -qm deflections
	sd -C "$r" export >"$tmp/export.jsonl"
	for args in "--since 2026-10-12 --until 2026-11-16" \
		"--since 2026-10-12 --until 2026-11-16 --by queue" \
		"--since 2026-09-01 --until 2026-12-01 --by assignee" \
		"--since 60d --at 2026-11-18T12:00:00Z --by priority --category vpn"; do
		# shellcheck disable=SC2086
		expect_exit "gen: report $args" 0 sd -C "$r" report $args --json
		cp "$OUT" "$tmp/rep.json"
		extra=()
		case $args in *--category*) extra=(--category vpn) ;; esac
		expect_exit "gen: every figure of $args as recomputed" 0 \
			python3 "$CHECK" check "$tmp/export.jsonl" "$r/.sd/config.yaml" "$tmp/rep.json" \
			"${extra[@]}"
	done
	expect_exit "gen: the period's figures" 0 sd -C "$r" report --since 2026-10-12 \
		--until 2026-11-16 --json
	cp "$OUT" "$tmp/rep.json"
	expect_json "gen: deflections in the period, per article" "$tmp/rep.json" \
		'd["self_service"]' '{"deflections": 2, "articles": [{"article": "vpn-ne-dela", "deflections": 2}]}'
	expect_json "gen: resolved with an article, linked incidents" "$tmp/rep.json" \
		'[d["total"]["resolved_with_kb"]["count"], d["total"]["linked_incidents"]]' '[10, 15]'
	expect_json "gen: the problems, titled when in the store" "$tmp/rep.json" \
		'[[p["id"], p["title"], p["incidents"]] for p in d["recurring"]["problems"]]' \
		'[["pr0b1em00002", "", 7], ["pr0b1em00000", "Težava 0 — проблема", 5], ["pr0b1em00001", "Težava 1 — проблема", 3]]'
	expect_exit "gen: CSV" 0 sd -C "$r" report --since 2026-10-12 --until 2026-11-16 --csv
	expect_contains "gen: CSV tables" "$OUT" 'table,group,opened,resolved'
	expect_contains "gen: CSV formula neutralised" "$OUT" "recurring,category,\"'=HYPERLINK"
	expect_contains "gen: CSV Cyrillic" "$OUT" 'recurring,category,сеть,'
	expect_exit "gen: HTML" 0 sd -C "$r" report --since 2026-10-12 --until 2026-11-16 \
		--by queue --html "$tmp/report.html"
	expect_contains "gen: HTML asset escaped" "$tmp/report.html" '&lt;b&gt;srv&lt;/b&gt;'
	expect_lacks "gen: HTML no raw markup from tickets" "$tmp/report.html" '<b>srv'
	expect_lacks "gen: HTML no script" "$tmp/report.html" '<script'
	expect_contains "gen: HTML charts with text alternatives" "$tmp/report.html" \
		'<desc id="c-backlog-d">'
	expect_contains "gen: HTML queue" "$tmp/report.html" '<th scope="row">mreža</th>'
	# In Chromium at phone and desktop widths: no console errors, nothing
	# wider than a phone; screenshots in build/screenshots/.
	check_pages "gen: HTML in a browser" "file://$tmp/report.html"
	unset SD_NOW
fi

# --- mistakes ---
r=$(store errors)
expect_exit "bad --by" 2 sd -C "$r" report --by title
expect_err_has "bad --by: says what is allowed" "use queue, tier, assignee, priority"
expect_exit "bad --since" 2 sd -C "$r" report --since yesterday
expect_err_has "bad --since: says what is allowed" "or a duration such as 30d"
expect_exit "empty period" 2 sd -C "$r" report --since 2026-11-10 --until 2026-11-01
expect_exit "two formats" 2 sd -C "$r" report --json --csv
expect_exit "an argument" 2 sd -C "$r" report queue
finish
