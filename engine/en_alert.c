/*
 * en_alert.c - writes an en_alert as an OCSF 1.8.0 Detection Finding (2004) straight
 * into a buffer, no DOM.  Deciding when alerts fire and merging them is en_corr.c.
 */
#include "en_alert.h"
#include "../common/zw_event.h"
#include "en_corr.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const type_names[EN_CORR__NTYPES] = {
    "event_count", "value_count", "temporal",         "temporal_ordered",
    "value_sum",   "value_avg",   "value_percentile",
};

const char *en_corr_type_name(int type)
{
    if (type < 0 || type >= EN_CORR__NTYPES) {
        return NULL;
    }
    return type_names[type];
}

/* Small helpers: every one returns 0 or ZW_ENOMEM and is chained with |. */
static int key(zw_buf *b, int *first, const char *k)
{
    int rc = 0;
    if (!*first) {
        rc |= zw_buf_putc(b, ',');
    }
    *first = 0;
    rc |= zw_json_key(b, k, strlen(k));
    return rc;
}

static int kstr(zw_buf *b, int *first, const char *k, const char *v)
{
    if (!v) {
        return 0;
    }
    int rc = 0;
    rc |= key(b, first, k);
    rc |= zw_json_str(b, v, strlen(v));
    return rc;
}

static int kview(zw_buf *b, int *first, const char *k, zw_str v)
{
    int rc = 0;
    rc |= key(b, first, k);
    rc |= zw_json_str(b, v.p ? v.p : "", v.n);
    return rc;
}

static int kint(zw_buf *b, int *first, const char *k, int64_t v)
{
    int rc = 0;
    rc |= key(b, first, k);
    rc |= zw_json_int(b, v);
    return rc;
}

static int knum(zw_buf *b, int *first, const char *k, double v)
{
    if (!isfinite(v)) {
        int rc = 0;
        rc |= key(b, first, k);
        rc |= zw_buf_puts(b, "null");
        return rc;
    }
    if (v == floor(v) && fabs(v) < 9.0e15) {
        return kint(b, first, k, (int64_t)v);
    }
    int rc = 0;
    rc |= key(b, first, k);
    rc |= zw_buf_printf(b, "%.17g", v);
    return rc;
}

static int write_attacks(zw_buf *b, const en_rule_meta *m)
{
    int rc = zw_buf_putc(b, '[');
    for (size_t i = 0; i < m->n_attacks; i++) {
        const en_attack *at = &m->attacks[i];
        int f = 1;
        rc |= zw_buf_puts(b, i ? ",{" : "{");
        if (at->technique_uid || at->technique_name) {
            int g = 1;
            rc |= key(b, &f, "technique");
            rc |= zw_buf_putc(b, '{');
            rc |= kstr(b, &g, "uid", at->technique_uid);
            rc |= kstr(b, &g, "name", at->technique_name);
            rc |= zw_buf_putc(b, '}');
        }
        if (at->tactic_uid || at->tactic_name) {
            int g = 1;
            rc |= key(b, &f, "tactic");
            rc |= zw_buf_putc(b, '{');
            rc |= kstr(b, &g, "uid", at->tactic_uid);
            rc |= kstr(b, &g, "name", at->tactic_name);
            rc |= zw_buf_putc(b, '}');
        }
        rc |= kstr(b, &f, "version", "18");
        rc |= zw_buf_putc(b, '}');
    }
    rc |= zw_buf_putc(b, ']');
    return rc;
}

static int write_key_object(zw_buf *b, const en_alert *a)
{
    int rc = zw_buf_putc(b, '{');
    int f = 1;
    for (size_t i = 0; i < a->n_key; i++) {
        char name[256];
        size_t n = a->key[i].name.n < sizeof name - 1 ? a->key[i].name.n : sizeof name - 1;
        memcpy(name, a->key[i].name.p ? a->key[i].name.p : "", n);
        name[n] = 0;
        rc |= kview(b, &f, name, a->key[i].value);
    }
    rc |= zw_buf_putc(b, '}');
    return rc;
}

