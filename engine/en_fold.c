/*
 * en_fold.c - length-preserving lower-case folding (see en_fold.h).
 */
#include "en_fold.h"

#include <stdint.h>

static uint32_t fold_cp(uint32_t c)
{
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7) {
        return c + 0x20; /* Latin-1 capitals */
    }
    if (c >= 0x100 && c <= 0x17F) {
        /* Latin Extended-A: mostly even upper / odd lower pairs */
        if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177)) {
            return (c & 1) ? c : c + 1;
        }
        if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) {
            return (c & 1) ? c + 1 : c;
        }
        return c;
    }
    if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) {
        return c + 0x20; /* Greek capitals */
    }
    if (c >= 0x410 && c <= 0x42F) {
        return c + 0x20; /* Cyrillic А-Я */
    }
    if (c >= 0x400 && c <= 0x40F) {
        return c + 0x50; /* Cyrillic Ѐ-Џ */
    }
    return c;
}

void en_fold(const char *p, size_t n, char *out)
{
    const unsigned char *s = (const unsigned char *)p;
    unsigned char *o = (unsigned char *)out;
    size_t i = 0;
    while (i < n) {
        unsigned char ch = s[i];
        if (ch < 0x80) {
            o[i] = (ch >= 'A' && ch <= 'Z') ? (unsigned char)(ch + 32) : ch;
            i++;
            continue;
        }
        if ((ch & 0xE0) == 0xC0 && i + 1 < n && (s[i + 1] & 0xC0) == 0x80) {
            uint32_t c = (uint32_t)(ch & 0x1F) << 6 | (s[i + 1] & 0x3F);
            uint32_t f = fold_cp(c);
            if (f != c && f >= 0x80 && f < 0x800) {
                o[i] = (unsigned char)(0xC0 | (f >> 6));
                o[i + 1] = (unsigned char)(0x80 | (f & 0x3F));
            } else {
                o[i] = ch;
                o[i + 1] = s[i + 1];
            }
            i += 2;
            continue;
        }
        o[i] = ch;
        i++;
    }
}
