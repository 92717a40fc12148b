#!/bin/bash
# SPDX-License-Identifier: MIT
# sd serve in operation: behind a reverse proxy (--behind-proxy), the
# client is the address X-Forwarded-For names, and rate limits count it;
# on SIGTERM a request in flight (a slow upload) is finished, its ticket
# committed once and its answer delivered, and the server exits 0. One
# server, one store, curl as the browser and as the proxy.
. "$(dirname "$0")/lib.sh"

r=$(store ops)
cat >>"$r/.sd/config.yaml" <<'YAML'
portal:
  rate_limit: {per_address: 1, per_email: 100}
YAML
commit_all "$r" "portal config"

SD_NOW= start_serve "$r" --behind-proxy --timeout 5 --threads 2

curl -s -o "$tmp/b" -c "$tmp/jar" "$url/"
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$tmp/b" | head -1)
# post N [CURL-ARGS...]: a request titled N; prints the status.
post() {
	local n=$1
	shift
	curl -s -o /dev/null -w '%{http_code}' -b "$tmp/jar" -F "csrf=$csrf" -F "name=Иван Петров" \
		-F "email=ivan$n@example.ru" -F "title=Запрос $n čšž" "$@" "$url/request"
}

# One ticket an hour per client address; the proxy's header names it.
codes=$(post 1 -H 'X-Forwarded-For: 203.0.113.7')
codes+=" $(post 2 -H 'X-Forwarded-For: 203.0.113.7')"
codes+=" $(post 3 -H 'X-Forwarded-For: 203.0.113.8')"
codes+=" $(post 4 -H 'X-Forwarded-For: 10.9.9.9, 203.0.113.9')"
codes+=" $(post 5 -H 'X-Forwarded-For: 203.0.113.9')"
codes+=" $(post 6 -H 'X-Forwarded-For: not-an-address')"
codes+=" $(post 7)"
expect_eq "behind a proxy: limits count the forwarded client; the last address counts; a bad one is the peer" \
	"303 429 303 303 429 303 429" "$codes"
expect_contains "behind a proxy: the log names the client" "$tmp/serve.log" ' 203.0.113.8 "POST /request" 303'
expect_lacks "behind a proxy: not an address the client wrote itself" "$tmp/serve.log" "10.9.9.9"
expect_contains "behind a proxy: a bad header is the peer" "$tmp/serve.log" ' 127.0.0.1 "POST /request" 303'

# SIGTERM while an upload is arriving (100 KB at 50 KB a second, 2 s):
# the request finishes, one commit, the answer arrives, exit status 0.
head -c 100000 /dev/urandom >"$tmp/log.bin"
before=$(commit_count "$r")
post slow -H 'X-Forwarded-For: 203.0.113.50' -F "files=@$tmp/log.bin;filename=záznam ěřů čšž.bin" \
	--limit-rate 50K -D "$tmp/slow.h" >"$tmp/slow.code" &
slow=$!
# Wait until the server holds the request (the upload has begun).
for _ in $(seq 100); do
	[ "$(ss -Htn state established "( sport = :${url##*:} )" 2>/dev/null | wc -l)" -gt 0 ] && break
	sleep 0.05
done
sleep 0.5
kill -TERM "$pid"
for _ in $(seq 100); do
	grep -q 'stopping on SIGTERM' "$tmp/serve.log" && break
	sleep 0.05
done
curl -s -o /dev/null --max-time 5 "$url/"
expect_eq "SIGTERM: a new connection is refused meanwhile" 7 $?
wait "$slow"
wait "$pid"
expect_eq "SIGTERM: the server exits 0" 0 $?
expect_eq "SIGTERM: the request in flight is answered" 303 "$(<"$tmp/slow.code")"
expect_commit_count "SIGTERM: its ticket committed once" "$r" $((before + 1))
expect_eq "SIGTERM: one ticket with its file" "tickets/XX/ID/files/záznam ěřů čšž.bin" \
	"$(git -C "$r" -c core.quotePath=false show --name-only --format= HEAD | grep /files/ |
		sed 's|^tickets/../[0-9a-z]*/|tickets/XX/ID/|')"
expect_eq "SIGTERM: the file whole" "$(sha1sum <"$tmp/log.bin")" \
	"$(git -C "$r" -c core.quotePath=false show "HEAD:$(git -C "$r" -c core.quotePath=false show --name-only --format= HEAD | grep /files/)" | sha1sum)"
expect_eq "SIGTERM: it stopped while the request was in flight" \
	"stopping on SIGTERM
POST /request 303" \
	"$(sed -n -e 's/^sd serve: \(stopping on SIGTERM\).*/\1/p' -e 's/.* 203\.0\.113\.50 "\(POST \/request\)" \([0-9]*\) .*/\1 \2/p' "$tmp/serve.log")"
fsck_ok "ops" "$r"
finish
