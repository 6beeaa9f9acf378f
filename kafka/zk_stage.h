/*
 * zk_stage.h - the Kafka pipeline stage: a consumer group reads raw records from input
 * topics, the normalizer turns each into events or a dead letter, and a producer writes
 * them to the output and dead-letter topics.  At-least-once by default (an input offset
 * is stored only after every record derived from it is acknowledged by the broker);
 * exactly-once with Kafka transactions on request (eos).  With a rules file, every event
 * also goes through the engine's matcher and each match of an alerting rule becomes an
 * OCSF Detection Finding on the alert topic (stateless rules; correlations are not yet
 * run in the stage).  It is not a general Kafka
 * client: one stage is one consumer and one producer, run on the calling thread.
 *
 * A running stage with rules loads its tables file again on request (zk_config.reload,
 * set by SIGHUP) or when the watched file changes, between two records; a file that does
 * not load is refused and the old tables stay (docs/KAFKA.md).  With a metrics port it
 * also answers GET /health.
 *
 * Ownership: the caller owns the zk_config (zk_config_init / zk_config_free) and the
 * stage (zk_stage_new / zk_stage_destroy, destroy of NULL is a no-op); the stage copies
 * what it needs from the config.  Nothing here prints: log lines and metrics lines travel
 * through the callbacks in the config, errors through errstr.
 */
#ifndef ZK_STAGE_H
#define ZK_STAGE_H

#include "../common/zw_writer.h"

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#define ZK_MAX_INPUTS 32
#define ZK_MAX_PROPS 64
/* Default cap of a dead-letter message: below the broker's default message.max.bytes
 * (1048588) and librdkafka's (1000000), with room for batch overhead. */
#define ZK_DLQ_MAX_MESSAGE_BYTES 900000

/* Log severities passed to the log callback (syslog numbering, as librdkafka uses). */
enum { ZK_LOG_ERR = 3, ZK_LOG_WARNING = 4, ZK_LOG_NOTICE = 5, ZK_LOG_INFO = 6, ZK_LOG_DEBUG = 7 };

typedef struct {
    char *topic;
    char *format; /* parser name, or NULL for the stage's default format */
} zk_input;

typedef struct {
    char *brokers;
    char *group;
    zk_input inputs[ZK_MAX_INPUTS];
    int ninputs;
    char *output_topic; /* required */
    char *dlq_topic;    /* NULL: dead letters are counted and dropped with a warning */
    char *alert_topic;  /* alerts (OCSF Detection Findings); needs rules */
    char *rules;        /* compiled tables file (`zonewarden compile`); NULL: no detection */
    char *state_topic;  /* compacted changelog of correlation state per input partition */
    char *format;       /* default format for inputs without ":format"; NULL = auto */
    char *client_id;
    char *transactional_id;    /* eos only; default "<group>-<hostname>-<pid>" */
    char *props[ZK_MAX_PROPS]; /* "name=value" librdkafka properties, both clients */
    int nprops;
    zw_out_kind kind;
    int eos;
    int json_events; /* `detect`: inputs are normalized JSON events (OCSF / ECS), fed to
                      * the rules as they are; no output topic, bad JSON dead-lettered */
    int raw_data;
    int tz_offset_min;
    int metrics_interval_ms; /* 0: no periodic metrics lines */
    int metrics_port;        /* 0: no Prometheus endpoint; serves on metrics_addr */
    char *metrics_addr;      /* IPv4 address to serve on; NULL: 127.0.0.1 */
    int exit_idle_ms;        /* >0: stop after this long holding partitions with nothing
                              * consumed and all acked */
    int txn_max_records;     /* eos: records per transaction (default 1000) */
    int txn_max_ms;          /* eos: longest a transaction stays open (default 200) */
    int max_in_flight;       /* pause input while this many produced records await acks */
    int checkpoint_ms;       /* state-topic: at-least-once checkpoint interval (default 1000) */
    /* a dead letter (value, key, headers) never exceeds this: raw bytes are cut to fit,
     * with a note (default ZK_DLQ_MAX_MESSAGE_BYTES) */
    int dlq_max_message_bytes;
    int rules_watch_ms;      /* >0: check the rules file's mtime/size this often; reload on a
                              * change (as on *reload) */
    int health_down_ms;      /* /health turns 503 when a client has seen no broker up for
                              * this long (default 30000) */
    /* Set (to nonzero) by a SIGHUP handler: the stage reloads the rules file between two
     * records and clears it.  NULL: no reload on request. */
    volatile sig_atomic_t *reload;

    /* Callbacks (any may be NULL).  Called on the thread that runs zk_stage_run, except
     * log, which librdkafka may call from its own threads. */
    void (*log)(void *opaque, int level, const char *msg);
    void (*metrics)(void *opaque, const char *json_line);
    void *opaque;
} zk_config;

