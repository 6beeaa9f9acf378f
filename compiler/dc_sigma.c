/*
 * dc_sigma.c - Sigma detection sections to IR: search identifiers (maps, lists of
 * maps, keyword lists), field modifiers and value transforms, and the condition
 * expression (not > and > or, parentheses, `1 of x*`, `all of them`, `any of`).
 * Also the Sigma rule, correlation and filter documents.
 *
 * Values: a Sigma string is parsed into units (bytes, wildcard *, wildcard ?) with
 * Sigma's escape rule (backslash escapes only *, ? and backslash; any other backslash
 * is literal), transformed (wide, base64, base64offset, windash, expand), wrapped for
 * contains / startswith / endswith, and stored in the normalised glob syntax of
 * dc_ir.h (every literal *, ? and backslash escaped).
 */
#include "dc_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define U_STAR 256
#define U_QMARK 257

typedef struct {
    int *v;
    size_t n, cap;
} upat;

typedef struct {
    upat *v;
    size_t n, cap;
} upats;

static int up_push(upat *p, int u)
{
    if (p->n == p->cap) {
        size_t c = p->cap ? p->cap * 2 : 32;
        int *nv = realloc(p->v, c * sizeof *nv);
        if (!nv) {
            return -1;
        }
        p->v = nv;
        p->cap = c;
    }
    p->v[p->n++] = u;
    return 0;
}

static int ups_push(upats *s, upat p)
{
    if (s->n == s->cap) {
        size_t c = s->cap ? s->cap * 2 : 8;
        upat *nv = realloc(s->v, c * sizeof *nv);
        if (!nv) {
            return -1;
        }
        s->v = nv;
        s->cap = c;
    }
    s->v[s->n++] = p;
    return 0;
}

static void ups_free(upats *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].v);
    }
    free(s->v);
    memset(s, 0, sizeof *s);
}

/* Sigma escape rule. */
static upat up_parse(const char *s, size_t n, int wildcards)
{
    upat p = {0};
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (!wildcards) {
            up_push(&p, ch);
        } else if (ch == '\\' && i + 1 < n &&
                   (s[i + 1] == '*' || s[i + 1] == '?' || s[i + 1] == '\\')) {
            up_push(&p, (unsigned char)s[++i]);
        } else if (ch == '*') {
            up_push(&p, U_STAR);
        } else if (ch == '?') {
            up_push(&p, U_QMARK);
        } else {
            up_push(&p, ch);
        }
    }
    return p;
}

static int up_has_wild(const upat *p)
{
    for (size_t i = 0; i < p->n; i++) {
        if (p->v[i] >= 256) {
            return 1;
        }
    }
    return 0;
}

/* Normalised glob text (malloc'd). */
static char *up_norm(const upat *p, uint32_t *len)
{
    char *s = malloc(p->n * 2 + 1);
    size_t k = 0;
    if (!s) {
        return NULL;
    }
    for (size_t i = 0; i < p->n; i++) {
        int u = p->v[i];
        if (u == U_STAR) {
            s[k++] = '*';
        } else if (u == U_QMARK) {
            s[k++] = '?';
        } else {
            if (u == '*' || u == '?' || u == '\\') {
                s[k++] = '\\';
            }
            s[k++] = (char)u;
        }
    }
    s[k] = 0;
    *len = (uint32_t)k;
    return s;
}

void dc_err(dc_doc *x, const dc_ynode *at, const char *fmt, ...)
{
    char buf[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    dc_diag_add(x->d, DC_DIAG_ERROR, x->file, at ? at->line : 0, at ? at->col : 0, "%s", buf);
    x->errors++;
}

void dc_unsup(dc_doc *x, const dc_ynode *at, const char *fmt, ...)
{
    char buf[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    dc_diag_add(x->d, DC_DIAG_UNSUPPORTED, x->file, at ? at->line : 0, at ? at->col : 0, "%s", buf);
    x->errors++;
}

int dc_prog_push(dc_prog *p, uint32_t w)
{
    if (p->n == p->cap) {
        size_t c = p->cap ? p->cap * 2 : 16;
        uint32_t *nv = realloc(p->v, c * sizeof *nv);
        if (!nv) {
            return -1;
        }
        p->v = nv;
        p->cap = c;
    }
    p->v[p->n++] = w;
    return 0;
}

int dc_prog_append(dc_prog *p, const dc_prog *q)
{
    for (size_t i = 0; i < q->n; i++) {
        if (dc_prog_push(p, q->v[i])) {
            return -1;
        }
    }
    return 0;
}

void dc_prog_free(dc_prog *p)
{
    free(p->v);
    memset(p, 0, sizeof *p);
}

/* ---- value transforms ---- */

static const char b64a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void b64enc(const unsigned char *s, size_t n, upat *out)
{
    size_t i = 0;
    for (; i + 2 < n; i += 3) {
        uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
        up_push(out, b64a[v >> 18]);
        up_push(out, b64a[(v >> 12) & 63]);
        up_push(out, b64a[(v >> 6) & 63]);
        up_push(out, b64a[v & 63]);
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)s[i] << 16;
        up_push(out, b64a[v >> 18]);
        up_push(out, b64a[(v >> 12) & 63]);
        up_push(out, '=');
        up_push(out, '=');
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8;
        up_push(out, b64a[v >> 18]);
        up_push(out, b64a[(v >> 12) & 63]);
        up_push(out, b64a[(v >> 6) & 63]);
        up_push(out, '=');
    }
}

/* UTF-8 literal units to UTF-16 (le or be); wildcards stay wildcards. */
static upat to_utf16(const upat *p, int be)
{
    upat q = {0};
    for (size_t i = 0; i < p->n;) {
        int u = p->v[i];
        if (u >= 256) {
            up_push(&q, u);
            i++;
            continue;
        }
        uint32_t cp = (uint32_t)u;
        size_t k = 1;
        if (u >= 0xC0 && u < 0xE0 && i + 1 < p->n) {
            cp = (uint32_t)(u & 0x1F) << 6 | (uint32_t)(p->v[i + 1] & 0x3F);
            k = 2;
        } else if (u >= 0xE0 && u < 0xF0 && i + 2 < p->n) {
            cp = (uint32_t)(u & 0x0F) << 12 | (uint32_t)(p->v[i + 1] & 0x3F) << 6 |
                 (uint32_t)(p->v[i + 2] & 0x3F);
            k = 3;
        } else if (u >= 0xF0 && i + 3 < p->n) {
            cp = (uint32_t)(u & 0x07) << 18 | (uint32_t)(p->v[i + 1] & 0x3F) << 12 |
                 (uint32_t)(p->v[i + 2] & 0x3F) << 6 | (uint32_t)(p->v[i + 3] & 0x3F);
            k = 4;
        }
        i += k;
        uint32_t units[2];
        int nu = 1;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            units[0] = 0xD800 | (cp >> 10);
            units[1] = 0xDC00 | (cp & 0x3FF);
            nu = 2;
        } else {
            units[0] = cp;
        }
        for (int j = 0; j < nu; j++) {
            if (be) {
                up_push(&q, (int)(units[j] >> 8));
                up_push(&q, (int)(units[j] & 0xFF));
            } else {
                up_push(&q, (int)(units[j] & 0xFF));
                up_push(&q, (int)(units[j] >> 8));
            }
        }
    }
    return q;
}

