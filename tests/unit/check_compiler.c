/*
 * check_compiler.c - diagnostics (every error with file:line:col, all of them, keep
 * going), the DET-style format (parameters, tuning overrides, log sources, examples,
 * correlation), and the tables file (round trip, refusal of corrupted, truncated and
 * version-mismatched files).
 */
#include "zw_rules_test.h"
#include "zw_test.h"

static int has_diag(const dc_diags *d, int line, int col, const char *needle)
{
    for (size_t i = 0; i < d->n; i++) {
        if (d->v[i].line == line && (col == 0 || d->v[i].col == col) &&
            strstr(d->v[i].msg, needle)) {
            return 1;
        }
    }
    for (size_t i = 0; i < d->n; i++) {
        fprintf(stderr, "  have %d:%d: %s\n", d->v[i].line, d->v[i].col, d->v[i].msg);
    }
    return 0;
}

START_TEST(test_all_errors_with_positions)
{
    const char *y = "title: bad\n"                   /* 1 */
                    "logsource: {product: x}\n"      /* 2 */
                    "detection:\n"                   /* 3 */
                    "  sel:\n"                       /* 4 */
                    "    F|frobnicate: x\n"          /* 5 */
                    "    G|re: '(unclosed'\n"        /* 6 */
                    "    H|cidr: '10.0.0.0/99'\n"    /* 7 */
                    "  condition: sel and nosuch\n"; /* 8 */
    dc_diags d;
    size_t n = zrt_diags(y, &d);
    ck_assert_uint_ge(n, 3);
    ck_assert(has_diag(&d, 5, 5, "unknown modifier 'frobnicate'"));
    ck_assert(has_diag(&d, 6, 11, "bad regular expression"));
    ck_assert(has_diag(&d, 7, 13, "bad CIDR"));
    for (size_t i = 0; i < d.n; i++) {
        ck_assert_str_eq(d.v[i].file, "bad.yml");
    }
    dc_diags_free(&d);
    /* the condition error is found once the selections compile */
    dc_diags_init(&d);
    n = zrt_diags("title: c\nlogsource: {product: x}\ndetection:\n  sel: {F: 1}\n"
                  "  condition: sel and nosuch\n",
                  &d);
    ck_assert_uint_eq(n, 1);
    ck_assert(has_diag(&d, 5, 22, "unknown search identifier 'nosuch'"));
    dc_diags_free(&d);
}
END_TEST

START_TEST(test_unsupported_named)
{
    dc_diags d;
    zrt_diags("title: agg\nlogsource: {product: x}\ndetection:\n  sel: {F: 1}\n"
              "  condition: sel | count() by host > 5\n",
              &d);
    ck_assert(has_diag(&d, 5, 18, "aggregation"));
    ck_assert_int_eq(d.v[0].kind, DC_DIAG_UNSUPPORTED);
    dc_diags_free(&d);
    zrt_diags("title: p\nlogsource: {product: x}\ndetection:\n  sel: {F|expand: '%nope%'}\n"
              "  condition: sel\n",
              &d);
    ck_assert(has_diag(&d, 4, 19, "placeholder %nope%"));
    dc_diags_free(&d);
    zrt_diags("title: y\ndetection: [unclosed\n", &d);
    ck_assert_uint_eq(dc_diags_errors(&d), 1);
    ck_assert(strstr(d.v[0].msg, "YAML") != NULL);
    ck_assert_int_gt(d.v[0].line, 1);
    dc_diags_free(&d);
}
END_TEST

START_TEST(test_keep_going_counts)
{
    dc_compiler *c = dc_compiler_new();
    dc_diags d;
    dc_diags_init(&d);
    const char *y = "title: ok\nid: ok\nlogsource: {product: x}\ndetection:\n  s: {F: 1}\n"
                    "  condition: s\n---\n"
                    "title: bad\nlogsource: {product: x}\ndetection:\n  s: {F|nope: 1}\n"
                    "  condition: s\n";
    ck_assert_int_eq(dc_compile_text(c, "two.yml", y, strlen(y), &d), 1);
    const dc_stats *st = dc_compiler_stats(c);
    ck_assert_uint_eq(st->documents, 2);
    ck_assert_uint_eq(st->compiled, 1);
    ck_assert_uint_eq(st->skipped, 1);
    dc_ruleset *rs = dc_compiler_finish(c, &d);
    ck_assert_uint_eq(rs->nrules, 1);
    ck_assert_str_eq(rs->rules[0].id, "ok");
    dc_ruleset_free(rs);
    dc_compiler_destroy(c);
    dc_diags_free(&d);
}
END_TEST

