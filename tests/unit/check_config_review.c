/*
 * check_config_review.c - configuration review over real configuration files
 * (tests/data/config-review/: open and closed configurations for BIND, Knot, NSD and
 * PowerDNS, includes, views, per-zone overrides, key-only transfers, each accepted by
 * the server's own checker in tests/integration/41-config-review-live.sh).  Each file
 * NAME.conf has NAME.expect: the findings it must produce (kind, zone[@view], subject,
 * status, line) and, for the broken files under bad/, the errors with line:column.
 * Also: the model's address-list semantics, type detection, the inventory checks, the
 * OCSF events and the HTML report.
 */
#include "zw_test.h"

#include "../../review/cr.h"

#include <dirent.h>
#include <unistd.h>

#define CRD ZW_TEST_DATA "/config-review"

static const cr_finding *find(const cr_report *r, const char *kind, const char *zone,
                              const char *subject)
{
    char zbuf[256];
    snprintf(zbuf, sizeof zbuf, "%s", zone);
    char *at = strchr(zbuf, '@');
    const char *view = NULL;
    if (at) {
        *at = '\0';
        view = at + 1;
    }
    for (size_t i = 0; i < r->n; i++) {
        const cr_finding *f = &r->f[i];
        if (strcmp(f->kind, kind) != 0) {
            continue;
        }
        if (strcmp(zbuf, "-") ? !f->zone || strcmp(f->zone, zbuf) : f->zone != NULL) {
            continue;
        }
        if (view && (!f->view || strcmp(f->view, view))) {
            continue;
        }
        if (strcmp(subject, "-") ? !f->subject || strcmp(f->subject, subject)
                                 : f->subject != NULL) {
            continue;
        }
        return f;
    }
    return NULL;
}

/* Checks path against its .expect file; returns the number of expectations. */
static int run_expect(const char *conf, int broken)
{
    char exp[512], err[256], line[512];
    snprintf(exp, sizeof exp, "%.*s.expect", (int)(strlen(conf) - 5), conf);
    FILE *f = fopen(exp, "r");
    ck_assert_msg(f != NULL, "%s: no .expect file", exp);
    cr_config *c = NULL;
    int rc = cr_config_read(conf, -1, &c, err, sizeof err);
    ck_assert_msg(c != NULL, "%s: %s", conf, err);
    if (!broken) {
        ck_assert_msg(rc == ZW_OK, "%s: %s (%s)", conf, err, c->ndiag ? c->diag[0].msg : "");
    } else {
        ck_assert_msg(rc == ZW_EINVAL && c->ndiag > 0, "%s: errors expected", conf);
    }
    cr_report *r = cr_check(c, NULL);
    ck_assert(r != NULL);
    int n = 0, lno = 0;
    while (fgets(line, sizeof line, f)) {
        lno++;
        if (line[0] == '#' || line[0] == '\n') {
            continue;
        }
        line[strcspn(line, "\n")] = '\0';
        if (strncmp(line, "error ", 6) == 0) {
            int el, ec, off = 0;
            ck_assert_msg(sscanf(line + 6, "%d:%d %n", &el, &ec, &off) == 2, "%s:%d", exp, lno);
            const char *text = line + 6 + off;
            int hit = 0;
            for (size_t i = 0; i < c->ndiag && !hit; i++) {
                hit = c->diag[i].line == el && c->diag[i].col == ec &&
                      strstr(c->diag[i].msg, text) != NULL;
            }
            ck_assert_msg(hit, "%s:%d: no error '%s' at %d:%d (first: %lld:%lld %s)", exp, lno,
                          text, el, ec, c->ndiag ? (long long)c->diag[0].line : 0LL,
                          c->ndiag ? (long long)c->diag[0].col : 0LL,
                          c->ndiag ? c->diag[0].msg : "");
            n++;
            continue;
        }
        char kind[64], zone[128], subj[128], status[16];
        int want_line = -1;
        int k = sscanf(line, "%63s %127s %127s %15s %d", kind, zone, subj, status, &want_line);
        ck_assert_msg(k >= 4, "%s:%d: bad expectation", exp, lno);
        const cr_finding *fd = find(r, kind, zone, subj);
        ck_assert_msg(fd != NULL, "%s:%d: no finding %s %s %s", exp, lno, kind, zone, subj);
        ck_assert_msg(strcmp(cr_status_name(fd->status), status) == 0, "%s:%d: %s is %s (%s)", exp,
                      lno, kind, cr_status_name(fd->status), fd->detail);
        if (k == 5) {
            ck_assert_msg(fd->pos.line == want_line, "%s:%d: %s at line %d, want %d (%s)", exp, lno,
                          kind, fd->pos.line, want_line, fd->setting ? fd->setting : "");
        }
        n++;
    }
    fclose(f);
    cr_report_destroy(r);
    cr_config_destroy(c);
    return n;
}

