/*
 * check_exposure.c - exposure review over real zone data: one zone file per
 * fingerprint family (each file lists its expected findings in "; expect" comments),
 * the DNS lab's example.test zone against an approved inventory (approved / unknown /
 * unapproved), provider listings (Route 53, Azure, GCP, Cloudflare), a malformed zone
 * file (errors with line numbers), the OCSF finding events and the HTML report.
 */
#include "zw_test.h"

#include "../../exposure/ex.h"
#include "../../normalizer/nz_inventory.h"

#include <dirent.h>

#define EXD ZW_TEST_DATA "/exposure"

static ex_fp *load_fp(void)
{
    char err[256];
    ex_fp *fp = ex_fp_load("schemas/fingerprints.json", err, sizeof err);
    ck_assert_msg(fp != NULL, "fingerprints: %s", err);
    return fp;
}

static ex_inv *load_inv(const char *name)
{
    char err[256], path[256];
    snprintf(path, sizeof path, EXD "/%s", name);
    ex_inv *inv = ex_inv_load(path, err, sizeof err);
    ck_assert_msg(inv != NULL, "inventory %s: %s", path, err);
    return inv;
}

static ex_zone *load_zone(const char *path)
{
    char err[256];
    ex_zone *z = NULL;
    int rc = ex_zone_read_file(path, NULL, &z, err, sizeof err);
    ck_assert_msg(rc == ZW_OK, "%s: %s", path, err);
    return z;
}

/* Finding by kind, owner (FQDN) and, when non-NULL, provider id and via. */
static const ex_finding *find(const ex_report *r, ex_kind k, const char *owner, const char *prov,
                              const char *via)
{
    for (size_t i = 0; i < r->n; i++) {
        const ex_finding *f = &r->f[i];
        if (f->kind == k && strcmp(f->rr->owner, owner) == 0 &&
            (!prov || (f->provider && strcmp(f->provider->id, prov) == 0)) &&
            (!via || strcmp(f->via, via) == 0)) {
            return f;
        }
    }
    return NULL;
}

static ex_kind kind_by_name(const char *s)
{
    for (int k = 0; k < EX_K__COUNT; k++) {
        if (strcmp(ex_kind_name((ex_kind)k), s) == 0) {
            return (ex_kind)k;
        }
    }
    ck_abort_msg("unknown kind '%s' in expectation", s);
    return EX_K__COUNT;
}

/* Every family zone: each "; expect KIND PROVIDER|- VIA OWNER" line is a finding, and
 * there are no others. */
START_TEST(test_fingerprint_families)
{
    static const char *const required[] = {"microsoft365", "google-workspace",
                                           "salesforce",   "zendesk",
                                           "atlassian",    "okta",
                                           "aws",          "azure",
                                           "gcp",          "cloudflare",
                                           "mailchimp",    "sendgrid",
                                           "docusign",     "slack",
                                           "github-pages", "hubspot"};
    int covered[ZW_ARRAY_LEN(required)] = {0};
    ex_fp *fp = load_fp();
    DIR *d = opendir(EXD "/families");
    ck_assert_ptr_nonnull(d);
    struct dirent *de;
    int files = 0, takeovers = 0;
    while ((de = readdir(d))) {
        if (!strstr(de->d_name, ".zone")) {
            continue;
        }
        char path[512];
        snprintf(path, sizeof path, EXD "/families/%s", de->d_name);
        ex_zone *z = load_zone(path);
        ex_report *r = ex_analyze(z, fp, NULL);
        ck_assert_ptr_nonnull(r);
        FILE *f = fopen(path, "r");
        char line[512];
        size_t want = 0;
        while (fgets(line, sizeof line, f)) {
            char kind[32], prov[64], via[32], owner[128];
            if (sscanf(line, "; expect %31s %63s %31s %127s", kind, prov, via, owner) != 4) {
                continue;
            }
            want++;
            char fq[300];
            if (strcmp(owner, "@") == 0) {
                snprintf(fq, sizeof fq, "%s", z->origin);
            } else {
                snprintf(fq, sizeof fq, "%s.%s", owner, z->origin);
            }
            ex_kind k = kind_by_name(kind);
            const ex_finding *fd = find(r, k, fq, strcmp(prov, "-") ? prov : NULL, via);
            ck_assert_msg(fd != NULL, "%s: no %s finding for %s via %s (%s)", de->d_name, kind, fq,
                          via, prov);
            ck_assert_int_eq(fd->cls, EX_C_UNKNOWN); /* no inventory */
            ck_assert_str_eq(fd->reason, "no inventory given");
            takeovers += k == EX_K_TAKEOVER;
            for (size_t i = 0; i < ZW_ARRAY_LEN(required); i++) {
                if (strcmp(prov, required[i]) == 0) {
                    covered[i] = 1;
                }
            }
        }
        fclose(f);
        ck_assert_msg(want > 0, "%s has no expectations", de->d_name);
        ck_assert_msg(r->n == want, "%s: %zu findings, %zu expected", de->d_name, r->n, want);
        ex_report_destroy(r);
        ex_zone_destroy(z);
        files++;
    }
    closedir(d);
    ck_assert_int_ge(files, 17);
    ck_assert_int_ge(takeovers, 15);
    for (size_t i = 0; i < ZW_ARRAY_LEN(required); i++) {
        ck_assert_msg(covered[i], "no family test for %s", required[i]);
    }
    ex_fp_destroy(fp);
}
END_TEST

