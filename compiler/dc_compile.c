/*
 * dc_compile.c - the compiler driver: files and directories, YAML documents and their
 * kind (Sigma rule, correlation, filter, DET strategy), the tuning file, field maps,
 * and the finishing passes (filters applied to the rules they name, correlation
 * references resolved, `generate` applied).
 */
#include "dc_int.h"
#include "../common/zw_buf.h"
#include "../common/zw_hash.h"
#include "../common/zw_walk.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

dc_compiler *dc_compiler_new(void)
{
    dc_compiler *c = calloc(1, sizeof *c);
    if (c && !(c->rs = dc_ruleset_new())) {
        free(c);
        return NULL;
    }
    return c;
}

static void free_fm(dc_fieldmap *f)
{
    free(f->product);
    free(f->category);
    free(f->service);
    free(f->formats);
    for (size_t i = 0; i < f->n; i++) {
        free(f->from[i]);
        free(f->to[i]);
    }
    free(f->from);
    free(f->to);
}

void dc_compiler_destroy(dc_compiler *c)
{
    if (!c) {
        return;
    }
    dc_explain_flush(c, "", 0);
    dc_ruleset_free(c->rs);
    dc_ydoc_free(c->tuning);
    for (size_t i = 0; i < c->nfm; i++) {
        free_fm(&c->fms[i]);
    }
    free(c->fms);
    for (size_t i = 0; i < c->nfilters; i++) {
        dc_filter *f = &c->filters[i];
        for (size_t j = 0; j < f->nrules; j++) {
            free(f->rules[j]);
        }
        free(f->rules);
        dc_prog_free(&f->prog);
        free(f->file);
        free(f->title);
    }
    free(c->filters);
    free(c);
}

void dc_compiler_explain_mode(dc_compiler *c, int on)
{
    c->explain = on;
}

const dc_stats *dc_compiler_stats(const dc_compiler *c)
{
    return &c->st;
}

/* The file's bytes (malloc'ed, NUL-terminated) in *out; -1 if it cannot be read. */
static int read_all(const char *path, char **out, size_t *n)
{
    zw_buf b;
    zw_buf_init(&b);
    if (zw_buf_read_file(&b, path, NULL, 0)) {
        zw_buf_free(&b);
        return -1;
    }
    *out = b.p;
    *n = b.len;
    return 0;
}

int dc_compiler_tuning(dc_compiler *c, const char *path, dc_diags *diags)
{
    char *p;
    size_t n;
    if (read_all(path, &p, &n)) {
        dc_diag_add(diags, DC_DIAG_ERROR, path, 0, 0, "cannot read tuning file: %s",
                    strerror(errno));
        return -1;
    }
    char err[300];
    int el = 0, ec = 0;
    dc_ydoc *d = dc_yaml_load(p, n, err, sizeof err, &el, &ec);
    free(p);
    if (!d) {
        dc_diag_add(diags, DC_DIAG_ERROR, path, el, ec, "YAML: %s", err);
        return -1;
    }
    dc_ydoc_free(c->tuning);
    c->tuning = d;
    if (!d->root || d->root->kind != DC_Y_MAP) {
        dc_diag_add(diags, DC_DIAG_ERROR, path, 1, 1,
                    "tuning file must be a map with placeholders: and/or parameters:");
        return -1;
    }
    c->placeholders = dc_ymap_get(d->root, "placeholders");
    c->parameters = dc_ymap_get(d->root, "parameters");
    int rc = 0;
    for (size_t i = 0; i < d->root->n; i++) {
        const char *k = dc_ystr(d->root->items[2 * i]);
        const dc_ynode *v = d->root->items[2 * i + 1];
        if (!k || (strcmp(k, "placeholders") != 0 && strcmp(k, "parameters") != 0)) {
            dc_diag_add(diags, DC_DIAG_ERROR, path, d->root->items[2 * i]->line,
                        d->root->items[2 * i]->col,
                        "unknown tuning section '%s' (placeholders, parameters)", k ? k : "?");
            rc = -1;
        } else if (v->kind != DC_Y_MAP && !dc_yis_null(v)) {
            dc_diag_add(diags, DC_DIAG_ERROR, path, v->line, v->col, "'%s' must be a map", k);
            rc = -1;
        }
    }
    return rc;
}

