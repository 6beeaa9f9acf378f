/*
 * en_corr_rules.c - builds en_rule_meta / en_corr_def tables from a dc_ruleset and
 * reads field handles from events.  Everything built lives in one arena.
 */
#include "en_corr_rules.h"
#include "../common/zw_arena.h"
#include "en_tables.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct en_corr_rules {
    zw_arena *a;
    en_rule_meta *meta;
    size_t nmeta;
    en_corr_def *defs;
    size_t ndefs;
    char **fields;
    int *slots;
    size_t nfields, capfields;
};

static const struct {
    const char *tag, *uid, *name;
} tactics[] = {
    {"reconnaissance", "TA0043", "Reconnaissance"},
    {"resource-development", "TA0042", "Resource Development"},
    {"initial-access", "TA0001", "Initial Access"},
    {"execution", "TA0002", "Execution"},
    {"persistence", "TA0003", "Persistence"},
    {"privilege-escalation", "TA0004", "Privilege Escalation"},
    {"defense-evasion", "TA0005", "Defense Evasion"},
    {"credential-access", "TA0006", "Credential Access"},
    {"discovery", "TA0007", "Discovery"},
    {"lateral-movement", "TA0008", "Lateral Movement"},
    {"collection", "TA0009", "Collection"},
    {"command-and-control", "TA0011", "Command and Control"},
    {"exfiltration", "TA0010", "Exfiltration"},
    {"impact", "TA0040", "Impact"},
};

static const struct {
    const char *uid, *name;
} techniques[] = {
    {"T1590", "Gather Victim Network Information"},
    {"T1590.002", "DNS"},
    {"T1595", "Active Scanning"},
    {"T1596.001", "DNS/Passive DNS"},
    {"T1584.002", "DNS Server"},
    {"T1565.002", "Transmitted Data Manipulation"},
};

static char *adup(zw_arena *a, const char *s)
{
    return zw_arena_strndup(a, s ? s : "", s ? strlen(s) : 0);
}

static int intern(en_corr_rules *r, const char *name, uint32_t *h)
{
    for (size_t i = 0; i < r->nfields; i++) {
        if (strcmp(r->fields[i], name) == 0) {
            *h = (uint32_t)i;
            return ZW_OK;
        }
    }
    if (r->nfields == r->capfields) {
        size_t nc = r->capfields ? r->capfields * 2 : 16;
        char **nf = realloc(r->fields, nc * sizeof *nf);
        if (!nf) {
            return ZW_ENOMEM;
        }
        r->fields = nf;
        int *ns = realloc(r->slots, nc * sizeof *ns);
        if (!ns) {
            return ZW_ENOMEM;
        }
        r->slots = ns;
        r->capfields = nc;
    }
    char *copy = adup(r->a, name);
    if (!copy) {
        return ZW_ENOMEM;
    }
    r->fields[r->nfields] = copy;
    r->slots[r->nfields] = zw_field_by_path(name, strlen(name));
    *h = (uint32_t)r->nfields++;
    return ZW_OK;
}

static int rule_named(const dc_rule *r, const char *ref)
{
    return (r->id[0] && strcmp(r->id, ref) == 0) || (r->name[0] && strcmp(r->name, ref) == 0) ||
           (r->title[0] && strcmp(r->title, ref) == 0);
}

static int corr_named(const dc_corr *c, const char *ref)
{
    return (c->id[0] && strcmp(c->id, ref) == 0) || (c->name[0] && strcmp(c->name, ref) == 0) ||
           (c->title[0] && strcmp(c->title, ref) == 0);
}

/* The field a group-by / value name reads in events of rule ru (aliases applied). */
static const char *alias_field(const dc_corr *co, const char *name, const dc_rule *ru)
{
    for (uint32_t i = 0; i < co->naliases; i++) {
        const dc_alias *al = &co->aliases[i];
        if (strcmp(al->name, name) == 0 && rule_named(ru, al->rule)) {
            return al->field;
        }
    }
    return name;
}

