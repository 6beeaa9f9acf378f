/*
 * zw_writer.c - OCSF and ECS JSON output for the canonical event.
 *
 * Both mappings come from zw_fields.def: each slot's path is split into components
 * once (pthread_once), the slots are sorted component-wise, and writing an event is
 * one pass that closes the objects the previous field opened and opens the ones the
 * next field needs.  ECS output adds ecs.version and the event.kind / category /
 * type / outcome that ECS derives from the OCSF class and status.
 *
 * Speed (normalize is bound by this file): only present slots are visited, the output
 * is reserved once per event and written through a raw pointer, and the text between
 * the values of one set of present slots is kept per thread as a shape template, so an
 * event of a known shape costs a copy of that text plus its values' formatting.
 */
#include "zw_writer.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_DEPTH 6

typedef struct {
    int slot;
    int ncomp;
    const char *comp[MAX_DEPTH];
    size_t clen[MAX_DEPTH];
    int is_array[MAX_DEPTH]; /* component ends with "[]" (stripped from clen) */
    /* Precomputed once for the write pass, so writing an event compares integers and
     * copies ready-made bytes instead of comparing and escaping path components. */
    int pid[MAX_DEPTH];     /* prefix id: equal ids <=> equal components 0..c */
    int need;               /* object levels open before the leaf's key */
    int obj_list;           /* a LIST slot under "x[]": [{"k":v1},{"k":v2}] */
    int leaf;               /* component whose key precedes the value */
    const char *key[MAX_DEPTH]; /* ",\"comp\":" (key[c] + 1 without the comma) */
    size_t klen[MAX_DEPTH];     /* length without the comma */
    size_t kbound;              /* bytes this slot's keys and brackets can add */
    zw_ftype type;              /* the slot's type, cached from the field table */
} path_info;

#define ORDER_WORDS ((ZW_F__COUNT + 63) / 64)

/* What the write pass reads of a path_info, packed into one cache line per slot: the
 * full path_info table is several times the size of L1. */
typedef struct {
    uint16_t slot, kbound;
    uint16_t path; /* pid of the last component: equal paths write one field */
    uint8_t type, ncomp, need, leaf, obj_list;
    uint8_t arr; /* bit c: component c opens an array of objects */
    uint16_t pid[MAX_DEPTH];
    uint8_t klen[MAX_DEPTH];
    uint32_t koff[MAX_DEPTH]; /* offset of ",\"comp\":" in keys */
} hot_info;

static path_info order[2][ZW_F__COUNT];
static hot_info hot[2][ZW_F__COUNT];
static int norder[2];
/* rank[kind][slot]: the slot's index in order[kind], -1 when kind does not write it.
 * Setting bit rank in a bitmap and walking it with ctz visits present slots in path
 * order without testing every slot. */
static int rank[2][ZW_F__COUNT];
static char *keys;  /* every pre-escaped key, one block for the life of the process */
static int ready;   /* build_orders succeeded */
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void split(const char *path, int slot, path_info *pi)
{
    pi->slot = slot;
    pi->ncomp = 0;
    const char *p = path;
    while (*p && pi->ncomp < MAX_DEPTH) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        int arr = n > 2 && p[n - 2] == '[' && p[n - 1] == ']';
        pi->comp[pi->ncomp] = p;
        pi->clen[pi->ncomp] = arr ? n - 2 : n;
        pi->is_array[pi->ncomp] = arr;
        pi->ncomp++;
        p = dot ? dot + 1 : p + n;
    }
}

static int cmp_path(const void *a, const void *b)
{
    const path_info *x = a, *y = b;
    for (int i = 0; i < x->ncomp && i < y->ncomp; i++) {
        size_t n = x->clen[i] < y->clen[i] ? x->clen[i] : y->clen[i];
        int c = memcmp(x->comp[i], y->comp[i], n);
        if (c) {
            return c;
        }
        if (x->clen[i] != y->clen[i]) {
            return x->clen[i] < y->clen[i] ? -1 : 1;
        }
    }
    if (x->ncomp != y->ncomp) {
        return x->ncomp < y->ncomp ? -1 : 1;
    }
    return x->slot - y->slot; /* stable: earlier row wins on duplicate paths */
}

