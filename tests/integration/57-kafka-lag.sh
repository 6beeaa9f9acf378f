#!/usr/bin/env bash
# 57-kafka-lag.sh - the lag metric is the partitions' high watermark minus the stage's
# position even when the stage does not fetch, and across a broker restart (issue 17: it
# read 0 after a restart while 34k records were unconsumed), on a real broker.
# The stage's producer holds its outputs (linger.ms of 10 minutes), so backpressure
# (--max-in-flight 20) pauses its input for good: it fetches nothing more.
# Then 34,000 records arrive; the lag must show them within seconds, and keep showing
# them through a broker restart (last known watermark while the broker is away).
set -euo pipefail
. "$ZW_ROOT/tests/kafka/lib.sh"
N=34000
ktopic L-in 1
ktopic L-out 1
sed -n 14p "$ZW_ROOT/tests/data/dns-servers/bind.log" >"$WORK/ev.line"
python3 -c '
import sys
ev = open(sys.argv[1]).read().rstrip("\n")
sys.stdout.write((ev + "\n") * int(sys.argv[2]))' "$WORK/ev.line" 100 >"$WORK/first.txt"
python3 -c '
import sys
ev = open(sys.argv[1]).read().rstrip("\n")
sys.stdout.write((ev + "\n") * int(sys.argv[2]))' "$WORK/ev.line" "$N" >"$WORK/more.txt"
kproduce L-in 0 "$WORK/first.txt"

M=$WORK/L.metrics
stage_start L --group g-L --input-topic L-in:bind --output-topic L-out --max-in-flight 20 \
    -X producer.linger.ms=600000 -X producer.message.timeout.ms=900000 --metrics-interval 200 --metrics-file "$M" \
    -X topic.metadata.refresh.interval.ms=2000
pid=$STAGE_PID

last() { # NAME: value in the last metrics line
    python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
print(rows[-1][sys.argv[2]] if rows else -1)' "$M" "$1"
}
consumed_at_least() { [ -f "$M" ] && [ "$(last consumed)" -ge "$1" ]; }
paused() { [ -f "$M" ] && [ "$(last paused)" -eq 1 ]; }
lag_at_least() { [ -f "$M" ] && [ "$(last lag)" -ge "$1" ]; }

wait_until 60 consumed_at_least 20 || kfail "nothing consumed"
wait_until 30 paused || kfail "backpressure never paused the input"
c0=$(last consumed)
kproduce L-in 0 "$WORK/more.txt"
want=$((N + 100 - c0 - 100)) # at least N: the stage may have fetched up to 100 before pausing
wait_until 20 lag_at_least "$want" || kfail "lag $(last lag) with $((N + 100 - c0)) records waiting"
echo "paused at consumed $c0: lag $(last lag)"
before=$(wc -l <"$M")

"$KDIR/broker" restart >/dev/null || kfail "broker restart failed"
leaders() { [ "$(kcat -b "$BROKER" -L -t L-in 2>/dev/null | grep -c 'leader 1,')" -eq 1 ]; }
wait_until 60 leaders || kfail "no leader after the restart"
sleep 5 # metrics lines after the broker is back
echo "after restart: consumed $(last consumed), lag $(last lag)"
kill -KILL "$pid" # its outputs wait 10 minutes; nothing to finish
wait "$pid" 2>/dev/null || true

python3 - "$M" "$before" "$want" <<'PY' || kfail "lag metric wrong around the broker restart"
import json, sys
path, before, want = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows = [json.loads(l) for l in open(path) if l.startswith("{")]
checked = 0
for i, r in enumerate(rows[before:], before):
    if r["assigned_partitions"] == 0:
        continue
    if r["lag"] < want - r["consumed"]:
        sys.exit("metrics line %d: consumed %d, lag %d, want >= %d" %
                 (i, r["consumed"], r["lag"], want - r["consumed"]))
    checked += 1
if checked < 10:
    sys.exit("only %d metrics lines to check" % checked)
print("lag checked on %d metrics lines through the restart" % checked)
PY
echo "57-kafka-lag: ok"
