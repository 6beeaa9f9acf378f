/*
 * en_corr_state.c - the correlator's state as bytes: whole (en_corr_save / load, the
 * `--state FILE` of the CLI) or one partition at a time (a Kafka changelog).  Not for
 * processing; en_corr.c owns the semantics.
 *
 * Blob: "ZWCS", u32 version, u64 rules signature, u64 payload length, u64 payload
 * checksum, payload.  Integers little-endian, doubles as their IEEE-754 bits, strings
 * as u32 length + bytes.  Payload: u32 partition count, then per partition: id,
 * watermark, max seen, clock, seq, buffered matches, groups (oldest first, so the
 * reload restores list order), held alerts (due order).
 */
#include "en_corr_int.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define STATE_MAGIC "ZWCS"
#define STATE_VERSION 1u
#define HDR_LEN 32

/* ---------------------------------------------------------------- writer */

static int w_u32(zw_buf *b, uint32_t v)
{
    unsigned char x[4];
    for (int i = 0; i < 4; i++) {
        x[i] = (unsigned char)(v >> (8 * i));
    }
    return zw_buf_append(b, x, 4);
}

static int w_u64(zw_buf *b, uint64_t v)
{
    unsigned char x[8];
    for (int i = 0; i < 8; i++) {
        x[i] = (unsigned char)(v >> (8 * i));
    }
    return zw_buf_append(b, x, 8);
}

static int w_i64(zw_buf *b, int64_t v)
{
    return w_u64(b, (uint64_t)v);
}

static int w_f64(zw_buf *b, double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return w_u64(b, u);
}

static int w_blob(zw_buf *b, const en_blob *x)
{
    return en_put_piece(b, x ? x->d : "", x ? x->len : 0);
}

/* ---------------------------------------------------------------- reader */

typedef struct {
    const unsigned char *p;
    size_t n, off;
    int err;
} rd;

static uint64_t r_u64(rd *r)
{
    if (r->err || r->n - r->off < 8) {
        r->err = 1;
        return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) {
        v |= (uint64_t)r->p[r->off + (size_t)i] << (8 * i);
    }
    r->off += 8;
    return v;
}

static uint32_t r_u32(rd *r)
{
    if (r->err || r->n - r->off < 4) {
        r->err = 1;
        return 0;
    }
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        v |= (uint32_t)r->p[r->off + (size_t)i] << (8 * i);
    }
    r->off += 4;
    return v;
}

static int64_t r_i64(rd *r)
{
    return (int64_t)r_u64(r);
}

static double r_f64(rd *r)
{
    uint64_t u = r_u64(r);
    double v;
    memcpy(&v, &u, sizeof v);
    return v;
}

static zw_str r_piece(rd *r)
{
    zw_str s = {"", 0};
    if (r->err || en_get_piece((const char *)r->p, r->n, &r->off, &s)) {
        r->err = 1;
        s.p = "";
        s.n = 0;
    }
    return s;
}

static en_blob *r_blob(en_corr *c, rd *r)
{
    zw_str s = r_piece(r);
    if (r->err) {
        return NULL;
    }
    en_blob *b = en_blob_new(c, s.p, s.n);
    if (!b) {
        r->err = 2;
    }
    return b;
}

/* ---------------------------------------------------------------- signature */

