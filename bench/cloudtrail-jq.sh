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
#   3. times `zonewarden normalize -` and `jq -c -f bench/cloudtrail.jq` BENCH_RUNS
#      times each (default 3, interleaved), pinned to one CPU, both as whole processes
#      with stdin from the file and stdout to a file (bench/lib.sh: wall, CPU, peak RSS,
#      output bytes);
#   4. the same on a second input not made by the generator: the bundled CloudTrail
#      records (tests/data/providers/aws-cloudtrail, tests/data/e2e-providers), one per
#      line, those both map (jq's program stops at some edge cases; zonewarden
#      dead-letters records that are not Route 53 API calls), repeated
#      to BENCH_REAL_EVENTS (default 50,000);
#   5. prints the exact commands, medians, events/s, and the ratio against the issue-15
#      target (>= 12x jq by CPU).
# Exit: 0 when both tools ran and agreed (BENCH_STRICT=1: and the target was met).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ZW_BIN=${ZW_BIN:-$ROOT/build/release/zonewarden}
EVENTS=${BENCH_EVENTS:-100000}
RUNS=${BENCH_RUNS:-3}
CPU=${BENCH_CPU:-0}
JQ_PROG=$ROOT/bench/cloudtrail.jq
TARGET_RATIO=12
REAL=${BENCH_REAL_EVENTS:-50000}
export BENCH_CPU=$CPU
. "$ROOT/bench/lib.sh"

for tool in jq taskset python3 /usr/bin/time "$ZW_BIN"; do
    command -v "$tool" >/dev/null || {
        echo "bench: $tool missing (scripts/install-deps.sh; make)" >&2
        exit 1
    }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/zw-bench-ct.XXXXXX")
trap 'rm -rf "$work"' EXIT
check() { # IN: the first 2000 records, same events and values from both
    local in=$1
# --- correctness first: same events, same values
head -n 2000 "$in" >"$work/check.jsonl"
rm -f "$work/dlq"
"$ZW_BIN" normalize --quiet --dlq "$work/dlq" -o "$work/zw.out" "$work/check.jsonl"
jq -c -f "$JQ_PROG" "$work/check.jsonl" >"$work/jq.out"
if [ -s "$work/dlq" ]; then
    echo "bench: zonewarden dead-lettered records: $(head -c 300 "$work/dlq")" >&2
    exit 1
fi
python3 - "$work/zw.out" "$work/jq.out" <<'PY' || return 1
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
print("check: %d events from the first 2000 CloudTrail records agree on %d fields" % (len(zw), len(fields)))
PY
}
real_records() { # OUT N: the bundled CloudTrail records jq's program maps, repeated to N
    python3 - "$ROOT" "$JQ_PROG" "$1" "$2" "$ZW_BIN" "$work" <<'PY'
import glob, json, os, subprocess, sys
root, prog, out, n, zw, work = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6]
def zw_maps(r):
    with open(work + "/one.jsonl", "w") as f:
        f.write(r + "\n")
    dlq = work + "/one.dlq"
    if os.path.exists(dlq):
        os.remove(dlq)
    rc = subprocess.run([zw, "normalize", "--quiet", "--dlq", dlq, "-o", "/dev/null", work + "/one.jsonl"],
                        capture_output=True).returncode
    return rc == 0 and (not os.path.exists(dlq) or os.path.getsize(dlq) == 0)
recs = []
for f in sorted(glob.glob(root + "/tests/data/providers/aws-cloudtrail/*.json*")) + [root + "/tests/data/e2e-providers/cloudtrail.json"]:
    if f.endswith(".gz"):
        continue
    t = open(f).read()
    try:
        objs = [json.loads(t)]
    except ValueError:
        objs = []
        for l in t.splitlines():
            try:
                objs.append(json.loads(l))
            except ValueError:
                pass
    for o in objs:
        for r in (o.get("Records", [o]) if isinstance(o, dict) else []):
            if isinstance(r, dict) and "eventName" in r:
                recs.append(json.dumps(r, separators=(",", ":")))
keep = [r for r in recs if subprocess.run(["jq", "-c", "-f", prog], input=r.encode(),
        capture_output=True).returncode == 0 and zw_maps(r)]
print("real input: %d bundled CloudTrail records, %d mapped by both (jq's program stops at some edge cases, zonewarden dead-letters others), repeated to %d" % (len(recs), len(keep), n))
with open(out, "w") as f:
    for i in range(n):
        f.write(keep[i % len(keep)] + "\n")
PY
}
fail=0
for set in generated real; do
    d=$work/$set
    mkdir -p "$d"
    in=$d/cloudtrail.jsonl
    if [ "$set" = generated ]; then
        python3 "$ROOT/bench/gen-cloudtrail.py" "$EVENTS" 1 >"$in"
    else
        real_records "$in" "$REAL"
    fi
    n=$(wc -l <"$in")
    echo "== $set: $n CloudTrail records ($(($(stat -c %s "$in") / 1024)) KiB)"
    if ! check "$in"; then
        [ "$set" = real ] || exit 1
        echo "  (real input: the differences above are where bench/cloudtrail.jq maps less than zonewarden - resolver rule ids, private zones, octal-escaped names; timing continues, counts are still compared)"
    fi
    for _ in $(seq "$RUNS"); do
        bt_run "$d" jq "$in" "$d/jq.full" jq -c -f "$JQ_PROG" || { echo "bench: jq failed: $(head -3 "$d/jq.err")" >&2; exit 1; }
        bt_run "$d" zonewarden "$in" "$d/zw.full" "$ZW_BIN" normalize --quiet - || {
            echo "bench: zonewarden failed: $(head -3 "$d/zonewarden.err")" >&2; exit 1; }
    done
    echo "  output events: jq $(wc -l <"$d/jq.full"), zonewarden $(wc -l <"$d/zw.full")"
    [ "$(wc -l <"$d/jq.full")" = "$(wc -l <"$d/zw.full")" ] || { echo "bench: output counts differ" >&2; exit 1; }
    bt_report "$d" "$n" records jq zonewarden "$TARGET_RATIO" || fail=1
done
if [ "${BENCH_STRICT:-0}" = 1 ] && [ "$fail" = 1 ]; then
    exit 1
fi
exit 0
