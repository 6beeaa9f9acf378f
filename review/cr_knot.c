/*
 * cr_knot.c - knot.conf into the review model.  Knot's configuration is a YAML
 * subset that is not quite YAML (`address: [ ::/0 ]` is fine for Knot, an error for a
 * YAML parser), so a small line reader of its own reads it (and every `include:`
 * file): sections at column 0, list items ("- id: x"), "name: value" attributes whose
 * value is a scalar, a quoted string or a [ flow, list ].  Then the sections are
 * interpreted across all files: key, remote and
 * acl by id, template (the one with id `default` applies to zones that name none),
 * zone (its acl list, else its template's), server (identity, version, nsid), log and
 * mod-dnstap.  Knot ACL rules are first-match: address (none = any address), key
 * (none = unsigned requests), action (default query), deny.
 *
 * Not for: Knot options the checks do not read (parsed, not interpreted).
 */
#include "cr.h"
#include "cr_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define KNOT_MAX_VALUES 64

typedef struct {
    const char *name;
    const char **v;
    size_t nv;
    cr_pos pos;
} kattr;

typedef struct {
    const char *section;
    cr_pos pos;
    kattr *a;
    size_t n, cap;
} kitem;

typedef struct {
    cr_config *c;
    kitem *it;
    size_t n, cap;
    zw_buf text;
} kctx;

static kitem *item_add(kctx *k, const char *section, cr_pos pos)
{
    if (k->n == k->cap) {
        size_t nc = k->cap ? k->cap * 2 : 16;
        kitem *ni = realloc(k->it, nc * sizeof *ni);
        if (!ni) {
            return NULL;
        }
        k->it = ni;
        k->cap = nc;
    }
    kitem *it = &k->it[k->n];
    memset(it, 0, sizeof *it);
    it->section = section;
    it->pos = pos;
    k->n++;
    return it;
}

/* Unquoted, trimmed copy of [s, e). */
static const char *word(kctx *k, const char *s, const char *e)
{
    while (s < e && isspace((unsigned char)*s)) {
        s++;
    }
    while (e > s && isspace((unsigned char)e[-1])) {
        e--;
    }
    if (e - s >= 2 && (*s == '"' || *s == '\'') && e[-1] == *s) {
        s++;
        e--;
    }
    return cr_strdup(k->c, s, (size_t)(e - s));
}

/* "name: value" at s into it; value: scalar, "quoted" or [ a, b ]. */
static int attr_add(kctx *k, kitem *it, const char *s, const char *e, cr_pos pos)
{
    const char *colon = s;
    while (colon < e && *colon != ':') {
        colon++;
    }
    if (colon == e || colon == s) {
        return cr_diagf(k->c, pos.file, pos.line, pos.col, "expected 'name: value'");
    }
    if (it->n == it->cap) {
        size_t nc = it->cap ? it->cap * 2 : 8;
        kattr *na = realloc(it->a, nc * sizeof *na);
        if (!na) {
            return ZW_ENOMEM;
        }
        it->a = na;
        it->cap = nc;
    }
    kattr *a = &it->a[it->n];
    memset(a, 0, sizeof *a);
    a->pos = pos;
    a->name = word(k, s, colon);
    a->v = zw_arena_alloc(k->c->arena, KNOT_MAX_VALUES * sizeof *a->v);
    if (!a->name || !a->v) {
        return ZW_ENOMEM;
    }
    it->n++;
    const char *v = colon + 1;
    while (v < e && isspace((unsigned char)*v)) {
        v++;
    }
    if (v < e && *v == '[') {
        const char *close = memchr(v, ']', (size_t)(e - v));
        if (!close) {
            return cr_diagf(k->c, pos.file, pos.line, (int64_t)(v - s) + pos.col,
                            "'[' is not closed on this line");
        }
        for (const char *q = v + 1; q < close && a->nv < KNOT_MAX_VALUES;) {
            const char *comma = memchr(q, ',', (size_t)(close - q));
            const char *end = comma ? comma : close;
            const char *w = word(k, q, end);
            if (!w) {
                return ZW_ENOMEM;
            }
            if (*w) {
                a->v[a->nv++] = w;
            }
            q = end + 1;
        }
        return ZW_OK;
    }
    const char *w = word(k, v, e);
    if (!w) {
        return ZW_ENOMEM;
    }
    a->v[a->nv++] = w;
    return ZW_OK;
}

/* End of the meaningful part of a line: a '#' outside quotes after a blank. */
static const char *line_end(const char *s, const char *e)
{
    int q = 0;
    for (const char *p = s; p < e; p++) {
        if (*p == '"') {
            q = !q;
        } else if (*p == '#' && !q && (p == s || isspace((unsigned char)p[-1]))) {
            return p;
        }
    }
    return e;
}

