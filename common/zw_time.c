/*
 * zw_time.c - hand-written timestamp parsers (no strptime: it is locale-dependent and
 * slow on the hot path) and the civil-to-epoch conversion.
 */
#include "zw_time.h"

#include <time.h>

static int64_t days_from_civil(int64_t y, int m, int d)
{
    /* Howard Hinnant's algorithm, proleptic Gregorian */
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int64_t zw_time_civil(int year, int mon, int day, int hour, int min, int sec, int ms,
                      int tz_offset_min)
{
    int64_t days = days_from_civil(year, mon, day);
    int64_t s = days * 86400 + hour * 3600 + min * 60 + sec - (int64_t)tz_offset_min * 60;
    return s * 1000 + ms;
}

int zw_month3(const char *p)
{
    static const char names[] = "janfebmaraprmayjunjulaugsepoctnovdec";
    char a = (char)(p[0] | 0x20), b = (char)(p[1] | 0x20), c = (char)(p[2] | 0x20);
    for (int i = 0; i < 12; i++) {
        if (names[i * 3] == a && names[i * 3 + 1] == b && names[i * 3 + 2] == c) {
            return i + 1;
        }
    }
    return 0;
}

static int digits(const char *p, size_t n, size_t k, int *out)
{
    int v = 0;
    if (n < k) {
        return 0;
    }
    for (size_t i = 0; i < k; i++) {
        if (p[i] < '0' || p[i] > '9') {
            return 0;
        }
        v = v * 10 + (p[i] - '0');
    }
    *out = v;
    return 1;
}

/* "HH:MM:SS[.fff...]" -> bytes consumed or 0 */
static size_t parse_hms(const char *p, size_t n, int *h, int *mi, int *s, int *ms)
{
    if (n < 8 || !digits(p, n, 2, h) || p[2] != ':' || !digits(p + 3, n - 3, 2, mi) ||
        p[5] != ':' || !digits(p + 6, n - 6, 2, s)) {
        return 0;
    }
    if (*h > 23 || *mi > 59 || *s > 60) {
        return 0;
    }
    size_t i = 8;
    *ms = 0;
    if (i < n && (p[i] == '.' || p[i] == ',') && i + 1 < n && p[i + 1] >= '0' && p[i + 1] <= '9') {
        i++;
        int scale = 100;
        while (i < n && p[i] >= '0' && p[i] <= '9') {
            *ms += (p[i] - '0') * scale;
            scale /= 10;
            i++;
        }
    }
    return i;
}

static int valid_date(int y, int m, int d)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return y >= 1970 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= mdays[m - 1];
}

size_t zw_time_bind(const char *p, size_t n, const zw_time_ctx *tc, int64_t *out_ms)
{
    int d, y, h, mi, s, ms, m;
    /* "27-Nov-2026 13:05:20.921"; BIND pads the day to 2 digits */
    if (n < 20 || !digits(p, n, 2, &d) || p[2] != '-' || p[6] != '-' || !digits(p + 7, n - 7, 4, &y) ||
        p[11] != ' ') {
        return 0;
    }
    m = zw_month3(p + 3);
    if (!m || !valid_date(y, m, d)) {
        return 0;
    }
    size_t k = parse_hms(p + 12, n - 12, &h, &mi, &s, &ms);
    if (!k) {
        return 0;
    }
    *out_ms = zw_time_civil(y, m, d, h, mi, s, ms, tc ? tc->tz_offset_min : 0);
    return 12 + k;
}

size_t zw_time_3164(const char *p, size_t n, const zw_time_ctx *tc, int64_t *out_ms)
{
    int d, h, mi, s, ms;
    if (n < 15 || p[3] != ' ') {
        return 0;
    }
    int m = zw_month3(p);
    if (!m) {
        return 0;
    }
    if (p[4] == ' ' && digits(p + 5, n - 5, 1, &d)) {
        /* "Nov  7" */
    } else if (!digits(p + 4, n - 4, 2, &d)) {
        return 0;
    }
    if (p[6] != ' ') {
        return 0;
    }
    size_t k = parse_hms(p + 7, n - 7, &h, &mi, &s, &ms);
    if (!k) {
        return 0;
    }
    int64_t ref = tc && tc->ref_ms ? tc->ref_ms : zw_now_ms();
    time_t rs = (time_t)(ref / 1000);
    struct tm tm;
    gmtime_r(&rs, &tm);
    int y = tm.tm_year + 1900;
    int tz = tc ? tc->tz_offset_min : 0;
    if (!valid_date(y, m, d) && !valid_date(y - 1, m, d)) {
        return 0;
    }
    int64_t t = zw_time_civil(y, m, d, h, mi, s, ms, tz);
    if (!valid_date(y, m, d) || t > ref + 2LL * 86400 * 1000) {
        /* in the future (or Feb 29 of a non-leap year): last year's */
        y--;
        t = zw_time_civil(y, m, d, h, mi, s, ms, tz);
    }
    *out_ms = t;
    return 7 + k;
}

size_t zw_time_iso(const char *p, size_t n, const zw_time_ctx *tc, int64_t *out_ms)
{
    int y, m, d, h, mi, s, ms;
    if (n < 19 || !digits(p, n, 4, &y) || p[4] != '-' || !digits(p + 5, n - 5, 2, &m) ||
        p[7] != '-' || !digits(p + 8, n - 8, 2, &d) || (p[10] != 'T' && p[10] != ' ')) {
        return 0;
    }
    if (!valid_date(y, m, d)) {
        return 0;
    }
    size_t k = parse_hms(p + 11, n - 11, &h, &mi, &s, &ms);
    if (!k) {
        return 0;
    }
    size_t i = 11 + k;
    int tz = tc ? tc->tz_offset_min : 0;
    if (i < n && (p[i] == 'Z' || p[i] == 'z')) {
        tz = 0;
        i++;
    } else if (i < n && (p[i] == '+' || p[i] == '-')) {
        int th, tm;
        int sign = p[i] == '-' ? -1 : 1;
        if (digits(p + i + 1, n - i - 1, 2, &th)) {
            size_t j = i + 3;
            if (j < n && p[j] == ':') {
                j++;
            }
            if (digits(p + j, n - j, 2, &tm)) {
                tz = sign * (th * 60 + tm);
                i = j + 2;
            }
        }
    }
    *out_ms = zw_time_civil(y, m, d, h, mi, s, ms, tz);
    return i;
}

int64_t zw_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
