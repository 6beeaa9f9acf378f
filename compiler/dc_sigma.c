/*
 * dc_sigma.c - Sigma documents to IR: rules (metadata, log source, detection), filters
 * and correlations (the condition map parsed by dc_doc.c, shared with DET).
 * Not here: the detection section (dc_sigma_cond.c) and values (dc_sigma_value.c).
 */
#include "dc_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void logsource(dc_doc *x, const dc_ynode *root)
{
    const dc_ynode *ls = dc_ymap_get(root, "logsource");
    x->product = dc_ystr(dc_ymap_get(ls, "product"));
    x->category = dc_ystr(dc_ymap_get(ls, "category"));
    x->service = dc_ystr(dc_ymap_get(ls, "service"));
}

int dc_sigma_rule(dc_doc *x, const dc_ynode *root)
{
    const dc_ynode *title = dc_ymap_get(root, "title");
    if (!dc_ystr(title)) {
        dc_err(x, root, "rule has no title");
    }
    logsource(x, root);
    dc_prog prog = {0};
    int errs = x->errors;
    dc_sigma_detection(x, dc_ymap_get(root, "detection"), &prog);
    if (x->errors != errs) {
        dc_prog_free(&prog);
        return -1;
    }
    dc_rule *r = dc_ruleset_add_rule(x->c->rs);
    if (!r) {
        dc_prog_free(&prog);
        return -1;
    }
    r->kind = DC_RK_SIGMA;
    r->generate = 1;
    r->id = dc_strdup0(dc_ystr(dc_ymap_get(root, "id")));
    r->name = dc_strdup0(dc_ystr(dc_ymap_get(root, "name")));
    r->title = dc_strdup0(dc_ystr(title));
    const char *lvl = dc_ystr(dc_ymap_get(root, "level"));
    r->level = dc_strdup0(lvl ? lvl : "medium");
    r->severity = (uint8_t)dc_level_severity(r->level);
    r->description = dc_strdup0(dc_ystr(dc_ymap_get(root, "description")));
    r->file = dc_strdup0(x->file);
    r->line = (uint32_t)root->line;
    r->product = dc_strdup0(x->product);
    r->category = dc_strdup0(x->category);
    r->service = dc_strdup0(x->service);
    r->strategy_id = dc_strdup0(NULL);
    r->strategy_name = dc_strdup0(NULL);
    r->routes = strdup(dc_routes(x));
    dc_strv(x, dc_ymap_get(root, "tags"), &r->tags, &r->ntags);
    r->prog = prog.v;
    r->nprog = (uint32_t)prog.n;
    if (x->c->explain) {
        dc_explain_flush(x->c, r->id[0] ? r->id : r->title, 1);
    }
    return 0;
}

int dc_sigma_filter(dc_doc *x, const dc_ynode *root)
{
    const dc_ynode *f = dc_ymap_get(root, "filter");
    if (!f || f->kind != DC_Y_MAP) {
        dc_err(x, f ? f : root, "filter must be a map");
        return -1;
    }
    logsource(x, root);
    dc_filter fl;
    memset(&fl, 0, sizeof fl);
    uint32_t nr = 0;
    const dc_ynode *rules = dc_ymap_get(f, "rules");
    if (!rules) {
        dc_err(x, f, "filter has no 'rules' list");
        return -1;
    }
    if (dc_strv(x, rules, &fl.rules, &nr)) {
        return -1;
    }
    fl.nrules = nr;
    /* the detection is the filter map minus `rules` */
    int errs = x->errors;
    dc_sigma_detection(x, f, &fl.prog);
    if (x->errors != errs) {
        for (size_t i = 0; i < fl.nrules; i++) {
            free(fl.rules[i]);
        }
        free(fl.rules);
        dc_prog_free(&fl.prog);
        return -1;
    }
    fl.file = strdup(x->file);
    fl.line = f->line;
    fl.col = f->col;
    fl.title = dc_strdup0(dc_ystr(dc_ymap_get(root, "title")));
    dc_filter *nf = realloc(x->c->filters, (x->c->nfilters + 1) * sizeof *nf);
    if (!nf) {
        return -1;
    }
    x->c->filters = nf;
    nf[x->c->nfilters++] = fl;
    return 0;
}

/* `aliases: {alias: {rule: field, ...}}` into c (fields through the field map).  Bad
 * entries are reported; -1 only on out-of-memory. */
