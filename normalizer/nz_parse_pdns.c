/*
 * nz_parse_pdns.c - PowerDNS Authoritative Server 4.x log lines, as pdns_server writes
 * them with log-timestamp ("Nov 27 13:05:20 AXFR-out zone 'example.test', client
 * '127.0.0.2', transfer initiated") or through syslog ("Nov 27 13:05:20 ns3
 * pdns_server[812]: AXFR-out zone ...").
 *
 * Maps outgoing and incoming transfers (AXFR-out / IXFR-out / AXFR-in / IXFR-in) and the
 * query lines of log-dns-queries ("Remote 127.0.0.1 wants 'x|A', ...") to DNS Activity;
 * start-up, backend and thread messages are operational noise.  PowerDNS timestamps have
 * no year and no zone: the year is inferred by zw_time_3164 from the reference time and
 * the zone is --tz (docs/EVENT.md "Time").
 *
 * A bare line ("Mmm dd hh:mm:ss MESSAGE") carries no program name, so it is claimed only
 * when MESSAGE is a PowerDNS message this parser knows (an event or listed noise);
 * otherwise the record is left to other parsers.  A syslog line tagged pdns_server / pdns
 * is always PowerDNS's: unknown messages there are noise.
 *
 * Per-stream state: the version from "PowerDNS Authoritative Server X (C) ...".
 */
#include "nz.h"
#include "nz_srvlex.h"
#include "nz_syslog.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    char version[32];
} pdns_state;

static void *pdns_state_new(void)
{
    return calloc(1, sizeof(pdns_state));
}

static void pdns_state_free(void *st)
{
    free(st);
}

/* Start-up / shutdown / housekeeping messages of pdns_server (prefixes). */
static const char *const noise_prefixes[] = {
    "Loading '",
    "[bind2backend]",
    "[bindbackend]",
    "[gsqlite3",
    "[gmysqlbackend]",
    "[gpgsqlbackend]",
    "[LdapBackend]",
    "[lmdbbackend]",
    "This is a standalone pdns",
    "This is a guardian",
    "Guardian is launching",
    "Listening on controlsocket",
    "UDP server bound to",
    "TCP server bound to",
    "PowerDNS Authoritative Server",
    "Using 64-bits mode",
    "Using 32-bits mode",
    "PowerDNS comes with ABSOLUTELY NO WARRANTY",
    "Features: ",
    "Creating backend connection",
    "About to create ",
    "Done launching threads",
    "Master/slave communicator launching",
    "Primary/secondary communicator launching",
    "Polled security status",
    "Set effective group id",
    "Set effective user id",
    "Dropped privileges",
    "Not chrooting",
    "Chrooting",
    "Launched webserver",
    "Webserver",
    "Listening for HTTP requests",
    "Exiting",
    "Terminating",
    "Received shutdown",
    "Query statistics",
    "No master domains need notifications",
    "No primary domains need notifications",
    "Queued notification",
    "Scheduling",
    "Reading random entropy",
    "Could not retrieve security status",
    "Unable to bind",
};

static int known_noise(zw_str m)
{
    for (size_t i = 0; i < ZW_ARRAY_LEN(noise_prefixes); i++) {
        if (zw_starts(m.p, m.n, noise_prefixes[i])) {
            return 1;
        }
    }
    return 0;
}

typedef struct {
    zw_event *ev;
    nz_emitter *em;
    zw_str host;
    char *err;
    size_t errsz;
} pdns_ctx;

/* A quoted '...' value at the cursor; consumes the quotes. */
static int quoted(nz_cur *c, zw_str *out)
{
    return nz_cur_lit(c, "'") && nz_cur_until(c, '\'', out) && nz_cur_lit(c, "'");
}

