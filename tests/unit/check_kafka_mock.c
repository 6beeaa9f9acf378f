/*
 * check_kafka_mock.c - the Kafka stage against librdkafka's mock cluster: injected
 * produce errors and a broker going down on the produce path must not lose an input
 * record's outputs, and a produce error that never heals must stop the stage without
 * committing any input offset whose outputs were not acknowledged.  Also the config
 * setter and config file.  The real-broker tests are tests/integration/5x-kafka-*.sh.
 */
#include "../../kafka/zk_stage.h"
#include "zw_test.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <pthread.h>

#define API_PRODUCE 0
#define NREC 3000
#define NPART 4

static const char *knot_line = "2026-11-27T13:05:20+0000 warning: [knot.test.] notify, outgoing, "
                               "remote 127.0.0.1@5300, failed (connection reset)";

typedef struct {
    rd_kafka_t *owner; /* handle that owns the mock cluster */
    rd_kafka_mock_cluster_t *mc;
    const char *boot;
} mock;

static void mock_new(mock *m)
{
    char err[256];
    rd_kafka_conf_t *c = rd_kafka_conf_new();
    rd_kafka_conf_set(c, "log_level", "0", NULL, 0);
    m->owner = rd_kafka_new(RD_KAFKA_PRODUCER, c, err, sizeof err);
    ck_assert_msg(m->owner != NULL, "%s", err);
    m->mc = rd_kafka_mock_cluster_new(m->owner, 3);
    ck_assert_ptr_nonnull(m->mc);
    m->boot = rd_kafka_mock_cluster_bootstraps(m->mc);
    ck_assert_int_eq(rd_kafka_mock_topic_create(m->mc, "in", NPART, 3), 0);
    ck_assert_int_eq(rd_kafka_mock_topic_create(m->mc, "out", NPART, 3), 0);
    ck_assert_int_eq(rd_kafka_mock_topic_create(m->mc, "dlq", 2, 3), 0);
}

static void mock_free(mock *m)
{
    rd_kafka_mock_cluster_destroy(m->mc);
    rd_kafka_destroy(m->owner);
}

/* Record i: even = a Knot line (one event), odd = junk (one dead letter). */
static void produce_inputs(const mock *m)
{
    char err[256], junk[64];
    rd_kafka_conf_t *c = rd_kafka_conf_new();
    rd_kafka_conf_set(c, "bootstrap.servers", m->boot, NULL, 0);
    rd_kafka_conf_set(c, "log_level", "0", NULL, 0);
    rd_kafka_t *p = rd_kafka_new(RD_KAFKA_PRODUCER, c, err, sizeof err);
    ck_assert_msg(p != NULL, "%s", err);
    for (int i = 0; i < NREC; i++) {
        const char *v = knot_line;
        if (i % 2) {
            snprintf(junk, sizeof junk, "junk record %d", i);
            v = junk;
        }
        rd_kafka_resp_err_t e =
            rd_kafka_producev(p, RD_KAFKA_V_TOPIC("in"), RD_KAFKA_V_PARTITION(i % NPART),
                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                              RD_KAFKA_V_VALUE((void *)v, strlen(v)), RD_KAFKA_V_END);
        ck_assert_int_eq(e, 0);
    }
    ck_assert_int_eq(rd_kafka_flush(p, 30000), 0);
    rd_kafka_destroy(p);
}

typedef struct {
    int64_t n;                            /* outputs seen */
    int64_t per[NPART][NREC / NPART + 1]; /* outputs per input (partition, offset) */
} seen;

static int64_t hdr_int(const rd_kafka_message_t *msg, const char *name)
{
    rd_kafka_headers_t *h = NULL;
    const void *v;
    size_t n;
    char buf[32];
    if (rd_kafka_message_headers(msg, &h) || rd_kafka_header_get_last(h, name, &v, &n) ||
        n >= sizeof buf) {
        return -1;
    }
    memcpy(buf, v, n);
    buf[n] = 0;
    return strtoll(buf, NULL, 10);
}