static int fm_load(dc_compiler *c, const char *path, dc_diags *diags)
{
    char *p;
    size_t n;
    if (read_all(path, &p, &n)) {
        dc_diag_add(diags, DC_DIAG_ERROR, path, 0, 0, "cannot read field map");
        return -1;
    }
    char err[300];
    int el = 0, ec = 0;
    dc_ydoc *d = dc_yaml_load(p, n, err, sizeof err, &el, &ec);
    free(p);
    if (!d) {
        dc_diag_add(diags, DC_DIAG_ERROR, path, el, ec, "YAML: %s", err);
        return -1;
    }
    int rc = 0;
    for (dc_ydoc *doc = d; doc; doc = doc->next) {
        const dc_ynode *ls = dc_ymap_get(doc->root, "logsource");
        const dc_ynode *fields = dc_ymap_get(doc->root, "fields");
        if (!fields || fields->kind != DC_Y_MAP) {
            dc_diag_add(diags, DC_DIAG_ERROR, path, doc->root ? doc->root->line : 1, 1,
                        "field map needs logsource: and fields: (map)");
            rc = -1;
            continue;
        }
        dc_fieldmap *nf = realloc(c->fms, (c->nfm + 1) * sizeof *nf);
        if (!nf) {
            rc = -1;
            break;
        }
        c->fms = nf;
        dc_fieldmap *f = &nf[c->nfm++];
        memset(f, 0, sizeof *f);
        const char *s;
        f->product = (s = dc_ystr(dc_ymap_get(ls, "product"))) ? strdup(s) : NULL;
        f->category = (s = dc_ystr(dc_ymap_get(ls, "category"))) ? strdup(s) : NULL;
        f->service = (s = dc_ystr(dc_ymap_get(ls, "service"))) ? strdup(s) : NULL;
        const dc_ynode *fmts = dc_ymap_get(doc->root, "formats");
        if (fmts && fmts->kind == DC_Y_SEQ) {
            size_t tl = 1;
            for (size_t i = 0; i < fmts->n; i++) {
                tl += (fmts->items[i]->str ? fmts->items[i]->len : 0) + 1;
            }
            f->formats = calloc(tl, 1);
            for (size_t i = 0; f->formats && i < fmts->n; i++) {
                if (fmts->items[i]->kind == DC_Y_SCALAR) {
                    if (f->formats[0]) {
                        strcat(f->formats, ",");
                    }
                    strcat(f->formats, fmts->items[i]->str);
                }
            }
        } else if (fmts) {
            dc_diag_add(diags, DC_DIAG_ERROR, path, fmts->line, fmts->col,
                        "formats must be a list of normalizer format names");
            rc = -1;
        }
        f->from = calloc(fields->n + 1, sizeof *f->from);
        f->to = calloc(fields->n + 1, sizeof *f->to);
        for (size_t i = 0; i < fields->n; i++) {
            const char *a = dc_ystr(fields->items[2 * i]), *b = dc_ystr(fields->items[2 * i + 1]);
            if (!a || !b) {
                dc_diag_add(diags, DC_DIAG_ERROR, path, fields->items[2 * i]->line,
                            fields->items[2 * i]->col, "field map entries are name: path");
                rc = -1;
                continue;
            }
            f->from[f->n] = strdup(a);
            f->to[f->n++] = strdup(b);
        }
    }
    dc_ydoc_free(d);
    return rc;
}

int dc_compiler_fieldmaps(dc_compiler *c, const char *dir, dc_diags *diags)
{
    zw_paths v = {0};
    char err[600];
    if (zw_yaml_files(dir, &v, err, sizeof err)) {
        dc_diag_add(diags, DC_DIAG_ERROR, dir, 0, 0, "cannot read field map directory: %s", err);
        zw_paths_free(&v);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < v.n; i++) {
        rc |= fm_load(c, v.v[i], diags);
    }
    zw_paths_free(&v);
    return rc;
}

