/*
 * nz_inventory.c - loading, lookups and event enrichment for the inventory (see
 * nz_inventory.h and docs/INVENTORY.md).  Not for detection logic: the booleans it
 * sets are facts ("this actor is approved"), the engine decides what they mean.
 *
 * Loading: YAML is read with libyaml's document API and converted to a libfastjson
 * tree, so YAML and JSON share one validator.  After validation everything is copied
 * into flat sorted arrays (zone names, provider ids, exact principals) searched by
 * bsearch, plus linear lists for principal globs and CIDRs, which stay short.
 */
#include "nz_inventory.h"

#include "../common/zw_json.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

typedef struct {
    int family; /* AF_INET / AF_INET6 */
    unsigned char addr[16];
    int prefix;
} inv_cidr;

typedef struct {
    inv_cidr *v;
    size_t n;
} cidr_list;

typedef struct {
    char *name; /* lower case, no trailing dot */
    cidr_list secondaries;
    int is_private;
} inv_zone;

typedef struct {
    char *id; /* lower-cased provider id */
    size_t zone;
} inv_id;

struct nz_inventory {
    inv_zone *zones; /* sorted by name */
    size_t nzones;
    inv_id *ids; /* sorted by id */
    size_t nids;
    char **exact; /* approved principals without glob characters, lower case, sorted */
    size_t nexact;
    char **globs; /* approved principal patterns, lower case */
    size_t nglobs;
    cidr_list secondaries, scanners;
};

/* ---------------------------------------------------------------- small helpers */

