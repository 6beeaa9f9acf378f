/*
 * zw_time.h - timestamp parsing for log formats, to milliseconds since the epoch (UTC).
 *
 * Formats without a year (RFC 3164 syslog, PowerDNS) take the year from a reference
 * time (the file's modification time, or now): the latest year that does not put the
 * event more than 2 days after the reference.  Formats without a zone are read in the
 * zone offset the caller gives (default UTC; `--tz`).  docs/EVENT.md says the same.
 */
#ifndef ZW_TIME_H
#define ZW_TIME_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    int64_t ref_ms;     /* reference "now" for year inference */
    int tz_offset_min;  /* offset of local time from UTC for zone-less formats */
} zw_time_ctx;

/* Civil time (month 1-12) in the given offset -> epoch ms. */
int64_t zw_time_civil(int year, int mon, int day, int hour, int min, int sec, int ms,
                      int tz_offset_min);
/* "Jan".."Dec" (case-insensitive, 3 letters) -> 1..12, 0 if not a month. */
int zw_month3(const char *p);

/* Each parser returns the number of bytes consumed (> 0) and sets *out_ms, or 0 if the
 * text at p is not a timestamp of that form.  n bounds reading. */
/* BIND: "27-Nov-2026 13:05:20.921" (fraction optional), local time. */
size_t zw_time_bind(const char *p, size_t n, const zw_time_ctx *tc, int64_t *out_ms);
/* RFC 3164: "Nov 27 13:05:20" or "Nov  7 13:05:20", no year, local time. */
size_t zw_time_3164(const char *p, size_t n, const zw_time_ctx *tc, int64_t *out_ms);
/* ISO 8601 / RFC 3339: "2026-11-27T13:05:20[.123][Z|+0000|+00:00]" or with a space
 * instead of T.  No zone: local time. */
size_t zw_time_iso(const char *p, size_t n, const zw_time_ctx *tc, int64_t *out_ms);

/* Milliseconds since the epoch, now. */
int64_t zw_now_ms(void);

#endif
