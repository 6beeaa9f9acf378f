/*
 * cr_model.c - the common effective-settings model of a DNS server configuration:
 * zones with their effective transfer / update / notify lists, TSIG keys, recursion,
 * identity answers and logging, whatever the server's syntax.  Also the reading entry
 * point (syntax detection, dispatch to the parser) and the address helpers the checks
 * use (is a list open to everyone, is an address inside a prefix).
 *
 * Not for: the syntax of any one server (cr_bind.c, cr_knot.c, cr_nsd.c, cr_pdns.c) or
 * the judgement of a setting (cr_check.c).
 */
#include "cr.h"
#include "cr_internal.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const server_names[CR__SERVERS] = {"bind", "knot", "nsd", "pdns"};

int cr_server_parse(const char *s)
{
    for (int i = 0; i < CR__SERVERS; i++) {
        if (strcmp(s, server_names[i]) == 0) {
            return i;
        }
    }
    return -1;
}

const char *cr_server_name(cr_server s)
{
    return (unsigned)s < CR__SERVERS ? server_names[s] : "?";
}

char *cr_strdup(cr_config *c, const char *p, size_t n)
{
    return zw_arena_strndup(c->arena, p, n);
}

char *cr_dname(cr_config *c, const char *p, size_t n)
{
    if (n > 1 && p[n - 1] == '.') {
        n--;
    }
    char *d = zw_arena_strndup(c->arena, p, n);
    for (size_t i = 0; d && i < n; i++) {
        d[i] = (char)tolower((unsigned char)d[i]);
    }
    return d;
}

int cr_diagf(cr_config *c, const char *file, int64_t line, int64_t col, const char *fmt, ...)
{
    if (c->ndiag == c->capdiag) {
        size_t nc = c->capdiag ? c->capdiag * 2 : 8;
        cr_diag *nd = realloc(c->diag, nc * sizeof *nd);
        if (!nd) {
            return ZW_ENOMEM;
        }
        c->diag = nd;
        c->capdiag = nc;
    }
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cr_diag *d = &c->diag[c->ndiag];
    d->file = file;
    d->line = line;
    d->col = col;
    d->msg = zw_arena_strndup(c->arena, msg, strlen(msg));
    if (!d->msg) {
        return ZW_ENOMEM;
    }
    c->ndiag++;
    return ZW_OK;
}

cr_zone *cr_zone_add(cr_config *c, const char *name, size_t n, const char *view, cr_pos pos)
{
    if (c->nzones == c->capzones) {
        size_t nc = c->capzones ? c->capzones * 2 : 16;
        cr_zone *nz = realloc(c->zones, nc * sizeof *nz);
        if (!nz) {
            return NULL;
        }
        c->zones = nz;
        c->capzones = nc;
    }
    cr_zone *z = &c->zones[c->nzones];
    memset(z, 0, sizeof *z);
    z->name = cr_dname(c, name, n);
    z->view = view;
    z->pos = pos;
    if (!z->name) {
        return NULL;
    }
    c->nzones++;
    return z;
}

size_t cr_b64_len(const char *s)
{
    size_t chars = 0, pad = 0;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (isspace(ch)) {
            continue;
        }
        if (ch == '=') {
            pad++;
            continue;
        }
        if (pad || !(isalnum(ch) || ch == '+' || ch == '/')) {
            return 0;
        }
        chars++;
    }
    if ((chars + pad) % 4 != 0 || pad > 2) {
        return 0;
    }
    return chars * 6 / 8;
}

cr_key *cr_key_add(cr_config *c, const char *name, const char *alg, const char *secret, cr_pos pos)
{
    if (c->nkeys == c->capkeys) {
        size_t nc = c->capkeys ? c->capkeys * 2 : 8;
        cr_key *nk = realloc(c->keys, nc * sizeof *nk);
        if (!nk) {
            return NULL;
        }
        c->keys = nk;
        c->capkeys = nc;
    }
    cr_key *k = &c->keys[c->nkeys];
    memset(k, 0, sizeof *k);
    k->name = cr_strdup(c, name, strlen(name));
    k->algorithm = cr_dname(c, alg ? alg : "", alg ? strlen(alg) : 0);
    k->secret_bytes = secret ? cr_b64_len(secret) : 0;
    k->pos = pos;
    if (!k->name || !k->algorithm) {
        return NULL;
    }
    c->nkeys++;
    return k;
}

int cr_elist_add(cr_config *c, cr_elist *l, cr_elem_kind k, int neg, const char *addr,
                 const char *key)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 8;
        cr_elem *ne = realloc(l->e, nc * sizeof *ne);
        if (!ne) {
            return ZW_ENOMEM;
        }
        l->e = ne;
        l->cap = nc;
    }
    cr_elem *e = &l->e[l->n];
    e->kind = k;
    e->neg = neg;
    e->addr = addr ? cr_strdup(c, addr, strlen(addr)) : NULL;
    e->key = key ? cr_strdup(c, key, strlen(key)) : NULL;
    if ((addr && !e->addr) || (key && !e->key)) {
        return ZW_ENOMEM;
    }
    l->n++;
    return ZW_OK;
}

