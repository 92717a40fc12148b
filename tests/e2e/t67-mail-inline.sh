#!/bin/bash
# SPDX-License-Identifier: MIT
# sd mail, inline images: an image a message shows in its text by
# Content-ID (HTML <img src="cid:...">, Outlook's "[cid:...]" in the text
# part) is a Markdown image of the file stored for it, files/NAME, in the
# description or comment; a cid: of no stored file keeps only its words,
# and nothing of the message can open Markdown or HTML through an alt
# text, a file name or a Content-ID.
. "$(dirname "$0")/lib.sh"

r=$(store inline)
sed -i -e 's/^  max_file_bytes: 10MB/  max_file_bytes: 2KB/' \
	-e 's/^  addresses: \[\].*/  addresses: [desk@example.com]/' "$r/.sd/config.yaml"
cat >>"$r/.sd/config.yaml" <<'YAML'
agents:
  - {email: bob@example.com, name: Bob Tech, queues: [desk]}
YAML
git -C "$r" commit -qam "mail config"
png=$(printf '\x89PNG\r\n\x1a\nimage' | base64 -w0)
big=$(head -c 3000 /dev/zero | base64 -w0)

# Outlook: related { alternative { text with [cid:], HTML with <img> },
# two images }; the second over max_file_bytes.
{
	printf 'From: =?utf-8?B?%s?= <ivan@example.ru>\r\n' "$(printf 'Иван' | base64 -w0)"
	printf 'To: desk@example.com\r\nSubject: Принтер\r\nMessage-ID: <ol1@example.ru>\r\n'
	printf 'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="REL"; type="multipart/alternative"\r\n\r\n'
	printf -- '--REL\r\nContent-Type: multipart/alternative; boundary="ALT"\r\n\r\n'
	printf -- '--ALT\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n'
	printf 'Вот ошибка:\r\n\r\n[cid:image001.png@01DA2B3C.4D5E6F70]\r\n\r\nи ещё [cid:image002.png@01DA2B3C.4D5E6F70] и [cid:nobody@x].\r\n'
	printf -- '--ALT\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Вот ошибка:</p><p><img src="cid:image001.png@01DA2B3C.4D5E6F70"></p>\r\n--ALT--\r\n'
	printf -- '--REL\r\nContent-Type: image/png; name="image001.png"\r\nContent-Description: image001.png\r\n'
	printf 'Content-Disposition: inline; filename="image001.png"\r\nContent-ID: <image001.png@01DA2B3C.4D5E6F70>\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n' "$png"
	printf -- '--REL\r\nContent-Type: image/png; name="image002.png"\r\n'
	printf 'Content-Disposition: inline; filename="image002.png"\r\nContent-ID: <image002.png@01DA2B3C.4D5E6F70>\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n--REL--\r\n' "$big"
} >"$tmp/outlook.eml"
STDIN=$tmp/outlook.eml SD_NOW=2026-12-07T09:00:00Z expect_exit "outlook: new ticket" 0 sd -C "$r" mail
id=$(all_ids "$r")
expect_exit "outlook: show --json" 0 sd -C "$r" show "$id" --json
cp "$OUT" "$tmp/o.json"
expect_json "outlook: [cid:] of a stored image is its image, of a dropped one its name, of none as written" \
	"$tmp/o.json" 'd["description"]' 'Вот ошибка:

![image001.png](<files/image001.png>)

и ещё \[image002.png\] и [cid:nobody@x].

Attached: files/image001.png (13 bytes)
Not stored: image002.png (3000 bytes, over mail.max_file_bytes (2000))'

# A reply from Apple Mail, HTML in a related part, an image named as the
# first one (so stored under another name), Cyrillic and hostile alt text,
# a hostile Content-ID, and a cid: of nothing.
{
	printf 'From: ivan@example.ru\nTo: desk@example.com\nSubject: Re: [sd #%s] Принтер\n' "${id:0:8}"
	printf 'Message-ID: <ap1@example.ru>\nMIME-Version: 1.0 (Mac OS X Mail 16.0 \\(3731\\))\n'
	printf 'Content-Type: multipart/related; type="text/html"; boundary="Apple-Mail=_1"\n\n'
	printf -- '--Apple-Mail=_1\nContent-Transfer-Encoding: 7bit\nContent-Type: text/html; charset=utf-8\n\n'
	printf '<html><body><div>Теперь так:</div><div><img apple-inline="yes" id="A1" src="cid:5EF92182-3261@example" alt="схема ](javascript:alert(1)) <b>x</b> *čšž*"></div>'
	printf '<div><img src="cid:shot%%5D(x)%%22q@x" alt="снимок"> <img src="cid:gone@x" alt="пропало"></div></body></html>\n'
	printf -- '--Apple-Mail=_1\nContent-Transfer-Encoding: base64\nContent-Disposition: inline; filename=image001.png\n'
	printf 'Content-Type: image/png; name="image001.png"\nContent-Id: <5EF92182-3261@example>\n\n%s\n' "$png"
	printf -- '--Apple-Mail=_1\nContent-Transfer-Encoding: base64\nContent-Disposition: inline; filename="shot ](x).png"\n'
	printf 'Content-Type: image/png\nContent-Id: <shot](x)\"q@x>\n\n%s\n--Apple-Mail=_1--\n' "$png"
} >"$tmp/apple.eml"
STDIN=$tmp/apple.eml SD_NOW=2026-12-07T09:10:00Z expect_exit "apple: the reply" 0 sd -C "$r" mail
expect_exit "apple: show --json" 0 sd -C "$r" show "$id" --json
cp "$OUT" "$tmp/a.json"
expect_json "apple: the images link to the names they were stored under, escaped" "$tmp/a.json" \
	'[e["body"] for e in d["timeline"] if e["kind"] == "comment"][-1]' \
	'Теперь так:

