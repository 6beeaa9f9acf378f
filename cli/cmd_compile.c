/*
 * cmd_compile.c - `zonewarden compile` and `zonewarden lint`: rule files and
 * directories through the compiler; diagnostics as file:line:col: kind: reason on
 * stderr; compile writes the tables file.  Shared helpers for the other rule
 * commands (test, explain, detect, run) are in cli_rules.h.
 */
#include "../compiler/dc.h"
#include "cli.h"
#include "cli_rules.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *cli_default_fieldmaps(void)
{
    static char buf[PATH_MAX];
    const char *env = getenv("ZW_FIELDMAPS");
    if (env) {
        return env;
    }
    return cli_data_path("schemas/fieldmaps", buf, sizeof buf) == 0 ? buf : NULL;
}

void cli_print_diags(const dc_diags *d, int max_warnings)
{
    int w = 0;
    for (size_t i = 0; i < d->n; i++) {
        const dc_diag *g = &d->v[i];
        if (g->kind == DC_DIAG_WARNING && max_warnings >= 0 && w++ >= max_warnings) {
            continue;
        }
        fprintf(stderr, "%s:%d:%d: %s: %s\n", g->file, g->line, g->col, dc_diag_kind_name(g->kind),
                g->msg);
    }
}

int cli_explain_mode;

dc_ruleset *cli_compile(int npaths, char **paths, const char *tuning, const char *fieldmaps,
                        dc_diags *diags, dc_stats *stats)
{
    dc_compiler *c = dc_compiler_new();
    if (!c) {
        return NULL;
    }
    dc_compiler_explain_mode(c, cli_explain_mode);
    if (!fieldmaps) {
        fieldmaps = cli_default_fieldmaps();
    }
    if (fieldmaps && strcmp(fieldmaps, "none") != 0) {
        dc_compiler_fieldmaps(c, fieldmaps, diags);
    }
    if (tuning) {
        dc_compiler_tuning(c, tuning, diags);
    }
    for (int i = 0; i < npaths; i++) {
        dc_compile_path(c, paths[i], diags);
    }
    dc_ruleset *rs = dc_compiler_finish(c, diags);
    if (stats) {
        *stats = *dc_compiler_stats(c);
    }
    dc_compiler_destroy(c);
    return rs;
}

static void usage(FILE *f, const char *cmd)
{
    int lint = strcmp(cmd, "lint") == 0;
    fprintf(f,
            "usage: zonewarden %s [options] RULE_PATH...%s\n"
            "%s DET-style strategies, Sigma rules, correlations and filters (files, or\n"
            "directories searched for *.yml / *.yaml).  Every problem is reported as\n"
            "file:line:col: kind: reason; a summary line goes to stderr.\n"
            "\n"
            "%s"
            "  -t, --tuning FILE      parameter values for the analytics (default: the\n"
            "                         defaults in the detections)\n"
            "  --fieldmaps DIR|none   Sigma field maps to the canonical event (default: the\n"
            "                         installed schemas/fieldmaps, or $ZW_FIELDMAPS); none\n"
            "                         matches Sigma field names as they are\n"
            "  -k, --keep-going       %s\n"
            "  -q, --quiet            report errors only, not warnings\n"
            "  -h, --help             this text\n",
            cmd, lint ? "" : " -o rules.zwt", lint ? "Checks" : "Compiles",
            lint ? "  -o, --output FILE      ignored by lint (it writes nothing)\n"
                 : "  -o, --output FILE      the tables file to write (required)\n",
            lint ? "accepted; lint always reports every problem and exits 1\n"
                   "                         when there is one"
                 : "skip documents with errors and write the rest (exit 0);\n"
                   "                         default: no tables file when anything fails");
}

static int run(int argc, char **argv, int lint)
{
    static const struct option opts[] = {
        {"tuning", required_argument, NULL, 't'},
        {"fieldmaps", required_argument, NULL, 'F'},
        {"keep-going", no_argument, NULL, 'k'},
        {"output", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *tuning = NULL, *fieldmaps = NULL, *out = NULL;
    int keep = 0, quiet = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:t:kqh", opts, NULL)) != -1) {
        switch (c) {
        case 't':
            tuning = optarg;
            break;
        case 'F':
            fieldmaps = optarg;
            break;
        case 'k':
            keep = 1;
            break;
        case 'o':
            out = optarg;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'h':
            usage(stdout, argv[0]);
            return CLI_OK;
        default:
            usage(stderr, argv[0]);
            return CLI_USAGE;
        }
    }
    if (optind >= argc || (!lint && !out)) {
        usage(stderr, argv[0]);
        return CLI_USAGE;
    }
    dc_diags d;
    dc_diags_init(&d);
    dc_stats st;
    memset(&st, 0, sizeof st);
    dc_ruleset *rs = cli_compile(argc - optind, argv + optind, tuning, fieldmaps, &d, &st);
    int status = CLI_OK;
    if (!rs) {
        fprintf(stderr, "zonewarden %s: out of memory\n", argv[0]);
        dc_diags_free(&d);
        return CLI_FAIL;
    }
    cli_print_diags(&d, quiet ? 0 : -1);
    size_t errs = dc_diags_errors(&d);
    fprintf(stderr,
            "zonewarden %s: %zu files, %zu documents: %zu compiled, %zu skipped; %u rules, %u "
            "correlations, %u leaves\n",
            argv[0], st.files, st.documents, st.compiled, st.skipped, rs->nrules, rs->ncorrs,
            rs->nleaves);
    if (errs && !keep) {
        fprintf(stderr, "zonewarden %s: %zu error%s%s\n", argv[0], errs, errs == 1 ? "" : "s",
                lint ? "" : "; no tables file written (--keep-going compiles the rest)");
        status = CLI_FAIL;
    } else if (!lint) {
        char err[512];
        if (dc_ir_write(rs, out, err, sizeof err)) {
            fprintf(stderr, "zonewarden compile: %s\n", err);
            status = CLI_IO;
        }
    }
    if (lint && errs) {
        status = CLI_FAIL;
    }
    dc_ruleset_free(rs);
    dc_diags_free(&d);
    return status;
}

int cmd_compile(int argc, char **argv)
{
    return run(argc, argv, 0);
}

int cmd_lint(int argc, char **argv)
{
    return run(argc, argv, 1);
}
