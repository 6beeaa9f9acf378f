/*
 * check_corr_rules.c - Sigma correlation YAML through the real compiler and matcher
 * into the correlator: the spec's chained example (event_count feeding
 * temporal_ordered), aliases, value_count, generate, with events read as JSON by the
 * detection pipeline (en_pipe) that `detect` and the Kafka stage use.
 */
#include "../../compiler/dc.h"
#include "../../engine/en_pipe.h"
#include "../../engine/en_tables.h"
#include "corr_harness.h"

static const char chained_yaml[] = "title: Failed logins followed by success\n"
                                   "id: b180ead8-d58f-40b2-ae54-c8940995b9b6\n"
                                   "correlation:\n"
                                   "    type: temporal_ordered\n"
                                   "    rules:\n"
                                   "        - multiple_failed_login\n"
                                   "        - successful_login\n"
                                   "    group-by:\n"
                                   "        - User\n"
                                   "    timespan: 10m\n"
                                   "level: high\n"
                                   "tags:\n"
                                   "    - attack.credential-access\n"
                                   "    - attack.t1110\n"
                                   "---\n"
                                   "title: Multiple failed logons\n"
                                   "id: a8418a5a-5fc4-46b5-b23b-6c73beb19d41\n"
                                   "name: multiple_failed_login\n"
                                   "correlation:\n"
                                   "    type: event_count\n"
                                   "    rules:\n"
                                   "        - failed_login\n"
                                   "    group-by:\n"
                                   "        - User\n"
                                   "    timespan: 10m\n"
                                   "    condition:\n"
                                   "        gte: 3\n"
                                   "---\n"
                                   "title: Single failed login\n"
                                   "id: 53ba33fd-3a50-4468-a5ef-c583635cfa92\n"
                                   "name: failed_login\n"
                                   "logsource:\n"
                                   "    product: windows\n"
                                   "    service: security\n"
                                   "detection:\n"
                                   "    selection:\n"
                                   "        EventID: 4625\n"
                                   "    condition: selection\n"
                                   "---\n"
                                   "title: Successful login\n"
                                   "id: 4d0a2c83-c62c-4ed4-b475-c7e23a9269b8\n"
                                   "name: successful_login\n"
                                   "logsource:\n"
                                   "    product: windows\n"
                                   "    service: security\n"
                                   "detection:\n"
                                   "    selection:\n"
                                   "        EventID: 4624\n"
                                   "    condition: selection\n";

static const char alias_yaml[] = "title: Transfer sweep then change\n"
                                 "id: 11111111-2222-3333-4444-555555555555\n"
                                 "correlation:\n"
                                 "    type: value_count\n"
                                 "    rules:\n"
                                 "        - xfer\n"
                                 "        - change\n"
                                 "    group-by:\n"
                                 "        - zone\n"
                                 "    aliases:\n"
                                 "        zone:\n"
                                 "            xfer: query.hostname\n"
                                 "            change: resources.name\n"
                                 "    timespan: 1h\n"
                                 "    condition:\n"
                                 "        field: src\n"
                                 "        gte: 2\n"
                                 "    generate: true\n"
                                 "level: medium\n"
                                 "---\n"
                                 "title: Transfer\n"
                                 "id: 66666666-2222-3333-4444-555555555555\n"
                                 "name: xfer\n"
                                 "logsource:\n"
                                 "    product: dns\n"
                                 "detection:\n"
                                 "    selection:\n"
                                 "        query.type: AXFR\n"
                                 "    condition: selection\n"
                                 "---\n"
                                 "title: Change\n"
                                 "id: 77777777-2222-3333-4444-555555555555\n"
                                 "name: change\n"
                                 "logsource:\n"
                                 "    product: dns\n"
                                 "detection:\n"
                                 "    selection:\n"
                                 "        api.operation: ChangeResourceRecordSets\n"
                                 "    condition: selection\n";

typedef struct {
    en_tables *t;
    en_pipe *pp;
    corr_collect cc;
    en_alert_sink sink;
} pipe_t;

static void pipe_open(pipe_t *p, const char *yaml, size_t n)
{
    dc_diags d;
    dc_diags_init(&d);
    dc_compiler *dc = dc_compiler_new();
    ck_assert_ptr_nonnull(dc);
    dc_compile_text(dc, "mem.yml", yaml, n, &d);
    dc_ruleset *rs = dc_compiler_finish(dc, &d);
    ck_assert_ptr_nonnull(rs);
    for (size_t i = 0; i < d.n; i++) {
        ck_assert_msg(d.v[i].kind == DC_DIAG_WARNING, "%d:%d %s", d.v[i].line, d.v[i].col,
                      d.v[i].msg);
    }
    dc_diags_free(&d);
    dc_compiler_destroy(dc);
    char err[512] = "";
    ck_assert_msg(en_tables_new(rs, &p->t, err, sizeof err) == 0, "%s", err);
    corr_collect_init(&p->cc, &p->sink);
    p->pp = en_pipe_new(p->t, NULL, &p->sink, err, sizeof err);
    ck_assert_msg(p->pp != NULL, "%s", err);
}