static int same_prefix(const path_info *x, const path_info *y, int upto)
{
    if (x->ncomp <= upto || y->ncomp <= upto) {
        return 0;
    }
    for (int c = 0; c <= upto; c++) {
        if (x->clen[c] != y->clen[c] || memcmp(x->comp[c], y->comp[c], x->clen[c]) != 0) {
            return 0;
        }
    }
    return 1;
}

/* Prefix ids, open-level counts and the pre-escaped ",\"key\":" of every component,
 * appended to kb (offsets kept in key[] until the block stops moving).  Runs once. */
static int prepare(path_info *o, int n, zw_buf *kb)
{
    int next_id = 1;
    for (int i = 0; i < n; i++) {
        path_info *pi = &o[i];
        pi->kbound = 0;
        for (int c = 0; c < pi->ncomp; c++) {
            pi->pid[c] = 0;
            for (int j = 0; j < i && !pi->pid[c]; j++) {
                if (same_prefix(&o[j], pi, c)) {
                    pi->pid[c] = o[j].pid[c];
                }
            }
            if (!pi->pid[c]) {
                pi->pid[c] = next_id++;
            }
            size_t off = kb->len;
            if (zw_buf_putc(kb, ',') || zw_json_key(kb, pi->comp[c], pi->clen[c])) {
                return ZW_ENOMEM;
            }
            pi->key[c] = (const char *)(uintptr_t)off;
            pi->klen[c] = kb->len - off - 1;
            /* key with comma, then "[{" or "{" to open and "}]" or "}" to close */
            pi->kbound += pi->klen[c] + 1 + 4;
        }
        int parents = pi->ncomp - 1;
        pi->type = zw_field_get((zw_field)pi->slot)->type;
        pi->obj_list = pi->type == ZW_T_LIST && parents > 0 &&
                       pi->is_array[parents - 1];
        pi->need = pi->obj_list ? parents - 1 : parents;
        pi->leaf = pi->obj_list ? parents - 1 : parents;
    }
    return ZW_OK;
}

static void build_orders(void)
{
    zw_buf kb;
    zw_buf_init(&kb);
    for (int k = 0; k < 2; k++) {
        norder[k] = 0;
        for (int f = 0; f < ZW_F__COUNT; f++) {
            const zw_field_info *fi = zw_field_get((zw_field)f);
            const char *path = k == 0 ? fi->ocsf : fi->ecs;
            rank[k][f] = -1;
            if (!path) {
                continue;
            }
            split(path, f, &order[k][norder[k]++]);
        }
        qsort(order[k], (size_t)norder[k], sizeof(path_info), cmp_path);
        for (int i = 0; i < norder[k]; i++) {
            rank[k][order[k][i].slot] = i;
        }
        if (prepare(order[k], norder[k], &kb)) {
            zw_buf_free(&kb);
            return; /* ready stays 0: the writer reports out of memory */
        }
    }
    /* slack so keys can be copied 16 bytes at a time past their end */
    if (zw_buf_reserve(&kb, 32)) {
        zw_buf_free(&kb);
        return;
    }
    memset(kb.p + kb.len, 0, 32);
    for (int k = 0; k < 2; k++) {
        for (int i = 0; i < norder[k]; i++) {
            const path_info *pi = &order[k][i];
            hot_info *h = &hot[k][i];
            if (pi->kbound > UINT16_MAX || pi->pid[pi->ncomp - 1] > UINT16_MAX) {
                zw_buf_free(&kb);
                return;
            }
            h->slot = (uint16_t)pi->slot;
            h->kbound = (uint16_t)pi->kbound;
            h->path = (uint16_t)pi->pid[pi->ncomp - 1];
            h->type = (uint8_t)pi->type;
            h->ncomp = (uint8_t)pi->ncomp;
            h->need = (uint8_t)pi->need;
            h->leaf = (uint8_t)pi->leaf;
            h->obj_list = (uint8_t)pi->obj_list;
            h->arr = 0;
            for (int c = 0; c < pi->ncomp; c++) {
                if (pi->klen[c] > UINT8_MAX) {
                    zw_buf_free(&kb);
                    return;
                }
                h->pid[c] = (uint16_t)pi->pid[c];
                h->klen[c] = (uint8_t)pi->klen[c];
                h->koff[c] = (uint32_t)(uintptr_t)pi->key[c];
                h->arr |= (uint8_t)(pi->is_array[c] ? 1u << c : 0u);
            }
        }
    }
    keys = kb.p; /* kept for the life of the process */
    ready = 1;
}

