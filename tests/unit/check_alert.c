/*
 * check_alert.c - the OCSF 1.8.0 Detection Finding writer: every field placed where
 * docs/CORRELATION.md says, parsed back with libfastjson and compared as values;
 * hostile bytes in names and values; Update activity; and a finding built end to end
 * by the correlator from a stateless rule with a merge key.
 */
#include "corr_harness.h"

static const en_attack attacks[2] = {
    {"T1590.002", "DNS", "TA0043", "Reconnaissance"},
    {"T1595", NULL, NULL, NULL},
};

static fjson_object *write_parse(const en_alert *a, const en_alert_opts *o)
{
    zw_buf b;
    zw_buf_init(&b);
    ck_assert_int_eq(en_alert_write_json(&b, a, o), 0);
    zw_buf_cstr(&b);
    fjson_object *j = fjson_tokener_parse(b.p);
    ck_assert_msg(j != NULL, "invalid JSON: %s", b.p);
    zw_buf_free(&b);
    return j;
}

/* Member of the alert's correlation key (names may contain dots). */
static const char *keypart(fjson_object *a, const char *name)
{
    fjson_object *k = zw_jget(a, "unmapped.correlation.key"), *v = NULL;
    ck_assert_ptr_nonnull(k);
    ck_assert_msg(fjson_object_object_get_ex(k, name, &v), "key part %s missing", name);
    return fjson_object_get_string(v);
}

static fjson_object *idx(fjson_object *arr, int i)
{
    ck_assert_msg(arr != NULL && fjson_object_is_type(arr, fjson_type_array), "not an array");
    ck_assert_int_lt(i, fjson_object_array_length(arr));
    return fjson_object_array_get_idx(arr, i);
}

