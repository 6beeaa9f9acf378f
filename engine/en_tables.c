/*
 * en_tables.c - build and run the matching tables (see en_tables.h for the design).
 */
#include "en_tables.h"

#include "../common/zw_time.h"
#include "en_ac.h"
#include "en_fold.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <arpa/inet.h>
#include <ctype.h>
#include <math.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define U_STAR 256
#define U_QMARK 257

enum {
    K_EXACT,
    K_PREFIX,
    K_SUFFIX,
    K_CONTAINS,
    K_GLOB,
    K_ANY,
    K_RE,
    K_NUM,
    K_CIDR,
    K_EXISTS,
    K_NULL,
    K_FREF,
    K_NONE
};

typedef struct {
    uint8_t kind;
    uint8_t cased;
    int32_t field;   /* index in t->fields */
    uint16_t *units; /* MATCH: compiled glob (folded unless cased) */
    uint32_t nunits;
    pcre2_code *re;
    int32_t ref_field; /* FIELDREF: index of the other field */
} cleaf;

typedef struct {
    uint32_t leaf;
    uint8_t kind; /* K_PREFIX, K_SUFFIX, K_CONTAINS, K_GLOB (anchor), K_RE (gate) */
} acent;

typedef struct {
    uint64_t h;
    char *s; /* folded value */
    uint32_t n;
    uint32_t *leaves;
    uint32_t nleaves;
} xent;

typedef struct cnode {
    struct cnode *c[2];
    uint32_t *leaves;
    uint32_t nleaves;
} cnode;

typedef struct {
    char *path;
    int slot;
    /* exact */
    xent *x;
    size_t xcap, xn;
    /* literals */
    en_ac *ac;
    uint32_t *pstart; /* CSR by pattern id: pstart[np+1] */
    acent *pents;
    uint32_t np;
    /* always verified per value */
    uint32_t *always;
    uint32_t nalways;
    uint32_t *num;
    uint32_t nnum;
    cnode *v4, *v6;
    uint32_t *absent; /* EXISTS / NULL leaves */
    uint32_t nabsent;
    int has_value_leaves;
    int fref; /* used by a fieldref leaf: captured during text scans */
} field;

typedef struct {
    uint64_t h;
    int32_t field;  /* or -1 */
    uint8_t prefix; /* some field path continues below this path */
    char *s;
} pent;

struct en_tables {
    dc_ruleset *rs;
    cleaf *leaves;
    field *fields;
    uint32_t nfields, capfields;
    int32_t kwfield; /* field "" (keywords), or -1 */
    pent *ph;        /* path hash */
    size_t phcap;
    uint32_t *lr_start, *lr; /* leaf -> rules CSR */
    uint32_t *always_rules;
    uint32_t nalways_rules;
    uint32_t *fref;
    uint32_t nfref;
    uint32_t **clauses;      /* per rule: [len, leaf...]* 0 - necessary ORs of leaves, or NULL */
    uint32_t *absent_fields; /* fields with EXISTS / NULL leaves */
    uint32_t nabsent_fields;
    char ***routes; /* per rule: NULL-terminated list of formats, or NULL */
    uint32_t maxprog;
    int has_routes;
    uint32_t fidx[8192]; /* build-time field name hash: index + 1 */
    en_tables_stats st;
};

/* Per-matcher memo of (field, value) -> leaves fired: values repeat a lot in logs
 * (image paths, parents, users, channels), and a field's leaves depend only on the
 * value.  Only a field's first value in an event is memoised, so the recorded list is
 * exactly what that value fired. */
#define MEMO_SLOTS 4096
#define MEMO_VMAX 192
#define MEMO_LMAX 12
typedef struct {
    uint64_t h;
    int32_t field;
    uint16_t n;
    uint8_t nl;
    uint32_t leaves[MEMO_LMAX];
    char v[MEMO_VMAX];
} memo;

struct en_matcher {
    const en_tables *t;
    memo *memo;
    uint8_t *lv;
    /* values of fieldref fields captured by en_match_json_text (no DOM) */
    char *cap;
    size_t caplen, capcap;
    struct {
        int32_t field;
        uint32_t off, len;
    } capv[64];
    uint32_t ncapv;
    uint32_t *touched;
    uint32_t ntouched;
    uint32_t *stamp; /* per leaf: value stamp for verify-once */
    uint32_t vstamp;
    uint32_t *rstamp; /* per rule: event stamp */
    uint32_t estamp;
    uint32_t *cand;
    uint32_t ncand;
    uint32_t *res;
    uint32_t nres;
    uint32_t *fseen; /* per field: event stamp when a non-null value was seen */
    uint32_t *fnull; /* per field: event stamp when a null value was seen */
    char *fb;
    size_t fbcap;
    uint8_t *stack;
    pcre2_match_data *md;
    char path[1024];
    /* current value during a scan */
    const char *vp, *vf;
    size_t vn;
    const field *vfield;
    /* event (for fieldref) */
    fjson_object *jev;
    const zw_event *cev;
    char numbuf[64];
    char *jsb; /* JSON string scratch for en_match_json_text */
    size_t jsbcap;
};

/* ---- helpers ---- */

static uint64_t hash_bytes(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ull;
    }
    return h ? h : 1;
}

static int push_u32(uint32_t **v, uint32_t *n, uint32_t x)
{
    if ((*n & (*n - 1)) == 0) {
        uint32_t c = *n ? *n * 2 : 4;
        uint32_t *nv = realloc(*v, c * sizeof *nv);
        if (!nv) {
            return -1;
        }
        *v = nv;
    }
    (*v)[(*n)++] = x;
    return 0;
}

/* Parses a normalised glob into units (folded unless cased). */
static uint16_t *glob_units(const char *s, size_t n, int cased, uint32_t *nu)
{
    uint16_t *u = malloc((n + 1) * sizeof *u);
    char *tmp = malloc(n + 1);
    uint32_t k = 0;
    if (!u || !tmp) {
        free(u);
        free(tmp);
        return NULL;
    }
    /* collect literal runs, fold them, keep wildcards */
    size_t i = 0;
    while (i < n) {
        if (s[i] == '*' || s[i] == '?') {
            u[k++] = s[i] == '*' ? U_STAR : U_QMARK;
            i++;
            continue;
        }
        size_t tl = 0;
        while (i < n && s[i] != '*' && s[i] != '?') {
            if (s[i] == '\\' && i + 1 < n) {
                i++;
            }
            tmp[tl++] = s[i++];
        }
        if (!cased) {
            en_fold(tmp, tl, tmp);
        }
        for (size_t j = 0; j < tl; j++) {
            u[k++] = (unsigned char)tmp[j];
        }
    }
    free(tmp);
    *nu = k;
    return u;
}

static size_t utf8_len(unsigned char c)
{
    return c < 0x80             ? 1
           : (c & 0xE0) == 0xC0 ? 2
           : (c & 0xF0) == 0xE0 ? 3
           : (c & 0xF8) == 0xF0 ? 4
                                : 1;
}

/* Wildcard match of units against text (backtracking on the last star only). */
static int glob_match(const uint16_t *u, uint32_t nu, const char *t, size_t n)
{
    uint32_t pi = 0, star = UINT32_MAX;
    size_t ti = 0, mark = 0;
    while (ti < n) {
        if (pi < nu && u[pi] == U_STAR) {
            star = pi++;
            mark = ti;
        } else if (pi < nu && u[pi] == U_QMARK) {
            pi++;
            size_t l = utf8_len((unsigned char)t[ti]);
            ti += l <= n - ti ? l : 1;
        } else if (pi < nu && u[pi] == (unsigned char)t[ti]) {
            pi++;
            ti++;
        } else if (star != UINT32_MAX) {
            pi = star + 1;
            size_t l = utf8_len((unsigned char)t[mark]);
            mark += l <= n - mark ? l : 1;
            ti = mark;
        } else {
            return 0;
        }
    }
    while (pi < nu && u[pi] == U_STAR) {
        pi++;
    }
    return pi == nu;
}

