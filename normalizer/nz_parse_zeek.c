/*
 * nz_parse_zeek.c - Zeek dns.log, in both of Zeek's writers: the ASCII (TSV) writer with
 * its #separator / #fields / #types header (parser "zeek") and the JSON writer, one
 * object per line (parser "zeek-json").  Each row is one DNS query/response pair seen on
 * the wire; it becomes one DNS Activity event.  docs/EVENT.md "Zeek dns.log" lists every
 * mapping.  Not for Zeek's other logs (conn.log, ...): their rows are dead-lettered.
 *
 * Per-stream state (TSV only): the separators, the unset/empty markers, #path and the
 * column index of every field this parser reads, from the latest header; a new #fields
 * line replaces the columns, so concatenated logs with different layouts work.
 */
#include "nz.h"
#include "nz_srvlex.h"

#include "../common/zw_json.h"

#include <stdlib.h>
#include <string.h>

/* The columns this parser reads. */
enum {
    C_TS,
    C_UID,
    C_ORIG_H,
    C_ORIG_P,
    C_RESP_H,
    C_RESP_P,
    C_PROTO,
    C_TRANS_ID,
    C_RTT,
    C_QUERY,
    C_QCLASS,
    C_QCLASS_NAME,
    C_QTYPE,
    C_QTYPE_NAME,
    C_RCODE,
    C_RCODE_NAME,
    C_AA,
    C_TC,
    C_RD,
    C_RA,
    C_ANSWERS,
    C_TTLS,
    C_REJECTED,
    C_OPCODE,
    C_OPCODE_NAME,
    C__COUNT
};

static const char *const colnames[C__COUNT] = {
    "ts",       "uid",        "id.orig_h", "id.orig_p",   "id.resp_h",   "id.resp_p", "proto",
    "trans_id", "rtt",        "query",     "qclass",      "qclass_name", "qtype",     "qtype_name",
    "rcode",    "rcode_name", "AA",        "TC",          "RD",          "RA",        "answers",
    "TTLs",     "rejected",   "opcode",    "opcode_name",
};

#define ZEEK_MAX_COLS 256

typedef struct {
    char sep;
    char set_sep;
    char empty[32];
    char unset[32];
    char path[64];
    int ncols; /* 0 until a #fields line */
    int idx[C__COUNT];
} zeek_state;

static void zeek_reset(zeek_state *st)
{
    memset(st, 0, sizeof *st);
    st->sep = '\t';
    st->set_sep = ',';
    strcpy(st->empty, "(empty)");
    strcpy(st->unset, "-");
    for (int i = 0; i < C__COUNT; i++) {
        st->idx[i] = -1;
    }
}

static void *zeek_state_new(void)
{
    zeek_state *st = malloc(sizeof *st);
    if (st) {
        zeek_reset(st);
    }
    return st;
}

static void zeek_state_free(void *st)
{
    free(st);
}

/* One row, format-independent: scalar views (NULL = unset) and the two vectors. */
typedef struct {
    zw_str v[C__COUNT];
    /* TSV vectors are v[C_ANSWERS] / v[C_TTLS] split by set_sep; JSON ones are arrays */
    char set_sep;
    fjson_object *janswers, *jttls;
} zeek_row;

static int is_true(zw_str s)
{
    return s.n && (s.p[0] == 'T' || s.p[0] == 't' || s.p[0] == '1');
}

static int row_u64(zw_str s, uint64_t *out)
{
    return s.p && zw_parse_u64(s.p, s.n, out) == 0;
}

/* Zeek time "1590000000.123456" -> ms.  0 on success. */
static int epoch_ms(zw_str s, int64_t *out)
{
    nz_cur c = nz_cur_make(s.p, s.n);
    uint64_t secs;
    if (!nz_cur_u64(&c, &secs) || secs > 100000000000ull) {
        return -1;
    }
    int64_t ms = (int64_t)secs * 1000;
    if (nz_cur_lit(&c, ".")) {
        int mult = 100;
        while (!nz_cur_eof(&c) && nz_cur_ptr(&c)[0] >= '0' && nz_cur_ptr(&c)[0] <= '9') {
            ms += (nz_cur_ptr(&c)[0] - '0') * mult;
            mult /= 10;
            c.i++;
        }
    }
    if (!nz_cur_eof(&c)) {
        return -1;
    }
    *out = ms;
    return 0;
}

