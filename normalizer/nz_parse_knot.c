/*
 * nz_parse_knot.c - Knot DNS 3.x (and 2.x) server log lines, as knotd writes them to a
 * file or stderr ("2026-11-27T13:05:20+0000 info: [zone.] AXFR, outgoing, ...") or
 * through syslog ("Nov 27 13:05:20 ns1 knotd[21443]: info: [zone.] ...").
 *
 * Maps ACL decisions, AXFR/IXFR in and out, NOTIFY in and out and DDNS to DNS Activity
 * (the applied DDNS change and knotc control commands to API Activity); server lifecycle, zone
 * loading, refresh, DNSSEC and journal messages are operational noise.  docs/EVENT.md "Knot DNS"
 * lists every mapping.  Not for knotc output or dnstap.
 *
 * Per-stream state: the product version from the "Knot DNS X starting" line, and the
 * last "ACL, allowed, action update" decision, whose client and key the following
 * "DDNS, ..." lines of the same zone (which name no client) inherit.
 */
#include "nz.h"
#include "nz_srvlex.h"
#include "nz_syslog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char version[32];
    int upd_valid;
    char upd_zone[256];
    char upd_ip[64];
    int upd_port;
    char upd_key[256];
} knot_state;

static void *knot_state_new(void)
{
    return calloc(1, sizeof(knot_state));
}

static void knot_state_free(void *st)
{
    free(st);
}

static const char *const levels[] = {"debug", "info", "notice", "warning", "error", "critical"};

static int take_level(nz_cur *c, zw_str *level)
{
    return nz_cur_level(c, levels, ZW_ARRAY_LEN(levels), level);
}

typedef struct {
    const nz_record *rec;
    zw_event *ev;
    nz_emitter *em;
    knot_state *st;
    zw_str zone; /* as logged, with trailing dot */
    zw_str host; /* syslog host, may be empty */
    char *err;
    size_t errsz;
} knot_ctx;

/* A TSIG key as logged: none | 'name.' | name. */
static int set_key(zw_event *ev, zw_str k)
{
    if (k.n >= 2 && k.p[0] == '\'' && k.p[k.n - 1] == '\'') {
        k.p++;
        k.n -= 2;
    }
    if (k.n == 0 || zw_str_eq(k, "none")) {
        zw_ev_set_bool(ev, ZW_F_U_DNS_SIGNED, 0);
        return ZW_OK;
    }
    zw_ev_set_bool(ev, ZW_F_U_DNS_SIGNED, 1);
    return zw_ev_set_dname(ev, ZW_F_U_XFER_TSIG_KEY, k.p, k.n);
}

/* "[remote ]ADDR@PORT[ PROTO]" then ", " or ": ".  Sets *addr; consumes the separator.
 * The protocol word (TCP, UDP, TLS, QUIC) of newer versions goes to *proto. */
static int take_remote(nz_cur *c, zw_str *addr, zw_str *proto)
{
    zw_str a;
    proto->p = NULL;
    proto->n = 0;
    nz_cur_lit(c, "remote ");
    size_t start = c->i;
    while (c->i < c->n && c->p[c->i] != ',' && c->p[c->i] != ' ' &&
           !(c->p[c->i] == ':' && c->i + 1 < c->n && c->p[c->i + 1] == ' ')) {
        c->i++;
    }
    a.p = c->p + start;
    a.n = c->i - start;
    if (!a.n) {
        return 0;
    }
    if (nz_cur_lit(c, " ")) {
        *proto = nz_cur_word(c);
        if (proto->n && proto->p[proto->n - 1] == ',') {
            proto->n--;
            c->i--;
        }
    }
    if (!nz_cur_lit(c, ", ") && !nz_cur_lit(c, ": ") && !nz_cur_eof(c)) {
        return 0;
    }
    /* a configured remote by name: "remote NAME, address IP@PORT, ..." */
    if (!proto->n && nz_cur_lit(c, "address ")) {
        return take_remote(c, addr, proto);
    }
    *addr = a;
    return 1;
}

