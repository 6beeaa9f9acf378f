#!/usr/bin/env bash
# 20-dns-servers.sh - issue 2's integration test: real BIND 9, Knot DNS, NSD and PowerDNS
# on loopback in a private network namespace (tests/lab/dnslab-lib.sh).  It performs
# allowed and denied AXFR/IXFR, an AXFR of a zone the server does not serve, transfers of
# an intentionally open zone, ordinary queries (IPv4 and IPv6 clients), signed, unsigned
# and badly signed dynamic updates and rndc addzone/delzone/reconfig; checks the client
# side saw what the configuration intends; then runs `zonewarden normalize --dlq` over
# each server's own log file and asserts the expected events field by field
# (tests/integration/lib/zw_expect.py), that nothing was dead-lettered, and that every
# event is valid OCSF 1.8.0 (tests/ocsf/validate.py).
#
# Needs root (network namespace, port 53).  Exits non-zero on any failure; the lab
# directory with every config, log and client transcript is kept on failure.
set -u
ZW_ROOT=${ZW_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
ZW_BIN=${ZW_BIN:-$ZW_ROOT/build/release/zonewarden}
export ZW_ROOT ZW_BIN
# shellcheck source=../lab/dnslab-lib.sh
source "$ZW_ROOT/tests/lab/dnslab-lib.sh"
lab_enter_netns "$@"
lab_init

fails=0
check()
{ # check "what" CMD...: the client-side outcome must be as configured
    if "$@"; then
        echo "ok   client: $*"
    else
        echo "FAIL client: $*"
        fails=$((fails + 1))
    fi
}
refused()
{ # the negation, for transfers that must be refused
    ! "$@"
}

SERVERS=(bind knot nsd pdns)
for s in "${SERVERS[@]}"; do
    lab_zone "$s" example.test transfer="127.0.0.2 key:xfer-key" update="key:ddns-key"
    lab_zone "$s" open.test transfer=any # misconfigured: anybody may transfer it
done
lab_start "${SERVERS[@]}"

# ---------------------------------------------------------------- BIND 9
check lab_query bind www.example.test A --from 127.0.0.5
check lab_query bind example.test MX --from 127.0.0.5 --tcp
check lab_query bind www.example.test AAAA --from ::1
lab_query bind www.not-served.invalid A --from 127.0.0.5 # REFUSED, logged in query-errors
check lab_axfr bind example.test --from 127.0.0.2
check refused lab_axfr bind example.test --from 127.0.0.3
check refused lab_axfr bind example.test --from ::1
check lab_axfr bind example.test --from 127.0.0.4 --key xfer-key
check refused lab_axfr bind nosuch.test --from 127.0.0.2
check lab_axfr bind open.test --from 127.0.0.6
check lab_nsupdate bind example.test --from 127.0.0.7 --key ddns-key <<<"update add new.example.test. 300 A 127.0.10.99"
check lab_wait_serial bind example.test 2024010102
check lab_ixfr bind example.test 2024010101 --from 127.0.0.2
check refused lab_ixfr bind example.test 2024010101 --from 127.0.0.3
check refused lab_nsupdate bind example.test --from 127.0.0.8 <<<"update add evil.example.test. 300 A 127.0.10.66"
check refused lab_nsupdate bind example.test --from 127.0.0.9 --badkey ddns-key <<<"update add evil2.example.test. 300 A 127.0.10.67"
check lab_addzone added.test
check lab_query bind www.added.test A --from 127.0.0.5
check lab_rndc delzone added.test
check lab_rndc reconfig

# ---------------------------------------------------------------- Knot DNS
check lab_query knot www.example.test A --from 127.0.0.5
check lab_axfr knot example.test --from 127.0.0.2
check refused lab_axfr knot example.test --from 127.0.0.3
check lab_axfr knot example.test --from 127.0.0.4 --key xfer-key
check refused lab_axfr knot nosuch.test --from 127.0.0.2
check lab_axfr knot open.test --from 127.0.0.6
check lab_nsupdate knot example.test --from 127.0.0.7 --key ddns-key <<<"update add new.example.test. 300 A 127.0.10.99"
check lab_wait_serial knot example.test 2024010102
check lab_ixfr knot example.test 2024010101 --from 127.0.0.2
check refused lab_ixfr knot example.test 2024010101 --from 127.0.0.3
check refused lab_nsupdate knot example.test --from 127.0.0.8 <<<"update add evil.example.test. 300 A 127.0.10.66"

# ---------------------------------------------------------------- NSD
check lab_query nsd www.example.test A --from 127.0.0.5
check lab_axfr nsd example.test --from 127.0.0.2
check refused lab_axfr nsd example.test --from 127.0.0.3
check lab_axfr nsd example.test --from 127.0.0.4 --key xfer-key
check refused lab_axfr nsd nosuch.test --from 127.0.0.2
check lab_axfr nsd open.test --from 127.0.0.6
check lab_ixfr nsd example.test 2024010100 --from 127.0.0.2
check refused lab_ixfr nsd example.test 2024010100 --from 127.0.0.3
check refused lab_nsupdate nsd example.test --from 127.0.0.8 <<<"update add evil.example.test. 300 A 127.0.10.66"

# ---------------------------------------------------------------- PowerDNS
check lab_query pdns www.example.test A --from 127.0.0.5
check lab_query pdns example.test MX --from 127.0.0.5 --tcp
check lab_axfr pdns example.test --from 127.0.0.2
check refused lab_axfr pdns example.test --from 127.0.0.3
check lab_axfr pdns example.test --from 127.0.0.4 --key xfer-key
check refused lab_axfr pdns nosuch.test --from 127.0.0.2
check lab_axfr pdns open.test --from 127.0.0.6
check lab_ixfr pdns example.test 2024010100 --from 127.0.0.2
check refused lab_ixfr pdns example.test 2024010100 --from 127.0.0.3

# ---------------------------------------------------------------- BIND, other log format
# The same server restarted with ISO 8601 UTC timestamps and neither category nor severity
# (a lab-reported bug: such lines were read as a tag-less syslog header): the parser
# must read that layout too.
LOGS_bind=$(lab_log bind)
lab_wait_log bind "reconfig" || fails=$((fails + 1))
export LAB_BIND_LOG=named-iso.log LAB_BIND_PRINT_TIME=iso8601-utc LAB_BIND_PRINT_CATEGORY=no LAB_BIND_PRINT_SEVERITY=no
lab_restart bind
LOGS_bind_iso=$(lab_log bind)
check lab_query bind www.example.test A --from 127.0.0.5
check refused lab_axfr bind example.test --from 127.0.0.3
check lab_axfr bind example.test --from 127.0.0.4 --key xfer-key
check lab_ixfr bind example.test 2024010101 --from 127.0.0.2

# The servers write their logs asynchronously: wait for the last action's line, then stop
# them (shutdown flushes) before reading the files.
lab_wait_log knot "ACL, denied, action update" || fails=$((fails + 1))
lab_wait_log nsd "ixfr for example.test. from 127.0.0.3" || fails=$((fails + 1))
lab_wait_log pdns "IXFR-out zone 'example.test', client '127.0.0.3'" || fails=$((fails + 1))
lab_wait_log bind "IXFR ended" || fails=$((fails + 1))
lab_stop_all

if [ "$fails" -ne 0 ]; then
    echo "FAIL: $fails client-side outcomes differ from the lab configuration (see $LAB_DIR/client.log)"
    exit 1
fi

# ---------------------------------------------------------------- normalize + assert
OUT=$LAB_DIR/out
mkdir -p "$OUT"
EXPECT=$ZW_ROOT/tests/integration/lib/zw_expect.py
declare -A FORMAT=([bind]=bind [bind_iso]=bind [knot]=knot [nsd]=nsd [pdns]=pdns)
declare -A LOGFILE=([bind]=$LOGS_bind [bind_iso]=$LOGS_bind_iso [knot]=$(lab_log knot)
    [nsd]=$(lab_log nsd) [pdns]=$(lab_log pdns))
formats=$("$ZW_BIN" formats | awk '{print $1}')

expectations()
{ # the expected events per server; fields per docs/EVENT.md
    local s=$1 z=unmapped.zone k=unmapped.xfer.kind ip=src_endpoint.ip
    local xfer=class_uid=4003
    # a refused update changed nothing: DNS Activity (opcode Update) or API Activity
    local denied_update='class_uid~^[46]003$'
    case $s in
    bind)
        cat <<EOF
bind: query A from 127.0.0.5     | $xfer $ip=127.0.0.5 query.hostname=www.example.test query.type=A query.class=IN dst_endpoint.ip=127.0.1.1 src_endpoint.port?
bind: TCP query MX               | $xfer $ip=127.0.0.5 query.hostname=example.test query.type=MX unmapped.dns.flags~T
bind: IPv6 client query          | $xfer $ip=::1 query.hostname=www.example.test query.type=AAAA
bind: refused query (not served) | $xfer $ip=127.0.0.5 query.hostname=www.not-served.invalid rcode_id=5 status_id=2
bind: AXFR allowed 127.0.0.2     | $xfer $ip=127.0.0.2 $z=example.test $k=AXFR status_id=1 unmapped.xfer.direction=out unmapped.xfer.serial=2024010101
bind: AXFR ended with size       | $xfer $ip=127.0.0.2 $z=example.test $k=AXFR unmapped.xfer.phase=ended unmapped.xfer.records? unmapped.xfer.bytes?
bind: AXFR denied 127.0.0.3      | $xfer $ip=127.0.0.3 $z=example.test $k=AXFR status_id=2 unmapped.xfer.phase=denied
bind: AXFR denied IPv6 ::1       | $xfer $ip=::1 $z=example.test $k=AXFR status_id=2
bind: AXFR with TSIG xfer-key    | $xfer $ip=127.0.0.4 $z=example.test $k=AXFR status_id=1 unmapped.xfer.tsig_key=xfer-key
bind: AXFR not served NOTAUTH    | $xfer $ip=127.0.0.2 $z=nosuch.test status_id=2 rcode_id=9
bind: AXFR of open zone served   | $xfer $ip=127.0.0.6 $z=open.test $k=AXFR status_id=1
bind: IXFR allowed incremental   | $xfer $ip=127.0.0.2 $z=example.test $k=IXFR status_id=1 unmapped.xfer.serial_from=2024010101 unmapped.xfer.serial=2024010102
bind: IXFR denied 127.0.0.3      | $xfer $ip=127.0.0.3 $z=example.test $k=IXFR status_id=2
bind: signed update approved     | class_uid=6003 $ip=127.0.0.7 $z=example.test unmapped.xfer.tsig_key=ddns-key status_id=1 unmapped.record.name=new.example.test unmapped.record.type=A
bind: unsigned update denied     | $denied_update $ip=127.0.0.8 $z=example.test status_id=2
bind: bad TSIG signature         | $ip=127.0.0.9 status_id=2 status_detail~BADSIG
bind: rndc addzone               | class_uid=6003 $z=added.test unmapped.change.kind? api.operation~addzone
bind: rndc delzone               | class_uid=6003 $z=added.test api.operation~delzone
bind: rndc reconfig              | class_uid=6003 api.operation~reconfig src_endpoint.name='rndc control channel' !src_endpoint.ip
bind: every event has time+product | metadata.product.name~BIND time? metadata.version=1.8.0 unmapped.position.line? | >=20
bind: AXFR denied answers REFUSED | $xfer $ip=127.0.0.3 $z=example.test $k=AXFR status_id=2 rcode_id=5 rcode=Refused status_detail~denied
bind: IPv6 AXFR denied REFUSED   | $xfer $ip=::1 $z=example.test $k=AXFR status_id=2 rcode_id=5
bind: IXFR denied answers REFUSED | $xfer $ip=127.0.0.3 $z=example.test $k=IXFR status_id=2 rcode_id=5 rcode=Refused
bind: not served answers NOTAUTH | $xfer $ip=127.0.0.2 $z=nosuch.test status_id=2 rcode=NotAuth status_detail~NOTAUTH
EOF
        ;;
    bind_iso)
        cat <<EOF
