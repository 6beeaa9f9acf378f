/*
 * en_corr_int.h - the correlator's internal shapes, shared by en_corr.c (processing)
 * and en_corr_state.c (serialisation).  Not part of the engine's API: include
 * en_corr.h instead.
 *
 * Ownership: an en_corr owns its partitions; a partition owns its buffered items,
 * groups (through its lists) and held alerts; blobs are shared by reference count.
 */
#ifndef EN_CORR_INT_H
#define EN_CORR_INT_H

#include "en_corr.h"

typedef struct en_blob {
    uint32_t refs;
    uint32_t len;
    char d[]; /* len bytes plus a NUL */
} en_blob;

typedef struct {
    int64_t time;
    uint32_t member; /* index into the correlation's members */
    double num;      /* numeric value (value_sum / avg / percentile) */
    uint64_t vhash;  /* value hash (value_count) */
    en_blob *blob;   /* detail: uid, position, matched pairs */
} en_entry;

typedef struct en_group {
    struct en_group *hnext, *prev, *next;
    uint64_t hash;
    int32_t part;
    uint32_t corr;
    int64_t start; /* anchored window start, INT64_MIN if none */
    int64_t last;  /* last update */
    int pinned;    /* being processed: never evicted */
    en_entry *e;   /* ring */
    size_t head, n, cap;
    uint64_t total; /* matches in the window (anchored: including unstored ones) */
    double sum;
    uint32_t nm; /* temporal: per-member counts */
    uint32_t *mcount;
    uint64_t *vh; /* value_count: open-addressing multiset of value hashes */
    uint32_t *vc;
    size_t vcap, vused, vdistinct;
    uint32_t klen;
    char key[]; /* group key: length-prefixed parts */
} en_group;

typedef struct {
    int64_t time;
    uint64_t seq;
    uint32_t rule;
    en_blob *detail;
    en_blob *keys; /* alert key piece, then per consumer slot: flag, key, value pieces */
} en_item;

typedef struct en_pend {
    struct en_pend *hnext, *next;
    uint64_t hash;
    int32_t part;
    uint32_t src; /* rule index, or nrules + correlation index */
    en_blob *key; /* name/value pieces */
    int64_t first_ms, last_ms, fire_ms, due, wstart, wend;
    uint64_t count, n_events, count_at_create;
    int created;  /* merge mode UPDATE: Create already emitted */
    int hide_key; /* the merge key is the matched pairs: not shown as a key */
    double value;
    char uid[33];
    struct {
        en_blob *blob;
        int64_t time;
        uint32_t rule;
    } * ev;
    size_t nev;
    zw_buf matched; /* name/value pieces */
    size_t nmatched;
} en_pend;

typedef struct en_part {
    int32_t id;
    int64_t wm, max_seen, now;
    int64_t jump_min; /* earliest time of the unconfirmed jump streak (not saved) */
    uint32_t jump_n;  /* matches in that streak */
    uint64_t seq;
    en_item *heap;
    size_t nheap, capheap;
    en_group **lh, **lt; /* per correlation: newest, oldest */
    en_pend *pq_head, *pq_tail;
    int dirty;
} en_part;

typedef struct {
    uint32_t corr, member;
} en_consumer;

struct en_corr {
    const en_rule_meta *rules;
    size_t nrules;
    const en_corr_def *defs;
    size_t ndefs;
    en_corr_opts opt;
    unsigned char *anchored;
    en_consumer **cons_rule; /* per rule: correlation slots consuming it */
    size_t *ncons_rule;
    en_consumer **cons_corr; /* per correlation: correlation slots consuming it */
    size_t *ncons_corr;
    en_part **parts; /* sorted by id */
    size_t nparts;
    en_group **gtab;
    size_t gcap, gmask, ngroups;
    en_pend **ptab;
    size_t pcap, npend;
    uint64_t signature;
    int64_t future_limit; /* wall clock + max_future_skew_ms, at the last feed */
    en_corr_stats stats;
    zw_buf scratch, scratch_a, scratch_k; /* per-feed key building, reused */
    double *pbuf;                         /* percentile scratch, max_group_events */
};

/* Event times beyond +-2^61 ms are refused, so window arithmetic never overflows. */
#define EN_TIME_LIMIT ((int64_t)1 << 61)
static inline int en_time_ok(int64_t t)
{
    return t > -EN_TIME_LIMIT && t < EN_TIME_LIMIT;
}

uint64_t en_hash(const void *p, size_t n, uint64_t seed);
en_blob *en_blob_new(en_corr *c, const void *p, size_t n);
en_blob *en_blob_ref(en_blob *b);
void en_blob_unref(en_corr *c, en_blob *b);
int en_put_piece(zw_buf *b, const char *p, size_t n);
int en_get_piece(const char *d, size_t n, size_t *off, zw_str *out);
int en_cond_anchored(const en_cond *k);

en_part *en_part_get(en_corr *c, int32_t id, int create);
void en_part_free(en_corr *c, en_part *p);
void en_item_free(en_corr *c, en_item *it);
int en_heap_push(en_corr *c, en_part *p, const en_item *it);

en_group *en_group_find(en_corr *c, int32_t part, uint32_t corr, const char *k, size_t n,
                        uint64_t h);
en_group *en_group_create(en_corr *c, en_part *p, uint32_t corr, const char *k, size_t n,
                          uint64_t h);
void en_group_remove(en_corr *c, en_part *p, en_group *g);
void en_group_free(en_corr *c, en_group *g);
int en_group_push(en_corr *c, en_group *g, const en_entry *e, int anchored);
int en_vset_add(en_corr *c, en_group *g, uint64_t h, int d);
uint64_t en_group_hash(int32_t part, uint32_t corr, const char *k, size_t n);

en_pend *en_pend_alloc(en_corr *c);
void en_pend_free(en_corr *c, en_pend *x);
void en_pend_unhash(en_corr *c, en_pend *x);
int en_pend_hash_in(en_corr *c, en_pend *x);
void en_pend_append(en_part *p, en_pend *x);
uint64_t en_pend_hash(int32_t part, uint32_t src, const char *k, size_t n);
const en_rule_meta *en_src_meta(const en_corr *c, uint32_t src);

uint64_t en_signature(const en_corr *c);
int64_t en_future_limit(en_corr *c);

#endif
