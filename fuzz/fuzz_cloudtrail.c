/*
 * fuzz_cloudtrail.c - libFuzzer target for the AWS parsers (CloudTrail, Route 53
 * public and Resolver query logs): any bytes in, no crash, every event and dead letter
 * serialises to valid JSON.
 */
#include "prov_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    prov_fuzz_run(data, size, "cloudtrail", NULL, NULL);
    prov_fuzz_run(data, size, "route53-query", NULL, NULL);
    prov_fuzz_run(data, size, "route53-resolver-query", NULL, NULL);
    return 0;
}
