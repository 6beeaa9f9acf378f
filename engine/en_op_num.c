/*
 * en_op_num.c - the numeric operations: eq, lt, lte, gt, gte (a string value is
 * parsed as a number; with a time part, the value is read as a time and that part is
 * compared) and bool (a JSON bool or the text true / false).  Every such leaf is in its
 * field's numeric list and tested on each value.
 */
#include "en_op.h"

#include "../common/zw_time.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int parse_num(const char *p, size_t n, double *out)
{
    char tmp[64];
    if (n == 0 || n >= sizeof tmp) {
        return -1;
    }
    memcpy(tmp, p, n);
    tmp[n] = 0;
    char *end;
    double d = strtod(tmp, &end);
    if (*end || end == tmp || isspace((unsigned char)tmp[0])) {
        return -1;
    }
    *out = d;
    return 0;
}

/* Time value -> epoch ms: numbers above 1e11 are ms, else seconds; strings ISO 8601. */
static int value_time(const char *p, size_t n, int isnum, double num, int64_t *ms)
{
    if (isnum) {
        if (!(num > -9e15 && num < 9e15)) {
            return -1; /* not a time (also NaN, infinities) */
        }
        *ms = num > 1e11 ? (int64_t)num : (int64_t)(num * 1000);
        return 0;
    }
    zw_time_ctx tc = {0, 0};
    return zw_time_iso(p, n, &tc, ms) > 0 ? 0 : -1;
}

static double time_part(int64_t ms, int part)
{
    time_t s = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&s, &tm);
    switch (part) {
    case DC_TP_MINUTE:
        return tm.tm_min;
    case DC_TP_HOUR:
        return tm.tm_hour;
    case DC_TP_DAY:
        return tm.tm_mday;
    case DC_TP_WEEK: {
        char b[8];
        strftime(b, sizeof b, "%V", &tm);
        return atoi(b);
    }
    case DC_TP_MONTH:
        return tm.tm_mon + 1;
    default:
        return tm.tm_year + 1900;
    }
}

static int num_cmp(const dc_leaf *l, double v)
{
    switch ((dc_op)l->op) {
    case DC_OP_LT:
        return v < l->num;
    case DC_OP_LTE:
        return v <= l->num;
    case DC_OP_GT:
        return v > l->num;
    case DC_OP_GTE:
        return v >= l->num;
    default:
        return v == l->num;
    }
}

int en_op_num_build(en_build *b, uint32_t i, const dc_leaf *l, cleaf *c)
{
    (void)l;
    c->kind = K_NUM;
    b->t->st.numeric++;
    field *f = &b->t->fields[c->field];
    return push_u32(&f->num, &f->nnum, i) ? ZW_ENOMEM : 0;
}

int en_op_num_test(en_matcher *m, uint32_t l, const dc_leaf *dl, const cleaf *c)
{
    (void)l;
    (void)c;
    en_val *v = &m->val;
    if (dl->timepart) {
        if (v->timeok < 0) {
            v->timeok = value_time(v->p, v->n, v->isnum, v->num, &v->ms) == 0;
        }
        return v->timeok && num_cmp(dl, time_part(v->ms, dl->timepart));
    }
    if (v->numok < 0) {
        v->v = v->num;
        v->numok = v->isnum || parse_num(v->p, v->n, &v->v) == 0;
    }
    return v->numok && num_cmp(dl, v->v);
}

int en_op_bool_test(en_matcher *m, uint32_t l, const dc_leaf *dl, const cleaf *c)
{
    (void)l;
    (void)c;
    const en_val *v = &m->val;
    int b = (v->n == 4 && memcmp(v->f, "true", 4) == 0)    ? 1
            : (v->n == 5 && memcmp(v->f, "false", 5) == 0) ? 0
                                                           : -1;
    return b >= 0 && b == (dl->num != 0);
}