/* A literal run every match of the regex must contain (case-folded), or none. */
static size_t re_gate(const char *re, size_t n, int caseless, char *out, size_t cap)
{
    (void)caseless;
    if (zw_memmem(re, n, "(?x", 3) || zw_memmem(re, n, "(?-i", 4)) {
        return 0;
    }
    int depth = 0, inclass = 0;
    char cur[256], best[256];
    size_t cl = 0, bl = 0;
    for (size_t i = 0; i < n; i++) {
        char c = re[i];
        if (inclass) {
            if (c == '\\') {
                i++;
            } else if (c == ']') {
                inclass = 0;
            }
            continue;
        }
        int lit = -1;
        if (c == '\\' && i + 1 < n) {
            char e = re[i + 1];
            if (strchr(".\\/-[](){}*+?|^$ :_=@#%&'\"<>,;!~`", e)) {
                lit = e;
                i++;
            } else {
                i++;
                if (depth == 0) {
                    if (cl > bl) {
                        memcpy(best, cur, cl);
                        bl = cl;
                    }
                    cl = 0;
                }
                continue;
            }
        } else if (c == '[') {
            inclass = 1;
            /* "[]...]" and "[^]...]": a leading ] is a member, not the end */
            if (i + 1 < n && re[i + 1] == '^') {
                i++;
            }
            if (i + 1 < n && re[i + 1] == ']') {
                i++;
            }
        } else if (c == '(') {
            depth++;
        } else if (c == ')') {
            depth--;
        } else if (c == '|') {
            if (depth == 0) {
                return 0;
            }
        } else if (strchr(".^$*+?{}", c)) {
            /* a quantifier applies to the previous char: drop it from the run */
            if ((c == '*' || c == '?' || c == '{') && depth == 0 && cl > 0) {
                cl--;
            }
            if (c == '{') {
                /* {n,m}: its digits are not literals */
                while (i + 1 < n && re[i + 1] != '}') {
                    i++;
                }
                i += i + 1 < n;
            }
        } else {
            lit = (unsigned char)c;
        }
        if (lit >= 0 && depth == 0 && !inclass && cl < sizeof cur) {
            cur[cl++] = (char)lit;
            continue;
        }
        if (depth == 0 || c == '(') {
            if (cl > bl) {
                memcpy(best, cur, cl);
                bl = cl;
            }
            cl = 0;
        }
    }
    if (cl > bl) {
        memcpy(best, cur, cl);
        bl = cl;
    }
    if (bl < 3 || bl > cap) {
        return 0;
    }
    /* non-ASCII literal bytes: the folded text may differ; skip gating then */
    for (size_t i = 0; i < bl; i++) {
        if ((unsigned char)best[i] >= 0x80) {
            return 0;
        }
    }
    en_fold(best, bl, out);
    return bl;
}

/* ---- build ---- */

static int32_t field_index(en_tables *t, const char *name)
{
    uint64_t h = hash_bytes(name, strlen(name));
    size_t hc = sizeof t->fidx / sizeof t->fidx[0];
    size_t j = h & (hc - 1);
    for (; t->fidx[j]; j = (j + 1) & (hc - 1)) {
        if (strcmp(t->fields[t->fidx[j] - 1].path, name) == 0) {
            return (int32_t)(t->fidx[j] - 1);
        }
    }
    if (t->nfields + 1 >= hc / 2) {
        for (uint32_t i = 0; i < t->nfields; i++) {
            if (strcmp(t->fields[i].path, name) == 0) {
                return (int32_t)i;
            }
        }
    } else {
        t->fidx[j] = t->nfields + 1;
    }
    if (t->nfields == t->capfields) {
        uint32_t c = t->capfields ? t->capfields * 2 : 64;
        field *nf = realloc(t->fields, c * sizeof *nf);
        if (!nf) {
            return -1;
        }
        t->fields = nf;
        t->capfields = c;
    }
    field *f = &t->fields[t->nfields];
    memset(f, 0, sizeof *f);
    f->path = strdup(name);
    f->slot = name[0] ? zw_field_by_path(name, strlen(name)) : -1;
    return (int32_t)t->nfields++;
}

static int xset_add(field *f, const char *s, uint32_t n, uint32_t leaf)
{
    uint64_t h = hash_bytes(s, n);
    if ((f->xn + 1) * 2 > f->xcap) {
        size_t nc = f->xcap ? f->xcap * 2 : 16;
        xent *nx = calloc(nc, sizeof *nx);
        if (!nx) {
            return -1;
        }
        for (size_t i = 0; i < f->xcap; i++) {
            if (f->x[i].h) {
                size_t j = f->x[i].h & (nc - 1);
                while (nx[j].h) {
                    j = (j + 1) & (nc - 1);
                }
                nx[j] = f->x[i];
            }
        }
        free(f->x);
        f->x = nx;
        f->xcap = nc;
    }
    size_t j = h & (f->xcap - 1);
    while (f->x[j].h) {
        if (f->x[j].h == h && f->x[j].n == n && memcmp(f->x[j].s, s, n) == 0) {
            return push_u32(&f->x[j].leaves, &f->x[j].nleaves, leaf);
        }
        j = (j + 1) & (f->xcap - 1);
    }
    f->x[j].h = h;
    f->x[j].s = malloc(n + 1);
    if (!f->x[j].s) {
        return -1;
    }
    memcpy(f->x[j].s, s, n);
    f->x[j].n = n;
    f->xn++;
    return push_u32(&f->x[j].leaves, &f->x[j].nleaves, leaf);
}

static const xent *xset_get(const field *f, const char *s, size_t n)
{
    if (!f->xcap) {
        return NULL;
    }
    uint64_t h = hash_bytes(s, n);
    for (size_t j = h & (f->xcap - 1); f->x[j].h; j = (j + 1) & (f->xcap - 1)) {
        if (f->x[j].h == h && f->x[j].n == n && memcmp(f->x[j].s, s, n) == 0) {
            return &f->x[j];
        }
    }
    return NULL;
}

typedef struct {
    uint32_t pat, leaf;
    uint8_t kind;
} pending;

static int parse_ip(const char *s, size_t n, unsigned char *buf, int *v6)
{
    char tmp[64];
    if (n == 0 || n >= sizeof tmp) {
        return -1;
    }
    memcpy(tmp, s, n);
    tmp[n] = 0;
    if (memchr(tmp, ':', n)) {
        *v6 = 1;
        return inet_pton(AF_INET6, tmp, buf) == 1 ? 0 : -1;
    }
    *v6 = 0;
    return inet_pton(AF_INET, tmp, buf) == 1 ? 0 : -1;
}

static int cidr_add(field *f, const char *s, uint32_t leaf)
{
    const char *slash = strchr(s, '/');
    size_t n = slash ? (size_t)(slash - s) : strlen(s);
    unsigned char b[16];
    int v6;
    if (parse_ip(s, n, b, &v6)) {
        return -1;
    }
    int bits = slash ? atoi(slash + 1) : (v6 ? 128 : 32);
    cnode **root = v6 ? &f->v6 : &f->v4;
    if (!*root && !(*root = calloc(1, sizeof(cnode)))) {
        return -1;
    }
    cnode *nd = *root;
    for (int i = 0; i < bits; i++) {
        int bit = (b[i / 8] >> (7 - i % 8)) & 1;
        if (!nd->c[bit] && !(nd->c[bit] = calloc(1, sizeof(cnode)))) {
            return -1;
        }
        nd = nd->c[bit];
    }
    return push_u32(&nd->leaves, &nd->nleaves, leaf);
}

static void cnode_free(cnode *n)
{
    if (n) {
        cnode_free(n->c[0]);
        cnode_free(n->c[1]);
        free(n->leaves);
        free(n);
    }
}

static int ph_put(en_tables *t, const char *s, size_t n, int32_t fidx, int prefix)
{
    uint64_t h = hash_bytes(s, n);
    size_t j = h & (t->phcap - 1);
    while (t->ph[j].h) {
        if (t->ph[j].h == h && strlen(t->ph[j].s) == n && memcmp(t->ph[j].s, s, n) == 0) {
            if (fidx >= 0) {
                t->ph[j].field = fidx;
            }
            t->ph[j].prefix |= (uint8_t)prefix;
            return 0;
        }
        j = (j + 1) & (t->phcap - 1);
    }
    t->ph[j].h = h;
    t->ph[j].s = malloc(n + 1);
    if (!t->ph[j].s) {
        return -1;
    }
    memcpy(t->ph[j].s, s, n);
    t->ph[j].s[n] = 0;
    t->ph[j].field = fidx;
    t->ph[j].prefix = (uint8_t)prefix;
    return 0;
}

static const pent *ph_get(const en_tables *t, const char *s, size_t n)
{
    uint64_t h = hash_bytes(s, n);
    for (size_t j = h & (t->phcap - 1); t->ph[j].h; j = (j + 1) & (t->phcap - 1)) {
        if (t->ph[j].h == h && memcmp(t->ph[j].s, s, n) == 0 && t->ph[j].s[n] == 0) {
            return &t->ph[j];
        }
    }
    return NULL;
}

/* Path for JSON lookup: "resources[].name" -> "resources.name". */
static char *json_path(const char *p)
{
    char *s = malloc(strlen(p) + 1);
    size_t k = 0;
    if (!s) {
        return NULL;
    }
    for (; *p; p++) {
        if (p[0] == '[' && p[1] == ']') {
            p++;
            continue;
        }
        s[k++] = *p;
    }
    s[k] = 0;
    return s;
}

static int cmp_pending(const void *a, const void *b)
{
    const pending *x = a, *y = b;
    return x->pat < y->pat ? -1 : x->pat > y->pat ? 1 : (int)x->leaf - (int)y->leaf;
}

/* Per program position: 1 when the leaf there can make the rule true by firing (it
 * sits under an even number of NOTs somewhere).  A leaf only under odd NOTs never turns
 * a false rule true, so it need not make the rule a candidate; rules true with no leaf
 * firing are evaluated on every event instead.  Walks the postfix program backwards,
 * handing each operator's polarity to its operands.  NULL on out-of-memory (then every
 * leaf triggers). */