int zw_out_kind_parse(const char *s)
{
    if (strcmp(s, "ocsf") == 0) {
        return ZW_OUT_OCSF;
    }
    if (strcmp(s, "ecs") == 0) {
        return ZW_OUT_ECS;
    }
    return -1;
}

static int set_ecs_derived(zw_event *ev);

int zw_event_finalize(zw_event *ev)
{
    if (!zw_ev_has(ev, ZW_F_META_VERSION)) {
        zw_ev_set_ref(ev, ZW_F_META_VERSION, ZW_OCSF_VERSION, strlen(ZW_OCSF_VERSION));
    }
    if (!zw_ev_has(ev, ZW_F_SEVERITY_ID)) {
        zw_ev_set_severity(ev, ZW_SEV_INFO);
    }
    if (!zw_ev_has(ev, ZW_F_STATUS_ID)) {
        zw_ev_set_status(ev, ZW_STATUS_UNKNOWN);
    }
    if (!zw_ev_has(ev, ZW_F_META_PROFILES) &&
        (zw_ev_has(ev, ZW_F_CLOUD_PROVIDER) || zw_ev_has(ev, ZW_F_CLOUD_ACCOUNT_UID) ||
         zw_ev_has(ev, ZW_F_CLOUD_REGION))) {
        if (!zw_ev_has(ev, ZW_F_CLOUD_PROVIDER)) {
            /* the OCSF cloud object requires provider */
            zw_ev_set_ref(ev, ZW_F_CLOUD_PROVIDER, "unknown", 7);
        }
        if (zw_ev_list_add_ref(ev, ZW_F_META_PROFILES, "cloud", 5)) {
            return ZW_ENOMEM;
        }
    }
    return set_ecs_derived(ev);
}

static const char *ecs_category(int64_t cls)
{
    switch (cls) {
    case ZW_CLASS_DNS_ACTIVITY:
        return "network";
    case ZW_CLASS_API_ACTIVITY:
    case ZW_CLASS_DEVICE_CONFIG_STATE_CHANGE:
    case ZW_CLASS_COMPLIANCE_FINDING:
        return "configuration";
    case ZW_CLASS_DETECTION_FINDING:
        return "intrusion_detection";
    }
    return NULL;
}

static const char *ecs_type(int64_t cls, int64_t activity)
{
    switch (cls) {
    case ZW_CLASS_DNS_ACTIVITY:
        return "protocol";
    case ZW_CLASS_API_ACTIVITY:
        return activity == 1 ? "creation" : activity == 4 ? "deletion" : activity == 2 ? "access" : NULL;
    case ZW_CLASS_DETECTION_FINDING:
    case ZW_CLASS_COMPLIANCE_FINDING:
        return "info";
    }
    return NULL;
}

/* The ECS-only slots: ecs.version, event.kind / category / type / outcome. */
/* ECS spells DNS response codes in upper case (NOERROR, NXDOMAIN, REFUSED, ...). */
static const char *ecs_rcode(int64_t id)
{
    static const char *names[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",
                                  "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH",
                                  "NOTZONE", "DSOTYPENI", NULL, NULL, NULL, NULL,
                                  "BADSIG", "BADKEY", "BADTIME", "BADMODE", "BADNAME",
                                  "BADALG", "BADTRUNC", "BADCOOKIE"};
    return id >= 0 && id < (int64_t)ZW_ARRAY_LEN(names) ? names[id] : NULL;
}

