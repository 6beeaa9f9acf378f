#!/usr/bin/env bash
# 41-config-review-live.sh - `zonewarden config-review` against the servers themselves.
#
# 1. Every configuration under tests/data/config-review/ is accepted by its server's own
#    checker (named-checkconf, knotc conf-check, nsd-checkconf, pdns_server
#    --config=check) and reviewed without errors; every broken one under bad/ is
#    rejected by the checker and reported by config-review with exit 3.
# 2. Transfer rules, live: BIND 9, Knot, NSD and PowerDNS run in a private network
#    namespace (tests/lab/dnslab-lib.sh) with open (any), closed (the secondary
#    127.0.0.2) and key-only zones; plus a BIND of our own with views and no
#    allow-transfer in options (BIND's default, inherited by a zone), and PowerDNS
#    servers of our own with allow-axfr-ips open to every address, and empty.  For every zone, config-review's verdict on
#    the configuration file the server runs from must agree with axfr-check from an
#    unlisted address (127.0.0.3):  transfer-open fail  <=>  axfr-check FAIL (exit 1).
# Servers are stopped by PID (lab_stop_all and our own PIDs, on EXIT); waits are bounded.
set -u
ZW_ROOT=${ZW_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
ZW_BIN=${ZW_BIN:-$ZW_ROOT/build/release/zonewarden}
export ZW_ROOT ZW_BIN
# shellcheck source=../lab/dnslab-lib.sh
source "$ZW_ROOT/tests/lab/dnslab-lib.sh"
lab_enter_netns "$@"
lab_init

fail() { echo "FAIL: $*"; exit 1; }
D=$ZW_ROOT/tests/data/config-review
OWN_PIDS=()
own_stop() {
    local pid i
    for pid in "${OWN_PIDS[@]}"; do
        kill -0 "$pid" 2>/dev/null || continue
        kill -TERM "$pid" 2>/dev/null
        for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    OWN_PIDS=()
}
trap 'rc=$?; own_stop; lab__on_exit $rc' EXIT

# ------------------------------------------------------------ 1. the servers' checkers

# check_with SERVER FILE: the server's own configuration checker; 0 when accepted.
check_with() {
    local server=$1 f=$2 t
    case $server in
    bind) (cd "$(dirname "$f")" && named-checkconf "$(basename "$f")") ;;
    knot) knotc -c "$f" conf-check ;;
    nsd) nsd-checkconf "$f" ;;
    pdns)
        t=$(mktemp -d "$LAB_DIR/pdnscheck.XXXXXX")
        cp "$f" "$t/pdns.conf"
        timeout 20 pdns_server --config-dir="$t" --config=check
        ;;
    esac
}

