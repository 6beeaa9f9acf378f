#!/usr/bin/env bash
# sigma-rsigma.sh - zonewarden's matcher against rsigma (crates.io) with the whole
# SigmaHQ rules/ corpus, on the same generated events, in the same run, on one core.
#
#   1. installs rsigma with `cargo install` into a cache outside the repository
#      (BENCH_CACHE, default ~/.cache/zonewarden-bench; RSIGMA_VERSION, default the
#      newest release that builds with the installed rustc);
#   2. generates BENCH_EVENTS (default 20,000) events from the corpus
#      (bench/gen-sigma-events.py: process creation, registry, network, DNS, file and
#      cloud events, half shaped after a rule's selection, half benign);
#   3. zonewarden: `compile --keep-going --fieldmaps none` (raw field names, as rsigma),
#      then `detect --output matches`; rsigma: `engine eval --include-event`;
#      BENCH_RUNS (default 3) runs each, interleaved, pinned with taskset to BENCH_CPU;
#   4. prints medians of CPU seconds (user + system; the machine is shared) and of wall
#      seconds, events/s and the ratio (target >= 5x), peak RSS of each;
#   5. compares the (rule id, event) match sets and lists every disagreement (first
#      BENCH_SHOW, default 40) with the rule file, so each can be explained.
# Exit: 0 when both ran (BENCH_STRICT=1: and the sets agree and the target was met).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ZW_BIN=${ZW_BIN:-$ROOT/build/release/zonewarden}
CORPUS=${ZW_SIGMA_CORPUS:-$ROOT/tests/data/sigma}/rules
CACHE=${BENCH_CACHE:-$HOME/.cache/zonewarden-bench}
RSIGMA_VERSION=${RSIGMA_VERSION:-0.23.0}
EVENTS=${BENCH_EVENTS:-20000}
RUNS=${BENCH_RUNS:-3}
CPU=${BENCH_CPU:-0}
SHOW=${BENCH_SHOW:-40}
TARGET=5

[ -d "$CORPUS" ] || { echo "bench: SigmaHQ corpus not found at $CORPUS" >&2; exit 1; }
for tool in python3 taskset /usr/bin/time "$ZW_BIN"; do
    command -v "$tool" >/dev/null || { echo "bench: $tool missing" >&2; exit 1; }
done
RSIGMA=$CACHE/bin/rsigma
if [ ! -x "$RSIGMA" ]; then
    command -v cargo >/dev/null || { echo "bench: cargo missing (rustup / Debian cargo)" >&2; exit 1; }
    echo "bench: installing rsigma $RSIGMA_VERSION into $CACHE (cargo install, once)"
    mkdir -p "$CACHE"
    cargo install rsigma --version "$RSIGMA_VERSION" --locked --root "$CACHE" -j 2 \
        >"$CACHE/cargo-install.log" 2>&1 || { tail -20 "$CACHE/cargo-install.log"; exit 1; }
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/zw-bench-sigma.XXXXXX")
trap 'rm -rf "$work"' EXIT
ev=$work/events.jsonl
python3 "$ROOT/bench/gen-sigma-events.py" "$CORPUS" "$EVENTS" >"$ev" || exit 1
echo "events: $EVENTS ($(($(stat -c %s "$ev") / 1024)) KiB), rules: $(find "$CORPUS" -name '*.yml' | wc -l) files, rsigma $("$RSIGMA" --version 2>/dev/null | head -1)"

"$ZW_BIN" compile --keep-going --fieldmaps none "$CORPUS" -o "$work/sigma.zwt" 2>"$work/compile.err" || {
    cat "$work/compile.err"; exit 1; }
grep '^zonewarden compile:' "$work/compile.err"

