/*
 * en_op_fref.c - the `fieldref` operation: compares the values of two fields of the
 * same event (equal, or one contains / starts / ends with the other, per DC_LF_FREF_*).
 * Decided once per event from the values of both fields (up to 16 each).
 */
#include "en_op.h"

#include "en_fold.h"

#include <stdlib.h>
#include <string.h>

int en_op_fref_build(en_build *b, uint32_t i, const dc_leaf *l, cleaf *c)
{
    en_tables *t = b->t;
    c->kind = K_FREF;
    char *jp = en_json_path(l->val);
    c->ref_field = jp ? en_field_index(t, jp) : -1;
    free(jp);
    if (c->ref_field < 0 || push_u32(&t->evleaves, &t->nevleaves, i)) {
        return ZW_ENOMEM;
    }
    t->fields[c->ref_field].fref = 1;
    t->fields[c->field].fref = 1;
    return 0;
}

static int fref_cmp(const cleaf *c, uint16_t flags, const char *a, size_t an, const char *b,
                    size_t bn)
{
    char fa[512], fb[512];
    if (an > sizeof fa || bn > sizeof fb) {
        return 0;
    }
    if (!c->cased) {
        en_fold(a, an, fa);
        en_fold(b, bn, fb);
        a = fa;
        b = fb;
    }
    if (flags & DC_LF_FREF_CONTAINS) {
        return zw_memmem(a, an, b, bn) != NULL;
    }
    if (flags & DC_LF_FREF_START) {
        return an >= bn && memcmp(a, b, bn) == 0;
    }
    if (flags & DC_LF_FREF_END) {
        return an >= bn && memcmp(a + an - bn, b, bn) == 0;
    }
    return an == bn && memcmp(a, b, an) == 0;
}

int en_op_fref_event(en_matcher *m, uint32_t l, const dc_leaf *dl, const cleaf *c)
{
    (void)l;
    const en_tables *t = m->t;
    vals16 a = {{0}, {0}, 0}, b = {{0}, {0}, 0};
    en_event_values(m, &t->fields[c->field], &a);
    en_event_values(m, &t->fields[c->ref_field], &b);
    for (int i = 0; i < a.k; i++) {
        for (int j = 0; j < b.k; j++) {
            if (fref_cmp(c, dl->flags, a.p[i], a.n[i], b.p[j], b.n[j])) {
                return 1;
            }
        }
    }
    return 0;
}