static int is_word(int u)
{
    return u < 256 && (isalnum(u) || u == '_');
}

/* windash: every '-' or '/' that starts a word (\B[-/]\b) becomes each of
 * - / en-dash em-dash horizontal-bar. */
static int windash(const upat *p, upats *out)
{
    size_t pos[8], np = 0;
    for (size_t i = 0; i < p->n; i++) {
        int u = p->v[i];
        if ((u == '-' || u == '/') && (i == 0 || !is_word(p->v[i - 1])) && i + 1 < p->n &&
            is_word(p->v[i + 1])) {
            if (np == 8) {
                return -1;
            }
            pos[np++] = i;
        }
    }
    static const char *const dash[] = {"-", "/", "\xe2\x80\x93", "\xe2\x80\x94", "\xe2\x80\x95"};
    size_t total = 1;
    for (size_t i = 0; i < np; i++) {
        total *= 5;
    }
    for (size_t combo = 0; combo < total; combo++) {
        upat q = {0};
        size_t c = combo, k = 0;
        for (size_t i = 0; i < p->n; i++) {
            if (k < np && pos[k] == i) {
                const char *d = dash[c % 5];
                c /= 5;
                k++;
                for (; *d; d++) {
                    up_push(&q, (unsigned char)*d);
                }
            } else {
                up_push(&q, p->v[i]);
            }
        }
        ups_push(out, q);
    }
    return 0;
}

/* ---- field items ---- */

typedef struct {
    int contains, startswith, endswith, all, re, cidr, exists, cased, neq, cmp, fieldref;
    int b64, b64off, wide, utf16be, windash, expand, timepart;
    uint16_t reflags;
} mods;

/* Sigma modifiers as table rows: a name and what it sets.  A new modifier is one row
 * (plus its effect in field_values when it is not only a flag). */
enum {
    MF_CONTAINS = 1u << 0,
    MF_STARTSWITH = 1u << 1,
    MF_ENDSWITH = 1u << 2,
    MF_ALL = 1u << 3,
    MF_RE = 1u << 4,
    MF_CIDR = 1u << 5,
    MF_EXISTS = 1u << 6,
    MF_CASED = 1u << 7,
    MF_NEQ = 1u << 8,
    MF_B64 = 1u << 9,
    MF_B64OFF = 1u << 10,
    MF_WIDE = 1u << 11,
    MF_UTF16BE = 1u << 12,
    MF_WINDASH = 1u << 13,
    MF_EXPAND = 1u << 14,
    MF_FIELDREF = 1u << 15,
};

typedef struct {
    const char *name;
    uint32_t flags;   /* MF_* */
    uint8_t cmp;      /* dc_op of a comparison modifier, or 0 */
    uint8_t timepart; /* DC_TP_* */
    uint16_t reflags; /* DC_LF_RE_* */
} sigma_modifier;

static const sigma_modifier modifiers[] = {
    {"contains", MF_CONTAINS, 0, 0, 0},
    {"startswith", MF_STARTSWITH, 0, 0, 0},
    {"endswith", MF_ENDSWITH, 0, 0, 0},
    {"all", MF_ALL, 0, 0, 0},
    {"re", MF_RE, 0, 0, 0},
    {"i", 0, 0, 0, DC_LF_RE_I},
    {"ignorecase", 0, 0, 0, DC_LF_RE_I},
    {"m", 0, 0, 0, DC_LF_RE_M},
    {"multiline", 0, 0, 0, DC_LF_RE_M},
    {"s", 0, 0, 0, DC_LF_RE_S},
    {"dotall", 0, 0, 0, DC_LF_RE_S},
    {"cidr", MF_CIDR, 0, 0, 0},
    {"exists", MF_EXISTS, 0, 0, 0},
    {"cased", MF_CASED, 0, 0, 0},
    {"neq", MF_NEQ, 0, 0, 0},
    {"lt", 0, DC_OP_LT, 0, 0},
    {"lte", 0, DC_OP_LTE, 0, 0},
    {"gt", 0, DC_OP_GT, 0, 0},
    {"gte", 0, DC_OP_GTE, 0, 0},
    {"base64", MF_B64, 0, 0, 0},
    {"base64offset", MF_B64OFF, 0, 0, 0},
    {"wide", MF_WIDE, 0, 0, 0},
    {"utf16le", MF_WIDE, 0, 0, 0},
    {"utf16", MF_WIDE, 0, 0, 0},
    {"utf16be", MF_WIDE | MF_UTF16BE, 0, 0, 0},
    {"windash", MF_WINDASH, 0, 0, 0},
    {"expand", MF_EXPAND, 0, 0, 0},
    {"fieldref", MF_FIELDREF, 0, 0, 0},
    {"minute", 0, 0, DC_TP_MINUTE, 0},
    {"hour", 0, 0, DC_TP_HOUR, 0},
    {"day", 0, 0, DC_TP_DAY, 0},
    {"week", 0, 0, DC_TP_WEEK, 0},
    {"month", 0, 0, DC_TP_MONTH, 0},
    {"year", 0, 0, DC_TP_YEAR, 0},
};

static const sigma_modifier *find_modifier(const char *s, size_t n)
{
    for (size_t i = 0; i < ZW_ARRAY_LEN(modifiers); i++) {
        if (strlen(modifiers[i].name) == n && memcmp(modifiers[i].name, s, n) == 0) {
            return &modifiers[i];
        }
    }
    return NULL;
}

static void unpack_mods(uint32_t f, mods *m)
{
    m->contains = (f & MF_CONTAINS) != 0;
    m->startswith = (f & MF_STARTSWITH) != 0;
    m->endswith = (f & MF_ENDSWITH) != 0;
    m->all = (f & MF_ALL) != 0;
    m->re = (f & MF_RE) != 0;
    m->cidr = (f & MF_CIDR) != 0;
    m->exists = (f & MF_EXISTS) != 0;
    m->cased = (f & MF_CASED) != 0;
    m->neq = (f & MF_NEQ) != 0;
    m->b64 = (f & MF_B64) != 0;
    m->b64off = (f & MF_B64OFF) != 0;
    m->wide = (f & MF_WIDE) != 0;
    m->utf16be = (f & MF_UTF16BE) != 0;
    m->windash = (f & MF_WINDASH) != 0;
    m->expand = (f & MF_EXPAND) != 0;
    m->fieldref = (f & MF_FIELDREF) != 0;
}

