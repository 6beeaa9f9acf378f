/*
 * zk_metrics.h - the stage's Prometheus text endpoint: a small HTTP/1.0 server thread on
 * a loopback port that serves the latest metrics text the stage rendered.  It only ever
 * reads a copy made under its mutex, so the stage thread never waits on a slow scraper.
 * Not a general HTTP server: GET /metrics (and /), GET /health (and /healthz), one
 * request per connection.
 *
 * Ownership: zk_metrics_start returns a server the caller stops with zk_metrics_stop
 * (NULL-safe), which joins the thread and frees everything.
 */
#ifndef ZK_METRICS_H
#define ZK_METRICS_H

#include <stddef.h>

typedef struct zk_metrics_server zk_metrics_server;

/* Binds addr:port (addr an IPv4 address, NULL for 127.0.0.1; port 0 picks a free port,
 * see zk_metrics_port) and starts the thread.  NULL with errstr if the address is not
 * IPv4, the port cannot be bound or memory runs out. */
zk_metrics_server *zk_metrics_start(const char *addr, int port, char *errstr, size_t errstr_size);
int zk_metrics_port(const zk_metrics_server *m);
/* Replaces the text served (copied).  0 or ZW_ENOMEM. */
int zk_metrics_publish(zk_metrics_server *m, const char *text, size_t n);
/* Replaces the health answer: healthy 1 -> 200, 0 -> 503, with json (copied) as the
 * body.  Until the first call /health answers 503 {"status":"starting"}.  0 or
 * ZW_ENOMEM. */
int zk_metrics_set_health(zk_metrics_server *m, int healthy, const char *json, size_t n);
void zk_metrics_stop(zk_metrics_server *m);

#endif
