/*
 * cr_bind.c - named.conf into the review model.  Two phases: a tokenizer and
 * statement reader build a generic tree (words, then an optional block of statements,
 * then a ';'), splicing `include` files in place; then the interpreter reads acl, key,
 * options, view, zone and logging statements from the tree and resolves each zone's
 * effective allow-transfer / allow-update (or update-policy) / allow-notify by BIND's
 * inheritance, zone -> view -> options -> built-in default (BIND 9.18: transfers to
 * any, updates from none).  Syntax errors are diagnostics with file:line:col; the reader
 * skips to the next ';' or '}' and goes on.
 *
 * Not for: the other options of named.conf (parsed, not interpreted) or checking them
 * (named-checkconf does that; the tests run it on every test file).
 */
#include "cr.h"
#include "cr_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define BIND_MAX_NESTING 64

typedef struct bnode {
    char **w;
    size_t nw;
    struct bnode *kids;
    size_t nkids, capkids;
    int block;
    cr_pos pos;
} bnode;

typedef enum { T_EOF, T_WORD, T_STR, T_LBRACE, T_RBRACE, T_SEMI, T_ERR } tok_kind;

typedef struct {
    cr_config *c;
    const char *p, *e, *file;
    int line, col;
    tok_kind kind;
    const char *tp;
    size_t tn;
    int tline, tcol;
    int no_includes, depth;
} lexer;

static void adv(lexer *lx)
{
    if (*lx->p == '\n') {
        lx->line++;
        lx->col = 1;
    } else {
        lx->col++;
    }
    lx->p++;
}

/* Skips blanks and comments; a comment left open at the end is a diagnostic. */
static int skip_space(lexer *lx)
{
    while (lx->p < lx->e) {
        char ch = *lx->p;
        if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') {
            adv(lx);
        } else if (ch == '#' || (ch == '/' && lx->p + 1 < lx->e && lx->p[1] == '/')) {
            while (lx->p < lx->e && *lx->p != '\n') {
                adv(lx);
            }
        } else if (ch == '/' && lx->p + 1 < lx->e && lx->p[1] == '*') {
            int l = lx->line, c = lx->col;
            adv(lx);
            adv(lx);
            while (lx->p < lx->e && !(*lx->p == '*' && lx->p + 1 < lx->e && lx->p[1] == '/')) {
                adv(lx);
            }
            if (lx->p >= lx->e) {
                return cr_diagf(lx->c, lx->file, l, c, "comment '/*' is not closed");
            }
            adv(lx);
            adv(lx);
        } else {
            break;
        }
    }
    return ZW_OK;
}

static int next(lexer *lx)
{
    int rc = skip_space(lx);
    lx->tline = lx->line;
    lx->tcol = lx->col;
    lx->tp = lx->p;
    lx->tn = 0;
    if (rc) {
        return rc;
    }
    if (lx->p >= lx->e) {
        lx->kind = T_EOF;
        return ZW_OK;
    }
    char ch = *lx->p;
    if (ch == '{' || ch == '}' || ch == ';') {
        lx->kind = ch == '{' ? T_LBRACE : ch == '}' ? T_RBRACE : T_SEMI;
        lx->tn = 1;
        adv(lx);
        return ZW_OK;
    }
    if (ch == '"') {
        adv(lx);
        lx->tp = lx->p;
        while (lx->p < lx->e && *lx->p != '"') {
            if (*lx->p == '\\' && lx->p + 1 < lx->e) {
                adv(lx);
            }
            adv(lx);
        }
        if (lx->p >= lx->e) {
            lx->kind = T_ERR;
            return cr_diagf(lx->c, lx->file, lx->tline, lx->tcol, "string is not closed");
        }
        lx->tn = (size_t)(lx->p - lx->tp);
        lx->kind = T_STR;
        adv(lx);
        return ZW_OK;
    }
    while (lx->p < lx->e) {
        ch = *lx->p;
        if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '{' || ch == '}' ||
            ch == ';' || ch == '"' || ch == '#' ||
            (ch == '/' && lx->p + 1 < lx->e && (lx->p[1] == '/' || lx->p[1] == '*'))) {
            break;
        }
        adv(lx);
    }
    lx->tn = (size_t)(lx->p - lx->tp);
    lx->kind = T_WORD;
    return ZW_OK;
}

