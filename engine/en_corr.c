/*
 * en_corr.c - the correlator: per-partition reorder buffers and watermarks, groups of
 * matches per (partition, correlation, group key) with sliding or anchored windows,
 * chained correlations, held / merged alerts, and the bounded state behind them.
 * Serialisation of that state lives in en_corr_state.c; JSON of alerts in en_alert.c.
 *
 * Shapes:
 * - blob: a ref-counted, immutable byte string (one match's uid, position and matched
 *   pairs; a group or merge key).  Groups, buffered matches and held alerts share them.
 * - item: a buffered match (rule, time, arrival seq, detail blob, keys blob holding the
 *   group key and value resolved for every correlation slot that consumes the rule).
 * - group: one window's state; on a per-(partition, correlation) list whose tail is the
 *   oldest (by last update for sliding windows, by window start for anchored ones), so
 *   expiry and eviction look only at tails.
 * - pend: a held alert; a FIFO per partition in due order, plus a hash for merging.
 */
#include "en_corr_int.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---------------------------------------------------------------- hashing, blobs */

uint64_t en_hash(const void *p, size_t n, uint64_t seed)
{
    const unsigned char *s = p;
    uint64_t h = 0xcbf29ce484222325ULL ^ seed;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001b3ULL;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

en_blob *en_blob_new(en_corr *c, const void *p, size_t n)
{
    en_blob *b = malloc(sizeof *b + n + 1);
    if (!b) {
        return NULL;
    }
    b->refs = 1;
    b->len = (uint32_t)n;
    if (n) {
        memcpy(b->d, p, n);
    }
    b->d[n] = 0;
    c->stats.state_bytes += sizeof *b + n + 1;
    return b;
}

en_blob *en_blob_ref(en_blob *b)
{
    if (b) {
        b->refs++;
    }
    return b;
}

void en_blob_unref(en_corr *c, en_blob *b)
{
    if (b && --b->refs == 0) {
        c->stats.state_bytes -= sizeof *b + b->len + 1;
        free(b);
    }
}

/* Length-prefixed pieces: u32 little-endian length, then bytes. */
int en_put_piece(zw_buf *b, const char *p, size_t n)
{
    unsigned char l[4] = {(unsigned char)n, (unsigned char)(n >> 8), (unsigned char)(n >> 16),
                          (unsigned char)(n >> 24)};
    if (zw_buf_append(b, l, 4) || zw_buf_append(b, p ? p : "", n)) {
        return ZW_ENOMEM;
    }
    return ZW_OK;
}

/* Reads one piece at *off; 0 and sets *out, or -1 when [d, d+n) is too short. */
int en_get_piece(const char *d, size_t n, size_t *off, zw_str *out)
{
    if (n - *off < 4 || *off > n) {
        return -1;
    }
    const unsigned char *u = (const unsigned char *)d + *off;
    size_t l = (size_t)u[0] | (size_t)u[1] << 8 | (size_t)u[2] << 16 | (size_t)u[3] << 24;
    if (n - *off - 4 < l) {
        return -1;
    }
    out->p = d + *off + 4;
    out->n = l;
    *off += 4 + l;
    return 0;
}

/* Detail blob: uid, position, n matched (as a piece of 4 bytes), then name/value pairs. */
static en_blob *detail_blob(en_corr *c, zw_str uid, zw_str pos, const en_kv *m, size_t nm)
{
    zw_buf *b = &c->scratch;
    zw_buf_clear(b);
    int rc = en_put_piece(b, uid.p, uid.n);
    rc |= en_put_piece(b, pos.p, pos.n);
    for (size_t i = 0; i < nm; i++) {
        rc |= en_put_piece(b, m[i].name.p, m[i].name.n);
        rc |= en_put_piece(b, m[i].value.p, m[i].value.n);
    }
    return rc ? NULL : en_blob_new(c, b->p, b->len);
}

/* Parses a detail blob: uid and position; *moff is where the matched pairs start. */
static void detail_parse(const en_blob *b, zw_str *uid, zw_str *pos, size_t *moff)
{
    size_t off = 0;
    uid->p = pos->p = "";
    uid->n = pos->n = 0;
    if (en_get_piece(b->d, b->len, &off, uid) == 0) {
        en_get_piece(b->d, b->len, &off, pos);
    }
    *moff = off;
}

/* ---------------------------------------------------------------- conditions */

int en_cond_anchored(const en_cond *k)
{
    for (size_t i = 0; i < k->n; i++) {
        if (k->t[i].op != EN_CMP_GT && k->t[i].op != EN_CMP_GTE) {
            return 1;
        }
    }
    return 0;
}

static int cond_holds(const en_corr_def *d, double v)
{
    if (d->cond.n == 0) {
        if (d->type == EN_CORR_TEMPORAL || d->type == EN_CORR_TEMPORAL_ORDERED) {
            return v >= (double)d->n_members;
        }
        return v >= 1;
    }
    for (size_t i = 0; i < d->cond.n; i++) {
        double t = d->cond.t[i].v;
        int ok = 0;
        switch (d->cond.t[i].op) {
        case EN_CMP_GT:
            ok = v > t;
            break;
        case EN_CMP_GTE:
            ok = v >= t;
            break;
        case EN_CMP_LT:
            ok = v < t;
            break;
        case EN_CMP_LTE:
            ok = v <= t;
            break;
        case EN_CMP_EQ:
            ok = v == t;
            break;
        case EN_CMP_NEQ:
            ok = v != t;
            break;
        }
        if (!ok) {
            return 0;
        }
    }
    return 1;
}

/* ---------------------------------------------------------------- groups */

static size_t group_bytes(const en_group *g)
{
    return sizeof *g + g->klen + g->cap * sizeof(en_entry) + g->vcap * 12 +
           g->nm * sizeof(uint32_t);
}

static void list_unlink(en_part *p, en_group *g)
{
    if (g->prev) {
        g->prev->next = g->next;
    } else {
        p->lh[g->corr] = g->next;
    }
    if (g->next) {
        g->next->prev = g->prev;
    } else {
        p->lt[g->corr] = g->prev;
    }
    g->prev = g->next = NULL;
}

static void list_push_head(en_part *p, en_group *g)
{
    g->prev = NULL;
    g->next = p->lh[g->corr];
    if (g->next) {
        g->next->prev = g;
    } else {
        p->lt[g->corr] = g;
    }
    p->lh[g->corr] = g;
}

static void vset_clear(en_group *g)
{
    if (g->vcap) {
        memset(g->vh, 0, g->vcap * sizeof *g->vh);
        memset(g->vc, 0, g->vcap * sizeof *g->vc);
    }
    g->vused = g->vdistinct = 0;
}

static int vset_grow(en_corr *c, en_group *g)
{
    size_t ncap = g->vcap ? g->vcap * 2 : 16;
    uint64_t *nh = calloc(ncap, sizeof *nh);
    uint32_t *nc = calloc(ncap, sizeof *nc);
    if (!nh || !nc) {
        free(nh);
        free(nc);
        return ZW_ENOMEM;
    }
    size_t used = 0;
    for (size_t i = 0; i < g->vcap; i++) {
        if (g->vc[i]) {
            size_t j = g->vh[i] & (ncap - 1);
            while (nc[j]) {
                j = (j + 1) & (ncap - 1);
            }
            nh[j] = g->vh[i];
            nc[j] = g->vc[i];
            used++;
        }
    }
    c->stats.state_bytes += (ncap - g->vcap) * 12;
    free(g->vh);
    free(g->vc);
    g->vh = nh;
    g->vc = nc;
    g->vcap = ncap;
    g->vused = used;
    return ZW_OK;
}

/* Adds d > 0 occurrences, or removes one (d < 0), of value hash h.  Slots whose count
 * drops to 0 keep their hash as a tombstone until the next grow. */
int en_vset_add(en_corr *c, en_group *g, uint64_t h, int d)
{
    if (h == 0) {
        h = 1; /* 0 marks an empty slot */
    }
    if (d > 0 && (g->vused + 1) * 4 >= g->vcap * 3 && vset_grow(c, g)) {
        return ZW_ENOMEM;
    }
    if (!g->vcap) {
        return ZW_OK;
    }
    size_t j = h & (g->vcap - 1), tomb = SIZE_MAX;
    for (size_t probes = 0; probes < g->vcap; probes++) {
        if (g->vh[j] == h) {
            if (d > 0) {
                if (g->vc[j] == 0) {
                    g->vdistinct++;
                }
                g->vc[j] =
                    g->vc[j] > UINT32_MAX - (uint32_t)d ? UINT32_MAX : g->vc[j] + (uint32_t)d;
            } else if (g->vc[j] > 0 && --g->vc[j] == 0) {
                g->vdistinct--;
            }
            return ZW_OK;
        }
        if (g->vh[j] == 0) {
            break;
        }
        if (g->vc[j] == 0 && tomb == SIZE_MAX) {
            tomb = j;
        }
        j = (j + 1) & (g->vcap - 1);
    }
    if (d < 0) {
        return ZW_OK;
    }
    if (tomb != SIZE_MAX) {
        j = tomb;
    } else {
        g->vused++;
    }
    g->vh[j] = h;
    g->vc[j] = (uint32_t)d;
    g->vdistinct++;
    return ZW_OK;
}

static void entry_forget(en_corr *c, en_group *g, const en_entry *e)
{
    if (g->nm && e->member < g->nm && g->mcount[e->member]) {
        g->mcount[e->member]--;
    }
    if (c->defs[g->corr].type == EN_CORR_VALUE_COUNT) {
        en_vset_add(c, g, e->vhash, -1);
    }
    g->sum -= e->num;
    if (g->total) {
        g->total--;
    }
}

static void pop_front(en_corr *c, en_group *g, int forget)
{
    en_entry *e = &g->e[g->head];
    if (forget) {
        entry_forget(c, g, e);
    }
    en_blob_unref(c, e->blob);
    e->blob = NULL;
    g->head = (g->head + 1) % g->cap;
    g->n--;
}

/* Empties a group's window (after a firing). */
static void group_reset(en_corr *c, en_group *g)
{
    while (g->n) {
        pop_front(c, g, 0);
    }
    g->head = 0;
    g->total = 0;
    g->sum = 0;
    if (g->nm) {
        memset(g->mcount, 0, g->nm * sizeof *g->mcount);
    }
    vset_clear(g);
    g->start = INT64_MIN;
}

void en_group_free(en_corr *c, en_group *g)
{
    if (!g) {
        return;
    }
    while (g->n) {
        pop_front(c, g, 0);
    }
    c->stats.state_bytes -= group_bytes(g);
    free(g->e);
    free(g->vh);
    free(g->vc);
    free(g->mcount);
    free(g);
}

/* Removes g from the hash table and its list, then frees it. */
void en_group_remove(en_corr *c, en_part *p, en_group *g)
{
    en_group **pp = &c->gtab[g->hash & c->gmask];
    while (*pp && *pp != g) {
        pp = &(*pp)->hnext;
    }
    if (*pp) {
        *pp = g->hnext;
    }
    list_unlink(p, g);
    c->ngroups--;
    c->stats.groups_live = c->ngroups;
    en_group_free(c, g);
}

static int gtab_grow(en_corr *c)
{
    size_t ncap = c->gcap ? c->gcap * 2 : 1024;
    en_group **nt = calloc(ncap, sizeof *nt);
    if (!nt) {
        return ZW_ENOMEM;
    }
    for (size_t i = 0; i < c->gcap; i++) {
        en_group *g = c->gtab[i];
        while (g) {
            en_group *nx = g->hnext;
            g->hnext = nt[g->hash & (ncap - 1)];
            nt[g->hash & (ncap - 1)] = g;
            g = nx;
        }
    }
    c->stats.state_bytes += (ncap - c->gcap) * sizeof *nt;
    free(c->gtab);
    c->gtab = nt;
    c->gcap = ncap;
    c->gmask = ncap - 1;
    return ZW_OK;
}

uint64_t en_group_hash(int32_t part, uint32_t corr, const char *k, size_t n)
{
    uint64_t seed = ((uint64_t)(uint32_t)part << 32) | corr;
    return en_hash(k, n, seed);
}

en_group *en_group_find(en_corr *c, int32_t part, uint32_t corr, const char *k, size_t n,
                        uint64_t h)
{
    if (!c->gcap) {
        return NULL;
    }
    for (en_group *g = c->gtab[h & c->gmask]; g; g = g->hnext) {
        if (g->hash == h && g->part == part && g->corr == corr && g->klen == n &&
            memcmp(g->key, k, n) == 0) {
            return g;
        }
    }
    return NULL;
}

/* Oldest group over every partition's list tails: smallest order time, then lowest
 * partition, then lowest correlation index (deterministic). */
static int evict_oldest(en_corr *c)
{
    en_group *best = NULL;
    en_part *bp = NULL;
    int64_t bt = 0;
    for (size_t i = 0; i < c->nparts; i++) {
        en_part *p = c->parts[i];
        for (size_t d = 0; d < c->ndefs; d++) {
            en_group *g = p->lt[d];
            while (g && g->pinned) {
                g = g->prev;
            }
            if (!g) {
                continue;
            }
            int64_t t = c->anchored[d] ? g->start : g->last;
            if (!best || t < bt) {
                best = g;
                bp = p;
                bt = t;
            }
        }
    }
    if (!best) {
        return 0; /* everything live is in use right now: exceed the cap briefly */
    }
    c->stats.evictions++;
    bp->dirty = 1;
    en_group_remove(c, bp, best);
    return 1;
}

en_group *en_group_create(en_corr *c, en_part *p, uint32_t corr, const char *k, size_t n,
                          uint64_t h)
{
    while (c->ngroups >= c->opt.max_groups && evict_oldest(c)) {
    }
    if (c->ngroups + 1 > c->gcap && gtab_grow(c)) {
        return NULL;
    }
    en_group *g = calloc(1, sizeof *g + n + 1);
    if (!g) {
        return NULL;
    }
    const en_corr_def *d = &c->defs[corr];
    if (d->type == EN_CORR_TEMPORAL || d->type == EN_CORR_TEMPORAL_ORDERED) {
        g->nm = (uint32_t)d->n_members;
        g->mcount = calloc(g->nm, sizeof *g->mcount);
        if (!g->mcount) {
            free(g);
            return NULL;
        }
    }
    g->hash = h;
    g->part = p->id;
    g->corr = corr;
    g->klen = (uint32_t)n;
    memcpy(g->key, k, n);
    g->start = INT64_MIN;
    g->last = INT64_MIN;
    g->hnext = c->gtab[h & c->gmask];
    c->gtab[h & c->gmask] = g;
    list_push_head(p, g);
    c->ngroups++;
    c->stats.groups_live = c->ngroups;
    c->stats.groups_created++;
    c->stats.state_bytes += group_bytes(g);
    return g;
}

/* Appends an entry (takes a reference on blob).  When the ring is full at the
 * max_group_events cap, the oldest is dropped: forgotten in a sliding window (counted
 * as truncated), kept in the counters of an anchored one. */
int en_group_push(en_corr *c, en_group *g, const en_entry *e, int anchored)
{
    if (g->n == g->cap) {
        if (g->cap >= c->opt.max_group_events) {
            c->stats.events_truncated++;
            if (anchored) {
                return ZW_OK; /* counted in total/sum/sets by the caller, not stored */
            }
            pop_front(c, g, 1);
        } else {
            size_t ncap = g->cap ? g->cap * 2 : 4;
            if (ncap > c->opt.max_group_events) {
                ncap = c->opt.max_group_events;
            }
            en_entry *ne = malloc(ncap * sizeof *ne);
            if (!ne) {
                return ZW_ENOMEM;
            }
            for (size_t i = 0; i < g->n; i++) {
                ne[i] = g->e[(g->head + i) % g->cap];
            }
            c->stats.state_bytes += (ncap - g->cap) * sizeof *ne;
            free(g->e);
            g->e = ne;
            g->head = 0;
            g->cap = ncap;
        }
    }
    en_entry *dst = &g->e[(g->head + g->n) % g->cap];
    *dst = *e;
    en_blob_ref(dst->blob);
    g->n++;
    return ZW_OK;
}

static en_entry *gentry(const en_group *g, size_t i)
{
    return &g->e[(g->head + i) % g->cap];
}

/* ---------------------------------------------------------------- partitions */

en_part *en_part_get(en_corr *c, int32_t id, int create)
{
    for (size_t i = 0; i < c->nparts; i++) {
        if (c->parts[i]->id == id) {
            return c->parts[i];
        }
    }
    if (!create) {
        return NULL;
    }
    en_part **np = realloc(c->parts, (c->nparts + 1) * sizeof *np);
    if (!np) {
        return NULL;
    }
    c->parts = np;
    en_part *p = calloc(1, sizeof *p);
    if (!p) {
        return NULL;
    }
    p->lh = calloc(c->ndefs ? c->ndefs : 1, sizeof *p->lh);
    p->lt = calloc(c->ndefs ? c->ndefs : 1, sizeof *p->lt);
    if (!p->lh || !p->lt) {
        free(p->lh);
        free(p->lt);
        free(p);
        return NULL;
    }
    p->id = id;
    p->wm = INT64_MIN;
    p->max_seen = INT64_MIN;
    p->now = INT64_MIN;
    /* keep parts sorted by id: deterministic iteration */
    size_t at = c->nparts;
    while (at > 0 && c->parts[at - 1]->id > id) {
        c->parts[at] = c->parts[at - 1];
        at--;
    }
    c->parts[at] = p;
    c->nparts++;
    return p;
}

void en_item_free(en_corr *c, en_item *it)
{
    en_blob_unref(c, it->detail);
    en_blob_unref(c, it->keys);
    it->detail = it->keys = NULL;
}

/* Frees everything a partition holds and removes it from c. */
void en_part_free(en_corr *c, en_part *p)
{
    for (size_t d = 0; d < c->ndefs; d++) {
        while (p->lt[d]) {
            en_group_remove(c, p, p->lt[d]);
        }
    }
    for (size_t i = 0; i < p->nheap; i++) {
        en_item_free(c, &p->heap[i]);
    }
    c->stats.buffered -= p->nheap;
    free(p->heap);
    while (p->pq_head) {
        en_pend *x = p->pq_head;
        p->pq_head = x->next;
        en_pend_unhash(c, x);
        en_pend_free(c, x);
    }
    free(p->lh);
    free(p->lt);
    for (size_t i = 0; i < c->nparts; i++) {
        if (c->parts[i] == p) {
            memmove(&c->parts[i], &c->parts[i + 1], (c->nparts - i - 1) * sizeof *c->parts);
            c->nparts--;
            break;
        }
    }
    free(p);
}

static int item_less(const en_item *a, const en_item *b)
{
    return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

int en_heap_push(en_corr *c, en_part *p, const en_item *it)
{
    if (p->nheap == p->capheap) {
        size_t nc = p->capheap ? p->capheap * 2 : 64;
        en_item *nh = realloc(p->heap, nc * sizeof *nh);
        if (!nh) {
            return ZW_ENOMEM;
        }
        c->stats.state_bytes += (nc - p->capheap) * sizeof *nh;
        p->heap = nh;
        p->capheap = nc;
    }
    size_t i = p->nheap++;
    p->heap[i] = *it;
    while (i > 0) {
        size_t up = (i - 1) / 2;
        if (!item_less(&p->heap[i], &p->heap[up])) {
            break;
        }
        en_item t = p->heap[i];
        p->heap[i] = p->heap[up];
        p->heap[up] = t;
        i = up;
    }
    c->stats.buffered++;
    return ZW_OK;
}

static en_item heap_pop(en_corr *c, en_part *p)
{
    en_item top = p->heap[0];
    p->heap[0] = p->heap[--p->nheap];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < p->nheap && item_less(&p->heap[l], &p->heap[m])) {
            m = l;
        }
        if (r < p->nheap && item_less(&p->heap[r], &p->heap[m])) {
            m = r;
        }
        if (m == i) {
            break;
        }
        en_item t = p->heap[i];
        p->heap[i] = p->heap[m];
        p->heap[m] = t;
        i = m;
    }
    c->stats.buffered--;
    return top;
}

