#!/usr/bin/env bash
# 51-kafka-faults.sh - the Kafka stage under faults, on a real broker:
#   A  kill -9 mid-stream, restart: every input record has its output (at-least-once)
#   B  the same with --eos: a read_committed consumer sees each output exactly once
#   C  broker restart while the stage runs: it recovers by itself, nothing is lost
#   D  output topic missing: the stage stops with a clear fatal error, exit status 1
# Each input record yields exactly one output (an event or a dead letter).
set -euo pipefail
. "$ZW_ROOT/tests/kafka/lib.sh"
K="python3 $KDIR/kcheck.py"
N=${ZW_KAFKA_FAULT_RECORDS:-40000}

# input: alternate a server log line that gives exactly one event with a junk line
ev_line=
for fmt in $("$ZW_BIN" formats | awk '{print $1}'); do
    f=$ZW_ROOT/tests/data/dns-servers/$fmt.log
    [ -f "$f" ] || continue
    ev_line=$("$ZW_BIN" normalize --quiet --format "$fmt" "$f" | python3 -c '
import json, sys, collections
c = collections.Counter(json.loads(l)["unmapped"]["position"]["line"] for l in sys.stdin)
ones = sorted(n for n, k in c.items() if k == 1)
print(ones[0] if ones else "")')
    if [ -n "$ev_line" ]; then
        sed -n "${ev_line}p" "$f" >"$WORK/ev.line"
        echo "event line: $fmt line $ev_line"
        break
    fi
done
python3 - "$WORK/faults.txt" "$N" "$WORK/ev.line" <<'PY'
import os, sys
path, n, evp = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ev = open(evp).read().rstrip("\n") if os.path.exists(evp) else ""
with open(path, "w") as f:
    for i in range(n):
        f.write((ev if ev and i % 2 == 0 else "junk record number %d" % i) + "\n")
PY

# scenario NAME: creates topics NAME-in (4), NAME-out (4), NAME-dlq (2), a manifest, and
# 10 chunks per partition in $WORK/NAME/
prepare() {
    local s=$1
    ktopic "$s-in" 4
    ktopic "$s-out" 4
    ktopic "$s-dlq" 2
    mkdir -p "$WORK/$s"
    $K split "$WORK/faults.txt" "$s-in" 4 "$WORK/$s"
    for p in 0 1 2 3; do
        split -l $((N / 40)) -d -a 2 "$WORK/$s/$s-in.p$p" "$WORK/$s/chunk.p$p."
    done
}
produce_chunks() { # NAME FROM TO
    local c p
    for c in $(seq -f '%02g' "$2" "$3"); do
        for p in 0 1 2 3; do
            if [ -f "$WORK/$1/chunk.p$p.$c" ]; then
                kproduce "$1-in" "$p" "$WORK/$1/chunk.p$p.$c" || kfail "$1: producing chunk $c failed"
            fi
        done
        sleep 0.2
    done
}
consumed_now() { # METRICSFILE MIN
    [ -f "$1" ] && python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
sys.exit(0 if rows and rows[-1]["consumed"] >= int(sys.argv[2]) else 1)' "$1" "$2"
}
verify() { # NAME [--exactly-once]
    local have
    have=$(kcount "$1-in")
    [ "$have" -eq "$N" ] || kfail "$1: the input topic holds $have of $N records (producer side)"
    kdump "$1-out" "$WORK/$1/out.json"
    kdump "$1-dlq" "$WORK/$1/dlq.json"
    $K cover "$WORK/$1/manifest.jsonl" "$WORK/$1/out.json" "$WORK/$1/dlq.json" "${@:2}" ||
        kfail "scenario $1"
}
# static membership (group.instance.id): a restarted member takes over its partitions at
# once instead of waiting session.timeout.ms for the killed one to be declared dead
args() { # NAME
    echo --group "g-$1" --input-topic "$1-in" --output-topic "$1-out" --dlq-topic "$1-dlq" \
        --metrics-interval 200 -X topic.metadata.refresh.interval.ms=2000 \
        -X "consumer.group.instance.id=member-$1"
}

# ZW_FAULTS selects scenarios (default all)
want() { case " ${ZW_FAULTS:-A B C D} " in *" $1 "*) return 0 ;; esac; return 1; }

