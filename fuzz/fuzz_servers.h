/*
 * fuzz_servers.h - the body shared by the DNS server parser fuzz targets (fuzz_knot.c,
 * fuzz_nsd.c, ...): runs the whole normalizer with one forced format over the input as
 * a stream, serialises every event as OCSF and ECS and every dead letter as JSON, and
 * aborts if the counters do not add up (every record is an event, noise or a dead letter).
 * Not a target itself (the Makefile builds fuzz/fuzz_*.c only).
 */
#ifndef FUZZ_SERVERS_H
#define FUZZ_SERVERS_H

#include "../common/zw_buf.h"
#include "../common/zw_writer.h"
#include "../normalizer/nz.h"

#include <stdint.h>
#include <stdlib.h>

static int fz_on_event(void *o, zw_event *ev)
{
    zw_buf *b = o;
    zw_buf_clear(b);
    if (zw_write_event(b, ev, ZW_OUT_OCSF) || zw_write_event(b, ev, ZW_OUT_ECS)) {
        return ZW_ENOMEM;
    }
    return 0;
}

static int fz_on_dead(void *o, const nz_dead *d)
{
    zw_buf *b = o;
    zw_buf_clear(b);
    if (!d->reason || !d->reason[0]) {
        abort(); /* every dead letter says why */
    }
    return nz_dead_to_json(b, d);
}

static int fz_run(const char *format, const uint8_t *data, size_t size)
{
    zw_buf b;
    zw_buf_init(&b);
    nz_options o = {0};
    o.format = format;
    o.ref_ms = 1795784720921LL;
    o.max_record = 1u << 16;
    nz_sink s = {fz_on_event, fz_on_dead, &b};
    char err[256];
    nz_ctx *ctx = nz_ctx_new(&o, &s, err, sizeof err);
    if (!ctx) {
        abort();
    }
    nz_stream *st = nz_stream_new(ctx, "fuzz");
    if (!st) {
        abort();
    }
    if (nz_stream_feed(st, (const char *)data, size) || nz_stream_finish(st)) {
        abort();
    }
    const nz_stats *ss = nz_ctx_stats(ctx);
    /* a record that emitted nothing was noise or a dead letter; noise + dead <= records */
    if (ss->noise + ss->dead > ss->records + ss->truncated) {
        abort();
    }
    nz_stream_destroy(st);
    nz_ctx_destroy(ctx);
    zw_buf_free(&b);
    return 0;
}

#endif
