#!/bin/bash
# SPDX-License-Identifier: MIT
# sd mail send: the conversation by mail (mail in, one auto-reply and none
# to machines, an agent's answer threaded, the requester's reply back on
# the ticket), headers nobody can inject into, what is sent recorded so
# that two clones send each message once, and a failing sendmail.
# Outbound mail goes to tests/e2e/fake-sendmail, which writes a Maildir;
# Python's email module reads it back.
. "$(dirname "$0")/lib.sh"

export GIT_AUTHOR_NAME=Git GIT_AUTHOR_EMAIL=git@example.com
export GIT_COMMITTER_NAME=Git GIT_COMMITTER_EMAIL=git@example.com
fake=$(cd "$(dirname "$0")" && pwd)/fake-sendmail
reader=$(cd "$(dirname "$0")" && pwd)/maildir-read.py

# mailbox NAME: the messages delivered to $tmp/NAME, as JSON in $tmp/NAME.json.
mailbox() { /usr/bin/python3 "$reader" "$tmp/$1" >"$tmp/$1.json" 2>"$tmp/$1.err" || fail "read $1" "$(cat "$tmp/$1.err")"; }
count() { ls "$tmp/$1/new" 2>/dev/null | wc -l; }
# sending STORE MAILDIR: the clone sends through fake-sendmail into MAILDIR.
sending() { printf 'mail:\n  sendmail: [%s, %s, -t, -oi]\n' "$fake" "$tmp/$2" >"$1/.git/sd/config.yaml"; }

r=$(store desk)
sed -i -e 's/^  addresses: \[\].*/  addresses: [desk@example.com, help@example.com]/' \
	-e 's/^  name: "".*/  name: "Служба поддержки"/' "$r/.sd/config.yaml"
cat >>"$r/.sd/config.yaml" <<'EOF'
agents:
  - {email: bob@example.com, name: Bob Tech, queues: [desk]}
queues:
  desk: {assign: bob@example.com}
EOF
commit_all "$r" "mail config"
sending "$r" out
printf 'portal:\n  base_url: https://help.example.com\n' >>"$r/.git/sd/config.yaml"

# Mail in: Russian, from Outlook (windows-1251, CRLF).
printf 'From: =?windows-1251?B?yOLg7SDP5fLw7uI=?= <ivan@example.ru>\r\nTo: desk@example.com\r\nCc: spela@example.si\r\nSubject: =?windows-1251?B?ztLCOiDP8Ojt8uXw?=\r\nMessage-ID: <m1@example.ru>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=windows-1251\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=CD=E5 =F0=E0=E1=EE=F2=E0=E5=F2 =EF=F0=E8=ED=F2=E5=F0.\r\n' >"$tmp/m1.eml"
STDIN=$tmp/m1.eml SD_NOW=2026-12-07T09:00:00Z expect_exit "in: new ticket" 0 sd -C "$r" mail
id=$(all_ids "$r")
# Machine mail and mail that must not be answered: no auto-reply.
printf 'From: noreply@shop.example\nSubject: Your order\nMessage-ID: <n1@shop.example>\n\nThanks for buying.\n' >"$tmp/noreply.eml"
printf 'From: jane@example.com\nReturn-Path: <>\nSubject: Null sender\nMessage-ID: <n2@example.com>\n\nx\n' >"$tmp/null.eml"
printf 'From: loop@example.org\nX-Loop: desk@example.com\nSubject: Looping\nMessage-ID: <n3@example.org>\n\nx\n' >"$tmp/xloop.eml"
printf 'From: Jane <jane@example.com>\nSubject: Out of office\nAuto-Submitted: auto-replied\n\nAway.\n' >"$tmp/ooo.eml"
printf 'From: MAILER-DAEMON@example.com\nSubject: Undelivered\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\n\n--b\nContent-Type: text/plain\n\nfailed\n--b--\n' >"$tmp/bounce.eml"
printf 'From: x@lists.example\nList-Id: <l.example>\nSubject: digest\n\nx\n' >"$tmp/list.eml"
for m in noreply null xloop; do
	STDIN=$tmp/$m.eml SD_NOW=2026-12-07T09:01:00Z expect_exit "in: $m becomes a ticket" 0 sd -C "$r" mail
