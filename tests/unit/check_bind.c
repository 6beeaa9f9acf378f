/*
 * check_bind.c - the BIND 9 parser (normalizer/nz_parse_bind.c): every line of the
 * real named log in tests/data/dns-servers/bind.log becomes an event with asserted
 * fields or deliberate noise; hand-made lines cover the print-* combinations, syslog
 * wrappers, IPv6 clients, views, TSIG keys, IXFR serials, update-security, rndc
 * commands, 9.16 / 9.20 variants and malformed lines (dead letters with a reason).
 */
#include "zw_test.h"

/* year inference and the clock-less fallback both use this fixed reference */
#define REF_MS 1795824000000LL /* 2026-11-28T00:00:00Z */

static fjson_object *at_line(zwt_collect *c, int64_t line)
{
    int n = fjson_object_array_length(c->events);
    for (int i = 0; i < n; i++) {
        fjson_object *e = fjson_object_array_get_idx(c->events, i);
        int64_t l;
        if ((zw_jint(e, "unmapped.position.line", &l) == 0 ||
             zw_jint(e, "log.file.line", &l) == 0) &&
            l == line) {
            return e;
        }
    }
    return NULL;
}

static void assert_bool(fjson_object *e, const char *path, int want)
{
    fjson_object *v = zw_jget(e, path);
    ck_assert_msg(v && fjson_object_is_type(v, fjson_type_boolean), "%s missing", path);
    ck_assert_int_eq(fjson_object_get_boolean(v) ? 1 : 0, want);
}

static void assert_res0(fjson_object *e, const char *name, const char *type)
{
    fjson_object *r = zw_jget(e, "resources");
    ck_assert_msg(r && fjson_object_array_length(r) >= 1, "resources missing");
    zwt_assert_str(fjson_object_array_get_idx(r, 0), "name", name);
    zwt_assert_str(fjson_object_array_get_idx(r, 0), "type", type);
}

static void assert_list0(fjson_object *e, const char *path, const char *want)
{
    fjson_object *r = zw_jget(e, path);
    ck_assert_msg(r && fjson_object_array_length(r) >= 1, "%s missing", path);
    ck_assert_str_eq(fjson_object_get_string(fjson_object_array_get_idx(r, 0)), want);
}

/* Normalizes text with the bind parser forced; one event or dead letter per line. */
static void run(zwt_collect *c, nz_stats *st, const char *text)
{
    ck_assert_int_eq(zwt_normalize_mem(c, text, strlen(text), "bind", ZW_OUT_OCSF, REF_MS, st), 0);
}

