#!/bin/bash
# SPDX-License-Identifier: MIT
# sd attach ID - --name NAME: standard input attached as a file, its name
# made safe like any attachment's, the size limit as for files; misuse of
# - and --name is refused with status 2 and nothing changed.
. "$(dirname "$0")/lib.sh"

r=$(store attach)
sed -i 's/^  max_file_bytes: 10MB/  max_file_bytes: 2KB/' "$r/.sd/config.yaml"
git -C "$r" commit -qam "limits"
id=$(new_ticket "$r" "Tiskalnik")
d=tickets/${id:0:2}/$id

printf 'Дневник: принтер, čšž\n' >"$tmp/in"
before=$(commit_count "$r")
STDIN=$tmp/in expect_exit "stdin: attached" 0 sd -C "$r" attach "$id" - --name "../poročilo čšž/Отчёт.txt"
expect_out "stdin: the stored path, the name's last component" "$d/files/Отчёт.txt"
expect_one_new_commit "stdin: one commit" "$r" "$before"
expect_eq "stdin: the bytes" "Дневник: принтер, čšž" "$(cat "$r/$d/files/Отчёт.txt")"
expect_exit "stdin: show --files" 0 sd -C "$r" show "$id" --files
expect_out "stdin: listed" "Отчёт.txt	39"

printf 'x' >"$tmp/x"
STDIN=$tmp/x expect_exit "stdin with files: attached" 0 sd -C "$r" attach "$id" --name "Отчёт.txt" "$tmp/in" -
expect_out "stdin with files: unique names, in order" "$d/files/in
$d/files/Отчёт-2.txt"

# refused NAME MESSAGE ARGS...: sd attach ARGS fails with status 2 and
# "sd: MESSAGE", stdin from $STDIN.
refused() {
	local name=$1 msg=$2
	shift 2
	expect_exit "$name" 2 sd -C "$r" attach "$id" "$@"
	expect_err "$name: the message" "sd: $msg"
}
before=$(head_of "$r")
STDIN=$tmp/x refused "no --name" "attaching standard input (-) needs its file name: add --name NAME" -
STDIN=$tmp/x refused "empty --name" "attaching standard input (-) needs its file name: add --name NAME" - --name ""
refused "--name without -" "--name names the file read from standard input; give - among the files, or leave --name out" "$tmp/x" --name y.txt
STDIN=$tmp/x refused "- twice" "standard input (-) can be attached only once" - - --name y.txt
head -c 3000 /dev/zero >"$tmp/big"
STDIN=$tmp/big refused "over max_file_bytes" "standard input is larger than the limit of 2000 bytes" - --name big.bin
expect_eq "refused: nothing committed" "$before" "$(head_of "$r")"
expect_clean "refused" "$r"
fsck_ok "attach from stdin" "$r"
finish
