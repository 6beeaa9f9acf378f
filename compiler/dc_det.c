/*
 * dc_det.c - DET-style detection strategies (docs/DETECTIONS.md): one YAML file per
 * strategy mirroring ATT&CK v18 (strategy id DETnnnn, analytics, log sources, mutable
 * elements as typed parameters), compiled to the same IR as Sigma.  Parameters take
 * their default, overridden by the tuning file (`parameters: {Name: value}` or
 * `parameters: {DETnnnn: {Name: value}}`), and expand wherever a value is exactly or
 * contains `%Name%`.  Embedded examples become dc_example entries for `zonewarden test`.
 */
#include "dc_int.h"

#include "../common/zw_buf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const ptypes[] = {"cidr_list", "name_list", "string_list", "string",
                                     "duration",  "threshold", "number",      "bool"};

/* A scalar that may be a %Param% reference: returns the parameter's scalar text. */
static const char *param_scalar(dc_doc *x, const dc_ynode *n)
{
    const char *s = dc_ystr(n);
    if (!s) {
        return NULL;
    }
    size_t l = strlen(s);
    if (l > 2 && s[0] == '%' && s[l - 1] == '%' && x->params) {
        char name[128];
        if (l - 2 < sizeof name) {
            memcpy(name, s + 1, l - 2);
            name[l - 2] = 0;
            const dc_ynode *p = dc_ymap_get(x->params, name);
            if (p && p->kind == DC_Y_SCALAR) {
                return p->str;
            }
            if (!p) {
                dc_err(x, n, "unknown parameter %s", s);
            } else {
                dc_err(x, n, "parameter %s is a list where a single value is needed", s);
            }
            return NULL;
        }
    }
    return s;
}

static int check_param(dc_doc *x, const char *name, const char *type, const dc_ynode *v)
{
    if (!v) {
        return 0;
    }
    if (strstr(type, "_list")) {
        if (v->kind != DC_Y_SEQ && !dc_yis_null(v)) {
            dc_err(x, v, "parameter %s (%s) must be a list", name, type);
            return -1;
        }
        for (size_t i = 0; v->kind == DC_Y_SEQ && i < v->n; i++) {
            if (v->items[i]->kind != DC_Y_SCALAR) {
                dc_err(x, v->items[i], "parameter %s: list items must be strings", name);
                return -1;
            }
        }
        return 0;
    }
    if (v->kind != DC_Y_SCALAR) {
        dc_err(x, v, "parameter %s (%s) must be a single value", name, type);
        return -1;
    }
    if (strcmp(type, "duration") == 0 && dc_parse_duration(v->str) < 0) {
        dc_err(x, v, "parameter %s: '%s' is not a duration (30s, 10m, 1h, 2d)", name, v->str);
        return -1;
    }
    if (strcmp(type, "threshold") == 0 || strcmp(type, "number") == 0) {
        char *end;
        strtod(v->str, &end);
        if (end == v->str || *end) {
            dc_err(x, v, "parameter %s: '%s' is not a number", name, v->str);
            return -1;
        }
    }
    return 0;
}

/* Builds the effective parameter map (defaults + tuning) in a synthetic MAP node. */
static dc_ynode *build_params(dc_doc *x, const dc_ynode *decl, const char *sid)
{
    if (!decl) {
        return NULL;
    }
    if (decl->kind != DC_Y_MAP) {
        dc_err(x, decl, "parameters must be a map of Name: {type, default}");
        return NULL;
    }
    dc_ynode *m = calloc(1, sizeof *m);
    m->kind = DC_Y_MAP;
    m->items = calloc(2 * decl->n + 1, sizeof *m->items);
    const dc_ynode *tun = x->c->parameters;
    const dc_ynode *tun_s = sid ? dc_ymap_get(tun, sid) : NULL;
    for (size_t i = 0; i < decl->n; i++) {
        const dc_ynode *k = decl->items[2 * i], *d = decl->items[2 * i + 1];
        const char *name = dc_ystr(k);
        const char *type = dc_ystr(dc_ymap_get(d, "type"));
        int ok = 0;
        for (size_t t = 0; type && t < sizeof ptypes / sizeof ptypes[0]; t++) {
            ok |= strcmp(type, ptypes[t]) == 0;
        }
        if (!name || d->kind != DC_Y_MAP || !ok) {
            dc_err(x, d,
                   "parameter %s needs type: one of cidr_list, name_list, string_list, "
                   "string, duration, threshold, number, bool",
                   name ? name : "?");
            continue;
        }
        const dc_ynode *v = dc_ymap_get(d, "default");
        if (!v) {
            dc_err(x, d, "parameter %s has no default", name);
            continue;
        }
        const dc_ynode *o = tun_s ? dc_ymap_get(tun_s, name) : NULL;
        if (!o && tun) {
            o = dc_ymap_get(tun, name);
            if (o && o->kind == DC_Y_MAP) {
                o = NULL;
            }
        }
        if (check_param(x, name, type, v) || check_param(x, name, type, o)) {
            continue;
        }
        m->items[2 * m->n] = (dc_ynode *)k;
        m->items[2 * m->n + 1] = (dc_ynode *)(o ? o : v);
        m->n++;
    }
    return m;
}

