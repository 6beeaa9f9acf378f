/*
 * nz_parse_windns.c - Windows DNS Server events as shipped in JSON by winlogbeat or by
 * Elastic Agent (winlog / ETW inputs): the Microsoft-Windows-DNSServer/Audit channel
 * (513-582: zone, record, server and policy changes -> API Activity), the
 * Microsoft-Windows-DNSServer/Analytical channel (256-280: queries, responses, dynamic
 * updates, zone transfers, NOTIFY -> DNS Activity) and the classic "DNS Server" channel's
 * zone-transfer events 6001 and 6004 (-> DNS Activity).  A document may be one event, an
 * array of events, or {"events": [...]} (Elastic's test-event files).
 *
 * Event ids, names and EventData keys follow Microsoft's "DNS Logging and Diagnostics"
 * tables; docs/EVENT.md "Windows DNS Server" lists every mapping.  Not for the DNS debug
 * log (dns.log text) or EVTX/XML input.
 */
#include "nz.h"
#include "nz_srvlex.h"

#include "../common/zw_json.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { FAM_NONE, FAM_DNSSERVER, FAM_CLASSIC };

/* --- reading the shipper's envelope --- */

static const char *jscalar(fjson_object *o, const char *path)
{
    fjson_object *x = zw_jget(o, path);
    if (!x || fjson_object_is_type(x, fjson_type_object) ||
        fjson_object_is_type(x, fjson_type_array) || fjson_object_is_type(x, fjson_type_null)) {
        return NULL;
    }
    return fjson_object_get_string(x);
}

static int event_id(fjson_object *o, int64_t *id)
{
    if (zw_jint(o, "winlog.event_id", id) == 0 || zw_jint(o, "event.code", id) == 0 ||
        zw_jint(o, "winlog.EventID", id) == 0) {
        return 0;
    }
    return -1;
}

static int family(fjson_object *o)
{
    const char *ch = jscalar(o, "winlog.channel");
    const char *pv = jscalar(o, "winlog.provider_name");
    const char *ep = jscalar(o, "event.provider");
    if ((ch && zw_starts(ch, strlen(ch), "Microsoft-Windows-DNSServer/")) ||
        (pv && strcmp(pv, "Microsoft-Windows-DNSServer") == 0) ||
        (ep && strcmp(ep, "Microsoft-Windows-DNSServer") == 0)) {
        return FAM_DNSSERVER;
    }
    if ((ch && strcmp(ch, "DNS Server") == 0) ||
        (pv && strcmp(pv, "Microsoft-Windows-DNS-Server-Service") == 0) ||
        (ep && strcmp(ep, "Microsoft-Windows-DNS-Server-Service") == 0)) {
        return FAM_CLASSIC;
    }
    return FAM_NONE;
}

static int is_windns(fjson_object *o)
{
    int64_t id;
    return o && fjson_object_is_type(o, fjson_type_object) && zw_jget(o, "winlog") &&
           family(o) != FAM_NONE && event_id(o, &id) == 0;
}

/* An EventData value; NULL when absent, empty or the literal "NULL" Windows writes. */
static const char *ed(fjson_object *data, const char *key)
{
    fjson_object *x;
    if (!data || !fjson_object_object_get_ex(data, key, &x) || !x ||
        fjson_object_is_type(x, fjson_type_object) || fjson_object_is_type(x, fjson_type_array)) {
        return NULL;
    }
    const char *s = fjson_object_get_string(x);
    if (!s || !*s || strcmp(s, "NULL") == 0) {
        return NULL;
    }
    return s;
}

static int ed_true(fjson_object *data, const char *key)
{
    const char *s = ed(data, key);
    return s && (strcmp(s, "1") == 0 || strcmp(s, "true") == 0 || strcmp(s, "True") == 0);
}

/* --- shared setters --- */

typedef struct {
    fjson_object *o;    /* the event object */
    fjson_object *data; /* winlog.event_data */
    zw_event *ev;
    char *err;
    size_t errsz;
} wctx;

static int set_ip(wctx *w, zw_field f, const char *ip)
{
    if (!ip) {
        return ZW_OK;
    }
    size_t n = strlen(ip);
    if (!nz_ip_valid(ip, n)) {
        return zw_errf(w->err, w->errsz, ZW_EINVAL, "windns: '%.64s' is not an IP address", ip);
    }
    return zw_ev_set_lower(w->ev, f, ip, n);
}

static void set_port(wctx *w, zw_field f, const char *p)
{
    uint64_t v;
    if (p && zw_parse_u64(p, strlen(p), &v) == 0 && v > 0 && v < 65536) {
        zw_ev_set_int(w->ev, f, (int64_t)v);
    }
}

