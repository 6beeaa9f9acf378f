/*
 * nz_parse_nsd.c - NSD 4.x server log lines, as nsd writes its logfile
 * ("[2026-11-27 13:05:20.771] nsd[21444]: info: axfr for example.test. from 127.0.0.2")
 * or through syslog ("Nov 27 13:05:20 ns2 nsd[21444]: axfr for ...").
 *
 * Maps AXFR/IXFR requests (served or refused), NOTIFY received (accepted or refused) and
 * completed incoming transfers to DNS Activity; start-up, zone file reading, xfrd's
 * bookkeeping and shutdown are operational noise.  docs/EVENT.md "NSD" lists every
 * mapping.  Not for nsd-control output.
 *
 * Per-stream state: the product version from "nsd starting (NSD 4.6.1)".
 */
#include "nz.h"
#include "nz_srvlex.h"
#include "nz_syslog.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    char version[32];
} nsd_state;

static void *nsd_state_new(void)
{
    return calloc(1, sizeof(nsd_state));
}

static void nsd_state_free(void *st)
{
    free(st);
}

static const char *const levels[] = {"error", "warning", "notice", "info", "debug"};

static int take_level(nz_cur *c, zw_str *level)
{
    return nz_cur_level(c, levels, ZW_ARRAY_LEN(levels), level);
}

/* The rest of r after an optional ',' and blanks, as status_detail when not empty. */
static void set_reason(zw_event *ev, nz_cur *r)
{
    nz_cur_lit(r, ",");
    nz_cur_ws(r);
    zw_str why = nz_cur_rest(r);
    if (why.n) {
        zw_ev_set_str(ev, ZW_F_STATUS_DETAIL, why.p, why.n);
    }
}

/* "[2026-11-27 13:05:20.771] " or "[1795784720] " -> time; cursor after the space. */
static int take_time(nz_cur *c, const zw_time_ctx *tc, int64_t *t)
{
    if (!nz_cur_lit(c, "[")) {
        return 0;
    }
    size_t k = zw_time_iso(nz_cur_ptr(c), nz_cur_left(c), tc, t);
    uint64_t secs;
    if (k) {
        c->i += k;
    } else if (nz_cur_u64(c, &secs) && secs < 100000000000ull) {
        *t = (int64_t)secs * 1000;
    } else {
        return 0;
    }
    return nz_cur_lit(c, "] ");
}

typedef struct {
    zw_event *ev;
    zw_str host;
    char *err;
    size_t errsz;
} nsd_ctx;

/* "axfr|ixfr for ZONE. from ADDR[ refused, REASON]" */
static int nsd_xfer(nsd_ctx *k, nz_cur *c, const char *kind, nz_emitter *em)
{
    zw_event *ev = k->ev;
    zw_str zone, addr;
    int rc;
    /* NSD 4.0/4.1 wrote "axfr for zone Z from client A refused, R" */
    nz_cur_lit(c, "zone ");
    if (!nz_cur_until(c, ' ', &zone) || zone.n == 0 || !nz_cur_lit(c, " from ")) {
        return zw_errf(k->err, k->errsz, ZW_EINVAL, "nsd: malformed %s line", kind);
    }
    nz_cur_lit(c, "client ");
    nz_cur_until(c, ' ', &addr);
    zw_str rest = nz_cur_rest(c);
    /* " refused, R", or " via proxy P refused because of proxy, SPEC KEY" */
    const char *ref = zw_memmem(rest.p, rest.n, " refused", 8);
    int refused = ref != NULL;
    if ((rc = zw_ev_set_class(ev, ZW_CLASS_DNS_ACTIVITY, refused ? 2 : 1))) {
        return rc;
    }
    if (nz_set_endpoint(ev, ZW_F_SRC_IP, ZW_F_SRC_PORT, addr.p, addr.n, '@')) {
        return zw_errf(k->err, k->errsz, ZW_EINVAL, "nsd: bad client address in %s line", kind);
    }
    char up[5] = {0};
    for (int i = 0; i < 4; i++) {
        up[i] = (char)(kind[i] - 32);
    }
    if ((rc = nz_set_zone(ev, zone.p, zone.n)) || (rc = nz_set_query(ev, zone.p, zone.n, NULL)) ||
        (rc = zw_ev_set_str(ev, ZW_F_QUERY_TYPE, up, 4)) ||
        (rc = zw_ev_set_str(ev, ZW_F_U_XFER_KIND, up, 4))) {
        return rc;
    }
    nz_set_opcode(ev, 0);
    zw_ev_set_ref(ev, ZW_F_U_XFER_DIRECTION, "out", 3);
    zw_ev_set_int(ev, ZW_F_CONN_DIRECTION_ID, 1);
    zw_ev_set_ref(ev, ZW_F_CONN_DIRECTION, "Inbound", 7);
    if (refused) {
        zw_ev_set_ref(ev, ZW_F_U_XFER_PHASE, "denied", 6);
        zw_ev_set_status(ev, ZW_STATUS_FAILURE);
        /* no rcode: NSD answers REFUSED, or NOTAUTH for a zone it does not serve, and
         * logs both the same way */
        nz_cur r = nz_cur_make(ref + 8, rest.n - (size_t)(ref + 8 - rest.p));
        set_reason(ev, &r);
    } else {
        /* logged when NSD starts serving the transfer */
        zw_ev_set_ref(ev, ZW_F_U_XFER_PHASE, "started", 7);
        zw_ev_set_status(ev, ZW_STATUS_SUCCESS);
        nz_cur r = nz_cur_make(rest.p, rest.n);
        nz_cur_ws(&r);
        zw_str more = nz_cur_rest(&r);
        if (more.n) {
            zw_ev_set_str(ev, ZW_F_STATUS_DETAIL, more.p, more.n);
        }
    }
    if (k->host.n) {
        zw_ev_set_lower(ev, ZW_F_DST_HOSTNAME, k->host.p, k->host.n);
    }
    return nz_emit(em, ev);
}

