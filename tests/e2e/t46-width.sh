#!/bin/bash
# SPDX-License-Identifier: MIT
# Lists fit the terminal: on a terminal of 40, 80 and 200 columns no line
# of sd list, search or sla is wider than the terminal, a long title is
# cut by display width (CJK two columns, combining marks none) and ends
# with "…"; --wide and a pipe give the full rows. script(1) provides the
# terminal and stty sets its size.
. "$(dirname "$0")/lib.sh"

if ! command -v script >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1; then
	skip "terminal width tests" "script(1) or python3 not available"
	finish
fi

# tty COLS CMD: run CMD (a string for sh) on a pseudo-terminal COLS wide.
tty() { run script -qec "stty cols $1 rows 50; $2" /dev/null; }

# widest FILE: the widest line in display columns, colour escapes and the
# terminal's carriage returns left out.
widest() {
	python3 - "$1" <<'PY'
import re, sys, unicodedata
w = 0
for line in open(sys.argv[1], encoding="utf-8").read().split("\n"):
    line = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", line).replace("\r", "")
    n = 0
    for ch in line:
        if unicodedata.combining(ch):
            continue
        n += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    w = max(w, n)
print(w)
PY
}

r=$(store width)
ru="Принтер на третьем этаже печатает пустые страницы и застревает бумага каждый раз"
cjk="打印机在三楼打印空白页并且每次都卡纸需要尽快修理这个问题非常严重"
comb="Cafe\xcc\x81 de\xcc\x81ja\xcc\x80 vu: the e\xcc\x81 printer prints nothing at all, again and again"
cat >>"$r/.sd/config.yaml" <<'EOF2'
agents:
  - {name: 王小明, email: wang.xiaoming.with.a.long.address@example.com, queues: [desk, network, hardware, software, facilities]}
EOF2
git -C "$r" commit -qam team
id1=$(new_ticket "$r" "$ru" --assignee someone.with.a.long.name@example.com)
id2=$(new_ticket "$r" "$cjk")
id3=$(new_ticket "$r" "$(printf "$comb")")
id4=$(new_ticket "$r" "Markdown" --priority P5 -m "$ru **$cjk** *$ru*")

for cols in 40 80 200; do
	for cmd in "list" "list --all" "search a" "sla --all" "agents" "inbox"; do
		tty "$cols" "$SD --no-pager -C $r $cmd"
		expect_eq "$cmd at $cols columns: exit" 0 "$RC"
		expect_eq "$cmd at $cols columns: no line wider than the terminal" 1 \
			"$([ "$(widest "$OUT")" -le "$cols" ] && echo 1 || echo "$(widest "$OUT") > $cols")"
	done
	tty "$cols" "$SD --no-pager --color=always -C $r list"
	expect_eq "list --color=always at $cols columns: no line wider than the terminal" 1 \
		"$([ "$(widest "$OUT")" -le "$cols" ] && echo 1 || echo "$(widest "$OUT") > $cols")"
done

# At 80 columns the titles are cut, each ending with the ellipsis, and
# never inside a UTF-8 sequence (the output stays valid UTF-8).
tty 80 "$SD --no-pager -C $r list"
expect_eq "80 columns: three rows cut with …" 3 "$(grep -c '….$' "$OUT")"
expect_match "80 columns: the Cyrillic title cut" "$OUT" "Принтер на.*…"
expect_match "80 columns: the CJK title cut" "$OUT" "打印机.*…"
expect_eq "80 columns: valid UTF-8" ok "$(python3 -c 'import sys; open(sys.argv[1], encoding="utf-8").read(); print("ok")' "$OUT" 2>&1)"
# The CJK title is cut on a whole character: its row is 79 or 80 columns.
cjkrow=$(grep '打印机' "$OUT" >"$tmp/cjkrow"; widest "$tmp/cjkrow")
expect_eq "80 columns: the CJK row fills the terminal within a column" 1 \
	"$([ "$cjkrow" -ge 79 ] && [ "$cjkrow" -le 80 ] && echo 1 || echo "$cjkrow")"

tty 80 "$SD --no-pager -C $r sla --all"
expect_eq "sla at 80 columns: three rows cut with …" 3 "$(grep -cP '…(\x1b\[0m)?\r?$' "$OUT")"
tty 80 "$SD --no-pager -C $r agents"
expect_eq "agents at 80 columns: the row cut with …, the header, sized to its columns, fits" 1 "$(grep -cP '…(\x1b\[0m)?\r?$' "$OUT")"
tty 80 "$SD --no-pager -C $r agents --wide"
expect_contains "agents --wide: every queue" "$OUT" "facilities 0"
tty 40 "$SD --no-pager -C $r sla --all --wide"
expect_contains "sla --wide: the whole CJK title" "$OUT" "$cjk"

# 200 columns: everything fits, nothing cut.
tty 200 "$SD --no-pager -C $r list"
expect_contains "200 columns: the whole CJK title" "$OUT" "$cjk"
expect_contains "200 columns: the whole Cyrillic title" "$OUT" "$ru"

# --wide, a pipe and COLUMNS.
tty 40 "$SD --no-pager -C $r list --wide"
expect_contains "--wide: the whole CJK title" "$OUT" "$cjk"
expect_contains "--wide: the whole Cyrillic title" "$OUT" "$ru"
tty 40 "$SD --no-pager -C $r list | cat"
expect_contains "a pipe: the whole Cyrillic title" "$OUT" "$ru"
COLUMNS=40 sd -C "$r" list >"$tmp/piped"
expect_contains "a pipe with COLUMNS: the whole Cyrillic title" "$tmp/piped" "$ru"
tty 0 "COLUMNS=50 $SD --no-pager -C $r list"
expect_eq "no size from the terminal: COLUMNS" 1 \
	"$([ "$(widest "$OUT")" -le 50 ] && echo 1 || echo "$(widest "$OUT") > 50")"

# The rendered description of sd show wraps to the terminal too.
for cols in 40 80 200; do
	tty "$cols" "$SD --no-pager -C $r show $id4"
	sed -n '/^    Принтер/,/^\r*$/p' "$OUT" >"$tmp/desc"
	expect_eq "show at $cols columns: the description is wrapped to the terminal" 1 \
		"$([ "$(widest "$tmp/desc")" -le "$cols" ] && echo 1 || echo "$(widest "$tmp/desc") > $cols")"
	expect_eq "show at $cols columns: all of it, Cyrillic and CJK" 1 \
		"$(tr -d '\r\n ' <"$tmp/desc" | grep -c '打印机在三楼.*卡纸')"
done

# Columns sized to their content, by display width: a CJK assignee is cut
# at 24 columns (not 24 characters), and sla's clock columns are as wide
# as their widest state.
c=$(store columns)
new_ticket "$c" "Tiskalnik čšž" --assignee "王小明王小明王小明王小明王小明王小明" >/dev/null
expect_exit "list with a CJK assignee" 0 sd -C "$c" list
expect_out_has "list: the CJK assignee cut at 24 columns" "  王小明王小明王小明王小…  "
expect_exit "sla: clock columns sized to their content" 0 sd -C "$c" sla
expect_out_has "sla: no blank beyond the widest state" "first:running  next:-  resolution:running  "

finish
