/*
 * dc_ir.h - the compiler's validated intermediate representation: leaves (one field
 * test each, deduplicated across all rules), rules (a condition as a postfix program
 * over leaves), correlations, and the embedded examples of DET analytics.  The tables
 * file stores exactly this IR (dc_ir_write / dc_ir_read); the engine rebuilds its
 * automata, hash sets and tries from it at load (engine/en_tables.h).
 *
 * Ownership: a dc_ruleset owns every string and array in it; dc_ruleset_free() frees
 * all.  Strings are NUL-terminated copies (values also carry their length: they may
 * hold NUL bytes after utf16/base64 transforms).
 */
#ifndef DC_IR_H
#define DC_IR_H

#include <stddef.h>
#include <stdint.h>

#define DC_TABLES_MAGIC "ZWTABLES"
#define DC_TABLES_VERSION 2u

typedef enum {
    DC_OP_MATCH,  /* string pattern, Sigma glob syntax normalised (\\ \* \? escapes) */
    DC_OP_RE,     /* PCRE2 pattern (flags DC_LF_RE_*) */
    DC_OP_CIDR,   /* "10.0.0.0/8", "fe80::/10" */
    DC_OP_EXISTS, /* num != 0: field present; num == 0: field absent */
    DC_OP_NULL,   /* field absent or JSON null */
    DC_OP_NUM_EQ, /* numeric equality with num (a string value is parsed as a number) */
    DC_OP_LT,
    DC_OP_LTE,
    DC_OP_GT,
    DC_OP_GTE,
    DC_OP_BOOL,     /* JSON bool (or "true"/"false" text) equal to num != 0 */
    DC_OP_FIELDREF, /* value is another field's name; compared per DC_LF_FREF_* */
    DC_OP__COUNT
} dc_op;

enum {
    DC_LF_CASED = 1, /* case-sensitive string comparison */
    DC_LF_RE_I = 2,  /* re|i */
    DC_LF_RE_M = 4,  /* re|m */
    DC_LF_RE_S = 8,  /* re|s */
    DC_LF_FREF_CONTAINS = 16,
    DC_LF_FREF_START = 32,
    DC_LF_FREF_END = 64,
};

/* Time parts for the minute/hour/day/week/month/year modifiers. */
enum { DC_TP_NONE, DC_TP_MINUTE, DC_TP_HOUR, DC_TP_DAY, DC_TP_WEEK, DC_TP_MONTH, DC_TP_YEAR };

typedef struct {
    char *field; /* path or name as written after field mapping; "" = keyword (any value) */
    uint8_t op;
    uint8_t timepart;
    uint16_t flags;
    char *val; /* MATCH pattern, RE source, CIDR text, FIELDREF field; "" otherwise */
    uint32_t vlen;
    double num;
} dc_leaf;

/* Postfix condition program: each word is (opcode << 28) | argument. */
enum { DC_P_LEAF = 0, DC_P_AND = 1, DC_P_OR = 2, DC_P_NOT = 3, DC_P_CONST = 4 };
#define DC_P_MAKE(op, arg) (((uint32_t)(op) << 28) | ((uint32_t)(arg)&0x0fffffffu))
#define DC_P_OPC(w) ((w) >> 28)
#define DC_P_ARG(w) ((w)&0x0fffffffu)

/* DC_RK_SELECTION: one search identifier of the rule before it, compiled only for
 * `zonewarden explain` (never alerts). */
typedef enum { DC_RK_SIGMA = 0, DC_RK_DET = 1, DC_RK_SELECTION = 2 } dc_rule_kind;

typedef struct {
    uint8_t kind;     /* dc_rule_kind */
    uint8_t generate; /* 1: a match of this rule is an alert by itself */
    uint8_t severity; /* OCSF severity_id */
    char *id;         /* Sigma id (uuid) or DET analytic id */
    char *name;       /* Sigma `name` (for correlations) or "" */
    char *title;
    char *level; /* informational/low/medium/high/critical */
    char *description;
    char *file;
    uint32_t line;
    char *product, *category, *service; /* log source, "" when unset */
    char *strategy_id, *strategy_name;  /* DET only, else "" */
    /* Log-source routing for canonical / normalized events: "" = every event; a comma
     * list of normalizer formats (unmapped.source_format); "-" = none (the rule's log
     * source is not one the normalizer produces: it runs on raw JSON only). */
    char *routes;
    char **tags; /* attack.t1590.002 ... */
    uint32_t ntags;
    uint32_t *prog;
    uint32_t nprog;
} dc_rule;