/* Looks for "serial N" or "serial A -> B" anywhere in s. */
/* The decimal right before the first unit in s ("206 bytes"): 1 with *v, or 0. */
static int count_before(zw_str s, const char *unit, uint64_t *v)
{
    const char *q = zw_memmem(s.p, s.n, unit, strlen(unit));
    if (!q) {
        return 0;
    }
    const char *d = q;
    while (d > s.p && d[-1] >= '0' && d[-1] <= '9') {
        d--;
    }
    return !zw_parse_u64(d, (size_t)(q - d), v);
}

static void set_serials(zw_event *ev, zw_str s)
{
    const char *q = zw_memmem(s.p, s.n, "serial ", 7);
    if (!q) {
        return;
    }
    nz_cur c = nz_cur_make(q + 7, s.n - (size_t)(q + 7 - s.p));
    uint64_t a, b;
    if (!nz_cur_u64(&c, &a)) {
        return;
    }
    if (nz_cur_lit(&c, " -> ") && nz_cur_u64(&c, &b)) {
        zw_ev_set_int(ev, ZW_F_U_XFER_SERIAL_FROM, (int64_t)a);
        zw_ev_set_int(ev, ZW_F_U_XFER_SERIAL, (int64_t)b);
    } else {
        zw_ev_set_int(ev, ZW_F_U_XFER_SERIAL, (int64_t)a);
    }
}

/* The reason inside "failed (reason)", or the text after "failed, ". */
static void set_failure(zw_event *ev, zw_str rest)
{
    zw_ev_set_status(ev, ZW_STATUS_FAILURE);
    const char *lp = memchr(rest.p, '(', rest.n);
    const char *rp = lp ? memchr(lp, ')', rest.n - (size_t)(lp - rest.p)) : NULL;
    if (lp && rp) {
        zw_ev_set_str(ev, ZW_F_STATUS_DETAIL, lp + 1, (size_t)(rp - lp - 1));
    } else {
        zw_ev_set_str(ev, ZW_F_STATUS_DETAIL, rest.p, rest.n);
    }
}

static int dns_base(knot_ctx *k, int activity)
{
    zw_event *ev = k->ev;
    int rc = zw_ev_set_class(ev, ZW_CLASS_DNS_ACTIVITY, activity);
    if (!rc) {
        rc = nz_set_zone(ev, k->zone.p, k->zone.n);
    }
    return rc;
}

