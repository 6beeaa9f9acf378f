/*
 * ex_baseline.c - "what changed since the last review": a previous run's findings (the
 * JSON lines `zonewarden exposure` wrote) compared with this run's.
 *
 * A finding is identified by zone, record name, record type, kind and subject (what
 * matched: the SPF domain, the CNAME target, the token, the address) - the fields a
 * person would compare, not uids or times.  Findings of this run are marked added or
 * unchanged; findings of the baseline that this run no longer has come back as removed,
 * with the baseline's content.  Not for: analysing zones or writing reports.
 */
#include "ex.h"
#include "ex_internal.h"

#include <errno.h>
#include <libfastjson/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *key; /* zone \x1f name \x1f type \x1f kind \x1f subject */
    ex_finding f;    /* rr, strings and provider in the baseline's arena */
    ex_rr rr;
} bl_entry;

struct ex_baseline {
    zw_arena *a;
    bl_entry *e;
    size_t n, cap;
    ex_zone **src; /* one per (input, file) of the baseline, for the removed findings */
    size_t nsrc;
};

const char *ex_change_name(ex_change c)
{
    static const char *const n[EX_CH__COUNT] = {"", "added", "unchanged", "removed"};
    return c < EX_CH__COUNT ? n[c] : "";
}

/* The kind part of a key, into buf: what passive DNS discloses is a finding of its own,
 * apart from the same record served by the zone (a token removed from the zone but still
 * in passive DNS shows as removed from the zone and added from passive DNS). */
static const char *key_kind(char *buf, size_t n, const char *kind, const char *input)
{
    snprintf(buf, n, "%s%s", kind,
             input && strcmp(input, "passive-dns") == 0 ? "@passive-dns" : "");
    return buf;
}

static const char *make_key(zw_arena *a, const char *zone, const char *name, const char *type,
                            const char *kind, const char *subject)
{
    size_t n = strlen(zone) + strlen(name) + strlen(type) + strlen(kind) + strlen(subject) + 5;
    char *k = zw_arena_alloc(a, n);
    if (k) {
        snprintf(k, n, "%s\x1f%s\x1f%s\x1f%s\x1f%s", zone, name, type, kind, subject);
    }
    return k;
}

/* String at a dotted path, or NULL. */
static const char *jpath(fjson_object *o, const char *path)
{
    char part[64];
    const char *p = path;
    while (o && *p) {
        size_t n = strcspn(p, ".");
        if (n >= sizeof part) {
            return NULL;
        }
        memcpy(part, p, n);
        part[n] = '\0';
        fjson_object *v;
        if (!fjson_object_is_type(o, fjson_type_object) || !fjson_object_object_get_ex(o, part, &v)) {
            return NULL;
        }
        o = v;
        p += n + (p[n] == '.');
    }
    if (o && fjson_object_is_type(o, fjson_type_array) && fjson_object_array_length(o) > 0) {
        o = fjson_object_array_get_idx(o, 0);
    }
    return o && (fjson_object_is_type(o, fjson_type_string) || fjson_object_is_type(o, fjson_type_int))
               ? fjson_object_get_string(o)
               : NULL;
}

static const char *adup(zw_arena *a, const char *s)
{
    return s ? zw_arena_strndup(a, s, strlen(s)) : NULL;
}

static ex_zone *source_zone(ex_baseline *bl, const char *origin, const char *file,
                            const char *input)
{
    for (size_t i = 0; i < bl->nsrc; i++) {
        if (strcmp(bl->src[i]->source, file) == 0 && strcmp(bl->src[i]->kind, input) == 0) {
            return bl->src[i];
        }
    }
    ex_zone **ns = realloc(bl->src, (bl->nsrc + 1) * sizeof *ns);
    if (!ns) {
        return NULL;
    }
    bl->src = ns;
    ex_zone *z = ex_zone_new(origin, file, input);
    if (z) {
        bl->src[bl->nsrc++] = z;
    }
    return z;
}

/* Parses one finding line into a new entry; 0, 1 (a line to skip: a removed finding of
 * that run), ZW_EINVAL with err, ZW_ENOMEM. */
