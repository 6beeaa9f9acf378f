/*
 * nz_parse_infoblox.c - Infoblox NIOS syslog to canonical events: the audit log (httpd:
 * "2022-03-21 15:08:08.238Z [admin]: Created ARecord www.example.com DnsView=default
 * address=192.0.2.1: Set ...", also the appliance's own audit.log "[...Z] [admin]: ..."),
 * Infoblox's DNS response log ("client IP#PORT: UDP: query: N IN A response: NOERROR
 * +ED ..."), and its BIND-style named lines, which go through the BIND parser's internals
 * (nz_bind.h) with product "Infoblox NIOS".  docs/EVENT.md "Infoblox NIOS" has the
 * mappings.
 *
 * A named line is claimed only when it carries an Infoblox mark (the response log, the
 * "responses" categories, Infoblox CEF, the NIOS syslog header "HOST IP named" or
 * "httpd[]") or when this stream already showed one; otherwise it is left to the bind
 * parser, so a plain BIND log is never labelled Infoblox (with --format infoblox, every
 * named line is taken).  Not for: DHCP lines, RPZ CEF
 * details (counted as noise), BloxOne / Infoblox Portal JSON audit records.
 *
 * Ownership: per-stream state is one small struct (state_new / state_free); events hold
 * views into the record or copies in the event's arena.
 */
#include "nz_bind.h"
#include "nz_srvlex.h"

#include <stdlib.h>

typedef struct {
    int seen; /* this stream has shown an Infoblox-only line */
} ib_state;

static const nz_bind_flavor ib_flavor = {"Infoblox NIOS", "Infoblox"};

static void *ib_state_new(void)
{
    return calloc(1, sizeof(ib_state));
}

static void ib_state_free(void *st)
{
    free(st);
}

static int eat(const char **p, const char *e, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(e - *p) >= n && memcmp(*p, lit, n) == 0) {
        *p += n;
        return 1;
    }
    return 0;
}

static const char *find_c(const char *p, const char *e, char c)
{
    const char *r = memchr(p, c, (size_t)(e - p));
    return r ? r : e;
}

static void set_lit(zw_event *ev, zw_field f, const char *s)
{
    zw_ev_set_ref(ev, f, s, strlen(s));
}

/* Copies [p, p+n) decoding NIOS's octal escapes ("\040" is a space). */
static int set_unescaped(zw_event *ev, zw_field f, const char *p, size_t n)
{
    if (!memchr(p, '\\', n)) {
        zw_ev_set_ref(ev, f, p, n);
        return ZW_OK;
    }
    char *d = zw_arena_alloc(ev->arena, n + 1);
    if (!d) {
        return ZW_ENOMEM;
    }
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\\' && i + 3 < n && p[i + 1] >= '0' && p[i + 1] <= '3' && p[i + 2] >= '0' &&
            p[i + 2] <= '7' && p[i + 3] >= '0' && p[i + 3] <= '7') {
            d[o++] = (char)(((p[i + 1] - '0') << 6) | ((p[i + 2] - '0') << 3) | (p[i + 3] - '0'));
            i += 3;
        } else {
            d[o++] = p[i];
        }
    }
    d[o] = 0;
    zw_ev_set_ref(ev, f, d, o);
    return ZW_OK;
}

static int common(zw_event *ev, const nz_syslog *sl, int64_t t, zw_str ts, const char *log_name)
{
    zw_ev_set_int(ev, ZW_F_TIME, t);
    if (ts.n) {
        zw_ev_set_ref(ev, ZW_F_META_ORIGINAL_TIME, ts.p, ts.n);
    }
    set_lit(ev, ZW_F_META_PRODUCT_NAME, ib_flavor.product);
    set_lit(ev, ZW_F_META_PRODUCT_VENDOR, ib_flavor.vendor);
    set_lit(ev, ZW_F_META_LOG_NAME, log_name);
    if (sl && sl->pri >= 0) {
        set_lit(ev, ZW_F_META_LOG_LEVEL, nz_syslog_severity_name(sl->pri));
    }
    if (sl && sl->host.n) {
        zw_ev_set_ref(ev, ZW_F_DST_HOSTNAME, sl->host.p, sl->host.n);
    }
    return ZW_OK;
}

/* ---- audit log ---- */

