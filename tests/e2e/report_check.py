#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""An independent computation of sd report's figures, for t89-report.

  report_check.py gen SEED N            tickets with known histories, as JSON Lines
  report_check.py check EXPORT CONFIG REPORT [--category C]
                                        recompute REPORT (sd report --json) from
                                        EXPORT (sd export) and CONFIG
                                        (.sd/config.yaml) by the definitions of
                                        doc/sd-report.1.md; print each
                                        difference, exit 1 if there is one

Written from the man page, not from src/lib/report.c, and in another
language, so that the two can only agree by both following the page.
"""

import datetime as dt
import json
import os
import random
import sys
from zoneinfo import ZoneInfo

import yaml

DAY = 86400
UTC = dt.timezone.utc


def ts(s):
    return int(dt.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp())


def iso(t):
    return dt.datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_ms(t_ms):
    return dt.datetime.fromtimestamp(t_ms // 1000, UTC).strftime(
        "%Y-%m-%dT%H:%M:%S") + ".%03dZ" % (t_ms % 1000)


# ---- generating desks ----

IDCHARS = "0123456789abcdefghjkmnpqrstvwxyz"
REQUESTERS = ["Ana Novak <ana@example.si>", "Иван Петров <ivan@example.ru>",
              "Žiga Čeh <ziga@example.si>"]
AGENTS = ["Bob Tech <bob@example.com>", "Čedomir Šuštar <cedo@example.com>",
          "Мария <maria@example.com>"]
QUEUES = ["desk", "mreža", "сеть"]
CATEGORIES = ["tiskalniki", "сеть", "=HYPERLINK(\"x\")", "", "vpn"]
ASSETS = ["PRN-042", "", "", "LAP-7", "<b>srv</b>"]
TIERS = ["L0", "L1", "L2", "L3", "L4"]


PROBLEMS = ["pr0b1em00000", "pr0b1em00001", "pr0b1em00002"]
ARTICLES = ["toner-zamenjava", "vpn-ne-dela", "reset-gesla"]


def gen(seed, n):
    rnd = random.Random(seed)
    for i, pid in enumerate(PROBLEMS[:2]):   # the third is not in the store
        print(json.dumps({"id": pid, "title": "Težava %d — проблема" % i, "type": "problem",
                          "created": "2026-09-20T08:00:00Z"}, ensure_ascii=False))
    base = ts("2026-09-25T00:00:00Z")
    span = ts("2026-11-20T00:00:00Z") - base
    for k in range(n):
        rid = "".join(rnd.choice(IDCHARS) for _ in range(12))
        created = (base + rnd.randrange(span)) * 1000 + rnd.randrange(1000)
        req = rnd.choice(REQUESTERS)
        f = {"status": "new", "tier": rnd.choice(["L1", "L1", "L0", "L2"]),
             "priority": rnd.choice(["P1", "P2", "P3", "P3", "P4", "P5"]),
             "assignee": rnd.choice(["", "bob@example.com", "cedo@example.com"]),
             "queue": rnd.choice(QUEUES)}
        tl = []
        t = created
        for step in range(rnd.randrange(0, 9)):
            t += rnd.choice([1, 60, 600, 3600, 4 * 3600, DAY, 3 * DAY]) * 1000 * \
                rnd.randrange(1, 4) + rnd.randrange(1000)
            eid = "".join(rnd.choice(IDCHARS) for _ in range(10))
            who = rnd.choice(AGENTS)
            act = rnd.choice(["req", "reply", "internal", "status", "status", "tier",
                              "assign", "prio", "reopen"])
            e = {"id": eid, "at": iso_ms(t)}

            def change(field, to):
                e.update(kind="event", author=who, field=field, **{"from": f[field]},
                         to=to, reason="")
                f[field] = to
            done = f["status"] in ("resolved", "closed", "cancelled")
            if act == "req":
                e.update(kind="comment", author=req, visibility="public",
                         body="Še vedno ne dela — всё ещё")
            elif act == "reply":
                e.update(kind="comment", author=who, visibility="public", body="Pogledam.")
            elif act == "internal":
                e.update(kind="comment", author=who, visibility="internal", body="notranje")
            elif act == "status" and not done:
                change("status", rnd.choice(["open", "pending", "on-hold", "resolved",
                                             "resolved", "closed", "cancelled"]))
                if f["status"] == "resolved" and rnd.random() < 0.4:
                    # sd resolve --kb: the article's event right after.
                    tl.append(e)
                    t += 1
                    e = {"id": "".join(rnd.choice(IDCHARS) for _ in range(10)),
                         "at": iso_ms(t), "kind": "event", "author": who, "field": "kb",
                         "from": "", "to": rnd.choice(ARTICLES), "reason": ""}
            elif act == "reopen" and done:
                change("status", "open")
            elif act == "tier":
                i = TIERS.index(f["tier"])
                j = max(0, min(4, i + rnd.choice([1, 1, -1])))
                if i == j:
                    continue
                change("tier", TIERS[j])
            elif act == "assign":
                change("assignee", rnd.choice(["bob@example.com", "cedo@example.com",
                                               "maria@example.com"]))
            elif act == "prio":
                change("priority", rnd.choice(["P1", "P2", "P3", "P4"]))
            else:
                continue
            tl.append(e)
        rec = {"id": rid, "title": "Vstopnica %d — заявка" % k,
               "type": rnd.choice(["incident", "incident", "request"]),
               "problem": rnd.choice(PROBLEMS) if rnd.random() < 0.3 else "",
               "requester": req, "category": rnd.choice(CATEGORIES),
               "asset": rnd.choice(ASSETS), "created": iso_ms(created),
               "timeline": tl, **f}
        print(json.dumps(rec, ensure_ascii=False))


# ---- calendars ----

class Calendar:
    def __init__(self, spec):
        self.always = spec is None
        if self.always:
            return
        self.zone = ZoneInfo(spec["timezone"])
        names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        self.hours = {}
        for i, d in enumerate(names):
            ws = []
            for w in (spec.get("hours") or {}).get(d, []):
                a, b = w.split("-")
                ws.append((int(a[:2]) * 60 + int(a[3:]), int(b[:2]) * 60 + int(b[3:])))
            self.hours[i] = ws
        self.holidays = [str(h) for h in spec.get("holidays") or []]

    def day_intervals(self, day):
        """Open UTC intervals of a local date."""
        if day.isoformat() in self.holidays or day.strftime("%m-%d") in self.holidays:
            return []
        out = []
        for a, b in self.hours[day.weekday()]:
            def inst(minutes):
                d = day + dt.timedelta(days=minutes // 1440)
                m = minutes % 1440
                return int(dt.datetime(d.year, d.month, d.day, m // 60, m % 60,
                                       tzinfo=self.zone).timestamp())
            out.append((inst(a), inst(b)))
        return out

    def intervals(self, a, b):
        day = dt.datetime.fromtimestamp(a, self.zone).date() - dt.timedelta(days=1)
        while True:
            for s, e in self.day_intervals(day):
                if e > a and s < b:
                    yield max(s, a), min(e, b)
            if int(dt.datetime(day.year, day.month, day.day, tzinfo=self.zone).timestamp()) > b:
                return
            day += dt.timedelta(days=1)

    def seconds(self, a, b):
        if b <= a:
            return 0
        if self.always:
            return b - a
        return sum(e - s for s, e in self.intervals(a, b))

    def add(self, a, secs):
        if secs <= 0:
            return a
        if self.always:
            return a + secs
        for s, e in self.intervals(a, a + 400 * DAY):
            if e - s >= secs:
                return s + secs
            secs -= e - s
        return None


# ---- the figures, as doc/sd-report.1.md defines them ----

DONE = ("resolved", "closed", "cancelled")


def email(who):
    if "<" in who and ">" in who[who.rindex("<"):]:
        who = who[who.rindex("<") + 1:]
        who = who[:who.index(">")]
    return who.lower()


def nearest_rank(v, p):
    v = sorted(v)
    r = (len(v) * p + 99) // 100
    return v[max(r, 1) - 1]


def stats(v):
    if not v:
        return {"count": 0, "mean": None, "median": None, "p90": None}
    return {"count": len(v), "mean": sum(v) // len(v), "median": nearest_rank(v, 50),
            "p90": nearest_rank(v, 90)}


def share(a, b):
    return round(a / b, 4) if b else None


def age_label(a):
    return "<1d" if a < DAY else "1-3d" if a < 3 * DAY else "3-7d" if a < 7 * DAY \
        else "7-30d" if a < 30 * DAY else ">=30d"


def dist_label(d):
    H = 3600
    return "<1h" if d < H else "1-8h" if d < 8 * H else "8h-1d" if d < DAY else \
        "1-3d" if d < 3 * DAY else "3-7d" if d < 7 * DAY else "7-30d" if d < 30 * DAY \
        else ">=30d"


class Desk:
    def __init__(self, config):
        cfg = yaml.safe_load(open(config))
        sla = cfg.get("sla") or {}
        self.pause = sla.get("pause", ["pending"])
        self.cals = {n: Calendar(c) for n, c in (cfg.get("calendars") or {}).items()}
        self.cals["24x7"] = Calendar(None)
        self.policies = sla.get("policies") or []

    @staticmethod
    def dur(s):
        total, n = 0, ""
        for ch in str(s):
            if ch.isdigit():
                n += ch
            else:
                total += int(n) * {"d": DAY, "h": 3600, "m": 60, "s": 1}[ch]
                n = ""
        return total

    def policy(self, t):
        for p in self.policies:
            ok = True
            for k, want in (p.get("match") or {}).items():
                if k == "tag":
                    ok = ok and any(x in t["tags"] for x in want)
                else:
                    ok = ok and t[k].lower() in [str(w).lower() for w in want]
            if ok:
                return p
        return None


def field_at(t, field, until):
    v = t[field]
    for e in reversed(t["timeline"]):
        if e["kind"] == "event" and e["field"] == field and ts(e["at"]) >= until:
            v = e["from"]
    return v


def figures_of(desk, t, since, until):
    """One ticket's part, or None when it did not exist yet."""
    created = ts(t["created"])
    if created >= until:
        return None
    inp = lambda x: since <= x < until
    tl = [e for e in t["timeline"] if ts(e["at"]) < until]
    sees_all = len(tl) == len(t["timeline"])
    at = lambda e: max(ts(e["at"]), created)
    ev = lambda e, f: e["kind"] == "event" and e["field"] == f
    is_req = lambda who: t["requester"] != "" and email(who) == email(t["requester"])
    agent_reply = lambda e: e["kind"] == "comment" and e["visibility"] == "public" \
        and not is_req(e["author"])

    first = [e for e in t["timeline"] if ev(e, "status")]
    status0 = first[0]["from"] if first else t["status"]
    tfirst = [e for e in t["timeline"] if ev(e, "tier")]
    tier0 = tfirst[0]["from"] if tfirst else t["tier"]

    # Status and tier over time: (start, status, tier) segments.
    states = [(created, status0, tier0)]
    for e in tl:
        s, tr = states[-1][1], states[-1][2]
        if ev(e, "status"):
            states.append((at(e), e["to"], tr))
        elif ev(e, "tier"):
            states.append((at(e), s, e["to"]))
    if sees_all and states[-1][1] != t["status"]:
        last = max([created] + [at(e) for e in tl])
        states.append((last, t["status"], states[-1][2]))
    final = states[-1][1]
    pol = desk.policy(t)
    cal = desk.cals[pol["calendar"]] if pol else desk.cals["24x7"]

    x = {"opened": int(inp(created)), "backlog": int(final not in DONE),
         "age": age_label(until - created)}
    # Volumes from the status changes in the period.
    res_at = None
    for i in range(1, len(states)):
        a, b = states[i - 1][1], states[i][1]
        when = states[i][0]
        if a == b:
            continue
        if a not in DONE and b in ("resolved", "closed") and inp(when):
            res_at = when
        if a in DONE and b not in DONE and inp(when):
            x["reopened"] = 1
        if b == "cancelled" and inp(when):
            x["cancelled"] = 1
    x["resolved"] = int(res_at is not None)
    x.setdefault("reopened", 0)
    x.setdefault("cancelled", 0)

    def clock_seconds(upto):
        """Business seconds the resolution clock counted before upto."""
        total = 0
        for i, (s, st, _) in enumerate(states):
            e = states[i + 1][0] if i + 1 < len(states) else until
            e = min(e, upto)
            if e > s and st not in DONE and st not in desk.pause:
                total += cal.seconds(s, e)
        return total

    if res_at is not None:
        x["res"] = (clock_seconds(res_at), res_at - created)
        before = lambda e: at(e) <= res_at
        escalated = any(ev(e, "tier") and TIERS.index(e["to"]) > TIERS.index(e["from"])
                        for e in tl if before(e))
        reopened = any(ev(e, "status") and e["from"] in DONE and e["to"] not in DONE
                       for e in tl if before(e))
        replies = sum(1 for e in tl if before(e) and agent_reply(e))
        tier_then = [tr for (s, _, tr) in states if s <= res_at][-1]
        x["fcr"] = int(not escalated and not reopened and replies <= 1 and tier_then == tier0)

    # First response: first agent reply or move to a done status.
    fr = None
    for e in tl:
        if agent_reply(e) or (ev(e, "status") and e["to"] in DONE):
            fr = at(e)
            break
    if fr is None and final in DONE:
        fr = max([created] + [at(e) for e in tl])
    if fr is not None and inp(fr):
        x["fr"] = (cal.seconds(created, fr), fr - created)

    # Tiers handled in the period, escalations, de-escalations.
    x["at_tier"], x["esc"], x["deesc"] = set(), set(), set()
    for i, (s, st, tr) in enumerate(states):
        e = states[i + 1][0] if i + 1 < len(states) else until
        if e > s and s < until and e > since and st not in DONE:
            x["at_tier"].add(tr)
    for e in tl:
        if ev(e, "tier") and inp(at(e)):
            x["at_tier"].add(e["from"])
            if TIERS.index(e["to"]) > TIERS.index(e["from"]):
                x["esc"].add(e["from"])
            elif TIERS.index(e["to"]) < TIERS.index(e["from"]):
                x["deesc"].add(e["from"])

    # SLA clocks decided in the period: [clock] -> list of met flags.
    x["sla"] = {"first_response": [], "next_response": [], "resolution": []}
    if pol:
        def decide(name, target, start, stop):
            if stop is not None and cal.seconds(start, stop) <= target:
                if inp(stop):
                    x["sla"][name].append(1)
                return
            b = cal.add(start, target + 1)
            if b is not None and inp(b):
                x["sla"][name].append(0)
        decide("first_response", desk.dur(pol["first_response"]), created, fr)
        rt = desk.dur(pol["resolution"])
        if final in DONE and clock_seconds(until) <= rt:
            done_at = [s for (s, st, _) in states if st in DONE][-1]
            for i in range(len(states) - 1, 0, -1):
                if states[i][1] in DONE and states[i - 1][1] not in DONE:
                    done_at = states[i][0]
                    break
            if inp(done_at):
                x["sla"]["resolution"].append(1)
        else:
            # The instant the clock passed its target: walk the segments.
            total = 0
            for i, (s, st, _) in enumerate(states):
                e = states[i + 1][0] if i + 1 < len(states) else until
                if e > s and st not in DONE and st not in desk.pause:
                    part = cal.seconds(s, e)
                    if total + part > rt:
                        b = cal.add(s, rt - total + 1)
                        if b is not None and inp(b):
                            x["sla"]["resolution"].append(0)
                        break
                    total += part
        if pol.get("next_response") is not None:
            nt = desk.dur(pol["next_response"])
            waiting = None
            for e in tl:
                if e["kind"] != "comment" or e["visibility"] != "public":
                    continue
                if is_req(e["author"]):
                    waiting = ts(e["at"]) if waiting is None else waiting
                elif waiting is not None:
                    decide("next_response", nt, waiting, ts(e["at"]))
                    waiting = None
            if waiting is not None and final not in DONE:
                decide("next_response", nt, waiting, None)
    x["prio"] = field_at(t, "priority", until)
    x["kb"] = int(res_at is not None and any(ev(e, "kb") and e["to"] for e in tl))
    x["problem"] = field_at(t, "problem", until)
    x["linked"] = int(x["opened"] and x["problem"] != "" and
                      field_at(t, "type", until) == "incident")
    return x