# --- A: kill -9 mid-stream, at-least-once
if want A; then
prepare A
# shellcheck disable=SC2046
stage_start A1 $(args A) --metrics-file "$WORK/A1.metrics"
pid=$STAGE_PID
produce_chunks A 0 4
wait_until 30 consumed_now "$WORK/A1.metrics" 1 || kfail "A: nothing consumed"
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
echo "A: killed stage after $(tail -1 "$WORK/A1.metrics" | grep -o '"consumed":[0-9]*')"
produce_chunks A 5 9
# shellcheck disable=SC2046
stage_start A2 $(args A) --exit-idle 4000
stage_wait "$STAGE_PID" 120 || kfail "A: restarted stage exited with $?"
verify A
fi

# --- B: kill -9 mid-stream, exactly-once
if want B; then
prepare B
# shellcheck disable=SC2046
stage_start B1 $(args B) --eos --transactional-id zw-test-B --metrics-file "$WORK/B1.metrics"
pid=$STAGE_PID
produce_chunks B 0 4
wait_until 30 consumed_now "$WORK/B1.metrics" 1 || kfail "B: nothing consumed"
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
echo "B: killed stage after $(tail -1 "$WORK/B1.metrics" | grep -o '"consumed":[0-9]*')"
produce_chunks B 5 9
# the same transactional id fences the dead instance and aborts its open transaction
# shellcheck disable=SC2046
stage_start B2 $(args B) --eos --transactional-id zw-test-B --exit-idle 4000
stage_wait "$STAGE_PID" 120 || kfail "B: restarted stage exited with $?"
verify B --exactly-once
fi

# --- C: broker restart during the run
if want C; then
prepare C
# shellcheck disable=SC2046
stage_start C1 $(args C) --exit-idle 20000 --metrics-file "$WORK/C1.metrics"
pid=$STAGE_PID
produce_chunks C 0 4
wait_until 30 consumed_now "$WORK/C1.metrics" 1 || kfail "C: nothing consumed"
"$KDIR/broker" restart >/dev/null || kfail "C: broker restart failed"
# the broker accepts requests before every partition has its leader back
leaders() { [ "$(kcat -b "$BROKER" -L -t C-in 2>/dev/null | grep -c 'leader 1,')" -eq 4 ]; }
wait_until 60 leaders || kfail "C: partitions without a leader after the restart"
echo "C: broker restarted"
produce_chunks C 5 9
stage_wait "$pid" 150 || kfail "C: stage exited with $? after the broker restart"
verify C
fi

# --- D: fatal error path
if want D; then
ktopic D-in 1
echo "junk" | kcat -P -b "$BROKER" -t D-in
stage_start D1 --group g-D --input-topic D-in --output-topic D-missing --dlq-topic D-missing-too \
    -X producer.message.timeout.ms=3000
# docs/KAFKA.md: a fatal error stops the stage with exit status 1.  Not 0 (success), not
# 124 (stage_wait's timeout: a stage still hanging must fail here even if its log
# already has the message), not a signal.
rc=0
stage_wait "$STAGE_PID" 60 || rc=$?
[ "$rc" -ne 124 ] || kfail "D: stage still running after 60 s (hangs after the fatal error)"
[ "$rc" -eq 1 ] || kfail "D: stage exited with $rc, want 1 (fatal) although its output topic does not exist"
grep -q 'fatal: delivery to D-missing-too failed' "$WORK/D1.log" || kfail "D: no clear fatal message"
# the record's output (a dead letter to a missing topic) was never acknowledged: its
# offset must never have been committed, not by the auto-commit during the 3 s of
# delivery attempts, not at exit (offsets stored before delivery would show here)
dcommit=$(kcommitted g-D D-in 1)
[ "$dcommit" -lt 1 ] || kfail "D: committed offset $dcommit passes the unacknowledged record at offset 0"
echo "D: exit $rc, committed offset $dcommit: $(grep -m1 'fatal:' "$WORK/D1.log")"
fi
echo "51-kafka-faults: ok"