n=0
for f in "$D"/*.conf "$D"/bad/*.conf; do
    b=$(basename "$f")
    server=${b%%-*}
    case $f in
    */bad/*)
        if check_with "$server" "$f" >/dev/null 2>&1; then
            fail "$server's checker accepts the broken $f"
        fi
        "$ZW_BIN" config-review "$f" >/dev/null 2>"$LAB_DIR/err.txt"
        rc=$?
        [ $rc = 3 ] || fail "config-review $f: exit $rc, want 3 (input error)"
        grep -q "^$f:[0-9]*:[0-9]*: " "$LAB_DIR/err.txt" ||
            fail "config-review $f: no file:line:col error: $(cat "$LAB_DIR/err.txt")"
        ;;
    *)
        check_with "$server" "$f" >"$LAB_DIR/check.txt" 2>&1 ||
            fail "$server's checker rejects $f: $(cat "$LAB_DIR/check.txt")"
        "$ZW_BIN" config-review "$f" >"$LAB_DIR/f.jsonl" 2>"$LAB_DIR/err.txt" ||
            fail "config-review $f: exit $? ($(cat "$LAB_DIR/err.txt"))"
        grep -q "($server, " "$LAB_DIR/err.txt" || fail "config-review $f: not read as $server"
        ;;
    esac
    n=$((n + 1))
done
[ $n -ge 14 ] || fail "only $n configurations checked"
echo "ok: $n configurations: accepted ones reviewed cleanly, broken ones rejected by both"

# every finding is valid OCSF 1.8.0; the HTML report has one row per finding
good=("$D"/*.conf)
"$ZW_BIN" config-review --inventory "$D/inventory.yml" --html "$LAB_DIR/r.html" "${good[@]}" \
    >"$LAB_DIR/all.jsonl" 2>/dev/null || fail "config-review over all test configurations"
python3 "$ZW_ROOT/tests/ocsf/validate.py" --quiet "$LAB_DIR/all.jsonl" ||
    fail "config-review findings are not valid OCSF"
rows=$(grep -c '<tr data-class=' "$LAB_DIR/r.html")
lines=$(wc -l <"$LAB_DIR/all.jsonl")
[ "$rows" = "$lines" ] && [ "$lines" -gt 100 ] || fail "HTML has $rows rows for $lines findings"
echo "ok: $lines findings valid OCSF, $rows HTML rows"

# --fail-on: the open BIND configuration fails at high, the closed one does not
"$ZW_BIN" config-review --fail-on high "$D/bind-open.conf" >/dev/null 2>&1
[ $? = 1 ] || fail "--fail-on high on bind-open.conf should exit 1"
"$ZW_BIN" config-review --fail-on low "$D/bind-closed.conf" >/dev/null 2>&1 ||
    fail "--fail-on low on bind-closed.conf should exit 0"

# ------------------------------------------------------------ 2. live transfer rules

for s in bind knot nsd pdns; do
    lab_zone "$s" open.test transfer=any
    lab_zone "$s" closed.test transfer=127.0.0.2
done
for s in bind knot nsd; do
    lab_zone "$s" keyonly.test transfer="key:xfer-key"
done
lab_start bind knot nsd pdns

# Our own BIND: views, no allow-transfer in options (BIND 9.18 then allows everyone).
O=$LAB_DIR/own
mkdir -p "$O/bind" "$O/pdns"
for z in dflt.test viewacl.test override.test; do
    lab_zonefile "$z" 2024010101 >"$O/bind/$z.zone"
done
cat >"$O/bind/named.conf" <<EOF
// config-review live test: a view, inheritance options -> view -> zone
acl "secondaries" { 127.0.0.2; };
options {
    directory "$O/bind";
    pid-file "$O/bind/named.pid";
    session-keyfile "$O/bind/session.key";
    managed-keys-directory "$O/bind";
    listen-on port 5301 { 127.0.1.1; };
    listen-on-v6 { none; };
    recursion no;
    dnssec-validation no;
};
view "only" {
    match-clients { any; };
    zone "dflt.test" { type primary; file "dflt.test.zone"; };
    zone "viewacl.test" {
        type primary;
        file "viewacl.test.zone";
        allow-transfer { secondaries; };
    };
    zone "override.test" {
        type primary;
        file "override.test.zone";
        allow-transfer { !127.0.0.9; any; };
    };
};
EOF
named-checkconf "$O/bind/named.conf" || fail "named-checkconf rejects our own BIND config"
/usr/sbin/named -f -c "$O/bind/named.conf" >"$O/bind/named.stderr" 2>&1 &
OWN_PIDS+=($!)

# Our own PowerDNS servers on the lab's zones (bind backend, no metadata database):
# allow-axfr-ips open to every address (port 5304), and empty (port 5305: nobody).
own_pdns() { # dir port allow-axfr-ips
    mkdir -p "$1"
    cat >"$1/pdns.conf" <<EOF
# config-review live test: PowerDNS with allow-axfr-ips=$3
launch=bind
bind-config=$LAB_DIR/pdns/named.conf
local-address=127.0.1.4
local-port=$2
socket-dir=$1
guardian=no
daemon=no
disable-syslog=yes
allow-axfr-ips=$3
security-poll-suffix=
webserver=no
api=no
EOF
    /usr/sbin/pdns_server --config-dir="$1" >"$1/pdns.log" 2>&1 &
    OWN_PIDS+=($!)
}
own_pdns "$O/pdns" 5304 "0.0.0.0/0,::/0"
own_pdns "$O/pdns-empty" 5305 ""

# bounded wait for each to answer
for hp in 127.0.1.1:5301:dflt.test 127.0.1.4:5304:open.test 127.0.1.4:5305:open.test; do
    IFS=: read -r h p z <<<"$hp"
    ok=0
    for _ in $(seq 1 50); do
        if dig +norec +time=1 +tries=1 -p "$p" "@$h" "$z" SOA 2>/dev/null | grep -q 'status: NOERROR'; then
            ok=1
            break
        fi
        sleep 0.2
    done
    [ $ok = 1 ] || { tail -20 "$O"/*/*.stderr "$O/pdns/pdns.log" 2>/dev/null; fail "own server $hp did not start"; }
