/*
 * check_corr.c - the correlator: each correlation type, sliding and anchored windows,
 * inclusive window edges, late and out-of-order matches, chains, eviction under a cap
 * with 1M keys, merge of identical alerts, save / load and per-partition export /
 * import, and determinism.  Alerts are checked as parsed JSON.
 */
#include "corr_harness.h"

#include <unistd.h>

#define S 1000LL

static const en_attack att = {"T1590.002", "DNS", "TA0043", "Reconnaissance"};
static en_rule_meta rules[3] = {
    {"rule-a", "Zone transfer refused", NULL, ZW_SEV_LOW, &att, 1, 0, NULL, NULL, 0},
    {"rule-b", "Record change", NULL, ZW_SEV_LOW, &att, 1, 0, NULL, NULL, 0},
    {"rule-c", "Config change", NULL, ZW_SEV_LOW, &att, 1, 0, NULL, NULL, 0},
};
static const char *const gnames[1] = {"zone"};
static const uint32_t gf0[1] = {0}; /* group-by zone = field 0 for every rule */
static en_rule_meta cmeta = {
    "corr-1", "Correlated", "test correlation", ZW_SEV_HIGH, &att, 1, 0, NULL, NULL, 0};
static en_rule_meta cmeta2 = {"corr-2", "Outer", NULL, ZW_SEV_CRITICAL, &att, 1, 0, NULL, NULL, 0};

static en_corr_member mem_rule(uint32_t r, uint32_t value_field)
{
    en_corr_member m = {EN_REF_RULE, r, gf0, value_field};
    return m;
}

static en_corr_def def1(en_corr_type type, const en_corr_member *m, size_t nm, int64_t ts,
                        en_cmp op, double v)
{
    en_corr_def d;
    memset(&d, 0, sizeof d);
    d.meta = &cmeta;
    d.type = type;
    d.members = m;
    d.n_members = nm;
    d.group_names = gnames;
    d.n_group = 1;
    d.timespan_ms = ts;
    if (op != (en_cmp)-1) {
        d.cond.n = 1;
        d.cond.t[0].op = op;
        d.cond.t[0].v = v;
    }
    d.alert = 1;
    return d;
}

static en_corr *mk(const en_corr_def *d, size_t nd, const en_corr_opts *o)
{
    char err[256] = "";
    en_corr *c = en_corr_new(rules, 3, d, nd, o, err, sizeof err);
    ck_assert_msg(c != NULL, "en_corr_new: %s", err);
    return c;
}

START_TEST(test_event_count_gte)
{
    en_corr_member m[1] = {mem_rule(0, EN_FIELD_NONE)};
    en_corr_def d = def1(EN_CORR_EVENT_COUNT, m, 1, 60 * S, EN_CMP_GTE, 3);
    en_corr *c = mk(&d, 1, NULL);
    corr_collect cc;
    en_alert_sink sink;
    corr_collect_init(&cc, &sink);
    ck_assert_int_eq(corr_feed(c, &sink, 0, 0, -1, "a.test", "10.0.0.1", NULL), 0);
    ck_assert_int_eq(corr_feed(c, &sink, 0, 5 * S, -1, "b.test", "10.0.0.1", NULL), 0);
    ck_assert_int_eq(corr_feed(c, &sink, 0, 10 * S, -1, "a.test", "10.0.0.2", NULL), 0);
    ck_assert_int_eq(corr_n(&cc), 0);
    ck_assert_int_eq(corr_feed(c, &sink, 0, 20 * S, -1, "a.test", "10.0.0.3", NULL), 0);
    ck_assert_int_eq(corr_n(&cc), 1); /* fires at once: lower-bound condition */
    fjson_object *a = corr_alert(&cc, 0);
    zwt_assert_str(a, "unmapped.correlation.key.zone", "a.test");
    zwt_assert_int(a, "unmapped.correlation.value", 3);
    zwt_assert_int(a, "start_time", 0);
    zwt_assert_int(a, "end_time", 20 * S);
    zwt_assert_int(a, "finding_info.related_events_count", 3);
    zwt_assert_str(a, "unmapped.correlation.type", "event_count");
    /* the group was reset: two more do not fire, a third does */
    corr_feed(c, &sink, 0, 21 * S, -1, "a.test", "x", NULL);
    corr_feed(c, &sink, 0, 22 * S, -1, "a.test", "x", NULL);
    ck_assert_int_eq(corr_n(&cc), 1);
    corr_feed(c, &sink, 0, 23 * S, -1, "a.test", "x", NULL);
    ck_assert_int_eq(corr_n(&cc), 2);
    ck_assert_int_eq(en_corr_flush(c, EN_CORR_ALL, &sink), 0);
    ck_assert_int_eq(corr_n(&cc), 2); /* b.test had 1 */
    en_corr_stats st;
    en_corr_get_stats(c, &st);
    ck_assert_uint_eq(st.fired, 2);
    ck_assert_uint_eq(st.groups_live, 0);
    corr_collect_free(&cc);
    en_corr_destroy(c);
}
END_TEST

/* Window edges are inclusive: matches exactly timespan apart share a window. */
START_TEST(test_window_edges)
{
    en_corr_member m[1] = {mem_rule(0, EN_FIELD_NONE)};
    en_corr_def d = def1(EN_CORR_EVENT_COUNT, m, 1, 60 * S, EN_CMP_GTE, 2);
    en_corr *c = mk(&d, 1, NULL);
    corr_collect cc;
    en_alert_sink sink;
    corr_collect_init(&cc, &sink);
    corr_feed(c, &sink, 0, 0, -1, "edge.test", "1", NULL);
    corr_feed(c, &sink, 0, 60 * S, -1, "edge.test", "2", NULL);
    ck_assert_int_eq(corr_n(&cc), 1);
    corr_feed(c, &sink, 0, 1000 * S, -1, "out.test", "1", NULL);
    corr_feed(c, &sink, 0, 1060 * S + 1, -1, "out.test", "2", NULL);
    ck_assert_int_eq(corr_n(&cc), 1);
    corr_collect_free(&cc);
    en_corr_destroy(c);
}
END_TEST

START_TEST(test_value_count)
{
    en_corr_member m[1] = {mem_rule(0, 1)};
    en_corr_def d = def1(EN_CORR_VALUE_COUNT, m, 1, 300 * S, EN_CMP_GTE, 3);
    d.value_field_name = "src_endpoint.ip";
    en_corr *c = mk(&d, 1, NULL);
    corr_collect cc;
    en_alert_sink sink;
    corr_collect_init(&cc, &sink);
    corr_feed(c, &sink, 0, 0, -1, "z.test", "10.0.0.1", NULL);
    corr_feed(c, &sink, 0, 1 * S, -1, "z.test", "10.0.0.1", NULL);
    corr_feed(c, &sink, 0, 2 * S, -1, "z.test", "10.0.0.2", NULL);
    corr_feed(c, &sink, 0, 3 * S, -1, "z.test", NULL, NULL); /* value absent: not counted */
    ck_assert_int_eq(corr_n(&cc), 0);
    corr_feed(c, &sink, 0, 4 * S, -1, "z.test", "10.0.0.3", NULL);
    ck_assert_int_eq(corr_n(&cc), 1);
    fjson_object *a = corr_alert(&cc, 0);
    zwt_assert_int(a, "unmapped.correlation.value", 3);
    zwt_assert_str(a, "unmapped.correlation.field", "src_endpoint.ip");
    zwt_assert_int(a, "finding_info.related_events_count", 4);
    /* distinct values slide out of the window */
    corr_feed(c, &sink, 0, 1000 * S, -1, "z.test", "10.0.0.1", NULL);
    corr_feed(c, &sink, 0, 1001 * S, -1, "z.test", "10.0.0.2", NULL);
    corr_feed(c, &sink, 0, 1400 * S, -1, "z.test", "10.0.0.3", NULL);
    ck_assert_int_eq(corr_n(&cc), 1);
    en_corr_stats st;
    en_corr_get_stats(c, &st);
    ck_assert_uint_eq(st.key_missing, 1);
    corr_collect_free(&cc);
    en_corr_destroy(c);
}
END_TEST

