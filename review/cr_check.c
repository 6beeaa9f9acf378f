/*
 * cr_check.c - the configuration checks: one finding per check and subject, passing
 * ones included (status Pass), so a run is the audit evidence that a zone's transfers,
 * updates and NOTIFY are restricted, recursion is not open, the server does not
 * disclose its version, TSIG keys are strong, the security-relevant events are logged,
 * and (with an inventory) transfers go exactly to the approved secondaries.
 *
 * Not for: reading configurations (cr_model.c and the parsers) or writing findings out
 * (cr_report.c).
 */
#include "cr.h"
#include "cr_internal.h"

#include "../exposure/ex.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *cr_status_name(cr_status s)
{
    return s == CR_PASS ? "pass" : s == CR_WARN ? "warning" : "fail";
}

void cr_report_destroy(cr_report *r)
{
    if (!r) {
        return;
    }
    free(r->f);
    zw_arena_destroy(r->arena);
    free(r);
}

static char *adup(cr_report *r, const char *s)
{
    return s ? zw_arena_strndup(r->arena, s, strlen(s)) : NULL;
}

/* Appends a finding; detail is formatted.  ZW_ENOMEM. */
__attribute__((format(printf, 8, 9))) static int add(cr_report *r, const char *kind, cr_status st,
                                                     int sev, const cr_zone *z, const char *subject,
                                                     const cr_acl *a, const char *fmt, ...)
{
    if (r->n == r->cap) {
        size_t nc = r->cap ? r->cap * 2 : 32;
        cr_finding *nf = realloc(r->f, nc * sizeof *nf);
        if (!nf) {
            return ZW_ENOMEM;
        }
        r->f = nf;
        r->cap = nc;
    }
    cr_finding *f = &r->f[r->n];
    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->status = st;
    f->severity = sev;
    f->zone = z ? z->name : NULL;
    f->view = z ? z->view : NULL;
    f->subject = adup(r, subject);
    if (a) {
        f->setting = adup(r, a->text);
        f->scope = adup(r, a->scope);
        f->pos = a->pos;
    }
    char d[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d, sizeof d, fmt, ap);
    va_end(ap);
    f->detail = adup(r, d);
    if (!f->detail || (subject && !f->subject)) {
        return ZW_ENOMEM;
    }
    const char *parts[] = {
        cr_server_name(r->cfg->server), r->cfg->path,           kind,
        f->zone ? f->zone : "",         f->view ? f->view : "", f->subject ? f->subject : ""};
    ex_uid(f->uid, parts, ZW_ARRAY_LEN(parts));
    r->by_status[st]++;
    r->n++;
    return ZW_OK;
}

static const char *zlabel(const cr_zone *z, char *buf, size_t n)
{
    if (strcmp(z->name, "*") == 0) {
        snprintf(buf, n, "every zone");
    } else if (z->view) {
        snprintf(buf, n, "zone %s (view %s)", z->name, z->view);
    } else {
        snprintf(buf, n, "zone %s", z->name);
    }
    return buf;
}

