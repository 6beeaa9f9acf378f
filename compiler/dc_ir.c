/*
 * dc_ir.c - the IR container (leaf interning) and the tables file (serialised IR with
 * a versioned, CRC32-checked header).  The loader checks every length against the
 * remaining bytes, so a truncated or corrupted body is refused, never trusted.
 */
#include "../common/zw_grow.h"
#include "../common/zw_hash.h"
#include "dc_ir.h"

#include "../common/zw_buf.h"
#include "../common/zw_common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

typedef struct {
    uint64_t *h;   /* hash per slot, 0 = empty */
    uint32_t *idx; /* leaf index per slot */
    size_t cap, n;
} leaf_hash;

static uint64_t leaf_key(const dc_leaf *l)
{
    uint64_t h = ZW_FNV_SEED;
    h = zw_hash_add(h, l->field, strlen(l->field) + 1);
    h = zw_hash_add(h, &l->op, 1);
    h = zw_hash_add(h, &l->timepart, 1);
    h = zw_hash_add(h, &l->flags, 2);
    h = zw_hash_add(h, l->val, l->vlen);
    h = zw_hash_add(h, &l->num, sizeof l->num);
    return h ? h : 1;
}

static int leaf_eq(const dc_leaf *a, const dc_leaf *b)
{
    return a->op == b->op && a->timepart == b->timepart && a->flags == b->flags &&
           a->vlen == b->vlen && a->num == b->num && strcmp(a->field, b->field) == 0 &&
           memcmp(a->val, b->val, a->vlen) == 0;
}

dc_ruleset *dc_ruleset_new(void)
{
    dc_ruleset *rs = calloc(1, sizeof *rs);
    if (rs && !(rs->leaf_index = calloc(1, sizeof(leaf_hash)))) {
        free(rs);
        return NULL;
    }
    return rs;
}

static void free_strv(char **v, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        free(v[i]);
    }
    free(v);
}

/* Frees what a rule owns (not the rule itself, which lives in rs->rules). */
static void rule_free_fields(dc_rule *r)
{
    free(r->id);
    free(r->name);
    free(r->title);
    free(r->level);
    free(r->description);
    free(r->file);
    free(r->product);
    free(r->category);
    free(r->service);
    free(r->strategy_id);
    free(r->strategy_name);
    free(r->routes);
    free_strv(r->tags, r->ntags);
    free(r->prog);
}

void dc_ruleset_free(dc_ruleset *rs)
{
    if (!rs) {
        return;
    }
    for (uint32_t i = 0; i < rs->nleaves; i++) {
        free(rs->leaves[i].field);
        free(rs->leaves[i].val);
    }
    free(rs->leaves);
    for (uint32_t i = 0; i < rs->nrules; i++) {
        rule_free_fields(&rs->rules[i]);
    }
    free(rs->rules);
    for (uint32_t i = 0; i < rs->ncorrs; i++) {
        dc_corr *c = &rs->corrs[i];
        free(c->id);
        free(c->name);
        free(c->title);
        free(c->level);
        free(c->description);
        free(c->file);
        free_strv(c->rules, c->nrules);
        free_strv(c->group_by, c->ngroup);
        for (uint32_t j = 0; j < c->naliases; j++) {
            free(c->aliases[j].name);
            free(c->aliases[j].rule);
            free(c->aliases[j].field);
        }
        free(c->aliases);
        free(c->field);
        free_strv(c->tags, c->ntags);
    }
    free(rs->corrs);
    for (uint32_t i = 0; i < rs->nexamples; i++) {
        free(rs->examples[i].json);
        free(rs->examples[i].file);
    }
    free(rs->examples);
    leaf_hash *lh = rs->leaf_index;
    if (lh) {
        free(lh->h);
        free(lh->idx);
        free(lh);
    }
    free(rs);
}

/* Room for element n of an array with a 32-bit capacity (the IR's counts are 32-bit). */
static int grow(void *v, uint32_t *cap, uint32_t n, size_t elem)
{
    size_t c = *cap;
    if (n < c) {
        return 0;
    }
    if (zw_grow(v, &c, (size_t)n + 1, elem, 16) || c > UINT32_MAX) {
        return -1;
    }
    *cap = (uint32_t)c;
    return 0;
}