/* ---------------------------------------------------------------- held alerts */

uint64_t en_pend_hash(int32_t part, uint32_t src, const char *k, size_t n)
{
    return en_hash(k, n,
                   ((uint64_t)(uint32_t)part << 32) ^ ((uint64_t)src * 0x9e3779b97f4a7c15ULL));
}

static en_pend *pend_find(en_corr *c, int32_t part, uint32_t src, const en_blob *key, uint64_t h)
{
    if (!c->pcap) {
        return NULL;
    }
    for (en_pend *x = c->ptab[h & (c->pcap - 1)]; x; x = x->hnext) {
        if (x->hash == h && x->part == part && x->src == src && x->key->len == key->len &&
            memcmp(x->key->d, key->d, key->len) == 0) {
            return x;
        }
    }
    return NULL;
}

void en_pend_unhash(en_corr *c, en_pend *x)
{
    en_pend **pp = &c->ptab[x->hash & (c->pcap - 1)];
    while (*pp && *pp != x) {
        pp = &(*pp)->hnext;
    }
    if (*pp) {
        *pp = x->hnext;
        c->npend--;
    }
}

int en_pend_hash_in(en_corr *c, en_pend *x)
{
    if (c->npend + 1 > c->pcap) {
        size_t nc = c->pcap ? c->pcap * 2 : 256;
        en_pend **nt = calloc(nc, sizeof *nt);
        if (!nt) {
            return ZW_ENOMEM;
        }
        for (size_t i = 0; i < c->pcap; i++) {
            en_pend *y = c->ptab[i];
            while (y) {
                en_pend *nx = y->hnext;
                y->hnext = nt[y->hash & (nc - 1)];
                nt[y->hash & (nc - 1)] = y;
                y = nx;
            }
        }
        free(c->ptab);
        c->ptab = nt;
        c->pcap = nc;
    }
    x->hnext = c->ptab[x->hash & (c->pcap - 1)];
    c->ptab[x->hash & (c->pcap - 1)] = x;
    c->npend++;
    return ZW_OK;
}

