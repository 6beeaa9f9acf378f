/*
 * check_writer.c - the canonical event and its OCSF / ECS writers: nesting from paths,
 * arrays of objects, escaping of hostile bytes, ECS-derived fields, class helpers,
 * and the normalizer driver's framing and dead letters with no parser involved.
 */
#include "zw_test.h"

static fjson_object *write_parse(zw_event *ev, zw_out_kind kind)
{
    zw_buf b;
    zw_buf_init(&b);
    ck_assert_int_eq(zw_event_finalize(ev), 0);
    ck_assert_int_eq(zw_write_event(&b, ev, kind), 0);
    zw_buf_cstr(&b);
    fjson_object *j = fjson_tokener_parse(b.p);
    ck_assert_msg(j != NULL, "invalid JSON: %s", b.p);
    zw_buf_free(&b);
    return j;
}

START_TEST(test_nesting_and_types)
{
    zw_arena *a = zw_arena_new(0);
    zw_event ev;
    zw_event_init(&ev, a);
    ck_assert_int_eq(zw_ev_set_class(&ev, ZW_CLASS_DNS_ACTIVITY, 1), 0);
    zw_ev_set_cstr(&ev, ZW_F_QUERY_HOSTNAME, "example.test");
    zw_ev_set_cstr(&ev, ZW_F_QUERY_TYPE, "AXFR");
    zw_ev_set_cstr(&ev, ZW_F_SRC_IP, "127.0.0.2");
    zw_ev_set_int(&ev, ZW_F_SRC_PORT, 35935);
    zw_ev_set_int(&ev, ZW_F_TIME, 1795784720921LL);
    zw_ev_set_bool(&ev, ZW_F_U_DNS_SIGNED, 1);
    zw_ev_list_add(&ev, ZW_F_ANSWERS_RDATA, "1.2.3.4", 7);
    zw_ev_list_add(&ev, ZW_F_ANSWERS_RDATA, "5.6.7.8", 7);
    zw_ev_set_cstr(&ev, ZW_F_RES_NAME, "www.example.test");
    zw_ev_set_cstr(&ev, ZW_F_RES_TYPE, "A");
    zw_ev_set_cstr(&ev, ZW_F_META_PRODUCT_NAME, "BIND");
    fjson_object *j = write_parse(&ev, ZW_OUT_OCSF);
    zwt_assert_int(j, "class_uid", 4003);
    zwt_assert_int(j, "category_uid", 4);
    zwt_assert_int(j, "type_uid", 400301);
    zwt_assert_str(j, "type_name", "DNS Activity: Query");
    zwt_assert_str(j, "query.hostname", "example.test");
    zwt_assert_str(j, "query.type", "AXFR");
    zwt_assert_int(j, "src_endpoint.port", 35935);
    zwt_assert_int(j, "time", 1795784720921LL);
    zwt_assert_str(j, "metadata.version", "1.8.0");
    zwt_assert_str(j, "metadata.product.name", "BIND");
    zwt_assert_int(j, "severity_id", 1);
    ck_assert(fjson_object_get_boolean(zw_jget(j, "unmapped.dns.signed")));
    fjson_object *ans = zw_jget(j, "answers");
    ck_assert_int_eq(fjson_object_array_length(ans), 2);
    zwt_assert_str(fjson_object_array_get_idx(ans, 1), "rdata", "5.6.7.8");
    fjson_object *res = zw_jget(j, "resources");
    ck_assert_int_eq(fjson_object_array_length(res), 1);
    zwt_assert_str(fjson_object_array_get_idx(res, 0), "name", "www.example.test");
    zwt_assert_str(fjson_object_array_get_idx(res, 0), "type", "A");
    zwt_assert_absent(j, "event");
    fjson_object_put(j);

    j = write_parse(&ev, ZW_OUT_ECS);
    zwt_assert_str(j, "dns.question.name", "example.test");
    zwt_assert_str(j, "source.ip", "127.0.0.2");
    zwt_assert_str(j, "@timestamp", "2026-11-27T13:05:20.921Z");
    zwt_assert_str(j, "event.kind", "event");
    zwt_assert_str(j, "ecs.version", ZW_ECS_VERSION);
    ck_assert_str_eq(fjson_object_get_string(fjson_object_array_get_idx(zw_jget(j, "event.category"), 0)),
                     "network");
    zwt_assert_absent(j, "class_uid");
    fjson_object_put(j);
    zw_arena_destroy(a);
}
END_TEST