/* ECS network.direction values from OCSF connection_info.direction_id. */
static const char *ecs_direction(int64_t id)
{
    switch (id) {
    case 1:
        return "inbound";
    case 2:
        return "outbound";
    case 3:
    case 4:
        return "internal";
    }
    return "unknown";
}


static int set_ecs_derived(zw_event *ev)
{
    if (zw_ev_has(ev, ZW_F_CONN_DIRECTION_ID)) {
        const char *d = ecs_direction(zw_ev_int(ev, ZW_F_CONN_DIRECTION_ID));
        zw_ev_set_ref(ev, ZW_F_E_NETWORK_DIRECTION, d, strlen(d));
    }
    if (zw_ev_has(ev, ZW_F_RCODE_ID) && ecs_rcode(zw_ev_int(ev, ZW_F_RCODE_ID))) {
        const char *r = ecs_rcode(zw_ev_int(ev, ZW_F_RCODE_ID));
        zw_ev_set_ref(ev, ZW_F_E_DNS_RESPONSE_CODE, r, strlen(r));
    } else if (zw_ev_has(ev, ZW_F_RCODE)) {
        zw_str r = zw_ev_str(ev, ZW_F_RCODE);
        char up[32];
        size_t n = r.n < sizeof up ? r.n : sizeof up;
        for (size_t i = 0; i < n; i++) {
            up[i] = (r.p[i] >= 'a' && r.p[i] <= 'z') ? (char)(r.p[i] - 32) : r.p[i];
        }
        if (zw_ev_set_str(ev, ZW_F_E_DNS_RESPONSE_CODE, up, n)) {
            return ZW_ENOMEM;
        }
    }

    int64_t cls = zw_ev_int(ev, ZW_F_CLASS_UID);
    int64_t act = zw_ev_int(ev, ZW_F_ACTIVITY_ID);
    int64_t st = zw_ev_int(ev, ZW_F_STATUS_ID);
    const char *cat = ecs_category(cls), *typ = ecs_type(cls, act);
    const char *outcome = st == 1 ? "success" : st == 2 ? "failure" : "unknown";
    const char *kindv = cls == ZW_CLASS_DETECTION_FINDING ? "alert" : "event";
    int rc = 0;
    zw_ev_set_ref(ev, ZW_F_E_ECS_VERSION, ZW_ECS_VERSION, strlen(ZW_ECS_VERSION));
    zw_ev_set_ref(ev, ZW_F_E_EVENT_KIND, kindv, strlen(kindv));
    zw_ev_set_ref(ev, ZW_F_E_EVENT_OUTCOME, outcome, strlen(outcome));
    zw_ev_unset(ev, ZW_F_E_EVENT_CATEGORY);
    zw_ev_unset(ev, ZW_F_E_EVENT_TYPE);
    if (cat) {
        rc = zw_ev_list_add_ref(ev, ZW_F_E_EVENT_CATEGORY, cat, strlen(cat));
    }
    /* configuration changes are ECS event.type "change" (plus creation / deletion) */
    if (!rc && (cls == ZW_CLASS_API_ACTIVITY || cls == ZW_CLASS_DEVICE_CONFIG_STATE_CHANGE) &&
        act != 2) {
        rc = zw_ev_list_add_ref(ev, ZW_F_E_EVENT_TYPE, "change", 6);
    }
    if (!rc && typ) {
        rc = zw_ev_list_add_ref(ev, ZW_F_E_EVENT_TYPE, typ, strlen(typ));
    }
    return rc;
}

/* Worst-case bytes of one slot's value (6 per input byte for escapes). */
static size_t value_bound(const zw_event *ev, const hot_info *pi)
{
    const zw_value *v = &ev->v[pi->slot];
    switch (pi->type) {
    case ZW_T_STR:
    case ZW_T_IP:
        return v->s.n * 6 + 2;
    case ZW_T_INT:
    case ZW_T_BOOL:
        return ZW_JSON_INT_MAX;
    case ZW_T_TIME:
        return 48;
    case ZW_T_LIST: {
        size_t n = 2;
        size_t per = pi->obj_list ? pi->klen[pi->ncomp - 1] + 8 : 1;
        for (const zw_list *l = v->l.head; l; l = l->next) {
            n += l->s.n * 6 + 2 + per;
        }
        return n;
    }
    }
    return 0;
}