static int lh_insert(leaf_hash *lh, uint64_t h, uint32_t idx)
{
    if ((lh->n + 1) * 2 > lh->cap) {
        size_t nc = lh->cap ? lh->cap * 2 : 1024;
        uint64_t *nh = calloc(nc, sizeof *nh);
        uint32_t *ni = calloc(nc, sizeof *ni);
        if (!nh || !ni) {
            free(nh);
            free(ni);
            return -1;
        }
        for (size_t i = 0; i < lh->cap; i++) {
            if (lh->h[i]) {
                size_t j = lh->h[i] & (nc - 1);
                while (nh[j]) {
                    j = (j + 1) & (nc - 1);
                }
                nh[j] = lh->h[i];
                ni[j] = lh->idx[i];
            }
        }
        free(lh->h);
        free(lh->idx);
        lh->h = nh;
        lh->idx = ni;
        lh->cap = nc;
    }
    size_t j = h & (lh->cap - 1);
    while (lh->h[j]) {
        j = (j + 1) & (lh->cap - 1);
    }
    lh->h[j] = h;
    lh->idx[j] = idx;
    lh->n++;
    return 0;
}

int64_t dc_ruleset_leaf(dc_ruleset *rs, const dc_leaf *l)
{
    leaf_hash *lh = rs->leaf_index;
    uint64_t h = leaf_key(l);
    if (lh && lh->cap) {
        for (size_t j = h & (lh->cap - 1); lh->h[j]; j = (j + 1) & (lh->cap - 1)) {
            if (lh->h[j] == h && leaf_eq(&rs->leaves[lh->idx[j]], l)) {
                return lh->idx[j];
            }
        }
    }
    if (grow(&rs->leaves, &rs->capleaves, rs->nleaves, sizeof(dc_leaf))) {
        return -1;
    }
    dc_leaf *d = &rs->leaves[rs->nleaves];
    *d = *l;
    d->field = strdup(l->field);
    d->val = malloc(l->vlen + 1);
    if (!d->field || !d->val) {
        free(d->field);
        free(d->val);
        return -1;
    }
    memcpy(d->val, l->val, l->vlen);
    d->val[l->vlen] = 0;
    if (lh && lh_insert(lh, h, rs->nleaves)) {
        free(d->field);
        free(d->val);
        return -1;
    }
    return rs->nleaves++;
}

dc_rule *dc_ruleset_add_rule(dc_ruleset *rs)
{
    if (grow(&rs->rules, &rs->caprules, rs->nrules, sizeof(dc_rule))) {
        return NULL;
    }
    dc_rule *r = &rs->rules[rs->nrules++];
    memset(r, 0, sizeof *r);
    return r;
}

void dc_ruleset_pop_rule(dc_ruleset *rs)
{
    if (!rs->nrules) {
        return;
    }
    rule_free_fields(&rs->rules[rs->nrules - 1]);
    rs->nrules--;
}

dc_corr *dc_ruleset_add_corr(dc_ruleset *rs)
{
    if (grow(&rs->corrs, &rs->capcorrs, rs->ncorrs, sizeof(dc_corr))) {
        return NULL;
    }
    dc_corr *c = &rs->corrs[rs->ncorrs++];
    memset(c, 0, sizeof *c);
    return c;
}

dc_example *dc_ruleset_add_example(dc_ruleset *rs)
{
    if (grow(&rs->examples, &rs->capexamples, rs->nexamples, sizeof(dc_example))) {
        return NULL;
    }
    dc_example *e = &rs->examples[rs->nexamples++];
    memset(e, 0, sizeof *e);
    return e;
}

/* ---- serialisation ---- */

static int w_u32(zw_buf *b, uint32_t v)
{
    unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    return zw_buf_append(b, x, 4);
}

static int w_u64(zw_buf *b, uint64_t v)
{
    return w_u32(b, (uint32_t)v) || w_u32(b, (uint32_t)(v >> 32));
}

static int w_f64(zw_buf *b, double d)
{
    uint64_t v;
    memcpy(&v, &d, 8);
    return w_u64(b, v);
}