START_TEST(test_bind_log_every_line)
{
    zwt_collect c;
    nz_stats st;
    ck_assert_int_eq(zwt_normalize_file(&c, ZW_TEST_DATA "/dns-servers/bind.log", NULL, ZW_OUT_OCSF,
                                        REF_MS, &st),
                     0);
    /* auto-detection, zero dead letters: every line is an event or deliberate noise */
    ck_assert_int_eq(st.records, 104);
    ck_assert_int_eq(st.dead, 0);
    ck_assert_int_eq(st.events, 62);
    ck_assert_int_eq(st.noise, 42);
    ck_assert_int_eq(st.events + st.noise, st.records);
    static const int noise_lines[] = {1,  2,  3,  4,  7,  9,  10, 36, 47, 58,  64,  69,
                                      70, 71, 74, 80, 84, 87, 95, 96, 97, 100, 102, 104};
    for (size_t i = 0; i < ZW_ARRAY_LEN(noise_lines); i++) {
        ck_assert_msg(at_line(&c, noise_lines[i]) == NULL, "line %d should be noise",
                      noise_lines[i]);
    }

    fjson_object *e;
    /* line 8: the AXFR query from the allowed secondary */
    e = at_line(&c, 8);
    ck_assert_ptr_nonnull(e);
    zwt_assert_int(e, "class_uid", 4003);
    zwt_assert_int(e, "activity_id", 1);
    zwt_assert_int(e, "time", zw_time_civil(2026, 11, 27, 13, 5, 20, 929, 0));
    zwt_assert_str(e, "metadata.product.name", "BIND");
    zwt_assert_str(e, "metadata.product.vendor_name", "ISC");
    zwt_assert_str(e, "metadata.log_name", "queries");
    zwt_assert_str(e, "metadata.log_level", "info");
    zwt_assert_str(e, "metadata.original_time", "27-Nov-2026 13:05:20.929");
    zwt_assert_str(e, "query.hostname", "example.test");
    zwt_assert_str(e, "query.type", "AXFR");
    zwt_assert_str(e, "query.class", "IN");
    zwt_assert_str(e, "query.opcode", "Query");
    zwt_assert_int(e, "query.opcode_id", 0);
    zwt_assert_str(e, "src_endpoint.ip", "127.0.0.2");
    zwt_assert_int(e, "src_endpoint.port", 35935);
    zwt_assert_str(e, "dst_endpoint.ip", "127.0.0.1");
    zwt_assert_str(e, "connection_info.protocol_name", "tcp");
    zwt_assert_int(e, "connection_info.direction_id", 1);
    zwt_assert_str(e, "unmapped.dns.flags", "-E(0)T");
    zwt_assert_int(e, "unmapped.dns.edns_version", 0);
    assert_bool(e, "unmapped.dns.signed", 0);
    zwt_assert_str(e, "unmapped.xfer.kind", "AXFR");
    zwt_assert_str(e, "unmapped.xfer.phase", "requested");
    zwt_assert_str(e, "unmapped.zone", "example.test");
    zwt_assert_str(e, "unmapped.source_format", "bind");

    /* line 13: the allowed AXFR to 127.0.0.2 ended: 20 records, 855 bytes */
    e = at_line(&c, 13);
    zwt_assert_int(e, "class_uid", 4003);
    zwt_assert_int(e, "activity_id", 6);
    zwt_assert_str(e, "metadata.log_name", "xfer-out");
    zwt_assert_str(e, "src_endpoint.ip", "127.0.0.2");
    zwt_assert_int(e, "status_id", 1);
    zwt_assert_str(e, "unmapped.xfer.kind", "AXFR");
    zwt_assert_str(e, "unmapped.xfer.phase", "ended");
    zwt_assert_str(e, "unmapped.xfer.direction", "out");
    zwt_assert_int(e, "unmapped.xfer.records", 20);
    zwt_assert_int(e, "unmapped.xfer.messages", 1);
    zwt_assert_int(e, "unmapped.xfer.bytes", 855);
    zwt_assert_int(e, "traffic.bytes", 855);
    zwt_assert_int(e, "duration", 4);
    zwt_assert_int(e, "unmapped.xfer.serial", 2024010101);
    zwt_assert_str(e, "unmapped.zone", "example.test");
    /* line 12: started */
    e = at_line(&c, 12);
    zwt_assert_str(e, "unmapped.xfer.phase", "started");
    zwt_assert_int(e, "unmapped.xfer.serial", 2024010101);

    /* line 27: the denied AXFR from 127.0.0.1 */
    e = at_line(&c, 27);
    zwt_assert_int(e, "class_uid", 4003);
    zwt_assert_int(e, "activity_id", 2);
    zwt_assert_str(e, "metadata.log_name", "security");
    zwt_assert_str(e, "metadata.log_level", "error");
    zwt_assert_int(e, "severity_id", 3);
    zwt_assert_str(e, "src_endpoint.ip", "127.0.0.1");
    zwt_assert_int(e, "src_endpoint.port", 42429);
    zwt_assert_int(e, "status_id", 2);
    zwt_assert_str(e, "status", "Failure");
    zwt_assert_str(e, "rcode", "Refused");
    zwt_assert_int(e, "rcode_id", 5);
    zwt_assert_str(e, "unmapped.xfer.kind", "AXFR");
    zwt_assert_str(e, "unmapped.xfer.phase", "denied");
    zwt_assert_str(e, "unmapped.zone", "example.test");
    zwt_assert_str(e, "query.type", "AXFR");
    /* line 35: denied IXFR */
    e = at_line(&c, 35);
    zwt_assert_str(e, "unmapped.xfer.kind", "IXFR");
    zwt_assert_int(e, "rcode_id", 5);

    /* line 22: query-errors */
    e = at_line(&c, 22);
    zwt_assert_int(e, "activity_id", 2);
    zwt_assert_str(e, "query.hostname", "www.not-served.invalid");
    zwt_assert_str(e, "query.type", "A");
    zwt_assert_int(e, "rcode_id", 5);
    zwt_assert_int(e, "status_id", 2);

    /* line 32: AXFR for a zone the server does not serve */
    e = at_line(&c, 32);
    zwt_assert_str(e, "rcode", "NotAuth");
    zwt_assert_int(e, "rcode_id", 9);
    zwt_assert_str(e, "unmapped.xfer.phase", "failed");
    zwt_assert_str(e, "unmapped.zone", "nosuchzone.test");
    zwt_assert_str(e, "src_endpoint.ip", "127.0.0.2");

    /* line 42: IXFR with serials */
    e = at_line(&c, 42);
    zwt_assert_str(e, "unmapped.xfer.kind", "IXFR");
    zwt_assert_int(e, "unmapped.xfer.serial_from", 2024010101);
    zwt_assert_int(e, "unmapped.xfer.serial", 2024010102);
    e = at_line(&c, 43);
    zwt_assert_int(e, "unmapped.xfer.records", 6);
    zwt_assert_int(e, "unmapped.xfer.bytes", 254);

    /* line 37/38: signed dynamic update adds */
    e = at_line(&c, 37);
    zwt_assert_int(e, "class_uid", 6003);
    zwt_assert_int(e, "activity_id", 1);
    zwt_assert_str(e, "api.operation", "update.add");
    zwt_assert_str(e, "actor.user.name", "ddns-key");
    zwt_assert_str(e, "unmapped.xfer.tsig_key", "ddns-key");
    zwt_assert_str(e, "src_endpoint.ip", "127.0.0.1");
    zwt_assert_int(e, "src_endpoint.port", 46969);
    zwt_assert_str(e, "unmapped.zone", "example.test");
    zwt_assert_str(e, "unmapped.record.name", "newhost.example.test");
    zwt_assert_str(e, "unmapped.record.type", "A");
    assert_list0(e, "unmapped.record.values", "127.0.10.55");
    zwt_assert_str(e, "unmapped.change.action", "CREATE");
    zwt_assert_str(e, "unmapped.change.kind", "record");
    assert_res0(e, "newhost.example.test", "DNS record");
    zwt_assert_int(e, "status_id", 1);
    e = at_line(&c, 38);
    zwt_assert_str(e, "unmapped.record.type", "TXT");
    assert_list0(e, "unmapped.record.values", "\"added-by-nsupdate\"");
    /* line 48: delete rrset */
    e = at_line(&c, 48);
    zwt_assert_int(e, "activity_id", 4);
    zwt_assert_str(e, "api.operation", "update.delete");
    zwt_assert_str(e, "unmapped.change.action", "DELETE");
    zwt_assert_str(e, "unmapped.record.type", "A");
    zwt_assert_absent(e, "unmapped.record.values");

    /* line 55: unsigned update denied */
    e = at_line(&c, 55);
    zwt_assert_int(e, "class_uid", 6003);
    zwt_assert_int(e, "activity_id", 3);
    zwt_assert_str(e, "api.operation", "update");
    zwt_assert_str(e, "api.response.error", "REFUSED");
    zwt_assert_int(e, "status_id", 2);
    zwt_assert_str(e, "metadata.log_name", "update-security");
    zwt_assert_str(e, "unmapped.zone", "example.test");
    assert_bool(e, "unmapped.dns.signed", 0);
    zwt_assert_absent(e, "actor.user.name");
    zwt_assert_str(e, "actor.app_name", "DNS UPDATE client");

    /* line 56: TSIG failure */
    e = at_line(&c, 56);
    zwt_assert_int(e, "class_uid", 4003);
    zwt_assert_str(e, "unmapped.xfer.tsig_key", "ddns-key");
    zwt_assert_str(e, "rcode", "BADSIG_VERS");
    zwt_assert_int(e, "rcode_id", 16);
    zwt_assert_int(e, "status_id", 2);
    zwt_assert_str(e, "status_detail", "tsig verify failure (BADSIG)");

    /* rndc: addzone (command and confirmation), delzone, reload, reconfig */
    e = at_line(&c, 57);
    zwt_assert_int(e, "class_uid", 6003);
    zwt_assert_int(e, "activity_id", 1);
    zwt_assert_str(e, "api.operation", "addzone");
    zwt_assert_str(e, "actor.app_name", "rndc");
    zwt_assert_str(e, "unmapped.zone", "added.test");
    zwt_assert_str(e, "unmapped.change.kind", "zone");
    zwt_assert_int(e, "status_id", 0);
    e = at_line(&c, 59);
    zwt_assert_str(e, "api.operation", "addzone");
    zwt_assert_int(e, "status_id", 1);
    zwt_assert_str(e, "unmapped.dns.view", "_default");
    e = at_line(&c, 63);
    zwt_assert_int(e, "activity_id", 4);
    zwt_assert_str(e, "api.operation", "delzone");
    zwt_assert_str(e, "unmapped.zone", "added.test");
    e = at_line(&c, 65);
    zwt_assert_int(e, "activity_id", 4);
    zwt_assert_int(e, "status_id", 1);
    e = at_line(&c, 66);
    zwt_assert_str(e, "api.operation", "reload");
    zwt_assert_str(e, "unmapped.zone", "example.test");
    e = at_line(&c, 73);
    zwt_assert_int(e, "activity_id", 3);
    zwt_assert_str(e, "api.operation", "reconfig");
    zwt_assert_str(e, "unmapped.change.kind", "config");
    zwt_assert_absent(e, "unmapped.zone");

    /* xfer-in completed (the "Transfer started." line has no peer: noise) */
    e = at_line(&c, 98);
    zwt_assert_str(e, "unmapped.xfer.direction", "in");
    zwt_assert_str(e, "connection_info.direction", "Outbound");
    zwt_assert_str(e, "unmapped.xfer.phase", "ended");
    zwt_assert_str(e, "dst_endpoint.ip", "127.0.0.1");
    zwt_assert_int(e, "dst_endpoint.port", 5301);
    zwt_assert_int(e, "unmapped.xfer.records", 5);
    zwt_assert_int(e, "unmapped.xfer.serial", 101);

    /* notify in */
    e = at_line(&c, 92);
    zwt_assert_str(e, "query.opcode", "Notify");
    zwt_assert_int(e, "query.opcode_id", 4);
    zwt_assert_str(e, "src_endpoint.ip", "127.0.0.1");
    zwt_assert_int(e, "src_endpoint.port", 60582);
    zwt_assert_str(e, "unmapped.zone", "knot.test");
    e = at_line(&c, 93);
    zwt_assert_int(e, "unmapped.xfer.serial", 101);
    zwt_free(&c);
}
END_TEST