static bnode *kid_add(bnode *parent)
{
    if (parent->nkids == parent->capkids) {
        size_t nc = parent->capkids ? parent->capkids * 2 : 8;
        bnode *nk = realloc(parent->kids, nc * sizeof *nk);
        if (!nk) {
            return NULL;
        }
        parent->kids = nk;
        parent->capkids = nc;
    }
    bnode *k = &parent->kids[parent->nkids++];
    memset(k, 0, sizeof *k);
    return k;
}

static void tree_free(bnode *n)
{
    for (size_t i = 0; i < n->nkids; i++) {
        tree_free(&n->kids[i]);
    }
    free(n->kids);
    free(n->w);
}

static int word_add(lexer *lx, bnode *s)
{
    char **nw = realloc(s->w, (s->nw + 1) * sizeof *nw);
    if (!nw) {
        return ZW_ENOMEM;
    }
    s->w = nw;
    s->w[s->nw] = cr_strdup(lx->c, lx->tp, lx->tn);
    return s->w[s->nw++] ? ZW_OK : ZW_ENOMEM;
}

static int read_block(lexer *lx, bnode *parent, int nesting);

/* Skips to the end of the broken statement (a ';' at this level, or before a '}'). */
static int recover(lexer *lx)
{
    int depth = 0, rc = ZW_OK;
    while (!rc && lx->kind != T_EOF) {
        if (lx->kind == T_LBRACE) {
            depth++;
        } else if (lx->kind == T_RBRACE) {
            if (depth == 0) {
                return ZW_OK; /* the caller's block ends here */
            }
            depth--;
        } else if (lx->kind == T_SEMI && depth == 0) {
            return next(lx);
        }
        rc = next(lx);
    }
    return rc;
}

static int do_include(lexer *lx, bnode *parent, const char *name, cr_pos pos, int nesting);

/* One statement into parent (or an include spliced into it).  The current token is
 * its first word. */
static int read_stmt(lexer *lx, bnode *parent, int nesting)
{
    cr_pos pos = {lx->file, lx->tline, lx->tcol};
    bnode tmp;
    memset(&tmp, 0, sizeof tmp);
    tmp.pos = pos;
    int rc = ZW_OK;
    while (!rc && (lx->kind == T_WORD || lx->kind == T_STR || lx->kind == T_LBRACE)) {
        if (lx->kind == T_LBRACE) {
            if (nesting >= BIND_MAX_NESTING) {
                rc = cr_diagf(lx->c, lx->file, lx->tline, lx->tcol, "blocks nested deeper than %d",
                              BIND_MAX_NESTING);
                rc = rc ? rc : ZW_EINVAL;
                break;
            }
            tmp.block = 1;
            int l = lx->tline, col = lx->tcol;
            rc = next(lx);
            rc = rc ? rc : read_block(lx, &tmp, nesting + 1);
            if (!rc && lx->kind != T_RBRACE) {
                rc = cr_diagf(lx->c, lx->file, l, col, "'{' is not closed");
                rc = rc ? rc : ZW_EINVAL;
                break;
            }
            rc = rc ? rc : next(lx);
        } else {
            rc = word_add(lx, &tmp);
            rc = rc ? rc : next(lx);
        }
    }
    if (!rc && lx->kind != T_SEMI) {
        if (lx->kind == T_ERR || lx->kind == T_EOF) {
            rc = cr_diagf(lx->c, lx->file, lx->tline, lx->tcol, "missing ';' before end of input");
        } else {
            rc = cr_diagf(lx->c, lx->file, lx->tline, lx->tcol, "expected ';' before '%.*s'",
                          (int)(lx->tn > 40 ? 40 : lx->tn), lx->tp);
        }
        rc = rc ? rc : recover(lx);
        if (!rc && lx->kind == T_RBRACE) {
            /* keep what was read: a missing ';' before '}' */
        }
    } else if (!rc) {
        rc = next(lx);
    }
    if (rc == ZW_EINVAL) {
        rc = recover(lx);
    }
    if (!rc && tmp.nw == 2 && strcmp(tmp.w[0], "include") == 0 && !tmp.block) {
        rc = do_include(lx, parent, tmp.w[1], pos, nesting);
        tree_free(&tmp);
        return rc;
    }
    if (!rc && (tmp.nw || tmp.block)) {
        bnode *k = kid_add(parent);
        if (!k) {
            tree_free(&tmp);
            return ZW_ENOMEM;
        }
        *k = tmp;
        return ZW_OK;
    }
    tree_free(&tmp);
    return rc;
}

