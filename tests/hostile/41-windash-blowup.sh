#!/usr/bin/env bash
# A big expansion (issue 17 item 6): `|windash|contains` with 8 dashes is 390,625 leaves
# in one rule; loading its tables file was quadratic in the rule's size (not loaded
# after 120 s).  Compile and load are now linear; more than one such value in a field
# item is a compile error with position instead of gigabytes.
. "$(dirname "$0")/lib.sh"
cat >"$work/w.yml" <<'YML'
title: windash blowup
id: 6a0e1c44-1111-4222-8333-944455556666
logsource: {category: process_creation, product: windows}
detection:
  sel:
    CommandLine|windash|contains: 'x -a -b -c -d -e -f -g -h'
  condition: sel
level: low
YML
hz_run 60 1500 compile "$ZW_BIN" compile -o "$work/w.zwt" "$work/w.yml"
[ "$(hz_rc compile)" = 0 ] || fail "compile rc $(hz_rc compile): $(cat "$work/compile.err")"
grep -q '390625 leaves' "$work/compile.err" || fail "not 390625 leaves: $(cat "$work/compile.err")"
printf '{"CommandLine":"x /a /b \xe2\x80\x93c -d /e -f /g -h"}\n{"CommandLine":"x"}\n' >"$work/ev.jsonl"
hz_run 60 1500 detect "$ZW_BIN" detect -r "$work/w.zwt" --output count "$work/ev.jsonl"
[ "$(hz_rc detect)" = 0 ] || fail "detect rc $(hz_rc detect): $(cat "$work/detect.err")"
grep -q '2 events, 1 rule matches' "$work/detect.err" || fail "$(cat "$work/detect.err")"
# two such values: over the expansion cap, an error at the value
cat >"$work/w2.yml" <<'YML'
title: windash blowup twice
id: 6a0e1c44-1111-4222-8333-944455556667
logsource: {category: process_creation, product: windows}
detection:
  sel:
    CommandLine|windash|contains:
      - 'x -a -b -c -d -e -f -g -h'
      - 'y -a -b -c -d -e -f -g -h'
  condition: sel
level: low
YML
hz_run 60 1500 twice "$ZW_BIN" compile -o "$work/w2.zwt" "$work/w2.yml"
[ "$(hz_rc twice)" = 1 ] || fail "two 8-dash values: rc $(hz_rc twice)"
grep -q 'w2.yml:8:[0-9]*: error: windash expands the values of .* past 400000 patterns' \
    "$work/twice.err" || fail "no expansion error: $(cat "$work/twice.err")"
ok "390,625-leaf rule compiled and loaded in bounded time; a bigger one refused"
