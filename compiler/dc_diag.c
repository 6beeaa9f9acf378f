/*
 * dc_diag.c - the diagnostics list.
 */
#include "../common/zw_grow.h"
#include "dc_diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void dc_diags_init(dc_diags *d)
{
    memset(d, 0, sizeof *d);
}

void dc_diags_free(dc_diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].file);
        free(d->v[i].msg);
    }
    free(d->v);
    memset(d, 0, sizeof *d);
}

void dc_diag_add(dc_diags *d, dc_diag_kind kind, const char *file, int line, int col,
                 const char *fmt, ...)
{
    if (zw_grow(&d->v, &d->cap, d->n + 1, sizeof *d->v, 16)) {
        return;
    }
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    dc_diag *g = &d->v[d->n];
    g->kind = kind;
    g->file = strdup(file ? file : "-");
    g->line = line;
    g->col = col;
    g->msg = strdup(buf);
    if (!g->file || !g->msg) {
        free(g->file);
        free(g->msg);
        return;
    }
    d->n++;
}

size_t dc_diags_errors(const dc_diags *d)
{
    size_t n = 0;
    for (size_t i = 0; i < d->n; i++) {
        n += d->v[i].kind != DC_DIAG_WARNING;
    }
    return n;
}

const char *dc_diag_kind_name(dc_diag_kind k)
{
    switch (k) {
    case DC_DIAG_ERROR:
        return "error";
    case DC_DIAG_UNSUPPORTED:
        return "unsupported";
    default:
        return "warning";
    }
}
