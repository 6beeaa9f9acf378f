/*
 * check_windns.c - the Windows DNS Server parser (normalizer/nz_parse_windns.c): the
 * Elastic Agent analytical sample in tests/data/windows-dns (4 events in one
 * {"events": [...]} document), hand-made winlogbeat events for the Audit channel (record
 * create / delete, zone setting, server setting, policy), Analytical zone transfers,
 * the classic DNS Server channel's 6001 / 6004, IPv6, noise ids and malformed events.
 */
#include "zw_test.h"

#define REF_MS 1795824000000LL

static void norm(zwt_collect *c, const char *in, int events, int noise, int dead)
{
    nz_stats s;
    ck_assert_int_eq(zwt_normalize_mem(c, in, strlen(in), NULL, ZW_OUT_OCSF, REF_MS, &s), 0);
    ck_assert_int_eq(s.events, events);
    ck_assert_int_eq(s.noise, noise);
    ck_assert_int_eq(s.dead, dead);
}

START_TEST(test_sample)
{
    zwt_collect c;
    nz_stats s;
    ck_assert_int_eq(zwt_normalize_file(&c, "tests/data/windows-dns/analytical-test-events.json",
                                        NULL, ZW_OUT_OCSF, REF_MS, &s),
                     0);
    ck_assert_int_eq(s.records, 1);
    ck_assert_int_eq(s.events, 4);
    ck_assert_int_eq(s.dead, 0);
    /* 257 RESPONSE_SUCCESS to the client at Destination */
    fjson_object *e = zwt_ev(&c, 0);
    zwt_assert_str(e, "unmapped.source_format", "windns");
    zwt_assert_int(e, "class_uid", 4003);
    zwt_assert_int(e, "activity_id", 2);
    zwt_assert_str(e, "metadata.event_code", "257");
    zwt_assert_str(e, "metadata.log_name", "Microsoft-Windows-DNSServer/Analytical");
    zwt_assert_str(e, "metadata.product.name", "Windows DNS Server");
    zwt_assert_str(e, "metadata.product.vendor_name", "Microsoft");
    zwt_assert_str(e, "query.hostname", "google.es");
    zwt_assert_str(e, "query.type", "AAAA");
    zwt_assert_int(e, "query.packet_uid", 7);
    zwt_assert_str(e, "src_endpoint.ip", "216.160.83.56");
    zwt_assert_int(e, "src_endpoint.port", 59560);
    zwt_assert_str(e, "dst_endpoint.ip", "172.31.87.64");
    zwt_assert_str(e, "rcode", "NoError");
    zwt_assert_str(e, "status", "Success");
    zwt_assert_str(e, "connection_info.protocol_name", "udp");
    zwt_assert_int(e, "time", 1713778273894LL);
    zwt_assert_absent(e, "unmapped.zone"); /* "..Cache" is not a zone */
    /* 261 RECURSE_RESPONSE_IN from the upstream at Source */
    e = zwt_ev(&c, 1);
    zwt_assert_str(e, "dst_endpoint.ip", "175.16.199.8");
    zwt_assert_absent(e, "src_endpoint");
    zwt_assert_str(e, "unmapped.dns.flags", "aa");
    /* 256 QUERY_RECEIVED */
    e = zwt_ev(&c, 2);
    zwt_assert_int(e, "activity_id", 1);
    zwt_assert_str(e, "src_endpoint.ip", "67.43.156.1");
    zwt_assert_str(e, "query.type", "A");
    zwt_assert_str(e, "dst_endpoint.hostname", "ec2amaz-253cq8c");
    /* 259 IGNORED_QUERY */
    e = zwt_ev(&c, 3);
    zwt_assert_str(e, "status", "Failure");
    zwt_assert_str(e, "status_detail", "System");
    zwt_assert_str(e, "metadata.log_level", "error");
    zwt_free(&c);
}
END_TEST

#define WL(id, ch, data)                                                                           \
    "{\"@timestamp\":\"2026-11-27T13:05:20.500Z\",\"winlog\":{\"channel\":\"" ch                   \
    "\",\"event_id\":" id ",\"provider_name\":\"Microsoft-Windows-DNSServer\",\"computer_name\":"  \
                          "\"DC01.corp.test\",\"user\":{\"name\":"                                 \
    "\"alice\",\"domain\":\"CORP\",\"identifier\":\"S-1-5-21-1-2-3-1104\"},\"event_data\":{" data  \
    "}}}\n"
