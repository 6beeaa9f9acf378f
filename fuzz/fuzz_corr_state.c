/*
 * fuzz_corr_state.c - the correlator's state loader (en_corr_load: the --state file and
 * Kafka changelog values are bytes from disk or a broker).  The input is a payload; the
 * target frames it with a valid header (right signature and checksum) so the fuzzer
 * reaches the body parser, then feeds, advances, saves and flushes whatever loaded.
 * Built with -DCORR_STATE_SEEDS it writes seed payloads to the directory in argv[1].
 */
#include "../engine/en_corr_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEC 1000LL

static const en_attack fz_att = {"T1590.002", "DNS", "TA0043", "Reconnaissance"};
static const uint32_t fz_kf[1] = {0};
static const char *const fz_kn[1] = {"zone"};
static const en_rule_meta fz_rules[3] = {
    {"r0", "rule 0", NULL, 2, &fz_att, 1, 1, fz_kf, fz_kn, 1},
    {"r1", "rule 1", NULL, 2, &fz_att, 1, 0, NULL, NULL, 0},
    {"r2", "rule 2", NULL, 2, &fz_att, 1, 0, NULL, NULL, 0},
};
static const char *const fz_gn[1] = {"zone"};
static const uint32_t fz_g0[1] = {0};
static const en_corr_member fz_m_count[1] = {{EN_REF_RULE, 0, fz_g0, 1}};
static const en_corr_member fz_m_temp[3] = {{EN_REF_RULE, 0, fz_g0, EN_FIELD_NONE},
                                            {EN_REF_RULE, 1, fz_g0, EN_FIELD_NONE},
                                            {EN_REF_RULE, 2, fz_g0, EN_FIELD_NONE}};
static const en_corr_member fz_m_chain[2] = {{EN_REF_CORR, 0, fz_g0, EN_FIELD_NONE},
                                             {EN_REF_RULE, 1, fz_g0, EN_FIELD_NONE}};
static const en_rule_meta fz_cm[6] = {
    {"c0", "count", NULL, 3, NULL, 0, 0, NULL, NULL, 0},
    {"c1", "values", NULL, 3, NULL, 0, 0, NULL, NULL, 0},
    {"c2", "temporal", NULL, 3, NULL, 0, 0, NULL, NULL, 0},
    {"c3", "ordered", NULL, 3, NULL, 0, 0, NULL, NULL, 0},
    {"c4", "few", NULL, 3, NULL, 0, 0, NULL, NULL, 0},
    {"c5", "chain", NULL, 3, NULL, 0, 0, NULL, NULL, 0},
};

static void fz_defs(en_corr_def *d)
{
    memset(d, 0, 6 * sizeof *d);
    const en_corr_type ty[6] = {EN_CORR_EVENT_COUNT, EN_CORR_VALUE_COUNT,
                                EN_CORR_TEMPORAL,    EN_CORR_TEMPORAL_ORDERED,
                                EN_CORR_EVENT_COUNT, EN_CORR_TEMPORAL_ORDERED};
    for (int i = 0; i < 6; i++) {
        d[i].meta = &fz_cm[i];
        d[i].type = ty[i];
        d[i].group_names = fz_gn;
        d[i].n_group = 1;
        d[i].timespan_ms = 60 * SEC;
        d[i].alert = 1;
        d[i].members = fz_m_count;
        d[i].n_members = 1;
    }
    d[0].cond.n = 1;
    d[0].cond.t[0].op = EN_CMP_GTE;
    d[0].cond.t[0].v = 3;
    d[1].cond = d[0].cond;
    d[2].members = fz_m_temp;
    d[2].n_members = 3;
    d[3].members = fz_m_temp;
    d[3].n_members = 2;
    d[4].cond.n = 1;
    d[4].cond.t[0].op = EN_CMP_LT;
    d[4].cond.t[0].v = 2;
    d[5].members = fz_m_chain;
    d[5].n_members = 2;
}

static zw_str fz_field(void *ud, uint32_t h)
{
    const char *const *v = ud;
    zw_str s = {v[h % 2], strlen(v[h % 2])};
    return s;
}

static int fz_emit(void *ud, const en_alert *a)
{
    zw_buf *b = ud;
    zw_buf_clear(b);
    return en_alert_write_json(b, a, NULL);
}