/* Reads every message of topic into s (by source position header). */
static void read_topic(const mock *m, const char *topic, int nparts, seen *s)
{
    char err[256];
    rd_kafka_conf_t *c = rd_kafka_conf_new();
    rd_kafka_conf_set(c, "bootstrap.servers", m->boot, NULL, 0);
    rd_kafka_conf_set(c, "group.id", "reader", NULL, 0);
    rd_kafka_conf_set(c, "enable.partition.eof", "true", NULL, 0);
    rd_kafka_conf_set(c, "log_level", "0", NULL, 0);
    rd_kafka_t *k = rd_kafka_new(RD_KAFKA_CONSUMER, c, err, sizeof err);
    ck_assert_msg(k != NULL, "%s", err);
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(nparts);
    for (int i = 0; i < nparts; i++) {
        rd_kafka_topic_partition_list_add(l, topic, i)->offset = RD_KAFKA_OFFSET_BEGINNING;
    }
    ck_assert_int_eq(rd_kafka_assign(k, l), 0);
    rd_kafka_topic_partition_list_destroy(l);
    int eofs = 0;
    for (int tries = 0; eofs < nparts && tries < 2000; tries++) {
        rd_kafka_message_t *msg = rd_kafka_consumer_poll(k, 100);
        if (!msg) {
            continue;
        }
        if (msg->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            eofs++;
        } else {
            ck_assert_msg(msg->err == 0, "reading %s: %s", topic, rd_kafka_message_errstr(msg));
            int64_t p = hdr_int(msg, "zw-source-partition");
            int64_t o = hdr_int(msg, "zw-source-offset");
            ck_assert(p >= 0 && p < NPART && o >= 0 && o <= NREC / NPART);
            s->per[p][o]++;
            s->n++;
        }
        rd_kafka_message_destroy(msg);
    }
    ck_assert_int_eq(eofs, nparts);
    rd_kafka_consumer_close(k);
    rd_kafka_destroy(k);
}

typedef struct {
    zk_stage *st;
    volatile sig_atomic_t run;
    int rc;
    char err[512];
} runner;

static void *run_thread(void *arg)
{
    runner *r = arg;
    r->rc = zk_stage_run(r->st, &r->run, r->err, sizeof r->err);
    return NULL;
}

/* exit_idle_ms: the stage stops after that long without input.  Generous values: on a
 * loaded machine the group join and the produce retries alone can take seconds, and a
 * stage that stops early would be a failure of the test, not of the stage. */
static zk_stage *stage_for(const mock *m, int exit_idle_ms, const char *extra_prop)
{
    zk_config c;
    char err[512];
    zk_config_init(&c);
    ck_assert_int_eq(zk_config_set(&c, "brokers", m->boot, err, sizeof err), 0);
    ck_assert_int_eq(zk_config_set(&c, "group", "stage", err, sizeof err), 0);
    ck_assert_int_eq(zk_config_set(&c, "input-topic", "in:auto", err, sizeof err), 0);
    ck_assert_int_eq(zk_config_set(&c, "output-topic", "out", err, sizeof err), 0);
    ck_assert_int_eq(zk_config_set(&c, "dlq-topic", "dlq", err, sizeof err), 0);
    ck_assert_int_eq(zk_config_set(&c, "X", "log_level=0", err, sizeof err), 0);
    ck_assert_int_eq(zk_config_set(&c, "X", "producer.retry.backoff.ms=20", err, sizeof err), 0);
    if (extra_prop) {
        ck_assert_int_eq(zk_config_set(&c, "X", extra_prop, err, sizeof err), 0);
    }
    c.exit_idle_ms = exit_idle_ms;
    zk_stage *st = zk_stage_new(&c, err, sizeof err);
    ck_assert_msg(st != NULL, "%s", err);
    zk_config_free(&c);
    return st;
}

