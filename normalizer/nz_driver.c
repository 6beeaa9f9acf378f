/*
 * nz_driver.c - contexts, streams, format dispatch, dead letters and counters.  Not
 * for any format's syntax (the nz_parse_*.c files) nor for cutting bytes into records
 * (nz_frame.c).
 *
 * Dispatch: with a forced format only that parser runs; with auto-detection the
 * parser that matched this stream's previous record is tried first, then every
 * parser in registry order.  A record is parsed as JSON once, here, when it starts
 * with '{' or '['; JSON parsers read that document, line parsers ignore it.
 */
#include "nz_int.h"

#include "../common/zw_buf.h"
#include "../common/zw_writer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

struct nz_ctx {
    nz_options opt;
    nz_sink sink;
    nz_enrich_fn enrich;
    void *enrich_opaque;
    const nz_parser *const *parsers;
    size_t nparsers;
    int forced; /* index of the forced parser, or -1 */
    size_t name_len[NZ_MAX_PARSERS]; /* strlen of each parser's name, for nz_emit */
    nz_stats stats;
    fjson_tokener *tok;
};

struct nz_emitter {
    nz_stream *st;
    const nz_parser *parser;
    int pidx;
    const nz_record *rec;
    uint64_t seq; /* events emitted for this record */
};

nz_ctx *nz_ctx_new(const nz_options *opt, const nz_sink *sink, char *errstr, size_t errstr_size)
{
    nz_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx) {
        zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
        return NULL;
    }
    if (opt) {
        ctx->opt = *opt;
    }
    if (!ctx->opt.max_record) {
        ctx->opt.max_record = 16u << 20;
    }
    if (!ctx->opt.split_over) {
        ctx->opt.split_over = 1u << 20;
    }
    if (ctx->opt.split_over > ctx->opt.max_record) {
        ctx->opt.split_over = ctx->opt.max_record;
    }
    ctx->sink = *sink;
    ctx->parsers = nz_parsers(&ctx->nparsers);
    for (size_t i = 0; i < ctx->nparsers && i < NZ_MAX_PARSERS; i++) {
        ctx->name_len[i] = strlen(ctx->parsers[i]->name);
    }
    ctx->forced = -1;
    if (ctx->opt.format && strcmp(ctx->opt.format, "auto") != 0) {
        for (size_t i = 0; i < ctx->nparsers; i++) {
            if (strcmp(ctx->parsers[i]->name, ctx->opt.format) == 0) {
                ctx->forced = (int)i;
            }
        }
        if (ctx->forced < 0) {
            zw_errf(errstr, errstr_size, ZW_EINVAL, "unknown format '%s' (see `zonewarden formats`)",
                    ctx->opt.format);
            free(ctx);
            return NULL;
        }
    }
    ctx->tok = fjson_tokener_new_ex(64);
    if (!ctx->tok) {
        free(ctx);
        zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
        return NULL;
    }
    return ctx;
}

void nz_ctx_destroy(nz_ctx *ctx)
{
    if (!ctx) {
        return;
    }
    fjson_tokener_free(ctx->tok);
    free(ctx);
}

void nz_ctx_set_enrich(nz_ctx *ctx, nz_enrich_fn fn, void *opaque)
{
    ctx->enrich = fn;
    ctx->enrich_opaque = opaque;
}

const nz_stats *nz_ctx_stats(const nz_ctx *ctx)
{
    return &ctx->stats;
}

/* A stable uid for the same input: a word-at-a-time multiplicative hash of the
 * position, the event's index within its record and the record's first 64 bytes (the
 * bytes tell apart rotated files with the same name).  Not cryptographic. */
static uint64_t mix(uint64_t h, uint64_t v)
{
    h = (h ^ v) * 0x9E3779B97F4A7C15ull;
    return h ^ (h >> 29);
}

static uint64_t hash_bytes(uint64_t h, const char *p, size_t n)
{
    uint64_t w;
    while (n >= 8) {
        memcpy(&w, p, 8);
        h = mix(h, w);
        p += 8;
        n -= 8;
    }
    w = 0;
    if (n) {
        memcpy(&w, p, n);
    }
    return mix(h, w ^ ((uint64_t)n << 56));
}

