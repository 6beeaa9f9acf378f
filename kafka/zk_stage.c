/*
 * zk_stage.c - the Kafka pipeline stage (see zk_stage.h): consumer group in, normalizer,
 * producer out, delivery tracking, transactions, backpressure, metrics.  Not for any
 * log format (normalizer/) nor for option parsing (zk_config.c).
 *
 * One thread does everything that touches offsets: it polls the consumer (which also
 * serves rebalances, logs and statistics), feeds each record to the normalizer stream
 * of its partition, produces what the sink receives, and polls the producer for
 * delivery reports.  So the per-partition bookkeeping needs no locks.
 *
 * At-least-once: each consumed record gets a slot in its partition's ring
 * {offset, pending}.  pending starts at 1 (held while the record is processed) and
 * counts one per output produced from it; a delivery report releases one.  The ring's
 * head advances over finished slots, and the offset after the last finished one is
 * stored (enable.auto.offset.store=false) and auto-committed.  A record whose output
 * the broker refused for good stays unfinished forever, so no offset past it is ever
 * committed; the stage stops with a fatal error.  Except when the refusal concerns the
 * message itself (too large, invalid): that output can never be delivered, so it is
 * counted as undeliverable, logged without its bytes and skipped (the slot finishes),
 * and one poison record cannot crash-loop the stage.  Dead letters are cut to fit
 * dlq_max_message_bytes beforehand.  Each produced message carries its
 * slot as (partition table id << 48 | sequence) in the message opaque.
 *
 * Exactly-once: a transactional producer; records are processed inside a transaction
 * that is committed with the consumed offsets (send_offsets_to_transaction) every
 * txn_max_records records or txn_max_ms, and before partitions are revoked.  On an
 * abortable error the transaction is aborted and every partition is rewound to its
 * committed offset.
 */
#include "zk_stage.h"

#include "../common/zw_buf.h"
#include "../common/zw_time.h"
#include "../compiler/dc_ir.h"
#include "../engine/en_alert.h"
#include "../engine/en_pipe.h"
#include "../engine/en_tables.h"
#include "../normalizer/nz.h"
#include "zk_lag.h"
#include "zk_metrics.h"

#include <inttypes.h>
#include <librdkafka/rdkafka.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ZK_MAX_PARTS 4096
#define SEQ_BITS 48
#define SEQ_MASK (((uint64_t)1 << SEQ_BITS) - 1)
#define FLUSH_MS 30000

typedef struct {
    int64_t offset;
    uint32_t pending; /* outputs not yet acknowledged, +1 while the record is processed */
    uint32_t failed;
} zk_slot;

typedef struct {
    int id; /* index in s->ptab */
    int tidx;
    int32_t partition;
    nz_stream *st;
    zk_slot *ring;
    uint64_t cap; /* power of two */
    uint64_t head, tail;
    int64_t next_offset;  /* offset after the last record processed; -1 none */
    int64_t store_offset; /* offset to store next flush; -1 none */
    int64_t stored;       /* last stored */
    int64_t last_hi;      /* last known high watermark (lag metric); -1 none */
    int in_txn;           /* processed records in the open transaction */
    /* correlation state (rules given) */
    int64_t skip_below;  /* records below this offset are already in the restored state */
    int64_t snap_acked;  /* offset the last acknowledged snapshot covers; -1 none */
    int64_t snap_offset; /* offset the waiting / in-flight snapshot covers */
    int snap_state;      /* SNAP_NONE, SNAP_WAITING (for the acked prefix), SNAP_INFLIGHT */
    zw_buf snap;         /* eos: state at the last commit; at-least-once: waiting snapshot */
} zk_part;

enum { SNAP_NONE = 0, SNAP_WAITING = 1, SNAP_INFLIGHT = 2 };

typedef struct {
    char *topic;
    char *format;
    nz_ctx *ctx;
    zk_part **bypart; /* indexed by partition number */
    int32_t nbypart;
} zk_in;

typedef struct {
    int64_t msg_cnt, msg_size, tx, rx, txmsgs, rxmsgs, replyq;
    int64_t up_ms; /* last statistics tick that saw a broker UP (0 never) */
} zk_rkstats;

/* Alerts per rule or correlation, keyed by uid (kept across rules reloads, so a
 * Prometheus counter never goes backwards). */
typedef struct {
    char *uid, *name;
    uint64_t n;
} zk_rule_count;

/* Record processing latency (consume to produce enqueued), seconds. */
static const double lat_le[] = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                0.01,    0.025,  0.05,    0.1,    0.25,  1};
#define ZK_NLAT ((int)(sizeof lat_le / sizeof lat_le[0]))

struct zk_stage {
    zk_config cfg; /* scalars and callbacks; its string pointers are the stage's copies or NULL */
    zk_in in[ZK_MAX_INPUTS];
    int nin;
    char *out_topic, *dlq_topic, *alert_topic, *state_topic, *group, *brokers;
    rd_kafka_t *cons, *prod;
    rd_kafka_topic_t *out_rkt, *dlq_rkt, *alert_rkt, *state_rkt;
    char **pass_props; /* security.*, ssl.*, sasl.* properties for the changelog reader */
    int npass;
    int64_t last_ckpt_ms;

    /* detection (rules given): the engine pipeline (matcher + correlator) */
    en_tables *tables;
    en_pipe *pipe;
    zw_str cur_zone; /* key for alerts fired while the current event is processed */
    char cur_fmt[64];
    zk_part *ptab[ZK_MAX_PARTS];
    int nparts;

    /* the record being processed */
    zk_part *cur;
    uint64_t cur_seq;
    const rd_kafka_message_t *cur_msg;

    zw_buf buf, hbuf;
    zk_counters cnt;
    int64_t in_flight;
    int paused;
    int fatal;
    int losing; /* in the callback of a lost assignment: delivery failures are expected */
    char fatal_msg[512];
    int warned_no_dlq;

    /* eos: outputs the broker refused for themselves; the aborted transaction's records
     * are processed again and these outputs are then skipped (a ring) */
    struct {
        const char *dest;
        int tidx;
        int32_t partition;
        int64_t offset;
        rd_kafka_resp_err_t err;
    } poison[1024];
    unsigned npoison;

    /* eos */
    int txn_open;
    int txn_abort;
    int64_t txn_start_ms;
    int txn_records;

    /* metrics */
    zk_metrics_server *http;
    zk_lag *lagmon; /* queried high watermarks (metrics on) */
    int64_t last_tick_ms;
    int64_t last_rebalance_ms;
    zk_rkstats rks[2]; /* consumer, producer */
    zw_buf mbuf;
    int64_t start_ms;
    int healthy;           /* last /health answer: 1 = 200 */
    zk_rule_count *rcount; /* per-rule alert counters */
    size_t nrcount, caprcount;
    uint64_t lat_bucket[ZK_NLAT + 1]; /* last: +Inf */
    uint64_t lat_count;
    double lat_sum;

    /* rules reload (SIGHUP or a watched file) */
    char *rules_path;
    struct stat rules_st; /* of the file last loaded */
    int64_t last_watch_ms;

    /* values never to appear in a message (passwords and other secrets) */
    char **secrets;
    int nsecrets;
};

/* Properties whose values are masked in every message: the secrets proper (not every
 * sasl.* value: masking a mechanism name like "PLAIN" would garble the logs). */
static int zk_secret_value(const char *name, size_t n)
{
    char low[256];
    snprintf(low, sizeof low, "%.*s", (int)(n < 255 ? n : 255), name);
    for (char *q = low; *q; q++) {
        *q = (char)(*q >= 'A' && *q <= 'Z' ? *q + 32 : *q);
    }
    return strstr(low, "password") || strstr(low, "secret") || strstr(low, "oauthbearer.config") ||
           strstr(low, "ssl.key.pem") || strstr(low, "ssl_key");
}

/* Overwrites every occurrence of a secret value in msg with '*'. */
static void mask_secrets(const zk_stage *s, char *msg)
{
    for (int i = 0; i < s->nsecrets; i++) {
        size_t n = strlen(s->secrets[i]);
        char *at = msg;
        while (n && (at = strstr(at, s->secrets[i]))) {
            memset(at, '*', n);
            at += n;
        }
    }
}

