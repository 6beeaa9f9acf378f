/*
 * nz_registry.c - the table of every parser, in auto-detection order.  Add a parser by
 * writing normalizer/nz_parse_<name>.c with one exported `const nz_parser
 * nz_parser_<name>` and adding it to the right section below.  Order matters only
 * between parsers that could accept the same record: the more specific goes first.
 * JSON parsers see only records that parsed as JSON, so they never compete with
 * line parsers.
 */
#include "nz.h"

#include <string.h>

/* --- DNS server line formats (issue 2) --- */
extern const nz_parser nz_parser_knot;
extern const nz_parser nz_parser_nsd;
extern const nz_parser nz_parser_pdns;
extern const nz_parser nz_parser_infoblox;
extern const nz_parser nz_parser_bind;
extern const nz_parser nz_parser_zeek;
extern const nz_parser nz_parser_dnstap;

/* --- DNS server JSON formats (issue 2) --- */
extern const nz_parser nz_parser_zeek_json;
extern const nz_parser nz_parser_windns;

/* --- provider audit and query logs (issue 3) --- */
extern const nz_parser nz_parser_cloudtrail;
extern const nz_parser nz_parser_route53_query;
extern const nz_parser nz_parser_route53_resolver_query;
extern const nz_parser nz_parser_gcp_audit;
extern const nz_parser nz_parser_gcp_dns_query;
extern const nz_parser nz_parser_azure_activity;
extern const nz_parser nz_parser_cloudflare_audit;

static const nz_parser *const parsers[] = {
    /* --- DNS server line formats --- */
    &nz_parser_knot,
    &nz_parser_nsd,
    &nz_parser_pdns,
    &nz_parser_infoblox, /* before bind: Infoblox-marked named lines */
    &nz_parser_bind,
    &nz_parser_zeek,
    &nz_parser_dnstap, /* binary frames only (nz_stream_binary) */

    /* --- DNS server JSON formats --- */
    &nz_parser_zeek_json,
    &nz_parser_windns,

    /* --- provider formats --- */
    &nz_parser_cloudtrail,
    &nz_parser_route53_query,
    &nz_parser_route53_resolver_query,
    &nz_parser_gcp_audit,
    &nz_parser_gcp_dns_query,
    &nz_parser_azure_activity,
    &nz_parser_cloudflare_audit,

    NULL,
};

const nz_parser *const *nz_parsers(size_t *count)
{
    *count = ZW_ARRAY_LEN(parsers) - 1;
    return parsers;
}

const nz_parser *nz_parser_find(const char *name)
{
    for (size_t i = 0; parsers[i]; i++) {
        if (strcmp(parsers[i]->name, name) == 0) {
            return parsers[i];
        }
    }
    return NULL;
}
