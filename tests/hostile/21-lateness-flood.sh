#!/usr/bin/env bash
# Issue 17 item 8 (correlation part): 500,000 matches at one timestamp never pass the
# watermark, so the lateness buffer used to hold them all (2M: 727 MB).  The buffer is
# capped by --max-pending (default 200000): past it the oldest buffered matches are
# processed early and counted (pending_overflow: at the 200,001st all 200,001 go, and
# the watermark moves to their time, so the rest are processed on arrival).  Peak RSS
# is bounded (ASan quarantine kept small so the bound measures zonewarden, not the
# sanitizer's free list).
. "$(dirname "$0")/lib.sh"
cat >"$work/flood.yml" <<'YML'
title: AXFR query (flood test)
id: 5b8e1f0a-3c2d-4e6f-8a9b-0c1d2e3f4a5b
name: axfr_query_flood
status: test
logsource:
  category: dns
detection:
  selection:
    query.type: AXFR
  condition: selection
level: low
---
title: Many AXFR queries from one source (flood test)
id: 6c9f2a1b-4d3e-4f70-9b8c-1d2e3f4a5b6c
status: test
correlation:
  type: event_count
  rules:
    - axfr_query_flood
  group-by:
    - src_endpoint.ip
  timespan: 1h
  condition:
    gte: 1000000000
level: high
YML
hz_run 60 400 compile "$ZW_BIN" compile -o "$work/f.zwt" "$work/flood.yml"
[ "$(hz_rc compile)" = 0 ] || fail "compile: $(cat "$work/compile.err")"
awk 'BEGIN { for (i = 0; i < 500000; i++)
    printf "{\"class_uid\":4003,\"time\":1795784722085,\"metadata\":{\"uid\":\"f%d\"},\"query\":{\"type\":\"AXFR\"},\"src_endpoint\":{\"ip\":\"10.0.0.1\"}}\n", i }' \
    >"$work/flood.jsonl"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:exitcode=86}:quarantine_size_mb=4:malloc_context_size=2"
# unbounded before: ~150 MB under ASan for these 500k (~95 MB release)
hz_run 60 110 default "$ZW_BIN" detect -r "$work/f.zwt" --stats "$work/flood.jsonl"
[ "$(hz_rc default)" = 0 ] || fail "default cap: rc $(hz_rc default): $(tail -3 "$work/default.err")"
grep -q ' 200001 pending_overflow' "$work/default.err" ||
    fail "default cap: overflow not counted: $(grep correlation "$work/default.err")"
grep -q ' 0 late matches dropped' "$work/default.err" || fail "default cap: matches dropped as late"
hz_run 60 60 small "$ZW_BIN" detect -r "$work/f.zwt" --max-pending 10000 "$work/flood.jsonl"
[ "$(hz_rc small)" = 0 ] || fail "--max-pending 10000: rc $(hz_rc small)"
grep -Eq ' [1-9][0-9]* pending_overflow' "$work/small.err" || fail "--max-pending 10000: no overflow counted"
for v in 0 -1 100abc ""; do
    hz_run 30 400 "bad$v" "$ZW_BIN" detect -r "$work/f.zwt" --max-pending "$v" "$work/flood.jsonl"
    [ "$(hz_rc "bad$v")" = 2 ] || fail "--max-pending '$v': rc $(hz_rc "bad$v"), expected 2"
done
ok "500k matches at one time: $(($(tail -1 "$work/default.rss") / 1024)) MB (default cap), $(($(tail -1 "$work/small.rss") / 1024)) MB (--max-pending 10000), overflow counted"