static void slog(zk_stage *s, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void slog(zk_stage *s, int level, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    if (!s->cfg.log) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    mask_secrets(s, msg);
    s->cfg.log(s->cfg.opaque, level, msg);
}

static void set_fatal(zk_stage *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_fatal(zk_stage *s, const char *fmt, ...)
{
    va_list ap;
    if (s->fatal) {
        return; /* the first cause is the one reported */
    }
    s->fatal = 1;
    va_start(ap, fmt);
    vsnprintf(s->fatal_msg, sizeof s->fatal_msg, fmt, ap);
    va_end(ap);
    mask_secrets(s, s->fatal_msg);
    slog(s, ZK_LOG_ERR, "fatal: %s", s->fatal_msg);
}

/* ---- per-partition state ---- */

/* Correlator partition id: input topic index and partition in one int32. */
static int32_t corr_partition(const zk_part *p)
{
    return (int32_t)((p->tidx << 20) | (p->partition & 0xfffff));
}

static zk_part *part_find(zk_stage *s, int tidx, int32_t partition)
{
    zk_in *in = &s->in[tidx];
    return partition >= 0 && partition < in->nbypart ? in->bypart[partition] : NULL;
}

static int topic_index(zk_stage *s, const char *topic)
{
    for (int i = 0; i < s->nin; i++) {
        if (!strcmp(s->in[i].topic, topic)) {
            return i;
        }
    }
    return -1;
}

static zk_part *part_open(zk_stage *s, int tidx, int32_t partition)
{
    zk_in *in = &s->in[tidx];
    zk_part *p = part_find(s, tidx, partition);
    char name[512];
    int id = -1;
    if (p) {
        return p;
    }
    if (partition < 0) {
        return NULL;
    }
    for (int i = 0; i < ZK_MAX_PARTS; i++) {
        if (!s->ptab[i]) {
            id = i;
            break;
        }
    }
    if (id < 0) {
        set_fatal(s, "more than %d assigned partitions", ZK_MAX_PARTS);
        return NULL;
    }
    if (partition >= in->nbypart) {
        int32_t n = partition + 1 > in->nbypart * 2 ? partition + 1 : in->nbypart * 2;
        zk_part **b = realloc(in->bypart, (size_t)n * sizeof *b);
        if (!b) {
            goto oom;
        }
        memset(b + in->nbypart, 0, (size_t)(n - in->nbypart) * sizeof *b);
        in->bypart = b;
        in->nbypart = n;
    }
    p = calloc(1, sizeof *p);
    if (!p) {
        goto oom;
    }
    snprintf(name, sizeof name, "%s/%d", in->topic, (int)partition);
    p->st = nz_stream_new(in->ctx, name);
    p->cap = 1024;
    p->ring = malloc(p->cap * sizeof *p->ring);
    if (!p->st || !p->ring) {
        nz_stream_destroy(p->st);
        free(p->ring);
        free(p);
        goto oom;
    }
    p->id = id;
    p->tidx = tidx;
    p->partition = partition;
    p->next_offset = p->store_offset = p->stored = p->last_hi = -1;
    p->skip_below = p->snap_acked = p->snap_offset = -1;
    zw_buf_init(&p->snap);
    zk_lag_track(s->lagmon, in->topic, partition, 1);
    s->ptab[id] = p;
    in->bypart[partition] = p;
    s->nparts++;
    return p;
oom:
    set_fatal(s, "out of memory");
    return NULL;
}

static void part_close(zk_stage *s, zk_part *p)
{
    if (!p) {
        return;
    }
    s->in[p->tidx].bypart[p->partition] = NULL;
    s->ptab[p->id] = NULL;
    zk_lag_track(s->lagmon, s->in[p->tidx].topic, p->partition, 0);
    s->nparts--;
    if (s->pipe) {
        en_corr_drop_partition(en_pipe_corr(s->pipe), corr_partition(p));
    }
    zw_buf_free(&p->snap);
    nz_stream_destroy(p->st);
    free(p->ring);
    free(p);
}

static int ring_push(zk_part *p, int64_t offset, uint64_t *seq)
{
    if (p->tail - p->head == p->cap) {
        uint64_t ncap = p->cap * 2;
        zk_slot *r = malloc(ncap * sizeof *r);
        if (!r) {
            return ZW_ENOMEM;
        }
        for (uint64_t q = p->head; q < p->tail; q++) {
            r[q & (ncap - 1)] = p->ring[q & (p->cap - 1)];
        }
        free(p->ring);
        p->ring = r;
        p->cap = ncap;
    }
    *seq = p->tail++;
    zk_slot *sl = &p->ring[*seq & (p->cap - 1)];
    sl->offset = offset;
    sl->pending = 1;
    sl->failed = 0;
    return 0;
}

/* Moves the head over finished slots; remembers the offset to store. */
static void ring_advance(zk_part *p)
{
    while (p->head < p->tail) {
        zk_slot *sl = &p->ring[p->head & (p->cap - 1)];
        if (sl->pending || sl->failed) {
            break;
        }
        p->store_offset = sl->offset + 1;
        p->head++;
    }
}

static void ring_release(zk_part *p, uint64_t seq, int failed)
{
    if (seq < p->head || seq >= p->tail) {
        return; /* cannot happen: partitions are flushed before they close */
    }
    zk_slot *sl = &p->ring[seq & (p->cap - 1)];
    if (failed) {
        sl->failed = 1;
    }
    if (sl->pending) {
        sl->pending--;
    }
    if (seq == p->head) {
        ring_advance(p);
    }
}

/* Stores the offsets of every partition whose acknowledged prefix grew. */
static void flush_stores(zk_stage *s)
{
    rd_kafka_topic_partition_list_t *l = NULL;
    if (s->cfg.eos) {
        return;
    }
    for (int i = 0; i < ZK_MAX_PARTS; i++) {
        zk_part *p = s->ptab[i];
        if (!p) {
            continue;
        }
        int64_t off = p->store_offset;
        if (s->state_rkt && p->snap_acked < off) {
            /* never commit past the correlation state that has reached the changelog */
            off = p->snap_acked;
        }
        if (off < 0 || off == p->stored) {
            continue;
        }
        if (!l && !(l = rd_kafka_topic_partition_list_new(8))) {
            return;
        }
        rd_kafka_topic_partition_list_add(l, s->in[p->tidx].topic, p->partition)->offset = off;
        p->stored = off;
    }
    if (l) {
        rd_kafka_resp_err_t err = rd_kafka_offsets_store(s->cons, l);
        if (err && err != RD_KAFKA_RESP_ERR__STATE) {
            slog(s, ZK_LOG_WARNING, "offsets_store: %s", rd_kafka_err2str(err));
        }
        rd_kafka_topic_partition_list_destroy(l);
    }
}

/* ---- producing ---- */

/* Errors that concern one message only (its size or content): retrying or stopping cannot
 * help, and the next message may well pass.  Everything else (topic missing, not
 * authorised, timed out, fenced) stays fatal: it would fail every record. */
static int permanent_for_message(rd_kafka_resp_err_t err)
{
    switch (err) {
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_INVALID_MSG:
    case RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE:
    case RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_INVALID_RECORD:
    case RD_KAFKA_RESP_ERR_INVALID_TIMESTAMP:
        return 1;
    default:
        return 0;
    }
}

/* Counts and logs an output that can be delivered nowhere; names the source record,
 * never its bytes. */
static void undeliverable(zk_stage *s, const char *topic, const char *src, const char *part,
                          const char *off, rd_kafka_resp_err_t err)
{
    s->cnt.undeliverable++;
    slog(s, ZK_LOG_WARNING,
         "undeliverable: output to %s of %s [%s] offset %s skipped: %s (counted as "
         "undeliverable; the record's offset is committed)",
         topic, src, part, off, rd_kafka_err2str(err));
}

static void header_str(rd_kafka_headers_t *h, const char *name, char *out, size_t n)
{
    const void *v = NULL;
    size_t vn = 0;
    if (!h || rd_kafka_header_get_last(h, name, &v, &vn) || !v) {
        snprintf(out, n, "?");
        return;
    }
    snprintf(out, n, "%.*s", (int)(vn < n ? vn : n - 1), (const char *)v);
}

/* eos: remembers which output of which input record the broker refused for itself, so
 * that after the abort and rewind that output is skipped (counted as undeliverable)
 * instead of aborting every transaction again. */
static void remember_poison(zk_stage *s, const rd_kafka_message_t *m)
{
    rd_kafka_headers_t *h = NULL;
    char src[256], part[16], off[24];
    rd_kafka_message_headers(m, &h);
    header_str(h, "zw-source-topic", src, sizeof src);
    header_str(h, "zw-source-partition", part, sizeof part);
    header_str(h, "zw-source-offset", off, sizeof off);
    int t = topic_index(s, src);
    if (t < 0) {
        return;
    }
    unsigned k = s->npoison++ % ZW_ARRAY_LEN(s->poison);
    s->poison[k].dest = rd_kafka_topic_name(m->rkt);
    s->poison[k].tidx = t;
    s->poison[k].partition = (int32_t)strtol(part, NULL, 10);
    s->poison[k].offset = strtoll(off, NULL, 10);
    s->poison[k].err = m->err;
    slog(s, ZK_LOG_WARNING,
         "output to %s of %s [%s] offset %s refused for good: %s (the transaction aborts; "
         "this output is skipped when the record is processed again)",
         s->poison[k].dest, src, part, off, rd_kafka_err2str(m->err));
}

/* Is the current record's output to rkt one the broker refused before (eos)? */
static int is_poison(const zk_stage *s, rd_kafka_topic_t *rkt, rd_kafka_resp_err_t *err)
{
    unsigned n = s->npoison < ZW_ARRAY_LEN(s->poison) ? s->npoison : ZW_ARRAY_LEN(s->poison);
    for (unsigned k = 0; k < n; k++) {
        if (s->poison[k].offset == s->cur_msg->offset &&
            s->poison[k].partition == s->cur_msg->partition && s->poison[k].tidx == s->cur->tidx &&
            !strcmp(s->poison[k].dest, rd_kafka_topic_name(rkt))) {
            *err = s->poison[k].err;
            return 1;
        }
    }
    return 0;
}

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    zk_stage *s = opaque;
    uintptr_t o = (uintptr_t)m->_private;
    int failed = m->err != 0;
    (void)rk;
    s->in_flight--;
    if (m->err && !s->cfg.eos && !s->losing && (o & SEQ_MASK) != SEQ_MASK &&
        permanent_for_message(m->err)) {
        /* this output can never be delivered: skip it so its record's offset is
         * committed and the stage does not crash-loop on one record */
        rd_kafka_headers_t *h = NULL;
        char src[256], part[16], off[24];
        rd_kafka_message_headers(m, &h);
        header_str(h, "zw-source-topic", src, sizeof src);
        header_str(h, "zw-source-partition", part, sizeof part);
        header_str(h, "zw-source-offset", off, sizeof off);
        s->cnt.produce_failed++;
        undeliverable(s, rd_kafka_topic_name(m->rkt), src, part, off, m->err);
        failed = 0;
    } else if (m->err) {
        s->cnt.produce_failed++;
        if (s->losing) {
            slog(s, ZK_LOG_WARNING, "delivery to %s failed after the assignment was lost: %s",
                 rd_kafka_topic_name(m->rkt), rd_kafka_err2str(m->err));
        } else if (s->cfg.eos) {
            /* the transaction cannot commit: abort it and rewind */
            s->txn_abort = 1;
            if (permanent_for_message(m->err)) {
                remember_poison(s, m);
            }
            slog(s, ZK_LOG_WARNING, "delivery to %s failed: %s (transaction will abort)",
                 rd_kafka_topic_name(m->rkt), rd_kafka_err2str(m->err));
        } else {
            set_fatal(s,
                      "delivery to %s failed for good: %s (no input offset past it is committed)",
                      rd_kafka_topic_name(m->rkt), rd_kafka_err2str(m->err));
        }
    } else {
        s->cnt.produced++;
    }
    if (!s->cfg.eos && o) {
        int id = (int)(o >> SEQ_BITS) - 1;
        zk_part *p = id >= 0 && id < ZK_MAX_PARTS ? s->ptab[id] : NULL;
        if (p && (o & SEQ_MASK) == SEQ_MASK) {
            /* a correlation state snapshot */
            if (!m->err) {
                p->snap_acked = p->snap_offset;
                s->cnt.checkpoints++;
            }
            p->snap_state = SNAP_NONE;
        } else if (p) {
            ring_release(p, o & SEQ_MASK, failed);
        }
    }
}

static int produce(zk_stage *s, rd_kafka_topic_t *rkt, const char *key, size_t keylen,
                   const char *val, size_t vlen, const char *kind, const char *fmt)
{
    const rd_kafka_message_t *m = s->cur_msg;
    zk_part *p = s->cur;
    char part[16], off[24];
    const char *schema =
        s->cfg.kind == ZW_OUT_ECS ? "ecs/" ZW_ECS_VERSION : "ocsf/" ZW_OCSF_VERSION;
    uintptr_t op = 0;
    rd_kafka_resp_err_t err;

    snprintf(part, sizeof part, "%d", (int)m->partition);
    snprintf(off, sizeof off, "%" PRId64, m->offset);
    if (s->cfg.eos && is_poison(s, rkt, &err)) {
        undeliverable(s, rd_kafka_topic_name(rkt), s->in[p->tidx].topic, part, off, err);
        return 0;
    }
    if (!s->cfg.eos) {
        op = ((uintptr_t)(p->id + 1) << SEQ_BITS) | (uintptr_t)(s->cur_seq & SEQ_MASK);
        p->ring[s->cur_seq & (p->cap - 1)].pending++;
    }
    for (;;) {
        err = rd_kafka_producev(
            s->prod, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_PARTITION(RD_KAFKA_PARTITION_UA),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_VALUE((void *)val, vlen),
            RD_KAFKA_V_KEY((const void *)key, keylen), RD_KAFKA_V_HEADER("zw-kind", kind, -1),
            RD_KAFKA_V_HEADER("zw-schema", schema, -1),
            RD_KAFKA_V_HEADER("zw-source-format", fmt, -1),
            RD_KAFKA_V_HEADER("zw-source-topic", s->in[p->tidx].topic, -1),
            RD_KAFKA_V_HEADER("zw-source-partition", part, -1),
            RD_KAFKA_V_HEADER("zw-source-offset", off, -1), RD_KAFKA_V_OPAQUE((void *)op),
            RD_KAFKA_V_END);
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL || s->fatal) {
            break;
        }
        /* backpressure at the producer queue: serve delivery reports until room */
        rd_kafka_poll(s->prod, 50);
    }
    if (err && permanent_for_message(err)) {
        /* refused before it left (larger than message.max.bytes): skipped, as in dr_cb */
        if (!s->cfg.eos) {
            p->ring[s->cur_seq & (p->cap - 1)].pending--;
        }
        s->cnt.produce_failed++;
        undeliverable(s, rd_kafka_topic_name(rkt), s->in[p->tidx].topic, part, off, err);
        return 0;
    }
    if (err) {
        if (!s->cfg.eos) {
            /* the record's output never left: its offset must never be stored */
            p->ring[s->cur_seq & (p->cap - 1)].pending--;
            p->ring[s->cur_seq & (p->cap - 1)].failed = 1;
        }
        if (s->cfg.eos && err != RD_KAFKA_RESP_ERR__FATAL) {
            s->txn_abort = 1;
            slog(s, ZK_LOG_WARNING, "produce to %s: %s (transaction will abort)",
                 rd_kafka_topic_name(rkt), rd_kafka_err2str(err));
            return ZW_EIO;
        }
        set_fatal(s, "produce to %s: %s", rd_kafka_topic_name(rkt), rd_kafka_err2str(err));
        return ZW_EIO;
    }
    s->in_flight++;
    return 0;
}

/* Counts one alert of a rule (linear over the rules that alerted so far: a handful in
 * practice; a miss on out-of-memory loses only the per-rule count, not the alert). */
static void count_rule_alert(zk_stage *s, const en_rule_meta *meta)
{
    for (size_t i = 0; i < s->nrcount; i++) {
        if (!strcmp(s->rcount[i].uid, meta->uid)) {
            s->rcount[i].n++;
            return;
        }
    }
    if (s->nrcount == s->caprcount) {
        size_t n = s->caprcount ? s->caprcount * 2 : 16;
        zk_rule_count *r = realloc(s->rcount, n * sizeof *r);
        if (!r) {
            return;
        }
        s->rcount = r;
        s->caprcount = n;
    }
    zk_rule_count *r = &s->rcount[s->nrcount];
    r->uid = strdup(meta->uid);
    r->name = strdup(meta->name ? meta->name : "");
    if (!r->uid || !r->name) {
        free(r->uid);
        free(r->name);
        return;
    }
    r->n = 1;
    s->nrcount++;
}

