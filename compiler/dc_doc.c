/*
 * dc_doc.c - the bottom layer of the compiler, shared by the DET and Sigma front-ends
 * and the driver: diagnostics with position (dc_err, dc_unsup), condition programs,
 * string vectors, numbers and durations, the field map and routes of a document's log
 * source, the explain-mode stash, and the one correlation-condition parser of both
 * front-ends.  It calls nothing above it (no front-end, no driver), so the compiler
 * layers one way: dc_compile.c -> dc_det.c -> dc_sigma*.c -> dc_doc.c -> dc_ir.c.
 */
#include "dc_int.h"

#include "../common/zw_grow.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void dc_err(dc_doc *x, const dc_ynode *at, const char *fmt, ...)
{
    char buf[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    dc_diag_add(x->d, DC_DIAG_ERROR, x->file, at ? at->line : 0, at ? at->col : 0, "%s", buf);
    x->errors++;
}

void dc_unsup(dc_doc *x, const dc_ynode *at, const char *fmt, ...)
{
    char buf[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    dc_diag_add(x->d, DC_DIAG_UNSUPPORTED, x->file, at ? at->line : 0, at ? at->col : 0, "%s", buf);
    x->errors++;
}

int dc_prog_push(dc_prog *p, uint32_t w)
{
    if (zw_grow(&p->v, &p->cap, p->n + 1, sizeof *p->v, 16)) {
        return -1;
    }
    p->v[p->n++] = w;
    return 0;
}

int dc_prog_append(dc_prog *p, const dc_prog *q)
{
    for (size_t i = 0; i < q->n; i++) {
        if (dc_prog_push(p, q->v[i])) {
            return -1;
        }
    }
    return 0;
}

void dc_prog_free(dc_prog *p)
{
    free(p->v);
    memset(p, 0, sizeof *p);
}

char *dc_strdup0(const char *s)
{
    return strdup(s ? s : "");
}

int dc_strv(dc_doc *x, const dc_ynode *n, char ***out, uint32_t *nout)
{
    *out = NULL;
    *nout = 0;
    if (!n) {
        return 0;
    }
    if (n->kind == DC_Y_SCALAR) {
        *out = malloc(sizeof **out);
        (*out)[0] = strdup(n->str);
        *nout = 1;
        return 0;
    }
    if (n->kind != DC_Y_SEQ) {
        dc_err(x, n, "expected a string or a list of strings");
        return -1;
    }
    *out = calloc(n->n ? n->n : 1, sizeof **out);
    for (size_t i = 0; i < n->n; i++) {
        if (n->items[i]->kind != DC_Y_SCALAR) {
            dc_err(x, n->items[i], "expected a string");
            for (uint32_t k = 0; k < *nout; k++) {
                free((*out)[k]);
            }
            free(*out);
            *out = NULL;
            *nout = 0;
            return -1;
        }
        (*out)[(*nout)++] = strdup(n->items[i]->str);
    }
    return 0;
}

int dc_is_number(const char *s)
{
    const char *p = s;
    if (*p == '-' || *p == '+') {
        p++;
    }
    if (!*p) {
        return 0;
    }
    int digits = 0, dot = 0;
    for (; *p; p++) {
        if (isdigit((unsigned char)*p)) {
            digits++;
        } else if (*p == '.' && !dot) {
            dot = 1;
        } else {
            return 0;
        }
    }
    return digits > 0;
}

int64_t dc_parse_duration(const char *s)
{
    char *end;
    if (!s || !*s) {
        return -1;
    }
    double v = strtod(s, &end);
    if (end == s || v < 0) {
        return -1;
    }
    int64_t mul;
    if (strcmp(end, "ms") == 0) {
        mul = 1;
    } else if (strcmp(end, "s") == 0) {
        mul = 1000;
    } else if (strcmp(end, "m") == 0) {
        mul = 60000;
    } else if (strcmp(end, "h") == 0) {
        mul = 3600000;
    } else if (strcmp(end, "d") == 0) {
        mul = 86400000;
    } else if (strcmp(end, "w") == 0) {
        mul = 7 * 86400000LL;
    } else if (strcmp(end, "M") == 0) {
        mul = 30 * 86400000LL;
    } else if (strcmp(end, "y") == 0) {
        mul = 365 * 86400000LL;
    } else {
        return -1;
    }
    return (int64_t)(v * (double)mul);
}

static int ls_match(const char *want, const char *have)
{
    return !want || (have && strcmp(want, have) == 0);
}

const char *dc_routes(dc_doc *x)
{
    for (size_t i = 0; i < x->c->nfm; i++) {
        dc_fieldmap *f = &x->c->fms[i];
        if (!f->formats || (!f->product && !f->category && !f->service)) {
            continue;
        }
        if (ls_match(f->product, x->product) && ls_match(f->category, x->category) &&
            ls_match(f->service, x->service)) {
            return f->formats;
        }
    }
    return x->product && strcmp(x->product, "zonewarden") == 0 ? "" : "-";
}

const char *dc_map_field(dc_doc *x, const char *name)
{
    for (size_t i = 0; i < x->c->nfm; i++) {
        dc_fieldmap *f = &x->c->fms[i];
        if (!ls_match(f->product, x->product) || !ls_match(f->category, x->category) ||
            !ls_match(f->service, x->service)) {
            continue;
        }
        if (!f->product && !f->category && !f->service) {
            continue;
        }
        for (size_t j = 0; j < f->n; j++) {
            if (strcmp(f->from[j], name) == 0) {
                return f->to[j];
            }
        }
    }
    return name;
}

void dc_explain_flush(dc_compiler *c, const char *parent_id, int keep)
{
    for (size_t i = 0; i < c->nx; i++) {
        dc_rule *r = keep ? dc_ruleset_add_rule(c->rs) : NULL;
        if (r) {
            size_t l = strlen(parent_id) + strlen(c->xnames[i]) + 4;
            r->kind = DC_RK_SELECTION;
            r->id = malloc(l);
            if (r->id) {
                snprintf(r->id, l, "%s / %s", parent_id, c->xnames[i]);
            }
            r->name = strdup("");
            r->title = strdup(c->xnames[i]);
            r->level = strdup("informational");
            r->description = strdup("");
            r->file = strdup("");
            r->product = strdup("");
            r->category = strdup("");
            r->service = strdup("");
            r->strategy_id = strdup("");
            r->strategy_name = strdup("");
            r->routes = strdup("");
            r->prog = c->xprogs[i].v;
            r->nprog = (uint32_t)c->xprogs[i].n;
            c->xprogs[i].v = NULL;
        }
        dc_prog_free(&c->xprogs[i]);
        free(c->xnames[i]);
    }
    free(c->xnames);
    free(c->xprogs);
    c->xnames = NULL;
    c->xprogs = NULL;
    c->nx = 0;
}

/* A correlation bound that counts events or values cannot be negative. */
static int counts(const dc_corr *c)
{
    return c->type == DC_CT_EVENT_COUNT || c->type == DC_CT_VALUE_COUNT ||
           c->type == DC_CT_TEMPORAL || c->type == DC_CT_TEMPORAL_ORDERED;
}

const char *dc_plain_scalar(dc_doc *x, const dc_ynode *n)
{
    (void)x;
    return dc_ystr(n);
}

int dc_parse_number(const char *s, double *out)
{
    if (!s || !dc_is_number(s)) {
        return -1;
    }
    *out = strtod(s, NULL);
    return 0;
}

int dc_corr_condition(dc_doc *x, const dc_ynode *cond, dc_corr *c, dc_scalar_fn scalar)
{
    if (!cond || cond->kind != DC_Y_MAP) {
        dc_err(x, cond, "correlation condition must be a map (gte: 10, field: ...)");
        return -1;
    }
    for (size_t i = 0; i < cond->n; i++) {
        const dc_ynode *kn = cond->items[2 * i], *v = cond->items[2 * i + 1];
        const char *k = dc_ystr(kn);
        if (!k) {
            dc_err(x, kn, "correlation condition keys are gt, gte, lt, lte, eq, field");
            return -1;
        }
        int errs = x->errors;
        const char *s = v->kind == DC_Y_SCALAR ? scalar(x, v) : NULL;
        if (!s && x->errors != errs) {
            return -1; /* the resolver said why (an unknown %parameter%) */
        }
        if (strcmp(k, "field") == 0) {
            if (!s) {
                dc_unsup(x, v, "correlation condition field as a list");
                return -1;
            }
            free(c->field);
            c->field = strdup(x->det ? s : dc_map_field(x, s));
            continue;
        }
        if (strcmp(k, "percentile") == 0) {
            if (dc_parse_number(s, &c->percentile)) {
                dc_err(x, v, "percentile must be a number");
                return -1;
            }
            continue;
        }
        double d;
        if (dc_parse_number(s, &d)) {
            dc_err(x, v, "correlation condition '%s' needs a number, not %s", k,
                   s ? s : "a list or map");
            return -1;
        }
        if (d < 0 && counts(c)) {
            dc_err(x, v, "correlation condition '%s' is a count: %s is negative", k, s);
            return -1;
        }
        if (strcmp(k, "gt") == 0 || strcmp(k, "gte") == 0) {
            c->has_min = 1;
            c->min_incl = k[2] == 'e';
            c->min = d;
        } else if (strcmp(k, "lt") == 0 || strcmp(k, "lte") == 0) {
            c->has_max = 1;
            c->max_incl = k[2] == 'e';
            c->max = d;
        } else if (strcmp(k, "eq") == 0) {
            c->has_min = c->has_max = c->min_incl = c->max_incl = 1;
            c->min = c->max = d;
        } else if (x->det) {
            dc_err(x, kn, "unknown correlation condition '%s'", k);
            return -1;
        } else {
            dc_unsup(x, kn, "correlation condition operator '%s'", k);
            return -1;
        }
    }
    return 0;
}
