/*
 * check_zeek.c - the Zeek dns.log parsers (normalizer/nz_parse_zeek.c): every row of
 * Zeek's own dns.log test baselines in tests/data/zeek (TSV, with their headers counted
 * as noise), field values per row, a second #fields header changing the layout
 * mid-stream, JSON rows (epoch and ISO 8601 ts), AXFR rows, IPv6, and malformed rows.
 */
#include "zw_test.h"

#define REF_MS 1795824000000LL /* 2026-11-28T00:00:00Z */
#define D "tests/data/zeek/scripts.base.protocols.dns."

static void run(zwt_collect *c, const char *file, int events, int noise)
{
    nz_stats s;
    ck_assert_int_eq(zwt_normalize_file(c, file, NULL, ZW_OUT_OCSF, REF_MS, &s), 0);
    ck_assert_int_eq(fjson_object_array_length(c->dead), 0);
    ck_assert_int_eq(s.dead, 0);
    ck_assert_int_eq(s.events, events);
    ck_assert_int_eq(s.noise, noise);
    for (int i = 0; i < events; i++) {
        zwt_assert_str(zwt_ev(c, i), "unmapped.source_format", "zeek");
        zwt_assert_int(zwt_ev(c, i), "class_uid", 4003);
        zwt_assert_str(zwt_ev(c, i), "metadata.product.name", "Zeek");
        /* btest masks ts: reference time, original text kept */
        zwt_assert_int(zwt_ev(c, i), "time", REF_MS);
        zwt_assert_str(zwt_ev(c, i), "metadata.original_time", "XXXXXXXXXX.XXXXXX");
    }
}

START_TEST(test_baselines)
{
    zwt_collect c;
    run(&c, D "dynamic-update.dns.log", 2, 10);
    fjson_object *e = zwt_ev(&c, 0);
    zwt_assert_str(e, "query.hostname", "nwin2.stratolab.org");
    zwt_assert_str(e, "query.opcode", "Update");
    zwt_assert_int(e, "query.opcode_id", 5);
    zwt_assert_int(e, "query.packet_uid", 47952);
    zwt_assert_str(e, "rcode", "Refused");
    zwt_assert_int(e, "rcode_id", 5);
    zwt_assert_str(e, "status", "Failure");
    zwt_assert_str(e, "src_endpoint.ip", "192.168.1.106");
    zwt_assert_int(e, "src_endpoint.port", 62763);
    zwt_assert_str(e, "dst_endpoint.ip", "192.168.1.108");
    zwt_assert_int(e, "dst_endpoint.port", 53);
    zwt_assert_str(e, "connection_info.protocol_name", "udp");
    zwt_assert_str(e, "metadata.correlation_uid", "CHhAvVGS1DHFjwGM9");
    zwt_assert_str(e, "unmapped.zone", "nwin2.stratolab.org");
    zwt_assert_int(e, "duration", 104);
    fjson_object *ans = zw_jget(e, "answers");
    ck_assert_int_eq(fjson_object_array_length(ans), 4);
    zwt_assert_str(fjson_object_array_get_idx(ans, 3), "rdata",
                   "add: A nwin2.stratolab.org 192.168.1.106");
    fjson_object *ttls = zw_jget(e, "unmapped.dns.answer_ttls");
    ck_assert_int_eq(fjson_object_array_length(ttls), 4);
    ck_assert_str_eq(fjson_object_get_string(fjson_object_array_get_idx(ttls, 3)), "1200");
    ck_assert_str_eq(fjson_object_get_string(fjson_object_array_get_idx(ttls, 0)), "0");
    e = zwt_ev(&c, 1);
    zwt_assert_str(e, "status", "Success");
    zwt_assert_str(e, "rcode", "NoError");
    zwt_free(&c);

    run(&c, D "notify.dns.log", 3, 10);
    e = zwt_ev(&c, 0);
    zwt_assert_str(e, "query.opcode", "Notify");
    zwt_assert_str(e, "query.type", "SOA");
    zwt_assert_str(e, "query.class", "IN");
    zwt_assert_str(e, "status_detail", "rejected");
    zwt_assert_str(e, "status", "Failure");
    zwt_assert_str(e, "unmapped.zone", "dhcp.lbnl.us");
    zwt_assert_absent(e, "duration");
    e = zwt_ev(&c, 1); /* no question at all */
    zwt_assert_absent(e, "query");
    zwt_assert_str(e, "rcode", "NoError");
    e = zwt_ev(&c, 2); /* no response */
    zwt_assert_int(e, "activity_id", 1);
    zwt_assert_str(e, "query.type", "NXT");
    zwt_assert_absent(e, "rcode");
    zwt_assert_absent(e, "unmapped.zone");
    zwt_free(&c);

    run(&c, D "tkey.dns.log", 1, 10);
    e = zwt_ev(&c, 0);
    zwt_assert_str(e, "query.type", "TKEY");
    zwt_assert_str(e, "connection_info.protocol_name", "tcp");
    zwt_free(&c);

    run(&c, D "binds.dns.log", 1, 10);
    e = zwt_ev(&c, 0);
    zwt_assert_str(e, "query.type", "TYPE65534");
    zwt_assert_str(e, "unmapped.dns.flags", "aa rd ra");
    ck_assert_int_eq(fjson_object_array_length(zw_jget(e, "answers")), 16);
    zwt_free(&c);

    run(&c, D "duplicate-reponses.dns.log", 2, 10);
    e = zwt_ev(&c, 1); /* the duplicate response: name only, no type/class/rtt */
    zwt_assert_str(e, "query.hostname", "www.cmu.edu");
    zwt_assert_absent(e, "query.type");
    zwt_assert_absent(e, "duration");
    zwt_assert_str(zwt_ev(&c, 0), "query.type", "A");
    zwt_assert_str(fjson_object_array_get_idx(zw_jget(zwt_ev(&c, 0), "answers"), 1), "rdata",
                   "RRSIG 5 cmu.edu");
    zwt_free(&c);
}
END_TEST

