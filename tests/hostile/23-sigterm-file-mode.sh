#!/usr/bin/env bash
# Issue 17 item 7: SIGTERM in file mode used to leave a torn last JSON line, no summary
# and no --state file.  Now run / normalize / detect stop at a record boundary, flush
# complete lines, save --state, print the summary and exit 128 + signal (143 SIGTERM,
# 130 SIGINT).
. "$(dirname "$0")/lib.sh"
log=$ZW_ROOT/tests/data/dns-servers/bind.log
hz_run 60 600 compile "$ZW_BIN" compile --tuning "$ZW_ROOT/tuning/demo.yml" -o "$work/r.zwt" \
    "$ZW_ROOT/detections/"
[ "$(hz_rc compile)" = 0 ] || fail "compile: $(cat "$work/compile.err")"
# 400,000 BIND lines, 0.2 s apart over one day, cycling through the sample's messages
awk 'NR == FNR { msg[n++] = substr($0, 25); next } END {
    for (i = 0; i < 400000; i++) {
        ms = i * 200; s = int(ms / 1000); 
        printf "27-Nov-2026 %02d:%02d:%02d.%03d%s\n", int(s / 3600), int(s / 60) % 60, s % 60,
            ms % 1000, msg[i % n] } }' "$log" /dev/null >"$work/big.log"

# stop NAME SIGNAL cmd... : starts cmd (stdout to NAME.out), sends SIGNAL once output
# has started, waits (bounded), records rc
stop() {
    local name=$1 sig=$2 pid i
    shift 2
    "$@" >"$work/$name.out" 2>"$work/$name.err" &
    pid=$!
    for i in $(seq 1 300); do
        [ -s "$work/$name.out" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    [ -s "$work/$name.out" ] || { kill -KILL "$pid"; fail "$name: no output within 30 s"; }
    kill "-$sig" "$pid"
    for i in $(seq 1 600); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid"
        fail "$name: still running 60 s after SIG$sig"
    fi
    wait "$pid"
    echo $? >"$work/$name.rc"
    ! grep -q Sanitizer "$work/$name.err" || fail "$name: sanitizer report"
}
# every line is a complete JSON object: no torn last line
json_lines() {
    echo "  $(basename "$1"): $(grep -c . "$1") lines" >&2
    local f=$1
    [ -z "$(tail -c 1 "$f")" ] || fail "$f: last line not terminated (torn)"
    awk '!/^\{.*\}$/ { bad++ } END { exit bad > 0 }' "$f" || fail "$f: a line is not a JSON object"
    if command -v jq >/dev/null; then
        jq -e . "$f" >/dev/null || fail "$f: not JSON lines"
    fi
}

stop run TERM "$ZW_BIN" run -r "$work/r.zwt" --state "$work/st" "$work/big.log"
[ "$(cat "$work/run.rc")" = 143 ] || fail "run: rc $(cat "$work/run.rc"), expected 143: $(tail -3 "$work/run.err")"
json_lines "$work/run.out"
grep -q '^zonewarden run: [0-9]* events' "$work/run.err" || fail "run: no summary"
grep -q 'stopped by signal 15' "$work/run.err" || fail "run: the stop is not reported"
[ -s "$work/st" ] || fail "run: no --state file after SIGTERM"
: >"$work/empty.log"
hz_run 60 600 reload "$ZW_BIN" run -r "$work/r.zwt" --state "$work/st" "$work/empty.log"
[ "$(hz_rc reload)" = 0 ] || fail "the state saved at SIGTERM does not load: $(cat "$work/reload.err")"
[ "$(grep -c . "$work/run.out")" -lt 150000 ] || fail "run read the whole input: signal not seen"

stop norm INT "$ZW_BIN" normalize "$work/big.log"
[ "$(cat "$work/norm.rc")" = 130 ] || fail "normalize: rc $(cat "$work/norm.rc"), expected 130"
json_lines "$work/norm.out"
grep -q '^zonewarden normalize: read [0-9]* records' "$work/norm.err" || fail "normalize: no summary"

hz_run 120 600 ev "$ZW_BIN" normalize -o "$work/ev.jsonl" "$work/big.log"
stop det TERM "$ZW_BIN" detect -r "$work/r.zwt" --lateness 0s "$work/ev.jsonl"
[ "$(cat "$work/det.rc")" = 143 ] || fail "detect: rc $(cat "$work/det.rc"), expected 143"
json_lines "$work/det.out"
grep -q '^zonewarden detect: [0-9]* events' "$work/det.err" || fail "detect: no summary"
ok "SIGTERM/SIGINT: complete JSON lines, state saved and loadable, summary, rc 143/130"