static int check_zone(cr_report *r, const cr_zone *z)
{
    const cr_config *c = r->cfg;
    char zl[400];
    zlabel(z, zl, sizeof zl);
    int rc;
    if (cr_acl_open(&z->transfer)) {
        rc = add(r, "transfer-open", CR_FAIL, ZW_SEV_HIGH, z, NULL, &z->transfer,
                 "%s: zone transfers are allowed to any address without a key (%s)", zl,
                 z->transfer.text);
    } else {
        rc = add(r, "transfer-open", CR_PASS, ZW_SEV_HIGH, z, NULL, &z->transfer,
                 "%s: zone transfers are restricted (%s)", zl, z->transfer.text);
    }
    if (rc) {
        return rc;
    }
    if (c->update_na) {
        rc = add(r, "update-open", CR_PASS, ZW_SEV_CRITICAL, z, NULL, &z->update,
                 "%s: dynamic updates are not accepted (%s)", zl, z->update.text);
    } else if (cr_acl_open(&z->update)) {
        rc = add(r, "update-open", CR_FAIL, ZW_SEV_CRITICAL, z, NULL, &z->update,
                 "%s: dynamic updates are accepted from any address without a key (%s)", zl,
                 z->update.text);
    } else {
        rc = add(r, "update-open", CR_PASS, ZW_SEV_CRITICAL, z, NULL, &z->update,
                 "%s: dynamic updates are restricted (%s)", zl, z->update.text);
    }
    if (rc) {
        return rc;
    }
    if (!z->secondary) {
        return add(r, "notify-any", CR_PASS, ZW_SEV_MEDIUM, z, NULL, &z->notify,
                   "%s: not a secondary zone, NOTIFY does not trigger transfers (%s)", zl,
                   z->notify.text);
    }
    if (cr_acl_open(&z->notify)) {
        return add(r, "notify-any", CR_FAIL, ZW_SEV_MEDIUM, z, NULL, &z->notify,
                   "%s: NOTIFY is accepted from any address without a key (%s)", zl,
                   z->notify.text);
    }
    return add(r, "notify-any", CR_PASS, ZW_SEV_MEDIUM, z, NULL, &z->notify,
               "%s: NOTIFY is accepted only from listed sources (%s)", zl, z->notify.text);
}

/* ---------------------------------------------------------------- inventory */

typedef struct {
    char items[64][64];
    int own[64];
    size_t n;
} approved_list;

static int collect_approved(void *opaque, const char *cidr, int zone_own)
{
    approved_list *l = opaque;
    if (l->n < ZW_ARRAY_LEN(l->items)) {
        snprintf(l->items[l->n], sizeof l->items[0], "%s", cidr);
        l->own[l->n++] = zone_own;
    }
    return 0;
}

static int check_secondaries(cr_report *r, const cr_zone *z, const nz_inventory *inv)
{
    approved_list al;
    al.n = 0;
    nz_inventory_secondaries(inv, z->name, strlen(z->name), collect_approved, &al);
    const cr_acl *t = &z->transfer;
    char zl[400];
    zlabel(z, zl, sizeof zl);
    int rc = ZW_OK, keyed = 0;
    for (size_t i = 0; i < t->n; i++) {
        keyed |= !t->e[i].neg && t->e[i].kind == CR_E_KEY;
    }
    /* every approved secondary must be allowed */
    for (size_t i = 0; i < al.n && !rc; i++) {
        const char *s = al.items[i];
        const char *via = NULL;
        for (size_t j = 0; j < t->n && !via; j++) {
            const cr_elem *e = &t->e[j];
            if (e->neg) {
                continue;
            }
            if (e->kind == CR_E_ANY ||
                (e->kind == CR_E_ADDR && cr_cidr_contains(e->addr, s) == 1)) {
                via = e->kind == CR_E_ANY ? "any" : e->addr;
            }
        }
        if (via) {
            rc = add(r, "secondary-missing", CR_PASS, ZW_SEV_MEDIUM, z, s, t,
                     "%s: approved secondary %s is allowed to transfer (%s)", zl, s, via);
        } else if (keyed) {
            rc = add(r, "secondary-missing", CR_PASS, ZW_SEV_MEDIUM, z, s, t,
                     "%s: approved secondary %s can transfer with a TSIG key (%s)", zl, s, t->text);
        } else {
            rc = add(r, "secondary-missing", CR_FAIL, ZW_SEV_MEDIUM, z, s, t,
                     "%s: approved secondary %s%s is not allowed to transfer (%s)", zl, s,
                     al.own[i] ? " (zone's own)" : "", t->text);
        }
    }
    /* every allowed address must be approved */
    size_t unlisted = 0;
    for (size_t j = 0; j < t->n && !rc; j++) {
        const cr_elem *e = &t->e[j];
        if (e->neg || (e->kind != CR_E_ADDR && e->kind != CR_E_ANY)) {
            continue;
        }
        const char *a = e->kind == CR_E_ANY ? "any" : e->addr;
        /* first match wins: an earlier negated element covering this one (NSD's BLOCKED,
         * BIND's !addr) means it never allows anything */
        int shadowed = 0;
        for (size_t k = 0; k < j && !shadowed; k++) {
            const cr_elem *n = &t->e[k];
            shadowed = n->neg && (n->kind == CR_E_ANY ||
                                  (n->kind == CR_E_ADDR && e->kind == CR_E_ADDR &&
                                   cr_cidr_contains(n->addr, a) == 1));
        }
        if (shadowed) {
            continue;
        }
        int ok = 0;
        for (size_t i = 0; i < al.n && !ok && e->kind == CR_E_ADDR; i++) {
            ok = cr_cidr_contains(al.items[i], a) == 1;
        }
        if (!ok) {
            unlisted++;
            rc = add(r, "secondary-unapproved", CR_FAIL, e->key ? ZW_SEV_MEDIUM : ZW_SEV_HIGH, z, a,
                     t, "%s: %s is allowed to transfer%s but is not an approved secondary (%s)", zl,
                     a, e->key ? " (with a key)" : "", t->text);
        }
    }
    if (!rc && !unlisted) {
        rc =
            add(r, "secondary-unapproved", CR_PASS, ZW_SEV_HIGH, z, NULL, t,
                "%s: every address allowed to transfer is an approved secondary (%s)", zl, t->text);
    }
    return rc;
}