#define AUD "Microsoft-Windows-DNSServer/Audit"
#define ANA "Microsoft-Windows-DNSServer/Analytical"

START_TEST(test_audit)
{
    static const char in[] =
        WL("515", AUD,
           "\"Type\":\"1\",\"NAME\":\"WWW.corp.test.\",\"TTL\":\"3600\",\"BufferSize\":\"4\","
           "\"RDATA\":\"0x0A000005\",\"Zone\":\"corp.test\",\"ZoneScope\":\"Default\"")
            WL("516", AUD,
               "\"Type\":\"28\",\"NAME\":\"v6.corp.test.\",\"TTL\":\"60\",\"RDATA\":"
               "\"0x20010DB8000000000000000000000001\",\"Zone\":\"corp.test\"")
                WL("514", AUD,
                   "\"Zone\":\"corp.test\",\"PropertyKey\":\"SecureSecondaries\","
                   "\"NewPropertyValues\":\"0\","
                   "\"OldPropertyValues\":\"1\"")
                    WL("541", AUD,
                       "\"Setting\":\"EnableDnsSec\",\"Scope\":\"Default\",\"NewValue\":\"1\"")
                        WL("513", AUD, "\"Zone\":\"old.corp.test\"") WL(
                            "519", AUD,
                            "\"Type\":\"16\",\"NAME\":\"t.corp.test\",\"TTL\":\"60\",\"RDATA\":"
                            "\"hello\",\"Zone\":"
                            "\"corp.test\",\"Source\":\"2001:db8::44\"")
                            WL("577", AUD, "\"Policy\":\"BlackholePolicy\",\"Action\":\"Ignore\"")
                                WL("520", AUD,
                                   "\"Type\":\"1\",\"NAME\":\"gone.corp.test\",\"Zone\":"
                                   "\"corp.test\"") WL("521", AUD,
                                                       "\"Type\":\"1\",\"NAME\":\"old."
                                                       "corp.test\",\"Zone\":\"corp.test\"")
                                    WL("600", AUD, "\"X\":\"1\"");
    zwt_collect c;
    norm(&c, in, 9, 1, 0);
    fjson_object *e = zwt_ev(&c, 0);
    zwt_assert_int(e, "class_uid", 6003);
    zwt_assert_int(e, "activity_id", 1);
    zwt_assert_str(e, "api.operation", "RECORD_CREATE");
    zwt_assert_str(e, "actor.user.name", "alice");
    zwt_assert_str(e, "actor.user.domain", "CORP");
    zwt_assert_str(e, "actor.user.uid", "S-1-5-21-1-2-3-1104");
    zwt_assert_str(e, "unmapped.zone", "corp.test");
    zwt_assert_str(e, "unmapped.record.name", "www.corp.test");
    zwt_assert_str(e, "unmapped.record.type", "A");
    zwt_assert_int(e, "unmapped.record.ttl", 3600);
    ck_assert_str_eq(fjson_object_get_string(
                         fjson_object_array_get_idx(zw_jget(e, "unmapped.record.values"), 0)),
                     "10.0.0.5");
    zwt_assert_str(e, "unmapped.change.action", "CREATE");
    zwt_assert_str(e, "unmapped.change.kind", "record");
    zwt_assert_str(e, "unmapped.dns.view", "Default");
    zwt_assert_str(e, "metadata.log_name", AUD);
    zwt_assert_str(e, "dst_endpoint.hostname", "dc01.corp.test");
    /* OCSF requires src_endpoint; the Audit event names no caller address: the channel */
    zwt_assert_str(e, "src_endpoint.name", "DNS Server management (RPC)");
    zwt_assert_absent(e, "src_endpoint.ip");
    zwt_assert_int(e, "time", 1795784720500LL);
    zwt_assert_str(fjson_object_array_get_idx(zw_jget(e, "resources"), 0), "name", "www.corp.test");
    e = zwt_ev(&c, 1);
    zwt_assert_int(e, "activity_id", 4);
    zwt_assert_str(e, "unmapped.record.type", "AAAA");
    ck_assert_str_eq(fjson_object_get_string(
                         fjson_object_array_get_idx(zw_jget(e, "unmapped.record.values"), 0)),
                     "2001:db8::1");
    e = zwt_ev(&c, 2); /* zone transfer policy change */
    zwt_assert_int(e, "activity_id", 3);
    zwt_assert_str(e, "unmapped.change.kind", "config");
    zwt_assert_str(e, "unmapped.change.target", "SecureSecondaries");
    zwt_assert_str(e, "message", "SecureSecondaries = 0 (was 1)");
    zwt_assert_str(e, "unmapped.zone", "corp.test");
    e = zwt_ev(&c, 3);
    zwt_assert_str(e, "api.operation", "SERVER_SETTING");
    zwt_assert_str(e, "unmapped.change.target", "EnableDnsSec");
    zwt_assert_absent(e, "unmapped.zone");
    e = zwt_ev(&c, 4);
    zwt_assert_str(e, "api.operation", "ZONE_DELETE");
    zwt_assert_int(e, "activity_id", 4);
    zwt_assert_str(e, "unmapped.change.target", "old.corp.test");
    e = zwt_ev(&c, 5);
    zwt_assert_str(e, "src_endpoint.ip", "2001:db8::44");
    zwt_assert_absent(e, "src_endpoint.name"); /* a logged address needs no channel name */
    zwt_assert_str(e, "actor.app_name", "dynamic update");
    ck_assert_str_eq(fjson_object_get_string(
                         fjson_object_array_get_idx(zw_jget(e, "unmapped.record.values"), 0)),
                     "hello");
    e = zwt_ev(&c, 6);
    zwt_assert_str(e, "unmapped.change.target", "BlackholePolicy");
    e = zwt_ev(&c, 7); /* a dynamic update whose event names no Source */
    zwt_assert_str(e, "actor.app_name", "dynamic update");
    zwt_assert_str(e, "src_endpoint.name", "DNS UPDATE client, address not logged");
    zwt_assert_absent(e, "src_endpoint.ip");
    e = zwt_ev(&c, 8); /* scavenging: the server itself */
    zwt_assert_str(e, "actor.app_name", "scavenging");
    zwt_assert_str(e, "src_endpoint.name", "DNS Server (scavenging)");
    zwt_free(&c);
}
END_TEST