START_TEST(test_temporal)
{
    en_corr_member m[3] = {mem_rule(0, EN_FIELD_NONE), mem_rule(1, EN_FIELD_NONE),
                           mem_rule(2, EN_FIELD_NONE)};
    en_corr_def d = def1(EN_CORR_TEMPORAL, m, 3, 60 * S, (en_cmp)-1, 0);
    en_corr *c = mk(&d, 1, NULL);
    corr_collect cc;
    en_alert_sink sink;
    corr_collect_init(&cc, &sink);
    /* any order within the timespan */
    corr_feed(c, &sink, 2, 0, -1, "t.test", "1", NULL);
    corr_feed(c, &sink, 0, 10 * S, -1, "t.test", "1", NULL);
    corr_feed(c, &sink, 0, 11 * S, -1, "other.test", "1", NULL);
    ck_assert_int_eq(corr_n(&cc), 0);
    corr_feed(c, &sink, 1, 60 * S, -1, "t.test", "1", NULL);
    ck_assert_int_eq(corr_n(&cc), 1);
    zwt_assert_int(corr_alert(&cc, 0), "unmapped.correlation.value", 3);
    /* too far apart: rule 2 at 100 s slid out when rule 1 comes at 161 s */
    corr_feed(c, &sink, 2, 100 * S, -1, "u.test", "1", NULL);
    corr_feed(c, &sink, 0, 120 * S, -1, "u.test", "1", NULL);
    corr_feed(c, &sink, 1, 161 * S, -1, "u.test", "1", NULL);
    ck_assert_int_eq(corr_n(&cc), 1);
    corr_collect_free(&cc);
    en_corr_destroy(c);
}
END_TEST

START_TEST(test_temporal_expr)
{
    /* Sigma 2.1 temporal condition "rule-a and (rule-b or rule-c)" */
    en_corr_member m[3] = {mem_rule(0, EN_FIELD_NONE), mem_rule(1, EN_FIELD_NONE),
                           mem_rule(2, EN_FIELD_NONE)};
    static const uint32_t prog[] = {EN_TX_MEMBER(0), EN_TX_MEMBER(1), EN_TX_MEMBER(2), EN_TX_OR,
                                    EN_TX_AND};
    en_corr_def d = def1(EN_CORR_TEMPORAL, m, 3, 60 * S, (en_cmp)-1, 0);
    d.texpr = prog;
    d.n_texpr = 5;
    en_corr *c = mk(&d, 1, NULL);
    corr_collect cc;
    en_alert_sink sink;
    corr_collect_init(&cc, &sink);
    corr_feed(c, &sink, 1, 0, -1, "t.test", "1", NULL);
    corr_feed(c, &sink, 2, 1 * S, -1, "t.test", "1", NULL);
    ck_assert_int_eq(corr_n(&cc), 0);
    corr_feed(c, &sink, 0, 2 * S, -1, "t.test", "1", NULL);
    ck_assert_int_eq(corr_n(&cc), 1);
    corr_collect_free(&cc);
    en_corr_destroy(c);
}
END_TEST

START_TEST(test_temporal_ordered)
{
    en_corr_member m[2] = {mem_rule(0, EN_FIELD_NONE), mem_rule(1, EN_FIELD_NONE)};
    en_corr_def d = def1(EN_CORR_TEMPORAL_ORDERED, m, 2, 600 * S, (en_cmp)-1, 0);
    en_corr *c = mk(&d, 1, NULL);
    corr_collect cc;
    en_alert_sink sink;
    corr_collect_init(&cc, &sink);
    /* reverse order: no */
    corr_feed(c, &sink, 1, 0, -1, "rev.test", "1", NULL);
    corr_feed(c, &sink, 0, 10 * S, -1, "rev.test", "1", NULL);
    ck_assert_int_eq(corr_n(&cc), 0);
    /* in order: yes, and the alert lists exactly the chain */
    corr_feed(c, &sink, 0, 20 * S, -1, "ord.test", "1", NULL);
    corr_feed(c, &sink, 0, 30 * S, -1, "ord.test", "2", NULL);
    corr_feed(c, &sink, 1, 40 * S, -1, "ord.test", "3", NULL);
    ck_assert_int_eq(corr_n(&cc), 1);
    fjson_object *a = corr_alert(&cc, 0);
    zwt_assert_int(a, "start_time", 20 * S);
    zwt_assert_int(a, "end_time", 40 * S);
    ck_assert_int_eq(fjson_object_array_length(zw_jget(a, "evidences")), 2);
    /* rev.test now gets its rule-b after the rule-a at 10 s: fires */
    corr_feed(c, &sink, 1, 50 * S, -1, "rev.test", "1", NULL);
    ck_assert_int_eq(corr_n(&cc), 2);
    /* in order but too far apart */
    corr_feed(c, &sink, 0, 1000 * S, -1, "far.test", "1", NULL);
    corr_feed(c, &sink, 1, 1600 * S + 1, -1, "far.test", "1", NULL);
    ck_assert_int_eq(corr_n(&cc), 2);
    corr_collect_free(&cc);
    en_corr_destroy(c);
}
END_TEST

/* Out-of-order input within the allowed lateness gives the sorted input's result. */
START_TEST(test_out_of_order_same_as_sorted)
{
    en_corr_member m[2] = {mem_rule(0, EN_FIELD_NONE), mem_rule(1, EN_FIELD_NONE)};
    en_corr_def d = def1(EN_CORR_TEMPORAL_ORDERED, m, 2, 60 * S, (en_cmp)-1, 0);
    en_corr_opts o = {0};
    o.allowed_lateness_ms = 30 * S;
    static const struct {
        uint32_t rule;
        int64_t t;
    } sorted[] = {{0, 0}, {1, 5 * S}, {0, 100 * S}, {1, 110 * S}},
      shuffled[] = {{1, 5 * S}, {0, 0}, {1, 110 * S}, {0, 100 * S}};
    zw_buf outs[2];
    for (int pass = 0; pass < 2; pass++) {
        en_corr *c = mk(&d, 1, &o);
        corr_collect cc;
        en_alert_sink sink;
        corr_collect_init(&cc, &sink);
        for (size_t i = 0; i < 4; i++) {
            uint32_t r = pass ? shuffled[i].rule : sorted[i].rule;
            int64_t t = pass ? shuffled[i].t : sorted[i].t;
            ck_assert_int_eq(corr_feed(c, &sink, r, t, -1, "o.test", "1", NULL), 0);
        }
        ck_assert_int_eq(en_corr_flush(c, EN_CORR_ALL, &sink), 0);
        ck_assert_int_eq(corr_n(&cc), 2);
        zw_buf_init(&outs[pass]);
        zw_buf_append(&outs[pass], cc.raw.p, cc.raw.len);
        corr_collect_free(&cc);
        en_corr_destroy(c);
    }
    ck_assert_uint_eq(outs[0].len, outs[1].len);
    ck_assert(memcmp(outs[0].p, outs[1].p, outs[0].len) == 0);
    zw_buf_free(&outs[0]);
    zw_buf_free(&outs[1]);
}
END_TEST

START_TEST(test_late_dropped)
{
    en_corr_member m[1] = {mem_rule(0, EN_FIELD_NONE)};
    en_corr_def d = def1(EN_CORR_EVENT_COUNT, m, 1, 60 * S, EN_CMP_GTE, 2);
    en_corr_opts o = {0};
    o.allowed_lateness_ms = 5 * S;
    rules[1].alert = 1; /* rule-b raises its own alert: a late match still does */
    en_corr *c = mk(&d, 1, &o);
    corr_collect cc;
    en_alert_sink sink;
    corr_collect_init(&cc, &sink);
    ck_assert_int_eq(corr_feed(c, &sink, 0, 100 * S, -1, "l.test", "1", NULL), 0);
    /* 97 s is within the 5 s lateness: buffered, processed in order */
    ck_assert_int_eq(corr_feed(c, &sink, 0, 97 * S, -1, "l.test", "1", NULL), 0);
    ck_assert_int_eq(corr_n(&cc), 0); /* watermark 95 s: nothing released yet */
    ck_assert_int_eq(corr_feed(c, &sink, 0, 50 * S, -1, "l.test", "1", NULL), EN_CORR_LATE);
    ck_assert_int_eq(corr_feed(c, &sink, 1, 40 * S, -1, "l.test", "1", NULL), 0);
    ck_assert_int_eq(corr_n(&cc), 1); /* rule-b's own alert, though late */
    zwt_assert_str(corr_alert(&cc, 0), "finding_info.analytic.uid", "rule-b");
    ck_assert_int_eq(corr_feed(c, &sink, 0, 110 * S, -1, "x.test", "1", NULL), 0);
    ck_assert_int_eq(corr_n(&cc), 2); /* watermark 105 s released 97 s and 100 s: fired */
    fjson_object *a = corr_alert(&cc, 1);
    zwt_assert_int(a, "start_time", 97 * S);
    zwt_assert_int(a, "end_time", 100 * S);
    en_corr_stats st;
    en_corr_get_stats(c, &st);
    ck_assert_uint_eq(st.late_dropped, 1);
    ck_assert_uint_eq(st.buffered, 1); /* 110 s waits for the watermark */
    rules[1].alert = 0;
    corr_collect_free(&cc);
    en_corr_destroy(c);
}
END_TEST

