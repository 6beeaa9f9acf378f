/*
 * check_nsd.c - the NSD parser (normalizer/nz_parse_nsd.c) over the real nsd log in
 * tests/data/dns-servers/nsd.log (every line an event or counted noise), field values
 * per kind of line, syslog-wrapped and IPv6 variants, and malformed lines of the format.
 */
#include "zw_test.h"

#define REF_MS 1795824000000LL /* 2026-11-28T00:00:00Z */

START_TEST(test_real_log)
{
    zwt_collect c;
    nz_stats s;
    ck_assert_int_eq(
        zwt_normalize_file(&c, "tests/data/dns-servers/nsd.log", "nsd", ZW_OUT_OCSF, REF_MS, &s),
        0);
    ck_assert_int_eq(s.records, 21);
    ck_assert_int_eq(s.dead, 0);
    ck_assert_int_eq(fjson_object_array_length(c.dead), 0);
    ck_assert_int_eq(s.events, 8);
    ck_assert_int_eq(s.noise, 13);

    /* refused AXFR */
    fjson_object *e = zwt_at_line(&c, 17);
    zwt_assert_int(e, "class_uid", 4003);
    zwt_assert_int(e, "activity_id", 2);
    zwt_assert_str(e, "status", "Failure");
    zwt_assert_absent(e, "rcode"); /* REFUSED or NOTAUTH: the line does not say */
    zwt_assert_str(e, "status_detail", "no acl matches");
    zwt_assert_str(e, "src_endpoint.ip", "127.0.0.1");
    zwt_assert_absent(e, "src_endpoint.port");
    zwt_assert_str(e, "query.hostname", "example.test");
    zwt_assert_str(e, "query.type", "AXFR");
    zwt_assert_str(e, "unmapped.zone", "example.test");
    zwt_assert_str(e, "unmapped.xfer.kind", "AXFR");
    zwt_assert_str(e, "unmapped.xfer.phase", "denied");
    zwt_assert_str(e, "unmapped.xfer.direction", "out");
    zwt_assert_int(e, "time", 1795784733503LL);
    zwt_assert_str(e, "metadata.product.name", "NSD");
    zwt_assert_str(e, "metadata.product.vendor_name", "NLnet Labs");
    zwt_assert_str(e, "metadata.product.version", "4.6.1");
    zwt_assert_str(e, "metadata.log_name", "nsd");
    zwt_assert_str(e, "metadata.log_level", "info");
    /* AXFR for a zone NSD does not serve */
    e = zwt_at_line(&c, 19);
    zwt_assert_str(e, "unmapped.zone", "nosuchzone.test");
    zwt_assert_str(e, "unmapped.xfer.phase", "denied");
    /* served AXFR and IXFR */
    e = zwt_at_line(&c, 18);
    zwt_assert_int(e, "activity_id", 1);
    zwt_assert_str(e, "status", "Success");
    zwt_assert_str(e, "src_endpoint.ip", "127.0.0.2");
    zwt_assert_str(e, "unmapped.xfer.phase", "started");
    e = zwt_at_line(&c, 20);
    zwt_assert_str(e, "query.type", "IXFR");
    zwt_assert_str(e, "unmapped.xfer.kind", "IXFR");
    /* NOTIFY received */
    e = zwt_at_line(&c, 12);
    zwt_assert_str(e, "query.opcode", "Notify");
    zwt_assert_str(e, "query.type", "SOA");
    zwt_assert_int(e, "unmapped.xfer.serial", 101);
    zwt_assert_str(e, "src_endpoint.ip", "127.0.0.1");
    /* completed incoming transfer from the primary */
    e = zwt_at_line(&c, 15);
    zwt_assert_str(e, "unmapped.xfer.direction", "in");
    zwt_assert_str(e, "unmapped.xfer.phase", "ended");
    zwt_assert_int(e, "unmapped.xfer.serial", 101);
    zwt_assert_int(e, "unmapped.xfer.bytes", 251);
    zwt_assert_str(e, "dst_endpoint.ip", "127.0.0.1");
    zwt_assert_int(e, "dst_endpoint.port", 5301);
    zwt_assert_str(e, "unmapped.zone", "knot.test");
    zwt_free(&c);
}
END_TEST

