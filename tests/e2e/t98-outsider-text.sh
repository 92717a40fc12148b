#!/bin/bash
# SPDX-License-Identifier: MIT
# Text from outside the IT team (requesters, pulls, imports) gives the same
# results in every locale and cannot disguise itself in what sd writes:
# CSV cells, the ticket file as a forge renders it, identities, id
# prefixes and times.
. "$(dirname "$0")/lib.sh"

# --- case folding is ASCII, whatever the locale ---
# Under tr_TR.UTF-8, tolower('I') is 'I': a comparison through the locale
# missed IT-Desk for --queue it-desk and took Ivan's own reply (as
# IVAN@...) for a response by staff, meeting the first-response clock.
r=$(store locale)
id=$(new_ticket "$r" "Printer" --queue IT-Desk --requester "Ivan <IVAN@example.com>")
SD_AUTHOR="Ivan <ivan@EXAMPLE.com>" SD_NOW=2026-11-23T09:30:00Z \
	expect_exit "locale: the requester replies" 0 sd -C "$r" comment "$id" -m "me again"
if locale -a 2>/dev/null | grep -qix 'tr_TR.utf8'; then
	locales="C C.UTF-8 tr_TR.UTF-8"
else
	locales="C C.UTF-8"
	skip "locale: tr_TR.UTF-8" "the locale is not installed (make deps generates it as root)"
fi
for loc in $locales; do
	LC_ALL=$loc expect_exit "$loc: list --queue it-desk" 0 sd -C "$r" list --queue it-desk --format '%(id) %(queue)'
	expect_out "$loc: --queue it-desk matches IT-Desk" "$id IT-Desk"
	LC_ALL=$loc SD_NOW=2026-11-23T10:00:00Z expect_exit "$loc: sla" 0 sd -C "$r" sla --json "$id"
	expect_json "$loc: the requester's own reply is no first response" "$OUT" \
		'd[0]["first_response"]["state"] + " " + str(d[0]["first_response"]["elapsed"])' "running 3600"
done

finish