uint64_t en_signature(const en_corr *c)
{
    uint64_t h = en_hash("zwcs-sig", 8, c->nrules * 31 + c->ndefs);
    for (size_t i = 0; i < c->nrules; i++) {
        h = en_hash(c->rules[i].uid, strlen(c->rules[i].uid), h ^ (uint64_t)c->rules[i].alert);
    }
    for (size_t i = 0; i < c->ndefs; i++) {
        const en_corr_def *d = &c->defs[i];
        uint64_t v[6] = {(uint64_t)d->type,        d->n_members, d->n_group,
                         (uint64_t)d->timespan_ms, d->cond.n,    (uint64_t)d->alert};
        h = en_hash(d->meta->uid, strlen(d->meta->uid), h);
        h = en_hash(v, sizeof v, h);
        for (size_t m = 0; m < d->n_members; m++) {
            uint64_t mv[2] = {(uint64_t)d->members[m].kind, d->members[m].index};
            h = en_hash(mv, sizeof mv, h);
        }
        for (size_t k = 0; k < d->cond.n && k < EN_COND_MAX; k++) {
            uint64_t cv[2];
            cv[0] = (uint64_t)d->cond.t[k].op;
            memcpy(&cv[1], &d->cond.t[k].v, sizeof cv[1]);
            h = en_hash(cv, sizeof cv, h);
        }
    }
    return h;
}

/* ---------------------------------------------------------------- partitions */

static int write_part(const en_corr *c, const en_part *p, zw_buf *b)
{
    int rc = 0;
    rc |= w_u32(b, (uint32_t)p->id);
    rc |= w_i64(b, p->wm);
    rc |= w_i64(b, p->max_seen);
    rc |= w_i64(b, p->now);
    rc |= w_u64(b, p->seq);
    rc |= w_u32(b, (uint32_t)p->nheap);
    for (size_t i = 0; i < p->nheap; i++) {
        const en_item *it = &p->heap[i];
        rc |= w_i64(b, it->time);
        rc |= w_u64(b, it->seq);
        rc |= w_u32(b, it->rule);
        rc |= w_blob(b, it->detail);
        rc |= w_blob(b, it->keys);
    }
    uint32_t ng = 0;
    for (size_t d = 0; d < c->ndefs; d++) {
        for (const en_group *g = p->lt[d]; g; g = g->prev) {
            ng++;
        }
    }
    rc |= w_u32(b, ng);
    for (size_t d = 0; d < c->ndefs; d++) {
        for (const en_group *g = p->lt[d]; g; g = g->prev) {
            rc |= w_u32(b, g->corr);
            rc |= en_put_piece(b, g->key, g->klen);
            rc |= w_i64(b, g->start);
            rc |= w_i64(b, g->last);
            rc |= w_u64(b, g->total);
            rc |= w_f64(b, g->sum);
            rc |= w_u32(b, g->nm);
            for (uint32_t m = 0; m < g->nm; m++) {
                rc |= w_u32(b, g->mcount[m]);
            }
            uint32_t nv = 0;
            for (size_t i = 0; i < g->vcap; i++) {
                nv += g->vc[i] > 0;
            }
            rc |= w_u32(b, nv);
            for (size_t i = 0; i < g->vcap; i++) {
                if (g->vc[i]) {
                    rc |= w_u64(b, g->vh[i]);
                    rc |= w_u32(b, g->vc[i]);
                }
            }
            rc |= w_u32(b, (uint32_t)g->n);
            for (size_t i = 0; i < g->n; i++) {
                const en_entry *e = &g->e[(g->head + i) % g->cap];
                rc |= w_i64(b, e->time);
                rc |= w_u32(b, e->member);
                rc |= w_f64(b, e->num);
                rc |= w_u64(b, e->vhash);
                rc |= w_blob(b, e->blob);
            }
        }
    }
    uint32_t npd = 0;
    for (const en_pend *x = p->pq_head; x; x = x->next) {
        npd++;
    }
    rc |= w_u32(b, npd);
    for (const en_pend *x = p->pq_head; x; x = x->next) {
        rc |= w_u32(b, x->src);
        rc |= w_blob(b, x->key);
        rc |= w_i64(b, x->first_ms);
        rc |= w_i64(b, x->last_ms);
        rc |= w_i64(b, x->fire_ms);
        rc |= w_i64(b, x->due);
        rc |= w_i64(b, x->wstart);
        rc |= w_i64(b, x->wend);
        rc |= w_u64(b, x->count);
        rc |= w_u64(b, x->n_events);
        rc |= w_u64(b, x->count_at_create);
        rc |= w_u32(b, (uint32_t)x->created | (uint32_t)x->hide_key << 1);
        rc |= w_f64(b, x->value);
        rc |= zw_buf_append(b, x->uid, 32);
        rc |= w_u32(b, (uint32_t)x->nev);
        for (size_t i = 0; i < x->nev; i++) {
            rc |= w_blob(b, x->ev[i].blob);
            rc |= w_i64(b, x->ev[i].time);
            rc |= w_u32(b, x->ev[i].rule);
        }
        rc |= w_u32(b, (uint32_t)x->nmatched);
        rc |= en_put_piece(b, x->matched.p, x->matched.len);
    }
    return rc ? ZW_ENOMEM : ZW_OK;
}

