/*
 * check_sigma_modifiers.c - Sigma value semantics, one case per modifier and per
 * corner of the wildcard / escape / type rules.  Each case: a selection item, events
 * that must match, events that must not.
 */
#include "zw_rules_test.h"
#include "zw_test.h"

typedef struct {
    const char *item;
    const char *yes[4];
    const char *no[4];
} mcase;

static const mcase cases[] = {
    /* plain value: exact, case-insensitive */
    {"Image: 'C:\\Windows\\cmd.exe'",
     {"{\"Image\":\"c:\\\\windows\\\\CMD.EXE\"}"},
     {"{\"Image\":\"c:\\\\windows\\\\cmd.exe2\"}", "{}"}},
    /* \* is a literal star; a lone backslash before another char is literal */
    {"F: 'foo\\*bar'", {"{\"F\":\"foo*bar\"}"}, {"{\"F\":\"fooXbar\"}"}},
    /* \\* is a literal backslash then a wildcard */
    {"F: 'C:\\\\*'", {"{\"F\":\"C:\\\\x\\\\y\"}", "{\"F\":\"c:\\\\\"}"}, {"{\"F\":\"C:x\"}"}},
    /* \? literal question mark; ? wildcard one character */
    {"F: 'a\\?b'", {"{\"F\":\"a?b\"}"}, {"{\"F\":\"axb\"}"}},
    {"F: 'a?c'",
     {"{\"F\":\"abc\"}", "{\"F\":\"a\\u00e9c\"}"},
     {"{\"F\":\"ac\"}", "{\"F\":\"abbc\"}"}},
    /* interior wildcard with contains */
    {"F|contains: 'net*user'", {"{\"F\":\"cmd /c NET.exe  USER x\"}"}, {"{\"F\":\"user net\"}"}},
    {"F|startswith: 'abc'", {"{\"F\":\"ABCdef\"}"}, {"{\"F\":\"xabc\"}"}},
    {"F|endswith: '.exe'", {"{\"F\":\"a.EXE\"}"}, {"{\"F\":\"a.exe.txt\"}"}},
    {"F|contains|all: ['a1', 'b2']", {"{\"F\":\"b2 x a1\"}"}, {"{\"F\":\"a1 only\"}"}},
    /* null versus exists */
    {"F: null", {"{}", "{\"F\":null}"}, {"{\"F\":\"x\"}", "{\"F\":\"\"}"}},
    {"F|exists: true", {"{\"F\":\"x\"}", "{\"F\":0}"}, {"{}", "{\"F\":null}"}},
    {"F|exists: false", {"{}"}, {"{\"F\":\"\"}"}},
    /* numbers versus strings */
    {"EventID: 4688", {"{\"EventID\":4688}", "{\"EventID\":\"4688\"}"}, {"{\"EventID\":46880}"}},
    {"F: '42'", {"{\"F\":42}", "{\"F\":\"42\"}"}, {"{\"F\":420}"}},
    {"F|gt: 10", {"{\"F\":11}", "{\"F\":\"10.5\"}"}, {"{\"F\":10}", "{\"F\":\"abc\"}"}},
    {"F|lte: 10", {"{\"F\":10}", "{\"F\":-3}"}, {"{\"F\":11}"}},
    /* arrays: any member */
    {"F: b", {"{\"F\":[\"a\",\"B\"]}", "{\"F\":[{\"x\":1},\"b\"]}"}, {"{\"F\":[\"a\",\"c\"]}"}},
    {"a.b: v",
     {"{\"a\":{\"b\":\"V\"}}", "{\"a\":[{\"b\":\"x\"},{\"b\":\"v\"}]}", "{\"a.b\":\"v\"}"},
     {"{\"a\":{\"c\":\"v\"}}"}},
    /* non-ASCII case folding (Latin-1, Cyrillic, Greek) */
    {"F|contains: '\xc3\x84\xc3\x96\xc3\x9c'",
     {"{\"F\":\"x\xc3\xa4\xc3\xb6\xc3\xbcy\"}"},
     {"{\"F\":\"aou\"}"}},
    {"F: '\xd0\x9f\xd0\xa0\xd0\x98\xd0\x92\xd0\x95\xd0\xa2'",
     {"{\"F\":\"\xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82\"}"},
     {"{\"F\":\"privet\"}"}},
    {"F|contains: '\xce\xa3\xce\x9f\xce\xa6'",
     {"{\"F\":\"\xcf\x83\xce\xbf\xcf\x86\"}"},
     {"{\"F\":\"sof\"}"}},
    /* cased */
    {"F|cased: Foo", {"{\"F\":\"Foo\"}"}, {"{\"F\":\"foo\"}"}},
    {"F|contains|cased: Foo", {"{\"F\":\"xFooy\"}"}, {"{\"F\":\"xfooy\"}"}},
    /* windash: - / en dash, em dash, horizontal bar at the start of a word */
    {"CommandLine|windash|contains: ' -enc '",
     {"{\"CommandLine\":\"powershell /enc AA\"}",
      "{\"CommandLine\":\"powershell \xe2\x80\x93"
      "enc AA\"}",
      "{\"CommandLine\":\"powershell \xe2\x80\x94"
      "enc AA\"}",
      "{\"CommandLine\":\"p \xe2\x80\x95"
      "enc \"}"},
     {"{\"CommandLine\":\"powershell enc AA\"}"}},
    /* regex, case-sensitive by default, i/m/s flags */
    {"F|re: '^ab+c$'", {"{\"F\":\"abbbc\"}"}, {"{\"F\":\"ABC\"}", "{\"F\":\"xabc\"}"}},
    {"F|re|i: 'hello\\s+world'", {"{\"F\":\"say HELLO   World\"}"}, {"{\"F\":\"helloworld\"}"}},
    {"F|re|s: 'a.b'", {"{\"F\":\"a\\nb\"}"}, {"{\"F\":\"ab\"}"}},
    {"F|re|m: '^x$'", {"{\"F\":\"a\\nx\\nb\"}"}, {"{\"F\":\"axb\"}"}},
    /* regression: the digits of a {n,m} quantifier are not a required literal */
    {"F|re: '-k\\s\\w{1,64}(?:\\s?(?:-p|-s))?'",
     {"{\"F\":\"svchost.exe -k netsvcs 1\"}"},
     {"{\"F\":\"svchost.exe -x\"}"}},
    {"F|re: 'ab[]c]{2}xyz'", {"{\"F\":\"ab]cxyz\"}"}, {"{\"F\":\"abxyz\"}"}},
    /* cidr */
    {"ip|cidr: ['10.0.0.0/8', 'fe80::/10']",
     {"{\"ip\":\"10.1.2.3\"}", "{\"ip\":\"fe80::1\"}"},
     {"{\"ip\":\"11.0.0.1\"}", "{\"ip\":\"2001:db8::1\"}", "{\"ip\":\"nonsense\"}"}},
    /* base64 / base64offset / wide */
    {"F|base64: 'abc'", {"{\"F\":\"YWJj\"}"}, {"{\"F\":\"abc\"}"}},
    {"F|base64offset|contains: 'http'",
     {"{\"F\":\"xx aHR0cDovL2V4YW1wbGU= yy\"}", "{\"F\":\"eGh0dHA6Ly8=\"}",
      "{\"F\":\"eHhodHRwOi8v\"}"},
     {"{\"F\":\"http\"}"}},
    {"F|wide|base64offset|contains: 'ping'",
     {"{\"F\":\"cABpAG4AZwA=\"}"},
     {"{\"F\":\"cGluZw==\"}"}},
    /* fieldref */
    {"a|fieldref: b",
     {"{\"a\":\"X\",\"b\":\"x\"}"},
     {"{\"a\":\"x\",\"b\":\"y\"}", "{\"a\":\"x\"}"}},
    /* time parts */
    {"time|hour: 13",
     {"{\"time\":\"2026-11-27T13:05:20Z\"}", "{\"time\":1795784720921}"},
     {"{\"time\":\"2026-11-27T14:05:20Z\"}"}},
    {"time|month: 11",
     {"{\"time\":\"2026-11-27T13:05:20Z\"}"},
     {"{\"time\":\"2026-10-27T13:05:20Z\"}"}},
    /* neq */
    {"F|neq: a", {"{\"F\":\"b\"}", "{}"}, {"{\"F\":\"A\"}"}},
    /* booleans */
    {"F: true", {"{\"F\":true}", "{\"F\":\"true\"}"}, {"{\"F\":false}"}},
};