/* Numeric QTYPE / Type -> mnemonic; a mnemonic is kept as it is. */
static int set_type(zw_event *ev, zw_field f, const char *t)
{
    uint64_t v;
    if (!t) {
        return ZW_OK;
    }
    if (zw_parse_u64(t, strlen(t), &v) == 0) {
        const char *n = v < 65536 ? nz_dns_type_name((unsigned)v) : NULL;
        char b[24];
        if (!n) {
            snprintf(b, sizeof b, "TYPE%llu", (unsigned long long)v);
            return zw_ev_set_cstr(ev, f, b);
        }
        zw_ev_set_ref(ev, f, n, strlen(n));
        return ZW_OK;
    }
    return zw_ev_set_cstr(ev, f, t);
}

/* Zone names as Windows writes them; "..Cache", "..RootHints" and "." are not zones. */
static int set_zone(zw_event *ev, const char *z)
{
    if (!z || z[0] == 0 || (z[0] == '.' && z[1] == '.') || strcmp(z, ".") == 0) {
        return ZW_OK;
    }
    return zw_ev_set_dname(ev, ZW_F_U_ZONE, z, strlen(z));
}

static int set_common(wctx *w, int64_t id, const char *log_name)
{
    zw_event *ev = w->ev;
    int64_t t;
    const char *ts = jscalar(w->o, "@timestamp");
    if (!ts) {
        ts = jscalar(w->o, "winlog.time_created");
    }
    if (!ts) {
        ts = jscalar(w->o, "event.created");
    }
    zw_time_ctx utc = {0, 0};
    if (!ts || zw_time_iso(ts, strlen(ts), &utc, &t) != strlen(ts)) {
        return zw_errf(w->err, w->errsz, ZW_EINVAL, "windns: no ISO 8601 @timestamp");
    }
    zw_ev_set_int(ev, ZW_F_TIME, t);
    nz_set_product(ev, "Windows DNS Server", "Microsoft", log_name);
    char code[24];
    snprintf(code, sizeof code, "%lld", (long long)id);
    int rc = zw_ev_set_cstr(ev, ZW_F_META_EVENT_CODE, code);
    const char *lvl = jscalar(w->o, "log.level");
    if (!rc && lvl) {
        rc = zw_ev_set_cstr(ev, ZW_F_META_LOG_LEVEL, lvl);
    }
    const char *host = jscalar(w->o, "winlog.computer_name");
    if (!host) {
        host = jscalar(w->o, "host.name");
    }
    if (!rc && host) {
        rc = zw_ev_set_lower(ev, ZW_F_DST_HOSTNAME, host, strlen(host));
    }
    return rc;
}

static void set_actor(wctx *w)
{
    zw_event *ev = w->ev;
    const char *name = jscalar(w->o, "winlog.user.name");
    const char *dom = jscalar(w->o, "winlog.user.domain");
    const char *sid = jscalar(w->o, "winlog.user.identifier");
    if (!name) {
        name = jscalar(w->o, "user.name");
        dom = dom ? dom : jscalar(w->o, "user.domain");
        sid = sid ? sid : jscalar(w->o, "user.id");
    }
    if (name) {
        zw_ev_set_cstr(ev, ZW_F_ACTOR_USER_NAME, name);
    }
    if (dom) {
        zw_ev_set_cstr(ev, ZW_F_ACTOR_USER_DOMAIN, dom);
    }
    if (sid) {
        zw_ev_set_cstr(ev, ZW_F_ACTOR_USER_UID, sid);
    }
    if (!name && !sid) {
        /* OCSF wants an actor: the service that recorded the change */
        zw_ev_set_ref(ev, ZW_F_ACTOR_APP_NAME, "DNS Server", 10);
    }
}

/* --- Analytical 256-280 --- */

enum { R_CLIENT, R_SERVER }; /* role of the remote address named in the event */

typedef struct {
    int id;
    const char *name;
    const char *remote; /* EventData key of the remote address */
    int role;           /* R_CLIENT: remote asked us; R_SERVER: we asked the remote */
    int activity;       /* 1 Query, 2 Response */
    int opcode;
    const char *xfer; /* AXFR / IXFR / NULL */
} ana_row;

