#!/usr/bin/env bash
# 10-ocsf-conformance.sh - every event zonewarden emits must be valid OCSF 1.8.0.
# First proves the validator catches bad events (tests/ocsf/test_validate.py), then runs
# `zonewarden normalize --raw` over every file under tests/data/ (every format other
# areas add: DNS server logs, Zeek, Windows, Infoblox, providers, ...) and validates each
# emitted event with tests/ocsf/validate.py against tests/data/ocsf-1.8.0.  Fails listing
# the violations (file:line [format]: path: problem).
set -u
ZW_ROOT=${ZW_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
ZW_BIN=${ZW_BIN:-$ZW_ROOT/build/release/zonewarden}
work=$(mktemp -d "${TMPDIR:-/tmp}/zw-ocsf.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "-- validator self-test (bad events must be caught)"
if ! python3 "$ZW_ROOT/tests/ocsf/test_validate.py" 2>"$work/selftest.log"; then
    cat "$work/selftest.log"
    echo "FAIL: the OCSF validator's own tests failed"
    exit 1
fi
tail -n 3 "$work/selftest.log"

mapfile -t inputs < <(find "$ZW_ROOT/tests/data" -path "$ZW_ROOT/tests/data/ocsf-1.8.0" -prune \
    -o -type f -print | LC_ALL=C sort)
echo "-- normalizing ${#inputs[@]} files under tests/data"
if [ ${#inputs[@]} -eq 0 ]; then
    echo "FAIL: no input files under tests/data"
    exit 1
fi
# One run per file keeps each file's own position and year inference; --raw adds raw_data.
: >"$work/events.jsonl"
for f in "${inputs[@]}"; do
    if ! "$ZW_BIN" normalize --raw --quiet --dlq /dev/null "$f" >>"$work/events.jsonl" 2>"$work/err"; then
        echo "FAIL: zonewarden normalize $f exited non-zero: $(cat "$work/err")"
        exit 1
    fi
done
n=$(wc -l <"$work/events.jsonl")
nparsers=$("$ZW_BIN" formats | wc -l)
echo "-- $n events from $nparsers formats"
if [ "$nparsers" -gt 0 ] && [ "$n" -eq 0 ]; then
    echo "FAIL: $nparsers parsers registered but no event came out of tests/data"
    exit 1
fi
echo "-- formats seen: $(python3 -c '
import json, sys, collections
c = collections.Counter(json.loads(l).get("unmapped", {}).get("source_format", "?") for l in open(sys.argv[1]) if l.strip())
print(", ".join("%s=%d" % kv for kv in sorted(c.items())) or "none")' "$work/events.jsonl")"
if ! python3 "$ZW_ROOT/tests/ocsf/validate.py" --max 200 --known "$ZW_ROOT/tests/ocsf/known-violations.txt" "$work/events.jsonl"; then
    echo "FAIL: events violate OCSF 1.8.0 (above: event line in the combined output [format]: problem)"
    exit 1
fi
exit 0