/* ATT&CK entries from Sigma-style tags (attack.t1590.002, attack.reconnaissance). */
static int build_attacks(zw_arena *a, char **tags, uint32_t ntags, const en_attack **out,
                         size_t *nout)
{
    en_attack *at = zw_arena_alloc(a, (ntags ? ntags : 1) * sizeof *at);
    if (!at) {
        return ZW_ENOMEM;
    }
    const char *tac_uid = NULL, *tac_name = NULL;
    for (uint32_t i = 0; i < ntags; i++) {
        const char *t = tags[i];
        if (strncmp(t, "attack.", 7) != 0) {
            continue;
        }
        for (size_t k = 0; k < ZW_ARRAY_LEN(tactics) && !tac_uid; k++) {
            if (strcmp(t + 7, tactics[k].tag) == 0) {
                tac_uid = tactics[k].uid;
                tac_name = tactics[k].name;
            }
        }
    }
    size_t n = 0;
    for (uint32_t i = 0; i < ntags; i++) {
        const char *t = tags[i];
        const char *tech = NULL;
        if (strncmp(t, "attack.t", 8) == 0 && isdigit((unsigned char)t[8])) {
            tech = t + 7;
        } else if (t[0] == 'T' && isdigit((unsigned char)t[1])) {
            tech = t;
        }
        if (!tech) {
            continue;
        }
        char *u = adup(a, tech);
        if (!u) {
            return ZW_ENOMEM;
        }
        for (char *p = u; *p; p++) {
            *p = (char)toupper((unsigned char)*p);
        }
        at[n].technique_uid = u;
        at[n].technique_name = NULL;
        for (size_t k = 0; k < ZW_ARRAY_LEN(techniques); k++) {
            if (strcmp(u, techniques[k].uid) == 0) {
                at[n].technique_name = techniques[k].name;
            }
        }
        at[n].tactic_uid = tac_uid;
        at[n].tactic_name = tac_name;
        n++;
    }
    if (n == 0 && tac_uid) {
        at[0].technique_uid = at[0].technique_name = NULL;
        at[0].tactic_uid = tac_uid;
        at[0].tactic_name = tac_name;
        n = 1;
    }
    *out = at;
    *nout = n;
    return ZW_OK;
}

static const char *first_nonempty(const char *a, const char *b, const char *c)
{
    if (a && a[0]) {
        return a;
    }
    if (b && b[0]) {
        return b;
    }
    return c && c[0] ? c : "unnamed";
}