START_TEST(produce_errors_and_broker_down_lose_nothing)
{
    mock m;
    static seen s;
    runner r = {0};
    pthread_t th;
    memset(&s, 0, sizeof s);
    mock_new(&m);
    produce_inputs(&m);
    /* retriable errors on the first produce requests, then a broker down for a while */
    rd_kafka_mock_push_request_errors(
        m.mc, API_PRODUCE, 6, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
        RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
        RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND, RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE,
        RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT);
    /* the group coordinator stays up: the broker that goes down leads produce partitions */
    rd_kafka_mock_coordinator_set(m.mc, "group", "stage", 1);
    r.st = stage_for(&m, 8000, NULL);
    r.run = 1;
    ck_assert_int_eq(pthread_create(&th, NULL, run_thread, &r), 0);
    usleep(300 * 1000);
    rd_kafka_mock_broker_set_down(m.mc, 2);
    usleep(1500 * 1000);
    rd_kafka_mock_broker_set_up(m.mc, 2);
    pthread_join(th, NULL);
    ck_assert_msg(r.rc == 0, "stage failed: %s", r.err);
    const zk_counters *k = zk_stage_counters(r.st);
    ck_assert_int_eq(k->consumed, NREC);
    ck_assert_int_eq(k->events, NREC / 2);
    ck_assert_int_eq(k->dead, NREC / 2);
    ck_assert_int_eq(k->produced, NREC);
    ck_assert_int_eq(k->produce_failed, 0);
    zk_stage_destroy(r.st);

    read_topic(&m, "out", NPART, &s);
    read_topic(&m, "dlq", 2, &s);
    for (int i = 0; i < NREC; i++) {
        ck_assert_msg(s.per[i % NPART][i / NPART] >= 1, "input %d (p%d o%d) has no output", i,
                      i % NPART, i / NPART);
    }
    ck_assert_int_ge(s.n, NREC);
    mock_free(&m);
}
END_TEST

START_TEST(refused_produce_stops_without_committing_past_it)
{
    mock m;
    static seen s;
    runner r = {0};
    pthread_t th;
    char err[256];
    memset(&s, 0, sizeof s);
    mock_new(&m);
    produce_inputs(&m);
    /* a non-retriable refusal: the stage must stop with a fatal error */
    rd_kafka_mock_push_request_errors(m.mc, API_PRODUCE, 1,
                                      RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED);
    r.st = stage_for(&m, 10000, NULL);
    r.run = 1;
    ck_assert_int_eq(pthread_create(&th, NULL, run_thread, &r), 0);
    pthread_join(th, NULL);
    ck_assert_int_ne(r.rc, 0);
    /* the refusal comes back in a delivery report, or at once for the next produce call */
    ck_assert_msg(strstr(r.err, "delivery to") || strstr(r.err, "produce to"),
                  "unexpected error text: %s", r.err);
    ck_assert_int_gt(zk_stage_counters(r.st)->produce_failed, 0);
    zk_stage_destroy(r.st);

    /* every input below a committed offset has its output */
    read_topic(&m, "out", NPART, &s);
    read_topic(&m, "dlq", 2, &s);
    rd_kafka_conf_t *c = rd_kafka_conf_new();
    rd_kafka_conf_set(c, "bootstrap.servers", m.boot, NULL, 0);
    rd_kafka_conf_set(c, "group.id", "stage", NULL, 0);
    rd_kafka_conf_set(c, "log_level", "0", NULL, 0);
    rd_kafka_t *k = rd_kafka_new(RD_KAFKA_CONSUMER, c, err, sizeof err);
    ck_assert_msg(k != NULL, "%s", err);
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(NPART);
    for (int p = 0; p < NPART; p++) {
        rd_kafka_topic_partition_list_add(l, "in", p);
    }
    ck_assert_int_eq(rd_kafka_committed(k, l, 10000), 0);
    int64_t committed_total = 0;
    for (int p = 0; p < NPART; p++) {
        int64_t off = l->elems[p].offset;
        for (int64_t o = 0; o < off; o++) {
            ck_assert_msg(s.per[p][o] >= 1, "p%d offset %lld committed without output", p,
                          (long long)o);
        }
        committed_total += off > 0 ? off : 0;
    }
    ck_assert_int_lt(committed_total, NREC);
    rd_kafka_topic_partition_list_destroy(l);
    rd_kafka_destroy(k);
    mock_free(&m);
}
END_TEST

