#!/usr/bin/env bash
# A tables file with any byte flipped, or cut short, is refused with a reason (never
# loaded, never a crash); the intact file still loads.
. "$(dirname "$0")/lib.sh"
rules=$ZW_ROOT/tests/data/kafka/axfr-rule.yml
hz_run 60 400 compile "$ZW_BIN" compile -o "$work/t.zwt" "$rules"
[ "$(hz_rc compile)" = 0 ] || fail "compile rc $(hz_rc compile): $(cat "$work/compile.err")"
ev='{"class_uid":4003,"time":1000,"status_id":2,"query":{"type":"AXFR","hostname":"a.test"},"src_endpoint":{"ip":"192.0.2.7"}}'
echo "$ev" >"$work/ev.jsonl"
hz_run 60 400 good "$ZW_BIN" detect -r "$work/t.zwt" "$work/ev.jsonl"
[ "$(hz_rc good)" = 0 ] || fail "intact tables refused: $(cat "$work/good.err")"
size=$(stat -c %s "$work/t.zwt")
refused=0
for i in $(seq 0 9); do
    off=$(( (size * i) / 10 + 3 ))
    [ "$off" -lt "$size" ] || off=$((size - 1))
    cp "$work/t.zwt" "$work/bad.zwt"
    printf '\xa5' | dd of="$work/bad.zwt" bs=1 seek="$off" conv=notrunc status=none
    cmp -s "$work/t.zwt" "$work/bad.zwt" && continue
    hz_run 60 400 "flip$i" "$ZW_BIN" detect -r "$work/bad.zwt" "$work/ev.jsonl"
    [ "$(hz_rc "flip$i")" != 0 ] || fail "byte $off flipped: tables file accepted"
    [ -s "$work/flip$i.err" ] || fail "byte $off flipped: refused without a reason"
    refused=$((refused + 1))
done
head -c $((size / 2)) "$work/t.zwt" >"$work/short.zwt"
hz_run 60 400 short "$ZW_BIN" detect -r "$work/short.zwt" "$work/ev.jsonl"
[ "$(hz_rc short)" != 0 ] || fail "truncated tables file accepted"
[ "$refused" -ge 5 ] || fail "only $refused corruptions tried"
ok "$refused flipped bytes and a cut file refused with a reason"
