#!/usr/bin/env bash
# A transfer answer that does not belong to the query (issue 17 item 5): a mismatched
# message id, or another question, is never a PASS: axfr-check reports ERROR (exit 3)
# naming the mismatch; exposure --axfr refuses the zone.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dnsevil.sh"
for mode in wrong-id wrong-q; do
    evil_start "$mode" 60
    srv=127.0.0.1:$EVIL_PORT
    hz_run 20 400 "$mode" "$ZW_BIN" axfr-check --server "$srv" --zone evil.test --timeout 3000
    [ "$(hz_rc "$mode")" = 3 ] || fail "$mode: rc $(hz_rc "$mode"), want 3: $(cat "$work/$mode.err")"
    grep -q "^ERROR" "$work/$mode.err" || fail "$mode: $(cat "$work/$mode.err")"
    grep -q "does not match the query" "$work/$mode.err" || fail "$mode: $(cat "$work/$mode.err")"
    grep -q '"compliance":{[^}]*"status":"Pass"' "$work/$mode.out" && fail "$mode: a Pass finding"
    hz_run 20 400 "$mode-expo" "$ZW_BIN" exposure --axfr "$srv" evil.test --timeout 3000
    [ "$(hz_rc "$mode-expo")" = 3 ] || fail "$mode: exposure rc $(hz_rc "$mode-expo")"
    grep -q "does not match the query" "$work/$mode-expo.err" ||
        fail "$mode: exposure: $(cat "$work/$mode-expo.err")"
done
ok "mismatched id and question: ERROR, never PASS; exposure refuses the zone"
