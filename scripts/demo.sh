#!/usr/bin/env bash
# demo.sh - the main job on bundled sample data (README's first command, `make demo`):
# installs dependencies, builds, compiles the shipped T1590.002 content with the demo
# tuning, runs normalize + detect over the bundled real logs (DNS-server captures and
# provider audit-log samples), prints an alert summary table and writes the alerts.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${ZW_DEMO_OUT:-out/demo}
mkdir -p "$out"

scripts/install-deps.sh
make -s -j2 all
zw=build/release/zonewarden

echo "== compiling detections/ with tuning/demo.yml"
$zw compile --tuning tuning/demo.yml -o "$out/rules.zwt" detections/

inputs=(tests/data/dns-servers/bind.log tests/data/dns-servers/knot.log
        tests/data/dns-servers/nsd.log tests/data/dns-servers/pdns.log)
for d in tests/data/providers/aws-cloudtrail tests/data/providers/gcp-audit \
         tests/data/providers/azure-activity tests/data/providers/cloudflare-audit; do
  for f in "$d"/*.json "$d"/*.jsonl "$d"/*.log; do
    [ -e "$f" ] || continue
    case "$f" in *bad*|*truncated*) continue ;; esac
    inputs+=("$f")
  done
done

echo "== zonewarden run over ${#inputs[@]} bundled log files"
# the inventory maps provider zone ids (Route 53 hosted zones, ...) to zone names
$zw run -r "$out/rules.zwt" --merge 10m --inventory tests/data/providers/inventory.yml \
    --dlq "$out/dead-letters.jsonl" -o "$out/alerts.jsonl" "${inputs[@]}"
echo
$zw summary "$out/alerts.jsonl"
echo
echo "alerts (OCSF Detection Finding JSON lines): $out/alerts.jsonl"
echo "dead letters (records no parser accepted):   $out/dead-letters.jsonl ($(wc -l <"$out/dead-letters.jsonl") records)"

echo
echo "== exposure review of the DNS lab's zone against tests/data/exposure/approved.yml"
$zw exposure --zone tests/data/exposure/example.test.zone \
  --inventory tests/data/exposure/approved.yml --table --html "$out/exposure.html" \
  -o "$out/exposure.jsonl" || true
echo "exposure findings: $out/exposure.jsonl; report for non-technical readers: $out/exposure.html"