# time one command: prints "cpu wall rss_kb"
timed() {
    /usr/bin/time -f '%U %S %e %M' -o "$work/t" taskset -c "$CPU" "$@" >"$work/out.tmp" 2>"$work/err.tmp"
    local rc=$?
    read -r u s e m <"$work/t"
    echo "$(awk -v u="$u" -v s="$s" 'BEGIN{print u+s}') $e $m"
    return $rc
}
median() { sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
: >"$work/zw.times"
: >"$work/rs.times"
: >"$work/rsb.times"
for i in $(seq "$RUNS"); do
    timed "$ZW_BIN" detect -r "$work/sigma.zwt" --output matches "$ev" >>"$work/zw.times" || {
        cat "$work/err.tmp"; exit 1; }
    cp "$work/out.tmp" "$work/zw.matches"
    timed "$RSIGMA" engine eval -r "$CORPUS" -e "@$ev" --include-event >>"$work/rs.times" || true
    cp "$work/out.tmp" "$work/rs.out"
    cp "$work/err.tmp" "$work/rs.err"
    timed "$RSIGMA" engine eval -r "$CORPUS" -e "@$ev" --bloom-prefilter >>"$work/rsb.times" || true
done
# load cost alone (one event), to report matching-only rates as well
head -n 1 "$ev" >"$work/one.jsonl"
zl=$(timed "$ZW_BIN" detect -r "$work/sigma.zwt" --output count "$work/one.jsonl" | cut -d' ' -f1)
rl=$(timed "$RSIGMA" engine eval -r "$CORPUS" -e "@$work/one.jsonl" | cut -d' ' -f1)
[ -s "$work/rs.out" ] || { echo "bench: rsigma produced no output"; head -20 "$work/rs.err"; exit 1; }
zc=$(cut -d' ' -f1 "$work/zw.times" | median); zw=$(cut -d' ' -f2 "$work/zw.times" | median)
rc=$(cut -d' ' -f1 "$work/rs.times" | median); rw=$(cut -d' ' -f2 "$work/rs.times" | median)
bc=$(cut -d' ' -f1 "$work/rsb.times" | median); bw=$(cut -d' ' -f2 "$work/rsb.times" | median)
zm=$(cut -d' ' -f3 "$work/zw.times" | sort -n | tail -1); rm_=$(cut -d' ' -f3 "$work/rs.times" | sort -n | tail -1)
best_c=$(awk -v a="$rc" -v b="$bc" 'BEGIN{print (b>0 && b<a)?b:a}')
awk -v n="$EVENTS" -v zc="$zc" -v zw="$zw" -v rc="$rc" -v rw="$rw" -v bc="$bc" -v bw="$bw" \
    -v best="$best_c" -v zm="$zm" -v rm="$rm_" -v t="$TARGET" -v zl="$zl" -v rl="$rl" 'BEGIN {
    printf "zonewarden detect : median %.3f s CPU (%.3f s wall)  %9.0f events/s CPU  peak RSS %d MB\n", zc, zw, n/zc, zm/1024
    printf "rsigma eval       : median %.3f s CPU (%.3f s wall)  %9.0f events/s CPU  peak RSS %d MB\n", rc, rw, n/rc, rm/1024
    printf "rsigma --bloom    : median %.3f s CPU (%.3f s wall)  %9.0f events/s CPU\n", bc, bw, n/bc
    printf "ratio (CPU, vs the faster rsigma mode): %.2fx (target >= %dx) %s\n", best/zc, t, (best/zc >= t) ? "MET" : "NOT MET"
    printf "(both times include loading the rules: zonewarden loads the compiled tables file, rsigma parses the YAML corpus)\n"
    zm_ = zc - zl; rm_ = best - rl
    if (zm_ > 0 && rm_ > 0)
        printf "matching only (minus a one-event run: zonewarden %.3f s, rsigma %.3f s to load): zonewarden %.0f events/s, rsigma %.0f events/s, ratio %.2fx\n", zl, rl, n/zm_, n/rm_, rm_/zm_
}' | tee "$work/summary"

# match sets
python3 - "$work/zw.matches" "$work/rs.out" "$CORPUS" "$SHOW" <<'PY' | tee "$work/diff"
import json, os, sys
zw = set()
for line in open(sys.argv[1]):
    rid, idx = line.rstrip("\n").split("\t")
    zw.add((rid, int(idx)))
rs = set()
for line in open(sys.argv[2]):
    line = line.strip()
    if not line.startswith("{"):
        continue
    try:
        o = json.loads(line)
    except ValueError:
        continue
    ev = o.get("event") or {}
    if "zw_seq" not in ev:
        continue
    rs.add((o.get("rule_id") or o.get("rule_title"), int(ev["zw_seq"])))
files = {}
for d, _, fs in os.walk(sys.argv[3]):
    for f in fs:
        if f.endswith(".yml"):
            p = os.path.join(d, f)
            for l in open(p, errors="replace"):
                if l.startswith("id: "):
                    files[l[4:].strip()] = os.path.relpath(p, sys.argv[3])
                    break
only_zw, only_rs = sorted(zw - rs), sorted(rs - zw)
print("match sets: zonewarden %d, rsigma %d, both %d, only zonewarden %d, only rsigma %d"
      % (len(zw), len(rs), len(zw & rs), len(only_zw), len(only_rs)))
by_rule = {}
for side, lst in (("only zonewarden", only_zw), ("only rsigma", only_rs)):
    for rid, idx in lst:
        by_rule.setdefault((side, rid), []).append(idx)
n = 0
for (side, rid), idxs in sorted(by_rule.items(), key=lambda kv: -len(kv[1])):
    if n >= int(sys.argv[4]):
        print("... %d more rules disagree" % (len(by_rule) - n))
        break
    print("  %-16s %4d events  %s  %s  (event %d)" % (side, len(idxs), rid, files.get(rid, "?"), idxs[0]))
    n += 1
PY
if [ "${BENCH_STRICT:-0}" = 1 ]; then
    grep -q "only zonewarden 0, only rsigma 0" "$work/diff" && grep -q "target >= 5x) MET" "$work/summary" || exit 1
fi
exit 0