static int one_entry(ex_baseline *bl, fjson_object *o, const char *origin, char *err, size_t errn)
{
    const char *cls_uid = jpath(o, "class_uid"), *log = jpath(o, "metadata.log_name");
    if (!cls_uid || strcmp(cls_uid, "2003") != 0 || !log || strcmp(log, "exposure") != 0) {
        snprintf(err, errn, "not an exposure finding (class_uid 2003, metadata.log_name exposure)");
        return ZW_EINVAL;
    }
    const char *change = jpath(o, "unmapped.exposure.change");
    if (change && strcmp(change, "removed") == 0) {
        return 1;
    }
    const char *zone = jpath(o, "unmapped.zone"), *name = jpath(o, "unmapped.record.name");
    const char *type = jpath(o, "unmapped.record.type"), *kind = jpath(o, "unmapped.exposure.kind");
    const char *subject = jpath(o, "unmapped.exposure.subject");
    const char *cls = jpath(o, "unmapped.exposure.classification");
    if (!subject) {
        snprintf(err, errn,
                 "no unmapped.exposure.subject: written by another zonewarden version (review "
                 "once more with this version to make a baseline)");
        return ZW_EINVAL;
    }
    if (!zone || !name || !type || !kind || !cls) {
        snprintf(err, errn, "finding without zone, record name/type, kind or classification");
        return ZW_EINVAL;
    }
    if (strcmp(zone, origin) != 0) {
        snprintf(err, errn, "finding of zone '%s'; this review is of '%s'", zone, origin);
        return ZW_EINVAL;
    }
    if (bl->n == bl->cap) {
        size_t nc = bl->cap ? bl->cap * 2 : 64;
        bl_entry *ne = realloc(bl->e, nc * sizeof *ne);
        if (!ne) {
            return ZW_ENOMEM;
        }
        bl->e = ne;
        bl->cap = nc;
    }
    bl_entry *e = &bl->e[bl->n];
    memset(e, 0, sizeof *e);
    ex_finding *f = &e->f;
    int k = 0, c = 0;
    while (k < EX_K__COUNT && strcmp(ex_kind_name((ex_kind)k), kind) != 0) {
        k++;
    }
    while (c < EX_C__COUNT && strcmp(ex_class_name((ex_class)c), cls) != 0) {
        c++;
    }
    if (k == EX_K__COUNT || c == EX_C__COUNT) {
        snprintf(err, errn, "unknown kind '%s' or classification '%s'", kind, cls);
        return ZW_EINVAL;
    }
    zw_arena *a = bl->a;
    f->kind = (ex_kind)k;
    f->cls = (ex_class)c;
    const char *sev = jpath(o, "severity_id"), *line = jpath(o, "unmapped.position.line");
    const char *ttl = jpath(o, "unmapped.record.ttl"), *val = jpath(o, "unmapped.record.values");
    f->severity = sev ? atoi(sev) : ZW_SEV_INFO;
    e->rr.owner = adup(a, name);
    e->rr.type = adup(a, type);
    e->rr.value = adup(a, val ? val : "");
    e->rr.ttl = ttl ? (uint32_t)strtoul(ttl, NULL, 10) : 0;
    e->rr.line = line ? strtoll(line, NULL, 10) : 0;
    e->rr.alias = jpath(o, "unmapped.record.alias_target") != NULL;
    /* f->rr is set once the entries stop moving (ex_baseline_load, after sorting) */
    f->via = adup(a, jpath(o, "unmapped.exposure.via"));
    f->subject = adup(a, subject);
    f->category = adup(a, jpath(o, "unmapped.exposure.category"));
    f->pattern = adup(a, jpath(o, "unmapped.exposure.match"));
    f->reason = adup(a, jpath(o, "unmapped.exposure.reason"));
    const char *uid = jpath(o, "finding_info.uid");
    snprintf(f->uid, sizeof f->uid, "%s", uid ? uid : "");
    const char *pid = jpath(o, "unmapped.exposure.provider");
    if (pid) {
        ex_provider *p = zw_arena_alloc(a, sizeof *p);
        if (!p) {
            return ZW_ENOMEM;
        }
        const char *pn = jpath(o, "unmapped.exposure.provider_name");
        p->id = adup(a, pid);
        p->name = adup(a, pn ? pn : pid);
        p->category = f->category ? f->category : "";
        f->provider = p;
    } else if (f->kind == EX_K_PROVIDER || f->kind == EX_K_TAKEOVER) {
        snprintf(err, errn, "%s finding without unmapped.exposure.provider", kind);
        return ZW_EINVAL;
    }
    const char *file = jpath(o, "unmapped.position.file"), *input = jpath(o, "unmapped.exposure.input");
    f->src = source_zone(bl, origin, file ? file : "", input ? input : "");
    f->change = EX_CH_REMOVED;
    char kbuf[64];
    e->key = make_key(a, zone, name, type, key_kind(kbuf, sizeof kbuf, kind, input), subject);
    if (!e->rr.owner || !e->rr.type || !e->rr.value || !f->via || !f->subject || !f->reason ||
        !f->src || !e->key) {
        return ZW_ENOMEM;
    }
    bl->n++;
    return ZW_OK;
}

