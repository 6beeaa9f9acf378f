/*
 * en_explain.c - `zonewarden explain`: one rule against one JSON event, leaf by leaf
 * (field, operation, operand as its operation row prints it, the event's values), then
 * the result.  Runs the real matcher, so explain and detect cannot disagree.
 */
#include "en_op.h"

#include "../common/zw_json.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    zw_buf *out;
    int k;
} exv;

static void ex_val(void *o, const char *p, size_t n)
{
    exv *e = o;
    if (e->k++ < 8) {
        zw_buf_puts(e->out, e->k > 1 ? ", " : " ");
        zw_json_str(e->out, p, n > 200 ? 200 : n);
    }
}

int en_explain_json(const en_tables *t, uint32_t rule, fjson_object *ev, zw_buf *out)
{
    if (rule >= t->rs->nrules) {
        return 0;
    }
    en_matcher *m = en_matcher_new(t);
    if (!m) {
        return ZW_ENOMEM;
    }
    const uint32_t *res;
    int n = en_match_json(m, ev, &res);
    int matched = 0;
    for (int i = 0; i < n; i++) {
        matched |= res[i] == rule;
    }
    const dc_rule *r = &t->rs->rules[rule];
    zw_buf_printf(out, "rule %s \"%s\" (%s:%u)\n", r->id, r->title, r->file, r->line);
    uint8_t *seen = calloc(t->rs->nleaves + 1, 1);
    for (uint32_t i = 0; i < r->nprog && seen; i++) {
        if (DC_P_OPC(r->prog[i]) != DC_P_LEAF) {
            continue;
        }
        uint32_t l = DC_P_ARG(r->prog[i]);
        if (seen[l]) {
            continue;
        }
        seen[l] = 1;
        const dc_leaf *dl = &t->rs->leaves[l];
        const en_op_def *op = en_op_get(dl->op);
        zw_buf_printf(out, "  [%s] %s %s%s", m->lv[l] ? "match" : "no   ",
                      dl->field[0] ? dl->field : "<keyword>", op ? op->name : "?",
                      (dl->flags & DC_LF_CASED) ? "(cased)" : "");
        if (op) {
            op->explain(dl, out);
        }
        zw_buf_puts(out, "; event:");
        exv e = {out, 0};
        if (dl->field[0]) {
            en_json_values(ev, dl->field, ex_val, &e);
            if (e.k == 0) {
                zw_buf_puts(out, " (field absent)");
            } else if (e.k > 8) {
                zw_buf_printf(out, " ... (%d values)", e.k);
            }
        } else {
            zw_buf_puts(out, " (any string value)");
        }
        zw_buf_putc(out, '\n');
    }
    free(seen);
    zw_buf_printf(out, "  result: %s\n", matched ? "MATCH" : "no match");
    en_matcher_destroy(m);
    return matched;
}
