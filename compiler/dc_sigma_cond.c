/*
 * dc_sigma_cond.c - a Sigma `detection` map into one condition program: search
 * identifiers (maps, lists of maps, keyword lists; their field items compiled by
 * dc_sigma_value.c) and the condition expression (not > and > or, parentheses,
 * `1 of x*`, `all of them`, `any of`), by recursive descent with positions in errors.
 * Not here: values and modifiers (dc_sigma_value.c), documents (dc_sigma.c).
 */
#include "dc_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int search_map(dc_doc *x, const dc_ynode *map, dc_prog *out)
{
    if (map->n == 0) {
        dc_err(x, map, "empty selection map");
        return -1;
    }
    int bad = 0;
    for (size_t i = 0; i < map->n; i++) {
        const dc_ynode *k = map->items[2 * i], *v = map->items[2 * i + 1];
        if (k->kind != DC_Y_SCALAR) {
            dc_err(x, k, "field name must be a string");
            bad = 1;
            continue;
        }
        if (dc_sigma_field_item(x, k, v, out)) {
            bad = 1; /* keep going: report every item's errors */
        }
    }
    if (bad) {
        return -1;
    }
    if (map->n > 1) {
        dc_prog_push(out, DC_P_MAKE(DC_P_AND, map->n));
    }
    return 0;
}

static int search_ident(dc_doc *x, const dc_ynode *def, dc_prog *out)
{
    if (def->kind == DC_Y_MAP) {
        return search_map(x, def, out);
    }
    if (def->kind == DC_Y_SCALAR) {
        if (dc_yis_null(def)) {
            dc_err(x, def, "empty search identifier");
            return -1;
        }
        dc_ynode key = *def;
        key.str = (char *)"";
        key.len = 0;
        return dc_sigma_field_item(x, &key, def, out);
    }
    if (def->n == 0) {
        dc_err(x, def, "empty search identifier list");
        return -1;
    }
    int maps = 0, scalars = 0;
    for (size_t i = 0; i < def->n; i++) {
        maps += def->items[i]->kind == DC_Y_MAP;
        scalars += def->items[i]->kind == DC_Y_SCALAR;
    }
    if (scalars == (int)def->n) {
        dc_ynode key = *def;
        key.kind = DC_Y_SCALAR;
        key.str = (char *)"";
        key.len = 0;
        return dc_sigma_field_item(x, &key, def, out);
    }
    if (maps != (int)def->n) {
        dc_unsup(x, def, "search identifier list mixing maps and values");
        return -1;
    }
    int bad = 0;
    for (size_t i = 0; i < def->n; i++) {
        if (search_map(x, def->items[i], out)) {
            bad = 1;
        }
    }
    if (bad) {
        return -1;
    }
    if (def->n > 1) {
        dc_prog_push(out, DC_P_MAKE(DC_P_OR, def->n));
    }
    return 0;
}

/* ---- condition ---- */

typedef struct {
    const char *name;
    dc_prog prog;
} ident;

typedef struct {
    dc_doc *x;
    const dc_ynode *at;
    const char *s, *p;
    ident *ids;
    size_t nids;
    dc_prog *out;
    int err;
} cparse;

enum { T_EOF, T_LP, T_RP, T_AND, T_OR, T_NOT, T_OF, T_WORD, T_NUM, T_PIPE, T_BAD };

typedef struct {
    int t;
    const char *p;
    size_t n;
} tok;

static tok next_tok(cparse *c, int consume)
{
    const char *p = c->p;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
        p++;
    }
    tok t = {T_EOF, p, 0};
    if (!*p) {
        return t;
    }
    if (*p == '(' || *p == ')' || *p == '|') {
        t.t = *p == '(' ? T_LP : *p == ')' ? T_RP : T_PIPE;
        t.n = 1;
    } else {
        const char *e = p;
        while (*e && !strchr(" \t\r\n()|", *e)) {
            e++;
        }
        t.n = (size_t)(e - p);
        t.t = T_WORD;
        if (t.n == 3 && strncmp(p, "and", 3) == 0) {
            t.t = T_AND;
        } else if (t.n == 2 && strncmp(p, "or", 2) == 0) {
            t.t = T_OR;
        } else if (t.n == 3 && strncmp(p, "not", 3) == 0) {
            t.t = T_NOT;
        } else if (t.n == 2 && strncmp(p, "of", 2) == 0) {
            t.t = T_OF;
        } else {
            int num = 1;
            for (size_t i = 0; i < t.n; i++) {
                num &= isdigit((unsigned char)p[i]) != 0;
            }
            if (num) {
                t.t = T_NUM;
            }
        }
    }
    if (consume) {
        c->p = p + t.n;
    }
    return t;
}