/* "notify for ZONE. from ADDR serial N" / "... refused, REASON" */
static int nsd_notify(nsd_ctx *k, nz_cur *c, nz_emitter *em)
{
    zw_event *ev = k->ev;
    zw_str zone, addr;
    int rc;
    if (!nz_cur_until(c, ' ', &zone) || zone.n == 0 || !nz_cur_lit(c, " from ")) {
        return zw_errf(k->err, k->errsz, ZW_EINVAL, "nsd: malformed notify line");
    }
    nz_cur_until(c, ' ', &addr);
    zw_str rest = nz_cur_rest(c);
    int refused = zw_memmem(rest.p, rest.n, "refused", 7) != NULL;
    if ((rc = zw_ev_set_class(ev, ZW_CLASS_DNS_ACTIVITY, 1))) {
        return rc;
    }
    if (nz_set_endpoint(ev, ZW_F_SRC_IP, ZW_F_SRC_PORT, addr.p, addr.n, '@')) {
        return zw_errf(k->err, k->errsz, ZW_EINVAL, "nsd: bad address in notify line");
    }
    if ((rc = nz_set_zone(ev, zone.p, zone.n)) || (rc = nz_set_query(ev, zone.p, zone.n, "SOA"))) {
        return rc;
    }
    nz_set_opcode(ev, 4);
    zw_ev_set_ref(ev, ZW_F_U_XFER_DIRECTION, "in", 2);
    const char *q = zw_memmem(rest.p, rest.n, "serial ", 7);
    if (q) {
        nz_cur s = nz_cur_make(q + 7, rest.n - (size_t)(q + 7 - rest.p));
        uint64_t v;
        if (nz_cur_u64(&s, &v)) {
            zw_ev_set_int(ev, ZW_F_U_XFER_SERIAL, (int64_t)v);
        }
    }
    if (refused) {
        zw_ev_set_status(ev, ZW_STATUS_FAILURE);
        nz_set_rcode(ev, 5);
        nz_cur r = nz_cur_make(rest.p, rest.n);
        zw_str before;
        if (nz_cur_upto(&r, "refused", &before)) {
            set_reason(ev, &r);
        }
    } else {
        zw_ev_set_status(ev, ZW_STATUS_SUCCESS);
    }
    if (k->host.n) {
        zw_ev_set_lower(ev, ZW_F_DST_HOSTNAME, k->host.p, k->host.n);
    }
    return nz_emit(em, ev);
}

