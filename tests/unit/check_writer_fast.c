/*
 * check_writer_fast.c - the writer's fast paths: per-thread shape templates (first write
 * builds, later writes reuse, a changed set of slots builds another), buffer growth in
 * the middle of a templated write, strings that need escaping past the 8-byte fast path,
 * integer formatting at digit-count boundaries, and templates used from several threads.
 * Not for the JSON layout itself: check_writer.c covers nesting, arrays and ECS.
 */
#include "zw_test.h"

#include <pthread.h>
#include <stdio.h>

static void dns_event(zw_event *ev, const char *host, int64_t port)
{
    ck_assert_int_eq(zw_ev_set_class(ev, ZW_CLASS_DNS_ACTIVITY, 1), 0);
    zw_ev_set_cstr(ev, ZW_F_QUERY_HOSTNAME, host);
    zw_ev_set_cstr(ev, ZW_F_SRC_IP, "192.0.2.10");
    zw_ev_set_int(ev, ZW_F_SRC_PORT, port);
    zw_ev_set_int(ev, ZW_F_TIME, 1795784720921LL);
    zw_ev_list_add(ev, ZW_F_ANSWERS_RDATA, "1.2.3.4", 7);
    ck_assert_int_eq(zw_event_finalize(ev), 0);
}

static fjson_object *parse(const zw_buf *b)
{
    char *s = strndup(b->p, b->len);
    fjson_object *j = fjson_tokener_parse(s);
    ck_assert_msg(j != NULL, "invalid JSON: %s", s);
    free(s);
    return j;
}

START_TEST(test_template_reuse_and_shape_change)
{
    zw_arena *a = zw_arena_new(0);
    zw_event ev;
    zw_buf b1, b2;
    zw_buf_init(&b1);
    zw_buf_init(&b2);
    for (int k = 0; k < 2; k++) {
        zw_event_init(&ev, a);
        dns_event(&ev, "first.example", 53);
        zw_buf_clear(&b1);
        ck_assert_int_eq(zw_write_event(&b1, &ev, (zw_out_kind)k), 0); /* builds */
        zw_buf_clear(&b2);
        ck_assert_int_eq(zw_write_event(&b2, &ev, (zw_out_kind)k), 0); /* reuses */
        ck_assert_uint_eq(b1.len, b2.len);
        ck_assert(memcmp(b1.p, b2.p, b1.len) == 0);

        /* same shape, other values */
        zw_ev_set_cstr(&ev, ZW_F_QUERY_HOSTNAME, "second.example");
        zw_ev_set_int(&ev, ZW_F_SRC_PORT, 65535);
        zw_buf_clear(&b2);
        ck_assert_int_eq(zw_write_event(&b2, &ev, (zw_out_kind)k), 0);
        fjson_object *j = parse(&b2);
        zwt_assert_str(j, k == 0 ? "query.hostname" : "dns.question.name", "second.example");
        zwt_assert_int(j, k == 0 ? "src_endpoint.port" : "source.port", 65535);
        fjson_object_put(j);

        /* one slot more: another shape, and the old one must not be reused for it */
        zw_ev_set_cstr(&ev, ZW_F_QUERY_TYPE, "AXFR");
        zw_buf_clear(&b2);
        ck_assert_int_eq(zw_write_event(&b2, &ev, (zw_out_kind)k), 0);
        j = parse(&b2);
        zwt_assert_str(j, k == 0 ? "query.type" : "dns.question.type", "AXFR");
        fjson_object_put(j);
        /* and one less again: back to the first shape */
        zw_ev_unset(&ev, ZW_F_QUERY_TYPE);
        zw_buf_clear(&b2);
        ck_assert_int_eq(zw_write_event(&b2, &ev, (zw_out_kind)k), 0);
        j = parse(&b2);
        zwt_assert_absent(j, k == 0 ? "query.type" : "dns.question.type");
        zwt_assert_str(j, k == 0 ? "query.hostname" : "dns.question.name", "second.example");
        fjson_object_put(j);
        zw_arena_reset(a);
    }
    zw_buf_free(&b1);
    zw_buf_free(&b2);
    zw_arena_destroy(a);
}
END_TEST

START_TEST(test_growth_inside_template)
{
    zw_arena *a = zw_arena_new(0);
    zw_event ev;
    zw_event_init(&ev, a);
    dns_event(&ev, "warm.example", 1);
    zw_buf b;
    zw_buf_init(&b);
    ck_assert_int_eq(zw_write_event(&b, &ev, ZW_OUT_OCSF), 0); /* template built */

    /* a 20000-byte message with quotes, control bytes and invalid UTF-8 every 37 bytes:
     * the buffer, sized for the first event, grows while the template is being copied */
    size_t n = 20000;
    char *msg = malloc(n);
    ck_assert_ptr_nonnull(msg);
    for (size_t i = 0; i < n; i++) {
        msg[i] = (char)('a' + i % 26);
        if (i % 37 == 5) {
            msg[i] = i % 3 == 0 ? '"' : i % 3 == 1 ? '\x01' : '\xff';
        }
    }
    ck_assert_int_eq(zw_ev_set_str(&ev, ZW_F_MESSAGE, msg, n), 0);
    zw_ev_set_cstr(&ev, ZW_F_QUERY_HOSTNAME, "grown.example");
    ck_assert_int_eq(zw_write_event(&b, &ev, ZW_OUT_OCSF), 0); /* new shape: builds */
    size_t first = b.len;
    ck_assert_int_eq(zw_write_event(&b, &ev, ZW_OUT_OCSF), 0); /* reuses */
    ck_assert_uint_gt(b.len, first);

    zw_buf one;
    zw_buf_init(&one);
    one.p = b.p + first;
    one.len = b.len - first;
    fjson_object *j = parse(&one);
    zwt_assert_str(j, "query.hostname", "grown.example");
    const char *got = zw_jstr(j, "message", NULL);
    ck_assert_ptr_nonnull(got);
    /* quotes and control bytes survive; each invalid byte became U+FFFD (EF BF BD) */
    char *want = malloc(3 * n + 1);
    ck_assert_ptr_nonnull(want);
    size_t wn = 0;
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)msg[i] == 0xff) {
            memcpy(want + wn, "\xef\xbf\xbd", 3);
            wn += 3;
        } else {
            want[wn++] = msg[i];
        }
    }
    want[wn] = 0;
    ck_assert_uint_eq(strlen(got), wn);
    ck_assert(strcmp(got, want) == 0);
    free(want);
    fjson_object_put(j);
    free(msg);
    zw_buf_free(&b);
    zw_arena_destroy(a);
}
END_TEST