typedef enum {
    DC_CT_EVENT_COUNT,
    DC_CT_VALUE_COUNT,
    DC_CT_TEMPORAL,
    DC_CT_TEMPORAL_ORDERED,
    DC_CT_VALUE_SUM,
    DC_CT_VALUE_AVG,
    DC_CT_VALUE_PERCENTILE,
} dc_corr_type;

typedef struct {
    char *name;  /* alias */
    char *rule;  /* rule id or name */
    char *field; /* that rule's field */
} dc_alias;

/* Condition bounds: a value v passes when (has_min ? v >(=) min : 1) && (has_max ? ...).
 * eq sets both bounds inclusive to the same value. */
typedef struct {
    uint8_t type;     /* dc_corr_type */
    uint8_t generate; /* Sigma `generate`: the referenced rules also alert alone */
    uint8_t severity;
    char *id, *name, *title, *level, *description, *file;
    uint32_t line;
    char **rules; /* referenced rule ids or names, in order (order matters for temporal_ordered) */
    uint32_t nrules;
    char **group_by;
    uint32_t ngroup;
    dc_alias *aliases;
    uint32_t naliases;
    int64_t timespan_ms;
    char *field;       /* value_count / value_sum / avg / percentile field, else "" */
    double percentile; /* value_percentile rank */
    uint8_t has_min, min_incl, has_max, max_incl;
    double min, max;
    char **tags;
    uint32_t ntags;
} dc_corr;

/* An embedded example event of a DET analytic (not stored in the tables file). */
typedef struct {
    uint32_t rule; /* index in rules */
    uint8_t must_match;
    char *json; /* the event as JSON text */
    char *file;
    uint32_t line;
} dc_example;

typedef struct {
    dc_leaf *leaves;
    uint32_t nleaves, capleaves;
    dc_rule *rules;
    uint32_t nrules, caprules;
    dc_corr *corrs;
    uint32_t ncorrs, capcorrs;
    dc_example *examples;
    uint32_t nexamples, capexamples;
    void *leaf_index; /* internal dedup hash (build time only) */
} dc_ruleset;

dc_ruleset *dc_ruleset_new(void);
void dc_ruleset_free(dc_ruleset *rs); /* NULL is a no-op */

/* Interns a leaf (copies its strings); returns its index, or -1 on out-of-memory. */
int64_t dc_ruleset_leaf(dc_ruleset *rs, const dc_leaf *l);
/* Appends a zeroed rule / correlation / example; NULL on out-of-memory. */
dc_rule *dc_ruleset_add_rule(dc_ruleset *rs);
dc_corr *dc_ruleset_add_corr(dc_ruleset *rs);
dc_example *dc_ruleset_add_example(dc_ruleset *rs);
/* Drops the last rule (used when a rule fails to compile after being added). */
void dc_ruleset_pop_rule(dc_ruleset *rs);

/* Tables file: magic, version, body length, CRC32 of the body, then the serialised IR.
 * dc_ir_write returns 0 or ZW_EIO / ZW_ENOMEM with errstr.  dc_ir_read refuses a file
 * with a wrong magic, another version, a bad length or checksum (ZW_EINVAL with errstr
 * saying which) and returns a new ruleset in *out (caller frees). */
int dc_ir_write(const dc_ruleset *rs, const char *path, char *errstr, size_t errstr_size);
int dc_ir_read(const char *path, dc_ruleset **out, char *errstr, size_t errstr_size);
/* In-memory forms of the same (for tests and fuzzing).  *out_p is malloc'd. */
int dc_ir_serialize(const dc_ruleset *rs, char **out_p, size_t *out_n);
int dc_ir_deserialize(const char *p, size_t n, dc_ruleset **out, char *errstr, size_t errstr_size);

/* Names for diagnostics and explain. */
const char *dc_op_name(dc_op op);
const char *dc_corr_type_name(dc_corr_type t);
/* "high" -> ZW severity id; 0 when unknown. */
int dc_level_severity(const char *level);

#endif
