/*
 * zw_buf.c - growable buffer and JSON string escaping.  The escaper is on every hot
 * path (each output field), so it copies runs of plain ASCII in one memcpy.
 */
#include "zw_buf.h"
#include "zw_common.h"

#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void zw_buf_init(zw_buf *b)
{
    b->p = NULL;
    b->len = b->cap = 0;
}

void zw_buf_free(zw_buf *b)
{
    free(b->p);
    zw_buf_init(b);
}

int zw_buf_reserve(zw_buf *b, size_t extra)
{
    if (b->cap - b->len > extra) {
        return ZW_OK;
    }
    size_t cap = b->cap ? b->cap : 256;
    while (cap - b->len <= extra) {
        cap *= 2;
    }
    char *p = realloc(b->p, cap);
    if (!p) {
        return ZW_ENOMEM;
    }
    b->p = p;
    b->cap = cap;
    return ZW_OK;
}

int zw_buf_append(zw_buf *b, const void *p, size_t n)
{
    if (zw_buf_reserve(b, n)) {
        return ZW_ENOMEM;
    }
    if (n) {
        memcpy(b->p + b->len, p, n);
    }
    b->len += n;
    return ZW_OK;
}

int zw_buf_putc(zw_buf *b, char c)
{
    if (zw_buf_reserve(b, 1)) {
        return ZW_ENOMEM;
    }
    b->p[b->len++] = c;
    return ZW_OK;
}

int zw_buf_puts(zw_buf *b, const char *s)
{
    return zw_buf_append(b, s, strlen(s));
}

int zw_buf_printf(zw_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || zw_buf_reserve(b, (size_t)n + 1)) {
        return ZW_ENOMEM;
    }
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return ZW_OK;
}

int zw_buf_cstr(zw_buf *b)
{
    if (zw_buf_reserve(b, 1)) {
        return ZW_ENOMEM;
    }
    b->p[b->len] = 0;
    return ZW_OK;
}

/* Length of a valid UTF-8 sequence at s (max n bytes), or 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t need;
    uint32_t cp;
    if (c < 0x80) {
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        need = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < need) {
        return 0;
    }
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((need == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (need == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
        return 0;
    }
    return need;
}

/* Nonzero when any byte of w needs escaping or UTF-8 checking: < 0x20, '"', '\\' or >= 0x80.
 * The classic "has a byte less than n" / "has a zero byte" tests, exact for "any". */
static inline uint64_t word_special(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t q = w ^ (ones * '"'), bs = w ^ (ones * '\\');
    uint64_t ctl = (w - ones * 0x20) & ~w;
    uint64_t quo = (q - ones) & ~q;
    uint64_t bsl = (bs - ones) & ~bs;
    return (w | ctl | quo | bsl) & high;
}

static inline int byte_plain(unsigned char c)
{
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

char *zw_json_str_to(char *o, const char *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)p;
    char *o0 = o + 1; /* first byte of the string's contents */
    *o++ = '"';
    size_t i = 0;
    while (i < n) {
        /* 8 bytes at a time while they are plain ASCII */
        while (n - i >= 8) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (word_special(w)) {
                break;
            }
            memcpy(o, &w, 8);
            o += 8;
            i += 8;
        }
        if (i == n) {
            break;
        }
        if (n - i < 8 && n >= 8 && (size_t)(o - o0) == i) {
            /* a short plain tail of a plain string: one overlapping 8-byte copy of the
             * last 8 input bytes (the output so far equals the input so far) */
            uint64_t w;
            memcpy(&w, s + n - 8, 8);
            if (!word_special(w)) {
                memcpy(o - (8 - (n - i)), &w, 8);
                o += n - i;
                i = n;
                break;
            }
        }
        unsigned char c = s[i];
        if (byte_plain(c)) {
            *o++ = (char)c;
            i++;
        } else if (c == '"' || c == '\\') {
            *o++ = '\\';
            *o++ = (char)c;
            i++;
        } else if (c < 0x20) {
            *o++ = '\\';
            switch (c) {
            case '\n':
                *o++ = 'n';
                break;
            case '\r':
                *o++ = 'r';
                break;
            case '\t':
                *o++ = 't';
                break;
            case '\b':
                *o++ = 'b';
                break;
            case '\f':
                *o++ = 'f';
                break;
            default:
                *o++ = 'u';
                *o++ = '0';
                *o++ = '0';
                *o++ = hex[c >> 4];
                *o++ = hex[c & 15];
                break;
            }
            i++;
        } else {
            size_t l = utf8_len(s + i, n - i);
            if (l == 0) {
                /* U+FFFD REPLACEMENT CHARACTER */
                *o++ = (char)0xEF;
                *o++ = (char)0xBF;
                *o++ = (char)0xBD;
                i++;
            } else {
                memcpy(o, s + i, l);
                o += l;
                i += l;
            }
        }
    }
    *o++ = '"';
    return o;
}