def compute(desk, tickets, since, until, by):
    def empty():
        return {"tickets": 0, "opened": 0, "resolved": 0, "reopened": 0, "cancelled": 0,
                "backlog": 0, "age": {}, "fr": ([], []), "res": ([], []), "dist": {},
                "fcr": 0, "sla": {}, "at": {}, "esc": {}, "deesc": {}, "kb": 0, "linked": 0}
    total, groups, cats, assets, agents = empty(), {}, {}, {}, {}
    problems, titles = {}, {}
    for t in tickets:
        if t["type"] == "problem":
            titles[t["id"]] = t["title"]
        x = figures_of(desk, t, since, until)
        if x is None:
            continue
        targets = [total]
        if by:
            targets.append(groups.setdefault(field_at(t, by, until), empty()))
        for g in targets:
            g["tickets"] += 1
            for k in ("opened", "resolved", "reopened", "cancelled", "backlog"):
                g[k] += x[k]
            if x["backlog"]:
                g["age"][x["age"]] = g["age"].get(x["age"], 0) + 1
            if "fr" in x:
                g["fr"][0].append(x["fr"][0])
                g["fr"][1].append(x["fr"][1])
            if "res" in x:
                g["res"][0].append(x["res"][0])
                g["res"][1].append(x["res"][1])
                lab = dist_label(x["res"][1])
                g["dist"][lab] = g["dist"].get(lab, 0) + 1
                g["fcr"] += x["fcr"]
                g["kb"] += x["kb"]
            p = x["prio"] if x["prio"] in ("P1", "P2", "P3", "P4", "P5") else "none"
            for c, flags in x["sla"].items():
                d = g["sla"].setdefault((c, p), [0, 0])
                d[0] += len(flags)
                d[1] += sum(flags)
            g["linked"] += x["linked"]
            for k, key in (("at_tier", "at"), ("esc", "esc"), ("deesc", "deesc")):
                for tr in x[k]:
                    g[key][tr] = g[key].get(tr, 0) + 1
        if x["opened"]:
            for name, table in ((field_at(t, "category", until), cats),
                                (field_at(t, "asset", until), assets)):
                if name:
                    table[name] = table.get(name, 0) + 1
        if x["linked"]:
            problems[x["problem"]] = problems.get(x["problem"], 0) + 1
        ag = field_at(t, "assignee", until)
        if ag and (x["backlog"] or x["resolved"]):
            a = agents.setdefault(ag, [0, 0, []])
            a[0] += x["backlog"]
            if x["resolved"]:
                a[1] += 1
                a[2].append(x["res"][1])
    top = sorted(problems.items(), key=lambda kv: (-kv[1], kv[0].encode()))[:10]
    total["problems"] = [{"id": k, "title": titles.get(k, ""), "incidents": v} for k, v in top]
    return total, groups, cats, assets, agents