void zk_config_init(zk_config *c);
void zk_config_free(zk_config *c);

/* Sets one option by its long-flag name ("brokers", "input-topic", "X", "eos", ...),
 * the same names the config file uses.  value may be NULL for switches.  Returns 0, or
 * ZW_EINVAL with errstr. */
int zk_config_set(zk_config *c, const char *key, const char *value, char *errstr,
                  size_t errstr_size);

/* Reads a config file: one "key = value" per line, '#' comments, keys as for
 * zk_config_set; a key "kafka.NAME" is the librdkafka property NAME.  Returns 0, ZW_EIO
 * or ZW_EINVAL with "path:line: message" in errstr. */
int zk_config_load(zk_config *c, const char *path, char *errstr, size_t errstr_size);

/* Adds the SASL password from the environment variable ZW_KAFKA_SASL_PASSWORD, when it
 * is set and no sasl.password was given.  0, or ZW_ENOMEM / ZW_EINVAL with errstr. */
int zk_config_env(zk_config *c, char *errstr, size_t errstr_size);

/* 1 if a librdkafka property's value is a secret (passwords, keys, sasl.*): it is read
 * from a file when written "@PATH" (or as NAME.file=PATH) and never shown in messages. */
int zk_prop_is_secret(const char *name, size_t n);

/* Checks that required options are present and consistent.  0 or ZW_EINVAL. */
int zk_config_check(const zk_config *c, char *errstr, size_t errstr_size);

typedef struct {
    uint64_t consumed;       /* input records */
    uint64_t produced;       /* output records acknowledged by the broker */
    uint64_t produce_failed; /* output records the broker refused for good */
    uint64_t events;         /* events produced to the output topic */
    uint64_t dead;           /* dead letters produced */
    uint64_t alerts;         /* alerts produced to the alert topic */
    uint64_t checkpoints;    /* correlation state snapshots acknowledged */
    uint64_t restores;       /* partitions whose state was restored from the changelog */
    uint64_t dead_dropped;   /* dead letters with no --dlq-topic to go to */
    uint64_t dead_cut;       /* dead letters whose raw bytes were cut to fit the cap */
    uint64_t undeliverable;  /* outputs refused for good for themselves (too large,
                              * invalid): counted, logged, skipped; never stop the stage */
    uint64_t noise;
    uint64_t committed; /* offset commits (or transactions committed) */
    uint64_t aborted;   /* transactions aborted */
    uint64_t rebalances;
    uint64_t pauses;         /* times input was paused for backpressure */
    uint64_t reloads;        /* rules reloads that took effect */
    uint64_t reloads_failed; /* rules reloads refused (the old rules stayed) */
    int64_t lag;             /* sum over assigned partitions at the last metrics tick */
    int64_t in_flight;
    int assigned;
} zk_counters;

typedef struct zk_stage zk_stage;

/* Creates the clients and validates the config; NULL with errstr on failure. */
zk_stage *zk_stage_new(const zk_config *c, char *errstr, size_t errstr_size);
void zk_stage_destroy(zk_stage *s);

/* Runs until *run becomes 0 (a signal handler clears it), exit_idle_ms passes idle, or a
 * fatal error.  On the way out it finishes in-flight work: flushes the producer,
 * commits what is acknowledged (or the open transaction), and leaves the group.
 * Returns 0, or a negative status with the reason in errstr. */
int zk_stage_run(zk_stage *s, volatile sig_atomic_t *run, char *errstr, size_t errstr_size);

const zk_counters *zk_stage_counters(const zk_stage *s);

#endif
