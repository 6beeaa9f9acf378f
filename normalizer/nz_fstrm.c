/*
 * nz_fstrm.c - Frame Streams reader (see nz_fstrm.h).  Wire format: a data frame is a
 * 32-bit big-endian length (non-zero) and that many bytes; a control frame is the
 * escape 0x00000000, a 32-bit length (at most 512), a 32-bit control type (START 2,
 * STOP 3) and fields (type 1 = content type: 32-bit length and the string).  Every
 * length is checked against what is left and against the caps before anything is
 * read into memory, so a hostile file costs at most max_frame bytes of buffer.
 */
#include "nz_fstrm.h"

#include "../common/zw_common.h"

#include <stdlib.h>
#include <string.h>

enum {
    FS_CTRL_ACCEPT = 1,
    FS_CTRL_START = 2,
    FS_CTRL_STOP = 3,
    FS_CTRL_READY = 4,
    FS_CTRL_FINISH = 5,
    FS_FIELD_CONTENT_TYPE = 1
};

struct nz_fstrm {
    nz_fstrm_read_fn rd;
    void *opaque;
    size_t max_frame;
    uint64_t off; /* bytes consumed so far */
    int started;
    int done;
    uint64_t streams; /* STOP frames seen */
    uint64_t frames;
    char *buf;
    size_t cap;
    nz_fstrm_write_fn wr; /* bidirectional mode, or NULL */
    void *wr_opaque;
};

void nz_fstrm_set_bidi(nz_fstrm *fs, nz_fstrm_write_fn wr, void *opaque)
{
    fs->wr = wr;
    fs->wr_opaque = opaque;
}

/* Sends a control frame of type ct, with our content type for ACCEPT. */
static int send_control(nz_fstrm *fs, uint32_t ct)
{
    unsigned char f[64];
    size_t ctl = strlen(NZ_FSTRM_CONTENT_TYPE), n = 0;
    uint32_t body = 4 + (ct == FS_CTRL_ACCEPT ? 8 + (uint32_t)ctl : 0);
    uint32_t words[5] = {0, body, ct, FS_FIELD_CONTENT_TYPE, (uint32_t)ctl};
    size_t nw = ct == FS_CTRL_ACCEPT ? 5 : 3;
    for (size_t i = 0; i < nw; i++) {
        f[n++] = (unsigned char)(words[i] >> 24);
        f[n++] = (unsigned char)(words[i] >> 16);
        f[n++] = (unsigned char)(words[i] >> 8);
        f[n++] = (unsigned char)words[i];
    }
    if (ct == FS_CTRL_ACCEPT) {
        memcpy(f + n, NZ_FSTRM_CONTENT_TYPE, ctl);
        n += ctl;
    }
    return fs->wr(fs->wr_opaque, f, n);
}

nz_fstrm *nz_fstrm_new(nz_fstrm_read_fn rd, void *opaque, size_t max_frame)
{
    nz_fstrm *fs = calloc(1, sizeof *fs);
    if (!fs) {
        return NULL;
    }
    fs->rd = rd;
    fs->opaque = opaque;
    fs->max_frame = max_frame ? max_frame : (1u << 20);
    return fs;
}

void nz_fstrm_destroy(nz_fstrm *fs)
{
    if (!fs) {
        return;
    }
    free(fs->buf);
    free(fs);
}

uint64_t nz_fstrm_frames(const nz_fstrm *fs)
{
    return fs->frames;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int nz_fstrm_sniff(const void *p, size_t n)
{
    const unsigned char *u = p;
    if (n < 12) {
        return 0;
    }
    uint32_t len = be32(u + 4);
    uint32_t ct = be32(u + 8);
    /* any control frame (READY 4 and FINISH 5 are the bidirectional ones): a stream that
     * does not open with START is then reported as such by nz_fstrm_next */
    return be32(u) == 0 && len >= 4 && len <= NZ_FSTRM_MAX_CONTROL && ct >= 1 && ct <= 5;
}

/* Reads exactly n bytes: n, or fewer at end of input, or -1 on a read error. */
static long read_full(nz_fstrm *fs, void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        long r = fs->rd(fs->opaque, (char *)buf + got, n - got);
        if (r < 0) {
            return -1;
        }
        if (r == 0) {
            break;
        }
        got += (size_t)r;
    }
    fs->off += got;
    return (long)got;
}

