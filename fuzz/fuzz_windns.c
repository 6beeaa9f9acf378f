/*
 * fuzz_windns.c - libFuzzer target for the Windows DNS Server parser
 * (normalizer/nz_parse_windns.c), through the whole normalizer with --format windns.  Corpus:
 * fuzz/corpus/windns/.
 */
#include "fuzz_servers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fz_run("windns", data, size);
}