/* Upper-bounded conditions are judged when a window anchored at its first match closes. */
START_TEST(test_anchored_lt)
{
    en_corr_member m[1] = {mem_rule(0, EN_FIELD_NONE)};
    en_corr_def d = def1(EN_CORR_EVENT_COUNT, m, 1, 60 * S, EN_CMP_LT, 3);
    en_corr *c = mk(&d, 1, NULL);
    corr_collect cc;
    en_alert_sink sink;
    corr_collect_init(&cc, &sink);
    corr_feed(c, &sink, 0, 0, -1, "few.test", "1", NULL);
    corr_feed(c, &sink, 0, 0, -1, "many.test", "1", NULL);
    corr_feed(c, &sink, 0, 1 * S, -1, "many.test", "1", NULL);
    corr_feed(c, &sink, 0, 10 * S, -1, "few.test", "1", NULL);
    corr_feed(c, &sink, 0, 60 * S, -1, "many.test", "1", NULL); /* edge: inside */
    ck_assert_int_eq(corr_n(&cc), 0);
    /* time passes beyond 60 s: few.test's window closes with 2 < 3 */
    ck_assert_int_eq(en_corr_advance(c, -1, 61 * S, &sink), 0);
    ck_assert_int_eq(corr_n(&cc), 1);
    fjson_object *a = corr_alert(&cc, 0);
    zwt_assert_str(a, "unmapped.correlation.key.zone", "few.test");
    zwt_assert_int(a, "unmapped.correlation.value", 2);
    zwt_assert_int(a, "unmapped.correlation.window.start", 0);
    zwt_assert_int(a, "unmapped.correlation.window.end", 60 * S);
    ck_assert_int_eq(en_corr_flush(c, EN_CORR_ALL, &sink), 0);
    ck_assert_msg(corr_n(&cc) == 1, "%s", cc.raw.p);
    corr_collect_free(&cc);
    en_corr_destroy(c);
}
END_TEST

START_TEST(test_value_sum_avg_percentile)
{
    en_corr_member m[1] = {mem_rule(0, 2)};
    en_corr_def d[3];
    d[0] = def1(EN_CORR_VALUE_SUM, m, 1, 60 * S, EN_CMP_GT, 100);
    d[1] = def1(EN_CORR_VALUE_AVG, m, 1, 60 * S, EN_CMP_GTE, 50);
    d[2] = def1(EN_CORR_VALUE_PERCENTILE, m, 1, 60 * S, EN_CMP_GTE, 90);
    d[2].percentile = 75;
    en_rule_meta mm[3] = {cmeta, cmeta, cmeta};
    mm[0].uid = "sum";
    mm[1].uid = "avg";
    mm[2].uid = "pct";
    for (int i = 0; i < 3; i++) {
        d[i].meta = &mm[i];
    }
    en_corr *c = mk(d, 3, NULL);
    corr_collect cc;
    en_alert_sink sink;
    corr_collect_init(&cc, &sink);
    corr_feed(c, &sink, 0, 0, -1, "v.test", "1", "40");
    corr_feed(c, &sink, 0, 1 * S, -1, "v.test", "1", "40");
    ck_assert_int_eq(corr_n(&cc), 0);
    /* 40, 40: sum 80, avg 40, p75 (nearest rank 2 of 2) 40: nothing */
    corr_feed(c, &sink, 0, 2 * S, -1, "v.test", "1", "95");
    /* sum 175 > 100; avg 58.3 >= 50; p75 = rank 3 of 3 = 95 >= 90: all three, in def order */
    ck_assert_int_eq(corr_n(&cc), 3);
    zwt_assert_str(corr_alert(&cc, 0), "finding_info.analytic.uid", "sum");
    zwt_assert_int(corr_alert(&cc, 0), "unmapped.correlation.value", 175);
    zwt_assert_str(corr_alert(&cc, 1), "finding_info.analytic.uid", "avg");
    zwt_assert_str(corr_alert(&cc, 2), "finding_info.analytic.uid", "pct");
    zwt_assert_int(corr_alert(&cc, 2), "unmapped.correlation.value", 95);
    /* groups were reset: 30 alone: sum 30 no, avg 30 no, p75 30 no */
    corr_feed(c, &sink, 0, 3 * S, -1, "v.test", "1", "30");
    ck_assert_int_eq(corr_n(&cc), 3);
    corr_feed(c, &sink, 0, 4 * S, -1, "v.test", "1", "80");
    ck_assert_int_eq(corr_n(&cc), 5); /* sum 110 > 100, avg 55 >= 50, p75 80 < 90 */
    zwt_assert_str(corr_alert(&cc, 3), "finding_info.analytic.uid", "sum");
    zwt_assert_str(corr_alert(&cc, 4), "finding_info.analytic.uid", "avg");
    corr_collect_free(&cc);
    en_corr_destroy(c);
}
END_TEST

/* A correlation of a correlation (Sigma's chained example). */
START_TEST(test_chain)
{
    en_corr_member inner_m[1] = {mem_rule(0, EN_FIELD_NONE)};
    static const uint32_t part0[1] = {0};
    en_corr_member outer_m[2] = {{EN_REF_CORR, 0, part0, EN_FIELD_NONE},
                                 mem_rule(1, EN_FIELD_NONE)};
    en_corr_def d[2];
    d[0] = def1(EN_CORR_EVENT_COUNT, inner_m, 1, 60 * S, EN_CMP_GTE, 2);
    d[0].alert = 0;
    d[1] = def1(EN_CORR_TEMPORAL_ORDERED, outer_m, 2, 600 * S, (en_cmp)-1, 0);
    d[1].meta = &cmeta2;
    en_corr *c = mk(d, 2, NULL);
    corr_collect cc;
    en_alert_sink sink;
    corr_collect_init(&cc, &sink);
    corr_feed(c, &sink, 1, 0, -1, "ch.test", "1", NULL); /* change before: ignored */
    corr_feed(c, &sink, 0, 10 * S, -1, "ch.test", "1", NULL);
    corr_feed(c, &sink, 0, 20 * S, -1, "ch.test", "1", NULL); /* inner fires, silent */
    ck_assert_int_eq(corr_n(&cc), 0);
    corr_feed(c, &sink, 1, 100 * S, -1, "ch.test", "1", NULL);
    ck_assert_int_eq(corr_n(&cc), 1);
    fjson_object *a = corr_alert(&cc, 0);
    zwt_assert_str(a, "finding_info.analytic.uid", "corr-2");
    zwt_assert_str(a, "unmapped.correlation.key.zone", "ch.test");
    zwt_assert_int(a, "severity_id", ZW_SEV_CRITICAL);
    zwt_assert_int(a, "start_time", 20 * S);
    corr_collect_free(&cc);
    en_corr_destroy(c);
}
END_TEST