static int is_masked(zw_str s)
{
    /* btest's canonifier masks timestamps as XXXXXXXXXX.XXXXXX */
    if (s.n < 2) {
        return 0;
    }
    for (size_t i = 0; i < s.n; i++) {
        if (s.p[i] != 'X' && s.p[i] != '.') {
            return 0;
        }
    }
    return 1;
}

/* An interval "1200.000000" is written as "1200"; other values are kept as they are. */
static int add_item(zw_event *ev, zw_field f, const char *p, size_t n)
{
    if (f == ZW_F_U_DNS_ANSWER_TTLS && memchr(p, '.', n)) {
        while (n && p[n - 1] == '0') {
            n--;
        }
        if (n && p[n - 1] == '.') {
            n--;
        }
    }
    return zw_ev_list_add(ev, f, p, n);
}

static int add_tsv_vector(zw_event *ev, zw_field f, zw_str s, char sep)
{
    nz_cur c = nz_cur_make(s.p, s.n);
    while (!nz_cur_eof(&c)) {
        zw_str item;
        int more = nz_cur_until(&c, sep, &item);
        int rc = add_item(ev, f, item.p, item.n);
        if (rc) {
            return rc;
        }
        if (more) {
            c.i++;
        }
    }
    return ZW_OK;
}

static int add_json_vector(zw_event *ev, zw_field f, fjson_object *a)
{
    if (!a || !fjson_object_is_type(a, fjson_type_array)) {
        return ZW_OK;
    }
    for (int i = 0; i < fjson_object_array_length(a); i++) {
        fjson_object *x = fjson_object_array_get_idx(a, i);
        const char *s = x ? fjson_object_get_string(x) : NULL;
        if (s) {
            int rc = add_item(ev, f, s, strlen(s));
            if (rc) {
                return rc;
            }
        }
    }
    return ZW_OK;
}

static const char *class_short(zw_str s)
{
    if (zw_str_eq(s, "C_INTERNET")) {
        return "IN";
    }
    if (zw_str_eq(s, "C_CHAOS")) {
        return "CH";
    }
    if (zw_str_eq(s, "C_HESIOD")) {
        return "HS";
    }
    if (zw_str_eq(s, "C_NONE")) {
        return "NONE";
    }
    if (zw_str_eq(s, "C_ANY")) {
        return "ANY";
    }
    return NULL;
}