static int corr_aliases(dc_doc *x, const dc_ynode *al, dc_corr *c)
{
    if (al && al->kind != DC_Y_MAP) {
        dc_err(x, al, "aliases must be a map");
        return 0;
    }
    for (size_t i = 0; al && i < al->n; i++) {
        const dc_ynode *an = al->items[2 * i], *am = al->items[2 * i + 1];
        if (am->kind != DC_Y_MAP) {
            dc_err(x, am, "alias must map rule names to fields");
            continue;
        }
        for (size_t j = 0; j < am->n; j++) {
            if (!dc_ystr(am->items[2 * j]) || !dc_ystr(am->items[2 * j + 1])) {
                dc_err(x, am->items[2 * j], "alias entries are rule: field");
                continue;
            }
            dc_alias *na = realloc(c->aliases, (c->naliases + 1) * sizeof *na);
            if (!na) {
                return -1;
            }
            c->aliases = na;
            na[c->naliases].name = strdup(an->str);
            na[c->naliases].rule = strdup(am->items[2 * j]->str);
            na[c->naliases].field = strdup(dc_map_field(x, am->items[2 * j + 1]->str));
            c->naliases++;
        }
    }
    return 0;
}

int dc_sigma_correlation(dc_doc *x, const dc_ynode *root)
{
    const dc_ynode *cr = dc_ymap_get(root, "correlation");
    if (!cr || cr->kind != DC_Y_MAP) {
        dc_err(x, cr ? cr : root, "correlation must be a map");
        return -1;
    }
    const char *type = dc_ystr(dc_ymap_get(cr, "type"));
    static const char *const types[] = {"event_count",      "value_count", "temporal",
                                        "temporal_ordered", "value_sum",   "value_avg",
                                        "value_percentile"};
    int t = -1;
    for (int i = 0; type && i < 7; i++) {
        if (strcmp(type, types[i]) == 0) {
            t = i;
        }
    }
    if (t < 0) {
        dc_unsup(x, dc_ymap_get(cr, "type") ? dc_ymap_get(cr, "type") : cr, "correlation type '%s'",
                 type ? type : "(missing)");
        return -1;
    }
    dc_corr *c = dc_ruleset_add_corr(x->c->rs);
    if (!c) {
        return -1;
    }
    c->type = (uint8_t)t;
    c->id = dc_strdup0(dc_ystr(dc_ymap_get(root, "id")));
    c->name = dc_strdup0(dc_ystr(dc_ymap_get(root, "name")));
    c->title = dc_strdup0(dc_ystr(dc_ymap_get(root, "title")));
    const char *lvl = dc_ystr(dc_ymap_get(root, "level"));
    c->level = dc_strdup0(lvl ? lvl : "medium");
    c->severity = (uint8_t)dc_level_severity(c->level);
    c->description = dc_strdup0(dc_ystr(dc_ymap_get(root, "description")));
    c->file = dc_strdup0(x->file);
    c->line = (uint32_t)root->line;
    c->field = dc_strdup0(NULL);
    int errs = x->errors;
    const dc_ynode *rules = dc_ymap_get(cr, "rules");
    if (!rules) {
        dc_err(x, cr, "correlation has no 'rules'");
    }
    dc_strv(x, rules, &c->rules, &c->nrules);
    dc_strv(x, dc_ymap_get(cr, "group-by"), &c->group_by, &c->ngroup);
    for (uint32_t i = 0; i < c->ngroup; i++) {
        (void)i; /* group-by names are aliases or field names; resolved at run time */
    }
    const dc_ynode *ts = dc_ymap_get(cr, "timespan");
    if (!ts) {
        ts = dc_ymap_get(cr, "timeframe");
    }
    c->timespan_ms = dc_ystr(ts) ? dc_parse_duration(ts->str) : -1;
    if (c->timespan_ms <= 0) {
        dc_err(x, ts ? ts : cr, "correlation needs a timespan like 10m, 1h");
    }
    const dc_ynode *cond = dc_ymap_get(cr, "condition");
    if (t == DC_CT_TEMPORAL || t == DC_CT_TEMPORAL_ORDERED) {
        if (cond) {
            dc_corr_condition(x, cond, c, dc_plain_scalar);
        }
    } else {
        dc_corr_condition(x, cond, c, dc_plain_scalar);
        if (!c->has_min && !c->has_max) {
            dc_err(x, cond ? cond : cr, "correlation condition needs gt/gte/lt/lte/eq");
        }
        if (t != DC_CT_EVENT_COUNT && !c->field[0]) {
            dc_err(x, cond ? cond : cr, "%s needs condition.field", types[t]);
        }
    }
    if (corr_aliases(x, dc_ymap_get(cr, "aliases"), c)) {
        return -1;
    }
    const dc_ynode *gen = dc_ymap_get(cr, "generate");
    if (!gen) {
        gen = dc_ymap_get(root, "generate");
    }
    c->generate = gen && dc_ystr(gen) && strcmp(gen->str, "true") == 0;
    dc_strv(x, dc_ymap_get(root, "tags"), &c->tags, &c->ntags);
    if (x->errors != errs) {
        return -1;
    }
    return 0;
}
