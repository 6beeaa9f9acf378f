#!/usr/bin/env bash
# 55-kafka-detect.sh - `zonewarden detect` in Kafka mode: normalized OCSF events (from
# `zonewarden normalize` in file mode) in, alerts out, 2 members of one group under
# --eos.  The alerts a read_committed consumer sees must be those file-mode `detect`
# gives for the same events (per rule, with the same correlation values), each once; a
# record that is not JSON becomes one dead letter.
set -euo pipefail
. "$ZW_ROOT/tests/kafka/lib.sh"
ZW_STAGE_CMD=detect

# a missing parser is a failure, never a skip: this test exists to run
"$ZW_BIN" formats | grep -q '^knot ' || kfail "no knot parser registered"
"$ZW_BIN" compile "$ZW_ROOT/tests/data/kafka/sweep-corr.yml" -o "$WORK/sweep.zwt" 2>/dev/null
i=0
for z in a b a x c d; do
    i=$((i + 1))
    src=127.0.0.9
    [ "$z" = x ] && src=127.0.0.7
    echo "2026-11-27T13:05:0$i+0000 info: [zone-$z.test.] AXFR, outgoing, remote $src@40457, started, serial 100"
done >"$WORK/in.log"
"$ZW_BIN" normalize --format knot "$WORK/in.log" >"$WORK/events.json" 2>/dev/null
[ "$(wc -l <"$WORK/events.json")" -eq 6 ] || kfail "normalize gave $(wc -l <"$WORK/events.json") events, want 6"
"$ZW_BIN" detect --rules "$WORK/sweep.zwt" "$WORK/events.json" >"$WORK/expected.json" 2>/dev/null
{ head -3 "$WORK/events.json"; echo 'not json {'; tail -3 "$WORK/events.json"; } >"$WORK/p0"
cp "$WORK/events.json" "$WORK/p1"

ktopic ev 2
ktopic alerts 2
ktopic dlq 1
args=(--group g-detect --input-topic ev --rules "$WORK/sweep.zwt" --alert-topic alerts
    --dlq-topic dlq --eos --exit-idle 4000 --metrics-interval 200
    -X consumer.session.timeout.ms=6000)
stage_start d1 "${args[@]}" --transactional-id zw-d1 --metrics-file "$WORK/d1.metrics"
pid1=$STAGE_PID
stage_start d2 "${args[@]}" --transactional-id zw-d2 --metrics-file "$WORK/d2.metrics"
pid2=$STAGE_PID
kproduce ev 0 "$WORK/p0"
kproduce ev 1 "$WORK/p1"
stage_wait "$pid1" 60 || kfail "d1 exited with $?"
stage_wait "$pid2" 60 || kfail "d2 exited with $?"
kdump alerts "$WORK/alerts.json"
kdump dlq "$WORK/dlq.json"
python3 - "$WORK/expected.json" "$WORK/alerts.json" "$WORK/dlq.json" <<'PY' || kfail "alerts differ"
import collections, json, sys
def fail(msg):
    print("55-kafka-detect: " + msg, file=sys.stderr)
    sys.exit(1)
def summary(a):
    c = a.get("unmapped", {}).get("correlation", {})
    return (a["finding_info"]["analytic"]["uid"], c.get("type"), c.get("value"), c.get("events_total"))
exp = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
got = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
want = collections.Counter(summary(a) for a in exp)
want = collections.Counter({k: 2 * n for k, n in want.items()})  # the same events in 2 partitions
have = collections.Counter(summary(json.loads(r["payload"])) for r in got)
if want != have:
    fail("alerts per rule: want %s, got %s" % (dict(want), dict(have)))
if not any(k[1] == "value_count" for k in have):
    fail("no correlated alert")
uids = [json.loads(r["payload"])["finding_info"]["uid"] for r in got]
if len(set(uids)) != len(uids):
    fail("an alert twice: %s" % sorted(uids))
pos = {json.loads(r["payload"])["evidences"][0]["data"]["position"].rsplit("/", 2)[0] for r in got}
if pos != {"ev"}:
    fail("alert evidence positions name topics %s, want ev" % pos)
for r in got:
    if r.get("key") is None or not r["key"].startswith("zone-"):
        fail("alert keyed %r, want the event's zone" % r.get("key"))
dl = [json.loads(l) for l in open(sys.argv[3]) if l.strip()]
if len(dl) != 1 or json.loads(dl[0]["payload"]).get("raw") != "not json {":
    fail("want one dead letter of the bad record, got %s" % dl)
print("55-kafka-detect: %d alerts as file mode gives (x2 partitions), 1 dead letter" % len(got))
PY
# absolute expectations: both paths of the same binary could share a bug, so file mode
# and each input partition's Kafka alerts must also equal the hand-derived golden alerts
GOLDEN=$ZW_ROOT/tests/data/golden/kafka-detect.expect
python3 "$ZW_ROOT/tests/integration/lib/zw_expect.py" "$WORK/expected.json" "$GOLDEN" >"$WORK/golden-file.txt" ||
    { cat "$WORK/golden-file.txt"; kfail "file-mode detect differs from $GOLDEN"; }
python3 - "$WORK/alerts.json" "$WORK/kalerts" <<'PY' || kfail "cannot split the Kafka alerts by partition"
import json, sys
outs = {p: open("%s.p%d" % (sys.argv[2], p), "w") for p in (0, 1)}
for l in open(sys.argv[1]):
    if l.strip():
        a = json.loads(json.loads(l)["payload"])
        p = int(a["evidences"][0]["data"]["position"].split("/")[1])
        outs[p].write(json.dumps(a) + "\n")
PY
for p in 0 1; do
    python3 "$ZW_ROOT/tests/integration/lib/zw_expect.py" "$WORK/kalerts.p$p" "$GOLDEN" >"$WORK/golden-p$p.txt" ||
        { cat "$WORK/golden-p$p.txt"; kfail "Kafka alerts of partition $p differ from $GOLDEN"; }
done
echo "55-kafka-detect: file mode and both partitions equal the golden alerts ($(grep -c '^ok' "$WORK/golden-p0.txt") expectations)"
echo "55-kafka-detect: ok"
