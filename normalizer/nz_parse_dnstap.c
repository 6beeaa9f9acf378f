/*
 * nz_parse_dnstap.c - dnstap (protobuf messages in Frame Streams) to OCSF DNS Activity.
 * Not for the container (nz_fstrm.c) or the DNS wire format (nz_dnswire.c).
 *
 * The driver's file reader sees the Frame Streams escape at the start of a file and
 * hands the whole stream to nz_dnstap_read (below), which takes data frames one by one
 * and passes each to this parser through nz_stream_binary; bad frames become dead
 * letters with their byte offset.  Each frame is unpacked with protobuf-c (the schema,
 * normalizer/dnstap.proto, is compiled at build time).
 *
 * Joining: a query is held in a per-stream table keyed by (message type, initiator
 * address, port, DNS id) until its response arrives; the pair becomes one event
 * (activity Traffic).  A query whose response never comes (BIND does not write the
 * responses of transfers it serves) is emitted alone, outcome unknown, when the window
 * (DT_WINDOW_MS of dnstap time) passes, when the table is full (oldest first, counted)
 * or at the end of the stream.  Further response messages of a transfer already joined
 * are counted as noise.  Transfers (AXFR / IXFR) get the same unmapped.xfer.* fields
 * as the text parsers (docs/EVENT.md "dnstap").
 */
#include "nz.h"
#include "nz_dnswire.h"
#include "nz_fstrm.h"
#include "nz_srvlex.h"

#include "dnstap.pb-c.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define DT_JOIN_MAX 2048        /* queries held for their response, per stream */
#define DT_WINDOW_MS 10000      /* how long a query waits for its response (dnstap time) */
#define DT_MAX_FRAME (1u << 20) /* data frames above this are dead-lettered unread */
#define DT_BUCKETS 4096

typedef struct {
    int mtype, family, proto;
    unsigned char qaddr[16], raddr[16];
    unsigned qalen, ralen;
    int qport, rport;     /* -1 absent */
    int64_t qtime, rtime; /* ms, 0 absent */
    int has_msg;
    nz_dnsmsg dns;
    char identity[256], version[256];
} dt_msg;

typedef struct {
    dt_msg m;
    int live; /* 0 free, 1 waiting, 2 answered (kept to absorb further response messages) */
    int32_t next;
    uint32_t hash;
} dt_slot;

/* protobuf-c's allocations for one frame come from a bump arena reset per frame (the
 * unpacked message lives only while the frame is decoded); what does not fit is
 * malloc'd and freed one by one. */
#define DT_ARENA (64u << 10)
typedef struct {
    unsigned char *base;
    size_t used;
} dt_arena;

static void *dt_alloc(void *opaque, size_t n)
{
    dt_arena *a = opaque;
    size_t need = (n + 15) & ~(size_t)15;
    if (a->base && need >= n && need <= DT_ARENA - a->used) {
        void *p = a->base + a->used;
        a->used += need;
        return p;
    }
    return malloc(n);
}

static void dt_free(void *opaque, void *p)
{
    dt_arena *a = opaque;
    if (p &&
        !(a->base && (unsigned char *)p >= a->base && (unsigned char *)p < a->base + DT_ARENA)) {
        free(p);
    }
}

typedef struct {
    dt_arena arena;
    ProtobufCAllocator pa;
    dt_slot *slots; /* ring of DT_JOIN_MAX, allocated on the first frame */
    int32_t bucket[DT_BUCKETS];
    uint64_t head, tail; /* ring positions: oldest, next free */
    uint64_t evicted;    /* queries emitted alone because the table was full */
    dt_msg cur;          /* the frame being decoded */
} dt_state;

static void *dt_state_new(void)
{
    return calloc(1, sizeof(dt_state));
}

static void dt_state_free(void *p)
{
    dt_state *s = p;
    if (s) {
        free(s->slots);
        free(s->arena.base);
        free(s);
    }
}

static const char *const mtype_names[] = {"",
                                          "AUTH_QUERY",
                                          "AUTH_RESPONSE",
                                          "RESOLVER_QUERY",
                                          "RESOLVER_RESPONSE",
                                          "CLIENT_QUERY",
                                          "CLIENT_RESPONSE",
                                          "FORWARDER_QUERY",
                                          "FORWARDER_RESPONSE",
                                          "STUB_QUERY",
                                          "STUB_RESPONSE",
                                          "TOOL_QUERY",
                                          "TOOL_RESPONSE",
                                          "UPDATE_QUERY",
                                          "UPDATE_RESPONSE"};