static void free_params(dc_ynode *m)
{
    if (m) {
        free(m->items);
        free(m);
    }
}

/* YAML node -> JSON text (plain scalars typed). */
static int to_json(const dc_ynode *n, zw_buf *b)
{
    if (n->kind == DC_Y_MAP) {
        zw_buf_putc(b, '{');
        for (size_t i = 0; i < n->n; i++) {
            if (i) {
                zw_buf_putc(b, ',');
            }
            const dc_ynode *k = n->items[2 * i];
            zw_json_str(b, k->str ? k->str : "", k->str ? k->len : 0);
            zw_buf_putc(b, ':');
            to_json(n->items[2 * i + 1], b);
        }
        return zw_buf_putc(b, '}');
    }
    if (n->kind == DC_Y_SEQ) {
        zw_buf_putc(b, '[');
        for (size_t i = 0; i < n->n; i++) {
            if (i) {
                zw_buf_putc(b, ',');
            }
            to_json(n->items[i], b);
        }
        return zw_buf_putc(b, ']');
    }
    if (dc_yis_null(n)) {
        return zw_buf_puts(b, "null");
    }
    if (n->plain && (strcmp(n->str, "true") == 0 || strcmp(n->str, "false") == 0)) {
        return zw_buf_puts(b, n->str);
    }
    if (n->plain) {
        const char *p = n->str;
        int num = *p != 0;
        if (*p == '-') {
            p++;
        }
        int digits = 0;
        for (; *p; p++) {
            if (isdigit((unsigned char)*p)) {
                digits++;
            } else if (*p != '.') {
                num = 0;
            }
        }
        if (num && digits && (n->str[0] != '0' || n->len == 1 || n->str[1] == '.')) {
            return zw_buf_puts(b, n->str);
        }
    }
    return zw_json_str(b, n->str, n->len);
}

static int add_examples(dc_doc *x, const dc_ynode *list, uint32_t rule, int must)
{
    if (!list) {
        return 0;
    }
    if (list->kind != DC_Y_SEQ) {
        dc_err(x, list, "examples must be a list of events");
        return -1;
    }
    for (size_t i = 0; i < list->n; i++) {
        const dc_ynode *e = list->items[i];
        dc_example *ex = dc_ruleset_add_example(x->c->rs);
        if (!ex) {
            return -1;
        }
        ex->rule = rule;
        ex->must_match = (uint8_t)must;
        ex->file = strdup(x->file);
        ex->line = (uint32_t)e->line;
        if (e->kind == DC_Y_SCALAR) {
            ex->json = strdup(e->str); /* JSON text, or a raw log record to normalize */
        } else {
            zw_buf b;
            zw_buf_init(&b);
            to_json(e, &b);
            zw_buf_cstr(&b);
            ex->json = b.p ? b.p : strdup("{}");
        }
    }
    return 0;
}

