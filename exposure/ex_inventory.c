/*
 * ex_inventory.c - the `exposure:` section of the approved-inventory YAML file: which
 * providers and which host names are approved or explicitly unapproved, and whether
 * anything unlisted counts as unknown (policy: open) or unapproved (policy: strict).
 *
 * Other top-level sections (zones, principals, secondaries, scanners: the shared
 * inventory) are skipped, so one file serves both loaders.  Format in docs/EXPOSURE.md.
 */
#include "ex.h"
#include "ex_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

typedef struct {
    char **v;
    size_t n, cap;
} str_list;

struct ex_inv {
    int strict;
    str_list prov_ok, prov_bad, host_ok, host_bad;
    zw_arena *arena;
};

static void list_free(str_list *l)
{
    free(l->v);
}

void ex_inv_destroy(ex_inv *inv)
{
    if (!inv) {
        return;
    }
    list_free(&inv->prov_ok);
    list_free(&inv->prov_bad);
    list_free(&inv->host_ok);
    list_free(&inv->host_bad);
    zw_arena_destroy(inv->arena);
    free(inv);
}

static int list_add(ex_inv *inv, str_list *l, const char *s)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 16;
        char **nv = realloc(l->v, nc * sizeof *nv);
        if (!nv) {
            return ZW_ENOMEM;
        }
        l->v = nv;
        l->cap = nc;
    }
    char *c = ex_dname_dup(inv->arena, s, strlen(s));
    if (!c) {
        return ZW_ENOMEM;
    }
    l->v[l->n++] = c;
    return ZW_OK;
}

static const char *scalar(yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* providers: / hosts: mapping with approved: and unapproved: sequences. */
static int read_lists(ex_inv *inv, yaml_document_t *d, yaml_node_t *m, str_list *ok, str_list *bad,
                      const char *name, const char *what, char *errstr, size_t errstr_size)
{
    if (m->type != YAML_MAPPING_NODE) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL,
                       "%s:%zu: exposure.%s must be a mapping with approved: / unapproved:", name,
                       m->start_mark.line + 1, what);
    }
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(d, p->key),
                    *v = yaml_document_get_node(d, p->value);
        const char *ks = scalar(k);
        str_list *dst = ks && strcmp(ks, "approved") == 0     ? ok
                        : ks && strcmp(ks, "unapproved") == 0 ? bad
                                                              : NULL;
        if (!dst) {
            return zw_errf(errstr, errstr_size, ZW_EINVAL,
                           "%s:%zu: unknown key '%s' in exposure.%s (want approved / unapproved)",
                           name, k->start_mark.line + 1, ks ? ks : "?", what);
        }
        if (v->type != YAML_SEQUENCE_NODE) {
            return zw_errf(errstr, errstr_size, ZW_EINVAL, "%s:%zu: exposure.%s.%s must be a list",
                           name, v->start_mark.line + 1, what, ks);
        }
        for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
             it++) {
            yaml_node_t *e = yaml_document_get_node(d, *it);
            const char *s = scalar(e);
            if (!s || !*s) {
                return zw_errf(errstr, errstr_size, ZW_EINVAL,
                               "%s:%zu: exposure.%s.%s entries must be non-empty strings", name,
                               e->start_mark.line + 1, what, ks);
            }
            if (list_add(inv, dst, s)) {
                return zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
            }
        }
    }
    return ZW_OK;
}

static int read_section(ex_inv *inv, yaml_document_t *d, yaml_node_t *m, const char *name,
                        char *errstr, size_t errstr_size)
{
    if (m->type != YAML_MAPPING_NODE) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "%s:%zu: exposure: must be a mapping", name,
                       m->start_mark.line + 1);
    }
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(d, p->key),
                    *v = yaml_document_get_node(d, p->value);
        const char *ks = scalar(k);
        int rc = ZW_OK;
        if (ks && strcmp(ks, "policy") == 0) {
            const char *vs = scalar(v);
            if (vs && strcmp(vs, "strict") == 0) {
                inv->strict = 1;
            } else if (vs && strcmp(vs, "open") == 0) {
                inv->strict = 0;
            } else {
                rc = zw_errf(errstr, errstr_size, ZW_EINVAL,
                             "%s:%zu: exposure.policy must be 'open' or 'strict'", name,
                             v->start_mark.line + 1);
            }
        } else if (ks && strcmp(ks, "providers") == 0) {
            rc = read_lists(inv, d, v, &inv->prov_ok, &inv->prov_bad, name, "providers", errstr,
                            errstr_size);
        } else if (ks && strcmp(ks, "hosts") == 0) {
            rc = read_lists(inv, d, v, &inv->host_ok, &inv->host_bad, name, "hosts", errstr,
                            errstr_size);
        } else {
            rc = zw_errf(errstr, errstr_size, ZW_EINVAL,
                         "%s:%zu: unknown key '%s' in exposure: (want policy, providers, hosts)",
                         name, k->start_mark.line + 1, ks ? ks : "?");
        }
        if (rc) {
            return rc;
        }
    }
    return ZW_OK;
}

