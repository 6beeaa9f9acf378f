#!/usr/bin/env bash
# run-all.sh - runs every bench/*.sh except itself and lib.sh (sourced by the others), in name order (`make bench`).  Each
# benchmark prints its own medians and ratios; this script prints which ones failed and
# exits non-zero if any did.  BENCH_ONLY=pattern runs the matching ones only; BENCH_LINES,
# BENCH_RUNS and friends are passed through to the benchmarks.
set -u
dir=$(cd "$(dirname "$0")" && pwd)
self=$(basename "$0")
failed=()
ran=0
for b in "$dir"/*.sh; do
    name=$(basename "$b")
    [ "$name" = "$self" ] && continue
    [ "$name" = lib.sh ] && continue
    case "$name" in *${BENCH_ONLY:-}*) ;; *) continue ;; esac
    echo "== bench $name"
    ran=$((ran + 1))
    if ! bash "$b"; then
        echo "FAIL: bench $name"
        failed+=("$name")
    fi
done
echo "== benchmarks: $ran run, ${#failed[@]} failed${failed:+ (${failed[*]})}"
[ ${#failed[@]} -eq 0 ]
