/*
 * ex.h - exposure review and zone-transfer evidence (`zonewarden exposure`,
 * `zonewarden axfr-check`).
 *
 * A zone (ex_zone) is a flat list of records read from an RFC 1035 zone file, a live
 * AXFR, or a managed-DNS provider's record listing.  The analyser matches it against
 * the fingerprint table (schemas/fingerprints.json, ex_fp) and the approved inventory
 * (ex_inv) and produces findings (ex_report).  ex_report.c turns findings into
 * canonical events (OCSF Compliance Finding), a terminal table and an HTML report;
 * ex_xfer.c performs AXFR / IXFR over TCP with ldns for the wire format.
 *
 * Ownership: every object here is created by ex_*_new / ex_*_load / ex_*_read and
 * freed by the matching ex_*_destroy (NULL is a no-op).  Strings inside a zone live in
 * the zone's arena; findings borrow from the zone, the fingerprint table and the
 * inventory, which must outlive the report.  Nothing here prints.
 */
#ifndef EX_H
#define EX_H

#include "../common/zw_arena.h"
#include "../common/zw_buf.h"
#include "../common/zw_common.h"
#include "../common/zw_event.h"

#include <stdint.h>

/* ---------------------------------------------------------------- zones */

typedef struct {
    const char *owner; /* lower-case FQDN, no trailing dot */
    const char *type;  /* "A", "CNAME", "TXT", ... */
    uint32_t ttl;
    /* A/AAAA: the address; CNAME/DNAME/NS/PTR/MX/SRV: the target name (lower-case, no
     * trailing dot); TXT/SPF: the character strings concatenated; others: rdata text. */
    const char *value;
    int alias;    /* value is a provider alias target (Route 53 AliasTarget) */
    int64_t line; /* zone-file line, or 1-based record index in an export; 0 unknown */
    /* passive DNS only (ex_pdns_read): first / last seen (ms since the epoch) and the
     * number of observations; 0 for every other source */
    int64_t first_seen_ms, last_seen_ms;
    uint64_t seen_count;
} ex_rr;

typedef struct {
    int64_t line; /* 0 when not tied to a line */
    const char *msg;
} ex_diag;

typedef struct {
    zw_arena *arena;
    const char *origin; /* lower-case, no trailing dot */
    const char *source; /* file path or "server:port" */
    const char *kind;   /* "zone-file", "axfr", "route53", "azure", "gcp", "cloudflare" */
    ex_rr *rr;
    size_t n, cap;
    ex_diag *diag;
    size_t ndiag, capdiag;
} ex_zone;

/* NULL on out-of-memory.  Strings are copied. */
ex_zone *ex_zone_new(const char *origin, const char *source, const char *kind);
void ex_zone_destroy(ex_zone *z);
/* Adds a record; owner and value are normalised as described at ex_rr.  ZW_ENOMEM. */
int ex_zone_add(ex_zone *z, const char *owner, size_t on, const char *type, uint32_t ttl,
                const char *value, size_t vn, int alias, int64_t line);