/* Statements up to a '}' or the end. */
static int read_block(lexer *lx, bnode *parent, int nesting)
{
    int rc = ZW_OK;
    while (!rc && lx->kind != T_EOF && lx->kind != T_RBRACE) {
        if (lx->kind == T_SEMI) {
            rc = next(lx);
        } else if (lx->kind == T_ERR) {
            rc = next(lx);
        } else {
            rc = read_stmt(lx, parent, nesting);
        }
    }
    return rc;
}

static int parse_into(cr_config *c, const char *p, size_t n, const char *file, int no_includes,
                      int depth, bnode *root, int nesting)
{
    lexer lx = {c, p, p + n, file, 1, 1, T_EOF, p, 0, 1, 1, no_includes, depth};
    int rc = next(&lx);
    while (!rc && lx.kind != T_EOF) {
        rc = read_block(&lx, root, nesting);
        if (!rc && lx.kind == T_RBRACE) {
            rc = cr_diagf(c, file, lx.tline, lx.tcol, "unexpected '}'");
            rc = rc ? rc : next(&lx);
        }
    }
    return rc;
}

static int do_include(lexer *lx, bnode *parent, const char *name, cr_pos pos, int nesting)
{
    if (lx->no_includes) {
        return ZW_OK;
    }
    if (lx->depth >= CR_MAX_INCLUDE_DEPTH) {
        return cr_diagf(lx->c, pos.file, pos.line, pos.col, "include %s: nested deeper than %d",
                        name, CR_MAX_INCLUDE_DEPTH);
    }
    char *path = cr_path_rel(lx->c, lx->file, name);
    if (!path) {
        return ZW_ENOMEM;
    }
    zw_buf b;
    zw_buf_init(&b);
    int rc = cr_read_include(lx->c, path, &b, pos);
    if (rc == ZW_OK) {
        rc = parse_into(lx->c, b.p ? b.p : "", b.len, path, lx->no_includes, lx->depth + 1, parent,
                        nesting);
    } else if (rc == ZW_EINVAL) {
        rc = ZW_OK; /* recorded */
    }
    zw_buf_free(&b);
    return rc;
}

/* ---------------------------------------------------------------- interpreter */

typedef struct {
    cr_config *c;
    bnode *root;
    const bnode *acls[256];
    size_t nacls;
    zw_buf text;
} interp;

static const bnode *find(const bnode *blk, const char *name)
{
    const bnode *hit = NULL;
    for (size_t i = 0; blk && i < blk->nkids; i++) {
        if (blk->kids[i].nw && strcasecmp(blk->kids[i].w[0], name) == 0) {
            hit = &blk->kids[i]; /* the last one wins, as a repeated option would */
        }
    }
    return hit;
}

static const char *word1(const bnode *s)
{
    return s && s->nw >= 2 ? s->w[1] : NULL;
}

static const bnode *acl_named(interp *in, const char *name)
{
    for (size_t i = 0; i < in->nacls; i++) {
        if (strcmp(in->acls[i]->w[1], name) == 0) {
            return in->acls[i];
        }
    }
    return NULL;
}

/* Flattens an address match list block into l; acl names expand, "!" applies to the
 * elements it covers (a negated nested list is approximated element by element). */
