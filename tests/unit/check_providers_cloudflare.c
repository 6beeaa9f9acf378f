/*
 * check_providers_cloudflare.c - Cloudflare audit logs: the public Elastic sample (API
 * shape, 47 entries and an empty API envelope), hand-made Logpush entries (update with
 * old and new values, wildcard, _acme-challenge by a token, IDN MX with priority, a
 * failed delete, a zone setting), an API envelope page, and bad entries.
 */
#include "prov_test.h"

#define CF "tests/data/providers/cloudflare-audit/"

START_TEST(test_elastic_sample)
{
    zwt_collect c;
    nz_stats st;
    ck_assert_int_eq(zwt_normalize_file(&c, CF "test-audit.log", NULL, ZW_OUT_OCSF, 0, &st), 0);
    ck_assert_int_eq(st.records, 48);
    ck_assert_int_eq(st.dead, 0);
    ck_assert_int_eq(st.noise, 1); /* the empty API envelope */
    ck_assert_int_eq(fjson_object_array_length(c.events), 47);
    pt_all_required(&c);
    int adds = 0, dels = 0;
    for (int i = 0; i < 47; i++) {
        fjson_object *e = zwt_ev(&c, i);
        zwt_assert_str(e, "cloud.provider", "Cloudflare");
        zwt_assert_str(e, "unmapped.source_format", "cloudflare-audit");
        const char *op = zw_jstr(e, "api.operation", NULL);
        if (strcmp(op, "rec_add") == 0) {
            adds++;
            zwt_assert_str(e, "unmapped.change.action", "CREATE");
            zwt_assert_str(e, "unmapped.zone", "example.com");
            ck_assert_int_eq(pt_list_len(e, "unmapped.record.values"), 1);
        } else if (strcmp(op, "rec_del") == 0) {
            dels++;
            zwt_assert_str(e, "unmapped.change.action", "DELETE");
            ck_assert_int_eq(pt_list_len(e, "unmapped.record.old_values"), 1);
            zwt_assert_absent(e, "unmapped.record.values");
        }
    }
    ck_assert_int_eq(adds, 13);
    ck_assert_int_eq(dels, 12);

    fjson_object *e = zwt_ev(&c, 0);
    zwt_assert_str(e, "api.operation", "token_create");
    zwt_assert_int(e, "activity_id", 1);
    zwt_assert_str(e, "unmapped.change.kind", "config");
    zwt_assert_str(e, "actor.user.email_addr", "user@example.com");
    zwt_assert_str(e, "actor.user.uid", "enl3j9du8rnx2swwd9l32qots7l54t9s");
    zwt_assert_str(e, "actor.user.type", "user");
    zwt_assert_str(e, "src_endpoint.ip", "89.160.20.156");
    zwt_assert_str(e, "api.request.uid", "73fd39ed-5aab-4a2a-b93c-c9a4abf0c425");
    zwt_assert_int(e, "time", 1638303588000LL);

    e = zwt_ev(&c, 9); /* system actor, no address */
    zwt_assert_str(e, "api.operation", "tls_settings_deployed");
    zwt_assert_str(e, "unmapped.change.kind", "zone_setting");
    zwt_assert_str(e, "actor.user.type", "system");
    zwt_assert_str(e, "src_endpoint.hostname", "api.cloudflare.com");
    ck_assert_str_eq(pt_res(e, "uid"), "u3fp685o1wjk5zq6hxa6a53oh49u3ek2");

    e = zwt_ev(&c, 10);
    zwt_assert_str(e, "api.operation", "delete");
    zwt_assert_str(e, "unmapped.change.kind", "zone");
    zwt_assert_str(e, "unmapped.change.target", "example.com");
    zwt_assert_int(e, "activity_id", 4);

    e = zwt_ev(&c, 15);
    zwt_assert_str(e, "api.operation", "rec_del");
    zwt_assert_str(e, "unmapped.record.name", "example.com");
    zwt_assert_str(e, "unmapped.record.type", "TXT");
    pt_assert_list(e, "unmapped.record.old_values", 0, "firebase=frc-scout");
    zwt_assert_int(e, "unmapped.record.old_ttl", 1);
    zwt_assert_str(e, "metadata.log_source", "UI");
    ck_assert_str_eq(pt_res(e, "uid"), "u3fp685o1wjk5zq6hxa6a53oh49u3ek2");
    zwt_assert_int(e, "time", 1628504400289LL);

    e = zwt_ev(&c, 17);
    zwt_assert_str(e, "unmapped.record.name", "_acme-challenge.example.com");

    e = zwt_ev(&c, 18); /* MX: priority joined to the exchange */
    zwt_assert_str(e, "unmapped.record.type", "MX");
    pt_assert_list(e, "unmapped.record.old_values", 0, "5 gmr-smtp-in.l.google.com");

    e = zwt_ev(&c, 27);
    zwt_assert_str(e, "api.operation", "rec_add");
    zwt_assert_str(e, "unmapped.record.name", "asdf.example.com");
    zwt_assert_str(e, "unmapped.record.type", "A");
    pt_assert_list(e, "unmapped.record.values", 0, "89.160.20.156");
    ck_assert_str_eq(pt_res(e, "name"), "example.com");

    e = zwt_ev(&c, 42);
    zwt_assert_str(e, "api.operation", "add");
    zwt_assert_str(e, "unmapped.change.kind", "zone");
    zwt_assert_int(e, "activity_id", 1);
    ck_assert_str_eq(pt_res(e, "uid"), "u3fp685o1wjk5zq6hxa6a53oh49u3ek2");

    e = zwt_ev(&c, 43);
    zwt_assert_str(e, "unmapped.change.kind", "zone_setting");
    zwt_assert_str(e, "unmapped.change.target", "IPv6");
    pt_assert_list(e, "unmapped.record.values", 0, "true");

    e = zwt_ev(&c, 46);
    zwt_assert_str(e, "src_endpoint.ip", "2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6");
    zwt_free(&c);
}
END_TEST

