/*
 * cr_report.c - configuration-review findings out: as canonical events (OCSF
 * Compliance Finding, written by the common writers like the exposure findings), as a
 * terminal table, and as a self-contained HTML report in the exposure report's style
 * (its style sheet, escaping and table cells are reused from exposure/ex_report.c).
 *
 * Not for: deciding what is a finding (cr_check.c).
 */
#include "cr.h"

#include "../exposure/ex.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    const char *kind, *ctl, *rem;
} kind_info;

static const kind_info kinds[] = {
    {"transfer-open", "Zone transfers are restricted to authorized secondaries",
     "Set allow-transfer / provide-xfr / acl action transfer / allow-axfr-ips to the "
     "secondaries and require TSIG."},
    {"update-open", "Dynamic updates require authorization",
     "Allow updates only with a TSIG key (update-policy, acl with key)."},
    {"recursion-open", "Authoritative servers do not recurse for arbitrary clients",
     "Set recursion no on authoritative servers, or limit allow-recursion."},
    {"version-disclosed", "The server does not disclose its software version or host name",
     "Set version / hostname to none (BIND), hide-version / hide-identity (NSD), "
     "version-string=anonymous and a server-id (PowerDNS); leave server.version / identity "
     "unset (Knot)."},
    {"weak-tsig", "TSIG keys use strong algorithms and secrets",
     "Replace HMAC-MD5 keys and secrets under 128 bits with hmac-sha256 keys (tsig-keygen)."},
    {"logging-missing", "Transfers, security events and updates are logged",
     "Send the xfer-out, security and update categories (or dnstap) to a kept log, or raise "
     "the log level."},
    {"notify-any", "NOTIFY is accepted only from the primaries",
     "Limit allow-notify to the primaries (or require TSIG)."},
    {"secondary-missing", "Every approved secondary can transfer the zone",
     "Add the approved secondary to the zone's transfer list, or correct the inventory."},
    {"secondary-unapproved", "Only approved secondaries can transfer the zone",
     "Remove the address from the transfer list, or record it in the inventory's "
     "secondaries."},
};

static const kind_info *info(const char *kind)
{
    for (size_t i = 0; i < ZW_ARRAY_LEN(kinds); i++) {
        if (strcmp(kinds[i].kind, kind) == 0) {
            return &kinds[i];
        }
    }
    return &kinds[0]; /* every kind cr_check emits is listed */
}

