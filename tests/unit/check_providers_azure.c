/*
 * check_providers_azure.c - Azure Activity Log records of Azure DNS and Private DNS
 * (hand-made from Microsoft's documented schemas, see tests/data/providers/
 * azure-activity/README.md): the records[] wrapper and single records, operation names
 * in any letter case, begin records as noise, failures, apex alias, private zones and
 * VNet links, the REST shape with an IDN zone, and bad records.
 */
#include "prov_test.h"

#define AZ "tests/data/providers/azure-activity/"
#define ZONE_ID                                                                                    \
    "/subscriptions/8a2b3c4d-1111-2222-3333-444455556666/resourceGroups/dns-prod/providers/"       \
    "Microsoft.Network/dnszones/contoso.com"

START_TEST(test_eventhub_records)
{
    zwt_collect c;
    nz_stats st;
    ck_assert_int_eq(zwt_normalize_file(&c, AZ "eventhub-records.json", NULL, ZW_OUT_OCSF, 0, &st),
                     0);
    ck_assert_int_eq(st.dead, 0);
    ck_assert_int_eq(st.records, 1);
    /* 8 records: the Started begin record and the Compute record are skipped */
    ck_assert_int_eq(fjson_object_array_length(c.events), 6);
    pt_all_required(&c);
    for (int i = 0; i < 6; i++) {
        fjson_object *e = zwt_ev(&c, i);
        zwt_assert_str(e, "cloud.provider", "Azure");
        zwt_assert_str(e, "cloud.account.uid", "8a2b3c4d-1111-2222-3333-444455556666");
        zwt_assert_str(e, "cloud.region", "global");
        zwt_assert_str(e, "api.service.name", "Microsoft.Network");
        zwt_assert_str(e, "unmapped.dns.view", "public");
        zwt_assert_str(e, "unmapped.source_format", "azure-activity");
    }
    fjson_object *e = zwt_ev(&c, 0);
    zwt_assert_str(e, "api.operation", "MICROSOFT.NETWORK/DNSZONES/A/WRITE");
    zwt_assert_int(e, "activity_id", 3);
    zwt_assert_str(e, "unmapped.change.action", "UPSERT");
    zwt_assert_str(e, "unmapped.change.kind", "record");
    zwt_assert_str(e, "unmapped.zone", "contoso.com");
    zwt_assert_str(e, "unmapped.record.name", "www.contoso.com");
    zwt_assert_str(e, "unmapped.record.type", "A");
    zwt_assert_int(e, "unmapped.record.ttl", 3600);
    pt_assert_list(e, "unmapped.record.values", 0, "203.0.113.10");
    pt_assert_list(e, "unmapped.record.values", 1, "203.0.113.11");
    zwt_assert_str(e, "status", "Success");
    zwt_assert_str(e, "status_code", "OK");
    zwt_assert_str(e, "actor.user.email_addr", "alice@contoso.com");
    zwt_assert_str(e, "actor.user.uid", "0b9e1c5e-aaaa-bbbb-cccc-111122223333");
    zwt_assert_str(e, "actor.user.type", "User");
    zwt_assert_str(e, "actor.user.domain", "72f988bf-86f1-41af-91ab-2d7cd011db47");
    zwt_assert_str(e, "src_endpoint.ip", "198.51.100.23");
    zwt_assert_str(e, "metadata.correlation_uid", "c-1");
    zwt_assert_str(e, "api.request.uid", "srv-c-1");
    zwt_assert_int(e, "time", 1795176000512LL);
    ck_assert_str_eq(pt_res(e, "uid"), ZONE_ID);
    ck_assert_str_eq(pt_res(e, "type"), "Microsoft.Network/dnszones");
    ck_assert_str_eq(pt_res(e, "name"), "contoso.com");

    e = zwt_ev(&c, 1); /* mixed case operation, wildcard */
    zwt_assert_str(e, "unmapped.record.name", "*.dev.contoso.com");
    zwt_assert_str(e, "unmapped.record.type", "CNAME");
    pt_assert_list(e, "unmapped.record.values", 0, "dev-lb.contoso.net");
    zwt_assert_int(e, "unmapped.record.ttl", 300);

    e = zwt_ev(&c, 2); /* lower-case delete */
    zwt_assert_int(e, "activity_id", 4);
    zwt_assert_str(e, "unmapped.change.action", "DELETE");
    zwt_assert_str(e, "unmapped.record.name", "_acme-challenge.contoso.com");
    zwt_assert_str(e, "unmapped.record.type", "TXT");

    e = zwt_ev(&c, 3); /* failure of a service principal */
    zwt_assert_str(e, "status", "Failure");
    zwt_assert_str(e, "status_code", "Forbidden");
    zwt_assert_str(e, "api.response.error", "AuthorizationFailed");
    ck_assert_ptr_nonnull(
        strstr(zw_jstr(e, "api.response.error_message", NULL), "does not have authorization"));
    zwt_assert_str(e, "actor.user.type", "ServicePrincipal");
    zwt_assert_str(e, "actor.app_name", "5f3e2d1c-9999-8888-7777-666655554444");
    zwt_assert_str(e, "unmapped.record.name", "delegated.contoso.com");
    zwt_assert_str(e, "unmapped.record.type", "NS");
    zwt_assert_str(e, "metadata.log_level", "Error");

    e = zwt_ev(&c, 4); /* apex alias */
    zwt_assert_str(e, "unmapped.record.name", "contoso.com");
    zwt_assert_str(
        e, "unmapped.record.alias_target",
        "/subscriptions/8a2b3c4d-1111-2222-3333-444455556666/resourceGroups/dns-prod/providers/"
        "Microsoft.Network/publicIPAddresses/web-pip");

    e = zwt_ev(&c, 5); /* zone delete */
    zwt_assert_str(e, "unmapped.change.kind", "zone");
    zwt_assert_str(e, "unmapped.zone", "old-contoso.com");
    zwt_assert_int(e, "activity_id", 4);
    zwt_assert_absent(e, "unmapped.record");
    zwt_free(&c);

    ck_assert_int_eq(zwt_normalize_file(&c, AZ "eventhub-records.json", NULL, ZW_OUT_ECS, 0, NULL),
                     0);
    e = zwt_ev(&c, 5);
    pt_assert_list(e, "event.category", 0, "configuration");
    pt_assert_list(e, "event.type", 0, "change");
    pt_assert_list(e, "event.type", 1, "deletion");
    zwt_assert_str(e, "cloud.provider", "Azure");
    zwt_assert_str(e, "cloud.account.id", "8a2b3c4d-1111-2222-3333-444455556666");
    zwt_assert_str(e, "cloud.region", "global");
    zwt_free(&c);
}
END_TEST

