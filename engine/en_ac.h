/*
 * en_ac.h - an Aho-Corasick automaton over bytes: many literal patterns, one pass
 * over the text, every (pattern, end offset) occurrence reported.  Built once
 * (en_ac_add ... en_ac_compile), then read-only and shareable between threads.
 *
 * Ownership: en_ac_new / en_ac_destroy; patterns are copied into the trie.
 */
#ifndef EN_AC_H
#define EN_AC_H

#include <stddef.h>
#include <stdint.h>

typedef struct en_ac en_ac;

en_ac *en_ac_new(void);
void en_ac_destroy(en_ac *a); /* NULL is a no-op */
/* Adds a non-empty pattern; returns its id (dense, from 0; the same bytes give the
 * same id), or -1 on out-of-memory. */
int32_t en_ac_add(en_ac *a, const char *p, size_t n);
/* Computes failure and output links.  0 or ZW_ENOMEM. */
int en_ac_compile(en_ac *a);
uint32_t en_ac_npatterns(const en_ac *a);
uint32_t en_ac_pattern_len(const en_ac *a, uint32_t id);

/* Calls hit(opaque, pattern, end) for every occurrence (end = offset after the last
 * byte).  hit returns 0 to go on, non-zero to stop (returned). */
typedef int (*en_ac_hit)(void *opaque, uint32_t pattern, size_t end);
int en_ac_scan(const en_ac *a, const char *text, size_t n, en_ac_hit hit, void *opaque);

size_t en_ac_memory(const en_ac *a);

#endif