/* The DNS lab's zone against approved.yml (policy: open). */
START_TEST(test_lab_zone_classification)
{
    ex_fp *fp = load_fp();
    ex_inv *inv = load_inv("approved.yml");
    ex_zone *z = load_zone(EXD "/example.test.zone");
    ck_assert_str_eq(z->origin, "example.test");
    ck_assert_uint_eq(z->n, 19);
    ex_report *r = ex_analyze(z, fp, inv);
    const ex_finding *f;

    f = find(r, EX_K_PROVIDER, "example.test", "microsoft365", "mx");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(f->cls, EX_C_APPROVED);
    ck_assert_int_eq(f->severity, ZW_SEV_INFO);
    ck_assert_str_eq(f->reason, "exposure.providers.approved: microsoft365");
    ck_assert_int_eq(f->rr->line, 5);

    f = find(r, EX_K_PROVIDER, "example.test", "google-workspace", "spf-include");
    ck_assert_ptr_nonnull(f);
    ck_assert_str_eq(f->subject, "_spf.google.com");
    ck_assert_int_eq(f->cls, EX_C_UNAPPROVED);
    ck_assert_int_eq(f->severity, ZW_SEV_MEDIUM);
    f = find(r, EX_K_PROVIDER, "example.test", "google-workspace", "txt");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(f->cls, EX_C_UNAPPROVED);

    f = find(r, EX_K_REMOTE_ACCESS, "vpn.example.test", NULL, NULL);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(f->cls, EX_C_APPROVED);
    f = find(r, EX_K_REMOTE_ACCESS, "remote.example.test", NULL, NULL);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(f->cls, EX_C_UNAPPROVED);
    ck_assert_int_eq(f->severity, ZW_SEV_HIGH);
    ck_assert_str_eq(f->reason, "exposure.hosts.unapproved: remote.example.test");
    f = find(r, EX_K_REMOTE_ACCESS, "vpn-gw.example.test", NULL, NULL);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(f->cls, EX_C_UNKNOWN);
    ck_assert_str_eq(f->reason, "not listed in exposure.hosts (policy: open)");
    f = find(r, EX_K_REMOTE_ACCESS, "rds-gw.example.test", NULL, NULL);
    ck_assert_ptr_nonnull(f);
    ck_assert_str_eq(f->subject, "rds");

    f = find(r, EX_K_PRIVATE_ADDR, "www.example.test", NULL, NULL);
    ck_assert_ptr_nonnull(f);
    ck_assert_str_eq(f->category, "loopback");
    ck_assert_int_eq(f->cls, EX_C_UNKNOWN);
    ck_assert_ptr_nonnull(find(r, EX_K_PROVIDER, "_sip._tls.example.test", "microsoft365", "srv"));
    ck_assert_ptr_nonnull(
        find(r, EX_K_PROVIDER, "selector1._domainkey.example.test", "microsoft365", "cname"));
    ck_assert_ptr_null(find(r, EX_K_THIRD_PARTY, "_dmarc.example.test", NULL, NULL));
    ck_assert_uint_eq(r->n, 18);
    ck_assert_uint_eq(r->by_class[EX_C_APPROVED], 7);
    ck_assert_uint_eq(r->by_class[EX_C_UNAPPROVED], 3);
    ck_assert_uint_eq(r->by_class[EX_C_UNKNOWN], 8);
    ex_report_destroy(r);

    /* strict: whatever is not approved is unapproved */
    ex_inv *strict = load_inv("strict.yml");
    r = ex_analyze(z, fp, strict);
    f = find(r, EX_K_PROVIDER, "example.test", "microsoft365", "mx");
    ck_assert_int_eq(f->cls, EX_C_APPROVED);
    f = find(r, EX_K_REMOTE_ACCESS, "vpn-gw.example.test", NULL, NULL);
    ck_assert_int_eq(f->cls, EX_C_UNAPPROVED);
    ck_assert_str_eq(f->reason, "not in exposure.hosts.approved (policy: strict)");
    ck_assert_uint_eq(r->by_class[EX_C_UNKNOWN], 0);
    ex_report_destroy(r);
    ex_inv_destroy(strict);

    ex_zone_destroy(z);
    ex_inv_destroy(inv);
    ex_fp_destroy(fp);
}
END_TEST

