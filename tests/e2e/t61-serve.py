# SPDX-License-Identifier: MIT
# The HTTP-level checks of sd serve, run by t61-serve.sh: one server, one
# store, every security rule of the portal as a request and what came back.
# Prints "PASS name" or "FAIL name" followed by "# detail" lines.
import http.client, json, os, re, socket, subprocess, sys, time, urllib.parse

port, store, sd, log = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
results = []


def check(name, cond, *detail):
    print(("PASS " if cond else "FAIL ") + name)
    if not cond:
        for d in detail:
            for line in str(d)[:3000].splitlines():
                print("# " + line)
    sys.stdout.flush()


def req(method, path, body=None, headers=None, cookies=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    h = dict(headers or {})
    if cookies:
        h["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if isinstance(body, dict):
        body = urllib.parse.urlencode(body)
        h.setdefault("Content-Type", "application/x-www-form-urlencoded")
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read().decode("utf-8", "replace")
    c.close()
    return r, data


def sdrun(*args):
    return subprocess.run([sd, "-C", store] + list(args), capture_output=True, text=True)


def commits():
    return int(subprocess.run(["git", "-C", store, "rev-list", "--count", "HEAD"],
                              capture_output=True, text=True).stdout)


def csrf_of(html):
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    return m.group(1) if m else ""


# The front page: headers every answer carries, and a nonce cookie.
r, page = req("GET", "/")
csp = r.getheader("Content-Security-Policy") or ""
check("front page is 200", r.status == 200, r.status)
check("CSP forbids scripts and framing",
      "default-src 'none'" in csp and "frame-ancestors 'none'" in csp and "script-src" not in csp
      and "unsafe-inline" not in csp, csp)
check("nosniff", r.getheader("X-Content-Type-Options") == "nosniff")
check("no referrer", r.getheader("Referrer-Policy") == "no-referrer")
cookie = r.getheader("Set-Cookie") or ""
check("CSRF cookie is HttpOnly and SameSite=Strict",
      cookie.startswith("sd_csrf=") and "HttpOnly" in cookie and "SameSite=Strict" in cookie, cookie)
nonce = cookie.split(";")[0].split("=", 1)[1]
jar = {"sd_csrf": nonce}
token = csrf_of(page)
check("the form has labels for its fields",
      all(f'<label for="{f}">' in page for f in ("name", "email", "title", "description")), page)
check("no script anywhere", "<script" not in page.lower())

# Languages: Accept-Language, then ?lang=.
r, p = req("GET", "/", headers={"Accept-Language": "sl-SI,sl;q=0.9,en;q=0.5"})
check("Slovenian by Accept-Language", "Kako vam lahko pomagamo?" in p and 'lang="sl"' in p, p[:800])
r, p = req("GET", "/?lang=ru", headers={"Accept-Language": "sl"})
check("Russian by ?lang=", "Чем мы можем помочь?" in p, p[:800])
check("the store's catalog adds to the shipped one", "Naša pomoč" in
      req("GET", "/", headers={"Accept-Language": "sl"})[1])

form = {"csrf": token, "name": "Ана Novak", "email": "ana@example.com",
        "title": "<script>alert(1)</script> tiskalnik čšž", "impact": "medium",
        "urgency": "high", "category": "hardware",
        "description": "Принтер не печатает.\r\n\r\n<img src=x onerror=alert(1)> **krepko**"}

# CSRF: no token, a token for another nonce, no cookie.
before = commits()
r, p = req("POST", "/request", dict(form, csrf=""), cookies=jar)
check("POST without a CSRF token is 403", r.status == 403, r.status)
r, p = req("POST", "/request", form, cookies={"sd_csrf": "A" * 22})
check("POST with another browser's nonce is 403", r.status == 403, r.status)
r, p = req("POST", "/request", form)
check("POST without the cookie is 403", r.status == 403, r.status)
check("refused posts commit nothing", commits() == before, commits(), before)

# Validation: the form comes back with the problem, values escaped.
r, p = req("POST", "/request", dict(form, email="not an address"), cookies=jar)
check("a bad email is 400 with the form again",
      r.status == 400 and "Please give an email address like name@example.com." in p, r.status, p)
check("values come back escaped",
      "&lt;script&gt;alert(1)&lt;/script&gt; tiskalnik čšž" in p and "<script>" not in p, p)
r, p = req("POST", "/request", dict(form, impact="huge"), cookies=jar)
check("an impact not offered is 400", r.status == 400 and "Please choose one" in p, r.status)
r, p = req("POST", "/request", dict(form, category="../../etc"), cookies=jar)
check("a category not configured is 400", r.status == 400, r.status)

# A request: one commit, then the status link.
before = commits()
r, p = req("POST", "/request", form, cookies=jar)
loc = r.getheader("Location") or ""
m = re.match(r"^/t/([0-9a-z]{12})/([A-Za-z0-9_-]{43})\?done=sent$", loc)
check("a request redirects to its status link", r.status == 303 and m, r.status, loc)
tid, tok = (m.group(1), m.group(2)) if m else ("x" * 12, "y" * 43)
check("a request is one commit", commits() == before + 1, commits(), before)
show = json.loads(sdrun("show", tid, "--json").stdout or "{}")
check("the ticket came in by the web, with the requester and category",
      show.get("channel") == "web" and show.get("requester") == "Ана Novak <ana@example.com>"
      and show.get("category") == "hardware" and show.get("priority") == "P2", show)
status = f"/t/{tid}/{tok}"
r, p = req("GET", status + "?done=sent", cookies=jar)
check("the status page shows the link whole, under the base URL",
      f">https://help.example.com{status}</a>" in p, p[:1500])
check("the status page escapes the title",
      "&lt;script&gt;alert(1)&lt;/script&gt; tiskalnik čšž" in p and "<script>" not in p)
check("the description is Markdown without raw HTML",
      "<strong>krepko</strong>" in p and "<img" not in p and "Принтер не печатает." in p, p)
check("status and priority in words, and the due time",
      "Received" in p and "High" in p and "We aim to solve it by" in p, p)

# The desk answers; an internal note and private fields never show.
sdrun("comment", tid, "-m", "Публичный ответ: try the other tray")
sdrun("comment", tid, "--internal", "-m", "SECRET-NOTE do not show")
sdrun("set", tid, "tags=vip-secret", "queue=second-line")
r, p = req("GET", status, cookies=jar)
check("the agent's public comment shows", "Публичный ответ: try the other tray" in p, p)
check("the internal note never shows", "SECRET-NOTE" not in p)
check("private fields never show", "vip-secret" not in p and "second-line" not in p)
token2 = csrf_of(p)

# The requester answers.
before = commits()
r, _ = req("POST", status + "/comment", {"csrf": token2, "comment": "Хвала, čšž deluje?"},
           cookies=jar)
check("a requester's comment redirects back", r.status == 303
      and (r.getheader("Location") or "").endswith("?done=comment"), r.status)
check("a requester's comment is one commit", commits() == before + 1)
r, p = req("GET", status + "?done=comment", cookies=jar)
check("the comment shows as the requester's", "Хвала, čšž deluje?" in p and ">You<" in p, p)
r, _ = req("POST", status + "/comment", {"csrf": token, "comment": "x"}, cookies=jar)
check("the form token of another scope is 403", r.status == 403, r.status)

# Files: with a comment or alone, in the same commit, names made safe,
# one over max_upload dropped and said so.
def multipart(fields, files):
    b = "----sdtest7f3k"
    out = b""
    for k, v in fields.items():
        out += (f'--{b}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n').encode()
    for name, data in files:
        out += (f'--{b}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
                f'Content-Type: application/octet-stream\r\n\r\n').encode() + data + b"\r\n"
    return out + f"--{b}--\r\n".encode(), {"Content-Type": "multipart/form-data; boundary=" + b}
body, h = multipart({"csrf": token2, "comment": "Прилагаю снимок"},
                    [("../../etc/снимок čšž.png", b"\x89PNG fake"), ("big.bin", b"x" * 25000)])
before = commits()
r, _ = req("POST", status + "/comment", body, headers=h, cookies=jar)
files = subprocess.run(["git", "-C", store, "-c", "core.quotePath=false", "show", "--name-only",
                        "--format=", "HEAD"], capture_output=True, text=True).stdout.split("\n")
check("a comment with files is one commit, the big one dropped",
      r.status == 303 and (r.getheader("Location") or "").endswith("?done=dropped")
      and commits() == before + 1 and any(f.endswith("/files/снимок čšž.png") for f in files)
      and not any("big.bin" in f for f in files), r.status, files)
r, p = req("GET", status + "?done=dropped", cookies=jar)
check("the page shows the file and says one was dropped",
      re.search(r'File attached: <a href="[^"]*/files/[^"]*" download>снимок čšž\.png</a>', p)
      and "a file was too large" in p, p)
body, h = multipart({"csrf": token2, "comment": ""}, [("log.txt", b"line\n")])
r, _ = req("POST", status + "/comment", body, headers=h, cookies=jar)
check("files alone need no comment", r.status == 303
      and (r.getheader("Location") or "").endswith("?done=attached"), r.status)
body, h = multipart({"csrf": "", "comment": "x"}, [("a.txt", b"a")])
r, _ = req("POST", status + "/comment", body, headers=h, cookies=jar)
check("an upload without a CSRF token is 403", r.status == 403, r.status)

# Solved and reopened.
sdrun("resolve", tid, "-m", "Replaced the tray")
r, _ = req("POST", status + "/solved", {"csrf": token2}, cookies=jar)
st = json.loads(sdrun("show", tid, "--json").stdout or "{}").get("status")
check("confirming a resolved ticket closes it", r.status == 303 and st == "closed", st)
r, _ = req("POST", status + "/reopen", {"csrf": token2}, cookies=jar)
st = json.loads(sdrun("show", tid, "--json").stdout or "{}").get("status")
check("reopening a closed ticket opens it", r.status == 303 and st == "open", st)

# Wrong, short and long tokens, and unknown tickets, all look alike.
r404, p404 = req("GET", "/t/000000000000/" + tok)
bad = [tok[:-1] + ("A" if tok[-1] != "A" else "B"), tok[:20], tok + "A", "", "x" * 43]
same = r404.status == 404
for b in bad:
    r, p = req("GET", f"/t/{tid}/{b}")
    same = same and r.status == 404 and p == p404
for path in (f"/t/{tid}", f"/t/{tid.upper()}/{tok}", f"/t/{tid}/{tok}/../../"):
    r, p = req("GET", path)
    same = same and r.status == 404 and p == p404
check("wrong, truncated and long tokens answer as an unknown ticket", same)
r, _ = req("POST", f"/t/{tid}/{tok[:-2]}/comment", {"csrf": token2, "comment": "x"}, cookies=jar)
check("a comment with a wrong token is 404", r.status == 404, r.status)

# No path leads outside the routes.
ok = True
for path in ("/static/../.git/config", "/%2e%2e/%2e%2e/etc/passwd", "/kb/../../.sd/config.yaml",
             "/static/%2e%2e/.git/sd/portal-secret", "/..%2f.git/config", "//etc/passwd"):
    r, p = req("GET", path)
    ok = ok and r.status == 404 and "[core]" not in p and "priority_matrix" not in p
check("no path traversal", ok)
r, _ = req("PUT", "/")
check("other methods are refused", r.status == 405, r.status)

# Suggestions: a title that matches a published article shows it first.
before = commits()
vpn = dict(form, title='VPN ne dela "spet"', category="network", email="vpn@example.com")
r, p = req("POST", "/request", vpn, cookies=jar)
check("a matching title shows suggestions first",
      r.status == 200 and "Does one of these solve it?" in p and 'href="/kb/vpn-restart"' in p
      and "That solved it" in p, r.status, p)
check("suggestions never show drafts", "vpn-draft" not in p)
check("suggestions carry the request escaped",
      'value="VPN ne dela &quot;spet&quot;"' in p and "&lt;img src=x" in p, p)
check("suggestions commit nothing", commits() == before)
r, p = req("POST", "/request", dict(vpn, send="1"), cookies=jar)
check("'send my request' sends it", r.status == 303, r.status)

# The knowledge base pages.
r, p = req("GET", "/kb/")
check("/kb/ lists the published articles",
      r.status == 200 and "Принтер не печатает" in p and "vpn-restart" in p and "vpn-draft" not in p, p)
r, p = req("GET", "/kb/vpn-restart")
check("/kb/SLUG renders the article", r.status == 200 and "<strong>znova zaženite</strong>" in p, p)
r, p = req("GET", "/faq")
check("/faq shows the FAQ articles", r.status == 200 and "Откройте лоток" in p, p)
e = sdrun("kb", "edit", "printer-jam", "-m", "Новый текст статьи.")
r, p = req("GET", "/faq")
check("an edited article shows at once on the FAQ",
      e.returncode == 0 and "Новый текст статьи." in p and "Откройте лоток" not in p, e.stderr, p)
r, p = req("GET", "/kb/vpn-draft")
check("a draft is not found", r.status == 404, r.status)
r, p = req("GET", "/kb/?q=%3Cb%3Eprinter+%D0%BF%D1%80%D0%B8%D0%BD%D1%82%D0%B5%D1%80")
check("/kb/?q= searches, the query escaped",
      r.status == 200 and 'href="/kb/printer-jam"' in p and 'value="&lt;b&gt;printer принтер"' in p, p)
r, p = req("GET", "/kb/sd.css")
check("the knowledge base's style sheet", r.status == 200 and r.getheader("Content-Type").startswith("text/css"))

# Deflection: "that solved it" commits a record, no ticket.
before = commits()
r, p = req("POST", "/deflect", {"csrf": token, "article": "reset-password", "category": "hardware"},
           cookies=jar)
files = subprocess.run(["git", "-C", store, "show", "--name-only", "--format=", "HEAD"],
                       capture_output=True, text=True).stdout.split()
check("a deflection is one commit of a record",
      r.status == 200 and commits() == before + 1 and len(files) == 1
      and re.match(r"^deflections/\d{4}-\d\d/[0-9a-z]{12}\.yaml$", files[0]), r.status, files)
r, _ = req("POST", "/deflect", {"csrf": token, "article": "../../x"}, cookies=jar)
check("a deflection names an article slug", r.status == 400, r.status)

# Limits: body, field and header sizes.
r, _ = req("POST", "/request", "a=" + "x" * 200000, cookies=jar,
           headers={"Content-Type": "application/x-www-form-urlencoded"})
check("a body over the limit is 413", r.status == 413, r.status)
r, p = req("POST", "/request", dict(form, description="y" * 3000), cookies=jar)
check("a description over max_text is 400, saying so",
      r.status == 400 and "The description is too long" in p, r.status)
r, _ = req("POST", "/request", dict(form, description="y" * 9000), cookies=jar)
check("a field far over max_text is 413", r.status == 413, r.status)
try:
    r, _ = req("GET", "/", headers={"X-Big": "z" * 100000})
    check("a huge header is refused", r.status in (413, 414, 431, 400), r.status)
except (ConnectionError, http.client.HTTPException):
    check("a huge header is refused", True)

# Rate limits (per_email 2, per_address 3 in the test's config).
# Without --behind-proxy, X-Forwarded-For is anybody's header: ignored.
codes = []
for email, xff in (("ana@example.com", "198.51.100.1"), ("ana@example.com", "198.51.100.2"),
                   ("cene@example.com", "198.51.100.3")):
    r, _ = req("POST", "/request", dict(form, email=email, title="rate"), cookies=jar,
               headers={"X-Forwarded-For": xff})
    codes.append(r.status)
check("per email, then per address: 429", codes == [303, 429, 429], codes)
check("X-Forwarded-For is ignored without --behind-proxy",
      "198.51.100." not in open(log, encoding="utf-8", errors="replace").read())

# A slow client is cut off (--timeout 1).
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
s.settimeout(5)
t0 = time.time()
try:
    closed = s.recv(100) == b""
except (socket.timeout, ConnectionError):
    closed = False
check("a slow client is disconnected", closed and time.time() - t0 < 4.5, time.time() - t0)
s.close()

# The log: one line per request, no token, no ticket text.
text = open(log, encoding="utf-8", errors="replace").read()
check("the log names status pages without their token",
      f"/t/{tid}/TOKEN" in text and tok not in text and tok[:20] not in text, text[-2000:])
check("the log holds no ticket text", "čšž" not in text and "Хвала" not in text)
check("the log has one line per request", text.count('"GET /t/') >= 5, text[-1000:])
