#!/usr/bin/env bash
# 06-version: `zonewarden --version` and `zonewarden version` print the release from
# VERSION, the git revision the binary was built from (or "unknown" outside a git
# checkout), where the schemas were found, and the run-time versions of PCRE2,
# libfastjson, librdkafka, libyaml, zlib and ldns (compared with pkg-config where it
# knows them).
set -u
root=${ZW_ROOT:?}
bin=${ZW_BIN:?}
fail=0
out=$("$bin" --version)
rc=$?
echo "$out"
[ $rc -eq 0 ] || { echo "FAIL: --version exited $rc"; fail=1; }
[ "$("$bin" version)" = "$out" ] || { echo "FAIL: 'version' and '--version' differ"; fail=1; }
want=$(cat "$root/VERSION")
grep -q "^zonewarden $want (git " <<<"$out" || { echo "FAIL: first line does not give VERSION $want"; fail=1; }
if rev=$(git -C "$root" rev-parse --short=12 HEAD 2>/dev/null); then
    grep -qE "^zonewarden [^ ]+ \(git $rev(-dirty)?\)" <<<"$out" ||
        { echo "FAIL: git revision is not $rev (rebuild after a commit?)"; fail=1; }
else
    grep -q "(git unknown)" <<<"$out" || { echo "FAIL: no git checkout but revision not 'unknown'"; fail=1; }
fi
grep -q "^schemas: $root/schemas " <<<"$out" || { echo "FAIL: schemas not found in the source tree"; fail=1; }
libs=$(grep '^libraries: ' <<<"$out")
for pair in "PCRE2:libpcre2-8" "libfastjson:libfastjson" "librdkafka:rdkafka" "libyaml:yaml-0.1" \
            "zlib:zlib" "ldns:ldns"; do
    name=${pair%%:*}
    v=$(sed -n "s/.*[:,] $name \([^ ,]*\).*/\1/p" <<<"$libs")
    if [ -z "$v" ] || [ "$v" = unknown ]; then
        echo "FAIL: no version for $name"
        fail=1
        continue
    fi
    pv=$(pkg-config --modversion "${pair#*:}" 2>/dev/null || true)
    if [ -n "$pv" ] && [ "${v#"$pv"}" = "$v" ] && [ "${pv#"$v"}" = "$pv" ]; then
        echo "FAIL: $name run-time version $v, pkg-config says $pv"
        fail=1
    fi
done
"$bin" version --bogus >/dev/null 2>&1 && { echo "FAIL: version accepted --bogus"; fail=1; }
[ $fail -eq 0 ] && echo "ok: version, revision and library versions"
exit $fail