void en_pend_free(en_corr *c, en_pend *x)
{
    if (!x) {
        return;
    }
    for (size_t i = 0; i < x->nev; i++) {
        en_blob_unref(c, x->ev[i].blob);
    }
    en_blob_unref(c, x->key);
    c->stats.state_bytes -= sizeof *x + x->matched.cap + c->opt.max_events_listed * sizeof *x->ev;
    zw_buf_free(&x->matched);
    free(x->ev);
    free(x);
}

en_pend *en_pend_alloc(en_corr *c)
{
    en_pend *x = calloc(1, sizeof *x);
    if (!x) {
        return NULL;
    }
    x->ev = calloc(c->opt.max_events_listed, sizeof *x->ev);
    if (!x->ev) {
        free(x);
        return NULL;
    }
    zw_buf_init(&x->matched);
    c->stats.state_bytes += sizeof *x + c->opt.max_events_listed * sizeof *x->ev;
    return x;
}

void en_pend_append(en_part *p, en_pend *x)
{
    x->next = NULL;
    if (p->pq_tail) {
        p->pq_tail->next = x;
    } else {
        p->pq_head = x;
    }
    p->pq_tail = x;
}

/* Adds matched pairs from a detail blob, de-duplicated, up to max_matched. */
static int pend_add_matched(en_corr *c, en_pend *x, const en_blob *b)
{
    zw_str uid, pos;
    size_t off;
    detail_parse(b, &uid, &pos, &off);
    zw_str nm, val;
    while (x->nmatched < c->opt.max_matched && en_get_piece(b->d, b->len, &off, &nm) == 0 &&
           en_get_piece(b->d, b->len, &off, &val) == 0) {
        size_t o = 0;
        int dup = 0;
        zw_str a, v;
        while (en_get_piece(x->matched.p, x->matched.len, &o, &a) == 0 &&
               en_get_piece(x->matched.p, x->matched.len, &o, &v) == 0) {
            if (a.n == nm.n && v.n == val.n && memcmp(a.p, nm.p, a.n) == 0 &&
                memcmp(v.p, val.p, v.n) == 0) {
                dup = 1;
                break;
            }
        }
        if (dup) {
            continue;
        }
        size_t before = x->matched.cap;
        if (en_put_piece(&x->matched, nm.p, nm.n) || en_put_piece(&x->matched, val.p, val.n)) {
            return ZW_ENOMEM;
        }
        c->stats.state_bytes += x->matched.cap - before;
        x->nmatched++;
    }
    return ZW_OK;
}

/* Adds one contributing event (listed while there is room). */
static int pend_add_event(en_corr *c, en_pend *x, en_blob *b, int64_t t, uint32_t rule)
{
    if (x->nev < c->opt.max_events_listed) {
        x->ev[x->nev].blob = en_blob_ref(b);
        x->ev[x->nev].time = t;
        x->ev[x->nev].rule = rule;
        x->nev++;
        return pend_add_matched(c, x, b);
    }
    return ZW_OK;
}

