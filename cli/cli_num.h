/*
 * cli_num.h - strict parsing of numeric command-line options, shared by every
 * subcommand: the whole value must be a number (decimal digits, no sign, no spaces,
 * no "0x", no trailing text) inside the option's range.  A bad value is a usage error:
 * these functions print "zonewarden CMD: --OPT: 'VALUE' ..." on stderr and return
 * CLI_USAGE; the caller returns that status.  They do not parse option names.
 */
#ifndef ZW_CLI_NUM_H
#define ZW_CLI_NUM_H

#include <stddef.h>
#include <stdint.h>

/* A whole number in [min, max] into *out; 0 or CLI_USAGE (reported). */
int cli_num_u64(const char *cmd, const char *opt, const char *v, uint64_t min, uint64_t max,
                uint64_t *out);
int cli_num_size(const char *cmd, const char *opt, const char *v, size_t min, size_t max,
                 size_t *out);
int cli_num_int(const char *cmd, const char *opt, const char *v, int min, int max, int *out);

/* A duration "NUMBER UNIT": digits with an optional ".digits" fraction, then ms, s, m,
 * h, d, w, M (30 d) or y (365 d); in [min_ms, max_ms]; 0 or CLI_USAGE (reported). */
int cli_num_duration(const char *cmd, const char *opt, const char *v, int64_t min_ms,
                     int64_t max_ms, int64_t *out);

#endif