START_TEST(test_bind_log_ecs)
{
    zwt_collect c;
    nz_stats st;
    ck_assert_int_eq(zwt_normalize_file(&c, ZW_TEST_DATA "/dns-servers/bind.log", "bind",
                                        ZW_OUT_ECS, REF_MS, &st),
                     0);
    ck_assert_int_eq(st.dead, 0);
    fjson_object *e = at_line(&c, 27);
    zwt_assert_str(e, "source.ip", "127.0.0.1");
    zwt_assert_str(e, "dns.question.name", "example.test");
    zwt_assert_str(e, "event.outcome", "failure");
    zwt_assert_str(e, "zonewarden.xfer.kind", "AXFR");
    zwt_free(&c);
}
END_TEST

START_TEST(test_print_variants)
{
    zwt_collect c;
    nz_stats st;
    run(&c, &st,
        /* 1: no print-time */
        "queries: info: client @0x1 10.0.0.1#1234 (a.example): query: A.Example. IN A +E(0)D "
        "(10.0.0.2)\n"
        /* 2: print-time only */
        "27-Nov-2026 13:05:20.921 client @0x7f 10.0.0.1#1234 (a.example): query: a.example IN "
        "MX -SE(1)TC (10.0.0.2)\n"
        /* 3: print-time and severity, no category */
        "27-Nov-2026 13:05:20.921 info: client @0x7f 10.0.0.1#1234 (a.example): query: "
        "a.example IN TXT +V (10.0.0.2)\n"
        /* 4: ISO 8601 print-time with zone */
        "2026-11-27T13:05:20.921+01:00 queries: info: client @0x7f 10.0.0.1#1234 "
        "(a.example): query: a.example IN A - (10.0.0.2)\n"
        /* 5: ISO 8601 UTC, category without severity */
        "2026-11-27T13:05:20.921Z security: client @0x7f 10.0.0.9#5555 (z.example): zone "
        "transfer 'z.example/AXFR/IN' denied\n"
        /* 6: debug severity */
        "27-Nov-2026 13:05:20.921 xfer-out: debug 3: client @0x7f 10.0.0.9#5555 (z.example): "
        "transfer of 'z.example/IN': AXFR started (serial 9)\n"
        /* 7: 9.16 AXFR ended without statistics */
        "27-Nov-2026 13:05:20.921 xfer-out: info: client @0x7f 10.0.0.9#5555 (z.example): "
        "transfer of 'z.example/IN': AXFR ended\n"
        /* 8: 9.11 style prefix without @0x */
        "27-Nov-2026 13:05:20.921 queries: info: client 10.0.0.1#1234 (a.example): query: "
        "a.example IN A +ED (10.0.0.2)\n");
    ck_assert_int_eq(st.dead, 0);
    ck_assert_int_eq(st.events, 8);
    fjson_object *e = zwt_ev(&c, 0);
    zwt_assert_str(e, "query.hostname", "a.example");
    zwt_assert_str(e, "unmapped.dns.flags", "+E(0)D");
    zwt_assert_str(e, "metadata.log_name", "queries");
    zwt_assert_absent(e, "metadata.original_time");
    zwt_assert_int(e, "time", REF_MS); /* no clock in the line: the reference time */
    e = zwt_ev(&c, 1);
    zwt_assert_int(e, "time", zw_time_civil(2026, 11, 27, 13, 5, 20, 921, 0));
    zwt_assert_absent(e, "metadata.log_name");
    zwt_assert_absent(e, "metadata.log_level");
    assert_bool(e, "unmapped.dns.signed", 1);
    zwt_assert_int(e, "unmapped.dns.edns_version", 1);
    zwt_assert_str(e, "connection_info.protocol_name", "tcp");
    e = zwt_ev(&c, 2);
    zwt_assert_str(e, "metadata.log_level", "info");
    zwt_assert_absent(e, "unmapped.dns.edns_version");
    e = zwt_ev(&c, 3);
    zwt_assert_int(e, "time", zw_time_civil(2026, 11, 27, 12, 5, 20, 921, 0));
    zwt_assert_str(e, "unmapped.dns.flags", "-");
    e = zwt_ev(&c, 4);
    zwt_assert_int(e, "time", zw_time_civil(2026, 11, 27, 13, 5, 20, 921, 0));
    zwt_assert_str(e, "unmapped.xfer.phase", "denied");
    zwt_assert_absent(e, "metadata.log_level");
    e = zwt_ev(&c, 5);
    zwt_assert_str(e, "metadata.log_level", "debug 3");
    zwt_assert_int(e, "unmapped.xfer.serial", 9);
    e = zwt_ev(&c, 6);
    zwt_assert_str(e, "unmapped.xfer.phase", "ended");
    zwt_assert_absent(e, "unmapped.xfer.records");
    e = zwt_ev(&c, 7);
    zwt_assert_str(e, "src_endpoint.ip", "10.0.0.1");
    zwt_free(&c);
}
END_TEST