START_TEST(test_logpush)
{
    zwt_collect c;
    nz_stats st;
    ck_assert_int_eq(zwt_normalize_file(&c, CF "logpush.jsonl", NULL, ZW_OUT_OCSF, 0, &st), 0);
    ck_assert_int_eq(st.dead, 0);
    ck_assert_int_eq(fjson_object_array_length(c.events), 6);
    pt_all_required(&c);
    fjson_object *e = zwt_ev(&c, 0);
    zwt_assert_str(e, "api.operation", "rec_set");
    zwt_assert_int(e, "activity_id", 3);
    zwt_assert_str(e, "unmapped.change.action", "UPDATE");
    zwt_assert_str(e, "unmapped.record.name", "www.example.com");
    pt_assert_list(e, "unmapped.record.values", 0, "203.0.113.99");
    pt_assert_list(e, "unmapped.record.old_values", 0, "203.0.113.10");
    zwt_assert_int(e, "unmapped.record.ttl", 300);
    zwt_assert_int(e, "unmapped.record.old_ttl", 1);
    zwt_assert_str(e, "cloud.account.uid", "01a7362d577a6c3019a474fd6f485823");
    zwt_assert_str(e, "metadata.log_name", "audit_logs");
    zwt_assert_str(e, "metadata.log_source", "API");
    ck_assert_str_eq(pt_res(e, "uid"), "023e105f4ecef8ad9ca31a8372d0c353");

    e = zwt_ev(&c, 1); /* When as unixnano */
    zwt_assert_str(e, "unmapped.record.name", "*.dev.example.com");
    zwt_assert_int(e, "time", 1795179600123LL);

    e = zwt_ev(&c, 2);
    zwt_assert_str(e, "unmapped.record.name", "_acme-challenge.example.com");
    zwt_assert_str(e, "actor.user.type", "token");
    zwt_assert_str(e, "actor.user.name", "acme-token-1");
    zwt_assert_absent(e, "actor.user.email_addr");

    e = zwt_ev(&c, 3);
    zwt_assert_str(e, "unmapped.zone", "xn--bcher-kva.example");
    pt_assert_list(e, "unmapped.record.values", 0, "10 mx1.xn--bcher-kva.example");

    e = zwt_ev(&c, 4);
    zwt_assert_str(e, "status", "Failure");
    zwt_assert_str(e, "unmapped.change.action", "DELETE");
    pt_assert_list(e, "unmapped.record.old_values", 0, "v=spf1 -all");

    e = zwt_ev(&c, 5);
    zwt_assert_str(e, "unmapped.change.kind", "zone_setting");
    zwt_assert_str(e, "unmapped.change.target", "dnssec");
    pt_assert_list(e, "unmapped.record.values", 0, "disabled");
    zwt_free(&c);

    ck_assert_int_eq(zwt_normalize_file(&c, CF "logpush.jsonl", NULL, ZW_OUT_ECS, 0, NULL), 0);
    e = zwt_ev(&c, 0);
    pt_assert_list(e, "event.category", 0, "configuration");
    pt_assert_list(e, "event.type", 0, "change");
    zwt_assert_str(e, "cloud.provider", "Cloudflare");
    zwt_assert_str(e, "cloud.account.id", "01a7362d577a6c3019a474fd6f485823");
    zwt_assert_str(e, "event.outcome", "success");
    zwt_free(&c);
}
END_TEST

