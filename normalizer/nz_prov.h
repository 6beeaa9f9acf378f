/*
 * nz_prov.h - helpers shared by the provider audit-log parsers (CloudTrail, GCP Cloud
 * Audit, Azure Activity, Cloudflare): reading JSON members as string views, setting
 * the API Activity skeleton, DNS names as providers write them, and the per-change
 * reset between the events of one request.  Not for any one provider's field names:
 * those stay in nz_parse_<provider>.c.
 *
 * Ownership: every zw_str returned here is borrowed from the JSON document, which
 * lives until the parser returns; events may borrow them (zw_ev_set_ref) because the
 * driver writes each event inside nz_emit().
 */
#ifndef NZ_PROV_H
#define NZ_PROV_H

#include "../common/zw_json.h"
#include "nz.h"

/* String member at a dotted path as a view; {NULL, 0} when absent or not a string. */
zw_str nzp_str(fjson_object *o, const char *path);
/* Case-insensitive single-key member (Azure, Cloudflare Logpush vs API casing). */
fjson_object *nzp_ci(fjson_object *o, const char *key);
zw_str nzp_str_ci(fjson_object *o, const char *key);
/* Does the view hold a non-empty string? */
static inline int nzp_ok(zw_str s)
{
    return s.p && s.n;
}
/* Borrow a string member into slot f when present and non-empty; 1 if set. */
int nzp_ref(zw_event *ev, zw_field f, fjson_object *o, const char *path);
/* Sets slot f from a view when non-empty (borrowed). */
static inline void nzp_ref_s(zw_event *ev, zw_field f, zw_str s)
{
    if (nzp_ok(s)) {
        zw_ev_set_ref(ev, f, s.p, s.n);
    }
}

/* ISO 8601 / RFC 3339 time (zone-less read as UTC) into `time`, the original text
 * into metadata.original_time.  0, or -1 if the text is not a timestamp. */
int nzp_time(zw_event *ev, zw_str s);

/* Is [p, p+n) a textual IPv4 or IPv6 address? */
int nzp_is_ip(const char *p, size_t n);
/* A caller address as providers log it: an IP goes to src_endpoint.ip, anything else
 * (AWS service names, GCP "private") to src_endpoint.hostname.  0 or ZW_ENOMEM. */
int nzp_set_src(zw_event *ev, zw_str s);

/* A DNS name as a provider writes it: Route 53 octal escapes (\052 -> '*') decoded,
 * ASCII lower-cased, trailing dot removed; UTF-8 bytes kept.  0 or ZW_ENOMEM. */
int nzp_set_dname(zw_event *ev, zw_field f, const char *p, size_t n);

/* Appends a DNS name (as nzp_set_dname cleans it) to a LIST slot.  0 or ZW_ENOMEM. */
int nzp_list_dname(zw_event *ev, zw_field f, const char *p, size_t n);

/* OCSF API Activity activity_id from an operation's verb (CreateHostedZone -> 1,
 * List... -> 2, Change/Update/Associate... -> 3, Delete... -> 4, else 99).  Matches the
 * leading verb case-insensitively, also after a dotted prefix (dns.managedZones.delete). */
int nzp_verb_activity(const char *p, size_t n);
/* activity_id for a record change action: CREATE 1, DELETE 4, UPSERT / UPDATE 3. */
int nzp_action_activity(const char *action);
/* unmapped.change.action from activity_id (CREATE / UPDATE / DELETE; none for reads). */
void nzp_set_action_from_activity(zw_event *ev, int activity);

/* Sets class API Activity with activity_id; 0 or ZW_ENOMEM. */
int nzp_api_class(zw_event *ev, int activity);

/* Forgets the per-change slots (record, change, activity) before the next change of
 * the same request is filled in; request-wide slots stay. */
void nzp_clear_change(zw_event *ev);

/* Appends a decimal integer to a LIST slot (copied). */
int nzp_list_int(zw_event *ev, zw_field f, int64_t v);
/* Appends a JSON scalar (string, number, bool) to a LIST slot; others skipped. */
int nzp_list_scalar(zw_event *ev, zw_field f, fjson_object *v);

/* Sets slot f to a copy of t with ASCII letters upper-cased (record and query types).
 * 0 or ZW_ENOMEM. */
int nzp_set_upper(zw_event *ev, zw_field f, zw_str t);

/* The rejected members of a batch document (CloudTrail Records, Azure records, CloudWatch
 * logEvents): the good ones are emitted, the document is dead-lettered for the rest.
 * Zero it, then nzp_batch_bad() per member, then nzp_batch_end(). */
typedef struct {
    int bad;       /* members rejected */
    int first_bad; /* index of the first one */
    char first_err[256];
} nzp_batch;

/* Counts member i when rc is ZW_EINVAL (keeping err of the first): 1, else 0. */
int nzp_batch_bad(nzp_batch *b, int i, int rc, const char *err);
/* When any member was rejected: ZW_EINVAL with "<bad> of <n> <what> rejected (<emitted>
 * events emitted); first: <what>[<i>]: <error>" in err.  Else 0. */
int nzp_batch_end(const nzp_batch *b, const char *what, int n, int emitted, char *err,
                  size_t errsz);

#endif
