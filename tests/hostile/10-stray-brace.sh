#!/usr/bin/env bash
# A stray line "{" in the middle of a BIND log (auto-detected, and with --format bind)
# is one dead letter for that line only: events and run alerts equal the clean file's
# (issue 17, item 2: it used to turn the rest of the file into one dead letter).
. "$(dirname "$0")/lib.sh"
log=$ZW_ROOT/tests/data/dns-servers/bind.log
awk 'NR==30{print "{"} {print}' "$log" >"$work/stray.log"
awk 'NR==1{print "{"} {print}' "$log" >"$work/stray1.log"
hz_run 60 400 compile "$ZW_BIN" compile -o "$work/t.zwt" "$ZW_ROOT/detections"
[ "$(hz_rc compile)" = 0 ] || fail "compile: $(cat "$work/compile.err")"
hz_run 60 400 clean "$ZW_BIN" normalize -o "$work/clean.jsonl" "$log"
hz_run 60 400 crun "$ZW_BIN" run -r "$work/t.zwt" -o "$work/clean.alerts" "$log"
clean_ev=$(wc -l <"$work/clean.jsonl")
clean_al=$(wc -l <"$work/clean.alerts")
[ "$clean_ev" -gt 50 ] && [ "$clean_al" -gt 0 ] || fail "clean file: $clean_ev events, $clean_al alerts"
for v in auto bind first; do
    in=$work/stray.log
    args=()
    [ "$v" = bind ] && args=(--format bind)
    [ "$v" = first ] && in=$work/stray1.log
    hz_run 60 400 "n$v" "$ZW_BIN" normalize "${args[@]}" --dlq "$work/$v.dlq" -o "$work/$v.jsonl" "$in"
    [ "$(hz_rc "n$v")" = 0 ] || fail "$v: normalize rc $(hz_rc "n$v"): $(cat "$work/n$v.err")"
    ev=$(wc -l <"$work/$v.jsonl")
    dl=$(wc -l <"$work/$v.dlq")
    [ "$ev" = "$clean_ev" ] || fail "$v: $ev events, clean file $clean_ev"
    [ "$dl" = 1 ] || fail "$v: $dl dead letters, want 1: $(head -c 600 "$work/$v.dlq")"
    python3 - "$work/$v.dlq" <<'PY' || fail "$v: dead letter is not the stray line"
import json, sys
d = json.loads(open(sys.argv[1]).readline())
assert d["raw"] == "{", d
PY
    hz_run 60 400 "r$v" "$ZW_BIN" run "${args[@]}" -r "$work/t.zwt" --dlq "$work/r$v.dlq" \
        -o "$work/$v.alerts" "$in"
    [ "$(hz_rc "r$v")" = 0 ] || fail "$v: run rc $(hz_rc "r$v"): $(cat "$work/r$v.err")"
    al=$(wc -l <"$work/$v.alerts")
    [ "$al" = "$clean_al" ] || fail "$v: run gave $al alerts, clean file $clean_al"
    [ "$(wc -l <"$work/r$v.dlq")" = 1 ] || fail "$v: run dead letters: $(cat "$work/r$v.dlq")"
done
ok "stray '{' (mid-file auto, --format bind, first line): $clean_ev events, $clean_al alerts, 1 dead letter each"
