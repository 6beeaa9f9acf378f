/*
 * cli.h - the subcommands of the zonewarden binary.  Each cmd_<name>() takes the
 * arguments after the subcommand name (argv[0] is the subcommand), prints its own
 * messages, and returns the process exit status.  Only main() exits.
 */
#ifndef ZW_CLI_H
#define ZW_CLI_H

#include <stdio.h>

typedef struct {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} cli_command;

int cmd_normalize(int argc, char **argv);
int cmd_formats(int argc, char **argv);
int cmd_summary(int argc, char **argv);
int cmd_export(int argc, char **argv);
/* Kafka mode of a pipeline subcommand (cmd_stage.c): mode is "normalize", ... */
int cmd_stage(const char *mode, int argc, char **argv);
/* Does argv ask for Kafka mode (--brokers or --kafka-config)? */
int cli_wants_kafka(int argc, char **argv);
/* The Kafka-mode options of `zonewarden MODE --help` (cmd_stage.c). */
void cli_stage_help(FILE *f, const char *mode);
int cmd_compile(int argc, char **argv);
int cmd_lint(int argc, char **argv);
int cmd_exposure(int argc, char **argv);
int cmd_detect(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_test(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_axfr_check(int argc, char **argv);
int cmd_config_review(int argc, char **argv);
int cmd_version(int argc, char **argv);

/* Finds shipped data REL ("schemas/fieldmaps", "detections") and writes its path to
 * out: $ZW_DATADIR/REL when ZW_DATADIR is set (nothing else then), else next to the
 * binary (BIN/../share/zonewarden/REL, or BIN/../../REL in a source tree's build/),
 * else the data directory compiled in (PREFIX/share/zonewarden), else ./REL.  0 found,
 * -1 not found (out then holds the last candidate). */
int cli_data_path(const char *rel, char *out, size_t n);

/* Exit statuses shared by every subcommand. */
enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2, CLI_IO = 3 };

#endif