int zw_json_str(zw_buf *b, const char *p, size_t n)
{
    /* worst case 6 bytes per input byte (\u00XX) plus quotes */
    if (zw_buf_reserve(b, n * 6 + 2)) {
        return ZW_ENOMEM;
    }
    b->len = (size_t)(zw_json_str_to(b->p + b->len, p, n) - b->p);
    return ZW_OK;
}

static const char digits2[] = "00010203040506070809101112131415161718192021222324252627282930313233"
                              "34353637383940414243444546474849505152535455565758596061626364656667"
                              "6869707172737475767778798081828384858687888990919293949596979899";

char *zw_json_int_to(char *o, int64_t v)
{
    /* by hand, two digits at a time: snprintf was a visible share of the writer's time */
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    if (v < 0) {
        *o++ = '-';
    }
    if (u < 10) {
        *o = (char)('0' + u);
        return o + 1;
    }
    /* digit count from the bit length: log10(2) ~ 1233 / 4096, then one correction */
    static const uint64_t pow10[20] = {1ull,
                                       10ull,
                                       100ull,
                                       1000ull,
                                       10000ull,
                                       100000ull,
                                       1000000ull,
                                       10000000ull,
                                       100000000ull,
                                       1000000000ull,
                                       10000000000ull,
                                       100000000000ull,
                                       1000000000000ull,
                                       10000000000000ull,
                                       100000000000000ull,
                                       1000000000000000ull,
                                       10000000000000000ull,
                                       100000000000000000ull,
                                       1000000000000000000ull,
                                       10000000000000000000ull};
    int t = ((64 - __builtin_clzll(u)) * 1233) >> 12;
    int nd = t + 1 - (u < pow10[t]);
    char *e = o + nd, *q = e;
    while (u >= 100) {
        unsigned d = (unsigned)(u % 100) * 2;
        u /= 100;
        *--q = digits2[d + 1];
        *--q = digits2[d];
    }
    if (u >= 10) {
        *--q = digits2[u * 2 + 1];
        *--q = digits2[u * 2];
    } else {
        *--q = (char)('0' + u);
    }
    return e;
}

int zw_json_int(zw_buf *b, int64_t v)
{
    if (zw_buf_reserve(b, ZW_JSON_INT_MAX)) {
        return ZW_ENOMEM;
    }
    b->len = (size_t)(zw_json_int_to(b->p + b->len, v) - b->p);
    return ZW_OK;
}

int zw_json_key(zw_buf *b, const char *k, size_t n)
{
    if (zw_json_str(b, k, n)) {
        return ZW_ENOMEM;
    }
    return zw_buf_putc(b, ':');
}

int zw_json_time_ms(zw_buf *b, int64_t ms)
{
    time_t sec = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    int frac = (int)(ms - (int64_t)sec * 1000);
    struct tm tm;
    char tmp[40];
    if (!gmtime_r(&sec, &tm)) {
        return zw_json_int(b, ms);
    }
    int n = snprintf(tmp, sizeof tmp, "\"%04d-%02d-%02dT%02d:%02d:%02d.%03dZ\"", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
    return zw_buf_append(b, tmp, (size_t)n);
}

int zw_buf_read_file(zw_buf *b, const char *path, char *errstr, size_t errstr_size)
{
    FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!fp) {
        return zw_errf(errstr, errstr_size, ZW_EIO, "%s: %s", path, strerror(errno));
    }
    char tmp[65536];
    size_t got;
    int rc = ZW_OK;
    while ((got = fread(tmp, 1, sizeof tmp, fp)) > 0) {
        if (zw_buf_append(b, tmp, got)) {
            rc = zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
            break;
        }
    }
    if (rc == ZW_OK && ferror(fp)) {
        rc = zw_errf(errstr, errstr_size, ZW_EIO, "%s: read error", path);
    }
    if (fp != stdin) {
        fclose(fp);
    }
    if (rc == ZW_OK && zw_buf_cstr(b)) {
        rc = zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
    }
    return rc;
}
