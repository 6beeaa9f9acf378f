/*
 * cmd_normalize.c - `zonewarden normalize` and `zonewarden formats`: files or stdin
 * through the normalizer to JSON lines, dead letters to --dlq, a summary on stderr.
 */
#include "../common/zw_buf.h"
#include "../common/zw_writer.h"
#include "../normalizer/nz.h"
#include "../normalizer/nz_dlq.h"
#include "../normalizer/nz_inventory.h"
#include "cli.h"
#include "cli_input.h"
#include "cli_out.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    FILE *out;
    nz_dlq *dlq;
    zw_out_kind kind;
    zw_buf buf;
    zw_buf events; /* output not yet handed to stdio */
    int batch;     /* collect events up to BATCH_BYTES: every input is a regular file */
    int write_failed;
    int out_err, dlq_err; /* errno of the first failed write on out / dlq */
} sink_state;

/* Batched output skips a copy into stdio's buffer per event and writes in large blocks
 * (one write per 4 KiB was ~5% of the time).  Reading a pipe or terminal, every event
 * goes to stdio at once so a tailed log streams as before. */
#define BATCH_BYTES (256u << 10)

static int flush_events(sink_state *s)
{
    errno = 0;
    if (s->events.len && fwrite(s->events.p, 1, s->events.len, s->out) != s->events.len) {
        s->out_err = s->out_err ? s->out_err : errno ? errno : EIO;
        s->write_failed = 1;
        zw_buf_clear(&s->events);
        return ZW_EIO;
    }
    zw_buf_clear(&s->events);
    return 0;
}

static int on_event(void *opaque, zw_event *ev)
{
    sink_state *s = opaque;
    if (zw_write_event(&s->events, ev, s->kind) || zw_buf_putc(&s->events, '\n')) {
        return ZW_ENOMEM;
    }
    if ((!s->batch || s->events.len >= BATCH_BYTES) && flush_events(s)) {
        return ZW_EIO;
    }
    /* SIGINT / SIGTERM: this event is written; nz_read_file stops after it */
    return cli_stop_signal ? ZW_ERR : 0;
}

static int on_dead(void *opaque, const nz_dead *d)
{
    sink_state *s = opaque;
    char err[300];
    if (!s->dlq) {
        return 0; /* counted by the driver; the summary reports it */
    }
    int rc = nz_dlq_write(s->dlq, d, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "zonewarden normalize: dead letters: %s\n", err);
        s->write_failed = 1;
    }
    return rc < 0 ? rc : cli_stop_signal ? ZW_ERR : rc; /* rc > 0: NZ_DEAD_UNWRITTEN */
}

static void normalize_usage(FILE *f)
{
    fprintf(f, "usage: zonewarden normalize [options] [FILE...]\n"
               "Reads DNS server and provider logs (plain or .gz; no FILE or '-' = stdin) and\n"
               "writes one JSON event per line.  Records no parser accepts are dead letters; a\n"
               "summary per format (read / emitted / noise / dead-lettered) goes to stderr.\n"
               "\n"
               "File mode:\n"
               "  -f, --format F         parser for every input (default auto: detected per\n"
               "                         file; `zonewarden formats` lists them)\n"
               "  --output ocsf|ecs      event schema (default ocsf)\n"
               "  -o FILE                write events to FILE (default stdout)\n"
               "  --dlq FILE             write dead letters (raw bytes, position, reason) to\n"
               "                         FILE (default: counted in the summary only)\n"
               "  --raw                  copy the raw record into raw_data / event.original\n"
               "  --tz +HH:MM            offset for timestamps without a zone (+HH:MM, -HHMM,\n"
               "                         UTC; default UTC)\n"
               "  --inventory FILE       zones, approved principals, secondaries and scanners\n"
               "                         (docs/INVENTORY.md; default none)\n"
               "  --quiet                no summary on stderr\n"
               "  --dlq-max-bytes N[K|M|G]\n"
               "                         dead letters past this size are counted, not written\n"
               "                         (default 1G)\n"
               "  --stats-json FILE      per-input record accounting (records = with events +\n"
               "                         noise + dead-lettered) as JSON\n"
               "  --listen-dnstap unix:PATH\n"
               "                         also accept live dnstap (Frame Streams, bidirectional:\n"
               "                         BIND dnstap-output unix, Knot mod-dnstap, fstrm_replay)\n"
               "                         on a unix socket, after the FILEs, until SIGINT/SIGTERM\n"
               "  -h, --help             this text\n"
               "\n");
    cli_stage_help(f, "normalize");
}