/* Reads one partition section into partition id (created fresh).  0, or 1 on a
 * format error (reason in errstr), or ZW_ENOMEM. */
static int read_part(en_corr *c, rd *r, int32_t id, int use_own_id, char *errstr,
                     size_t errstr_size)
{
    int32_t own = (int32_t)r_u32(r);
    if (use_own_id) {
        id = own;
    }
    en_part *old = en_part_get(c, id, 0);
    if (old) {
        en_part_free(c, old);
    }
    en_part *p = en_part_get(c, id, 1);
    if (!p) {
        return ZW_ENOMEM;
    }
    p->wm = r_i64(r);
    p->max_seen = r_i64(r);
    p->now = r_i64(r);
    p->seq = r_u64(r);
    if ((p->wm != INT64_MIN && !en_time_ok(p->wm)) ||
        (p->max_seen != INT64_MIN && !en_time_ok(p->max_seen)) ||
        (p->now != INT64_MIN && !en_time_ok(p->now))) {
        r->err = 1;
    }
    /* State saved by a version without the future-skew limit may hold a watermark
     * pushed to year 9999 by one mis-dated event: it would make every later event
     * late.  A time past wall clock + skew is not trusted: forgotten (the next event
     * sets it again), and counted. */
    int64_t lim = en_future_limit(c);
    if (p->max_seen > lim || p->wm > lim || p->now > lim) {
        p->wm = p->max_seen = INT64_MIN;
        if (p->now > lim) {
            p->now = INT64_MIN;
        }
        c->stats.state_clamped++;
    }
    uint32_t ni = r_u32(r);
    for (uint32_t i = 0; i < ni && !r->err; i++) {
        en_item it;
        memset(&it, 0, sizeof it);
        it.time = r_i64(r);
        it.seq = r_u64(r);
        it.rule = r_u32(r);
        it.detail = r_blob(c, r);
        it.keys = r_blob(c, r);
        if (!r->err && (it.rule >= c->nrules || !en_time_ok(it.time))) {
            r->err = 1;
        }
        if (r->err || en_heap_push(c, p, &it)) {
            en_item_free(c, &it);
            r->err = r->err ? r->err : 2;
        }
    }
    uint32_t ng = r_u32(r);
    for (uint32_t i = 0; i < ng && !r->err; i++) {
        uint32_t corr = r_u32(r);
        zw_str key = r_piece(r);
        if (r->err || corr >= c->ndefs) {
            r->err = 1;
            break;
        }
        const en_corr_def *d = &c->defs[corr];
        uint64_t h = en_group_hash(id, corr, key.p, key.n);
        if (en_group_find(c, id, corr, key.p, key.n, h)) {
            r->err = 1;
            break;
        }
        en_group *g = en_group_create(c, p, corr, key.p, key.n, h);
        if (!g) {
            r->err = 2;
            break;
        }
        g->start = r_i64(r);
        g->last = r_i64(r);
        if ((g->start != INT64_MIN && !en_time_ok(g->start)) ||
            (g->last != INT64_MIN && !en_time_ok(g->last))) {
            r->err = 1;
            break;
        }
        g->total = r_u64(r);
        g->sum = r_f64(r);
        uint32_t nm = r_u32(r);
        if (nm != g->nm) {
            r->err = 1;
            break;
        }
        for (uint32_t m = 0; m < nm; m++) {
            g->mcount[m] = r_u32(r);
        }
        uint32_t nv = r_u32(r);
        for (uint32_t v = 0; v < nv && !r->err; v++) {
            uint64_t vh = r_u64(r);
            uint32_t cnt = r_u32(r);
            if (!r->err && cnt > 0 && cnt <= INT32_MAX && en_vset_add(c, g, vh, (int)cnt)) {
                r->err = 2;
            }
        }
        uint32_t ne = r_u32(r);
        int anchored = en_cond_anchored(&d->cond);
        for (uint32_t k = 0; k < ne && !r->err; k++) {
            en_entry e;
            memset(&e, 0, sizeof e);
            e.time = r_i64(r);
            e.member = r_u32(r);
            e.num = r_f64(r);
            e.vhash = r_u64(r);
            e.blob = r_blob(c, r);
            if (!r->err && (e.member >= d->n_members || !en_time_ok(e.time))) {
                r->err = 1;
            }
            if (!r->err && en_group_push(c, g, &e, anchored)) {
                r->err = 2;
            }
            en_blob_unref(c, e.blob);
        }
    }
    uint32_t npd = r_u32(r);
    for (uint32_t i = 0; i < npd && !r->err; i++) {
        en_pend *x = en_pend_alloc(c);
        if (!x) {
            r->err = 2;
            break;
        }
        x->part = id;
        x->src = r_u32(r);
        x->key = r_blob(c, r);
        x->first_ms = r_i64(r);
        x->last_ms = r_i64(r);
        x->fire_ms = r_i64(r);
        x->due = r_i64(r);
        x->wstart = r_i64(r);
        x->wend = r_i64(r);
        x->count = r_u64(r);
        x->n_events = r_u64(r);
        x->count_at_create = r_u64(r);
        uint32_t flags = r_u32(r);
        x->created = (int)(flags & 1);
        x->hide_key = (int)((flags >> 1) & 1);
        x->value = r_f64(r);
        if (!r->err && r->n - r->off >= 32) {
            memcpy(x->uid, r->p + r->off, 32);
            r->off += 32;
        } else {
            r->err = 1;
        }
        x->uid[32] = 0;
        uint32_t nev = r_u32(r);
        if (!r->err &&
            (nev > c->opt.max_events_listed || x->src >= c->nrules + c->ndefs ||
             !en_time_ok(x->first_ms) || !en_time_ok(x->last_ms) || !en_time_ok(x->fire_ms) ||
             !en_time_ok(x->due) || !en_time_ok(x->wstart) || !en_time_ok(x->wend))) {
            r->err = 1;
        }
        for (uint32_t k = 0; k < nev && !r->err; k++) {
            x->ev[k].blob = r_blob(c, r);
            x->ev[k].time = r_i64(r);
            x->ev[k].rule = r_u32(r);
            x->nev++;
        }
        x->nmatched = r_u32(r);
        if (x->nmatched > c->opt.max_matched) {
            r->err = 1;
        }
        zw_str m = r_piece(r);
        if (!r->err && zw_buf_append(&x->matched, m.p, m.n)) {
            r->err = 2;
        }
        c->stats.state_bytes += x->matched.cap;
        if (r->err) {
            en_pend_free(c, x);
            break;
        }
        x->hash = en_pend_hash(id, x->src, x->key->d, x->key->len);
        if (en_pend_hash_in(c, x)) {
            en_pend_free(c, x);
            r->err = 2;
            break;
        }
        en_pend_append(p, x);
    }
    p->dirty = 0;
    if (r->err == 2) {
        return ZW_ENOMEM;
    }
    if (r->err) {
        zw_errf(errstr, errstr_size, 1, "correlation state: partition %d: malformed section",
                (int)id);
        return 1;
    }
    return ZW_OK;
}