static int parse_mods(dc_doc *x, const dc_ynode *key, const char *spec, mods *m)
{
    memset(m, 0, sizeof *m);
    uint32_t flags = 0;
    const char *s = spec;
    while (*s) {
        const char *e = strchr(s, '|');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n == 0 || n >= 64) {
            dc_err(x, key, "empty or over-long modifier in '%s'", spec);
            return -1;
        }
        const sigma_modifier *md = find_modifier(s, n);
        if (!md) {
            dc_unsup(x, key, "unknown modifier '%.*s'", (int)n, s);
            return -1;
        }
        flags |= md->flags;
        m->reflags |= md->reflags;
        m->cmp = md->cmp ? md->cmp : m->cmp;
        m->timepart = md->timepart ? md->timepart : m->timepart;
        s += n;
        if (*s == '|') {
            s++;
        }
    }
    unpack_mods(flags, m);
    int kinds = (m->contains || m->startswith || m->endswith) + m->re + m->cidr + m->exists +
                (m->cmp != 0) + (m->fieldref && !(m->contains || m->startswith || m->endswith));
    if (m->contains + m->startswith + m->endswith > 1 ||
        kinds > 1 + (m->fieldref && (m->contains || m->startswith || m->endswith))) {
        dc_err(x, key, "conflicting modifiers in '%s'", spec);
        return -1;
    }
    if (m->reflags && !m->re) {
        dc_err(x, key, "regex flags i/m/s need the re modifier in '%s'", spec);
        return -1;
    }
    if ((m->b64 || m->b64off) && (m->re || m->cidr || m->cmp || m->exists)) {
        dc_err(x, key, "base64 cannot combine with re/cidr/comparison in '%s'", spec);
        return -1;
    }
    return 0;
}

static int is_number(const char *s)
{
    const char *p = s;
    if (*p == '-' || *p == '+') {
        p++;
    }
    if (!*p) {
        return 0;
    }
    int digits = 0, dot = 0;
    for (; *p; p++) {
        if (isdigit((unsigned char)*p)) {
            digits++;
        } else if (*p == '.' && !dot) {
            dot = 1;
        } else {
            return 0;
        }
    }
    return digits > 0;
}

static int emit_leaf(dc_doc *x, dc_prog *out, const char *field, dc_op op, uint16_t flags,
                     int timepart, const char *val, uint32_t vlen, double num)
{
    dc_leaf l;
    memset(&l, 0, sizeof l);
    l.field = (char *)field;
    l.op = (uint8_t)op;
    l.flags = flags;
    l.timepart = (uint8_t)timepart;
    l.val = (char *)(val ? val : "");
    l.vlen = val ? vlen : 0;
    l.num = num;
    int64_t id = dc_ruleset_leaf(x->c->rs, &l);
    if (id < 0 || dc_prog_push(out, DC_P_MAKE(DC_P_LEAF, id))) {
        return -1;
    }
    return 0;
}

static int validate_cidr(const char *s)
{
    const char *slash = strchr(s, '/');
    char ip[64];
    size_t n = slash ? (size_t)(slash - s) : strlen(s);
    if (n == 0 || n >= sizeof ip) {
        return -1;
    }
    memcpy(ip, s, n);
    ip[n] = 0;
    int v6 = strchr(ip, ':') != NULL;
    if (slash) {
        char *end;
        long bits = strtol(slash + 1, &end, 10);
        if (*end || end == slash + 1 || bits < 0 || bits > (v6 ? 128 : 32)) {
            return -1;
        }
    }
    unsigned char buf[16];
    return inet_pton(v6 ? AF_INET6 : AF_INET, ip, buf) == 1 ? 0 : -1;
}

/* Expand %placeholder% in a string value from the tuning file (Sigma) or the DET
 * parameters. Appends the expansions to out. */
static int expand_value(dc_doc *x, const dc_ynode *at, const char *s, char ***out, size_t *nout);

static int field_values(dc_doc *x, const dc_ynode *key, const char *k, const char *field, size_t fl,
                        const mods *mp, const dc_ynode *const *vals, size_t nv, dc_prog *out);

/* Compiles one `field|mods: values` item into out (postfix).  Returns 0 / -1. */
static int field_item(dc_doc *x, const dc_ynode *key, const dc_ynode *val, dc_prog *out)
{
    const char *k = key->str;
    const char *bar = strchr(k, '|');
    char fname[512];
    size_t fl = bar ? (size_t)(bar - k) : strlen(k);
    mods m;
    if (fl >= sizeof fname) {
        dc_err(x, key, "field name too long");
        return -1;
    }
    memcpy(fname, k, fl);
    fname[fl] = 0;
    if (parse_mods(x, key, bar ? bar + 1 : "", &m)) {
        return -1;
    }
    const char *field = fl ? dc_map_field(x, fname) : "";
    /* the list of value nodes */
    const dc_ynode *single[1];
    const dc_ynode *const *vals;
    size_t nv;
    if (val->kind == DC_Y_SEQ) {
        vals = (const dc_ynode *const *)val->items;
        nv = val->n;
        if (nv == 0) {
            dc_err(x, val, "empty value list for '%s'", k);
            return -1;
        }
    } else if (val->kind == DC_Y_SCALAR) {
        single[0] = val;
        vals = single;
        nv = 1;
    } else {
        dc_unsup(x, val, "a map as the value of field '%s'", k);
        return -1;
    }
    /* %placeholder% expansion (expand modifier, DET parameters) into synthetic nodes */
    dc_ynode *xnodes = NULL;
    const dc_ynode **xv = NULL;
    if (m.expand || x->det) {
        size_t cap = 0, k2 = 0;
        for (size_t vi = 0; vi < nv; vi++) {
            char **ex = NULL;
            size_t nex = 0;
            if (vals[vi]->kind != DC_Y_SCALAR || !strchr(vals[vi]->str, '%')) {
                ex = malloc(sizeof *ex);
                ex[0] = NULL;
                nex = 1;
            } else if (expand_value(x, vals[vi], vals[vi]->str, &ex, &nex)) {
                free(xnodes);
                free(xv);
                return -1;
            }
            if (k2 + nex > cap) {
                cap = (k2 + nex) * 2 + 4;
                xnodes = realloc(xnodes, cap * sizeof *xnodes);
            }
            for (size_t j = 0; j < nex; j++) {
                xnodes[k2] = *vals[vi];
                if (ex[j]) {
                    xnodes[k2].str = ex[j];
                    xnodes[k2].len = strlen(ex[j]);
                    xnodes[k2].plain = 0;
                    xnodes[k2].n = 1; /* marks an owned expansion */
                } else {
                    xnodes[k2].n = 0;
                }
                k2++;
            }
            free(ex);
        }
        xv = malloc((k2 ? k2 : 1) * sizeof *xv);
        for (size_t j = 0; j < k2; j++) {
            xv[j] = &xnodes[j];
        }
        vals = xv;
        nv = k2;
        if (nv == 0) {
            free(xnodes);
            free(xv);
            return dc_prog_push(out, DC_P_MAKE(DC_P_CONST, m.neq ? 1 : 0));
        }
    }
    int rcx = field_values(x, key, k, field, fl, &m, vals, nv, out);
    if (xnodes) {
        for (size_t j = 0; j < nv; j++) {
            if (xnodes[j].n == 1 && xnodes[j].kind == DC_Y_SCALAR) {
                free(xnodes[j].str);
            }
        }
    }
    free(xnodes);
    free(xv);
    return rcx;
}

