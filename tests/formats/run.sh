#!/usr/bin/env bash
# tests/formats/run.sh - format tests as data.  Every case is two files under
# tests/data/formats/<format>/:
#
#   <case>.log      input lines in that format (or <case>.json / <case>.jsonl: a JSON
#                   document or JSON lines)
#   <case>.expect   expectations on the normalized events, in zw_expect's `path=value`
#                   language (tests/integration/lib/zw_expect.py); JSON compared as JSON
#
# and optionally <case>.args (extra `normalize` arguments, one line, e.g. `--tz +02:00`)
# and <case>.dlq.expect (expectations on the dead letters; without it the case fails
# when anything was dead-lettered).  The runner normalizes <case>.log with
# `--format <format>` and again with auto-detection (unless the .args file forces
# `--format`), and checks both.  A new case is two files; nothing here changes.
#
# ZW_BIN picks the binary; ZW_ONLY=pattern runs the cases whose format/case matches.
set -u
here=$(cd "$(dirname "$0")" && pwd)
ZW_ROOT=${ZW_ROOT:-$(cd "$here/../.." && pwd)}
ZW_BIN=${ZW_BIN:-$ZW_ROOT/build/release/zonewarden}
EXPECT=$ZW_ROOT/tests/integration/lib/zw_expect.py
cases=$ZW_ROOT/tests/data/formats
work=$(mktemp -d "${TMPDIR:-/tmp}/zw-formats.XXXXXX")
trap 'rm -rf "$work"' EXIT

known=$("$ZW_BIN" formats | awk '{print $1}')
fail=0
n=0
check_one() { # format case mode(forced|auto)
    local fmt=$1 base=$2 mode=$3 args=()
    local name
    name="$fmt/$(basename "$base")"
    [ -f "$base.args" ] && read -r -a args <"$base.args"
    if [ "$mode" = forced ]; then
        args+=(--format "$fmt")
    fi
    local out=$work/out.jsonl dlq=$work/dlq.jsonl input
    input=$(ls "$base".log "$base".json "$base".jsonl 2>/dev/null | head -n 1)
    rm -f "$out" "$dlq"
    if ! "$ZW_BIN" normalize --quiet "${args[@]}" --dlq "$dlq" -o "$out" "$input" 2>"$work/err"; then
        echo "FAIL $name ($mode): normalize failed: $(head -3 "$work/err")"
        return 1
    fi
    : >>"$dlq"
    if ! python3 "$EXPECT" "$out" "$base.expect" >"$work/exp" 2>&1; then
        echo "FAIL $name ($mode):"
        grep -v '^ok ' "$work/exp" | sed 's/^/    /'
        return 1
    fi
    if [ -f "$base.dlq.expect" ]; then
        if ! python3 "$EXPECT" "$dlq" "$base.dlq.expect" >"$work/exp" 2>&1; then
            echo "FAIL $name ($mode): dead letters:"
            grep -v '^ok ' "$work/exp" | sed 's/^/    /'
            return 1
        fi
    elif [ -s "$dlq" ]; then
        echo "FAIL $name ($mode): $(wc -l <"$dlq") dead letters and no $base.dlq.expect:"
        head -3 "$dlq" | cut -c1-300 | sed 's/^/    /'
        return 1
    fi
    echo "ok   $name ($mode): $(grep -c . "$out") events, $(grep -c . "$dlq") dead letters"
}

for dir in "$cases"/*/; do
    fmt=$(basename "$dir")
    if ! grep -qx -- "$fmt" <<<"$known"; then
        echo "FAIL: tests/data/formats/$fmt is not a format zonewarden knows"
        fail=1
        continue
    fi
    for log in "$dir"*.log "$dir"*.json "$dir"*.jsonl; do
        [ -e "$log" ] || continue
        base=${log%.*}
        case "$fmt/$(basename "$base")" in *${ZW_ONLY:-}*) ;; *) continue ;; esac
        if [ ! -f "$base.expect" ]; then
            echo "FAIL $fmt/$(basename "$base"): no .expect file"
            fail=1
            continue
        fi
        n=$((n + 1))
        check_one "$fmt" "$base" forced || fail=1
        if ! grep -q -- '--format' "$base.args" 2>/dev/null; then
            check_one "$fmt" "$base" auto || fail=1
        fi
    done
done
if [ "$n" -eq 0 ]; then
    echo "formats: no case ran (ZW_ONLY=${ZW_ONLY:-})"
    exit 1
fi
echo "formats: $n cases"
exit $fail