static int by_key(const void *x, const void *y)
{
    return strcmp(((const bl_entry *)x)->key, ((const bl_entry *)y)->key);
}

ex_baseline *ex_baseline_load(const char *path, const char *origin, char *errstr,
                              size_t errstr_size)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        zw_errf(errstr, errstr_size, ZW_EIO, "%s: %s", path, strerror(errno));
        return NULL;
    }
    ex_baseline *bl = calloc(1, sizeof *bl);
    char *line = NULL, err[256] = "";
    size_t cap = 0;
    ssize_t len;
    long lineno = 0;
    int rc = bl && (bl->a = zw_arena_new(0)) ? ZW_OK : ZW_ENOMEM;
    fjson_tokener *tok = rc ? NULL : fjson_tokener_new();
    rc = rc ? rc : tok ? ZW_OK : ZW_ENOMEM;
    while (!rc && (len = getline(&line, &cap, fp)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' ')) {
            len--;
        }
        if (!len) {
            continue;
        }
        fjson_tokener_reset(tok);
        fjson_object *o = fjson_tokener_parse_ex(tok, line, (int)len);
        if (!o || tok->char_offset != (int)len) {
            snprintf(err, sizeof err, "not a JSON object");
            rc = ZW_EINVAL;
        } else {
            int r1 = one_entry(bl, o, origin, err, sizeof err);
            rc = r1 > 0 ? ZW_OK : r1;
        }
        fjson_object_put(o);
    }
    if (!rc && ferror(fp)) {
        snprintf(err, sizeof err, "read error: %s", strerror(errno));
        rc = ZW_EIO;
    }
    if (!rc && bl->n) {
        qsort(bl->e, bl->n, sizeof *bl->e, by_key);
    }
    for (size_t i = 0; !rc && i < bl->n; i++) {
        bl->e[i].f.rr = &bl->e[i].rr;
    }
    fjson_tokener_free(tok);
    free(line);
    fclose(fp);
    if (rc == ZW_ENOMEM) {
        zw_errf(errstr, errstr_size, rc, "%s: out of memory", path);
    } else if (rc) {
        zw_errf(errstr, errstr_size, rc, "%s:%ld: baseline refused: %s", path, lineno, err);
    }
    if (rc) {
        ex_baseline_destroy(bl);
        return NULL;
    }
    return bl;
}

void ex_baseline_destroy(ex_baseline *bl)
{
    if (!bl) {
        return;
    }
    for (size_t i = 0; i < bl->nsrc; i++) {
        ex_zone_destroy(bl->src[i]);
    }
    free(bl->src);
    free(bl->e);
    zw_arena_destroy(bl->a);
    free(bl);
}

int ex_baseline_apply(const ex_baseline *bl, ex_report *r)
{
    size_t ncur = r->n;
    unsigned char *used = bl->n ? calloc(bl->n, 1) : NULL;
    if (bl->n && !used) {
        return ZW_ENOMEM;
    }
    int rc = ZW_OK;
    for (size_t i = 0; i < ncur && !rc; i++) {
        ex_finding *f = &r->f[i];
        bl_entry probe;
        const ex_zone *src = f->src ? f->src : r->zone;
        char kbuf[64];
        probe.key = make_key(r->arena, r->zone->origin, f->rr->owner, f->rr->type,
                             key_kind(kbuf, sizeof kbuf, ex_kind_name(f->kind), src->kind),
                             f->subject);
        if (!probe.key) {
            rc = ZW_ENOMEM;
            break;
        }
        const bl_entry *hit = bl->n ? bsearch(&probe, bl->e, bl->n, sizeof *bl->e, by_key) : NULL;
        f->change = hit ? EX_CH_UNCHANGED : EX_CH_ADDED;
        r->by_change[f->change]++;
        if (hit) {
            /* mark every baseline entry with this key (a key may repeat) */
            size_t j = (size_t)(hit - bl->e);
            while (j > 0 && strcmp(bl->e[j - 1].key, probe.key) == 0) {
                j--;
            }
            for (; j < bl->n && strcmp(bl->e[j].key, probe.key) == 0; j++) {
                used[j] = 1;
            }
        }
    }
    for (size_t j = 0; j < bl->n && !rc; j++) {
        if (used[j]) {
            continue;
        }
        if (r->n == r->cap) {
            size_t nc = r->cap ? r->cap * 2 : 32;
            ex_finding *nf = realloc(r->f, nc * sizeof *nf);
            if (!nf) {
                rc = ZW_ENOMEM;
                break;
            }
            r->f = nf;
            r->cap = nc;
        }
        r->f[r->n++] = bl->e[j].f;
        r->by_change[EX_CH_REMOVED]++;
    }
    free(used);
    return rc;
}
