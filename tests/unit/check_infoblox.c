/*
 * check_infoblox.c - the Infoblox NIOS parser (normalizer/nz_parse_infoblox.c): audit
 * lines (record, zone and configuration changes; WAPI session form; the appliance's
 * audit.log form; authentication noise), the DNS response log, BIND-style named lines
 * with product "Infoblox NIOS", the NIOS syslog header quirks, malformed audit lines,
 * and that a plain BIND log is never labelled Infoblox.  tests/data/infoblox/nios.log was
 * written for this test in the formats NIOS documents (example names, RFC 5737 addresses).
 */
#include "zw_test.h"

#define REF_MS 1795824000000LL /* 2026-11-28T00:00:00Z */

/* tests/data/infoblox/nios.log, one line each:
 *  1: record created in the GUI
 *  2: record modified by an API user with an escaped space in the name
 *  3: record deleted
 *  4: zone created through WAPI with session logging
 *  5: transfer ACL changed on a member: a configuration change
 *  6: a called function
 *  7, 8: authentication lines are noise
 *  9: the DNS response log
 *  10: response log with a view, TCP, refused
 *  11: a BIND-style security line: now Infoblox's, the stream showed Infoblox lines
 *  12: BIND-style update
 *  13: RPZ CEF is noise
 *  14: named operational noise
 *  15: appliance audit.log file form
 */
#define NIOS_LOG ZW_TEST_DATA "/infoblox/nios.log"

static fjson_object *ev_line(zwt_collect *c, int64_t line)
{
    int n = fjson_object_array_length(c->events);
    for (int i = 0; i < n; i++) {
        fjson_object *e = fjson_object_array_get_idx(c->events, i);
        int64_t l;
        if (zw_jint(e, "unmapped.position.line", &l) == 0 && l == line) {
            return e;
        }
    }
    return NULL;
}

static void assert_arr0(fjson_object *e, const char *path, const char *key, const char *want)
{
    fjson_object *a = zw_jget(e, path);
    ck_assert_msg(a && fjson_object_array_length(a) >= 1, "%s missing", path);
    fjson_object *x = fjson_object_array_get_idx(a, 0);
    if (key) {
        zwt_assert_str(x, key, want);
    } else {
        ck_assert_str_eq(fjson_object_get_string(x), want);
    }
}