![схема \]\(javascript\:alert\(1\)\) \<b\>x\</b\> \*čšž\*](<files/image001-2.png>)

![снимок](<files/shot \]\(x\).png>) пропало

Attached: files/image001-2.png (13 bytes)
Attached: files/shot ](x).png (13 bytes)'

# What a reader sees: sd show renders the Markdown on a terminal, the
# images as images of the stored files, the hostile alt text as text.
if command -v script >/dev/null 2>&1; then
	TERM=xterm COLUMNS=200 run script -qec "$SD --no-pager --color=never -C $r show $id" /dev/null
	expect_out_has "terminal: the Outlook image" "[image:image001.png] (files/image001.png)"
	expect_out_has "terminal: the alt text as text, the stored name as the target" \
		"[image:схема ](javascript:alert(1)) <b>x</b> *čšž*] (files/image001-2.png)"
else
	skip "terminal: the images" "script(1) not available"
fi

# A file dropped from a follow-up is told to its sender by sd mail send,
# once, as the auto-reply tells the drops of the first message.
{
	printf 'From: =?utf-8?Q?=C5=A0pela?= <spela@example.si>\nTo: desk@example.com\nSubject: Re: [sd #%s] Принтер\n' "${id:0:8}"
	printf 'Message-ID: <sp1@example.si>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=M\n\n'
	printf -- '--M\nContent-Type: text/plain; charset=utf-8\n\nTudi pri nas ne dela. Čšž.\n'
	printf -- '--M\nContent-Type: application/zip\nContent-Disposition: attachment; filename="dnevnik čšž.zip"\nContent-Transfer-Encoding: base64\n\n%s\n--M--\n' "$big"
} >"$tmp/spela.eml"
STDIN=$tmp/spela.eml SD_NOW=2026-12-07T09:20:00Z expect_exit "drop: a follow-up with a file too large" 0 sd -C "$r" mail
export GIT_AUTHOR_NAME=Git GIT_AUTHOR_EMAIL=git@example.com GIT_COMMITTER_NAME=Git GIT_COMMITTER_EMAIL=git@example.com
printf 'mail:\n  sendmail: [%s, %s, -t, -oi]\n' "$E2E_DIR/fake-sendmail" "$tmp/out" >"$r/.git/sd/config.yaml"
SD_NOW=2026-12-07T09:30:00Z expect_exit "drop: sd mail send" 0 sd -C "$r" mail send
sent=$(ls "$tmp/out/new" | wc -l)
/usr/bin/python3 "$E2E_DIR/maildir-read.py" "$tmp/out" >"$tmp/out.json"
sp='[m for m in d if "spela@" in m["To"]]'
expect_json "drop: to the sender of the follow-up" "$tmp/out.json" "[m['To'] for m in $sp]" '["Špela <spela@example.si>"]'
expect_json "drop: automatic, RFC 3834" "$tmp/out.json" "[$sp[0][h] for h in ('Auto-Submitted', 'Precedence')]" '["auto-replied", "bulk"]'
expect_json "drop: threads under her message" "$tmp/out.json" "$sp[0]['In-Reply-To']" "<sp1@example.si>"
expect_json "drop: names the file and why" "$tmp/out.json" "$sp[0]['parts']['text/plain'].split('\n')[2]" \
	"- dnevnik čšž.zip: not stored: 3000 bytes, over mail.max_file_bytes (2000)"
expect_json "drop: the auto-reply names the first message's drop, not the follow-up's" "$tmp/out.json" \
	"[('image002.png' in m['parts']['text/plain'], 'dnevnik' in m['parts']['text/plain']) for m in d if m['Auto-Submitted'] == 'auto-replied' and 'ivan@' in m['To']]" \
	"[[true, false]]"
SD_NOW=2026-12-07T09:31:00Z expect_exit "drop: sd mail send again" 0 sd -C "$r" mail send
expect_eq "drop: sent once" "$sent" "$(ls "$tmp/out/new" | wc -l)"
expect_exit "drop: show --json" 0 sd -C "$r" show "$id" --json
expect_json "drop: recorded as a mail event" "$OUT" \
	'[e["to"] for e in d["timeline"] if e.get("field") == "mail" and e["from"].startswith("dropped:")]' \
	'["spela@example.si"]'
fsck_ok "inline images" "$r"
finish
