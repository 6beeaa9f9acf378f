#!/usr/bin/env bash
# Issue 17 item 1: one BIND line dated 27-Nov-9999 (or 2100) before a transfer sweep
# used to move the correlator's watermark to that year: every later match was "late"
# (0 sweep alerts instead of 1), and through --state the next run too.  Now such a match
# raises its own alert at once (flagged future_time), is counted in future_events and
# never moves the watermark; a state file carrying such a watermark is reset on load.
. "$(dirname "$0")/lib.sh"
log=$ZW_ROOT/tests/data/dns-servers/bind.log
sweep='Zone transfer sweep across zones'
hz_run 60 600 compile "$ZW_BIN" compile --tuning "$ZW_ROOT/tuning/demo.yml" -o "$work/r.zwt" \
    "$ZW_ROOT/detections/"
[ "$(hz_rc compile)" = 0 ] || fail "compile: $(cat "$work/compile.err")"
hz_run 60 600 base "$ZW_BIN" run -r "$work/r.zwt" "$log"
[ "$(hz_rc base)" = 0 ] || fail "baseline run rc $(hz_rc base)"
want=$(grep -c "\"title\":\"$sweep\"" "$work/base.out")
[ "$want" = 1 ] || fail "baseline: $want sweep alerts, expected 1"
nbase=$(wc -l <"$work/base.out")
# line 27: a refused transfer (its own alert), inserted before the sweep's first line
bad=$(sed -n 27p "$log")
for year in 9999 2100; do
    sed "8i ${bad/27-Nov-2026/27-Nov-$year}" "$log" >"$work/bind-$year.log"
    hz_run 60 600 "y$year" "$ZW_BIN" run -r "$work/r.zwt" "$work/bind-$year.log"
    [ "$(hz_rc "y$year")" = 0 ] || fail "$year: rc $(hz_rc "y$year")"
    n=$(grep -c "\"title\":\"$sweep\"" "$work/y$year.out")
    [ "$n" = 1 ] || fail "$year: $n sweep alerts, expected 1 (stderr: $(grep correlation "$work/y$year.err"))"
    grep -q ' 0 late matches dropped' "$work/y$year.err" ||
        fail "$year: late matches dropped: $(grep correlation "$work/y$year.err")"
    grep -Eq ' [1-9][0-9]* future_events' "$work/y$year.err" || fail "$year: future_events not counted"
    [ "$(wc -l <"$work/y$year.out")" = $((nbase + 1)) ] ||
        fail "$year: $(wc -l <"$work/y$year.out") alerts, expected $((nbase + 1))"
    [ "$(grep -c '"future_time":true' "$work/y$year.out")" = 1 ] ||
        fail "$year: the future-dated alert is not flagged future_time"
done
# through --state: the poisoned run, then the same log again: as after a clean run (the
# second run's matches are as old as the first's, so both drop the same late ones)
hz_run 60 600 s1 "$ZW_BIN" run -r "$work/r.zwt" --state "$work/st" "$work/bind-9999.log"
hz_run 60 600 s2 "$ZW_BIN" run -r "$work/r.zwt" --state "$work/st" "$log"
hz_run 60 600 c1 "$ZW_BIN" run -r "$work/r.zwt" --state "$work/stc" "$log"
hz_run 60 600 c2 "$ZW_BIN" run -r "$work/r.zwt" --state "$work/stc" "$log"
for r in s1 s2 c1 c2; do [ "$(hz_rc $r)" = 0 ] || fail "--state run $r rc $(hz_rc $r)"; done
[ "$(wc -l <"$work/s2.out")" = "$(wc -l <"$work/c2.out")" ] ||
    fail "after a 9999 line, the next --state run has $(wc -l <"$work/s2.out") alerts, clean: $(wc -l <"$work/c2.out")"
late() { grep -o '[0-9]* late matches dropped' "$1" || echo none; }
[ "$(late "$work/s2.err")" = "$(late "$work/c2.err")" ] ||
    fail "--state run after the 9999 line: $(late "$work/s2.err"), clean: $(late "$work/c2.err")"
# a tiny skew flags every line of 2026 as future (the flag is tunable, strictly parsed)
hz_run 60 600 skew "$ZW_BIN" run -r "$work/r.zwt" --max-future-skew 1ms "$log"
hz_run 60 600 badskew "$ZW_BIN" run -r "$work/r.zwt" --max-future-skew 1x "$log"
[ "$(hz_rc badskew)" = 2 ] || fail "--max-future-skew 1x: rc $(hz_rc badskew), expected 2"
ok "a 9999 / 2100 line: 1 sweep alert, 0 late drops, flagged and counted; --state not poisoned"
