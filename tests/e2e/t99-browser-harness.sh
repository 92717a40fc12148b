#!/bin/bash
# SPDX-License-Identifier: MIT
# The browser harness itself (tests/browser/check-pages.js) catches what it
# is there to catch, so a clean result from the site, portal and report
# checks means something. One crawl (one Chromium start) over a site whose
# pages each carry one fault, beside a clean one.
. "$(dirname "$0")/lib.sh"

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
page() { # FILE LANG BODY
	printf '<!doctype html><html lang="%s"><head><meta charset="utf-8">\n<meta name="viewport" content="width=device-width"><title>%s</title></head>\n<body>%s</body></html>\n' \
		"$2" "$1" "$3" >"$dir/$1"
}
page index.html sl '<h1>Pogosta vprašanja — Частые вопросы</h1>
<a href="clean.html">VPN</a> <a href="img.html">i</a> <a href="wide.html">w</a> <a href="dead.html">d</a>'
page clean.html ru '<p>Всё работает.</p><a href="index.html">nazaj</a>'
page img.html en '<img src="missing.png" alt="">'
page wide.html en '<p style="width:2000px">wide</p>'
page dead.html en '<a href="gone.html">gone</a>'

if ! command -v node >/dev/null; then
	skip "the browser harness" "node not installed (browser checks need Node.js)"
	finish
fi
out=$(node "$SRCROOT/tests/browser/check-pages.js" --crawl "file://$dir/index.html" 2>&1)
rc=$?
if [ $rc = 77 ]; then
	skip "the browser harness" "$out"
	finish
fi
t="a crawl with faulty pages exits 1"
[ $rc = 1 ] && ok "$t" || fail "$t" "exit $rc" "$out"
t="a clean page reports nothing"
grep -q 'clean.html' <<<"$out" && fail "$t" "$out" || ok "$t"
t="an image that does not load is reported"
grep -q 'img.html.*missing.png' <<<"$out" && ok "$t" || fail "$t" "$out"
t="a page wider than a phone is reported"
grep -q 'wide.html (phone): wider than a phone' <<<"$out" && ok "$t" || fail "$t" "$out"
t="a link that leads nowhere is reported with the page linking to it"
grep -q 'gone.html.*could not load.*(linked from .*dead.html)' <<<"$out" && ok "$t" || fail "$t" "$out"
t="the count of pages checked"
grep -q '^6 page(s) checked' <<<"$out" && ok "$t" || fail "$t" "$out"
finish
