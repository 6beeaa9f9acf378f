/*
 * cli_input.h - reading inputs for `normalize` and `run` (cli_input.c): one file at a
 * time through the normalizer, with its own counters (records = with events + noise +
 * dead-lettered), errors naming the input, and the --stats-json file.
 *
 * Ownership: cli_inputs owns its buffers (cli_inputs_free).
 */
#ifndef ZW_CLI_INPUT_H
#define ZW_CLI_INPUT_H

#include "../common/zw_buf.h"
#include "../normalizer/nz.h"

#include <stdio.h>

typedef struct {
    zw_buf human; /* one "  input FILE: ..." line per input */
    zw_buf json;  /* the inputs' JSON objects, comma-separated */
    size_t n;
} cli_inputs;

void cli_inputs_init(cli_inputs *in);
void cli_inputs_free(cli_inputs *in);

/* Reads path ("-" = stdin) through ctx and records its counters in in.  An unreadable
 * input, or one cut short (truncated or corrupt gzip), is reported on stderr as
 * "zonewarden CMD: PATH: ..." and returns CLI_IO; else 0. */
int cli_read_input(nz_ctx *ctx, const char *cmd, const char *path, cli_inputs *in);

/* The per-input lines and a total line, each "records R = with events W + noise N +
 * dead-lettered D", to f. */
void cli_inputs_print(const cli_inputs *in, const nz_ctx *ctx, FILE *f);

/* Writes {"command":CMD,"inputs":[...],"total":{...}} to path; 0, or CLI_IO after a
 * message naming the path. */
int cli_write_stats_json(const char *path, const nz_ctx *ctx, const cli_inputs *in,
                         const char *cmd);

/* --listen-dnstap of normalize and run: live dnstap writers (after the files) until
 * SIGINT / SIGTERM, which end live input normally (cli_stop_signal is cleared after);
 * nothing when a signal already stopped the files.  SIGPIPE ignored.  Reports through
 * err. */
int cli_listen_dnstap(nz_ctx *ctx, const char *spec, char *err, size_t errsz);

#endif
