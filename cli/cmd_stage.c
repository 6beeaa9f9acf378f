/*
 * cmd_stage.c - the Kafka mode of `zonewarden normalize`, `detect` and `run` (entered
 * when --brokers or --kafka-config is given): flags and config file into a zk_config, signals, log
 * and metrics lines to stderr (or --metrics-file), exit status.  The stage itself is
 * kafka/zk_stage.c; this file only wires it to the process.
 */
#include "../kafka/zk_stage.h"
#include "cli.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile sig_atomic_t run_flag = 1;
static volatile sig_atomic_t reload_flag = 0;

static void on_signal(int sig)
{
    (void)sig;
    run_flag = 0;
}

static void on_hup(int sig)
{
    (void)sig;
    reload_flag = 1;
}

typedef struct {
    const char *mode;
    int verbose;
    FILE *metrics;
} stage_io;

static void on_log(void *opaque, int level, const char *msg)
{
    const stage_io *io = opaque;
    static const char *names[] = {"emerg",   "alert",  "crit", "error",
                                  "warning", "notice", "info", "debug"};
    if (level > (io->verbose ? ZK_LOG_DEBUG : ZK_LOG_NOTICE) && level != ZK_LOG_INFO) {
        return;
    }
    if (level == ZK_LOG_INFO && !io->verbose && strncmp(msg, "rdkafka", 7) == 0) {
        return;
    }
    fprintf(stderr, "zonewarden %s: %s: %s\n", io->mode, names[level >= 0 && level < 8 ? level : 7],
            msg);
}

static void on_metrics(void *opaque, const char *line)
{
    const stage_io *io = opaque;
    fprintf(io->metrics, "%s\n", line);
    fflush(io->metrics);
}

int cli_wants_kafka(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--")) {
            break;
        }
        if (!strncmp(argv[i], "--brokers", 9) || !strncmp(argv[i], "--kafka-config", 14)) {
            return 1;
        }
    }
    return 0;
}

void cli_stage_help(FILE *f, const char *mode)
{
    int pipe = strcmp(mode, "normalize") != 0; /* run and detect: rules and alerts */
    fprintf(f,
            "Kafka mode (--brokers or --kafka-config; no input files; runs until SIGINT or\n"
            "SIGTERM; docs/KAFKA.md).  Every flag but --kafka-config, --metrics-file and\n"
            "--verbose is also a key of the --kafka-config file:\n"
            "  --brokers HOST:PORT[,...]  bootstrap servers (required)\n"
            "  --group ID                 consumer group id (required)\n"
            "  --kafka-config FILE        read 'key = value' lines where the flag stands;\n"
            "                             later flags override them\n"
            "  --input-topic T[:FORMAT]   an input topic (repeatable, up to 32); :FORMAT\n"
            "                             forces a parser, otherwise --format\n"
            "  --output-topic T           normalized events (required for normalize and run;\n"
            "                             detect has none)\n"
            "  --dlq-topic T              dead letters (default: none; they are counted and a\n"
            "                             warning is logged once)\n"
            "  --rules FILE               compiled tables from zonewarden compile\n"
            "                             (%s)\n"
            "  --alert-topic T            where alerts go%s\n"
            "  --state-topic T            compacted topic for the correlation state (default:\n"
            "                             none, state is lost on restart)\n"
            "  --checkpoint-ms MS         at-least-once: state snapshot interval (default\n"
            "                             1000)\n"
            "  --format F                 default parser for inputs without :FORMAT (default\n"
            "                             auto)\n"
            "  --output ocsf|ecs          event schema (default ocsf)\n"
            "  --raw                      copy the raw record into raw_data / event.original\n"
            "  --tz +HH:MM                offset for zone-less timestamps (default UTC)\n"
            "  --eos                      exactly-once with Kafka transactions (default\n"
            "                             at-least-once)\n"
            "  --transactional-id ID      eos: the producer's transactional.id (default\n"
            "                             <group>-<hostname>-<pid>)\n"
            "  --txn-max-records N        eos: commit after N input records (default 1000)\n"
            "  --txn-max-ms MS            eos: commit after MS milliseconds (default 200)\n"
            "  --max-in-flight N          pause input while N records await acknowledgement\n"
            "                             (default 100000)\n"
            "  --dlq-max-message-bytes N  cut a dead letter's raw bytes to fit N bytes and\n"
            "                             the dead-letter topic's max.message.bytes (default\n"
            "                             900000)\n"
            "  --client-id ID             librdkafka client.id (default zonewarden)\n"
            "  -X NAME=VALUE              any librdkafka property for both clients\n"
            "                             (consumer.NAME / producer.NAME for one; repeatable)\n"
            "  --metrics-interval MS      a JSON metrics line every MS (default 0 = off)\n"
            "  --metrics-port PORT        Prometheus text on 127.0.0.1:PORT/metrics (default\n"
            "                             0 = off)\n"
            "  --metrics-file FILE        append metrics lines to FILE (default stderr)\n"
            "  --exit-idle MS             stop after MS with nothing consumed or in flight\n"
            "                             (default 0 = never)\n"
            "  --kafka-secret-file FILE   SASL password from FILE (one line); also\n"
            "                             -X sasl.password=@FILE, -X NAME.file=FILE for any\n"
            "                             password property, or ZW_KAFKA_SASL_PASSWORD;\n"
            "                             secret values never appear in messages\n"
            "  --rules-watch-ms MS        reload the rules when the file changes, checked\n"
            "                             every MS (default 0 = off; SIGHUP always reloads;\n"
            "                             a file that does not load is refused)\n"
            "  --health-down-ms MS        /health on the metrics port answers 503 after MS\n"
            "                             with no broker up (default 30000)\n"
            "  --metrics-addr IPV4        address of the /metrics and /health port (default\n"
            "                             127.0.0.1; 0.0.0.0 in a container)\n"
            "  -v, --verbose              also show librdkafka's informational logs\n"
            "  --quiet                    accepted for symmetry with file mode; no effect\n"
            "  --dlq FILE                 refused in Kafka mode (use --dlq-topic)\n",
            pipe ? "required" : "run and detect only",
            pipe ? " (required with --rules)" : " (run and detect only)");
}

