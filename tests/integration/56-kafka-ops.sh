#!/usr/bin/env bash
# 56-kafka-ops.sh - the operator's side of the Kafka stage on a real broker: /health next
# to /metrics, the whole /metrics output checked by `promtool check metrics`, and secrets
# (SASL password from a file, from NAME.file, from --kafka-secret-file, from the config
# file, from ZW_KAFKA_SASL_PASSWORD) that never show in stderr, /metrics or /health.
#   health: member A holds the only partition and consumes -> 200 {"status":"ok"};
#   member B of the same group gets no partition -> 503 "no partitions assigned";
#   stage C points at a closed loopback port -> 503 "no broker up" after --health-down-ms.
#   secrets: stages configured for SASL against the plaintext broker fail to
#   authenticate and log it (verbose, librdkafka debug on); configuration errors name
#   the property but not the value.  The secret strings must appear nowhere.
set -euo pipefail
. "$ZW_ROOT/tests/kafka/lib.sh"
ZW_STAGE_CMD=run
SECRET=Zw-s3cret-Pa55-91f3
SECRET2=Zw-env-Pa55-77a1

"$ZW_BIN" formats | grep -q '^knot ' || { echo "56-kafka-ops: no knot parser, skipped"; exit 0; }
"$ZW_BIN" compile "$ZW_ROOT/tests/data/kafka/ops-rules-a.yml" -o "$WORK/a.zwt" 2>/dev/null
ktopic in 1
ktopic out 1
ktopic alerts 1
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# get PORT PATH OUT: HTTP status code to stdout, body to OUT
get() {
    python3 - "$1" "$2" "$3" <<'PY'
import sys, urllib.request, urllib.error
port, path, out = sys.argv[1:]
try:
    r = urllib.request.urlopen("http://127.0.0.1:%s%s" % (port, path), timeout=2)
    code, body = r.status, r.read()
except urllib.error.HTTPError as e:
    code, body = e.code, e.read()
except OSError:
    code, body = 0, b""
open(out, "wb").write(body)
print(code)
PY
}
health_is() { # PORT CODE REGEX: /health answers CODE with a body matching REGEX
    [ "$(get "$1" /health "$WORK/h.$1")" = "$2" ] && grep -Eq "$3" "$WORK/h.$1"
}
xfr() { echo "2026-11-27T13:05:$2+0000 info: [$1.] AXFR, outgoing, remote $3@40457, started, serial 100"; }
common=(--group g-ops --input-topic in:knot --output-topic out --rules "$WORK/a.zwt"
        --alert-topic alerts --metrics-interval 200)

# --- health
pa=$(freeport)
stage_start a "${common[@]}" --metrics-port "$pa" --metrics-file "$WORK/a.metrics"
pid_a=$STAGE_PID
wait_until 40 health_is "$pa" 200 '"status":"ok"' || kfail "A: /health never 200: $(cat "$WORK/h.$pa" 2>/dev/null)"
grep -q '"assigned_partitions":1' "$WORK/h.$pa" || kfail "A: health body $(cat "$WORK/h.$pa")"
{ xfr zone-a.test 01 127.0.0.10; xfr zone-b.test 02 127.0.0.10; xfr zone-c.test 03 127.0.0.10; } >"$WORK/in.1"
kproduce in 0 "$WORK/in.1"
wait_until 30 eval '[ "$(get "$pa" /metrics "$WORK/prom.txt")" = 200 ] && grep -q "^zonewarden_consumed_total 3$" "$WORK/prom.txt" && grep -q "^zonewarden_rule_alerts_total{.*} 1$" "$WORK/prom.txt"' ||
    kfail "A: /metrics does not show 3 records and the correlation's alert"
[ "$(get "$pa" /healthz "$WORK/hz")" = 200 ] || kfail "/healthz is not /health"
[ "$(get "$pa" /nothing "$WORK/nf")" = 404 ] || kfail "an unknown path is not 404"
grep -q '^zonewarden_record_processing_seconds_bucket{le="+Inf"} 3$' "$WORK/prom.txt" || kfail "latency histogram +Inf bucket"
grep -q '^zonewarden_record_processing_seconds_count 3$' "$WORK/prom.txt" || kfail "latency histogram count"
if command -v promtool >/dev/null; then
    promtool check metrics <"$WORK/prom.txt" || kfail "promtool check metrics"
else
    echo "56-kafka-ops: promtool not installed (scripts/install-deps.sh), exposition not linted"
fi

pb=$(freeport)
stage_start b "${common[@]}" --metrics-port "$pb"
pid_b=$STAGE_PID
grep -q 'starting\|no partitions' <(get "$pb" /health /dev/stdout) || true
wait_until 30 health_is "$pb" 503 '"reason":"no partitions assigned"' ||
    kfail "B (no partition): /health $(cat "$WORK/h.$pb" 2>/dev/null), want 503 no partitions assigned"
health_is "$pa" 200 '"status":"ok"' || kfail "A lost its health when B joined"
kill -TERM "$pid_b"
stage_wait "$pid_b" 30 || kfail "B exited with $?"

