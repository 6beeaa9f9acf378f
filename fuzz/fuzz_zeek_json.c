/*
 * fuzz_zeek_json.c - libFuzzer target for the Zeek dns.log JSON parser
 * (normalizer/nz_parse_zeek.c), through the whole normalizer with --format zeek-json.  Corpus:
 * fuzz/corpus/zeek_json/.
 */
#include "fuzz_servers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fz_run("zeek-json", data, size);
}
