/*
 * zw_common.c - the small string and error helpers declared in zw_common.h.
 * Not for anything with state; see zw_arena.c and zw_buf.c for memory.
 */
#include "zw_common.h"

#include <stdarg.h>
#include <stdio.h>

int zw_str_ieq(zw_str a, const char *lit)
{
    size_t n = strlen(lit);
    if (a.n != n) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a.p[i], y = (unsigned char)lit[i];
        if (x >= 'A' && x <= 'Z') {
            x = (unsigned char)(x + 32);
        }
        if (y >= 'A' && y <= 'Z') {
            y = (unsigned char)(y + 32);
        }
        if (x != y) {
            return 0;
        }
    }
    return 1;
}

const char *zw_memmem(const char *p, size_t n, const char *needle, size_t nn)
{
    if (nn == 0) {
        return p;
    }
    if (n < nn) {
        return NULL;
    }
    const char *end = p + n - nn;
    for (const char *q = p; q <= end; q++) {
        q = memchr(q, needle[0], (size_t)(end - q) + 1);
        if (!q) {
            return NULL;
        }
        if (memcmp(q, needle, nn) == 0) {
            return q;
        }
    }
    return NULL;
}

int zw_parse_u64(const char *p, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    if (n == 0 || n > 19) {
        return ZW_EINVAL;
    }
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') {
            return ZW_EINVAL;
        }
        v = v * 10 + (uint64_t)(p[i] - '0');
    }
    *out = v;
    return ZW_OK;
}

int zw_errf(char *errstr, size_t errstr_size, int ret, const char *fmt, ...)
{
    if (errstr && errstr_size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(errstr, errstr_size, fmt, ap);
        va_end(ap);
    }
    return ret;
}