/* The mapping shared by both writers. */
static int zeek_map(const nz_record *rec, const zeek_row *r, zw_event *ev, nz_emitter *em, int json,
                    char *errstr, size_t errstr_size)
{
    int64_t t;
    uint64_t u;
    int rc;
    zw_str ts = r->v[C_TS];
    if (!ts.p) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "zeek: row without ts");
    }
    if (epoch_ms(ts, &t) == 0) {
        zw_ev_set_int(ev, ZW_F_TIME, t);
    } else if (json && zw_time_iso(ts.p, ts.n, rec->tc, &t) == ts.n) {
        zw_ev_set_int(ev, ZW_F_TIME, t);
    } else if (is_masked(ts)) {
        /* a test baseline: no real time exists; use the reference time, keep the text */
        zw_ev_set_int(ev, ZW_F_TIME, rec->tc->ref_ms);
        zw_ev_set_str(ev, ZW_F_META_ORIGINAL_TIME, ts.p, ts.n);
    } else {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "zeek: ts is not an epoch or ISO 8601 time");
    }

    int has_rcode = r->v[C_RCODE].p || r->v[C_RCODE_NAME].p;
    if ((rc = zw_ev_set_class(ev, ZW_CLASS_DNS_ACTIVITY, has_rcode ? 2 : 1))) {
        return rc;
    }
    nz_set_product(ev, "Zeek", "Zeek Project", "dns");
    if (r->v[C_UID].p) {
        zw_ev_set_str(ev, ZW_F_META_CORRELATION_UID, r->v[C_UID].p, r->v[C_UID].n);
    }
    struct {
        int col;
        zw_field f;
    } eps[] = {{C_ORIG_H, ZW_F_SRC_IP}, {C_RESP_H, ZW_F_DST_IP}};
    for (size_t i = 0; i < ZW_ARRAY_LEN(eps); i++) {
        zw_str a = r->v[eps[i].col];
        if (a.p) {
            if (!nz_ip_valid(a.p, a.n)) {
                return zw_errf(errstr, errstr_size, ZW_EINVAL, "zeek: %s is not an IP address",
                               colnames[eps[i].col]);
            }
            zw_ev_set_lower(ev, eps[i].f, a.p, a.n);
        }
    }
    if (row_u64(r->v[C_ORIG_P], &u) && u < 65536) {
        zw_ev_set_int(ev, ZW_F_SRC_PORT, (int64_t)u);
    }
    if (row_u64(r->v[C_RESP_P], &u) && u < 65536) {
        zw_ev_set_int(ev, ZW_F_DST_PORT, (int64_t)u);
    }
    if (r->v[C_PROTO].p) {
        zw_ev_set_lower(ev, ZW_F_CONN_PROTOCOL_NAME, r->v[C_PROTO].p, r->v[C_PROTO].n);
        /* a sensor does not know which side is "inside" */
        zw_ev_set_int(ev, ZW_F_CONN_DIRECTION_ID, 0);
        zw_ev_set_ref(ev, ZW_F_CONN_DIRECTION, "Unknown", 7);
    }
    if (r->v[C_RTT].p) {
        nz_cur c = nz_cur_make(r->v[C_RTT].p, r->v[C_RTT].n);
        int64_t ms;
        if (nz_cur_seconds_ms(&c, &ms) && nz_cur_eof(&c)) {
            zw_ev_set_int(ev, ZW_F_DURATION, ms);
        }
    }

    /* opcode: numeric column, else by name, else Query (Zeek's default layout has none) */
    int opcode = 0;
    if (row_u64(r->v[C_OPCODE], &u) && u <= 15) {
        opcode = (int)u;
    } else if (r->v[C_OPCODE_NAME].p) {
        zw_str on = r->v[C_OPCODE_NAME];
        opcode = zw_str_eq(on, "dynamic-update") ? 5 : zw_dns_opcode_id(on.p, on.n);
    }
    zw_str qtype = r->v[C_QTYPE_NAME];
    char tbuf[24];
    if (!qtype.p && row_u64(r->v[C_QTYPE], &u) && u < 65536) {
        const char *tn = nz_dns_type_name((unsigned)u);
        if (!tn) {
            snprintf(tbuf, sizeof tbuf, "TYPE%u", (unsigned)u);
            tn = tbuf;
        }
        qtype = zw_str_c(tn);
    }
    zw_str q = r->v[C_QUERY];
    if (q.p && q.n) {
        if ((rc = zw_ev_set_dname(ev, ZW_F_QUERY_HOSTNAME, q.p, q.n))) {
            return rc;
        }
        /* under query: only with a question (OCSF requires query.hostname) */
        if (row_u64(r->v[C_TRANS_ID], &u)) {
            zw_ev_set_int(ev, ZW_F_QUERY_PACKET_UID, (int64_t)u);
        }
        if (qtype.p) {
            /* "query-65534" is how Zeek names a type it has no mnemonic for */
            if (zw_starts(qtype.p, qtype.n, "query-")) {
                char b[32];
                int bn = snprintf(b, sizeof b, "TYPE%.*s",
                                  (int)(qtype.n - 6 < 20 ? qtype.n - 6 : 20), qtype.p + 6);
                rc = zw_ev_set_str(ev, ZW_F_QUERY_TYPE, b, (size_t)bn);
            } else {
                rc = zw_ev_set_str(ev, ZW_F_QUERY_TYPE, qtype.p, qtype.n);
            }
            if (rc) {
                return rc;
            }
        }
        const char *cls = r->v[C_QCLASS_NAME].p ? class_short(r->v[C_QCLASS_NAME]) : NULL;
        if (cls) {
            zw_ev_set_ref(ev, ZW_F_QUERY_CLASS, cls, strlen(cls));
        } else if (r->v[C_QCLASS_NAME].p) {
            zw_ev_set_str(ev, ZW_F_QUERY_CLASS, r->v[C_QCLASS_NAME].p, r->v[C_QCLASS_NAME].n);
        }
        if (opcode <= 6 && opcode != 3) {
            nz_set_opcode(ev, opcode);
        } else {
            zw_ev_set_int(ev, ZW_F_QUERY_OPCODE_ID, 99);
            zw_ev_set_ref(ev, ZW_F_QUERY_OPCODE, "Other", 5);
        }
    }

    /* rcode: numeric, else by name */
    int rcode = -1;
    if (row_u64(r->v[C_RCODE], &u) && u < 4096) {
        rcode = (int)u;
    } else if (r->v[C_RCODE_NAME].p) {
        rcode = zw_dns_rcode_id(r->v[C_RCODE_NAME].p, r->v[C_RCODE_NAME].n);
    }
    if (rcode >= 0) {
        nz_set_rcode(ev, rcode);
        if (!zw_dns_rcode_name(rcode) && r->v[C_RCODE_NAME].p) {
            zw_ev_set_str(ev, ZW_F_RCODE, r->v[C_RCODE_NAME].p, r->v[C_RCODE_NAME].n);
        }
    }
    int rejected = r->v[C_REJECTED].p && is_true(r->v[C_REJECTED]);
    if (rejected) {
        zw_ev_set_status(ev, ZW_STATUS_FAILURE);
        zw_ev_set_ref(ev, ZW_F_STATUS_DETAIL, "rejected", 8);
    } else if (rcode == 0) {
        zw_ev_set_status(ev, ZW_STATUS_SUCCESS);
    } else if (rcode > 0) {
        zw_ev_set_status(ev, ZW_STATUS_FAILURE);
    }

    /* header flags, as dig prints them */
    static const struct {
        int col;
        const char *name;
    } flags[] = {{C_AA, "aa"}, {C_TC, "tc"}, {C_RD, "rd"}, {C_RA, "ra"}};
    char fb[16];
    size_t fn = 0;
    for (size_t i = 0; i < ZW_ARRAY_LEN(flags); i++) {
        if (r->v[flags[i].col].p && is_true(r->v[flags[i].col])) {
            if (fn) {
                fb[fn++] = ' ';
            }
            memcpy(fb + fn, flags[i].name, 2);
            fn += 2;
        }
    }
    if (fn && (rc = zw_ev_set_str(ev, ZW_F_U_DNS_FLAGS, fb, fn))) {
        return rc;
    }

    if (json) {
        if ((rc = add_json_vector(ev, ZW_F_ANSWERS_RDATA, r->janswers)) ||
            (rc = add_json_vector(ev, ZW_F_U_DNS_ANSWER_TTLS, r->jttls))) {
            return rc;
        }
    } else {
        if (r->v[C_ANSWERS].p &&
            (rc = add_tsv_vector(ev, ZW_F_ANSWERS_RDATA, r->v[C_ANSWERS], r->set_sep))) {
            return rc;
        }
        if (r->v[C_TTLS].p &&
            (rc = add_tsv_vector(ev, ZW_F_U_DNS_ANSWER_TTLS, r->v[C_TTLS], r->set_sep))) {
            return rc;
        }
    }

    /* names that are zones: transfers, NOTIFY, UPDATE */
    int xfr = qtype.p && (zw_str_eq(qtype, "AXFR") || zw_str_eq(qtype, "IXFR"));
    if (q.p && q.n && (xfr || opcode == 4 || opcode == 5)) {
        zw_str h = zw_ev_str(ev, ZW_F_QUERY_HOSTNAME);
        zw_ev_set_ref(ev, ZW_F_U_ZONE, h.p, h.n);
    }
    if (xfr) {
        zw_ev_set_str(ev, ZW_F_U_XFER_KIND, qtype.p, qtype.n);
        zw_ev_set_ref(ev, ZW_F_U_XFER_DIRECTION, "out", 3);
        const char *phase = rcode < 0                              ? "requested"
                            : rejected || rcode == 5 || rcode == 9 ? "denied"
                            : rcode == 0                           ? "ended"
                                                                   : "failed";
        zw_ev_set_cstr(ev, ZW_F_U_XFER_PHASE, phase);
    }
    return nz_emit(em, ev);
}

