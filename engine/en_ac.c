/*
 * en_ac.c - Aho-Corasick: a trie with sorted per-node edge arrays (a dense 256-way
 * table at the root), breadth-first failure links, and dictionary-suffix links so a
 * scan visits only nodes that end a pattern.
 */
#include "en_ac.h"

#include "../common/zw_common.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    uint32_t edges; /* index of first edge in a->ev (after compile) */
    uint16_t nedges;
    unsigned char c1; /* single-edge nodes (most of a trie): the edge inline */
    int32_t dense; /* row in a->dense for nodes with many edges, else -1 */
    uint32_t t1;
    int32_t out;   /* pattern id ending here, or -1 */
    uint32_t fail;
    uint32_t dict; /* nearest proper suffix node with out >= 0, or 0 */
} node;

typedef struct {
    uint32_t from;
    uint32_t to;
    unsigned char c;
} bedge;

struct en_ac {
    node *nodes;
    uint32_t nn, capn;
    bedge *be; /* build edges (unsorted) */
    uint32_t nbe, capbe;
    unsigned char *ec; /* compiled: edge byte */
    uint32_t *et;      /* compiled: edge target */
    uint32_t root[256];
    uint32_t *dense; /* rows of 256 targets (UINT32_MAX: no edge) */
    uint32_t ndense;
    uint32_t *plen;
    uint32_t np, capp;
    /* build-time hash (from, c) -> to */
    uint64_t *hk;
    uint32_t *hv;
    size_t hcap, hn;
    int compiled;
};

en_ac *en_ac_new(void)
{
    en_ac *a = calloc(1, sizeof *a);
    if (!a) {
        return NULL;
    }
    a->capn = 64;
    a->nodes = calloc(a->capn, sizeof *a->nodes);
    if (!a->nodes) {
        free(a);
        return NULL;
    }
    a->nn = 1;
    a->nodes[0].out = -1;
    a->nodes[0].dense = -1;
    return a;
}

void en_ac_destroy(en_ac *a)
{
    if (!a) {
        return;
    }
    free(a->nodes);
    free(a->be);
    free(a->ec);
    free(a->et);
    free(a->plen);
    free(a->dense);
    free(a->hk);
    free(a->hv);
    free(a);
}

static int h_grow(en_ac *a)
{
    size_t nc = a->hcap ? a->hcap * 2 : 1024;
    uint64_t *nk = malloc(nc * sizeof *nk);
    uint32_t *nv = malloc(nc * sizeof *nv);
    if (!nk || !nv) {
        free(nk);
        free(nv);
        return -1;
    }
    memset(nk, 0xff, nc * sizeof *nk);
    for (size_t i = 0; i < a->hcap; i++) {
        if (a->hk[i] != UINT64_MAX) {
            size_t j = (a->hk[i] * 0x9E3779B97F4A7C15ull) >> 20 & (nc - 1);
            while (nk[j] != UINT64_MAX) {
                j = (j + 1) & (nc - 1);
            }
            nk[j] = a->hk[i];
            nv[j] = a->hv[i];
        }
    }
    free(a->hk);
    free(a->hv);
    a->hk = nk;
    a->hv = nv;
    a->hcap = nc;
    return 0;
}

static uint32_t h_get(const en_ac *a, uint64_t k)
{
    if (!a->hcap) {
        return 0;
    }
    for (size_t j = (k * 0x9E3779B97F4A7C15ull) >> 20 & (a->hcap - 1); a->hk[j] != UINT64_MAX;
         j = (j + 1) & (a->hcap - 1)) {
        if (a->hk[j] == k) {
            return a->hv[j];
        }
    }
    return 0;
}

static int h_put(en_ac *a, uint64_t k, uint32_t v)
{
    if ((a->hn + 1) * 2 > a->hcap && h_grow(a)) {
        return -1;
    }
    size_t j = (k * 0x9E3779B97F4A7C15ull) >> 20 & (a->hcap - 1);
    while (a->hk[j] != UINT64_MAX) {
        j = (j + 1) & (a->hcap - 1);
    }
    a->hk[j] = k;
    a->hv[j] = v;
    a->hn++;
    return 0;
}

