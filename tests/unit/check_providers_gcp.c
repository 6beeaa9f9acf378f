/*
 * check_providers_gcp.c - GCP Cloud Audit Logs of Cloud DNS (public Panther samples and
 * hand-made edge cases: a changes.create batch with paired updates, wildcard,
 * _acme-challenge, IDN, a denied call, a private zone, record-set and policy methods,
 * an unknown method, another service) and Cloud DNS query logs (public Elastic sample).
 */
#include "prov_test.h"

#define GA "tests/data/providers/gcp-audit/"

START_TEST(test_panther_samples)
{
    zwt_collect c;
    nz_stats st;
    ck_assert_int_eq(
        zwt_normalize_file(&c, GA "panther-dns-tests.jsonl", NULL, ZW_OUT_OCSF, 0, &st), 0);
    ck_assert_int_eq(st.dead, 0);
    ck_assert_int_eq(fjson_object_array_length(c.events), 4);
    pt_all_required(&c);
    for (int i = 0; i < 4; i++) {
        fjson_object *e = zwt_ev(&c, i);
        zwt_assert_str(e, "api.service.name", "dns.googleapis.com");
        zwt_assert_str(e, "cloud.provider", "GCP");
        zwt_assert_str(e, "cloud.project_uid", "test-project-123456");
        zwt_assert_str(e, "cloud.region", "global");
        zwt_assert_str(e, "src_endpoint.ip", "12.12.12.12");
        ck_assert_str_eq(pt_res(e, "uid"), "test-zone");
        zwt_assert_str(e, "unmapped.source_format", "gcp-audit");
    }
    fjson_object *e = zwt_ev(&c, 0);
    zwt_assert_str(e, "api.operation", "dns.managedZones.delete");
    zwt_assert_int(e, "activity_id", 4);
    zwt_assert_str(e, "unmapped.change.kind", "zone");
    zwt_assert_str(e, "unmapped.change.action", "DELETE");
    zwt_assert_str(e, "unmapped.change.target", "test-zone");
    zwt_assert_str(e, "actor.user.email_addr", "user@domain.com");
    zwt_assert_str(e, "actor.user.type", "User");
    /* "2023-05-23 19:08:11.697", no zone: UTC */
    zwt_assert_int(e, "time", 1684868891697LL);
    zwt_assert_str(e, "api.request.uid", "-xxxxxxxxxxxx");

    e = zwt_ev(&c, 1);
    zwt_assert_str(e, "api.operation", "dns.managedZones.patch");
    zwt_assert_int(e, "activity_id", 3);
    zwt_assert_str(e, "unmapped.zone", "test.detectiontesting.com");
    zwt_assert_str(e, "unmapped.dns.view", "private");
    zwt_assert_str(e, "metadata.correlation_uid", "a7513a2c-e637-4b86-b223-1c4f8b0797be");

    /* SOA replaced: one deletion + one addition of the same set = one UPDATE */
    e = zwt_ev(&c, 2);
    zwt_assert_str(e, "api.operation", "dns.changes.create");
    zwt_assert_int(e, "activity_id", 3);
    zwt_assert_str(e, "unmapped.change.action", "UPDATE");
    zwt_assert_str(e, "unmapped.record.name", "test.detectiontesting.com");
    zwt_assert_str(e, "unmapped.record.type", "SOA");
    zwt_assert_int(e, "unmapped.record.ttl", 3600);
    zwt_assert_int(e, "unmapped.record.old_ttl", 21600);
    pt_assert_list(e, "unmapped.record.values", 0,
                   "ns-gcp-private.googledomains.com. cloud-dns-hostmaster.google.com. 1 21600 "
                   "3600 259200 300");
    ck_assert_int_eq(pt_list_len(e, "unmapped.record.old_values"), 1);

    e = zwt_ev(&c, 3);
    zwt_assert_str(e, "api.operation", "dns.managedZones.get");
    zwt_assert_int(e, "activity_id", 2);
    zwt_assert_str(e, "actor.user.email_addr", "staging@pantherstaging.io");
    zwt_free(&c);
}
END_TEST

