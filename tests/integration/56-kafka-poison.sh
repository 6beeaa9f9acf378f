#!/usr/bin/env bash
# 56-kafka-poison.sh - a poison pill does not stop the Kafka stage (issue 17 item 4), on a
# real broker.  A 900 KB binary message sits among valid records:
#   P  default topics: its dead letter is cut to fit --dlq-max-message-bytes (the raw bytes
#      cut, with a note saying how many), every record after it is processed, the
#      committed offset passes it, and a restarted member consumes nothing again
#   Q  the dead-letter topic's max.message.bytes (20000) is below the stage's cap: the
#      stage reads it from the broker and cuts the dead letter to fit that
#   T  a dead letter larger than librdkafka accepts (-X producer.message.max.bytes=20000
#      under --dlq-max-message-bytes 900000): the output is refused before it leaves: counted (undeliverable), logged without its payload and
#      skipped; the stage goes on, commits past it, a restart does not die
#   R  the output topic refuses every event (max.message.bytes=200): each record is
#      counted and skipped, the stage never stops
#   S  R with --eos: the refused events abort a transaction; when their records are
#      processed again those outputs are skipped (undeliverable), the rest commits once
set -euo pipefail
. "$ZW_ROOT/tests/kafka/lib.sh"

VALID=200 # valid records before and after the poison pill
sed -n 14p "$ZW_ROOT/tests/data/dns-servers/bind.log" >"$WORK/ev.line"
python3 - "$WORK" "$VALID" <<'PY'
import os, random, sys
work, n = sys.argv[1], int(sys.argv[2])
ev = open(os.path.join(work, "ev.line")).read().rstrip("\n")
for name in ("before", "after"):
    with open(os.path.join(work, name + ".txt"), "w") as f:
        for i in range(n):
            f.write(ev + "\n")
rnd = random.Random(17)
# binary: NUL, high bytes, newlines, invalid UTF-8; nothing a parser accepts
with open(os.path.join(work, "poison.bin"), "wb") as f:
    f.write(bytes(rnd.randrange(256) for _ in range(900 * 1024)))
PY

metric() { # METRICSFILE NAME: last value
    python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
print(rows[-1].get(sys.argv[2], -1) if rows else -1)' "$1" "$2"
}

# run_case NAME [STAGE ARGS...]: topics NAME-in (1 partition) NAME-out NAME-dlq must exist
run_case() {
    local s=$1
    shift
    kproduce "$s-in" 0 "$WORK/before.txt"
    kcat -P -b "$BROKER" -t "$s-in" -p 0 "$WORK/poison.bin" # the whole file is one message
    kproduce "$s-in" 0 "$WORK/after.txt"
    [ "$(kcount "$s-in")" -eq $((2 * VALID + 1)) ] || kfail "$s: input topic not as produced"
    stage_start "$s"1 --group "g-$s" --input-topic "$s-in:bind" --output-topic "$s-out" \
        --dlq-topic "$s-dlq" --exit-idle 4000 --metrics-interval 200 \
        --metrics-file "$WORK/$s.1.metrics" "$@"
    stage_wait "$STAGE_PID" 90 || kfail "$s: stage exited with $? on a poison pill"
    # eos processes the records of an aborted transaction again
    [ "$(metric "$WORK/$s.1.metrics" consumed)" -eq $((2 * VALID + 1)) ] ||
        { [ -n "${EOS:-}" ] && [ "$(metric "$WORK/$s.1.metrics" consumed)" -gt $((2 * VALID)) ]; } ||
        kfail "$s: consumed $(metric "$WORK/$s.1.metrics" consumed), want $((2 * VALID + 1))"
    # the group's committed offset passed the poison pill: a restart consumes nothing
    stage_start "$s"2 --group "g-$s" --input-topic "$s-in:bind" --output-topic "$s-out" \
        --dlq-topic "$s-dlq" --exit-idle 3000 --metrics-interval 200 \
        --metrics-file "$WORK/$s.2.metrics" "$@"
    stage_wait "$STAGE_PID" 60 || kfail "$s: restarted stage exited with $?"
    [ "$(metric "$WORK/$s.2.metrics" consumed)" -eq 0 ] ||
        kfail "$s: restart consumed $(metric "$WORK/$s.2.metrics" consumed) records again"
    if grep -q "fatal" "$WORK/$s"1.log "$WORK/$s"2.log; then
        kfail "$s: fatal error logged"
    fi
}

