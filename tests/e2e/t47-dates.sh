#!/bin/bash
# SPDX-License-Identifier: MIT
# Times for people: show, log and sla give instants in TZ (UTC without
# it), and --date=local|utc|iso|relative as git's --date; JSON and the
# ticket files keep UTC.
. "$(dirname "$0")/lib.sh"

r=$(store dates)
id=$(SD_NOW=2026-12-02T17:48:00Z new_ticket "$r" "Printer jams")
export SD_NOW=2026-12-03T09:00:00Z

expect_exit "show, TZ=UTC" 0 sd -C "$r" show "$id"
expect_out_has "show: created in UTC" "created    2026-12-02 17:48 UTC (15h ago)"
TZ=Europe/Ljubljana expect_exit "show, TZ=Europe/Ljubljana" 0 sd -C "$r" show "$id"
expect_out_has "show: created in Ljubljana's zone, named" "created    2026-12-02 18:48 CET (15h ago)"
TZ=Europe/Ljubljana expect_exit "show --date=utc" 0 sd -C "$r" show --date=utc "$id"
expect_out_has "show --date=utc: UTC whatever TZ" "created    2026-12-02 17:48 UTC"
TZ=Europe/Ljubljana expect_exit "show --date=iso" 0 sd -C "$r" show --date iso "$id"
expect_out_has "show --date=iso: with the offset" "created    2026-12-02 18:48:00 +0100"
expect_exit "show --date=relative" 0 sd -C "$r" show --date=relative "$id"
expect_out_has "show --date=relative: how long ago" "created    15h ago"
TZ=Europe/Ljubljana expect_exit "show --json" 0 sd -C "$r" show --json "$id"
expect_out_has "show --json: UTC whatever TZ" '"created":"2026-12-02T17:48:00Z"'
expect_contains "the file keeps UTC" "$(ls "$r"/tickets/*/"$id"*.md 2>/dev/null || ls "$r"/tickets/"$id"*.md)" "2026-12-02T17:48:00Z"

TZ=Europe/Ljubljana expect_exit "log" 0 sd -C "$r" log "$id"
expect_out_has "log: the commit in Ljubljana's zone" "2026-12-02 18:48 CET"
TZ=Europe/Ljubljana expect_exit "sla --date=local" 0 sd -C "$r" sla --date=local
expect_match "sla --date=local: due in Ljubljana's zone" "$OUT" "2026-12-0[0-9] [0-9][0-9]:[0-9][0-9] CET"
TZ=Europe/Ljubljana expect_exit "sla --date=iso" 0 sd -C "$r" sla --date=iso
expect_match "sla --date=iso: with the offset" "$OUT" " \\+0100 "

TZ=Europe/Ljubljana expect_exit "list --date=local" 0 sd -C "$r" list --date=local
expect_out_has "list --date=local: created in Ljubljana's zone" "  2026-12-02 18:48 CET  "
expect_exit "list --date=relative" 0 sd -C "$r" list --date=relative
expect_out_has "list --date=relative: how long ago" "  15h ago  "
TZ=Europe/Ljubljana expect_exit "list" 0 sd -C "$r" list
expect_out_has "list without --date: the short age" "  15h  "

expect_exit "--date=bogus" 2 sd -C "$r" show --date=bogus "$id"
expect_err "--date=bogus: names it and the choices" \
	"sd: unknown --date 'bogus'; use local, utc, iso, relative or calendar"

# display.timezone: the zone when TZ is unset; TZ still wins.
cp "$r/.sd/config.yaml" "$tmp/config.orig"
printf 'display:\n  timezone: Europe/Ljubljana\n' >>"$r/.sd/config.yaml"
env -u TZ "$SD" -C "$r" show "$id" >"$OUT" 2>"$ERR"
expect_out_has "display.timezone without TZ: created in Ljubljana's zone" "created    2026-12-02 18:48 CET"
env -u TZ "$SD" -C "$r" show --json "$id" >"$OUT" 2>"$ERR"
expect_out_has "display.timezone: JSON keeps UTC" '"created":"2026-12-02T17:48:00Z"'
TZ=Asia/Tokyo expect_exit "TZ wins over display.timezone" 0 sd -C "$r" show "$id"
expect_out_has "TZ wins over display.timezone: Tokyo" "created    2026-12-03 02:48 JST"
printf 'display:\n  timezone: Europe/Ljubljanaa\n' >"$tmp/bad.yaml"
cat "$tmp/config.orig" "$tmp/bad.yaml" >"$r/.sd/config.yaml"
expect_exit "display.timezone unknown: refused" 2 sd -C "$r" show "$id"
expect_err_has "display.timezone unknown: names the zone" "Europe/Ljubljanaa"

# --date=calendar: due times in the zone of the SLA's calendar, here an
# office in New York seen from Ljubljana.
sed 's|timezone: Europe/Ljubljana |timezone: America/New_York |' "$tmp/config.orig" >"$r/.sd/config.yaml"
TZ=Europe/Ljubljana expect_exit "show --date=calendar" 0 sd -C "$r" show --date=calendar "$id"
expect_match "show --date=calendar: due in New York's zone" "$OUT" "first response   [a-z-]*, due 2026-12-0[0-9] [0-9][0-9]:[0-9][0-9] EST"
expect_out_has "show --date=calendar: other times local" "created    2026-12-02 18:48 CET"
TZ=Europe/Ljubljana expect_exit "sla --date=calendar" 0 sd -C "$r" sla --date=calendar
expect_match "sla --date=calendar: due in New York's zone" "$OUT" "2026-12-0[0-9] [0-9][0-9]:[0-9][0-9] EST"
TZ=Europe/Ljubljana expect_exit "sla --date=local" 0 sd -C "$r" sla --date=local
expect_match "sla --date=local: the same due time in Ljubljana's" "$OUT" "2026-12-0[0-9] [0-9][0-9]:[0-9][0-9] CET"
cp "$tmp/config.orig" "$r/.sd/config.yaml"

finish