static int run_dir(const char *dir, int broken)
{
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "%s", dir);
    struct dirent *de;
    int files = 0;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l > 5 && strcmp(de->d_name + l - 5, ".conf") == 0) {
            char p[512];
            snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
            ck_assert_msg(run_expect(p, broken) > 0, "%s: empty expectations", p);
            files++;
        }
    }
    closedir(d);
    return files;
}

START_TEST(test_configurations)
{
    ck_assert_int_ge(run_dir(CRD, 0), 10);
}
END_TEST

START_TEST(test_broken_configurations)
{
    ck_assert_int_ge(run_dir(CRD "/bad", 1), 4);
}
END_TEST

/* Every finding a configuration produces carries a setting and a uid, and a pass for
 * every check kind exists somewhere in the closed configurations. */
START_TEST(test_detection_and_types)
{
    static const struct {
        const char *file;
        cr_server type;
    } t[] = {{"bind-open.conf", CR_BIND}, {"bind-views.conf", CR_BIND},
             {"knot-open.conf", CR_KNOT}, {"knot-closed.conf", CR_KNOT},
             {"nsd-open.conf", CR_NSD},   {"nsd-closed.conf", CR_NSD},
             {"pdns-open.conf", CR_PDNS}, {"pdns-closed.conf", CR_PDNS}};
    for (size_t i = 0; i < ZW_ARRAY_LEN(t); i++) {
        char p[256], err[256];
        snprintf(p, sizeof p, CRD "/%s", t[i].file);
        cr_config *c = NULL;
        ck_assert_int_eq(cr_config_read(p, -1, &c, err, sizeof err), ZW_OK);
        ck_assert_msg(c->server == t[i].type, "%s detected as %s", p, cr_server_name(c->server));
        cr_config_destroy(c);
    }
    cr_config *c = NULL;
    char err[256];
    ck_assert_int_eq(cr_config_read_mem("hello world\n", 12, "x", -1, 1, &c, err, sizeof err),
                     ZW_EINVAL);
    ck_assert_ptr_null(c);
    ck_assert_msg(strstr(err, "--type") != NULL, "%s", err);
    ck_assert_int_eq(cr_server_parse("knot"), CR_KNOT);
    ck_assert_int_eq(cr_server_parse("djbdns"), -1);
}
END_TEST

static cr_report *review_mem(const char *text, int type, cr_config **c)
{
    char err[256];
    int rc = cr_config_read_mem(text, strlen(text), "mem.conf", type, 1, c, err, sizeof err);
    ck_assert_msg(rc == ZW_OK, "%s", err);
    cr_report *r = cr_check(*c, NULL);
    ck_assert(r != NULL);
    return r;
}

/* First match wins: a negated address before "any" protects only that address; a key
 * element does not open the list; !any first closes it; nested acl references expand. */
START_TEST(test_address_lists)
{
    static const struct {
        const char *acl;
        const char *status;
    } t[] = {
        {"any;", "fail"},
        {"none;", "pass"},
        {"!192.0.2.9; any;", "fail"},
        {"!any; any;", "pass"},
        {"key k;", "pass"},
        {"0.0.0.0/0;", "fail"},
        {"::/0;", "fail"},
        {"10.0.0.0/8; 127.0.0.2;", "pass"},
        {"nested;", "fail"},
        {"!nested; 10.1.2.3;", "pass"},
        {"{ !192.0.2.1; any; };", "fail"},
        {"localnets; localhost;", "pass"},
    };
    for (size_t i = 0; i < ZW_ARRAY_LEN(t); i++) {
        char conf[600];
        snprintf(conf, sizeof conf,
                 "key k { algorithm hmac-sha256; secret \"mLgGZfMCGa3mBRuRF3Gf8RRNwjPzn7xRtrT0w1vU"
                 "0eA=\"; };\nacl inner { any; };\nacl nested { inner; };\n"
                 "zone \"t.test\" { type primary; file \"f\"; allow-transfer { %s }; };\n",
                 t[i].acl);
        cr_config *c = NULL;
        cr_report *r = review_mem(conf, CR_BIND, &c);
        const cr_finding *f = find(r, "transfer-open", "t.test", "-");
        ck_assert_ptr_nonnull(f);
        ck_assert_msg(strcmp(cr_status_name(f->status), t[i].status) == 0, "{ %s } -> %s, want %s",
                      t[i].acl, cr_status_name(f->status), t[i].status);
        ck_assert_int_eq(f->pos.line, 4);
        cr_report_destroy(r);
        cr_config_destroy(c);
    }
    ck_assert_int_eq(cr_cidr_contains("10.0.0.0/8", "10.2.3.4"), 1);
    ck_assert_int_eq(cr_cidr_contains("10.0.0.0/8", "11.2.3.4"), 0);
    ck_assert_int_eq(cr_cidr_contains("10.0.0.0/8", "10.0.0.0/7"), 0);
    ck_assert_int_eq(cr_cidr_contains("2001:db8::/32", "2001:db8:1::5"), 1);
    ck_assert_int_eq(cr_cidr_contains("10.0.0.0/8", "::1"), 0);
    ck_assert_int_eq(cr_cidr_contains("10.0.0.0/33", "10.0.0.1"), -1);
    ck_assert_int_eq(cr_cidr_contains("host.example", "10.0.0.1"), -1);
}
END_TEST