static int w_bytes(zw_buf *b, const char *p, size_t n)
{
    return w_u32(b, (uint32_t)n) || zw_buf_append(b, p ? p : "", n);
}

static int w_str(zw_buf *b, const char *s)
{
    return w_bytes(b, s, s ? strlen(s) : 0);
}

static int w_strv(zw_buf *b, char *const *v, uint32_t n)
{
    int rc = w_u32(b, n);
    for (uint32_t i = 0; i < n && !rc; i++) {
        rc = w_str(b, v[i]);
    }
    return rc;
}

static int w_body(zw_buf *b, const dc_ruleset *rs)
{
    int rc = w_u32(b, rs->nleaves);
    for (uint32_t i = 0; i < rs->nleaves && !rc; i++) {
        const dc_leaf *l = &rs->leaves[i];
        unsigned char h[4] = {l->op, l->timepart, (unsigned char)l->flags,
                              (unsigned char)(l->flags >> 8)};
        rc = w_str(b, l->field) || zw_buf_append(b, h, 4) || w_bytes(b, l->val, l->vlen) ||
             w_f64(b, l->num);
    }
    rc = rc || w_u32(b, rs->nrules);
    for (uint32_t i = 0; i < rs->nrules && !rc; i++) {
        const dc_rule *r = &rs->rules[i];
        unsigned char h[4] = {r->kind, r->generate, r->severity, 0};
        rc = zw_buf_append(b, h, 4) || w_str(b, r->id) || w_str(b, r->name) || w_str(b, r->title) ||
             w_str(b, r->level) || w_str(b, r->description) || w_str(b, r->file) ||
             w_u32(b, r->line) || w_str(b, r->product) || w_str(b, r->category) ||
             w_str(b, r->service) || w_str(b, r->strategy_id) || w_str(b, r->strategy_name) ||
             w_str(b, r->routes) || w_strv(b, r->tags, r->ntags) || w_u32(b, r->nprog);
        for (uint32_t j = 0; j < r->nprog && !rc; j++) {
            rc = w_u32(b, r->prog[j]);
        }
    }
    rc = rc || w_u32(b, rs->ncorrs);
    for (uint32_t i = 0; i < rs->ncorrs && !rc; i++) {
        const dc_corr *c = &rs->corrs[i];
        unsigned char h[8] = {c->type,     c->generate, c->severity, c->has_min,
                              c->min_incl, c->has_max,  c->max_incl, 0};
        rc = zw_buf_append(b, h, 8) || w_str(b, c->id) || w_str(b, c->name) || w_str(b, c->title) ||
             w_str(b, c->level) || w_str(b, c->description) || w_str(b, c->file) ||
             w_u32(b, c->line) || w_strv(b, c->rules, c->nrules) ||
             w_strv(b, c->group_by, c->ngroup) || w_u32(b, c->naliases);
        for (uint32_t j = 0; j < c->naliases && !rc; j++) {
            rc = w_str(b, c->aliases[j].name) || w_str(b, c->aliases[j].rule) ||
                 w_str(b, c->aliases[j].field);
        }
        rc = rc || w_u64(b, (uint64_t)c->timespan_ms) || w_str(b, c->field) ||
             w_f64(b, c->percentile) || w_f64(b, c->min) || w_f64(b, c->max) ||
             w_strv(b, c->tags, c->ntags);
    }
    return rc ? ZW_ENOMEM : 0;
}

#define HDR_LEN 24 /* magic 8, version 4, reserved 4, body length 4, crc 4 */

int dc_ir_serialize(const dc_ruleset *rs, char **out_p, size_t *out_n)
{
    zw_buf b;
    zw_buf_init(&b);
    if (zw_buf_append(&b, DC_TABLES_MAGIC, 8) || w_u32(&b, DC_TABLES_VERSION) || w_u32(&b, 0) ||
        w_u32(&b, 0) || w_u32(&b, 0) || w_body(&b, rs)) {
        zw_buf_free(&b);
        return ZW_ENOMEM;
    }
    size_t body = b.len - HDR_LEN;
    uint32_t crc = (uint32_t)crc32(0L, (const Bytef *)b.p + HDR_LEN, (uInt)body);
    for (int i = 0; i < 4; i++) {
        b.p[16 + i] = (char)(unsigned char)(body >> (8 * i));
        b.p[20 + i] = (char)(unsigned char)(crc >> (8 * i));
    }
    *out_p = b.p;
    *out_n = b.len;
    return 0;
}

