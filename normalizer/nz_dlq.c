/*
 * nz_dlq.c - the dead-letter file writer shared by `normalize` and `run`: JSON lines up
 * to a byte cap (--dlq-max-bytes, 1 GiB by default), then counted and not written, so a
 * few KB of compressed junk cannot fill a disk (issue 17).  Not for Kafka topics.
 */
#include "nz_dlq.h"

#include "../common/zw_buf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct nz_dlq {
    FILE *f;
    char *path;
    uint64_t max, bytes, unwritten;
    int werr; /* errno of the first failed write */
    int full;
    zw_buf b;
};

nz_dlq *nz_dlq_open(const char *path, uint64_t max_bytes, char *errstr, size_t errstr_size)
{
    nz_dlq *q = calloc(1, sizeof *q);
    if (!q || !(q->path = strdup(path))) {
        free(q);
        zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
        return NULL;
    }
    if (!(q->f = fopen(path, "w"))) {
        zw_errf(errstr, errstr_size, ZW_EIO, "%s: %s", path, strerror(errno));
        free(q->path);
        free(q);
        return NULL;
    }
    q->max = max_bytes ? max_bytes : NZ_DLQ_MAX_BYTES_DEFAULT;
    zw_buf_init(&q->b);
    return q;
}

int nz_dlq_write(nz_dlq *q, const nz_dead *d, char *errstr, size_t errstr_size)
{
    if (q->full) {
        q->unwritten++;
        return NZ_DEAD_UNWRITTEN;
    }
    zw_buf_clear(&q->b);
    if (nz_dead_to_json(&q->b, d) || zw_buf_putc(&q->b, '\n')) {
        return zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
    }
    if (q->bytes + q->b.len > q->max) {
        q->full = 1;
        q->unwritten++;
        return NZ_DEAD_UNWRITTEN;
    }
    errno = 0;
    if (fwrite(q->b.p, 1, q->b.len, q->f) != q->b.len) {
        q->werr = q->werr ? q->werr : errno ? errno : EIO;
        return zw_errf(errstr, errstr_size, ZW_EIO, "%s: write failed: %s", q->path,
                       strerror(q->werr));
    }
    q->bytes += q->b.len;
    return 0;
}

uint64_t nz_dlq_bytes(const nz_dlq *q)
{
    return q ? q->bytes : 0;
}

uint64_t nz_dlq_unwritten(const nz_dlq *q)
{
    return q ? q->unwritten : 0;
}

int nz_dlq_close(nz_dlq *q, char *errstr, size_t errstr_size)
{
    int rc = 0;
    if (!q) {
        return 0;
    }
    errno = 0;
    if (fflush(q->f) != 0 || ferror(q->f)) {
        int e = q->werr ? q->werr : errno ? errno : EIO;
        rc = zw_errf(errstr, errstr_size, ZW_EIO, "%s: write failed: %s", q->path, strerror(e));
    }
    if (fclose(q->f) != 0 && !rc) {
        rc = zw_errf(errstr, errstr_size, ZW_EIO, "%s: close: %s", q->path, strerror(errno));
    }
    zw_buf_free(&q->b);
    free(q->path);
    free(q);
    return rc;
}

int64_t nz_parse_size(const char *s)
{
    uint64_t v = 0, mul = 1;
    size_t i = 0;
    if (!s || !(s[0] >= '0' && s[0] <= '9')) {
        return -1;
    }
    for (; s[i] >= '0' && s[i] <= '9'; i++) {
        if (v > (UINT64_C(1) << 62) / 10) {
            return -1;
        }
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    switch (s[i]) {
    case 0:
        break;
    case 'K':
    case 'k':
        mul = 1u << 10;
        break;
    case 'M':
    case 'm':
        mul = 1u << 20;
        break;
    case 'G':
    case 'g':
        mul = 1u << 30;
        break;
    default:
        return -1;
    }
    if (s[i] && s[i + 1]) {
        return -1;
    }
    if (v == 0 || v > (UINT64_C(1) << 62) / mul) {
        return -1;
    }
    return (int64_t)(v * mul);
}
