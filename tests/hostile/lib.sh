# tests/hostile/lib.sh - sourced by every hostile case.  Gives a scratch folder ($work,
# removed on exit), fail/ok, and hz_run: runs a command under a wall-clock bound and
# a peak-RSS bound and records its exit status, stdout, stderr and peak RSS.
#
#   hz_run SECONDS MAX_RSS_MB NAME cmd args...
#       -> $work/NAME.out, $work/NAME.err, $work/NAME.rc, $work/NAME.rss (KiB);
#          fails the case when the command outlives SECONDS, peaks above MAX_RSS_MB
#          (ASan's own overhead included: set bounds for the asan build), or when a
#          sanitizer reported (exit 86 ASan, 87 UBSan).
set -u
ZW_ROOT=${ZW_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
ZW_BIN=${ZW_BIN:-$ZW_ROOT/build/asan/zonewarden}
work=$(mktemp -d "${TMPDIR:-/tmp}/zw-hostile.XXXXXX")
trap 'rm -rf "$work"' EXIT
case_name=$(basename "$0" .sh)

fail() {
    echo "FAIL: $case_name: $*"
    exit 1
}
ok() {
    echo "ok   $case_name: $*"
}

hz_run() {
    local secs=$1 mb=$2 name=$3
    shift 3
    local rc
    /usr/bin/time -f '%M' -o "$work/$name.rss" timeout -k 5 "$secs" "$@" \
        >"$work/$name.out" 2>"$work/$name.err"
    rc=$?
    echo "$rc" >"$work/$name.rc"
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
        fail "$name: still running after ${secs}s"
    fi
    if [ "$rc" -eq 86 ] || [ "$rc" -eq 87 ] || grep -q 'Sanitizer' "$work/$name.err"; then
        sed -n 1,40p "$work/$name.err" >&2
        fail "$name: sanitizer report (rc $rc)"
    fi
    local kib
    kib=$(tail -n 1 "$work/$name.rss")
    if [ "$kib" -gt $((mb * 1024)) ]; then
        fail "$name: peak RSS $((kib / 1024)) MB over the ${mb} MB bound"
    fi
    return 0
}

# hz_rc NAME -> the exit status hz_run recorded
hz_rc() {
    cat "$work/$1.rc"
}
