/*
 * check_knot.c - the Knot DNS parser (normalizer/nz_parse_knot.c) over the real knotd log
 * in tests/data/dns-servers/knot.log (every line an event or counted noise, none
 * dead-lettered), field values of each kind of line, and hand-made edge cases: syslog
 * wrapping (RFC 3164 and 5424), IPv6 remotes, auto-detection, and malformed lines of
 * the format that must be dead-lettered with a reason.
 */
#include "zw_test.h"

#define REF_MS 1795824000000LL /* 2026-11-28T00:00:00Z */

/* The first event read from the given input line, or fail. */
START_TEST(test_real_log)
{
    zwt_collect c;
    nz_stats s;
    ck_assert_int_eq(
        zwt_normalize_file(&c, "tests/data/dns-servers/knot.log", "knot", ZW_OUT_OCSF, REF_MS, &s),
        0);
    ck_assert_int_eq(s.records, 79);
    ck_assert_int_eq(fjson_object_array_length(c.dead), 0);
    ck_assert_int_eq(s.dead, 0);
    ck_assert_int_eq(s.noise, 31);
    ck_assert_int_eq(s.events, 48);

    /* ACL, denied, action transfer */
    fjson_object *e = zwt_at_line(&c, 51);
    zwt_assert_int(e, "class_uid", 4003);
    zwt_assert_int(e, "activity_id", 2);
    zwt_assert_str(e, "status", "Failure");
    zwt_assert_str(e, "src_endpoint.ip", "127.0.0.1");
    zwt_assert_int(e, "src_endpoint.port", 36909);
    zwt_assert_str(e, "query.hostname", "knot.test");
    zwt_assert_str(e, "unmapped.zone", "knot.test");
    zwt_assert_str(e, "unmapped.xfer.phase", "denied");
    zwt_assert_str(e, "unmapped.xfer.direction", "out");
    zwt_assert_str(e, "rcode", "NotAuth");
    zwt_assert_int(e, "rcode_id", 9);
    zwt_assert_int(e, "time", 1795784731000LL);
    zwt_assert_str(e, "metadata.product.name", "Knot DNS");
    zwt_assert_str(e, "metadata.product.vendor_name", "CZ.NIC");
    zwt_assert_str(e, "metadata.product.version", "3.2.6");
    zwt_assert_str(e, "metadata.log_name", "knotd");
    zwt_assert_str(e, "metadata.log_level", "debug");
    ck_assert(!fjson_object_get_boolean(zw_jget(e, "unmapped.dns.signed")));

    /* AXFR outgoing started / finished */
    e = zwt_at_line(&c, 23);
    zwt_assert_int(e, "activity_id", 1);
    zwt_assert_str(e, "query.type", "AXFR");
    zwt_assert_str(e, "unmapped.xfer.kind", "AXFR");
    zwt_assert_str(e, "unmapped.xfer.phase", "started");
    zwt_assert_int(e, "unmapped.xfer.serial", 100);
    zwt_assert_str(e, "src_endpoint.ip", "127.0.0.2");
    zwt_assert_int(e, "src_endpoint.port", 38831);
    zwt_assert_str(e, "status", "Success");
    e = zwt_at_line(&c, 57);
    zwt_assert_str(e, "unmapped.xfer.phase", "ended");
    zwt_assert_str(e, "unmapped.zone", "example.test");
    zwt_assert_int(e, "unmapped.xfer.messages", 1);
    zwt_assert_int(e, "unmapped.xfer.bytes", 865);
    zwt_assert_int(e, "traffic.bytes", 865);
    zwt_assert_int(e, "duration", 0);
    zwt_assert_str(e, "rcode", "NoError");

    /* AXFR incoming: the remote is the primary, i.e. the destination */
    e = zwt_at_line(&c, 26);
    zwt_assert_str(e, "unmapped.xfer.direction", "in");
    zwt_assert_str(e, "dst_endpoint.ip", "127.0.0.1");
    zwt_assert_int(e, "dst_endpoint.port", 5300);
    zwt_assert_absent(e, "src_endpoint");
    zwt_assert_int(e, "unmapped.xfer.bytes", 855);

    /* IXFR outgoing with serial range, and up-to-date */
    e = zwt_at_line(&c, 68);
    zwt_assert_str(e, "query.type", "IXFR");
    zwt_assert_int(e, "unmapped.xfer.serial_from", 100);
    zwt_assert_int(e, "unmapped.xfer.serial", 101);
    e = zwt_at_line(&c, 59);
    zwt_assert_str(e, "unmapped.xfer.phase", "ended");
    zwt_assert_str(e, "status_detail", "zone is up-to-date");
    zwt_assert_int(e, "unmapped.xfer.serial", 100);

    /* NOTIFY in / out, failed NOTIFY */
    e = zwt_at_line(&c, 21);
    zwt_assert_str(e, "query.opcode", "Notify");
    zwt_assert_int(e, "query.opcode_id", 4);
    zwt_assert_str(e, "src_endpoint.ip", "127.0.0.1");
    zwt_assert_int(e, "unmapped.xfer.serial", 2024010101);
    e = zwt_at_line(&c, 17);
    zwt_assert_str(e, "status", "Failure");
    zwt_assert_str(e, "status_detail", "connection reset");
    zwt_assert_str(e, "dst_endpoint.ip", "127.0.0.1");

    /* signed DDNS: ACL allowed, processing, finished (API Activity inherits client + key) */
    e = zwt_at_line(&c, 61);
    zwt_assert_str(e, "query.opcode", "Update");
    zwt_assert_str(e, "unmapped.xfer.tsig_key", "knot-ddns-key");
    ck_assert(fjson_object_get_boolean(zw_jget(e, "unmapped.dns.signed")));
    e = zwt_at_line(&c, 62);
    zwt_assert_int(e, "count", 1);
    zwt_assert_str(e, "src_endpoint.ip", "127.0.0.1");
    e = zwt_at_line(&c, 63);
    zwt_assert_int(e, "class_uid", 6003);
    zwt_assert_int(e, "activity_id", 3);
    zwt_assert_str(e, "api.operation", "DDNS");
    zwt_assert_str(e, "actor.user.name", "knot-ddns-key");
    zwt_assert_str(e, "actor.app_name", "knotd");
    zwt_assert_str(e, "src_endpoint.ip", "127.0.0.1");
    zwt_assert_int(e, "src_endpoint.port", 54939);
    zwt_assert_int(e, "unmapped.xfer.serial_from", 100);
    zwt_assert_int(e, "unmapped.xfer.serial", 101);
    zwt_assert_str(e, "unmapped.change.kind", "zone");
    zwt_assert_str(fjson_object_array_get_idx(zw_jget(e, "resources"), 0), "name", "knot.test");
    zwt_assert_absent(e, "query");
    /* unsigned DDNS denied */
    e = zwt_at_line(&c, 65);
    zwt_assert_str(e, "status", "Failure");
    zwt_assert_str(e, "query.opcode", "Update");
    zwt_assert_int(e, "src_endpoint.port", 50942);
    zwt_free(&c);
}
END_TEST

