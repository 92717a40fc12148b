#!/bin/bash
# SPDX-License-Identifier: MIT
# The mail channel through a real mail server: a private Postfix instance
# (its own configuration, queue and loopback port, nothing of the
# system's mail set-up touched) delivers to an alias "|sd -C STORE mail"
# as the unprivileged user nobody, exactly as a desk would run it. A
# Russian message from Outlook becomes a ticket with its files; sd mail
# send hands the auto-reply and the agent's answer to Postfix over SMTP;
# the requester's reply comes back onto the ticket; an out-of-office gets
# nothing back (not even a bounce); Postfix's own bounce of a dead cc
# address is filed on the ticket; and sd's 75 makes Postfix keep the
# message and deliver it once the store is back.
#
# Runs only as root where Postfix is installed (apt-get install postfix);
# skips, saying so, elsewhere. make deps does not install Postfix: it
# would replace a developer's own mail server.
. "$(dirname "$0")/lib.sh"

need() {
	skip "postfix: the mail channel through a real mail server" "$1"
	finish
}
[ "$(id -u)" = 0 ] || need "needs root to run a private Postfix instance"
for c in postfix postconf postalias postqueue setpriv; do
	command -v "$c" >/dev/null || need "$c not found (apt-get install postfix)"
done
[ -f /etc/postfix/master.cf ] || need "no /etc/postfix/master.cf to start from"
id nobody >/dev/null 2>&1 || need "no user nobody to deliver as"

reader=$E2E_DIR/maildir-read.py
M=$tmp/mta
chmod 755 "$tmp"
mkdir -p "$M/etc" "$M/spool" "$M/data" "$M/home"
setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups test -x "$SD" ||
	need "user nobody cannot run $SD (a directory above it is private)"

# The instance: a minimal main.cf; master.cf without network services,
# without chroot, and with smtpd on a free loopback port for sd mail
# send to submit through.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$M/etc/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $M/spool
data_directory = $M/data
myhostname = desk.example.test
mydomain = example.test
myorigin = desk.example.test
mydestination = desk.example.test, example.ru
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relayhost =
local_recipient_maps =
alias_maps = hash:$M/etc/aliases
alias_database = hash:$M/etc/aliases
default_privs = nobody
maillog_file_prefixes = $M
maillog_file = $M/maillog
multi_instance_name = sd-test
export_environment = TZ MAIL_CONFIG LANG TMPDIR=$M/tmp
EOF
grep -v '^[^#[:space:]][^[:space:]]*[[:space:]]\+inet[[:space:]]' /etc/postfix/master.cf >"$M/etc/master.cf"
echo "127.0.0.1:$port inet n - n - - smtpd" >>"$M/etc/master.cf"
cp -r /etc/postfix/dynamicmaps.cf* "$M/etc/" 2>/dev/null
postconf -c "$M/etc" -F '*/*/chroot = n' >/dev/null 2>&1
chown postfix "$M/data"
install -d -o nobody "$M/desk" "$M/ivan" "$M/tmp"
# The store belongs to nobody; root's git (in the checks) may read it.
git config --global --add safe.directory '*' 
cat >"$M/etc/aliases" <<EOF
desk: "|$SD -C $M/desk mail"
ivan: $M/ivan/
EOF
postalias -c "$M/etc" "$M/etc/aliases" || need "postalias failed"

stop_postfix() {
	postfix -c "$M/etc" stop >/dev/null 2>&1
	local i
	for i in $(seq 50); do
		[ -s "$M/spool/pid/master.pid" ] && kill -0 "$(tr -d ' ' <"$M/spool/pid/master.pid")" 2>/dev/null || break
		sleep 0.1
	done
}
trap 'stop_postfix; _cleanup' EXIT
postfix -c "$M/etc" start >"$tmp/start.out" 2>&1 || need "Postfix would not start: $(tail -n 1 "$tmp/start.out")"

