#!/usr/bin/env bash
# tests/hostile/run.sh - runs every tests/hostile/[0-9]*.sh against the ASan/UBSan
# binary (ZW_BIN, set by `make hostile`).  Each case script reproduces one attack from
# issue 17 (hostile or odd input, faults, shutdown) and exits non-zero when zonewarden
# loses data, crashes, exceeds its time or memory bound, or reports the wrong thing.
# ZW_ONLY=pattern runs the matching scripts only.
set -u
here=$(cd "$(dirname "$0")" && pwd)
export ZW_ROOT=${ZW_ROOT:-$(cd "$here/../.." && pwd)}
export ZW_BIN=${ZW_BIN:-$ZW_ROOT/build/asan/zonewarden}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=86}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=87}
fail=0
n=0
for t in "$here"/[0-9]*.sh; do
    [ -e "$t" ] || continue
    case "$(basename "$t")" in *${ZW_ONLY:-}*) ;; *) continue ;; esac
    n=$((n + 1))
    echo "== hostile $(basename "$t")"
    if ! timeout 600 bash "$t"; then
        echo "FAIL: hostile $(basename "$t")"
        fail=1
    fi
done
if [ "$n" -eq 0 ]; then
    echo "hostile: no case ran (ZW_ONLY=${ZW_ONLY:-})"
    exit 1
fi
exit $fail