START_TEST(test_syslog_wrappers)
{
    zwt_collect c;
    nz_stats st;
    run(&c, &st,
        /* RFC 3164 from the default syslog channel: no print-* */
        "<30>Nov 27 13:05:20 ns1 named[1234]: client @0x7f 10.0.0.1#1234 (a.example): "
        "query: a.example IN AXFR -T (10.0.0.2)\n"
        /* RFC 5424 carrying a print-time: the print-time wins (milliseconds) */
        "<165>1 2026-11-27T13:05:21Z ns2.example named 4321 - - 27-Nov-2026 13:05:20.921 "
        "xfer-out: info: client @0x7f 10.0.0.9#5555/key xfr-key (z.example): transfer of "
        "'z.example/IN': AXFR started: TSIG xfr-key (serial 7)\n"
        /* 3164 without host; local named noise */
        "<29>Nov 27 13:05:22 named[7]: running\n"
        /* rsyslog ISO timestamps */
        "2026-11-27T13:05:23.5+00:00 ns3 named[9]: security: error: client @0x1 "
        "10.9.9.9#53 (x.example): zone transfer 'x.example/IXFR/IN' denied\n");
    ck_assert_int_eq(st.dead, 0);
    ck_assert_int_eq(st.events, 3);
    ck_assert_int_eq(st.noise, 1);
    fjson_object *e = zwt_ev(&c, 0);
    zwt_assert_int(e, "time", zw_time_civil(2026, 11, 27, 13, 5, 20, 0, 0));
    zwt_assert_str(e, "dst_endpoint.hostname", "ns1");
    zwt_assert_str(e, "metadata.log_level", "info");
    zwt_assert_str(e, "unmapped.xfer.kind", "AXFR");
    zwt_assert_absent(e, "metadata.log_name");
    e = zwt_ev(&c, 1);
    zwt_assert_int(e, "time", zw_time_civil(2026, 11, 27, 13, 5, 20, 921, 0));
    zwt_assert_str(e, "dst_endpoint.hostname", "ns2.example");
    zwt_assert_str(e, "unmapped.xfer.tsig_key", "xfr-key");
    assert_bool(e, "unmapped.dns.signed", 1);
    zwt_assert_int(e, "unmapped.xfer.serial", 7);
    zwt_assert_str(e, "metadata.log_name", "xfer-out");
    e = zwt_ev(&c, 2);
    zwt_assert_int(e, "time", zw_time_civil(2026, 11, 27, 13, 5, 23, 500, 0));
    zwt_assert_str(e, "unmapped.xfer.kind", "IXFR");
    zwt_assert_str(e, "dst_endpoint.hostname", "ns3");
    zwt_free(&c);

    /* another daemon's syslog line is not BIND's */
    run(&c, &st, "<30>Nov 27 13:05:20 ns1 pdns_server[12]: AXFR-out zone 'x', client 1.2.3.4\n");
    ck_assert_int_eq(st.dead, 1);
    zwt_assert_str(fjson_object_array_get_idx(c.dead, 0), "reason", "not in the requested format");
    zwt_free(&c);
}
END_TEST