/* ---------------------------------------------------------------- server-wide */

static int check_recursion(cr_report *r)
{
    const cr_config *c = r->cfg;
    const cr_acl *a = &c->recursion_clients;
    if (c->recursion_na) {
        cr_acl na;
        memset(&na, 0, sizeof na);
        na.text = "no recursion (authoritative-only server software)";
        na.scope = "default";
        return add(r, "recursion-open", CR_PASS, ZW_SEV_HIGH, NULL, NULL, &na,
                   "%s is an authoritative-only server: no recursion", cr_server_name(c->server));
    }
    if (!c->nzones) {
        return add(r, "recursion-open", CR_PASS, ZW_SEV_HIGH, NULL, NULL, a,
                   "no authoritative zones: a resolver, recursion is its job");
    }
    if (c->recursion && cr_acl_open(a)) {
        return add(r, "recursion-open", CR_FAIL, ZW_SEV_HIGH, NULL, NULL, a,
                   "an authoritative server recurses for any client (recursion %s; %s)",
                   c->recursion_set.value ? c->recursion_set.value : "not set: yes", a->text);
    }
    if (!c->recursion) {
        cr_acl tmp = *a;
        tmp.text = "recursion no";
        tmp.scope = "options";
        tmp.pos = c->recursion_set.pos;
        return add(r, "recursion-open", CR_PASS, ZW_SEV_HIGH, NULL, NULL, &tmp,
                   "recursion is off on this authoritative server");
    }
    return add(r, "recursion-open", CR_PASS, ZW_SEV_HIGH, NULL, NULL, a,
               "recursion is limited to listed clients (%s)", a->text);
}

static int check_ident(cr_report *r)
{
    static const char *const subj[CR__IDS] = {"version", "hostname", "server-id"};
    static const char *const q[CR__IDS] = {"version.bind", "hostname.bind", "id.server"};
    int rc = ZW_OK;
    for (int i = 0; i < CR__IDS && !rc; i++) {
        const cr_ident *id = &r->cfg->ident[i];
        cr_acl tmp;
        memset(&tmp, 0, sizeof tmp);
        tmp.text = id->text ? id->text : "";
        tmp.scope = id->pos.file ? "options" : "default";
        tmp.pos = id->pos;
        if (id->disclosed) {
            rc = add(r, "version-disclosed", CR_FAIL, ZW_SEV_LOW, NULL, subj[i], &tmp,
                     "CH TXT %s is answered with the real %s (%s)", q[i],
                     i == CR_ID_VERSION ? "version" : "host name", tmp.text);
        } else {
            rc = add(r, "version-disclosed", CR_PASS, ZW_SEV_LOW, NULL, subj[i], &tmp,
                     "CH TXT %s does not disclose the real value (%s)", q[i], tmp.text);
        }
    }
    return rc;
}

