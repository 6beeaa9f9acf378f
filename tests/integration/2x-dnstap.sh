#!/usr/bin/env bash
# 2x-dnstap.sh - issue 19: dnstap from real servers.  BIND 9 (`dnstap { auth; }`,
# `dnstap-output file`) and Knot DNS (mod-dnstap, queries and responses) run in a private
# network namespace (tests/lab/dnslab-lib.sh); the test provokes ordinary queries and
# allowed and refused AXFR / IXFR over IPv4 and IPv6, normalizes each server's dnstap
# file (auto-detected from its Frame Streams header), checks the events field by field
# (tests/integration/lib/zw_expect.py) and that nothing was dead-lettered, then runs
# `zonewarden run` with the shipped content: the refused-transfer analytic (AN0843-01)
# must fire on the dnstap events as it does on the text logs.  Live: `normalize
# --listen-dnstap unix:PATH` takes a file replayed by fstrm_replay and BIND's own
# `dnstap-output unix` (Frame Streams bidirectional handshake).
#
# Needs root (network namespace, port 53).  Bounded waits; servers stopped by PID.
set -u
ZW_ROOT=${ZW_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
ZW_BIN=${ZW_BIN:-$ZW_ROOT/build/release/zonewarden}
export ZW_ROOT ZW_BIN
# shellcheck source=../lab/dnslab-lib.sh
source "$ZW_ROOT/tests/lab/dnslab-lib.sh"
if [ ! -e /usr/lib/x86_64-linux-gnu/knot/modules-3.2/dnstap.so ] && ! ls /usr/lib/*/knot/modules-*/dnstap.so >/dev/null 2>&1; then
    echo "FAIL: knot-module-dnstap is not installed (make deps)"
    exit 1
fi
lab_enter_netns "$@"
lab_init

fails=0
check()
{
    if "$@"; then
        echo "ok   client: $*"
    else
        echo "FAIL client: $*"
        fails=$((fails + 1))
    fi
}
refused()
{
    ! "$@"
}

TAP_BIND=$LAB_DIR/bind.dnstap
TAP_KNOT=$LAB_DIR/knot.dnstap
# the configuration snippets docs/EVENT.md shows ("Pointing servers at zonewarden")
LAB_BIND_OPTIONS="dnstap { auth; }; dnstap-output file \"$TAP_BIND\"; dnstap-identity \"ns1.lab.test\"; dnstap-version \"9.18-lab\";"
LAB_KNOT_EXTRA="mod-dnstap:
  - id: tap
    sink: \"$TAP_KNOT\"
    identity: ns2.lab.test
    log-queries: on
    log-responses: on"
LAB_KNOT_TEMPLATE_EXTRA="    global-module: mod-dnstap/tap"
for s in bind knot; do
    lab_zone "$s" example.test transfer="127.0.0.2 key:xfer-key"
    lab_zone "$s" open.test transfer=any
done
lab_start bind knot

for s in bind knot; do
    check lab_query $s www.example.test A --from 127.0.0.5
    check lab_query $s example.test MX --from 127.0.0.5 --tcp
    if [ $s = bind ]; then # the lab's Knot listens on IPv4 only; BIND also on ::1
        check lab_query $s www.example.test AAAA --from ::1
        check refused lab_axfr $s example.test --from ::1
    fi
    check lab_axfr $s example.test --from 127.0.0.2
    check refused lab_axfr $s example.test --from 127.0.0.3
    check lab_axfr $s example.test --from 127.0.0.4 --key xfer-key
    check refused lab_axfr $s nosuch.test --from 127.0.0.2
    check lab_axfr $s open.test --from 127.0.0.6
    check lab_ixfr $s example.test 2024010101 --from 127.0.0.2
    check refused lab_ixfr $s example.test 2024010101 --from 127.0.0.3
done
# the servers write their dnstap files out when they stop
lab_stop_all

OUT=$LAB_DIR/out
mkdir -p "$OUT"
EXPECT=$ZW_ROOT/tests/integration/lib/zw_expect.py
"$ZW_BIN" compile --tuning "$ZW_ROOT/tuning/demo.yml" -o "$OUT/rules.zwt" "$ZW_ROOT/detections/" >/dev/null ||
    { echo "FAIL: compile"; exit 1; }
for s in bind knot; do
    tap=$LAB_DIR/$s.dnstap
    if [ ! -s "$tap" ]; then
        echo "FAIL $s: no dnstap file written ($tap)"
        fails=$((fails + 1))
        continue
    fi
    ev=$OUT/$s.jsonl dlq=$OUT/$s.dlq
    if ! "$ZW_BIN" normalize --dlq "$dlq" -o "$ev" "$tap" 2>"$OUT/$s.stderr"; then
        echo "FAIL $s: zonewarden normalize exited non-zero"
        cat "$OUT/$s.stderr"
        fails=$((fails + 1))
        continue
    fi
    x=class_uid=4003 ip=src_endpoint.ip z=unmapped.zone k=unmapped.xfer.kind ph=unmapped.xfer.phase
    case $s in
    bind)
        prod='metadata.product.name=BIND dst_endpoint.hostname=ns1.lab.test' srv=127.0.1.1
        # BIND answers REFUSED to a transfer its ACL denies
        refusal="$ph=denied rcode=Refused"
        v6="$s: IPv6 query | $x $ip=::1 query.hostname=www.example.test query.type=AAAA dst_endpoint.ip=::1
