#!/usr/bin/env bash
# 40-exposure-axfr.sh - `zonewarden axfr-check` and `zonewarden exposure --axfr` against
# real BIND 9, Knot, NSD and PowerDNS on loopback inside a private network namespace
# (unshare --net: only "lo" exists there), each configured restrictive (closed.test) and
# permissive (open.test), a TSIG-protected zone (tsig.test: refused without the key,
# transferred with it, rejected with a wrong key), and an IXFR-only leak:
#
#   dnsdist in front of BIND, doing the transfer ACL for it (BIND allows transfers only
#   from dnsdist's backend source address 127.0.0.3).  Its rule refuses QTYPE AXFR from
#   everyone but the secondary 127.0.0.2 - and forgets IXFR, so an IXFR query with an
#   old serial is passed to BIND, which answers with the zone (AXFR-style IXFR).
#   This is the setup of dnsdist's own "AXFR, IXFR and NOTIFY" guide with the IXFR
#   QTypeRule left out, a real misconfiguration that AXFR-only checks do not catch.
#
# Checks each verdict and exit code, the records/serial/rcode in the findings, that every
# finding is valid OCSF 1.8.0, and that `exposure --axfr` reviews a transferred zone.
# Every server is stopped by PID (trap EXIT); every wait is bounded.
set -u
ZW_ROOT=${ZW_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
ZW_BIN=${ZW_BIN:-$ZW_ROOT/build/release/zonewarden}

if [ "${ZW_EX_IN_NETNS:-0}" != 1 ]; then
    if ! unshare --net true 2>/dev/null; then
        echo "FAIL: unshare --net not permitted (needs root or user namespaces)"
        exit 1
    fi
    ZW_EX_IN_NETNS=1 ZW_ROOT=$ZW_ROOT ZW_BIN=$ZW_BIN exec timeout 300 unshare --net -- bash "$0" "$@"
fi
ip link set lo up
ip addr add 127.0.0.2/8 dev lo 2>/dev/null
ip addr add 127.0.0.3/8 dev lo 2>/dev/null

for b in named knotd nsd pdns_server dnsdist dig; do
    if ! command -v "$b" >/dev/null && [ ! -x "/usr/sbin/$b" ]; then
        echo "FAIL: $b not installed (scripts/install-deps.sh)"
        exit 1
    fi
done

W=$(mktemp -d "${TMPDIR:-/tmp}/zw-axfr.XXXXXX")
PIDS=()
stop_all() {
    local pid i kids
    for pid in "${PIDS[@]}"; do
        kill -0 "$pid" 2>/dev/null || continue
        kids=$(ps -o pid= --ppid "$pid" 2>/dev/null)
        kill -TERM "$pid" 2>/dev/null
        for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
        for k in $kids; do
            kill -0 "$k" 2>/dev/null && kill -KILL "$k" 2>/dev/null
        done
        wait "$pid" 2>/dev/null
    done
    PIDS=()
}
cleanup() {
    stop_all
    if [ "${ZW_KEEP:-0}" = 1 ]; then echo "kept $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT

SECRET="mLgGZfMCGa3mBRuRF3Gf8RRNwjPzn7xRtrT0w1vU0eA="
WRONG="AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
printf 'key "xfer-key" {\n\talgorithm hmac-sha256;\n\tsecret "%s";\n};\n' "$SECRET" >"$W/xfer.key"
printf 'key "xfer-key" {\n\talgorithm hmac-sha256;\n\tsecret "%s";\n};\n' "$WRONG" >"$W/wrong.key"

# 6 records: SOA NS A A A MX (an AXFR carries 7: the closing SOA repeats the first)
zone() { # name serial
    cat <<EOF
\$TTL 300
@        IN SOA ns1.$1. hostmaster.$1. ( $2 3600 600 86400 300 )
@        IN NS  ns1.$1.
@        IN MX  10 $1-mail.mail.protection.outlook.com.
ns1      IN A   127.0.0.1
www      IN A   127.0.10.10
vpn      IN A   127.0.10.20
EOF
}
ZONES="closed.test open.test tsig.test leak.test"

# ---------------------------------------------------------------- BIND 9 (5310)
mkdir -p "$W/bind"
for z in $ZONES; do zone $z 2024010101 >"$W/bind/$z.zone"; done
cat >"$W/bind/named.conf" <<EOF
include "$W/xfer.key";
options {
    directory "$W/bind";
    pid-file "$W/bind/named.pid";
    session-keyfile "$W/bind/session.key";
    listen-on port 5310 { 127.0.0.1; };
    listen-on-v6 { none; };
    recursion no;
    dnssec-validation no;
    notify no;
    allow-transfer { none; };
};
zone "closed.test" { type primary; file "closed.test.zone"; };
zone "open.test"   { type primary; file "open.test.zone"; allow-transfer { any; }; allow-update { 127.0.0.1; }; };
zone "tsig.test"   { type primary; file "tsig.test.zone"; allow-transfer { key "xfer-key"; }; };
// transfers only through dnsdist (its backend source address)
zone "leak.test"   { type primary; file "leak.test.zone"; allow-transfer { 127.0.0.3; }; };
EOF
/usr/sbin/named -f -c "$W/bind/named.conf" >"$W/bind/stderr" 2>&1 &
PIDS+=($!)

# ---------------------------------------------------------------- Knot (5320)
mkdir -p "$W/knot/zones" "$W/knot/db" "$W/knot/run"
for z in closed.test open.test tsig.test; do zone $z 2024010101 >"$W/knot/zones/$z.zone"; done
cat >"$W/knot/knot.conf" <<EOF
server:
    rundir: "$W/knot/run"
    listen: 127.0.0.1@5320
    pidfile: "$W/knot/run/knotd.pid"
log:
  - target: "$W/knot/knotd.log"
    any: info
database:
    storage: "$W/knot/db"
key:
  - id: xfer-key
    algorithm: hmac-sha256
    secret: $SECRET
acl:
  - id: anyone
    address: 127.0.0.0/8
    action: transfer
  - id: with_key
    key: xfer-key
    action: transfer
template:
  - id: default
    storage: "$W/knot/zones"
    file: "%s.zone"
zone:
  - domain: closed.test
  - domain: open.test
    acl: anyone
  - domain: tsig.test
    acl: with_key
EOF
/usr/sbin/knotd -c "$W/knot/knot.conf" >"$W/knot/stderr" 2>&1 &
PIDS+=($!)

# ---------------------------------------------------------------- NSD (5330)
mkdir -p "$W/nsd/zones"
for z in closed.test open.test tsig.test; do zone $z 2024010101 >"$W/nsd/zones/$z.zone"; done
cat >"$W/nsd/nsd.conf" <<EOF
server:
    ip-address: 127.0.0.1@5330
    do-ip6: no
    logfile: "$W/nsd/nsd.log"
    pidfile: "$W/nsd/nsd.pid"
    username: ""
    chroot: ""
    zonesdir: "$W/nsd/zones"
    database: ""
    zonelistfile: "$W/nsd/zone.list"
    xfrdfile: "$W/nsd/xfrd.state"
    xfrdir: "$W/nsd"
    server-count: 1
remote-control:
    control-enable: no
key:
    name: "xfer-key"
    algorithm: hmac-sha256
    secret: "$SECRET"
zone:
    name: "closed.test"
    zonefile: "closed.test.zone"
zone:
    name: "open.test"
    zonefile: "open.test.zone"
    provide-xfr: 127.0.0.0/8 NOKEY
zone:
    name: "tsig.test"
    zonefile: "tsig.test.zone"
    provide-xfr: 127.0.0.0/8 xfer-key
EOF
/usr/sbin/nsd -d -c "$W/nsd/nsd.conf" >"$W/nsd/stderr" 2>&1 &
PIDS+=($!)

# ---------------------------------------------------------------- PowerDNS (5340 restrictive, 5341 permissive)
for v in restrictive:5340:127.0.0.2/32 permissive:5341:127.0.0.0/8; do
    IFS=: read -r name port acl <<<"$v"
    d="$W/pdns-$name"
    mkdir -p "$d"
    zone closed.test 2024010101 >"$d/closed.test.zone"
    zone open.test 2024010101 >"$d/open.test.zone"
    printf 'zone "closed.test" { type master; file "%s/closed.test.zone"; };\nzone "open.test" { type master; file "%s/open.test.zone"; };\n' "$d" "$d" >"$d/named.conf"
    cat >"$d/pdns.conf" <<EOF
launch=bind
bind-config=$d/named.conf
local-address=127.0.0.1
local-port=$port
socket-dir=$d
guardian=no
daemon=no
disable-syslog=yes
disable-axfr=no
allow-axfr-ips=$acl
webserver=no
api=no
primary=no
secondary=no
security-poll-suffix=
EOF
    /usr/sbin/pdns_server --config-dir="$d" >"$d/stderr" 2>&1 &
    PIDS+=($!)
done

# ---------------------------------------------------------------- dnsdist (5350) -> BIND
mkdir -p "$W/dnsdist"
cat >"$W/dnsdist/dnsdist.conf" <<'EOF'
setSecurityPollSuffix("")
setLocal("127.0.0.1:5350")
setACL({"127.0.0.0/8"})
newServer({address="127.0.0.1:5310", source="127.0.0.3", name="bind", checkName="leak.test.", checkType="SOA"})
-- the transfer ACL lives here; the rule names AXFR only (IXFR forgotten)
addAction(AndRule({QTypeRule(DNSQType.AXFR), NotRule(makeRule("127.0.0.2/32"))}), RCodeAction(DNSRCode.REFUSED))
EOF
dnsdist --supervised --disable-syslog -C "$W/dnsdist/dnsdist.conf" >"$W/dnsdist/stderr" 2>&1 &
PIDS+=($!)

wait_soa() { # port zone
    local i
    for i in $(seq 1 60); do
        if dig +norec +time=1 +tries=1 -p "$1" @127.0.0.1 "$2" SOA 2>/dev/null | grep -q 'status: NOERROR'; then
            return 0
        fi
        sleep 0.25
    done
    echo "FAIL: port $1 never answered SOA for $2"
    for f in "$W"/*/stderr "$W"/knot/knotd.log "$W"/nsd/nsd.log; do
        [ -s "$f" ] && { echo "--- $f"; tail -5 "$f"; }
    done
    exit 1
}
wait_soa 5310 open.test
wait_soa 5320 open.test
wait_soa 5330 open.test
wait_soa 5340 closed.test
wait_soa 5341 open.test
wait_soa 5350 leak.test
echo "-- servers up: BIND $(named -v | awk '{print $2}'), Knot $(knotd -V | awk '{print $NF}'), NSD $(nsd -v 2>&1 | awk 'NR==1{print $3}'), PowerDNS, dnsdist $(dnsdist --version | awk 'NR==1{print $2}')"

fails=0
: >"$W/all.jsonl"
# check NAME WANT_EXIT ARGS... : runs axfr-check, compares the exit code, keeps its findings
check() {
    local name=$1 want=$2
    shift 2
    "$ZW_BIN" axfr-check --timeout 3000 -o "$W/$name.jsonl" "$@" 2>"$W/$name.verdict"
    local rc=$?
    cat "$W/$name.jsonl" >>"$W/all.jsonl"
    if [ "$rc" != "$want" ]; then
        echo "FAIL $name: exit $rc, want $want: $(cat "$W/$name.verdict")"
        fails=$((fails + 1))
    else
        echo "ok   $name (exit $rc): $(cat "$W/$name.verdict")"
    fi
}
# expect NAME EXPECTATIONS... : zw_expect.py over that check's findings
expect() {
    local name=$1
    shift
    printf '%s\n' "$@" >"$W/$name.expect"
    if ! python3 "$ZW_ROOT/tests/integration/lib/zw_expect.py" "$W/$name.jsonl" "$W/$name.expect" >"$W/$name.expect.out" 2>&1; then
        echo "FAIL $name findings:"
        sed 's/^/    /' "$W/$name.expect.out"
        fails=$((fails + 1))
    fi
}

S=127.0.0.1
for srv in bind:5310 knot:5320 nsd:5330; do
    IFS=: read -r n p <<<"$srv"
    check "$n-closed" 0 --server $S:$p --zone closed.test
    expect "$n-closed" \
        "axfr refused | unmapped.xfer.kind=AXFR compliance.status=Pass unmapped.xfer.data_returned=false unmapped.xfer.rcode_id!=0 unmapped.xfer.records=0 class_uid=2003 | 1" \
        "ixfr refused | unmapped.xfer.kind=IXFR compliance.status=Pass unmapped.xfer.data_returned=false unmapped.xfer.serial_from=2024010100 | 1"
    check "$n-open" 1 --server $S:$p --zone open.test
    expect "$n-open" \
        "axfr data | unmapped.xfer.kind=AXFR compliance.status=Fail compliance.status_id=3 unmapped.xfer.data_returned=true unmapped.xfer.records=7 unmapped.xfer.serial=2024010101 unmapped.xfer.rcode_id=0 severity_id=4 evidences.dst_endpoint.port=$p | 1" \
        "ixfr data | unmapped.xfer.kind=IXFR compliance.status=Fail unmapped.xfer.data_returned=true unmapped.xfer.serial=2024010101 | 1"
    check "$n-tsig-nokey" 0 --server $S:$p --zone tsig.test
    expect "$n-tsig-nokey" "both refused | compliance.status=Pass unmapped.xfer.data_returned=false | 2"
    check "$n-tsig-key" 0 --server $S:$p --zone tsig.test --tsig "$W/xfer.key"
    expect "$n-tsig-key" \
        "unauthenticated refused | unmapped.xfer.data_returned=false compliance.status=Pass !unmapped.xfer.tsig_key | 2" \
        "keyed transfer | unmapped.xfer.tsig_key=xfer-key unmapped.xfer.data_returned=true unmapped.xfer.records=7 compliance.status=Pass | 1"
    check "$n-tsig-wrongkey" 3 --server $S:$p --zone tsig.test --tsig "$W/wrong.key"
    expect "$n-tsig-wrongkey" "wrong key gets nothing | unmapped.xfer.tsig_key=xfer-key unmapped.xfer.data_returned=false compliance.status=Warning | 1"
done

check pdns-restrictive 0 --server $S:5340 --zone closed.test
expect pdns-restrictive "refused | compliance.status=Pass unmapped.xfer.data_returned=false | 2"
check pdns-restrictive-from-secondary 1 --server $S:5340 --zone closed.test --source-ip 127.0.0.2
expect pdns-restrictive-from-secondary \
    "allowed secondary gets data | evidences.src_endpoint.ip=127.0.0.2 unmapped.xfer.kind=AXFR unmapped.xfer.records=7 compliance.status=Fail | 1"
check pdns-permissive 1 --server $S:5341 --zone open.test
expect pdns-permissive "axfr data | unmapped.xfer.kind=AXFR unmapped.xfer.data_returned=true unmapped.xfer.records=7 | 1"

# IXFR-only leak: AXFR refused by dnsdist, IXFR passed to BIND and answered with data
check bind-direct-leakzone 0 --server $S:5310 --zone leak.test
check dnsdist-ixfr-leak 1 --server $S:5350 --zone leak.test
expect dnsdist-ixfr-leak \
    "axfr refused by the front end | unmapped.xfer.kind=AXFR compliance.status=Pass unmapped.xfer.rcode=REFUSED | 1" \
    "ixfr leaks | unmapped.xfer.kind=IXFR compliance.status=Fail unmapped.xfer.data_returned=true unmapped.xfer.records=7 | 1"
if ! grep -q "AXFR refused.*IXFR returned zone data" "$W/dnsdist-ixfr-leak.verdict"; then
    echo "FAIL dnsdist-ixfr-leak verdict line: $(cat "$W/dnsdist-ixfr-leak.verdict")"
    fails=$((fails + 1))
fi
check no-server 3 --server $S:5399 --zone open.test

# incremental IXFR from BIND's journal: one update (serial +1), then IXFR for the old
# serial is SOA(new) SOA(old) SOA(new) A(added) SOA(new) = 5 records, 1 of them data
printf 'server 127.0.0.1 5310\nzone open.test\nupdate add added.open.test. 300 A 127.0.10.99\nsend\n' |
    timeout 10 nsupdate -t 5 >"$W/nsupdate.out" 2>&1
for i in $(seq 1 40); do
    [ "$(dig +short +norec -p 5310 @127.0.0.1 open.test SOA | awk '{print $3}')" = 2024010102 ] && break
    sleep 0.25
done
check bind-open-incremental 1 --server $S:5310 --zone open.test
expect bind-open-incremental \
    "incremental ixfr | unmapped.xfer.kind=IXFR unmapped.xfer.serial_from=2024010101 unmapped.xfer.serial=2024010102 unmapped.xfer.records=5 unmapped.xfer.data_returned=true | 1" \
    "axfr after update | unmapped.xfer.kind=AXFR unmapped.xfer.records=8 unmapped.xfer.serial=2024010102 | 1"

# every finding is valid OCSF 1.8.0
n=$(wc -l <"$W/all.jsonl")
if python3 "$ZW_ROOT/tests/ocsf/validate.py" --schema "$ZW_ROOT/tests/data/ocsf-1.8.0" --quiet "$W/all.jsonl" >"$W/ocsf.out" 2>&1; then
    echo "ok   $n axfr-check findings are valid OCSF 1.8.0"
else
    echo "FAIL OCSF validation:"
    head -20 "$W/ocsf.out"
    fails=$((fails + 1))
fi

# exposure over a live AXFR (permissive Knot) and a refused one (closed BIND)
if "$ZW_BIN" exposure --axfr $S:5320 open.test --inventory "$ZW_ROOT/tests/data/exposure/strict.yml" \
    -o "$W/exposure.jsonl" 2>"$W/exposure.err"; then
    printf '%s\n' \
        "mx provider | unmapped.exposure.provider=microsoft365 unmapped.exposure.via=mx unmapped.source_format=exposure unmapped.exposure.input=axfr | 1" \
        "vpn name | unmapped.exposure.kind=remote-access unmapped.record.name=vpn.open.test unmapped.exposure.classification=unapproved | 1" \
        "loopback addresses | unmapped.exposure.kind=private-address | 3" >"$W/exposure.expect"
    if python3 "$ZW_ROOT/tests/integration/lib/zw_expect.py" "$W/exposure.jsonl" "$W/exposure.expect" >"$W/exposure.out" 2>&1; then
        echo "ok   exposure --axfr open.test: $(tail -1 "$W/exposure.err")"
    else
        echo "FAIL exposure --axfr findings:"
        cat "$W/exposure.out"
        fails=$((fails + 1))
    fi
else
    echo "FAIL exposure --axfr open.test: $(cat "$W/exposure.err")"
    fails=$((fails + 1))
fi
# a TSIG-protected zone reviewed through a keyed transfer (NSD), source address bound
if "$ZW_BIN" exposure --axfr $S:5330 tsig.test --tsig "$W/xfer.key" --source-ip 127.0.0.2 \
    -o "$W/exposure-tsig.jsonl" 2>"$W/exposure-tsig.err" &&
    [ "$(grep -c '"record":{"name":"vpn.tsig.test"' "$W/exposure-tsig.jsonl")" -ge 1 ]; then
    echo "ok   exposure --axfr tsig.test with the key: $(tail -1 "$W/exposure-tsig.err")"
else
    echo "FAIL exposure --axfr tsig.test with the key: $(cat "$W/exposure-tsig.err")"
    fails=$((fails + 1))
fi
"$ZW_BIN" exposure --axfr $S:5310 closed.test >/dev/null 2>"$W/exposure-closed.err"
rc=$?
if [ "$rc" = 3 ] && grep -qi "refused" "$W/exposure-closed.err"; then
    echo "ok   exposure --axfr closed.test refused (exit 3)"
else
    echo "FAIL exposure --axfr closed.test: exit $rc: $(cat "$W/exposure-closed.err")"
    fails=$((fails + 1))
fi

stop_all

# the detection engine reads the findings like any other event
if "$ZW_BIN" compile -o "$W/rules.zwt" "$ZW_ROOT/tests/data/exposure/detect/exposure-findings.yml" 2>"$W/compile.err" &&
    cat "$W/all.jsonl" "$W/exposure.jsonl" | "$ZW_BIN" detect -r "$W/rules.zwt" -o "$W/alerts.jsonl" 2>"$W/detect.err"; then
    printf '%s\n' \
        "transferred without key | class_uid=2004 finding_info.analytic.uid=AN9001-01 | 11" \
        "unapproved remote-access name | class_uid=2004 finding_info.analytic.uid=AN9001-02 | 1" >"$W/alerts.expect"
    if python3 "$ZW_ROOT/tests/integration/lib/zw_expect.py" "$W/alerts.jsonl" "$W/alerts.expect" >"$W/alerts.out" 2>&1; then
        echo "ok   detect over the findings: $(tail -1 "$W/detect.err")"
    else
        echo "FAIL detect over the findings:"
        cat "$W/alerts.out"
        fails=$((fails + 1))
    fi
else
    echo "FAIL compile/detect: $(cat "$W/compile.err" "$W/detect.err" 2>/dev/null)"
    fails=$((fails + 1))
fi

if [ "$fails" -ne 0 ]; then
    echo "FAIL: $fails check(s) failed"
    exit 1
fi
echo "40-exposure-axfr: all checks passed"