/* --- TSV --- */

static int header_value(const char *p, size_t n, const char *name, char sep, zw_str *out)
{
    size_t l = strlen(name);
    if (n <= l || memcmp(p, name, l) != 0 || (p[l] != sep && p[l] != ' ')) {
        return 0;
    }
    out->p = p + l + 1;
    out->n = n - l - 1;
    return 1;
}

static void copy_marker(char *dst, size_t dn, zw_str v)
{
    size_t k = v.n < dn - 1 ? v.n : dn - 1;
    memcpy(dst, v.p, k);
    dst[k] = 0;
}

static int zeek_header(zeek_state *st, const nz_record *rec, char *errstr, size_t errstr_size)
{
    zw_str v;
    const char *p = rec->p;
    size_t n = rec->n;
    if (header_value(p, n, "#separator", ' ', &v)) {
        /* "#separator \x09" */
        if (v.n == 4 && v.p[0] == '\\' && v.p[1] == 'x') {
            char hex[3] = {v.p[2], v.p[3], 0};
            char *end;
            long c = strtol(hex, &end, 16);
            if (*end || c <= 0) {
                return zw_errf(errstr, errstr_size, ZW_EINVAL, "zeek: bad #separator");
            }
            zeek_reset(st);
            st->sep = (char)c;
        } else if (v.n == 1) {
            zeek_reset(st);
            st->sep = v.p[0];
        } else {
            return zw_errf(errstr, errstr_size, ZW_EINVAL, "zeek: bad #separator");
        }
        return ZW_NOISE;
    }
    if (header_value(p, n, "#set_separator", st->sep, &v)) {
        if (v.n != 1) {
            return zw_errf(errstr, errstr_size, ZW_EINVAL, "zeek: bad #set_separator");
        }
        st->set_sep = v.p[0];
        return ZW_NOISE;
    }
    if (header_value(p, n, "#empty_field", st->sep, &v)) {
        copy_marker(st->empty, sizeof st->empty, v);
        return ZW_NOISE;
    }
    if (header_value(p, n, "#unset_field", st->sep, &v)) {
        copy_marker(st->unset, sizeof st->unset, v);
        return ZW_NOISE;
    }
    if (header_value(p, n, "#path", st->sep, &v)) {
        copy_marker(st->path, sizeof st->path, v);
        return ZW_NOISE;
    }
    if (header_value(p, n, "#fields", st->sep, &v)) {
        nz_cur c = nz_cur_make(v.p, v.n);
        int col = 0;
        for (int i = 0; i < C__COUNT; i++) {
            st->idx[i] = -1;
        }
        while (1) {
            zw_str name;
            int more = nz_cur_until(&c, st->sep, &name);
            for (int i = 0; i < C__COUNT; i++) {
                if (zw_str_eq(name, colnames[i])) {
                    st->idx[i] = col;
                }
            }
            col++;
            if (!more || col >= ZEEK_MAX_COLS) {
                break;
            }
            c.i++;
        }
        if (st->idx[C_TS] < 0) {
            st->ncols = 0;
            return zw_errf(errstr, errstr_size, ZW_EINVAL, "zeek: #fields has no ts column");
        }
        st->ncols = col;
        return ZW_NOISE;
    }
    if (header_value(p, n, "#types", st->sep, &v) || header_value(p, n, "#open", st->sep, &v) ||
        header_value(p, n, "#close", st->sep, &v)) {
        return ZW_NOISE;
    }
    return ZW_NOMATCH;
}