static int write_message(zw_buf *b, const en_alert *a)
{
    zw_buf m;
    zw_buf_init(&m);
    int rc = zw_buf_puts(&m, a->meta->name ? a->meta->name : "alert");
    if (a->n_key) {
        rc |= zw_buf_puts(&m, " [");
        for (size_t i = 0; i < a->n_key; i++) {
            rc |= zw_buf_printf(&m, "%s%.*s=%.*s", i ? " " : "", (int)a->key[i].name.n,
                                a->key[i].name.p ? a->key[i].name.p : "", (int)a->key[i].value.n,
                                a->key[i].value.p ? a->key[i].value.p : "");
        }
        rc |= zw_buf_putc(&m, ']');
    }
    if (a->corr_type) {
        rc |= zw_buf_printf(&m, ": %s %.6g over %lld ms", a->corr_type, a->value,
                            (long long)a->timespan_ms);
    }
    rc |= zw_buf_printf(&m, ", %llu event%s", (unsigned long long)a->n_events,
                        a->n_events == 1 ? "" : "s");
    if (a->count > 1) {
        rc |= zw_buf_printf(&m, ", merged x%llu", (unsigned long long)a->count);
    }
    if (!rc) {
        rc = zw_json_str(b, m.p, m.len);
    }
    zw_buf_free(&m);
    return rc;
}