/* Infoblox object type -> DNS record type ("ARecord" -> "A", "AaaaRecord" -> "AAAA"). */
static int record_type(zw_event *ev, zw_str ot)
{
    size_t n = ot.n - 6; /* without "Record" */
    char *d = zw_arena_alloc(ev->arena, n + 1);
    if (!d) {
        return ZW_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        char c = ot.p[i];
        d[i] = (char)(c >= 'a' && c <= 'z' ? c - 32 : c);
    }
    d[n] = 0;
    zw_ev_set_ref(ev, ZW_F_U_RECORD_TYPE, d, n);
    return ZW_OK;
}

static int is_value_key(zw_str k)
{
    static const char *const keys[] = {"address",        "ipv4addr",  "ipv6addr", "canonical_name",
                                       "mail_exchanger", "ptrdname",  "text",     "target",
                                       "dname",          "nameserver"};
    for (size_t i = 0; i < ZW_ARRAY_LEN(keys); i++) {
        if (zw_str_eq(k, keys[i])) {
            return 1;
        }
    }
    return 0;
}

static int ends_with(zw_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.n >= n && memcmp(s.p + s.n - n, lit, n) == 0;
}

static int contains(zw_str s, const char *lit)
{
    return zw_memmem(s.p, s.n, lit, strlen(lit)) != NULL;
}