static int elems(interp *in, const bnode *blk, int neg, cr_elist *l, int depth)
{
    int rc = ZW_OK;
    if (depth > CR_MAX_ACL_DEPTH) {
        return cr_diagf(in->c, blk->pos.file, blk->pos.line, blk->pos.col,
                        "acl references nested deeper than %d (a loop?)", CR_MAX_ACL_DEPTH);
    }
    for (size_t i = 0; i < blk->nkids && !rc; i++) {
        const bnode *s = &blk->kids[i];
        size_t wi = 0;
        int n = neg;
        if (s->nw && strcmp(s->w[0], "!") == 0) {
            n = !n;
            wi = 1;
        }
        if (wi >= s->nw) {
            if (s->block) {
                rc = elems(in, s, n, l, depth + 1);
            }
            continue;
        }
        const char *w = s->w[wi];
        if (w[0] == '!') {
            n = !n;
            w++;
        }
        if (strcasecmp(w, "key") == 0 && wi + 1 < s->nw) {
            rc = cr_elist_add(in->c, l, CR_E_KEY, n, NULL, s->w[wi + 1]);
            continue;
        }
        cr_elem_kind k = cr_word_kind(w);
        if (k == CR_E_NAME && strcmp(w, "localhost") && strcmp(w, "localnets")) {
            const bnode *a = acl_named(in, w);
            if (a && a->block) {
                rc = elems(in, a, n, l, depth + 1);
                continue;
            }
            rc = cr_diagf(in->c, s->pos.file, s->pos.line, s->pos.col, "'%s' is not a defined acl",
                          w);
            continue;
        }
        rc = cr_elist_add(in->c, l, k, n, k == CR_E_ADDR || k == CR_E_NAME ? w : NULL, NULL);
    }
    return rc;
}

/* The statement as text, for evidence ("allow-transfer { 127.0.0.2; key \"k\"; }"). */
static int stmt_text(const bnode *s, zw_buf *b, int depth)
{
    int rc = ZW_OK;
    for (size_t i = 0; i < s->nw && !rc; i++) {
        rc = zw_buf_printf(b, "%s%s", i ? " " : "", s->w[i]);
    }
    if (s->block && !rc) {
        rc = zw_buf_puts(b, s->nw ? " { " : "{ ");
        for (size_t i = 0; i < s->nkids && !rc && depth < 8; i++) {
            rc = stmt_text(&s->kids[i], b, depth + 1);
            rc = rc ? rc : zw_buf_puts(b, "; ");
        }
        rc = rc ? rc : zw_buf_puts(b, "}");
    }
    return rc;
}

/* Sets a from statement s (an address match list) at scope. */
static int acl_from(interp *in, cr_acl *a, const bnode *s, const char *scope)
{
    cr_elist l = {0};
    int rc = s->block ? elems(in, s, 0, &l, 0) : ZW_OK;
    zw_buf_clear(&in->text);
    rc = rc ? rc : stmt_text(s, &in->text, 0);
    rc = rc ? rc : zw_buf_cstr(&in->text);
    rc = rc ? rc : cr_acl_set(in->c, a, &l, scope, in->text.p, s->pos);
    cr_elist_free(&l);
    return rc;
}

/* update-policy { grant ID ...; } -> one key element per identity; "local" -> the
 * session key; the list allows nothing unsigned. */
static int policy_from(interp *in, cr_acl *a, const bnode *s, const char *scope)
{
    cr_elist l = {0};
    int rc = ZW_OK;
    if (s->nw >= 2 && strcmp(s->w[1], "local") == 0) {
        rc = cr_elist_add(in->c, &l, CR_E_KEY, 0, NULL, "local-ddns");
    }
    for (size_t i = 0; i < s->nkids && !rc; i++) {
        const bnode *g = &s->kids[i];
        if (g->nw >= 2) {
            rc = cr_elist_add(in->c, &l, CR_E_KEY, strcmp(g->w[0], "deny") == 0, NULL, g->w[1]);
        }
    }
    zw_buf_clear(&in->text);
    rc = rc ? rc : stmt_text(s, &in->text, 0);
    rc = rc ? rc : zw_buf_cstr(&in->text);
    rc = rc ? rc : cr_acl_set(in->c, a, &l, scope, in->text.p, s->pos);
    cr_elist_free(&l);
    return rc;
}

