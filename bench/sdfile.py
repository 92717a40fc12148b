# SPDX-License-Identifier: MIT
"""Ticket files in sd's format (sd-ticket(5)), written from Python.

The benchmark needs this in two places:

- to make the changes of the sync scenario: 1,100 edits in each of two
  clones.  Going through `sd comment` would take one commit per edit and
  minutes at 100,000 tickets; what is measured is the merge, so the edits
  are written directly and committed once per clone, as a person editing
  by hand would (sd-ticket(5), EDITING BY HAND);
- as a fallback store writer while `sd import` is not available, so the
  harness can still run.  The results then say so.

The writer follows sd_ticket_write() in src/lib/ticket_format.c; `sd check`
accepts what it writes.
"""

import re

FIELDS = ["id", "title", "type", "status", "priority", "impact", "urgency", "tier",
          "queue", "assignee", "requester", "category", "tags", "asset", "key",
          "vendor", "vendor_ref", "created", "updated"]
OPTIONAL = {"key", "vendor", "vendor_ref"}
MARKER = "<!-- sd:"
ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"

_SPECIAL = set("null Null NULL ~ true True TRUE false False FALSE yes Yes YES no No NO "
               "on On ON off Off OFF y Y n N .inf .Inf .INF -.inf +.inf .nan .NaN .NAN "
               "<< =".split())
_BARE_ATTR = re.compile(r"[A-Za-z0-9._:@+/-]+\Z")
_ESCAPED_MARKER = re.compile(r"\\*<!-- sd:")


def ticket_path(tid):
    return "tickets/%s/%s.md" % (tid[:2], tid)


def _plain_ok(v, in_flow):
    if not v or v[0] == " " or v[-1] in " :":
        return False
    c0 = v[0]
    if not (c0.isascii() and c0.isalnum() or ord(c0) >= 0x80 or c0 in "(/._$"):
        return False
    if v in _SPECIAL:
        return False
    if c0 in "0123456789+-." and all(c in "0123456789+-.:_eExXoObBabcdefABCDEF" for c in v):
        return False
    if ": " in v or " #" in v or "\u2028" in v or "\u2029" in v or "\x85" in v:
        return False
    for c in v:
        if ord(c) < 0x20 or c in '\x7f"\\':
            return False
        if in_flow and c in ",[]{}":
            return False
    return True


def _yaml_scalar(v, in_flow=False):
    if _plain_ok(v, in_flow):
        return v
    out = ['"']
    for c in v:
        if c in '"\\':
            out.append("\\" + c)
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif ord(c) < 0x20 or c == "\x7f":
            out.append("\\x%02x" % ord(c))
        elif c == "\x85":
            out.append("\\N")
        elif c in "\u2028\u2029":
            out.append("\\L" if c == "\u2028" else "\\P")
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def _attr(v):
    if v and "--" not in v and v[-1] != "-" and _BARE_ATTR.match(v):
        return v
    out = ['"']
    prev = ""
    for c in v:
        if c in '"\\':
            out.append("\\" + c)
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif ord(c) < 0x20 or c == "\x7f":
            out.append("\\x%02x" % ord(c))
        elif c == "-" and prev == "-":
            out.append("\\-")
        elif c == ">" and prev == "-":
            out.append("\\>")
        else:
            out.append(c)
        prev = c
    out.append('"')
    return "".join(out)


def _text(text):
    out = []
    for line in text.split("\n"):
        out.append(("\\" if _ESCAPED_MARKER.match(line) else "") + line + "\n")
    return "".join(out)


def _name(author):
    lt = author.find(" <")
    return author[:lt] if lt > 0 else (author or "unknown")


def _human(at):
    return "%s %s UTC" % (at[:10], at[11:16])


def entry(e):
    """One timeline entry (a dict as in `sd show --json`) as text."""
    head = "%scomment" % MARKER if e["kind"] == "comment" else "%sevent" % MARKER
    s = "%s id=%s at=%s author=%s" % (head, _attr(e["id"]), _attr(e["at"]), _attr(e["author"]))
    if e["kind"] == "comment":
        internal = e.get("visibility") == "internal"
        s += " visibility=%s -->\n### %s · %s%s\n" % (
            "internal" if internal else "public", _name(e["author"]), _human(e["at"]),
            " · internal" if internal else "")
        if e["body"]:
            s += "\n" + _text(e["body"])
        return s
    s += " field=%s from=%s to=%s" % (_attr(e["field"]), _attr(e["from"]), _attr(e["to"]))
    if e.get("reason"):
        s += " reason=%s" % _attr(e["reason"])
    s += " -->\n- **%s**: %s → %s · %s · %s" % (
        e["field"], e["from"] or "(none)", e["to"] or "(none)", _name(e["author"]),
        _human(e["at"]))
    if e.get("reason"):
        s += " — " + e["reason"].replace("\n", " ")
    return s + "\n"


def render(t):
    """A ticket (a dict as in `sd show --json`) as the text of its file."""
    out = ["---\n"]
    for f in FIELDS:
        v = t.get(f, [] if f == "tags" else "")
        if f in OPTIONAL and not v:
            continue
        if f == "tags":
            out.append("tags: [%s]\n" % ", ".join(_yaml_scalar(x, True) for x in v))
        elif f in ("created", "updated"):
            out.append("%s: %s\n" % (f, v or '""'))
        else:
            out.append("%s: %s\n" % (f, _yaml_scalar(v) if v else '""'))
    out.append("---\n")
    if t.get("description"):
        out.append("\n" + _text(t["description"]))
    out.append("\n<!-- sd:timeline -->\n## Timeline\n")
    for e in sorted(t.get("timeline", []), key=lambda e: (e["at"], e["id"])):
        out.append("\n" + entry(e))
    return "".join(out)


def add_comment(text, e):
    """The text of a ticket file with comment e appended and `updated` set to
    its time.  e must be later than every entry already there."""
    text = re.sub(r"(?m)^updated: .*$", "updated: " + e["at"], text, count=1)
    if not text.endswith("\n"):
        text += "\n"
    return text + "\n" + entry(e)