/* "ACTION[(VERB) URI INDATA SECS] OBJTYPE OBJNAME [k=v ...][: Set|Changed ...]" */
static int audit_change(const nz_syslog *sl, int64_t t, zw_str ts, zw_str user, const char *p,
                        const char *e, zw_event *ev, nz_emitter *em, char *errstr,
                        size_t errstr_size)
{
    const char *msg = p;
    const char *a = p;
    while (p < e && *p != ' ' && *p != '(') {
        p++;
    }
    zw_str action = zw_str_make(a, (size_t)(p - a));
    zw_str verb = {NULL, 0}, uri = {NULL, 0};
    if (p < e && *p == '(') {
        /* WAPI session logging: "(POST) v2.9/zone_auth {...} 2.233 " */
        const char *v = p + 1, *ve = find_c(v, e, ')');
        if (ve == e) {
            return zw_errf(errstr, errstr_size, ZW_EINVAL, "audit action with unterminated (VERB)");
        }
        verb = zw_str_make(v, (size_t)(ve - v));
        p = ve + 1;
        if (!eat(&p, e, " ")) {
            return zw_errf(errstr, errstr_size, ZW_EINVAL, "audit WAPI action without URI");
        }
        const char *u = p;
        p = find_c(p, e, ' ');
        uri = zw_str_make(u, (size_t)(p - u));
        eat(&p, e, " ");
        if (p < e && (*p == '{' || *p == '[')) {
            int depth = 0, q = 0;
            for (; p < e; p++) {
                if (q) {
                    if (*p == '\\' && p + 1 < e) {
                        p++;
                    } else if (*p == '"') {
                        q = 0;
                    }
                    continue;
                }
                if (*p == '"') {
                    q = 1;
                } else if (*p == '{' || *p == '[') {
                    depth++;
                } else if ((*p == '}' || *p == ']') && --depth == 0) {
                    p++;
                    break;
                }
            }
            eat(&p, e, " ");
        }
        /* response time in seconds */
        const char *r = p;
        while (p < e && ((*p >= '0' && *p <= '9') || *p == '.')) {
            p++;
        }
        if (p == r || !eat(&p, e, " ")) {
            return zw_errf(errstr, errstr_size, ZW_EINVAL,
                           "audit WAPI action without response time");
        }
    } else {
        eat(&p, e, " ");
    }
    int activity = zw_str_eq(action, "Created")    ? 1
                   : zw_str_eq(action, "Modified") ? 3
                   : zw_str_eq(action, "Deleted")  ? 4
                                                   : 0;
    const char *o = p;
    while (p < e && *p != ' ' && *p != ':') {
        p++;
    }
    zw_str otype = zw_str_make(o, (size_t)(p - o));
    eat(&p, e, " ");
    const char *nm = p;
    while (p < e && *p != ' ') {
        p++;
    }
    zw_str oname = zw_str_make(nm, (size_t)(p - nm));
    if (oname.n && oname.p[oname.n - 1] == ':') {
        oname.n--;
        p = oname.p + oname.n;
    }
    if (!otype.n || !oname.n) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "audit %.*s without object type and name",
                       (int)action.n, action.p);
    }
    int rc = zw_ev_set_class(ev, ZW_CLASS_API_ACTIVITY, activity);
    if (rc) {
        return rc;
    }
    common(ev, sl, t, ts, "audit");
    if ((rc = set_unescaped(ev, ZW_F_ACTOR_USER_NAME, user.p, user.n))) {
        return rc;
    }
    char *op = zw_arena_alloc(ev->arena, action.n + 1 + otype.n + 1);
    if (!op) {
        return ZW_ENOMEM;
    }
    memcpy(op, action.p, action.n);
    op[action.n] = ' ';
    memcpy(op + action.n + 1, otype.p, otype.n);
    zw_ev_set_ref(ev, ZW_F_API_OPERATION, op, action.n + 1 + otype.n);
    set_lit(ev, ZW_F_API_SERVICE_NAME, verb.n ? "WAPI" : "NIOS");
    /* the audit line names the admin, never the address the change came from */
    nz_set_channel_source(ev, verb.n ? "NIOS WAPI" : "NIOS GUI/API", NULL, 0);
    if (uri.n > 1 && uri.p[0] == 'v') {
        const char *sl2 = find_c(uri.p, uri.p + uri.n, '/');
        zw_ev_set_ref(ev, ZW_F_API_VERSION, uri.p, (size_t)(sl2 - uri.p));
    }
    if ((rc = set_unescaped(ev, ZW_F_RES_NAME, oname.p, oname.n))) {
        return rc;
    }
    zw_ev_set_ref(ev, ZW_F_RES_TYPE, otype.p, otype.n);
    if (activity) {
        set_lit(ev, ZW_F_U_CHANGE_ACTION,
                activity == 1   ? "CREATE"
                : activity == 4 ? "DELETE"
                                : "UPDATE");
    }
    int is_record = ends_with(otype, "Record") && otype.n > 6;
    int is_zone = contains(otype, "Zone");
    set_lit(ev, ZW_F_U_CHANGE_KIND, is_record ? "record" : is_zone ? "zone" : "config");
    if ((rc = zw_ev_set_dname(ev, ZW_F_U_CHANGE_TARGET, oname.p, oname.n))) {
        return rc;
    }
    if (is_record) {
        if ((rc = zw_ev_set_dname(ev, ZW_F_U_RECORD_NAME, oname.p, oname.n)) ||
            (rc = record_type(ev, otype))) {
            return rc;
        }
    } else if (is_zone) {
        if ((rc = zw_ev_set_dname(ev, ZW_F_U_ZONE, oname.p, oname.n))) {
            return rc;
        }
    }
    /* " k=v k=v[:]" up to ": Set ..." / ": Changed ..." */
    while (p < e && *p == ' ') {
        p++;
        const char *k = p;
        while (p < e && *p != ' ') {
            p++;
        }
        zw_str kv = zw_str_make(k, (size_t)(p - k));
        int last = kv.n && kv.p[kv.n - 1] == ':';
        if (last) {
            kv.n--;
        }
        const char *eq = memchr(kv.p, '=', kv.n);
        if (eq) {
            zw_str key = zw_str_make(kv.p, (size_t)(eq - kv.p));
            zw_str val = zw_str_make(eq + 1, kv.n - key.n - 1);
            if (zw_str_eq(key, "DnsView") || zw_str_eq(key, "dns_view")) {
                if ((rc = set_unescaped(ev, ZW_F_U_DNS_VIEW, val.p, val.n))) {
                    return rc;
                }
            } else if (is_record && is_value_key(key) && val.n &&
                       (rc = zw_ev_list_add(ev, ZW_F_U_RECORD_VALUES, val.p, val.n))) {
                return rc;
            }
        }
        if (last) {
            break;
        }
    }
    zw_ev_set_status(ev, ZW_STATUS_SUCCESS);
    zw_ev_set_ref(ev, ZW_F_MESSAGE, msg, (size_t)(e - msg));
    return nz_emit(em, ev);
}

