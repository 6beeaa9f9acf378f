/*
 * check_providers_inventory.c - the inventory: YAML and JSON loading, every lookup,
 * error messages for bad files, and enrichment of provider events (zone from a
 * provider id or a record name, zone_known, actor_approved, approved secondary and
 * scanner) through the normalizer and in ECS output.
 */
#include "../../normalizer/nz_inventory.h"
#include "prov_test.h"

#define INV "tests/data/providers/inventory.yml"

static nz_inventory *load_ok(const char *path)
{
    char err[512] = "";
    nz_inventory *inv = nz_inventory_load(path, err, sizeof err);
    ck_assert_msg(inv != NULL, "load %s: %s", path, err);
    return inv;
}

#define ZONE_BY_ID(inv, s) nz_inventory_zone_by_id((inv), (s), strlen(s))
#define ZONE_FOR(inv, s) nz_inventory_zone_for_name((inv), (s), strlen(s))
#define APPROVED(inv, s) nz_inventory_principal_approved((inv), (s), strlen(s))

START_TEST(test_lookups)
{
    nz_inventory *inv = load_ok(INV);
    ck_assert_uint_eq(nz_inventory_zone_count(inv), 5);
    ck_assert_str_eq(ZONE_BY_ID(inv, "Z0EXAMPLEZONE1"), "example.com");
    ck_assert_str_eq(ZONE_BY_ID(inv, "/hostedzone/Z0EXAMPLEZONE1"), "example.com");
    ck_assert_str_eq(ZONE_BY_ID(inv, "Z0PRIVATEZONE"), "corp.internal");
    ck_assert_str_eq(ZONE_BY_ID(inv, "u3fp685o1wjk5zq6hxa6a53oh49u3ek2"), "example.com");
    ck_assert_str_eq(
        ZONE_BY_ID(inv,
                   "/subscriptions/8a2b3c4d-1111-2222-3333-444455556666/resourceGroups/dns-prod/"
                   "providers/Microsoft.Network/dnszones/contoso.com"),
        "contoso.com");
    ck_assert_ptr_null(ZONE_BY_ID(inv, "Z0NOPE"));
    ck_assert_ptr_null(ZONE_BY_ID(inv, ""));

    ck_assert_str_eq(ZONE_FOR(inv, "www.example.com"), "example.com");
    ck_assert_str_eq(ZONE_FOR(inv, "Example.COM."), "example.com");
    ck_assert_str_eq(ZONE_FOR(inv, "*.dev.example.com"), "dev.example.com");
    ck_assert_str_eq(ZONE_FOR(inv, "dev.example.com"), "dev.example.com");
    ck_assert_str_eq(ZONE_FOR(inv, "_acme-challenge.example.com"), "example.com");
    ck_assert_ptr_null(ZONE_FOR(inv, "notexample.com"));
    ck_assert_ptr_null(ZONE_FOR(inv, "com"));
    ck_assert_ptr_null(ZONE_FOR(inv, "example.org"));
    ck_assert_int_eq(nz_inventory_zone_known(inv, "corp.internal.", 14), 1);
    ck_assert_int_eq(nz_inventory_zone_known(inv, "www.example.com", 15), 0);

    ck_assert_int_eq(APPROVED(inv, "arn:aws:iam::111122223333:role/ExternalDNS"), 1);
    ck_assert_int_eq(APPROVED(inv, "arn:aws:iam::111122223333:role/externaldns"), 1);
    ck_assert_int_eq(APPROVED(inv, "arn:aws:sts::111122223333:assumed-role/ExternalDNS/session-1"),
                     1);
    ck_assert_int_eq(APPROVED(inv, "arn:aws:sts::999999999999:assumed-role/ExternalDNS/session-1"),
                     0);
    ck_assert_int_eq(APPROVED(inv, "arn:aws:iam::111122223333:role/ExternalDNS2"), 0);
    ck_assert_int_eq(APPROVED(inv, "deploy@automation.contoso.com"), 1);
    ck_assert_int_eq(APPROVED(inv, "alice@contoso.com"), 0);
    ck_assert_int_eq(APPROVED(inv, ""), 0);

    ck_assert_int_eq(nz_inventory_ip_secondary(inv, "198.51.100.200", 14, NULL, 0), 1);
    ck_assert_int_eq(nz_inventory_ip_secondary(inv, "198.51.101.1", 12, NULL, 0), 0);
    ck_assert_int_eq(nz_inventory_ip_secondary(inv, "2001:db8:53:1::2", 16, NULL, 0), 1);
    ck_assert_int_eq(nz_inventory_ip_secondary(inv, "::ffff:198.51.100.9", 19, NULL, 0), 1);
    /* per-zone secondary: only for that zone */
    ck_assert_int_eq(nz_inventory_ip_secondary(inv, "192.0.2.53", 10, "example.com", 11), 1);
    ck_assert_int_eq(nz_inventory_ip_secondary(inv, "192.0.2.53", 10, "contoso.com", 11), 0);
    ck_assert_int_eq(nz_inventory_ip_secondary(inv, "192.0.2.53", 10, NULL, 0), 0);
    ck_assert_int_eq(nz_inventory_ip_scanner(inv, "203.0.113.10", 12), 1);
    ck_assert_int_eq(nz_inventory_ip_scanner(inv, "203.0.113.11", 12), 0);
    ck_assert_int_eq(nz_inventory_ip_scanner(inv, "10.154.200.1", 12), 1);
    ck_assert_int_eq(nz_inventory_ip_scanner(inv, "not-an-ip", 9), 0);
    nz_inventory_destroy(inv);
    nz_inventory_destroy(NULL);

    inv = load_ok("tests/data/providers/inventory.json");
    ck_assert_str_eq(ZONE_BY_ID(inv, "z0examplezone1"), "example.com");
    ck_assert_int_eq(APPROVED(inv, "arn:aws:iam::111122223333:user/alice"), 1);
    ck_assert_int_eq(nz_inventory_ip_scanner(inv, "192.0.2.127", 11), 1);
    ck_assert_int_eq(nz_inventory_ip_scanner(inv, "192.0.2.128", 11), 0);
    nz_inventory_destroy(inv);
}
END_TEST

