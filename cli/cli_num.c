/*
 * cli_num.c - strict numbers for command-line options (see cli_num.h): one parser for
 * every subcommand, so "100abc", "", "-1", " 5" and values past the range are usage
 * errors everywhere instead of strtoull / atoi quietly reading a prefix or wrapping
 * -1 to "unlimited".  It is not for numbers inside input data or config files.
 */
#include "cli_num.h"

#include "cli.h"

#include <stdio.h>
#include <string.h>

/* Decimal digits only, at least one; 0 ok, -1 not a number, -2 overflow. */
static int digits_u64(const char *v, size_t n, uint64_t *out)
{
    uint64_t x = 0;
    if (n == 0) {
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9') {
            return -1;
        }
        unsigned d = (unsigned)(v[i] - '0');
        if (x > (UINT64_MAX - d) / 10) {
            return -2;
        }
        x = x * 10 + d;
    }
    *out = x;
    return 0;
}

int cli_num_u64(const char *cmd, const char *opt, const char *v, uint64_t min, uint64_t max,
                uint64_t *out)
{
    uint64_t x = 0;
    int rc = v ? digits_u64(v, strlen(v), &x) : -1;
    if (rc == 0 && x >= min && x <= max) {
        *out = x;
        return 0;
    }
    fprintf(stderr, "zonewarden %s: --%s: '%s' is not a whole number in %llu..%llu\n", cmd, opt,
            v ? v : "", (unsigned long long)min, (unsigned long long)max);
    return CLI_USAGE;
}

int cli_num_size(const char *cmd, const char *opt, const char *v, size_t min, size_t max,
                 size_t *out)
{
    uint64_t x;
    int rc = cli_num_u64(cmd, opt, v, min, max, &x);
    if (rc == 0) {
        *out = (size_t)x;
    }
    return rc;
}

int cli_num_int(const char *cmd, const char *opt, const char *v, int min, int max, int *out)
{
    uint64_t x;
    /* negative ranges are not needed by any option: min < 0 is treated as 0 */
    int rc = cli_num_u64(cmd, opt, v, min < 0 ? 0 : (uint64_t)min, max < 0 ? 0 : (uint64_t)max, &x);
    if (rc == 0) {
        *out = (int)x;
    }
    return rc;
}

static const struct {
    const char *unit;
    int64_t ms;
} units[] = {
    {"ms", 1},       {"s", 1000},           {"m", 60000},           {"h", 3600000},
    {"d", 86400000}, {"w", 7 * 86400000LL}, {"M", 30 * 86400000LL}, {"y", 365 * 86400000LL},
};

int cli_num_duration(const char *cmd, const char *opt, const char *v, int64_t min_ms,
                     int64_t max_ms, int64_t *out)
{
    const char *s = v ? v : "";
    size_t ni = strspn(s, "0123456789");
    size_t nf = 0;
    const char *frac = NULL;
    if (s[ni] == '.') {
        frac = s + ni + 1;
        nf = strspn(frac, "0123456789");
    }
    const char *unit = frac ? frac + nf : s + ni;
    uint64_t ip = 0;
    int64_t mul = 0;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(unit, units[i].unit) == 0) {
            mul = units[i].ms;
        }
    }
    int ok = mul > 0 && ni > 0 && (!frac || nf > 0) && digits_u64(s, ni, &ip) == 0 &&
             ip <= (uint64_t)INT64_MAX / (uint64_t)mul;
    if (ok) {
        int64_t ms = (int64_t)ip * mul;
        /* the fraction: at most 9 digits matter (a unit is at most ~3e10 ms) */
        int64_t fnum = 0, fden = 1;
        for (size_t i = 0; i < nf && i < 9; i++) {
            fnum = fnum * 10 + (frac[i] - '0');
            fden *= 10;
        }
        int64_t add = (int64_t)((double)fnum / (double)fden * (double)mul);
        ok = ms <= INT64_MAX - add;
        if (ok) {
            ms += add;
            ok = ms >= min_ms && ms <= max_ms;
        }
        if (ok) {
            *out = ms;
            return 0;
        }
    }
    fprintf(stderr,
            "zonewarden %s: --%s: '%s' is not a duration (NUMBER then ms, s, m, h, d, w, M or y) "
            "in %lld..%lld ms\n",
            cmd, opt, s, (long long)min_ms, (long long)max_ms);
    return CLI_USAGE;
}
