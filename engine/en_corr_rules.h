/*
 * en_corr_rules.h - the bridge from a compiled ruleset (compiler/dc_ir.h) to the
 * correlator's definitions (en_corr.h): one en_rule_meta per rule, one en_corr_def per
 * correlation, references resolved by id / name / title, Sigma aliases applied per
 * member, group-by and value fields interned as field handles, ATT&CK tags turned into
 * technique / tactic entries, `generate` applied.  Plus ready-made field callbacks that
 * read a handle's field from a JSON event or a canonical event.
 *
 * Not for matching (en_tables.h) nor for correlating (en_corr.h).
 *
 * Ownership: en_corr_rules_new borrows the ruleset only during the call and copies what
 * it keeps; the returned tables are owned by the en_corr_rules and live until
 * en_corr_rules_destroy (destroy every en_corr built on them first).
 */
#ifndef EN_CORR_RULES_H
#define EN_CORR_RULES_H

#include "../common/zw_buf.h"
#include "../common/zw_event.h"
#include "../compiler/dc_ir.h"
#include "en_corr.h"

#include <libfastjson/json.h>

typedef struct en_corr_rules en_corr_rules;

/* 0, ZW_EINVAL (a correlation whose reference or group-by cannot be resolved; reason in
 * errstr) or ZW_ENOMEM. */
int en_corr_rules_new(const dc_ruleset *rs, en_corr_rules **out, char *errstr, size_t errstr_size);
void en_corr_rules_destroy(en_corr_rules *r); /* NULL is a no-op */

/* The tables to hand to en_corr_new (borrowed from r). */
const en_rule_meta *en_corr_rules_meta(const en_corr_rules *r, size_t *n_rules);
const en_corr_def *en_corr_rules_defs(const en_corr_rules *r, size_t *n_defs);
/* 1 when any rule alerts alone or any correlation exists (the correlator has work). */
int en_corr_rules_active(const en_corr_rules *r);

/* Field handle -> the field path as written in the rule or alias (borrowed), and the
 * canonical slot it names (-1 when none).  NULL for an unknown handle. */
const char *en_corr_rules_field(const en_corr_rules *r, uint32_t handle, int *slot);

/* A per-worker reader of one event's fields, for en_corr_input.field / field_ud:
 * set exactly one of json / ev before each en_corr_feed.  A JSON field is read by exact
 * key, else dotted path (first value of an array); a canonical slot is formatted as
 * text (first member of a list).  The returned view is valid until the next call. */
typedef struct {
    const en_corr_rules *rules;
    fjson_object *json;
    const zw_event *ev;
    zw_buf buf;
} en_field_reader;

void en_field_reader_init(en_field_reader *fr, const en_corr_rules *r);
void en_field_reader_free(en_field_reader *fr);
zw_str en_field_read(void *fr, uint32_t handle);

#endif