done
for m in ooo bounce; do
	STDIN=$tmp/$m.eml SD_NOW=2026-12-07T09:01:00Z expect_exit "in: $m is dropped" 0 sd -C "$r" mail
	expect_out_has "in: $m: said" "dropped: the"
done
STDIN=$tmp/list.eml SD_NOW=2026-12-07T09:01:00Z expect_exit "in: list is refused" 65 sd -C "$r" mail

# Dry run: prints, sends and records nothing.
before=$(commit_count "$r")
SD_NOW=2026-12-07T09:02:00Z expect_exit "dry run" 0 sd -C "$r" mail send --dry-run
expect_out_has "dry run: prints the auto-reply" "auto-reply to ivan@example.ru"
expect_out_has "dry run: and the agents' notices" "notify-new to bob@example.com"
expect_eq "dry run: nothing sent" 0 "$(count out)"
expect_commit_count "dry run" "$r" "$before"

SD_NOW=2026-12-07T09:02:00Z expect_exit "send: auto-reply" 0 sd -C "$r" mail send
expect_one_new_commit "send: auto-reply" "$r" "$before"
expect_eq "send: an auto-reply and four notices" 5 "$(count out)"
mailbox out
# iv: the messages to Ivan, in order; bob: those to Bob.
iv='[m for m in d if "ivan@" in m["To"]]'
bob='[m for m in d if "bob@" in m["To"]]'
expect_json "send: one auto-reply, to Ivan only" "$tmp/out.json" "len($iv)" 1
expect_json "send: the agent told of each new ticket" "$tmp/out.json" "sorted(m['Subject'].split('] ')[1] for m in $bob)" \
	'["New: Looping", "New: Null sender", "New: Your order", "New: Принтер"]'
expect_json "auto-reply: to" "$tmp/out.json" "$iv"'[0]["To"]' "Иван Петров <ivan@example.ru>"
expect_json "auto-reply: from the desk, name encoded" "$tmp/out.json" "$iv"'[0]["From"]' "Служба поддержки <desk@example.com>"
expect_json "auto-reply: subject tag and title" "$tmp/out.json" "$iv"'[0]["Subject"]' "[sd #${id:0:4}] Принтер"
expect_json "auto-reply: RFC 3834 headers" "$tmp/out.json" "[m[h] for m in $iv[:1] for h in ('Auto-Submitted', 'Precedence', 'X-Loop')]" '["auto-replied", "bulk", "desk@example.com"]'
expect_json "auto-reply: answers the message" "$tmp/out.json" "$iv"'[0]["In-Reply-To"]' "<m1@example.ru>"
expect_json "auto-reply: Message-ID names the ticket" "$tmp/out.json" "$iv"'[0]["Message-ID"].startswith("<sd-'"$id"'-")' "true"
expect_json "auto-reply: headers are ASCII" "$tmp/out.json" "$iv"'[0]["raw_headers_ascii"]' "true"
expect_json "auto-reply: the template filled, in Russian as Ivan wrote" "$tmp/out.json" "'зарегистрировали его как заявку ${id:0:4}' in $iv[0]['parts']['text/plain']" "true"
expect_json "auto-reply: the due time in Russian words, in the calendar's zone" "$tmp/out.json" "'Мы ответим до: понедельник, 7 декабря 2026 г., 15:00 CET.' in $iv[0]['parts']['text/plain']" "true"
expect_json "auto-reply: the status link" "$tmp/out.json" "'https://help.example.com/t/$id/' in $iv[0]['parts']['text/plain']" "true"
expect_json "auto-reply: an HTML part" "$tmp/out.json" "'<p>' in $iv[0]['parts']['text/html']" "true"
expect_exit "auto-reply: the record" 0 sd -C "$r" show "$id" --json
expect_json "auto-reply: recorded as a mail event" "$OUT" \
	'[(e["from"], e["to"]) for e in d["timeline"] if e["kind"] == "event" and e["field"] == "mail" and e["to"] != "received"]' \
	'[["auto-reply", "ivan@example.ru"], ["notify-new", "bob@example.com"]]'