static void bad(const char *text, const char *want)
{
    char err[512] = "";
    nz_inventory *inv = nz_inventory_parse(text, strlen(text), "t.yml", err, sizeof err);
    ck_assert_msg(inv == NULL, "accepted: %s", text);
    ck_assert_msg(strstr(err, want) != NULL, "error '%s' does not say '%s'", err, want);
}

START_TEST(test_errors)
{
    bad("zone:\n  - name: a\n", "t.yml: top level: unknown key 'zone'");
    bad("zones:\n  - name: a\n    ids: [x]\n    secondries: [1.2.3.4]\n",
        "zones[0]: unknown key 'secondries'");
    bad("zones:\n  - ids: [x]\n", "zones[0]: name missing");
    bad("secondaries: [192.0.2.0/33]\n",
        "secondaries[0]: '192.0.2.0/33' is not an IP address or CIDR");
    bad("scanners: nope\n", "scanners: 'nope' is not an IP address or CIDR");
    bad("zones:\n  - name: a\n    ids: [Z1]\n  - name: b\n    ids: {aws: z1}\n",
        "id 'z1' belongs to two zones");
    bad("zones:\n  - name: a\n  - name: A.\n", "zone 'a' listed twice");
    bad("zones: [\n", "t.yml:2:1: YAML");
    bad("version: 2\n", "version 2 is not supported");
    bad("{\"zones\": [}", "t.yml: JSON");
    bad("- a\n- b\n", "the inventory must be a mapping");
    char err[256];
    ck_assert_ptr_null(
        nz_inventory_load("tests/data/providers/no-such-inventory.yml", err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "No such file"));
    /* every mistake is reported, one per line, not only the first (issue 22) */
    const char *two = "scannerz: [1.2.3.4]\nzones:\n  - name: a.test\n    colour: red\n"
                      "    secondaries: [not-an-ip]\nprincipals: [ok, \"\"]\n";
    char err2[1024] = "";
    ck_assert_ptr_null(nz_inventory_parse(two, strlen(two), "t.yml", err2, sizeof err2));
    ck_assert_msg(strstr(err2, "t.yml: top level: unknown key 'scannerz'\n") != NULL, "%s", err2);
    ck_assert_msg(strstr(err2, "t.yml: zones[0]: unknown key 'colour'\n") != NULL, "%s", err2);
    ck_assert_msg(strstr(err2, "zones[0].secondaries[0]: 'not-an-ip' is not an IP address") != NULL,
                  "%s", err2);
    ck_assert_msg(strstr(err2, "t.yml: principals[1]: want a string") != NULL, "%s", err2);
}
END_TEST

/* Normalizes a file with the inventory attached. */
static int normalize_inv(zwt_collect *c, const char *path, zw_out_kind kind,
                         const nz_inventory *inv)
{
    return zwt_normalize_with(c, path, NULL, 0, NULL, kind, 0, NULL, inv);
}

