/*
 * ex_analyze.c - what a zone discloses: third-party providers (MX, SPF include and
 * redirect, TXT verification tokens, CNAME / NS / SRV targets), external targets no
 * fingerprint knows, remote-access and admin host names, wildcard owners, private
 * addresses in public data, and CNAMEs into takeover-prone cloud namespaces; each
 * classified approved / unknown / unapproved against the inventory.
 *
 * Not for: reading zones (ex_zone.c) or writing reports (ex_report.c).
 */
#include "ex.h"
#include "ex_internal.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *ex_kind_name(ex_kind k)
{
    static const char *const n[EX_K__COUNT] = {"provider",      "third-party", "remote-access",
                                               "admin",         "wildcard",    "private-address",
                                               "takeover-prone", "stale"};
    return k < EX_K__COUNT ? n[k] : "?";
}

const char *ex_kind_title(ex_kind k)
{
    static const char *const n[EX_K__COUNT] = {"Third-party service provider disclosed",
                                               "External service (no fingerprint)",
                                               "Remote-access host name",
                                               "Administration / internal tool host name",
                                               "Wildcard record",
                                               "Private address in public DNS",
                                               "CNAME into takeover-prone cloud namespace",
                                               "Removed name still in passive DNS"};
    return k < EX_K__COUNT ? n[k] : "?";
}

const char *ex_class_name(ex_class c)
{
    static const char *const n[EX_C__COUNT] = {"approved", "unknown", "unapproved"};
    return c < EX_C__COUNT ? n[c] : "?";
}

/* Severity by kind and classification: approved exposure is informational, unknown is
 * worth a look, unapproved is a policy breach; remote access and takeovers rank higher. */
static const int severity[EX_K__COUNT][EX_C__COUNT] = {
    [EX_K_PROVIDER] = {ZW_SEV_INFO, ZW_SEV_LOW, ZW_SEV_MEDIUM},
    [EX_K_THIRD_PARTY] = {ZW_SEV_INFO, ZW_SEV_LOW, ZW_SEV_MEDIUM},
    [EX_K_REMOTE_ACCESS] = {ZW_SEV_INFO, ZW_SEV_MEDIUM, ZW_SEV_HIGH},
    [EX_K_ADMIN] = {ZW_SEV_INFO, ZW_SEV_MEDIUM, ZW_SEV_HIGH},
    [EX_K_WILDCARD] = {ZW_SEV_INFO, ZW_SEV_LOW, ZW_SEV_MEDIUM},
    [EX_K_PRIVATE_ADDR] = {ZW_SEV_INFO, ZW_SEV_LOW, ZW_SEV_MEDIUM},
    [EX_K_TAKEOVER] = {ZW_SEV_LOW, ZW_SEV_MEDIUM, ZW_SEV_HIGH},
    [EX_K_STALE] = {ZW_SEV_INFO, ZW_SEV_LOW, ZW_SEV_MEDIUM},
};

const char *ex_private_range(const char *addr)
{
    unsigned char b[16];
    if (inet_pton(AF_INET, addr, b) == 1) {
        if (b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16) || (b[0] == 192 && b[1] == 168)) {
            return "RFC 1918 private";
        }
        if (b[0] == 127) {
            return "loopback";
        }
        if (b[0] == 169 && b[1] == 254) {
            return "link-local";
        }
        if (b[0] == 100 && (b[1] & 0xc0) == 64) {
            return "shared address space (RFC 6598)";
        }
        if (b[0] == 0) {
            return "this-network (0/8)";
        }
        return NULL;
    }
    if (inet_pton(AF_INET6, addr, b) == 1) {
        static const unsigned char lo[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        if (memcmp(b, lo, 16) == 0) {
            return "loopback";
        }
        if ((b[0] & 0xfe) == 0xfc) {
            return "unique local (ULA)";
        }
        if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) {
            return "link-local";
        }
        static const unsigned char v4m[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (memcmp(b, v4m, 12) == 0) {
            char v4[16];
            inet_ntop(AF_INET, b + 12, v4, sizeof v4);
            return ex_private_range(v4);
        }
    }
    return NULL;
}

void ex_uid(char out[17], const char *const *parts, size_t nparts)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < nparts; i++) {
        for (const char *p = parts[i] ? parts[i] : ""; *p; p++) {
            h ^= (unsigned char)*p;
            h *= 1099511628211ULL;
        }
        h ^= 0x1f; /* separator, so ("ab","c") != ("a","bc") */
        h *= 1099511628211ULL;
    }
    static const char hex[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--) {
        out[i] = hex[h & 15];
        h >>= 4;
    }
    out[16] = '\0';
}