START_TEST(test_transfers)
{
    static const char in[] = WL("270", ANA,
                                "\"TCP\":\"1\",\"Source\":\"192.0.2.66\",\"InterfaceIP\":\"192.0.2."
                                "1\",\"QNAME\":\"corp.test.\","
                                "\"XID\":\"4242\",\"Zone\":\"corp.test\"")
        WL("271", ANA,
           "\"TCP\":\"1\",\"InterfaceIP\":\"192.0.2.1\",\"Destination\":\"192.0.2.66\",\"QNAME\":"
           "\"corp.test.\",\"XID\":\"4242\",\"Zone\":\"corp.test\",\"RCODE\":\"5\"")
            WL("272", ANA,
               "\"TCP\":\"1\",\"InterfaceIP\":\"192.0.2.1\",\"Source\":\"192.0.2.53\",\"QNAME\":"
               "\"corp.test.\","
               "\"RCODE\":\"0\"") WL("273", ANA,
                                     "\"Source\":\"192.0.2.53\",\"InterfaceIP\":\"192.0.2.1\","
                                     "\"QNAME\":\"corp.test.\"")
                WL("279", ANA,
                   "\"QNAME\":\"x.\"") "{\"@timestamp\":\"2026-11-27T13:05:21Z\",\"winlog\":{"
                                       "\"channel\":\"DNS Server\",\"event_id\":6004,"
                                       "\"provider_name\":\"Microsoft-Windows-DNS-Server-Service\","
                                       "\"computer_name\":\"DC01\",\"event_data\":"
                                       "{\"param1\":\"198.51.100.9\",\"param2\":\"secret.corp."
                                       "test\"}}}\n"
                                       "{\"@timestamp\":\"2026-11-27T13:05:22Z\",\"winlog\":{"
                                       "\"channel\":\"DNS Server\",\"event_id\":\"6001\","
                                       "\"provider_name\":\"Microsoft-Windows-DNS-Server-Service\","
                                       "\"event_data\":"
                                       "{\"param1\":\"2024010105\",\"param2\":\"corp.test\","
                                       "\"param3\":\"192.0.2.53\"}}}\n"
                                       "{\"@timestamp\":\"2026-11-27T13:05:23Z\",\"winlog\":{"
                                       "\"channel\":\"DNS Server\",\"event_id\":2,"
                                       "\"provider_name\":\"Microsoft-Windows-DNS-Server-Service\"}"
                                       "}\n";
    zwt_collect c;
    norm(&c, in, 6, 2, 0);
    fjson_object *e = zwt_ev(&c, 0);
    zwt_assert_str(e, "query.type", "AXFR");
    zwt_assert_str(e, "unmapped.xfer.phase", "requested");
    zwt_assert_str(e, "unmapped.xfer.direction", "out");
    zwt_assert_str(e, "src_endpoint.ip", "192.0.2.66");
    zwt_assert_str(e, "dst_endpoint.ip", "192.0.2.1");
    zwt_assert_str(e, "connection_info.protocol_name", "tcp");
    zwt_assert_str(e, "unmapped.zone", "corp.test");
    e = zwt_ev(&c, 1);
    zwt_assert_str(e, "unmapped.xfer.phase", "denied");
    zwt_assert_str(e, "rcode", "Refused");
    zwt_assert_str(e, "status", "Failure");
    zwt_assert_str(e, "src_endpoint.ip", "192.0.2.66");
    e = zwt_ev(&c, 2); /* this server pulled the zone */
    zwt_assert_str(e, "unmapped.xfer.direction", "in");
    zwt_assert_str(e, "unmapped.xfer.phase", "ended");
    zwt_assert_str(e, "dst_endpoint.ip", "192.0.2.53");
    zwt_assert_str(e, "src_endpoint.ip", "192.0.2.1");
    zwt_assert_str(e, "unmapped.zone", "corp.test");
    e = zwt_ev(&c, 3);
    zwt_assert_str(e, "query.opcode", "Notify");
    zwt_assert_str(e, "src_endpoint.ip", "192.0.2.53");
    e = zwt_ev(&c, 4); /* 6004 */
    zwt_assert_str(e, "metadata.log_name", "DNS Server");
    zwt_assert_str(e, "metadata.event_code", "6004");
    zwt_assert_str(e, "src_endpoint.ip", "198.51.100.9");
    zwt_assert_str(e, "unmapped.zone", "secret.corp.test");
    zwt_assert_str(e, "unmapped.xfer.phase", "denied");
    zwt_assert_str(e, "status", "Failure");
    e = zwt_ev(&c, 5); /* 6001 */
    zwt_assert_str(e, "unmapped.xfer.phase", "ended");
    zwt_assert_str(e, "unmapped.xfer.direction", "in");
    zwt_assert_int(e, "unmapped.xfer.serial", 2024010105);
    zwt_assert_str(e, "dst_endpoint.ip", "192.0.2.53");
    zwt_free(&c);
}
END_TEST