# as_desk CMD...: CMD as nobody, the mail server's user for the alias.
as_desk() { setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups env HOME="$M/home" "$@"; }
dsd() { as_desk "$SD" -C "$M/desk" "$@"; }
# submit FROM FILE: the message into Postfix, as a mail client would.
submit() { sendmail -C "$M/etc" -f "$1" desk@desk.example.test <"$2"; }
# settle: wait until Postfix has nothing left to do (at most 30 s).
settle() {
	local i
	for i in $(seq 300); do
		postqueue -c "$M/etc" -p 2>/dev/null | grep -q 'Mail queue is empty' && return 0
		sleep 0.1
	done
	fail "postfix settles" "$(postqueue -c "$M/etc" -p 2>&1 | tail -n 5)"
}
inbox() { ls "$M/ivan/new" 2>/dev/null | wc -l; }

as_desk "$SD" init "$M/desk" >/dev/null || need "sd init as nobody failed"
as_desk git -C "$M/desk" config user.name "Служба поддержки"
as_desk git -C "$M/desk" config user.email desk@desk.example.test
sed -i -e 's/^  addresses: \[\].*/  addresses: [desk@desk.example.test]/' \
	-e 's/^  name: "".*/  name: "Служба поддержки"/' "$M/desk/.sd/config.yaml"
as_desk git -C "$M/desk" commit -qam "mail config"
printf 'mail:\n  sendmail: [%s, "%s", desk@desk.example.test]\n' "$E2E_DIR/smtp-sendmail" "$port" |
	as_desk tee "$M/desk/.git/sd/config.yaml" >/dev/null

# 1. Ivan writes from Outlook, in Russian (windows-1251): text, HTML with
# an inline image, a PDF with a Cyrillic name, a cc that does not exist.
pdf=$(printf '%%PDF-1.4 счёт\n' | base64 -w0)
png=$(printf '\x89PNG\r\n\x1a\nimage' | base64 -w0)
{
	printf 'From: =?windows-1251?B?yOLg7SDP5fLw7uI=?= <ivan@example.ru>\r\n'
	printf 'To: desk@desk.example.test\r\nCc: ghost@example.ru\r\n'
	printf 'Subject: =?windows-1251?B?z/Do7fLl8CDt5SDv5Pfg8uDl8g==?=\r\n'
	printf 'Message-ID: <o1@example.ru>\r\nX-Mailer: Microsoft Outlook 16.0\r\n'
	printf 'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="MIX"\r\n\r\n'
	printf -- '--MIX\r\nContent-Type: multipart/related; boundary="REL"\r\n\r\n'
	printf -- '--REL\r\nContent-Type: multipart/alternative; boundary="ALT"\r\n\r\n'
	printf -- '--ALT\r\nContent-Type: text/plain; charset=windows-1251\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'
	printf '=C7=E4=F0=E0=E2=F1=F2=E2=F3=E9=F2=E5!\r\n\r\n=CD=E5 =F0=E0=E1=EE=F2=E0=E5=F2 =EF=F0=E8=ED=F2=E5=F0 =E2 =EA=E0=E1=E8=ED=E5=F2=E5 214.\r\n'
	printf -- '--ALT\r\nContent-Type: text/html; charset=windows-1251\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<p>=CD=E5 =F0=E0=E1=EE=F2=E0=E5=F2</p><img src=3D"cid:image001.png@01D">\r\n--ALT--\r\n'
	printf -- '--REL\r\nContent-Type: image/png; name="image001.png"\r\nContent-ID: <image001.png@01D>\r\nContent-Disposition: inline; filename="image001.png"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n--REL--\r\n' "$png"
	printf -- '--MIX\r\nContent-Type: application/pdf; name="=?windows-1251?B?8ffl8i5wZGY=?="\r\nContent-Disposition: attachment; filename="=?windows-1251?B?8ffl8i5wZGY=?="\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n--MIX--\r\n' "$pdf"
} >"$tmp/o1.eml"
submit ivan@example.ru "$tmp/o1.eml"
settle
expect_match "in: Postfix delivered to the alias" "$M/maillog" \
	"to=<desk@desk.example.test>, relay=local, .*status=sent \\(delivered to command: $SD -C $M/desk mail\\)"
