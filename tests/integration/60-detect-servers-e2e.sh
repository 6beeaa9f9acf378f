#!/usr/bin/env bash
# 60-detect-servers-e2e.sh - issue 4's end-to-end test on real servers: BIND 9 in a
# private network namespace (tests/lab/dnslab-lib.sh), the shipped DET0843 content
# compiled with the demo tuning (127.0.0.2 is the approved secondary), and `zonewarden
# run` over BIND's own log.  Scenario and the exact alerts it must raise:
#   - 127.0.0.2 (approved secondary) transfers example.test        -> no alert
#   - 127.0.0.3 asks for example.test and is refused                -> AN0843-01 (refused)
#   - open.test is misconfigured and serves 127.0.0.4               -> AN0843-02 (served)
#   - 127.0.0.5 tries 5 zones (all refused)                         -> AN0843-01 x5, AN0843-05 (sweep)
#   - then a signed dynamic update changes swept zone z1.test       -> AN0843-13 (attempt -> change)
# Alerts are merged over 10 minutes (--merge): the sweep keeps firing while 127.0.0.5
# walks the zones and must surface as one alert.  No other alert may appear.  Alerts are joined back to the normalized events through
# the event uids in their evidences to check the peer and the zone of each.
set -u
ZW_ROOT=${ZW_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
ZW_BIN=${ZW_BIN:-$ZW_ROOT/build/release/zonewarden}
export ZW_ROOT ZW_BIN
# shellcheck source=../lab/dnslab-lib.sh
source "$ZW_ROOT/tests/lab/dnslab-lib.sh"
lab_enter_netns "$@"
lab_init

fail() { echo "FAIL: $*"; exit 1; }

lab_zone bind example.test transfer="127.0.0.2" update="key:ddns-key"
lab_zone bind open.test transfer=any
for i in 1 2 3 4 5; do
    lab_zone bind "z$i.test" transfer="127.0.0.2" update="key:ddns-key"
done
lab_start bind

lab_axfr bind example.test --from 127.0.0.2 || fail "approved secondary refused"
lab_axfr bind example.test --from 127.0.0.3 && fail "unapproved client got example.test"
lab_axfr bind open.test --from 127.0.0.4 || fail "open.test did not serve 127.0.0.4"
for i in 1 2 3 4 5; do
    lab_axfr bind "z$i.test" --from 127.0.0.5 && fail "127.0.0.5 got z$i.test"
done
lab_nsupdate bind z1.test --from 127.0.0.7 --key ddns-key <<<"update add new.z1.test. 300 A 127.0.10.1" ||
    fail "signed update refused"
lab_wait_serial bind z1.test 2024010102 || fail "update not applied"
lab_wait_log bind "adding an RR at 'new.z1.test'" || fail "update not logged"
lab_stop_all

work=$LAB_DIR/e2e
mkdir -p "$work"
log=$(lab_log bind)
"$ZW_BIN" compile --tuning "$ZW_ROOT/tuning/demo.yml" -o "$work/rules.zwt" "$ZW_ROOT/detections/" ||
    fail "compile"
"$ZW_BIN" normalize --quiet -o "$work/events.jsonl" "$log" || fail "normalize"
"$ZW_BIN" run -r "$work/rules.zwt" --merge 10m -o "$work/alerts.jsonl" "$log" || fail "run"
"$ZW_BIN" summary "$work/alerts.jsonl"

python3 - "$work/events.jsonl" "$work/alerts.jsonl" <<'PY' || fail "alerts differ from the expected set"
import collections, json, sys
events = {}
for line in open(sys.argv[1]):
    e = json.loads(line)
    events.setdefault(e["metadata"]["uid"], []).append(e)

def subject(alert):
    """(peer, zone) of the alert's first contributing event; correlation alerts: key."""
    ips, zones = set(), set()
    for ev in alert.get("evidences", []):
        d = ev.get("data", {})
        for e in events.get(d.get("event_uid"), []):
            if e.get("src_endpoint", {}).get("ip"):
                ips.add(e["src_endpoint"]["ip"])
            if e.get("unmapped", {}).get("zone"):
                zones.add(e["unmapped"]["zone"])
    return ",".join(sorted(ips)), ",".join(sorted(zones))

got = collections.Counter()
for line in open(sys.argv[2]):
    a = json.loads(line)
    uid = a["finding_info"]["analytic"]["uid"]
    ip, zone = subject(a)
    if uid == "AN0843-05":      # sweep: keyed by source, many zones
        zone = "*"
    if uid == "AN0843-13":      # sequence: keyed by zone, attempt and change from different peers
        ip = "*"
    got[(uid, ip, zone)] += 1

want = collections.Counter({
    ("AN0843-01", "127.0.0.3", "example.test"): 1,
    ("AN0843-02", "127.0.0.4", "open.test"): 1,
    ("AN0843-01", "127.0.0.5", "z1.test"): 1,
    ("AN0843-01", "127.0.0.5", "z2.test"): 1,
    ("AN0843-01", "127.0.0.5", "z3.test"): 1,
    ("AN0843-01", "127.0.0.5", "z4.test"): 1,
    ("AN0843-01", "127.0.0.5", "z5.test"): 1,
    ("AN0843-05", "127.0.0.5", "*"): 1,
    ("AN0843-13", "*", "z1.test"): 1,
})
ok = got == want
for k in sorted(set(got) | set(want)):
    mark = "ok  " if got[k] == want[k] else "DIFF"
    print(f"{mark} {k}: got {got[k]}, want {want[k]}")
sys.exit(0 if ok else 1)
PY
echo "60-detect-servers-e2e: ok"