int en_alert_write_json(zw_buf *b, const en_alert *a, const en_alert_opts *o)
{
    const en_rule_meta *m = a->meta;
    const char *pname = o && o->product_name ? o->product_name : "zonewarden";
    const char *vname = o && o->vendor_name ? o->vendor_name : "zonewarden";
    const char *pver = o && o->product_version ? o->product_version : "0.1.0";
    int act = a->activity_id == EN_ALERT_UPDATE ? EN_ALERT_UPDATE : EN_ALERT_CREATE;
    int sev = m->severity_id >= 0 && m->severity_id <= 6 ? m->severity_id : 0;
    int rc = 0, f = 1;

    rc |= zw_buf_putc(b, '{');
    rc |= kint(b, &f, "class_uid", ZW_CLASS_DETECTION_FINDING);
    rc |= kstr(b, &f, "class_name", "Detection Finding");
    rc |= kint(b, &f, "category_uid", 2);
    rc |= kstr(b, &f, "category_name", "Findings");
    rc |= kint(b, &f, "activity_id", act);
    rc |= kstr(b, &f, "activity_name", act == EN_ALERT_UPDATE ? "Update" : "Create");
    rc |= kint(b, &f, "type_uid", 200400 + act);
    rc |= kstr(b, &f, "type_name",
               act == EN_ALERT_UPDATE ? "Detection Finding: Update" : "Detection Finding: Create");
    rc |= kint(b, &f, "severity_id", sev);
    rc |= kstr(b, &f, "severity", zw_severity_name(sev));
    rc |= kint(b, &f, "status_id", 1);
    rc |= kstr(b, &f, "status", "New");
    rc |= key(b, &f, "is_alert");
    rc |= zw_buf_puts(b, "true");
    rc |= kint(b, &f, "time", a->last_ms);
    rc |= kint(b, &f, "start_time", a->first_ms);
    rc |= kint(b, &f, "end_time", a->last_ms);
    rc |= kint(b, &f, "count", (int64_t)a->count);
    rc |= key(b, &f, "message");
    rc |= write_message(b, a);

    /* metadata */
    {
        int g = 1, h = 1;
        rc |= key(b, &f, "metadata");
        rc |= zw_buf_putc(b, '{');
        rc |= kstr(b, &g, "version", ZW_OCSF_VERSION);
        rc |= kstr(b, &g, "uid", a->uid);
        rc |= key(b, &g, "product");
        rc |= zw_buf_putc(b, '{');
        rc |= kstr(b, &h, "name", pname);
        rc |= kstr(b, &h, "vendor_name", vname);
        rc |= kstr(b, &h, "version", pver);
        rc |= zw_buf_puts(b, "}}");
    }

    /* finding_info */
    {
        int g = 1, h = 1;
        rc |= key(b, &f, "finding_info");
        rc |= zw_buf_putc(b, '{');
        rc |= kstr(b, &g, "uid", a->uid);
        rc |= kstr(b, &g, "title", m->name ? m->name : m->uid);
        rc |= kstr(b, &g, "desc", m->desc);
        rc |= key(b, &g, "analytic");
        rc |= zw_buf_putc(b, '{');
        rc |= kstr(b, &h, "uid", m->uid);
        rc |= kstr(b, &h, "name", m->name);
        rc |= kint(b, &h, "type_id", 1);
        rc |= kstr(b, &h, "type", "Rule");
        rc |= zw_buf_putc(b, '}');
        if (m->n_attacks) {
            rc |= key(b, &g, "attacks");
            rc |= write_attacks(b, m);
        }
        rc |= key(b, &g, "types");
        rc |= zw_buf_putc(b, '[');
        rc |= zw_json_str(b, a->corr_type ? "Correlation" : "Rule",
                          strlen(a->corr_type ? "Correlation" : "Rule"));
        if (a->corr_type) {
            rc |= zw_buf_putc(b, ',');
            rc |= zw_json_str(b, a->corr_type, strlen(a->corr_type));
        }
        rc |= zw_buf_putc(b, ']');
        rc |= kint(b, &g, "first_seen_time", a->first_ms);
        rc |= kint(b, &g, "last_seen_time", a->last_ms);
        rc |= kint(b, &g, "created_time", a->fire_ms);
        rc |= key(b, &g, "related_events");
        rc |= zw_buf_putc(b, '[');
        for (size_t i = 0; i < a->n_events_listed; i++) {
            int e = 1;
            rc |= zw_buf_puts(b, i ? ",{" : "{");
            rc |= kview(b, &e, "uid", a->events[i].uid);
            rc |= kint(b, &e, "first_seen_time", a->events[i].time_ms);
            rc |= zw_buf_putc(b, '}');
        }
        rc |= zw_buf_putc(b, ']');
        rc |= kint(b, &g, "related_events_count", (int64_t)a->n_events);
        rc |= zw_buf_putc(b, '}');
    }

    /* evidences: one per listed contributing event, with its position */
    rc |= key(b, &f, "evidences");
    rc |= zw_buf_putc(b, '[');
    for (size_t i = 0; i < a->n_events_listed; i++) {
        const en_event_ref *e = &a->events[i];
        int g = 1, h = 1;
        rc |= zw_buf_puts(b, i ? ",{" : "{");
        rc |= kview(b, &g, "uid", e->uid);
        rc |= key(b, &g, "data");
        rc |= zw_buf_putc(b, '{');
        rc |= kview(b, &h, "event_uid", e->uid);
        rc |= kview(b, &h, "position", e->position);
        rc |= kint(b, &h, "time", e->time_ms);
        rc |= kint(b, &h, "rule_index", e->rule);
        rc |= zw_buf_puts(b, "}}");
    }
    rc |= zw_buf_putc(b, ']');

    /* observables: the group key first, then the matched fields */
    rc |= key(b, &f, "observables");
    rc |= zw_buf_putc(b, '[');
    {
        size_t k = 0;
        for (size_t i = 0; i < a->n_key + a->n_matched; i++) {
            const en_kv *kv = i < a->n_key ? &a->key[i] : &a->matched[i - a->n_key];
            int g = 1;
            rc |= zw_buf_puts(b, k++ ? ",{" : "{");
            rc |= kview(b, &g, "name", kv->name);
            rc |= kview(b, &g, "value", kv->value);
            rc |= kint(b, &g, "type_id", 99);
            rc |= kstr(b, &g, "type", "Other");
            rc |= zw_buf_putc(b, '}');
        }
    }
    rc |= zw_buf_putc(b, ']');

    /* unmapped.correlation: what OCSF has no place for */
    {
        int g = 1, h = 1, w = 1;
        rc |= key(b, &f, "unmapped");
        rc |= zw_buf_putc(b, '{');
        rc |= key(b, &g, "correlation");
        rc |= zw_buf_putc(b, '{');
        rc |= kstr(b, &h, "type", a->corr_type ? a->corr_type : "rule");
        rc |= key(b, &h, "key");
        rc |= write_key_object(b, a);
        rc |= kint(b, &h, "timespan_ms", a->timespan_ms);
        rc |= key(b, &h, "window");
        rc |= zw_buf_putc(b, '{');
        rc |= kint(b, &w, "start", a->window_start_ms);
        rc |= kint(b, &w, "end", a->window_end_ms);
        rc |= zw_buf_putc(b, '}');
        rc |= knum(b, &h, "value", a->value);
        rc |= kstr(b, &h, "field", a->value_field);
        rc |= kint(b, &h, "events_total", (int64_t)a->n_events);
        rc |= kint(b, &h, "events_listed", (int64_t)a->n_events_listed);
        rc |= kint(b, &h, "partition", a->partition);
        if (a->future_time) {
            rc |= key(b, &h, "future_time");
            rc |= zw_buf_puts(b, "true");
        }
        rc |= zw_buf_puts(b, "}}");
    }
    rc |= zw_buf_putc(b, '}');
    return rc ? ZW_ENOMEM : ZW_OK;
}
