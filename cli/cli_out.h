/*
 * cli_out.h - what every subcommand does the same way with its standard streams,
 * output files and stop signals: closed standard descriptors made safe at start-up,
 * a write failure reported once with the path (or "stdout") and the errno text, and
 * SIGINT / SIGTERM turned into a flag that file-mode loops check between records.
 * Not for Kafka mode (cmd_stage.c has its own run flag).
 */
#ifndef ZW_CLI_OUT_H
#define ZW_CLI_OUT_H

#include <signal.h>
#include <stdio.h>

/* Called first in main(): a closed fd 0, 1 or 2 is re-opened on /dev/null in the
 * direction that fails (stdin write-only, stdout/stderr read-only), so reads and writes
 * on them fail with EBADF instead of going to the next file opened, which would
 * otherwise get that descriptor. */
void cli_std_guard(void);
/* 1 if fd 0 / fd 1 was closed when the process started. */
int cli_stdin_closed(void);
int cli_stdout_closed(void);

/* Prints "zonewarden CMD: cannot write WHAT: strerror(err)" (WHAT is a path or
 * "stdout"); returns CLI_IO.  err 0 means EIO. */
int cli_write_error(const char *cmd, const char *what, int err);

/* Flushes f and closes it (stdout is only flushed).  err is the errno of an earlier
 * failed write on f, or 0.  On a failure now or earlier: reported through
 * cli_write_error, returns CLI_IO; else 0.  f NULL: 0. */
int cli_out_close(const char *cmd, FILE *f, const char *what, int err);

/* Opens path for writing ("-" or NULL is stdout, refused if stdout was closed):
 * the FILE or NULL, reported with the path and errno text. */
FILE *cli_out_open(const char *cmd, const char *path);

/* SIGINT / SIGTERM set cli_stop_signal (without SA_RESTART, so a blocked read
 * returns).  File-mode loops stop at the next record boundary, flush, save state and
 * print their summary; cli_stop_status() is then the exit status (128 + signal). */
void cli_stop_install(void);
extern volatile sig_atomic_t cli_stop_signal;
int cli_stop_status(void);

#endif
