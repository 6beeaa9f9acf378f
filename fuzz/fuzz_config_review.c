/*
 * fuzz_config_review.c - configuration text through the reader chosen by the first byte
 * (0-3: bind, knot, nsd, pdns; anything else: detected from the syntax), the checks
 * (with a small built-in inventory), the OCSF events, the table and the HTML report.
 * Includes are not followed (no file system access from fuzz input).
 */
#include "../review/cr.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char invy[] = "zones:\n  - name: a.test\n    secondaries: [127.0.0.2]\n"
                           "secondaries: [192.0.2.0/24, 2001:db8::/32]\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    static nz_inventory *inv;
    if (!inv && !(inv = nz_inventory_parse(invy, sizeof invy - 1, "inv", err, sizeof err))) {
        abort();
    }
    if (size < 1) {
        return 0;
    }
    int type = data[0] < CR__SERVERS ? data[0] : -1;
    cr_config *c = NULL;
    cr_config_read_mem((const char *)data + 1, size - 1, "fuzz.conf", type, 1, &c, err, sizeof err);
    if (!c) {
        return 0;
    }
    cr_report *r = cr_check(c, inv);
    if (r) {
        zw_buf b;
        zw_buf_init(&b);
        zw_arena *a = zw_arena_new(0);
        for (size_t i = 0; a && i < r->n; i++) {
            zw_event ev;
            zw_arena_reset(a);
            zw_event_init(&ev, a);
            cr_finding_event(r, i, 0, &ev);
        }
        zw_arena_destroy(a);
        cr_report_table(r, &b);
        cr_report *const reps[] = {r};
        cr_report_html(reps, 1, 0, &b);
        zw_buf_free(&b);
        cr_report_destroy(r);
    }
    cr_config_destroy(c);
    return 0;
}
