#!/usr/bin/env bash
# cloudtrail-jq.sh - zonewarden's CloudTrail normalizer against jq doing the equivalent
# mapping (bench/cloudtrail.jq), on the same generated CloudTrail Route 53 events, in the
# same run, on one core.
#
#   1. generates BENCH_EVENTS (default 100,000) CloudTrail events, one per line
#      (bench/gen-cloudtrail.py: ChangeResourceRecordSets with 1-4 changes, failed
#      calls, other Route 53 / Route 53 Domains calls);
#   2. checks on the first 2,000 events that both produce the same number of output
#      events and the same values for the mapped fields (time, operation, request uid,
#      activity, actor, source, status, zone id, record name / type / TTL / values);
#   3. times `zonewarden normalize -o /dev/null` and `jq -c -f bench/cloudtrail.jq
#      >/dev/null` BENCH_RUNS times each (default 3, interleaved), pinned to one CPU;
#   4. prints the medians (CPU seconds, user + system), input events/s and output
#      (record-change) events/s, and the ratio against the target (>= 5x jq).
# Exit: 0 when both tools ran and agreed (BENCH_STRICT=1: and the target was met).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ZW_BIN=${ZW_BIN:-$ROOT/build/release/zonewarden}
EVENTS=${BENCH_EVENTS:-100000}
RUNS=${BENCH_RUNS:-3}
CPU=${BENCH_CPU:-0}
JQ_PROG=$ROOT/bench/cloudtrail.jq
TARGET_RATIO=5

for tool in jq taskset python3 /usr/bin/time "$ZW_BIN"; do
    command -v "$tool" >/dev/null || {
        echo "bench: $tool missing (scripts/install-deps.sh; make)" >&2
        exit 1
    }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/zw-bench-ct.XXXXXX")
trap 'rm -rf "$work"' EXIT
in=$work/cloudtrail.jsonl
python3 "$ROOT/bench/gen-cloudtrail.py" "$EVENTS" 1 >"$in"
mb=$(($(stat -c %s "$in") / 1048576))

# --- correctness first: same events, same values
head -n 2000 "$in" >"$work/check.jsonl"
"$ZW_BIN" normalize --quiet --dlq "$work/dlq" -o "$work/zw.out" "$work/check.jsonl"
jq -c -f "$JQ_PROG" "$work/check.jsonl" >"$work/jq.out"
if [ -s "$work/dlq" ]; then
    echo "bench: zonewarden dead-lettered records: $(head -c 300 "$work/dlq")" >&2
    exit 1
fi
python3 - "$work/zw.out" "$work/jq.out" <<'PY' || exit 1
import json, sys
zw = [json.loads(l) for l in open(sys.argv[1])]
jq = [json.loads(l) for l in open(sys.argv[2])]
if len(zw) != len(jq) or not zw:
    sys.exit("bench: zonewarden emitted %d events, jq %d" % (len(zw), len(jq)))
def get(o, path):
    for k in path.split("."):
        if isinstance(o, list):
            o = o[0] if o else None
        if not isinstance(o, dict):
            return None
        o = o.get(k)
    return o
fields = ["time", "class_uid", "activity_id", "type_uid", "status_id", "api.operation", "api.request.uid",
          "api.service.name", "api.response.error", "metadata.correlation_uid", "actor.user.uid",
          "actor.user.name", "actor.user.type", "actor.user.credential_uid", "actor.session.issuer",
          "src_endpoint.ip", "http_request.user_agent", "cloud.account.uid", "cloud.region",
          "resources.uid", "unmapped.change.action", "unmapped.record.name", "unmapped.record.type",
          "unmapped.record.ttl", "unmapped.record.old_ttl", "unmapped.record.values",
          "unmapped.record.old_values", "unmapped.record.alias_target"]
bad = 0
for i, (a, b) in enumerate(zip(zw, jq)):
    for f in fields:
        x, y = get(a, f), get(b, f)
        if x in ([], None) and y in ([], None):
            continue
        if x != y:
            bad += 1
            if bad <= 5:
                print("bench: event %d field %s: zonewarden %r, jq %r" % (i, f, x, y), file=sys.stderr)
if bad:
    sys.exit("bench: %d field differences" % bad)
print("check: %d events from 2000 CloudTrail records agree on %d fields" % (len(zw), len(fields)))
PY
outn=$("$ZW_BIN" normalize -o /dev/null "$in" 2>&1 | sed -n 's/.*emitted \([0-9]*\) events.*/\1/p')

cpu_secs() { # prints user+system CPU seconds of the command
    /usr/bin/time -f '%U %S' -o "$work/t" taskset -c "$CPU" "$@" >/dev/null 2>"$work/err" || {
        echo "bench: $* failed: $(head -c 300 "$work/err")" >&2
        exit 1
    }
    awk '{printf "%.2f\n", $1 + $2}' "$work/t"
}
zw_t=()
jq_t=()
for _ in $(seq "$RUNS"); do
    zw_t+=("$(cpu_secs "$ZW_BIN" normalize --quiet -o /dev/null "$in")")
    jq_t+=("$(cpu_secs jq -c -f "$JQ_PROG" "$in")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
zw_m=$(median "${zw_t[@]}")
jq_m=$(median "${jq_t[@]}")
awk -v n="$EVENTS" -v o="$outn" -v z="$zw_m" -v j="$jq_m" -v mb="$mb" -v t="$TARGET_RATIO" \
    -v zr="${zw_t[*]}" -v jr="${jq_t[*]}" 'BEGIN {
    printf "input: %d CloudTrail events (%d MB), %d record-change events out\n", n, mb, o
    printf "jq         median %6.2f s CPU (runs: %s)  %9.0f events/s in  %9.0f out\n", j, jr, n / j, o / j
    printf "zonewarden median %6.2f s CPU (runs: %s)  %9.0f events/s in  %9.0f out\n", z, zr, n / z, o / z
    r = j / z
    printf "ratio: %.1fx jq (target %dx: %s)\n", r, t, ((r >= t) ? "met" : "missed")
    exit (r >= t ? 0 : 3)
}' && met=1 || met=0
if [ "${BENCH_STRICT:-0}" = 1 ] && [ "$met" = 0 ]; then
    exit 1
fi
exit 0