/* Deterministic finding uid: source uid, partition, key and first contributing event. */
static void pend_uid(en_corr *c, en_pend *x)
{
    const en_rule_meta *m = en_src_meta(c, x->src);
    uint64_t h1 = en_hash(m->uid, strlen(m->uid), 0x5a5a);
    h1 = en_hash(x->key->d, x->key->len, h1 ^ (uint64_t)(uint32_t)x->part);
    zw_str uid = {"", 0}, pos;
    size_t off;
    if (x->nev) {
        detail_parse(x->ev[0].blob, &uid, &pos, &off);
    }
    h1 = en_hash(uid.p, uid.n, h1 ^ (uint64_t)x->first_ms);
    uint64_t h2 = en_hash(&h1, sizeof h1, 0xa5a5 ^ (uint64_t)x->fire_ms);
    static const char hx[] = "0123456789abcdef";
    for (int i = 0; i < 16; i++) {
        x->uid[i] = hx[(h1 >> (60 - 4 * i)) & 15];
        x->uid[16 + i] = hx[(h2 >> (60 - 4 * i)) & 15];
    }
    x->uid[32] = 0;
}

const en_rule_meta *en_src_meta(const en_corr *c, uint32_t src)
{
    return src < c->nrules ? &c->rules[src] : c->defs[src - c->nrules].meta;
}

/* Builds the en_alert view of x and calls the sink. */
static int pend_emit(en_corr *c, en_pend *x, int activity, const en_alert_sink *sink)
{
    en_alert a;
    memset(&a, 0, sizeof a);
    en_kv keys[64];
    en_kv *matched = NULL;
    en_event_ref *evs = NULL;
    int rc = ZW_OK;
    a.meta = en_src_meta(c, x->src);
    if (x->src >= c->nrules) {
        const en_corr_def *d = &c->defs[x->src - c->nrules];
        a.corr_type = en_corr_type_name(d->type);
        a.timespan_ms = d->timespan_ms;
        a.value_field = d->value_field_name;
    }
    a.activity_id = activity;
    memcpy(a.uid, x->uid, sizeof a.uid);
    a.partition = x->part;
    a.first_ms = x->first_ms;
    a.last_ms = x->last_ms;
    a.fire_ms = x->fire_ms;
    a.window_start_ms = x->wstart;
    a.window_end_ms = x->wend;
    a.count = x->count;
    a.n_events = x->n_events;
    a.value = x->value;
    /* key: name/value pieces */
    size_t off = 0;
    while (a.n_key < ZW_ARRAY_LEN(keys) &&
           en_get_piece(x->key->d, x->key->len, &off, &keys[a.n_key].name) == 0 &&
           en_get_piece(x->key->d, x->key->len, &off, &keys[a.n_key].value) == 0) {
        a.n_key++;
    }
    a.key = keys;
    if (x->hide_key) {
        a.n_key = 0;
    }
    evs = calloc(x->nev ? x->nev : 1, sizeof *evs);
    matched = calloc(x->nmatched ? x->nmatched : 1, sizeof *matched);
    if (!evs || !matched) {
        rc = ZW_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < x->nev; i++) {
        size_t mo;
        detail_parse(x->ev[i].blob, &evs[i].uid, &evs[i].position, &mo);
        evs[i].time_ms = x->ev[i].time;
        evs[i].rule = x->ev[i].rule;
    }
    a.events = evs;
    a.n_events_listed = x->nev;
    off = 0;
    while (a.n_matched < x->nmatched &&
           en_get_piece(x->matched.p, x->matched.len, &off, &matched[a.n_matched].name) == 0 &&
           en_get_piece(x->matched.p, x->matched.len, &off, &matched[a.n_matched].value) == 0) {
        a.n_matched++;
    }
    a.matched = matched;
    a.future_time = a.last_ms > c->future_limit;
    c->stats.alerts_emitted++;
    rc = sink && sink->emit ? sink->emit(sink->ud, &a) : ZW_OK;
out:
    free(evs);
    free(matched);
    return rc;
}

/* A firing: a fresh alert description (src, key, events) merged into a held alert or
 * held / emitted anew.  Takes ownership of *fresh. */
static int alert_fire(en_corr *c, en_part *p, en_pend *fresh, const en_alert_sink *sink)
{
    int rc = ZW_OK;
    p->dirty = 1;
    fresh->part = p->id;
    fresh->hash = en_pend_hash(p->id, fresh->src, fresh->key->d, fresh->key->len);
    pend_uid(c, fresh);
    if (c->opt.merge_ms <= 0) {
        rc = pend_emit(c, fresh, EN_ALERT_CREATE, sink);
        en_pend_free(c, fresh);
        return rc;
    }
    en_pend *x = pend_find(c, p->id, fresh->src, fresh->key, fresh->hash);
    if (x && fresh->fire_ms < x->due) {
        c->stats.alerts_merged++;
        x->count += fresh->count;
        x->n_events += fresh->n_events;
        if (fresh->first_ms < x->first_ms) {
            x->first_ms = fresh->first_ms;
        }
        if (fresh->last_ms > x->last_ms) {
            x->last_ms = fresh->last_ms;
        }
        for (size_t i = 0; i < fresh->nev && !rc; i++) {
            rc = pend_add_event(c, x, fresh->ev[i].blob, fresh->ev[i].time, fresh->ev[i].rule);
        }
        if (fresh->value > x->value) {
            x->value = fresh->value;
        }
        en_pend_free(c, fresh);
        return rc;
    }
    fresh->due = fresh->fire_ms + c->opt.merge_ms;
    if (en_pend_hash_in(c, fresh)) {
        en_pend_free(c, fresh);
        return ZW_ENOMEM;
    }
    en_pend_append(p, fresh);
    if (c->opt.merge_mode == EN_MERGE_UPDATE) {
        fresh->created = 1;
        fresh->count_at_create = fresh->count;
        rc = pend_emit(c, fresh, EN_ALERT_CREATE, sink);
    }
    return rc;
}

/* Emits held alerts whose merge period ended before time t. */
static int pend_release(en_corr *c, en_part *p, int64_t t, const en_alert_sink *sink)
{
    int rc = ZW_OK;
    while (p->pq_head && p->pq_head->due <= t && !rc) {
        en_pend *x = p->pq_head;
        p->pq_head = x->next;
        if (!p->pq_head) {
            p->pq_tail = NULL;
        }
        en_pend_unhash(c, x);
        p->dirty = 1;
        if (!x->created) {
            rc = pend_emit(c, x, EN_ALERT_CREATE, sink);
        } else if (x->count > x->count_at_create) {
            rc = pend_emit(c, x, EN_ALERT_UPDATE, sink);
        }
        en_pend_free(c, x);
    }
    return rc;
}

/* ---------------------------------------------------------------- evaluation */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Greedy search for the members in order within g's stored entries; fills idx with
 * the entry positions of the chain and returns how many members were found in order
 * (n_members means the whole sequence).  When must_end_last, the chain must end with
 * the newest entry. */
static size_t ordered_chain(const en_corr_def *d, const en_group *g, size_t *idx, int must_end_last)
{
    size_t k = 0;
    size_t limit = must_end_last && g->n ? g->n - 1 : g->n;
    size_t upto = must_end_last ? d->n_members - 1 : d->n_members;
    for (size_t i = 0; i < limit && k < upto; i++) {
        if (d->members[gentry(g, i)->member].kind == d->members[k].kind &&
            d->members[gentry(g, i)->member].index == d->members[k].index) {
            idx[k++] = i;
        }
    }
    if (must_end_last) {
        if (k == d->n_members - 1 && g->n) {
            const en_entry *last = gentry(g, g->n - 1);
            const en_corr_member *lm = &d->members[last->member];
            const en_corr_member *want = &d->members[k];
            if (lm->kind == want->kind && lm->index == want->index) {
                idx[k++] = g->n - 1;
            }
        }
        return k;
    }
    return k;
}

static int texpr_eval(const en_corr_def *d, const en_group *g)
{
    int st[64];
    size_t sp = 0;
    for (size_t i = 0; i < d->n_texpr; i++) {
        uint32_t op = d->texpr[i];
        if (op == EN_TX_AND || op == EN_TX_OR) {
            if (sp < 2) {
                return 0;
            }
            int b = st[--sp], a = st[--sp];
            st[sp++] = op == EN_TX_AND ? (a && b) : (a || b);
        } else if (op == EN_TX_NOT) {
            if (sp < 1) {
                return 0;
            }
            st[sp - 1] = !st[sp - 1];
        } else {
            if (sp >= ZW_ARRAY_LEN(st) || op >= g->nm) {
                return 0;
            }
            st[sp++] = g->mcount[op] > 0;
        }
    }
    return sp == 1 && st[0];
}

