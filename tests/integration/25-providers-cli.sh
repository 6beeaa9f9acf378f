#!/usr/bin/env bash
# 25-providers-cli.sh - the provider parsers through the real command line: a gzipped
# CloudTrail Records file (as S3 delivers it) and a truncated one, every provider sample
# with `--inventory`, ECS output, the dead-letter file, and a bad inventory refused with
# exit status 2 and a message naming the entry.  No network, no servers.
set -u
ZW_ROOT=${ZW_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
ZW_BIN=${ZW_BIN:-$ZW_ROOT/build/release/zonewarden}
D=$ZW_ROOT/tests/data/providers
work=$(mktemp -d "${TMPDIR:-/tmp}/zw-prov.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() {
    echo "FAIL: $*"
    exit 1
}

echo "-- CloudTrail .json.gz and a truncated .gz, ECS, with the inventory"
# a cut input is reported with exit status 3 (issue 17: it used to exit 0 unannounced)
"$ZW_BIN" normalize --output ecs --inventory "$D/inventory.yml" --dlq "$work/dlq.jsonl" \
    -o "$work/ct.jsonl" "$D/aws-cloudtrail/route53-docs-example.json.gz" \
    "$D/aws-cloudtrail/truncated.json.gz" "$D/aws-cloudtrail/edge-cases.jsonl" 2>"$work/err"
rc=$?
[ "$rc" = 3 ] || fail "normalize exited $rc, want 3 (truncated input): $(cat "$work/err")"
grep -q "truncated.json.gz: input cut short" "$work/err" || fail "cut input not named: $(cat "$work/err")"
grep -q "emitted 27 events" "$work/err" || fail "summary: $(cat "$work/err")"
python3 - "$work/ct.jsonl" "$work/dlq.jsonl" <<'PY' || exit 1
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
dl = [json.loads(l) for l in open(sys.argv[2])]
assert len(ev) == 27, len(ev)
crrs = [e for e in ev if e["event"]["action"] == "ChangeResourceRecordSets"]
assert len(crrs) == 11, len(crrs)
for e in ev:
    assert e["event"]["category"] == ["configuration"], e["event"]
    assert e["cloud"]["provider"] == "AWS"
first = [e for e in crrs if e["event"]["id"] == "req-batch"]
assert len(first) == 6 and len({e["transaction"]["id"] for e in first}) == 1
assert first[0]["zonewarden"]["zone"] == "example.com"
assert first[0]["zonewarden"]["inventory"]["actor_approved"] is True
assert first[4]["zonewarden"]["record"]["name"] == "*.dev.example.com"
assert "change" in first[0]["event"]["type"] and "creation" in first[0]["event"]["type"]
reasons = [d["reason"] for d in dl]
assert any("gzip stream truncated" in r for r in reasons), reasons
assert all(d["position"]["file"].endswith("truncated.json.gz") for d in dl), dl
print("ok: %d events, %d dead letters (%s)" % (len(ev), len(dl), "; ".join(r[:40] for r in reasons)))
PY

echo "-- every provider sample, auto-detected, with the inventory"
files=("$D"/aws-route53-query/test-route53.log "$D"/aws-route53-resolver-query/resolver-query.jsonl
    "$D"/gcp-audit/panther-dns-tests.jsonl "$D"/gcp-dns/test-dns.log
    "$D"/azure-activity/eventhub-records.json "$D"/azure-activity/rest-shape.json
    "$D"/cloudflare-audit/test-audit.log "$D"/cloudflare-audit/logpush.jsonl)
"$ZW_BIN" normalize --inventory "$D/inventory.yml" --dlq "$work/dlq2.jsonl" -o "$work/all.jsonl" \
    "${files[@]}" 2>"$work/err2" || fail "normalize exited $?: $(cat "$work/err2")"
[ ! -s "$work/dlq2.jsonl" ] || fail "dead letters: $(head -c 400 "$work/dlq2.jsonl")"
for fmt in route53-query route53-resolver-query gcp-audit gcp-dns-query azure-activity cloudflare-audit; do
    grep -q "^  $fmt " "$work/err2" || fail "no $fmt records in the summary: $(cat "$work/err2")"
done
python3 - "$work/all.jsonl" <<'PY' || exit 1
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
by = {}
for e in ev:
    by.setdefault(e["unmapped"]["source_format"], []).append(e)
want = {"route53-query": 5, "route53-resolver-query": 3, "gcp-audit": 4, "gcp-dns-query": 5,
        "azure-activity": 7, "cloudflare-audit": 53}
got = {k: len(v) for k, v in by.items()}
assert got == want, got
known = [e for e in ev if e["unmapped"].get("inventory", {}).get("zone_known")]
assert len(known) == 54, len(known)
r53 = by["route53-query"][0]
assert r53["unmapped"]["zone"] == "example.com" and r53["unmapped"]["inventory"]["zone_known"] is True
scan = [e for e in by["gcp-dns-query"] if e["unmapped"]["inventory"]["peer_approved_scanner"]]
assert len(scan) == 5
print("ok: %s" % got)
PY

echo "-- a bad inventory is refused, naming the entry"
printf 'zones:\n  - name: a.test\n    ids: [Z1]\nsecondaries: [10.0.0.0/40]\n' >"$work/bad.yml"
"$ZW_BIN" normalize --inventory "$work/bad.yml" "$D/gcp-dns/test-dns.log" >/dev/null 2>"$work/err3"
rc=$?
[ "$rc" -eq 2 ] || fail "exit status $rc for a bad inventory (want 2)"
grep -q "secondaries\[0\]: '10.0.0.0/40' is not an IP address or CIDR" "$work/err3" ||
    fail "message: $(cat "$work/err3")"
echo "ok: exit 2: $(cat "$work/err3")"
echo "25-providers-cli: ok"
