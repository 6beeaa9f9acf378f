/*
 * en_pipe.c - IR -> correlator definitions, and per-event glue (see en_pipe.h).
 */
#include "en_pipe.h"

#include "../common/zw_time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char **v;
    uint32_t n, cap;
} strtab;

struct en_pipe {
    const en_tables *t;
    en_matcher *m;
    en_corr *corr;
    en_alert_sink sink;
    en_rule_meta *rmeta;
    en_rule_meta *cmeta;
    en_attack **attacks; /* per rule then per corr */
    en_corr_def *defs;
    en_corr_member **members;
    uint32_t **gfields;
    strtab fields;           /* field handle -> path */
    uint32_t **leaf_handles; /* per leaf: handle of its field (UINT32_MAX for keywords) */
    /* per event */
    fjson_object *jev;
    const zw_event *cev;
    char *vbuf;
    size_t vcap, vlen;
    en_kv kv[32];
    const uint32_t *last;
    int nlast;
};

static uint32_t field_handle(strtab *s, const char *path)
{
    for (uint32_t i = 0; i < s->n; i++) {
        if (strcmp(s->v[i], path) == 0) {
            return i;
        }
    }
    if (s->n == s->cap) {
        uint32_t c = s->cap ? s->cap * 2 : 16;
        char **nv = realloc(s->v, c * sizeof *nv);
        if (!nv) {
            return EN_FIELD_NONE;
        }
        s->v = nv;
        s->cap = c;
    }
    s->v[s->n] = strdup(path);
    return s->v[s->n] ? s->n++ : EN_FIELD_NONE;
}

static int ref_rule(const dc_rule *r, const char *ref)
{
    return (r->id[0] && strcmp(r->id, ref) == 0) || (r->name[0] && strcmp(r->name, ref) == 0) ||
           (r->title[0] && strcmp(r->title, ref) == 0);
}

static int ref_corr(const dc_corr *c, const char *ref)
{
    return (c->id[0] && strcmp(c->id, ref) == 0) || (c->name[0] && strcmp(c->name, ref) == 0) ||
           (c->title[0] && strcmp(c->title, ref) == 0);
}

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

/* Names of the techniques zonewarden's own content uses; others keep their uid only. */
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

/* ATT&CK entries from Sigma-style tags (attack.t1590.002, attack.reconnaissance) or
 * DET technique ids (T1590.002): one per technique, each with the first tactic tag;
 * a tactic alone gives one technique-less entry.  technique_uid is malloc'ed (the
 * destroy loop frees it; entries end at the first NULL technique_uid), names static. */
static en_attack *tags_attacks(char **tags, uint32_t n, size_t *na)
{
    en_attack *a = calloc(n + 2, sizeof *a);
    const char *tac_uid = NULL, *tac_name = NULL;
    *na = 0;
    for (uint32_t i = 0; a && i < n && !tac_uid; i++) {
        for (size_t k = 0; strncmp(tags[i], "attack.", 7) == 0 && k < ZW_ARRAY_LEN(tactics); k++) {
            if (strcmp(tags[i] + 7, tactics[k].tag) == 0) {
                tac_uid = tactics[k].uid;
                tac_name = tactics[k].name;
            }
        }
    }
    for (uint32_t i = 0; a && i < n; i++) {
        const char *tg = tags[i];
        const char *tech = NULL;
        if (strncmp(tg, "attack.t", 8) == 0 && tg[8] >= '0' && tg[8] <= '9') {
            tech = tg + 7;
        } else if (tg[0] == 'T' && tg[1] >= '0' && tg[1] <= '9') {
            tech = tg;
        }
        if (!tech) {
            continue;
        }
        char *u = strdup(tech);
        for (char *p = u; p && *p; p++) {
            if (*p >= 'a' && *p <= 'z') {
                *p = (char)(*p - 32);
            }
        }
        en_attack *e = &a[(*na)++];
        e->technique_uid = u;
        for (size_t k = 0; u && k < ZW_ARRAY_LEN(techniques); k++) {
            if (strcmp(u, techniques[k].uid) == 0) {
                e->technique_name = techniques[k].name;
            }
        }
        e->tactic_uid = tac_uid;
        e->tactic_name = tac_name;
    }
    if (a && *na == 0 && tac_uid) {
        /* technique_uid stays NULL: the destroy loop has nothing to free here */
        a[0].tactic_uid = tac_uid;
        a[0].tactic_name = tac_name;
        *na = 1;
    }
    return a;
}

