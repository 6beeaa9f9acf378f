#!/usr/bin/env bash
# 53-kafka-state.sh - correlation state survives the stage: a correlation (3 AXFRs of one
# zone within 24 h) sees two transfers in one process, the process is killed (kill -9),
# a new process of the same group restores the partition's state from the compacted
# changelog topic and fires on the third transfer.  Without the changelog it could not
# fire.  Run at-least-once and under --eos; exactly the expected alerts either way.
set -euo pipefail
. "$ZW_ROOT/tests/kafka/lib.sh"
ZW_STAGE_CMD=run

"$ZW_BIN" formats | grep -q '^knot ' || { echo "FAIL: 53-kafka-state: no knot parser"; exit 1; }
"$ZW_BIN" compile "$ZW_ROOT/tests/data/kafka/axfr-corr.yml" -o "$WORK/corr.zwt" 2>/dev/null
line() { # ZONE SECOND
    echo "2026-11-27T13:05:$2+0000 info: [$1.] AXFR, outgoing, remote 127.0.0.2@40457, started, serial 100"
}
metric() { # FILE KEY MIN: the last metrics line has KEY >= MIN
    [ -f "$1" ] && python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
sys.exit(0 if rows and rows[-1][sys.argv[2]] >= int(sys.argv[3]) else 1)' "$@"
}

scenario() { # NAME [--eos]
    local s=$1
    shift
    ktopic "$s-in" 1
    ktopic "$s-out" 2
    ktopic "$s-alerts" 2
    ktopic "$s-state" 1 compact
    local args=(--group "g-$s" --input-topic "$s-in:knot" --output-topic "$s-out"
        --rules "$WORK/corr.zwt" --alert-topic "$s-alerts" --state-topic "$s-state"
        --checkpoint-ms 200 --metrics-interval 200 -X "consumer.group.instance.id=$s-member"
        --transactional-id "zw-$s" "$@")
    { line zone-a.test 01; line zone-a.test 02; line zone-b.test 03; } >"$WORK/$s.1"
    kproduce "$s-in" 0 "$WORK/$s.1"
    stage_start "$s-1" "${args[@]}" --metrics-file "$WORK/$s-1.metrics"
    local pid=$STAGE_PID
    wait_until 40 metric "$WORK/$s-1.metrics" consumed 3 || kfail "$s: first member consumed nothing"
    wait_until 20 metric "$WORK/$s-1.metrics" checkpoints 1 || kfail "$s: no checkpoint"
    # observable, not a fixed sleep: a state record covering all three records is on the
    # changelog, and the group's committed offset has reached them
    wait_until 30 kstate_covers "$s-state" "g-$s|$s-in|0" 3 ||
        kfail "$s: no state record covering offset 3 on $s-state"
    wait_until 30 committed_all "g-$s" "$s-in" 1 3 ||
        kfail "$s: committed offset stays at $(kcommitted "g-$s" "$s-in" 1), want 3"
    kill -KILL "$pid"
    wait "$pid" 2>/dev/null || true
    [ "$(kcount "$s-alerts")" -eq 0 ] || kfail "$s: an alert before the third transfer"
    { line zone-a.test 04; line zone-b.test 05; line zone-b.test 06; } >"$WORK/$s.2"
    kproduce "$s-in" 0 "$WORK/$s.2"
    stage_start "$s-2" "${args[@]}" --metrics-file "$WORK/$s-2.metrics" --exit-idle 3000
    stage_wait "$STAGE_PID" 90 || kfail "$s: second member exited with $?"
    grep -q 'restored correlation state' "$WORK/$s-2.log" || kfail "$s: state was not restored"
    kdump "$s-alerts" "$WORK/$s-alerts.json"
    python3 - "$WORK/$s-alerts.json" "$s" <<'PY' || kfail "$1: alerts"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
keys = sorted(r.get("key") for r in rows)
if keys != ["zone-a.test", "zone-b.test"]:
    print("%s: want one alert per zone, got keys %s" % (sys.argv[2], keys), file=sys.stderr)
    sys.exit(1)
for r in rows:
    a = json.loads(r["payload"])
    if a["finding_info"]["analytic"]["uid"] != "5d1e9f3b-7a2c-4b6d-8e0f-1a3c5e7f9b2d":
        print("unexpected alert %s" % a["finding_info"], file=sys.stderr)
        sys.exit(1)
    if a.get("unmapped", {}).get("correlation", {}).get("events_total") != 3:
        print("alert does not count 3 events: %s" % a.get("unmapped"), file=sys.stderr)
        sys.exit(1)
print("%s: 2 correlated alerts, one per zone, each over 3 events" % sys.argv[2])
PY
}

scenario alo
scenario eos --eos
echo "53-kafka-state: ok"