/* Host globs, unapproved winning over approved, third-party approved by domain. */
START_TEST(test_hosts_inventory_globs)
{
    ex_fp *fp = load_fp();
    ex_inv *inv = load_inv("approved.yml");
    ex_zone *z = load_zone(EXD "/families/hosts.test.zone");
    ex_report *r = ex_analyze(z, fp, inv);
    const ex_finding *f = find(r, EX_K_ADMIN, "jenkins.hosts.test", NULL, NULL);
    ck_assert_int_eq(f->cls, EX_C_UNAPPROVED);
    f = find(r, EX_K_ADMIN, "grafana-prod.hosts.test", NULL, NULL);
    ck_assert_int_eq(f->cls, EX_C_APPROVED);
    ck_assert_str_eq(f->reason, "exposure.hosts.approved: *.hosts.test");
    f = find(r, EX_K_WILDCARD, "*.dev.hosts.test", NULL, NULL);
    ck_assert_int_eq(f->cls, EX_C_APPROVED);
    f = find(r, EX_K_THIRD_PARTY, "hosts.test", NULL, "mx");
    ck_assert_str_eq(f->subject, "mx.partner-mail.example.net");
    ck_assert_int_eq(f->cls, EX_C_APPROVED);
    ck_assert_str_eq(f->reason, "exposure.providers.approved: partner-mail.example.net");
    ck_assert_ptr_null(find(r, EX_K_PRIVATE_ADDR, "public.hosts.test", NULL, NULL));
    ex_report_destroy(r);
    ex_zone_destroy(z);
    ex_inv_destroy(inv);
    ex_fp_destroy(fp);
}
END_TEST

START_TEST(test_malformed_zone_lines)
{
    char err[256];
    ex_zone *z = NULL;
    int rc = ex_zone_read_file(EXD "/malformed.test.zone", NULL, &z, err, sizeof err);
    ck_assert_int_eq(rc, ZW_EINVAL);
    ck_assert_ptr_nonnull(z);
    ck_assert(strstr(err, "4 error(s)") != NULL);
    ck_assert_uint_eq(z->ndiag, 4);
    static const int64_t lines[] = {5, 7, 8, 10};
    for (size_t i = 0; i < 4; i++) {
        ck_assert_int_eq(z->diag[i].line, lines[i]);
        ck_assert(strlen(z->diag[i].msg) > 5);
    }
    /* the good records around the bad ones are still read */
    ck_assert_uint_eq(z->n, 5);
    ck_assert_str_eq(z->rr[3].owner, "good.malformed.test");
    ck_assert_int_eq(z->rr[3].line, 6);
    ck_assert_str_eq(z->rr[4].value, "www.malformed.test");
    ex_zone_destroy(z);

    rc = ex_zone_read_file(EXD "/no-such.zone", NULL, &z, err, sizeof err);
    ck_assert_int_eq(rc, ZW_EIO);
    ck_assert_ptr_null(z);
}
END_TEST

