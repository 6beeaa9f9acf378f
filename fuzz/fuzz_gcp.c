/*
 * fuzz_gcp.c - libFuzzer target for the GCP parsers (Cloud Audit Logs of Cloud DNS, Cloud DNS query
 * logs): any bytes in, no crash, every event and dead letter serialises to valid JSON.
 */
#include "prov_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const formats[] = {"gcp-audit", "gcp-dns-query", NULL};
    for (int i = 0; formats[i]; i++) {
        prov_fuzz_run(data, size, formats[i], NULL, NULL);
    }
    prov_fuzz_run(data, size, NULL, NULL, NULL); /* auto-detection */
    return 0;
}