static int grow(nz_fstrm *fs, size_t n)
{
    if (n <= fs->cap) {
        return 0;
    }
    char *b = realloc(fs->buf, n);
    if (!b) {
        return ZW_ENOMEM;
    }
    fs->buf = b;
    fs->cap = n;
    return 0;
}

/* Discards n bytes (an oversized frame) without holding them. */
static long skip_bytes(nz_fstrm *fs, uint64_t n)
{
    char tmp[4096];
    uint64_t left = n;
    while (left) {
        size_t k = left < sizeof tmp ? (size_t)left : sizeof tmp;
        long r = read_full(fs, tmp, k);
        if (r < 0) {
            return -1;
        }
        left -= (uint64_t)r;
        if ((size_t)r < k) {
            break;
        }
    }
    return (long)(n - left);
}

/* The control frame after an escape; sets *ctype. */
static int control(nz_fstrm *fs, uint64_t at, uint32_t *ctype, char *errstr, size_t errsz)
{
    unsigned char hdr[4];
    long r = read_full(fs, hdr, 4);
    if (r != 4) {
        return zw_errf(errstr, errsz, NZ_FS_FATAL, "truncated control frame at byte offset %llu",
                       (unsigned long long)at);
    }
    uint32_t len = be32(hdr);
    if (len < 4 || len > NZ_FSTRM_MAX_CONTROL) {
        return zw_errf(errstr, errsz, NZ_FS_FATAL,
                       "control frame at byte offset %llu has length %u (4..%d allowed)",
                       (unsigned long long)at, len, NZ_FSTRM_MAX_CONTROL);
    }
    unsigned char c[NZ_FSTRM_MAX_CONTROL];
    if (read_full(fs, c, len) != (long)len) {
        return zw_errf(errstr, errsz, NZ_FS_FATAL, "truncated control frame at byte offset %llu",
                       (unsigned long long)at);
    }
    *ctype = be32(c);
    if (*ctype != FS_CTRL_START && *ctype != FS_CTRL_READY) {
        return 0;
    }
    /* fields: a content type must be present and must be dnstap's */
    size_t i = 4;
    int seen = 0, ok = 0;
    char shown[64] = "";
    while (i + 8 <= len) {
        uint32_t ft = be32(c + i), fl = be32(c + i + 4);
        i += 8;
        if (fl > len - i) {
            return zw_errf(errstr, errsz, NZ_FS_FATAL,
                           "START frame at byte offset %llu: field length %u overruns the frame",
                           (unsigned long long)at, fl);
        }
        if (ft == FS_FIELD_CONTENT_TYPE) {
            seen = 1;
            size_t ctl = strlen(NZ_FSTRM_CONTENT_TYPE);
            if (fl == ctl && memcmp(c + i, NZ_FSTRM_CONTENT_TYPE, ctl) == 0) {
                ok = 1;
            } else if (!ok) {
                size_t k = 0;
                for (; k < fl && k + 1 < sizeof shown; k++) {
                    unsigned char ch = c[i + k];
                    shown[k] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
                }
                shown[k] = 0;
            }
        }
        i += fl;
    }
    if (i != len) {
        return zw_errf(errstr, errsz, NZ_FS_FATAL,
                       "START frame at byte offset %llu: malformed fields", (unsigned long long)at);
    }
    if (seen && !ok) {
        return zw_errf(errstr, errsz, NZ_FS_FATAL,
                       "Frame Streams content type '%s' is not %s (byte offset %llu)", shown,
                       NZ_FSTRM_CONTENT_TYPE, (unsigned long long)at);
    }
    if (!seen) {
        return zw_errf(errstr, errsz, NZ_FS_FATAL,
                       "START frame at byte offset %llu names no content type",
                       (unsigned long long)at);
    }
    return 0;
}