/* The aggregate of a group's current window. */
static double group_value(en_corr *c, const en_group *g, const en_corr_def *d)
{
    switch (d->type) {
    case EN_CORR_EVENT_COUNT:
        return (double)g->total;
    case EN_CORR_VALUE_COUNT:
        return (double)g->vdistinct;
    case EN_CORR_TEMPORAL: {
        size_t n = 0;
        for (size_t i = 0; i < g->nm; i++) {
            n += g->mcount[i] > 0;
        }
        return (double)n;
    }
    case EN_CORR_TEMPORAL_ORDERED: {
        size_t idx[256];
        if (d->n_members > ZW_ARRAY_LEN(idx)) {
            return 0;
        }
        return (double)ordered_chain(d, g, idx, 0);
    }
    case EN_CORR_VALUE_SUM:
        return g->sum;
    case EN_CORR_VALUE_AVG:
        return g->total ? g->sum / (double)g->total : 0;
    case EN_CORR_VALUE_PERCENTILE: {
        if (!g->n) {
            return 0;
        }
        double *v = c->pbuf;
        for (size_t i = 0; i < g->n; i++) {
            v[i] = gentry(g, i)->num;
        }
        qsort(v, g->n, sizeof *v, cmp_double);
        double p = d->percentile > 0 && d->percentile <= 100 ? d->percentile : 50;
        size_t rank = (size_t)ceil(p / 100.0 * (double)g->n);
        if (rank < 1) {
            rank = 1;
        }
        return v[rank - 1];
    }
    default:
        return 0;
    }
}

static int group_holds(en_corr *c, const en_group *g, const en_corr_def *d, double *value)
{
    *value = group_value(c, g, d);
    if (d->type == EN_CORR_TEMPORAL && d->n_texpr) {
        return texpr_eval(d, g);
    }
    return cond_holds(d, *value);
}

static int process_corr_entry(en_corr *c, en_part *p, uint32_t di, const char *key, size_t klen,
                              const en_entry *e, const en_alert_sink *sink);

/* The group fired: build the alert (if the correlation alerts), feed correlations that
 * consume this one, reset the group. */
static int group_fire(en_corr *c, en_part *p, en_group *g, double value, int64_t fire_ms,
                      int64_t ws, int64_t we, const size_t *chain, size_t nchain,
                      const en_alert_sink *sink)
{
    const en_corr_def *d = &c->defs[g->corr];
    int rc = ZW_OK;
    c->stats.fired++;
    g->pinned++;
    p->dirty = 1;
    /* the key with names, for the alert and for chained correlations */
    en_pend *x = NULL;
    en_blob *kblob = NULL;
    zw_buf kb;
    zw_buf_init(&kb);
    zw_str parts[64];
    size_t np = 0, off = 0;
    while (np < ZW_ARRAY_LEN(parts) && en_get_piece(g->key, g->klen, &off, &parts[np]) == 0) {
        np++;
    }
    for (size_t i = 0; i < np && i < d->n_group; i++) {
        const char *nm = d->group_names && d->group_names[i] ? d->group_names[i] : "";
        if (en_put_piece(&kb, nm, strlen(nm)) || en_put_piece(&kb, parts[i].p, parts[i].n)) {
            rc = ZW_ENOMEM;
            goto out;
        }
    }
    x = en_pend_alloc(c);
    kblob = en_blob_new(c, kb.p ? kb.p : "", kb.len);
    if (!x || !kblob) {
        en_blob_unref(c, kblob);
        rc = ZW_ENOMEM;
        goto out;
    }
    x->src = (uint32_t)c->nrules + g->corr;
    x->part = p->id;
    x->key = kblob;
    x->count = 1;
    x->value = value;
    x->fire_ms = fire_ms;
    x->wstart = ws;
    x->wend = we;
    x->first_ms = INT64_MAX;
    x->last_ms = INT64_MIN;
    size_t n = chain ? nchain : g->n;
    x->n_events = chain ? nchain : (g->total > g->n ? g->total : g->n);
    for (size_t i = 0; i < n && !rc; i++) {
        const en_entry *e = gentry(g, chain ? chain[i] : i);
        if (e->time < x->first_ms) {
            x->first_ms = e->time;
        }
        if (e->time > x->last_ms) {
            x->last_ms = e->time;
        }
        const en_corr_member *m = &d->members[e->member];
        uint32_t rule = m->kind == EN_REF_RULE ? m->index : (uint32_t)c->nrules + m->index;
        rc = pend_add_event(c, x, e->blob, e->time, rule);
    }
    if (x->first_ms == INT64_MAX) {
        x->first_ms = x->last_ms = fire_ms;
    }
    /* chained correlations see this firing as one match at fire time */
    for (size_t k = 0; k < c->ncons_corr[g->corr] && !rc; k++) {
        const en_consumer *cs = &c->cons_corr[g->corr][k];
        const en_corr_def *od = &c->defs[cs->corr];
        const en_corr_member *om = &od->members[cs->member];
        zw_buf ok;
        zw_buf_init(&ok);
        for (size_t gi = 0; gi < od->n_group && !rc; gi++) {
            uint32_t src = om->group_fields ? om->group_fields[gi] : (uint32_t)gi;
            zw_str v = src < np ? parts[src] : (zw_str){"", 0};
            rc = en_put_piece(&ok, v.p, v.n);
        }
        en_entry ce;
        memset(&ce, 0, sizeof ce);
        /* keep each group's matches in time order: an anchored window closes at its end,
         * which can precede matches already processed */
        ce.time = fire_ms > p->now ? fire_ms : p->now;
        ce.member = cs->member;
        ce.num = value;
        ce.vhash = 0;
        if (!rc) {
            pend_uid(c, x);
            zw_str uid = {x->uid, 32};
            zw_str pos = {"", 0};
            if (x->nev) {
                zw_str u2;
                size_t mo;
                detail_parse(x->ev[x->nev - 1].blob, &u2, &pos, &mo);
            }
            ce.blob = detail_blob(c, uid, pos, NULL, 0);
            if (!ce.blob) {
                rc = ZW_ENOMEM;
            }
        }
        if (!rc) {
            rc = process_corr_entry(c, p, cs->corr, ok.p ? ok.p : "", ok.len, &ce, sink);
        }
        en_blob_unref(c, ce.blob);
        zw_buf_free(&ok);
    }
    group_reset(c, g);
    if (!rc && d->alert) {
        rc = alert_fire(c, p, x, sink);
        x = NULL;
    }
out:
    g->pinned--;
    en_pend_free(c, x);
    zw_buf_free(&kb);
    return rc;
}

/* Closes / expires groups and releases held alerts up to time t (exclusive: windows
 * ending exactly at t stay open, inclusive edges). */
static int part_expire(en_corr *c, en_part *p, int64_t t, const en_alert_sink *sink)
{
    int rc = ZW_OK;
    for (size_t di = 0; di < c->ndefs && !rc; di++) {
        const en_corr_def *d = &c->defs[di];
        while (p->lt[di] && !rc) {
            en_group *g = p->lt[di];
            if (c->anchored[di]) {
                if (g->start != INT64_MIN && (t != INT64_MAX && g->start + d->timespan_ms >= t)) {
                    break;
                }
                double v;
                if (g->start != INT64_MIN && group_holds(c, g, d, &v)) {
                    rc = group_fire(c, p, g, v, g->start + d->timespan_ms, g->start,
                                    g->start + d->timespan_ms, NULL, 0, sink);
                }
            } else if (t != INT64_MAX && g->last + d->timespan_ms >= t) {
                break;
            }
            c->stats.groups_expired++;
            p->dirty = 1;
            en_group_remove(c, p, g);
        }
    }
    if (!rc) {
        rc = pend_release(c, p, t, sink);
    }
    return rc;
}