START_TEST(test_layout_change_and_axfr)
{
    static const char in[] =
        "#separator \\x09\n"
        "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\tqtype_"
        "name\trcode_name\n"
        "1795784733.5\tCa\t2001:db8::9\t4000\t2001:db8::53\t53\ttcp\tExample.Test\tAXFR\tREFUSED\n"
        "#fields\tts\tquery\tqtype\trcode\tid.orig_h\tuid\n"
        "1795784734.25\texample.test\t251\t-\t192.0.2.1\tCb\n"
        "1795784735\texample.test\t252\t0\t192.0.2.1\tCc\n";
    zwt_collect c;
    nz_stats s;
    ck_assert_int_eq(zwt_normalize_mem(&c, in, sizeof in - 1, NULL, ZW_OUT_OCSF, REF_MS, &s), 0);
    ck_assert_int_eq(s.dead, 0);
    ck_assert_int_eq(s.events, 3);
    fjson_object *e = zwt_ev(&c, 0);
    zwt_assert_int(e, "time", 1795784733500LL);
    zwt_assert_str(e, "src_endpoint.ip", "2001:db8::9");
    zwt_assert_str(e, "query.hostname", "example.test");
    zwt_assert_str(e, "unmapped.xfer.kind", "AXFR");
    zwt_assert_str(e, "unmapped.xfer.phase", "denied");
    zwt_assert_str(e, "unmapped.zone", "example.test");
    zwt_assert_str(e, "status", "Failure");
    e = zwt_ev(&c, 1);
    zwt_assert_int(e, "time", 1795784734250LL);
    zwt_assert_str(e, "query.type", "IXFR");
    zwt_assert_str(e, "unmapped.xfer.phase", "requested");
    zwt_assert_str(e, "metadata.correlation_uid", "Cb");
    e = zwt_ev(&c, 2);
    zwt_assert_str(e, "query.type", "AXFR");
    zwt_assert_str(e, "unmapped.xfer.phase", "ended");
    zwt_assert_str(e, "status", "Success");
    zwt_free(&c);
}
END_TEST