/* "AXFR-out zone 'Z', client 'A[:P]', REST" / "IXFR-in zone: 'Z', primary: 'A', REST" */
static int pdns_xfer(pdns_ctx *k, nz_cur *c, const char *kind, int out)
{
    zw_event *ev = k->ev;
    zw_str zone, addr;
    int rc;
    int ok =
        out ? (nz_cur_lit(c, "zone ") && quoted(c, &zone) && nz_cur_lit(c, ", client ") &&
               quoted(c, &addr))
            : ((nz_cur_lit(c, "zone: ") || nz_cur_lit(c, "zone ")) && quoted(c, &zone) &&
               (nz_cur_lit(c, ", primary: ") || nz_cur_lit(c, ", master: ")) && quoted(c, &addr));
    if (!ok || !nz_cur_lit(c, ", ") || zone.n == 0) {
        return zw_errf(k->err, k->errsz, ZW_EINVAL, "pdns: malformed %s-%s line", kind,
                       out ? "out" : "in");
    }
    zw_str rest = nz_cur_rest(c);
    nz_cur r = nz_cur_make(rest.p, rest.n);
    const char *phase = NULL;
    int act = 2, status = ZW_STATUS_UNKNOWN, rcode = -1;
    zw_str detail = {NULL, 0};
    uint64_t serial;

    if (nz_cur_lit(&r, "transfer initiated") || nz_cur_lit(&r, "initiating transfer")) {
        phase = "requested";
        act = 1;
        if (nz_cur_lit(&r, " with serial ") && nz_cur_u64(&r, &serial)) {
            zw_ev_set_int(ev, ZW_F_U_XFER_SERIAL_FROM, (int64_t)serial);
        }
    } else if (nz_cur_lit(&r, "denied: ") || nz_cur_lit(&r, "denied")) {
        phase = "denied";
        status = ZW_STATUS_FAILURE;
        /* PowerDNS answers a transfer it does not allow with NOTAUTH */
        rcode = 9;
        detail = nz_cur_rest(&r);
    } else if (nz_cur_lit(&r, "allowed: ") || nz_cur_lit(&r, "allowed")) {
        phase = "started";
        act = 1;
        status = ZW_STATUS_SUCCESS;
        detail = nz_cur_rest(&r);
    } else if (nz_cur_lit(&r, "failed: ") || nz_cur_lit(&r, "failed")) {
        phase = "failed";
        status = ZW_STATUS_FAILURE;
        detail = nz_cur_rest(&r);
        if (zw_memmem(detail.p, detail.n, "not authoritative", 17) ||
            zw_memmem(detail.p, detail.n, "may not request", 15)) {
            rcode = 9;
        }
    } else if (zw_memmem(rest.p, rest.n, "finished", 8) ||
               zw_memmem(rest.p, rest.n, "zone committed", 14)) {
        phase = "ended";
        status = ZW_STATUS_SUCCESS;
        rcode = 0;
        const char *q = zw_memmem(rest.p, rest.n, "serial ", 7);
        if (q) {
            nz_cur s = nz_cur_make(q + 7, rest.n - (size_t)(q + 7 - rest.p));
            if (nz_cur_u64(&s, &serial)) {
                zw_ev_set_int(ev, ZW_F_U_XFER_SERIAL, (int64_t)serial);
            }
        }
    } else {
        /* "IXFR fallback to AXFR", "done signing", ... */
        detail = rest;
        if (zw_memmem(rest.p, rest.n, "fail", 4) || zw_memmem(rest.p, rest.n, "rror", 4)) {
            status = ZW_STATUS_FAILURE;
        }
    }
    if ((rc = zw_ev_set_class(ev, ZW_CLASS_DNS_ACTIVITY, act))) {
        return rc;
    }
    if (nz_set_endpoint(ev, out ? ZW_F_SRC_IP : ZW_F_DST_IP, out ? ZW_F_SRC_PORT : ZW_F_DST_PORT,
                        addr.p, addr.n, ':')) {
        return zw_errf(k->err, k->errsz, ZW_EINVAL, "pdns: bad %s address in %s line",
                       out ? "client" : "primary", kind);
    }
    if ((rc = nz_set_zone(ev, zone.p, zone.n)) || (rc = nz_set_query(ev, zone.p, zone.n, kind))) {
        return rc;
    }
    nz_set_opcode(ev, 0);
    zw_ev_set_ref(ev, ZW_F_U_XFER_KIND, kind, 4);
    zw_ev_set_ref(ev, ZW_F_U_XFER_DIRECTION, out ? "out" : "in", out ? 3 : 2);
    zw_ev_set_int(ev, ZW_F_CONN_DIRECTION_ID, out ? 1 : 2);
    zw_ev_set_cstr(ev, ZW_F_CONN_DIRECTION, out ? "Inbound" : "Outbound");
    if (phase) {
        zw_ev_set_cstr(ev, ZW_F_U_XFER_PHASE, phase);
    }
    zw_ev_set_status(ev, status);
    if (rcode >= 0) {
        nz_set_rcode(ev, rcode);
    }
    if (detail.n) {
        zw_ev_set_str(ev, ZW_F_STATUS_DETAIL, detail.p, detail.n);
        /* "allowed: TSIG signed request with authorized key 'xfer-key'" */
        const char *kq = zw_memmem(detail.p, detail.n, "key '", 5);
        if (kq && zw_memmem(detail.p, detail.n, "TSIG", 4)) {
            nz_cur kc = nz_cur_make(kq + 4, detail.n - (size_t)(kq + 4 - detail.p));
            zw_str key;
            if (quoted(&kc, &key) && key.n) {
                if ((rc = zw_ev_set_dname(ev, ZW_F_U_XFER_TSIG_KEY, key.p, key.n))) {
                    return rc;
                }
                zw_ev_set_bool(ev, ZW_F_U_DNS_SIGNED, 1);
            }
        }
    }
    if (k->host.n) {
        zw_ev_set_lower(ev, out ? ZW_F_DST_HOSTNAME : ZW_F_SRC_HOSTNAME, k->host.p, k->host.n);
    }
    return nz_emit(k->em, ev);
}

