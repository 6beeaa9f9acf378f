/*
 * zw_hash.h - the one byte-string hash of the code base (64-bit FNV-1a), for the hash
 * tables of the engine, the compiler's leaf dedup, the normalizer's uids and the state
 * signatures.  Not for anything an adversary must not steer: every table that uses it
 * probes linearly with a load factor under 1/2 and bounds its input sizes.
 */
#ifndef ZW_HASH_H
#define ZW_HASH_H

#include <stddef.h>
#include <stdint.h>

#define ZW_FNV_SEED 1469598103934665603ull
#define ZW_FNV_PRIME 1099511628211ull

/* Continues an FNV-1a hash h over [p, p+n). */
static inline uint64_t zw_hash_add(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= ZW_FNV_PRIME;
    }
    return h;
}

/* FNV-1a of [p, p+n). */
static inline uint64_t zw_hash(const void *p, size_t n)
{
    return zw_hash_add(ZW_FNV_SEED, p, n);
}

/* The same, never 0 (for open-addressing tables where 0 marks an empty slot). */
static inline uint64_t zw_hash_nz(const void *p, size_t n)
{
    uint64_t h = zw_hash(p, n);
    return h ? h : 1;
}

#endif