nz_stream *nz_stream_new(nz_ctx *ctx, const char *name)
{
    nz_stream *st = calloc(1, sizeof *st);
    if (!st) {
        return NULL;
    }
    st->ctx = ctx;
    st->name = strdup(name ? name : "-");
    st->arena = zw_arena_new(0);
    if (!st->name || !st->arena) {
        nz_stream_destroy(st);
        return NULL;
    }
    st->name_len = strlen(st->name);
    st->name_hash = hash_bytes(0, st->name, st->name_len);
    st->last = ctx->forced;
    st->tc.tz_offset_min = ctx->opt.tz_offset_min;
    st->tc.ref_ms = ctx->opt.ref_ms ? ctx->opt.ref_ms : zw_now_ms();
    for (size_t i = 0; i < ctx->nparsers && i < NZ_MAX_PARSERS; i++) {
        if (ctx->parsers[i]->state_new) {
            st->state[i] = ctx->parsers[i]->state_new();
            if (!st->state[i]) {
                nz_stream_destroy(st);
                return NULL;
            }
        }
    }
    return st;
}

void nz_stream_destroy(nz_stream *st)
{
    if (!st) {
        return;
    }
    for (size_t i = 0; i < st->ctx->nparsers && i < NZ_MAX_PARSERS; i++) {
        if (st->state[i] && st->ctx->parsers[i]->state_free) {
            st->ctx->parsers[i]->state_free(st->state[i]);
        }
    }
    nz_frame_free(st);
    zw_arena_destroy(st->arena);
    free(st->name);
    free(st);
}

void nz_stream_set_ref_time(nz_stream *st, int64_t ref_ms)
{
    if (!st->ctx->opt.ref_ms) {
        st->tc.ref_ms = ref_ms;
    }
}

static uint64_t event_uid(const nz_stream *st, const nz_record *rec, uint64_t seq)
{
    const nz_pos *pos = rec->pos;
    uint64_t h = 0x243F6A8885A308D3ull;
    if (pos->file) {
        h = pos->file == st->name ? mix(h, st->name_hash)
                                  : hash_bytes(h, pos->file, strlen(pos->file));
        h = mix(h, (uint64_t)pos->line);
    }
    if (pos->topic) {
        h = hash_bytes(h, pos->topic, strlen(pos->topic));
        h = mix(h, ((uint64_t)(uint32_t)pos->partition << 32) ^ (uint64_t)pos->offset);
    }
    h = mix(h, seq);
    return hash_bytes(h, rec->p, rec->n < 64 ? rec->n : 64);
}

int nz_emit(nz_emitter *em, zw_event *ev)
{
    nz_stream *st = em->st;
    nz_ctx *ctx = st->ctx;
    const nz_record *rec = em->rec;
    const nz_pos *pos = rec->pos;
    int rc;
    char uid[16];

    zw_ev_set_ref(ev, ZW_F_U_SOURCE_FORMAT, em->parser->name,
                  em->pidx < NZ_MAX_PARSERS ? ctx->name_len[em->pidx] : strlen(em->parser->name));
    if (pos->file) {
        zw_ev_set_ref(ev, ZW_F_U_POS_FILE, pos->file,
                      pos->file == st->name ? st->name_len : strlen(pos->file));
        zw_ev_set_int(ev, ZW_F_U_POS_LINE, pos->line);
    } else {
        zw_ev_unset(ev, ZW_F_U_POS_FILE);
        zw_ev_unset(ev, ZW_F_U_POS_LINE);
    }
    if (pos->topic) {
        zw_ev_set_ref(ev, ZW_F_U_POS_TOPIC, pos->topic, strlen(pos->topic));
        zw_ev_set_int(ev, ZW_F_U_POS_PARTITION, pos->partition);
        zw_ev_set_int(ev, ZW_F_U_POS_OFFSET, pos->offset);
    }
    if (!zw_ev_has(ev, ZW_F_META_UID)) {
        uint64_t h = event_uid(st, rec, em->seq);
        for (int i = 15; i >= 0; i--) { /* "%016llx" without snprintf (hot path) */
            uid[i] = "0123456789abcdef"[h & 15];
            h >>= 4;
        }
        if ((rc = zw_ev_set_str(ev, ZW_F_META_UID, uid, 16))) {
            return rc;
        }
    }
    if (ctx->opt.raw_data) {
        zw_ev_set_ref(ev, ZW_F_RAW_DATA, rec->p, rec->n);
    }
    if (ctx->enrich && (rc = ctx->enrich(ctx->enrich_opaque, ev))) {
        return rc;
    }
    if ((rc = zw_event_finalize(ev))) {
        return rc;
    }
    em->seq++;
    ctx->stats.events++;
    if (em->pidx < NZ_MAX_PARSERS) {
        ctx->stats.fmt_events[em->pidx]++;
    }
    rc = ctx->sink.on_event ? ctx->sink.on_event(ctx->sink.opaque, ev) : 0;
    /* the metadata.uid slot must not leak into a following event of the same record */
    zw_ev_unset(ev, ZW_F_META_UID);
    return rc;
}

