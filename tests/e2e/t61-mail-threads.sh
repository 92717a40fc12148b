#!/bin/bash
# SPDX-License-Identifier: MIT
# sd mail, the rest of the way in: cc, threading by any Message-ID a
# ticket holds (also in a clone), redelivery, reopening, attachments and
# the original kept in the same commit, the mail section's limits, own
# addresses and bounces.
. "$(dirname "$0")/lib.sh"

r=$(store desk)
# The mail section's values this test needs, edited in place.
sed -i 's/^  addresses: \[\]/  addresses: [Desk@Example.com, pomoc@example.si]/; s/^  thread_window: off/  thread_window: 3d/; s/^  max_file_bytes: 10MB/  max_file_bytes: 2KB/' "$r/.sd/config.yaml"
git -C "$r" commit -qam "mail config"
expect_exit "config: sd check" 0 sd -C "$r" check
# A bad value is named, with its line, by sd check and by sd mail (which
# then asks the mail server to retry: the message is not lost).
cp "$r/.sd/config.yaml" "$tmp/config.yaml"
sed -i 's/^  reopen_days: 14 .*/  reopen_days: soon/' "$r/.sd/config.yaml"
line=$(grep -n '^  reopen_days: soon' "$r/.sd/config.yaml" | cut -d: -f1)
run sd -C "$r" check
expect_out_has "config: sd check names the key" ".sd/config.yaml:$line: mail.reopen_days must be a number of days from 0 to 3650, like 14"
printf 'From: a@example.si\nSubject: x\n\nx\n' >"$tmp/x.eml"
STDIN=$tmp/x.eml expect_exit "config: sd mail with a bad config" 75 sd -C "$r" mail
printf 'mail:\n  sendmail: [/usr/bin/msmtp, -t]\n' >"$r/.git/sd/config.yaml"
cp "$tmp/config.yaml" "$r/.sd/config.yaml"
expect_exit "config: the local mail.sendmail" 0 sd -C "$r" trust
expect_match "config: sd trust lists the local mail.sendmail" "$OUT" '^mail.sendmail +local +\.git/sd/config\.yaml +\["/usr/bin/msmtp", "-t"\]$'
rm "$r/.git/sd/config.yaml"

# An Outlook-shaped message: multipart/mixed around an alternative
# (windows-1251 plain text and HTML), a PDF, an inline image and a file
# over max_file_bytes; the desk is in To and Cc among others.
pdf=$(printf '%%PDF-1.4 račun\n' | base64 -w0)
png=$(printf '\x89PNG\r\n\x1a\nimage' | base64 -w0)
big=$(head -c 3000 /dev/zero | tr '\0' 'x' | base64 -w0)
{
	printf 'From: =?windows-1251?B?yOLg7SDP5fLw7uI=?= <ivan@example.ru>\r\n'
	printf 'To: Desk <desk@example.com>, "Bor Kos" <bor@example.com>\r\n'
	printf 'Cc: ana@example.si, POMOC@example.si\r\nReply-To: ivan.home@example.ru\r\n'
	printf 'Subject: =?windows-1251?B?z/Do7fLl8A==?=\r\nMessage-ID: <o1@example.ru>\r\n'
	printf 'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="MIX"\r\n\r\n'
	printf -- '--MIX\r\nContent-Type: multipart/alternative; boundary="ALT"\r\n\r\n'
	printf -- '--ALT\r\nContent-Type: text/plain; charset=windows-1251\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'
	printf '=CD=E5 =F0=E0=E1=EE=F2=E0=E5=F2 =EF=F0=E8=ED=F2=E5=F0.\r\n'
	printf -- '--ALT\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>HTML</p>\r\n--ALT--\r\n'
	printf -- '--MIX\r\nContent-Type: application/pdf; name="=?utf-8?B?%s?="\r\n' "$(printf 'račun.pdf' | base64 -w0)"
	printf 'Content-Disposition: attachment; filename*=utf-8'"''"'ra%%C4%%8Dun.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n' "$pdf"
	printf -- '--MIX\r\nContent-Type: image/png; name="image001.png"\r\nContent-ID: <image001@01D>\r\nContent-Disposition: inline; filename="../../.git/image001.png"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n' "$png"
	printf -- '--MIX\r\nContent-Type: application/zip; name="big.zip"\r\nContent-Disposition: attachment; filename="big.zip"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n--MIX--\r\n' "$big"
} >"$tmp/o1.eml"
before=$(commit_count "$r")
STDIN=$tmp/o1.eml SD_NOW=2026-11-23T09:00:00Z expect_exit "outlook: new ticket" 0 sd -C "$r" mail
expect_one_new_commit "outlook: one commit" "$r" "$before"
id=$(all_ids "$r")
d=tickets/${id:0:2}/$id
expect_eq "outlook: the commit holds the ticket, its files and the original" \
	"$d.md
