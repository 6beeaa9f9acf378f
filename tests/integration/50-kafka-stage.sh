#!/usr/bin/env bash
# 50-kafka-stage.sh - the Kafka stage against a real broker, two consumers of one group:
# every raw record produced (by kcat) to the input topics yields exactly the events
# (key = unmapped.zone, zw-* headers) or dead letter that file mode gives for the same
# line.  Formats: every DNS server parser with a log in tests/data/dns-servers, and
# CloudTrail records.
set -euo pipefail
. "$ZW_ROOT/tests/kafka/lib.sh"
K="python3 $KDIR/kcheck.py"

ktopic out 4
ktopic dlq 2
inputs=()
specs=()
# CloudTrail: the Records of the documentation example, one compact record per line (as a
# log shipper puts them on a topic), plus the hand-made edge cases and bad records
ct=$ZW_ROOT/tests/data/providers/aws-cloudtrail
[ -d "$ct" ] || kfail "no CloudTrail samples at $ct"
if true; then
    python3 - "$ct" "$WORK/cloudtrail.jsonl" <<'PY'
import json, os, sys
d, out = sys.argv[1], sys.argv[2]
with open(out, "w") as o:
    for r in json.load(open(os.path.join(d, "route53-docs-example.json")))["Records"]:
        o.write(json.dumps(r, separators=(",", ":")) + "\n")
    for name in ("edge-cases.jsonl", "bad.jsonl"):
        p = os.path.join(d, name)
        if os.path.exists(p):
            o.write(open(p).read())
PY
fi
for fmt in $("$ZW_BIN" formats | awk '{print $1}'); do
    for f in "$ZW_ROOT"/tests/data/dns-servers/$fmt.log "$WORK/$fmt.jsonl"; do
        [ -f "$f" ] || continue
        t=raw-$fmt
        ktopic "$t" 2
        $K split "$f" "$t" 2 "$WORK"
        "$ZW_BIN" normalize --quiet --format "$fmt" --dlq "$WORK/$t.exp-dead" "$f" >"$WORK/$t.exp-ev"
        inputs+=(--input-topic "$t:$fmt")
        specs+=("$f:$t:$WORK/$t.exp-ev:$WORK/$t.exp-dead")
    done
done
# the four DNS servers and CloudTrail must all be among the inputs: a missing parser or
# sample log fails here instead of shrinking the test
for need in raw-bind:bind raw-knot:knot raw-nsd:nsd raw-pdns:pdns; do
    case " ${inputs[*]} " in *" $need "*) ;; *) kfail "input $need missing (parser or tests/data/dns-servers log gone)" ;; esac
done
case " ${inputs[*]} " in *" raw-cloudtrail:"*) ;; *) kfail "no CloudTrail input (parser gone?)" ;; esac
# absolute expectations: the file-mode events the Kafka output is compared with must be
# the hand-checked golden events (tests/data/golden/dns-servers-events.expect)
cat "$WORK"/raw-bind.exp-ev "$WORK"/raw-knot.exp-ev "$WORK"/raw-nsd.exp-ev "$WORK"/raw-pdns.exp-ev >"$WORK/servers.ev"
python3 "$ZW_ROOT/tests/integration/lib/zw_expect.py" "$WORK/servers.ev" \
    "$ZW_ROOT/tests/data/golden/dns-servers-events.expect" >"$WORK/golden.txt" ||
    { cat "$WORK/golden.txt"; kfail "file-mode events differ from tests/data/golden/dns-servers-events.expect"; }
# records of no known format, read with auto-detection: dead letters
printf '%%%%%% not a log line %d %%%%%%\n' 1 2 3 4 5 6 >"$WORK/junk.txt"
printf '\xff\xfe\x00binary\n' >>"$WORK/junk.txt"
ktopic raw-junk 2
$K split "$WORK/junk.txt" raw-junk 2 "$WORK"
"$ZW_BIN" normalize --quiet --dlq "$WORK/raw-junk.exp-dead" "$WORK/junk.txt" >"$WORK/raw-junk.exp-ev"
inputs+=(--input-topic raw-junk)
specs+=("$WORK/junk.txt:raw-junk:$WORK/raw-junk.exp-ev:$WORK/raw-junk.exp-dead")
echo "inputs: ${inputs[*]}"

common=(--group g-stage "${inputs[@]}" --output-topic out --dlq-topic dlq --exit-idle 6000
        --metrics-interval 500 -X topic.metadata.refresh.interval.ms=2000)
mport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
stage_start a "${common[@]}" --client-id stage-a --metrics-file "$WORK/a.metrics" --metrics-port "$mport"
pa=$STAGE_PID
stage_start b "${common[@]}" --client-id stage-b --metrics-file "$WORK/b.metrics"
pb=$STAGE_PID
# both members must hold partitions before the records arrive
wait_until 40 grep -q '"assigned_partitions":[1-9]' "$WORK/a.metrics" || kfail "stage a got no partitions"
wait_until 40 grep -q '"assigned_partitions":[1-9]' "$WORK/b.metrics" || kfail "stage b got no partitions"
for f in "$WORK"/raw-*.p*; do
    t=$(basename "$f")
    kproduce "${t%.p*}" "${t##*.p}" "$f"
done
scrape() {
    python3 -c 'import sys,urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=2).read().decode())' \
        "http://127.0.0.1:$mport/metrics" >"$WORK/prom.txt" 2>/dev/null &&
        grep -q '^zonewarden_consumed_total [1-9]' "$WORK/prom.txt"
}
wait_until 30 scrape || kfail "Prometheus endpoint on 127.0.0.1:$mport never showed consumed records"
grep -q '^# TYPE zonewarden_lag gauge' "$WORK/prom.txt" || kfail "no lag gauge in $(cat "$WORK/prom.txt")"
stage_wait "$pa" 90 || kfail "stage a exited with $?"
stage_wait "$pb" 90 || kfail "stage b exited with $?"
ca=$(grep -o 'consumed [0-9]*' "$WORK/a.log" | tail -1 | awk '{print $2}')
cb=$(grep -o 'consumed [0-9]*' "$WORK/b.log" | tail -1 | awk '{print $2}')
total=$(wc -l <"$WORK/manifest.jsonl")
echo "stage a consumed $ca, stage b consumed $cb, records produced $total"
[ "$ca" -gt 0 ] && [ "$cb" -gt 0 ] || kfail "both consumers must have worked"
[ $((ca + cb)) -eq "$total" ] || kfail "consumed $((ca + cb)) != produced $total"
grep -q '"type":"zonewarden.kafka.metrics"' "$WORK/a.metrics" || kfail "no metrics lines"
kdump out "$WORK/out.json"
kdump dlq "$WORK/dlq.json"
$K exact "$WORK/manifest.jsonl" "$WORK/out.json" "$WORK/dlq.json" "${specs[@]}" || kfail "outputs differ"

# the same group again: everything was committed, nothing is read twice
stage_start c "${common[@]}" --exit-idle 3000
stage_wait "$STAGE_PID" 60 || kfail "stage c exited with $?"
grep -q 'consumed 0,' "$WORK/c.log" || kfail "a restarted member re-read committed records: $(tail -1 "$WORK/c.log")"
echo "50-kafka-stage: ok"