START_TEST(test_eviction_1m_keys)
{
    en_corr_member m[1] = {mem_rule(0, EN_FIELD_NONE)};
    en_corr_def d = def1(EN_CORR_EVENT_COUNT, m, 1, 3600 * S, EN_CMP_GTE, 2);
    en_corr_opts o = {0};
    o.max_groups = 10000;
    en_corr *c = mk(&d, 1, &o);
    corr_collect cc;
    en_alert_sink sink;
    corr_collect_init(&cc, &sink);
    char key[32];
    uint64_t max_bytes = 0;
    for (int i = 0; i < 1000000; i++) {
        snprintf(key, sizeof key, "k%d.test", i);
        ck_assert_int_eq(corr_feed(c, &sink, 0, i, -1, key, "1", NULL), 0);
        if (i % 10000 == 0) {
            en_corr_stats st;
            en_corr_get_stats(c, &st);
            ck_assert_uint_le(st.groups_live, 10000);
            if (st.state_bytes > max_bytes) {
                max_bytes = st.state_bytes;
            }
        }
    }
    en_corr_stats st;
    en_corr_get_stats(c, &st);
    ck_assert_uint_eq(st.groups_live, 10000);
    ck_assert_uint_eq(st.groups_created, 1000000);
    ck_assert_uint_eq(st.evictions, 990000);
    /* bounded: about 10k groups' worth, far from 1M keys' worth */
    ck_assert_msg(max_bytes < 8u * 1024 * 1024, "state grew to %llu bytes",
                  (unsigned long long)max_bytes);
    /* the newest keys survived: a second match of the last key fires */
    corr_feed(c, &sink, 0, 1000000, -1, "k999999.test", "1", NULL);
    ck_assert_int_eq(corr_n(&cc), 1);
    /* the oldest was evicted: its second match starts over */
    corr_feed(c, &sink, 0, 1000001, -1, "k0.test", "1", NULL);
    ck_assert_int_eq(corr_n(&cc), 1);
    /* everything freed: the byte count returns to the fixed tables (hash, heap) */
    ck_assert_int_eq(en_corr_flush(c, EN_CORR_ALL, &sink), 0);
    en_corr_get_stats(c, &st);
    ck_assert_uint_eq(st.groups_live, 0);
    ck_assert_msg(st.state_bytes < 512u * 1024, "state_bytes %llu after flush",
                  (unsigned long long)st.state_bytes);
    corr_collect_free(&cc);
    en_corr_destroy(c);
}
END_TEST

START_TEST(test_save_load_continues)
{
    en_corr_member m[1] = {mem_rule(0, EN_FIELD_NONE)};
    en_corr_def d = def1(EN_CORR_EVENT_COUNT, m, 1, 60 * S, EN_CMP_GTE, 3);
    en_corr_opts o = {0};
    o.allowed_lateness_ms = 10 * S;
    o.merge_ms = 300 * S;
    en_corr *c = mk(&d, 1, &o);
    corr_collect cc;
    en_alert_sink sink;
    corr_collect_init(&cc, &sink);
    corr_feed(c, &sink, 0, 0, -1, "s.test", "1", NULL);
    corr_feed(c, &sink, 0, 5 * S, -1, "s.test", "1", NULL);
    corr_feed(c, &sink, 0, 12 * S, -1, "s.test", "1", NULL); /* buffered (lateness) */
    zw_buf blob;
    zw_buf_init(&blob);
    ck_assert_int_eq(en_corr_save(c, &blob), 0);
    en_corr_destroy(c);

    c = mk(&d, 1, &o);
    char err[256] = "";
    ck_assert_msg(en_corr_load(c, blob.p, blob.len, err, sizeof err) == 0, "load: %s", err);
    en_corr_stats st;
    en_corr_get_stats(c, &st);
    ck_assert_uint_eq(st.buffered, 2); /* 5 s and 12 s wait for the watermark */
    ck_assert_uint_eq(st.groups_live, 1);
    /* 30 s releases 5 s and 12 s: the window fires, held for the merge period */
    corr_feed(c, &sink, 0, 30 * S, -1, "other.test", "1", NULL);
    ck_assert_int_eq(corr_n(&cc), 0);
    /* save again with the alert held, reload, and flush: it comes out once */
    zw_buf_clear(&blob);
    ck_assert_int_eq(en_corr_save(c, &blob), 0);
    en_corr_destroy(c);
    c = mk(&d, 1, &o);
    ck_assert_int_eq(en_corr_load(c, blob.p, blob.len, err, sizeof err), 0);
    ck_assert_int_eq(en_corr_flush(c, EN_CORR_ALL, &sink), 0);
    ck_assert_int_eq(corr_n(&cc), 1);
    fjson_object *a = corr_alert(&cc, 0);
    zwt_assert_str(a, "unmapped.correlation.key.zone", "s.test");
    zwt_assert_int(a, "start_time", 0);
    zwt_assert_int(a, "end_time", 12 * S);
    zwt_assert_int(a, "finding_info.related_events_count", 3);

    /* corrupt and foreign blobs are refused */
    blob.p[blob.len - 1] ^= 0x55;
    ck_assert_int_eq(en_corr_load(c, blob.p, blob.len, err, sizeof err), ZW_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "checksum"));
    blob.p[blob.len - 1] ^= 0x55;
    en_corr_def d2 = def1(EN_CORR_EVENT_COUNT, m, 1, 61 * S, EN_CMP_GTE, 3);
    en_corr *c2 = mk(&d2, 1, &o);
    ck_assert_int_eq(en_corr_load(c2, blob.p, blob.len, err, sizeof err), ZW_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "different rules"));
    ck_assert_int_eq(en_corr_load(c2, "garbage", 7, err, sizeof err), ZW_EINVAL);
    en_corr_destroy(c2);
    zw_buf_free(&blob);
    corr_collect_free(&cc);
    en_corr_destroy(c);
}
END_TEST