static const ana_row ana[] = {
    {256, "QUERY_RECEIVED", "Source", R_CLIENT, 1, 0, NULL},
    {257, "RESPONSE_SUCCESS", "Destination", R_CLIENT, 2, 0, NULL},
    {258, "RESPONSE_FAILURE", "Destination", R_CLIENT, 2, 0, NULL},
    {259, "IGNORED_QUERY", "Source", R_CLIENT, 1, 0, NULL},
    {260, "RECURSE_QUERY_OUT", "Destination", R_SERVER, 1, 0, NULL},
    {261, "RECURSE_RESPONSE_IN", "Source", R_SERVER, 2, 0, NULL},
    {262, "RECURSE_QUERY_TIMEOUT", "Destination", R_SERVER, 2, 0, NULL},
    {263, "DYN_UPDATE_RECV", "Source", R_CLIENT, 1, 5, NULL},
    {264, "DYN_UPDATE_RESPONSE", "Destination", R_CLIENT, 2, 5, NULL},
    {265, "IXFR_REQ_OUT", "Destination", R_SERVER, 1, 0, "IXFR"},
    {266, "IXFR_REQ_RECV", "Source", R_CLIENT, 1, 0, "IXFR"},
    {267, "IXFR_RESP_OUT", "Destination", R_CLIENT, 2, 0, "IXFR"},
    {268, "IXFR_RESP_RECV", "Source", R_SERVER, 2, 0, "IXFR"},
    {269, "AXFR_REQ_OUT", "Destination", R_SERVER, 1, 0, "AXFR"},
    {270, "AXFR_REQ_RECV", "Source", R_CLIENT, 1, 0, "AXFR"},
    {271, "AXFR_RESP_OUT", "Destination", R_CLIENT, 2, 0, "AXFR"},
    {272, "AXFR_RESP_RECV", "Source", R_SERVER, 2, 0, "AXFR"},
    {273, "XFR_NOTIFY_RECV", "Source", R_CLIENT, 1, 4, NULL},
    {274, "XFR_NOTIFY_OUT", "Destination", R_SERVER, 1, 4, NULL},
    {275, "XFR_NOTIFY_ACK_IN", "Source", R_SERVER, 2, 4, NULL},
    {276, "XFR_NOTIFY_ACK_OUT", "Destination", R_CLIENT, 2, 4, NULL},
    {277, "DYN_UPDATE_FORWARD", "Destination", R_SERVER, 1, 5, NULL},
    {278, "DYN_UPDATE_RESPONSE_IN", "Source", R_SERVER, 2, 5, NULL},
};

