#!/usr/bin/env bash
# 48-exposure-report-words.sh - the HTML exposure report is for people who do not read
# the inventory file (issue 22): the worst finding comes first, a "What to do" list gives
# the remediation per kind, "Why" is in words (the inventory key stays in the tooltip),
# and the badges use the cards' words (approved / not reviewed / not approved).
set -u
ZW_ROOT=${ZW_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
ZW_BIN=${ZW_BIN:-$ZW_ROOT/build/release/zonewarden}
W=$(mktemp -d "${TMPDIR:-/tmp}/zw-words.XXXXXX")
trap 'rm -rf "$W"' EXIT
"$ZW_BIN" exposure --zone "$ZW_ROOT/tests/data/exposure/example.test.zone" \
    --inventory "$ZW_ROOT/tests/data/exposure/approved.yml" --html "$W/r.html" -o /dev/null \
    2>"$W/err" || {
    echo "FAIL: exposure: $(cat "$W/err")"
    exit 1
}
python3 - "$W/r.html" <<'PY'
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
bad = []
rows = re.findall(r'<tr data-class="([a-z]+)"><td>([A-Za-z]+)</td><td><span class="pill p\d">([a-z ]+)</span></td><td>([a-z-]+)</td><td class="m">([^<]*)</td>.*?<td class="w" title="([^"]*)">([^<]*)</td></tr>', html)
if len(rows) != 18:
    bad.append("%d finding rows, want 18" % len(rows))
rank = {"Critical": 5, "High": 4, "Medium": 3, "Low": 2, "Informational": 1}
sev = [rank[r[1]] for r in rows]
if sev != sorted(sev, reverse=True):
    bad.append("rows not worst first: %s" % [r[1] for r in rows])
if rows and (rows[0][1], rows[0][4]) != ("High", "remote.example.test"):
    bad.append("first row %s %s, want the High remote.example.test" % (rows[0][1], rows[0][4]))
words = {"approved": "approved", "unknown": "not reviewed", "unapproved": "not approved"}
for r in rows:
    if r[2] != words[r[0]]:
        bad.append("badge %r for class %s" % (r[2], r[0]))
    if "exposure." in r[6] or "policy:" in r[6]:
        bad.append("Why shows an inventory key: %r" % r[6])
    if not r[5]:
        bad.append("no technical reason in the tooltip")
if not any(r[6].startswith("Marked not approved in the inventory") for r in rows):
    bad.append("no plain 'not approved' reason")
if not any(r[6] == "Nobody has reviewed it yet: not in the inventory" for r in rows):
    bad.append("no plain 'not reviewed' reason")
todo = re.search(r'<h2>What to do</h2>\s*<ol id="todo">(.*?)</ol>', html, re.S)
if not todo:
    bad.append("no What to do list")
else:
    items = re.findall(r"<li><b>([^<]+)</b> \((\d+) not approved or not reviewed; worst: (\w+)\): ([^<]+)</li>", todo.group(1))
    if not items or items[0][0] != "Remote-access host name" or items[0][2] != "High":
        bad.append("What to do does not start with the remote-access names: %s" % items[:1])
    if not all(len(i[3]) > 20 for i in items):
        bad.append("an item without remediation text")
    if any(i[0].startswith("Third-party service provider") and i[1] != "2" for i in items):
        bad.append("provider count wrong: %s" % items)
cards = re.findall(r'<div class="card c\d"><b>\d+</b>([a-z ]+)</div>', html)
if cards != ["approved", "not reviewed", "not approved"]:
    bad.append("cards say %s" % cards)
for b in bad:
    print("FAIL", b)
if bad:
    sys.exit(1)
print("ok   %d rows worst first, badges = card words, Why in words, What to do with %d items"
      % (len(rows), len(items)))
PY
[ $? = 0 ] || exit 1
echo "48-exposure-report-words: ok"
