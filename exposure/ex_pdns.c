/*
 * ex_pdns.c - passive DNS in the Common Output Format (COF: one JSON object a line with
 * rrname, rrtype, rdata, time_first, time_last, count), read for one reviewed zone.
 *
 * Passive DNS keeps every record a sensor ever saw, so it shows what an adversary can
 * still learn about a zone after a name or a verification token was removed.  This file
 * keeps only the records at or below the zone's origin that the zone itself does not hold
 * (same owner, type and value), merging repeated observations of one record; the
 * analyser (ex_analyze_pdns) turns them into findings.  Not for: classifying records.
 */
#include "ex.h"
#include "ex_internal.h"

#include <errno.h>
#include <libfastjson/json.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define PDNS_MAX_LINE (1u << 20) /* a longer line is a diagnostic, not a record */

/* Open-addressing set of record indices, keyed by (owner, type, value). */
typedef struct {
    const ex_zone *z;
    size_t *slot; /* index + 1; 0 = empty */
    size_t n, cap;
} rrset;

static uint64_t rr_hash(const ex_rr *r)
{
    uint64_t h = 1469598103934665603ULL;
    const char *parts[] = {r->owner, r->type, r->value};
    for (size_t i = 0; i < 3; i++) {
        for (const char *p = parts[i]; *p; p++) {
            h = (h ^ (unsigned char)*p) * 1099511628211ULL;
        }
        h = (h ^ 0x1f) * 1099511628211ULL;
    }
    return h;
}

static int rr_same(const ex_rr *a, const ex_rr *b)
{
    return strcmp(a->owner, b->owner) == 0 && strcmp(a->type, b->type) == 0 &&
           strcmp(a->value, b->value) == 0;
}

/* The index of a record equal to r in s, or -1. */
static long rrset_find(const rrset *s, const ex_rr *r)
{
    if (!s->cap) {
        return -1;
    }
    for (size_t j = rr_hash(r) & (s->cap - 1); s->slot[j]; j = (j + 1) & (s->cap - 1)) {
        if (rr_same(&s->z->rr[s->slot[j] - 1], r)) {
            return (long)(s->slot[j] - 1);
        }
    }
    return -1;
}

static int rrset_add(rrset *s, size_t idx)
{
    if ((s->n + 1) * 2 > s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 256;
        size_t *ns = calloc(nc, sizeof *ns);
        if (!ns) {
            return ZW_ENOMEM;
        }
        for (size_t i = 0; i < s->cap; i++) {
            if (s->slot[i]) {
                size_t j = rr_hash(&s->z->rr[s->slot[i] - 1]) & (nc - 1);
                while (ns[j]) {
                    j = (j + 1) & (nc - 1);
                }
                ns[j] = s->slot[i];
            }
        }
        free(s->slot);
        s->slot = ns;
        s->cap = nc;
    }
    size_t j = rr_hash(&s->z->rr[idx]) & (s->cap - 1);
    while (s->slot[j]) {
        j = (j + 1) & (s->cap - 1);
    }
    s->slot[j] = idx + 1;
    s->n++;
    return ZW_OK;
}

static int64_t jsec_ms(fjson_object *o, const char *key)
{
    fjson_object *v;
    if (!fjson_object_object_get_ex(o, key, &v)) {
        return 0;
    }
    if (fjson_object_is_type(v, fjson_type_int) || fjson_object_is_type(v, fjson_type_double)) {
        double d = fjson_object_get_double(v);
        return d > 0 && d < 1e13 ? (int64_t)(d * 1000.0) : 0;
    }
    return 0;
}

typedef struct {
    const ex_zone *zone;
    ex_zone *out;
    rrset in_zone, seen;
} pctx;

