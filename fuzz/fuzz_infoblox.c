/*
 * fuzz_infoblox.c - libFuzzer target for the Infoblox NIOS parser: any bytes through the normalizer
 * with --format infoblox, every event written as OCSF JSON.  No crash, no leak, no read
 * outside the input.
 */
#include "../common/zw_buf.h"
#include "../common/zw_writer.h"
#include "../normalizer/nz.h"

#include <stdint.h>
#include <stdlib.h>

static int on_event(void *o, zw_event *ev)
{
    zw_buf *b = o;
    zw_buf_clear(b);
    return zw_write_event(b, ev, ZW_OUT_OCSF);
}

static int on_dead(void *o, const nz_dead *d)
{
    zw_buf *b = o;
    zw_buf_clear(b);
    return nz_dead_to_json(b, d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const format = "infoblox";
    zw_buf b;
    zw_buf_init(&b);
    nz_options o = {0};
    o.format = format;
    o.ref_ms = 1795824000000LL;
    nz_sink s = {on_event, on_dead, &b};
    char err[256];
    nz_ctx *ctx = nz_ctx_new(&o, &s, err, sizeof err);
    if (!ctx) {
        abort();
    }
    nz_stream *st = nz_stream_new(ctx, "fuzz");
    if (!st) {
        abort();
    }
    /* the whole input as one record, then framed as lines */
    (void)nz_stream_record(st, (const char *)data, size, NULL);
    (void)nz_stream_feed(st, (const char *)data, size);
    (void)nz_stream_finish(st);
    nz_stream_destroy(st);
    nz_ctx_destroy(ctx);
    zw_buf_free(&b);
    return 0;
}
