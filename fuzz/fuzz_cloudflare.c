/*
 * fuzz_cloudflare.c - libFuzzer target for the Cloudflare audit log parser (API entries and
 * envelopes, Logpush): any bytes in, no crash, every event and dead letter serialises to valid
 * JSON.
 */
#include "prov_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const formats[] = {"cloudflare-audit", NULL};
    for (int i = 0; formats[i]; i++) {
        prov_fuzz_run(data, size, formats[i], NULL, NULL);
    }
    prov_fuzz_run(data, size, NULL, NULL, NULL); /* auto-detection */
    return 0;
}
