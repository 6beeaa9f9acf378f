/*
 * zw_buf.h - a growable byte buffer and a streaming JSON writer on top of it.
 *
 * Ownership: the buffer owns its bytes; zw_buf_free() releases them.  Append
 * functions return 0 or ZW_ENOMEM and leave the buffer valid on failure.
 * JSON strings are escaped per RFC 8259; invalid UTF-8 bytes are written as
 * U+FFFD so the output is always valid UTF-8 JSON whatever the input bytes.
 */
#ifndef ZW_BUF_H
#define ZW_BUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *p;
    size_t len, cap;
} zw_buf;

void zw_buf_init(zw_buf *b);
void zw_buf_free(zw_buf *b);
static inline void zw_buf_clear(zw_buf *b)
{
    b->len = 0;
}
int zw_buf_reserve(zw_buf *b, size_t extra);
int zw_buf_append(zw_buf *b, const void *p, size_t n);
int zw_buf_putc(zw_buf *b, char c);
int zw_buf_puts(zw_buf *b, const char *s);
int zw_buf_printf(zw_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* NUL-terminates without counting the NUL in len. */
int zw_buf_cstr(zw_buf *b);

/* Appends the whole file at path ("-" = stdin) to b and NUL-terminates it (the NUL not
 * counted in len).  ZW_EIO or ZW_ENOMEM with the reason in errstr; b stays valid. */
int zw_buf_read_file(zw_buf *b, const char *path, char *errstr, size_t errstr_size);

/* JSON pieces: a quoted, escaped string; a decimal integer; a comma-free "key": */
int zw_json_str(zw_buf *b, const char *p, size_t n);
int zw_json_int(zw_buf *b, int64_t v);
int zw_json_key(zw_buf *b, const char *k, size_t n);
/* Milliseconds since the epoch as RFC 3339 UTC with milliseconds, quoted. */
int zw_json_time_ms(zw_buf *b, int64_t ms);

/* The same without capacity checks, for writers that reserve once per object: write at
 * o, which must have room for 6 * n + 2 bytes (a string) or ZW_JSON_INT_MAX bytes (an
 * integer), and return the end of what was written. */
#define ZW_JSON_INT_MAX 24
char *zw_json_str_to(char *o, const char *p, size_t n);
char *zw_json_int_to(char *o, int64_t v);

#endif