int nz_fstrm_next(nz_fstrm *fs, const char **frame, size_t *len, uint64_t *offset, char *errstr,
                  size_t errsz)
{
    unsigned char hdr[4];
    for (;;) {
        if (fs->done) {
            return NZ_FS_END;
        }
        uint64_t at = fs->off;
        *offset = at;
        long r = read_full(fs, hdr, 4);
        if (r < 0) {
            fs->done = 1;
            return zw_errf(errstr, errsz, NZ_FS_FATAL, "read error at byte offset %llu",
                           (unsigned long long)at);
        }
        if (r == 0) {
            fs->done = 1;
            if (!fs->started && !fs->streams) {
                return zw_errf(errstr, errsz, NZ_FS_FATAL, "empty Frame Streams input");
            }
            return NZ_FS_END; /* no STOP: a writer still running or killed; not an error */
        }
        if (r < 4) {
            fs->done = 1;
            return zw_errf(errstr, errsz, NZ_FS_FATAL,
                           "truncated frame length at byte offset %llu (%ld of 4 bytes)",
                           (unsigned long long)at, r);
        }
        uint32_t n = be32(hdr);
        if (n == 0) {
            uint32_t ct = 0;
            int rc = control(fs, at, &ct, errstr, errsz);
            if (rc) {
                fs->done = 1;
                return rc;
            }
            if (ct == FS_CTRL_START) {
                /* a START without a STOP before it: a writer that was killed and
                 * restarted appending to the file; its frames are still read */
                fs->started = 1;
                continue;
            }
            if (ct == FS_CTRL_READY && fs->wr && !fs->started) {
                if (send_control(fs, FS_CTRL_ACCEPT)) {
                    fs->done = 1;
                    return zw_errf(errstr, errsz, NZ_FS_FATAL, "cannot send ACCEPT");
                }
                continue;
            }
            if (ct == FS_CTRL_STOP && fs->started && fs->wr) {
                fs->done = 1; /* a live writer says goodbye: FINISH, then the end */
                (void)send_control(fs, FS_CTRL_FINISH);
                return NZ_FS_END;
            }
            if (ct == FS_CTRL_STOP && fs->started) {
                /* a file may hold several streams one after another (concatenated
                 * captures): whatever follows must open with a new START */
                fs->started = 0;
                fs->streams++;
                continue;
            }
            if (!fs->started) {
                fs->done = 1;
                return zw_errf(errstr, errsz, NZ_FS_FATAL,
                               "control frame type %u before START at byte offset %llu", ct,
                               (unsigned long long)at);
            }
            continue; /* other control frames carry nothing for a reader of files */
        }
        if (!fs->started) {
            fs->done = 1;
            return zw_errf(errstr, errsz, NZ_FS_FATAL,
                           "data frame before the START control frame at byte offset %llu",
                           (unsigned long long)at);
        }
        if (n > fs->max_frame) {
            long s = skip_bytes(fs, n);
            if (s < 0 || (uint64_t)s < n) {
                fs->done = 1;
                return zw_errf(errstr, errsz, NZ_FS_FATAL,
                               "truncated oversized frame at byte offset %llu (%u bytes > %zu)",
                               (unsigned long long)at, n, fs->max_frame);
            }
            return zw_errf(errstr, errsz, NZ_FS_SKIP,
                           "frame at byte offset %llu is %u bytes, over the %zu-byte limit",
                           (unsigned long long)at, n, fs->max_frame);
        }
        if (grow(fs, n)) {
            fs->done = 1;
            return zw_errf(errstr, errsz, NZ_FS_FATAL, "out of memory");
        }
        r = read_full(fs, fs->buf, n);
        if (r != (long)n) {
            fs->done = 1;
            return zw_errf(errstr, errsz, NZ_FS_FATAL,
                           "truncated frame at byte offset %llu: %ld of %u bytes",
                           (unsigned long long)at, r < 0 ? 0L : r, n);
        }
        fs->frames++;
        *frame = fs->buf;
        *len = n;
        return NZ_FS_FRAME;
    }
}