/* ---------------------------------------------------------------- framing */

static int frame_begin(const en_corr *c, zw_buf *out, size_t *mark)
{
    *mark = out->len;
    int rc = zw_buf_append(out, STATE_MAGIC, 4);
    rc |= w_u32(out, STATE_VERSION);
    rc |= w_u64(out, c->signature);
    rc |= w_u64(out, 0);
    rc |= w_u64(out, 0);
    return rc ? ZW_ENOMEM : ZW_OK;
}

static void frame_end(zw_buf *out, size_t mark)
{
    size_t plen = out->len - mark - HDR_LEN;
    uint64_t sum = en_hash(out->p + mark + HDR_LEN, plen, 0x5eed);
    zw_buf tmp;
    zw_buf_init(&tmp);
    if (w_u64(&tmp, plen) == 0 && w_u64(&tmp, sum) == 0) {
        memcpy(out->p + mark + 16, tmp.p, 16);
    }
    zw_buf_free(&tmp);
}

static int frame_open(const en_corr *c, const void *p, size_t n, rd *r, char *errstr,
                      size_t errstr_size)
{
    const unsigned char *u = p;
    if (n < HDR_LEN || memcmp(u, STATE_MAGIC, 4) != 0) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL,
                       "correlation state: not a zonewarden state blob");
    }
    rd h = {u, n, 4, 0};
    uint32_t ver = r_u32(&h);
    uint64_t sig = r_u64(&h);
    uint64_t plen = r_u64(&h);
    uint64_t sum = r_u64(&h);
    if (ver != STATE_VERSION) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL,
                       "correlation state: version %u, this build reads %u", ver, STATE_VERSION);
    }
    if (plen != n - HDR_LEN || en_hash(u + HDR_LEN, n - HDR_LEN, 0x5eed) != sum) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL,
                       "correlation state: truncated or corrupt (checksum mismatch)");
    }
    if (sig != c->signature) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL,
                       "correlation state: saved with different rules (signature %016llx, "
                       "loaded rules %016llx)",
                       (unsigned long long)sig, (unsigned long long)c->signature);
    }
    r->p = u + HDR_LEN;
    r->n = n - HDR_LEN;
    r->off = 0;
    r->err = 0;
    return ZW_OK;
}

