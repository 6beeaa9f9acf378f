#!/usr/bin/env bash
# 64-summary.sh - `zonewarden summary`, the table for people (issue 22): titles are not
# cut mid-word, EVENTS is the number of contributing events (what each alert's message
# says), every row names its top subjects (provider and configuration alerts included),
# and a file of events that are not alerts says so once, with a count, and exits 1.
set -u
ZW_ROOT=${ZW_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
ZW_BIN=${ZW_BIN:-$ZW_ROOT/build/release/zonewarden}
W=$(mktemp -d "${TMPDIR:-/tmp}/zw-summary.XXXXXX")
trap 'rm -rf "$W"' EXIT
fail() {
    echo "FAIL: $*"
    exit 1
}
D=$ZW_ROOT/tests/data
"$ZW_BIN" compile --tuning "$ZW_ROOT/tuning/demo.yml" -o "$W/rules.zwt" "$ZW_ROOT/detections" \
    >/dev/null 2>&1 || fail "compile"
"$ZW_BIN" run -r "$W/rules.zwt" --merge 10m --inventory "$D/providers/inventory.yml" \
    -o "$W/alerts.jsonl" "$D"/dns-servers/*.log "$D"/e2e-providers/* 2>"$W/run.err" ||
    fail "run: $(cat "$W/run.err")"
"$ZW_BIN" summary "$W/alerts.jsonl" >"$W/table.txt" 2>"$W/summary.err" || fail "summary rc $?"
cat "$W/table.txt"
python3 - "$W/alerts.jsonl" "$W/table.txt" <<'PY' || exit 1
import json, sys
from collections import defaultdict
alerts = [json.loads(l) for l in open(sys.argv[1])]
events, titles = defaultdict(int), {}
for a in alerts:
    u = a["finding_info"]["analytic"]["uid"]
    events[u] += a["unmapped"]["correlation"]["events_total"]
    titles[u] = a["finding_info"]["title"]
rows = {}
lines = open(sys.argv[2]).read().splitlines()
head = lines[0]
cols = {n: head.index(n) for n in ("ANALYTIC", "TITLE", "ALERTS", "EVENTS", "TOP SUBJECTS")}
for line in lines[1:-1]:
    u = line[cols["ANALYTIC"]:cols["TITLE"]].strip()
    rows[u] = line
bad = []
if set(rows) != set(events):
    bad.append("analytics %s vs %s" % (sorted(rows), sorted(events)))
for u, line in rows.items():
    title = line[cols["TITLE"]:cols["ALERTS"]].strip()
    if len(titles[u]) <= 64 and title != titles[u]:
        bad.append("%s: title %r, want %r" % (u, title, titles[u]))
    nev = int(line[cols["EVENTS"] - 1:cols["EVENTS"] + 6].split()[-1])
    if nev != events[u]:
        bad.append("%s: EVENTS %d, the alerts' messages add up to %d" % (u, nev, events[u]))
    if not line[cols["TOP SUBJECTS"]:].strip():
        bad.append("%s: no subjects" % u)
if not lines[-1].startswith("%d alerts from %d analytics" % (len(alerts), len(events))):
    bad.append("last line %r" % lines[-1])
for b in bad:
    print("FAIL", b)
if bad:
    sys.exit(1)
print("ok   %d analytics: full titles, EVENTS = contributing events, subjects on every row" % len(rows))
PY
# events are not alerts: a few positions, one count, exit 1
"$ZW_BIN" normalize --quiet -o "$W/events.jsonl" "$D/dns-servers/bind.log" 2>/dev/null
n=$(wc -l <"$W/events.jsonl")
"$ZW_BIN" summary "$W/events.jsonl" >"$W/t2.txt" 2>"$W/t2.err"
rc=$?
[ "$rc" = 1 ] || fail "summary of events: rc $rc, want 1"
[ "$(grep -c 'not a Detection Finding, skipped' "$W/t2.err")" -le 5 ] ||
    fail "one stderr line per event: $(wc -l <"$W/t2.err") lines"
grep -q "$n line(s) were not Detection Findings" "$W/t2.err" || fail "no count: $(tail -1 "$W/t2.err")"
echo "ok   $n events given to summary: 5 positions, one count, exit 1"
# a missing file is named, with the command
"$ZW_BIN" summary "$W/nosuch.jsonl" >/dev/null 2>"$W/t3.err"
rc=$?
[ "$rc" = 3 ] && grep -q "^zonewarden summary: $W/nosuch.jsonl: No such file or directory" "$W/t3.err" ||
    fail "missing file: rc $rc, $(cat "$W/t3.err")"
echo "ok   a missing file: 'zonewarden summary: PATH: No such file or directory', exit 3"
echo "64-summary: ok"