START_TEST(test_ipv6_views_tsig_ixfr)
{
    zwt_collect c;
    nz_stats st;
    run(&c, &st,
        "27-Nov-2026 13:05:20.921 queries: info: client @0x7f 2001:db8::53#53000 (Example.Test): "
        "view external: query: Example.Test IN AXFR -SE(0)TDC (2001:db8::1)\n"
        "27-Nov-2026 13:05:20.921 xfer-out: info: client @0x7f 192.0.2.7#4242/key xfr-key "
        "(example.test): view internal: transfer of 'example.test/IN': IXFR started: TSIG "
        "xfr-key (serial 2024010101 -> 2024010105)\n"
        "27-Nov-2026 13:05:20.921 xfer-out: info: client @0x7f 192.0.2.7#4242/key xfr-key "
        "(example.test): view internal: transfer of 'example.test/IN': AXFR-style IXFR "
        "started: TSIG xfr-key (serial 2024010105)\n"
        "27-Nov-2026 13:05:20.921 xfer-out: debug 1: client @0x7f 192.0.2.7#4242 "
        "(example.test): transfer of 'example.test/IN': IXFR poll up to date\n"
        "27-Nov-2026 13:05:20.921 xfer-out: error: client @0x7f 192.0.2.7#4242 "
        "(example.test): transfer of 'example.test/IN': sending zone data: connection reset\n"
        "27-Nov-2026 13:05:20.921 xfer-in: error: transfer of 'sec.test/IN' from "
        "192.0.2.1#53: failed while receiving responses: REFUSED\n"
        "27-Nov-2026 13:05:20.921 xfer-in: info: transfer of 'sec.test/IN' from "
        "192.0.2.1#53: Transfer status: NOTAUTH\n"
        "27-Nov-2026 13:05:20.921 security: error: client @0x7f fe80::1%eth0#53 (q.test): "
        "query (cache) 'q.test/A/IN' denied\n"
        "27-Nov-2026 13:05:20.921 notify: debug 3: zone example.test/IN/internal: sending "
        "notify to 2001:db8::2#53\n"
        /* debug-level transfer progress is noise, not a failure */
        "27-Nov-2026 13:05:20.921 xfer-out: debug 4: client @0x7f 192.0.2.7#4242 "
        "(example.test): transfer of 'example.test/IN': IXFR version not in journal, falling "
        "back to AXFR\n"
        /* a connection failure is not the REFUSED rcode */
        "27-Nov-2026 13:05:20.921 xfer-in: error: transfer of 'sec.test/IN' from "
        "192.0.2.1#53: failed to connect: connection refused\n");
    ck_assert_int_eq(st.dead, 0);
    ck_assert_int_eq(st.noise, 1);
    ck_assert_int_eq(st.events, 10);
    fjson_object *e = zwt_ev(&c, 0);
    zwt_assert_str(e, "src_endpoint.ip", "2001:db8::53");
    zwt_assert_int(e, "src_endpoint.port", 53000);
    zwt_assert_str(e, "dst_endpoint.ip", "2001:db8::1");
    zwt_assert_str(e, "unmapped.dns.view", "external");
    zwt_assert_str(e, "query.hostname", "example.test");
    zwt_assert_str(e, "unmapped.zone", "example.test");
    assert_bool(e, "unmapped.dns.signed", 1);
    e = zwt_ev(&c, 1);
    zwt_assert_str(e, "unmapped.dns.view", "internal");
    zwt_assert_str(e, "unmapped.xfer.tsig_key", "xfr-key");
    zwt_assert_int(e, "unmapped.xfer.serial_from", 2024010101);
    zwt_assert_int(e, "unmapped.xfer.serial", 2024010105);
    zwt_assert_str(e, "src_endpoint.ip", "192.0.2.7");
    e = zwt_ev(&c, 2);
    zwt_assert_str(e, "unmapped.xfer.kind", "AXFR");
    zwt_assert_str(e, "query.type", "IXFR");
    zwt_assert_absent(e, "unmapped.xfer.serial_from");
    e = zwt_ev(&c, 3);
    zwt_assert_str(e, "unmapped.xfer.phase", "ended");
    zwt_assert_int(e, "unmapped.xfer.records", 0);
    e = zwt_ev(&c, 4);
    zwt_assert_str(e, "unmapped.xfer.phase", "failed");
    zwt_assert_int(e, "status_id", 2);
    zwt_assert_str(e, "status_detail", "sending zone data: connection reset");
    e = zwt_ev(&c, 5);
    zwt_assert_str(e, "unmapped.xfer.direction", "in");
    zwt_assert_str(e, "unmapped.xfer.phase", "failed");
    zwt_assert_int(e, "rcode_id", 5);
    zwt_assert_str(e, "dst_endpoint.ip", "192.0.2.1");
    e = zwt_ev(&c, 6);
    zwt_assert_int(e, "rcode_id", 9);
    e = zwt_ev(&c, 7);
    zwt_assert_str(e, "src_endpoint.ip", "fe80::1%eth0");
    zwt_assert_str(e, "query.hostname", "q.test");
    zwt_assert_str(e, "query.type", "A");
    zwt_assert_int(e, "rcode_id", 5);
    zwt_assert_absent(e, "unmapped.xfer.kind");
    e = zwt_ev(&c, 8);
    zwt_assert_str(e, "query.opcode", "Notify");
    zwt_assert_str(e, "dst_endpoint.ip", "2001:db8::2");
    zwt_assert_int(e, "dst_endpoint.port", 53);
    zwt_assert_str(e, "unmapped.xfer.direction", "out");
    zwt_assert_str(e, "unmapped.dns.view", "internal");
    zwt_assert_str(e, "unmapped.zone", "example.test");
    e = zwt_ev(&c, 9);
    zwt_assert_str(e, "unmapped.xfer.phase", "failed");
    zwt_assert_int(e, "status_id", 2);
    zwt_assert_absent(e, "rcode_id");
    zwt_assert_str(e, "status_detail", "failed to connect: connection refused");
    zwt_free(&c);
}
END_TEST