/* A produce refused for the messages themselves (MESSAGE_TOO_LARGE) is not fatal: the
 * refused outputs are counted as undeliverable and skipped, everything else goes out,
 * and every input offset is committed (issue 17 item 4: no crash loop on one record). */
START_TEST(message_too_large_is_skipped_and_committed)
{
    mock m;
    static seen s;
    runner r = {0};
    pthread_t th;
    char err[256];
    memset(&s, 0, sizeof s);
    mock_new(&m);
    produce_inputs(&m);
    rd_kafka_mock_push_request_errors(m.mc, API_PRODUCE, 1, RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE);
    r.st = stage_for(&m, 5000, NULL);
    r.run = 1;
    ck_assert_int_eq(pthread_create(&th, NULL, run_thread, &r), 0);
    pthread_join(th, NULL);
    ck_assert_msg(r.rc == 0, "stage stopped: %s", r.err);
    const zk_counters *cn = zk_stage_counters(r.st);
    uint64_t skipped = cn->undeliverable;
    ck_assert_uint_gt(skipped, 0);
    ck_assert_uint_eq(cn->consumed, NREC);
    ck_assert_uint_eq(cn->produced + skipped, NREC);
    zk_stage_destroy(r.st);

    read_topic(&m, "out", NPART, &s);
    read_topic(&m, "dlq", 2, &s);
    ck_assert_int_eq(s.n, NREC - (int64_t)skipped);
    rd_kafka_conf_t *c = rd_kafka_conf_new();
    rd_kafka_conf_set(c, "bootstrap.servers", m.boot, NULL, 0);
    rd_kafka_conf_set(c, "group.id", "stage", NULL, 0);
    rd_kafka_conf_set(c, "log_level", "0", NULL, 0);
    rd_kafka_t *k = rd_kafka_new(RD_KAFKA_CONSUMER, c, err, sizeof err);
    ck_assert_msg(k != NULL, "%s", err);
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(NPART);
    for (int p = 0; p < NPART; p++) {
        rd_kafka_topic_partition_list_add(l, "in", p);
    }
    ck_assert_int_eq(rd_kafka_committed(k, l, 10000), 0);
    for (int p = 0; p < NPART; p++) {
        ck_assert_int_eq(l->elems[p].offset, NREC / NPART); /* past every record */
    }
    rd_kafka_topic_partition_list_destroy(l);
    rd_kafka_destroy(k);
    mock_free(&m);
}
END_TEST

