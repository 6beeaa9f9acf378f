/*
 * cmd_config_review.c - `zonewarden config-review FILE...`: reads DNS server
 * configurations (named.conf, knot.conf, nsd.conf, pdns.conf; the type detected from
 * the syntax or given with --type), checks each against security guidance, and writes
 * one OCSF Compliance Finding per check (passes included) as JSON lines, a terminal
 * table and/or an HTML report.  Configuration errors are printed as file:line:col and
 * the readable part is still reviewed.
 */
#include "../common/zw_buf.h"
#include "../common/zw_writer.h"
#include "../review/cr.h"
#include "cli.h"
#include "cli_exposure.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CR_MAX_CONFIGS 256

static void usage(FILE *f)
{
    fprintf(f,
            "usage: zonewarden config-review [--type bind|knot|nsd|pdns] [--inventory FILE]\n"
            "                                [-o FILE] [--output ocsf|ecs] [--table]\n"
            "                                [--html FILE]\n"
            "                                [--fail-on info|low|medium|high|critical]\n"
            "                                FILE...\n"
            "Reviews DNS server configurations: transfer-open, update-open, recursion-open,\n"
            "version-disclosed, weak-tsig, logging-missing, notify-any and, with --inventory,\n"
            "secondary-missing / secondary-unapproved.  One Compliance Finding per check on\n"
            "stdout (or -o FILE); --table prints a table instead of JSON on stdout.\n"
            "Exit: 0 done, 1 a failed check at or above --fail-on, 2 usage, 3 input error.\n"
            "  -h, --help   this text\n");
}

static int parse_level(const char *s)
{
    static const struct {
        const char *name;
        int sev;
    } lv[] = {{"info", ZW_SEV_INFO},
              {"low", ZW_SEV_LOW},
              {"medium", ZW_SEV_MEDIUM},
              {"high", ZW_SEV_HIGH},
              {"critical", ZW_SEV_CRITICAL}};
    for (size_t i = 0; i < ZW_ARRAY_LEN(lv); i++) {
        if (strcmp(s, lv[i].name) == 0) {
            return lv[i].sev;
        }
    }
    return -1;
}

/* Writes every finding of r as a JSON line to f.  0 or CLI_IO. */
static int write_json(const cr_report *r, FILE *f, zw_out_kind kind, int64_t now, zw_buf *b)
{
    zw_arena *a = zw_arena_new(0);
    int status = a ? CLI_OK : CLI_IO;
    for (size_t i = 0; a && i < r->n; i++) {
        zw_event ev;
        zw_arena_reset(a);
        zw_event_init(&ev, a);
        zw_buf_clear(b);
        if (cr_finding_event(r, i, now, &ev) || zw_event_finalize(&ev) ||
            zw_write_event(b, &ev, kind) || zw_buf_putc(b, '\n') ||
            fwrite(b->p, 1, b->len, f) != b->len) {
            fprintf(stderr, "zonewarden config-review: write failed\n");
            status = CLI_IO;
            break;
        }
    }
    zw_arena_destroy(a);
    return status;
}

/* What every file's review shares. */
typedef struct {
    FILE *jf; /* JSON lines here, or NULL */
    int table, fail_on, failed;
    zw_out_kind kind;
    int64_t now;
    zw_buf *b;
} review_opts;

/* Reads, checks and writes one configuration; *cfg and *rep are set when they exist
 * (the caller frees them).  Prints its own messages.  CLI_OK or CLI_IO. */
static int review_file(const char *path, int type, const nz_inventory *inv, review_opts *o,
                       cr_config **cfg, cr_report **rep)
{
    char err[512];
    int status = CLI_OK;
    *rep = NULL;
    int rc = cr_config_read(path, type, cfg, err, sizeof err);
    if (!*cfg) {
        fprintf(stderr, "zonewarden config-review: %s\n", err);
        return CLI_IO;
    }
    for (size_t d = 0; d < (*cfg)->ndiag; d++) {
        const cr_diag *dg = &(*cfg)->diag[d];
        fprintf(stderr, "%s:%lld:%lld: %s\n", dg->file ? dg->file : path, (long long)dg->line,
                (long long)dg->col, dg->msg);
    }
    if (rc) {
        status = CLI_IO; /* the readable part is still reviewed */
    }
    cr_report *r = cr_check(*cfg, inv);
    if (!r) {
        fprintf(stderr, "zonewarden config-review: out of memory\n");
        return CLI_IO;
    }
    *rep = r;
    if (o->jf && write_json(r, o->jf, o->kind, o->now, o->b)) {
        return CLI_IO;
    }
    if (o->table) {
        zw_buf_clear(o->b);
        if (cr_report_table(r, o->b) == 0) {
            fwrite(o->b->p, 1, o->b->len, stdout);
        }
    }
    for (size_t k = 0; k < r->n; k++) {
        o->failed |= o->fail_on >= 0 && r->f[k].status == CR_FAIL && r->f[k].severity >= o->fail_on;
    }
    fprintf(stderr,
            "config-review: %s (%s, %zu zones): %zu checks: %zu pass, %zu warning, %zu fail\n",
            path, cr_server_name((*cfg)->server), (*cfg)->nzones, r->n, r->by_status[CR_PASS],
            r->by_status[CR_WARN], r->by_status[CR_FAIL]);
    return status;
}

