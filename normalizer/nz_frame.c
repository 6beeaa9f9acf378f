/*
 * nz_frame.c - record framing of a byte stream: lines, multi-line JSON documents, and
 * batch documents ({"Records":[...]}, {"records":[...]}, {"events":[...]}, [...]) split
 * into their members as the bytes arrive.  Not for parsing or dispatch: every framed
 * record goes to the driver (nz_drv_record), every framing failure to a dead letter
 * (nz_drv_dead), both in nz_driver.c.
 *
 * The rules (docs/ARCHITECTURE.md, "Normalizer"):
 *  - a line is a record, unless it opens a JSON value that does not close on it;
 *  - such a line starts a multi-line document only in a stream that is not framed by
 *    line.  A stream is framed by line when its forced or last matched parser reads
 *    lines (BIND, Knot, ...) or its last one-line record was a JSON document (JSON
 *    lines).  There, and for a line that ends inside a JSON string (a JSON string holds
 *    no raw newline), the line is one dead letter, "unbalanced at end of line" (or "of
 *    input" when nothing follows), and the next line is framed afresh;
 *  - a multi-line document is checked as it grows, line by line, with libfastjson's
 *    incremental tokener.  When it breaks on line K, its first line is one dead letter,
 *    lines 2..K-1 are framed again each by itself, and line K is framed afresh: a stray
 *    '{' costs one line, never the rest of the input;
 *  - a batch document that grows past split_over bytes (1 MiB) is split into its
 *    members, each dispatched as a record (position: its first line) as soon as it
 *    closes, so memory stays bounded by one member whatever the document's size.
 *    Smaller batch documents are parsed whole by their format's parser;
 *  - no record is longer than max_record (16 MiB): the first max_record bytes go to the
 *    dead letter with the count of bytes cut, and framing goes on after the record.
 */
#include "nz_int.h"

#include <stdio.h>
#include <string.h>

enum { NZB_GAP, NZB_MEMBER, NZB_TAIL };

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static size_t skip_ws(const char *p, size_t n, size_t k)
{
    while (k < n && is_ws(p[k])) {
        k++;
    }
    return k;
}

/* Tracks JSON strings and nesting (not syntax) over p[0..n). */
static void scan(const char *p, size_t n, int *depth, int *in_str, int *esc)
{
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (*in_str) {
            if (*esc) {
                *esc = 0;
            } else if (c == '\\') {
                *esc = 1;
            } else if (c == '"') {
                *in_str = 0;
            }
        } else if (c == '"') {
            *in_str = 1;
        } else if (c == '{' || c == '[') {
            (*depth)++;
        } else if (c == '}' || c == ']') {
            (*depth)--;
        }
    }
}

/* When p starts a batch document, the offset just after the array's '[' (and *key,
 * *close_obj); else 0.  Only the first member of an object is looked at: a batch key
 * that comes after other members is parsed whole (up to max_record). */
static size_t batch_prefix(const char *p, size_t n, const char **key, int *close_obj)
{
    static const char *const keys[] = {"Records", "records", "events"};
    size_t k = skip_ws(p, n, 0);
    if (k < n && p[k] == '[') {
        *key = "";
        *close_obj = 0;
        return k + 1;
    }
    if (k >= n || p[k] != '{') {
        return 0;
    }
    k = skip_ws(p, n, k + 1);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        size_t kl = strlen(keys[i]);
        if (k + kl + 2 <= n && p[k] == '"' && memcmp(p + k + 1, keys[i], kl) == 0 &&
            p[k + kl + 1] == '"') {
            size_t j = skip_ws(p, n, k + kl + 2);
            if (j < n && p[j] == ':') {
                j = skip_ws(p, n, j + 1);
                if (j < n && p[j] == '[') {
                    *key = keys[i];
                    *close_obj = 1;
                    return j + 1;
                }
            }
        }
    }
    return 0;
}

/* Appends to b up to max bytes in all; the rest is counted in *cut. */
static int bounded_add(zw_buf *b, uint64_t *cut, const char *p, size_t n, size_t max)
{
    size_t room = b->len < max ? max - b->len : 0;
    size_t take = n < room ? n : room;
    *cut += n - take;
    return take ? zw_buf_append(b, p, take) : 0;
}

