/*
 * ex_internal.h - helpers shared between the exposure module's files only.
 */
#ifndef EX_INTERNAL_H
#define EX_INTERNAL_H

#include "ex.h"

#include <ldns/ldns.h>

/* Lower-cased arena copy of a DNS name without its trailing dot ("\052" -> "*"). */
char *ex_dname_dup(zw_arena *a, const char *p, size_t n);
/* Adds an ldns record (value chosen as ex_rr documents).  ZW_ENOMEM. */
int ex_zone_add_ldns(ex_zone *z, const ldns_rr *rr, int64_t line);
/* Adds a record whose value is in presentation text (provider listings, passive DNS):
 * TXT/SPF character strings unquoted and joined, MX/SRV reduced to the target name.
 * idx is the line or record index.  ZW_ENOMEM. */
int ex_zone_add_text(ex_zone *z, const char *owner, const char *type, int64_t ttl,
                     const char *val, size_t vn, int64_t idx);
/* Glob match, case-insensitive, '*' matches dots too. */
int ex_glob(const char *pattern, const char *s);
/* Does name equal domain or lie under it? (both lower-case, no trailing dot) */
int ex_in_domain(const char *name, const char *domain);

/* Classifies against the inventory (NULL: unknown).  provider_kind: match providers
 * by id / target domain, else hosts by owner name.  *reason is set (arena or static). */
ex_class ex_inv_classify(const ex_inv *inv, int provider_kind, const char *id, const char *target,
                         const char *host, zw_arena *a, const char **reason);

#endif