/* "ACL, allowed|denied, action A, remote ADDR, key K" */
static int knot_acl(knot_ctx *k, nz_cur *c)
{
    zw_event *ev = k->ev;
    zw_str verdict, action, addr, proto, key = {NULL, 0};
    int rc;
    if (!nz_cur_until(c, ',', &verdict) || !nz_cur_lit(c, ", action ") ||
        !nz_cur_until(c, ',', &action) || !nz_cur_lit(c, ", ") || !take_remote(c, &addr, &proto)) {
        return zw_errf(k->err, k->errsz, ZW_EINVAL, "knot: malformed ACL line");
    }
    int denied = zw_str_eq(verdict, "denied");
    if (!denied && !zw_str_eq(verdict, "allowed")) {
        return zw_errf(k->err, k->errsz, ZW_EINVAL,
                       "knot: ACL verdict is neither allowed nor denied");
    }
    if (nz_cur_lit(c, "key ")) {
        nz_cur_until(c, ',', &key);
    }
    if ((rc = dns_base(k, denied ? 2 : 1))) {
        return rc;
    }
    if ((rc = nz_set_endpoint(ev, ZW_F_SRC_IP, ZW_F_SRC_PORT, addr.p, addr.n, '@'))) {
        return zw_errf(k->err, k->errsz, ZW_EINVAL, "knot: bad remote address in ACL line");
    }
    if ((rc = set_key(ev, key))) {
        return rc;
    }
    if (proto.n) {
        zw_ev_set_lower(ev, ZW_F_CONN_PROTOCOL_NAME, proto.p, proto.n);
        zw_ev_set_int(ev, ZW_F_CONN_DIRECTION_ID, 1);
        zw_ev_set_ref(ev, ZW_F_CONN_DIRECTION, "Inbound", 7);
    }
    if (zw_str_eq(action, "transfer")) {
        nz_set_query(ev, k->zone.p, k->zone.n, NULL);
        nz_set_opcode(ev, 0);
        zw_ev_set_ref(ev, ZW_F_U_XFER_DIRECTION, "out", 3);
        zw_ev_set_cstr(ev, ZW_F_U_XFER_PHASE, denied ? "denied" : "requested");
    } else if (zw_str_eq(action, "notify")) {
        nz_set_query(ev, k->zone.p, k->zone.n, "SOA");
        nz_set_opcode(ev, 4);
    } else if (zw_str_eq(action, "update")) {
        nz_set_query(ev, k->zone.p, k->zone.n, "SOA");
        nz_set_opcode(ev, 5);
        knot_state *st = k->st;
        if (st && !denied) {
            zw_str ip = zw_ev_str(ev, ZW_F_SRC_IP);
            zw_str kk = zw_ev_str(ev, ZW_F_U_XFER_TSIG_KEY);
            st->upd_valid = k->zone.n < sizeof st->upd_zone && ip.n < sizeof st->upd_ip &&
                            kk.n < sizeof st->upd_key;
            if (st->upd_valid) {
                memcpy(st->upd_zone, k->zone.p, k->zone.n);
                st->upd_zone[k->zone.n] = 0;
                memcpy(st->upd_ip, ip.p, ip.n);
                st->upd_ip[ip.n] = 0;
                st->upd_port =
                    zw_ev_has(ev, ZW_F_SRC_PORT) ? (int)zw_ev_int(ev, ZW_F_SRC_PORT) : -1;
                if (kk.n) {
                    memcpy(st->upd_key, kk.p, kk.n);
                }
                st->upd_key[kk.n] = 0;
            }
        }
    } else {
        /* "query" (3.3 query ACL) and future actions */
        nz_set_query(ev, k->zone.p, k->zone.n, NULL);
        nz_set_opcode(ev, 0);
    }
    if (denied) {
        zw_ev_set_status(ev, ZW_STATUS_FAILURE);
        /* Knot answers a request its ACL denies with NOTAUTH */
        nz_set_rcode(ev, 9);
        zw_ev_set_ref(ev, ZW_F_STATUS_DETAIL, "denied by ACL", 13);
    } else {
        zw_ev_set_status(ev, ZW_STATUS_SUCCESS);
    }
    if (k->host.n) {
        zw_ev_set_lower(ev, ZW_F_DST_HOSTNAME, k->host.p, k->host.n);
    }
    return nz_emit(k->em, ev);
}

