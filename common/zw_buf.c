/*
 * zw_buf.c - growable buffer and JSON string escaping.  The escaper is on every hot
 * path (each output field), so it copies runs of plain ASCII in one memcpy.
 */
#include "zw_buf.h"
#include "zw_common.h"

#include <stdarg.h>
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

int zw_json_str(zw_buf *b, const char *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)p;
    /* worst case 6 bytes per input byte (\u00XX) plus quotes */
    if (zw_buf_reserve(b, n * 6 + 2)) {
        return ZW_ENOMEM;
    }
    char *o = b->p + b->len;
    *o++ = '"';
    size_t i = 0;
    while (i < n) {
        size_t run = i;
        while (run < n && s[run] >= 0x20 && s[run] < 0x80 && s[run] != '"' && s[run] != '\\') {
            run++;
        }
        if (run > i) {
            memcpy(o, s + i, run - i);
            o += run - i;
            i = run;
            continue;
        }
        unsigned char c = s[i];
        if (c == '"' || c == '\\') {
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
    b->len = (size_t)(o - b->p);
    return ZW_OK;
}

int zw_json_int(zw_buf *b, int64_t v)
{
    /* by hand: snprintf was a visible share of the writer's time */
    char tmp[24];
    char *e = tmp + sizeof tmp, *p = e;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) {
        *--p = '-';
    }
    return zw_buf_append(b, p, (size_t)(e - p));
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