START_TEST(test_syslog_and_ipv6)
{
    static const char in[] =
        "<30>Nov 27 13:05:33 ns2 nsd[22058]: axfr for Example.Test. from 2001:db8::2 "
        "refused, no acl matches\n"
        "<30>1 2026-11-27T13:05:34Z ns2 nsd 22058 - - info: ixfr for example.test. from "
        "::ffff:192.0.2.1\n"
        "[1795784735] nsd[1]: info: notify for example.test. from 192.0.2.7 refused, no "
        "acl matches\n"
        "[2026-11-27 13:05:36.001] nsd[1]: info: zone example.test. received update to "
        "serial 9 at 2026-11-27T13:05:36 from 2001:db8::1@53 of 1000 bytes in 0.5 seconds\n"
        "[2026-11-27 13:05:37.000] nsd[1]: info: axfr for zone old.test. from client 192.0.2.8 "
        "refused, blocked\n"
        "[2026-11-27 13:05:38.000] nsd[1]: info: ixfr for example.test. from 192.0.2.9 via proxy "
        "192.0.2.10 refused because of proxy, 192.0.2.0/24 BLOCKED\n"
        "[2026-11-27 13:05:39.000] nsd[1]: info: axfr for example.test. from 192.0.2.11 tls "
        "secondary.example\n";
    zwt_collect c;
    nz_stats s;
    ck_assert_int_eq(zwt_normalize_mem(&c, in, sizeof in - 1, NULL, ZW_OUT_OCSF, REF_MS, &s), 0);
    ck_assert_int_eq(s.dead, 0);
    ck_assert_int_eq(s.events, 7);
    fjson_object *e = zwt_ev(&c, 0);
    zwt_assert_str(e, "unmapped.source_format", "nsd");
    zwt_assert_str(e, "src_endpoint.ip", "2001:db8::2");
    zwt_assert_str(e, "unmapped.zone", "example.test");
    zwt_assert_str(e, "dst_endpoint.hostname", "ns2");
    zwt_assert_str(e, "metadata.log_level", "info");
    zwt_assert_int(e, "time", 1795784733000LL);
    e = zwt_ev(&c, 1);
    zwt_assert_str(e, "src_endpoint.ip", "::ffff:192.0.2.1");
    zwt_assert_str(e, "query.type", "IXFR");
    zwt_assert_int(e, "time", 1795784734000LL);
    e = zwt_ev(&c, 2);
    zwt_assert_str(e, "status", "Failure");
    zwt_assert_str(e, "status_detail", "no acl matches");
    zwt_assert_int(e, "time", 1795784735000LL);
    e = zwt_ev(&c, 3);
    zwt_assert_str(e, "dst_endpoint.ip", "2001:db8::1");
    zwt_assert_int(e, "dst_endpoint.port", 53);
    zwt_assert_int(e, "duration", 500);
    e = zwt_ev(&c, 4); /* NSD 4.0/4.1 wording */
    zwt_assert_str(e, "unmapped.zone", "old.test");
    zwt_assert_str(e, "src_endpoint.ip", "192.0.2.8");
    zwt_assert_str(e, "unmapped.xfer.phase", "denied");
    zwt_assert_str(e, "status_detail", "blocked");
    e = zwt_ev(&c, 5); /* refused because of the PROXYv2 sender */
    zwt_assert_str(e, "src_endpoint.ip", "192.0.2.9");
    zwt_assert_str(e, "unmapped.xfer.phase", "denied");
    zwt_assert_str(e, "status", "Failure");
    e = zwt_ev(&c, 6); /* 4.7+: transport and certificate name after the client */
    zwt_assert_str(e, "unmapped.xfer.phase", "started");
    zwt_assert_str(e, "status_detail", "tls secondary.example");
    zwt_free(&c);
}
END_TEST

START_TEST(test_malformed)
{
    static const char in[] =
        "[2026-11-27 13:05:33.503] nsd[1]: info: axfr for example.test. from bogus refused\n"
        "[2026-11-27 13:05:33.503] nsd[1]: info: axfr for example.test.\n"
        "[2026-11-27 13:05:33.503] nsd[1]: info: zone x. received update to serial 9 at\n"
        "[2026-11-27 13:05:33.503] nsd[1]: info: notify for x. from 1.2.3.4@99999\n";
    zwt_collect c;
    nz_stats s;
    ck_assert_int_eq(zwt_normalize_mem(&c, in, sizeof in - 1, "nsd", ZW_OUT_OCSF, REF_MS, &s), 0);
    ck_assert_int_eq(s.events, 0);
    ck_assert_int_eq(s.dead, 4);
    const char *r = zw_jstr(fjson_object_array_get_idx(c.dead, 0), "reason", NULL);
    ck_assert_msg(r && strstr(r, "nsd: bad client address") != NULL, "reason: %s", r);
    r = zw_jstr(fjson_object_array_get_idx(c.dead, 1), "reason", NULL);
    ck_assert_msg(r && strstr(r, "malformed axfr") != NULL, "reason: %s", r);
    zwt_free(&c);
    /* other programs' lines are not NSD's */
    static const char other[] = "[2026-11-27 13:05:33.503] unbound[1:0] info: x\n"
                                "Nov 27 13:05:33 ns2 named[1]: axfr for x. from 1.2.3.4\n";
    ck_assert_int_eq(zwt_normalize_mem(&c, other, sizeof other - 1, "nsd", ZW_OUT_OCSF, REF_MS, &s),
                     0);
    ck_assert_int_eq(s.events + s.noise, 0);
    ck_assert_int_eq(s.dead, 2);
    zwt_free(&c);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("nsd");
    TCase *t = tcase_create("nsd");
    tcase_add_test(t, test_real_log);
    tcase_add_test(t, test_syslog_and_ipv6);
    tcase_add_test(t, test_malformed);
    suite_add_tcase(s, t);
    return s;
}

ZWT_MAIN(suite)
