#!/bin/bash
# SPDX-License-Identifier: MIT
# sd serve and files: the request form takes files into the ticket's one
# commit (too large: nothing sent, the page says so), the status page
# links the files the requester may see and serves them as downloads
# (nothing else under files/, no path mapping), and a request sent on
# the form gets one auto-reply whose status link opens it. One server,
# one store, curl as the browser.
. "$(dirname "$0")/lib.sh"

export GIT_AUTHOR_NAME=Git GIT_AUTHOR_EMAIL=git@example.com
export GIT_COMMITTER_NAME=Git GIT_COMMITTER_EMAIL=git@example.com
fake=$(cd "$(dirname "$0")" && pwd)/fake-sendmail
reader=$(cd "$(dirname "$0")" && pwd)/maildir-read.py

r=$(store files)
sed -i -e 's/^  addresses: \[\].*/  addresses: [desk@example.com]/' \
	-e 's/^  name: "".*/  name: "Služba za pomoč"/' "$r/.sd/config.yaml"
cat >>"$r/.sd/config.yaml" <<'YAML'
portal:
  max_upload: 20K
YAML
commit_all "$r" "portal config"
printf 'mail:\n  sendmail: [%s, %s, -t, -oi]\nportal:\n  base_url: https://help.example.com\n' \
	"$fake" "$tmp/out" >"$r/.git/sd/config.yaml"
# An article the title matches: a request with files skips suggestions.
sd -C "$r" kb new "Tiskalnik ne tiska" --slug tiskalnik --tag tiskalnik -s published \
	-m 'Izklopite ga in vklopite.' >/dev/null

SD_NOW= start_serve "$r" --timeout 5 --threads 2

# GET PATH [CURL-ARGS...]: headers to $tmp/h, body to $tmp/b; prints the status.
get() {
	local p=$1
	shift
	curl -s -g -o "$tmp/b" -D "$tmp/h" -w '%{http_code}' -b "$tmp/jar" -c "$tmp/jar" "$@" "$url$p"
}
header() { tr -d '\r' <"$tmp/h" | sed -n "s/^$1: //Ip"; }

get / >/dev/null
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$tmp/b" | head -1)
expect_contains "form: takes files" "$tmp/b" 'enctype="multipart/form-data"'
expect_contains "form: says the limit" "$tmp/b" 'All files together at most 20 KB'

printf '\x89PNG\r\n\x1a\nslika' >"$tmp/shot.png"
printf '<html><script>alert(1)</script></html>\n' >"$tmp/page.txt"
head -c 25000 /dev/zero >"$tmp/big.bin"
form=(-F "csrf=$csrf" -F "name=Špela Čuk" -F "email=spela@example.si"
	-F "title=Tiskalnik ne tiska" -F "description=Принтер молчит, čšž.")

# Too large: the form again with what was typed, the limit, nothing sent.
before=$(commit_count "$r")
code=$(get /request "${form[@]}" -F "files=@$tmp/shot.png;filename=zaslon.png" \
	-F "files=@$tmp/big.bin;filename=velik čšž.bin")
expect_eq "too large: 413" 413 "$code"
expect_contains "too large: says why and the limit" "$tmp/b" "The files are too large or too many, so nothing was sent yet; please choose them again. All files together at most 20 KB, number of files at most 10."
expect_contains "too large: names the file" "$tmp/b" "10. Not accepted: „velik čšž.bin“</li>"
expect_contains "too large: what was typed stays" "$tmp/b" 'value="Tiskalnik ne tiska"'
expect_contains "too large: the description too" "$tmp/b" 'Принтер молчит, čšž.</textarea>'
# Past the limit of the whole body, too: the fields before it arrived.
head -c 400000 /dev/zero >"$tmp/huge.bin"
code=$(get /request "${form[@]}" -F "files=@$tmp/huge.bin;filename=ogromen.bin")
expect_eq "far too large: 413" 413 "$code"
expect_contains "far too large: names the file" "$tmp/b" "Not accepted: „ogromen.bin“</li>"
expect_contains "far too large: what was typed stays" "$tmp/b" 'value="Tiskalnik ne tiska"'
expect_commit_count "too large: nothing sent" "$r" "$before"
expect_eq "too large: no ticket" "" "$(all_ids "$r")"

