#!/usr/bin/env bash
# 07-doc-examples: every zonewarden command line in README.md and docs/*.md code blocks
# runs as written and exits 0, except those that need Kafka or a live DNS server (SKIP
# below, listed by name with the count printed).
#
# A command is a code-block line (fenced, or indented four spaces) starting with
# `zonewarden` or `build/release/zonewarden`, with its `\` continuation lines; a
# trailing `# comment` is dropped, and so are optional `[...]` parts of a synopsis.
# Placeholder paths become bundled sample files by the SUBST table (nothing else is
# changed).  The commands run in order, in one scratch directory that links the
# source tree's detections/, tuning/ and tests/ (so `-o events.jsonl` of one example is
# the input of a later one) with `zonewarden` on PATH as ZW_BIN.
set -u
root=${ZW_ROOT:?}
bin=${ZW_BIN:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# placeholder in the docs -> bundled sample (applied in this order, plain text)
SUBST=(
    '/usr/local/share/zonewarden/='   # the installed data dir -> the tree's (09-install runs installed)
    '/var/log/named/*.log=tests/data/dns-servers/bind.log'
    '/etc/bind/named.conf=tests/data/config-review/bind-closed.conf'
    '/etc/knot/knot.conf=tests/data/config-review/knot-closed.conf'
    '/etc/nsd/nsd.conf=tests/data/config-review/nsd-closed.conf'
    '/etc/powerdns/pdns.conf=tests/data/config-review/pdns-closed.conf'
    'AWSLogs/**/CloudTrail/*.json.gz=tests/data/providers/aws-cloudtrail/route53-docs-example.json.gz'
    'cloudtrail.json.gz=tests/data/providers/aws-cloudtrail/route53-docs-example.json.gz'
    'config-review --inventory inventory.yml=config-review --inventory tests/data/config-review/inventory.yml'
    '--inventory inventory.yml=--inventory tests/data/providers/inventory.yml'
    '--inventory approved.yml=--inventory tests/data/exposure/approved.yml'
    'sigma-rules/=tests/data/sigma/rules/network/dns/'
    'tuning/site.yml=tuning/demo.yml'
    '--tuning site.yml=--tuning tuning/demo.yml'
    'rule.yml=detections/DET0843-dns-recon.yml'
    '--zone example.test.zone=--zone tests/data/exposure/example.test.zone'
    '--provider-export route53.json=--provider-export tests/data/exposure/providers/route53.json'
    "RULE_PATH EVENT=detections/DET0843-dns-recon.yml '{\"class_uid\":4003,\"src_endpoint\":{\"ip\":\"203.0.113.9\"},\"unmapped\":{\"zone\":\"example.test\",\"xfer\":{\"direction\":\"out\",\"phase\":\"denied\"}}}'"
    'RULE_PATH...=detections/'
)
# pattern (bash regex on the command) -> why it cannot run here
SKIP=(
    '--brokers|needs a Kafka broker (tests/integration/5*-kafka-*.sh run these options)'
    '^zonewarden axfr-check|needs a live DNS server (40-exposure-axfr.sh runs it in the lab)'
    '^build/release/zonewarden axfr-check|needs a live DNS server (40-exposure-axfr.sh)'
    '--axfr |needs a live DNS server (40-exposure-axfr.sh)'
)

python3 - "$root" >"$tmp/commands" <<'EOF'
import glob, os, re, sys
root = sys.argv[1]
files = ['README.md'] + sorted(os.path.relpath(p, root) for p in glob.glob(root + '/docs/*.md'))
for f in files:
    lines = open(os.path.join(root, f)).read().split('\n')
    fence = False
    i = 0
    while i < len(lines):
        l = lines[i]
        if l.strip().startswith('```'):
            fence = not fence
            i += 1
            continue
        s = l.strip()
        if s.startswith('$ '):
            s = s[2:]
        if (fence or l.startswith('    ')) and re.match(r'(build/release/)?zonewarden\s', s):
            start = i + 1
            while s.endswith('\\') and i + 1 < len(lines):
                i += 1
                s = s[:-1].rstrip() + ' ' + lines[i].strip()
            s = re.sub(r'\s+#\s.*$', '', s)
            print('%s:%d\t%s' % (f, start, s))
        i += 1
EOF
n=$(wc -l <"$tmp/commands")
if [ "$n" -lt 20 ]; then
    echo "FAIL: only $n command lines found in README.md and docs/*.md"
    exit 1
fi

work=$tmp/work
mkdir -p "$work/build/release" "$tmp/bin"
ln -s "$bin" "$work/build/release/zonewarden"
ln -s "$bin" "$tmp/bin/zonewarden"
for d in detections tuning tests schemas; do ln -s "$root/$d" "$work/$d"; done

fail=0 ran=0 skipped=0
while IFS=$'\t' read -r where cmd; do
    why=
    for s in "${SKIP[@]}"; do
        if [[ $cmd =~ ${s%%|*} ]]; then
            why=${s#*|}
            break
        fi
    done
    if [ -n "$why" ]; then
        echo "skip $where: $cmd ($why)"
        skipped=$((skipped + 1))
        continue
    fi
    run=$cmd
    while [[ $run =~ (.*)\ ?\[[^][]*\](.*) ]]; do # optional parts, innermost first
        run=${BASH_REMATCH[1]}${BASH_REMATCH[2]}
    done
    for s in "${SUBST[@]}"; do
        run=${run//"${s%%=*}"/"${s#*=}"}
    done
    (cd "$work" && PATH=$tmp/bin:$PATH timeout 120 bash -c "$run" </dev/null >"$tmp/out" 2>"$tmp/err")
    rc=$?
    ran=$((ran + 1))
    # --fail-on documents exit 1 as "findings at or above the level": a verdict, not an
    # error; any other non-zero status is a broken example
    if [ $rc -eq 1 ] && [[ $run == *--fail-on* ]] && grep -q . "$tmp/out" "$tmp/err" 2>/dev/null &&
        ! grep -qi "usage\|error" "$tmp/err"; then
        echo "ok   $where: $cmd (exit 1: --fail-on matched)"
    elif [ $rc -ne 0 ]; then
        echo "FAIL $where: exit $rc: $cmd"
        [ "$run" != "$cmd" ] && echo "     ran as: $run"
        head -5 "$tmp/err" | sed 's/^/     /'
        fail=1
    else
        echo "ok   $where: $cmd"
    fi
done <"$tmp/commands"
echo "07-doc-examples: $ran commands ran, $skipped skipped (Kafka or live server), of $n"
[ $fail -eq 0 ] && echo "ok: every runnable documented command exits 0"
exit $fail
