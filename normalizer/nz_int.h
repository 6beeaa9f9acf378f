/*
 * nz_int.h - the normalizer's private pieces shared by the driver (nz_driver.c:
 * contexts, dispatch, dead letters, counters) and the framer (nz_frame.c: bytes to
 * records).  Not a public header: nothing outside normalizer/ includes it.
 *
 * Ownership: the stream owns every buffer and tokener here; nz_stream_destroy() frees
 * them (through nz_frame_free for the framer's).
 */
#ifndef NZ_INT_H
#define NZ_INT_H

#include "../common/zw_arena.h"
#include "../common/zw_buf.h"
#include "nz.h"

/* A batch document being split into its members (nz_frame.c). */
typedef struct {
    int active;
    const char *key; /* "Records", "records", "events", or "" for a top-level array */
    int close_obj;   /* 1: a '}' after the array closes the document */
    int phase;       /* NZB_GAP between members, NZB_MEMBER inside one, NZB_TAIL after ']' */
    int depth, in_str, esc;
    zw_buf member;  /* the current member, at most max_record bytes */
    uint64_t cut;   /* bytes of the current member beyond max_record */
    int64_t line;   /* first line of the current member */
    uint64_t index; /* of the current member */
    zw_buf tail;    /* bytes after the array that are not the closing '}' */
} nz_batch;

enum { NZP_NONE, NZP_DOC, NZP_HELD };

struct nz_stream {
    nz_ctx *ctx;
    char *name;
    size_t name_len;
    uint64_t name_hash; /* of name, for event uids */
    void *state[NZ_MAX_PARSERS];
    int last;     /* parser index that matched last, -1 none */
    int64_t line; /* lines completed (the framer's counter) */
    zw_time_ctx tc;
    zw_arena *arena;
    zw_event ev;
    /* framing (nz_frame.c) */
    zw_buf carry;       /* the current line until its newline, at most max_record bytes */
    uint64_t carry_cut; /* bytes of the current line beyond max_record */
    zw_buf pending;     /* a JSON document spanning lines (NZP_DOC), or a held line (NZP_HELD) */
    int pend;
    int64_t pending_line;
    uint64_t pending_cut;
    int depth, in_str, esc; /* string/nesting scanner over the pending document */
    fjson_tokener *dtok;    /* checks the pending document line by line */
    int jsonl;              /* the last one-line record was a JSON document */
    nz_batch batch;
    int in_batch; /* a member of batch is being dispatched (dead-letter reasons name it) */
};

/* Framer entry points (nz_frame.c). */
int nz_frame_feed(nz_stream *st, const char *p, size_t n);
int nz_frame_finish(nz_stream *st);
void nz_frame_free(nz_stream *st);

/* Driver entry points for the framer (nz_driver.c).  nz_drv_record dispatches one
 * record that starts on `line`; json (may be NULL) is its parsed document, consumed.
 * nz_drv_dead counts one record and dead-letters it with reason; cut > 0 says how many
 * bytes after raw[0..n) were not kept.  Both return 0 or the sink's negative error. */
int nz_drv_record(nz_stream *st, const char *p, size_t n, int64_t line, fjson_object *json);
int nz_drv_dead(nz_stream *st, const char *p, size_t n, int64_t line, const char *reason,
                uint64_t cut);
size_t nz_drv_max_record(const nz_stream *st);
size_t nz_drv_split_over(const nz_stream *st);
/* 1 when the stream is framed by line: its forced or last matched parser reads lines. */
int nz_drv_line_framed(const nz_stream *st);

#endif