START_TEST(test_provider_exports)
{
    char err[256];
    ex_fp *fp = load_fp();
    ex_zone *z = NULL;
    ex_report *r;
    const ex_finding *f;

    ck_assert_int_eq(ex_zone_read_export(EXD "/providers/route53.json", NULL, &z, err, sizeof err),
                     ZW_OK);
    ck_assert_str_eq(z->kind, "route53");
    ck_assert_str_eq(z->origin, "example.com");
    r = ex_analyze(z, fp, NULL);
    ck_assert_ptr_nonnull(find(r, EX_K_WILDCARD, "*.example.com", NULL, NULL));
    f = find(r, EX_K_TAKEOVER, "cdn.example.com", "aws", "alias");
    ck_assert_ptr_nonnull(f);
    ck_assert_str_eq(f->subject, "d111111abcdef8.cloudfront.net");
    ck_assert(f->rr->alias);
    f = find(r, EX_K_PROVIDER, "example.com", "atlassian", "txt");
    ck_assert_str_eq(f->subject, "atlassian-domain-verification=abcdef"); /* strings joined */
    ck_assert_ptr_nonnull(find(r, EX_K_PROVIDER, "example.com", "mailchimp", "spf-include"));
    ck_assert_ptr_nonnull(find(r, EX_K_PROVIDER, "example.com", "microsoft365", "mx"));
    ck_assert_ptr_nonnull(find(r, EX_K_PRIVATE_ADDR, "vpn.example.com", NULL, NULL));
    ck_assert_uint_eq(r->n, 11);
    ex_report_destroy(r);
    ex_zone_destroy(z);

    ck_assert_int_eq(ex_zone_read_export(EXD "/providers/azure.json", NULL, &z, err, sizeof err),
                     ZW_OK);
    ck_assert_str_eq(z->kind, "azure");
    ck_assert_str_eq(z->origin, "example.org");
    r = ex_analyze(z, fp, NULL);
    ck_assert_ptr_nonnull(find(r, EX_K_PROVIDER, "example.org", "google-workspace", "mx"));
    ck_assert_ptr_nonnull(find(r, EX_K_PROVIDER, "example.org", "sendgrid", "spf-include"));
    ck_assert_ptr_nonnull(find(r, EX_K_TAKEOVER, "shop.example.org", "azure", "cname"));
    ck_assert_ptr_nonnull(find(r, EX_K_ADMIN, "jenkins.example.org", NULL, NULL));
    ck_assert_uint_eq(r->n, 8);
    ex_report_destroy(r);
    ex_zone_destroy(z);

    ck_assert_int_eq(ex_zone_read_export(EXD "/providers/gcp.json", NULL, &z, err, sizeof err),
                     ZW_OK);
    ck_assert_str_eq(z->kind, "gcp");
    ck_assert_str_eq(z->origin, "example.net");
    r = ex_analyze(z, fp, NULL);
    ck_assert_ptr_nonnull(find(r, EX_K_PROVIDER, "example.net", "salesforce", "spf-include"));
    ck_assert_ptr_nonnull(find(r, EX_K_PROVIDER, "example.net", "docusign", "txt"));
    ck_assert_ptr_nonnull(find(r, EX_K_TAKEOVER, "help.example.net", "zendesk", "cname"));
    ck_assert_ptr_nonnull(find(r, EX_K_TAKEOVER, "assets.example.net", "gcp", "cname"));
    ex_report_destroy(r);
    ex_zone_destroy(z);

    ck_assert_int_eq(
        ex_zone_read_export(EXD "/providers/cloudflare.json", NULL, &z, err, sizeof err), ZW_OK);
    ck_assert_str_eq(z->kind, "cloudflare");
    ck_assert_str_eq(z->origin, "example.io");
    r = ex_analyze(z, fp, NULL);
    ck_assert_ptr_nonnull(find(r, EX_K_PROVIDER, "example.io", "sendgrid", "mx"));
    f = find(r, EX_K_PROVIDER, "example.io", "slack", "txt");
    ck_assert_str_eq(f->subject, "slack-domain-verification=abc123"); /* quotes removed */
    ck_assert_ptr_nonnull(find(r, EX_K_TAKEOVER, "blog.example.io", "github-pages", "cname"));
    ck_assert_ptr_nonnull(find(r, EX_K_TAKEOVER, "www.example.io", "hubspot", "cname"));
    f = find(r, EX_K_PRIVATE_ADDR, "grafana.example.io", NULL, NULL);
    ck_assert_str_eq(f->category, "unique local (ULA)");
    ex_report_destroy(r);
    ex_zone_destroy(z);

    /* JSON of another kind is refused with a reason */
    static const char other[] = "{\"Records\":[{\"eventName\":\"x\"}]}";
    ck_assert_int_eq(
        ex_zone_read_export_mem(other, sizeof other - 1, "mem", NULL, &z, err, sizeof err),
        ZW_EINVAL);
    ck_assert(strstr(err, "no known provider format") != NULL);
    ck_assert_int_eq(ex_zone_read_export_mem("[1,", 3, "mem", NULL, &z, err, sizeof err),
                     ZW_EINVAL);
    ex_fp_destroy(fp);
}
END_TEST

START_TEST(test_finding_events)
{
    ex_fp *fp = load_fp();
    ex_inv *inv = load_inv("approved.yml");
    ex_zone *z = load_zone(EXD "/example.test.zone");
    ex_report *r = ex_analyze(z, fp, inv);
    zw_arena *a = zw_arena_new(0);
    zw_buf b;
    zw_buf_init(&b);
    int seen_fail = 0, seen_pass = 0;
    for (size_t i = 0; i < r->n; i++) {
        zw_event ev;
        zw_arena_reset(a);
        zw_event_init(&ev, a);
        ck_assert_int_eq(ex_finding_event(r, i, 1795787537780LL, &ev), 0);
        ck_assert_int_eq(zw_event_finalize(&ev), 0);
        zw_buf_clear(&b);
        ck_assert_int_eq(zw_write_event(&b, &ev, ZW_OUT_OCSF), 0);
        zw_buf_cstr(&b);
        fjson_object *j = fjson_tokener_parse(b.p);
        ck_assert_msg(j != NULL, "invalid JSON %s", b.p);
        zwt_assert_int(j, "class_uid", 2003);
        zwt_assert_int(j, "type_uid", 200301);
        zwt_assert_str(j, "metadata.version", "1.8.0");
        zwt_assert_str(j, "unmapped.zone", "example.test");
        zwt_assert_str(j, "finding_info.uid", r->f[i].uid);
        zwt_assert_str(j, "unmapped.source_format", "exposure");
        zwt_assert_str(j, "unmapped.exposure.input", "zone-file");
        ck_assert_uint_eq(strlen(zw_jstr(j, "metadata.uid", NULL)), 16);
        zwt_assert_int(j, "unmapped.position.line", r->f[i].rr->line);
        const char *cls = zw_jstr(j, "unmapped.exposure.classification", NULL);
        int64_t sid;
        ck_assert_int_eq(zw_jint(j, "compliance.status_id", &sid), 0);
        if (strcmp(cls, "unapproved") == 0) {
            ck_assert_int_eq(sid, 3);
            zwt_assert_str(j, "compliance.status", "Fail");
            seen_fail++;
        } else if (strcmp(cls, "approved") == 0) {
            ck_assert_int_eq(sid, 1);
            zwt_assert_str(j, "compliance.status", "Pass");
            seen_pass++;
        } else {
            ck_assert_int_eq(sid, 2);
        }
        if (r->f[i].kind == EX_K_REMOTE_ACCESS &&
            strcmp(r->f[i].rr->owner, "remote.example.test") == 0) {
            zwt_assert_str(j, "unmapped.exposure.kind", "remote-access");
            fjson_object *res = fjson_object_array_get_idx(zw_jget(j, "resources"), 0);
            zwt_assert_str(res, "name", "remote.example.test");
            zwt_assert_int(j, "severity_id", ZW_SEV_HIGH);
        }
        fjson_object_put(j);
    }
    ck_assert_int_eq(seen_fail, 3);
    ck_assert_int_eq(seen_pass, 7);
    /* uids are deterministic and distinct */
    for (size_t i = 0; i < r->n; i++) {
        for (size_t k = i + 1; k < r->n; k++) {
            ck_assert_str_ne(r->f[i].uid, r->f[k].uid);
        }
    }
    zw_buf_free(&b);
    zw_arena_destroy(a);
    ex_report_destroy(r);
    ex_zone_destroy(z);
    ex_inv_destroy(inv);
    ex_fp_destroy(fp);
}
END_TEST

