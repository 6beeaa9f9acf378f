/*
 * nz.h - the normalizer: raw records (log lines, JSON documents) in, canonical events
 * out, through one parser per source format registered in nz_registry.c.
 *
 * Layers: a parser turns one record into zero or more events (nz_parser); a stream
 * (nz_stream) frames bytes into records and keeps per-source state (Zeek's #fields
 * header, the parser that matched last, the line number); a context (nz_ctx) holds
 * options, counters and the sink that every event and dead letter goes to.
 *
 * Ownership: the caller owns contexts and streams (nz_*_new / nz_*_destroy, destroy
 * of NULL is a no-op).  Events and dead letters handed to the sink are borrowed and
 * valid only during the callback.  Parsers are static tables and own nothing.
 * Nothing here prints: results travel through return values, the sink and counters.
 */
#ifndef NZ_H
#define NZ_H

#include "../common/zw_common.h"
#include "../common/zw_event.h"
#include "../common/zw_time.h"

#include <libfastjson/json.h>
#include <stdint.h>

/* Where a record came from.  file/line for files, topic/partition/offset for Kafka. */
typedef struct {
    const char *file;  /* NULL for Kafka */
    int64_t line;      /* 1-based first line of the record, 0 if not a file */
    const char *topic; /* NULL for files */
    int32_t partition;
    int64_t offset;
} nz_pos;

/* One record as a parser sees it. */
typedef struct {
    const char *p; /* the bytes, no trailing newline; NOT NUL-terminated */
    size_t n;
    const nz_pos *pos;
    const zw_time_ctx *tc;
    fjson_object *json; /* parsed document when the record is JSON, else NULL (borrowed) */
    void *state;        /* this parser's per-stream state (state_new), or NULL */
    int forced;         /* 1 when --format chose this parser: no other will be tried;
                         * NZ_REC_BINARY for a binary frame (dnstap) handed only to its
                         * own parser, where n == 0 means end of stream (flush state) */
} nz_record;
#define NZ_REC_BINARY 2

typedef struct nz_emitter nz_emitter;

/* Hands a finished event to the driver (which adds position, uid, enrichment and calls
 * the sink).  The parser may change ev and emit again for multi-event records.
 * Returns 0 or the sink's negative error, which the parser must return at once. */
int nz_emit(nz_emitter *em, zw_event *ev);

/* A parser.  parse() returns ZW_OK after emitting at least one event, ZW_NOMATCH if
 * the record is not its format (it must not have emitted), ZW_NOISE for known
 * operational noise of its format, ZW_EINVAL (reason in errstr) for a record of its
 * format it cannot map, or another negative error.  ev arrives cleared, with an arena. */
typedef struct nz_parser {
    const char *name;        /* "bind", used by --format */
    const char *description; /* one line for `zonewarden formats` */
    int json;                /* 1: only looks at JSON records (rec->json != NULL) */
    int (*parse)(const nz_record *rec, zw_event *ev, nz_emitter *em, char *errstr,
                 size_t errstr_size);
    void *(*state_new)(void);     /* optional per-stream state */
    void (*state_free)(void *st); /* NULL-safe */
} nz_parser;

/* The registry (nz_registry.c): every parser, in auto-detection order. */
const nz_parser *const *nz_parsers(size_t *count);
const nz_parser *nz_parser_find(const char *name);

/* A record no parser accepted, or that a parser rejected. */
typedef struct {
    const char *raw;
    size_t raw_len;
    const nz_pos *pos;
    const char *reason;
    const char *tried; /* comma-separated parser names */
    uint64_t raw_cut;  /* bytes of the record after raw[0..raw_len) that were cut (over-long) */
} nz_dead;

typedef struct {
    /* each returns 0, or a negative error that stops processing; on_dead may also
     * return NZ_DEAD_UNWRITTEN (a dead-letter cap was reached: counted, not an error) */
    int (*on_event)(void *opaque, zw_event *ev);
    int (*on_dead)(void *opaque, const nz_dead *d);
    void *opaque;
} nz_sink;

/* Optional enrichment applied to every event before the sink (inventory). */
typedef int (*nz_enrich_fn)(void *opaque, zw_event *ev);

#define NZ_MAX_PARSERS 64
#define NZ_DEAD_UNWRITTEN 1

/* Every record read ends in exactly one of with_events, noise and dead, so
 * records == with_events + noise + dead always holds; truncated and partial are parts
 * of dead, events counts events (a record may give several). */

typedef struct {
    uint64_t records;        /* records framed */
    uint64_t events;         /* events emitted */
    uint64_t noise;          /* records counted as operational noise */
    uint64_t dead;           /* records dead-lettered */
    uint64_t truncated;      /* records cut at max_record (dead-lettered, part of dead) */
    uint64_t with_events;    /* records that produced events and no dead letter */
    uint64_t partial;        /* dead-lettered after some of their events were emitted */
    uint64_t dead_unwritten; /* dead letters the sink did not write (a size cap) */
    uint64_t inputs;         /* inputs (files, stdin) read by nz_read_file */
    uint64_t inputs_cut;     /* of them, ended early: truncated or corrupt gzip */
    uint64_t fmt_records[NZ_MAX_PARSERS];
    uint64_t fmt_events[NZ_MAX_PARSERS];
    uint64_t fmt_noise[NZ_MAX_PARSERS];
    uint64_t fmt_rejected[NZ_MAX_PARSERS];
} nz_stats;