/* An acl that refers to itself is reported, not followed forever; an undefined acl is an
 * error with its position; recursion, version and logging inherit across views. */
START_TEST(test_bind_semantics)
{
    const char *conf =
        "acl loop { loop; };\n"
        "zone \"a.test\" { type primary; file \"f\"; allow-transfer { loop; }; };\n"
        "zone \"b.test\" { type primary; file \"f\"; allow-transfer { nosuch; }; };\n"
        "zone \"c.test\" { type forward; forwarders { 192.0.2.1; }; };\n";
    char err[256];
    cr_config *c = NULL;
    ck_assert_int_eq(
        cr_config_read_mem(conf, strlen(conf), "m.conf", CR_BIND, 1, &c, err, sizeof err),
        ZW_EINVAL);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq((int)c->nzones, 2); /* a forward zone is not authoritative */
    int loop = 0, undef = 0;
    for (size_t i = 0; i < c->ndiag; i++) {
        loop |= strstr(c->diag[i].msg, "nested deeper") != NULL;
        undef |= c->diag[i].line == 3 && strstr(c->diag[i].msg, "'nosuch' is not a defined acl");
    }
    ck_assert(loop && undef);
    cr_config_destroy(c);

    /* recursion: an authoritative server with allow-query-cache any in one view fails */
    const char *views = "options { recursion yes; };\n"
                        "view a { match-clients { 10.0.0.0/8; }; allow-recursion { 10.0.0.0/8; };"
                        " zone \"x.test\" { type primary; file \"f\"; }; };\n"
                        "view b { allow-query-cache { any; };"
                        " zone \"x.test\" { type primary; file \"g\"; }; };\n";
    cr_report *r = review_mem(views, CR_BIND, &c);
    const cr_finding *f = find(r, "recursion-open", "-", "-");
    ck_assert_str_eq(cr_status_name(f->status), "fail");
    ck_assert_int_eq(f->pos.line, 3);
    ck_assert_str_eq(f->scope, "view b");
    cr_report_destroy(r);
    cr_config_destroy(c);
}
END_TEST

/* PowerDNS (checked in a lab): allow-axfr-ips unset is 127.0.0.0/8 and ::1, empty is
 * nobody, disable-axfr wins; dnsupdate off means no update check can fail. */
START_TEST(test_pdns_settings)
{
    static const struct {
        const char *conf, *xfer, *update;
    } t[] = {
        {"launch=\n", "pass", "pass"},
        {"allow-axfr-ips=\n", "pass", "pass"},
        {"allow-axfr-ips=0.0.0.0/0\n", "fail", "pass"},
        {"allow-axfr-ips=127.0.0.2, ::/0 # open to v6\n", "fail", "pass"},
        {"allow-axfr-ips=0.0.0.0/0\ndisable-axfr=yes\n", "pass", "pass"},
        {"dnsupdate=yes\n", "pass", "pass"},
        {"dnsupdate=yes\nallow-dnsupdate-from=0.0.0.0/0\n", "pass", "fail"},
    };
    for (size_t i = 0; i < ZW_ARRAY_LEN(t); i++) {
        cr_config *c = NULL;
        cr_report *r = review_mem(t[i].conf, CR_PDNS, &c);
        const cr_finding *x = find(r, "transfer-open", "*", "-");
        const cr_finding *u = find(r, "update-open", "*", "-");
        ck_assert_msg(x && strcmp(cr_status_name(x->status), t[i].xfer) == 0, "%s: transfer %s",
                      t[i].conf, x ? cr_status_name(x->status) : "?");
        ck_assert_msg(u && strcmp(cr_status_name(u->status), t[i].update) == 0, "%s: update %s",
                      t[i].conf, u ? cr_status_name(u->status) : "?");
        cr_report_destroy(r);
        cr_config_destroy(c);
    }
}
END_TEST