static int field_values(dc_doc *x, const dc_ynode *key, const char *k, const char *field, size_t fl,
                        const mods *mp, const dc_ynode *const *vals, size_t nv, dc_prog *out)
{
    mods m = *mp;
    if (!fl && (m.exists || m.fieldref || m.cmp || m.timepart)) {
        dc_err(x, key, "modifier '%s' needs a field name", k);
        return -1;
    }
    size_t ngroups = 0;
    int rc = 0;
    for (size_t vi = 0; vi < nv && !rc; vi++) {
        const dc_ynode *v = vals[vi];
        if (v->kind != DC_Y_SCALAR) {
            dc_unsup(x, v, "nested value list for '%s'", k);
            return -1;
        }
        size_t before = out->n;
        int nleaf = 0;
        uint16_t cflag = m.cased ? DC_LF_CASED : 0;
        if (dc_yis_null(v)) {
            if (m.exists || m.cmp || m.re || m.cidr || m.fieldref) {
                dc_err(x, v, "null value with modifier in '%s'", k);
                return -1;
            }
            if (!fl) {
                dc_err(x, v, "null keyword");
                return -1;
            }
            rc = emit_leaf(x, out, field, DC_OP_NULL, 0, 0, NULL, 0, 0);
            nleaf = 1;
        } else if (m.exists) {
            int b;
            if (v->plain && (strcmp(v->str, "true") == 0 || strcmp(v->str, "yes") == 0)) {
                b = 1;
            } else if (v->plain && (strcmp(v->str, "false") == 0 || strcmp(v->str, "no") == 0)) {
                b = 0;
            } else {
                dc_err(x, v, "exists needs true or false, got '%s'", v->str);
                return -1;
            }
            rc = emit_leaf(x, out, field, DC_OP_EXISTS, 0, 0, NULL, 0, b);
            nleaf = 1;
        } else if (m.cmp || m.timepart) {
            if (!is_number(v->str)) {
                dc_err(x, v, "'%s' needs a number, got '%s'", k, v->str);
                return -1;
            }
            rc = emit_leaf(x, out, field, m.cmp ? (dc_op)m.cmp : DC_OP_NUM_EQ, 0, m.timepart, NULL,
                           0, strtod(v->str, NULL));
            nleaf = 1;
        } else if (m.re) {
            int ec;
            PCRE2_SIZE eo;
            uint32_t opt = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
            opt |= (m.reflags & DC_LF_RE_I) ? PCRE2_CASELESS : 0;
            opt |= (m.reflags & DC_LF_RE_M) ? PCRE2_MULTILINE : 0;
            opt |= (m.reflags & DC_LF_RE_S) ? PCRE2_DOTALL : 0;
            pcre2_code *re = pcre2_compile((PCRE2_SPTR)v->str, v->len, opt, &ec, &eo, NULL);
            if (!re) {
                PCRE2_UCHAR msg[200];
                pcre2_get_error_message(ec, msg, sizeof msg);
                dc_err(x, v, "bad regular expression at offset %zu: %s", (size_t)eo, (char *)msg);
                return -1;
            }
            pcre2_code_free(re);
            rc = emit_leaf(x, out, field, DC_OP_RE, m.reflags, 0, v->str, (uint32_t)v->len, 0);
            nleaf = 1;
        } else if (m.cidr) {
            if (validate_cidr(v->str)) {
                dc_err(x, v, "bad CIDR '%s'", v->str);
                return -1;
            }
            rc = emit_leaf(x, out, field, DC_OP_CIDR, 0, 0, v->str, (uint32_t)v->len, 0);
            nleaf = 1;
        } else if (m.fieldref) {
            uint16_t f = cflag | (m.contains ? DC_LF_FREF_CONTAINS : 0) |
                         (m.startswith ? DC_LF_FREF_START : 0) | (m.endswith ? DC_LF_FREF_END : 0);
            const char *ref = dc_map_field(x, v->str);
            rc = emit_leaf(x, out, field, DC_OP_FIELDREF, f, 0, ref, (uint32_t)strlen(ref), 0);
            nleaf = 1;
        } else {
            /* string matching, with transforms */
            char **strs = NULL;
            size_t nstr = 0;
            strs = malloc(sizeof *strs);
            strs[0] = strdup(v->str);
            nstr = 1;
            upats pats = {0};
            for (size_t si = 0; si < nstr; si++) {
                upat p = up_parse(strs[si], strlen(strs[si]), 1);
                if (m.wide) {
                    upat q = to_utf16(&p, m.utf16be);
                    free(p.v);
                    p = q;
                }
                if (m.b64 || m.b64off) {
                    if (up_has_wild(&p)) {
                        dc_unsup(x, v, "wildcards inside a base64-encoded value");
                        free(p.v);
                        rc = -1;
                        break;
                    }
                    unsigned char *raw = malloc(p.n + 3);
                    for (size_t i = 0; i < p.n; i++) {
                        raw[i + 2] = (unsigned char)p.v[i];
                    }
                    raw[0] = raw[1] = ' ';
                    if (m.b64) {
                        upat q = {0};
                        b64enc(raw + 2, p.n, &q);
                        ups_push(&pats, q);
                    } else {
                        static const size_t so[3] = {0, 2, 3};
                        static const size_t eo[3] = {0, 3, 2};
                        for (size_t off = 0; off < 3; off++) {
                            upat q = {0};
                            b64enc(raw + 2 - off, p.n + off, &q);
                            size_t e = eo[(p.n + off) % 3];
                            upat r = {0};
                            for (size_t i = so[off]; i + e < q.n; i++) {
                                up_push(&r, q.v[i]);
                            }
                            free(q.v);
                            ups_push(&pats, r);
                        }
                    }
                    free(raw);
                    free(p.v);
                } else if (m.windash) {
                    if (windash(&p, &pats)) {
                        dc_unsup(x, v, "windash with more than 8 dashes");
                        rc = -1;
                    }
                    free(p.v);
                } else {
                    ups_push(&pats, p);
                }
            }
            for (size_t si = 0; si < nstr; si++) {
                free(strs[si]);
            }
            free(strs);
            for (size_t pi = 0; pi < pats.n && !rc; pi++) {
                upat *p = &pats.v[pi];
                upat q = {0};
                if ((m.contains || m.endswith) && !(p->n && p->v[0] == U_STAR)) {
                    up_push(&q, U_STAR);
                }
                for (size_t i = 0; i < p->n; i++) {
                    up_push(&q, p->v[i]);
                }
                if ((m.contains || m.startswith) && !(p->n && p->v[p->n - 1] == U_STAR)) {
                    up_push(&q, U_STAR);
                }
                if (!fl && !m.re && q.n && q.v[0] != U_STAR && !m.startswith) {
                    /* keywords match anywhere in a value (full-text semantics) */
                    upat kq = {0};
                    up_push(&kq, U_STAR);
                    for (size_t i = 0; i < q.n; i++) {
                        up_push(&kq, q.v[i]);
                    }
                    if (q.v[q.n - 1] != U_STAR) {
                        up_push(&kq, U_STAR);
                    }
                    free(q.v);
                    q = kq;
                }
                uint32_t len;
                char *g = up_norm(&q, &len);
                free(q.v);
                if (!g) {
                    rc = -1;
                    break;
                }
                rc = emit_leaf(x, out, field, DC_OP_MATCH, cflag, 0, g, len, 0);
                free(g);
                nleaf++;
            }
            ups_free(&pats);
            if (rc) {
                return -1;
            }
        }
        if (nleaf == 0) {
            /* expansion to nothing (empty placeholder list): never matches */
            dc_prog_push(out, DC_P_MAKE(DC_P_CONST, 0));
            nleaf = 1;
        }
        if (nleaf > 1) {
            dc_prog_push(out, DC_P_MAKE(DC_P_OR, nleaf));
        }
        if (m.neq) {
            dc_prog_push(out, DC_P_MAKE(DC_P_NOT, 0));
        }
        (void)before;
        ngroups++;
    }
    if (ngroups > 1) {
        int op = (m.all || m.neq) ? DC_P_AND : DC_P_OR;
        dc_prog_push(out, DC_P_MAKE(op, ngroups));
    }
    return rc;
}