static void stage_usage(FILE *f, const char *mode)
{
    fprintf(f,
            "usage: zonewarden %s --brokers HOST:PORT --group G --input-topic T[:FORMAT]...\n"
            "         [options]\n",
            mode);
    cli_stage_help(f, mode);
}

/* Long options whose name is a zk_config key; val indexes this table. */
static const struct {
    const char *name;
    int has_arg;
} keys[] = {
    {"brokers", required_argument},
    {"group", required_argument},
    {"input-topic", required_argument},
    {"output-topic", required_argument},
    {"dlq-topic", required_argument},
    {"alert-topic", required_argument},
    {"format", required_argument},
    {"client-id", required_argument},
    {"transactional-id", required_argument},
    {"output", required_argument},
    {"eos", no_argument},
    {"raw", no_argument},
    {"tz", required_argument},
    {"metrics-interval", required_argument},
    {"metrics-port", required_argument},
    {"exit-idle", required_argument},
    {"txn-max-records", required_argument},
    {"txn-max-ms", required_argument},
    {"max-in-flight", required_argument},
    {"rules", required_argument},
    {"state-topic", required_argument},
    {"checkpoint-ms", required_argument},
    {"dlq-max-message-bytes", required_argument},
    {"kafka-secret-file", required_argument},
    {"rules-watch-ms", required_argument},
    {"health-down-ms", required_argument},
    {"metrics-addr", required_argument},
};
#define NKEYS ((int)(sizeof keys / sizeof keys[0]))

