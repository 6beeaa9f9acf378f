/*
 * en_corr.h - the stateful stage after the stateless matcher: Sigma correlations
 * (event_count, value_count, temporal, temporal_ordered, value_sum, value_avg,
 * value_percentile) in event time, alert merging, and the state that survives restarts
 * and moves with Kafka partitions.
 *
 * Every rule match goes through en_corr_feed(): it raises the rule's own alert (when
 * en_rule_meta.alert says so) and updates every correlation that consumes the rule.
 * This file is not for matching events against rules (the matcher) nor for writing
 * alerts (en_alert.h).
 *
 * Ownership: en_corr_new() borrows rules[] and defs[] (and everything they point to)
 * for the life of the en_corr; the caller (the tables loader) frees them after
 * en_corr_destroy().  An en_corr_input and everything it points to is borrowed only
 * during en_corr_feed(): the correlator copies what it keeps.  Alerts handed to a sink
 * are borrowed for the callback.  Save / export functions append to caller-owned
 * zw_bufs.  en_corr_destroy(NULL) is a no-op.  Nothing here prints.
 *
 * Threading: one en_corr per worker; no internal locking.
 *
 * Semantics in one paragraph (details in docs/CORRELATION.md): each input partition
 * (-1 for files) has a watermark = max event time seen - allowed_lateness.  Matches
 * are buffered and processed in event-time order once the watermark passes them, so
 * out-of-order input within the lateness gives the same result as sorted input; a
 * match older than the watermark on arrival is late: its stateless alert is still
 * raised, its correlation updates are dropped and counted.  Event time moves the
 * watermark only within max_future_skew_ms of the wall clock and of the partition's
 * other matches (a match past the clock + skew is flagged and kept out of
 * correlations), and the buffer holds at most max_pending matches.  Windows are inclusive:
 * events exactly timespan apart are in one window.  Conditions with only a lower bound
 * (gt / gte) are evaluated on the sliding window ending at each match and fire at
 * once; conditions with an upper bound (lt / lte / eq / neq / a range) are evaluated
 * when a window anchored at its first match closes.  A firing resets the group.
 */
#ifndef EN_CORR_H
#define EN_CORR_H

#include "../common/zw_buf.h"
#include "../common/zw_common.h"
#include "en_alert.h"

#include <stddef.h>
#include <stdint.h>

typedef enum {
    EN_CORR_EVENT_COUNT = 0,
    EN_CORR_VALUE_COUNT,
    EN_CORR_TEMPORAL,
    EN_CORR_TEMPORAL_ORDERED,
    EN_CORR_VALUE_SUM,
    EN_CORR_VALUE_AVG,
    EN_CORR_VALUE_PERCENTILE,
    EN_CORR__NTYPES
} en_corr_type;

typedef enum { EN_CMP_GT = 0, EN_CMP_GTE, EN_CMP_LT, EN_CMP_LTE, EN_CMP_EQ, EN_CMP_NEQ } en_cmp;

/* A condition: the conjunction of n terms ("gt: 100, lte: 200" is two terms).
 * n == 0 means the type's default: temporal / temporal_ordered "all rules present",
 * the others "gte 1". */
#define EN_COND_MAX 4
typedef struct {
    size_t n;
    struct {
        en_cmp op;
        double v;
    } t[EN_COND_MAX];
} en_cond;

/* What a correlation consumes: a stateless rule (index into rules[]) or the output of
 * another correlation (index into defs[]; chains must not form a cycle). */
typedef enum { EN_REF_RULE = 0, EN_REF_CORR = 1 } en_ref_kind;

#define EN_FIELD_NONE UINT32_MAX

/* One consumed rule or correlation, with the compiler-resolved field handles for it
 * (aliases already applied: the same group-by name may read different fields for
 * different members). */
typedef struct {
    en_ref_kind kind;
    uint32_t index;
    /* n_group entries.  For a RULE member: field handles passed to
     * en_corr_input.field().  For a CORR member: the index, in the consumed correlation's
     * group key, of the part that supplies this group-by field. */
    const uint32_t *group_fields;
    /* value_count / value_*: field handle of the value field for a RULE member;
     * EN_FIELD_NONE otherwise (CORR members cannot supply values). */
    uint32_t value_field;
} en_corr_member;

typedef struct {
    const en_rule_meta *meta; /* uid, name, severity, attacks (meta->alert is ignored) */
    en_corr_type type;
    const en_corr_member *members; /* ordered: the order matters for temporal_ordered */
    size_t n_members;
    const char *const *group_names; /* n_group display names (group-by field or alias) */
    size_t n_group;                 /* 0: one global group */
    int64_t timespan_ms;            /* > 0 */
    en_cond cond;
    const char *value_field_name; /* display name of the value field, or NULL */
    double percentile;            /* value_percentile: 0 < p <= 100 (nearest rank) */
    /* temporal only, optional: a postfix boolean program over member presence in the
     * window (Sigma 2.1 "condition: a and (b or c)"), evaluated instead of cond.
     * Ops: EN_TX_MEMBER(i) pushes "member i present", EN_TX_AND, EN_TX_OR, EN_TX_NOT. */
    const uint32_t *texpr;
    size_t n_texpr;
    int alert; /* 1: a firing raises an alert; 0: only feeds other correlations */
} en_corr_def;