static int search_map(dc_doc *x, const dc_ynode *map, dc_prog *out)
{
    if (map->n == 0) {
        dc_err(x, map, "empty selection map");
        return -1;
    }
    int bad = 0;
    for (size_t i = 0; i < map->n; i++) {
        const dc_ynode *k = map->items[2 * i], *v = map->items[2 * i + 1];
        if (k->kind != DC_Y_SCALAR) {
            dc_err(x, k, "field name must be a string");
            bad = 1;
            continue;
        }
        if (field_item(x, k, v, out)) {
            bad = 1; /* keep going: report every item's errors */
        }
    }
    if (bad) {
        return -1;
    }
    if (map->n > 1) {
        dc_prog_push(out, DC_P_MAKE(DC_P_AND, map->n));
    }
    return 0;
}

static int search_ident(dc_doc *x, const dc_ynode *def, dc_prog *out)
{
    if (def->kind == DC_Y_MAP) {
        return search_map(x, def, out);
    }
    if (def->kind == DC_Y_SCALAR) {
        if (dc_yis_null(def)) {
            dc_err(x, def, "empty search identifier");
            return -1;
        }
        dc_ynode key = *def;
        key.str = (char *)"";
        key.len = 0;
        return field_item(x, &key, def, out);
    }
    if (def->n == 0) {
        dc_err(x, def, "empty search identifier list");
        return -1;
    }
    int maps = 0, scalars = 0;
    for (size_t i = 0; i < def->n; i++) {
        maps += def->items[i]->kind == DC_Y_MAP;
        scalars += def->items[i]->kind == DC_Y_SCALAR;
    }
    if (scalars == (int)def->n) {
        dc_ynode key = *def;
        key.kind = DC_Y_SCALAR;
        key.str = (char *)"";
        key.len = 0;
        return field_item(x, &key, def, out);
    }
    if (maps != (int)def->n) {
        dc_unsup(x, def, "search identifier list mixing maps and values");
        return -1;
    }
    int bad = 0;
    for (size_t i = 0; i < def->n; i++) {
        if (search_map(x, def->items[i], out)) {
            bad = 1;
        }
    }
    if (bad) {
        return -1;
    }
    if (def->n > 1) {
        dc_prog_push(out, DC_P_MAKE(DC_P_OR, def->n));
    }
    return 0;
}

/* ---- condition ---- */

typedef struct {
    const char *name;
    dc_prog prog;
} ident;

typedef struct {
    dc_doc *x;
    const dc_ynode *at;
    const char *s, *p;
    ident *ids;
    size_t nids;
    dc_prog *out;
    int err;
} cparse;

enum { T_EOF, T_LP, T_RP, T_AND, T_OR, T_NOT, T_OF, T_WORD, T_NUM, T_PIPE, T_BAD };

typedef struct {
    int t;
    const char *p;
    size_t n;
} tok;

static tok next_tok(cparse *c, int consume)
{
    const char *p = c->p;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
        p++;
    }
    tok t = {T_EOF, p, 0};
    if (!*p) {
        return t;
    }
    if (*p == '(' || *p == ')' || *p == '|') {
        t.t = *p == '(' ? T_LP : *p == ')' ? T_RP : T_PIPE;
        t.n = 1;
    } else {
        const char *e = p;
        while (*e && !strchr(" \t\r\n()|", *e)) {
            e++;
        }
        t.n = (size_t)(e - p);
        t.t = T_WORD;
        if (t.n == 3 && strncmp(p, "and", 3) == 0) {
            t.t = T_AND;
        } else if (t.n == 2 && strncmp(p, "or", 2) == 0) {
            t.t = T_OR;
        } else if (t.n == 3 && strncmp(p, "not", 3) == 0) {
            t.t = T_NOT;
        } else if (t.n == 2 && strncmp(p, "of", 2) == 0) {
            t.t = T_OF;
        } else {
            int num = 1;
            for (size_t i = 0; i < t.n; i++) {
                num &= isdigit((unsigned char)p[i]) != 0;
            }
            if (num) {
                t.t = T_NUM;
            }
        }
    }
    if (consume) {
        c->p = p + t.n;
    }
    return t;
}

static void cerr(cparse *c, const char *where, const char *msg)
{
    if (c->err) {
        return;
    }
    c->err = 1;
    int col = c->at->col + (int)(where - c->s) + (c->at->plain ? 0 : 1);
    if (strncmp(msg, "unsupported", 11) == 0) {
        dc_diag_add(c->x->d, DC_DIAG_UNSUPPORTED, c->x->file, c->at->line, col, "%s", msg + 13);
    } else {
        dc_diag_add(c->x->d, DC_DIAG_ERROR, c->x->file, c->at->line, col, "condition: %s", msg);
    }
    c->x->errors++;
}

static int glob_name(const char *pat, size_t pn, const char *s)
{
    if (pn == 0) {
        return *s == 0;
    }
    if (*pat == '*') {
        for (const char *q = s;; q++) {
            if (glob_name(pat + 1, pn - 1, q)) {
                return 1;
            }
            if (!*q) {
                return 0;
            }
        }
    }
    if (!*s) {
        return 0;
    }
    if (*pat == '?' || *pat == *s) {
        return glob_name(pat + 1, pn - 1, s + 1);
    }
    return 0;
}

static void c_or(cparse *c);

