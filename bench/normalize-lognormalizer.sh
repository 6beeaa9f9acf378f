#!/usr/bin/env bash
# normalize-lognormalizer.sh - zonewarden's BIND normalizer against liblognorm's
# lognormalizer (Debian liblognorm-utils) on the same generated BIND 9 log, in the same
# run, on one core.
#
#   1. generates BENCH_LINES (default 1,000,000) BIND query / transfer / denied-transfer
#      lines (bench/gen-bind-lines.py: IPv4 and IPv6 clients, flags, views, TSIG keys);
#   2. checks both tools on the first 100,000 lines: lognormalizer must parse every line
#      with bench/bind.rulebase, zonewarden must emit events and dead-letter nothing;
#   3. times `lognormalizer -r bench/bind.rulebase -e json` and
#      `zonewarden normalize -o /dev/null` BENCH_RUNS times each (default 3, interleaved),
#      pinned to CPU 0 with taskset, peak RSS from /usr/bin/time -v;
#   4. prints the medians (CPU seconds, user + system, of the pinned process: the machine
#      is shared, so wall time is shown too but not used), lines/s per CPU second, peak
#      RSS and the ratio against the targets (>= 3x lognormalizer's lines/s, RSS < 64 MB).
# Exit: 0 when both tools ran correctly (BENCH_STRICT=1: and the targets were met).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ZW_BIN=${ZW_BIN:-$ROOT/build/release/zonewarden}
LINES=${BENCH_LINES:-1000000}
RUNS=${BENCH_RUNS:-3}
CPU=${BENCH_CPU:-0}
RB=$ROOT/bench/bind.rulebase
TARGET_RATIO=3
TARGET_RSS_MB=64

for tool in lognormalizer taskset python3 /usr/bin/time "$ZW_BIN"; do
    command -v "$tool" >/dev/null || {
        echo "bench: $tool missing (scripts/install-deps.sh; make)" >&2
        exit 1
    }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/zw-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
log=$work/bind.log

python3 "$ROOT/bench/gen-bind-lines.py" "$LINES" 1 >"$log"
n=$(wc -l <"$log")
mb=$(($(stat -c %s "$log") / 1048576))

# --- correctness first: a fast tool that drops lines proves nothing
head -n 100000 "$log" >"$work/check.log"
nc=$(wc -l <"$work/check.log")
unparsed=$(lognormalizer -r "$RB" -e raw -P <"$work/check.log" | wc -l)
if [ "$unparsed" -ne 0 ]; then
    echo "bench: lognormalizer left $unparsed of $nc lines unparsed with $RB" >&2
    exit 1
fi
"$ZW_BIN" normalize --dlq "$work/dlq" -o "$work/check.jsonl" "$work/check.log" 2>"$work/zw.err" || {
    echo "bench: zonewarden normalize failed: $(cat "$work/zw.err")" >&2
    exit 1
}
dead=$(wc -l <"$work/dlq")
events=$(wc -l <"$work/check.jsonl")
if [ "$dead" -ne 0 ] || [ "$events" -lt "$nc" ]; then
    echo "bench: zonewarden emitted $events events and dead-lettered $dead of $nc lines" \
        "(a BIND parser is needed): $(head -c 300 "$work/dlq")" >&2
    exit 1
fi
bind_events=$(grep -c '"source_format":"bind"' "$work/check.jsonl" || true)

# --- timing
# timed NAME CMD...: runs CMD on CPU $CPU with stdin from the log, records its CPU
# seconds (user + system: the machine is shared, so wall time also counts other
# processes' turns on the core), wall seconds and peak RSS (KiB) in $work/NAME.times,
# NAME.wall and NAME.rss.
timed()
{
    local name=$1 t0 t1
    shift
    t0=$EPOCHREALTIME
    /usr/bin/time -v -o "$work/$name.tv" taskset -c "$CPU" "$@" <"$log" >/dev/null 2>"$work/$name.err" || {
        echo "bench: $name failed: $(tail -3 "$work/$name.err")" >&2
        exit 1
    }
    t1=$EPOCHREALTIME
    echo "$t0 $t1" | awk '{printf "%.3f\n", $2 - $1}' >>"$work/$name.wall"
    awk -F': ' '/User time \(seconds\)/ {u = $2} /System time \(seconds\)/ {s = $2}
        END {printf "%.2f\n", u + s}' "$work/$name.tv" >>"$work/$name.times"
    awk -F': ' '/Maximum resident set size/ {print $2}' "$work/$name.tv" >>"$work/$name.rss"
}
for _ in $(seq 1 "$RUNS"); do
    timed lognormalizer lognormalizer -r "$RB" -e json
    timed zonewarden "$ZW_BIN" normalize --quiet -o /dev/null -
done

median()
{
    sort -g "$1" | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
ln_s=$(median "$work/lognormalizer.times")
zw_s=$(median "$work/zonewarden.times")
ln_w=$(median "$work/lognormalizer.wall")
zw_w=$(median "$work/zonewarden.wall")
ln_rss=$(sort -n "$work/lognormalizer.rss" | tail -1)
zw_rss=$(sort -n "$work/zonewarden.rss" | tail -1)
ln_ver=$(dpkg-query -W -f='${Version}' liblognorm-utils 2>/dev/null || echo "?")
zw_ver=$("$ZW_BIN" --version)

awk -v n="$n" -v mb="$mb" -v runs="$RUNS" -v cpu="$CPU" -v lns="$ln_s" -v zws="$zw_s" -v lnw="$ln_w" -v zww="$zw_w" \
    -v lnr="$ln_rss" -v zwr="$zw_rss" -v lnv="$ln_ver" -v zwv="$zw_ver" -v be="$bind_events" \
    -v tr="$TARGET_RATIO" -v trss="$TARGET_RSS_MB" -v lt="$(tr '\n' ' ' <"$work/lognormalizer.times")" \
    -v zt="$(tr '\n' ' ' <"$work/zonewarden.times")" '
BEGIN {
    lnr_mb = lnr / 1024; zwr_mb = zwr / 1024
    lps_ln = n / lns; lps_zw = n / zws; ratio = lps_zw / lps_ln
    printf "bench normalize-lognormalizer: %d BIND 9 lines (%d MB), CPU %d only, median of %d runs\n", n, mb, cpu, runs
    printf "  %-28s %7.2f s CPU %10.0f lines/s  (wall %.2f s)  peak RSS %6.1f MB  (CPU s per run: %s)\n", "lognormalizer " lnv " (json)", lns, lps_ln, lnw, lnr_mb, lt
    printf "  %-28s %7.2f s CPU %10.0f lines/s  (wall %.2f s)  peak RSS %6.1f MB  (CPU s per run: %s)\n", zwv " (OCSF)", zws, lps_zw, zww, zwr_mb, zt
    printf "  ratio zonewarden/lognormalizer lines/s: %.2fx (target >= %dx: %s); zonewarden peak RSS %.1f MB (target < %d MB: %s)\n", ratio, tr, (ratio >= tr ? "met" : "MISSED"), zwr_mb, trss, (zwr_mb < trss ? "met" : "MISSED")
    printf "  check on 100000 lines: lognormalizer parsed all; zonewarden emitted events for all, %d by the bind parser, 0 dead-lettered\n", be
    exit !(ratio >= tr && zwr_mb < trss)
}' && met=1 || met=0
if [ "$met" = 0 ] && [ "${BENCH_STRICT:-0}" = 1 ]; then
    exit 1
fi
exit 0
