#!/bin/bash
# SPDX-License-Identifier: MIT
# The front matter is plain YAML: another loader (PyYAML's safe_load) reads
# the same values sd reads, whatever the titles and tags contain.
. "$(dirname "$0")/lib.sh"

PYYAML=
for p in /usr/bin/python3 "$PY"; do
	if [ -n "$p" ] && "$p" -c 'import yaml' 2>/dev/null; then
		PYYAML=$p
		break
	fi
done
if [ -z "$PYYAML" ]; then
	skip "yaml interop" "python3 with PyYAML not available (make deps installs python3-yaml)"
	finish
fi

r=$(store interop)
titles=("yes" "No" "null" "~" "123" "1.5" "0x1f" "2026-12-25" "a: b" "#hash" "ends with colon:"
	"- dash" "[bracket]" "{brace}" '"quoted"' "'single'" 'back\slash' "ünïcode 日本語" "&anchor"
	"*alias" "!tag" "%percent" "@at" '`tick`' "a #not comment" ".inf" "<<" "x, y" "a | b"
	"> folded" "?question" "=" "true" "on" "0777" "+1" "1e3" "12:30")
n=0
for t in "${titles[@]}"; do
	n=$((n + 1))
	id=$(sd -C "$r" new "$t" --tag "t$n" --tag "x-$n" --asset "$t" --category "$t") ||
		fail "new '$t'" "sd new failed"
done
expect_eq "interop: every title made a ticket" "${#titles[@]}" "$(all_ids "$r" | wc -l)"

# A hand-added key sd does not know survives, and other tools read it too.
first=$(all_ids "$r" | head -n 1)
f=$r/$(tpath "$first")
sed -i '/^updated:/a x-vendor-ref: "VR-12"  # from the vendor portal' "$f"
commit_all "$r" "add a vendor reference by hand"
expect_exit "interop: comment on a ticket with an unknown key" 0 sd -C "$r" comment "$first" -m "still there"
expect_contains "interop: unknown key kept byte for byte" "$f" 'x-vendor-ref: "VR-12"  # from the vendor portal'

cat >"$tmp/compare.py" <<'PYEOF'
import glob, json, subprocess, sys, yaml
sd, store = sys.argv[1], sys.argv[2]
bad = 0
for path in sorted(glob.glob(store + "/tickets/*/*.md")):
    text = open(path, encoding="utf-8").read()
    fm = text.split("\n---\n", 1)[0][4:]
    y = yaml.safe_load(fm)
    j = json.loads(subprocess.run([sd, "-C", store, "show", y["id"], "--json"],
                                  capture_output=True, check=True, text=True).stdout)
    for key in ("id", "title", "type", "status", "priority", "tier", "asset", "category", "requester"):
        if not isinstance(y[key], str) or y[key] != j[key]:
            print("%s: %s: yaml %r, sd %r" % (path, key, y[key], j[key]))
            bad += 1
    if y["tags"] != j["tags"]:
        print("%s: tags: yaml %r, sd %r" % (path, y["tags"], j["tags"]))
        bad += 1
print("mismatches: %d" % bad)
PYEOF
"$PYYAML" "$tmp/compare.py" "$SD" "$r" >"$OUT" 2>&1
expect_eq "interop: PyYAML reads what sd reads" "mismatches: 0" "$(tail -n 1 "$OUT")$(grep -v '^mismatches' "$OUT" | head -n 5)"
fsck_ok "interop" "$r"
finish
