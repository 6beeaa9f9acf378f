/*
 * ex_report.c - exposure findings out: as canonical events (OCSF Compliance Finding,
 * so the normal writers give OCSF or ECS JSON and the engine can match them), as a
 * terminal table, and as a self-contained HTML report whose inline SVG chart tells a
 * non-technical reader how much of what the zone discloses was approved.
 *
 * Not for: deciding what is a finding (ex_analyze.c).
 */
#include "ex.h"
#include "ex_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const class_color[EX_C__COUNT] = {"#2e7d32", "#f0a202", "#c62828"};
static const char *const class_label[EX_C__COUNT] = {"Approved", "Not reviewed (unknown)",
                                                     "Not approved"};
/* the words the cards, badges and filter buttons share */
static const char *const class_word[EX_C__COUNT] = {"approved", "not reviewed", "not approved"};

static const char *remediation(ex_kind k)
{
    switch (k) {
    case EX_K_PROVIDER:
    case EX_K_THIRD_PARTY:
        return "Confirm the provider relationship is approved and still in use; add it to "
               "exposure.providers.approved, or remove the record (stale verification tokens "
               "and SPF includes disclose past vendors).";
    case EX_K_REMOTE_ACCESS:
    case EX_K_ADMIN:
        return "Serve this name only from an internal view, rename it, or record the approval "
               "in exposure.hosts.approved.";
    case EX_K_WILDCARD:
        return "Replace the wildcard with explicit records unless it is required.";
    case EX_K_PRIVATE_ADDR:
        return "Move internal addresses to an internal-only zone or view.";
    case EX_K_TAKEOVER:
        return "Verify the cloud resource still exists and is owned by you; remove the CNAME "
               "when the resource is deprovisioned.";
    case EX_K_STALE:
        return "Nothing to remove from the zone: passive DNS keeps the name public.  Make sure "
               "nothing still answers for it (addresses and cloud resources released), and treat "
               "what it reveals (hosts, vendors) as known to adversaries.";
    default:
        return "";
    }
}

/* One-line description of a finding into b. */
static int describe(const ex_finding *f, zw_buf *b)
{
    const char *owner = f->rr->owner;
    switch (f->kind) {
    case EX_K_PROVIDER:
        return zw_buf_printf(b, "%s uses %s (%s %s)", owner, f->provider->name, f->via, f->subject);
    case EX_K_THIRD_PARTY:
        return zw_buf_printf(b, "%s points to external %s (%s)", owner, f->subject, f->via);
    case EX_K_REMOTE_ACCESS:
        return zw_buf_printf(b, "%s names a remote-access service ('%s')", owner, f->subject);
    case EX_K_ADMIN:
        return zw_buf_printf(b, "%s names an admin/internal tool ('%s')", owner, f->subject);
    case EX_K_WILDCARD:
        return zw_buf_printf(b, "wildcard %s %s answers every name below it", owner, f->rr->type);
    case EX_K_PRIVATE_ADDR:
        return zw_buf_printf(b, "%s has %s address %s", owner, f->category, f->subject);
    case EX_K_TAKEOVER:
        if (f->resolved && strcmp(f->resolved, "nxdomain") == 0) {
            return zw_buf_printf(b,
                                 "%s -> %s: the %s resource is gone (NXDOMAIN): anyone who "
                                 "claims that name serves %s",
                                 owner, f->subject, f->provider->name, owner);
        }
        return zw_buf_printf(b, "%s -> %s: %s namespace where a deleted resource can be claimed",
                             owner, f->subject, f->provider->name);
    case EX_K_STALE:
        return zw_buf_printf(b, "%s is gone from the zone but passive DNS still has it (%s %s)",
                             owner, f->rr->type, f->rr->value);
    default:
        return zw_buf_puts(b, owner);
    }
}

