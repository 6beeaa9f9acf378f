/*
 * nz_fstrm.h - a bounds-checked reader of Frame Streams files (the container dnstap is
 * written in: https://github.com/farsightsec/fstrm, "unidirectional" mode).  It pulls
 * bytes through a read callback, checks the START frame's content type, and hands out
 * data frames one at a time with their byte offset.  It knows nothing of protobuf or
 * DNS; that is nz_parse_dnstap.c.
 *
 * Ownership: the caller owns the reader (nz_fstrm_new / nz_fstrm_destroy, destroy of
 * NULL is a no-op).  A frame returned by nz_fstrm_next is borrowed and valid until the
 * next call.  Nothing here prints.
 */
#ifndef NZ_FSTRM_H
#define NZ_FSTRM_H

#include <stddef.h>
#include <stdint.h>

/* Reads up to n bytes into buf: the count, 0 at end of input, <0 on a read error. */
typedef long (*nz_fstrm_read_fn)(void *opaque, void *buf, size_t n);

typedef struct nz_fstrm nz_fstrm;

/* Results of nz_fstrm_next. */
enum {
    NZ_FS_END = 0,   /* end of input (after STOP, or a writer that never wrote one) */
    NZ_FS_FRAME = 1, /* a data frame */
    NZ_FS_SKIP = 2,  /* a bad frame was skipped (oversized): reason in errstr, go on */
    NZ_FS_FATAL = 3  /* the stream cannot be read further (truncated, bad control frame,
                        wrong content type, read error): reason in errstr */
};

/* max_frame: largest data frame accepted (bytes); larger ones are skipped.  NULL on
 * out-of-memory. */
nz_fstrm *nz_fstrm_new(nz_fstrm_read_fn rd, void *opaque, size_t max_frame);
void nz_fstrm_destroy(nz_fstrm *fs);

/* Is [p, p+n) the start of a Frame Streams file (escape, control frame length, a
 * control type)? */
int nz_fstrm_sniff(const void *p, size_t n);

/* The next data frame: NZ_FS_FRAME with *frame / *len, and *offset (byte offset of the
 * frame's length word in the stream) set for every result but NZ_FS_END.  The first
 * call reads and checks the START frame (content type `protobuf:dnstap.Dnstap`). */
int nz_fstrm_next(nz_fstrm *fs, const char **frame, size_t *len, uint64_t *offset, char *errstr,
                  size_t errstr_size);

/* Bidirectional mode (a live socket): READY is answered with ACCEPT (when it offers
 * our content type) and STOP with FINISH, through wr (n bytes; 0 ok, <0 error). */
typedef int (*nz_fstrm_write_fn)(void *opaque, const void *buf, size_t n);
void nz_fstrm_set_bidi(nz_fstrm *fs, nz_fstrm_write_fn wr, void *opaque);

/* Frames handed out, frames skipped as oversized. */
uint64_t nz_fstrm_frames(const nz_fstrm *fs);

#define NZ_FSTRM_CONTENT_TYPE "protobuf:dnstap.Dnstap"
#define NZ_FSTRM_MAX_CONTROL 512 /* fstrm's own limit on a control frame */

#endif