START_TEST(test_edge_cases)
{
    zwt_collect c;
    nz_stats st;
    ck_assert_int_eq(zwt_normalize_file(&c, GA "edge-cases.jsonl", NULL, ZW_OUT_OCSF, 0, &st), 0);
    ck_assert_int_eq(st.dead, 0);
    ck_assert_int_eq(st.noise, 1); /* compute.googleapis.com */
    ck_assert_int_eq(fjson_object_array_length(c.events), 13);
    pt_all_required(&c);
    static const struct {
        const char *action, *name, *type;
        int activity;
    } batch[] = {
        {"CREATE", "www.example.com", "A", 1},
        {"UPDATE", "api.example.com", "CNAME", 3},
        {"CREATE", "*.dev.example.com", "A", 1},
        {"CREATE", "_acme-challenge.example.com", "TXT", 1},
        {"CREATE", "xn--bcher-kva.example.com", "A", 1},
        {"CREATE",
         "b\xc3\xbc"
         "cher.example.com",
         "AAAA", 1},
        {"DELETE", "old.example.com", "TXT", 4},
    };
    for (int i = 0; i < 7; i++) {
        fjson_object *e = zwt_ev(&c, i);
        zwt_assert_str(e, "unmapped.change.action", batch[i].action);
        zwt_assert_str(e, "unmapped.record.name", batch[i].name);
        zwt_assert_str(e, "unmapped.record.type", batch[i].type);
        zwt_assert_int(e, "activity_id", batch[i].activity);
        zwt_assert_str(e, "api.request.uid", "batch");
        zwt_assert_str(e, "actor.user.uid", "dns-bot@prod-proj-1.iam.gserviceaccount.com");
        zwt_assert_str(e, "actor.user.type", "ServiceAccount");
        zwt_assert_str(e, "actor.session.issuer", "alice@example.com");
        zwt_assert_str(e, "http_request.user_agent", "google-api-go-client/0.5 Terraform/1.6.0");
        zwt_assert_int(e, "time", 1795172400123LL);
        ck_assert_str_eq(pt_res(e, "uid"), "example-com");
    }
    fjson_object *e = zwt_ev(&c, 0);
    pt_assert_list(e, "unmapped.record.values", 1, "198.51.100.21");
    zwt_assert_absent(e, "unmapped.record.old_values");
    e = zwt_ev(&c, 1); /* deletion API.example.com paired case-insensitively */
    pt_assert_list(e, "unmapped.record.values", 0, "lb.example.net.");
    pt_assert_list(e, "unmapped.record.old_values", 0, "old-lb.example.net.");
    zwt_assert_int(e, "unmapped.record.ttl", 60);
    zwt_assert_int(e, "unmapped.record.old_ttl", 300);
    e = zwt_ev(&c, 6);
    pt_assert_list(e, "unmapped.record.old_values", 0, "\"v=spf1 -all\"");
    zwt_assert_absent(e, "unmapped.record.values");

    e = zwt_ev(&c, 7); /* denied */
    zwt_assert_str(e, "status", "Failure");
    zwt_assert_str(e, "api.response.error", "PERMISSION_DENIED");
    zwt_assert_int(e, "api.response.code", 7);
    zwt_assert_str(e, "api.response.error_message", "Forbidden");
    zwt_assert_str(e, "actor.user.email_addr", "mallory@example.org");
    zwt_assert_str(e, "unmapped.record.name", "www.example.com");

    e = zwt_ev(&c, 8); /* private zone, caller "private" */
    zwt_assert_str(e, "api.operation", "dns.managedZones.create");
    zwt_assert_str(e, "unmapped.zone", "corp.internal");
    zwt_assert_str(e, "unmapped.dns.view", "private");
    zwt_assert_str(e, "src_endpoint.hostname", "private");
    zwt_assert_absent(e, "src_endpoint.ip");
    ck_assert_str_eq(pt_res(e, "uid"), "corp-internal");

    e = zwt_ev(&c, 9);
    zwt_assert_str(e, "api.operation", "dns.resourceRecordSets.create");
    zwt_assert_str(e, "unmapped.record.name", "mail.example.com");
    zwt_assert_str(e, "unmapped.record.type", "MX");
    pt_assert_list(e, "unmapped.record.values", 1, "20 mx2.example.com.");
    e = zwt_ev(&c, 10);
    zwt_assert_int(e, "activity_id", 4);
    zwt_assert_str(e, "unmapped.record.name", "mail.example.com");

    e = zwt_ev(&c, 11);
    zwt_assert_str(e, "unmapped.change.kind", "policy");
    zwt_assert_str(e, "unmapped.change.target", "allow-inbound");

    e = zwt_ev(&c, 12); /* unknown method: generic */
    zwt_assert_str(e, "api.operation", "dns.managedZones.frobnicate");
    zwt_assert_int(e, "activity_id", 99);
    zwt_free(&c);

    ck_assert_int_eq(zwt_normalize_file(&c, GA "edge-cases.jsonl", NULL, ZW_OUT_ECS, 0, NULL), 0);
    e = zwt_ev(&c, 1);
    pt_assert_list(e, "event.category", 0, "configuration");
    pt_assert_list(e, "event.type", 0, "change");
    zwt_assert_str(e, "cloud.provider", "GCP");
    zwt_assert_str(e, "cloud.project.id", "prod-proj-1");
    zwt_assert_str(e, "cloud.account.id", "prod-proj-1");
    zwt_assert_str(e, "cloud.region", "global");
    zwt_assert_str(e, "user.email", "dns-bot@prod-proj-1.iam.gserviceaccount.com");
    zwt_free(&c);
}
END_TEST

