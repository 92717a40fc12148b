#!/bin/bash
# SPDX-License-Identifier: MIT
# Progress: one line on stderr, redrawn in place (count, percent, rate),
# with --progress or on a terminal, never in a pipe, never with --quiet;
# for import, export and git's own progress in sync, whose stage names and
# numbers alone are passed on, never what a remote sends.
. "$(dirname "$0")/lib.sh"

r=$(store progress)
python3 -c '
import json
for i in range(1000):
    print(json.dumps({"title": "Tiskalnik %d čšž" % i}))' >"$tmp/in.jsonl"

expect_exit "import --progress" 0 sd -C "$r" import --progress "$tmp/in.jsonl"
tr '\r' '\n' <"$ERR" >"$tmp/lines"
expect_contains "import --progress: records checked, with the count" "$tmp/lines" "Checking records: 100% (1000/1000)"
expect_contains "import --progress: files written, finished" "$tmp/lines" "Writing tickets: 100% (1000/1000)"
expect_match "import --progress: a line ends with done" "$tmp/lines" "Writing tickets: 100% \(1000/1000\).*, done\.$"
expect_contains "import --progress: redrawn in place" "$ERR" $'\r'
expect_lacks "import --progress off a terminal: no clearing escape" "$ERR" $'\e'

expect_exit "export into a pipe" 0 sd -C "$r" export
expect_eq "export into a pipe: nothing on stderr" "" "$(cat "$ERR")"
expect_exit "export --progress" 0 sd -C "$r" export --progress
expect_contains "export --progress: counted" "$ERR" "Exporting tickets: 100% (1000/1000)"
expect_exit "export --progress --quiet: the last wins" 0 sd -C "$r" export --progress --quiet
expect_eq "export --quiet: nothing on stderr" "" "$(cat "$ERR")"
expect_exit "sd --progress export: before the command too" 0 sd --progress -C "$r" export
expect_contains "sd --progress export: counted" "$ERR" "Exporting tickets: 100%"

# git's progress through sync: a git that prints progress and a remote's
# hostile line; only "Receiving objects" and its numbers come through.
mkdir -p "$tmp/bin"
real_git=$(command -v git)
cat >"$tmp/bin/git" <<EOF2
#!/bin/sh
for a in "\$@"; do
	if [ "\$a" = fetch ]; then
		printf 'remote: \033]0;pwned\007Counting\r' >&2
		printf 'Receiving objects:  50%% (1/2)\rReceiving objects: 100%% (2/2), done.\n' >&2
		exit 0
	fi
done
exec "$real_git" "\$@"
EOF2
chmod +x "$tmp/bin/git"
git clone -q --bare "$r" "$tmp/remote.git"
git -C "$r" remote add origin "$tmp/remote.git"
PATH="$tmp/bin:$PATH" expect_exit "sync --progress" 0 sd -C "$r" sync --progress
expect_contains "sync --progress: git's stage and numbers" "$ERR" "Receiving objects: 100% (2/2)"
expect_no_esc "sync --progress: nothing a remote sent" "$ERR"
PATH="$tmp/bin:$PATH" expect_exit "sync into a pipe" 0 sd -C "$r" sync
expect_lacks "sync into a pipe: no progress" "$ERR" "Receiving objects"

if command -v script >/dev/null 2>&1; then
	run script -qec "CI=true $SD -C $r export >/dev/null" /dev/null
	expect_lacks "CI set: no progress even on a terminal" "$OUT" "Exporting tickets"
	run script -qec "$SD -C $r export --quiet >/dev/null" /dev/null
	expect_lacks "--quiet on a terminal: no progress" "$OUT" "Exporting tickets"
fi
finish
