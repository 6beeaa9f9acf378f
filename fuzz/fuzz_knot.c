/*
 * fuzz_knot.c - libFuzzer target for the Knot DNS parser (normalizer/nz_parse_knot.c),
 * through the whole normalizer with --format knot.  Corpus: fuzz/corpus/knot/.
 */
#include "fuzz_servers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fz_run("knot", data, size);
}