bind-iso: query A from 127.0.0.5   | $xfer $ip=127.0.0.5 query.hostname=www.example.test query.type=A metadata.product.name~BIND
bind-iso: AXFR denied 127.0.0.3    | $xfer $ip=127.0.0.3 $z=example.test $k=AXFR status_id=2
bind-iso: AXFR with TSIG xfer-key  | $xfer $ip=127.0.0.4 $z=example.test $k=AXFR status_id=1 unmapped.xfer.tsig_key=xfer-key
bind-iso: IXFR allowed incremental | $xfer $ip=127.0.0.2 $z=example.test $k=IXFR status_id=1 unmapped.xfer.serial=2024010102
bind-iso: time from ISO 8601 UTC   | time~^1[0-9]{12}$ metadata.version=1.8.0 | >=5
bind-iso: AXFR denied REFUSED     | $xfer $ip=127.0.0.3 $z=example.test $k=AXFR status_id=2 rcode_id=5 rcode=Refused
EOF
        ;;
    knot)
        cat <<EOF
knot: AXFR allowed 127.0.0.2     | $xfer $ip=127.0.0.2 $z=example.test $k=AXFR status_id=1 unmapped.xfer.direction=out
knot: AXFR finished with bytes   | $xfer $ip=127.0.0.2 $z=example.test $k=AXFR unmapped.xfer.bytes?
knot: AXFR denied 127.0.0.3      | $xfer $ip=127.0.0.3 $z=example.test status_id=2
knot: AXFR with TSIG xfer-key    | $xfer $ip=127.0.0.4 $z=example.test status_id=1 unmapped.xfer.tsig_key=xfer-key
knot: AXFR of open zone served   | $xfer $ip=127.0.0.6 $z=open.test $k=AXFR status_id=1
knot: IXFR allowed incremental   | $xfer $ip=127.0.0.2 $z=example.test $k=IXFR status_id=1 unmapped.xfer.serial_from=2024010101 unmapped.xfer.serial=2024010102
knot: IXFR denied 127.0.0.3      | $xfer $ip=127.0.0.3 $z=example.test status_id=2 | >=2
knot: signed DDNS                | class_uid=6003 $ip=127.0.0.7 $z=example.test status_id=1 unmapped.xfer.tsig_key=ddns-key unmapped.xfer.serial=2024010102
knot: unsigned DDNS denied       | $denied_update $ip=127.0.0.8 $z=example.test status_id=2
knot: product and time           | metadata.product.name~Knot time? metadata.version=1.8.0 | >=8
knot: transfers denied NOTAUTH   | $xfer $ip=127.0.0.3 $z=example.test status_id=2 rcode_id=9 rcode=NotAuth status_detail='denied by ACL' | >=2
EOF
        ;;
    nsd)
        cat <<EOF