static int load(kctx *k, const char *p, size_t n, const char *file, int no_includes, int depth);

static int include_file(kctx *k, const char *file, const char *name, cr_pos pos, int no_includes,
                        int depth)
{
    if (no_includes) {
        return ZW_OK;
    }
    if (depth >= CR_MAX_INCLUDE_DEPTH) {
        return cr_diagf(k->c, file, pos.line, pos.col, "include %s: nested deeper than %d", name,
                        CR_MAX_INCLUDE_DEPTH);
    }
    char *path = cr_path_rel(k->c, file, name);
    if (!path) {
        return ZW_ENOMEM;
    }
    zw_buf b;
    zw_buf_init(&b);
    int rc = cr_read_include(k->c, path, &b, pos);
    if (rc == ZW_OK) {
        rc = load(k, b.p ? b.p : "", b.len, path, no_includes, depth + 1);
    } else if (rc == ZW_EINVAL) {
        rc = ZW_OK;
    }
    zw_buf_free(&b);
    return rc;
}

static int load(kctx *k, const char *p, size_t n, const char *file, int no_includes, int depth)
{
    const char *e = p + n, *section = NULL;
    kitem *cur = NULL;
    int line = 0, rc = ZW_OK;
    for (const char *l = p; l < e && !rc;) {
        const char *nl = memchr(l, '\n', (size_t)(e - l));
        const char *le = nl ? nl : e;
        line++;
        const char *s = l;
        while (s < le && (*s == ' ' || *s == '\t')) {
            s++;
        }
        cr_pos pos = {file, line, (int)(s - l) + 1};
        int indent = (int)(s - l);
        l = nl ? nl + 1 : e;
        le = line_end(s, le);
        while (le > s && isspace((unsigned char)le[-1])) {
            le--;
        }
        if (s == le) {
            continue;
        }
        if (indent == 0 && *s != '-') {
            const char *colon = memchr(s, ':', (size_t)(le - s));
            if (!colon) {
                rc = cr_diagf(k->c, file, line, 1, "expected 'section:'");
                continue;
            }
            const char *name = word(k, s, colon), *val = word(k, colon + 1, le);
            if (!name || !val) {
                return ZW_ENOMEM;
            }
            if (strcmp(name, "include") == 0) {
                rc = include_file(k, file, val, pos, no_includes, depth);
                section = NULL;
            } else if (*val) {
                rc = cr_diagf(k->c, file, line, (int)(colon - s) + 2,
                              "section '%s' takes no value on its line", name);
            } else {
                section = name;
            }
            cur = NULL;
            continue;
        }
        if (!section) {
            rc = cr_diagf(k->c, file, line, pos.col, "attribute outside of a section");
            continue;
        }
        if (*s == '-') {
            if (!(cur = item_add(k, section, pos))) {
                return ZW_ENOMEM;
            }
            s++;
            while (s < le && (*s == ' ' || *s == '\t')) {
                s++;
            }
            pos.col = (int)(s - (le - (le - s))) + pos.col;
            if (s == le) {
                continue;
            }
        } else if (!cur) {
            if (!(cur = item_add(k, section, pos))) {
                return ZW_ENOMEM;
            }
        }
        rc = attr_add(k, cur, s, le, pos);
    }
    return rc;
}

/* ------------------------------------------------------------------ interpreting */

static const kattr *get(const kitem *it, const char *name)
{
    const kattr *hit = NULL;
    for (size_t i = 0; it && i < it->n; i++) {
        if (strcmp(it->a[i].name, name) == 0) {
            hit = &it->a[i];
        }
    }
    return hit;
}

static const char *get1(const kitem *it, const char *name)
{
    const kattr *a = get(it, name);
    return a && a->nv ? a->v[0] : NULL;
}

static const kitem *find_id(kctx *k, const char *section, const char *id)
{
    const kitem *hit = NULL;
    for (size_t i = 0; id && i < k->n; i++) {
        const char *v = strcmp(k->it[i].section, section) == 0 ? get1(&k->it[i], "id") : NULL;
        if (v && strcmp(v, id) == 0) {
            hit = &k->it[i];
        }
    }
    return hit;
}

