/*
 * zw_arena.c - chunked bump allocator.  Large requests get their own chunk; reset keeps
 * the first chunk so a steady-state worker allocates nothing per event.
 */
#include "zw_arena.h"

#include <stdlib.h>
#include <string.h>

typedef struct chunk {
    struct chunk *next;
    size_t cap, used;
    char *mem; /* points just after the header, 8-aligned */
} chunk;

struct zw_arena {
    chunk *head;
    size_t chunk_size;
    size_t bytes;
};

static chunk *chunk_new(size_t cap)
{
    size_t hdr = (sizeof(chunk) + 7) & ~(size_t)7;
    chunk *c = malloc(hdr + cap);
    if (!c) {
        return NULL;
    }
    c->next = NULL;
    c->cap = cap;
    c->used = 0;
    c->mem = (char *)c + hdr;
    return c;
}

zw_arena *zw_arena_new(size_t chunk_size)
{
    zw_arena *a = calloc(1, sizeof(*a));
    if (!a) {
        return NULL;
    }
    a->chunk_size = chunk_size ? chunk_size : 65536;
    a->head = chunk_new(a->chunk_size);
    if (!a->head) {
        free(a);
        return NULL;
    }
    a->bytes = a->chunk_size;
    return a;
}

void zw_arena_destroy(zw_arena *a)
{
    if (!a) {
        return;
    }
    chunk *c = a->head;
    while (c) {
        chunk *n = c->next;
        free(c);
        c = n;
    }
    free(a);
}

void zw_arena_reset(zw_arena *a)
{
    chunk *c = a->head;
    /* keep the last (oldest) chunk, which has the default size */
    while (c && c->next) {
        chunk *n = c->next;
        free(c);
        c = n;
    }
    a->head = c;
    if (c) {
        c->used = 0;
        a->bytes = c->cap;
    }
}

void *zw_arena_alloc(zw_arena *a, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    if (n == 0) {
        n = 8;
    }
    chunk *c = a->head;
    if (c->cap - c->used < n) {
        size_t cap = n > a->chunk_size ? n : a->chunk_size;
        chunk *nc = chunk_new(cap);
        if (!nc) {
            return NULL;
        }
        /* insert after head when the request is large so the head stays usable */
        if (n > a->chunk_size / 2) {
            nc->next = c->next;
            c->next = nc;
            nc->used = n;
            a->bytes += cap;
            return nc->mem;
        }
        nc->next = c;
        a->head = nc;
        c = nc;
        a->bytes += cap;
    }
    void *p = c->mem + c->used;
    c->used += n;
    return p;
}

char *zw_arena_strndup(zw_arena *a, const char *p, size_t n)
{
    char *d = zw_arena_alloc(a, n + 1);
    if (!d) {
        return NULL;
    }
    if (n) {
        memcpy(d, p, n);
    }
    d[n] = 0;
    return d;
}

size_t zw_arena_bytes(const zw_arena *a)
{
    return a->bytes;
}