START_TEST(test_updates)
{
    zwt_collect c;
    nz_stats st;
    run(&c, &st,
        "27-Nov-2026 13:05:20.921 update-security: error: client @0x7f 10.1.1.1#999/key k1: "
        "update 'example.test/IN' denied\n"
        "27-Nov-2026 13:05:20.921 update-security: debug 3: client @0x7f 10.1.1.1#999/key k1: "
        "update 'example.test/IN' approved\n"
        "27-Nov-2026 13:05:20.921 update: info: client @0x7f 10.1.1.1#999: updating zone "
        "'example.test/IN': deleting an RR at www.example.test A\n"
        "27-Nov-2026 13:05:20.921 update: info: client @0x7f 10.1.1.1#999: updating zone "
        "'example.test/IN': delete all rrsets from name 'old.example.test'\n"
        "27-Nov-2026 13:05:20.921 update: info: client @0x7f 10.1.1.1#999: updating zone "
        "'example.test/IN': update unsuccessful: n.example.test/A: 'RRset exists (value "
        "independent)' prerequisite not satisfied (NXRRSET)\n"
        "27-Nov-2026 13:05:20.921 update: debug 3: client @0x7f 10.1.1.1#999: updating zone "
        "'example.test/IN': committing update transaction\n");
    ck_assert_int_eq(st.dead, 0);
    ck_assert_int_eq(st.events, 4);
    ck_assert_int_eq(st.noise, 2);
    fjson_object *e = zwt_ev(&c, 0);
    zwt_assert_int(e, "class_uid", 6003);
    zwt_assert_str(e, "actor.user.name", "k1");
    zwt_assert_int(e, "status_id", 2);
    e = zwt_ev(&c, 1);
    zwt_assert_int(e, "activity_id", 4);
    zwt_assert_str(e, "unmapped.record.name", "www.example.test");
    zwt_assert_str(e, "unmapped.record.type", "A");
    e = zwt_ev(&c, 2);
    zwt_assert_str(e, "unmapped.record.type", "ANY");
    zwt_assert_str(e, "unmapped.record.name", "old.example.test");
    e = zwt_ev(&c, 3);
    zwt_assert_int(e, "activity_id", 3);
    zwt_assert_int(e, "status_id", 2);
    zwt_assert_str(e, "api.response.error", "NXRRSET");
    zwt_free(&c);
}
END_TEST

