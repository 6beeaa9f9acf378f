/*
 * check_pdns.c - the PowerDNS Authoritative parser (normalizer/nz_parse_pdns.c) over the
 * real pdns_server log in tests/data/dns-servers/pdns.log (every line an event or counted
 * noise), field values per kind of line, year inference for the year-less timestamps,
 * syslog-wrapped and IPv6 variants, and malformed lines of the format.
 */
#include "zw_test.h"

#define REF_MS 1795824000000LL /* 2026-11-28T00:00:00Z */

START_TEST(test_real_log)
{
    zwt_collect c;
    nz_stats s;
    ck_assert_int_eq(
        zwt_normalize_file(&c, "tests/data/dns-servers/pdns.log", "pdns", ZW_OUT_OCSF, REF_MS, &s),
        0);
    ck_assert_int_eq(s.records, 35);
    ck_assert_int_eq(s.dead, 0);
    ck_assert_int_eq(fjson_object_array_length(c.dead), 0);
    ck_assert_int_eq(s.events, 20);
    ck_assert_int_eq(s.noise, 15);

    /* query line (log-dns-queries), UDP and TCP */
    fjson_object *e = zwt_at_line(&c, 17);
    zwt_assert_int(e, "class_uid", 4003);
    zwt_assert_int(e, "activity_id", 1);
    zwt_assert_str(e, "query.hostname", "www.example.test");
    zwt_assert_str(e, "query.type", "A");
    zwt_assert_str(e, "src_endpoint.ip", "127.0.0.1");
    zwt_assert_str(e, "connection_info.protocol_name", "udp");
    zwt_assert_int(e, "time", 1795784733000LL);
    zwt_assert_str(e, "metadata.product.name", "PowerDNS Authoritative Server");
    zwt_assert_str(e, "metadata.product.vendor_name", "PowerDNS.COM BV");
    zwt_assert_str(e, "metadata.product.version", "4.7.3");
    zwt_assert_str(e, "metadata.log_name", "pdns");
    e = zwt_at_line(&c, 19);
    zwt_assert_str(e, "connection_info.protocol_name", "tcp");
    zwt_assert_str(e, "query.hostname", "vpn.example.test");

    /* denied AXFR: initiated, denied, failed */
    e = zwt_at_line(&c, 20);
    zwt_assert_str(e, "unmapped.xfer.phase", "requested");
    zwt_assert_str(e, "query.type", "AXFR");
    zwt_assert_str(e, "unmapped.zone", "example.test");
    e = zwt_at_line(&c, 21);
    zwt_assert_int(e, "activity_id", 2);
    zwt_assert_str(e, "unmapped.xfer.phase", "denied");
    zwt_assert_str(e, "unmapped.xfer.kind", "AXFR");
    zwt_assert_str(e, "unmapped.xfer.direction", "out");
    zwt_assert_str(e, "status", "Failure");
    zwt_assert_str(e, "rcode", "NotAuth");
    zwt_assert_str(e, "status_detail", "client IP has no permission");
    zwt_assert_str(e, "src_endpoint.ip", "127.0.0.1");
    zwt_assert_int(e, "src_endpoint.port", 33167);
    e = zwt_at_line(&c, 22);
    zwt_assert_str(e, "unmapped.xfer.phase", "failed");
    zwt_assert_str(e, "status_detail", "client may not request AXFR");

    /* allowed AXFR: started (with port), ended */
    e = zwt_at_line(&c, 24);
    zwt_assert_str(e, "unmapped.xfer.phase", "started");
    zwt_assert_str(e, "status", "Success");
    zwt_assert_int(e, "src_endpoint.port", 42057);
    e = zwt_at_line(&c, 25);
    zwt_assert_str(e, "unmapped.xfer.phase", "ended");
    zwt_assert_str(e, "rcode", "NoError");
    zwt_assert_str(e, "src_endpoint.ip", "127.0.0.2");

    /* zone not served */
    e = zwt_at_line(&c, 28);
    zwt_assert_str(e, "unmapped.zone", "nosuchzone.test");
    zwt_assert_str(e, "status_detail", "not authoritative");
    zwt_assert_str(e, "rcode", "NotAuth");

    /* IXFR with the client's serial, fallback */
    e = zwt_at_line(&c, 29);
    zwt_assert_str(e, "query.type", "IXFR");
    zwt_assert_int(e, "unmapped.xfer.serial_from", 2024010100);
    e = zwt_at_line(&c, 31);
    zwt_assert_str(e, "status_detail", "IXFR fallback to AXFR");
    zwt_assert_absent(e, "unmapped.xfer.phase");
    zwt_free(&c);
}
END_TEST

START_TEST(test_year_inference)
{
    /* a December line read in January belongs to the previous year */
    static const char in[] =
        "Dec 31 23:59:59 AXFR-out zone 'example.test', client '192.0.2.1', transfer "
        "initiated\n";
    zwt_collect c;
    nz_stats s;
    int64_t jan2 = zw_time_civil(2027, 1, 2, 0, 0, 0, 0, 0);
    ck_assert_int_eq(zwt_normalize_mem(&c, in, sizeof in - 1, "pdns", ZW_OUT_OCSF, jan2, &s), 0);
    zwt_assert_int(zwt_ev(&c, 0), "time", zw_time_civil(2026, 12, 31, 23, 59, 59, 0, 0));
    zwt_free(&c);
}
END_TEST