static const char *const proto_names[] = {"",    "udp",          "tcp",          "dot",
                                          "doh", "dnscrypt-udp", "dnscrypt-tcp", "doq"};

/* ---- decoding ---- */

static int64_t ms_of(int has_s, uint64_t s, int has_ns, uint32_t ns)
{
    if (!has_s || s > (uint64_t)INT64_MAX / 1000 - 1) {
        return 0;
    }
    return (int64_t)s * 1000 + (has_ns ? (int64_t)(ns % 1000000000u) / 1000000 : 0);
}

static void copy_bytes(char *dst, size_t dn, const ProtobufCBinaryData *b, int has)
{
    size_t k = 0;
    if (has && b->data) {
        for (; k < b->len && k + 1 < dn; k++) {
            unsigned char c = b->data[k];
            dst[k] = c >= 0x20 && c < 0x7f ? (char)c : '?';
        }
    }
    dst[k] = 0;
}

/* Frame bytes -> s->cur.  ZW_EINVAL with the reason for anything unreadable. */
static int decode(dt_state *s, const nz_record *rec, char *errstr, size_t errsz)
{
    dt_msg *m = &s->cur;
    int rc = ZW_OK;
    s->arena.used = 0;
    Dnstap__Dnstap *d = dnstap__dnstap__unpack(&s->pa, rec->n, (const uint8_t *)rec->p);
    if (!d) {
        return zw_errf(errstr, errsz, ZW_EINVAL, "not a dnstap protobuf message");
    }
    Dnstap__Message *mm = d->message;
    if (d->type != DNSTAP__DNSTAP__TYPE__MESSAGE || !mm) {
        rc = zw_errf(errstr, errsz, ZW_EINVAL, "dnstap payload of type %d without a message",
                     (int)d->type);
        goto out;
    }
    if ((int)mm->type < 1 || (int)mm->type > 14) {
        rc = zw_errf(errstr, errsz, ZW_EINVAL, "unknown dnstap message type %d", (int)mm->type);
        goto out;
    }
    memset(m, 0, offsetof(dt_msg, dns));
    m->mtype = (int)mm->type;
    m->family = mm->has_socket_family ? (int)mm->socket_family : 0;
    m->proto = mm->has_socket_protocol ? (int)mm->socket_protocol : 0;
    if (mm->has_query_address && (mm->query_address.len == 4 || mm->query_address.len == 16)) {
        m->qalen = (unsigned)mm->query_address.len;
        memcpy(m->qaddr, mm->query_address.data, m->qalen);
    }
    if (mm->has_response_address &&
        (mm->response_address.len == 4 || mm->response_address.len == 16)) {
        m->ralen = (unsigned)mm->response_address.len;
        memcpy(m->raddr, mm->response_address.data, m->ralen);
    }
    m->qport = mm->has_query_port && mm->query_port <= 65535 ? (int)mm->query_port : -1;
    m->rport = mm->has_response_port && mm->response_port <= 65535 ? (int)mm->response_port : -1;
    m->qtime = ms_of(mm->has_query_time_sec, mm->query_time_sec, mm->has_query_time_nsec,
                     mm->query_time_nsec);
    m->rtime = ms_of(mm->has_response_time_sec, mm->response_time_sec, mm->has_response_time_nsec,
                     mm->response_time_nsec);
    copy_bytes(m->identity, sizeof m->identity, &d->identity, d->has_identity);
    copy_bytes(m->version, sizeof m->version, &d->version, d->has_version);
    int is_resp = m->mtype % 2 == 0;
    const ProtobufCBinaryData *w = NULL;
    if (is_resp && mm->has_response_message) {
        w = &mm->response_message;
    } else if (!is_resp && mm->has_query_message) {
        w = &mm->query_message;
    }
    m->has_msg = 0;
    if (w && w->len) {
        char why[256];
        if (nz_dnswire_parse(w->data, w->len, 1, &m->dns, why, sizeof why)) {
            rc = zw_errf(errstr, errsz, ZW_EINVAL, "%s %s: %s", mtype_names[m->mtype],
                         is_resp ? "response_message" : "query_message", why);
            goto out;
        }
        m->has_msg = 1;
    }
out:
    dnstap__dnstap__free_unpacked(d, &s->pa);
    return rc;
}

