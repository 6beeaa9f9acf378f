/*
 * ex_fp.c - the fingerprint table (schemas/fingerprints.json): per provider, glob
 * patterns for MX targets, SPF include/redirect domains, TXT tokens, CNAME / NS / SRV
 * targets, and the subset of CNAME targets that are takeover-prone; plus the host-name
 * label keywords that reveal remote-access and admin services.
 *
 * Built once at load time, read-only afterwards.  Not for: deciding severity or
 * approval (ex_analyze.c).
 */
#include "ex.h"
#include "ex_internal.h"

#include "../common/zw_json.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
    const char *pattern;
    size_t provider; /* index into providers */
} fp_pat;

typedef struct {
    const char *label;
    const char *category;
} fp_label;

struct ex_fp {
    zw_arena *arena;
    ex_provider *providers;
    size_t nproviders;
    fp_pat *pats[EX_VIA__COUNT];
    size_t npats[EX_VIA__COUNT], cappats[EX_VIA__COUNT];
    fp_label *labels;
    size_t nlabels, caplabels;
};

static const char *const via_keys[EX_VIA__COUNT] = {"mx", "spf", "txt",       "cname",
                                                    "ns", "srv", "txt_owner", "takeover"};

int ex_glob(const char *pattern, const char *s)
{
    return fnmatch(pattern, s, FNM_CASEFOLD) == 0;
}

int ex_in_domain(const char *name, const char *domain)
{
    size_t n = strlen(name), d = strlen(domain);
    if (d == 0) {
        return 0;
    }
    if (n == d) {
        return strcasecmp(name, domain) == 0;
    }
    return n > d && name[n - d - 1] == '.' && strcasecmp(name + n - d, domain) == 0;
}

void ex_fp_destroy(ex_fp *fp)
{
    if (!fp) {
        return;
    }
    for (int v = 0; v < EX_VIA__COUNT; v++) {
        free(fp->pats[v]);
    }
    free(fp->providers);
    free(fp->labels);
    zw_arena_destroy(fp->arena);
    free(fp);
}

static char *dup_str(ex_fp *fp, const char *s)
{
    return zw_arena_strndup(fp->arena, s, strlen(s));
}

static int add_pat(ex_fp *fp, int via, const char *pat, size_t prov)
{
    if (fp->npats[via] == fp->cappats[via]) {
        size_t nc = fp->cappats[via] ? fp->cappats[via] * 2 : 32;
        fp_pat *np = realloc(fp->pats[via], nc * sizeof *np);
        if (!np) {
            return ZW_ENOMEM;
        }
        fp->pats[via] = np;
        fp->cappats[via] = nc;
    }
    char *p = dup_str(fp, pat);
    if (!p) {
        return ZW_ENOMEM;
    }
    fp->pats[via][fp->npats[via]].pattern = p;
    fp->pats[via][fp->npats[via]].provider = prov;
    fp->npats[via]++;
    return ZW_OK;
}

static int add_label(ex_fp *fp, const char *label, const char *cat)
{
    if (fp->nlabels == fp->caplabels) {
        size_t nc = fp->caplabels ? fp->caplabels * 2 : 64;
        fp_label *nl = realloc(fp->labels, nc * sizeof *nl);
        if (!nl) {
            return ZW_ENOMEM;
        }
        fp->labels = nl;
        fp->caplabels = nc;
    }
    char *l = dup_str(fp, label);
    if (!l) {
        return ZW_ENOMEM;
    }
    for (char *q = l; *q; q++) {
        *q = (char)tolower((unsigned char)*q);
    }
    fp->labels[fp->nlabels].label = l;
    fp->labels[fp->nlabels].category = cat;
    fp->nlabels++;
    return ZW_OK;
}