/* Adds one entry to correlation di's group for key, evaluates, maybe fires. */
static int process_corr_entry(en_corr *c, en_part *p, uint32_t di, const char *key, size_t klen,
                              const en_entry *e, const en_alert_sink *sink)
{
    const en_corr_def *d = &c->defs[di];
    int anchored = c->anchored[di];
    uint64_t h = en_group_hash(p->id, di, key, klen);
    en_group *g = en_group_find(c, p->id, di, key, klen, h);
    int rc;
    if (!g) {
        g = en_group_create(c, p, di, key, klen, h);
        if (!g) {
            return ZW_ENOMEM;
        }
    }
    p->dirty = 1;
    if (anchored) {
        if (g->start == INT64_MIN) {
            g->start = e->time;
        }
    } else {
        /* slide: forget entries that left [t - timespan, t] */
        while (g->n && gentry(g, 0)->time < e->time - d->timespan_ms) {
            pop_front(c, g, 1);
        }
        if (g->n == 0) {
            g->total = 0;
            g->sum = 0;
        }
        list_unlink(p, g);
        list_push_head(p, g);
    }
    g->last = e->time;
    /* counters first: an anchored window counts what it cannot store */
    g->total++;
    g->sum += e->num;
    if (g->nm && e->member < g->nm) {
        g->mcount[e->member]++;
    }
    if (d->type == EN_CORR_VALUE_COUNT && (rc = en_vset_add(c, g, e->vhash, +1))) {
        return rc;
    }
    if ((rc = en_group_push(c, g, e, anchored))) {
        return rc;
    }
    if (anchored) {
        return ZW_OK;
    }
    double v;
    if (d->type == EN_CORR_TEMPORAL_ORDERED) {
        size_t idx[256];
        const en_corr_member *lm = &d->members[d->n_members - 1], *em = &d->members[e->member];
        if (d->n_members > ZW_ARRAY_LEN(idx) || em->kind != lm->kind || em->index != lm->index) {
            return ZW_OK; /* a sequence can only complete on its last rule */
        }
        size_t k = ordered_chain(d, g, idx, 1);
        v = (double)k;
        if (k == d->n_members && cond_holds(d, v)) {
            return group_fire(c, p, g, v, e->time, e->time - d->timespan_ms, e->time, idx, k, sink);
        }
        return ZW_OK;
    }
    if (group_holds(c, g, d, &v)) {
        return group_fire(c, p, g, v, e->time, e->time - d->timespan_ms, e->time, NULL, 0, sink);
    }
    return ZW_OK;
}

/* A stateless rule's own alert.  keys section at *off of the item's keys blob. */
static int rule_alert(en_corr *c, en_part *p, uint32_t rule, int64_t t, int64_t fire,
                      en_blob *detail, const char *akey, size_t aklen, int at_once,
                      const en_alert_sink *sink)
{
    en_pend *x = en_pend_alloc(c);
    en_blob *kb = x ? en_blob_new(c, akey, aklen) : NULL;
    if (!x || !kb) {
        en_pend_free(c, x);
        return ZW_ENOMEM;
    }
    x->src = rule;
    x->key = kb;
    x->hide_key = c->rules[rule].n_key_fields == 0;
    x->count = 1;
    x->n_events = 1;
    x->value = 1;
    x->first_ms = x->last_ms = t;
    x->fire_ms = fire;
    x->wstart = x->wend = t;
    int rc = pend_add_event(c, x, detail, t, rule);
    if (rc || !at_once) {
        if (rc) {
            en_pend_free(c, x);
        }
        return rc ? rc : alert_fire(c, p, x, sink);
    }
    /* a future-dated match: emitted now, never held in the due-ordered queue */
    p->dirty = 1;
    x->part = p->id;
    pend_uid(c, x);
    rc = pend_emit(c, x, EN_ALERT_CREATE, sink);
    en_pend_free(c, x);
    return rc;
}

/* Processes one released item (in event-time order). */
static int process_item(en_corr *c, en_part *p, en_item *it, const en_alert_sink *sink)
{
    int rc = part_expire(c, p, it->time, sink);
    if (rc) {
        return rc;
    }
    if (it->time > p->now) {
        p->now = it->time;
    }
    const char *kd = it->keys->d;
    size_t kn = it->keys->len, off = 0;
    zw_str akey = {"", 0};
    if (en_get_piece(kd, kn, &off, &akey)) {
        return ZW_EINVAL;
    }
    if (c->rules[it->rule].alert) {
        rc = rule_alert(c, p, it->rule, it->time, it->time, it->detail, akey.p, akey.n, 0, sink);
    }
    for (size_t k = 0; k < c->ncons_rule[it->rule] && !rc; k++) {
        const en_consumer *cs = &c->cons_rule[it->rule][k];
        zw_str flag, key, val;
        if (en_get_piece(kd, kn, &off, &flag) || en_get_piece(kd, kn, &off, &key) ||
            en_get_piece(kd, kn, &off, &val)) {
            return ZW_EINVAL;
        }
        if (flag.n != 1 || flag.p[0] != '1') {
            continue;
        }
        en_entry e;
        memset(&e, 0, sizeof e);
        e.time = it->time;
        e.member = cs->member;
        e.blob = it->detail;
        e.vhash = en_hash(val.p, val.n, 0x77);
        if (val.n) {
            char tmp[64];
            size_t l = val.n < sizeof tmp - 1 ? val.n : sizeof tmp - 1;
            memcpy(tmp, val.p, l);
            tmp[l] = 0;
            char *end;
            double dv = strtod(tmp, &end);
            e.num = (end != tmp && isfinite(dv)) ? dv : 0;
        }
        rc = process_corr_entry(c, p, cs->corr, key.p, key.n, &e, sink);
    }
    return rc;
}

/* Releases buffered items up to the partition's watermark. */
static int part_release(en_corr *c, en_part *p, int64_t upto, const en_alert_sink *sink)
{
    int rc = ZW_OK;
    while (p->nheap && p->heap[0].time <= upto && !rc) {
        en_item it = heap_pop(c, p);
        rc = process_item(c, p, &it, sink);
        en_item_free(c, &it);
        p->dirty = 1;
    }
    if (!rc && upto != INT64_MIN) {
        rc = part_expire(c, p, upto, sink);
    }
    return rc;
}

/* ---------------------------------------------------------------- public API */

static int check_cycles(const en_corr_def *defs, size_t n, size_t at, unsigned char *mark)
{
    if (mark[at] == 1) {
        return -1;
    }
    if (mark[at] == 2) {
        return 0;
    }
    mark[at] = 1;
    for (size_t i = 0; i < defs[at].n_members; i++) {
        if (defs[at].members[i].kind == EN_REF_CORR &&
            check_cycles(defs, n, defs[at].members[i].index, mark)) {
            return -1;
        }
    }
    mark[at] = 2;
    return 0;
}

/* One slot per (source, correlation): a rule listed twice (temporal_ordered) is fed
 * once and matched by identity at every position it holds. */
static int add_consumer(en_consumer **lists, size_t *counts, uint32_t at, uint32_t corr,
                        uint32_t member)
{
    for (size_t i = 0; i < counts[at]; i++) {
        if (lists[at][i].corr == corr) {
            return ZW_OK;
        }
    }
    en_consumer *nl = realloc(lists[at], (counts[at] + 1) * sizeof *nl);
    if (!nl) {
        return ZW_ENOMEM;
    }
    nl[counts[at]].corr = corr;
    nl[counts[at]].member = member;
    lists[at] = nl;
    counts[at]++;
    return ZW_OK;
}

