/*
 * dc.h - the detection compiler: DET-style detection strategies, Sigma rules, Sigma
 * correlation rules and Sigma filters in; a validated dc_ruleset (dc_ir.h) out.
 *
 * Use: dc_compiler_new(); optionally dc_compiler_tuning() and dc_compiler_fieldmaps();
 * dc_compile_path() for every file or directory (directories are walked for *.yml /
 * *.yaml, sorted); dc_compiler_finish() applies filters and resolves correlation
 * references and hands over the ruleset.  Every problem goes to the caller's
 * diagnostics list with file:line:col; nothing is printed.
 *
 * keep_going: a document with an error is skipped (its reasons stay in the list, and
 * it is counted in skipped) while the others compile.  Without it the caller should
 * treat any error as fatal (the ruleset is still returned, for lint).
 *
 * Ownership: the compiler owns its ruleset until dc_compiler_finish() returns it; the
 * caller then owns it (dc_ruleset_free) and still destroys the compiler.
 */
#ifndef DC_H
#define DC_H

#include "dc_diag.h"
#include "dc_ir.h"

typedef struct dc_compiler dc_compiler;

typedef struct {
    size_t files;     /* files read */
    size_t documents; /* YAML documents that are detections */
    size_t compiled;  /* rules + analytics + correlations + filters compiled */
    size_t skipped;   /* documents skipped because of errors */
} dc_stats;

dc_compiler *dc_compiler_new(void);
void dc_compiler_destroy(dc_compiler *c); /* NULL is a no-op */

/* Loads a tuning file: placeholders for Sigma `expand` and parameter overrides for DET
 * analytics.  Errors go to diags; returns 0 or a negative status. */
int dc_compiler_tuning(dc_compiler *c, const char *path, dc_diags *diags);
/* Loads every .yml field map file under dir (Sigma taxonomy -> OCSF paths). */
int dc_compiler_fieldmaps(dc_compiler *c, const char *dir, dc_diags *diags);

/* Explain mode: every search identifier also becomes a rule of kind DC_RK_SELECTION
 * (id "<rule id> / <identifier>", generate 0), so explain can say which matched. */
void dc_compiler_explain_mode(dc_compiler *c, int on);

/* Compiles one file or a directory tree.  Returns 0 when everything compiled, 1 when
 * something was skipped or failed (diagnostics say what), negative on I/O errors. */
int dc_compile_path(dc_compiler *c, const char *path, dc_diags *diags);
/* Compiles an in-memory YAML text named name (for tests). */
int dc_compile_text(dc_compiler *c, const char *name, const char *p, size_t n, dc_diags *diags);

/* Applies filters, resolves correlation references (errors to diags), returns the
 * ruleset (caller owns it) or NULL on out-of-memory.  Call once. */
dc_ruleset *dc_compiler_finish(dc_compiler *c, dc_diags *diags);
const dc_stats *dc_compiler_stats(const dc_compiler *c);

/* Parses "30s", "5m", "1h", "2d", "1w" into milliseconds; -1 if malformed. */
int64_t dc_parse_duration(const char *s);

#endif
