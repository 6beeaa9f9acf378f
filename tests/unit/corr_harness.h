/*
 * corr_harness.h - shared by check_corr.c and check_alert.c: a tiny event type whose
 * field handle i is vals[i], a sink that keeps every alert as parsed JSON, and a feed
 * helper.  Ownership: the collector owns its JSON array (corr_collect_free).
 */
#ifndef CORR_HARNESS_H
#define CORR_HARNESS_H

#include "../../engine/en_alert.h"
#include "../../engine/en_corr.h"
#include "zw_test.h"

#define TEV_NF 6

typedef struct {
    const char *vals[TEV_NF];
} tev;

static zw_str tev_field(void *ud, uint32_t h)
{
    const tev *e = ud;
    const char *v = h < TEV_NF ? e->vals[h] : NULL;
    zw_str s = {v, v ? strlen(v) : 0};
    return s;
}

typedef struct {
    fjson_object *alerts; /* array of parsed findings */
    zw_buf raw;           /* every finding, one per line (determinism checks) */
    zw_buf b;
} corr_collect;

static int corr_collect_emit(void *ud, const en_alert *a)
{
    corr_collect *cc = ud;
    zw_buf_clear(&cc->b);
    ck_assert_int_eq(en_alert_write_json(&cc->b, a, NULL), 0);
    ck_assert_int_eq(zw_buf_cstr(&cc->b), 0);
    fjson_object *j = fjson_tokener_parse(cc->b.p);
    ck_assert_msg(j != NULL, "alert is invalid JSON: %s", cc->b.p);
    fjson_object_array_add(cc->alerts, j);
    zw_buf_append(&cc->raw, cc->b.p, cc->b.len);
    zw_buf_putc(&cc->raw, '\n');
    return 0;
}

static inline void corr_collect_init(corr_collect *cc, en_alert_sink *sink)
{
    cc->alerts = fjson_object_new_array();
    zw_buf_init(&cc->raw);
    zw_buf_init(&cc->b);
    sink->emit = corr_collect_emit;
    sink->ud = cc;
}

static inline void corr_collect_free(corr_collect *cc)
{
    fjson_object_put(cc->alerts);
    zw_buf_free(&cc->raw);
    zw_buf_free(&cc->b);
}

static inline int corr_n(const corr_collect *cc)
{
    return (int)fjson_object_array_length(cc->alerts);
}

static inline fjson_object *corr_alert(const corr_collect *cc, int i)
{
    ck_assert_int_lt(i, corr_n(cc));
    return fjson_object_array_get_idx(cc->alerts, i);
}

/* Feeds a match of rule at t (ms) in partition part, fields v0..v2 (NULL = absent). */
static inline int corr_feed(en_corr *c, en_alert_sink *sink, uint32_t rule, int64_t t, int32_t part,
                            const char *v0, const char *v1, const char *v2)
{
    tev e = {{v0, v1, v2, NULL, NULL, NULL}};
    char uid[64], pos[64];
    snprintf(uid, sizeof uid, "ev-%u-%lld", rule, (long long)t);
    snprintf(pos, sizeof pos, "test.log:%lld", (long long)(t / 1000));
    en_kv m[2] = {{ZW_STR_LIT("query.type"), ZW_STR_LIT("AXFR")},
                  {ZW_STR_LIT("src_endpoint.ip"), {v1 ? v1 : "", v1 ? strlen(v1) : 0}}};
    en_corr_input in;
    memset(&in, 0, sizeof in);
    in.rule = rule;
    in.time_ms = t;
    in.partition = part;
    in.uid = zw_str_c(uid);
    in.position = zw_str_c(pos);
    in.field = tev_field;
    in.field_ud = &e;
    in.matched = m;
    in.n_matched = 2;
    return en_corr_feed(c, &in, sink);
}

#endif
