#!/usr/bin/env bash
# config-review on hostile configurations: a named.conf nested 200,000 braces deep, an
# include of itself, a knot.conf include loop, a 20 MB unterminated string, binary bytes,
# and /dev/null.
# Each ends with exit 3 (input error) and a file:line:col message, within time and memory.
. "$(dirname "$0")/lib.sh"
python3 - "$work" <<'PY'
import sys, os
w = sys.argv[1]
open(f"{w}/deep.conf", "w").write("options " + "{" * 200000 + "}" * 200000 + ";\n")
open(f"{w}/self.conf", "w").write(f'include "{w}/self.conf";\nzone "a.test" {{ type primary; file "f"; }};\n')
open(f"{w}/k1.conf", "w").write("include: k2.conf\nacl:\n  - id: a\n")
open(f"{w}/k2.conf", "w").write("include: k1.conf\nzone:\n  - domain: a.test\n")
open(f"{w}/long.conf", "w").write('zone "' + "a" * 20_000_000 + '\n')
open(f"{w}/bin.conf", "wb").write(bytes(range(256)) * 4000 + b"\n{;}\n")
PY
for c in deep self long bin; do
    hz_run 60 600 "$c" "$ZW_BIN" config-review --type bind "$work/$c.conf"
    [ "$(hz_rc "$c")" = 3 ] || fail "$c: exit $(hz_rc "$c"), want 3: $(head -c 300 "$work/$c.err")"
    grep -q "$work/$c.conf:[0-9]*:[0-9]*: " "$work/$c.err" || [ "$c" = self ] ||
        fail "$c: no file:line:col message: $(head -c 300 "$work/$c.err")"
done
grep -q "nested deeper than 16" "$work/self.err" || fail "self-include: no depth message"
hz_run 60 400 kloop "$ZW_BIN" config-review --type knot "$work/k1.conf"
[ "$(hz_rc kloop)" = 3 ] || fail "knot include loop: exit $(hz_rc kloop)"
grep -q "nested deeper than 16" "$work/kloop.err" || fail "knot include loop: no depth message"
hz_run 30 200 empty "$ZW_BIN" config-review /dev/null
[ "$(hz_rc empty)" = 3 ] || fail "/dev/null: exit $(hz_rc empty), want 3 (type unknown)"
ok "deep nesting, include loops, a 20 MB line, binary bytes and an empty file: clear errors"
