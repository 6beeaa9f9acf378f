#!/usr/bin/env bash
# kafka-stage.sh - records/s through the Kafka stage against a kcat consume-to-produce
# passthrough of the same records on the same broker, in the same run.
#
#   1. starts a private broker (tests/kafka/broker: Apache Kafka from Maven Central) and
#      loads BENCH_KAFKA_RECORDS (default 200,000) generated BIND 9 lines
#      (bench/gen-bind-lines.py; BENCH_KAFKA_INPUT=real: the bundled real BIND log
#      tests/data/dns-servers/bind.log repeated instead) into an input topic of
#      BENCH_KAFKA_PARTITIONS (default 12) partitions;
#   2. BENCH_RUNS times (default 3), interleaved, each into a fresh output topic:
#        passthrough  `kcat -C -e -q -c N | kcat -P` (kcat's default buffered mode,
#                     librdkafka's default batching; not -u);
#        normalize    `zonewarden normalize --brokers` (one process, new group, OCSF out);
#        run          `zonewarden run --brokers` with the shipped detections/ compiled
#                     (skipped when none compile);
#      both sides timed the same way (issue 24): whole processes, from the moment the
#      process is started to the moment the last output is acknowledged by the broker
#      (kcat -P exits only after its final flush; zonewarden's metrics line, every
#      50 ms, where everything is consumed and nothing is in flight - its --exit-idle
#      wait is not counted); CPU and peak RSS from /usr/bin/time (the passthrough's are
#      the sum of its two processes).  Steady rate, measured identically for both: the
#      output messages' create timestamps, records between the 10th and the 90th
#      percentile divided by the time between them.  Output bytes: sum of the output
#      message sizes.  Check: the output count is N, and for a sample of 200 zonewarden
#      output events the source partition/offset headers lead to an input line whose
#      client address occurs in the event;
#      BENCH_KAFKA_PROCS=P (default 1) runs P zonewarden processes in one consumer group
#      (the multi-process mode): timed from the first start to the last process's last
#      acknowledgement, CPU and peak RSS summed over the processes;
#   3. latency: with a normalize stage running, 20,000 records are produced in 40 paced
#      chunks; end-to-end latency per record = output message timestamp - input message
#      timestamp (both create times on this machine), p50 / p99;
#   4. prints the exact commands, medians, records/s and the ratios against the issue-15
#      targets (normalize >= 80%, run >= 65% of the passthrough rate, whole process).
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
PARTS=${BENCH_KAFKA_PARTITIONS:-12}
PROCS=${BENCH_KAFKA_PROCS:-1}
export ZW_KAFKA_STATE=${ZW_KAFKA_STATE:-/tmp/zw-kafka-bench}
work=$(mktemp -d "${TMPDIR:-/tmp}/zw-bench-kafka.XXXXXX")
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
    rm -rf "$work"
}
trap cleanup EXIT
B=$("$ROOT/tests/kafka/broker" start)
topic() { "$ROOT/tests/kafka/broker" topic "$@"; }
count() { kcat -C -b "$B" -t "$1" -e -q -X isolation.level=read_committed -f 'x\n' | wc -l; }

if [ "${BENCH_KAFKA_INPUT:-gen}" = real ]; then
    python3 -c 'import sys
l = [x for x in open(sys.argv[1]) if x.strip()]
sys.stdout.writelines(l[i % len(l)] for i in range(int(sys.argv[2])))' "$ROOT/tests/data/dns-servers/bind.log" "$N" >"$work/bind.log"
else
    python3 "$ROOT/bench/gen-bind-lines.py" "$N" 1 >"$work/bind.log"
fi
topic in "$PARTS"
topic dlq 1
topic alerts "$PARTS"
topic lat-in "$PARTS"
topic lat-out "$PARTS"
kcat -P -b "$B" -t in -z lz4 <"$work/bind.log"
loaded=$(count in)
[ "$loaded" -eq "$N" ] || { echo "bench: loaded $loaded of $N records" >&2; exit 1; }