/* Hands a dead letter to the sink; a member of a split batch document is named in the
 * reason ("Records[7]: ...").  Counts the dead letter (the caller counts the record). */
static int dead(nz_stream *st, const char *p, size_t n, const nz_pos *pos, const char *reason,
                const char *tried, uint64_t cut)
{
    nz_ctx *ctx = st->ctx;
    char named[700];
    if (st->in_batch) {
        snprintf(named, sizeof named, "%s[%llu]: %s", st->batch.key[0] ? st->batch.key : "",
                 (unsigned long long)st->batch.index, reason);
        reason = named;
    }
    nz_dead d = {p, n, pos, reason, tried, cut};
    ctx->stats.dead++;
    int rc = ctx->sink.on_dead ? ctx->sink.on_dead(ctx->sink.opaque, &d) : 0;
    if (rc == NZ_DEAD_UNWRITTEN) {
        ctx->stats.dead_unwritten++;
        rc = 0;
    }
    return rc;
}

size_t nz_drv_max_record(const nz_stream *st)
{
    return st->ctx->opt.max_record;
}

size_t nz_drv_split_over(const nz_stream *st)
{
    return st->ctx->opt.split_over;
}

int nz_drv_line_framed(const nz_stream *st)
{
    return st->last >= 0 && !st->ctx->parsers[st->last]->json;
}

int nz_drv_dead(nz_stream *st, const char *p, size_t n, int64_t line, const char *reason,
                uint64_t cut)
{
    nz_pos pos = {st->name, line, NULL, -1, -1};
    st->ctx->stats.records++;
    if (cut) {
        st->ctx->stats.truncated++;
    }
    return dead(st, p, n, &pos, reason, "", cut);
}

static int try_parser(nz_stream *st, int i, nz_record *rec, char *err, size_t errsz,
                      uint64_t *emitted)
{
    nz_ctx *ctx = st->ctx;
    const nz_parser *p = ctx->parsers[i];
    nz_emitter em = {st, p, i, rec, 0};
    *emitted = 0;
    if (p->json && !rec->json) {
        return ZW_NOMATCH;
    }
    rec->state = st->state[i];
    rec->forced = ctx->forced >= 0;
    zw_event_clear(&st->ev);
    err[0] = 0;
    int rc = p->parse(rec, &st->ev, &em, err, errsz);
    *emitted = em.seq;
    if (rc == ZW_OK && em.seq == 0) {
        /* a parser that accepted but emitted nothing: treat as its noise */
        rc = ZW_NOISE;
    }
    return rc;
}

