#!/usr/bin/env bash
# dnstap input (issue 19): truncated frames, a wrong content type, an oversized frame
# (bounded: skipped without being held in memory), garbage protobuf, DNS names whose
# compression pointers loop, a stream without START, and 5000 unanswered queries (the
# join table stays bounded).  Each bad frame is a dead letter with its byte offset and
# reason; the good frames around it are still events; never a crash.
. "$(dirname "$0")/lib.sh"
gen=$ZW_ROOT/tests/data/dnstap/mkdnstap.py
python3 "$gen" all "$work/in" || fail "mkdnstap.py"

# run CASE EVENTS DEAD REASON-REGEX
run() {
    local c=$1 want_ev=$2 want_dead=$3 re=$4
    hz_run 60 500 "$c" "$ZW_BIN" normalize --dlq "$work/$c.dlq" -o "$work/$c.jsonl" "$work/in/$c.dnstap"
    [ "$(hz_rc "$c")" = 0 ] || fail "$c: exit $(hz_rc "$c"): $(head -3 "$work/$c.err")"
    local ev dead
    ev=$(wc -l <"$work/$c.jsonl")
    dead=$(wc -l <"$work/$c.dlq")
    [ "$ev" = "$want_ev" ] || fail "$c: $ev events, want $want_ev"
    [ "$dead" = "$want_dead" ] || fail "$c: $dead dead letters, want $want_dead"
    if [ "$want_dead" != 0 ]; then
        python3 - "$work/$c.dlq" "$re" <<'PY' || fail "$c: dead letter reason does not match /$re/"
import json, re, sys
for line in open(sys.argv[1]):
    d = json.loads(line)
    r = d.get("reason", "")
    if not re.search(sys.argv[2], r) or "offset" not in r or d["formats_tried"] != ["dnstap"]:
        print("reason:", r)
        sys.exit(1)
PY
    fi
}
run good 3 0 ''
run truncated 2 1 '^dnstap: truncated frame at byte offset [0-9]+: [0-9]+ of [0-9]+ bytes$'
run wrong-type 0 1 "content type 'protobuf:other.Thing' is not protobuf:dnstap.Dnstap"
run oversized 1 1 'frame at byte offset 144 is 2097152 bytes, over the 1048576-byte limit'
run garbage 1 2 '^dnstap: not a dnstap protobuf message \(frame at byte offset [0-9]+\)$'
run ptr-loop 1 2 'query_message: name pointer at byte [0-9]+ to byte 12 loops'
run no-start 0 1 'control frame type 3 before START at byte offset 0'
run many-queries 5000 0 ''
# the oversized frame (2 MiB) is skipped, not read into memory: well under the bound
grep -q 'response not joined: join table full' "$work/many-queries.jsonl" ||
    fail "many-queries: no event says the join table was full"
# gzip-compressed dnstap is read the same way
gzip -c "$work/in/good.dnstap" >"$work/in/gz.dnstap"
run gz 3 0 ''
ok "bad dnstap frames are dead letters with offset and reason; good frames still events"
