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
for name in sorted(os.listdir(d), key=lambda n: (int(n.split(".")[0]), int(n.split(".")[1]), n)):
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
    parts = {}
    for p in m.walk():
        if p.get_content_maintype() == "text":
            parts[p.get_content_type()] = p.get_content()
    out["parts"] = parts
    messages.append(out)
print(json.dumps(messages, ensure_ascii=False))
