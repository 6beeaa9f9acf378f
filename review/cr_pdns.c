/*
 * cr_pdns.c - pdns.conf (PowerDNS Authoritative) into the review model.  The file is
 * "setting=value" lines with '#' comments; the transfer, update and notify rules are
 * server-wide (allow-axfr-ips / disable-axfr, allow-dnsupdate-from / dnsupdate,
 * allow-notify-from / secondary), with the 4.7 defaults when a setting is absent.  The
 * zones are read from the bind backend's named.conf (bind-config) when there is one,
 * with the named.conf reader; otherwise one entry "*" stands for every zone.
 *
 * Not for: per-zone metadata in the backend database (ALLOW-AXFR-FROM, TSIG-ALLOW-AXFR)
 * which overrides allow-axfr-ips and is not in any file; nor include-dir.
 */
#include "cr.h"
#include "cr_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PDNS_MAX_SETTINGS 512

typedef struct {
    const char *name, *value;
    cr_pos pos;
} pset;

typedef struct {
    cr_config *c;
    pset s[PDNS_MAX_SETTINGS];
    size_t n;
} pctx;

static const pset *get(const pctx *x, const char *name)
{
    const pset *hit = NULL;
    for (size_t i = 0; i < x->n; i++) {
        if (strcmp(x->s[i].name, name) == 0) {
            hit = &x->s[i]; /* the last one wins */
        }
    }
    return hit;
}

static int yes(const pset *s)
{
    return s && (!strcasecmp(s->value, "yes") || !strcasecmp(s->value, "true") ||
                 !strcmp(s->value, "1") || !s->value[0]);
}

static int load(pctx *x, const char *p, size_t n, const char *file)
{
    const char *e = p + n;
    int line = 0, rc = ZW_OK;
    for (const char *l = p; l < e && !rc;) {
        const char *nl = memchr(l, '\n', (size_t)(e - l));
        const char *le = nl ? nl : e;
        line++;
        const char *s = l, *ls = l;
        l = nl ? nl + 1 : e;
        while (s < le && isspace((unsigned char)*s)) {
            s++;
        }
        if (s == le || *s == '#') {
            continue;
        }
        const char *eq = memchr(s, '=', (size_t)(le - s));
        const char *ne = s;
        while (ne < le && (isalnum((unsigned char)*ne) || *ne == '-' || *ne == '_')) {
            ne++;
        }
        const char *after = ne;
        while (after < le && (*after == ' ' || *after == '\t')) {
            after++;
        }
        if (!eq || after != eq || ne == s) {
            rc = cr_diagf(x->c, file, line, (int)(s - ls) + 1, "expected 'setting=value'");
            continue;
        }
        if (x->n >= PDNS_MAX_SETTINGS) {
            rc = cr_diagf(x->c, file, line, 1, "more than %d settings", PDNS_MAX_SETTINGS);
            break;
        }
        const char *v = eq + 1, *ve = le;
        while (v < ve && isspace((unsigned char)*v)) {
            v++;
        }
        for (const char *q = v; q < ve; q++) {
            if (*q == '#') {
                ve = q;
                break;
            }
        }
        while (ve > v && isspace((unsigned char)ve[-1])) {
            ve--;
        }
        pset *ps = &x->s[x->n];
        ps->name = cr_strdup(x->c, s, (size_t)(ne - s));
        ps->value = cr_strdup(x->c, v, (size_t)(ve - v));
        ps->pos.file = file;
        ps->pos.line = line;
        ps->pos.col = 1;
        if (!ps->name || !ps->value) {
            return ZW_ENOMEM;
        }
        x->n++;
    }
    return rc;
}

/* A comma / space separated address list setting into a (default when absent).  An
 * empty value allows no address (PowerDNS 4.7, checked in a lab: allow-axfr-ips= refuses
 * every AXFR with NOTAUTH). */
static int list_acl(pctx *x, cr_acl *a, const char *name, const char *def)
{
    const pset *s = get(x, name);
    char text[600];
    if (!s) {
        snprintf(text, sizeof text, "%s not set: default %s", name, def);
        char items[128];
        snprintf(items, sizeof items, "%s", def);
        for (char *q = items; *q; q++) {
            *q = *q == ',' ? ' ' : *q;
        }
        return cr_acl_default(x->c, a, items, text);
    }
    cr_elist l = {0};
    int rc = ZW_OK;
    char buf[512];
    snprintf(buf, sizeof buf, "%s", s->value);
    int any = 0;
    for (char *save = NULL, *w = strtok_r(buf, ", \t", &save); w && !rc;
         w = strtok_r(NULL, ", \t", &save)) {
        int neg = w[0] == '!';
        cr_elem_kind k = cr_word_kind(w + neg);
        rc =
            cr_elist_add(x->c, &l, k, neg, k == CR_E_ADDR || k == CR_E_NAME ? w + neg : NULL, NULL);
        any++;
    }
    if (!rc && !any) {
        rc = cr_elist_add(x->c, &l, CR_E_NONE, 0, NULL, NULL);
    }
    snprintf(text, sizeof text, "%s=%s%s", name, s->value, !any ? " (empty: no address)" : "");
    rc = rc ? rc : cr_acl_set(x->c, a, &l, "server", text, s->pos);
    cr_elist_free(&l);
    return rc;
}