START_TEST(test_bad)
{
    zwt_collect c;
    nz_stats st;
    ck_assert_int_eq(zwt_normalize_file(&c, GA "bad.jsonl", NULL, ZW_OUT_OCSF, 0, &st), 0);
    ck_assert_int_eq(st.dead, 3);
    ck_assert_int_eq(fjson_object_array_length(c.events), 0);
    zwt_assert_str(fjson_object_array_get_idx(c.dead, 0), "reason",
                   "gcp-audit: additions[0]: name or type missing");
    zwt_assert_str(fjson_object_array_get_idx(c.dead, 1), "reason",
                   "gcp-audit: timestamp missing or not a timestamp");
    zwt_assert_str(fjson_object_array_get_idx(c.dead, 2), "reason",
                   "gcp-audit: protoPayload.methodName missing");
    zwt_free(&c);
}
END_TEST

START_TEST(test_dns_query_log)
{
    zwt_collect c;
    nz_stats st;
    ck_assert_int_eq(zwt_normalize_file(&c, "tests/data/providers/gcp-dns/test-dns.log", NULL,
                                        ZW_OUT_OCSF, 0, &st),
                     0);
    ck_assert_int_eq(st.dead, 0);
    ck_assert_int_eq(fjson_object_array_length(c.events), 5);
    pt_all_required(&c);
    static const char *types[] = {"A", "AAAA", "MX", "NS", "TXT"};
    static const int nans[] = {1, 1, 5, 4, 2};
    for (int i = 0; i < 5; i++) {
        fjson_object *e = zwt_ev(&c, i);
        zwt_assert_int(e, "class_uid", 4003);
        zwt_assert_str(e, "query.hostname", "elastic.co");
        zwt_assert_str(e, "query.type", types[i]);
        zwt_assert_str(e, "rcode", "NoError");
        zwt_assert_str(e, "src_endpoint.ip", "10.154.0.3");
        zwt_assert_str(e, "connection_info.protocol_name", "udp");
        zwt_assert_str(e, "cloud.project_uid", "project");
        zwt_assert_str(e, "cloud.region", "europe-west2");
        zwt_assert_str(e, "unmapped.dns.flags", "aa");
        zwt_assert_str(e, "unmapped.source_format", "gcp-dns-query");
        zwt_assert_int(e, "connection_info.direction_id", 1);
        ck_assert_int_eq(fjson_object_array_length(zw_jget(e, "answers")), nans[i]);
    }
    fjson_object *e = zwt_ev(&c, 0);
    zwt_assert_int(e, "time", 1642929365341LL);
    zwt_assert_int(e, "duration", 14);
    zwt_assert_str(fjson_object_array_get_idx(zw_jget(e, "answers"), 0), "rdata", "127.0.0.1");
    e = zwt_ev(&c, 2);
    zwt_assert_str(fjson_object_array_get_idx(zw_jget(e, "answers"), 0), "rdata",
                   "1 aspmx.l.google.com.");
    /* the TXT answer list is cut ("txt...") in the log: only the complete lines */
    e = zwt_ev(&c, 4);
    ck_assert_ptr_nonnull(
        strstr(zw_jstr(fjson_object_array_get_idx(zw_jget(e, "answers"), 1), "rdata", NULL),
               "atlassian-domain-verification="));
    zwt_free(&c);
}
END_TEST

/* A refused dns.changes.create whose entry carries no request body: one event. */
START_TEST(test_denied_without_request)
{
    static const char in[] =
        "{\"protoPayload\":{\"serviceName\":\"dns.googleapis.com\",\"methodName\":\"dns.changes."
        "create\","
        "\"authenticationInfo\":{\"principalEmail\":\"eve@example.org\"},\"requestMetadata\":{"
        "\"callerIp\":"
        "\"192.0.2.66\"},\"status\":{\"code\":7,\"message\":\"Forbidden\"}},\"insertId\":\"d1\","
        "\"resource\":{\"type\":\"dns_managed_zone\",\"labels\":{\"project_id\":\"p1\",\"zone_"
        "name\":"
        "\"example-com\"}},\"timestamp\":\"2026-11-20T11:00:00Z\"}\n";
    zwt_collect c;
    nz_stats st;
    ck_assert_int_eq(zwt_normalize_mem(&c, in, sizeof in - 1, NULL, ZW_OUT_OCSF, 0, &st), 0);
    ck_assert_int_eq(st.dead, 0);
    ck_assert_int_eq(fjson_object_array_length(c.events), 1);
    fjson_object *e = zwt_ev(&c, 0);
    pt_ocsf_required(e);
    zwt_assert_str(e, "api.response.error", "PERMISSION_DENIED");
    zwt_assert_str(e, "unmapped.change.kind", "record");
    ck_assert_str_eq(pt_res(e, "uid"), "example-com");
    zwt_free(&c);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("providers_gcp");
    TCase *tc = tcase_create("gcp");
    tcase_add_test(tc, test_panther_samples);
    tcase_add_test(tc, test_edge_cases);
    tcase_add_test(tc, test_bad);
    tcase_add_test(tc, test_dns_query_log);
    tcase_add_test(tc, test_denied_without_request);
    suite_add_tcase(s, tc);
    return s;
}

ZWT_MAIN(suite)