int en_corr_rules_new(const dc_ruleset *rs, en_corr_rules **out, char *errstr, size_t errstr_size)
{
    int rc = ZW_OK;
    en_corr_rules *r = calloc(1, sizeof *r);
    *out = NULL;
    if (!r || !(r->a = zw_arena_new(0))) {
        free(r);
        return zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
    }
    r->nmeta = rs->nrules;
    r->ndefs = rs->ncorrs;
    r->meta = zw_arena_alloc(r->a, (rs->nrules ? rs->nrules : 1) * sizeof *r->meta);
    r->defs = zw_arena_alloc(r->a, (rs->ncorrs ? rs->ncorrs : 1) * sizeof *r->defs);
    en_rule_meta *cmeta = zw_arena_alloc(r->a, (rs->ncorrs ? rs->ncorrs : 1) * sizeof *cmeta);
    if (!r->meta || !r->defs || !cmeta) {
        rc = zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
        goto out;
    }
    memset(r->meta, 0, (rs->nrules ? rs->nrules : 1) * sizeof *r->meta);
    memset(r->defs, 0, (rs->ncorrs ? rs->ncorrs : 1) * sizeof *r->defs);
    memset(cmeta, 0, (rs->ncorrs ? rs->ncorrs : 1) * sizeof *cmeta);
    for (uint32_t i = 0; i < rs->nrules; i++) {
        const dc_rule *ru = &rs->rules[i];
        en_rule_meta *m = &r->meta[i];
        m->uid = adup(r->a, first_nonempty(ru->id, ru->name, ru->title));
        m->name = adup(r->a, first_nonempty(ru->title, ru->name, ru->id));
        m->desc = ru->description && ru->description[0] ? adup(r->a, ru->description) : NULL;
        m->severity_id = ru->severity ? ru->severity : dc_level_severity(ru->level);
        m->alert = ru->generate;
        if (!m->uid || !m->name ||
            build_attacks(r->a, ru->tags, ru->ntags, &m->attacks, &m->n_attacks)) {
            rc = zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
            goto out;
        }
    }
    for (uint32_t i = 0; i < rs->ncorrs; i++) {
        const dc_corr *co = &rs->corrs[i];
        en_corr_def *d = &r->defs[i];
        en_rule_meta *m = &cmeta[i];
        const char *cname = first_nonempty(co->title, co->name, co->id);
        m->uid = adup(r->a, first_nonempty(co->id, co->name, co->title));
        m->name = adup(r->a, cname);
        m->desc = co->description && co->description[0] ? adup(r->a, co->description) : NULL;
        m->severity_id = co->severity ? co->severity : dc_level_severity(co->level);
        if (!m->uid || !m->name ||
            build_attacks(r->a, co->tags, co->ntags, &m->attacks, &m->n_attacks)) {
            rc = zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
            goto out;
        }
        d->meta = m;
        d->type = (en_corr_type)co->type;
        d->timespan_ms = co->timespan_ms;
        d->n_group = co->ngroup;
        d->percentile = co->percentile;
        d->alert = 1;
        const char **gn = zw_arena_alloc(r->a, (co->ngroup ? co->ngroup : 1) * sizeof *gn);
        en_corr_member *mem = zw_arena_alloc(r->a, (co->nrules ? co->nrules : 1) * sizeof *mem);
        if (!gn || !mem) {
            rc = zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
            goto out;
        }
        for (uint32_t g = 0; g < co->ngroup; g++) {
            gn[g] = adup(r->a, co->group_by[g]);
        }
        d->group_names = gn;
        d->members = mem;
        d->n_members = co->nrules;
        int needs_value = co->type == DC_CT_VALUE_COUNT || co->type == DC_CT_VALUE_SUM ||
                          co->type == DC_CT_VALUE_AVG || co->type == DC_CT_VALUE_PERCENTILE;
        if (needs_value && !co->field[0]) {
            d->value_field_name = NULL;
        } else if (needs_value) {
            d->value_field_name = adup(r->a, co->field);
        }
        for (uint32_t j = 0; j < co->nrules; j++) {
            const char *ref = co->rules[j];
            uint32_t *gf = zw_arena_alloc(r->a, (co->ngroup ? co->ngroup : 1) * sizeof *gf);
            if (!gf) {
                rc = zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
                goto out;
            }
            mem[j].group_fields = gf;
            mem[j].value_field = EN_FIELD_NONE;
            uint32_t k;
            for (k = 0; k < rs->nrules && !rule_named(&rs->rules[k], ref); k++) {
            }
            if (k < rs->nrules) {
                mem[j].kind = EN_REF_RULE;
                mem[j].index = k;
                for (uint32_t g = 0; g < co->ngroup && !rc; g++) {
                    rc = intern(r, alias_field(co, co->group_by[g], &rs->rules[k]), &gf[g]);
                }
                if (!rc && needs_value && co->field[0]) {
                    rc = intern(r, alias_field(co, co->field, &rs->rules[k]), &mem[j].value_field);
                }
                if (rc) {
                    rc = zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
                    goto out;
                }
                continue;
            }
            for (k = 0; k < rs->ncorrs && (k == i || !corr_named(&rs->corrs[k], ref)); k++) {
            }
            if (k >= rs->ncorrs) {
                rc = zw_errf(errstr, errstr_size, ZW_EINVAL,
                             "%s:%u: correlation '%s' references unknown rule '%s'", co->file,
                             co->line, cname, ref);
                goto out;
            }
            mem[j].kind = EN_REF_CORR;
            mem[j].index = k;
            const dc_corr *inner = &rs->corrs[k];
            for (uint32_t g = 0; g < co->ngroup; g++) {
                uint32_t x;
                for (x = 0; x < inner->ngroup && strcmp(inner->group_by[x], co->group_by[g]); x++) {
                }
                if (x >= inner->ngroup) {
                    rc = zw_errf(errstr, errstr_size, ZW_EINVAL,
                                 "%s:%u: correlation '%s' groups by '%s', which correlation "
                                 "'%s' does not group by",
                                 co->file, co->line, cname, co->group_by[g], ref);
                    goto out;
                }
                gf[g] = x;
            }
        }
        if (co->has_min) {
            d->cond.t[d->cond.n].op = co->min_incl ? EN_CMP_GTE : EN_CMP_GT;
            d->cond.t[d->cond.n++].v = co->min;
        }
        if (co->has_max) {
            d->cond.t[d->cond.n].op = co->max_incl ? EN_CMP_LTE : EN_CMP_LT;
            d->cond.t[d->cond.n++].v = co->max;
        }
    }
    /* an inner correlation stays silent unless its consumer says generate: true */
    for (uint32_t i = 0; i < rs->ncorrs; i++) {
        r->defs[i].alert = 1;
    }
    for (uint32_t i = 0; i < rs->ncorrs; i++) {
        for (size_t j = 0; j < r->defs[i].n_members; j++) {
            if (r->defs[i].members[j].kind == EN_REF_CORR && !rs->corrs[i].generate) {
                r->defs[r->defs[i].members[j].index].alert = 0;
            }
        }
    }
    *out = r;
    return ZW_OK;
out:
    en_corr_rules_destroy(r);
    return rc;
}

