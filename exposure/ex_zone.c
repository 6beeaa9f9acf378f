/*
 * ex_zone.c - the flat record list the exposure analyser reads, and its loaders for
 * RFC 1035 zone files (ldns, every error kept with its line number) and for managed-DNS
 * provider listings (Route 53, Azure, GCP, Cloudflare JSON via libfastjson).
 *
 * Not for: judging records (ex_analyze.c) or transfers (ex_xfer.c builds zones from
 * AXFR through ex_zone_add_ldns below).
 */
#include "ex.h"
#include "ex_internal.h"

#include "../common/zw_json.h"

#include <ctype.h>
#include <errno.h>
#include <ldns/ldns.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EX_MAX_DIAGS 1000

ex_zone *ex_zone_new(const char *origin, const char *source, const char *kind)
{
    ex_zone *z = calloc(1, sizeof *z);
    if (!z) {
        return NULL;
    }
    z->arena = zw_arena_new(0);
    if (!z->arena) {
        free(z);
        return NULL;
    }
    z->origin = ex_dname_dup(z->arena, origin ? origin : "", origin ? strlen(origin) : 0);
    z->source = zw_arena_strndup(z->arena, source ? source : "", source ? strlen(source) : 0);
    z->kind = zw_arena_strndup(z->arena, kind ? kind : "", kind ? strlen(kind) : 0);
    if (!z->origin || !z->source || !z->kind) {
        ex_zone_destroy(z);
        return NULL;
    }
    return z;
}

void ex_zone_destroy(ex_zone *z)
{
    if (!z) {
        return;
    }
    free(z->rr);
    free(z->diag);
    zw_arena_destroy(z->arena);
    free(z);
}

/* Lower-cased copy without the trailing dot; "\052" (Route 53's escaped '*') becomes '*'. */
char *ex_dname_dup(zw_arena *a, const char *p, size_t n)
{
    char *s = zw_arena_alloc(a, n + 1);
    if (!s) {
        return NULL;
    }
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\\' && i + 3 < n && p[i + 1] == '0' && p[i + 2] == '5' && p[i + 3] == '2') {
            s[j++] = '*';
            i += 3;
            continue;
        }
        s[j++] = (char)tolower((unsigned char)p[i]);
    }
    if (j > 1 && s[j - 1] == '.') {
        j--;
    }
    s[j] = '\0';
    return s;
}

