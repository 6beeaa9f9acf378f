/*
 * nz_parse_bind.c - BIND 9 (9.16 to 9.20) log lines to canonical events: queries,
 * query-errors, zone transfers out and in, security denials and TSIG failures, dynamic
 * updates, NOTIFY, and control-channel (rndc) commands; known operational lines are
 * noise.  Lines come with or without print-time (BIND's "27-Nov-2026 13:05:20.921" or
 * ISO 8601), print-category and print-severity, bare or in an RFC 3164 / 5424 syslog
 * header (nz_syslog.c).  docs/EVENT.md "BIND 9" documents every mapping.
 *
 * Parsing is by hand over (pointer, length) views of the record: no regex, no
 * allocation beyond the event's arena.  Query lines are the hot path: their fields are
 * borrowed views where the text is already canonical.
 *
 * Not for: named.conf, zone files, the dnstap stream, or BIND's statistics channel.
 * The Infoblox NIOS parser reuses nz_bind_parse_body() through nz_bind.h.
 */
#include "nz_bind.h"
#include "nz_srvlex.h"

#include <stdio.h>
#include <stdlib.h>

/* dispatch outcome for a line whose message is not one we know (internal) */
#define B_UNKNOWN 100
/* a known message that does not have the shape it must have (internal; reason set) */
#define B_MALFORMED 101

typedef struct {
    const char *p, *e;
} span;

typedef struct {
    const nz_record *rec;
    const nz_syslog *sl;
    const nz_bind_flavor *fl;
    zw_event *ev;
    nz_emitter *em;
    char *err;
    size_t errsz;
    zw_str cat, sev, ts;
    int64_t t;
    int has_t;
    /* client prefix */
    int has_client;
    zw_str cip, key, qname, view;
    int64_t cport;
} bline;

/* ---- small scanning helpers ---- */

static int eat(const char **p, const char *e, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(e - *p) >= n && memcmp(*p, lit, n) == 0) {
        *p += n;
        return 1;
    }
    return 0;
}

static int starts(const char *p, const char *e, const char *lit)
{
    size_t n = strlen(lit);
    return (size_t)(e - p) >= n && memcmp(p, lit, n) == 0;
}

static int ends(const char *p, const char *e, const char *lit)
{
    size_t n = strlen(lit);
    return (size_t)(e - p) >= n && memcmp(e - n, lit, n) == 0;
}

static const char *find_c(const char *p, const char *e, char c)
{
    const char *r = memchr(p, c, (size_t)(e - p));
    return r ? r : e;
}

static const char *find_s(const char *p, const char *e, const char *lit)
{
    return zw_memmem(p, (size_t)(e - p), lit, strlen(lit));
}

/* Unsigned decimal at *p (at least one digit); advances. */
static int num(const char **p, const char *e, int64_t *out)
{
    const char *s = *p;
    int64_t v = 0;
    while (*p < e && **p >= '0' && **p <= '9' && *p - s < 18) {
        v = v * 10 + (**p - '0');
        (*p)++;
    }
    if (*p == s) {
        return 0;
    }
    *out = v;
    return 1;
}

/* "0.004" seconds -> milliseconds. */
static int secs_ms(const char **p, const char *e, int64_t *ms)
{
    int64_t s;
    if (!num(p, e, &s)) {
        return 0;
    }
    int64_t frac = 0;
    int scale = 100;
    if (*p < e && **p == '.') {
        (*p)++;
        while (*p < e && **p >= '0' && **p <= '9') {
            frac += (**p - '0') * scale;
            scale /= 10;
            (*p)++;
        }
    }
    *ms = s * 1000 + frac;
    return 1;
}

static int malformed(bline *b, const char *what)
{
    zw_errf(b->err, b->errsz, 0, "malformed %.*s line: %s", (int)(b->cat.n ? b->cat.n : 4),
            b->cat.n ? b->cat.p : "BIND", what);
    return B_MALFORMED;
}

/* ---- event helpers ---- */

static int has_upper_or_dot(const char *p, size_t n)
{
    if (n > 1 && p[n - 1] == '.') {
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        if (p[i] >= 'A' && p[i] <= 'Z') {
            return 1;
        }
    }
    return 0;
}

/* A DNS name slot: borrowed when already canonical, else a lower-cased copy. */
static int set_dname(zw_event *ev, zw_field f, const char *p, size_t n)
{
    if (!has_upper_or_dot(p, n)) {
        zw_ev_set_ref(ev, f, p, n);
        return ZW_OK;
    }
    return zw_ev_set_dname(ev, f, p, n);
}

static void set_ref(zw_event *ev, zw_field f, const char *p, size_t n)
{
    zw_ev_set_ref(ev, f, p, n);
}

static void set_lit(zw_event *ev, zw_field f, const char *s)
{
    zw_ev_set_ref(ev, f, s, strlen(s));
}

static void set_opcode(zw_event *ev, const char *name, int id)
{
    set_lit(ev, ZW_F_QUERY_OPCODE, name);
    zw_ev_set_int(ev, ZW_F_QUERY_OPCODE_ID, id);
}

static int sev_id(zw_str s)
{
    if (zw_str_eq(s, "critical")) {
        return ZW_SEV_CRITICAL;
    }
    if (zw_str_eq(s, "error")) {
        return ZW_SEV_MEDIUM;
    }
    if (zw_str_eq(s, "warning")) {
        return ZW_SEV_LOW;
    }
    return ZW_SEV_INFO;
}

/* Class, time, product, log name / level, and the client's endpoint. */
static int base(bline *b, int class_uid, int activity)
{
    zw_event *ev = b->ev;
    int rc = zw_ev_set_class(ev, class_uid, activity);
    if (rc) {
        return rc;
    }
    zw_ev_set_int(ev, ZW_F_TIME, b->t);
    if (b->ts.n) {
        set_ref(ev, ZW_F_META_ORIGINAL_TIME, b->ts.p, b->ts.n);
    }
    set_lit(ev, ZW_F_META_PRODUCT_NAME, b->fl->product);
    set_lit(ev, ZW_F_META_PRODUCT_VENDOR, b->fl->vendor);
    if (b->cat.n) {
        set_ref(ev, ZW_F_META_LOG_NAME, b->cat.p, b->cat.n);
    }
    if (b->sev.n) {
        set_ref(ev, ZW_F_META_LOG_LEVEL, b->sev.p, b->sev.n);
        zw_ev_set_severity(ev, sev_id(b->sev));
    } else if (b->sl && b->sl->pri >= 0) {
        const char *s = nz_syslog_severity_name(b->sl->pri);
        set_lit(ev, ZW_F_META_LOG_LEVEL, s);
        int pri = b->sl->pri % 8;
        zw_ev_set_severity(ev, pri <= 2   ? ZW_SEV_CRITICAL
                               : pri == 3 ? ZW_SEV_MEDIUM
                               : pri == 4 ? ZW_SEV_LOW
                                          : ZW_SEV_INFO);
    }
    if (b->has_client) {
        set_ref(ev, ZW_F_SRC_IP, b->cip.p, b->cip.n);
        zw_ev_set_int(ev, ZW_F_SRC_PORT, b->cport);
        if (b->view.n) {
            set_ref(ev, ZW_F_U_DNS_VIEW, b->view.p, b->view.n);
        }
    }
    return ZW_OK;
}

/* The server's own host name from the syslog header, on the side the server is. */
static void server_host(bline *b, zw_field f)
{
    if (b->sl && b->sl->host.n) {
        set_ref(b->ev, f, b->sl->host.p, b->sl->host.n);
    }
}

static int set_rcode(zw_event *ev, const char *p, size_t n)
{
    int id = zw_dns_rcode_id(p, n);
    if (id < 0) {
        return 0;
    }
    const char *name = zw_dns_rcode_name(id);
    set_lit(ev, ZW_F_RCODE, name ? name : "");
    zw_ev_set_int(ev, ZW_F_RCODE_ID, id);
    return 1;
}

