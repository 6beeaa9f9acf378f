/*
 * cmd_detect.c - the engine subcommands: `detect` (JSON events: normalized OCSF lines
 * or any raw JSON), `run` (normalize and detect in one process, matching directly on
 * canonical event slots), `test` (embedded examples of DET analytics) and `explain`
 * (why a rule matches an event, leaf by leaf).
 */
#include "../common/zw_buf.h"
#include "../common/zw_json.h"
#include "../common/zw_writer.h"
#include "../engine/en_pipe.h"
#include "../engine/en_tables.h"
#include "../normalizer/nz.h"
#include "../normalizer/nz_dlq.h"
#include "../normalizer/nz_inventory.h"
#include "cli_input.h"
#include "cli.h"
#include "cli_num.h"
#include "cli_out.h"
#include "cli_rules.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { OUT_ALERTS, OUT_MATCHES, OUT_COUNT };

/* Option ranges: durations up to ten years, counts up to a billion. */
#define DET_MAX_DURATION_MS (3650LL * 86400000LL)
#define DET_MAX_COUNT ((size_t)1000000000)

typedef struct {
    en_tables *t;
    en_matcher *m;
    FILE *out;
    int mode;
    zw_buf b;
    uint64_t events, matches, alerts, bad;
    uint64_t *per_rule;
    en_pipe *pipe;
    int failed;
    const char *src; /* current file */
    int64_t line;
    nz_dlq *dlq; /* run: dead letters (--dlq), or NULL (counted only) */
    int dlq_failed;
    int werr;    /* errno of the first failed write on out, 0 if none */
    int wfailed; /* a write on out failed: stop reading input */
    int dlq_err; /* errno of the first failed write on dlq */
} det_state;

static void out_failed(det_state *s)
{
    if (!s->wfailed) {
        s->werr = errno ? errno : EIO;
    }
    s->wfailed = 1;
}

/* Stop reading input: SIGINT / SIGTERM, or the output cannot be written. */
static int det_stopping(const det_state *s)
{
    return cli_stop_signal || s->wfailed;
}

static int sink_emit(void *ud, const en_alert *a)
{
    det_state *s = ud;
    size_t mark = s->b.len = 0;
    if (en_alert_write_json(&s->b, a, NULL) || zw_buf_putc(&s->b, '\n')) {
        s->b.len = mark;
        return ZW_ENOMEM;
    }
    errno = 0;
    if (s->wfailed || fwrite(s->b.p, 1, s->b.len, s->out) != s->b.len) {
        out_failed(s);
        return ZW_EIO;
    }
    s->alerts++;
    return 0;
}

static void on_matches(det_state *s, const uint32_t *rules, int n)
{
    const dc_ruleset *rs = en_tables_ruleset(s->t);
    s->matches += (uint64_t)n;
    for (int i = 0; i < n; i++) {
        const dc_rule *r = &rs->rules[rules[i]];
        if (s->per_rule) {
            s->per_rule[rules[i]]++;
        }
        errno = 0;
        if (s->mode == OUT_MATCHES && !s->wfailed &&
            fprintf(s->out, "%s\t%llu\n", r->id[0] ? r->id : r->title,
                    (unsigned long long)s->events) < 0) {
            out_failed(s);
        }
    }
}

static int load_tables(const char *path, en_tables **t, const char *cmd)
{
    char err[600];
    dc_ruleset *rs;
    if (dc_ir_read(path, &rs, err, sizeof err)) {
        fprintf(stderr, "zonewarden %s: %s\n", cmd, err);
        return -1;
    }
    if (en_tables_new(rs, t, err, sizeof err)) {
        fprintf(stderr, "zonewarden %s: %s\n", cmd, err);
        return -1;
    }
    return 0;
}

/* Reads JSON lines from f until end of input or a stop; 0, or CLI_IO on a read error
 * (reported). */
