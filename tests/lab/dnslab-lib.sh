# shellcheck shell=bash
# dnslab-lib.sh - a sourced bash library that runs real authoritative DNS servers (BIND 9,
# Knot DNS, NSD, PowerDNS with the bind backend) on loopback inside a private network
# namespace, so integration and end-to-end tests can produce the servers' own log lines.
# It is not a test: it asserts nothing about zonewarden.
#
# Isolation: lab_enter_netns re-executes the calling script under `unshare --net` (the
# same PID, through exec), and brings up "lo".  Inside, only loopback exists, so nothing
# a server or client does can reach another address.  Servers bind 127.0.1.x:53; clients
# choose their source with -b 127.0.0.x (all of 127/8 is local on lo).
#
# Usage (as root):
#   source "$ZW_ROOT/tests/lab/dnslab-lib.sh"
#   lab_enter_netns "$@"               # first: re-exec inside a new network namespace
#   lab_init                           # temp dir, default keys, trap EXIT cleanup
#   lab_key xfer-key                   # TSIG keys (hmac-sha256, secret generated)
#   lab_zone bind example.test transfer="127.0.0.2 key:xfer-key" update="key:ddns-key"
#   lab_zone bind open.test transfer=any        # an intentionally misconfigured zone
#   lab_start bind knot nsd pdns       # writes configs, starts, waits (bounded)
#   lab_axfr bind example.test --from 127.0.0.3
#   lab_stop_all                       # flushes and stops by PID (also on EXIT)
#   lab_log bind                       # path of a server's log file(s)
#
# Zone options (lab_zone SERVER ZONE [k=v]...):
#   transfer="ACL"   who may AXFR/IXFR: space-separated addresses/prefixes, key:NAME,
#                    "any" or "none" (default: $LAB_SECONDARY, i.e. 127.0.0.2)
#   update="ACL"     who may send dynamic updates, same syntax (default: none)
#   serial=N         initial SOA serial (default 2024010101)
#   file=PATH        zone file to use instead of the generated one
# Extra configuration: LAB_BIND_OPTIONS (inside BIND's options {}), LAB_KNOT_EXTRA (top-level
# Knot sections, e.g. mod-dnstap) and LAB_KNOT_TEMPLATE_EXTRA (lines in Knot's default
# template, e.g. "    module: mod-dnstap/tap").
# PowerDNS (bind backend) has one global transfer ACL: the union of its zones' address
# items; "any" on any pdns zone opens all of them.  NSD cannot take dynamic updates.
#
# Client actions run inside the namespace (after lab_enter_netns everything does) and are
# bounded by `timeout`; their output goes to $LAB_DIR/client.log and their status is
# returned.  Every wait is bounded (LAB_WAIT seconds, default 10).

LAB_SECONDARY=${LAB_SECONDARY:-127.0.0.2}
LAB_WAIT=${LAB_WAIT:-10}
LAB_CLIENT_TIMEOUT=${LAB_CLIENT_TIMEOUT:-10}
declare -A LAB_ADDR=([bind]=127.0.1.1 [knot]=127.0.1.2 [nsd]=127.0.1.3 [pdns]=127.0.1.4)
declare -A LAB_PORT=([bind]=53 [knot]=53 [nsd]=53 [pdns]=53)
LAB_RNDC_PORT=${LAB_RNDC_PORT:-953}
declare -A LAB_KEYS=()  # name -> base64 secret
declare -A LAB_PID=()   # server -> pid
LAB_ZONES=()            # "server|zone|transfer|update|serial|file"
LAB_DIR=${LAB_DIR:-}

lab_say()
{
    printf '%s lab: %s\n' "$(date -u +%H:%M:%S.%3N)" "$*" >&2
}

lab_die()
{
    lab_say "ERROR: $*"
    exit 1
}