$s: AXFR refused IPv6 | $x $ip=::1 $z=example.test $k=AXFR $ph=denied status_id=2"
        n=12 ;;
    knot)
        prod='metadata.product.name="Knot DNS" metadata.product.version=3.2.6 dst_endpoint.hostname=ns2.lab.test' srv=127.0.1.2
        # Knot answers NOTAUTH (also for zones it does not serve): phase failed, rcode kept
        refusal="$ph=failed rcode=NotAuth"
        v6=
        n=10 ;;
    esac
    {
        cat <<EOT
$s: query joined with response  | $x activity_id=6 $ip=127.0.0.5 src_endpoint.port? dst_endpoint.ip=$srv dst_endpoint.port=53 query.hostname=www.example.test query.type=A query.class=IN query.opcode_id=0 rcode=NoError status_id=1 connection_info.protocol_name=udp $prod
$s: TCP query                    | $x query.hostname=example.test query.type=MX connection_info.protocol_name=tcp rcode_id=0
$s: AXFR refused 127.0.0.3       | $x $ip=127.0.0.3 $z=example.test $k=AXFR $refusal unmapped.xfer.direction=out status_id=2 connection_info.protocol_name=tcp
$s: AXFR allowed 127.0.0.2       | $x $ip=127.0.0.2 $z=example.test $k=AXFR unmapped.xfer.direction=out
$s: AXFR with TSIG               | $x $ip=127.0.0.4 $z=example.test $k=AXFR unmapped.xfer.tsig_key=xfer-key unmapped.dns.signed=true
$s: AXFR of a zone not served    | $x $ip=127.0.0.2 $z=nosuch.test $k=AXFR status_id=2 rcode_id~^[59]$
$s: AXFR of the open zone        | $x $ip=127.0.0.6 $z=open.test $k=AXFR
$s: IXFR allowed                 | $x $ip=127.0.0.2 $z=example.test $k=IXFR
$s: IXFR refused                 | $x $ip=127.0.0.3 $z=example.test $k=IXFR $refusal status_id=2
$s: every event                  | $x time? metadata.version=1.8.0 unmapped.source_format=dnstap | >=$n
EOT
        [ -n "$v6" ] && printf '%s\n' "$v6"
    } >"$OUT/$s.expect"
    if ! python3 "$EXPECT" "$ev" "$OUT/$s.expect" --dlq "$dlq"; then
        echo "FAIL $s: dnstap events differ from the expectations"
        fails=$((fails + 1))
    else
        echo "ok   $s: dnstap events as expected"
    fi
    # the shipped content fires unchanged on dnstap events
    if ! "$ZW_BIN" run -r "$OUT/rules.zwt" -o "$OUT/$s.alerts" "$tap" 2>"$OUT/$s.run.stderr"; then
        echo "FAIL $s: zonewarden run exited non-zero"
        cat "$OUT/$s.run.stderr"
        fails=$((fails + 1))
    elif ! python3 - "$ev" "$OUT/$s.alerts" "$s" <<'PY'; then
import json, sys
events = {}
for line in open(sys.argv[1]):
    e = json.loads(line)
    events[e["metadata"]["uid"]] = e
seen = set()
for line in open(sys.argv[2]):
    a = json.loads(line)
    for evd in a.get("evidences", []):
        e = events.get(evd.get("data", {}).get("event_uid"))
        if e:
            seen.add((a["finding_info"]["analytic"]["uid"], e["src_endpoint"].get("ip"),
                      e.get("unmapped", {}).get("zone")))
need = {("AN0843-01", "127.0.0.3", "example.test")}
if sys.argv[3] == "bind":
    need.add(("AN0843-01", "::1", "example.test"))
for n in sorted(need):
    print(("ok  " if n in seen else "MISS") + " " + repr(n))
bad = [x for x in seen if x[0] == "AN0843-01" and x[1] in ("127.0.0.2", "127.0.0.4")]
if bad:
    print("alert on an approved secondary:", bad)
sys.exit(0 if need <= seen and not bad else 1)
PY
        echo "FAIL $s: AN0843-01 did not fire as expected on the dnstap events"
        fails=$((fails + 1))
    else
        echo "ok   $s: AN0843-01 fires on dnstap"
    fi
done

