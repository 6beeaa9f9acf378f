/*
 * dc_int.h - compiler internals shared by dc_compile.c (driver, tuning, field maps,
 * filters, correlations), dc_det.c (DET-style strategies), the Sigma front-end
 * (dc_sigma.c documents, dc_sigma_cond.c detection and condition, dc_sigma_value.c
 * values and modifiers) and dc_doc.c, the bottom layer they all share.  Calls go one
 * way: driver -> DET -> Sigma -> dc_doc -> IR.  Not a public header.
 */
#ifndef DC_INT_H
#define DC_INT_H

#include "dc.h"
#include "dc_yaml.h"

#include "../common/zw_common.h"

#include <stdint.h>

typedef struct {
    uint32_t *v;
    size_t n, cap;
} dc_prog;

int dc_prog_push(dc_prog *p, uint32_t w);
int dc_prog_append(dc_prog *p, const dc_prog *q);
void dc_prog_free(dc_prog *p);

typedef struct {
    char *product, *category, *service; /* NULL: any */
    char *formats;                      /* comma list of normalizer formats, or NULL */
    char **from, **to;
    size_t n;
} dc_fieldmap;

typedef struct {
    char **rules;
    size_t nrules;
    dc_prog prog;
    char *file;
    int line, col;
    char *title;
    int used;
} dc_filter;

struct dc_compiler {
    dc_ruleset *rs;
    dc_stats st;
    dc_ydoc *tuning;
    const dc_ynode *placeholders; /* MAP name -> scalar | SEQ */
    const dc_ynode *parameters;   /* MAP name -> value */
    dc_fieldmap *fms;
    size_t nfm;
    dc_filter *filters;
    size_t nfilters;
    int explain;   /* also emit one DC_RK_SELECTION rule per search identifier */
    char **xnames; /* identifiers of the last detection compiled (explain mode) */
    dc_prog *xprogs;
    size_t nx;
};

/* Explain mode: appends the stashed identifier programs as DC_RK_SELECTION rules named
 * "<parent id> / <identifier>" after the rule just added, then clears the stash. */
void dc_explain_flush(dc_compiler *c, const char *parent_id, int keep);

/* One YAML document being compiled. */
typedef struct {
    dc_compiler *c;
    dc_diags *d;
    const char *file;
    int errors;
    const char *product, *category, *service; /* rule's log source (field maps) */
    const dc_ynode *params;                   /* DET: MAP name -> value node (tuning applied) */
    int det;         /* DET analytic: fields are canonical paths, %param% expands */
    size_t expanded; /* patterns made by windash in this document (capped) */
} dc_doc;

void dc_err(dc_doc *x, const dc_ynode *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void dc_unsup(dc_doc *x, const dc_ynode *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Compiles a Sigma `detection` map (search identifiers + condition) into prog.
 * Errors are reported; returns 0 or -1. */
int dc_sigma_detection(dc_doc *x, const dc_ynode *detection, dc_prog *out);

/* One Sigma field item (`field|modifiers: value(s)`, or a keyword list when key is a
 * synthetic "" key) into leaves appended to out (dc_sigma_value.c).  0 or -1. */
int dc_sigma_field_item(dc_doc *x, const dc_ynode *key, const dc_ynode *val, dc_prog *out);

/* Sigma rule / correlation / filter documents (dc_sigma.c). */
int dc_sigma_rule(dc_doc *x, const dc_ynode *root);
int dc_sigma_correlation(dc_doc *x, const dc_ynode *root);
int dc_sigma_filter(dc_doc *x, const dc_ynode *root);
/* DET strategy document (dc_det.c). */
int dc_det_strategy(dc_doc *x, const dc_ynode *root);

/* Routing of a Sigma rule by its log source (dc_rule.routes), borrowed. */
const char *dc_routes(dc_doc *x);
/* Field name after the field map for the document's log source (borrowed). */
const char *dc_map_field(dc_doc *x, const char *name);

/* ---- dc_doc.c: the bottom layer shared by the front-ends and the driver ---- */

/* A scalar node's text as the front-end reads it (DET resolves %parameters%, with a
 * diagnostic when it cannot); NULL when there is none. */
typedef const char *(*dc_scalar_fn)(dc_doc *x, const dc_ynode *n);
const char *dc_plain_scalar(dc_doc *x, const dc_ynode *n);
/* Correlation condition map (gt, gte, lt, lte, eq: N; field: F; percentile: P) into c,
 * shared by DET and Sigma: every bound must be a number (a count not negative), each
 * error reported with its position.  0 or -1. */
int dc_corr_condition(dc_doc *x, const dc_ynode *cond, dc_corr *c, dc_scalar_fn scalar);
/* Decimal number ([+-]digits[.digits]) in full; 0, or -1 when s is not one. */
int dc_is_number(const char *s);
int dc_parse_number(const char *s, double *out);

/* Duplicates s or "" (never NULL unless out of memory). */
char *dc_strdup0(const char *s);
/* Reads a string or list of strings into a new vector; -1 with a diagnostic if
 * the node is neither. */
int dc_strv(dc_doc *x, const dc_ynode *n, char ***out, uint32_t *nout);
/* Collects attack.* tags / techniques. */

#endif