START_TEST(test_private_and_rest)
{
    zwt_collect c;
    nz_stats st;
    ck_assert_int_eq(zwt_normalize_file(&c, AZ "private-zone.jsonl", NULL, ZW_OUT_OCSF, 0, &st), 0);
    ck_assert_int_eq(st.dead, 0);
    ck_assert_int_eq(fjson_object_array_length(c.events), 2);
    pt_all_required(&c);
    fjson_object *e = zwt_ev(&c, 0);
    zwt_assert_str(e, "unmapped.dns.view", "private");
    zwt_assert_str(e, "unmapped.zone", "corp.contoso.internal");
    zwt_assert_str(e, "unmapped.record.name", "db01.corp.contoso.internal");
    zwt_assert_int(e, "unmapped.record.ttl", 10);
    pt_assert_list(e, "unmapped.record.values", 0, "10.1.2.3");
    ck_assert_str_eq(pt_res(e, "type"), "Microsoft.Network/privateDnsZones");
    e = zwt_ev(&c, 1); /* upper-case VNet link, Accepted, no caller address */
    zwt_assert_str(e, "unmapped.change.kind", "zone");
    zwt_assert_str(e, "unmapped.change.target", "hub-link");
    zwt_assert_int(e, "status_id", 99);
    zwt_assert_str(e, "src_endpoint.hostname", "management.azure.com");
    zwt_free(&c);

    ck_assert_int_eq(zwt_normalize_file(&c, AZ "rest-shape.json", NULL, ZW_OUT_OCSF, 0, &st), 0);
    ck_assert_int_eq(st.dead, 0);
    ck_assert_int_eq(fjson_object_array_length(c.events), 1);
    pt_all_required(&c);
    e = zwt_ev(&c, 0);
    zwt_assert_str(e, "api.operation", "Microsoft.Network/dnszones/MX/write");
    zwt_assert_str(e, "unmapped.zone", "xn--bcher-kva.example");
    zwt_assert_str(e, "unmapped.record.name", "xn--bcher-kva.example");
    pt_assert_list(e, "unmapped.record.values", 0, "10 mx1.xn--bcher-kva.example");
    zwt_assert_str(e, "src_endpoint.ip", "2001:db8:10::5");
    zwt_assert_str(e, "actor.user.email_addr", "bob@contoso.com");
    zwt_assert_str(e, "status", "Success");
    zwt_assert_str(e, "status_code", "OK");
    zwt_assert_str(e, "api.request.uid", "op-10");
    zwt_assert_str(e, "metadata.log_name", "Administrative");
    zwt_assert_int(e, "time", 1795177200456LL);
    zwt_free(&c);
}
END_TEST

