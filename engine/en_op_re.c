/*
 * en_op_re.c - the `re` operation: a PCRE2 pattern (flags i, m, s), compiled with JIT
 * at load.  A literal every match must contain (the gate, extracted here) goes to the
 * field's Aho-Corasick automaton so the regex runs only on values holding it; a regex
 * with no usable gate runs on every value of its field.
 * Not here: the match limit and its counters (en_match.c owns the match data).
 */
#include "en_op.h"

#include "en_fold.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A literal run every match of the regex must contain (case-folded), or none. */
size_t en_re_gate(const char *re, size_t n, char *out, size_t cap)
{
    if (zw_memmem(re, n, "(?x", 3) || zw_memmem(re, n, "(?-i", 4)) {
        return 0;
    }
    int depth = 0, inclass = 0;
    char cur[256], best[256];
    size_t cl = 0, bl = 0;
    for (size_t i = 0; i < n; i++) {
        char c = re[i];
        if (inclass) {
            if (c == '\\') {
                i++;
            } else if (c == ']') {
                inclass = 0;
            }
            continue;
        }
        int lit = -1;
        if (c == '\\' && i + 1 < n) {
            char e = re[i + 1];
            if (strchr(".\\/-[](){}*+?|^$ :_=@#%&'\"<>,;!~`", e)) {
                lit = e;
                i++;
            } else {
                i++;
                if (depth == 0) {
                    if (cl > bl) {
                        memcpy(best, cur, cl);
                        bl = cl;
                    }
                    cl = 0;
                }
                continue;
            }
        } else if (c == '[') {
            inclass = 1;
            /* "[]...]" and "[^]...]": a leading ] is a member, not the end */
            if (i + 1 < n && re[i + 1] == '^') {
                i++;
            }
            if (i + 1 < n && re[i + 1] == ']') {
                i++;
            }
        } else if (c == '(') {
            depth++;
        } else if (c == ')') {
            depth--;
        } else if (c == '|') {
            if (depth == 0) {
                return 0;
            }
        } else if (strchr(".^$*+?{}", c)) {
            /* a quantifier applies to the previous char: drop it from the run */
            if ((c == '*' || c == '?' || c == '{') && depth == 0 && cl > 0) {
                cl--;
            }
            if (c == '{') {
                /* {n,m}: its digits are not literals */
                while (i + 1 < n && re[i + 1] != '}') {
                    i++;
                }
                i += i + 1 < n;
            }
        } else {
            lit = (unsigned char)c;
        }
        if (lit >= 0 && depth == 0 && !inclass && cl < sizeof cur) {
            cur[cl++] = (char)lit;
            continue;
        }
        if (depth == 0 || c == '(') {
            if (cl > bl) {
                memcpy(best, cur, cl);
                bl = cl;
            }
            cl = 0;
        }
    }
    if (cl > bl) {
        memcpy(best, cur, cl);
        bl = cl;
    }
    if (bl < 3 || bl > cap) {
        return 0;
    }
    /* non-ASCII literal bytes: the folded text may differ; skip gating then */
    for (size_t i = 0; i < bl; i++) {
        if ((unsigned char)best[i] >= 0x80) {
            return 0;
        }
    }
    en_fold(best, bl, out);
    return bl;
}

int en_op_re_build(en_build *b, uint32_t i, const dc_leaf *l, cleaf *c)
{
    int ec;
    PCRE2_SIZE eo;
    uint32_t opt = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
    opt |= (l->flags & DC_LF_RE_I) ? PCRE2_CASELESS : 0;
    opt |= (l->flags & DC_LF_RE_M) ? PCRE2_MULTILINE : 0;
    opt |= (l->flags & DC_LF_RE_S) ? PCRE2_DOTALL : 0;
    c->re = pcre2_compile((PCRE2_SPTR)l->val, l->vlen, opt, &ec, &eo, NULL);
    if (!c->re) {
        PCRE2_UCHAR msg[200];
        pcre2_get_error_message(ec, msg, sizeof msg);
        return zw_errf(b->errstr, b->errstr_size, ZW_EINVAL, "regex /%s/: %s", l->val, (char *)msg);
    }
    pcre2_jit_compile(c->re, PCRE2_JIT_COMPLETE);
    c->kind = K_RE;
    b->t->st.regexes++;
    char g[256];
    size_t gl = en_re_gate(l->val, l->vlen, g, sizeof g);
    field *f = &b->t->fields[c->field];
    if (!gl) {
        return push_u32(&f->always, &f->nalways, i) ? ZW_ENOMEM : 0;
    }
    b->t->st.gated_regexes++;
    return en_build_literal(b, (uint32_t)c->field, g, gl, i, K_RE);
}

int en_op_re_test(en_matcher *m, uint32_t l, const dc_leaf *dl, const cleaf *c)
{
    (void)dl;
    int r = pcre2_match(c->re, (PCRE2_SPTR)m->val.p, m->val.n, 0, 0, m->md, m->t->re_mctx);
    if (r == PCRE2_ERROR_MATCHLIMIT || r == PCRE2_ERROR_DEPTHLIMIT || r == PCRE2_ERROR_HEAPLIMIT ||
        r == PCRE2_ERROR_JIT_STACKLIMIT) {
        atomic_fetch_add_explicit(&m->t->re_errors[l], 1, memory_order_relaxed);
        m->vlimit++;
    }
    return r >= 0;
}

int en_tables_set_regex_limit(en_tables *t, uint32_t match_limit)
{
    if (!t->re_mctx && !(t->re_mctx = pcre2_match_context_create(NULL))) {
        return ZW_ENOMEM;
    }
    t->re_limit = match_limit ? match_limit : EN_REGEX_MATCH_LIMIT_DEFAULT;
    pcre2_set_match_limit(t->re_mctx, t->re_limit);
    /* the interpreter's backtracking depth: the same bound (JIT uses its stack limit) */
    pcre2_set_depth_limit(t->re_mctx, t->re_limit);
    return 0;
}

uint32_t en_tables_regex_limit(const en_tables *t)
{
    return t->re_limit;
}

uint64_t en_tables_regex_errors(const en_tables *t)
{
    uint64_t n = 0;
    for (uint32_t i = 0; t->re_errors && i < t->rs->nleaves; i++) {
        n += atomic_load_explicit(&t->re_errors[i], memory_order_relaxed);
    }
    return n;
}

uint64_t en_tables_rule_regex_errors(const en_tables *t, uint32_t rule)
{
    if (!t->re_errors || rule >= t->rs->nrules) {
        return 0;
    }
    const dc_rule *r = &t->rs->rules[rule];
    uint64_t n = 0;
    for (uint32_t i = 0; i < r->nprog; i++) {
        uint32_t w = r->prog[i], dup = 0;
        if (DC_P_OPC(w) != DC_P_LEAF || DC_P_ARG(w) >= t->rs->nleaves ||
            t->rs->leaves[DC_P_ARG(w)].op != DC_OP_RE) {
            continue;
        }
        for (uint32_t k = 0; k < i && !dup; k++) {
            dup = r->prog[k] == w; /* a leaf counted once per rule (regex leaves are few) */
        }
        if (!dup) {
            n += atomic_load_explicit(&t->re_errors[DC_P_ARG(w)], memory_order_relaxed);
        }
    }
    return n;
}
