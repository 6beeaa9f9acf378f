/*
 * fuzz_tables.c - the tables file loader on arbitrary bytes.  Inputs start with a valid
 * header whose length and checksum are recomputed, so the fuzzer reaches the body
 * parser (every length and index is bounds-checked there) and the tables build.
 */
#include "../compiler/dc_ir.h"
#include "../engine/en_tables.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dc_ruleset *rs;
    char err[256];
    /* as given */
    if (dc_ir_deserialize((const char *)data, size, &rs, err, sizeof err) == 0) {
        dc_ruleset_free(rs);
    }
    /* with a valid header in front of the bytes */
    size_t n = 24 + size;
    unsigned char *p = malloc(n ? n : 1);
    if (!p) {
        return 0;
    }
    memcpy(p, DC_TABLES_MAGIC, 8);
    uint32_t v = DC_TABLES_VERSION, body = (uint32_t)size;
    uint32_t crc = (uint32_t)crc32(0L, data, (uInt)size);
    for (int i = 0; i < 4; i++) {
        p[8 + i] = (unsigned char)(v >> (8 * i));
        p[12 + i] = 0;
        p[16 + i] = (unsigned char)(body >> (8 * i));
        p[20 + i] = (unsigned char)(crc >> (8 * i));
    }
    if (size) {
        memcpy(p + 24, data, size);
    }
    if (dc_ir_deserialize((const char *)p, n, &rs, err, sizeof err) == 0) {
        en_tables *t;
        if (en_tables_new(rs, &t, err, sizeof err) == 0) {
            en_tables_destroy(t);
        }
    }
    free(p);
    return 0;
}
