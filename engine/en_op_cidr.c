/*
 * en_op_cidr.c - the `cidr` operation: IPv4 / IPv6 prefixes in one binary trie per
 * field and address family.  A value is parsed as an address once and walked down the
 * trie; every prefix node on the way sets its leaves.  No per-leaf test.
 */
#include "en_op.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

int en_parse_ip(const char *s, size_t n, unsigned char *buf, int *v6)
{
    char tmp[64];
    if (n == 0 || n >= sizeof tmp) {
        return -1;
    }
    memcpy(tmp, s, n);
    tmp[n] = 0;
    if (memchr(tmp, ':', n)) {
        *v6 = 1;
        return inet_pton(AF_INET6, tmp, buf) == 1 ? 0 : -1;
    }
    *v6 = 0;
    return inet_pton(AF_INET, tmp, buf) == 1 ? 0 : -1;
}

static int cidr_add(field *f, const char *s, uint32_t leaf)
{
    const char *slash = strchr(s, '/');
    size_t n = slash ? (size_t)(slash - s) : strlen(s);
    unsigned char b[16];
    int v6;
    if (en_parse_ip(s, n, b, &v6)) {
        return -1;
    }
    int bits = slash ? atoi(slash + 1) : (v6 ? 128 : 32);
    cnode **root = v6 ? &f->v6 : &f->v4;
    if (!*root && !(*root = calloc(1, sizeof(cnode)))) {
        return -1;
    }
    cnode *nd = *root;
    for (int i = 0; i < bits; i++) {
        int bit = (b[i / 8] >> (7 - i % 8)) & 1;
        if (!nd->c[bit] && !(nd->c[bit] = calloc(1, sizeof(cnode)))) {
            return -1;
        }
        nd = nd->c[bit];
    }
    return push_u32(&nd->leaves, &nd->nleaves, leaf);
}

void en_cidr_free(cnode *n)
{
    if (n) {
        en_cidr_free(n->c[0]);
        en_cidr_free(n->c[1]);
        free(n->leaves);
        free(n);
    }
}

int en_op_cidr_build(en_build *b, uint32_t i, const dc_leaf *l, cleaf *c)
{
    c->kind = K_CIDR;
    b->t->st.cidrs++;
    return cidr_add(&b->t->fields[c->field], l->val, i) ? ZW_ENOMEM : 0;
}

static void cidr_walk(en_matcher *m, const cnode *nd, const unsigned char *b, int bits)
{
    for (int i = 0; nd; i++) {
        for (uint32_t k = 0; k < nd->nleaves; k++) {
            set_leaf(m, nd->leaves[k]);
        }
        if (i == bits) {
            break;
        }
        nd = nd->c[(b[i / 8] >> (7 - i % 8)) & 1];
    }
}

void en_cidr_lookup(en_matcher *m, const field *f)
{
    unsigned char b[16];
    int v6;
    if (en_parse_ip(m->val.p, m->val.n, b, &v6) == 0) {
        cidr_walk(m, v6 ? f->v6 : f->v4, b, v6 ? 128 : 32);
    }
}
