/*
 * ex_xfer.c - zone transfers as a client: AXFR and IXFR over TCP, optional TSIG
 * signing and source-address binding, with ldns for every byte of wire format
 * (query building, TSIG, message parsing).  Records what came back (messages, bytes,
 * records, SOA serial, rcode) for axfr-check, and feeds records to ex_zone for
 * `exposure --axfr`.
 *
 * The socket handling is ours (so the source address, timeouts and the IXFR end
 * condition are explicit); ldns_axfr_start() is not used because it stops an
 * incremental IXFR at its second SOA.
 */
#include "ex.h"
#include "ex_internal.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static int64_t now_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static int64_t deadline_of(const ex_xfer_req *req)
{
    return now_ms() + (req->timeout_ms > 0 ? req->timeout_ms : 5000);
}

static int tcp_open(const ex_xfer_req *req, int64_t deadline, char *err, size_t errn)
{
    struct addrinfo hints, *ai = NULL;
    char port[8];
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    snprintf(port, sizeof port, "%d", req->port ? req->port : 53);
    int g = getaddrinfo(req->server, port, &hints, &ai);
    if (g) {
        snprintf(err, errn, "%s: %s", req->server, gai_strerror(g));
        return -1;
    }
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, errn, "socket: %s", strerror(errno));
        goto fail;
    }
    /* connect and the query's write are bounded by what is left of the deadline (reads
     * are polled against it) */
    int64_t tmo = deadline - now_ms();
    tmo = tmo > 0 ? tmo : 1;
    struct timeval tv = {(time_t)(tmo / 1000), (suseconds_t)((tmo % 1000) * 1000)};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (req->source_ip) {
        struct addrinfo sh, *sa = NULL;
        memset(&sh, 0, sizeof sh);
        sh.ai_family = ai->ai_family;
        sh.ai_socktype = SOCK_STREAM;
        sh.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
        if (getaddrinfo(req->source_ip, "0", &sh, &sa)) {
            snprintf(err, errn, "source address %s: not an address of the server's family",
                     req->source_ip);
            goto fail;
        }
        int brc = bind(fd, sa->ai_addr, sa->ai_addrlen);
        freeaddrinfo(sa);
        if (brc) {
            snprintf(err, errn, "bind %s: %s", req->source_ip, strerror(errno));
            goto fail;
        }
    }
    if (connect(fd, ai->ai_addr, ai->ai_addrlen)) {
        snprintf(err, errn, "connect %s port %s: %s", req->server, port,
                 errno == EINPROGRESS || errno == EAGAIN ? "timed out" : strerror(errno));
        goto fail;
    }
    freeaddrinfo(ai);
    return fd;
fail:
    if (fd >= 0) {
        close(fd);
    }
    freeaddrinfo(ai);
    return -1;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Reads exactly n bytes before the deadline: 0, 1 on EOF, -1 on error, -2 on timeout
 * (a peer sending one byte a second cannot stretch it: the deadline is absolute). */
