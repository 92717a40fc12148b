#!/bin/bash
# SPDX-License-Identifier: MIT
# Problem management: sd problem suggest finds the planted runs of similar
# incidents (Slovenian, Russian, English) among noise and nothing else;
# sd problem new --from, sd link, sd unlink, sd problem known-error and
# sd resolve --incidents change both sides of a link in one commit; sd
# show, list and check see the links. One generated desk, imported once.
. "$(dirname "$0")/lib.sh"

r=$(store problems)
# Every incident of the last 30 days (SD_NOW is 2026-11-23): four runs
# of the same printer fault in three languages, noise in the same
# categories (some about printers: toner, a driver), an older run outside
# the window, and a request like the Slovenian run.
cat >"$tmp/desk.jsonl" <<'JSONL'
{"id":"sv0000000000","title":"Tiskalnik ne tiska","description":"Tiskalnik v 3. nadstropju ne tiska več.","category":"hardware","created":"2026-11-03T10:00:00Z"}
{"id":"sv0000000001","title":"Ne morem tiskati","description":"Tiskalnik javlja napako, dokumenti se ne tiskajo.","category":"hardware","created":"2026-11-08T10:00:00Z"}
{"id":"sv0000000002","title":"Tiskalnik spet ne tiska","description":"Tiskalnik ne tiska dokumentov, lučka utripa.","category":"hardware","created":"2026-11-13T10:00:00Z"}
{"id":"sv0000000003","title":"Težava s tiskalnikom","description":"Tiskalnik ne natisne ničesar, čaka v vrsti.","category":"hardware","created":"2026-11-18T10:00:00Z"}
{"id":"rv0000000000","title":"Принтер не печатает","description":"Принтер на втором этаже не печатает документы.","category":"hardware","created":"2026-11-04T10:00:00Z"}
{"id":"rv0000000001","title":"Не печатает принтер","description":"Опять принтер не печатает, горит красная лампа.","category":"hardware","created":"2026-11-09T10:00:00Z"}
{"id":"rv0000000002","title":"Принтер перестал печатать","description":"Принтер не печатает с утра.","category":"hardware","created":"2026-11-14T10:00:00Z"}
{"id":"rv0000000003","title":"Ошибка печати","description":"Принтер выдает ошибку и ничего не печатает.","category":"hardware","created":"2026-11-19T10:00:00Z"}
{"id":"ev0000000000","title":"Printer does not print","description":"The printer in room 12 prints nothing.","category":"","created":"2026-11-05T10:00:00Z","asset":"PRN-7"}
{"id":"ev0000000001","title":"Printer prints nothing","description":"Jobs sit in the queue, the printer does not print.","category":"","created":"2026-11-09T10:00:00Z","asset":"PRN-7"}
{"id":"ev0000000002","title":"Printer not printing","description":"Our printer stopped printing this morning.","category":"","created":"2026-11-13T10:00:00Z","asset":"PRN-7"}
{"id":"ev0000000003","title":"Nothing comes out of the printer","description":"I print and the printer shows an error.","category":"","created":"2026-11-17T10:00:00Z","asset":"PRN-7"}
{"id":"nz0000000000","title":"Printer toner order","description":"Please order toner for the printer.","category":"hardware","created":"2026-11-01T10:00:00Z"}
{"id":"nz0000000001","title":"Tiskalnik potrebuje nov toner","description":"Prosim za nov toner za tiskalnik v pisarni.","category":"hardware","created":"2026-11-02T10:00:00Z"}
{"id":"nz0000000002","title":"Заказать картридж для принтера","description":"Нужен новый картридж.","category":"hardware","created":"2026-11-03T10:00:00Z"}
{"id":"nz0000000003","title":"Laptop battery drains fast","description":"Battery lasts one hour.","category":"hardware","created":"2026-11-04T10:00:00Z"}
{"id":"nz0000000004","title":"Monitor flickers","description":"The monitor flickers after lunch.","category":"hardware","created":"2026-11-05T10:00:00Z"}
{"id":"nz0000000005","title":"Tipkovnica ne dela","description":"Tipke se zatikajo, tipkovnica ne dela.","category":"hardware","created":"2026-11-06T10:00:00Z"}
{"id":"nz0000000006","title":"Мышь не работает","description":"Беспроводная мышь не работает.","category":"hardware","created":"2026-11-07T10:00:00Z"}
{"id":"nz0000000007","title":"VPN ne dela","description":"Povezava VPN se prekine vsakih pet minut.","category":"network","created":"2026-11-08T10:00:00Z"}
{"id":"nz0000000008","title":"Wifi is slow","description":"The wifi in the meeting room is slow.","category":"network","created":"2026-11-09T10:00:00Z"}
{"id":"nz0000000009","title":"Нет интернета","description":"В кабинете 204 нет интернета.","category":"network","created":"2026-11-10T10:00:00Z"}
{"id":"nz0000000010","title":"Outlook ne sinhronizira","description":"Pošta ne prihaja v Outlook.","category":"software","created":"2026-11-11T10:00:00Z"}
{"id":"nz0000000011","title":"Excel crashes on open","description":"Excel crashes when I open the budget file.","category":"software","created":"2026-11-12T10:00:00Z"}
{"id":"nz0000000012","title":"Не открывается 1С","description":"1С выдает ошибку при запуске.","category":"software","created":"2026-11-13T10:00:00Z"}
{"id":"nz0000000013","title":"Пароль не подходит","description":"Не могу войти, пароль не подходит.","category":"accounts","created":"2026-11-14T10:00:00Z"}
{"id":"nz0000000014","title":"Password expired","description":"My password expired and I cannot log in.","category":"accounts","created":"2026-11-15T10:00:00Z"}
{"id":"nz0000000015","title":"Novo uporabniško ime","description":"Prosim za nov račun za novo sodelavko.","category":"accounts","created":"2026-11-16T10:00:00Z"}
{"id":"nz0000000016","title":"Printer driver for Mac","description":"How do I install the printer driver on a Mac?","category":"software","created":"2026-11-17T10:00:00Z"}
{"id":"nz0000000017","title":"Projektor v sejni sobi","description":"Projektor ne prikaže slike s prenosnika.","category":"hardware","created":"2026-11-18T10:00:00Z"}
{"id":"nz0000000018","title":"Scanner sends empty pages","description":"The scanner emails empty pages.","category":"hardware","created":"2026-11-19T10:00:00Z"}
{"id":"nz0000000019","title":"Telefon nima signala","description":"Službeni telefon nima signala v kleti.","category":"hardware","created":"2026-11-20T10:00:00Z"}
{"id":"nz0000000020","title":"Access to shared drive","description":"I need access to the finance share.","category":"accounts","created":"2026-11-21T10:00:00Z"}
{"id":"nz0000000021","title":"Teams camera black","description":"Camera shows black in Teams calls.","category":"software","created":"2026-11-22T10:00:00Z"}
{"id":"dd0000000000","title":"Tiskalnik ne tiska (staro)","description":"Tiskalnik v 3. nadstropju ne tiska več.","category":"hardware","created":"2026-09-11T10:00:00Z"}
{"id":"dd0000000001","title":"Ne morem tiskati (staro)","description":"Tiskalnik javlja napako, dokumenti se ne tiskajo.","category":"hardware","created":"2026-09-12T10:00:00Z"}
{"id":"dd0000000002","title":"Tiskalnik spet ne tiska (staro)","description":"Tiskalnik ne tiska dokumentov, lučka utripa.","category":"hardware","created":"2026-09-13T10:00:00Z"}
{"id":"rq0000000001","title":"Tiskalnik ne tiska barvno","description":"Prosim nastavite barvni tisk na tiskalniku.","category":"hardware","type":"request","created":"2026-11-10T10:00:00Z"}
JSONL
expect_exit "import the desk" 0 sd -C "$r" import "$tmp/desk.jsonl"
sl="sv0000000000 sv0000000001 sv0000000002 sv0000000003"
ru="rv0000000000 rv0000000001 rv0000000002 rv0000000003"
en="ev0000000000 ev0000000001 ev0000000002 ev0000000003"