static int detect_stream(det_state *s, FILE *f)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int status = 0;
    fjson_tokener *tok = fjson_tokener_new();
    s->line = 0;
    errno = 0;
    while (!det_stopping(s) && (n = getline(&line, &cap, f)) > 0) {
        s->line++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) {
            n--;
        }
        if (n == 0) {
            continue;
        }
        if (!s->pipe) {
            /* matches / count: no DOM needed */
            const uint32_t *rules;
            int k = en_match_json_text(s->m, line, (size_t)n, &rules);
            if (k == ZW_EINVAL) {
                s->bad++;
                fprintf(stderr, "zonewarden detect: %s:%lld: not a JSON object, skipped\n",
                        s->src ? s->src : "-", (long long)s->line);
                continue;
            }
            if (k > 0) {
                on_matches(s, rules, k);
            }
            s->events++;
            continue;
        }
        fjson_tokener_reset(tok);
        fjson_object *o = fjson_tokener_parse_ex(tok, line, (int)n);
        if (!o || fjson_object_get_type(o) != fjson_type_object) {
            s->bad++;
            fprintf(stderr, "zonewarden detect: %s:%lld: not a JSON object, skipped\n",
                    s->src ? s->src : "-", (long long)s->line);
            fjson_object_put(o);
            continue;
        }
        const uint32_t *rules;
        int k;
        if (s->pipe) {
            char pos[600];
            int pl =
                snprintf(pos, sizeof pos, "%s:%lld", s->src ? s->src : "-", (long long)s->line);
            k = en_pipe_json(s->pipe, o, zw_str_make(pos, (size_t)pl), -1);
            rules = en_pipe_last(s->pipe, &k);
            if (k < 0) {
                s->failed = 1;
            }
        } else {
            k = en_match_json(s->m, o, &rules);
        }
        if (k > 0) {
            on_matches(s, rules, k);
        }
        s->events++;
        fjson_object_put(o);
        errno = 0;
    }
    if (ferror(f) && !det_stopping(s)) {
        fprintf(stderr, "zonewarden detect: %s: read error: %s\n", s->src ? s->src : "stdin",
                f == stdin && cli_stdin_closed() ? "standard input is closed"
                                                 : strerror(errno ? errno : EIO));
        status = CLI_IO;
    }
    fjson_tokener_free(tok);
    free(line);
    return status;
}

static void det_usage(FILE *f, const char *cmd)
{
    int run = strcmp(cmd, "run") == 0;
    fprintf(f,
            "usage: zonewarden %s -r rules.zwt [options] [FILE...]\n%s"
            "\n"
            "File mode:\n"
            "  -r, --rules FILE       compiled tables (zonewarden compile; required)\n"
            "  -o FILE                write to FILE (default stdout)\n"
            "  --output alerts|matches|count\n"
            "                         alerts: OCSF Detection Findings after correlation\n"
            "                         (default); matches: a line 'RULE-ID<TAB>EVENT-NO'\n"
            "                         per rule match; count: only the summary on stderr\n"
            "                         (events, rule matches; for benchmarks)\n"
            "  --stats                matches per rule and correlation counters on stderr\n"
            "  --state FILE           keep open correlation windows in FILE between runs\n"
            "                         (default: none, windows are flushed at the end)\n"
            "  --lateness DUR         how late (event time) a match may arrive and still be\n"
            "                         correlated: 30s, 5m, 1h (default 10m)\n"
            "  --max-groups N         open correlation groups before the oldest is evicted\n"
            "                         (default 1000000)\n"
            "  --merge DUR            identical alerts (same rule and key) within DUR of\n"
            "                         event time become one with a count (default 0 = off)\n"
            "  --max-pending N        matches waiting for the watermark before the oldest is\n"
            "                         processed early, counted (default 200000)\n"
            "  --max-future-skew DUR  event time trusted past the wall clock and past the\n"
            "                         other events (default 24h); later: flagged, counted\n"
            "  --regex-match-limit N  PCRE2 match limit per regex run (default 100000); a\n"
            "                         run stopped by it is no match, counted per rule\n"
            "  --format F             %s\n"
            "  --inventory FILE       %s\n"
            "  --dlq FILE             %s\n"
            "  --dlq-max-bytes N[K|M|G]\n"
            "                         run only: dead letters past this size are counted,\n"
            "                         not written (default 1G)\n"
            "  --stats-json FILE      run only: per-input record accounting as JSON\n"
            "  --listen-dnstap unix:PATH\n"
            "                         %s\n"
            "  -h, --help             this text\n"
            "\n",
            cmd,
            run ? "Normalizes raw logs (plain or .gz; no FILE or '-' = stdin) and detects in one\n"
                  "process; alerts (OCSF Detection Findings) as JSON lines.\n"
                : "Reads JSON lines (normalized OCSF / ECS events or raw JSON; no FILE or '-' =\n"
                  "stdin) and writes alerts (OCSF Detection Findings) as JSON lines.\n",
            run ? "parser for every input (default auto; see\n"
                  "                         zonewarden formats)"
                : "run only: parser for every input",
            run ? "zones, approved principals, secondaries, scanners\n"
                  "                         (docs/INVENTORY.md; default none)"
                : "run only: the inventory (docs/INVENTORY.md)",
            run ? "write records no parser accepts to FILE (default:\n"
                  "                         counted in the summary on stderr)"
                : "run only: dead letters of the normalizer",
            run ? "also accept live dnstap (Frame Streams) on a unix\n"
                  "                         socket, after the FILEs, until SIGINT/SIGTERM"
                : "run only: live dnstap on a unix socket");
    cli_stage_help(f, cmd);
}