/* (kind, owner) pairs already reported, for the once-per-owner kinds: open addressing,
 * owners are borrowed from the zone. */
typedef struct {
    const char *owner;
    int kind;
} seen_slot;

typedef struct {
    ex_report *r;
    const ex_fp *fp;
    const ex_inv *inv;
    const ex_zone *z;
    seen_slot *seen;
    size_t nseen, capseen;
} actx;

static uint64_t seen_hash(int kind, const char *owner)
{
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)kind;
    for (const char *p = owner; *p; p++) {
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    }
    return h;
}

/* 1 if (k, owner) was seen, 0 after recording it, ZW_ENOMEM. */
static int seen_add(actx *c, ex_kind k, const char *owner)
{
    if ((c->nseen + 1) * 2 > c->capseen) {
        size_t nc = c->capseen ? c->capseen * 2 : 256;
        seen_slot *ns = calloc(nc, sizeof *ns);
        if (!ns) {
            return ZW_ENOMEM;
        }
        for (size_t i = 0; i < c->capseen; i++) {
            if (c->seen[i].owner) {
                size_t j = seen_hash(c->seen[i].kind, c->seen[i].owner) & (nc - 1);
                while (ns[j].owner) {
                    j = (j + 1) & (nc - 1);
                }
                ns[j] = c->seen[i];
            }
        }
        free(c->seen);
        c->seen = ns;
        c->capseen = nc;
    }
    size_t j = seen_hash(k, owner) & (c->capseen - 1);
    while (c->seen[j].owner) {
        if (c->seen[j].kind == (int)k && strcmp(c->seen[j].owner, owner) == 0) {
            return 1;
        }
        j = (j + 1) & (c->capseen - 1);
    }
    c->seen[j].owner = owner;
    c->seen[j].kind = (int)k;
    c->nseen++;
    return 0;
}

static int add(actx *c, ex_kind k, const ex_rr *rr, const char *via, const char *subject,
               size_t subject_n, const ex_provider *prov, const char *category, const char *pattern)
{
    ex_report *r = c->r;
    if (r->n == r->cap) {
        size_t nc = r->cap ? r->cap * 2 : 32;
        ex_finding *nf = realloc(r->f, nc * sizeof *nf);
        if (!nf) {
            return ZW_ENOMEM;
        }
        r->f = nf;
        r->cap = nc;
    }
    ex_finding *f = &r->f[r->n];
    memset(f, 0, sizeof *f);
    f->src = c->z;
    f->kind = k;
    f->rr = rr;
    f->via = via;
    f->subject = zw_arena_strndup(r->arena, subject, subject_n);
    f->provider = prov;
    f->category = category;
    f->pattern = pattern;
    if (!f->subject) {
        return ZW_ENOMEM;
    }
    int provider_kind = k == EX_K_PROVIDER || k == EX_K_THIRD_PARTY;
    f->cls = ex_inv_classify(c->inv, provider_kind, prov ? prov->id : NULL, f->subject, rr->owner,
                             r->arena, &f->reason);
    f->severity = severity[k][f->cls];
    const char *parts[] = {c->z->origin, ex_kind_name(k), rr->owner,
                           rr->type,     f->subject,      prov ? prov->id : ""};
    ex_uid(f->uid, parts, ZW_ARRAY_LEN(parts));
    r->by_class[f->cls]++;
    r->by_kind[k][f->cls]++;
    r->n++;
    return ZW_OK;
}

/* The owner's labels below the zone origin, checked whole and split at '-', '_' and
 * digits: "vpn-gw" -> vpn, "owa2" -> owa, "ssl-vpn" -> ssl-vpn. */