# --- suggest ---
expect_exit "suggest" 0 sd -C "$r" problem suggest
cp "$OUT" "$tmp/suggest"
expect_eq "suggest: exactly the three planted runs, largest and earliest first" \
	"  sd problem new TITLE --from $sl
  sd problem new TITLE --from $ru
  sd problem new TITLE --from $en" "$(grep -e '--from' "$tmp/suggest")"
expect_contains "suggest: a cluster's size and central title" "$tmp/suggest" \
	"4 incidents Tiskalnik spet ne tiska"
expect_contains "suggest: Russian words as written" "$tmp/suggest" "печатает"
expect_lacks "suggest: not the toner order" "$tmp/suggest" "toner"
expect_lacks "suggest: not the older run" "$tmp/suggest" "staro"
expect_lacks "suggest: not the request" "$tmp/suggest" "barvno"
expect_exit "suggest again" 0 sd -C "$r" problem suggest
expect_file_eq "suggest: the same answer twice" "$tmp/suggest" "$OUT"
expect_exit "suggest --json" 0 sd -C "$r" problem suggest --json
cp "$OUT" "$tmp/suggest.json"
expect_json "suggest --json: members" "$tmp/suggest.json" \
	"' | '.join(' '.join(m['id'] for m in c['members']) for c in d)" "$sl | $ru | $en"
