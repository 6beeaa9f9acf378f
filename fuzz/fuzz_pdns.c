/*
 * fuzz_pdns.c - libFuzzer target for the PowerDNS Authoritative parser
 * (normalizer/nz_parse_pdns.c), through the whole normalizer with --format pdns.  Corpus:
 * fuzz/corpus/pdns/.
 */
#include "fuzz_servers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fz_run("pdns", data, size);
}