/* Alert sink of the engine pipeline: one Detection Finding per alert, produced to the
 * alert topic while the record that fired it is being processed (so its offset waits
 * for the alert's acknowledgement), keyed by that record's event zone. */
static int on_alert(void *ud, const en_alert *a)
{
    zk_stage *s = ud;
    if (!s->cur) {
        return 0; /* not reached: the pipeline is fed only while a record is processed */
    }
    zw_buf_clear(&s->buf);
    if (en_alert_write_json(&s->buf, a, NULL)) {
        return ZW_ENOMEM;
    }
    s->cnt.alerts++;
    count_rule_alert(s, a->meta);
    return produce(s, s->alert_rkt, s->cur_zone.n ? s->cur_zone.p : NULL, s->cur_zone.n, s->buf.p,
                   s->buf.len, "alert", s->cur_fmt);
}

/* Runs the event through the engine pipeline (alerts go to on_alert). */
static int detect(zk_stage *s, const zw_event *ev, zw_str zone, const char *fmt)
{
    char pos[300];
    if (s->cur_msg->offset < s->cur->skip_below) {
        return 0; /* already counted in the restored correlation state */
    }
    snprintf(pos, sizeof pos, "%s/%d/%" PRId64, s->in[s->cur->tidx].topic,
             (int)s->cur_msg->partition, s->cur_msg->offset);
    s->cur_zone = zone;
    snprintf(s->cur_fmt, sizeof s->cur_fmt, "%s", fmt);
    int rc = en_pipe_event(s->pipe, ev, zw_str_c(pos), corr_partition(s->cur));
    return rc < 0 ? rc : 0;
}

static int on_event(void *opaque, zw_event *ev)
{
    zk_stage *s = opaque;
    zw_str zone = zw_ev_str(ev, ZW_F_U_ZONE);
    zw_str fmt = zw_ev_str(ev, ZW_F_U_SOURCE_FORMAT);
    char fbuf[64];
    snprintf(fbuf, sizeof fbuf, "%.*s", (int)(fmt.n < 63 ? fmt.n : 63), fmt.p ? fmt.p : "");
    zw_buf_clear(&s->buf);
    if (zw_write_event(&s->buf, ev, s->cfg.kind)) {
        return ZW_ENOMEM;
    }
    s->cnt.events++;
    int rc =
        produce(s, s->out_rkt, zone.n ? zone.p : NULL, zone.n, s->buf.p, s->buf.len, "event", fbuf);
    if (!rc && s->pipe) {
        rc = detect(s, ev, zone, fbuf);
    }
    return rc;
}

/* Bytes a dead letter's message needs besides its JSON value: key, headers (names and
 * values, the source topic the longest) and the record and batch framing. */
static size_t dead_overhead(const zk_stage *s, size_t keylen)
{
    return keylen + strlen(s->in[s->cur->tidx].topic) + 512;
}

/* Writes into s->buf the dead letter d with only its first keep raw bytes, a reason that
 * says how many were cut, and raw_original_size / raw_cut_bytes.  0 or ZW_ENOMEM. */
static int build_cut(zk_stage *s, const nz_dead *d, size_t keep)
{
    char reason[1024];
    nz_dead c = *d;
    snprintf(reason, sizeof reason,
             "%s; raw bytes cut to fit dlq-max-message-bytes %d: %zu of %zu bytes kept, %zu cut",
             d->reason ? d->reason : "", s->cfg.dlq_max_message_bytes, keep, d->raw_len,
             d->raw_len - keep);
    c.raw_len = keep;
    c.reason = reason;
    zw_buf_clear(&s->buf);
    if (nz_dead_to_json(&s->buf, &c)) {
        return ZW_ENOMEM;
    }
    s->buf.len--; /* the envelope's closing brace gives way to the cut fields */
    return zw_buf_printf(&s->buf, ",\"raw_original_size\":%zu,\"raw_cut_bytes\":%zu}", d->raw_len,
                         d->raw_len - keep)
               ? ZW_ENOMEM
               : 0;
}

/* Writes the dead letter into s->buf so that it fits dlq_max_message_bytes: when the
 * whole envelope is too large, the raw bytes are cut (the JSON string form of binary
 * input costs up to 6 bytes per byte, the base64 copy 4/3 more) and the envelope says
 * how many bytes were cut, in raw_original_size / raw_cut_bytes and in the reason.
 * *keylen becomes 0 when even the key does not fit.  Returns 0 or ZW_ENOMEM. */
static int dead_fit(zk_stage *s, const nz_dead *d, size_t *keylen)
{
    size_t cap = (size_t)s->cfg.dlq_max_message_bytes;
    size_t keep;
    /* at least the envelope without raw bytes goes out, even under a tiny topic limit */
    zw_buf_clear(&s->buf);
    if (nz_dead_to_json(&s->buf, d)) {
        return ZW_ENOMEM;
    }
    if (dead_overhead(s, *keylen) + s->buf.len <= cap) {
        return 0;
    }
    if (*keylen > cap / 4) {
        *keylen = 0; /* a huge key is the input's; the position names the record */
    }
    /* first from the worst case (8 bytes per raw byte), then from the measured cost per
     * raw byte, then shrink in proportion until it fits (bounded) */
    size_t fixed = dead_overhead(s, *keylen) + 2048;
    size_t avail = cap > fixed ? cap - fixed : 0;
    keep = avail / 8 < d->raw_len ? avail / 8 : d->raw_len;
    for (int round = 0; round < 16; round++) {
        if (build_cut(s, d, keep)) {
            return ZW_ENOMEM;
        }
        size_t need = dead_overhead(s, *keylen) + s->buf.len;
        /* measured cost of one kept raw byte (an upper bound: it includes the fixed part) */
        double per = keep ? (double)s->buf.len / (double)keep : 1.0;
        if (round == 0 && keep > 0 && need <= cap) {
            size_t k2 = (size_t)((double)avail / per);
            if (k2 > keep) {
                keep = k2 < d->raw_len ? k2 : d->raw_len;
                continue;
            }
        }
        if (need <= cap || keep == 0) {
            break;
        }
        size_t cut = (size_t)((double)(need - cap) / (per < 1.0 ? 1.0 : per)) + 64;
        keep = keep > cut ? keep - cut : 0;
    }
    s->cnt.dead_cut++;
    return 0;
}

static int on_dead(void *opaque, const nz_dead *d)
{
    zk_stage *s = opaque;
    const rd_kafka_message_t *m = s->cur_msg;
    const zk_in *in = &s->in[s->cur->tidx];
    size_t keylen = m->key ? m->key_len : 0;
    if (!s->dlq_rkt) {
        s->cnt.dead_dropped++;
        if (!s->warned_no_dlq) {
            s->warned_no_dlq = 1;
            slog(s, ZK_LOG_WARNING,
                 "a record was dead-lettered but no dlq-topic is set: "
                 "dead letters are counted (dead_dropped) and dropped");
        }
        return 0;
    }
    if (dead_fit(s, d, &keylen)) {
        return ZW_ENOMEM;
    }
    s->cnt.dead++;
    return produce(s, s->dlq_rkt, keylen ? m->key : NULL, keylen, s->buf.p, s->buf.len,
                   "dead-letter", in->format ? in->format : "auto");
}

/* ---- correlation state changelog ---- */

static void state_key(const zk_stage *s, const zk_part *p, char *key, size_t n)
{
    snprintf(key, n, "%s|%s|%d", s->group, s->in[p->tidx].topic, (int)p->partition);
}

/* Produces one partition's snapshot (value = en_corr blob, zw-offset = the input offset
 * it covers).  At-least-once: tracked by the partition (opaque marker); eos: by the
 * transaction. */
static int produce_state(zk_stage *s, zk_part *p, const zw_buf *blob, int64_t offset)
{
    char key[600], off[24];
    uintptr_t op = s->cfg.eos ? 0 : ((uintptr_t)(p->id + 1) << SEQ_BITS) | (uintptr_t)SEQ_MASK;
    rd_kafka_resp_err_t err;
    state_key(s, p, key, sizeof key);
    snprintf(off, sizeof off, "%" PRId64, offset);
    for (;;) {
        err = rd_kafka_producev(
            s->prod, RD_KAFKA_V_RKT(s->state_rkt), RD_KAFKA_V_PARTITION(RD_KAFKA_PARTITION_UA),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_VALUE(blob->p, blob->len),
            RD_KAFKA_V_KEY(key, strlen(key)), RD_KAFKA_V_HEADER("zw-kind", "state", -1),
            RD_KAFKA_V_HEADER("zw-offset", off, -1), RD_KAFKA_V_OPAQUE((void *)op), RD_KAFKA_V_END);
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL || s->fatal) {
            break;
        }
        rd_kafka_poll(s->prod, 50);
    }
    if (err) {
        if (s->cfg.eos) {
            s->txn_abort = 1;
            return ZW_EIO;
        }
        set_fatal(s, "produce to %s: %s", s->state_topic, rd_kafka_err2str(err));
        return ZW_EIO;
    }
    s->in_flight++;
    return 0;
}

/* At-least-once checkpoints: a snapshot is taken every checkpoint_ms (or now, when
 * forced) and produced once every output of the records it covers is acknowledged, so
 * the changelog never holds state ahead of the outputs; offsets are never committed
 * past the last acknowledged snapshot (flush_stores). */
static void checkpoint_tick(zk_stage *s, int force)
{
    int64_t now = zw_now_ms();
    int take = force || now - s->last_ckpt_ms >= s->cfg.checkpoint_ms;
    if (!s->state_rkt || s->cfg.eos) {
        return;
    }
    if (take) {
        s->last_ckpt_ms = now;
    }
    for (int i = 0; i < ZK_MAX_PARTS && !s->fatal; i++) {
        zk_part *p = s->ptab[i];
        if (!p) {
            continue;
        }
        if (take && p->snap_state == SNAP_NONE && p->next_offset > p->snap_acked) {
            zw_buf_clear(&p->snap);
            if (en_corr_export_partition(en_pipe_corr(s->pipe), corr_partition(p), &p->snap)) {
                set_fatal(s, "out of memory");
                return;
            }
            p->snap_offset = p->next_offset;
            p->snap_state = SNAP_WAITING;
        }
        if (p->snap_state == SNAP_WAITING && p->store_offset >= p->snap_offset) {
            if (produce_state(s, p, &p->snap, p->snap_offset) == 0) {
                p->snap_state = SNAP_INFLIGHT;
            }
        }
    }
}

/* Reads the changelog from the start and imports the latest snapshot of each of the
 * given partitions.  Runs in the rebalance callback, before the partitions are
 * assigned; a missing snapshot is a fresh start. */