# Re-executes the calling script in a fresh network namespace (same PID: exec).  Call it
# first, with the script's arguments.  LAB_NO_NETNS=1 skips this (only for debugging).
lab_enter_netns()
{
    if [ "${LAB_IN_NETNS:-0}" = 1 ] || [ "${LAB_NO_NETNS:-0}" = 1 ]; then
        if [ "${LAB_IN_NETNS:-0}" = 1 ]; then
            ip link set lo up || lab_die "cannot bring up lo in the namespace"
            # BIND listens only on interface addresses: give lo each server's address
            local a
            for a in "${LAB_ADDR[@]}"; do
                ip addr add "$a/32" dev lo 2>/dev/null
            done
        fi
        return 0
    fi
    [ "$(id -u)" = 0 ] || lab_die "needs root (unshare --net, port 53)"
    command -v unshare >/dev/null || lab_die "unshare (util-linux) missing"
    local self
    self=$(readlink -f "${BASH_SOURCE[-1]}")
    export LAB_IN_NETNS=1
    exec unshare --net -- bash "$self" "$@"
}

# Generates a base64 secret for hmac-sha256 (32 random bytes).
lab_gen_secret()
{
    head -c 32 /dev/urandom | base64
}

# lab_key NAME [SECRET]: defines a TSIG key every server knows (hmac-sha256).
lab_key()
{
    LAB_KEYS[$1]=${2:-$(lab_gen_secret)}
}

# lab_init: creates the lab directory and default keys, installs the EXIT trap.
# LAB_KEEP=1 keeps the directory; it is also kept when the script fails.
lab_init()
{
    [ "$(id -u)" = 0 ] || lab_die "needs root"
    if [ "${LAB_IN_NETNS:-0}" != 1 ] && [ "${LAB_NO_NETNS:-0}" != 1 ]; then
        lab_die "call lab_enter_netns \"\$@\" before lab_init"
    fi
    export TZ=UTC
    LAB_DIR=$(mktemp -d "${TMPDIR:-/tmp}/zwlab.XXXXXX")
    chmod 755 "$LAB_DIR"
    : >"$LAB_DIR/client.log"
    lab_key rndc-key
    lab_key xfer-key
    lab_key ddns-key
    trap 'lab__on_exit $?' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    lab_say "lab dir $LAB_DIR"
}

lab__on_exit()
{
    local rc=$1
    lab_stop_all
    if [ "$rc" != 0 ] || [ "${LAB_KEEP:-0}" = 1 ]; then
        lab_say "kept $LAB_DIR (exit $rc)"
    elif [ -n "$LAB_DIR" ] && [ -d "$LAB_DIR" ]; then
        rm -rf "$LAB_DIR"
    fi
}

# lab_zone SERVER ZONE [transfer=...] [update=...] [serial=N] [file=PATH]
lab_zone()
{
    local server=$1 zone=$2 transfer=$LAB_SECONDARY update=none serial=2024010101 file= kv
    shift 2
    for kv in "$@"; do
        case $kv in
        transfer=*) transfer=${kv#transfer=} ;;
        update=*) update=${kv#update=} ;;
        serial=*) serial=${kv#serial=} ;;
        file=*) file=${kv#file=} ;;
        *) lab_die "lab_zone: unknown option '$kv'" ;;
        esac
    done
    case $server in bind | knot | nsd | pdns) ;; *) lab_die "lab_zone: unknown server '$server'" ;; esac
    LAB_ZONES+=("$server|$zone|$transfer|$update|$serial|$file")
}

# lab_zones_of SERVER: prints "zone|transfer|update|serial|file" lines.
lab_zones_of()
{
    local z
    for z in "${LAB_ZONES[@]}"; do
        [ "${z%%|*}" = "$1" ] && printf '%s\n' "${z#*|}"
    done
    return 0
}