/* The "(XXX)" at the end of [p, e), if any. */
static zw_str trailing_paren(const char *p, const char *e)
{
    zw_str r = {NULL, 0};
    if (e > p && e[-1] == ')') {
        const char *o = e - 1;
        while (o > p && o[-1] != '(') {
            o--;
        }
        if (o > p) {
            r.p = o;
            r.n = (size_t)(e - 1 - o);
        }
    }
    return r;
}

static void set_message(bline *b, const char *p, const char *e)
{
    set_ref(b->ev, ZW_F_MESSAGE, p, (size_t)(e - p));
}

static int emit(bline *b)
{
    return nz_emit(b->em, b->ev);
}

/* DNS Activity with activity, query.hostname and unmapped.zone from zone. */
static int zone_base(bline *b, int activity, zw_str zone)
{
    int rc = base(b, ZW_CLASS_DNS_ACTIVITY, activity);
    if (rc) {
        return rc;
    }
    if ((rc = set_dname(b->ev, ZW_F_QUERY_HOSTNAME, zone.p, zone.n)) ||
        (rc = set_dname(b->ev, ZW_F_U_ZONE, zone.p, zone.n))) {
        return rc;
    }
    return ZW_OK;
}

/* 'NAME/CLASS' (qname and class) or 'NAME/TYPE/CLASS'; p at the opening quote's
 * successor.  Splits on the last one or two slashes before the closing quote. */
static int quoted_zone(const char **p, const char *e, int parts, zw_str *name, zw_str *mid,
                       zw_str *cls)
{
    const char *q = find_c(*p, e, '\'');
    if (q == e) {
        return 0;
    }
    const char *s2 = q;
    while (s2 > *p && s2[-1] != '/') {
        s2--;
    }
    if (s2 == *p) {
        return 0;
    }
    cls->p = s2;
    cls->n = (size_t)(q - s2);
    const char *end_name = s2 - 1;
    if (parts == 3) {
        const char *s1 = end_name;
        while (s1 > *p && s1[-1] != '/') {
            s1--;
        }
        if (s1 == *p) {
            return 0;
        }
        mid->p = s1;
        mid->n = (size_t)(end_name - s1);
        end_name = s1 - 1;
    }
    name->p = *p;
    name->n = (size_t)(end_name - *p);
    if (!name->n || !cls->n) {
        return 0;
    }
    *p = q + 1;
    return 1;
}

/* "IP#PORT" at *p; advances past it. */
static int addr_port(const char **p, const char *e, zw_str *ip, int64_t *port)
{
    const char *h = *p;
    while (h < e && *h != '#' && *h != ' ') {
        h++;
    }
    if (h == *p || h == e || *h != '#') {
        return 0;
    }
    ip->p = *p;
    ip->n = (size_t)(h - *p);
    *p = h + 1;
    return num(p, e, port);
}

/* "(serial N)" or "(serial A -> B)" at *p. */
static int serials(const char **p, const char *e, int64_t *from, int64_t *to, int *has_from)
{
    *has_from = 0;
    if (!eat(p, e, "(serial ") || !num(p, e, to)) {
        return 0;
    }
    if (eat(p, e, " -> ")) {
        *from = *to;
        if (!num(p, e, to)) {
            return 0;
        }
        *has_from = 1;
    }
    return eat(p, e, ")");
}

/* "N messages, N records, N bytes, S secs (N bytes/sec)" */
static int xfer_stats(const char **p, const char *e, bline *b)
{
    int64_t msgs, recs, bytes, ms, rate;
    if (!num(p, e, &msgs) || !eat(p, e, " messages, ") || !num(p, e, &recs) ||
        !eat(p, e, " records, ") || !num(p, e, &bytes) || !eat(p, e, " bytes, ") ||
        !secs_ms(p, e, &ms) || !eat(p, e, " secs (") || !num(p, e, &rate) ||
        !eat(p, e, " bytes/sec)")) {
        return 0;
    }
    zw_ev_set_int(b->ev, ZW_F_U_XFER_MESSAGES, msgs);
    zw_ev_set_int(b->ev, ZW_F_U_XFER_RECORDS, recs);
    zw_ev_set_int(b->ev, ZW_F_U_XFER_BYTES, bytes);
    zw_ev_set_int(b->ev, ZW_F_TRAFFIC_BYTES, bytes);
    zw_ev_set_int(b->ev, ZW_F_DURATION, ms);
    return 1;
}

/* connection_info: OCSF requires direction_id with it; the server logs what it received,
 * so a protocol without a transfer direction is Inbound. */
static void set_proto(zw_event *ev, const char *proto)
{
    set_lit(ev, ZW_F_CONN_PROTOCOL_NAME, proto);
    if (!zw_ev_has(ev, ZW_F_CONN_DIRECTION_ID)) {
        zw_ev_set_int(ev, ZW_F_CONN_DIRECTION_ID, 1);
        set_lit(ev, ZW_F_CONN_DIRECTION, "Inbound");
    }
}

static void set_kind(zw_event *ev, const char *kind, const char *phase, const char *dir)
{
    if (kind) {
        set_lit(ev, ZW_F_U_XFER_KIND, kind);
    }
    set_lit(ev, ZW_F_U_XFER_PHASE, phase);
    set_lit(ev, ZW_F_U_XFER_DIRECTION, dir);
    if (dir[0] == 'o') {
        zw_ev_set_int(ev, ZW_F_CONN_DIRECTION_ID, 1);
        set_lit(ev, ZW_F_CONN_DIRECTION, "Inbound");
    } else {
        zw_ev_set_int(ev, ZW_F_CONN_DIRECTION_ID, 2);
        set_lit(ev, ZW_F_CONN_DIRECTION, "Outbound");
    }
}

static void set_key(bline *b, zw_str key)
{
    if (key.n) {
        set_ref(b->ev, ZW_F_U_XFER_TSIG_KEY, key.p, key.n);
        zw_ev_set_bool(b->ev, ZW_F_U_DNS_SIGNED, 1);
    }
}

/* The end of a line the server logged about a request it served: the line's TSIG key,
 * the server as destination host, the message, then emit. */
static int emit_served(bline *b, const char *msg, const char *e)
{
    set_key(b, b->key);
    server_host(b, ZW_F_DST_HOSTNAME);
    set_message(b, msg, e);
    return emit(b);
}

/* ---- queries ---- */

