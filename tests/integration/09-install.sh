#!/usr/bin/env bash
# 09-install: `make install PREFIX=/usr/local DESTDIR=<tmp>` stages the binary, the man
# page, the schemas, the shipped detections, the tuning example and bash completion; the
# staged binary, run from a directory outside the source tree with no ZW_* overrides,
# finds its data next to itself (BIN/../share/zonewarden, not the source tree and not
# the compiled-in /usr/local/share/zonewarden) and runs the demo job: compile the
# installed detections with the installed tuning example, run them over the bundled logs
# (copied out of the tree), and the alerts are the ones the source-tree binary gives.
# Exposure finds the installed fingerprints; completion completes commands and options.
set -u
root=${ZW_ROOT:?}
bin=${ZW_BIN:?}
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
stage=$tmp/stage
inst=$stage/usr/local
data=$inst/share/zonewarden

if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$root" install PREFIX=/usr/local DESTDIR="$stage" >"$tmp/install.log" 2>&1; then
    echo "FAIL: make install"
    tail -20 "$tmp/install.log"
    exit 1
fi
for f in bin/zonewarden share/man/man1/zonewarden.1 share/zonewarden/schemas/fingerprints.json \
         share/zonewarden/schemas/fieldmaps share/zonewarden/detections/DET0843-dns-recon.yml \
         share/zonewarden/tuning/demo.yml share/bash-completion/completions/zonewarden; do
    [ -e "$inst/$f" ] || { echo "FAIL: make install did not install $f"; fail=1; }
done
[ -x "$inst/bin/zonewarden" ] || { echo "FAIL: installed binary not executable"; exit 1; }

# the demo's inputs, copied out of the source tree (as a user's logs would be)
logs=$tmp/run/logs
mkdir -p "$logs"
(
    cd "$root/tests/data" || exit 1
    cp --parents dns-servers/bind.log dns-servers/knot.log dns-servers/nsd.log dns-servers/pdns.log \
        providers/inventory.yml "$logs"/
    for d in providers/aws-cloudtrail providers/gcp-audit providers/azure-activity providers/cloudflare-audit; do
        for f in "$d"/*.json "$d"/*.jsonl "$d"/*.log; do
            [ -e "$f" ] || continue
            case "$f" in *bad* | *truncated*) continue ;; esac
            cp --parents "$f" "$logs"/
        done
    done
    cp exposure/example.test.zone exposure/approved.yml "$logs"/
) || { echo "FAIL: copying the sample logs"; exit 1; }
inputs=$(cd "$tmp/run" && find logs -type f \( -name '*.log' -o -name '*.json' -o -name '*.jsonl' \) | sort)

cd "$tmp/run" || exit 1
zw() { env -u ZW_DATADIR -u ZW_FIELDMAPS -u ZONEWARDEN_FINGERPRINTS "$inst/bin/zonewarden" "$@"; }

ver=$(zw --version)
echo "$ver"
grep -q "^schemas: $data/schemas " <<<"$ver" ||
    { echo "FAIL: the installed binary does not use $data/schemas"; fail=1; }
grep -q "data directory built in: /usr/local/share/zonewarden;" <<<"$ver" ||
    { echo "FAIL: the data directory built in is not PREFIX/share/zonewarden"; fail=1; }

# shellcheck disable=SC2086
if ! zw compile --tuning "$data/tuning/demo.yml" -o rules.zwt "$data/detections/" 2>compile.err; then
    echo "FAIL: installed compile"; cat compile.err; fail=1
fi
# shellcheck disable=SC2086
zw run -r rules.zwt --merge 10m --inventory logs/providers/inventory.yml --dlq dead.jsonl \
    -o alerts.jsonl $inputs 2>run.err || { echo "FAIL: installed run"; tail -5 run.err; fail=1; }
got=$(wc -l <alerts.jsonl 2>/dev/null || echo 0)
# the same job with the source-tree binary and data
(cd "$root" && "$bin" compile --tuning tuning/demo.yml -o "$tmp/ref.zwt" detections/ 2>/dev/null)
# shellcheck disable=SC2086
(cd "$tmp/run" && "$bin" run -r "$tmp/ref.zwt" --merge 10m --inventory logs/providers/inventory.yml \
    -o "$tmp/ref.jsonl" $inputs 2>/dev/null)
want=$(wc -l <"$tmp/ref.jsonl")
echo "installed binary: $got alerts over $(wc -w <<<"$inputs") files; source tree: $want"
if [ "$got" -lt 5 ] || [ "$got" != "$want" ]; then
    echo "FAIL: installed demo gave $got alerts, want $want (>= 5)"
    fail=1
fi
uids() { python3 -c 'import json,sys; print(sorted({json.loads(l)["finding_info"]["analytic"]["uid"] for l in open(sys.argv[1])}))' "$1"; }
[ "$(uids alerts.jsonl)" = "$(uids "$tmp/ref.jsonl")" ] ||
    { echo "FAIL: analytics differ: $(uids alerts.jsonl) vs $(uids "$tmp/ref.jsonl")"; fail=1; }
zw summary alerts.jsonl >summary.txt || { echo "FAIL: installed summary"; fail=1; }
zw test "$data/detections/" >test.out 2>&1 || { echo "FAIL: installed test of the shipped detections"; tail -3 test.out; fail=1; }
# exposure without --fingerprints: the installed schemas/fingerprints.json
zw exposure --zone logs/example.test.zone --inventory logs/approved.yml -o exposure.jsonl 2>exp.err ||
    { echo "FAIL: installed exposure"; cat exp.err; fail=1; }
[ -s exposure.jsonl ] || { echo "FAIL: installed exposure wrote no findings"; fail=1; }
# a data directory that is not there: a clear error, not the source tree
ZW_DATADIR=$tmp/nowhere "$inst/bin/zonewarden" exposure --zone logs/example.test.zone >/dev/null 2>exp2.err &&
    { echo "FAIL: exposure ran with ZW_DATADIR pointing nowhere"; fail=1; }
grep -q 'fingerprints.json not found' exp2.err || { echo "FAIL: no clear error: $(cat exp2.err)"; fail=1; }

# man page and completion as installed
MANWIDTH=80 man --warnings -l "$inst/share/man/man1/zonewarden.1" >/dev/null 2>man.err
[ -s man.err ] && { echo "FAIL: installed man page warnings"; cat man.err; fail=1; }
comp=$(PATH=$inst/bin:$PATH bash -c '
    source "$1"
    COMP_WORDS=(zonewarden nor); COMP_CWORD=1; _zonewarden; echo "${COMPREPLY[*]}"
    COMP_WORDS=(zonewarden normalize --kafka-c); COMP_CWORD=2; _zonewarden; echo "${COMPREPLY[*]}"
    COMP_WORDS=(zonewarden exposure --fail-on ""); COMP_CWORD=3; _zonewarden; echo "${COMPREPLY[*]}"
' _ "$inst/share/bash-completion/completions/zonewarden" 2>&1)
[ "$comp" = $'normalize\n--kafka-config\nunapproved unknown added' ] ||
    { echo "FAIL: bash completion gave: $comp"; fail=1; }

[ $fail -eq 0 ] && echo "ok: installed tree runs the demo on its own data ($got alerts)"
exit $fail