static void restore_parts(zk_stage *s, zk_part **ps, int n)
{
    rd_kafka_conf_t *c = rd_kafka_conf_new();
    rd_kafka_t *rk = NULL;
    rd_kafka_topic_partition_list_t *l = NULL;
    const rd_kafka_metadata_t *md = NULL;
    char e[512], key[600];
    int64_t *offs = calloc((size_t)n + 1, sizeof *offs);
    zw_buf *vals = calloc((size_t)n + 1, sizeof *vals);
    int npart = 0, eofs = 0;

    if (!offs || !vals) {
        set_fatal(s, "out of memory");
        goto out;
    }
    for (int i = 0; i < n; i++) {
        offs[i] = -1;
        zw_buf_init(&vals[i]);
    }
    rd_kafka_conf_set(c, "bootstrap.servers", s->brokers, NULL, 0);
    rd_kafka_conf_set(c, "enable.partition.eof", "true", NULL, 0);
    rd_kafka_conf_set(c, "isolation.level", "read_committed", NULL, 0);
    rd_kafka_conf_set(c, "client.id", "zonewarden-state", NULL, 0);
    /* a group id only so that the consumer API can be used; it never commits */
    snprintf(key, sizeof key, "%s.state-reader", s->group);
    rd_kafka_conf_set(c, "group.id", key, NULL, 0);
    rd_kafka_conf_set(c, "enable.auto.commit", "false", NULL, 0);
    for (int i = 0; i < s->npass; i++) {
        char *eq = strchr(s->pass_props[i], '=');
        *eq = 0;
        rd_kafka_conf_set(c, s->pass_props[i], eq + 1, NULL, 0);
        *eq = '=';
    }
    if (!(rk = rd_kafka_new(RD_KAFKA_CONSUMER, c, e, sizeof e))) {
        rd_kafka_conf_destroy(c);
        set_fatal(s, "state reader: %s", e);
        goto out;
    }
    if (rd_kafka_metadata(rk, 1, NULL, &md, 10000) == 0) {
        for (int t = 0; t < md->topic_cnt; t++) {
            if (!strcmp(md->topics[t].topic, s->state_topic)) {
                npart = md->topics[t].partition_cnt;
            }
        }
    }
    if (npart <= 0) {
        slog(s, ZK_LOG_WARNING, "state topic %s not found: correlation state starts empty",
             s->state_topic);
        goto import;
    }
    l = rd_kafka_topic_partition_list_new(npart);
    for (int i = 0; i < npart; i++) {
        int64_t lo = 0, hi = 0;
        if (rd_kafka_query_watermark_offsets(rk, s->state_topic, i, &lo, &hi, 10000) == 0 &&
            hi <= lo) {
            eofs++; /* empty partition: nothing to read */
            continue;
        }
        rd_kafka_topic_partition_list_add(l, s->state_topic, i)->offset = RD_KAFKA_OFFSET_BEGINNING;
    }
    if (l->cnt) {
        rd_kafka_assign(rk, l);
    }
    for (int64_t deadline = zw_now_ms() + 30000; eofs < npart && zw_now_ms() < deadline;) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 200);
        if (!m) {
            continue;
        }
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            eofs++;
        } else if (!m->err && m->key) {
            for (int i = 0; i < n; i++) {
                state_key(s, ps[i], key, sizeof key);
                if (m->key_len != strlen(key) || memcmp(m->key, key, m->key_len)) {
                    continue;
                }
                rd_kafka_headers_t *h = NULL;
                const void *v;
                size_t vn;
                char num[24];
                if (rd_kafka_message_headers(m, &h) ||
                    rd_kafka_header_get_last(h, "zw-offset", &v, &vn) || vn >= sizeof num) {
                    break;
                }
                memcpy(num, v, vn);
                num[vn] = 0;
                offs[i] = strtoll(num, NULL, 10);
                zw_buf_clear(&vals[i]);
                zw_buf_append(&vals[i], m->payload, m->len);
            }
        }
        rd_kafka_message_destroy(m);
    }
    if (eofs < npart) {
        set_fatal(s, "could not read the state topic %s to its end in 30 s", s->state_topic);
        goto out;
    }
import:
    for (int i = 0;
i < n; i++)
{
    zk_part *p = ps[i];
    en_corr_drop_partition(en_pipe_corr(s->pipe), corr_partition(p));
    if (offs[i] < 0) {
        continue;
    }
    if (en_corr_import_partition(en_pipe_corr(s->pipe), corr_partition(p), vals[i].p, vals[i].len,
                                 e, sizeof e)) {
        slog(s, ZK_LOG_WARNING, "state of %s [%d] not restored: %s", s->in[p->tidx].topic,
             (int)p->partition, e);
        continue;
    }
    p->skip_below = offs[i];
    p->snap_acked = offs[i];
    zw_buf_clear(&p->snap);
    zw_buf_append(&p->snap, vals[i].p, vals[i].len);
    s->cnt.restores++;
    slog(s, ZK_LOG_INFO, "restored correlation state of %s [%d] at offset %" PRId64,
         s->in[p->tidx].topic, (int)p->partition, offs[i]);
}
out:
    if (md) {
        rd_kafka_metadata_destroy(md);
    }
    if (l) {
        rd_kafka_topic_partition_list_destroy(l);
    }
    if (rk) {
        rd_kafka_consumer_close(rk);
        rd_kafka_destroy(rk);
    }
    for (int i = 0; vals && i < n; i++) {
        zw_buf_free(&vals[i]);
    }
    free(vals);
    free(offs);
}

/* ---- transactions ---- */

/* Reports a transactional API error.  Returns 1 if the caller should abort. */
static int txn_error(zk_stage *s, const char *what, rd_kafka_error_t *e)
{
    int abort_it = 0;
    if (rd_kafka_error_is_fatal(e)) {
        set_fatal(s, "%s: %s", what, rd_kafka_error_string(e));
    } else if (rd_kafka_error_txn_requires_abort(e)) {
        slog(s, ZK_LOG_WARNING, "%s: %s (aborting the transaction)", what,
             rd_kafka_error_string(e));
        abort_it = 1;
    } else {
        slog(s, ZK_LOG_WARNING, "%s: %s", what, rd_kafka_error_string(e));
        abort_it = 1;
    }
    rd_kafka_error_destroy(e);
    return abort_it;
}

/* Seeks every assigned partition back to its committed offset. */
static void rewind_all(zk_stage *s)
{
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(8);
    if (!l) {
        set_fatal(s, "out of memory");
        return;
    }
    for (int i = 0; i < ZK_MAX_PARTS; i++) {
        zk_part *p = s->ptab[i];
        if (p) {
            rd_kafka_topic_partition_list_add(l, s->in[p->tidx].topic, p->partition);
            p->in_txn = 0;
            if (s->pipe) {
                /* the correlator goes back to its state at the last commit */
                en_corr *c = en_pipe_corr(s->pipe);
                char e[256];
                en_corr_drop_partition(c, corr_partition(p));
                if (p->snap.len && en_corr_import_partition(c, corr_partition(p), p->snap.p,
                                                            p->snap.len, e, sizeof e)) {
                    set_fatal(s, "cannot roll correlation state back: %s", e);
                }
            }
        }
    }
    if (l->cnt) {
        rd_kafka_resp_err_t err = rd_kafka_committed(s->cons, l, 10000);
        if (err) {
            set_fatal(s, "cannot read committed offsets to rewind: %s", rd_kafka_err2str(err));
        } else {
            for (int i = 0; i < l->cnt; i++) {
                if (l->elems[i].offset < 0) {
                    l->elems[i].offset = RD_KAFKA_OFFSET_BEGINNING;
                }
                zk_part *p = part_find(s, topic_index(s, l->elems[i].topic), l->elems[i].partition);
                if (p) {
                    p->next_offset = l->elems[i].offset >= 0 ? l->elems[i].offset : -1;
                }
            }
            rd_kafka_error_t *e = rd_kafka_seek_partitions(s->cons, l, 10000);
            if (e) {
                set_fatal(s, "rewind: %s", rd_kafka_error_string(e));
                rd_kafka_error_destroy(e);
            }
        }
    }
    rd_kafka_topic_partition_list_destroy(l);
}

static void txn_abort(zk_stage *s)
{
    rd_kafka_error_t *e;
    if (!s->txn_open) {
        return;
    }
    if ((e = rd_kafka_abort_transaction(s->prod, 60000))) {
        txn_error(s, "abort_transaction", e);
    }
    s->txn_open = 0;
    s->txn_abort = 0;
    s->txn_records = 0;
    s->in_flight = 0;
    s->cnt.aborted++;
    if (!s->fatal && !s->losing) {
        rewind_all(s); /* not for a lost assignment: those partitions are gone */
    }
}

static void txn_begin(zk_stage *s)
{
    rd_kafka_error_t *e = rd_kafka_begin_transaction(s->prod);
    if (e) {
        txn_error(s, "begin_transaction", e);
        if (!s->fatal) {
            set_fatal(s, "cannot begin a transaction");
        }
        return;
    }
    s->txn_open = 1;
    s->txn_records = 0;
    s->txn_start_ms = zw_now_ms();
}

/* Commits the open transaction with the consumed offsets.  0, or -1 if it aborted. */
static int txn_commit(zk_stage *s)
{
    rd_kafka_topic_partition_list_t *l;
    rd_kafka_consumer_group_metadata_t *md;
    rd_kafka_error_t *e;
    if (!s->txn_open) {
        return 0;
    }
    if (s->txn_abort) {
        txn_abort(s);
        return -1;
    }
    /* correlation state of every partition in this transaction, committed with it */
    for (int i = 0; i < ZK_MAX_PARTS && s->pipe; i++) {
        zk_part *p = s->ptab[i];
        if (!p || !p->in_txn || p->next_offset < 0) {
            continue;
        }
        zw_buf_clear(&p->snap);
        if (en_corr_export_partition(en_pipe_corr(s->pipe), corr_partition(p), &p->snap)) {
            set_fatal(s, "out of memory");
            return -1;
        }
        if (s->state_rkt && produce_state(s, p, &p->snap, p->next_offset)) {
            txn_abort(s);
            return -1;
        }
    }
    l = rd_kafka_topic_partition_list_new(8);
    for (int i = 0; i < ZK_MAX_PARTS; i++) {
        zk_part *p = s->ptab[i];
        if (p && p->in_txn && p->next_offset >= 0) {
            rd_kafka_topic_partition_list_add(l, s->in[p->tidx].topic, p->partition)->offset =
                p->next_offset;
        }
    }
    md = rd_kafka_consumer_group_metadata(s->cons);
    e = l->cnt ? rd_kafka_send_offsets_to_transaction(s->prod, l, md, 30000) : NULL;
    rd_kafka_consumer_group_metadata_destroy(md);
    rd_kafka_topic_partition_list_destroy(l);
    if (e) {
        if (txn_error(s, "send_offsets_to_transaction", e)) {
            txn_abort(s);
        }
        return -1;
    }
    for (int attempt = 0; attempt < 5; attempt++) {
        e = rd_kafka_commit_transaction(s->prod, 60000);
        if (!e) {
            break;
        }
        if (rd_kafka_error_is_retriable(e) && attempt < 4) {
            slog(s, ZK_LOG_WARNING, "commit_transaction: %s (retrying)", rd_kafka_error_string(e));
            rd_kafka_error_destroy(e);
            continue;
        }
        if (txn_error(s, "commit_transaction", e)) {
            txn_abort(s);
        }
        return -1;
    }
    s->txn_open = 0;
    s->txn_records = 0;
    s->in_flight = 0;
    s->cnt.committed++;
    for (int i = 0; i < ZK_MAX_PARTS; i++) {
        if (s->ptab[i]) {
            if (s->ptab[i]->in_txn && s->state_rkt) {
                s->cnt.checkpoints++;
            }
            s->ptab[i]->in_txn = 0;
        }
    }
    return 0;
}

/* ---- rebalancing ---- */

/* Everything derived from the assigned partitions is acknowledged and committed. */
static void finish_all(zk_stage *s)
{
    if (s->cfg.eos) {
        txn_commit(s);
        return;
    }
    rd_kafka_resp_err_t err = rd_kafka_flush(s->prod, FLUSH_MS);
    if (err) {
        slog(s, ZK_LOG_WARNING, "flush: %s (%d records still in flight)", rd_kafka_err2str(err),
             rd_kafka_outq_len(s->prod));
    }
    if (s->state_rkt) {
        /* a last snapshot of every partition, so its next owner resumes where we stop */
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < ZK_MAX_PARTS; i++) {
                if (s->ptab[i] && s->ptab[i]->snap_state == SNAP_INFLIGHT) {
                    rd_kafka_flush(s->prod, FLUSH_MS);
                }
            }
            checkpoint_tick(s, 1);
            rd_kafka_flush(s->prod, FLUSH_MS);
        }
    }
    flush_stores(s);
    err = rd_kafka_commit(s->cons, NULL, 0); /* counted by commit_cb */
    if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
        slog(s, ZK_LOG_WARNING, "commit: %s", rd_kafka_err2str(err));
    }
}

static void set_paused(zk_stage *s, int pause);