static int zeek_parse(const nz_record *rec, zw_event *ev, nz_emitter *em, char *errstr,
                      size_t errstr_size)
{
    zeek_state *st = rec->state;
    if (!st) {
        return ZW_NOMATCH;
    }
    if (rec->n && rec->p[0] == '#') {
        int rc = zeek_header(st, rec, errstr, errstr_size);
        if (rc != ZW_NOMATCH) {
            return rc;
        }
        /* btest's first line in Zeek's own test baselines */
        if (zw_starts(rec->p, rec->n, "### BTest baseline data generated by btest-diff")) {
            return ZW_NOISE;
        }
        return ZW_NOMATCH;
    }
    if (!st->ncols) {
        return ZW_NOMATCH; /* no header seen: not recognisable as Zeek */
    }
    if (st->path[0] && strcmp(st->path, "dns") != 0) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "zeek: #path %s is not dns.log", st->path);
    }
    zw_str cols[ZEEK_MAX_COLS];
    int nc = 0;
    nz_cur c = nz_cur_make(rec->p, rec->n);
    while (nc < ZEEK_MAX_COLS) {
        int more = nz_cur_until(&c, st->sep, &cols[nc]);
        nc++;
        if (!more) {
            break;
        }
        c.i++;
    }
    if (nc != st->ncols || !nz_cur_eof(&c)) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "zeek: row has %d columns, #fields has %d",
                       nc, st->ncols);
    }
    zeek_row r;
    memset(&r, 0, sizeof r);
    r.set_sep = st->set_sep;
    for (int i = 0; i < C__COUNT; i++) {
        if (st->idx[i] < 0) {
            continue;
        }
        zw_str v = cols[st->idx[i]];
        if (zw_str_eq(v, st->unset)) {
            continue;
        }
        if (zw_str_eq(v, st->empty)) {
            v.n = 0;
        }
        r.v[i] = v;
    }
    if (r.v[C_ANSWERS].p && r.v[C_ANSWERS].n == 0) {
        r.v[C_ANSWERS].p = NULL;
    }
    if (r.v[C_TTLS].p && r.v[C_TTLS].n == 0) {
        r.v[C_TTLS].p = NULL;
    }
    return zeek_map(rec, &r, ev, em, 0, errstr, errstr_size);
}

