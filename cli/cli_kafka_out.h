/*
 * cli_kafka_out.h - findings to a Kafka topic (cli_kafka_out.c) for `exposure` and
 * `axfr-check`: --brokers HOST:PORT --output-topic T [-X property=value]...
 *
 * Ownership: a cli_kout lives in the caller's storage; cli_kout_close() releases the
 * producer whatever happened before (calling it on a zeroed struct is a no-op).
 */
#ifndef ZW_CLI_KAFKA_OUT_H
#define ZW_CLI_KAFKA_OUT_H

#include <librdkafka/rdkafka.h>
#include <stddef.h>

typedef struct {
    rd_kafka_t *rk;
    char topic[256];
    size_t produced, delivered, failed;
    char err[256];
} cli_kout;

/* The Kafka options of a command line, filled by cli_kout_opt(); zero it first. */
typedef struct {
    const char *brokers; /* --brokers, NULL when not given */
    const char *topic;   /* --output-topic */
    char *props[32];     /* -X property=value, borrowed from argv */
    int nprops;
} cli_kout_opts;

/* Takes one getopt result: 'B' (--brokers), 'P' (--output-topic) or 'X' with its arg.
 * 1 when c was one of them, 0 when it was not, -1 after printing "zonewarden <cmd>: too
 * many -X" on stderr. */
int cli_kout_opt(cli_kout_opts *o, int c, char *arg, const char *cmd);

/* Creates an idempotent producer; props are "property=value" strings (-X).  0 or -1. */
int cli_kout_open(cli_kout *k, const char *brokers, const char *topic, char *const *props,
                  int nprops, char *errstr, size_t errstr_size);
/* Queues one message (copied), key = zone.  0, or -1 with k->err. */
int cli_kout_send(cli_kout *k, const char *key, size_t kn, const char *p, size_t n);
/* Waits up to timeout_ms for delivery; -1 with errstr when anything was not delivered. */
int cli_kout_close(cli_kout *k, int timeout_ms, char *errstr, size_t errstr_size);

#endif