static int read_all(int fd, uint8_t *p, size_t n, int64_t deadline)
{
    while (n) {
        int64_t left = deadline - now_ms();
        if (left <= 0) {
            return -2;
        }
        struct pollfd pf = {fd, POLLIN, 0};
        int pr = poll(&pf, 1, (int)(left < 60000 ? left : 60000));
        if (pr < 0 && errno == EINTR) {
            continue;
        }
        if (pr < 0) {
            return -1;
        }
        if (pr == 0) {
            continue; /* the loop head decides whether time is up */
        }
        ssize_t r = read(fd, p, n);
        if (r < 0 && (errno == EINTR || errno == EAGAIN)) {
            continue;
        }
        if (r <= 0) {
            return r == 0 ? 1 : -1; /* 1: EOF */
        }
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

/* Builds the request packet (AXFR, IXFR with SOA in authority, or SOA query). */
static ldns_pkt *build_query(const ex_xfer_req *req, ldns_rr_type qt, char *err, size_t errn)
{
    char fq[300];
    snprintf(fq, sizeof fq, "%s%s", req->zone,
             req->zone[0] && req->zone[strlen(req->zone) - 1] == '.' ? "" : ".");
    ldns_rdf *qname = ldns_dname_new_frm_str(fq);
    if (!qname) {
        snprintf(err, errn, "bad zone name '%s'", req->zone);
        return NULL;
    }
    ldns_pkt *q = ldns_pkt_query_new(qname, qt, LDNS_RR_CLASS_IN, 0);
    if (!q) {
        snprintf(err, errn, "out of memory");
        return NULL;
    }
    ldns_pkt_set_random_id(q);
    if (qt == LDNS_RR_TYPE_IXFR) {
        char soa[400];
        snprintf(soa, sizeof soa, "%s 0 IN SOA . . %u 0 0 0 0", fq, req->ixfr_serial);
        ldns_rr *s = NULL;
        if (ldns_rr_new_frm_str(&s, soa, 0, NULL, NULL) != LDNS_STATUS_OK ||
            !ldns_pkt_push_rr(q, LDNS_SECTION_AUTHORITY, s)) {
            ldns_rr_free(s);
            ldns_pkt_free(q);
            snprintf(err, errn, "cannot build IXFR SOA");
            return NULL;
        }
    }
    if (req->tsig) {
        ldns_status st = ldns_pkt_tsig_sign(q, req->tsig->name, req->tsig->secret, 300,
                                            req->tsig->algorithm, NULL);
        if (st != LDNS_STATUS_OK) {
            snprintf(err, errn, "TSIG signing failed: %s", ldns_get_errorstr_by_id(st));
            ldns_pkt_free(q);
            return NULL;
        }
    }
    return q;
}

static int send_pkt(int fd, const ldns_pkt *q, char *err, size_t errn)
{
    uint8_t *wire = NULL;
    size_t wn = 0;
    if (ldns_pkt2wire(&wire, q, &wn) != LDNS_STATUS_OK || wn > 65535) {
        free(wire);
        snprintf(err, errn, "cannot encode query");
        return -1;
    }
    uint8_t len[2] = {(uint8_t)(wn >> 8), (uint8_t)wn};
    int rc = write_all(fd, len, 2) || write_all(fd, wire, wn);
    free(wire);
    if (rc) {
        snprintf(err, errn, "send: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* Reads one length-prefixed message before the deadline.  0 ok (*out owned by caller),
 * 1 EOF, -1 error, -2 timed out (err says which). */
static int recv_pkt(int fd, int64_t deadline, ldns_pkt **out, size_t *bytes, char *err, size_t errn)
{
    uint8_t len[2];
    int r = read_all(fd, len, 2, deadline);
    if (r) {
        if (r < 0) {
            snprintf(err, errn, "read: %s", r == -2 ? "timed out" : strerror(errno));
        }
        return r;
    }
    size_t n = ((size_t)len[0] << 8) | len[1];
    uint8_t *buf = malloc(n ? n : 1);
    if (!buf) {
        snprintf(err, errn, "out of memory");
        return -1;
    }
    r = read_all(fd, buf, n, deadline);
    if (r) {
        free(buf);
        snprintf(err, errn, "read: %s", r == -2 ? "timed out" : "message cut short");
        return r == -2 ? -2 : -1;
    }
    *bytes += n + 2;
    ldns_status st = ldns_wire2pkt(out, buf, n);
    free(buf);
    if (st != LDNS_STATUS_OK) {
        snprintf(err, errn, "malformed DNS message: %s", ldns_get_errorstr_by_id(st));
        return -1;
    }
    return 0;
}

/* An answer belongs to the query when it has its id and, when it carries a question,
 * the query's question (name, type, class).  0, or -1 with err. */
static int answer_matches(const ldns_pkt *q, const ldns_pkt *p, char *err, size_t errn)
{
    if (ldns_pkt_id(p) != ldns_pkt_id(q)) {
        snprintf(err, errn, "answer id %u does not match the query id %u", ldns_pkt_id(p),
                 ldns_pkt_id(q));
        return -1;
    }
    if (!ldns_pkt_qr(p)) {
        snprintf(err, errn, "answer is not a response (QR bit clear)");
        return -1;
    }
    const ldns_rr_list *aq = ldns_pkt_question(p);
    size_t n = aq ? ldns_rr_list_rr_count(aq) : 0;
    if (n == 0) {
        return 0; /* RFC 5936 2.2.1: later messages may omit the question */
    }
    const ldns_rr *want = ldns_rr_list_rr(ldns_pkt_question(q), 0);
    const ldns_rr *got = ldns_rr_list_rr(aq, 0);
    if (n != 1 || ldns_rr_get_type(got) != ldns_rr_get_type(want) ||
        ldns_rr_get_class(got) != ldns_rr_get_class(want) ||
        ldns_dname_compare(ldns_rr_owner(got), ldns_rr_owner(want)) != 0) {
        snprintf(err, errn, "answer question does not match the query");
        return -1;
    }
    return 0;
}

static uint32_t soa_serial(const ldns_rr *rr)
{
    const ldns_rdf *f = ldns_rr_rdf(rr, 2);
    return f ? ldns_rdf2native_int32(f) : 0;
}

/* Transfer state across messages. */
typedef struct {
    size_t serial_hits; /* occurrences of the first SOA's serial */
    int incremental;    /* IXFR: 1 incremental, 0 AXFR-style, -1 not known yet */
} xfer_state;

/* Takes the answer records of one message: counts them, follows the SOAs to the end of
 * the transfer, feeds fn, and stops at max_records (res->limited). */
static void take_answer(const ex_xfer_req *req, ex_xfer_result *res, xfer_state *x,
                        const ldns_rr_list *an, size_t na, ex_xfer_rr_fn fn, void *opaque)
{
    size_t maxr = req->max_records ? req->max_records : EX_XFER_MAX_RECORDS;
    for (size_t i = 0; i < na && !res->complete; i++) {
        const ldns_rr *rr = ldns_rr_list_rr(an, i);
        int is_soa = ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA;
        if (res->records >= maxr) {
            res->limited = 1;
            snprintf(res->error, sizeof res->error,
                     "transfer stopped after %zu records (max-records): the server sends more",
                     res->records);
            return;
        }
        res->records++;
        if (res->records == 1 && !is_soa) {
            snprintf(res->error, sizeof res->error, "transfer does not start with an SOA");
            return;
        }
        if (is_soa) {
            uint32_t s = soa_serial(rr);
            if (!res->soa_seen) {
                res->soa_seen = 1;
                res->serial = s;
            }
            if (s == res->serial) {
                x->serial_hits++;
            }
        } else {
            res->data_records++;
        }
        if (req->ixfr && res->records == 2) {
            x->incremental = is_soa && soa_serial(rr) != res->serial;
        }
        if (fn && fn(opaque, rr)) {
            res->complete = 1; /* caller stopped */
            return;
        }
        size_t need = req->ixfr && x->incremental == 1 ? 3 : 2;
        if (res->records > 1 && x->serial_hits >= need) {
            res->complete = 1;
        }
    }
}

/* Reads answers until the transfer completes, the server stops, or a bound is hit.
 * Returns ZW_OK or ZW_EIO (see ex_xfer). */
static int read_answers(int fd, int64_t deadline, const ex_xfer_req *req, const ldns_pkt *q,
                        ex_xfer_result *res, ex_xfer_rr_fn fn, void *opaque)
{
    size_t maxm = req->max_messages ? req->max_messages : 100000;
    size_t maxb = req->max_bytes ? req->max_bytes : EX_XFER_MAX_BYTES;
    xfer_state x = {0, -1};
    while (!res->complete) {
        if (res->messages >= maxm || res->bytes >= maxb) {
            res->limited = 1;
            snprintf(res->error, sizeof res->error,
                     "transfer stopped after %zu messages, %zu bytes (max-%s): the server sends "
                     "more",
                     res->messages, res->bytes, res->bytes >= maxb ? "bytes" : "messages");
            return ZW_OK;
        }
        ldns_pkt *p = NULL;
        int r = recv_pkt(fd, deadline, &p, &res->bytes, res->error, sizeof res->error);
        if (r == 1) {
            if (!res->answered) {
                res->closed_early = 1;
                snprintf(res->error, sizeof res->error, "connection closed without an answer");
                return ZW_EIO;
            }
            return ZW_OK; /* EOF: the server ended the stream (refusal or truncated transfer) */
        }
        if (r < 0) {
            res->limited = r == -2 && res->answered;
            return res->answered ? ZW_OK : ZW_EIO;
        }
        if (answer_matches(q, p, res->error, sizeof res->error)) {
            /* not an answer to our query: proves nothing, whatever it says; after data
             * came back the transfer is cut short (the records taken stand) */
            res->mismatched = 1;
            ldns_pkt_free(p);
            return res->answered ? ZW_OK : ZW_EIO;
        }
        res->messages++;
        res->answered = 1;
        int rcode = ldns_pkt_get_rcode(p);
        if (res->rcode < 0) {
            res->rcode = rcode;
        }
        const ldns_rr_list *an = ldns_pkt_answer(p);
        size_t na = an ? ldns_rr_list_rr_count(an) : 0;
        if (rcode != LDNS_RCODE_NOERROR || na == 0) {
            ldns_pkt_free(p);
            return ZW_OK; /* refused, or NOERROR with no records: nothing served */
        }
        take_answer(req, res, &x, an, na, fn, opaque);
        /* IXFR: a lone SOA in the first message means "you are up to date" */
        if (req->ixfr && res->messages == 1 && res->records == 1 && na == 1) {
            res->up_to_date = 1;
            res->complete = 1;
        }
        ldns_pkt_free(p);
        if (res->error[0]) {
            return ZW_OK;
        }
    }
    return ZW_OK;
}

int ex_xfer(const ex_xfer_req *req, ex_xfer_result *res, ex_xfer_rr_fn fn, void *opaque)
{
    memset(res, 0, sizeof *res);
    res->rcode = -1;
    if (!req->server || !req->zone) {
        snprintf(res->error, sizeof res->error, "server and zone are required");
        return ZW_EINVAL;
    }
    int64_t t0 = now_ms(), deadline = deadline_of(req);
    int rc = ZW_OK;
    ldns_pkt *q = build_query(req, req->ixfr ? LDNS_RR_TYPE_IXFR : LDNS_RR_TYPE_AXFR, res->error,
                              sizeof res->error);
    if (!q) {
        return ZW_EINVAL;
    }
    int fd = tcp_open(req, deadline, res->error, sizeof res->error);
    if (fd < 0) {
        ldns_pkt_free(q);
        res->duration_ms = now_ms() - t0;
        return ZW_EIO;
    }
    res->connected = 1;
    if (send_pkt(fd, q, res->error, sizeof res->error)) {
        rc = ZW_EIO;
    } else {
        rc = read_answers(fd, deadline, req, q, res, fn, opaque);
    }
    close(fd);
    ldns_pkt_free(q);
    res->duration_ms = now_ms() - t0;
    return rc;
}

int ex_soa_serial(const ex_xfer_req *req, uint32_t *serial, int *rcode, char *errstr,
                  size_t errstr_size)
{
    *rcode = -1;
    ldns_pkt *q = build_query(req, LDNS_RR_TYPE_SOA, errstr, errstr_size);
    if (!q) {
        return ZW_EINVAL;
    }
    int rc = ZW_EIO;
    size_t bytes = 0;
    ldns_pkt *p = NULL;
    int64_t deadline = deadline_of(req);
    int fd = tcp_open(req, deadline, errstr, errstr_size);
    if (fd < 0) {
        goto out;
    }
    if (send_pkt(fd, q, errstr, errstr_size) ||
        recv_pkt(fd, deadline, &p, &bytes, errstr, errstr_size) != 0 ||
        answer_matches(q, p, errstr, errstr_size)) {
        goto out;
    }
    *rcode = ldns_pkt_get_rcode(p);
    rc = ZW_NOMATCH;
    const ldns_rr_list *an = ldns_pkt_answer(p);
    for (size_t i = 0; an && i < ldns_rr_list_rr_count(an); i++) {
        if (ldns_rr_get_type(ldns_rr_list_rr(an, i)) == LDNS_RR_TYPE_SOA) {
            *serial = soa_serial(ldns_rr_list_rr(an, i));
            rc = ZW_OK;
            break;
        }
    }
out:
    if (fd >= 0) {
        close(fd);
    }
    ldns_pkt_free(p);
    ldns_pkt_free(q);
    return rc;
}

typedef struct {
    ex_zone *z;
    int first_soa_done;
    int rc;
} axfr_ctx;

static int add_axfr_rr(void *opaque, const void *rrp)
{
    axfr_ctx *c = opaque;
    const ldns_rr *rr = rrp;
    if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA && c->first_soa_done) {
        return 0; /* the closing SOA repeats the first */
    }
    if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA) {
        c->first_soa_done = 1;
    }
    c->rc = ex_zone_add_ldns(c->z, rr, 0);
    return c->rc;
}

int ex_zone_read_axfr(const ex_xfer_req *req, ex_zone **out, char *errstr, size_t errstr_size)
{
    char src[300];
    *out = NULL;
    snprintf(src, sizeof src, "%s port %d", req->server, req->port ? req->port : 53);
    ex_zone *z = ex_zone_new(req->zone, src, "axfr");
    if (!z) {
        return zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
    }
    ex_xfer_req r = *req;
    r.ixfr = 0;
    ex_xfer_result res;
    axfr_ctx c = {z, 0, 0};
    int rc = ex_xfer(&r, &res, add_axfr_rr, &c);
    if (c.rc) {
        ex_zone_destroy(z);
        return zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
    }
    if (rc) {
        ex_zone_destroy(z);
        return zw_errf(errstr, errstr_size, rc, "AXFR %s from %s: %s", req->zone, src, res.error);
    }
    if (res.rcode != 0 || !res.complete) {
        const char *rn = ldns_pkt_rcode2str((ldns_pkt_rcode)(res.rcode < 0 ? 0 : res.rcode));
        int erc = zw_errf(errstr, errstr_size, ZW_EIO, "AXFR %s from %s: %s%s%s", req->zone, src,
                          res.rcode > 0 ? (rn ? rn : "error") : "incomplete transfer",
                          res.error[0] ? ": " : "", res.error);
        free((void *)rn);
        ex_zone_destroy(z);
        return erc;
    }
    *out = z;
    return ZW_OK;
}

/* ---------------------------------------------------------------- TSIG keys */

/* Algorithm as ldns names it ("hmac-sha256."). */
static const char *algo_name(zw_arena *a, const char *s, size_t n)
{
    while (n && (s[n - 1] == '.' || isspace((unsigned char)s[n - 1]))) {
        n--;
    }
    char *r = zw_arena_alloc(a, n + 2);
    if (!r) {
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        r[i] = (char)tolower((unsigned char)s[i]);
    }
    r[n] = '.';
    r[n + 1] = '\0';
    return r;
}

/* Value after `word` in a BIND key clause: the next token, quotes removed. */
static int clause(const char *text, const char *word, const char **v, size_t *vn)
{
    const char *p = text;
    size_t wl = strlen(word);
    while ((p = strstr(p, word))) {
        if ((p == text || !isalnum((unsigned char)p[-1])) && isspace((unsigned char)p[wl])) {
            p += wl;
            while (isspace((unsigned char)*p)) {
                p++;
            }
            int q = *p == '"';
            p += q;
            const char *e = p;
            while (*e &&
                   (q ? *e != '"' : (!isspace((unsigned char)*e) && *e != ';' && *e != '{'))) {
                e++;
            }
            *v = p;
            *vn = (size_t)(e - p);
            return *vn ? 0 : -1;
        }
        p += wl;
    }
    return -1;
}

int ex_tsig_load(const char *path, zw_arena *a, ex_tsig *out, char *errstr, size_t errstr_size)
{
    zw_buf b;
    zw_buf_init(&b);
    int rc = zw_buf_read_file(&b, path, errstr, errstr_size);
    if (rc) {
        zw_buf_free(&b);
        return rc;
    }
    const char *t = b.p ? b.p : "";
    const char *v;
    size_t vn;
    memset(out, 0, sizeof *out);
    if (strstr(t, "key") && strchr(t, '{')) {
        const char *an, *sn;
        size_t anl, snl;
        if (clause(t, "key", &v, &vn) || clause(t, "algorithm", &an, &anl) ||
            clause(t, "secret", &sn, &snl)) {
            rc = zw_errf(errstr, errstr_size, ZW_EINVAL,
                         "%s: want key \"name\" { algorithm A; secret \"S\"; };", path);
            goto out;
        }
        out->name = zw_arena_strndup(a, v, vn);
        out->algorithm = algo_name(a, an, anl);
        out->secret = zw_arena_strndup(a, sn, snl);
    } else {
        /* one line: [algorithm:]name:secret */
        size_t n = strcspn(t, "\r\n");
        const char *c1 = memchr(t, ':', n);
        const char *c2 = c1 ? memchr(c1 + 1, ':', n - (size_t)(c1 + 1 - t)) : NULL;
        if (!c1) {
            rc = zw_errf(errstr, errstr_size, ZW_EINVAL,
                         "%s: not a BIND key file nor [algorithm:]name:secret", path);
            goto out;
        }
        if (c2) {
            out->algorithm = algo_name(a, t, (size_t)(c1 - t));
            out->name = zw_arena_strndup(a, c1 + 1, (size_t)(c2 - c1 - 1));
            out->secret = zw_arena_strndup(a, c2 + 1, n - (size_t)(c2 + 1 - t));
        } else {
            out->algorithm = algo_name(a, "hmac-sha256", 11);
            out->name = zw_arena_strndup(a, t, (size_t)(c1 - t));
            out->secret = zw_arena_strndup(a, c1 + 1, n - (size_t)(c1 + 1 - t));
        }
    }
    if (!out->name || !out->algorithm || !out->secret) {
        rc = zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
    }
out:
    zw_buf_free(&b);
    return rc;
}