/* ---------------------------------------------------------------- public */

int en_corr_save(const en_corr *c, zw_buf *out)
{
    size_t mark;
    int rc = frame_begin(c, out, &mark);
    rc |= w_u32(out, (uint32_t)c->nparts);
    for (size_t i = 0; i < c->nparts && !rc; i++) {
        rc = write_part(c, c->parts[i], out);
    }
    if (rc) {
        out->len = mark;
        return ZW_ENOMEM;
    }
    frame_end(out, mark);
    return ZW_OK;
}

static void clear_all(en_corr *c)
{
    while (c->nparts) {
        en_part_free(c, c->parts[c->nparts - 1]);
    }
}

int en_corr_load(en_corr *c, const void *p, size_t n, char *errstr, size_t errstr_size)
{
    rd r;
    int rc = frame_open(c, p, n, &r, errstr, errstr_size);
    if (rc) {
        return rc;
    }
    clear_all(c);
    uint32_t np = r_u32(&r);
    for (uint32_t i = 0; i < np && !rc; i++) {
        rc = read_part(c, &r, 0, 1, errstr, errstr_size);
    }
    if (!rc && (r.err || r.off != r.n)) {
        rc = 1;
        zw_errf(errstr, errstr_size, 1, "correlation state: trailing or missing bytes");
    }
    if (rc) {
        clear_all(c);
        return rc == ZW_ENOMEM ? ZW_ENOMEM : ZW_EINVAL;
    }
    return ZW_OK;
}

