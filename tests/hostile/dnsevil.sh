# tests/hostile/dnsevil.sh - sourced by the hostile transfer-peer cases (after lib.sh):
# evil_start MODE [LIFETIME_S] starts tests/hostile/dnsevil.py on 127.0.0.1 and sets
# EVIL_PID and EVIL_PORT; evil_stop stops it by PID (also on exit).
EVIL_PID=
EVIL_PORT=
evil_stop() {
    if [ -n "$EVIL_PID" ]; then
        kill -TERM "$EVIL_PID" 2>/dev/null || true
        wait "$EVIL_PID" 2>/dev/null || true
        EVIL_PID=
    fi
}
trap 'evil_stop; rm -rf "$work"' EXIT
evil_start() {
    local i
    evil_stop
    rm -f "$work/evil.port"
    python3 "$ZW_ROOT/tests/hostile/dnsevil.py" "$1" "$work/evil.port" "${2:-60}" &
    EVIL_PID=$!
    for i in $(seq 1 50); do
        [ -s "$work/evil.port" ] && break
        sleep 0.1
    done
    [ -s "$work/evil.port" ] || fail "dnsevil.py $1 did not start"
    EVIL_PORT=$(cat "$work/evil.port")
}