int dc_compile_text(dc_compiler *c, const char *name, const char *p, size_t n, dc_diags *diags)
{
    char err[300];
    int el = 0, ec = 0;
    c->st.files++;
    dc_ydoc *docs = dc_yaml_load(p, n, err, sizeof err, &el, &ec);
    if (!docs) {
        const char *colon = strchr(err, ' ');
        dc_diag_add(diags, DC_DIAG_ERROR, name, el, ec, "YAML: %s", colon ? colon + 1 : err);
        c->st.documents++;
        c->st.skipped++;
        return 1;
    }
    int status = 0;
    for (dc_ydoc *d = docs; d; d = d->next) {
        const dc_ynode *root = d->root;
        if (!root) {
            continue;
        }
        dc_doc x;
        memset(&x, 0, sizeof x);
        x.c = c;
        x.d = diags;
        x.file = name;
        int rc;
        if (root->kind != DC_Y_MAP) {
            dc_err(&x, root, "a detection document must be a YAML map");
            rc = -1;
        } else if (dc_ymap_get(root, "correlation")) {
            rc = dc_sigma_correlation(&x, root);
        } else if (dc_ymap_get(root, "filter")) {
            rc = dc_sigma_filter(&x, root);
        } else if (dc_ymap_get(root, "analytics") || dc_ymap_get(root, "strategy")) {
            rc = dc_det_strategy(&x, root);
        } else if (dc_ymap_get(root, "detection")) {
            rc = dc_sigma_rule(&x, root);
        } else if (dc_ymap_get(root, "action")) {
            dc_unsup(&x, root, "Sigma 1.x rule collection ('action: %s')",
                     dc_ystr(dc_ymap_get(root, "action")) ? dc_ystr(dc_ymap_get(root, "action"))
                                                          : "?");
            rc = -1;
        } else {
            dc_err(&x, root,
                   "not a detection: no detection, correlation, filter or analytics section");
            rc = -1;
        }
        c->st.documents++;
        if (rc || x.errors) {
            c->st.skipped++;
            status = 1;
        } else {
            c->st.compiled++;
        }
    }
    dc_ydoc_free(docs);
    return status;
}

static int compile_dir(dc_compiler *c, const char *path, dc_diags *diags);

int dc_compile_path(dc_compiler *c, const char *path, dc_diags *diags)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        dc_diag_add(diags, DC_DIAG_ERROR, path, 0, 0, "%s", strerror(errno));
        return ZW_EIO;
    }
    if (S_ISDIR(sb.st_mode)) {
        return compile_dir(c, path, diags);
    }
    char *p;
    size_t n;
    if (read_all(path, &p, &n)) {
        dc_diag_add(diags, DC_DIAG_ERROR, path, 0, 0, "cannot read: %s", strerror(errno));
        return ZW_EIO;
    }
    int rc = dc_compile_text(c, path, p, n, diags);
    free(p);
    return rc;
}

/* Every YAML file under a directory once (zw_walk.h); a directory without any is an
 * error, not an empty rule set. */
static int compile_dir(dc_compiler *c, const char *path, dc_diags *diags)
{
    zw_paths v = {0};
    char err[600];
    int rc = zw_yaml_files(path, &v, err, sizeof err);
    if (rc) {
        dc_diag_add(diags, DC_DIAG_ERROR, path, 0, 0, "cannot read directory: %s", err);
        rc = ZW_EIO;
    } else if (v.n == 0) {
        dc_diag_add(diags, DC_DIAG_ERROR, path, 0, 0,
                    "no rule files (*.yml, *.yaml) in this directory or below");
        rc = ZW_EINVAL;
    }
    for (size_t i = 0; i < v.n; i++) {
        int r = dc_compile_path(c, v.v[i], diags);
        if (r < 0 || (r > 0 && rc == 0)) {
            rc = r;
        }
    }
    zw_paths_free(&v);
    return rc;
}

static int rule_named(const dc_rule *r, const char *ref)
{
    return (r->id[0] && strcmp(r->id, ref) == 0) || (r->name[0] && strcmp(r->name, ref) == 0) ||
           (r->title[0] && strcmp(r->title, ref) == 0);
}

/* The same rule id twice (in two files, or twice in one) is an error naming both
 * places: a rule set must not depend on which copy wins.  Correlations have their own
 * namespace.  Linear: an open-addressing hash of ids. */