static int analytical(wctx *w, int64_t id, nz_emitter *em)
{
    zw_event *ev = w->ev;
    fjson_object *d = w->data;
    const ana_row *row = NULL;
    int rc;
    for (size_t i = 0; i < ZW_ARRAY_LEN(ana); i++) {
        if (ana[i].id == id) {
            row = &ana[i];
        }
    }
    if (!row) {
        /* 279 / 280 INTERNAL_LOOKUP_*: the server's own lookups, no traffic */
        return ZW_NOISE;
    }
    if ((rc = zw_ev_set_class(ev, ZW_CLASS_DNS_ACTIVITY, row->activity)) ||
        (rc = set_common(w, id, "Microsoft-Windows-DNSServer/Analytical"))) {
        return rc;
    }
    /* the remote (either key, whichever this Windows version wrote) and our interface */
    const char *remote = ed(d, row->remote);
    if (!remote) {
        remote = ed(d, strcmp(row->remote, "Source") == 0 ? "Destination" : "Source");
    }
    const char *iface = ed(d, "InterfaceIP");
    if (!iface) {
        iface = ed(d, "ForwardInterfaceIP");
    }
    if (iface && (strcmp(iface, "0.0.0.0") == 0 || strcmp(iface, "::") == 0)) {
        iface = NULL; /* "any interface": not an address */
    }
    zw_field rip = row->role == R_CLIENT ? ZW_F_SRC_IP : ZW_F_DST_IP;
    zw_field rport = row->role == R_CLIENT ? ZW_F_SRC_PORT : ZW_F_DST_PORT;
    if ((rc = set_ip(w, rip, remote)) ||
        (rc = set_ip(w, row->role == R_CLIENT ? ZW_F_DST_IP : ZW_F_SRC_IP, iface))) {
        return rc;
    }
    set_port(w, rport, ed(d, "Port"));
    if (row->role == R_SERVER) {
        /* we initiated: the server's name is the source */
        zw_str h = zw_ev_str(ev, ZW_F_DST_HOSTNAME);
        if (h.p) {
            zw_ev_set_ref(ev, ZW_F_SRC_HOSTNAME, h.p, h.n);
            zw_ev_unset(ev, ZW_F_DST_HOSTNAME);
        }
    }
    const char *tcp = ed(d, "TCP");
    if (tcp) {
        int t = strcmp(tcp, "1") == 0;
        zw_ev_set_ref(ev, ZW_F_CONN_PROTOCOL_NAME, t ? "tcp" : "udp", 3);
        zw_ev_set_int(ev, ZW_F_CONN_DIRECTION_ID, row->role == R_CLIENT ? 1 : 2);
        zw_ev_set_cstr(ev, ZW_F_CONN_DIRECTION, row->role == R_CLIENT ? "Inbound" : "Outbound");
    }
    const char *qname = ed(d, "QNAME");
    if (qname) {
        if ((rc = zw_ev_set_dname(ev, ZW_F_QUERY_HOSTNAME, qname, strlen(qname)))) {
            return rc;
        }
        if (row->xfer) {
            zw_ev_set_ref(ev, ZW_F_QUERY_TYPE, row->xfer, 4);
        } else if (row->opcode == 4 || row->opcode == 5) {
            zw_ev_set_ref(ev, ZW_F_QUERY_TYPE, "SOA", 3);
        } else if ((rc = set_type(ev, ZW_F_QUERY_TYPE, ed(d, "QTYPE")))) {
            return rc;
        }
        nz_set_opcode(ev, row->opcode);
        uint64_t x;
        const char *xid = ed(d, "XID");
        if (xid && zw_parse_u64(xid, strlen(xid), &x) == 0) {
            zw_ev_set_int(ev, ZW_F_QUERY_PACKET_UID, (int64_t)x);
        }
    }
    const char *zone = ed(d, "Zone");
    if ((rc = set_zone(ev, zone))) {
        return rc;
    }
    if (!zone && qname && (row->xfer || row->opcode == 4)) {
        /* transfers and NOTIFY name the zone in the question */
        set_zone(ev, qname);
    }
    int rcode = -1;
    uint64_t v;
    const char *rs = ed(d, "RCODE");
    if (rs && zw_parse_u64(rs, strlen(rs), &v) == 0 && v < 4096) {
        rcode = (int)v;
        nz_set_rcode(ev, rcode);
    }
    /* header bits, as dig prints them */
    char fb[16];
    size_t fn = 0;
    static const char *const bits[][2] = {{"AA", "aa"}, {"AD", "ad"}, {"RD", "rd"}};
    for (size_t i = 0; i < ZW_ARRAY_LEN(bits); i++) {
        if (ed_true(d, bits[i][0])) {
            if (fn) {
                fb[fn++] = ' ';
            }
            memcpy(fb + fn, bits[i][1], 2);
            fn += 2;
        }
    }
    if (fn && (rc = zw_ev_set_str(ev, ZW_F_U_DNS_FLAGS, fb, fn))) {
        return rc;
    }
    if (ed_true(d, "DNSSEC")) {
        zw_ev_set_bool(ev, ZW_F_U_DNS_SIGNED, 1);
    }
    const char *bs = ed(d, "BufferSize");
    if (bs && zw_parse_u64(bs, strlen(bs), &v) == 0) {
        zw_ev_set_int(ev, ZW_F_TRAFFIC_BYTES, (int64_t)v);
    }
    const char *reason = ed(d, "Reason");
    int status = id == 258 || id == 259 || id == 262 ? ZW_STATUS_FAILURE
                 : rcode == 0                        ? ZW_STATUS_SUCCESS
                 : rcode > 0                         ? ZW_STATUS_FAILURE
                 : id == 257                         ? ZW_STATUS_SUCCESS
                                                     : ZW_STATUS_UNKNOWN;
    zw_ev_set_status(ev, status);
    if (reason) {
        zw_ev_set_cstr(ev, ZW_F_STATUS_DETAIL, reason);
    } else if (id == 262) {
        zw_ev_set_ref(ev, ZW_F_STATUS_DETAIL, "timeout", 7);
    }
    if (row->xfer) {
        zw_ev_set_ref(ev, ZW_F_U_XFER_KIND, row->xfer, 4);
        zw_ev_set_ref(ev, ZW_F_U_XFER_DIRECTION, row->role == R_CLIENT ? "out" : "in",
                      row->role == R_CLIENT ? 3 : 2);
        const char *phase = row->activity == 1         ? "requested"
                            : rcode == 5 || rcode == 9 ? "denied"
                            : rcode == 0               ? "ended"
                            : rcode > 0                ? "failed"
                                                       : NULL;
        if (phase) {
            zw_ev_set_cstr(ev, ZW_F_U_XFER_PHASE, phase);
        }
    }
    return nz_emit(em, ev);
}

/* --- classic "DNS Server" channel --- */