int dc_ir_write(const dc_ruleset *rs, const char *path, char *errstr, size_t errstr_size)
{
    char *p;
    size_t n;
    if (dc_ir_serialize(rs, &p, &n)) {
        return zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
    }
    FILE *f = fopen(path, "wb");
    int rc = 0;
    if (!f) {
        rc = zw_errf(errstr, errstr_size, ZW_EIO, "%s: %s", path, strerror(errno));
    } else {
        if (fwrite(p, 1, n, f) != n) {
            rc = zw_errf(errstr, errstr_size, ZW_EIO, "%s: write failed", path);
        }
        if (fclose(f) != 0 && !rc) {
            rc = zw_errf(errstr, errstr_size, ZW_EIO, "%s: %s", path, strerror(errno));
        }
    }
    free(p);
    return rc;
}

typedef struct {
    const unsigned char *p;
    size_t n, off;
    int bad;
} rd;

static uint32_t r_u32(rd *r)
{
    if (r->bad || r->n - r->off < 4) {
        r->bad = 1;
        return 0;
    }
    const unsigned char *s = r->p + r->off;
    r->off += 4;
    return (uint32_t)s[0] | (uint32_t)s[1] << 8 | (uint32_t)s[2] << 16 | (uint32_t)s[3] << 24;
}

static uint64_t r_u64(rd *r)
{
    uint64_t lo = r_u32(r);
    return lo | (uint64_t)r_u32(r) << 32;
}

static double r_f64(rd *r)
{
    uint64_t v = r_u64(r);
    double d;
    memcpy(&d, &v, 8);
    return d;
}

static char *r_bytes(rd *r, uint32_t *len)
{
    uint32_t n = r_u32(r);
    if (r->bad || r->n - r->off < n) {
        r->bad = 1;
        return NULL;
    }
    char *s = malloc((size_t)n + 1);
    if (!s) {
        r->bad = 1;
        return NULL;
    }
    memcpy(s, r->p + r->off, n);
    s[n] = 0;
    r->off += n;
    if (len) {
        *len = n;
    }
    return s;
}

static char *r_str(rd *r)
{
    return r_bytes(r, NULL);
}

/* A count must be plausible given the bytes left (each element takes >= min_size). */
static uint32_t r_count(rd *r, size_t min_size)
{
    uint32_t n = r_u32(r);
    if (!r->bad && (size_t)n > (r->n - r->off) / min_size) {
        r->bad = 1;
        return 0;
    }
    return n;
}

static char **r_strv(rd *r, uint32_t *n)
{
    *n = r_count(r, 4);
    if (r->bad || !*n) {
        return NULL;
    }
    char **v = calloc(*n, sizeof *v);
    if (!v) {
        r->bad = 1;
        *n = 0;
        return NULL;
    }
    for (uint32_t i = 0; i < *n; i++) {
        v[i] = r_str(r);
    }
    return v;
}

static void r_raw(rd *r, unsigned char *dst, size_t k)
{
    if (r->bad || r->n - r->off < k) {
        r->bad = 1;
        memset(dst, 0, k);
        return;
    }
    memcpy(dst, r->p + r->off, k);
    r->off += k;
}

/* Magic, version, length and checksum of a tables file; 0 or ZW_EINVAL with errstr. */
static int check_header(const char *p, size_t n, rd *r, char *errstr, size_t errstr_size)
{
    if (n < HDR_LEN || memcmp(p, DC_TABLES_MAGIC, 8) != 0) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL,
                       "not a zonewarden tables file (bad magic): recompile with `zonewarden "
                       "compile`");
    }
    uint32_t ver = r_u32(r);
    if (ver != DC_TABLES_VERSION) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL,
                       "tables file version %u, this zonewarden reads version %u: recompile the "
                       "rules with this version",
                       ver, DC_TABLES_VERSION);
    }
    (void)r_u32(r);
    uint32_t body = r_u32(r), crc = r_u32(r);
    if ((size_t)body != n - HDR_LEN) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL,
                       "tables file truncated or padded: body is %zu bytes, header says %u",
                       n - HDR_LEN, body);
    }
    uint32_t got = (uint32_t)crc32(0L, (const Bytef *)p + HDR_LEN, (uInt)body);
    if (got != crc) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL,
                       "tables file corrupted: checksum %08x, header says %08x", got, crc);
    }
    return 0;
}

