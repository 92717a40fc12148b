# SPDX-License-Identifier: MIT
# tests/e2e/lib.sh - harness for the end-to-end tests of sd.
#
# Sourced by every tests/e2e/tNN-*.sh file.  Each test file gets its own
# temporary directory ($tmp) holding a private $HOME and the throwaway
# stores its cases build; it is removed on exit unless SD_TEST_KEEP=1.
#
# A test file looks like
#
#	. "$(dirname "$0")/lib.sh"
#	r=$(store init-twice)             # fresh store at $tmp/init-twice
#	expect_exit "init again" 0 sd -C "$r" init
#	expect_out_has "init again: message" "already an sd store"
#	fsck_ok "init again" "$r"
#	finish
#
# Results are appended to a file rather than kept in shell variables, so
# helpers may be called from command substitutions ($(...)) and still
# record passes and failures.

set -u

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
SRCROOT=$(cd "$E2E_DIR/../.." && pwd -P)
TEST_FILE=$(basename "$0")

# The binary under test: SD_BIN if set (made absolute), else the tree's ./sd.
if [ -n "${SD_BIN:-}" ]; then
	case $SD_BIN in
	/*) SD=$SD_BIN ;;
	*) SD=$PWD/$SD_BIN ;;
	esac
else
	SD=$SRCROOT/sd
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sd-e2e-${TEST_FILE%.sh}.XXXXXX") || exit 128
tmp=$(cd "$tmp" && pwd -P)

_cleanup() {
	[ -n "${_PYPID:-}" ] && kill "$_PYPID" 2>/dev/null
	if [ "${SD_TEST_KEEP:-0}" = 1 ]; then
		echo "# $TEST_FILE: kept $tmp" >&2
	else
		rm -rf "$tmp"
	fi
}
trap _cleanup EXIT

# A predictable environment: nothing from the caller's git, editor, pager
# or colour settings may leak into the tests.
unset NO_COLOR VISUAL EDITOR SD_PAGER PAGER LESS GIT_PAGER \
	GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY \
	GIT_ALTERNATE_OBJECT_DIRECTORIES GIT_NAMESPACE GIT_COMMON_DIR \
	GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_AUTHOR_DATE \
	GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL GIT_COMMITTER_DATE \
	GIT_CONFIG GIT_CONFIG_GLOBAL GIT_CONFIG_PARAMETERS GIT_CONFIG_COUNT \
	XDG_CONFIG_HOME EMAIL
export HOME=$tmp/home
mkdir -p "$HOME"
cat >"$HOME/.gitconfig" <<'EOF'
[user]
	name = Home User
	email = home@example.com
[init]
	defaultBranch = main
[advice]
	detachedHead = false
EOF
export SD_AUTHOR="Tess Tester <tess@example.com>"
export SD_NOW=2026-11-23T09:00:00Z
export GIT_CONFIG_NOSYSTEM=1
export LC_ALL=C.UTF-8
export TZ=UTC
export GIT_CEILING_DIRECTORIES=$tmp

# Where expect_exit leaves the captured output of the last command.
OUT=$tmp/.out
ERR=$tmp/.err
RC=
_results=$tmp/.results
: >"$_results"

# JSON is checked with python3 when there is one (the pyenv-style shims
# some systems put first in PATH are slow, so /usr/bin/python3 is
# preferred).  One python process serves all checks of a test file.
HAVE_PYTHON=0
PY=
for _p in /usr/bin/python3 "$(command -v python3 2>/dev/null)"; do
	if [ -n "$_p" ] && [ -x "$_p" ] && "$_p" -c 'import json' 2>/dev/null; then
		PY=$_p
		HAVE_PYTHON=1
		break
	fi
done

# Alphabets used by ids (Crockford base32, lowercase).
ID_RE='[0-9abcdefghjkmnpqrstvwxyz]'
ESC=$(printf '\033')

# --- recording results --------------------------------------------------

_n=0

# Results go to fd 3, the test file's stdout, even from inside $(...).
exec 3>&1

# ok NAME
ok() {
	_n=$((_n + 1))
	echo ok >>"$_results"
	echo "ok $_n - $1" >&3
}

# fail NAME MSG...: every MSG line is printed indented under the case.
fail() {
	local name=$1
	shift
	_n=$((_n + 1))
	echo fail >>"$_results"
	echo "not ok $_n - $name" >&3
	if [ $# -gt 0 ]; then
		printf '%s\n' "$@" | cat -v | sed 's/^/#   /' >&3
	fi
}

# skip NAME WHY: neither a pass nor a failure.
skip() {
	echo "ok - $1 # skip $2" >&3
}

_show_file() {
	# _show_file LABEL FILE: the first 40 lines of FILE, control bytes visible.
	echo "$1:"
	if [ -s "$2" ]; then
		head -n 40 "$2" | cat -v | sed 's/^/  | /'
	else
		echo "  (empty)"
	fi
}

# --- running sd ---------------------------------------------------------

# sd ARGS...: the binary under test.  (tests/run-e2e.sh limits the time
# a whole test file may take, so a hang cannot block the suite.)
sd() { "$SD" "$@"; }

# run CMD...: run CMD with stdin from $STDIN (default /dev/null), stdout
# to $OUT and stderr to $ERR, exit status in $RC.
run() {
	"$@" <"${STDIN:-/dev/null}" >"$OUT" 2>"$ERR"
	RC=$?
}

# expect_exit NAME CODE CMD...: run CMD and check its exit status.  CODE may
# list alternatives as "2|128".
expect_exit() {
	local name=$1 code=$2
	shift 2
	run "$@"
	case "|$code|" in
	*"|$RC|"*) ok "$name" ;;
	*)
		fail "$name" "command: $*" "expected exit $code, got $RC" \
			"$(_show_file stdout "$OUT")" "$(_show_file stderr "$ERR")"
		;;
	esac
}

# expect_eq NAME EXPECTED ACTUAL
expect_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		printf '%s\n' "$2" >"$tmp/.expect"
		printf '%s\n' "$3" >"$tmp/.actual"
		fail "$1" "expected:" "$(sed 's/^/  | /' "$tmp/.expect")" \
			"actual:" "$(sed 's/^/  | /' "$tmp/.actual")" \
			"diff:" "$(diff -u "$tmp/.expect" "$tmp/.actual" | tail -n +3)"
	fi
}

# expect_file_eq NAME EXPECTED-FILE ACTUAL-FILE: byte-exact comparison.
expect_file_eq() {
	if cmp -s "$2" "$3"; then
		ok "$1"
	else
		fail "$1" "files differ ($2 vs $3):" "$(diff -u "$2" "$3" | tail -n +3 | head -n 60)"
	fi
}

# expect_out NAME EXPECTED: stdout of the last run equals EXPECTED (the
# trailing newline is ignored).
expect_out() { expect_eq "$1" "$2" "$(<"$OUT")"; }
expect_err() { expect_eq "$1" "$2" "$(<"$ERR")"; }

# _has FILE STRING: FILE contains the fixed STRING (not case-sensitive when
# _ICASE is set).
_has() { grep -qF ${_ICASE:+-i} -e "$2" -- "$1"; }

# expect_contains NAME FILE STRING / expect_lacks NAME FILE STRING
expect_contains() {
	if _has "$2" "$3"; then
		ok "$1"
	else
		fail "$1" "expected to find: $3" "$(_show_file "in $2" "$2")"
	fi
}
expect_lacks() {
	if _has "$2" "$3"; then
		fail "$1" "expected NOT to find: $3" "$(_show_file "in $2" "$2")"
	else
		ok "$1"
	fi
}
# expect_match NAME FILE ERE: some line of FILE matches the extended regex.
expect_match() {
	if grep -qE -e "$3" -- "$2"; then
		ok "$1"
	else
		fail "$1" "expected a line matching: $3" "$(_show_file "in $2" "$2")"
	fi
}
expect_out_has() { expect_contains "$1" "$OUT" "$2"; }
expect_err_has() { expect_contains "$1" "$ERR" "$2"; }
expect_out_empty() { expect_eq "$1" "" "$(<"$OUT")"; }

# expect_sd_error NAME: stderr is non-empty and every line that starts a
# message starts with "sd: "; stdout is empty.
expect_sd_error() {
	if [ ! -s "$ERR" ]; then
		fail "$1" "expected an 'sd: ' message on stderr, stderr is empty" \
			"$(_show_file stdout "$OUT")"
	elif ! { IFS= read -r _first <"$ERR"; [ "${_first#sd: }" != "$_first" ]; }; then
		fail "$1" "expected stderr to start with 'sd: '" "$(_show_file stderr "$ERR")"
	elif [ -s "$OUT" ]; then
		fail "$1" "expected nothing on stdout" "$(_show_file stdout "$OUT")"
	else
		ok "$1"
	fi
}

# expect_no_esc NAME FILE: no raw ESC byte, C1 control or bidi override.
expect_no_esc() {
	if LC_ALL=C grep -q "$ESC" "$2"; then
		fail "$1" "raw ESC byte in output" "$(_show_file output "$2")"
	elif grep -qP '[\x{80}-\x{9f}\x{202a}-\x{202e}\x{2066}-\x{2069}]' "$2" 2>/dev/null; then
		fail "$1" "raw C1 control or bidi override in output" "$(_show_file output "$2")"
	else
		ok "$1"
	fi
}

# expect_exists NAME PATH / expect_missing NAME PATH
expect_exists() {
	if [ -e "$2" ]; then ok "$1"; else fail "$1" "expected $2 to exist"; fi
}
expect_missing() {
	if [ -e "$2" ]; then fail "$1" "expected $2 not to exist"; else ok "$1"; fi
}

# --- stores and git -----------------------------------------------------

# new_store DIR: sd init DIR, quietly.  Returns sd's status.
new_store() {
	local rc
	SD_NOW=2026-11-23T08:00:00Z sd init "$1" >"$tmp/.init.out" 2>&1
	rc=$?
	if [ $rc -ne 0 ]; then
		fail "sd init $1" "exit $rc" "$(_show_file output "$tmp/.init.out")"
	fi
	return $rc
}

# store NAME: a fresh store at $tmp/NAME; prints its path.
store() {
	new_store "$tmp/$1"
	echo "$tmp/$1"
}

# new_ticket DIR ARGS...: sd -C DIR new ARGS; prints the new id.
new_ticket() {
	local d=$1 id rc
	shift
	id=$(sd -C "$d" new "$@" </dev/null 2>"$tmp/.new.err")
	rc=$?
	if [ $rc -ne 0 ] || ! printf '%s\n' "$id" | grep -qxE "$ID_RE{12}"; then
		fail "sd new $*" "exit $rc, stdout: $id" "$(_show_file stderr "$tmp/.new.err")"
		echo "000000000000"
		return 1
	fi
	echo "$id"
}

# tpath ID: the ticket's path relative to the store root.
tpath() { echo "tickets/${1:0:2}/$1.md"; }

# commit_count DIR
commit_count() { git -C "$1" rev-list --count HEAD 2>/dev/null || echo 0; }
head_of() { git -C "$1" rev-parse -q --verify HEAD 2>/dev/null || echo none; }
gstatus() { git -C "$1" status --porcelain=v1 --untracked-files=all 2>&1; }

expect_commit_count() { expect_eq "$1: commit count" "$3" "$(commit_count "$2")"; }

# expect_one_new_commit NAME DIR BEFORE
expect_one_new_commit() {
	expect_eq "$1: exactly one new commit" "$(($3 + 1))" "$(commit_count "$2")"
}

# expect_clean NAME DIR: git status --porcelain is empty.
expect_clean() {
	local s
	s=$(gstatus "$2")
	if [ -z "$s" ]; then
		ok "$1: work tree clean"
	else
		fail "$1: work tree clean" "git status --porcelain:" "$s"
	fi
}

# expect_unchanged NAME DIR HEAD-BEFORE STATUS-BEFORE
expect_unchanged() {
	expect_eq "$1: HEAD unchanged" "$3" "$(head_of "$2")"
	expect_eq "$1: status unchanged" "$4" "$(gstatus "$2")"
}

# expect_last_commit NAME DIR SUBJECT FILES: subject and touched files of HEAD.
expect_last_commit() {
	expect_eq "$1: commit subject" "$3" "$(git -C "$2" log -1 --format=%s)"
	expect_eq "$1: commit touches" "$4" \
		"$(git -C "$2" show --name-only --format= HEAD | sed '/^$/d')"
}

# fsck_ok NAME DIR: git fsck --strict and sd check are both clean.
fsck_ok() {
	local name=$1 d=$2 rc
	git -C "$d" fsck --strict --no-progress >"$tmp/.fsck" 2>&1
	rc=$?
	if [ $rc -ne 0 ] || grep -qiE '^(error|warning|fatal)' "$tmp/.fsck"; then
		fail "$name: git fsck" "exit $rc" "$(_show_file output "$tmp/.fsck")"
	else
		ok "$name: git fsck"
	fi
	sd -C "$d" check >"$tmp/.check" 2>&1 </dev/null
	rc=$?
	if [ $rc -ne 0 ] || [ -s "$tmp/.check" ]; then
		fail "$name: sd check" "exit $rc" "$(_show_file output "$tmp/.check")"
	else
		ok "$name: sd check"
	fi
}

# commit_all DIR MSG: commit the whole work tree by hand, as a user would.
commit_all() {
	git -C "$1" add -A && git -C "$1" commit -q -m "$2" >/dev/null
}

# ticket_text ID TITLE [STATUS [DESCRIPTION]]: a valid ticket file, as
# sd would write it, on stdout.
ticket_text() {
	local id=$1 title=$2 status=${3:-new} desc=${4:-Hand-written ticket.}
	cat <<EOF
---
id: $id
title: $title
type: incident
status: $status
priority: P3
impact: medium
urgency: medium
tier: L1
queue: desk
assignee: ""
requester: tess@example.com
category: ""
tags: []
asset: ""
created: 2026-11-23T09:00:00Z
updated: 2026-11-23T09:00:00Z
---

$desc

<!-- sd:timeline -->
## Timeline
EOF
}

# put_ticket DIR ID TITLE [STATUS [DESCRIPTION]]: write a valid ticket file
# by hand (for ids chosen by the test) and commit it.
put_ticket() {
	local d=$1 id=$2
	mkdir -p "$d/tickets/${id:0:2}"
	ticket_text "$id" "$3" "${4:-new}" "${5:-Hand-written ticket.}" >"$d/$(tpath "$id")"
	git -C "$d" add -A && git -C "$d" commit -q -m "add $id by hand" >/dev/null
}

# front_matter FILE: the lines between the first two '---' lines, inclusive.
front_matter() { awk 'NR == 1 || !done { print } NR > 1 && /^---$/ { done = 1 }' "$1"; }

# all_ids DIR: every ticket id in the store, one per line, sorted.
all_ids() {
	local p
	for p in "$1"/tickets/*/*.md; do
		[ -e "$p" ] || continue
		p=${p##*/}
		echo "${p%.md}"
	done
}