static void c_primary(cparse *c)
{
    tok t = next_tok(c, 1);
    if (c->err) {
        return;
    }
    if (t.t == T_LP) {
        c_or(c);
        tok r = next_tok(c, 1);
        if (r.t != T_RP) {
            cerr(c, r.p, "expected ')'");
        }
        return;
    }
    if (t.t == T_NUM || (t.t == T_WORD && ((t.n == 3 && strncmp(t.p, "all", 3) == 0) ||
                                           (t.n == 3 && strncmp(t.p, "any", 3) == 0)))) {
        tok of = next_tok(c, 0);
        if (of.t == T_OF) {
            next_tok(c, 1);
            tok w = next_tok(c, 1);
            if (w.t != T_WORD) {
                cerr(c, w.p, "expected a name pattern or 'them' after 'of'");
                return;
            }
            int all = t.t == T_WORD && t.p[1] == 'l';
            long need = t.t == T_NUM ? strtol(t.p, NULL, 10) : 1;
            int them = w.n == 4 && strncmp(w.p, "them", 4) == 0;
            size_t k = 0;
            for (size_t i = 0; i < c->nids; i++) {
                const char *nm = c->ids[i].name;
                if (them ? nm[0] != '_' : glob_name(w.p, w.n, nm)) {
                    dc_prog_append(c->out, &c->ids[i].prog);
                    k++;
                }
            }
            if (k == 0) {
                char nm[300];
                snprintf(nm, sizeof nm, "no search identifier matches '%.*s'",
                         (int)(w.n < 190 ? w.n : 190), w.p);
                cerr(c, w.p, nm);
                return;
            }
            if (!all && need > 1 && (size_t)need < k) {
                cerr(c, t.p, "unsupported: 'N of' with a count other than 1 or all");
                return;
            }
            if (!all && need > 1 && (size_t)need > k) {
                dc_prog_push(c->out, DC_P_MAKE(DC_P_CONST, 0));
                k++;
                all = 1;
            }
            if (need == (long)k) {
                all = 1;
            }
            if (need == 0) {
                cerr(c, t.p, "'0 of' is not a valid quantifier");
                return;
            }
            if (k > 1) {
                dc_prog_push(c->out, DC_P_MAKE(all ? DC_P_AND : DC_P_OR, k));
            }
            return;
        }
    }
    if (t.t == T_WORD || t.t == T_NUM) {
        for (size_t i = 0; i < c->nids; i++) {
            if (strlen(c->ids[i].name) == t.n && strncmp(c->ids[i].name, t.p, t.n) == 0) {
                dc_prog_append(c->out, &c->ids[i].prog);
                return;
            }
        }
        char nm[300];
        snprintf(nm, sizeof nm, "unknown search identifier '%.*s'", (int)(t.n < 190 ? t.n : 190),
                 t.p);
        cerr(c, t.p, nm);
        return;
    }
    if (t.t == T_PIPE) {
        cerr(c, t.p,
             "unsupported: aggregation '| count()' in condition (Sigma 1.x); use a "
             "correlation rule");
        return;
    }
    cerr(c, t.p, t.t == T_EOF ? "unexpected end of condition" : "unexpected token");
}

static void c_not(cparse *c)
{
    tok t = next_tok(c, 0);
    if (t.t == T_NOT) {
        next_tok(c, 1);
        c_not(c);
        dc_prog_push(c->out, DC_P_MAKE(DC_P_NOT, 0));
        return;
    }
    c_primary(c);
}

static void c_and(cparse *c)
{
    c_not(c);
    int n = 1;
    while (!c->err && next_tok(c, 0).t == T_AND) {
        next_tok(c, 1);
        c_not(c);
        n++;
    }
    if (n > 1) {
        dc_prog_push(c->out, DC_P_MAKE(DC_P_AND, n));
    }
}

static void c_or(cparse *c)
{
    c_and(c);
    int n = 1;
    while (!c->err && next_tok(c, 0).t == T_OR) {
        next_tok(c, 1);
        c_and(c);
        n++;
    }
    if (n > 1) {
        dc_prog_push(c->out, DC_P_MAKE(DC_P_OR, n));
    }
}

static int parse_condition(dc_doc *x, const dc_ynode *cond, ident *ids, size_t nids, dc_prog *out)
{
    cparse c = {x, cond, cond->str, cond->str, ids, nids, out, 0};
    c_or(&c);
    if (!c.err) {
        tok t = next_tok(&c, 0);
        if (t.t == T_PIPE) {
            cerr(&c, t.p,
                 "unsupported: aggregation '| count()' in condition (Sigma 1.x); use a "
                 "correlation rule");
        } else if (t.t != T_EOF) {
            cerr(&c, t.p, "unexpected text after the condition");
        }
    }
    return c.err ? -1 : 0;
}

int dc_sigma_detection(dc_doc *x, const dc_ynode *det, dc_prog *out)
{
    if (!det || det->kind != DC_Y_MAP) {
        dc_err(x, det, "detection must be a map");
        return -1;
    }
    const dc_ynode *cond = dc_ymap_get(det, "condition");
    if (!cond) {
        dc_err(x, det, "detection has no condition");
        return -1;
    }
    ident *ids = calloc(det->n ? det->n : 1, sizeof *ids);
    size_t nids = 0;
    int rc = 0, errs = x->errors;
    for (size_t i = 0; i < det->n; i++) {
        const dc_ynode *k = det->items[2 * i];
        const char *name = dc_ystr(k);
        if (!name) {
            dc_err(x, k, "search identifier name must be a string");
            continue;
        }
        if (strcmp(name, "condition") == 0) {
            continue;
        }
        if (strcmp(name, "timeframe") == 0) {
            dc_unsup(x, k,
                     "'timeframe' in detection (Sigma 1.x aggregation); use a correlation "
                     "rule");
            continue;
        }
        ids[nids].name = name;
        if (search_ident(x, det->items[2 * i + 1], &ids[nids].prog) == 0) {
            nids++;
        } else {
            dc_prog_free(&ids[nids].prog);
        }
    }
    if (x->errors != errs) {
        rc = -1;
        goto out;
    }
    if (cond->kind == DC_Y_SCALAR) {
        rc = parse_condition(x, cond, ids, nids, out);
    } else if (cond->kind == DC_Y_SEQ && cond->n > 0) {
        for (size_t i = 0; i < cond->n && !rc; i++) {
            if (cond->items[i]->kind != DC_Y_SCALAR) {
                dc_err(x, cond->items[i], "condition must be a string");
                rc = -1;
            } else {
                rc = parse_condition(x, cond->items[i], ids, nids, out);
            }
        }
        if (!rc && cond->n > 1) {
            dc_prog_push(out, DC_P_MAKE(DC_P_OR, cond->n));
        }
    } else {
        dc_err(x, cond, "condition must be a string or a list of strings");
        rc = -1;
    }
out:
    if (x->c->explain && rc == 0) {
        dc_explain_flush(x->c, "", 0);
        x->c->xnames = calloc(nids + 1, sizeof *x->c->xnames);
        x->c->xprogs = calloc(nids + 1, sizeof *x->c->xprogs);
        for (size_t i = 0; i < nids && x->c->xnames && x->c->xprogs; i++) {
            x->c->xnames[i] = strdup(ids[i].name);
            x->c->xprogs[i] = ids[i].prog; /* handed over */
            ids[i].prog.v = NULL;
            ids[i].prog.n = ids[i].prog.cap = 0;
            x->c->nx++;
        }
    }
    for (size_t i = 0; i < nids; i++) {
        dc_prog_free(&ids[i].prog);
    }
    free(ids);
    return rc;
}

/* ---- placeholders ---- */

static const dc_ynode *lookup_param(dc_doc *x, const char *name)
{
    if (x->params) {
        const dc_ynode *p = dc_ymap_get(x->params, name);
        if (p) {
            return p;
        }
    }
    return x->c->placeholders ? dc_ymap_get(x->c->placeholders, name) : NULL;
}

