/*
 * fuzz_sigma.c - the rule compiler on arbitrary bytes: YAML loading, Sigma / DET /
 * correlation / filter parsing with diagnostics, then the tables build and one match
 * over a fixed event when the input compiled.  Must never crash or leak.
 */
#include "../compiler/dc.h"
#include "../engine/en_tables.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dc_compiler *c = dc_compiler_new();
    if (!c) {
        return 0;
    }
    dc_diags d;
    dc_diags_init(&d);
    dc_compile_text(c, "fuzz.yml", (const char *)data, size, &d);
    dc_ruleset *rs = dc_compiler_finish(c, &d);
    dc_compiler_destroy(c);
    dc_diags_free(&d);
    if (!rs) {
        return 0;
    }
    char *p;
    size_t n;
    if (dc_ir_serialize(rs, &p, &n) == 0) {
        dc_ruleset *back;
        char err[256];
        if (dc_ir_deserialize(p, n, &back, err, sizeof err) == 0) {
            dc_ruleset_free(back);
        }
        free(p);
    }
    en_tables *t;
    char err[256];
    if (en_tables_new(rs, &t, err, sizeof err) == 0) {
        en_matcher *m = en_matcher_new(t);
        fjson_object *ev = fjson_tokener_parse(
            "{\"Image\":\"C:\\\\Windows\\\\cmd.exe\",\"CommandLine\":\"cmd /c whoami\","
            "\"n\":42,\"a\":[{\"b\":\"x\"},null],\"query\":{\"type\":\"AXFR\"}}");
        const uint32_t *rules;
        if (m && ev) {
            en_match_json(m, ev, &rules);
        }
        fjson_object_put(ev);
        en_matcher_destroy(m);
        en_tables_destroy(t);
    }
    return 0;
}