nsd: AXFR allowed 127.0.0.2      | $xfer $ip=127.0.0.2 $z=example.test $k=AXFR status_id=1
nsd: AXFR refused 127.0.0.3      | $xfer $ip=127.0.0.3 $z=example.test $k=AXFR status_id=2
nsd: AXFR with TSIG 127.0.0.4    | $xfer $ip=127.0.0.4 $z=example.test $k=AXFR status_id=1
nsd: AXFR not served refused     | $xfer $ip=127.0.0.2 $z=nosuch.test $k=AXFR status_id=2
nsd: AXFR of open zone served    | $xfer $ip=127.0.0.6 $z=open.test $k=AXFR status_id=1
nsd: IXFR allowed 127.0.0.2      | $xfer $ip=127.0.0.2 $z=example.test $k=IXFR status_id=1
nsd: IXFR refused 127.0.0.3      | $xfer $ip=127.0.0.3 $z=example.test $k=IXFR status_id=2
nsd: product and time            | metadata.product.name~NSD time? metadata.version=1.8.0 | >=7
nsd: AXFR refused, no acl         | $xfer $ip=127.0.0.3 $z=example.test $k=AXFR status_id=2 status_detail='no acl matches' unmapped.xfer.phase=denied
nsd: IXFR refused, no acl         | $xfer $ip=127.0.0.3 $z=example.test $k=IXFR status_id=2 status_detail='no acl matches'
EOF
        ;;
    pdns)
        cat <<EOF
