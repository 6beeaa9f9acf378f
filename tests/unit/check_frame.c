/*
 * check_frame.c - the normalizer's framing (normalizer/nz_frame.c) and the dead-letter
 * writer (normalizer/nz_dlq.c), issue 17: a stray JSON opener costs one line, a torn
 * JSON line in JSON-lines input is one dead letter, batch documents are split member by
 * member (the same events as a whole-document parse, whatever the chunking of the
 * bytes), over-long members are cut with the count of cut bytes, the per-record counters
 * add up, and the dead-letter file stops at its byte cap.
 */
#include "../../normalizer/nz_dlq.h"
#include "zw_test.h"

#include <unistd.h>

typedef struct {
    size_t split_over, max_record, chunk; /* chunk 0 = all at once */
    const char *format;
} run_opts;

/* Feeds data[0..n) in chunks of ro->chunk bytes through a stream named "mem". */
static nz_stats run(zwt_collect *c, const char *data, size_t n, const run_opts *ro)
{
    nz_options o = {0};
    o.split_over = ro->split_over;
    o.max_record = ro->max_record;
    o.format = ro->format;
    o.ref_ms = 1780000000000LL;
    nz_sink s = {zwt_on_event, zwt_on_dead, c};
    char err[256];
    c->events = fjson_object_new_array();
    c->dead = fjson_object_new_array();
    c->kind = ZW_OUT_OCSF;
    zw_buf_init(&c->buf);
    nz_ctx *ctx = nz_ctx_new(&o, &s, err, sizeof err);
    ck_assert_msg(ctx != NULL, "%s", err);
    nz_stream *st = nz_stream_new(ctx, "mem");
    size_t step = ro->chunk ? ro->chunk : (n ? n : 1);
    for (size_t i = 0; i < n; i += step) {
        ck_assert_int_eq(nz_stream_feed(st, data + i, n - i < step ? n - i : step), 0);
    }
    ck_assert_int_eq(nz_stream_finish(st), 0);
    nz_stats out = *nz_ctx_stats(ctx);
    nz_stream_destroy(st);
    nz_ctx_destroy(ctx);
    zw_buf_free(&c->buf);
    ck_assert_msg(out.records == out.with_events + out.noise + out.dead,
                  "records %llu != %llu + %llu + %llu", (unsigned long long)out.records,
                  (unsigned long long)out.with_events, (unsigned long long)out.noise,
                  (unsigned long long)out.dead);
    return out;
}

static char *slurp(const char *path, size_t *n)
{
    zw_buf b;
    char err[256];
    zw_buf_init(&b);
    ck_assert_msg(zw_buf_read_file(&b, path, err, sizeof err) == 0, "%s", err);
    *n = b.len;
    return b.p;
}

static const char bind_lines[] =
    "27-Nov-2026 12:00:01.000 client @0x7f 127.0.0.3#40000 (example.test): transfer of "
    "'example.test/IN': AXFR started (serial 2024010101)\n"
    "27-Nov-2026 12:00:02.000 client @0x7f 127.0.0.3#40000 (example.test): transfer of "
    "'example.test/IN': AXFR ended: 1 messages, 5 records, 200 bytes, 0.001 secs (200000 "
    "bytes/sec) (serial 2024010101)\n";

/* A line "{" between BIND lines is one dead letter, auto-detected or forced; the BIND
 * lines around it give the events they give without it. */
START_TEST(test_stray_brace_in_line_format)
{
    zw_buf in;
    zw_buf_init(&in);
    zw_buf_puts(&in, bind_lines);
    zw_buf_puts(&in, "{\n");
    zw_buf_puts(&in, bind_lines);
    zwt_collect c, clean;
    run_opts ro = {0};
    nz_stats base = run(&clean, bind_lines, sizeof bind_lines - 1, &ro);
    ck_assert_uint_gt(base.events, 0);
    const char *formats[] = {NULL, "bind"};
    for (int f = 0; f < 2; f++) {
        ro.format = formats[f];
        nz_stats st = run(&c, in.p, in.len, &ro);
        ck_assert_uint_eq(st.events, 2 * base.events);
        ck_assert_uint_eq(st.dead, 1);
        fjson_object *d = fjson_object_array_get_idx(c.dead, 0);
        zwt_assert_str(d, "raw", "{");
        zwt_assert_int(d, "position.line", 3);
        zwt_free(&c);
    }
    /* the first line of the input: the document breaks on line 2, only line 1 is lost */
    zw_buf_clear(&in);
    zw_buf_puts(&in, "{\n");
    zw_buf_puts(&in, bind_lines);
    ro.format = NULL;
    nz_stats st = run(&c, in.p, in.len, &ro);
    ck_assert_uint_eq(st.events, base.events);
    ck_assert_uint_eq(st.dead, 1);
    zwt_assert_int(fjson_object_array_get_idx(c.dead, 0), "position.line", 1);
    zwt_free(&c);
    zwt_free(&clean);
    zw_buf_free(&in);
}
END_TEST

