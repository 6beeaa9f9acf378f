#!/usr/bin/env bash
# dnstap-read.sh - zonewarden's dnstap input against BIND's `dnstap-read -y` (Debian
# bind9-dnsutils) on the same generated dnstap file, in the same run, on one core.
#
#   1. generates BENCH_FRAMES (default 1,000,000) frames: query/response pairs from IPv4
#      and IPv6 clients, 1 in 20 a refused AXFR (tests/data/dnstap/mkdnstap.py pairs:N);
#   2. checks both tools: dnstap-read reads every frame, zonewarden emits one event per
#      pair and dead-letters nothing;
#   3. times `dnstap-read -y FILE` (YAML of every frame, decoded DNS messages) and
#      `zonewarden normalize -o /dev/null FILE` (joined OCSF events as JSON) BENCH_RUNS
#      times each (default 3, interleaved), pinned with taskset;
#   4. prints the medians (CPU seconds, user + system), frames/s and the ratio against the
#      target (issue 19: >= 10x dnstap-read, >= 1M frames/s on one core).
# Not part of `make check` (`make bench` runs it).  Exit 0 when both tools ran correctly
# (BENCH_STRICT=1: and the targets were met).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ZW_BIN=${ZW_BIN:-$ROOT/build/release/zonewarden}
FRAMES=${BENCH_FRAMES:-1000000}
RUNS=${BENCH_RUNS:-3}
CPU=${BENCH_CPU:-0}
for tool in dnstap-read taskset python3 /usr/bin/time "$ZW_BIN"; do
    command -v "$tool" >/dev/null || {
        echo "bench: $tool missing (scripts/install-deps.sh; make)" >&2
        exit 1
    }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/zw-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
f=$work/bench.dnstap
python3 "$ROOT/tests/data/dnstap/mkdnstap.py" "pairs:$FRAMES" "$f"
mb=$(($(stat -c %s "$f") / 1048576))

# correctness first
n_read=$(dnstap-read "$f" | wc -l)
"$ZW_BIN" normalize --dlq "$work/dlq" -o "$work/ev.jsonl" "$f" 2>/dev/null
n_ev=$(wc -l <"$work/ev.jsonl")
[ "$n_read" = "$FRAMES" ] || { echo "bench: dnstap-read read $n_read of $FRAMES frames" >&2; exit 1; }
[ "$n_ev" = $((FRAMES / 2)) ] || { echo "bench: zonewarden emitted $n_ev events, want $((FRAMES / 2))" >&2; exit 1; }
[ ! -s "$work/dlq" ] || { echo "bench: zonewarden dead-lettered frames" >&2; exit 1; }

cpu_secs() { # cmd... -> user+system seconds of the pinned command
    /usr/bin/time -f '%U %S' -o "$work/t" taskset -c "$CPU" "$@" >/dev/null 2>&1
    awk '{printf "%.3f\n", $1 + $2}' "$work/t"
}
zw=() dr=()
for _ in $(seq 1 "$RUNS"); do
    dr+=("$(cpu_secs dnstap-read -y "$f")")
    zw+=("$(cpu_secs "$ZW_BIN" normalize --quiet -o /dev/null "$f")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mdr=$(median "${dr[@]}")
mzw=$(median "${zw[@]}")
awk -v f="$FRAMES" -v mb="$mb" -v d="$mdr" -v z="$mzw" -v strict="${BENCH_STRICT:-0}" 'BEGIN {
    if (d <= 0) d = 0.001; if (z <= 0) z = 0.001;
    ratio = d / z; fps = f / z;
    printf "dnstap: %d frames (%d MB), median of CPU seconds (user+system), CPU pinned\n", f, mb;
    printf "  dnstap-read -y        %8.3f s  %10.0f frames/s\n", d, f / d;
    printf "  zonewarden normalize  %8.3f s  %10.0f frames/s\n", z, fps;
    printf "  ratio %.1fx (target 10x: %s), %.2fM frames/s (target 1M: %s)\n", ratio,
           (ratio >= 10 ? "met" : "missed"), fps / 1e6, (fps >= 1e6 ? "met" : "missed");
    if (strict == 1 && (ratio < 10 || fps < 1e6)) exit 1 }'
