/*
 * zw_json.c - dotted-path lookups on libfastjson objects.  Parsing itself is done by
 * the normalizer driver once per record; this file only reads.
 */
#include "zw_json.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

fjson_object *zw_jget(fjson_object *o, const char *path)
{
    char key[256];
    const char *p = path;
    while (o && *p) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if (n >= sizeof key || !fjson_object_is_type(o, fjson_type_object)) {
            return NULL;
        }
        memcpy(key, p, n);
        key[n] = 0;
        fjson_object *next = NULL;
        if (!fjson_object_object_get_ex(o, key, &next)) {
            return NULL;
        }
        o = next;
        p = dot ? dot + 1 : p + n;
    }
    return o;
}

const char *zw_jstr(fjson_object *o, const char *path, size_t *len)
{
    fjson_object *v = zw_jget(o, path);
    if (!v || !fjson_object_is_type(v, fjson_type_string)) {
        return NULL;
    }
    if (len) {
        *len = (size_t)fjson_object_get_string_len(v);
    }
    return fjson_object_get_string(v);
}

int zw_jint(fjson_object *o, const char *path, int64_t *out)
{
    fjson_object *v = zw_jget(o, path);
    if (!v) {
        return -1;
    }
    if (fjson_object_is_type(v, fjson_type_int)) {
        *out = fjson_object_get_int64(v);
        return 0;
    }
    if (fjson_object_is_type(v, fjson_type_double)) {
        *out = (int64_t)fjson_object_get_double(v);
        return 0;
    }
    if (fjson_object_is_type(v, fjson_type_string)) {
        const char *s = fjson_object_get_string(v);
        char *end;
        if (!*s) {
            return -1;
        }
        long long x = strtoll(s, &end, 10);
        if (*end) {
            return -1;
        }
        *out = x;
        return 0;
    }
    return -1;
}

fjson_object *zw_jget_ci(fjson_object *o, const char *key)
{
    if (!o || !fjson_object_is_type(o, fjson_type_object)) {
        return NULL;
    }
    fjson_object *v = NULL;
    if (fjson_object_object_get_ex(o, key, &v)) {
        return v;
    }
    struct fjson_object_iterator it = fjson_object_iter_begin(o);
    struct fjson_object_iterator end = fjson_object_iter_end(o);
    while (!fjson_object_iter_equal(&it, &end)) {
        if (strcasecmp(fjson_object_iter_peek_name(&it), key) == 0) {
            return fjson_object_iter_peek_value(&it);
        }
        fjson_object_iter_next(&it);
    }
    return NULL;
}