/* "NAME CLASS TYPE FLAGS (SERVER)[ ...]" after "query: " */
static int do_query(bline *b, const char *p, const char *e)
{
    zw_event *ev = b->ev;
    const char *s = p;
    const char *name_e = find_c(s, e, ' ');
    if (name_e == s || name_e == e) {
        return malformed(b, "query without class and type");
    }
    const char *c = name_e + 1, *c_e = find_c(c, e, ' ');
    if (c_e == c || c_e == e) {
        return malformed(b, "query without type");
    }
    const char *t = c_e + 1, *t_e = find_c(t, e, ' ');
    if (t_e == t) {
        return malformed(b, "query without type");
    }
    const char *f = t_e < e ? t_e + 1 : e, *f_e = find_c(f, e, ' ');
    if (f == f_e || (*f != '+' && *f != '-')) {
        return malformed(b, "query without +/- flags");
    }
    int rc = base(b, ZW_CLASS_DNS_ACTIVITY, 1);
    if (rc) {
        return rc;
    }
    if ((rc = set_dname(ev, ZW_F_QUERY_HOSTNAME, s, (size_t)(name_e - s)))) {
        return rc;
    }
    set_ref(ev, ZW_F_QUERY_CLASS, c, (size_t)(c_e - c));
    set_ref(ev, ZW_F_QUERY_TYPE, t, (size_t)(t_e - t));
    set_opcode(ev, "Query", 0);
    set_ref(ev, ZW_F_U_DNS_FLAGS, f, (size_t)(f_e - f));
    int tcp = 0, sig = 0;
    for (const char *k = f + 1; k < f_e; k++) {
        switch (*k) {
        case 'S':
            sig = 1;
            break;
        case 'T':
            tcp = 1;
            break;
        case 'E': {
            const char *q = k + 1;
            int64_t v;
            if (eat(&q, f_e, "(")) {
                if (!num(&q, f_e, &v) || !eat(&q, f_e, ")")) {
                    return malformed(b, "bad E(n) query flag");
                }
                zw_ev_set_int(ev, ZW_F_U_DNS_EDNS_VERSION, v);
                k = q - 1;
            } /* BIND before 9.10: a bare "E" */
            break;
        }
        case 'D':
        case 'C':
        case 'K':
        case 'V':
            break;
        default:
            return malformed(b, "unknown query flag");
        }
    }
    zw_ev_set_bool(ev, ZW_F_U_DNS_SIGNED, sig || b->key.n);
    set_proto(ev, tcp ? "tcp" : "udp");
    if (b->key.n) {
        set_ref(ev, ZW_F_U_XFER_TSIG_KEY, b->key.p, b->key.n);
    }
    const char *sv = f_e < e ? f_e + 1 : e;
    if (sv < e && *sv == '(') {
        const char *sv_e = find_c(sv, e, ')');
        if (sv_e == e) {
            return malformed(b, "unterminated server address");
        }
        set_ref(ev, ZW_F_DST_IP, sv + 1, (size_t)(sv_e - sv - 1));
    }
    server_host(b, ZW_F_DST_HOSTNAME);
    size_t tn = (size_t)(t_e - t);
    if (tn == 4 && (memcmp(t, "AXFR", 4) == 0 || memcmp(t, "IXFR", 4) == 0)) {
        set_kind(ev, t[0] == 'A' ? "AXFR" : "IXFR", "requested", "out");
        if ((rc = set_dname(ev, ZW_F_U_ZONE, s, (size_t)(name_e - s)))) {
            return rc;
        }
    }
    return emit(b);
}

/* "query failed (RCODE) for NAME/CLASS/TYPE at FILE:LINE" */
static int do_query_failed(bline *b, const char *p, const char *e, const char *msg)
{
    zw_event *ev = b->ev;
    const char *r = p, *r_e = find_c(r, e, ')');
    if (r_e == e) {
        return malformed(b, "query failed without rcode");
    }
    const char *q = r_e + 1;
    if (!eat(&q, e, " for ")) {
        return malformed(b, "query failed without question");
    }
    const char *at = find_s(q, e, " at ");
    const char *qe = at ? at : e;
    const char *s2 = qe;
    while (s2 > q && s2[-1] != '/') {
        s2--;
    }
    const char *s1 = s2 > q ? s2 - 1 : q;
    while (s1 > q && s1[-1] != '/') {
        s1--;
    }
    if (s2 == q || s1 == q) {
        return malformed(b, "query failed question is not NAME/CLASS/TYPE");
    }
    int rc = base(b, ZW_CLASS_DNS_ACTIVITY, 2);
    if (rc) {
        return rc;
    }
    if ((rc = set_dname(ev, ZW_F_QUERY_HOSTNAME, q, (size_t)(s1 - 1 - q)))) {
        return rc;
    }
    set_ref(ev, ZW_F_QUERY_CLASS, s1, (size_t)(s2 - 1 - s1));
    set_ref(ev, ZW_F_QUERY_TYPE, s2, (size_t)(qe - s2));
    set_opcode(ev, "Query", 0);
    if (!set_rcode(ev, r, (size_t)(r_e - r))) {
        set_ref(ev, ZW_F_RCODE, r, (size_t)(r_e - r));
    }
    zw_ev_set_status(ev, ZW_STATUS_FAILURE);
    set_ref(ev, ZW_F_STATUS_DETAIL, r, (size_t)(r_e - r));
    server_host(b, ZW_F_DST_HOSTNAME);
    set_message(b, msg, e);
    return emit(b);
}

/* ---- transfers out ---- */

/* after "transfer of '": "ZONE/CLASS': REST" */
static int do_xfer_out(bline *b, const char *p, const char *e, const char *msg)
{
    zw_event *ev = b->ev;
    zw_str zone, cls, mid;
    if (!quoted_zone(&p, e, 2, &zone, &mid, &cls) || !eat(&p, e, ": ")) {
        return malformed(b, "transfer of without 'zone/class': ");
    }
    const char *kind = NULL, *qtype = NULL;
    if (eat(&p, e, "AXFR-style IXFR ")) {
        kind = "AXFR";
        qtype = "IXFR";
    } else if (eat(&p, e, "AXFR ")) {
        kind = qtype = "AXFR";
    } else if (eat(&p, e, "IXFR ")) {
        kind = qtype = "IXFR";
    }
    int rc = zone_base(b, 6, zone);
    if (rc) {
        return rc;
    }
    set_ref(ev, ZW_F_QUERY_CLASS, cls.p, cls.n);
    if (qtype) {
        set_lit(ev, ZW_F_QUERY_TYPE, qtype);
    }
    set_opcode(ev, "Query", 0);
    set_proto(ev, "tcp");
    server_host(b, ZW_F_DST_HOSTNAME);
    set_key(b, b->key);
    set_message(b, msg, e);
    int64_t from = 0, to = 0;
    int has_from = 0;
    if (kind && eat(&p, e, "started")) {
        zw_str key = {NULL, 0};
        if (eat(&p, e, ": TSIG ")) {
            key.p = p;
            p = find_c(p, e, ' ');
            key.n = (size_t)(p - key.p);
        }
        if (!eat(&p, e, " ") || !serials(&p, e, &from, &to, &has_from)) {
            return malformed(b, "transfer started without (serial N)");
        }
        set_kind(ev, kind, "started", "out");
        set_key(b, key);
        zw_ev_set_int(ev, ZW_F_U_XFER_SERIAL, to);
        if (has_from) {
            zw_ev_set_int(ev, ZW_F_U_XFER_SERIAL_FROM, from);
        }
        zw_ev_set_status(ev, ZW_STATUS_SUCCESS);
        return emit(b);
    }
    if (kind && eat(&p, e, "ended")) {
        if (eat(&p, e, ": ") && !xfer_stats(&p, e, b)) {
            return malformed(b, "transfer ended with unreadable statistics");
        }
        if (eat(&p, e, " ")) {
            if (!serials(&p, e, &from, &to, &has_from)) {
                return malformed(b, "transfer ended with unreadable serial");
            }
            zw_ev_set_int(ev, ZW_F_U_XFER_SERIAL, to);
        }
        set_kind(ev, kind, "ended", "out");
        zw_ev_set_status(ev, ZW_STATUS_SUCCESS);
        return emit(b);
    }
    if (kind && eat(&p, e, "poll up to date")) {
        zw_str key = {NULL, 0};
        if (eat(&p, e, ": TSIG ")) {
            key.p = p;
            key.n = (size_t)(e - p);
        }
        set_kind(ev, kind, "ended", "out");
        set_key(b, key);
        zw_ev_set_int(ev, ZW_F_U_XFER_RECORDS, 0);
        zw_ev_set_status(ev, ZW_STATUS_SUCCESS);
        set_ref(ev, ZW_F_STATUS_DETAIL, "up to date", 10);
        return emit(b);
    }
    /* failures: "sending zone data: connection reset", "aborted: shutting down",
     * "setting up zone transfer: ...", "RR too large ...", "AXFR request denied: quota";
     * anything else ("IXFR version not in journal, falling back to AXFR", "question
     * section OK", ...) is debug-level progress */
    if (!find_s(p, e, "fail") && !find_s(p, e, "abort") && !find_s(p, e, "error") &&
        !find_s(p, e, "denied") && !find_s(p, e, "too large") && !find_s(p, e, "reset") &&
        !find_s(p, e, "timed out") && !starts(p, e, "sending zone data: ") &&
        !starts(p, e, "setting up zone transfer: ")) {
        return ZW_NOISE;
    }
    set_kind(ev, kind, find_s(p, e, "denied") ? "denied" : "failed", "out");
    zw_ev_set_status(ev, ZW_STATUS_FAILURE);
    set_ref(ev, ZW_F_STATUS_DETAIL, p, (size_t)(e - p));
    return emit(b);
}