/* ---- the event ---- */

static int set_addr(zw_event *ev, zw_field f, const unsigned char *a, unsigned n)
{
    char buf[INET6_ADDRSTRLEN];
    if (!n || !inet_ntop(n == 4 ? AF_INET : AF_INET6, a, buf, sizeof buf)) {
        return 0;
    }
    return zw_ev_set_str(ev, f, buf, strlen(buf));
}

static int is_server_side(int mtype)
{
    return mtype <= 2 || mtype == 5 || mtype == 6 || mtype == 13 || mtype == 14;
}

/* Product from the version string ("Knot DNS 3.2.6", "BIND 9.18.x", "9.18.x"); returns
 * the version without the product name. */
static const char *set_product(zw_event *ev, const dt_msg *m)
{
    const char *v = m->version;
    if (strncmp(v, "Knot DNS", 8) == 0) {
        nz_set_product(ev, "Knot DNS", "CZ.NIC", "dnstap");
        v += v[8] == ' ' ? 9 : 8;
    } else if (strncmp(v, "BIND ", 5) == 0 || (v[0] == '9' && v[1] == '.')) {
        nz_set_product(ev, "BIND", "ISC", "dnstap");
        v += v[0] == 'B' ? 5 : 0;
    } else {
        nz_set_product(ev, "dnstap", "unknown", "dnstap");
    }
    return v;
}

