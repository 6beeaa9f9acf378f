#!/usr/bin/env bash
# A torn CloudTrail line followed by 45,000 valid JSON lines (past 16 MiB) gives 45,000
# records and exactly one dead letter, the torn line (issue 17, item 2: the tail used to
# be in no record at all).  Torn inside a string, and torn between members (where the
# next line is a valid continuation for one line).
. "$(dirname "$0")/lib.sh"
# a small ASan quarantine, so peak RSS measures zonewarden's memory, not freed blocks kept
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=8
python3 - "$ZW_ROOT" "$work" <<'PY'
import json, sys
root, work = sys.argv[1], sys.argv[2]
src = json.load(open(root + "/tests/data/providers/aws-cloudtrail/route53-docs-example.json"))["Records"]
src = [r for r in src if r["eventName"] != "ChangeResourceRecordSets"]
lines = [json.dumps(dict(src[i % len(src)], eventID="e%d" % i), separators=(",", ":"))
         for i in range(45000)]
body = "\n".join(lines) + "\n"
assert len(body) > 16 << 20, len(body)
l = lines[0]
with open(work + "/in-string.jsonl", "w") as f:
    f.write(l[: l.index('"eventName":"') + 16] + "\n" + body)
with open(work + "/between.jsonl", "w") as f:
    f.write(l[: l.index('"userIdentity":') + 15] + "\n" + body)
PY
for v in in-string between; do
    hz_run 120 300 "$v" "$ZW_BIN" normalize --stats-json "$work/$v.stats" --dlq "$work/$v.dlq" \
        -o "$work/$v.events" "$work/$v.jsonl"
    [ "$(hz_rc "$v")" = 0 ] || fail "$v: rc $(hz_rc "$v"): $(tail -3 "$work/$v.err")"
    python3 - "$work/$v.stats" "$work/$v.dlq" <<'PY' || fail "$v: $(tail -4 "$work/$v.err")"
import json, sys
t = json.load(open(sys.argv[1]))["total"]
dl = [json.loads(l) for l in open(sys.argv[2])]
assert t["records"] == 45001 and t["with_events"] == 45000 and t["dead"] == 1, t
assert t["events"] >= 45000, t
assert len(dl) == 1 and dl[0]["position"]["line"] == 1, dl
PY
done
ok "torn first line + 45,000 lines (>16 MiB): 45,000 records with events, 1 dead letter (line 1)"
