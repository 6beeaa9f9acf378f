/*
 * zk_metrics.c - Prometheus text endpoint for the Kafka stage (see zk_metrics.h).
 * Serves whatever text the stage last published; renders nothing itself.
 */
#include "zk_metrics.h"

#include "../common/zw_common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct zk_metrics_server {
    int fd;
    int port;
    pthread_t thread;
    pthread_mutex_t lock;
    char *text; /* under lock */
    size_t len;
    char *health; /* under lock; NULL until the stage sets it */
    size_t hlen;
    int healthy;
    atomic_int stop; /* read by the thread between 200 ms polls */
};

static void write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return;
        }
        p += w;
        n -= (size_t)w;
    }
}

/* Answers from a copy taken under the lock, so the stage never waits on a slow client. */
static void answer(zk_metrics_server *m, int c, int health)
{
    static const char starting[] = "{\"status\":\"starting\"}\n";
    pthread_mutex_lock(&m->lock);
    const char *src = health ? (m->health ? m->health : starting) : m->text;
    size_t n = health ? (m->health ? m->hlen : sizeof starting - 1) : m->len;
    int ok = health ? (m->health && m->healthy) : 1;
    char *copy = malloc(n + 1);
    if (copy && n) {
        memcpy(copy, src, n);
    }
    pthread_mutex_unlock(&m->lock);
    if (!copy) {
        return;
    }
    char head[256];
    int hl = snprintf(head, sizeof head,
                      "HTTP/1.0 %s\r\nContent-Type: %s\r\n"
                      "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                      ok ? "200 OK" : "503 Service Unavailable",
                      health ? "application/json" : "text/plain; version=0.0.4", n);
    write_all(c, head, (size_t)hl);
    write_all(c, copy, n);
    free(copy);
}

/* "GET /path" followed by a space or '?': the path matches exactly. */
static int is_get(const char *req, const char *path)
{
    size_t n = strlen(path);
    return !strncmp(req, "GET ", 4) && !strncmp(req + 4, path, n) &&
           (req[4 + n] == ' ' || req[4 + n] == '?');
}

static void serve_one(zk_metrics_server *m, int c)
{
    char req[2048];
    size_t got = 0;
    /* read the request head, bounded in size and time */
    for (int tries = 0; tries < 10 && got < sizeof req - 1; tries++) {
        struct pollfd pf = {c, POLLIN, 0};
        if (poll(&pf, 1, 200) <= 0) {
            break;
        }
        ssize_t r = recv(c, req + got, sizeof req - 1 - got, 0);
        if (r <= 0) {
            break;
        }
        got += (size_t)r;
        req[got] = 0;
        if (strstr(req, "\r\n\r\n") || strstr(req, "\n\n")) {
            break;
        }
    }
    req[got] = 0;
    if (is_get(req, "/health") || is_get(req, "/healthz")) {
        answer(m, c, 1);
        return;
    }
    if (!is_get(req, "/metrics") && !is_get(req, "/")) {
        static const char nf[] = "HTTP/1.0 404 Not Found\r\nContent-Type: text/plain\r\n"
                                 "Content-Length: 10\r\nConnection: close\r\n\r\nnot found\n";
        write_all(c, nf, sizeof nf - 1);
        return;
    }
    answer(m, c, 0);
}

static void *serve(void *arg)
{
    zk_metrics_server *m = arg;
    while (!m->stop) {
        struct pollfd pf = {m->fd, POLLIN, 0};
        if (poll(&pf, 1, 200) <= 0) {
            continue;
        }
        int c = accept(m->fd, NULL, NULL);
        if (c < 0) {
            continue;
        }
        serve_one(m, c);
        close(c);
    }
    return NULL;
}

zk_metrics_server *zk_metrics_start(const char *addr, int port, char *errstr, size_t errstr_size)
{
    zk_metrics_server *m = calloc(1, sizeof *m);
    struct sockaddr_in sa;
    socklen_t sl = sizeof sa;
    int one = 1;
    if (!m) {
        zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
        return NULL;
    }
    m->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (m->fd < 0) {
        zw_errf(errstr, errstr_size, ZW_EIO, "metrics socket: %s", strerror(errno));
        free(m);
        return NULL;
    }
    setsockopt(m->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (addr && inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
        zw_errf(errstr, errstr_size, ZW_EINVAL, "metrics address '%s' is not an IPv4 address",
                addr);
        close(m->fd);
        free(m);
        return NULL;
    }
    if (bind(m->fd, (struct sockaddr *)&sa, sizeof sa) || listen(m->fd, 16) ||
        getsockname(m->fd, (struct sockaddr *)&sa, &sl)) {
        zw_errf(errstr, errstr_size, ZW_EIO, "metrics port %s:%d: %s", addr ? addr : "127.0.0.1",
                port, strerror(errno));
        close(m->fd);
        free(m);
        return NULL;
    }
    m->port = ntohs(sa.sin_port);
    pthread_mutex_init(&m->lock, NULL);
    if (pthread_create(&m->thread, NULL, serve, m)) {
        zw_errf(errstr, errstr_size, ZW_EIO, "metrics thread: cannot start");
        pthread_mutex_destroy(&m->lock);
        close(m->fd);
        free(m);
        return NULL;
    }
    return m;
}

int zk_metrics_port(const zk_metrics_server *m)
{
    return m->port;
}

int zk_metrics_publish(zk_metrics_server *m, const char *text, size_t n)
{
    char *copy = malloc(n + 1);
    if (!copy) {
        return ZW_ENOMEM;
    }
    memcpy(copy, text, n);
    copy[n] = 0;
    pthread_mutex_lock(&m->lock);
    char *old = m->text;
    m->text = copy;
    m->len = n;
    pthread_mutex_unlock(&m->lock);
    free(old);
    return 0;
}

int zk_metrics_set_health(zk_metrics_server *m, int healthy, const char *json, size_t n)
{
    char *copy = malloc(n + 1);
    if (!copy) {
        return ZW_ENOMEM;
    }
    memcpy(copy, json, n);
    copy[n] = 0;
    pthread_mutex_lock(&m->lock);
    char *old = m->health;
    m->health = copy;
    m->hlen = n;
    m->healthy = healthy;
    pthread_mutex_unlock(&m->lock);
    free(old);
    return 0;
}

void zk_metrics_stop(zk_metrics_server *m)
{
    if (!m) {
        return;
    }
    m->stop = 1;
    pthread_join(m->thread, NULL);
    close(m->fd);
    pthread_mutex_destroy(&m->lock);
    free(m->text);
    free(m->health);
    free(m);
}
