/*
 * zw_test.h - helpers shared by the Check suites: read a test data file, run the
 * normalizer over a buffer and collect the events as parsed JSON (compared as JSON,
 * not bytes), and the one-line main() every suite uses.
 *
 * Ownership: returned JSON arrays are owned by the caller (fjson_object_put).
 */
#ifndef ZW_TEST_H
#define ZW_TEST_H

#include "../../common/zw_buf.h"
#include "../../common/zw_json.h"
#include "../../common/zw_writer.h"
#include "../../normalizer/nz.h"
#include "../../normalizer/nz_inventory.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef ZW_TEST_DATA
#define ZW_TEST_DATA "tests/data"
#endif

typedef struct {
    fjson_object *events; /* array of event objects */
    fjson_object *dead;   /* array of dead-letter objects */
    zw_out_kind kind;
    zw_buf buf;
} zwt_collect;

static int zwt_on_event(void *o, zw_event *ev)
{
    zwt_collect *c = o;
    zw_buf_clear(&c->buf);
    if (zw_write_event(&c->buf, ev, c->kind) || zw_buf_cstr(&c->buf)) {
        return ZW_ENOMEM;
    }
    fjson_object *j = fjson_tokener_parse(c->buf.p);
    ck_assert_msg(j != NULL, "writer produced invalid JSON: %s", c->buf.p);
    fjson_object_array_add(c->events, j);
    return 0;
}

static int zwt_on_dead(void *o, const nz_dead *d)
{
    zwt_collect *c = o;
    zw_buf_clear(&c->buf);
    if (nz_dead_to_json(&c->buf, d) || zw_buf_cstr(&c->buf)) {
        return ZW_ENOMEM;
    }
    fjson_object *j = fjson_tokener_parse(c->buf.p);
    ck_assert_msg(j != NULL, "dead letter is invalid JSON: %s", c->buf.p);
    fjson_object_array_add(c->dead, j);
    return 0;
}

/* The body of zwt_normalize_file and zwt_normalize_mem: reads path when it is not NULL,
 * else data[0..n) as a stream named "mem"; inv (may be NULL) is attached to the context. */
static inline int zwt_normalize_with(zwt_collect *c, const char *path, const char *data, size_t n,
                                     const char *format, zw_out_kind kind, int64_t ref_ms,
                                     nz_stats *stats_out, const nz_inventory *inv)
{
    nz_options o = {0};
    o.format = format;
    o.ref_ms = ref_ms;
    nz_sink s = {zwt_on_event, zwt_on_dead, c};
    char err[256];
    c->events = fjson_object_new_array();
    c->dead = fjson_object_new_array();
    c->kind = kind;
    zw_buf_init(&c->buf);
    nz_ctx *ctx = nz_ctx_new(&o, &s, err, sizeof err);
    ck_assert_msg(ctx != NULL, "nz_ctx_new: %s", err);
    if (inv) {
        nz_inventory_attach(ctx, inv);
    }
    nz_stream *st = NULL;
    int rc;
    if (path) {
        rc = nz_read_file(ctx, path, err, sizeof err);
    } else {
        st = nz_stream_new(ctx, "mem");
        rc = nz_stream_feed(st, data, n);
        if (!rc) {
            rc = nz_stream_finish(st);
        }
    }
    if (stats_out) {
        *stats_out = *nz_ctx_stats(ctx);
    }
    nz_stream_destroy(st);
    nz_ctx_destroy(ctx);
    zw_buf_free(&c->buf);
    return rc;
}

/* Normalizes a file (path relative to the project root) with format (NULL = auto);
 * fills c.  Returns the nz_read_file status.  ref_ms fixes year inference. */
static inline int zwt_normalize_file(zwt_collect *c, const char *path, const char *format,
                                     zw_out_kind kind, int64_t ref_ms, nz_stats *stats_out)
{
    return zwt_normalize_with(c, path, NULL, 0, format, kind, ref_ms, stats_out, NULL);
}

/* Same over an in-memory buffer (framed like a file named "mem"). */
static inline int zwt_normalize_mem(zwt_collect *c, const char *data, size_t n, const char *format,
                                    zw_out_kind kind, int64_t ref_ms, nz_stats *stats_out)
{
    return zwt_normalize_with(c, NULL, data, n, format, kind, ref_ms, stats_out, NULL);
}

static inline void zwt_free(zwt_collect *c)
{
    fjson_object_put(c->events);
    fjson_object_put(c->dead);
    c->events = c->dead = NULL;
}

static inline fjson_object *zwt_ev(zwt_collect *c, int i)
{
    ck_assert_int_lt(i, fjson_object_array_length(c->events));
    return fjson_object_array_get_idx(c->events, i);
}

/* The event whose integer at path equals line; fails the test when there is none. */
static inline fjson_object *zwt_at_line_path(zwt_collect *c, int line, const char *path)
{
    for (int i = 0; i < fjson_object_array_length(c->events); i++) {
        fjson_object *e = fjson_object_array_get_idx(c->events, i);
        int64_t l;
        if (zw_jint(e, path, &l) == 0 && l == line) {
            return e;
        }
    }
    ck_abort_msg("no event for line %d", line);
    return NULL;
}

/* The OCSF event of input line `line` (unmapped.position.line). */
static inline fjson_object *zwt_at_line(zwt_collect *c, int line)
{
    return zwt_at_line_path(c, line, "unmapped.position.line");
}

/* Assert a string field at a dotted path. */
#define zwt_assert_str(obj, path, want)                                                            \
    do {                                                                                           \
        const char *got_ = zw_jstr((obj), (path), NULL);                                           \
        ck_assert_msg(got_ != NULL, "%s missing in %s", (path), fjson_object_to_json_string(obj)); \
        ck_assert_msg(strcmp(got_, (want)) == 0, "%s: got '%s', want '%s'", (path), got_, (want)); \
    } while (0)

#define zwt_assert_int(obj, path, want)                                                            \
    do {                                                                                           \
        int64_t got_;                                                                              \
        ck_assert_msg(zw_jint((obj), (path), &got_) == 0, "%s missing in %s", (path),              \
                      fjson_object_to_json_string(obj));                                           \
        ck_assert_msg(got_ == (int64_t)(want), "%s: got %lld, want %lld", (path), (long long)got_, \
                      (long long)(want));                                                          \
    } while (0)

#define zwt_assert_absent(obj, path)                                                               \
    ck_assert_msg(zw_jget((obj), (path)) == NULL, "%s unexpectedly present", (path))

/* main() for a suite file defining `Suite *suite(void)`. */
#define ZWT_MAIN(suite_fn)                                                                         \
    int main(void)                                                                                 \
    {                                                                                              \
        SRunner *sr = srunner_create(suite_fn());                                                  \
        srunner_run_all(sr, CK_NORMAL);                                                            \
        int failed = srunner_ntests_failed(sr);                                                    \
        srunner_free(sr);                                                                          \
        return failed ? 1 : 0;                                                                     \
    }

#endif