int cr_finding_event(const cr_report *r, size_t i, int64_t time_ms, zw_event *ev)
{
    const cr_finding *f = &r->f[i];
    const cr_config *c = r->cfg;
    int rc = zw_ev_set_class(ev, ZW_CLASS_COMPLIANCE_FINDING, 1);
    zw_ev_set_int(ev, ZW_F_TIME, time_ms);
    zw_ev_set_severity(ev, f->status == CR_PASS ? ZW_SEV_INFO : f->severity);
    zw_ev_set_int(ev, ZW_F_STATUS_ID, 1);
    zw_ev_set_ref(ev, ZW_F_STATUS, "New", 3);
    rc = rc ? rc : zw_ev_set_cstr(ev, ZW_F_FINDING_UID, f->uid);
    char tbuf[24], muid[17], title[600];
    snprintf(tbuf, sizeof tbuf, "%lld", (long long)time_ms);
    const char *mparts[] = {f->uid, tbuf};
    ex_uid(muid, mparts, 2);
    rc = rc ? rc : zw_ev_set_cstr(ev, ZW_F_META_UID, muid);
    snprintf(title, sizeof title, "%s %s: %s%s%s", f->kind, cr_status_name(f->status),
             f->zone ? f->zone : cr_server_name(c->server), f->subject ? " " : "",
             f->subject ? f->subject : "");
    rc = rc ? rc : zw_ev_set_cstr(ev, ZW_F_FINDING_TITLE, title);
    rc = rc ? rc : zw_ev_set_cstr(ev, ZW_F_FINDING_DESC, f->detail);
    rc = rc ? rc : zw_ev_set_cstr(ev, ZW_F_MESSAGE, f->detail);
    rc = rc ? rc : zw_ev_list_add(ev, ZW_F_FINDING_TYPES, "dns-config-review", 17);
    rc = rc ? rc : zw_ev_list_add(ev, ZW_F_FINDING_TYPES, f->kind, strlen(f->kind));
    const char *ctl = info(f->kind)->ctl;
    zw_ev_set_ref(ev, ZW_F_COMPLIANCE_CONTROL, ctl, strlen(ctl));
    rc = rc ? rc : zw_ev_list_add(ev, ZW_F_COMPLIANCE_STANDARDS, "MITRE ATT&CK M1054", 18);
    static const char *const cs[] = {"", "Pass", "Warning", "Fail"};
    zw_ev_set_int(ev, ZW_F_COMPLIANCE_STATUS_ID, f->status);
    zw_ev_set_ref(ev, ZW_F_COMPLIANCE_STATUS, cs[f->status], strlen(cs[f->status]));
    if (f->status != CR_PASS) {
        const char *rem = info(f->kind)->rem;
        zw_ev_set_ref(ev, ZW_F_REMEDIATION_DESC, rem, strlen(rem));
    }
    if (f->zone) {
        zw_ev_set_ref(ev, ZW_F_RES_NAME, f->zone, strlen(f->zone));
        zw_ev_set_ref(ev, ZW_F_RES_TYPE, "DNS Zone", 8);
        zw_ev_set_ref(ev, ZW_F_U_ZONE, f->zone, strlen(f->zone));
    } else {
        zw_ev_set_ref(ev, ZW_F_RES_NAME, c->path, strlen(c->path));
        zw_ev_set_ref(ev, ZW_F_RES_TYPE, "DNS Server Configuration", 24);
    }
    if (f->view) {
        zw_ev_set_ref(ev, ZW_F_U_DNS_VIEW, f->view, strlen(f->view));
    }
    const char *sv = cr_server_name(c->server);
    zw_ev_set_ref(ev, ZW_F_U_CONFIG_KIND, f->kind, strlen(f->kind));
    zw_ev_set_ref(ev, ZW_F_U_CONFIG_SERVER, sv, strlen(sv));
    if (f->setting) {
        zw_ev_set_ref(ev, ZW_F_U_CONFIG_SETTING, f->setting, strlen(f->setting));
    }
    if (f->scope) {
        zw_ev_set_ref(ev, ZW_F_U_CONFIG_SCOPE, f->scope, strlen(f->scope));
    }
    if (f->subject) {
        zw_ev_set_ref(ev, ZW_F_U_CONFIG_SUBJECT, f->subject, strlen(f->subject));
    }
    const char *file = f->pos.file ? f->pos.file : c->path;
    zw_ev_set_ref(ev, ZW_F_U_POS_FILE, file, strlen(file));
    if (f->pos.line > 0) {
        zw_ev_set_int(ev, ZW_F_U_POS_LINE, f->pos.line);
    }
    zw_ev_set_ref(ev, ZW_F_U_SOURCE_FORMAT, "config-review", 13);
    zw_ev_set_ref(ev, ZW_F_META_PRODUCT_NAME, "zonewarden", 10);
    zw_ev_set_ref(ev, ZW_F_META_PRODUCT_VENDOR, "zonewarden", 10);
    zw_ev_set_ref(ev, ZW_F_META_LOG_NAME, "config-review", 13);
    return rc;
}

/* "file:line" of a finding (the default when it has no position). */
static void where(const cr_finding *f, char *out, size_t n)
{
    if (f->pos.file && f->pos.line > 0) {
        const char *base = strrchr(f->pos.file, '/');
        snprintf(out, n, "%s:%d", base ? base + 1 : f->pos.file, f->pos.line);
    } else {
        snprintf(out, n, "(default)");
    }
}

