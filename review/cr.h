/*
 * cr.h - configuration review (`zonewarden config-review`): reads the configuration
 * of an authoritative DNS server (BIND named.conf, Knot knot.conf, NSD nsd.conf,
 * PowerDNS pdns.conf), resolves what each zone is effectively allowed to do after
 * inheritance (options -> view -> zone in BIND, template -> zone in Knot, pattern ->
 * zone in NSD, server-wide in PowerDNS) into one model (cr_config), and checks that
 * model against security-focused guidance (cr_check), one finding per check, passing
 * checks included, so the output is audit evidence.
 *
 * Not for: running servers or probing them (exposure/ex_xfer.c does that), nor
 * validating every option of a server: only what the checks read is interpreted, the
 * rest is parsed for syntax and skipped.
 *
 * Ownership: cr_config_read returns a config the caller frees with cr_config_destroy
 * (NULL is a no-op); every string inside lives in the config's arena.  A cr_report
 * borrows the config (and the inventory), which must outlive it.  Nothing here prints.
 */
#ifndef CR_H
#define CR_H

#include "../common/zw_arena.h"
#include "../common/zw_buf.h"
#include "../common/zw_common.h"
#include "../common/zw_event.h"
#include "../normalizer/nz_inventory.h"

#include <stddef.h>
#include <stdint.h>

typedef enum { CR_BIND, CR_KNOT, CR_NSD, CR_PDNS, CR__SERVERS } cr_server;

/* Where a setting was written; file NULL and line 0 for a built-in default. */
typedef struct {
    const char *file;
    int line, col;
} cr_pos;

/* One element of an address match list, after acl names are expanded. */
typedef enum {
    CR_E_ANY,  /* every address */
    CR_E_NONE, /* no address */
    CR_E_ADDR, /* an address or prefix ("192.0.2.1", "10.0.0.0/8") */
    CR_E_KEY,  /* any address that signs with key */
    CR_E_NAME  /* a named set the review cannot resolve (localhost, localnets) */
} cr_elem_kind;

typedef struct {
    cr_elem_kind kind;
    int neg;          /* "!" (BIND), deny: true (Knot), BLOCKED (NSD) */
    const char *addr; /* CR_E_ADDR: the text; CR_E_NAME: the name */
    const char *key;  /* required TSIG key (CR_E_KEY, or an address that also needs a key) */
} cr_elem;

/* An effective list: the elements, and where (and at which level) it was set. */
typedef struct {
    cr_elem *e;
    size_t n;
    int set;           /* 0: the server's built-in default applies */
    const char *scope; /* "zone", "view NAME", "options", "template ID", "pattern NAME",
                          "server", "default" */
    const char *text;  /* the setting as written (or the default, described) */
    cr_pos pos;
} cr_acl;

typedef struct {
    const char *name; /* lower-case, no trailing dot */
    const char *view; /* BIND view, or NULL */
    int secondary;    /* type secondary / slave (receives NOTIFY) */
    cr_pos pos;
    cr_acl transfer, update, notify;
} cr_zone;

typedef struct {
    const char *name, *algorithm; /* algorithm lower-case as written ("hmac-md5") */
    size_t secret_bytes;          /* decoded length; 0 when absent or not base64 */
    cr_pos pos;
} cr_key;

/* A single server-wide setting. */
typedef struct {
    const char *value; /* as written; NULL when not set */
    cr_pos pos;
} cr_setting;

/* What is logged of one event class: where, or NULL when nothing. */
typedef struct {
    const char *how; /* "category xfer-out -> channel x", "category default", "dnstap", ... */
    cr_pos pos;
} cr_logged;

enum { CR_LOG_TRANSFER, CR_LOG_SECURITY, CR_LOG_UPDATE, CR_LOG__COUNT };

/* Disclosure of an identity answer (CH TXT version.bind / hostname.bind / id.server). */
enum { CR_ID_VERSION, CR_ID_HOSTNAME, CR_ID_SERVERID, CR__IDS };

typedef struct {
    int disclosed;    /* answered with the real value */
    const char *text; /* the effective setting */
    cr_pos pos;
} cr_ident;

typedef struct {
    int64_t line, col;
    const char *file;
    const char *msg;
} cr_diag;

