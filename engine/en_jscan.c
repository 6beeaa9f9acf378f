/*
 * en_jscan.c - matching JSON text without building a DOM (`detect` on JSON lines): one
 * pass over the bytes, strings unescaped into a scratch buffer, key paths looked up in
 * the tables' path hash as they are read, values of fieldref fields captured for the
 * event-level leaves.  Gives the same results as the DOM walk (en_match_json.c).
 */
#include "en_tables_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *p, *end;
    char *sb; /* unescaped string scratch */
    size_t sbcap;
    int bad;
} jscan;

static void js_ws(jscan *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')) {
        j->p++;
    }
}

static int js_put(jscan *j, size_t *k, uint32_t cp)
{
    if (*k + 4 >= j->sbcap) {
        size_t c = j->sbcap * 2;
        char *nb = realloc(j->sb, c);
        if (!nb) {
            return -1;
        }
        j->sb = nb;
        j->sbcap = c;
    }
    unsigned char *o = (unsigned char *)j->sb + *k;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        *k += 1;
    } else if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        *k += 2;
    } else if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        *k += 3;
    } else {
        o[0] = (unsigned char)(0xF0 | (cp >> 18));
        o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[3] = (unsigned char)(0x80 | (cp & 0x3F));
        *k += 4;
    }
    return 0;
}

static int hex4(const char *p, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') {
            v |= (uint32_t)(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            v |= (uint32_t)(c - 'a' + 10);
        } else if (c >= 'A' && c <= 'F') {
            v |= (uint32_t)(c - 'A' + 10);
        } else {
            return -1;
        }
    }
    *out = v;
    return 0;
}

/* Parses a string at j->p (on the opening quote) into j->sb; returns its length or -1. */
static long js_string(jscan *j)
{
    size_t k = 0;
    j->p++;
    while (j->p < j->end) {
        const char *q = j->p;
        while (q < j->end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20) {
            q++;
        }
        size_t run = (size_t)(q - j->p);
        if (k + run + 8 >= j->sbcap) {
            size_t c = j->sbcap;
            while (k + run + 8 >= c) {
                c *= 2;
            }
            char *nb = realloc(j->sb, c);
            if (!nb) {
                return -1;
            }
            j->sb = nb;
            j->sbcap = c;
        }
        memcpy(j->sb + k, j->p, run);
        k += run;
        j->p = q;
        if (q >= j->end || (unsigned char)*q < 0x20) {
            return -1;
        }
        if (*q == '"') {
            j->p++;
            return (long)k;
        }
        /* escape */
        if (q + 1 >= j->end) {
            return -1;
        }
        char e = q[1];
        uint32_t cp;
        j->p = q + 2;
        switch (e) {
        case '"':
        case '\\':
        case '/':
            cp = (unsigned char)e;
            break;
        case 'b':
            cp = '\b';
            break;
        case 'f':
            cp = '\f';
            break;
        case 'n':
            cp = '\n';
            break;
        case 'r':
            cp = '\r';
            break;
        case 't':
            cp = '\t';
            break;
        case 'u':
            if (j->end - j->p < 4 || hex4(j->p, &cp)) {
                return -1;
            }
            j->p += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && j->end - j->p >= 6 && j->p[0] == '\\' &&
                j->p[1] == 'u') {
                uint32_t lo;
                if (hex4(j->p + 2, &lo) == 0 && lo >= 0xDC00 && lo < 0xE000) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    j->p += 6;
                }
            }
            if (cp >= 0xD800 && cp < 0xE000) {
                cp = 0xFFFD;
            }
            break;
        default:
            return -1;
        }
        if (js_put(j, &k, cp)) {
            return -1;
        }
    }
    return -1;
}

static void capture(en_matcher *m, int32_t fi, const char *p, size_t n)
{
    if (m->ncapv >= 64) {
        return;
    }
    if (m->caplen + n > m->capcap) {
        size_t c = m->capcap ? m->capcap : 1024;
        while (c < m->caplen + n) {
            c *= 2;
        }
        char *nb = realloc(m->cap, c);
        if (!nb) {
            return;
        }
        m->cap = nb;
        m->capcap = c;
    }
    memcpy(m->cap + m->caplen, p, n);
    m->capv[m->ncapv].field = fi;
    m->capv[m->ncapv].off = (uint32_t)m->caplen;
    m->capv[m->ncapv].len = (uint32_t)n;
    m->ncapv++;
    m->caplen += n;
}

static void js_value(en_matcher *m, jscan *j, int32_t fi, size_t plen, int depth);

static void js_object(en_matcher *m, jscan *j, size_t plen, int depth)
{
    j->p++; /* { */
    js_ws(j);
    if (j->p < j->end && *j->p == '}') {
        j->p++;
        return;
    }
    while (!j->bad) {
        js_ws(j);
        if (j->p >= j->end || *j->p != '"') {
            j->bad = 1;
            return;
        }
        long kl = js_string(j);
        if (kl < 0) {
            j->bad = 1;
            return;
        }
        size_t np = plen ? plen + 1 + (size_t)kl : (size_t)kl;
        int32_t fi = -1;
        int prefix = 0;
        if (np < sizeof m->path) {
            if (plen) {
                m->path[plen] = '.';
            }
            memcpy(m->path + (plen ? plen + 1 : 0), j->sb, (size_t)kl);
            m->path[np] = 0;
            const pent *pe = en_ph_get(m->t, m->path, np);
            if (pe) {
                fi = pe->field;
                prefix = pe->prefix;
            }
        } else {
            np = plen;
        }
        js_ws(j);
        if (j->p >= j->end || *j->p != ':') {
            j->bad = 1;
            return;
        }
        j->p++;
        (void)prefix;
        js_value(m, j, fi, np, depth + 1);
        m->path[plen] = 0;
        js_ws(j);
        if (j->p < j->end && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->end && *j->p == '}') {
            j->p++;
            return;
        }
        j->bad = 1;
    }
}

