/*
 * check_syslog.c - the shared syslog header stripper (normalizer/nz_syslog.c): RFC 3164
 * with and without PRI, host and pid, rsyslog's RFC 3339 variant, RFC 5424 with nil
 * values and structured data, year inference, and lines that are not syslog.
 */
#include "zw_test.h"

#include "../../normalizer/nz_syslog.h"

static zw_time_ctx tc(void)
{
    zw_time_ctx t = {zw_time_civil(2026, 11, 27, 14, 0, 0, 0, 0), 0};
    return t;
}

#define ASSERT_VIEW(v, want)                                                                       \
    do {                                                                                           \
        zw_str v_ = (v);                                                                           \
        ck_assert_msg(v_.n == strlen(want) && (v_.n == 0 || memcmp(v_.p, want, v_.n) == 0),        \
                      "%s: got '%.*s', want '%s'", #v, (int)v_.n, v_.p ? v_.p : "", want);         \
    } while (0)

static int parse(const char *line, nz_syslog *s)
{
    zw_time_ctx t = tc();
    return nz_syslog_parse(line, strlen(line), &t, s);
}

START_TEST(test_3164_full)
{
    nz_syslog s;
    ck_assert_int_eq(parse("<30>Nov 27 13:05:20 ns1 named[1234]: client @0x1 query: x", &s), ZW_OK);
    ck_assert_int_eq(s.kind, NZ_SYSLOG_3164);
    ck_assert_int_eq(s.pri, 30);
    ck_assert_str_eq(nz_syslog_severity_name(s.pri), "info");
    ck_assert_int_eq(s.has_time, 1);
    ck_assert_int_eq(s.time_ms, zw_time_civil(2026, 11, 27, 13, 5, 20, 0, 0));
    ASSERT_VIEW(s.host, "ns1");
    ASSERT_VIEW(s.app, "named");
    ASSERT_VIEW(s.pid, "1234");
    ASSERT_VIEW(s.body, "client @0x1 query: x");
}
END_TEST

START_TEST(test_3164_variants)
{
    nz_syslog s;
    /* no PRI, single-digit day, tag without pid */
    ck_assert_int_eq(parse("Nov  3 01:02:03 host.example named: msg here", &s), ZW_OK);
    ck_assert_int_eq(s.pri, -1);
    ck_assert_int_eq(s.time_ms, zw_time_civil(2026, 11, 3, 1, 2, 3, 0, 0));
    ASSERT_VIEW(s.host, "host.example");
    ASSERT_VIEW(s.app, "named");
    ck_assert_ptr_null(s.pid.p);
    ASSERT_VIEW(s.body, "msg here");
    /* no HOST (local syslog without hostname) */
    ck_assert_int_eq(parse("<29>Dec 30 10:00:00 named[7]: running", &s), ZW_OK);
    ck_assert_ptr_null(s.host.p);
    ASSERT_VIEW(s.app, "named");
    ASSERT_VIEW(s.pid, "7");
    ASSERT_VIEW(s.body, "running");
    /* December seen in late November: last year's */
    ck_assert_int_eq(s.time_ms, zw_time_civil(2025, 12, 30, 10, 0, 0, 0, 0));
    /* host but no tag: body starts after the host */
    ck_assert_int_eq(parse("Nov 27 13:05:20 10.0.0.1 some text", &s), ZW_OK);
    ASSERT_VIEW(s.host, "10.0.0.1");
    ck_assert_ptr_null(s.app.p);
    ASSERT_VIEW(s.body, "some text");
    /* rsyslog high-precision timestamp, zone offset honoured */
    ck_assert_int_eq(parse("2026-11-27T13:05:20.921+01:00 ns2 named[99]: hello", &s), ZW_OK);
    ck_assert_int_eq(s.time_ms, zw_time_civil(2026, 11, 27, 12, 5, 20, 921, 0));
    ASSERT_VIEW(s.host, "ns2");
    ASSERT_VIEW(s.pid, "99");
    ASSERT_VIEW(s.body, "hello");
    /* Infoblox NIOS: double space, host name and address, empty pid, unpadded day */
    ck_assert_int_eq(
        parse("<141>Apr 13 22:14:36  ns1.infoblox.localdomain 10.50.1.227 httpd: x y", &s), ZW_OK);
    ASSERT_VIEW(s.host, "ns1.infoblox.localdomain");
    ASSERT_VIEW(s.app, "httpd");
    ASSERT_VIEW(s.body, "x y");
    ck_assert_int_eq(parse("<29>Mar 21 09:53:51 infoblox.localdomain httpd[]: z", &s), ZW_OK);
    ASSERT_VIEW(s.app, "httpd");
    ck_assert_uint_eq(s.pid.n, 0);
    ASSERT_VIEW(s.body, "z");
    ck_assert_int_eq(parse("<30>Oct 4 10:18:07 a1.foo.com 89.160.20.112 named[10750]: q", &s),
                     ZW_OK);
    ck_assert_int_eq(s.time_ms, zw_time_civil(2026, 10, 4, 10, 18, 7, 0, 0));
    ASSERT_VIEW(s.host, "a1.foo.com");
    ASSERT_VIEW(s.pid, "10750");
    ASSERT_VIEW(s.body, "q");
    /* a second word that is not an address is body, not host */
    ck_assert_int_eq(parse("Nov 27 13:05:20 10.0.0.1 some text: foo", &s), ZW_OK);
    ck_assert_ptr_null(s.app.p);
    ASSERT_VIEW(s.body, "some text: foo");
    /* empty body */
    ck_assert_int_eq(parse("<13>Nov 27 13:05:20 h named[1]:", &s), ZW_OK);
    ck_assert_uint_eq(s.body.n, 0);
}
END_TEST

START_TEST(test_5424)
{
    nz_syslog s;
    ck_assert_int_eq(
        parse("<165>1 2026-11-27T13:05:20.003Z ns1.example named 4321 - - query: a", &s), ZW_OK);
    ck_assert_int_eq(s.kind, NZ_SYSLOG_5424);
    ck_assert_int_eq(s.pri, 165);
    ck_assert_str_eq(nz_syslog_severity_name(s.pri), "notice");
    ck_assert_int_eq(s.time_ms, zw_time_civil(2026, 11, 27, 13, 5, 20, 3, 0));
    ASSERT_VIEW(s.host, "ns1.example");
    ASSERT_VIEW(s.app, "named");
    ASSERT_VIEW(s.pid, "4321");
    ck_assert_ptr_null(s.msgid.p);
    ASSERT_VIEW(s.body, "query: a");
    /* structured data with escaped bracket and quote, nil timestamp, MSGID, BOM */
    ck_assert_int_eq(parse("<14>1 - - app - ID47 [ex@1 a=\"x\\]y\" b=\"q\\\"\"][o@2 c=\"]\"] "
                           "\xef\xbb\xbf"
                           "body",
                           &s),
                     ZW_OK);
    ck_assert_int_eq(s.has_time, 0);
    ck_assert_ptr_null(s.host.p);
    ASSERT_VIEW(s.app, "app");
    ASSERT_VIEW(s.msgid, "ID47");
    ASSERT_VIEW(s.body, "body");
    /* no MSG at all */
    ck_assert_int_eq(parse("<14>1 2026-11-27T13:05:20Z h a 1 m -", &s), ZW_OK);
    ck_assert_uint_eq(s.body.n, 0);
}
END_TEST

START_TEST(test_not_syslog)
{
    nz_syslog s;
    memset(&s, 0x55, sizeof s);
    ck_assert_int_eq(parse("27-Nov-2026 13:05:20.921 queries: info: client", &s), ZW_NOMATCH);
    ck_assert_int_eq(s.kind, 0x55555555); /* untouched */
    ck_assert_int_eq(parse("", &s), ZW_NOMATCH);
    ck_assert_int_eq(parse("<", &s), ZW_NOMATCH);
    ck_assert_int_eq(parse("<999>Nov 27 13:05:20 h a: b", &s), ZW_NOMATCH);
    ck_assert_int_eq(parse("<30>Foo 27 13:05:20 h a: b", &s), ZW_NOMATCH);
    ck_assert_int_eq(parse("<30>Nov 27 13:05:20", &s), ZW_NOMATCH);
    ck_assert_int_eq(parse("<30>1 2026-11-27T13:05:20Z h a", &s), ZW_NOMATCH);
    ck_assert_int_eq(parse("<30>1 2026-11-27T13:05:20Z h a 1 m [unterminated", &s), ZW_NOMATCH);
    ck_assert_int_eq(parse("<30>1 notatime h a 1 m - x", &s), ZW_NOMATCH);
    /* truncated inputs are bounded by n, not by a NUL */
    const char *l = "<30>Nov 27 13:05:20 ns1 named[1]: x";
    zw_time_ctx t = tc();
    for (size_t n = 0; n < 20; n++) {
        ck_assert_int_eq(nz_syslog_parse(l, n, &t, &s), ZW_NOMATCH);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("syslog");
    TCase *tc_ = tcase_create("core");
    tcase_add_test(tc_, test_3164_full);
    tcase_add_test(tc_, test_3164_variants);
    tcase_add_test(tc_, test_5424);
    tcase_add_test(tc_, test_not_syslog);
    suite_add_tcase(s, tc_);
    return s;
}

ZWT_MAIN(suite)