static void pipe_close(pipe_t *p)
{
    en_pipe_destroy(p->pp);
    en_tables_destroy(p->t);
    corr_collect_free(&p->cc);
}

/* Matches one JSON event at event time t (ms) and feeds its matches to the correlator. */
static void pipe_event(pipe_t *p, const char *json, int64_t t)
{
    fjson_object *ev = fjson_tokener_parse(json);
    ck_assert_ptr_nonnull(ev);
    fjson_object_object_add(ev, "time", fjson_object_new_int64(t));
    int rc = en_pipe_json(p->pp, ev, zw_str_c("mem:1"), -1);
    ck_assert_int_ge(rc, 0);
    fjson_object_put(ev);
}

START_TEST(test_sigma_chained_example)
{
    pipe_t p;
    pipe_open(&p, chained_yaml, sizeof chained_yaml - 1);
    const int64_t M = 60000;
    /* two failures then success: not enough failures */
    pipe_event(&p, "{\"EventID\":4625,\"User\":\"bob\"}", 0);
    pipe_event(&p, "{\"EventID\":4625,\"User\":\"bob\"}", 1 * M);
    pipe_event(&p, "{\"EventID\":4624,\"User\":\"bob\"}", 2 * M);
    ck_assert_int_eq(corr_n(&p.cc), 0);
    /* three failures for alice (one for bob in between), then success */
    pipe_event(&p, "{\"EventID\":4625,\"User\":\"alice\"}", 3 * M);
    pipe_event(&p, "{\"EventID\":4625,\"User\":\"alice\"}", 4 * M);
    pipe_event(&p, "{\"EventID\":4625,\"User\":\"bob\"}", 4 * M);
    pipe_event(&p, "{\"EventID\":4625,\"User\":\"alice\"}", 5 * M);
    ck_assert_int_eq(corr_n(&p.cc), 0); /* inner correlation and base rules are silent */
    pipe_event(&p, "{\"EventID\":4624,\"User\":\"alice\"}", 6 * M);
    ck_assert_int_eq(corr_n(&p.cc), 1);
    fjson_object *a = corr_alert(&p.cc, 0);
    zwt_assert_str(a, "finding_info.analytic.uid", "b180ead8-d58f-40b2-ae54-c8940995b9b6");
    zwt_assert_str(a, "unmapped.correlation.key.User", "alice");
    zwt_assert_int(a, "severity_id", ZW_SEV_HIGH);
    fjson_object *att = zw_jget(a, "finding_info.attacks");
    ck_assert_int_eq(fjson_object_array_length(att), 1);
    zwt_assert_str(fjson_object_array_get_idx(att, 0), "technique.uid", "T1110");
    zwt_assert_str(fjson_object_array_get_idx(att, 0), "tactic.uid", "TA0006");
    /* bob's third failure came at 4 min: a success at 12 min is > 10 min after it */
    pipe_event(&p, "{\"EventID\":4625,\"User\":\"bob\"}", 13 * M);
    pipe_event(&p, "{\"EventID\":4624,\"User\":\"bob\"}", 24 * M);
    ck_assert_int_eq(corr_n(&p.cc), 1);
    pipe_close(&p);
}
END_TEST

START_TEST(test_aliases_value_count_generate)
{
    pipe_t p;
    pipe_open(&p, alias_yaml, sizeof alias_yaml - 1);
    /* generate: true: each base match alerts alone too */
    pipe_event(&p, "{\"query\":{\"type\":\"AXFR\",\"hostname\":\"z.test\"},\"src\":\"1.1.1.1\"}",
               0);
    ck_assert_int_eq(corr_n(&p.cc), 1);
    zwt_assert_str(corr_alert(&p.cc, 0), "finding_info.title", "Transfer");
    pipe_event(&p,
               "{\"api\":{\"operation\":\"ChangeResourceRecordSets\"},\"resources\":"
               "[{\"name\":\"z.test\"}],\"src\":\"2.2.2.2\"}",
               1000);
    /* the change's resources[].name aliased to zone: same group, 2 distinct srcs */
    ck_assert_int_eq(corr_n(&p.cc), 3);
    fjson_object *a = corr_alert(&p.cc, 2);
    zwt_assert_str(a, "finding_info.title", "Transfer sweep then change");
    zwt_assert_str(a, "unmapped.correlation.key.zone", "z.test");
    zwt_assert_int(a, "unmapped.correlation.value", 2);
    zwt_assert_str(a, "unmapped.correlation.field", "src");
    zwt_assert_int(a, "severity_id", ZW_SEV_MEDIUM);
    pipe_close(&p);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("corr_rules");
    TCase *tc = tcase_create("corr_rules");
    tcase_add_test(tc, test_sigma_chained_example);
    tcase_add_test(tc, test_aliases_value_count_generate);
    suite_add_tcase(s, tc);
    return s;
}

ZWT_MAIN(suite)
