#!/usr/bin/env bash
# Runs every tests/integration/*.sh in order; each gets ZW_BIN (the binary) and
# ZW_ROOT (the project root), prints its own progress, and exits non-zero on failure.
# ZW_ONLY=pattern runs the matching scripts only.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
export ZW_ROOT=$root
export ZW_BIN=${ZW_BIN:-$root/build/release/zonewarden}
fail=0
for t in "$root"/tests/integration/*.sh; do
    [ -e "$t" ] || continue
    case "$(basename "$t")" in *${ZW_ONLY:-}*) ;; *) continue ;; esac
    echo "== integration $(basename "$t")"
    if ! timeout 1200 bash "$t"; then
        echo "FAIL: $(basename "$t")"
        fail=1
    fi
done
exit $fail