pdns: query A from 127.0.0.5     | $xfer $ip=127.0.0.5 query.hostname=www.example.test query.type=A
pdns: TCP query MX               | $xfer $ip=127.0.0.5 query.hostname=example.test query.type=MX
pdns: AXFR allowed 127.0.0.2     | $xfer $ip=127.0.0.2 $z=example.test $k=AXFR status_id=1
pdns: AXFR denied 127.0.0.3      | $xfer $ip=127.0.0.3 $z=example.test $k=AXFR status_id=2
pdns: AXFR with TSIG xfer-key    | $xfer $ip=127.0.0.4 $z=example.test $k=AXFR status_id=1 unmapped.xfer.tsig_key=xfer-key
pdns: AXFR not served denied     | $xfer $ip=127.0.0.2 $z=nosuch.test $k=AXFR status_id=2
pdns: AXFR of open zone served   | $xfer $ip=127.0.0.6 $z=open.test $k=AXFR status_id=1
pdns: IXFR allowed 127.0.0.2     | $xfer $ip=127.0.0.2 $z=example.test $k=IXFR status_id=1
pdns: IXFR denied 127.0.0.3      | $xfer $ip=127.0.0.3 $z=example.test $k=IXFR status_id=2
pdns: product and time           | metadata.product.name~PowerDNS time? metadata.version=1.8.0 | >=10
pdns: AXFR denied NOTAUTH        | $xfer $ip=127.0.0.3 $z=example.test $k=AXFR status_id=2 rcode_id=9 rcode=NotAuth
pdns: not served NOTAUTH         | $xfer $ip=127.0.0.2 $z=nosuch.test $k=AXFR status_id=2 rcode_id=9 rcode=NotAuth
EOF
        ;;
    esac
}