expect_exit "withheld: recorded" 0 sd -C "$r" list --all --json
withheld=$(grep -c 'field=mail from=auto-reply to="" reason="not sent' "$r"/tickets/*/*.md | awk -F: '{s += $2} END {print s}')
expect_eq "withheld: noreply, null Return-Path and X-Loop recorded as not sent" 3 "$withheld"

# Run again: nothing owed, nothing sent, no commit.
before=$(commit_count "$r")
SD_NOW=2026-12-07T09:03:00Z expect_exit "send again" 0 sd -C "$r" mail send
expect_eq "send again: nothing more" 5 "$(count out)"
expect_commit_count "send again" "$r" "$before"

# An agent attaches a file, answers in public and notes internally; the
# answer goes out threaded under the auto-reply, to Ivan and the cc, with
# the file; the note never.
printf 'Navodila: izklopi in vklopi.\n' >"$tmp/navodila.txt"
SD_AUTHOR="Bob Tech <bob@example.com>" SD_NOW=2026-12-07T09:59:59Z \
	expect_exit "agent attaches a file" 0 sd -C "$r" attach "$id" "$tmp/navodila.txt"
SD_AUTHOR="Bob Tech <bob@example.com>" SD_NOW=2026-12-07T10:00:00Z \
	expect_exit "agent comment" 0 sd -C "$r" comment "$id" -m "Выключите и включите **принтер**. Lepo prosim, čšž."
SD_AUTHOR="Bob Tech <bob@example.com>" SD_NOW=2026-12-07T10:00:01Z \
	expect_exit "agent note" 0 sd -C "$r" comment "$id" --internal -m "Secret: he never does."
SD_NOW=2026-12-07T10:01:00Z expect_exit "send: the answer" 0 sd -C "$r" mail send
expect_eq "send: the answer only" 6 "$(count out)"
mailbox out
expect_json "answer: to Ivan" "$tmp/out.json" "$iv"'[1]["To"]' "Иван Петров <ivan@example.ru>"
expect_json "answer: cc" "$tmp/out.json" "$iv"'[1]["Cc"]' "spela@example.si"
expect_json "answer: the file attached" "$tmp/out.json" "$iv"'[1]["files"]' '[["navodila.txt", "Navodila: izklopi in vklopi.\n"]]'
expect_json "auto-reply: no cc, no file" "$tmp/out.json" "[$iv[0]['Cc'], $iv[0]['files']]" '[null, []]'
expect_json "answer: not automatic" "$tmp/out.json" "[m[h] for m in $iv[1:2] for h in ('Auto-Submitted', 'Precedence')]" '[null, null]'
expect_json "answer: the text" "$tmp/out.json" "$iv"'[1]["parts"]["text/plain"].split("\n")[0]' "Выключите и включите **принтер**. Lepo prosim, čšž."
expect_json "answer: Markdown rendered" "$tmp/out.json" "'<strong>принтер</strong>' in $iv[1]['parts']['text/html']" "true"
expect_json "answer: threads under the auto-reply" "$tmp/out.json" "$iv[1]['In-Reply-To'] == $iv[0]['Message-ID']" "true"
expect_json "answer: References from the first message" "$tmp/out.json" "$iv[1]['References'].split() == ['<m1@example.ru>', $iv[0]['Message-ID']]" true
grep -rq "Secret" "$tmp/out/new" && fail "the note is never sent" "found in $tmp/out/new" || ok "the note is never sent"

# Ivan replies to the answer: by its Message-ID alone (no tag), it lands
# on the ticket and the assignee is told.
answer_id=$(json_get "$tmp/out.json" "$iv"'[1]["Message-ID"]')
printf 'From: Ivan <ivan@example.ru>\nTo: desk@example.com\nSubject: Re: printer\nMessage-ID: <m2@example.ru>\nIn-Reply-To: %s\nReferences: <m1@example.ru> %s\n\nСпасибо, работает.\n\n> Выключите\n' "$answer_id" "$answer_id" >"$tmp/m2.eml"
STDIN=$tmp/m2.eml SD_NOW=2026-12-07T11:00:00Z expect_exit "reply: threads back" 0 sd -C "$r" mail
expect_eq "reply: no new ticket" 4 "$(all_ids "$r" | wc -l)"
expect_exit "reply: on the ticket" 0 sd -C "$r" show "$id" --json
expect_json "reply: a public comment by Ivan" "$OUT" \
	'[e["body"] for e in d["timeline"] if e["kind"] == "comment" and "ivan" in e["author"]]' '["Спасибо, работает."]'
SD_NOW=2026-12-07T11:01:00Z expect_exit "send: the notice of the reply" 0 sd -C "$r" mail send
mailbox out
expect_json "notice: to the assignee" "$tmp/out.json" 'd[-1]["To"]' "Bob Tech <bob@example.com>"
expect_json "notice: automatic" "$tmp/out.json" 'd[-1]["Auto-Submitted"]' "auto-generated"
expect_json "notice: quotes the reply" "$tmp/out.json" '"Спасибо, работает." in d[-1]["parts"]["text/plain"]' "true"
# Mail to the cc bounces: recorded on the ticket, and she gets no more.
{
	printf 'From: MAILER-DAEMON@mx.example.si (Mail Delivery System)\nTo: desk@example.com\nSubject: Undelivered Mail Returned to Sender\nMessage-ID: <b1@mx>\nAuto-Submitted: auto-replied\n'
	printf 'MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n'
	printf -- '--B\nContent-Type: text/plain\n\nYour message could not be delivered.\n'
	printf -- '--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.si\n\nFinal-Recipient: rfc822; spela@example.si\nAction: failed\nStatus: 5.1.1\n'
	printf -- '--B\nContent-Type: text/rfc822-headers\n\nFrom: desk@example.com\nMessage-ID: %s\nSubject: x\n--B--\n' "$answer_id"
} >"$tmp/bounce-cc.eml"
STDIN=$tmp/bounce-cc.eml SD_NOW=2026-12-07T11:30:00Z expect_exit "bounce: taken" 0 sd -C "$r" mail
expect_out_has "bounce: on the ticket" "${id:0:8}: internal note"
SD_AUTHOR="Bob Tech <bob@example.com>" SD_NOW=2026-12-07T11:40:00Z \
	expect_exit "after the bounce: an answer" 0 sd -C "$r" comment "$id" -m "Good to hear."
SD_NOW=2026-12-07T11:41:00Z expect_exit "after the bounce: send" 0 sd -C "$r" mail send
mailbox out
expect_json "after the bounce: Ivan only" "$tmp/out.json" "[$iv[-1]['To'], $iv[-1]['Cc']]" '["Иван Петров <ivan@example.ru>", null]'
expect_json "after the bounce: threads under Ivan's reply" "$tmp/out.json" "$iv[-1]['In-Reply-To']" "<m2@example.ru>"
SD_AUTHOR="Bob Tech <bob@example.com>" SD_NOW=2026-12-07T12:00:00Z \
	expect_exit "resolve" 0 sd -C "$r" resolve "$id" -m "Printer works again"
expect_exit "resolved" 0 sd -C "$r" show "$id" --json
expect_json "resolved: status" "$OUT" 'd["status"]' "resolved"
fsck_ok "conversation" "$r"

# Two clones: the one that sends records; the other, once synced, owes
# nothing. Both sending before a sync: the first to push its claim sends,
# the other sees the claim and does not (t64-mail-claim has the rest).
git clone -q --bare "$r" "$tmp/hub.git"
git clone -q "$tmp/hub.git" "$tmp/a" && git clone -q "$tmp/hub.git" "$tmp/b"
sd -C "$tmp/a" check >/dev/null 2>&1
sd -C "$tmp/b" check >/dev/null 2>&1
sending "$tmp/a" out-a
sending "$tmp/b" out-b
SD_AUTHOR="Bob Tech <bob@example.com>" SD_NOW=2026-12-07T13:00:00Z \
	expect_exit "clones: a comment" 0 sd -C "$tmp/a" comment "$id" -m "Одно сообщение."
expect_exit "clones: a pushes" 0 sd -C "$tmp/a" push
expect_exit "clones: b pulls" 0 sd -C "$tmp/b" pull
SD_NOW=2026-12-07T13:01:00Z expect_exit "clones: a sends" 0 sd -C "$tmp/a" mail send
expect_exit "clones: a syncs" 0 sd -C "$tmp/a" sync
expect_exit "clones: b syncs" 0 sd -C "$tmp/b" sync
SD_NOW=2026-12-07T13:02:00Z expect_exit "clones: b sends" 0 sd -C "$tmp/b" mail send
expect_eq "clones: sent once in all" "1 0" "$(count out-a) $(count out-b)"
SD_AUTHOR="Bob Tech <bob@example.com>" SD_NOW=2026-12-07T14:00:00Z \
	expect_exit "clones: another comment" 0 sd -C "$tmp/a" comment "$id" -m "Ещё одно."
expect_exit "clones: a pushes again" 0 sd -C "$tmp/a" push
expect_exit "clones: b pulls again" 0 sd -C "$tmp/b" pull
SD_NOW=2026-12-07T14:01:00Z expect_exit "clones: both send" 0 sd -C "$tmp/a" mail send
SD_NOW=2026-12-07T14:01:05Z expect_exit "clones: both send (b)" 0 sd -C "$tmp/b" mail send
expect_exit "clones: a syncs after" 0 sd -C "$tmp/a" sync
expect_exit "clones: b syncs after" 0 sd -C "$tmp/b" sync
expect_exit "clones: a syncs last" 0 sd -C "$tmp/a" sync
expect_file_eq "clones: converge" "$tmp/a/$(tpath "$id")" "$tmp/b/$(tpath "$id")"
expect_exit "clones: show" 0 sd -C "$tmp/a" show "$id" --json
expect_json "clones: one record of the message sent twice" "$OUT" \
	'len([e for e in d["timeline"] if e["kind"] == "event" and e["field"] == "mail" and e["from"] == "reply:" + [c["id"] for c in d["timeline"] if c.get("body") == "Ещё одно."][0]])' 1
SD_NOW=2026-12-07T14:02:00Z expect_exit "clones: nothing owed after" 0 sd -C "$tmp/b" mail send
expect_eq "clones: nothing more sent" "2 0" "$(count out-a) $(count out-b)"
fsck_ok "clones" "$tmp/a"

# sd sla --apply mails its breaches itself, through the outbox: to the
# assignee and the queue (Bob, once), no notify command needed.
before=$(count out)
SD_NOW=2026-12-10T09:00:00Z expect_exit "sla: apply" 0 sd -C "$r" sla --apply
mailbox out
expect_json "sla: breach notices to Bob" "$tmp/out.json" \
	"sorted(m['Subject'].split('] ')[1] for m in d if 'SLA breached' in m['Subject'] and m['To'] == 'Bob Tech <bob@example.com>')" \
	'["SLA breached: Looping", "SLA breached: Null sender", "SLA breached: Your order"]'
SD_NOW=2026-12-10T09:01:00Z expect_exit "sla: nothing owed after" 0 sd -C "$r" mail send
expect_eq "sla: each sent once" 3 "$(($(count out) - before))"

# Header injection and encoding: a title, a requester name and address
# with CR/LF and Slovenian and Cyrillic text; nothing becomes a header.
h=$(store hostile)
sed -i -e 's/^  addresses: \[\].*/  addresses: [desk@example.com]/' "$h/.sd/config.yaml"
commit_all "$h" "mail config"
sending "$h" out-h
title=$'Tiskalnik ne deluje: čšž ČŠŽ đ — Принтер\r\nBcc: victim@example.com'
hid=$(SD_NOW=2026-12-07T09:00:00Z new_ticket "$h" "x" --requester "Mallory <mallory@example.com>")
# sd refuses control characters in fields, so a hostile file is written by hand.
python3 - "$h/$(tpath "$hid")" "$title" <<'EOF'
import sys
p, title = sys.argv[1], sys.argv[2]
s = open(p, encoding="utf-8").read()
s = s.replace("title: x\n", 'title: "' + title.replace("\r", "\\r").replace("\n", "\\n") + '"\n', 1)
s = s.replace("requester: Mallory <mallory@example.com>\n",
              'requester: "Mallory\\r\\nBcc: victim@example.com <mallory@example.com>"\n', 1)
s = s.replace("channel: cli", "channel: web", 1)
open(p, "w", encoding="utf-8").write(s)
EOF
commit_all "$h" "hostile by hand"
SD_AUTHOR="Agent <agent@example.com>" SD_NOW=2026-12-07T10:00:00Z \
	expect_exit "hostile: an answer" 0 sd -C "$h" comment "$hid" -m "Odgovor: čšž."
SD_NOW=2026-12-07T10:01:00Z expect_exit "hostile: send" 0 sd -C "$h" mail send
mailbox out-h
expect_json "hostile: no Bcc header anywhere" "$tmp/out-h.json" '[m["Bcc"] for m in d]' "[null, null]"
expect_json "hostile: only the requester" "$tmp/out-h.json" '[m["To"] for m in d]' \
	'["\"Mallory Bcc: victim@example.com\" <mallory@example.com>", "\"Mallory Bcc: victim@example.com\" <mallory@example.com>"]'
expect_json "hostile: the title decodes, on one line" "$tmp/out-h.json" 'd[1]["Subject"]' \
	"[sd #${hid:0:4}] Tiskalnik ne deluje: čšž ČŠŽ đ — Принтер Bcc: victim@example.com"
expect_json "hostile: headers are ASCII" "$tmp/out-h.json" '[m["raw_headers_ascii"] for m in d]' "[true, true]"
grep -lq $'^Bcc:' "$tmp"/out-h/new/* && fail "hostile: raw Bcc line" "$(grep -l '^Bcc:' "$tmp"/out-h/new/*)" || ok "hostile: no raw Bcc line"

# A failing sendmail: that message is not recorded, named, exit non-zero;
# the others are recorded; the next run sends it.
SD_AUTHOR="Agent <agent@example.com>" SD_NOW=2026-12-07T11:00:00Z \
	expect_exit "fail: one answer" 0 sd -C "$h" comment "$hid" -m "Prvi odgovor."
SD_AUTHOR="Agent <agent@example.com>" SD_NOW=2026-12-07T11:00:01Z \
	expect_exit "fail: another" 0 sd -C "$h" comment "$hid" -m "Drugi odgovor, FAILME."
echo FAILME >"$tmp/out-h/fail-on"
SD_NOW=2026-12-07T11:01:00Z expect_exit "fail: exits non-zero" 128 sd -C "$h" mail send
expect_err_has "fail: names the message" "not sent"
expect_err_has "fail: and sendmail's status" "75"
expect_eq "fail: the other went" 3 "$(count out-h)"
expect_eq "fail: only it recorded" 1 "$(git -C "$h" show HEAD | grep -c '^+.*field=mail')"
rm "$tmp/out-h/fail-on"
SD_NOW=2026-12-07T11:02:00Z expect_exit "fail: the next run sends it" 0 sd -C "$h" mail send
expect_eq "fail: sent now" 4 "$(count out-h)"
printf 'mail:\n  sendmail: []\n' >"$h/.git/sd/config.yaml"
expect_exit "off: sendmail [] refuses to send" 2 sd -C "$h" mail send
expect_err_has "off: says so" "sending is off on this clone"
expect_exit "usage: send takes no more" 2 sd -C "$h" mail send extra
expect_exit "usage: --dry-run without send" 2 sd -C "$h" mail --dry-run
# (sd check would rightly report the hand-made title and requester.)
expect_clean "hostile" "$h"

finish