static int classic(wctx *w, int64_t id, nz_emitter *em)
{
    zw_event *ev = w->ev;
    fjson_object *d = w->data;
    int rc;
    if (id != 6001 && id != 6004) {
        /* start, stop, zone loading, directory partition ... of the DNS Server channel */
        return ZW_NOISE;
    }
    /* The insertion strings are unnamed (param1..): classify them by shape, so the
     * mapping does not depend on their order: an address, a serial, a zone name. */
    const char *addr = NULL, *serial = NULL, *zone = NULL;
    const char *named_zone = ed(d, "Zone");
    for (int i = 1; i <= 6; i++) {
        char k[] = "param0";
        k[5] = (char)('0' + i);
        const char *s = ed(d, k);
        uint64_t v;
        if (!s) {
            continue;
        }
        if (!addr && nz_ip_valid(s, strlen(s))) {
            addr = s;
        } else if (!serial && zw_parse_u64(s, strlen(s), &v) == 0) {
            serial = s;
        } else if (!zone && !strchr(s, '\\') && !strchr(s, ' ')) {
            zone = s;
        }
    }
    if (named_zone) {
        zone = named_zone;
    }
    if (!zone) {
        return zw_errf(w->err, w->errsz, ZW_EINVAL, "windns: event %lld names no zone",
                       (long long)id);
    }
    if ((rc = zw_ev_set_class(ev, ZW_CLASS_DNS_ACTIVITY, 2)) ||
        (rc = set_common(w, id, "DNS Server")) || (rc = set_zone(ev, zone)) ||
        (rc = nz_set_query(ev, zone, strlen(zone), "AXFR"))) {
        return rc;
    }
    nz_set_opcode(ev, 0);
    if (id == 6004) {
        /* DNS_EVENT_BAD_ZONE_TRANSFER_REQUEST: a client asked for a zone this server
         * does not hold (or is not authoritative for); the server refuses it */
        if ((rc = set_ip(w, ZW_F_SRC_IP, addr))) {
            return rc;
        }
        zw_ev_set_ref(ev, ZW_F_U_XFER_DIRECTION, "out", 3);
        zw_ev_set_ref(ev, ZW_F_U_XFER_PHASE, "denied", 6);
        zw_ev_set_status(ev, ZW_STATUS_FAILURE);
        zw_ev_set_ref(ev, ZW_F_STATUS_DETAIL, "DNS_EVENT_BAD_ZONE_TRANSFER_REQUEST", 35);
        zw_ev_unset(ev, ZW_F_QUERY_TYPE); /* AXFR or IXFR: not said */
    } else {
        /* DNS_EVENT_ZONEXFR_SUCCESSFUL: this server (a secondary) transferred the zone */
        zw_str h = zw_ev_str(ev, ZW_F_DST_HOSTNAME);
        if (h.p) {
            zw_ev_set_ref(ev, ZW_F_SRC_HOSTNAME, h.p, h.n);
            zw_ev_unset(ev, ZW_F_DST_HOSTNAME);
        }
        if ((rc = set_ip(w, ZW_F_DST_IP, addr))) {
            return rc;
        }
        zw_ev_set_ref(ev, ZW_F_U_XFER_DIRECTION, "in", 2);
        zw_ev_set_ref(ev, ZW_F_U_XFER_PHASE, "ended", 5);
        zw_ev_set_status(ev, ZW_STATUS_SUCCESS);
        nz_set_rcode(ev, 0);
        zw_ev_unset(ev, ZW_F_QUERY_TYPE);
        uint64_t v;
        if (serial && zw_parse_u64(serial, strlen(serial), &v) == 0) {
            zw_ev_set_int(ev, ZW_F_U_XFER_SERIAL, (int64_t)v);
        }
    }
    return nz_emit(em, ev);
}

/* --- Audit 513-582 --- */

typedef struct {
    int id;
    const char *op;   /* api.operation */
    int activity;     /* API Activity: 1 Create, 3 Update, 4 Delete */
    const char *kind; /* change.kind: record / zone / config */
    const char *action;
} aud_row;