int cmd_stage(const char *mode, int argc, char **argv)
{
    struct option opts[NKEYS + 7];
    zk_config cfg;
    stage_io io = {mode, 0, stderr};
    const char *metrics_path = NULL;
    zk_stage *st = NULL;
    char err[512];
    int c, status = CLI_OK, n = 0;

    for (int i = 0; i < NKEYS; i++) {
        opts[n++] = (struct option){keys[i].name, keys[i].has_arg, NULL, 1000 + i};
    }
    opts[n++] = (struct option){"kafka-config", required_argument, NULL, 'c'};
    opts[n++] = (struct option){"metrics-file", required_argument, NULL, 'm'};
    opts[n++] = (struct option){"verbose", no_argument, NULL, 'v'};
    opts[n++] = (struct option){"quiet", no_argument, NULL, 'q'};
    opts[n++] = (struct option){"help", no_argument, NULL, 'h'};
    opts[n++] = (struct option){"dlq", required_argument, NULL, 'd'};
    opts[n] = (struct option){NULL, 0, NULL, 0};

    zk_config_init(&cfg);
    cfg.log = on_log;
    cfg.metrics = on_metrics;
    cfg.opaque = &io;
    cfg.json_events = !strcmp(mode, "detect");
    cfg.reload = &reload_flag;
    optind = 1;
    while ((c = getopt_long(argc, argv, "X:hv", opts, NULL)) != -1) {
        int rc = 0;
        if (c >= 1000 && c < 1000 + NKEYS) {
            rc = zk_config_set(&cfg, keys[c - 1000].name, optarg, err, sizeof err);
        } else if (c == 'X') {
            rc = zk_config_set(&cfg, "X", optarg, err, sizeof err);
        } else if (c == 'c') {
            /* the file is read where it stands: later flags override it */
            rc = zk_config_load(&cfg, optarg, err, sizeof err);
        } else if (c == 'm') {
            metrics_path = optarg;
        } else if (c == 'v') {
            io.verbose = 1;
        } else if (c == 'q') {
            continue;
        } else if (c == 'd') {
            snprintf(err, sizeof err, "--dlq is for files; in Kafka mode use --dlq-topic");
            rc = -1;
        } else if (c == 'h') {
            stage_usage(stdout, mode);
            goto out;
        } else {
            stage_usage(stderr, mode);
            status = CLI_USAGE;
            goto out;
        }
        if (rc) {
            fprintf(stderr, "zonewarden %s: %s\n", mode, err);
            status = CLI_USAGE;
            goto out;
        }
    }
    if (zk_config_env(&cfg, err, sizeof err)) {
        fprintf(stderr, "zonewarden %s: %s\n", mode, err);
        status = CLI_USAGE;
        goto out;
    }
    if (optind < argc) {
        fprintf(stderr, "zonewarden %s: Kafka mode takes no input files ('%s')\n", mode,
                argv[optind]);
        status = CLI_USAGE;
        goto out;
    }
    if ((!strcmp(mode, "run") || cfg.json_events) && !cfg.rules) {
        fprintf(stderr, "zonewarden %s: Kafka mode needs --rules and --alert-topic\n", mode);
        status = CLI_USAGE;
        goto out;
    }
    if (zk_config_check(&cfg, err, sizeof err)) {
        fprintf(stderr, "zonewarden %s: %s\n", mode, err);
        status = CLI_USAGE;
        goto out;
    }
    if (metrics_path && !(io.metrics = fopen(metrics_path, "a"))) {
        perror(metrics_path);
        io.metrics = stderr;
        status = CLI_IO;
        goto out;
    }
    if (!(st = zk_stage_new(&cfg, err, sizeof err))) {
        fprintf(stderr, "zonewarden %s: %s\n", mode, err);
        status = CLI_USAGE;
        goto out;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = on_hup;
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (zk_stage_run(st, &run_flag, err, sizeof err)) {
        fprintf(stderr, "zonewarden %s: fatal: %s\n", mode, err);
        status = CLI_FAIL;
    }
    const zk_counters *k = zk_stage_counters(st);
    fprintf(stderr,
            "zonewarden %s: consumed %llu, events %llu, dead-lettered %llu, alerts %llu, "
            "acknowledged %llu, failed %llu, commits %llu, aborts %llu, rebalances %llu\n",
            mode, (unsigned long long)k->consumed, (unsigned long long)k->events,
            (unsigned long long)k->dead, (unsigned long long)k->alerts,
            (unsigned long long)k->produced, (unsigned long long)k->produce_failed,
            (unsigned long long)k->committed, (unsigned long long)k->aborted,
            (unsigned long long)k->rebalances);
out:
    zk_stage_destroy(st);
    zk_config_free(&cfg);
    if (io.metrics && io.metrics != stderr) {
        fclose(io.metrics);
    }
    return status;
}
