/*
 * nz_dlq.h - the dead-letter file of `normalize` and `run`: one JSON line per dead
 * letter (nz_dead_to_json), written until a byte cap, counted past it.  Not for Kafka
 * dead-letter topics (kafka/).
 *
 * Ownership: nz_dlq_open() returns a writer the caller closes with nz_dlq_close()
 * (NULL is a no-op); the dead letters handed to nz_dlq_write() are borrowed.
 */
#ifndef NZ_DLQ_H
#define NZ_DLQ_H

#include "nz.h"

#include <stdint.h>

#define NZ_DLQ_MAX_BYTES_DEFAULT (1ull << 30) /* 1 GiB */

typedef struct nz_dlq nz_dlq;

/* Opens (truncates) path; max_bytes 0 = NZ_DLQ_MAX_BYTES_DEFAULT.  NULL with errstr
 * naming the path and errno, or out of memory. */
nz_dlq *nz_dlq_open(const char *path, uint64_t max_bytes, char *errstr, size_t errstr_size);

/* Writes d as one line.  0 written; NZ_DEAD_UNWRITTEN when the line would take the file
 * past its cap (from then on every dead letter is counted, none written, so the file is
 * the first dead letters in order); ZW_EIO (errstr names the path and errno) or
 * ZW_ENOMEM. */
int nz_dlq_write(nz_dlq *q, const nz_dead *d, char *errstr, size_t errstr_size);

/* Bytes written, and dead letters not written (over the cap). */
uint64_t nz_dlq_bytes(const nz_dlq *q);
uint64_t nz_dlq_unwritten(const nz_dlq *q);

/* Flushes and closes: 0, or ZW_EIO with errstr naming the path and errno. */
int nz_dlq_close(nz_dlq *q, char *errstr, size_t errstr_size);

/* "1073741824", "512K", "64M", "1G" (powers of 1024) -> bytes; -1 when s is not one
 * (empty, sign, other suffix, overflow, 0). */
int64_t nz_parse_size(const char *s);

#endif
