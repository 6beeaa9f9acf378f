#!/usr/bin/env bash
# Rule folders that must not compile quietly (issue 17 item 9, issue 18 item 5): an
# empty folder (was a 0-rule tables file, rc 0, and a UBSan qsort(NULL)), a folder with
# a symlink loop (was the same rule 41 times), the same rule id in two files (was
# accepted), and `export --sigma` of a folder whose rules sit in a subfolder (was
# 0 rules, rc 0: export had its own walker).
. "$(dirname "$0")/lib.sh"
rule=$ZW_ROOT/tests/data/kafka/axfr-rule.yml
det=$ZW_ROOT/tests/data/compiler/det_sample.yml

mkdir -p "$work/empty"
hz_run 60 400 empty "$ZW_BIN" compile -o "$work/empty.zwt" "$work/empty"
[ "$(hz_rc empty)" != 0 ] || fail "empty folder compiled with rc 0"
grep -q 'no rule files' "$work/empty.err" || fail "empty folder: no reason: $(cat "$work/empty.err")"
[ ! -e "$work/empty.zwt" ] || fail "empty folder: a tables file was written"

mkdir -p "$work/loop/sub"
cp "$rule" "$work/loop/sub/r.yml"
ln -s .. "$work/loop/sub/up"
ln -s "$work/loop" "$work/loop/self"
ln -s sub/r.yml "$work/loop/alias.yml"
hz_run 60 400 loop "$ZW_BIN" compile -o "$work/loop.zwt" "$work/loop"
[ "$(hz_rc loop)" = 0 ] || fail "symlink loop: rc $(hz_rc loop): $(cat "$work/loop.err")"
grep -q '1 files' "$work/loop.err" || fail "symlink loop: not one file: $(cat "$work/loop.err")"
grep -q '; 1 rules' "$work/loop.err" || fail "symlink loop: not one rule: $(cat "$work/loop.err")"

mkdir -p "$work/dup/a" "$work/dup/b"
cp "$rule" "$work/dup/a/one.yml"
cp "$rule" "$work/dup/b/two.yml"
hz_run 60 400 dup "$ZW_BIN" compile -o "$work/dup.zwt" "$work/dup"
[ "$(hz_rc dup)" != 0 ] || fail "duplicate rule id accepted"
grep -q "b/two.yml:[0-9]*:1: error: duplicate rule id .*also defined at .*a/one.yml:[0-9]" \
    "$work/dup.err" || fail "duplicate id not reported with both places: $(cat "$work/dup.err")"
[ ! -e "$work/dup.zwt" ] || fail "duplicate id: a tables file was written"

mkdir -p "$work/det/strategies"
cp "$det" "$work/det/strategies/s.yml"
hz_run 60 400 compiled "$ZW_BIN" compile -o "$work/det.zwt" "$work/det"
[ "$(hz_rc compiled)" = 0 ] || fail "DET subfolder: compile rc $(hz_rc compiled)"
hz_run 60 400 export "$ZW_BIN" export --sigma -o "$work/det.sigma.yml" "$work/det"
[ "$(hz_rc export)" = 0 ] || fail "export rc $(hz_rc export): $(cat "$work/export.err")"
grep -q ' 2 Sigma rules written' "$work/export.err" ||
    fail "export of a subfolder: $(cat "$work/export.err")"
hz_run 60 400 export0 "$ZW_BIN" export --sigma -o "$work/e.yml" "$work/empty"
[ "$(hz_rc export0)" != 0 ] || fail "export of an empty folder: rc 0"
ok "empty folder, symlink loop, duplicate id and export of a subfolder"
