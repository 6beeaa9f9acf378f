/*
 * dc_diag.h - compiler diagnostics: every error and unsupported construct with
 * file:line:col and a reason.  The compiler keeps going after the first error and
 * collects them all; the CLI prints them.
 *
 * Ownership: the list owns its messages; dc_diags_free() releases them.
 */
#ifndef DC_DIAG_H
#define DC_DIAG_H

#include <stddef.h>

typedef enum { DC_DIAG_ERROR, DC_DIAG_UNSUPPORTED, DC_DIAG_WARNING } dc_diag_kind;

typedef struct {
    dc_diag_kind kind;
    char *file;
    int line, col;
    char *msg;
} dc_diag;

typedef struct {
    dc_diag *v;
    size_t n, cap;
} dc_diags;

void dc_diags_init(dc_diags *d);
void dc_diags_free(dc_diags *d);
/* Adds one diagnostic (message printf-formatted).  Out of memory drops it silently:
 * the caller still sees a failed status. */
void dc_diag_add(dc_diags *d, dc_diag_kind kind, const char *file, int line, int col,
                 const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Errors and unsupported constructs (warnings excluded). */
size_t dc_diags_errors(const dc_diags *d);
const char *dc_diag_kind_name(dc_diag_kind k);

#endif