START_TEST(test_finding_fields)
{
    en_rule_meta m = {"DET0001.A6",
                      "Transfer then change",
                      "A transfer attempt followed by "
                      "a change of the same zone",
                      ZW_SEV_HIGH,
                      attacks,
                      2,
                      0,
                      NULL,
                      NULL,
                      0};
    en_kv key[1] = {{ZW_STR_LIT("zone"), ZW_STR_LIT("example.test")}};
    en_kv matched[2] = {{ZW_STR_LIT("query.type"), ZW_STR_LIT("AXFR")},
                        {ZW_STR_LIT("src_endpoint.ip"), ZW_STR_LIT("192.0.2.7")}};
    en_event_ref ev[2] = {{ZW_STR_LIT("uid-1"), ZW_STR_LIT("named.log:12"), 1000, 0},
                          {ZW_STR_LIT("uid-2"), ZW_STR_LIT("dns/3/4711"), 5000, 1}};
    en_alert a;
    memset(&a, 0, sizeof a);
    a.meta = &m;
    a.corr_type = "temporal_ordered";
    a.activity_id = EN_ALERT_CREATE;
    memcpy(a.uid, "0123456789abcdef0123456789abcdef", 33);
    a.partition = 3;
    a.first_ms = 1000;
    a.last_ms = 5000;
    a.fire_ms = 5000;
    a.timespan_ms = 600000;
    a.window_start_ms = -595000;
    a.window_end_ms = 5000;
    a.count = 2;
    a.n_events = 7;
    a.value = 2;
    a.key = key;
    a.n_key = 1;
    a.events = ev;
    a.n_events_listed = 2;
    a.matched = matched;
    a.n_matched = 2;
    en_alert_opts o = {"zonewarden", "zonewarden project", "9.9.9"};
    fjson_object *j = write_parse(&a, &o);

    zwt_assert_int(j, "class_uid", 2004);
    zwt_assert_str(j, "class_name", "Detection Finding");
    zwt_assert_int(j, "category_uid", 2);
    zwt_assert_int(j, "activity_id", 1);
    zwt_assert_str(j, "activity_name", "Create");
    zwt_assert_int(j, "type_uid", 200401);
    zwt_assert_int(j, "severity_id", 4);
    zwt_assert_str(j, "severity", "High");
    zwt_assert_int(j, "status_id", 1);
    ck_assert(fjson_object_get_boolean(zw_jget(j, "is_alert")));
    zwt_assert_int(j, "time", 5000);
    zwt_assert_int(j, "start_time", 1000);
    zwt_assert_int(j, "end_time", 5000);
    zwt_assert_int(j, "count", 2);
    const char *msg = zw_jstr(j, "message", NULL);
    ck_assert_ptr_nonnull(msg);
    ck_assert_ptr_nonnull(strstr(msg, "zone=example.test"));
    ck_assert_ptr_nonnull(strstr(msg, "merged x2"));

    zwt_assert_str(j, "metadata.version", "1.8.0");
    zwt_assert_str(j, "metadata.uid", "0123456789abcdef0123456789abcdef");
    zwt_assert_str(j, "metadata.product.name", "zonewarden");
    zwt_assert_str(j, "metadata.product.vendor_name", "zonewarden project");
    zwt_assert_str(j, "metadata.product.version", "9.9.9");

    zwt_assert_str(j, "finding_info.uid", "0123456789abcdef0123456789abcdef");
    zwt_assert_str(j, "finding_info.title", "Transfer then change");
    ck_assert_ptr_nonnull(zw_jstr(j, "finding_info.desc", NULL));
    zwt_assert_str(j, "finding_info.analytic.uid", "DET0001.A6");
    zwt_assert_str(j, "finding_info.analytic.name", "Transfer then change");
    zwt_assert_int(j, "finding_info.analytic.type_id", 1);
    zwt_assert_str(j, "finding_info.analytic.type", "Rule");
    fjson_object *att = zw_jget(j, "finding_info.attacks");
    ck_assert_int_eq(fjson_object_array_length(att), 2);
    zwt_assert_str(idx(att, 0), "technique.uid", "T1590.002");
    zwt_assert_str(idx(att, 0), "technique.name", "DNS");
    zwt_assert_str(idx(att, 0), "tactic.uid", "TA0043");
    zwt_assert_str(idx(att, 0), "tactic.name", "Reconnaissance");
    zwt_assert_str(idx(att, 1), "technique.uid", "T1595");
    zwt_assert_absent(idx(att, 1), "tactic");
    zwt_assert_absent(idx(att, 1), "technique.name");
    fjson_object *types = zw_jget(j, "finding_info.types");
    ck_assert_str_eq(fjson_object_get_string(idx(types, 0)), "Correlation");
    ck_assert_str_eq(fjson_object_get_string(idx(types, 1)), "temporal_ordered");
    zwt_assert_int(j, "finding_info.first_seen_time", 1000);
    zwt_assert_int(j, "finding_info.last_seen_time", 5000);
    zwt_assert_int(j, "finding_info.related_events_count", 7);
    fjson_object *rel = zw_jget(j, "finding_info.related_events");
    ck_assert_int_eq(fjson_object_array_length(rel), 2);
    zwt_assert_str(idx(rel, 1), "uid", "uid-2");

    fjson_object *evs = zw_jget(j, "evidences");
    ck_assert_int_eq(fjson_object_array_length(evs), 2);
    zwt_assert_str(idx(evs, 0), "uid", "uid-1");
    zwt_assert_str(idx(evs, 0), "data.position", "named.log:12");
    zwt_assert_int(idx(evs, 0), "data.time", 1000);
    zwt_assert_str(idx(evs, 1), "data.position", "dns/3/4711");
    zwt_assert_int(idx(evs, 1), "data.rule_index", 1);

    fjson_object *obs = zw_jget(j, "observables");
    ck_assert_int_eq(fjson_object_array_length(obs), 3);
    zwt_assert_str(idx(obs, 0), "name", "zone");
    zwt_assert_str(idx(obs, 0), "value", "example.test");
    zwt_assert_str(idx(obs, 2), "name", "src_endpoint.ip");
    zwt_assert_str(idx(obs, 2), "value", "192.0.2.7");
    zwt_assert_int(idx(obs, 2), "type_id", 99);

    zwt_assert_str(j, "unmapped.correlation.type", "temporal_ordered");
    zwt_assert_str(j, "unmapped.correlation.key.zone", "example.test");
    zwt_assert_int(j, "unmapped.correlation.timespan_ms", 600000);
    zwt_assert_int(j, "unmapped.correlation.window.start", -595000);
    zwt_assert_int(j, "unmapped.correlation.window.end", 5000);
    zwt_assert_int(j, "unmapped.correlation.value", 2);
    zwt_assert_int(j, "unmapped.correlation.events_total", 7);
    zwt_assert_int(j, "unmapped.correlation.events_listed", 2);
    zwt_assert_int(j, "unmapped.correlation.partition", 3);
    zwt_assert_absent(j, "unmapped.correlation.field");
    fjson_object_put(j);

    /* Update activity, fractional value, no attacks, defaults for product */
    m.n_attacks = 0;
    m.desc = NULL;
    a.activity_id = EN_ALERT_UPDATE;
    a.value = 2.5;
    a.corr_type = "value_avg";
    a.value_field = "answers.rdata";
    j = write_parse(&a, NULL);
    zwt_assert_int(j, "activity_id", 2);
    zwt_assert_str(j, "activity_name", "Update");
    zwt_assert_int(j, "type_uid", 200402);
    zwt_assert_absent(j, "finding_info.attacks");
    zwt_assert_absent(j, "finding_info.desc");
    zwt_assert_str(j, "metadata.product.name", "zonewarden");
    ck_assert(fjson_object_get_double(zw_jget(j, "unmapped.correlation.value")) == 2.5);
    zwt_assert_str(j, "unmapped.correlation.field", "answers.rdata");
    fjson_object_put(j);
}
END_TEST