START_TEST(test_ecs)
{
    zwt_collect c;
    ck_assert_int_eq(
        zwt_normalize_file(&c, "tests/data/dns-servers/knot.log", "knot", ZW_OUT_ECS, REF_MS, NULL),
        0);
    fjson_object *e = zwt_at_line_path(&c, 51, "log.file.line");
    zwt_assert_str(e, "source.ip", "127.0.0.1");
    zwt_assert_str(e, "dns.question.name", "knot.test");
    zwt_assert_str(e, "event.outcome", "failure");
    zwt_assert_str(e, "zonewarden.xfer.phase", "denied");
    zwt_free(&c);
}
END_TEST

START_TEST(test_syslog_and_ipv6)
{
    static const char in[] =
        "<30>Nov 27 13:05:31 ns1 knotd[21443]: info: [Example.TEST.] AXFR, outgoing, remote "
        "2001:db8::7@40457, started, serial 7\n"
        "<31>1 2026-11-27T13:05:31.5Z ns1 knotd 21443 - - debug: [example.test.] ACL, denied, "
        "action transfer, remote ::1@5353, key 'Xfer-Key.'\n"
        "Nov 27 13:05:32 ns1 knotd[21443]: [example.test.] IXFR, outgoing, remote 192.0.2.1@53 "
        "TCP, "
        "finished, 0.25 seconds, 3 messages, 4096 bytes\n"
        "2026-11-27T13:05:33+0100 info: [example.test.] AXFR, incoming, remote 192.0.2.9@53, "
        "failed "
        "(connection refused)\n"
        "2026-11-27T13:05:34+0000 info: [example.test.] IXFR, incoming, remote primary1, address "
        "192.0.2.53@53, started\n";
    zwt_collect c;
    nz_stats s;
    ck_assert_int_eq(zwt_normalize_mem(&c, in, sizeof in - 1, NULL, ZW_OUT_OCSF, REF_MS, &s), 0);
    ck_assert_int_eq(s.dead, 0);
    ck_assert_int_eq(s.events, 5);
    fjson_object *e = zwt_ev(&c, 0);
    zwt_assert_str(e, "unmapped.source_format", "knot");
    zwt_assert_str(e, "src_endpoint.ip", "2001:db8::7");
    zwt_assert_int(e, "src_endpoint.port", 40457);
    zwt_assert_str(e, "unmapped.zone", "example.test");
    zwt_assert_str(e, "dst_endpoint.hostname", "ns1");
    zwt_assert_int(e, "time", 1795784731000LL);
    zwt_assert_str(e, "metadata.log_level", "info");
    e = zwt_ev(&c, 1);
    zwt_assert_str(e, "src_endpoint.ip", "::1");
    zwt_assert_str(e, "unmapped.xfer.tsig_key", "xfer-key");
    zwt_assert_str(e, "unmapped.xfer.phase", "denied");
    zwt_assert_int(e, "time", 1795784731500LL);
    e = zwt_ev(&c, 2);
    zwt_assert_str(e, "connection_info.protocol_name", "tcp");
    zwt_assert_int(e, "duration", 250);
    zwt_assert_int(e, "unmapped.xfer.bytes", 4096);
    zwt_assert_absent(e, "metadata.log_level"); /* neither PRI nor level word */
    e = zwt_ev(&c, 3);
    zwt_assert_str(e, "status", "Failure");
    zwt_assert_str(e, "status_detail", "connection refused");
    zwt_assert_str(e, "unmapped.xfer.phase", "failed");
    zwt_assert_int(e, "time", 1795784733000LL - 3600000);
    e = zwt_ev(&c, 4); /* a remote configured by name */
    zwt_assert_str(e, "dst_endpoint.ip", "192.0.2.53");
    zwt_assert_int(e, "dst_endpoint.port", 53);
    zwt_assert_str(e, "unmapped.xfer.phase", "started");
    zwt_free(&c);
}
END_TEST

