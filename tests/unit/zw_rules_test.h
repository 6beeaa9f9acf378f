/*
 * zw_rules_test.h - helpers for the compiler / engine suites: compile YAML text into
 * tables and ask whether a JSON event matches a rule.
 *
 * Ownership: zrt_build returns tables the caller destroys (en_tables_destroy).
 */
#ifndef ZW_RULES_TEST_H
#define ZW_RULES_TEST_H

#include "../../compiler/dc.h"
#include "../../engine/en_tables.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

/* Compiles text (must succeed unless expect_errors) and builds tables. */
static inline en_tables *zrt_build_tuned(const char *yaml, const char *tuning_path)
{
    dc_compiler *c = dc_compiler_new();
    dc_diags d;
    dc_diags_init(&d);
    if (tuning_path) {
        ck_assert_int_eq(dc_compiler_tuning(c, tuning_path, &d), 0);
    }
    dc_compile_text(c, "t.yml", yaml, strlen(yaml), &d);
    for (size_t i = 0; i < d.n; i++) {
        if (d.v[i].kind == DC_DIAG_WARNING) {
            continue;
        }
        fprintf(stderr, "diag %d:%d: %s\n", d.v[i].line, d.v[i].col, d.v[i].msg);
    }
    ck_assert_msg(dc_diags_errors(&d) == 0, "unexpected diagnostics for:\n%s", yaml);
    dc_ruleset *rs = dc_compiler_finish(c, &d);
    dc_compiler_destroy(c);
    dc_diags_free(&d);
    en_tables *t = NULL;
    char err[300];
    ck_assert_msg(en_tables_new(rs, &t, err, sizeof err) == 0, "tables: %s", err);
    return t;
}

static inline en_tables *zrt_build(const char *yaml)
{
    return zrt_build_tuned(yaml, NULL);
}

/* Does rule index r match the JSON event? */
static inline int zrt_match_rule(en_tables *t, uint32_t r, const char *json)
{
    fjson_object *o = fjson_tokener_parse(json);
    ck_assert_msg(o != NULL, "bad test JSON: %s", json);
    en_matcher *m = en_matcher_new(t);
    const uint32_t *rules;
    int n = en_match_json(m, o, &rules), hit = 0;
    for (int i = 0; i < n; i++) {
        hit |= rules[i] == r;
    }
    /* the DOM-free text scan must agree with the DOM walk */
    int n2 = en_match_json_text(m, json, strlen(json), &rules), hit2 = 0;
    for (int i = 0; i < n2; i++) {
        hit2 |= rules[i] == r;
    }
    ck_assert_msg(n2 == n && hit2 == hit, "text scan disagrees with the DOM on %s", json);
    en_matcher_destroy(m);
    fjson_object_put(o);
    return hit;
}

static inline int zrt_match(en_tables *t, const char *json)
{
    return zrt_match_rule(t, 0, json);
}

/* A one-selection rule "sel: {<item>}" with condition sel. */
static inline en_tables *zrt_sel(const char *item)
{
    char y[4096];
    snprintf(y, sizeof y,
             "title: t\nid: r0\nlogsource: {product: test}\ndetection:\n  sel:\n    %s\n"
             "  condition: sel\n",
             item);
    return zrt_build(y);
}

/* Compiles text and returns the diagnostics (caller frees) and the error count. */
static inline size_t zrt_diags(const char *yaml, dc_diags *d)
{
    dc_compiler *c = dc_compiler_new();
    dc_diags_init(d);
    dc_compile_text(c, "bad.yml", yaml, strlen(yaml), d);
    dc_ruleset_free(dc_compiler_finish(c, d));
    dc_compiler_destroy(c);
    return dc_diags_errors(d);
}

#endif