static dc_ruleset *compile_det(const char *tuning)
{
    dc_compiler *c = dc_compiler_new();
    dc_diags d;
    dc_diags_init(&d);
    if (tuning) {
        ck_assert_int_eq(dc_compiler_tuning(c, tuning, &d), 0);
    }
    ck_assert_int_eq(dc_compile_path(c, ZW_TEST_DATA "/compiler/det_sample.yml", &d), 0);
    dc_ruleset *rs = dc_compiler_finish(c, &d);
    ck_assert_uint_eq(dc_diags_errors(&d), 0);
    dc_compiler_destroy(c);
    dc_diags_free(&d);
    return rs;
}

START_TEST(test_det_format)
{
    dc_ruleset *rs = compile_det(NULL);
    ck_assert_uint_eq(rs->nrules, 1);
    const dc_rule *r = &rs->rules[0];
    ck_assert_str_eq(r->id, "AN9001");
    ck_assert_str_eq(r->strategy_id, "DET9001");
    ck_assert_str_eq(r->service, "bind");
    ck_assert_str_eq(r->tags[0], "T1590.002");
    ck_assert_int_eq(r->severity, 4);
    ck_assert_uint_eq(rs->nexamples, 4);
    ck_assert_uint_eq(rs->ncorrs, 1);
    ck_assert_int_eq(rs->corrs[0].timespan_ms, 600000);
    ck_assert(rs->corrs[0].min == 5);
    en_tables *t;
    char err[200];
    ck_assert_int_eq(en_tables_new(rs, &t, err, sizeof err), 0);
    /* default parameter: 192.0.2.53 approved */
#define EV "{\"query\":{\"type\":\"AXFR\"},\"status_id\":2,\"src_endpoint\":{\"ip\":\"%s\"}}"
    char b[300];
    snprintf(b, sizeof b, EV, "192.0.2.53");
    ck_assert(!zrt_match(t, b));
    snprintf(b, sizeof b, EV, "127.0.0.2");
    ck_assert(zrt_match(t, b));
    en_tables_destroy(t);
    /* tuning: AllowedSecondaries = 127.0.0.2, DET9001.Threshold = 3 */
    rs = compile_det(ZW_TEST_DATA "/compiler/tuning.yml");
    ck_assert(rs->corrs[0].min == 3);
    ck_assert_int_eq(en_tables_new(rs, &t, err, sizeof err), 0);
    ck_assert(!zrt_match(t, b));
    snprintf(b, sizeof b, EV, "192.0.2.53");
    ck_assert(zrt_match(t, b));
    en_tables_destroy(t);
}
END_TEST

START_TEST(test_det_errors)
{
    dc_diags d;
    zrt_diags("strategy: {id: X1, name: n, techniques: [bogus]}\n"
              "parameters:\n  P: {type: duration, default: soon}\n"
              "analytics:\n  - id: AN1\n    name: a\n    severity: extreme\n",
              &d);
    ck_assert(has_diag(&d, 1, 0, "DET0001"));
    ck_assert(has_diag(&d, 1, 0, "technique 'bogus'"));
    ck_assert(has_diag(&d, 3, 0, "not a duration"));
    ck_assert(has_diag(&d, 7, 0, "needs severity"));
    dc_diags_free(&d);
}
END_TEST

/* Issue 18: DET and Sigma share one correlation-condition parser, which checks its
 * numbers (DET used an unchecked strtod: `gte: five` meant 0). */
static size_t det_corr_diags(const char *cond, dc_diags *d)
{
    char y[1200];
    snprintf(y, sizeof y,
             "strategy: {id: DET9100, name: n, techniques: [T1590.002]}\n" /* 1 */
             "analytics:\n"                                                /* 2 */
             "  - id: AN9100\n"                                            /* 3 */
             "    name: a\n"                                               /* 4 */
             "    severity: high\n"                                        /* 5 */
             "    log_sources: [{data_component: x, name: bind}]\n"        /* 6 */
             "    detection: {sel: {query.type: AXFR}, condition: sel}\n"  /* 7 */
             "  - id: AN9101\n"                                            /* 8 */
             "    name: b\n"                                               /* 9 */
             "    severity: high\n"                                        /* 10 */
             "    log_sources: [{data_component: x, name: bind}]\n"        /* 11 */
             "    correlation:\n"                                          /* 12 */
             "      type: event_count\n"                                   /* 13 */
             "      rules: [AN9100]\n"                                     /* 14 */
             "      timespan: 10m\n"                                       /* 15 */
             "      condition: %s\n",                                      /* 16 */
             cond);
    return zrt_diags(y, d);
}

