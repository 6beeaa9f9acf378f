/*
 * nz_syslog.h - strips a syslog header from a log line, for the line parsers whose
 * servers log through syslog (BIND, Infoblox, Knot, NSD, PowerDNS).  It recognises
 *
 *   RFC 3164:  [<PRI>]Mmm dd hh:mm:ss [HOST ]TAG[[PID]]: MSG
 *              (also with an RFC 3339 timestamp instead of "Mmm dd hh:mm:ss", as
 *              rsyslog's high-precision file format writes it; an unpadded day
 *              "Oct 4"; and "HOST IP TAG:" as Infoblox NIOS sends it, HOST kept)
 *   RFC 5424:  <PRI>1 TIMESTAMP HOST APP PROCID MSGID SD [MSG]   ("-" for nil values)
 *
 * and gives back the header fields and a view of the message body.  It is not a
 * syslog receiver: no framing, no structured-data parsing beyond skipping it.
 *
 * Ownership: every view in nz_syslog points into the caller's line; nothing is
 * allocated.  The caller keeps the line alive while it uses the views.
 */
#ifndef NZ_SYSLOG_H
#define NZ_SYSLOG_H

#include "../common/zw_common.h"
#include "../common/zw_time.h"

#include <stdint.h>

enum { NZ_SYSLOG_NONE = 0, NZ_SYSLOG_3164 = 3164, NZ_SYSLOG_5424 = 5424 };

typedef struct {
    int kind;        /* NZ_SYSLOG_3164 or NZ_SYSLOG_5424 */
    int pri;         /* <PRI> value 0..191, or -1 when absent */
    int has_time;    /* 0 when the RFC 5424 timestamp is "-" */
    int64_t time_ms; /* epoch ms (3164: year inferred from tc->ref_ms, zone tc->tz_offset_min) */
    zw_str host;     /* {NULL, 0} when absent or "-" */
    zw_str app;      /* 3164 TAG without [pid]; 5424 APP-NAME; {NULL, 0} when absent */
    zw_str pid;      /* 3164 [PID] / 5424 PROCID; {NULL, 0} when absent */
    zw_str msgid;    /* 5424 MSGID only */
    zw_str body;     /* the message after the header (may be empty) */
} nz_syslog;

/* Parses a syslog header at the start of [p, p+n).  Returns ZW_OK and fills *out when a
 * complete header is found, ZW_NOMATCH (out untouched) when the line does not start with
 * one.  tc may be NULL (UTC, year from the current time).  Never allocates. */
int nz_syslog_parse(const char *p, size_t n, const zw_time_ctx *tc, nz_syslog *out);

/* Syslog severity name of a PRI (pri % 8: "emerg" .. "debug"); NULL when pri is out of range. */
const char *nz_syslog_severity_name(int pri);

#endif
