#!/usr/bin/env bash
# kafka-stage.sh - records/s through the Kafka stage against a kcat consume-to-produce
# passthrough of the same records on the same broker, in the same run.
#
#   1. starts a private broker (tests/kafka/broker: Apache Kafka from Maven Central) and
#      loads BENCH_KAFKA_RECORDS (default 200,000) generated BIND 9 lines
#      (bench/gen-bind-lines.py) into a 4-partition input topic;
#   2. BENCH_RUNS times (default 3), interleaved:
#        passthrough  `kcat -C -e -u | kcat -P` from the input topic to another topic;
#        normalize    `zonewarden normalize --brokers` (one process, new group, OCSF out);
#        run          `zonewarden run --brokers` with the shipped detections/ compiled
#                     (skipped when none compile);
#      each time from its first record to its last acknowledged output: the stage's
#      metrics lines (every 50 ms) for zonewarden, wall time for kcat;
#   3. latency: with a normalize stage running, 20,000 records are produced in 40 paced
#      chunks; end-to-end latency per record = output message timestamp - input message
#      timestamp (both create times on this machine), p50 / p99;
#   4. prints medians, records/s and the ratios against the targets (normalize >= 70%,
#      run >= 50% of the passthrough rate).
# Exit: 0 when everything ran and every output count was right (BENCH_STRICT=1: and the
# targets were met).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ZW_BIN=${ZW_BIN:-$ROOT/build/release/zonewarden}
N=${BENCH_KAFKA_RECORDS:-200000}
RUNS=${BENCH_RUNS:-3}
for tool in kcat python3 java mvn "$ZW_BIN"; do
    command -v "$tool" >/dev/null || {
        echo "bench: $tool missing (scripts/install-deps.sh; make)" >&2
        exit 1
    }
done
export ZW_KAFKA_STATE
ZW_KAFKA_STATE=$(mktemp -d "${TMPDIR:-/tmp}/zw-bench-kafka.XXXXXX")
work=$ZW_KAFKA_STATE.work
mkdir -p "$work"
pids=()
cleanup() {
    for p in "${pids[@]}"; do
        kill -TERM "$p" 2>/dev/null || true
    done
    sleep 1
    for p in "${pids[@]}"; do
        kill -KILL "$p" 2>/dev/null || true
    done
    "$ROOT/tests/kafka/broker" stop || true
    rm -rf "$ZW_KAFKA_STATE" "$work"
}
trap cleanup EXIT
B=$("$ROOT/tests/kafka/broker" start)
topic() { "$ROOT/tests/kafka/broker" topic "$@"; }
count() { kcat -C -b "$B" -t "$1" -e -q -X isolation.level=read_committed -f 'x\n' | wc -l; }

python3 "$ROOT/bench/gen-bind-lines.py" "$N" 1 >"$work/bind.log"
topic in 4
topic pass 4
topic out 4
topic dlq 1
topic alerts 4
topic lat-in 4
topic lat-out 4
kcat -P -b "$B" -t in -z lz4 <"$work/bind.log"
loaded=$(count in)
[ "$loaded" -eq "$N" ] || { echo "bench: loaded $loaded of $N records" >&2; exit 1; }