START_TEST(test_state_file)
{
    en_corr_member m[1] = {mem_rule(0, EN_FIELD_NONE)};
    en_corr_def d = def1(EN_CORR_EVENT_COUNT, m, 1, 60 * S, EN_CMP_GTE, 2);
    char path[] = "/tmp/zw-corr-state-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    unlink(path);
    char err[256] = "";
    int loaded = -1;
    en_corr *c = mk(&d, 1, NULL);
    ck_assert_int_eq(en_corr_state_open(c, path, &loaded, err, sizeof err), 0);
    ck_assert_int_eq(loaded, 0); /* missing file: fresh start */
    corr_collect cc;
    en_alert_sink sink;
    corr_collect_init(&cc, &sink);
    corr_feed(c, &sink, 0, 0, -1, "f.test", "1", NULL);
    ck_assert_msg(en_corr_state_close(c, path, err, sizeof err) == 0, "%s", err);
    en_corr_destroy(c);
    c = mk(&d, 1, NULL);
    ck_assert_msg(en_corr_state_open(c, path, &loaded, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(loaded, 1);
    corr_feed(c, &sink, 0, 30 * S, -1, "f.test", "1", NULL);
    ck_assert_int_eq(corr_n(&cc), 1);
    unlink(path);
    corr_collect_free(&cc);
    en_corr_destroy(c);
}
END_TEST

START_TEST(test_partition_export_import)
{
    en_corr_member m[1] = {mem_rule(0, EN_FIELD_NONE)};
    en_corr_def d = def1(EN_CORR_EVENT_COUNT, m, 1, 60 * S, EN_CMP_GTE, 2);
    en_corr *a = mk(&d, 1, NULL);
    en_corr *b = mk(&d, 1, NULL);
    corr_collect cc;
    en_alert_sink sink;
    corr_collect_init(&cc, &sink);
    corr_feed(a, &sink, 0, 0, 3, "p.test", "1", NULL);
    corr_feed(a, &sink, 0, 0, 4, "p.test", "1", NULL);
    ck_assert_int_eq(en_corr_partition_dirty(a, 3), 1);
    zw_buf blob;
    zw_buf_init(&blob);
    ck_assert_int_eq(en_corr_export_partition(a, 3, &blob), 0);
    ck_assert_int_eq(en_corr_partition_dirty(a, 3), 0);
    en_corr_drop_partition(a, 3); /* revoked from a ... */
    char err[256] = "";
    ck_assert_msg(en_corr_import_partition(b, 3, blob.p, blob.len, err, sizeof err) == 0, "%s",
                  err); /* ... assigned to b */
    corr_feed(b, &sink, 0, 10 * S, 3, "p.test", "1", NULL);
    ck_assert_int_eq(corr_n(&cc), 1);
    zwt_assert_int(corr_alert(&cc, 0), "unmapped.correlation.partition", 3);
    zwt_assert_int(corr_alert(&cc, 0), "start_time", 0);
    /* a's partition 4 is untouched; a has no partition 3 any more */
    corr_feed(a, &sink, 0, 10 * S, 3, "p.test", "1", NULL);
    ck_assert_int_eq(corr_n(&cc), 1);
    corr_feed(a, &sink, 0, 10 * S, 4, "p.test", "1", NULL);
    ck_assert_int_eq(corr_n(&cc), 2);
    /* an unknown partition exports as a valid empty blob */
    zw_buf_clear(&blob);
    ck_assert_int_eq(en_corr_export_partition(a, 99, &blob), 0);
    ck_assert_int_eq(en_corr_import_partition(b, 99, blob.p, blob.len, err, sizeof err), 0);
    blob.len -= 3;
    ck_assert_int_eq(en_corr_import_partition(b, 99, blob.p, blob.len, err, sizeof err), ZW_EINVAL);
    zw_buf_free(&blob);
    corr_collect_free(&cc);
    en_corr_destroy(a);
    en_corr_destroy(b);
}
END_TEST

START_TEST(test_merge_hold_and_update)
{
    rules[0].alert = 1;
    for (int mode = 0; mode < 2; mode++) {
        en_corr_opts o = {0};
        o.merge_ms = 60 * S;
        o.merge_mode = mode ? EN_MERGE_UPDATE : EN_MERGE_HOLD;
        en_corr *c = mk(NULL, 0, &o);
        corr_collect cc;
        en_alert_sink sink;
        corr_collect_init(&cc, &sink);
        corr_feed(c, &sink, 0, 0, -1, "m.test", "10.0.0.9", NULL);
        corr_feed(c, &sink, 0, 10 * S, -1, "m.test", "10.0.0.9", NULL);
        corr_feed(c, &sink, 0, 20 * S, -1, "m.test", "10.0.0.8", NULL); /* other values */
        corr_feed(c, &sink, 0, 59 * S, -1, "m.test", "10.0.0.9", NULL);
        ck_assert_int_eq(corr_n(&cc), mode ? 2 : 0); /* UPDATE: two Creates at once */
        corr_feed(c, &sink, 0, 60 * S, -1, "m.test", "10.0.0.9", NULL); /* period over */
        ck_assert_int_eq(corr_n(&cc), mode ? 4 : 1); /* UPDATE: the Update, a new Create */
        fjson_object *a = corr_alert(&cc, mode ? 2 : 0);
        zwt_assert_int(a, "count", 3);
        zwt_assert_int(a, "start_time", 0);
        zwt_assert_int(a, "end_time", 59 * S);
        zwt_assert_int(a, "activity_id", mode ? 2 : 1);
        /* no key fields: the merge key is the matched pairs, not shown as a key */
        ck_assert_int_eq(fjson_object_object_length(zw_jget(a, "unmapped.correlation.key")), 0);
        if (mode) {
            zwt_assert_int(corr_alert(&cc, 0), "count", 1);
            zwt_assert_str(corr_alert(&cc, 0), "finding_info.uid",
                           zw_jstr(a, "finding_info.uid", NULL));
        }
        ck_assert_int_eq(en_corr_flush(c, EN_CORR_ALL, &sink), 0);
        /* HOLD: the 10.0.0.8 alert and the 60 s one; UPDATE: nothing merged into them */
        ck_assert_int_eq(corr_n(&cc), mode ? 4 : 3);
        en_corr_stats st;
        en_corr_get_stats(c, &st);
        ck_assert_uint_eq(st.alerts_merged, 2);
        corr_collect_free(&cc);
        en_corr_destroy(c);
    }
    rules[0].alert = 0;
}
END_TEST

START_TEST(test_deterministic_and_invalid)
{
    en_corr_member m[1] = {mem_rule(0, EN_FIELD_NONE)};
    en_corr_def d = def1(EN_CORR_EVENT_COUNT, m, 1, 60 * S, EN_CMP_GTE, 2);
    zw_buf first;
    zw_buf_init(&first);
    for (int pass = 0; pass < 2; pass++) {
        en_corr *c = mk(&d, 1, NULL);
        corr_collect cc;
        en_alert_sink sink;
        corr_collect_init(&cc, &sink);
        for (int i = 0; i < 200; i++) {
            char z[16];
            snprintf(z, sizeof z, "z%d", i % 7);
            corr_feed(c, &sink, 0, i * S, -1, z, "1", NULL);
        }
        en_corr_flush(c, EN_CORR_ALL, &sink);
        if (pass == 0) {
            zw_buf_append(&first, cc.raw.p, cc.raw.len);
        } else {
            ck_assert_uint_eq(first.len, cc.raw.len);
            ck_assert(memcmp(first.p, cc.raw.p, first.len) == 0);
        }
        corr_collect_free(&cc);
        en_corr_destroy(c);
    }
    zw_buf_free(&first);
    /* invalid definitions are refused with a reason */
    char err[256] = "";
    en_corr_def bad = d;
    bad.timespan_ms = 0;
    ck_assert_ptr_null(en_corr_new(rules, 3, &bad, 1, NULL, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "timespan"));
    en_corr_member cyc[1] = {{EN_REF_CORR, 0, gf0, EN_FIELD_NONE}};
    bad = d;
    bad.members = cyc;
    ck_assert_ptr_null(en_corr_new(rules, 3, &bad, 1, NULL, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "cycle"));
    en_corr_member vc[1] = {mem_rule(0, EN_FIELD_NONE)};
    bad = def1(EN_CORR_VALUE_COUNT, vc, 1, 60 * S, EN_CMP_GTE, 2);
    ck_assert_ptr_null(en_corr_new(rules, 3, &bad, 1, NULL, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "value field"));
    en_corr *c = mk(&d, 1, NULL);
    en_alert_sink sink = {NULL, NULL};
    ck_assert_int_eq(corr_feed(c, &sink, 7, 0, -1, "z", "1", NULL), ZW_EINVAL);
    en_corr_destroy(c);
    en_corr_destroy(NULL);
}
END_TEST

/* drain: everything buffered is processed, open windows stay open. */
START_TEST(test_drain_keeps_windows)
{
    en_corr_member m[1] = {mem_rule(0, EN_FIELD_NONE)};
    en_corr_def d = def1(EN_CORR_EVENT_COUNT, m, 1, 60 * S, EN_CMP_GTE, 3);
    en_corr_opts o = {0};
    o.allowed_lateness_ms = 3600 * S;
    en_corr *c = mk(&d, 1, &o);
    corr_collect cc;
    en_alert_sink sink;
    corr_collect_init(&cc, &sink);
    corr_feed(c, &sink, 0, 10 * S, -1, "d.test", "1", NULL);
    corr_feed(c, &sink, 0, 0, -1, "d.test", "1", NULL);
    en_corr_stats st;
    en_corr_get_stats(c, &st);
    ck_assert_uint_eq(st.buffered, 2);
    ck_assert_int_eq(en_corr_drain(c, EN_CORR_ALL, &sink), 0);
    en_corr_get_stats(c, &st);
    ck_assert_uint_eq(st.buffered, 0);
    ck_assert_uint_eq(st.groups_live, 1);
    /* earlier than what was drained: late */
    ck_assert_int_eq(corr_feed(c, &sink, 0, 5 * S, -1, "d.test", "1", NULL), EN_CORR_LATE);
    corr_feed(c, &sink, 0, 20 * S, -1, "d.test", "1", NULL);
    ck_assert_int_eq(en_corr_drain(c, EN_CORR_ALL, &sink), 0);
    ck_assert_int_eq(corr_n(&cc), 1);
    zwt_assert_int(corr_alert(&cc, 0), "start_time", 0);
    corr_collect_free(&cc);
    en_corr_destroy(c);
}
END_TEST

/* ---- randomized: the correlator against brute-force oracles, and arrival order ---- */

static uint64_t rng_state;
static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)((rng_state >> 33) % n);
}

typedef struct {
    int64_t t;
    uint32_t rule;
    int key;
    int64_t arrive;
} rev;

typedef struct {
    int key;
    int64_t start, end;
} fire;

static int cmp_arrive(const void *a, const void *b)
{
    const rev *x = a, *y = b;
    return x->arrive < y->arrive ? -1 : x->arrive > y->arrive ? 1 : (x->t > y->t) - (x->t < y->t);
}

/* Brute force: is there an ordered subsequence of rules[0..n) among ev[lo..hi] (times
 * within [tmin, ..]) that ends exactly at index hi? Returns the start index or -1. */