/* One record: json (consumed; may be NULL) is its document when the framer parsed it. */
static int stream_record(nz_stream *st, const char *p, size_t n, const nz_pos *pos,
                         fjson_object *json)
{
    nz_ctx *ctx = st->ctx;
    nz_pos own;
    nz_record rec;
    char err[512], tried[512];
    size_t tlen = 0;
    int rc = 0;

    while (n && (p[n - 1] == '\r' || p[n - 1] == '\n')) {
        n--;
    }
    if (!pos) {
        own.file = st->name;
        own.line = st->line;
        own.topic = NULL;
        own.partition = -1;
        own.offset = -1;
        pos = &own;
    }
    /* blank lines are not records */
    size_t k = 0;
    while (k < n && (p[k] == ' ' || p[k] == '\t')) {
        k++;
    }
    if (k == n) {
        fjson_object_put(json);
        return 0;
    }
    ctx->stats.records++;
    zw_arena_reset(st->arena);
    zw_event_init(&st->ev, st->arena);

    memset(&rec, 0, sizeof rec);
    rec.p = p;
    rec.n = n;
    rec.pos = pos;
    rec.tc = &st->tc;
    rec.json = json;
    if (!json && (p[k] == '{' || p[k] == '[')) {
        fjson_tokener_reset(ctx->tok);
        rec.json = fjson_tokener_parse_ex(ctx->tok, p + k, (int)(n - k > 0x7fffffff ? 0x7fffffff : n - k));
        if (rec.json && ctx->tok->char_offset < (int)(n - k)) {
            /* trailing bytes after the document: not one JSON value */
            size_t rest = (size_t)ctx->tok->char_offset + k;
            while (rest < n && (p[rest] == ' ' || p[rest] == '\t')) {
                rest++;
            }
            if (rest < n) {
                fjson_object_put(rec.json);
                rec.json = NULL;
            }
        }
    }

    int order[NZ_MAX_PARSERS + 1];
    size_t norder = 0;
    if (ctx->forced >= 0) {
        order[norder++] = ctx->forced;
    } else {
        if (st->last >= 0) {
            order[norder++] = st->last;
        }
        for (size_t i = 0; i < ctx->nparsers && i < NZ_MAX_PARSERS; i++) {
            if ((int)i != st->last) {
                order[norder++] = (int)i;
            }
        }
    }
    const char *reason = NULL;
    char reason_buf[600];
    tried[0] = 0;
    int done = 0;
    for (size_t j = 0; j < norder && !done; j++) {
        int i = order[j];
        const nz_parser *pp = ctx->parsers[i];
        if (pp->json && !rec.json) {
            continue;
        }
        uint64_t emitted;
        int r = try_parser(st, i, &rec, err, sizeof err, &emitted);
        size_t nl = strlen(pp->name);
        if (tlen + nl + 2 < sizeof tried) {
            if (tlen) {
                tried[tlen++] = ',';
            }
            memcpy(tried + tlen, pp->name, nl);
            tlen += nl;
            tried[tlen] = 0;
        }
        switch (r) {
        case ZW_OK:
            ctx->stats.fmt_records[i]++;
            ctx->stats.with_events++;
            st->last = i;
            done = 1;
            break;
        case ZW_NOISE:
            ctx->stats.fmt_records[i]++;
            ctx->stats.fmt_noise[i]++;
            ctx->stats.noise++;
            st->last = i;
            done = 1;
            break;
        case ZW_NOMATCH:
            break;
        case ZW_EINVAL:
            /* recognised but rejected: that parser's reason is the record's reason */
            ctx->stats.fmt_records[i]++;
            ctx->stats.fmt_rejected[i]++;
            if (emitted) {
                ctx->stats.partial++;
            }
            snprintf(reason_buf, sizeof reason_buf, "%s: %s", pp->name, err[0] ? err : "rejected");
            reason = reason_buf;
            st->last = i;
            done = 2;
            break;
        default:
            /* sink error or out of memory: stop */
            rc = r;
            done = 3;
            break;
        }
    }
    if (!done) {
        if (ctx->forced >= 0) {
            reason = "not in the requested format";
        } else if (rec.json) {
            reason = "JSON document of no known format";
        } else if (p[k] == '{' || p[k] == '[') {
            reason = "malformed JSON";
        } else {
            reason = "no parser recognised the record";
        }
        rc = dead(st, p, n, pos, reason, tried, 0);
    } else if (done == 2) {
        rc = dead(st, p, n, pos, reason, tried, 0);
    }
    if (rec.json) {
        fjson_object_put(rec.json);
    }
    return rc;
}

int nz_stream_record(nz_stream *st, const char *p, size_t n, const nz_pos *pos)
{
    return stream_record(st, p, n, pos, NULL);
}

int nz_drv_record(nz_stream *st, const char *p, size_t n, int64_t line, fjson_object *json)
{
    nz_pos pos = {st->name, line, NULL, -1, -1};
    return stream_record(st, p, n, &pos, json);
}

