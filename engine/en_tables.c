/*
 * en_tables.c - builds the matching tables from a ruleset (see en_tables.h for the
 * design): the fields and their indexes, each leaf placed by its operation's build
 * function (en_op.h), the Aho-Corasick entries per field, the JSON path hash, then the
 * rule side (en_tables_rules.c).  Also frees the tables and reports their statistics.
 * Not here: matching (en_match.c, en_match_json.c, en_jscan.c) and explain
 * (en_explain.c).
 */
#include "en_op.h"

#include "en_fold.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int32_t en_field_index(en_tables *t, const char *name)
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
    if (zw_grow(&t->fields, &t->capfields, (size_t)t->nfields + 1, sizeof *t->fields, 64)) {
        return -1;
    }
    field *f = &t->fields[t->nfields];
    memset(f, 0, sizeof *f);
    f->path = strdup(name);
    f->slot = name[0] ? zw_field_by_path(name, strlen(name)) : -1;
    return (int32_t)t->nfields++;
}

int en_xset_add(field *f, const char *s, uint32_t n, uint32_t leaf)
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

const xent *en_xset_get(const field *f, const char *s, size_t n)
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

const pent *en_ph_get(const en_tables *t, const char *s, size_t n)
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
char *en_json_path(const char *p)
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
    const en_pending *x = a, *y = b;
    return x->pat < y->pat ? -1 : x->pat > y->pat ? 1 : (int)x->leaf - (int)y->leaf;
}

int en_build_literal(en_build *b, uint32_t fi, const char *s, size_t n, uint32_t leaf, int kind)
{
    field *f = &b->t->fields[fi];
    if (!f->ac && !(f->ac = en_ac_new())) {
        return ZW_ENOMEM;
    }
    int32_t pid = en_ac_add(f->ac, s, n);
    if (pid >= 0 && ((uint32_t)pid >= (1u << 20) || fi >= (1u << 12))) {
        /* entries pack (field, pattern) in 32 bits */
        return zw_errf(b->errstr, b->errstr_size, ZW_EINVAL,
                       "too many literal patterns (over 1048576 in one field or 4096 fields)");
    }
    if (pid < 0 || zw_grow(&b->pend, &b->capp, b->np + 1, sizeof *b->pend, 1024)) {
        return ZW_ENOMEM;
    }
    b->pend[b->np].pat = (uint32_t)pid | (fi << 20);
    b->pend[b->np].leaf = leaf;
    b->pend[b->np].kind = (uint8_t)kind;
    b->np++;
    return 0;
}

/* Leaves used by some rule (a failed document may leave orphans); NULL on OOM. */
static uint8_t *used_leaves(const dc_ruleset *rs)
{
    uint8_t *used = calloc(rs->nleaves + 1, 1);
    for (uint32_t r = 0; r < rs->nrules && used; r++) {
        for (uint32_t i = 0; i < rs->rules[r].nprog; i++) {
            uint32_t w = rs->rules[r].prog[i];
            if (DC_P_OPC(w) == DC_P_LEAF && DC_P_ARG(w) < rs->nleaves) {
                used[DC_P_ARG(w)] = 1;
            }
        }
    }
    return used;
}

/* Places every used leaf through its operation's row. */
static int build_leaves(en_build *b)
{
    en_tables *t = b->t;
    const dc_ruleset *rs = t->rs;
    uint8_t *used = used_leaves(rs);
    if (!used) {
        return ZW_ENOMEM;
    }
    int rc = 0;
    for (uint32_t i = 0; i < rs->nleaves && !rc; i++) {
        const dc_leaf *l = &rs->leaves[i];
        cleaf *c = &t->leaves[i];
        c->kind = K_NONE;
        if (!used[i]) {
            continue;
        }
        const en_op_def *op = en_op_get(l->op);
        if (!op) {
            rc = zw_errf(b->errstr, b->errstr_size, ZW_EINVAL, "leaf %u: unknown operation %u", i,
                         l->op);
            break;
        }
        char *jp = en_json_path(l->field);
        int32_t fi = jp ? en_field_index(t, jp) : -1;
        free(jp);
        if (fi < 0) {
            rc = ZW_ENOMEM;
            break;
        }
        c->field = fi;
        if (!l->field[0]) {
            t->kwfield = fi;
        }
        c->cased = (l->flags & DC_LF_CASED) != 0;
        rc = op->build(b, i, l, c);
        if (!rc && c->kind != K_EXISTS && c->kind != K_NULL && c->kind != K_FREF) {
            t->fields[c->field].has_value_leaves = 1;
        }
    }
    free(used);
    return rc;
}