# short_id DIR ID: the shortest prefix of ID (at least 4 characters) that no
# other ticket in DIR shares.
short_id() {
	local id=$2 n=4 p other
	for p in "$1"/tickets/*/*.md; do
		other=${p##*/}
		other=${other%.md}
		[ "$other" = "$id" ] && continue
		while [ $n -lt 12 ] && [ "${other:0:n}" = "${id:0:n}" ]; do
			n=$((n + 1))
		done
	done
	echo "${id:0:n}"
}

# epoch RFC3339: seconds since the epoch.
epoch() { date -u -d "$1" +%s; }

# --- JSON (python3 only; callers skip when it is missing) --------------

# The server reads the name of a request file per line: NUL-separated MODE,
# JSON-FILE, EXPR, RESULT-FILE and (for MODE text) TEXT-FILE.  EXPR is
# evaluated with d = the parsed JSON (and the module re).  MODE get writes
# the value (strings raw, anything else as JSON) to RESULT-FILE; MODE text
# compares the string value with TEXT-FILE, ignoring trailing newlines.  It
# answers ok, fail or err on a line.
cat >"$tmp/.jsonsrv.py" <<'EOF'
import json, re, sys
for line in sys.stdin:
    with open(line.rstrip("\n"), "rb") as f:
        parts = [p.decode("utf-8", "surrogateescape") for p in f.read().split(b"\0")]
    mode, jf, expr, outf = parts[:4]
    status, out = "ok", ""
    try:
        with open(jf, encoding="utf-8") as f:
            d = json.load(f)
        v = eval(expr, {"d": d, "re": re})
        if mode == "get":
            out = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
        else:
            with open(parts[4], encoding="utf-8", newline="") as f:
                want = f.read().rstrip("\n")
            if not isinstance(v, str) or v.rstrip("\n") != want:
                status = "fail"
                out = "expected: %r\nactual:   %r" % (want, v)
    except Exception as e:
        status, out = "err", "%s: %s" % (type(e).__name__, e)
    with open(outf, "w", encoding="utf-8", errors="surrogateescape") as f:
        f.write(out)
    sys.stdout.write(status + "\n")
    sys.stdout.flush()