static int on_nz_event(void *opaque, zw_event *ev)
{
    det_state *s = opaque;
    const uint32_t *rules;
    int k;
    if (s->pipe) {
        char pos[600];
        zw_str f = zw_ev_str(ev, ZW_F_U_POS_FILE);
        int pl = snprintf(pos, sizeof pos, "%.*s:%lld", (int)(f.n < 500 ? f.n : 500),
                          f.p ? f.p : "-", (long long)zw_ev_int(ev, ZW_F_U_POS_LINE));
        k = en_pipe_event(s->pipe, ev, zw_str_make(pos, (size_t)pl), -1);
        if (k < 0) {
            return k;
        }
        rules = en_pipe_last(s->pipe, &k);
    } else {
        k = en_match_event(s->m, ev, &rules);
    }
    if (k < 0) {
        return k;
    }
    if (k > 0) {
        on_matches(s, rules, k);
    }
    s->events++;
    /* a stop ends nz_read_file after this event, which is counted and processed */
    return det_stopping(s) ? ZW_ERR : 0;
}

static int on_nz_dead(void *opaque, const nz_dead *d)
{
    det_state *s = opaque;
    char err[300];
    if (!s->dlq) {
        return 0; /* counted by the normalizer; the summary on stderr reports it */
    }
    int rc = nz_dlq_write(s->dlq, d, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "zonewarden run: dead letters: %s\n", err);
        s->dlq_failed = 1;
    }
    return rc;
}

/* Regex runs stopped by a PCRE2 limit counted as "no match": never silent. */
static void report_regex_limits(const en_tables *t, const char *cmd)
{
    uint64_t n = en_tables_regex_errors(t);
    if (n == 0) {
        return;
    }
    fprintf(stderr,
            "zonewarden %s: %llu regex runs stopped by the match limit (%u; "
            "--regex-match-limit), counted as no match:\n",
            cmd, (unsigned long long)n, en_tables_regex_limit(t));
    const dc_ruleset *rs = en_tables_ruleset(t);
    for (uint32_t r = 0; r < rs->nrules; r++) {
        uint64_t k = en_tables_rule_regex_errors(t, r);
        if (k) {
            fprintf(stderr, "  %8llu  %s  %s\n", (unsigned long long)k, rs->rules[r].id,
                    rs->rules[r].title);
        }
    }
}

/* --state FILE is written at the end (temp file + rename in its folder): a folder
 * that does not exist or is not writable fails now, before the run, not after it. */
static int state_dir_ok(const char *cmd, const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(dir, sizeof dir, ".");
    } else {
        int n = slash == path ? 1 : (int)(slash - path);
        snprintf(dir, sizeof dir, "%.*s", n, path);
    }
    if (access(dir, W_OK | X_OK) != 0) {
        fprintf(stderr, "zonewarden %s: --state %s: cannot write in folder %s: %s\n", cmd, path,
                dir, strerror(errno));
        return CLI_IO;
    }
    return 0;
}

/* Inputs of `detect` (JSON lines), until the end or a stop; 0 or CLI_IO. */
static int detect_inputs(det_state *s, int argc, char **argv, int first)
{
    int status = 0;
    if (first >= argc) {
        return detect_stream(s, stdin);
    }
    for (int i = first; i < argc && !det_stopping(s); i++) {
        FILE *f = strcmp(argv[i], "-") == 0 ? stdin : fopen(argv[i], "r");
        if (!f) {
            perror(argv[i]);
            status = CLI_IO;
            continue;
        }
        s->src = argv[i];
        if (detect_stream(s, f)) {
            status = CLI_IO;
        }
        if (f != stdin) {
            fclose(f);
        }
    }
    return status;
}

