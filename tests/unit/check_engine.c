/*
 * check_engine.c - the engine's parts: Aho-Corasick (overlapping and nested
 * patterns), case folding, matching on canonical event slots with log-source routing,
 * rules that are true with no leaf (`not x`), and explain output.
 */
#include "../../engine/en_ac.h"
#include "../../engine/en_fold.h"
#include "zw_rules_test.h"
#include "zw_test.h"

typedef struct {
    char got[64][16];
    int n;
} hits;

static int on_hit(void *o, uint32_t pat, size_t end)
{
    hits *h = o;
    snprintf(h->got[h->n++], 16, "%u@%zu", pat, end);
    return 0;
}

START_TEST(test_aho_corasick)
{
    en_ac *a = en_ac_new();
    ck_assert_int_eq(en_ac_add(a, "he", 2), 0);
    ck_assert_int_eq(en_ac_add(a, "she", 3), 1);
    ck_assert_int_eq(en_ac_add(a, "his", 3), 2);
    ck_assert_int_eq(en_ac_add(a, "hers", 4), 3);
    ck_assert_int_eq(en_ac_add(a, "he", 2), 0); /* same bytes, same id */
    ck_assert_int_eq(en_ac_compile(a), 0);
    hits h = {{{0}}, 0};
    en_ac_scan(a, "ushers", 6, on_hit, &h);
    ck_assert_int_eq(h.n, 3);
    ck_assert_str_eq(h.got[0], "1@4"); /* she */
    ck_assert_str_eq(h.got[1], "0@4"); /* he via the dictionary link */
    ck_assert_str_eq(h.got[2], "3@6"); /* hers */
    h.n = 0;
    en_ac_scan(a, "xhisx", 5, on_hit, &h);
    ck_assert_int_eq(h.n, 1);
    ck_assert_str_eq(h.got[0], "2@4");
    ck_assert_uint_eq(en_ac_pattern_len(a, 3), 4);
    en_ac_destroy(a);
}
END_TEST

START_TEST(test_fold)
{
    char out[64];
    const char *in = "ABC \xc3\x84\xc3\x96 \xd0\x96 \xce\xa9 \xc3\x97 \xe2\x80\x93";
    en_fold(in, strlen(in), out);
    ck_assert(memcmp(out, "abc \xc3\xa4\xc3\xb6 \xd0\xb6 \xcf\x89 \xc3\x97 \xe2\x80\x93",
                     strlen(in)) == 0);
}
END_TEST

static const char *det_rule =
    "strategy: {id: DET9002, name: s, techniques: [T1590.002]}\n"
    "analytics:\n"
    "  - id: AN1\n    name: refused axfr\n    severity: high\n"
    "    log_sources: [{data_component: Network Traffic Content, name: bind}]\n"
    "    detection:\n"
    "      sel: {query.type: AXFR, status_id: 2, src_endpoint.port|gte: 1024}\n"
    "      ok: {src_endpoint.ip|cidr: 127.0.0.0/8}\n"
    "      condition: sel and not ok\n"
    "  - id: AN2\n    name: anything but knot\n    severity: low\n"
    "    log_sources: [{data_component: Network Traffic Content, name: knot}]\n"
    "    detection:\n      k: {query.type: NOPE}\n      condition: not k\n";

START_TEST(test_canonical_event_slots)
{
    en_tables *t = zrt_build(det_rule);
    zw_arena *a = zw_arena_new(0);
    zw_event ev;
    zw_event_init(&ev, a);
    zw_ev_set_cstr(&ev, ZW_F_QUERY_TYPE, "axfr");
    zw_ev_set_int(&ev, ZW_F_STATUS_ID, 2);
    zw_ev_set_cstr(&ev, ZW_F_SRC_IP, "203.0.113.5");
    zw_ev_set_int(&ev, ZW_F_SRC_PORT, 40000);
    zw_ev_set_cstr(&ev, ZW_F_U_SOURCE_FORMAT, "bind");
    en_matcher *m = en_matcher_new(t);
    const uint32_t *rules;
    int n = en_match_event(m, &ev, &rules);
    ck_assert_int_eq(n, 1);
    ck_assert_uint_eq(rules[0], 0);
    /* approved peer */
    zw_ev_set_cstr(&ev, ZW_F_SRC_IP, "127.0.0.2");
    ck_assert_int_eq(en_match_event(m, &ev, &rules), 0);
    /* low port fails the numeric comparison */
    zw_ev_set_cstr(&ev, ZW_F_SRC_IP, "203.0.113.5");
    zw_ev_set_int(&ev, ZW_F_SRC_PORT, 53);
    ck_assert_int_eq(en_match_event(m, &ev, &rules), 0);
    /* routing: a knot event runs AN2 (true with no leaf), never AN1 */
    zw_ev_set_int(&ev, ZW_F_SRC_PORT, 40000);
    zw_ev_set_cstr(&ev, ZW_F_U_SOURCE_FORMAT, "knot");
    n = en_match_event(m, &ev, &rules);
    ck_assert_int_eq(n, 1);
    ck_assert_uint_eq(rules[0], 1);
    en_matcher_destroy(m);
    zw_arena_destroy(a);
    en_tables_destroy(t);
}
END_TEST