static const aud_row aud[] = {
    {513, "ZONE_DELETE", 4, "zone", "DELETE"},
    {514, "ZONE_UPDATED", 3, "zone", "UPDATE"},
    {515, "RECORD_CREATE", 1, "record", "CREATE"},
    {516, "RECORD_DELETE", 4, "record", "DELETE"},
    {517, "RRSET_DELETE", 4, "record", "DELETE"},
    {518, "NODE_DELETE", 4, "record", "DELETE"},
    {519, "RECORD_CREATE_DYNAMIC_UPDATE", 1, "record", "CREATE"},
    {520, "RECORD_DELETE_DYNAMIC_UPDATE", 4, "record", "DELETE"},
    {521, "RECORD_SCAVENGE", 4, "record", "DELETE"},
    {522, "ZONE_SCOPE_CREATE", 1, "zone", "CREATE"},
    {523, "ZONE_SCOPE_DELETE", 4, "zone", "DELETE"},
    {525, "ZONE_SIGN", 3, "zone", "UPDATE"},
    {526, "ZONE_UNSIGN", 3, "zone", "UPDATE"},
    {527, "ZONE_RESIGN", 3, "zone", "UPDATE"},
    {528, "KEY_ROLLOVER_START", 3, "zone", "UPDATE"},
    {529, "KEY_ROLLOVER_END", 3, "zone", "UPDATE"},
    {530, "KEY_RETIRE", 3, "zone", "UPDATE"},
    {531, "KEY_ROLLOVER_TRIGGERED", 3, "zone", "UPDATE"},
    {533, "KEY_POKE_ROLLOVER", 3, "zone", "UPDATE"},
    {534, "EXPORT_DNSSEC", 3, "zone", "UPDATE"},
    {535, "IMPORT_DNSSEC", 3, "zone", "UPDATE"},
    {536, "CACHE_PURGE", 4, "config", "DELETE"},
    {537, "FORWARDER_RESET", 3, "config", "UPDATE"},
    {540, "ROOT_HINTS", 3, "config", "UPDATE"},
    {541, "SERVER_SETTING", 3, "config", "UPDATE"},
    {542, "SERVER_SCOPE_CREATE", 1, "config", "CREATE"},
    {543, "SERVER_SCOPE_DELETE", 4, "config", "DELETE"},
    {544, "ADD_TRUST_POINT_DNSKEY", 1, "config", "CREATE"},
    {545, "ADD_TRUST_POINT_DS", 1, "config", "CREATE"},
    {546, "REMOVE_TRUST_POINT", 4, "config", "DELETE"},
    {547, "ADD_TRUST_POINT_ROOT", 1, "config", "CREATE"},
    {548, "RESTART_SERVER", 3, "config", "UPDATE"},
    {549, "CLEAR_DEBUG_LOGS", 4, "config", "DELETE"},
    {550, "WRITE_DIRTY_ZONES", 3, "zone", "UPDATE"},
    {551, "CLEAR_STATISTICS", 4, "config", "DELETE"},
    {552, "START_SCAVENGING", 3, "config", "UPDATE"},
    {553, "ENLIST_DIRECTORY_PARTITION", 3, "config", "UPDATE"},
    {554, "ABORT_SCAVENGING", 3, "config", "UPDATE"},
    {555, "PREPARE_FOR_DEMOTION", 3, "config", "UPDATE"},
    {556, "WRITE_ROOT_HINTS", 3, "config", "UPDATE"},
    {557, "LISTEN_ADDRESSES", 3, "config", "UPDATE"},
    {558, "ACTIVE_REFRESH_TRUST_POINTS", 3, "config", "UPDATE"},
    {559, "PAUSE_ZONE", 3, "zone", "UPDATE"},
    {560, "RESUME_ZONE", 3, "zone", "UPDATE"},
    {561, "RELOAD_ZONE", 3, "zone", "UPDATE"},
    {562, "REFRESH_ZONE", 3, "zone", "UPDATE"},
    {563, "EXPIRE_ZONE", 3, "zone", "UPDATE"},
    {564, "UPDATE_FROM_DS", 3, "zone", "UPDATE"},
    {565, "WRITE_AND_NOTIFY", 3, "zone", "UPDATE"},
    {566, "FORCE_AGING", 3, "zone", "UPDATE"},
    {567, "SCAVENGE_SERVERS", 3, "zone", "UPDATE"},
    {568, "TRANSFER_KEY_MASTER", 3, "zone", "UPDATE"},
    {569, "ADD_SKD", 1, "zone", "CREATE"},
    {570, "MODIFY_SKD", 3, "zone", "UPDATE"},
    {571, "DELETE_SKD", 4, "zone", "DELETE"},
    {572, "MODIFY_SKD_STATE", 3, "zone", "UPDATE"},
    {573, "ADD_DELEGATION", 1, "record", "CREATE"},
    {574, "CREATE_CLIENT_SUBNET_RECORD", 1, "config", "CREATE"},
    {575, "DELETE_CLIENT_SUBNET_RECORD", 4, "config", "DELETE"},
    {576, "UPDATE_CLIENT_SUBNET_RECORD", 3, "config", "UPDATE"},
    {577, "CREATE_SERVER_LEVEL_POLICY", 1, "config", "CREATE"},
    {578, "CREATE_ZONE_LEVEL_POLICY", 1, "zone", "CREATE"},
    {579, "CREATE_FORWARDING_POLICY", 1, "config", "CREATE"},
    {580, "DELETE_SERVER_LEVEL_POLICY", 4, "config", "DELETE"},
    {581, "DELETE_ZONE_LEVEL_POLICY", 4, "zone", "DELETE"},
    {582, "DELETE_FORWARDING_POLICY", 4, "config", "DELETE"},
};

/* RDATA as hex wire format ("0x0A000001") for A / AAAA -> the address text. */
static int set_rdata(zw_event *ev, const char *type, const char *rdata)
{
    size_t n = strlen(rdata);
    if (type && rdata[0] == '0' && (rdata[1] == 'x' || rdata[1] == 'X') &&
        ((strcmp(type, "A") == 0 && n == 10) || (strcmp(type, "AAAA") == 0 && n == 34))) {
        unsigned char b[16];
        size_t bn = (n - 2) / 2;
        for (size_t i = 0; i < bn; i++) {
            char h[3] = {rdata[2 + 2 * i], rdata[3 + 2 * i], 0};
            char *end;
            long x = strtol(h, &end, 16);
            if (*end) {
                return zw_ev_list_add(ev, ZW_F_U_RECORD_VALUES, rdata, n);
            }
            b[i] = (unsigned char)x;
        }
        char txt[INET6_ADDRSTRLEN];
        if (!inet_ntop(bn == 4 ? AF_INET : AF_INET6, b, txt, sizeof txt)) {
            return zw_ev_list_add(ev, ZW_F_U_RECORD_VALUES, rdata, n);
        }
        return zw_ev_list_add(ev, ZW_F_U_RECORD_VALUES, txt, strlen(txt));
    }
    return zw_ev_list_add(ev, ZW_F_U_RECORD_VALUES, rdata, n);
}