START_TEST(test_malformed)
{
    static const char in[] =
        "2026-11-27T13:05:20+0000 info: [example.test.] AXFR, outgoing, remote "
        "not-an-ip@53, started\n"
        "2026-11-27T13:05:20+0000 info: [example.test.] ACL, maybe, action transfer, "
        "remote 127.0.0.1@1, key none\n"
        "2026-11-27T13:05:20+0000 info: [example.test. AXFR, outgoing\n"
        "2026-11-27T13:05:20+0000 info: [example.test.] AXFR, sideways, remote "
        "127.0.0.1@1, started\n"
        "2026-11-27T13:05:20+0000 info: [example.test.] ACL, denied, action transfer, "
        "remote 127.0.0.1@99999, key none\n";
    zwt_collect c;
    nz_stats s;
    ck_assert_int_eq(zwt_normalize_mem(&c, in, sizeof in - 1, "knot", ZW_OUT_OCSF, REF_MS, &s), 0);
    ck_assert_int_eq(s.events, 0);
    ck_assert_int_eq(s.dead, 5);
    const char *r = zw_jstr(fjson_object_array_get_idx(c.dead, 0), "reason", NULL);
    ck_assert_ptr_nonnull(r);
    ck_assert_msg(strstr(r, "bad remote address") != NULL, "reason: %s", r);
    r = zw_jstr(fjson_object_array_get_idx(c.dead, 2), "reason", NULL);
    ck_assert_msg(r && strstr(r, "unterminated") != NULL, "reason: %s", r);
    zwt_free(&c);

    /* lines of other formats are not Knot's */
    static const char other[] =
        "27-Nov-2026 13:05:20.921 client @0x1 127.0.0.1#1 (x): query: x IN A\n"
        "2026-11-27T13:05:20+0000 ns1 named[1]: info: [x.] AXFR, outgoing\n";
    ck_assert_int_eq(
        zwt_normalize_mem(&c, other, sizeof other - 1, "knot", ZW_OUT_OCSF, REF_MS, &s), 0);
    ck_assert_int_eq(s.events, 0);
    ck_assert_int_eq(s.dead, 2);
    zwt_assert_str(fjson_object_array_get_idx(c.dead, 0), "reason", "not in the requested format");
    zwt_free(&c);
}
END_TEST