START_TEST(test_html_report)
{
    ex_fp *fp = load_fp();
    ex_inv *inv = load_inv("approved.yml");
    ex_zone *z = load_zone(EXD "/example.test.zone");
    /* hostile names are escaped */
    ck_assert_int_eq(
        ex_zone_add(z, "<b>x.example.test", 17, "CNAME", 60, "evil\"<i>.example.org", 20, 0, 99),
        0);
    ex_report *r = ex_analyze(z, fp, inv);
    zw_buf b;
    zw_buf_init(&b);
    ck_assert_int_eq(ex_report_html(r, 1795787537780LL, &b), 0);
    zw_buf_cstr(&b);
    ck_assert(strstr(b.p, "<!DOCTYPE html>") == b.p);
    ck_assert(strstr(b.p, "<svg id=\"chart\"") != NULL);
    ck_assert(strstr(b.p, "data-rendered=\"pending\"") != NULL);
    ck_assert(strstr(b.p, "&lt;b&gt;x.example.test") != NULL);
    ck_assert(strstr(b.p, "<b>x.example") == NULL);
    ck_assert(strstr(b.p, "evil&quot;&lt;i&gt;") != NULL);
    /* self-contained: no external resources */
    ck_assert(strstr(b.p, "src=") == NULL);
    ck_assert(strstr(b.p, "href=") == NULL);
    ck_assert(strstr(b.p, "@import") == NULL);
    ck_assert(strstr(b.p, "2026-11-27T") != NULL);
    /* one bar segment per non-empty (kind, class) pair */
    size_t segs = 0;
    for (const char *p = b.p; (p = strstr(p, "class=\"seg\"")); p++) {
        segs++;
    }
    size_t want = 0;
    for (int k = 0; k < EX_K__COUNT; k++) {
        for (int c = 0; c < EX_C__COUNT; c++) {
            want += r->by_kind[k][c] != 0;
        }
    }
    ck_assert_uint_eq(segs, want);
    ck_assert_uint_ge(segs, 5);
    zw_buf_clear(&b);
    ck_assert_int_eq(ex_report_table(r, &b), 0);
    zw_buf_cstr(&b);
    ck_assert(strstr(b.p, "19 findings: 7 approved, 9 unknown, 3 unapproved") != NULL);
    zw_buf_free(&b);
    ex_report_destroy(r);
    ex_zone_destroy(z);
    ex_inv_destroy(inv);
    ex_fp_destroy(fp);
}
END_TEST

START_TEST(test_inventory_errors)
{
    char err[256];
    static const char bad_key[] = "exposure:\n  policy: open\n  hostz:\n    approved: [a]\n";
    ck_assert_ptr_null(ex_inv_load_mem(bad_key, sizeof bad_key - 1, "inv.yml", err, sizeof err));
    ck_assert_msg(strstr(err, "inv.yml:3: unknown key 'hostz'") != NULL, "%s", err);
    static const char bad_policy[] = "exposure:\n  policy: maybe\n";
    ck_assert_ptr_null(
        ex_inv_load_mem(bad_policy, sizeof bad_policy - 1, "inv.yml", err, sizeof err));
    ck_assert_msg(strstr(err, "inv.yml:2:") != NULL, "%s", err);
    static const char bad_yaml[] = "exposure:\n  providers: [a\n";
    ck_assert_ptr_null(ex_inv_load_mem(bad_yaml, sizeof bad_yaml - 1, "inv.yml", err, sizeof err));
    ck_assert_msg(strstr(err, "inv.yml:") != NULL, "%s", err);
    /* the same file serves the shared inventory loader, which skips exposure: */
    nz_inventory *shared = nz_inventory_load(EXD "/approved.yml", err, sizeof err);
    ck_assert_msg(shared != NULL, "shared loader: %s", err);
    ck_assert(nz_inventory_zone_known(shared, "example.test", 12));
    ck_assert(nz_inventory_ip_secondary(shared, "127.0.0.2", 9, "example.test", 12));
    nz_inventory_destroy(shared);

    static const char other_only[] = "zones:\n  - name: x.test\n";
    ex_inv *inv = ex_inv_load_mem(other_only, sizeof other_only - 1, "inv.yml", err, sizeof err);
    ck_assert_ptr_nonnull(inv);
    ex_inv_destroy(inv);

    ck_assert_ptr_null(ex_fp_load_mem("{\"providers\": 3}", 16, err, sizeof err));
    ck_assert(strstr(err, "providers") != NULL);
    static const char bad_fp[] = "{\"providers\":[{\"id\":\"x\",\"name\":\"X\",\"mx\":\"a\"}]}";
    ck_assert_ptr_null(ex_fp_load_mem(bad_fp, sizeof bad_fp - 1, err, sizeof err));
    ck_assert(strstr(err, "must be an array") != NULL);
}
END_TEST

