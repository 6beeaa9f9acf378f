/*
 * nz_dnswire.h - a bounds-checked reader of the parts of a wire-format DNS message
 * (RFC 1035 section 4) that events need: the header, the first question, and the
 * TSIG key name of a signed request.  Names are decompressed with every pointer
 * checked (it must point strictly backwards, at most 64 jumps, 255 bytes), so a
 * message whose pointers loop is an error, never a hang.  Not a general DNS library:
 * answers are counted, not decoded.
 *
 * Nothing is allocated: results are copied into the caller's struct.
 */
#ifndef NZ_DNSWIRE_H
#define NZ_DNSWIRE_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    unsigned id;
    int qr;
    int opcode;
    int rcode;
    unsigned qdcount, ancount, nscount, arcount;
    int has_question;
    char qname[1024]; /* presentation format, "." for the root, \DDD escapes */
    unsigned qtype, qclass;
    char tsig_key[1024]; /* owner name of a TSIG record in the additional section, or "" */
} nz_dnsmsg;

/* Reads [p, p+n) into *m.  0, or ZW_EINVAL with the reason (and byte offset inside the
 * message) in errstr.  With full == 0 only the header and question are read. */
int nz_dnswire_parse(const unsigned char *p, size_t n, int full, nz_dnsmsg *m, char *errstr,
                     size_t errstr_size);

/* "IN", "CH", "HS", "ANY" or "CLASSnnn" into buf. */
const char *nz_dns_class_name(unsigned cls, char *buf, size_t n);

#endif