static void cerr(cparse *c, const char *where, const char *msg)
{
    if (c->err) {
        return;
    }
    c->err = 1;
    int col = c->at->col + (int)(where - c->s) + (c->at->plain ? 0 : 1);
    if (strncmp(msg, "unsupported", 11) == 0) {
        dc_diag_add(c->x->d, DC_DIAG_UNSUPPORTED, c->x->file, c->at->line, col, "%s", msg + 13);
    } else {
        dc_diag_add(c->x->d, DC_DIAG_ERROR, c->x->file, c->at->line, col, "condition: %s", msg);
    }
    c->x->errors++;
}

static int glob_name(const char *pat, size_t pn, const char *s)
{
    if (pn == 0) {
        return *s == 0;
    }
    if (*pat == '*') {
        for (const char *q = s;; q++) {
            if (glob_name(pat + 1, pn - 1, q)) {
                return 1;
            }
            if (!*q) {
                return 0;
            }
        }
    }
    if (!*s) {
        return 0;
    }
    if (*pat == '?' || *pat == *s) {
        return glob_name(pat + 1, pn - 1, s + 1);
    }
    return 0;
}

static void c_or(cparse *c);

static void c_primary(cparse *c)
{
    tok t = next_tok(c, 1);
    if (c->err) {
        return;
    }
    if (t.t == T_LP) {
        c_or(c);
        tok r = next_tok(c, 1);
        if (r.t != T_RP) {
            cerr(c, r.p, "expected ')'");
        }
        return;
    }
    if (t.t == T_NUM || (t.t == T_WORD && ((t.n == 3 && strncmp(t.p, "all", 3) == 0) ||
                                           (t.n == 3 && strncmp(t.p, "any", 3) == 0)))) {
        tok of = next_tok(c, 0);
        if (of.t == T_OF) {
            next_tok(c, 1);
            tok w = next_tok(c, 1);
            if (w.t != T_WORD) {
                cerr(c, w.p, "expected a name pattern or 'them' after 'of'");
                return;
            }
            int all = t.t == T_WORD && t.p[1] == 'l';
            long need = t.t == T_NUM ? strtol(t.p, NULL, 10) : 1;
            int them = w.n == 4 && strncmp(w.p, "them", 4) == 0;
            size_t k = 0;
            for (size_t i = 0; i < c->nids; i++) {
                const char *nm = c->ids[i].name;
                if (them ? nm[0] != '_' : glob_name(w.p, w.n, nm)) {
                    dc_prog_append(c->out, &c->ids[i].prog);
                    k++;
                }
            }
            if (k == 0) {
                char nm[300];
                snprintf(nm, sizeof nm, "no search identifier matches '%.*s'",
                         (int)(w.n < 190 ? w.n : 190), w.p);
                cerr(c, w.p, nm);
                return;
            }
            if (!all && need > 1 && (size_t)need < k) {
                cerr(c, t.p, "unsupported: 'N of' with a count other than 1 or all");
                return;
            }
            if (!all && need > 1 && (size_t)need > k) {
                dc_prog_push(c->out, DC_P_MAKE(DC_P_CONST, 0));
                k++;
                all = 1;
            }
            if (need == (long)k) {
                all = 1;
            }
            if (need == 0) {
                cerr(c, t.p, "'0 of' is not a valid quantifier");
                return;
            }
            if (k > 1) {
                dc_prog_push(c->out, DC_P_MAKE(all ? DC_P_AND : DC_P_OR, k));
            }
            return;
        }
    }
    if (t.t == T_WORD || t.t == T_NUM) {
        for (size_t i = 0; i < c->nids; i++) {
            if (strlen(c->ids[i].name) == t.n && strncmp(c->ids[i].name, t.p, t.n) == 0) {
                dc_prog_append(c->out, &c->ids[i].prog);
                return;
            }
        }
        char nm[300];
        snprintf(nm, sizeof nm, "unknown search identifier '%.*s'", (int)(t.n < 190 ? t.n : 190),
                 t.p);
        cerr(c, t.p, nm);
        return;
    }
    if (t.t == T_PIPE) {
        cerr(c, t.p,
             "unsupported: aggregation '| count()' in condition (Sigma 1.x); use a "
             "correlation rule");
        return;
    }
    cerr(c, t.p, t.t == T_EOF ? "unexpected end of condition" : "unexpected token");
}