static uint8_t *rule_triggers(const dc_rule *ru)
{
    uint8_t *tr = calloc(ru->nprog + 1, 1);
    uint8_t *st = malloc(ru->nprog + 2);
    if (!tr || !st) {
        free(tr);
        free(st);
        return NULL;
    }
    size_t sp = 0;
    st[sp++] = 1;
    for (uint32_t i = ru->nprog; i-- > 0;) {
        uint32_t w = ru->prog[i];
        uint8_t pol = sp ? st[--sp] : 1;
        switch (DC_P_OPC(w)) {
        case DC_P_LEAF:
            tr[i] = pol;
            break;
        case DC_P_NOT:
            st[sp++] = !pol;
            break;
        case DC_P_AND:
        case DC_P_OR:
            for (uint32_t k = 0; k < DC_P_ARG(w) && sp <= ru->nprog; k++) {
                st[sp++] = pol;
            }
            break;
        default:
            break;
        }
    }
    free(st);
    /* a leaf positive anywhere triggers at every position */
    for (uint32_t i = 0; i < ru->nprog; i++) {
        if (DC_P_OPC(ru->prog[i]) == DC_P_LEAF && tr[i]) {
            for (uint32_t j = 0; j < ru->nprog; j++) {
                if (ru->prog[j] == ru->prog[i]) {
                    tr[j] = 1;
                }
            }
        }
    }
    return tr;
}

/* Necessary clauses of a rule: when the root is an AND (or a single node), each child
 * that is an OR of positive leaves must have one leaf set for the rule to be true.
 * Checking these first skips evaluating big filter lists for rules whose selection did
 * not match.  Returns [len, leaves..]* 0, or NULL when there is none. */
static uint32_t *rule_clauses(const dc_rule *ru)
{
    uint32_t n = ru->nprog;
    if (n == 0) {
        return NULL;
    }
    uint32_t *st = malloc(n * sizeof *st), *stack = malloc((n + 1) * sizeof *stack);
    uint32_t sp = 0;
    if (!st || !stack) {
        free(st);
        free(stack);
        return NULL;
    }
    for (uint32_t i = 0; i < n; i++) {
        uint32_t w = ru->prog[i], op = DC_P_OPC(w);
        uint32_t start = i;
        if (op == DC_P_NOT && sp) {
            start = stack[--sp];
        } else if ((op == DC_P_AND || op == DC_P_OR) && sp >= DC_P_ARG(w) && DC_P_ARG(w)) {
            sp -= DC_P_ARG(w);
            start = stack[sp];
        }
        st[i] = start;
        stack[sp++] = start;
    }
    free(stack);
    /* conjuncts: the root, flattened through nested ANDs (a work list of subtree ends) */
    uint32_t ends[64], nch = 0, work[64], nw = 0;
    work[nw++] = n - 1;
    while (nw && nch < 64) {
        uint32_t b = work[--nw];
        if (DC_P_OPC(ru->prog[b]) == DC_P_AND) {
            uint32_t e = b; /* exclusive end of the next child to the left */
            for (uint32_t k = 0; k < DC_P_ARG(ru->prog[b]) && nw < 64 && e > 0; k++) {
                work[nw++] = e - 1;
                e = st[e - 1];
            }
        } else {
            ends[nch++] = b;
        }
    }
    uint32_t *out = malloc((n + nch + 2) * sizeof *out);
    size_t w = 0;
    for (uint32_t c = 0; out && c < nch; c++) {
        uint32_t b = ends[c], a = st[b];
        int ok = 1;
        for (uint32_t i = a; i <= b && ok; i++) {
            uint32_t op = DC_P_OPC(ru->prog[i]);
            ok = op == DC_P_LEAF || op == DC_P_OR;
        }
        if (!ok) {
            continue;
        }
        size_t lenpos = w++;
        uint32_t len = 0;
        for (uint32_t i = a; i <= b; i++) {
            if (DC_P_OPC(ru->prog[i]) == DC_P_LEAF) {
                out[w++] = DC_P_ARG(ru->prog[i]);
                len++;
            }
        }
        out[lenpos] = len;
    }
    free(st);
    if (!out || w == 0) {
        free(out);
        return NULL;
    }
    out[w] = 0;
    return out;
}