int nz_stream_feed(nz_stream *st, const char *p, size_t n)
{
    return nz_frame_feed(st, p, n);
}

int nz_stream_finish(nz_stream *st)
{
    return nz_frame_finish(st);
}

int nz_read_file(nz_ctx *ctx, const char *path, char *errstr, size_t errstr_size)
{
    int rc = 0;
    gzFile gz = NULL;
    nz_stream *st = NULL;
    char *buf = NULL;
    const size_t bufsz = 1u << 18;
    int is_stdin = strcmp(path, "-") == 0;

    if (is_stdin) {
        /* a duplicate, so gzclose() frees zlib's state without closing fd 0 */
        int fd = dup(0);
        gz = fd >= 0 ? gzdopen(fd, "rb") : NULL;
        if (!gz && fd >= 0) {
            close(fd);
        }
    } else {
        gz = gzopen(path, "rb");
    }
    if (!gz) {
        rc = zw_errf(errstr, errstr_size, ZW_EIO, "%s: %s", path, strerror(errno ? errno : ENOMEM));
        goto out;
    }
    gzbuffer(gz, 1u << 17);
    ctx->stats.inputs++;
    st = nz_stream_new(ctx, is_stdin ? "-" : path);
    buf = malloc(bufsz);
    if (!st || !buf) {
        rc = zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
        goto out;
    }
    if (!is_stdin && !ctx->opt.ref_ms) {
        struct stat sb;
        if (stat(path, &sb) == 0) {
            nz_stream_set_ref_time(st, (int64_t)sb.st_mtime * 1000);
        }
    }
    for (int first = 1;; first = 0) {
        int n = gzread(gz, buf, (unsigned)bufsz);
        if (first && n > 0 && nz_dnstap_sniff(buf, (size_t)n) &&
            (ctx->forced < 0 || strcmp(ctx->parsers[ctx->forced]->name, "dnstap") == 0)) {
            /* binary input: the whole stream goes to the dnstap reader */
            rc = nz_dnstap_read(st, gz, buf, (size_t)n, errstr, errstr_size);
            goto out;
        }
        if (n > 0) {
            if ((rc = nz_stream_feed(st, buf, (size_t)n))) {
                zw_errf(errstr, errstr_size, rc, "%s: processing stopped (error %d)", path, rc);
                goto out;
            }
            continue;
        }
        if (n == 0) {
            /* zlib reports a stream cut mid-member as end of input plus Z_BUF_ERROR */
            int eof_err;
            gzerror(gz, &eof_err);
            if (eof_err != Z_BUF_ERROR) {
                break;
            }
        }
        int zerr;
        const char *msg = gzerror(gz, &zerr);
        if (zerr == Z_BUF_ERROR || zerr == Z_DATA_ERROR) {
            /* truncated or corrupt gzip: keep what was read, dead-letter the loss */
            if ((rc = nz_stream_finish(st))) {
                goto out;
            }
            char reason[256];
            snprintf(reason, sizeof reason, "gzip stream %s after %lld decompressed bytes: %s",
                     zerr == Z_BUF_ERROR ? "truncated" : "corrupt", (long long)gztell(gz),
                     msg ? msg : "");
            ctx->stats.inputs_cut++;
            rc = nz_drv_dead(st, "", 0, st->line + 1, reason, 0);
            goto out;
        }
        rc = zw_errf(errstr, errstr_size, ZW_EIO, "%s: read error: %s", path,
                     zerr == Z_ERRNO ? strerror(errno) : msg);
        goto out;
    }
    rc = nz_stream_finish(st);
out:
    if (gz) {
        gzclose(gz);
    }
    free(buf);
    nz_stream_destroy(st);
    return rc;
}

