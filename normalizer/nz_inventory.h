/*
 * nz_inventory.h - the inventory: what the organisation knows it runs and approves.
 * Zones (with their provider ids: Route 53 hosted-zone ids, GCP managed-zone names,
 * Azure zone resource ids, Cloudflare zone ids, and optional per-zone secondaries),
 * approved automation principals (exact or glob), approved secondaries and approved
 * scanners (IP addresses / CIDRs).  The file format (YAML or JSON) is documented in
 * docs/INVENTORY.md.
 *
 * The normalizer uses it to enrich events (nz_inventory_enrich: zone names for
 * provider ids and record names, unmapped.inventory.* booleans); detection tuning uses
 * the lookups directly.  A loaded inventory is immutable, so one may be shared by any
 * number of threads and contexts.
 *
 * Ownership: nz_inventory_load / nz_inventory_parse return an inventory the caller
 * frees with nz_inventory_destroy (NULL is a no-op).  Strings returned by lookups are
 * borrowed from the inventory and live until it is destroyed; events enriched with it
 * borrow them too, so destroy the inventory only after the last event is written.
 */
#ifndef NZ_INVENTORY_H
#define NZ_INVENTORY_H

#include "nz.h"

#include <stddef.h>

typedef struct nz_inventory nz_inventory;

/* Reads and validates an inventory file (YAML, or JSON when the first non-blank byte is
 * '{').  NULL on error, with the reason (file, and line:column for YAML syntax errors,
 * or the path of the offending entry) in errstr. */
nz_inventory *nz_inventory_load(const char *path, char *errstr, size_t errstr_size);
/* The same over a buffer; name is used in messages. */
nz_inventory *nz_inventory_parse(const char *p, size_t n, const char *name, char *errstr,
                                 size_t errstr_size);
void nz_inventory_destroy(nz_inventory *inv);

/* Counts, for summaries. */
size_t nz_inventory_zone_count(const nz_inventory *inv);

/* The zone (lower case, no trailing dot) a provider id belongs to; ids compare
 * case-insensitively (Azure resource ids).  NULL if unknown. */
const char *nz_inventory_zone_by_id(const nz_inventory *inv, const char *id, size_t n);
/* The longest inventory zone that is name itself or a parent of it (label boundary,
 * case-insensitive, trailing dot ignored).  NULL if none. */
const char *nz_inventory_zone_for_name(const nz_inventory *inv, const char *name, size_t n);
/* Is the zone (exactly) in the inventory?  1 / 0. */
int nz_inventory_zone_known(const nz_inventory *inv, const char *zone, size_t n);
/* Does an approved principal (exact, or glob with * ? [..]) match s, case-insensitively? */
int nz_inventory_principal_approved(const nz_inventory *inv, const char *s, size_t n);
/* Is ip (text) inside an approved secondary (global, or of zone when zone is non-NULL)
 * or scanner range?  0 also for text that is not an IP address. */
int nz_inventory_ip_secondary(const nz_inventory *inv, const char *ip, size_t n, const char *zone,
                              size_t zn);
int nz_inventory_ip_scanner(const nz_inventory *inv, const char *ip, size_t n);
/* Calls fn for each approved secondary of zone (its own list, zone_own 1, then the
 * global list) as text ("192.0.2.53", "198.51.100.0/24"); a non-zero return stops and
 * is returned.  0 when inv is NULL. */
int nz_inventory_secondaries(const nz_inventory *inv, const char *zone, size_t zn,
                             int (*fn)(void *opaque, const char *cidr, int zone_own), void *opaque);

/* nz_enrich_fn over an inventory (opaque = const nz_inventory *): sets unmapped.zone
 * from resources[].uid or from the record / query name when the parser did not, and
 * unmapped.inventory.zone_known / actor_approved / peer_approved_secondary /
 * peer_approved_scanner where the event has what each needs.  Returns 0. */
int nz_inventory_enrich(void *opaque, zw_event *ev);

/* Attaches inv (borrowed; must outlive ctx's use) to a normalizer context. */
void nz_inventory_attach(nz_ctx *ctx, const nz_inventory *inv);

#endif