int ex_finding_event(const ex_report *r, size_t i, int64_t time_ms, zw_event *ev)
{
    const ex_finding *f = &r->f[i];
    const ex_zone *z = f->src ? f->src : r->zone;
    zw_buf b;
    int rc = zw_ev_set_class(ev, ZW_CLASS_COMPLIANCE_FINDING, 1);
    zw_buf_init(&b);
    zw_ev_set_int(ev, ZW_F_TIME, time_ms);
    zw_ev_set_severity(ev, f->severity);
    zw_ev_set_int(ev, ZW_F_STATUS_ID, 1);
    zw_ev_set_ref(ev, ZW_F_STATUS, "New", 3);
    rc = rc ? rc : zw_ev_set_cstr(ev, ZW_F_FINDING_UID, f->uid);
    char tbuf[24], muid[17];
    snprintf(tbuf, sizeof tbuf, "%lld", (long long)time_ms);
    const char *mparts[] = {f->uid, tbuf};
    ex_uid(muid, mparts, 2); /* this run's event: finding uid + time */
    rc = rc ? rc : zw_ev_set_cstr(ev, ZW_F_META_UID, muid);
    if (!rc) {
        if (f->provider) {
            rc = zw_buf_printf(&b, "%s: %s", ex_kind_title(f->kind), f->provider->name);
        } else {
            rc = zw_buf_printf(&b, "%s: %s", ex_kind_title(f->kind), f->rr->owner);
        }
        rc = rc ? rc : zw_ev_set_str(ev, ZW_F_FINDING_TITLE, b.p, b.len);
    }
    zw_buf_clear(&b);
    rc = rc ? rc : describe(f, &b);
    rc = rc ? rc : zw_ev_set_str(ev, ZW_F_FINDING_DESC, b.p, b.len);
    rc = rc ? rc : zw_ev_set_str(ev, ZW_F_MESSAGE, b.p, b.len);
    rc = rc ? rc : zw_ev_list_add(ev, ZW_F_FINDING_TYPES, "dns-exposure", 12);
    rc = rc ? rc
            : zw_ev_list_add(ev, ZW_F_FINDING_TYPES, ex_kind_name(f->kind),
                             strlen(ex_kind_name(f->kind)));
    static const char ctl[] = "Public DNS discloses only approved providers and hosts";
    zw_ev_set_ref(ev, ZW_F_COMPLIANCE_CONTROL, ctl, sizeof ctl - 1);
    rc = rc ? rc : zw_ev_list_add(ev, ZW_F_COMPLIANCE_STANDARDS, "MITRE ATT&CK T1590.002", 22);
    static const char *const cs[EX_C__COUNT] = {"Pass", "Warning", "Fail"};
    zw_ev_set_int(ev, ZW_F_COMPLIANCE_STATUS_ID, f->cls + 1);
    zw_ev_set_ref(ev, ZW_F_COMPLIANCE_STATUS, cs[f->cls], strlen(cs[f->cls]));
    const char *rem = remediation(f->kind);
    zw_ev_set_ref(ev, ZW_F_REMEDIATION_DESC, rem, strlen(rem));
    zw_ev_set_ref(ev, ZW_F_RES_NAME, f->rr->owner, strlen(f->rr->owner));
    zw_ev_set_ref(ev, ZW_F_RES_TYPE, "DNS Record", 10);
    zw_ev_set_ref(ev, ZW_F_U_ZONE, z->origin, strlen(z->origin));
    zw_ev_set_ref(ev, ZW_F_U_RECORD_NAME, f->rr->owner, strlen(f->rr->owner));
    zw_ev_set_ref(ev, ZW_F_U_RECORD_TYPE, f->rr->type, strlen(f->rr->type));
    zw_ev_set_int(ev, ZW_F_U_RECORD_TTL, f->rr->ttl);
    rc = rc ? rc : zw_ev_list_add(ev, ZW_F_U_RECORD_VALUES, f->rr->value, strlen(f->rr->value));
    if (f->rr->alias) {
        zw_ev_set_ref(ev, ZW_F_U_RECORD_ALIAS_TARGET, f->rr->value, strlen(f->rr->value));
    }
    /* the engine routes analytics on source_format: the finding comes from `exposure`;
     * what the zone was read from is unmapped.exposure.input */
    zw_ev_set_ref(ev, ZW_F_U_SOURCE_FORMAT, "exposure", 8);
    zw_ev_set_ref(ev, ZW_F_U_EXPOSURE_INPUT, z->kind, strlen(z->kind));
    zw_ev_set_ref(ev, ZW_F_U_POS_FILE, z->source, strlen(z->source));
    if (f->rr->line > 0 && strcmp(z->kind, "zone-file") == 0) {
        zw_ev_set_int(ev, ZW_F_U_POS_LINE, f->rr->line);
    } else if (f->rr->line > 0) {
        zw_ev_set_int(ev, ZW_F_U_POS_OFFSET, f->rr->line - 1);
    }
    const char *kn = ex_kind_name(f->kind), *cn = ex_class_name(f->cls);
    zw_ev_set_ref(ev, ZW_F_U_EXPOSURE_KIND, kn, strlen(kn));
    zw_ev_set_ref(ev, ZW_F_U_EXPOSURE_CLASSIFICATION, cn, strlen(cn));
    zw_ev_set_ref(ev, ZW_F_U_EXPOSURE_VIA, f->via, strlen(f->via));
    zw_ev_set_ref(ev, ZW_F_U_EXPOSURE_SUBJECT, f->subject, strlen(f->subject));
    if (f->change != EX_CH_NONE) {
        const char *ch = ex_change_name(f->change);
        zw_ev_set_ref(ev, ZW_F_U_EXPOSURE_CHANGE, ch, strlen(ch));
    }
    if (f->resolved) {
        zw_ev_set_ref(ev, ZW_F_U_EXPOSURE_RESOLVED, f->resolved, strlen(f->resolved));
    }
    if (f->rr->seen_count) {
        zw_ev_set_int(ev, ZW_F_U_EXPOSURE_SEEN_COUNT, (int64_t)f->rr->seen_count);
    }
    if (f->rr->first_seen_ms) {
        zw_ev_set_int(ev, ZW_F_U_EXPOSURE_FIRST_SEEN, f->rr->first_seen_ms);
    }
    if (f->rr->last_seen_ms) {
        zw_ev_set_int(ev, ZW_F_U_EXPOSURE_LAST_SEEN, f->rr->last_seen_ms);
    }
    zw_ev_set_ref(ev, ZW_F_U_EXPOSURE_REASON, f->reason, strlen(f->reason));
    if (f->category) {
        zw_ev_set_ref(ev, ZW_F_U_EXPOSURE_CATEGORY, f->category, strlen(f->category));
    }
    if (f->pattern) {
        zw_ev_set_ref(ev, ZW_F_U_EXPOSURE_MATCH, f->pattern, strlen(f->pattern));
    }
    if (f->provider) {
        zw_ev_set_ref(ev, ZW_F_U_EXPOSURE_PROVIDER, f->provider->id, strlen(f->provider->id));
        zw_ev_set_ref(ev, ZW_F_U_EXPOSURE_PROVIDER_NAME, f->provider->name,
                      strlen(f->provider->name));
    }
    zw_ev_set_bool(ev, ZW_F_U_EXPOSURE_TAKEOVER, f->kind == EX_K_TAKEOVER);
    zw_ev_set_ref(ev, ZW_F_META_PRODUCT_NAME, "zonewarden", 10);
    zw_ev_set_ref(ev, ZW_F_META_PRODUCT_VENDOR, "zonewarden", 10);
    zw_ev_set_ref(ev, ZW_F_META_LOG_NAME, "exposure", 8);
    zw_buf_free(&b);
    return rc;
}