START_TEST(test_det_corr_condition_checked)
{
    dc_diags d;
    ck_assert_uint_eq(det_corr_diags("{gte: 5}", &d), 0);
    dc_diags_free(&d);
    ck_assert_uint_ge(det_corr_diags("{gte: five}", &d), 1);
    ck_assert(has_diag(&d, 16, 0, "needs a number"));
    dc_diags_free(&d);
    ck_assert_uint_ge(det_corr_diags("{gte: [3]}", &d), 1);
    ck_assert(has_diag(&d, 16, 0, "needs a number"));
    dc_diags_free(&d);
    ck_assert_uint_ge(det_corr_diags("{gte: -5}", &d), 1);
    ck_assert(has_diag(&d, 16, 0, "negative"));
    dc_diags_free(&d);
    ck_assert_uint_ge(det_corr_diags("{above: 5}", &d), 1);
    ck_assert(has_diag(&d, 16, 0, "unknown correlation condition 'above'"));
    dc_diags_free(&d);
    /* the same checks on the Sigma side */
    ck_assert_uint_ge(zrt_diags("title: c\nname: c\ncorrelation:\n  type: event_count\n"
                                "  rules: [x]\n  timespan: 1m\n  condition: {gte: -5}\n",
                                &d),
                      1);
    ck_assert(has_diag(&d, 7, 0, "negative"));
    dc_diags_free(&d);
}
END_TEST

static dc_ruleset *sample_rules(void)
{
    dc_compiler *c = dc_compiler_new();
    dc_diags d;
    dc_diags_init(&d);
    const char *y = "title: a\nid: a\nlogsource: {product: x}\ndetection:\n"
                    "  s: {F|contains: ab, G|re: '^x+$', ip|cidr: 10.0.0.0/8}\n  condition: s\n";
    dc_compile_text(c, "a.yml", y, strlen(y), &d);
    dc_compile_path(c, ZW_TEST_DATA "/compiler/det_sample.yml", &d);
    dc_ruleset *rs = dc_compiler_finish(c, &d);
    ck_assert_uint_eq(dc_diags_errors(&d), 0);
    dc_compiler_destroy(c);
    dc_diags_free(&d);
    return rs;
}

START_TEST(test_tables_round_trip)
{
    dc_ruleset *rs = sample_rules();
    char *p;
    size_t n;
    ck_assert_int_eq(dc_ir_serialize(rs, &p, &n), 0);
    dc_ruleset *back;
    char err[300];
    ck_assert_int_eq(dc_ir_deserialize(p, n, &back, err, sizeof err), 0);
    ck_assert_uint_eq(back->nrules, rs->nrules);
    ck_assert_uint_eq(back->nleaves, rs->nleaves);
    ck_assert_uint_eq(back->ncorrs, rs->ncorrs);
    ck_assert_str_eq(back->rules[1].strategy_id, "DET9001");
    ck_assert_str_eq(back->corrs[0].field, "query.hostname");
    /* the same bytes again: serialisation is deterministic */
    char *p2;
    size_t n2;
    ck_assert_int_eq(dc_ir_serialize(back, &p2, &n2), 0);
    ck_assert_uint_eq(n, n2);
    ck_assert(memcmp(p, p2, n) == 0);
    free(p2);
    en_tables *t;
    ck_assert_int_eq(en_tables_new(back, &t, err, sizeof err), 0);
    ck_assert(zrt_match(t, "{\"F\":\"xABy\",\"G\":\"xxx\",\"ip\":\"10.9.9.9\"}"));
    ck_assert(!zrt_match(t, "{\"F\":\"xABy\",\"G\":\"xxy\",\"ip\":\"10.9.9.9\"}"));
    en_tables_destroy(t);
    /* through a file */
    const char *path = "build/check_compiler.zwt";
    ck_assert_int_eq(dc_ir_write(rs, path, err, sizeof err), 0);
    ck_assert_int_eq(dc_ir_read(path, &back, err, sizeof err), 0);
    ck_assert_uint_eq(back->nrules, 2);
    dc_ruleset_free(back);
    /* corrupted body byte */
    p[n - 5] ^= 0x40;
    ck_assert_int_eq(dc_ir_deserialize(p, n, &back, err, sizeof err), ZW_EINVAL);
    ck_assert_msg(strstr(err, "corrupted") && strstr(err, "checksum"), "%s", err);
    p[n - 5] ^= 0x40;
    /* truncated */
    ck_assert_int_eq(dc_ir_deserialize(p, n - 3, &back, err, sizeof err), ZW_EINVAL);
    ck_assert_msg(strstr(err, "truncated") != NULL, "%s", err);
    /* other version */
    p[8] = 99;
    ck_assert_int_eq(dc_ir_deserialize(p, n, &back, err, sizeof err), ZW_EINVAL);
    ck_assert_msg(strstr(err, "version 99") && strstr(err, "recompile"), "%s", err);
    p[8] = (char)DC_TABLES_VERSION;
    /* foreign file */
    ck_assert_int_eq(dc_ir_deserialize("{\"json\":1}", 10, &back, err, sizeof err), ZW_EINVAL);
    ck_assert_msg(strstr(err, "not a zonewarden tables file") != NULL, "%s", err);
    free(p);
    dc_ruleset_free(rs);
}
END_TEST

