/*
 * dc_yaml.h - a YAML document tree built with libyaml, keeping line:col (1-based) for
 * every node, for the rule parsers and their diagnostics.  Not a general YAML library:
 * anchors/aliases are resolved by reference, tags are ignored, merge keys are not special.
 *
 * Ownership: dc_yaml_load() returns a dc_ydoc list owned by the caller (dc_ydoc_free);
 * every node and string inside belongs to its document list.
 */
#ifndef DC_YAML_H
#define DC_YAML_H

#include <stddef.h>

typedef enum { DC_Y_SCALAR, DC_Y_SEQ, DC_Y_MAP } dc_ykind;

typedef struct dc_ynode dc_ynode;
struct dc_ynode {
    dc_ykind kind;
    int line, col;
    char *str; /* SCALAR: NUL-terminated text (may contain NULs; len is the truth) */
    size_t len;
    int plain;        /* SCALAR: unquoted (so "null", "42", "true" are typed) */
    size_t n;         /* SEQ: items; MAP: pairs */
    dc_ynode **items; /* SEQ: n items; MAP: 2n nodes, key then value */
};

typedef struct dc_ydoc {
    dc_ynode *root;
    struct dc_ydoc *next;
    void *mem; /* internal */
} dc_ydoc;

/* Parses every document of a YAML stream.  On a syntax error returns NULL and fills
 * errstr with "line:col: reason" (also stored in eline and ecol when non-NULL). */
dc_ydoc *dc_yaml_load(const char *p, size_t n, char *errstr, size_t errstr_size, int *eline,
                      int *ecol);
void dc_ydoc_free(dc_ydoc *d);

/* MAP lookup by key (exact); NULL if absent or m is not a MAP. */
dc_ynode *dc_ymap_get(const dc_ynode *m, const char *key);
/* Scalar text or NULL if n is not a scalar. */
const char *dc_ystr(const dc_ynode *n);
/* Is a plain scalar one of YAML's null spellings (null, ~, empty)? */
int dc_yis_null(const dc_ynode *n);

#endif
