#!/usr/bin/env bash
# 57-kafka-reload.sh - rules roll-out without a restart, on a real broker.  `run` starts
# with rules A (a stateless AXFR rule and a value_count correlation: one source, 3
# distinct zones in 10 minutes).  Two transfers open a window (2 of 3 zones); the tables
# file is replaced by rules B (A plus one new rule, placed first so every index moves)
# and the stage gets SIGHUP.  Then the third zone: the window carried across the reload
# must fire exactly once, and the new rule must alert only for records consumed after
# the reload.  Then a corrupt tables file + SIGHUP: refused with a logged reason, the
# stage keeps running with rules B (the next record alerts under both rules), and the
# reload counters say 1 ok / 1 failed (JSON metrics and Prometheus, checked by promtool
# when it is installed).  Then a second stage with --rules-watch-ms picks up a changed
# file without a signal.  Waits are on observable conditions, each bounded.
set -euo pipefail
. "$ZW_ROOT/tests/kafka/lib.sh"
ZW_STAGE_CMD=run
R1=5b7d9f1a-3c5e-4a7b-9d1f-3a5c7e9b1d01   # stateless, in A and B
CORR=5b7d9f1a-3c5e-4a7b-9d1f-3a5c7e9b1d03 # correlation, same in A and B
NEW=5b7d9f1a-3c5e-4a7b-9d1f-3a5c7e9b1d04  # only in B

"$ZW_BIN" formats | grep -q '^knot ' || { echo "57-kafka-reload: no knot parser, skipped"; exit 0; }
"$ZW_BIN" compile "$ZW_ROOT/tests/data/kafka/ops-rules-a.yml" -o "$WORK/a.zwt" 2>/dev/null
"$ZW_BIN" compile "$ZW_ROOT/tests/data/kafka/ops-rules-b.yml" -o "$WORK/b.zwt" 2>/dev/null
cp "$WORK/a.zwt" "$WORK/rules.zwt"
ktopic in 1
ktopic out 1
ktopic alerts 1
mport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

xfr() { # ZONE SECOND SOURCE: one Knot AXFR line
    echo "2026-11-27T13:05:$2+0000 info: [$1.] AXFR, outgoing, remote $3@40457, started, serial 100"
}
last() { # KEY: KEY of the last metrics line (0 if none yet)
    python3 -c '
import json, sys
try:
    rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
except OSError:
    rows = []
print(rows[-1][sys.argv[2]] if rows else 0)' "$WORK/r.metrics" "$1"
}
atleast() { [ "$(last "$1")" -ge "$2" ]; }
alerts_atleast() { [ "$(kcount alerts)" -ge "$1" ]; }
alive() { kill -0 "$STAGE_PID" 2>/dev/null || kfail "the stage exited"; }

stage_start r --group g-reload --input-topic in:knot --output-topic out \
    --rules "$WORK/rules.zwt" --alert-topic alerts --metrics-interval 200 \
    --metrics-file "$WORK/r.metrics" --metrics-port "$mport"
wait_until 40 atleast assigned_partitions 1 || kfail "no partition assigned"

# rules A: two zones from 127.0.0.10 (window at 2 of 3), one R1 alert each
{ xfr zone-a.test 01 127.0.0.10; xfr zone-b.test 02 127.0.0.10; } >"$WORK/in.1"
kproduce in 0 "$WORK/in.1"
wait_until 30 atleast consumed 2 || kfail "first records not consumed"
wait_until 30 alerts_atleast 2 || kfail "first alerts missing"

# roll out rules B (atomic rename over the file in use), then SIGHUP
cp "$WORK/b.zwt" "$WORK/rules.new" && mv "$WORK/rules.new" "$WORK/rules.zwt"
kill -HUP "$STAGE_PID"
wait_until 20 atleast rules_reloads 1 || kfail "SIGHUP did not reload the rules"
grep -q 'rules reloaded (SIGHUP).*1 correlation(s) unchanged, 1 open group(s) kept' "$WORK/r.log" ||
    kfail "the reload did not keep the open window of the unchanged correlation"
alive

# rules B: the third zone completes the carried window; a fourth must not fire it again
{ xfr zone-c.test 03 127.0.0.10; xfr zone-d.test 04 127.0.0.10; } >"$WORK/in.2"
kproduce in 0 "$WORK/in.2"
wait_until 30 atleast consumed 4 || kfail "second records not consumed"
wait_until 30 alerts_atleast 7 || kfail "alerts after the reload missing (want 2 + 2x2 + 1)"

# a corrupt tables file is refused; B stays in use
head -c 300 "$WORK/b.zwt" >"$WORK/rules.new"
printf 'garbage' >>"$WORK/rules.new"
mv "$WORK/rules.new" "$WORK/rules.zwt"
kill -HUP "$STAGE_PID"
wait_until 20 atleast rules_reloads_failed 1 || kfail "the corrupt file was not refused"
grep -q 'rules reload (SIGHUP) refused, the old rules stay in use: rules: ' "$WORK/r.log" ||
    kfail "no logged reason for the refused reload"
alive
xfr zone-e.test 05 127.0.0.11 >"$WORK/in.3"
kproduce in 0 "$WORK/in.3"
wait_until 30 alerts_atleast 9 || kfail "old rules (B) did not keep alerting after the refused reload"
[ "$(last rules_reloads)" -eq 1 ] || kfail "rules_reloads $(last rules_reloads), want 1"