static int is_name_type(const char *t)
{
    static const char *const names[] = {"CNAME", "DNAME", "NS",    "PTR",
                                        "MX",    "SRV",   "ALIAS", "ANAME"};
    for (size_t i = 0; i < ZW_ARRAY_LEN(names); i++) {
        if (strcasecmp(t, names[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

int ex_zone_add(ex_zone *z, const char *owner, size_t on, const char *type, uint32_t ttl,
                const char *value, size_t vn, int alias, int64_t line)
{
    if (z->n == z->cap) {
        size_t nc = z->cap ? z->cap * 2 : 64;
        ex_rr *nr = realloc(z->rr, nc * sizeof *nr);
        if (!nr) {
            return ZW_ENOMEM;
        }
        z->rr = nr;
        z->cap = nc;
    }
    ex_rr *r = &z->rr[z->n];
    r->owner = ex_dname_dup(z->arena, owner, on);
    char *t = zw_arena_strndup(z->arena, type, strlen(type));
    if (t) {
        for (char *q = t; *q; q++) {
            *q = (char)toupper((unsigned char)*q);
        }
    }
    r->type = t;
    r->value = (alias || is_name_type(type)) ? ex_dname_dup(z->arena, value, vn)
                                             : zw_arena_strndup(z->arena, value, vn);
    if (!r->owner || !r->type || !r->value) {
        return ZW_ENOMEM;
    }
    r->ttl = ttl;
    r->alias = alias;
    r->line = line;
    r->first_seen_ms = r->last_seen_ms = 0;
    r->seen_count = 0;
    z->n++;
    return ZW_OK;
}

int ex_zone_diag(ex_zone *z, int64_t line, const char *fmt, ...)
{
    if (z->ndiag >= EX_MAX_DIAGS) {
        return ZW_OK; /* counted by the caller's status; the list is capped */
    }
    if (z->ndiag == z->capdiag) {
        size_t nc = z->capdiag ? z->capdiag * 2 : 16;
        ex_diag *nd = realloc(z->diag, nc * sizeof *nd);
        if (!nd) {
            return ZW_ENOMEM;
        }
        z->diag = nd;
        z->capdiag = nc;
    }
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    const char *m = zw_arena_strndup(z->arena, tmp, strlen(tmp));
    if (!m) {
        return ZW_ENOMEM;
    }
    z->diag[z->ndiag].line = line;
    z->diag[z->ndiag].msg = m;
    z->ndiag++;
    return ZW_OK;
}

/* The rdata field that carries a record's value (see ex_rr.value); -1: all fields. */
static int value_field(ldns_rr_type t)
{
    switch (t) {
    case LDNS_RR_TYPE_MX:
        return 1;
    case LDNS_RR_TYPE_SRV:
        return 3;
    case LDNS_RR_TYPE_A:
    case LDNS_RR_TYPE_AAAA:
    case LDNS_RR_TYPE_CNAME:
    case LDNS_RR_TYPE_DNAME:
    case LDNS_RR_TYPE_NS:
    case LDNS_RR_TYPE_PTR:
        return 0;
    default:
        return -1;
    }
}

int ex_zone_add_ldns(ex_zone *z, const ldns_rr *rr, int64_t line)
{
    int rc = ZW_ENOMEM;
    char *owner = ldns_rdf2str(ldns_rr_owner(rr));
    char *type = ldns_rr_type2str(ldns_rr_get_type(rr));
    zw_buf v;
    zw_buf_init(&v);
    if (!owner || !type) {
        goto out;
    }
    ldns_rr_type t = ldns_rr_get_type(rr);
    int vf = value_field(t);
    if (t == LDNS_RR_TYPE_TXT || t == LDNS_RR_TYPE_SPF) {
        /* character-strings concatenated, raw bytes (length-prefixed in rdata) */
        for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
            const ldns_rdf *f = ldns_rr_rdf(rr, i);
            const uint8_t *d = ldns_rdf_data(f);
            size_t dn = ldns_rdf_size(f);
            if (dn >= 1 && (size_t)d[0] + 1 <= dn && zw_buf_append(&v, d + 1, d[0])) {
                goto out;
            }
        }
    } else if (vf >= 0 && (size_t)vf < ldns_rr_rd_count(rr)) {
        char *s = ldns_rdf2str(ldns_rr_rdf(rr, (size_t)vf));
        if (!s || zw_buf_puts(&v, s)) {
            free(s);
            goto out;
        }
        free(s);
    } else {
        for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
            char *s = ldns_rdf2str(ldns_rr_rdf(rr, i));
            if (!s || (i && zw_buf_putc(&v, ' ')) || zw_buf_puts(&v, s)) {
                free(s);
                goto out;
            }
            free(s);
        }
    }
    rc =
        ex_zone_add(z, owner, strlen(owner), type, ldns_rr_ttl(rr), v.p ? v.p : "", v.len, 0, line);
out:
    free(owner);
    free(type);
    zw_buf_free(&v);
    return rc;
}

/* "dir/db.example.test" -> "example.test"; "example.test.zone" -> "example.test". */
static void origin_from_path(const char *path, char *out, size_t outn)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    if (strncmp(b, "db.", 3) == 0) {
        b += 3;
    }
    snprintf(out, outn, "%s", b);
    static const char *const suffixes[] = {".zone", ".db", ".hosts", ".txt"};
    for (size_t i = 0; i < ZW_ARRAY_LEN(suffixes); i++) {
        size_t l = strlen(out), sl = strlen(suffixes[i]);
        if (l > sl && strcmp(out + l - sl, suffixes[i]) == 0) {
            out[l - sl] = '\0';
            break;
        }
    }
}

/* Reads records from fp into a new zone named by path (the source). */
static int read_fp(FILE *fp, const char *path, const char *origin, ex_zone **out, char *errstr,
                   size_t errstr_size)
{
    int rc = ZW_OK;
    ldns_rdf *orig = NULL, *prev = NULL;
    ex_zone *z = ex_zone_new(origin, path, "zone-file");
    *out = NULL;
    if (!z) {
        return zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
    }
    char fq[300];
    snprintf(fq, sizeof fq, "%s.", z->origin);
    orig = ldns_dname_new_frm_str(fq);
    if (!orig) {
        rc = zw_errf(errstr, errstr_size, ZW_EINVAL, "bad origin '%s'", origin);
        goto out;
    }
    uint32_t ttl = 3600;
    int line = 0, last_line = -1, stuck = 0;
    while (!feof(fp)) {
        ldns_rr *rr = NULL;
        int before = line;
        ldns_status st = ldns_rr_new_frm_fp_l(&rr, fp, &ttl, &orig, &prev, &line);
        if (st == LDNS_STATUS_OK) {
            int64_t at = line > before ? before + 1 : line; /* first line of the record */
            int arc = ex_zone_add_ldns(z, rr, at);
            ldns_rr_free(rr);
            if (arc) {
                rc = zw_errf(errstr, errstr_size, arc, "out of memory");
                goto out;
            }
        } else if (st == LDNS_STATUS_SYNTAX_EMPTY || st == LDNS_STATUS_SYNTAX_TTL ||
                   st == LDNS_STATUS_SYNTAX_ORIGIN) {
            /* blank line, comment, $TTL, $ORIGIN: ldns applied them */
        } else if (st == LDNS_STATUS_SYNTAX_INCLUDE) {
            ex_zone_diag(z, line, "$INCLUDE is not supported; include the file's records directly");
        } else {
            ex_zone_diag(z, line, "%s", ldns_get_errorstr_by_id(st));
        }
        /* guard: ldns always consumes input, but never loop on a line that does not move */
        if (line == last_line && !feof(fp) && ++stuck > 3) {
            ex_zone_diag(z, line, "reader made no progress; stopped");
            break;
        }
        if (line != last_line) {
            stuck = 0;
        }
        last_line = line;
    }
    if (ferror(fp)) {
        rc = zw_errf(errstr, errstr_size, ZW_EIO, "%s: read error", path);
        goto out;
    }
    if (z->ndiag) {
        rc = zw_errf(errstr, errstr_size, ZW_EINVAL, "%s: %zu error(s)", path, z->ndiag);
    }
out:
    ldns_rdf_deep_free(orig);
    ldns_rdf_deep_free(prev);
    if (rc == ZW_OK || rc == ZW_EINVAL) {
        *out = z;
    } else {
        ex_zone_destroy(z);
    }
    return rc;
}

int ex_zone_read_file(const char *path, const char *origin, ex_zone **out, char *errstr,
                      size_t errstr_size)
{
    char obuf[256];
    *out = NULL;
    FILE *fp = fopen(path, "r");
    if (!fp) {
        return zw_errf(errstr, errstr_size, ZW_EIO, "%s: %s", path, strerror(errno));
    }
    if (!origin) {
        origin_from_path(path, obuf, sizeof obuf);
        origin = obuf;
    }
    int rc = read_fp(fp, path, origin, out, errstr, errstr_size);
    fclose(fp);
    return rc;
}

int ex_zone_read_mem(const char *p, size_t n, const char *name, const char *origin, ex_zone **out,
                     char *errstr, size_t errstr_size)
{
    *out = NULL;
    if (n == 0) {
        ex_zone *z = ex_zone_new(origin, name, "zone-file");
        *out = z;
        return z ? ZW_OK : zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
    }
    FILE *fp = fmemopen((void *)p, n, "r");
    if (!fp) {
        return zw_errf(errstr, errstr_size, ZW_ENOMEM, "fmemopen: %s", strerror(errno));
    }
    int rc = read_fp(fp, name, origin, out, errstr, errstr_size);
    fclose(fp);
    return rc;
}

/* ------------------------------------------------------------ provider exports */

/* TXT content as providers show it: "\"a\" \"b\"" -> ab (escapes resolved), or bare text. */
static int txt_unquote(const char *p, size_t n, zw_buf *out)
{
    size_t i = 0;
    while (i < n && isspace((unsigned char)p[i])) {
        i++;
    }
    if (i >= n || p[i] != '"') {
        return zw_buf_append(out, p, n);
    }
    while (i < n) {
        if (p[i] != '"') {
            i++;
            continue;
        }
        i++;
        while (i < n && p[i] != '"') {
            if (p[i] == '\\' && i + 1 < n) {
                i++;
            }
            if (zw_buf_putc(out, p[i])) {
                return ZW_ENOMEM;
            }
            i++;
        }
        i++;
    }
    return ZW_OK;
}

int ex_zone_add_text(ex_zone *z, const char *owner, const char *type, int64_t ttl,
                     const char *val, size_t vn, int64_t idx)
{
    if (strcasecmp(type, "TXT") == 0 || strcasecmp(type, "SPF") == 0) {
        zw_buf b;
        zw_buf_init(&b);
        int rc = txt_unquote(val, vn, &b);
        if (!rc) {
            rc = ex_zone_add(z, owner, strlen(owner), type, (uint32_t)ttl, b.p ? b.p : "", b.len, 0,
                             idx);
        }
        zw_buf_free(&b);
        return rc;
    }
    /* MX "10 mx.example." / SRV "0 5 443 target." keep only the target name */
    if (strcasecmp(type, "MX") == 0 || strcasecmp(type, "SRV") == 0) {
        const char *sp = NULL;
        for (size_t i = vn; i > 0; i--) {
            if (isspace((unsigned char)val[i - 1])) {
                sp = val + i;
                break;
            }
        }
        if (sp) {
            vn -= (size_t)(sp - val);
            val = sp;
        }
    }
    return ex_zone_add(z, owner, strlen(owner), type, (uint32_t)ttl, val, vn, 0, idx);
}

static const char *jstr(fjson_object *o, const char *key)
{
    fjson_object *v = zw_jget_ci(o, key);
    return v && fjson_object_is_type(v, fjson_type_string) ? fjson_object_get_string(v) : NULL;
}

/* Length of a JSON array; 0 for anything else (input may put a string where a list goes). */
static size_t alen(fjson_object *a)
{
    return a && fjson_object_is_type(a, fjson_type_array) ? (size_t)fjson_object_array_length(a)
                                                          : 0;
}

static int64_t jint(fjson_object *o, const char *key)
{
    fjson_object *v = zw_jget_ci(o, key);
    return v ? fjson_object_get_int64(v) : 0;
}

/* Route 53: {"ResourceRecordSets":[{"Name","Type","TTL","ResourceRecords":[{"Value"}],
 * "AliasTarget":{"DNSName"}}]} -- one record set. */
static int rec_route53(ex_zone *z, fjson_object *s, size_t i)
{
    const char *name = jstr(s, "Name"), *type = jstr(s, "Type");
    if (!name || !type) {
        ex_zone_diag(z, (int64_t)i + 1, "record set without Name/Type");
        return ZW_OK;
    }
    int64_t ttl = jint(s, "TTL");
    fjson_object *rrs = zw_jget(s, "ResourceRecords");
    fjson_object *alias = zw_jget(s, "AliasTarget");
    const char *dn = alias ? jstr(alias, "DNSName") : NULL;
    if (dn) {
        if (ex_zone_add(z, name, strlen(name), type, (uint32_t)ttl, dn, strlen(dn), 1,
                        (int64_t)i + 1)) {
            return ZW_ENOMEM;
        }
    }
    size_t m = alen(rrs);
    for (size_t j = 0; j < m; j++) {
        const char *v = jstr(fjson_object_array_get_idx(rrs, j), "Value");
        if (v && ex_zone_add_text(z, name, type, ttl, v, strlen(v), (int64_t)i + 1)) {
            return ZW_ENOMEM;
        }
    }
    if (!dn && !m) {
        ex_zone_diag(z, (int64_t)i + 1, "record set %s %s has no values", name, type);
    }
    return ZW_OK;
}

/* GCP: [{"kind":"dns#resourceRecordSet","name","type","ttl","rrdatas":[...]}] */
static int rec_gcp(ex_zone *z, fjson_object *s, size_t i)
{
    const char *name = jstr(s, "name"), *type = jstr(s, "type");
    fjson_object *rd = zw_jget(s, "rrdatas");
    if (!name || !type || !rd) {
        ex_zone_diag(z, (int64_t)i + 1, "record set without name/type/rrdatas");
        return ZW_OK;
    }
    int64_t ttl = jint(s, "ttl");
    for (size_t j = 0; j < alen(rd); j++) {
        fjson_object *v = fjson_object_array_get_idx(rd, j);
        const char *vs = fjson_object_get_string(v);
        if (vs && ex_zone_add_text(z, name, type, ttl, vs, strlen(vs), (int64_t)i + 1)) {
            return ZW_ENOMEM;
        }
    }
    return ZW_OK;
}

/* Cloudflare: {"result":[{"name","type","content","ttl","priority"}]}; the first record's
 * zone_name is the origin when none was given. */
static int rec_cloudflare(ex_zone *z, fjson_object *s, size_t i)
{
    const char *name = jstr(s, "name"), *type = jstr(s, "type"), *c = jstr(s, "content");
    if (i == 0 && !z->origin[0]) {
        const char *zn = jstr(s, "zone_name");
        if (zn) {
            z->origin = ex_dname_dup(z->arena, zn, strlen(zn));
            if (!z->origin) {
                return ZW_ENOMEM;
            }
        }
    }
    if (!name || !type || !c) {
        ex_zone_diag(z, (int64_t)i + 1, "record without name/type/content");
        return ZW_OK;
    }
    return ex_zone_add_text(z, name, type, jint(s, "ttl"), c, strlen(c), (int64_t)i + 1);
}

/* Azure: the values of one record list entry, joined (a TXT value is a list). */
static int azure_value(fjson_object *v, zw_buf *b)
{
    if (fjson_object_is_type(v, fjson_type_array)) { /* TXT value: ["a","b"] */
        for (size_t q = 0; q < (size_t)fjson_object_array_length(v); q++) {
            const char *ps = fjson_object_get_string(fjson_object_array_get_idx(v, q));
            if (ps && zw_buf_puts(b, ps)) {
                return ZW_ENOMEM;
            }
        }
        return ZW_OK;
    }
    const char *ps = fjson_object_get_string(v);
    return ps && zw_buf_puts(b, ps) ? ZW_ENOMEM : ZW_OK;
}

/* Azure: [{"name","fqdn","type":"Microsoft.Network/dnszones/A","TTL",
 * "ARecords":[{"ipv4Address"}], "CNAMERecord":{"cname"}, ...}]  (key case varies). */
static int rec_azure(ex_zone *z, fjson_object *s, size_t i)
{
    static const struct {
        const char *type, *list, *field;
    } m[] = {
        {"A", "ARecords", "ipv4Address"},  {"AAAA", "AAAARecords", "ipv6Address"},
        {"MX", "MXRecords", "exchange"},   {"NS", "NSRecords", "nsdname"},
        {"PTR", "PTRRecords", "ptrdname"}, {"SRV", "SRVRecords", "target"},
        {"TXT", "TXTRecords", "value"},    {"CNAME", "CNAMERecord", "cname"},
        {"CAA", "caaRecords", "value"},
    };
    const char *fqdn = jstr(s, "fqdn"), *t = jstr(s, "type");
    if (!fqdn || !t) {
        ex_zone_diag(z, (int64_t)i + 1, "record set without fqdn/type");
        return ZW_OK;
    }
    const char *slash = strrchr(t, '/');
    const char *type = slash ? slash + 1 : t;
    int64_t ttl = jint(s, "TTL");
    for (size_t k = 0; k < ZW_ARRAY_LEN(m); k++) {
        fjson_object *l = strcasecmp(type, m[k].type) == 0 ? zw_jget_ci(s, m[k].list) : NULL;
        if (!l) {
            continue;
        }
        int isarr = fjson_object_is_type(l, fjson_type_array);
        size_t cnt = isarr ? (size_t)fjson_object_array_length(l) : 1;
        for (size_t j = 0; j < cnt; j++) {
            fjson_object *v = zw_jget_ci(isarr ? fjson_object_array_get_idx(l, j) : l, m[k].field);
            if (!v) {
                continue;
            }
            zw_buf b;
            zw_buf_init(&b);
            int rc = azure_value(v, &b);
            if (!rc) {
                rc = ex_zone_add(z, fqdn, strlen(fqdn), type, (uint32_t)ttl, b.p ? b.p : "", b.len,
                                 0, (int64_t)i + 1);
            }
            zw_buf_free(&b);
            if (rc) {
                return rc;
            }
        }
    }
    fjson_object *tr = zw_jget_ci(s, "targetResource");
    const char *tid = tr ? jstr(tr, "id") : NULL;
    if (tid && *tid) {
        /* Azure alias record set: the target is a resource id, not a name */
        if (ex_zone_add(z, fqdn, strlen(fqdn), type, (uint32_t)ttl, tid, strlen(tid), 0,
                        (int64_t)i + 1)) {
            return ZW_ENOMEM;
        }
    }
    return ZW_OK;
}

/* Origin guess: the SOA owner, else the shortest owner name. */
static void guess_origin(ex_zone *z)
{
    if (z->origin[0]) {
        return;
    }
    const char *best = NULL;
    for (size_t i = 0; i < z->n; i++) {
        if (strcmp(z->rr[i].type, "SOA") == 0) {
            best = z->rr[i].owner;
            break;
        }
        if (!best || strlen(z->rr[i].owner) < strlen(best)) {
            best = z->rr[i].owner;
        }
    }
    if (best) {
        z->origin = best;
    }
}

/* Provider exports are read without a DOM of the whole document (a 107 MB export made a
 * 2.5 GB DOM): a scanner finds value boundaries (strings, nesting), the record list's
 * elements are parsed one at a time with libfastjson and freed, and the small other
 * top-level values are parsed only to validate them. */

static size_t skip_ws(const char *p, size_t n, size_t i)
{
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r')) {
        i++;
    }
    return i;
}

/* Moves *i from the first byte of a JSON value to just after it.  0, or -1 when the
 * value does not end (unterminated string, unbalanced brackets). */
static int skip_value(const char *p, size_t n, size_t *i)
{
    size_t k = *i;
    int depth = 0;
    if (k >= n) {
        return -1;
    }
    do {
        char c = p[k];
        if (c == '"') {
            for (k++; k < n && p[k] != '"'; k++) {
                k += p[k] == '\\';
            }
            if (k >= n) {
                return -1;
            }
            k++;
        } else if (c == '{' || c == '[') {
            depth++;
            k++;
        } else if (c == '}' || c == ']') {
            if (--depth < 0) {
                return -1;
            }
            k++;
        } else if (depth == 0) {
            while (k < n && !strchr(",}] \t\r\n", p[k])) {
                k++; /* a scalar */
            }
        } else {
            k++;
        }
    } while (depth > 0 && k < n);
    if (depth) {
        return -1;
    }
    *i = k;
    return 0;
}

/* Parses p[0..n) as one JSON value; NULL with the reason in *why. */
static fjson_object *parse_one(fjson_tokener *tok, const char *p, size_t n, const char **why)
{
    char num[72];
    fjson_tokener_reset(tok);
    if (n && !strchr("{[\"", p[0])) {
        /* a number or literal only ends for the tokener at a following byte */
        if (n > 64) {
            *why = "value too long for a number or literal";
            return NULL;
        }
        memcpy(num, p, n);
        num[n++] = ' ';
        p = num;
    }
    fjson_object *o = n <= INT_MAX ? fjson_tokener_parse_ex(tok, p, (int)n) : NULL;
    enum fjson_tokener_error je = fjson_tokener_get_error(tok);
    if (!o || je != fjson_tokener_success) {
        fjson_object_put(o);
        *why = n > INT_MAX ? "value too large" : fjson_tokener_error_desc(je);
        return NULL;
    }
    return o;
}

typedef struct {
    const char *p;
    size_t n;
    fjson_tokener *tok;
    size_t arr, arr_end; /* the record list: '[' .. after ']' */
    const char *kind;
    char err[160];
} export_scan;

/* Top-level object: finds the record list by its key (ResourceRecordSets, result,
 * rrsets, value, in that order) and validates every other member.  0 or -1 (err). */
static int scan_object(export_scan *x, size_t i)
{
    static const char *const keys[] = {"ResourceRecordSets", "result", "rrsets", "value"};
    static const char *const kinds[] = {"route53", "cloudflare", "gcp", "azure"};
    size_t found[4] = {0, 0, 0, 0}, found_end[4] = {0, 0, 0, 0};
    const char *why;
    i = skip_ws(x->p, x->n, i + 1);
    while (i < x->n && x->p[i] != '}') {
        size_t k = i, v;
        if (x->p[i] != '"' || skip_value(x->p, x->n, &i)) {
            snprintf(x->err, sizeof x->err, "object key expected at byte %zu", k);
            return -1;
        }
        size_t klen = i - k - 2; /* between the quotes, escapes as written */
        i = skip_ws(x->p, x->n, i);
        if (i >= x->n || x->p[i] != ':') {
            snprintf(x->err, sizeof x->err, "':' expected at byte %zu", i);
            return -1;
        }
        v = i = skip_ws(x->p, x->n, i + 1);
        if (skip_value(x->p, x->n, &i)) {
            snprintf(x->err, sizeof x->err, "value at byte %zu does not end", v);
            return -1;
        }
        int which = -1;
        for (int q = 0; q < 4 && x->p[v] == '['; q++) {
            if (!found[q] && klen == strlen(keys[q]) && !memcmp(x->p + k + 1, keys[q], klen)) {
                which = q;
            }
        }
        if (which >= 0) {
            found[which] = v + 1; /* +1: 0 means none */
            found_end[which] = i;
        } else {
            fjson_object *o = parse_one(x->tok, x->p + v, i - v, &why);
            if (!o) {
                snprintf(x->err, sizeof x->err, "byte %zu: %s", v, why);
                return -1;
            }
            fjson_object_put(o);
        }
        i = skip_ws(x->p, x->n, i);
        if (i < x->n && x->p[i] == ',') {
            i = skip_ws(x->p, x->n, i + 1);
        } else if (i >= x->n || x->p[i] != '}') {
            snprintf(x->err, sizeof x->err, "',' or '}' expected at byte %zu", i);
            return -1;
        }
    }
    if (i >= x->n) {
        snprintf(x->err, sizeof x->err, "unexpected end of input");
        return -1;
    }
    for (int q = 0; q < 4; q++) {
        if (found[q]) {
            x->arr = found[q] - 1;
            x->arr_end = found_end[q];
            x->kind = kinds[q];
            return 0;
        }
    }
    return 0; /* no record list: no known format */
}

/* Kind of a bare array from its first record. */
static const char *array_kind(fjson_object *first)
{
    const char *t = first ? jstr(first, "type") : NULL;
    if (!first) {
        return "empty";
    }
    if (zw_jget(first, "rrdatas")) {
        return "gcp";
    }
    if (t && strncmp(t, "Microsoft.Network/", 18) == 0) {
        return "azure";
    }
    if (zw_jget(first, "content")) {
        return "cloudflare";
    }
    if (zw_jget(first, "ResourceRecords")) {
        return "route53";
    }
    return NULL;
}

/* Reads the record list x->arr..x->arr_end into *out (created at the first record, when
 * the kind is known).  0, ZW_EINVAL (x->err) or ZW_ENOMEM. */
static int scan_records(export_scan *x, const char *name, const char *origin, ex_zone **out)
{
    size_t i = skip_ws(x->p, x->arr_end, x->arr + 1), idx = 0;
    const char *why;
    while (i < x->arr_end && x->p[i] != ']') {
        size_t e = i;
        if (skip_value(x->p, x->arr_end, &e)) {
            snprintf(x->err, sizeof x->err, "record %zu at byte %zu does not end", idx + 1, i);
            return ZW_EINVAL;
        }
        fjson_object *o = parse_one(x->tok, x->p + i, e - i, &why);
        if (!o) {
            snprintf(x->err, sizeof x->err, "record %zu at byte %zu: %s", idx + 1, i, why);
            return ZW_EINVAL;
        }
        if (!*out) {
            x->kind = x->kind ? x->kind : array_kind(o);
            if (!x->kind || !(*out = ex_zone_new(origin, name, x->kind))) {
                fjson_object_put(o);
                return x->kind ? ZW_ENOMEM : ZW_NOMATCH;
            }
        }
        int rc = !strcmp(x->kind, "route53")      ? rec_route53(*out, o, idx)
                 : !strcmp(x->kind, "gcp")        ? rec_gcp(*out, o, idx)
                 : !strcmp(x->kind, "cloudflare") ? rec_cloudflare(*out, o, idx)
                                                  : rec_azure(*out, o, idx);
        fjson_object_put(o);
        if (rc) {
            return rc;
        }
        idx++;
        i = skip_ws(x->p, x->arr_end, e);
        if (i < x->arr_end && x->p[i] == ',') {
            i = skip_ws(x->p, x->arr_end, i + 1);
        } else if (i >= x->arr_end || x->p[i] != ']') {
            snprintf(x->err, sizeof x->err, "',' or ']' expected at byte %zu", i);
            return ZW_EINVAL;
        }
    }
    if (!*out && !(*out = ex_zone_new(origin, name, x->kind ? x->kind : "empty"))) {
        return ZW_ENOMEM;
    }
    return ZW_OK;
}

int ex_zone_read_export_mem(const char *p, size_t n, const char *name, const char *origin,
                            ex_zone **out, char *errstr, size_t errstr_size)
{
    export_scan x;
    ex_zone *z = NULL;
    int rc = ZW_OK;
    *out = NULL;
    memset(&x, 0, sizeof x);
    x.p = p;
    x.n = n;
    if (!(x.tok = fjson_tokener_new())) {
        return zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
    }
    size_t i = skip_ws(p, n, 0);
    if (i < n && p[i] == '{') {
        rc = scan_object(&x, i) ? ZW_EINVAL : ZW_OK;
    } else if (i < n && p[i] == '[') {
        x.arr = i;
        x.arr_end = i;
        rc = skip_value(p, n, &x.arr_end) ? ZW_EINVAL : ZW_OK;
        if (rc) {
            snprintf(x.err, sizeof x.err, "the list does not end");
        }
    } else {
        rc = ZW_EINVAL;
        snprintf(x.err, sizeof x.err, "no JSON object or list at byte %zu", i);
    }
    if (rc == ZW_OK && !x.arr_end) {
        rc = ZW_NOMATCH; /* an object without a record list */
    }
    if (rc == ZW_OK) {
        rc = scan_records(&x, name, origin, &z);
    }
    fjson_tokener_free(x.tok);
    if (rc) {
        ex_zone_destroy(z);
        return rc == ZW_ENOMEM ? zw_errf(errstr, errstr_size, rc, "out of memory")
               : rc == ZW_NOMATCH
                   ? zw_errf(errstr, errstr_size, ZW_EINVAL,
                             "%s: JSON of no known provider format (want Route 53, Azure, GCP "
                             "or Cloudflare record listings)",
                             name)
                   : zw_errf(errstr, errstr_size, ZW_EINVAL, "%s: not a JSON document (%s)", name,
                             x.err);
    }
    guess_origin(z);
    *out = z;
    if (z->ndiag) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "%s: %zu error(s)", name, z->ndiag);
    }
    return ZW_OK;
}

int ex_zone_read_export(const char *path, const char *origin, ex_zone **out, char *errstr,
                        size_t errstr_size)
{
    *out = NULL;
    zw_buf b;
    zw_buf_init(&b);
    int rc = zw_buf_read_file(&b, path, errstr, errstr_size);
    if (rc == ZW_OK) {
        rc = ex_zone_read_export_mem(b.p ? b.p : "", b.len, path, origin, out, errstr, errstr_size);
    }
    zw_buf_free(&b);
    return rc;
}