START_TEST(test_escaper_and_ints)
{
    static const struct {
        const char *in, *want;
    } strs[] = {
        {"", "\"\""},
        {"abcdefg", "\"abcdefg\""},
        {"abcdefgh", "\"abcdefgh\""},
        {"abcdefghijklmnop", "\"abcdefghijklmnop\""},
        {"abcdefghijklmnopq", "\"abcdefghijklmnopq\""},
        {"abcdefghijk\"", "\"abcdefghijk\\\"\""},
        {"\\abcdefghijklm", "\"\\\\abcdefghijklm\""},
        {"abcdefgh\nijklmn", "\"abcdefgh\\nijklmn\""},
        {"abcdefghij\x1f", "\"abcdefghij\\u001f\""},
        {"caf\xc3\xa9 au lait 1234", "\"caf\xc3\xa9 au lait 1234\""},
        {"abcdefghijk\x80", "\"abcdefghijk\xef\xbf\xbd\""},
        {"\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f", "\"\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\""},
    };
    zw_buf b;
    zw_buf_init(&b);
    for (size_t i = 0; i < ZW_ARRAY_LEN(strs); i++) {
        zw_buf_clear(&b);
        ck_assert_int_eq(zw_json_str(&b, strs[i].in, strlen(strs[i].in)), 0);
        ck_assert_msg(b.len == strlen(strs[i].want) && memcmp(b.p, strs[i].want, b.len) == 0,
                      "escape %zu: got %.*s", i, (int)b.len, b.p);
    }
    int64_t p = 1;
    for (int d = 0; d < 19; d++) {
        int64_t vals[] = {p - 1, p, p + 1, -p, -(p - 1)};
        for (size_t i = 0; i < ZW_ARRAY_LEN(vals); i++) {
            char want[32];
            snprintf(want, sizeof want, "%lld", (long long)vals[i]);
            zw_buf_clear(&b);
            ck_assert_int_eq(zw_json_int(&b, vals[i]), 0);
            ck_assert_msg(b.len == strlen(want) && memcmp(b.p, want, b.len) == 0,
                          "int: got %.*s want %s", (int)b.len, b.p, want);
        }
        if (d < 18) {
            p *= 10;
        }
    }
    zw_buf_clear(&b);
    ck_assert_int_eq(zw_json_int(&b, INT64_MIN), 0);
    ck_assert(b.len == 20 && memcmp(b.p, "-9223372036854775808", 20) == 0);
    zw_buf_clear(&b);
    ck_assert_int_eq(zw_json_int(&b, INT64_MAX), 0);
    ck_assert(b.len == 19 && memcmp(b.p, "9223372036854775807", 19) == 0);
    zw_buf_free(&b);
}
END_TEST

/* Each thread writes two shapes alternately and compares with the output it got the
 * first time: a template shared across threads by mistake would mix them up. */
typedef struct {
    int id;
    int failures;
} thread_arg;

static void *writer_thread(void *opaque)
{
    thread_arg *ta = opaque;
    zw_arena *a = zw_arena_new(0);
    zw_event ev[2];
    zw_buf ref[2], b;
    zw_buf_init(&b);
    char host[32];
    for (int s = 0; s < 2; s++) {
        zw_event_init(&ev[s], a);
        snprintf(host, sizeof host, "t%d-s%d.example", ta->id, s);
        dns_event(&ev[s], host, ta->id * 10 + s);
        if (s) {
            zw_ev_set_cstr(&ev[s], ZW_F_QUERY_CLASS, "IN");
        }
        zw_buf_init(&ref[s]);
        zw_write_event(&ref[s], &ev[s], (zw_out_kind)(ta->id & 1));
    }
    for (int i = 0; i < 20000; i++) {
        int s = (i + ta->id) & 1;
        zw_buf_clear(&b);
        if (zw_write_event(&b, &ev[s], (zw_out_kind)(ta->id & 1)) || b.len != ref[s].len ||
            memcmp(b.p, ref[s].p, b.len) != 0) {
            ta->failures++;
        }
    }
    zw_buf_free(&ref[0]);
    zw_buf_free(&ref[1]);
    zw_buf_free(&b);
    zw_arena_destroy(a);
    return NULL;
}

START_TEST(test_threads)
{
    pthread_t th[4];
    thread_arg args[4];
    for (int i = 0; i < 4; i++) {
        args[i].id = i;
        args[i].failures = 0;
        ck_assert_int_eq(pthread_create(&th[i], NULL, writer_thread, &args[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        ck_assert_int_eq(args[i].failures, 0);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("writer_fast");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_template_reuse_and_shape_change);
    tcase_add_test(tc, test_growth_inside_template);
    tcase_add_test(tc, test_escaper_and_ints);
    tcase_add_test(tc, test_threads);
    suite_add_tcase(s, tc);
    return s;
}

ZWT_MAIN(suite)
