/*
 * en_match.c - runs one event through the tables: per value of a used field, the
 * exact-value hash, the field's automaton (hits dispatched by entry kind), the leaves
 * verified on every value and the numeric list, each leaf decided by its operation's
 * test (en_op.h); then per event the event-level leaves, the candidate rules, their
 * necessary clauses, routes and condition programs.  Also canonical events (slots by
 * id).  Not here: walking JSON events (en_match_json.c, en_jscan.c).
 */
#include "en_op.h"

#include "en_fold.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Verifies leaf l against the current value once per value, by its operation. */
static void verify(en_matcher *m, uint32_t l)
{
    if (m->lv[l] || m->stamp[l] == m->vstamp) {
        return;
    }
    m->stamp[l] = m->vstamp;
    const dc_leaf *dl = &m->t->rs->leaves[l];
    const en_op_def *op = en_op_get(dl->op);
    if (op && op->test && op->test(m, l, dl, &m->t->leaves[l])) {
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
            if (end == m->val.n) {
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

/* One scalar value of field f.  isnum: a JSON/slot number (num valid).  first: the
 * field's first value in this event (memoisable). */
static int match_value_raw(en_matcher *m, const field *f, const char *p, size_t n, int isnum,
                           double num);

int en_match_value(en_matcher *m, const field *f, const char *p, size_t n, int isnum, double num,
                   int first)
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
    m->vlimit = 0;
    int rc = match_value_raw(m, f, p, n, isnum, num);
    uint32_t fired = m->ntouched - before;
    if (rc == 0 && fired <= MEMO_LMAX && m->vlimit == 0) {
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
    if (n + 1 > m->fbcap && zw_grow(&m->fb, &m->fbcap, n + 1, 1, 4096)) {
        return ZW_ENOMEM;
    }
    en_fold(p, n, m->fb);
    en_val v = {p, m->fb, n, isnum, num, -1, 0, -1, 0};
    m->val = v;
    m->vfield = f;
    m->vstamp++;
    if (f->xn) {
        const xent *x = en_xset_get(f, m->fb, n);
        for (uint32_t k = 0; x && k < x->nleaves; k++) {
            uint32_t l = x->leaves[k];
            if (m->t->leaves[l].cased) {
                verify(m, l);
            } else {
                set_leaf(m, l);
            }
        }
    }
    if (f->ac) {
        en_ac_scan(f->ac, m->fb, n, on_hit, m);
    }
    for (uint32_t k = 0; k < f->nalways; k++) {
        verify(m, f->always[k]);
    }
    for (uint32_t k = 0; k < f->nnum; k++) {
        verify(m, f->num[k]);
    }
    if ((f->v4 || f->v6) && !isnum) {
        en_cidr_lookup(m, f);
    }
    return 0;
}

void en_begin_event(en_matcher *m)
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

static void collect16(void *o, const char *p, size_t n)
{
    vals16 *v = o;
    if (v->k < 16) {
        v->p[v->k] = p;
        v->n[v->k++] = n;
    }
}

void en_kw_value(en_matcher *m, const char *p, size_t n)
{
    if (m->t->kwfield >= 0) {
        en_match_value(m, &m->t->fields[m->t->kwfield], p, n, 0, 0, 0);
    }
}

/* Candidate rules: those of the leaves fired, and those true with no leaf. */
static void candidates(en_matcher *m)
{
    const en_tables *t = m->t;
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
}

int en_finish_event(en_matcher *m, const char *fmt, size_t fl, const uint32_t **rules)
{
    const en_tables *t = m->t;
    for (uint32_t k = 0; k < t->nevleaves; k++) {
        uint32_t l = t->evleaves[k];
        const dc_leaf *dl = &t->rs->leaves[l];
        const en_op_def *op = en_op_get(dl->op);
        if (op && op->event && op->event(m, l, dl, &t->leaves[l])) {
            set_leaf(m, l);
        }
    }
    candidates(m);
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
        en_match_value(m, f, ev->v[s].s.p ? ev->v[s].s.p : "", ev->v[s].s.n, 0, 0, 1);
        break;
    case ZW_T_INT:
    case ZW_T_TIME: {
        char b[32];
        int n = snprintf(b, sizeof b, "%lld", (long long)ev->v[s].i);
        en_match_value(m, f, b, (size_t)n, 1, (double)ev->v[s].i, 1);
        break;
    }
    case ZW_T_BOOL:
        if (ev->v[s].i) {
            en_match_value(m, f, "true", 4, 0, 0, 1);
        } else {
            en_match_value(m, f, "false", 5, 0, 0, 1);
        }
        break;
    case ZW_T_LIST:
        for (const zw_list *l = ev->v[s].l.head; l; l = l->next) {
            en_match_value(m, f, l->s.p, l->s.n, 0, 0, l == ev->v[s].l.head);
        }
        break;
    }
}

int en_match_event(en_matcher *m, const zw_event *ev, const uint32_t **rules)
{
    en_begin_event(m);
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
                en_kw_value(m, ev->v[s].s.p ? ev->v[s].s.p : "", ev->v[s].s.n);
            }
        }
    }
    zw_str fmt = zw_ev_str(ev, ZW_F_U_SOURCE_FORMAT);
    return en_finish_event(m, fmt.p, fmt.n, rules);
}

/* ---- value access for fieldref, explain, correlation ---- */

void en_event_values(en_matcher *m, const field *f, vals16 *v)
{
    if (m->jev) {
        en_jvals(m->jev, f->path, collect16, v, 0);
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