static int audit(wctx *w, int64_t id, nz_emitter *em)
{
    zw_event *ev = w->ev;
    fjson_object *d = w->data;
    const aud_row *row = NULL;
    int rc;
    for (size_t i = 0; i < ZW_ARRAY_LEN(aud); i++) {
        if (aud[i].id == id) {
            row = &aud[i];
        }
    }
    char opbuf[48];
    aud_row other = {(int)id, NULL, 3, "config", "UPDATE"};
    if (!row) {
        /* an id Microsoft added after this table: still a change, kept generic */
        snprintf(opbuf, sizeof opbuf, "AUDIT_%lld", (long long)id);
        other.op = opbuf;
        row = &other;
    }
    if ((rc = zw_ev_set_class(ev, ZW_CLASS_API_ACTIVITY, row->activity)) ||
        (rc = set_common(w, id, "Microsoft-Windows-DNSServer/Audit"))) {
        return rc;
    }
    set_actor(w);
    if ((rc = zw_ev_set_cstr(ev, ZW_F_API_OPERATION, row->op))) {
        return rc;
    }
    zw_ev_set_ref(ev, ZW_F_API_SERVICE_NAME, "DNS Server", 10);
    zw_ev_set_ref(ev, ZW_F_U_CHANGE_KIND, row->kind, strlen(row->kind));
    zw_ev_set_ref(ev, ZW_F_U_CHANGE_ACTION, row->action, strlen(row->action));
    zw_ev_set_status(ev, ZW_STATUS_SUCCESS); /* audit events record changes that happened */

    const char *zone = ed(d, "Zone");
    if (!zone) {
        zone = ed(d, "ZoneName");
    }
    if ((rc = set_zone(ev, zone))) {
        return rc;
    }
    const char *src = ed(d, "Source");
    if (!src) {
        src = ed(d, "ClientIP");
    }
    if (src && (rc = set_ip(w, ZW_F_SRC_IP, src))) {
        return rc;
    }
    if (!zw_ev_has(ev, ZW_F_SRC_IP)) {
        /* the event names the user, not the caller's address: name where the change came
         * from (DNS Manager, PowerShell, dnscmd talk RPC/WMI to the server) */
        nz_set_channel_source(ev,
                              id == 519 || id == 520 ? "DNS UPDATE client, address not logged"
                              : id == 521            ? "DNS Server (scavenging)"
                                                     : "DNS Server management (RPC)",
                              NULL, 0);
    }
    const char *name = ed(d, "NAME");
    if (!name) {
        name = ed(d, "Name");
    }
    if (!name) {
        name = ed(d, "NodeName");
    }
    const char *scope = ed(d, "ZoneScope");
    if (!scope) {
        scope = ed(d, "Scope");
    }
    if (scope) {
        zw_ev_set_cstr(ev, ZW_F_U_DNS_VIEW, scope);
    }
    if (strcmp(row->kind, "record") == 0) {
        if (name) {
            if ((rc = zw_ev_set_dname(ev, ZW_F_U_RECORD_NAME, name, strlen(name))) ||
                (rc = zw_ev_set_dname(ev, ZW_F_RES_NAME, name, strlen(name)))) {
                return rc;
            }
            zw_ev_set_ref(ev, ZW_F_RES_TYPE, "record", 6);
            zw_str rn = zw_ev_str(ev, ZW_F_U_RECORD_NAME);
            zw_ev_set_ref(ev, ZW_F_U_CHANGE_TARGET, rn.p, rn.n);
        }
        if ((rc = set_type(ev, ZW_F_U_RECORD_TYPE, ed(d, "Type")))) {
            return rc;
        }
        uint64_t ttl;
        const char *t = ed(d, "TTL");
        if (t && zw_parse_u64(t, strlen(t), &ttl) == 0) {
            zw_ev_set_int(ev, ZW_F_U_RECORD_TTL, (int64_t)ttl);
        }
        const char *rdata = ed(d, "RDATA");
        if (rdata) {
            zw_str ty = zw_ev_str(ev, ZW_F_U_RECORD_TYPE);
            char tb[16] = "";
            if (ty.p && ty.n < sizeof tb) {
                memcpy(tb, ty.p, ty.n);
                tb[ty.n] = 0;
            }
            if ((rc = set_rdata(ev, tb, rdata))) {
                return rc;
            }
        }
        if (id == 519 || id == 520) {
            zw_ev_set_ref(ev, ZW_F_ACTOR_APP_NAME, "dynamic update", 14);
        } else if (id == 521) {
            zw_ev_set_ref(ev, ZW_F_ACTOR_APP_NAME, "scavenging", 10);
        }
    } else {
        const char *setting = ed(d, "Setting");
        if (!setting) {
            setting = ed(d, "PropertyKey");
        }
        const char *nv = ed(d, "NewValue");
        if (!nv) {
            nv = ed(d, "NewPropertyValues");
        }
        const char *ov = ed(d, "OldPropertyValues");
        const char *policy = ed(d, "Policy");
        if (setting) {
            /* zone and server settings, e.g. SecureSecondaries / SecondaryServers (who
             * may transfer the zone) or Notify: the change target is the setting */
            zw_ev_set_cstr(ev, ZW_F_U_CHANGE_TARGET, setting);
            zw_ev_set_ref(ev, ZW_F_U_CHANGE_KIND, "config", 6);
            char msg[512];
            snprintf(msg, sizeof msg, "%s = %s%s%s", setting, nv ? nv : "", ov ? " (was " : "",
                     ov ? ov : "");
            if (ov) {
                strncat(msg, ")", sizeof msg - strlen(msg) - 1);
            }
            zw_ev_set_cstr(ev, ZW_F_MESSAGE, msg);
        } else if (policy) {
            zw_ev_set_cstr(ev, ZW_F_U_CHANGE_TARGET, policy);
        } else if (zone) {
            zw_str z = zw_ev_str(ev, ZW_F_U_ZONE);
            zw_ev_set_ref(ev, ZW_F_U_CHANGE_TARGET, z.p, z.n);
        }
        if (zone) {
            zw_str z = zw_ev_str(ev, ZW_F_U_ZONE);
            zw_ev_set_ref(ev, ZW_F_RES_NAME, z.p, z.n);
            zw_ev_set_ref(ev, ZW_F_RES_TYPE, "zone", 4);
        }
    }
    const char *msg = jscalar(w->o, "message");
    if (msg && !zw_ev_has(ev, ZW_F_MESSAGE)) {
        zw_ev_set_cstr(ev, ZW_F_MESSAGE, msg);
    }
    return nz_emit(em, ev);
}