$d/files/image001.png
$d/files/message.eml
$d/files/račun.pdf" "$(git -C "$r" -c core.quotepath=off show --format= --name-only HEAD | sort)"
expect_eq "outlook: the attachment's bytes" "%PDF-1.4 račun" "$(cat "$r/$d/files/račun.pdf")"
expect_eq "outlook: the original kept whole" "$(md5sum <"$tmp/o1.eml")" "$(md5sum <"$r/$d/files/message.eml")"
expect_exit "outlook: show --json" 0 sd -C "$r" show "$id" --json
cp "$OUT" "$tmp/o1.json"
expect_json "outlook: cc without the desk's own addresses" "$tmp/o1.json" 'd["cc"]' \
	'["bor@example.com", "ana@example.si"]'
expect_json "outlook: description from the plain part, files listed, the drop noted" "$tmp/o1.json" \
	'd["description"]' "Не работает принтер.

Attached: files/račun.pdf (16 bytes)
Attached: files/image001.png (13 bytes)
Not stored: big.zip (3000 bytes, over mail.max_file_bytes (2000))"
expect_json "outlook: the mail event carries the message's ids and addresses" "$tmp/o1.json" \
	'[(e["to"], e["message_id"], e["mail_from"], e["mail_to"], e["reply_to"]) for e in d["timeline"] if e.get("field") == "mail"]' \
	'[["received", "o1@example.ru", "ivan@example.ru", "bor@example.com,ana@example.si", "ivan.home@example.ru"]]'
expect_json "outlook: the dropped file is recorded for the auto-reply" "$tmp/o1.json" \
	'[(e["from"], e["to"], e["reason"], e["message_id"]) for e in d["timeline"] if e.get("field") == "file" and e["from"]]' \
	'[["big.zip", "", "not stored: 3000 bytes, over mail.max_file_bytes (2000)", "o1@example.ru"]]'
expect_json "outlook: the files Ivan sent are his, the original is not" "$tmp/o1.json" \
	'[(e["author"], e["to"]) for e in d["timeline"] if e.get("field") == "file" and e["to"]]' \
	'[["Иван Петров <ivan@example.ru>", "račun.pdf"], ["Иван Петров <ivan@example.ru>", "image001.png"]]'
expect_contains "outlook: the marker is in the file" "$r/$d.md" 'to=received message_id=o1@example.ru mail_from=ivan@example.ru'
expect_json "outlook: the JSON lists the files" "$tmp/o1.json" '[(f["name"], f["path"], f["size"]) for f in d["files"]][2]' \
	"[\"račun.pdf\", \"$d/files/račun.pdf\", 16]"
expect_exit "outlook: show --files" 0 sd -C "$r" show "$id" --files
expect_eq "outlook: show --files lists them" "image001.png	13
message.eml	$(wc -c <"$tmp/o1.eml")
račun.pdf	16" "$(cat "$OUT")"
expect_exit "outlook: sd show lists the files" 0 sd -C "$r" show "$id"
expect_out_has "outlook: sd show names a file" "račun.pdf"

