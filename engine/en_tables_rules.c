/*
 * en_tables_rules.c - the rule side of the tables: which leaves trigger a rule (those
 * in positive position, narrowed to the rarest necessary clause), the necessary
 * clauses checked before a condition program runs, the leaf -> rules index, the rules
 * evaluated on every event, and log-source routes.  Every pass is linear in the size
 * of the rules' programs (per-leaf marks instead of nested scans), so loading stays
 * fast for rules with hundreds of thousands of leaves.
 * Not here: the field side (en_tables.c) and the operations (en_op_*.c).
 */
#include "en_tables_int.h"

#include <stdlib.h>
#include <string.h>

/* Per program position: 1 when the leaf there can make the rule true by firing (it
 * sits under an even number of NOTs somewhere).  A leaf only under odd NOTs never turns
 * a false rule true, so it need not make the rule a candidate; rules true with no leaf
 * firing are evaluated on every event instead.  Walks the postfix program backwards,
 * handing each operator's polarity to its operands.  NULL on out-of-memory (then every
 * leaf triggers). */
uint8_t *en_rule_triggers(const dc_rule *ru, uint32_t nleaves)
{
    uint8_t *tr = calloc(ru->nprog + 1, 1);
    uint8_t *st = malloc(ru->nprog + 2);
    if (!tr || !st) {
        free(tr);
        free(st);
        return NULL;
    }
    size_t sp = 0;
    st[sp++] = 1;
    for (uint32_t i = ru->nprog; i-- > 0;) {
        uint32_t w = ru->prog[i];
        uint8_t pol = sp ? st[--sp] : 1;
        switch (DC_P_OPC(w)) {
        case DC_P_LEAF:
            tr[i] = pol;
            break;
        case DC_P_NOT:
            st[sp++] = !pol;
            break;
        case DC_P_AND:
        case DC_P_OR:
            for (uint32_t k = 0; k < DC_P_ARG(w) && sp <= ru->nprog; k++) {
                st[sp++] = pol;
            }
            break;
        default:
            break;
        }
    }
    free(st);
    /* a leaf positive anywhere triggers at every position (marks per leaf: linear) */
    uint8_t *pos = calloc((size_t)nleaves + 1, 1);
    if (!pos) {
        free(tr);
        return NULL;
    }
    for (uint32_t i = 0; i < ru->nprog; i++) {
        if (DC_P_OPC(ru->prog[i]) == DC_P_LEAF && tr[i] && DC_P_ARG(ru->prog[i]) < nleaves) {
            pos[DC_P_ARG(ru->prog[i])] = 1;
        }
    }
    for (uint32_t i = 0; i < ru->nprog; i++) {
        if (DC_P_OPC(ru->prog[i]) == DC_P_LEAF && DC_P_ARG(ru->prog[i]) < nleaves &&
            pos[DC_P_ARG(ru->prog[i])]) {
            tr[i] = 1;
        }
    }
    free(pos);
    return tr;
}

/* Necessary clauses of a rule: when the root is an AND (or a single node), each child
 * that is an OR of positive leaves must have one leaf set for the rule to be true.
 * Checking these first skips evaluating big filter lists for rules whose selection did
 * not match.  Returns [len, leaves..]* 0, or NULL when there is none. */
