#!/usr/bin/env bash
# 61-detect-providers-e2e.sh - issue 4's end-to-end test for managed-DNS providers:
# CloudTrail, GCP, Azure and Cloudflare audit records (tests/data/e2e-providers) from
# approved and unapproved principals, through the shipped DET0843 content with the demo
# tuning.  Exactly these alerts, no others:
#   AN0843-07 (unapproved principal): mallory (Route 53), mallory@example.org (GCP),
#             eve@contoso.com (Azure), ops@example.com (Cloudflare)
#   AN0843-08 (outside change window): external-dns at 02:00 UTC (Route 53)
#   AN0843-09 (high impact): DisableDomainTransferLock by mallory (the failed retry: none)
# Not alerted: approved automation in the window (Route 53 ExternalDNS, GCP dns-bot,
# Azure pipeline@contoso.com) and the approved ACME client's _acme-challenge TXT.
set -u
ZW_ROOT=${ZW_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
ZW_BIN=${ZW_BIN:-$ZW_ROOT/build/release/zonewarden}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

in=("$ZW_ROOT"/tests/data/e2e-providers/*)
"$ZW_BIN" compile --tuning "$ZW_ROOT/tuning/demo.yml" -o "$work/rules.zwt" "$ZW_ROOT/detections/" ||
    fail "compile"
"$ZW_BIN" normalize --quiet -o "$work/events.jsonl" "${in[@]}" || fail "normalize"
"$ZW_BIN" run -r "$work/rules.zwt" -o "$work/alerts.jsonl" "${in[@]}" || fail "run"
"$ZW_BIN" summary "$work/alerts.jsonl"

python3 - "$work/events.jsonl" "$work/alerts.jsonl" <<'PY' || fail "alerts differ from the expected set"
import collections, json, sys
events = {}
for line in open(sys.argv[1]):
    e = json.loads(line)
    events[e["metadata"]["uid"]] = e
got = collections.Counter()
for line in open(sys.argv[2]):
    a = json.loads(line)
    uid = a["finding_info"]["analytic"]["uid"]
    actors = set()
    for ev in a.get("evidences", []):
        e = events.get(ev.get("data", {}).get("event_uid"))
        if e:
            actors.add((e.get("cloud", {}).get("provider"), e.get("actor", {}).get("user", {}).get("name"),
                        e.get("api", {}).get("operation")))
    for act in actors or {("?", "?", "?")}:
        got[(uid,) + act] += 1
want = collections.Counter({
    ("AN0843-07", "AWS", "mallory", "ChangeResourceRecordSets"): 1,
    ("AN0843-07", "GCP", "mallory@example.org", "dns.changes.create"): 1,
    ("AN0843-07", "Azure", "eve@contoso.com", "Microsoft.Network/dnszones/CNAME/write"): 1,
    ("AN0843-07", "Cloudflare", "ops@example.com", "rec_set"): 1,
    ("AN0843-08", "AWS", "external-dns-7f9c", "ChangeResourceRecordSets"): 1,
    ("AN0843-09", "AWS", "mallory", "DisableDomainTransferLock"): 1,
})
for k in sorted(set(got) | set(want), key=str):
    print(("ok   " if got[k] == want[k] else "DIFF ") + f"{k}: got {got[k]}, want {want[k]}")
sys.exit(0 if got == want else 1)
PY
echo "61-detect-providers-e2e: ok"