/* "+02:00", "-0500", "UTC" -> minutes; -1 on error via *ok. */
static int parse_tz(const char *s, int *out)
{
    if (strcmp(s, "UTC") == 0 || strcmp(s, "Z") == 0) {
        *out = 0;
        return 0;
    }
    int sign = s[0] == '-' ? -1 : s[0] == '+' ? 1 : 0;
    const char *d = s + 1;
    /* exactly HH:MM or HHMM, digits only (strict, like every numeric option) */
    size_t n = strlen(d), mo = n == 5 ? 3 : 2;
    if (!sign || (n != 5 && n != 4) || (n == 5 && d[2] != ':') || !isdigit((unsigned char)d[0]) ||
        !isdigit((unsigned char)d[1]) || !isdigit((unsigned char)d[mo]) ||
        !isdigit((unsigned char)d[mo + 1])) {
        return -1;
    }
    int h = (d[0] - '0') * 10 + (d[1] - '0');
    int m = (d[mo] - '0') * 10 + (d[mo + 1] - '0');
    if (h > 14 || m > 59) {
        return -1;
    }
    *out = sign * (h * 60 + m);
    return 0;
}

/* Input that ends: no stdin, or stdin redirected from a regular file (a pipe or a
 * terminal may be a live log whose events should come out as they are read). */
static int reads_only_files(int argc, char **argv, int first)
{
    int uses_stdin = first >= argc;
    for (int i = first; i < argc; i++) {
        if (strcmp(argv[i], "-") == 0) {
            uses_stdin = 1;
        }
    }
    struct stat sb;
    return !uses_stdin || (fstat(STDIN_FILENO, &sb) == 0 && S_ISREG(sb.st_mode));
}