/* after "bad zone transfer request: '": "ZONE/CLASS': REASON (RCODE)" */
static int do_bad_xfer(bline *b, const char *p, const char *e, const char *msg)
{
    zw_event *ev = b->ev;
    zw_str zone, cls, mid;
    if (!quoted_zone(&p, e, 2, &zone, &mid, &cls) || !eat(&p, e, ": ")) {
        return malformed(b, "bad zone transfer request without 'zone/class'");
    }
    int rc = zone_base(b, 2, zone);
    if (rc) {
        return rc;
    }
    set_ref(ev, ZW_F_QUERY_CLASS, cls.p, cls.n);
    set_opcode(ev, "Query", 0);
    zw_str r = trailing_paren(p, e);
    if (r.n) {
        set_rcode(ev, r.p, r.n);
    }
    set_kind(ev, NULL, "failed", "out");
    zw_ev_set_status(ev, ZW_STATUS_FAILURE);
    set_ref(ev, ZW_F_STATUS_DETAIL, p, (size_t)(e - p));
    return emit_served(b, msg, e);
}

/* ---- security ---- */

/* "WHAT denied" (ACL refusals: zone transfer, query, query (cache), recursion, ...) */
static int do_denied(bline *b, const char *p, const char *e, const char *msg)
{
    zw_event *ev = b->ev;
    const char *we = e - 7; /* " denied" */
    int rc = base(b, ZW_CLASS_DNS_ACTIVITY, 2);
    if (rc) {
        return rc;
    }
    const char *q = find_c(p, we, '\'');
    if (q < we) {
        const char *qs = q + 1;
        zw_str name, type, cls;
        int xfer = starts(p, we, "zone transfer '");
        if (!quoted_zone(&qs, we + 1, 3, &name, &type, &cls)) {
            if (xfer) {
                return malformed(b, "zone transfer denial without 'zone/type/class'");
            }
        } else {
            if ((rc = set_dname(ev, ZW_F_QUERY_HOSTNAME, name.p, name.n))) {
                return rc;
            }
            set_ref(ev, ZW_F_QUERY_TYPE, type.p, type.n);
            set_ref(ev, ZW_F_QUERY_CLASS, cls.p, cls.n);
            if (xfer) {
                int ax = type.n == 4 && memcmp(type.p, "AXFR", 4) == 0;
                int ix = type.n == 4 && memcmp(type.p, "IXFR", 4) == 0;
                set_kind(ev, ax ? "AXFR" : ix ? "IXFR" : NULL, "denied", "out");
                if ((rc = set_dname(ev, ZW_F_U_ZONE, name.p, name.n))) {
                    return rc;
                }
                set_proto(ev, "tcp");
            }
        }
    }
    set_opcode(ev, "Query", 0);
    set_rcode(ev, "REFUSED", 7);
    zw_ev_set_status(ev, ZW_STATUS_FAILURE);
    set_ref(ev, ZW_F_STATUS_DETAIL, msg, (size_t)(e - msg));
    return emit_served(b, msg, e);
}

/* after "request has invalid signature: ": "TSIG KEY: tsig verify failure (BADSIG)" */
static int do_badsig(bline *b, const char *p, const char *e, const char *msg)
{
    zw_event *ev = b->ev;
    int rc = base(b, ZW_CLASS_DNS_ACTIVITY, 2);
    if (rc) {
        return rc;
    }
    zw_str key = b->key;
    if (eat(&p, e, "TSIG ")) {
        const char *k = find_c(p, e, ':');
        key.p = p;
        key.n = (size_t)(k - p);
        p = k < e ? k + 1 : e;
        while (p < e && *p == ' ') {
            p++;
        }
    }
    set_key(b, key);
    zw_ev_set_bool(ev, ZW_F_U_DNS_SIGNED, 1);
    zw_str r = trailing_paren(p, e);
    if (!r.n || !set_rcode(ev, r.p, r.n)) {
        set_rcode(ev, "NOTAUTH", 7);
    }
    if (b->qname.n && (rc = set_dname(ev, ZW_F_QUERY_HOSTNAME, b->qname.p, b->qname.n))) {
        return rc;
    }
    zw_ev_set_status(ev, ZW_STATUS_FAILURE);
    set_ref(ev, ZW_F_STATUS_DETAIL, p, (size_t)(e - p));
    server_host(b, ZW_F_DST_HOSTNAME);
    set_message(b, msg, e);
    return emit(b);
}

/* ---- dynamic update (API Activity) ---- */

static int api_base(bline *b, int activity, const char *op, zw_str zone)
{
    zw_event *ev = b->ev;
    int rc = base(b, ZW_CLASS_API_ACTIVITY, activity);
    if (rc) {
        return rc;
    }
    set_lit(ev, ZW_F_API_OPERATION, op);
    set_lit(ev, ZW_F_API_SERVICE_NAME, "DNS UPDATE");
    set_lit(ev, ZW_F_ACTOR_APP_NAME, "DNS UPDATE client");
    if (b->key.n) {
        set_ref(ev, ZW_F_ACTOR_USER_NAME, b->key.p, b->key.n);
        set_ref(ev, ZW_F_U_XFER_TSIG_KEY, b->key.p, b->key.n);
        zw_ev_set_bool(ev, ZW_F_U_DNS_SIGNED, 1);
    } else {
        zw_ev_set_bool(ev, ZW_F_U_DNS_SIGNED, 0);
    }
    server_host(b, ZW_F_DST_HOSTNAME);
    if (zone.n && (rc = set_dname(ev, ZW_F_U_ZONE, zone.p, zone.n))) {
        return rc;
    }
    return ZW_OK;
}