int cr_report_table(const cr_report *r, zw_buf *b)
{
    int rc = zw_buf_printf(b, "%-8s %-9s %-20s %-28s %-22s %s\n", "STATUS", "SEVERITY", "KIND",
                           "ZONE / SUBJECT", "WHERE", "SETTING");
    for (size_t i = 0; i < r->n && !rc; i++) {
        const cr_finding *f = &r->f[i];
        char zs[400], w[300];
        snprintf(zs, sizeof zs, "%s%s%s", f->zone ? f->zone : "", f->zone && f->subject ? " " : "",
                 f->subject ? f->subject : "");
        where(f, w, sizeof w);
        rc = ex_table_cell(b, cr_status_name(f->status), 8);
        rc = rc ? rc
                : ex_table_cell(b, f->status == CR_PASS ? "-" : zw_severity_name(f->severity), 9);
        rc = rc ? rc : ex_table_cell(b, f->kind, 20);
        rc = rc ? rc : ex_table_cell(b, zs[0] ? zs : "(server)", 28);
        rc = rc ? rc : ex_table_cell(b, w, 22);
        rc = rc ? rc : zw_buf_printf(b, "%s\n", f->setting ? f->setting : "");
    }
    if (!rc) {
        rc = zw_buf_printf(b,
                           "%s (%s, %zu zones, %zu keys): %zu findings: %zu pass, %zu warning, "
                           "%zu fail\n",
                           r->cfg->path, cr_server_name(r->cfg->server), r->cfg->nzones,
                           r->cfg->nkeys, r->n, r->by_status[CR_PASS], r->by_status[CR_WARN],
                           r->by_status[CR_FAIL]);
    }
    return rc;
}

/* ------------------------------------------------------------------ HTML */

static int html_one(const cr_report *r, zw_buf *b)
{
    const cr_config *c = r->cfg;
    int rc = zw_buf_puts(b, "<h2>");
    rc = rc ? rc : ex_html_escape(b, c->path);
    rc = rc ? rc
            : zw_buf_printf(b,
                            " <span class=\"sub\">(%s, %zu zones)</span></h2>\n"
                            "<div class=\"cards\"><div class=\"card cn\"><b>%zu</b>checks</div>"
                            "<div class=\"card c0\"><b>%zu</b>pass</div>"
                            "<div class=\"card c1\"><b>%zu</b>warning</div>"
                            "<div class=\"card c2\"><b>%zu</b>fail</div></div>\n",
                            cr_server_name(c->server), c->nzones, r->n, r->by_status[CR_PASS],
                            r->by_status[CR_WARN], r->by_status[CR_FAIL]);
    rc = rc ? rc
            : zw_buf_puts(b, "<table class=\"findings\"><tr><th>Status</th><th>Severity</th>"
                             "<th>Check</th><th>Zone</th><th>Finding</th><th>Effective setting"
                             "</th><th>Where</th></tr>\n");
    for (size_t i = 0; i < r->n && !rc; i++) {
        const cr_finding *f = &r->f[i];
        static const char *const cls[] = {"", "approved", "unknown", "unapproved"};
        char w[300];
        where(f, w, sizeof w);
        rc = zw_buf_printf(b,
                           "<tr data-class=\"%s\"><td><span class=\"pill p%d\">%s</span></td>"
                           "<td>%s</td><td>%s</td><td class=\"m\">",
                           cls[f->status], (int)f->status - 1, cr_status_name(f->status),
                           f->status == CR_PASS ? "" : zw_severity_name(f->severity), f->kind);
        rc = rc ? rc : ex_html_escape(b, f->zone ? f->zone : "(server)");
        if (!rc && f->view) {
            rc = zw_buf_puts(b, " view ");
            rc = rc ? rc : ex_html_escape(b, f->view);
        }
        rc = rc ? rc : zw_buf_puts(b, "</td><td class=\"d\">");
        rc = rc ? rc : ex_html_escape(b, f->detail);
        rc = rc ? rc : zw_buf_puts(b, "</td><td class=\"m\">");
        rc = rc ? rc : ex_html_escape(b, f->setting ? f->setting : "");
        rc = rc ? rc : zw_buf_puts(b, "</td><td class=\"w\">");
        rc = rc ? rc : ex_html_escape(b, w);
        rc = rc ? rc : zw_buf_puts(b, "</td></tr>\n");
    }
    rc = rc ? rc : zw_buf_puts(b, "</table>\n");
    if (!rc && c->ndiag) {
        rc = zw_buf_printf(b, "<h3>Configuration errors (%zu)</h3>\n<ul>\n", c->ndiag);
        for (size_t i = 0; i < c->ndiag && !rc; i++) {
            rc = zw_buf_puts(b, "<li>");
            rc = rc ? rc : ex_html_escape(b, c->diag[i].file ? c->diag[i].file : c->path);
            rc = rc ? rc
                    : zw_buf_printf(b, ":%lld:%lld: ", (long long)c->diag[i].line,
                                    (long long)c->diag[i].col);
            rc = rc ? rc : ex_html_escape(b, c->diag[i].msg);
            rc = rc ? rc : zw_buf_puts(b, "</li>\n");
        }
        rc = rc ? rc : zw_buf_puts(b, "</ul>\n");
    }
    return rc;
}