int cmd_normalize(int argc, char **argv)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'}, {"output", required_argument, NULL, 'O'},
        {"dlq", required_argument, NULL, 'd'},    {"raw", no_argument, NULL, 'r'},
        {"tz", required_argument, NULL, 'z'},     {"quiet", no_argument, NULL, 'q'},
        {"inventory", required_argument, NULL, 'I'},
        {"listen-dnstap", required_argument, NULL, 'L'},
        {"dlq-max-bytes", required_argument, NULL, 'M'},
        {"stats-json", required_argument, NULL, 'J'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    int64_t dlq_max = 0;
    const char *stats_json = NULL;
    nz_options no = {0};
    sink_state ss = {stdout, NULL, ZW_OUT_OCSF, {0}, {0}, 0, 0, 0, 0};
    const char *outpath = NULL, *dlqpath = NULL;
    int quiet = 0, c, status = CLI_OK;
    nz_ctx *ctx = NULL;
    nz_inventory *inv = NULL;
    const char *invpath = NULL, *listen = NULL;
    char err[512];
    cli_inputs per_input;

    cli_inputs_init(&per_input);
    if (cli_wants_kafka(argc, argv)) {
        return cmd_stage("normalize", argc, argv);
    }
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:f:h", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            no.format = optarg;
            break;
        case 'O': {
            int k = zw_out_kind_parse(optarg);
            if (k < 0) {
                fprintf(stderr, "zonewarden normalize: --output must be ocsf or ecs\n");
                return CLI_USAGE;
            }
            ss.kind = (zw_out_kind)k;
            break;
        }
        case 'd':
            dlqpath = optarg;
            break;
        case 'o':
            outpath = optarg;
            break;
        case 'r':
            no.raw_data = 1;
            break;
        case 'z':
            if (parse_tz(optarg, &no.tz_offset_min)) {
                fprintf(stderr, "zonewarden normalize: bad --tz '%s' (want +HH:MM, -HHMM or UTC)\n",
                        optarg);
                return CLI_USAGE;
            }
            break;
        case 'q':
            quiet = 1;
            break;
        case 'I':
            invpath = optarg;
            break;
        case 'L':
            listen = optarg;
            break;
        case 'M':
            if ((dlq_max = nz_parse_size(optarg)) < 0) {
                fprintf(stderr,
                        "zonewarden normalize: bad --dlq-max-bytes '%s' (a positive size: 1048576, "
                        "512K, 64M, 1G)\n",
                        optarg);
                return CLI_USAGE;
            }
            break;
        case 'J':
            stats_json = optarg;
            break;
        case 'h':
            normalize_usage(stdout);
            return CLI_OK;
        default:
            normalize_usage(stderr);
            return CLI_USAGE;
        }
    }
    zw_buf_init(&ss.buf);
    zw_buf_init(&ss.events);
    int reads_stdin = optind >= argc;
    for (int i = optind; i < argc; i++) {
        reads_stdin |= strcmp(argv[i], "-") == 0;
    }
    if (reads_stdin && cli_stdin_closed()) {
        fprintf(stderr, "zonewarden normalize: cannot read stdin: standard input is closed\n");
        status = CLI_IO;
        goto out;
    }
    if (!(ss.out = cli_out_open("normalize", outpath))) {
        status = CLI_IO;
        goto out;
    }
    ss.batch = !listen && reads_only_files(argc, argv, optind);
    if (dlqpath && !(ss.dlq = nz_dlq_open(dlqpath, (uint64_t)dlq_max, err, sizeof err))) {
        fprintf(stderr, "zonewarden normalize: %s\n", err);
        status = CLI_IO;
        goto out;
    }
    cli_stop_install();
    nz_sink sink = {on_event, on_dead, &ss};
    ctx = nz_ctx_new(&no, &sink, err, sizeof err);
    if (!ctx) {
        fprintf(stderr, "zonewarden normalize: %s\n", err);
        status = CLI_USAGE;
        goto out;
    }
    if (invpath) {
        if (!(inv = nz_inventory_load(invpath, err, sizeof err))) {
            fprintf(stderr, "zonewarden normalize: inventory: %s\n", err);
            status = CLI_USAGE;
            goto out;
        }
        nz_inventory_attach(ctx, inv);
    }
    for (int i = optind; (i < argc || (i == optind && !listen)) && !cli_stop_signal &&
                         !ss.write_failed;
         i++) {
        const char *path = i < argc ? argv[i] : "-";
        /* a write failure is reported once, with its path, when the output closes */
        if (cli_read_input(ctx, "normalize", path, &per_input) != 0 && !cli_stop_signal &&
            !ss.write_failed) {
            status = CLI_IO;
        }
        if (i >= argc) {
            break;
        }
    }
    if (listen && !ss.write_failed && !cli_stop_signal &&
        cli_listen_dnstap(ctx, listen, err, sizeof err)) {
        fprintf(stderr, "zonewarden normalize: %s\n", err);
        status = CLI_IO;
    }
    if (!ss.write_failed && flush_events(&ss)) {
        status = CLI_IO;
    }
    if (!quiet) {
        zw_buf_clear(&ss.buf);
        if (nz_stats_format(ctx, &ss.buf) == 0) {
            fwrite(ss.buf.p, 1, ss.buf.len, stderr);
        }
        cli_inputs_print(&per_input, ctx, stderr);
    }
    if (stats_json && cli_write_stats_json(stats_json, ctx, &per_input, "normalize")) {
        status = CLI_IO;
    }
    if (cli_stop_signal) {
        fprintf(stderr, "zonewarden normalize: stopped by signal %d: input not read to the end\n",
                (int)cli_stop_signal);
        status = status ? status : cli_stop_status();
    }
out:
    if (cli_out_close("normalize", ss.out, outpath ? outpath : "stdout", ss.out_err)) {
        status = CLI_IO;
    }
    if (ss.dlq && nz_dlq_close(ss.dlq, err, sizeof err)) {
        fprintf(stderr, "zonewarden normalize: dead letters: %s\n", err);
        status = CLI_IO;
    }
    cli_inputs_free(&per_input);
    nz_ctx_destroy(ctx);
    nz_inventory_destroy(inv);
    zw_buf_free(&ss.buf);
    zw_buf_free(&ss.events);
    return status;
}

int cmd_formats(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: zonewarden formats\n"
                   "Lists the input formats the normalizer knows (a name for --format and\n"
                   "--input-topic T:FORMAT, and what it reads).\n"
                   "\n"
                   "  -h, --help             this text\n");
            return CLI_OK;
        }
        fprintf(stderr, "zonewarden formats: unrecognized option or argument '%s'\n", argv[i]);
        return CLI_USAGE;
    }
    size_t n;
    const nz_parser *const *p = nz_parsers(&n);
    for (size_t i = 0; i < n; i++) {
        printf("%-16s %s%s\n", p[i]->name, p[i]->description, p[i]->json ? " (JSON)" : "");
    }
    return cli_out_close("formats", stdout, "stdout", 0);
}