/* "AXFR|IXFR, outgoing|incoming, remote ADDR, <rest>" */
static int knot_xfer(knot_ctx *k, nz_cur *c, const char *kind)
{
    zw_event *ev = k->ev;
    zw_str dir, addr, proto;
    int rc;
    if (!nz_cur_until(c, ',', &dir) || !nz_cur_lit(c, ", ") || !take_remote(c, &addr, &proto)) {
        return zw_errf(k->err, k->errsz, ZW_EINVAL, "knot: malformed %s line", kind);
    }
    int out = zw_str_eq(dir, "outgoing");
    if (!out && !zw_str_eq(dir, "incoming")) {
        return zw_errf(k->err, k->errsz, ZW_EINVAL,
                       "knot: %s direction is neither incoming nor outgoing", kind);
    }
    zw_str key = {NULL, 0};
    if (nz_cur_lit(c, "key ")) {
        nz_cur_until(c, ',', &key);
        nz_cur_lit(c, ", ");
    }
    zw_str rest = nz_cur_rest(c);
    int phase_act = 2;
    const char *phase = NULL;
    int status = ZW_STATUS_SUCCESS;
    nz_cur r = nz_cur_make(rest.p, rest.n);
    if (nz_cur_lit(&r, "started")) {
        phase = "started";
        phase_act = 1;
    } else if (nz_cur_lit(&r, "finished")) {
        phase = "ended";
    } else if (nz_cur_lit(&r, "zone is up-to-date")) {
        phase = "ended";
    } else if (zw_memmem(rest.p, rest.n, "failed", 6)) {
        phase = "failed";
        status = ZW_STATUS_FAILURE;
    }
    if ((rc = dns_base(k, phase_act))) {
        return rc;
    }
    if ((rc = nz_set_endpoint(ev, out ? ZW_F_SRC_IP : ZW_F_DST_IP,
                              out ? ZW_F_SRC_PORT : ZW_F_DST_PORT, addr.p, addr.n, '@'))) {
        return zw_errf(k->err, k->errsz, ZW_EINVAL, "knot: bad remote address in %s line", kind);
    }
    nz_set_query(ev, k->zone.p, k->zone.n, kind);
    nz_set_opcode(ev, 0);
    zw_ev_set_ref(ev, ZW_F_U_XFER_KIND, kind, 4);
    zw_ev_set_ref(ev, ZW_F_U_XFER_DIRECTION, out ? "out" : "in", out ? 3 : 2);
    zw_ev_set_int(ev, ZW_F_CONN_DIRECTION_ID, out ? 1 : 2);
    zw_ev_set_cstr(ev, ZW_F_CONN_DIRECTION, out ? "Inbound" : "Outbound");
    zw_ev_set_lower(ev, ZW_F_CONN_PROTOCOL_NAME, proto.n ? proto.p : "tcp", proto.n ? proto.n : 3);
    if (key.n && (rc = set_key(ev, key))) {
        return rc;
    }
    if (k->host.n) {
        zw_ev_set_lower(ev, out ? ZW_F_DST_HOSTNAME : ZW_F_SRC_HOSTNAME, k->host.p, k->host.n);
    }
    set_serials(ev, rest);
    if (phase && strcmp(phase, "ended") == 0) {
        nz_set_rcode(ev, 0);
        /* "finished, 0.00 seconds, 1 messages, 206 bytes" */
        const char *q;
        int64_t ms;
        if ((q = zw_memmem(rest.p, rest.n, ", ", 2))) {
            nz_cur t = nz_cur_make(q + 2, rest.n - (size_t)(q + 2 - rest.p));
            if (nz_cur_seconds_ms(&t, &ms) && nz_cur_lit(&t, " seconds")) {
                zw_ev_set_int(ev, ZW_F_DURATION, ms);
            }
        }
        uint64_t v;
        if (count_before(rest, " messages", &v)) {
            zw_ev_set_int(ev, ZW_F_U_XFER_MESSAGES, (int64_t)v);
            zw_ev_set_int(ev, ZW_F_TRAFFIC_PACKETS, (int64_t)v);
        }
        if (count_before(rest, " bytes", &v)) {
            zw_ev_set_int(ev, ZW_F_U_XFER_BYTES, (int64_t)v);
            zw_ev_set_int(ev, ZW_F_TRAFFIC_BYTES, (int64_t)v);
        }
        if (zw_starts(rest.p, rest.n, "zone is up-to-date")) {
            zw_ev_set_ref(ev, ZW_F_STATUS_DETAIL, "zone is up-to-date", 18);
        }
    } else if (!phase) {
        /* "fallback to AXFR", "receiving AXFR-style IXFR", ...: kept as detail */
        zw_ev_set_str(ev, ZW_F_STATUS_DETAIL, rest.p, rest.n);
    }
    if (phase) {
        zw_ev_set_cstr(ev, ZW_F_U_XFER_PHASE, phase);
    }
    zw_ev_set_status(ev, status);
    if (status == ZW_STATUS_FAILURE) {
        set_failure(ev, rest);
    }
    return nz_emit(k->em, ev);
}