rules=
if ls "$ROOT"/detections/*.yml >/dev/null 2>&1 &&
    "$ZW_BIN" compile "$ROOT/detections" -o "$work/rules.zwt" >/dev/null 2>&1; then
    rules=$work/rules.zwt
fi

now() { date +%s.%N; }
# last_ack METRICS [COUNT]: epoch seconds of the first metrics line with COUNT (default
# N; with several processes, the process's final count) consumed and nothing in flight
last_ack() {
    python3 - "$1" "${2:-$N}" <<'PY'
import json, sys
from datetime import datetime, timezone
n = int(sys.argv[2])
for l in open(sys.argv[1]):
    if not l.startswith("{"):
        continue
    r = json.loads(l)
    if r["consumed"] >= n and r["in_flight"] == 0:
        t = datetime.strptime(r["time"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
        print("%.3f" % t.timestamp())
        sys.exit(0)
sys.exit("stage never finished")
PY
}
# record NAME RUN WALL CPU RSS TOPIC: appends "wall cpu rss bytes steady count" to NAME.runs
record() {
    kcat -C -b "$B" -t "$6" -e -q -f '%T %S\n' >"$work/$1-$2.ts"
    python3 - "$work/$1-$2.ts" "$3" "$4" "$5" >>"$work/$1.runs" <<'PY'
import sys
rows = [tuple(map(int, l.split())) for l in open(sys.argv[1]) if l.strip()]
ts = sorted(r[0] for r in rows)
by = sum(r[1] for r in rows)
lo, hi = ts[len(ts) // 10], ts[(len(ts) * 9) // 10]
steady = (len(ts) * 8 // 10) / max((hi - lo) / 1000.0, 1e-3)
print("%s %s %s %d %.0f %d" % (sys.argv[2], sys.argv[3], sys.argv[4], by, steady, len(ts)))
PY
}
showcmd() { [ -e "$work/$1.cmd" ] || { echo "$2" >"$work/$1.cmd"; echo "  command [$1]: $2"; }; }

run_stage() { # MODE RUN: PROCS processes in one consumer group
    local mode=$1 i=$2 extra=() t0 t1 u s m k sum=0 cpu=0 rss=0 c tk spids=()
    if [ "$mode" = run ]; then
        extra=(--rules "$rules" --alert-topic alerts)
    fi
    topic "out-$mode-$i" "$PARTS"
    t0=$(now)
    for k in $(seq 1 "$PROCS"); do
        local cmd=("$ZW_BIN" "$mode" --brokers "$B" --group "bench-$mode-$i" --input-topic in:bind
            --output-topic "out-$mode-$i" --dlq-topic dlq "${extra[@]}" --metrics-interval 50
            --metrics-file "$work/$mode-$i-$k.metrics" --exit-idle 1500)
        [ "$k" = 1 ] && showcmd "$mode" "${cmd[*]}$([ "$PROCS" -gt 1 ] && echo " (x$PROCS processes, one group)")"
        /usr/bin/time -f '%U %S %M' -o "$work/$mode-$i-$k.cpu" "${cmd[@]}" 2>"$work/$mode-$i-$k.log" &
        spids+=("$!")
        pids+=("$!")
    done
    for k in $(seq 1 "$PROCS"); do
        wait "${spids[$((k - 1))]}" || { tail -5 "$work/$mode-$i-$k.log" >&2; return 1; }
    done
    t1=0
    for k in $(seq 1 "$PROCS"); do
        c=$(sed -n 's/.*consumed \([0-9]*\),.*/\1/p' "$work/$mode-$i-$k.log" | tail -1)
        sum=$((sum + ${c:-0}))
        if [ "${c:-0}" -gt 0 ]; then
            tk=$(last_ack "$work/$mode-$i-$k.metrics" "$c") || return 1
            t1=$(python3 -c "print(max($t1, $tk))")
        fi
        read -r u s m <"$work/$mode-$i-$k.cpu"
        cpu=$(python3 -c "print('%.3f' % ($cpu + $u + $s))")
        rss=$((rss + m))
    done
    [ "$sum" -ge "$N" ] || { echo "bench: $mode consumed $sum of $N" >&2; return 1; }
    record "$mode" "$i" "$(python3 -c "print('%.3f' % ($t1 - $t0))")" "$cpu" "$rss" "out-$mode-$i"
}

