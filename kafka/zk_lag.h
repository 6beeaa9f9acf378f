/*
 * zk_lag.h - high watermarks of the stage's assigned partitions, refreshed by a thread
 * that asks the partition leaders (ListOffsets) every few seconds.  The consumer's own
 * cached watermark moves only with fetch responses, so a stage that fetches nothing
 * (paused by backpressure, stalled, back from a broker restart) would report a lag of
 * what it last saw: 0 while thousands of records wait.  The lag is then the watermark
 * (the newer of the fetched and the queried one) minus the stage's position.  Not for
 * anything else: the stage thread owns offsets; this thread only reads watermarks.
 *
 * Ownership: zk_lag_new returns a monitor the caller frees with zk_lag_destroy (NULL-
 * safe; joins the thread).  The rd_kafka_t handle is borrowed and must outlive it.
 */
#ifndef ZK_LAG_H
#define ZK_LAG_H

#include <librdkafka/rdkafka.h>
#include <stdint.h>

typedef struct zk_lag zk_lag;

/* Starts the thread; it queries every interval_ms.  NULL on out of memory or when the
 * thread cannot start. */
zk_lag *zk_lag_new(rd_kafka_t *rk, int interval_ms);
void zk_lag_destroy(zk_lag *l);

/* Declares the partition assigned (1) or not (0); the thread queries assigned ones. */
void zk_lag_track(zk_lag *l, const char *topic, int32_t partition, int assigned);

/* Last high watermark the thread obtained for the partition (kept while the broker is
 * away), or -1 when none yet. */
int64_t zk_lag_high(zk_lag *l, const char *topic, int32_t partition);

#endif