/* JSON lines: a line that does not close is one dead letter, the next lines go on. */
START_TEST(test_torn_json_line)
{
    static const char in[] =
        "{\"eventVersion\":\"1.09\",\"eventSource\":\"route53.amazonaws.com\",\"eventName\":"
        "\"ListHostedZones\","
        "\"eventTime\":\"2026-11-27T12:00:00Z\",\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":"
        "\"192.0.2.1\","
        "\"userIdentity\":{\"type\":\"IAMUser\",\"arn\":\"arn:aws:iam::1:user/a\"}}\n"
        "{\"eventVersion\":\"1.09\",\"userIdentity\":\n"
        "{\"eventVersion\":\"1.09\",\"eventSource\":\"route53.amazonaws.com\",\"eventName\":"
        "\"ListHostedZones\","
        "\"eventTime\":\"2026-11-27T12:00:01Z\",\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":"
        "\"192.0.2.1\","
        "\"userIdentity\":{\"type\":\"IAMUser\",\"arn\":\"arn:aws:iam::1:user/a\"}}\n"
        "{\"eventVersion\":\"1.09\",\"eventSo\n";
    zwt_collect c;
    run_opts ro = {0};
    for (size_t chunk = 0; chunk < 8; chunk += 7) {
        ro.chunk = chunk;
        nz_stats st = run(&c, in, sizeof in - 1, &ro);
        ck_assert_uint_eq(st.events, 2);
        ck_assert_uint_eq(st.dead, 2);
        fjson_object *d = fjson_object_array_get_idx(c.dead, 0);
        zwt_assert_int(d, "position.line", 2);
        zwt_assert_str(d, "reason", "truncated JSON document (unbalanced at end of line)");
        d = fjson_object_array_get_idx(c.dead, 1);
        zwt_assert_int(d, "position.line", 4);
        zwt_assert_str(d, "reason", "truncated JSON document (unbalanced at end of input)");
        zwt_free(&c);
    }
}
END_TEST

/* A Records document split member by member gives the events of the whole-document
 * parse, whatever the chunking of its bytes (pretty-printed and one line). */
START_TEST(test_batch_split_same_events)
{
    size_t n;
    char *doc = slurp("tests/data/providers/aws-cloudtrail/route53-docs-example.json", &n);
    zwt_collect whole, split;
    run_opts ro = {0};
    nz_stats w = run(&whole, doc, n, &ro);
    ck_assert_uint_eq(w.records, 1);
    ck_assert_uint_eq(w.events, 7);
    /* the same document on one line */
    fjson_object *o = fjson_tokener_parse(doc);
    ck_assert_ptr_nonnull(o);
    const char *one = fjson_object_to_json_string_ext(o, FJSON_TO_STRING_PLAIN);
    const char *inputs[] = {doc, one};
    size_t lens[] = {n, strlen(one)};
    size_t chunks[] = {0, 1, 3, 64, 1000};
    for (int k = 0; k < 2; k++) {
        for (size_t j = 0; j < sizeof chunks / sizeof chunks[0]; j++) {
            ro.split_over = 100;
            ro.chunk = chunks[j];
            nz_stats s = run(&split, inputs[k], lens[k], &ro);
            ck_assert_msg(s.records == 6 && s.with_events == 6 && s.dead == 0,
                          "input %d chunk %zu: records %llu dead %llu", k, chunks[j],
                          (unsigned long long)s.records, (unsigned long long)s.dead);
            ck_assert_uint_eq(s.events, w.events);
            for (int i = 0; i < 7; i++) {
                const char *a = zw_jstr(zwt_ev(&whole, i), "api.operation", NULL);
                const char *b = zw_jstr(zwt_ev(&split, i), "api.operation", NULL);
                ck_assert_str_eq(a, b);
                zwt_assert_str(zwt_ev(&split, i), "unmapped.position.file", "mem");
            }
            if (k == 0) {
                /* each member's position is its first line */
                zwt_assert_int(zwt_ev(&split, 0), "unmapped.position.line", 3);
            }
            zwt_free(&split);
        }
    }
    fjson_object_put(o);
    zwt_free(&whole);
    free(doc);
}
END_TEST

/* A member over max_record is cut: the first max_record bytes, the count of the cut
 * ones, the member's index; the members after it are still read.  Input that ends inside
 * a member is one dead letter with its bytes. */
