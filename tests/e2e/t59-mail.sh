#!/bin/bash
# SPDX-License-Identifier: MIT
# sd mail: a message in becomes a ticket, a reply a comment, machine mail
# a note or a refusal, with sendmail's exit statuses.
. "$(dirname "$0")/lib.sh"

# A message in windows-1251 from Outlook, written byte for byte.
printf 'From: =?windows-1251?B?yOLg7SDP5fLw7uI=?= <ivan@example.ru>\r\nTo: desk@example.com\r\nSubject: =?windows-1251?B?ztLCOiDP8Ojt8uXw?=\r\nMessage-ID: <m1@example.ru>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=windows-1251\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=CD=E5 =F0=E0=E1=EE=F2=E0=E5=F2 =EF=F0=E8=ED=F2=E5=F0.\r\n' >"$tmp/m1.eml"

r=$(store mail)
before=$(commit_count "$r")
STDIN=$tmp/m1.eml SD_NOW=2026-11-23T09:00:00Z expect_exit "mail: new ticket" 0 sd -C "$r" mail
expect_one_new_commit "mail: new ticket" "$r" "$before"
id=$(all_ids "$r")
expect_out_has "mail: says what it did" "new ticket from ivan@example.ru"
expect_exit "mail: show --json" 0 sd -C "$r" show "$id" --json
expect_json "mail: title without the reply prefix" "$OUT" 'd["title"]' "Принтер"
expect_json "mail: requester is the sender" "$OUT" 'd["requester"]' "Иван Петров <ivan@example.ru>"
expect_json "mail: description decoded" "$OUT" 'd["description"]' "Не работает принтер."
expect_json "mail: channel" "$OUT" 'd["channel"]' "mail"
expect_json "mail: key from the Message-ID" "$OUT" 'd["key"]' "mail:m1@example.ru"
# No mail.addresses set: To (where the desk is) is not taken into cc.
expect_json "mail: the desk is not its own cc" "$OUT" 'd["cc"]' "[]"

# The same message again (an MTA retry) changes nothing.
before=$(commit_count "$r")
STDIN=$tmp/m1.eml expect_exit "mail: delivered twice" 0 sd -C "$r" mail
expect_out_has "mail: delivered twice is said" "already taken"
expect_commit_count "mail: delivered twice, no commit" "$r" "$before"

# A reply threads by References and loses its quote.
printf 'From: Ivan <ivan@example.ru>\nSubject: Re: something else\nMessage-ID: <m2@example.ru>\nReferences: <m1@example.ru> <out1@desk>\n\nThanks, it prints.\n\nOn Mon, 23 Nov 2026, Desk <desk@example.com> wrote:\n> Try again.\n' >"$tmp/m2.eml"
STDIN=$tmp/m2.eml SD_NOW=2026-11-23T10:00:00Z expect_exit "mail: reply" 0 sd -C "$r" mail
expect_exit "mail: reply show" 0 sd -C "$r" show "$id" --json
expect_json "mail: reply is a public comment by the sender" "$OUT" \
	'[(e["author"], e["body"], e["visibility"]) for e in d["timeline"] if e["kind"] == "comment"]' \
	'[["Ivan <ivan@example.ru>", "Thanks, it prints.", "public"]]'

# A subject tag finds the ticket too; an out-of-office is an internal note.
printf 'From: Ivan <ivan@example.ru>\nSubject: Automatic reply: [sd #%s] x\nAuto-Submitted: auto-replied\n\nI am away.\n' "${id:0:6}" >"$tmp/ooo.eml"
STDIN=$tmp/ooo.eml SD_NOW=2026-11-23T11:00:00Z expect_exit "mail: out-of-office by tag" 0 sd -C "$r" mail
expect_exit "mail: out-of-office show" 0 sd -C "$r" show "$id" --json
expect_json "mail: out-of-office is internal" "$OUT" \
	'sorted(e["visibility"] for e in d["timeline"] if e["kind"] == "comment")' '["internal", "public"]'