static void meta_fill(en_rule_meta *m, const char *id, const char *title, const char *desc, int sev,
                      en_attack *at, size_t nat)
{
    m->uid = id[0] ? id : title;
    m->name = title;
    m->desc = desc && desc[0] ? desc : NULL;
    m->severity_id = sev ? sev : ZW_SEV_MEDIUM;
    m->attacks = at;
    m->n_attacks = nat;
}

static void cond_fill(en_cond *c, const dc_corr *d)
{
    c->n = 0;
    if (d->has_min && d->has_max && d->min == d->max && d->min_incl && d->max_incl) {
        c->t[c->n].op = EN_CMP_EQ;
        c->t[c->n++].v = d->min;
        return;
    }
    if (d->has_min) {
        c->t[c->n].op = d->min_incl ? EN_CMP_GTE : EN_CMP_GT;
        c->t[c->n++].v = d->min;
    }
    if (d->has_max) {
        c->t[c->n].op = d->max_incl ? EN_CMP_LTE : EN_CMP_LT;
        c->t[c->n++].v = d->max;
    }
}

en_pipe *en_pipe_new(const en_tables *t, const en_corr_opts *opt, const en_alert_sink *sink,
                     char *errstr, size_t errstr_size)
{
    const dc_ruleset *rs = en_tables_ruleset(t);
    en_pipe *p = calloc(1, sizeof *p);
    if (!p) {
        return NULL;
    }
    p->t = t;
    p->sink = *sink;
    uint32_t nr = rs->nrules, nc = rs->ncorrs;
    p->m = en_matcher_new(t);
    p->rmeta = calloc(nr + 1, sizeof *p->rmeta);
    p->cmeta = calloc(nc + 1, sizeof *p->cmeta);
    p->attacks = calloc(nr + nc + 1, sizeof *p->attacks);
    p->defs = calloc(nc + 1, sizeof *p->defs);
    p->members = calloc(nc + 1, sizeof *p->members);
    p->gfields = calloc(nc + 1, sizeof *p->gfields);
    p->leaf_handles = calloc(1, sizeof *p->leaf_handles);
    p->vcap = 4096;
    p->vbuf = malloc(p->vcap);
    if (!p->m || !p->rmeta || !p->cmeta || !p->attacks || !p->defs || !p->members || !p->gfields ||
        !p->vbuf || !p->leaf_handles) {
        zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
        goto fail;
    }
    p->leaf_handles[0] = calloc(rs->nleaves + 1, sizeof(uint32_t));
    if (!p->leaf_handles[0]) {
        goto fail;
    }
    for (uint32_t l = 0; l < rs->nleaves; l++) {
        p->leaf_handles[0][l] =
            rs->leaves[l].field[0] ? field_handle(&p->fields, rs->leaves[l].field) : EN_FIELD_NONE;
    }
    for (uint32_t r = 0; r < nr; r++) {
        const dc_rule *ru = &rs->rules[r];
        size_t na;
        p->attacks[r] = tags_attacks(ru->tags, ru->ntags, &na);
        meta_fill(&p->rmeta[r], ru->id, ru->title, ru->description, ru->severity, p->attacks[r],
                  na);
        p->rmeta[r].alert = ru->generate;
    }
    for (uint32_t c = 0; c < nc; c++) {
        const dc_corr *co = &rs->corrs[c];
        en_corr_def *d = &p->defs[c];
        size_t na;
        p->attacks[nr + c] = tags_attacks(co->tags, co->ntags, &na);
        if (na == 0 && co->nrules) {
            /* inherit the ATT&CK mapping of the first referenced rule */
            for (uint32_t r = 0; r < nr; r++) {
                if (ref_rule(&rs->rules[r], co->rules[0])) {
                    free(p->attacks[nr + c]);
                    p->attacks[nr + c] = tags_attacks(rs->rules[r].tags, rs->rules[r].ntags, &na);
                    break;
                }
            }
        }
        meta_fill(&p->cmeta[c], co->id, co->title, co->description, co->severity,
                  p->attacks[nr + c], na);
        d->meta = &p->cmeta[c];
        d->type = (en_corr_type)co->type;
        d->timespan_ms = co->timespan_ms;
        cond_fill(&d->cond, co);
        d->group_names = (const char *const *)co->group_by;
        d->n_group = co->ngroup;
        d->value_field_name = co->field[0] ? co->field : NULL;
        d->percentile = co->percentile > 0 ? co->percentile : 95;
        d->alert = 1;
        p->members[c] = calloc(co->nrules + 1, sizeof(en_corr_member));
        p->gfields[c] = calloc((size_t)(co->nrules + 1) * (co->ngroup + 1), sizeof(uint32_t));
        if (!p->members[c] || !p->gfields[c]) {
            zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
            goto fail;
        }
        for (uint32_t j = 0; j < co->nrules; j++) {
            en_corr_member *mb = &p->members[c][j];
            uint32_t *gf = p->gfields[c] + (size_t)j * (co->ngroup + 1);
            const char *ref = co->rules[j];
            int found = 0;
            for (uint32_t r = 0; r < nr && !found; r++) {
                if (!ref_rule(&rs->rules[r], ref)) {
                    continue;
                }
                found = 1;
                mb->kind = EN_REF_RULE;
                mb->index = r;
                for (uint32_t g = 0; g < co->ngroup; g++) {
                    const char *fname = co->group_by[g];
                    for (uint32_t a = 0; a < co->naliases; a++) {
                        if (strcmp(co->aliases[a].name, co->group_by[g]) == 0 &&
                            ref_rule(&rs->rules[r], co->aliases[a].rule)) {
                            fname = co->aliases[a].field;
                        }
                    }
                    gf[g] = field_handle(&p->fields, fname);
                }
                mb->value_field =
                    co->field[0] ? field_handle(&p->fields, co->field) : EN_FIELD_NONE;
            }
            for (uint32_t k = 0; k < nc && !found; k++) {
                if (k == c || !ref_corr(&rs->corrs[k], ref)) {
                    continue;
                }
                found = 1;
                mb->kind = EN_REF_CORR;
                mb->index = k;
                mb->value_field = EN_FIELD_NONE;
                /* group-by parts by name in the consumed correlation's key */
                for (uint32_t g = 0; g < co->ngroup; g++) {
                    gf[g] = 0;
                    for (uint32_t h = 0; h < rs->corrs[k].ngroup; h++) {
                        if (strcmp(rs->corrs[k].group_by[h], co->group_by[g]) == 0) {
                            gf[g] = h;
                        }
                    }
                }
            }
            if (!found) {
                zw_errf(errstr, errstr_size, ZW_EINVAL,
                        "correlation '%s' references unknown rule '%s'", co->title, ref);
                goto fail;
            }
            mb->group_fields = gf;
        }
        d->members = p->members[c];
        d->n_members = co->nrules;
    }
    /* as for rules: a correlation consumed by another stays silent unless its consumer
     * says generate: true (the Sigma spec's chained example alerts once, at the end) */
    for (uint32_t c = 0; c < nc; c++) {
        for (size_t j = 0; j < p->defs[c].n_members; j++) {
            if (p->defs[c].members[j].kind == EN_REF_CORR && !rs->corrs[c].generate) {
                p->defs[p->defs[c].members[j].index].alert = 0;
            }
        }
    }
    p->corr = en_corr_new(p->rmeta, nr, p->defs, nc, opt, errstr, errstr_size);
    if (!p->corr) {
        goto fail;
    }
    return p;
fail:
    en_pipe_destroy(p);
    return NULL;
}

