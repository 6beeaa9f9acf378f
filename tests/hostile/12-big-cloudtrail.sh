#!/usr/bin/env bash
# A CloudTrail {"Records":[...]} file over 16 MiB (17,000 records, one line as S3
# delivers it, and pretty-printed) gives every event, streamed member by member with
# memory far below the file's size; a member over the record cap is cut and its dead
# letter keeps the first bytes and says how many were cut (issue 17, item 3).
. "$(dirname "$0")/lib.sh"
# a small ASan quarantine, so peak RSS measures zonewarden's memory, not freed blocks kept
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=8
python3 - "$ZW_ROOT" "$work" <<'PY'
import json, sys
root, work = sys.argv[1], sys.argv[2]
src = json.load(open(root + "/tests/data/providers/aws-cloudtrail/route53-docs-example.json"))["Records"]
src = [r for r in src if r["eventName"] != "ChangeResourceRecordSets"]
recs = [dict(src[i % len(src)], eventID="e%d" % i) for i in range(17000)]
s = json.dumps({"Records": recs}, separators=(",", ":"))
assert len(s) > 16 << 20, len(s)
open(work + "/big.json", "w").write(s)
open(work + "/pretty.json", "w").write(json.dumps({"Records": recs}, indent=2) + "\n")
recs2 = [dict(src[i % len(src)], eventID="e%d" % i) for i in range(34000)]
open(work + "/double.json", "w").write(json.dumps({"Records": recs2}, separators=(",", ":")))
# one member of 17 MiB between two good ones
huge = dict(src[0], eventID="huge", requestParameters={"pad": "x" * (17 << 20)})
open(work + "/huge.json", "w").write(json.dumps({"Records": [recs[0], huge, recs[1]]}))
PY
size_mb=$(($(stat -c %s "$work/big.json") >> 20))
for v in big pretty; do
    # 64 MB for the ASan build (~16 MB of it ASan's own); the release build peaks ~8-15 MB
    hz_run 120 64 "$v" "$ZW_BIN" normalize --stats-json "$work/$v.stats" --dlq "$work/$v.dlq" \
        -o "$work/$v.jsonl" "$work/$v.json"
    [ "$(hz_rc "$v")" = 0 ] || fail "$v: rc $(hz_rc "$v"): $(tail -3 "$work/$v.err")"
    python3 - "$work/$v.stats" <<'PY' || fail "$v: $(tail -4 "$work/$v.err")"
import json, sys
t = json.load(open(sys.argv[1]))["total"]
assert t["records"] == 17000 and t["with_events"] == 17000 and t["events"] == 17000, t
assert t["dead"] == 0, t
PY
    [ ! -s "$work/$v.dlq" ] || fail "$v: dead letters: $(head -c 300 "$work/$v.dlq")"
done
# twice the records, the same memory: bounded whatever the file's size
hz_run 120 64 double "$ZW_BIN" normalize -o /dev/null "$work/double.json"
[ "$(hz_rc double)" = 0 ] || fail "double: rc $(hz_rc double)"
grep -q "records 34000 = with events 34000" "$work/double.err" || fail "double: $(tail -3 "$work/double.err")"
rss1=$(cat "$work/big.rss")
rss2=$(cat "$work/double.rss")
[ "$rss2" -lt $((rss1 + 8192)) ] || fail "peak RSS grows with the file: $rss1 KB -> $rss2 KB"
hz_run 120 250 huge "$ZW_BIN" normalize --dlq "$work/huge.dlq" -o "$work/huge.jsonl" "$work/huge.json"
[ "$(hz_rc huge)" = 0 ] || fail "huge: rc $(hz_rc huge): $(tail -3 "$work/huge.err")"
python3 - "$work/huge.jsonl" "$work/huge.dlq" <<'PY' || fail "huge member: $(tail -4 "$work/huge.err")"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
dl = [json.loads(l) for l in open(sys.argv[2])]
assert len(ev) == 2, len(ev)
assert len(dl) == 1, len(dl)
d = dl[0]
assert d["raw_size"] == 16 << 20 and len(d["raw"]) == 16 << 20, d["raw_size"]
assert d["raw_truncated_bytes"] > 0 and d["raw_size"] + d["raw_truncated_bytes"] > 17 << 20, d
assert d["reason"].startswith("Records[1]: record longer than"), d["reason"]
PY
ok "${size_mb} MiB Records file (one line and pretty): 17,000 events, peak RSS $((rss1 / 1024)) MB ($((rss2 / 1024)) MB for twice the records); a 17 MiB member cut with raw_truncated_bytes"