typedef struct {
    const char *format; /* parser name, or NULL / "auto" for auto-detection */
    int raw_data;       /* copy the raw record into raw_data */
    int tz_offset_min;  /* for zone-less timestamps */
    int64_t ref_ms;     /* reference time for year inference; 0 = file mtime or now */
    size_t max_record;  /* bytes; 0 = 16 MiB */
    size_t split_over;  /* batch documents past this many bytes are split into their
                           members (nz_frame.c); 0 = 1 MiB; never above max_record */
} nz_options;

typedef struct nz_ctx nz_ctx;
typedef struct nz_stream nz_stream;

/* NULL on out-of-memory or unknown format (errstr says which). */
nz_ctx *nz_ctx_new(const nz_options *opt, const nz_sink *sink, char *errstr, size_t errstr_size);
void nz_ctx_destroy(nz_ctx *ctx);
void nz_ctx_set_enrich(nz_ctx *ctx, nz_enrich_fn fn, void *opaque);
const nz_stats *nz_ctx_stats(const nz_ctx *ctx);

/* A stream of records from one source.  name is copied (used as position file). */
nz_stream *nz_stream_new(nz_ctx *ctx, const char *name);
void nz_stream_destroy(nz_stream *st);
void nz_stream_set_ref_time(nz_stream *st, int64_t ref_ms);

/* Process one complete record (Kafka message, or a line).  pos may be NULL (the
 * stream's own line counter is used).  Returns 0, or the sink's negative error. */
int nz_stream_record(nz_stream *st, const char *p, size_t n, const nz_pos *pos);

/* Feed raw bytes (file contents); records are framed by newline, or as whole JSON
 * documents when a line opens a JSON value that continues on later lines.
 * nz_stream_finish() flushes a final unterminated record. */
int nz_stream_feed(nz_stream *st, const char *p, size_t n);
int nz_stream_finish(nz_stream *st);

/* Reads a file (plain or gzip; "-" is stdin) through a new stream.  Returns 0, ZW_EIO
 * with errstr for an unreadable file; a truncated or corrupt gzip stream is
 * dead-lettered with its position and counted in inputs_cut (the records before the cut
 * are kept); the caller reports it (the status stays 0). */
int nz_read_file(nz_ctx *ctx, const char *path, char *errstr, size_t errstr_size);

/* Binary input (dnstap; reader in nz_parse_dnstap.c).  nz_stream_binary hands one
 * frame to the parser named `parser` only (no trimming, no JSON, rec.forced =
 * NZ_REC_BINARY; n == 0 signals end of stream), or, when dead_reason is non-NULL,
 * dead-letters [p, p+n) with that reason.  A parser that accepts a frame without
 * emitting (held for a join) is counted as a record of its format, not as noise.
 * Returns 0 or the sink's error. */
int nz_stream_binary(nz_stream *st, const char *parser, const char *p, size_t n, const nz_pos *pos,
                     const char *dead_reason);
const char *nz_stream_name(const nz_stream *st);
/* Reads a whole Frame Streams stream (dnstap) whose first pre_n bytes were already read
 * into pre; the rest comes from gz (a gzFile).  0, or the sink's error (errstr set). */
int nz_dnstap_read(nz_stream *st, void *gz, const char *pre, size_t pre_n, char *errstr,
                   size_t errstr_size);
int nz_dnstap_sniff(const char *p, size_t n);
/* Live dnstap (nz_dnstap_live.c): listens on spec "unix:PATH" for Frame Streams writers
 * (bidirectional handshake) until *stop becomes nonzero (the CLI passes its SIGINT /
 * SIGTERM flag), one stream per connection.  0, or
 * ZW_EINVAL / ZW_EIO / the sink's error with errstr. */
#include <signal.h>
int nz_dnstap_listen(nz_ctx *ctx, const char *spec, volatile sig_atomic_t *stop, char *errstr,
                     size_t errstr_size);

/* Writes the dead letter as one JSON line to b (raw, raw_base64 when the raw bytes are
 * not valid UTF-8 text, raw_size, raw_truncated_bytes when cut, position,
 * formats_tried, reason). */
#include "../common/zw_buf.h"
int nz_dead_to_json(zw_buf *b, const nz_dead *d);

/* Human-readable summary of the counters (for stderr). */
int nz_stats_format(const nz_ctx *ctx, zw_buf *b);

/* The counters of s as one JSON object (records, with_events, noise, dead, cut, partial,
 * events, dead_unwritten, inputs, inputs_cut, dead_rate); name (may be NULL) is written
 * as "file".  For --stats-json. */
int nz_stats_json(zw_buf *b, const nz_stats *s, const char *name);
/* after - before, field by field (the counters of one input). */
void nz_stats_diff(nz_stats *out, const nz_stats *after, const nz_stats *before);

#endif