START_TEST(test_modifier_case)
{
    const mcase *c = &cases[_i];
    en_tables *t = zrt_sel(c->item);
    for (int k = 0; k < 4 && c->yes[k]; k++) {
        ck_assert_msg(zrt_match(t, c->yes[k]), "'%s' must match %s", c->item, c->yes[k]);
    }
    for (int k = 0; k < 4 && c->no[k]; k++) {
        ck_assert_msg(!zrt_match(t, c->no[k]), "'%s' must not match %s", c->item, c->no[k]);
    }
    en_tables_destroy(t);
}
END_TEST

START_TEST(test_keywords)
{
    en_tables *t = zrt_build("title: k\nid: k\nlogsource: {product: x}\ndetection:\n"
                             "  keywords:\n    - 'zone transfer'\n    - 'denied*axfr'\n"
                             "  condition: keywords\n");
    ck_assert(zrt_match(t, "{\"msg\":\"client: ZONE TRANSFER refused\"}"));
    ck_assert(zrt_match(t, "{\"a\":{\"b\":[\"x\",\"DENIED for AXFR\"]}}"));
    ck_assert(!zrt_match(t, "{\"msg\":\"zone xfer\"}"));
    en_tables_destroy(t);
}
END_TEST

START_TEST(test_expand_placeholder)
{
    en_tables *t = zrt_build_tuned("title: e\nid: e\nlogsource: {product: x}\ndetection:\n"
                                   "  sel:\n    ip|expand|cidr: '%admin_nets%'\n"
                                   "    host|expand: '%dc%'\n"
                                   "  condition: sel\n",
                                   ZW_TEST_DATA "/compiler/tuning.yml");
    ck_assert(zrt_match(t, "{\"ip\":\"192.0.2.7\",\"host\":\"DC1\"}"));
    ck_assert(zrt_match(t, "{\"ip\":\"198.51.100.9\",\"host\":\"dc2.corp\"}"));
    ck_assert(!zrt_match(t, "{\"ip\":\"203.0.113.1\",\"host\":\"dc1\"}"));
    en_tables_destroy(t);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("sigma_modifiers");
    TCase *tc = tcase_create("modifiers");
    tcase_add_loop_test(tc, test_modifier_case, 0, (int)ZW_ARRAY_LEN(cases));
    tcase_add_test(tc, test_keywords);
    tcase_add_test(tc, test_expand_placeholder);
    suite_add_tcase(s, tc);
    return s;
}

ZWT_MAIN(suite)