static void read_leaves(rd *r, dc_ruleset *rs)
{
    uint32_t nl = r_count(r, 20);
    if (nl && !r->bad) {
        rs->leaves = calloc(nl, sizeof(dc_leaf));
        rs->capleaves = nl;
        r->bad |= rs->leaves == NULL;
    }
    for (uint32_t i = 0; i < nl && !r->bad; i++) {
        dc_leaf *l = &rs->leaves[i];
        unsigned char h[4];
        l->field = r_str(r);
        r_raw(r, h, 4);
        l->op = h[0];
        l->timepart = h[1];
        l->flags = (uint16_t)(h[2] | h[3] << 8);
        l->val = r_bytes(r, &l->vlen);
        l->num = r_f64(r);
        rs->nleaves++;
        if (l->op >= DC_OP__COUNT || l->timepart > DC_TP_YEAR) {
            r->bad = 1;
        }
    }
}

/* One rule; its program must be well formed: every operator has its operands. */
static void read_rule(rd *r, dc_ruleset *rs, uint32_t i)
{
    dc_rule *ru = &rs->rules[i];
    unsigned char h[4];
    r_raw(r, h, 4);
    ru->kind = h[0];
    ru->generate = h[1];
    ru->severity = h[2];
    rs->nrules++;
    ru->id = r_str(r);
    ru->name = r_str(r);
    ru->title = r_str(r);
    ru->level = r_str(r);
    ru->description = r_str(r);
    ru->file = r_str(r);
    ru->line = r_u32(r);
    ru->product = r_str(r);
    ru->category = r_str(r);
    ru->service = r_str(r);
    ru->strategy_id = r_str(r);
    ru->strategy_name = r_str(r);
    ru->routes = r_str(r);
    ru->tags = r_strv(r, &ru->ntags);
    ru->nprog = r_count(r, 4);
    if (ru->nprog && !r->bad) {
        ru->prog = malloc(ru->nprog * sizeof(uint32_t));
        r->bad |= ru->prog == NULL;
    }
    /* the program must be well formed: every operator has its operands */
    uint64_t depth = 0;
    for (uint32_t j = 0; j < ru->nprog && !r->bad; j++) {
        uint32_t w = ru->prog[j] = r_u32(r), a = DC_P_ARG(w);
        switch (DC_P_OPC(w)) {
        case DC_P_LEAF:
            r->bad |= a >= rs->nleaves;
            depth++;
            break;
        case DC_P_CONST:
            depth++;
            break;
        case DC_P_NOT:
            r->bad |= depth < 1;
            break;
        case DC_P_AND:
        case DC_P_OR:
            r->bad |= a < 1 || depth < a;
            depth -= r->bad ? 0 : a - 1;
            break;
        default:
            r->bad = 1;
        }
    }
    r->bad |= depth != 1;
}

static void read_corr(rd *r, dc_ruleset *rs, uint32_t i)
{
    dc_corr *c = &rs->corrs[i];
    unsigned char h[8];
    r_raw(r, h, 8);
    c->type = h[0];
    c->generate = h[1];
    c->severity = h[2];
    c->has_min = h[3];
    c->min_incl = h[4];
    c->has_max = h[5];
    c->max_incl = h[6];
    rs->ncorrs++;
    c->id = r_str(r);
    c->name = r_str(r);
    c->title = r_str(r);
    c->level = r_str(r);
    c->description = r_str(r);
    c->file = r_str(r);
    c->line = r_u32(r);
    c->rules = r_strv(r, &c->nrules);
    c->group_by = r_strv(r, &c->ngroup);
    c->naliases = r_count(r, 12);
    if (c->naliases && !r->bad) {
        c->aliases = calloc(c->naliases, sizeof(dc_alias));
        r->bad |= c->aliases == NULL;
    }
    for (uint32_t j = 0; j < c->naliases && !r->bad; j++) {
        c->aliases[j].name = r_str(r);
        c->aliases[j].rule = r_str(r);
        c->aliases[j].field = r_str(r);
    }
    if (!c->aliases) {
        c->naliases = 0; /* entries not read stay NULL and free() skips them */
    }
    c->timespan_ms = (int64_t)r_u64(r);
    c->field = r_str(r);
    c->percentile = r_f64(r);
    c->min = r_f64(r);
    c->max = r_f64(r);
    c->tags = r_strv(r, &c->ntags);
    if (c->type > DC_CT_VALUE_PERCENTILE) {
        r->bad = 1;
    }
}