static const char *sev_short(int s)
{
    return zw_severity_name(s);
}

/* Pads or cuts s to w columns (ASCII; longer text ends in '~'). */
static int cell(zw_buf *b, const char *s, int w)
{
    int n = (int)strlen(s);
    if (n > w) {
        return zw_buf_printf(b, "%.*s~ ", w - 1, s);
    }
    return zw_buf_printf(b, "%-*s ", w, s);
}

/* 1 when the findings were compared with a baseline (ex_baseline_apply ran). */
static int compared(const ex_report *r)
{
    return r->by_change[EX_CH_ADDED] + r->by_change[EX_CH_UNCHANGED] +
               r->by_change[EX_CH_REMOVED] >
           0;
}

static int change_summary(const ex_report *r, zw_buf *b)
{
    return zw_buf_printf(b, "since the baseline: %zu added, %zu removed, %zu unchanged",
                         r->by_change[EX_CH_ADDED], r->by_change[EX_CH_REMOVED],
                         r->by_change[EX_CH_UNCHANGED]);
}

int ex_report_table(const ex_report *r, zw_buf *b)
{
    int cmp = compared(r);
    int rc = cmp ? zw_buf_printf(b, "%-9s ", "CHANGE") : 0;
    rc = rc ? rc
            : zw_buf_printf(b, "%-13s %-10s %-15s %-34s %-5s %-44s %s\n", "SEVERITY", "CLASS",
                            "KIND", "NAME", "TYPE", "DETAIL", "LINE");
    zw_buf d;
    zw_buf_init(&d);
    for (size_t i = 0; i < r->n && !rc; i++) {
        const ex_finding *f = &r->f[i];
        zw_buf_clear(&d);
        if (f->provider) {
            rc = zw_buf_printf(&d, "%s via %s %s", f->provider->name, f->via, f->subject);
        } else if (f->kind == EX_K_PRIVATE_ADDR) {
            rc = zw_buf_printf(&d, "%s %s", f->category, f->subject);
        } else {
            rc = zw_buf_printf(&d, "%s %s", f->via, f->subject);
        }
        rc = rc ? rc : zw_buf_cstr(&d);
        if (cmp && !rc) {
            rc = cell(b, ex_change_name(f->change), 9);
        }
        rc = rc ? rc : cell(b, sev_short(f->severity), 13);
        rc = rc ? rc : cell(b, ex_class_name(f->cls), 10);
        rc = rc ? rc : cell(b, ex_kind_name(f->kind), 15);
        rc = rc ? rc : cell(b, f->rr->owner, 34);
        rc = rc ? rc : cell(b, f->rr->type, 5);
        rc = rc ? rc : cell(b, d.p, 44);
        if (!rc && f->rr->line > 0) {
            rc = zw_buf_printf(b, "%lld", (long long)f->rr->line);
        }
        rc = rc ? rc : zw_buf_putc(b, '\n');
    }
    zw_buf_free(&d);
    if (!rc) {
        rc = zw_buf_printf(b,
                           "%zu records in %s (%s): %zu findings: %zu approved, %zu unknown, "
                           "%zu unapproved\n",
                           r->zone->n, r->zone->origin, r->zone->kind,
                           r->n - r->by_change[EX_CH_REMOVED], r->by_class[EX_C_APPROVED],
                           r->by_class[EX_C_UNKNOWN], r->by_class[EX_C_UNAPPROVED]);
    }
    if (!rc && cmp) {
        rc = change_summary(r, b);
        rc = rc ? rc : zw_buf_putc(b, '\n');
    }
    return rc;
}