# A reply from a cc, threaded by In-Reply-To, is her public comment;
# delivered again, it is filed once.
printf 'From: Ana <ana@example.si>\nTo: desk@example.com\nCc: nova@example.si\nSubject: Re: whatever\nMessage-ID: <r1@example.si>\nIn-Reply-To: <o1@example.ru>\n\nPri nas tudi ne dela. Čšž.\n\nAna je napisala:\n> x\n' >"$tmp/r1.eml"
STDIN=$tmp/r1.eml SD_NOW=2026-11-23T10:00:00Z expect_exit "cc reply" 0 sd -C "$r" mail
before=$(commit_count "$r")
STDIN=$tmp/r1.eml SD_NOW=2026-11-23T10:05:00Z expect_exit "cc reply again" 0 sd -C "$r" mail
expect_out_has "cc reply again: said" "already taken (Message-ID r1@example.si)"
expect_commit_count "cc reply again: nothing committed" "$r" "$before"
expect_exit "cc reply: show" 0 sd -C "$r" show "$id" --json
expect_json "cc reply: one public comment by her, with its Message-ID" "$OUT" \
	'[(e["author"], e["body"], e["visibility"], e["message_id"]) for e in d["timeline"] if e["kind"] == "comment"]' \
	'[["Ana <ana@example.si>", "Pri nas tudi ne dela. Čšž.", "public", "r1@example.si"]]'
expect_json "cc reply: a new person on the thread joins cc" "$OUT" 'd["cc"]' \
	'["bor@example.com", "ana@example.si", "nova@example.si"]'

# In a clone, a reply to the comment's message (not the first one)
# still finds the ticket: the ids are in the file, not in a local table.
git clone -q "$r" "$tmp/clone"
printf 'From: ivan@example.ru\nSubject: Re: Re: x\nMessage-ID: <r2@example.ru>\nReferences: <nothing@else> <r1@example.si>\n\nSpasibo.\n' >"$tmp/r2.eml"
STDIN=$tmp/r2.eml SD_NOW=2026-11-23T11:00:00Z expect_exit "clone: reply to a comment's message" 0 sd -C "$tmp/clone" mail
expect_out_has "clone: threaded onto the ticket" "${id:0:8}: comment by ivan@example.ru"
expect_eq "clone: no new ticket" 1 "$(all_ids "$tmp/clone" | wc -l)"

# Resolved: a reply reopens. Closed lately: reopens too. Closed more
# than reopen_days (14) ago: a new ticket that names the old one.
SD_NOW=2026-11-23T12:00:00Z expect_exit "resolve" 0 sd -C "$r" resolve "$id" -m "new toner"
printf 'From: ivan@example.ru\nSubject: Re: [sd #%s] Printer\nMessage-ID: <r3@example.ru>\n\nStill broken.\n' "${id:0:8}" >"$tmp/r3.eml"
STDIN=$tmp/r3.eml SD_NOW=2026-11-23T13:00:00Z expect_exit "reply to resolved" 0 sd -C "$r" mail
expect_out_has "reply to resolved: reopened" "comment, reopened"
SD_NOW=2026-11-23T14:00:00Z expect_exit "close" 0 sd -C "$r" close "$id" -m done
printf 'From: ivan@example.ru\nSubject: Re: [sd #%s] Printer\nMessage-ID: <r4@example.ru>\n\nAgain.\n' "${id:0:8}" >"$tmp/r4.eml"
STDIN=$tmp/r4.eml SD_NOW=2026-11-30T14:00:00Z expect_exit "reply a week after closing" 0 sd -C "$r" mail
expect_out_has "reply a week after closing: reopened" "comment, reopened"
SD_NOW=2026-11-30T15:00:00Z expect_exit "close again" 0 sd -C "$r" close "$id" -m done
printf 'From: ivan@example.ru\nSubject: Re: [sd #%s] Printer\nMessage-ID: <r5@example.ru>\n\nA month later.\n' "${id:0:8}" >"$tmp/r5.eml"
STDIN=$tmp/r5.eml SD_NOW=2026-12-30T15:00:00Z expect_exit "reply a month after closing" 0 sd -C "$r" mail
expect_out_has "reply a month after closing: a new ticket" "new ticket from ivan@example.ru"
expect_exit "reply a month after closing: show" 0 sd -C "$r" show "$id" --json
expect_json "reply a month after closing: the old one stays closed" "$OUT" 'd["status"]' closed