#define EN_TX_AND 0xFFFFFFF0u
#define EN_TX_OR 0xFFFFFFF1u
#define EN_TX_NOT 0xFFFFFFF2u
#define EN_TX_MEMBER(i) ((uint32_t)(i))

typedef enum {
    EN_MERGE_HOLD = 0, /* hold an alert for merge_ms of event time, then emit it once */
    EN_MERGE_UPDATE,   /* emit at once (Create), then one Update if more firings merged */
} en_merge_mode;

typedef struct {
    int64_t allowed_lateness_ms; /* >= 0; 0 = input must be in order */
    size_t max_groups;           /* live (partition, correlation, key) groups; 0 = 1000000 */
    size_t max_group_events;     /* stored matches per group; 0 = 10000 */
    int64_t merge_ms;            /* 0 = every firing is its own alert */
    en_merge_mode merge_mode;
    size_t max_events_listed; /* contributing events listed per alert; 0 = 20 */
    size_t max_matched;       /* matched field/value pairs per alert; 0 = 32 */
    /* Future skew (docs/CORRELATION.md, "Future timestamps"): a match dated more than
     * this beyond the wall clock raises its own alert at once (future_time set) but
     * never reaches correlations nor moves the watermark; a match more than this beyond every event
     * seen so far in its partition moves the watermark only once a second such event confirms the
     * jump.  0 = EN_CORR_DEFAULT_FUTURE_SKEW_MS. */
    int64_t max_future_skew_ms;
    /* Wall clock in ms since the epoch; NULL = CLOCK_REALTIME (tests pass a fixed one). */
    int64_t (*clock_ms)(void *ud);
    void *clock_ud;
    /* Matches waiting for the watermark, over all partitions; past it the oldest
     * buffered match is processed early (counted in pending_overflow).  0 =
     * EN_CORR_DEFAULT_MAX_PENDING. */
    size_t max_pending;
} en_corr_opts;

#define EN_CORR_DEFAULT_FUTURE_SKEW_MS ((int64_t)24 * 3600 * 1000)
#define EN_CORR_DEFAULT_MAX_PENDING ((size_t)200000)

/* One match of a stateless rule. */
typedef struct {
    uint32_t rule;     /* index into rules[] */
    int64_t time_ms;   /* event time */
    int32_t partition; /* Kafka partition, -1 for files / stdin */
    zw_str uid;        /* event metadata.uid */
    zw_str position;   /* "file:line" or "topic/partition/offset" */
    /* Value of field handle h in this event: {NULL, 0} when absent ({"", 0} with a
     * non-NULL p is a present empty string).  Called only during en_corr_feed(); the
     * view must stay valid until the next field() call (one scratch buffer suffices).
     * A match that lacks a group-by field does not count for that correlation (as a
     * SIEM's "stats by" drops null keys); one that lacks the value field does not
     * count for value_count / value_*. */
    zw_str (*field)(void *ud, uint32_t handle);
    void *field_ud;
    const en_kv *matched; /* fields and values that made the rule match */
    size_t n_matched;
} en_corr_input;

typedef struct {
    uint64_t matches_in;   /* en_corr_feed calls */
    uint64_t late_dropped; /* matches whose correlation updates were dropped as late */
    uint64_t key_missing;  /* (match, correlation) pairs skipped: group/value field absent */
    uint64_t buffered;     /* matches waiting for the watermark now */
    uint64_t groups_live;  /* now */
    uint64_t groups_created;
    uint64_t groups_expired;   /* freed because their window passed */
    uint64_t evictions;        /* freed early because max_groups was reached (oldest first) */
    uint64_t events_truncated; /* stored matches dropped because max_group_events was hit */
    uint64_t fired;            /* correlation firings */
    uint64_t alerts_emitted;   /* sink calls */
    uint64_t alerts_merged;    /* firings merged into an existing alert */
    uint64_t state_bytes;      /* bytes held by groups, buffer and pending alerts now */
    uint64_t future_events;    /* matches dated beyond wall clock + max_future_skew_ms */
    uint64_t jumps_held;       /* matches beyond the partition's others + skew, unconfirmed */
    uint64_t pending_overflow; /* buffered matches processed early: max_pending reached */
    uint64_t state_clamped;    /* loaded partitions whose watermark was past the skew limit */
} en_corr_stats;

typedef struct en_corr en_corr;