/* Records a diagnostic (copied).  ZW_ENOMEM. */
int ex_zone_diag(ex_zone *z, int64_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reads an RFC 1035 zone file with ldns.  origin NULL: the file name without a
 * ".zone"/".db" suffix or "db." prefix.  Every syntax error is kept as a diagnostic
 * with its line and reading goes on.  Returns ZW_OK, ZW_EINVAL when there were
 * diagnostics (*out is still set), ZW_EIO (errstr) when the file cannot be read. */
int ex_zone_read_file(const char *path, const char *origin, ex_zone **out, char *errstr,
                      size_t errstr_size);

/* Same over a buffer (name is the source, origin required). */
int ex_zone_read_mem(const char *p, size_t n, const char *name, const char *origin, ex_zone **out,
                     char *errstr, size_t errstr_size);

/* Reads a provider record listing (JSON): Route 53 list-resource-record-sets, Azure
 * `az network dns record-set list`, GCP `gcloud dns record-sets list --format=json`,
 * Cloudflare API dns_records result[].  The format is detected from the document.
 * origin NULL: taken from the SOA / zone fields when present, else the shortest owner.
 * Returns like ex_zone_read_file; ZW_EINVAL with errstr for JSON of no known format. */
int ex_zone_read_export(const char *path, const char *origin, ex_zone **out, char *errstr,
                        size_t errstr_size);
/* Same over a buffer; name is used as the source. */
int ex_zone_read_export_mem(const char *p, size_t n, const char *name, const char *origin,
                            ex_zone **out, char *errstr, size_t errstr_size);

/* ---------------------------------------------------------------- fingerprints */

typedef enum {
    EX_VIA_MX,
    EX_VIA_SPF,
    EX_VIA_TXT,
    EX_VIA_CNAME,
    EX_VIA_NS,
    EX_VIA_SRV,
    EX_VIA_TXT_OWNER, /* first label of a TXT record's owner ("asuid", "_amazonses") */
    EX_VIA_TAKEOVER,
    EX_VIA__COUNT
} ex_via;

typedef struct ex_fp ex_fp;

typedef struct {
    const char *id, *name, *category;
} ex_provider;

/* Loads the fingerprint table (JSON).  NULL with errstr on error. */
ex_fp *ex_fp_load(const char *path, char *errstr, size_t errstr_size);
ex_fp *ex_fp_load_mem(const char *p, size_t n, char *errstr, size_t errstr_size);
void ex_fp_destroy(ex_fp *fp);
/* First provider whose `via` list matches s; *pattern gets the pattern.  NULL if none. */
const ex_provider *ex_fp_match(const ex_fp *fp, ex_via via, const char *s, const char **pattern);
/* Category ("remote-access", "admin") of a host-name label token, or NULL. */
const char *ex_fp_host_label(const ex_fp *fp, const char *token, size_t n);
size_t ex_fp_provider_count(const ex_fp *fp);
const ex_provider *ex_fp_provider(const ex_fp *fp, size_t i);

/* ---------------------------------------------------------------- inventory */

typedef struct ex_inv ex_inv;

/* Loads the `exposure:` section of an approved-inventory YAML file (docs/EXPOSURE.md);
 * the file's other sections are ignored.  NULL with errstr (file:line) on error. */
ex_inv *ex_inv_load(const char *path, char *errstr, size_t errstr_size);
ex_inv *ex_inv_load_mem(const char *p, size_t n, const char *name, char *errstr,
                        size_t errstr_size);
void ex_inv_destroy(ex_inv *inv);

/* ---------------------------------------------------------------- findings */

typedef enum {
    EX_K_PROVIDER,      /* fingerprinted third-party provider */
    EX_K_THIRD_PARTY,   /* external target that matches no fingerprint */
    EX_K_REMOTE_ACCESS, /* host name reveals a remote-access service */
    EX_K_ADMIN,         /* host name reveals an admin / internal tool */
    EX_K_WILDCARD,      /* wildcard owner name */
    EX_K_PRIVATE_ADDR,  /* RFC 1918 / ULA / loopback / link-local address */
    EX_K_TAKEOVER,      /* CNAME / alias into a takeover-prone cloud namespace */
    EX_K_STALE,         /* a name passive DNS still holds that the zone no longer has */
    EX_K__COUNT
} ex_kind;

typedef enum { EX_C_APPROVED, EX_C_UNKNOWN, EX_C_UNAPPROVED, EX_C__COUNT } ex_class;

/* A finding compared with a baseline (ex_baseline_apply): EX_CH_NONE when no baseline
 * was given. */
typedef enum { EX_CH_NONE, EX_CH_ADDED, EX_CH_UNCHANGED, EX_CH_REMOVED, EX_CH__COUNT } ex_change;

typedef struct {
    ex_kind kind;
    ex_class cls;
    int severity;                /* ZW_SEV_* */
    const ex_rr *rr;             /* the record that discloses it (borrowed from the zone) */
    const char *via;             /* "mx", "spf-include", "spf-redirect", "txt", "cname", ... */
    const char *subject;         /* what matched: SPF domain, target, token, address */
    const ex_provider *provider; /* EX_K_PROVIDER / EX_K_TAKEOVER; NULL otherwise */
    const char *category;        /* provider or host category */
    const char *pattern;         /* fingerprint pattern or label keyword */
    const char *reason;          /* why this classification ("providers.approved: aws") */
    char uid[17];                /* deterministic hex id */
    const ex_zone *src;          /* the zone it was found in (the reviewed zone, or its
                                    passive-DNS records); NULL = the report's zone */
    const char *resolved;        /* ex_resolve_targets: "nxdomain", "resolves", "no-answer",
                                    "servfail", "refused", "error"; NULL = not checked */
    ex_change change;            /* against the baseline; EX_CH_REMOVED findings are the
                                    baseline's own (rr, strings and src borrowed from the
                                    baseline, which must outlive the report) */
} ex_finding;

typedef struct {
    zw_arena *arena;
    const ex_zone *zone;
    ex_finding *f;
    size_t n, cap;
    /* counts over the current findings (removed ones are counted in by_change only) */
    size_t by_class[EX_C__COUNT];
    size_t by_kind[EX_K__COUNT][EX_C__COUNT];
    size_t by_change[EX_CH__COUNT];
} ex_report;

/* Analyses zone against fp and inv (inv may be NULL: everything is "unknown").
 * NULL on out-of-memory.  The report borrows zone, fp and inv. */
ex_report *ex_analyze(const ex_zone *zone, const ex_fp *fp, const ex_inv *inv);
void ex_report_destroy(ex_report *r);

/* Adds the findings of passive-DNS records (a zone read by ex_pdns_read, which keeps only
 * what the reviewed zone no longer or never had) to r: what they disclose, classified like
 * zone records, and one EX_K_STALE finding per name the reviewed zone lacks.  pz must
 * outlive r.  ZW_ENOMEM. */
int ex_analyze_pdns(ex_report *r, const ex_zone *pz, const ex_fp *fp, const ex_inv *inv);

/* Asks server (an address; port 0 = 53) for the A record of every takeover-prone
 * target in r (one UDP query each, recursion desired, timeout_ms per query, 0 = 2000)
 * and records the answer in f->resolved.  A target that no longer exists (NXDOMAIN) is a
 * name anyone may claim: its severity goes one step up, to at least High.  Nothing is
 * sent anywhere but server.  ZW_EINVAL (errstr) for a bad address, ZW_ENOMEM. */
int ex_resolve_targets(ex_report *r, const char *server, int port, int timeout_ms, char *errstr,
                       size_t errstr_size);

/* ---------------------------------------------------------------- passive DNS */

/* Reads passive DNS in the Common Output Format (one JSON object a line: rrname, rrtype,
 * rdata (string or list), time_first, time_last (seconds), count; plain or .gz) and keeps
 * the records at or below zone->origin that zone does not hold (same owner, type and
 * value).  A malformed line is a diagnostic with its line number and is skipped.
 * Returns like ex_zone_read_file (*out kind "passive-dns", origin zone->origin). */
int ex_pdns_read(const char *path, const ex_zone *zone, ex_zone **out, char *errstr,
                 size_t errstr_size);
/* Same over a buffer (uncompressed); name is used as the source. */
int ex_pdns_read_mem(const char *p, size_t n, const char *name, const ex_zone *zone,
                     ex_zone **out, char *errstr, size_t errstr_size);

/* ---------------------------------------------------------------- baselines */

typedef struct ex_baseline ex_baseline;

/* Loads a previous run's findings (the JSON lines `exposure` writes).  Each finding is
 * keyed by zone, record name, record type, kind and subject (not uids or times).  A file
 * that is not zonewarden exposure output of this version, or that holds another zone than
 * origin, is refused: NULL with errstr naming the file and line. */
ex_baseline *ex_baseline_load(const char *path, const char *origin, char *errstr,
                              size_t errstr_size);
void ex_baseline_destroy(ex_baseline *bl);
/* Marks every finding of r added or unchanged, and appends each baseline finding that
 * r no longer has as an EX_CH_REMOVED finding (borrowing the baseline's content: bl must
 * outlive r); fills r->by_change.  Call once, after every ex_analyze* call.  ZW_ENOMEM. */
int ex_baseline_apply(const ex_baseline *bl, ex_report *r);
const char *ex_change_name(ex_change c); /* "added", "unchanged", "removed"; "" for NONE */

const char *ex_kind_name(ex_kind k);   /* "provider", "remote-access", ... */
const char *ex_kind_title(ex_kind k);  /* plain-language title for reports */
const char *ex_class_name(ex_class c); /* "approved", "unknown", "unapproved" */

/* Is the textual IPv4/IPv6 address private, loopback, link-local or shared (CGNAT)?
 * Returns the range's name ("RFC 1918", "loopback", "ULA", ...) or NULL. */
const char *ex_private_range(const char *addr);

/* Fills ev (cleared, with an arena) with finding i as an OCSF Compliance Finding.
 * time_ms stamps the event.  ZW_ENOMEM. */
int ex_finding_event(const ex_report *r, size_t i, int64_t time_ms, zw_event *ev);
/* Appends a fixed-width terminal table of the findings and a summary line. */
int ex_report_table(const ex_report *r, zw_buf *b);
/* Appends a self-contained HTML report (inline CSS and SVG, no external resources). */
int ex_report_html(const ex_report *r, int64_t time_ms, zw_buf *b);

/* The report building blocks other reports reuse (config-review): HTML-escapes s into
 * b (control bytes dropped); the report's inline style sheet (classes card c0..c2 cn,
 * pill p0..p2, table, filters, plain); a table cell padded or cut to width columns. */
int ex_html_escape(zw_buf *b, const char *s);
const char *ex_html_style(void);
int ex_table_cell(zw_buf *b, const char *s, int width);

/* ---------------------------------------------------------------- transfers */

typedef struct {
    const char *name;      /* key name */
    const char *algorithm; /* "hmac-sha256." style, as ldns wants it */
    const char *secret;    /* base64 */
} ex_tsig;

/* Reads a TSIG key: a BIND key file (key "name" { algorithm A; secret "S"; };) or a
 * one-line "algorithm:name:secret" / "name:secret".  Strings are allocated in a.
 * ZW_EINVAL / ZW_EIO with errstr. */
int ex_tsig_load(const char *path, zw_arena *a, ex_tsig *out, char *errstr, size_t errstr_size);

typedef struct {
    const char *server;    /* IPv4/IPv6 literal */
    int port;              /* 0: 53 */
    const char *source_ip; /* bind to this address, or NULL */
    const char *zone;
    int ixfr;             /* 0 AXFR, 1 IXFR */
    uint32_t ixfr_serial; /* IXFR: the serial the client claims to have */
    const ex_tsig *tsig;  /* sign the request, or NULL */
    int timeout_ms;       /* total deadline of the whole exchange (connect, query, every
                           * read); 0: 5000 */
    size_t max_messages;  /* 0: 100000 */
    size_t max_records;   /* stop after this many answer records; 0: EX_XFER_MAX_RECORDS */
    size_t max_bytes;     /* stop after this many bytes read; 0: EX_XFER_MAX_BYTES */
} ex_xfer_req;

/* Bounds of one transfer (a hostile peer can stream records forever). */
#define EX_XFER_MAX_RECORDS ((size_t)1000000)
#define EX_XFER_MAX_BYTES ((size_t)256 << 20)
/* Default total deadline of `exposure --axfr` (axfr-check's is 5000 ms). */
#define EX_AXFR_TIMEOUT_MS 120000

typedef struct {
    int connected; /* TCP connection established */
    int answered;  /* at least one DNS message came back */
    int rcode;     /* of the first message; -1 if none */
    size_t messages;
    size_t bytes;
    size_t records;      /* answer records, SOAs included */
    size_t data_records; /* records other than SOA */
    int soa_seen;
    uint32_t serial;  /* serial of the first SOA in the answer */
    int complete;     /* the transfer ended with its closing SOA */
    int up_to_date;   /* IXFR answered with the current SOA only */
    int closed_early; /* connected, then closed by the server before any answer */
    int limited;      /* stopped by max_records, max_bytes, max_messages or the deadline
                       * after data came back (error says which) */
    int mismatched;   /* an answer's id or question did not match the query */
    int64_t duration_ms;
    char error[256]; /* network / protocol error text, "" if none */
} ex_xfer_result;

/* Called for each answer record (ldns_rr *, borrowed for the call) when non-NULL;
 * a non-zero return stops the transfer. */
typedef int (*ex_xfer_rr_fn)(void *opaque, const void *ldns_rr);

/* Performs one transfer over TCP, bounded by req's deadline, records and bytes.  Every
 * answer must carry the query's id and (when present) its question.  Returns ZW_OK when
 * a matching DNS answer was read (whatever its rcode; res->limited when a bound stopped
 * it after data came back), ZW_EIO with res->error on network failure, timeout before
 * any answer, or an answer that does not match the query (res->mismatched), ZW_EINVAL
 * for bad arguments.  res is always filled. */
int ex_xfer(const ex_xfer_req *req, ex_xfer_result *res, ex_xfer_rr_fn fn, void *opaque);

/* SOA serial of zone by a TCP SOA query (for choosing an IXFR serial).  ZW_OK and
 * *serial, ZW_NOMATCH when the server answered without an SOA, ZW_EIO. */
int ex_soa_serial(const ex_xfer_req *req, uint32_t *serial, int *rcode, char *errstr,
                  size_t errstr_size);

/* Reads a zone by AXFR into an ex_zone (kind "axfr").  ZW_OK, ZW_EIO / ZW_EINVAL with
 * errstr when the server refused or failed. */
int ex_zone_read_axfr(const ex_xfer_req *req, ex_zone **out, char *errstr, size_t errstr_size);

/* axfr-check: one verdict per transfer attempt. */
typedef enum { EX_V_PASS = 0, EX_V_FAIL = 1, EX_V_ERROR = 3 } ex_verdict;

typedef struct {
    const char *label; /* "AXFR", "IXFR", "AXFR+TSIG" */
    ex_xfer_req req;
    ex_xfer_result res;
    int status;     /* ex_xfer return */
    int authorized; /* attempt made with a TSIG key: data is expected */
    ex_verdict verdict;
    char detail[320]; /* one-line explanation, set by ex_attempt_judge */
} ex_attempt;

/* Judges one attempt: unauthenticated data back -> FAIL, refused / no data -> PASS,
 * network error -> ERROR; an authorised attempt passes when data came back. */
ex_verdict ex_attempt_judge(ex_attempt *a);
/* Fills ev with the attempt as an OCSF Compliance Finding.  ZW_ENOMEM. */
int ex_attempt_event(const ex_attempt *a, const char *server_text, int64_t time_ms, zw_event *ev);

/* FNV-1a 64 as 16 hex digits + NUL. */
void ex_uid(char out[17], const char *const *parts, size_t nparts);

#endif
