/*
 * cr_nsd.c - nsd.conf into the review model.  nsd.conf is line based: a clause name
 * at the start of a line ("server:", "zone:", "pattern:", "key:", "dnstap:", ...), then
 * "attribute: value" lines; `include: "file"` may appear anywhere.  A zone's effective
 * provide-xfr and allow-notify lists are its own entries plus those of the patterns it
 * includes (include-pattern, nested); BLOCKED entries take precedence over the others.
 * NSD has no recursion and no dynamic update.
 *
 * Not for: NSD options the checks do not read.
 */
#include "cr.h"
#include "cr_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
    const char *name, *value;
    cr_pos pos;
} nattr;

typedef struct {
    const char *clause;
    cr_pos pos;
    nattr *a;
    size_t n, cap;
} nclause;

typedef struct {
    cr_config *c;
    nclause *cl;
    size_t n, cap;
    zw_buf text;
} nctx;

static nclause *clause_add(nctx *x, const char *name, cr_pos pos)
{
    if (x->n == x->cap) {
        size_t nc = x->cap ? x->cap * 2 : 16;
        nclause *nv = realloc(x->cl, nc * sizeof *nv);
        if (!nv) {
            return NULL;
        }
        x->cl = nv;
        x->cap = nc;
    }
    nclause *cl = &x->cl[x->n];
    memset(cl, 0, sizeof *cl);
    cl->clause = cr_strdup(x->c, name, strlen(name));
    cl->pos = pos;
    if (!cl->clause) {
        return NULL;
    }
    x->n++;
    return cl;
}

static int attr_add(nctx *x, nclause *cl, const char *name, const char *value, cr_pos pos)
{
    if (cl->n == cl->cap) {
        size_t nc = cl->cap ? cl->cap * 2 : 8;
        nattr *nv = realloc(cl->a, nc * sizeof *nv);
        if (!nv) {
            return ZW_ENOMEM;
        }
        cl->a = nv;
        cl->cap = nc;
    }
    nattr *a = &cl->a[cl->n];
    a->name = cr_strdup(x->c, name, strlen(name));
    a->value = cr_strdup(x->c, value, strlen(value));
    a->pos = pos;
    if (!a->name || !a->value) {
        return ZW_ENOMEM;
    }
    cl->n++;
    return ZW_OK;
}

/* Copies the value without quotes and without a trailing comment. */
static void value_of(const char *s, const char *e, char *out, size_t on)
{
    while (s < e && isspace((unsigned char)*s)) {
        s++;
    }
    size_t o = 0;
    int q = 0;
    for (; s < e && o + 1 < on; s++) {
        if (*s == '"') {
            q = !q;
            continue;
        }
        if (*s == '#' && !q) {
            break;
        }
        out[o++] = *s;
    }
    while (o && isspace((unsigned char)out[o - 1])) {
        o--;
    }
    out[o] = '\0';
}

static int load(nctx *x, const char *p, size_t n, const char *file, int no_includes, int depth,
                nclause **cur);

static int include_file(nctx *x, const char *file, const char *name, cr_pos pos, int no_includes,
                        int depth, nclause **cur)
{
    if (no_includes) {
        return ZW_OK;
    }
    if (depth >= CR_MAX_INCLUDE_DEPTH) {
        return cr_diagf(x->c, file, pos.line, pos.col, "include %s: nested deeper than %d", name,
                        CR_MAX_INCLUDE_DEPTH);
    }
    char *path = cr_path_rel(x->c, file, name);
    if (!path) {
        return ZW_ENOMEM;
    }
    zw_buf b;
    zw_buf_init(&b);
    int rc = cr_read_include(x->c, path, &b, pos);
    if (rc == ZW_OK) {
        rc = load(x, b.p ? b.p : "", b.len, path, no_includes, depth + 1, cur);
    } else if (rc == ZW_EINVAL) {
        rc = ZW_OK;
    }
    zw_buf_free(&b);
    return rc;
}

