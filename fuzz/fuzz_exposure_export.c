/*
 * fuzz_exposure_export.c - provider record listings (Route 53, Azure, GCP, Cloudflare
 * JSON) and the inventory's exposure: section, as `zonewarden exposure` reads them.
 */
#include "../exposure/ex.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    ex_zone *z = NULL;
    ex_zone_read_export_mem((const char *)data, size, "fuzz", NULL, &z, err, sizeof err);
    ex_zone_destroy(z);
    ex_inv_destroy(ex_inv_load_mem((const char *)data, size, "fuzz", err, sizeof err));
    return 0;
}