static void rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                         rd_kafka_topic_partition_list_t *parts, void *opaque)
{
    zk_stage *s = opaque;
    int coop = !strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE");
    rd_kafka_error_t *e = NULL;
    rd_kafka_resp_err_t aerr = 0;

    s->cnt.rebalances++;
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        zk_part **opened = calloc((size_t)parts->cnt + 1, sizeof *opened);
        int nopened = 0;
        for (int i = 0; i < parts->cnt; i++) {
            int t = topic_index(s, parts->elems[i].topic);
            zk_part *p = t >= 0 ? part_open(s, t, parts->elems[i].partition) : NULL;
            if (p && opened) {
                opened[nopened++] = p;
            }
        }
        if (s->pipe && s->state_rkt && nopened) {
            restore_parts(s, opened, nopened);
        }
        free(opened);
        slog(s, ZK_LOG_INFO, "assigned %d partition(s)", parts->cnt);
        if (coop) {
            e = rd_kafka_incremental_assign(rk, parts);
        } else {
            aerr = rd_kafka_assign(rk, parts);
        }
    } else {
        if (rd_kafka_assignment_lost(rk)) {
            slog(s, ZK_LOG_WARNING,
                 "assignment lost: outputs of uncommitted records will be "
                 "produced again by the partitions' next owner");
            /* outputs still in flight may fail now: that is not fatal, these records are
             * not committed and their next owner processes them again */
            s->losing = 1;
            if (s->cfg.eos && s->txn_open) {
                s->txn_abort = 1;
                txn_abort(s);
            }
            rd_kafka_flush(s->prod, FLUSH_MS);
            s->losing = 0;
        } else {
            finish_all(s);
        }
        for (int i = 0; i < parts->cnt; i++) {
            int t = topic_index(s, parts->elems[i].topic);
            if (t >= 0) {
                part_close(s, part_find(s, t, parts->elems[i].partition));
            }
        }
        slog(s, ZK_LOG_INFO, "revoked %d partition(s)", parts->cnt);
        if (coop) {
            e = rd_kafka_incremental_unassign(rk, parts);
        } else {
            aerr = rd_kafka_assign(rk, NULL);
        }
    }
    if (e) {
        slog(s, ZK_LOG_WARNING, "assign: %s", rd_kafka_error_string(e));
        rd_kafka_error_destroy(e);
    } else if (aerr) {
        slog(s, ZK_LOG_WARNING, "assign: %s", rd_kafka_err2str(aerr));
    }
    if (s->paused) {
        /* partitions kept through an incremental rebalance stay paused in librdkafka
         * while new ones are not: resume them all, so the stage's flag and the clients
         * agree (the loop pauses again if acknowledgements are still awaited) */
        set_paused(s, 0);
    }
    s->last_rebalance_ms = zw_now_ms();
}

/* ---- client callbacks ---- */

static void error_cb(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
    zk_stage *s = opaque;
    if (err == RD_KAFKA_RESP_ERR__FATAL) {
        char buf[512];
        rd_kafka_fatal_error(rk, buf, sizeof buf);
        set_fatal(s, "%s: %s", rd_kafka_name(rk), buf);
        return;
    }
    /* informational: librdkafka retries on its own (broker down, transport errors) */
    slog(s, ZK_LOG_WARNING, "%s: %s", rd_kafka_err2name((rd_kafka_resp_err_t)err), reason);
}

static void commit_cb(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                      rd_kafka_topic_partition_list_t *offsets, void *opaque)
{
    zk_stage *s = opaque;
    (void)rk;
    (void)offsets;
    if (!err) {
        s->cnt.committed++;
    } else if (err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
        slog(s, ZK_LOG_WARNING, "offset commit: %s", rd_kafka_err2str(err));
    }
}

static void log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    zk_stage *s = rd_kafka_opaque(rk);
    if (s && s->cfg.log) {
        char msg[1024];
        snprintf(msg, sizeof msg, "rdkafka %s: %s", fac, buf);
        mask_secrets(s, msg);
        s->cfg.log(s->cfg.opaque, level, msg);
    }
}

static int64_t jint(fjson_object *o, const char *k)
{
    fjson_object *v;
    return fjson_object_object_get_ex(o, k, &v) ? fjson_object_get_int64(v) : 0;
}

static int stats_cb(rd_kafka_t *rk, char *json, size_t len, void *opaque)
{
    zk_stage *s = opaque;
    fjson_object *o = fjson_tokener_parse(json);
    (void)len;
    if (o) {
        zk_rkstats *r = &s->rks[rk == s->prod ? 1 : 0];
        r->msg_cnt = jint(o, "msg_cnt");
        r->msg_size = jint(o, "msg_size");
        r->tx = jint(o, "tx");
        r->rx = jint(o, "rx");
        r->txmsgs = jint(o, "txmsgs");
        r->rxmsgs = jint(o, "rxmsgs");
        r->replyq = jint(o, "replyq");
        fjson_object *brokers, *st;
        if (fjson_object_object_get_ex(o, "brokers", &brokers) &&
            fjson_object_is_type(brokers, fjson_type_object)) {
            struct fjson_object_iterator it = fjson_object_iter_begin(brokers);
            struct fjson_object_iterator end = fjson_object_iter_end(brokers);
            for (; !fjson_object_iter_equal(&it, &end); fjson_object_iter_next(&it)) {
                fjson_object *bk = fjson_object_iter_peek_value(&it);
                const char *state = fjson_object_object_get_ex(bk, "state", &st)
                                        ? fjson_object_get_string(st)
                                        : NULL;
                if (state && !strcmp(state, "UP")) {
                    r->up_ms = zw_now_ms();
                    break;
                }
            }
        }
        fjson_object_put(o);
    }
    return 0; /* librdkafka frees json */
}

/* ---- construction ---- */

static int conf_set(rd_kafka_conf_t *c, const char *k, const char *v, char *errstr,
                    size_t errstr_size)
{
    char e[256];
    if (rd_kafka_conf_set(c, k, v, e, sizeof e) != RD_KAFKA_CONF_OK) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "%s=%s: %s", k, v, e);
    }
    return 0;
}

/* Builds one client's config: our defaults, then -X properties (which win).
 * "consumer.NAME=v" / "producer.NAME=v" apply to one client only. */
static rd_kafka_conf_t *make_conf(zk_stage *s, const zk_config *c, int producer, char *errstr,
                                  size_t errstr_size)
{
    rd_kafka_conf_t *k = rd_kafka_conf_new();
    char num[32], tid[512], host[256];
    int rc = 0;

    rc = rc ? rc : conf_set(k, "bootstrap.servers", c->brokers, errstr, errstr_size);
    rc = rc ? rc
            : conf_set(k, "client.id", c->client_id ? c->client_id : "zonewarden", errstr,
                       errstr_size);
    if (c->metrics_interval_ms > 0 || c->metrics_port > 0) {
        /* the endpoint alone: every second, so /health sees a broker go away quickly */
        snprintf(num, sizeof num, "%d", c->metrics_interval_ms > 0 ? c->metrics_interval_ms : 1000);
        rc = rc ? rc : conf_set(k, "statistics.interval.ms", num, errstr, errstr_size);
    }
    if (producer) {
        rc = rc ? rc : conf_set(k, "enable.idempotence", "true", errstr, errstr_size);
        rc = rc ? rc : conf_set(k, "linger.ms", "5", errstr, errstr_size);
        /* OCSF JSON compresses well; lz4 costs little CPU and halves the broker's work */
        rc = rc ? rc : conf_set(k, "compression.type", "lz4", errstr, errstr_size);
        if (c->eos) {
            if (c->transactional_id) {
                snprintf(tid, sizeof tid, "%s", c->transactional_id);
            } else {
                if (gethostname(host, sizeof host)) {
                    snprintf(host, sizeof host, "host");
                }
                host[sizeof host - 1] = 0;
                snprintf(tid, sizeof tid, "%s-%s-%d", c->group, host, (int)getpid());
            }
            rc = rc ? rc : conf_set(k, "transactional.id", tid, errstr, errstr_size);
        }
        rd_kafka_conf_set_dr_msg_cb(k, dr_cb);
    } else {
        rc = rc ? rc : conf_set(k, "group.id", c->group, errstr, errstr_size);
        rc = rc ? rc
                : conf_set(k, "partition.assignment.strategy", "cooperative-sticky", errstr,
                           errstr_size);
        rc = rc ? rc : conf_set(k, "enable.auto.offset.store", "false", errstr, errstr_size);
        rc = rc ? rc
                : conf_set(k, "enable.auto.commit", c->eos ? "false" : "true", errstr, errstr_size);
        rc = rc ? rc : conf_set(k, "auto.commit.interval.ms", "1000", errstr, errstr_size);
        rc = rc ? rc : conf_set(k, "auto.offset.reset", "earliest", errstr, errstr_size);
        rc = rc ? rc : conf_set(k, "isolation.level", "read_committed", errstr, errstr_size);
        rd_kafka_conf_set_rebalance_cb(k, rebalance_cb);
        rd_kafka_conf_set_offset_commit_cb(k, commit_cb);
    }
    for (int i = 0; i < c->nprops && !rc; i++) {
        const char *p = c->props[i];
        if (!strncmp(p, "consumer.", 9)) {
            if (producer) {
                continue;
            }
            p += 9;
        } else if (!strncmp(p, "producer.", 9)) {
            if (!producer) {
                continue;
            }
            p += 9;
        }
        const char *eq = strchr(p, '=');
        char name[256], e[512];
        snprintf(name, sizeof name, "%.*s", (int)(eq - p), p);
        if (rd_kafka_conf_set(k, name, eq + 1, e, sizeof e) != RD_KAFKA_CONF_OK) {
            int secret = zk_prop_is_secret(name, strlen(name));
            mask_secrets(s, e);
            rc = zw_errf(errstr, errstr_size, ZW_EINVAL, "%s=%s: %s", name,
                         secret ? "(value not shown)" : eq + 1, e);
        }
    }
    if (rc) {
        rd_kafka_conf_destroy(k);
        return NULL;
    }
    rd_kafka_conf_set_error_cb(k, error_cb);
    rd_kafka_conf_set_log_cb(k, log_cb);
    rd_kafka_conf_set_stats_cb(k, stats_cb);
    rd_kafka_conf_set_opaque(k, s);
    return k;
}

/* Asks the broker for the dead-letter topic's max.message.bytes (DescribeConfigs, 5 s
 * bound) and lowers the dead-letter cap to it, so a dead letter fits the topic's own
 * limit even when dlq-max-message-bytes was not set for it.  On any failure (broker
 * away, not allowed to describe) the configured cap stands, with a warning. */
static void dlq_query_limit(zk_stage *s)
{
    rd_kafka_ConfigResource_t *cr =
        rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, s->dlq_topic);
    rd_kafka_queue_t *q = rd_kafka_queue_new(s->prod);
    rd_kafka_AdminOptions_t *o =
        rd_kafka_AdminOptions_new(s->prod, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS);
    rd_kafka_event_t *ev = NULL;
    long limit = -1;
    if (!cr || !q || !o) {
        goto out;
    }
    rd_kafka_AdminOptions_set_request_timeout(o, 5000, NULL, 0);
    rd_kafka_DescribeConfigs(s->prod, &cr, 1, o, q);
    ev = rd_kafka_queue_poll(q, 6000);
    if (!ev || rd_kafka_event_type(ev) != RD_KAFKA_EVENT_DESCRIBECONFIGS_RESULT ||
        rd_kafka_event_error(ev)) {
        goto out;
    }
    size_t nr = 0, ne = 0;
    const rd_kafka_ConfigResource_t **rs =
        rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(ev), &nr);
    if (nr != 1 || rd_kafka_ConfigResource_error(rs[0])) {
        goto out;
    }
    const rd_kafka_ConfigEntry_t **es = rd_kafka_ConfigResource_configs(rs[0], &ne);
    for (size_t i = 0; i < ne; i++) {
        const char *v = rd_kafka_ConfigEntry_value(es[i]);
        if (!strcmp(rd_kafka_ConfigEntry_name(es[i]), "max.message.bytes") && v) {
            limit = strtol(v, NULL, 10);
        }
    }
out:
    if (limit > 0 && limit < s->cfg.dlq_max_message_bytes) {
        slog(s, ZK_LOG_INFO,
             "dead letters capped at %ld bytes: the max.message.bytes of %s (below "
             "dlq-max-message-bytes %d)",
             limit, s->dlq_topic, s->cfg.dlq_max_message_bytes);
        s->cfg.dlq_max_message_bytes = (int)limit;
    } else if (limit <= 0) {
        slog(s, ZK_LOG_WARNING,
             "could not read max.message.bytes of %s: dead letters capped at "
             "dlq-max-message-bytes %d",
             s->dlq_topic, s->cfg.dlq_max_message_bytes);
    }
    if (ev) {
        rd_kafka_event_destroy(ev);
    }
    if (o) {
        rd_kafka_AdminOptions_destroy(o);
    }
    if (q) {
        rd_kafka_queue_destroy(q);
    }
    if (cr) {
        rd_kafka_ConfigResource_destroy(cr);
    }
}

/* Loads a tables file and builds an engine pipeline over it into *t and *p (both NULL
 * on failure).  Reports through errstr. */
static int build_rules(zk_stage *s, const char *path, en_tables **t, en_pipe **p, char *errstr,
                       size_t errstr_size)
{
    dc_ruleset *rs;
    char e[600];
    en_alert_sink sink = {on_alert, s};
    *t = NULL;
    *p = NULL;
    if (dc_ir_read(path, &rs, e, sizeof e)) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "rules: %s", e);
    }
    if (en_tables_new(rs, t, e, sizeof e)) {
        *t = NULL;
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "rules: %s", e);
    }
    if (!(*p = en_pipe_new(*t, NULL, &sink, e, sizeof e))) {
        en_tables_destroy(*t);
        *t = NULL;
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "rules: %s", e);
    }
    return 0;
}