# Writes a realistic zone (SOA, NS, MX, TXT, A, CNAME, SRV) for ZONE with SERIAL.
lab_zonefile()
{
    local zone=$1 serial=$2
    cat <<EOF
\$ORIGIN $zone.
\$TTL 3600
@        IN SOA ns1.$zone. hostmaster.$zone. ( $serial 7200 3600 1209600 3600 )
@        IN NS   ns1.$zone.
@        IN NS   ns2.$zone.
@        IN MX   10 mail.$zone.
@        IN TXT  "v=spf1 mx -all"
@        IN A    127.0.10.1
ns1      IN A    127.0.1.1
ns2      IN A    $LAB_SECONDARY
mail     IN A    127.0.10.25
www      IN A    127.0.10.10
vpn      IN A    127.0.10.20
intranet IN CNAME www.$zone.
_dmarc   IN TXT  "v=DMARC1; p=reject"
_sip._tcp IN SRV 10 1 5060 vpn.$zone.
EOF
}

# Copies or generates the zone file for every zone of SERVER into DIR.
lab__write_zonefiles()
{
    local server=$1 dir=$2 zone transfer update serial file
    while IFS='|' read -r zone transfer update serial file; do
        if [ -e "$dir/$zone.zone" ]; then
            continue # a restart keeps the zone (and its journal) as the server left it
        elif [ -n "$file" ]; then
            cp "$file" "$dir/$zone.zone"
        else
            lab_zonefile "$zone" "$serial" >"$dir/$zone.zone"
        fi
    done < <(lab_zones_of "$server")
}

# ---------------------------------------------------------------- ACL translation

# BIND address_match_list body: "127.0.0.2 key:k" -> '127.0.0.2; key "k";'
lab__bind_acl()
{
    local item out=
    for item in $1; do
        case $item in
        any) out+="any; " ;;
        none) out+="none; " ;;
        key:*) out+="key \"${item#key:}\"; " ;;
        *) out+="$item; " ;;
        esac
    done
    printf '%s' "${out:-none; }"
}

lab__keys_bind()
{
    local k
    for k in "${!LAB_KEYS[@]}"; do
        printf 'key "%s" { algorithm hmac-sha256; secret "%s"; };\n' "$k" "${LAB_KEYS[$k]}"
    done
}

# --------------------------------------------------------------------------- BIND