/* The inventory: an approved secondary missing from the transfer list, an unlisted
 * address allowed, and the pass findings when both agree. */
START_TEST(test_inventory_secondaries)
{
    char err[256];
    nz_inventory *inv = nz_inventory_load(CRD "/inventory.yml", err, sizeof err);
    ck_assert_msg(inv != NULL, "%s", err);
    const char *conf = "zone \"closed.test\" { type primary; file \"f\"; allow-transfer "
                       "{ 127.0.0.2; 192.0.2.53; }; };\n"
                       "zone \"override.test\" { type primary; file \"f\"; allow-transfer "
                       "{ 127.0.0.2; 203.0.113.7; key k; }; };\n"
                       "key k { algorithm hmac-sha256; secret \"mLgGZfMCGa3mBRuRF3Gf8RRNwjPzn7x"
                       "RtrT0w1vU0eA=\"; };\n";
    cr_config *c = NULL;
    ck_assert_int_eq(
        cr_config_read_mem(conf, strlen(conf), "m.conf", CR_BIND, 1, &c, err, sizeof err), ZW_OK);
    cr_report *r = cr_check(c, inv);
    ck_assert_str_eq(
        cr_status_name(find(r, "secondary-missing", "closed.test", "127.0.0.2")->status), "pass");
    ck_assert_str_eq(
        cr_status_name(find(r, "secondary-missing", "closed.test", "192.0.2.53")->status), "pass");
    ck_assert_str_eq(cr_status_name(find(r, "secondary-unapproved", "closed.test", "-")->status),
                     "pass");
    /* override.test: 127.0.0.5 is approved for it; the key lets it transfer */
    ck_assert_str_eq(
        cr_status_name(find(r, "secondary-missing", "override.test", "127.0.0.5")->status), "pass");
    const cr_finding *u = find(r, "secondary-unapproved", "override.test", "203.0.113.7");
    ck_assert_ptr_nonnull(u);
    ck_assert_str_eq(cr_status_name(u->status), "fail");
    ck_assert_int_eq(u->pos.line, 2);
    cr_report_destroy(r);
    cr_config_destroy(c);

    /* without keys, a missing approved secondary fails */
    const char *conf2 = "zone \"override.test\" { type primary; file \"f\"; allow-transfer "
                        "{ 127.0.0.2; }; };\n";
    ck_assert_int_eq(
        cr_config_read_mem(conf2, strlen(conf2), "m.conf", CR_BIND, 1, &c, err, sizeof err), ZW_OK);
    r = cr_check(c, inv);
    ck_assert_str_eq(
        cr_status_name(find(r, "secondary-missing", "override.test", "127.0.0.5")->status), "fail");
    ck_assert_str_eq(
        cr_status_name(find(r, "secondary-missing", "override.test", "192.0.2.53")->status),
        "fail");
    cr_report_destroy(r);
    cr_config_destroy(c);
    nz_inventory_destroy(inv);
}
END_TEST