/* "zone Z. received update to serial S at TIME from ADDR@PORT of B bytes in X seconds" */
static int nsd_received(nsd_ctx *k, zw_str zone, nz_cur *c, nz_emitter *em)
{
    zw_event *ev = k->ev;
    uint64_t serial, bytes;
    int64_t ms;
    zw_str when, addr;
    int rc;
    if (!nz_cur_u64(c, &serial) || !nz_cur_lit(c, " at ") || !nz_cur_until(c, ' ', &when) ||
        !nz_cur_lit(c, " from ") || !nz_cur_until(c, ' ', &addr)) {
        return zw_errf(k->err, k->errsz, ZW_EINVAL, "nsd: malformed 'received update' line");
    }
    if ((rc = zw_ev_set_class(ev, ZW_CLASS_DNS_ACTIVITY, 2))) {
        return rc;
    }
    if (nz_set_endpoint(ev, ZW_F_DST_IP, ZW_F_DST_PORT, addr.p, addr.n, '@')) {
        return zw_errf(k->err, k->errsz, ZW_EINVAL,
                       "nsd: bad primary address in 'received update' line");
    }
    if ((rc = nz_set_zone(ev, zone.p, zone.n)) || (rc = nz_set_query(ev, zone.p, zone.n, NULL))) {
        return rc;
    }
    nz_set_opcode(ev, 0);
    nz_set_rcode(ev, 0);
    zw_ev_set_int(ev, ZW_F_U_XFER_SERIAL, (int64_t)serial);
    zw_ev_set_ref(ev, ZW_F_U_XFER_DIRECTION, "in", 2);
    zw_ev_set_ref(ev, ZW_F_U_XFER_PHASE, "ended", 5);
    zw_ev_set_int(ev, ZW_F_CONN_DIRECTION_ID, 2);
    zw_ev_set_ref(ev, ZW_F_CONN_DIRECTION, "Outbound", 8);
    zw_ev_set_ref(ev, ZW_F_CONN_PROTOCOL_NAME, "tcp", 3);
    if (nz_cur_lit(c, " of ") && nz_cur_u64(c, &bytes) && nz_cur_lit(c, " bytes")) {
        zw_ev_set_int(ev, ZW_F_U_XFER_BYTES, (int64_t)bytes);
        zw_ev_set_int(ev, ZW_F_TRAFFIC_BYTES, (int64_t)bytes);
        if (nz_cur_lit(c, " in ") && nz_cur_seconds_ms(c, &ms)) {
            zw_ev_set_int(ev, ZW_F_DURATION, ms);
        }
    }
    zw_ev_set_status(ev, ZW_STATUS_SUCCESS);
    if (k->host.n) {
        zw_ev_set_lower(ev, ZW_F_SRC_HOSTNAME, k->host.p, k->host.n);
    }
    return nz_emit(em, ev);
}

static int nsd_parse(const nz_record *rec, zw_event *ev, nz_emitter *em, char *errstr,
                     size_t errstr_size)
{
    nsd_state *st = rec->state;
    nz_cur c = nz_cur_make(rec->p, rec->n);
    zw_str level = {NULL, 0}, host = {NULL, 0};
    int64_t t;

    if (take_time(&c, rec->tc, &t)) {
        zw_str app;
        if (!nz_cur_until(&c, '[', &app) || !zw_str_eq(app, "nsd")) {
            return ZW_NOMATCH;
        }
        zw_str pid;
        if (!nz_cur_lit(&c, "[") || !nz_cur_until(&c, ']', &pid) || !nz_cur_lit(&c, "]: ")) {
            return ZW_NOMATCH;
        }
        take_level(&c, &level);
    } else {
        nz_syslog sl;
        if (nz_syslog_parse(rec->p, rec->n, rec->tc, &sl) != ZW_OK || !zw_str_eq(sl.app, "nsd")) {
            return ZW_NOMATCH;
        }
        if (!sl.has_time) {
            return zw_errf(errstr, errstr_size, ZW_EINVAL, "nsd: syslog record without time");
        }
        c = nz_cur_make(sl.body.p, sl.body.n);
        if (!take_level(&c, &level) && sl.pri >= 0) {
            level = zw_str_c(nz_syslog_severity_name(sl.pri));
        }
        t = sl.time_ms;
        host = sl.host;
    }

    /* "nsd starting (NSD 4.6.1)" / "nsd started (NSD 4.6.1), pid N": remember the version */
    if (st && (nz_cur_lit(&c, "nsd starting (NSD ") || nz_cur_lit(&c, "nsd started (NSD "))) {
        zw_str v;
        if (nz_cur_until(&c, ')', &v) && v.n < sizeof st->version) {
            memcpy(st->version, v.p, v.n);
            st->version[v.n] = 0;
        }
        return ZW_NOISE;
    }

    nz_set_server_header(ev, t, "NSD", "NLnet Labs", "nsd", level, st ? st->version : NULL);
    nsd_ctx k = {ev, host, errstr, errstr_size};
    if (nz_cur_lit(&c, "axfr for ")) {
        return nsd_xfer(&k, &c, "axfr", em);
    }
    if (nz_cur_lit(&c, "ixfr for ")) {
        return nsd_xfer(&k, &c, "ixfr", em);
    }
    if (nz_cur_lit(&c, "notify for ")) {
        return nsd_notify(&k, &c, em);
    }
    if (nz_cur_lit(&c, "zone ")) {
        zw_str zone;
        size_t save = c.i;
        if (nz_cur_until(&c, ' ', &zone) && nz_cur_lit(&c, " received update to serial ")) {
            return nsd_received(&k, zone, &c, em);
        }
        c.i = save;
    }
    /* start-up, listen, zone file reading, xfrd bookkeeping ("written received XFR
     * packet", "committed", "serial A is updated to B"), signals, shutdown */
    return ZW_NOISE;
}

const nz_parser nz_parser_nsd = {
    "nsd", "NSD 4.x server log (logfile or syslog)", 0, nsd_parse, nsd_state_new, nsd_state_free,
};