static void check_duplicate_ids(dc_ruleset *rs, dc_diags *diags)
{
    size_t cap = 64;
    while (cap < ((size_t)rs->nrules + rs->ncorrs) * 2) {
        cap *= 2;
    }
    uint32_t *slot = calloc(cap, sizeof *slot); /* 1 + rule, or 1 + nrules + corr */
    if (!slot) {
        return;
    }
    for (uint32_t i = 0; i < rs->nrules + rs->ncorrs; i++) {
        int isr = i < rs->nrules;
        const char *id = isr ? rs->rules[i].id : rs->corrs[i - rs->nrules].id;
        if (!id[0] || (isr && rs->rules[i].kind == DC_RK_SELECTION)) {
            continue;
        }
        size_t j = (size_t)zw_hash_add(zw_hash(&isr, sizeof isr), id, strlen(id)) & (cap - 1);
        for (; slot[j]; j = (j + 1) & (cap - 1)) {
            uint32_t k = slot[j] - 1;
            int ksr = k < rs->nrules;
            const char *kid = ksr ? rs->rules[k].id : rs->corrs[k - rs->nrules].id;
            if (ksr == isr && strcmp(kid, id) == 0) {
                break;
            }
        }
        if (!slot[j]) {
            slot[j] = i + 1;
            continue;
        }
        uint32_t k = slot[j] - 1;
        const char *f1 = isr ? rs->rules[k].file : rs->corrs[k - rs->nrules].file;
        uint32_t l1 = isr ? rs->rules[k].line : rs->corrs[k - rs->nrules].line;
        const char *f2 = isr ? rs->rules[i].file : rs->corrs[i - rs->nrules].file;
        uint32_t l2 = isr ? rs->rules[i].line : rs->corrs[i - rs->nrules].line;
        dc_diag_add(diags, DC_DIAG_ERROR, f2, (int)l2, 1,
                    "duplicate %s id '%s': also defined at %s:%u", isr ? "rule" : "correlation", id,
                    f1, l1);
    }
    free(slot);
}

dc_ruleset *dc_compiler_finish(dc_compiler *c, dc_diags *diags)
{
    dc_ruleset *rs = c->rs;
    check_duplicate_ids(rs, diags);
    /* filters: rule condition AND filter condition */
    for (size_t i = 0; i < c->nfilters; i++) {
        dc_filter *f = &c->filters[i];
        for (size_t j = 0; j < f->nrules; j++) {
            int found = 0;
            for (uint32_t k = 0; k < rs->nrules; k++) {
                dc_rule *r = &rs->rules[k];
                if (!rule_named(r, f->rules[j])) {
                    continue;
                }
                found = 1;
                uint32_t *np = realloc(r->prog, (r->nprog + f->prog.n + 1) * sizeof *np);
                if (!np) {
                    return NULL;
                }
                memcpy(np + r->nprog, f->prog.v, f->prog.n * sizeof *np);
                r->nprog += (uint32_t)f->prog.n;
                np[r->nprog++] = DC_P_MAKE(DC_P_AND, 2);
                r->prog = np;
            }
            if (!found) {
                dc_diag_add(diags, DC_DIAG_WARNING, f->file, f->line, f->col,
                            "filter '%s' names rule '%s', which is not among the compiled rules",
                            f->title, f->rules[j]);
            }
        }
    }
    /* correlations: references must resolve; referenced rules stop alerting alone
     * unless the correlation says generate: true */
    for (uint32_t i = 0; i < rs->ncorrs; i++) {
        dc_corr *co = &rs->corrs[i];
        for (uint32_t j = 0; j < co->nrules; j++) {
            int found = 0;
            for (uint32_t k = 0; k < rs->nrules; k++) {
                if (rule_named(&rs->rules[k], co->rules[j])) {
                    found = 1;
                    if (!co->generate) {
                        rs->rules[k].generate = 0;
                    }
                }
            }
            for (uint32_t k = 0; k < rs->ncorrs && !found; k++) {
                found =
                    k != i && ((co->rules[j][0] && strcmp(rs->corrs[k].id, co->rules[j]) == 0) ||
                               strcmp(rs->corrs[k].name, co->rules[j]) == 0);
            }
            if (!found) {
                dc_diag_add(diags, DC_DIAG_ERROR, co->file, (int)co->line, 1,
                            "correlation '%s' references unknown rule '%s'", co->title,
                            co->rules[j]);
            }
        }
    }
    c->rs = NULL;
    return rs;
}
