/*
 * zw_grow.h - the grow-by-doubling reallocation every growing array in the code base
 * needs, written once with its overflow check.
 */
#ifndef ZW_GROW_H
#define ZW_GROW_H

#include <stddef.h>
#include <stdint.h>

/* Makes room for `need` elements of `elem` bytes in the array whose address is pp (a
 * pointer to any object pointer, e.g. &v->items) with capacity *cap: when *cap < need,
 * the capacity doubles (starting at min) until it fits and the array is reallocated.
 * Returns 0, or ZW_ENOMEM on out-of-memory or size overflow; then the array and *cap
 * are unchanged and still owned by the caller. */
int zw_grow(void *pp, size_t *cap, size_t need, size_t elem, size_t min);

/* Appends x to a uint32_t array with count *n and capacity *cap; 0 or ZW_ENOMEM. */
int zw_push_u32(uint32_t **v, uint32_t *n, size_t *cap, uint32_t x);

#endif
