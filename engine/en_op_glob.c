/*
 * en_op_glob.c - the `match` operation: a string pattern in the normalised glob syntax
 * of dc_ir.h, which carries Sigma's plain equality, contains, startswith, endswith and
 * wildcard values.  At build a pattern is classified: no wildcard goes to the field's
 * exact-value hash; `lit*`, `*lit`, `*lit*` put lit in the field's Aho-Corasick
 * automaton (decided by the hit's position alone unless case-sensitive); any other
 * pattern puts its longest literal run there as an anchor and is verified by the glob
 * matcher here; a pattern with no literal is verified on every value.
 * Not here: the automaton itself (en_ac.c), the matcher's hit dispatch (en_match.c).
 */
#include "en_op.h"

#include "en_fold.h"

#include <stdlib.h>
#include <string.h>

/* Parses a normalised glob into units (folded unless cased). */
static uint16_t *glob_units(const char *s, size_t n, int cased, uint32_t *nu)
{
    uint16_t *u = malloc((n + 1) * sizeof *u);
    char *tmp = malloc(n + 1);
    uint32_t k = 0;
    if (!u || !tmp) {
        free(u);
        free(tmp);
        return NULL;
    }
    /* collect literal runs, fold them, keep wildcards */
    size_t i = 0;
    while (i < n) {
        if (s[i] == '*' || s[i] == '?') {
            u[k++] = s[i] == '*' ? U_STAR : U_QMARK;
            i++;
            continue;
        }
        size_t tl = 0;
        while (i < n && s[i] != '*' && s[i] != '?') {
            if (s[i] == '\\' && i + 1 < n) {
                i++;
            }
            tmp[tl++] = s[i++];
        }
        if (!cased) {
            en_fold(tmp, tl, tmp);
        }
        for (size_t j = 0; j < tl; j++) {
            u[k++] = (unsigned char)tmp[j];
        }
    }
    free(tmp);
    *nu = k;
    return u;
}

static size_t utf8_len(unsigned char c)
{
    return c < 0x80             ? 1
           : (c & 0xE0) == 0xC0 ? 2
           : (c & 0xF0) == 0xE0 ? 3
           : (c & 0xF8) == 0xF0 ? 4
                                : 1;
}

/* Wildcard match of units against text (backtracking on the last star only). */
static int glob_match(const uint16_t *u, uint32_t nu, const char *t, size_t n)
{
    uint32_t pi = 0, star = UINT32_MAX;
    size_t ti = 0, mark = 0;
    while (ti < n) {
        if (pi < nu && u[pi] == U_STAR) {
            star = pi++;
            mark = ti;
        } else if (pi < nu && u[pi] == U_QMARK) {
            pi++;
            size_t l = utf8_len((unsigned char)t[ti]);
            ti += l <= n - ti ? l : 1;
        } else if (pi < nu && u[pi] == (unsigned char)t[ti]) {
            pi++;
            ti++;
        } else if (star != UINT32_MAX) {
            pi = star + 1;
            size_t l = utf8_len((unsigned char)t[mark]);
            mark += l <= n - mark ? l : 1;
            ti = mark;
        } else {
            return 0;
        }
    }
    while (pi < nu && u[pi] == U_STAR) {
        pi++;
    }
    return pi == nu;
}

/* Kind of a compiled pattern and the literal that goes to the automaton. */
static int glob_classify(const cleaf *c, const uint16_t **lit, uint32_t *litn)
{
    uint32_t nu = c->nunits, stars = 0, q = 0;
    for (uint32_t k = 0; k < nu; k++) {
        stars += c->units[k] == U_STAR;
        q += c->units[k] == U_QMARK;
    }
    int lead = nu && c->units[0] == U_STAR, trail = nu > 1 && c->units[nu - 1] == U_STAR;
    *lit = c->units;
    *litn = nu;
    if (stars == 0 && q == 0) {
        return K_EXACT;
    }
    if (q == 0 && stars == 1 && lead && nu > 1) {
        (*lit)++;
        (*litn)--;
        return K_SUFFIX;
    }
    if (q == 0 && stars == 1 && c->units[nu - 1] == U_STAR && nu > 1) {
        (*litn)--;
        return K_PREFIX;
    }
    if (q == 0 && stars == 2 && lead && trail && nu > 2) {
        (*lit)++;
        *litn -= 2;
        return K_CONTAINS;
    }
    /* longest literal run as the anchor */
    uint32_t bs = 0, bl = 0, s0 = 0;
    for (uint32_t k = 0; k <= nu; k++) {
        if (k == nu || c->units[k] >= 256) {
            if (k - s0 > bl) {
                bl = k - s0;
                bs = s0;
            }
            s0 = k + 1;
        }
    }
    *lit = c->units + bs;
    *litn = bl;
    return bl == 0 ? K_ANY : K_GLOB;
}

int en_op_glob_build(en_build *b, uint32_t i, const dc_leaf *l, cleaf *c)
{
    en_tables *t = b->t;
    field *f = &t->fields[c->field];
    c->units = glob_units(l->val, l->vlen, c->cased, &c->nunits);
    if (!c->units) {
        return ZW_ENOMEM;
    }
    const uint16_t *lit;
    uint32_t litn;
    int kind = glob_classify(c, &lit, &litn);
    c->kind = (uint8_t)(kind == K_ANY ? K_GLOB : kind);
    char tmp[4096];
    char *buf = litn < sizeof tmp ? tmp : malloc(litn + 1);
    if (!buf) {
        return ZW_ENOMEM;
    }
    for (uint32_t k = 0; k < litn; k++) {
        buf[k] = (char)lit[k];
    }
    if (c->cased) {
        en_fold(buf, litn, buf); /* the tables hold folded text; verify raw later */
    }
    int rc;
    if (kind == K_EXACT) {
        rc = en_xset_add(f, buf, litn, i) ? ZW_ENOMEM : 0;
        t->st.exact++;
    } else if (kind == K_ANY) {
        rc = push_u32(&f->always, &f->nalways, i) ? ZW_ENOMEM : 0;
        t->st.globs++;
    } else {
        rc = en_build_literal(b, (uint32_t)c->field, buf, litn, i, kind);
        if (kind == K_GLOB) {
            t->st.globs++;
        } else {
            t->st.literals++;
        }
    }
    if (buf != tmp) {
        free(buf);
    }
    return rc;
}

int en_op_glob_test(en_matcher *m, uint32_t l, const dc_leaf *dl, const cleaf *c)
{
    (void)l;
    (void)dl;
    return glob_match(c->units, c->nunits, c->cased ? m->val.p : m->val.f, m->val.n);
}
