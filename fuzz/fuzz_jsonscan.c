/*
 * fuzz_jsonscan.c - en_match_json_text (the DOM-free JSON scan of `zonewarden detect`)
 * on arbitrary bytes, against a fixed rule set using every kind of leaf.  When
 * libfastjson accepts the input as one object, the scan must accept it too and match
 * the same rules as the DOM walk (the inverse does not hold: libfastjson is lenient).
 */
#include "../compiler/dc.h"
#include "../engine/en_tables.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static en_tables *tables;
static en_matcher *matcher;

static void setup(void)
{
    static const char *rules =
        "title: a\nid: a\nlogsource: {product: p}\ndetection:\n"
        "  s1: {F|contains: ab, G|re: '^x+$', ip|cidr: 10.0.0.0/8}\n"
        "  s2: {n|gt: 5, a.b|startswith: q, F|fieldref: H}\n"
        "  s3: {E|exists: false, N: null, T|hour: 3}\n"
        "  k: [needle, 'x*y?z']\n"
        "  condition: 1 of s* or k\n";
    dc_compiler *c = dc_compiler_new();
    dc_diags d;
    dc_diags_init(&d);
    dc_compile_text(c, "f.yml", rules, strlen(rules), &d);
    dc_ruleset *rs = dc_compiler_finish(c, &d);
    dc_compiler_destroy(c);
    dc_diags_free(&d);
    char err[200];
    if (rs && en_tables_new(rs, &tables, err, sizeof err) == 0) {
        matcher = en_matcher_new(tables);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!tables) {
        setup();
    }
    if (!matcher) {
        return 0;
    }
    const uint32_t *rules;
    int n = en_match_json_text(matcher, (const char *)data, size, &rules);
    char *z = malloc(size + 1);
    if (!z) {
        return 0;
    }
    memcpy(z, data, size);
    z[size] = 0;
    fjson_tokener *tok = fjson_tokener_new();
    fjson_object *o = tok ? fjson_tokener_parse_ex(tok, z, (int)size) : NULL;
    int complete = tok && fjson_tokener_get_error(tok) == fjson_tokener_success &&
                   (size_t)tok->char_offset == size && memchr(data, 0, size) == NULL;
    if (o && complete && fjson_object_get_type(o) == fjson_type_object && n >= 0) {
        int m = en_match_json(matcher, o, &rules);
        if (m != n) {
            abort(); /* the scan and the DOM walk disagree */
        }
    }
    fjson_object_put(o);
    fjson_tokener_free(tok);
    free(z);
    return 0;
}