void cr_elist_free(cr_elist *l)
{
    free(l->e);
    l->e = NULL;
    l->n = l->cap = 0;
}

int cr_acl_set(cr_config *c, cr_acl *a, const cr_elist *l, const char *scope, const char *text,
               cr_pos pos)
{
    a->n = l->n;
    a->e = l->n ? zw_arena_alloc(c->arena, l->n * sizeof *a->e) : NULL;
    if (l->n && !a->e) {
        return ZW_ENOMEM;
    }
    if (l->n) {
        memcpy(a->e, l->e, l->n * sizeof *a->e);
    }
    a->set = 1;
    a->scope = cr_strdup(c, scope, strlen(scope));
    a->text = cr_strdup(c, text, strlen(text));
    a->pos = pos;
    return a->scope && a->text ? ZW_OK : ZW_ENOMEM;
}

cr_elem_kind cr_word_kind(const char *w)
{
    if (strcmp(w, "any") == 0) {
        return CR_E_ANY;
    }
    if (strcmp(w, "none") == 0) {
        return CR_E_NONE;
    }
    if (cr_cidr_contains(w, w) >= 0) {
        return CR_E_ADDR;
    }
    return CR_E_NAME;
}

int cr_acl_default(cr_config *c, cr_acl *a, const char *items, const char *text)
{
    cr_elist l = {0};
    int rc = ZW_OK;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", items);
    for (char *save = NULL, *w = strtok_r(buf, " ", &save); w && !rc;
         w = strtok_r(NULL, " ", &save)) {
        cr_elem_kind k = cr_word_kind(w);
        rc = cr_elist_add(c, &l, k, 0, k == CR_E_ADDR || k == CR_E_NAME ? w : NULL, NULL);
    }
    cr_pos none = {NULL, 0, 0};
    rc = rc ? rc : cr_acl_set(c, a, &l, "default", text, none);
    a->set = 0;
    cr_elist_free(&l);
    return rc;
}

char *cr_path_rel(cr_config *c, const char *from, const char *name)
{
    const char *slash = from ? strrchr(from, '/') : NULL;
    if (name[0] == '/' || !slash) {
        return cr_strdup(c, name, strlen(name));
    }
    size_t dn = (size_t)(slash - from) + 1, nn = strlen(name);
    char *p = zw_arena_alloc(c->arena, dn + nn + 1);
    if (p) {
        memcpy(p, from, dn);
        memcpy(p + dn, name, nn + 1);
    }
    return p;
}

int cr_read_include(cr_config *c, const char *path, zw_buf *b, cr_pos pos)
{
    char err[300];
    if (c->files >= CR_MAX_FILES) {
        return cr_diagf(c, pos.file, pos.line, pos.col,
                        "include %s: more than %d files in one configuration", path, CR_MAX_FILES)
                   ? ZW_ENOMEM
                   : ZW_EINVAL;
    }
    if (zw_buf_read_file(b, path, err, sizeof err)) {
        return cr_diagf(c, pos.file, pos.line, pos.col, "include: %s", err) ? ZW_ENOMEM : ZW_EINVAL;
    }
    c->files++;
    return ZW_OK;
}

/* ---------------------------------------------------------------- addresses */

