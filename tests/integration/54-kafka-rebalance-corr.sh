#!/usr/bin/env bash
# 54-kafka-rebalance-corr.sh - rebalances in the middle of correlation windows, under
# --eos with a state changelog topic.  A value_count correlation (one source transfers 3
# distinct zones within 10 minutes, tests/data/kafka/sweep-corr.yml) has one window per
# input partition (4 partitions, one source each, records keyed by source), opened by two
# transfers produced while 2 members of one group run.  Once they are consumed and the
# state is committed, a third member joins (the partitions it takes move with their
# windows) and one of the first two leaves (SIGTERM in one scenario, kill -9 in the
# other: its partitions move to the survivors).  After the group has settled, the third
# zone of every window is produced, then a fourth.  A read_committed consumer must see
# each window's correlated alert exactly once (over exactly 3 events: no transfer lost,
# none counted twice), and every stateless alert and every event exactly once.
set -euo pipefail
. "$ZW_ROOT/tests/kafka/lib.sh"
ZW_STAGE_CMD=run
CORR_UID=9c3e5a7b-1d2f-4a6c-8e0b-2f4a6c8e0d35
STATELESS_UID=0e4b6d8f-2a3c-4e5f-9a1b-3c5d7e9f1a24

# a missing parser is a failure, never a skip: this test exists to run
"$ZW_BIN" formats | grep -q '^knot ' || kfail "no knot parser registered"
"$ZW_BIN" compile "$ZW_ROOT/tests/data/kafka/sweep-corr.yml" -o "$WORK/sweep.zwt" 2>/dev/null

xfr() { # ZONE SECOND SOURCE: a Knot AXFR line, keyed by the source (key|value)
    echo "$3|2026-11-27T13:05:$2+0000 info: [$1.] AXFR, outgoing, remote $3@40457, started, serial 100"
}
kproduce_keyed() { # TOPIC PARTITION FILE
    kcat -P -b "$BROKER" -t "$1" -p "$2" -K '|' -z lz4 <"$3"
}
last() { # FILE KEY: KEY of the last metrics line (0 if none yet)
    python3 -c '
import json, sys
try:
    rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
except OSError:
    rows = []
print(rows[-1][sys.argv[2]] if rows else 0)' "$1" "$2"
}
atleast() { [ "$(last "$1" "$2")" -ge "$3" ]; } # FILE KEY MIN
settled() { # SCENARIO MEMBERS...: the live members hold all 4 input partitions
    local s=$1 m n=0
    shift
    for m in "$@"; do
        n=$((n + $(last "$WORK/$s-$m.metrics" assigned_partitions)))
    done
    [ "$n" -eq 4 ]
}
restores() { # SCENARIO MEMBERS...: partition states restored by these members
    local s=$1 m n=0
    shift
    for m in "$@"; do
        n=$((n + $(last "$WORK/$s-$m.metrics" restores)))
    done
    echo "$n"
}
consumed() { # SCENARIO MIN MEMBERS...: these members consumed at least MIN records
    local s=$1 min=$2 m n=0
    shift 2
    for m in "$@"; do
        n=$((n + $(last "$WORK/$s-$m.metrics" consumed)))
    done
    [ "$n" -ge "$min" ]
}
committed_alerts() { [ "$(kcount "$1")" -ge "$2" ]; } # TOPIC MIN

