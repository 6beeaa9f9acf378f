/*
 * prov_fuzz.h - the body shared by the provider fuzz targets: run the bytes through
 * the normalizer with one forced format, write every event as OCSF and ECS, and abort
 * if a writer fails or produces something that is not one JSON object.  Dead letters
 * are written too (their JSON must also parse).
 */
#ifndef PROV_FUZZ_H
#define PROV_FUZZ_H

#include "../common/zw_buf.h"
#include "../common/zw_writer.h"
#include "../normalizer/nz.h"

#include <libfastjson/json.h>
#include <stdint.h>
#include <stdlib.h>

typedef struct {
    zw_buf b;
    fjson_tokener *tok;
} pf_state;

static void pf_check_json(pf_state *s)
{
    fjson_tokener_reset(s->tok);
    fjson_object *o = fjson_tokener_parse_ex(s->tok, s->b.p, (int)s->b.len);
    if (!o || !fjson_object_is_type(o, fjson_type_object)) {
        abort();
    }
    fjson_object_put(o);
}

static int pf_on_event(void *opaque, zw_event *ev)
{
    pf_state *s = opaque;
    for (int k = 0; k < 2; k++) {
        zw_buf_clear(&s->b);
        if (zw_write_event(&s->b, ev, k ? ZW_OUT_ECS : ZW_OUT_OCSF)) {
            abort();
        }
        pf_check_json(s);
    }
    return 0;
}

static int pf_on_dead(void *opaque, const nz_dead *d)
{
    pf_state *s = opaque;
    zw_buf_clear(&s->b);
    if (nz_dead_to_json(&s->b, d) || !d->reason || !d->reason[0]) {
        abort();
    }
    pf_check_json(s);
    return 0;
}

/* enrich may be NULL; with it, every event also goes through enrichment. */
static inline int prov_fuzz_run(const uint8_t *data, size_t size, const char *format,
                                nz_enrich_fn enrich, void *enrich_opaque)
{
    pf_state s;
    zw_buf_init(&s.b);
    s.tok = fjson_tokener_new();
    nz_options o = {0};
    o.format = format;
    o.ref_ms = 1795784720921LL;
    o.raw_data = 1;
    nz_sink sink = {pf_on_event, pf_on_dead, &s};
    char err[256];
    nz_ctx *ctx = nz_ctx_new(&o, &sink, err, sizeof err);
    if (!ctx) {
        abort();
    }
    if (enrich) {
        nz_ctx_set_enrich(ctx, enrich, enrich_opaque);
    }
    nz_stream *st = nz_stream_new(ctx, "fuzz");
    if (!st || nz_stream_feed(st, (const char *)data, size) || nz_stream_finish(st)) {
        abort();
    }
    nz_stream_destroy(st);
    nz_ctx_destroy(ctx);
    fjson_tokener_free(s.tok);
    zw_buf_free(&s.b);
    return 0;
}

#endif