static int load_rules(zk_stage *s, const char *path, char *errstr, size_t errstr_size)
{
    return build_rules(s, path, &s->tables, &s->pipe, errstr, errstr_size);
}

/* After a swap the saved snapshots were made with the old rules: eos takes the rollback
 * point again from the new correlator (the transaction was just committed, so the
 * state now is the committed state); at-least-once drops a snapshot still waiting and
 * takes a fresh one at the next tick. */
static void resnapshot(zk_stage *s)
{
    for (int i = 0; i < ZK_MAX_PARTS && !s->fatal; i++) {
        zk_part *p = s->ptab[i];
        if (!p) {
            continue;
        }
        if (s->cfg.eos) {
            zw_buf_clear(&p->snap);
            if (en_corr_export_partition(en_pipe_corr(s->pipe), corr_partition(p), &p->snap)) {
                set_fatal(s, "out of memory");
            }
        } else if (p->snap_state == SNAP_WAITING) {
            p->snap_state = SNAP_NONE;
        }
    }
    s->last_ckpt_ms = 0;
}

/* Loads the rules file again and swaps it in between two records.  A file that does not
 * load is refused with its reason logged and the old rules stay; open windows of
 * correlations whose definition did not change are carried over (en_corr_carry_over). */
static void reload_rules(zk_stage *s, const char *why)
{
    en_tables *t;
    en_pipe *p;
    en_corr_carry cc;
    struct stat st;
    char e[700];
    int have_st = stat(s->rules_path, &st) == 0;
    if (have_st) {
        s->rules_st = st; /* the watch does not retry a refused file until it changes */
    }
    if (build_rules(s, s->rules_path, &t, &p, e, sizeof e)) {
        s->cnt.reloads_failed++;
        slog(s, ZK_LOG_ERR, "rules reload (%s) refused, the old rules stay in use: %s", why, e);
        return;
    }
    if (s->cfg.eos && s->txn_open) {
        txn_commit(s); /* what the old rules produced commits with their state */
    }
    if (s->fatal || en_corr_carry_over(en_pipe_corr(p), en_pipe_corr(s->pipe), &cc)) {
        en_pipe_destroy(p);
        en_tables_destroy(t);
        s->cnt.reloads_failed++;
        slog(s, ZK_LOG_ERR, "rules reload (%s) refused, the old rules stay in use: %s", why,
             s->fatal ? "the stage is failing" : "out of memory carrying correlation state");
        return;
    }
    en_pipe_destroy(s->pipe);
    en_tables_destroy(s->tables);
    s->pipe = p;
    s->tables = t;
    resnapshot(s);
    s->cnt.reloads++;
    slog(s, ZK_LOG_NOTICE,
         "rules reloaded (%s) from %s: %zu correlation(s) unchanged, %zu open group(s) kept; "
         "%zu changed or removed, %zu open group(s) dropped; %zu buffered dropped",
         why, s->rules_path, cc.corrs_kept, cc.groups_kept, cc.corrs_changed, cc.groups_dropped,
         cc.dropped);
}

/* 1 when the watched rules file changed (mtime, size or inode) since it was loaded. */
static int rules_changed(zk_stage *s, int64_t now)
{
    struct stat st;
    if (s->cfg.rules_watch_ms <= 0 || !s->rules_path ||
        now - s->last_watch_ms < s->cfg.rules_watch_ms) {
        return 0;
    }
    s->last_watch_ms = now;
    if (stat(s->rules_path, &st)) {
        return 0; /* mid-replacement, or gone: keep the rules in use */
    }
    return st.st_mtim.tv_sec != s->rules_st.st_mtim.tv_sec ||
           st.st_mtim.tv_nsec != s->rules_st.st_mtim.tv_nsec || st.st_size != s->rules_st.st_size ||
           st.st_ino != s->rules_st.st_ino;
}

zk_stage *zk_stage_new(const zk_config *c, char *errstr, size_t errstr_size)
{
    zk_stage *s;
    rd_kafka_conf_t *kc = NULL;
    char e[512];

    if (zk_config_check(c, errstr, errstr_size)) {
        return NULL;
    }
    if (!(s = calloc(1, sizeof *s))) {
        zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
        return NULL;
    }
    s->cfg = *c;
    zw_buf_init(&s->buf);
    zw_buf_init(&s->hbuf);
    zw_buf_init(&s->mbuf);
    s->out_topic = c->output_topic ? strdup(c->output_topic) : NULL;
    s->dlq_topic = c->dlq_topic ? strdup(c->dlq_topic) : NULL;
    s->cfg.output_topic = s->out_topic;
    s->cfg.dlq_topic = s->dlq_topic;
    /* the stage keeps only its own copies of strings; the rest is read here, once */
    s->cfg.brokers = s->cfg.group = s->cfg.client_id = s->cfg.transactional_id = NULL;
    s->cfg.metrics_addr = NULL;
    s->cfg.alert_topic = s->cfg.format = s->cfg.rules = s->cfg.state_topic = NULL;
    s->cfg.nprops = 0;
    s->cfg.ninputs = 0;
    for (int i = 0; i < c->ninputs; i++) {
        s->in[i].topic = strdup(c->inputs[i].topic);
        const char *f = c->inputs[i].format ? c->inputs[i].format : c->format;
        s->in[i].format = f && strcmp(f, "auto") ? strdup(f) : NULL;
        s->nin++;
        nz_options no = {0};
        no.format = s->in[i].format;
        no.raw_data = c->raw_data;
        no.tz_offset_min = c->tz_offset_min;
        nz_sink sink = {on_event, on_dead, s};
        s->in[i].ctx = nz_ctx_new(&no, &sink, e, sizeof e);
        if (!s->in[i].ctx) {
            zw_errf(errstr, errstr_size, ZW_EINVAL, "input %s: %s", c->inputs[i].topic, e);
            goto fail;
        }
    }
    s->alert_topic = c->alert_topic ? strdup(c->alert_topic) : NULL;
    s->state_topic = c->state_topic ? strdup(c->state_topic) : NULL;
    s->group = strdup(c->group);
    s->brokers = strdup(c->brokers);
    s->pass_props = calloc((size_t)c->nprops + 1, sizeof *s->pass_props);
    for (int i = 0; s->pass_props && i < c->nprops; i++) {
        const char *pp = c->props[i];
        if (!strncmp(pp, "consumer.", 9)) {
            pp += 9;
        }
        if (!strncmp(pp, "security.", 9) || !strncmp(pp, "ssl.", 4) || !strncmp(pp, "sasl.", 5)) {
            s->pass_props[s->npass++] = strdup(pp);
        }
    }
    s->secrets = calloc((size_t)c->nprops + 1, sizeof *s->secrets);
    int secrets_ok = s->secrets != NULL;
    for (int i = 0; s->secrets && i < c->nprops; i++) {
        const char *pp = c->props[i], *eq = strchr(pp, '=');
        if (eq && eq[1] && zk_secret_value(pp, (size_t)(eq - pp))) {
            s->secrets[s->nsecrets] = strdup(eq + 1);
            secrets_ok &= s->secrets[s->nsecrets] != NULL;
            s->nsecrets += s->secrets[s->nsecrets] != NULL;
        }
    }
    s->rules_path = c->rules ? strdup(c->rules) : NULL;
    s->start_ms = zw_now_ms();
    if (!s->group || !s->brokers || !s->pass_props || (c->state_topic && !s->state_topic) ||
        !secrets_ok || (c->rules && !s->rules_path)) {
        zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
        goto fail;
    }
    if ((c->output_topic && !s->out_topic) || (c->dlq_topic && !s->dlq_topic) ||
        (c->alert_topic && !s->alert_topic)) {
        zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
        goto fail;
    }
    if (c->rules && load_rules(s, c->rules, errstr, errstr_size)) {
        goto fail;
    }
    if (c->rules) {
        stat(c->rules, &s->rules_st); /* the watch compares against the file loaded */
    }

    kc = make_conf(s, c, 1, errstr, errstr_size);
    if (kc && !(s->prod = rd_kafka_new(RD_KAFKA_PRODUCER, kc, e, sizeof e))) {
        zw_errf(errstr, errstr_size, ZW_EINVAL, "producer: %s", e);
        rd_kafka_conf_destroy(kc);
    }
    kc = s->prod ? make_conf(s, c, 0, errstr, errstr_size) : NULL;
    if (kc && !(s->cons = rd_kafka_new(RD_KAFKA_CONSUMER, kc, e, sizeof e))) {
        zw_errf(errstr, errstr_size, ZW_EINVAL, "consumer: %s", e);
        rd_kafka_conf_destroy(kc);
    }
    if (!s->prod || !s->cons) {
        goto fail;
    }
    rd_kafka_poll_set_consumer(s->cons);
    s->out_rkt = s->out_topic ? rd_kafka_topic_new(s->prod, s->out_topic, NULL) : NULL;
    s->dlq_rkt = s->dlq_topic ? rd_kafka_topic_new(s->prod, s->dlq_topic, NULL) : NULL;
    s->alert_rkt = s->alert_topic ? rd_kafka_topic_new(s->prod, s->alert_topic, NULL) : NULL;
    s->state_rkt = s->state_topic ? rd_kafka_topic_new(s->prod, s->state_topic, NULL) : NULL;
    if ((s->out_topic && !s->out_rkt) || (s->dlq_topic && !s->dlq_rkt) ||
        (s->alert_topic && !s->alert_rkt)) {
        zw_errf(errstr, errstr_size, ZW_EINVAL, "cannot create topic handles");
        goto fail;
    }
    if (s->dlq_rkt) {
        dlq_query_limit(s);
    }
    if (c->metrics_port > 0 &&
        !(s->http = zk_metrics_start(c->metrics_addr, c->metrics_port, errstr, errstr_size))) {
        goto fail;
    }
    if (c->metrics_interval_ms > 0 || c->metrics_port > 0) {
        /* watermarks asked of the leaders every second to every 5 s: the lag stays true
         * while the stage fetches nothing (paused, stalled, broker restarted) */
        int every = c->metrics_interval_ms > 0 ? c->metrics_interval_ms : 1000;
        every = every < 1000 ? 1000 : every > 5000 ? 5000 : every;
        if (!(s->lagmon = zk_lag_new(s->cons, every))) {
            zw_errf(errstr, errstr_size, ZW_ENOMEM, "cannot start the watermark monitor");
            goto fail;
        }
    }
    return s;
fail:
    zk_stage_destroy(s);
    return NULL;
}

void zk_stage_destroy(zk_stage *s)
{
    if (!s) {
        return;
    }
    zk_metrics_stop(s->http);
    zk_lag_destroy(s->lagmon); /* before the consumer it queries through */
    s->lagmon = NULL;
    if (s->cons) {
        rd_kafka_destroy(s->cons);
    }
    for (int i = 0; i < ZK_MAX_PARTS; i++) {
        part_close(s, s->ptab[i]);
    }
    if (s->out_rkt) {
        rd_kafka_topic_destroy(s->out_rkt);
    }
    if (s->dlq_rkt) {
        rd_kafka_topic_destroy(s->dlq_rkt);
    }
    if (s->alert_rkt) {
        rd_kafka_topic_destroy(s->alert_rkt);
    }
    if (s->state_rkt) {
        rd_kafka_topic_destroy(s->state_rkt);
    }
    if (s->prod) {
        rd_kafka_destroy(s->prod);
    }
    for (int i = 0; i < s->nin; i++) {
        nz_ctx_destroy(s->in[i].ctx);
        free(s->in[i].topic);
        free(s->in[i].format);
        free(s->in[i].bypart);
    }
    free(s->out_topic);
    free(s->dlq_topic);
    free(s->alert_topic);
    free(s->state_topic);
    free(s->group);
    free(s->brokers);
    for (int i = 0; i < s->npass; i++) {
        free(s->pass_props[i]);
    }
    free(s->pass_props);
    for (int i = 0; s->secrets && i < s->nsecrets; i++) {
        memset(s->secrets[i], 0, strlen(s->secrets[i]));
        free(s->secrets[i]);
    }
    free(s->secrets);
    for (size_t i = 0; i < s->nrcount; i++) {
        free(s->rcount[i].uid);
        free(s->rcount[i].name);
    }
    free(s->rcount);
    free(s->rules_path);
    en_pipe_destroy(s->pipe);
    en_tables_destroy(s->tables);
    zw_buf_free(&s->buf);
    zw_buf_free(&s->hbuf);
    zw_buf_free(&s->mbuf);
    free(s);
}