int cr_report_html(cr_report *const *r, size_t n, int64_t time_ms, zw_buf *b)
{
    size_t st[4] = {0};
    for (size_t i = 0; i < n; i++) {
        for (int s = 1; s < 4; s++) {
            st[s] += r[i]->by_status[s];
        }
    }
    char ts[40] = "";
    zw_buf t;
    zw_buf_init(&t);
    if (!zw_json_time_ms(&t, time_ms) && t.len > 2 && t.len < sizeof ts) {
        memcpy(ts, t.p + 1, t.len - 2);
        ts[t.len - 2] = '\0';
    }
    zw_buf_free(&t);
    int rc = zw_buf_printf(b,
                           "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                           "<meta name=\"viewport\" content=\"width=device-width\">"
                           "<title>DNS configuration review</title><style>%s</style></head>\n"
                           "<body data-rendered=\"pending\">\n<h1>DNS configuration review</h1>\n"
                           "<p class=\"sub\">%zu configuration(s) &middot; generated %s by "
                           "zonewarden</p>\n",
                           ex_html_style(), n, ts);
    rc = rc ? rc
            : zw_buf_printf(b,
                            "<p class=\"plain\">Each row is one check of a server's configuration "
                            "against security guidance (MITRE ATT&amp;CK M1054, Software "
                            "Configuration): <b>%zu passed</b>, <b>%zu need review</b> and "
                            "<b>%zu failed</b>. Passing checks are listed too: the report is the "
                            "evidence that they were made.</p>\n",
                            st[CR_PASS], st[CR_WARN], st[CR_FAIL]);
    rc = rc ? rc
            : zw_buf_puts(b, "<p class=\"filters\">Show: <button data-f=\"all\">all</button>"
                             "<button data-f=\"unapproved\">fail</button>"
                             "<button data-f=\"unknown\">warning</button>"
                             "<button data-f=\"approved\">pass</button></p>\n");
    for (size_t i = 0; i < n && !rc; i++) {
        rc = html_one(r[i], b);
    }
    rc = rc ? rc
            : zw_buf_puts(
                  b, "<script>\n(function(){\n"
                     "var rows=document.querySelectorAll('table.findings tr[data-class]');\n"
                     "document.querySelectorAll('.filters button').forEach(function(btn){\n"
                     " btn.addEventListener('click',function(){var f=btn.getAttribute('data-f');\n"
                     "  rows.forEach(function(r){r.style.display=(f==='all'||"
                     "r.getAttribute('data-class')===f)?'':'none';});});});\n"
                     "document.body.setAttribute('data-rendered','ok');\n"
                     "})();\n</script>\n</body></html>\n");
    return rc;
}