static int check_labels(actx *c, const ex_rr *rr)
{
    const char *o = rr->owner;
    size_t on = strlen(o), zn = strlen(c->z->origin);
    size_t rel = on;
    if (zn && ex_in_domain(o, c->z->origin)) {
        rel = on > zn ? on - zn - 1 : 0;
    }
    size_t i = 0;
    while (i < rel) {
        size_t j = i;
        while (j < rel && o[j] != '.') {
            j++;
        }
        const char *lab = o + i;
        size_t ln = j - i;
        if (ln && lab[0] != '_' && lab[0] != '*') {
            const char *cat = ex_fp_host_label(c->fp, lab, ln);
            const char *tok = lab;
            size_t tn = ln;
            for (size_t a = 0; !cat && a < ln;) {
                while (a < ln && !isalpha((unsigned char)lab[a])) {
                    a++;
                }
                size_t b = a;
                while (b < ln && isalpha((unsigned char)lab[b])) {
                    b++;
                }
                if (b > a && b - a < ln) {
                    cat = ex_fp_host_label(c->fp, lab + a, b - a);
                    tok = lab + a;
                    tn = b - a;
                }
                a = b;
            }
            if (cat) {
                ex_kind k = strcmp(cat, "remote-access") == 0 ? EX_K_REMOTE_ACCESS : EX_K_ADMIN;
                int sr = seen_add(c, k, o);
                if (sr) {
                    return sr < 0 ? sr : ZW_OK;
                }
                char *kw = zw_arena_strndup(c->r->arena, tok, tn);
                if (!kw) {
                    return ZW_ENOMEM;
                }
                return add(c, k, rr, "label", kw, tn, NULL, cat, kw);
            }
        }
        i = j + 1;
    }
    return ZW_OK;
}

/* An external target: a provider when fingerprinted, else third-party when outside
 * the zone. */
static int check_target(actx *c, const ex_rr *rr, ex_via via, const char *vianame,
                        const char *target, size_t tn)
{
    char buf[512];
    if (tn == 0 || tn >= sizeof buf) {
        return ZW_OK;
    }
    memcpy(buf, target, tn);
    buf[tn] = '\0';
    for (size_t i = 0; i < tn; i++) {
        buf[i] = (char)tolower((unsigned char)buf[i]);
    }
    if (tn > 1 && buf[tn - 1] == '.') {
        buf[--tn] = '\0';
    }
    const char *pat = NULL;
    const ex_provider *p = ex_fp_match(c->fp, via, buf, &pat);
    if (p) {
        return add(c, EX_K_PROVIDER, rr, vianame, buf, tn, p, p->category, pat);
    }
    if (ex_in_domain(buf, c->z->origin) || strcmp(buf, ".") == 0 || via == EX_VIA_NS ||
        via == EX_VIA_SRV) {
        return ZW_OK;
    }
    return add(c, EX_K_THIRD_PARTY, rr, vianame, buf, tn, NULL, "external", NULL);
}

static int check_spf(actx *c, const ex_rr *rr)
{
    const char *v = rr->value;
    size_t n = strlen(v);
    size_t i = 6; /* after "v=spf1" */
    while (i < n) {
        while (i < n && v[i] == ' ') {
            i++;
        }
        size_t j = i;
        while (j < n && v[j] != ' ') {
            j++;
        }
        const char *t = v + i;
        size_t tn = j - i;
        if (tn && (t[0] == '+' || t[0] == '~' || t[0] == '?' || t[0] == '-')) {
            t++;
            tn--;
        }
        int rc = ZW_OK;
        if (tn > 8 && strncasecmp(t, "include:", 8) == 0) {
            rc = check_target(c, rr, EX_VIA_SPF, "spf-include", t + 8, tn - 8);
        } else if (tn > 9 && strncasecmp(t, "redirect=", 9) == 0) {
            rc = check_target(c, rr, EX_VIA_SPF, "spf-redirect", t + 9, tn - 9);
        }
        if (rc) {
            return rc;
        }
        i = j;
    }
    return ZW_OK;
}