static int load_doc(ex_fp *fp, fjson_object *doc, char *errstr, size_t errstr_size)
{
    fjson_object *provs = zw_jget(doc, "providers");
    if (!provs || !fjson_object_is_type(provs, fjson_type_array)) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "fingerprints: \"providers\" array missing");
    }
    size_t np = (size_t)fjson_object_array_length(provs);
    fp->providers = calloc(np ? np : 1, sizeof *fp->providers);
    if (!fp->providers) {
        return zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < np; i++) {
        fjson_object *p = fjson_object_array_get_idx(provs, i);
        const char *id = zw_jstr(p, "id", NULL), *name = zw_jstr(p, "name", NULL);
        const char *cat = zw_jstr(p, "category", NULL);
        if (!id || !name) {
            return zw_errf(errstr, errstr_size, ZW_EINVAL,
                           "fingerprints: provider #%zu lacks \"id\" or \"name\"", i + 1);
        }
        ex_provider *pv = &fp->providers[fp->nproviders++];
        pv->id = dup_str(fp, id);
        pv->name = dup_str(fp, name);
        pv->category = dup_str(fp, cat ? cat : "other");
        if (!pv->id || !pv->name || !pv->category) {
            return zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
        }
        for (int v = 0; v < EX_VIA__COUNT; v++) {
            fjson_object *l = zw_jget(p, via_keys[v]);
            if (!l) {
                continue;
            }
            if (!fjson_object_is_type(l, fjson_type_array)) {
                return zw_errf(errstr, errstr_size, ZW_EINVAL,
                               "fingerprints: provider %s: \"%s\" must be an array", id,
                               via_keys[v]);
            }
            for (size_t j = 0; j < (size_t)fjson_object_array_length(l); j++) {
                fjson_object *e = fjson_object_array_get_idx(l, j);
                if (!fjson_object_is_type(e, fjson_type_string)) {
                    return zw_errf(errstr, errstr_size, ZW_EINVAL,
                                   "fingerprints: provider %s: \"%s\"[%zu] must be a string", id,
                                   via_keys[v], j);
                }
                if (add_pat(fp, v, fjson_object_get_string(e), i)) {
                    return zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
                }
            }
        }
    }
    fjson_object *hosts = zw_jget(doc, "hosts");
    size_t nh = hosts && fjson_object_is_type(hosts, fjson_type_array)
                    ? (size_t)fjson_object_array_length(hosts)
                    : 0;
    for (size_t i = 0; i < nh; i++) {
        fjson_object *h = fjson_object_array_get_idx(hosts, i);
        const char *cat = zw_jstr(h, "category", NULL);
        fjson_object *labels = zw_jget(h, "labels");
        if (!cat || !labels || !fjson_object_is_type(labels, fjson_type_array)) {
            return zw_errf(errstr, errstr_size, ZW_EINVAL,
                           "fingerprints: hosts[%zu] needs \"category\" and \"labels\"", i);
        }
        const char *c = dup_str(fp, cat);
        if (!c) {
            return zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
        }
        for (size_t j = 0; j < (size_t)fjson_object_array_length(labels); j++) {
            const char *l = fjson_object_get_string(fjson_object_array_get_idx(labels, j));
            if (l && add_label(fp, l, c)) {
                return zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
            }
        }
    }
    return ZW_OK;
}

ex_fp *ex_fp_load_mem(const char *p, size_t n, char *errstr, size_t errstr_size)
{
    ex_fp *fp = calloc(1, sizeof *fp);
    if (!fp || !(fp->arena = zw_arena_new(0))) {
        free(fp);
        zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
        return NULL;
    }
    fjson_tokener *tok = fjson_tokener_new();
    fjson_object *doc = tok ? fjson_tokener_parse_ex(tok, p, (int)n) : NULL;
    enum fjson_tokener_error je = tok ? fjson_tokener_get_error(tok) : fjson_tokener_error_depth;
    fjson_tokener_free(tok);
    if (!doc || je != fjson_tokener_success) {
        zw_errf(errstr, errstr_size, ZW_EINVAL, "fingerprints: invalid JSON (%s)",
                fjson_tokener_error_desc(je));
        fjson_object_put(doc);
        ex_fp_destroy(fp);
        return NULL;
    }
    int rc = load_doc(fp, doc, errstr, errstr_size);
    fjson_object_put(doc);
    if (rc) {
        ex_fp_destroy(fp);
        return NULL;
    }
    return fp;
}

ex_fp *ex_fp_load(const char *path, char *errstr, size_t errstr_size)
{
    zw_buf b;
    zw_buf_init(&b);
    ex_fp *fp = NULL;
    if (zw_buf_read_file(&b, path, errstr, errstr_size) == ZW_OK) {
        fp = ex_fp_load_mem(b.p, b.len, errstr, errstr_size);
    }
    zw_buf_free(&b);
    return fp;
}

const ex_provider *ex_fp_match(const ex_fp *fp, ex_via via, const char *s, const char **pattern)
{
    for (size_t i = 0; i < fp->npats[via]; i++) {
        if (ex_glob(fp->pats[via][i].pattern, s)) {
            if (pattern) {
                *pattern = fp->pats[via][i].pattern;
            }
            return &fp->providers[fp->pats[via][i].provider];
        }
    }
    return NULL;
}

const char *ex_fp_host_label(const ex_fp *fp, const char *token, size_t n)
{
    for (size_t i = 0; i < fp->nlabels; i++) {
        if (strlen(fp->labels[i].label) == n && strncasecmp(fp->labels[i].label, token, n) == 0) {
            return fp->labels[i].category;
        }
    }
    return NULL;
}

size_t ex_fp_provider_count(const ex_fp *fp)
{
    return fp->nproviders;
}

const ex_provider *ex_fp_provider(const ex_fp *fp, size_t i)
{
    return i < fp->nproviders ? &fp->providers[i] : NULL;
}