START_TEST(test_nios_stream)
{
    zwt_collect c;
    nz_stats st;
    ck_assert_int_eq(zwt_normalize_file(&c, NIOS_LOG, NULL, ZW_OUT_OCSF, REF_MS, &st), 0);
    ck_assert_int_eq(st.records, 15);
    ck_assert_int_eq(st.dead, 0);
    ck_assert_int_eq(st.noise, 4);
    ck_assert_int_eq(st.events, 11);
    for (int i = 0; i < 11; i++) {
        zwt_assert_str(zwt_ev(&c, i), "metadata.product.name", "Infoblox NIOS");
        zwt_assert_str(zwt_ev(&c, i), "metadata.product.vendor_name", "Infoblox");
        zwt_assert_str(zwt_ev(&c, i), "unmapped.source_format", "infoblox");
    }
    fjson_object *e = ev_line(&c, 1);
    zwt_assert_int(e, "class_uid", 6003);
    zwt_assert_int(e, "activity_id", 1);
    zwt_assert_int(e, "time", zw_time_civil(2026, 11, 27, 10, 0, 1, 123, 0));
    zwt_assert_str(e, "metadata.log_name", "audit");
    zwt_assert_str(e, "actor.user.name", "admin");
    zwt_assert_str(e, "api.operation", "Created ARecord");
    zwt_assert_str(e, "api.service.name", "NIOS");
    zwt_assert_str(e, "unmapped.record.name", "www.example.test");
    zwt_assert_str(e, "unmapped.record.type", "A");
    assert_arr0(e, "unmapped.record.values", NULL, "192.0.2.80");
    zwt_assert_str(e, "unmapped.dns.view", "default");
    zwt_assert_str(e, "unmapped.change.action", "CREATE");
    zwt_assert_str(e, "unmapped.change.kind", "record");
    assert_arr0(e, "resources", "type", "ARecord");
    assert_arr0(e, "resources", "name", "www.example.test");
    zwt_assert_str(e, "dst_endpoint.hostname", "gm.example.test");
    zwt_assert_int(e, "status_id", 1);
    /* OCSF requires src_endpoint; the audit line names no client: the channel, no IP */
    zwt_assert_str(e, "src_endpoint.name", "NIOS GUI/API");
    zwt_assert_absent(e, "src_endpoint.ip");

    e = ev_line(&c, 2);
    zwt_assert_int(e, "activity_id", 3);
    zwt_assert_str(e, "actor.user.name", "api bot");
    zwt_assert_str(e, "unmapped.record.name", "alias.example.test");
    zwt_assert_str(e, "unmapped.record.type", "CNAME");
    assert_arr0(e, "unmapped.record.values", NULL, "www.example.test");
    zwt_assert_str(e, "unmapped.dns.view", "internal");
    zwt_assert_int(e, "time", zw_time_civil(2026, 11, 27, 10, 0, 2, 500, 0));

    e = ev_line(&c, 3);
    zwt_assert_int(e, "activity_id", 4);
    zwt_assert_str(e, "api.operation", "Deleted HostRecord");
    zwt_assert_str(e, "unmapped.record.type", "HOST");
    zwt_assert_str(e, "unmapped.change.action", "DELETE");

    e = ev_line(&c, 4);
    zwt_assert_int(e, "activity_id", 1);
    zwt_assert_str(e, "actor.user.name", "automation");
    zwt_assert_str(e, "api.operation", "Created AuthZone");
    zwt_assert_str(e, "api.service.name", "WAPI");
    zwt_assert_str(e, "api.version", "v2.12");
    zwt_assert_str(e, "src_endpoint.name", "NIOS WAPI");
    zwt_assert_str(e, "unmapped.zone", "new.example.test");
    zwt_assert_str(e, "unmapped.change.kind", "zone");
    zwt_assert_absent(e, "unmapped.record");

    e = ev_line(&c, 5);
    zwt_assert_int(e, "activity_id", 3);
    zwt_assert_str(e, "unmapped.change.kind", "config");
    zwt_assert_str(e, "unmapped.change.target", "ns1.example.test");
    assert_arr0(e, "resources", "type", "MemberDns");

    e = ev_line(&c, 6);
    zwt_assert_int(e, "activity_id", 99);
    zwt_assert_str(e, "api.operation", "RestartService");
    zwt_assert_str(e, "src_endpoint.name", "NIOS GUI/API");

    ck_assert_ptr_null(ev_line(&c, 7));
    ck_assert_ptr_null(ev_line(&c, 8));

    e = ev_line(&c, 9);
    zwt_assert_int(e, "class_uid", 4003);
    zwt_assert_int(e, "activity_id", 2);
    zwt_assert_int(e, "time", zw_time_civil(2026, 11, 27, 10, 0, 9, 250, 0));
    zwt_assert_str(e, "src_endpoint.ip", "198.51.100.20");
    zwt_assert_int(e, "src_endpoint.port", 53001);
    zwt_assert_str(e, "query.hostname", "www.example.test");
    zwt_assert_str(e, "query.type", "A");
    zwt_assert_int(e, "rcode_id", 0);
    zwt_assert_int(e, "status_id", 1);
    zwt_assert_str(e, "unmapped.dns.flags", "+AED");
    zwt_assert_str(e, "connection_info.protocol_name", "udp");
    zwt_assert_int(e, "connection_info.direction_id", 1);
    fjson_object *ans = zw_jget(e, "answers");
    ck_assert_int_eq(fjson_object_array_length(ans), 2);
    zwt_assert_str(fjson_object_array_get_idx(ans, 1), "rdata", "192.0.2.81");

    e = ev_line(&c, 10);
    zwt_assert_str(e, "src_endpoint.ip", "2001:db8::9");
    zwt_assert_str(e, "unmapped.dns.view", "external");
    zwt_assert_str(e, "connection_info.protocol_name", "tcp");
    zwt_assert_int(e, "rcode_id", 5);
    zwt_assert_int(e, "status_id", 2);
    zwt_assert_str(e, "unmapped.xfer.kind", "AXFR");
    zwt_assert_str(e, "unmapped.xfer.phase", "denied");
    zwt_assert_str(e, "unmapped.zone", "example.test");

    e = ev_line(&c, 11);
    zwt_assert_int(e, "class_uid", 4003);
    zwt_assert_str(e, "unmapped.xfer.phase", "denied");
    zwt_assert_int(e, "rcode_id", 5);
    zwt_assert_str(e, "src_endpoint.ip", "198.51.100.66");
    zwt_assert_str(e, "dst_endpoint.hostname", "ns1.example.test");

    e = ev_line(&c, 12);
    zwt_assert_int(e, "class_uid", 6003);
    zwt_assert_str(e, "api.operation", "update.add");
    zwt_assert_str(e, "actor.user.name", "gm-key");
    zwt_assert_str(e, "unmapped.zone", "example.test");

    ck_assert_ptr_null(ev_line(&c, 13));
    ck_assert_ptr_null(ev_line(&c, 14));

    e = ev_line(&c, 15);
    zwt_assert_int(e, "activity_id", 4);
    zwt_assert_str(e, "unmapped.zone", "old.example.test");
    zwt_assert_int(e, "time", zw_time_civil(2026, 11, 27, 10, 0, 15, 0, 0));
    zwt_free(&c);
}
END_TEST