START_TEST(config_flags_and_file)
{
    zk_config c;
    char err[512];
    const char *path = "build/check_kafka_mock.conf";
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "# stage config\nbrokers = 127.0.0.1:9092\ngroup=g1\n"
               "input-topic = raw-bind:bind\ninput-topic = raw-any\noutput-topic = norm\n"
               "dlq-topic = dead\neos\noutput = ecs\nkafka.linger.ms = 20\nX = acks=all\n"
               "metrics-port = 9108\ntz = +02:00\n");
    fclose(f);
    zk_config_init(&c);
    ck_assert_int_eq(zk_config_load(&c, path, err, sizeof err), 0);
    ck_assert_str_eq(c.brokers, "127.0.0.1:9092");
    ck_assert_str_eq(c.group, "g1");
    ck_assert_int_eq(c.ninputs, 2);
    ck_assert_str_eq(c.inputs[0].topic, "raw-bind");
    ck_assert_str_eq(c.inputs[0].format, "bind");
    ck_assert_str_eq(c.inputs[1].topic, "raw-any");
    ck_assert_ptr_null(c.inputs[1].format);
    ck_assert_int_eq(c.eos, 1);
    ck_assert_int_eq(c.kind, ZW_OUT_ECS);
    ck_assert_int_eq(c.nprops, 2);
    ck_assert_str_eq(c.props[0], "linger.ms=20");
    ck_assert_str_eq(c.props[1], "acks=all");
    ck_assert_int_eq(c.metrics_port, 9108);
    ck_assert_int_eq(c.tz_offset_min, 120);
    ck_assert_int_eq(zk_config_check(&c, err, sizeof err), 0);
    /* flags after the file override it */
    ck_assert_int_eq(zk_config_set(&c, "eos", "false", err, sizeof err), 0);
    ck_assert_int_eq(c.eos, 0);
    ck_assert_int_eq(zk_config_set(&c, "input-topic", "norm", err, sizeof err), 0);
    ck_assert_int_eq(zk_config_check(&c, err, sizeof err), ZW_EINVAL);
    ck_assert_msg(strstr(err, "loop") != NULL, "%s", err);
    ck_assert_int_eq(zk_config_set(&c, "metrics-port", "70000", err, sizeof err), ZW_EINVAL);
    ck_assert_int_eq(zk_config_set(&c, "X", "novalue", err, sizeof err), ZW_EINVAL);
    ck_assert_int_eq(zk_config_set(&c, "input-topic", "t:", err, sizeof err), ZW_EINVAL);
    ck_assert_int_eq(zk_config_set(&c, "no-such-option", "1", err, sizeof err), ZW_EINVAL);
    zk_config_free(&c);

    /* a bad line is reported with its position */
    f = fopen(path, "w");
    fprintf(f, "brokers = b\n\nbogus = 1\n");
    fclose(f);
    zk_config_init(&c);
    ck_assert_int_eq(zk_config_load(&c, path, err, sizeof err), ZW_EINVAL);
    ck_assert_msg(strstr(err, ".conf:3: unknown option 'bogus'") != NULL, "%s", err);
    zk_config_free(&c);
    remove(path);

    /* missing required options */
    zk_config_init(&c);
    ck_assert_int_eq(zk_config_check(&c, err, sizeof err), ZW_EINVAL);
    ck_assert_str_eq(err, "brokers is required");
    zk_config_free(&c);

    /* detect (json_events): no output topic, but rules and an alert topic */
    zk_config_init(&c);
    c.json_events = 1;
    ck_assert_int_eq(zk_config_set(&c, "brokers", "b:1", err, sizeof err), 0);
    ck_assert_int_eq(zk_config_set(&c, "group", "g", err, sizeof err), 0);
    ck_assert_int_eq(zk_config_set(&c, "input-topic", "ocsf", err, sizeof err), 0);
    ck_assert_int_eq(zk_config_check(&c, err, sizeof err), ZW_EINVAL);
    ck_assert_str_eq(err, "detect needs rules and an alert-topic");
    ck_assert_int_eq(zk_config_set(&c, "rules", "r.zwt", err, sizeof err), 0);
    ck_assert_int_eq(zk_config_set(&c, "alert-topic", "alerts", err, sizeof err), 0);
    ck_assert_int_eq(zk_config_check(&c, err, sizeof err), 0);
    ck_assert_ptr_null(c.output_topic);
    ck_assert_int_eq(zk_config_set(&c, "input-topic", "alerts", err, sizeof err), 0);
    ck_assert_int_eq(zk_config_check(&c, err, sizeof err), ZW_EINVAL);
    ck_assert_msg(strstr(err, "loop") != NULL, "%s", err);
    c.json_events = 0; /* normalize / run: the output topic is required */
    zk_config_free(&c);
    zk_config_init(&c);
    ck_assert_int_eq(zk_config_set(&c, "brokers", "b:1", err, sizeof err), 0);
    ck_assert_int_eq(zk_config_set(&c, "group", "g", err, sizeof err), 0);
    ck_assert_int_eq(zk_config_set(&c, "input-topic", "raw", err, sizeof err), 0);
    ck_assert_int_eq(zk_config_check(&c, err, sizeof err), ZW_EINVAL);
    ck_assert_str_eq(err, "output-topic is required");
    zk_config_free(&c);
}
END_TEST

/* Secrets from a file ("@PATH", "NAME.file", kafka-secret-file, config file) and from
 * the environment; errors name the property, never the value. */
