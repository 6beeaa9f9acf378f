/*
 * fuzz_inventory.c - libFuzzer target for the inventory loader (YAML and JSON): any
 * bytes in, no crash or leak; when a file loads, every lookup runs on it.
 */
#include "../normalizer/nz_inventory.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    nz_inventory *inv = nz_inventory_parse((const char *)data, size, "fuzz", err, sizeof err);
    if (!inv) {
        if (!err[0]) {
            abort(); /* a rejected file always says why */
        }
        return 0;
    }
    static const char *const probes[] = {"example.com", "a.b.example.com.",      "Z1", "192.0.2.1",
                                         "2001:db8::1", "arn:aws:iam::1:role/x", "",   "."};
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        size_t n = strlen(probes[i]);
        (void)nz_inventory_zone_by_id(inv, probes[i], n);
        (void)nz_inventory_zone_for_name(inv, probes[i], n);
        (void)nz_inventory_zone_known(inv, probes[i], n);
        (void)nz_inventory_principal_approved(inv, probes[i], n);
        (void)nz_inventory_ip_secondary(inv, probes[i], n, "example.com", 11);
        (void)nz_inventory_ip_scanner(inv, probes[i], n);
    }
    nz_inventory_destroy(inv);
    return 0;
}
