/*
 * fuzz_dnstap.c - libFuzzer target for the dnstap input: any bytes through the Frame
 * Streams reader (nz_fstrm.c), the protobuf decoding and DNS wire reader, the query /
 * response join and the event writers.  The input is offered twice: as it is, and
 * behind a valid START frame (so most inputs reach the frame and message decoders, not
 * only the header check).  Every event is written as OCSF and ECS, every dead letter
 * must give a reason, and the counters must add up.  No crash, no leak, no hang.
 */
#include "fuzz_servers.h"

#include <string.h>

static void one(const uint8_t *data, size_t size)
{
    fz_state f;
    zw_buf_init(&f.b);
    f.strict = 1;
    nz_options o = {0};
    o.format = "dnstap";
    o.ref_ms = 1795824000000LL;
    nz_sink s = {fz_on_event, fz_on_dead, &f};
    char err[256];
    nz_ctx *ctx = nz_ctx_new(&o, &s, err, sizeof err);
    nz_stream *st = ctx ? nz_stream_new(ctx, "fuzz") : NULL;
    if (!st) {
        abort();
    }
    if (nz_dnstap_read(st, NULL, (const char *)data, size, err, sizeof err)) {
        abort(); /* the sink never fails here: bad input must be dead letters */
    }
    const nz_stats *ss = nz_ctx_stats(ctx);
    if (ss->noise + ss->dead > ss->records) {
        abort();
    }
    nz_stream_destroy(st);
    nz_ctx_destroy(ctx);
    zw_buf_free(&f.b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t start[] = {0,   0,   0,   0,   0,   0,   0,   34,  0,   0,   0,
                                    2,   0,   0,   0,   1,   0,   0,   0,   22,  'p', 'r',
                                    'o', 't', 'o', 'b', 'u', 'f', ':', 'd', 'n', 's', 't',
                                    'a', 'p', '.', 'D', 'n', 's', 't', 'a', 'p'};
    one(data, size);
    if (size > (1u << 20)) {
        return 0;
    }
    uint8_t *b = malloc(sizeof start + size + 1);
    if (!b) {
        return 0;
    }
    memcpy(b, start, sizeof start);
    if (size) {
        memcpy(b + sizeof start, data, size);
    }
    one(b, sizeof start + size);
    free(b);
    return 0;
}