START_TEST(test_hostile_bytes)
{
    zw_arena *a = zw_arena_new(0);
    zw_event ev;
    zw_event_init(&ev, a);
    zw_ev_set_class(&ev, ZW_CLASS_API_ACTIVITY, 3);
    static const char bad[] = "a\0b\"c\\d\n\x01\xff\xc3\xa9\xe2\x82";
    zw_ev_set_str(&ev, ZW_F_MESSAGE, bad, sizeof bad - 1);
    fjson_object *j = write_parse(&ev, ZW_OUT_OCSF);
    size_t n;
    const char *m = zw_jstr(j, "message", &n);
    /* NUL kept as \u0000, quote and backslash kept, invalid bytes become U+FFFD */
    /* 9 plain bytes, U+FFFD, e-acute, and U+FFFD for each byte of the cut sequence */
    ck_assert_int_eq(n, 9 + 3 + 2 + 3 + 3);
    ck_assert_int_eq(m[1], 0);
    ck_assert(memcmp(m + 9, "\xef\xbf\xbd\xc3\xa9\xef\xbf\xbd\xef\xbf\xbd", 11) == 0);
    fjson_object_put(j);
    zw_arena_destroy(a);
}
END_TEST

START_TEST(test_class_helpers)
{
    zw_arena *a = zw_arena_new(0);
    zw_event ev;
    zw_event_init(&ev, a);
    ck_assert_int_eq(zw_ev_set_class(&ev, 9999, 1), ZW_EINVAL);
    ck_assert_int_eq(zw_ev_set_class(&ev, ZW_CLASS_DNS_ACTIVITY, 3), ZW_EINVAL);
    ck_assert_int_eq(zw_ev_set_class(&ev, ZW_CLASS_API_ACTIVITY, 4), 0);
    ck_assert_int_eq(zw_dns_rcode_id("REFUSED", 7), 5);
    ck_assert_int_eq(zw_dns_rcode_id("NOTAUTH", 7), 9);
    ck_assert_int_eq(zw_dns_rcode_id("bogus", 5), -1);
    ck_assert_int_eq(zw_dns_opcode_id("UPDATE", 6), 5);
    ck_assert_int_eq(zw_field_by_path("src_endpoint.ip", 15), ZW_F_SRC_IP);
    ck_assert_int_eq(zw_field_by_path("source.ip", 9), ZW_F_SRC_IP);
    ck_assert_int_eq(zw_field_by_path("nope", 4), -1);
    zw_ev_set_cstr(&ev, ZW_F_CLOUD_ACCOUNT_UID, "123456789012");
    fjson_object *j = write_parse(&ev, ZW_OUT_OCSF);
    zwt_assert_str(j, "cloud.provider", "unknown");
    ck_assert_str_eq(fjson_object_get_string(fjson_object_array_get_idx(zw_jget(j, "metadata.profiles"), 0)),
                     "cloud");
    fjson_object_put(j);
    j = write_parse(&ev, ZW_OUT_ECS);
    fjson_object *types = zw_jget(j, "event.type");
    ck_assert_int_eq(fjson_object_array_length(types), 2);
    ck_assert_str_eq(fjson_object_get_string(fjson_object_array_get_idx(types, 1)), "deletion");
    fjson_object_put(j);
    zw_arena_destroy(a);
}
END_TEST