/* "[TCP ]Remote A[ <- B] wants 'NAME|TYPE', do = 0, bufsize = 1232[ (512)]: packetcache MISS" */
static int pdns_query(pdns_ctx *k, nz_cur *c, int tcp)
{
    zw_event *ev = k->ev;
    zw_str addr, q, rest;
    int rc;
    nz_cur_until(c, ' ', &addr);
    if (!nz_cur_upto(c, "wants '", &rest) || !nz_cur_until(c, '\'', &q) || !nz_cur_lit(c, "'")) {
        return zw_errf(k->err, k->errsz, ZW_EINVAL, "pdns: malformed query line");
    }
    const char *bar = NULL;
    for (size_t i = q.n; i > 0; i--) {
        if (q.p[i - 1] == '|') {
            bar = q.p + i - 1;
            break;
        }
    }
    if (!bar || bar == q.p || (size_t)(q.p + q.n - bar) < 2) {
        return zw_errf(k->err, k->errsz, ZW_EINVAL, "pdns: query is not 'name|type'");
    }
    if ((rc = zw_ev_set_class(ev, ZW_CLASS_DNS_ACTIVITY, 1))) {
        return rc;
    }
    if (nz_set_endpoint(ev, ZW_F_SRC_IP, ZW_F_SRC_PORT, addr.p, addr.n, ':')) {
        return zw_errf(k->err, k->errsz, ZW_EINVAL, "pdns: bad client address in query line");
    }
    if ((rc = zw_ev_set_dname(ev, ZW_F_QUERY_HOSTNAME, q.p, (size_t)(bar - q.p))) ||
        (rc = zw_ev_set_str(ev, ZW_F_QUERY_TYPE, bar + 1, (size_t)(q.p + q.n - bar - 1)))) {
        return rc;
    }
    nz_set_opcode(ev, 0);
    zw_ev_set_ref(ev, ZW_F_CONN_PROTOCOL_NAME, tcp ? "tcp" : "udp", 3);
    zw_ev_set_int(ev, ZW_F_CONN_DIRECTION_ID, 1);
    zw_ev_set_ref(ev, ZW_F_CONN_DIRECTION, "Inbound", 7);
    /* "do = 1": the DNSSEC OK bit, written as BIND writes it ("D") */
    if (nz_cur_lit(c, ", do = 1")) {
        zw_ev_set_ref(ev, ZW_F_U_DNS_FLAGS, "D", 1);
    }
    /* the AXFR / IXFR query itself is logged here too; the zone is the name */
    zw_str t = zw_ev_str(ev, ZW_F_QUERY_TYPE);
    if (zw_str_eq(t, "AXFR") || zw_str_eq(t, "IXFR")) {
        zw_str h = zw_ev_str(ev, ZW_F_QUERY_HOSTNAME);
        zw_ev_set_ref(ev, ZW_F_U_ZONE, h.p, h.n);
    }
    zw_ev_set_status(ev, ZW_STATUS_SUCCESS);
    if (k->host.n) {
        zw_ev_set_lower(ev, ZW_F_DST_HOSTNAME, k->host.p, k->host.n);
    }
    return nz_emit(k->em, ev);
}

