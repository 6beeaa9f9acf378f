/*
 * cli_kafka_out.c - a small librdkafka producer for the commands that write findings
 * rather than consume a topic (`exposure`, `axfr-check`): one JSON event per message,
 * keyed by zone (as the pipeline stage keys its output), idempotent with acks=all, and
 * a flush that reports any message that was not delivered.
 *
 * Not for: the consume-process-produce stage (kafka/zk_stage.c).
 */
#include "cli_kafka_out.h"

#include <stdio.h>
#include <string.h>

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    (void)rk;
    cli_kout *k = opaque;
    if (m->err) {
        k->failed++;
        snprintf(k->err, sizeof k->err, "%s", rd_kafka_err2str(m->err));
    } else {
        k->delivered++;
    }
}

int cli_kout_opt(cli_kout_opts *o, int c, char *arg, const char *cmd)
{
    switch (c) {
    case 'B':
        o->brokers = arg;
        return 1;
    case 'P':
        o->topic = arg;
        return 1;
    case 'X':
        if (o->nprops >= (int)(sizeof o->props / sizeof o->props[0])) {
            fprintf(stderr, "zonewarden %s: too many -X\n", cmd);
            return -1;
        }
        o->props[o->nprops++] = arg;
        return 1;
    default:
        return 0;
    }
}

int cli_kout_open(cli_kout *k, const char *brokers, const char *topic, char *const *props,
                  int nprops, char *errstr, size_t errstr_size)
{
    memset(k, 0, sizeof *k);
    char e[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (rd_kafka_conf_set(conf, "bootstrap.servers", brokers, e, sizeof e) != RD_KAFKA_CONF_OK ||
        rd_kafka_conf_set(conf, "enable.idempotence", "true", e, sizeof e) != RD_KAFKA_CONF_OK ||
        rd_kafka_conf_set(conf, "client.id", "zonewarden-findings", e, sizeof e) !=
            RD_KAFKA_CONF_OK) {
        snprintf(errstr, errstr_size, "kafka: %s", e);
        rd_kafka_conf_destroy(conf);
        return -1;
    }
    for (int i = 0; i < nprops; i++) {
        char kv[512];
        snprintf(kv, sizeof kv, "%s", props[i]);
        char *eq = strchr(kv, '=');
        if (!eq) {
            snprintf(errstr, errstr_size, "kafka: -X %s: want property=value", props[i]);
            rd_kafka_conf_destroy(conf);
            return -1;
        }
        *eq = '\0';
        if (rd_kafka_conf_set(conf, kv, eq + 1, e, sizeof e) != RD_KAFKA_CONF_OK) {
            snprintf(errstr, errstr_size, "kafka: -X %s: %s", props[i], e);
            rd_kafka_conf_destroy(conf);
            return -1;
        }
    }
    rd_kafka_conf_set_opaque(conf, k);
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    k->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, e, sizeof e);
    if (!k->rk) {
        snprintf(errstr, errstr_size, "kafka: %s", e);
        rd_kafka_conf_destroy(conf);
        return -1;
    }
    conf = NULL; /* owned by rk now */
    snprintf(k->topic, sizeof k->topic, "%s", topic);
    return 0;
}

int cli_kout_send(cli_kout *k, const char *key, size_t kn, const char *p, size_t n)
{
    for (int tries = 0; tries < 600; tries++) {
        rd_kafka_resp_err_t err = rd_kafka_producev(
            k->rk, RD_KAFKA_V_TOPIC(k->topic), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_KEY((void *)key, kn), RD_KAFKA_V_VALUE((void *)p, n), RD_KAFKA_V_END);
        if (!err) {
            k->produced++;
            rd_kafka_poll(k->rk, 0);
            return 0;
        }
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            snprintf(k->err, sizeof k->err, "%s", rd_kafka_err2str(err));
            return -1;
        }
        rd_kafka_poll(k->rk, 100); /* queue full: serve delivery reports, bounded wait */
    }
    snprintf(k->err, sizeof k->err, "local queue stayed full for 60 s");
    return -1;
}

int cli_kout_close(cli_kout *k, int timeout_ms, char *errstr, size_t errstr_size)
{
    int rc = 0;
    if (!k->rk) {
        return 0;
    }
    rd_kafka_flush(k->rk, timeout_ms);
    int left = rd_kafka_outq_len(k->rk);
    if (left > 0) {
        snprintf(errstr, errstr_size, "kafka: %d message(s) not delivered within %d ms", left,
                 timeout_ms);
        rc = -1;
    } else if (k->failed) {
        snprintf(errstr, errstr_size, "kafka: %zu message(s) failed: %s", k->failed, k->err);
        rc = -1;
    }
    rd_kafka_destroy(k->rk);
    k->rk = NULL;
    return rc;
}
