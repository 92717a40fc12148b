#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/fuzz/run.sh - run the libFuzzer targets of sd for a fixed time each.
#
#	tests/fuzz/run.sh BINDIR [TARGET...]
#
# Runs each target (default: every BINDIR/fuzz-*) for FUZZ_SECONDS seconds
# (default 60) on one core, starting from the seed corpus in
# tests/fuzz/corpus/TARGET/ and the inputs earlier runs kept in
# build/fuzz/corpus/TARGET/. A crash, leak, sanitizer report or failed
# property is saved as build/fuzz/crashes/TARGET-crash-* (replay it with
# BINDIR/TARGET FILE) and makes the exit status 1. Prints one line per
# target: executions, corpus size and crashes.

here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../.." && pwd -P)
bindir=${1:?usage: run.sh BINDIR [TARGET...]}
shift
secs=${FUZZ_SECONDS:-60}
targets=("$@")
if [ ${#targets[@]} = 0 ]; then
	for b in "$bindir"/fuzz-*; do targets+=("$(basename "$b")"); done
fi

work=$root/build/fuzz
mkdir -p "$work/crashes" "$work/logs"
status=0
printf '%-14s %10s %8s %8s %8s\n' target seconds execs corpus crashes
for t in "${targets[@]}"; do
	seeds=$here/corpus/${t#fuzz-}
	corpus=$work/corpus/${t#fuzz-}
	mkdir -p "$corpus"
	before=$(ls "$work/crashes" | grep -c "^$t-" || true)
	# -rss_limit_mb: the inputs are small; anything near this is a bug.
	"$bindir/$t" -max_total_time="$secs" -print_final_stats=1 -rss_limit_mb=1024 \
		-timeout=10 -artifact_prefix="$work/crashes/$t-" "$corpus" "$seeds" \
		>"$work/logs/$t.log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/logs/$t.log" | tail -n 1)
	after=$(ls "$work/crashes" | grep -c "^$t-" || true)
	crashes=$((after - before))
	if [ $rc != 0 ] || [ $crashes != 0 ]; then
		status=1
		[ $crashes = 0 ] && crashes="exit $rc"
	fi
	printf '%-14s %10s %8s %8s %8s\n' "${t#fuzz-}" "$secs" "${execs:-?}" \
		"$(ls "$corpus" | wc -l)" "$crashes"
	if [ $rc != 0 ]; then
		grep -m 1 -A 12 -E 'ERROR: |property failed|runtime error' "$work/logs/$t.log" | sed 's/^/    /'
	fi
done
[ $status = 0 ] || echo "fuzz: crashes saved in $work/crashes (logs in $work/logs)" >&2
exit $status