typedef struct {
    zw_arena *arena;
    cr_server server;
    const char *path; /* the file named on the command line */
    cr_zone *zones;
    size_t nzones, capzones;
    cr_key *keys;
    size_t nkeys, capkeys;
    /* recursion: on (1), its client list; recursion_na: the server cannot recurse */
    int recursion, recursion_na;
    cr_acl recursion_clients;
    cr_setting recursion_set;
    cr_ident ident[CR__IDS];
    cr_logged logged[CR_LOG__COUNT];
    int update_na; /* the server has no dynamic update (NSD; PowerDNS with dnsupdate=no) */
    cr_diag *diag;
    size_t ndiag, capdiag;
    size_t files; /* files read (includes counted) */
} cr_config;

/* ---------------------------------------------------------------- reading */

/* "bind", "knot", "nsd", "pdns" -> server; -1 when unknown. */
int cr_server_parse(const char *s);
const char *cr_server_name(cr_server s);
/* Guesses the syntax of a configuration text; -1 when none fits. */
int cr_detect(const char *p, size_t n);

/* Reads the configuration at path (type < 0: detected).  Syntax errors are kept as
 * diagnostics (file:line:col) and reading goes on where it can.  Returns ZW_OK,
 * ZW_EINVAL when there were diagnostics (*out is still set), ZW_EIO / ZW_EINVAL with
 * errstr when the file cannot be read or its type not be told.  *out NULL then. */
int cr_config_read(const char *path, int type, cr_config **out, char *errstr, size_t errstr_size);
/* Same over a buffer; name is used as the file name (includes are resolved relative
 * to the current directory and read from disk unless no_includes is set). */
int cr_config_read_mem(const char *p, size_t n, const char *name, int type, int no_includes,
                       cr_config **out, char *errstr, size_t errstr_size);
void cr_config_destroy(cr_config *c);

/* ---------------------------------------------------------------- checks */

typedef enum { CR_PASS = 1, CR_WARN = 2, CR_FAIL = 3 } cr_status;

typedef struct {
    const char *kind;    /* "transfer-open", "update-open", ... */
    cr_status status;    /* compliance status id */
    int severity;        /* ZW_SEV_* (of the failure; Pass findings are informational) */
    const char *zone;    /* NULL for a server-wide check */
    const char *view;    /* NULL unless a BIND view */
    const char *subject; /* key name, identity ("version"), event class, address, or NULL */
    const char *setting; /* the effective setting */
    const char *scope;   /* where it was set ("zone", "options", "default", ...) */
    cr_pos pos;
    const char *detail; /* one sentence */
    char uid[17];
} cr_finding;

typedef struct {
    zw_arena *arena;
    const cr_config *cfg;
    cr_finding *f;
    size_t n, cap;
    size_t by_status[4];
} cr_report;

/* Runs every check over cfg; inv (may be NULL) adds the approved-secondary checks.
 * NULL on out-of-memory.  The report borrows cfg and inv. */
cr_report *cr_check(const cr_config *cfg, const nz_inventory *inv);
void cr_report_destroy(cr_report *r);

/* Fills ev (cleared, with an arena) with finding i as an OCSF Compliance Finding. */
int cr_finding_event(const cr_report *r, size_t i, int64_t time_ms, zw_event *ev);
/* Appends a terminal table of the findings and a summary line. */
int cr_report_table(const cr_report *r, zw_buf *b);
/* Appends a self-contained HTML report of one or more reports (the exposure style). */
int cr_report_html(cr_report *const *r, size_t n, int64_t time_ms, zw_buf *b);

/* Status names: "pass", "warning", "fail". */
const char *cr_status_name(cr_status s);

/* ---------------------------------------------------------------- model helpers */

/* Does the element list let an unsigned request from an arbitrary outside address
 * through (first match wins, as in BIND and Knot)?  1 / 0. */
int cr_acl_open(const cr_acl *a);
/* Does it allow some request at all (any positive element)?  1 / 0. */
int cr_acl_allows_some(const cr_acl *a);
/* Is text an address / prefix, and is a inside (or equal to) prefix p?  1 / 0 / -1
 * when either is not an address. */
int cr_cidr_contains(const char *p, const char *a);

#endif