static int det_correlation(dc_doc *x, const dc_ynode *cr, const dc_ynode *an, const char *aid,
                           const char *title, const char *sev, const char *formats)
{
    (void)formats;
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
        dc_err(x, cr,
               "correlation type must be one of event_count, value_count, temporal, "
               "temporal_ordered, value_sum, value_avg, value_percentile");
        return -1;
    }
    dc_corr *c = dc_ruleset_add_corr(x->c->rs);
    c->type = (uint8_t)t;
    c->id = dc_strdup0(aid);
    c->name = dc_strdup0(aid);
    c->title = dc_strdup0(title);
    c->level = dc_strdup0(sev);
    c->severity = (uint8_t)dc_level_severity(sev);
    c->description = dc_strdup0(dc_ystr(dc_ymap_get(an, "description")));
    c->file = dc_strdup0(x->file);
    c->line = (uint32_t)an->line;
    c->field = dc_strdup0(dc_ystr(dc_ymap_get(cr, "field")));
    c->generate = 0;
    dc_strv(x, dc_ymap_get(cr, "rules"), &c->rules, &c->nrules);
    dc_strv(x,
            dc_ymap_get(cr, "group_by") ? dc_ymap_get(cr, "group_by") : dc_ymap_get(cr, "group-by"),
            &c->group_by, &c->ngroup);
    const char *ts = param_scalar(x, dc_ymap_get(cr, "timespan"));
    c->timespan_ms = ts ? dc_parse_duration(ts) : -1;
    if (c->timespan_ms <= 0) {
        dc_err(x, cr, "correlation needs timespan (a duration or a %%duration%% parameter)");
        return -1;
    }
    const dc_ynode *cond = dc_ymap_get(cr, "condition");
    if (cond && dc_corr_condition(x, cond, c, param_scalar)) {
        return -1;
    }
    if (t != DC_CT_TEMPORAL && t != DC_CT_TEMPORAL_ORDERED && !c->has_min && !c->has_max) {
        dc_err(x, cr, "%s correlation needs condition: {gte: N}", types[t]);
        return -1;
    }
    if (c->nrules == 0) {
        dc_err(x, cr, "correlation needs rules: [analytic ids]");
        return -1;
    }
    return 0;
}

/* Strategy-level facts every analytic of the document carries. */
typedef struct {
    const char *sid, *sname;
    char **techs;
    uint32_t ntech;
} det_strategy;

/* log_sources -> comma list of normalizer formats in fmts (errors reported). */
static void analytic_formats(dc_doc *x, const dc_ynode *an, const char *aid, zw_buf *fmts)
{
    const dc_ynode *ls = dc_ymap_get(an, "log_sources");
    if (!ls || ls->kind != DC_Y_SEQ || ls->n == 0) {
        dc_err(x, ls ? ls : an,
               "analytic %s needs log_sources: (list of {data_component, "
               "name, channel})",
               aid);
    }
    for (size_t i = 0; ls && ls->kind == DC_Y_SEQ && i < ls->n; i++) {
        const char *nm = dc_ystr(dc_ymap_get(ls->items[i], "name"));
        if (!nm || !dc_ystr(dc_ymap_get(ls->items[i], "data_component"))) {
            dc_err(x, ls->items[i],
                   "log source needs data_component and name (a "
                   "normalizer format)");
            continue;
        }
        if (fmts->len) {
            zw_buf_putc(fmts, ',');
        }
        zw_buf_puts(fmts, nm);
    }
    zw_buf_cstr(fmts);
}

/* The analytic's detection as a rule, with its examples. */
static void det_rule(dc_doc *x, const det_strategy *s, const dc_ynode *an, const char *aid,
                     const char *title, const char *sev, const char *fmts, int errs)
{
    const dc_ynode *det = dc_ymap_get(an, "detection");
    x->product = "zonewarden";
    x->category = NULL;
    x->service = NULL;
    dc_prog prog = {0};
    if (dc_sigma_detection(x, det, &prog) != 0 || x->errors != errs) {
        dc_prog_free(&prog);
        return;
    }
    dc_rule *r = dc_ruleset_add_rule(x->c->rs);
    r->kind = DC_RK_DET;
    r->generate = 1;
    r->id = strdup(aid);
    r->name = strdup(aid);
    r->title = strdup(title);
    r->level = strdup(sev);
    r->severity = (uint8_t)dc_level_severity(sev);
    r->description = dc_strdup0(dc_ystr(dc_ymap_get(an, "description")));
    r->file = strdup(x->file);
    r->line = (uint32_t)an->line;
    r->product = strdup("zonewarden");
    r->category = dc_strdup0(NULL);
    r->service = strdup(fmts);
    r->strategy_id = dc_strdup0(s->sid);
    r->strategy_name = dc_strdup0(s->sname);
    r->routes = strdup(fmts);
    r->ntags = s->ntech;
    r->tags = calloc(s->ntech ? s->ntech : 1, sizeof *r->tags);
    for (uint32_t i = 0; i < s->ntech; i++) {
        r->tags[i] = strdup(s->techs[i]);
    }
    r->prog = prog.v;
    r->nprog = (uint32_t)prog.n;
    uint32_t ridx = x->c->rs->nrules - 1;
    const dc_ynode *exs = dc_ymap_get(an, "examples");
    add_examples(x, dc_ymap_get(exs, "must_match"), ridx, 1);
    add_examples(x, dc_ymap_get(exs, "must_not_match"), ridx, 0);
    if (x->c->explain) {
        dc_explain_flush(x->c, aid, 1);
    }
    if (!dc_ymap_get(an, "correlation") &&
        (!dc_ymap_get(exs, "must_match") || !dc_ymap_get(exs, "must_not_match"))) {
        dc_diag_add(x->d, DC_DIAG_WARNING, x->file, an->line, an->col,
                    "analytic %s has no must_match / must_not_match examples", aid);
    }
}