int en_tables_new(dc_ruleset *rs, en_tables **out, char *errstr, size_t errstr_size)
{
    *out = NULL;
    en_tables *t = calloc(1, sizeof *t);
    if (!t) {
        dc_ruleset_free(rs);
        return zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
    }
    t->rs = rs;
    t->kwfield = -1;
    int rc = 0;
    t->leaves = calloc(rs->nleaves + 1, sizeof *t->leaves);
    pending *pend = NULL;
    uint32_t *npend = NULL; /* per field count */
    size_t np = 0, capp = 0;
    if (!t->leaves) {
        rc = ZW_ENOMEM;
        goto out;
    }
    /* which leaves are used (a failed document may leave orphans) */
    uint8_t *used = calloc(rs->nleaves + 1, 1);
    for (uint32_t r = 0; r < rs->nrules && used; r++) {
        for (uint32_t i = 0; i < rs->rules[r].nprog; i++) {
            uint32_t w = rs->rules[r].prog[i];
            if (DC_P_OPC(w) == DC_P_LEAF) {
                used[DC_P_ARG(w)] = 1;
            }
        }
    }
    for (uint32_t i = 0; i < rs->nleaves; i++) {
        const dc_leaf *l = &rs->leaves[i];
        cleaf *c = &t->leaves[i];
        c->kind = K_NONE;
        if (!used || !used[i]) {
            continue;
        }
        char *jp = json_path(l->field);
        int32_t fi = jp ? field_index(t, jp) : -1;
        free(jp);
        if (fi < 0) {
            rc = ZW_ENOMEM;
            break;
        }
        c->field = fi;
        field *f = &t->fields[fi];
        if (!l->field[0]) {
            t->kwfield = fi;
        }
        c->cased = (l->flags & DC_LF_CASED) != 0;
        switch ((dc_op)l->op) {
        case DC_OP_MATCH: {
            c->units = glob_units(l->val, l->vlen, c->cased, &c->nunits);
            if (!c->units) {
                rc = ZW_ENOMEM;
                break;
            }
            /* classify */
            uint32_t nu = c->nunits, stars = 0, q = 0;
            for (uint32_t k = 0; k < nu; k++) {
                stars += c->units[k] == U_STAR;
                q += c->units[k] == U_QMARK;
            }
            int lead = nu && c->units[0] == U_STAR, trail = nu > 1 && c->units[nu - 1] == U_STAR;
            const uint16_t *lit = c->units;
            uint32_t litn = nu;
            int kind;
            if (stars == 0 && q == 0) {
                kind = K_EXACT;
            } else if (q == 0 && stars == 1 && lead && nu > 1) {
                kind = K_SUFFIX;
                lit++;
                litn--;
            } else if (q == 0 && stars == 1 && c->units[nu - 1] == U_STAR && nu > 1) {
                kind = K_PREFIX;
                litn--;
            } else if (q == 0 && stars == 2 && lead && trail && nu > 2) {
                kind = K_CONTAINS;
                lit++;
                litn -= 2;
            } else {
                kind = K_GLOB;
                /* longest literal run as the anchor */
                uint32_t bs = 0, bl = 0, s0 = 0;
                for (uint32_t k = 0; k <= nu; k++) {
                    if (k == nu || c->units[k] >= 256) {
                        if (k - s0 > bl) {
                            bl = k - s0;
                            bs = s0;
                        }
                        s0 = k + 1;
                    }
                }
                lit = c->units + bs;
                litn = bl;
                if (bl == 0) {
                    kind = K_ANY;
                }
            }
            c->kind = (uint8_t)(kind == K_ANY ? K_GLOB : kind);
            char tmp[4096];
            char *buf = litn < sizeof tmp ? tmp : malloc(litn + 1);
            if (!buf) {
                rc = ZW_ENOMEM;
                break;
            }
            for (uint32_t k = 0; k < litn; k++) {
                buf[k] = (char)lit[k];
            }
            if (c->cased) {
                en_fold(buf, litn, buf); /* the tables hold folded text; verify raw later */
            }
            if (kind == K_EXACT) {
                rc = xset_add(f, buf, litn, i) ? ZW_ENOMEM : 0;
                t->st.exact++;
            } else if (kind == K_ANY) {
                rc = push_u32(&f->always, &f->nalways, i) ? ZW_ENOMEM : 0;
                t->st.globs++;
            } else {
                if (!f->ac && !(f->ac = en_ac_new())) {
                    rc = ZW_ENOMEM;
                } else {
                    int32_t pid = en_ac_add(f->ac, buf, litn);
                    if (pid < 0) {
                        rc = ZW_ENOMEM;
                    } else {
                        if (np == capp) {
                            capp = capp ? capp * 2 : 1024;
                            pending *npd = realloc(pend, capp * sizeof *npd);
                            if (!npd) {
                                rc = ZW_ENOMEM;
                            }
                            pend = npd;
                        }
                        if (!rc) {
                            pend[np].pat = (uint32_t)pid | ((uint32_t)fi << 20);
                            pend[np].leaf = i;
                            pend[np].kind = (uint8_t)kind;
                            np++;
                        }
                    }
                }
                if (kind == K_GLOB) {
                    t->st.globs++;
                } else {
                    t->st.literals++;
                }
            }
            if (buf != tmp) {
                free(buf);
            }
            break;
        }
        case DC_OP_RE: {
            int ec;
            PCRE2_SIZE eo;
            uint32_t opt = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
            opt |= (l->flags & DC_LF_RE_I) ? PCRE2_CASELESS : 0;
            opt |= (l->flags & DC_LF_RE_M) ? PCRE2_MULTILINE : 0;
            opt |= (l->flags & DC_LF_RE_S) ? PCRE2_DOTALL : 0;
            c->re = pcre2_compile((PCRE2_SPTR)l->val, l->vlen, opt, &ec, &eo, NULL);
            if (!c->re) {
                PCRE2_UCHAR msg[200];
                pcre2_get_error_message(ec, msg, sizeof msg);
                rc = zw_errf(errstr, errstr_size, ZW_EINVAL, "regex /%s/: %s", l->val, (char *)msg);
                break;
            }
            pcre2_jit_compile(c->re, PCRE2_JIT_COMPLETE);
            c->kind = K_RE;
            t->st.regexes++;
            char g[256];
            size_t gl = re_gate(l->val, l->vlen, (l->flags & DC_LF_RE_I) != 0, g, sizeof g);
            if (gl) {
                if (!f->ac && !(f->ac = en_ac_new())) {
                    rc = ZW_ENOMEM;
                    break;
                }
                int32_t pid = en_ac_add(f->ac, g, gl);
                if (pid < 0 ||
                    (np == capp &&
                     !(pend = realloc(pend, (capp = capp ? capp * 2 : 1024) * sizeof *pend)))) {
                    rc = ZW_ENOMEM;
                    break;
                }
                pend[np].pat = (uint32_t)pid | ((uint32_t)fi << 20);
                pend[np].leaf = i;
                pend[np].kind = K_RE;
                np++;
                t->st.gated_regexes++;
            } else {
                rc = push_u32(&f->always, &f->nalways, i) ? ZW_ENOMEM : 0;
            }
            break;
        }
        case DC_OP_CIDR:
            c->kind = K_CIDR;
            rc = cidr_add(f, l->val, i) ? ZW_ENOMEM : 0;
            t->st.cidrs++;
            break;
        case DC_OP_EXISTS:
        case DC_OP_NULL:
            c->kind = l->op == DC_OP_EXISTS ? K_EXISTS : K_NULL;
            rc = push_u32(&f->absent, &f->nabsent, i) ? ZW_ENOMEM : 0;
            break;
        case DC_OP_NUM_EQ:
        case DC_OP_LT:
        case DC_OP_LTE:
        case DC_OP_GT:
        case DC_OP_GTE:
        case DC_OP_BOOL:
            c->kind = K_NUM;
            rc = push_u32(&f->num, &f->nnum, i) ? ZW_ENOMEM : 0;
            t->st.numeric++;
            break;
        case DC_OP_FIELDREF: {
            c->kind = K_FREF;
            char *jp2 = json_path(l->val);
            c->ref_field = jp2 ? field_index(t, jp2) : -1;
            free(jp2);
            rc = c->ref_field < 0 || push_u32(&t->fref, &t->nfref, i) ? ZW_ENOMEM : 0;
            if (!rc) {
                t->fields[c->ref_field].fref = 1;
                t->fields[fi].fref = 1;
            }
            break;
        }
        default:
            rc = zw_errf(errstr, errstr_size, ZW_EINVAL, "leaf %u: unknown operation %u", i, l->op);
        }
        if (rc) {
            break;
        }
        if (c->kind != K_EXISTS && c->kind != K_NULL && c->kind != K_FREF) {
            t->fields[c->field].has_value_leaves = 1;
        }
    }
    free(used);
    if (rc) {
        goto out;
    }
    if (t->kwfield >= 0) {
        t->st.keywords = 1;
    }
    /* AC entries per field, CSR by pattern id */
    if (np) {
        /* qsort(NULL, 0, ...) is undefined behaviour (UBSan stops `make asan`) */
        qsort(pend, np, sizeof *pend, cmp_pending);
    }
    (void)npend;
    for (uint32_t fi = 0; fi < t->nfields && !rc; fi++) {
        field *f = &t->fields[fi];
        if (!f->ac) {
            continue;
        }
        if (en_ac_compile(f->ac)) {
            rc = ZW_ENOMEM;
            break;
        }
        f->np = en_ac_npatterns(f->ac);
        f->pstart = calloc(f->np + 1, sizeof *f->pstart);
        size_t cnt = 0;
        for (size_t k = 0; k < np; k++) {
            cnt += (pend[k].pat >> 20) == fi;
        }
        f->pents = malloc((cnt + 1) * sizeof *f->pents);
        if (!f->pstart || !f->pents) {
            rc = ZW_ENOMEM;
            break;
        }
        size_t w = 0;
        for (size_t k = 0; k < np; k++) {
            if ((pend[k].pat >> 20) != fi) {
                continue;
            }
            uint32_t pid = pend[k].pat & 0xFFFFF;
            f->pstart[pid + 1]++;
            f->pents[w].leaf = pend[k].leaf;
            f->pents[w].kind = pend[k].kind;
            w++;
        }
        for (uint32_t p = 0; p < f->np; p++) {
            f->pstart[p + 1] += f->pstart[p];
        }
    }
    if (rc) {
        goto out;
    }
    /* path hash: every field path and every proper prefix of it */
    t->phcap = 64;
    while (t->phcap < (size_t)t->nfields * 8) {
        t->phcap *= 2;
    }
    t->ph = calloc(t->phcap, sizeof *t->ph);
    if (!t->ph) {
        rc = ZW_ENOMEM;
        goto out;
    }
    for (uint32_t fi = 0; fi < t->nfields && !rc; fi++) {
        const char *p = t->fields[fi].path;
        if (!p[0]) {
            continue;
        }
        rc = ph_put(t, p, strlen(p), (int32_t)fi, 0) ? ZW_ENOMEM : 0;
        for (const char *d = strchr(p, '.'); d && !rc; d = strchr(d + 1, '.')) {
            rc = ph_put(t, p, (size_t)(d - p), -1, 1) ? ZW_ENOMEM : 0;
        }
    }
    if (rc) {
        goto out;
    }
    /* leaf -> rules, always-evaluated rules, routes */
    t->lr_start = calloc(rs->nleaves + 2, sizeof *t->lr_start);
    t->routes = calloc(rs->nrules + 1, sizeof *t->routes);
    t->clauses = calloc(rs->nrules + 1, sizeof *t->clauses);
    for (uint32_t r = 0; t->clauses && r < rs->nrules; r++) {
        t->clauses[r] = rule_clauses(&rs->rules[r]);
    }
    uint8_t *lv = calloc(rs->nleaves + 1, 1);
    if (!t->lr_start || !t->routes || !lv) {
        free(lv);
        rc = ZW_ENOMEM;
        goto out;
    }
    size_t total = 0;
    uint8_t **trig = calloc(rs->nrules + 1, sizeof *trig);
    if (!trig) {
        free(lv);
        rc = ZW_ENOMEM;
        goto out;
    }
    /* Trigger leaves: those in positive position; when the rule has necessary clauses,
     * only the leaves of its rarest clause (fewest rules sharing its leaves), since the
     * rule cannot be true unless one of them fires. */
    uint32_t *share = calloc(rs->nleaves + 1, sizeof *share);
    for (uint32_t r = 0; r < rs->nrules && share; r++) {
        const dc_rule *ru = &rs->rules[r];
        trig[r] = rule_triggers(ru);
        for (uint32_t i = 0; i < ru->nprog; i++) {
            if (DC_P_OPC(ru->prog[i]) == DC_P_LEAF && (!trig[r] || trig[r][i])) {
                share[DC_P_ARG(ru->prog[i])]++;
            }
        }
    }
    for (uint32_t r = 0; r < rs->nrules && share && t->clauses; r++) {
        const dc_rule *ru = &rs->rules[r];
        const uint32_t *cl = t->clauses[r], *best = NULL;
        uint64_t best_cost = UINT64_MAX;
        while (cl && *cl) {
            uint64_t cost = 0;
            for (uint32_t k = 0; k < cl[0]; k++) {
                cost += share[cl[1 + k]];
            }
            if (cost < best_cost) {
                best_cost = cost;
                best = cl;
            }
            cl += 1 + cl[0];
        }
        if (!best || !trig[r]) {
            continue;
        }
        for (uint32_t i = 0; i < ru->nprog; i++) {
            int in = 0;
            if (DC_P_OPC(ru->prog[i]) == DC_P_LEAF) {
                for (uint32_t k = 0; k < best[0] && !in; k++) {
                    in = best[1 + k] == DC_P_ARG(ru->prog[i]);
                }
            }
            trig[r][i] = (uint8_t)in;
        }
    }
    free(share);
    for (uint32_t r = 0; r < rs->nrules; r++) {
        const dc_rule *ru = &rs->rules[r];
        if (ru->nprog > t->maxprog) {
            t->maxprog = ru->nprog;
        }
        for (uint32_t i = 0; i < ru->nprog; i++) {
            if (DC_P_OPC(ru->prog[i]) == DC_P_LEAF && (!trig[r] || trig[r][i])) {
                t->lr_start[DC_P_ARG(ru->prog[i]) + 1]++;
                total++;
            }
        }
        if (en_prog_eval(ru->prog, ru->nprog, lv)) {
            push_u32(&t->always_rules, &t->nalways_rules, r);
        }
        if (ru->routes && ru->routes[0]) {
            size_t k = 1;
            for (const char *s = ru->routes; *s; s++) {
                k += *s == ',';
            }
            char **v = calloc(k + 1, sizeof *v);
            char *dup = strdup(ru->routes);
            size_t j = 0;
            for (char *tok = dup ? strtok(dup, ",") : NULL; tok && v; tok = strtok(NULL, ",")) {
                v[j++] = strdup(tok);
            }
            free(dup);
            t->routes[r] = v;
            t->has_routes = 1;
        }
    }
    free(lv);
    t->st.always_rules = t->nalways_rules;
    for (uint32_t i = 0; i < rs->nleaves; i++) {
        t->lr_start[i + 1] += t->lr_start[i];
    }
    t->lr = malloc((total + 1) * sizeof *t->lr);
    uint32_t *fill = calloc(rs->nleaves + 1, sizeof *fill);
    if (!t->lr || !fill) {
        free(fill);
        rc = ZW_ENOMEM;
        goto out;
    }
    for (uint32_t r = 0; r < rs->nrules; r++) {
        const dc_rule *ru = &rs->rules[r];
        for (uint32_t i = 0; i < ru->nprog; i++) {
            if (DC_P_OPC(ru->prog[i]) == DC_P_LEAF && (!trig[r] || trig[r][i])) {
                uint32_t l = DC_P_ARG(ru->prog[i]);
                t->lr[t->lr_start[l] + fill[l]++] = r;
            }
        }
        free(trig[r]);
    }
    free(trig);
    free(fill);
    t->st.fields = t->nfields;
    for (uint32_t fi = 0; fi < t->nfields && !rc; fi++) {
        if (t->fields[fi].nabsent) {
            rc = push_u32(&t->absent_fields, &t->nabsent_fields, fi) ? ZW_ENOMEM : 0;
        }
    }
out:
    free(pend);
    if (rc) {
        en_tables_destroy(t);
        if (rc == ZW_ENOMEM) {
            zw_errf(errstr, errstr_size, rc, "out of memory building tables");
        }
        return rc;
    }
    *out = t;
    return 0;
}