START_TEST(test_syslog_and_ipv6)
{
    static const char in[] =
        "<28>Nov 27 13:05:33 ns3 pdns_server[812]: AXFR-out zone 'Example.Test', client "
        "'[2001:db8::5]:4242', "
        "denied: client IP has no permission\n"
        "<30>1 2026-11-27T13:05:34Z ns3 pdns_server 812 - - Remote 2001:db8::5 wants "
        "'a.example.test|AAAA', do = "
        "1, bufsize = 1232: packetcache HIT\n"
        "Nov 27 13:05:35 ns3 pdns_server[812]: Some message this parser does not know\n"
        "Nov 27 13:05:36 ns3 pdns[812]: IXFR-in zone: 'example.test', primary: '192.0.2.53', zone "
        "committed with "
        "serial 2024010105\n"
        "Nov 27 13:05:37 AXFR-out zone 'example.test', client '127.0.0.4:5353', allowed: TSIG "
        "signed request with "
        "authorized key 'Xfer-Key.'\n";
    zwt_collect c;
    nz_stats s;
    ck_assert_int_eq(zwt_normalize_mem(&c, in, sizeof in - 1, NULL, ZW_OUT_OCSF, REF_MS, &s), 0);
    ck_assert_int_eq(s.dead, 0);
    ck_assert_int_eq(s.events, 4);
    ck_assert_int_eq(s.noise, 1);
    fjson_object *e = zwt_ev(&c, 0);
    zwt_assert_str(e, "unmapped.source_format", "pdns");
    zwt_assert_str(e, "src_endpoint.ip", "2001:db8::5");
    zwt_assert_int(e, "src_endpoint.port", 4242);
    zwt_assert_str(e, "unmapped.zone", "example.test");
    zwt_assert_str(e, "dst_endpoint.hostname", "ns3");
    zwt_assert_str(e, "metadata.log_level", "warning");
    e = zwt_ev(&c, 1);
    zwt_assert_str(e, "src_endpoint.ip", "2001:db8::5");
    zwt_assert_absent(e, "src_endpoint.port");
    zwt_assert_str(e, "query.type", "AAAA");
    zwt_assert_str(e, "unmapped.dns.flags", "D");
    e = zwt_ev(&c, 2);
    zwt_assert_str(e, "unmapped.xfer.direction", "in");
    zwt_assert_str(e, "unmapped.xfer.phase", "ended");
    zwt_assert_int(e, "unmapped.xfer.serial", 2024010105);
    zwt_assert_str(e, "dst_endpoint.ip", "192.0.2.53");
    e = zwt_ev(&c, 3); /* TSIG-signed transfer: the key */
    zwt_assert_str(e, "unmapped.xfer.tsig_key", "xfer-key");
    zwt_assert_str(e, "unmapped.xfer.phase", "started");
    ck_assert(fjson_object_get_boolean(zw_jget(e, "unmapped.dns.signed")));
    zwt_free(&c);
}
END_TEST

START_TEST(test_malformed)
{
    static const char in[] =
        "Nov 27 13:05:33 AXFR-out zone 'example.test', client 'nope', transfer initiated\n"
        "Nov 27 13:05:33 AXFR-out zone 'example.test' client '1.2.3.4', x\n"
        "Nov 27 13:05:33 Remote 1.2.3.4 wants 'noseparator', do = 0\n"
        "Nov 27 13:05:33 Remote 1.2.3.4 asks politely\n";
    zwt_collect c;
    nz_stats s;
    ck_assert_int_eq(zwt_normalize_mem(&c, in, sizeof in - 1, "pdns", ZW_OUT_OCSF, REF_MS, &s), 0);
    ck_assert_int_eq(s.events, 0);
    ck_assert_int_eq(s.dead, 4);
    const char *r = zw_jstr(fjson_object_array_get_idx(c.dead, 0), "reason", NULL);
    ck_assert_msg(r && strstr(r, "pdns: bad client address") != NULL, "reason: %s", r);
    r = zw_jstr(fjson_object_array_get_idx(c.dead, 2), "reason", NULL);
    ck_assert_msg(r && strstr(r, "name|type") != NULL, "reason: %s", r);
    zwt_free(&c);
    /* a bare timestamped line pdns does not write is left to other parsers */
    static const char other[] = "Nov 27 13:05:33 ns1 named[1]: client query\n"
                                "Nov 27 13:05:33 something unrelated\n";
    ck_assert_int_eq(
        zwt_normalize_mem(&c, other, sizeof other - 1, "pdns", ZW_OUT_OCSF, REF_MS, &s), 0);
    ck_assert_int_eq(s.events + s.noise, 0);
    ck_assert_int_eq(s.dead, 2);
    zwt_free(&c);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("pdns");
    TCase *t = tcase_create("pdns");
    tcase_add_test(t, test_real_log);
    tcase_add_test(t, test_year_inference);
    tcase_add_test(t, test_syslog_and_ipv6);
    tcase_add_test(t, test_malformed);
    suite_add_tcase(s, t);
    return s;
}

ZWT_MAIN(suite)