static int cut_dead(nz_stream *st, const char *p, size_t n, int64_t line, uint64_t cut)
{
    char reason[160];
    snprintf(reason, sizeof reason,
             "record longer than %zu bytes (%llu bytes cut; the dead letter holds the first %zu)",
             nz_drv_max_record(st), (unsigned long long)cut, n);
    return nz_drv_dead(st, p, n, line, reason, cut);
}

/* ---- batch documents, member by member ---- */

static int member_done(nz_stream *st)
{
    nz_batch *b = &st->batch;
    int rc;
    st->in_batch = 1;
    if (b->cut) {
        rc = cut_dead(st, b->member.p, b->member.len, b->line, b->cut);
    } else {
        rc = nz_drv_record(st, b->member.p, b->member.len, b->line, NULL);
    }
    st->in_batch = 0;
    b->index++;
    zw_buf_clear(&b->member);
    b->cut = 0;
    return rc;
}

static int batch_end(nz_stream *st)
{
    nz_batch *b = &st->batch;
    int rc = 0;
    b->active = 0;
    size_t k = skip_ws(b->tail.p, b->tail.len, 0);
    if (k < b->tail.len) {
        char reason[160];
        snprintf(reason, sizeof reason,
                 "members after the %s array of a split batch document were not read", b->key);
        rc = nz_drv_dead(st, b->tail.p + k, b->tail.len - k, st->line + 1, reason, 0);
    }
    zw_buf_clear(&b->tail);
    return rc;
}

/* One byte c inside a member.  Returns 1 when the member ended (c included when
 * *take), else 0. */
static int member_byte(nz_batch *b, char c, int *take)
{
    *take = 1;
    if (b->in_str) {
        if (b->esc) {
            b->esc = 0;
        } else if (c == '\\') {
            b->esc = 1;
        } else if (c == '"') {
            b->in_str = 0;
        }
        return 0;
    }
    if (c == '"') {
        b->in_str = 1;
    } else if (c == '{' || c == '[') {
        b->depth++;
    } else if (c == '}' || c == ']') {
        if (b->depth == 0) {
            *take = 0; /* the array's own ']' after a scalar member */
            return 1;
        }
        return --b->depth == 0;
    } else if (c == ',' && b->depth == 0) {
        *take = 0;
        return 1;
    }
    return 0;
}

/* Feeds the batch splitter; *used says how much of p it consumed (all of it, or up to
 * the end of the document). */
static int batch_feed(nz_stream *st, const char *p, size_t n, size_t *used)
{
    nz_batch *b = &st->batch;
    size_t max = nz_drv_max_record(st), span = 0, i;
    int rc = 0;
    for (i = 0; i < n && b->active && !rc; i++) {
        char c = p[i];
        if (b->phase == NZB_GAP) {
            if (c == '\n') {
                st->line++;
            }
            if (is_ws(c) || c == ',') {
                continue;
            }
            if (c == ']') {
                b->phase = NZB_TAIL;
                b->depth = b->in_str = b->esc = 0;
                if (!b->close_obj) {
                    rc = batch_end(st);
                }
                continue;
            }
            b->phase = NZB_MEMBER;
            b->depth = b->in_str = b->esc = 0;
            b->line = st->line + 1;
            span = i;
        }
        if (b->phase == NZB_MEMBER) {
            int take;
            if (c == '\n') {
                st->line++;
            }
            if (member_byte(b, c, &take)) {
                rc = bounded_add(&b->member, &b->cut, p + span, i + (size_t)take - span, max);
                rc = rc ? rc : member_done(st);
                b->phase = NZB_GAP;
                if (c == ']' && !take) {
                    i--; /* the array's end: seen again between members */
                }
            }
            continue;
        }
        /* after the array: the document's closing '}', anything else is kept as tail */
        if (c == '\n') {
            st->line++;
        }
        if (!b->in_str && b->depth == 0 && c == '}') {
            rc = batch_end(st);
            continue;
        }
        int d = b->depth;
        scan(&c, 1, &d, &b->in_str, &b->esc);
        b->depth = d;
        uint64_t ignored = 0;
        rc = bounded_add(&b->tail, &ignored, &c, 1, max);
    }
    if (!rc && b->active && b->phase == NZB_MEMBER && i > span) {
        rc = bounded_add(&b->member, &b->cut, p + span, i - span, max);
    }
    *used = i;
    return rc;
}

static void batch_begin(nz_stream *st, const char *key, int close_obj)
{
    nz_batch *b = &st->batch;
    b->active = 1;
    b->key = key;
    b->close_obj = close_obj;
    b->phase = NZB_GAP;
    b->index = 0;
    b->cut = 0;
    zw_buf_clear(&b->member);
    zw_buf_clear(&b->tail);
}