/* "notify, incoming|outgoing, remote ADDR, serial N" / "..., failed (reason)" */
static int knot_notify(knot_ctx *k, nz_cur *c)
{
    zw_event *ev = k->ev;
    zw_str dir, addr, proto;
    int rc;
    if (!nz_cur_until(c, ',', &dir) || !nz_cur_lit(c, ", ") || !take_remote(c, &addr, &proto)) {
        return zw_errf(k->err, k->errsz, ZW_EINVAL, "knot: malformed notify line");
    }
    int out = zw_str_eq(dir, "outgoing");
    if (!out && !zw_str_eq(dir, "incoming")) {
        return zw_errf(k->err, k->errsz, ZW_EINVAL,
                       "knot: notify direction is neither incoming nor outgoing");
    }
    zw_str rest = nz_cur_rest(c);
    if ((rc = dns_base(k, 1))) {
        return rc;
    }
    /* an incoming NOTIFY comes from the remote; an outgoing one goes to it */
    if ((rc = nz_set_endpoint(ev, out ? ZW_F_DST_IP : ZW_F_SRC_IP,
                              out ? ZW_F_DST_PORT : ZW_F_SRC_PORT, addr.p, addr.n, '@'))) {
        return zw_errf(k->err, k->errsz, ZW_EINVAL, "knot: bad remote address in notify line");
    }
    if (k->host.n) {
        zw_ev_set_lower(ev, out ? ZW_F_SRC_HOSTNAME : ZW_F_DST_HOSTNAME, k->host.p, k->host.n);
    }
    nz_set_query(ev, k->zone.p, k->zone.n, "SOA");
    nz_set_opcode(ev, 4);
    zw_ev_set_ref(ev, ZW_F_U_XFER_DIRECTION, out ? "out" : "in", out ? 3 : 2);
    set_serials(ev, rest);
    if (zw_memmem(rest.p, rest.n, "failed", 6)) {
        set_failure(ev, rest);
    } else {
        zw_ev_set_status(ev, ZW_STATUS_SUCCESS);
    }
    return nz_emit(k->em, ev);
}