/* A plain BIND log is never claimed by infoblox, even though it is tried first. */
START_TEST(test_plain_bind_not_claimed)
{
    zwt_collect c;
    nz_stats st;
    ck_assert_int_eq(zwt_normalize_file(&c, ZW_TEST_DATA "/dns-servers/bind.log", NULL, ZW_OUT_OCSF,
                                        REF_MS, &st),
                     0);
    ck_assert_int_eq(st.dead, 0);
    int n = fjson_object_array_length(c.events);
    ck_assert_int_gt(n, 0);
    for (int i = 0; i < n; i++) {
        zwt_assert_str(zwt_ev(&c, i), "unmapped.source_format", "bind");
    }
    zwt_free(&c);
    static const char syslog_bind[] =
        "<30>Nov 27 13:05:20 ns1 named[12]: client @0x1 10.0.0.1#53 (a.test): query: a.test IN "
        "AXFR -T (10.0.0.2)\n<30>Nov 27 13:05:21 ns1 named[12]: running\n";
    ck_assert_int_eq(
        zwt_normalize_mem(&c, syslog_bind, sizeof syslog_bind - 1, NULL, ZW_OUT_OCSF, REF_MS, &st),
        0);
    ck_assert_int_eq(st.events, 1);
    zwt_assert_str(zwt_ev(&c, 0), "metadata.product.name", "BIND");
    zwt_free(&c);
}
END_TEST

START_TEST(test_malformed_audit)
{
    static const struct {
        const char *line, *reason;
    } cases[] = {
        {"<29>Nov 27 10:00:01 192.0.2.10 httpd: 2026-11-27 10:00:01.000Z [admin]: Modified Network",
         "infoblox: audit Modified without object type and name"},
        {"<29>Nov 27 10:00:01 192.0.2.10 httpd: 2026-11-27 10:00:01.000Z [admin]: Called "
         "RestartService",
         "infoblox: audit Called without '- FUNCTION'"},
        {"<29>Nov 27 10:00:01 192.0.2.10 httpd: 2026-11-27 10:00:01.000Z [admin]: Created(POST "
         "v2.9/zone_auth",
         "infoblox: audit action with unterminated (VERB)"},
        {"<30>Nov 27 10:00:09 ns1 named[1]: 27-Nov-2026 10:00:09.250 client 198.51.100.20#53001: "
         "UDP: query: www.example.test response: NOERROR +",
         "infoblox: response line without NAME CLASS TYPE response:"},
    };
    for (size_t i = 0; i < ZW_ARRAY_LEN(cases); i++) {
        zwt_collect c;
        nz_stats st;
        ck_assert_int_eq(zwt_normalize_mem(&c, cases[i].line, strlen(cases[i].line), "infoblox",
                                           ZW_OUT_OCSF, REF_MS, &st),
                         0);
        ck_assert_msg(st.dead == 1, "case %zu not dead-lettered", i);
        zwt_assert_str(fjson_object_array_get_idx(c.dead, 0), "reason", cases[i].reason);
        zwt_free(&c);
    }
    /* --format infoblox: a plain named line is taken (product Infoblox NIOS) */
    {
        zwt_collect c2;
        nz_stats st2;
        static const char plain[] = "<30>Nov 27 13:05:20 ns1 named[12]: client @0x1 "
                                    "10.0.0.1#53 (a.test): query: a.test IN A + (10.0.0.2)\n";
        ck_assert_int_eq(
            zwt_normalize_mem(&c2, plain, sizeof plain - 1, "infoblox", ZW_OUT_OCSF, REF_MS, &st2),
            0);
        ck_assert_int_eq(st2.events, 1);
        zwt_assert_str(zwt_ev(&c2, 0), "metadata.product.name", "Infoblox NIOS");
        zwt_assert_str(zwt_ev(&c2, 0), "query.hostname", "a.test");
        zwt_free(&c2);
    }
    /* not Infoblox at all */
    zwt_collect c;
    nz_stats st;
    static const char other[] = "<30>Nov 27 10:00:09 host sshd[1]: Accepted publickey for x\n";
    ck_assert_int_eq(
        zwt_normalize_mem(&c, other, sizeof other - 1, "infoblox", ZW_OUT_OCSF, REF_MS, &st), 0);
    zwt_assert_str(fjson_object_array_get_idx(c.dead, 0), "reason", "not in the requested format");
    zwt_free(&c);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("infoblox");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_nios_stream);
    tcase_add_test(tc, test_plain_bind_not_claimed);
    tcase_add_test(tc, test_malformed_audit);
    suite_add_tcase(s, tc);
    return s;
}

ZWT_MAIN(suite)