/* Input ended inside a split batch document. */
static int batch_cut_short(nz_stream *st)
{
    nz_batch *b = &st->batch;
    int rc = 0;
    if (b->phase == NZB_MEMBER && (b->member.len || b->cut)) {
        char reason[160];
        snprintf(reason, sizeof reason, "input ended inside %s[%llu] of a batch document", b->key,
                 (unsigned long long)b->index);
        rc = nz_drv_dead(st, b->member.p, b->member.len, b->line, reason, b->cut);
    } else if (b->tail.len) {
        rc = nz_drv_dead(st, b->tail.p, b->tail.len, st->line + 1,
                         "input ended after the array of a batch document", 0);
    }
    b->active = 0;
    zw_buf_clear(&b->member);
    zw_buf_clear(&b->tail);
    return rc;
}

/* Moves the held bytes (a growing batch document, starting on line first_line) into the
 * splitter; held is left empty.  When the document ends inside them (the splitter does
 * not check syntax), the bytes after it are framed again. */
static int split_held(nz_stream *st, zw_buf *held, int64_t first_line)
{
    const char *key;
    int close_obj, rc;
    size_t off = batch_prefix(held->p, held->len, &key, &close_obj), used;
    if (!off) {
        return 0;
    }
    zw_buf own = *held;
    zw_buf_init(held);
    st->line = first_line - 1;
    for (size_t i = 0; i < off; i++) {
        st->line += own.p[i] == '\n';
    }
    batch_begin(st, key, close_obj);
    rc = batch_feed(st, own.p + off, own.len - off, &used);
    if (!rc && !st->batch.active && off + used < own.len) {
        rc = nz_frame_feed(st, own.p + off + used, own.len - off - used);
    }
    zw_buf_free(&own);
    return rc;
}

/* ---- lines and multi-line documents ---- */

static void doc_reset(nz_stream *st)
{
    st->pend = NZP_NONE;
    st->pending_cut = 0;
    st->depth = st->in_str = st->esc = 0;
    zw_buf_clear(&st->pending);
    if (st->dtok) {
        fjson_tokener_reset(st->dtok);
    }
}

/* The held JSON line did not close by the end of its line. */
static int held_dead(nz_stream *st, const char *where)
{
    char reason[96];
    snprintf(reason, sizeof reason, "truncated JSON document (unbalanced at end of %s)", where);
    int rc = nz_drv_dead(st, st->pending.p, st->pending.len, st->pending_line, reason, 0);
    doc_reset(st);
    return rc;
}

static int start_line(nz_stream *st, const char *p, size_t n, uint64_t cut);

/* The pending document broke on line st->line (p, n): its first line is a dead letter,
 * the lines after it are framed each by itself, and this line afresh. */
static int doc_broken(nz_stream *st, const char *p, size_t n, uint64_t cut, const char *why)
{
    zw_buf held = st->pending;
    int64_t first = st->pending_line, line_k = st->line;
    char reason[256];
    int rc;
    zw_buf_init(&st->pending);
    doc_reset(st);
    const char *nl = memchr(held.p, '\n', held.len);
    size_t l1 = nl ? (size_t)(nl - held.p) : held.len;
    snprintf(reason, sizeof reason,
             "malformed JSON: the document opened on this line breaks on line %lld (%s)",
             (long long)line_k, why);
    rc = nz_drv_dead(st, held.p, l1, first, reason, 0);
    int64_t ln = first;
    for (size_t i = l1 + 1; i < held.len && !rc; ln++) {
        const char *e = memchr(held.p + i, '\n', held.len - i);
        size_t len = e ? (size_t)(e - (held.p + i)) : held.len - i;
        if (skip_ws(held.p + i, len, 0) < len) {
            rc = nz_drv_record(st, held.p + i, len, ln + 1, NULL);
        }
        i += len + 1;
    }
    /* the held buffer's memory is kept for the next document */
    zw_buf_free(&st->pending);
    st->pending = held;
    zw_buf_clear(&st->pending);
    return rc ? rc : start_line(st, p, n, cut);
}