static void c_not(cparse *c)
{
    tok t = next_tok(c, 0);
    if (t.t == T_NOT) {
        next_tok(c, 1);
        c_not(c);
        dc_prog_push(c->out, DC_P_MAKE(DC_P_NOT, 0));
        return;
    }
    c_primary(c);
}

static void c_and(cparse *c)
{
    c_not(c);
    int n = 1;
    while (!c->err && next_tok(c, 0).t == T_AND) {
        next_tok(c, 1);
        c_not(c);
        n++;
    }
    if (n > 1) {
        dc_prog_push(c->out, DC_P_MAKE(DC_P_AND, n));
    }
}

static void c_or(cparse *c)
{
    c_and(c);
    int n = 1;
    while (!c->err && next_tok(c, 0).t == T_OR) {
        next_tok(c, 1);
        c_and(c);
        n++;
    }
    if (n > 1) {
        dc_prog_push(c->out, DC_P_MAKE(DC_P_OR, n));
    }
}

static int parse_condition(dc_doc *x, const dc_ynode *cond, ident *ids, size_t nids, dc_prog *out)
{
    cparse c = {x, cond, cond->str, cond->str, ids, nids, out, 0};
    c_or(&c);
    if (!c.err) {
        tok t = next_tok(&c, 0);
        if (t.t == T_PIPE) {
            cerr(&c, t.p,
                 "unsupported: aggregation '| count()' in condition (Sigma 1.x); use a "
                 "correlation rule");
        } else if (t.t != T_EOF) {
            cerr(&c, t.p, "unexpected text after the condition");
        }
    }
    return c.err ? -1 : 0;
}

int dc_sigma_detection(dc_doc *x, const dc_ynode *det, dc_prog *out)
{
    if (!det || det->kind != DC_Y_MAP) {
        dc_err(x, det, "detection must be a map");
        return -1;
    }
    const dc_ynode *cond = dc_ymap_get(det, "condition");
    if (!cond) {
        dc_err(x, det, "detection has no condition");
        return -1;
    }
    ident *ids = calloc(det->n ? det->n : 1, sizeof *ids);
    size_t nids = 0;
    int rc = 0, errs = x->errors;
    for (size_t i = 0; i < det->n; i++) {
        const dc_ynode *k = det->items[2 * i];
        const char *name = dc_ystr(k);
        if (!name) {
            dc_err(x, k, "search identifier name must be a string");
            continue;
        }
        if (strcmp(name, "condition") == 0) {
            continue;
        }
        if (strcmp(name, "timeframe") == 0) {
            dc_unsup(x, k,
                     "'timeframe' in detection (Sigma 1.x aggregation); use a correlation "
                     "rule");
            continue;
        }
        ids[nids].name = name;
        if (search_ident(x, det->items[2 * i + 1], &ids[nids].prog) == 0) {
            nids++;
        } else {
            dc_prog_free(&ids[nids].prog);
        }
    }
    if (x->errors != errs) {
        rc = -1;
        goto out;
    }
    if (cond->kind == DC_Y_SCALAR) {
        rc = parse_condition(x, cond, ids, nids, out);
    } else if (cond->kind == DC_Y_SEQ && cond->n > 0) {
        for (size_t i = 0; i < cond->n && !rc; i++) {
            if (cond->items[i]->kind != DC_Y_SCALAR) {
                dc_err(x, cond->items[i], "condition must be a string");
                rc = -1;
            } else {
                rc = parse_condition(x, cond->items[i], ids, nids, out);
            }
        }
        if (!rc && cond->n > 1) {
            dc_prog_push(out, DC_P_MAKE(DC_P_OR, cond->n));
        }
    } else {
        dc_err(x, cond, "condition must be a string or a list of strings");
        rc = -1;
    }
out:
    if (x->c->explain && rc == 0) {
        dc_explain_flush(x->c, "", 0);
        x->c->xnames = calloc(nids + 1, sizeof *x->c->xnames);
        x->c->xprogs = calloc(nids + 1, sizeof *x->c->xprogs);
        for (size_t i = 0; i < nids && x->c->xnames && x->c->xprogs; i++) {
            x->c->xnames[i] = strdup(ids[i].name);
            x->c->xprogs[i] = ids[i].prog; /* handed over */
            ids[i].prog.v = NULL;
            ids[i].prog.n = ids[i].prog.cap = 0;
            x->c->nx++;
        }
    }
    for (size_t i = 0; i < nids; i++) {
        dc_prog_free(&ids[i].prog);
    }
    free(ids);
    return rc;
}