START_TEST(test_time_parsers)
{
    zw_time_ctx tc = {zw_time_civil(2026, 11, 27, 14, 0, 0, 0, 0), 0};
    int64_t t;
    ck_assert_uint_eq(zw_time_bind("27-Nov-2026 13:05:20.921 x", 26, &tc, &t), 24);
    ck_assert_int_eq(t, zw_time_civil(2026, 11, 27, 13, 5, 20, 921, 0));
    ck_assert_uint_eq(zw_time_3164("Nov 27 13:05:20 host", 20, &tc, &t), 15);
    ck_assert_int_eq(t, zw_time_civil(2026, 11, 27, 13, 5, 20, 0, 0));
    /* December seen in late November: last year's */
    ck_assert_uint_eq(zw_time_3164("Dec 30 10:00:00", 15, &tc, &t), 15);
    ck_assert_int_eq(t, zw_time_civil(2025, 12, 30, 10, 0, 0, 0, 0));
    ck_assert_uint_eq(zw_time_3164("Nov  3 01:02:03", 15, &tc, &t), 15);
    ck_assert_uint_eq(zw_time_iso("2026-11-27T13:05:20+0100", 24, &tc, &t), 24);
    ck_assert_int_eq(t, zw_time_civil(2026, 11, 27, 12, 5, 20, 0, 0));
    ck_assert_uint_eq(zw_time_iso("2026-11-27T13:05:20.5Z", 22, &tc, &t), 22);
    ck_assert_int_eq(t, zw_time_civil(2026, 11, 27, 13, 5, 20, 500, 0));
    ck_assert_uint_eq(zw_time_iso("2026-13-27T13:05:20Z", 20, &tc, &t), 0);
    ck_assert_uint_eq(zw_time_bind("31-Feb-2026 13:05:20", 20, &tc, &t), 0);
    tc.tz_offset_min = 60;
    ck_assert_uint_eq(zw_time_bind("27-Nov-2026 13:05:20", 20, &tc, &t), 20);
    ck_assert_int_eq(t, zw_time_civil(2026, 11, 27, 12, 5, 20, 0, 0));
}
END_TEST

/* With forced format 'none', every record is dead-lettered with its position. */
START_TEST(test_driver_framing_and_dead_letters)
{
    static const char in[] = "line one\n\n{\"a\":\n  [1,2,\n  \"}\"]}\n{\"broken\": \nbad\x00line\xff\n"
                             "{\"unterminated\": [1,";
    zwt_collect c;
    nz_stats st;
    ck_assert_int_eq(zwt_normalize_mem(&c, in, sizeof in - 1, NULL, ZW_OUT_OCSF, 0, &st), 0);
    ck_assert_int_eq(fjson_object_array_length(c.events), 0);
    /* "line one", the 3-line JSON document, the document opened on line 6 that breaks on
     * line 7 (only its first line is dead: issue 17, a stray line must not swallow the
     * rest), "bad\0line" by itself, and the unbalanced document at end of input */
    ck_assert_int_eq(st.records, 5);
    ck_assert_int_eq(st.dead, 5);
    fjson_object *d0 = fjson_object_array_get_idx(c.dead, 0);
    zwt_assert_str(d0, "raw", "line one");
    zwt_assert_int(d0, "position.line", 1);
    zwt_assert_str(d0, "position.file", "mem");
    fjson_object *d1 = fjson_object_array_get_idx(c.dead, 1);
    zwt_assert_int(d1, "position.line", 3);
    zwt_assert_str(d1, "reason", "JSON document of no known format");
    fjson_object *d2 = fjson_object_array_get_idx(c.dead, 2);
    zwt_assert_int(d2, "position.line", 6);
    zwt_assert_str(d2, "raw", "{\"broken\": ");
    ck_assert_ptr_nonnull(strstr(zw_jstr(d2, "reason", NULL), "breaks on line 7"));
    fjson_object *d3 = fjson_object_array_get_idx(c.dead, 3);
    zwt_assert_int(d3, "position.line", 7);
    ck_assert(zw_jget(d3, "raw_base64") != NULL);
    fjson_object *d4 = fjson_object_array_get_idx(c.dead, 4);
    zwt_assert_int(d4, "position.line", 8);
    zwt_assert_str(d4, "reason", "truncated JSON document (unbalanced at end of input)");
    zwt_free(&c);
}
END_TEST

START_TEST(test_driver_long_line)
{
    size_t n = (16u << 20) + 100;
    char *big = malloc(n + 10);
    memset(big, 'x', n);
    memcpy(big + n, "\nok\n", 4);
    zwt_collect c;
    nz_stats st;
    ck_assert_int_eq(zwt_normalize_mem(&c, big, n + 4, NULL, ZW_OUT_OCSF, 0, &st), 0);
    ck_assert_int_eq(st.records, 2);
    ck_assert_int_eq(st.truncated, 1);
    ck_assert_int_eq(st.dead, 2);
    zwt_assert_int(fjson_object_array_get_idx(c.dead, 1), "position.line", 2);
    zwt_free(&c);
    free(big);
}
END_TEST