# ---------------------------------------------------------------- live socket
# zonewarden listens on a unix socket: Knot's file replayed by fstrm_replay (Debian
# fstrm-bin), then BIND restarted with `dnstap-output unix` writing to it directly.
sock=$LAB_DIR/live.sock
"$ZW_BIN" normalize --listen-dnstap "unix:$sock" --dlq "$OUT/live.dlq" -o "$OUT/live.jsonl" \
    2>"$OUT/live.stderr" &
zw_pid=$!
for _ in $(seq 1 50); do
    [ -S "$sock" ] && break
    sleep 0.1
done
if [ ! -S "$sock" ]; then
    echo "FAIL live: zonewarden did not create $sock"
    fails=$((fails + 1))
else
    timeout 20 fstrm_replay -t protobuf:dnstap.Dnstap -r "$TAP_KNOT" -u "$sock" ||
        { echo "FAIL live: fstrm_replay"; fails=$((fails + 1)); }
    LAB_BIND_OPTIONS="dnstap { auth; }; dnstap-output unix \"$sock\"; dnstap-identity \"ns1.lab.test\"; dnstap-version \"9.18-lab\";"
    lab_restart bind
    check lab_query bind www.example.test A --from 127.0.0.8
    check refused lab_axfr bind example.test --from 127.0.0.9
    lab_stop bind # named flushes its dnstap and says STOP
fi
# stop zonewarden once it has written the BIND events (bounded), by PID
for _ in $(seq 1 100); do
    grep -q '"ip":"127.0.0.9"' "$OUT/live.jsonl" 2>/dev/null && break
    sleep 0.1
done
kill -TERM "$zw_pid" 2>/dev/null
for _ in $(seq 1 50); do
    kill -0 "$zw_pid" 2>/dev/null || break
    sleep 0.1
done
kill -KILL "$zw_pid" 2>/dev/null
wait "$zw_pid"
zw_rc=$?
[ "$zw_rc" = 0 ] || { echo "FAIL live: zonewarden exited $zw_rc"; cat "$OUT/live.stderr"; fails=$((fails + 1)); }
[ ! -e "$sock" ] || { echo "FAIL live: socket left behind"; fails=$((fails + 1)); }
cat >"$OUT/live.expect" <<EOT
live: Knot replayed, joined       | class_uid=4003 activity_id=6 unmapped.position.file~^unix:.*#1$ metadata.product.name='Knot DNS' src_endpoint.ip=127.0.0.5 rcode=NoError
live: Knot replayed, all frames   | unmapped.position.file~#1$ | 10
live: BIND direct, query joined   | activity_id=6 src_endpoint.ip=127.0.0.8 metadata.product.name=BIND dst_endpoint.hostname=ns1.lab.test rcode=NoError
live: BIND direct, AXFR refused   | src_endpoint.ip=127.0.0.9 unmapped.zone=example.test unmapped.xfer.kind=AXFR unmapped.xfer.phase=denied rcode=Refused
EOT
if python3 "$EXPECT" "$OUT/live.jsonl" "$OUT/live.expect" --dlq "$OUT/live.dlq"; then
    echo "ok   live: dnstap over a unix socket (fstrm_replay and BIND dnstap-output unix)"
else
    echo "FAIL live: events differ from the expectations"
    fails=$((fails + 1))
fi

# run --listen-dnstap: the shipped content on live dnstap (BIND's file replayed)
"$ZW_BIN" run -r "$OUT/rules.zwt" --listen-dnstap "unix:$sock" -o "$OUT/live.alerts" \
    2>"$OUT/live-run.stderr" &
zw_pid=$!
for _ in $(seq 1 50); do
    [ -S "$sock" ] && break
    sleep 0.1
done
timeout 20 fstrm_replay -t protobuf:dnstap.Dnstap -r "$TAP_BIND" -u "$sock" ||
    { echo "FAIL live run: fstrm_replay"; fails=$((fails + 1)); }
sleep 0.5
kill -TERM "$zw_pid" 2>/dev/null
for _ in $(seq 1 50); do
    kill -0 "$zw_pid" 2>/dev/null || break
    sleep 0.1
done
kill -KILL "$zw_pid" 2>/dev/null
wait "$zw_pid"
zw_rc=$?
if [ "$zw_rc" = 0 ] && grep -q '"uid":"AN0843-01"' "$OUT/live.alerts"; then
    echo "ok   live run: AN0843-01 raised from live dnstap"
else
    echo "FAIL live run: exit $zw_rc, no AN0843-01 alert"
    cat "$OUT/live-run.stderr"
    fails=$((fails + 1))
fi

if [ "$fails" -ne 0 ]; then
    echo "FAIL: $fails check(s) failed; lab kept in $LAB_DIR"
    LAB_KEEP=1
    exit 1
fi
echo "ok: dnstap from BIND and Knot"