static int load(nctx *x, const char *p, size_t n, const char *file, int no_includes, int depth,
                nclause **cur)
{
    const char *e = p + n;
    int line = 0, rc = ZW_OK;
    for (const char *l = p; l < e && !rc;) {
        const char *nl = memchr(l, '\n', (size_t)(e - l));
        const char *le = nl ? nl : e;
        line++;
        const char *s = l;
        while (s < le && (*s == ' ' || *s == '\t')) {
            s++;
        }
        int col = (int)(s - l) + 1;
        cr_pos pos = {file, line, col};
        l = nl ? nl + 1 : e;
        if (s == le || *s == '#' || *s == '\r') {
            continue;
        }
        const char *colon = memchr(s, ':', (size_t)(le - s));
        const char *ne = s;
        while (ne < le && (isalnum((unsigned char)*ne) || *ne == '-' || *ne == '_')) {
            ne++;
        }
        if (!colon || colon != ne || ne == s) {
            rc = cr_diagf(x->c, file, line, col, "expected 'name: value'");
            continue;
        }
        char name[64], val[1024];
        snprintf(name, sizeof name, "%.*s", (int)(ne - s), s);
        value_of(colon + 1, le, val, sizeof val);
        if (strcmp(name, "include") == 0) {
            rc = include_file(x, file, val, pos, no_includes, depth, cur);
            continue;
        }
        if (col == 1 && !val[0]) {
            if (!(*cur = clause_add(x, name, pos))) {
                rc = ZW_ENOMEM;
            }
            continue;
        }
        if (!*cur) {
            rc = cr_diagf(x->c, file, line, col, "'%s' outside of a clause (server:, zone:, ...)",
                          name);
            continue;
        }
        rc = attr_add(x, *cur, name, val, pos);
    }
    return rc;
}

/* ------------------------------------------------------------------ interpreting */

static const nattr *attr(const nclause *cl, const char *name)
{
    const nattr *hit = NULL;
    for (size_t i = 0; i < cl->n; i++) {
        if (strcmp(cl->a[i].name, name) == 0) {
            hit = &cl->a[i];
        }
    }
    return hit;
}

static const nclause *pattern(nctx *x, const char *name)
{
    for (size_t i = 0; i < x->n; i++) {
        const nattr *a = strcmp(x->cl[i].clause, "pattern") == 0 ? attr(&x->cl[i], "name") : NULL;
        if (a && strcmp(a->value, name) == 0) {
            return &x->cl[i];
        }
    }
    return NULL;
}

/* "ADDR KEY" entries of opt in cl and its patterns; blocked (pass 1) or not (pass 0). */
static int collect(nctx *x, const nclause *cl, const char *opt, int blocked, cr_elist *l,
                   cr_pos *first, int depth)
{
    int rc = ZW_OK;
    if (depth > CR_MAX_ACL_DEPTH) {
        return cr_diagf(x->c, cl->pos.file, cl->pos.line, cl->pos.col,
                        "include-pattern nested deeper than %d (a loop?)", CR_MAX_ACL_DEPTH);
    }
    for (size_t i = 0; i < cl->n && !rc; i++) {
        const nattr *a = &cl->a[i];
        if (strcmp(a->name, "include-pattern") == 0) {
            const nclause *pt = pattern(x, a->value);
            rc = pt ? collect(x, pt, opt, blocked, l, first, depth + 1) : ZW_OK;
            continue;
        }
        if (strcmp(a->name, opt) != 0) {
            continue;
        }
        char addr[256], key[256];
        if (sscanf(a->value, "%255s %255s", addr, key) != 2) {
            if (blocked) {
                continue; /* reported once, in the second pass */
            }
            rc = cr_diagf(x->c, a->pos.file, a->pos.line, a->pos.col,
                          "%s wants 'address key|NOKEY|BLOCKED'", opt);
            continue;
        }
        int is_blocked = strcmp(key, "BLOCKED") == 0;
        if (is_blocked != blocked) {
            continue;
        }
        if (!first->file) {
            *first = a->pos;
        }
        cr_elem_kind k = cr_word_kind(addr);
        int everyone = k == CR_E_ADDR && (strcmp(addr, "0.0.0.0/0") == 0 ||
                                          strcmp(addr, "::0/0") == 0 || strcmp(addr, "::/0") == 0);
        const char *kn = strcmp(key, "NOKEY") == 0 || is_blocked ? NULL : key;
        rc = cr_elist_add(x->c, l,
                          everyone && kn   ? CR_E_KEY
                          : k == CR_E_ADDR ? k
                                           : CR_E_NAME,
                          is_blocked, addr, kn);
        rc = rc ? rc
                : zw_buf_printf(&x->text, "%s%s: %s %s", x->text.len ? "; " : "", opt, addr, key);
    }
    return rc;
}

