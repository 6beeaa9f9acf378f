#!/usr/bin/env bash
# Issue 17 item 7: a write that fails (/dev/full: ENOSPC) or a closed stdout (>&-) used
# to exit 1 with no message, or 0.  Every command that writes output now exits 3 with
# a message naming the path (or "stdout") and the errno text.
. "$(dirname "$0")/lib.sh"
D=$ZW_ROOT/tests/data
log=$D/dns-servers/bind.log
hz_run 60 600 compile "$ZW_BIN" compile --tuning "$ZW_ROOT/tuning/demo.yml" -o "$work/r.zwt" \
    "$ZW_ROOT/detections/"
[ "$(hz_rc compile)" = 0 ] || fail "compile: $(cat "$work/compile.err")"
hz_run 60 600 norm "$ZW_BIN" normalize -o "$work/ev.jsonl" "$log"
hz_run 60 600 alerts "$ZW_BIN" run -r "$work/r.zwt" -o "$work/alerts.jsonl" "$log"
zone=(--zone "$D/exposure/example.test.zone" --inventory "$D/exposure/approved.yml")
n=0
# NAME  "command line with OUT where the output path goes"
while IFS='|' read -r name cmd; do
    [ -n "$name" ] || continue
    for how in dash-o stdout closed; do
        case $how in
        dash-o)
            case $cmd in *OUT*) ;; *) continue ;; esac
            eval "set -- ${cmd//OUT//dev/full}"
            hz_run 60 600 "$name-$how" "$ZW_BIN" "$@"
            want='/dev/full'
            ;;
        stdout)
            case $cmd in *OUT*) case $cmd in *"-o OUT"*) ;; *) continue ;; esac ;; esac
            eval "set -- ${cmd//-o OUT/}"
            case $name in compile) continue ;; esac
            hz_run 60 600 "$name-$how" bash -c '"$0" "$@" >/dev/full' "$ZW_BIN" "$@"
            want='stdout'
            ;;
        closed)
            case $cmd in *OUT*) case $cmd in *"-o OUT"*) ;; *) continue ;; esac ;; esac
            eval "set -- ${cmd//-o OUT/}"
            case $name in compile) continue ;; esac
            hz_run 60 600 "$name-$how" bash -c '"$0" "$@" >&-' "$ZW_BIN" "$@"
            want='stdout'
            ;;
        esac
        rc=$(hz_rc "$name-$how")
        [ "$rc" = 3 ] || fail "$name ($how): rc $rc, expected 3; stderr: $(tail -2 "$work/$name-$how.err")"
        grep -q "cannot write $want" "$work/$name-$how.err" ||
            grep -q "$want: write failed" "$work/$name-$how.err" ||
            fail "$name ($how): no message naming $want: $(tail -2 "$work/$name-$how.err")"
        if [ "$name" != compile ]; then
            grep -Eq "No space left on device|standard output is closed" "$work/$name-$how.err" ||
                fail "$name ($how): no errno text: $(tail -2 "$work/$name-$how.err")"
        fi
        n=$((n + 1))
    done
done <<EOF2
detect|detect -r $work/r.zwt -o OUT $work/ev.jsonl
detect-matches|detect -r $work/r.zwt --output matches -o OUT $work/ev.jsonl
run|run -r $work/r.zwt -o OUT $log
run-dlq|run -r $work/r.zwt -o $work/a2.jsonl --dlq OUT $D/dns-servers/bind.log $ZW_ROOT/README.md
normalize|normalize -o OUT $log
normalize-dlq|normalize -o $work/n2.jsonl --dlq OUT $ZW_ROOT/README.md
export|export --sigma -o OUT $ZW_ROOT/detections/
summary|summary $work/alerts.jsonl
formats|formats
compile|compile -o OUT $ZW_ROOT/detections/
exposure|exposure ${zone[*]} -o OUT
exposure-html|exposure ${zone[*]} -o $work/x.jsonl --html OUT
EOF2
# export to a missing folder: refused, no "rules written"
hz_run 60 600 export-missing "$ZW_BIN" export --sigma -o "$work/missing/x.yml" "$ZW_ROOT/detections/"
[ "$(hz_rc export-missing)" = 3 ] || fail "export -o missing/x: rc $(hz_rc export-missing)"
grep -q "missing/x.yml: No such file or directory" "$work/export-missing.err" ||
    fail "export -o missing/x: $(cat "$work/export-missing.err")"
! grep -q 'rules written' "$work/export-missing.err" || fail "export -o missing/x claims rules written"
ok "$n failed writes (-o /dev/full, >/dev/full, >&-) reported with path and errno, rc 3"