static int sv_push(char ***v, size_t *n, char *s)
{
    char **nv = realloc(*v, (*n + 1) * sizeof *nv);
    if (!nv || !s) {
        free(s);
        return -1;
    }
    *v = nv;
    nv[(*n)++] = s;
    return 0;
}

static int expand_value(dc_doc *x, const dc_ynode *at, const char *s, char ***out, size_t *nout)
{
    *out = NULL;
    *nout = 0;
    const char *a = strchr(s, '%');
    const char *b = a ? strchr(a + 1, '%') : NULL;
    if (!a || !b || b == a + 1) {
        return sv_push(out, nout, strdup(s));
    }
    char name[200];
    size_t nl = (size_t)(b - a - 1);
    for (size_t i = 0; i < nl; i++) {
        char ch = a[1 + i];
        if (!(isalnum((unsigned char)ch) || ch == '_' || ch == '-' || ch == '.')) {
            return sv_push(out, nout, strdup(s)); /* a literal percent sign */
        }
    }
    if (nl >= sizeof name) {
        dc_err(x, at, "placeholder name too long");
        return -1;
    }
    memcpy(name, a + 1, nl);
    name[nl] = 0;
    const dc_ynode *p = lookup_param(x, name);
    if (!p) {
        if (!x->det) {
            dc_unsup(x, at, "placeholder %%%s%% (expand) is not defined in the tuning file", name);
            return -1;
        }
        return sv_push(out, nout, strdup(s));
    }
    const dc_ynode *one[1] = {p};
    const dc_ynode *const *items = p->kind == DC_Y_SEQ ? (const dc_ynode *const *)p->items : one;
    size_t ni = p->kind == DC_Y_SEQ ? p->n : 1;
    for (size_t i = 0; i < ni; i++) {
        if (items[i]->kind != DC_Y_SCALAR) {
            dc_err(x, items[i], "placeholder %%%s%% value must be a string or a list", name);
            return -1;
        }
        /* recursively expand the rest of the string */
        char **rest;
        size_t nrest;
        if (expand_value(x, at, b + 1, &rest, &nrest)) {
            return -1;
        }
        for (size_t j = 0; j < nrest; j++) {
            size_t len = (size_t)(a - s) + items[i]->len + strlen(rest[j]) + 1;
            char *r = malloc(len);
            if (r) {
                snprintf(r, len, "%.*s%s%s", (int)(a - s), s, items[i]->str, rest[j]);
            }
            sv_push(out, nout, r);
            free(rest[j]);
        }
        free(rest);
    }
    return 0;
}

/* ---- documents ---- */

char *dc_strdup0(const char *s)
{
    return strdup(s ? s : "");
}

int dc_strv(dc_doc *x, const dc_ynode *n, char ***out, uint32_t *nout)
{
    *out = NULL;
    *nout = 0;
    if (!n) {
        return 0;
    }
    if (n->kind == DC_Y_SCALAR) {
        *out = malloc(sizeof **out);
        (*out)[0] = strdup(n->str);
        *nout = 1;
        return 0;
    }
    if (n->kind != DC_Y_SEQ) {
        dc_err(x, n, "expected a string or a list of strings");
        return -1;
    }
    *out = calloc(n->n ? n->n : 1, sizeof **out);
    for (size_t i = 0; i < n->n; i++) {
        if (n->items[i]->kind != DC_Y_SCALAR) {
            dc_err(x, n->items[i], "expected a string");
            for (uint32_t k = 0; k < *nout; k++) {
                free((*out)[k]);
            }
            free(*out);
            *out = NULL;
            *nout = 0;
            return -1;
        }
        (*out)[(*nout)++] = strdup(n->items[i]->str);
    }
    return 0;
}

static void logsource(dc_doc *x, const dc_ynode *root)
{
    const dc_ynode *ls = dc_ymap_get(root, "logsource");
    x->product = dc_ystr(dc_ymap_get(ls, "product"));
    x->category = dc_ystr(dc_ymap_get(ls, "category"));
    x->service = dc_ystr(dc_ymap_get(ls, "service"));
}

int dc_sigma_rule(dc_doc *x, const dc_ynode *root)
{
    const dc_ynode *title = dc_ymap_get(root, "title");
    if (!dc_ystr(title)) {
        dc_err(x, root, "rule has no title");
    }
    logsource(x, root);
    dc_prog prog = {0};
    int errs = x->errors;
    dc_sigma_detection(x, dc_ymap_get(root, "detection"), &prog);
    if (x->errors != errs) {
        dc_prog_free(&prog);
        return -1;
    }
    dc_rule *r = dc_ruleset_add_rule(x->c->rs);
    if (!r) {
        dc_prog_free(&prog);
        return -1;
    }
    r->kind = DC_RK_SIGMA;
    r->generate = 1;
    r->id = dc_strdup0(dc_ystr(dc_ymap_get(root, "id")));
    r->name = dc_strdup0(dc_ystr(dc_ymap_get(root, "name")));
    r->title = dc_strdup0(dc_ystr(title));
    const char *lvl = dc_ystr(dc_ymap_get(root, "level"));
    r->level = dc_strdup0(lvl ? lvl : "medium");
    r->severity = (uint8_t)dc_level_severity(r->level);
    r->description = dc_strdup0(dc_ystr(dc_ymap_get(root, "description")));
    r->file = dc_strdup0(x->file);
    r->line = (uint32_t)root->line;
    r->product = dc_strdup0(x->product);
    r->category = dc_strdup0(x->category);
    r->service = dc_strdup0(x->service);
    r->strategy_id = dc_strdup0(NULL);
    r->strategy_name = dc_strdup0(NULL);
    r->routes = strdup(dc_routes(x));
    dc_strv(x, dc_ymap_get(root, "tags"), &r->tags, &r->ntags);
    r->prog = prog.v;
    r->nprog = (uint32_t)prog.n;
    if (x->c->explain) {
        dc_explain_flush(x->c, r->id[0] ? r->id : r->title, 1);
    }
    return 0;
}

int dc_sigma_filter(dc_doc *x, const dc_ynode *root)
{
    const dc_ynode *f = dc_ymap_get(root, "filter");
    if (!f || f->kind != DC_Y_MAP) {
        dc_err(x, f ? f : root, "filter must be a map");
        return -1;
    }
    logsource(x, root);
    dc_filter fl;
    memset(&fl, 0, sizeof fl);
    uint32_t nr = 0;
    const dc_ynode *rules = dc_ymap_get(f, "rules");
    if (!rules) {
        dc_err(x, f, "filter has no 'rules' list");
        return -1;
    }
    if (dc_strv(x, rules, &fl.rules, &nr)) {
        return -1;
    }
    fl.nrules = nr;
    /* the detection is the filter map minus `rules` */
    int errs = x->errors;
    dc_sigma_detection(x, f, &fl.prog);
    if (x->errors != errs) {
        for (size_t i = 0; i < fl.nrules; i++) {
            free(fl.rules[i]);
        }
        free(fl.rules);
        dc_prog_free(&fl.prog);
        return -1;
    }
    fl.file = strdup(x->file);
    fl.line = f->line;
    fl.col = f->col;
    fl.title = dc_strdup0(dc_ystr(dc_ymap_get(root, "title")));
    dc_filter *nf = realloc(x->c->filters, (x->c->nfilters + 1) * sizeof *nf);
    if (!nf) {
        return -1;
    }
    x->c->filters = nf;
    nf[x->c->nfilters++] = fl;
    return 0;
}