/* "DDNS, ..." */
static int knot_ddns(knot_ctx *k, nz_cur *c)
{
    zw_event *ev = k->ev;
    knot_state *st = k->st;
    zw_str rest = nz_cur_rest(c);
    nz_cur r = nz_cur_make(rest.p, rest.n);
    uint64_t cnt;
    int rc, api = 0;
    int status = ZW_STATUS_SUCCESS;
    zw_str detail = {NULL, 0};
    zw_str remote = {NULL, 0};

    if ((nz_cur_lit(&r, "processing ") || nz_cur_lit(&r, "forwarding ")) && nz_cur_u64(&r, &cnt) &&
        nz_cur_lit(&r, " update")) {
        if ((rc = dns_base(k, 1))) {
            return rc;
        }
        zw_ev_set_int(ev, ZW_F_COUNT, (int64_t)cnt);
        if (rest.p[0] == 'f') {
            detail = ZW_STR_LIT("forwarded to the primary");
        }
        status = ZW_STATUS_UNKNOWN;
    } else if (zw_starts(rest.p, rest.n, "finished, serial ") ||
               zw_starts(rest.p, rest.n, "update finished, serial ") ||
               zw_starts(rest.p, rest.n, "finished, no changes") ||
               zw_starts(rest.p, rest.n, "processing failed")) {
        /* the applied (or failed) change of the zone */
        api = 1;
        if ((rc = zw_ev_set_class(ev, ZW_CLASS_API_ACTIVITY, 3)) ||
            (rc = nz_set_zone(ev, k->zone.p, k->zone.n))) {
            return rc;
        }
        set_serials(ev, rest);
        const char *q = zw_memmem(rest.p, rest.n, "-> ", 3);
        int64_t ms;
        if (q && (q = memchr(q, ',', rest.n - (size_t)(q - rest.p)))) {
            nz_cur t = nz_cur_make(q + 1, rest.n - (size_t)(q + 1 - rest.p));
            nz_cur_ws(&t);
            if (nz_cur_seconds_ms(&t, &ms) && nz_cur_lit(&t, " seconds")) {
                zw_ev_set_int(ev, ZW_F_DURATION, ms);
            }
        }
        if (rest.p[0] == 'p') {
            status = ZW_STATUS_FAILURE;
        } else if (zw_starts(rest.p, rest.n, "finished, no changes")) {
            detail = ZW_STR_LIT("no changes to the zone were made");
        }
    } else {
        /* "remote ADDR, prerequisites not met (...)", "updates forwarded to the master",
         * "failed to forward updates to the master (...)", "ACL check failed", ... */
        if ((rc = dns_base(k, 2))) {
            return rc;
        }
        if (nz_cur_lit(&r, "remote ")) {
            zw_str proto;
            r.i -= 7;
            if (!take_remote(&r, &remote, &proto)) {
                return zw_errf(k->err, k->errsz, ZW_EINVAL, "knot: malformed DDNS remote");
            }
            rest = nz_cur_rest(&r);
        }
        if (zw_memmem(rest.p, rest.n, "fail", 4) || zw_memmem(rest.p, rest.n, "not met", 7) ||
            zw_memmem(rest.p, rest.n, "denied", 6)) {
            status = ZW_STATUS_FAILURE;
        } else if (!zw_memmem(rest.p, rest.n, "forwarded", 9)) {
            status = ZW_STATUS_OTHER;
        }
        detail = rest;
    }
    nz_set_query(ev, k->zone.p, k->zone.n, "SOA");
    nz_set_opcode(ev, 5);
    if (remote.n) {
        if (nz_set_endpoint(ev, ZW_F_SRC_IP, ZW_F_SRC_PORT, remote.p, remote.n, '@')) {
            return zw_errf(k->err, k->errsz, ZW_EINVAL, "knot: bad DDNS remote address");
        }
    } else if (st && st->upd_valid && strlen(st->upd_zone) == k->zone.n &&
               memcmp(st->upd_zone, k->zone.p, k->zone.n) == 0) {
        zw_ev_set_cstr(ev, ZW_F_SRC_IP, st->upd_ip);
        if (st->upd_port >= 0) {
            zw_ev_set_int(ev, ZW_F_SRC_PORT, st->upd_port);
        }
        if (st->upd_key[0]) {
            zw_ev_set_cstr(ev, ZW_F_U_XFER_TSIG_KEY, st->upd_key);
            zw_ev_set_bool(ev, ZW_F_U_DNS_SIGNED, 1);
        } else {
            zw_ev_set_bool(ev, ZW_F_U_DNS_SIGNED, 0);
        }
    }
    if (api) {
        zw_ev_set_ref(ev, ZW_F_API_OPERATION, "DDNS", 4);
        zw_ev_set_ref(ev, ZW_F_API_SERVICE_NAME, "knotd", 5);
        zw_ev_set_ref(ev, ZW_F_ACTOR_APP_NAME, "knotd", 5);
        if (zw_ev_has(ev, ZW_F_U_XFER_TSIG_KEY)) {
            zw_str kk = zw_ev_str(ev, ZW_F_U_XFER_TSIG_KEY);
            zw_ev_set_ref(ev, ZW_F_ACTOR_USER_NAME, kk.p, kk.n);
        }
        if ((rc = zw_ev_set_dname(ev, ZW_F_RES_NAME, k->zone.p, k->zone.n))) {
            return rc;
        }
        zw_ev_set_ref(ev, ZW_F_RES_TYPE, "zone", 4);
        zw_ev_set_ref(ev, ZW_F_U_CHANGE_ACTION, "UPDATE", 6);
        zw_ev_set_ref(ev, ZW_F_U_CHANGE_KIND, "zone", 4);
        zw_ev_set_dname(ev, ZW_F_U_CHANGE_TARGET, k->zone.p, k->zone.n);
        /* API Activity has no query object */
        zw_ev_unset(ev, ZW_F_QUERY_HOSTNAME);
        zw_ev_unset(ev, ZW_F_QUERY_TYPE);
        zw_ev_unset(ev, ZW_F_QUERY_OPCODE);
        zw_ev_unset(ev, ZW_F_QUERY_OPCODE_ID);
        if (!zw_ev_has(ev, ZW_F_SRC_IP)) {
            /* the update's ACL line (its client) was not in this stream: name the client
             * without an address; the syslog host is this server, not the client */
            zw_ev_set_ref(ev, ZW_F_SRC_NAME, "DNS UPDATE client, address not logged", 37);
        }
        if (k->host.n) {
            zw_ev_set_lower(ev, ZW_F_DST_HOSTNAME, k->host.p, k->host.n);
        }
    } else if (k->host.n) {
        zw_ev_set_lower(ev, ZW_F_DST_HOSTNAME, k->host.p, k->host.n);
    }
    if (status == ZW_STATUS_FAILURE) {
        set_failure(ev, detail.n ? detail : rest);
    } else {
        zw_ev_set_status(ev, status);
        if (detail.n) {
            zw_ev_set_str(ev, ZW_F_STATUS_DETAIL, detail.p, detail.n);
        }
    }
    return nz_emit(k->em, ev);
}

