/*
 * en_op.h - the engine's operations as table rows, one row per IR operation (dc_op),
 * in the manner of Suricata's one-file-per-keyword registration.  Each operation
 * family lives in its own file (en_op_glob.c, en_op_re.c, en_op_cidr.c, en_op_num.c,
 * en_op_exists.c, en_op_fref.c) and exports its rows' functions; en_op.c holds the one
 * table.  A new operation is one dc_op value, one file and one row.
 *
 * A row says how a leaf of that operation is placed in the tables (build), how it is
 * decided on one value of its field (test: leaves verified per value) or once per
 * event (event: leaves about the event as a whole), and how explain prints its
 * operand.  Shared indexes (the exact-value hash, the per-field Aho-Corasick automaton,
 * the CIDR trie) are filled by build and read by the matcher, which then calls test
 * only on the leaves an index could not decide alone.
 */
#ifndef EN_OP_H
#define EN_OP_H

#include "en_tables_int.h"

typedef struct {
    const char *name; /* as in rules and explain output (dc_op_name) */
    /* Places leaf i (its cleaf has kind K_NONE and field set) in the tables; sets the
     * cleaf kind.  0, or ZW_EINVAL / ZW_ENOMEM with b->errstr. */
    int (*build)(en_build *b, uint32_t i, const dc_leaf *l, cleaf *c);
    /* Leaf l against the current value m->val; 1 true, 0 false.  NULL: never per value. */
    int (*test)(en_matcher *m, uint32_t l, const dc_leaf *dl, const cleaf *c);
    /* Leaf l against the whole event, after every value was seen; 1 true, 0 false.
     * NULL: not an event-level operation. */
    int (*event)(en_matcher *m, uint32_t l, const dc_leaf *dl, const cleaf *c);
    /* Appends the operand (value, pattern, number) for explain. */
    void (*explain)(const dc_leaf *l, zw_buf *out);
} en_op_def;

/* The row of op, or NULL for a value out of range (a corrupt tables file). */
const en_op_def *en_op_get(unsigned op);

/* Row functions, one family per file. */
int en_op_glob_build(en_build *b, uint32_t i, const dc_leaf *l, cleaf *c);
int en_op_glob_test(en_matcher *m, uint32_t l, const dc_leaf *dl, const cleaf *c);
int en_op_re_build(en_build *b, uint32_t i, const dc_leaf *l, cleaf *c);
int en_op_re_test(en_matcher *m, uint32_t l, const dc_leaf *dl, const cleaf *c);
int en_op_cidr_build(en_build *b, uint32_t i, const dc_leaf *l, cleaf *c);
int en_op_num_build(en_build *b, uint32_t i, const dc_leaf *l, cleaf *c);
int en_op_num_test(en_matcher *m, uint32_t l, const dc_leaf *dl, const cleaf *c);
int en_op_bool_test(en_matcher *m, uint32_t l, const dc_leaf *dl, const cleaf *c);
int en_op_exists_build(en_build *b, uint32_t i, const dc_leaf *l, cleaf *c);
int en_op_exists_event(en_matcher *m, uint32_t l, const dc_leaf *dl, const cleaf *c);
int en_op_null_event(en_matcher *m, uint32_t l, const dc_leaf *dl, const cleaf *c);
int en_op_fref_build(en_build *b, uint32_t i, const dc_leaf *l, cleaf *c);
int en_op_fref_event(en_matcher *m, uint32_t l, const dc_leaf *dl, const cleaf *c);
void en_op_explain_text(const dc_leaf *l, zw_buf *out);
void en_op_explain_num(const dc_leaf *l, zw_buf *out);
void en_op_explain_none(const dc_leaf *l, zw_buf *out);

/* Helpers of the families used by the matcher's indexes. */
int en_parse_ip(const char *s, size_t n, unsigned char *buf, int *v6);
void en_cidr_lookup(en_matcher *m, const field *f); /* the current value in f's tries */
void en_cidr_free(cnode *n);
size_t en_re_gate(const char *re, size_t n, char *out, size_t cap);

#endif
