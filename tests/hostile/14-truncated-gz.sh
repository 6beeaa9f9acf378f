#!/usr/bin/env bash
# A truncated .gz input is reported (the file named, the stream cut) with exit status
# 3; the events before the cut are kept and the other inputs are still read (issue 17).
. "$(dirname "$0")/lib.sh"
log=$ZW_ROOT/tests/data/dns-servers/bind.log
for i in 1 2 3 4 5 6 7 8; do cat "$log"; done | gzip -9 >"$work/full.gz"
size=$(stat -c %s "$work/full.gz")
head -c $((size * 2 / 3)) "$work/full.gz" >"$work/cut.gz"
hz_run 60 300 full "$ZW_BIN" normalize -o "$work/full.jsonl" "$work/full.gz"
[ "$(hz_rc full)" = 0 ] || fail "intact .gz: rc $(hz_rc full)"
hz_run 60 300 cut "$ZW_BIN" normalize --dlq "$work/dlq" -o "$work/cut.jsonl" "$work/cut.gz" "$log"
[ "$(hz_rc cut)" = 3 ] || fail "truncated .gz: rc $(hz_rc cut), want 3: $(cat "$work/cut.err")"
grep -q "cut.gz: input cut short (truncated" "$work/cut.err" ||
    fail "no message naming the file: $(cat "$work/cut.err")"
grep -q '"reason":"gzip stream truncated' "$work/dlq" || fail "no dead letter: $(cat "$work/dlq")"
full=$(wc -l <"$work/full.jsonl")
got=$(wc -l <"$work/cut.jsonl")
one=$(($(grep -c . <"$work/full.jsonl") / 8))
[ "$got" -gt "$one" ] && [ "$got" -lt $((full + one)) ] ||
    fail "$got events from the cut .gz + the plain log (intact .gz: $full)"
hz_run 60 300 rcompile "$ZW_BIN" compile -o "$work/t.zwt" "$ZW_ROOT/detections"
hz_run 60 300 runcut "$ZW_BIN" run -r "$work/t.zwt" -o "$work/alerts" "$work/cut.gz"
[ "$(hz_rc runcut)" = 3 ] || fail "run on a truncated .gz: rc $(hz_rc runcut)"
grep -q "cut.gz: input cut short" "$work/runcut.err" || fail "run: $(cat "$work/runcut.err")"
ok "truncated .gz: rc 3, named on stderr, dead letter, $got events kept"
