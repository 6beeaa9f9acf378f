/*
 * en_op_exists.c - the event-level operations about presence: exists (num != 0: the
 * field has a value; num == 0: it has none) and null (absent, or JSON null).  They are
 * decided once per event, after every value was seen, from the matcher's per-field
 * "seen" and "null" stamps.
 */
#include "en_op.h"

int en_op_exists_build(en_build *b, uint32_t i, const dc_leaf *l, cleaf *c)
{
    c->kind = l->op == DC_OP_EXISTS ? K_EXISTS : K_NULL;
    return push_u32(&b->t->evleaves, &b->t->nevleaves, i) ? ZW_ENOMEM : 0;
}

int en_op_exists_event(en_matcher *m, uint32_t l, const dc_leaf *dl, const cleaf *c)
{
    (void)l;
    int seen = m->fseen[c->field] == m->estamp;
    return seen == (dl->num != 0);
}

int en_op_null_event(en_matcher *m, uint32_t l, const dc_leaf *dl, const cleaf *c)
{
    (void)l;
    (void)dl;
    int seen = m->fseen[c->field] == m->estamp;
    return !seen || m->fnull[c->field] == m->estamp;
}