static int oracle_chain(const rev *ev, const int *alive, int lo, int hi, const uint32_t *seq, int n,
                        int key)
{
    /* latest possible start: try starts from the latest backwards, greedy forward */
    for (int s = hi; s >= lo; s--) {
        if (!alive[s] || ev[s].key != key || ev[s].rule != seq[0]) {
            continue;
        }
        int k = 1, at = s;
        for (int i = s + 1; i < hi && k < n - 1; i++) {
            if (alive[i] && ev[i].key == key && ev[i].rule == seq[k]) {
                k++;
                at = i;
            }
        }
        (void)at;
        if (n == 1 ? s == hi : (k == n - 1 && ev[hi].rule == seq[n - 1] && s < hi)) {
            return s;
        }
    }
    return -1;
}

/* Rules reload: the open window of an unchanged correlation moves to the new correlator
 * (whose rule indices all moved: a rule was added first) and fires there once; the
 * window of a changed correlation is dropped; the old correlator is left as it was. */
START_TEST(test_carry_over)
{
    static en_rule_meta rules2[4] = {
        {"rule-new", "Added", NULL, ZW_SEV_LOW, &att, 1, 0, NULL, NULL, 0},
        {"rule-a", "Zone transfer refused", NULL, ZW_SEV_LOW, &att, 1, 0, NULL, NULL, 0},
        {"rule-b", "Record change", NULL, ZW_SEV_LOW, &att, 1, 0, NULL, NULL, 0},
        {"rule-c", "Config change", NULL, ZW_SEV_LOW, &att, 1, 0, NULL, NULL, 0},
    };
    en_corr_member m_old[2] = {mem_rule(0, 1), mem_rule(1, EN_FIELD_NONE)};
    en_corr_member m_new[2] = {mem_rule(1, 1), mem_rule(2, EN_FIELD_NONE)};
    en_corr_def d_old[2], d_new[2];
    d_old[0] = def1(EN_CORR_VALUE_COUNT, &m_old[0], 1, 300 * S, EN_CMP_GTE, 3);
    d_old[0].value_field_name = "src_endpoint.ip";
    d_old[1] = def1(EN_CORR_EVENT_COUNT, &m_old[1], 1, 300 * S, EN_CMP_GTE, 3);
    d_old[1].meta = &cmeta2;
    d_new[0] = def1(EN_CORR_VALUE_COUNT, &m_new[0], 1, 300 * S, EN_CMP_GTE, 3);
    d_new[0].value_field_name = "src_endpoint.ip";
    d_new[1] = def1(EN_CORR_EVENT_COUNT, &m_new[1], 1, 300 * S, EN_CMP_GTE, 5); /* changed */
    d_new[1].meta = &cmeta2;
    char err[256] = "";
    en_corr *old = mk(d_old, 2, NULL);
    en_corr *nc = en_corr_new(rules2, 4, d_new, 2, NULL, err, sizeof err);
    ck_assert_msg(nc != NULL, "%s", err);
    ck_assert_uint_eq(en_corr_def_signature(old, 0), en_corr_def_signature(nc, 0));
    ck_assert_uint_ne(en_corr_def_signature(old, 1), en_corr_def_signature(nc, 1));
    corr_collect cc;
    en_alert_sink sink;
    corr_collect_init(&cc, &sink);
    corr_feed(old, &sink, 0, 0, 7, "z.test", "10.0.0.1", NULL);
    corr_feed(old, &sink, 0, 1 * S, 7, "z.test", "10.0.0.2", NULL);
    corr_feed(old, &sink, 1, 2 * S, 7, "z.test", NULL, NULL);
    corr_feed(old, &sink, 1, 3 * S, 7, "z.test", NULL, NULL);
    ck_assert_int_eq(corr_n(&cc), 0);
    en_corr_carry co;
    ck_assert_int_eq(en_corr_carry_over(nc, old, &co), 0);
    ck_assert_uint_eq(co.corrs_kept, 1);
    ck_assert_uint_eq(co.corrs_changed, 1);
    ck_assert_uint_eq(co.groups_kept, 1);
    ck_assert_uint_eq(co.groups_dropped, 1);
    ck_assert_uint_eq(co.dropped, 0);
    en_corr_stats st;
    en_corr_get_stats(old, &st);
    ck_assert_uint_eq(st.groups_live, 2); /* src untouched */
    /* the carried window: a third distinct value fires it, once, over 3 events */
    corr_feed(nc, &sink, 1, 4 * S, 7, "z.test", "10.0.0.3", NULL);
    ck_assert_int_eq(corr_n(&cc), 1);
    fjson_object *a = corr_alert(&cc, 0);
    zwt_assert_str(a, "finding_info.analytic.uid", "corr-1");
    zwt_assert_int(a, "unmapped.correlation.value", 3);
    zwt_assert_int(a, "finding_info.related_events_count", 3);
    zwt_assert_int(a, "start_time", 0);
    corr_feed(nc, &sink, 1, 5 * S, 7, "z.test", "10.0.0.4", NULL);
    ck_assert_int_eq(corr_n(&cc), 1); /* the group was reset by the firing */
    /* the changed correlation starts empty: 2 carried would have made 3 */
    corr_feed(nc, &sink, 2, 6 * S, 7, "z.test", NULL, NULL);
    corr_feed(nc, &sink, 2, 7 * S, 7, "z.test", NULL, NULL);
    corr_feed(nc, &sink, 2, 8 * S, 7, "z.test", NULL, NULL);
    corr_feed(nc, &sink, 2, 9 * S, 7, "z.test", NULL, NULL);
    ck_assert_int_eq(corr_n(&cc), 1);
    corr_feed(nc, &sink, 2, 10 * S, 7, "z.test", NULL, NULL);
    ck_assert_int_eq(corr_n(&cc), 2);
    /* late matches stay late across the reload: the partition clock moved too */
    ck_assert_int_eq(corr_feed(nc, &sink, 1, -600 * S, 7, "z.test", "10.0.0.9", NULL),
                     EN_CORR_LATE);
    corr_collect_free(&cc);
    en_corr_destroy(old);
    en_corr_destroy(nc);
}
END_TEST

