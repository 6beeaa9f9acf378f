#!/usr/bin/env bash
# 46-exposure-kafka.sh - `exposure` and `axfr-check` with --brokers/--output-topic against
# a real broker (tests/kafka/lib.sh): every finding arrives once, keyed by its zone, with
# the same content as file mode; an unreachable broker makes the command fail (exit 3)
# instead of losing findings silently.
set -euo pipefail
. "$ZW_ROOT/tests/kafka/lib.sh"
D=$ZW_ROOT/tests/data/exposure
ktopic findings 3

"$ZW_BIN" exposure --zone "$D/example.test.zone" --inventory "$D/approved.yml" \
    --brokers "$BROKER" --output-topic findings 2>"$WORK/exposure.err"
grep -q "18 findings delivered to findings" "$WORK/exposure.err" || {
    echo "FAIL: exposure to Kafka: $(cat "$WORK/exposure.err")"
    exit 1
}
"$ZW_BIN" exposure --zone "$D/example.test.zone" --inventory "$D/approved.yml" \
    -o "$WORK/exposure-file.jsonl" 2>/dev/null
set +e
"$ZW_BIN" axfr-check --server 127.0.0.1:1 --zone closed.test --timeout 1000 \
    --brokers "$BROKER" --output-topic findings 2>"$WORK/axfr.err"
rc=$?
"$ZW_BIN" axfr-check --server 127.0.0.1:1 --zone closed.test --timeout 1000 \
    --brokers 127.0.0.1:1 --output-topic findings -X message.timeout.ms=3000 >/dev/null 2>"$WORK/down.err"
rc_down=$?
set -e
[ "$rc" = 3 ] || { echo "FAIL: axfr-check (no DNS server) exit $rc, want 3"; exit 1; }
if [ "$rc_down" != 3 ] || ! grep -q "not delivered\|failed" "$WORK/down.err"; then
    echo "FAIL: unreachable broker: exit $rc_down: $(tail -1 "$WORK/down.err")"
    exit 1
fi
echo "ok   unreachable broker reported: $(tail -1 "$WORK/down.err")"

kdump findings "$WORK/dump.jsonl"
python3 - "$WORK/dump.jsonl" "$WORK/exposure-file.jsonl" <<'PY'
import json, sys
msgs = [json.loads(l) for l in open(sys.argv[1])]
by_key = {}
parts = {}
for m in msgs:
    ev = json.loads(m["payload"])
    assert ev["class_uid"] == 2003, ev
    assert ev["unmapped"]["zone"] == m["key"], (m["key"], ev["unmapped"]["zone"])
    by_key.setdefault(m["key"], []).append(ev)
    parts.setdefault(m["key"], set()).add(m["partition"])
assert sorted(by_key) == ["closed.test", "example.test"], sorted(by_key)
assert len(by_key["example.test"]) == 18, len(by_key["example.test"])
assert len(by_key["closed.test"]) == 2, len(by_key["closed.test"])
assert all(len(p) == 1 for p in parts.values()), parts  # one zone, one partition
file_uids = sorted(json.loads(l)["finding_info"]["uid"] for l in open(sys.argv[2]))
topic_uids = sorted(e["finding_info"]["uid"] for e in by_key["example.test"])
assert file_uids == topic_uids, "topic and file findings differ"
print("ok   %d messages: 18 exposure findings (same finding uids as file mode) and 2 "
      "axfr-check findings, keyed by zone, one partition per zone" % len(msgs))
PY
echo "46-exposure-kafka: all checks passed"