/* --- JSON --- */

static int zeek_json_parse(const nz_record *rec, zw_event *ev, nz_emitter *em, char *errstr,
                           size_t errstr_size)
{
    fjson_object *o = rec->json, *x;
    if (!o || !fjson_object_is_type(o, fjson_type_object)) {
        return ZW_NOMATCH;
    }
    const char *path = zw_jstr(o, "_path", NULL);
    if (path && strcmp(path, "dns") != 0) {
        return ZW_NOMATCH;
    }
    /* a Zeek dns.log row has flat dotted keys, a uid and DNS columns */
    if (!fjson_object_object_get_ex(o, "id.orig_h", &x) ||
        !fjson_object_object_get_ex(o, "uid", &x) ||
        !(fjson_object_object_get_ex(o, "query", &x) ||
          fjson_object_object_get_ex(o, "trans_id", &x) ||
          fjson_object_object_get_ex(o, "qtype_name", &x) ||
          fjson_object_object_get_ex(o, "rcode", &x))) {
        return ZW_NOMATCH;
    }
    zeek_row r;
    memset(&r, 0, sizeof r);
    for (int i = 0; i < C__COUNT; i++) {
        if (!fjson_object_object_get_ex(o, colnames[i], &x) || !x) {
            continue;
        }
        if (i == C_ANSWERS) {
            r.janswers = x;
            continue;
        }
        if (i == C_TTLS) {
            r.jttls = x;
            continue;
        }
        if (fjson_object_is_type(x, fjson_type_object) ||
            fjson_object_is_type(x, fjson_type_array)) {
            return zw_errf(errstr, errstr_size, ZW_EINVAL, "zeek-json: %s is not a scalar",
                           colnames[i]);
        }
        const char *s = fjson_object_get_string(x);
        if (s) {
            r.v[i] = zw_str_c(s);
        }
    }
    return zeek_map(rec, &r, ev, em, 1, errstr, errstr_size);
}

const nz_parser nz_parser_zeek = {
    "zeek",
    "Zeek dns.log, ASCII/TSV writer with #fields header",
    0,
    zeek_parse,
    zeek_state_new,
    zeek_state_free,
};

const nz_parser nz_parser_zeek_json = {
    "zeek-json", "Zeek dns.log, JSON writer (one object per line)", 1, zeek_json_parse, NULL, NULL,
};
