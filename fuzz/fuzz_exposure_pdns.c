/*
 * fuzz_exposure_pdns.c - passive DNS (COF JSON lines) read against a small fixed zone,
 * analysed (stale names, providers, takeover-prone targets) and written as a table, HTML
 * and Compliance Finding events.
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
static const char zone_text[] = "$TTL 60\n@ IN SOA ns1 h 1 2 3 4 5\n@ IN MX 0 m.outlook.com.\n"
                                "www IN A 192.0.2.1\nvpn IN CNAME www\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    static ex_fp *fp;
    static ex_zone *zone;
    if (!fp) {
        fp = ex_fp_load_mem(fps, sizeof fps - 1, err, sizeof err);
        ex_zone_read_mem(zone_text, sizeof zone_text - 1, "z", "fuzz.test", &zone, err,
                         sizeof err);
        if (!fp || !zone) {
            abort();
        }
    }
    ex_zone *pz = NULL;
    ex_pdns_read_mem((const char *)data, size, "fuzz", zone, &pz, err, sizeof err);
    if (!pz) {
        return 0;
    }
    ex_report *r = ex_analyze(zone, fp, NULL);
    if (r && ex_analyze_pdns(r, pz, fp, NULL) == 0) {
        zw_buf b;
        zw_buf_init(&b);
        ex_report_table(r, &b);
        ex_report_html(r, 0, &b);
        zw_arena *a = zw_arena_new(0);
        for (size_t i = 0; a && i < r->n; i++) {
            zw_event ev;
            zw_arena_reset(a);
            zw_event_init(&ev, a);
            ex_finding_event(r, i, 0, &ev);
        }
        zw_arena_destroy(a);
        zw_buf_free(&b);
    }
    ex_report_destroy(r);
    ex_zone_destroy(pz);
    return 0;
}