void en_pipe_destroy(en_pipe *p)
{
    if (!p) {
        return;
    }
    en_corr_destroy(p->corr);
    en_matcher_destroy(p->m);
    const dc_ruleset *rs = en_tables_ruleset(p->t);
    if (p->attacks) {
        for (uint32_t i = 0; i < rs->nrules + rs->ncorrs; i++) {
            if (p->attacks[i]) {
                for (size_t k = 0; p->attacks[i][k].technique_uid; k++) {
                    free((char *)p->attacks[i][k].technique_uid);
                }
                free(p->attacks[i]);
            }
        }
    }
    free(p->attacks);
    if (p->members) {
        for (uint32_t c = 0; c < rs->ncorrs; c++) {
            free(p->members[c]);
            free(p->gfields[c]);
        }
    }
    free(p->members);
    free(p->gfields);
    free(p->defs);
    free(p->rmeta);
    free(p->cmeta);
    for (uint32_t i = 0; i < p->fields.n; i++) {
        free(p->fields.v[i]);
    }
    free(p->fields.v);
    if (p->leaf_handles) {
        free(p->leaf_handles[0]);
    }
    free(p->leaf_handles);
    free(p->vbuf);
    free(p);
}

en_corr *en_pipe_corr(en_pipe *p)
{
    return p->corr;
}

