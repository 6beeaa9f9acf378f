#!/usr/bin/env bash
# Regex limits (issue 17 item 6): a PCRE2 match-limit error used to count as "no match"
# with no counter, and `(a+)+$` cost 18 ms per event.  Now each run is bounded by
# --regex-match-limit (default 100000 steps), every stopped run is counted per rule and
# reported on stderr, and lint warns about the nested quantifier.
. "$(dirname "$0")/lib.sh"
cat >"$work/bomb.yml" <<'YML'
title: regex bomb
id: 0b7e44a2-1f0a-4c55-8f11-2a3b4c5d6e7f
logsource: {category: dns}
detection:
  sel:
    query.hostname|re: '^(?:(a+)+x|a+b)'
  sel2:
    query.hostname|re: '(a+)+$'
  condition: sel or sel2
level: low
YML
hz_run 60 400 lint "$ZW_BIN" lint "$work/bomb.yml"
[ "$(hz_rc lint)" = 0 ] || fail "lint rc $(hz_rc lint): $(cat "$work/lint.err")"
[ "$(grep -c 'warning: regex has a nested quantifier' "$work/lint.err")" = 2 ] ||
    fail "lint did not warn twice: $(cat "$work/lint.err")"
hz_run 60 400 compile "$ZW_BIN" compile -o "$work/bomb.zwt" "$work/bomb.yml"
[ "$(hz_rc compile)" = 0 ] || fail "compile rc $(hz_rc compile)"
for i in $(seq 1 200); do
    printf '{"query":{"hostname":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab%d!"}}\n' "$i"
done >"$work/ev.jsonl"
start=$(date +%s%N)
hz_run 60 600 detect "$ZW_BIN" detect -r "$work/bomb.zwt" --output count "$work/ev.jsonl"
ms=$((($(date +%s%N) - start) / 1000000))
[ "$(hz_rc detect)" = 0 ] || fail "detect rc $(hz_rc detect): $(cat "$work/detect.err")"
grep -q 'zonewarden detect: 400 regex runs stopped by the match limit (100000;' "$work/detect.err" ||
    fail "limit errors not counted: $(cat "$work/detect.err")"
grep -q '^ *400  0b7e44a2-1f0a-4c55-8f11-2a3b4c5d6e7f  regex bomb$' "$work/detect.err" ||
    fail "limit errors not counted per rule: $(cat "$work/detect.err")"
# a lower limit: the same count, less time; a bad limit is a usage error
hz_run 60 600 low "$ZW_BIN" detect -r "$work/bomb.zwt" --regex-match-limit 1000 --output count \
    "$work/ev.jsonl"
grep -q '400 regex runs stopped by the match limit (1000;' "$work/low.err" ||
    fail "--regex-match-limit not applied: $(cat "$work/low.err")"
for bad in 0 -5 12x ''; do
    hz_run 10 400 bad "$ZW_BIN" detect -r "$work/bomb.zwt" --regex-match-limit "$bad" "$work/ev.jsonl"
    [ "$(hz_rc bad)" = 2 ] || fail "--regex-match-limit '$bad': rc $(hz_rc bad)"
done
# an ordinary regex rule on ordinary input reports nothing
printf '{"query":{"hostname":"aaab"}}\n' >"$work/ok.jsonl"
hz_run 60 400 fine "$ZW_BIN" detect -r "$work/bomb.zwt" --output count "$work/ok.jsonl"
grep -q 'regex runs stopped' "$work/fine.err" && fail "limit reported on a plain match"
grep -q ' 1 rule matches' "$work/fine.err" || fail "plain match lost: $(cat "$work/fine.err")"
ok "400 stopped runs counted per rule in ${ms} ms, limit configurable, lint warns"