/* One event from a query q and/or a response r (at least one non-NULL). */
static int build(zw_event *ev, const dt_msg *q, const dt_msg *r, const char *detail)
{
    const dt_msg *m = q ? q : r;
    const nz_dnsmsg *dq = q && q->has_msg ? &q->dns : r && r->has_msg ? &r->dns : NULL;
    int rc = zw_ev_set_class(ev, ZW_CLASS_DNS_ACTIVITY, q && r ? 6 : q ? 1 : 2);
    if (rc) {
        return rc;
    }
    int64_t t = q ? (q->qtime ? q->qtime : q->rtime) : (r->rtime ? r->rtime : r->qtime);
    if (t) {
        zw_ev_set_int(ev, ZW_F_TIME, t);
    }
    if (q && r && r->rtime) {
        zw_ev_set_int(ev, ZW_F_START_TIME, t);
        zw_ev_set_int(ev, ZW_F_END_TIME, r->rtime);
        if (r->rtime >= t) {
            zw_ev_set_int(ev, ZW_F_DURATION, r->rtime - t);
        }
    }
    const dt_msg *id = r && r->version[0] ? r : m;
    const char *ver = set_product(ev, id);
    if (ver[0]) {
        if ((rc = zw_ev_set_cstr(ev, ZW_F_META_PRODUCT_VERSION, ver))) {
            return rc;
        }
    }
    int server = is_server_side(m->mtype);
    if (id->identity[0] && (rc = zw_ev_set_lower(ev, server ? ZW_F_DST_HOSTNAME : ZW_F_SRC_HOSTNAME,
                                                 id->identity, strlen(id->identity)))) {
        return rc;
    }
    if ((rc = set_addr(ev, ZW_F_SRC_IP, m->qaddr, m->qalen)) ||
        (rc = set_addr(ev, ZW_F_DST_IP, m->raddr, m->ralen))) {
        return rc;
    }
    if (m->qport >= 0) {
        zw_ev_set_int(ev, ZW_F_SRC_PORT, m->qport);
    }
    if (m->rport >= 0) {
        zw_ev_set_int(ev, ZW_F_DST_PORT, m->rport);
    }
    if (m->proto > 0 && m->proto < (int)ZW_ARRAY_LEN(proto_names)) {
        zw_ev_set_ref(ev, ZW_F_CONN_PROTOCOL_NAME, proto_names[m->proto],
                      strlen(proto_names[m->proto]));
    }
    zw_ev_set_int(ev, ZW_F_CONN_DIRECTION_ID, server ? 1 : 2);
    zw_ev_set_ref(ev, ZW_F_CONN_DIRECTION, server ? "Inbound" : "Outbound", server ? 7 : 8);
    const char *lt = mtype_names[(r ? r : q)->mtype];
    zw_ev_set_ref(ev, ZW_F_META_LOG_LEVEL, lt, strlen(lt));

    const char *kind = NULL;
    if (dq) {
        zw_ev_set_int(ev, ZW_F_QUERY_PACKET_UID, dq->id);
        nz_set_opcode(ev, dq->opcode);
        if (dq->has_question) {
            char cb[16];
            const char *tn = nz_dns_type_name(dq->qtype);
            char tb[16];
            if (!tn) {
                snprintf(tb, sizeof tb, "TYPE%u", dq->qtype);
                tn = tb;
            }
            if ((rc = nz_set_query(ev, dq->qname, strlen(dq->qname), NULL)) ||
                (rc = zw_ev_set_cstr(ev, ZW_F_QUERY_TYPE, tn)) ||
                (rc = zw_ev_set_cstr(ev, ZW_F_QUERY_CLASS,
                                     nz_dns_class_name(dq->qclass, cb, sizeof cb)))) {
                return rc;
            }
            if (dq->qtype == 252 || dq->qtype == 251) {
                kind = dq->qtype == 252 ? "AXFR" : "IXFR";
            }
            if ((kind || dq->opcode == 4 || dq->opcode == 5) &&
                (rc = nz_set_zone(ev, dq->qname, strlen(dq->qname)))) {
                return rc;
            }
        }
        /* the request's TSIG; Knot writes the request without it, the response has it */
        const char *key = q && q->has_msg && q->dns.tsig_key[0]   ? q->dns.tsig_key
                          : r && r->has_msg && r->dns.tsig_key[0] ? r->dns.tsig_key
                                                                  : NULL;
        if (key) {
            if ((rc = zw_ev_set_dname(ev, ZW_F_U_XFER_TSIG_KEY, key, strlen(key)))) {
                return rc;
            }
            zw_ev_set_bool(ev, ZW_F_U_DNS_SIGNED, 1);
        }
    }
    int rcode = r && r->has_msg ? r->dns.rcode : -1;
    if (rcode >= 0) {
        nz_set_rcode(ev, rcode);
        zw_ev_set_status(ev, rcode == 0 ? ZW_STATUS_SUCCESS : ZW_STATUS_FAILURE);
    } else {
        zw_ev_set_status(ev, ZW_STATUS_UNKNOWN);
    }
    if (kind) {
        /* REFUSED is a refusal; NOTAUTH is also what servers answer for a zone they do
         * not serve, so it stays "failed" (with its rcode) as in the BIND text parser */
        const char *phase = rcode < 0    ? "requested"
                            : rcode == 0 ? "started"
                            : rcode == 5 ? "denied"
                                         : "failed";
        zw_ev_set_ref(ev, ZW_F_U_XFER_KIND, kind, 4);
        zw_ev_set_ref(ev, ZW_F_U_XFER_PHASE, phase, strlen(phase));
        zw_ev_set_ref(ev, ZW_F_U_XFER_DIRECTION, server ? "out" : "in", server ? 3 : 2);
        if (rcode >= 0) {
            zw_ev_set_int(ev, ZW_F_U_XFER_RCODE_ID, rcode);
            const char *rn = zw_dns_rcode_name(rcode);
            if (rn) {
                zw_ev_set_ref(ev, ZW_F_U_XFER_RCODE, rn, strlen(rn));
            }
        }
    }
    if (detail) {
        zw_ev_set_ref(ev, ZW_F_STATUS_DETAIL, detail, strlen(detail));
    }
    return ZW_OK;
}

static int emit_one(zw_event *ev, nz_emitter *em, const dt_msg *q, const dt_msg *r,
                    const char *detail)
{
    zw_event_clear(ev);
    int rc = build(ev, q, r, detail);
    return rc ? rc : nz_emit(em, ev);
}

/* ---- the join table ---- */

static uint32_t key_hash(const dt_msg *m, int qtype_of_pair)
{
    uint32_t h = 2166136261u;
    unsigned char k[24];
    memcpy(k, m->qaddr, 16);
    k[16] = (unsigned char)m->qalen;
    k[17] = (unsigned char)qtype_of_pair;
    k[18] = (unsigned char)(m->qport >> 8);
    k[19] = (unsigned char)m->qport;
    k[20] = (unsigned char)(m->dns.id >> 8);
    k[21] = (unsigned char)m->dns.id;
    k[22] = k[23] = 0;
    for (size_t i = 0; i < sizeof k; i++) {
        h = (h ^ k[i]) * 16777619u;
    }
    return h;
}