uint32_t *en_rule_clauses(const dc_rule *ru)
{
    uint32_t n = ru->nprog;
    if (n == 0) {
        return NULL;
    }
    uint32_t *st = malloc(n * sizeof *st), *stack = malloc((n + 1) * sizeof *stack);
    uint32_t sp = 0;
    if (!st || !stack) {
        free(st);
        free(stack);
        return NULL;
    }
    for (uint32_t i = 0; i < n; i++) {
        uint32_t w = ru->prog[i], op = DC_P_OPC(w);
        uint32_t start = i;
        if (op == DC_P_NOT && sp) {
            start = stack[--sp];
        } else if ((op == DC_P_AND || op == DC_P_OR) && sp >= DC_P_ARG(w) && DC_P_ARG(w)) {
            sp -= DC_P_ARG(w);
            start = stack[sp];
        }
        st[i] = start;
        stack[sp++] = start;
    }
    free(stack);
    /* conjuncts: the root, flattened through nested ANDs (a work list of subtree ends) */
    uint32_t ends[64], nch = 0, work[64], nw = 0;
    work[nw++] = n - 1;
    while (nw && nch < 64) {
        uint32_t b = work[--nw];
        if (DC_P_OPC(ru->prog[b]) == DC_P_AND) {
            uint32_t e = b; /* exclusive end of the next child to the left */
            for (uint32_t k = 0; k < DC_P_ARG(ru->prog[b]) && nw < 64 && e > 0; k++) {
                work[nw++] = e - 1;
                e = st[e - 1];
            }
        } else {
            ends[nch++] = b;
        }
    }
    uint32_t *out = malloc((n + nch + 2) * sizeof *out);
    size_t w = 0;
    for (uint32_t c = 0; out && c < nch; c++) {
        uint32_t b = ends[c], a = st[b];
        int ok = 1;
        for (uint32_t i = a; i <= b && ok; i++) {
            uint32_t op = DC_P_OPC(ru->prog[i]);
            ok = op == DC_P_LEAF || op == DC_P_OR;
        }
        if (!ok) {
            continue;
        }
        size_t lenpos = w++;
        uint32_t len = 0;
        for (uint32_t i = a; i <= b; i++) {
            if (DC_P_OPC(ru->prog[i]) == DC_P_LEAF) {
                out[w++] = DC_P_ARG(ru->prog[i]);
                len++;
            }
        }
        out[lenpos] = len;
    }
    free(st);
    if (!out || w == 0) {
        free(out);
        return NULL;
    }
    out[w] = 0;
    return out;
}

/* Trigger positions of every rule: positive positions, narrowed to the leaves of the
 * rule's rarest necessary clause (fewest rules sharing its leaves), since the rule
 * cannot be true unless one of them fires.  trig[r] NULL: every leaf triggers. */
static int rule_trigger_sets(en_tables *t, uint8_t **trig)
{
    const dc_ruleset *rs = t->rs;
    uint32_t *share = calloc(rs->nleaves + 1, sizeof *share);
    uint32_t *mark = calloc(rs->nleaves + 1, sizeof *mark); /* rule + 1 when in its best clause */
    if (!share || !mark) {
        free(share);
        free(mark);
        return ZW_ENOMEM;
    }
    for (uint32_t r = 0; r < rs->nrules; r++) {
        const dc_rule *ru = &rs->rules[r];
        trig[r] = en_rule_triggers(ru, rs->nleaves);
        for (uint32_t i = 0; i < ru->nprog; i++) {
            if (DC_P_OPC(ru->prog[i]) == DC_P_LEAF && (!trig[r] || trig[r][i])) {
                share[DC_P_ARG(ru->prog[i])]++;
            }
        }
    }
    for (uint32_t r = 0; r < rs->nrules && t->clauses; r++) {
        const dc_rule *ru = &rs->rules[r];
        const uint32_t *cl = t->clauses[r], *best = NULL;
        uint64_t best_cost = UINT64_MAX;
        while (cl && *cl) {
            uint64_t cost = 0;
            for (uint32_t k = 0; k < cl[0]; k++) {
                cost += share[cl[1 + k]];
            }
            if (cost < best_cost) {
                best_cost = cost;
                best = cl;
            }
            cl += 1 + cl[0];
        }
        if (!best || !trig[r]) {
            continue;
        }
        for (uint32_t k = 0; k < best[0]; k++) {
            mark[best[1 + k]] = r + 1;
        }
        for (uint32_t i = 0; i < ru->nprog; i++) {
            trig[r][i] = (uint8_t)(DC_P_OPC(ru->prog[i]) == DC_P_LEAF &&
                                   mark[DC_P_ARG(ru->prog[i])] == r + 1);
        }
    }
    free(share);
    free(mark);
    return 0;
}

