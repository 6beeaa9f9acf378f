/*
 * fuzz_nsd.c - libFuzzer target for the NSD parser (normalizer/nz_parse_nsd.c),
 * through the whole normalizer with --format nsd.  Corpus: fuzz/corpus/nsd/.
 */
#include "fuzz_servers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fz_run("nsd", data, size);
}
