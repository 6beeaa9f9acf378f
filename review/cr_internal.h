/*
 * cr_internal.h - helpers shared by the configuration-review files only: building the
 * model (cr_model.c) from the four parsers (cr_bind.c, cr_knot.c, cr_nsd.c, cr_pdns.c).
 * Every string handed to these helpers is copied into the config's arena.
 */
#ifndef CR_INTERNAL_H
#define CR_INTERNAL_H

#include "cr.h"

/* Caps: nested includes, files per configuration, acl expansion depth. */
#define CR_MAX_INCLUDE_DEPTH 16
#define CR_MAX_FILES 256
#define CR_MAX_ACL_DEPTH 16

char *cr_strdup(cr_config *c, const char *p, size_t n);
/* Lower-cased copy without a trailing dot (zone names). */
char *cr_dname(cr_config *c, const char *p, size_t n);
/* Records a diagnostic "file:line:col: msg".  ZW_ENOMEM. */
int cr_diagf(cr_config *c, const char *file, int64_t line, int64_t col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Appends a zone (name copied, view borrowed from the arena).  NULL on out-of-memory. */
cr_zone *cr_zone_add(cr_config *c, const char *name, size_t n, const char *view, cr_pos pos);
cr_key *cr_key_add(cr_config *c, const char *name, const char *alg, const char *secret, cr_pos pos);
/* Decoded length of base64 text (whitespace ignored); 0 when it is not base64. */
size_t cr_b64_len(const char *s);

/* A growing element list (malloc'd; cr_elist_free). */
typedef struct {
    cr_elem *e;
    size_t n, cap;
} cr_elist;

int cr_elist_add(cr_config *c, cr_elist *l, cr_elem_kind k, int neg, const char *addr,
                 const char *key);
void cr_elist_free(cr_elist *l);
/* Sets a to a copy of l (in the arena), marked set, with scope, text and pos copied. */
int cr_acl_set(cr_config *c, cr_acl *a, const cr_elist *l, const char *scope, const char *text,
               cr_pos pos);
/* A built-in default: one element list given as text ("any", "none", "127.0.0.0/8 ::1"). */
int cr_acl_default(cr_config *c, cr_acl *a, const char *items, const char *text);
/* Classifies an address-list word: any / none / an address or prefix / a name. */
cr_elem_kind cr_word_kind(const char *w);
/* A file name relative to the directory of the including file (absolute names kept). */
char *cr_path_rel(cr_config *c, const char *from, const char *name);
/* Reads path into b (NUL-terminated).  Records a diagnostic at pos on failure. */
int cr_read_include(cr_config *c, const char *path, zw_buf *b, cr_pos pos);

int cr_parse_bind(cr_config *c, const char *p, size_t n, const char *name, int no_includes);
int cr_parse_knot(cr_config *c, const char *p, size_t n, const char *name, int no_includes);
int cr_parse_nsd(cr_config *c, const char *p, size_t n, const char *name, int no_includes);
int cr_parse_pdns(cr_config *c, const char *p, size_t n, const char *name, int no_includes);

#endif
