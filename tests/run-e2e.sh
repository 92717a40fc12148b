#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/run-e2e.sh - run the end-to-end tests of sd.
#
#	tests/run-e2e.sh [-v] [TEST-FILE...]
#
# Runs every tests/e2e/t*.sh in order (or only the files given), each in its
# own bash with stdin from /dev/null so sd never sees a terminal.  Passing
# cases are summarised; failing cases are shown in full (-v shows all).
# The last line is "N passed, N failed"; the exit status is 1 if anything
# failed.  Environment: SD_BIN (binary to test, default ./sd of this tree),
# SD_TEST_KEEP=1 (keep the temporary directories), SD_TEST_TIMEOUT (seconds
# per file, default 600: the longest files take minutes under the
# sanitizers on a busy machine, and the limit is there to catch hangs),
# SD_TEST_JOBS (files run at once; default one per processor).

here=$(cd "$(dirname "$0")" && pwd -P)
verbose=0
if [ "${1:-}" = -v ]; then
	verbose=1
	shift
fi

if [ -n "${SD_BIN:-}" ]; then
	case $SD_BIN in
	/*) ;;
	*) SD_BIN=$PWD/$SD_BIN ;;
	esac
	export SD_BIN
fi

files=()
if [ $# -gt 0 ]; then
	for f in "$@"; do
		if [ -f "$f" ]; then
			files+=("$(cd "$(dirname "$f")" && pwd -P)/$(basename "$f")")
		elif [ -f "$here/e2e/$f" ]; then
			files+=("$here/e2e/$f")
		elif [ -f "$here/e2e/$f.sh" ]; then
			files+=("$here/e2e/$f.sh")
		else
			echo "run-e2e: no such test file: $f" >&2
			exit 2
		fi
	done
else
	for f in "$here"/e2e/t*.sh; do
		[ -f "$f" ] && files+=("$f")
	done
fi

limit=()
if command -v timeout >/dev/null 2>&1; then
	limit=(timeout "${SD_TEST_TIMEOUT:-600}")
fi

# Files run SD_TEST_JOBS at a time (default: one per processor), since
# most of their time is sd and git starting up on one core; their reports
# are printed in order all the same.
jobs=${SD_TEST_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)}
[ "$jobs" -ge 1 ] 2>/dev/null || jobs=1

logs=$(mktemp -d "${TMPDIR:-/tmp}/sd-run-e2e.XXXXXX") || exit 128
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$logs"' EXIT

run_file() { # index file
	local start rc
	start=$(date +%s)
	(cd "$(dirname "$2")" && "${limit[@]}" bash "$2") </dev/null >"$logs/$1.log" 2>&1
	rc=$?
	echo "$rc $(($(date +%s) - start))" >"$logs/$1.rc.tmp"
	mv "$logs/$1.rc.tmp" "$logs/$1.rc"
}

passed=0
failed=0
next=0
# Files finished so far (reported or not).
finished() { ls "$logs" | grep -c '\.rc$'; }

for ((i = 0; i < ${#files[@]}; i++)); do
	while [ ! -f "$logs/$i.rc" ]; do
		# Keep $jobs files running, whichever finished: a long file does
		# not hold a free core back. Results are still reported in order.
		while [ $next -lt ${#files[@]} ] && [ $((next - $(finished))) -lt "$jobs" ]; do
			run_file $next "${files[$next]}" &
			next=$((next + 1))
		done
		wait -n 2>/dev/null || sleep 0.1
	done
	f=${files[$i]}
	log=$logs/$i.log
	name=$(basename "$f")
	read -r rc secs <"$logs/$i.rc"
	summary=$(grep -E "^$name: [0-9]+ passed, [0-9]+ failed\$" "$log" | tail -n 1)
	if [ -n "$summary" ]; then
		p=$(echo "$summary" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed$/\1/')
		n=$(echo "$summary" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed$/\2/')
	else
		# The file died before finishing: count what it reported, plus one.
		p=$(grep -c '^ok [0-9]' "$log")
		n=$(($(grep -c '^not ok' "$log") + 1))
		summary="$name: $p passed, $n failed (no summary; exit $rc)"
	fi
	if [ "$rc" -ne 0 ] && [ "$n" -eq 0 ]; then
		n=$((n + 1))
		summary="$summary (exit $rc)"
	fi
	passed=$((passed + p))
	failed=$((failed + n))
	if [ $verbose = 1 ]; then
		cat "$log"
	elif [ "$n" -gt 0 ]; then
		# Failing cases with their details, and anything else unexpected.
		grep -vE "^ok [0-9]|^$name: [0-9]+ passed" "$log"
	else
		# A skipped case is not a pass: say so even when all went well.
		grep -E "^ok - .* # skip " "$log"
	fi
	echo "$summary (${secs}s)"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