static void fz_feed(en_corr *c, en_alert_sink *sink, uint32_t rule, int64_t t, int32_t part,
                    const char *zone, const char *val)
{
    const char *v[2] = {zone, val};
    en_kv m[1] = {{ZW_STR_LIT("query.type"), ZW_STR_LIT("AXFR")}};
    en_corr_input in;
    memset(&in, 0, sizeof in);
    in.rule = rule;
    in.time_ms = t;
    in.partition = part;
    in.uid = ZW_STR_LIT("uid");
    in.position = ZW_STR_LIT("f:1");
    in.field = fz_field;
    in.field_ud = v;
    in.matched = m;
    in.n_matched = 1;
    en_corr_feed(c, &in, sink);
}

static en_corr *fz_new(en_corr_def *d)
{
    en_corr_opts o = {0};
    o.allowed_lateness_ms = 10 * SEC;
    o.merge_ms = 30 * SEC;
    o.max_groups = 64;
    o.max_group_events = 16;
    char err[128];
    fz_defs(d);
    return en_corr_new(fz_rules, 3, d, 6, &o, err, sizeof err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    en_corr_def d[6];
    en_corr *c = fz_new(d);
    if (!c) {
        abort();
    }
    zw_buf blob, out;
    zw_buf_init(&blob);
    zw_buf_init(&out);
    en_alert_sink sink = {fz_emit, &out};
    /* frame: magic, version 1, signature, payload length, checksum */
    unsigned char hdr[32];
    uint64_t v[3] = {c->signature, size, en_hash(data, size, 0x5eed)};
    memcpy(hdr, "ZWCS", 4);
    hdr[4] = 1;
    hdr[5] = hdr[6] = hdr[7] = 0;
    for (int k = 0; k < 3; k++) {
        for (int i = 0; i < 8; i++) {
            hdr[8 + 8 * k + i] = (unsigned char)(v[k] >> (8 * i));
        }
    }
    zw_buf_append(&blob, hdr, sizeof hdr);
    zw_buf_append(&blob, data, size);
    char err[256];
    if (en_corr_load(c, blob.p, blob.len, err, sizeof err) == 0) {
        for (int i = 0; i < 4; i++) {
            fz_feed(c, &sink, (uint32_t)i % 3, 100 * SEC + i, i % 2 ? -1 : 0, "z.test", "v");
        }
        en_corr_advance(c, EN_CORR_ALL, 200 * SEC, &sink);
        zw_buf_clear(&blob);
        if (en_corr_save(c, &blob) == 0) {
            en_corr_export_partition(c, 0, &blob);
        }
        en_corr_flush(c, EN_CORR_ALL, &sink);
    }
    en_corr_destroy(c);
    zw_buf_free(&blob);
    zw_buf_free(&out);
    return 0;
}

#ifdef CORR_STATE_SEEDS
/* cc -DCORR_STATE_SEEDS fuzz/fuzz_corr_state.c build/release/libzonewarden.a ... -o gen;
 * ./gen fuzz/corpus/corr_state */
static void seed(const char *dir, const char *name, en_corr *c)
{
    zw_buf b;
    zw_buf_init(&b);
    en_corr_save(c, &b);
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(b.p + 32, 1, b.len - 32, f);
        fclose(f);
    }
    zw_buf_free(&b);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        return 2;
    }
    en_corr_def d[6];
    en_corr *c = fz_new(d);
    zw_buf out;
    zw_buf_init(&out);
    en_alert_sink sink = {fz_emit, &out};
    seed(argv[1], "empty", c);
    fz_feed(c, &sink, 0, 0, 0, "a.test", "1");
    fz_feed(c, &sink, 1, 1 * SEC, 0, "a.test", "2");
    fz_feed(c, &sink, 2, 2 * SEC, -1, "b.test", "3");
    seed(argv[1], "buffered", c);
    for (int i = 0; i < 40; i++) {
        fz_feed(c, &sink, (uint32_t)i % 3, (20 + i) * SEC, i % 3 ? 0 : 5, i % 2 ? "a.test" : "c",
                i % 4 ? "x" : "y");
    }
    seed(argv[1], "groups-and-held", c);
    en_corr_destroy(c);
    zw_buf_free(&out);
    return 0;
}
#endif
