/*
 * fuzz_frame.c - the normalizer's framing (normalizer/nz_frame.c) on arbitrary bytes,
 * auto-detected, with a small record cap and batch split threshold so every path is
 * reachable in short inputs.  The same bytes fed at once and in chunks of 1..16 bytes
 * (the first byte chooses) must give the same events and dead letters, byte for byte,
 * and the counters must add up (records = with events + noise + dead-lettered).
 */
#include "../common/zw_buf.h"
#include "../common/zw_writer.h"
#include "../normalizer/nz.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int on_event(void *o, zw_event *ev)
{
    zw_buf *b = o;
    return zw_write_event(b, ev, ZW_OUT_OCSF) || zw_buf_putc(b, '\n') ? ZW_ENOMEM : 0;
}

static int on_dead(void *o, const nz_dead *d)
{
    zw_buf *b = o;
    if (!d->reason || !d->reason[0]) {
        abort(); /* every dead letter says why */
    }
    return nz_dead_to_json(b, d) || zw_buf_putc(b, '\n') ? ZW_ENOMEM : 0;
}

static nz_stats run(const uint8_t *data, size_t size, size_t chunk, zw_buf *out)
{
    nz_options o = {0};
    o.max_record = 512;
    o.split_over = 96;
    o.ref_ms = 1780000000000LL;
    nz_sink s = {on_event, on_dead, out};
    char err[128];
    nz_stats st;
    memset(&st, 0, sizeof st);
    nz_ctx *ctx = nz_ctx_new(&o, &s, err, sizeof err);
    nz_stream *str = ctx ? nz_stream_new(ctx, "fuzz") : NULL;
    if (!str) {
        abort();
    }
    for (size_t i = 0; i < size; i += chunk) {
        if (nz_stream_feed(str, (const char *)data + i, size - i < chunk ? size - i : chunk)) {
            abort();
        }
    }
    if (nz_stream_finish(str)) {
        abort();
    }
    st = *nz_ctx_stats(ctx);
    nz_stream_destroy(str);
    nz_ctx_destroy(ctx);
    if (st.records != st.with_events + st.noise + st.dead || st.truncated > st.dead) {
        abort();
    }
    return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536) {
        return 0;
    }
    size_t chunk = (size_t)(data[0] & 15) + 1;
    zw_buf a, b;
    zw_buf_init(&a);
    zw_buf_init(&b);
    nz_stats x = run(data + 1, size - 1, size, &a);
    nz_stats y = run(data + 1, size - 1, chunk, &b);
    if (x.records != y.records || x.events != y.events || x.dead != y.dead || a.len != b.len ||
        (a.len && memcmp(a.p, b.p, a.len) != 0)) {
        abort(); /* framing must not depend on how the bytes arrive */
    }
    zw_buf_free(&a);
    zw_buf_free(&b);
    return 0;
}