START_TEST(test_batch_member_cut_and_cut_short)
{
    zw_buf in;
    zw_buf_init(&in);
    static const char good[] =
        "{\"eventVersion\":\"1.09\",\"eventSource\":\"route53.amazonaws.com\",\"eventName\":"
        "\"ListHostedZones\",\"eventTime\":\"2026-11-27T12:00:00Z\",\"sourceIPAddress\":\"192.0.2."
        "1\","
        "\"userIdentity\":{\"type\":\"IAMUser\",\"arn\":\"arn:aws:iam::1:user/a\"}}";
    zw_buf_puts(&in, "{\"Records\":[");
    zw_buf_puts(&in, good);
    zw_buf_puts(&in, ",{\"pad\":\"");
    for (int i = 0; i < 5000; i++) {
        zw_buf_putc(&in, 'x');
    }
    zw_buf_puts(&in, "\"},");
    zw_buf_puts(&in, good);
    zw_buf_puts(&in, "]}\n");
    zwt_collect c;
    run_opts ro = {1024, 4096, 0, NULL};
    for (size_t chunk = 0; chunk < 600; chunk += 577) {
        ro.chunk = chunk;
        nz_stats st = run(&c, in.p, in.len, &ro);
        ck_assert_uint_eq(st.events, 2);
        ck_assert_uint_eq(st.dead, 1);
        ck_assert_uint_eq(st.truncated, 1);
        fjson_object *d = fjson_object_array_get_idx(c.dead, 0);
        zwt_assert_int(d, "raw_size", 4096);
        zwt_assert_int(d, "raw_truncated_bytes", 5010 - 4096);
        ck_assert_msg(strncmp(zw_jstr(d, "reason", NULL), "Records[1]: record longer than", 30) ==
                          0,
                      "%s", zw_jstr(d, "reason", NULL));
        zwt_free(&c);
    }
    /* cut short 20 bytes before the end of Records[2] */
    size_t cut = in.len - 3 - 20;
    ro.chunk = 0;
    nz_stats st = run(&c, in.p, cut, &ro);
    ck_assert_uint_eq(st.events, 1);
    ck_assert_uint_eq(st.dead, 2);
    fjson_object *d = fjson_object_array_get_idx(c.dead, 1);
    ck_assert_ptr_nonnull(strstr(zw_jstr(d, "reason", NULL), "input ended inside Records[2]"));
    ck_assert_int_gt(strlen(zw_jstr(d, "raw", NULL)), 100);
    zwt_free(&c);
    zw_buf_free(&in);
}
END_TEST

/* A non-batch line past max_record: cut, counted, framing goes on after it. */
START_TEST(test_long_line_cut_count)
{
    zw_buf in;
    zw_buf_init(&in);
    for (int i = 0; i < 10000; i++) {
        zw_buf_putc(&in, 'y');
    }
    zw_buf_puts(&in, "\n");
    zw_buf_puts(&in, bind_lines);
    zwt_collect c;
    run_opts ro = {0, 4096, 333, NULL};
    nz_stats st = run(&c, in.p, in.len, &ro);
    ck_assert_uint_eq(st.dead, 1);
    ck_assert_uint_gt(st.events, 0);
    fjson_object *d = fjson_object_array_get_idx(c.dead, 0);
    zwt_assert_int(d, "raw_size", 4096);
    zwt_assert_int(d, "raw_truncated_bytes", 10000 - 4096);
    zwt_free(&c);
    zw_buf_free(&in);
}
END_TEST

START_TEST(test_parse_size)
{
    ck_assert_int_eq(nz_parse_size("1048576"), 1048576);
    ck_assert_int_eq(nz_parse_size("512K"), 512 * 1024);
    ck_assert_int_eq(nz_parse_size("64M"), 64ll << 20);
    ck_assert_int_eq(nz_parse_size("1G"), 1ll << 30);
    const char *bad[] = {"", "0", "-1", "+5", "12x", "1T", "1MB", "M", "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(nz_parse_size(bad[i]) == -1, "'%s' accepted", bad[i]);
    }
}
END_TEST

/* The dead-letter file stops at its cap: whole lines only, the rest counted. */
START_TEST(test_dlq_cap)
{
    char path[] = "/tmp/zw-check-dlq.XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    char err[256];
    nz_dlq *q = nz_dlq_open(path, 1000, err, sizeof err);
    ck_assert_msg(q != NULL, "%s", err);
    nz_pos pos = {"f", 1, NULL, -1, -1};
    nz_dead d = {"junk line", 9, &pos, "no parser recognised the record", "", 0};
    int written = 0, unwritten = 0;
    for (int i = 0; i < 100; i++) {
        int rc = nz_dlq_write(q, &d, err, sizeof err);
        ck_assert(rc == 0 || rc == NZ_DEAD_UNWRITTEN);
        written += rc == 0;
        unwritten += rc == NZ_DEAD_UNWRITTEN;
    }
    ck_assert_int_gt(written, 3);
    ck_assert_int_eq(written + unwritten, 100);
    ck_assert_uint_eq(nz_dlq_unwritten(q), (uint64_t)unwritten);
    ck_assert_uint_le(nz_dlq_bytes(q), 1000);
    ck_assert_int_eq(nz_dlq_close(q, err, sizeof err), 0);
    size_t n;
    char *s = slurp(path, &n);
    ck_assert_uint_le(n, 1000);
    ck_assert_int_eq(s[n - 1], '\n');
    free(s);
    unlink(path);
    ck_assert_ptr_null(nz_dlq_open("/nonexistent-dir/x", 0, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent-dir/x"));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("frame");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_stray_brace_in_line_format);
    tcase_add_test(tc, test_torn_json_line);
    tcase_add_test(tc, test_batch_split_same_events);
    tcase_add_test(tc, test_batch_member_cut_and_cut_short);
    tcase_add_test(tc, test_long_line_cut_count);
    tcase_add_test(tc, test_parse_size);
    tcase_add_test(tc, test_dlq_cap);
    suite_add_tcase(s, tc);
    return s;
}

ZWT_MAIN(suite)