# With files: one commit with the ticket and its files, names made safe,
# no suggestions (a browser cannot carry files on to that page).
code=$(get /request "${form[@]}" -F "files=@$tmp/shot.png;filename=снимок čšž.png" \
	-F "files=@$tmp/page.txt;filename=../../poročilo.txt")
loc=$(header Location)
expect_eq "files: sent at once, to the status page" 303 "$code"
expect_match "files: the status link" <(echo "$loc") '^/t/[0-9a-z]{12}/[A-Za-z0-9_-]{43}\?done=sent$'
id=$(all_ids "$r")
status=${loc%%\?*}
expect_commit_count "files: one commit" "$r" $((before + 1))
expect_eq "files: the ticket and both files in it" "$(tpath "$id")
tickets/${id:0:2}/$id/files/poročilo.txt
tickets/${id:0:2}/$id/files/снимок čšž.png" \
	"$(git -C "$r" -c core.quotePath=false show --name-only --format= HEAD | sort)"
expect_exit "files: sd show" 0 sd -C "$r" show "$id" --json
expect_json "files: recorded as the requester's" "$OUT" \
	'[[e["author"], e["to"]] for e in d["timeline"] if e.get("field") == "file"]' \
	'[["Špela Čuk <spela@example.si>", "снимок čšž.png"], ["Špela Čuk <spela@example.si>", "poročilo.txt"]]'
expect_json "files: channel web" "$OUT" 'd["channel"]' web

# The status page links them; a download is an attachment, never a page.
get "$status" >/dev/null
expect_contains "status: lists the files" "$tmp/b" '<a href="'"$status"'/files/%D1%81%D0%BD%D0%B8%D0%BC%D0%BE%D0%BA%20%C4%8D%C5%A1%C5%BE.png" download>снимок čšž.png</a> <span class="size">(13 B)</span>'
expect_contains "status: the timeline links too" "$tmp/b" 'File attached: <a href="'"$status"'/files/poro%C4%8Dilo.txt" download>poročilo.txt</a>'
code=$(get "$status/files/%D1%81%D0%BD%D0%B8%D0%BC%D0%BE%D0%BA%20%C4%8D%C5%A1%C5%BE.png")
expect_eq "download: 200" 200 "$code"
expect_file_eq "download: the bytes" "$tmp/shot.png" "$tmp/b"
expect_eq "download: an image by its bytes" "image/png" "$(header Content-Type)"
expect_eq "download: an attachment, the name per RFC 6266" \
	"attachment; filename=\"______ ___.png\"; filename*=UTF-8''%D1%81%D0%BD%D0%B8%D0%BC%D0%BE%D0%BA%20%C4%8D%C5%A1%C5%BE.png" \
	"$(header Content-Disposition)"
expect_eq "download: nosniff" nosniff "$(header X-Content-Type-Options)"
code=$(get "$status/files/poro%C4%8Dilo.txt")
expect_eq "download: HTML in a file is served as bytes" "200 application/octet-stream" \
	"$code $(header Content-Type)"
expect_file_eq "download: the text file" "$tmp/page.txt" "$tmp/b"

# The form's request gets one auto-reply, whose link opens its page.
SD_NOW= expect_exit "mail: send" 0 sd -C "$r" mail send
/usr/bin/python3 "$reader" "$tmp/out" >"$tmp/out.json" 2>"$tmp/out.err"
expect_json "mail: one message" "$tmp/out.json" 'len(d)' 1
expect_json "mail: to the form's address" "$tmp/out.json" 'd[0]["To"]' "Špela Čuk <spela@example.si>"
expect_json "mail: an auto-reply" "$tmp/out.json" 'd[0]["Auto-Submitted"]' auto-replied
link=$(json_get "$tmp/out.json" "re.search(r'https://help\.example\.com(/t/\S+)', d[0]['parts']['text/plain']).group(1)")
expect_eq "mail: the status link of the ticket" "$status" "$link"
code=$(get "$link")
expect_eq "mail: the link opens" 200 "$code"
expect_contains "mail: on the ticket's page" "$tmp/b" "<h1>Tiskalnik ne tiska</h1>"

# The requester's out-of-office answer is filed as an internal note with
# its original message kept: neither listed nor served.
mid=$(json_get "$tmp/out.json" 'd[0]["Message-ID"]')
printf 'From: spela@example.si\nTo: desk@example.com\nSubject: Odsoten\nAuto-Submitted: auto-replied\nIn-Reply-To: %s\nMessage-ID: <ooo1@example.si>\n\nINTERNAL-ONLY odsotna sem.\n' \
	"$mid" >"$tmp/ooo.eml"