int dc_ir_deserialize(const char *p, size_t n, dc_ruleset **out, char *errstr, size_t errstr_size)
{
    *out = NULL;
    rd r = {(const unsigned char *)p, n, 8, 0};
    int rc = check_header(p, n, &r, errstr, errstr_size);
    if (rc) {
        return rc;
    }
    dc_ruleset *rs = dc_ruleset_new();
    if (!rs) {
        return zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
    }
    read_leaves(&r, rs);
    uint32_t nr = r_count(&r, 40);
    if (nr && !r.bad) {
        rs->rules = calloc(nr, sizeof(dc_rule));
        rs->caprules = nr;
        r.bad |= rs->rules == NULL;
    }
    for (uint32_t i = 0; i < nr && !r.bad; i++) {
        read_rule(&r, rs, i);
    }
    uint32_t nc = r_count(&r, 60);
    if (nc && !r.bad) {
        rs->corrs = calloc(nc, sizeof(dc_corr));
        rs->capcorrs = nc;
        r.bad |= rs->corrs == NULL;
    }
    for (uint32_t i = 0; i < nc && !r.bad; i++) {
        read_corr(&r, rs, i);
    }
    if (!r.bad && r.off != r.n) {
        r.bad = 1;
    }
    if (r.bad) {
        dc_ruleset_free(rs);
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "tables file body malformed at byte %zu",
                       r.off);
    }
    *out = rs;
    return 0;
}

int dc_ir_read(const char *path, dc_ruleset **out, char *errstr, size_t errstr_size)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        return zw_errf(errstr, errstr_size, ZW_EIO, "%s: %s", path, strerror(errno));
    }
    zw_buf b;
    zw_buf_init(&b);
    char tmp[65536];
    size_t k;
    int rc = 0;
    while ((k = fread(tmp, 1, sizeof tmp, f)) > 0) {
        if (zw_buf_append(&b, tmp, k)) {
            rc = zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
            break;
        }
    }
    if (!rc && ferror(f)) {
        rc = zw_errf(errstr, errstr_size, ZW_EIO, "%s: read error", path);
    }
    fclose(f);
    if (!rc) {
        char e[400];
        rc = dc_ir_deserialize(b.p ? b.p : "", b.len, out, e, sizeof e);
        if (rc) {
            zw_errf(errstr, errstr_size, rc, "%s: %s", path, e);
        }
    }
    zw_buf_free(&b);
    return rc;
}

const char *dc_op_name(dc_op op)
{
    static const char *const n[] = {"match", "re",  "cidr", "exists", "null", "eq",
                                    "lt",    "lte", "gt",   "gte",    "bool", "fieldref"};
    return op < DC_OP__COUNT ? n[op] : "?";
}

const char *dc_corr_type_name(dc_corr_type t)
{
    static const char *const n[] = {"event_count",      "value_count", "temporal",
                                    "temporal_ordered", "value_sum",   "value_avg",
                                    "value_percentile"};
    return t <= DC_CT_VALUE_PERCENTILE ? n[t] : "?";
}

int dc_level_severity(const char *level)
{
    if (!level) {
        return 0;
    }
    static const char *const n[] = {"informational", "low", "medium", "high", "critical"};
    for (int i = 0; i < 5; i++) {
        if (strcmp(level, n[i]) == 0) {
            return i + 1;
        }
    }
    return 0;
}