static int doc_overflow(nz_stream *st, const char *p, size_t n, uint64_t cut)
{
    scan(p, n, &st->depth, &st->in_str, &st->esc);
    size_t max = nz_drv_max_record(st);
    int rc = bounded_add(&st->pending, &st->pending_cut, p, n, max);
    rc = rc ? rc : bounded_add(&st->pending, &st->pending_cut, "\n", 1, max);
    st->pending_cut += cut;
    if (!rc && st->depth <= 0 && !st->in_str) {
        rc = cut_dead(st, st->pending.p, st->pending.len, st->pending_line, st->pending_cut);
        doc_reset(st);
    }
    return rc;
}

static int doc_line(nz_stream *st, const char *p, size_t n, uint64_t cut)
{
    size_t max = nz_drv_max_record(st);
    int rc;
    if (st->pending_cut || cut || st->pending.len + n + 1 > max) {
        if (!st->pending_cut) {
            fjson_tokener_reset(st->dtok); /* past the cap only the nesting is followed */
        }
        return doc_overflow(st, p, n, cut);
    }
    scan(p, n, &st->depth, &st->in_str, &st->esc);
    if (st->in_str) {
        return doc_broken(st, p, n, cut, "the line ends inside a string");
    }
    fjson_object *obj = fjson_tokener_parse_ex(st->dtok, p, (int)n);
    enum fjson_tokener_error e = fjson_tokener_get_error(st->dtok);
    if (!obj && e == fjson_tokener_continue) {
        obj = fjson_tokener_parse_ex(st->dtok, "\n", 1);
        e = fjson_tokener_get_error(st->dtok);
    }
    if (!obj && e != fjson_tokener_continue) {
        return doc_broken(st, p, n, cut, fjson_tokener_error_desc(e));
    }
    if (obj && skip_ws(p, n, (size_t)st->dtok->char_offset) < n) {
        fjson_object_put(obj);
        return doc_broken(st, p, n, cut, "bytes after the end of the document");
    }
    if ((rc = zw_buf_append(&st->pending, p, n)) || (rc = zw_buf_putc(&st->pending, '\n'))) {
        fjson_object_put(obj);
        return rc;
    }
    if (obj) {
        st->jsonl = 0;
        rc = nz_drv_record(st, st->pending.p, st->pending.len, st->pending_line, obj);
        doc_reset(st);
        return rc;
    }
    return 0;
}

/* A line at a record boundary. */
static int start_line(nz_stream *st, const char *p, size_t n, uint64_t cut)
{
    size_t k = skip_ws(p, n, 0);
    if (k == n && !cut) {
        return 0;
    }
    if (cut) {
        return cut_dead(st, p, n, st->line, cut);
    }
    if (p[k] != '{' && p[k] != '[') {
        return nz_drv_record(st, p, n, st->line, NULL);
    }
    int depth = 0, in_str = 0, esc = 0;
    scan(p + k, n - k, &depth, &in_str, &esc);
    if (depth <= 0 && !in_str) {
        st->jsonl = 1;
        return nz_drv_record(st, p, n, st->line, NULL);
    }
    zw_buf_clear(&st->pending);
    st->pending_line = st->line;
    if (in_str || st->jsonl || nz_drv_line_framed(st)) {
        st->pend = NZP_HELD;
        return zw_buf_append(&st->pending, p, n);
    }
    if (!st->dtok && !(st->dtok = fjson_tokener_new_ex(64))) {
        return ZW_ENOMEM;
    }
    fjson_tokener_reset(st->dtok);
    fjson_object *obj = fjson_tokener_parse_ex(st->dtok, p + k, (int)(n - k));
    enum fjson_tokener_error e = fjson_tokener_get_error(st->dtok);
    if (!obj && e == fjson_tokener_continue) {
        obj = fjson_tokener_parse_ex(st->dtok, "\n", 1);
        e = fjson_tokener_get_error(st->dtok);
    }
    if (obj || e != fjson_tokener_continue) {
        /* malformed on its first line: a record by itself (the driver says why) */
        fjson_object_put(obj);
        fjson_tokener_reset(st->dtok);
        return nz_drv_record(st, p, n, st->line, NULL);
    }
    st->pend = NZP_DOC;
    st->depth = depth;
    st->in_str = in_str;
    st->esc = esc;
    int rc = zw_buf_append(&st->pending, p, n);
    return rc ? rc : zw_buf_putc(&st->pending, '\n');
}