STDIN=$tmp/ooo.eml expect_exit "internal: the answer is filed" 0 sd -C "$r" mail
expect_exit "internal: its original kept" 0 sd -C "$r" show "$id" --files
expect_out_has "internal: message.eml in files/" "message.eml"
# Text naming it (anybody can write that) does not make it public.
sd -C "$r" comment "$id" -m "Attached: files/message.eml (1 bytes)" >/dev/null
get "$status" >/dev/null
expect_lacks "internal: the note is not shown" "$tmp/b" "INTERNAL-ONLY"
expect_lacks "internal: its file is not listed" "$tmp/b" "/files/message.eml"
# A reply by mail with a file: her file is listed and served, the
# reply's original message is not.
pdf=$(printf '%%PDF-1.4 račun čšž\n' | base64 -w0)
printf 'From: spela@example.si\nTo: desk@example.com\nSubject: Re: x\nIn-Reply-To: %s\nMessage-ID: <r1@example.si>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain; charset=utf-8\n\nŠe račun.\n--B\nContent-Type: application/pdf\nContent-Disposition: attachment; filename*=utf-8'"''"'ra%%C4%%8Dun%%20%%C5%%A1pela.pdf\nContent-Transfer-Encoding: base64\n\n%s\n--B--\n' \
	"$mid" "$pdf" >"$tmp/r1.eml"
STDIN=$tmp/r1.eml expect_exit "mail reply: filed" 0 sd -C "$r" mail
get "$status" >/dev/null
expect_contains "mail reply: her file is listed" "$tmp/b" '/files/ra%C4%8Dun%20%C5%A1pela.pdf" download>račun špela.pdf</a>'
expect_lacks "mail reply: no original is" "$tmp/b" '.eml" download'
code=$(get "$status/files/ra%C4%8Dun%20%C5%A1pela.pdf")
expect_eq "mail reply: her file downloads" "200 %PDF-1.4 račun čšž" "$code $(cat "$tmp/b")"
# Images and links to files/NAME in text (sd mail writes inline images
# so) lead to the download when the file is public, else are text.
sd -C "$r" comment "$id" -m 'Vidim: ![схема čšž](<files/снимок čšž.png>), [skrito](files/message.eml) in ![ni](<files/nič.png>).' >/dev/null
get "$status" >/dev/null
expect_contains "text: an image of a public file shows it" "$tmp/b" '<img src="'"$status"'/files/%D1%81%D0%BD%D0%B8%D0%BC%D0%BE%D0%BA%20%C4%8D%C5%A1%C5%BE.png" alt="схема čšž" />'
expect_contains "text: others are their text" "$tmp/b" '<p>Vidim: <img src="'"$status/files/%D1%81%D0%BD%D0%B8%D0%BC%D0%BE%D0%BA%20%C4%8D%C5%A1%C5%BE.png"'" alt="схема čšž" />, skrito in ni.</p>'

get "/t/000000000000/${status##*/}" >/dev/null
cp "$tmp/b" "$tmp/unknown"
ok=1
for p in "$status/files/message.eml" "$status/files/MESSAGE.EML" "$status/files/" \
	"$status/files/..%2F..%2F$id.md" "$status/files/%2e%2e" "$status/files/../$id.md" \
	"$status/files/poro%C4%8Dilo.txt/" "$status/files/poro%C4%8Dilo.txt%00" \
	"${status%?}A/files/poro%C4%8Dilo.txt" "$status/files/%2Fetc%2Fpasswd"; do
	code=$(get "$p" --path-as-is)
	if [ "$code" != 404 ] || ! cmp -s "$tmp/b" "$tmp/unknown"; then
		ok=0
		fail "no path mapping: $p" "got $code" "$(head -c 300 "$tmp/b")"
	fi
done
[ $ok = 1 ] && ok "no path mapping: other names, encodings and wrong tokens answer as an unknown ticket"
code=$(get "$status/files/poro%C4%8Dilo.txt" -d x=1)
expect_eq "download: only GET" 404 "$code"

kill -TERM "$pid"
wait "$pid"
expect_eq "serve: SIGTERM ends it cleanly" 0 $?
expect_lacks "log: no file names" "$tmp/serve.log" "čšž"
fsck_ok "files" "$r"
finish