const uint32_t *en_pipe_last(const en_pipe *p, int *n)
{
    *n = p->nlast;
    return p->last;
}

/* ---- field values ---- */

typedef struct {
    en_pipe *p;
    zw_str out;
    int got;
} firstval;

static void first_value(void *o, const char *s, size_t n)
{
    firstval *f = o;
    if (f->got) {
        return;
    }
    f->got = 1;
    en_pipe *p = f->p;
    if (p->vlen + n + 1 > p->vcap) {
        f->out = zw_str_make(s, n); /* borrowed from the event, alive during feed */
        return;
    }
    memcpy(p->vbuf + p->vlen, s, n);
    f->out = zw_str_make(p->vbuf + p->vlen, n);
    p->vlen += n + 1;
}

static zw_str field_value(void *ud, uint32_t h)
{
    en_pipe *p = ud;
    zw_str none = {NULL, 0};
    if (h >= p->fields.n) {
        return none;
    }
    const char *path = p->fields.v[h];
    if (p->jev) {
        firstval f = {p, none, 0};
        en_json_values(p->jev, path, first_value, &f);
        return f.out;
    }
    int s = zw_field_by_path(path, strlen(path));
    const zw_event *ev = p->cev;
    if (s < 0 || !zw_ev_has(ev, (zw_field)s)) {
        return none;
    }
    const zw_field_info *inf = zw_field_get((zw_field)s);
    if (inf->type == ZW_T_STR || inf->type == ZW_T_IP) {
        return ev->v[s].s.p ? ev->v[s].s : zw_str_make("", 0);
    }
    if (inf->type == ZW_T_LIST) {
        return ev->v[s].l.head ? ev->v[s].l.head->s : none;
    }
    if (p->vlen + 32 > p->vcap) {
        return none;
    }
    int n = inf->type == ZW_T_BOOL
                ? snprintf(p->vbuf + p->vlen, 32, "%s", ev->v[s].i ? "true" : "false")
                : snprintf(p->vbuf + p->vlen, 32, "%lld", (long long)ev->v[s].i);
    zw_str r = zw_str_make(p->vbuf + p->vlen, (size_t)n);
    p->vlen += (size_t)n + 1;
    return r;
}

