# SPDX-License-Identifier: MIT
"""Backlog.md (npm package `backlog.md`) as a peer in sd's benchmark.

Backlog.md keeps one Markdown file with YAML front matter per task under
backlog/tasks/ in a git repository, which makes it the closest peer to sd.
Creating 100,000 tasks through its CLI would take hours, so the store is
written directly in its on-disk format (as its 1.52 release writes it:
see `backlog task create` and `backlog task edit --comment`) from the same
corpus as sd's store: same titles, descriptions, statuses, assignees, tags
and comments.  Backlog.md has no timeline of field changes, so events are
left out; its files are therefore a little smaller than sd's.
"""

import json
import os
import re
import shutil
import subprocess

PACKAGE = "backlog.md"

# sd's statuses become Backlog.md's columns, so both stores hold the same
# data and the same filters make sense.
STATUSES = ["new", "open", "pending", "on-hold", "resolved", "closed", "cancelled"]
ACTIVE = ["new", "open", "pending", "on-hold"]
PRIORITY = {"P1": "high", "P2": "high", "P3": "medium", "P4": "low", "P5": "low"}

# Backlog.md asks nothing and opens nothing with these settings; it has no
# telemetry (its README: "no telemetry").  The environment is set anyway
# for tools that look at it.
ENV = {"CI": "1", "NO_COLOR": "1", "FORCE_COLOR": "0", "BROWSER": "true",
       "DO_NOT_TRACK": "1"}


def install(peers_dir, log):
    """Install Backlog.md under peers_dir with npm; return the path of its
    native binary, or raise RuntimeError saying why it cannot run."""
    binary = os.path.join(peers_dir, "node_modules", "backlog.md-linux-x64", "backlog")
    if not os.access(binary, os.X_OK):
        npm = shutil.which("npm")
        if not npm:
            raise RuntimeError("npm is not installed")
        os.makedirs(peers_dir, exist_ok=True)
        cmd = [npm, "install", "--prefix", peers_dir, "--no-audit", "--no-fund",
               "--loglevel=error", PACKAGE]
        log("  $ " + " ".join(cmd))
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, timeout=300)
        if p.returncode != 0:
            tail = " ".join(p.stdout.strip().splitlines()[-2:])
            raise RuntimeError("npm install %s failed: %s" % (PACKAGE, tail))
    if not os.access(binary, os.X_OK):
        # The launcher (node_modules/.bin/backlog) picks one platform
        # package; this benchmark runs on Linux x86-64 only for now.
        raise RuntimeError("no native Backlog.md binary for this platform in %s" % peers_dir)
    p = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        raise RuntimeError("backlog --version failed: %s" % p.stderr.strip())
    return binary


def _q(s):
    """A YAML single-quoted scalar."""
    return "'" + s.replace("'", "''") + "'"


def _date(iso):
    return "%s %s" % (iso[:10], iso[11:16])


def _slug(title):
    return re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-")[:60] or "task"


def task_file(n, t):
    """Task number n made from ticket t (a dict as in `sd show --json`):
    its file name and text."""
    fm = ["---", "id: TASK-%d" % n, "title: %s" % _q(t["title"]),
          "status: %s" % t["status"]]
    fm.append("assignee: [%s]" % (_q("@" + t["assignee"]) if t["assignee"] else ""))
    fm.append("created_date: %s" % _q(_date(t["created"])))
    fm.append("updated_date: %s" % _q(_date(t["updated"])))
    if t["tags"]:
        fm.append("labels:")
        fm.extend("  - %s" % _q(x) for x in t["tags"])
    else:
        fm.append("labels: []")
    fm.append("dependencies: []")
    fm.append("priority: %s" % PRIORITY.get(t["priority"], "medium"))
    fm.append("---")
    body = ["", "## Description", "", "<!-- SECTION:DESCRIPTION:BEGIN -->",
            t["description"], "<!-- SECTION:DESCRIPTION:END -->"]
    comments = [e for e in t["timeline"] if e["kind"] == "comment"]
    if comments:
        body += ["", "## Comments", "", "<!-- COMMENTS:BEGIN -->"]
        for i, c in enumerate(comments):
            if i:
                body.append("")
            author = c["author"].split(" <")[0]
            body += ["author: @%s" % author.replace(" ", "-"),
                     "created: %s" % _date(c["at"]), "---", c["body"], "---"]
        body.append("<!-- COMMENTS:END -->")
    name = "task-%d - %s.md" % (n, _slug(t["title"]))
    return name, "\n".join(fm + body) + "\n"


CONFIG = """project_name: "bench"
default_status: "new"
statuses: [%s]
labels: []
date_format: yyyy-mm-dd
max_column_width: 20
auto_open_browser: false
default_port: 6420
remote_operations: false
auto_commit: true
filesystem_only: false
bypass_git_hooks: false
check_active_branches: false
active_branch_days: 30
task_prefix: "task"
""" % ", ".join('"%s"' % s for s in STATUSES)


def build(repo, corpus, limit, git_env):
    """Make a git repository at repo holding the first `limit` tickets of
    the JSON Lines file corpus as Backlog.md tasks, committed.  Returns the
    number of tasks written."""
    tasks = os.path.join(repo, "backlog", "tasks")
    os.makedirs(tasks)
    # auto_commit: every change is a commit, as in sd, so `task create`
    # and `task edit --comment` do the same work as `sd new` and
    # `sd comment`.
    with open(os.path.join(repo, "backlog", "config.yml"), "w") as f:
        f.write(CONFIG)
    n = 0
    with open(corpus) as src:
        for line in src:
            if n == limit:
                break
            n += 1
            name, text = task_file(n, json.loads(line))
            with open(os.path.join(tasks, name), "w") as f:
                f.write(text)
    run = dict(cwd=repo, env=git_env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["git", "init", "-q", "-b", "main"], **run)
    subprocess.run(["git", "add", "backlog"], **run)
    subprocess.run(["git", "commit", "-q", "-m", "bench corpus"], **run)
    return n