/* ------------------------------------------------------------------ HTML */

static int esc(zw_buf *b, const char *s)
{
    int rc = 0;
    for (; *s && !rc; s++) {
        switch (*s) {
        case '&':
            rc = zw_buf_puts(b, "&amp;");
            break;
        case '<':
            rc = zw_buf_puts(b, "&lt;");
            break;
        case '>':
            rc = zw_buf_puts(b, "&gt;");
            break;
        case '"':
            rc = zw_buf_puts(b, "&quot;");
            break;
        case '\'':
            rc = zw_buf_puts(b, "&#39;");
            break;
        default:
            /* control bytes are dropped; other bytes pass (the page is UTF-8) */
            rc = ((unsigned char)*s < 0x20) ? 0 : zw_buf_putc(b, *s);
        }
    }
    return rc;
}

static const char css[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em "
    "auto;max-width:1100px;"
    "color:#1d2733;background:#fff;padding:0 1em}"
    "h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.8em}"
    ".sub{color:#5b6875}"
    ".cards{display:flex;gap:1em;flex-wrap:wrap;margin:1.2em 0}"
    ".card{border-radius:8px;padding:.8em 1.2em;min-width:150px;color:#fff}"
    ".card b{display:block;font-size:2em}"
    ".c0{background:#2e7d32}.c1{background:#b7791f}.c2{background:#c62828}.cn{background:#37474f}"
    "table{border-collapse:collapse;width:100%;font-size:.9em}"
    "th,td{border-bottom:1px solid #dde3e8;padding:.35em .5em;text-align:left;vertical-align:top}"
    "th{background:#f2f5f7}td.w,td.d{overflow-wrap:anywhere}"
    "td.m{font-family:ui-monospace,monospace;min-width:14em;overflow-wrap:anywhere}"
    ".pill{border-radius:10px;padding:0 .6em;color:#fff;font-size:.85em;white-space:nowrap}"
    ".p0{background:#2e7d32}.p1{background:#b7791f}.p2{background:#c62828}"
    ".filters button{margin-right:.4em}"
    "p.plain{font-size:1.05em;line-height:1.5}";

int ex_html_escape(zw_buf *b, const char *s)
{
    return esc(b, s);
}

const char *ex_html_style(void)
{
    return css;
}

int ex_table_cell(zw_buf *b, const char *s, int width)
{
    return cell(b, s, width);
}

static int chart(zw_buf *b, const ex_report *r)
{
    int kinds[EX_K__COUNT], nk = 0;
    size_t maxv = 1;
    for (int k = 0; k < EX_K__COUNT; k++) {
        size_t t = 0;
        for (int c = 0; c < EX_C__COUNT; c++) {
            t += r->by_kind[k][c];
        }
        if (t) {
            kinds[nk++] = k;
            maxv = t > maxv ? t : maxv;
        }
    }
    const int left = 330, width = 420, bar = 26, gap = 14, top = 40;
    int height = top + (nk ? nk : 1) * (bar + gap) + 20;
    int rc = zw_buf_printf(b,
                           "<svg id=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"820\" "
                           "height=\"%d\" viewBox=\"0 0 820 %d\" role=\"img\" "
                           "aria-label=\"Findings by kind and approval\">\n",
                           height, height);
    /* legend: label widths differ, so fixed offsets */
    static const int lx[EX_C__COUNT] = {0, 110, 300};
    for (int c = 0; c < EX_C__COUNT && !rc; c++) {
        rc = zw_buf_printf(b,
                           "<rect x=\"%d\" y=\"8\" width=\"14\" height=\"14\" fill=\"%s\"/>"
                           "<text x=\"%d\" y=\"20\" font-size=\"13\">%s</text>\n",
                           left + lx[c], class_color[c], left + lx[c] + 20, class_label[c]);
    }
    if (!nk && !rc) {
        rc = zw_buf_printf(b,
                           "<text x=\"10\" y=\"%d\" font-size=\"14\">No findings: nothing in this "
                           "zone matched an exposure rule.</text>\n",
                           top + 18);
    }
    for (int i = 0; i < nk && !rc; i++) {
        int k = kinds[i];
        int y = top + i * (bar + gap);
        rc = zw_buf_printf(
            b, "<text x=\"%d\" y=\"%d\" font-size=\"13\" text-anchor=\"end\">%s</text>\n",
            left - 10, y + bar / 2 + 5, ex_kind_title((ex_kind)k));
        int x = left;
        size_t total = 0;
        for (int c = 0; c < EX_C__COUNT && !rc; c++) {
            size_t v = r->by_kind[k][c];
            total += v;
            if (!v) {
                continue;
            }
            int w = (int)((double)v * width / (double)maxv);
            w = w < 3 ? 3 : w;
            rc = zw_buf_printf(b,
                               "<rect class=\"seg\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                               "fill=\"%s\"><title>%zu %s</title></rect>\n",
                               x, y, w, bar, class_color[c], v, ex_class_name((ex_class)c));
            x += w;
        }
        rc = rc ? rc
                : zw_buf_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"13\">%zu</text>\n", x + 6,
                                y + bar / 2 + 5, total);
    }
    return rc ? rc : zw_buf_puts(b, "</svg>\n");
}