def deflections(root, since, until, category):
    """The portal's records under deflections/, as sd serve writes them."""
    import glob
    by = {}
    for path in glob.glob(os.path.join(root, "deflections", "*", "*.yaml")):
        rec = yaml.safe_load(open(path, encoding="utf-8"))
        at = ts(str(rec["at"]).replace(" ", "T")) if isinstance(rec["at"], str) else \
            int(rec["at"].timestamp())
        if not (since <= at < until):
            continue
        if category is not None and str(rec.get("category", "")).lower() != category.lower():
            continue
        by[rec["article"]] = by.get(rec["article"], 0) + 1
    top = sorted(by.items(), key=lambda kv: (-kv[1], kv[0].encode()))[:10]
    return {"deflections": sum(by.values()),
            "articles": [{"article": k, "deflections": v} for k, v in top]}


def as_json(g):
    """The figures of one group in sd report --json's shape."""
    sla = {}
    for c in ("first_response", "next_response", "resolution"):
        byp = {}
        dec = met = 0
        for p in ("P1", "P2", "P3", "P4", "P5", "none"):
            d, m = g["sla"].get((c, p), [0, 0])
            byp[p] = {"decided": d, "met": m, "share": share(m, d)}
            dec += d
            met += m
        sla[c] = {"decided": dec, "met": met, "share": share(met, dec), "by_priority": byp}
    return {
        "tickets": g["tickets"], "opened": g["opened"], "resolved": g["resolved"],
        "reopened": g["reopened"], "cancelled": g["cancelled"], "backlog": g["backlog"],
        "backlog_age": {k: g["age"].get(k, 0) for k in ("<1d", "1-3d", "3-7d", "7-30d", ">=30d")},
        "first_response": {"business": stats(g["fr"][0]), "wall": stats(g["fr"][1])},
        "resolution": {"business": stats(g["res"][0]), "wall": stats(g["res"][1])},
        "resolution_distribution": {k: g["dist"].get(k, 0) for k in
                                    ("<1h", "1-8h", "8h-1d", "1-3d", "3-7d", "7-30d", ">=30d")},
        "sla": sla,
        "first_contact_resolution": {"count": g["fcr"], "rate": share(g["fcr"], g["resolved"])},
        "reopen_rate": share(g["reopened"], g["resolved"]),
        "resolved_with_kb": {"count": g["kb"], "rate": share(g["kb"], g["resolved"])},
        "linked_incidents": g["linked"],
        "escalation": {tr: {"at_tier": g["at"].get(tr, 0), "escalated": g["esc"].get(tr, 0),
                            "rate": share(g["esc"].get(tr, 0), g["at"].get(tr, 0)),
                            "deescalated": g["deesc"].get(tr, 0)} for tr in TIERS},
    }


