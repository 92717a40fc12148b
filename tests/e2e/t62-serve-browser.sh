#!/bin/bash
# SPDX-License-Identifier: MIT
# sd serve in a real browser: a requester's whole way through the portal
# (tests/browser/portal-flow.js), every page it meets checked and
# screenshotted at phone and desktop widths. Skips, saying why, without
# Chromium.
. "$(dirname "$0")/lib.sh"

r=$(store browser)
printf 'portal:\n  max_upload: 64K\n' >>"$r/.sd/config.yaml"
commit_all "$r" "portal config"
git -C "$r" config user.name "Ana Agent"
git -C "$r" config user.email ana@example.com
sd -C "$r" kb new "VPN ne dela: ponovno zaženite odjemalca" --slug vpn-restart --tag vpn \
	--faq -s published -m 'Zaprite odjemalca VPN in ga **znova zaženite**.' >/dev/null
# The real clock, as the agents' CLI in the flow uses.
SD_NOW= start_serve "$r"

if ! command -v node >/dev/null; then
	skip "browser: the requester's flow" "node not installed (browser checks need Node.js)"
else
	out=$(SD_NOW= node "$SRCROOT/tests/browser/portal-flow.js" --url "$url" --store "$r" \
		--sd "$SD" --shots "$SRCROOT/build/screenshots" 2>&1)
	case $? in
	0) ok "browser: the requester's flow" ;;
	77) skip "browser: the requester's flow" "$out" ;;
	*) fail "browser: the requester's flow" "$out" ;;
	esac
fi

kill -TERM "$pid"
wait "$pid"
expect_eq "serve: SIGTERM ends it cleanly" 0 $?
fsck_ok "browser" "$r"
finish
