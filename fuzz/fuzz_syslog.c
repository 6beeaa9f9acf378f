/*
 * fuzz_syslog.c - libFuzzer target for the shared syslog header stripper: any bytes in,
 * no crash, and every returned view lies inside the input.
 */
#include "../normalizer/nz_syslog.h"

#include <stdint.h>
#include <stdlib.h>

static void check_view(zw_str v, const uint8_t *data, size_t size)
{
    if (v.p && ((const uint8_t *)v.p < data || (const uint8_t *)v.p + v.n > data + size)) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    zw_time_ctx tc = {1795784720921LL, 0};
    nz_syslog s;
    if (nz_syslog_parse((const char *)data, size, &tc, &s) == ZW_OK) {
        check_view(s.host, data, size);
        check_view(s.app, data, size);
        check_view(s.pid, data, size);
        check_view(s.msgid, data, size);
        check_view(s.body, data, size);
        if (!s.body.p) {
            abort();
        }
    }
    return 0;
}