/* One rdata value of one COF object. */
static int add_value(pctx *c, const char *name, const char *type, const char *val,
                     int64_t line, int64_t first, int64_t last, uint64_t count)
{
    ex_zone *z = c->out;
    int rc = ex_zone_add_text(z, name, type, 0, val, strlen(val), line);
    if (rc) {
        return rc;
    }
    ex_rr *r = &z->rr[z->n - 1];
    if (rrset_find(&c->in_zone, r) >= 0) {
        z->n--; /* the zone has it: reported from the zone, not twice */
        return ZW_OK;
    }
    long prev = rrset_find(&c->seen, r);
    if (prev >= 0) { /* another observation of a record already kept */
        ex_rr *p = &z->rr[prev];
        p->first_seen_ms = first && (!p->first_seen_ms || first < p->first_seen_ms)
                               ? first
                               : p->first_seen_ms;
        p->last_seen_ms = last > p->last_seen_ms ? last : p->last_seen_ms;
        p->seen_count += count;
        z->n--;
        return ZW_OK;
    }
    r->first_seen_ms = first;
    r->last_seen_ms = last;
    r->seen_count = count;
    return rrset_add(&c->seen, z->n - 1);
}

static int one_line(pctx *c, const char *p, size_t n, int64_t line)
{
    while (n && (p[n - 1] == '\r' || p[n - 1] == ' ' || p[n - 1] == '\t')) {
        n--;
    }
    if (!n) {
        return ZW_OK;
    }
    fjson_tokener *tok = fjson_tokener_new();
    if (!tok) {
        return ZW_ENOMEM;
    }
    fjson_object *o = fjson_tokener_parse_ex(tok, p, (int)n);
    int complete = fjson_tokener_get_error(tok) == fjson_tokener_success &&
                   tok->char_offset >= 0 && (size_t)tok->char_offset == n;
    fjson_tokener_free(tok);
    int rc = ZW_OK;
    fjson_object *rrname, *rrtype, *rdata, *cnt;
    if (!o || !complete || !fjson_object_is_type(o, fjson_type_object)) {
        rc = ex_zone_diag(c->out, line, "not a JSON object (passive DNS COF line skipped)");
        goto out;
    }
    if (!fjson_object_object_get_ex(o, "rrname", &rrname) ||
        !fjson_object_is_type(rrname, fjson_type_string) ||
        !fjson_object_object_get_ex(o, "rrtype", &rrtype) ||
        !fjson_object_is_type(rrtype, fjson_type_string) ||
        !fjson_object_object_get_ex(o, "rdata", &rdata)) {
        rc = ex_zone_diag(c->out, line, "COF object without rrname, rrtype and rdata (skipped)");
        goto out;
    }
    const char *name = fjson_object_get_string(rrname);
    const char *type = fjson_object_get_string(rrtype);
    zw_arena *a = c->out->arena;
    char *lname = ex_dname_dup(a, name, strlen(name));
    if (!lname) {
        rc = ZW_ENOMEM;
        goto out;
    }
    if (!*type || strlen(type) > 16 || !ex_in_domain(lname, c->zone->origin)) {
        goto out; /* another zone's record (or nonsense type): not this review's */
    }
    int64_t first = jsec_ms(o, "time_first"), last = jsec_ms(o, "time_last");
    uint64_t count = 1;
    if (fjson_object_object_get_ex(o, "count", &cnt) && fjson_object_is_type(cnt, fjson_type_int) &&
        fjson_object_get_int64(cnt) > 0) {
        count = (uint64_t)fjson_object_get_int64(cnt);
    }
    if (fjson_object_is_type(rdata, fjson_type_string)) {
        rc = add_value(c, lname, type, fjson_object_get_string(rdata), line, first, last, count);
    } else if (fjson_object_is_type(rdata, fjson_type_array)) {
        size_t k = fjson_object_array_length(rdata);
        for (size_t i = 0; i < k && !rc; i++) {
            fjson_object *e = fjson_object_array_get_idx(rdata, (int)i);
            if (e && fjson_object_is_type(e, fjson_type_string)) {
                rc = add_value(c, lname, type, fjson_object_get_string(e), line, first, last,
                               count);
            }
        }
    } else {
        rc = ex_zone_diag(c->out, line, "COF rdata is neither a string nor a list (skipped)");
    }
out:
    fjson_object_put(o);
    return rc;
}

/* Line splitter state: bytes are fed in chunks; lines over PDNS_MAX_LINE are skipped
 * with one diagnostic. */