START_TEST(test_unknown_format)
{
    nz_options o = {0};
    o.format = "no-such-format";
    nz_sink s = {NULL, NULL, NULL};
    char err[128];
    ck_assert_ptr_null(nz_ctx_new(&o, &s, err, sizeof err));
    ck_assert(strstr(err, "no-such-format") != NULL);
}
END_TEST

/* Every field the writer emits, for one event of each class zonewarden writes: every
 * slot of zw_fields.def is set to a value of its own (after the class helper, which
 * keeps its values), the event is written as OCSF and as ECS and parsed back, and each
 * present slot must be at its path with its value (OCSF) or at its path (ECS).  A field
 * the writer drops, or writes under another path or with another value, fails here
 * whatever the parsers do. */
static fjson_object *jpath(fjson_object *o, const char *path, int elem)
{
    char buf[160];
    snprintf(buf, sizeof buf, "%s", path);
    char *save = NULL;
    for (char *c = strtok_r(buf, ".", &save); c && o; c = strtok_r(NULL, ".", &save)) {
        size_t n = strlen(c);
        int arr = n > 2 && c[n - 2] == '[' && c[n - 1] == ']';
        if (arr) {
            c[n - 2] = 0;
        }
        fjson_object *nx = NULL;
        if (!fjson_object_object_get_ex(o, c, &nx)) {
            return NULL;
        }
        o = nx;
        if (arr) {
            if (!fjson_object_is_type(o, fjson_type_array) ||
                (int)fjson_object_array_length(o) <= elem) {
                return NULL;
            }
            o = fjson_object_array_get_idx(o, elem);
        }
    }
    return o;
}

static void fill_every_slot(zw_event *ev, int cls)
{
    char v[96];
    for (int f = 0; f < ZW_F__COUNT; f++) {
        const zw_field_info *fi = zw_field_get((zw_field)f);
        if (zw_ev_has(ev, (zw_field)f)) {
            continue; /* set by the class helper */
        }
        switch (fi->type) {
        case ZW_T_INT:
            zw_ev_set_int(ev, (zw_field)f, 1000 + f);
            break;
        case ZW_T_TIME:
            zw_ev_set_int(ev, (zw_field)f, 1795784720000LL + f);
            break;
        case ZW_T_BOOL:
            zw_ev_set_bool(ev, (zw_field)f, f % 2);
            break;
        case ZW_T_IP:
            snprintf(v, sizeof v, "127.0.%d.%d", f / 256, f % 256);
            ck_assert_int_eq(zw_ev_set_cstr(ev, (zw_field)f, v), 0);
            break;
        case ZW_T_LIST:
            snprintf(v, sizeof v, "a%d-%d", f, cls);
            ck_assert_int_eq(zw_ev_list_add(ev, (zw_field)f, v, strlen(v)), 0);
            snprintf(v, sizeof v, "b%d-%d", f, cls);
            ck_assert_int_eq(zw_ev_list_add(ev, (zw_field)f, v, strlen(v)), 0);
            break;
        default:
            snprintf(v, sizeof v, "v%d-%s-%d", f, fi->name, cls);
            ck_assert_int_eq(zw_ev_set_cstr(ev, (zw_field)f, v), 0);
            break;
        }
    }
}

/* The OCSF value of slot f: scalars at element 0 of an "x[]" path; a LIST is a JSON
 * array of strings, or under "x[]" one element per value. */