EOF
_PYPID=
if [ $HAVE_PYTHON = 1 ]; then
	coproc _PYJ { "$PY" "$tmp/.jsonsrv.py"; }
	_PYPID=$_PYJ_PID
	# Plain descriptors, unlike coprocess ones, reach subshells too.
	exec 7>&"${_PYJ[1]}" 8<&"${_PYJ[0]}"
fi

# _py MODE JSON-FILE EXPR [TEXT-FILE]: ask the server; the answer is in
# $_PYSTATUS, the result in $tmp/.pyout.
_py() {
	printf '%s\0%s\0%s\0%s\0%s' "$1" "$2" "$3" "$tmp/.pyout" "${4:-}" >"$tmp/.pyreq"
	echo "$tmp/.pyreq" >&7
	_PYSTATUS=err
	read -r _PYSTATUS <&8 || echo "json server died" >"$tmp/.pyout"
}

# json_get FILE EXPR: print EXPR evaluated with d = the JSON in FILE; strings
# are printed raw, everything else as JSON.  Fails if EXPR fails.
json_get() {
	_py get "$1" "$2"
	[ "$_PYSTATUS" = ok ] || return 1
	cat "$tmp/.pyout"
	echo
}

# expect_json NAME FILE EXPR EXPECTED
expect_json() {
	if [ $HAVE_PYTHON = 0 ]; then
		skip "$1" "python3 not available"
		return
	fi
	_py get "$2" "$3"
	if [ "$_PYSTATUS" != ok ]; then
		fail "$1" "evaluating $3 failed: $(<"$tmp/.pyout")" "$(_show_file json "$2")"
		return
	fi
	expect_eq "$1" "$4" "$(<"$tmp/.pyout")"
}