START_TEST(test_json)
{
    static const char in[] =
        "{\"ts\":1795784733.305988,\"uid\":\"CHhAvVGS1DHFjwGM9\",\"id.orig_h\":\"192.0.2.7\",\"id."
        "orig_p\":51871,"
        "\"id.resp_h\":\"192.0.2.53\",\"id.resp_p\":53,\"proto\":\"tcp\",\"trans_id\":27571,"
        "\"rtt\":0.002004,"
        "\"query\":\"example.test\",\"qclass\":1,\"qclass_name\":\"C_INTERNET\",\"qtype\":252,"
        "\"qtype_name\":"
        "\"AXFR\",\"rcode\":0,\"rcode_name\":\"NOERROR\",\"AA\":true,\"TC\":false,\"RD\":false,"
        "\"RA\":false,"
        "\"Z\":0,\"answers\":[\"ns1.example.test\",\"192.0.2.10\"],\"TTLs\":[3600.0,300.0],"
        "\"rejected\":false}\n"
        "{\"_path\":\"dns\",\"ts\":\"2026-11-27T13:05:34.123456Z\",\"uid\":\"Cx\",\"id.orig_h\":\":"
        ":1\","
        "\"id.orig_p\":1,\"id.resp_h\":\"::1\",\"id.resp_p\":53,\"query\":\"x.example.test\","
        "\"qtype_name\":\"A\","
        "\"rcode_name\":\"NXDOMAIN\",\"opcode_name\":\"query\"}\n"
        "{\"_path\":\"conn\",\"ts\":1,\"uid\":\"C\",\"id.orig_h\":\"1.2.3.4\"}\n";
    zwt_collect c;
    nz_stats s;
    ck_assert_int_eq(zwt_normalize_mem(&c, in, sizeof in - 1, NULL, ZW_OUT_OCSF, REF_MS, &s), 0);
    ck_assert_int_eq(s.events, 2);
    ck_assert_int_eq(s.dead, 1); /* conn.log is not a DNS log */
    fjson_object *e = zwt_ev(&c, 0);
    zwt_assert_str(e, "unmapped.source_format", "zeek-json");
    zwt_assert_int(e, "time", 1795784733305LL);
    zwt_assert_str(e, "query.type", "AXFR");
    zwt_assert_str(e, "query.class", "IN");
    zwt_assert_int(e, "query.packet_uid", 27571);
    zwt_assert_str(e, "unmapped.xfer.phase", "ended");
    zwt_assert_str(e, "unmapped.zone", "example.test");
    zwt_assert_str(e, "unmapped.dns.flags", "aa");
    zwt_assert_int(e, "duration", 2);
    zwt_assert_str(fjson_object_array_get_idx(zw_jget(e, "answers"), 1), "rdata", "192.0.2.10");
    ck_assert_str_eq(fjson_object_get_string(
                         fjson_object_array_get_idx(zw_jget(e, "unmapped.dns.answer_ttls"), 0)),
                     "3600");
    e = zwt_ev(&c, 1);
    zwt_assert_int(e, "time", 1795784734123LL);
    zwt_assert_str(e, "rcode", "NXDomain");
    zwt_assert_int(e, "rcode_id", 3);
    zwt_assert_str(e, "status", "Failure");
    zwt_assert_str(e, "src_endpoint.ip", "::1");
    zwt_free(&c);
}
END_TEST

START_TEST(test_malformed)
{
    static const char in[] = "#fields\tts\tid.orig_h\tquery\n"
                             "1795784733.5\t192.0.2.1\n"
                             "not-a-time\t192.0.2.1\tx\n"
                             "1795784733.5\tnot-an-ip\tx\n"
                             "#path\tconn\n"
                             "1795784733.5\t192.0.2.1\tx\n"
                             "#fields\tuid\tquery\n";
    zwt_collect c;
    nz_stats s;
    ck_assert_int_eq(zwt_normalize_mem(&c, in, sizeof in - 1, "zeek", ZW_OUT_OCSF, REF_MS, &s), 0);
    ck_assert_int_eq(s.events, 0);
    ck_assert_int_eq(s.dead, 5);
    const char *want[] = {"columns", "ts is not", "not an IP", "not dns.log", "no ts column"};
    for (int i = 0; i < 5; i++) {
        const char *r = zw_jstr(fjson_object_array_get_idx(c.dead, i), "reason", NULL);
        ck_assert_msg(r && strstr(r, want[i]) != NULL, "reason %d: %s", i, r ? r : "(none)");
    }
    zwt_free(&c);
    /* a data row before any header is not recognisable */
    static const char bare[] = "1795784733.5\t192.0.2.1\tx\n";
    ck_assert_int_eq(zwt_normalize_mem(&c, bare, sizeof bare - 1, "zeek", ZW_OUT_OCSF, REF_MS, &s),
                     0);
    ck_assert_int_eq(s.dead, 1);
    zwt_free(&c);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("zeek");
    TCase *t = tcase_create("zeek");
    tcase_add_test(t, test_baselines);
    tcase_add_test(t, test_layout_change_and_axfr);
    tcase_add_test(t, test_json);
    tcase_add_test(t, test_malformed);
    suite_add_tcase(s, t);
    return s;
}

ZWT_MAIN(suite)