START_TEST(test_random_against_oracle)
{
    rng_state = 12345;
    for (int round = 0; round < 300; round++) {
        int ordered = round % 2;
        int nev = 20 + (int)rnd(60);
        int64_t ts = (int64_t)(5 + rnd(40)) * S;
        int need = 2 + (int)rnd(4);
        int64_t lateness = (int64_t)rnd(3) * 15 * S;
        rev ev[80];
        int64_t t = 0;
        for (int i = 0; i < nev; i++) {
            t += 1 + rnd(12 * S);
            ev[i].t = t;
            ev[i].rule = ordered ? rnd(2) : 0;
            ev[i].key = (int)rnd(3);
            ev[i].arrive = t + (lateness ? rnd((uint32_t)lateness + 1) : 0);
        }
        /* oracle over the sorted events */
        fire want[80];
        int nwant = 0;
        int alive[80];
        for (int i = 0; i < nev; i++) {
            alive[i] = 1;
        }
        for (int i = 0; i < nev; i++) {
            int k = ev[i].key;
            if (!ordered) {
                int cnt = 0, first = -1;
                for (int j = 0; j <= i; j++) {
                    if (alive[j] && ev[j].key == k && ev[j].t >= ev[i].t - ts) {
                        cnt++;
                        if (first < 0) {
                            first = j;
                        }
                    }
                }
                if (cnt >= need) {
                    want[nwant++] = (fire){k, ev[first].t, ev[i].t};
                    for (int j = 0; j <= i; j++) {
                        if (ev[j].key == k) {
                            alive[j] = 0;
                        }
                    }
                }
            } else {
                static const uint32_t seq[2] = {0, 1};
                int lo = 0;
                while (lo < i && ev[lo].t < ev[i].t - ts) {
                    lo++;
                }
                int s0 = ev[i].rule == 1 ? oracle_chain(ev, alive, lo, i, seq, 2, k) : -1;
                if (s0 >= 0) {
                    /* the correlator lists the earliest chain start in the window */
                    int e0 = -1;
                    for (int j = lo; j < i && e0 < 0; j++) {
                        if (alive[j] && ev[j].key == k && ev[j].rule == 0) {
                            e0 = j;
                        }
                    }
                    want[nwant++] = (fire){k, ev[e0].t, ev[i].t};
                    for (int j = 0; j <= i; j++) {
                        if (ev[j].key == k) {
                            alive[j] = 0;
                        }
                    }
                }
            }
        }
        /* the correlator, in time order and in shuffled arrival order */
        en_corr_member m1[1] = {mem_rule(0, EN_FIELD_NONE)};
        en_corr_member m2[2] = {mem_rule(0, EN_FIELD_NONE), mem_rule(1, EN_FIELD_NONE)};
        en_corr_def d = ordered ? def1(EN_CORR_TEMPORAL_ORDERED, m2, 2, ts, (en_cmp)-1, 0)
                                : def1(EN_CORR_EVENT_COUNT, m1, 1, ts, EN_CMP_GTE, need);
        en_corr_opts o = {0};
        o.allowed_lateness_ms = lateness;
        zw_buf out[2];
        for (int pass = 0; pass < 2; pass++) {
            rev arr[80];
            memcpy(arr, ev, sizeof(rev) * (size_t)nev);
            if (pass) {
                qsort(arr, (size_t)nev, sizeof *arr, cmp_arrive);
            }
            en_corr *c = mk(&d, 1, &o);
            corr_collect cc;
            en_alert_sink sink;
            corr_collect_init(&cc, &sink);
            static const char *const keys[3] = {"k0", "k1", "k2"};
            for (int i = 0; i < nev; i++) {
                ck_assert_int_eq(
                    corr_feed(c, &sink, arr[i].rule, arr[i].t, -1, keys[arr[i].key], "v", NULL), 0);
            }
            ck_assert_int_eq(en_corr_flush(c, EN_CORR_ALL, &sink), 0);
            ck_assert_msg(corr_n(&cc) == nwant, "round %d pass %d: %d alerts, oracle %d", round,
                          pass, corr_n(&cc), nwant);
            for (int i = 0; i < nwant; i++) {
                fjson_object *a = corr_alert(&cc, i);
                char kk[4];
                snprintf(kk, sizeof kk, "k%d", want[i].key);
                zwt_assert_str(a, "unmapped.correlation.key.zone", kk);
                zwt_assert_int(a, "start_time", want[i].start);
                zwt_assert_int(a, "end_time", want[i].end);
            }
            zw_buf_init(&out[pass]);
            zw_buf_append(&out[pass], cc.raw.p ? cc.raw.p : "", cc.raw.len);
            corr_collect_free(&cc);
            en_corr_destroy(c);
        }
        ck_assert_uint_eq(out[0].len, out[1].len);
        ck_assert(out[0].len == 0 || memcmp(out[0].p, out[1].p, out[0].len) == 0);
        zw_buf_free(&out[0]);
        zw_buf_free(&out[1]);
    }
}
END_TEST

/* The comparison operators of a correlation condition at and around the threshold (a
 * mutant that turned eq into neq survived the suites, which only used gte).  Lower
 * bounds fire at once and reset the group; eq / neq are decided when the window
 * closes (flush). */
START_TEST(test_condition_operators)
{
    static const struct {
        en_cmp op;
        int fires[4]; /* alerts after events 1..4 of one group (cumulative) */
    } lower[] = {{EN_CMP_GTE, {0, 1, 1, 2}}, {EN_CMP_GT, {0, 0, 1, 1}}};
    for (size_t k = 0; k < sizeof lower / sizeof lower[0]; k++) {
        en_corr_member m[1] = {mem_rule(0, EN_FIELD_NONE)};
        en_corr_def d = def1(EN_CORR_EVENT_COUNT, m, 1, 60 * S, lower[k].op, 2);
        en_corr *c = mk(&d, 1, NULL);
        corr_collect cc;
        en_alert_sink sink;
        corr_collect_init(&cc, &sink);
        for (int i = 0; i < 4; i++) {
            corr_feed(c, &sink, 0, i * S, -1, "eq.test", "1", NULL);
            ck_assert_msg(corr_n(&cc) == lower[k].fires[i], "op %d after %d events: %d alerts",
                          (int)lower[k].op, i + 1, corr_n(&cc));
        }
        corr_collect_free(&cc);
        en_corr_destroy(c);
    }
    static const struct {
        en_cmp op;
        const char *want[3]; /* zones alerted at flush, in any order */
        int n;
    } exact[] = {{EN_CMP_EQ, {"two.test"}, 1}, {EN_CMP_NEQ, {"one.test", "three.test"}, 2}};
    for (size_t k = 0; k < sizeof exact / sizeof exact[0]; k++) {
        en_corr_member m[1] = {mem_rule(0, EN_FIELD_NONE)};
        en_corr_def d = def1(EN_CORR_EVENT_COUNT, m, 1, 60 * S, exact[k].op, 2);
        en_corr *c = mk(&d, 1, NULL);
        corr_collect cc;
        en_alert_sink sink;
        corr_collect_init(&cc, &sink);
        static const char *const zones[] = {"one.test",   "two.test",   "two.test",
                                            "three.test", "three.test", "three.test"};
        for (int i = 0; i < 6; i++) {
            corr_feed(c, &sink, 0, i * S, -1, zones[i], "1", NULL);
        }
        ck_assert_int_eq(corr_n(&cc), 0);
        ck_assert_int_eq(en_corr_flush(c, EN_CORR_ALL, &sink), 0);
        ck_assert_msg(corr_n(&cc) == exact[k].n, "op %d: %d alerts at flush, want %d",
                      (int)exact[k].op, corr_n(&cc), exact[k].n);
        for (int i = 0; i < exact[k].n; i++) {
            const char *z = zw_jstr(corr_alert(&cc, i), "unmapped.correlation.key.zone", NULL);
            int found = 0;
            for (int w = 0; w < exact[k].n; w++) {
                found |= z && strcmp(z, exact[k].want[w]) == 0;
            }
            ck_assert_msg(found, "op %d: alert for %s", (int)exact[k].op, z ? z : "?");
        }
        corr_collect_free(&cc);
        en_corr_destroy(c);
    }
}
END_TEST

/* ---- issue 17 item 1: future timestamps; item 8: the lateness-buffer cap ---- */

#define T0 1800000000000LL /* the fixed wall clock of these tests (January 2027) */
#define DAY (86400 * S)

static int64_t fixed_clock(void *ud)
{
    return *(const int64_t *)ud;
}

static int future_flag(fjson_object *a)
{
    fjson_object *v = zw_jget(a, "unmapped.correlation.future_time");
    return v && fjson_object_get_boolean(v);
}

/* One match dated in year 9999 (or a day past the clock) neither silences the
 * correlation nor makes later matches late; its own alert goes out at once, flagged. */
START_TEST(test_future_timestamp)
{
    en_corr_member m[1] = {mem_rule(0, EN_FIELD_NONE)};
    en_corr_def d = def1(EN_CORR_EVENT_COUNT, m, 1, 60 * S, EN_CMP_GTE, 3);
    int64_t now = T0;
    en_corr_opts o = {0};
    o.allowed_lateness_ms = 5 * S;
    o.clock_ms = fixed_clock;
    o.clock_ud = &now;
    rules[0].alert = 1;
    en_corr *c = mk(&d, 1, &o);
    corr_collect cc;
    en_alert_sink sink;
    corr_collect_init(&cc, &sink);
    ck_assert_int_eq(corr_feed(c, &sink, 0, T0 - 100 * S, -1, "f.test", "1", NULL), 0);
    /* 27-Nov-9999 */
    ck_assert_int_eq(corr_feed(c, &sink, 0, 253399000000000LL, -1, "f.test", "2", NULL),
                     EN_CORR_FUTURE);
    ck_assert_int_eq(corr_n(&cc), 1); /* its own alert, at once */
    ck_assert(future_flag(corr_alert(&cc, 0)));
    ck_assert_int_eq(corr_feed(c, &sink, 0, T0 + DAY + 1, -1, "f.test", "3", NULL), EN_CORR_FUTURE);
    ck_assert_int_eq(corr_feed(c, &sink, 0, T0 - 95 * S, -1, "f.test", "4", NULL), 0);
    ck_assert_int_eq(corr_feed(c, &sink, 0, T0 - 90 * S, -1, "f.test", "5", NULL), 0);
    ck_assert_int_eq(en_corr_flush(c, EN_CORR_ALL, &sink), 0);
    en_corr_stats st;
    en_corr_get_stats(c, &st);
    ck_assert_uint_eq(st.late_dropped, 0);
    ck_assert_uint_eq(st.future_events, 2);
    ck_assert_uint_eq(st.fired, 1); /* 100 s, 95 s, 90 s before the clock */
    int corr = 0, flagged = 0;
    for (int i = 0; i < corr_n(&cc); i++) {
        fjson_object *a = corr_alert(&cc, i);
        const char *uid = zw_jstr(a, "finding_info.analytic.uid", NULL);
        corr += uid && strcmp(uid, "corr-1") == 0;
        flagged += future_flag(a);
        if (uid && strcmp(uid, "corr-1") == 0) {
            zwt_assert_int(a, "unmapped.correlation.value", 3);
            ck_assert(!future_flag(a));
        }
    }
    ck_assert_int_eq(corr, 1);
    ck_assert_int_eq(flagged, 2);
    rules[0].alert = 0;
    corr_collect_free(&cc);
    en_corr_destroy(c);
}
END_TEST