static int plain_summary(zw_buf *b, const ex_report *r)
{
    size_t provs = 0, remote = r->by_kind[EX_K_REMOTE_ACCESS][0] +
                               r->by_kind[EX_K_REMOTE_ACCESS][1] +
                               r->by_kind[EX_K_REMOTE_ACCESS][2] + r->by_kind[EX_K_ADMIN][0] +
                               r->by_kind[EX_K_ADMIN][1] + r->by_kind[EX_K_ADMIN][2];
    size_t take = r->by_kind[EX_K_TAKEOVER][1] + r->by_kind[EX_K_TAKEOVER][2];
    for (int c = 0; c < EX_C__COUNT; c++) {
        provs += r->by_kind[EX_K_PROVIDER][c] + r->by_kind[EX_K_THIRD_PARTY][c];
    }
    int rc = zw_buf_printf(b,
                           "<p class=\"plain\">Anyone on the internet can read this zone's public "
                           "DNS records. Of the %zu things they disclose that matter, "
                           "<b>%zu were approved</b>, <b>%zu have not been reviewed</b> and "
                           "<b>%zu are not approved</b>. ",
                           r->n - r->by_change[EX_CH_REMOVED], r->by_class[EX_C_APPROVED],
                           r->by_class[EX_C_UNKNOWN], r->by_class[EX_C_UNAPPROVED]);
    if (!rc && provs) {
        rc = zw_buf_printf(b, "%zu records reveal which outside companies the organisation uses. ",
                           provs);
    }
    if (!rc && remote) {
        rc = zw_buf_printf(b, "%zu host names point attackers at remote-access or admin systems. ",
                           remote);
    }
    if (!rc && take) {
        rc = zw_buf_printf(b,
                           "%zu names point into cloud services where a forgotten resource could "
                           "be claimed by someone else. ",
                           take);
    }
    return rc ? rc : zw_buf_puts(b, "</p>\n");
}

