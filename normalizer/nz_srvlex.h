/*
 * nz_srvlex.h - small scanning helpers shared by the DNS server log parsers (Knot, NSD,
 * PowerDNS, Zeek, Windows DNS): a cursor over a record's bytes, literal and number
 * matching, address/port splitting with IPv6 awareness, and setters for the fields
 * every DNS server event carries (product, endpoints, transfer details).
 *
 * Not for any one format's grammar: that stays in its nz_parse_<name>.c.  Nothing here
 * allocates except through the event's arena; every input is (pointer, length) and is
 * never read past its end.
 */
#ifndef NZ_SRVLEX_H
#define NZ_SRVLEX_H

#include "nz.h"

#include <stdint.h>

/* A read cursor over [p, p+n); i is the next byte. */
typedef struct {
    const char *p;
    size_t n;
    size_t i;
} nz_cur;

static inline nz_cur nz_cur_make(const char *p, size_t n)
{
    nz_cur c = {p, n, 0};
    return c;
}
static inline size_t nz_cur_left(const nz_cur *c)
{
    return c->n - c->i;
}
static inline const char *nz_cur_ptr(const nz_cur *c)
{
    return c->p + c->i;
}
static inline int nz_cur_eof(const nz_cur *c)
{
    return c->i >= c->n;
}

/* Consumes lit if the cursor is at it: 1, else 0 (cursor unchanged). */
int nz_cur_lit(nz_cur *c, const char *lit);
/* Skips spaces and tabs; returns how many. */
size_t nz_cur_ws(nz_cur *c);
/* The bytes up to (not including) the first stop byte, or up to the end when none;
 * the cursor stops at the stop byte (not consumed).  1 if the stop byte was found. */
int nz_cur_until(nz_cur *c, char stop, zw_str *out);
/* Like nz_cur_until for a multi-byte separator; the separator is consumed.  1 if found,
 * 0 (cursor unchanged, *out unset) if not. */
int nz_cur_upto(nz_cur *c, const char *sep, zw_str *out);
/* The bytes up to the next space/tab or the end (may be empty). */
zw_str nz_cur_word(nz_cur *c);
/* An unsigned decimal of at most 19 digits: 1 and *out, or 0 (cursor unchanged). */
int nz_cur_u64(nz_cur *c, uint64_t *out);
/* A decimal like "0.00" or "7.9e-05" as milliseconds (rounded): 1, or 0. */
int nz_cur_seconds_ms(nz_cur *c, int64_t *out_ms);
/* The rest of the record. */
zw_str nz_cur_rest(nz_cur *c);

/* Is [p, p+n) a textual IPv4 or IPv6 address (IPv6 may carry a %zone)? */
int nz_ip_valid(const char *p, size_t n);

/* Splits "addr<sep>port" where addr is IPv4, IPv6 or "[IPv6]" (brackets dropped).  The
 * port is the part after the LAST sep, so "2001:db8::1:53" with sep ':' is ambiguous:
 * an unbracketed address with more than one ':' is taken as an address without port
 * when sep is ':'.  *port is -1 when absent.  0 on success, ZW_EINVAL when the address
 * is not an IP or the port is not 0..65535. */
int nz_split_addr(const char *p, size_t n, char sep, zw_str *ip, int *port);

/* Sets ip (and port when >= 0) slots from "addr<sep>port"; ZW_EINVAL when malformed. */
int nz_set_endpoint(zw_event *ev, zw_field ipf, zw_field portf, const char *p, size_t n, char sep);

/* The source of a management command that reached the server over a control channel whose
 * log names no client address (rndc, knotc, NIOS GUI/API, the Windows DNS Server RPC
 * interface).  OCSF API Activity requires src_endpoint, and an address we do not have must
 * not be invented: src_endpoint.name = channel (a borrowed static string naming the
 * channel), and src_endpoint.hostname = host (lower-cased copy) when the line or its syslog
 * header names the host the command was issued on; host may be NULL with host_n 0.  Never
 * sets src_endpoint.ip.  0, or ZW_ENOMEM when the hostname cannot be copied. */
int nz_set_channel_source(zw_event *ev, const char *channel, const char *host, size_t host_n);

/* Product metadata (borrowed static strings). */
void nz_set_product(zw_event *ev, const char *name, const char *vendor, const char *log_name);

/* What every server log event carries: time, product (as nz_set_product), the log level
 * when level.n (copied) and the product version when version is neither NULL nor empty
 * (copied). */
void nz_set_server_header(zw_event *ev, int64_t t, const char *name, const char *vendor,
                          const char *log_name, zw_str level, const char *version);

/* "<level>: " at the cursor, level one of levels[0..nlevels): 1 with *level viewing it
 * (the ": " consumed), or 0 (cursor unchanged). */
int nz_cur_level(nz_cur *c, const char *const *levels, size_t nlevels, zw_str *level);

/* Transfer helpers: query.hostname + unmapped.zone from a zone name, the transfer
 * kind ("AXFR"/"IXFR", also written to query.type), direction and phase. */
int nz_set_zone(zw_event *ev, const char *p, size_t n);
int nz_set_query(zw_event *ev, const char *name, size_t name_n, const char *type);
void nz_set_opcode(zw_event *ev, int opcode_id);
void nz_set_rcode(zw_event *ev, int rcode_id);

/* Case-insensitive "does [p, p+n) equal lit". */
int nz_ieq(const char *p, size_t n, const char *lit);

/* Windows / Zeek numeric DNS type -> mnemonic ("A", "AXFR", ...), NULL if unknown. */
const char *nz_dns_type_name(unsigned type);

#endif