START_TEST(test_private_ranges)
{
    ck_assert_str_eq(ex_private_range("10.0.0.1"), "RFC 1918 private");
    ck_assert_str_eq(ex_private_range("172.31.255.255"), "RFC 1918 private");
    ck_assert_ptr_null(ex_private_range("172.32.0.1"));
    ck_assert_str_eq(ex_private_range("192.168.0.1"), "RFC 1918 private");
    ck_assert_str_eq(ex_private_range("127.0.10.1"), "loopback");
    ck_assert_str_eq(ex_private_range("169.254.1.1"), "link-local");
    ck_assert_str_eq(ex_private_range("100.127.0.1"), "shared address space (RFC 6598)");
    ck_assert_ptr_null(ex_private_range("100.128.0.1"));
    ck_assert_ptr_null(ex_private_range("192.0.2.1"));
    ck_assert_str_eq(ex_private_range("::1"), "loopback");
    ck_assert_str_eq(ex_private_range("fdff::1"), "unique local (ULA)");
    ck_assert_str_eq(ex_private_range("fe80::1"), "link-local");
    ck_assert_str_eq(ex_private_range("::ffff:10.1.1.1"), "RFC 1918 private");
    ck_assert_ptr_null(ex_private_range("2001:db8::1"));
    ck_assert_ptr_null(ex_private_range("not-an-address"));
}
END_TEST

START_TEST(test_tsig_key_files)
{
    char err[256];
    zw_arena *a = zw_arena_new(0);
    ex_tsig k;
    const char *path = "build/test-tsig.key";
    FILE *f = fopen(path, "w");
    fputs("key \"xfer-key\" {\n\talgorithm hmac-sha256;\n\tsecret \"c2VjcmV0c2VjcmV0\";\n};\n", f);
    fclose(f);
    ck_assert_int_eq(ex_tsig_load(path, a, &k, err, sizeof err), 0);
    ck_assert_str_eq(k.name, "xfer-key");
    ck_assert_str_eq(k.algorithm, "hmac-sha256.");
    ck_assert_str_eq(k.secret, "c2VjcmV0c2VjcmV0");
    f = fopen(path, "w");
    fputs("hmac-sha512:other-key:QUJD\n", f);
    fclose(f);
    ck_assert_int_eq(ex_tsig_load(path, a, &k, err, sizeof err), 0);
    ck_assert_str_eq(k.name, "other-key");
    ck_assert_str_eq(k.algorithm, "hmac-sha512.");
    ck_assert_str_eq(k.secret, "QUJD");
    f = fopen(path, "w");
    fputs("garbage\n", f);
    fclose(f);
    ck_assert_int_eq(ex_tsig_load(path, a, &k, err, sizeof err), ZW_EINVAL);
    remove(path);
    zw_arena_destroy(a);
}
END_TEST

/* The two-field key file form name:secret (hmac-sha256 implied), with more lines after
 * it: the secret ends at the end of its line (a mutant that read past it survived). */
START_TEST(test_tsig_two_field_form)
{
    char err[256];
    zw_arena *a = zw_arena_new(0);
    ex_tsig k;
    const char *path = "build/test-tsig2.key";
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("short-key:QUJDRA==\n# a comment line after the key\n", f);
    fclose(f);
    ck_assert_msg(ex_tsig_load(path, a, &k, err, sizeof err) == 0, "%s", err);
    ck_assert_str_eq(k.name, "short-key");
    ck_assert_str_eq(k.algorithm, "hmac-sha256.");
    ck_assert_str_eq(k.secret, "QUJDRA==");
    remove(path);
    zw_arena_destroy(a);
}
END_TEST

/* Verdicts from transfer results (the transfers themselves run against real servers in
 * tests/integration/40-exposure-axfr.sh). */
