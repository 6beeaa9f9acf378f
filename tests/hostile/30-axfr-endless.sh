#!/usr/bin/env bash
# A transfer peer that streams records forever (issue 17 item 5): `exposure --axfr` stops
# at --max-records / --max-bytes / --timeout with a clear error (exit 3) in bounded time
# and memory, with the defaults too; axfr-check stops and reports FAIL (zone data came
# back), never hangs.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dnsevil.sh"
evil_start endless 90
srv=127.0.0.1:$EVIL_PORT

hz_run 60 400 recs "$ZW_BIN" exposure --axfr "$srv" evil.test --max-records 20000
[ "$(hz_rc recs)" = 3 ] || fail "--max-records: rc $(hz_rc recs): $(cat "$work/recs.err")"
grep -q "stopped after 20000 records (max-records)" "$work/recs.err" ||
    fail "--max-records: no clear error: $(cat "$work/recs.err")"

hz_run 60 400 bytes "$ZW_BIN" exposure --axfr "$srv" evil.test --max-bytes 100000
[ "$(hz_rc bytes)" = 3 ] || fail "--max-bytes: rc $(hz_rc bytes)"
grep -q "max-bytes" "$work/bytes.err" || fail "--max-bytes: no clear error: $(cat "$work/bytes.err")"

start=$(date +%s)
hz_run 30 400 time "$ZW_BIN" exposure --axfr "$srv" evil.test --timeout 2000 \
    --max-records 1000000000 --max-bytes 1099511627776
[ "$(hz_rc time)" = 3 ] || fail "--timeout: rc $(hz_rc time)"
[ $(($(date +%s) - start)) -le 8 ] || fail "--timeout 2000 took $(($(date +%s) - start)) s"
grep -q "timed out" "$work/time.err" || fail "--timeout: no clear error: $(cat "$work/time.err")"

# the defaults alone bound it (1,000,000 records)
hz_run 60 1200 defaults "$ZW_BIN" exposure --axfr "$srv" evil.test
[ "$(hz_rc defaults)" = 3 ] || fail "defaults: rc $(hz_rc defaults): $(tail -3 "$work/defaults.err")"

# (8 MB in the release build; ASan's quarantine of freed messages accounts for the rest)
hz_run 30 700 check "$ZW_BIN" axfr-check --server "$srv" --zone evil.test --timeout 3000
[ "$(hz_rc check)" = 1 ] || fail "axfr-check: rc $(hz_rc check), want 1 (FAIL): $(cat "$work/check.err")"
ok "endless stream stopped by records, bytes, time and the defaults" \
    "(peak RSS $(($(tail -n 1 "$work/defaults.rss") / 1024)) MB with defaults)"