/* "[zone.] control, received command 'CMD'" / "control, received command 'CMD'": a knotc
 * command over the local control socket (a configuration or zone operation). */
static int knot_control(knot_ctx *k, zw_str cmd)
{
    zw_event *ev = k->ev;
    int rc;
    int read = zw_memmem(cmd.p, cmd.n, "-read", 5) || zw_memmem(cmd.p, cmd.n, "-get", 4) ||
               zw_memmem(cmd.p, cmd.n, "-list", 5) || zw_memmem(cmd.p, cmd.n, "status", 6) ||
               zw_memmem(cmd.p, cmd.n, "stats", 5) || zw_memmem(cmd.p, cmd.n, "-diff", 5) ||
               zw_str_eq(cmd, "conf-check");
    int del = zw_memmem(cmd.p, cmd.n, "-purge", 6) || zw_memmem(cmd.p, cmd.n, "-unset", 6);
    int zone = zw_starts(cmd.p, cmd.n, "zone-");
    if ((rc = zw_ev_set_class(ev, ZW_CLASS_API_ACTIVITY,
                              read  ? 2
                              : del ? 4
                                    : 3)) ||
        (rc = zw_ev_set_str(ev, ZW_F_API_OPERATION, cmd.p, cmd.n))) {
        return rc;
    }
    zw_ev_set_ref(ev, ZW_F_API_SERVICE_NAME, "knotd", 5);
    zw_ev_set_ref(ev, ZW_F_ACTOR_APP_NAME, "knotc", 5);
    if (k->zone.n) {
        if ((rc = nz_set_zone(ev, k->zone.p, k->zone.n)) ||
            (rc = zw_ev_set_dname(ev, ZW_F_RES_NAME, k->zone.p, k->zone.n))) {
            return rc;
        }
        zw_ev_set_ref(ev, ZW_F_RES_TYPE, "zone", 4);
    }
    if (!read) {
        zw_ev_set_cstr(ev, ZW_F_U_CHANGE_ACTION, del ? "DELETE" : "UPDATE");
        zw_ev_set_cstr(ev, ZW_F_U_CHANGE_KIND, zone ? "zone" : "config");
        if (k->zone.n) {
            zw_ev_set_dname(ev, ZW_F_U_CHANGE_TARGET, k->zone.p, k->zone.n);
        } else {
            zw_ev_set_str(ev, ZW_F_U_CHANGE_TARGET, cmd.p, cmd.n);
        }
    }
    /* the command was received; its outcome is logged separately (if it fails) */
    zw_ev_set_status(ev, ZW_STATUS_UNKNOWN);
    /* knotc talks to knotd over a local UNIX socket: the client is on the syslog host */
    if ((rc = nz_set_channel_source(ev, "knotc control socket", k->host.p, k->host.n))) {
        return rc;
    }
    return nz_emit(k->em, ev);
}

