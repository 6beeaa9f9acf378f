/*
 * cmd_normalize.c - `zonewarden normalize` and `zonewarden formats`: files or stdin
 * through the normalizer to JSON lines, dead letters to --dlq, a summary on stderr.
 */
#include "../common/zw_buf.h"
#include "../common/zw_writer.h"
#include "../normalizer/nz.h"
#include "../normalizer/nz_inventory.h"
#include "cli.h"
#include "cli_out.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    FILE *out;
    FILE *dlq;
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
    if (!s->dlq) {
        return 0; /* counted by the driver; the summary reports it */
    }
    zw_buf_clear(&s->buf);
    if (nz_dead_to_json(&s->buf, d) || zw_buf_putc(&s->buf, '\n')) {
        return ZW_ENOMEM;
    }
    errno = 0;
    if (fwrite(s->buf.p, 1, s->buf.len, s->dlq) != s->buf.len) {
        s->dlq_err = s->dlq_err ? s->dlq_err : errno ? errno : EIO;
        s->write_failed = 1;
        return ZW_EIO;
    }
    return cli_stop_signal ? ZW_ERR : 0;
}

static void normalize_usage(FILE *f)
{
    fprintf(f, "usage: zonewarden normalize [--format F|auto] [--output ocsf|ecs] [--dlq FILE]\n"
               "                            [-o FILE] [--raw] [--tz +HH:MM] [--inventory FILE] [--quiet]\n"
               "                            [FILE...]\n"
               "Reads files (plain or .gz; none or '-' = stdin), writes one JSON event per line.\n");
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
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    nz_options no = {0};
    sink_state ss = {stdout, NULL, ZW_OUT_OCSF, {0}, {0}, 0, 0, 0, 0};
    const char *outpath = NULL, *dlqpath = NULL;
    int quiet = 0, c, status = CLI_OK;
    nz_ctx *ctx = NULL;
    nz_inventory *inv = NULL;
    const char *invpath = NULL;
    char err[512];

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
    ss.batch = reads_only_files(argc, argv, optind);
    if (dlqpath && !(ss.dlq = cli_out_open("normalize", dlqpath))) {
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
    for (int i = optind; (i < argc || i == optind) && !cli_stop_signal && !ss.write_failed;
         i++) {
        /* a write failure is reported once, with its path, when the output closes */
        if (nz_read_file(ctx, i < argc ? argv[i] : "-", err, sizeof err) && !cli_stop_signal &&
            !ss.write_failed) {
            fprintf(stderr, "zonewarden normalize: %s\n", err);
            status = CLI_IO;
        }
    }
    if (!ss.write_failed && flush_events(&ss)) {
        status = CLI_IO;
    }
    if (!quiet) {
        zw_buf_clear(&ss.buf);
        if (nz_stats_format(ctx, &ss.buf) == 0) {
            fwrite(ss.buf.p, 1, ss.buf.len, stderr);
        }
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
    if (cli_out_close("normalize", ss.dlq, dlqpath ? dlqpath : "", ss.dlq_err)) {
        status = CLI_IO;
    }
    nz_ctx_destroy(ctx);
    nz_inventory_destroy(inv);
    zw_buf_free(&ss.buf);
    zw_buf_free(&ss.events);
    return status;
}

int cmd_formats(int argc, char **argv)
{
    if (argc > 1) {
        int help = strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0;
        fprintf(help ? stdout : stderr,
                "%susage: zonewarden formats\nLists the input formats the normalizer knows.\n",
                help ? "" : "zonewarden formats: takes no arguments\n");
        return help && argc == 2 ? CLI_OK : CLI_USAGE;
    }
    size_t n;
    const nz_parser *const *p = nz_parsers(&n);
    for (size_t i = 0; i < n; i++) {
        printf("%-16s %s%s\n", p[i]->name, p[i]->description, p[i]->json ? " (JSON)" : "");
    }
    return cli_out_close("formats", stdout, "stdout", 0);
}