/* "Called - NAME[: Args ...]" */
static int audit_called(const nz_syslog *sl, int64_t t, zw_str ts, zw_str user, const char *p,
                        const char *e, zw_event *ev, nz_emitter *em, char *errstr,
                        size_t errstr_size)
{
    const char *msg = p;
    if (!eat(&p, e, "Called - ")) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "audit Called without '- FUNCTION'");
    }
    const char *f = p;
    while (p < e && *p != ' ' && *p != ':') {
        p++;
    }
    if (p == f) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "audit Called without function name");
    }
    int rc = zw_ev_set_class(ev, ZW_CLASS_API_ACTIVITY, 99);
    if (rc) {
        return rc;
    }
    common(ev, sl, t, ts, "audit");
    if ((rc = set_unescaped(ev, ZW_F_ACTOR_USER_NAME, user.p, user.n))) {
        return rc;
    }
    zw_ev_set_ref(ev, ZW_F_API_OPERATION, f, (size_t)(p - f));
    set_lit(ev, ZW_F_API_SERVICE_NAME, "NIOS");
    nz_set_channel_source(ev, "NIOS GUI/API", NULL, 0);
    zw_ev_set_status(ev, ZW_STATUS_SUCCESS);
    zw_ev_set_ref(ev, ZW_F_MESSAGE, msg, (size_t)(e - msg));
    return nz_emit(em, ev);
}

/* Audit prefix "YYYY-MM-DD hh:mm:ss.mmmZ [USER]: " (syslog) or "[...Z] [USER]: " (file).
 * Returns the message start, or NULL. */
static const char *audit_prefix(const nz_record *rec, const char *p, const char *e, int64_t *t,
                                zw_str *ts, zw_str *user)
{
    int br = eat(&p, e, "[");
    if (e - p < 20 || p[4] != '-' || p[10] != ' ') {
        return NULL;
    }
    size_t k = zw_time_iso(p, (size_t)(e - p), rec->tc, t);
    if (!k) {
        return NULL;
    }
    *ts = zw_str_make(p, k);
    p += k;
    if (br && !eat(&p, e, "]")) {
        return NULL;
    }
    if (!eat(&p, e, " [")) {
        return NULL;
    }
    const char *u = p;
    const char *ue = zw_memmem(p, (size_t)(e - p), "]: ", 3);
    if (!ue) {
        return NULL;
    }
    *user = zw_str_make(u, (size_t)(ue - u));
    return ue + 3;
}

static int do_audit(const nz_syslog *sl, int64_t t, zw_str ts, zw_str user, const char *p,
                    const char *e, zw_event *ev, nz_emitter *em, char *errstr, size_t errstr_size)
{
    static const char *const auth[] = {"Login_Allowed", "Login_Denied",         "Logout",
                                       "First_Login",   "Password_Reset_Error", "Password_Reset",
                                       "Login_Locked"};
    const char *a = p;
    while (a < e && *a != ' ' && *a != '(') {
        a++;
    }
    zw_str action = zw_str_make(p, (size_t)(a - p));
    if (!action.n) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "audit line without action");
    }
    for (size_t i = 0; i < ZW_ARRAY_LEN(auth); i++) {
        if (zw_str_eq(action, auth[i])) {
            return ZW_NOISE; /* authentication: outside zonewarden's scope */
        }
    }
    if (zw_str_eq(action, "Called")) {
        return audit_called(sl, t, ts, user, p, e, ev, em, errstr, errstr_size);
    }
    return audit_change(sl, t, ts, user, p, e, ev, em, errstr, errstr_size);
}

/* ---- DNS response log ---- */