START_TEST(test_bad)
{
    zwt_collect c;
    nz_stats st;
    ck_assert_int_eq(zwt_normalize_file(&c, AZ "bad.jsonl", NULL, ZW_OUT_OCSF, 0, &st), 0);
    ck_assert_int_eq(st.dead, 2);
    zwt_assert_str(fjson_object_array_get_idx(c.dead, 0), "reason",
                   "azure-activity: resourceId is not an Azure DNS zone resource");
    zwt_assert_str(fjson_object_array_get_idx(c.dead, 1), "reason",
                   "azure-activity: time missing or not a timestamp");
    zwt_free(&c);

    /* a records[] batch with one bad record: the others still come out */
    static const char mixed[] = "{\"records\":[{\"time\":\"2026-11-20T12:00:00Z\",\"resourceId\":"
                                "\"/subscriptions/s/resourceGroups/g/"
                                "providers/Microsoft.Network/dnszones/a.test/A/"
                                "x\",\"operationName\":\"Microsoft.Network/dnszones/A/"
                                "delete\",\"resultType\":\"Success\",\"callerIpAddress\":\"192.0.2."
                                "1\",\"identity\":{\"claims\":{"
                                "\"appid\":\"app-1\"}}},{\"time\":\"2026-11-20T12:00:00Z\","
                                "\"resourceId\":\"/x\",\"operationName\":"
                                "\"Microsoft.Network/dnszones/A/delete\"}]}\n";
    ck_assert_int_eq(zwt_normalize_mem(&c, mixed, sizeof mixed - 1, NULL, ZW_OUT_OCSF, 0, &st), 0);
    ck_assert_int_eq(fjson_object_array_length(c.events), 1);
    zwt_assert_str(zwt_ev(&c, 0), "unmapped.record.name", "x.a.test");
    zwt_assert_str(zwt_ev(&c, 0), "actor.app_name", "app-1");
    ck_assert_int_eq(st.dead, 1);
    ck_assert_ptr_nonnull(strstr(zw_jstr(fjson_object_array_get_idx(c.dead, 0), "reason", NULL),
                                 "1 of 2 records rejected (1 events emitted); first: records[1]"));
    zwt_free(&c);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("providers_azure");
    TCase *tc = tcase_create("azure");
    tcase_add_test(tc, test_eventhub_records);
    tcase_add_test(tc, test_private_and_rest);
    tcase_add_test(tc, test_bad);
    suite_add_tcase(s, tc);
    return s;
}

ZWT_MAIN(suite)