static int check_rr(actx *c, const ex_rr *rr)
{
    int rc;
    const char *t = rr->type;
    if (rr->owner[0] == '*' && (rr->owner[1] == '.' || rr->owner[1] == '\0')) {
        int sr = seen_add(c, EX_K_WILDCARD, rr->owner);
        if (sr < 0) {
            return sr;
        }
        if (!sr && (rc = add(c, EX_K_WILDCARD, rr, "owner", rr->owner, strlen(rr->owner), NULL,
                             "wildcard", "*"))) {
            return rc;
        }
    }
    if ((rc = check_labels(c, rr))) {
        return rc;
    }
    if (strcmp(t, "A") == 0 || strcmp(t, "AAAA") == 0) {
        if (rr->alias) {
            goto cname;
        }
        const char *range = ex_private_range(rr->value);
        if (range) {
            return add(c, EX_K_PRIVATE_ADDR, rr, strcmp(t, "A") == 0 ? "a" : "aaaa", rr->value,
                       strlen(rr->value), NULL, range, NULL);
        }
        return ZW_OK;
    }
    if (strcmp(t, "MX") == 0) {
        return check_target(c, rr, EX_VIA_MX, "mx", rr->value, strlen(rr->value));
    }
    if (strcmp(t, "TXT") == 0 || strcmp(t, "SPF") == 0) {
        if (strncasecmp(rr->value, "v=spf1", 6) == 0 &&
            (rr->value[6] == ' ' || rr->value[6] == '\0')) {
            return check_spf(c, rr);
        }
        const char *pat = NULL;
        const ex_provider *p = ex_fp_match(c->fp, EX_VIA_TXT, rr->value, &pat);
        if (p) {
            return add(c, EX_K_PROVIDER, rr, "txt", rr->value, strlen(rr->value), p, p->category,
                       pat);
        }
        char lab[64];
        size_t ln = strcspn(rr->owner, ".");
        if (ln < sizeof lab) {
            memcpy(lab, rr->owner, ln);
            lab[ln] = '\0';
            if ((p = ex_fp_match(c->fp, EX_VIA_TXT_OWNER, lab, &pat))) {
                return add(c, EX_K_PROVIDER, rr, "txt-owner", rr->owner, strlen(rr->owner), p,
                           p->category, pat);
            }
        }
        return ZW_OK;
    }
    if (strcmp(t, "NS") == 0) {
        return check_target(c, rr, EX_VIA_NS, "ns", rr->value, strlen(rr->value));
    }
    if (strcmp(t, "SRV") == 0) {
        return check_target(c, rr, EX_VIA_SRV, "srv", rr->value, strlen(rr->value));
    }
    if (strcmp(t, "CNAME") == 0 || strcmp(t, "ALIAS") == 0 || strcmp(t, "ANAME") == 0) {
        goto cname;
    }
    return ZW_OK;
cname:;
    const char *pat = NULL;
    const ex_provider *tp = ex_fp_match(c->fp, EX_VIA_TAKEOVER, rr->value, &pat);
    if (tp && (rc = add(c, EX_K_TAKEOVER, rr, rr->alias ? "alias" : "cname", rr->value,
                        strlen(rr->value), tp, tp->category, pat))) {
        return rc;
    }
    return check_target(c, rr, EX_VIA_CNAME, rr->alias ? "alias" : "cname", rr->value,
                        strlen(rr->value));
}

ex_report *ex_analyze(const ex_zone *zone, const ex_fp *fp, const ex_inv *inv)
{
    ex_report *r = calloc(1, sizeof *r);
    if (!r || !(r->arena = zw_arena_new(0))) {
        free(r);
        return NULL;
    }
    r->zone = zone;
    actx c = {r, fp, inv, zone, NULL, 0, 0};
    for (size_t i = 0; i < zone->n; i++) {
        if (check_rr(&c, &zone->rr[i])) {
            free(c.seen);
            ex_report_destroy(r);
            return NULL;
        }
    }
    free(c.seen);
    return r;
}

/* One EX_K_STALE finding per owner name of pz (passive DNS) that the reviewed zone does
 * not have at all: the name was removed (or never served here) but stays public. */
static int add_stale(actx *c, const ex_zone *zone)
{
    const ex_zone *pz = c->z;
    /* the zone's own names go into the seen set first: they are not stale */
    for (size_t j = 0; j < zone->n; j++) {
        if (seen_add(c, EX_K_STALE, zone->rr[j].owner) < 0) {
            return ZW_ENOMEM;
        }
    }
    for (size_t i = 0; i < pz->n; i++) {
        const ex_rr *rr = &pz->rr[i];
        int sr = seen_add(c, EX_K_STALE, rr->owner);
        if (sr < 0) {
            return sr;
        }
        if (sr) {
            continue;
        }
        /* classified as a host name: approved when the inventory approves the host */
        int rc = add(c, EX_K_STALE, rr, "passive-dns", rr->owner, strlen(rr->owner), NULL,
                     "passive-dns", NULL);
        if (rc) {
            return rc;
        }
    }
    return ZW_OK;
}

int ex_analyze_pdns(ex_report *r, const ex_zone *pz, const ex_fp *fp, const ex_inv *inv)
{
    actx c = {r, fp, inv, pz, NULL, 0, 0};
    int rc = ZW_OK;
    for (size_t i = 0; i < pz->n && !rc; i++) {
        rc = check_rr(&c, &pz->rr[i]);
    }
    rc = rc ? rc : add_stale(&c, r->zone);
    free(c.seen);
    return rc;
}

void ex_report_destroy(ex_report *r)
{
    if (!r) {
        return;
    }
    free(r->f);
    zw_arena_destroy(r->arena);
    free(r);
}
