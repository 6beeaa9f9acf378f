/*
 * zw_arena.h - a bump allocator for per-event and per-worker memory.
 *
 * Ownership: everything allocated from an arena is freed at once by zw_arena_reset()
 * or zw_arena_destroy(); never free() arena memory.  Allocation failure returns NULL.
 */
#ifndef ZW_ARENA_H
#define ZW_ARENA_H

#include <stddef.h>

typedef struct zw_arena zw_arena;

/* Returns NULL on out-of-memory.  chunk_size 0 picks a default (64 KiB). */
zw_arena *zw_arena_new(size_t chunk_size);
/* NULL is a no-op. */
void zw_arena_destroy(zw_arena *a);
/* Frees every allocation but keeps the first chunk for reuse. */
void zw_arena_reset(zw_arena *a);
/* 8-byte aligned; NULL on out-of-memory. */
void *zw_arena_alloc(zw_arena *a, size_t n);
/* Copy of [p, p+n) plus a NUL terminator; NULL on out-of-memory. */
char *zw_arena_strndup(zw_arena *a, const char *p, size_t n);
/* Bytes currently held (for metrics and tests). */
size_t zw_arena_bytes(const zw_arena *a);

#endif