lab__config_bind()
{
    local d=$LAB_DIR/bind a=${LAB_ADDR[bind]} p=${LAB_PORT[bind]}
    local zone transfer update serial file
    mkdir -p "$d/work"
    lab__write_zonefiles bind "$d/work"
    lab__keys_bind >"$d/keys.conf"
    cat >"$d/rndc.conf" <<EOF
key "rndc-key" { algorithm hmac-sha256; secret "${LAB_KEYS[rndc-key]}"; };
options { default-key "rndc-key"; default-server $a; default-port $LAB_RNDC_PORT; };
EOF
    # one key file per key, for nsupdate -k
    local k
    for k in "${!LAB_KEYS[@]}"; do
        printf 'key "%s" { algorithm hmac-sha256; secret "%s"; };\n' "$k" "${LAB_KEYS[$k]}" \
            >"$LAB_DIR/$k.key"
    done
    {
        cat <<EOF
// zonewarden lab: BIND 9 on $a port $p (and ::1) inside a private network namespace
include "$d/keys.conf";
controls { inet $a port $LAB_RNDC_PORT allow { 127.0.0.0/8; } keys { "rndc-key"; }; };
options {
    directory "$d/work";
    pid-file "$d/named.pid";
    session-keyfile "$d/work/session.key";
    managed-keys-directory "$d/work";
    listen-on port $p { $a; };
    listen-on-v6 port $p { ::1; };
    recursion no;
    allow-query { any; };
    allow-transfer { none; };
    notify no;
    querylog yes;
    allow-new-zones yes;
    dnssec-validation no;
    ${LAB_BIND_OPTIONS:-}
};
logging {
    channel lab_log {
        file "$d/${LAB_BIND_LOG:-named.log}";
        severity info;
        print-time ${LAB_BIND_PRINT_TIME:-yes};
        print-category ${LAB_BIND_PRINT_CATEGORY:-yes};
        print-severity ${LAB_BIND_PRINT_SEVERITY:-yes};
    };
EOF
        local c
        for c in queries query-errors xfer-out xfer-in security update update-security notify \
            general zoneload config default; do
            printf '    category %s { lab_log; };\n' "$c"
        done
        printf '};\n'
        while IFS='|' read -r zone transfer update serial file; do
            cat <<EOF
zone "$zone" {
    type primary;
    file "$zone.zone";
    allow-transfer { $(lab__bind_acl "$transfer")};
    allow-update { $(lab__bind_acl "$update")};
};
EOF
        done < <(lab_zones_of bind)
    } >"$d/named.conf"
    named-checkconf "$d/named.conf" || lab_die "named-checkconf failed for $d/named.conf"
}

lab__start_bind()
{
    local d=$LAB_DIR/bind
    /usr/sbin/named -f -c "$d/named.conf" >"$d/named.stderr" 2>&1 &
    LAB_PID[bind]=$!
}

# --------------------------------------------------------------------------- Knot

lab__config_knot()
{
    local d=$LAB_DIR/knot a=${LAB_ADDR[knot]} p=${LAB_PORT[knot]} k n=0
    local zone transfer update serial file
    mkdir -p "$d/zones" "$d/db" "$d/run"
    lab__write_zonefiles knot "$d/zones"
    local acls= zones=
    while IFS='|' read -r zone transfer update serial file; do
        n=$((n + 1))
        local ids= action list item addrs keys
        for action in transfer update; do
            [ "$action" = transfer ] && list=$transfer || list=$update
            addrs=
            keys=
            for item in $list; do
                case $item in
                none) ;;
                any) addrs+="0.0.0.0/0, ::/0, " ;;
                key:*) keys+="${item#key:}, " ;;
                *) addrs+="$item, " ;;
                esac
            done
            if [ -n "$addrs" ]; then
                acls+="  - id: z${n}_${action}_addr"$'\n'"    address: [ ${addrs%, } ]"$'\n'"    action: $action"$'\n'
                ids+="z${n}_${action}_addr, "
            fi
            if [ -n "$keys" ]; then
                acls+="  - id: z${n}_${action}_key"$'\n'"    key: [ ${keys%, } ]"$'\n'"    action: $action"$'\n'
                ids+="z${n}_${action}_key, "
            fi
        done
        zones+="  - domain: $zone"$'\n'"    file: \"$zone.zone\""$'\n'
        [ -n "$ids" ] && zones+="    acl: [ ${ids%, } ]"$'\n'
    done < <(lab_zones_of knot)
    {
        cat <<EOF
# zonewarden lab: Knot DNS on $a@$p inside a private network namespace
server:
    rundir: "$d/run"
    pidfile: "$d/run/knotd.pid"
    listen: $a@$p
log:
  - target: "$d/knotd.log"
    any: ${LAB_KNOT_LOGLEVEL:-debug}
database:
    storage: "$d/db"
${LAB_KNOT_EXTRA:-}
key:
EOF
        for k in "${!LAB_KEYS[@]}"; do
            printf '  - id: %s\n    algorithm: hmac-sha256\n    secret: %s\n' "$k" "${LAB_KEYS[$k]}"
        done
        [ -n "$acls" ] && printf 'acl:\n%s' "$acls"
        cat <<EOF
template:
  - id: default
    storage: "$d/zones"
    zonefile-sync: -1
    journal-content: changes
${LAB_KNOT_TEMPLATE_EXTRA:-}
zone:
EOF
        printf '%s' "$zones"
    } >"$d/knot.conf"
    knotc -c "$d/knot.conf" conf-check >/dev/null || lab_die "knotc conf-check failed for $d/knot.conf"
}

lab__start_knot()
{
    local d=$LAB_DIR/knot
    /usr/sbin/knotd -c "$d/knot.conf" >"$d/knotd.stderr" 2>&1 &
    LAB_PID[knot]=$!
}

# ---------------------------------------------------------------------------- NSD