def diff(path, want, got, out):
    if isinstance(want, dict) and isinstance(got, dict):
        for k in sorted(set(want) | set(got)):
            if k not in got or k not in want:
                out.append("%s.%s: expected %r, sd says %r" % (path, k, want.get(k, "ABSENT"),
                                                               got.get(k, "ABSENT")))
            else:
                diff("%s.%s" % (path, k), want[k], got[k], out)
    elif isinstance(want, float) or isinstance(got, float):
        if want is None or got is None or abs(want - got) > 0.00005:
            out.append("%s: expected %r, sd says %r" % (path, want, got))
    elif want != got:
        out.append("%s: expected %r, sd says %r" % (path, want, got))


def check(export, config, report, category=None):
    desk = Desk(config)
    tickets = [json.loads(line) for line in open(export, encoding="utf-8") if line.strip()]
    if category is not None:
        tickets = [t for t in tickets if t["category"].lower() == category.lower()]
    rep = json.load(open(report, encoding="utf-8"))
    assert rep["schema_version"] == 1
    since, until, by = ts(rep["since"]), ts(rep["until"]), rep["by"]
    total, groups, cats, assets, agents = compute(desk, tickets, since, until, by)
    out = []
    diff("total", as_json(total), rep["total"], out)
    want_groups = {k: as_json(v) for k, v in groups.items()}
    got_groups = {g.pop("key"): g for g in rep["groups"]}
    diff("groups", want_groups, got_groups, out)
    top = lambda d: [{"name": k, "opened": v} for k, v in
                     sorted(d.items(), key=lambda kv: (-kv[1], kv[0].encode()))[:10]]
    diff("categories", {"v": top(cats)}, {"v": rep["recurring"]["categories"]}, out)
    diff("assets", {"v": top(assets)}, {"v": rep["recurring"]["assets"]}, out)
    diff("problems", {"v": total["problems"]}, {"v": rep["recurring"]["problems"]}, out)
    root = os.path.dirname(os.path.dirname(os.path.abspath(config)))
    diff("self_service", deflections(root, since, until, category), rep["self_service"], out)
    want_agents = {k: {"open": v[0], "resolved": v[1],
                       "median_resolution": nearest_rank(v[2], 50) if v[2] else None}
                   for k, v in agents.items()}
    got_agents = {a.pop("agent"): a for a in rep["workload"]}
    diff("workload", want_agents, got_agents, out)
    # The series: opened and resolved per bucket sum to the period's.
    ser = rep["series"]
    diff("series.opened", total["opened"], sum(b["opened"] for b in ser), out)
    diff("series.resolved", total["resolved"], sum(b["resolved"] for b in ser), out)
    diff("series.backlog", total["backlog"], ser[-1]["backlog"], out)
    for line in out:
        print(line)
    print("%d tickets, %d resolved (%d with an article), %d linked incidents, %d SLA clocks "
          "decided, %d deflections: %s" % (
              total["tickets"], total["resolved"], total["kb"], total["linked"],
              sum(d[0] for d in total["sla"].values()), rep["self_service"]["deflections"],
              "DIFFERENT" if out else "same"))
    return 1 if out else 0


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(int(sys.argv[2]), int(sys.argv[3]))
    else:
        cat = sys.argv[6] if len(sys.argv) > 6 and sys.argv[5] == "--category" else None
        sys.exit(check(sys.argv[2], sys.argv[3], sys.argv[4], cat))