/* Copies a pre-escaped key 16 bytes at a time: the key block has 32 bytes of slack and
 * the output was reserved with the same slack. */
static inline char *put_raw_key(char *o, const char *k, size_t n)
{
    for (size_t j = 0; j < n; j += 16) {
        memcpy(o + j, k + j, 16);
    }
    return o + n;
}

/* Appends component c's key, with a leading comma unless first. */
static inline char *put_key(char *o, const hot_info *pi, int c, int first)
{
    const char *k = keys + pi->koff[c];
    return first ? put_raw_key(o, k + 1, pi->klen[c]) : put_raw_key(o, k, pi->klen[c] + 1u);
}

static char *put_time_ms(char *o, int64_t ms)
{
    time_t sec = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    int frac = (int)(ms - (int64_t)sec * 1000);
    struct tm tm;
    if (!gmtime_r(&sec, &tm)) {
        return zw_json_int_to(o, ms);
    }
    int n = snprintf(o, 48, "\"%04d-%02d-%02dT%02d:%02d:%02d.%03dZ\"", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
    return o + (n > 0 && n < 48 ? n : 0);
}

static char *put_value(char *o, const zw_event *ev, const hot_info *pi, zw_out_kind kind)
{
    const zw_value *v = &ev->v[pi->slot];
    switch (pi->type) {
    case ZW_T_STR:
    case ZW_T_IP:
        return zw_json_str_to(o, v->s.p ? v->s.p : "", v->s.n);
    case ZW_T_INT:
        return zw_json_int_to(o, v->i);
    case ZW_T_BOOL:
        if (v->i) {
            memcpy(o, "true", 4);
            return o + 4;
        }
        memcpy(o, "false", 5);
        return o + 5;
    case ZW_T_TIME:
        return kind == ZW_OUT_ECS ? put_time_ms(o, v->i) : zw_json_int_to(o, v->i);
    case ZW_T_LIST: {
        *o++ = '[';
        for (const zw_list *l = v->l.head; l; l = l->next) {
            if (l != v->l.head) {
                *o++ = ',';
            }
            o = zw_json_str_to(o, l->s.p, l->s.n);
        }
        *o++ = ']';
        return o;
    }
    }
    return o;
}

/* A LIST slot whose parent component is an array of objects: [{"k":v1},{"k":v2}]. */
static char *put_obj_list(char *o, const zw_event *ev, const hot_info *pi)
{
    int c = pi->ncomp - 1;
    *o++ = '[';
    for (const zw_list *l = ev->v[pi->slot].l.head; l; l = l->next) {
        if (l != ev->v[pi->slot].l.head) {
            *o++ = ',';
        }
        *o++ = '{';
        o = put_raw_key(o, keys + pi->koff[c] + 1, pi->klen[c]);
        o = zw_json_str_to(o, l->s.p, l->s.n);
        *o++ = '}';
    }
    *o++ = ']';
    return o;
}

static inline char *close_level(char *o, const hot_info *pi, int c)
{
    if ((pi->arr >> c) & 1) {
        *o++ = '}';
        *o++ = ']';
    } else {
        *o++ = '}';
    }
    return o;
}

/* A shape template: for one set of present slots, the JSON text between the values
 * (keys, commas, brackets) and the slot each value comes from.  Events of one source
 * mostly share a few shapes, so writing one is copying text and formatting values.
 * Kept per thread (the Kafka stage writes from several threads), a few per kind,
 * replaced round-robin; a shape too large for one falls back to the direct walk. */
#define TPL_TEXT 1536
#define TPL_OPS 128
#define TPL_WAYS 32 /* looked up by a hash of the mask, two probes */
#define TPL_SCRATCH 8192

typedef struct {
    uint64_t mask[ZW_PRESENT_WORDS];
    int valid;
    int nops;
    size_t textlen;
    size_t fixed;              /* bound of the values whose size does not vary */
    uint16_t seg[TPL_OPS + 1]; /* constant bytes before value i; seg[nops]: the tail */
    uint16_t op[TPL_OPS];      /* index into hot[kind] */
    char text[TPL_TEXT + 32];  /* + slack for 16-byte copies */
} shape_tpl;

static _Thread_local shape_tpl tcache[2][TPL_WAYS];
static _Thread_local unsigned tnext[2];
static _Thread_local char tscratch[TPL_SCRATCH];

static unsigned mask_hash(const uint64_t *m)
{
    uint64_t h = 0;
    for (int w = 0; w < ZW_PRESENT_WORDS; w++) {
        h = (h ^ m[w]) * 0x9E3779B97F4A7C15ull;
    }
    return (unsigned)(h >> 58) % TPL_WAYS;
}

/* The present slots of ev as a bitmap in path order (pm); returns the bound of keys
 * and brackets and, through vbound, of values. */
static size_t present_in_order(const zw_event *ev, zw_out_kind kind, uint64_t *pm, size_t *vbound,
                               int *count)
{
    const hot_info *ord = hot[kind];
    const int *rk = rank[kind];
    size_t kb = 0, vb = 0;
    int n = 0;
    for (int w = 0; w < ZW_PRESENT_WORDS; w++) {
        uint64_t m = ev->present[w];
        while (m) {
            int slot = w * 64 + __builtin_ctzll(m);
            m &= m - 1;
            int r = slot < ZW_F__COUNT ? rk[slot] : -1;
            if (r < 0) {
                continue;
            }
            pm[r >> 6] |= (uint64_t)1 << (r & 63);
            kb += ord[r].kbound;
            vb += value_bound(ev, &ord[r]);
            n++;
        }
    }
    *vbound = vb;
    *count = n;
    return kb;
}

/* The walk over pm: closes the objects the previous field opened that this one does not
 * share, opens the ones it needs, writes key and value.  With t, writes no values:
 * records in t where each goes (t->text must have room for the keys' bound). */
static char *walk(char *o, const zw_event *ev, zw_out_kind kind, const uint64_t *pm, shape_tpl *t)
{
    const hot_info *ord = hot[kind];
    const hot_info *open[MAX_DEPTH];
    int depth = 0; /* number of open components */
    int first[MAX_DEPTH + 1];
    char *mark = o;
    *o++ = '{';
    first[0] = 1;
    int prev_path = 0; /* path id of the last field written */
    for (int w = 0; w < ORDER_WORDS; w++) {
        uint64_t m = pm[w];
        while (m) {
            int idx = w * 64 + __builtin_ctzll(m);
            const hot_info *pi = &ord[idx];
            m &= m - 1;
            /* duplicate target path (several slots mapped to one ECS field): first wins */
            int path = pi->path;
            if (path == prev_path) {
                continue;
            }
            prev_path = path;
            int need = pi->need; /* object levels to have open */
            int common = 0;
            while (common < depth && common < need &&
                   open[common]->pid[common] == pi->pid[common]) {
                common++;
            }
            while (depth > common) {
                depth--;
                o = close_level(o, open[depth], depth);
            }
            while (depth < need) {
                o = put_key(o, pi, depth, first[depth]);
                first[depth] = 0;
                if ((pi->arr >> depth) & 1) {
                    *o++ = '[';
                }
                *o++ = '{';
                open[depth] = pi;
                depth++;
                first[depth] = 1;
            }
            o = put_key(o, pi, pi->leaf, first[depth]);
            first[depth] = 0;
            if (t) {
                t->seg[t->nops] = (uint16_t)(o - mark);
                t->op[t->nops++] = (uint16_t)idx;
                mark = o;
            } else {
                o = pi->obj_list ? put_obj_list(o, ev, pi) : put_value(o, ev, pi, kind);
            }
        }
    }
    while (depth > 0) {
        depth--;
        o = close_level(o, open[depth], depth);
    }
    *o++ = '}';
    if (t) {
        t->seg[t->nops] = (uint16_t)(o - mark);
    }
    return o;
}

/* Strings and lists: their bound depends on the value. */
static inline int var_size(const hot_info *pi)
{
    return pi->type == ZW_T_STR || pi->type == ZW_T_IP || pi->type == ZW_T_LIST;
}

static shape_tpl *find_tpl(const zw_event *ev, zw_out_kind kind, unsigned h)
{
    for (unsigned i = 0; i < 2; i++) {
        shape_tpl *t = &tcache[kind][h ^ i];
        if (!t->valid) {
            continue;
        }
        uint64_t diff = 0;
        for (int w = 0; w < ZW_PRESENT_WORDS; w++) {
            diff |= t->mask[w] ^ ev->present[w];
        }
        if (!diff) {
            return t;
        }
    }
    return NULL;
}

int zw_write_event(zw_buf *b, const zw_event *ev, zw_out_kind kind)
{
    pthread_once(&once, build_orders);
    if (!ready) {
        return ZW_ENOMEM;
    }
    const hot_info *ord = hot[kind];
    unsigned h = mask_hash(ev->present);
    shape_tpl *t = find_tpl(ev, kind, h);
    uint64_t pm[ORDER_WORDS] = {0};
    size_t vbound = 0;

    if (!t) {
        int count;
        size_t kbound = present_in_order(ev, kind, pm, &vbound, &count);
        size_t len = 0;
        /* the other probe when this one is taken, every other time */
        shape_tpl *nt = &tcache[kind][h ^ (tcache[kind][h].valid ? (tnext[kind]++ & 1u) : 0u)];
        if (kbound + 64 <= TPL_SCRATCH && count <= TPL_OPS) {
            nt->valid = 0;
            nt->nops = 0;
            len = (size_t)(walk(tscratch, ev, kind, pm, nt) - tscratch);
        }
        if (len && len <= TPL_TEXT) {
            t = nt;
            memcpy(t->text, tscratch, len);
            memset(t->text + len, 0, 32);
            t->textlen = len;
            memcpy(t->mask, ev->present, sizeof t->mask);
            t->fixed = 0;
            for (int i = 0; i < t->nops; i++) {
                const hot_info *pi = &ord[t->op[i]];
                t->fixed += var_size(pi) ? 0 : value_bound(ev, pi);
            }
            t->valid = 1;
        } else {
            /* too large for a template: the direct walk */
            if (zw_buf_reserve(b, kbound + vbound + 64)) {
                return ZW_ENOMEM;
            }
            b->len = (size_t)(walk(b->p + b->len, ev, kind, pm, NULL) - b->p);
            return ZW_OK;
        }
    }
    /* Room for all the template's text and fixed-size values now; each string or list
     * value checks for its own worst case on top of that as it comes. */
    size_t rest = t->textlen + t->fixed + 64;
    if (zw_buf_reserve(b, rest)) {
        return ZW_ENOMEM;
    }
    size_t start = b->len;
    char *o = b->p + start, *end = b->p + b->cap;
    const char *tx = t->text;
    for (int i = 0; i < t->nops; i++) {
        const hot_info *pi = &ord[t->op[i]];
        o = put_raw_key(o, tx, t->seg[i]);
        tx += t->seg[i];
        if (var_size(pi)) {
            size_t vb = pi->type == ZW_T_LIST ? value_bound(ev, pi) : ev->v[pi->slot].s.n * 6 + 2;
            if ((size_t)(end - o) <= vb + rest) {
                b->len = (size_t)(o - b->p);
                if (zw_buf_reserve(b, vb + rest)) {
                    b->len = start;
                    return ZW_ENOMEM;
                }
                o = b->p + b->len;
                end = b->p + b->cap;
            }
        }
        o = pi->obj_list ? put_obj_list(o, ev, pi) : put_value(o, ev, pi, kind);
    }
    o = put_raw_key(o, tx, t->seg[t->nops]);
    b->len = (size_t)(o - b->p);
    return ZW_OK;
}