static void js_value(en_matcher *m, jscan *j, int32_t fi, size_t plen, int depth)
{
    js_ws(j);
    if (j->p >= j->end || depth > 64) {
        j->bad = 1;
        return;
    }
    const field *f = fi >= 0 ? &m->t->fields[fi] : NULL;
    char c = *j->p;
    if (c == '{') {
        if (fi >= 0) {
            m->fseen[fi] = m->estamp;
        }
        js_object(m, j, plen, depth);
    } else if (c == '[') {
        j->p++;
        js_ws(j);
        if (j->p < j->end && *j->p == ']') {
            j->p++;
            return;
        }
        while (!j->bad) {
            js_value(m, j, fi, plen, depth + 1);
            js_ws(j);
            if (j->p < j->end && *j->p == ',') {
                j->p++;
                continue;
            }
            if (j->p < j->end && *j->p == ']') {
                j->p++;
                return;
            }
            j->bad = 1;
        }
    } else if (c == '"') {
        long n = js_string(j);
        if (n < 0) {
            j->bad = 1;
            return;
        }
        if (fi >= 0) {
            int first = m->fseen[fi] != m->estamp;
            m->fseen[fi] = m->estamp;
            if (f->fref) {
                capture(m, fi, j->sb, (size_t)n);
            }
            if (f->has_value_leaves) {
                en_match_value(m, f, j->sb, (size_t)n, 0, 0, first);
            }
        }
        en_kw_value(m, j->sb, (size_t)n);
    } else if (c == 't' || c == 'f' || c == 'n') {
        const char *lit = c == 't' ? "true" : c == 'f' ? "false" : "null";
        size_t ll = strlen(lit);
        if ((size_t)(j->end - j->p) < ll || memcmp(j->p, lit, ll) != 0) {
            j->bad = 1;
            return;
        }
        j->p += ll;
        if (fi < 0) {
            return;
        }
        if (c == 'n') {
            m->fnull[fi] = m->estamp;
            return;
        }
        int first = m->fseen[fi] != m->estamp;
        m->fseen[fi] = m->estamp;
        if (f->fref) {
            capture(m, fi, lit, ll);
        }
        if (f->has_value_leaves) {
            en_match_value(m, f, lit, ll, 0, 0, first);
        }
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        const char *s0 = j->p;
        while (j->p < j->end && strchr("+-0123456789.eE", *j->p)) {
            j->p++;
        }
        size_t n = (size_t)(j->p - s0);
        if (fi < 0) {
            return;
        }
        int first = m->fseen[fi] != m->estamp;
        m->fseen[fi] = m->estamp;
        if (f->fref) {
            capture(m, fi, s0, n);
        }
        if (f->has_value_leaves) {
            char tmp[64];
            double d = 0;
            if (n < sizeof tmp) {
                memcpy(tmp, s0, n);
                tmp[n] = 0;
                d = strtod(tmp, NULL);
            }
            en_match_value(m, f, s0, n, 1, d, first);
        }
    } else {
        j->bad = 1;
    }
}

int en_match_json_text(en_matcher *m, const char *p, size_t n, const uint32_t **rules)
{
    const en_tables *t = m->t;
    en_begin_event(m);
    m->caplen = 0;
    m->ncapv = 0;
    m->jev = NULL;
    m->cev = NULL;
    m->path[0] = 0;
    jscan j = {p, p + n, m->jsb, m->jsbcap, 0};
    js_ws(&j);
    if (j.p >= j.end || *j.p != '{') {
        j.bad = 1;
    } else {
        js_object(m, &j, 0, 0);
        js_ws(&j);
        j.bad |= j.p != j.end;
    }
    m->jsb = j.sb;
    m->jsbcap = j.sbcap;
    if (j.bad) {
        *rules = m->res;
        return ZW_EINVAL;
    }
    /* unmapped.source_format for routing: only needed when some rule is routed */
    const char *fmt = NULL;
    size_t fl = 0;
    const char *sf = t->has_routes ? zw_memmem(p, n, "\"source_format\"", 15) : NULL;
    if (sf) {
        jscan k2 = {sf + 15, p + n, m->jsb, m->jsbcap, 0};
        js_ws(&k2);
        if (k2.p < k2.end && *k2.p == ':') {
            k2.p++;
            js_ws(&k2);
            if (k2.p < k2.end && *k2.p == '"') {
                long sl = js_string(&k2);
                if (sl >= 0 && (size_t)sl < sizeof m->numbuf) {
                    memcpy(m->numbuf, k2.sb, (size_t)sl);
                    fmt = m->numbuf;
                    fl = (size_t)sl;
                }
            }
        }
        m->jsb = k2.sb;
        m->jsbcap = k2.sbcap;
    }
    return en_finish_event(m, fmt, fl, rules);
}
