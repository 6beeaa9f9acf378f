/*
 * en_alert.h - alerts: what the correlator hands to its sink, and the writer that
 * turns one into an OCSF 1.8.0 Detection Finding (class 2004) as JSON.
 *
 * This file is for describing and serialising alerts; it is not for deciding when an
 * alert fires or merging alerts (that is en_corr.h, which owns all alert state).
 *
 * Ownership: every pointer inside an en_alert handed to a sink is borrowed and valid
 * only during the sink callback; copy what you keep.  en_rule_meta tables are owned by
 * whoever built them (the tables loader) and must outlive every en_corr using them.
 * en_alert_write_json appends to a caller-owned zw_buf and allocates nothing else.
 */
#ifndef EN_ALERT_H
#define EN_ALERT_H

#include "../common/zw_buf.h"
#include "../common/zw_common.h"

#include <stddef.h>
#include <stdint.h>

/* One ATT&CK mapping.  Any member may be NULL (left out of the JSON). */
typedef struct {
    const char *technique_uid;  /* "T1590.002" */
    const char *technique_name; /* "DNS" */
    const char *tactic_uid;     /* "TA0043" */
    const char *tactic_name;    /* "Reconnaissance" */
} en_attack;

/* A name / value pair: a matched field (name = OCSF or raw field path) or a group-by
 * key part (name = group-by field or alias name).  Views, not NUL-terminated. */
typedef struct {
    zw_str name;
    zw_str value;
} en_kv;

/* Static description of a detection (a stateless rule or a correlation).  Filled by
 * the tables loader; the correlator only reads it. */
typedef struct {
    const char *uid;  /* rule / analytic id: "DET0001.A3", a Sigma UUID; required */
    const char *name; /* title; required */
    const char *desc; /* may be NULL */
    int severity_id;  /* ZW_SEV_* (1 informational .. 5 critical) */
    const en_attack *attacks;
    size_t n_attacks;
    /* Stateless rules only: 1 = a match of this rule alone raises an alert (a standalone
     * rule, or one referenced by a correlation with `generate: true`); 0 = it only feeds
     * correlations.  Correlations use en_corr_def.alert instead. */
    int alert;
    /* Stateless rules only: field handles (see en_corr_input.field) that form the
     * merge key of this rule's alerts, with their display names.  n_key_fields 0: the
     * key is the alert's matched field/value pairs (identical alerts merge). */
    const uint32_t *key_fields;
    const char *const *key_names;
    size_t n_key_fields;
} en_rule_meta;

/* Reference to one contributing event. */
typedef struct {
    zw_str uid;      /* metadata.uid of the event (or the finding uid of a chained correlation) */
    zw_str position; /* "file:line" or "topic/partition/offset"; may be empty */
    int64_t time_ms;
    uint32_t rule; /* index of the base rule that matched (en_corr_new's rules[]) */
} en_event_ref;

enum { EN_ALERT_CREATE = 1, EN_ALERT_UPDATE = 2 }; /* OCSF finding activity_id */

/* What a sink receives.  All pointers are borrowed for the duration of the callback. */
typedef struct en_alert {
    const en_rule_meta *meta; /* the rule or correlation that fired */
    const char *corr_type;    /* "event_count", ... or NULL for a stateless rule alert */
    int activity_id;          /* EN_ALERT_CREATE, or EN_ALERT_UPDATE (merge mode UPDATE) */
    char uid[33];             /* deterministic finding uid: 32 lower-case hex digits */
    int32_t partition;        /* input partition, -1 for files */
    int64_t first_ms;         /* first seen: earliest contributing event */
    int64_t last_ms;          /* last seen: latest contributing event */
    int64_t fire_ms;          /* event time at which the (first) firing happened */
    int64_t timespan_ms;      /* correlation timespan; 0 for a stateless rule */
    int64_t window_start_ms;  /* window that fired (first firing): [start, end] */
    int64_t window_end_ms;
    uint64_t count;          /* firings merged into this alert (>= 1) */
    uint64_t n_events;       /* contributing events over all merged firings */
    double value;            /* the aggregate compared by the condition (count, distinct
                                values, sum, avg, percentile, rules present); 1 for stateless */
    const char *value_field; /* value_count / value_* field name, else NULL */
    const en_kv *key;        /* correlation group key (or merge key), n_key parts */
    size_t n_key;
    const en_event_ref *events; /* the first n_events_listed contributing events */
    size_t n_events_listed;
    const en_kv *matched; /* matched fields and values, de-duplicated, capped */
    size_t n_matched;
    int future_time; /* 1: a contributing event is dated beyond wall clock + the allowed
                        future skew (unmapped.correlation.future_time) */
} en_alert;

/* Where alerts go.  emit() returns 0, or a negative error that the correlator stops
 * on and returns to its caller unchanged. */
typedef struct {
    int (*emit)(void *ud, const en_alert *a);
    void *ud;
} en_alert_sink;

/* Product identity written into metadata.product. NULL members use the defaults
 * ("zonewarden", "zonewarden", ZW_VERSION-like "0.1.0"). */
typedef struct {
    const char *product_name;
    const char *vendor_name;
    const char *product_version;
} en_alert_opts;

/*
 * Appends one OCSF 1.8.0 Detection Finding (class_uid 2004, category_uid 2,
 * activity Create or Update, type_uid 200401/200402) as a single JSON object, no
 * trailing newline.  Placement (see docs/CORRELATION.md):
 *   finding_info.{uid,title,desc,analytic{uid,name,type_id 1,type "Rule"},attacks[],
 *                 first_seen_time,last_seen_time,related_events[],related_events_count,types}
 *   severity_id/severity, message, time (last seen), start_time/end_time, count,
 *   evidences[] (one per listed contributing event: uid, data{event_uid,position,time,
 *                rule_index}),
 *   observables[] (matched fields and group key: name = field path, value),
 *   unmapped.correlation{type,key{},timespan_ms,window{start,end},value,field,events_total}
 *   metadata{version "1.8.0",uid,product{name,vendor_name,version}}, is_alert, status_id 1.
 * o may be NULL.  Returns 0 or ZW_ENOMEM (b stays valid, possibly with a partial object:
 * the caller truncates back to its own mark).
 */
int en_alert_write_json(zw_buf *b, const en_alert *a, const en_alert_opts *o);

/* "event_count" etc. for the EN_CORR_* type ids of en_corr.h; NULL if out of range. */
const char *en_corr_type_name(int type);

#endif
