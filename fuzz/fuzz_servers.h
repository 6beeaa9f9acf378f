/*
 * fuzz_servers.h - the body shared by the DNS server parser fuzz targets (fuzz_knot.c,
 * fuzz_nsd.c, ...): runs the whole normalizer with one forced format over the input as
 * a stream.  fz_run (strict) serialises every event as OCSF and ECS and every dead letter
 * as JSON, and aborts if the counters do not add up (every record is an event, noise or a
 * dead letter); fz_run_mode lets a target (fuzz_bind.c, fuzz_infoblox.c) choose a laxer mode.
 * Not a target itself (the Makefile builds fuzz/fuzz_*.c only).
 */
#ifndef FUZZ_SERVERS_H
#define FUZZ_SERVERS_H

#include "../common/zw_buf.h"
#include "../common/zw_writer.h"
#include "../normalizer/nz.h"

#include <stdint.h>
#include <stdlib.h>

/* How one target drives the normalizer.  strict: every event also as ECS, every dead
 * letter must give a reason, feed/finish must succeed and the counters must add up.
 * record_first: the whole input is also offered as one record before the line framing. */
typedef struct {
    int64_t ref_ms;
    size_t max_record; /* 0 = the normalizer's default (16 MiB) */
    int strict;
    int record_first;
} fz_mode;

typedef struct {
    zw_buf b;
    int strict;
} fz_state;

static int fz_on_event(void *o, zw_event *ev)
{
    fz_state *f = o;
    zw_buf_clear(&f->b);
    if (!f->strict) {
        return zw_write_event(&f->b, ev, ZW_OUT_OCSF);
    }
    if (zw_write_event(&f->b, ev, ZW_OUT_OCSF) || zw_write_event(&f->b, ev, ZW_OUT_ECS)) {
        return ZW_ENOMEM;
    }
    return 0;
}

static int fz_on_dead(void *o, const nz_dead *d)
{
    fz_state *f = o;
    zw_buf_clear(&f->b);
    if (f->strict && (!d->reason || !d->reason[0])) {
        abort(); /* every dead letter says why */
    }
    return nz_dead_to_json(&f->b, d);
}

static inline int fz_run_mode(const char *format, const uint8_t *data, size_t size,
                              const fz_mode *m)
{
    fz_state f;
    zw_buf_init(&f.b);
    f.strict = m->strict;
    nz_options o = {0};
    o.format = format;
    o.ref_ms = m->ref_ms;
    o.max_record = m->max_record;
    nz_sink s = {fz_on_event, fz_on_dead, &f};
    char err[256];
    nz_ctx *ctx = nz_ctx_new(&o, &s, err, sizeof err);
    if (!ctx) {
        abort();
    }
    nz_stream *st = nz_stream_new(ctx, "fuzz");
    if (!st) {
        abort();
    }
    if (m->record_first) {
        (void)nz_stream_record(st, (const char *)data, size, NULL);
    }
    int rc = nz_stream_feed(st, (const char *)data, size);
    if (!rc) {
        rc = nz_stream_finish(st);
    } else if (!m->strict) {
        (void)nz_stream_finish(st);
    }
    if (m->strict) {
        const nz_stats *ss = nz_ctx_stats(ctx);
        /* a record that emitted nothing was noise or a dead letter; noise + dead <= records */
        if (rc || ss->noise + ss->dead > ss->records + ss->truncated) {
            abort();
        }
    }
    nz_stream_destroy(st);
    nz_ctx_destroy(ctx);
    zw_buf_free(&f.b);
    return 0;
}

/* The server parsers' mode: strict, 64 KiB records, a fixed reference time. */
static inline int fz_run(const char *format, const uint8_t *data, size_t size)
{
    static const fz_mode m = {1795784720921LL, 1u << 16, 1, 0};
    return fz_run_mode(format, data, size, &m);
}

#endif