/* The inventory's reason in words for people who do not read the inventory file; the
 * technical reason stays in the cell's tooltip and in the JSON. */
static const char *plain_reason(const ex_finding *f, char *buf, size_t n)
{
    const char *r = f->reason, *colon = strstr(r, ": ");
    const char *what = colon ? colon + 2 : "";
    if (strncmp(r, "exposure.providers.approved", 27) == 0 ||
        strncmp(r, "exposure.hosts.approved", 23) == 0) {
        snprintf(buf, n, "Approved in the inventory (%s)", what);
    } else if (strstr(r, ".unapproved: ")) {
        snprintf(buf, n, "Marked not approved in the inventory (%s)", what);
    } else if (strstr(r, "policy: strict")) {
        snprintf(buf, n, "Not on the approved list, and only listed items are allowed");
    } else if (strstr(r, "policy: open")) {
        snprintf(buf, n, "Nobody has reviewed it yet: not in the inventory");
    } else if (strcmp(r, "no inventory given") == 0) {
        snprintf(buf, n, "No inventory was given, so nothing has been reviewed");
    } else {
        snprintf(buf, n, "%s", r);
    }
    return buf;
}

/* Worst first: severity, then not approved before not reviewed before approved, then
 * the report's order (line). */
static const ex_report *sort_r;
static int by_worst(const void *x, const void *y)
{
    const ex_finding *a = &sort_r->f[*(const size_t *)x], *b = &sort_r->f[*(const size_t *)y];
    if (a->severity != b->severity) {
        return b->severity - a->severity;
    }
    if (a->cls != b->cls) {
        return (int)b->cls - (int)a->cls;
    }
    return *(const size_t *)x < *(const size_t *)y ? -1 : 1;
}

static int finding_row(zw_buf *b, const ex_finding *f, int cmp, zw_buf *d)
{
    char why[400];
    zw_buf_clear(d);
    int rc = describe(f, d);
    rc = rc ? rc : zw_buf_cstr(d);
    rc = rc ? rc : zw_buf_printf(b, "<tr data-class=\"%s\"", ex_class_name(f->cls));
    if (!rc && cmp) {
        rc = zw_buf_printf(b, " data-change=\"%s\"><td>%s</td", ex_change_name(f->change),
                           ex_change_name(f->change));
    }
    rc = rc ? rc
            : zw_buf_printf(b,
                            "><td>%s</td><td><span class=\"pill p%d\">"
                            "%s</span></td><td>%s</td><td class=\"m\">",
                            zw_severity_name(f->severity), (int)f->cls, class_word[f->cls],
                            ex_kind_name(f->kind));
    rc = rc ? rc : esc(b, f->rr->owner);
    rc = rc ? rc : zw_buf_puts(b, "</td><td>");
    rc = rc ? rc : esc(b, f->rr->type);
    rc = rc ? rc : zw_buf_puts(b, "</td><td class=\"d\">");
    rc = rc ? rc : esc(b, d->p);
    rc = rc ? rc : zw_buf_puts(b, "</td><td>");
    if (!rc && f->rr->line > 0) {
        rc = zw_buf_printf(b, "%lld", (long long)f->rr->line);
    }
    rc = rc ? rc : zw_buf_puts(b, "</td><td class=\"w\" title=\"");
    rc = rc ? rc : esc(b, f->reason);
    rc = rc ? rc : zw_buf_puts(b, "\">");
    rc = rc ? rc : esc(b, plain_reason(f, why, sizeof why));
    return rc ? rc : zw_buf_puts(b, "</td></tr>\n");
}

/* The findings table's rows, worst first. */
static int finding_rows(zw_buf *b, const ex_report *r, int cmp)
{
    size_t *ord = r->n ? malloc(r->n * sizeof *ord) : NULL;
    if (r->n && !ord) {
        return ZW_ENOMEM;
    }
    for (size_t i = 0; i < r->n; i++) {
        ord[i] = i;
    }
    sort_r = r;
    if (r->n) {
        qsort(ord, r->n, sizeof *ord, by_worst);
    }
    zw_buf d;
    zw_buf_init(&d);
    int rc = ZW_OK;
    for (size_t i = 0; i < r->n && !rc; i++) {
        rc = finding_row(b, &r->f[ord[i]], cmp, &d);
    }
    zw_buf_free(&d);
    free(ord);
    return rc;
}