/* "client [@0x.. ]IP#PORT[:] [view V: ]UDP|TCP: query: N C T response: RCODE [FLAGS [ANS;..]]" */
static int do_response(const nz_syslog *sl, int64_t t, zw_str ts, const char *p, const char *e,
                       zw_event *ev, nz_emitter *em, char *errstr, size_t errstr_size)
{
    if (eat(&p, e, "@0x")) {
        p = find_c(p, e, ' ');
        eat(&p, e, " ");
    }
    const char *ip = p, *h = find_c(p, e, '#');
    if (h == e || h == ip) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "response line without client IP#PORT");
    }
    p = h + 1;
    int64_t port = 0;
    const char *ps = p;
    while (p < e && *p >= '0' && *p <= '9' && p - ps < 6) {
        port = port * 10 + (*p - '0');
        p++;
    }
    if (p == ps) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "response line without client port");
    }
    eat(&p, e, ":");
    eat(&p, e, " ");
    zw_str view = {NULL, 0};
    if (eat(&p, e, "view ")) {
        const char *v = p, *ve = zw_memmem(p, (size_t)(e - p), ": ", 2);
        if (!ve) {
            return zw_errf(errstr, errstr_size, ZW_EINVAL, "response line with unterminated view");
        }
        view = zw_str_make(v, (size_t)(ve - v));
        p = ve + 2;
    }
    int tcp = eat(&p, e, "TCP");
    if (!tcp && !eat(&p, e, "UDP")) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "response line without UDP/TCP");
    }
    if (!eat(&p, e, ": query: ")) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "response line without query");
    }
    const char *n = p, *ne = find_c(p, e, ' ');
    const char *c = ne < e ? ne + 1 : e, *ce = find_c(c, e, ' ');
    const char *ty = ce < e ? ce + 1 : e, *te = find_c(ty, e, ' ');
    p = te;
    if (ne == n || ce == c || te == ty || !eat(&p, e, " response: ")) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL,
                       "response line without NAME CLASS TYPE response:");
    }
    const char *r = p, *re = find_c(p, e, ' ');
    if (re == r) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "response line without rcode");
    }
    int rc = zw_ev_set_class(ev, ZW_CLASS_DNS_ACTIVITY, 2);
    if (rc) {
        return rc;
    }
    common(ev, sl, t, ts, "responses");
    zw_ev_set_ref(ev, ZW_F_SRC_IP, ip, (size_t)(h - ip));
    zw_ev_set_int(ev, ZW_F_SRC_PORT, port);
    if (view.n) {
        zw_ev_set_ref(ev, ZW_F_U_DNS_VIEW, view.p, view.n);
    }
    if ((rc = zw_ev_set_dname(ev, ZW_F_QUERY_HOSTNAME, n, (size_t)(ne - n)))) {
        return rc;
    }
    zw_ev_set_ref(ev, ZW_F_QUERY_CLASS, c, (size_t)(ce - c));
    zw_ev_set_ref(ev, ZW_F_QUERY_TYPE, ty, (size_t)(te - ty));
    set_lit(ev, ZW_F_QUERY_OPCODE, "Query");
    zw_ev_set_int(ev, ZW_F_QUERY_OPCODE_ID, 0);
    set_lit(ev, ZW_F_CONN_PROTOCOL_NAME, tcp ? "tcp" : "udp");
    zw_ev_set_int(ev, ZW_F_CONN_DIRECTION_ID, 1); /* OCSF requires it with connection_info */
    set_lit(ev, ZW_F_CONN_DIRECTION, "Inbound");
    int id = zw_dns_rcode_id(r, (size_t)(re - r));
    if (id >= 0) {
        set_lit(ev, ZW_F_RCODE, zw_dns_rcode_name(id));
        zw_ev_set_int(ev, ZW_F_RCODE_ID, id);
    } else {
        zw_ev_set_ref(ev, ZW_F_RCODE, r, (size_t)(re - r));
    }
    zw_ev_set_status(ev, id == 0 ? ZW_STATUS_SUCCESS : ZW_STATUS_FAILURE);
    size_t tn = (size_t)(te - ty);
    if (tn == 4 && (memcmp(ty, "AXFR", 4) == 0 || memcmp(ty, "IXFR", 4) == 0)) {
        set_lit(ev, ZW_F_U_XFER_KIND, ty[0] == 'A' ? "AXFR" : "IXFR");
        set_lit(ev, ZW_F_U_XFER_DIRECTION, "out");
        set_lit(ev, ZW_F_U_XFER_PHASE, id == 0 ? "started" : "denied");
        if ((rc = zw_ev_set_dname(ev, ZW_F_U_ZONE, n, (size_t)(ne - n)))) {
            return rc;
        }
    }
    p = re;
    if (eat(&p, e, " ")) {
        const char *f = p, *fe = find_c(p, e, ' ');
        zw_ev_set_ref(ev, ZW_F_U_DNS_FLAGS, f, (size_t)(fe - f));
        p = fe;
        /* answers "name ttl class type rdata;" separated by "; " (quotes may hold ';') */
        int count = 0;
        while (p < e && count < 64) {
            while (p < e && *p == ' ') {
                p++;
            }
            const char *s = p;
            int q = 0;
            while (p < e && (q || *p != ';')) {
                if (*p == '"') {
                    q = !q;
                }
                p++;
            }
            const char *x = s;
            for (int field = 0; field < 4 && x < p; field++) {
                x = find_c(x, p, ' ');
                if (x < p) {
                    x++;
                }
            }
            if (x < p && (rc = zw_ev_list_add(ev, ZW_F_ANSWERS_RDATA, x, (size_t)(p - x)))) {
                return rc;
            }
            count++;
            eat(&p, e, ";");
        }
    }
    return nz_emit(em, ev);
}