START_TEST(test_enrich_cloudtrail)
{
    nz_inventory *inv = load_ok(INV);
    zwt_collect c;
    ck_assert_int_eq(
        normalize_inv(&c, "tests/data/providers/aws-cloudtrail/edge-cases.jsonl", ZW_OUT_OCSF, inv),
        0);
    fjson_object *e = zwt_ev(&c, 0); /* assumed role of the approved ExternalDNS role */
    zwt_assert_str(e, "unmapped.zone", "example.com");
    ck_assert(pt_bool(e, "unmapped.inventory.zone_known"));
    ck_assert(pt_bool(e, "unmapped.inventory.actor_approved"));
    ck_assert(pt_bool(e, "unmapped.inventory.peer_approved_scanner")); /* 203.0.113.10 */
    ck_assert(!pt_bool(e, "unmapped.inventory.peer_approved_secondary"));
    e = zwt_ev(&c, 6); /* alice: not an approved principal */
    ck_assert(!pt_bool(e, "unmapped.inventory.actor_approved"));
    zwt_assert_str(e, "unmapped.zone", "example.com");
    e = zwt_ev(&c, 7); /* the parser named the zone */
    zwt_assert_str(e, "unmapped.zone", "corp.internal");
    ck_assert(pt_bool(e, "unmapped.inventory.zone_known"));
    e = zwt_ev(&c, 8); /* hosted-zone id of the private zone */
    zwt_assert_str(e, "unmapped.zone", "corp.internal");
    e = zwt_ev(&c, 11); /* route53domains names the domain itself */
    zwt_assert_str(e, "unmapped.zone", "example.com");
    ck_assert(pt_bool(e, "unmapped.inventory.zone_known"));
    e = zwt_ev(&c, 19); /* unknown zone id, caller without an address */
    zwt_assert_absent(e, "unmapped.zone");
    ck_assert(!pt_bool(e, "unmapped.inventory.zone_known"));
    zwt_assert_absent(e, "unmapped.inventory.peer_approved_scanner");
    zwt_free(&c);

    /* without an id the record name decides: the delegated sub-zone wins */
    ck_assert_int_eq(
        normalize_inv(&c, "tests/data/providers/aws-cloudtrail/subzone.jsonl", ZW_OUT_ECS, inv), 0);
    e = zwt_ev(&c, 0);
    zwt_assert_str(e, "zonewarden.zone", "dev.example.com");
    ck_assert(pt_bool(e, "zonewarden.inventory.zone_known"));
    ck_assert(pt_bool(e, "zonewarden.inventory.peer_approved_secondary"));
    ck_assert(!pt_bool(e, "zonewarden.inventory.actor_approved"));
    zwt_free(&c);
    nz_inventory_destroy(inv);
}
END_TEST

START_TEST(test_enrich_other_providers)
{
    nz_inventory *inv = load_ok(INV);
    zwt_collect c;
    ck_assert_int_eq(
        normalize_inv(&c, "tests/data/providers/gcp-audit/edge-cases.jsonl", ZW_OUT_OCSF, inv), 0);
    fjson_object *e = zwt_ev(&c, 0);
    zwt_assert_str(e, "unmapped.zone", "example.com"); /* managed zone example-com */
    ck_assert(pt_bool(e, "unmapped.inventory.actor_approved"));
    e = zwt_ev(&c, 7);
    ck_assert(!pt_bool(e, "unmapped.inventory.actor_approved")); /* mallory */
    zwt_free(&c);

    ck_assert_int_eq(normalize_inv(&c, "tests/data/providers/gcp-audit/panther-dns-tests.jsonl",
                                   ZW_OUT_OCSF, inv),
                     0);
    e = zwt_ev(&c, 0); /* managedZones.delete names only the managed zone */
    zwt_assert_str(e, "unmapped.zone", "test.detectiontesting.com");
    ck_assert(pt_bool(e, "unmapped.inventory.zone_known"));
    zwt_free(&c);

    ck_assert_int_eq(
        normalize_inv(&c, "tests/data/providers/gcp-dns/test-dns.log", ZW_OUT_OCSF, inv), 0);
    e = zwt_ev(&c, 0);
    ck_assert(pt_bool(e, "unmapped.inventory.peer_approved_scanner"));
    ck_assert(!pt_bool(e, "unmapped.inventory.zone_known")); /* elastic.co */
    zwt_free(&c);

    ck_assert_int_eq(normalize_inv(&c, "tests/data/providers/azure-activity/eventhub-records.json",
                                   ZW_OUT_OCSF, inv),
                     0);
    e = zwt_ev(&c, 0);
    zwt_assert_str(e, "unmapped.zone", "contoso.com");
    ck_assert(pt_bool(e, "unmapped.inventory.zone_known"));
    ck_assert(!pt_bool(e, "unmapped.inventory.actor_approved"));
    e = zwt_ev(&c, 5);
    ck_assert(!pt_bool(e, "unmapped.inventory.zone_known")); /* old-contoso.com */
    zwt_free(&c);

    ck_assert_int_eq(
        normalize_inv(&c, "tests/data/providers/cloudflare-audit/test-audit.log", ZW_OUT_OCSF, inv),
        0);
    e = zwt_ev(&c, 27); /* rec_add without a zone id: the metadata names the zone */
    zwt_assert_str(e, "unmapped.zone", "example.com");
    ck_assert(pt_bool(e, "unmapped.inventory.zone_known"));
    zwt_free(&c);

    ck_assert_int_eq(normalize_inv(&c, "tests/data/providers/aws-route53-query/test-route53.log",
                                   ZW_OUT_OCSF, inv),
                     0);
    e = zwt_ev(&c, 3); /* unknown hosted-zone id: the query name decides */
    zwt_assert_str(e, "unmapped.zone", "example.com");
    ck_assert(pt_bool(e, "unmapped.inventory.zone_known"));
    zwt_free(&c);
    nz_inventory_destroy(inv);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("providers_inventory");
    TCase *tc = tcase_create("inventory");
    tcase_add_test(tc, test_lookups);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_enrich_cloudtrail);
    tcase_add_test(tc, test_enrich_other_providers);
    suite_add_tcase(s, tc);
    return s;
}

ZWT_MAIN(suite)