/* after "updating zone '": "ZONE/CLASS': MSG" */
static int do_update(bline *b, const char *p, const char *e, const char *msg)
{
    zw_event *ev = b->ev;
    zw_str zone, cls, mid;
    if (!quoted_zone(&p, e, 2, &zone, &mid, &cls) || !eat(&p, e, ": ")) {
        return malformed(b, "updating zone without 'zone/class': ");
    }
    zw_str name = {NULL, 0}, type = {NULL, 0}, val = {NULL, 0};
    int act = 0, rc;
    const char *op = NULL, *change = NULL;
    if (eat(&p, e, "adding an RR at '")) {
        const char *q = find_c(p, e, '\'');
        if (q == e || q + 1 >= e || q[1] != ' ') {
            return malformed(b, "adding an RR without 'name' TYPE");
        }
        name = zw_str_make(p, (size_t)(q - p));
        const char *t = q + 2, *t_e = find_c(t, e, ' ');
        type = zw_str_make(t, (size_t)(t_e - t));
        if (t_e < e) {
            val = zw_str_make(t_e + 1, (size_t)(e - t_e - 1));
        }
        act = 1;
        op = "update.add";
        change = "CREATE";
    } else if (eat(&p, e, "deleting rrset at '")) {
        const char *q = find_c(p, e, '\'');
        if (q == e || q + 1 >= e || q[1] != ' ') {
            return malformed(b, "deleting rrset without 'name' TYPE");
        }
        name = zw_str_make(p, (size_t)(q - p));
        type = zw_str_make(q + 2, (size_t)(e - q - 2));
        act = 4;
        op = "update.delete";
        change = "DELETE";
    } else if (eat(&p, e, "delete all rrsets from name '")) {
        const char *q = find_c(p, e, '\'');
        if (q == e) {
            return malformed(b, "delete all rrsets without 'name'");
        }
        name = zw_str_make(p, (size_t)(q - p));
        type = ZW_STR_LIT("ANY");
        act = 4;
        op = "update.delete";
        change = "DELETE";
    } else if (eat(&p, e, "deleting an RR at ")) {
        const char *q = find_c(p, e, ' ');
        if (q == e) {
            return malformed(b, "deleting an RR without name TYPE");
        }
        name = zw_str_make(p, (size_t)(q - p));
        if (name.n > 1 && name.p[0] == '\'' && name.p[name.n - 1] == '\'') {
            name.p++;
            name.n -= 2;
        }
        type = zw_str_make(q + 1, (size_t)(e - q - 1));
        act = 4;
        op = "update.delete";
        change = "DELETE";
    }
    if (act) {
        if (!name.n || !type.n) {
            return malformed(b, "record change without name or type");
        }
        if ((rc = api_base(b, act, op, zone))) {
            return rc;
        }
        if ((rc = set_dname(ev, ZW_F_U_RECORD_NAME, name.p, name.n)) ||
            (rc = set_dname(ev, ZW_F_RES_NAME, name.p, name.n))) {
            return rc;
        }
        set_lit(ev, ZW_F_RES_TYPE, "DNS record");
        set_ref(ev, ZW_F_U_RECORD_TYPE, type.p, type.n);
        if (val.n && (rc = zw_ev_list_add(ev, ZW_F_U_RECORD_VALUES, val.p, val.n))) {
            return rc;
        }
        set_lit(ev, ZW_F_U_CHANGE_ACTION, change);
        set_lit(ev, ZW_F_U_CHANGE_KIND, "record");
        if ((rc = set_dname(ev, ZW_F_U_CHANGE_TARGET, name.p, name.n))) {
            return rc;
        }
        zw_ev_set_status(ev, ZW_STATUS_SUCCESS);
        set_message(b, msg, e);
        return emit(b);
    }
    /* failures: "update failed: ...", "update unsuccessful: ...", "update rejected: ...",
     * "attempt to ... ignored", "adding an RR failed: ...", "... exceeds max-records" */
    if (find_s(p, e, "fail") || find_s(p, e, "unsuccessful") || find_s(p, e, "rejected") ||
        ends(p, e, "ignored") || find_s(p, e, "exceeds") || find_s(p, e, "denied")) {
        if ((rc = api_base(b, 3, "update", zone))) {
            return rc;
        }
        zw_str r = trailing_paren(p, e);
        if (r.n && zw_dns_rcode_id(r.p, r.n) >= 0) {
            set_ref(ev, ZW_F_API_RESPONSE_ERROR, r.p, r.n);
        }
        set_ref(ev, ZW_F_API_RESPONSE_ERROR_MESSAGE, p, (size_t)(e - p));
        set_ref(ev, ZW_F_STATUS_DETAIL, p, (size_t)(e - p));
        zw_ev_set_status(ev, ZW_STATUS_FAILURE);
        if ((rc = set_dname(ev, ZW_F_RES_NAME, zone.p, zone.n))) {
            return rc;
        }
        set_lit(ev, ZW_F_RES_TYPE, "DNS zone");
        set_message(b, msg, e);
        return emit(b);
    }
    /* "committing update transaction", "redundant request", "writing journal", ... */
    return ZW_NOISE;
}

/* after "update '": "ZONE/CLASS' denied|approved" */
static int do_update_acl(bline *b, const char *p, const char *e, const char *msg)
{
    zw_event *ev = b->ev;
    zw_str zone, cls, mid;
    if (!quoted_zone(&p, e, 2, &zone, &mid, &cls)) {
        return malformed(b, "update ACL line without 'zone/class'");
    }
    if (eat(&p, e, " approved")) {
        return ZW_NOISE;
    }
    if (!eat(&p, e, " denied")) {
        return malformed(b, "update ACL line neither denied nor approved");
    }
    int rc = api_base(b, 3, "update", zone);
    if (rc) {
        return rc;
    }
    set_lit(ev, ZW_F_API_RESPONSE_ERROR, "REFUSED");
    zw_ev_set_status(ev, ZW_STATUS_FAILURE);
    set_lit(ev, ZW_F_STATUS_DETAIL, "update denied");
    if ((rc = set_dname(ev, ZW_F_RES_NAME, zone.p, zone.n))) {
        return rc;
    }
    set_lit(ev, ZW_F_RES_TYPE, "DNS zone");
    set_message(b, msg, e);
    return emit(b);
}

/* ---- notify ---- */

static int notify_base(bline *b, zw_str zone, const char *dir)
{
    zw_event *ev = b->ev;
    int rc = zone_base(b, 1, zone);
    if (rc) {
        return rc;
    }
    set_lit(ev, ZW_F_QUERY_TYPE, "SOA");
    set_opcode(ev, "Notify", 4);
    set_lit(ev, ZW_F_U_XFER_DIRECTION, dir);
    return ZW_OK;
}

/* after "received notify for zone '": "ZONE'[: DETAIL]" */
static int do_notify_in(bline *b, const char *p, const char *e, const char *msg)
{
    const char *q = find_c(p, e, '\'');
    if (q == e || q == p) {
        return malformed(b, "received notify without 'zone'");
    }
    int rc = notify_base(b, zw_str_make(p, (size_t)(q - p)), "in");
    if (rc) {
        return rc;
    }
    set_key(b, b->key);
    if (q + 1 < e) {
        const char *d = q + 1;
        eat(&d, e, ": ");
        if (starts(d, e, "TSIG ")) {
            d += 5;
            set_key(b, zw_str_make(d, (size_t)(e - d)));
        } else {
            zw_ev_set_status(b->ev, ZW_STATUS_FAILURE);
            set_ref(b->ev, ZW_F_STATUS_DETAIL, d, (size_t)(e - d));
        }
    }
    server_host(b, ZW_F_DST_HOSTNAME);
    set_message(b, msg, e);
    return emit(b);
}

/* ---- "zone NAME/CLASS[/VIEW]: MSG" lines ---- */

static int do_zone(bline *b, const char *p, const char *e, const char *msg)
{
    zw_event *ev = b->ev;
    const char *c = find_s(p, e, ": ");
    if (!c) {
        return B_UNKNOWN;
    }
    const char *sl = find_c(p, c, '/');
    if (sl == c || sl == p) {
        return B_UNKNOWN; /* "zone X scheduled for removal via delzone", ... */
    }
    zw_str zone = zw_str_make(p, (size_t)(sl - p));
    const char *sl2 = find_c(sl + 1, c, '/');
    if (sl2 < c) {
        b->view = zw_str_make(sl2 + 1, (size_t)(c - sl2 - 1));
    }
    p = c + 2;
    int rc;
    int64_t serial, port;
    zw_str ip;
    if (eat(&p, e, "sending notifies (serial ")) {
        /* no peer in the line (DNS Activity needs an endpoint); each "sending notify to
         * IP#PORT" (debug) is the event */
        if (!num(&p, e, &serial) || !eat(&p, e, ")")) {
            return malformed(b, "sending notifies without serial");
        }
        return ZW_NOISE;
    }
    if (eat(&p, e, "sending notify to ")) {
        if (!addr_port(&p, e, &ip, &port)) {
            return malformed(b, "sending notify without IP#PORT");
        }
        if ((rc = notify_base(b, zone, "out"))) {
            return rc;
        }
        set_ref(ev, ZW_F_DST_IP, ip.p, ip.n);
        zw_ev_set_int(ev, ZW_F_DST_PORT, port);
        server_host(b, ZW_F_SRC_HOSTNAME);
        goto out;
    }
    if (eat(&p, e, "notify from ")) {
        if (!addr_port(&p, e, &ip, &port)) {
            return malformed(b, "notify from without IP#PORT");
        }
        if ((rc = notify_base(b, zone, "in"))) {
            return rc;
        }
        set_ref(ev, ZW_F_SRC_IP, ip.p, ip.n);
        zw_ev_set_int(ev, ZW_F_SRC_PORT, port);
        server_host(b, ZW_F_DST_HOSTNAME);
        if (eat(&p, e, ": serial ") && num(&p, e, &serial)) {
            zw_ev_set_int(ev, ZW_F_U_XFER_SERIAL, serial);
        } else if (eat(&p, e, ": ")) {
            set_ref(ev, ZW_F_STATUS_DETAIL, p, (size_t)(e - p));
        }
        goto out;
    }
    if (eat(&p, e, "refused notify from non-master: ") ||
        eat(&p, e, "refused notify from non-primary: ")) {
        if (!addr_port(&p, e, &ip, &port)) {
            return malformed(b, "refused notify without IP#PORT");
        }
        if ((rc = notify_base(b, zone, "in"))) {
            return rc;
        }
        set_ref(ev, ZW_F_SRC_IP, ip.p, ip.n);
        zw_ev_set_int(ev, ZW_F_SRC_PORT, port);
        set_rcode(ev, "REFUSED", 7);
        zw_ev_set_status(ev, ZW_STATUS_FAILURE);
        set_lit(ev, ZW_F_STATUS_DETAIL, "notify from a non-primary refused");
        server_host(b, ZW_F_DST_HOSTNAME);
        goto out;
    }
    return B_UNKNOWN; /* loaded serial, transferred serial, refresh, ... */
out:
    if (b->view.n) {
        set_ref(ev, ZW_F_U_DNS_VIEW, b->view.p, b->view.n);
    }
    set_message(b, msg, e);
    return emit(b);
}

