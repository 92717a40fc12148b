#!/bin/bash
# SPDX-License-Identifier: MIT
# sd show renders a description's and a comment's Markdown on a terminal
# (headings, emphasis, lists, quotes, code, links), inert whatever the
# text holds; --raw and a pipe get the source. script(1) is the terminal.
. "$(dirname "$0")/lib.sh"

if ! command -v script >/dev/null 2>&1; then
	skip "Markdown on a terminal" "script(1) not available"
	finish
fi
tty() { run script -qec "$1" /dev/null; }

r=$(store md)
cat >"$tmp/desc" <<'MD'
## Tiskalnik v drugem nadstropju

Zjutraj se **vedno** zatakne, *čšž*; glej `lpstat -t` in [navodila](https://example.com/navodila).

- Кириллица: принтер
- 日本語のテキスト

> Stranka piše: ne dela.

```
$ lpstat -t
```

Zlo: &#27;]0;pwned&#7; &#155;31m [x](<https://a/&#27;]8;;evil&#7;>)
MD
id=$(new_ticket "$r" "Tiskalnik" -F "$tmp/desc")
sd -C "$r" comment "$id" -m "Poskusite **znova**." >/dev/null 2>&1

TERM=xterm COLUMNS=200 tty "$SD --no-pager --color=never -C $r show $id"
expect_eq "show on a terminal: exit 0" 0 "$RC"
expect_out_has "terminal: the heading" "    ## Tiskalnik v drugem nadstropju"
expect_out_has "terminal: a bullet for a list item" "    • Кириллица: принтер"
expect_out_has "terminal: a quote bar" "    │ Stranka piše: ne dela."
expect_out_has "terminal: a link as text (URL) where the terminal is not known for hyperlinks" \
	"navodila (https://example.com/navodila)"
expect_out_has "terminal: a code block indented" "        \$ lpstat -t"
expect_out_has "terminal: the comment rendered too" "    Poskusite **znova**."
expect_out_has "terminal: ESC from an entity shown, not sent" '\x1b]0;pwned\x07'
expect_out_has "terminal: C1 from an entity shown, not sent" '\u009b31m'
expect_no_esc "terminal without colour: no escape at all" "$OUT"

TERM=xterm COLUMNS=80 tty "$SD --no-pager --color=always -C $r show $id"
expect_contains "terminal with colour: bold by SGR, markers gone" "$OUT" $'\e[0;1mvedno\e[0m'
expect_lacks "terminal with colour: no ** left" "$OUT" "**vedno**"
expect_lacks "terminal with colour: the hostile OSC never reaches it" "$OUT" $'\e]0;pwned'

TERM=xterm-kitty COLUMNS=80 tty "$SD --no-pager --color=always -C $r show $id"
expect_contains "kitty: an OSC 8 hyperlink" "$OUT" $'\e]8;;https://example.com/navodila\e\\'
expect_contains "kitty: a URL with controls percent-encoded" "$OUT" $'\e]8;;https://a/%1B]8;;evil%07\e\\'
TERM=screen-256color TERM_PROGRAM=WezTerm COLUMNS=80 tty "$SD --no-pager --color=always -C $r show $id"
expect_lacks "inside screen: no OSC 8" "$OUT" $'\e]8;;'

TERM=xterm tty "$SD --no-pager --color=never -C $r show --raw $id"
expect_out_has "--raw: the source" "Zjutraj se **vedno** zatakne"
expect_out_has "--raw: the comment's source" "Poskusite **znova**."
expect_exit "a pipe: the source" 0 sd -C "$r" show "$id"
expect_out_has "a pipe: the source" "    ## Tiskalnik v drugem nadstropju"
expect_out_has "a pipe: emphasis as written" "**vedno**"
expect_out_has "a pipe: the link as written" "[navodila](https://example.com/navodila)"

# Wrapped to the terminal's width, by display width.
TERM=xterm COLUMNS=40 tty "$SD --no-pager --color=never -C $r show $id"
tr -d '\r' <"$OUT" | sed -n '/^    Zjutraj/,/^$/p' >"$tmp/para"
wide=$(python3 -c 'import sys; print("".join(l for l in open(sys.argv[1], encoding="utf-8") if len(l.rstrip("\n")) > 40), end="")' "$tmp/para")
expect_eq "40 columns: no line of the paragraph is wider" "" "$wide"
expect_contains "40 columns: the paragraph wraps" "$tmp/para" "    Zjutraj se **vedno** zatakne, *čšž*;"
finish
