#!/usr/bin/env bash
# 63-corr-state.sh - `zonewarden detect --state FILE`: a correlation window opened in one
# run continues in the next (the alert fires once, in the second run, exactly as in a
# single run over both halves); out-of-order lines within one file give the sorted
# result; a state file saved with other rules is refused with its reason; --merge folds
# identical alerts into one with a count.
set -u
ZW_ROOT=${ZW_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
ZW_BIN=${ZW_BIN:-$ZW_ROOT/build/release/zonewarden}
work=$(mktemp -d "${TMPDIR:-/tmp}/zw-state.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cat >"$work/rules.yml" <<'EOF'
title: Transfer sweep
id: 5c9a2f6e-0b7d-4c55-9a43-6f1f2c1d7e01
correlation:
    type: event_count
    rules:
        - xfer_refused
    group-by:
        - src_endpoint.ip
    timespan: 10m
    condition:
        gte: 3
level: high
---
title: Transfer refused
id: 5c9a2f6e-0b7d-4c55-9a43-6f1f2c1d7e02
name: xfer_refused
logsource:
    product: dns
detection:
    selection:
        query.type: AXFR
        status_id: 2
    condition: selection
level: low
EOF
sed 's/gte: 3/gte: 4/' "$work/rules.yml" >"$work/rules2.yml"
"$ZW_BIN" compile -o "$work/rules.zwt" "$work/rules.yml" >/dev/null 2>&1 || fail "compile"
"$ZW_BIN" compile -o "$work/rules2.zwt" "$work/rules2.yml" >/dev/null 2>&1 || fail "compile 2"

ev() { # time_ms src uid
    printf '{"class_uid":4003,"time":%s,"status_id":2,"query":{"type":"AXFR","hostname":"z%s.test"},"src_endpoint":{"ip":"%s"},"metadata":{"uid":"%s"}}\n' "$1" "$3" "$2" "$3"
}
{ ev 1000 192.0.2.7 u1; ev 2000 192.0.2.9 u2; ev 3000 192.0.2.7 u3; } >"$work/a.jsonl"
{ ev 4000 192.0.2.7 u4; ev 5000 192.0.2.9 u5; } >"$work/b.jsonl"

echo "-- one run over both halves"
"$ZW_BIN" detect -r "$work/rules.zwt" -o "$work/one.jsonl" "$work/a.jsonl" "$work/b.jsonl" 2>"$work/err" ||
    fail "detect: $(cat "$work/err")"
echo "-- two runs with --state"
"$ZW_BIN" detect -r "$work/rules.zwt" --state "$work/state" -o "$work/r1.jsonl" "$work/a.jsonl" 2>"$work/err" ||
    fail "detect run 1: $(cat "$work/err")"
[ -s "$work/state" ] || fail "no state file written"
[ ! -s "$work/r1.jsonl" ] || fail "run 1 alerted before the window had 3 matches: $(cat "$work/r1.jsonl")"
"$ZW_BIN" detect -r "$work/rules.zwt" --state "$work/state" -o "$work/r2.jsonl" "$work/b.jsonl" 2>"$work/err" ||
    fail "detect run 2: $(cat "$work/err")"

echo "-- out of order within one file"
{ ev 4000 192.0.2.7 u4; ev 1000 192.0.2.7 u1; ev 5000 192.0.2.9 u5; ev 3000 192.0.2.7 u3; ev 2000 192.0.2.9 u2; } >"$work/shuffled.jsonl"
"$ZW_BIN" detect -r "$work/rules.zwt" -o "$work/shuf.jsonl" "$work/shuffled.jsonl" 2>"$work/err" ||
    fail "detect shuffled: $(cat "$work/err")"

python3 - "$work/one.jsonl" "$work/r2.jsonl" "$work/shuf.jsonl" <<'PY' || fail "alerts differ"
import json, sys
def load(p):
    return [json.loads(l) for l in open(p) if l.strip()]
one, two, shuf = (load(p) for p in sys.argv[1:4])
for name, alerts in (("single run", one), ("second --state run", two), ("shuffled", shuf)):
    corr = [a for a in alerts if a["unmapped"]["correlation"]["type"] == "event_count"]
    if len(corr) != 1:
        sys.exit(f"{name}: {len(corr)} correlation alerts, want 1")
    a = corr[0]
    c = a["unmapped"]["correlation"]
    assert c["key"] == {"src_endpoint.ip": "192.0.2.7"}, (name, c["key"])
    assert c["value"] == 3 and a["start_time"] == 1000 and a["end_time"] == 4000, (name, a)
    uids = [e["uid"] for e in a["evidences"]]
    assert uids == ["u1", "u3", "u4"], (name, uids)
    assert a["finding_info"]["analytic"]["uid"] == "5c9a2f6e-0b7d-4c55-9a43-6f1f2c1d7e01"
    assert a["severity_id"] == 4 and a["class_uid"] == 2004
    print(f"ok   {name}: {a['message']}")
# the same finding (same uid) whichever way the input arrived
assert len({[a for a in x if a["unmapped"]["correlation"]["type"] == "event_count"][0]["finding_info"]["uid"]
            for x in (one, two, shuf)}) == 1, "finding uids differ"
PY

echo "-- state saved with other rules"
if "$ZW_BIN" detect -r "$work/rules2.zwt" --state "$work/state" -o /dev/null "$work/b.jsonl" 2>"$work/err"; then
    fail "a state file of other rules was accepted"
fi
grep -q "different rules" "$work/err" || fail "no reason given: $(cat "$work/err")"

echo "-- --merge folds identical alerts"
"$ZW_BIN" compile -o "$work/single.zwt" <(sed -n '/^---$/,$p' "$work/rules.yml" | sed 1d) >/dev/null 2>&1 ||
    { sed -n '/^---$/,$p' "$work/rules.yml" | sed 1d >"$work/single.yml"; "$ZW_BIN" compile -o "$work/single.zwt" "$work/single.yml" >/dev/null 2>&1; } ||
    fail "compile single"
{ ev 1000 192.0.2.7 m1; ev 1000 192.0.2.7 m2; ev 2000 192.0.2.7 m3; } | sed 's/"hostname":"z[^"]*"/"hostname":"same.test"/' >"$work/m.jsonl"
"$ZW_BIN" detect -r "$work/single.zwt" --merge 1h -o "$work/merged.jsonl" "$work/m.jsonl" 2>"$work/err" ||
    fail "detect --merge: $(cat "$work/err")"
python3 - "$work/merged.jsonl" <<'PY' || fail "merge"
import json, sys
alerts = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert len(alerts) == 1, len(alerts)
assert alerts[0]["count"] == 3 and alerts[0]["finding_info"]["related_events_count"] == 3, alerts[0]
print("ok   merged: count 3")
PY
echo "63-corr-state: ok"