static int has(const kattr *a, const char *v)
{
    for (size_t i = 0; a && i < a->nv; i++) {
        if (strcmp(a->v[i], v) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Addresses "ip", "prefix", "a-b" (kept as text), remote "ip@port" (port dropped). */
static int add_addr(kctx *k, cr_elist *l, const char *s, int deny, const char *key)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", s);
    char *at = strchr(buf, '@');
    if (at) {
        *at = '\0';
    }
    cr_elem_kind kind = cr_word_kind(buf) == CR_E_ADDR ? CR_E_ADDR : CR_E_NAME;
    return cr_elist_add(k->c, l, kind, deny, buf, key);
}

/* One acl rule into l when it covers action (first match: order kept). */
static int acl_rule(kctx *k, const char *id, const char *action, cr_elist *l)
{
    const kitem *r = find_id(k, "acl", id);
    if (!r) {
        return ZW_OK; /* knotc conf-check reports undefined references */
    }
    const kattr *act = get(r, "action");
    if (act ? !has(act, action) : strcmp(action, "query") != 0) {
        return ZW_OK;
    }
    const char *deny = get1(r, "deny");
    int d =
        deny && (!strcasecmp(deny, "on") || !strcasecmp(deny, "true") || !strcasecmp(deny, "yes"));
    const char *key = get1(r, "key");
    const kattr *addr = get(r, "address"), *rem = get(r, "remote");
    int rc = ZW_OK;
    if (!addr && !rem) {
        return cr_elist_add(k->c, l, key ? CR_E_KEY : CR_E_ANY, d, NULL, key);
    }
    for (size_t i = 0; addr && i < addr->nv && !rc; i++) {
        rc = add_addr(k, l, addr->v[i], d, key);
    }
    for (size_t i = 0; rem && i < rem->nv && !rc; i++) {
        const kitem *rm = find_id(k, "remote", rem->v[i]);
        const kattr *ra = rm ? get(rm, "address") : NULL;
        const char *rk = rm && get1(rm, "key") ? get1(rm, "key") : key;
        for (size_t j = 0; ra && j < ra->nv && !rc; j++) {
            rc = add_addr(k, l, ra->v[j], d, rk);
        }
    }
    return rc;
}

/* The zone's effective acl for action -> a (the zone's acl list, else its template's). */
static int zone_acl(kctx *k, const kitem *zone, const kitem *tmpl, const char *tid,
                    const char *action, cr_acl *a)
{
    const kattr *acl = get(zone, "acl");
    char scope[300] = "zone";
    if (!acl && tmpl) {
        acl = get(tmpl, "acl");
        snprintf(scope, sizeof scope, "template %s", tid);
    }
    if (!acl) {
        char def[128];
        snprintf(def, sizeof def, "no acl: %s refused", action);
        return cr_acl_default(k->c, a, "none", def);
    }
    cr_elist l = {0};
    int rc = ZW_OK;
    for (size_t i = 0; i < acl->nv && !rc; i++) {
        rc = acl_rule(k, acl->v[i], action, &l);
    }
    zw_buf_clear(&k->text);
    rc = rc ? rc : zw_buf_puts(&k->text, "acl: [");
    for (size_t i = 0; i < acl->nv && !rc; i++) {
        rc = zw_buf_printf(&k->text, "%s%s", i ? ", " : " ", acl->v[i]);
    }
    rc = rc ? rc : zw_buf_printf(&k->text, " ] ->");
    for (size_t i = 0; i < l.n && !rc; i++) {
        const cr_elem *e = &l.e[i];
        rc = zw_buf_printf(&k->text, "%s%s%s%s%s", i ? "," : "", e->neg ? " deny" : "",
                           e->kind == CR_E_KEY ? "" : " ",
                           e->kind == CR_E_ANY ? "any"
                           : e->addr           ? e->addr
                                               : "",
                           e->key ? " key " : "");
        rc = rc ? rc : zw_buf_puts(&k->text, e->key ? e->key : "");
    }
    rc = rc ? rc : zw_buf_printf(&k->text, "%s (%s)", l.n ? "" : " nothing", action);
    rc = rc ? rc : zw_buf_cstr(&k->text);
    rc = rc ? rc : cr_acl_set(k->c, a, &l, scope, k->text.p, acl->pos);
    cr_elist_free(&l);
    return rc;
}

static int zone_one(kctx *k, const kitem *item)
{
    const char *dom = get1(item, "domain");
    if (!dom) {
        return cr_diagf(k->c, item->pos.file, item->pos.line, item->pos.col, "zone without domain");
    }
    cr_zone *z = cr_zone_add(k->c, dom, strlen(dom), NULL, item->pos);
    if (!z) {
        return ZW_ENOMEM;
    }
    const char *tid = get1(item, "template");
    const kitem *t = find_id(k, "template", tid ? tid : "default");
    z->secondary = get(item, "master") || get(item, "primary") ||
                   (t && (get(t, "master") || get(t, "primary")));
    tid = tid ? tid : "default";
    int rc = zone_acl(k, item, t, tid, "transfer", &z->transfer);
    rc = rc ? rc : zone_acl(k, item, t, tid, "update", &z->update);
    rc = rc ? rc : zone_acl(k, item, t, tid, "notify", &z->notify);
    return rc;
}

/* Knot 3.2 (checked in a lab): version.bind answers the real version and hostname.bind
 * and id.server the host name unless server.version / server.identity are set; an
 * empty value refuses, a text answers the text. */
static int server_one(kctx *k, const kitem *item)
{
    static const char *const names[CR__IDS] = {"version", "identity", "identity"};
    for (int i = 0; i < CR__IDS; i++) {
        const kattr *v = get(item, names[i]);
        if (!v) {
            continue;
        }
        const char *s = v->nv ? v->v[0] : "";
        cr_ident *id = &k->c->ident[i];
        id->disclosed = 0;
        char t[300];
        snprintf(t, sizeof t, "server.%s: %s", names[i], *s ? s : "\"\" (refused)");
        if (!(id->text = cr_strdup(k->c, t, strlen(t)))) {
            return ZW_ENOMEM;
        }
        id->pos = v->pos;
    }
    return ZW_OK;
}

static int level_rank(const char *s)
{
    static const char *const lv[] = {"critical", "error", "warning", "notice", "info", "debug"};
    for (size_t i = 0; s && i < ZW_ARRAY_LEN(lv); i++) {
        if (!strcasecmp(s, lv[i])) {
            return (int)i;
        }
    }
    return -1;
}

/* Transfers and updates are logged at info in the zone category; ACL denials only at
 * debug.  No log section: Knot logs to syslog at info. */
static int knot_logging(kctx *k)
{
    cr_config *c = k->c;
    int seen = 0, best = -1;
    cr_pos lpos = {NULL, 0, 0}, dt = {NULL, 0, 0};
    for (size_t i = 0; i < k->n; i++) {
        const kitem *it = &k->it[i];
        if (!strcmp(it->section, "mod-dnstap") && !dt.file) {
            dt = it->pos;
        }
        if (strcmp(it->section, "log") != 0) {
            continue;
        }
        seen = 1;
        int z = level_rank(get1(it, "zone")), a = level_rank(get1(it, "any"));
        int lv = z > a ? z : a;
        if (lv > best) {
            best = lv;
            lpos = it->pos;
        }
        lpos = lpos.file ? lpos : it->pos;
    }
    static const char *const what[CR_LOG__COUNT] = {"transfers (info)", "ACL denials (debug)",
                                                    "updates (info)"};
    for (int i = 0; i < CR_LOG__COUNT; i++) {
        int need = i == CR_LOG_SECURITY ? 5 : 4;
        char how[200] = "";
        c->logged[i].pos = lpos;
        if (!seen && i != CR_LOG_SECURITY) {
            snprintf(how, sizeof how, "no log section: syslog at info");
        } else if (best >= need) {
            snprintf(how, sizeof how, "log target at %s logs %s", best == 5 ? "debug" : "info",
                     what[i]);
        } else if (dt.file && i != CR_LOG_SECURITY) {
            snprintf(how, sizeof how, "mod-dnstap");
            c->logged[i].pos = dt;
        }
        if (how[0] && !(c->logged[i].how = cr_strdup(c, how, strlen(how)))) {
            return ZW_ENOMEM;
        }
    }
    return ZW_OK;
}

int cr_parse_knot(cr_config *c, const char *p, size_t n, const char *name, int no_includes)
{
    kctx k;
    memset(&k, 0, sizeof k);
    k.c = c;
    zw_buf_init(&k.text);
    int rc = load(&k, p, n, name, no_includes, 0);
    c->recursion_na = 1;
    static const char *const def[CR__IDS] = {
        "server.version not set: the real version is answered",
        "server.identity not set: the host name is answered",
        "server.identity not set: id.server answers the host name"};
    for (int i = 0; i < CR__IDS; i++) {
        c->ident[i].text = def[i];
        c->ident[i].disclosed = 1;
    }
    for (size_t i = 0; i < k.n && !rc; i++) {
        const kitem *it = &k.it[i];
        if (!strcmp(it->section, "key") && get1(it, "id")) {
            if (!cr_key_add(c, get1(it, "id"), get1(it, "algorithm"), get1(it, "secret"),
                            it->pos)) {
                rc = ZW_ENOMEM;
            }
        } else if (!strcmp(it->section, "zone")) {
            rc = zone_one(&k, it);
        } else if (!strcmp(it->section, "server")) {
            rc = server_one(&k, it);
        }
    }
    rc = rc ? rc : knot_logging(&k);
    for (size_t i = 0; i < k.n; i++) {
        free(k.it[i].a);
    }
    free(k.it);
    zw_buf_free(&k.text);
    return rc;
}