id=$(all_ids "$M/desk")
expect_eq "in: one ticket" 1 "$(echo "$id" | grep -c .)"
expect_exit "in: sd show --json" 0 dsd show "$id" --json
cp "$OUT" "$tmp/t.json"
expect_json "in: title, requester, channel" "$tmp/t.json" '[d["title"], d["requester"], d["channel"]]' \
	'["Принтер не пдчатает", "Иван Петров <ivan@example.ru>", "mail"]'
expect_json "in: the description is readable Russian" "$tmp/t.json" 'd["description"].splitlines()[:3]' \
	'["Здравствуйте!", "", "Не работает принтер в кабинете 214."]'
expect_json "in: the files and the original" "$tmp/t.json" 'sorted(f["name"] for f in d["files"])' \
	'["image001.png", "message.eml", "счет.pdf"]'
expect_eq "in: the PDF's bytes" "%PDF-1.4 счёт" "$(cat "$M/desk/tickets/${id:0:2}/$id/files/счет.pdf")"
expect_eq "in: one commit for it" 3 "$(commit_count "$M/desk")"

# 2. sd mail send: the auto-reply goes through Postfix to Ivan.
expect_exit "auto-reply: sd mail send" 0 dsd mail send
expect_out_has "auto-reply: said" "auto-reply to ivan@example.ru"
settle
expect_eq "auto-reply: one message in Ivan's mailbox" 1 "$(inbox)"
/usr/bin/python3 "$reader" "$M/ivan" >"$tmp/ivan.json"
expect_json "auto-reply: an automatic reply, threaded, from the desk" "$tmp/ivan.json" \
	'[d[0]["Auto-Submitted"], d[0]["In-Reply-To"], d[0]["From"], d[0]["Subject"].startswith("[sd #")]' \
	'["auto-replied", "<o1@example.ru>", "Служба поддержки <desk@desk.example.test>", true]'

# 3. Out-of-office mail: one that names the ticket is an internal note;
# one that names nothing is dropped, and Postfix sends Ivan no bounce.
short=$(echo "$id" | cut -c1-4)
printf 'From: ivan@example.ru\r\nTo: desk@desk.example.test\r\nSubject: =?utf-8?q?=D0=9E=D1=82=D0=BF=D1=83=D1=81=D0=BA?= [sd #%s]\r\nAuto-Submitted: auto-replied\r\nMessage-ID: <ooo1@example.ru>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nЯ в отпуске до 14 декабря.\r\n' "$short" >"$tmp/ooo1.eml"
printf 'From: ivan@example.ru\r\nTo: desk@desk.example.test\r\nSubject: Automatic reply\r\nX-MS-Exchange-Generated-Message-Source: Mailbox Rules Agent\r\nMessage-ID: <ooo2@example.ru>\r\n\r\nAway.\r\n' >"$tmp/ooo2.eml"
submit ivan@example.ru "$tmp/ooo1.eml"
submit ivan@example.ru "$tmp/ooo2.eml"
settle
expect_lacks "out-of-office: nothing bounced" "$M/maillog" "status=bounced"
expect_eq "out-of-office: no new ticket" 1 "$(all_ids "$M/desk" | grep -c .)"
expect_exit "out-of-office: sd mail send" 0 dsd mail send
settle
expect_eq "out-of-office: nothing sent to it, Ivan still has one message" 1 "$(inbox)"
expect_exit "out-of-office: show" 0 dsd show "$id" --json
expect_json "out-of-office: an internal note" "$OUT" \
	'[(e["visibility"], e["body"]) for e in d["timeline"] if e["kind"] == "comment"]' \
	'[["internal", "Automatic reply from ivan@example.ru: Отпуск [sd #'"$short"']\n\nЯ в отпуске до 14 декабря."]]'

