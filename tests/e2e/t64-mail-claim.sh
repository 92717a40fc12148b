#!/bin/bash
# SPDX-License-Identifier: MIT
# sd mail send with a remote: each clone claims what it sends by pushing
# the records first, so two clones running it send each message once,
# also at the same moment; a message whose sendmail fails is owed again;
# a clone killed after its claim sends the message on its next run.
. "$(dirname "$0")/lib.sh"

export GIT_AUTHOR_NAME=Git GIT_AUTHOR_EMAIL=git@example.com
export GIT_COMMITTER_NAME=Git GIT_COMMITTER_EMAIL=git@example.com
fake=$(cd "$(dirname "$0")" && pwd)/fake-sendmail
reader=$(cd "$(dirname "$0")" && pwd)/maildir-read.py
count() { ls "$tmp/$1/new" 2>/dev/null | wc -l; }
both() { echo $(($(count out-a) + $(count out-b))); }
sending() { mkdir -p "$1/.git/sd" && printf 'mail:\n  sendmail: [%s, %s, -t, -oi]\n' "$fake" "$tmp/$2" >"$1/.git/sd/config.yaml"; }
journal() { ls "$1/.git/sd/mail/claimed" 2>/dev/null | wc -l; }
# answer TEXT: an agent's public answer made in a, which both clones then hold.
answer() {
	SD_AUTHOR="Bob Tech <bob@example.com>" expect_exit "answer: $1" 0 sd -C "$tmp/a" comment "$id" -m "$1"
	expect_exit "answer: a syncs" 0 sd -C "$tmp/a" sync
	expect_exit "answer: b syncs" 0 sd -C "$tmp/b" sync
}

r=$(store desk)
sed -i -e 's/^  addresses: \[\].*/  addresses: [desk@example.com]/' "$r/.sd/config.yaml"
commit_all "$r" "mail config"
id=$(new_ticket "$r" "Tiskalnik ne tiska: čšž — Принтер" --requester "Иван <ivan@example.ru>")
git clone -q --bare "$r" "$tmp/hub.git"
git clone -q "$tmp/hub.git" "$tmp/a" && git clone -q "$tmp/hub.git" "$tmp/b"
sending "$tmp/a" out-a
sending "$tmp/b" out-b

# The same answer owed on both clones; both send before syncing.
answer "Выключите и включите, prosim. Hvala, čšž."
hub=$(git -C "$tmp/hub.git" rev-parse HEAD)
before=$(commit_count "$tmp/b")
expect_exit "dry run" 0 sd -C "$tmp/b" mail send --dry-run
expect_out_has "dry run: prints the answer" "reply:"
expect_eq "dry run: claims nothing" "$before $hub 0" \
	"$(commit_count "$tmp/b") $(git -C "$tmp/hub.git" rev-parse HEAD) $(journal "$tmp/b")"
expect_exit "a sends" 0 sd -C "$tmp/a" mail send
expect_out_has "a: says what it sent" "reply:"
expect_exit "b sends without syncing" 0 sd -C "$tmp/b" mail send
expect_out_has "b: says a claimed it" "claimed by another clone first, not sent here"
expect_eq "sent once in all" "1 0" "$(count out-a) $(count out-b)"
/usr/bin/python3 "$reader" "$tmp/out-a" >"$tmp/out-a.json" || fail "read out-a"
expect_json "the message: its subject" "$tmp/out-a.json" 'd[0]["Subject"]' \
	"[sd #${id:0:4}] Tiskalnik ne tiska: čšž — Принтер"
expect_json "the message: to Ivan" "$tmp/out-a.json" 'd[0]["To"]' "Иван <ivan@example.ru>"
expect_eq "journals empty" "0 0" "$(journal "$tmp/a") $(journal "$tmp/b")"
expect_exit "a syncs" 0 sd -C "$tmp/a" sync
expect_exit "b syncs" 0 sd -C "$tmp/b" sync
expect_exit "a syncs last" 0 sd -C "$tmp/a" sync
expect_file_eq "clones converge" "$tmp/a/$(tpath "$id")" "$tmp/b/$(tpath "$id")"
expect_eq "one record" 1 "$(grep -c 'field=mail from=reply:' "$tmp/a/$(tpath "$id")")"

# A real race: both start at once, a few times; one delivery each time.
for i in 1 2 3; do
	answer "Odgovor $i: čšž, ответ $i."
	sd -C "$tmp/a" mail send >"$tmp/race-a.out" 2>&1 &
	pa=$!
	sd -C "$tmp/b" mail send >"$tmp/race-b.out" 2>&1 &
	pb=$!
	wait $pa && wait $pb && ok "race $i: both exit 0" ||
		fail "race $i: both exit 0" "$(cat "$tmp/race-a.out" "$tmp/race-b.out")"
	expect_eq "race $i: one delivery" $((1 + i)) "$(both)"
