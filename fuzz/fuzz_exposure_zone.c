/*
 * fuzz_exposure_zone.c - zone-file text through ldns into an ex_zone, the analyser (with
 * a small built-in fingerprint table and inventory), and the table and HTML writers.
 */
#include "../exposure/ex.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char fps[] =
    "{\"providers\":[{\"id\":\"m\",\"name\":\"M\",\"mx\":[\"*.outlook.com\"],"
    "\"spf\":[\"spf.*\"],\"txt\":[\"MS=*\"],\"txt_owner\":[\"asuid\"],\"cname\":[\"*.net\"],"
    "\"takeover\":[\"*.azurewebsites.net\"],\"ns\":[\"ns*\"],\"srv\":[\"*\"]}],"
    "\"hosts\":[{\"category\":\"remote-access\",\"labels\":[\"vpn\",\"owa\"]}]}";
static const char invy[] = "exposure:\n  policy: strict\n  hosts:\n    approved: [\"*.a.test\"]\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    static ex_fp *fp;
    static ex_inv *inv;
    if (!fp) {
        fp = ex_fp_load_mem(fps, sizeof fps - 1, err, sizeof err);
        inv = ex_inv_load_mem(invy, sizeof invy - 1, "inv", err, sizeof err);
        if (!fp || !inv) {
            abort();
        }
    }
    ex_zone *z = NULL;
    ex_zone_read_mem((const char *)data, size, "fuzz", "fuzz.test", &z, err, sizeof err);
    if (z) {
        ex_report *r = ex_analyze(z, fp, inv);
        if (r) {
            zw_buf b;
            zw_buf_init(&b);
            ex_report_table(r, &b);
            ex_report_html(r, 0, &b);
            zw_buf_free(&b);
            ex_report_destroy(r);
        }
        ex_zone_destroy(z);
    }
    return 0;
}