/* The first of zone, view, options that sets name -> a; else the default. */
static int inherit(interp *in, cr_acl *a, const char *name, const bnode *zone, const bnode *view,
                   const char *vscope, const bnode *opts, const char *def, const char *deftext)
{
    const bnode *s;
    if ((s = find(zone, name))) {
        return acl_from(in, a, s, "zone");
    }
    if (view && (s = find(view, name))) {
        return acl_from(in, a, s, vscope);
    }
    if ((s = find(opts, name))) {
        return acl_from(in, a, s, "options");
    }
    return cr_acl_default(in->c, a, def, deftext);
}

static int zone_add(interp *in, const bnode *zs, const bnode *view, const char *vname,
                    const bnode *opts)
{
    const char *type = word1(find(zs, "type"));
    if (!type || zs->nw < 2) {
        return cr_diagf(in->c, zs->pos.file, zs->pos.line, zs->pos.col,
                        "zone without a name or type");
    }
    int secondary = !strcasecmp(type, "secondary") || !strcasecmp(type, "slave");
    if (!secondary && strcasecmp(type, "primary") && strcasecmp(type, "master")) {
        return ZW_OK; /* hint, forward, stub, mirror, ...: nothing served as authority */
    }
    cr_zone *z = cr_zone_add(in->c, zs->w[1], strlen(zs->w[1]), vname, zs->pos);
    if (!z) {
        return ZW_ENOMEM;
    }
    z->secondary = secondary;
    char vscope[300];
    snprintf(vscope, sizeof vscope, "view %s", vname ? vname : "");
    int rc = inherit(in, &z->transfer, "allow-transfer", zs, view, vscope, opts, "any",
                     "allow-transfer not set: BIND allows transfers to any host");
    const bnode *pol = find(zs, "update-policy");
    if (!rc && pol) {
        rc = policy_from(in, &z->update, pol, "zone");
    } else if (!rc) {
        rc = inherit(in, &z->update, "allow-update", zs, view, vscope, opts, "none",
                     "allow-update not set: updates refused");
    }
    rc = rc ? rc
            : inherit(in, &z->notify, "allow-notify", zs, view, vscope, opts, "none",
                      "allow-notify not set: NOTIFY accepted from the zone's primaries only");
    return rc;
}

static int key_add(interp *in, const bnode *k)
{
    if (k->nw < 2 || !k->block) {
        return cr_diagf(in->c, k->pos.file, k->pos.line, k->pos.col, "key without name or body");
    }
    return cr_key_add(in->c, k->w[1], word1(find(k, "algorithm")), word1(find(k, "secret")), k->pos)
               ? ZW_OK
               : ZW_ENOMEM;
}

/* recursion and its client list for one view (or the options alone). */
static int recursion_of(interp *in, const bnode *view, const char *vscope, const bnode *opts)
{
    cr_config *c = in->c;
    const bnode *r = view ? find(view, "recursion") : NULL;
    r = r ? r : find(opts, "recursion");
    const char *v = word1(r);
    int on = !v || !strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1");
    cr_acl a;
    memset(&a, 0, sizeof a);
    int rc;
    const bnode *s = view ? find(view, "allow-recursion") : NULL;
    const char *scope = vscope;
    if (!s && (s = find(opts, "allow-recursion"))) {
        scope = "options";
    }
    if (!s && view && (s = find(view, "allow-query-cache"))) {
        scope = vscope;
    }
    if (!s && (s = find(opts, "allow-query-cache"))) {
        scope = "options";
    }
    if (s) {
        rc = acl_from(in, &a, s, scope);
    } else {
        rc = cr_acl_default(c, &a, "localnets localhost",
                            "allow-recursion not set: localnets; localhost");
    }
    if (rc) {
        return rc;
    }
    /* keep the worst view: an open one, else the first seen */
    int worse = on && cr_acl_open(&a) && !(c->recursion && cr_acl_open(&c->recursion_clients));
    if (worse || !c->recursion_clients.text) {
        c->recursion = on;
        c->recursion_clients = a;
        c->recursion_set.value = r ? cr_strdup(c, v ? v : "", v ? strlen(v) : 0) : NULL;
        if (r) {
            c->recursion_set.pos = r->pos;
        }
    }
    return ZW_OK;
}

