# tests/kafka/lib.sh - sourced by tests/integration/5x-kafka-*.sh: a private broker per
# test script (own state dir, free ports), helpers to create topics, produce record
# files, run stage processes and dump topics; an EXIT trap stops every process started
# here by PID and removes the state dir.  Not for benchmarks (bench/ has its own).
set -euo pipefail
: "${ZW_ROOT:?}" "${ZW_BIN:?}"
KDIR=$ZW_ROOT/tests/kafka
export ZW_KAFKA_STATE
ZW_KAFKA_STATE=$(mktemp -d "${TMPDIR:-/tmp}/zw-kafka-test.XXXXXX")
WORK=$ZW_KAFKA_STATE.work
mkdir -p "$WORK"
STAGE_PIDS=()

kafka_cleanup() {
    local p i
    for p in "${STAGE_PIDS[@]}"; do
        kill -TERM "$p" 2>/dev/null || true
    done
    for p in "${STAGE_PIDS[@]}"; do
        for i in $(seq 1 50); do
            kill -0 "$p" 2>/dev/null || break
            sleep 0.2
        done
        kill -KILL "$p" 2>/dev/null || true
    done
    "$KDIR/broker" stop || true
    if [ -z "${ZW_KEEP:-}" ]; then
        rm -rf "$ZW_KAFKA_STATE" "$WORK"
    else
        echo "kept $WORK" >&2
    fi
}
trap kafka_cleanup EXIT

BROKER=$("$KDIR/broker" start)
echo "broker at $BROKER"

ktopic() { "$KDIR/broker" topic "$@"; }

# kproduce TOPIC PARTITION FILE: one message per line
kproduce() {
    [ -s "$3" ] || return 0
    kcat -P -b "$BROKER" -t "$1" -p "$2" -z lz4 <"$3"
}

# kdump TOPIC OUTFILE: every committed message as one kcat JSON envelope per line
kdump() {
    kcat -C -b "$BROKER" -t "$1" -e -q -J -X isolation.level=read_committed >"$2"
}

# kcount TOPIC: committed messages in the topic
kcount() {
    kcat -C -b "$BROKER" -t "$1" -e -q -X isolation.level=read_committed -f 'x\n' | wc -l
}

# stage_start NAME ARGS...: starts `zonewarden normalize` in Kafka mode in the
# background; stderr to $WORK/NAME.log; its pid is in STAGE_PID and $WORK/NAME.pid
stage_start() {
    local name=$1
    shift
    "$ZW_BIN" "${ZW_STAGE_CMD:-normalize}" --brokers "$BROKER" "$@" 2>>"$WORK/$name.log" &
    STAGE_PID=$!
    STAGE_PIDS+=("$STAGE_PID")
    echo "$STAGE_PID" >"$WORK/$name.pid"
}

# stage_wait PID SECONDS: waits for a stage to exit; returns its status (124 on timeout)
stage_wait() {
    local pid=$1 i
    for i in $(seq 1 $(($2 * 5))); do
        if ! kill -0 "$pid" 2>/dev/null; then
            wait "$pid"
            return $?
        fi
        sleep 0.2
    done
    return 124
}

# wait_until SECONDS CMD...: polls CMD every 0.2 s
wait_until() {
    local t=$1 i
    shift
    for i in $(seq 1 $((t * 5))); do
        if "$@"; then
            return 0
        fi
        sleep 0.2
    done
    echo "timed out after ${t}s waiting for: $*" >&2
    return 1
}

kfail() {
    echo "FAIL: $*" >&2
    for f in "$WORK"/*.log; do
        [ -e "$f" ] || continue
        echo "--- $f (tail)" >&2
        tail -15 "$f" >&2
    done
    exit 1
}

# kcommitted GROUP TOPIC NPARTS: the group's committed offsets, one per partition
# (-1: none yet), space-separated
kcommitted() {
    python3 "$KDIR/kcheck.py" committed "$BROKER" "$@"
}

# committed_all GROUP TOPIC NPARTS MIN: every partition's committed offset is >= MIN
committed_all() {
    local got o
    got=$(kcommitted "$1" "$2" "$3") || return 1
    for o in $got; do
        [ "$o" -ge "$4" ] || return 1
    done
}

# kstate_covers TOPIC KEY OFFSET: the changelog topic holds a committed state record
# for KEY (group|topic|partition) whose zw-offset header is at least OFFSET
kstate_covers() {
    kcat -C -b "$BROKER" -t "$1" -e -q -J -X isolation.level=read_committed 2>/dev/null |
        python3 -c '
import json, sys
key, want = sys.argv[1], int(sys.argv[2])
best = -1
for l in sys.stdin:
    r = json.loads(l)
    h = r.get("headers") or []
    h = {h[i]: h[i + 1] for i in range(0, len(h) - 1, 2)}
    if r.get("key") == key and h.get("zw-kind") == "state":
        best = max(best, int(h.get("zw-offset", -1)))
sys.exit(0 if best >= want else 1)' "$2" "$3"
}
