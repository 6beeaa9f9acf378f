/*
 * nz_bind.h - the BIND 9 line parser's internals, shared by the "bind" parser and by
 * parsers of products that embed BIND and log its lines (Infoblox NIOS).  Not a public
 * API: only normalizer/ includes it.
 *
 * Ownership: nothing is allocated except through the event's arena; every view points
 * into the record, which outlives the event.
 */
#ifndef NZ_BIND_H
#define NZ_BIND_H

#include "nz.h"
#include "nz_syslog.h"

/* Who logged the line: goes to metadata.product. */
typedef struct {
    const char *product; /* "BIND" */
    const char *vendor;  /* "ISC" */
} nz_bind_flavor;

/* Is this syslog app name BIND's daemon ("named", "named-pkcs11", ...)? */
int nz_bind_is_named_app(zw_str app);

/* Parses one BIND line body: [print-time] [category: ] [severity: ] message.  sl is the
 * syslog header that was stripped (NULL if none); when it names the named daemon the
 * line is BIND's for sure, otherwise the body must look like BIND (print-time,
 * category or a known message) or the result is ZW_NOMATCH.
 * Returns ZW_OK (emitted), ZW_NOISE, ZW_NOMATCH, ZW_EINVAL (reason in errstr) or the
 * emitter's negative error. */
int nz_bind_parse_body(const nz_record *rec, const nz_syslog *sl, const char *p, size_t n,
                       const nz_bind_flavor *fl, zw_event *ev, nz_emitter *em, char *errstr,
                       size_t errstr_size);

#endif