const zk_counters *zk_stage_counters(const zk_stage *s)
{
    return &s->cnt;
}

/* ---- metrics ---- */

static void sum_stats(zk_stage *s, nz_stats *t)
{
    memset(t, 0, sizeof *t);
    for (int i = 0; i < s->nin; i++) {
        const nz_stats *x = nz_ctx_stats(s->in[i].ctx);
        t->records += x->records;
        t->events += x->events;
        t->noise += x->noise;
        t->dead += x->dead;
        for (int k = 0; k < NZ_MAX_PARSERS; k++) {
            t->fmt_records[k] += x->fmt_records[k];
            t->fmt_events[k] += x->fmt_events[k];
            t->fmt_noise[k] += x->fmt_noise[k];
            t->fmt_rejected[k] += x->fmt_rejected[k];
        }
    }
}

/* Lag = high watermark - position, summed over the assigned partitions.  The watermark
 * is the newer of the one the last fetch brought and the one the monitor asked the
 * leader for (a stage that fetches nothing still sees records arrive); the position is
 * the offset after the last record processed, else the consumer's fetch position. */
static void compute_lag(zk_stage *s)
{
    int64_t lag = 0;
    for (int i = 0; i < ZK_MAX_PARTS; i++) {
        zk_part *p = s->ptab[i];
        int64_t lo = -1, hi = -1;
        if (!p) {
            continue;
        }
        const char *topic = s->in[p->tidx].topic;
        if (rd_kafka_get_watermark_offsets(s->cons, topic, p->partition, &lo, &hi)) {
            lo = hi = -1;
        }
        int64_t qhi = zk_lag_high(s->lagmon, topic, p->partition);
        hi = qhi > hi ? qhi : hi;
        hi = p->last_hi > hi ? p->last_hi : hi; /* never back to "unknown" */
        p->last_hi = hi;
        if (hi < 0) {
            continue;
        }
        int64_t from = p->next_offset;
        if (from < 0) {
            rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
            if (l) {
                rd_kafka_topic_partition_list_add(l, topic, p->partition);
                if (!rd_kafka_position(s->cons, l) && l->elems[0].offset >= 0) {
                    from = l->elems[0].offset;
                }
                rd_kafka_topic_partition_list_destroy(l);
            }
        }
        from = from >= 0 ? from : lo;
        if (from >= 0 && hi > from) {
            lag += hi - from;
        }
    }
    s->cnt.lag = lag;
}

static int render_json(zk_stage *s, zw_buf *b, const nz_stats *t)
{
    size_t np;
    const nz_parser *const *ps = nz_parsers(&np);
    const zk_counters *c = &s->cnt;
    int rc = zw_buf_puts(b, "{\"type\":\"zonewarden.kafka.metrics\",\"time\":");
    rc = rc ? rc : zw_json_time_ms(b, zw_now_ms());
    rc = rc ? rc
            : zw_buf_printf(
                  b,
                  ",\"consumed\":%" PRIu64 ",\"produced\":%" PRIu64 ",\"produce_failed\":%" PRIu64
                  ",\"events\":%" PRIu64 ",\"dead_lettered\":%" PRIu64 ",\"alerts\":%" PRIu64
                  ",\"checkpoints\":%" PRIu64 ",\"restores\":%" PRIu64 ",\"dead_dropped\":%" PRIu64
                  ",\"noise\":%" PRIu64 ",\"in_flight\":%" PRId64 ",\"lag\":%" PRId64
                  ",\"assigned_partitions\":%d,\"paused\":%d,\"pauses\":%" PRIu64
                  ",\"rebalances\":%" PRIu64 ",\"commits\":%" PRIu64 ",\"aborts\":%" PRIu64
                  ",\"dead_cut\":%" PRIu64 ",\"undeliverable\":%" PRIu64
                  ",\"rules_reloads\":%" PRIu64 ",\"rules_reloads_failed\":%" PRIu64
                  ",\"formats\":{",
                  c->consumed, c->produced, c->produce_failed, c->events, c->dead, c->alerts,
                  c->checkpoints, c->restores, c->dead_dropped, t->noise, s->in_flight, c->lag,
                  s->nparts, s->paused, c->pauses, c->rebalances, c->committed, c->aborted,
                  c->dead_cut, c->undeliverable, c->reloads, c->reloads_failed);
    int first = 1;
    for (size_t i = 0; i < np && i < NZ_MAX_PARSERS && !rc; i++) {
        if (!t->fmt_records[i]) {
            continue;
        }
        rc = zw_buf_printf(b,
                           "%s\"%s\":{\"records\":%" PRIu64 ",\"events\":%" PRIu64
                           ",\"noise\":%" PRIu64 ",\"rejected\":%" PRIu64 "}",
                           first ? "" : ",", ps[i]->name, t->fmt_records[i], t->fmt_events[i],
                           t->fmt_noise[i], t->fmt_rejected[i]);
        first = 0;
    }
    for (int k = 0; k < 2 && !rc; k++) {
        const zk_rkstats *r = &s->rks[k];
        rc = zw_buf_printf(b,
                           "%s\"%s\":{\"msg_cnt\":%" PRId64 ",\"msg_size\":%" PRId64
                           ",\"tx\":%" PRId64 ",\"rx\":%" PRId64 ",\"txmsgs\":%" PRId64
                           ",\"rxmsgs\":%" PRId64 ",\"replyq\":%" PRId64 "}",
                           k ? "," : "},\"rdkafka\":{", k ? "producer" : "consumer", r->msg_cnt,
                           r->msg_size, r->tx, r->rx, r->txmsgs, r->rxmsgs, r->replyq);
    }
    rc = rc ? rc : zw_buf_puts(b, "}}");
    return rc;
}

/* A label value in the exposition format: backslash, double quote and newline escaped. */
static int prom_label(zw_buf *b, const char *v)
{
    int rc = zw_buf_putc(b, '"');
    for (; *v && !rc; v++) {
        rc = *v == '\\'   ? zw_buf_puts(b, "\\\\")
             : *v == '"'  ? zw_buf_puts(b, "\\\"")
             : *v == '\n' ? zw_buf_puts(b, "\\n")
                          : zw_buf_putc(b, *v);
    }
    return rc ? rc : zw_buf_putc(b, '"');
}

static int render_prom_rules(zk_stage *s, zw_buf *b)
{
    int rc = zw_buf_puts(b, "# HELP zonewarden_rule_alerts_total alerts produced per rule or "
                            "correlation\n# TYPE zonewarden_rule_alerts_total counter\n");
    for (size_t i = 0; i < s->nrcount && !rc; i++) {
        rc = zw_buf_puts(b, "zonewarden_rule_alerts_total{rule=");
        rc = rc ? rc : prom_label(b, s->rcount[i].uid);
        rc = rc ? rc : zw_buf_puts(b, ",name=");
        rc = rc ? rc : prom_label(b, s->rcount[i].name);
        rc = rc ? rc : zw_buf_printf(b, "} %" PRIu64 "\n", s->rcount[i].n);
    }
    return rc;
}

static int render_prom_latency(zk_stage *s, zw_buf *b)
{
    const char *n = "zonewarden_record_processing_seconds";
    uint64_t cum = 0;
    int rc = zw_buf_printf(b,
                           "# HELP %s time from a consumed record to its outputs handed to the "
                           "producer\n# TYPE %s histogram\n",
                           n, n);
    for (int i = 0; i < ZK_NLAT && !rc; i++) {
        cum += s->lat_bucket[i];
        rc = zw_buf_printf(b, "%s_bucket{le=\"%g\"} %" PRIu64 "\n", n, lat_le[i], cum);
    }
    cum += s->lat_bucket[ZK_NLAT];
    rc = rc ? rc
            : zw_buf_printf(
                  b, "%s_bucket{le=\"+Inf\"} %" PRIu64 "\n%s_sum %.9f\n%s_count %" PRIu64 "\n", n,
                  cum, n, s->lat_sum, n, s->lat_count);
    return rc;
}

static int render_prom(zk_stage *s, zw_buf *b, const nz_stats *t)
{
    size_t np;
    const nz_parser *const *ps = nz_parsers(&np);
    const zk_counters *c = &s->cnt;
    struct {
        const char *name, *type, *help;
        double v;
    } rows[] = {
        {"consumed_total", "counter", "input records consumed", (double)c->consumed},
        {"produced_total", "counter", "output records acknowledged by the broker",
         (double)c->produced},
        {"produce_failed_total", "counter", "output records refused for good",
         (double)c->produce_failed},
        {"events_total", "counter", "events produced to the output topic", (double)c->events},
        {"dead_lettered_total", "counter", "dead letters produced", (double)c->dead},
        {"alerts_total", "counter", "alerts produced", (double)c->alerts},
        {"checkpoints_total", "counter", "correlation state snapshots committed",
         (double)c->checkpoints},
        {"restores_total", "counter", "partition states restored from the changelog",
         (double)c->restores},
        {"dead_dropped_total", "counter", "dead letters with no dlq topic",
         (double)c->dead_dropped},
        {"dead_cut_total", "counter", "dead letters whose raw bytes were cut to fit",
         (double)c->dead_cut},
        {"undeliverable_total", "counter",
         "outputs refused for good for their own size or content, skipped",
         (double)c->undeliverable},
        {"noise_total", "counter", "records counted as operational noise", (double)t->noise},
        {"commits_total", "counter", "offset commits or committed transactions",
         (double)c->committed},
        {"aborts_total", "counter", "aborted transactions", (double)c->aborted},
        {"rebalances_total", "counter", "rebalance callbacks", (double)c->rebalances},
        {"pauses_total", "counter", "times input was paused for backpressure", (double)c->pauses},
        {"in_flight", "gauge", "produced records awaiting acknowledgement", (double)s->in_flight},
        {"lag", "gauge", "records behind the high watermark, summed over partitions",
         (double)c->lag},
        {"assigned_partitions", "gauge", "partitions assigned to this consumer", (double)s->nparts},
        {"producer_queue_messages", "gauge", "librdkafka producer queue (msg_cnt)",
         (double)s->rks[1].msg_cnt},
        {"rules_reloads_total", "counter", "rules reloads that took effect", (double)c->reloads},
        {"rules_reloads_failed_total", "counter", "rules reloads refused (old rules kept)",
         (double)c->reloads_failed},
        {"healthy", "gauge", "1 when /health answers 200", (double)s->healthy},
    };
    int rc = 0;
    for (size_t i = 0; i < ZW_ARRAY_LEN(rows) && !rc; i++) {
        rc = zw_buf_printf(
            b, "# HELP zonewarden_%s %s\n# TYPE zonewarden_%s %s\nzonewarden_%s %.0f\n",
            rows[i].name, rows[i].help, rows[i].name, rows[i].type, rows[i].name, rows[i].v);
    }
    rc = rc ? rc
            : zw_buf_puts(b, "# HELP zonewarden_format_records_total records per source format\n"
                             "# TYPE zonewarden_format_records_total counter\n");
    for (size_t i = 0; i < np && i < NZ_MAX_PARSERS && !rc; i++) {
        if (t->fmt_records[i]) {
            rc = zw_buf_printf(b, "zonewarden_format_records_total{format=\"%s\"} %" PRIu64 "\n",
                               ps[i]->name, t->fmt_records[i]);
        }
    }
    rc = rc ? rc
            : zw_buf_puts(b, "# HELP zonewarden_format_events_total events per source format\n"
                             "# TYPE zonewarden_format_events_total counter\n");
    for (size_t i = 0; i < np && i < NZ_MAX_PARSERS && !rc; i++) {
        if (t->fmt_records[i]) {
            rc = zw_buf_printf(b, "zonewarden_format_events_total{format=\"%s\"} %" PRIu64 "\n",
                               ps[i]->name, t->fmt_events[i]);
        }
    }
    rc = rc ? rc : render_prom_rules(s, b);
    return rc ? rc : render_prom_latency(s, b);
}

/* /health: 200 while the stage holds partitions, is not failing and both clients have
 * seen a broker up within health_down_ms; 503 with the reason otherwise. */