static int one(fjson_object *o, zw_event *ev, nz_emitter *em, char *errstr, size_t errstr_size)
{
    int64_t id = 0;
    event_id(o, &id);
    wctx w = {o, zw_jget(o, "winlog.event_data"), ev, errstr, errstr_size};
    if (w.data && !fjson_object_is_type(w.data, fjson_type_object)) {
        w.data = NULL;
    }
    if (family(o) == FAM_CLASSIC) {
        return classic(&w, id, em);
    }
    if (id >= 256 && id <= 280) {
        return analytical(&w, id, em);
    }
    if (id >= 513 && id <= 582) {
        return audit(&w, id, em);
    }
    /* other ids of the provider (operational / diagnostic): not changes, not traffic */
    return ZW_NOISE;
}

static int windns_parse(const nz_record *rec, zw_event *ev, nz_emitter *em, char *errstr,
                        size_t errstr_size)
{
    fjson_object *doc = rec->json, *arr = NULL;
    if (!doc) {
        return ZW_NOMATCH;
    }
    if (fjson_object_is_type(doc, fjson_type_array)) {
        arr = doc;
    } else if (fjson_object_is_type(doc, fjson_type_object)) {
        fjson_object *evs;
        if (!zw_jget(doc, "winlog") && fjson_object_object_get_ex(doc, "events", &evs) && evs &&
            fjson_object_is_type(evs, fjson_type_array)) {
            arr = evs;
        } else {
            return is_windns(doc) ? one(doc, ev, em, errstr, errstr_size) : ZW_NOMATCH;
        }
    } else {
        return ZW_NOMATCH;
    }
    int n = fjson_object_array_length(arr);
    if (n == 0 || !is_windns(fjson_object_array_get_idx(arr, 0))) {
        return ZW_NOMATCH;
    }
    /* every element must be ours before anything is emitted */
    for (int i = 1; i < n; i++) {
        if (!is_windns(fjson_object_array_get_idx(arr, i))) {
            return zw_errf(errstr, errstr_size, ZW_EINVAL,
                           "windns: element %d is not a Windows DNS event", i);
        }
    }
    int emitted = 0;
    for (int i = 0; i < n; i++) {
        zw_event_clear(ev);
        int rc = one(fjson_object_array_get_idx(arr, i), ev, em, errstr, errstr_size);
        if (rc == ZW_OK) {
            emitted++;
        } else if (rc != ZW_NOISE) {
            return rc;
        }
    }
    return emitted ? ZW_OK : ZW_NOISE;
}

const nz_parser nz_parser_windns = {
    "windns",
    "Windows DNS Server Audit / Analytical / DNS Server events (winlogbeat, Elastic Agent JSON)",
    1,
    windns_parse,
    NULL,
    NULL,
};