START_TEST(test_axfr_verdicts)
{
    ex_attempt a;
    memset(&a, 0, sizeof a);
    a.label = "AXFR";
    a.req.server = "127.0.0.1";
    a.req.port = 5310;
    a.req.zone = "example.test";
    a.res.connected = a.res.answered = 1;
    a.res.rcode = 5;
    ck_assert_int_eq(ex_attempt_judge(&a), EX_V_PASS);
    ck_assert_str_eq(a.detail, "AXFR refused (REFUSED)");

    a.res.rcode = 0;
    a.res.records = 7;
    a.res.data_records = 5;
    a.res.messages = 1;
    a.res.complete = a.res.soa_seen = 1;
    a.res.serial = 2024010101;
    ck_assert_int_eq(ex_attempt_judge(&a), EX_V_FAIL);
    ck_assert_str_eq(a.detail,
                     "AXFR returned zone data: 7 records in 1 message(s), serial 2024010101");

    /* IXFR answered with the current SOA only: no zone data */
    a.label = "IXFR";
    a.req.ixfr = 1;
    a.res.records = 1;
    a.res.data_records = 0;
    a.res.up_to_date = 1;
    ck_assert_int_eq(ex_attempt_judge(&a), EX_V_PASS);
    ck_assert(strstr(a.detail, "current SOA only") != NULL);

    /* a timeout proves nothing; a close without answer is a refusal */
    memset(&a.res, 0, sizeof a.res);
    a.res.rcode = -1;
    a.res.connected = 1;
    snprintf(a.res.error, sizeof a.res.error, "read: timed out");
    a.status = ZW_EIO;
    ck_assert_int_eq(ex_attempt_judge(&a), EX_V_ERROR);
    a.res.closed_early = 1;
    ck_assert_int_eq(ex_attempt_judge(&a), EX_V_PASS);
    ck_assert(strstr(a.detail, "connection closed") != NULL);

    /* with a key the check is reversed: data is the expected outcome */
    ex_tsig key = {"xfer-key", "hmac-sha256.", "c2VjcmV0"};
    memset(&a.res, 0, sizeof a.res);
    a.status = ZW_OK;
    a.label = "AXFR+TSIG";
    a.req.ixfr = 0;
    a.req.tsig = &key;
    a.authorized = 1;
    a.res.connected = a.res.answered = a.res.complete = a.res.soa_seen = 1;
    a.res.records = 7;
    a.res.data_records = 5;
    ck_assert_int_eq(ex_attempt_judge(&a), EX_V_PASS);
    a.res.rcode = 9;
    a.res.records = a.res.data_records = 0;
    ck_assert_int_eq(ex_attempt_judge(&a), EX_V_ERROR);
    ck_assert(strstr(a.detail, "NOTAUTH") != NULL);

    zw_arena *ar = zw_arena_new(0);
    zw_event ev;
    zw_event_init(&ev, ar);
    ck_assert_int_eq(ex_attempt_event(&a, "127.0.0.1:5310", 1795787537780LL, &ev), 0);
    ck_assert_int_eq(zw_event_finalize(&ev), 0);
    zw_buf b;
    zw_buf_init(&b);
    ck_assert_int_eq(zw_write_event(&b, &ev, ZW_OUT_OCSF), 0);
    zw_buf_cstr(&b);
    fjson_object *j = fjson_tokener_parse(b.p);
    zwt_assert_int(j, "class_uid", 2003);
    zwt_assert_str(j, "compliance.status", "Warning");
    zwt_assert_str(j, "unmapped.xfer.rcode", "NOTAUTH");
    zwt_assert_str(j, "unmapped.xfer.tsig_key", "xfer-key");
    zwt_assert_str(j, "unmapped.zone", "example.test");
    fjson_object *evd = fjson_object_array_get_idx(zw_jget(j, "evidences"), 0);
    zwt_assert_str(evd, "dst_endpoint.ip", "127.0.0.1");
    zwt_assert_int(evd, "dst_endpoint.port", 5310);
    zwt_assert_str(evd, "query.type", "AXFR");
    ck_assert(!fjson_object_get_boolean(zw_jget(j, "unmapped.xfer.data_returned")));
    fjson_object_put(j);
    zw_buf_free(&b);
    zw_arena_destroy(ar);
}
END_TEST

/* An IXFR that leaks must FAIL (a mutant that judged it PASS was caught only by the
 * real-server test): an AXFR-style IXFR answer (the whole zone), an incremental diff,
 * a diff of SOAs only, and a transfer cut short after data, each unauthenticated; the
 * up-to-date answer (one SOA) and a lone SOA without the flag are the only passes.
 * The Compliance Finding of a leak says Fail, data_returned true, with remediation. */
static void ixfr_attempt(ex_attempt *a, size_t records, size_t data, int complete, int up)
{
    memset(a, 0, sizeof *a);
    a->label = "IXFR";
    a->req.server = "127.0.0.1";
    a->req.zone = "example.test";
    a->req.ixfr = 1;
    a->req.ixfr_serial = 2024010100;
    a->status = ZW_OK;
    a->res.connected = a->res.answered = a->res.soa_seen = 1;
    a->res.rcode = 0;
    a->res.messages = 1;
    a->res.serial = 2024010101;
    a->res.records = records;
    a->res.data_records = data;
    a->res.complete = complete;
    a->res.up_to_date = up;
}