static int add_line(nz_stream *st, const char *p, size_t n, uint64_t cut)
{
    size_t max = nz_drv_max_record(st);
    int rc;
    if (n > max) {
        cut += n - max;
        n = max;
    }
    st->line++;
    if (st->pend == NZP_HELD) {
        if (skip_ws(p, n, 0) == n && !cut) {
            return 0;
        }
        if ((rc = held_dead(st, "line"))) {
            return rc;
        }
    }
    if (st->pend == NZP_DOC) {
        rc = doc_line(st, p, n, cut);
        if (!rc && st->pend == NZP_DOC && !st->pending_cut &&
            st->pending.len > nz_drv_split_over(st)) {
            zw_buf held = st->pending;
            int64_t first = st->pending_line;
            const char *key;
            int close_obj;
            if (batch_prefix(held.p, held.len, &key, &close_obj)) {
                zw_buf_init(&st->pending);
                doc_reset(st);
                rc = split_held(st, &held, first);
                zw_buf_free(&held);
            }
        }
        return rc;
    }
    return start_line(st, p, n, cut);
}

/* The current line (no newline yet) grew past split_over: split it when it opens a
 * batch document. */
static int split_carry(nz_stream *st)
{
    const char *key;
    int close_obj, rc = 0;
    if (st->pend == NZP_DOC || st->carry_cut || st->carry.len <= nz_drv_split_over(st) ||
        !batch_prefix(st->carry.p, st->carry.len, &key, &close_obj)) {
        return 0;
    }
    if (st->pend == NZP_HELD && (rc = held_dead(st, "line"))) {
        return rc;
    }
    return split_held(st, &st->carry, st->line + 1);
}

int nz_frame_feed(nz_stream *st, const char *p, size_t n)
{
    size_t i = 0, max = nz_drv_max_record(st);
    int rc = 0;
    while (i < n && !rc) {
        if (st->batch.active) {
            size_t used;
            rc = batch_feed(st, p + i, n - i, &used);
            i += used;
            continue;
        }
        const char *nl = memchr(p + i, '\n', n - i);
        size_t len = nl ? (size_t)(nl - (p + i)) : n - i;
        const char *key;
        int close_obj;
        size_t off;
        if (!st->carry.len && !st->carry_cut && st->pend != NZP_DOC &&
            len > nz_drv_split_over(st) && (off = batch_prefix(p + i, len, &key, &close_obj))) {
            /* a big batch document starts here: the splitter takes the bytes after '[' */
            if (st->pend == NZP_HELD && (rc = held_dead(st, "line"))) {
                break;
            }
            batch_begin(st, key, close_obj);
            i += off;
            continue;
        }
        if (!nl || st->carry.len || st->carry_cut) {
            rc = bounded_add(&st->carry, &st->carry_cut, p + i, len, max);
            i += len;
            rc = rc ? rc : split_carry(st);
            if (rc || st->batch.active) {
                continue; /* a split document takes the newline as whitespace */
            }
            if (nl) {
                i++;
                rc = add_line(st, st->carry.p, st->carry.len, st->carry_cut);
                zw_buf_clear(&st->carry);
                st->carry_cut = 0;
            }
            continue;
        }
        rc = add_line(st, p + i, len, 0);
        i += len + 1;
    }
    return rc;
}

int nz_frame_finish(nz_stream *st)
{
    int rc = 0;
    if (st->batch.active) {
        rc = batch_cut_short(st);
    }
    if (!rc && (st->carry.len || st->carry_cut)) {
        rc = add_line(st, st->carry.p, st->carry.len, st->carry_cut);
    }
    zw_buf_clear(&st->carry);
    st->carry_cut = 0;
    if (!rc && st->pend == NZP_HELD) {
        rc = held_dead(st, "input");
    } else if (!rc && st->pend == NZP_DOC) {
        size_t n = st->pending.len;
        while (n && st->pending.p[n - 1] == '\n') {
            n--;
        }
        if (st->pending_cut) {
            rc = cut_dead(st, st->pending.p, n, st->pending_line, st->pending_cut);
        } else {
            rc = nz_drv_dead(st, st->pending.p, n, st->pending_line,
                             "truncated JSON document (unbalanced at end of input)", 0);
        }
    }
    doc_reset(st);
    return rc;
}

void nz_frame_free(nz_stream *st)
{
    zw_buf_free(&st->carry);
    zw_buf_free(&st->pending);
    zw_buf_free(&st->batch.member);
    zw_buf_free(&st->batch.tail);
    if (st->dtok) {
        fjson_tokener_free(st->dtok);
    }
}