START_TEST(test_rndc)
{
    zwt_collect c;
    nz_stats st;
    run(&c, &st,
        "27-Nov-2026 13:05:20.921 general: info: received control channel command 'addzone "
        "New.Test IN internal { type primary; file \"new.test.db\"; };'\n"
        "27-Nov-2026 13:05:20.921 general: info: received control channel command 'modzone "
        "new.test { type primary; file \"new2.db\"; allow-transfer { any; }; };'\n"
        "27-Nov-2026 13:05:20.921 general: info: received control channel command 'delzone "
        "-clean new.test'\n"
        "27-Nov-2026 13:05:20.921 general: info: received control channel command 'freeze "
        "example.test'\n"
        "27-Nov-2026 13:05:20.921 general: info: received control channel command 'thaw "
        "example.test'\n"
        "27-Nov-2026 13:05:20.921 general: info: received control channel command 'reconfig'\n"
        "27-Nov-2026 13:05:20.921 general: info: received control channel command 'status'\n"
        "27-Nov-2026 13:05:20.921 general: info: updated zone new.test in view internal via "
        "modzone\n");
    ck_assert_int_eq(st.dead, 0);
    ck_assert_int_eq(st.events, 8);
    static const struct {
        int act;
        const char *op, *zone;
    } want[] = {{1, "addzone", "new.test"},  {3, "modzone", "new.test"},
                {4, "delzone", "new.test"},  {3, "freeze", "example.test"},
                {3, "thaw", "example.test"}, {3, "reconfig", NULL},
                {2, "status", NULL},         {3, "modzone", "new.test"}};
    for (int i = 0; i < 8; i++) {
        fjson_object *e = zwt_ev(&c, i);
        zwt_assert_int(e, "class_uid", 6003);
        zwt_assert_int(e, "activity_id", want[i].act);
        zwt_assert_str(e, "api.operation", want[i].op);
        zwt_assert_str(e, "actor.app_name", "rndc");
        if (i < 7) {
            /* OCSF requires src_endpoint; named logs no rndc client: the channel, no IP */
            zwt_assert_str(e, "src_endpoint.name", "rndc control channel");
            zwt_assert_absent(e, "src_endpoint.ip");
            zwt_assert_absent(e, "src_endpoint.hostname");
        }
        if (want[i].zone) {
            zwt_assert_str(e, "unmapped.zone", want[i].zone);
        } else {
            zwt_assert_absent(e, "unmapped.zone");
        }
    }
    zwt_assert_absent(zwt_ev(&c, 6), "unmapped.change.action");
    zwt_assert_str(zwt_ev(&c, 7), "unmapped.dns.view", "internal");
    zwt_free(&c);
}
END_TEST

/* Regression (lab): an ISO 8601 print-time with neither category nor severity read as a
 * tag-less syslog header with HOST "client", and the line was dead-lettered. */
START_TEST(test_iso_time_without_category)
{
    static const char line[] =
        "2026-11-27T14:09:01.770Z client @0x7f0c5aa21098 127.0.0.3#35855 (example.test): zone "
        "transfer 'example.test/AXFR/IN' denied\n"
        /* a real tag-less header (HOST then the message) still strips the host */
        "2026-11-27T14:09:02.000Z ns1 client @0x7f0c5aa21098 127.0.0.4#35856 (example.test): "
        "zone transfer 'example.test/AXFR/IN' denied\n";
    for (int pass = 0; pass < 2; pass++) {
        zwt_collect c;
        nz_stats st;
        ck_assert_int_eq(zwt_normalize_mem(&c, line, sizeof line - 1, pass ? NULL : "bind",
                                           ZW_OUT_OCSF, REF_MS, &st),
                         0);
        ck_assert_int_eq(st.dead, 0);
        ck_assert_int_eq(st.events, 2);
        fjson_object *e = zwt_ev(&c, 0);
        zwt_assert_str(e, "unmapped.source_format", "bind");
        zwt_assert_int(e, "class_uid", 4003);
        zwt_assert_int(e, "time", zw_time_civil(2026, 11, 27, 14, 9, 1, 770, 0));
        zwt_assert_str(e, "metadata.original_time", "2026-11-27T14:09:01.770Z");
        zwt_assert_str(e, "src_endpoint.ip", "127.0.0.3");
        zwt_assert_int(e, "src_endpoint.port", 35855);
        zwt_assert_str(e, "query.hostname", "example.test");
        zwt_assert_str(e, "query.type", "AXFR");
        zwt_assert_str(e, "status", "Failure");
        zwt_assert_absent(e, "dst_endpoint.hostname"); /* "client" is not a host */
        e = zwt_ev(&c, 1);
        zwt_assert_str(e, "src_endpoint.ip", "127.0.0.4");
        zwt_assert_str(e, "dst_endpoint.hostname", "ns1");
        zwt_free(&c);
    }
}
END_TEST

/* named's operational lines with its ISO print-time and no category (as the lab's BIND
 * writes them): noise, not dead letters, in auto mode and with --format bind.  An ISO
 * stamp alone is not BIND's: a line of another format stays unclaimed. */
START_TEST(test_iso_time_noise)
{
    static const char log[] =
        "2026-11-27T15:20:15.798Z managed-keys-zone: loaded serial 0\n"
        "2026-11-27T15:20:15.798Z zone example.test/IN: loaded serial 2024010102\n"
        /* before any event: the named-looking lines above made the stream named's */
        "2026-11-27T15:20:15.798Z all zones loaded\n"
        "2026-11-27T15:20:15.878Z client @0x7ffb6c032098 127.0.0.5#59466 (www.example.test): "
        "query: www.example.test IN A -E(0)K (127.0.1.1)\n"
        "2026-11-27T15:20:15.798Z all zones loaded\n"
        "2026-11-27T15:20:15.798Z running\n"
        "2026-11-27T15:20:16.054Z stopping command channel on 127.0.1.1#953\n";
    for (int pass = 0; pass < 2; pass++) {
        zwt_collect c;
        nz_stats st;
        ck_assert_int_eq(zwt_normalize_mem(&c, log, sizeof log - 1, pass ? NULL : "bind",
                                           ZW_OUT_OCSF, REF_MS, &st),
                         0);
        ck_assert_int_eq(st.dead, 0);
        ck_assert_int_eq(st.events, 1);
        ck_assert_int_eq(st.noise, 6);
        zwt_assert_str(zwt_ev(&c, 0), "query.hostname", "www.example.test");
        zwt_free(&c);
    }
    /* the first line of a stream, unknown message, not named's start: not BIND's */
    static const char other[] = "2026-11-27T15:20:15.798Z 1.0 something else\n";
    zwt_collect c;
    nz_stats st;
    ck_assert_int_eq(zwt_normalize_mem(&c, other, sizeof other - 1, NULL, ZW_OUT_OCSF, REF_MS, &st),
                     0);
    ck_assert_int_eq(st.noise, 0);
    ck_assert_int_eq(st.dead, 1);
    zwt_free(&c);
}
END_TEST

