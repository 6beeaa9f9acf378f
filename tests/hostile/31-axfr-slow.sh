#!/usr/bin/env bash
# A transfer peer sending one byte a second (issue 17 item 5): --timeout is a deadline for
# the whole command, not per read: axfr-check --timeout 2000 ends within a few seconds
# with ERROR (exit 3, no verdict), never PASS; exposure --axfr --timeout 2000 likewise.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dnsevil.sh"
evil_start slow 60
srv=127.0.0.1:$EVIL_PORT

start=$(date +%s.%N)
hz_run 20 400 check "$ZW_BIN" axfr-check --server "$srv" --zone evil.test --timeout 2000
took=$(echo "$(date +%s.%N) - $start" | bc)
[ "$(hz_rc check)" = 3 ] || fail "axfr-check: rc $(hz_rc check), want 3: $(cat "$work/check.err")"
grep -q "^ERROR" "$work/check.err" || fail "axfr-check: verdict $(cat "$work/check.err")"
[ "$(echo "$took < 5" | bc)" = 1 ] || fail "axfr-check --timeout 2000 took ${took}s"

start=$(date +%s.%N)
hz_run 20 400 expo "$ZW_BIN" exposure --axfr "$srv" evil.test --timeout 2000
took2=$(echo "$(date +%s.%N) - $start" | bc)
[ "$(hz_rc expo)" = 3 ] || fail "exposure: rc $(hz_rc expo)"
grep -q "timed out" "$work/expo.err" || fail "exposure: $(cat "$work/expo.err")"
[ "$(echo "$took2 < 5" | bc)" = 1 ] || fail "exposure --timeout 2000 took ${took2}s"
ok "1 byte/s peer: axfr-check ERROR in ${took}s, exposure error in ${took2}s (--timeout 2000)"