START_TEST(test_envelope_and_bad)
{
    zwt_collect c;
    nz_stats st;
    ck_assert_int_eq(zwt_normalize_file(&c, CF "api-envelope.json", NULL, ZW_OUT_OCSF, 0, &st), 0);
    ck_assert_int_eq(fjson_object_array_length(c.events), 2);
    pt_all_required(&c);
    fjson_object *e = zwt_ev(&c, 0);
    zwt_assert_str(e, "unmapped.record.type", "CNAME");
    pt_assert_list(e, "unmapped.record.values", 0, "lb2.example.net");
    pt_assert_list(e, "unmapped.record.old_values", 0, "lb1.example.net");
    zwt_assert_str(e, "src_endpoint.ip", "2001:db8::77");
    zwt_assert_str(zwt_ev(&c, 1), "unmapped.record.name", "old.example.com");
    zwt_free(&c);

    ck_assert_int_eq(zwt_normalize_file(&c, CF "bad.jsonl", NULL, ZW_OUT_OCSF, 0, &st), 0);
    ck_assert_int_eq(st.dead, 2);
    zwt_assert_str(fjson_object_array_get_idx(c.dead, 0), "reason",
                   "cloudflare-audit: action type missing");
    zwt_assert_str(fjson_object_array_get_idx(c.dead, 1), "reason",
                   "cloudflare-audit: when missing or not a time");
    zwt_free(&c);
}
END_TEST

START_TEST(test_logpush_v2)
{
    zwt_collect c;
    nz_stats st;
    ck_assert_int_eq(zwt_normalize_file(&c, CF "logpush-v2.jsonl", NULL, ZW_OUT_OCSF, 0, &st), 0);
    ck_assert_int_eq(st.dead, 0);
    ck_assert_int_eq(fjson_object_array_length(c.events), 2);
    pt_all_required(&c);
    fjson_object *e = zwt_ev(&c, 0);
    zwt_assert_str(e, "api.operation", "create");
    zwt_assert_int(e, "activity_id", 1);
    zwt_assert_str(e, "unmapped.change.action", "CREATE");
    zwt_assert_str(e, "unmapped.change.kind", "record");
    zwt_assert_str(e, "unmapped.record.name", "vpn.example.com");
    pt_assert_list(e, "unmapped.record.values", 0, "203.0.113.200");
    zwt_assert_int(e, "unmapped.record.ttl", 300);
    zwt_assert_str(e, "unmapped.zone", "example.com");
    zwt_assert_str(e, "actor.user.uid", "tok-7f3a");
    zwt_assert_str(e, "src_endpoint.ip", "198.51.100.78");
    zwt_assert_str(e, "cloud.account.uid", "01a7362d577a6c3019a474fd6f485823");
    zwt_assert_str(e, "api.request.uid", "v2-create");
    zwt_assert_int(e, "time", 1795183200000LL);
    ck_assert_str_eq(pt_res(e, "uid"), "023e105f4ecef8ad9ca31a8372d0c353");
    e = zwt_ev(&c, 1);
    zwt_assert_str(e, "status", "Failure");
    zwt_assert_int(e, "activity_id", 4);
    zwt_assert_str(e, "unmapped.change.target", "rid-2");
    zwt_free(&c);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("providers_cloudflare");
    TCase *tc = tcase_create("cloudflare");
    tcase_add_test(tc, test_elastic_sample);
    tcase_add_test(tc, test_logpush);
    tcase_add_test(tc, test_envelope_and_bad);
    tcase_add_test(tc, test_logpush_v2);
    suite_add_tcase(s, tc);
    return s;
}

ZWT_MAIN(suite)