static int knot_parse(const nz_record *rec, zw_event *ev, nz_emitter *em, char *errstr,
                      size_t errstr_size)
{
    knot_state *st = rec->state;
    nz_cur c = nz_cur_make(rec->p, rec->n);
    zw_str level = {NULL, 0}, host = {NULL, 0};
    int64_t t;
    size_t k;

    if ((k = zw_time_iso(rec->p, rec->n, rec->tc, &t)) && k < rec->n && rec->p[k] == ' ' &&
        (c.i = k + 1, take_level(&c, &level))) {
        /* knotd's own file / stderr format */
    } else {
        nz_syslog sl;
        if (nz_syslog_parse(rec->p, rec->n, rec->tc, &sl) != ZW_OK ||
            !(zw_str_eq(sl.app, "knotd") || zw_str_eq(sl.app, "knot"))) {
            return ZW_NOMATCH;
        }
        c = nz_cur_make(sl.body.p, sl.body.n);
        if (!take_level(&c, &level) && sl.pri >= 0) {
            const char *s = nz_syslog_severity_name(sl.pri);
            level = zw_str_c(s);
        }
        if (!sl.has_time) {
            return zw_errf(errstr, errstr_size, ZW_EINVAL, "knot: syslog record without time");
        }
        t = sl.time_ms;
        host = sl.host;
    }

    zw_str op;
    knot_ctx kc = {rec, ev, em, st, {NULL, 0}, host, errstr, errstr_size};
    zw_str cmd;
    size_t save = c.i;
    if (nz_cur_lit(&c, "control, received command '") && nz_cur_until(&c, '\'', &cmd) && cmd.n) {
        nz_set_server_header(ev, t, "Knot DNS", "CZ.NIC", "knotd", level, st ? st->version : NULL);
        return knot_control(&kc, cmd);
    }
    c.i = save;
    if (!nz_cur_lit(&c, "[")) {
        /* server-wide messages: lifecycle, configuration, binding; the version is kept */
        if (st && nz_cur_lit(&c, "Knot DNS ")) {
            zw_str v = nz_cur_word(&c);
            if (v.n && v.n < sizeof st->version && nz_cur_lit(&c, " starting")) {
                memcpy(st->version, v.p, v.n);
                st->version[v.n] = 0;
            }
        }
        return ZW_NOISE;
    }
    if (!nz_cur_until(&c, ']', &kc.zone) || !nz_cur_lit(&c, "] ") || kc.zone.n == 0) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "knot: unterminated [zone] prefix");
    }
    if (!nz_cur_until(&c, ',', &op) || !nz_cur_lit(&c, ", ")) {
        /* "[zone.] zone will be loaded", "[zone.] loaded, serial ..." etc. */
        return ZW_NOISE;
    }

    nz_set_server_header(ev, t, "Knot DNS", "CZ.NIC", "knotd", level, st ? st->version : NULL);

    if (zw_str_eq(op, "ACL")) {
        return knot_acl(&kc, &c);
    }
    if (zw_str_eq(op, "AXFR")) {
        return knot_xfer(&kc, &c, "AXFR");
    }
    if (zw_str_eq(op, "IXFR")) {
        return knot_xfer(&kc, &c, "IXFR");
    }
    if (zw_str_ieq(op, "notify")) {
        return knot_notify(&kc, &c);
    }
    if (zw_str_eq(op, "DDNS")) {
        return knot_ddns(&kc, &c);
    }
    if (zw_str_eq(op, "control") && nz_cur_lit(&c, "received command '") &&
        nz_cur_until(&c, '\'', &cmd) && cmd.n) {
        return knot_control(&kc, cmd);
    }
    /* refresh, DNSSEC, zone event, journal, backup, control, ... */
    return ZW_NOISE;
}

const nz_parser nz_parser_knot = {
    "knot",          "Knot DNS 3.x server log (file or syslog)", 0, knot_parse, knot_state_new,
    knot_state_free,
};