/* "What to do": one item per kind that has findings not yet approved, worst kind first,
 * with how many and the remediation. */
static int todo(zw_buf *b, const ex_report *r)
{
    int worst[EX_K__COUNT] = {0};
    size_t open_n[EX_K__COUNT] = {0}, total = 0;
    for (size_t i = 0; i < r->n; i++) {
        const ex_finding *f = &r->f[i];
        if (f->cls == EX_C_APPROVED || f->change == EX_CH_REMOVED) {
            continue;
        }
        open_n[f->kind]++;
        worst[f->kind] = f->severity > worst[f->kind] ? f->severity : worst[f->kind];
        total++;
    }
    int rc = zw_buf_puts(b, "<h2>What to do</h2>\n");
    if (!total) {
        return rc ? rc
                  : zw_buf_puts(b, "<p id=\"todo\">Nothing: every finding is approved in the "
                                   "inventory.</p>\n");
    }
    rc = rc ? rc : zw_buf_puts(b, "<ol id=\"todo\">\n");
    for (int sev = ZW_SEV_FATAL; sev >= ZW_SEV_UNKNOWN && !rc; sev--) {
        for (int k = 0; k < EX_K__COUNT && !rc; k++) {
            if (!open_n[k] || worst[k] != sev) {
                continue;
            }
            rc = zw_buf_printf(b, "<li><b>%s</b> (%zu not approved or not reviewed; worst: %s): ",
                               ex_kind_title((ex_kind)k), open_n[k], zw_severity_name(sev));
            rc = rc ? rc : esc(b, remediation((ex_kind)k));
            rc = rc ? rc : zw_buf_puts(b, "</li>\n");
        }
    }
    return rc ? rc : zw_buf_puts(b, "</ol>\n");
}

