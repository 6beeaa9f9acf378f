#!/usr/bin/env bash
# Issue 17 "Also": `detect <&-` exited 0; `summary` / `formats` accepted unknown
# flags; `--state` in a missing folder failed only after the whole run.  Now: a closed
# stdin is an error naming stdin (rc 3); unknown flags are usage errors (rc 2); the
# state folder is checked at start-up, before any input is read.
. "$(dirname "$0")/lib.sh"
log=$ZW_ROOT/tests/data/dns-servers/bind.log
hz_run 60 400 compile "$ZW_BIN" compile -o "$work/t.zwt" "$ZW_ROOT/tests/data/kafka/axfr-rule.yml"
[ "$(hz_rc compile)" = 0 ] || fail "compile: $(cat "$work/compile.err")"
for c in "detect -r $work/t.zwt" "detect -r $work/t.zwt -" "run -r $work/t.zwt" "normalize" "summary"; do
    hz_run 30 400 closed bash -c "\"\$0\" $c <&-" "$ZW_BIN"
    [ "$(hz_rc closed)" = 3 ] || fail "$c <&-: rc $(hz_rc closed), expected 3"
    grep -q 'stdin' "$work/closed.err" || fail "$c <&-: message does not name stdin: $(cat "$work/closed.err")"
done
for c in "summary --bogus" "summary -x" "formats --bogus" "formats extra"; do
    hz_run 30 400 flag "$ZW_BIN" $c
    [ "$(hz_rc flag)" = 2 ] || fail "$c: rc $(hz_rc flag), expected 2"
    [ ! -s "$work/flag.out" ] || fail "$c: printed output anyway"
done
hz_run 30 400 formats "$ZW_BIN" formats
[ "$(hz_rc formats)" = 0 ] && grep -q '^bind ' "$work/formats.out" || fail "formats broken"
# --state in a missing folder: refused before reading input (stdin is never read)
# (stdin: a pipe that stays open and silent for 30 s; reading it first would time out)
hz_run 30 400 state bash -c 'timeout 5 "$0" run -r "$1" --state "$2" < <(sleep 30)' "$ZW_BIN" \
    "$work/t.zwt" "$work/no/such/dir/state"
[ "$(hz_rc state)" = 3 ] || fail "--state in a missing folder: rc $(hz_rc state), expected 3"
grep -q 'no/such/dir' "$work/state.err" || fail "--state: message does not name the folder"
! grep -q 'events,' "$work/state.err" || fail "--state in a missing folder: the run happened first"
hz_run 30 400 state2 "$ZW_BIN" detect -r "$work/t.zwt" --state /proc/nope/st "$log"
[ "$(hz_rc state2)" = 3 ] || fail "--state /proc/nope/st: rc $(hz_rc state2)"
ok "closed stdin refused (rc 3), unknown flags rc 2, --state folder checked at start-up"