done
expect_eq "race: journals empty" "0 0" "$(journal "$tmp/a") $(journal "$tmp/b")"

# Sendmail fails after the claim: the claim is withdrawn (pushed), so
# the message is owed again, and the next run sends it; a sends nothing.
answer "Drugi odgovor, FAILME: Принтер."
mkdir -p "$tmp/out-b" && echo FAILME >"$tmp/out-b/fail-on"
n=$(both)
expect_exit "fail: b's sendmail fails" 128 sd -C "$tmp/b" mail send
expect_err_has "fail: owed again" "owed again"
expect_exit "fail: a syncs" 0 sd -C "$tmp/a" sync
expect_exit "fail: a owes it again" 0 sd -C "$tmp/a" mail send --dry-run
expect_out_has "fail: a owes it again (dry run)" "FAILME"
rm "$tmp/out-b/fail-on"
expect_exit "fail: b's next run" 0 sd -C "$tmp/b" mail send
expect_eq "fail: sent now" $((n + 1)) "$(both)"
expect_exit "fail: a sends nothing after" 0 sd -C "$tmp/a" mail send
expect_eq "fail: sent once" $((n + 1)) "$(both)"

# Killed between the push of its claim and the send: the next run sends.
printf '#!/bin/sh\nkill -KILL $PPID\nexit 75\n' >"$tmp/killer"
chmod +x "$tmp/killer"
answer "Tretji odgovor: ничего не потеряно."
printf 'mail:\n  sendmail: [%s]\n' "$tmp/killer" >"$tmp/b/.git/sd/config.yaml"
n=$(both)
expect_exit "killed: b dies sending" 137 sd -C "$tmp/b" mail send
expect_eq "killed: nothing sent, one claim journalled" "$n 1" "$(both) $(journal "$tmp/b")"
expect_exit "killed: a syncs" 0 sd -C "$tmp/a" sync
expect_exit "killed: a does not send b's claim" 0 sd -C "$tmp/a" mail send
expect_eq "killed: a sent nothing" "$n" "$(both)"
sending "$tmp/b" out-b
expect_exit "killed: b's next run" 0 sd -C "$tmp/b" mail send
expect_out_has "killed: sends it" "reply:"
expect_eq "killed: sent, journal empty" "$((n + 1)) 0" "$(both) $(journal "$tmp/b")"
/usr/bin/python3 "$reader" "$tmp/out-b" >"$tmp/out-b.json" || fail "read out-b"
expect_json "killed: the message" "$tmp/out-b.json" '"ничего не потеряно" in d[-1]["parts"]["text/plain"]' "true"

# The remote out of reach: nothing sent, 75 (try later), the claim kept;
# the next run sends it.
answer "Brez omrežja: сеть недоступна."
git -C "$tmp/b" remote set-url origin "$tmp/nowhere.git"
n=$(both)
expect_exit "offline: try later" 75 sd -C "$tmp/b" mail send
expect_err_has "offline: says so" "nothing was sent"
expect_eq "offline: nothing sent, the claim kept" "$n 1" "$(both) $(journal "$tmp/b")"
git -C "$tmp/b" remote set-url origin "$tmp/hub.git"
expect_exit "offline: back" 0 sd -C "$tmp/b" mail send
expect_eq "offline: sent" "$((n + 1)) 0" "$(both) $(journal "$tmp/b")"

# --local: no claim, no push (a single machine's behaviour).
answer "Lokalno: čšž."
hub=$(git -C "$tmp/hub.git" rev-parse HEAD)
expect_exit "local: sends" 0 sd -C "$tmp/a" mail send --local
expect_eq "local: sent, nothing pushed" "$((n + 2)) $hub" "$(both) $(git -C "$tmp/hub.git" rev-parse HEAD)"
expect_exit "local: --local without send" 2 sd -C "$tmp/a" mail --local
# A journal file sd did not write is named, left alone, and the rest goes on.
printf 'not a claim\n' >"$tmp/a/.git/sd/mail/claimed/zzz.send"
expect_exit "journal: a stray file" 1 sd -C "$tmp/a" mail send
expect_err_has "journal: named" "zzz.send is not a claimed message sd wrote"
expect_exists "journal: left alone" "$tmp/a/.git/sd/mail/claimed/zzz.send"
fsck_ok "clones" "$tmp/a"
fsck_ok "clones" "$tmp/b"

finish