static int ident(interp *in, const bnode *opts)
{
    cr_config *c = in->c;
    static const char *const names[CR__IDS] = {"version", "hostname", "server-id"};
    for (int i = 0; i < CR__IDS; i++) {
        const bnode *s = find(opts, names[i]);
        const char *v = word1(s);
        cr_ident *id = &c->ident[i];
        zw_buf_clear(&in->text);
        if (!s) {
            id->disclosed = i != CR_ID_SERVERID; /* version and hostname answer by default */
            static const char *const def[CR__IDS] = {
                "version not set: the real version is answered",
                "hostname not set: the real host name is answered",
                "server-id not set: id.server is not answered"};
            id->text = def[i];
            continue;
        }
        id->disclosed = v && i != CR_ID_VERSION && !strcasecmp(v, "hostname");
        int rc = stmt_text(s, &in->text, 0);
        rc = rc ? rc : zw_buf_cstr(&in->text);
        if (rc || !(id->text = cr_strdup(c, in->text.p, in->text.len))) {
            return ZW_ENOMEM;
        }
        id->pos = s->pos;
    }
    return ZW_OK;
}

/* Does the channel record info-level messages somewhere? */
static int channel_records(const bnode *logging, const char *name)
{
    if (!strcmp(name, "null") || !strcmp(name, "default_debug")) {
        return 0; /* default_debug writes only when the server runs with -d */
    }
    if (!strcmp(name, "default_syslog") || !strcmp(name, "default_stderr") ||
        !strcmp(name, "default_logfile")) {
        return 1;
    }
    for (size_t i = 0; logging && i < logging->nkids; i++) {
        const bnode *ch = &logging->kids[i];
        if (ch->nw < 2 || strcasecmp(ch->w[0], "channel") || strcmp(ch->w[1], name)) {
            continue;
        }
        if (find(ch, "null")) {
            return 0;
        }
        const char *sev = word1(find(ch, "severity"));
        if (sev && (!strcasecmp(sev, "critical") || !strcasecmp(sev, "error") ||
                    !strcasecmp(sev, "warning") || !strcasecmp(sev, "notice"))) {
            return 0; /* transfers, denials and updates are logged at info */
        }
        return find(ch, "file") || find(ch, "syslog") || find(ch, "stderr");
    }
    return 0; /* undefined channel: named-checkconf rejects it */
}

/* A category statement (or NULL), and whether one of its channels records. */
static const bnode *category(const bnode *logging, const char *name, int *records)
{
    *records = 0;
    const bnode *hit = NULL;
    for (size_t i = 0; logging && i < logging->nkids; i++) {
        const bnode *s = &logging->kids[i];
        if (s->nw >= 2 && !strcasecmp(s->w[0], "category") && !strcmp(s->w[1], name)) {
            hit = s;
        }
    }
    for (size_t i = 0; hit && i < hit->nkids; i++) {
        if (hit->kids[i].nw && channel_records(logging, hit->kids[i].w[0])) {
            *records = 1;
        }
    }
    return hit;
}