# Refused on purpose: 65; dropped: 0; nothing committed.
before=$(commit_count "$r")
printf 'From: Jane <jane@example.com>\nSubject: Out of office\nAuto-Submitted: auto-replied\n\nAway.\n' >"$tmp/ooo2.eml"
# An automatic reply to nothing is dropped, not refused: a refusal would
# make the mail server bounce it back to the machine that wrote it.
STDIN=$tmp/ooo2.eml expect_exit "mail: auto-reply to nothing dropped" 0 sd -C "$r" mail
expect_out_has "mail: the drop says why" "dropped: the automatic reply from jane@example.com answers no ticket of this desk"
printf 'From: x@lists.example\nList-Id: <l.example>\nSubject: hi\n\nx\n' >"$tmp/list.eml"
STDIN=$tmp/list.eml expect_exit "mail: list mail refused" 65 sd -C "$r" mail
expect_err_has "mail: list refusal says why" "List-Id"
printf 'Subject: nobody\n\nx\n' >"$tmp/anon.eml"
STDIN=$tmp/anon.eml expect_exit "mail: no sender refused" 65 sd -C "$r" mail
expect_commit_count "mail: refusals and drops commit nothing" "$r" "$before"
expect_clean "mail" "$r"
fsck_ok "mail" "$r"

# Not a store: 75 for the MTA to retry, and the message kept.
mkdir -p "$tmp/nostore" "$tmp/tmpdir"
STDIN=$tmp/m1.eml TMPDIR=$tmp/tmpdir expect_exit "mail: no store is a temporary failure" 75 \
	sd -C "$tmp/nostore" mail
expect_err_has "mail: the kept file is named" "the message is kept in $tmp/tmpdir/sd-mail-failed/"
expect_eq "mail: the message kept whole" "$(cat "$tmp/m1.eml")" "$(cat "$tmp"/tmpdir/sd-mail-failed/*.eml)"

# --mbox and --maildir take many.
r=$(store mailbox)
{
	printf 'From a@b Mon Nov 23 09:00:00 2026\nFrom: a@example.com\nSubject: one\nMessage-ID: <b1@x>\n\nfirst\n\n'
	printf 'From a@b Mon Nov 23 09:01:00 2026\nFrom: b@example.com\nSubject: two\nMessage-ID: <b2@x>\n\nsecond\n'
} >"$tmp/box"
expect_exit "mail --mbox" 0 sd -C "$r" mail --mbox "$tmp/box"
expect_eq "mail --mbox: two tickets" 2 "$(all_ids "$r" | wc -l)"
# A subject longer than a title may be is cut, not refused.
{ printf 'From: c@example.com\nSubject: '; printf 'ж%.0s' $(seq 300); printf '\n\nlong\n'; } >"$tmp/long.eml"
STDIN=$tmp/long.eml expect_exit "mail: a long subject" 0 sd -C "$r" mail
expect_eq "mail: a long subject is cut to a title" "248 ж…" \
	"$(sd -C "$r" list --format '%(title)' 2>/dev/null | grep '…' | python3 -c 'import sys; t=sys.stdin.read().strip(); print(t.count("ж"), t[-2:])')"
mkdir -p "$tmp/md/new" "$tmp/md/cur" "$tmp/md/tmp"
cp "$tmp/m1.eml" "$tmp/md/new/1.host"
cp "$tmp/list.eml" "$tmp/md/new/2.host"
expect_exit "mail --maildir: one refused" 65 sd -C "$r" mail --maildir "$tmp/md"
expect_eq "mail --maildir: a fourth ticket" 4 "$(all_ids "$r" | wc -l)"
expect_eq "mail --maildir: both moved to cur" "1.host:2,S 2.host:2,S" "$(ls "$tmp/md/cur" | tr '\n' ' ' | sed 's/ $//')"
# A run is one commit per message; a reply later in the mbox threads onto
# the ticket an earlier message of it opened, and a repeat is taken once.
before=$(commit_count "$r")
{
	printf 'From a@b Mon Nov 23 09:02:00 2026\nFrom: Ivan <ivan@example.ru>\nSubject: =?utf-8?B?0J/RgNC40L3RgtC10YAg0L3QtSDQv9C10YfQsNGC0LDQtdGC?=\nMessage-ID: <b3@x>\n\nНе печатает.\n\n'
	printf 'From a@b Mon Nov 23 09:03:00 2026\nFrom: Ivan <ivan@example.ru>\nSubject: Re: something else\nMessage-ID: <b4@x>\nIn-Reply-To: <b3@x>\n\nŠe vedno ne tiska: čšž.\n\n'
	printf 'From a@b Mon Nov 23 09:02:00 2026\nFrom: Ivan <ivan@example.ru>\nSubject: again\nMessage-ID: <b3@x>\n\nНе печатает.\n'
} >"$tmp/thread.mbox"
expect_exit "mail --mbox: a thread in one run" 0 sd -C "$r" mail --mbox "$tmp/thread.mbox"
expect_commit_count "mail --mbox: one commit per message taken" "$r" $((before + 2))
expect_out_has "mail --mbox: the repeat is taken once" "already taken (Message-ID b3@x)"
id=$(git -C "$r" log -1 --format=%s HEAD~1 | sed 's/^sd: new \([^ ]*\) .*/\1/')
expect_exit "mail --mbox: the thread's ticket" 0 sd -C "$r" show "$id" --json
expect_json "mail --mbox: the reply is on the ticket opened earlier in the run" "$OUT" \
	'[(d["title"], e["body"]) for e in d["timeline"] if e["kind"] == "comment"]' \
	'[["Принтер не печатает", "Še vedno ne tiska: čšž."]]'