START_TEST(test_control)
{
    static const char in[] =
        "2026-11-27T13:05:40+0000 info: control, received command 'conf-set'\n"
        "2026-11-27T13:05:41+0000 info: [Example.test.] control, received command 'zone-purge'\n"
        "Nov 27 13:05:42 ns1 knotd[5]: info: [example.test.] control, received command "
        "'zone-read'\n"
        "2026-11-27T13:05:43+0000 debug: control, invalid command 'bogus'\n";
    zwt_collect c;
    nz_stats s;
    ck_assert_int_eq(zwt_normalize_mem(&c, in, sizeof in - 1, "knot", ZW_OUT_OCSF, REF_MS, &s), 0);
    ck_assert_int_eq(s.events, 3);
    ck_assert_int_eq(s.noise, 1);
    fjson_object *e = zwt_ev(&c, 0);
    zwt_assert_int(e, "class_uid", 6003);
    zwt_assert_int(e, "activity_id", 3);
    zwt_assert_str(e, "api.operation", "conf-set");
    zwt_assert_str(e, "actor.app_name", "knotc");
    zwt_assert_str(e, "unmapped.change.kind", "config");
    zwt_assert_absent(e, "unmapped.zone");
    /* no syslog header: the local socket is named, no host and no address invented */
    zwt_assert_str(e, "src_endpoint.name", "knotc control socket");
    zwt_assert_absent(e, "src_endpoint.hostname");
    zwt_assert_absent(e, "src_endpoint.ip");
    e = zwt_ev(&c, 1);
    zwt_assert_int(e, "activity_id", 4);
    zwt_assert_str(e, "unmapped.zone", "example.test");
    zwt_assert_str(e, "unmapped.change.kind", "zone");
    zwt_assert_str(e, "unmapped.change.action", "DELETE");
    e = zwt_ev(&c, 2); /* reading a whole zone over the control socket */
    zwt_assert_int(e, "activity_id", 2);
    zwt_assert_str(e, "api.operation", "zone-read");
    zwt_assert_str(e, "src_endpoint.hostname", "ns1");
    zwt_assert_str(e, "src_endpoint.name", "knotc control socket");
    zwt_assert_absent(e, "unmapped.change");
    zwt_free(&c);
}
END_TEST

/* A DDNS result whose ACL line (the client) is not in the stream: OCSF needs a
 * src_endpoint, the client is unknown, and the syslog host is the server, not the client. */
START_TEST(test_ddns_without_client)
{
    static const char in[] =
        "Nov 27 13:05:32 ns1 knotd[5]: info: [knot.test.] DDNS, finished, serial 100 -> 101, "
        "0.00 seconds\n";
    zwt_collect c;
    nz_stats s;
    ck_assert_int_eq(zwt_normalize_mem(&c, in, sizeof in - 1, "knot", ZW_OUT_OCSF, REF_MS, &s), 0);
    ck_assert_int_eq(s.events, 1);
    fjson_object *e = zwt_ev(&c, 0);
    zwt_assert_int(e, "class_uid", 6003);
    zwt_assert_str(e, "src_endpoint.name", "DNS UPDATE client, address not logged");
    zwt_assert_absent(e, "src_endpoint.ip");
    zwt_assert_absent(e, "src_endpoint.hostname");
    zwt_assert_str(e, "dst_endpoint.hostname", "ns1");
    zwt_free(&c);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("knot");
    TCase *t = tcase_create("knot");
    tcase_add_test(t, test_real_log);
    tcase_add_test(t, test_ecs);
    tcase_add_test(t, test_syslog_and_ipv6);
    tcase_add_test(t, test_malformed);
    tcase_add_test(t, test_control);
    tcase_add_test(t, test_ddns_without_client);
    suite_add_tcase(s, t);
    return s;
}

ZWT_MAIN(suite)