static void check_ocsf_slot(fjson_object *j, const zw_event *ev, int f)
{
    const zw_field_info *fi = zw_field_get((zw_field)f);
    const char *path = fi->ocsf;
    if (fi->type == ZW_T_LIST) {
        int i = 0;
        for (const zw_list *l = ev->v[f].l.head; l; l = l->next, i++) {
            fjson_object *o = strstr(path, "[]") ? jpath(j, path, i) : NULL;
            if (!strstr(path, "[]")) {
                fjson_object *a = jpath(j, path, 0);
                ck_assert_msg(a && fjson_object_is_type(a, fjson_type_array), "%s (%s) missing",
                              path, fi->name);
                o = fjson_object_array_get_idx(a, i);
            }
            ck_assert_msg(o != NULL, "%s (%s) value %d missing", path, fi->name, i);
            const char *got = fjson_object_get_string(o);
            ck_assert_msg(got && strlen(got) == l->s.n && memcmp(got, l->s.p, l->s.n) == 0,
                          "%s[%d]: got '%s'", path, i, got ? got : "(null)");
        }
        ck_assert_int_gt(i, 0);
        return;
    }
    fjson_object *o = jpath(j, path, 0);
    ck_assert_msg(o != NULL, "OCSF %s (%s) dropped by the writer", path, fi->name);
    switch (fi->type) {
    case ZW_T_INT:
    case ZW_T_TIME:
        ck_assert_msg(
            fjson_object_is_type(o, fjson_type_int) && fjson_object_get_int64(o) == ev->v[f].i,
            "%s: got %s, want %lld", path, fjson_object_to_json_string(o), (long long)ev->v[f].i);
        break;
    case ZW_T_BOOL:
        ck_assert_msg(fjson_object_is_type(o, fjson_type_boolean) &&
                          !!fjson_object_get_boolean(o) == !!ev->v[f].i,
                      "%s: got %s", path, fjson_object_to_json_string(o));
        break;
    default: {
        const char *got = fjson_object_get_string(o);
        ck_assert_msg(fjson_object_is_type(o, fjson_type_string) && got &&
                          strlen(got) == ev->v[f].s.n &&
                          memcmp(got, ev->v[f].s.p, ev->v[f].s.n) == 0,
                      "%s: got %s, want '%.*s'", path, fjson_object_to_json_string(o),
                      (int)ev->v[f].s.n, ev->v[f].s.p);
        break;
    }
    }
}

START_TEST(test_every_field_every_class)
{
    static const int classes[] = {ZW_CLASS_DNS_ACTIVITY, ZW_CLASS_API_ACTIVITY,
                                  ZW_CLASS_COMPLIANCE_FINDING, ZW_CLASS_DETECTION_FINDING,
                                  ZW_CLASS_DEVICE_CONFIG_STATE_CHANGE};
    for (size_t c = 0; c < ZW_ARRAY_LEN(classes); c++) {
        zw_arena *a = zw_arena_new(0);
        zw_event ev;
        zw_event_init(&ev, a);
        ck_assert_int_eq(zw_ev_set_class(&ev, classes[c], 1), 0);
        fill_every_slot(&ev, classes[c]);
        fjson_object *j = write_parse(&ev, ZW_OUT_OCSF);
        int nocsf = 0, necs = 0;
        for (int f = 0; f < ZW_F__COUNT; f++) {
            const zw_field_info *fi = zw_field_get((zw_field)f);
            if (!zw_ev_has(&ev, (zw_field)f) || !fi->ocsf) {
                continue;
            }
            check_ocsf_slot(j, &ev, f);
            nocsf++;
        }
        fjson_object_put(j);
        j = write_parse(&ev, ZW_OUT_ECS);
        for (int f = 0; f < ZW_F__COUNT; f++) {
            const zw_field_info *fi = zw_field_get((zw_field)f);
            if (!zw_ev_has(&ev, (zw_field)f) || !fi->ecs) {
                continue;
            }
            ck_assert_msg(jpath(j, fi->ecs, 0) != NULL, "class %d: ECS %s (%s) dropped", classes[c],
                          fi->ecs, fi->name);
            necs++;
        }
        fjson_object_put(j);
        /* every slot with an OCSF path was checked (none skipped as absent) */
        int want = 0;
        for (int f = 0; f < ZW_F__COUNT; f++) {
            want += zw_field_get((zw_field)f)->ocsf != NULL;
        }
        ck_assert_int_eq(nocsf, want);
        ck_assert_int_gt(necs, 50);
        zw_arena_destroy(a);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("writer");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_nesting_and_types);
    tcase_add_test(tc, test_hostile_bytes);
    tcase_add_test(tc, test_class_helpers);
    tcase_add_test(tc, test_time_parsers);
    tcase_add_test(tc, test_driver_framing_and_dead_letters);
    tcase_add_test(tc, test_driver_long_line);
    tcase_add_test(tc, test_unknown_format);
    tcase_add_test(tc, test_every_field_every_class);
    suite_add_tcase(s, tc);
    return s;
}

ZWT_MAIN(suite)
