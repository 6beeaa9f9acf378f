/*
 * en_tables.h - the matching tables built from a compiled ruleset, and the matcher
 * that runs one event through them.
 *
 * Build (en_tables_new): every leaf of every rule is placed by field: exact values in
 * a hash set of case-folded values, contains / startswith / endswith literals and the
 * longest literal of other wildcard patterns in ONE Aho-Corasick automaton per field
 * (across all rules), regexes (PCRE2, JIT) gated by a literal they require when one
 * can be extracted, CIDR prefixes in a binary trie, numeric comparisons in a list.
 * Each leaf knows the rules that use it, so a rule's condition (a postfix program over
 * leaf bits) is evaluated only when one of its leaves fired, or always when it can be
 * true with no leaf true (`not x`).  The tables are read-only after build and can be
 * shared by matchers on several threads.
 *
 * Events: canonical events (zw_event, slots read by id) or any JSON object (fields by
 * exact key or dotted path, arrays match when any member matches; one walk over the
 * event looks every key path up in the table's path hash, so cost follows the event's
 * size, not the number of rules).  Routing: a rule whose log source names normalizer
 * formats (DET analytics) runs only on events of those formats (unmapped.source_format).
 *
 * Ownership: en_tables_new takes the ruleset (freed by en_tables_destroy).  A matcher
 * belongs to one thread; results it returns are borrowed until its next call.
 */
#ifndef EN_TABLES_H
#define EN_TABLES_H

#include "../common/zw_buf.h"
#include "../common/zw_event.h"
#include "../compiler/dc_ir.h"

#include <libfastjson/json.h>
#include <stddef.h>
#include <stdint.h>

typedef struct en_tables en_tables;
typedef struct en_matcher en_matcher;

/* Builds the tables; takes rs in every case (freed on failure).  0, or ZW_EINVAL
 * (a regex that does not compile, with errstr) / ZW_ENOMEM. */
int en_tables_new(dc_ruleset *rs, en_tables **out, char *errstr, size_t errstr_size);
void en_tables_destroy(en_tables *t); /* NULL is a no-op */
const dc_ruleset *en_tables_ruleset(const en_tables *t);

typedef struct {
    size_t fields, exact, literals, globs, regexes, gated_regexes, cidrs, numeric, keywords;
    size_t always_rules;
    size_t memory;               /* approximate bytes */
    uint64_t regex_limit_errors; /* regex runs stopped by a PCRE2 limit, all matchers */
} en_tables_stats;
void en_tables_get_stats(const en_tables *t, en_tables_stats *st);

/* Regex cost bound.  Every regex run is limited to match_limit PCRE2 steps (a
 * backtracking bomb such as `(a+)+$` then costs well under a millisecond per value
 * instead of tens); a run stopped by this or another PCRE2 limit (depth, heap, JIT
 * stack) counts as "no match" and is counted for every rule using that regex.
 * match_limit 0 restores the default.  Set it before matching starts.  0 or ZW_ENOMEM. */
#define EN_REGEX_MATCH_LIMIT_DEFAULT 100000u
int en_tables_set_regex_limit(en_tables *t, uint32_t match_limit);
uint32_t en_tables_regex_limit(const en_tables *t);
/* Limit errors so far: all rules, or one rule (safe to call while matchers run on other
 * threads, e.g. from a metrics endpoint). */
uint64_t en_tables_regex_errors(const en_tables *t);
uint64_t en_tables_rule_regex_errors(const en_tables *t, uint32_t rule);

en_matcher *en_matcher_new(const en_tables *t);
void en_matcher_destroy(en_matcher *m); /* NULL is a no-op */

/* Runs one event; returns the number of rules matched and sets *rules to their indices
 * (ascending; borrowed until the next call).  Negative on out-of-memory. */
int en_match_json(en_matcher *m, fjson_object *ev, const uint32_t **rules);
int en_match_event(en_matcher *m, const zw_event *ev, const uint32_t **rules);
/* The same over JSON text [p, p+n) without building a DOM (one pass, strings unescaped
 * into a scratch buffer); ZW_EINVAL when the text is not one JSON object.  Same results
 * as en_match_json (rules with fieldref fall back to the DOM). */
int en_match_json_text(en_matcher *m, const char *p, size_t n, const uint32_t **rules);
/* After a match call: did leaf fire? */
int en_matcher_leaf(const en_matcher *m, uint32_t leaf);

/* Evaluates a postfix condition program over leaf values (0/1). */
int en_prog_eval(const uint32_t *prog, uint32_t n, const uint8_t *leafv);

/* Explains one rule against a JSON event: every leaf with its field, operation, value
 * and the event values it saw, then the result.  Appends text to out; returns 1 if
 * the rule matches, 0 if not, negative on out-of-memory. */
int en_explain_json(const en_tables *t, uint32_t rule, fjson_object *ev, zw_buf *out);

/* Values of a field in a JSON event (exact key, else dotted path, arrays flattened),
 * as text; calls fn for each.  Used by correlation group-by and alerts. */
typedef void (*en_value_fn)(void *opaque, const char *p, size_t n);
void en_json_values(fjson_object *ev, const char *path, en_value_fn fn, void *opaque);

#endif
