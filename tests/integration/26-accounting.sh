#!/usr/bin/env bash
# 26-accounting.sh - issue 17, item 10: for every bundled input (tests/data/dns-servers,
# providers, windows-dns, zeek, infoblox, e2e-providers), `normalize --stats-json` must
# account for each record read: records = with_events + noise + dead, per input and in
# total, with events counted apart (a record may give several), the dead-letter file
# holding exactly `dead` lines, and the event file exactly `events` lines.  The human
# summary's total line must say the same.  No network, no servers.
set -u
ZW_ROOT=${ZW_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
ZW_BIN=${ZW_BIN:-$ZW_ROOT/build/release/zonewarden}
work=$(mktemp -d "${TMPDIR:-/tmp}/zw-acct.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() {
    echo "FAIL: $*"
    exit 1
}
D=$ZW_ROOT/tests/data
mapfile -t files < <(find "$D/dns-servers" "$D/providers" "$D/windows-dns" "$D/zeek" \
    "$D/infoblox" "$D/e2e-providers" -type f ! -name '*.md' ! -name 'inventory.*' | sort)
[ "${#files[@]}" -ge 30 ] || fail "only ${#files[@]} bundled inputs found"
n=0
for f in "${files[@]}"; do
    n=$((n + 1))
    "$ZW_BIN" normalize --stats-json "$work/s$n.json" --dlq "$work/d$n.jsonl" -o "$work/e$n.jsonl" \
        "$f" 2>"$work/err$n"
    rc=$?
    case "$f" in
    *truncated.json.gz) [ "$rc" = 3 ] || fail "$f: rc $rc, want 3 (cut input)" ;;
    *) [ "$rc" = 0 ] || fail "$f: rc $rc: $(cat "$work/err$n")" ;;
    esac
    python3 - "$f" "$work/s$n.json" "$work/d$n.jsonl" "$work/e$n.jsonl" "$work/err$n" <<'PY' || exit 1
import json, re, sys
name, stats, dlq, ev, err = sys.argv[1:]
try:
    doc = json.load(open(stats))
    inputs, total = doc["inputs"], doc["total"]
except Exception as e:
    sys.exit("FAIL: %s: --stats-json not parseable: %s" % (name, e))
assert len(inputs) == 1 and inputs[0]["file"] == name, inputs
for s in (inputs[0], total):
    if s["records"] != s["with_events"] + s["noise"] + s["dead"]:
        sys.exit("FAIL: %s: records %d != with_events %d + noise %d + dead %d" % (
            name, s["records"], s["with_events"], s["noise"], s["dead"]))
    if s["cut"] > s["dead"] or s["partial"] > s["dead"]:
        sys.exit("FAIL: %s: cut/partial not within dead: %s" % (name, s))
    if s["with_events"] > s["events"] or (s["events"] and not (s["with_events"] or s["partial"])):
        sys.exit("FAIL: %s: events %d from %d records" % (name, s["events"], s["with_events"]))
nd = sum(1 for _ in open(dlq))
ne = sum(1 for _ in open(ev))
if nd != total["dead"] or ne != total["events"]:
    sys.exit("FAIL: %s: %d dead letters / %d events written, counters say %d / %d" % (
        name, nd, ne, total["dead"], total["events"]))
m = re.search(r"^  total: records (\d+) = with events (\d+) \+ noise (\d+) \+ dead-lettered (\d+) "
              r"\(cut (\d+), partial (\d+)\); events (\d+)", open(err).read(), re.M)
if not m:
    sys.exit("FAIL: %s: no total line in the summary" % name)
want = [total[k] for k in ("records", "with_events", "noise", "dead", "cut", "partial", "events")]
if [int(x) for x in m.groups()] != want:
    sys.exit("FAIL: %s: summary %s, --stats-json %s" % (name, m.groups(), want))
print("ok   %-70s records %5d = %5d + %4d + %3d; events %d" % (
    name.split("tests/data/")[-1], total["records"], total["with_events"], total["noise"],
    total["dead"], total["events"]))
PY
done
# all inputs in one run: per-input objects and the total add up
"$ZW_BIN" normalize --stats-json "$work/all.json" -o /dev/null "${files[@]}" 2>"$work/allerr"
python3 - "$work/all.json" "${#files[@]}" <<'PY' || exit 1
import json, sys
doc = json.load(open(sys.argv[1]))
ins, t = doc["inputs"], doc["total"]
assert len(ins) == int(sys.argv[2]), len(ins)
for k in ("records", "with_events", "noise", "dead", "cut", "partial", "events"):
    assert sum(i[k] for i in ins) == t[k], k
assert t["records"] == t["with_events"] + t["noise"] + t["dead"], t
print("ok   %d inputs in one run: records %d = %d + %d + %d; events %d" % (
    len(ins), t["records"], t["with_events"], t["noise"], t["dead"], t["events"]))
PY
