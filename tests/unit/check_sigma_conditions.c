/*
 * check_sigma_conditions.c - condition expressions (precedence, parentheses,
 * quantifiers over identifier patterns, `them`), selection shapes (list of maps,
 * multi-line condition lists), and Sigma filter documents.
 */
#include "zw_rules_test.h"
#include "zw_test.h"

static en_tables *cond(const char *condition)
{
    char y[2048];
    snprintf(y, sizeof y,
             "title: c\nid: c\nlogsource: {product: x}\ndetection:\n"
             "  a: {A: 1}\n  b: {B: 1}\n  c: {C: 1}\n  sel_x: {X: 1}\n  sel_y: {Y: 1}\n"
             "  _hidden: {H: 1}\n  condition: %s\n",
             condition);
    return zrt_build(y);
}

START_TEST(test_precedence)
{
    /* not > and > or: a or b and c == a or (b and c) */
    en_tables *t = cond("a or b and c");
    ck_assert(zrt_match(t, "{\"A\":1}"));
    ck_assert(!zrt_match(t, "{\"B\":1}"));
    ck_assert(zrt_match(t, "{\"B\":1,\"C\":1}"));
    en_tables_destroy(t);
    t = cond("(a or b) and c");
    ck_assert(!zrt_match(t, "{\"A\":1}"));
    ck_assert(zrt_match(t, "{\"A\":1,\"C\":1}"));
    en_tables_destroy(t);
    t = cond("not a and b");
    ck_assert(zrt_match(t, "{\"B\":1}"));
    ck_assert(!zrt_match(t, "{\"A\":1,\"B\":1}"));
    en_tables_destroy(t);
    t = cond("not (a or b)");
    ck_assert(zrt_match(t, "{}"));
    ck_assert(!zrt_match(t, "{\"B\":1}"));
    en_tables_destroy(t);
}
END_TEST

START_TEST(test_quantifiers)
{
    en_tables *t = cond("1 of sel_*");
    ck_assert(zrt_match(t, "{\"Y\":1}"));
    ck_assert(!zrt_match(t, "{\"A\":1}"));
    en_tables_destroy(t);
    t = cond("all of sel_*");
    ck_assert(!zrt_match(t, "{\"Y\":1}"));
    ck_assert(zrt_match(t, "{\"X\":1,\"Y\":1}"));
    en_tables_destroy(t);
    t = cond("any of sel_* and not 1 of a");
    ck_assert(zrt_match(t, "{\"X\":1}"));
    ck_assert(!zrt_match(t, "{\"X\":1,\"A\":1}"));
    en_tables_destroy(t);
    /* them excludes identifiers starting with _ */
    t = cond("all of them");
    ck_assert(zrt_match(t, "{\"A\":1,\"B\":1,\"C\":1,\"X\":1,\"Y\":1}"));
    en_tables_destroy(t);
    t = cond("1 of them");
    ck_assert(!zrt_match(t, "{\"H\":1}"));
    ck_assert(zrt_match(t, "{\"C\":1}"));
    en_tables_destroy(t);
}
END_TEST

START_TEST(test_selection_shapes)
{
    en_tables *t = zrt_build("title: s\nid: s\nlogsource: {product: x}\ndetection:\n"
                             "  sel:\n    - {A: 1, B: 2}\n    - {C: [3, 4]}\n"
                             "  condition:\n    - sel\n");
    ck_assert(zrt_match(t, "{\"A\":1,\"B\":2}"));
    ck_assert(!zrt_match(t, "{\"A\":1}"));
    ck_assert(zrt_match(t, "{\"C\":4}"));
    en_tables_destroy(t);
}
END_TEST

START_TEST(test_filter_document)
{
    const char *y =
        "title: base\nid: 0e1f0000-0000-4000-8000-000000000001\nname: base_rule\n"
        "logsource: {product: windows, category: process_creation}\n"
        "detection:\n  sel: {Image|endswith: '\\whoami.exe'}\n  condition: sel\n"
        "---\n"
        "title: allow admin\nlogsource: {product: windows, category: process_creation}\n"
        "filter:\n  rules:\n    - 0e1f0000-0000-4000-8000-000000000001\n"
        "  selection:\n    User: 'CORP\\admin'\n  condition: not selection\n";
    en_tables *t = zrt_build(y);
    ck_assert(zrt_match(t, "{\"Image\":\"C:\\\\w\\\\whoami.exe\",\"User\":\"bob\"}"));
    ck_assert(!zrt_match(t, "{\"Image\":\"C:\\\\w\\\\whoami.exe\",\"User\":\"corp\\\\ADMIN\"}"));
    en_tables_destroy(t);
}
END_TEST

START_TEST(test_correlation_parsed)
{
    const char *y = "title: refused\nname: refused\nid: r1\nlogsource: {product: x}\n"
                    "detection:\n  sel: {status: refused}\n  condition: sel\n"
                    "---\n"
                    "title: many refused\nid: c1\ncorrelation:\n  type: value_count\n"
                    "  rules: [refused]\n  group-by: [src_ip]\n  timespan: 10m\n"
                    "  condition:\n    gte: 5\n    field: zone\n";
    dc_compiler *c = dc_compiler_new();
    dc_diags d;
    dc_diags_init(&d);
    dc_compile_text(c, "t.yml", y, strlen(y), &d);
    dc_ruleset *rs = dc_compiler_finish(c, &d);
    ck_assert_int_eq(dc_diags_errors(&d), 0);
    ck_assert_int_eq(rs->ncorrs, 1);
    ck_assert_int_eq(rs->corrs[0].type, DC_CT_VALUE_COUNT);
    ck_assert_int_eq(rs->corrs[0].timespan_ms, 600000);
    ck_assert_str_eq(rs->corrs[0].group_by[0], "src_ip");
    ck_assert_str_eq(rs->corrs[0].field, "zone");
    ck_assert(rs->corrs[0].has_min && rs->corrs[0].min_incl && rs->corrs[0].min == 5);
    /* the referenced rule no longer alerts alone (generate defaults to false) */
    ck_assert_int_eq(rs->rules[0].generate, 0);
    dc_ruleset_free(rs);
    dc_compiler_destroy(c);
    dc_diags_free(&d);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("sigma_conditions");
    TCase *tc = tcase_create("conditions");
    tcase_add_test(tc, test_precedence);
    tcase_add_test(tc, test_quantifiers);
    tcase_add_test(tc, test_selection_shapes);
    tcase_add_test(tc, test_filter_document);
    tcase_add_test(tc, test_correlation_parsed);
    suite_add_tcase(s, tc);
    return s;
}

ZWT_MAIN(suite)
