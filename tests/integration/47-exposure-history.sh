#!/usr/bin/env bash
# 47-exposure-history.sh - exposure over time (issue 20): `--baseline` compares a review
# with the previous one (added / unchanged / removed, matched by zone, name, type, kind
# and subject), `--pdns` adds what passive DNS still discloses (stale names, removed
# tokens), `--fail-on added`, bad baselines refused, a malformed passive DNS line reported
# with its line number, and the HTML report's change column rendered in headless Chromium
# (inside a network namespace with only "lo").
set -u
ZW_ROOT=${ZW_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
ZW_BIN=${ZW_BIN:-$ZW_ROOT/build/release/zonewarden}
H=$ZW_ROOT/tests/data/exposure/history
INV=$ZW_ROOT/tests/data/exposure/approved.yml
EXPECT=$ZW_ROOT/tests/integration/lib/zw_expect.py
W=$(mktemp -d "${TMPDIR:-/tmp}/zw-history.XXXXXX")
trap 'rm -rf "$W"' EXIT
fails=0
fail() {
    echo "FAIL $*"
    fails=$((fails + 1))
}
ok() { echo "ok   $*"; }

review() { # OUT.jsonl ZONEFILE [args...]; rc in $rc, stderr in OUT.err
    local out=$1 zone=$2
    shift 2
    "$ZW_BIN" exposure --zone "$zone" --origin example.test --inventory "$INV" -o "$out" "$@" \
        2>"$out.err"
    rc=$?
}

review "$W/week1.jsonl" "$H/week1.example.test.zone"
[ "$rc" = 0 ] || fail "week 1 review rc $rc: $(cat "$W/week1.jsonl.err")"
if python3 - "$W/week1.jsonl" <<'PY'; then
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
assert len(ev) == 18, len(ev)
assert all(e["unmapped"]["exposure"].get("subject") for e in ev), "subject missing"
assert not any("change" in e["unmapped"]["exposure"] for e in ev), "change without baseline"
PY
    ok "week 1: 18 findings, each with its subject, no change marks without a baseline"
else
    fail "week 1 findings"
fi

review "$W/week2.jsonl" "$H/week2.example.test.zone" --baseline "$W/week1.jsonl" \
    --pdns "$H/passive-dns.cof.jsonl"
[ "$rc" = 3 ] || fail "week 2 with a malformed passive DNS line: rc $rc, want 3 (input error)"
if grep -q "passive-dns.cof.jsonl:8: not a JSON object" "$W/week2.jsonl.err"; then
    ok "malformed passive DNS line reported with its line number and skipped"
else
    fail "malformed passive DNS line not reported: $(cat "$W/week2.jsonl.err")"
fi
grep -q "since $W/week1.jsonl: 14 added, 5 removed, 13 unchanged" "$W/week2.jsonl.err" ||
    fail "change summary on stderr: $(cat "$W/week2.jsonl.err")"
if python3 "$EXPECT" "$W/week2.jsonl" "$H/week2.expect" >"$W/week2.out" 2>&1; then
    ok "week 2 against week 1 with passive DNS: $(tail -1 "$W/week2.out")"
else
    fail "week 2 expectations:"
    grep -v '^ok ' "$W/week2.out"
fi

# a review compared with itself: nothing added or removed; --fail-on added passes
review "$W/same.jsonl" "$H/week1.example.test.zone" --baseline "$W/week1.jsonl" --fail-on added
if [ "$rc" = 0 ] && grep -q "0 added, 0 removed, 18 unchanged" "$W/same.jsonl.err"; then
    ok "same zone against itself: 18 unchanged, --fail-on added exits 0"
else
    fail "same zone against itself: rc $rc, $(cat "$W/same.jsonl.err")"
fi
review "$W/fail.jsonl" "$H/week2.example.test.zone" --baseline "$W/week1.jsonl" --fail-on added
[ "$rc" = 1 ] && ok "--fail-on added exits 1 when week 2 adds findings" ||
    fail "--fail-on added: rc $rc"
# the week-2 output (removed findings included) is next week's baseline: removed ones are
# not carried forward
review "$W/week3.jsonl" "$H/week2.example.test.zone" --baseline "$W/fail.jsonl"
grep -q "0 added, 0 removed, 17 unchanged" "$W/week3.jsonl.err" &&
    ok "a baseline's own removed findings are not carried into the next comparison" ||
    fail "chained baselines: $(cat "$W/week3.jsonl.err")"
"$ZW_BIN" exposure --zone "$H/week1.example.test.zone" --origin example.test --fail-on added \
    >/dev/null 2>"$W/usage.err"
[ $? = 2 ] && grep -q -- "--fail-on added needs --baseline" "$W/usage.err" &&
    ok "--fail-on added without --baseline is a usage error" || fail "--fail-on added alone"

# bad baselines are refused, naming file and line
"$ZW_BIN" exposure --zone "$ZW_ROOT/tests/data/exposure/families/aws.test.zone" -o "$W/aws.jsonl" 2>/dev/null
review "$W/x.jsonl" "$H/week1.example.test.zone" --baseline "$W/aws.jsonl"
if [ "$rc" = 3 ] && grep -q "aws.jsonl:1: baseline refused: finding of zone 'aws.test'; this review is of 'example.test'" "$W/x.jsonl.err" && [ ! -s "$W/x.jsonl" ]; then
    ok "baseline of another zone refused"
else
    fail "baseline of another zone: rc $rc, $(cat "$W/x.jsonl.err")"
fi
python3 -c '
import json,sys
for l in open(sys.argv[1]):
    e=json.loads(l); del e["unmapped"]["exposure"]["subject"]; print(json.dumps(e))' \
    "$W/week1.jsonl" >"$W/old.jsonl"
review "$W/x.jsonl" "$H/week1.example.test.zone" --baseline "$W/old.jsonl"
[ "$rc" = 3 ] && grep -q "old.jsonl:1: baseline refused: no unmapped.exposure.subject" "$W/x.jsonl.err" &&
    ok "baseline of another zonewarden version refused" || fail "old baseline: rc $rc, $(cat "$W/x.jsonl.err")"
printf '{"class_uid":4003}\n' >"$W/events.jsonl"
review "$W/x.jsonl" "$H/week1.example.test.zone" --baseline "$W/events.jsonl"
[ "$rc" = 3 ] && grep -q "events.jsonl:1: baseline refused: not an exposure finding" "$W/x.jsonl.err" &&
    ok "events that are not exposure findings refused" || fail "non-finding baseline: $(cat "$W/x.jsonl.err")"

# --resolve: a takeover-prone target that no longer exists (NXDOMAIN from a resolver the
# test runs on loopback) raises the finding's severity; one that resolves does not
python3 "$ZW_ROOT/tests/integration/lib/tiny_dns.py" "$W/dns.port" 60 \
    legacy-app-prod.azurewebsites.net &
dns_pid=$!
for _ in $(seq 1 50); do
    [ -s "$W/dns.port" ] && break
    sleep 0.1
done
review "$W/resolve.jsonl" "$H/week2.example.test.zone" --pdns "$H/passive-dns.cof.jsonl" \
    --resolve "127.0.0.1:$(cat "$W/dns.port" 2>/dev/null)"
kill "$dns_pid" 2>/dev/null
wait "$dns_pid" 2>/dev/null
cat >"$W/resolve.expect" <<'EOT'
gone: NXDOMAIN, High         | unmapped.exposure.kind=takeover-prone unmapped.record.name=legacy-app.example.test unmapped.exposure.resolved=nxdomain severity_id=4 'message~resource is gone [(]NXDOMAIN[)]' | 1
still there: Medium          | unmapped.exposure.kind=takeover-prone unmapped.record.name=status.example.test unmapped.exposure.resolved=resolves severity_id=3 | 1
only takeover targets asked  | unmapped.exposure.resolved? unmapped.exposure.kind!=takeover-prone | 0
EOT
if python3 "$EXPECT" "$W/resolve.jsonl" "$W/resolve.expect" >"$W/resolve.out" 2>&1; then
    ok "--resolve: NXDOMAIN target raised to High, resolving target unchanged"
else
    fail "--resolve:"
    grep -v '^ok ' "$W/resolve.out"
fi

# table and HTML show the change
"$ZW_BIN" exposure --zone "$H/week2.example.test.zone" --origin example.test --inventory "$INV" \
    --baseline "$W/week1.jsonl" --table --html "$W/report.html" >"$W/table.txt" 2>/dev/null
if head -1 "$W/table.txt" | grep -q '^CHANGE ' && grep -q '^removed ' "$W/table.txt" &&
    grep -q '^since the baseline: 4 added, 5 removed, 13 unchanged' "$W/table.txt"; then
    ok "table: change column and summary"
else
    fail "table: $(head -2 "$W/table.txt"; tail -2 "$W/table.txt")"
fi
CHROMIUM=${CHROMIUM:-chromium}
if ! command -v "$CHROMIUM" >/dev/null; then
    fail "chromium not installed (scripts/install-deps.sh)"
else
    prof=$(mktemp -d "$W/profile.XXXXXX")
    timeout 90 unshare --net -- sh -c 'ip link set lo up; exec "$@"' sh "$CHROMIUM" --headless \
        --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
        --disable-component-update --disable-sync --user-data-dir="$prof" --enable-logging=stderr \
        --v=0 --dump-dom "file://$W/report.html" >"$W/report.dom" 2>"$W/report.err"
    rows_removed=$(grep -o 'data-change="removed"' "$W/report.dom" | wc -l)
    if grep -q 'data-rendered="ok"' "$W/report.dom" && grep -q '<th>Change</th>' "$W/report.dom" &&
        [ "$rows_removed" = 5 ] && grep -q 'id="changes"[^>]*>Compared with the previous review, since the baseline: 4 added, 5 removed, 13 unchanged' "$W/report.dom" &&
        ! grep -q ':CONSOLE' "$W/report.err"; then
        ok "HTML report in Chromium: change column, 5 removed rows, summary, no console messages"
    else
        fail "HTML report: rendered=$(grep -o 'data-rendered="[a-z]*"' "$W/report.dom"), removed rows $rows_removed; $(grep ':CONSOLE' "$W/report.err" | head -3)"
    fi
fi

[ "$fails" = 0 ] && echo "47-exposure-history: ok" && exit 0
echo "47-exposure-history: $fails failure(s)"
exit 1