static int parse_cmp(dc_doc *x, const dc_ynode *cond, dc_corr *c)
{
    if (!cond || cond->kind != DC_Y_MAP) {
        dc_err(x, cond, "correlation condition must be a map (gte: 10, field: ...)");
        return -1;
    }
    for (size_t i = 0; i < cond->n; i++) {
        const char *k = dc_ystr(cond->items[2 * i]);
        const dc_ynode *v = cond->items[2 * i + 1];
        if (!k) {
            continue;
        }
        if (strcmp(k, "field") == 0) {
            if (!dc_ystr(v)) {
                dc_unsup(x, v, "correlation condition field as a list");
                return -1;
            }
            free(c->field);
            c->field = strdup(dc_map_field(x, v->str));
            continue;
        }
        if (strcmp(k, "percentile") == 0) {
            if (!dc_ystr(v) || !is_number(v->str)) {
                dc_err(x, v, "percentile must be a number");
                return -1;
            }
            c->percentile = strtod(v->str, NULL);
            continue;
        }
        if (!dc_ystr(v) || !is_number(v->str)) {
            dc_err(x, v, "correlation condition '%s' needs a number", k);
            return -1;
        }
        double d = strtod(v->str, NULL);
        if (strcmp(k, "gt") == 0 || strcmp(k, "gte") == 0) {
            c->has_min = 1;
            c->min_incl = k[2] == 'e';
            c->min = d;
        } else if (strcmp(k, "lt") == 0 || strcmp(k, "lte") == 0) {
            c->has_max = 1;
            c->max_incl = k[2] == 'e';
            c->max = d;
        } else if (strcmp(k, "eq") == 0) {
            c->has_min = c->has_max = c->min_incl = c->max_incl = 1;
            c->min = c->max = d;
        } else {
            dc_unsup(x, cond->items[2 * i], "correlation condition operator '%s'", k);
            return -1;
        }
    }
    return 0;
}

int dc_sigma_correlation(dc_doc *x, const dc_ynode *root)
{
    const dc_ynode *cr = dc_ymap_get(root, "correlation");
    if (!cr || cr->kind != DC_Y_MAP) {
        dc_err(x, cr ? cr : root, "correlation must be a map");
        return -1;
    }
    const char *type = dc_ystr(dc_ymap_get(cr, "type"));
    static const char *const types[] = {"event_count",      "value_count", "temporal",
                                        "temporal_ordered", "value_sum",   "value_avg",
                                        "value_percentile"};
    int t = -1;
    for (int i = 0; type && i < 7; i++) {
        if (strcmp(type, types[i]) == 0) {
            t = i;
        }
    }
    if (t < 0) {
        dc_unsup(x, dc_ymap_get(cr, "type") ? dc_ymap_get(cr, "type") : cr, "correlation type '%s'",
                 type ? type : "(missing)");
        return -1;
    }
    dc_corr *c = dc_ruleset_add_corr(x->c->rs);
    if (!c) {
        return -1;
    }
    c->type = (uint8_t)t;
    c->id = dc_strdup0(dc_ystr(dc_ymap_get(root, "id")));
    c->name = dc_strdup0(dc_ystr(dc_ymap_get(root, "name")));
    c->title = dc_strdup0(dc_ystr(dc_ymap_get(root, "title")));
    const char *lvl = dc_ystr(dc_ymap_get(root, "level"));
    c->level = dc_strdup0(lvl ? lvl : "medium");
    c->severity = (uint8_t)dc_level_severity(c->level);
    c->description = dc_strdup0(dc_ystr(dc_ymap_get(root, "description")));
    c->file = dc_strdup0(x->file);
    c->line = (uint32_t)root->line;
    c->field = dc_strdup0(NULL);
    int errs = x->errors;
    const dc_ynode *rules = dc_ymap_get(cr, "rules");
    if (!rules) {
        dc_err(x, cr, "correlation has no 'rules'");
    }
    dc_strv(x, rules, &c->rules, &c->nrules);
    dc_strv(x, dc_ymap_get(cr, "group-by"), &c->group_by, &c->ngroup);
    for (uint32_t i = 0; i < c->ngroup; i++) {
        (void)i; /* group-by names are aliases or field names; resolved at run time */
    }
    const dc_ynode *ts = dc_ymap_get(cr, "timespan");
    if (!ts) {
        ts = dc_ymap_get(cr, "timeframe");
    }
    c->timespan_ms = dc_ystr(ts) ? dc_parse_duration(ts->str) : -1;
    if (c->timespan_ms <= 0) {
        dc_err(x, ts ? ts : cr, "correlation needs a timespan like 10m, 1h");
    }
    const dc_ynode *cond = dc_ymap_get(cr, "condition");
    if (t == DC_CT_TEMPORAL || t == DC_CT_TEMPORAL_ORDERED) {
        if (cond) {
            parse_cmp(x, cond, c);
        }
    } else {
        parse_cmp(x, cond, c);
        if (!c->has_min && !c->has_max) {
            dc_err(x, cond ? cond : cr, "correlation condition needs gt/gte/lt/lte/eq");
        }
        if (t != DC_CT_EVENT_COUNT && !c->field[0]) {
            dc_err(x, cond ? cond : cr, "%s needs condition.field", types[t]);
        }
    }
    const dc_ynode *al = dc_ymap_get(cr, "aliases");
    if (al && al->kind == DC_Y_MAP) {
        for (size_t i = 0; i < al->n; i++) {
            const dc_ynode *an = al->items[2 * i], *am = al->items[2 * i + 1];
            if (am->kind != DC_Y_MAP) {
                dc_err(x, am, "alias must map rule names to fields");
                continue;
            }
            for (size_t j = 0; j < am->n; j++) {
                if (!dc_ystr(am->items[2 * j]) || !dc_ystr(am->items[2 * j + 1])) {
                    dc_err(x, am->items[2 * j], "alias entries are rule: field");
                    continue;
                }
                dc_alias *na = realloc(c->aliases, (c->naliases + 1) * sizeof *na);
                if (!na) {
                    return -1;
                }
                c->aliases = na;
                na[c->naliases].name = strdup(an->str);
                na[c->naliases].rule = strdup(am->items[2 * j]->str);
                na[c->naliases].field = strdup(dc_map_field(x, am->items[2 * j + 1]->str));
                c->naliases++;
            }
        }
    } else if (al) {
        dc_err(x, al, "aliases must be a map");
    }
    const dc_ynode *gen = dc_ymap_get(cr, "generate");
    if (!gen) {
        gen = dc_ymap_get(root, "generate");
    }
    c->generate = gen && dc_ystr(gen) && strcmp(gen->str, "true") == 0;
    dc_strv(x, dc_ymap_get(root, "tags"), &c->tags, &c->ntags);
    if (x->errors != errs) {
        return -1;
    }
    return 0;
}