lab__config_nsd()
{
    local d=$LAB_DIR/nsd a=${LAB_ADDR[nsd]} p=${LAB_PORT[nsd]} k
    local zone transfer update serial file item
    mkdir -p "$d/zones"
    lab__write_zonefiles nsd "$d/zones"
    {
        cat <<EOF
# zonewarden lab: NSD on $a@$p inside a private network namespace
server:
    ip-address: $a@$p
    do-ip6: no
    verbosity: ${LAB_NSD_VERBOSITY:-2}
    logfile: "$d/nsd.log"
    log-time-ascii: yes
    pidfile: "$d/nsd.pid"
    username: ""
    chroot: ""
    zonesdir: "$d/zones"
    database: ""
    zonelistfile: "$d/zone.list"
    xfrdfile: "$d/xfrd.state"
    xfrdir: "$d"
    server-count: 1
remote-control:
    control-enable: no
EOF
        for k in "${!LAB_KEYS[@]}"; do
            printf 'key:\n    name: "%s"\n    algorithm: hmac-sha256\n    secret: "%s"\n' \
                "$k" "${LAB_KEYS[$k]}"
        done
        while IFS='|' read -r zone transfer update serial file; do
            printf 'zone:\n    name: "%s"\n    zonefile: "%s.zone"\n' "$zone" "$zone"
            for item in $transfer; do
                case $item in
                none) ;;
                any) printf '    provide-xfr: 0.0.0.0/0 NOKEY\n    provide-xfr: ::0/0 NOKEY\n' ;;
                key:*) printf '    provide-xfr: 0.0.0.0/0 %s\n' "${item#key:}" ;;
                *) printf '    provide-xfr: %s NOKEY\n' "$item" ;;
                esac
            done
        done < <(lab_zones_of nsd)
    } >"$d/nsd.conf"
    nsd-checkconf "$d/nsd.conf" || lab_die "nsd-checkconf failed for $d/nsd.conf"
}

lab__start_nsd()
{
    local d=$LAB_DIR/nsd
    /usr/sbin/nsd -d -c "$d/nsd.conf" >"$d/nsd.stderr" 2>&1 &
    LAB_PID[nsd]=$!
}

# ----------------------------------------------------------------------- PowerDNS