START_TEST(test_sigma_routing)
{
    /* no field map: a Windows rule runs on raw JSON only, never on normalized events */
    en_tables *t = zrt_build("title: w\nid: w\nlogsource: {product: windows}\n"
                             "detection:\n  s: {Image: x}\n  condition: not s\n");
    ck_assert(zrt_match(t, "{\"query\":{\"type\":\"A\"}}"));
    ck_assert(!zrt_match(t, "{\"unmapped\":{\"source_format\":\"bind\"}}"));
    zw_arena *a = zw_arena_new(0);
    zw_event ev;
    zw_event_init(&ev, a);
    zw_ev_set_cstr(&ev, ZW_F_U_SOURCE_FORMAT, "bind");
    en_matcher *m = en_matcher_new(t);
    const uint32_t *rules;
    ck_assert_int_eq(en_match_event(m, &ev, &rules), 0);
    en_matcher_destroy(m);
    en_tables_destroy(t);
    /* product zonewarden: every event */
    t = zrt_build("title: z\nid: z\nlogsource: {product: zonewarden}\n"
                  "detection:\n  s: {query.type: AXFR}\n  condition: s\n");
    zw_ev_set_cstr(&ev, ZW_F_QUERY_TYPE, "AXFR");
    m = en_matcher_new(t);
    ck_assert_int_eq(en_match_event(m, &ev, &rules), 1);
    en_matcher_destroy(m);
    en_tables_destroy(t);
    zw_arena_destroy(a);
}
END_TEST

/* one matcher, repeated values: the (field, value) memo must give the same answers */
START_TEST(test_value_memo)
{
    en_tables *t = zrt_build("title: m\nid: m\nlogsource: {product: p}\ndetection:\n"
                             "  s: {F|contains: ab, G: x}\n  condition: s\n");
    en_matcher *m = en_matcher_new(t);
    static const struct {
        const char *ev;
        int want;
    } seq[] = {
        {"{\"F\":\"xaby\",\"G\":\"x\"}", 1}, {"{\"F\":\"xaby\",\"G\":\"y\"}", 0},
        {"{\"F\":\"xaby\",\"G\":\"X\"}", 1}, {"{\"F\":[\"q\",\"xaby\"],\"G\":\"x\"}", 1},
        {"{\"F\":\"q\",\"G\":\"x\"}", 0},    {"{\"F\":[\"xaby\",\"q\"],\"G\":\"x\"}", 1},
        {"{\"F\":\"xaby\",\"G\":\"x\"}", 1},
    };
    for (size_t i = 0; i < ZW_ARRAY_LEN(seq); i++) {
        fjson_object *o = fjson_tokener_parse(seq[i].ev);
        const uint32_t *rules;
        ck_assert_msg(en_match_json(m, o, &rules) == seq[i].want, "event %zu: %s", i, seq[i].ev);
        fjson_object_put(o);
    }
    en_matcher_destroy(m);
    en_tables_destroy(t);
}
END_TEST

START_TEST(test_explain)
{
    en_tables *t = zrt_build(det_rule);
    fjson_object *ev =
        fjson_tokener_parse("{\"query\":{\"type\":\"AXFR\"},\"status_id\":2,"
                            "\"src_endpoint\":{\"ip\":\"127.0.0.9\",\"port\":5000}}");
    zw_buf b;
    zw_buf_init(&b);
    ck_assert_int_eq(en_explain_json(t, 0, ev, &b), 0);
    zw_buf_cstr(&b);
    ck_assert_msg(strstr(b.p, "[match] query.type match \"AXFR\"; event: \"AXFR\""), "%s", b.p);
    ck_assert_msg(strstr(b.p, "[match] src_endpoint.ip cidr \"127.0.0.0/8\"; event: \"127.0.0.9\""),
                  "%s", b.p);
    ck_assert_msg(strstr(b.p, "result: no match"), "%s", b.p);
    zw_buf_free(&b);
    fjson_object_put(ev);
    en_tables_destroy(t);
}
END_TEST