expect_json "suggest --json: title, words and similarity" "$tmp/suggest.json" \
	"[d[0]['title'], d[0]['words'][0], d[0]['size'], 0.25 <= d[0]['similarity'] <= 1]" \
	'["Tiskalnik spet ne tiska", "tiskalnik", 4, true]'
expect_exit "suggest --since 90d: the older run joins" 0 sd -C "$r" problem suggest --since 90d
expect_out_has "suggest --since 90d: dd0000000000 is in a cluster" "dd0000000000"
expect_exit "suggest --min 5: none" 1 sd -C "$r" problem suggest --min 5
expect_err_has "suggest --min 5: says so" "no 5 or more similar incidents"
expect_exit "suggest --min 1: refused" 2 sd -C "$r" problem suggest --min 1
expect_exit "suggest --workaround: not its option" 2 sd -C "$r" problem suggest --workaround x

# --- new --from: one commit, both sides ---
before=$(commit_count "$r")
expect_exit "problem new --from" 0 sd -C "$r" problem new "Tiskalniki ne tiskajo" --from $sl -m "Vzrok še ni znan."
p=$(cat "$OUT")
expect_commit_count "problem new" "$r" $((before + 1))
expect_eq "problem new: the commit holds the problem and its incidents" 5 \
	"$(git -C "$r" show --name-only --format= HEAD | grep -c .)"
expect_contains "problem new: the problem's file lists them" "$r/$(tpath "$p")" \
	"incidents: [sv0000000000, sv0000000001, sv0000000002, sv0000000003]"
expect_contains "problem new: an incident names it" "$r/$(tpath sv0000000002)" "problem: $p"
expect_contains "problem new: the category the incidents share" "$r/$(tpath "$p")" "category: hardware"
expect_exit "show the problem" 0 sd -C "$r" show "$p"
expect_out_has "show problem: its incidents" "sv0000000001 new Ne morem tiskati"
expect_exit "show an incident" 0 sd -C "$r" show sv0000000000
expect_out_has "show incident: its problem" "Tiskalniki ne tiskajo"
expect_exit "show --json" 0 sd -C "$r" show "$p" --json
expect_json "show --json: incidents" "$OUT" "len(d['incidents'])" 4
expect_exit "list --type problem" 0 sd -C "$r" list --type problem
expect_out_has "list --type problem: the incident count" "4 incidents"
expect_exit "list --problem" 0 sd -C "$r" list --problem "$p" --format '%(id)'
expect_out "list --problem: its incidents" "sv0000000000
sv0000000001
sv0000000002
sv0000000003"
expect_exit "suggest after: the Slovenian run is taken" 0 sd -C "$r" problem suggest
expect_eq "suggest after: two runs left" 2 "$(grep -c -e '--from' "$OUT")"

# --- unlink and link ---
before=$(commit_count "$r")
expect_exit "unlink" 0 sd -C "$r" unlink sv0000000003
expect_commit_count "unlink" "$r" $((before + 1))
expect_lacks "unlink: gone from the problem" "$r/$(tpath "$p")" "sv0000000003]"
expect_lacks "unlink: the incident names none" "$r/$(tpath sv0000000003)" "problem:"
expect_exit "unlink again: nothing to do" 0 sd -C "$r" unlink sv0000000003
expect_err_has "unlink again: says so" "linked to no problem"
expect_commit_count "unlink again" "$r" $((before + 1))
expect_exit "link" 0 sd -C "$r" link sv0000000003 --problem "$p" -m "isti vzrok"
expect_commit_count "link" "$r" $((before + 2))
expect_contains "link: the event on the problem" "$r/$(tpath "$p")" "isti vzrok"
expect_exit "link to a ticket that is not a problem" 2 sd -C "$r" link rv0000000000 --problem nz0000000004
expect_err_has "link to a non-problem: says why" "not a problem"
expect_exit "link a request" 2 sd -C "$r" link rq0000000001 --problem "$p"
expect_err_has "link a request: says why" "not an incident"
expect_exit "link without --problem" 2 sd -C "$r" link rv0000000000
expect_commit_count "refused links change nothing" "$r" $((before + 2))
expect_clean "after the refused links" "$r"