/* ---- dispatch ---- */

static int parse_infoblox(const nz_record *rec, zw_event *ev, nz_emitter *em, char *errstr,
                          size_t errstr_size)
{
    ib_state *st = rec->state;
    nz_syslog sl;
    const nz_syslog *slp = NULL;
    const char *p = rec->p, *e = rec->p + rec->n;
    if (rec->n && (p[0] == '<' || (p[0] >= 'A' && p[0] <= 'S')) &&
        nz_syslog_parse(rec->p, rec->n, rec->tc, &sl) == ZW_OK) {
        slp = &sl;
        p = sl.body.p;
        e = sl.body.p + sl.body.n;
    }
    int64_t t = 0;
    zw_str ts = {NULL, 0}, user = {NULL, 0};
    /* audit lines: "httpd: TIME [user]: ..." or the audit.log file "[TIME] [user]: ..." */
    if (p < e && (p[0] == '[' || (p[0] >= '0' && p[0] <= '9'))) {
        const char *m = audit_prefix(rec, p, e, &t, &ts, &user);
        if (m) {
            if (st) {
                st->seen = 1;
            }
            return do_audit(slp, t, ts, user, m, e, ev, em, errstr, errstr_size);
        }
    }
    if (!slp || !nz_bind_is_named_app(sl.app)) {
        return ZW_NOMATCH;
    }
    /* named: Infoblox marks first */
    int mark = sl.pid.p && sl.pid.n == 0;
    if (sl.host.n && sl.app.p > sl.host.p + sl.host.n + 1) {
        mark = 1; /* "HOST IP named[pid]:" */
    }
    const char *q = p;
    if (eat(&q, e, "infoblox-responses: ") || eat(&q, e, "responses: ")) {
        mark = 1;
        p = q;
    }
    if (eat(&q, e, "CEF:0|Infoblox|")) {
        if (st) {
            st->seen = 1;
        }
        return ZW_NOISE; /* RPZ / threat-protection hits: not zone transfers or changes */
    }
    /* optional print-time, then the response log format */
    int64_t pt = slp->has_time ? slp->time_ms : rec->tc->ref_ms;
    zw_str pts = {NULL, 0};
    q = p;
    size_t k = zw_time_bind(q, (size_t)(e - q), rec->tc, &pt);
    if (k && q + k < e && q[k] == ' ') {
        pts = zw_str_make(q, k);
        q += k + 1;
    }
    if (eat(&q, e, "client ")) {
        const char *qq = zw_memmem(q, (size_t)(e - q), ": query: ", 9);
        if (qq && qq - q >= 3 && (memcmp(qq - 3, "UDP", 3) == 0 || memcmp(qq - 3, "TCP", 3) == 0) &&
            zw_memmem(qq, (size_t)(e - qq), " response: ", 11)) {
            if (st) {
                st->seen = 1;
            }
            return do_response(slp, pt, pts, q, e, ev, em, errstr, errstr_size);
        }
    }
    if (!mark && !(st && st->seen) && !rec->forced) {
        return ZW_NOMATCH; /* a plain named line: the bind parser's */
    }
    if (st) {
        st->seen = 1;
    }
    return nz_bind_parse_body(rec, slp, p, (size_t)(e - p), &ib_flavor, ev, em, errstr,
                              errstr_size);
}

const nz_parser nz_parser_infoblox = {
    "infoblox",
    "Infoblox NIOS syslog: audit log, DNS responses, BIND-style named lines",
    0,
    parse_infoblox,
    ib_state_new,
    ib_state_free,
};