done

# verdicts FILE: "zone status" for every transfer-open finding of config-review on FILE
verdicts() {
    "$ZW_BIN" config-review "$1" 2>"$LAB_DIR/cr.err" | python3 -c '
import json, sys
for line in sys.stdin:
    e = json.loads(line)
    u = e["unmapped"]
    if u["config_review"]["kind"] == "transfer-open":
        print(u["zone"], e["compliance"]["status"].lower())
'
}

# compare NAME CONFIG HOST:PORT ZONE...: config-review and axfr-check must agree per zone
checked=0
compare() {
    local name=$1 conf=$2 server=$3 zone v rc want
    shift 3
    verdicts "$conf" >"$LAB_DIR/v.txt"
    [ -s "$LAB_DIR/v.txt" ] || fail "$name: no transfer-open findings ($(cat "$LAB_DIR/cr.err"))"
    if grep -q ':[0-9]*:[0-9]*: ' "$LAB_DIR/cr.err"; then
        fail "$name: config-review reports errors in $conf: $(cat "$LAB_DIR/cr.err")"
    fi
    for zone in "$@"; do
        v=$(awk -v z="$zone" '$1 == z {print $2}' "$LAB_DIR/v.txt" | sort -u)
        [ -n "$v" ] || fail "$name: no transfer-open finding for $zone in $conf"
        "$ZW_BIN" axfr-check --server "$server" --zone "$zone" --source-ip 127.0.0.3 \
            --timeout 3000 >/dev/null 2>"$LAB_DIR/ax.err"
        rc=$?
        [ $rc = 3 ] && fail "$name $zone: axfr-check gave no verdict: $(cat "$LAB_DIR/ax.err")"
        [ "$v" = fail ] && want=1 || want=0
        [ $rc = $want ] ||
            fail "$name $zone: config-review says transfer-open $v, axfr-check exit $rc: $(cat "$LAB_DIR/ax.err")"
        echo "ok: $name $zone: config-review $v, axfr-check $([ $rc = 1 ] && echo FAIL || echo PASS)"
        checked=$((checked + 1))
    done
}

compare bind "$LAB_DIR/bind/named.conf" 127.0.1.1:53 open.test closed.test keyonly.test
compare knot "$LAB_DIR/knot/knot.conf" 127.0.1.2:53 open.test closed.test keyonly.test
compare nsd "$LAB_DIR/nsd/nsd.conf" 127.0.1.3:53 open.test closed.test keyonly.test
compare pdns "$LAB_DIR/pdns/pdns.conf" 127.0.1.4:53 closed.test
compare bind-views "$O/bind/named.conf" 127.0.1.1:5301 dflt.test viewacl.test override.test
compare pdns-open "$O/pdns/pdns.conf" 127.0.1.4:5304 open.test closed.test
compare pdns-empty "$O/pdns-empty/pdns.conf" 127.0.1.4:5305 open.test closed.test

# the expected verdicts themselves (both sides could agree on nonsense)
want_status() { # conf zone status
    grep -qx "$2 $3" <(verdicts "$1") || fail "$1: $2 should be transfer-open $3"
}
want_status "$LAB_DIR/bind/named.conf" open.test fail
want_status "$LAB_DIR/bind/named.conf" closed.test pass
want_status "$LAB_DIR/knot/knot.conf" keyonly.test pass
want_status "$LAB_DIR/nsd/nsd.conf" open.test fail
want_status "$O/bind/named.conf" dflt.test fail
want_status "$O/bind/named.conf" viewacl.test pass
want_status "$O/bind/named.conf" override.test fail
want_status "$O/pdns/pdns.conf" closed.test fail
want_status "$O/pdns-empty/pdns.conf" open.test pass

# the approved secondary is served where the configuration lists it
for s in bind knot nsd; do
    lab_axfr "$s" closed.test --from 127.0.0.2 || fail "$s: the secondary 127.0.0.2 cannot transfer closed.test"
done
[ $checked -ge 17 ] || fail "only $checked zones compared"
echo "PASS: 41-config-review-live ($checked zones: config-review and axfr-check agree)"
