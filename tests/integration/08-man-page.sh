#!/usr/bin/env bash
# 08-man-page: man/zonewarden.1 is what scripts/gen-man.py writes from the binary's help
# texts today (so it covers every command and option; run `make man` after changing a
# help text), it has a section per command, and man(1) formats it with warnings enabled
# without a single warning.
set -u
root=${ZW_ROOT:?}
bin=${ZW_BIN:?}
page=$root/man/zonewarden.1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v man >/dev/null || { echo "FAIL: man not installed (scripts/install-deps.sh installs man-db)"; exit 1; }
[ -s "$page" ] || { echo "FAIL: $page missing"; exit 1; }

"$root/scripts/gen-man.py" "$bin" "$(cat "$root/VERSION")" >"$tmp/zonewarden.1" ||
    { echo "FAIL: gen-man.py failed"; exit 1; }
if ! diff -u "$page" "$tmp/zonewarden.1" >"$tmp/diff"; then
    echo "FAIL: man/zonewarden.1 is stale (help texts changed): run make man"
    head -20 "$tmp/diff"
    fail=1
fi
for c in $("$bin" --help | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p'); do
    grep -q "^\.SS \"$c\"" "$page" || { echo "FAIL: no section for $c"; fail=1; }
done
warn=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
if [ -n "$warn" ]; then
    echo "FAIL: man --warnings:"
    echo "$warn" | head -20
    fail=1
fi
lines=$(MANWIDTH=80 man -l "$page" 2>/dev/null | wc -l)
[ "$lines" -gt 200 ] || { echo "FAIL: formatted page has only $lines lines"; fail=1; }
[ $fail -eq 0 ] && echo "ok: man page current, $lines lines at 80 columns, no warnings"
exit $fail
