/*
 * en_tables_int.h - internals of the matching tables shared by the files that build
 * them (en_tables.c, en_tables_rules.c), run them (en_match.c, en_match_json.c,
 * en_jscan.c), explain them (en_explain.c) and by the operation files (en_op_*.c, one
 * per IR operation family, registered in en_op.c).  Not a public header: the engine's
 * interface is en_tables.h.
 *
 * Ownership: everything here belongs to its en_tables (built once, then read-only) or
 * to its en_matcher (one thread).
 */
#ifndef EN_TABLES_INT_H
#define EN_TABLES_INT_H

#include "en_tables.h"

#include "../common/zw_grow.h"
#include "../common/zw_hash.h"
#include "en_ac.h"

#include <stdatomic.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

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
    uint32_t nfields;
    size_t capfields;
    int32_t kwfield; /* field "" (keywords), or -1 */
    pent *ph;        /* path hash */
    size_t phcap;
    uint32_t *lr_start, *lr; /* leaf -> rules CSR */
    uint32_t *always_rules;
    uint32_t nalways_rules;
    uint32_t *evleaves; /* leaves decided once per event (exists, null, fieldref) */
    uint32_t nevleaves;
    uint32_t **clauses; /* per rule: [len, leaf...]* 0 - necessary ORs of leaves, or NULL */
    char ***routes;     /* per rule: NULL-terminated list of formats, or NULL */
    uint32_t maxprog;
    int has_routes;
    uint32_t fidx[8192]; /* build-time field name hash: index + 1 */
    /* regex runs: the match limit, and per leaf the runs that hit a PCRE2 limit
     * (counted by every matcher thread, hence atomic; rare, so not contended) */
    pcre2_match_context *re_mctx;
    uint32_t re_limit;
    _Atomic uint64_t *re_errors;
    en_tables_stats st;
};

/* The value being matched: raw and case-folded text, and its number when it has one
 * (parsed once per value, on demand, by the operations that need it). */
typedef struct {
    const char *p, *f;
    size_t n;
    int isnum; /* a JSON / slot number: num is valid */
    double num;
    int numok; /* -1 not parsed yet, 0 not a number, 1 v holds it */
    double v;
    int timeok; /* -1 not parsed yet, 0 not a time, 1 ms holds it */
    int64_t ms;
} en_val;

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
    en_val val;
    const field *vfield;
    uint32_t vlimit; /* regex limit errors while matching the current value (no memo then) */
    /* event (for fieldref) */
    fjson_object *jev;
    const zw_event *cev;
    char numbuf[64];
    char *jsb; /* JSON string scratch for en_match_json_text */
    size_t jsbcap;
};

/* ---- helpers ---- */

/* ---- small helpers ---- */

static inline uint64_t hash_bytes(const char *p, size_t n)
{
    return zw_hash_nz(p, n);
}

/* Appends x to an array whose capacity is implied by its count (the next power of two,
 * at least 4): the per-leaf lists are many and small, so they carry no capacity field. */
static inline int push_u32(uint32_t **v, uint32_t *n, uint32_t x)
{
    size_t cap = 0;
    if (*v) {
        cap = 4;
        while (cap < *n) {
            cap *= 2;
        }
    }
    return zw_push_u32(v, n, &cap, x);
}

/* ---- build context (en_tables.c) handed to the operations' build functions ---- */

typedef struct {
    uint32_t pat, leaf;
    uint8_t kind;
} en_pending;

typedef struct {
    en_tables *t;
    en_pending *pend; /* Aho-Corasick entries, placed per field after all leaves */
    size_t np, capp;
    char *errstr;
    size_t errstr_size;
} en_build;

/* Field index of a path, created on first use; -1 on out-of-memory. */
int32_t en_field_index(en_tables *t, const char *name);
/* Path for JSON lookup: "resources[].name" -> "resources.name" (malloc'd). */
char *en_json_path(const char *p);
/* Exact-value set of a field (folded values). */
int en_xset_add(field *f, const char *s, uint32_t n, uint32_t leaf);
const xent *en_xset_get(const field *f, const char *s, size_t n);
/* Adds literal [s, s+n) (folded) to the field's automaton for leaf, with the AC entry
 * kind (K_PREFIX, K_SUFFIX, K_CONTAINS, K_GLOB anchor, K_RE gate). */
int en_build_literal(en_build *b, uint32_t fi, const char *s, size_t n, uint32_t leaf, int kind);
/* JSON key path lookup. */
const pent *en_ph_get(const en_tables *t, const char *s, size_t n);

/* Rule indexes (en_tables_rules.c): trigger positions and necessary clauses. */
uint8_t *en_rule_triggers(const dc_rule *ru, uint32_t nleaves);
uint32_t *en_rule_clauses(const dc_rule *ru);
/* Fills lr_start / lr, always_rules, routes, clauses of t; 0 or ZW_ENOMEM. */
int en_build_rule_index(en_tables *t);

/* ---- matching (en_match.c) ---- */

/* Starts an event: clears the leaves of the previous one. */
void en_begin_event(en_matcher *m);
/* Sets leaf l for this event. */
static inline void set_leaf(en_matcher *m, uint32_t l)
{
    if (!m->lv[l]) {
        m->lv[l] = 1;
        m->touched[m->ntouched++] = l;
    }
}
/* One scalar value of field f.  isnum: a JSON/slot number (num valid).  first: the
 * field's first value in this event (memoisable). */
int en_match_value(en_matcher *m, const field *f, const char *p, size_t n, int isnum, double num,
                   int first);
/* A value of the keyword field (any string value of the event). */
void en_kw_value(en_matcher *m, const char *p, size_t n);
/* Event-level leaves, candidate rules, conditions, routing; the result of a match call. */
int en_finish_event(en_matcher *m, const char *fmt, size_t fl, const uint32_t **rules);
/* Values of field f in the current event (fieldref), up to 16. */
typedef struct {
    const char *p[16];
    size_t n[16];
    int k;
} vals16;
void en_event_values(en_matcher *m, const field *f, vals16 *v);
/* JSON DOM value walk (en_match_json.c), also used by en_event_values. */
void en_jvals(fjson_object *o, const char *path, en_value_fn fn, void *opaque, int depth);

#endif