rc=0
for s in bind bind_iso knot nsd pdns; do
    f=${FORMAT[$s]}
    if ! grep -qx "$f" <<<"$formats"; then
        echo "FAIL $s: no '$f' parser in $("$ZW_BIN" --version)"
        rc=1
        continue
    fi
    log=${LOGFILE[$s]}
    cp "$log" "$OUT/$s.log"
    for mode in auto "$f"; do
        ev=$OUT/$s.$mode.jsonl
        dlq=$OUT/$s.$mode.dlq
        if ! "$ZW_BIN" normalize --format "$mode" --dlq "$dlq" -o "$ev" "$log" 2>"$OUT/$s.$mode.stderr"; then
            echo "FAIL $s: zonewarden normalize --format $mode exited non-zero"
            cat "$OUT/$s.$mode.stderr"
            rc=1
            continue
        fi
        echo "== $s ($mode): $(wc -l <"$log") log lines -> $(wc -l <"$ev") events; $(tr '\n' ' ' <"$OUT/$s.$mode.stderr" | cut -c1-200)"
        expectations "$s" >"$OUT/$s.expect"
        if ! python3 "$EXPECT" "$ev" "$OUT/$s.expect" --dlq "$dlq"; then
            rc=1
        fi
        # the same log as ECS: the transfer outcome under ECS names
        if [ "$mode" = auto ]; then
            zone=example.test
            cat >"$OUT/$s.ecs.expect" <<EOF
$s ecs: AXFR denied 127.0.0.3  | source.ip=127.0.0.3 zonewarden.zone=$zone event.outcome=failure event.kind=event event.category=network ecs.version? @timestamp?
$s ecs: AXFR allowed 127.0.0.2 | source.ip=127.0.0.2 zonewarden.zone=$zone zonewarden.xfer.kind~XFR event.outcome=success
EOF
            if ! "$ZW_BIN" normalize --quiet --output ecs -o "$OUT/$s.ecs.jsonl" "$log" ||
                ! python3 "$EXPECT" "$OUT/$s.ecs.jsonl" "$OUT/$s.ecs.expect"; then
                rc=1
            fi
        fi
        # the live servers' events must be valid OCSF too
        if ! python3 "$ZW_ROOT/tests/ocsf/validate.py" "$ev"; then
            rc=1
        fi
    done
done
if [ "$rc" -ne 0 ]; then
    echo "FAIL: events differ from the expectations; logs and events kept in $OUT"
fi
exit $rc