void en_tables_destroy(en_tables *t)
{
    if (!t) {
        return;
    }
    if (t->leaves) {
        for (uint32_t i = 0; i < t->rs->nleaves; i++) {
            free(t->leaves[i].units);
            pcre2_code_free(t->leaves[i].re);
        }
    }
    free(t->leaves);
    for (uint32_t i = 0; i < t->nfields; i++) {
        field *f = &t->fields[i];
        free(f->path);
        for (size_t j = 0; j < f->xcap; j++) {
            free(f->x[j].s);
            free(f->x[j].leaves);
        }
        free(f->x);
        en_ac_destroy(f->ac);
        free(f->pstart);
        free(f->pents);
        free(f->always);
        free(f->num);
        cnode_free(f->v4);
        cnode_free(f->v6);
        free(f->absent);
    }
    free(t->fields);
    for (size_t j = 0; j < t->phcap; j++) {
        free(t->ph[j].s);
    }
    free(t->ph);
    free(t->lr_start);
    free(t->lr);
    free(t->always_rules);
    free(t->fref);
    free(t->absent_fields);
    if (t->clauses) {
        for (uint32_t r = 0; r < t->rs->nrules; r++) {
            free(t->clauses[r]);
        }
        free(t->clauses);
    }
    if (t->routes) {
        for (uint32_t r = 0; r < t->rs->nrules; r++) {
            if (t->routes[r]) {
                for (char **p = t->routes[r]; *p; p++) {
                    free(*p);
                }
                free(t->routes[r]);
            }
        }
    }
    free(t->routes);
    dc_ruleset_free(t->rs);
    free(t);
}

const dc_ruleset *en_tables_ruleset(const en_tables *t)
{
    return t->rs;
}

void en_tables_get_stats(const en_tables *t, en_tables_stats *st)
{
    *st = t->st;
    size_t m = t->rs->nleaves * sizeof(cleaf);
    for (uint32_t i = 0; i < t->nfields; i++) {
        const field *f = &t->fields[i];
        m += f->xcap * sizeof(xent) + f->xn * 16;
        if (f->ac) {
            m += en_ac_memory(f->ac);
        }
    }
    st->memory = m;
}

/* ---- matching ---- */

en_matcher *en_matcher_new(const en_tables *t)
{
    en_matcher *m = calloc(1, sizeof *m);
    if (!m) {
        return NULL;
    }
    uint32_t nl = t->rs->nleaves + 1, nr = t->rs->nrules + 1;
    m->t = t;
    m->lv = calloc(nl, 1);
    m->touched = malloc(nl * sizeof *m->touched);
    m->stamp = calloc(nl, sizeof *m->stamp);
    m->rstamp = calloc(nr, sizeof *m->rstamp);
    m->cand = malloc(nr * sizeof *m->cand);
    m->res = malloc(nr * sizeof *m->res);
    m->fseen = calloc(t->nfields + 1, sizeof *m->fseen);
    m->fnull = calloc(t->nfields + 1, sizeof *m->fnull);
    m->stack = malloc(t->maxprog + 1);
    m->md = pcre2_match_data_create(8, NULL);
    m->fbcap = 4096;
    m->fb = malloc(m->fbcap);
    m->memo = calloc(MEMO_SLOTS, sizeof *m->memo); /* optional: NULL disables it */
    m->jsbcap = 4096;
    m->jsb = malloc(m->jsbcap);
    if (!m->jsb) {
        en_matcher_destroy(m);
        return NULL;
    }
    if (!m->lv || !m->touched || !m->stamp || !m->rstamp || !m->cand || !m->res || !m->fseen ||
        !m->fnull || !m->stack || !m->md || !m->fb) {
        en_matcher_destroy(m);
        return NULL;
    }
    return m;
}

void en_matcher_destroy(en_matcher *m)
{
    if (!m) {
        return;
    }
    free(m->lv);
    free(m->touched);
    free(m->stamp);
    free(m->rstamp);
    free(m->cand);
    free(m->res);
    free(m->fseen);
    free(m->fnull);
    free(m->stack);
    free(m->memo);
    free(m->jsb);
    free(m->cap);
    pcre2_match_data_free(m->md);
    free(m->fb);
    free(m);
}

static inline void set_leaf(en_matcher *m, uint32_t l)
{
    if (!m->lv[l]) {
        m->lv[l] = 1;
        m->touched[m->ntouched++] = l;
    }
}

static int re_run(en_matcher *m, const cleaf *c, const char *p, size_t n)
{
    int r = pcre2_match(c->re, (PCRE2_SPTR)p, n, 0, 0, m->md, NULL);
    return r >= 0;
}

/* Verifies leaf l against the current value once per value. */
static void verify(en_matcher *m, uint32_t l)
{
    if (m->lv[l] || m->stamp[l] == m->vstamp) {
        return;
    }
    m->stamp[l] = m->vstamp;
    const cleaf *c = &m->t->leaves[l];
    int ok = 0;
    if (c->kind == K_RE) {
        ok = re_run(m, c, m->vp, m->vn);
    } else {
        ok = glob_match(c->units, c->nunits, c->cased ? m->vp : m->vf, m->vn);
    }
    if (ok) {
        set_leaf(m, l);
    }
}

static int on_hit(void *opaque, uint32_t pat, size_t end)
{
    en_matcher *m = opaque;
    const field *f = m->vfield;
    for (uint32_t k = f->pstart[pat]; k < f->pstart[pat + 1]; k++) {
        const acent *e = &f->pents[k];
        const cleaf *c = &m->t->leaves[e->leaf];
        if (m->lv[e->leaf]) {
            continue;
        }
        switch (e->kind) {
        case K_PREFIX:
            if (end == en_ac_pattern_len(f->ac, pat)) {
                if (c->cased) {
                    verify(m, e->leaf);
                } else {
                    set_leaf(m, e->leaf);
                }
            }
            break;
        case K_SUFFIX:
            if (end == m->vn) {
                if (c->cased) {
                    verify(m, e->leaf);
                } else {
                    set_leaf(m, e->leaf);
                }
            }
            break;
        case K_CONTAINS:
            if (c->cased) {
                verify(m, e->leaf);
            } else {
                set_leaf(m, e->leaf);
            }
            break;
        default:
            verify(m, e->leaf);
        }
    }
    return 0;
}