static int pdns_parse(const nz_record *rec, zw_event *ev, nz_emitter *em, char *errstr,
                      size_t errstr_size)
{
    pdns_state *st = rec->state;
    nz_syslog sl;
    zw_str msg, host = {NULL, 0};
    int64_t t;
    int tagged = 0;
    size_t k;

    if (nz_syslog_parse(rec->p, rec->n, rec->tc, &sl) == ZW_OK &&
        (zw_str_eq(sl.app, "pdns_server") || zw_str_eq(sl.app, "pdns"))) {
        if (!sl.has_time) {
            return zw_errf(errstr, errstr_size, ZW_EINVAL, "pdns: syslog record without time");
        }
        tagged = 1;
        msg = sl.body;
        t = sl.time_ms;
        host = sl.host;
        if (sl.pri >= 0) {
            const char *lv = nz_syslog_severity_name(sl.pri);
            zw_ev_set_ref(ev, ZW_F_META_LOG_LEVEL, lv, strlen(lv));
        }
    } else if ((k = zw_time_3164(rec->p, rec->n, rec->tc, &t)) && k < rec->n && rec->p[k] == ' ') {
        msg = zw_str_make(rec->p + k + 1, rec->n - k - 1);
    } else {
        return ZW_NOMATCH;
    }

    nz_cur c = nz_cur_make(msg.p, msg.n);
    pdns_ctx kc = {ev, em, host, errstr, errstr_size};
    nz_set_server_header(ev, t, "PowerDNS Authoritative Server", "PowerDNS.COM BV", "pdns",
                         zw_str_make(NULL, 0), st ? st->version : NULL);
    if (nz_cur_lit(&c, "AXFR-out ")) {
        return pdns_xfer(&kc, &c, "AXFR", 1);
    }
    if (nz_cur_lit(&c, "IXFR-out ")) {
        return pdns_xfer(&kc, &c, "IXFR", 1);
    }
    if (nz_cur_lit(&c, "AXFR-in ")) {
        return pdns_xfer(&kc, &c, "AXFR", 0);
    }
    if (nz_cur_lit(&c, "IXFR-in ")) {
        return pdns_xfer(&kc, &c, "IXFR", 0);
    }
    if (nz_cur_lit(&c, "Remote ")) {
        return pdns_query(&kc, &c, 0);
    }
    if (nz_cur_lit(&c, "TCP Remote ")) {
        return pdns_query(&kc, &c, 1);
    }
    if (st && nz_cur_lit(&c, "PowerDNS Authoritative Server ")) {
        zw_str v = nz_cur_word(&c);
        if (v.n && v.n < sizeof st->version) {
            memcpy(st->version, v.p, v.n);
            st->version[v.n] = 0;
        }
        return ZW_NOISE;
    }
    if (tagged || known_noise(msg)) {
        return ZW_NOISE;
    }
    zw_event_clear(ev);
    return ZW_NOMATCH;
}

const nz_parser nz_parser_pdns = {
    "pdns",
    "PowerDNS Authoritative Server 4.x log (log-timestamp or syslog)",
    0,
    pdns_parse,
    pdns_state_new,
    pdns_state_free,
};