static int same_key(const dt_msg *a, const dt_msg *b, int qtype_of_pair)
{
    return a->mtype == qtype_of_pair && a->qalen == b->qalen &&
           memcmp(a->qaddr, b->qaddr, a->qalen) == 0 && a->qport == b->qport &&
           a->dns.id == b->dns.id;
}

static void unlink_slot(dt_state *s, int32_t idx)
{
    int32_t *pp = &s->bucket[s->slots[idx].hash % DT_BUCKETS];
    while (*pp >= 0) {
        if (*pp == idx) {
            *pp = s->slots[idx].next;
            return;
        }
        pp = &s->slots[*pp].next;
    }
}

/* Emits and frees the oldest slot (if still waiting). */
static int pop_oldest(dt_state *s, zw_event *ev, nz_emitter *em, const char *detail)
{
    int32_t idx = (int32_t)(s->head % DT_JOIN_MAX);
    dt_slot *sl = &s->slots[idx];
    int rc = 0;
    s->head++;
    if (sl->live) {
        unlink_slot(s, idx);
        if (sl->live == 1) {
            rc = emit_one(ev, em, &sl->m, NULL, detail);
        }
        sl->live = 0;
    }
    return rc;
}

/* Releases what the window has passed (now in ms, 0 = unknown: nothing expires). */
static int expire(dt_state *s, zw_event *ev, nz_emitter *em, int64_t now)
{
    while (s->head < s->tail) {
        dt_slot *sl = &s->slots[s->head % DT_JOIN_MAX];
        if (sl->live && (!now || !sl->m.qtime || sl->m.qtime + DT_WINDOW_MS >= now)) {
            break;
        }
        int rc = pop_oldest(s, ev, em, "no response within the join window");
        if (rc) {
            return rc;
        }
    }
    return 0;
}

static dt_slot *find(dt_state *s, const dt_msg *r)
{
    int qt = r->mtype - 1;
    int32_t i = s->bucket[key_hash(r, qt) % DT_BUCKETS];
    while (i >= 0) {
        if (same_key(&s->slots[i].m, r, qt)) {
            return &s->slots[i];
        }
        i = s->slots[i].next;
    }
    return NULL;
}

static int hold(dt_state *s, zw_event *ev, nz_emitter *em)
{
    int rc;
    if (s->tail - s->head >= DT_JOIN_MAX) {
        s->evicted++;
        if ((rc = pop_oldest(s, ev, em, "response not joined: join table full"))) {
            return rc;
        }
    }
    int32_t idx = (int32_t)(s->tail % DT_JOIN_MAX);
    dt_slot *sl = &s->slots[idx];
    s->tail++;
    sl->m = s->cur;
    sl->live = 1;
    sl->hash = key_hash(&sl->m, sl->m.mtype);
    sl->next = s->bucket[sl->hash % DT_BUCKETS];
    s->bucket[sl->hash % DT_BUCKETS] = idx;
    return 0;
}

static int flush_all(dt_state *s, zw_event *ev, nz_emitter *em)
{
    while (s->slots && s->head < s->tail) {
        int rc = pop_oldest(s, ev, em, "no response in the stream");
        if (rc) {
            return rc;
        }
    }
    return 0;
}

static int dnstap_parse(const nz_record *rec, zw_event *ev, nz_emitter *em, char *errstr,
                        size_t errsz)
{
    dt_state *s = rec->state;
    if (rec->forced != NZ_REC_BINARY || !s) {
        return ZW_NOMATCH;
    }
    if (rec->n == 0) {
        return flush_all(s, ev, em);
    }
    if (!s->slots) {
        s->slots = calloc(DT_JOIN_MAX, sizeof *s->slots);
        if (!s->slots) {
            return ZW_ENOMEM;
        }
        for (size_t i = 0; i < DT_BUCKETS; i++) {
            s->bucket[i] = -1;
        }
        s->arena.base = malloc(DT_ARENA); /* NULL: every allocation goes to malloc */
        s->pa.alloc = dt_alloc;
        s->pa.free = dt_free;
        s->pa.allocator_data = &s->arena;
    }
    int rc = decode(s, rec, errstr, errsz);
    if (rc == ZW_EINVAL && rec->pos->offset >= 0) {
        size_t l = strlen(errstr);
        snprintf(errstr + l, errsz - l, " (frame at byte offset %lld)",
                 (long long)rec->pos->offset);
    }
    if (rc) {
        return rc;
    }
    dt_msg *m = &s->cur;
    int is_resp = m->mtype % 2 == 0;
    if ((rc = expire(s, ev, em, is_resp ? (m->rtime ? m->rtime : m->qtime) : m->qtime))) {
        return rc;
    }
    if (!m->has_msg || !m->qalen || m->qport < 0) {
        return emit_one(ev, em, is_resp ? NULL : m, is_resp ? m : NULL, NULL);
    }
    if (!is_resp) {
        return hold(s, ev, em);
    }
    dt_slot *sl = find(s, m);
    if (!sl) {
        return emit_one(ev, em, NULL, m, NULL);
    }
    if (sl->live == 2) {
        return ZW_NOISE; /* a further message of a response already reported */
    }
    sl->live = 2;
    return emit_one(ev, em, &sl->m, m, NULL);
}

