/*
 * zw_grow.c - grow-by-doubling reallocation (see zw_grow.h).  The element pointer is
 * read and written through memcpy so that one function serves arrays of any type
 * without type-punned pointer casts.
 */
#include "zw_grow.h"

#include "zw_common.h"

#include <stdlib.h>
#include <string.h>

int zw_grow(void *pp, size_t *cap, size_t need, size_t elem, size_t min)
{
    if (need <= *cap) {
        return 0;
    }
    size_t c = *cap ? *cap : (min ? min : 1);
    while (c < need) {
        if (c > SIZE_MAX / 2) {
            return ZW_ENOMEM;
        }
        c *= 2;
    }
    if (elem && c > SIZE_MAX / elem) {
        return ZW_ENOMEM;
    }
    void *old;
    memcpy(&old, pp, sizeof old);
    void *nv = realloc(old, c * elem);
    if (!nv) {
        return ZW_ENOMEM;
    }
    memcpy(pp, &nv, sizeof nv);
    *cap = c;
    return 0;
}

int zw_push_u32(uint32_t **v, uint32_t *n, size_t *cap, uint32_t x)
{
    if (*n == UINT32_MAX || zw_grow(v, cap, (size_t)*n + 1, sizeof **v, 4)) {
        return ZW_ENOMEM;
    }
    (*v)[(*n)++] = x;
    return 0;
}