START_TEST(test_ixfr_leak_verdicts)
{
    ex_attempt a;
    /* AXFR-style IXFR: SOA, 5 records, SOA */
    ixfr_attempt(&a, 7, 5, 1, 0);
    ck_assert_int_eq(ex_attempt_judge(&a), EX_V_FAIL);
    ck_assert_str_eq(a.detail,
                     "IXFR returned zone data: 7 records in 1 message(s), serial 2024010101");
    /* incremental diff: SOA new, SOA old, A deleted, SOA new, A added, SOA new */
    ixfr_attempt(&a, 6, 2, 1, 0);
    ck_assert_int_eq(ex_attempt_judge(&a), EX_V_FAIL);
    /* a diff of SOAs only (serial bumped, nothing else changed) still returns records */
    ixfr_attempt(&a, 4, 0, 1, 0);
    ck_assert_int_eq(ex_attempt_judge(&a), EX_V_FAIL);
    ixfr_attempt(&a, 2, 0, 1, 0);
    ck_assert_int_eq(ex_attempt_judge(&a), EX_V_FAIL);
    /* data records in an answer that did not complete: still a leak */
    ixfr_attempt(&a, 3, 2, 0, 0);
    ck_assert_int_eq(ex_attempt_judge(&a), EX_V_FAIL);
    ixfr_attempt(&a, 1, 1, 0, 0);
    ck_assert_int_eq(ex_attempt_judge(&a), EX_V_FAIL);
    /* passes: the current SOA only; a lone SOA; an incomplete answer of SOAs only */
    ixfr_attempt(&a, 1, 0, 1, 1);
    ck_assert_int_eq(ex_attempt_judge(&a), EX_V_PASS);
    ck_assert_str_eq(a.detail, "IXFR gave no zone data (current SOA only, serial 2024010101)");
    ixfr_attempt(&a, 1, 0, 1, 0);
    ck_assert_int_eq(ex_attempt_judge(&a), EX_V_PASS);
    ixfr_attempt(&a, 3, 0, 0, 0);
    ck_assert_int_eq(ex_attempt_judge(&a), EX_V_PASS);
    /* a refusal with records attached is a refusal (rcode first) */
    ixfr_attempt(&a, 7, 5, 1, 0);
    a.res.rcode = 9;
    ck_assert_int_eq(ex_attempt_judge(&a), EX_V_PASS);
    ck_assert_str_eq(a.detail, "IXFR refused (NOTAUTH)");
    a.res.rcode = 12;
    ck_assert_int_eq(ex_attempt_judge(&a), EX_V_PASS);
    ck_assert_str_eq(a.detail, "IXFR refused (RCODE12)");

    /* the leak as a Compliance Finding */
    ixfr_attempt(&a, 6, 2, 1, 0);
    ck_assert_int_eq(ex_attempt_judge(&a), EX_V_FAIL);
    zw_arena *ar = zw_arena_new(0);
    zw_event ev;
    zw_event_init(&ev, ar);
    ck_assert_int_eq(ex_attempt_event(&a, "127.0.0.1:53", 1795787537780LL, &ev), 0);
    ck_assert_int_eq(zw_event_finalize(&ev), 0);
    zw_buf b;
    zw_buf_init(&b);
    ck_assert_int_eq(zw_write_event(&b, &ev, ZW_OUT_OCSF), 0);
    zw_buf_cstr(&b);
    fjson_object *j = fjson_tokener_parse(b.p);
    zwt_assert_str(j, "compliance.status", "Fail");
    zwt_assert_int(j, "compliance.status_id", 3);
    zwt_assert_str(j, "unmapped.xfer.kind", "IXFR");
    zwt_assert_int(j, "unmapped.xfer.records", 6);
    zwt_assert_int(j, "unmapped.xfer.serial", 2024010101);
    zwt_assert_int(j, "unmapped.xfer.serial_from", 2024010100);
    zwt_assert_str(j, "finding_info.title",
                   "IXFR of example.test from 127.0.0.1:53: zone data returned");
    ck_assert(fjson_object_get_boolean(zw_jget(j, "unmapped.xfer.data_returned")));
    ck_assert_ptr_nonnull(zw_jget(j, "remediation.desc"));
    fjson_object_put(j);
    zw_buf_free(&b);
    zw_arena_destroy(ar);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("exposure");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_fingerprint_families);
    tcase_add_test(tc, test_lab_zone_classification);
    tcase_add_test(tc, test_hosts_inventory_globs);
    tcase_add_test(tc, test_malformed_zone_lines);
    tcase_add_test(tc, test_provider_exports);
    tcase_add_test(tc, test_finding_events);
    tcase_add_test(tc, test_html_report);
    tcase_add_test(tc, test_inventory_errors);
    tcase_add_test(tc, test_private_ranges);
    tcase_add_test(tc, test_tsig_key_files);
    tcase_add_test(tc, test_tsig_two_field_form);
    tcase_add_test(tc, test_axfr_verdicts);
    tcase_add_test(tc, test_ixfr_leak_verdicts);
    suite_add_tcase(s, tc);
    return s;
}

ZWT_MAIN(suite)