int32_t en_ac_add(en_ac *a, const char *p, size_t n)
{
    if (a->compiled || n == 0) {
        return -1;
    }
    uint32_t s = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        uint64_t k = (uint64_t)s << 8 | c;
        uint32_t t = h_get(a, k);
        if (!t) {
            if (a->nn == a->capn) {
                uint32_t nc = a->capn * 2;
                node *nn = realloc(a->nodes, nc * sizeof *nn);
                if (!nn) {
                    return -1;
                }
                a->nodes = nn;
                a->capn = nc;
            }
            if (a->nbe == a->capbe) {
                uint32_t nc = a->capbe ? a->capbe * 2 : 256;
                bedge *ne = realloc(a->be, nc * sizeof *ne);
                if (!ne) {
                    return -1;
                }
                a->be = ne;
                a->capbe = nc;
            }
            t = a->nn++;
            memset(&a->nodes[t], 0, sizeof(node));
            a->nodes[t].out = -1;
            a->nodes[t].dense = -1;
            a->be[a->nbe].from = s;
            a->be[a->nbe].to = t;
            a->be[a->nbe].c = c;
            a->nbe++;
            if (h_put(a, k, t)) {
                return -1;
            }
        }
        s = t;
    }
    if (a->nodes[s].out >= 0) {
        return a->nodes[s].out;
    }
    if (a->np == a->capp) {
        uint32_t nc = a->capp ? a->capp * 2 : 64;
        uint32_t *nl = realloc(a->plen, nc * sizeof *nl);
        if (!nl) {
            return -1;
        }
        a->plen = nl;
        a->capp = nc;
    }
    a->plen[a->np] = (uint32_t)n;
    a->nodes[s].out = (int32_t)a->np;
    return (int32_t)a->np++;
}

static int cmp_edge(const void *x, const void *y)
{
    const bedge *a = x, *b = y;
    if (a->from != b->from) {
        return a->from < b->from ? -1 : 1;
    }
    return (int)a->c - (int)b->c;
}

static inline uint32_t go(const en_ac *a, uint32_t s, unsigned char c)
{
    if (s == 0) {
        return a->root[c];
    }
    const node *nd = &a->nodes[s];
    if (nd->nedges == 1) {
        return nd->c1 == c ? nd->t1 : UINT32_MAX;
    }
    if (nd->dense >= 0) {
        return a->dense[(size_t)nd->dense * 256 + c];
    }
    const unsigned char *ec = a->ec + nd->edges;
    if (nd->nedges <= 8) {
        for (uint32_t i = 0; i < nd->nedges; i++) {
            if (ec[i] == c) {
                return a->et[nd->edges + i];
            }
        }
        return UINT32_MAX;
    }
    uint32_t lo = 0, hi = nd->nedges;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (ec[mid] < c) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo < nd->nedges && ec[lo] == c) {
        return a->et[nd->edges + lo];
    }
    return UINT32_MAX;
}