int en_corr_export_partition(en_corr *c, int32_t partition, zw_buf *out)
{
    size_t mark;
    int rc = frame_begin(c, out, &mark);
    en_part *p = en_part_get(c, partition, 0);
    if (!rc && p) {
        rc = write_part(c, p, out);
    } else if (!rc) {
        /* an empty partition section */
        rc |= w_u32(out, (uint32_t)partition);
        rc |= w_i64(out, INT64_MIN);
        rc |= w_i64(out, INT64_MIN);
        rc |= w_i64(out, INT64_MIN);
        rc |= w_u64(out, 0);
        rc |= w_u32(out, 0);
        rc |= w_u32(out, 0);
        rc |= w_u32(out, 0);
    }
    if (rc) {
        out->len = mark;
        return ZW_ENOMEM;
    }
    frame_end(out, mark);
    if (p) {
        p->dirty = 0;
    }
    return ZW_OK;
}

int en_corr_import_partition(en_corr *c, int32_t partition, const void *p, size_t n, char *errstr,
                             size_t errstr_size)
{
    rd r;
    int rc = frame_open(c, p, n, &r, errstr, errstr_size);
    if (rc) {
        return rc;
    }
    rc = read_part(c, &r, partition, 0, errstr, errstr_size);
    if (!rc && (r.err || r.off != r.n)) {
        rc = 1;
        zw_errf(errstr, errstr_size, 1, "correlation state: trailing or missing bytes");
    }
    if (rc) {
        en_corr_drop_partition(c, partition);
        return rc == ZW_ENOMEM ? ZW_ENOMEM : ZW_EINVAL;
    }
    return ZW_OK;
}

int en_corr_state_open(en_corr *c, const char *path, int *loaded, char *errstr, size_t errstr_size)
{
    *loaded = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT) {
            return ZW_OK;
        }
        return zw_errf(errstr, errstr_size, ZW_EIO, "%s: %s", path, strerror(errno));
    }
    zw_buf b;
    zw_buf_init(&b);
    int rc = ZW_OK;
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (zw_buf_append(&b, chunk, got)) {
            rc = zw_errf(errstr, errstr_size, ZW_ENOMEM, "%s: out of memory", path);
            goto out;
        }
    }
    if (ferror(f)) {
        rc = zw_errf(errstr, errstr_size, ZW_EIO, "%s: read error", path);
        goto out;
    }
    char why[256] = "";
    rc = en_corr_load(c, b.p ? b.p : "", b.len, why, sizeof why);
    if (rc) {
        zw_errf(errstr, errstr_size, rc, "%s: %s", path, why);
        goto out;
    }
    *loaded = 1;
out:
    fclose(f);
    zw_buf_free(&b);
    return rc;
}

int en_corr_state_close(const en_corr *c, const char *path, char *errstr, size_t errstr_size)
{
    zw_buf b, tmp;
    zw_buf_init(&b);
    zw_buf_init(&tmp);
    int rc = ZW_OK;
    FILE *f = NULL;
    if (en_corr_save(c, &b) || zw_buf_printf(&tmp, "%s.tmp.%ld", path, (long)getpid()) ||
        zw_buf_cstr(&tmp)) {
        rc = zw_errf(errstr, errstr_size, ZW_ENOMEM, "%s: out of memory", path);
        goto out;
    }
    f = fopen(tmp.p, "wb");
    if (!f) {
        rc = zw_errf(errstr, errstr_size, ZW_EIO, "%s: %s", tmp.p, strerror(errno));
        goto out;
    }
    if (fwrite(b.p, 1, b.len, f) != b.len || fflush(f) != 0 || fsync(fileno(f)) != 0) {
        rc = zw_errf(errstr, errstr_size, ZW_EIO, "%s: write failed: %s", tmp.p, strerror(errno));
        fclose(f);
        f = NULL;
        unlink(tmp.p);
        goto out;
    }
    fclose(f);
    f = NULL;
    if (rename(tmp.p, path) != 0) {
        rc = zw_errf(errstr, errstr_size, ZW_EIO, "%s: rename: %s", path, strerror(errno));
        unlink(tmp.p);
    }
out:
    zw_buf_free(&b);
    zw_buf_free(&tmp);
    return rc;
}