pc=$(freeport)
dead=$(freeport)
stage_start c "${common[@]}" --brokers "127.0.0.1:$dead" --metrics-port "$pc" --health-down-ms 1500
pid_c=$STAGE_PID
wait_until 20 health_is "$pc" 503 'no broker up for' ||
    kfail "C (no broker): /health $(cat "$WORK/h.$pc" 2>/dev/null), want 503 no broker up"
kill -TERM "$pid_c"
stage_wait "$pid_c" 30 || kfail "C exited with $?"

# --- secrets
printf '%s\n' "$SECRET" >"$WORK/secret"
chmod 600 "$WORK/secret"
printf 'kafka.security.protocol = sasl_plaintext\nkafka.sasl.mechanisms = PLAIN\nkafka.sasl.username = zw\nkafka.sasl.password.file = %s\n' \
    "$WORK/secret" >"$WORK/kafka.conf"
sasl=(-X security.protocol=sasl_plaintext -X sasl.mechanisms=PLAIN -X sasl.username=zw
      -X debug=security,broker,protocol,conf --verbose)
n=0
for how in at file flag conffile env; do
    n=$((n + 1))
    p=$(freeport)
    case $how in
    at) extra=("${sasl[@]}" -X "sasl.password=@$WORK/secret") ;;
    file) extra=("${sasl[@]}" -X "sasl.password.file=$WORK/secret") ;;
    flag) extra=("${sasl[@]}" --kafka-secret-file "$WORK/secret") ;;
    conffile) extra=(--kafka-config "$WORK/kafka.conf" -X debug=security,broker --verbose) ;;
    env) extra=("${sasl[@]}") ;;
    esac
    # normalize (no rules): only the client configuration matters here
    if [ $how = env ]; then
        ZW_STAGE_CMD=normalize ZW_KAFKA_SASL_PASSWORD=$SECRET2 stage_start "s$n" --group "g-sasl-$n" --input-topic in:knot \
            --output-topic out --metrics-port "$p" "${extra[@]}"
    else
        ZW_STAGE_CMD=normalize stage_start "s$n" --group "g-sasl-$n" --input-topic in:knot --output-topic out \
            --metrics-port "$p" "${extra[@]}"
    fi
    pid=$STAGE_PID
    # the client tries SASL on a plaintext listener: authentication never succeeds
    wait_until 30 grep -qi 'sasl\|authentic' "$WORK/s$n.log" || kfail "$how: no SASL activity logged"
    wait_until 20 health_is "$p" 503 . || kfail "$how: /health should be 503 without a broker session"
    get "$p" /metrics "$WORK/s$n.prom" >/dev/null
    cp "$WORK/h.$p" "$WORK/s$n.health"
    kill -TERM "$pid"
    stage_wait "$pid" 30 || kfail "$how: the stage exited with $?"
    echo "56-kafka-ops: secrets via $how: $(wc -l <"$WORK/s$n.log") log lines"
done
# the value is read (librdkafka sees it): a wrong reference fails, naming the file only
"$ZW_BIN" run --brokers "$BROKER" "${common[@]}" -X "sasl.password=@$WORK/no-such-secret" 2>"$WORK/e1.log" &&
    kfail "a missing secret file was accepted"
grep -q "sasl.password: secret file $WORK/no-such-secret" "$WORK/e1.log" || kfail "missing secret file: $(cat "$WORK/e1.log")"
"$ZW_BIN" run --brokers "$BROKER" "${common[@]}" -X "ssl.key.password=$SECRET" -X no.such.property=1 2>"$WORK/e2.log" &&
    kfail "an unknown property was accepted"
grep -q 'no.such.property' "$WORK/e2.log" || kfail "unknown property error: $(cat "$WORK/e2.log")"
"$ZW_BIN" run --brokers "$BROKER" "${common[@]}" -X "sasl.oauthbearer.client.secret$SECRET" 2>"$WORK/e3.log" &&
    kfail "a property without '=' was accepted"
grep -q 'value not shown' "$WORK/e3.log" || kfail "malformed secret property: $(cat "$WORK/e3.log")"
# a secret-looking property librdkafka refuses: the error names it, not its value
"$ZW_BIN" run --brokers "$BROKER" "${common[@]}" -X "sasl.password.typo=$SECRET" 2>"$WORK/e4.log" &&
    kfail "an unknown secret property was accepted"
grep -q 'sasl.password.typo=(value not shown): No such configuration property' "$WORK/e4.log" ||
    kfail "unknown secret property: $(sed "s/$SECRET/SECRET/g" "$WORK/e4.log")"
"$ZW_BIN" run --brokers "$BROKER" --help >"$WORK/help.txt" 2>&1 || true
grep -q -- '--kafka-secret-file' "$WORK/help.txt" || kfail "--help does not list --kafka-secret-file"
for f in "$WORK"/s*.log "$WORK"/s*.prom "$WORK"/s*.health "$WORK"/e*.log "$WORK/help.txt" "$WORK/a.log"; do
    if grep -qF -e "$SECRET" -e "$SECRET2" "$f"; then
        kfail "a secret value shows in $(basename "$f")"
    fi
done
kill -TERM "$pid_a"
stage_wait "$pid_a" 30 || kfail "A exited with $?"
echo "56-kafka-ops: ok"