static int zone_list(nctx *x, const nclause *zc, const char *opt, cr_acl *a, const char *def)
{
    cr_elist l = {0};
    cr_pos first = {NULL, 0, 0};
    zw_buf_clear(&x->text);
    int rc = collect(x, zc, opt, 1, &l, &first, 0);
    rc = rc ? rc : collect(x, zc, opt, 0, &l, &first, 0);
    rc = rc ? rc : zw_buf_cstr(&x->text);
    if (!rc && l.n) {
        int own = first.file && first.line >= zc->pos.line && first.file == zc->pos.file;
        const nattr *ip = attr(zc, "include-pattern");
        char scope[300];
        snprintf(scope, sizeof scope, "%s%s", own || !ip ? "zone" : "pattern ",
                 own || !ip ? "" : ip->value);
        rc = cr_acl_set(x->c, a, &l, scope, x->text.p, first);
    } else if (!rc) {
        rc = cr_acl_default(x->c, a, "none", def);
    }
    cr_elist_free(&l);
    return rc;
}

static int nsd_server(nctx *x, const nclause *sv)
{
    cr_config *c = x->c;
    const nattr *hv = sv ? attr(sv, "hide-version") : NULL;
    const nattr *hi = sv ? attr(sv, "hide-identity") : NULL;
    const nattr *ver = sv ? attr(sv, "version") : NULL;
    const nattr *idn = sv ? attr(sv, "identity") : NULL;
    const nattr *nsid = sv ? attr(sv, "nsid") : NULL;
    char t[300];
    int hide_v = hv && !strcasecmp(hv->value, "yes"), hide_i = hi && !strcasecmp(hi->value, "yes");
    c->ident[CR_ID_VERSION].disclosed = !hide_v && !ver;
    snprintf(t, sizeof t, "%s%s%s", hide_v ? "hide-version: yes" : "hide-version: no",
             ver ? "; version: " : (hide_v ? "" : " (the real version is answered)"),
             ver ? ver->value : "");
    c->ident[CR_ID_VERSION].text = cr_strdup(c, t, strlen(t));
    c->ident[CR_ID_VERSION].pos = hv ? hv->pos : ver ? ver->pos : c->ident[0].pos;
    c->ident[CR_ID_HOSTNAME].disclosed = !hide_i && !idn;
    snprintf(t, sizeof t, "%s%s%s", hide_i ? "hide-identity: yes" : "hide-identity: no",
             idn ? "; identity: " : (hide_i ? "" : " (the host name is answered)"),
             idn ? idn->value : "");
    c->ident[CR_ID_HOSTNAME].text = cr_strdup(c, t, strlen(t));
    c->ident[CR_ID_HOSTNAME].pos = hi ? hi->pos : idn ? idn->pos : c->ident[1].pos;
    c->ident[CR_ID_SERVERID].disclosed = 0;
    snprintf(t, sizeof t, "nsid: %s", nsid ? nsid->value : "not set (no NSID)");
    c->ident[CR_ID_SERVERID].text = cr_strdup(c, t, strlen(t));
    c->ident[CR_ID_SERVERID].pos = nsid ? nsid->pos : c->ident[2].pos;
    for (int i = 0; i < CR__IDS; i++) {
        if (!c->ident[i].text) {
            return ZW_ENOMEM;
        }
    }
    return ZW_OK;
}