int en_ac_compile(en_ac *a)
{
    qsort(a->be, a->nbe, sizeof *a->be, cmp_edge);
    a->ec = malloc(a->nbe + 1);
    a->et = malloc((a->nbe + 1) * sizeof *a->et);
    uint32_t *queue = malloc(a->nn * sizeof *queue);
    if (!a->ec || !a->et || !queue) {
        free(queue);
        return ZW_ENOMEM;
    }
    for (uint32_t i = 0; i < a->nbe; i++) {
        node *nd = &a->nodes[a->be[i].from];
        if (nd->nedges == 0) {
            nd->edges = i;
        }
        nd->nedges++;
        a->ec[i] = a->be[i].c;
        a->et[i] = a->be[i].to;
    }
    for (uint32_t i = 0; i < a->nn; i++) {
        node *nd = &a->nodes[i];
        if (nd->nedges == 1) {
            nd->c1 = a->ec[nd->edges];
            nd->t1 = a->et[nd->edges];
        }
    }
    for (int c = 0; c < 256; c++) {
        a->root[c] = 0;
    }
    /* dense rows for busy nodes (few: the top of the trie) */
    for (uint32_t i = 0; i < a->nn; i++) {
        a->nodes[i].dense = -1;
        if (i && a->nodes[i].nedges > 12) {
            a->ndense++;
        }
    }
    if (a->ndense) {
        a->dense = malloc((size_t)a->ndense * 256 * sizeof *a->dense);
        if (!a->dense) {
            free(queue);
            return ZW_ENOMEM;
        }
        memset(a->dense, 0xff, (size_t)a->ndense * 256 * sizeof *a->dense);
        uint32_t row = 0;
        for (uint32_t i = 1; i < a->nn; i++) {
            node *nd = &a->nodes[i];
            if (nd->nedges > 12) {
                for (uint32_t k = 0; k < nd->nedges; k++) {
                    a->dense[(size_t)row * 256 + a->ec[nd->edges + k]] = a->et[nd->edges + k];
                }
                nd->dense = (int32_t)row++;
            }
        }
    }
    uint32_t qh = 0, qt = 0;
    node *r = &a->nodes[0];
    for (uint32_t i = 0; i < r->nedges; i++) {
        uint32_t t = a->et[r->edges + i];
        a->root[a->ec[r->edges + i]] = t;
        a->nodes[t].fail = 0;
        a->nodes[t].dict = 0;
        queue[qt++] = t;
    }
    /* root transitions: missing bytes stay at the root (0) */
    while (qh < qt) {
        uint32_t s = queue[qh++];
        node *nd = &a->nodes[s];
        for (uint32_t i = 0; i < nd->nedges; i++) {
            unsigned char c = a->ec[nd->edges + i];
            uint32_t t = a->et[nd->edges + i];
            uint32_t f = nd->fail;
            uint32_t g;
            while ((g = go(a, f, c)) == UINT32_MAX) {
                f = a->nodes[f].fail;
            }
            if (g == t) {
                g = 0;
            }
            a->nodes[t].fail = g;
            a->nodes[t].dict = a->nodes[g].out >= 0 ? g : a->nodes[g].dict;
            queue[qt++] = t;
        }
    }
    free(queue);
    free(a->be);
    a->be = NULL;
    a->nbe = 0;
    free(a->hk);
    free(a->hv);
    a->hk = NULL;
    a->hv = NULL;
    a->hcap = a->hn = 0;
    a->compiled = 1;
    return 0;
}

uint32_t en_ac_npatterns(const en_ac *a)
{
    return a->np;
}

uint32_t en_ac_pattern_len(const en_ac *a, uint32_t id)
{
    return id < a->np ? a->plen[id] : 0;
}

int en_ac_scan(const en_ac *a, const char *text, size_t n, en_ac_hit hit, void *opaque)
{
    const unsigned char *t = (const unsigned char *)text;
    uint32_t s = 0;
    const node *nodes = a->nodes;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = t[i];
        uint32_t g;
        while ((g = go(a, s, c)) == UINT32_MAX) {
            s = nodes[s].fail;
        }
        s = g;
        if (s == 0) {
            continue;
        }
        uint32_t o = nodes[s].out >= 0 ? s : nodes[s].dict;
        while (o) {
            int rc = hit(opaque, (uint32_t)nodes[o].out, i + 1);
            if (rc) {
                return rc;
            }
            o = nodes[o].dict;
        }
    }
    return 0;
}

size_t en_ac_memory(const en_ac *a)
{
    return a->capn * sizeof(node) + a->nn * 5 + a->capp * 4 + (size_t)a->ndense * 1024;
}