# Prometheus: reload counters and per-rule alert counters, whole output checked
wait_until 10 eval 'python3 -c "import sys,urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=2).read().decode(), end=\"\")" http://127.0.0.1:$mport/metrics >"$WORK/prom.txt" 2>/dev/null && grep -q "^zonewarden_rules_reloads_failed_total 1$" "$WORK/prom.txt" && grep -q "^zonewarden_record_processing_seconds_count 5$" "$WORK/prom.txt"' ||
    kfail "Prometheus endpoint does not show the reloads"
grep -q '^zonewarden_rules_reloads_total 1$' "$WORK/prom.txt" || kfail "zonewarden_rules_reloads_total"
grep -qF "zonewarden_rule_alerts_total{rule=\"$R1\",name=\"Zone transfer \\\"requested\\\" \\\\ ops test\"} 5" "$WORK/prom.txt" ||
    kfail "per-rule counter of R1 (5, with its name escaped): $(grep rule_alerts "$WORK/prom.txt")"
grep -q "^zonewarden_rule_alerts_total{rule=\"$NEW\",.*} 3$" "$WORK/prom.txt" || kfail "per-rule counter of the new rule"
grep -q "^zonewarden_rule_alerts_total{rule=\"$CORR\",.*} 1$" "$WORK/prom.txt" || kfail "per-rule counter of the correlation"
if command -v promtool >/dev/null; then
    promtool check metrics <"$WORK/prom.txt" || kfail "promtool check metrics"
fi

kill -TERM "$STAGE_PID"
stage_wait "$STAGE_PID" 30 || kfail "the stage exited with $?"

# --rules-watch-ms: a second stage (own group and alert topic) reloads when the file
# changes, no signal; its first 5 records went through rules A
ktopic alerts2 1
cp "$WORK/a.zwt" "$WORK/watched.zwt"
stage_start w --group g-watch --input-topic in:knot --output-topic out --rules "$WORK/watched.zwt" \
    --alert-topic alerts2 --metrics-interval 200 --metrics-file "$WORK/w.metrics" --rules-watch-ms 200
pid_w=$STAGE_PID
wlast() { python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")] if __import__("os").path.exists(sys.argv[1]) else []
print(rows[-1][sys.argv[2]] if rows else 0)' "$WORK/w.metrics" "$1"; }
wait_until 40 eval '[ "$(wlast consumed)" -ge 5 ]' || kfail "watch stage: did not consume the 5 records"
cp "$WORK/b.zwt" "$WORK/rules.new" && mv "$WORK/rules.new" "$WORK/watched.zwt"
wait_until 20 eval '[ "$(wlast rules_reloads)" -ge 1 ]' || kfail "watch stage: the changed file was not reloaded"
grep -q 'rules reloaded (file changed)' "$WORK/w.log" || kfail "watch stage: no reload log line"
xfr zone-f.test 06 127.0.0.12 >"$WORK/in.4"
kproduce in 0 "$WORK/in.4"
wait_until 30 eval '[ "$(kcount alerts2)" -ge 7 ]' || kfail "watch stage: want 5 + 2 alerts"
kill -TERM "$pid_w"
stage_wait "$pid_w" 30 || kfail "watch stage exited with $?"
kdump alerts2 "$WORK/alerts2.json"
python3 - "$WORK/alerts2.json" "$NEW" <<'PY' || kfail "watch stage alerts"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
new = sorted(int(dict(zip(r["headers"][::2], r["headers"][1::2]))["zw-source-offset"])
             for r in rows if json.loads(r["payload"])["finding_info"]["analytic"]["uid"] == sys.argv[2])
if new != [5]:
    sys.exit("57-kafka-reload: watched reload: the new rule alerted at %s, want [5]" % new)
PY
echo "57-kafka-reload: --rules-watch-ms reloaded the changed file; the new rule alerted only after it"

kdump alerts "$WORK/alerts.json"
python3 - "$WORK/alerts.json" "$R1" "$CORR" "$NEW" <<'PY' || kfail "alerts"
import json, sys
f, r1, corr, new = sys.argv[1:]
def fail(m):
    print("57-kafka-reload: " + m, file=sys.stderr)
    sys.exit(1)
def hdr(r, k):
    h = r.get("headers") or []
    return {h[i]: h[i + 1] for i in range(0, len(h) - 1, 2)}.get(k)
by = {r1: [], corr: [], new: []}
for l in open(f):
    if not l.strip():
        continue
    r = json.loads(l)
    a = json.loads(r["payload"])
    uid = a["finding_info"]["analytic"]["uid"]
    if uid not in by:
        fail("alert of an unexpected rule %s" % uid)
    by[uid].append((int(hdr(r, "zw-source-offset")), a))
offs = lambda u: sorted(o for o, a in by[u])
if offs(r1) != [0, 1, 2, 3, 4]:
    fail("rule R1 alerted at offsets %s, want each of 0..4 once" % offs(r1))
if offs(new) != [2, 3, 4]:
    fail("the rule added by the reload alerted at offsets %s, want 2, 3, 4 (after the reload only)" % offs(new))
if offs(corr) != [2]:
    fail("the correlation alerted at offsets %s, want once, at the third zone (offset 2)" % offs(corr))
c = by[corr][0][1].get("unmapped", {}).get("correlation", {})
if c.get("value") != 3 or c.get("events_total") != 3:
    fail("the carried window: want 3 zones over 3 events (2 before the reload), got %s" % c)
print("57-kafka-reload: R1 at 0..4, new rule at 2..4 only, carried correlation fired once over 3 events")
PY
echo "57-kafka-reload: ok"