START_TEST(test_malformed)
{
    static const struct {
        const char *line, *reason;
    } cases[] = {
        {"27-Nov-2026 13:05:20.921 queries: info: client @0x1 10.0.0.1#53 (a): query: a",
         "bind: malformed queries line: query without class and type"},
        {"27-Nov-2026 13:05:20.921 queries: info: client @0x1 10.0.0.1#53 (a): query: a IN A "
         "+Q (1.2.3.4)",
         "bind: malformed queries line: unknown query flag"},
        {"27-Nov-2026 13:05:20.921 xfer-out: info: client @0x1 10.0.0.1#53 (a): transfer of "
         "'a/IN': AXFR started (serial x)",
         "bind: malformed xfer-out line: transfer started without (serial N)"},
        {"27-Nov-2026 13:05:20.921 xfer-out: info: client @0x1 10.0.0.1#53 (a): transfer of "
         "'a/IN': AXFR ended: 1 messages, lots",
         "bind: malformed xfer-out line: transfer ended with unreadable statistics"},
        {"27-Nov-2026 13:05:20.921 queries: info: client nonsense", NULL},
        {"27-Nov-2026 13:05:20.921 security: error: something new happened",
         "bind: unrecognised security message"},
        {"27-Nov-2026 13:05:20.921 update: info: client @0x1 10.0.0.1#53: updating zone "
         "'example.test/IN': adding an RR at 'x",
         "bind: malformed update line: adding an RR without 'name' TYPE"},
        {"27-Nov-2026 13:05:20.921 general: info: received control channel command 'reload",
         "bind: malformed general line: control channel command not quoted"},
        {"27-Nov-2026 13:05:20.921 security: error: client @0x1 10.0.0.1#53 (a): zone transfer "
         "'broken' denied",
         "bind: malformed security line: zone transfer denial without 'zone/type/class'"},
    };
    for (size_t i = 0; i < ZW_ARRAY_LEN(cases); i++) {
        zwt_collect c;
        nz_stats st;
        ck_assert_int_eq(zwt_normalize_mem(&c, cases[i].line, strlen(cases[i].line), NULL,
                                           ZW_OUT_OCSF, REF_MS, &st),
                         0);
        ck_assert_msg(st.dead == 1 && st.events == 0, "case %zu: not dead-lettered", i);
        fjson_object *d = fjson_object_array_get_idx(c.dead, 0);
        const char *reason = zw_jstr(d, "reason", NULL);
        ck_assert_ptr_nonnull(reason);
        if (cases[i].reason) {
            ck_assert_str_eq(reason, cases[i].reason);
        } else {
            ck_assert_msg(strncmp(reason, "bind: malformed queries line", 28) == 0, "%s", reason);
        }
        zwt_assert_str(d, "raw", cases[i].line);
        zwt_free(&c);
    }
}
END_TEST

/* Lines of other servers are not claimed by bind (auto-detection must go on). */
START_TEST(test_not_bind)
{
    static const char *lines[] = {
        "2026-11-27T13:05:20+0100 info: [knot.test.] AXFR, outgoing, remote 127.0.0.2@35000, "
        "started, serial 100",
        "[2026-11-27 13:05:20.123] nsd[123]: info: axfr for knot.test. from 127.0.0.1",
        "Nov 27 13:05:20 pdns_server[12]: AXFR-out zone 'x', client 1.2.3.4",
        "hello world",
        "2026-11-27T13:05:20Z something: else",
    };
    for (size_t i = 0; i < ZW_ARRAY_LEN(lines); i++) {
        zwt_collect c;
        nz_stats st;
        run(&c, &st, lines[i]);
        ck_assert_msg(st.dead == 1, "line %zu claimed", i);
        zwt_assert_str(fjson_object_array_get_idx(c.dead, 0), "reason",
                       "not in the requested format");
        zwt_free(&c);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("bind");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_bind_log_every_line);
    tcase_add_test(tc, test_bind_log_ecs);
    tcase_add_test(tc, test_print_variants);
    tcase_add_test(tc, test_syslog_wrappers);
    tcase_add_test(tc, test_ipv6_views_tsig_ixfr);
    tcase_add_test(tc, test_updates);
    tcase_add_test(tc, test_rndc);
    tcase_add_test(tc, test_iso_time_without_category);
    tcase_add_test(tc, test_iso_time_noise);
    tcase_add_test(tc, test_malformed);
    tcase_add_test(tc, test_not_bind);
    suite_add_tcase(s, tc);
    return s;
}

ZWT_MAIN(suite)
