/*
 * cli_out.c - standard streams, output files and stop signals for the file-mode
 * subcommands (see cli_out.h).  Write failures (a full disk, /dev/full, a closed or
 * broken stdout) are never silent: the first one is reported with its path and errno
 * text and the command exits CLI_IO.  It is not for Kafka mode.
 */
#include "cli_out.h"

#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

volatile sig_atomic_t cli_stop_signal;
static int std_closed[3];

void cli_std_guard(void)
{
    static const int modes[3] = {O_WRONLY, O_RDONLY, O_RDONLY};
    for (int fd = 0; fd < 3; fd++) {
        if (fcntl(fd, F_GETFD) != -1 || errno != EBADF) {
            continue;
        }
        std_closed[fd] = 1;
        int nfd = open("/dev/null", modes[fd]);
        if (nfd >= 0 && nfd != fd) {
            dup2(nfd, fd);
            close(nfd);
        }
    }
}

int cli_stdin_closed(void)
{
    return std_closed[0];
}

int cli_stdout_closed(void)
{
    return std_closed[1];
}

int cli_write_error(const char *cmd, const char *what, int err)
{
    const char *why = strerror(err ? err : EIO);
    if (strcmp(what, "stdout") == 0 && std_closed[1]) {
        why = "standard output is closed";
    }
    fprintf(stderr, "zonewarden %s: cannot write %s: %s\n", cmd, what, why);
    return CLI_IO;
}

int cli_out_close(const char *cmd, FILE *f, const char *what, int err)
{
    if (!f) {
        return 0;
    }
    int bad = ferror(f);
    errno = 0;
    if (fflush(f) != 0) {
        bad = 1;
        err = err ? err : errno;
    }
    if (f != stdout) {
        errno = 0;
        if (fclose(f) != 0) {
            bad = 1;
            err = err ? err : errno;
        }
    }
    return bad || err ? cli_write_error(cmd, what, err) : 0;
}

FILE *cli_out_open(const char *cmd, const char *path)
{
    if (!path || strcmp(path, "-") == 0) {
        if (std_closed[1]) {
            cli_write_error(cmd, "stdout", EBADF);
            return NULL;
        }
        return stdout;
    }
    FILE *f = fopen(path, "w");
    if (!f) {
        cli_write_error(cmd, path, errno);
    }
    return f;
}

static void on_stop(int sig)
{
    cli_stop_signal = sig;
}

void cli_stop_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int cli_stop_status(void)
{
    return cli_stop_signal ? 128 + cli_stop_signal : 0;
}