static int parse_num(const char *p, size_t n, double *out)
{
    char tmp[64];
    if (n == 0 || n >= sizeof tmp) {
        return -1;
    }
    memcpy(tmp, p, n);
    tmp[n] = 0;
    char *end;
    double d = strtod(tmp, &end);
    if (*end || end == tmp || isspace((unsigned char)tmp[0])) {
        return -1;
    }
    *out = d;
    return 0;
}

/* Time value -> epoch ms: numbers above 1e11 are ms, else seconds; strings ISO 8601. */
static int value_time(const char *p, size_t n, int isnum, double num, int64_t *ms)
{
    if (isnum) {
        if (!(num > -9e15 && num < 9e15)) {
            return -1; /* not a time (also NaN, infinities) */
        }
        *ms = num > 1e11 ? (int64_t)num : (int64_t)(num * 1000);
        return 0;
    }
    zw_time_ctx tc = {0, 0};
    return zw_time_iso(p, n, &tc, ms) > 0 ? 0 : -1;
}

static double time_part(int64_t ms, int part)
{
    time_t s = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&s, &tm);
    switch (part) {
    case DC_TP_MINUTE:
        return tm.tm_min;
    case DC_TP_HOUR:
        return tm.tm_hour;
    case DC_TP_DAY:
        return tm.tm_mday;
    case DC_TP_WEEK: {
        char b[8];
        strftime(b, sizeof b, "%V", &tm);
        return atoi(b);
    }
    case DC_TP_MONTH:
        return tm.tm_mon + 1;
    default:
        return tm.tm_year + 1900;
    }
}

static int num_cmp(const dc_leaf *l, double v)
{
    switch ((dc_op)l->op) {
    case DC_OP_LT:
        return v < l->num;
    case DC_OP_LTE:
        return v <= l->num;
    case DC_OP_GT:
        return v > l->num;
    case DC_OP_GTE:
        return v >= l->num;
    default:
        return v == l->num;
    }
}

static void cidr_lookup(en_matcher *m, const cnode *nd, const unsigned char *b, int bits)
{
    for (int i = 0; nd; i++) {
        for (uint32_t k = 0; k < nd->nleaves; k++) {
            set_leaf(m, nd->leaves[k]);
        }
        if (i == bits) {
            break;
        }
        nd = nd->c[(b[i / 8] >> (7 - i % 8)) & 1];
    }
}

static int match_value_raw(en_matcher *m, const field *f, const char *p, size_t n, int isnum,
                           double num);

/* One scalar value of field f.  isnum: a JSON/slot number (num valid).  first: the
 * field's first value in this event (memoisable). */
static int match_value(en_matcher *m, const field *f, const char *p, size_t n, int isnum,
                       double num, int first)
{
    if (!first || !m->memo || n > MEMO_VMAX) {
        return match_value_raw(m, f, p, n, isnum, num);
    }
    int32_t fi = (int32_t)(f - m->t->fields);
    uint64_t h = hash_bytes(p, n) ^ ((uint64_t)fi * 0x9E3779B97F4A7C15ull) ^ (uint64_t)isnum;
    memo *e = &m->memo[h & (MEMO_SLOTS - 1)];
    if (e->h == h && e->field == fi && e->n == n && memcmp(e->v, p, n) == 0) {
        for (uint32_t k = 0; k < e->nl; k++) {
            set_leaf(m, e->leaves[k]);
        }
        return 0;
    }
    uint32_t before = m->ntouched;
    int rc = match_value_raw(m, f, p, n, isnum, num);
    uint32_t fired = m->ntouched - before;
    if (rc == 0 && fired <= MEMO_LMAX) {
        e->h = h;
        e->field = fi;
        e->n = (uint16_t)n;
        e->nl = (uint8_t)fired;
        memcpy(e->v, p, n);
        memcpy(e->leaves, m->touched + before, fired * sizeof *e->leaves);
    } else {
        e->h = 0;
    }
    return rc;
}

static int match_value_raw(en_matcher *m, const field *f, const char *p, size_t n, int isnum,
                           double num)
{
    if (n + 1 > m->fbcap) {
        size_t c = m->fbcap;
        while (c < n + 1) {
            c *= 2;
        }
        char *nb = realloc(m->fb, c);
        if (!nb) {
            return ZW_ENOMEM;
        }
        m->fb = nb;
        m->fbcap = c;
    }
    en_fold(p, n, m->fb);
    m->vp = p;
    m->vn = n;
    m->vf = m->fb;
    m->vfield = f;
    m->vstamp++;
    if (f->xn) {
        const xent *x = xset_get(f, m->fb, n);
        if (x) {
            for (uint32_t k = 0; k < x->nleaves; k++) {
                uint32_t l = x->leaves[k];
                const cleaf *c = &m->t->leaves[l];
                if (c->cased) {
                    verify(m, l);
                } else {
                    set_leaf(m, l);
                }
            }
        }
    }
    if (f->ac) {
        en_ac_scan(f->ac, m->fb, n, on_hit, m);
    }
    for (uint32_t k = 0; k < f->nalways; k++) {
        verify(m, f->always[k]);
    }
    if (f->nnum) {
        double v = num;
        int ok = isnum || parse_num(p, n, &v) == 0;
        int64_t ms = 0;
        int tok = -1;
        for (uint32_t k = 0; k < f->nnum; k++) {
            uint32_t l = f->num[k];
            const dc_leaf *dl = &m->t->rs->leaves[l];
            if (dl->timepart) {
                if (tok < 0) {
                    tok = value_time(p, n, isnum, num, &ms) == 0;
                }
                if (tok && num_cmp(dl, time_part(ms, dl->timepart))) {
                    set_leaf(m, l);
                }
            } else if (dl->op == DC_OP_BOOL) {
                int b = (n == 4 && memcmp(m->fb, "true", 4) == 0)    ? 1
                        : (n == 5 && memcmp(m->fb, "false", 5) == 0) ? 0
                                                                     : -1;
                if (b >= 0 && b == (dl->num != 0)) {
                    set_leaf(m, l);
                }
            } else if (ok && num_cmp(dl, v)) {
                set_leaf(m, l);
            }
        }
    }
    if ((f->v4 || f->v6) && !isnum) {
        unsigned char b[16];
        int v6;
        if (parse_ip(p, n, b, &v6) == 0) {
            cidr_lookup(m, v6 ? f->v6 : f->v4, b, v6 ? 128 : 32);
        }
    }
    return 0;
}

static int begin_event(en_matcher *m)
{
    for (uint32_t i = 0; i < m->ntouched; i++) {
        m->lv[m->touched[i]] = 0;
    }
    m->ntouched = 0;
    m->estamp++;
    if (m->estamp == 0) {
        memset(m->fseen, 0, (m->t->nfields + 1) * sizeof *m->fseen);
        memset(m->fnull, 0, (m->t->nfields + 1) * sizeof *m->fnull);
        memset(m->rstamp, 0, (m->t->rs->nrules + 1) * sizeof *m->rstamp);
        m->estamp = 1;
    }
    return 0;
}

int en_prog_eval(const uint32_t *prog, uint32_t n, const uint8_t *leafv)
{
    uint8_t st[256];
    uint8_t *s = st;
    uint8_t *heap = NULL;
    if (n > sizeof st) {
        heap = malloc(n);
        if (!heap) {
            return 0;
        }
        s = heap;
    }
    uint32_t sp = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t w = prog[i], a = DC_P_ARG(w);
        switch (DC_P_OPC(w)) {
        case DC_P_LEAF:
            s[sp++] = leafv[a];
            break;
        case DC_P_CONST:
            s[sp++] = (uint8_t)(a != 0);
            break;
        case DC_P_NOT:
            s[sp - 1] = !s[sp - 1];
            break;
        case DC_P_AND: {
            uint8_t v = 1;
            for (uint32_t k = 0; k < a; k++) {
                v &= s[sp - 1 - k];
            }
            sp -= a;
            s[sp++] = v;
            break;
        }
        case DC_P_OR: {
            uint8_t v = 0;
            for (uint32_t k = 0; k < a; k++) {
                v |= s[sp - 1 - k];
            }
            sp -= a;
            s[sp++] = v;
            break;
        }
        default:
            break;
        }
    }
    int r = sp ? s[sp - 1] : 0;
    free(heap);
    return r;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int route_ok(const en_tables *t, uint32_t r, const char *fmt, size_t fl)
{
    char **v = t->routes[r];
    if (!v) {
        return 1;
    }
    if (!fmt) {
        return 1; /* unknown source: do not filter */
    }
    for (; *v; v++) {
        if (strlen(*v) == fl && memcmp(*v, fmt, fl) == 0) {
            return 1;
        }
    }
    return 0;
}

