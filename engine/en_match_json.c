/*
 * en_match_json.c - JSON events held as a libfastjson DOM: one walk over the object
 * looks every key path up in the tables' path hash and matches the values of the
 * fields rules use (arrays match when any member does); also the values of one path,
 * for fieldref, explain, correlation group-by and alerts.
 * Not here: JSON text without a DOM (en_jscan.c).
 */
#include "en_tables_int.h"

#include <stdlib.h>
#include <string.h>

static void json_visit(en_matcher *m, int32_t fi, fjson_object *v, size_t plen, int depth);

static void json_walk(en_matcher *m, fjson_object *o, size_t plen, int depth)
{
    if (depth > 32) {
        return;
    }
    struct fjson_object_iterator it = fjson_object_iter_begin(o);
    struct fjson_object_iterator end = fjson_object_iter_end(o);
    while (!fjson_object_iter_equal(&it, &end)) {
        const char *k = fjson_object_iter_peek_name(&it);
        fjson_object *v = fjson_object_iter_peek_value(&it);
        size_t kl = strlen(k);
        size_t np = plen ? plen + 1 + kl : kl;
        int32_t fi = -1;
        int prefix = 0;
        if (np < sizeof m->path) {
            if (plen) {
                m->path[plen] = '.';
            }
            memcpy(m->path + (plen ? plen + 1 : 0), k, kl);
            m->path[np] = 0;
            const pent *pe = en_ph_get(m->t, m->path, np);
            if (pe) {
                fi = pe->field;
                prefix = pe->prefix;
            }
        }
        if (fi >= 0 || prefix || m->t->kwfield >= 0) {
            json_visit(m, fi, v, np < sizeof m->path ? np : sizeof m->path - 1, depth + 1);
        }
        m->path[plen] = 0;
        fjson_object_iter_next(&it);
    }
}

static void json_visit(en_matcher *m, int32_t fi, fjson_object *v, size_t plen, int depth)
{
    const field *f = fi >= 0 ? &m->t->fields[fi] : NULL;
    switch (fjson_object_get_type(v)) {
    case fjson_type_null:
        if (fi >= 0) {
            m->fnull[fi] = m->estamp;
        }
        return;
    case fjson_type_string: {
        const char *s = fjson_object_get_string(v);
        size_t n = (size_t)fjson_object_get_string_len(v);
        if (fi >= 0) {
            int first = m->fseen[fi] != m->estamp;
            m->fseen[fi] = m->estamp;
            if (f->has_value_leaves) {
                en_match_value(m, f, s, n, 0, 0, first);
            }
        }
        en_kw_value(m, s, n);
        return;
    }
    case fjson_type_int:
    case fjson_type_double:
    case fjson_type_boolean: {
        if (fi >= 0) {
            int first = m->fseen[fi] != m->estamp;
            m->fseen[fi] = m->estamp;
            if (f->has_value_leaves) {
                const char *s = fjson_object_get_string(v);
                int isb = fjson_object_get_type(v) == fjson_type_boolean;
                en_match_value(m, f, s, strlen(s), !isb, isb ? 0 : fjson_object_get_double(v),
                               first);
            }
        }
        return;
    }
    case fjson_type_array: {
        size_t n = fjson_object_array_length(v);
        for (size_t i = 0; i < n; i++) {
            fjson_object *e = fjson_object_array_get_idx(v, i);
            if (e && fjson_object_get_type(e) == fjson_type_object) {
                if (fi >= 0) {
                    m->fseen[fi] = m->estamp;
                }
                json_walk(m, e, plen, depth + 1);
            } else if (e) {
                json_visit(m, fi, e, plen, depth + 1);
            } else if (fi >= 0) {
                m->fnull[fi] = m->estamp;
            }
        }
        return;
    }
    case fjson_type_object:
        if (fi >= 0) {
            m->fseen[fi] = m->estamp;
        }
        json_walk(m, v, plen, depth + 1);
        return;
    }
}

int en_match_json(en_matcher *m, fjson_object *ev, const uint32_t **rules)
{
    en_begin_event(m);
    m->jev = ev;
    m->cev = NULL;
    m->path[0] = 0;
    if (ev && fjson_object_get_type(ev) == fjson_type_object) {
        json_walk(m, ev, 0, 0);
    }
    fjson_object *sf = NULL, *un = NULL;
    const char *fmt = NULL;
    size_t fl = 0;
    if (fjson_object_object_get_ex(ev, "unmapped", &un) &&
        fjson_object_object_get_ex(un, "source_format", &sf) &&
        fjson_object_get_type(sf) == fjson_type_string) {
        fmt = fjson_object_get_string(sf);
        fl = strlen(fmt);
    }
    return en_finish_event(m, fmt, fl, rules);
}

/* ---- values of one path ---- */

void en_jvals(fjson_object *o, const char *path, en_value_fn fn, void *opaque, int depth)
{
    if (!o || depth > 32) {
        return;
    }
    if (fjson_object_get_type(o) == fjson_type_array) {
        size_t n = fjson_object_array_length(o);
        for (size_t i = 0; i < n; i++) {
            en_jvals(fjson_object_array_get_idx(o, i), path, fn, opaque, depth + 1);
        }
        return;
    }
    if (!*path) {
        switch (fjson_object_get_type(o)) {
        case fjson_type_string:
            fn(opaque, fjson_object_get_string(o), (size_t)fjson_object_get_string_len(o));
            break;
        case fjson_type_int:
        case fjson_type_double:
        case fjson_type_boolean: {
            const char *s = fjson_object_get_string(o);
            fn(opaque, s, strlen(s));
            break;
        }
        default:
            break;
        }
        return;
    }
    if (fjson_object_get_type(o) != fjson_type_object) {
        return;
    }
    fjson_object *v;
    if (fjson_object_object_get_ex(o, path, &v)) {
        en_jvals(v, "", fn, opaque, depth + 1);
        return;
    }
    const char *d = strchr(path, '.');
    while (d) {
        char key[512];
        size_t kl = (size_t)(d - path);
        if (kl < sizeof key) {
            memcpy(key, path, kl);
            key[kl] = 0;
            if (fjson_object_object_get_ex(o, key, &v)) {
                en_jvals(v, d + 1, fn, opaque, depth + 1);
                return;
            }
        }
        d = strchr(d + 1, '.');
    }
}

void en_json_values(fjson_object *ev, const char *path, en_value_fn fn, void *opaque)
{
    char *jp = en_json_path(path);
    if (jp) {
        en_jvals(ev, jp, fn, opaque, 0);
        free(jp);
    }
}