START_TEST(test_events_and_html)
{
    char err[256];
    cr_config *c = NULL;
    ck_assert_int_eq(cr_config_read(CRD "/bind-views.conf", -1, &c, err, sizeof err), ZW_OK);
    cr_report *r = cr_check(c, NULL);
    const cr_finding *f = find(r, "transfer-open", "corp.test@internal", "-");
    size_t idx = (size_t)(f - r->f);
    zw_arena *ar = zw_arena_new(0);
    zw_event ev;
    zw_event_init(&ev, ar);
    ck_assert_int_eq(cr_finding_event(r, idx, 1700000000000LL, &ev), 0);
    ck_assert_int_eq(zw_event_finalize(&ev), 0);
    zw_buf b;
    zw_buf_init(&b);
    ck_assert_int_eq(zw_write_event(&b, &ev, ZW_OUT_OCSF), 0);
    zw_buf_cstr(&b);
    fjson_object *j = fjson_tokener_parse(b.p);
    ck_assert_ptr_nonnull(j);
    zwt_assert_int(j, "class_uid", 2003);
    zwt_assert_int(j, "compliance.status_id", 3);
    zwt_assert_str(j, "compliance.status", "Fail");
    zwt_assert_str(j, "unmapped.config_review.kind", "transfer-open");
    zwt_assert_str(j, "unmapped.config_review.server", "bind");
    zwt_assert_str(j, "unmapped.config_review.setting", "allow-transfer { any; }");
    zwt_assert_str(j, "unmapped.config_review.scope", "view internal");
    zwt_assert_str(j, "unmapped.dns.view", "internal");
    zwt_assert_str(j, "unmapped.zone", "corp.test");
    zwt_assert_str(j, "unmapped.position.file", CRD "/bind-views.conf");
    zwt_assert_int(j, "unmapped.position.line", 13);
    zwt_assert_int(j, "severity_id", 4);
    fjson_object_put(j);

    /* a pass is informational and has no remediation */
    f = find(r, "transfer-open", "corp.test@external", "-");
    zw_arena_reset(ar);
    zw_event_init(&ev, ar);
    ck_assert_int_eq(cr_finding_event(r, (size_t)(f - r->f), 1700000000000LL, &ev), 0);
    zw_buf_clear(&b);
    ck_assert_int_eq(zw_write_event(&b, &ev, ZW_OUT_OCSF), 0);
    zw_buf_cstr(&b);
    j = fjson_tokener_parse(b.p);
    zwt_assert_str(j, "compliance.status", "Pass");
    zwt_assert_int(j, "severity_id", 1);
    ck_assert_ptr_null(zw_jget(j, "remediation"));
    fjson_object_put(j);

    /* the include's key is reported at its own file and line */
    f = find(r, "weak-tsig", "-", "view-key");
    ck_assert_ptr_nonnull(strstr(f->pos.file, "bind-keys.inc"));
    ck_assert_int_eq(f->pos.line, 2);

    zw_buf_clear(&b);
    cr_report *const reps[] = {r};
    ck_assert_int_eq(cr_report_html(reps, 1, 1700000000000LL, &b), 0);
    zw_buf_cstr(&b);
    ck_assert_ptr_nonnull(strstr(b.p, "<!DOCTYPE html>"));
    ck_assert_ptr_nonnull(strstr(b.p, "allow-transfer { any; }"));
    ck_assert_ptr_nonnull(strstr(b.p, "class=\"pill p2\">fail"));
    ck_assert_ptr_nonnull(strstr(b.p, "bind-views.conf:13"));
    zw_buf_clear(&b);
    ck_assert_int_eq(cr_report_table(r, &b), 0);
    zw_buf_cstr(&b);
    ck_assert_ptr_nonnull(strstr(b.p, "17 findings: 14 pass, 0 warning, 3 fail"));
    zw_buf_free(&b);
    zw_arena_destroy(ar);
    cr_report_destroy(r);
    cr_config_destroy(c);
}
END_TEST

/* Hostile shapes: deep nesting, an include loop, unterminated strings; errors, no crash. */
START_TEST(test_hostile_shapes)
{
    char err[256];
    cr_config *c = NULL;
    size_t n = 100000;
    char *deep = malloc(2 * n + 1);
    memset(deep, '{', n);
    memset(deep + n, '}', n);
    deep[2 * n] = '\0';
    ck_assert_int_eq(cr_config_read_mem(deep, 2 * n, "deep", CR_BIND, 1, &c, err, sizeof err),
                     ZW_EINVAL);
    cr_config_destroy(c);
    free(deep);
    const char *s = "zone \"unterminated { type primary; };\n";
    ck_assert_int_eq(cr_config_read_mem(s, strlen(s), "s", CR_BIND, 1, &c, err, sizeof err),
                     ZW_EINVAL);
    ck_assert_int_eq((int)c->diag[0].line, 1);
    cr_config_destroy(c);
    /* an include of itself stops at the depth cap */
    char path[] = "/tmp/zw-cr-loop-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    char body[128];
    int bl = snprintf(body, sizeof body, "include \"%s\";\n", path);
    ck_assert_int_eq((int)write(fd, body, (size_t)bl), bl);
    close(fd);
    ck_assert_int_eq(cr_config_read(path, CR_BIND, &c, err, sizeof err), ZW_EINVAL);
    ck_assert_ptr_nonnull(strstr(c->diag[0].msg, "nested deeper"));
    cr_config_destroy(c);
    unlink(path);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("config-review");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_configurations);
    tcase_add_test(tc, test_broken_configurations);
    tcase_add_test(tc, test_detection_and_types);
    tcase_add_test(tc, test_address_lists);
    tcase_add_test(tc, test_bind_semantics);
    tcase_add_test(tc, test_pdns_settings);
    tcase_add_test(tc, test_inventory_secondaries);
    tcase_add_test(tc, test_events_and_html);
    tcase_add_test(tc, test_hostile_shapes);
    suite_add_tcase(s, tc);
    return s;
}

ZWT_MAIN(suite)