scenario() { # NAME STOP-SIGNAL
    local s=$1 sig=$2 m p leaver other held before
    ktopic "$s-in" 4
    ktopic "$s-out" 2
    ktopic "$s-alerts" 2
    ktopic "$s-state" 1 compact
    local args=(--group "g-$s" --input-topic "$s-in:knot" --output-topic "$s-out"
        --rules "$WORK/sweep.zwt" --alert-topic "$s-alerts" --state-topic "$s-state" --eos
        --checkpoint-ms 200 --metrics-interval 200 --txn-max-ms 100
        -X consumer.session.timeout.ms=6000 -X consumer.heartbeat.interval.ms=500
        -X topic.metadata.refresh.interval.ms=2000 -X producer.transaction.timeout.ms=10000)
    for m in m1 m2; do
        stage_start "$s-$m" "${args[@]}" --transactional-id "zw-$s-$m" --client-id "$s-$m" \
            --metrics-file "$WORK/$s-$m.metrics"
    done
    wait_until 40 atleast "$WORK/$s-m1.metrics" assigned_partitions 1 || kfail "$s: m1 got no partitions"
    wait_until 40 atleast "$WORK/$s-m2.metrics" assigned_partitions 1 || kfail "$s: m2 got no partitions"
    wait_until 20 settled "$s" m1 m2 || kfail "$s: m1 and m2 do not hold all partitions"

    # first half: in every input partition p, two zones from source 127.0.0.(10+p) and
    # one transfer from another source
    for p in 0 1 2 3; do
        { xfr zone-a.test 01 "127.0.0.$((10 + p))"; xfr zone-b.test 02 "127.0.0.$((10 + p))"
          xfr zone-x.test 03 127.0.0.7; } >"$WORK/$s.1.$p"
        kproduce_keyed "$s-in" $p "$WORK/$s.1.$p"
    done
    wait_until 30 consumed "$s" 12 m1 m2 || kfail "$s: the first half was not consumed"
    # committed: the stateless alerts are visible read_committed, state checkpointed
    for m in m1 m2; do
        wait_until 20 atleast "$WORK/$s-$m.metrics" checkpoints 1 || kfail "$s: no checkpoint by $m"
    done
    wait_until 20 committed_alerts "$s-alerts" 12 || kfail "$s: first alerts not committed"
    # every input record's transaction is committed (offsets 3 per partition): whatever
    # they produce is visible now, so the count below is final, not a guess after a sleep
    wait_until 30 committed_all "g-$s" "$s-in" 4 3 ||
        kfail "$s: committed offsets $(kcommitted "g-$s" "$s-in" 4), want 3 on each partition"
    [ "$(kcount "$s-alerts")" -eq 12 ] || kfail "$s: an alert other than the 12 stateless ones"

    # a third member joins: the partitions it takes move with their open windows
    stage_start "$s-m3" "${args[@]}" --transactional-id "zw-$s-m3" --client-id "$s-m3" \
        --metrics-file "$WORK/$s-m3.metrics"
    wait_until 40 atleast "$WORK/$s-m3.metrics" assigned_partitions 1 || kfail "$s: m3 got no partitions"
    wait_until 20 settled "$s" m1 m2 m3 || kfail "$s: the group did not settle after m3 joined"
    wait_until 10 atleast "$WORK/$s-m3.metrics" restores 1 || kfail "$s: m3 took partitions but restored no state"
    echo "$s: m3 joined, restored $(restores "$s" m3) partition state(s)"

    # one of the first two leaves (the one that holds more partitions)
    leaver=m1 other=m2
    if [ "$(last "$WORK/$s-m2.metrics" assigned_partitions)" -gt "$(last "$WORK/$s-m1.metrics" assigned_partitions)" ]; then
        leaver=m2 other=m1
    fi
    held=$(last "$WORK/$s-$leaver.metrics" assigned_partitions)
    before=$(restores "$s" "$other" m3)
    [ "$held" -ge 1 ] || kfail "$s: $leaver holds no partition"
    if [ "$sig" = KILL ]; then
        kill -KILL "$(cat "$WORK/$s-$leaver.pid")"
        wait "$(cat "$WORK/$s-$leaver.pid")" 2>/dev/null || true
    else
        kill -TERM "$(cat "$WORK/$s-$leaver.pid")"
        stage_wait "$(cat "$WORK/$s-$leaver.pid")" 30 || kfail "$s: $leaver did not leave cleanly (status $?)"
    fi
    # the survivors take over its partitions (kill -9: after the session timeout) and
    # restore their state
    wait_until 40 eval '[ $(($(restores "$s" "$other" m3) - before)) -ge "$held" ]' ||
        kfail "$s: the $held partition(s) of $leaver were not restored"
    wait_until 20 settled "$s" "$other" m3 || kfail "$s: survivors do not hold all partitions"
    echo "$s: $leaver left ($sig), its $held partition(s) restored by the survivors"

    # second half: the third zone completes each window, a fourth must not fire again
    for p in 0 1 2 3; do
        { xfr zone-c.test 04 "127.0.0.$((10 + p))"; xfr zone-d.test 05 "127.0.0.$((10 + p))"; } >"$WORK/$s.2.$p"
        kproduce_keyed "$s-in" $p "$WORK/$s.2.$p"
    done
    wait_until 40 committed_alerts "$s-alerts" 24 || kfail "$s: alerts of the second half missing"
    # all 20 input records committed (5 per partition): every alert they produce is
    # committed with them, so a duplicate would already be visible
    wait_until 40 committed_all "g-$s" "$s-in" 4 5 ||
        kfail "$s: committed offsets $(kcommitted "g-$s" "$s-in" 4), want 5 on each partition"
    [ "$(kcount "$s-alerts")" -eq 24 ] || kfail "$s: $(kcount "$s-alerts") alerts committed, want 24"
    for m in "$other" m3; do
        kill -TERM "$(cat "$WORK/$s-$m.pid")"
    done
    for m in "$other" m3; do
        stage_wait "$(cat "$WORK/$s-$m.pid")" 30 || kfail "$s: $m exited with $?"
    done
    kdump "$s-alerts" "$WORK/$s-alerts.json"
    kdump "$s-out" "$WORK/$s-out.json"
    python3 - "$s" "$WORK/$s-alerts.json" "$WORK/$s-out.json" "$s-in" $CORR_UID \
        $STATELESS_UID <<'PY' || kfail "$s: alerts"
import json, sys
name, alerts_f, out_f, topic, corr_uid, sl_uid = sys.argv[1:]
def fail(msg):
    print("%s: %s" % (name, msg), file=sys.stderr)
    sys.exit(1)
def hdr(r, k):
    h = r.get("headers") or []
    return {h[i]: h[i + 1] for i in range(0, len(h) - 1, 2)}.get(k)
def pos(r):
    return (hdr(r, "zw-source-topic"), int(hdr(r, "zw-source-partition")), int(hdr(r, "zw-source-offset")))
rows = [json.loads(l) for l in open(alerts_f) if l.strip()]
corr, stateless = [], []
for r in rows:
    a = json.loads(r["payload"])
    uid = a["finding_info"]["analytic"]["uid"]
    if uid == corr_uid:
        corr.append((r, a))
    elif uid == sl_uid:
        stateless.append((r, a))
    else:
        fail("alert of an unexpected rule %s" % uid)
# one correlated alert per partition's window, fired by the third zone (offset 3)
want = {p: "127.0.0.%d" % (10 + p) for p in range(4)}
seen = {}
for r, a in corr:
    t, p, o = pos(r)
    c = a.get("unmapped", {}).get("correlation", {})
    if t != topic or p in seen or o != 3:
        fail("correlated alert at %s/%d/%d (twice, or not fired by the third zone)" % (t, p, o))
    seen[p] = c
    if r.get("key") != "zone-c.test":
        fail("correlated alert keyed %r, want zone-c.test" % r.get("key"))
    if c.get("type") != "value_count" or c.get("key") != {"src_endpoint.ip": want[p]}:
        fail("partition %d: correlation %s" % (p, c))
    if c.get("value") != 3 or c.get("events_total") != 3:
        fail("partition %d: want 3 distinct zones over 3 events (none lost, none twice), got %s" % (p, c))
if sorted(seen) != [0, 1, 2, 3]:
    fail("correlated alerts for partitions %s, want one for each of 0..3" % sorted(seen))
zones = ["zone-a.test", "zone-b.test", "zone-x.test", "zone-c.test", "zone-d.test"]
want_pos = sorted((topic, p, o) for p in range(4) for o in range(5))
if sorted(pos(r) for r, a in stateless) != want_pos:
    fail("stateless alerts at %s, want each input record once" % sorted(pos(r) for r, a in stateless))
for r, a in stateless:
    if r.get("key") != zones[pos(r)[2]]:
        fail("stateless alert keyed %r at %s" % (r.get("key"), pos(r)))
ev = [json.loads(l) for l in open(out_f) if l.strip()]
if sorted(pos(r) for r in ev) != want_pos:
    fail("events at %s, want each input record once" % sorted(pos(r) for r in ev))
print("%s: 4 correlated alerts (one per window, 3 zones over 3 events each), 20 stateless alerts, 20 events, each once" % name)
PY
}

scenario term TERM
scenario kill KILL
echo "54-kafka-rebalance-corr: ok"
