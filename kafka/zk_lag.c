/*
 * zk_lag.c - the watermark monitor of the Kafka stage (see zk_lag.h): a small table of
 * (topic, partition, high watermark, assigned) under a mutex, and a thread that copies
 * the assigned entries, asks their leaders with rd_kafka_query_watermark_offsets (a
 * bounded, blocking request: this is why it is not done on the stage thread), and
 * writes the answers back.  A failed query keeps the last known value.  Not for
 * offsets, commits or anything the stage decides on: only the lag metric reads it.
 */
#include "zk_lag.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define QUERY_TIMEOUT_MS 2000

typedef struct {
    char *topic;
    int32_t partition;
    int assigned;
    int64_t high; /* -1: none yet */
} lag_entry;

struct zk_lag {
    rd_kafka_t *rk;
    int interval_ms;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int stop;
    lag_entry *e;
    size_t n, cap;
};

static lag_entry *find(zk_lag *l, const char *topic, int32_t partition)
{
    for (size_t i = 0; i < l->n; i++) {
        if (l->e[i].partition == partition && !strcmp(l->e[i].topic, topic)) {
            return &l->e[i];
        }
    }
    return NULL;
}

/* Waits interval_ms or until stopped.  Called with the lock held; returns 1 to stop. */
static int nap(zk_lag *l)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += l->interval_ms / 1000;
    ts.tv_nsec += (long)(l->interval_ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    while (!l->stop) {
        if (pthread_cond_timedwait(&l->wake, &l->lock, &ts) == ETIMEDOUT) {
            break;
        }
    }
    return l->stop;
}

static void *run(void *arg)
{
    zk_lag *l = arg;
    pthread_mutex_lock(&l->lock);
    while (!nap(l)) {
        /* one entry at a time, the lock released during the query */
        for (size_t i = 0; i < l->n && !l->stop; i++) {
            if (!l->e[i].assigned) {
                continue;
            }
            char *topic = strdup(l->e[i].topic);
            int32_t part = l->e[i].partition;
            if (!topic) {
                break;
            }
            pthread_mutex_unlock(&l->lock);
            int64_t lo = -1, hi = -1;
            rd_kafka_resp_err_t err =
                rd_kafka_query_watermark_offsets(l->rk, topic, part, &lo, &hi, QUERY_TIMEOUT_MS);
            pthread_mutex_lock(&l->lock);
            lag_entry *e = find(l, topic, part);
            if (!err && e && hi >= 0) {
                e->high = hi;
            }
            free(topic);
        }
    }
    pthread_mutex_unlock(&l->lock);
    return NULL;
}

zk_lag *zk_lag_new(rd_kafka_t *rk, int interval_ms)
{
    zk_lag *l = calloc(1, sizeof *l);
    if (!l) {
        return NULL;
    }
    l->rk = rk;
    l->interval_ms = interval_ms > 0 ? interval_ms : 1000;
    pthread_mutex_init(&l->lock, NULL);
    pthread_cond_init(&l->wake, NULL);
    if (pthread_create(&l->thread, NULL, run, l)) {
        pthread_cond_destroy(&l->wake);
        pthread_mutex_destroy(&l->lock);
        free(l);
        return NULL;
    }
    return l;
}

void zk_lag_destroy(zk_lag *l)
{
    if (!l) {
        return;
    }
    pthread_mutex_lock(&l->lock);
    l->stop = 1;
    pthread_cond_signal(&l->wake);
    pthread_mutex_unlock(&l->lock);
    pthread_join(l->thread, NULL);
    for (size_t i = 0; i < l->n; i++) {
        free(l->e[i].topic);
    }
    free(l->e);
    pthread_cond_destroy(&l->wake);
    pthread_mutex_destroy(&l->lock);
    free(l);
}

void zk_lag_track(zk_lag *l, const char *topic, int32_t partition, int assigned)
{
    if (!l) {
        return;
    }
    pthread_mutex_lock(&l->lock);
    lag_entry *e = find(l, topic, partition);
    if (!e && assigned) {
        if (l->n == l->cap) {
            size_t ncap = l->cap ? l->cap * 2 : 16;
            lag_entry *ne = realloc(l->e, ncap * sizeof *ne);
            if (!ne) {
                goto out; /* the lag of this partition falls back to the fetched watermark */
            }
            l->e = ne;
            l->cap = ncap;
        }
        char *t = strdup(topic);
        if (!t) {
            goto out;
        }
        e = &l->e[l->n++];
        e->topic = t;
        e->partition = partition;
        e->high = -1;
    }
    if (e) {
        e->assigned = assigned;
        if (!assigned) {
            e->high = -1; /* its next owner may be us again, later: start afresh */
        }
    }
out:
    pthread_mutex_unlock(&l->lock);
}

int64_t zk_lag_high(zk_lag *l, const char *topic, int32_t partition)
{
    int64_t hi = -1;
    if (!l) {
        return -1;
    }
    pthread_mutex_lock(&l->lock);
    lag_entry *e = find(l, topic, partition);
    if (e) {
        hi = e->high;
    }
    pthread_mutex_unlock(&l->lock);
    return hi;
}