/* Compiles each field's automaton and lays its entries out by pattern id (CSR). */
static int build_automata(en_build *b)
{
    en_tables *t = b->t;
    if (b->np) {
        /* qsort(NULL, 0, ...) is undefined behaviour (UBSan stops `make asan`) */
        qsort(b->pend, b->np, sizeof *b->pend, cmp_pending);
    }
    /* entries are sorted by field (high bits of pat), so each field's run is contiguous */
    size_t k = 0;
    for (uint32_t fi = 0; fi < t->nfields; fi++) {
        field *f = &t->fields[fi];
        size_t k0 = k;
        while (k < b->np && (b->pend[k].pat >> 20) == fi) {
            k++;
        }
        if (!f->ac) {
            continue;
        }
        if (en_ac_compile(f->ac)) {
            return ZW_ENOMEM;
        }
        f->np = en_ac_npatterns(f->ac);
        f->pstart = calloc(f->np + 1, sizeof *f->pstart);
        f->pents = malloc((k - k0 + 1) * sizeof *f->pents);
        if (!f->pstart || !f->pents) {
            return ZW_ENOMEM;
        }
        for (size_t j = k0; j < k; j++) {
            uint32_t pid = b->pend[j].pat & 0xFFFFF;
            f->pstart[pid + 1]++;
            f->pents[j - k0].leaf = b->pend[j].leaf;
            f->pents[j - k0].kind = b->pend[j].kind;
        }
        for (uint32_t p = 0; p < f->np; p++) {
            f->pstart[p + 1] += f->pstart[p];
        }
    }
    return 0;
}

/* Path hash: every field path and every proper prefix of it. */
static int build_path_hash(en_tables *t)
{
    t->phcap = 64;
    while (t->phcap < (size_t)t->nfields * 8) {
        t->phcap *= 2;
    }
    t->ph = calloc(t->phcap, sizeof *t->ph);
    if (!t->ph) {
        return ZW_ENOMEM;
    }
    for (uint32_t fi = 0; fi < t->nfields; fi++) {
        const char *p = t->fields[fi].path;
        if (!p[0]) {
            continue;
        }
        if (ph_put(t, p, strlen(p), (int32_t)fi, 0)) {
            return ZW_ENOMEM;
        }
        for (const char *d = strchr(p, '.'); d; d = strchr(d + 1, '.')) {
            if (ph_put(t, p, (size_t)(d - p), -1, 1)) {
                return ZW_ENOMEM;
            }
        }
    }
    return 0;
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
    en_build b = {t, NULL, 0, 0, errstr, errstr_size};
    int rc = ZW_ENOMEM;
    t->leaves = calloc(rs->nleaves + 1, sizeof *t->leaves);
    if (t->leaves) {
        rc = build_leaves(&b);
    }
    if (!rc) {
        t->st.keywords = t->kwfield >= 0;
        rc = build_automata(&b);
    }
    if (!rc) {
        rc = build_path_hash(t);
    }
    if (!rc) {
        rc = en_build_rule_index(t);
    }
    if (!rc) {
        t->re_errors = calloc(rs->nleaves + 1, sizeof *t->re_errors);
        rc = t->re_errors ? en_tables_set_regex_limit(t, 0) : ZW_ENOMEM;
    }
    t->st.fields = t->nfields;
    free(b.pend);
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
        en_cidr_free(f->v4);
        en_cidr_free(f->v6);
    }
    free(t->fields);
    for (size_t j = 0; j < t->phcap; j++) {
        free(t->ph[j].s);
    }
    free(t->ph);
    free(t->lr_start);
    free(t->lr);
    free(t->always_rules);
    free(t->evleaves);
    free((void *)t->re_errors);
    pcre2_match_context_free(t->re_mctx);
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
    st->regex_limit_errors = en_tables_regex_errors(t);
}

/* ---- matching ---- */
