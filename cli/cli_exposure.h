/*
 * cli_exposure.h - helpers shared by `exposure` and `axfr-check` (cmd_exposure.c).
 */
#ifndef ZW_CLI_EXPOSURE_H
#define ZW_CLI_EXPOSURE_H

#include "../common/zw_writer.h"
#include "../exposure/ex.h"

#include <stddef.h>
#include <stdint.h>

/* Milliseconds since the epoch, now. */
int64_t cli_now_ms(void);
/* --fingerprints, $ZONEWARDEN_FINGERPRINTS, <exe>/../share/zonewarden/schemas/,
 * <exe>/../../schemas/ (build tree), ./schemas/.  NULL with err. */
ex_fp *cli_load_fingerprints(const char *path, char *err, size_t errn);
/* "HOST", "HOST:PORT", "[V6]:PORT" -> host and port (default 53).  0 or -1. */
int cli_split_server(const char *s, char *host, size_t hn, int *port);
/* --output ocsf|ecs -> *kind: 0, or -1 after printing "zonewarden <cmd>: --output must be
 * ocsf or ecs" on stderr. */
int cli_out_kind_opt(const char *arg, const char *cmd, zw_out_kind *kind);
/* Transfer bounds (--timeout MS, --max-records N, --max-bytes N) shared by both commands.
 * cli_xfer_limit_opt handles one option (c = 't', 'R', 'Y'): 0, or -1 after printing a
 * usage error naming the flag (the number must be all digits, within range). */
typedef struct {
    int timeout_ms;
    size_t max_records;
    size_t max_bytes;
} cli_xfer_limits;
void cli_xfer_limits_init(cli_xfer_limits *l, int timeout_ms);
int cli_xfer_limit_opt(cli_xfer_limits *l, int c, const char *arg, const char *cmd);

#endif