run_pass() { # RUN
    local t0 t1 i=$1 u1 s1 m1 u2 s2 m2
    topic "pass-$i" "$PARTS"
    showcmd pass "kcat -C -b $B -t in -o beginning -e -q -c $N | kcat -P -b $B -t pass-RUN"
    t0=$(now)
    /usr/bin/time -f '%U %S %M' -o "$work/pass-c-$i.cpu" kcat -C -b "$B" -t in -o beginning -e -q -c "$N" |
        /usr/bin/time -f '%U %S %M' -o "$work/pass-p-$i.cpu" kcat -P -b "$B" -t "pass-$i"
    t1=$(now)
    read -r u1 s1 m1 <"$work/pass-c-$i.cpu"
    read -r u2 s2 m2 <"$work/pass-p-$i.cpu"
    record pass "$i" "$(python3 -c "print('%.3f' % ($t1 - $t0))")" \
        "$(python3 -c "print('%.3f' % ($u1 + $s1 + $u2 + $s2))")" $((m1 + m2)) "pass-$i"
}

# check: a sample of zonewarden output events against the input lines they came from
check_sample() { # TOPIC
    kcat -C -b "$B" -t in -e -q -f '%p %o %s\n' >"$work/in.idx"
    kcat -C -b "$B" -t "$1" -e -q -c 2000 -J >"$work/sample.json"
    python3 - "$work/in.idx" "$work/sample.json" <<'PY'
import json, re, sys
src = {}
for l in open(sys.argv[1], errors="replace"):
    p, o, line = l.rstrip("\n").split(" ", 2)
    src[(int(p), int(o))] = line
n = ok = 0
for l in open(sys.argv[2]):
    m = json.loads(l)
    h = m["headers"]; h = {h[i]: h[i + 1] for i in range(0, len(h), 2)}
    line = src.get((int(h["zw-source-partition"]), int(h["zw-source-offset"])), "")
    ip = re.search(r"client (?:@\S+ )?([0-9a-fA-F.:]+)#", line)
    n += 1
    if ip and ip.group(1) in m["payload"]:
        ok += 1
    elif not ip:
        ok += 1
    if n >= 200:
        break
print("  check: %d sampled zonewarden events, %d carry the client address of their input line" % (n, ok))
sys.exit(0 if n and ok == n else 1)
PY
}

for i in $(seq 1 "$RUNS"); do
    run_pass "$i"
    run_stage normalize "$i"
    if [ -n "$rules" ]; then
        run_stage run "$i"
    fi
done
check_sample out-normalize-1 || { echo "bench: sample check failed" >&2; exit 1; }

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

python3 - "$N" "$work/lat-in.txt" "$work/lat-out.json" "$PARTS" "${BENCH_STRICT:-0}" "$work" <<'PY'
import json, os, statistics, sys
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
parts, strict, work = int(sys.argv[4]), sys.argv[5], sys.argv[6]
def load(name):
    f = "%s/%s.runs" % (work, name)
    if not os.path.exists(f):
        return None
    rows = [list(map(float, l.split())) for l in open(f) if l.strip()]
    return [statistics.median(r[i] for r in rows) for i in range(6)] + [len(rows)]
print("kafka-stage: %d BIND lines, %d partitions, zonewarden processes per stage: %s, medians of runs (whole process, start to last output acknowledged)"
      % (n, parts, os.environ.get("BENCH_KAFKA_PROCS", "1")))
ok = True
targets = {"normalize": 0.80, "run": 0.65}
p = load("pass")
if p[5] < n:
    print("  passthrough wrote %d of %d records" % (p[5], n)); ok = False
for name in ("pass", "normalize", "run"):
    r = load(name)
    if r is None:
        continue
    wall, cpu, rss, by, steady, cnt, runs = r
    line = "  %-10s wall %7.3f s %9.0f records/s  CPU %6.2f s  peak RSS %6.1f MB  output %d bytes (%d records)  steady %9.0f records/s" % (
        name, wall, n / wall, cpu, rss / 1024, by, cnt, steady)
    if name in targets:
        ratio = p[0] / wall
        met = ratio >= targets[name]
        ok &= met
        line += "\n             %.2fx passthrough by wall (target %.2f: %s), steady %.2fx, CPU seconds %.2fx the passthrough's" % (
            ratio, targets[name], "met" if met else "MISSED", steady / p[4], cpu / p[1])
        if name == "normalize" and cnt < n:
            line += "  OUTPUT COUNT %d < %d" % (cnt, n); ok = False
    print(line)
if lat:
    q = lambda f: lat[min(len(lat) - 1, int(f * len(lat)))]
    print("  end-to-end latency (normalize, %d paced records): p50 %d ms, p99 %d ms, max %d ms"
          % (len(lat), q(0.50), q(0.99), lat[-1]))
else:
    print("  latency: no outputs matched")
    ok = False
if strict == "1" and not ok:
    sys.exit(1)
PY