START_TEST(test_sigma_corpus_sample)
{
    /* a few real SigmaHQ-style constructs in one file */
    const char *y =
        "title: Suspicious Encoded PowerShell\nid: e1\nstatus: test\n"
        "logsource: {category: process_creation, product: windows}\n"
        "detection:\n  selection_img:\n    - Image|endswith: '\\powershell.exe'\n"
        "    - OriginalFileName: 'PowerShell.EXE'\n"
        "  selection_cli:\n    CommandLine|windash|contains: ' -e '\n"
        "  filter_optional_x:\n    ParentImage|startswith: 'C:\\Program Files\\'\n"
        "  condition: all of selection_* and not 1 of filter_optional_*\nlevel: medium\n";
    en_tables *t = zrt_build(y);
    ck_assert(zrt_match(
        t, "{\"Image\":\"C:\\\\x\\\\PowerShell.exe\",\"CommandLine\":\"powershell /e AA\"}"));
    ck_assert(
        zrt_match(t, "{\"OriginalFileName\":\"powershell.exe\",\"CommandLine\":\"p -e AA\"}"));
    ck_assert(!zrt_match(t, "{\"Image\":\"C:\\\\x\\\\PowerShell.exe\",\"CommandLine\":\"p -e A\","
                            "\"ParentImage\":\"C:\\\\Program Files\\\\a.exe\"}"));
    en_tables_destroy(t);
}
END_TEST

START_TEST(test_explain_mode_selections)
{
    dc_compiler *c = dc_compiler_new();
    dc_diags d;
    dc_diags_init(&d);
    dc_compiler_explain_mode(c, 1);
    const char *y = "title: x\nid: x1\nlogsource: {product: p}\ndetection:\n  sel: {A: 1}\n"
                    "  filter: {B: 2}\n  condition: sel and not filter\n";
    dc_compile_text(c, "x.yml", y, strlen(y), &d);
    dc_ruleset *rs = dc_compiler_finish(c, &d);
    ck_assert_uint_eq(rs->nrules, 3);
    ck_assert_int_eq(rs->rules[1].kind, DC_RK_SELECTION);
    ck_assert_str_eq(rs->rules[1].id, "x1 / sel");
    ck_assert_str_eq(rs->rules[2].title, "filter");
    ck_assert_int_eq(rs->rules[2].generate, 0);
    en_tables *t;
    char err[100];
    ck_assert_int_eq(en_tables_new(rs, &t, err, sizeof err), 0);
    ck_assert(zrt_match_rule(t, 2, "{\"A\":1,\"B\":2}"));
    ck_assert(!zrt_match_rule(t, 0, "{\"A\":1,\"B\":2}"));
    en_tables_destroy(t);
    dc_compiler_destroy(c);
    dc_diags_free(&d);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("compiler");
    TCase *tc = tcase_create("compiler");
    tcase_add_test(tc, test_all_errors_with_positions);
    tcase_add_test(tc, test_unsupported_named);
    tcase_add_test(tc, test_keep_going_counts);
    tcase_add_test(tc, test_det_format);
    tcase_add_test(tc, test_det_errors);
    tcase_add_test(tc, test_det_corr_condition_checked);
    tcase_add_test(tc, test_tables_round_trip);
    tcase_add_test(tc, test_sigma_corpus_sample);
    tcase_add_test(tc, test_explain_mode_selections);
    suite_add_tcase(s, tc);
    return s;
}

ZWT_MAIN(suite)