int ex_report_html(const ex_report *r, int64_t time_ms, zw_buf *b)
{
    const ex_zone *z = r->zone;
    int rc = zw_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                            "<meta name=\"viewport\" content=\"width=device-width\">"
                            "<title>DNS exposure review: ");
    rc = rc ? rc : esc(b, z->origin);
    rc = rc ? rc : zw_buf_printf(b, "</title><style>%s</style></head>\n", css);
    rc = rc ? rc : zw_buf_puts(b, "<body data-rendered=\"pending\">\n<h1>DNS exposure review: ");
    rc = rc ? rc : esc(b, z->origin);
    rc = rc ? rc : zw_buf_puts(b, "</h1>\n<p class=\"sub\">Source: ");
    rc = rc ? rc : esc(b, z->kind);
    rc = rc ? rc : zw_buf_puts(b, " ");
    rc = rc ? rc : esc(b, z->source);
    char ts[40] = "";
    if (!rc) {
        zw_buf t;
        zw_buf_init(&t);
        if (!zw_json_time_ms(&t, time_ms) && t.len > 2 && t.len < sizeof ts) {
            memcpy(ts, t.p + 1, t.len - 2);
            ts[t.len - 2] = '\0';
        }
        zw_buf_free(&t);
    }
    rc = rc ? rc
            : zw_buf_printf(b, " &middot; %zu records &middot; generated %s by zonewarden</p>\n",
                            z->n, ts);
    rc = rc ? rc
            : zw_buf_printf(b,
                            "<div class=\"cards\"><div class=\"card cn\"><b>%zu</b>findings</div>"
                            "<div class=\"card c0\"><b>%zu</b>approved</div>"
                            "<div class=\"card c1\"><b>%zu</b>not reviewed</div>"
                            "<div class=\"card c2\"><b>%zu</b>not approved</div></div>\n",
                            r->n - r->by_change[EX_CH_REMOVED], r->by_class[EX_C_APPROVED], r->by_class[EX_C_UNKNOWN],
                            r->by_class[EX_C_UNAPPROVED]);
    rc = rc ? rc : plain_summary(b, r);
    int cmp = compared(r);
    if (!rc && cmp) {
        rc = zw_buf_puts(b, "<p class=\"plain\" id=\"changes\">Compared with the previous review, ");
        rc = rc ? rc : change_summary(r, b);
        rc = rc ? rc : zw_buf_puts(b, ".</p>\n");
    }
    rc = rc ? rc : zw_buf_puts(b, "<h2>What the zone discloses</h2>\n");
    rc = rc ? rc : chart(b, r);
    rc = rc ? rc : todo(b, r);

    /* providers: one row per provider with the worst classification seen */
    rc = rc ? rc
            : zw_buf_puts(b, "<h2>Outside providers</h2>\n<table id=\"providers\"><tr><th>Provider"
                             "</th><th>Category</th><th>Status</th><th>Seen in</th></tr>\n");
    size_t nprov_rows = 0;
    for (size_t i = 0; i < r->n && !rc; i++) {
        const ex_finding *f = &r->f[i];
        if (f->kind != EX_K_PROVIDER || f->change == EX_CH_REMOVED) {
            continue;
        }
        int first = 1;
        for (size_t j = 0; j < i; j++) {
            if (r->f[j].kind == EX_K_PROVIDER && r->f[j].provider == f->provider) {
                first = 0;
                break;
            }
        }
        if (!first) {
            continue;
        }
        ex_class worst = f->cls;
        size_t seen_n = 0;
        for (size_t j = i; j < r->n; j++) {
            if (r->f[j].kind == EX_K_PROVIDER && r->f[j].provider == f->provider &&
                r->f[j].change != EX_CH_REMOVED) {
                worst = r->f[j].cls > worst ? r->f[j].cls : worst;
                seen_n++;
            }
        }
        rc = zw_buf_puts(b, "<tr><td>");
        rc = rc ? rc : esc(b, f->provider->name);
        rc = rc ? rc : zw_buf_puts(b, "</td><td>");
        rc = rc ? rc : esc(b, f->provider->category);
        rc = rc ? rc
                : zw_buf_printf(b,
                                "</td><td><span class=\"pill p%d\">%s</span></td><td>%zu record%s"
                                "</td></tr>\n",
                                (int)worst, class_word[worst], seen_n, seen_n == 1 ? "" : "s");
        nprov_rows++;
    }
    if (!rc && !nprov_rows) {
        rc = zw_buf_puts(b, "<tr><td colspan=\"4\">No fingerprinted provider found.</td></tr>\n");
    }
    rc = rc ? rc : zw_buf_puts(b, "</table>\n");

    rc = rc ? rc
            : zw_buf_puts(b, "<h2>All findings</h2>\n<p class=\"filters\">Show: "
                             "<button data-f=\"all\">all</button>"
                             "<button data-f=\"unapproved\">not approved</button>"
                             "<button data-f=\"unknown\">not reviewed</button>"
                             "<button data-f=\"approved\">approved</button></p>\n"
                             "<table id=\"findings\"><tr>");
    rc = rc ? rc : cmp ? zw_buf_puts(b, "<th>Change</th>") : 0;
    rc = rc ? rc
            : zw_buf_puts(b, "<th>Severity</th><th>Status</th><th>Kind</th><th>Name</th><th>Type"
                             "</th><th>Detail</th><th>Line</th><th>Why</th></tr>\n");
    rc = rc ? rc : finding_rows(b, r, cmp);
    rc = rc ? rc : zw_buf_puts(b, "</table>\n");
    if (!rc && z->ndiag) {
        rc = zw_buf_printf(b, "<h2>Input errors (%zu)</h2>\n<ul>\n", z->ndiag);
        for (size_t i = 0; i < z->ndiag && !rc; i++) {
            rc = zw_buf_printf(b, "<li>line %lld: ", (long long)z->diag[i].line);
            rc = rc ? rc : esc(b, z->diag[i].msg);
            rc = rc ? rc : zw_buf_puts(b, "</li>\n");
        }
        rc = rc ? rc : zw_buf_puts(b, "</ul>\n");
    }
    /* The script only filters rows; the report is complete without it.  It marks the
     * body so a headless browser test can tell that it ran without errors. */
    rc = rc ? rc
            : zw_buf_puts(
                  b, "<script>\n(function(){\n"
                     "var rows=document.querySelectorAll('#findings tr[data-class]');\n"
                     "document.querySelectorAll('.filters button').forEach(function(btn){\n"
                     " btn.addEventListener('click',function(){var f=btn.getAttribute('data-f');\n"
                     "  rows.forEach(function(r){r.style.display=(f==='all'||"
                     "r.getAttribute('data-class')===f)?'':'none';});});});\n"
                     "var segs=document.querySelectorAll('#chart rect.seg').length;\n"
                     "document.body.setAttribute('data-segments',String(segs));\n"
                     "document.body.setAttribute('data-rendered','ok');\n"
                     "})();\n</script>\n</body></html>\n");
    return rc;
}