expect_clean "mail --mbox thread" "$r"
# Forty messages: the tickets/ tree of a run's commits grows past what is
# written whole, so the pack holds deltas, which git must read back.
for i in $(seq 40); do
	printf 'From a@b Mon Nov 23 10:00:00 2026\nFrom: d%s@example.com\nSubject: Številka %s\nMessage-ID: <d%s@x>\n\nčšž\n\n' "$i" "$i" "$i"
done >"$tmp/forty.mbox"
before=$(commit_count "$r")
expect_exit "mail --mbox: forty" 0 sd -C "$r" mail --mbox "$tmp/forty.mbox"
expect_commit_count "mail --mbox: forty commits" "$r" $((before + 40))
for p in "$r"/.git/objects/pack/*.idx; do git verify-pack -v "$p"; done >"$tmp/packs"
expect_match "mail --mbox: trees as deltas in the pack" "$tmp/packs" 'chain length = 2'
fsck_ok "mail --mbox forty" "$r"

# Killed in the middle of a run (a test hook: a checkpoint every two
# messages, SIGKILL after the third): the first two are delivered, the
# third is not, nothing is half done, and taking the box again files the
# rest once. A Maildir message moves to cur/ only once delivered.
mkdir -p "$tmp/mk/new" "$tmp/mk/cur" "$tmp/mk/tmp"
for i in 1 2 3 4; do
	printf 'From: k%s@example.com\nSubject: Žična številka %s\nMessage-ID: <k%s@x>\n\nčšž %s\n' "$i" "$i" "$i" "$i" >"$tmp/mk/new/$i.host"
done
before=$(commit_count "$r")
SD_TEST_MAIL_CHECKPOINT=2 SD_TEST_MAIL_KILL_AFTER=3 expect_exit "mail --maildir: killed" 137 \
	sd -C "$r" mail --maildir "$tmp/mk"
expect_eq "mail --maildir: killed, two said taken" 2 "$(grep -c 'new ticket' "$OUT")"
expect_commit_count "mail --maildir: killed, two delivered" "$r" $((before + 2))
expect_eq "mail --maildir: killed, only those in cur" "1.host:2,S 2.host:2,S" "$(ls "$tmp/mk/cur" | tr '\n' ' ' | sed 's/ $//')"
expect_exit "mail --maildir: again" 0 sd -C "$r" mail --maildir "$tmp/mk"
expect_eq "mail --maildir: again, the other two taken" 2 "$(grep -c 'new ticket' "$OUT")"
expect_commit_count "mail --maildir: again, each once" "$r" $((before + 4))
expect_eq "mail --maildir: again, all in cur" 4 "$(ls "$tmp/mk/cur" | wc -l)"
expect_clean "mail --maildir killed" "$r"
expect_exit "mail: --mbox with --maildir" 2 sd -C "$r" mail --mbox x --maildir y
expect_exit "mail: completion of its options" 0 sd -C "$r" __complete options mail
expect_match "mail: --maildir completes a directory" "$OUT" $'^--maildir\tDIR:'
fsck_ok "mailbox" "$r"

finish