# --- P: the dead letter is cut to fit
ktopic P-in 1
ktopic P-out 1
ktopic P-dlq 1
run_case P
[ "$(kcount P-out)" -eq $((2 * VALID)) ] || kfail "P: $(kcount P-out) events, want $((2 * VALID))"
kdump P-dlq "$WORK/P.dlq.json"
python3 - "$WORK/P.dlq.json" "$VALID" <<'PY' || kfail "P: dead letter"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert len(rows) == 1, "want 1 dead letter, got %d" % len(rows)
m = rows[0]
size = len(m["payload"].encode("utf-8"))
assert size <= 900000, "dead letter of %d bytes exceeds the default cap" % size
d = json.loads(m["payload"])
assert d["position"]["offset"] == int(sys.argv[2]), d["position"]
assert d["raw_original_size"] == 900 * 1024, d
assert 0 < d["raw_size"] < 900 * 1024 and d["raw_cut_bytes"] == 900 * 1024 - d["raw_size"], d
assert "cut" in d["reason"] and str(d["raw_cut_bytes"]) in d["reason"], d["reason"]
print("P: dead letter of %d bytes keeps %d of %d raw bytes" % (size, d["raw_size"],
                                                               d["raw_original_size"]))
PY
[ "$(metric "$WORK/P.1.metrics" dead_cut)" -eq 1 ] || kfail "P: dead_cut not counted"

# --- Q: the dead-letter topic's own limit is read from the broker
ktopic Q-in 1
ktopic Q-out 1
ktopic Q-dlq 1 max.message.bytes=20000
run_case Q
[ "$(kcount Q-out)" -eq $((2 * VALID)) ] || kfail "Q: $(kcount Q-out) events, want $((2 * VALID))"
kdump Q-dlq "$WORK/Q.dlq.json"
python3 - "$WORK/Q.dlq.json" <<'PY' || kfail "Q: dead letter"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert len(rows) == 1, "want 1 dead letter, got %d" % len(rows)
size = len(rows[0]["payload"].encode("utf-8"))
d = json.loads(rows[0]["payload"])
assert size <= 20000 and d["raw_cut_bytes"] > 0, (size, d.get("raw_cut_bytes"))
print("Q: dead letter of %d bytes under the topic's max.message.bytes 20000" % size)
PY
grep -q "dead letters capped at 20000 bytes" "$WORK/Q1.log" || kfail "Q: limit not read"

# --- T: an output librdkafka refuses before it leaves: counted, logged, skipped
ktopic T-in 1
ktopic T-out 1
ktopic T-dlq 1
run_case T --dlq-max-message-bytes 900000 -X producer.message.max.bytes=20000
[ "$(kcount T-out)" -eq $((2 * VALID)) ] || kfail "T: $(kcount T-out) events, want $((2 * VALID))"
[ "$(kcount T-dlq)" -eq 0 ] || kfail "T: dead letter present although it was refused"
[ "$(metric "$WORK/T.1.metrics" undeliverable)" -eq 1 ] ||
    kfail "T: undeliverable = $(metric "$WORK/T.1.metrics" undeliverable), want 1"
grep -q "undeliverable.*T-dlq.*T-in \[0\] offset $VALID" "$WORK/T1.log" ||
    kfail "T: no log line naming the skipped record"
# the log names the record, never its bytes
[ "$(wc -c <"$WORK/T1.log")" -lt 100000 ] || kfail "T: the log holds the payload"
echo "T: $(grep -m1 undeliverable "$WORK/T1.log")"

# --- R: the output topic refuses every event
ktopic R-in 1
ktopic R-out 1 max.message.bytes=200
ktopic R-dlq 1
run_case R
[ "$(kcount R-out)" -eq 0 ] || kfail "R: events present although the broker refuses them"
[ "$(metric "$WORK/R.1.metrics" undeliverable)" -eq $((2 * VALID)) ] ||
    kfail "R: undeliverable = $(metric "$WORK/R.1.metrics" undeliverable), want $((2 * VALID))"
# --- S: R under exactly-once
ktopic S-in 1
ktopic S-out 1 max.message.bytes=200
ktopic S-dlq 1
EOS=1 run_case S --eos --transactional-id zw-test-S
[ "$(kcount S-out)" -eq 0 ] || kfail "S: events present although the broker refuses them"
[ "$(kcount S-dlq)" -eq 1 ] || kfail "S: $(kcount S-dlq) dead letters, want 1 (exactly once)"
# a skip inside a transaction that aborts (refusals not yet known) is counted again when
# the record comes back, so at least one count per refused event
[ "$(metric "$WORK/S.1.metrics" undeliverable)" -ge $((2 * VALID)) ] ||
    kfail "S: undeliverable = $(metric "$WORK/S.1.metrics" undeliverable), want >= $((2 * VALID))"
[ "$(metric "$WORK/S.1.metrics" aborts)" -ge 1 ] || kfail "S: no transaction aborted"
echo "S: $(metric "$WORK/S.1.metrics" aborts) abort(s), then the refused output skipped"
echo "56-kafka-poison: ok"