START_TEST(test_malformed)
{
    static const char in[] =
        WL("257", ANA,
           "\"Destination\":\"not-an-ip\",\"QNAME\":\"x.\"") "{\"winlog\":{\"channel\":\"" ANA
                                                             "\",\"event_id\":256,\"event_data\":{"
                                                             "\"QNAME\":\"x.\"}}}\n"
                                                             "{\"@timestamp\":\"2026-11-27T13:05:"
                                                             "21Z\",\"winlog\":{\"channel\":\"DNS "
                                                             "Server\",\"event_id\":6004,"
                                                             "\"event_data\":{\"param1\":\"198.51."
                                                             "100.9\"}}}\n"
                                                             "{\"events\":["
                                                             "{\"@timestamp\":\"2026-11-27T13:05:"
                                                             "21Z\",\"winlog\":{\"channel\":\"DNS "
                                                             "Server\","
                                                             "\"event_id\":2}}"
                                                             ",{\"other\":1}]}\n"
                                                             "{\"winlog\":{\"channel\":"
                                                             "\"Security\",\"event_id\":4624}}\n";
    zwt_collect c;
    norm(&c, in, 0, 0, 5);
    const char *want[] = {"not an IP", "no ISO 8601", "names no zone", "element 1",
                          "no known format"};
    for (int i = 0; i < 5; i++) {
        const char *r = zw_jstr(fjson_object_array_get_idx(c.dead, i), "reason", NULL);
        ck_assert_msg(r && strstr(r, want[i]) != NULL, "reason %d: %s", i, r ? r : "(none)");
    }
    zwt_free(&c);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("windns");
    TCase *t = tcase_create("windns");
    tcase_add_test(t, test_sample);
    tcase_add_test(t, test_audit);
    tcase_add_test(t, test_transfers);
    tcase_add_test(t, test_malformed);
    suite_add_tcase(s, t);
    return s;
}

ZWT_MAIN(suite)