static char *lower_dup(const char *p, size_t n, int strip_dot)
{
    if (strip_dot && n > 1 && p[n - 1] == '.') {
        n--;
    }
    char *d = malloc(n + 1);
    if (!d) {
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        d[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    d[n] = 0;
    return d;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_zone(const void *a, const void *b)
{
    return strcmp(((const inv_zone *)a)->name, ((const inv_zone *)b)->name);
}

static int cmp_id(const void *a, const void *b)
{
    return strcmp(((const inv_id *)a)->id, ((const inv_id *)b)->id);
}

/* "192.0.2.0/24", "2001:db8::/32", or a bare address (full-length prefix). */
static int parse_cidr(const char *s, inv_cidr *c)
{
    char buf[64];
    size_t n = strlen(s);
    const char *slash = strchr(s, '/');
    size_t an = slash ? (size_t)(slash - s) : n;
    if (an == 0 || an >= sizeof buf) {
        return -1;
    }
    memcpy(buf, s, an);
    buf[an] = 0;
    memset(c, 0, sizeof *c);
    if (inet_pton(AF_INET, buf, c->addr) == 1) {
        c->family = AF_INET;
        c->prefix = 32;
    } else if (inet_pton(AF_INET6, buf, c->addr) == 1) {
        c->family = AF_INET6;
        c->prefix = 128;
    } else {
        return -1;
    }
    if (slash) {
        char *end;
        errno = 0;
        long p = strtol(slash + 1, &end, 10);
        if (!slash[1] || *end || errno || p < 0 || p > c->prefix) {
            return -1;
        }
        c->prefix = (int)p;
    }
    return 0;
}

static int ip_in(const cidr_list *l, int family, const unsigned char *a)
{
    for (size_t i = 0; i < l->n; i++) {
        const inv_cidr *c = &l->v[i];
        if (c->family != family) {
            continue;
        }
        int full = c->prefix / 8, rem = c->prefix % 8;
        if (memcmp(c->addr, a, (size_t)full) != 0) {
            continue;
        }
        if (rem && ((c->addr[full] ^ a[full]) & (0xff << (8 - rem)) & 0xff)) {
            continue;
        }
        return 1;
    }
    return 0;
}

static int parse_ip(const char *p, size_t n, int *family, unsigned char *a)
{
    char buf[64];
    if (n == 0 || n >= sizeof buf) {
        return -1;
    }
    memcpy(buf, p, n);
    buf[n] = 0;
    if (inet_pton(AF_INET, buf, a) == 1) {
        *family = AF_INET;
        return 0;
    }
    if (inet_pton(AF_INET6, buf, a) == 1) {
        /* an IPv4-mapped address matches IPv4 ranges */
        static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (memcmp(a, mapped, 12) == 0) {
            memmove(a, a + 12, 4);
            *family = AF_INET;
        } else {
            *family = AF_INET6;
        }
        return 0;
    }
    return -1;
}

/* ---------------------------------------------------------------- YAML -> JSON tree */

#define MAX_DEPTH 32
#define MAX_NODES 1000000

static fjson_object *yaml_to_json(yaml_document_t *doc, yaml_node_t *node, int depth,
                                  size_t *budget)
{
    if (!node || depth > MAX_DEPTH || (*budget)-- == 0) {
        return NULL;
    }
    switch (node->type) {
    case YAML_SCALAR_NODE:
        return fjson_object_new_string_len((const char *)node->data.scalar.value,
                                           (int)node->data.scalar.length);
    case YAML_SEQUENCE_NODE: {
        fjson_object *a = fjson_object_new_array();
        for (yaml_node_item_t *it = node->data.sequence.items.start;
             a && it < node->data.sequence.items.top; it++) {
            fjson_object *v =
                yaml_to_json(doc, yaml_document_get_node(doc, *it), depth + 1, budget);
            if (!v) {
                fjson_object_put(a);
                return NULL;
            }
            fjson_object_array_add(a, v);
        }
        return a;
    }
    case YAML_MAPPING_NODE: {
        fjson_object *o = fjson_object_new_object();
        for (yaml_node_pair_t *pr = node->data.mapping.pairs.start;
             o && pr < node->data.mapping.pairs.top; pr++) {
            yaml_node_t *k = yaml_document_get_node(doc, pr->key);
            if (!k || k->type != YAML_SCALAR_NODE) {
                fjson_object_put(o);
                return NULL;
            }
            fjson_object *v =
                yaml_to_json(doc, yaml_document_get_node(doc, pr->value), depth + 1, budget);
            if (!v) {
                fjson_object_put(o);
                return NULL;
            }
            char key[256];
            size_t kn =
                k->data.scalar.length < sizeof key - 1 ? k->data.scalar.length : sizeof key - 1;
            memcpy(key, k->data.scalar.value, kn);
            key[kn] = 0;
            fjson_object_object_add(o, key, v);
        }
        return o;
    }
    default:
        return NULL;
    }
}

static fjson_object *parse_yaml(const char *p, size_t n, const char *name, char *err, size_t errsz)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    fjson_object *root = NULL;
    if (!yaml_parser_initialize(&parser)) {
        zw_errf(err, errsz, ZW_ENOMEM, "%s: out of memory", name);
        return NULL;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)p, n);
    if (!yaml_parser_load(&parser, &doc)) {
        zw_errf(err, errsz, ZW_EINVAL, "%s:%zu:%zu: YAML: %s", name, parser.problem_mark.line + 1,
                parser.problem_mark.column + 1, parser.problem ? parser.problem : "syntax error");
        yaml_parser_delete(&parser);
        return NULL;
    }
    yaml_node_t *top = yaml_document_get_root_node(&doc);
    if (!top) {
        zw_errf(err, errsz, ZW_EINVAL, "%s: empty inventory", name);
    } else {
        size_t budget = MAX_NODES;
        root = yaml_to_json(&doc, top, 0, &budget);
        if (!root) {
            zw_errf(err, errsz, ZW_EINVAL, "%s: YAML too deep, too large, or with non-scalar keys",
                    name);
        }
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    return root;
}

/* ---------------------------------------------------------------- validation */

/* Validation reports every mistake, not only the first: inv_err appends each message to
 * err (one per line) and counts it; the walk goes on, and stops only on out-of-memory. */
typedef struct {
    const char *name;
    char *err;
    size_t errsz;
    int nerr;
} vctx;

static int inv_err(vctx *vc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int inv_err(vctx *vc, const char *fmt, ...)
{
    if (vc->err && vc->errsz) {
        size_t used = vc->nerr ? strlen(vc->err) : 0;
        if (vc->nerr && used + 1 < vc->errsz) {
            vc->err[used++] = '\n';
            vc->err[used] = '\0';
        }
        if (used < vc->errsz) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(vc->err + used, vc->errsz - used, fmt, ap);
            va_end(ap);
        }
    }
    vc->nerr++;
    return ZW_EINVAL;
}

/* Folds rc into *agg: out-of-memory stops the walk (returns 1), validation errors are
 * kept and the walk goes on. */
static int stop(int rc, int *agg)
{
    if (rc && *agg != ZW_ENOMEM) {
        *agg = rc;
    }
    return rc == ZW_ENOMEM;
}

/* A scalar as text: strings as they are, numbers / booleans in JSON spelling. */
static const char *scalar_text(fjson_object *v)
{
    if (!v) {
        return NULL;
    }
    if (fjson_object_is_type(v, fjson_type_string)) {
        return fjson_object_get_string(v);
    }
    if (fjson_object_is_type(v, fjson_type_int) || fjson_object_is_type(v, fjson_type_double) ||
        fjson_object_is_type(v, fjson_type_boolean)) {
        return fjson_object_to_json_string(v);
    }
    return NULL;
}

static int is_true(fjson_object *v)
{
    const char *s = scalar_text(v);
    return s && (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0 || strcmp(s, "True") == 0);
}

static int check_keys(vctx *vc, fjson_object *o, const char *where, const char *const *allowed)
{
    struct fjson_object_iterator it = fjson_object_iter_begin(o);
    struct fjson_object_iterator end = fjson_object_iter_end(o);
    int rc = 0;
    while (!fjson_object_iter_equal(&it, &end)) {
        const char *k = fjson_object_iter_peek_name(&it);
        int ok = 0;
        for (size_t i = 0; allowed[i] && !ok; i++) {
            ok = strcmp(k, allowed[i]) == 0;
        }
        if (!ok) {
            rc = inv_err(vc, "%s: %s: unknown key '%s'", vc->name, where, k);
        }
        fjson_object_iter_next(&it);
    }
    return rc;
}

/* A list of strings, or one string; calls fn for each. */
static int each_string(vctx *vc, fjson_object *v, const char *where,
                       int (*fn)(vctx *, const char *, const char *, void *), void *arg)
{
    if (!v) {
        return 0;
    }
    if (fjson_object_is_type(v, fjson_type_array)) {
        int n = fjson_object_array_length(v), agg = 0;
        for (int i = 0; i < n; i++) {
            char w[160];
            snprintf(w, sizeof w, "%s[%d]", where, i);
            const char *s = scalar_text(fjson_object_array_get_idx(v, i));
            int rc = !s || !*s ? inv_err(vc, "%s: %s: want a string", vc->name, w)
                               : fn(vc, s, w, arg);
            if (stop(rc, &agg)) {
                return rc;
            }
        }
        return agg;
    }
    const char *s = scalar_text(v);
    if (!s || !*s) {
        return inv_err(vc, "%s: %s: want a string or a list of strings",
                       vc->name, where);
    }
    return fn(vc, s, where, arg);
}

static int add_cidr(vctx *vc, const char *s, const char *where, void *arg)
{
    cidr_list *l = arg;
    inv_cidr c;
    if (parse_cidr(s, &c)) {
        return inv_err(vc, "%s: %s: '%s' is not an IP address or CIDR",
                       vc->name, where, s);
    }
    inv_cidr *nv = realloc(l->v, (l->n + 1) * sizeof *nv);
    if (!nv) {
        return zw_errf(vc->err, vc->errsz, ZW_ENOMEM, "out of memory");
    }
    l->v = nv;
    l->v[l->n++] = c;
    return 0;
}

typedef struct {
    nz_inventory *inv;
    size_t zone;
} id_arg;

static int add_id(vctx *vc, const char *s, const char *where, void *arg)
{
    id_arg *a = arg;
    (void)where;
    inv_id *nv = realloc(a->inv->ids, (a->inv->nids + 1) * sizeof *nv);
    if (!nv) {
        return zw_errf(vc->err, vc->errsz, ZW_ENOMEM, "out of memory");
    }
    a->inv->ids = nv;
    char *id = lower_dup(s, strlen(s), 0);
    if (!id) {
        return zw_errf(vc->err, vc->errsz, ZW_ENOMEM, "out of memory");
    }
    /* "/hostedzone/Z123" and "Z123" are the same Route 53 zone */
    if (strncmp(id, "/hostedzone/", 12) == 0) {
        memmove(id, id + 12, strlen(id + 12) + 1);
    }
    nv[a->inv->nids].id = id;
    nv[a->inv->nids].zone = a->zone;
    a->inv->nids++;
    return 0;
}

static int add_principal(vctx *vc, const char *s, const char *where, void *arg)
{
    nz_inventory *inv = arg;
    (void)where;
    char *p = lower_dup(s, strlen(s), 0);
    if (!p) {
        return zw_errf(vc->err, vc->errsz, ZW_ENOMEM, "out of memory");
    }
    int glob = strpbrk(p, "*?[") != NULL;
    char ***list = glob ? &inv->globs : &inv->exact;
    size_t *n = glob ? &inv->nglobs : &inv->nexact;
    char **nv = realloc(*list, (*n + 1) * sizeof *nv);
    if (!nv) {
        free(p);
        return zw_errf(vc->err, vc->errsz, ZW_ENOMEM, "out of memory");
    }
    *list = nv;
    nv[(*n)++] = p;
    return 0;
}

static int load_zone(vctx *vc, nz_inventory *inv, fjson_object *z, int i)
{
    static const char *const keys[] = {"name",     "ids",     "secondaries", "private",
                                       "provider", "comment", NULL};
    char where[64];
    int rc;
    snprintf(where, sizeof where, "zones[%d]", i);
    if (!fjson_object_is_type(z, fjson_type_object)) {
        return inv_err(vc, "%s: %s: want a mapping with name and ids",
                       vc->name, where);
    }
    int agg = check_keys(vc, z, where, keys);
    const char *name = scalar_text(zw_jget(z, "name"));
    if (!name || !*name) {
        return inv_err(vc, "%s: %s: name missing", vc->name, where);
    }
    inv_zone *nv = realloc(inv->zones, (inv->nzones + 1) * sizeof *nv);
    if (!nv) {
        return zw_errf(vc->err, vc->errsz, ZW_ENOMEM, "out of memory");
    }
    inv->zones = nv;
    inv_zone *zone = &nv[inv->nzones];
    memset(zone, 0, sizeof *zone);
    if (!(zone->name = lower_dup(name, strlen(name), 1))) {
        return zw_errf(vc->err, vc->errsz, ZW_ENOMEM, "out of memory");
    }
    zone->is_private = is_true(zw_jget(z, "private"));
    inv->nzones++;
    id_arg a = {inv, inv->nzones - 1};
    fjson_object *ids = zw_jget(z, "ids");
    char w2[96];
    snprintf(w2, sizeof w2, "%s.ids", where);
    if (ids && fjson_object_is_type(ids, fjson_type_object)) {
        /* ids: {aws: Z123, gcp: [a, b], ...}: the provider key documents, ids match */
        struct fjson_object_iterator it = fjson_object_iter_begin(ids);
        struct fjson_object_iterator end = fjson_object_iter_end(ids);
        while (!fjson_object_iter_equal(&it, &end)) {
            char w3[160];
            snprintf(w3, sizeof w3, "%s.%s", w2, fjson_object_iter_peek_name(&it));
            rc = each_string(vc, fjson_object_iter_peek_value(&it), w3, add_id, &a);
            if (stop(rc, &agg)) {
                return rc;
            }
            fjson_object_iter_next(&it);
        }
    } else if (stop(rc = each_string(vc, ids, w2, add_id, &a), &agg)) {
        return rc;
    }
    snprintf(w2, sizeof w2, "%s.secondaries", where);
    rc = each_string(vc, zw_jget(z, "secondaries"), w2, add_cidr, &zone->secondaries);
    stop(rc, &agg);
    return agg;
}

static int load_tree(vctx *vc, nz_inventory *inv, fjson_object *root)
{
    /* "exposure" is the approved providers / hosts section read by exposure/ex_inventory.c
     * (docs/EXPOSURE.md); it is validated there, not here. */
    static const char *const keys[] = {"version",  "zones",   "principals", "secondaries",
                                       "scanners", "comment", "exposure",   NULL};
    int rc;
    if (!fjson_object_is_type(root, fjson_type_object)) {
        return inv_err(vc, "%s: the inventory must be a mapping",
                       vc->name);
    }
    int agg = check_keys(vc, root, "top level", keys);
    const char *ver = scalar_text(zw_jget(root, "version"));
    if (ver && strcmp(ver, "1") != 0) {
        agg = inv_err(vc, "%s: version %s is not supported (want 1)", vc->name, ver);
    }
    fjson_object *zones = zw_jget(root, "zones");
    if (zones && !fjson_object_is_type(zones, fjson_type_array)) {
        agg = inv_err(vc, "%s: zones: want a list", vc->name);
        zones = NULL;
    }
    int nz = zones ? fjson_object_array_length(zones) : 0;
    for (int i = 0; i < nz; i++) {
        if (stop(rc = load_zone(vc, inv, fjson_object_array_get_idx(zones, i), i), &agg)) {
            return rc;
        }
    }
    if (stop(rc = each_string(vc, zw_jget(root, "principals"), "principals", add_principal, inv),
             &agg) ||
        stop(rc = each_string(vc, zw_jget(root, "secondaries"), "secondaries", add_cidr,
                              &inv->secondaries),
             &agg) ||
        stop(rc = each_string(vc, zw_jget(root, "scanners"), "scanners", add_cidr, &inv->scanners),
             &agg)) {
        return rc;
    }
    /* sort zones, re-pointing ids at the sorted positions */
    size_t *order = malloc((inv->nzones ? inv->nzones : 1) * sizeof *order);
    char **names = malloc((inv->nzones ? inv->nzones : 1) * sizeof *names);
    if (!order || !names) {
        free(order);
        free(names);
        return zw_errf(vc->err, vc->errsz, ZW_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < inv->nzones; i++) {
        names[i] = inv->zones[i].name;
    }
    if (inv->nzones) {
        qsort(inv->zones, inv->nzones, sizeof *inv->zones, cmp_zone);
    }
    for (size_t i = 0; i < inv->nzones; i++) {
        for (size_t j = 0; j < inv->nzones; j++) {
            if (inv->zones[j].name == names[i]) {
                order[i] = j;
            }
        }
    }
    for (size_t i = 0; i < inv->nids; i++) {
        inv->ids[i].zone = order[inv->ids[i].zone];
    }
    free(order);
    free(names);
    for (size_t i = 1; i < inv->nzones; i++) {
        if (strcmp(inv->zones[i - 1].name, inv->zones[i].name) == 0) {
            agg = inv_err(vc, "%s: zone '%s' listed twice", vc->name, inv->zones[i].name);
        }
    }
    if (inv->nids) { /* qsort(NULL, 0, ...) is undefined behaviour (UBSan) */
        qsort(inv->ids, inv->nids, sizeof *inv->ids, cmp_id);
    }
    for (size_t i = 1; i < inv->nids; i++) {
        if (strcmp(inv->ids[i - 1].id, inv->ids[i].id) == 0 &&
            inv->ids[i - 1].zone != inv->ids[i].zone) {
            agg = inv_err(vc, "%s: id '%s' belongs to two zones (%s, %s)", vc->name,
                          inv->ids[i].id, inv->zones[inv->ids[i - 1].zone].name,
                          inv->zones[inv->ids[i].zone].name);
        }
    }
    if (inv->nexact) {
        qsort(inv->exact, inv->nexact, sizeof *inv->exact, cmp_str);
    }
    return agg;
}

nz_inventory *nz_inventory_parse(const char *p, size_t n, const char *name, char *errstr,
                                 size_t errstr_size)
{
    vctx vc = {name ? name : "inventory", errstr, errstr_size, 0};
    fjson_object *root = NULL;
    size_t k = 0;
    while (k < n && (p[k] == ' ' || p[k] == '\t' || p[k] == '\n' || p[k] == '\r')) {
        k++;
    }
    if (k < n && p[k] == '{') {
        fjson_tokener *tok = fjson_tokener_new();
        if (!tok) {
            zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
            return NULL;
        }
        root = fjson_tokener_parse_ex(tok, p + k, (int)(n - k));
        if (!root || tok->char_offset < (int)(n - k)) {
            /* trailing bytes may be blank */
            size_t r = k + (size_t)tok->char_offset;
            while (root && r < n && (p[r] == ' ' || p[r] == '\t' || p[r] == '\n' || p[r] == '\r')) {
                r++;
            }
            if (!root || r < n) {
                zw_errf(errstr, errstr_size, ZW_EINVAL, "%s: JSON: %s at byte %d", vc.name,
                        root ? "trailing data"
                             : fjson_tokener_error_desc(fjson_tokener_get_error(tok)),
                        tok->char_offset + (int)k);
                fjson_object_put(root);
                fjson_tokener_free(tok);
                return NULL;
            }
        }
        fjson_tokener_free(tok);
    } else {
        root = parse_yaml(p, n, vc.name, errstr, errstr_size);
        if (!root) {
            return NULL;
        }
    }
    nz_inventory *inv = calloc(1, sizeof *inv);
    if (!inv) {
        zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
        fjson_object_put(root);
        return NULL;
    }
    int rc = load_tree(&vc, inv, root);
    fjson_object_put(root);
    if (rc) {
        nz_inventory_destroy(inv);
        return NULL;
    }
    return inv;
}

nz_inventory *nz_inventory_load(const char *path, char *errstr, size_t errstr_size)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0, cap = 0;
    nz_inventory *inv = NULL;
    if (!f) {
        zw_errf(errstr, errstr_size, ZW_EIO, "%s: %s", path, strerror(errno));
        return NULL;
    }
    for (;;) {
        if (n == cap) {
            if (cap >= (16u << 20)) {
                zw_errf(errstr, errstr_size, ZW_EINVAL, "%s: larger than 16 MiB", path);
                goto out;
            }
            cap = cap ? cap * 2 : 65536;
            char *nb = realloc(buf, cap);
            if (!nb) {
                zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
                goto out;
            }
            buf = nb;
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0) {
            if (ferror(f)) {
                zw_errf(errstr, errstr_size, ZW_EIO, "%s: read error", path);
                goto out;
            }
            break;
        }
    }
    inv = nz_inventory_parse(buf ? buf : "", n, path, errstr, errstr_size);
out:
    free(buf);
    fclose(f);
    return inv;
}

void nz_inventory_destroy(nz_inventory *inv)
{
    if (!inv) {
        return;
    }
    for (size_t i = 0; i < inv->nzones; i++) {
        free(inv->zones[i].name);
        free(inv->zones[i].secondaries.v);
    }
    for (size_t i = 0; i < inv->nids; i++) {
        free(inv->ids[i].id);
    }
    for (size_t i = 0; i < inv->nexact; i++) {
        free(inv->exact[i]);
    }
    for (size_t i = 0; i < inv->nglobs; i++) {
        free(inv->globs[i]);
    }
    free(inv->zones);
    free(inv->ids);
    free(inv->exact);
    free(inv->globs);
    free(inv->secondaries.v);
    free(inv->scanners.v);
    free(inv);
}

size_t nz_inventory_zone_count(const nz_inventory *inv)
{
    return inv ? inv->nzones : 0;
}

/* ---------------------------------------------------------------- lookups */

/* Lower-cases [p, p+n) into buf (NUL-terminated); 0, or -1 when it does not fit. */
static int lower_into(char *buf, size_t bufsz, const char *p, size_t n, int strip_dot)
{
    if (strip_dot && n > 1 && p[n - 1] == '.') {
        n--;
    }
    if (n >= bufsz) {
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        buf[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    buf[n] = 0;
    return 0;
}

static const inv_zone *find_zone(const nz_inventory *inv, const char *lname)
{
    size_t lo = 0, hi = inv->nzones;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(inv->zones[mid].name, lname);
        if (c == 0) {
            return &inv->zones[mid];
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return NULL;
}

const char *nz_inventory_zone_by_id(const nz_inventory *inv, const char *id, size_t n)
{
    char buf[1024];
    if (!inv || !id || lower_into(buf, sizeof buf, id, n, 0)) {
        return NULL;
    }
    const char *key = buf;
    if (strncmp(key, "/hostedzone/", 12) == 0) {
        key += 12;
    }
    size_t lo = 0, hi = inv->nids;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(inv->ids[mid].id, key);
        if (c == 0) {
            return inv->zones[inv->ids[mid].zone].name;
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return NULL;
}

const char *nz_inventory_zone_for_name(const nz_inventory *inv, const char *name, size_t n)
{
    char buf[1024];
    if (!inv || !name || !inv->nzones || lower_into(buf, sizeof buf, name, n, 1)) {
        return NULL;
    }
    /* the name itself, then each parent: the first hit is the longest zone */
    for (const char *s = buf; s && *s;) {
        const inv_zone *z = find_zone(inv, s);
        if (z) {
            return z->name;
        }
        s = strchr(s, '.');
        s = s ? s + 1 : NULL;
    }
    return NULL;
}

int nz_inventory_zone_known(const nz_inventory *inv, const char *zone, size_t n)
{
    char buf[1024];
    if (!inv || !zone || lower_into(buf, sizeof buf, zone, n, 1)) {
        return 0;
    }
    return find_zone(inv, buf) != NULL;
}

int nz_inventory_principal_approved(const nz_inventory *inv, const char *s, size_t n)
{
    char buf[2048];
    if (!inv || !s || n == 0 || lower_into(buf, sizeof buf, s, n, 0)) {
        return 0;
    }
    const char *key = buf;
    if (bsearch(&key, inv->exact, inv->nexact, sizeof *inv->exact, cmp_str)) {
        return 1;
    }
    for (size_t i = 0; i < inv->nglobs; i++) {
        if (fnmatch(inv->globs[i], buf, 0) == 0) {
            return 1;
        }
    }
    return 0;
}

int nz_inventory_ip_secondary(const nz_inventory *inv, const char *ip, size_t n, const char *zone,
                              size_t zn)
{
    unsigned char a[16];
    int fam;
    if (!inv || !ip || parse_ip(ip, n, &fam, a)) {
        return 0;
    }
    if (ip_in(&inv->secondaries, fam, a)) {
        return 1;
    }
    char buf[1024];
    if (zone && lower_into(buf, sizeof buf, zone, zn, 1) == 0) {
        const inv_zone *z = find_zone(inv, buf);
        return z && ip_in(&z->secondaries, fam, a);
    }
    return 0;
}

/* One CIDR as text: the address, and "/len" when it is a real prefix. */
static void cidr_text(const inv_cidr *c, char *out, size_t on)
{
    char a[INET6_ADDRSTRLEN];
    if (!inet_ntop(c->family, c->addr, a, sizeof a)) {
        snprintf(out, on, "?");
        return;
    }
    int full = c->family == AF_INET ? 32 : 128;
    if (c->prefix < full) {
        snprintf(out, on, "%s/%d", a, c->prefix & 0xff);
    } else {
        snprintf(out, on, "%s", a);
    }
}

int nz_inventory_secondaries(const nz_inventory *inv, const char *zone, size_t zn,
                             int (*fn)(void *opaque, const char *cidr, int zone_own), void *opaque)
{
    char t[INET6_ADDRSTRLEN + 16], buf[1024];
    int rc = 0;
    if (!inv) {
        return 0;
    }
    if (zone && lower_into(buf, sizeof buf, zone, zn, 1) == 0) {
        const inv_zone *z = find_zone(inv, buf);
        for (size_t i = 0; z && i < z->secondaries.n && !rc; i++) {
            cidr_text(&z->secondaries.v[i], t, sizeof t);
            rc = fn(opaque, t, 1);
        }
    }
    for (size_t i = 0; i < inv->secondaries.n && !rc; i++) {
        cidr_text(&inv->secondaries.v[i], t, sizeof t);
        rc = fn(opaque, t, 0);
    }
    return rc;
}

int nz_inventory_ip_scanner(const nz_inventory *inv, const char *ip, size_t n)
{
    unsigned char a[16];
    int fam;
    if (!inv || !ip || parse_ip(ip, n, &fam, a)) {
        return 0;
    }
    return ip_in(&inv->scanners, fam, a);
}

/* ---------------------------------------------------------------- enrichment */

int nz_inventory_enrich(void *opaque, zw_event *ev)
{
    const nz_inventory *inv = opaque;
    if (!inv) {
        return 0;
    }
    int tried_zone = 0;
    zw_field idf = zw_ev_has(ev, ZW_F_U_ZONE_ID) ? ZW_F_U_ZONE_ID : ZW_F_RES_UID;
    if (!zw_ev_has(ev, ZW_F_U_ZONE) && zw_ev_has(ev, idf)) {
        zw_str id = ev->v[idf].s;
        const char *z = nz_inventory_zone_by_id(inv, id.p, id.n);
        tried_zone = 1;
        if (z) {
            zw_ev_set_ref(ev, ZW_F_U_ZONE, z, strlen(z));
        }
    }
    if (!zw_ev_has(ev, ZW_F_U_ZONE)) {
        zw_field nf = zw_ev_has(ev, ZW_F_U_RECORD_NAME)    ? ZW_F_U_RECORD_NAME
                      : zw_ev_has(ev, ZW_F_QUERY_HOSTNAME) ? ZW_F_QUERY_HOSTNAME
                                                           : ZW_F__COUNT;
        if (nf != ZW_F__COUNT) {
            zw_str nm = ev->v[nf].s;
            const char *z = nz_inventory_zone_for_name(inv, nm.p, nm.n);
            tried_zone = 1;
            if (z) {
                zw_ev_set_ref(ev, ZW_F_U_ZONE, z, strlen(z));
            }
        }
    }
    zw_str zone = zw_ev_str(ev, ZW_F_U_ZONE);
    if (zone.p) {
        zw_ev_set_bool(ev, ZW_F_U_INV_ZONE_KNOWN, nz_inventory_zone_known(inv, zone.p, zone.n));
    } else if (tried_zone) {
        zw_ev_set_bool(ev, ZW_F_U_INV_ZONE_KNOWN, 0);
    } else {
        zw_ev_unset(ev, ZW_F_U_INV_ZONE_KNOWN);
    }

    static const zw_field actor_fields[] = {ZW_F_ACTOR_USER_UID, ZW_F_ACTOR_USER_NAME,
                                            ZW_F_ACTOR_USER_EMAIL, ZW_F_ACTOR_SESSION_ISSUER,
                                            ZW_F_ACTOR_APP_NAME};
    int have_actor = 0, approved = 0;
    for (size_t i = 0; i < ZW_ARRAY_LEN(actor_fields) && !approved; i++) {
        if (zw_ev_has(ev, actor_fields[i])) {
            zw_str s = ev->v[actor_fields[i]].s;
            have_actor = 1;
            approved = nz_inventory_principal_approved(inv, s.p, s.n);
        }
    }
    if (have_actor) {
        zw_ev_set_bool(ev, ZW_F_U_INV_ACTOR_APPROVED, approved);
    } else {
        zw_ev_unset(ev, ZW_F_U_INV_ACTOR_APPROVED);
    }

    zw_str ip = zw_ev_str(ev, ZW_F_SRC_IP);
    unsigned char a[16];
    int fam;
    if (ip.p && parse_ip(ip.p, ip.n, &fam, a) == 0) {
        zw_ev_set_bool(ev, ZW_F_U_INV_PEER_APPROVED_SECONDARY,
                       nz_inventory_ip_secondary(inv, ip.p, ip.n, zone.p, zone.n));
        zw_ev_set_bool(ev, ZW_F_U_INV_PEER_APPROVED_SCANNER, ip_in(&inv->scanners, fam, a));
    } else {
        zw_ev_unset(ev, ZW_F_U_INV_PEER_APPROVED_SECONDARY);
        zw_ev_unset(ev, ZW_F_U_INV_PEER_APPROVED_SCANNER);
    }
    return 0;
}

void nz_inventory_attach(nz_ctx *ctx, const nz_inventory *inv)
{
    nz_ctx_set_enrich(ctx, inv ? nz_inventory_enrich : NULL, (void *)(uintptr_t)inv);
}
