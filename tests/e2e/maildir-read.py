#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# maildir-read.py MAILDIR: a JSON array, an object per message of MAILDIR/new, in
# the order delivered, decoded with Python's email module (not sd's
# reader): the headers the tests check, and the text of each part.
import email
import email.policy
import json
import os
import sys

d = os.path.join(sys.argv[1], "new")
messages = []


def delivered(name):
    # fake-sendmail's names are SECONDS.NANOSECONDS.PID; a real server's
    # (Postfix: SECONDS.VdevIinoMmicro.host) order by the file's time.
    seconds, rest = name.split(".")[0], name.split(".")[1]
    nanos = int(rest) if rest.isdigit() else os.stat(os.path.join(d, name)).st_mtime_ns % 10**9
    return (int(seconds), nanos, name)


for name in sorted(os.listdir(d), key=delivered):
    with open(os.path.join(d, name), "rb") as f:
        raw = f.read()
    m = email.message_from_bytes(raw, policy=email.policy.default)
    out = {"file": name}
    for h in ("From", "To", "Cc", "Subject", "Message-ID", "In-Reply-To", "References",
              "Auto-Submitted", "Precedence", "X-Loop", "Bcc"):
        v = m.get(h)
        out[h] = str(v) if v is not None else None
    out["header_names"] = [k for k in m.keys()]
    out["raw_headers_ascii"] = all(b < 0x80 for b in raw.split(b"\n\n", 1)[0])
    parts, files = {}, []
    for p in m.walk():
        if p.get_filename():
            files.append([p.get_filename(), p.get_payload(decode=True).decode("utf-8", "replace")])
        elif p.get_content_maintype() == "text":
            parts[p.get_content_type()] = p.get_content()
    out["parts"] = parts
    out["files"] = files
    messages.append(out)
print(json.dumps(messages, ensure_ascii=False))