/* Routes of rule r: "bind,knot" -> NULL-terminated vector; NULL when unrouted. */
static int rule_routes(en_tables *t, uint32_t r)
{
    const dc_rule *ru = &t->rs->rules[r];
    if (!ru->routes || !ru->routes[0]) {
        return 0;
    }
    size_t k = 1;
    for (const char *s = ru->routes; *s; s++) {
        k += *s == ',';
    }
    char **v = calloc(k + 1, sizeof *v);
    char *dup = strdup(ru->routes);
    size_t j = 0;
    for (char *tok = dup ? strtok(dup, ",") : NULL; tok && v; tok = strtok(NULL, ",")) {
        v[j++] = strdup(tok);
    }
    free(dup);
    t->routes[r] = v;
    t->has_routes = 1;
    return 0;
}

/* Counts, then fills, the leaf -> rules CSR from the trigger positions. */
static int leaf_rules(en_tables *t, uint8_t **trig, const uint8_t *lv)
{
    const dc_ruleset *rs = t->rs;
    size_t total = 0;
    for (uint32_t r = 0; r < rs->nrules; r++) {
        const dc_rule *ru = &rs->rules[r];
        if (ru->nprog > t->maxprog) {
            t->maxprog = ru->nprog;
        }
        for (uint32_t i = 0; i < ru->nprog; i++) {
            if (DC_P_OPC(ru->prog[i]) == DC_P_LEAF && (!trig[r] || trig[r][i])) {
                t->lr_start[DC_P_ARG(ru->prog[i]) + 1]++;
                total++;
            }
        }
        if (en_prog_eval(ru->prog, ru->nprog, lv) &&
            push_u32(&t->always_rules, &t->nalways_rules, r)) {
            return ZW_ENOMEM;
        }
        rule_routes(t, r);
    }
    t->st.always_rules = t->nalways_rules;
    for (uint32_t i = 0; i < rs->nleaves; i++) {
        t->lr_start[i + 1] += t->lr_start[i];
    }
    t->lr = malloc((total + 1) * sizeof *t->lr);
    uint32_t *fill = calloc(rs->nleaves + 1, sizeof *fill);
    if (!t->lr || !fill) {
        free(fill);
        return ZW_ENOMEM;
    }
    for (uint32_t r = 0; r < rs->nrules; r++) {
        const dc_rule *ru = &rs->rules[r];
        for (uint32_t i = 0; i < ru->nprog; i++) {
            if (DC_P_OPC(ru->prog[i]) == DC_P_LEAF && (!trig[r] || trig[r][i])) {
                uint32_t l = DC_P_ARG(ru->prog[i]);
                t->lr[t->lr_start[l] + fill[l]++] = r;
            }
        }
    }
    free(fill);
    return 0;
}

int en_build_rule_index(en_tables *t)
{
    const dc_ruleset *rs = t->rs;
    t->lr_start = calloc(rs->nleaves + 2, sizeof *t->lr_start);
    t->routes = calloc(rs->nrules + 1, sizeof *t->routes);
    t->clauses = calloc(rs->nrules + 1, sizeof *t->clauses);
    for (uint32_t r = 0; t->clauses && r < rs->nrules; r++) {
        t->clauses[r] = en_rule_clauses(&rs->rules[r]);
    }
    uint8_t *lv = calloc(rs->nleaves + 1, 1);
    uint8_t **trig = calloc(rs->nrules + 1, sizeof *trig);
    int rc = ZW_ENOMEM;
    if (t->lr_start && t->routes && lv && trig) {
        rc = rule_trigger_sets(t, trig);
    }
    if (rc == 0) {
        rc = leaf_rules(t, trig, lv);
    }
    for (uint32_t r = 0; trig && r < rs->nrules; r++) {
        free(trig[r]);
    }
    free(trig);
    free(lv);
    return rc;
}