static void health_update(zk_stage *s, int64_t now)
{
    char reason[600] = "";
    int64_t down = 0;
    const char *who = "";
    for (int k = 0; k < 2; k++) {
        int64_t since = s->rks[k].up_ms ? s->rks[k].up_ms : s->start_ms;
        if (now - since > down) {
            down = now - since;
            who = k ? "producer" : "consumer";
        }
    }
    if (s->fatal) {
        snprintf(reason, sizeof reason, "fatal: %s", s->fatal_msg);
    } else if (down > s->cfg.health_down_ms) {
        snprintf(reason, sizeof reason, "%s has seen no broker up for %" PRId64 " ms", who, down);
    } else if (s->nparts == 0) {
        snprintf(reason, sizeof reason, "no partitions assigned");
    }
    s->healthy = !reason[0];
    zw_buf_clear(&s->hbuf);
    int rc = zw_buf_printf(&s->hbuf, "{\"status\":\"%s\"", s->healthy ? "ok" : "unhealthy");
    if (!rc && !s->healthy) {
        rc = zw_buf_puts(&s->hbuf, ",\"reason\":");
        rc = rc ? rc : zw_json_str(&s->hbuf, reason, strlen(reason));
    }
    rc = rc ? rc
            : zw_buf_printf(
                  &s->hbuf,
                  ",\"assigned_partitions\":%d,\"consumed\":%" PRIu64 ",\"in_flight\":%" PRId64
                  ",\"rules_reloads\":%" PRIu64 ",\"rules_reloads_failed\":%" PRIu64 "}\n",
                  s->nparts, s->cnt.consumed, s->in_flight, s->cnt.reloads, s->cnt.reloads_failed);
    if (!rc) {
        zk_metrics_set_health(s->http, s->healthy, s->hbuf.p, s->hbuf.len);
    }
}

static void metrics_tick(zk_stage *s, int force)
{
    int64_t now = zw_now_ms();
    int every = s->cfg.metrics_interval_ms > 0 ? s->cfg.metrics_interval_ms : 1000;
    nz_stats t;
    if (!s->cfg.metrics_interval_ms && !s->http) {
        return;
    }
    if (!force && now - s->last_tick_ms < every) {
        return;
    }
    s->last_tick_ms = now;
    sum_stats(s, &t);
    s->cnt.noise = t.noise;
    s->cnt.in_flight = s->in_flight;
    s->cnt.assigned = s->nparts;
    compute_lag(s);
    if (s->cfg.metrics_interval_ms > 0 && s->cfg.metrics) {
        zw_buf_clear(&s->mbuf);
        if (!render_json(s, &s->mbuf, &t) && !zw_buf_cstr(&s->mbuf)) {
            s->cfg.metrics(s->cfg.opaque, s->mbuf.p);
        }
    }
    if (s->http) {
        health_update(s, now);
        zw_buf_clear(&s->mbuf);
        if (!render_prom(s, &s->mbuf, &t)) {
            zk_metrics_publish(s->http, s->mbuf.p, s->mbuf.len);
        }
    }
}

/* ---- the loop ---- */

static void set_paused(zk_stage *s, int pause)
{
    rd_kafka_topic_partition_list_t *l = NULL;
    if (rd_kafka_assignment(s->cons, &l) || !l) {
        return;
    }
    if (pause) {
        rd_kafka_pause_partitions(s->cons, l);
        s->cnt.pauses++;
    } else {
        rd_kafka_resume_partitions(s->cons, l);
    }
    s->paused = pause;
    rd_kafka_topic_partition_list_destroy(l);
}

/* `detect`: the record is one normalized JSON event; it goes to the rules as it is (the
 * alert is keyed by its unmapped.zone), a record that is not a JSON object is a dead
 * letter. */
static int detect_json(zk_stage *s, const rd_kafka_message_t *m, const nz_pos *pos)
{
    const char *raw = m->payload ? (const char *)m->payload : "";
    fjson_tokener *tok = fjson_tokener_new();
    fjson_object *o = tok ? fjson_tokener_parse_ex(tok, raw, (int)m->len) : NULL;
    fjson_object *um = NULL, *zone = NULL;
    int rc;
    if (!tok) {
        return ZW_ENOMEM;
    }
    if (!o || !fjson_object_is_type(o, fjson_type_object) ||
        fjson_tokener_get_error(tok) != fjson_tokener_success) {
        nz_dead d = {raw, m->len, pos, "not a JSON object", "json", 0};
        fjson_object_put(o);
        fjson_tokener_free(tok);
        return on_dead(s, &d);
    }
    fjson_tokener_free(tok);
    if (fjson_object_object_get_ex(o, "unmapped", &um) &&
        fjson_object_object_get_ex(um, "zone", &zone) &&
        fjson_object_is_type(zone, fjson_type_string)) {
        s->cur_zone =
            zw_str_make(fjson_object_get_string(zone), (size_t)fjson_object_get_string_len(zone));
    } else {
        s->cur_zone = zw_str_make(NULL, 0);
    }
    snprintf(s->cur_fmt, sizeof s->cur_fmt, "json");
    rc = 0;
    if (m->offset >= s->cur->skip_below) {
        char where[300];
        snprintf(where, sizeof where, "%s/%d/%" PRId64, s->in[s->cur->tidx].topic,
                 (int)m->partition, m->offset);
        rc = en_pipe_json(s->pipe, o, zw_str_c(where), corr_partition(s->cur));
        rc = rc < 0 ? rc : 0;
        s->cnt.events++; /* events read and fed to the rules */
    }
    s->cur_zone = zw_str_make(NULL, 0);
    fjson_object_put(o);
    return rc;
}

static void observe_latency(zk_stage *s, double sec)
{
    int b = 0;
    while (b < ZK_NLAT && sec > lat_le[b]) {
        b++;
    }
    s->lat_bucket[b]++; /* cumulated when rendered */
    s->lat_count++;
    s->lat_sum += sec;
}

static void process(zk_stage *s, const rd_kafka_message_t *m)
{
    int t = topic_index(s, rd_kafka_topic_name(m->rkt));
    zk_part *p = t >= 0 ? part_find(s, t, m->partition) : NULL;
    nz_pos pos;
    uint64_t seq = 0;
    if (!p && t >= 0) {
        p = part_open(s, t, m->partition); /* assignment we did not see: be safe */
    }
    if (!p) {
        return;
    }
    if (s->cfg.eos && !s->txn_open) {
        txn_begin(s);
        if (s->fatal) {
            return;
        }
    }
    s->cnt.consumed++;
    if (!s->cfg.eos && ring_push(p, m->offset, &seq)) {
        set_fatal(s, "out of memory");
        return;
    }
    s->cur = p;
    s->cur_seq = seq;
    s->cur_msg = m;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pos.file = NULL;
    pos.line = 0;
    pos.topic = s->in[t].topic;
    pos.partition = m->partition;
    pos.offset = m->offset;
    int rc =
        s->cfg.json_events
            ? detect_json(s, m, &pos)
            : nz_stream_record(p->st, m->payload ? (const char *)m->payload : "", m->len, &pos);
    s->cur = NULL;
    s->cur_msg = NULL;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    observe_latency(s, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    if (rc && !s->fatal && !s->txn_abort) {
        set_fatal(s, "processing %s [%d] offset %" PRId64 " failed (error %d)", s->in[t].topic,
                  (int)m->partition, m->offset, rc);
    }
    if (!s->cfg.eos) {
        /* a record whose processing failed part-way is never acknowledged */
        ring_release(p, seq, rc != 0);
    } else {
        p->in_txn = 1;
        s->txn_records++;
    }
    p->next_offset = m->offset + 1;
}

int zk_stage_run(zk_stage *s, volatile sig_atomic_t *run, char *errstr, size_t errstr_size)
{
    rd_kafka_topic_partition_list_t *topics = rd_kafka_topic_partition_list_new(s->nin);
    rd_kafka_resp_err_t err;
    int64_t last_msg = zw_now_ms(), last_scan = 0;
    uint64_t polls = 0;
    int hi = s->cfg.max_in_flight, lo = s->cfg.max_in_flight / 2;

    if (s->cfg.eos) {
        rd_kafka_error_t *e = rd_kafka_init_transactions(s->prod, 60000);
        if (e) {
            zw_errf(errstr, errstr_size, ZW_ERR, "init_transactions: %s", rd_kafka_error_string(e));
            rd_kafka_error_destroy(e);
            rd_kafka_topic_partition_list_destroy(topics);
            return ZW_ERR;
        }
    }
    for (int i = 0; i < s->nin; i++) {
        rd_kafka_topic_partition_list_add(topics, s->in[i].topic, RD_KAFKA_PARTITION_UA);
    }
    err = rd_kafka_subscribe(s->cons, topics);
    rd_kafka_topic_partition_list_destroy(topics);
    if (err) {
        return zw_errf(errstr, errstr_size, ZW_ERR, "subscribe: %s", rd_kafka_err2str(err));
    }
    slog(s, ZK_LOG_INFO, "consuming %d topic(s) as group member; %s delivery", s->nin,
         s->cfg.eos ? "exactly-once (transactions)" : "at-least-once");

    while (*run && !s->fatal) {
        /* backpressure: stop fetching while too much awaits acknowledgement */
        if (!s->paused && s->in_flight >= hi) {
            set_paused(s, 1);
        } else if (s->paused && s->in_flight <= lo) {
            set_paused(s, 0);
        }
        rd_kafka_message_t *m = rd_kafka_consumer_poll(s->cons, s->paused ? 10 : 100);
        /* one clock read per iteration: it showed in profiles at 100k records/s */
        int64_t now = zw_now_ms();
        if (m) {
            if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
                process(s, m);
                last_msg = now;
            } else if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                last_msg = now;
                slog(s, ZK_LOG_WARNING, "consumer: %s%s%s", rd_kafka_message_errstr(m),
                     m->rkt ? " on " : "", m->rkt ? rd_kafka_topic_name(m->rkt) : "");
            }
            rd_kafka_message_destroy(m);
        }
        /* delivery reports: every 32 records, and whenever input is quiet */
        if (!m || ++polls % 32 == 0) {
            rd_kafka_poll(s->prod, 0);
        }
        if (s->cfg.eos && s->txn_open) {
            if (s->txn_abort) {
                txn_abort(s);
            } else if (s->txn_records >= s->cfg.txn_max_records ||
                       now - s->txn_start_ms >= s->cfg.txn_max_ms) {
                txn_commit(s);
            }
        }
        /* per-partition bookkeeping scans every partition slot: at most every 50 ms */
        if (now - last_scan >= 50) {
            last_scan = now;
            checkpoint_tick(s, 0);
            flush_stores(s);
        }
        if (now - s->last_tick_ms >= 50) {
            metrics_tick(s, 0);
        }
        /* rules roll-out: between two records, on SIGHUP or a changed watched file */
        int hup = s->cfg.reload && *s->cfg.reload;
        if (hup || rules_changed(s, now)) {
            if (hup) {
                *s->cfg.reload = 0;
            }
            if (s->pipe) {
                reload_rules(s, hup ? "SIGHUP" : "file changed");
            } else {
                slog(s, ZK_LOG_NOTICE, "reload requested, but this stage runs no rules");
            }
        }
        if (s->last_rebalance_ms > last_msg) {
            last_msg = s->last_rebalance_ms; /* idle time counts from the last rebalance */
        }
        /* idle time counts only while this member holds partitions (not while the group
         * is rebalancing or the broker is away) */
        if (s->cfg.exit_idle_ms > 0 && s->last_rebalance_ms && s->nparts > 0 &&
            now - last_msg >= s->cfg.exit_idle_ms && s->in_flight == 0 && !s->txn_open) {
            slog(s, ZK_LOG_INFO, "idle for %d ms: stopping", s->cfg.exit_idle_ms);
            break;
        }
    }

    /* stop consuming, finish what is in flight, commit, leave the group */
    if (!s->fatal) {
        finish_all(s);
    } else if (!s->cfg.eos) {
        /* commit the acknowledged prefix only; a failed record blocks its partition */
        rd_kafka_flush(s->prod, 5000);
        flush_stores(s);
        rd_kafka_commit(s->cons, NULL, 0);
    } else if (s->txn_open) {
        rd_kafka_error_t *e = rd_kafka_abort_transaction(s->prod, 10000);
        if (e) {
            rd_kafka_error_destroy(e);
        }
        s->txn_open = 0;
    }
    err = rd_kafka_consumer_close(s->cons);
    if (err && !s->fatal) {
        slog(s, ZK_LOG_WARNING, "consumer close: %s", rd_kafka_err2str(err));
    }
    rd_kafka_flush(s->prod, s->fatal ? 1000 : FLUSH_MS);
    metrics_tick(s, 1);
    if (s->fatal) {
        return zw_errf(errstr, errstr_size, ZW_ERR, "%s", s->fatal_msg);
    }
    return 0;
}