en_corr *en_corr_new(const en_rule_meta *rules, size_t n_rules, const en_corr_def *defs,
                     size_t n_defs, const en_corr_opts *opt, char *errstr, size_t errstr_size)
{
    en_corr *c = calloc(1, sizeof *c);
    unsigned char *mark = NULL;
    if (!c) {
        zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
        return NULL;
    }
    c->rules = rules;
    c->nrules = n_rules;
    c->defs = defs;
    c->ndefs = n_defs;
    if (opt) {
        c->opt = *opt;
    }
    if (c->opt.max_groups == 0) {
        c->opt.max_groups = 1000000;
    }
    if (c->opt.max_group_events == 0) {
        c->opt.max_group_events = 10000;
    }
    if (c->opt.max_events_listed == 0) {
        c->opt.max_events_listed = 20;
    }
    if (c->opt.max_matched == 0) {
        c->opt.max_matched = 32;
    }
    if (c->opt.allowed_lateness_ms < 0) {
        c->opt.allowed_lateness_ms = 0;
    }
    if (c->opt.allowed_lateness_ms > ((int64_t)1 << 50)) {
        c->opt.allowed_lateness_ms = (int64_t)1 << 50;
    }
    if (c->opt.merge_ms > ((int64_t)1 << 50)) {
        c->opt.merge_ms = (int64_t)1 << 50;
    }
    if (c->opt.max_future_skew_ms <= 0) {
        c->opt.max_future_skew_ms = EN_CORR_DEFAULT_FUTURE_SKEW_MS;
    }
    if (c->opt.max_future_skew_ms > ((int64_t)1 << 50)) {
        c->opt.max_future_skew_ms = (int64_t)1 << 50;
    }
    if (c->opt.max_pending == 0) {
        c->opt.max_pending = EN_CORR_DEFAULT_MAX_PENDING;
    }
    en_future_limit(c);
    zw_buf_init(&c->scratch);
    zw_buf_init(&c->scratch_a);
    zw_buf_init(&c->scratch_k);
    for (size_t i = 0; i < n_rules; i++) {
        if (!rules[i].uid || !rules[i].name) {
            zw_errf(errstr, errstr_size, ZW_EINVAL, "rule %zu: uid and name are required", i);
            goto fail;
        }
    }
    c->anchored = calloc(n_defs ? n_defs : 1, 1);
    c->cons_rule = calloc(n_rules ? n_rules : 1, sizeof *c->cons_rule);
    c->ncons_rule = calloc(n_rules ? n_rules : 1, sizeof *c->ncons_rule);
    c->cons_corr = calloc(n_defs ? n_defs : 1, sizeof *c->cons_corr);
    c->ncons_corr = calloc(n_defs ? n_defs : 1, sizeof *c->ncons_corr);
    mark = calloc(n_defs ? n_defs : 1, 1);
    c->pbuf = malloc(c->opt.max_group_events * sizeof *c->pbuf);
    if (!c->anchored || !c->cons_rule || !c->ncons_rule || !c->cons_corr || !c->ncons_corr ||
        !mark || !c->pbuf) {
        zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < n_defs; i++) {
        const en_corr_def *d = &defs[i];
        const char *id = d->meta && d->meta->uid ? d->meta->uid : "?";
        if (!d->meta || !d->meta->uid || !d->meta->name) {
            zw_errf(errstr, errstr_size, ZW_EINVAL, "correlation %zu: meta uid and name required",
                    i);
            goto fail;
        }
        if ((int)d->type < 0 || d->type >= EN_CORR__NTYPES) {
            zw_errf(errstr, errstr_size, ZW_EINVAL, "correlation %s: unknown type %d", id,
                    (int)d->type);
            goto fail;
        }
        if (d->timespan_ms <= 0 || d->timespan_ms > ((int64_t)1 << 50)) {
            zw_errf(errstr, errstr_size, ZW_EINVAL,
                    "correlation %s: timespan must be > 0 and at most 2^50 ms", id);
            goto fail;
        }
        if (d->n_members == 0 || d->n_members > 256) {
            zw_errf(errstr, errstr_size, ZW_EINVAL, "correlation %s: 1 to 256 rules required", id);
            goto fail;
        }
        if (d->cond.n > EN_COND_MAX) {
            zw_errf(errstr, errstr_size, ZW_EINVAL, "correlation %s: too many condition terms", id);
            goto fail;
        }
        if (d->n_group > 64 || (d->n_group && !d->group_names)) {
            zw_errf(errstr, errstr_size, ZW_EINVAL,
                    "correlation %s: group-by needs names (at most 64 fields)", id);
            goto fail;
        }
        if (d->type == EN_CORR_VALUE_PERCENTILE && !(d->percentile > 0 && d->percentile <= 100)) {
            zw_errf(errstr, errstr_size, ZW_EINVAL,
                    "correlation %s: percentile must be in (0, 100]", id);
            goto fail;
        }
        c->anchored[i] = (unsigned char)en_cond_anchored(&d->cond);
        for (size_t m = 0; m < d->n_members; m++) {
            const en_corr_member *mb = &d->members[m];
            int needs_value = d->type == EN_CORR_VALUE_COUNT || d->type == EN_CORR_VALUE_SUM ||
                              d->type == EN_CORR_VALUE_AVG || d->type == EN_CORR_VALUE_PERCENTILE;
            for (size_t m2 = 0; m2 < m && d->type != EN_CORR_TEMPORAL_ORDERED; m2++) {
                if (d->members[m2].kind == mb->kind && d->members[m2].index == mb->index) {
                    zw_errf(errstr, errstr_size, ZW_EINVAL,
                            "correlation %s: rule listed twice (only temporal_ordered allows it)",
                            id);
                    goto fail;
                }
            }
            if (d->n_group && !mb->group_fields) {
                zw_errf(errstr, errstr_size, ZW_EINVAL,
                        "correlation %s: member %zu has no group-by field handles", id, m);
                goto fail;
            }
            if (mb->kind == EN_REF_RULE) {
                if (mb->index >= n_rules) {
                    zw_errf(errstr, errstr_size, ZW_EINVAL,
                            "correlation %s: member %zu refers to rule %u of %zu", id, m, mb->index,
                            n_rules);
                    goto fail;
                }
                if (needs_value && mb->value_field == EN_FIELD_NONE) {
                    zw_errf(errstr, errstr_size, ZW_EINVAL,
                            "correlation %s: %s needs a value field for member %zu", id,
                            en_corr_type_name(d->type), m);
                    goto fail;
                }
                if (add_consumer(c->cons_rule, c->ncons_rule, mb->index, (uint32_t)i,
                                 (uint32_t)m)) {
                    zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
                    goto fail;
                }
            } else if (mb->kind == EN_REF_CORR) {
                if (mb->index >= n_defs) {
                    zw_errf(errstr, errstr_size, ZW_EINVAL,
                            "correlation %s: member %zu refers to correlation %u of %zu", id, m,
                            mb->index, n_defs);
                    goto fail;
                }
                if (needs_value && d->type != EN_CORR_VALUE_SUM && d->type != EN_CORR_VALUE_AVG &&
                    d->type != EN_CORR_VALUE_PERCENTILE) {
                    zw_errf(errstr, errstr_size, ZW_EINVAL,
                            "correlation %s: value_count over a correlation is not supported", id);
                    goto fail;
                }
                for (size_t gi = 0; gi < d->n_group; gi++) {
                    if (mb->group_fields[gi] >= defs[mb->index].n_group) {
                        zw_errf(errstr, errstr_size, ZW_EINVAL,
                                "correlation %s: group-by %zu maps to part %u of correlation "
                                "%u, which has %zu",
                                id, gi, mb->group_fields[gi], mb->index, defs[mb->index].n_group);
                        goto fail;
                    }
                }
                if (add_consumer(c->cons_corr, c->ncons_corr, mb->index, (uint32_t)i,
                                 (uint32_t)m)) {
                    zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
                    goto fail;
                }
            } else {
                zw_errf(errstr, errstr_size, ZW_EINVAL, "correlation %s: bad member kind", id);
                goto fail;
            }
        }
    }
    for (size_t i = 0; i < n_defs; i++) {
        if (check_cycles(defs, n_defs, i, mark)) {
            zw_errf(errstr, errstr_size, ZW_EINVAL, "correlation %s: chain forms a cycle",
                    defs[i].meta->uid);
            goto fail;
        }
    }
    c->signature = en_signature(c);
    free(mark);
    return c;
fail:
    free(mark);
    en_corr_destroy(c);
    return NULL;
}

void en_corr_destroy(en_corr *c)
{
    if (!c) {
        return;
    }
    while (c->nparts) {
        en_part_free(c, c->parts[c->nparts - 1]);
    }
    free(c->parts);
    free(c->gtab);
    free(c->ptab);
    for (size_t i = 0; c->cons_rule && i < c->nrules; i++) {
        free(c->cons_rule[i]);
    }
    for (size_t i = 0; c->cons_corr && i < c->ndefs; i++) {
        free(c->cons_corr[i]);
    }
    free(c->cons_rule);
    free(c->ncons_rule);
    free(c->cons_corr);
    free(c->ncons_corr);
    free(c->anchored);
    free(c->pbuf);
    zw_buf_free(&c->scratch);
    zw_buf_free(&c->scratch_a);
    zw_buf_free(&c->scratch_k);
    free(c);
}

