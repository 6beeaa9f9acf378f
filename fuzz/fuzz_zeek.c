/*
 * fuzz_zeek.c - libFuzzer target for the Zeek dns.log TSV parser (normalizer/nz_parse_zeek.c),
 * through the whole normalizer with --format zeek.  Corpus: fuzz/corpus/zeek/.
 */
#include "fuzz_servers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fz_run("zeek", data, size);
}