/* Matched field / value pairs of rule r: every field whose leaf fired. */
static size_t matched_pairs(en_pipe *p, uint32_t r)
{
    const dc_ruleset *rs = en_tables_ruleset(p->t);
    const dc_rule *ru = &rs->rules[r];
    size_t n = 0;
    for (uint32_t i = 0; i < ru->nprog && n < 32; i++) {
        if (DC_P_OPC(ru->prog[i]) != DC_P_LEAF) {
            continue;
        }
        uint32_t l = DC_P_ARG(ru->prog[i]);
        uint32_t h = p->leaf_handles[0][l];
        if (h == EN_FIELD_NONE || !en_matcher_leaf(p->m, l)) {
            continue;
        }
        int dup = 0;
        for (size_t k = 0; k < n; k++) {
            dup |= strcmp(p->kv[k].name.p, p->fields.v[h]) == 0;
        }
        if (dup) {
            continue;
        }
        zw_str v = field_value(p, h);
        if (!v.p) {
            continue;
        }
        p->kv[n].name = zw_str_c(p->fields.v[h]);
        p->kv[n].value = v;
        n++;
    }
    return n;
}

static int feed(en_pipe *p, const uint32_t *rules, int n, int64_t t, zw_str uid, zw_str pos,
                int32_t partition)
{
    p->last = rules;
    p->nlast = n;
    for (int i = 0; i < n; i++) {
        p->vlen = 0;
        en_corr_input in;
        memset(&in, 0, sizeof in);
        in.rule = rules[i];
        in.time_ms = t;
        in.partition = partition;
        in.uid = uid;
        in.position = pos;
        in.field = field_value;
        in.field_ud = p;
        in.matched = p->kv;
        in.n_matched = matched_pairs(p, rules[i]);
        int rc = en_corr_feed(p->corr, &in, &p->sink);
        if (rc < 0) {
            return rc;
        }
    }
    return n;
}

static int64_t json_time(fjson_object *o)
{
    static const char *const keys[] = {"time", "@timestamp", "timestamp", "eventTime", "UtcTime"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        fjson_object *v;
        if (!fjson_object_object_get_ex(o, keys[i], &v)) {
            continue;
        }
        if (fjson_object_get_type(v) == fjson_type_int) {
            return fjson_object_get_int64(v);
        }
        if (fjson_object_get_type(v) == fjson_type_string) {
            zw_time_ctx tc = {0, 0};
            int64_t ms;
            const char *s = fjson_object_get_string(v);
            if (zw_time_iso(s, strlen(s), &tc, &ms) > 0) {
                return ms;
            }
        }
    }
    return 0;
}

int en_pipe_json(en_pipe *p, fjson_object *ev, zw_str pos, int32_t partition)
{
    const uint32_t *rules;
    int n = en_match_json(p->m, ev, &rules);
    if (n <= 0) {
        p->nlast = 0;
        return n;
    }
    p->jev = ev;
    p->cev = NULL;
    size_t ul = 0;
    fjson_object *md, *u;
    const char *uid = NULL;
    if (fjson_object_object_get_ex(ev, "metadata", &md) &&
        fjson_object_object_get_ex(md, "uid", &u) &&
        fjson_object_get_type(u) == fjson_type_string) {
        uid = fjson_object_get_string(u);
        ul = strlen(uid);
    }
    int rc = feed(p, rules, n, json_time(ev), zw_str_make(uid ? uid : "", ul), pos, partition);
    p->jev = NULL;
    return rc;
}

int en_pipe_event(en_pipe *p, const zw_event *ev, zw_str pos, int32_t partition)
{
    const uint32_t *rules;
    int n = en_match_event(p->m, ev, &rules);
    if (n <= 0) {
        p->nlast = 0;
        return n;
    }
    p->cev = ev;
    p->jev = NULL;
    zw_str uid = zw_ev_str(ev, ZW_F_META_UID);
    int rc = feed(p, rules, n, zw_ev_int(ev, ZW_F_TIME), uid.p ? uid : zw_str_make("", 0), pos,
                  partition);
    p->cev = NULL;
    return rc;
}

int en_pipe_flush(en_pipe *p)
{
    return en_corr_flush(p->corr, EN_CORR_ALL, &p->sink);
}