/* fieldref: compare the current event's values of two fields */
typedef struct {
    const char *p[16];
    size_t n[16];
    int k;
} vals16;

static void collect16(void *o, const char *p, size_t n)
{
    vals16 *v = o;
    if (v->k < 16) {
        v->p[v->k] = p;
        v->n[v->k++] = n;
    }
}

static void event_values(en_matcher *m, const field *f, vals16 *v);

static int fref_cmp(const cleaf *c, uint16_t flags, const char *a, size_t an, const char *b,
                    size_t bn)
{
    char fa[512], fb[512];
    if (an > sizeof fa || bn > sizeof fb) {
        return 0;
    }
    if (!c->cased) {
        en_fold(a, an, fa);
        en_fold(b, bn, fb);
        a = fa;
        b = fb;
    }
    if (flags & DC_LF_FREF_CONTAINS) {
        return zw_memmem(a, an, b, bn) != NULL;
    }
    if (flags & DC_LF_FREF_START) {
        return an >= bn && memcmp(a, b, bn) == 0;
    }
    if (flags & DC_LF_FREF_END) {
        return an >= bn && memcmp(a + an - bn, b, bn) == 0;
    }
    return an == bn && memcmp(a, b, an) == 0;
}

static int finish_event(en_matcher *m, const char *fmt, size_t fl, const uint32_t **rules)
{
    const en_tables *t = m->t;
    /* absence leaves */
    for (uint32_t ai = 0; ai < t->nabsent_fields; ai++) {
        uint32_t fi = t->absent_fields[ai];
        const field *f = &t->fields[fi];
        for (uint32_t k = 0; k < f->nabsent; k++) {
            uint32_t l = f->absent[k];
            const dc_leaf *dl = &t->rs->leaves[l];
            int seen = m->fseen[fi] == m->estamp;
            if (dl->op == DC_OP_EXISTS ? (seen == (dl->num != 0))
                                       : (!seen || m->fnull[fi] == m->estamp)) {
                set_leaf(m, l);
            }
        }
    }
    for (uint32_t k = 0; k < t->nfref; k++) {
        uint32_t l = t->fref[k];
        const cleaf *c = &t->leaves[l];
        vals16 a = {{0}, {0}, 0}, b = {{0}, {0}, 0};
        event_values(m, &t->fields[c->field], &a);
        event_values(m, &t->fields[c->ref_field], &b);
        for (int i = 0; i < a.k; i++) {
            for (int j = 0; j < b.k; j++) {
                if (fref_cmp(c, t->rs->leaves[l].flags, a.p[i], a.n[i], b.p[j], b.n[j])) {
                    set_leaf(m, l);
                }
            }
        }
    }
    m->ncand = 0;
    for (uint32_t i = 0; i < m->ntouched; i++) {
        uint32_t l = m->touched[i];
        for (uint32_t k = t->lr_start[l]; k < t->lr_start[l + 1]; k++) {
            uint32_t r = t->lr[k];
            if (m->rstamp[r] != m->estamp) {
                m->rstamp[r] = m->estamp;
                m->cand[m->ncand++] = r;
            }
        }
    }
    for (uint32_t i = 0; i < t->nalways_rules; i++) {
        uint32_t r = t->always_rules[i];
        if (m->rstamp[r] != m->estamp) {
            m->rstamp[r] = m->estamp;
            m->cand[m->ncand++] = r;
        }
    }
    m->nres = 0;
    for (uint32_t i = 0; i < m->ncand; i++) {
        uint32_t r = m->cand[i];
        const dc_rule *ru = &t->rs->rules[r];
        const uint32_t *cl = t->clauses ? t->clauses[r] : NULL;
        int pass = 1;
        while (cl && *cl && pass) {
            uint32_t len = *cl++, any = 0;
            for (uint32_t k = 0; k < len; k++) {
                any |= m->lv[cl[k]];
            }
            pass = any != 0;
            cl += len;
        }
        if (pass && route_ok(t, r, fmt, fl) && en_prog_eval(ru->prog, ru->nprog, m->lv)) {
            m->res[m->nres++] = r;
        }
    }
    qsort(m->res, m->nres, sizeof *m->res, cmp_u32);
    *rules = m->res;
    return (int)m->nres;
}

int en_matcher_leaf(const en_matcher *m, uint32_t leaf)
{
    return leaf < m->t->rs->nleaves && m->lv[leaf];
}

/* ---- JSON events ---- */

static void kw_value(en_matcher *m, const char *p, size_t n)
{
    if (m->t->kwfield >= 0) {
        match_value(m, &m->t->fields[m->t->kwfield], p, n, 0, 0, 0);
    }
}

static void json_visit(en_matcher *m, int32_t fi, fjson_object *v, size_t plen, int depth);

static void json_walk(en_matcher *m, fjson_object *o, size_t plen, int depth)
{
    if (depth > 32) {
        return;
    }
    struct fjson_object_iterator it = fjson_object_iter_begin(o);
    struct fjson_object_iterator end = fjson_object_iter_end(o);
    while (!fjson_object_iter_equal(&it, &end)) {
        const char *k = fjson_object_iter_peek_name(&it);
        fjson_object *v = fjson_object_iter_peek_value(&it);
        size_t kl = strlen(k);
        size_t np = plen ? plen + 1 + kl : kl;
        int32_t fi = -1;
        int prefix = 0;
        if (np < sizeof m->path) {
            if (plen) {
                m->path[plen] = '.';
            }
            memcpy(m->path + (plen ? plen + 1 : 0), k, kl);
            m->path[np] = 0;
            const pent *pe = ph_get(m->t, m->path, np);
            if (pe) {
                fi = pe->field;
                prefix = pe->prefix;
            }
        }
        if (fi >= 0 || prefix || m->t->kwfield >= 0) {
            json_visit(m, fi, v, np < sizeof m->path ? np : sizeof m->path - 1, depth + 1);
        }
        m->path[plen] = 0;
        fjson_object_iter_next(&it);
    }
}

static void json_visit(en_matcher *m, int32_t fi, fjson_object *v, size_t plen, int depth)
{
    const field *f = fi >= 0 ? &m->t->fields[fi] : NULL;
    switch (fjson_object_get_type(v)) {
    case fjson_type_null:
        if (fi >= 0) {
            m->fnull[fi] = m->estamp;
        }
        return;
    case fjson_type_string: {
        const char *s = fjson_object_get_string(v);
        size_t n = (size_t)fjson_object_get_string_len(v);
        if (fi >= 0) {
            int first = m->fseen[fi] != m->estamp;
            m->fseen[fi] = m->estamp;
            if (f->has_value_leaves) {
                match_value(m, f, s, n, 0, 0, first);
            }
        }
        kw_value(m, s, n);
        return;
    }
    case fjson_type_int:
    case fjson_type_double:
    case fjson_type_boolean: {
        if (fi >= 0) {
            int first = m->fseen[fi] != m->estamp;
            m->fseen[fi] = m->estamp;
            if (f->has_value_leaves) {
                const char *s = fjson_object_get_string(v);
                int isb = fjson_object_get_type(v) == fjson_type_boolean;
                match_value(m, f, s, strlen(s), !isb, isb ? 0 : fjson_object_get_double(v), first);
            }
        }
        return;
    }
    case fjson_type_array: {
        size_t n = fjson_object_array_length(v);
        for (size_t i = 0; i < n; i++) {
            fjson_object *e = fjson_object_array_get_idx(v, i);
            if (e && fjson_object_get_type(e) == fjson_type_object) {
                if (fi >= 0) {
                    m->fseen[fi] = m->estamp;
                }
                json_walk(m, e, plen, depth + 1);
            } else if (e) {
                json_visit(m, fi, e, plen, depth + 1);
            } else if (fi >= 0) {
                m->fnull[fi] = m->estamp;
            }
        }
        return;
    }
    case fjson_type_object:
        if (fi >= 0) {
            m->fseen[fi] = m->estamp;
        }
        json_walk(m, v, plen, depth + 1);
        return;
    }
}

int en_match_json(en_matcher *m, fjson_object *ev, const uint32_t **rules)
{
    begin_event(m);
    m->jev = ev;
    m->cev = NULL;
    m->path[0] = 0;
    if (ev && fjson_object_get_type(ev) == fjson_type_object) {
        json_walk(m, ev, 0, 0);
    }
    fjson_object *sf = NULL, *un = NULL;
    const char *fmt = NULL;
    size_t fl = 0;
    if (fjson_object_object_get_ex(ev, "unmapped", &un) &&
        fjson_object_object_get_ex(un, "source_format", &sf) &&
        fjson_object_get_type(sf) == fjson_type_string) {
        fmt = fjson_object_get_string(sf);
        fl = strlen(fmt);
    }
    return finish_event(m, fmt, fl, rules);
}