static int det_main(int argc, char **argv, int run)
{
    static const struct option opts[] = {
        {"rules", required_argument, NULL, 'r'},
        {"output", required_argument, NULL, 'O'},
        {"stats", no_argument, NULL, 's'},
        {"format", required_argument, NULL, 'f'},
        {"state", required_argument, NULL, 'S'},
        {"lateness", required_argument, NULL, 'L'},
        {"max-groups", required_argument, NULL, 'G'},
        {"merge", required_argument, NULL, 'M'},
        {"max-pending", required_argument, NULL, 'P'},
        {"max-future-skew", required_argument, NULL, 'K'},
        {"inventory", required_argument, NULL, 'I'},
        {"dlq", required_argument, NULL, 'D'},
        {"regex-match-limit", required_argument, NULL, 'X'},
        {"listen-dnstap", required_argument, NULL, 'W'},
        {"dlq-max-bytes", required_argument, NULL, 'B'},
        {"stats-json", required_argument, NULL, 'J'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *rules = NULL, *outp = NULL, *format = NULL, *state = NULL;
    const char *invpath = NULL, *dlqpath = NULL, *listen = NULL, *stats_json = NULL;
    int64_t dlq_max = 0;
    nz_inventory *inv = NULL;
    en_corr_opts co;
    memset(&co, 0, sizeof co);
    co.allowed_lateness_ms = 600000; /* files are rarely in time order across sources */
    int c, stats = 0, status = CLI_OK;
    unsigned long re_limit = 0;
    det_state s;
    if (cli_wants_kafka(argc, argv)) { /* Kafka mode: cmd_stage.c, docs/KAFKA.md */
        return cmd_stage(run ? "run" : "detect", argc, argv);
    }
    memset(&s, 0, sizeof s);
    s.out = stdout;
    optind = 1;
    while ((c = getopt_long(argc, argv, "r:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            rules = optarg;
            break;
        case 'o':
            outp = optarg;
            break;
        case 'O':
            if (strcmp(optarg, "alerts") == 0) {
                s.mode = OUT_ALERTS;
            } else if (strcmp(optarg, "matches") == 0) {
                s.mode = OUT_MATCHES;
            } else if (strcmp(optarg, "count") == 0) {
                s.mode = OUT_COUNT;
            } else {
                det_usage(stderr, argv[0]);
                return CLI_USAGE;
            }
            break;
        case 's':
            stats = 1;
            break;
        case 'f':
            format = optarg;
            break;
        case 'S':
            state = optarg;
            break;
        case 'I':
            invpath = optarg;
            break;
        case 'D':
            dlqpath = optarg;
            break;
        case 'W':
            listen = optarg;
            break;
        case 'B':
            if ((dlq_max = nz_parse_size(optarg)) < 0) {
                fprintf(stderr, "zonewarden %s: bad --dlq-max-bytes '%s' (512K, 64M, 1G)\n",
                        argv[0], optarg);
                return CLI_USAGE;
            }
            break;
        case 'J':
            stats_json = optarg;
            break;
        case 'L':
            if (cli_num_duration(argv[0], "lateness", optarg, 0, DET_MAX_DURATION_MS,
                                 &co.allowed_lateness_ms)) {
                return CLI_USAGE;
            }
            break;
        case 'M':
            if (cli_num_duration(argv[0], "merge", optarg, 0, DET_MAX_DURATION_MS, &co.merge_ms)) {
                return CLI_USAGE;
            }
            break;
        case 'K':
            if (cli_num_duration(argv[0], "max-future-skew", optarg, 1, DET_MAX_DURATION_MS,
                                 &co.max_future_skew_ms)) {
                return CLI_USAGE;
            }
            break;
        case 'G':
            if (cli_num_size(argv[0], "max-groups", optarg, 1, DET_MAX_COUNT, &co.max_groups)) {
                return CLI_USAGE;
            }
            break;
        case 'P':
            if (cli_num_size(argv[0], "max-pending", optarg, 1, DET_MAX_COUNT, &co.max_pending)) {
                return CLI_USAGE;
            }
            break;
        case 'X': {
            char *end;
            errno = 0;
            re_limit = strtoul(optarg, &end, 10);
            if (errno || end == optarg || *end || optarg[0] == '-' || re_limit == 0 ||
                re_limit > UINT32_MAX) {
                fprintf(stderr,
                        "zonewarden %s: --regex-match-limit needs a count 1..%u, not '%s'\n",
                        argv[0], UINT32_MAX, optarg);
                return CLI_USAGE;
            }
            break;
        }
        case 'h':
            det_usage(stdout, argv[0]);
            return CLI_OK;
        default:
            det_usage(stderr, argv[0]);
            return CLI_USAGE;
        }
    }
    if (!rules) {
        det_usage(stderr, argv[0]);
        return CLI_USAGE;
    }
    if (listen && !run) {
        fprintf(stderr, "zonewarden detect: --listen-dnstap is for `zonewarden run`\n");
        return CLI_USAGE;
    }
    if (state && state_dir_ok(argv[0], state)) {
        return CLI_IO;
    }
    int reads_stdin = optind >= argc;
    for (int i = optind; i < argc; i++) {
        reads_stdin |= strcmp(argv[i], "-") == 0;
    }
    if (reads_stdin && cli_stdin_closed()) {
        fprintf(stderr, "zonewarden %s: cannot read stdin: standard input is closed\n", argv[0]);
        return CLI_IO;
    }
    if (!outp && s.mode != OUT_COUNT && cli_stdout_closed()) {
        return cli_write_error(argv[0], "stdout", EBADF);
    }
    if (load_tables(rules, &s.t, argv[0])) {
        return CLI_FAIL;
    }
    if (en_tables_set_regex_limit(s.t, (uint32_t)re_limit)) {
        fprintf(stderr, "zonewarden %s: out of memory\n", argv[0]);
        en_tables_destroy(s.t);
        return CLI_FAIL;
    }
    s.m = en_matcher_new(s.t);
    zw_buf_init(&s.b);
    if (s.mode == OUT_ALERTS) {
        char perr[600];
        en_alert_sink sink = {sink_emit, &s};
        s.pipe = en_pipe_new(s.t, &co, &sink, perr, sizeof perr);
        if (!s.pipe) {
            fprintf(stderr, "zonewarden %s: %s\n", argv[0], perr);
            status = CLI_FAIL;
            goto out;
        }
        if (state) {
            int loaded = 0;
            if (en_corr_state_open(en_pipe_corr(s.pipe), state, &loaded, perr, sizeof perr)) {
                fprintf(stderr, "zonewarden %s: %s\n", argv[0], perr);
                status = CLI_FAIL;
                goto out;
            }
        }
    }
    if (stats) {
        s.per_rule = calloc(en_tables_ruleset(s.t)->nrules + 1, sizeof *s.per_rule);
    }
    if (outp && !(s.out = cli_out_open(argv[0], outp))) {
        status = CLI_IO;
        goto out;
    }
    cli_stop_install();
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (run) {
        nz_options no = {0};
        no.format = format;
        nz_sink sink = {on_nz_event, on_nz_dead, &s};
        char err[512];
        nz_ctx *ctx = nz_ctx_new(&no, &sink, err, sizeof err);
        if (!ctx) {
            fprintf(stderr, "zonewarden run: %s\n", err);
            status = CLI_USAGE;
            goto out;
        }
        if (invpath) {
            if (!(inv = nz_inventory_load(invpath, err, sizeof err))) {
                fprintf(stderr, "zonewarden run: inventory: %s\n", err);
                nz_ctx_destroy(ctx);
                status = CLI_USAGE;
                goto out;
            }
            nz_inventory_attach(ctx, inv);
        }
        if (dlqpath && !(s.dlq = nz_dlq_open(dlqpath, (uint64_t)dlq_max, err, sizeof err))) {
            fprintf(stderr, "zonewarden run: %s\n", err);
            nz_ctx_destroy(ctx);
            status = CLI_IO;
            goto out;
        }
        cli_inputs ins;
        cli_inputs_init(&ins);
        for (int i = optind; (i < argc || (i == optind && !listen)) && !det_stopping(&s); i++) {
            const char *p = i < argc ? argv[i] : "-";
            s.src = p;
            if (cli_read_input(ctx, "run", p, &ins) && !det_stopping(&s)) {
                status = CLI_IO;
            }
            if (i >= argc) {
                break;
            }
        }
        if (listen) {
            s.src = listen;
            if (cli_listen_dnstap(ctx, listen, err, sizeof err)) {
                fprintf(stderr, "zonewarden run: %s\n", err);
                status = CLI_IO;
            }
        }
        zw_buf bb;
        zw_buf_init(&bb);
        if (nz_stats_format(ctx, &bb) == 0) {
            fwrite(bb.p, 1, bb.len, stderr);
        }
        cli_inputs_print(&ins, ctx, stderr);
        if (stats_json && cli_write_stats_json(stats_json, ctx, &ins, "run")) {
            status = CLI_IO;
        }
        cli_inputs_free(&ins);
        zw_buf_free(&bb);
        nz_ctx_destroy(ctx);
    } else if (detect_inputs(&s, argc, argv, optind)) {
        status = CLI_IO;
    }
    if (s.pipe) {
        char perr[600];
        if (state) {
            /* keep open windows for the next run: no flush; but process the matches
             * still waiting for the watermark, so this run's output is complete */
            en_alert_sink dsink = {sink_emit, &s};
            if (en_corr_drain(en_pipe_corr(s.pipe), EN_CORR_ALL, &dsink) < 0) {
                status = CLI_FAIL;
            } else if (en_corr_state_close(en_pipe_corr(s.pipe), state, perr, sizeof perr)) {
                fprintf(stderr, "zonewarden %s: %s\n", argv[0], perr);
                status = CLI_IO;
            }
        } else if (en_pipe_flush(s.pipe) < 0) {
            status = CLI_FAIL;
        }
        en_corr_stats cs;
        en_corr_get_stats(en_pipe_corr(s.pipe), &cs);
        if (cs.evictions || cs.late_dropped || cs.future_events || cs.jumps_held ||
            cs.pending_overflow || cs.state_clamped || stats) {
            fprintf(stderr,
                    "correlation: %llu groups created, %llu evicted, %llu late matches dropped, "
                    "%llu firings\n"
                    "correlation: %llu future_events, %llu time jumps held, %llu pending_overflow, "
                    "%llu state watermarks reset\n",
                    (unsigned long long)cs.groups_created, (unsigned long long)cs.evictions,
                    (unsigned long long)cs.late_dropped, (unsigned long long)cs.fired,
                    (unsigned long long)cs.future_events, (unsigned long long)cs.jumps_held,
                    (unsigned long long)cs.pending_overflow, (unsigned long long)cs.state_clamped);
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    fprintf(stderr,
            "zonewarden %s: %llu events, %llu rule matches, %llu alerts, %llu unreadable; "
            "%.3f s, %.0f events/s\n",
            argv[0], (unsigned long long)s.events, (unsigned long long)s.matches,
            (unsigned long long)s.alerts, (unsigned long long)s.bad, secs,
            secs > 0 ? (double)s.events / secs : 0.0);
    report_regex_limits(s.t, argv[0]);
    if (stats) {
        en_tables_stats ts;
        en_tables_get_stats(s.t, &ts);
        fprintf(stderr,
                "tables: %zu fields, %zu exact values, %zu literals, %zu wildcard patterns, %zu "
                "regexes (%zu gated by a literal), %zu CIDRs, %zu numeric, %zu rules evaluated "
                "on every event, ~%zu KiB\n",
                ts.fields, ts.exact, ts.literals, ts.globs, ts.regexes, ts.gated_regexes, ts.cidrs,
                ts.numeric, ts.always_rules, ts.memory / 1024);
        const dc_ruleset *rs = en_tables_ruleset(s.t);
        for (uint32_t r = 0; r < rs->nrules; r++) {
            if (s.per_rule[r]) {
                fprintf(stderr, "  %8llu  %s  %s\n", (unsigned long long)s.per_rule[r],
                        rs->rules[r].id, rs->rules[r].title);
            }
        }
    }
    if (cli_stop_signal) {
        fprintf(stderr, "zonewarden %s: stopped by signal %d: input not read to the end\n", argv[0],
                (int)cli_stop_signal);
        status = status ? status : cli_stop_status();
    }
out:
    if (s.out && cli_out_close(argv[0], s.out, outp ? outp : "stdout", s.werr)) {
        status = CLI_IO;
    }
    if (s.dlq) {
        char cerr[300];
        if (nz_dlq_close(s.dlq, cerr, sizeof cerr)) {
            fprintf(stderr, "zonewarden %s: dead letters: %s\n", argv[0], cerr);
            status = CLI_IO;
        } else if (s.dlq_failed) {
            status = CLI_IO;
        }
    }
    nz_inventory_destroy(inv);
    free(s.per_rule);
    en_pipe_destroy(s.pipe);
    zw_buf_free(&s.b);
    en_matcher_destroy(s.m);
    en_tables_destroy(s.t);
    return status;
}

int cmd_detect(int argc, char **argv)
{
    return det_main(argc, argv, 0);
}

int cmd_run(int argc, char **argv)
{
    return det_main(argc, argv, 1);
}

/* ---- test ---- */

typedef struct {
    en_matcher *m;
    uint32_t rule;
    int hit, events;
} ex_state;

static int ex_on_event(void *opaque, zw_event *ev)
{
    ex_state *e = opaque;
    zw_event_finalize(ev);
    const uint32_t *rules;
    int k = en_match_event(e->m, ev, &rules);
    for (int i = 0; i < k; i++) {
        e->hit |= rules[i] == e->rule;
    }
    e->events++;
    return 0;
}

static int ex_on_dead(void *opaque, const nz_dead *d)
{
    (void)opaque;
    fprintf(stderr, "    (example not normalized: %s)\n", d->reason);
    return 0;
}

/* Does the example match its rule?  A normalized event (JSON with class_uid) is
 * matched as it is; any other text (log line, provider JSON record) is a raw record,
 * normalized first (auto-detected format); JSON no parser recognises is matched as a
 * raw JSON event.  -1: unusable. */
static int run_example(en_tables *t, en_matcher *m, const dc_example *ex)
{
    const char *p = ex->json;
    while (*p == ' ' || *p == '\n') {
        p++;
    }
    int raw_json = *p == '{' && !strstr(p, "\"class_uid\"");
    if (raw_json) {
        ex_state e = {m, ex->rule, 0, 0};
        nz_options no = {0};
        no.ref_ms = 1795784720000LL;
        nz_sink sink = {ex_on_event, NULL, &e};
        char err[256];
        nz_ctx *ctx = nz_ctx_new(&no, &sink, err, sizeof err);
        if (ctx) {
            nz_stream *st = nz_stream_new(ctx, ex->file);
            nz_stream_record(st, p, strlen(p), NULL);
            nz_stream_destroy(st);
            nz_ctx_destroy(ctx);
            if (e.events) {
                return e.hit;
            }
        }
    }
    if (*p == '{') {
        fjson_object *o = fjson_tokener_parse(p);
        if (!o) {
            return -1;
        }
        const uint32_t *rules;
        int k = en_match_json(m, o, &rules), hit = 0;
        for (int i = 0; i < k; i++) {
            hit |= rules[i] == ex->rule;
        }
        fjson_object_put(o);
        return hit;
    }
    (void)t;
    ex_state e = {m, ex->rule, 0, 0};
    nz_options no = {0};
    no.ref_ms = 1795784720000LL; /* fixed reference year for year-less formats */
    nz_sink sink = {ex_on_event, ex_on_dead, &e};
    char err[256];
    nz_ctx *ctx = nz_ctx_new(&no, &sink, err, sizeof err);
    if (!ctx) {
        return -1;
    }
    nz_stream *st = nz_stream_new(ctx, ex->file);
    nz_stream_record(st, p, strlen(p), NULL);
    nz_stream_destroy(st);
    nz_ctx_destroy(ctx);
    return e.events ? e.hit : -1;
}

static void common_usage(FILE *f, const char *cmd)
{
    if (strcmp(cmd, "test") == 0) {
        fprintf(f, "usage: zonewarden test [options] RULE_PATH...\n"
                   "Runs every analytic's embedded must_match / must_not_match examples (raw\n"
                   "log lines are normalized first); exit 1 on any failure.\n"
                   "\n"
                   "  -t, --tuning FILE      parameter values for the analytics (default: the\n"
                   "                         defaults in the detections)\n"
                   "  --fieldmaps DIR|none   Sigma field maps (default: the installed\n"
                   "                         schemas/fieldmaps, or $ZW_FIELDMAPS)\n"
                   "  -v, --verbose          print every passing example too\n"
                   "  -h, --help             this text\n");
    } else {
        fprintf(f, "usage: zonewarden explain [options] RULE_PATH EVENT\n"
                   "EVENT is a file holding one JSON event, or the JSON text itself.  Shows for\n"
                   "each rule which fields and values matched, or why not.  Exit: 0 when a\n"
                   "rule matched, 1 when none did, 2 usage.\n"
                   "\n"
                   "  --rule ID              explain only the rule with this id\n"
                   "  -t, --tuning FILE      parameter values for the analytics (default: the\n"
                   "                         defaults in the detections)\n"
                   "  --fieldmaps DIR|none   Sigma field maps (default: the installed\n"
                   "                         schemas/fieldmaps, or $ZW_FIELDMAPS)\n"
                   "  -h, --help             this text\n");
    }
}

int cmd_test(int argc, char **argv)
{
    static const struct option opts[] = {
        {"tuning", required_argument, NULL, 't'},
        {"fieldmaps", required_argument, NULL, 'F'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *tuning = NULL, *fm = NULL;
    int c, verbose = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "t:vh", opts, NULL)) != -1) {
        switch (c) {
        case 't':
            tuning = optarg;
            break;
        case 'F':
            fm = optarg;
            break;
        case 'v':
            verbose = 1;
            break;
        case 'h':
            common_usage(stdout, argv[0]);
            return CLI_OK;
        default:
            common_usage(stderr, argv[0]);
            return CLI_USAGE;
        }
    }
    if (optind >= argc) {
        common_usage(stderr, argv[0]);
        return CLI_USAGE;
    }
    dc_diags d;
    dc_diags_init(&d);
    dc_ruleset *rs = cli_compile(argc - optind, argv + optind, tuning, fm, &d, NULL);
    cli_print_diags(&d, -1);
    if (!rs || dc_diags_errors(&d)) {
        fprintf(stderr, "zonewarden test: the detections do not compile\n");
        dc_ruleset_free(rs);
        dc_diags_free(&d);
        return CLI_FAIL;
    }
    dc_diags_free(&d);
    /* examples are not part of the tables: keep them aside */
    uint32_t nex = rs->nexamples;
    dc_example *exs = rs->examples;
    rs->examples = NULL;
    rs->nexamples = rs->capexamples = 0;
    en_tables *t;
    char err[512];
    if (en_tables_new(rs, &t, err, sizeof err)) {
        fprintf(stderr, "zonewarden test: %s\n", err);
        return CLI_FAIL;
    }
    en_matcher *m = en_matcher_new(t);
    const dc_ruleset *r = en_tables_ruleset(t);
    int fails = 0, passes = 0;
    for (uint32_t i = 0; i < nex; i++) {
        const dc_example *ex = &exs[i];
        int hit = run_example(t, m, ex);
        int ok = hit >= 0 && hit == ex->must_match;
        const dc_rule *ru = &r->rules[ex->rule];
        if (!ok) {
            fails++;
            fprintf(stderr, "%s:%u:1: FAIL: %s %s: %s\n", ex->file, ex->line, ru->id,
                    ex->must_match ? "must_match" : "must_not_match",
                    hit < 0          ? "example is not a JSON event and no parser accepted it"
                    : ex->must_match ? "did not match"
                                     : "matched");
        } else {
            passes++;
            if (verbose) {
                printf("%s:%u: ok: %s %s\n", ex->file, ex->line, ru->id,
                       ex->must_match ? "must_match" : "must_not_match");
            }
        }
    }
    printf("zonewarden test: %d examples passed, %d failed\n", passes, fails);
    for (uint32_t i = 0; i < nex; i++) {
        free(exs[i].json);
        free(exs[i].file);
    }
    free(exs);
    en_matcher_destroy(m);
    en_tables_destroy(t);
    return fails ? CLI_FAIL : CLI_OK;
}

int cmd_explain(int argc, char **argv)
{
    static const struct option opts[] = {
        {"tuning", required_argument, NULL, 't'},
        {"fieldmaps", required_argument, NULL, 'F'},
        {"rule", required_argument, NULL, 'R'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *tuning = NULL, *fm = NULL, *only = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "t:h", opts, NULL)) != -1) {
        switch (c) {
        case 't':
            tuning = optarg;
            break;
        case 'F':
            fm = optarg;
            break;
        case 'R':
            only = optarg;
            break;
        case 'h':
            common_usage(stdout, argv[0]);
            return CLI_OK;
        default:
            common_usage(stderr, argv[0]);
            return CLI_USAGE;
        }
    }
    if (argc - optind != 2) {
        common_usage(stderr, argv[0]);
        return CLI_USAGE;
    }
    const char *evarg = argv[optind + 1];
    fjson_object *ev = NULL;
    if (evarg[0] == '{') {
        ev = fjson_tokener_parse(evarg);
    } else {
        FILE *f = fopen(evarg, "r");
        if (!f) {
            perror(evarg);
            return CLI_IO;
        }
        zw_buf b;
        zw_buf_init(&b);
        char tmp[8192];
        size_t k;
        while ((k = fread(tmp, 1, sizeof tmp, f)) > 0) {
            zw_buf_append(&b, tmp, k);
        }
        fclose(f);
        zw_buf_cstr(&b);
        ev = b.p ? fjson_tokener_parse(b.p) : NULL;
        zw_buf_free(&b);
    }
    if (!ev || fjson_object_get_type(ev) != fjson_type_object) {
        fprintf(stderr, "zonewarden explain: %s is not a JSON object\n", evarg);
        fjson_object_put(ev);
        return CLI_USAGE;
    }
    dc_diags d;
    dc_diags_init(&d);
    cli_explain_mode = 1;
    dc_ruleset *rs = cli_compile(1, argv + optind, tuning, fm, &d, NULL);
    cli_explain_mode = 0;
    cli_print_diags(&d, 0);
    int status = CLI_OK;
    en_tables *t = NULL;
    char err[512];
    if (!rs || dc_diags_errors(&d) || en_tables_new(rs, &t, err, sizeof err)) {
        fprintf(stderr, "zonewarden explain: the rule does not compile\n");
        status = CLI_FAIL;
        goto out;
    }
    const dc_ruleset *r = en_tables_ruleset(t);
    zw_buf b;
    zw_buf_init(&b);
    int any = 0;
    en_matcher *m = en_matcher_new(t);
    const uint32_t *res = NULL;
    int nres = m ? en_match_json(m, ev, &res) : 0;
    for (uint32_t i = 0; i < r->nrules; i++) {
        if (r->rules[i].kind == DC_RK_SELECTION || (only && strcmp(r->rules[i].id, only) != 0)) {
            continue;
        }
        any |= en_explain_json(t, i, ev, &b) > 0;
        int first = 1;
        for (uint32_t j = i + 1; j < r->nrules && r->rules[j].kind == DC_RK_SELECTION; j++) {
            int hit = 0;
            for (int k = 0; k < nres; k++) {
                hit |= res[k] == j;
            }
            zw_buf_printf(&b, "%s%s=%s", first ? "  selections: " : ", ", r->rules[j].title,
                          hit ? "match" : "no");
            first = 0;
        }
        if (!first) {
            zw_buf_putc(&b, '\n');
        }
    }
    en_matcher_destroy(m);
    fwrite(b.p, 1, b.len, stdout);
    zw_buf_free(&b);
    status = any ? CLI_OK : CLI_FAIL;
out:
    en_tables_destroy(t);
    dc_diags_free(&d);
    fjson_object_put(ev);
    return status;
}