/* Validates defs (member indices, cycles, timespans, types) and builds the correlator.
 * NULL with the reason in errstr on invalid input or out-of-memory.  opt may be NULL. */
en_corr *en_corr_new(const en_rule_meta *rules, size_t n_rules, const en_corr_def *defs,
                     size_t n_defs, const en_corr_opts *opt, char *errstr, size_t errstr_size);
void en_corr_destroy(en_corr *c);

/* Feeds one rule match.  Alerts that become due are emitted to sink before it returns.
 * Returns 0; EN_CORR_LATE (positive) when the correlation part was dropped as late;
 * EN_CORR_FUTURE (positive) when it was dropped because the match is dated past wall
 * clock + max_future_skew_ms (its own alert, if any, is emitted at once with
 * future_time set); ZW_EINVAL for a rule index out of range; ZW_ENOMEM; or the sink's
 * error. */
enum { EN_CORR_LATE = 3, EN_CORR_FUTURE = 4 };
int en_corr_feed(en_corr *c, const en_corr_input *in, const en_alert_sink *sink);

/* Moves a partition's watermark to at least watermark_ms (processing-time progress for
 * an idle partition), processes what it releases, closes windows and emits due
 * alerts.  partition EN_CORR_ALL applies to every partition.  0 or a negative error. */
#define EN_CORR_ALL INT32_MIN
int en_corr_advance(en_corr *c, int32_t partition, int64_t watermark_ms, const en_alert_sink *sink);

/* Moves each partition's watermark to the highest event time it has seen, so every
 * buffered match is processed; windows still open at that time stay open.  For the end
 * of a batch whose state is saved (`--state` over files with unbounded lateness). */
int en_corr_drain(en_corr *c, int32_t partition, const en_alert_sink *sink);

/* End of input: the watermark becomes +infinity: every buffered match is processed,
 * every window closes and every held alert is emitted, in a deterministic order. */
int en_corr_flush(en_corr *c, int32_t partition, const en_alert_sink *sink);

/* The whole state (every partition: watermark, buffered matches, groups, held alerts)
 * as a versioned, checksummed blob appended to out.  0 or ZW_ENOMEM. */
int en_corr_save(const en_corr *c, zw_buf *out);
/* Replaces the whole state from a blob made by en_corr_save with the same rules and
 * defs (a signature over them is checked).  ZW_EINVAL with the reason in errstr on a
 * corrupt, foreign or mismatched blob (the state is then left empty). */
int en_corr_load(en_corr *c, const void *p, size_t n, char *errstr, size_t errstr_size);

/* The same for one partition, for a Kafka changelog (key = partition, value = blob).
 * Export appends the partition's state (an unknown partition gives a valid empty blob)
 * and clears its dirty flag; import replaces that partition's state (ZW_EINVAL and an
 * empty partition on a bad blob); drop forgets it (after a revoke). */
int en_corr_export_partition(en_corr *c, int32_t partition, zw_buf *out);
int en_corr_import_partition(en_corr *c, int32_t partition, const void *p, size_t n, char *errstr,
                             size_t errstr_size);
void en_corr_drop_partition(en_corr *c, int32_t partition);
/* 1 if the partition's state changed since its last export or import, else 0. */
int en_corr_partition_dirty(const en_corr *c, int32_t partition);

/* File helpers for `--state FILE`.  open: loads FILE if it exists (a missing file is a
 * fresh start: 0, *loaded = 0).  close: writes FILE atomically (temp file + rename).
 * Both report through errstr and return 0 or a negative error. */
int en_corr_state_open(en_corr *c, const char *path, int *loaded, char *errstr, size_t errstr_size);
int en_corr_state_close(const en_corr *c, const char *path, char *errstr, size_t errstr_size);

void en_corr_get_stats(const en_corr *c, en_corr_stats *out);

/* Rules reload (en_corr_carry.c): copies into dst (built from the new rules) every
 * partition's clocks and the open groups of each correlation of src whose uid and
 * definition signature are the same in dst; groups of changed or removed correlations
 * are dropped and counted.  Buffered matches and held alerts are not carried (counted
 * in dropped): drain src first, or run without lateness and merging as the Kafka stage
 * does.  src is not modified.  0 or ZW_ENOMEM (dst may then hold part of the state). */
typedef struct {
    size_t corrs_kept;     /* correlations found unchanged in dst */
    size_t corrs_changed;  /* correlations of src changed or gone in dst */
    size_t groups_kept;    /* open groups carried over */
    size_t groups_dropped; /* open groups of changed or removed correlations */
    size_t dropped;        /* buffered matches and held alerts not carried */
} en_corr_carry;
int en_corr_carry_over(en_corr *dst, const en_corr *src, en_corr_carry *out);
/* Signature of correlation i's definition (members by uid), as compared above. */
uint64_t en_corr_def_signature(const en_corr *c, size_t i);

#endif