void en_corr_rules_destroy(en_corr_rules *r)
{
    if (!r) {
        return;
    }
    zw_arena_destroy(r->a);
    free(r->fields);
    free(r->slots);
    free(r);
}

const en_rule_meta *en_corr_rules_meta(const en_corr_rules *r, size_t *n_rules)
{
    *n_rules = r->nmeta;
    return r->meta;
}

const en_corr_def *en_corr_rules_defs(const en_corr_rules *r, size_t *n_defs)
{
    *n_defs = r->ndefs;
    return r->defs;
}

int en_corr_rules_active(const en_corr_rules *r)
{
    if (r->ndefs) {
        return 1;
    }
    for (size_t i = 0; i < r->nmeta; i++) {
        if (r->meta[i].alert) {
            return 1;
        }
    }
    return 0;
}

const char *en_corr_rules_field(const en_corr_rules *r, uint32_t handle, int *slot)
{
    if (handle >= r->nfields) {
        return NULL;
    }
    if (slot) {
        *slot = r->slots[handle];
    }
    return r->fields[handle];
}

void en_field_reader_init(en_field_reader *fr, const en_corr_rules *r)
{
    fr->rules = r;
    fr->json = NULL;
    fr->ev = NULL;
    zw_buf_init(&fr->buf);
}

void en_field_reader_free(en_field_reader *fr)
{
    zw_buf_free(&fr->buf);
}

typedef struct {
    zw_buf *b;
    int got;
} first_val;

static void take_first(void *o, const char *p, size_t n)
{
    first_val *fv = o;
    if (!fv->got) {
        zw_buf_clear(fv->b);
        if (zw_buf_append(fv->b, p, n) == 0 && zw_buf_cstr(fv->b) == 0) {
            fv->got = 1;
        }
    }
}

zw_str en_field_read(void *opaque, uint32_t handle)
{
    en_field_reader *fr = opaque;
    zw_str none = {NULL, 0};
    int slot = -1;
    const char *name = en_corr_rules_field(fr->rules, handle, &slot);
    if (!name) {
        return none;
    }
    if (fr->json) {
        first_val fv = {&fr->buf, 0};
        en_json_values(fr->json, name, take_first, &fv);
        if (!fv.got) {
            return none;
        }
        zw_str s = {fr->buf.p ? fr->buf.p : "", fr->buf.len};
        return s;
    }
    const zw_event *ev = fr->ev;
    if (!ev || slot < 0 || !zw_ev_has(ev, (zw_field)slot)) {
        return none;
    }
    const zw_field_info *inf = zw_field_get((zw_field)slot);
    switch (inf->type) {
    case ZW_T_STR:
    case ZW_T_IP: {
        zw_str s = ev->v[slot].s;
        if (!s.p) {
            s.p = "";
        }
        return s;
    }
    case ZW_T_LIST:
        return ev->v[slot].l.head ? ev->v[slot].l.head->s : none;
    case ZW_T_BOOL:
        return ev->v[slot].i ? ZW_STR_LIT("true") : ZW_STR_LIT("false");
    default:
        zw_buf_clear(&fr->buf);
        if (zw_buf_printf(&fr->buf, "%lld", (long long)ev->v[slot].i)) {
            return none;
        }
        return zw_str_make(fr->buf.p, fr->buf.len);
    }
}
