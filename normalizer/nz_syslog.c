/*
 * nz_syslog.c - RFC 3164 / RFC 5424 header stripping shared by the syslog-carried
 * line parsers (see nz_syslog.h).  Hand-written, no allocation: it runs on every line
 * of the hottest formats.  Not a parser of its own: it emits nothing.
 */
#include "nz_syslog.h"

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* "<N>" with 1-3 digits and N <= 191 -> bytes consumed, or 0 */
static size_t parse_pri(const char *p, size_t n, int *pri)
{
    if (n < 3 || p[0] != '<') {
        return 0;
    }
    int v = 0;
    size_t i = 1;
    while (i < n && i <= 3 && is_digit(p[i])) {
        v = v * 10 + (p[i] - '0');
        i++;
    }
    if (i == 1 || i >= n || p[i] != '>' || v > 191) {
        return 0;
    }
    *pri = v;
    return i + 1;
}

/* Next space-delimited token starting at *i; advances *i past one following space.
 * Returns 0 if there is no token (end of input or a space at *i). */
static int token(const char *p, size_t n, size_t *i, zw_str *out)
{
    size_t s = *i, e = s;
    while (e < n && p[e] != ' ') {
        e++;
    }
    if (e == s) {
        return 0;
    }
    out->p = p + s;
    out->n = e - s;
    *i = e < n ? e + 1 : e;
    return 1;
}

static zw_str nil_view(zw_str t)
{
    if (t.n == 1 && t.p[0] == '-') {
        t.p = NULL;
        t.n = 0;
    }
    return t;
}

/* Skips RFC 5424 STRUCTURED-DATA ("-" or one or more "[id param="v" ...]") at *i.
 * Returns 0 on malformed structured data. */
static int skip_sd(const char *p, size_t n, size_t *i)
{
    size_t k = *i;
    if (k < n && p[k] == '-') {
        *i = k + 1;
        return 1;
    }
    if (k >= n || p[k] != '[') {
        return 0;
    }
    while (k < n && p[k] == '[') {
        int quoted = 0;
        k++;
        while (k < n) {
            char c = p[k];
            if (quoted && c == '\\' && k + 1 < n) {
                k += 2;
                continue;
            }
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ']' && !quoted) {
                break;
            }
            k++;
        }
        if (k >= n) {
            return 0;
        }
        k++; /* the ']' */
    }
    *i = k;
    return 1;
}

static int parse_5424(const char *p, size_t n, size_t i, const zw_time_ctx *tc, nz_syslog *o)
{
    zw_str ts, host, app, pid, msgid;
    /* version "1" then SP */
    if (i + 2 > n || p[i] != '1' || p[i + 1] != ' ') {
        return ZW_NOMATCH;
    }
    i += 2;
    if (!token(p, n, &i, &ts) || !token(p, n, &i, &host) || !token(p, n, &i, &app) ||
        !token(p, n, &i, &pid) || !token(p, n, &i, &msgid)) {
        return ZW_NOMATCH;
    }
    int64_t t = 0;
    int has_time = 0;
    if (!(ts.n == 1 && ts.p[0] == '-')) {
        if (zw_time_iso(ts.p, ts.n, tc, &t) != ts.n) {
            return ZW_NOMATCH;
        }
        has_time = 1;
    }
    if (!skip_sd(p, n, &i)) {
        return ZW_NOMATCH;
    }
    if (i < n && p[i] == ' ') {
        i++;
    } else if (i < n) {
        return ZW_NOMATCH;
    }
    if (n - i >= 3 && (unsigned char)p[i] == 0xef && (unsigned char)p[i + 1] == 0xbb &&
        (unsigned char)p[i + 2] == 0xbf) {
        i += 3; /* UTF-8 BOM before MSG */
    }
    o->kind = NZ_SYSLOG_5424;
    o->has_time = has_time;
    o->time_ms = t;
    o->host = nil_view(host);
    o->app = nil_view(app);
    o->pid = nil_view(pid);
    o->msgid = nil_view(msgid);
    o->body.p = p + i;
    o->body.n = n - i;
    return ZW_OK;
}

/* "TAG[PID]:" or "TAG:" (also "TAG[PID]" without the colon) at the start of t.
 * Returns 1 and fills app/pid when t is such a tag. */
static int split_tag(zw_str t, zw_str *app, zw_str *pid)
{
    size_t k = 0;
    while (k < t.n && t.p[k] != '[' && t.p[k] != ':') {
        k++;
    }
    if (k == 0 || k == t.n) {
        return 0;
    }
    app->p = t.p;
    app->n = k;
    pid->p = NULL;
    pid->n = 0;
    if (t.p[k] == '[') {
        size_t s = k + 1, e = s;
        while (e < t.n && t.p[e] != ']') {
            e++;
        }
        if (e == t.n) {
            return 0;
        }
        pid->p = t.p + s;
        pid->n = e - s;
        k = e + 1;
        if (k == t.n) {
            return 1;
        }
    }
    return t.p[k] == ':' && k + 1 == t.n;
}

