/*
 * fuzz_jsonscan.c - en_match_json_text (the DOM-free JSON scan of `zonewarden detect`)
 * on arbitrary bytes (must not crash), against a fixed rule set using every kind of
 * leaf.  When libfastjson accepts the input as one object, the object is serialised
 * again (unique keys, canonical numbers) and the scan of that text must match the same
 * rules as the DOM walk.  (On raw input they may differ on duplicate keys: the scan
 * sees every occurrence, the DOM only the last.)
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
    static const char *rules = "title: a\nid: a\nlogsource: {product: p}\ndetection:\n"
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

/* Does any object hold the same key twice (libfastjson keeps both)? */
static int dup_keys(fjson_object *o, int depth)
{
    if (!o || depth > 40) {
        return 1;
    }
    if (fjson_object_get_type(o) == fjson_type_array) {
        for (size_t i = 0; i < (size_t)fjson_object_array_length(o); i++) {
            if (dup_keys(fjson_object_array_get_idx(o, i), depth + 1)) {
                return 1;
            }
        }
        return 0;
    }
    if (fjson_object_get_type(o) != fjson_type_object) {
        return 0;
    }
    const char *keys[256];
    size_t nk = 0;
    struct fjson_object_iterator it = fjson_object_iter_begin(o);
    struct fjson_object_iterator end = fjson_object_iter_end(o);
    while (!fjson_object_iter_equal(&it, &end)) {
        const char *k = fjson_object_iter_peek_name(&it);
        if (nk == 256) {
            return 1;
        }
        for (size_t i = 0; i < nk; i++) {
            if (strcmp(keys[i], k) == 0) {
                return 1;
            }
        }
        keys[nk++] = k;
        if (dup_keys(fjson_object_iter_peek_value(&it), depth + 1)) {
            return 1;
        }
        fjson_object_iter_next(&it);
    }
    return 0;
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
    (void)n;
    if (o && complete && fjson_object_get_type(o) == fjson_type_object && !dup_keys(o, 0)) {
        int m = en_match_json(matcher, o, &rules);
        const char *txt = fjson_object_to_json_string(o);
        int k = en_match_json_text(matcher, txt, strlen(txt), &rules);
        /* an empty key puts different positions on one path: fieldref then reads every
         * occurrence in the scan but one in the DOM; not compared */
        if (k >= 0 && m != k &&
            !strstr(txt, "\"\":")) { /* k < 0: libfastjson also takes NaN / Infinity */
            abort();                 /* the scan and the DOM walk disagree */
        }
    }
    fjson_object_put(o);
    fjson_tokener_free(tok);
    free(z);
    return 0;
}