int cmd_config_review(int argc, char **argv)
{
    static const struct option opts[] = {
        {"type", required_argument, NULL, 'T'},   {"inventory", required_argument, NULL, 'i'},
        {"output", required_argument, NULL, 'k'}, {"table", no_argument, NULL, 't'},
        {"html", required_argument, NULL, 'H'},   {"fail-on", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    const char *invpath = NULL, *outpath = NULL, *htmlpath = NULL;
    int type = -1, table = 0, fail_on = -1, c, status = CLI_OK;
    zw_out_kind kind = ZW_OUT_OCSF;
    char err[512];
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'T':
            if ((type = cr_server_parse(optarg)) < 0) {
                fprintf(stderr,
                        "zonewarden config-review: --type must be bind, knot, nsd or pdns\n");
                return CLI_USAGE;
            }
            break;
        case 'i':
            invpath = optarg;
            break;
        case 'k':
            if (cli_out_kind_opt(optarg, "config-review", &kind)) {
                return CLI_USAGE;
            }
            break;
        case 'o':
            outpath = optarg;
            break;
        case 't':
            table = 1;
            break;
        case 'H':
            htmlpath = optarg;
            break;
        case 'f':
            if ((fail_on = parse_level(optarg)) < 0) {
                fprintf(stderr, "zonewarden config-review: --fail-on must be info, low, medium, "
                                "high or critical\n");
                return CLI_USAGE;
            }
            break;
        case 'h':
            usage(stdout);
            return CLI_OK;
        default:
            usage(stderr);
            return CLI_USAGE;
        }
    }
    int nfiles = argc - optind;
    if (nfiles < 1 || nfiles > CR_MAX_CONFIGS) {
        fprintf(stderr, "zonewarden config-review: give 1 to %d configuration files\n",
                CR_MAX_CONFIGS);
        usage(stderr);
        return CLI_USAGE;
    }
    nz_inventory *inv = NULL;
    cr_config **cfg = calloc((size_t)nfiles, sizeof *cfg);
    cr_report **rep = calloc((size_t)nfiles, sizeof *rep);
    size_t nrep = 0;
    FILE *out = NULL;
    zw_buf b;
    zw_buf_init(&b);
    if (!cfg || !rep) {
        fprintf(stderr, "zonewarden config-review: out of memory\n");
        status = CLI_IO;
        goto out;
    }
    if (invpath && !(inv = nz_inventory_load(invpath, err, sizeof err))) {
        fprintf(stderr, "zonewarden config-review: %s\n", err);
        status = CLI_IO;
        goto out;
    }
    if (outpath && !(out = fopen(outpath, "w"))) {
        perror(outpath);
        status = CLI_IO;
        goto out;
    }
    review_opts o = {
        outpath ? out : table ? NULL : stdout, table, fail_on, 0, kind, cli_now_ms(), &b};
    for (int i = 0; i < nfiles; i++) {
        int st = review_file(argv[optind + i], type, inv, &o, &cfg[i], &rep[nrep]);
        nrep += rep[nrep] != NULL;
        status = st > status ? st : status;
    }
    if (htmlpath) {
        zw_buf_clear(&b);
        FILE *h = fopen(htmlpath, "w");
        if (!h || cr_report_html(rep, nrep, o.now, &b) || fwrite(b.p, 1, b.len, h) != b.len) {
            fprintf(stderr, "zonewarden config-review: cannot write %s\n", htmlpath);
            status = CLI_IO;
        }
        if (h && fclose(h)) {
            status = CLI_IO;
        }
    }
    if (status == CLI_OK && o.failed) {
        status = CLI_FAIL;
    }
out:
    if (out && fclose(out)) {
        status = CLI_IO;
    }
    for (size_t i = 0; rep && i < nrep; i++) {
        cr_report_destroy(rep[i]);
    }
    for (int i = 0; cfg && i < nfiles; i++) {
        cr_config_destroy(cfg[i]);
    }
    free(rep);
    free(cfg);
    nz_inventory_destroy(inv);
    zw_buf_free(&b);
    return status;
}