ex_inv *ex_inv_load_mem(const char *p, size_t n, const char *name, char *errstr, size_t errstr_size)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    int have_doc = 0, rc = ZW_OK;
    ex_inv *inv = calloc(1, sizeof *inv);
    if (!inv || !(inv->arena = zw_arena_new(0))) {
        free(inv);
        zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
        return NULL;
    }
    if (!yaml_parser_initialize(&parser)) {
        ex_inv_destroy(inv);
        zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
        return NULL;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)p, n);
    if (!yaml_parser_load(&parser, &doc)) {
        rc = zw_errf(errstr, errstr_size, ZW_EINVAL, "%s:%zu:%zu: %s", name,
                     parser.problem_mark.line + 1, parser.problem_mark.column + 1,
                     parser.problem ? parser.problem : "YAML error");
        goto out;
    }
    have_doc = 1;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root) {
        goto out; /* empty file: no approvals */
    }
    if (root->type != YAML_MAPPING_NODE) {
        rc = zw_errf(errstr, errstr_size, ZW_EINVAL, "%s:%zu: top level must be a mapping", name,
                     root->start_mark.line + 1);
        goto out;
    }
    for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top;
         pr++) {
        const char *ks = scalar(yaml_document_get_node(&doc, pr->key));
        if (ks && strcmp(ks, "exposure") == 0) {
            rc = read_section(inv, &doc, yaml_document_get_node(&doc, pr->value), name, errstr,
                              errstr_size);
            if (rc) {
                goto out;
            }
        }
    }
out:
    if (have_doc) {
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&parser);
    if (rc) {
        ex_inv_destroy(inv);
        return NULL;
    }
    return inv;
}

ex_inv *ex_inv_load(const char *path, char *errstr, size_t errstr_size)
{
    zw_buf b;
    zw_buf_init(&b);
    ex_inv *inv = NULL;
    if (zw_buf_read_file(&b, path, errstr, errstr_size) == ZW_OK) {
        inv = ex_inv_load_mem(b.p, b.len, path, errstr, errstr_size);
    }
    zw_buf_free(&b);
    return inv;
}

/* An entry matches a host name as a glob ("*.corp.example.test") or exactly. */
static const char *match_host(const str_list *l, const char *host)
{
    for (size_t i = 0; i < l->n; i++) {
        if (strcasecmp(l->v[i], host) == 0 || ex_glob(l->v[i], host)) {
            return l->v[i];
        }
    }
    return NULL;
}

/* An entry matches a provider by id, or a target domain when it names that domain or a
 * parent of it ("partner-mail.example.net"). */
static const char *match_provider(const str_list *l, const char *id, const char *target)
{
    for (size_t i = 0; i < l->n; i++) {
        if ((id && strcasecmp(l->v[i], id) == 0) || (target && ex_in_domain(target, l->v[i])) ||
            (target && ex_glob(l->v[i], target))) {
            return l->v[i];
        }
    }
    return NULL;
}

ex_class ex_inv_classify(const ex_inv *inv, int provider_kind, const char *id, const char *target,
                         const char *host, zw_arena *a, const char **reason)
{
    char tmp[320];
    const char *m;
    ex_class c;
    if (!inv) {
        *reason = "no inventory given";
        return EX_C_UNKNOWN;
    }
    const str_list *ok = provider_kind ? &inv->prov_ok : &inv->host_ok;
    const str_list *bad = provider_kind ? &inv->prov_bad : &inv->host_bad;
    const char *sect = provider_kind ? "providers" : "hosts";
    if ((m = provider_kind ? match_provider(bad, id, target) : match_host(bad, host))) {
        snprintf(tmp, sizeof tmp, "exposure.%s.unapproved: %s", sect, m);
        c = EX_C_UNAPPROVED;
    } else if ((m = provider_kind ? match_provider(ok, id, target) : match_host(ok, host))) {
        snprintf(tmp, sizeof tmp, "exposure.%s.approved: %s", sect, m);
        c = EX_C_APPROVED;
    } else if (inv->strict) {
        snprintf(tmp, sizeof tmp, "not in exposure.%s.approved (policy: strict)", sect);
        c = EX_C_UNAPPROVED;
    } else {
        snprintf(tmp, sizeof tmp, "not listed in exposure.%s (policy: open)", sect);
        c = EX_C_UNKNOWN;
    }
    *reason = zw_arena_strndup(a, tmp, strlen(tmp));
    if (!*reason) {
        *reason = "";
    }
    return c;
}