int nz_dead_to_json(zw_buf *b, const nz_dead *d)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    int rc = zw_buf_puts(b, "{\"raw\":");
    rc = rc ? rc : zw_json_str(b, d->raw, d->raw_len);
    /* lossless copy when the text form had to replace bytes (NUL, invalid UTF-8, controls) */
    int lossy = 0;
    for (size_t i = 0; i < d->raw_len && !lossy; i++) {
        unsigned char c = (unsigned char)d->raw[i];
        lossy = c == 0 || c >= 0x80;
    }
    if (lossy && !rc) {
        rc = zw_buf_puts(b, ",\"raw_base64\":\"");
        const unsigned char *s = (const unsigned char *)d->raw;
        size_t i = 0;
        for (; i + 2 < d->raw_len && !rc; i += 3) {
            char q[4] = {b64[s[i] >> 2], b64[((s[i] & 3) << 4) | (s[i + 1] >> 4)],
                         b64[((s[i + 1] & 15) << 2) | (s[i + 2] >> 6)], b64[s[i + 2] & 63]};
            rc = zw_buf_append(b, q, 4);
        }
        if (!rc && d->raw_len - i == 1) {
            char q[4] = {b64[s[i] >> 2], b64[(s[i] & 3) << 4], '=', '='};
            rc = zw_buf_append(b, q, 4);
        } else if (!rc && d->raw_len - i == 2) {
            char q[4] = {b64[s[i] >> 2], b64[((s[i] & 3) << 4) | (s[i + 1] >> 4)],
                         b64[(s[i + 1] & 15) << 2], '='};
            rc = zw_buf_append(b, q, 4);
        }
        rc = rc ? rc : zw_buf_putc(b, '"');
    }
    rc = rc ? rc : zw_buf_printf(b, ",\"raw_size\":%zu", d->raw_len);
    if (d->raw_cut) {
        rc = rc ? rc
                : zw_buf_printf(b, ",\"raw_truncated_bytes\":%llu", (unsigned long long)d->raw_cut);
    }
    rc = rc ? rc : zw_buf_puts(b, ",\"position\":{");
    if (d->pos && d->pos->file) {
        rc = rc ? rc : zw_buf_puts(b, "\"file\":");
        rc = rc ? rc : zw_json_str(b, d->pos->file, strlen(d->pos->file));
        rc = rc ? rc : zw_buf_printf(b, ",\"line\":%lld", (long long)d->pos->line);
    } else if (d->pos && d->pos->topic) {
        rc = rc ? rc : zw_buf_puts(b, "\"topic\":");
        rc = rc ? rc : zw_json_str(b, d->pos->topic, strlen(d->pos->topic));
        rc = rc ? rc : zw_buf_printf(b, ",\"partition\":%d,\"offset\":%lld", (int)d->pos->partition,
                                     (long long)d->pos->offset);
    }
    rc = rc ? rc : zw_buf_puts(b, "},\"formats_tried\":[");
    const char *t = d->tried ? d->tried : "";
    int first = 1;
    while (*t && !rc) {
        const char *c = strchr(t, ',');
        size_t l = c ? (size_t)(c - t) : strlen(t);
        rc = zw_buf_puts(b, first ? "" : ",");
        rc = rc ? rc : zw_json_str(b, t, l);
        first = 0;
        t += l + (c ? 1 : 0);
    }
    rc = rc ? rc : zw_buf_puts(b, "],\"reason\":");
    rc = rc ? rc : zw_json_str(b, d->reason, strlen(d->reason));
    rc = rc ? rc : zw_buf_putc(b, '}');
    return rc;
}

int nz_stats_format(const nz_ctx *ctx, zw_buf *b)
{
    const nz_stats *s = &ctx->stats;
    int rc = zw_buf_printf(b,
                           "zonewarden normalize: read %llu records, emitted %llu events, "
                           "noise %llu, dead-lettered %llu (over-long %llu)\n",
                           (unsigned long long)s->records, (unsigned long long)s->events,
                           (unsigned long long)s->noise, (unsigned long long)s->dead,
                           (unsigned long long)s->truncated);
    for (size_t i = 0; i < ctx->nparsers && i < NZ_MAX_PARSERS && !rc; i++) {
        if (!s->fmt_records[i]) {
            continue;
        }
        rc = zw_buf_printf(b, "  %-16s records %llu, events %llu, noise %llu, rejected %llu\n",
                           ctx->parsers[i]->name, (unsigned long long)s->fmt_records[i],
                           (unsigned long long)s->fmt_events[i], (unsigned long long)s->fmt_noise[i],
                           (unsigned long long)s->fmt_rejected[i]);
    }
    if (!rc && s->dead_unwritten) {
        rc = zw_buf_printf(b, "  dead letters not written (over the --dlq-max-bytes cap): %llu\n",
                           (unsigned long long)s->dead_unwritten);
    }
    return rc;
}

