#!/usr/bin/env bash
# Secret files that are not secrets: /dev/zero (endless), a 1 MB file, a directory, an
# empty file, a file with NULs, a missing file.  Each is refused at start-up with the
# property and the path named (never its content), fast and in bounded memory; no
# broker is needed (the config is refused before any client starts).
. "$(dirname "$0")/lib.sh"
args=(run --brokers 127.0.0.1:1 --group g --input-topic t --output-topic o --rules /nonexistent.zwt --alert-topic a)
head -c 1048576 /dev/urandom | base64 -w0 >"$work/big"
: >"$work/empty"
printf 'ab\0cd\n' >"$work/nul"
mkdir "$work/dir"
printf 'SECRET-first\nsecond\n' >"$work/twolines"
n=0
for f in /dev/zero "$work/big" "$work/dir" "$work/empty" "$work/nul" "$work/missing" "$work/twolines"; do
    n=$((n + 1))
    hz_run 20 300 "s$n" "$ZW_BIN" "${args[@]}" -X "sasl.password=@$f"
    [ "$(hz_rc "s$n")" = 2 ] || fail "secret file $f: rc $(hz_rc "s$n"), want 2: $(head -c 300 "$work/s$n.err")"
    grep -q "sasl.password: .*$f" "$work/s$n.err" || fail "secret file $f: no reason naming it: $(head -c 300 "$work/s$n.err")"
    ! grep -q 'SECRET-first' "$work/s$n.err" || fail "secret file $f: content shown"
done
ok "$n bad secret files refused with their path named, content never shown"