/* ---- JSON text without a DOM ---- */

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
            const pent *pe = ph_get(m->t, m->path, np);
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
                match_value(m, f, j->sb, (size_t)n, 0, 0, first);
            }
        }
        kw_value(m, j->sb, (size_t)n);
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
            match_value(m, f, lit, ll, 0, 0, first);
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
            match_value(m, f, s0, n, 1, d, first);
        }
    } else {
        j->bad = 1;
    }
}

int en_match_json_text(en_matcher *m, const char *p, size_t n, const uint32_t **rules)
{
    const en_tables *t = m->t;
    begin_event(m);
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
    return finish_event(m, fmt, fl, rules);
}

/* ---- canonical events ---- */

static void slot_visit(en_matcher *m, const field *f, int32_t fi, const zw_event *ev)
{
    int s = f->slot;
    if (s < 0 || !zw_ev_has(ev, (zw_field)s)) {
        return;
    }
    m->fseen[fi] = m->estamp;
    if (!f->has_value_leaves) {
        return;
    }
    const zw_field_info *inf = zw_field_get((zw_field)s);
    switch (inf->type) {
    case ZW_T_STR:
    case ZW_T_IP:
        match_value(m, f, ev->v[s].s.p ? ev->v[s].s.p : "", ev->v[s].s.n, 0, 0, 1);
        break;
    case ZW_T_INT:
    case ZW_T_TIME: {
        char b[32];
        int n = snprintf(b, sizeof b, "%lld", (long long)ev->v[s].i);
        match_value(m, f, b, (size_t)n, 1, (double)ev->v[s].i, 1);
        break;
    }
    case ZW_T_BOOL:
        if (ev->v[s].i) {
            match_value(m, f, "true", 4, 0, 0, 1);
        } else {
            match_value(m, f, "false", 5, 0, 0, 1);
        }
        break;
    case ZW_T_LIST:
        for (const zw_list *l = ev->v[s].l.head; l; l = l->next) {
            match_value(m, f, l->s.p, l->s.n, 0, 0, l == ev->v[s].l.head);
        }
        break;
    }
}

int en_match_event(en_matcher *m, const zw_event *ev, const uint32_t **rules)
{
    begin_event(m);
    m->jev = NULL;
    m->cev = ev;
    const en_tables *t = m->t;
    for (uint32_t fi = 0; fi < t->nfields; fi++) {
        slot_visit(m, &t->fields[fi], (int32_t)fi, ev);
    }
    if (t->kwfield >= 0) {
        for (int s = 0; s < ZW_F__COUNT; s++) {
            if (zw_ev_has(ev, (zw_field)s) && (zw_field_get((zw_field)s)->type == ZW_T_STR ||
                                               zw_field_get((zw_field)s)->type == ZW_T_IP)) {
                kw_value(m, ev->v[s].s.p ? ev->v[s].s.p : "", ev->v[s].s.n);
            }
        }
    }
    zw_str fmt = zw_ev_str(ev, ZW_F_U_SOURCE_FORMAT);
    return finish_event(m, fmt.p, fmt.n, rules);
}

/* ---- value access for fieldref, explain, correlation ---- */

static void jvals(fjson_object *o, const char *path, en_value_fn fn, void *opaque, int depth)
{
    if (!o || depth > 32) {
        return;
    }
    if (fjson_object_get_type(o) == fjson_type_array) {
        size_t n = fjson_object_array_length(o);
        for (size_t i = 0; i < n; i++) {
            jvals(fjson_object_array_get_idx(o, i), path, fn, opaque, depth + 1);
        }
        return;
    }
    if (!*path) {
        switch (fjson_object_get_type(o)) {
        case fjson_type_string:
            fn(opaque, fjson_object_get_string(o), (size_t)fjson_object_get_string_len(o));
            break;
        case fjson_type_int:
        case fjson_type_double:
        case fjson_type_boolean: {
            const char *s = fjson_object_get_string(o);
            fn(opaque, s, strlen(s));
            break;
        }
        default:
            break;
        }
        return;
    }
    if (fjson_object_get_type(o) != fjson_type_object) {
        return;
    }
    fjson_object *v;
    if (fjson_object_object_get_ex(o, path, &v)) {
        jvals(v, "", fn, opaque, depth + 1);
        return;
    }
    const char *d = strchr(path, '.');
    while (d) {
        char key[512];
        size_t kl = (size_t)(d - path);
        if (kl < sizeof key) {
            memcpy(key, path, kl);
            key[kl] = 0;
            if (fjson_object_object_get_ex(o, key, &v)) {
                jvals(v, d + 1, fn, opaque, depth + 1);
                return;
            }
        }
        d = strchr(d + 1, '.');
    }
}

void en_json_values(fjson_object *ev, const char *path, en_value_fn fn, void *opaque)
{
    char *jp = json_path(path);
    if (jp) {
        jvals(ev, jp, fn, opaque, 0);
        free(jp);
    }
}

static void event_values(en_matcher *m, const field *f, vals16 *v)
{
    if (m->jev) {
        jvals(m->jev, f->path, collect16, v, 0);
        return;
    }
    if (!m->cev) {
        int32_t fi = (int32_t)(f - m->t->fields);
        for (uint32_t i = 0; i < m->ncapv; i++) {
            if (m->capv[i].field == fi) {
                collect16(v, m->cap + m->capv[i].off, m->capv[i].len);
            }
        }
        return;
    }
    const zw_event *ev = m->cev;
    int s = f->slot;
    if (!ev || s < 0 || !zw_ev_has(ev, (zw_field)s)) {
        return;
    }
    const zw_field_info *inf = zw_field_get((zw_field)s);
    if (inf->type == ZW_T_STR || inf->type == ZW_T_IP) {
        collect16(v, ev->v[s].s.p, ev->v[s].s.n);
    } else if (inf->type == ZW_T_LIST) {
        for (const zw_list *l = ev->v[s].l.head; l; l = l->next) {
            collect16(v, l->s.p, l->s.n);
        }
    } else {
        int n = snprintf(m->numbuf, sizeof m->numbuf, "%lld", (long long)ev->v[s].i);
        collect16(v, m->numbuf, (size_t)n);
    }
}

/* ---- explain ---- */

typedef struct {
    zw_buf *out;
    int k;
} exv;

static void ex_val(void *o, const char *p, size_t n)
{
    exv *e = o;
    if (e->k++ < 8) {
        zw_buf_puts(e->out, e->k > 1 ? ", " : " ");
        zw_json_str(e->out, p, n > 200 ? 200 : n);
    }
}

int en_explain_json(const en_tables *t, uint32_t rule, fjson_object *ev, zw_buf *out)
{
    if (rule >= t->rs->nrules) {
        return 0;
    }
    en_matcher *m = en_matcher_new(t);
    if (!m) {
        return ZW_ENOMEM;
    }
    const uint32_t *res;
    int n = en_match_json(m, ev, &res);
    int matched = 0;
    for (int i = 0; i < n; i++) {
        matched |= res[i] == rule;
    }
    const dc_rule *r = &t->rs->rules[rule];
    zw_buf_printf(out, "rule %s \"%s\" (%s:%u)\n", r->id, r->title, r->file, r->line);
    uint8_t *seen = calloc(t->rs->nleaves + 1, 1);
    for (uint32_t i = 0; i < r->nprog && seen; i++) {
        if (DC_P_OPC(r->prog[i]) != DC_P_LEAF) {
            continue;
        }
        uint32_t l = DC_P_ARG(r->prog[i]);
        if (seen[l]) {
            continue;
        }
        seen[l] = 1;
        const dc_leaf *dl = &t->rs->leaves[l];
        zw_buf_printf(out, "  [%s] %s %s%s", m->lv[l] ? "match" : "no   ",
                      dl->field[0] ? dl->field : "<keyword>", dc_op_name((dc_op)dl->op),
                      (dl->flags & DC_LF_CASED) ? "(cased)" : "");
        if (dl->op == DC_OP_MATCH || dl->op == DC_OP_RE || dl->op == DC_OP_CIDR ||
            dl->op == DC_OP_FIELDREF) {
            zw_buf_putc(out, ' ');
            zw_json_str(out, dl->val, dl->vlen);
        } else if (dl->op != DC_OP_NULL) {
            zw_buf_printf(out, " %g", dl->num);
        }
        zw_buf_puts(out, "; event:");
        exv e = {out, 0};
        if (dl->field[0]) {
            en_json_values(ev, dl->field, ex_val, &e);
            if (e.k == 0) {
                zw_buf_puts(out, " (field absent)");
            } else if (e.k > 8) {
                zw_buf_printf(out, " ... (%d values)", e.k);
            }
        } else {
            zw_buf_puts(out, " (any string value)");
        }
        zw_buf_putc(out, '\n');
    }
    free(seen);
    zw_buf_printf(out, "  result: %s\n", matched ? "MATCH" : "no match");
    en_matcher_destroy(m);
    return matched;
}