rules=
if ls "$ROOT"/detections/*.yml >/dev/null 2>&1 &&
    "$ZW_BIN" compile "$ROOT/detections" -o "$work/rules.zwt" >/dev/null 2>&1; then
    rules=$work/rules.zwt
fi

# seconds from the first metrics line with consumed > 0 to the first with everything
# consumed and acknowledged
stage_secs() {
    python3 - "$1" "$N" <<'PY'
import json, sys
from datetime import datetime
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
n = int(sys.argv[2])
t = lambda r: datetime.strptime(r["time"], "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()
start = next((t(r) for r in rows if r["consumed"] > 0), None)
# the line before the first consumption bounds the start from below
prev = [t(r) for r in rows if r["consumed"] == 0]
if prev and start is not None:
    start = (start + max(x for x in prev if x <= start)) / 2
end = next((t(r) for r in rows if r["consumed"] >= n and r["in_flight"] == 0), None)
if start is None or end is None:
    sys.exit("stage never finished (consumed %s)" % (rows[-1]["consumed"] if rows else 0))
print("%.3f" % max(end - start, 0.001))
PY
}

run_stage() { # MODE RUN
    local mode=$1 i=$2 extra=()
    if [ "$mode" = run ]; then
        extra=(--rules "$rules" --alert-topic alerts)
    fi
    /usr/bin/time -f '%U %S' -o "$work/$mode-$i.cpu" \
        "$ZW_BIN" "$mode" --brokers "$B" --group "bench-$mode-$i" --input-topic in:bind \
        --output-topic out --dlq-topic dlq "${extra[@]}" --metrics-interval 50 \
        --metrics-file "$work/$mode-$i.metrics" --exit-idle 1500 2>"$work/$mode-$i.log" &
    local pid=$!
    pids+=("$pid")
    wait "$pid" || { tail -5 "$work/$mode-$i.log" >&2; return 1; }
    grep -q "consumed $N," "$work/$mode-$i.log" || { tail -2 "$work/$mode-$i.log" >&2; return 1; }
    stage_secs "$work/$mode-$i.metrics"
}

run_pass() { # RUN
    local t0 t1 i=$1
    t0=$(date +%s.%N)
    /usr/bin/time -f '%U %S' -o "$work/pass-c-$i.cpu" kcat -C -b "$B" -t in -o beginning -e -q -u -c "$N" |
        /usr/bin/time -f '%U %S' -o "$work/pass-p-$i.cpu" kcat -P -b "$B" -t pass
    t1=$(date +%s.%N)
    python3 -c "print('%.3f' % ($t1 - $t0))"
}

declare -A secs
for i in $(seq 1 "$RUNS"); do
    t=$(run_pass "$i")
    secs[pass]+="$t "
    t=$(run_stage normalize "$i")
    secs[normalize]+="$t "
    if [ -n "$rules" ]; then
        t=$(run_stage run "$i")
        secs[run]+="$t "
    fi
done
[ "$(count pass)" -eq $((N * RUNS)) ] || { echo "bench: passthrough lost records" >&2; exit 1; }

# latency: paced input to a running stage
"$ZW_BIN" normalize --brokers "$B" --group bench-lat --input-topic lat-in:bind \
    --output-topic lat-out --dlq-topic dlq --exit-idle 4000 --metrics-interval 100 \
    --metrics-file "$work/lat.metrics" 2>"$work/lat.log" &
lat_pid=$!
pids+=("$lat_pid")
head -20000 "$work/bind.log" >"$work/lat.data"
split -n l/40 -d -a 2 "$work/lat.data" "$work/lat."
for _ in $(seq 1 150); do # group join, at most 30 s
    grep -q '"assigned_partitions":[1-9]' "$work/lat.metrics" 2>/dev/null && break
    sleep 0.2
done
for f in "$work"/lat.[0-9][0-9]; do
    kcat -P -b "$B" -t lat-in <"$f"
    sleep 0.05
done
wait "$lat_pid" || true
kcat -C -b "$B" -t lat-in -e -q -f '%p %o %T\n' >"$work/lat-in.txt"
kcat -C -b "$B" -t lat-out -e -q -J >"$work/lat-out.json"

python3 - "$N" "$work/lat-in.txt" "$work/lat-out.json" "${secs[pass]}" "${secs[normalize]}" \
    "${secs[run]:-}" "${BENCH_STRICT:-0}" "$work" <<'PY'
import glob, json, statistics, sys
n = int(sys.argv[1])
ts = {}
for l in open(sys.argv[2]):
    p, o, t = l.split()
    ts[(int(p), int(o))] = int(t)
lat = []
for l in open(sys.argv[3]):
    m = json.loads(l)
    h = m["headers"]
    h = {h[i]: h[i + 1] for i in range(0, len(h), 2)}
    k = (int(h["zw-source-partition"]), int(h["zw-source-offset"]))
    if k in ts:
        lat.append(m["ts"] - ts[k])
lat.sort()
med = lambda s: statistics.median(float(x) for x in s.split())
p = med(sys.argv[4])
rows = [("kcat passthrough", p)]
rows.append(("zonewarden normalize", med(sys.argv[5])))
if sys.argv[6].strip():
    rows.append(("zonewarden run", med(sys.argv[6])))
print("kafka-stage: %d BIND lines, one process each, medians of %d runs" % (n, len(sys.argv[4].split())))
ok = True
targets = {"zonewarden normalize": 0.70, "zonewarden run": 0.50}
def cpu(pattern):
    runs = {}
    for f in glob.glob(sys.argv[8] + "/" + pattern):
        run = f.rsplit("-", 1)[1]
        runs[run] = runs.get(run, 0) + sum(float(x) for x in open(f).read().split()[:2])
    return statistics.median(runs.values()) if runs else float("nan")
cpus = {"kcat passthrough": cpu("pass-?-*.cpu"), "zonewarden normalize": cpu("normalize-*.cpu"),
        "zonewarden run": cpu("run-*.cpu")}
for name, s in rows:
    r = n / s
    line = "  %-22s %7.3f s  %9.0f records/s  (CPU %.2f s)" % (name, s, r, cpus[name])
    if name in targets:
        ratio = r / (n / p)
        met = ratio >= targets[name]
        ok &= met
        line += "  %.2fx passthrough (target %.2f: %s)" % (ratio, targets[name], "met" if met else "missed")
    print(line)
if lat:
    q = lambda f: lat[min(len(lat) - 1, int(f * len(lat)))]
    print("  end-to-end latency (normalize, %d paced records): p50 %d ms, p99 %d ms, max %d ms"
          % (len(lat), q(0.50), q(0.99), lat[-1]))
else:
    print("  latency: no outputs matched")
    ok = False
if sys.argv[7] == "1" and not ok:
    sys.exit(1)
PY