# 4. The agent answers; Postfix delivers to Ivan and bounces the dead cc
# back to the desk, where the bounce lands on the ticket.
SD_AUTHOR="Борис Агент <bor@desk.example.test>" expect_exit "answer: comment" 0 \
	dsd comment "$id" -m "Иван, перезапустите принтер, пожалуйста."
expect_exit "answer: sd mail send" 0 dsd mail send
settle
expect_eq "answer: Ivan has it" 2 "$(inbox)"
expect_match "answer: Postfix bounced the dead cc" "$M/maillog" \
	'to=<ghost@example.ru>, relay=local, .*status=bounced'
expect_exit "bounce: show" 0 dsd show "$id" --json
cp "$OUT" "$tmp/t.json"
expect_json "bounce: Postfix's report is recorded for the dead address" "$tmp/t.json" \
	'[(e["from"], e["to"]) for e in d["timeline"] if e.get("field") == "mail" and e["to"] == "bounced"]' \
	'[["ghost@example.ru", "bounced"]]'
/usr/bin/python3 "$reader" "$M/ivan" >"$tmp/ivan.json"
answer=$(json_get "$tmp/ivan.json" 'd[1]["Message-ID"]')
expect_json "answer: the text" "$tmp/ivan.json" 'd[1]["parts"]["text/plain"].splitlines()[0]' \
	'Иван, перезапустите принтер, пожалуйста.'

# 5. Ivan answers that (KOI8-R, Outlook's quoting): a public comment by
# him on the same ticket.
{
	printf 'From: =?windows-1251?B?yOLg7SDP5fLw7uI=?= <ivan@example.ru>\r\nTo: desk@desk.example.test\r\n'
	printf 'Subject: RE: printer\r\nMessage-ID: <o2@example.ru>\r\nIn-Reply-To: %s\r\nReferences: <o1@example.ru> %s\r\n' "$answer" "$answer"
	printf 'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=koi8-r\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'
	printf 'Спасибо, всё работает.\r\n\r\n-----Original Message-----\r\nFrom: desk\r\n' | iconv -f utf-8 -t koi8-r
} >"$tmp/o2.eml"
submit ivan@example.ru "$tmp/o2.eml"
settle
expect_eq "reply: still one ticket" 1 "$(all_ids "$M/desk" | grep -c .)"
expect_exit "reply: show" 0 dsd show "$id" --json
expect_json "reply: his public comment" "$OUT" \
	'[(e["author"], e["body"]) for e in d["timeline"] if e["kind"] == "comment" and e["visibility"] == "public"][-1]' \
	'["Иван Петров <ivan@example.ru>", "Спасибо, всё работает."]'

# 6. The store away (75): Postfix keeps the message and delivers it
# when asked again; nothing is lost, nothing doubled.
mv "$M/desk" "$M/desk.away"
printf 'From: ana@example.ru\r\nTo: desk@desk.example.test\r\nSubject: Pomoč: tiskalnik čšž\r\nMessage-ID: <a1@example.ru>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nTiskalnik ne tiska.\r\n' >"$tmp/a1.eml"
submit ana@example.ru "$tmp/a1.eml"
for i in $(seq 300); do grep -q 'status=deferred' "$M/maillog" && break; sleep 0.1; done
expect_match "busy: Postfix deferred the message" "$M/maillog" \
	'to=<desk@desk.example.test>, relay=local, .*status=deferred'
mv "$M/desk.away" "$M/desk"
postqueue -c "$M/etc" -f
settle
expect_eq "busy: delivered on the retry, once" 2 "$(all_ids "$M/desk" | grep -c .)"
expect_eq "busy: sd kept the message it could not store" 1 \
	"$(grep -l 'Tiskalnik ne tiska' "$M"/tmp/sd-mail-failed/*.eml 2>/dev/null | wc -l)"
expect_exit "postfix: git fsck of the store" 0 as_desk git -C "$M/desk" fsck --strict --no-progress
expect_exit "postfix: sd check of the store" 0 dsd check
expect_out_empty "postfix: sd check finds nothing"
finish
