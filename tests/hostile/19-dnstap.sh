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

# live: hostile writers on the socket (garbage, a wrong content type in READY, a frame cut
# by a disconnect, a writer that connects and says nothing) do not stop a good writer
sock=$work/live.sock
"$ZW_BIN" normalize --listen-dnstap "unix:$sock" --dlq "$work/live.dlq" -o "$work/live.jsonl" \
    2>"$work/live.err" &
zpid=$!
for _ in $(seq 1 100); do
    [ -S "$sock" ] && break
    sleep 0.1
done
[ -S "$sock" ] || { kill -KILL "$zpid"; fail "live: no socket"; }
timeout 30 python3 - "$sock" "$work/in/good.dnstap" <<'PY' || { kill -KILL "$zpid"; fail "live: hostile writers"; }
import socket, struct, sys, time
path, good = sys.argv[1], open(sys.argv[2], "rb").read()
def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.settimeout(5)
    return s
def ctrl(t, ct=b"protobuf:dnstap.Dnstap"):
    body = struct.pack(">I", t) + (struct.pack(">II", 1, len(ct)) + ct if ct else b"")
    return struct.pack(">II", 0, len(body)) + body
silent = conn()                      # connects, never writes
g = conn(); g.sendall(b"\xde\xad\xbe\xef" * 64); g.close()
w = conn(); w.sendall(ctrl(4, b"protobuf:other.Thing")); w.close()
t = conn(); t.sendall(ctrl(4)); assert t.recv(64)[8:12] == struct.pack(">I", 1)  # ACCEPT
t.sendall(ctrl(2) + struct.pack(">I", 500) + b"x" * 10); t.close()
ok = conn(); ok.sendall(ctrl(4)); acc = ok.recv(64)
assert acc[8:12] == struct.pack(">I", 1), acc
ok.sendall(good[: len(good) - 12])   # the file's START and frames (its STOP is 12 bytes)
ok.sendall(ctrl(3, None))
fin = ok.recv(64)
assert fin[8:12] == struct.pack(">I", 5), fin  # FINISH
ok.close()
time.sleep(0.5)
silent.close()
PY
sleep 0.5
kill -TERM "$zpid"
for _ in $(seq 1 100); do
    kill -0 "$zpid" 2>/dev/null || break
    sleep 0.1
done
kill -0 "$zpid" 2>/dev/null && { kill -KILL "$zpid"; fail "live: still running after SIGTERM"; }
wait "$zpid"
rc=$?
[ "$rc" = 0 ] || fail "live: exit $rc: $(head -5 "$work/live.err")"
grep -q Sanitizer "$work/live.err" && fail "live: sanitizer report"
[ "$(wc -l <"$work/live.jsonl")" = 3 ] || fail "live: $(wc -l <"$work/live.jsonl") events, want 3"
grep -q "is not protobuf:dnstap.Dnstap" "$work/live.dlq" || fail "live: wrong content type not dead-lettered"
grep -q "truncated frame" "$work/live.dlq" || fail "live: cut frame not dead-lettered"
ok "bad dnstap frames are dead letters with offset and reason; good frames still events; hostile live writers do not stop a good one"