static void det_analytic(dc_doc *x, const det_strategy *s, const dc_ynode *an)
{
    int errs = x->errors;
    const char *aid = dc_ystr(dc_ymap_get(an, "id"));
    const char *title = dc_ystr(dc_ymap_get(an, "name"));
    const char *sev = dc_ystr(dc_ymap_get(an, "severity"));
    if (!aid) {
        dc_err(x, an, "analytic needs an id (AN0001)");
        return;
    }
    if (!title) {
        title = aid;
    }
    if (!sev || !dc_level_severity(sev)) {
        dc_err(x, dc_ymap_get(an, "severity") ? dc_ymap_get(an, "severity") : an,
               "analytic %s needs severity: informational|low|medium|high|critical", aid);
        return;
    }
    zw_buf fmts;
    zw_buf_init(&fmts);
    analytic_formats(x, an, aid, &fmts);
    const dc_ynode *det = dc_ymap_get(an, "detection");
    const dc_ynode *cr = dc_ymap_get(an, "correlation");
    if (!det && !cr) {
        dc_err(x, an, "analytic %s needs detection: or correlation:", aid);
    }
    if (det) {
        det_rule(x, s, an, aid, title, sev, fmts.p ? fmts.p : "", errs);
    }
    if (cr && x->errors == errs) {
        det_correlation(x, cr, an, aid, title, sev, fmts.p);
    }
    zw_buf_free(&fmts);
}

int dc_det_strategy(dc_doc *x, const dc_ynode *root)
{
    const dc_ynode *st = dc_ymap_get(root, "strategy");
    det_strategy s = {dc_ystr(dc_ymap_get(st, "id")), dc_ystr(dc_ymap_get(st, "name")), NULL, 0};
    if (!st || st->kind != DC_Y_MAP) {
        dc_err(x, root, "DET document needs a strategy: map (id, name, techniques)");
        return -1;
    }
    if (!s.sid || strncmp(s.sid, "DET", 3) != 0 || strlen(s.sid) < 7) {
        dc_err(x, dc_ymap_get(st, "id") ? dc_ymap_get(st, "id") : st,
               "strategy id must look like DET0001");
    }
    if (!s.sname) {
        dc_err(x, st, "strategy needs a name");
    }
    dc_strv(x, dc_ymap_get(st, "techniques"), &s.techs, &s.ntech);
    for (uint32_t i = 0; i < s.ntech; i++) {
        if (s.techs[i][0] != 'T' || !isdigit((unsigned char)s.techs[i][1])) {
            dc_err(x, dc_ymap_get(st, "techniques"),
                   "technique '%s' is not an ATT&CK id (T1590.002)", s.techs[i]);
        }
    }
    dc_ynode *params = build_params(x, dc_ymap_get(root, "parameters"), s.sid);
    x->params = params;
    x->det = 1;
    const dc_ynode *ans = dc_ymap_get(root, "analytics");
    if (!ans || ans->kind != DC_Y_SEQ || ans->n == 0) {
        dc_err(x, ans ? ans : root, "DET document needs analytics: (a non-empty list)");
    }
    int errs0 = x->errors;
    for (size_t ai = 0; ans && ans->kind == DC_Y_SEQ && ai < ans->n; ai++) {
        det_analytic(x, &s, ans->items[ai]);
    }
    for (uint32_t i = 0; i < s.ntech; i++) {
        free(s.techs[i]);
    }
    free(s.techs);
    free_params(params);
    x->params = NULL;
    return x->errors != errs0 ? -1 : 0;
}