/* logging { category ... } and dnstap { ... } -> c->logged[]. */
static int bind_logging(interp *in, const bnode *root, const bnode *opts)
{
    cr_config *c = in->c;
    const bnode *logging = find(root, "logging");
    static const char *const cats[CR_LOG__COUNT] = {"xfer-out", "security", "update"};
    const bnode *dt = find(opts, "dnstap");
    int dt_auth = 0, dt_update = 0;
    for (size_t i = 0; dt && i < dt->nkids; i++) {
        const char *w = dt->kids[i].nw ? dt->kids[i].w[0] : "";
        dt_auth |= !strcmp(w, "auth") || !strcmp(w, "all");
        dt_update |= !strcmp(w, "update") || !strcmp(w, "all");
    }
    for (int k = 0; k < CR_LOG__COUNT; k++) {
        cr_logged *lg = &c->logged[k];
        int rec = 0, drec = 0;
        char how[300];
        how[0] = '\0';
        const bnode *cat = category(logging, cats[k], &rec);
        const bnode *def = cat ? NULL : category(logging, "default", &drec);
        if (cat && rec) {
            snprintf(how, sizeof how, "category %s", cats[k]);
            lg->pos = cat->pos;
        } else if (!cat && def && drec) {
            snprintf(how, sizeof how, "category default (no category %s)", cats[k]);
            lg->pos = def->pos;
        } else if (!cat && !def) {
            snprintf(how, sizeof how, "category default not set: default_syslog");
            lg->pos = logging ? logging->pos : lg->pos;
        }
        if (!how[0] && ((k == CR_LOG_TRANSFER && dt_auth) || (k == CR_LOG_UPDATE && dt_update))) {
            snprintf(how, sizeof how, "dnstap { %s; }", k == CR_LOG_TRANSFER ? "auth" : "update");
            lg->pos = dt->pos;
        }
        if (!how[0]) {
            lg->pos = cat ? cat->pos : def ? def->pos : lg->pos;
            continue;
        }
        if (!(lg->how = cr_strdup(c, how, strlen(how)))) {
            return ZW_ENOMEM;
        }
    }
    return ZW_OK;
}

static int interpret(interp *in)
{
    bnode *root = in->root;
    const bnode *opts = find(root, "options");
    int rc = ZW_OK, views = 0;
    for (size_t i = 0; i < root->nkids && in->nacls < ZW_ARRAY_LEN(in->acls); i++) {
        if (root->kids[i].nw >= 2 && !strcasecmp(root->kids[i].w[0], "acl")) {
            in->acls[in->nacls++] = &root->kids[i];
        }
    }
    for (size_t i = 0; i < root->nkids && !rc; i++) {
        const bnode *s = &root->kids[i];
        if (!s->nw) {
            continue;
        }
        if (!strcasecmp(s->w[0], "key")) {
            rc = key_add(in, s);
        } else if (!strcasecmp(s->w[0], "zone")) {
            rc = zone_add(in, s, NULL, NULL, opts);
        } else if (!strcasecmp(s->w[0], "view") && s->nw >= 2) {
            char vscope[300];
            views++;
            snprintf(vscope, sizeof vscope, "view %s", s->w[1]);
            for (size_t j = 0; j < s->nkids && !rc; j++) {
                const bnode *vs = &s->kids[j];
                if (vs->nw && !strcasecmp(vs->w[0], "zone")) {
                    rc = zone_add(in, vs, s, s->w[1], opts);
                } else if (vs->nw && !strcasecmp(vs->w[0], "key")) {
                    rc = key_add(in, vs);
                }
            }
            rc = rc ? rc : recursion_of(in, s, vscope, opts);
        }
    }
    if (!rc && !views) {
        rc = recursion_of(in, NULL, "options", opts);
    }
    rc = rc ? rc : ident(in, opts);
    rc = rc ? rc : bind_logging(in, root, opts);
    return rc;
}

int cr_parse_bind(cr_config *c, const char *p, size_t n, const char *name, int no_includes)
{
    bnode root;
    memset(&root, 0, sizeof root);
    root.block = 1;
    interp in;
    memset(&in, 0, sizeof in);
    in.c = c;
    in.root = &root;
    zw_buf_init(&in.text);
    int rc = parse_into(c, p, n, name, no_includes, 0, &root, 0);
    rc = rc ? rc : interpret(&in);
    zw_buf_free(&in.text);
    tree_free(&root);
    return rc == ZW_EINVAL ? ZW_OK : rc;
}
