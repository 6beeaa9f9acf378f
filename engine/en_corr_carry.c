/*
 * en_corr_carry.c - carrying live correlation state across a rules reload: when a
 * running stage swaps its compiled tables, the groups (open windows) of every
 * correlation whose definition did not change move into the new correlator, so a
 * roll-out that only adds or edits other rules loses no half-counted window.  Not for
 * saving state to bytes (en_corr_state.c) nor for processing (en_corr.c).
 *
 * A correlation is "unchanged" when its uid and its definition signature are equal in
 * both rule sets.  The signature covers what gives the state its meaning: type,
 * timespan, condition, group-by names, value field, percentile, temporal expression,
 * alert flag and the members, named by uid (not by index: indices move when rules are
 * added).  It does not cover a member rule's detection logic: editing what a rule
 * matches keeps the counts it already contributed.
 */
#include "en_corr_int.h"

#include <stdlib.h>
#include <string.h>

static uint64_t mix_str(uint64_t h, const char *s)
{
    return en_hash(s ? s : "", s ? strlen(s) + 1 : 0, h);
}

static const char *member_uid(const en_corr *c, const en_corr_member *m)
{
    if (m->kind == EN_REF_RULE) {
        return m->index < c->nrules ? c->rules[m->index].uid : "";
    }
    return m->index < c->ndefs ? c->defs[m->index].meta->uid : "";
}

uint64_t en_corr_def_signature(const en_corr *c, size_t i)
{
    const en_corr_def *d = &c->defs[i];
    uint64_t pct, h = mix_str(0x636172727953ULL, d->meta->uid);
    memcpy(&pct, &d->percentile, sizeof pct);
    uint64_t v[8] = {(uint64_t)d->type, d->n_members,       d->n_group, (uint64_t)d->timespan_ms,
                     d->cond.n,         (uint64_t)d->alert, pct,        d->n_texpr};
    h = en_hash(v, sizeof v, h);
    for (size_t m = 0; m < d->n_members; m++) {
        uint64_t k = (uint64_t)d->members[m].kind;
        h = en_hash(&k, sizeof k, h);
        h = mix_str(h, member_uid(c, &d->members[m]));
    }
    for (size_t k = 0; k < d->cond.n && k < EN_COND_MAX; k++) {
        uint64_t cv[2] = {(uint64_t)d->cond.t[k].op, 0};
        memcpy(&cv[1], &d->cond.t[k].v, sizeof cv[1]);
        h = en_hash(cv, sizeof cv, h);
    }
    for (size_t g = 0; g < d->n_group; g++) {
        h = mix_str(h, d->group_names ? d->group_names[g] : NULL);
    }
    h = mix_str(h, d->value_field_name);
    if (d->n_texpr) {
        h = en_hash(d->texpr, d->n_texpr * sizeof *d->texpr, h);
    }
    return h;
}

/* A copy of g in dst under correlation index corr: entries (their detail blobs copied,
 * so each correlator accounts only for its own), counters, member counts, value set. */
static int group_copy(en_corr *dst, en_part *dp, uint32_t corr, const en_group *g)
{
    uint64_t h = en_group_hash(dp->id, corr, g->key, g->klen);
    en_group *n = en_group_create(dst, dp, corr, g->key, g->klen, h);
    int rc = ZW_OK;
    if (!n) {
        return ZW_ENOMEM;
    }
    n->start = g->start;
    n->last = g->last;
    for (size_t i = 0; i < g->n && !rc; i++) {
        en_entry e = g->e[(g->head + i) % g->cap];
        if (e.blob && !(e.blob = en_blob_new(dst, e.blob->d, e.blob->len))) {
            return ZW_ENOMEM;
        }
        rc = en_group_push(dst, n, &e, dst->anchored[corr]);
        en_blob_unref(dst, e.blob); /* the group holds its own reference */
    }
    for (size_t i = 0; i < g->vcap && !rc; i++) {
        if (g->vc[i]) {
            rc = en_vset_add(dst, n, g->vh[i], (int)(g->vc[i] > INT32_MAX ? INT32_MAX : g->vc[i]));
        }
    }
    if (n->nm && n->nm == g->nm) {
        memcpy(n->mcount, g->mcount, n->nm * sizeof *n->mcount);
    }
    n->total = g->total;
    n->sum = g->sum;
    return rc;
}

int en_corr_carry_over(en_corr *dst, const en_corr *src, en_corr_carry *out)
{
    uint32_t *map = malloc((src->ndefs ? src->ndefs : 1) * sizeof *map);
    int rc = ZW_OK;
    memset(out, 0, sizeof *out);
    if (!map) {
        return ZW_ENOMEM;
    }
    for (size_t i = 0; i < src->ndefs; i++) {
        uint64_t sig = en_corr_def_signature(src, i);
        map[i] = UINT32_MAX;
        for (size_t j = 0; j < dst->ndefs; j++) {
            if (!strcmp(src->defs[i].meta->uid, dst->defs[j].meta->uid) &&
                en_corr_def_signature(dst, j) == sig) {
                map[i] = (uint32_t)j;
                out->corrs_kept++;
                break;
            }
        }
    }
    out->corrs_changed = src->ndefs - out->corrs_kept;
    for (size_t pi = 0; pi < src->nparts && !rc; pi++) {
        const en_part *sp = src->parts[pi];
        en_part *dp = en_part_get(dst, sp->id, 1);
        if (!dp) {
            rc = ZW_ENOMEM;
            break;
        }
        if (dp->max_seen == INT64_MIN) {
            dp->wm = sp->wm;
            dp->max_seen = sp->max_seen;
            dp->now = sp->now;
            dp->seq = sp->seq;
        }
        dp->dirty = 1;
        out->dropped += sp->nheap;
        for (const en_pend *x = sp->pq_head; x; x = x->next) {
            out->dropped++;
        }
        for (size_t d = 0; d < src->ndefs && !rc; d++) {
            /* oldest first: each copy goes to the list head, so the order is kept */
            for (const en_group *g = sp->lt[d]; g && !rc; g = g->prev) {
                if (map[d] == UINT32_MAX) {
                    out->groups_dropped++;
                    continue;
                }
                rc = group_copy(dst, dp, map[d], g);
                out->groups_kept += rc ? 0 : 1;
            }
        }
    }
    free(map);
    return rc;
}