START_TEST(test_hostile_bytes)
{
    en_rule_meta m = {
        "r\"1", "Title with \"quotes\" and \\ and \n", NULL, 9, NULL, 0, 1, NULL, NULL, 0};
    static const char bad[] = {'a', (char)0xff, '\0', 'b', '"', '\x01'};
    en_kv key[1] = {{{"k\"ey", 4}, {bad, sizeof bad}}};
    en_alert a;
    memset(&a, 0, sizeof a);
    a.meta = &m;
    a.count = 1;
    a.n_events = 1;
    a.key = key;
    a.n_key = 1;
    memcpy(a.uid, "ffffffffffffffffffffffffffffffff", 33);
    fjson_object *j = write_parse(&a, NULL);
    zwt_assert_str(j, "finding_info.analytic.uid", "r\"1");
    zwt_assert_int(j, "severity_id", 0); /* out of range -> Unknown */
    zwt_assert_str(j, "unmapped.correlation.type", "rule");
    fjson_object *obs = zw_jget(j, "observables");
    ck_assert_int_eq(fjson_object_array_length(obs), 1);
    zwt_assert_str(idx(obs, 0), "name", "k\"ey");
    /* invalid UTF-8 became U+FFFD, NUL and controls escaped: 8 bytes */
    const char *v = zw_jstr(idx(obs, 0), "value", NULL);
    ck_assert_ptr_nonnull(v);
    ck_assert_int_eq(fjson_object_get_string_len(zw_jget(idx(obs, 0), "value")), 8);
    ck_assert_int_eq(v[0], 'a');
    fjson_object_put(j);
}
END_TEST

/* A stateless rule with a merge key: the correlator builds the finding end to end. */
START_TEST(test_rule_alert_end_to_end)
{
    static const uint32_t kf[2] = {1, 0};
    static const char *const kn[2] = {"src_endpoint.ip", "query.hostname"};
    en_rule_meta rules[1] = {
        {"DET0001.A1", "Zone transfer refused", NULL, ZW_SEV_MEDIUM, attacks, 1, 1, kf, kn, 2}};
    en_corr_opts o = {0};
    o.merge_ms = 3600 * 1000;
    o.max_events_listed = 2;
    char err[128];
    en_corr *c = en_corr_new(rules, 1, NULL, 0, &o, err, sizeof err);
    ck_assert_ptr_nonnull(c);
    corr_collect cc;
    en_alert_sink sink;
    corr_collect_init(&cc, &sink);
    for (int i = 0; i < 5; i++) {
        ck_assert_int_eq(corr_feed(c, &sink, 0, 1000 + i, 7, "z1.test", "192.0.2.7", NULL), 0);
    }
    corr_feed(c, &sink, 0, 2000, 7, "z1.test", "192.0.2.8", NULL);
    ck_assert_int_eq(corr_n(&cc), 0);
    ck_assert_int_eq(en_corr_flush(c, EN_CORR_ALL, &sink), 0);
    ck_assert_int_eq(corr_n(&cc), 2);
    fjson_object *a = corr_alert(&cc, 0);
    zwt_assert_int(a, "count", 5);
    zwt_assert_int(a, "start_time", 1000);
    zwt_assert_int(a, "end_time", 1004);
    zwt_assert_int(a, "severity_id", ZW_SEV_MEDIUM);
    ck_assert_str_eq(keypart(a, "src_endpoint.ip"), "192.0.2.7");
    zwt_assert_int(a, "finding_info.related_events_count", 5);
    ck_assert_int_eq(fjson_object_array_length(zw_jget(a, "evidences")), 2); /* capped */
    zwt_assert_str(idx(zw_jget(a, "evidences"), 0), "uid", "ev-0-1000");
    zwt_assert_str(idx(zw_jget(a, "evidences"), 1), "data.position", "test.log:1");
    zwt_assert_str(a, "finding_info.analytic.uid", "DET0001.A1");
    zwt_assert_int(a, "unmapped.correlation.partition", 7);
    /* matched pairs de-duplicated across merged matches */
    fjson_object *obs = zw_jget(a, "observables");
    ck_assert_int_eq(fjson_object_array_length(obs), 4); /* 2 key parts + 2 matched */
    ck_assert_str_eq(keypart(corr_alert(&cc, 1), "query.hostname"), "z1.test");
    ck_assert_str_eq(keypart(corr_alert(&cc, 1), "src_endpoint.ip"), "192.0.2.8");
    /* two alerts for different keys have different uids */
    ck_assert_str_ne(zw_jstr(a, "finding_info.uid", NULL),
                     zw_jstr(corr_alert(&cc, 1), "finding_info.uid", NULL));
    corr_collect_free(&cc);
    en_corr_destroy(c);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("alert");
    TCase *tc = tcase_create("alert");
    tcase_add_test(tc, test_finding_fields);
    tcase_add_test(tc, test_hostile_bytes);
    tcase_add_test(tc, test_rule_alert_end_to_end);
    suite_add_tcase(s, tc);
    return s;
}

ZWT_MAIN(suite)