START_TEST(config_secrets)
{
    zk_config c;
    char err[512];
    const char *sp = "build/check_kafka_mock.secret", *cp = "build/check_kafka_mock2.conf";
    FILE *f = fopen(sp, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "pa55-Word\n");
    fclose(f);
    f = fopen(cp, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "kafka.ssl.key.password.file = %s\nkafka.sasl.username = u\n", sp);
    fclose(f);
    zk_config_init(&c);
    ck_assert_int_eq(
        zk_config_set(&c, "X", "sasl.password=@build/check_kafka_mock.secret", err, sizeof err), 0);
    ck_assert_str_eq(c.props[0], "sasl.password=pa55-Word");
    ck_assert_int_eq(zk_config_set(&c, "X",
                                   "consumer.sasl.password.file=build/check_kafka_mock.secret", err,
                                   sizeof err),
                     0);
    ck_assert_str_eq(c.props[1], "consumer.sasl.password=pa55-Word");
    ck_assert_int_eq(zk_config_set(&c, "kafka-secret-file", sp, err, sizeof err), 0);
    ck_assert_str_eq(c.props[2], "sasl.password=pa55-Word");
    ck_assert_int_eq(zk_config_load(&c, cp, err, sizeof err), 0);
    ck_assert_str_eq(c.props[3], "ssl.key.password=pa55-Word");
    ck_assert_str_eq(c.props[4], "sasl.username=u");
    /* not a secret property: '@' is a value like any other */
    ck_assert_int_eq(zk_config_set(&c, "X", "client.rack=@rack1", err, sizeof err), 0);
    ck_assert_str_eq(c.props[5], "client.rack=@rack1");
    ck_assert_int_eq(zk_config_set(&c, "X", "sasl.password=@build/no-such-secret", err, sizeof err),
                     ZW_EIO);
    ck_assert_msg(strstr(err, "sasl.password: secret file build/no-such-secret") != NULL, "%s",
                  err);
    ck_assert_int_eq(zk_config_set(&c, "X", "sasl.passwordSECRET", err, sizeof err), ZW_EINVAL);
    ck_assert_msg(strstr(err, "SECRET") == NULL, "%s", err);
    /* an empty file is refused */
    f = fopen(sp, "w");
    fclose(f);
    ck_assert_int_eq(
        zk_config_set(&c, "X", "sasl.password=@build/check_kafka_mock.secret", err, sizeof err),
        ZW_EINVAL);
    ck_assert_int_eq(zk_prop_is_secret("producer.SASL.PASSWORD", 22), 1);
    ck_assert_int_eq(zk_prop_is_secret("linger.ms", 9), 0);
    zk_config_free(&c);
    /* the environment: only when no sasl.password was given */
    zk_config_init(&c);
    setenv("ZW_KAFKA_SASL_PASSWORD", "from-env", 1);
    ck_assert_int_eq(zk_config_env(&c, err, sizeof err), 0);
    ck_assert_int_eq(c.nprops, 1);
    ck_assert_str_eq(c.props[0], "sasl.password=from-env");
    zk_config_free(&c);
    zk_config_init(&c);
    ck_assert_int_eq(zk_config_set(&c, "X", "sasl.password=flag", err, sizeof err), 0);
    ck_assert_int_eq(zk_config_env(&c, err, sizeof err), 0);
    ck_assert_int_eq(c.nprops, 1);
    ck_assert_str_eq(c.props[0], "sasl.password=flag");
    unsetenv("ZW_KAFKA_SASL_PASSWORD");
    zk_config_free(&c);
    remove(sp);
    remove(cp);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("kafka_mock");
    TCase *tc = tcase_create("mock");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, config_flags_and_file);
    tcase_add_test(tc, config_secrets);
    tcase_add_test(tc, produce_errors_and_broker_down_lose_nothing);
    tcase_add_test(tc, refused_produce_stops_without_committing_past_it);
    tcase_add_test(tc, message_too_large_is_skipped_and_committed);
    suite_add_tcase(s, tc);
    return s;
}

ZWT_MAIN(suite)