/* The keys blob of an item: alert key piece, then per consumer slot: flag, key, value. */
static en_blob *keys_blob(en_corr *c, const en_corr_input *in, int *any_present)
{
    zw_buf *b = &c->scratch;
    zw_buf_clear(b);
    int rc = 0;
    const en_rule_meta *rm = &c->rules[in->rule];
    *any_present = 0;
    /* alert merge key */
    {
        zw_buf *ak = &c->scratch_a;
        zw_buf_clear(ak);
        if (rm->alert) {
            if (rm->n_key_fields) {
                for (size_t i = 0; i < rm->n_key_fields; i++) {
                    const char *nm = rm->key_names && rm->key_names[i] ? rm->key_names[i] : "";
                    zw_str v =
                        in->field ? in->field(in->field_ud, rm->key_fields[i]) : (zw_str){NULL, 0};
                    rc |= en_put_piece(ak, nm, strlen(nm));
                    rc |= en_put_piece(ak, v.p, v.n);
                }
            } else {
                for (size_t i = 0; i < in->n_matched; i++) {
                    rc |= en_put_piece(ak, in->matched[i].name.p, in->matched[i].name.n);
                    rc |= en_put_piece(ak, in->matched[i].value.p, in->matched[i].value.n);
                }
            }
        }
        rc |= en_put_piece(b, ak->p, ak->len);
    }
    zw_buf *kb = &c->scratch_k;
    for (size_t k = 0; k < c->ncons_rule[in->rule]; k++) {
        const en_consumer *cs = &c->cons_rule[in->rule][k];
        const en_corr_def *d = &c->defs[cs->corr];
        const en_corr_member *m = &d->members[cs->member];
        int ok = 1;
        zw_buf_clear(kb);
        for (size_t gi = 0; gi < d->n_group && ok; gi++) {
            zw_str v = in->field ? in->field(in->field_ud, m->group_fields[gi]) : (zw_str){NULL, 0};
            if (!v.p) {
                ok = 0;
                break;
            }
            rc |= en_put_piece(kb, v.p, v.n);
        }
        zw_str val = {"", 0};
        if (ok && m->value_field != EN_FIELD_NONE) {
            val = in->field ? in->field(in->field_ud, m->value_field) : (zw_str){NULL, 0};
            if (!val.p) {
                ok = 0;
            }
        }
        if (!ok) {
            c->stats.key_missing++;
            rc |= en_put_piece(b, "0", 1);
            rc |= en_put_piece(b, "", 0);
            rc |= en_put_piece(b, "", 0);
            continue;
        }
        *any_present = 1;
        rc |= en_put_piece(b, "1", 1);
        rc |= en_put_piece(b, kb->p, kb->len);
        rc |= en_put_piece(b, val.p, val.n);
    }
    if (rc) {
        return NULL;
    }
    return en_blob_new(c, b->p, b->len);
}

static int64_t wall_ms(const en_corr *c)
{
    if (c->opt.clock_ms) {
        return c->opt.clock_ms(c->opt.clock_ud);
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wall clock + skew, kept in c->future_limit for the alerts emitted meanwhile. */
int64_t en_future_limit(en_corr *c)
{
    int64_t w = wall_ms(c);
    if (w > EN_TIME_LIMIT - c->opt.max_future_skew_ms) {
        w = EN_TIME_LIMIT - c->opt.max_future_skew_ms;
    }
    c->future_limit = w + c->opt.max_future_skew_ms;
    return c->future_limit;
}

/* Event time moves the partition's highest trusted time (and so its watermark) only
 * within the skew (a match dated past wall clock + skew never gets here: en_corr_feed
 * handles it apart); one more than skew past every earlier match of the partition is a
 * jump, trusted only when the next match also jumps (a quiet day in a
 * replayed log), and then only to the earlier of the two.  So one mis-dated line can
 * never make the matches after it late. */
static void advance_max_seen(en_corr *c, en_part *p, int64_t t)
{
    int64_t skew = c->opt.max_future_skew_ms;
    if (p->max_seen != INT64_MIN && t - p->max_seen > skew) {
        p->jump_min = p->jump_n == 0 || t < p->jump_min ? t : p->jump_min;
        if (++p->jump_n < 2) {
            c->stats.jumps_held++;
            return;
        }
        t = p->jump_min;
    }
    p->jump_n = 0;
    if (t > p->max_seen) {
        p->max_seen = t;
    }
}

/* The buffer is over max_pending: the partition holding the oldest buffered match
 * moves its watermark to that match's time, which releases it (and every match at the
 * same time) now.  Deterministic: the choice depends only on the buffered times. */
static int pending_overflow(en_corr *c, const en_alert_sink *sink)
{
    en_part *best = NULL;
    for (size_t i = 0; i < c->nparts; i++) {
        en_part *q = c->parts[i];
        if (q->nheap && (!best || q->heap[0].time < best->heap[0].time)) {
            best = q;
        }
    }
    if (!best) {
        return ZW_OK;
    }
    uint64_t before = c->stats.buffered;
    if (best->heap[0].time > best->wm) {
        best->wm = best->heap[0].time;
    }
    best->dirty = 1;
    int rc = part_release(c, best, best->wm, sink);
    c->stats.pending_overflow += before - c->stats.buffered;
    return rc;
}

int en_corr_feed(en_corr *c, const en_corr_input *in, const en_alert_sink *sink)
{
    if (in->rule >= c->nrules || !en_time_ok(in->time_ms)) {
        return ZW_EINVAL;
    }
    c->stats.matches_in++;
    en_part *p = en_part_get(c, in->partition, 1);
    if (!p) {
        return ZW_ENOMEM;
    }
    int any = 0, rc = ZW_OK;
    en_item it;
    memset(&it, 0, sizeof it);
    it.time = in->time_ms;
    it.seq = p->seq++;
    it.rule = in->rule;
    it.keys = keys_blob(c, in, &any);
    it.detail = detail_blob(c, in->uid, in->position, in->matched, in->n_matched);
    if (!it.keys || !it.detail) {
        en_item_free(c, &it);
        return ZW_ENOMEM;
    }
    p->dirty = 1;
    int future = in->time_ms > en_future_limit(c);
    if (future || (p->wm != INT64_MIN && in->time_ms < p->wm)) {
        /* late, or dated past wall clock + skew: the rule's own alert still goes out
         * (a future one at once, flagged future_time); correlations never see it */
        if (c->rules[in->rule].alert) {
            size_t off = 0;
            zw_str ak;
            en_get_piece(it.keys->d, it.keys->len, &off, &ak);
            int64_t fire = p->now > in->time_ms ? p->now : in->time_ms;
            rc = rule_alert(c, p, in->rule, in->time_ms, fire, it.detail, ak.p, ak.n, future, sink);
        }
        en_item_free(c, &it);
        if (future) {
            c->stats.future_events++;
            return rc ? rc : any ? EN_CORR_FUTURE : ZW_OK;
        }
        if (!rc && any) {
            c->stats.late_dropped++;
            rc = EN_CORR_LATE;
        }
        return rc;
    }
    if ((rc = en_heap_push(c, p, &it))) {
        en_item_free(c, &it);
        return rc;
    }
    advance_max_seen(c, p, in->time_ms);
    int64_t wm = p->max_seen == INT64_MIN ? INT64_MIN : p->max_seen - c->opt.allowed_lateness_ms;
    if (wm > p->wm) {
        p->wm = wm;
    }
    rc = part_release(c, p, p->wm, sink);
    while (!rc && c->stats.buffered > c->opt.max_pending) {
        rc = pending_overflow(c, sink);
    }
    return rc;
}

int en_corr_advance(en_corr *c, int32_t partition, int64_t watermark_ms, const en_alert_sink *sink)
{
    int rc = ZW_OK;
    for (size_t i = 0; i < c->nparts && !rc; i++) {
        en_part *p = c->parts[i];
        if (partition != EN_CORR_ALL && p->id != partition) {
            continue;
        }
        if (watermark_ms >= EN_TIME_LIMIT) {
            watermark_ms = EN_TIME_LIMIT - 1;
        }
        if (watermark_ms > p->wm) {
            p->wm = watermark_ms;
            p->dirty = 1;
        }
        rc = part_release(c, p, p->wm, sink);
    }
    return rc;
}

int en_corr_drain(en_corr *c, int32_t partition, const en_alert_sink *sink)
{
    int rc = ZW_OK;
    for (size_t i = 0; i < c->nparts && !rc; i++) {
        en_part *p = c->parts[i];
        if ((partition != EN_CORR_ALL && p->id != partition) || p->max_seen == INT64_MIN) {
            continue;
        }
        if (p->max_seen > p->wm) {
            p->wm = p->max_seen;
            p->dirty = 1;
        }
        rc = part_release(c, p, p->wm, sink);
    }
    return rc;
}

int en_corr_flush(en_corr *c, int32_t partition, const en_alert_sink *sink)
{
    int rc = ZW_OK;
    for (size_t i = 0; i < c->nparts && !rc; i++) {
        en_part *p = c->parts[i];
        if (partition != EN_CORR_ALL && p->id != partition) {
            continue;
        }
        rc = part_release(c, p, INT64_MAX, sink);
        if (!rc && p->max_seen != INT64_MIN) {
            /* later input continues after the flushed stream, not before it */
            p->wm = p->max_seen;
        }
        p->dirty = 1;
    }
    return rc;
}

void en_corr_get_stats(const en_corr *c, en_corr_stats *out)
{
    *out = c->stats;
    out->groups_live = c->ngroups;
}

void en_corr_drop_partition(en_corr *c, int32_t partition)
{
    en_part *p = en_part_get(c, partition, 0);
    if (p) {
        en_part_free(c, p);
    }
}

int en_corr_partition_dirty(const en_corr *c, int32_t partition)
{
    for (size_t i = 0; i < c->nparts; i++) {
        if (c->parts[i]->id == partition) {
            return c->parts[i]->dirty;
        }
    }
    return 0;
}