# No reference, no tag: the sender's open ticket of the same subject
# within thread_window (3d) takes it; later, a new ticket.
printf 'From: Maja <maja@example.si>\nSubject: Tiskalnik\nMessage-ID: <s1@x>\n\nNe tiska.\n' >"$tmp/s1.eml"
printf 'From: maja@example.si\nSubject: RE: Tiskalnik\nMessage-ID: <s2@x>\n\nŠe vedno ne.\n' >"$tmp/s2.eml"
printf 'From: maja@example.si\nSubject: Tiskalnik\nMessage-ID: <s3@x>\n\nSpet.\n' >"$tmp/s3.eml"
STDIN=$tmp/s1.eml SD_NOW=2026-12-01T09:00:00Z expect_exit "subject: first" 0 sd -C "$r" mail
STDIN=$tmp/s2.eml SD_NOW=2026-12-02T09:00:00Z expect_exit "subject: within the window" 0 sd -C "$r" mail
expect_out_has "subject: within the window is a comment" "comment by maja@example.si"
STDIN=$tmp/s3.eml SD_NOW=2026-12-09T09:00:00Z expect_exit "subject: past the window" 0 sd -C "$r" mail
expect_out_has "subject: past the window is a new ticket" "new ticket from maja@example.si"

# From the desk's own address (any case): refused, so mail never loops.
before=$(commit_count "$r")
printf 'From: DESK@example.com\nSubject: loop\nMessage-ID: <l1@x>\n\nx\n' >"$tmp/own.eml"
STDIN=$tmp/own.eml expect_exit "own address refused" 65 sd -C "$r" mail
expect_err_has "own address: says why" "desk's own address DESK@example.com"

# A Postfix bounce of the desk's mail about the ticket: an internal note
# there, and a record that stops mail to that address for the ticket.
{
	printf 'From: MAILER-DAEMON@mx.example.com (Mail Delivery System)\nTo: desk@example.com\nSubject: Undelivered Mail Returned to Sender\nMessage-ID: <b1@mx>\nAuto-Submitted: auto-replied\n'
	printf 'MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n'
	printf -- '--B\nContent-Type: text/plain\n\nI am sorry to have to inform you that your message could not be delivered.\n'
	printf -- '--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.com\n\nFinal-Recipient: rfc822; bor@example.com\nAction: failed\nStatus: 5.1.1\n'
	printf -- '--B\nContent-Type: text/rfc822-headers\n\nFrom: desk@example.com\nMessage-ID: <r1@example.si>\nSubject: x\n--B--\n'
} >"$tmp/bounce.eml"
STDIN=$tmp/bounce.eml SD_NOW=2026-12-10T09:00:00Z expect_exit "bounce" 0 sd -C "$r" mail
expect_out_has "bounce: an internal note on the ticket" "${id:0:8}: internal note by MAILER-DAEMON@mx.example.com"
expect_exit "bounce: show" 0 sd -C "$r" show "$id" --json
expect_json "bounce: mail to that address stops" "$OUT" \
	'[(e["from"], e["to"], e["reason"]) for e in d["timeline"] if e.get("field") == "mail" and e["to"] == "bounced"]' \
	'[["bor@example.com", "bounced", "delivery failed: 5.1.1 failed"]]'
# An Exchange inbox rule's answer (no Auto-Submitted) on Maja's open
# ticket: an internal note, no clock met, nothing reopened or changed.
printf 'From: maja@example.si\nSubject: Samodejni odgovor: Tiskalnik\nMessage-ID: <oof@x>\nIn-Reply-To: <s3@x>\nX-MS-Exchange-Generated-Message-Source: Mailbox Rules Agent\n\nSem na dopustu.\n' >"$tmp/oof.eml"
STDIN=$tmp/oof.eml SD_NOW=2026-12-10T09:30:00Z expect_exit "exchange out-of-office" 0 sd -C "$r" mail
expect_out_has "exchange out-of-office: an internal note" "internal note by maja@example.si"

