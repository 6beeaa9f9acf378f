/*
 * main.c - the zonewarden entry point: finds the subcommand and runs it.  Subcommands
 * live one per file (cmd_<name>.c) and are listed in the table below.
 */
#include "cli.h"
#include "cli_out.h"

#include <stdio.h>
#include <string.h>

static const cli_command commands[] = {
    {"normalize", cmd_normalize, "raw DNS server / provider logs -> OCSF or ECS JSON lines"},
    {"export", cmd_export, "DET strategies -> Sigma rules and Sigma correlation rules"},
    {"summary", cmd_summary, "alerts (JSON lines) -> a table per analytic for people"},
    {"formats", cmd_formats, "list the input formats the normalizer knows"},
    {"compile", cmd_compile, "DET / Sigma detections -> checked tables file (rules.zwt)"},
    {"lint", cmd_lint, "check detections and report every problem with file:line:col"},
    {"exposure", cmd_exposure, "what a zone discloses, classified against the approved inventory"},
    {"test", cmd_test, "run the detections' embedded must-match / must-not-match examples"},
    {"explain", cmd_explain, "show which fields and values of an event a rule matched, or why not"},
    {"detect", cmd_detect, "JSON events (normalized or raw) through a tables file -> alerts"},
    {"run", cmd_run, "normalize raw logs and detect in one process -> alerts"},
    {"axfr-check", cmd_axfr_check, "evidence that AXFR/IXFR are refused (Compliance Finding, exit code)"},
    {"config-review", cmd_config_review,
     "DNS server configurations checked against security guidance"},
    {"version", cmd_version, "version, git revision, data directory, library versions"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: zonewarden <command> [options]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
    }
    fprintf(f, "\n`zonewarden <command> --help` for a command's options; `zonewarden --version`\n"
               "for the version, git revision and library versions; man zonewarden.\n");
}

int main(int argc, char **argv)
{
    cli_std_guard(); /* before anything opens a file: see cli_out.h */
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
        return cmd_version(1, argv + 1);
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(argv[1], commands[i].name) == 0) {
            return commands[i].fn(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "zonewarden: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return CLI_USAGE;
}
