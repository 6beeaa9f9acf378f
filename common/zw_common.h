/*
 * zw_common.h - status codes, string views and small helpers shared by every module.
 *
 * Ownership rule for the whole code base: a function that returns a pointer says who
 * frees it; "borrowed" means the caller must not free it and it lives as long as the
 * object it came from.  Inputs are (pointer, length) and binary-safe.
 */
#ifndef ZW_COMMON_H
#define ZW_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Status codes: 0 success, negative error, positive "not an error" outcomes. */
enum {
    ZW_OK = 0,
    ZW_NOMATCH = 1, /* input is not in this parser's format: try another */
    ZW_NOISE = 2,   /* input is this format's known operational noise: count, do not emit */
    ZW_ERR = -1,    /* generic failure; message in errstr */
    ZW_ENOMEM = -2,
    ZW_EIO = -3,
    ZW_EINVAL = -4, /* input recognised but rejected (malformed): dead-letter it */
};

#define ZW_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define ZW_UNUSED(x) ((void)(x))

/* A borrowed byte string (not NUL-terminated unless stated). */
typedef struct {
    const char *p;
    size_t n;
} zw_str;

#define ZW_STR_LIT(s) ((zw_str){(s), sizeof(s) - 1})

static inline zw_str zw_str_make(const char *p, size_t n)
{
    zw_str s = {p, n};
    return s;
}

static inline zw_str zw_str_c(const char *p)
{
    zw_str s = {p, p ? strlen(p) : 0};
    return s;
}

static inline int zw_str_eq(zw_str a, const char *lit)
{
    size_t n = strlen(lit);
    return a.n == n && memcmp(a.p, lit, n) == 0;
}

/* Case-insensitive ASCII comparison of a view against a C string. */
int zw_str_ieq(zw_str a, const char *lit);

/* Does [p, p+n) start with lit? */
static inline int zw_starts(const char *p, size_t n, const char *lit)
{
    size_t l = strlen(lit);
    return n >= l && memcmp(p, lit, l) == 0;
}

/* Find needle in [p, p+n); returns pointer or NULL. */
const char *zw_memmem(const char *p, size_t n, const char *needle, size_t nn);

/* Parse an unsigned decimal from [p, p+n) fully; 0 on success. */
int zw_parse_u64(const char *p, size_t n, uint64_t *out);

/* snprintf into errstr if errstr is non-NULL; always returns ret (for "return zw_errf(...)"). */
int zw_errf(char *errstr, size_t errstr_size, int ret, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
