#!/usr/bin/env bash
# A few KB of gzip holding 2M junk lines must not write hundreds of MB of dead letters
# past --dlq-max-bytes: the rest is counted and the summary says how many were not
# written (issue 17, item 8).  A bad --dlq-max-bytes is a usage error.
. "$(dirname "$0")/lib.sh"
yes 'junk line that is no log format at all' | head -n 2000000 | gzip -9 >"$work/junk.gz"
gz_kb=$(($(stat -c %s "$work/junk.gz") / 1024))
hz_run 180 200 cap "$ZW_BIN" normalize --dlq "$work/dlq" --dlq-max-bytes 1M \
    --stats-json "$work/stats.json" -o "$work/ev.jsonl" "$work/junk.gz"
[ "$(hz_rc cap)" = 0 ] || fail "rc $(hz_rc cap): $(tail -3 "$work/cap.err")"
size=$(stat -c %s "$work/dlq")
[ "$size" -le 1048576 ] || fail "dead-letter file $size bytes over the 1 MiB cap"
[ "$size" -gt 900000 ] || fail "dead-letter file only $size bytes: the cap is not used up"
grep -q 'dead letters not written (over the --dlq-max-bytes cap): [1-9]' "$work/cap.err" ||
    fail "summary does not count the unwritten dead letters: $(cat "$work/cap.err")"
python3 - "$work/stats.json" "$work/dlq" <<'PY' || fail "counters"
import json, sys
t = json.load(open(sys.argv[1]))["total"]
written = sum(1 for _ in open(sys.argv[2]))
assert t["records"] == 2000000 and t["dead"] == 2000000, t
assert t["dead_unwritten"] + written == 2000000, (t, written)
PY
for bad in 0 -5 12x 1T ''; do
    hz_run 30 200 "bad" "$ZW_BIN" normalize --dlq-max-bytes "$bad" /dev/null
    [ "$(hz_rc bad)" = 2 ] || fail "--dlq-max-bytes '$bad' accepted (rc $(hz_rc bad))"
done
hz_run 60 200 run "$ZW_BIN" compile -o "$work/t.zwt" "$ZW_ROOT/detections"
hz_run 180 200 runcap "$ZW_BIN" run -r "$work/t.zwt" --dlq "$work/rdlq" --dlq-max-bytes 64K \
    -o "$work/alerts" "$work/junk.gz"
[ "$(hz_rc runcap)" = 0 ] || fail "run rc $(hz_rc runcap): $(tail -3 "$work/runcap.err")"
[ "$(stat -c %s "$work/rdlq")" -le 65536 ] || fail "run: dead-letter file over the cap"
grep -q 'not written' "$work/runcap.err" || fail "run summary: $(cat "$work/runcap.err")"
ok "${gz_kb} KB .gz of 2M junk lines: dead-letter file $size bytes (cap 1 MiB), the rest counted"
