#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generate a realistic help desk corpus for sd's benchmark, as JSON Lines.

Each line is one ticket in the layout of `sd show --json` (see
sd-ticket(5)), which is what `sd import` reads.  The output depends only on
the arguments: the same seed gives the same tickets, byte for byte, so runs
on different machines and days measure the same data.

What "realistic" means here, so that a reader can judge the numbers:

- descriptions of a few hundred bytes, built from sentences about a handful
  of everyday topics (printers, VPN, accounts, laptops, ...);
- 0 to 10 comments per ticket, from the requester and from agents, some
  internal;
- about a quarter of the tickets active (new, open, pending, on-hold), the
  rest resolved, closed or cancelled, older tickets more likely finished;
- every type, status, tier (L0-L4), priority (P1-P5) and queue present;
- timelines that agree with the front matter: status events that lead to
  the final status, an assignment event for every assignee, escalation
  events for tickets above L1, a resolution event with a reason for every
  resolved or closed ticket, all after `created` and in time order.

Python standard library only.
"""

import argparse
import json
import math
import random
import sys
from datetime import datetime, timedelta, timezone

ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"

FIRST = ("Ana Bojan Cene Dora Eva Filip Gaja Hana Igor Jana Klara Luka Maja "
         "Nik Olga Petra Rok Sara Tine Urska Vid Zala Ales Brina Ciril Damjan "
         "Ema Franc Greta Hugo Iva Jure Katja Lan Mojca Nejc Pia Rene Spela "
         "Tomaz Vesna Ziga Alice Bob Carol Dave Erin Frank Grace Heidi Ivan "
         "Judy Mallory Oscar Peggy Rupert Sybil Trent Victor Walter").split()
LAST = ("Novak Horvat Kovacic Krajnc Zupancic Potocnik Kovac Mlakar Kos "
        "Vidmar Golob Turk Bozic Kralj Korosec Zupan Bizjak Hribar Kotnik "
        "Kavcic Rozman Kastelic Oblak Petek Zagar Hocevar Kolar Kosir Koren "
        "Smith Jones Brown Taylor Wilson Davies Evans Thomas Roberts Walker "
        "Wright Green Hall Wood Clarke Jackson").split()
DEPARTMENTS = ["finance", "sales", "legal", "hr", "marketing", "logistics",
               "engineering", "support", "research", "facilities"]
BUILDINGS = ["HQ", "North", "Annex", "Lab", "Warehouse"]
VENDORS = [("Acme Print Services", "APS"), ("Globex Networks", "GLX"),
           ("Initech Hardware", "INI"), ("Umbrella Cloud", "UMB"),
           ("Stark Telecom", "STK")]

# Queues follow the tiers of the default configuration written by `sd init`
# (L1 desk, L2 second-line, L3 experts; L0 and L4 have no queue of their
# own), plus a few team queues that a real desk adds.
TIER_QUEUE = {"L0": "self-service", "L1": "desk", "L2": "second-line",
              "L3": "experts", "L4": "vendors"}
EXTRA_QUEUES = ["facilities", "onboarding", "security"]

PRIORITY_MATRIX = {
    "high": {"high": "P1", "medium": "P2", "low": "P3"},
    "medium": {"high": "P2", "medium": "P3", "low": "P4"},
    "low": {"high": "P3", "medium": "P4", "low": "P5"},
}

# Everyday topics.  Titles and sentences use {placeholders} filled in below.
TOPICS = [
    dict(name="printer", category="hardware", type="incident", asset="PRN",
         tags=["printer", "floor-{floor}"],
         titles=["Printer on floor {floor} jams", "Printer {asset} prints blank pages",
                 "Cannot print to {asset} from my laptop", "Printer {asset} out of toner",
                 "Print jobs stuck in the queue on floor {floor}"],
         lines=["The printer on floor {floor} of {building} jams on every second page.",
                "Jobs sit in the queue for minutes and then disappear without an error.",
                "The display says the toner is low although it was replaced last week.",
                "Colour pages come out with streaks along the left edge.",
                "It started this morning after the paper tray was refilled.",
                "Other people on the floor see the same problem with their documents."]),
    dict(name="vpn", category="network", type="incident", asset="LT",
         tags=["vpn", "remote"],
         titles=["VPN drops every few minutes", "Cannot connect to the VPN from home",
                 "VPN client asks for the password again and again",
                 "Slow VPN connection from the {building} office"],
         lines=["The VPN connection drops every few minutes and has to be restarted.",
                "The client shows error {code} when it tries to reconnect.",
                "It works on the phone hotspot but not on my home network.",
                "Video calls freeze whenever the tunnel renegotiates.",
                "I need access to the finance share while travelling this week."]),
    dict(name="account", category="access", type="request", asset="",
         tags=["account"],
         titles=["Password reset for {person}", "Account locked after the holidays",
                 "New starter needs an account in {dept}", "Access to the {dept} shared drive",
                 "Remove access for a leaver in {dept}"],
         lines=["My account was locked after too many attempts with the old password.",
                "Please create an account for a new colleague starting on Monday in {dept}.",
                "I need read access to the {dept} shared drive for the quarterly report.",
                "The self-service reset page says my security questions are not set.",
                "The manager has approved the request in the attached e-mail."]),
    dict(name="laptop", category="hardware", type="incident", asset="LT",
         tags=["laptop"],
         titles=["Laptop {asset} does not boot", "Battery drains within an hour on {asset}",
                 "Docking station not detected", "Laptop fan is very loud",
                 "Screen flickers on laptop {asset}"],
         lines=["The laptop shows the manufacturer logo and then restarts in a loop.",
                "The battery goes from full to empty in about an hour of normal work.",
                "External monitors stay black when the laptop is on the docking station.",
                "The fan runs at full speed even when nothing is open.",
                "I have a presentation at {time} and need a working machine before then."]),
    dict(name="email", category="software", type="incident", asset="",
         tags=["email"],
         titles=["Mailbox full warning", "Cannot send e-mail to external addresses",
                 "Calendar invites arrive twice", "Shared mailbox missing in the mail client",
                 "Out-of-office reply not working"],
         lines=["Every message to an external address bounces with error {code}.",
                "The mailbox is at its quota although I archived last year's mail.",
                "Meeting invitations from the {dept} team arrive twice in my calendar.",
                "The shared {dept} mailbox disappeared from the folder list yesterday.",
                "Webmail works, only the desktop client is affected."]),
    dict(name="software", category="software", type="request", asset="",
         tags=["software", "install"],
         titles=["Install the statistics package for {dept}", "Licence for the diagram editor",
                 "Update the accounting client to the new version",
                 "Browser extension blocked by policy"],
         lines=["Please install the statistics package on my workstation for the audit.",
                "Our team needs three more licences for the diagram editor.",
                "The accounting client asks for an update that needs administrator rights.",
                "The vendor says version {version} fixes the export problem we reported.",
                "The installer stops with error {code} halfway through."]),
    dict(name="network", category="network", type="incident", asset="SW",
         tags=["network", "wifi"],
         titles=["Wi-Fi unstable in meeting room {room}", "No network on floor {floor}",
                 "Switch {asset} port flapping", "Guest Wi-Fi portal does not load"],
         lines=["The Wi-Fi in meeting room {room} drops whenever more than ten people join.",
                "Nobody on floor {floor} of {building} has a network connection since {time}.",
                "The monitoring shows port 12 on switch {asset} going up and down.",
                "Visitors cannot reach the guest portal to accept the terms.",
                "Wired connections in the same room work normally."]),
    dict(name="server", category="infrastructure", type="problem", asset="SRV",
         tags=["server"],
         titles=["Disk almost full on {asset}", "Nightly backup of {asset} failed",
                 "Recurring memory alarms on {asset}", "Certificate expires soon on {asset}"],
         lines=["The data volume on {asset} is at 95% and grows by a gigabyte a day.",
                "The nightly backup job ended with error {code} for the third time this week.",
                "Memory usage climbs until the service is restarted by the watchdog.",
                "The TLS certificate on {asset} expires in twelve days.",
                "This looks like the same root cause as the incident last month."]),
    dict(name="change", category="infrastructure", type="change", asset="SRV",
         tags=["change", "maintenance"],
         titles=["Patch {asset} in the next maintenance window",
                 "Move the {dept} file share to the new storage",
                 "Upgrade the database on {asset} to version {version}",
                 "Replace the core switch in {building}"],
         lines=["Apply the operating system patches on {asset} during the window on Saturday.",
                "Move the {dept} share to the new storage array and update the mappings.",
                "Upgrade to version {version}; the rollback plan is to restore the snapshot.",
                "The change needs a two hour outage; {dept} has agreed to the date.",
                "Test plan: log in, open three reports, check the nightly jobs."]),
    dict(name="phone", category="hardware", type="incident", asset="PH",
         tags=["phone"],
         titles=["Desk phone has no dial tone", "Mobile phone does not sync mail",
                 "Headset not recognised by the softphone"],
         lines=["The desk phone at {building} floor {floor} shows no line since the move.",
                "The company phone stopped syncing mail after the last update.",
                "The softphone does not see the headset although the system does.",
                "Calls to the {dept} hotline go straight to voicemail."]),
]

GENERIC_LINES = [
    "I restarted the computer twice and it did not help.",
    "This blocks the month-end closing in {dept}, so it is fairly urgent.",
    "A screenshot of the message is attached.",
    "It happens every day around {time}.",
    "Colleagues in {building} have not reported anything similar.",
    "Please call me on extension {ext} if you need more details.",
    "The last time this happened the desk fixed it within an hour.",
    "Nothing was changed on my side as far as I know.",
]

REQUESTER_COMMENTS = [
    "Still happening after the restart you suggested.",
    "Any news on this? The {dept} team is waiting for it.",
    "Here is the screenshot you asked for.",
    "Thanks, it works again.",
    "I will be out of office until {weekday}; my colleague can test it meanwhile.",
    "The error code this time was {code}.",
    "It happened again at {time} today.",
]
AGENT_COMMENTS = [
    "Can you send a screenshot of the error message?",
    "I have reset the configuration; please try again and let us know.",
    "We are looking into it together with second-line support.",
    "A replacement part has been ordered and should arrive on {weekday}.",
    "Could you tell us the asset number on the sticker under the device?",
    "The logs show the same error {code} on three other machines.",
    "Scheduled a visit for {weekday} at {time}.",
]
INTERNAL_COMMENTS = [
    "Third report of this model this month; worth a problem ticket.",
    "Vendor case opened, waiting for their engineer.",
    "Requester is a VIP, keep them updated.",
    "Probably related to the change last weekend.",
]
RESOLUTIONS = [
    "Replaced the faulty part and tested with the requester.",
    "Reset the configuration to the standard profile.",
    "Applied the vendor's fix; confirmed working.",
    "Access granted after manager approval.",
    "Installed version {version} and verified the export.",
    "Cleaned up old data and added monitoring for the volume.",
    "Duplicate of an earlier ticket that is now fixed.",
]
CLOSE_REASONS = ["Confirmed by the requester.", "Closed automatically after 5 days.", ""]
CANCEL_REASONS = ["Duplicate ticket.", "Withdrawn by the requester.", "Opened by mistake."]
PENDING_REASONS = ["Waiting for the requester.", "Waiting for the vendor.", ""]
HOLD_REASONS = ["Parked until the change window.", "On hold until the budget is approved."]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]

ACTIVE = ["new", "open", "pending", "on-hold"]


class Gen:
    def __init__(self, seed, now):
        self.r = random.Random(seed)
        self.now = now
        r = self.r
        self.requesters = []
        for _ in range(3000):
            first, last = r.choice(FIRST), r.choice(LAST)
            email = "%s.%s@example.com" % (first.lower(), last.lower())
            self.requesters.append(("%s %s" % (first, last), email))
        self.agents = {}
        for tier, n in (("L0", 2), ("L1", 20), ("L2", 12), ("L3", 6), ("L4", 3)):
            people = []
            for _ in range(n):
                first, last = r.choice(FIRST), r.choice(LAST)
                email = "%s.%s@desk.example.com" % (first.lower(), last.lower())
                people.append(("%s %s" % (first, last), email))
            self.agents[tier] = people
        self.used_ids = set()

    def ident(self, n):
        v = self.r.getrandbits(5 * n)
        return "".join(ID_ALPHABET[(v >> (5 * k)) & 31] for k in range(n))

    def ticket_id(self):
        while True:
            i = self.ident(12)
            if i not in self.used_ids:
                self.used_ids.add(i)
                return i

    def fill(self, text, ctx):
        return text.format(**ctx)

    def context(self, topic):
        r = self.r
        prefix = topic["asset"] or "ASSET"
        return dict(floor=r.randint(1, 9), building=r.choice(BUILDINGS),
                    asset="%s-%03d" % (prefix, r.randint(1, 400)),
                    code="0x%04X" % r.randint(0, 0xFFFF),
                    person=r.choice(self.requesters)[0], dept=r.choice(DEPARTMENTS),
                    time="%02d:%02d" % (r.randint(7, 17), r.choice((0, 15, 30, 45))),
                    room="%s-%d" % (r.choice("ABCD"), r.randint(1, 30)),
                    version="%d.%d" % (r.randint(2, 14), r.randint(0, 9)),
                    ext=r.randint(1000, 4999), weekday=r.choice(WEEKDAYS))

    def ticket(self, index, total):
        r = self.r
        topic = r.choice(TOPICS)
        ctx = self.context(topic)
        # Tickets are spread over three years; age grows with the index's
        # distance from the end, so the newest tickets come last.
        age_days = (total - index) / total * 3 * 365 + r.random()
        created = self.now - timedelta(days=age_days, seconds=r.randint(0, 86399))
        created = created.replace(microsecond=0)

        # Recent tickets are mostly active, old ones mostly done: about a
        # quarter active overall.
        p_active = 0.2 + 0.7 * math.exp(-age_days / 90)
        if r.random() < p_active:
            status = r.choices(ACTIVE, weights=(25, 45, 18, 12))[0]
        else:
            status = r.choices(["resolved", "closed", "cancelled"], weights=(20, 72, 8))[0]

        ttype = topic["type"] if r.random() < 0.75 else r.choice(
            ["incident", "request", "problem", "change"])
        impact = r.choices(["high", "medium", "low"], weights=(10, 55, 35))[0]
        urgency = r.choices(["high", "medium", "low"], weights=(15, 55, 30))[0]
        priority = PRIORITY_MATRIX[impact][urgency]
        if r.random() < 0.05:
            priority = r.choice(["P1", "P2", "P3", "P4", "P5"])
        tier = r.choices(["L0", "L1", "L2", "L3", "L4"], weights=(5, 60, 22, 9, 4))[0]
        queue = TIER_QUEUE[tier]
        if tier in ("L1", "L2") and r.random() < 0.1:
            queue = r.choice(EXTRA_QUEUES)
        requester = r.choice(self.requesters)

        title = self.fill(r.choice(topic["titles"]), ctx)
        lines = r.sample(topic["lines"], k=min(len(topic["lines"]), r.randint(2, 4)))
        lines += r.sample(GENERIC_LINES, k=r.randint(1, 3))
        r.shuffle(lines)
        description = " ".join(self.fill(x, ctx) for x in lines)
        if r.random() < 0.3:
            description += "\n\n- since: %s\n- room: %s" % (ctx["time"], ctx["room"])
        tags = sorted(set(self.fill(t, ctx) for t in topic["tags"]
                          if r.random() < 0.8))
        asset = ctx["asset"] if topic["asset"] and r.random() < 0.7 else ""

        # The timeline: a walk through the statuses that ends in `status`.
        timeline = []
        t = created
        agent = r.choice(self.agents["L1" if tier != "L0" else "L0"])

        def step(minutes_max):
            nonlocal t
            t = t + timedelta(minutes=r.randint(1, minutes_max))
            return t

        def event(who, field, old, new, reason=""):
            timeline.append(dict(id=self.ident(10), kind="event",
                                 author="%s <%s>" % who, at=iso(step(240)),
                                 field=field, **{"from": old, "to": new},
                                 reason=reason))

        def comment(who, pool, visibility="public"):
            timeline.append(dict(id=self.ident(10), kind="comment",
                                 author="%s <%s>" % who, at=iso(step(600)),
                                 visibility=visibility,
                                 body=self.fill(r.choice(pool), ctx)))

        n_comments = r.choices(range(11), weights=(10, 14, 16, 14, 12, 10, 8, 6, 4, 3, 3))[0]
        if status == "new":
            n_comments = min(n_comments, 2)
        comments_left = n_comments

        def some_comments(k):
            nonlocal comments_left
            for _ in range(min(k, comments_left)):
                comments_left -= 1
                roll = r.random()
                if roll < 0.4:
                    comment(requester, REQUESTER_COMMENTS)
                elif roll < 0.85:
                    comment(agent, AGENT_COMMENTS)
                else:
                    comment(agent, INTERNAL_COMMENTS, "internal")

        assignee = ""
        if status == "new":
            some_comments(comments_left)
        elif status == "cancelled" and r.random() < 0.5:
            some_comments(r.randint(0, comments_left))
            event(agent, "status", "new", "cancelled", r.choice(CANCEL_REASONS))
        else:
            assignee = agent[1]
            event(agent, "assignee", "", assignee)
            event(agent, "status", "new", "open", "picked up" if r.random() < 0.5 else "")
            some_comments(r.randint(0, comments_left))
            cur_tier = "L1" if tier != "L0" else "L0"
            for nxt in ("L2", "L3", "L4"):
                if tier < nxt:
                    break
                reason = "needs %s" % ("technical support" if nxt == "L2" else
                                       "an expert" if nxt == "L3" else "the vendor")
                event(agent, "tier", cur_tier, nxt, reason)
                event(agent, "queue", TIER_QUEUE[cur_tier], TIER_QUEUE[nxt], reason)
                cur_tier = nxt
                new_agent = r.choice(self.agents[nxt])
                event(agent, "assignee", assignee, new_agent[1])
                agent, assignee = new_agent, new_agent[1]
                some_comments(r.randint(0, comments_left))
            if queue != TIER_QUEUE[tier]:
                event(agent, "queue", TIER_QUEUE[tier], queue, "")
            if status not in ("open", "cancelled") or r.random() < 0.2:
                # A pending spell that the requester answered.
                if status not in ("pending", "on-hold") and r.random() < 0.3:
                    event(agent, "status", "open", "pending", r.choice(PENDING_REASONS))
                    if comments_left:
                        comments_left -= 1
                        comment(requester, REQUESTER_COMMENTS)
                    event(agent, "status", "pending", "open", "")
            some_comments(comments_left)
            if status == "pending":
                event(agent, "status", "open", "pending", r.choice(PENDING_REASONS))
            elif status == "on-hold":
                event(agent, "status", "open", "on-hold", r.choice(HOLD_REASONS))
            elif status == "cancelled":
                event(agent, "status", "open", "cancelled", r.choice(CANCEL_REASONS))
            elif status in ("resolved", "closed"):
                event(agent, "status", "open", "resolved",
                      self.fill(r.choice(RESOLUTIONS), ctx))
                if status == "closed":
                    event(agent, "status", "resolved", "closed", r.choice(CLOSE_REASONS))

        # Active tickets may not reach into the future; squeeze their
        # timeline if it would (times stay ordered).
        if t > self.now:
            span = (t - created).total_seconds()
            room = max((self.now - created).total_seconds() - 60, 0)
            for e in timeline:
                off = (parse_iso(e["at"]) - created).total_seconds()
                e["at"] = iso(created + timedelta(seconds=int(off * room / span)))
        updated = timeline[-1]["at"] if timeline else iso(created)

        vendor, vendor_ref = "", ""
        if tier == "L4":
            v = r.choice(VENDORS)
            vendor, vendor_ref = v[0], "%s-%06d" % (v[1], r.randint(1, 999999))

        return dict(
            id=self.ticket_id(), title=title, type=ttype, status=status,
            priority=priority, impact=impact, urgency=urgency, tier=tier,
            queue=queue, assignee=assignee, requester=requester[1],
            category=topic["category"], tags=tags, asset=asset, key="",
            vendor=vendor, vendor_ref=vendor_ref, created=iso(created),
            updated=updated, description=description, timeline=timeline)


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(s):
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", "--tickets", type=int, default=1000, help="how many tickets")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--now", default="2026-11-20T12:00:00Z",
                    help="the newest ticket's time, RFC 3339 UTC (default %(default)s)")
    args = ap.parse_args()
    gen = Gen(args.seed, parse_iso(args.now))
    out = sys.stdout
    for i in range(args.tickets):
        out.write(json.dumps(gen.ticket(i, args.tickets), ensure_ascii=False,
                             separators=(",", ":")))
        out.write("\n")
    out.flush()


if __name__ == "__main__":
    main()
