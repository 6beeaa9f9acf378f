/*
 * fuzz_bind.c - libFuzzer target for the BIND 9 parser: any bytes through the normalizer
 * with --format bind, every event written as OCSF JSON.  The whole input is offered as one
 * record first, then framed as lines.  No crash, no leak, no read outside the input.
 */
#include "fuzz_servers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const fz_mode m = {1795824000000LL, 0, 0, 1};
    return fz_run_mode("bind", data, size, &m);
}