/* Parses "addr" or "addr/len" into family, 16 bytes and prefix length. */
static int parse_cidr(const char *s, int *fam, unsigned char a[16], int *plen)
{
    char buf[64];
    const char *sl = strchr(s, '/');
    size_t n = sl ? (size_t)(sl - s) : strlen(s);
    if (n == 0 || n >= sizeof buf) {
        return -1;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    memset(a, 0, 16);
    int max;
    if (inet_pton(AF_INET, buf, a) == 1) {
        *fam = 4;
        max = 32;
    } else if (inet_pton(AF_INET6, buf, a) == 1) {
        *fam = 6;
        max = 128;
    } else {
        return -1;
    }
    *plen = max;
    if (sl) {
        char *end;
        long v = strtol(sl + 1, &end, 10);
        if (end == sl + 1 || *end || v < 0 || v > max) {
            return -1;
        }
        *plen = (int)v;
    }
    return 0;
}

int cr_cidr_contains(const char *p, const char *a)
{
    int fp, fa, lp, la;
    unsigned char bp[16], ba[16];
    if (!p || !a || parse_cidr(p, &fp, bp, &lp) || parse_cidr(a, &fa, ba, &la)) {
        return -1;
    }
    if (fp != fa || la < lp) {
        return 0;
    }
    int full = lp / 8, rem = lp % 8;
    if (memcmp(bp, ba, (size_t)full) != 0) {
        return 0;
    }
    return !rem || !((bp[full] ^ ba[full]) & (0xff << (8 - rem)) & 0xff);
}

/* Does the element cover every address (any, 0.0.0.0/0, ::/0)? */
static int elem_everyone(const cr_elem *e)
{
    if (e->kind == CR_E_ANY) {
        return 1;
    }
    int fam, plen;
    unsigned char b[16];
    return e->kind == CR_E_ADDR && parse_cidr(e->addr, &fam, b, &plen) == 0 && plen == 0;
}

int cr_acl_open(const cr_acl *a)
{
    for (size_t i = 0; i < a->n; i++) {
        const cr_elem *e = &a->e[i];
        if (e->kind == CR_E_KEY || e->key) {
            continue; /* an unsigned request does not match a key element */
        }
        if (elem_everyone(e)) {
            return !e->neg;
        }
        if (e->kind == CR_E_NONE && e->neg) {
            return 1; /* !none: everyone */
        }
    }
    return 0;
}

int cr_acl_allows_some(const cr_acl *a)
{
    for (size_t i = 0; i < a->n; i++) {
        if (!a->e[i].neg && a->e[i].kind != CR_E_NONE) {
            return 1;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------- reading */

int cr_detect(const char *p, size_t n)
{
    int braces = 0, semis = 0, eq_lines = 0, dash_id = 0, nsd_name = 0, lines = 0;
    const char *e = p + n;
    for (const char *l = p; l < e && lines < 2000;) {
        const char *nl = memchr(l, '\n', (size_t)(e - l));
        const char *le = nl ? nl : e;
        const char *s = l;
        while (s < le && (*s == ' ' || *s == '\t')) {
            s++;
        }
        size_t ln = (size_t)(le - s);
        if (ln && *s != '#' && !zw_starts(s, ln, "//")) {
            lines++;
            for (const char *q = s; q < le; q++) {
                braces += *q == '{';
                semis += *q == ';';
            }
            const char *eq = memchr(s, '=', ln), *colon = memchr(s, ':', ln);
            if (eq && (!colon || eq < colon) && eq > s && isalpha((unsigned char)*s)) {
                eq_lines++;
            }
            dash_id += zw_starts(s, ln, "- id:") || zw_starts(s, ln, "- domain:") ||
                       zw_starts(s, ln, "- target:");
            /* sections only knot.conf has */
            static const char *const knot_only[] = {
                "acl:",    "template:", "remote:",  "database:",   "log:",
                "policy:", "mod-",      "control:", "submission:", "keystore:"};
            for (size_t i = 0; s == l && i < ZW_ARRAY_LEN(knot_only); i++) {
                dash_id += zw_starts(s, ln, knot_only[i]);
            }
            nsd_name += s > l && zw_starts(s, ln, "name:");
        }
        l = nl ? nl + 1 : e;
    }
    if (braces && semis) {
        return CR_BIND;
    }
    if (dash_id) {
        return CR_KNOT;
    }
    if (nsd_name) {
        return CR_NSD;
    }
    if (eq_lines && eq_lines * 2 >= lines) {
        return CR_PDNS;
    }
    return -1;
}

void cr_config_destroy(cr_config *c)
{
    if (!c) {
        return;
    }
    free(c->zones);
    free(c->keys);
    free(c->diag);
    zw_arena_destroy(c->arena);
    free(c);
}

int cr_config_read_mem(const char *p, size_t n, const char *name, int type, int no_includes,
                       cr_config **out, char *errstr, size_t errstr_size)
{
    *out = NULL;
    if (type < 0) {
        type = cr_detect(p, n);
    }
    if (type < 0 || type >= CR__SERVERS) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL,
                       "%s: cannot tell the server type from the syntax (give --type "
                       "bind|knot|nsd|pdns)",
                       name);
    }
    cr_config *c = calloc(1, sizeof *c);
    if (!c || !(c->arena = zw_arena_new(0))) {
        free(c);
        return zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
    }
    c->server = (cr_server)type;
    c->path = cr_strdup(c, name, strlen(name));
    c->files = 1;
    int rc;
    switch (c->server) {
    case CR_BIND:
        rc = cr_parse_bind(c, p, n, c->path, no_includes);
        break;
    case CR_KNOT:
        rc = cr_parse_knot(c, p, n, c->path, no_includes);
        break;
    case CR_NSD:
        rc = cr_parse_nsd(c, p, n, c->path, no_includes);
        break;
    default:
        rc = cr_parse_pdns(c, p, n, c->path, no_includes);
        break;
    }
    if (rc == ZW_ENOMEM || !c->path) {
        cr_config_destroy(c);
        return zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
    }
    *out = c;
    if (c->ndiag) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "%s: %zu error(s)", name, c->ndiag);
    }
    return ZW_OK;
}

int cr_config_read(const char *path, int type, cr_config **out, char *errstr, size_t errstr_size)
{
    zw_buf b;
    zw_buf_init(&b);
    *out = NULL;
    int rc = zw_buf_read_file(&b, path, errstr, errstr_size);
    if (!rc) {
        rc = cr_config_read_mem(b.p ? b.p : "", b.len, path, type, 0, out, errstr, errstr_size);
    }
    zw_buf_free(&b);
    return rc;
}