/* "Oct 4 10:18:07": a day without its padding space (Infoblox NIOS, some relays).
 * Pads it into a buffer for zw_time_3164; returns bytes consumed from p, or 0. */
static size_t time_unpadded(const char *p, size_t n, const zw_time_ctx *tc, int64_t *t)
{
    char buf[40];
    if (n < 14 || p[3] != ' ' || !is_digit(p[4]) || p[5] != ' ') {
        return 0;
    }
    size_t take = n - 4 < sizeof buf - 6 ? n - 4 : sizeof buf - 6;
    memcpy(buf, p, 4);
    buf[4] = ' ';
    memcpy(buf + 5, p + 4, take);
    size_t k = zw_time_3164(buf, take + 5, tc, t);
    return k > 5 ? k - 1 : 0;
}

/* A bare IPv4 or IPv6 address token (the second host field some appliances send). */
static int is_ip_token(zw_str t)
{
    if (t.n < 2) {
        return 0;
    }
    for (size_t i = 0; i < t.n; i++) {
        char c = t.p[i];
        if (!(is_digit(c) || c == '.' || c == ':' || (c >= 'a' && c <= 'f') ||
              (c >= 'A' && c <= 'F'))) {
            return 0;
        }
    }
    return 1;
}

static int parse_3164(const char *p, size_t n, size_t i, const zw_time_ctx *tc, nz_syslog *o)
{
    int64_t t;
    size_t k = zw_time_3164(p + i, n - i, tc, &t);
    if (!k) {
        k = time_unpadded(p + i, n - i, tc, &t);
    }
    if (!k) {
        /* rsyslog high-precision format: RFC 3339 instead of "Mmm dd hh:mm:ss" */
        k = zw_time_iso(p + i, n - i, tc, &t);
        if (!k || p[i + 10] != 'T') {
            return ZW_NOMATCH;
        }
    }
    i += k;
    if (i >= n || p[i] != ' ') {
        return ZW_NOMATCH;
    }
    while (i < n && p[i] == ' ') {
        i++;
    }
    zw_str t1 = {NULL, 0}, t2 = {NULL, 0}, host = {NULL, 0}, app = {NULL, 0}, pid = {NULL, 0};
    size_t after1 = i;
    if (!token(p, n, &after1, &t1)) {
        return ZW_NOMATCH;
    }
    size_t body = after1;
    if (split_tag(t1, &app, &pid)) {
        /* no HOST: "Mmm dd hh:mm:ss TAG: MSG" */
    } else {
        host = t1;
        size_t after2 = after1, after3;
        zw_str t3;
        if (token(p, n, &after2, &t2) && split_tag(t2, &app, &pid)) {
            body = after2;
        } else if (t2.n && is_ip_token(t2) && (after3 = after2, token(p, n, &after3, &t3)) &&
                   split_tag(t3, &app, &pid)) {
            /* "HOSTNAME IP TAG:" (Infoblox NIOS with host name and address) */
            body = after3;
        } else {
            app.p = pid.p = NULL;
            app.n = pid.n = 0;
        }
    }
    o->kind = NZ_SYSLOG_3164;
    o->has_time = 1;
    o->time_ms = t;
    o->host = host;
    o->app = app;
    o->pid = pid;
    o->msgid.p = NULL;
    o->msgid.n = 0;
    o->body.p = p + body;
    o->body.n = n - body;
    return ZW_OK;
}

int nz_syslog_parse(const char *p, size_t n, const zw_time_ctx *tc, nz_syslog *out)
{
    int pri = -1;
    size_t i = parse_pri(p, n, &pri);
    int rc;
    nz_syslog o;
    o.pri = i ? pri : -1;
    if (i && i < n && p[i] == '1' && i + 1 < n && p[i + 1] == ' ') {
        rc = parse_5424(p, n, i, tc, &o);
    } else {
        rc = parse_3164(p, n, i, tc, &o);
    }
    if (rc == ZW_OK) {
        *out = o;
    }
    return rc;
}

const char *nz_syslog_severity_name(int pri)
{
    static const char *names[] = {"emerg",   "alert",  "crit", "err",
                                  "warning", "notice", "info", "debug"};
    if (pri < 0 || pri > 191) {
        return NULL;
    }
    return names[pri % 8];
}
