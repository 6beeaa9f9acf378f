/*
 * dc_sigma_value.c - Sigma values and modifiers: a field item (`field|mod|mod: value`)
 * into leaves.  A Sigma string is parsed into units (bytes, wildcard *, wildcard ?)
 * with Sigma's escape rule (backslash escapes only *, ? and backslash; any other
 * backslash is literal), transformed (wide, base64, base64offset, windash, expand),
 * wrapped for contains / startswith / endswith, and stored in the normalised glob
 * syntax of dc_ir.h (every literal *, ? and backslash escaped).  The modifiers are one
 * table (`modifiers`): a new modifier is one row here.
 * Not here: search identifiers and the condition (dc_sigma_cond.c), documents
 * (dc_sigma.c).
 */
#include "dc_int.h"

#include "../common/zw_grow.h"

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
    if (zw_grow(&p->v, &p->cap, p->n + 1, sizeof *p->v, 32)) {
        return -1;
    }
    p->v[p->n++] = u;
    return 0;
}

static int ups_push(upats *s, upat p)
{
    if (zw_grow(&s->v, &s->cap, s->n + 1, sizeof *s->v, 8)) {
        return -1;
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
/* Cap on the patterns windash makes in one document (5^dashes per value): one value
 * with 8 dashes (390,625) fits; more is a compile error, not gigabytes. */
#define DC_MAX_ITEM_PATTERNS 400000u

/* -1: more than 8 dashes; -2: the document would pass DC_MAX_ITEM_PATTERNS. */
static int windash(dc_doc *x, const upat *p, upats *out)
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
    if (x->expanded + total > DC_MAX_ITEM_PATTERNS) {
        return -2;
    }
    x->expanded += total;
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

/* Offset + 1 of the quantifier of a group that repeats something itself repeated
 * without bound, as in `(a+)+`, `(x*)*` or `(a|b+)+`: such regexes backtrack
 * exponentially on near-miss input (the engine's match limit stops them, counted, but
 * they then cannot match).  0 when none.  A heuristic: the group's last atom (of any
 * branch) carries the unbounded quantifier, which is the classic form. */
static size_t nested_quantifier(const char *re, size_t n)
{
    uint8_t any[64]; /* per open group: some earlier branch ended with an unbounded atom */
    int depth = 0, lastq = 0;
    for (size_t i = 0; i < n; i++) {
        char c = re[i];
        if (c == '\\') {
            i++;
            lastq = 0;
        } else if (c == '[') {
            size_t j = i + 1;
            j += j < n && re[j] == '^';
            j += j < n && re[j] == ']';
            while (j < n && re[j] != ']') {
                j += re[j] == '\\' ? 2 : 1;
            }
            i = j;
            lastq = 0;
        } else if (c == '(') {
            if (depth < 64) {
                any[depth] = 0;
            }
            depth++;
            lastq = 0;
        } else if (c == '|') {
            if (depth > 0 && depth <= 64) {
                any[depth - 1] |= (uint8_t)lastq;
            }
            lastq = 0;
        } else if (c == ')') {
            int inner = 0;
            if (depth > 0 && depth <= 64) {
                inner = any[depth - 1] | lastq;
            }
            depth -= depth > 0;
            char q = i + 1 < n ? re[i + 1] : 0;
            int unb = q == '+' || q == '*';
            if (q == '{') {
                size_t j = i + 2;
                while (j < n && re[j] != '}') {
                    j++;
                }
                unb = j < n && re[j - 1] == ',';
            }
            if (inner && unb) {
                return i + 2;
            }
            lastq = 0;
        } else if (c == '+' || c == '*') {
            lastq = 1;
        } else if (c == '{') {
            size_t j = i + 1;
            while (j < n && re[j] != '}') {
                j++;
            }
            lastq = j < n && re[j - 1] == ',';
            i = j;
        } else if (c != '?') {
            lastq = 0;
        }
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
int dc_sigma_field_item(dc_doc *x, const dc_ynode *key, const dc_ynode *val, dc_prog *out)
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
            if (zw_grow(&xnodes, &cap, k2 + nex, sizeof *xnodes, 8)) {
                for (size_t j = 0; j < nex; j++) {
                    free(ex[j]);
                }
                free(ex);
                free(xnodes);
                free(xv);
                return -1;
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

/* A `re` value: checked by compiling it (error with position), warned about when it
 * has a nested quantifier, then one leaf.  0 or -1 (reported). */
static int re_value(dc_doc *x, const dc_ynode *v, const mods *m, const char *field, dc_prog *out)
{
    int ec;
    PCRE2_SIZE eo;
    uint32_t opt = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
    opt |= (m->reflags & DC_LF_RE_I) ? PCRE2_CASELESS : 0;
    opt |= (m->reflags & DC_LF_RE_M) ? PCRE2_MULTILINE : 0;
    opt |= (m->reflags & DC_LF_RE_S) ? PCRE2_DOTALL : 0;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)v->str, v->len, opt, &ec, &eo, NULL);
    if (!re) {
        PCRE2_UCHAR msg[200];
        pcre2_get_error_message(ec, msg, sizeof msg);
        dc_err(x, v, "bad regular expression at offset %zu: %s", (size_t)eo, (char *)msg);
        return -1;
    }
    pcre2_code_free(re);
    size_t nq = nested_quantifier(v->str, v->len);
    if (nq) {
        dc_diag_add(x->d, DC_DIAG_WARNING, x->file, v->line, v->col,
                    "regex has a nested quantifier at offset %zu (as in (a+)+): it "
                    "backtracks exponentially on near misses and then stops at the match "
                    "limit, counted as no match",
                    nq - 1);
    }
    return emit_leaf(x, out, field, DC_OP_RE, m->reflags, 0, v->str, (uint32_t)v->len, 0);
}

/* base64 / base64offset of one pattern (no wildcards) into pats; -1 on OOM. */
static int b64_patterns(const upat *p, int offsets, upats *pats)
{
    unsigned char *raw = malloc(p->n + 3);
    if (!raw) {
        return -1;
    }
    for (size_t i = 0; i < p->n; i++) {
        raw[i + 2] = (unsigned char)p->v[i];
    }
    raw[0] = raw[1] = ' ';
    if (!offsets) {
        upat q = {0};
        b64enc(raw + 2, p->n, &q);
        ups_push(pats, q);
    } else {
        static const size_t so[3] = {0, 2, 3};
        static const size_t eo[3] = {0, 3, 2};
        for (size_t off = 0; off < 3; off++) {
            upat q = {0};
            b64enc(raw + 2 - off, p->n + off, &q);
            size_t e = eo[(p->n + off) % 3];
            upat r = {0};
            for (size_t i = so[off]; i + e < q.n; i++) {
                up_push(&r, q.v[i]);
            }
            free(q.v);
            ups_push(pats, r);
        }
    }
    free(raw);
    return 0;
}

/* One string value through the transforms (wide, base64, base64offset, windash) into
 * patterns.  0 or -1 (reported). */
static int transform_value(dc_doc *x, const dc_ynode *v, const char *k, const mods *m, upats *pats)
{
    upat p = up_parse(v->str, strlen(v->str), 1);
    if (m->wide) {
        upat q = to_utf16(&p, m->utf16be);
        free(p.v);
        p = q;
    }
    int rc = 0;
    if (m->b64 || m->b64off) {
        if (up_has_wild(&p)) {
            dc_unsup(x, v, "wildcards inside a base64-encoded value");
            rc = -1;
        } else {
            rc = b64_patterns(&p, m->b64off, pats);
        }
        free(p.v);
    } else if (m->windash) {
        int wr = windash(x, &p, pats);
        if (wr == -1) {
            dc_unsup(x, v, "windash with more than 8 dashes");
            rc = -1;
        } else if (wr) {
            dc_err(x, v,
                   "windash expands the values of '%s' past %u patterns in this rule (5 per "
                   "dash per value): split the rule",
                   k, DC_MAX_ITEM_PATTERNS);
            rc = -1;
        }
        free(p.v);
    } else {
        ups_push(pats, p);
    }
    return rc;
}

/* Wraps each pattern for contains / startswith / endswith (keywords: anywhere in a
 * value) and emits one MATCH leaf per pattern; *nleaf counts them.  0 or -1. */
static int emit_patterns(dc_doc *x, dc_prog *out, const char *field, size_t fl, const mods *m,
                         uint16_t cflag, const upats *pats, int *nleaf)
{
    for (size_t pi = 0; pi < pats->n; pi++) {
        const upat *p = &pats->v[pi];
        upat q = {0};
        if ((m->contains || m->endswith) && !(p->n && p->v[0] == U_STAR)) {
            up_push(&q, U_STAR);
        }
        for (size_t i = 0; i < p->n; i++) {
            up_push(&q, p->v[i]);
        }
        if ((m->contains || m->startswith) && !(p->n && p->v[p->n - 1] == U_STAR)) {
            up_push(&q, U_STAR);
        }
        if (!fl && !m->re && q.n && q.v[0] != U_STAR && !m->startswith) {
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
            return -1;
        }
        int rc = emit_leaf(x, out, field, DC_OP_MATCH, cflag, 0, g, len, 0);
        free(g);
        (*nleaf)++;
        if (rc) {
            return -1;
        }
    }
    return 0;
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
            if (!dc_is_number(v->str)) {
                dc_err(x, v, "'%s' needs a number, got '%s'", k, v->str);
                return -1;
            }
            rc = emit_leaf(x, out, field, m.cmp ? (dc_op)m.cmp : DC_OP_NUM_EQ, 0, m.timepart, NULL,
                           0, strtod(v->str, NULL));
            nleaf = 1;
        } else if (m.re) {
            if (re_value(x, v, &m, field, out)) {
                return -1;
            }
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
            upats pats = {0};
            rc = transform_value(x, v, k, &m, &pats);
            if (!rc) {
                rc = emit_patterns(x, out, field, fl, &m, cflag, &pats, &nleaf);
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