const nz_parser nz_parser_dnstap = {
    .name = "dnstap",
    .description = "dnstap (Frame Streams of protobuf messages: BIND, Knot, Unbound, dnsdist, ...)",
    .json = 0,
    .parse = dnstap_parse,
    .state_new = dt_state_new,
    .state_free = dt_state_free,
};

/* ---- the stream reader (called by nz_read_file) ---- */

typedef struct {
    gzFile gz;
    const char *pre;
    size_t pre_n, pre_off;
} dt_src;

static long dt_read(void *opaque, void *buf, size_t n)
{
    dt_src *src = opaque;
    if (src->pre_off < src->pre_n) {
        size_t k = src->pre_n - src->pre_off;
        k = k < n ? k : n;
        memcpy(buf, src->pre + src->pre_off, k);
        src->pre_off += k;
        return (long)k;
    }
    if (!src->gz) {
        return 0;
    }
    unsigned want = n > (1u << 30) ? (1u << 30) : (unsigned)n;
    int r = gzread(src->gz, buf, want);
    if (r < 0) {
        return -1;
    }
    if (r == 0) {
        int err;
        gzerror(src->gz, &err);
        if (err == Z_BUF_ERROR || err == Z_DATA_ERROR) {
            return -1;
        }
    }
    return r;
}

int nz_dnstap_sniff(const char *p, size_t n)
{
    return nz_fstrm_sniff(p, n);
}

int nz_dnstap_read(nz_stream *st, void *gz, const char *pre, size_t pre_n, char *errstr,
                   size_t errsz)
{
    dt_src src = {(gzFile)gz, pre, pre_n, 0};
    int rc = 0;
    nz_fstrm *fs = nz_fstrm_new(dt_read, &src, DT_MAX_FRAME);
    nz_pos pos = {nz_stream_name(st), 0, NULL, -1, -1};
    char why[512], reason[600];
    if (!fs) {
        return zw_errf(errstr, errsz, ZW_ENOMEM, "out of memory");
    }
    for (;;) {
        const char *f = NULL;
        size_t n = 0;
        uint64_t off = 0;
        why[0] = 0;
        int r = nz_fstrm_next(fs, &f, &n, &off, why, sizeof why);
        if (r == NZ_FS_END) {
            break;
        }
        pos.line = (int64_t)nz_fstrm_frames(fs) + (r == NZ_FS_FRAME ? 0 : 1);
        pos.offset = (int64_t)off; /* for the parser's reasons; written only with a topic */
        if (r == NZ_FS_FRAME) {
            rc = nz_stream_binary(st, "dnstap", f, n, &pos, NULL);
            if (rc == 0) {
                continue;
            }
            goto out;
        }
        snprintf(reason, sizeof reason, "dnstap: %s", why);
        if ((rc = nz_stream_binary(st, "dnstap", "", 0, &pos, reason))) {
            goto out;
        }
        if (r == NZ_FS_FATAL) {
            break;
        }
    }
    pos.line = (int64_t)nz_fstrm_frames(fs) + 1;
    pos.offset = -1;
    rc = nz_stream_binary(st, "dnstap", NULL, 0, &pos, NULL);
out:
    if (rc) {
        zw_errf(errstr, errsz, rc, "%s: processing stopped (error %d)", pos.file, rc);
    }
    nz_fstrm_destroy(fs);
    return rc;
}