# 50 MB: taken, its 37 MB file and the original over the limits dropped
# and said so; the MTA is not asked to retry.
{
	printf 'From: velik@example.si\nSubject: Posnetek\nMessage-ID: <huge@x>\nContent-Type: multipart/mixed; boundary=H\n\n--H\nContent-Type: text/plain; charset=utf-8\n\nVideo v prilogi.\n'
	printf -- '--H\nContent-Type: video/mp4\nContent-Disposition: attachment; filename=posnetek.mp4\nContent-Transfer-Encoding: base64\n\n'
	head -c 37000000 /dev/zero | base64
	printf -- '--H--\n'
} >"$tmp/huge.eml"
STDIN=$tmp/huge.eml SD_NOW=2026-12-10T09:40:00Z expect_exit "50 MB message" 0 sd -C "$r" mail
big_id=$(sed -n 's/^\([0-9a-z]*\): new ticket from velik@example.si$/\1/p' "$OUT")
size=$(wc -c <"$tmp/huge.eml")
rm -f "$tmp/huge.eml"
expect_exit "50 MB message: show" 0 sd -C "$r" show "$big_id" --json
expect_json "50 MB message: the drops are in the description" "$OUT" 'd["description"].split("\n")[2:]' \
	'["Not stored: posnetek.mp4 (37000000 bytes, over mail.max_file_bytes (2000))", "Original message not kept: '"$size"' bytes, over mail.max_message_bytes (10000000)"]'

# 10,000 parts: the first 100 stored, the rest said in a bounded text
# and 20 events, so one message cannot bloat the ticket.
{
	printf 'From: many@example.si\nSubject: Veliko delov\nMessage-ID: <many@x>\nContent-Type: multipart/mixed; boundary=q\n\n'
	for ((i = 0; i < 10000; i++)); do
		printf -- '--q\nContent-Type: application/octet-stream; name=f%d.bin\nContent-Transfer-Encoding: base64\n\nAAEC\n' $i
	done
	printf -- '--q\nContent-Type: text/plain\n\nthe text\n--q--\n'
} >"$tmp/many.eml"
STDIN=$tmp/many.eml SD_NOW=2026-12-10T09:50:00Z expect_exit "10,000 parts" 0 sd -C "$r" mail
many=$(sed -n 's/^\([0-9a-z]*\): new ticket from many@example.si$/\1/p' "$OUT")
expect_exit "10,000 parts: show" 0 sd -C "$r" show "$many" --json
expect_json "10,000 parts: 100 files and the original stored, 100 recorded, 20 drops recorded" "$OUT" \
	'(len(d["files"]), sum(1 for e in d["timeline"] if e.get("field") == "file" and e["to"]), sum(1 for e in d["timeline"] if e.get("field") == "file" and e["from"]), d["description"].splitlines()[-1])' \
	'[101, 100, 20, "(and 9800 more files)"]'

# sd attach: one commit with the files and their events; limits refuse.
# (message.eml to message-5.eml are the originals of the mail above.)
printf 'log\n' >"$tmp/dmesg.txt"
printf 'x' >"$tmp/.hidden čšž.txt"
mkdir -p "$tmp/sub" && printf 'mine' >"$tmp/sub/MESSAGE.eml"
before=$(commit_count "$r")
SD_NOW=2026-12-10T10:00:00Z expect_exit "attach" 0 sd -C "$r" attach "$id" "$tmp/dmesg.txt" "$tmp/.hidden čšž.txt" "$tmp/sub/MESSAGE.eml"
expect_one_new_commit "attach" "$r" "$before"
expect_eq "attach: prints the paths, names sanitised and unique" "$d/files/dmesg.txt
$d/files/hidden čšž.txt
$d/files/MESSAGE-6.eml" "$(cat "$OUT")"
expect_exit "attach: show" 0 sd -C "$r" show "$id" --json
expect_json "attach: one event per file" "$OUT" \
	'[e["to"] for e in d["timeline"] if e.get("field") == "file" and e["to"]]' '["račun.pdf", "image001.png", "dmesg.txt", "hidden čšž.txt", "MESSAGE-6.eml"]'
head -c 2500 /dev/zero >"$tmp/big.bin"
before=$(commit_count "$r")
expect_exit "attach: over max_file_bytes" 2 sd -C "$r" attach "$id" "$tmp/dmesg.txt" "$tmp/big.bin"
expect_commit_count "attach: over the limit, nothing" "$r" "$before"
expect_exit "attach: no file" 2 sd -C "$r" attach "$id"
expect_exit "after all: sd check" 0 sd -C "$r" check
expect_clean "after all" "$r"
fsck_ok "after all" "$r"

finish