void nz_stats_diff(nz_stats *out, const nz_stats *after, const nz_stats *before)
{
    const uint64_t *a = (const uint64_t *)after, *b = (const uint64_t *)before;
    uint64_t *o = (uint64_t *)out;
    _Static_assert(sizeof(nz_stats) % sizeof(uint64_t) == 0, "nz_stats: uint64_t counters only");
    for (size_t i = 0; i < sizeof(nz_stats) / sizeof(uint64_t); i++) {
        o[i] = a[i] - b[i];
    }
}

int nz_stats_json(zw_buf *b, const nz_stats *s, const char *name)
{
    int rc = zw_buf_putc(b, '{');
    if (name) {
        rc = rc ? rc : zw_buf_puts(b, "\"file\":");
        rc = rc ? rc : zw_json_str(b, name, strlen(name));
        rc = rc ? rc : zw_buf_putc(b, ',');
    }
    double rate = s->records ? (double)s->dead / (double)s->records : 0.0;
    rc = rc ? rc
            : zw_buf_printf(b,
                            "\"records\":%llu,\"with_events\":%llu,\"noise\":%llu,\"dead\":%llu,"
                            "\"cut\":%llu,\"partial\":%llu,\"events\":%llu,\"dead_unwritten\":%llu,"
                            "\"inputs\":%llu,\"inputs_cut\":%llu,\"dead_rate\":%.6f}",
                            (unsigned long long)s->records, (unsigned long long)s->with_events,
                            (unsigned long long)s->noise, (unsigned long long)s->dead,
                            (unsigned long long)s->truncated, (unsigned long long)s->partial,
                            (unsigned long long)s->events, (unsigned long long)s->dead_unwritten,
                            (unsigned long long)s->inputs, (unsigned long long)s->inputs_cut, rate);
    return rc;
}

/* ---- binary input (dnstap): the frame reader is nz_parse_dnstap.c ---- */

const char *nz_stream_name(const nz_stream *st)
{
    return st->name;
}

int nz_stream_binary(nz_stream *st, const char *parser, const char *p, size_t n, const nz_pos *pos,
                     const char *dead_reason)
{
    nz_ctx *ctx = st->ctx;
    nz_record rec;
    char err[512], reason[600];
    memset(&rec, 0, sizeof rec);
    rec.p = p ? p : "";
    rec.n = n;
    rec.pos = pos;
    rec.tc = &st->tc;
    if (n || dead_reason) {
        ctx->stats.records++;
    }
    if (dead_reason) {
        return dead(st, rec.p, rec.n, pos, dead_reason, parser, 0);
    }
    int i = 0;
    while ((size_t)i < ctx->nparsers && i < NZ_MAX_PARSERS &&
           strcmp(ctx->parsers[i]->name, parser)) {
        i++;
    }
    if ((size_t)i >= ctx->nparsers || i >= NZ_MAX_PARSERS) {
        return dead(st, rec.p, rec.n, pos, "no parser for binary input", parser, 0);
    }
    zw_arena_reset(st->arena);
    zw_event_init(&st->ev, st->arena);
    nz_emitter em = {st, ctx->parsers[i], i, &rec, 0};
    rec.state = st->state[i];
    rec.forced = NZ_REC_BINARY;
    err[0] = 0;
    int rc = ctx->parsers[i]->parse(&rec, &st->ev, &em, err, sizeof err);
    if (n) {
        ctx->stats.fmt_records[i] += rc == ZW_OK || rc == ZW_NOISE || rc == ZW_EINVAL;
    }
    switch (rc) {
    case ZW_OK:
        return 0;
    case ZW_NOISE:
        ctx->stats.fmt_noise[i]++;
        ctx->stats.noise++;
        return 0;
    case ZW_EINVAL:
    case ZW_NOMATCH:
        ctx->stats.fmt_rejected[i] += rc == ZW_EINVAL;
        snprintf(reason, sizeof reason, "%s: %s", parser, err[0] ? err : "rejected");
        return dead(st, rec.p, rec.n, pos, reason, parser, 0);
    default:
        return rc;
    }
}