/* ---- transfers in: "transfer of 'ZONE/CLASS' from IP#PORT: MSG" ---- */

static int do_xfer_in(bline *b, const char *p, const char *e, const char *msg)
{
    zw_event *ev = b->ev;
    zw_str zone, cls, mid, ip;
    int64_t port;
    if (!quoted_zone(&p, e, 2, &zone, &mid, &cls)) {
        return malformed(b, "transfer of without 'zone/class'");
    }
    /* 9.18+ may name the view: 'zone/IN/view' is split as name "zone/IN", class "view" */
    if (!eat(&p, e, " from ") || !addr_port(&p, e, &ip, &port)) {
        return malformed(b, "incoming transfer without from IP#PORT");
    }
    while (p < e && *p != ':') {
        p++; /* " (via ...)" and similar */
    }
    if (!eat(&p, e, ": ")) {
        return malformed(b, "incoming transfer without message");
    }
    if (starts(p, e, "connected using ") || starts(p, e, "Transfer status: success")) {
        return ZW_NOISE;
    }
    int ended = starts(p, e, "Transfer completed: ");
    if (!ended && !starts(p, e, "Transfer status: ") && !find_s(p, e, "fail") &&
        !find_s(p, e, "error") && !find_s(p, e, "refused") && !find_s(p, e, "timed out") &&
        !find_s(p, e, "giving up")) {
        return ZW_NOISE; /* progress: "requesting IXFR", "got nonincremental response", ... */
    }
    int rc = zone_base(b, 6, zone);
    if (rc) {
        return rc;
    }
    set_ref(ev, ZW_F_QUERY_CLASS, cls.p, cls.n);
    set_ref(ev, ZW_F_DST_IP, ip.p, ip.n);
    zw_ev_set_int(ev, ZW_F_DST_PORT, port);
    server_host(b, ZW_F_SRC_HOSTNAME);
    set_message(b, msg, e);
    if (ended) {
        p += 20;
        if (!xfer_stats(&p, e, b)) {
            return malformed(b, "transfer completed with unreadable statistics");
        }
        int64_t from = 0, to = 0;
        int has_from;
        if (eat(&p, e, " ")) {
            if (!serials(&p, e, &from, &to, &has_from)) {
                return malformed(b, "transfer completed with unreadable serial");
            }
            zw_ev_set_int(ev, ZW_F_U_XFER_SERIAL, to);
        }
        set_kind(ev, NULL, "ended", "in");
        zw_ev_set_status(ev, ZW_STATUS_SUCCESS);
        return emit(b);
    }
    const char *d = p;
    eat(&d, e, "Transfer status: ");
    zw_str r = trailing_paren(d, e);
    if (!set_rcode(ev, d, (size_t)(e - d)) && r.n) {
        set_rcode(ev, r.p, r.n);
    }
    if (!zw_ev_has(ev, ZW_F_RCODE)) {
        /* "failed while receiving responses: REFUSED"; an upper-case word only, so that
         * "failed to connect: connection refused" is not read as the REFUSED rcode */
        const char *c = e;
        int upper = 1;
        while (c > d && c[-1] != ' ') {
            c--;
            upper = upper && ((*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9'));
        }
        if (upper && c < e) {
            set_rcode(ev, c, (size_t)(e - c));
        }
    }
    set_kind(ev, NULL, "failed", "in");
    zw_ev_set_status(ev, ZW_STATUS_FAILURE);
    set_ref(ev, ZW_F_STATUS_DETAIL, d, (size_t)(e - d));
    return emit(b);
}

/* ---- control channel (rndc) ---- */

static const char *const zone_cmds[] = {
    "addzone", "delzone", "modzone", "showzone", "reload",   "refresh",    "retransfer", "freeze",
    "thaw",    "sync",    "notify",  "sign",     "loadkeys", "zonestatus", "signing",    "dnssec"};
static const char *const read_cmds[] = {"status",   "showzone",  "zonestatus", "dumpdb", "stats",
                                        "secroots", "recursing", "tsig-list",  "null",   "scan"};

static int in_list(zw_str s, const char *const *l, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (zw_str_eq(s, l[i])) {
            return 1;
        }
    }
    return 0;
}

static int rndc_activity(zw_str cmd)
{
    if (zw_str_eq(cmd, "addzone")) {
        return 1;
    }
    if (zw_str_eq(cmd, "delzone") || zw_str_eq(cmd, "tsig-delete")) {
        return 4;
    }
    if (in_list(cmd, read_cmds, ZW_ARRAY_LEN(read_cmds))) {
        return 2;
    }
    return 3;
}

static int control_base(bline *b, zw_str cmd, zw_str zone, int activity)
{
    zw_event *ev = b->ev;
    int rc = base(b, ZW_CLASS_API_ACTIVITY, activity);
    if (rc) {
        return rc;
    }
    set_ref(ev, ZW_F_API_OPERATION, cmd.p, cmd.n);
    set_lit(ev, ZW_F_API_SERVICE_NAME, "rndc");
    set_lit(ev, ZW_F_ACTOR_APP_NAME, "rndc");
    /* named logs no rndc client (the channel may be TCP from anywhere): name the channel */
    nz_set_channel_source(ev, "rndc control channel", NULL, 0);
    server_host(b, ZW_F_DST_HOSTNAME);
    if (activity != 2) {
        set_lit(ev, ZW_F_U_CHANGE_ACTION,
                activity == 1   ? "CREATE"
                : activity == 4 ? "DELETE"
                                : "UPDATE");
        set_lit(ev, ZW_F_U_CHANGE_KIND, zone.n ? "zone" : "config");
    }
    if (zone.n) {
        if ((rc = set_dname(ev, ZW_F_U_ZONE, zone.p, zone.n)) ||
            (rc = set_dname(ev, ZW_F_RES_NAME, zone.p, zone.n))) {
            return rc;
        }
        set_lit(ev, ZW_F_RES_TYPE, "DNS zone");
        if (activity != 2 && (rc = set_dname(ev, ZW_F_U_CHANGE_TARGET, zone.p, zone.n))) {
            return rc;
        }
    }
    return ZW_OK;
}

/* after "received control channel command '": "CMD ARGS'" */
static int do_control(bline *b, const char *p, const char *e, const char *msg)
{
    if (e == p || e[-1] != '\'') {
        return malformed(b, "control channel command not quoted");
    }
    const char *ce = e - 1;
    const char *c_e = p;
    while (c_e < ce && *c_e != ' ') {
        c_e++;
    }
    zw_str cmd = zw_str_make(p, (size_t)(c_e - p));
    if (!cmd.n) {
        return malformed(b, "empty control channel command");
    }
    zw_str zone = {NULL, 0};
    if (in_list(cmd, zone_cmds, ZW_ARRAY_LEN(zone_cmds))) {
        const char *a = c_e;
        while (a < ce) {
            while (a < ce && *a == ' ') {
                a++;
            }
            const char *a_e = a;
            while (a_e < ce && *a_e != ' ') {
                a_e++;
            }
            if (a < a_e && *a != '-') {
                zone = zw_str_make(a, (size_t)(a_e - a));
                if (zone.n > 1 && zone.p[0] == '"' && zone.p[zone.n - 1] == '"') {
                    zone.p++;
                    zone.n -= 2;
                }
                break;
            }
            a = a_e;
        }
    }
    int rc = control_base(b, cmd, zone, rndc_activity(cmd));
    if (rc) {
        return rc;
    }
    set_message(b, msg, e);
    return emit(b);
}

/* "VERB zone ZONE in view VIEW via CMD" (addzone / delzone / modzone confirmations) */
static int do_zone_via(bline *b, const char *p, const char *e, const char *msg)
{
    const char *v = find_s(p, e, " zone ");
    if (!v) {
        return B_UNKNOWN;
    }
    const char *z = v + 6, *z_e = find_c(z, e, ' ');
    const char *q = z_e;
    zw_str view = {NULL, 0};
    if (eat(&q, e, " in view ")) {
        const char *ve = find_c(q, e, ' ');
        view = zw_str_make(q, (size_t)(ve - q));
        q = ve;
    }
    if (!eat(&q, e, " via ") || q == e || z_e == z) {
        return B_UNKNOWN;
    }
    zw_str cmd = zw_str_make(q, (size_t)(e - q));
    if (starts(p, e, "zone ")) {
        return ZW_NOISE; /* "zone X scheduled for removal via delzone" */
    }
    int rc = control_base(b, cmd, zw_str_make(z, (size_t)(z_e - z)), rndc_activity(cmd));
    if (rc) {
        return rc;
    }
    if (view.n) {
        set_ref(b->ev, ZW_F_U_DNS_VIEW, view.p, view.n);
    }
    zw_ev_set_status(b->ev, ZW_STATUS_SUCCESS);
    set_message(b, msg, e);
    return emit(b);
}

/* ---- the client prefix ---- */

/* "client [@0x... ]IP#PORT[/key KEY][ (QNAME)]: [view V: ]" -> message start, or NULL */
static const char *client_prefix(bline *b, const char *p, const char *e)
{
    if (eat(&p, e, "@0x")) {
        p = find_c(p, e, ' ');
        if (!eat(&p, e, " ")) {
            return NULL;
        }
    }
    const char *h = p;
    while (h < e && *h != '#') {
        char c = *h;
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
              c == '.' || c == ':' || c == '%' || (c >= 'g' && c <= 'z'))) {
            return NULL;
        }
        h++;
    }
    if (h == p || h == e) {
        return NULL;
    }
    b->cip = zw_str_make(p, (size_t)(h - p));
    p = h + 1;
    if (!num(&p, e, &b->cport)) {
        return NULL;
    }
    if (eat(&p, e, "/key ")) {
        const char *k = p;
        while (p < e && *p != ':' && *p != ' ') {
            p++;
        }
        b->key = zw_str_make(k, (size_t)(p - k));
    }
    if (eat(&p, e, " (")) {
        const char *c = find_s(p, e, "): ");
        if (!c) {
            return NULL;
        }
        b->qname = zw_str_make(p, (size_t)(c - p));
        p = c + 1;
    }
    if (!eat(&p, e, ": ")) {
        return NULL;
    }
    if (eat(&p, e, "view ")) {
        const char *v = p;
        const char *c = find_s(p, e, ": ");
        if (!c) {
            return NULL;
        }
        b->view = zw_str_make(v, (size_t)(c - v));
        p = c + 2;
    }
    b->has_client = 1;
    return p;
}