/* verbosity 1 logs transfers, 2 refused requests; dnstap with auth messages counts. */
static int nsd_logging(nctx *x, const nclause *sv, const nclause *dt)
{
    cr_config *c = x->c;
    const nattr *v = sv ? attr(sv, "verbosity") : NULL;
    int verb = v ? atoi(v->value) : 0;
    const nattr *en = dt ? attr(dt, "dnstap-enable") : NULL;
    int dnstap = en && !strcasecmp(en->value, "yes") &&
                 ((attr(dt, "dnstap-log-auth-query-messages") &&
                   !strcasecmp(attr(dt, "dnstap-log-auth-query-messages")->value, "yes")) ||
                  (attr(dt, "dnstap-log-auth-response-messages") &&
                   !strcasecmp(attr(dt, "dnstap-log-auth-response-messages")->value, "yes")));
    char how[200];
    for (int i = 0; i < CR_LOG__COUNT; i++) {
        how[0] = '\0';
        c->logged[i].pos = v ? v->pos : sv ? sv->pos : c->logged[i].pos;
        if (i == CR_LOG_UPDATE) {
            snprintf(how, sizeof how, "NSD has no dynamic update");
        } else if (verb >= (i == CR_LOG_TRANSFER ? 1 : 2)) {
            snprintf(how, sizeof how, "verbosity: %d", verb);
        } else if (dnstap && i == CR_LOG_TRANSFER) {
            snprintf(how, sizeof how, "dnstap (auth messages)");
            c->logged[i].pos = en->pos;
        }
        if (how[0] && !(c->logged[i].how = cr_strdup(c, how, strlen(how)))) {
            return ZW_ENOMEM;
        }
    }
    return ZW_OK;
}

int cr_parse_nsd(cr_config *c, const char *p, size_t n, const char *name, int no_includes)
{
    nctx x;
    memset(&x, 0, sizeof x);
    x.c = c;
    zw_buf_init(&x.text);
    nclause *cur = NULL;
    int rc = load(&x, p, n, name, no_includes, 0, &cur);
    const nclause *sv = NULL, *dt = NULL;
    c->recursion_na = 1;
    c->update_na = 1;
    for (size_t i = 0; i < x.n && !rc; i++) {
        const nclause *cl = &x.cl[i];
        if (!strcmp(cl->clause, "server")) {
            sv = cl;
        } else if (!strcmp(cl->clause, "dnstap")) {
            dt = cl;
        } else if (!strcmp(cl->clause, "key")) {
            const nattr *kn = attr(cl, "name"), *al = attr(cl, "algorithm"),
                        *se = attr(cl, "secret");
            if (kn &&
                !cr_key_add(c, kn->value, al ? al->value : NULL, se ? se->value : NULL, cl->pos)) {
                rc = ZW_ENOMEM;
            }
        } else if (!strcmp(cl->clause, "zone")) {
            const nattr *zn = attr(cl, "name");
            if (!zn) {
                rc = cr_diagf(c, cl->pos.file, cl->pos.line, cl->pos.col, "zone without name");
                continue;
            }
            cr_zone *z = cr_zone_add(c, zn->value, strlen(zn->value), NULL, cl->pos);
            if (!z) {
                rc = ZW_ENOMEM;
                break;
            }
            cr_elist tmp = {0};
            cr_pos fp = {NULL, 0, 0};
            zw_buf_clear(&x.text);
            rc = collect(&x, cl, "request-xfr", 0, &tmp, &fp, 0);
            z->secondary = tmp.n > 0;
            cr_elist_free(&tmp);
            rc = rc ? rc
                    : zone_list(&x, cl, "provide-xfr", &z->transfer,
                                "no provide-xfr: transfers refused");
            rc = rc ? rc
                    : zone_list(&x, cl, "allow-notify", &z->notify,
                                "no allow-notify: NOTIFY refused");
            rc = rc ? rc : cr_acl_default(c, &z->update, "none", "NSD has no dynamic update");
        }
    }
    rc = rc ? rc : nsd_server(&x, sv);
    rc = rc ? rc : nsd_logging(&x, sv, dt);
    for (size_t i = 0; i < x.n; i++) {
        free(x.cl[i].a);
    }
    free(x.cl);
    zw_buf_free(&x.text);
    return rc;
}
