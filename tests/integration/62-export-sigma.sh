#!/usr/bin/env bash
# 62-export-sigma.sh - `zonewarden export --sigma` round trip: the shipped DET content,
# exported as Sigma rules and Sigma correlation rules with the demo tuning, compiles with
# our own compiler and raises exactly the same alerts (analytic, contributing event) as
# the DET content over the bundled server logs and provider samples.
set -u
ZW_ROOT=${ZW_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
ZW_BIN=${ZW_BIN:-$ZW_ROOT/build/release/zonewarden}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$ZW_ROOT" || exit 1

"$ZW_BIN" export --sigma --tuning tuning/demo.yml -o "$work/sigma.yml" detections/ || fail "export"
grep -q '^correlation:' "$work/sigma.yml" || fail "no Sigma correlation rule exported"
[ "$(grep -c '^---' "$work/sigma.yml")" -ge 10 ] || fail "too few rules exported"
"$ZW_BIN" compile -o "$work/sigma.zwt" "$work/sigma.yml" || fail "exported Sigma does not compile"
"$ZW_BIN" compile --tuning tuning/demo.yml -o "$work/det.zwt" detections/ || fail "compile DET"

in=(tests/data/dns-servers/bind.log tests/data/dns-servers/knot.log tests/data/dns-servers/nsd.log
    tests/data/dns-servers/pdns.log tests/data/e2e-providers/* tests/data/providers/cloudflare-audit/test-audit.log
    tests/data/providers/gcp-audit/edge-cases.jsonl tests/data/providers/azure-activity/eventhub-records.json)
key='[.finding_info.analytic.name, (.evidences // [] | map(.data.event_uid) | sort | join(","))] | join(" ")'
"$ZW_BIN" run -r "$work/det.zwt" "${in[@]}" 2>/dev/null >"$work/det.jsonl" || fail "run DET"
"$ZW_BIN" run -r "$work/sigma.zwt" "${in[@]}" 2>/dev/null >"$work/sigma.jsonl" || fail "run Sigma"
jq -r "$key" "$work/det.jsonl" | sort >"$work/det.txt"
jq -r "$key" "$work/sigma.jsonl" | sort >"$work/sigma.txt"
# absolute expectations: both paths run the same engine, so each must also give the
# hand-derived golden alerts (tests/data/golden/det-alerts.expect)
for a in det sigma; do
    python3 tests/integration/lib/zw_expect.py "$work/$a.jsonl" tests/data/golden/det-alerts.expect >"$work/$a.golden" ||
        { cat "$work/$a.golden"; fail "$a alerts differ from tests/data/golden/det-alerts.expect"; }
done
n=$(wc -l <"$work/det.txt")
[ "$n" -ge 20 ] || fail "only $n alerts from the DET content: the comparison would prove little"
if ! diff -u "$work/det.txt" "$work/sigma.txt"; then
    fail "exported Sigma rules and DET content disagree (diff above)"
fi
echo "62-export-sigma: ok ($n identical alerts)"