/* Zones from the bind backend's named.conf, when launch has bind. */
static int zones_from_bind(pctx *x, const char *file, int no_includes)
{
    const pset *launch = get(x, "launch"), *bc = get(x, "bind-config");
    if (!launch || !strstr(launch->value, "bind") || !bc || !bc->value[0] || no_includes) {
        return ZW_OK;
    }
    char *path = cr_path_rel(x->c, file, bc->value);
    if (!path) {
        return ZW_ENOMEM;
    }
    cr_config *sub = NULL;
    char err[300];
    int rc = cr_config_read(path, CR_BIND, &sub, err, sizeof err);
    if (!sub) {
        return rc == ZW_ENOMEM ? rc
                               : cr_diagf(x->c, bc->pos.file, bc->pos.line, bc->pos.col,
                                          "bind-config: %s", err);
    }
    rc = ZW_OK;
    for (size_t i = 0; i < sub->nzones && !rc; i++) {
        cr_pos pos = bc->pos;
        if (!cr_zone_add(x->c, sub->zones[i].name, strlen(sub->zones[i].name), NULL, pos)) {
            rc = ZW_ENOMEM;
        }
        x->c->zones[x->c->nzones - 1].secondary = sub->zones[i].secondary;
    }
    for (size_t i = 0; i < sub->ndiag && !rc; i++) {
        rc = cr_diagf(x->c, bc->pos.file, bc->pos.line, bc->pos.col, "bind-config %s:%lld: %s",
                      path, (long long)sub->diag[i].line, sub->diag[i].msg);
    }
    cr_config_destroy(sub);
    return rc;
}

static int pdns_ident(pctx *x)
{
    cr_config *c = x->c;
    const pset *vs = get(x, "version-string"), *sid = get(x, "server-id");
    char t[300];
    const char *v = vs ? vs->value : "full";
    c->ident[CR_ID_VERSION].disclosed = !strcasecmp(v, "full");
    snprintf(t, sizeof t, "version-string=%s%s", v, vs ? "" : " (default)");
    c->ident[CR_ID_VERSION].text = cr_strdup(c, t, strlen(t));
    if (vs) {
        c->ident[CR_ID_VERSION].pos = vs->pos;
    }
    c->ident[CR_ID_HOSTNAME].text = "hostname.bind is not answered by PowerDNS";
    const char *s = sid ? sid->value : "";
    c->ident[CR_ID_SERVERID].disclosed = !sid || !s[0];
    snprintf(t, sizeof t, "server-id=%s",
             sid ? (s[0] ? s : "(empty: the host name)") : "not set (default: the host name)");
    c->ident[CR_ID_SERVERID].text = cr_strdup(c, t, strlen(t));
    if (sid) {
        c->ident[CR_ID_SERVERID].pos = sid->pos;
    }
    return c->ident[0].text && c->ident[2].text ? ZW_OK : ZW_ENOMEM;
}

/* loglevel (default 4): PowerDNS 4.7 logs "AXFR-out ... transfer initiated" and
 * "... denied: client IP has no permission" at 4 (measured in a lab; nothing at 3);
 * update handling is taken to need notice (5), not measured. */
static int pdns_logging(pctx *x)
{
    cr_config *c = x->c;
    const pset *ll = get(x, "loglevel");
    int lvl = ll ? atoi(ll->value) : 4;
    static const int need[CR_LOG__COUNT] = {4, 4, 5};
    for (int i = 0; i < CR_LOG__COUNT; i++) {
        char how[120];
        if (ll) {
            c->logged[i].pos = ll->pos;
        }
        if (i == CR_LOG_UPDATE && c->update_na) {
            snprintf(how, sizeof how, "dnsupdate=no: no updates to log");
        } else if (lvl >= need[i]) {
            snprintf(how, sizeof how, "loglevel=%d%s", lvl, ll ? "" : " (default)");
        } else {
            continue;
        }
        if (!(c->logged[i].how = cr_strdup(c, how, strlen(how)))) {
            return ZW_ENOMEM;
        }
    }
    return ZW_OK;
}

int cr_parse_pdns(cr_config *c, const char *p, size_t n, const char *name, int no_includes)
{
    pctx *x = calloc(1, sizeof *x);
    if (!x) {
        return ZW_ENOMEM;
    }
    x->c = c;
    int rc = load(x, p, n, name);
    c->recursion_na = 1;
    c->update_na = !yes(get(x, "dnsupdate"));
    int secondary = yes(get(x, "secondary")) || yes(get(x, "slave"));
    rc = rc ? rc : zones_from_bind(x, name, no_includes);
    if (!rc && c->nzones == 0) {
        cr_pos pos = {name, 1, 1};
        if (!cr_zone_add(c, "*", 1, NULL, pos)) {
            rc = ZW_ENOMEM;
        }
    }
    cr_acl xfer, upd, notify;
    memset(&xfer, 0, sizeof xfer);
    memset(&upd, 0, sizeof upd);
    memset(&notify, 0, sizeof notify);
    const pset *dis = get(x, "disable-axfr");
    if (!rc && yes(dis)) {
        rc = cr_acl_default(c, &xfer, "none", "disable-axfr=yes");
        xfer.set = 1;
        xfer.scope = "server";
        xfer.pos = dis->pos;
    } else if (!rc) {
        rc = list_acl(x, &xfer, "allow-axfr-ips", "127.0.0.0/8,::1");
    }
    if (!rc && c->update_na) {
        rc = cr_acl_default(c, &upd, "none", "dnsupdate=no (default): updates refused");
    } else if (!rc) {
        rc = list_acl(x, &upd, "allow-dnsupdate-from", "127.0.0.0/8,::1");
    }
    rc = rc ? rc : list_acl(x, &notify, "allow-notify-from", "0.0.0.0/0,::/0");
    for (size_t i = 0; i < c->nzones && !rc; i++) {
        c->zones[i].transfer = xfer;
        c->zones[i].update = upd;
        c->zones[i].notify = notify;
        c->zones[i].secondary = c->zones[i].secondary || secondary;
    }
    rc = rc ? rc : pdns_ident(x);
    rc = rc ? rc : pdns_logging(x);
    free(x);
    return rc;
}
