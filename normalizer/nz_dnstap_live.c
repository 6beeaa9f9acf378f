/*
 * nz_dnstap_live.c - live dnstap input: a Frame Streams listener on a unix socket
 * (`--listen-dnstap unix:PATH`).  Each server that connects gets its own thread and its
 * own stream (position file "unix:PATH#N", so joins never mix servers); the Frame Streams
 * bidirectional handshake (READY/ACCEPT, START, STOP/FINISH) is nz_fstrm.c's, frames go
 * through the same parser and dead-letter path as files (nz_stream_binary) under one
 * mutex, because the context, its counters and the sink are not thread-safe.  Not for
 * files (nz_parse_dnstap.c) and not a general server: at most NZ_DNSTAP_MAX_CONN writers.
 */
#include "nz.h"
#include "nz_fstrm.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define NZ_DNSTAP_MAX_CONN 64

typedef struct {
    nz_ctx *ctx;
    pthread_mutex_t *mu;
    int fd;
    int done; /* set by the thread when it ends (under mu) */
    int rc;   /* the sink's error, if any */
    pthread_t th;
    char name[160];
} live_conn;

static long fd_read(void *opaque, void *buf, size_t n)
{
    live_conn *c = opaque;
    for (;;) {
        ssize_t r = read(c->fd, buf, n);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        return (long)r;
    }
}

static int fd_write(void *opaque, const void *buf, size_t n)
{
    live_conn *c = opaque;
    size_t off = 0;
    while (off < n) {
        ssize_t w = write(c->fd, (const char *)buf + off, n - off);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return -1;
        }
        off += (size_t)w;
    }
    return 0;
}

static void *conn_main(void *arg)
{
    live_conn *c = arg;
    nz_fstrm *fs = nz_fstrm_new(fd_read, c, 0);
    nz_stream *st = NULL;
    nz_pos pos = {c->name, 0, NULL, -1, -1};
    char why[512], reason[600];
    int rc = 0;
    pthread_mutex_lock(c->mu);
    st = nz_stream_new(c->ctx, c->name);
    pthread_mutex_unlock(c->mu);
    if (!fs || !st) {
        rc = ZW_ENOMEM;
        goto out;
    }
    pos.file = nz_stream_name(st);
    nz_fstrm_set_bidi(fs, fd_write, c);
    for (;;) {
        const char *f = NULL;
        size_t n = 0;
        uint64_t off = 0;
        why[0] = 0;
        int r = nz_fstrm_next(fs, &f, &n, &off, why, sizeof why);
        if (r == NZ_FS_END) {
            break;
        }
        pos.line = (int64_t)nz_fstrm_frames(fs) + (r == NZ_FS_FRAME ? 0 : 1);
        pos.offset = (int64_t)off;
        pthread_mutex_lock(c->mu);
        if (r == NZ_FS_FRAME) {
            rc = nz_stream_binary(st, "dnstap", f, n, &pos, NULL);
        } else {
            snprintf(reason, sizeof reason, "dnstap: %s", why);
            rc = nz_stream_binary(st, "dnstap", "", 0, &pos, reason);
        }
        pthread_mutex_unlock(c->mu);
        if (rc || r == NZ_FS_FATAL) {
            break;
        }
    }
    if (!rc) {
        pos.line = (int64_t)nz_fstrm_frames(fs) + 1;
        pos.offset = -1;
        pthread_mutex_lock(c->mu);
        rc = nz_stream_binary(st, "dnstap", NULL, 0, &pos, NULL);
        pthread_mutex_unlock(c->mu);
    }
out:
    pthread_mutex_lock(c->mu);
    nz_stream_destroy(st);
    c->rc = rc;
    c->done = 1;
    pthread_mutex_unlock(c->mu);
    nz_fstrm_destroy(fs);
    return NULL;
}

/* Joins finished connection threads; with all, shuts every connection down first. */
static int reap(live_conn **conns, size_t *n, pthread_mutex_t *mu, int all)
{
    int rc = 0;
    for (size_t i = 0; i < *n;) {
        live_conn *c = conns[i];
        pthread_mutex_lock(mu);
        int done = c->done;
        pthread_mutex_unlock(mu);
        if (!done && all) {
            shutdown(c->fd, SHUT_RDWR);
        }
        if (!done && !all) {
            i++;
            continue;
        }
        pthread_join(c->th, NULL);
        close(c->fd);
        rc = rc ? rc : c->rc;
        free(c);
        conns[i] = conns[--*n];
    }
    return rc;
}

int nz_dnstap_listen(nz_ctx *ctx, const char *spec, volatile sig_atomic_t *stop, char *errstr,
                     size_t errsz)
{
    struct sockaddr_un sa;
    live_conn *conns[NZ_DNSTAP_MAX_CONN];
    size_t nconn = 0;
    pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    int lfd = -1, rc = 0, seq = 0;
    if (strncmp(spec, "unix:", 5) != 0 || !spec[5]) {
        return zw_errf(errstr, errsz, ZW_EINVAL, "--listen-dnstap wants unix:PATH, not '%s'", spec);
    }
    const char *path = spec + 5;
    if (strlen(path) >= sizeof sa.sun_path) {
        return zw_errf(errstr, errsz, ZW_EINVAL, "socket path too long: %s", path);
    }
    struct stat sb;
    if (lstat(path, &sb) == 0) {
        if (!S_ISSOCK(sb.st_mode)) {
            return zw_errf(errstr, errsz, ZW_EINVAL, "%s exists and is not a socket", path);
        }
        unlink(path); /* a stale socket of an earlier run */
    }
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, path, strlen(path));
    lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof sa) || listen(lfd, 16)) {
        rc = zw_errf(errstr, errsz, ZW_EIO, "%s: %s", path, strerror(errno));
        goto out;
    }
    while (!*stop) {
        struct pollfd p = {lfd, POLLIN, 0};
        int pr = poll(&p, 1, 200);
        if ((rc = reap(conns, &nconn, &mu, 0))) {
            zw_errf(errstr, errsz, rc, "%s: processing stopped (error %d)", path, rc);
            break;
        }
        if (pr <= 0) {
            continue; /* timeout, or a signal: check the stop flag */
        }
        int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) {
            continue;
        }
        live_conn *c = nconn < NZ_DNSTAP_MAX_CONN ? calloc(1, sizeof *c) : NULL;
        if (!c) {
            close(fd); /* over the limit: the writer retries later */
            continue;
        }
        c->ctx = ctx;
        c->mu = &mu;
        c->fd = fd;
        snprintf(c->name, sizeof c->name, "unix:%s#%d", path, ++seq);
        if (pthread_create(&c->th, NULL, conn_main, c)) {
            close(fd);
            free(c);
            continue;
        }
        conns[nconn++] = c;
    }
out : {
    int r2 = reap(conns, &nconn, &mu, 1);
    rc = rc ? rc : r2;
}
    if (lfd >= 0) {
        close(lfd);
        unlink(path);
    }
    return rc;
}
