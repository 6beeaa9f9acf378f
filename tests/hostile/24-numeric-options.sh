#!/usr/bin/env bash
# Issue 17 item 9 (options): numeric options used to be read with atoi / strtoull, so
# "100abc" was 100 and "--max-groups -1" meant unlimited.  Every numeric option of
# every subcommand is now parsed strictly (cli/cli_num.c; Kafka keys by zk_config):
# a bad value is a usage error, exit 2, with a message naming the option.
. "$(dirname "$0")/lib.sh"
hz_run 60 400 compile "$ZW_BIN" compile -o "$work/t.zwt" "$ZW_ROOT/tests/data/kafka/axfr-rule.yml"
[ "$(hz_rc compile)" = 0 ] || fail "compile: $(cat "$work/compile.err")"
: >"$work/empty.jsonl"
R=(-r "$work/t.zwt")
zone=$ZW_ROOT/tests/data/exposure/example.test.zone
counts=(100abc "" -1 0 " 5" +5 0x10 1e3 99999999999999999999999 1.5)
durations=(100abc "" -1s 5 5x s 1.s " 5s" 99999999999999999999y 1e3s nans)
n=0
check() { # check OPTION-NAME VALUE cmd... (the value is already in cmd)
    local opt=$1 v=$2
    shift 2
    n=$((n + 1))
    hz_run 30 400 "o$n" "$ZW_BIN" "$@"
    [ "$(hz_rc "o$n")" = 2 ] || fail "$* : rc $(hz_rc "o$n"), expected 2 (usage)"
    grep -qF -- "$opt" "$work/o$n.err" || fail "$* : the message does not name $opt: $(head -2 "$work/o$n.err")"
}
for cmd in detect run; do
    for v in "${counts[@]}"; do
        check --max-groups "$v" $cmd "${R[@]}" --max-groups "$v" "$work/empty.jsonl"
        check --max-pending "$v" $cmd "${R[@]}" --max-pending "$v" "$work/empty.jsonl"
    done
    for v in "${durations[@]}"; do
        check --lateness "$v" $cmd "${R[@]}" --lateness "$v" "$work/empty.jsonl"
        check --merge "$v" $cmd "${R[@]}" --merge "$v" "$work/empty.jsonl"
        check --max-future-skew "$v" $cmd "${R[@]}" --max-future-skew "$v" "$work/empty.jsonl"
    done
done
check --max-future-skew 0s detect "${R[@]}" --max-future-skew 0s "$work/empty.jsonl"
for v in "${counts[@]}" 600001; do
    [ "$v" = 1.5 ] && continue
    check --timeout "$v" axfr-check --server 127.0.0.1 --zone x.test --timeout "$v"
done
for v in 127.0.0.1:53abc 127.0.0.1: 127.0.0.1:-1 127.0.0.1:70000 '[::1]:5x'; do
    check "$v" "$v" axfr-check --server "$v" --zone x.test
done
for v in +5 +05:3 +-5:00 +15:00 +05:30x 0530 ""; do
    check --tz "$v" normalize --tz "$v" "$work/empty.jsonl"
done
# Kafka mode: the option is refused while parsing, before any connection
for k in metrics-interval metrics-port exit-idle txn-max-records txn-max-ms max-in-flight checkpoint-ms; do
    for v in 100abc "" -1 " 5" +5 99999999999999999999; do
        check "$k" "$v" run --brokers 127.0.0.1:9 --group g --input-topic i --output-topic o \
            --rules "$work/t.zwt" --alert-topic a "--$k" "$v"
    done
done
# the valid forms still work
for a in "--max-groups 1" "--max-pending 1" "--lateness 1.5m" "--merge 0s" "--max-future-skew 2h"; do
    hz_run 30 400 good "$ZW_BIN" detect "${R[@]}" $a "$work/empty.jsonl"
    [ "$(hz_rc good)" = 0 ] || fail "detect $a refused: $(cat "$work/good.err")"
done
ok "$n bad numeric option values refused with rc 2 and the option named"