static int dispatch_client(bline *b, const char *p, const char *e)
{
    const char *m = client_prefix(b, p, e);
    if (!m) {
        return malformed(b, "client prefix is not 'client @0x.. IP#PORT (name): '");
    }
    const char *q = m;
    if (eat(&q, e, "query: ")) {
        return do_query(b, q, e);
    }
    if (eat(&q, e, "query failed (")) {
        return do_query_failed(b, q, e, m);
    }
    if (eat(&q, e, "transfer of '")) {
        return do_xfer_out(b, q, e, m);
    }
    if (eat(&q, e, "bad zone transfer request: '")) {
        return do_bad_xfer(b, q, e, m);
    }
    if (eat(&q, e, "updating zone '")) {
        return do_update(b, q, e, m);
    }
    if (eat(&q, e, "update '")) {
        return do_update_acl(b, q, e, m);
    }
    if (eat(&q, e, "received notify for zone '")) {
        return do_notify_in(b, q, e, m);
    }
    if (eat(&q, e, "request has invalid signature: ")) {
        return do_badsig(b, q, e, m);
    }
    if (starts(q, e, "signer \"") || starts(q, e, "forwarding update for zone '") ||
        ends(q, e, " approved")) {
        return ZW_NOISE;
    }
    if (ends(q, e, " denied")) {
        return do_denied(b, q, e, m);
    }
    return B_UNKNOWN;
}

static int dispatch(bline *b, const char *p, const char *e)
{
    const char *q = p;
    if (eat(&q, e, "client ")) {
        return dispatch_client(b, q, e);
    }
    if (eat(&q, e, "zone ")) {
        int rc = do_zone(b, q, e, p);
        return rc == B_UNKNOWN ? do_zone_via(b, p, e, p) : rc;
    }
    if (eat(&q, e, "transfer of '")) {
        return do_xfer_in(b, q, e, p);
    }
    if (eat(&q, e, "received control channel command '")) {
        return do_control(b, q, e, p);
    }
    if (starts(p, e, "added zone ") || starts(p, e, "deleting zone ") ||
        starts(p, e, "updated zone ") || starts(p, e, "modified zone ")) {
        return do_zone_via(b, p, e, p);
    }
    return B_UNKNOWN;
}

/* ---- line framing: [print-time] [category: ] [severity: ] ---- */

#define CAT(x)                                                                                     \
    {                                                                                              \
        x, sizeof(x) - 1                                                                           \
    }
static const struct {
    const char *s;
    size_t n;
} categories[] = {
    CAT("client"),
    CAT("cname"),
    CAT("config"),
    CAT("database"),
    CAT("default"),
    CAT("delegation-only"),
    CAT("dispatch"),
    CAT("dnssec"),
    CAT("dnstap"),
    CAT("edns-disabled"),
    CAT("general"),
    CAT("lame-servers"),
    CAT("network"),
    CAT("notify"),
    CAT("nsid"),
    CAT("queries"),
    CAT("query-errors"),
    CAT("rate-limit"),
    CAT("resolver"),
    CAT("rpz"),
    CAT("rpz-passthru"),
    CAT("security"),
    CAT("serve-stale"),
    CAT("spill"),
    CAT("sslkeylog"),
    CAT("trust-anchor-telemetry"),
    CAT("unmatched"),
    CAT("update"),
    CAT("update-security"),
    CAT("xfer-in"),
    CAT("xfer-out"),
    CAT("zoneload"),
};
#undef CAT

/* Categories whose every message zonewarden maps: an unknown one is dead-lettered. */
static int strict_category(zw_str c)
{
    return zw_str_eq(c, "queries") || zw_str_eq(c, "xfer-out") || zw_str_eq(c, "security") ||
           zw_str_eq(c, "update") || zw_str_eq(c, "update-security");
}

static int is_category(const char *p, size_t n)
{
    for (size_t i = 0; i < ZW_ARRAY_LEN(categories); i++) {
        if (categories[i].n == n && memcmp(p, categories[i].s, n) == 0) {
            return 1;
        }
    }
    return 0;
}

/* "critical: " ... "debug 3: " -> length of the severity word(s), or 0 */
static size_t severity_len(const char *p, const char *e)
{
    static const char *const sev[] = {"critical", "error", "warning", "notice", "info", "dynamic"};
    for (size_t i = 0; i < ZW_ARRAY_LEN(sev); i++) {
        size_t n = strlen(sev[i]);
        if ((size_t)(e - p) > n + 1 && memcmp(p, sev[i], n) == 0 && p[n] == ':' &&
            p[n + 1] == ' ') {
            return n;
        }
    }
    if (starts(p, e, "debug")) {
        const char *q = p + 5;
        if (eat(&q, e, " ")) {
            while (q < e && *q >= '0' && *q <= '9') {
                q++;
            }
        }
        if (e - q >= 2 && q[0] == ':' && q[1] == ' ') {
            return (size_t)(q - p);
        }
    }
    return 0;
}