# expect_json_text NAME FILE EXPR TEXTFILE: the string EXPR equals the
# contents of TEXTFILE exactly, except that trailing newlines are ignored.
expect_json_text() {
	if [ $HAVE_PYTHON = 0 ]; then
		skip "$1" "python3 not available"
		return
	fi
	_py text "$2" "$3" "$4"
	case $_PYSTATUS in
	ok) ok "$1" ;;
	fail) fail "$1" "$(<"$tmp/.pyout")" ;;
	*) fail "$1" "evaluating $3 failed: $(<"$tmp/.pyout")" "$(_show_file json "$2")" ;;
	esac
}

# --- the end ------------------------------------------------------------

# finish: print this file's summary and exit non-zero if anything failed.
finish() {
	local p f
	p=$(grep -c '^ok$' "$_results")
	f=$(grep -c '^fail$' "$_results")
	echo "$TEST_FILE: $p passed, $f failed"
	[ "$f" -eq 0 ] && exit 0
	exit 1
}

if [ ! -x "$SD" ]; then
	fail "the sd binary exists" "no executable at $SD (run make, or set SD_BIN)"
	finish
fi

# --- sd serve --------------------------------------------------------------

# start_serve STORE [SERVE-OPTIONS...]: sd serve on a free loopback port
# in the background, its log in $tmp/serve.log; sets pid, and url
# (http://127.0.0.1:PORT, empty if it never said it listens) once it says
# so, waiting at most 5 s. Stop it with kill -TERM "$pid"; wait "$pid".
start_serve() {
	local store=$1 i
	shift
	"$SD" -C "$store" serve --listen 127.0.0.1:0 "$@" 2>"$tmp/serve.log" &
	pid=$!
	for i in $(seq 100); do
		grep -q 'listening on' "$tmp/serve.log" && break
		sleep 0.05
	done
	url=$(sed -n 's/^sd serve: listening on \(http:.*\)$/\1/p' "$tmp/serve.log")
}

# --- browser (tests/browser) ---------------------------------------------

# check_pages NAME [--crawl] URL...: opens the pages in headless Chromium
# at phone and desktop widths (tests/browser/check-pages.js); any console
# error, failed load, broken link or page wider than a phone fails NAME.
# Screenshots go to build/screenshots/ of the source tree. Skips, saying
# why, where Chromium or puppeteer-core is missing.
check_pages() {
	local name=$1 out rc
	shift
	if ! command -v node >/dev/null; then
		skip "$name" "node not installed (browser checks need Node.js)"
		return 0
	fi
	out=$(node "$SRCROOT/tests/browser/check-pages.js" --shots "$SRCROOT/build/screenshots" \
		--name "$(basename "$0" .sh)" "$@" 2>&1)
	rc=$?
	case $rc in
	0) ok "$name" ;;
	77) skip "$name" "$out" ;;
	*) fail "$name" "$out" ;;
	esac
}
