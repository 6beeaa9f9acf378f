/*
 * nz_dnswire.c - wire-format DNS header, question and TSIG owner (see nz_dnswire.h).
 * Every read is checked against the message length; a name pointer must point before
 * the position it was read at (so no loop can form) and a name is at most 255 bytes
 * on the wire, 64 jumps.
 */
#include "nz_dnswire.h"

#include "../common/zw_common.h"

#include <stdio.h>
#include <string.h>

#define MAX_JUMPS 64
#define MAX_RRS 256

static unsigned be16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

/* Reads the name at *off; *off moves past it (past the first pointer when compressed).
 * out (size outsz) gets the presentation form. */
static int read_name(const unsigned char *p, size_t n, size_t *off, char *out, size_t outsz,
                     char *errstr, size_t errsz)
{
    size_t i = *off, o = 0, wire = 0, end = 0;
    int jumps = 0, jumped = 0;
    size_t limit = i; /* a pointer must point before this */
    for (;;) {
        if (i >= n) {
            return zw_errf(errstr, errsz, ZW_EINVAL, "name at byte %zu runs past the message",
                           *off);
        }
        unsigned c = p[i];
        if ((c & 0xC0) == 0xC0) {
            if (i + 1 >= n) {
                return zw_errf(errstr, errsz, ZW_EINVAL, "truncated name pointer at byte %zu", i);
            }
            size_t to = (size_t)((c & 0x3F) << 8 | p[i + 1]);
            if (!jumped) {
                end = i + 2;
                jumped = 1;
            }
            if (to >= limit || ++jumps > MAX_JUMPS) {
                return zw_errf(errstr, errsz, ZW_EINVAL,
                               "name pointer at byte %zu to byte %zu loops or points forward", i,
                               to);
            }
            limit = to;
            i = to;
            continue;
        }
        if (c & 0xC0) {
            return zw_errf(errstr, errsz, ZW_EINVAL, "unsupported label type 0x%02x at byte %zu", c,
                           i);
        }
        if (c == 0) {
            i++;
            break;
        }
        if (i + 1 + c > n) {
            return zw_errf(errstr, errsz, ZW_EINVAL, "label at byte %zu runs past the message", i);
        }
        wire += c + 1;
        if (wire > 255) {
            return zw_errf(errstr, errsz, ZW_EINVAL, "name at byte %zu longer than 255 bytes",
                           *off);
        }
        for (unsigned k = 0; k < c; k++) {
            unsigned char ch = p[i + 1 + k];
            /* worst case 4 bytes per char, plus the dot and the NUL */
            if (o + 6 > outsz) {
                return zw_errf(errstr, errsz, ZW_EINVAL, "name too long");
            }
            if (ch == '.' || ch == '\\') {
                out[o++] = '\\';
                out[o++] = (char)ch;
            } else if (ch <= 0x20 || ch >= 0x7f) {
                o += (size_t)snprintf(out + o, outsz - o, "\\%03u", ch);
            } else {
                out[o++] = (char)ch;
            }
        }
        out[o++] = '.';
        i += 1 + c;
    }
    if (o == 0) {
        out[o++] = '.';
    }
    out[o] = 0;
    *off = jumped ? end : i;
    return 0;
}

const char *nz_dns_class_name(unsigned cls, char *buf, size_t n)
{
    switch (cls) {
    case 1:
        return "IN";
    case 3:
        return "CH";
    case 4:
        return "HS";
    case 254:
        return "NONE";
    case 255:
        return "ANY";
    default:
        snprintf(buf, n, "CLASS%u", cls);
        return buf;
    }
}

int nz_dnswire_parse(const unsigned char *p, size_t n, int full, nz_dnsmsg *m, char *errstr,
                     size_t errsz)
{
    /* field by field: the name buffers are 2 KiB and only need their first byte */
    m->id = 0;
    m->qr = m->opcode = m->rcode = m->has_question = 0;
    m->qdcount = m->ancount = m->nscount = m->arcount = 0;
    m->qtype = m->qclass = 0;
    m->qname[0] = m->tsig_key[0] = 0;
    if (n < 12) {
        return zw_errf(errstr, errsz, ZW_EINVAL,
                       "DNS message of %zu bytes, shorter than its header", n);
    }
    m->id = be16(p);
    unsigned fl = be16(p + 2);
    m->qr = (fl >> 15) & 1;
    m->opcode = (int)((fl >> 11) & 0xF);
    m->rcode = (int)(fl & 0xF);
    m->qdcount = be16(p + 4);
    m->ancount = be16(p + 6);
    m->nscount = be16(p + 8);
    m->arcount = be16(p + 10);
    size_t off = 12;
    if (m->qdcount == 0) {
        return 0;
    }
    int rc = read_name(p, n, &off, m->qname, sizeof m->qname, errstr, errsz);
    if (rc) {
        return rc;
    }
    if (off + 4 > n) {
        return zw_errf(errstr, errsz, ZW_EINVAL, "question truncated at byte %zu", off);
    }
    m->qtype = be16(p + off);
    m->qclass = be16(p + off + 2);
    off += 4;
    m->has_question = 1;
    if (!full || m->qdcount != 1) {
        return 0;
    }
    /* walk the records to the TSIG (always last in the additional section) */
    unsigned total = m->ancount + m->nscount + m->arcount;
    if (total > MAX_RRS) {
        return 0; /* a transfer's answer: nothing we need is there */
    }
    for (unsigned r = 0; r < total; r++) {
        char owner[1024];
        if ((rc = read_name(p, n, &off, owner, sizeof owner, errstr, errsz))) {
            return rc;
        }
        if (off + 10 > n) {
            return zw_errf(errstr, errsz, ZW_EINVAL, "record truncated at byte %zu", off);
        }
        unsigned type = be16(p + off), rdlen = be16(p + off + 8);
        off += 10;
        if (rdlen > n - off) {
            return zw_errf(errstr, errsz, ZW_EINVAL,
                           "record data runs past the message at byte %zu", off);
        }
        off += rdlen;
        if (type == 250 && r == total - 1) {
            memcpy(m->tsig_key, owner, sizeof m->tsig_key);
        }
    }
    return 0;
}