/* BIND's own ISO print-time: exactly milliseconds, then "Z" (iso8601-utc) or "+hh:mm"
 * (iso8601), as named writes it.  Other daemons' ISO stamps (Knot: no fraction, "+0000";
 * rsyslog, journald: microseconds) do not have this shape. */
static int digit(char c)
{
    return c >= '0' && c <= '9';
}

static int bind_iso_shape(const char *p, size_t k)
{
    if (k < 24 || p[19] != '.' || !digit(p[20]) || !digit(p[21]) || !digit(p[22])) {
        return 0;
    }
    return (k == 24 && p[23] == 'Z') || (k == 29 && (p[23] == '+' || p[23] == '-') && p[26] == ':');
}

int nz_bind_is_named_app(zw_str app)
{
    return app.n >= 5 && memcmp(app.p, "named", 5) == 0;
}

int nz_bind_parse_body(const nz_record *rec, const nz_syslog *sl, const char *p, size_t n,
                       const nz_bind_flavor *fl, zw_event *ev, nz_emitter *em, char *errstr,
                       size_t errstr_size)
{
    bline b;
    memset(&b, 0, sizeof b);
    b.rec = rec;
    b.sl = sl;
    b.fl = fl;
    b.ev = ev;
    b.em = em;
    b.err = errstr;
    b.errsz = errstr_size;
    const char *e = p + n;
    int strong = sl && nz_bind_is_named_app(sl->app);

    size_t k = zw_time_bind(p, n, rec->tc, &b.t);
    if (k && k < n && p[k] == ' ') {
        strong = 1;
    } else if (n > 10 && p[4] == '-' && (k = zw_time_iso(p, n, rec->tc, &b.t)) && k < n &&
               p[k] == ' ') {
        /* print-time iso8601 / iso8601-utc */
    } else {
        k = 0;
    }
    if (k) {
        b.ts = zw_str_make(p, k);
        b.has_t = 1;
        p += k + 1;
    } else if (sl && sl->has_time) {
        b.t = sl->time_ms;
        b.has_t = 1;
    } else {
        b.t = rec->tc && rec->tc->ref_ms ? rec->tc->ref_ms : zw_now_ms();
    }
    /* category */
    const char *c = p;
    while (c < e && ((*c >= 'a' && *c <= 'z') || *c == '-')) {
        c++;
    }
    if (c > p && e - c >= 2 && c[0] == ':' && c[1] == ' ' && is_category(p, (size_t)(c - p))) {
        b.cat = zw_str_make(p, (size_t)(c - p));
        p = c + 2;
        strong = 1;
    }
    size_t sv = severity_len(p, e);
    if (sv) {
        b.sev = zw_str_make(p, sv);
        p += sv + 2;
    }
    int rc = dispatch(&b, p, e);
    if (rc == B_UNKNOWN) {
        if (b.cat.n && strict_category(b.cat)) {
            return zw_errf(errstr, errstr_size, ZW_EINVAL, "unrecognised %.*s message",
                           (int)b.cat.n, b.cat.p);
        }
        return strong ? ZW_NOISE : ZW_NOMATCH;
    }
    if (rc == B_MALFORMED) {
        return strong ? ZW_EINVAL : ZW_NOMATCH;
    }
    return rc;
}

static const nz_bind_flavor bind_flavor = {"BIND", "ISC"};

/* Per-stream state: has this stream shown a line of named's with its ISO print-time? */
typedef struct {
    int iso_seen;
} bind_state;

static void *bind_state_new(void)
{
    return calloc(1, sizeof(bind_state));
}

static void bind_state_free(void *st)
{
    free(st);
}

/* Length of BIND's own ISO print-time at p (followed by a space), or 0. */
static size_t bind_iso_len(const nz_record *rec, const char *p, size_t n)
{
    int64_t t;
    size_t k = n > 24 && p[4] == '-' && p[10] == 'T' ? zw_time_iso(p, n, rec->tc, &t) : 0;
    return k && k < n && p[k] == ' ' && bind_iso_shape(p, k) ? k : 0;
}

/* A line with BIND's ISO print-time and a message no parser of named's maps ("running",
 * "all zones loaded", "zone X/IN: loaded serial N"): named's noise when --format bind
 * chose this parser, when this stream already showed named's ISO lines, or when the
 * message starts as only named's do.  Otherwise it is left to other parsers (an ISO
 * stamp alone is not BIND's: Route 53 exports start with one too). */
static int bind_iso_noise(const nz_record *rec, const bind_state *bs, const char *p, size_t n)
{
    static const char *const named_starts[] = {"zone ", "managed-keys-zone", "starting BIND ",
                                               "automatic empty zone"};
    size_t k = bind_iso_len(rec, p, n);
    if (!k) {
        return 0;
    }
    if (rec->forced || (bs && bs->iso_seen)) {
        return 1;
    }
    for (size_t i = 0; i < ZW_ARRAY_LEN(named_starts); i++) {
        if (starts(p + k + 1, p + n, named_starts[i])) {
            return 1;
        }
    }
    return 0;
}

static int parse_bind(const nz_record *rec, zw_event *ev, nz_emitter *em, char *errstr,
                      size_t errstr_size)
{
    bind_state *bs = rec->state;
    nz_syslog sl;
    const nz_syslog *slp = NULL;
    const char *p = rec->p;
    size_t n = rec->n;
    int rc;
    if (n && (p[0] == '<' || (p[0] >= 'A' && p[0] <= 'S' && n > 3 && p[3] == ' ') ||
              (n > 10 && p[4] == '-' && p[10] == 'T'))) {
        /* a header whose tag is not named's: some other daemon, or BIND's own ISO
         * print-time followed by a category that looked like a syslog tag */
        if (nz_syslog_parse(p, n, rec->tc, &sl) == ZW_OK &&
            (!sl.app.n || nz_bind_is_named_app(sl.app))) {
            if (!sl.app.n && n > 10 && p[4] == '-' && p[10] == 'T') {
                /* "ISO-TIME WORD MSG" without a tag reads as a tag-less header whose HOST
                 * is WORD, but is also BIND's ISO print-time with neither category nor
                 * severity ("...Z client @0x... denied"): named's own framing first */
                rc = nz_bind_parse_body(rec, NULL, p, n, &bind_flavor, ev, em, errstr, errstr_size);
                if (rc == ZW_NOMATCH) {
                    /* not a message of named's: maybe "ISO-TIME HOST MSG" after all */
                    zw_event_clear(ev);
                    if (errstr_size) {
                        errstr[0] = 0;
                    }
                    rc = nz_bind_parse_body(rec, &sl, sl.body.p, sl.body.n, &bind_flavor, ev, em,
                                            errstr, errstr_size);
                }
                goto out;
            }
            slp = &sl;
            p = sl.body.p;
            n = sl.body.n;
        }
    }
    rc = nz_bind_parse_body(rec, slp, p, n, &bind_flavor, ev, em, errstr, errstr_size);
out:
    if (rc == ZW_NOMATCH && bind_iso_noise(rec, bs, rec->p, rec->n)) {
        rc = ZW_NOISE;
    }
    /* a line taken as named's, ISO print-time first: the stream is named's */
    if ((rc == ZW_OK || rc == ZW_NOISE) && bs && bind_iso_len(rec, rec->p, rec->n)) {
        bs->iso_seen = 1;
    }
    return rc;
}

const nz_parser nz_parser_bind = {
    "bind",
    "BIND 9 (9.16-9.20) log lines, plain or in RFC 3164/5424 syslog",
    0,
    parse_bind,
    bind_state_new,
    bind_state_free,
};