START_TEST(test_text_scan_errors)
{
    en_tables *t = zrt_sel("F: a");
    en_matcher *m = en_matcher_new(t);
    const uint32_t *rules;
    static const char *const bad[] = {
        "",           "[1]", "{\"F\":", "{\"F\":\"a\"} x", "{\"F\":\"a\\q\"}", "{\"F\" \"a\"}",
        "{\"F\":tru}"};
    for (size_t i = 0; i < ZW_ARRAY_LEN(bad); i++) {
        ck_assert_msg(en_match_json_text(m, bad[i], strlen(bad[i]), &rules) == ZW_EINVAL, "%s",
                      bad[i]);
    }
    const char *esc = "{\"F\":\"\\u0041\", \"G\":[1,{\"x\":null}]}";
    ck_assert_int_eq(en_match_json_text(m, esc, strlen(esc), &rules), 1);
    en_matcher_destroy(m);
    en_tables_destroy(t);
}
END_TEST

/* A rule over a canonical event's BOOL slot (written "true" / "false"): a mutant that
 * passed "true" with a wrong length to the matcher survived the suites, which matched
 * booleans only in JSON events. */
START_TEST(test_canonical_bool_slot)
{
    en_tables *t = zrt_build("title: b\nid: b0\nlogsource: {product: dns}\ndetection:\n"
                             "  sel:\n    unmapped.dns.signed: true\n"
                             "    unmapped.xfer.data_returned: false\n  condition: sel\n");
    zw_arena *a = zw_arena_new(0);
    zw_event ev;
    zw_event_init(&ev, a);
    en_matcher *m = en_matcher_new(t);
    const uint32_t *rules;
    zw_ev_set_bool(&ev, ZW_F_U_DNS_SIGNED, 1);
    zw_ev_set_bool(&ev, ZW_F_U_XFER_DATA_RETURNED, 0);
    ck_assert_int_eq(en_match_event(m, &ev, &rules), 1);
    zw_ev_set_bool(&ev, ZW_F_U_DNS_SIGNED, 0);
    ck_assert_int_eq(en_match_event(m, &ev, &rules), 0);
    zw_ev_set_bool(&ev, ZW_F_U_DNS_SIGNED, 1);
    zw_ev_set_bool(&ev, ZW_F_U_XFER_DATA_RETURNED, 1);
    ck_assert_int_eq(en_match_event(m, &ev, &rules), 0);
    en_matcher_destroy(m);
    zw_arena_destroy(a);
    en_tables_destroy(t);
}
END_TEST

/* Issue 17 item 6: a regex run stopped by a PCRE2 limit is "no match" but counted, per
 * rule, and never memoised (each run is counted); the limit is configurable. */
START_TEST(test_regex_limit_counted)
{
    en_tables *t = zrt_sel("F|re: '^(?:(a+)+x|a+b)'");
    ck_assert_uint_eq(en_tables_regex_limit(t), EN_REGEX_MATCH_LIMIT_DEFAULT);
    ck_assert_int_eq(en_tables_set_regex_limit(t, 1000), 0);
    ck_assert_uint_eq(en_tables_regex_limit(t), 1000);
    ck_assert(!zrt_match(t, "{\"F\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab\"}"));
    /* zrt_match runs the DOM walk and the text scan: two runs, both stopped */
    ck_assert_uint_eq(en_tables_regex_errors(t), 2);
    ck_assert_uint_eq(en_tables_rule_regex_errors(t, 0), 2);
    ck_assert_uint_eq(en_tables_rule_regex_errors(t, 7), 0);
    ck_assert(zrt_match(t, "{\"F\":\"aab\"}"));
    en_tables_stats st;
    en_tables_get_stats(t, &st);
    ck_assert_uint_eq(st.regex_limit_errors, 2);
    /* 0 restores the default, under which this input completes */
    ck_assert_int_eq(en_tables_set_regex_limit(t, 0), 0);
    ck_assert(zrt_match(t, "{\"F\":\"aaaaaaaaaaaaaaab\"}"));
    ck_assert_uint_eq(en_tables_regex_errors(t), 2);
    en_tables_destroy(t);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("engine");
    TCase *tc = tcase_create("engine");
    tcase_add_test(tc, test_aho_corasick);
    tcase_add_test(tc, test_fold);
    tcase_add_test(tc, test_canonical_event_slots);
    tcase_add_test(tc, test_canonical_bool_slot);
    tcase_add_test(tc, test_sigma_routing);
    tcase_add_test(tc, test_value_memo);
    tcase_add_test(tc, test_text_scan_errors);
    tcase_add_test(tc, test_explain);
    tcase_add_test(tc, test_regex_limit_counted);
    suite_add_tcase(s, tc);
    return s;
}

ZWT_MAIN(suite)