lab__config_pdns()
{
    local d=$LAB_DIR/pdns a=${LAB_ADDR[pdns]} p=${LAB_PORT[pdns]} k
    local zone transfer update serial file item nets keys
    mkdir -p "$d/zones"
    lab__write_zonefiles pdns "$d/zones"
    {
        printf 'options { directory "%s/zones"; };\n' "$d"
        while IFS='|' read -r zone transfer update serial file; do
            printf 'zone "%s" { type master; file "%s.zone"; };\n' "$zone" "$zone"
        done < <(lab_zones_of pdns)
    } >"$d/named.conf"
    # Per-zone transfer ACLs live in the bind backend's metadata database
    # (ALLOW-AXFR-FROM, TSIG-ALLOW-AXFR).  The global allow-axfr-ips must not be empty
    # (empty means everyone): it names one unused loopback address.
    cat >"$d/pdns.conf" <<EOF
# zonewarden lab: PowerDNS Authoritative (bind backend) on $a:$p inside a private netns
launch=bind
bind-config=$d/named.conf
bind-dnssec-db=$d/bind-dnssec.sqlite3
local-address=$a
local-port=$p
socket-dir=$d
guardian=no
daemon=no
disable-syslog=yes
log-timestamp=yes
loglevel=${LAB_PDNS_LOGLEVEL:-7}
log-dns-queries=yes
log-dns-details=yes
disable-axfr=no
allow-axfr-ips=127.255.255.254/32
webserver=no
api=no
primary=no
secondary=no
# no security-status poll: it would query the system resolver
security-poll-suffix=
EOF
    local pu=(pdnsutil --config-dir="$d")
    {
        "${pu[@]}" create-bind-db "$d/bind-dnssec.sqlite3" || return 1
        for k in "${!LAB_KEYS[@]}"; do
            "${pu[@]}" import-tsig-key "$k" hmac-sha256 "${LAB_KEYS[$k]}" || return 1
        done
        while IFS='|' read -r zone transfer update serial file; do
            nets=()
            keys=()
            for item in $transfer; do
                case $item in
                none) ;;
                any) nets+=(0.0.0.0/0 ::/0) ;;
                key:*) keys+=("${item#key:}") ;;
                */*) nets+=("$item") ;;
                *:*) nets+=("$item/128") ;;
                *) nets+=("$item/32") ;;
                esac
            done
            if [ ${#nets[@]} -gt 0 ]; then
                "${pu[@]}" set-meta "$zone" ALLOW-AXFR-FROM "${nets[@]}" || return 1
            fi
            if [ ${#keys[@]} -gt 0 ]; then
                "${pu[@]}" set-meta "$zone" TSIG-ALLOW-AXFR "${keys[@]}" || return 1
            fi
        done < <(lab_zones_of pdns)
    } >"$d/pdnsutil.log" 2>&1 || lab_die "pdnsutil failed, see $d/pdnsutil.log"
}

lab__start_pdns()
{
    local d=$LAB_DIR/pdns
    # PowerDNS logs to stdout/stderr when it is not a daemon and syslog is off
    /usr/sbin/pdns_server --config-dir="$d" >"$d/pdns.log" 2>&1 &
    LAB_PID[pdns]=$!
}

# ------------------------------------------------------------------ start / stop

# lab_first_zone SERVER: the first zone configured for SERVER (empty if none).
lab_first_zone()
{
    lab_zones_of "$1" | head -1 | cut -d'|' -f1
}

# lab_wait_answer SERVER ZONE: bounded wait until SERVER answers SOA for ZONE.
lab_wait_answer()
{
    local server=$1 zone=$2 deadline=$((SECONDS + LAB_WAIT))
    while [ $SECONDS -le $deadline ]; do
        if dig +norec +time=1 +tries=1 -p "${LAB_PORT[$server]}" "@${LAB_ADDR[$server]}" \
            "$zone" SOA 2>/dev/null | grep -q 'status: NOERROR'; then
            return 0
        fi
        if [ -n "${LAB_PID[$server]:-}" ] && ! kill -0 "${LAB_PID[$server]}" 2>/dev/null; then
            lab_say "$server exited during start-up"
            return 1
        fi
        sleep 0.2
    done
    lab_say "$server did not answer SOA $zone within ${LAB_WAIT}s"
    return 1
}

# lab_start SERVER...: writes each server's config, starts it and waits until it answers.
lab_start()
{
    local s z
    [ -n "$LAB_DIR" ] || lab_die "lab_init first"
    for s in "$@"; do
        [ -n "$(lab_first_zone "$s")" ] || lab_die "lab_start $s: no zone configured (lab_zone)"
        "lab__config_$s"
        "lab__start_$s"
        lab_say "started $s pid ${LAB_PID[$s]} on ${LAB_ADDR[$s]}:${LAB_PORT[$s]}"
    done
    for s in "$@"; do
        z=$(lab_first_zone "$s")
        if ! lab_wait_answer "$s" "$z"; then
            lab_dump "$s"
            lab_die "$s failed to start"
        fi
    done
    if [[ " $* " == *" bind "* ]]; then
        lab_wait_rndc || lab_die "rndc never answered"
    fi
}

lab_wait_rndc()
{
    local deadline=$((SECONDS + LAB_WAIT))
    while [ $SECONDS -le $deadline ]; do
        rndc -c "$LAB_DIR/bind/rndc.conf" status >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    return 1
}

# lab_restart SERVER: stops it, rewrites its config (picking up changed LAB_* knobs such
# as LAB_BIND_PRINT_TIME or LAB_BIND_LOG) and starts it again, with bounded waits.
lab_restart()
{
    lab_stop "$1"
    lab_start "$1"
}

# lab_stop SERVER: TERM, bounded wait (5 s), then KILL; by PID only.
lab_stop()
{
    local s=$1 pid=${LAB_PID[$1]:-} i
    [ -n "$pid" ] || return 0
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null
        for i in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            lab_say "$s (pid $pid) ignored TERM, killing"
            kill -KILL "$pid" 2>/dev/null
        fi
    fi
    wait "$pid" 2>/dev/null
    unset "LAB_PID[$s]"
    return 0
}

lab_stop_all()
{
    local s
    for s in "${!LAB_PID[@]}"; do
        lab_stop "$s"
    done
}

# lab_log SERVER: the log file(s) the server wrote (its own log, not our client log).
lab_log()
{
    case $1 in
    bind) echo "$LAB_DIR/bind/${LAB_BIND_LOG:-named.log}" ;;
    knot) echo "$LAB_DIR/knot/knotd.log" ;;
    nsd) echo "$LAB_DIR/nsd/nsd.log" ;;
    pdns) echo "$LAB_DIR/pdns/pdns.log" ;;
    *) lab_die "lab_log: unknown server '$1'" ;;
    esac
}

# lab_wait_log SERVER PATTERN: bounded wait until the server's log has a line matching
# the extended regex PATTERN (servers write asynchronously).
lab_wait_log()
{
    local f deadline=$((SECONDS + LAB_WAIT))
    f=$(lab_log "$1")
    while [ $SECONDS -le $deadline ]; do
        grep -Eq -- "$2" "$f" 2>/dev/null && return 0
        sleep 0.2
    done
    lab_say "no line matching '$2' in $f within ${LAB_WAIT}s"
    return 1
}

# lab_dump SERVER: prints the tail of a server's logs (for failures).
lab_dump()
{
    local f
    for f in "$(lab_log "$1")" "$LAB_DIR/$1"/*.stderr; do
        [ -f "$f" ] || continue
        echo "---- $f (last 30 lines)" >&2
        tail -n 30 "$f" >&2
    done
}

# ---------------------------------------------------------------- client actions

# lab_run CMD...: runs a client command bounded by LAB_CLIENT_TIMEOUT, transcript in
# $LAB_DIR/client.log, its own output in $LAB_DIR/last.out; returns its status.
lab_run()
{
    local rc
    printf '\n$ %s\n' "$*" >>"$LAB_DIR/client.log"
    timeout "$LAB_CLIENT_TIMEOUT" "$@" >"$LAB_DIR/last.out" 2>&1
    rc=$?
    cat "$LAB_DIR/last.out" >>"$LAB_DIR/client.log"
    printf 'rc=%s\n' "$rc" >>"$LAB_DIR/client.log"
    return $rc
}

# Parses "--from ADDR", "--key NAME", "--tcp" from the argument list into LAB__FROM,
# LAB__KEY, LAB__TCP; the rest is left in LAB__ARGS.
lab__client_opts()
{
    LAB__FROM=127.0.0.1
    LAB__KEY=
    LAB__TCP=
    LAB__ARGS=()
    while [ $# -gt 0 ]; do
        case $1 in
        --from) LAB__FROM=$2; shift 2 ;;
        --key) LAB__KEY=$2; shift 2 ;;
        --tcp) LAB__TCP=+tcp; shift ;;
        *) LAB__ARGS+=("$1"); shift ;;
        esac
    done
}

lab__dig_key()
{
    [ -n "$LAB__KEY" ] || return 0
    [ -n "${LAB_KEYS[$LAB__KEY]:-}" ] || lab_die "unknown key '$LAB__KEY'"
    printf '%s\n' "-y" "hmac-sha256:$LAB__KEY:${LAB_KEYS[$LAB__KEY]}"
}

# lab_dig SERVER [--from A] [--key K] [--tcp] DIG-ARGS...: dig against SERVER.
lab_dig()
{
    local s=$1
    shift
    lab__client_opts "$@"
    local keyargs=()
    mapfile -t keyargs < <(lab__dig_key)
    local at=${LAB_ADDR[$s]}
    [[ $LAB__FROM == *:* ]] && at=::1
    lab_run dig +norec +time=2 +tries=1 ${LAB__TCP:+"$LAB__TCP"} -b "$LAB__FROM" \
        -p "${LAB_PORT[$s]}" "@$at" "${keyargs[@]}" "${LAB__ARGS[@]}"
}

# lab_query SERVER NAME TYPE [--from A] [--tcp]: an ordinary query.
lab_query()
{
    lab_dig "$@"
}

# True when the last dig output holds a transfer (an SOA record, no failure).
lab__xfr_ok()
{
    grep -q $'IN\tSOA' "$LAB_DIR/last.out" &&
        ! grep -Eq 'Transfer failed|communications error|; XFR size: 0' "$LAB_DIR/last.out"
}

# lab_axfr SERVER ZONE [--from A] [--key K]: AXFR; returns 0 only when records came back.
lab_axfr()
{
    local s=$1 zone=$2
    shift 2
    lab_dig "$s" "$zone" AXFR "$@" || return 1
    lab__xfr_ok
}

# lab_ixfr SERVER ZONE SERIAL [--from A] [--key K]: IXFR from SERIAL; 0 when records came.
lab_ixfr()
{
    local s=$1 zone=$2 serial=$3
    shift 3
    lab_dig "$s" "$zone" "IXFR=$serial" "$@" || return 1
    lab__xfr_ok
}

# lab_serial SERVER ZONE: prints the zone's current SOA serial.
lab_serial()
{
    dig +short +norec +time=1 +tries=1 -p "${LAB_PORT[$1]}" "@${LAB_ADDR[$1]}" "$2" SOA \
        2>/dev/null | awk '{print $3}'
}

# lab_wait_serial SERVER ZONE SERIAL: bounded wait until the zone has SERIAL.
lab_wait_serial()
{
    local deadline=$((SECONDS + LAB_WAIT))
    while [ $SECONDS -le $deadline ]; do
        [ "$(lab_serial "$1" "$2")" = "$3" ] && return 0
        sleep 0.2
    done
    return 1
}

# lab_nsupdate SERVER ZONE [--from A] [--key K|--badkey K] < UPDATE-LINES
# Sends the update lines ("update add ...") for ZONE; without --key it is unsigned;
# --badkey K signs with key name K and a wrong secret (BADSIG).  Returns nsupdate's status.
lab_nsupdate()
{
    local s=$1 zone=$2 bad=
    shift 2
    local args=()
    while [ $# -gt 0 ]; do
        case $1 in
        --badkey) bad=$2; shift 2 ;;
        *) args+=("$1"); shift ;;
        esac
    done
    lab__client_opts "${args[@]}"
    local keyargs=()
    if [ -n "$bad" ]; then
        keyargs=(-y "hmac-sha256:$bad:$(lab_gen_secret)")
    elif [ -n "$LAB__KEY" ]; then
        keyargs=(-y "hmac-sha256:$LAB__KEY:${LAB_KEYS[$LAB__KEY]}")
    fi
    local body
    body=$(cat)
    printf 'local %s\nserver %s %s\nzone %s\n%s\nsend\n' "$LAB__FROM" "${LAB_ADDR[$s]}" \
        "${LAB_PORT[$s]}" "$zone" "$body" >"$LAB_DIR/nsupdate.in"
    cat "$LAB_DIR/nsupdate.in" >>"$LAB_DIR/client.log"
    lab_run nsupdate -t 5 "${keyargs[@]}" "$LAB_DIR/nsupdate.in"
}

# lab_rndc ARGS...: rndc against the lab's BIND with the lab's rndc key.
lab_rndc()
{
    lab_run rndc -c "$LAB_DIR/bind/rndc.conf" "$@"
}

# lab_addzone ZONE [ACL]: writes a zone file into BIND's directory and adds the zone with
# rndc addzone, allow-transfer ACL (default none).
lab_addzone()
{
    local zone=$1 acl=${2:-none}
    lab_zonefile "$zone" 1 >"$LAB_DIR/bind/work/$zone.zone"
    lab_rndc addzone "$zone { type primary; file \"$zone.zone\"; allow-transfer { $(lab__bind_acl "$acl")}; };"
}