typedef struct {
    pctx c;
    zw_buf line;
    int64_t lineno;
    int skipping;
} feeder;

static int feeder_init(feeder *f, const ex_zone *zone, const char *name)
{
    memset(f, 0, sizeof *f);
    f->c.zone = zone;
    f->c.in_zone.z = zone;
    f->c.out = ex_zone_new(zone->origin, name, "passive-dns");
    f->c.seen.z = f->c.out;
    f->lineno = 1;
    zw_buf_init(&f->line);
    int rc = f->c.out ? ZW_OK : ZW_ENOMEM;
    for (size_t i = 0; i < zone->n && !rc; i++) {
        rc = rrset_add(&f->c.in_zone, i);
    }
    return rc;
}

static int feed(feeder *f, const char *p, size_t n)
{
    const char *end = p + n;
    int rc = ZW_OK;
    while (p < end && !rc) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t take = (size_t)((nl ? nl : end) - p);
        if (!f->skipping && f->line.len + take > PDNS_MAX_LINE) {
            rc = ex_zone_diag(f->c.out, f->lineno, "line longer than %u bytes (skipped)",
                              PDNS_MAX_LINE);
            f->skipping = 1;
            zw_buf_clear(&f->line);
        }
        if (!f->skipping && !rc) {
            rc = zw_buf_append(&f->line, p, take);
        }
        if (nl && !rc) {
            if (!f->skipping) {
                rc = one_line(&f->c, f->line.p ? f->line.p : "", f->line.len, f->lineno);
            }
            zw_buf_clear(&f->line);
            f->skipping = 0;
            f->lineno++;
        }
        p = nl ? nl + 1 : end;
    }
    return rc;
}

/* Last line, cleanup; *out gets the zone unless rc is an error. */
static int feeder_finish(feeder *f, int rc, ex_zone **out)
{
    if (!rc && !f->skipping && f->line.len) {
        rc = one_line(&f->c, f->line.p, f->line.len, f->lineno);
    }
    zw_buf_free(&f->line);
    free(f->c.in_zone.slot);
    free(f->c.seen.slot);
    if (rc) {
        ex_zone_destroy(f->c.out);
        return rc;
    }
    *out = f->c.out;
    return ZW_OK;
}

static int result(const char *name, const ex_zone *z, int cut, char *errstr, size_t errstr_size)
{
    if (cut) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "%s: read error (compressed stream cut?)",
                       name);
    }
    if (z->ndiag) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "%s: %zu passive DNS line(s) skipped", name,
                       z->ndiag);
    }
    return ZW_OK;
}

int ex_pdns_read_mem(const char *p, size_t n, const char *name, const ex_zone *zone,
                     ex_zone **out, char *errstr, size_t errstr_size)
{
    *out = NULL;
    feeder f;
    int rc = feeder_init(&f, zone, name);
    rc = rc ? rc : feed(&f, p, n);
    if ((rc = feeder_finish(&f, rc, out))) {
        return zw_errf(errstr, errstr_size, rc, "%s: out of memory", name);
    }
    return result(name, *out, 0, errstr, errstr_size);
}

int ex_pdns_read(const char *path, const ex_zone *zone, ex_zone **out, char *errstr,
                 size_t errstr_size)
{
    *out = NULL;
    gzFile gz = gzopen(path, "rb");
    if (!gz) {
        return zw_errf(errstr, errstr_size, ZW_EIO, "%s: %s", path,
                       errno ? strerror(errno) : "cannot open");
    }
    feeder f;
    int rc = feeder_init(&f, zone, path), gerr = 0;
    char chunk[65536];
    while (!rc) {
        int got = gzread(gz, chunk, sizeof chunk);
        if (got <= 0) {
            if (got < 0) {
                gzerror(gz, &gerr);
            }
            break;
        }
        rc = feed(&f, chunk, (size_t)got);
    }
    gzclose(gz);
    if ((rc = feeder_finish(&f, rc, out))) {
        return zw_errf(errstr, errstr_size, rc, "%s: out of memory", path);
    }
    return result(path, *out, gerr != 0, errstr, errstr_size);
}