/* A match more than the skew past every earlier one (but not past the clock) moves
 * the watermark only when the next match confirms the jump. */
START_TEST(test_time_jump_needs_confirmation)
{
    en_corr_member m[1] = {mem_rule(0, EN_FIELD_NONE)};
    en_corr_def d = def1(EN_CORR_EVENT_COUNT, m, 1, 60 * S, EN_CMP_GTE, 100);
    int64_t now = T0;
    en_corr_opts o = {0};
    o.clock_ms = fixed_clock;
    o.clock_ud = &now;
    o.max_future_skew_ms = DAY;
    en_corr *c = mk(&d, 1, &o);
    corr_collect cc;
    en_alert_sink sink;
    corr_collect_init(&cc, &sink);
    int64_t t = T0 - 30 * DAY;
    ck_assert_int_eq(corr_feed(c, &sink, 0, t, -1, "j.test", "1", NULL), 0);
    ck_assert_int_eq(corr_feed(c, &sink, 0, t + 5 * DAY, -1, "j.test", "2", NULL), 0);
    ck_assert_int_eq(corr_feed(c, &sink, 0, t + S, -1, "j.test", "3", NULL), 0); /* not late */
    /* two jumps in a row: a quiet stretch in the log, trusted */
    ck_assert_int_eq(corr_feed(c, &sink, 0, t + 5 * DAY, -1, "j.test", "4", NULL), 0);
    ck_assert_int_eq(corr_feed(c, &sink, 0, t + 5 * DAY + S, -1, "j.test", "5", NULL), 0);
    ck_assert_int_eq(corr_feed(c, &sink, 0, t + 2 * S, -1, "j.test", "6", NULL), EN_CORR_LATE);
    en_corr_stats st;
    en_corr_get_stats(c, &st);
    ck_assert_uint_eq(st.jumps_held, 2);
    ck_assert_uint_eq(st.future_events, 0);
    corr_collect_free(&cc);
    en_corr_destroy(c);
}
END_TEST

/* State saved with a watermark in year 9999 (an older version, or a clock then set
 * wrong) is not trusted on load: later matches are not late. */
START_TEST(test_state_future_watermark_reset)
{
    en_corr_member m[1] = {mem_rule(0, EN_FIELD_NONE)};
    en_corr_def d = def1(EN_CORR_EVENT_COUNT, m, 1, 60 * S, EN_CMP_GTE, 2);
    int64_t far = 253399000000000LL, now = far;
    en_corr_opts o = {0};
    o.clock_ms = fixed_clock;
    o.clock_ud = &now;
    en_corr *c = mk(&d, 1, &o);
    corr_collect cc;
    en_alert_sink sink;
    corr_collect_init(&cc, &sink);
    ck_assert_int_eq(corr_feed(c, &sink, 0, far, -1, "s.test", "1", NULL), 0);
    ck_assert_int_eq(en_corr_drain(c, EN_CORR_ALL, &sink), 0);
    zw_buf blob;
    zw_buf_init(&blob);
    ck_assert_int_eq(en_corr_save(c, &blob), 0);
    en_corr_destroy(c);
    now = T0;
    c = mk(&d, 1, &o);
    char err[256] = "";
    ck_assert_msg(en_corr_load(c, blob.p, blob.len, err, sizeof err) == 0, "load: %s", err);
    ck_assert_int_eq(corr_feed(c, &sink, 0, T0 - 10 * S, -1, "s.test", "2", NULL), 0);
    ck_assert_int_eq(corr_feed(c, &sink, 0, T0 - 5 * S, -1, "s.test", "3", NULL), 0);
    ck_assert_int_eq(corr_n(&cc), 1);
    en_corr_stats st;
    en_corr_get_stats(c, &st);
    ck_assert_uint_eq(st.state_clamped, 1);
    ck_assert_uint_eq(st.late_dropped, 0);
    zw_buf_free(&blob);
    corr_collect_free(&cc);
    en_corr_destroy(c);
}
END_TEST

/* Matches all at one time never pass the watermark: the buffer stops at max_pending,
 * releasing the oldest early, with the same firings as an unbounded buffer. */
START_TEST(test_max_pending)
{
    en_corr_member m[1] = {mem_rule(0, EN_FIELD_NONE)};
    en_corr_def d = def1(EN_CORR_EVENT_COUNT, m, 1, 60 * S, EN_CMP_GTE, 2);
    uint64_t fired[2];
    for (int k = 0; k < 2; k++) {
        en_corr_opts o = {0};
        o.allowed_lateness_ms = 3600 * S;
        o.max_pending = k ? 100 : 100000;
        en_corr *c = mk(&d, 1, &o);
        corr_collect cc;
        en_alert_sink sink;
        corr_collect_init(&cc, &sink);
        for (int i = 0; i < 1000; i++) {
            ck_assert_int_eq(corr_feed(c, &sink, 0, 1000 * S, -1, "p.test", "x", NULL), 0);
            en_corr_stats st;
            en_corr_get_stats(c, &st);
            ck_assert_uint_le(st.buffered, o.max_pending);
        }
        ck_assert_int_eq(en_corr_flush(c, EN_CORR_ALL, &sink), 0);
        en_corr_stats st;
        en_corr_get_stats(c, &st);
        fired[k] = st.fired;
        /* the 101st match releases all 101 (one time) and moves the watermark to it:
         * the 899 after it are then released on arrival */
        ck_assert_uint_eq(st.pending_overflow, k ? 101 : 0);
        ck_assert_uint_eq(st.late_dropped, 0);
        corr_collect_free(&cc);
        en_corr_destroy(c);
    }
    ck_assert_uint_eq(fired[0], 500);
    ck_assert_uint_eq(fired[1], 500);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("corr");
    TCase *tc = tcase_create("corr");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_event_count_gte);
    tcase_add_test(tc, test_window_edges);
    tcase_add_test(tc, test_value_count);
    tcase_add_test(tc, test_temporal);
    tcase_add_test(tc, test_temporal_expr);
    tcase_add_test(tc, test_temporal_ordered);
    tcase_add_test(tc, test_out_of_order_same_as_sorted);
    tcase_add_test(tc, test_late_dropped);
    tcase_add_test(tc, test_anchored_lt);
    tcase_add_test(tc, test_value_sum_avg_percentile);
    tcase_add_test(tc, test_chain);
    tcase_add_test(tc, test_eviction_1m_keys);
    tcase_add_test(tc, test_save_load_continues);
    tcase_add_test(tc, test_state_file);
    tcase_add_test(tc, test_partition_export_import);
    tcase_add_test(tc, test_condition_operators);
    tcase_add_test(tc, test_merge_hold_and_update);
    tcase_add_test(tc, test_deterministic_and_invalid);
    tcase_add_test(tc, test_drain_keeps_windows);
    tcase_add_test(tc, test_random_against_oracle);
    tcase_add_test(tc, test_carry_over);
    tcase_add_test(tc, test_future_timestamp);
    tcase_add_test(tc, test_time_jump_needs_confirmation);
    tcase_add_test(tc, test_state_future_watermark_reset);
    tcase_add_test(tc, test_max_pending);
    suite_add_tcase(s, tc);
    return s;
}

ZWT_MAIN(suite)