static int check_keys(cr_report *r)
{
    const cr_config *c = r->cfg;
    int rc = ZW_OK;
    if (!c->nkeys) {
        return add(r, "weak-tsig", CR_PASS, ZW_SEV_MEDIUM, NULL, NULL, NULL,
                   "no TSIG keys are defined in the configuration");
    }
    for (size_t i = 0; i < c->nkeys && !rc; i++) {
        const cr_key *k = &c->keys[i];
        char text[300];
        snprintf(text, sizeof text, "key %s: algorithm %s, secret %zu bytes", k->name,
                 k->algorithm[0] ? k->algorithm : "(none)", k->secret_bytes);
        cr_acl tmp;
        memset(&tmp, 0, sizeof tmp);
        tmp.text = text;
        tmp.scope = "key";
        tmp.pos = k->pos;
        if (strstr(k->algorithm, "md5")) {
            rc = add(r, "weak-tsig", CR_FAIL, ZW_SEV_MEDIUM, NULL, k->name, &tmp,
                     "TSIG key %s uses HMAC-MD5 (RFC 8945: deprecated; use hmac-sha256)", k->name);
        } else if (k->secret_bytes == 0) {
            rc = add(r, "weak-tsig", CR_WARN, ZW_SEV_MEDIUM, NULL, k->name, &tmp,
                     "TSIG key %s has no readable base64 secret", k->name);
        } else if (k->secret_bytes < 16) {
            rc = add(r, "weak-tsig", CR_FAIL, ZW_SEV_MEDIUM, NULL, k->name, &tmp,
                     "TSIG key %s has a %zu-byte secret, shorter than 16 bytes (128 bits)", k->name,
                     k->secret_bytes);
        } else {
            rc = add(r, "weak-tsig", CR_PASS, ZW_SEV_MEDIUM, NULL, k->name, &tmp,
                     "TSIG key %s: %s with a %zu-byte secret", k->name, k->algorithm,
                     k->secret_bytes);
        }
    }
    return rc;
}

static int check_logging(cr_report *r)
{
    static const char *const subj[CR_LOG__COUNT] = {"transfer", "security", "update"};
    static const char *const what[CR_LOG__COUNT] = {
        "zone transfers", "refused requests (security events)", "dynamic updates"};
    int rc = ZW_OK;
    for (int i = 0; i < CR_LOG__COUNT && !rc; i++) {
        const cr_logged *lg = &r->cfg->logged[i];
        cr_acl tmp;
        memset(&tmp, 0, sizeof tmp);
        tmp.text = lg->how ? lg->how : "not logged";
        tmp.scope = lg->pos.file ? "logging" : "default";
        tmp.pos = lg->pos;
        if (lg->how) {
            rc = add(r, "logging-missing", CR_PASS, ZW_SEV_MEDIUM, NULL, subj[i], &tmp,
                     "%s are logged (%s)", what[i], lg->how);
        } else {
            rc = add(r, "logging-missing", CR_FAIL, ZW_SEV_MEDIUM, NULL, subj[i], &tmp,
                     "%s are not logged anywhere: no log channel, category or dnstap records "
                     "them",
                     what[i]);
        }
    }
    return rc;
}

cr_report *cr_check(const cr_config *cfg, const nz_inventory *inv)
{
    cr_report *r = calloc(1, sizeof *r);
    if (!r || !(r->arena = zw_arena_new(0))) {
        free(r);
        return NULL;
    }
    r->cfg = cfg;
    int rc = ZW_OK;
    for (size_t i = 0; i < cfg->nzones && !rc; i++) {
        rc = check_zone(r, &cfg->zones[i]);
        if (!rc && inv) {
            rc = check_secondaries(r, &cfg->zones[i], inv);
        }
    }
    rc = rc ? rc : check_recursion(r);
    rc = rc ? rc : check_ident(r);
    rc = rc ? rc : check_keys(r);
    rc = rc ? rc : check_logging(r);
    if (rc) {
        cr_report_destroy(r);
        return NULL;
    }
    return r;
}
