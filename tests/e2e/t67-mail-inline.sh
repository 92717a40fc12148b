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
sed -i 's/^  max_file_bytes: 10MB/  max_file_bytes: 2KB/' "$r/.sd/config.yaml"
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
STDIN=$tmp/outlook.eml expect_exit "outlook: new ticket" 0 sd -C "$r" mail
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
STDIN=$tmp/apple.eml expect_exit "apple: the reply" 0 sd -C "$r" mail
expect_exit "apple: show --json" 0 sd -C "$r" show "$id" --json
cp "$OUT" "$tmp/a.json"
expect_json "apple: the images link to the names they were stored under, escaped" "$tmp/a.json" \
	'd["timeline"][-1]["body"] if "body" in d["timeline"][-1] else [e.get("body") for e in d["timeline"] if e.get("type") == "comment"][-1]' \
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
fsck_ok "inline images" "$r"
finish