# --- known error ---
before=$(commit_count "$r")
expect_exit "known-error" 0 sd -C "$r" problem known-error "$p" --workaround "Ponovno zaženi tiskalni strežnik."
expect_contains "known-error: the field" "$r/$(tpath "$p")" "known_error: true"
expect_contains "known-error: the workaround" "$r/$(tpath "$p")" "Ponovno zaženi tiskalni strežnik."
expect_exit "known-error --kb" 0 sd -C "$r" problem known-error "$p" --kb --workaround "Izklopi tiskalnik za 10 sekund."
expect_out "known-error --kb: prints the article's slug" "tiskalniki-ne-tiskajo"
expect_commit_count "known-error, then with --kb" "$r" $((before + 2))
expect_contains "known-error --kb: a draft" "$r/kb/tiskalniki-ne-tiskajo.md" "status: draft"
expect_contains "known-error --kb: the workaround in it" "$r/kb/tiskalniki-ne-tiskajo.md" \
	"Izklopi tiskalnik za 10 sekund."
expect_contains "known-error --kb: it answers the incidents" "$r/kb/tiskalniki-ne-tiskajo.md" \
	"sv0000000003"
expect_contains "known-error --kb: the problem links it" "$r/$(tpath "$p")" "to=tiskalniki-ne-tiskajo"
git -C "$r" show --name-only --format= HEAD >"$tmp/names"
expect_contains "known-error --kb: the problem in the same commit" "$tmp/names" "$(tpath "$p")"
expect_contains "known-error --kb: the article in the same commit" "$tmp/names" \
	"kb/tiskalniki-ne-tiskajo.md"
expect_exit "known-error of an incident" 2 sd -C "$r" problem known-error sv0000000000 --workaround x
expect_exit "known-error without a workaround" 2 sd -C "$r" problem known-error "$p"

# --- resolve --incidents: one commit for all ---
sd -C "$r" resolve sv0000000001 -m "Ponovni zagon." >/dev/null 2>&1
before=$(commit_count "$r")
expect_exit "resolve --incidents" 0 sd -C "$r" resolve "$p" --incidents -m "Zamenjan gonilnik."
expect_commit_count "resolve --incidents" "$r" $((before + 1))
expect_eq "resolve --incidents: the problem and the three open incidents" 4 \
	"$(git -C "$r" show --name-only --format= HEAD | grep -c .)"
expect_exit "list --problem: none open" 0 sd -C "$r" list --problem "$p"
expect_out_empty "list --problem: empty"
expect_exit "show a resolved incident" 0 sd -C "$r" show sv0000000000
expect_out_has "resolved incident: names the problem" "Resolved with problem"
expect_out_has "resolved incident: and the resolution" "Zamenjan gonilnik."
expect_exit "resolve --incidents of an incident" 2 sd -C "$r" resolve sv0000000000 --incidents -m x
expect_exit "check" 0 sd -C "$r" check
expect_out_empty "check: no problems"
fsck_ok "problems" "$r"

# --- check: links to nothing, of the wrong type, one-sided ---
sed -i 's/^problem: .*/problem: nz0000000004/' "$r/$(tpath sv0000000000)"
sed -i "s/^category: hardware\$/category: hardware\nproblem: $p/" "$r/$(tpath rv0000000000)"
expect_exit "check: wrong links" 1 sd -C "$r" check
expect_out_has "check: a link to a ticket that is no problem" "problem nz0000000004 is of type incident, not a problem"
expect_err_has "check: a one-sided link is a warning" "does not list this incident"
expect_err_has "check: and from the problem's side" "incident sv0000000000 does not name this problem"

# --- the merge driver: incidents merge as a set ---
pf=$r/$(tpath "$p")
cp "$pf" "$tmp/base.md"
sed 's/^incidents: \[/incidents: [aaaaaaaaaaaa, /' "$tmp/base.md" >"$tmp/ours.md"
sed 's/^incidents: \[sv0000000000, /incidents: [bbbbbbbbbbbb, /' "$tmp/base.md" >"$tmp/theirs.md"
expect_exit "merge-file: links made on both sides" 0 sd merge-file "$tmp/base.md" "$tmp/ours.md" "$tmp/theirs.md"
expect_contains "merge-file: both added, the one unlinked gone" "$tmp/ours.md" \
	"incidents: [aaaaaaaaaaaa, bbbbbbbbbbbb, sv0000000001, sv0000000002, sv0000000003]"

# --- config ---
sed -i 's/^  similarity: .*/  similarity: 2/' "$r/.sd/config.yaml"
expect_exit "problems.similarity out of range" 2 sd -C "$r" problem suggest
expect_err_has "problems.similarity: says what" "problems.similarity must be a number from 0 to 1"
finish
