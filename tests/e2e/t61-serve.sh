#!/bin/bash
# SPDX-License-Identifier: MIT
# sd serve: the requester portal over HTTP: the form, status links,
# requester actions, and every security rule (t61-serve.py), against one
# server and one store.
. "$(dirname "$0")/lib.sh"

r=$(store serve)
cat >>"$r/.sd/config.yaml" <<'YAML'
portal:
  categories: [hardware, network]
  rate_limit: {per_address: 3, per_email: 2}
  max_text: 2K
  max_upload: 20K
YAML
mkdir -p "$r/.sd/templates/web"
printf 'site.name = Naša pomoč\n' >"$r/.sd/templates/web/sl.txt"
commit_all "$r" "portal config"
git -C "$r" config user.name "Agent Smith"
git -C "$r" config user.email agent@example.com

# Configuration: base_url only from the local file.
printf 'portal:\n  base_url: https://evil.example\n' >>"$r/.sd/config.yaml"
expect_exit "config: base_url refused in the tracked file" 2 sd -C "$r" serve --check
expect_err_has "config: says where it belongs" "'portal.base_url' belongs in the local configuration"
git -C "$r" checkout -q .sd/config.yaml
printf 'portal:\n  base_url: "https://help.example.com/"\n' >"$r/.git/sd/config.yaml"
expect_exit "check: valid" 0 sd -C "$r" serve --check
expect_out_has "check: says so" "the configuration and templates are valid"

# Templates are checked, naming the file and line.
printf '<h1>{{title}}</h1>\n{{#entries}}\n' >"$r/.sd/templates/web/status.html"
expect_exit "check: a broken template" 2 sd -C "$r" serve --check
expect_err_has "check: names the template and line" ".sd/templates/web/status.html:3: a section is not closed"
rm "$r/.sd/templates/web/status.html"

# The status link: a secret made on first use, 0600, never committed.
id=$(new_ticket "$r" "Printer on floor 3")
expect_exit "link: printed" 0 sd -C "$r" serve --link "${id:0:6}"
expect_match "link: base URL, id, 43-character token" "$OUT" "^https://help\.example\.com/t/$id/[A-Za-z0-9_-]{43}$"
link=$(<"$OUT")
expect_eq "link: the secret is 0600" "600 32" "$(stat -c '%a %s' "$r/.git/sd/portal-secret")"
expect_exit "link: the same twice" 0 sd -C "$r" serve --link "$id"
expect_out "link: the same twice, same token" "$link"
expect_eq "link: the secret is not in the work tree" "" "$(git -C "$r" status --porcelain)"

# Knowledge-base articles: two published, one a draft.
sd -C "$r" kb new "VPN ne dela: ponovno zaženite odjemalca" --slug vpn-restart --tag vpn \
	--category network --faq -s published -m 'Zaprite odjemalca VPN in ga **znova zaženite**.' >/dev/null
sd -C "$r" kb new "Принтер не печатает" --slug printer-jam --tag printer --faq -s published \
	-m 'Откройте лоток и уберите бумагу.' >/dev/null
sd -C "$r" kb new "VPN secret draft" --slug vpn-draft --tag vpn -m 'not yet' >/dev/null

# One server for the HTTP checks.
start_serve "$r" --timeout 1 --threads 2
port=${url##*:}
expect_match "serve: says where it listens" "$tmp/serve.log" '^sd serve: listening on http://127\.0\.0\.1:[0-9]+$'
python3 "$E2E_DIR/t61-serve.py" "${port:-1}" "$r" "$SD" "$tmp/serve.log" >"$tmp/py.out" 2>&1
while IFS= read -r line; do
	case $line in
	"PASS "*) ok "${line#PASS }" ;;
	"FAIL "*)
		name=${line#FAIL }
		detail=$(awk -v n="$line" 'f && /^# / {print substr($0, 3); next} {f = ($0 == n)}' "$tmp/py.out")
		fail "$name" "$detail"
		;;
	"# "*) ;;
	*) fail "python: $line" ;;
	esac
done <"$tmp/py.out"

# The link sd serve --link prints opens the ticket on the server.
path=${link#https://help.example.com}
code=$(python3 -c 'import http.client,sys; c=http.client.HTTPConnection("127.0.0.1",int(sys.argv[1])); c.request("GET",sys.argv[2]); print(c.getresponse().status)' "${port:-1}" "$path")
expect_eq "link: opens on the server" 200 "$code"

kill -TERM "$pid"
wait "$pid"
expect_eq "serve: SIGTERM ends it cleanly" 0 $?
expect_contains "serve: says it stops" "$tmp/serve.log" "sd serve: stopping on SIGTERM"
fsck_ok "serve" "$r"
finish
